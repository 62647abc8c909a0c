/* ocr_check.c - readings of a scan that cannot be trusted as read; see ocr_check.h. */
#include "ocr_check.h"

#include <string.h>

#include "fields.h"
#include "text.h"

/* Letters OCR reads for digits ("I" for 1, "O" for 0, "G" for 6).  The
   first ones are taken for a digit anywhere; the others only in a word of
   two digits or more ("30G", not "B2"). */
static const struct {
	char letter;
	gboolean anywhere;
} digit_letters[] = {
    {'I', TRUE}, {'l', TRUE},  {'|', TRUE},  {'!', TRUE},  {'O', TRUE},
    {'o', TRUE}, {'S', FALSE}, {'B', FALSE}, {'G', FALSE}, {'Z', FALSE},
};

/* ink inside a box over which it is ticked (a speck is a few hundredths) */
#define TICK_INK 0.05
/* and over which the tick is sure (a tick drawn or printed inks a quarter
   to a half of the inside) */
#define TICK_SURE_INK 0.15
/* the confidence of a tick between the two */
#define TICK_UNSURE_CONF 30
/* the confidence of a box read otherwise */
#define TICK_CONF 95

/* Words of a name compared at a time: two are too few ("Phan Công Hòa"
   is no misreading of "CỘNG HÒA" in the national heading). */
#define READ_WORDS 3

/* Compare two characters for sorting. */
static int
unichar_cmp(const gunichar *a, const gunichar *b)
{
	return (*a > *b) - (*a < *b);
}

/* Whether c is a letter read for a digit: 2 anywhere, 1 beside digits. */
static int
digit_letter(char c)
{
	for (guint i = 0; i < G_N_ELEMENTS(digit_letters); i++)
		if (digit_letters[i].letter == c)
			return digit_letters[i].anywhere ? 2 : 1;
	return 0;
}

/* Whether a word is a number with a letter read for a digit. */
gboolean
ocr_check_number(const char *word)
{
	gsize n = strlen(word);
	int digits = 0, sure = 0, near = 0;

	while (n > 0 && strchr(".,;:)", word[n - 1]) != NULL)
		n--;
	for (gsize i = 0; i < n; i++) {
		char c = word[i];
		int l = digit_letter(c);
		if (g_ascii_isdigit(c))
			digits++;
		else if (l == 2)
			sure++;
		else if (l == 1)
			near++;
		/* "15h00", "14/05/2026", "0905.123.456", "084-351" */
		else if (c == 'h' && i > 0 && g_ascii_isdigit(word[i - 1]))
			continue;
		else if (strchr("./-:", c) == NULL || i == 0)
			return FALSE;
	}
	return digits >= 1 && (sure > 0 || (near > 0 && digits >= 2));
}

/* Whether a word is a phone number no Vietnamese number is. */
gboolean
ocr_check_phone(const char *word)
{
	char digits[16];
	gsize nd = 0;
	const char *d = word;

	for (; *d != '\0' && nd < sizeof digits - 1 && strchr("0123456789.-", *d) != NULL; d++)
		if (g_ascii_isdigit(*d))
			digits[nd++] = *d;
	if (*d != '\0' || nd < 10 || nd > 11 || digits[0] != '0')
		return FALSE;
	if (digits[1] == '0')
		return TRUE;
	return digits[1] == '2' ? nd != 11 : nd != 10;
}

/* Whether a box is ticked from its ink, and how sure that is. */
double
ocr_check_tick(double ink, gboolean *ticked)
{
	*ticked = ink > TICK_INK;
	return *ticked && ink < TICK_SURE_INK ? TICK_UNSURE_CONF : TICK_CONF;
}

/* Whether a line's text before pos ends in a leader ("....", "…"). */
static gboolean
leader_before(const char *line, gsize pos)
{
	while (pos > 0 && line[pos - 1] == ' ')
		pos--;
	return pos >= 3 && (strncmp(line + pos - 3, "...", 3) == 0 ||
	                    strncmp(line + pos - 3, "\xe2\x80\xa6", 3) == 0);
}

