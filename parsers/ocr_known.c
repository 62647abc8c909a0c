/* ocr_known.c - names, units and labels repaired towards what is known; see ocr_parts.h. */
#include "ocr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "ocr_parts.h"
#include "text.h"

/* ---- what is known ---- */

/* Vietnamese family names: the first word of a person's name. */
static const char *const surnames[] = {
    "Nguyễn", "Trần",  "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",   "Võ",     "Đặng",
    "Bùi",    "Đỗ",    "Hồ",  "Ngô",  "Dương", "Lý",    "Đinh",  "Đoàn", "Trương", "Châu",
    "Lương",  "Mai",   "Cao", "Hà",   "Tạ",    "Thái",  "Tô",    "Lâm",  "Phùng",  "Vương",
    "Trịnh",  "Đào",   "Tôn", "Kiều", "Quách", "Lưu",   "Triệu", "Thân", "Mạc",    "Nghiêm",
    "Diệp",   "Giang", "Hứa", "Từ",   "Tăng",  "Đàm",   "Khúc",  "Lại",  "Chu",    "Đồng",
};

/* Names printed on the forms of Đà Nẵng's units: places, units and
   departments, titles, words of company names.  OCR text with the same
   letters and other diacritics ("Liên Chiếu", "Cố phần", "Chuyền viên") is
   written as they are.  A row per name; only names of two words or more
   (one word alone has too many namesakes). */
static const char *const known_names[] = {
    /* places */
    "Đà Nẵng",
    "Hải Châu",
    "Thanh Khê",
    "Sơn Trà",
    "Ngũ Hành Sơn",
    "Liên Chiểu",
    "Cẩm Lệ",
    "Hòa Vang",
    "Hoàng Sa",
    "Trần Phú",
    "Quang Trung",
    "Bạch Đằng",
    "Lê Duẩn",
    "Nguyễn Văn Linh",
    "Trung tâm Hành chính",
    "Công viên Phần mềm",
    "Tòa nhà",
    /* units */
    "Ủy ban nhân dân",
    "Văn phòng",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Du lịch",
    "Sở Ngoại vụ",
    "Giáo dục và Đào tạo",
    "Giao thông vận tải",
    "Kế hoạch và Đầu tư",
    "Khoa học và Công nghệ",
    "Lao động - Thương binh và Xã hội",
    "Nông nghiệp và Phát triển nông thôn",
    "Tài nguyên và Môi trường",
    "Thông tin và Truyền thông",
    "Văn hóa và Thể thao",
    "Văn hóa và Thông tin",
    "Quản lý đô thị",
    "Tài chính - Kế hoạch",
    "Kinh tế",
    "Phòng Hành chính",
    "Quản lý chất lượng",
    "Trung tâm",
    "Phát triển Hạ tầng",
    /* titles */
    "Chuyên viên",
    "Văn thư",
    "Nhân viên",
    "Cán bộ",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Giám đốc",
    "Phó Giám đốc",
    "Chánh Văn phòng",
    "Kế toán",
    "Kỹ thuật viên",
    "hợp đồng",
    /* companies */
    "Công ty",
    "Cổ phần",
    "Trách nhiệm hữu hạn",
    "Phần mềm",
    "Công nghệ",
    "Dịch vụ",
    "Dữ liệu",
    "Thiết kế",
    "Tư vấn",
    "Viễn thông",
};

/* Folded labels whose value is a person's name. */
static const char *const name_labels[] = {
    "ho va ten",
    "ho ten",
    "nguoi lien he",
    "ho ten nguoi lien he",
    "ho va ten nguoi lien he",
    "can bo phu trach",
    "nguoi phu trach",
    "nguoi de nghi",
    "nguoi yeu cau",
    "nguoi dang ky",
    "can bo lien he",
    "ten nguoi lien he",
    "ho ten can bo",
    "ho va ten can bo",
};

/* Words that stand before a number in an address (folded, spelled). */
static const char *const numbered_words[][2] = {
    {"tang", "tầng"},
    {"phong", "phòng"},
    {"lau", "lầu"},
};

