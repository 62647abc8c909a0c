/*
 * ocr.h - reading scanned forms: Leptonica cleans the image, Tesseract
 * reads it in Vietnamese and English.
 *
 * Images (JPEG, PNG, TIFF with several pages) are decoded by Leptonica from
 * memory; PDF pages come rendered by pdf.c.  Each page is converted to
 * gray, brought to about 300 dpi, its paper made even when the light
 * varies across it (phone photos, photocopies), deskewed, despeckled and
 * binarised before Tesseract (C API, "vie+eng", one thread) reads it.  The
 * text is then cleaned of what OCR makes of the form: dotted leaders, check
 * boxes read as letters, label words with letters confused
 * (fields_label_fuzzy()), well-known values mangled ("danang.øov.vn"),
 * units' names a letter or two off (gazetteer.h and o->units).  Every line
 * carries Tesseract's confidence, lowered for words with diacritics, for
 * names and units that cannot be Vietnamese as read, for people's names
 * with a syllable no name is made of, for units and companies no list holds
 * with a word read into a rarer one (namesyl.h), and for specks read as
 * stops (ocr_check.h), so that fields read from doubtful lines are marked
 * doubtful.  Tesseract loads its language
 * data once per process (ocr_init); calling ocr_* before that initialises
 * it.  No I/O besides reading the language data.
 */
#ifndef PHIEU_OCR_H
#define PHIEU_OCR_H

#include "doc.h"

struct ocr_opts {
	const char *languages;    /* "vie+eng" */
	const char *tessdata;     /* NULL: Tesseract's default */
	const char *domain;       /* "danang.gov.vn": a known suffix to repair */
	const char *sender;       /* the sender's address: a known value to repair */
	const char *const *units; /* NULL-terminated names of the configured units, or NULL */
};

/* Load Tesseract once; FALSE with *cause when the language data is missing. */
gboolean ocr_init(const struct ocr_opts *o, char **cause);
/* Read an encoded image (JPEG, PNG, TIFF, …) of one or more pages (source "ocr"). */
void ocr_image(const guint8 *data, gsize len, const struct doc_limits *lim,
               const struct ocr_opts *o, struct doc_text *out);
/* Read rendered pages (source "ocr"). */
void ocr_pages(GPtrArray *pages, const struct doc_limits *lim, const struct ocr_opts *o,
               struct doc_text *out);
/* Release Tesseract. */
void ocr_end(void);

#endif