/* Write a label ending a line after a value as printed. */
gboolean
ocr_check_label_end(GString *line)
{
	gsize n = line->len, starts[6];
	int nw = 0;

	while (n > 0 && line->str[n - 1] == ' ')
		n--;
	if (n == 0 || (line->str[n - 1] != ';' && line->str[n - 1] != ':'))
		return FALSE;
	const char *colon = strchr(line->str, ':');
	/* the line's own label and value come first */
	if (colon == NULL || (gsize)(colon - line->str) + 1 >= n)
		return FALSE;
	gsize value = (gsize)(colon - line->str) + 1;
	/* where its last words start, up to five, after the first colon */
	for (gsize i = n - 1; i > value && nw < 6; i--)
		if (line->str[i - 1] == ' ' && line->str[i] != ' ')
			starts[nw++] = i;
	/* the label: the longest run of two to five last words that is one
	   (starting with a letter: a word of the value or a leader is no label's) */
	for (int k = MIN(nw - 1, 5); k >= 2; k--) {
		gsize start = starts[k - 1];
		if (!g_unichar_isalpha(g_utf8_get_char(line->str + start)))
			continue;
		char *label = g_strndup(line->str + start, n - 1 - start);
		char *known = strchr(label, ':') == NULL && g_utf8_strlen(label, -1) >= 6
		                  ? fields_label_fuzzy(label)
		                  : NULL;
		g_free(label);
		if (known == NULL)
			continue;
		g_free(known);
		gboolean leader = leader_before(line->str, start);
		if (leader && line->str[n - 1] == ':')
			return FALSE;
		line->str[n - 1] = ':';
		if (!leader)
			g_string_insert(line, start, ".... ");
		return TRUE;
	}
	return FALSE;
}

/* Write the e-mail label misread before an address as "email". */
gboolean
ocr_check_email_label(GString *line)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	gboolean changed = FALSE;

	if (re == NULL)
		re = g_regex_new("(?<=\\s|^)(\\S{4,6}):\\s*\\S+@", 0, 0, NULL);
	if (g_regex_match(re, line->str, 0, &mi)) {
		int a, b;
		char *word = g_match_info_fetch(mi, 1), *low = g_ascii_strdown(word, -1);
		g_match_info_fetch_pos(mi, 1, &a, &b);
		if (strcmp(low, "email") != 0 && strcmp(low, "e-mail") != 0 &&
		    text_distance(low, "email", 3) <= 2 && g_ascii_isalpha(*low)) {
			g_string_erase(line, a, b - a);
			g_string_insert(line, a, "email");
			changed = TRUE;
		}
		g_free(word);
		g_free(low);
	}
	g_match_info_free(mi);
	return changed;
}

/* A word split into its letters (lower case, without marks; "đ" is a
   letter) and its marks, sorted: equal for two readings that differ only
   in case and in where the tone mark sits. */
struct word_key {
	char *letters, *marks;
};

/* The key of a word, punctuation around it aside; letters NULL when it has
   no letter. */
static struct word_key
word_key(const char *w)
{
	char *low = g_utf8_strdown(w, -1), *nfd = g_utf8_normalize(low, -1, G_NORMALIZE_NFD);
	GString *letters = g_string_new(NULL);
	GArray *marks = g_array_new(FALSE, FALSE, sizeof(gunichar));

	for (const char *c = nfd != NULL ? nfd : ""; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_ismark(u))
			g_array_append_val(marks, u);
		else if (g_unichar_isalnum(u))
			g_string_append_unichar(letters, u);
	}
	g_array_sort(marks, (GCompareFunc)unichar_cmp);
	GString *m = g_string_new(NULL);
	for (guint i = 0; i < marks->len; i++)
		g_string_append_unichar(m, g_array_index(marks, gunichar, i));
	g_array_free(marks, TRUE);
	g_free(low);
	g_free(nfd);
	struct word_key k = {letters->len > 0 ? g_string_free(letters, FALSE) : NULL,
	                     g_string_free(m, FALSE)};
	if (k.letters == NULL)
		g_string_free(letters, TRUE);
	return k;
}

/* The keys of the words of a text, in order (a line's end breaks no
   pair: a name may wrap), ending with a key whose letters are NULL. */
static GArray *
text_keys(const char *text)
{
	GArray *keys = g_array_new(TRUE, TRUE, sizeof(struct word_key));
	char **words = g_regex_split_simple("[\\s|,;:()]+", text, 0, 0);

	for (int i = 0; words[i] != NULL; i++) {
		struct word_key k = word_key(words[i]);
		if (k.letters != NULL)
			g_array_append_val(keys, k);
		else
			g_free(k.marks);
	}
	g_strfreev(words);
	return keys;
}

/* Free the keys of text_keys(). */
static void
text_keys_free(GArray *keys)
{
	for (guint i = 0; i < keys->len; i++) {
		g_free(g_array_index(keys, struct word_key, i).letters);
		g_free(g_array_index(keys, struct word_key, i).marks);
	}
	g_array_free(keys, TRUE);
}

/* Whether n keys from a and from b have the same letters, and whether
   their marks differ (*other). */
static gboolean
keys_same_letters(const struct word_key *a, const struct word_key *b, int n, gboolean *other)
{
	*other = FALSE;
	for (int k = 0; k < n; k++) {
		if (strcmp(a[k].letters, b[k].letters) != 0)
			return FALSE;
		*other = *other || strcmp(a[k].marks, b[k].marks) != 0;
	}
	return TRUE;
}

