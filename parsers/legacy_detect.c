/* legacy_detect.c - Vietnamese syllables, and which encoding turns a text into more of them; see
 * legacy_parts.h. */
#include "legacy.h"
#include "legacy_parts.h"

#include <string.h>

#include "text.h"

/* Letters of a syllable: onsets, codas, vowels (toneless, lower case). */
static const char *const syl_onsets[] = {
    "ngh", "ng", "gh", "gi", "kh", "ph", "th", "tr", "ch", "nh", "qu", "b", "c", "d",
    "đ",   "g",  "h",  "k",  "l",  "m",  "n",  "p",  "r",  "s",  "t",  "v", "x", NULL};
static const char *const syl_codas[] = {"ch", "ng", "nh", "c", "m", "n", "p", "t", NULL};
static const char syl_vowels[] = "aăâeêioôơuưy";

/* Which coda a vowel group takes. */
enum { OPEN, CLOSED, EITHER };

/* The vowel groups of a syllable (after the onset, "qu" and "gi" included in
   it): which coda they take, on which of their letters the tone may sit
   (bit i: letter i) without and with a coda, both the old ("hoà", "thuỷ") and
   the new ("hòa", "thủy") placements, and whether they take the codas ch
   and nh. */
/* clang-format off */
static const struct syl_rhyme {
	const char *v;
	guint8 coda, tone_open, tone_closed, ch_nh;
} syl_rhymes[] = {
    {"a", EITHER, 1, 1, 1}, {"ă", CLOSED, 0, 1, 0}, {"â", CLOSED, 0, 1, 0},
    {"e", EITHER, 1, 1, 0}, {"ê", EITHER, 1, 1, 1}, {"i", EITHER, 1, 1, 1},
    {"o", EITHER, 1, 1, 0}, {"ô", EITHER, 1, 1, 0}, {"ơ", EITHER, 1, 1, 0},
    {"u", EITHER, 1, 1, 0}, {"ư", EITHER, 1, 1, 0}, {"y", OPEN, 1, 0, 0},
    {"ai", OPEN, 1, 0, 0}, {"ao", OPEN, 1, 0, 0}, {"au", OPEN, 1, 0, 0},
    {"âu", OPEN, 1, 0, 0}, {"ay", OPEN, 1, 0, 0}, {"ây", OPEN, 1, 0, 0},
    {"eo", OPEN, 1, 0, 0}, {"êu", OPEN, 1, 0, 0}, {"ia", OPEN, 1, 0, 0},
    {"iu", OPEN, 1, 0, 0}, {"oi", OPEN, 1, 0, 0}, {"ôi", OPEN, 1, 0, 0},
    {"ơi", OPEN, 1, 0, 0}, {"ua", OPEN, 1, 0, 0}, {"ui", OPEN, 1, 0, 0},
    {"ưa", OPEN, 1, 0, 0}, {"ưi", OPEN, 1, 0, 0}, {"ưu", OPEN, 1, 0, 0},
    {"uơ", OPEN, 2, 0, 0}, {"iê", CLOSED, 0, 2, 0}, {"yê", CLOSED, 0, 2, 0},
    {"uô", CLOSED, 0, 2, 0}, {"ươ", CLOSED, 0, 2, 0}, {"oă", CLOSED, 0, 2, 0},
    {"uâ", CLOSED, 0, 2, 0}, {"oo", CLOSED, 0, 3, 0}, {"oa", EITHER, 3, 2, 1},
    {"oe", EITHER, 3, 2, 0}, {"uê", EITHER, 2, 2, 1}, {"uy", EITHER, 3, 2, 1},
    {"iêu", OPEN, 2, 0, 0}, {"yêu", OPEN, 2, 0, 0}, {"oai", OPEN, 2, 0, 0},
    {"oay", OPEN, 2, 0, 0}, {"oao", OPEN, 2, 0, 0}, {"oeo", OPEN, 2, 0, 0},
    {"uây", OPEN, 2, 0, 0}, {"uôi", OPEN, 2, 0, 0}, {"ươi", OPEN, 2, 0, 0},
    {"ươu", OPEN, 2, 0, 0}, {"uya", OPEN, 2, 0, 0}, {"uyu", OPEN, 2, 0, 0},
    {"uyê", CLOSED, 0, 4, 0},
};
/* clang-format on */

/* The longest syllable, in letters ("nghiêng"). */
#define SYL_MAX 8

