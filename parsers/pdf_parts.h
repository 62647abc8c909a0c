/*
 * pdf_parts.h - what the parts of the PDF reader share: the distances on a
 * line, glyphs, words and lines.  Private to parsers/pdf*.c:
 *   pdf.c         documents: the entry points of pdf.h, a page's text,
 *                 scanned pages, rendering pages for OCR
 *   pdf_glyphs.c  a page's glyphs upright, fonts and their characters
 *   pdf_lines.c   glyphs to lines, words and cells; gutters of tables
 *   pdf_rows.c    table rows whose cells wrap joined back into one line
 */
#ifndef PHIEU_PDF_PARTS_H
#define PHIEU_PDF_PARTS_H

#include <glib.h>
#include <poppler.h>

#include "legacy.h"

/*
 * Distances on a line are measured in font sizes (em).  Word spaces in the
 * forms are 0.25 em (Times) to 0.32 em (DejaVu); table cells are 0.7 em
 * apart and more (Word's cell padding); two columns of a letterhead or of
 * the signature block several em.  A gap of SEP_MEDIUM or more separates
 * cells only where another line near it has a gap at the same place (the
 * gutter of a table); SEP_WIDE always does.  Check-box options and dotted
 * leaders are spaced as widely, with tabs too, so gaps beside them never
 * separate.
 */
#define GAP_SPACE  0.2    /* geometric word space, without poppler's own */
#define SEP_MEDIUM 0.6    /* a table gutter, when confirmed by a neighbour */
#define SEP_WIDE   2.0    /* a column gap */
#define NEAR_LINES 6.0    /* line heights within which a gutter is confirmed */
#define SAME_LINE  0.4    /* of the glyph height: centres this close share a line */
#define TABLE_GAP  1.5    /* of the line height: space between the lines of a table */
#define ROW_PITCH  1.3    /* em: lines of a cell are closer, rows with padding farther */
#define HALF_PITCH 0.8    /* em: lines this close are centred cells beside taller ones */
#define FEW_GLYPHS 60     /* a page with fewer and a large image is a scan */
#define MAX_GLYPHS 200000 /* characters on one page: more is no form */

/* One character of a page's text layer. */
struct glyph {
	double x1, y1, x2, y2; /* box in points, y downwards */
	double size;           /* font size in points */
	int prev;              /* the glyph before it in poppler's text, or -1 */
	gboolean space;        /* poppler's text has white space before it */
	gboolean box;          /* a check box (☐ or ☑) */
	enum legacy_enc enc;   /* the font's legacy encoding */
	char s[24];            /* UTF-8: the character and its combining marks */
};

/* A run of glyphs without a space, in a line. */
struct word {
	int from, to;     /* positions in the line's glyph order, to excluded */
	double x1, x2;    /* extent */
	double gap_lo;    /* the right end of what comes before it on the line */
	gboolean sep;     /* a cell boundary before it */
	gboolean can_sep; /* its gap is wide enough to be a gutter */
	gboolean space;   /* a space before it (when not a cell boundary) */
};

/* A line of a page: glyphs left to right, cut into words and cells. */
struct line {
	GArray *order; /* int: glyph indices, left to right */
	GArray *words; /* struct word */
	double yc, top, bottom, h, size;
	int n;            /* glyphs added to yc's mean */
	GPtrArray *cells; /* GString*: cell texts, filled by pdf_line_cells() */
	GArray *cell_x;   /* double: start of each cell */
	gboolean joined;  /* merged into the table row above it */
};

/* pdf_lines.c */
/* Free a GString held in a pointer array. */
void pdf_gstring_free(gpointer p);
/* The glyph at a position of a line. */
struct glyph *pdf_line_glyph(GArray *gs, const struct line *l, int pos);
/* Group glyphs into lines by the centre of their boxes; lines top to bottom,
   glyphs left to right. */
GPtrArray *pdf_page_lines(GArray *gs);
/* Cut a line into words; drop glyphs drawn twice (fake bold) and fold a
   mark drawn over a box into a ticked box. */
void pdf_line_words(GArray *gs, struct line *l);
/* Whether a medium gap of line i has a gap at the same place on a line near
   it: the gutter of a table runs through several lines.  Lines are in order
   of height and words in order of x, so only near ones are looked at. */
gboolean pdf_gap_confirmed(GPtrArray *lines, guint i, const struct word *w);
/* Append the glyphs of a word to a string, converting legacy font runs. */
void pdf_word_text(GArray *gs, const struct line *l, const struct word *w, GString *out);
/* Build the cells of a line from its words and boundaries. */
void pdf_line_cells(GArray *gs, struct line *l);

/* pdf_glyphs.c */
/* Whether a character is a cross or tick drawn over a box. */
gboolean pdf_char_is_mark(gunichar ch);
/* The glyphs of a page's text layer, in poppler's order, upright; *junk
   counts characters that are no text (a font without a Unicode map). */
GArray *pdf_page_glyphs(PopplerPage *page, guint *junk);

/* pdf_rows.c */
/* Join the lines of a table's rows whose cells wrap onto more lines into
   one line per row (see pdf_rows.c). */
void pdf_join_wrapped(GArray *gs, GPtrArray *lines);

#endif
