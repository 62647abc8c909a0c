/* legacy_tcvn3.c - TCVN3 to Unicode: its table of high bytes, and the case of words typed in its
 * capitals fonts; see legacy_parts.h. */
#include "legacy.h"
#include "legacy_parts.h"

#include <string.h>

#include "text.h"

/* TCVN3 (TCVN 5712:1993 VN3, the ABC ".VnTime" fonts), bytes 0xA0..0xFF; 0:
   no letter.  The capitals with a tone have no code of their own: the
   ".VnTimeH" fonts draw the lower-case codes as capitals. */
static const guint16 tcvn3_high[96] = {
    /* A0 */ 0,      0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
    /* A8 */ 0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0,
    /* B0 */ 0,      0,      0,      0,      0,      0x00E0, 0x1EA3, 0x00E3,
    /* B8 */ 0x00E1, 0x1EA1, 0,      0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0,
    /* C0 */ 0,      0,      0,      0,      0,      0,      0x1EB7, 0x1EA7,
    /* C8 */ 0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0,      0x1EBB, 0x1EBD,
    /* D0 */ 0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
    /* D8 */ 0x1EC9, 0,      0,      0,      0x0129, 0x00ED, 0x1ECB, 0x00F2,
    /* E0 */ 0,      0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
    /* E8 */ 0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
    /* F0 */ 0,      0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
    /* F8 */ 0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0,
};

/* The case a TCVN3 letter was typed in: 1 upper (ASCII, or a capital of
   its own: Ă Â Ê Ô Ơ Ư Đ), -1 lower, 0 unknown (a letter with a tone, whose
   capital is only a font's). */
static int
tcvn3_case(gunichar c)
{
	static const gunichar cased_lower[] = {0x0103, 0x00E2, 0x00EA, 0x00F4,
	                                       0x01A1, 0x01B0, 0x0111};

	if (g_unichar_isupper(c))
		return 1;
	if (c >= 'a' && c <= 'z')
		return -1;
	for (gsize i = 0; i < G_N_ELEMENTS(cased_lower); i++)
		if (cased_lower[i] == c)
			return -1;
	return 0;
}

/* A word of converted TCVN3 text and what its letters say about its case. */
struct tcvn3_word {
	gsize start, end;
	int line;
	gboolean upper_first, caseless_first, upper_rest, lower, non_ascii;
	gboolean sentence_start, spaced;  /* spaced: only blanks since the word before */
	gboolean caps, title, capitalise; /* the decision */
};

/* Whether the word at start begins a sentence, a paragraph, a line after a
   short one (not a wrapped line) or a value: the text before it ends with
   . ! ? : ; • or -. */
static gboolean
tcvn3_sentence_start(const char *s, gsize start)
{
	int newlines = 0;
	gsize end;

	while (start > 0 && g_ascii_isspace(s[start - 1]))
		newlines += s[--start] == '\n';
	if (start == 0 || newlines >= 2)
		return TRUE;
	if (strchr(".!?:;-", s[start - 1]) != NULL ||
	    (start >= 3 && memcmp(s + start - 3, "\xe2\x80\xa2", 3) == 0))
		return TRUE;
	if (newlines == 0)
		return FALSE;
	for (end = start; start > 0 && s[start - 1] != '\n'; start--)
		;
	return g_utf8_strlen(s + start, (gssize)(end - start)) < 60;
}

/* Cut the text into words (runs of letters) with their case evidence. */
static GArray *
tcvn3_words(const char *s)
{
	GArray *words = g_array_new(FALSE, TRUE, sizeof(struct tcvn3_word));
	int line = 0, prev_line = -1;
	gsize prev_end = 0;

	for (const char *p = s; *p != '\0';) {
		struct tcvn3_word w = {0};
		const char *q = p;

		if (!g_unichar_isalpha(g_utf8_get_char(p))) {
			line += *p == '\n';
			p = g_utf8_next_char(p);
			continue;
		}
		w.start = (gsize)(p - s);
		w.line = line;
		w.spaced = prev_line == line;
		for (gsize k = prev_end; w.spaced && k < w.start; k++)
			w.spaced = s[k] == ' ' || s[k] == '\t';
		for (; *q != '\0' && g_unichar_isalpha(g_utf8_get_char(q));
		     q = g_utf8_next_char(q)) {
			gunichar c = g_utf8_get_char(q);
			int k = tcvn3_case(c);

			if (q == p) {
				w.upper_first = k > 0;
				w.caseless_first = k == 0 && g_unichar_islower(c);
			} else {
				w.upper_rest |= k > 0;
			}
			w.lower |= k < 0;
			w.non_ascii |= c >= 0x80;
		}
		w.end = (gsize)(q - s);
		w.sentence_start = tcvn3_sentence_start(s, w.start);
		w.caps = w.upper_rest && !w.lower;
		w.title = w.upper_first;
		g_array_append_val(words, w);
		prev_end = w.end;
		prev_line = line;
		p = q;
	}
	return words;
}

