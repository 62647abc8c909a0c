/* pdf_rows.c - table rows whose cells wrap onto more lines joined back into one; see pdf_parts.h.
 */
#include "pdf.h"
#include "pdf_parts.h"

#include <string.h>

/* The column of a row a word at x1..x2 falls in, or -1 when it crosses a
   column boundary or lies before the row's first column boundary. */
static int
row_column(const struct line *row, double x1, double x2)
{
	double tol = 0.5 * row->size;
	int col = -1;

	for (guint k = 0; k < row->cell_x->len; k++)
		if (g_array_index(row->cell_x, double, k) - tol <= x1)
			col = (int)k;
	if (col < 0)
		col = 0;
	if ((guint)col + 1 < row->cell_x->len &&
	    x2 > g_array_index(row->cell_x, double, col + 1) + tol)
		return -1;
	return col;
}

/* Whether every cell of a line lies inside one column of the grid (a row of
   the table the grid line belongs to, or a part of one), columns in order. */
static gboolean
line_fits(const struct line *c, const struct line *grid)
{
	int last = -1;
	guint i = 0;

	for (guint k = 0; k < c->cells->len; k++) {
		double x1 = g_array_index(c->cell_x, double, k), x2 = x1;
		double next =
		    k + 1 < c->cells->len ? g_array_index(c->cell_x, double, k + 1) : G_MAXDOUBLE;
		/* the cell ends where its last word ends (words are in order) */
		for (; i < c->words->len; i++) {
			const struct word *w = &g_array_index(c->words, struct word, i);
			if (w->x1 >= next - 0.01)
				break;
			x2 = MAX(x2, w->x2);
		}
		int col = row_column(grid, x1, x2);
		if (col < 0 || col < last)
			return FALSE;
		last = col;
	}
	return TRUE;
}

/* Whether a line has text in the first column of the grid that may start a
   row: not a lower-case word (the wrapped rest of a first cell). */
static gboolean
line_starts_row(GArray *gs, const struct line *c, const struct line *grid)
{
	const struct word *w = &g_array_index(c->words, struct word, 0);
	gunichar first = g_utf8_get_char(pdf_line_glyph(gs, c, w->from)->s);

	if (row_column(grid, w->x1, w->x2) != 0)
		return FALSE;
	return !g_unichar_islower(first);
}

/* Whether a line starts with a lower-case letter: the rest of a sentence. */
static gboolean
line_lower(GArray *gs, const struct line *c)
{
	const struct word *w = &g_array_index(c->words, struct word, 0);

	return g_unichar_islower(g_utf8_get_char(pdf_line_glyph(gs, c, w->from)->s));
}

/* Whether a line holds a label ("Ghi chú:"): it never continues a row. */
static gboolean
line_has_label(GArray *gs, const struct line *c)
{
	for (guint k = 0; k < c->words->len; k++) {
		const struct word *w = &g_array_index(c->words, struct word, k);
		if (strcmp(pdf_line_glyph(gs, c, w->to - 1)->s, ":") == 0)
			return TRUE;
	}
	return FALSE;
}

/* In a table of vertically centred cells, the row a line belongs to: the
   nearest line that starts a row (is_start: text in the first column, not
   the lower-case rest of a wrapped cell), the upper one when two are as
   near; -1 when no line starts one.  Indices are relative to from. */
static int
row_anchor(GPtrArray *lines, guint from, guint to, guint k, const gboolean *is_start)
{
	const struct line *c = lines->pdata[k];
	int up = -1, down = -1;

	for (guint a = k + 1; a-- > from;)
		if (is_start[a - from]) {
			up = (int)a;
			break;
		}
	for (guint a = k + 1; a < to; a++)
		if (is_start[a - from]) {
			down = (int)a;
			break;
		}
	if (up < 0 || down < 0)
		return up >= 0 ? up : down;
	double du = c->yc - ((const struct line *)lines->pdata[up])->yc;
	double dd = ((const struct line *)lines->pdata[down])->yc - c->yc;
	return dd < du - 0.25 * c->h ? down : up;
}

/* Merge the lines of one table row (indices rows[0..n), top to bottom) into
   the first: each cell of the grid gets its words line by line. */
