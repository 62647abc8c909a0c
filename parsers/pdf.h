/*
 * pdf.h - the text of PDF documents, and their pages as images for OCR.
 *
 * poppler-glib reads the document from memory.  pdf_text() reads the text
 * layer page by page and rebuilds lines from the glyph positions, so that a
 * table row stays on one line with " | " between its cells, and dotted
 * leaders are kept as typed; pages are read upright whatever their
 * /Rotate, one after the other.  Pages with no text layer are listed in
 * out->image_pages (a scanned form), and so are pages whose text is mostly
 * characters without a Unicode meaning, or that hold fewer than 60
 * characters over an image covering half the page (a scanner's caption).
 * pdf_render() draws pages into gray images at lim->ocr_dpi for ocr.c.
 * Pages and pixels are bounded by doc_limits: a document of more than
 * lim->max_pages pages is refused as a whole (DOC_REFUSED, "the PDF has 45
 * pages, over the limit of 30"), not read in part, and so is a page over
 * lim->max_pixels at lim->ocr_dpi or over 200000 characters.  A row of a
 * table whose cells wrap onto more lines is joined back into one line, each
 * cell's text in order, whether its cells are top-aligned (Word's default)
 * or centred vertically, with or without cell padding; a wrapped line is
 * never merged into the row above it when it belongs to the next, and a
 * row never swallows the rows after it.  Centred cells in a table without
 * padding and without a first column that starts each row cannot be told
 * apart and come out as separate lines.  No I/O.
 */
#ifndef PHIEU_PDF_H
#define PHIEU_PDF_H

#include "doc.h"

/* Text of a PDF (source "pdf_text"); DOC_EMPTY with image_pages set when
   no page has text. */
void pdf_text(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);
/* Render the listed pages (0-based) as gray images, white paper, in an
   array that frees them (g_ptr_array_unref); NULL with *cause when a page
   is missing or over the pixel limit. */
GPtrArray *pdf_render(const guint8 *data, gsize len, const struct doc_limits *lim,
                      const GArray *pages, char **cause);

#endif