/* Whether word i has a neighbour, only blanks apart, that is all capitals
   with a Vietnamese letter ("ĐÀ NẴNG", not "CNTT Đà Nẵng"). */
static gboolean
tcvn3_caps_beside(const GArray *words, guint i)
{
	const struct tcvn3_word *w = &g_array_index(words, struct tcvn3_word, i);

	for (int d = -1; d <= 1; d += 2) {
		const struct tcvn3_word *o;
		if ((d < 0 && i == 0) || (d > 0 && i + 1 >= words->len))
			continue;
		o = &g_array_index(words, struct tcvn3_word, i + d);
		if ((d < 0 ? w : o)->spaced && o->caps && o->non_ascii)
			return TRUE;
	}
	return FALSE;
}

/* Whether word i stands inside a name: the word before it on its line is
   capitalised, and so is the word after it, if any. */
static gboolean
tcvn3_in_name(const GArray *words, guint i)
{
	const struct tcvn3_word *w = &g_array_index(words, struct tcvn3_word, i), *prev, *next;

	if (i == 0)
		return FALSE;
	prev = &g_array_index(words, struct tcvn3_word, i - 1);
	next = i + 1 < words->len ? &g_array_index(words, struct tcvn3_word, i + 1) : NULL;
	if (prev->line != w->line || !prev->title)
		return FALSE;
	return next == NULL || next->line != w->line || next->title;
}

/* Restore the capitals TCVN3 cannot code.  A letter with a tone has one code
   for both cases, the capital being drawn by a ".VnTimeH" font, so: a word
   with a capital after its first letter and no lower-case letter is all
   capitals ("NGHÞ" is "NGHỊ"), and so is a word without lower-case letters
   beside such a word; a word that begins with a letter with a tone is
   capitalised at the start of a sentence or a value, and inside a name. */
static char *
tcvn3_fix_case(const char *s)
{
	GArray *words = tcvn3_words(s);
	GString *out = g_string_sized_new(strlen(s) + 8);
	gsize at = 0;
	gboolean changed = TRUE;

	for (int pass = 0; changed && pass < 8; pass++) {
		changed = FALSE;
		for (guint i = 0; i < words->len; i++) {
			struct tcvn3_word *w = &g_array_index(words, struct tcvn3_word, i);
			if (!w->caps && !w->lower && tcvn3_caps_beside(words, i))
				changed = w->caps = TRUE;
		}
	}
	for (guint i = 0; i < words->len; i++) {
		struct tcvn3_word *w = &g_array_index(words, struct tcvn3_word, i);
		w->capitalise =
		    !w->caps && w->caseless_first && (w->sentence_start || tcvn3_in_name(words, i));
		w->title |= w->capitalise;
	}
	for (guint i = 0; i < words->len; i++) {
		const struct tcvn3_word *w = &g_array_index(words, struct tcvn3_word, i);
		const char *word = s + w->start, *second = g_utf8_next_char(word);
		gssize len = (gssize)(w->end - w->start);
		char *up = NULL;

		g_string_append_len(out, s + at, (gssize)(w->start - at));
		if (w->caps) {
			up = g_utf8_strup(word, len);
			g_string_append(out, up);
		} else if (w->capitalise) {
			up = g_utf8_strup(word, second - word);
			g_string_append(out, up);
			g_string_append_len(out, second, len - (second - word));
		} else {
			g_string_append_len(out, word, len);
		}
		g_free(up);
		at = w->end;
	}
	g_string_append(out, s + at);
	g_array_free(words, TRUE);
	return g_string_free(out, FALSE);
}

/* Read the units as TCVN3. */
char *
legacy_tcvn3_convert(const GArray *units)
{
	GString *out = g_string_sized_new(units->len + 16);
	char *nfc, *caps;

	for (guint i = 0; i < units->len; i++) {
		const struct unit *u = &g_array_index(units, struct unit, i);
		gunichar c = u->byte >= 0xA0 && u->byte < 0x100 ? tcvn3_high[u->byte - 0xA0] : 0;

		g_string_append_unichar(out, c != 0 ? c : legacy_unused(u));
	}
	nfc = text_normalize(out->str, -1, G_NORMALIZE_NFC);
	g_string_free(out, TRUE);
	caps = tcvn3_fix_case(nfc);
	g_free(nfc);
	return caps;
}
