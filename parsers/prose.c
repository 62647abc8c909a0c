/* prose.c - the fields of a request written as sentences: sentences, the unit, the signature; see
 * prose.h. */
#include "prose.h"
#include "prose_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Signature lines read after the closing words, and the longest. */
#define PROSE_MAX_SIGNATURE  6
#define PROSE_SIGNATURE_LINE 100

/* Folded beginnings of a unit's name, and English words that end one. */
static const char unit_heads[] =
    "so|ban|ubnd|uy ban|van phong|phong|trung tam|cong ty|quan|huyen|phuong|xa|benh vien|"
    "truong|chi cuc|cuc|thanh tra|dai|bao|hoi|tong cong ty|ngan hang|vien|kho bac|cong an|"
    "bo chi huy|hdnd|hoi dong|thanh uy|quan uy|huyen uy|dang uy|lien doan|tap doan|"
    "chi nhanh|khu|department|office|committee|centre|center|company|university|hospital|"
    "board|agency|authority|bank|vnpt|viettel|fpt|cmc|mobifone";
/* Folded heads that alone name no unit ("Văn phòng Sở", "Phòng Ban"). */
static const char bare_heads[] = "so|ban|phong|don vi|co quan|trung tam|uy ban|ubnd|cong ty|cuc";
static const char unit_tails[] =
    "committee|centre|center|department|agency|company|university|hospital|board|office|"
    "authority|bank|corporation|jsc|ltd|co|corp|inc|llc|plc|pte|limited|gmbh|institute|school|"
    "college|police|treasury|unit|k.k|kk|ag";

/* Whether folded text starts with one of a '|' list's words, whole, and
   has more words after it. */
static gboolean
starts_with_word(const char *f, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize n = strlen(w[i]);
		yes = strncmp(f, w[i], n) == 0 && f[n] == ' ' && g_ascii_isalnum(f[n + 1]);
	}
	g_strfreev(w);
	return yes;
}

/* Whether folded text ends with one of a '|' list's words. */
static gboolean
ends_with_word(const char *f, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gsize fn = strlen(f);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize n = strlen(w[i]);
		yes = fn > n && strcmp(f + fn - n, w[i]) == 0 && f[fn - n - 1] == ' ';
	}
	g_strfreev(w);
	return yes;
}

/* Whether a folded phrase names a unit: its first word, or its last in
   English ("Hai Chau District People's Committee"); at most 16 words. */
gboolean
prose_is_unit(const char *f)
{
	int words = 1;

	for (const char *p = f; *p != '\0'; p++)
		words += *p == ' ';
	if (*f == '\0' || words > 16 || strchr(f, '@') != NULL)
		return FALSE;
	/* "… Co., Ltd.": the legal form's dot */
	gsize n = strlen(f);
	if (f[n - 1] == '.') {
		char *bare = g_strndup(f, n - 1);
		gboolean yes = prose_is_unit(bare);
		g_free(bare);
		return yes;
	}
	/* "the Office of …", "Da Nang Department of …": the article and the
	   city's name are no part of the name */
	if (strncmp(f, "the ", 4) == 0)
		return prose_is_unit(f + 4);
	if (strncmp(f, "da nang ", 8) == 0)
		return prose_is_unit(f + 8);
	/* "our unit", "this office": the writer's own, not a name */
	if (words == 2 && starts_with_word(f, "our|my|your|their|this|that|a|an"))
		return FALSE;
	/* "Văn phòng Sở gửi bổ sung …": a head before a bare head names no
	   unit, it points at one the reader knows */
	const char *space = strchr(f, ' ');
	if (space != NULL && starts_with_word(f, unit_heads) &&
	    text_list_has(bare_heads, space + 1))
		return FALSE;
	if (strncmp(f, "van phong ", 10) == 0 && text_list_has(bare_heads, f + 10))
		return FALSE;
	return starts_with_word(f, unit_heads) || ends_with_word(f, unit_tails);
}

/* Folded abbreviations of a company's legal form ("Co., Ltd.", "JSC",
   "Corp."), which a name may end with after a comma or a dot. */
