/*
 * doc.h - text out of attached documents: what every reader shares.
 *
 * Each reader (office.c for DOCX/ODT, sheet.c for XLSX/CSV, pdf.c for PDF,
 * ocr.c for scans) turns the bytes of one attachment into a doc_text: UTF-8
 * NFC text in lines, as fields.c reads typed bodies.  Conventions:
 *   - a paragraph is a line; an empty paragraph an empty line;
 *   - a table row is one line, its cells separated by " | " (a cell's own
 *     line breaks become spaces), so "Label | value" rows and lists of
 *     accounts or visitors read as they do in mail bodies;
 *   - check boxes are written as ☑ (ticked) and ☐ (not ticked), whatever
 *     the document used (Word check-box fields, content controls, ☒, [x]);
 *   - legacy Vietnamese font encodings (TCVN3, VNI) are converted (legacy.c).
 * Readers never trust their input: sizes, pages, pixels and unpacked zip
 * sizes are bounded by doc_limits; a refused or broken document sets status
 * and a cause for people ("zip entry word/document.xml unpacks to 900 MB,
 * over the limit of 50 MB").  No I/O: everything is in memory.
 */
#ifndef PHIEU_DOC_H
#define PHIEU_DOC_H

#include <glib.h>

struct doc_limits {
	gsize max_part;     /* bytes of one attachment */
	gsize max_unpacked; /* bytes unpacked from one zip container, all entries */
	guint max_ratio;    /* unpacked / packed of one zip entry (a zip bomb above) */
	int max_pages;      /* pages of a PDF or TIFF read */
	gint64 max_pixels;  /* pixels of one image or rendered page */
	int ocr_dpi;        /* resolution PDF pages are rendered at for OCR */
};

enum doc_status {
	DOC_OK = 0,      /* text read */
	DOC_EMPTY,       /* read, but no text in it (a PDF of images: see image_pages) */
	DOC_REFUSED,     /* over a limit */
	DOC_BROKEN,      /* not readable as what it claims to be */
	DOC_UNSUPPORTED, /* a kind phieu cannot read (legacy .doc): needs a person */
};

struct doc_text {
	enum doc_status status;
	char *text;          /* lines, NULL unless DOC_OK */
	const char *source;  /* "docx", "odt", "pdf_text", "ocr", "xlsx", "csv" */
	char *cause;         /* for people, when status is not DOC_OK */
	double confidence;   /* 1 for born-digital text; OCR's mean word confidence */
	GArray *line_conf;   /* double per line of text (OCR), or NULL */
	GArray *image_pages; /* int: 0-based PDF pages with no text layer, or NULL */
};

/* A gray image, 8 bits per pixel, for OCR of rendered PDF pages. */
struct gray_image {
	int width, height, stride;
	guint8 *data; /* owned */
	int dpi;
};

/* The defaults: 25 MB per part, 100 MB unpacked, ratio 200, 30 pages,
   100 megapixels, 300 dpi. */
void doc_limits_default(struct doc_limits *l);
/* Release what a doc_text holds and zero it. */
void doc_text_clear(struct doc_text *d);
/* Set status and a printf cause. */
void doc_fail(struct doc_text *d, enum doc_status status, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Release a gray image; returns NULL. */
struct gray_image *gray_image_free(struct gray_image *g);

#endif