static void
row_merge(GArray *gs, GPtrArray *lines, const guint *rows, int n, const struct line *grid)
{
	guint ncols = grid->cell_x->len;
	GPtrArray *cells = g_ptr_array_new_with_free_func(pdf_gstring_free);
	GArray *cell_x = g_array_new(FALSE, FALSE, sizeof(double));

	for (guint k = 0; k < ncols; k++)
		g_ptr_array_add(cells, g_string_new(NULL));
	for (int r = 0; r < n; r++) {
		struct line *c = lines->pdata[rows[r]];
		for (guint k = 0; k < c->words->len; k++) {
			const struct word *w = &g_array_index(c->words, struct word, k);
			int col = row_column(grid, w->x1, w->x2);
			GString *cell = cells->pdata[col < 0 ? 0 : col];
			if (cell->len > 0)
				g_string_append_c(cell, ' ');
			pdf_word_text(gs, c, w, cell);
		}
		if (r > 0)
			c->joined = TRUE;
	}
	/* empty cells at the ends are left out, inner ones kept in place */
	guint lo = 0, hi = ncols;
	while (lo < hi && ((GString *)cells->pdata[lo])->len == 0)
		lo++;
	while (hi > lo && ((GString *)cells->pdata[hi - 1])->len == 0)
		hi--;
	struct line *first = lines->pdata[rows[0]];
	g_ptr_array_free(first->cells, TRUE);
	g_array_unref(first->cell_x);
	first->cells = g_ptr_array_new_with_free_func(pdf_gstring_free);
	first->cell_x = cell_x;
	for (guint k = lo; k < hi; k++) {
		g_ptr_array_add(first->cells, cells->pdata[k]);
		cells->pdata[k] = NULL;
		g_array_append_val(cell_x, g_array_index(grid->cell_x, double, k));
	}
	g_ptr_array_set_free_func(cells, NULL);
	for (guint k = 0; k < ncols; k++)
		if (cells->pdata[k] != NULL)
			g_string_free(cells->pdata[k], TRUE);
	g_ptr_array_free(cells, TRUE);
}

/*
 * Tables whose cells wrap onto more lines.  A table is a run of lines close
 * below each other whose cells each lie inside one column of its widest
 * line (the grid).  Its lines are grouped into rows, and the lines of a row
 * merged into one, each cell's words in reading order:
 *   - where some lines are half a line apart (cells centred vertically
 *     beside taller ones, their lines above and below the row's middle),
 *     each line belongs to the row of the nearest line with text in the
 *     first column;
 *   - else, where rows are farther apart than the lines of a cell (cell
 *     padding and borders) and no row starts right under the line above,
 *     those spaces separate the rows and nothing else does (a row whose
 *     first cell is empty is still a row);
 *   - else (no padding: rows are as close as the lines of a cell) a row
 *     starts at each line with text in the first column that is not the
 *     lower-case rest of a wrapped first cell, at a label and after one; in
 *     two columns (a letterhead, a signature block, label and value) only
 *     lower-case text continues the line above.
 * A wrapped line is so never merged into the row above when it belongs to
 * the next one, and a next row is never swallowed.  A run of one line, or
 * of lines that are all rows of their own, is left as it is.
 */
void
pdf_join_wrapped(GArray *gs, GPtrArray *lines)
{
	guint i = 0;

	while (i < lines->len) {
		struct line *first = lines->pdata[i];
		const struct line *grid = first;
		guint end = i + 1;

		if (first->cells->len < 2) {
			i++;
			continue;
		}
		for (; end < lines->len; end++) {
			const struct line *c = lines->pdata[end], *prev = lines->pdata[end - 1];
			if (c->top - prev->bottom > TABLE_GAP * first->h || !line_fits(c, grid))
				break;
			if (c->cells->len > grid->cells->len)
				grid = c;
		}
		if (end - i < 2) {
			i = end;
			continue;
		}
		/* merging rewrites the cells of a row's first line, which may be
		   the grid: its columns are kept apart */
		struct line cols = {0};
		cols.cell_x = g_array_copy(grid->cell_x);
		cols.size = grid->size;
		grid = &cols;
		/* how the rows lie: padding between them, or cells centred
		   vertically (lines half a line apart), or neither */
		double pitch = ROW_PITCH * first->size, half = HALF_PITCH * first->size;
		gboolean by_space = FALSE, close_start = FALSE, centred = FALSE;
		guint *rows = g_new(guint, end - i);
		gboolean *is_start = g_new(gboolean, end - i);
		int n = 0, anchor = -1;
		for (guint k = i; k < end; k++) {
			const struct line *c = lines->pdata[k],
			                  *prev = k > i ? lines->pdata[k - 1] : NULL;
			is_start[k - i] = line_starts_row(gs, c, grid);
			if (prev == NULL)
				continue;
			by_space = by_space || c->yc - prev->yc > pitch;
			/* a row that starts right under the one above: no padding */
			close_start = close_start || (is_start[k - i] && c->yc - prev->yc <= pitch);
			centred = centred || c->yc - prev->yc < half;
		}
		by_space = by_space && !close_start && !centred;
		for (guint k = i; k < end; k++) {
			const struct line *c = lines->pdata[k],
			                  *prev = k > i ? lines->pdata[k - 1] : NULL;
			gboolean starts;
			if (prev == NULL)
				starts = TRUE;
			else if (by_space)
				starts = c->yc - prev->yc > pitch;
			else if (centred)
				starts = row_anchor(lines, i, end, k, is_start) != anchor;
			else
				starts = line_starts_row(gs, c, grid) || line_has_label(gs, c) ||
				         line_has_label(gs, prev) ||
				         (grid->cell_x->len < 3 && !line_lower(gs, c));
			if (centred)
				anchor = row_anchor(lines, i, end, k, is_start);
			if (starts && n > 0) {
				if (n > 1)
					row_merge(gs, lines, rows, n, grid);
				n = 0;
			}
			rows[n++] = k;
		}
		if (n > 1)
			row_merge(gs, lines, rows, n, grid);
		g_free(rows);
		g_free(is_start);
		g_array_unref(cols.cell_x);
		i = end;
	}
}