static const char company_forms[] = "co|ltd|jsc|corp|inc|llc|plc|pte|limited|gmbh|ag|kk|bv";

/* Where a unit's name that stops at folded offset e really ends: past a
   legal form written after it ("FujiNet Co" + "., Ltd."), and past the dot
   of an abbreviated form it ends with ("Corp."). */
static gsize
unit_form_end(const char *f, gsize b, gsize e)
{
	static GRegex *more;
	GMatchInfo *mi = NULL;

	if (more == NULL)
		more = g_regex_new(
		    "^(?:\\.?,?\\s*(?:co|ltd|jsc|corp|inc|llc|plc|pte|limited|gmbh|ag)(?![\\w-]))+",
		    G_REGEX_OPTIMIZE, 0, NULL);
	if (g_regex_match(more, f + e, 0, &mi)) {
		int mb, me;
		g_match_info_fetch_pos(mi, 0, &mb, &me);
		e += (gsize)me;
	}
	g_match_info_free(mi);
	gsize w = e;
	while (w > b && g_ascii_isalpha(f[w - 1]))
		w--;
	/* "K.K.", "S.A.": letters and dots, one by one */
	if (w + 1 == e && (w == b || f[w - 1] == ' ')) {
		while (f[e] == '.' && g_ascii_isalpha(f[e + 1]) && f[e + 2] == '.')
			e += 2;
		if (f[e] == '.' && e > w + 1)
			return e + 1;
	}
	if (f[e] == '.' && w < e && (w == b || f[w - 1] == ' ' || f[w - 1] == ',')) {
		char *word = g_strndup(f + w, e - w);
		if (text_list_has(company_forms, word))
			e++;
		g_free(word);
	}
	return e;
}

/* A unit named in the folded range [b, e) of a sentence: the part after
   "của"/"thuộc" when that is a unit itself; "the" dropped. */