/* Folded labels whose value is a unit's name. */
static const char *const unit_labels[] = {
    "ten don vi",
    "don vi",
    "don vi yeu cau",
    "ten co quan",
    "co quan",
    "co quan/don vi",
    "co quan, don vi",
    "ten co quan/don vi",
    "ten co quan, don vi",
    "ten don vi yeu cau",
    "don vi de nghi",
    "don vi cong tac",
    "cong ty",
    "ten cong ty",
    "doanh nghiep",
    "ten doanh nghiep",
    "to chuc",
    "ten to chuc",
    "don vi/cong ty",
    "co quan/cong ty",
};

/* A word's letters without diacritics but with đ, lower case, and its
   marks in order: two words with the same of both differ only in where the
   tone mark sits ("hoà", "hòa"). */
static void
word_parts(const char *w, GString *base, GString *marks)
{
	char *lower = g_utf8_strdown(w, -1);
	char *nfd = g_utf8_normalize(lower, -1, G_NORMALIZE_NFD);

	for (const char *c = nfd; c != NULL && *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_ismark(u)) {
			/* keep them sorted: the order of marks is not the point */
			gsize i = 0;
			while (i < marks->len && g_utf8_get_char(marks->str + i) < u)
				i = g_utf8_next_char(marks->str + i) - marks->str;
			g_string_insert_unichar(marks, (gssize)i, u);
		} else {
			g_string_append_unichar(base, u);
		}
	}
	g_free(nfd);
	g_free(lower);
}

/* Whether two words are the same but for where the tone mark sits. */
static gboolean
same_word(const char *a, const char *b)
{
	GString *ba = g_string_new(NULL), *ma = g_string_new(NULL);
	GString *bb = g_string_new(NULL), *mb = g_string_new(NULL);

	word_parts(a, ba, ma);
	word_parts(b, bb, mb);
	gboolean same = g_string_equal(ba, bb) && g_string_equal(ma, mb);
	g_string_free(ba, TRUE);
	g_string_free(ma, TRUE);
	g_string_free(bb, TRUE);
	g_string_free(mb, TRUE);
	return same;
}

/* word written in the case of model (capitals, a capital first, small). */
static char *
case_like(const char *model, const char *word)
{
	char *up = g_utf8_strup(model, -1), *down = g_utf8_strdown(model, -1);
	char *out;

	if (strcmp(model, up) == 0 && strcmp(model, down) != 0) {
		out = g_utf8_strup(word, -1);
	} else if (g_unichar_isupper(g_utf8_get_char(model))) {
		char *rest = g_utf8_strdown(g_utf8_next_char(word), -1);
		char first[8] = {0};
		g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(word)), first);
		out = g_strconcat(first, rest, NULL);
		g_free(rest);
	} else {
		out = g_utf8_strdown(word, -1);
	}
	g_free(up);
	g_free(down);
	return out;
}

/* The core of a token: without punctuation around it. */
static char *
token_core(const char *tok, gsize *lead, gsize *trail)
{
	gsize n = strlen(tok), a = 0, b = n;

	while (a < n && strchr("(\"'", tok[a]) != NULL)
		a++;
	while (b > a && strchr(",.;:)\"'", tok[b - 1]) != NULL)
		b--;
	*lead = a;
	*trail = n - b;
	return g_strndup(tok + a, b - a);
}

/* Replace the core of token i by word, in the case of the core it had. */
static void
token_set(char **toks, int i, const char *word)
{
	gsize lead, trail;
	char *core = token_core(toks[i], &lead, &trail);
	char *w = case_like(core, word);
	char *t =
	    g_strdup_printf("%.*s%s%s", (int)lead, toks[i], w, toks[i] + strlen(toks[i]) - trail);

	g_free(toks[i]);
	toks[i] = t;
	g_free(core);
	g_free(w);
}

/* The family name a word is with its diacritics misread, or NULL. */
static const char *
surname_of(const char *word)
{
	char *f = text_fold(word);
	const char *found = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(surnames); i++) {
		char *g = text_fold(surnames[i]);
		if (same_word(word, surnames[i]))
			found = NULL, i = G_N_ELEMENTS(surnames); /* it is one */
		else if (strcmp(f, g) == 0 && found == NULL)
			found = surnames[i];
		g_free(g);
	}
	g_free(f);
	return found;
}

