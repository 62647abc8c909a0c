/*
 * ocr_parts.h - what the parts of the scan reader share.  Private to
 * parsers/ocr*.c:
 *   ocr.c        pages: the entry points of ocr.h, a page from cleaning to text
 *   ocr_clean.c  image cleaning: resolution, background, skew, rules, tables
 *   ocr_read.c   Tesseract: loading it, reading a page, reading addresses again
 *   ocr_known.c  what is known: names, units and labels repaired
 *   ocr_lines.c  lines: pieces to lines, labels and leaders, confidence
 */
#ifndef PHIEU_OCR_PARTS_H
#define PHIEU_OCR_PARTS_H

#include <glib.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "ocr.h"

/* What a piece of a line is. */
enum piece_kind {
	P_WORD,   /* a word Tesseract read */
	P_LEADER, /* a dotted or underlined leader found in the image */
	P_BOX,    /* a check box found in the image */
};

/* One piece of text on the page, with its box in page pixels. */
struct piece {
	enum piece_kind kind;
	char *text;
	int x0, y0, x1, y1;
	int base;    /* baseline y */
	double conf; /* 0..100, or -1 when it does not count */
	int cell;    /* table cell index, or -1 */
};

/* A ruled table: its row and column rules. */
struct table {
	int x0, y0, x1, y1;
	GArray *rows; /* int: y of the horizontal rules, top to bottom */
	GArray *cols; /* int: x of the vertical rules, left to right */
};

/* One page being read. */
struct page {
	PIX *bin;      /* 1 bpp, cleaned: what Tesseract reads */
	int dpi;       /* of bin */
	int xh;        /* typical letter height in pixels */
	GArray *items; /* struct piece */
	GPtrArray *tables;
	const struct ocr_opts *o;
	gboolean ascii_ready; /* tess_ascii has the page */
};

/* the paper of a page lit evenly varies less than this (gray levels) */
#define FLAT_SPREAD 40
/* confidence taken off a word with diacritics (see word_conf in ocr_lines.c) */
#define DIACRITIC_DOUBT 10

/* Tesseract, loaded once by ocr_init() (ocr_read.c). */
extern TessBaseAPI *ocr_tess;       /* the first language: whole pages */
extern TessBaseAPI *ocr_tess_ascii; /* the others: addresses and numbers again */

/* Compare ints for qsort. */
int ocr_int_cmp(const void *a, const void *b);
/* Free a table. */
void ocr_table_free(gpointer data);
/* Gray, upright, at a resolution Tesseract reads well (but not over
   max_pixels), binarised and cleaned: the page Tesseract will read.  Takes
   pix. */
gboolean ocr_page_prepare(struct page *p, PIX *pix, int dpi, gint64 max_pixels);
/* Put the page's pieces into lines of text, top to bottom, with a
   confidence per line. */
void ocr_page_text(struct page *p, GString *out, GArray *conf);
/* Read the cleaned page: each table column by itself (read with the rest
   of the page, a table's wide gaps make Tesseract lose the spaces between
   words), then the page without its tables. */
gboolean ocr_page_read(struct page *p);
/* Read addresses again in ASCII and repair what is known in them. */
void ocr_page_addresses(struct page *p);
/* Whether a label names a person. */
gboolean ocr_name_label(const char *label);
/* Whether a label names a unit. */
gboolean ocr_unit_label(const char *label);
/* Correct a line (or a table cell, name: TRUE in a column of names) with
   what is known: names as they are spelled, the family name a person's
   name starts with, dashes read from specks at the end or after the
   label. */
void ocr_line_known(GString *line, gboolean name);
/* Repair the value of a unit's line ("Tên đơn vị: UBND quận Liên Chiếu")
   towards the unit it is within a letter in ten (gazetteer_match(): the
   gazetteer and the configured units); specks read as punctuation at the
   end of a unit's name dropped.  Returns FALSE when the line holds a
   unit's name that is no known unit (its reading cannot be checked). */
gboolean ocr_line_unit(GString *line, const struct ocr_opts *o);
/* Whether the value of a line naming a person, or a unit that is not a
   known one (known: ocr_line_unit()'s answer), holds a garbled word: such a
   line is not to be trusted whatever Tesseract's confidence. */
gboolean ocr_line_garbled(const char *line, gboolean known_unit);

#endif