static char *
unit_in(const struct sent *s, gsize b, gsize e)
{
	char *f = g_strndup(s->f + b, e - b);
	GMatchInfo *mi = NULL;
	gsize at = 0;

	g_strstrip(f);
	while (*f != '\0' && (f[strlen(f) - 1] == ',' || f[strlen(f) - 1] == ' '))
		f[strlen(f) - 1] = '\0';
	/* "Thực hiện Công văn … của UBND thành phố, UBND quận Thanh Khê đề nghị" */
	char *comma = strrchr(f, ',');
	if (comma != NULL && prose_is_unit(comma + 1 + (comma[1] == ' ')))
		at = (gsize)(comma + 1 + (comma[1] == ' ') - f);
	/* the last such unit: "the vendor of the software used by X" is X */
	gsize base = at;
	for (g_regex_match(prose_res[P_OF_UNIT], f + base, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int mb, me;
		g_match_info_fetch_pos(mi, 0, &mb, &me);
		/* "As the contractor of X, we …": X up to the clause's end */
		char *cand = g_strndup(f + base + me, strcspn(f + base + me, ",;:("));
		if (prose_is_unit(cand))
			at = base + (gsize)me;
		g_free(cand);
	}
	g_match_info_free(mi);
	/* "We are X and need …": the writer says who they are */
	static const char *const we_are[] = {"we are ", "i am ", "chung toi la ", "toi la ",
	                                     "don vi chung toi la "};
	for (gsize i = 0; i < G_N_ELEMENTS(we_are); i++)
		if (strncmp(f + at, we_are[i], strlen(we_are[i])) == 0)
			at += strlen(we_are[i]);
	if (strncmp(f + at, "the ", 4) == 0)
		at += 4;
	/* "… của Sở Tài chính không gửi được": the unit ends at its verb */
	GMatchInfo *stop = NULL;
	if (g_regex_match(prose_res[P_UNIT_END], f + at, 0, &stop)) {
		int qb, qe;
		g_match_info_fetch_pos(stop, 0, &qb, &qe);
		f[unit_form_end(f, at, at + (gsize)qb)] = '\0';
	}
	g_match_info_free(stop);
	char *out = NULL;
	if (prose_is_unit(f + at)) {
		gsize lead = (gsize)(strchr(s->f + b, f[0]) - (s->f + b));
		out = prose_o_of_f(s, b + lead + at, b + lead + strlen(f));
	}
	g_free(f);
	return out;
}

/* The requesting unit of a sentence: "on behalf of …", or the subject
   before the request verb. */
static char *
sentence_unit(const struct sent *s)
{
	GMatchInfo *mi = NULL;
	char *u = NULL;
	int b, e;

	if (g_regex_match(prose_res[P_ON_BEHALF], s->f, 0, &mi)) {
		g_match_info_fetch_pos(mi, 1, &b, &e);
		u = prose_o_of_f(s, (gsize)b, unit_form_end(s->f, (gsize)b, (gsize)e));
	}
	g_match_info_free(mi);
	if (u != NULL)
		return u;
	if (g_regex_match(prose_res[P_SUBJECT_VERB], s->f, 0, &mi)) {
		g_match_info_fetch_pos(mi, 0, &b, &e);
		u = unit_in(s, 0, (gsize)b);
	}
	g_match_info_free(mi);
	return u;
}

/* What a request sentence says, from the colon on when one introduces it
   ("… đang có sự cố: trang web báo lỗi 500 …", "… cần cập nhật mã nguồn:
   nâng cấp module …"); the whole sentence otherwise. */
static char *
said_after_colon(const char *o)
{
	const char *colon = strstr(o, ": ");
	char *after = colon != NULL ? norm_text(colon + 2) : NULL;

	char *pre = colon != NULL ? g_strndup(o, (gsize)(colon - o)) : NULL;
	char *head = pre != NULL ? text_fold(pre) : NULL;
	g_free(pre);
	/* "A đề nghị Trung tâm hỗ trợ gấp: …" says who asks: the whole of it */
	gboolean asks = head != NULL && strstr(head, "de nghi") != NULL;
	g_free(head);
	/* and the part after it is the substance: a third of the sentence at
	   least, not a tail ("… website (https://…): new theme.") */
	if (after != NULL && !asks && g_utf8_strlen(after, -1) >= 12 &&
	    strchr(after, ' ') != NULL && g_utf8_strlen(o, colon - o) >= 12 &&
	    3 * strlen(after) >= strlen(o)) {
		/* a sentence begins with a capital */
		return prose_capital(after);
	}
	g_free(after);
	return norm_text(o);
}

/* A unit after "của"/"thuộc" (or "of the", by p) in a sentence ("… của UBND huyện Hòa Vang
   không vào được mạng"), up to the verb or punctuation after it. */
static char *
unit_after_of(const struct sent *s, enum pat p)
{
	GMatchInfo *mi = NULL;
	char *u = NULL;

	for (g_regex_match(prose_res[p], s->f, 0, &mi); g_match_info_matches(mi) && u == NULL;
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		if (strncmp(s->f + e, "the ", 4) == 0)
			e += 4;
		GMatchInfo *end = NULL;
		gsize stop = strlen(s->f);
		if (g_regex_match(prose_res[P_UNIT_END], s->f + e, 0, &end)) {
			int qb, qe;
			g_match_info_fetch_pos(end, 0, &qb, &qe);
			stop = unit_form_end(s->f, (gsize)e, (gsize)e + (gsize)qb);
		}
		g_match_info_free(end);
		/* "of the software used by X": X, the last unit named in it */
		GMatchInfo *in = NULL;
		char *inner = g_strndup(s->f + e, stop - (gsize)e);
		gsize at = (gsize)e;
		for (g_regex_match(prose_res[P_OF_UNIT], inner, 0, &in); g_match_info_matches(in);
		     g_match_info_next(in, NULL)) {
			int ib, ie;
			g_match_info_fetch_pos(in, 0, &ib, &ie);
			if (prose_is_unit(inner + ie))
				at = (gsize)e + (gsize)ie;
		}
		g_match_info_free(in);
		g_free(inner);
		if (strncmp(s->f + at, "the ", 4) == 0)
			at += 4;
		e = (int)at;
		char *f = g_strndup(s->f + e, stop - (gsize)e);
		/* "công văn 3344/UBND-KT của UBND TP": the unit that wrote a cited
		   letter approved the request, it does not make it */
		gsize pre = (gsize)b < 48 ? (gsize)b : 48;
		char *before = g_strndup(s->f + b - pre, pre);
		gboolean cited = prose_has(P_LETTER, before) ||
		                 strstr(before, "cong van") != NULL ||
		                 strstr(before, "van ban") != NULL;
		g_free(before);
		if (!cited && prose_is_unit(f))
			u = prose_o_of_f(s, (gsize)e, stop);
		g_free(f);
	}
	g_match_info_free(mi);
	return u;
}

/* Folded beginnings of a signature's line that says in whose name or
   with which office the letter is signed ("KT. GIÁM ĐỐC", "Thư ký"). */
static const char sign_heads[] =
    "kt|tl|tm|tuq|q|thay mat|pho chanh van phong|chanh van phong|pho giam doc|giam doc|"
    "pho truong phong|truong phong|pho truong ban|truong ban|pho chu tich|chu tich|thu ky|"
    "thu truong|director|deputy director|secretary|head of|manager";

/* Whether a folded signature line is an authority or an office, not a
   name: one of sign_heads, whole, before a space, a dot or the end. */
static gboolean
signs_as(const char *f)
{
	char **w = g_strsplit(sign_heads, "|", -1);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize n = strlen(w[i]);
		yes = strncmp(f, w[i], n) == 0 && strchr(" .", f[n]) != NULL;
	}
	g_strfreev(w);
	return yes;
}