/* Whether the letters w[0..n) are the UTF-8 string s. */
static gboolean
syl_eq(const gunichar *w, int n, const char *s)
{
	int i = 0;

	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p), i++)
		if (i >= n || w[i] != g_utf8_get_char(p))
			return FALSE;
	return i == n;
}

/* The length in letters of the first string of list that starts w[0..n),
   or 0. */
static int
syl_prefix(const gunichar *w, int n, const char *const *list, gboolean at_end)
{
	for (int k = 0; list[k] != NULL; k++) {
		int len = (int)g_utf8_strlen(list[k], -1);
		if (len <= n && syl_eq(at_end ? w + n - len : w, len, list[k]))
			return len;
	}
	return 0;
}

/* Whether a letter is a vowel. */
static gboolean
syl_vowel(gunichar c)
{
	return c != 0 && g_utf8_strchr(syl_vowels, -1, c) != NULL;
}

/* Split a lower-case word into toneless letters, with the tone (1..5) and
   the letter it sits on; FALSE when a letter or a mark is not Vietnamese. */
static gboolean
syl_letters(const char *word, gunichar *w, int *n, int *tone, int *tone_at)
{
	char *nfd = g_utf8_normalize(word, -1, G_NORMALIZE_NFD);
	gboolean ok = nfd != NULL;

	*n = 0;
	*tone = 0;
	*tone_at = -1;
	for (const char *p = nfd; ok && *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p), composed;
		int t = 0;

		for (int k = 1; k <= T_DOT; k++)
			if (legacy_tone_mark[k] == c)
				t = k;
		if (t != 0) {
			ok = *n > 0 && *tone == 0;
			*tone = t;
			*tone_at = *n - 1;
		} else if (c == 0x0302 || c == 0x0306 || c == 0x031B) {
			ok = *n > 0 && g_unichar_compose(w[*n - 1], c, &composed) &&
			     syl_vowel(composed);
			if (ok)
				w[*n - 1] = composed;
		} else {
			ok = *n < SYL_MAX &&
			     ((c >= 'a' && c <= 'z' && !strchr("fjwz", (int)c)) || c == 0x0111);
			if (ok)
				w[(*n)++] = c;
		}
	}
	g_free(nfd);
	return ok && *n > 0 && (*tone_at < 0 || syl_vowel(w[*tone_at]));
}

/* Whether the onset may stand before the first vowel (k/gh/ngh before
   e ê i y; c, g, ng not before them). */
static gboolean
syl_onset_fits(const gunichar *w, int onset, gunichar v)
{
	gboolean front = v == 'e' || v == 0x00EA || v == 'i' || v == 'y';

	if (onset == 1 && w[0] == 'k')
		return front;
	if ((onset == 2 && w[0] == 'g' && w[1] == 'h') || onset == 3)
		return front && v != 'y';
	if (onset == 1 && w[0] == 'c')
		return !front;
	if ((onset == 1 && w[0] == 'g') || (onset == 2 && w[0] == 'n' && w[1] == 'g'))
		return v != 'e' && v != 0x00EA && !(onset == 2 && v == 'i');
	return TRUE;
}

/* Whether a word is a valid Vietnamese syllable:
   onset, vowel group, coda, one tone on the right vowel. */
static gboolean
syl_valid(const char *word)
{
	gunichar w[SYL_MAX];
	int n, tone, tone_at, onset, coda, nv;
	char *low = g_utf8_strdown(word, -1);
	gboolean ok = syl_letters(low, w, &n, &tone, &tone_at);

	g_free(low);
	if (!ok)
		return FALSE;
	onset = syl_prefix(w, n, syl_onsets, FALSE);
	if (onset == 2 && w[0] == 'g' && w[1] == 'i' && (n == 2 || !syl_vowel(w[2])))
		onset = 1; /* "gì", "gìn": i is the vowel */
	if (onset == 2 && w[0] == 'q' && (n == 2 || !syl_vowel(w[2])))
		return FALSE;
	coda = syl_prefix(w + onset, n - onset, syl_codas, TRUE);
	nv = n - onset - coda;
	if (nv <= 0 || (tone_at >= 0 && (tone_at < onset || tone_at >= onset + nv)))
		return FALSE;
	for (int i = onset; i < onset + nv; i++)
		if (!syl_vowel(w[i]))
			return FALSE;
	if (onset > 0 && !syl_onset_fits(w, onset, w[onset]))
		return FALSE;
	for (gsize r = 0; r < G_N_ELEMENTS(syl_rhymes); r++) {
		const struct syl_rhyme *rh = &syl_rhymes[r];
		guint8 mask = coda > 0 ? rh->tone_closed : rh->tone_open;
		gunichar c0 = coda > 0 ? w[n - coda] : 0;

		if (!syl_eq(w + onset, nv, rh->v))
			continue;
		if ((coda > 0 && rh->coda == OPEN) || (coda == 0 && rh->coda == CLOSED))
			return FALSE;
		if (tone_at >= 0 && !(mask & (1u << (tone_at - onset))))
			return FALSE;
		if (coda == 2 && w[n - 1] == 'h' && !rh->ch_nh)
			return FALSE;
		/* a stop coda takes only the acute or the dot tone */
		if ((c0 == 'c' || c0 == 'p' || c0 == 't') && tone != 0 && tone != T_ACUTE &&
		    tone != T_DOT)
			return FALSE;
		return TRUE;
	}
	return FALSE;
}

