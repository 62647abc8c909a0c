/* office.c - DOCX and ODT text; see office.h.  (Reader to come.) */
#include "office.h"

/* Text of a DOCX. */
void
office_docx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	out->source = "docx";
	doc_fail(out, DOC_UNSUPPORTED, "DOCX is not read yet");
}

/* Text of an ODT. */
void
office_odt(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	out->source = "odt";
	doc_fail(out, DOC_UNSUPPORTED, "ODT is not read yet");
}
