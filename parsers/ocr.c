/* ocr.c - scans read with Leptonica and Tesseract; see ocr.h.  (Reader to come.) */
#include "ocr.h"

/* Load Tesseract once. */
gboolean
ocr_init(const struct ocr_opts *o, char **cause)
{
	*cause = g_strdup("OCR is not built yet");
	return FALSE;
}

/* Read an encoded image. */
void
ocr_image(const guint8 *data, gsize len, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	out->source = "ocr";
	doc_fail(out, DOC_UNSUPPORTED, "scanned images are not read yet");
}

/* Read rendered pages. */
void
ocr_pages(GPtrArray *pages, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	out->source = "ocr";
	doc_fail(out, DOC_UNSUPPORTED, "scanned PDF pages are not read yet");
}

/* Release Tesseract. */
void
ocr_end(void)
{
}
