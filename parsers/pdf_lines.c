/* pdf_lines.c - glyphs to lines, words and cells, gutters confirmed by neighbours; see pdf_parts.h.
 */
#include "pdf.h"
#include "pdf_parts.h"

#include <math.h>
#include <string.h>

/* Release a line. */
static void
line_free(gpointer p)
{
	struct line *l = p;

	g_array_unref(l->order);
	if (l->words != NULL)
		g_array_unref(l->words);
	if (l->cells != NULL)
		g_ptr_array_free(l->cells, TRUE);
	if (l->cell_x != NULL)
		g_array_unref(l->cell_x);
	g_free(l);
}

/* Free a GString held in a pointer array. */
void
pdf_gstring_free(gpointer p)
{
	g_string_free(p, TRUE);
}

/* The glyph at a position of a line. */
struct glyph *
pdf_line_glyph(GArray *gs, const struct line *l, int pos)
{
	return &g_array_index(gs, struct glyph, g_array_index(l->order, int, pos));
}

/* Order glyphs by the centre of their box, top to bottom. */
static int
by_centre(gconstpointer a, gconstpointer b, gpointer data)
{
	GArray *gs = data;
	const struct glyph *ga = &g_array_index(gs, struct glyph, *(const int *)a);
	const struct glyph *gb = &g_array_index(gs, struct glyph, *(const int *)b);
	double ca = (ga->y1 + ga->y2) / 2, cb = (gb->y1 + gb->y2) / 2;

	return ca < cb ? -1 : ca > cb ? 1 : *(const int *)a - *(const int *)b;
}

/* Order glyphs left to right, poppler's order among equals. */
static int
by_x(gconstpointer a, gconstpointer b, gpointer data)
{
	GArray *gs = data;
	const struct glyph *ga = &g_array_index(gs, struct glyph, *(const int *)a);
	const struct glyph *gb = &g_array_index(gs, struct glyph, *(const int *)b);

	if (fabs(ga->x1 - gb->x1) > 0.01)
		return ga->x1 < gb->x1 ? -1 : 1;
	return *(const int *)a - *(const int *)b;
}

/* Group glyphs into lines by the centre of their boxes; lines top to bottom,
   glyphs left to right. */
GPtrArray *
pdf_page_lines(GArray *gs)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(line_free);
	GArray *idx = g_array_sized_new(FALSE, FALSE, sizeof(int), gs->len);
	struct line *cur = NULL;

	for (guint i = 0; i < gs->len; i++)
		g_array_append_val(idx, i);
	g_array_sort_with_data(idx, by_centre, gs);
	for (guint i = 0; i < idx->len; i++) {
		int k = g_array_index(idx, int, i);
		struct glyph *g = &g_array_index(gs, struct glyph, k);
		double yc = (g->y1 + g->y2) / 2, h = g->y2 - g->y1;
		if (cur == NULL || fabs(yc - cur->yc) > SAME_LINE * MIN(h, cur->h)) {
			cur = g_new0(struct line, 1);
			cur->order = g_array_new(FALSE, FALSE, sizeof(int));
			cur->top = g->y1;
			cur->bottom = g->y2;
			cur->h = h;
			cur->size = g->size;
			g_ptr_array_add(lines, cur);
		}
		g_array_append_val(cur->order, k);
		cur->n++;
		cur->yc += (yc - cur->yc) / cur->n;
		cur->top = MIN(cur->top, g->y1);
		cur->bottom = MAX(cur->bottom, g->y2);
		cur->h = MAX(cur->h, h);
		cur->size = MAX(cur->size, g->size);
	}
	g_array_unref(idx);
	for (guint i = 0; i < lines->len; i++) {
		struct line *l = lines->pdata[i];
		g_array_sort_with_data(l->order, by_x, gs);
	}
	return lines;
}

/* Whether a glyph's text is a run of leader dots ("....", "…"). */
static gboolean
glyph_is_leader(const struct glyph *g)
{
	return strcmp(g->s, ".") == 0 || strcmp(g->s, "…") == 0 || strcmp(g->s, "_") == 0;
}

