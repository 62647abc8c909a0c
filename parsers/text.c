/* text.c - charsets, Unicode forms, folding, HTML to text; see text.h. */
#include "text.h"

#include "legacy.h"

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* Whether the bytes are valid UTF-8. */
static gboolean
text_is_utf8(const char *data, gsize len)
{
	return g_utf8_validate(data, (gssize)len, NULL);
}

/* Convert with iconv through GLib; NULL when the charset is unknown or the
   bytes do not fit it. */
static char *
text_convert(const char *data, gsize len, const char *charset)
{
	gsize got = 0;
	GError *err = NULL;
	char *out = g_convert(data, (gssize)len, "UTF-8", charset, NULL, &got, &err);

	if (err != NULL) {
		g_error_free(err);
		g_free(out);
		return NULL;
	}
	return out;
}

/* Whether normalisation may cut the text just before c: a starter that never
   comes second in a canonical composition (no mark, no Hangul vowel or final
   jamo), so nothing on either side of the cut composes or reorders across it. */
static gboolean
text_safe_cut(gunichar c)
{
	if (c < 0x80)
		return TRUE;
	if (c >= 0x1160 && c <= 0x11FF)
		return FALSE;
	switch (g_unichar_type(c)) {
	case G_UNICODE_SPACING_MARK:
	case G_UNICODE_ENCLOSING_MARK:
	case G_UNICODE_NON_SPACING_MARK:
		return FALSE;
	default:
		return g_unichar_combining_class(c) == 0;
	}
}

/* Normalise text in pieces of about TEXT_NORM_PIECE bytes cut where
   text_safe_cut allows: GLib's composition moves the rest of its buffer on
   every character it composes, which makes one call on megabytes of
   Vietnamese take minutes.  NULL when the text is not valid UTF-8, as
   g_utf8_normalize. */
#define TEXT_NORM_PIECE 4096
char *
text_normalize(const char *s, gssize len, GNormalizeMode mode)
{
	gsize n;

	if (s == NULL)
		return NULL;
	n = len < 0 ? strlen(s) : (gsize)len;
	if (!g_utf8_validate(s, (gssize)n, NULL))
		return NULL;
	if (n <= 2 * TEXT_NORM_PIECE)
		return g_utf8_normalize(s, (gssize)n, mode);
	GString *out = g_string_sized_new(n + n / 8);
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *cut = p + TEXT_NORM_PIECE < end ? p + TEXT_NORM_PIECE : end;
		/* forward to a character boundary where a cut is safe */
		while (cut < end && ((guchar)*cut & 0xC0) == 0x80)
			cut++;
		while (cut < end && !text_safe_cut(g_utf8_get_char(cut)))
			cut = g_utf8_next_char(cut);
		char *piece = g_utf8_normalize(p, cut - p, mode);
		if (piece == NULL) {
			g_string_free(out, TRUE);
			return NULL;
		}
		g_string_append(out, piece);
		g_free(piece);
		p = cut;
	}
	return g_string_free(out, FALSE);
}

/* Charset labels that mean plain ASCII or UTF-8. */
static gboolean
text_charset_is_utf8(const char *cs)
{
	return g_ascii_strcasecmp(cs, "utf-8") == 0 || g_ascii_strcasecmp(cs, "utf8") == 0 ||
	       g_ascii_strcasecmp(cs, "us-ascii") == 0 || g_ascii_strcasecmp(cs, "ascii") == 0;
}

/* Charset labels of the one-byte Latin code pages that mail programs put on
   text by default. */
