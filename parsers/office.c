/*
 * office.c - what the DOCX and ODT readers share; see office.h, office_parts.h.
 *
 * office_docx.c and office_odt.c hold the two formats.
 *
 * Both formats are a zip of XML parts.  The container is checked as a
 * whole before anything is unpacked (declared sizes, their total and each
 * entry's packing ratio against doc_limits), and bytes are counted again
 * while an entry is read, since declared sizes can lie.  The XML is read by
 * libxml2 without network access and without substituting entities; entity
 * references are never followed by the walkers below.
 *
 * The walkers write into a "sink": at the top level a paragraph is a line;
 * inside a table cell paragraphs are joined by spaces, so that a table row
 * stays one " | " line.  Text boxes anchored in a paragraph follow it.
 */
#include "office.h"
#include "office_parts.h"
#include "text.h"

#include <string.h>

/* ---- check boxes and symbol fonts ---- */

/* Box-like characters of the symbol fonts, by their 8-bit code. */
static const struct {
	enum symfont font;
	guint8 code;
	gunichar to;
} sym_boxes[] = {
    {SYM_WINGDINGS, 0xFE, BOX_ON},   /* þ: box with a check */
    {SYM_WINGDINGS, 0xFD, BOX_ON},   /* ý: box with an X */
    {SYM_WINGDINGS, 0x78, BOX_ON},   /* x: ⌧ */
    {SYM_WINGDINGS, 0xA8, BOX_OFF},  /* ¨: empty box */
    {SYM_WINGDINGS, 0x6F, BOX_OFF},  /* o: empty box */
    {SYM_WINGDINGS, 0x71, BOX_OFF},  /* q: ❑ */
    {SYM_WINGDINGS, 0x72, BOX_OFF},  /* r: ❒ */
    {SYM_WINGDINGS, 0xFC, 0x2714},   /* ü: ✔ */
    {SYM_WINGDINGS, 0xFB, 0x2717},   /* û: ✗ */
    {SYM_WINGDINGS2, 0x52, BOX_ON},  /* R: ☑ */
    {SYM_WINGDINGS2, 0x51, BOX_ON},  /* Q: ☒ */
    {SYM_WINGDINGS2, 0x53, BOX_ON},  /* S: ☒ */
    {SYM_WINGDINGS2, 0x54, BOX_ON},  /* T: ☒ */
    {SYM_WINGDINGS2, 0xA3, BOX_OFF}, /* £: ☐ */
    {SYM_WINGDINGS2, 0x2A, BOX_OFF}, /* *: ☐ */
    {SYM_WINGDINGS2, 0x50, 0x2713},  /* P: ✓ */
    {SYM_WINGDINGS2, 0x4F, 0x2717},  /* O: ✗ */
};

/* Which symbol font a font name is. */
enum symfont
office_symfont_of(const char *font)
{
	if (font == NULL || g_ascii_strncasecmp(font, "Wingdings", 9) != 0)
		return SYM_NONE;
	if (font[9] == '\0')
		return SYM_WINGDINGS;
	if (strcmp(font + 9, " 2") == 0)
		return SYM_WINGDINGS2;
	return SYM_NONE;
}

/* The character a symbol-font code shows, or 0 when it is no box or mark. */
gunichar
office_sym_char(enum symfont font, gunichar code)
{
	if (code >= 0xF000 && code <= 0xF0FF)
		code -= 0xF000;
	for (gsize i = 0; i < G_N_ELEMENTS(sym_boxes); i++)
		if (sym_boxes[i].font == font && sym_boxes[i].code == code)
			return sym_boxes[i].to;
	return 0;
}

/* Append text, check boxes written as ☑/☐: in a Wingdings font only its
   box and mark symbols are kept; elsewhere ☒ and ⌧ are ticked boxes, and
   symbols stored in the private use area are read as Wingdings. */