/* Whether the glyphs from..to of a line end (or start) with a dotted leader. */
static gboolean
word_leader(GArray *gs, const struct line *l, const struct word *w, gboolean at_end)
{
	int n = 0;

	for (int k = 0; k < w->to - w->from && k < 3; k++) {
		int pos = at_end ? w->to - 1 - k : w->from + k;
		if (!glyph_is_leader(pdf_line_glyph(gs, l, pos)))
			break;
		n++;
	}
	return n >= 3 ||
	       (n >= 1 && strcmp(pdf_line_glyph(gs, l, at_end ? w->to - 1 : w->from)->s, "…") == 0);
}

/* Whether a word is (part of) a check box: ☐, ☑, "[x]", "[ ]". */
static gboolean
word_box(GArray *gs, const struct line *l, const struct word *w, gboolean at_end)
{
	const struct glyph *g = pdf_line_glyph(gs, l, at_end ? w->to - 1 : w->from);

	return g->box || strcmp(g->s, at_end ? "]" : "[") == 0 ||
	       (w->to - w->from == 1 && (strcmp(g->s, "[") == 0 || strcmp(g->s, "]") == 0));
}

/* Cut a line into words; drop glyphs drawn twice (fake bold) and fold a
   mark drawn over a box into a ticked box. */
void
pdf_line_words(GArray *gs, struct line *l)
{
	GArray *order = g_array_new(FALSE, FALSE, sizeof(int));
	struct glyph *prev = NULL;

	for (guint i = 0; i < l->order->len; i++) {
		int k = g_array_index(l->order, int, i);
		struct glyph *g = &g_array_index(gs, struct glyph, k);
		if (prev != NULL && strcmp(prev->s, g->s) == 0 &&
		    fabs(prev->x1 - g->x1) < 0.15 * g->size)
			continue;
		if (prev != NULL && prev->box && pdf_char_is_mark(g_utf8_get_char(g->s)) &&
		    (g->x1 + g->x2) / 2 < prev->x2 && (g->x1 + g->x2) / 2 > prev->x1) {
			prev->s[g_unichar_to_utf8(0x2611, prev->s)] = '\0';
			continue;
		}
		g_array_append_val(order, k);
		prev = g;
	}
	g_array_unref(l->order);
	l->order = order;

	l->words = g_array_new(FALSE, TRUE, sizeof(struct word));
	double right = -G_MAXDOUBLE;
	int prev_k = -1;
	for (guint i = 0; i < order->len; i++) {
		int k = g_array_index(order, int, i);
		struct glyph *g = &g_array_index(gs, struct glyph, k);
		double size = prev_k >= 0
		                  ? (g->size + g_array_index(gs, struct glyph, prev_k).size) / 2
		                  : g->size;
		double gap = g->x1 - right;
		gboolean stream_space = g->space && g->prev == prev_k && gap > -0.1 * size;
		if (i == 0 || gap > GAP_SPACE * size || stream_space) {
			struct word w = {0};
			w.from = (int)i;
			w.x1 = g->x1;
			w.x2 = g->x2;
			w.gap_lo = right;
			w.space = i > 0;
			w.can_sep = i > 0 && gap >= SEP_MEDIUM * size;
			w.sep = i > 0 && gap >= SEP_WIDE * size;
			g_array_append_val(l->words, w);
		}
		struct word *w = &g_array_index(l->words, struct word, l->words->len - 1);
		w->to = (int)i + 1;
		w->x2 = MAX(w->x2, g->x2);
		right = MAX(right, g->x2);
		prev_k = k;
	}
	/* gaps beside check boxes and leaders, even tabs, are how options and
	   the fields of a form line are spaced, not gutters */
	for (guint i = 1; i < l->words->len; i++) {
		struct word *w = &g_array_index(l->words, struct word, i), *v = w - 1;
		if (w->can_sep && (word_box(gs, l, v, TRUE) || word_box(gs, l, w, FALSE) ||
		                   word_leader(gs, l, v, TRUE) || word_leader(gs, l, w, FALSE)))
			w->can_sep = w->sep = FALSE;
	}
}

