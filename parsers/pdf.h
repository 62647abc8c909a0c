/*
 * pdf.h - the text of PDF documents, and their pages as images for OCR.
 *
 * poppler-glib reads the document from memory.  pdf_text() reads the text
 * layer page by page and rebuilds lines from the glyph positions, so that a
 * table row stays on one line with " | " between its cells, and dotted
 * leaders are kept as typed; pages with no text layer are listed in
 * out->image_pages (a scanned form).  pdf_render() draws pages into gray
 * images at lim->ocr_dpi for ocr.c.  Pages and pixels are bounded by
 * doc_limits.  No I/O.
 */
#ifndef PHIEU_PDF_H
#define PHIEU_PDF_H

#include "doc.h"

/* Text of a PDF (source "pdf_text"); DOC_EMPTY with image_pages set when
   no page has text. */
void pdf_text(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);
/* Render the listed pages (0-based) as gray images; NULL with *cause. */
GPtrArray *pdf_render(const guint8 *data, gsize len, const struct doc_limits *lim,
                      const GArray *pages, char **cause);

#endif