/* Whether a word is a valid Vietnamese syllable; see legacy.h. */
gboolean
legacy_syllable(const char *word)
{
	return word != NULL && syl_valid(word);
}

/* Whether a character separates words: white space, ASCII punctuation,
   general punctuation.  The Latin-1 symbols are no separators: in
   mojibake they are letters of the word ("®iÖn" is one word). */
static gboolean
syl_separator(gunichar c)
{
	return g_unichar_isspace(c) || (c < 0x80 && !g_ascii_isalnum(c)) ||
	       (c >= 0x2000 && c < 0x2070) || c == 0x00A0;
}

/* The number of words of the text that are valid Vietnamese syllables;
   *doubtful (may be NULL) counts the other words that have a character
   beyond ASCII, the only ones a conversion can change. */
static int
syl_count(const char *utf8, int *doubtful)
{
	int valid = 0, other = 0;
	const char *p = utf8;

	while (*p != '\0') {
		const char *q = p;
		gboolean ascii = TRUE;

		while (*q != '\0' && !syl_separator(g_utf8_get_char(q))) {
			ascii &= (unsigned char)*q < 0x80;
			q = g_utf8_next_char(q);
		}
		if (q == p) {
			p = g_utf8_next_char(p);
			continue;
		}
		if (q - p <= 4 * SYL_MAX) {
			char *word = g_strndup(p, q - p);
			if (syl_valid(word))
				valid++;
			else
				other += !ascii;
			g_free(word);
		} else {
			other += !ascii;
		}
		p = q;
	}
	if (doubtful != NULL)
		*doubtful = other;
	return valid;
}

/* Whether a count clearly beats the count of the text as it is: at least 3
   and 30 % more valid syllables. */
static gboolean
legacy_clearly_more(int n, int n0)
{
	return n >= n0 + 3 && n * 10 >= n0 * 13;
}

/* Which legacy encoding the text is in: the conversion that gives clearly
   more valid syllables than the text as it is, and more than any other
   conversion.  Words of ASCII alone read the same in all of them, so when
   too few other words are invalid (Unicode Vietnamese) nothing is
   converted. */
enum legacy_enc
legacy_detect(const char *utf8)
{
	static const enum legacy_enc candidates[] = {LEGACY_TCVN3, LEGACY_VNI, LEGACY_CP1258};
	const unsigned char *s = (const unsigned char *)utf8;
	gsize i;
	char *nfc;
	int n0, doubtful, n[G_N_ELEMENTS(candidates)], best = 0;

	if (utf8 == NULL)
		return LEGACY_NONE;
	for (i = 0; s[i] != '\0' && s[i] < 0x80; i++)
		;
	if (s[i] == '\0')
		return LEGACY_NONE; /* ASCII */
	nfc = text_nfc(utf8);
	n0 = syl_count(nfc, &doubtful);
	if (!legacy_clearly_more(n0 + doubtful, n0)) {
		g_free(nfc);
		return LEGACY_NONE;
	}
	for (gsize k = 0; k < G_N_ELEMENTS(candidates); k++) {
		char *conv = legacy_convert(nfc, candidates[k]);
		n[k] = syl_count(conv, NULL);
		g_free(conv);
		if (n[k] > n[best])
			best = (int)k;
	}
	g_free(nfc);
	for (gsize k = 0; k < G_N_ELEMENTS(candidates); k++)
		if ((int)k != best && n[k] == n[best])
			return LEGACY_NONE; /* a tie: no reading is clearly the one */
	return legacy_clearly_more(n[best], n0) ? candidates[best] : LEGACY_NONE;
}