/* Whether a gap of line m, at word k, lines up with the gap lo..hi before
   word w of a line of font size size. */
static gboolean
gap_meets(const struct line *m, guint k, double lo, double hi, const struct word *w, double size)
{
	const struct word *v = &g_array_index(m->words, struct word, k);

	if (!v->can_sep && !v->sep)
		return FALSE;
	double a = MAX(lo, v->gap_lo), b = MIN(hi, v->x1);
	double shorter = MIN(hi - lo, v->x1 - v->gap_lo);
	return b - a >= MIN(0.5 * shorter, 0.4 * size) || fabs(v->x1 - w->x1) < 0.5 * size;
}

/* Whether a medium gap of line i has a gap at the same place on a line near
   it: the gutter of a table runs through several lines.  Lines are in order
   of height and words in order of x, so only near ones are looked at. */
gboolean
pdf_gap_confirmed(GPtrArray *lines, guint i, const struct word *w)
{
	const struct line *l = lines->pdata[i];
	double lo = w->gap_lo, hi = w->x1, slack = 0.5 * l->size;

	for (int dir = -1; dir <= 1; dir += 2) {
		for (int j = (int)i + dir; j >= 0 && j < (int)lines->len; j += dir) {
			const struct line *m = lines->pdata[j];
			double dy = fabs(m->yc - l->yc);
			if (dy > (NEAR_LINES + 1) * l->h)
				break;
			if (dy > NEAR_LINES * l->h)
				continue;
			/* the first word of m that ends its gap right of lo - slack */
			guint a = 1, b = m->words->len;
			while (a < b) {
				guint mid = (a + b) / 2;
				if (g_array_index(m->words, struct word, mid).x1 < lo - slack)
					a = mid + 1;
				else
					b = mid;
			}
			for (guint k = a;
			     k < m->words->len &&
			     g_array_index(m->words, struct word, k).gap_lo <= hi + slack;
			     k++)
				if (gap_meets(m, k, lo, hi, w, l->size))
					return TRUE;
		}
	}
	return FALSE;
}

/* Append a run of glyphs in one encoding to out, converted, and empty it. */
static void
flush_run(GString *out, GString *run, enum legacy_enc enc)
{
	if (enc != LEGACY_NONE) {
		char *u = legacy_convert(run->str, enc);
		g_string_append(out, u);
		g_free(u);
	} else {
		g_string_append(out, run->str);
	}
	g_string_truncate(run, 0);
}

/* Append the glyphs of a word to a string, converting legacy font runs. */
void
pdf_word_text(GArray *gs, const struct line *l, const struct word *w, GString *out)
{
	GString *run = g_string_new(NULL);
	enum legacy_enc enc = LEGACY_NONE;

	for (int pos = w->from; pos < w->to; pos++) {
		const struct glyph *g = pdf_line_glyph(gs, l, pos);
		if (g->enc != enc && run->len > 0)
			flush_run(out, run, enc);
		enc = g->enc;
		g_string_append(run, g->s);
	}
	flush_run(out, run, enc);
	g_string_free(run, TRUE);
}

/* Build the cells of a line from its words and boundaries. */
void
pdf_line_cells(GArray *gs, struct line *l)
{
	l->cells = g_ptr_array_new_with_free_func(pdf_gstring_free);
	l->cell_x = g_array_new(FALSE, FALSE, sizeof(double));
	GString *cell = NULL;

	for (guint i = 0; i < l->words->len; i++) {
		const struct word *w = &g_array_index(l->words, struct word, i);
		if (cell == NULL || w->sep) {
			cell = g_string_new(NULL);
			g_ptr_array_add(l->cells, cell);
			g_array_append_val(l->cell_x, w->x1);
		} else if (w->space) {
			g_string_append_c(cell, ' ');
		}
		pdf_word_text(gs, l, w, cell);
	}
}
