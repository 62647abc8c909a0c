/* export.c - XLSX and the report's chart; see export.h. */
#include "export.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_CELL_MAX 32767 /* characters an Excel cell holds */
#define CHART_W       800
#define CHART_H       480

/* A string cut to what a cell holds (a new string). */
static char *
cell_fit(const char *v)
{
	if (g_utf8_strlen(v, -1) <= XLSX_CELL_MAX)
		return g_strdup(v);
	return g_utf8_substring(v, 0, XLSX_CELL_MAX);
}

/* Write one string cell. */
static void
put(lxw_worksheet *ws, int row, int col, const char *v)
{
	char *fit = cell_fit(v != NULL ? v : "");

	worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, fit, NULL);
	g_free(fit);
}

/* The summary sheet: counts, times, totals. */
static void
summary_sheet(lxw_workbook *wb, const struct report *r)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "summary");
	const GPtrArray *groups[] = {r->by_type, r->by_unit, r->by_state};
	const char *names[] = {"type", "unit", "state"};
	int row = 0;

	put(ws, row, 0, "month");
	put(ws, row++, 1, r->month);
	put(ws, row, 0, "total");
	worksheet_write_number(ws, row++, 1, r->total, NULL);
	for (gsize g = 0; g < G_N_ELEMENTS(groups); g++) {
		row++;
		put(ws, row++, 0, names[g]);
		for (guint i = 0; i < groups[g]->len; i++) {
			const struct report_count *c = g_ptr_array_index(groups[g], i);
			put(ws, row, 0, c->key);
			worksheet_write_number(ws, row++, 1, c->n, NULL);
		}
	}
	row++;
	put(ws, row, 0, "type");
	put(ws, row, 1, "completed");
	put(ws, row, 2, "median");
	put(ws, row++, 3, "p90");
	for (guint i = 0; i < r->times->len; i++) {
		const struct report_time *t = g_ptr_array_index(r->times, i);
		put(ws, row, 0, t->type);
		worksheet_write_number(ws, row, 1, t->completed, NULL);
		worksheet_write_number(ws, row, 2, t->median, NULL);
		worksheet_write_number(ws, row++, 3, t->p90, NULL);
	}
	row++;
	put(ws, row, 0, "cost_total");
	worksheet_write_number(ws, row++, 1, (double)r->cost_total, NULL);
	put(ws, row, 0, "visitors");
	worksheet_write_number(ws, row++, 1, r->visitors, NULL);
}

/* Rows (and a summary) into an XLSX file. */
int
export_xlsx(JsonArray *rows, const struct report *r, const char *path, char **cause)
{
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	const char *const *cols = report_columns();
	guint n = rows != NULL ? json_array_get_length(rows) : 0;
	lxw_error err;

	if (wb == NULL) {
		*cause = g_strdup_printf("xlsx: cannot create %s", path);
		return -1;
	}
	ws = workbook_add_worksheet(wb, "requests");
	for (int c = 0; cols[c] != NULL; c++)
		put(ws, 0, c, cols[c]);
	for (guint i = 0; i < n; i++) {
		char **cells = report_cells(json_array_get_object_element(rows, i));
		for (int c = 0; cells[c] != NULL; c++)
			put(ws, (int)i + 1, c, cells[c]);
		g_strfreev(cells);
	}
	if (r != NULL)
		summary_sheet(wb, r);
	if ((err = workbook_close(wb)) != LXW_NO_ERROR) {
		*cause = g_strdup_printf("xlsx: %s: %s", path, lxw_strerror(err));
		return -1;
	}
	return 0;
}

/* Rows (and a summary) as the bytes of an XLSX file. */
GBytes *
export_xlsx_bytes(JsonArray *rows, const struct report *r, char **cause)
{
	GError *e = NULL;
	char *path = NULL, *data = NULL;
	gsize len = 0;
	int fd = g_file_open_tmp("phieu-XXXXXX.xlsx", &path, &e);

	if (fd < 0) {
		*cause = g_strdup_printf("xlsx: %s", e->message);
		g_error_free(e);
		return NULL;
	}
	close(fd);
	if (export_xlsx(rows, r, path, cause) != 0) {
		g_unlink(path);
		g_free(path);
		return NULL;
	}
	if (!g_file_get_contents(path, &data, &len, &e)) {
		*cause = g_strdup_printf("xlsx: %s", e->message);
		g_error_free(e);
		g_unlink(path);
		g_free(path);
		return NULL;
	}
	g_unlink(path);
	g_free(path);
	return g_bytes_new_take(data, len);
}

/* Collect what cairo writes. */
static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int len)
{
	g_byte_array_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* A bar chart of the requests per type as PNG bytes. */
GBytes *
export_chart_png(const struct report *r, const char *title, char **cause)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CHART_W, CHART_H);
	cairo_t *cr = cairo_create(s);
	GByteArray *out = g_byte_array_new();
	guint n = r->by_type->len;
	int most = 1;
	double left = 60, bottom = CHART_H - 60, top = 60, width = CHART_W - 100;
	double slot = n > 0 ? width / n : width;
	cairo_status_t st;

	for (guint i = 0; i < n; i++)
		most = MAX(most, ((struct report_count *)g_ptr_array_index(r->by_type, i))->n);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_font_size(cr, 20);
	cairo_move_to(cr, left, 35);
	cairo_show_text(cr, title);
	cairo_set_line_width(cr, 1);
	cairo_move_to(cr, left, top);
	cairo_line_to(cr, left, bottom);
	cairo_line_to(cr, left + width, bottom);
	cairo_stroke(cr);
	cairo_set_font_size(cr, 13);
	for (guint i = 0; i < n; i++) {
		const struct report_count *c = g_ptr_array_index(r->by_type, i);
		double h = (bottom - top - 20) * c->n / most;
		double x = left + slot * i + slot * 0.15;
		char num[16];
		cairo_set_source_rgb(cr, 0.16, 0.38, 0.67);
		cairo_rectangle(cr, x, bottom - h, slot * 0.7, h);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		g_snprintf(num, sizeof num, "%d", c->n);
		cairo_move_to(cr, x + slot * 0.3, bottom - h - 6);
		cairo_show_text(cr, num);
		cairo_move_to(cr, x, bottom + 20);
		cairo_show_text(cr, c->key);
	}
	cairo_destroy(cr);
	st = cairo_surface_write_to_png_stream(s, png_write, out);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		*cause = g_strdup_printf("png: %s", cairo_status_to_string(st));
		g_byte_array_free(out, TRUE);
		return NULL;
	}
	return g_byte_array_free_to_bytes(out);
}
