/*
 * export.h - requests as a spreadsheet (XLSX) and the monthly report's
 * chart (PNG).
 *
 * export_xlsx() writes the rows of store_report_rows() to path with
 * libxlsxwriter: a sheet "requests" with the columns of report_columns()
 * (every value a string cell, so nothing from mail is ever a formula;
 * longer than a cell holds, cut), and, given a report, a sheet "summary"
 * with its counts and times.  export_xlsx_bytes() does the same into
 * memory through a temporary file it removes.  export_chart_png() draws
 * with cairo a bar chart of the report's requests per type (labels: the
 * type keys, title given by the caller).  Errors: NULL or -1 with *cause.
 */
#ifndef PHIEU_EXPORT_H
#define PHIEU_EXPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "report.h"

int export_xlsx(JsonArray *rows, const struct report *r, const char *path, char **cause);
GBytes *export_xlsx_bytes(JsonArray *rows, const struct report *r, char **cause);
GBytes *export_chart_png(const struct report *r, const char *title, char **cause);

#endif
