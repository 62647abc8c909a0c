/*
 * office_parts.h - what the DOCX and ODT readers share (office.c):
 * check boxes and symbol fonts, the "sink" paragraphs go to (a line at the
 * top level, space-joined inside a table cell), table rows as " | " lines,
 * and the finished text.  Private to office.c, office_docx.c, office_odt.c.
 */
#ifndef PHIEU_OFFICE_PARTS_H
#define PHIEU_OFFICE_PARTS_H

#include <glib.h>

#include "doc.h"

#define BOX_ON  0x2611 /* ☑ */
#define BOX_OFF 0x2610 /* ☐ */

/* How deep the walkers follow nested elements. */
#define MAX_DEPTH 96
/* Cells of one table row, and repeats of one ODT cell or row. */
#define MAX_CELLS       256
#define MAX_REPEAT      64
#define MAX_SPACES      256
#define MAX_STYLE_CHAIN 16

enum symfont { SYM_NONE = 0, SYM_WINGDINGS, SYM_WINGDINGS2 };

/* Where a walker writes text. */
struct sink {
	GString *s;
	gboolean cell; /* inside a table cell: paragraphs joined by spaces */
};

/* Which symbol font a font name is. */
enum symfont office_symfont_of(const char *font);
/* The character a symbol-font code shows, or 0 when it is no box or mark. */
gunichar office_sym_char(enum symfont font, gunichar code);
/* Append text, check boxes as ☑/☐ (see office.c). */
void office_append_text(GString *to, const char *s, enum symfont font);
/* Append a check box. */
void office_append_box(GString *to, int on);
/* Add one paragraph's text: a line, or in a cell a space-separated part. */
void office_sink_para(struct sink *k, const char *text);
/* Add what another sink of the same kind collected (text boxes). */
void office_sink_add(struct sink *k, const struct sink *from);
/* One table row as a line: cells trimmed, " | " between, trailing empty cells dropped. */
void office_row_line(GPtrArray *cells, struct sink *k);
/* Make the result: lines trimmed, trailing empty lines dropped, NFC; kind
   ("DOCX", "ODT") names the format in the reason when there is no text. */
void office_finish(GString *text, const char *kind, struct doc_text *out);

#endif
