/* legacy.c - TCVN3 and VNI to Unicode; see legacy.h.
 *
 * The text is first turned back into the bytes the sender typed: U+0000..U+00FF
 * stand for themselves, the windows-1252 characters of 0x80..0x9F for their
 * bytes, and so do the windows-1258 letters and combining tones (a body
 * decoded as windows-1258 and composed to NFC is decomposed again where NFC
 * merged a byte with the one before).  The bytes are then read through the
 * TCVN3 table or the VNI pairs.  A byte that is no letter in the encoding
 * keeps the character it came from. */
#include "legacy.h"

#include <string.h>

#include "text.h"

/* No byte: a character outside the 8-bit range, kept as it is. */
#define NO_BYTE 0x100

/* A character of the input and the byte it stands for. */
struct unit {
	gunichar ch;
	guint16 byte;
};

/* Characters other than U+0000..U+00FF that a windows-1252 or windows-1258
   decoder produces, with their bytes. */
/* clang-format off */
static const struct {
	gunichar ch;
	guint8 byte;
} legacy_cp125x[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
    {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
    {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
    {0x017E, 0x9E}, {0x0178, 0x9F},
    /* windows-1258 only */
    {0x0102, 0xC3}, {0x0300, 0xCC}, {0x0110, 0xD0}, {0x0309, 0xD2}, {0x01A0, 0xD5},
    {0x01AF, 0xDD}, {0x0303, 0xDE}, {0x0103, 0xE3}, {0x0301, 0xEC}, {0x0111, 0xF0},
    {0x0323, 0xF2}, {0x01A1, 0xF5}, {0x01B0, 0xFD}, {0x20AB, 0xFE},
};
/* clang-format on */

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

/* The combining marks of a VNI second byte: its shape and its tone. */
#define SH_CIRC  0x10
#define SH_BREVE 0x20
#define T_ACUTE  1
#define T_GRAVE  2
#define T_HOOK   3
#define T_TILDE  4
#define T_DOT    5

/* VNI-Windows second bytes 0xC0..0xFF (upper-case and lower-case forms):
   shape | tone; 0: not a second byte. */
/* clang-format off */
static const guint8 vni_mark[64] = {
    /* C0 */ SH_CIRC | T_GRAVE, SH_CIRC | T_ACUTE, SH_CIRC, SH_CIRC | T_TILDE,
    /* C4 */ SH_CIRC | T_DOT, SH_CIRC | T_HOOK, 0, 0,
    /* C8 */ SH_BREVE | T_GRAVE, SH_BREVE | T_ACUTE, SH_BREVE, SH_BREVE | T_DOT,
    /* CC */ 0, 0, 0, T_DOT,
    /* D0 */ 0, 0, 0, 0, 0, T_TILDE, 0, 0,
    /* D8 */ T_GRAVE, T_ACUTE, SH_BREVE | T_HOOK, T_HOOK, SH_BREVE | T_TILDE, 0, 0, 0,
    /* E0 */ SH_CIRC | T_GRAVE, SH_CIRC | T_ACUTE, SH_CIRC, SH_CIRC | T_TILDE,
    /* E4 */ SH_CIRC | T_DOT, SH_CIRC | T_HOOK, 0, 0,
    /* E8 */ SH_BREVE | T_GRAVE, SH_BREVE | T_ACUTE, SH_BREVE, SH_BREVE | T_DOT,
    /* EC */ 0, 0, 0, T_DOT,
    /* F0 */ 0, 0, 0, 0, 0, T_TILDE, 0, 0,
    /* F8 */ T_GRAVE, T_ACUTE, SH_BREVE | T_HOOK, T_HOOK, SH_BREVE | T_TILDE, 0, 0, 0,
};
/* clang-format on */

/* VNI-Windows letters of one byte, 0xC0..0xFF: ơ ư đ, i with a tone, ỵ. */
static const guint16 vni_single[64] = {
    /* C0 */ 0, 0,      0,      0,      0,      0,      0x1EC8, 0,
    /* C8 */ 0, 0,      0,      0,      0x00CC, 0x00CD, 0x1EF4, 0,
    /* D0 */ 0, 0x0110, 0x1ECA, 0x0128, 0x01A0, 0,      0x01AF, 0,
    /* D8 */ 0, 0,      0,      0,      0,      0,      0,      0,
    /* E0 */ 0, 0,      0,      0,      0,      0,      0x1EC9, 0,
    /* E8 */ 0, 0,      0,      0,      0x00EC, 0x00ED, 0x1EF5, 0,
    /* F0 */ 0, 0x0111, 0x1ECB, 0x0129, 0x01A1, 0,      0x01B0, 0,
    /* F8 */ 0, 0,      0,      0,      0,      0,      0,      0,
};

/* Combining marks for the tones T_ACUTE..T_DOT. */
static const gunichar tone_mark[6] = {0, 0x0301, 0x0300, 0x0309, 0x0303, 0x0323};

/* The byte a character stands for after a windows-1252/1258 decode, or
   NO_BYTE. */
static guint16
legacy_byte_of(gunichar c)
{
	if (c < 0x100)
		return (guint16)c;
	for (gsize i = 0; i < G_N_ELEMENTS(legacy_cp125x); i++)
		if (legacy_cp125x[i].ch == c)
			return legacy_cp125x[i].byte;
	return NO_BYTE;
}

/* The windows-1252 character of a byte 0x80..0x9F (what the legacy fonts,
   built on it, draw there), or 0. */
static gunichar
legacy_cp1252_char(guint16 byte)
{
	for (gsize i = 0; i < G_N_ELEMENTS(legacy_cp125x) && legacy_cp125x[i].byte < 0xA0; i++)
		if (legacy_cp125x[i].byte == byte)
			return legacy_cp125x[i].ch;
	return 0;
}

/* Append one unit per character of s[0..len). */
static void
legacy_add_chars(GArray *units, const char *s, gssize len)
{
	for (const char *p = s; p < s + len && *p != '\0'; p = g_utf8_next_char(p)) {
		struct unit u = {g_utf8_get_char(p), 0};
		u.byte = legacy_byte_of(u.ch);
		g_array_append_val(units, u);
	}
}

/* Whether every character of s[0..len) stands for a byte. */
static gboolean
legacy_all_bytes(const char *s, gssize len)
{
	for (const char *p = s; p < s + len && *p != '\0'; p = g_utf8_next_char(p))
		if (legacy_byte_of(g_utf8_get_char(p)) == NO_BYTE)
			return FALSE;
	return TRUE;
}

/* Append the units of a letter and its combining marks that a windows-1258
   decode and NFC merged ("Ñ" + dot below became "Ṇ" + tilde): the base
   with the most marks that is one windows-1258 character, then the other
   marks, each a byte. */
static void
legacy_add_cluster(GArray *units, const char *s, gssize len)
{
	char *nfd = g_utf8_normalize(s, len, G_NORMALIZE_NFD);
	gunichar base, m[4], best_ch = 0;
	int nm = 0, best = -1, best_size = -1;

	if (nfd == NULL || *nfd == '\0' || g_utf8_strlen(nfd, -1) > 1 + (glong)G_N_ELEMENTS(m)) {
		legacy_add_chars(units, s, len); /* no letter, or marks piled up: as it is */
		g_free(nfd);
		return;
	}
	base = g_utf8_get_char(nfd);
	for (const char *p = g_utf8_next_char(nfd); *p != '\0'; p = g_utf8_next_char(p))
		m[nm++] = g_utf8_get_char(p);
	for (int set = 0; set < (1 << nm); set++) {
		GString *try = g_string_new(NULL);
		char *nfc;
		int size = 0;
		gboolean rest_ok = TRUE;

		g_string_append_unichar(try, base);
		for (int k = 0; k < nm; k++) {
			if (set & (1 << k)) {
				g_string_append_unichar(try, m[k]);
				size++;
			} else if (legacy_byte_of(m[k]) == NO_BYTE) {
				rest_ok = FALSE;
			}
		}
		nfc = g_utf8_normalize(try->str, -1, G_NORMALIZE_NFC);
		if (rest_ok && nfc != NULL && g_utf8_strlen(nfc, -1) == 1 &&
		    legacy_byte_of(g_utf8_get_char(nfc)) != NO_BYTE && size > best_size) {
			best = set;
			best_size = size;
			best_ch = g_utf8_get_char(nfc);
		}
		g_free(nfc);
		g_string_free(try, TRUE);
	}
	if (best < 0) {
		legacy_add_chars(units, s, len);
	} else {
		struct unit u = {best_ch, legacy_byte_of(best_ch)};
		g_array_append_val(units, u);
		for (int k = 0; k < nm; k++) {
			if (best & (1 << k))
				continue;
			u.ch = m[k];
			u.byte = legacy_byte_of(m[k]);
			g_array_append_val(units, u);
		}
	}
	g_free(nfd);
}

/* The text as units, one per legacy byte: each letter with its combining
   marks as it is when they all stand for bytes, else taken apart. */
static GArray *
legacy_units(const char *utf8)
{
	GArray *units = g_array_sized_new(FALSE, FALSE, sizeof(struct unit), strlen(utf8));
	const char *p = utf8;

	while (*p != '\0') {
		const char *q = g_utf8_next_char(p);

		while (*q != '\0' && g_unichar_ismark(g_utf8_get_char(q)))
			q = g_utf8_next_char(q);
		if (legacy_all_bytes(p, q - p))
			legacy_add_chars(units, p, q - p);
		else
			legacy_add_cluster(units, p, q - p);
		p = q;
	}
	return units;
}

/* What an unused byte shows: the windows-1252 character for 0x80..0x9F,
   else the character it came from. */
static gunichar
legacy_unused(const struct unit *u)
{
	gunichar c = u->byte >= 0x80 && u->byte < 0xA0 ? legacy_cp1252_char(u->byte) : 0;

	return c != 0 ? c : u->ch;
}

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
static char *
tcvn3_convert(const GArray *units)
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

/* The VNI base letter of a byte (a vowel that can take a second byte), or 0. */
static gunichar
vni_base(guint16 byte)
{
	if (byte < 0x80)
		return byte != 0 && strchr("aeiouyAEIOUY", byte) != NULL ? byte : 0;
	if (byte == 0xF4 || byte == 0xF6 || byte == 0xD4 || byte == 0xD6)
		return vni_single[byte - 0xC0];
	return 0;
}

/* Whether a second byte fits the base: a circumflex on a/e/o, a breve on a,
   a tone alone on any vowel. */
static gboolean
vni_fits(gunichar base, guint8 mark)
{
	gunichar low = g_unichar_tolower(base);

	if ((mark & 0xF0) == SH_CIRC)
		return low == 'a' || low == 'e' || low == 'o';
	if ((mark & 0xF0) == SH_BREVE)
		return low == 'a';
	return mark != 0;
}

/* Read the units as VNI: a vowel and its second byte, or a letter of one
   byte. */
static char *
vni_convert(const GArray *units)
{
	GString *out = g_string_sized_new(units->len + 16);
	char *nfc;

	for (guint i = 0; i < units->len; i++) {
		const struct unit *u = &g_array_index(units, struct unit, i);
		gunichar base = vni_base(u->byte);

		if (base != 0 && i + 1 < units->len) {
			guint16 next = g_array_index(units, struct unit, i + 1).byte;
			guint8 mark = next >= 0xC0 && next < 0x100 ? vni_mark[next - 0xC0] : 0;

			if (vni_fits(base, mark)) {
				g_string_append_unichar(out, base);
				if ((mark & 0xF0) == SH_CIRC)
					g_string_append_unichar(out, 0x0302);
				else if ((mark & 0xF0) == SH_BREVE)
					g_string_append_unichar(out, 0x0306);
				if ((mark & 0x0F) != 0)
					g_string_append_unichar(out, tone_mark[mark & 0x0F]);
				i++;
				continue;
			}
		}
		if (u->byte >= 0xC0 && u->byte < 0x100 && vni_single[u->byte - 0xC0] != 0)
			g_string_append_unichar(out, vni_single[u->byte - 0xC0]);
		else
			g_string_append_unichar(out, legacy_unused(u));
	}
	nfc = text_normalize(out->str, -1, G_NORMALIZE_NFC);
	g_string_free(out, TRUE);
	return nfc;
}

/* The windows-1258 character of a byte 0x80..0xFF, or 0 where the code
   page has none; the table is made once from iconv. */
static gunichar
cp1258_char(guint16 byte)
{
	static gunichar table[128];
	static gsize done;

	if (byte < 0x80 || byte > 0xFF)
		return 0;
	if (g_once_init_enter(&done)) {
		for (int b = 0x80; b < 0x100; b++) {
			char in = (char)b,
			     *u = g_convert(&in, 1, "UTF-8", "WINDOWS-1258", NULL, NULL, NULL);
			table[b - 0x80] = u != NULL && *u != '\0' ? g_utf8_get_char(u) : 0;
			g_free(u);
		}
		g_once_init_leave(&done, 1);
	}
	return table[byte - 0x80];
}

/* Read the units as windows-1258: Vietnamese sent with that code page but
   labelled latin-1 (or windows-1252) comes out of the decoder with its tone
   bytes as "Ì", "ì", "Ò"…; read through the right page they are the tones. */
static char *
cp1258_convert(const GArray *units)
{
	GString *out = g_string_sized_new(units->len + 16);
	char *nfc;

	for (guint i = 0; i < units->len; i++) {
		const struct unit *u = &g_array_index(units, struct unit, i);
		gunichar c = cp1258_char(u->byte);

		g_string_append_unichar(out, c != 0 ? c : u->ch);
	}
	nfc = text_normalize(out->str, -1, G_NORMALIZE_NFC);
	g_string_free(out, TRUE);
	return nfc;
}

/* The text converted from that encoding to Unicode NFC. */
char *
legacy_convert(const char *utf8, enum legacy_enc enc)
{
	char *valid, *out;
	GArray *units;

	if (utf8 == NULL || enc == LEGACY_NONE)
		return g_strdup(utf8);
	valid = g_utf8_make_valid(utf8, -1);
	units = legacy_units(valid);
	out = enc == LEGACY_TCVN3 ? tcvn3_convert(units)
	      : enc == LEGACY_VNI ? vni_convert(units)
	                          : cp1258_convert(units);
	g_array_free(units, TRUE);
	g_free(valid);
	return out != NULL ? out : g_strdup("");
}

/* ---- Vietnamese syllables ---- */

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
			if (tone_mark[k] == c)
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

/* The encoding a font name implies. */
enum legacy_enc
legacy_font(const char *font_name)
{
	if (font_name == NULL)
		return LEGACY_NONE;
	if (g_str_has_prefix(font_name, ".Vn") || g_str_has_prefix(font_name, ".vn"))
		return LEGACY_TCVN3;
	if (g_ascii_strncasecmp(font_name, "VNI-", 4) == 0 ||
	    g_ascii_strncasecmp(font_name, "VNI ", 4) == 0)
		return LEGACY_VNI;
	return LEGACY_NONE;
}

/* The name of an encoding. */
const char *
legacy_name(enum legacy_enc enc)
{
	return enc == LEGACY_TCVN3    ? "TCVN3"
	       : enc == LEGACY_VNI    ? "VNI"
	       : enc == LEGACY_CP1258 ? "windows-1258"
	                              : NULL;
}