/* Whether a name stands elsewhere on the page with other marks. */
gboolean
ocr_check_read_otherwise(const char *value, const char *page)
{
	GArray *v = text_keys(value), *p = text_keys(page);
	gboolean other = FALSE;

	for (guint i = 0; i + READ_WORDS <= v->len && !other; i++)
		for (guint j = 0; j + READ_WORDS <= p->len && !other; j++) {
			gboolean differ;
			gboolean same = keys_same_letters(&g_array_index(v, struct word_key, i),
			                                  &g_array_index(p, struct word_key, j),
			                                  READ_WORDS, &differ);
			other = same && differ;
		}
	text_keys_free(v);
	text_keys_free(p);
	return other;
}

/* Whether a word is a word and a number joined by a full stop. */
gboolean
ocr_check_glued_stop(const char *word)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new("^\\pL[\\pL\\pM]{2,}\\.\\d+[,;:]?$", G_REGEX_OPTIMIZE, 0, NULL);
	return g_regex_match(re, word, 0, NULL);
}

/* Whether a name holds a full stop after a word in small letters amid it. */
gboolean
ocr_check_stop_amid(const char *name)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new("(?<![\\pL\\pM])\\p{Ll}[\\pL\\pM]{2,}\\.\\s*\\pL",
		                 G_REGEX_OPTIMIZE, 0, NULL);
	return g_regex_match(re, name, 0, NULL);
}

/* Short labels as OCR misreads them (folded), and what they are: too
   short for fields_label_fuzzy() to guess. */
static const char *const label_misreads[][2] = {
    {"di", "ĐT"}, {"dl", "ĐT"}, {"d1", "ĐT"}, {"sdi", "SĐT"}, {"st", "SĐT"},
};

/* Tidy the numbering OCR mangles at the start of a form's line: "5:", "9.:"
   and "6G." for "5.", "9." and "6.", "4.SĐT" for "4. SĐT", a speck before
   "2." or a bullet (":- Danh sách"). */
void
ocr_check_line_start(GString *line)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new(
		    "^(?:[-'`.,:;_~\"]\\s?)?(\\d{1,2})(?:[A-Za-z]?\\.[:;]?|[:;])\\s*(?=\\pL)", 0, 0,
		    NULL);
	char *fixed = g_regex_replace(re, line->str, -1, 0, "\\1. ", 0, NULL);
	if (fixed != NULL)
		g_string_assign(line, fixed);
	g_free(fixed);
	/* specks before the bullet or the first word: "_- IP", ".-Đà Nẵng" */
	static GRegex *junk;
	if (junk == NULL)
		junk = g_regex_new("^[_~`'\".,:;¬]+\\s*(?=[-–•]\\s)|^[_~`'\".,¬\\-–—]+(?=\\pL)", 0,
		                   0, NULL);
	fixed = g_regex_replace(junk, line->str, -1, 0, "", 0, NULL);
	if (fixed != NULL)
		g_string_assign(line, fixed);
	g_free(fixed);
	/* "5, Thời gian:" when a known label follows the comma */
	static GRegex *comma;
	GMatchInfo *mi = NULL;
	if (comma == NULL)
		comma = g_regex_new("^(\\d{1,2}), ([^:]{2,40}):", 0, 0, NULL);
	if (g_regex_match(comma, line->str, 0, &mi)) {
		char *label = g_match_info_fetch(mi, 2), *near = fields_label_fuzzy(label);
		char *num = g_match_info_fetch(mi, 1);
		if (near != NULL)
			line->str[strlen(num)] = '.';
		g_free(label);
		g_free(near);
		g_free(num);
	}
	g_match_info_free(mi);
	/* short labels fields.c cannot guess: "ĐI:" */
	static GRegex *shortl;
	if (shortl == NULL)
		shortl = g_regex_new("^((?:[-–•]|\\d{1,2}\\.)\\s*)?(\\S{1,3}):", 0, 0, NULL);
	if (g_regex_match(shortl, line->str, 0, &mi)) {
		int a, b;
		char *label = g_match_info_fetch(mi, 2), *f = text_fold(label);
		g_match_info_fetch_pos(mi, 2, &a, &b);
		for (guint i = 0; i < G_N_ELEMENTS(label_misreads); i++)
			if (strcmp(f, label_misreads[i][0]) == 0) {
				g_string_erase(line, a, b - a);
				g_string_insert(line, a, label_misreads[i][1]);
				break;
			}
		g_free(label);
		g_free(f);
	}
	g_match_info_free(mi);
}