/* Whether a line of the signature is a name: two to six capitalised
   words, no digits, no colon, no office ("PHÓ GIÁM ĐỐC"). */
static gboolean
signature_name(const char *line, const char *folded)
{
	int words = 0;
	char **w;
	gboolean ok = TRUE;

	/* surnames that fold to a unit's first word: "Trương" is no "Trường" */
	static const char *const surnames[] = {"Trương ", "TRƯƠNG ", "Phương ", "PHƯƠNG "};
	gboolean surname = FALSE;

	for (gsize i = 0; i < G_N_ELEMENTS(surnames); i++)
		surname = surname || g_str_has_prefix(line, surnames[i]);
	if (strnlen(line, 61) > 60 || strpbrk(line, "0123456789:@,()") != NULL ||
	    (!surname && starts_with_word(folded, unit_heads)) || signs_as(folded))
		return FALSE;
	w = g_strsplit(line, " ", -1);
	for (int i = 0; w[i] != NULL && ok; i++) {
		if (*w[i] == '\0')
			continue;
		ok = g_unichar_isupper(g_utf8_get_char(w[i]));
		words++;
	}
	g_strfreev(w);
	return ok && words >= 2 && words <= 6;
}

/* Whether the word before offset at of text is an abbreviation whose dot
   ends no sentence ("Mr.", "No."). */
static gboolean
abbreviation_before(const char *text, gsize at)
{
	static const char words[] =
	    "mr|mrs|ms|dr|no|st|tp|co|ltd|jsc|corp|inc|tel|ph|p|q|tt|ts|ths|ks";
	gsize b = at;

	while (b > 0 && g_ascii_isalpha(text[b - 1]) && at - b < 8)
		b--;
	if (b == at || (b > 0 && !g_ascii_isspace(text[b - 1]) && text[b - 1] != '('))
		return FALSE;
	char *w = g_ascii_strdown(text + b, (gssize)(at - b));
	gboolean yes = text_list_has(words, w);
	g_free(w);
	return yes;
}

/* Add one sentence, text [b, e), unless empty or too long. */
static void
add_sentence(GPtrArray *out, const char *text, gsize b, gsize e)
{
	char *t = g_strndup(text + b, e - b);

	g_strstrip(t);
	if (*t != '\0' && strlen(t) <= PROSE_MAX_SENTENCE && out->len < PROSE_MAX_SENTENCES) {
		struct sent *s = g_new0(struct sent, 1);
		s->o = t;
		s->f = text_fold(t);
		g_ptr_array_add(out, s);
		return;
	}
	g_free(t);
}