/* A speck read as a full stop between two words ("Tòa nhà.Công viên"):
   a lower-case Vietnamese word (it has diacritics, so it is no address
   nor abbreviation) before it, a capital after it; made a space. */
static void
token_speck_dot(char **tok)
{
	const char *dot = strchr(*tok, '.');

	if (dot == NULL || dot == *tok || strchr(*tok, '@') != NULL)
		return;
	gboolean viet = FALSE, lower = TRUE;
	for (const char *c = *tok; c < dot; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		viet = viet || u >= 0x80;
		lower = lower && g_unichar_islower(u);
	}
	gunichar next = g_utf8_get_char(dot + 1);
	if (!viet || !lower || !g_unichar_isupper(next))
		return;
	char *t = g_strdup_printf("%.*s %s", (int)(dot - *tok), *tok, dot + 1);
	g_free(*tok);
	*tok = t;
}

/* Write the known names in toks[from..to) as they are spelled, and the
   family name at toks[name] (when name >= 0). */
static void
tokens_known(char **toks, int from, int to, int name)
{
	if (name >= from && name < to) {
		gsize lead, trail;
		char *core = token_core(toks[name], &lead, &trail);
		const char *sn = surname_of(core);
		if (sn != NULL)
			token_set(toks, name, sn);
		g_free(core);
	}
	for (guint k = 0; k < G_N_ELEMENTS(known_names); k++) {
		char **words = g_strsplit(known_names[k], " ", -1);
		int m = (int)g_strv_length(words);
		for (int i = from; i + m <= to; i++) {
			gboolean fold_eq = TRUE, same = TRUE;
			for (int j = 0; j < m && fold_eq; j++) {
				gsize lead, trail;
				char *core = token_core(toks[i + j], &lead, &trail);
				/* punctuation only before the first and after the last */
				char *a = text_fold(core), *b = text_fold(words[j]);
				fold_eq = strcmp(a, b) == 0 && (lead == 0 || j == 0) &&
				          (trail == 0 || j == m - 1);
				same = same && same_word(core, words[j]);
				g_free(a);
				g_free(b);
				g_free(core);
			}
			if (fold_eq && !same)
				for (int j = 0; j < m; j++)
					token_set(toks, i + j, words[j]);
		}
		g_strfreev(words);
	}
}

/* Whether a label (numbering and bullets gone) is one of a list of folded
   labels, as it is or as fields_label_fuzzy() knows it. */
static gboolean
label_in(const char *label, const char *const *list, gsize n)
{
	const char *l = label;
	gboolean found = FALSE;

	while (*l != '\0' && strchr("-–•*+0123456789.) ", *l) != NULL)
		l++;
	char *f = text_fold(l);
	g_strstrip(f);
	for (gsize i = 0; i < n && !found; i++)
		found = strcmp(f, list[i]) == 0;
	if (!found && *f != '\0') {
		char *near = fields_label_fuzzy(l);
		for (gsize i = 0; near != NULL && i < n && !found; i++)
			found = strcmp(near, list[i]) == 0;
		g_free(near);
	}
	g_free(f);
	return found;
}

/* Whether a label names a person. */
gboolean
ocr_name_label(const char *label)
{
	return label_in(label, name_labels, G_N_ELEMENTS(name_labels));
}

/* Whether a label names a unit. */
gboolean
ocr_unit_label(const char *label)
{
	return label_in(label, unit_labels, G_N_ELEMENTS(unit_labels));
}

/* Correct a line (or a table cell, name: TRUE in a column of names) with
   what is known: names as they are spelled, the family name a person's
   name starts with, dashes read from specks at the end or after the
   label. */