static gboolean
text_charset_is_latin(const char *cs)
{
	static const char *const names[] = {"iso-8859-1",  "iso8859-1", "latin1",       "latin-1",
	                                    "l1",          "cp819",     "windows-1252", "cp1252",
	                                    "iso-8859-15", "latin9"};
	for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
		if (g_ascii_strcasecmp(cs, names[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Whether the bytes are all ASCII. */
static gboolean
text_is_ascii(const char *data, gsize len)
{
	for (gsize i = 0; i < len; i++)
		if ((guchar)data[i] >= 0x80)
			return FALSE;
	return TRUE;
}

/* Convert raw bytes to NFC UTF-8; see text.h for the fallbacks. */
char *
text_to_utf8(const char *data, gsize len, const char *charset, gboolean *lossy)
{
	char *utf8 = NULL, *nfc;
	gboolean bad = FALSE;

	if (data == NULL) {
		/* an empty part (a CSV of no bytes, say) */
		data = "";
		len = 0;
	}
	/* a label of a one-byte Latin charset on bytes that are valid UTF-8 with
	   letters beyond ASCII is a mail program's wrong default: Latin-1 text
	   is never valid UTF-8 by chance */
	if (charset != NULL && text_charset_is_latin(charset) && text_is_utf8(data, len) &&
	    !text_is_ascii(data, len))
		utf8 = g_strndup(data, len);
	else if (charset != NULL && *charset != '\0' && !text_charset_is_utf8(charset)) {
		utf8 = text_convert(data, len, charset);
		if (utf8 == NULL)
			bad = TRUE;
	}
	if (utf8 == NULL && text_is_utf8(data, len))
		utf8 = g_strndup(data, len);
	if (utf8 == NULL && charset != NULL && text_charset_is_utf8(charset)) {
		/* labelled UTF-8 but not valid: mixed legacy bytes */
		bad = TRUE;
	}
	if (utf8 == NULL)
		utf8 = text_convert(data, len, "WINDOWS-1258");
	if (utf8 == NULL)
		utf8 = text_convert(data, len, "ISO-8859-1");
	if (utf8 == NULL) {
		utf8 = g_utf8_make_valid(data, (gssize)len);
		bad = TRUE;
	}
	nfc = text_normalize(utf8, -1, G_NORMALIZE_NFC);
	g_free(utf8);
	/* Vietnamese typed in the old TCVN3 or VNI fonts came through as
	   Latin letters: turn it into Vietnamese */
	if (nfc != NULL) {
		enum legacy_enc enc = legacy_detect(nfc);
		if (enc != LEGACY_NONE) {
			char *conv = legacy_convert(nfc, enc);
			g_free(nfc);
			nfc = conv;
		}
	}
	if (lossy != NULL)
		*lossy = bad;
	return nfc != NULL ? nfc : g_strdup("");
}

/* NFC after repairing invalid sequences. */
char *
text_nfc(const char *s)
{
	char *valid = g_utf8_make_valid(s, -1);
	char *nfc = text_normalize(valid, -1, G_NORMALIZE_NFC);

	g_free(valid);
	return nfc != NULL ? nfc : g_strdup("");
}

/* Fold one code point: strip marks through canonical decomposition. */
gunichar
text_fold_char(gunichar c)
{
	gunichar d[8];
	gsize n;

	if (c < 0x80)
		return g_ascii_tolower((char)c);
	if (c == 0x0110 || c == 0x0111)
		return 'd';
	n = g_unichar_fully_decompose(c, FALSE, d, G_N_ELEMENTS(d));
	if (n > 0)
		c = d[0];
	return g_unichar_tolower(c);
}

/* Fold a string, one character out per character in. */
char *
text_fold(const char *s)
{
	GString *out = g_string_sized_new(strlen(s));

	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char_validated(p, -1);
		if (c == (gunichar)-1 || c == (gunichar)-2) {
			g_string_append_c(out, '?');
			continue;
		}
		if (g_unichar_ismark(c)) {
			/* a stray combining mark (NFD input): keep indexes by
			   emitting a neutral character */
			g_string_append_c(out, '\x01');
			continue;
		}
		g_string_append_unichar(out, text_fold_char(c));
	}
	return g_string_free(out, FALSE);
}

/* HTML elements that end a line. */
static const char *const text_block_tags[] = {
    "p",          "div",    "br",      "li",     "tr",    "h1",       "h2",
    "h3",         "h4",     "h5",      "h6",     "table", "ul",       "ol",
    "blockquote", "pre",    "hr",      "dd",     "dt",    "section",  "article",
    "header",     "footer", "address", "center", "form",  "fieldset", NULL};

/* Whether an element name is in a NULL-terminated list. */
static gboolean
text_tag_in(const xmlChar *name, const char *const *list)
{
	for (int i = 0; list[i] != NULL; i++)
		if (xmlStrcasecmp(name, (const xmlChar *)list[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Append a newline unless the text already ends with one. */
static void
text_newline(GString *out)
{
	if (out->len > 0 && out->str[out->len - 1] != '\n')
		g_string_append_c(out, '\n');
}

/* Inside a table cell, a paragraph or line break separates two parts of
   the cell's value ("; "), so that a row stays one line ("Người liên hệ: |
   Lê Thị Hà" from Outlook's <td><p class=MsoNormal>…</p></td>); cell is
   where the cell's text began. */
static void
text_cell_break(GString *out, gsize cell)
{
	while (out->len > cell && out->str[out->len - 1] == ' ')
		g_string_truncate(out, out->len - 1);
	if (out->len > cell && out->str[out->len - 1] != ';')
		g_string_append(out, "; ");
	else if (out->len > cell)
		g_string_append_c(out, ' ');
}

/* Remove the separators a cell's last paragraph left at its end. */
static void
text_cell_end(GString *out, gsize cell)
{
	while (out->len > cell && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == ';'))
		g_string_truncate(out, out->len - 1);
}

/* Walk the HTML tree and write its text; cell is the offset where the
   table cell being written began, or -1 outside cells. */
static void
text_walk(xmlNode *node, GString *out, int depth, gssize cell)
{
	static const char *const skip[] = {"script", "style", "head", "title", NULL};

	if (depth > 200)
		return;
	for (xmlNode *n = node; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			for (const xmlChar *c = n->content; c != NULL && *c != '\0'; c++) {
				char ch = (char)*c;
				if (ch == '\n' || ch == '\r' || ch == '\t')
					ch = ' ';
				if (ch == ' ' && (out->len == 0 || out->str[out->len - 1] == ' ' ||
				                  out->str[out->len - 1] == '\n'))
					continue;
				g_string_append_c(out, ch);
			}
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (text_tag_in(n->name, skip))
			continue;
		if (xmlStrcasecmp(n->name, (const xmlChar *)"td") == 0 ||
		    xmlStrcasecmp(n->name, (const xmlChar *)"th") == 0) {
			if (n->prev != NULL || (n->parent && n->parent->children != n))
				g_string_append(out, " | ");
			gsize start = out->len;
			text_walk(n->children, out, depth + 1, (gssize)start);
			text_cell_end(out, start);
			continue;
		}
		/* a table inside a cell (Outlook's layout) has rows of its own */
		gssize inner = xmlStrcasecmp(n->name, (const xmlChar *)"table") == 0 ? -1 : cell;
		if (cell >= 0 && inner >= 0 && text_tag_in(n->name, text_block_tags)) {
			text_cell_break(out, (gsize)cell);
			text_walk(n->children, out, depth + 1, cell);
			text_cell_break(out, (gsize)cell);
			continue;
		}
		if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
			g_string_append_c(out, '\n');
			continue;
		}
		if (text_tag_in(n->name, text_block_tags))
			text_newline(out);
		text_walk(n->children, out, depth + 1, inner);
		if (text_tag_in(n->name, text_block_tags))
			text_newline(out);
	}
}

/* Render HTML as plain text with libxml2's forgiving HTML parser. */
char *
text_from_html(const char *html, gsize len)
{
	GString *out = g_string_new(NULL);
	htmlDocPtr doc;
	char *nfc;

	if (len > G_MAXINT)
		len = G_MAXINT;
	doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
	                     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	                         HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
	if (doc != NULL) {
		text_walk(xmlDocGetRootElement(doc), out, 0, -1);
		xmlFreeDoc(doc);
	}
	nfc = text_nfc(out->str);
	g_string_free(out, TRUE);
	return nfc;
}

/* Join soft-broken lines of a format=flowed body. */
char *
text_unflow(const char *s, gboolean delsp)
{
	GString *out = g_string_new(NULL);
	char **lines = g_strsplit(s, "\n", -1);

	for (int i = 0; lines[i] != NULL; i++) {
		char *l = lines[i];
		gsize n = strlen(l);
		if (n > 0 && l[n - 1] == '\r')
			l[--n] = '\0';
		/* a signature separator is never a soft break */
		gboolean soft = n > 0 && l[n - 1] == ' ' && strcmp(l, "-- ") != 0;
		if (l[0] == ' ') /* space-stuffed */
			l++, n--;
		if (soft && delsp)
			n--;
		g_string_append_len(out, l, (gssize)n);
		if (!soft && lines[i + 1] != NULL)
			g_string_append_c(out, '\n');
	}
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* Collapse white space and trim. */
char *
text_squeeze(const char *s)
{
	GString *out = g_string_new(NULL);
	gboolean space = FALSE;

	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_isspace(c) || c == 0xA0) {
			space = out->len > 0;
			continue;
		}
		if (space)
			g_string_append_c(out, ' ');
		space = FALSE;
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Drop CRs and map Unicode spaces (NBSP, thin, ideographic...) to ' '. */
char *
text_clean_lines(const char *s)
{
	GString *out = g_string_sized_new(strlen(s));

	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == '\r' || c == 0xFEFF || c == 0x200B || c == 0x200C || c == 0x200D)
			continue;
		if (c != '\n' && c != '\t' && (g_unichar_isspace(c) || c == 0xA0))
			c = ' ';
		g_string_append_unichar(out, c);
	}
	return g_string_free(out, FALSE);
}

/* Edit distance of two strings by characters, letters compared without
   case; at most cap + 1 (cap < 0: no cap). */
int
text_distance(const char *a, const char *b, int cap)
{
	glong na, nb;
	gunichar *ua = g_utf8_to_ucs4_fast(a, -1, &na), *ub = g_utf8_to_ucs4_fast(b, -1, &nb);
	int *row, d;

	if (cap >= 0 && ABS(na - nb) > cap) {
		g_free(ua);
		g_free(ub);
		return cap + 1;
	}
	row = g_new(int, nb + 1);
	for (glong j = 0; j <= nb; j++)
		row[j] = (int)j;
	for (glong i = 1; i <= na; i++) {
		int diag = row[0], row_min;
		row[0] = row_min = (int)i;
		for (glong j = 1; j <= nb; j++) {
			int up = row[j];
			int sub =
			    diag + (g_unichar_tolower(ua[i - 1]) != g_unichar_tolower(ub[j - 1]));
			row[j] = MIN(MIN(up + 1, row[j - 1] + 1), sub);
			row_min = MIN(row_min, row[j]);
			diag = up;
		}
		if (cap >= 0 && row_min > cap) { /* every later row is larger still */
			row[nb] = cap + 1;
			break;
		}
	}
	d = row[nb];
	g_free(row);
	g_free(ua);
	g_free(ub);
	return cap >= 0 && d > cap ? cap + 1 : d;
}

/* Whether a '|' list holds word (one word: empty or with a '|', none). */
gboolean
text_list_has(const char *list, const char *word)
{
	gsize n = strlen(word);

	if (n == 0 || strchr(word, '|') != NULL)
		return FALSE;
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
			return TRUE;
	return FALSE;
}

/* Word-boundary substring search in folded text. */
gboolean
text_has_word(const char *folded, const char *needle)
{
	gsize n = strlen(needle);

	for (const char *p = strstr(folded, needle); p != NULL; p = strstr(p + 1, needle)) {
		gboolean left = p == folded || !g_ascii_isalnum(p[-1]);
		gboolean right = !g_ascii_isalnum(p[n]);
		if (left && right)
			return TRUE;
	}
	return FALSE;
}

/* Decode the text of one encoded word into bytes; FALSE when malformed. */
static gboolean
text_decode_word(char enc, const char *text, gsize len, GByteArray *out)
{
	if (enc == 'b' || enc == 'B') {
		/* decode each word on its own: its padding ends it */
		gint state = 0;
		guint save = 0;
		guchar *buf = g_malloc(len * 3 / 4 + 3);
		gsize n = g_base64_decode_step(text, len, buf, &state, &save);
		g_byte_array_append(out, buf, (guint)n);
		g_free(buf);
		return TRUE;
	}
	if (enc == 'q' || enc == 'Q') {
		for (gsize i = 0; i < len; i++) {
			guchar c = (guchar)text[i];
			if (c == '_') {
				c = ' ';
			} else if (c == '=' && i + 2 < len && g_ascii_isxdigit(text[i + 1]) &&
			           g_ascii_isxdigit(text[i + 2])) {
				c = (guchar)(g_ascii_xdigit_value(text[i + 1]) * 16 +
				             g_ascii_xdigit_value(text[i + 2]));
				i += 2;
			}
			g_byte_array_append(out, &c, 1);
		}
		return TRUE;
	}
	return FALSE;
}

/* Append bytes of a charset run to the output as UTF-8. */
static void
text_flush_run(GString *out, GByteArray *bytes, const char *charset)
{
	char *u;

	if (bytes->len == 0)
		return;
	u = text_to_utf8((const char *)bytes->data, bytes->len, charset, NULL);
	g_string_append(out, u);
	g_free(u);
	g_byte_array_set_size(bytes, 0);
}

/* Decode an unstructured header; see text.h. */
char *
text_decode_header(const char *raw)
{
	static GRegex *word;
	GString *out = g_string_new(NULL);
	GByteArray *run = g_byte_array_new();
	char *run_charset = NULL, *result, *squeezed;
	GMatchInfo *mi = NULL;
	gsize pos = 0, len = strlen(raw);

	if (word == NULL)
		word = g_regex_new("=\\?([^?*\\s]+)(?:\\*[^?\\s]*)?\\?([bBqQ])\\?([^?\\s]*)\\?=", 0,
		                   0, NULL);
	g_regex_match(word, raw, 0, &mi);
	for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		int start, end;
		g_match_info_fetch_pos(mi, 0, &start, &end);
		/* text between words: dropped when only white space, kept otherwise */
		gboolean blank = TRUE;
		for (gsize i = pos; i < (gsize)start; i++)
			blank = blank && g_ascii_isspace(raw[i]);
		if (!blank || run_charset == NULL) {
			text_flush_run(out, run, run_charset);
			char *between = text_to_utf8(raw + pos, (gsize)start - pos, NULL, NULL);
			g_string_append(out, between);
			g_free(between);
		}
		char *cs = g_match_info_fetch(mi, 1), *enc = g_match_info_fetch(mi, 2);
		char *txt = g_match_info_fetch(mi, 3);
		if (run_charset != NULL && g_ascii_strcasecmp(run_charset, cs) != 0)
			text_flush_run(out, run, run_charset);
		g_free(run_charset);
		run_charset = cs;
		if (!text_decode_word(enc[0], txt, strlen(txt), run))
			g_byte_array_append(run, (const guint8 *)raw + start, (guint)(end - start));
		g_free(enc);
		g_free(txt);
		pos = (gsize)end;
	}
	g_match_info_free(mi);
	text_flush_run(out, run, run_charset);
	if (pos < len) {
		char *tail = text_to_utf8(raw + pos, len - pos, NULL, NULL);
		g_string_append(out, tail);
		g_free(tail);
	}
	g_free(run_charset);
	g_byte_array_free(run, TRUE);
	result = text_nfc(out->str);
	g_string_free(out, TRUE);
	squeezed = text_squeeze(result);
	g_free(result);
	return squeezed;
}

/* A copy of s with its first letter in upper case. */
char *
text_capital(const char *s)
{
	char first[8];

	first[g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(s)), first)] = '\0';
	return g_strconcat(first, g_utf8_next_char(s), NULL);
}