/* Split a paragraph's text into sentences (at most PROSE_MAX_SENTENCES in
   all). */
static void
add_sentences(GPtrArray *out, const char *text)
{
	GMatchInfo *mi = NULL;
	gsize from = 0;

	for (g_regex_match(prose_split_re, text, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		if (abbreviation_before(text, (gsize)b))
			continue;
		add_sentence(out, text, from, (gsize)b + 1);
		from = (gsize)e;
	}
	g_match_info_free(mi);
	add_sentence(out, text, from, strlen(text));
}

/* Release a sentence. */
static void
sent_free(gpointer p)
{
	struct sent *s = p;

	g_free(s->o);
	g_free(s->f);
	g_free(s);
}

/* Move a "_prose_…" candidate into its field when the field is empty. */
static void
settle(JsonObject *o, const char *from, const char *to)
{
	if (json_object_has_member(o, from)) {
		if (!json_object_has_member(o, to))
			json_object_set_string_member(o, to,
			                              json_object_get_string_member(o, from));
		json_object_remove_member(o, from);
	}
}

/* Whether the lines from here to the end are a signature with no closing
   words before it: a name's line first, then a few short lines. */
static gboolean
signature_block(char **lines)
{
	int n = 0;
	gboolean named = FALSE, gap = FALSE;

	for (int i = 0; lines[i] != NULL; i++) {
		char *t = g_strstrip(g_strdup(lines[i]));
		gboolean keep = TRUE;
		if (*t != '\0') {
			char *f = text_fold(t);
			if (n == 0)
				named = signature_name(t, f);
			keep = !gap && ++n <= PROSE_MAX_SIGNATURE && strlen(t) <= 60;
			g_free(f);
		} else {
			gap = n > 0;
		}
		g_free(t);
		if (!keep)
			return FALSE;
	}
	return named;
}

/* Whether a line starts an item of a list: "1.", "2)", "a)", "-", "+",
   "*", "•" before its text. */
static gboolean
list_item(const char *line)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new("^(?:\\d{1,2}[.)]|[a-z]\\)|[-+*•])\\s", G_REGEX_OPTIMIZE, 0, NULL);
	return g_regex_match(re, line, 0, NULL);
}

/* Whether a line is a table's row: cells between two "|" or tabs or more. */
static gboolean
table_row(const char *line)
{
	int pipes = 0, tabs = 0;

	for (const char *p = line; *p != '\0'; p++)
		pipes += *p == '|', tabs += *p == '\t';
	return pipes >= 2 || tabs >= 2;
}

/* The unit a signature's line names: the whole line; the part after the
   position of a "Position, Company" line ("Technical Lead, Mekong Digital
   JSC", "Field Engineer, NTT Vietnam Co., Ltd."); the cell that names one
   in a line of cells ("Project Leader | LG CNS Vietnam", "Bright Pixel Pty
   Ltd | 22 Queen St, Melbourne"). */
static char *
signature_unit(const char *line, const char *f)
{
	/* the line as a sentence, to map folded offsets back to its text */
	const struct sent ls = {(char *)line, (char *)f};

	if (strchr(f, '|') != NULL) {
		gsize at = 0, len = strlen(f);
		while (at < len) {
			gsize end = at + strcspn(f + at, "|");
			char *cell = g_strstrip(g_strndup(f + at, end - at));
			gboolean unit = prose_is_unit(cell);
			g_free(cell);
			if (unit) {
				while (f[at] == ' ')
					at++;
				while (end > at && f[end - 1] == ' ')
					end--;
				return prose_o_of_f(&ls, at, end);
			}
			at = end + 1;
		}
		return NULL;
	}
	for (const char *comma = strchr(f, ','); comma != NULL; comma = strchr(comma + 1, ',')) {
		char *before = g_strndup(f, (gsize)(comma - f));
		const char *after = comma + 1 + (comma[1] == ' ');
		gboolean position = !prose_is_unit(before) && prose_is_unit(after);
		g_free(before);
		if (position)
			return prose_o_of_f(&ls, (gsize)(after - f), strlen(f));
	}
	return prose_is_unit(f) ? norm_text(line) : NULL;
}