void
ocr_line_known(GString *line, gboolean name)
{
	char **toks = g_strsplit(line->str, " ", -1);
	int n = (int)g_strv_length(toks), label_end = -1, first = 0;

	for (int i = 0; i < n && label_end < 0; i++)
		if (g_str_has_suffix(toks[i], ":"))
			label_end = i;
	if (label_end >= 0) {
		char *label = g_strjoinv(" ", toks); /* up to the colon */
		char *colon = strchr(label, ':');
		*colon = '\0';
		name = ocr_name_label(label);
		g_free(label);
		first = label_end + 1;
	}
	/* the value's first word, after leaders */
	while (first < n &&
	       (*toks[first] == '\0' || strspn(toks[first], ".…") == strlen(toks[first])))
		first++;
	/* a name does not end in a colon or a comma: specks ("Nhung:") */
	int end = first;
	while (name && end < n &&
	       !(*toks[end] != '\0' && strspn(toks[end], ".…") == strlen(toks[end])))
		end++;
	if (name && end > first) {
		gsize len = strlen(toks[end - 1]);
		while (len > 1 && strchr(",:;'`", toks[end - 1][len - 1]) != NULL)
			toks[end - 1][--len] = '\0';
	}
	/* a dash alone after the label or at the end is a speck */
	for (int i = n - 1; i >= 0; i--)
		if ((i == n - 1 || (i == first && label_end >= 0)) &&
		    (strcmp(toks[i], "-") == 0 || strcmp(toks[i], "—") == 0 ||
		     strcmp(toks[i], "–") == 0)) {
			g_free(toks[i]);
			toks[i] = g_strdup("");
		}
	for (int i = 0; i < n; i++)
		token_speck_dot(&toks[i]);
	tokens_known(toks, 0, n, name ? first : -1);
	/* words of an address before its number, their tone misread ("tâng 12") */
	for (int i = 0; i + 1 < n; i++) {
		if (!g_ascii_isdigit(*toks[i + 1]))
			continue;
		char *f = text_fold(toks[i]);
		for (guint k = 0; k < G_N_ELEMENTS(numbered_words); k++)
			if (strcmp(f, numbered_words[k][0]) == 0 &&
			    !same_word(toks[i], numbered_words[k][1]))
				token_set(toks, i, numbered_words[k][1]);
		g_free(f);
	}
	/* the day, month and year of a date are digits: "ngày L7" */
	for (int i = 1; i < n; i++) {
		char *prev = text_fold(toks[i - 1]);
		if ((strcmp(prev, "ngay") == 0 || strcmp(prev, "thang") == 0 ||
		     strcmp(prev, "nam") == 0) &&
		    strlen(toks[i]) <= 4 && strpbrk(toks[i], "0123456789") != NULL)
			for (char *c = toks[i]; *c != '\0'; c++)
				*c = *c == 'O' || *c == 'o'                ? '0'
				     : *c == 'l' || *c == 'I' || *c == 'L' ? '1'
				     : *c == 'S'                           ? '5'
				     : *c == 'B'                           ? '8'
				                                           : *c;
		g_free(prev);
	}
	GString *out = g_string_new(NULL);
	for (int i = 0; i < n; i++)
		if (*toks[i] != '\0' || i == 0) {
			if (out->len > 0)
				g_string_append_c(out, ' ');
			g_string_append(out, toks[i]);
		}
	g_string_assign(line, out->str);
	g_string_free(out, TRUE);
	g_strfreev(toks);
}

/* Whether a token is a leader's dots. */
static gboolean
token_leader(const char *t)
{
	return *t != '\0' && strspn(t, ".…") == strlen(t);
}

/* Repair the value of a unit's line ("Tên đơn vị: UBND quận Liên Chiếu")
   towards the unit it is within a letter in ten (gazetteer_match(): the
   gazetteer and the configured units); specks read as punctuation at the
   end of a unit's name dropped.  Returns FALSE when the line holds a
   unit's name that is no known unit (its reading cannot be checked). */
