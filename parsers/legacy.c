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
#include "legacy_parts.h"

#include <string.h>

#include "text.h"

/* No byte: a character outside the 8-bit range, kept as it is. */
#define NO_BYTE 0x100

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
const gunichar legacy_tone_mark[6] = {0, 0x0301, 0x0300, 0x0309, 0x0303, 0x0323};

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
gunichar
legacy_unused(const struct unit *u)
{
	gunichar c = u->byte >= 0x80 && u->byte < 0xA0 ? legacy_cp1252_char(u->byte) : 0;

	return c != 0 ? c : u->ch;
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
					g_string_append_unichar(out, legacy_tone_mark[mark & 0x0F]);
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
	out = enc == LEGACY_TCVN3 ? legacy_tcvn3_convert(units)
	      : enc == LEGACY_VNI ? vni_convert(units)
	                          : cp1258_convert(units);
	g_array_free(units, TRUE);
	g_free(valid);
	return out != NULL ? out : g_strdup("");
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
