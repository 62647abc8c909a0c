/* sheet.c - XLSX and CSV rows; see sheet.h.  (Reader to come.) */
#include "sheet.h"

/* Rows of an XLSX workbook. */
void
sheet_xlsx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	out->source = "xlsx";
	doc_fail(out, DOC_UNSUPPORTED, "XLSX is not read yet");
}

/* Rows of a CSV file. */
void
sheet_csv(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	out->source = "csv";
	doc_fail(out, DOC_UNSUPPORTED, "CSV is not read yet");
}