void
office_append_text(GString *to, const char *s, enum symfont font)
{
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (font != SYM_NONE) {
			c = office_sym_char(font, c);
		} else if (c == 0x2612 || c == 0x2327) {
			c = BOX_ON;
		} else if (c >= 0xF000 && c <= 0xF0FF) {
			c = office_sym_char(SYM_WINGDINGS, c);
		} else if (c == 0x00AD || c == 0x200B || c == 0xFEFF) {
			c = 0; /* soft hyphen, zero-width space, BOM */
		}
		if (c != 0)
			g_string_append_unichar(to, c);
	}
}

/* ---- where text goes ---- */

/* Append text with line breaks and tabs as single spaces (a cell's text). */
static void
append_flat(GString *to, const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		char c = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
		if (c == ' ' && (to->len == 0 || to->str[to->len - 1] == ' '))
			continue;
		g_string_append_c(to, c);
	}
}

/* Add one paragraph's text: a line, or in a cell a space-separated part. */
void
office_sink_para(struct sink *k, const char *text)
{
	if (!k->cell) {
		g_string_append(k->s, text);
		g_string_append_c(k->s, '\n');
		return;
	}
	if (k->s->len > 0 && k->s->str[k->s->len - 1] != ' ')
		g_string_append_c(k->s, ' ');
	append_flat(k->s, text);
}

/* Add what another sink of the same kind collected (text boxes). */
void
office_sink_add(struct sink *k, const struct sink *from)
{
	if (from->s->len == 0)
		return;
	if (k->cell)
		office_sink_para(k, from->s->str);
	else
		g_string_append(k->s, from->s->str);
}

/* One table row as a line: cells trimmed, " | " between them, trailing
   empty cells dropped. */
void
office_row_line(GPtrArray *cells, struct sink *k)
{
	guint n = cells->len;
	GString *line = g_string_new(NULL);

	for (guint i = 0; i < n; i++)
		g_strstrip(g_ptr_array_index(cells, i));
	while (n > 0 && *(char *)g_ptr_array_index(cells, n - 1) == '\0')
		n--;
	for (guint i = 0; i < n; i++) {
		const char *cell = g_ptr_array_index(cells, i);
		if (k->cell) { /* a nested table: flattened into the cell */
			if (*cell != '\0')
				office_sink_para(k, cell);
			continue;
		}
		if (i > 0)
			g_string_append(line, " | ");
		g_string_append(line, cell);
	}
	if (!k->cell)
		office_sink_para(k, line->str);
	g_string_free(line, TRUE);
}

/* Make the result: trailing white space off each line, trailing empty lines
   dropped, NFC. */
void
office_finish(GString *text, const char *kind, struct doc_text *out)
{
	char **lines = g_strsplit(text->str, "\n", -1);
	GString *s = g_string_new(NULL);
	gboolean any = FALSE;

	for (int i = 0; lines[i] != NULL; i++) {
		g_strchomp(lines[i]);
		g_string_append(s, lines[i]);
		g_string_append_c(s, '\n');
		if (lines[i][0] != '\0')
			any = TRUE;
	}
	g_strfreev(lines);
	while (s->len > 0 && s->str[s->len - 1] == '\n')
		g_string_truncate(s, s->len - 1);
	if (s->len > 0)
		g_string_append_c(s, '\n');
	if (!any) {
		doc_fail(out, DOC_EMPTY, "the %s holds no text", kind);
		g_string_free(s, TRUE);
		return;
	}
	out->text = text_normalize(s->str, -1, G_NORMALIZE_NFC);
	g_string_free(s, TRUE);
	if (out->text == NULL) {
		doc_fail(out, DOC_BROKEN, "the %s text is not valid UTF-8", kind);
		return;
	}
	out->status = DOC_OK;
	out->confidence = 1.0;
}

/* Append a check box. */
void
office_append_box(GString *to, int on)
{
	g_string_append_unichar(to, on ? BOX_ON : BOX_OFF);
}
