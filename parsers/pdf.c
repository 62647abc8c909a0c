/* pdf.c - PDF text and page images; see pdf.h.  (Reader to come.) */
#include "pdf.h"

/* Text of a PDF. */
void
pdf_text(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	out->source = "pdf_text";
	doc_fail(out, DOC_UNSUPPORTED, "PDF is not read yet");
}

/* Render pages as gray images. */
GPtrArray *
pdf_render(const guint8 *data, gsize len, const struct doc_limits *lim, const GArray *pages,
           char **cause)
{
	*cause = g_strdup("PDF pages are not rendered yet");
	return NULL;
}