gboolean
ocr_line_unit(GString *line, const struct ocr_opts *o)
{
	char **toks = g_strsplit(line->str, " ", -1);
	int n = (int)g_strv_length(toks), label_end = -1, first, end;
	gboolean known = TRUE;

	for (int i = 0; i < n && label_end < 0 && i < 8; i++)
		if (g_str_has_suffix(toks[i], ":"))
			label_end = i;
	if (label_end < 0)
		goto out;
	char *label = g_strjoinv(" ", toks);
	*strchr(label, ':') = '\0';
	gboolean unit = label_in(label, unit_labels, G_N_ELEMENTS(unit_labels));
	g_free(label);
	if (!unit)
		goto out;
	for (first = label_end + 1;
	     first < n && (*toks[first] == '\0' || token_leader(toks[first]));)
		first++;
	for (end = first; end < n && !token_leader(toks[end]);)
		end++;
	if (end == first)
		goto out;
	/* "Thanh Khê:." */
	char *last = toks[end - 1];
	gsize len = strlen(last);
	while (len > 1 && strchr(".,:;'`", last[len - 1]) != NULL)
		last[--len] = '\0';
	char **vals = g_new0(char *, end - first + 1);
	for (int i = first; i < end; i++)
		vals[i - first] = toks[i];
	char *value = g_strjoinv(" ", vals);
	g_free(vals);
	int d = -1;
	const char *found = gazetteer_match(value, o != NULL ? o->units : NULL, &d);
	known = found != NULL;
	if (found != NULL && d > 0) {
		g_free(toks[first]);
		toks[first] = g_strdup(found);
		for (int i = first + 1; i < end; i++)
			*toks[i] = '\0';
	}
	g_free(value);
	GString *outl = g_string_new(NULL);
	for (int i = 0; i < n; i++)
		if (*toks[i] != '\0') {
			if (outl->len > 0)
				g_string_append_c(outl, ' ');
			g_string_append(outl, toks[i]);
		}
	g_string_assign(line, outl->str);
	g_string_free(outl, TRUE);
out:
	g_strfreev(toks);
	return known;
}

/* Whether a word of a name or a unit cannot be Vietnamese as read: letters
   and digits mixed ("Đ1"), or a word with diacritics that is no syllable
   ("Chiũu").  Words in plain ASCII (foreign names) and acronyms pass. */
static gboolean
word_garbled(const char *w)
{
	gboolean digit = FALSE, alpha = FALSE, viet = FALSE;
	GString *core = g_string_new(NULL);

	for (const char *c = w; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_isdigit(u))
			digit = TRUE;
		else if (g_unichar_isalpha(u) || g_unichar_ismark(u))
			alpha = TRUE, viet = viet || u >= 0x80, g_string_append_unichar(core, u);
	}
	/* an acronym: capitals without marks ("HĐND") */
	char *up = g_utf8_strup(core->str, -1),
	     *nfd = g_utf8_normalize(core->str, -1, G_NORMALIZE_NFD);
	gboolean acronym = strcmp(up, core->str) == 0 && nfd != NULL && strcmp(nfd, core->str) == 0;
	g_free(up);
	g_free(nfd);
	gboolean bad = (digit && alpha) || (viet && !acronym && !legacy_syllable(core->str));
	g_string_free(core, TRUE);
	return bad;
}

/* Whether the value of a line naming a person, or a unit that is not a
   known one (known: ocr_line_unit()'s answer), holds a garbled word: such a
   line is not to be trusted whatever Tesseract's confidence. */
gboolean
ocr_line_garbled(const char *line, gboolean known_unit)
{
	const char *colon = strchr(line, ':');
	gboolean bad = FALSE;

	if (colon == NULL || colon - line > 80)
		return FALSE;
	char *label = g_strndup(line, (gsize)(colon - line));
	gboolean name = ocr_name_label(label),
	         unit = !known_unit && label_in(label, unit_labels, G_N_ELEMENTS(unit_labels));
	g_free(label);
	if (!name && !unit)
		return FALSE;
	char **toks = g_strsplit(colon + 1, " ", -1);
	/* the value: up to the first leader after it */
	gboolean seen = FALSE;
	for (int i = 0; toks[i] != NULL && !bad; i++) {
		if (token_leader(toks[i])) {
			if (seen)
				break;
			continue;
		}
		if (*toks[i] == '\0')
			continue;
		seen = TRUE;
		bad = word_garbled(toks[i]);
	}
	g_strfreev(toks);
	return bad;
}