/* A signature line "Name - Unit" ("Bùi Thị Loan - Văn phòng Sở Xây dựng"):
   the two parts, or FALSE. */
static gboolean
name_then_unit(const char *line, char **name, char **unit)
{
	const char *dash = strstr(line, " - ");

	if (dash == NULL)
		dash = strstr(line, " – ");
	if (dash == NULL || strnlen(line, 121) > 120)
		return FALSE;
	char *left = g_strstrip(g_strndup(line, (gsize)(dash - line)));
	char *right = g_strstrip(g_strdup(strchr(dash + 1, ' ') + 1));
	char *lf = text_fold(left), *rf = text_fold(right);
	gboolean yes = signature_name(left, lf) && prose_is_unit(rf);

	g_free(lf);
	g_free(rf);
	if (!yes) {
		g_free(left);
		g_free(right);
		return FALSE;
	}
	*name = left;
	*unit = right;
	return TRUE;
}

/* The unit of the signature: the requesting unit when the sentences named
   none, or only the start of it ("Văn phòng Sở" for "Văn phòng Sở Xây
   dựng"); a unit a label gave (had_unit) stays. */
static void
sign_unit(JsonObject *fields, gboolean had_unit, const char *line)
{
	char *v = norm_text(line);

	if (v != NULL && !had_unit && json_object_has_member(fields, "requesting_unit")) {
		char *was = text_fold(json_object_get_string_member(fields, "requesting_unit"));
		char *now = text_fold(v);
		gsize n = strlen(was);
		if (strlen(now) > n + 1 && strncmp(now, was, n) == 0 && now[n] == ' ' &&
		    g_ascii_isalnum(now[n + 1]))
			json_object_remove_member(fields, "requesting_unit");
		g_free(was);
		g_free(now);
	}
	prose_put(fields, "requesting_unit", v);
}

/* Whether line i (stripped) starts a signature that no closing words
   announced: a name alone after a finished sentence, with at most three
   short lines after it up to the end ("Nguyễn Thị Hương", "ĐT: 0905…"). */
static gboolean
signature_tail(char **lines, int i, const GString *para)
{
	char *f = text_fold(lines[i]);
	gboolean name = signature_name(lines[i], f);
	int after = 0;

	g_free(f);
	if (!name || (para->len > 0 && strchr(".!", para->str[para->len - 1]) == NULL))
		return FALSE;
	for (int k = i + 1; lines[k] != NULL; k++) {
		gsize n = strlen(g_strstrip(lines[k]));
		if (n == 0)
			continue;
		if (n > 80 || ++after > 3)
			return FALSE;
	}
	return TRUE;
}

/* Whether a unit's name is a company's (a contractor), not a public
   body's. */
static gboolean
unit_is_company(const char *unit)
{
	static const char words[] = "tnhh|co|ltd|jsc|corp|company|technology|solution|solutions|"
	                            "software|inc|llc|group";
	char *f = text_fold(unit);
	char **w = g_strsplit_set(f, " .,()&", -1);
	gboolean yes = strstr(f, "cong ty") != NULL || strstr(f, "tap doan") != NULL;

	for (char **p = w; !yes && *p != NULL; p++)
		yes = **p != '\0' && text_list_has(words, *p);
	g_strfreev(w);
	g_free(f);
	return yes;
}

