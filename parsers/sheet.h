/*
 * sheet.h - the rows of XLSX and CSV files, as " | " lines.
 *
 * XLSX: libzip + libxml2 over xl/workbook.xml, xl/sharedStrings.xml and each
 * xl/worksheets/sheetN.xml, in sheet order; cells in column order (empty
 * cells kept as empty so columns line up), numbers written as people typed
 * them (905123456, not 9.05123456E8; integers without ".0"), dates in cells
 * with a date format as DD/MM/YYYY.  CSV: the delimiter (, ; tab) and the
 * charset (UTF-8 with or without BOM, UTF-16 with BOM, else windows-1258)
 * detected, quotes per RFC 4180.  A blank line separates sheets.  Limits as
 * in doc.h.  No I/O.
 */
#ifndef PHIEU_SHEET_H
#define PHIEU_SHEET_H

#include "doc.h"

/* Rows of an XLSX workbook (source "xlsx"). */
void sheet_xlsx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);
/* Rows of a CSV file (source "csv"). */
void sheet_csv(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);

#endif