/* Read the sentences of text; see prose.h. */
void
prose_read(const char *text, const struct fields_opts *opts, JsonObject *fields)
{
	GPtrArray *sents = g_ptr_array_new_with_free_func(sent_free);
	GPtrArray *signature = g_ptr_array_new_with_free_func(g_free);
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	GString *para = g_string_new(NULL);
	gboolean closed = FALSE, problem = FALSE, sig_done = FALSE;
	struct prose x = {opts, fields, NULL, NULL, NULL, NULL, FALSE, FALSE, FALSE, NULL};
	gboolean had_unit = json_object_has_member(fields, "requesting_unit");

	prose_init();
	for (int i = 0; lines[i] != NULL && sents->len < PROSE_MAX_SENTENCES; i++) {
		char *line = g_strstrip(lines[i]);
		char *f = text_fold(line);
		gsize n = strlen(line);
		if (!closed && signature_tail(lines, i, para)) {
			/* no closing words: the name under the last sentence */
			add_sentences(sents, para->str);
			g_string_truncate(para, 0);
			closed = TRUE;
		}
		if (closed) {
			/* the signature is one block of short lines: a notice after it
			   ("…notify the sender at 0236…") is nobody's signature */
			if (*line == '\0' && signature->len > 0)
				sig_done = TRUE;
			if (*line != '\0' && !sig_done && n <= PROSE_SIGNATURE_LINE &&
			    signature->len < PROSE_MAX_SIGNATURE)
				g_ptr_array_add(signature, g_strdup(line));
		} else if (table_row(line)) {
			/* a table's row is no sentence: its cells are the list's */
			add_sentences(sents, para->str);
			g_string_truncate(para, 0);
		} else if (*line == '\0' || (n < 60 && prose_has(P_CLOSING, f))) {
			add_sentences(sents, para->str);
			g_string_truncate(para, 0);
			/* the last block, a name over a few short lines, signs
			   without closing words */
			closed = *line != '\0' || signature_block(lines + i + 1);
		} else if (n < 120 && prose_has(P_GREETING, f) && para->len == 0 &&
		           (line[n - 1] == ',' || line[n - 1] == ':' || n < 40)) {
			/* "Kính gửi Trung tâm," */
		} else if (n > PROSE_MAX_SENTENCE) {
			/* no sentence is that long */
		} else {
			if (para->len > 0) {
				char last = para->str[para->len - 1];
				/* a line wrapped by the mail program joins the next; a
				   list's item ("1. …", "- …") starts a sentence */
				if (para->len < 60 || strchr(".:;!?", last) != NULL ||
				    list_item(line)) {
					add_sentences(sents, para->str);
					g_string_truncate(para, 0);
				} else {
					g_string_append_c(para, ' ');
				}
			}
			/* "Kính gửi Trung tâm, Sở Tư pháp đề nghị …" on one line */
			const char *comma = strstr(line, ", ");
			if (para->len == 0 && prose_has(P_GREETING, f) && comma != NULL &&
			    comma - line < 80)
				line = (char *)comma + 2;
			g_string_append(para, line);
		}
		g_free(f);
	}
	add_sentences(sents, para->str);
	g_string_free(para, TRUE);
	g_strfreev(lines);

	if (!json_object_has_member(fields, "_people"))
		x.people = json_array_new();
	for (guint i = 0; i < sents->len; i++)
		problem = problem || prose_has(P_PROBLEM, ((struct sent *)sents->pdata[i])->f);
	for (guint i = 0; i < sents->len; i++) {
		const struct sent *s = sents->pdata[i];
		if (!json_object_has_member(fields, "requesting_unit"))
			prose_put(fields, "requesting_unit", sentence_unit(s));
		prose_read_people(&x, s);
		/* a question about a service asks for nothing yet */
		if (prose_has(P_QUESTION, s->f))
			continue;
		prose_read_action(&x, s);
		prose_read_own_mailbox(&x, s);
		prose_read_names(&x, s);
		prose_read_when(&x, s);
		prose_read_purpose(&x, s);
		prose_read_support(&x, s, problem);
		prose_read_loose(&x, s);
		if ((prose_has(P_REQUEST, s->f) || prose_has(P_PROBLEM, s->f)) &&
		    !prose_has(P_GREETING, s->f))
			prose_put(fields, "_said", said_after_colon(s->o));
	}
	/* "the phones of the Department of Foreign Affairs … are down": a
	   contractor's signature names the contractor, not the unit */
	for (guint i = 0; i < sents->len && !json_object_has_member(fields, "requesting_unit"); i++)
		prose_put(fields, "requesting_unit", unit_after_of(sents->pdata[i], P_OF_THE));
	gboolean unit_of_text = json_object_has_member(fields, "requesting_unit");
	/* the signature: the signer, then the unit's line */
	char *signer = NULL;
	guint offices = 0; /* "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC" above the name */
	for (guint i = 0; i < signature->len; i++) {
		const char *line = signature->pdata[i];
		char *f = text_fold(line);
		if (signer == NULL && signs_as(f))
			offices++;
		char *name = NULL, *unit = NULL;
		if (signer == NULL && i < 2 + offices && signature_name(line, f))
			signer = g_strdup(line);
		else if (signer == NULL && i < 2 + offices && name_then_unit(line, &name, &unit)) {
			/* "Bùi Thị Loan - Văn phòng Sở Xây dựng" */
			signer = name;
			sign_unit(fields, had_unit, unit);
		} else if ((unit = signature_unit(line, f)) != NULL)
			/* a unit's line, or "Technical Lead, Mekong Digital JSC" */
			sign_unit(fields, had_unit, unit);
		g_free(unit);
		if (!json_object_has_member(fields, "_prose_phone"))
			prose_put(fields, "_prose_phone", norm_phone_best(line));
		g_free(f);
	}
	/* "máy in của phòng Trồng trọt": a unit after "của", when neither the
	   request's subject nor the signature named one; a contractor's
	   signature gives way to the public body a sentence works for ("to
	   install … for the Department of Finance") */
	char *of_unit = NULL;
	for (guint i = 0; i < sents->len && of_unit == NULL; i++)
		of_unit = unit_after_of(sents->pdata[i], P_OF_UNIT);
	if (of_unit != NULL && !unit_of_text && json_object_has_member(fields, "requesting_unit") &&
	    unit_is_company(json_object_get_string_member(fields, "requesting_unit")) &&
	    !unit_is_company(of_unit))
		json_object_remove_member(fields, "requesting_unit");
	prose_put(fields, "requesting_unit", of_unit);
	if (!json_object_has_member(fields, "contact_name")) {
		const char *name = signer != NULL ? signer : x.other_name;
		if (name != NULL)
			prose_put(fields, "contact_name", g_strdup(name));
		/* the person a sentence named with a phone signed the mail */
		if (x.other_name != NULL && (signer == NULL || strcmp(signer, x.other_name) == 0)) {
			prose_put(fields, "contact_phone", g_strdup(x.other_phone));
			prose_put(fields, "contact_email", g_strdup(x.other_email));
		}
		/* the signer is one of the people listed, in sentences or in the
		   list's rows: their phone is the contact's */
		JsonArray *listed = x.people != NULL ? x.people
		                    : json_object_has_member(fields, "_people")
		                        ? json_object_get_array_member(fields, "_people")
		                        : NULL;
		for (guint i = 0;
		     signer != NULL && listed != NULL && i < json_array_get_length(listed); i++) {
			JsonObject *p = json_array_get_object_element(listed, i);
			if (json_object_has_member(p, "full_name") &&
			    strcmp(json_object_get_string_member(p, "full_name"), signer) == 0 &&
			    json_object_has_member(p, "phone"))
				prose_put(fields, "contact_phone",
				          g_strdup(json_object_get_string_member(p, "phone")));
		}
	}
	settle(fields, "_prose_phone", "contact_phone");
	settle(fields, "_prose_email", "contact_email");
	if (x.people != NULL && json_array_get_length(x.people) > 0)
		json_object_set_array_member(fields, "_people", x.people);
	else if (x.people != NULL)
		json_array_unref(x.people);
	g_free(signer);
	g_free(x.other_name);
	g_free(x.other_phone);
	g_free(x.other_email);
	if (x.self != NULL)
		json_object_unref(x.self);
	g_ptr_array_free(signature, TRUE);
	g_ptr_array_free(sents, TRUE);
}
