/* ocr_clean.c - a scanned page cleaned for reading; see ocr_parts.h. */
#include "ocr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "ocr_check.h"
#include "ocr_parts.h"
#include "text.h"

/* ---- image cleaning ---- */

/* Whether the pixel at x, y of a 1 bpp image is black. */
static inline int
bit_at(const l_uint32 *data, int wpl, int x, int y)
{
	return GET_DATA_BIT(data + (size_t)y * wpl, x);
}

/* Compare ints for qsort. */
int
ocr_int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Typical height of letters: the median height of letter-sized components. */
static int
letter_height(BOXA *comps, int dpi)
{
	double s = dpi / 300.0;
	GArray *h = g_array_new(FALSE, FALSE, sizeof(int));
	int n = boxaGetCount(comps), xh;

	for (int i = 0; i < n; i++) {
		int x, y, w, bh;
		boxaGetBoxGeometry(comps, i, &x, &y, &w, &bh);
		if (bh >= 12 * s && bh <= 80 * s && w >= 4 * s && w <= 80 * s)
			g_array_append_val(h, bh);
	}
	if (h->len < 20) {
		xh = (int)(28 * s);
	} else {
		qsort(h->data, h->len, sizeof(int), ocr_int_cmp);
		xh = g_array_index(h, int, h->len / 2);
	}
	g_array_free(h, TRUE);
	return xh;
}

/* The resolution of a page that does not say: from the height of its
   letters, about 32 pixels at 300 dpi on the forms (13 pt). */
static int
guess_dpi(PIX *g)
{
	PIX *b = pixThresholdToBinary(g, 160);
	BOXA *comps = b != NULL ? pixConnCompBB(b, 8) : NULL;
	int n = comps != NULL ? boxaGetCount(comps) : 0, dpi = 300;
	GArray *h = g_array_new(FALSE, FALSE, sizeof(int));

	for (int i = 0; i < n; i++) {
		int x, y, w, bh;
		boxaGetBoxGeometry(comps, i, &x, &y, &w, &bh);
		if (bh >= 6 && bh <= 400 && w >= 2 && w <= 400)
			g_array_append_val(h, bh);
	}
	if (h->len >= 20) {
		/* a first scale from the taller quarter (the many dots of leaders
		   and diacritics are not letters), then letter_height() at it */
		qsort(h->data, h->len, sizeof(int), ocr_int_cmp);
		int p75 = g_array_index(h, int, h->len * 3 / 4);
		int first = CLAMP(300 * p75 / 31, 72, 1200);
		dpi = CLAMP(300 * letter_height(comps, first) / 32, 72, 1200);
	}
	g_array_free(h, TRUE);
	boxaDestroy(&comps);
	pixDestroy(&b);
	return dpi;
}

/* A new piece of the page. */
static void
page_add(struct page *p, enum piece_kind kind, const char *text, int x0, int y0, int x1, int y1,
         double conf)
{
	struct piece it = {kind, g_strdup(text), x0, y0, x1, y1, y1, conf, -1};
	g_array_append_val(p->items, it);
}

/* A chain of dots under construction. */
struct chain {
	int x0, y0, x1, y1, n;
	double cy;
	int first, last; /* its first and last dot in the dot list */
};

/* A dot: its component and its left edge. */
struct dot {
	int x, comp;
};

/* Order dots left to right. */
static int
dot_cmp(const void *a, const void *b)
{
	return ((const struct dot *)a)->x - ((const struct dot *)b)->x;
}

/* The dots of a chain that make a leader: evenly spaced, as printed
   leaders are (specks in a row are not), without a full stop at either end
   (a space apart from the leader: "được. ......").  ks holds the chain's
   component indexes in order; returns how many of them from *start are the
   leader, 0 when none. */
static int
chain_leader(BOXA *comps, const int *ks, int n, int *start)
{
	int *gaps = g_new(int, (gsize)MAX(n, 1)), *sorted = g_new(int, (gsize)MAX(n, 1));
	int px1 = 0, odd = 0;

	for (int i = 0; i < n; i++) {
		int x, y, w, h;
		boxaGetBoxGeometry(comps, ks[i], &x, &y, &w, &h);
		if (i > 0)
			gaps[i - 1] = x - px1;
		px1 = x + w;
	}
	memcpy(sorted, gaps, sizeof(int) * (n - 1));
	qsort(sorted, n - 1, sizeof(int), ocr_int_cmp);
	int med = sorted[(n - 1) / 2], lo = 0, hi = n - 1; /* dots lo..hi */
	if (gaps[0] > 1.5 * med + 2)
		lo++;
	if (hi > lo && gaps[hi - 1] > 1.5 * med + 2)
		hi--;
	for (int i = lo; i < hi; i++)
		odd += gaps[i] < 0.4 * med - 1 || gaps[i] > 1.8 * med + 2;
	g_free(gaps);
	g_free(sorted);
	*start = lo;
	return hi - lo + 1 >= 4 && odd * 4 <= hi - lo ? hi - lo + 1 : 0;
}

/* Whether dot k (of nd, left to right) is the lower dot of a colon: a dot
   right above it.  (Before a leader, it is not one of its dots.) */
static gboolean
colon_dot(BOXA *comps, const struct dot *d, int nd, int k, int xh)
{
	int x, y, w, h;

	boxaGetBoxGeometry(comps, d[k].comp, &x, &y, &w, &h);
	for (int j = k - 1; j >= 0 && d[j].x >= x - xh; j--) {
		int x2, y2, w2, h2;
		boxaGetBoxGeometry(comps, d[j].comp, &x2, &y2, &w2, &h2);
		if (x2 + w2 > x && y2 + h2 <= y && y - (y2 + h2) < 0.7 * xh)
			return TRUE;
	}
	for (int j = k + 1; j < nd && d[j].x <= x + w; j++) {
		int x2, y2, w2, h2;
		boxaGetBoxGeometry(comps, d[j].comp, &x2, &y2, &w2, &h2);
		if (y2 + h2 <= y && y - (y2 + h2) < 0.7 * xh)
			return TRUE;
	}
	return FALSE;
}

/* Find dotted leaders (rows of small dots, the main source of OCR garbage),
   erase them from the image and note them as pieces of text. */
static void
leaders_strip(struct page *p, BOXA *comps)
{
	int n = boxaGetCount(comps), xh = p->xh, nd = 0;
	struct dot *d = g_new(struct dot, (gsize)MAX(n, 1));
	GArray *chains = g_array_new(FALSE, FALSE, sizeof(struct chain));
	GArray *active = g_array_new(FALSE, FALSE, sizeof(int)); /* chains still growing */

	for (int i = 0; i < n; i++) {
		int x, y, w, h;
		boxaGetBoxGeometry(comps, i, &x, &y, &w, &h);
		if (w <= 0.4 * xh && h <= 0.4 * xh && w >= 2 && h >= 2 && w <= 2.5 * h &&
		    h <= 2.5 * w)
			d[nd++] = (struct dot){x, i};
	}
	qsort(d, nd, sizeof *d, dot_cmp);
	int *next = g_new(int, (gsize)MAX(nd, 1));
	for (int k = 0; k < nd; k++) {
		int x, y, w, h, best = -1;
		boxaGetBoxGeometry(comps, d[k].comp, &x, &y, &w, &h);
		double cy = y + h / 2.0;
		next[k] = -1;
		if (colon_dot(comps, d, nd, k, xh))
			continue;
		/* the chain this dot continues: on its line, a gap of a dot or two */
		for (guint a = 0; a < active->len; a++) {
			int c = g_array_index(active, int, a);
			struct chain *ch = &g_array_index(chains, struct chain, c);
			if (x - ch->x1 > 0.8 * xh) { /* too far behind: done */
				g_array_remove_index_fast(active, a--);
				continue;
			}
			if (fabs(ch->cy - cy) <= 0.2 * xh && x >= ch->x1 - 1 &&
			    (best < 0 || ch->x1 > g_array_index(chains, struct chain, best).x1))
				best = c;
		}
		if (best >= 0) {
			struct chain *ch = &g_array_index(chains, struct chain, best);
			next[ch->last] = k;
			ch->last = k;
			ch->x1 = x + w;
			ch->y0 = MIN(ch->y0, y);
			ch->y1 = MAX(ch->y1, y + h);
			ch->cy = (ch->cy * ch->n + cy) / (ch->n + 1);
			ch->n++;
		} else {
			struct chain ch = {x, y, x + w, y + h, 1, cy, k, k};
			g_array_append_val(chains, ch);
			int c = (int)chains->len - 1;
			g_array_append_val(active, c);
		}
	}
	for (guint c = 0; c < chains->len; c++) {
		struct chain *ch = &g_array_index(chains, struct chain, c);
		if (ch->n < 4)
			continue;
		int *ks = g_new(int, ch->n), m = 0, start;
		for (int k = ch->first; k >= 0; k = next[k])
			ks[m++] = d[k].comp;
		int len = chain_leader(comps, ks, m, &start);
		int x0 = G_MAXINT, y0 = G_MAXINT, x1 = 0, y1 = 0;
		for (int i = start; i < start + len; i++) {
			int x, y, w, h;
			boxaGetBoxGeometry(comps, ks[i], &x, &y, &w, &h);
			x0 = MIN(x0, x), y0 = MIN(y0, y), x1 = MAX(x1, x + w), y1 = MAX(y1, y + h);
			BOX *b = boxaGetBox(comps, ks[i], L_CLONE);
			pixClearInRect(p->bin, b);
			boxDestroy(&b);
		}
		if (len > 0) {
			char *dotstr = g_strnfill(len, '.');
			page_add(p, P_LEADER, dotstr, x0, y0, x1, y1, -1);
			g_free(dotstr);
		}
		g_free(ks);
	}
	g_free(next);
	g_free(d);
	g_array_free(chains, TRUE);
	g_array_free(active, TRUE);
}

/* The longest run of black pixels in a row (dir 0) or column (dir 1) of a
   region. */
static int
longest_run(const l_uint32 *data, int wpl, int x0, int y0, int w, int h, int dir, int at)
{
	int best = 0, run = 0, len = dir == 0 ? w : h;

	for (int i = 0; i < len; i++) {
		int on = dir == 0 ? bit_at(data, wpl, x0 + i, at) : bit_at(data, wpl, at, y0 + i);
		run = on ? run + 1 : 0;
		best = MAX(best, run);
	}
	return best;
}

/* Share of black pixels in a rectangle. */
static double
ink(const l_uint32 *data, int wpl, int x0, int y0, int x1, int y1)
{
	long on = 0, all = 0;

	for (int y = y0; y <= y1; y++)
		for (int x = x0; x <= x1; x++, all++)
			on += bit_at(data, wpl, x, y);
	return all > 0 ? (double)on / all : 0;
}

/* Whether the component at x, y, w, h holds a square box: four bars, each
   black along most of its side.  *sq gets the square; *ticked whether
   something is drawn inside it, *conf how sure that is (ocr_check_tick()). */
static gboolean
box_in(struct page *p, PIX *img, int x, int y, int w, int h, int sq[4], gboolean *ticked,
       double *conf)
{
	l_uint32 *data = pixGetData(img);
	int wpl = pixGetWpl(img), min = (int)(0.5 * p->xh);
	int top = -1, bottom = -1, left = -1, right = -1;

	for (int r = 0; r < h; r++)
		if (longest_run(data, wpl, x, y, w, h, 0, y + r) >= min) {
			if (top < 0)
				top = r;
			bottom = r;
		}
	for (int c = 0; c < w; c++)
		if (longest_run(data, wpl, x, y, w, h, 1, x + c) >= min) {
			if (left < 0)
				left = c;
			right = c;
		}
	if (top < 0 || left < 0)
		return FALSE;
	/* a box's left and bottom bars are the component's edges (only a tick
	   goes past them, up and to the right, and a speck may touch them); a
	   thick "o" is round there */
	int sw = right - left + 1, sh = bottom - top + 1;
	long out_left = 0, out_below = 0;
	for (int r = top; r <= bottom; r++)
		for (int c = 0; c < left; c++)
			out_left += bit_at(data, wpl, x + c, y + r);
	for (int r = bottom + 1; r < h; r++)
		for (int c = left; c <= right; c++)
			out_below += bit_at(data, wpl, x + c, y + r);
	if (out_left > sh / 2 || out_below > sw / 2) /* more than a speck */
		return FALSE;
	/* (as tall as a capital: smaller squares are parts of letters) */
	if (sw < 0.8 * p->xh || sh < 0.8 * p->xh || abs(sw - sh) > 0.25 * MAX(sw, sh) ||
	    sw > 1.6 * p->xh)
		return FALSE;
	/* each side one unbroken bar along 85 % of its length, within its
	   first pixels (a bold "H" has serifs there, not a bar) */
	int t = MAX(2, sw / 10);
	int side[4] = {0};
	for (int k = 0; k < t; k++) {
		side[0] = MAX(side[0], longest_run(data, wpl, x + left, 0, sw, 0, 0, y + top + k));
		side[1] =
		    MAX(side[1], longest_run(data, wpl, x + left, 0, sw, 0, 0, y + bottom - k));
		side[2] = MAX(side[2], longest_run(data, wpl, 0, y + top, 0, sh, 1, x + left + k));
		side[3] = MAX(side[3], longest_run(data, wpl, 0, y + top, 0, sh, 1, x + right - k));
	}
	if (side[0] < 0.85 * sw || side[1] < 0.85 * sw || side[2] < 0.85 * sh ||
	    side[3] < 0.85 * sh)
		return FALSE;
	/* square corners: a letter's bowl ("P", "d", "o") is round there */
	int cx[2] = {x + left, x + right - t + 1}, cy[2] = {y + top, y + bottom - t + 1};
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++)
			if (ink(data, wpl, cx[a], cy[b], cx[a] + t - 1, cy[b] + t - 1) < 0.6)
				return FALSE;
	/* a box stands apart: no letter right before it (the "n" of
	   "phần" over a speck is no box) */
	int gap = MAX(3, (int)(0.3 * p->xh)), l0 = MAX(0, x + left - gap), l1 = x + left - 2;
	if (l1 > l0 && ink(data, wpl, l0, y + top + 2, l1, y + bottom - 2) > 0.12)
		return FALSE;
	sq[0] = x + left;
	sq[1] = y + top;
	sq[2] = x + right;
	sq[3] = y + bottom;
	int m = t + 2;
	*conf = ocr_check_tick(
	    sw > 2 * m + 2 ? ink(data, wpl, sq[0] + m, sq[1] + m, sq[2] - m, sq[3] - m) : 0,
	    ticked);
	return TRUE;
}

/* Find check boxes, drawn or printed as ☐/☑ glyphs (OCR reads them as
   "LI", "MỸ", "O"), erase them with what is inside and note them as ☐/☑. */
static void
boxes_strip(struct page *p, PIX *dark, BOXA *comps)
{
	int n = boxaGetCount(comps), xh = p->xh;
	GArray *found = g_array_new(FALSE, FALSE, sizeof(int) * 4);
	/* found in the darker binarisation, where a box's thin sides hold */
	BOXA *cands = pixConnCompBB(dark, 8);
	int nc = boxaGetCount(cands);

	for (int i = 0; i < nc; i++) {
		int x, y, w, h, sq[4];
		gboolean ticked;
		double conf;
		boxaGetBoxGeometry(cands, i, &x, &y, &w, &h);
		if (w < 0.5 * xh || h < 0.5 * xh || w > 2.2 * xh || h > 2.2 * xh)
			continue;
		if (!box_in(p, dark, x, y, w, h, sq, &ticked, &conf))
			continue;
		page_add(p, P_BOX, ticked ? "☑" : "☐", sq[0], sq[1], sq[2], sq[3], conf);
		int whole[4] = {x, y, x + w - 1, y + h - 1};
		g_array_append_vals(found, whole, 1);
	}
	/* erase each box with everything inside or touching it */
	for (guint k = 0; k < found->len; k++) {
		int *b = (int *)found->data + 4 * k;
		int side = b[3] - b[1] + 1, m = side / 4;
		for (int i = 0; i < n; i++) {
			int x, y, w, h;
			boxaGetBoxGeometry(comps, i, &x, &y, &w, &h);
			if (x <= b[2] + m && x + w - 1 >= b[0] - m && y <= b[3] + m &&
			    y + h - 1 >= b[1] - m && w <= 2 * side && h <= 2 * side) {
				BOX *bx = boxaGetBox(comps, i, L_CLONE);
				pixClearInRect(p->bin, bx);
				boxDestroy(&bx);
			}
		}
	}
	g_array_free(found, TRUE);
	boxaDestroy(&cands);
}

/* Remove specks: small components far from any letter.  (A dot near a
   letter is a diacritic, a full stop or a colon; the leaders are gone.) */
static void
specks_strip(struct page *p)
{
	int s = MAX(2, (int)(0.3 * p->xh)), r = MAX(3, (int)(0.6 * p->xh));
	PIX *big = pixSelectBySize(p->bin, s, s, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);

	if (big == NULL)
		return;
	PIX *near = pixDilateBrick(NULL, big, 2 * r + 1, 2 * r + 1);
	PIX *small = pixSubtract(NULL, p->bin, big);
	PIX *seed = pixAnd(NULL, small, near);
	PIX *kept = pixSeedfillBinary(NULL, seed, small, 8);
	pixOr(p->bin, big, kept);
	pixDestroy(&big);
	pixDestroy(&near);
	pixDestroy(&small);
	pixDestroy(&seed);
	pixDestroy(&kept);
}

/* Positions closer than gap merged into one (their mean). */
static GArray *
positions_merge(GArray *v, int gap)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(int));

	qsort(v->data, v->len, sizeof(int), ocr_int_cmp);
	for (guint i = 0; i < v->len;) {
		guint j = i;
		long sum = 0;
		while (j < v->len && g_array_index(v, int, j) - g_array_index(v, int, i) <= gap)
			sum += g_array_index(v, int, j++);
		int m = (int)(sum / (long)(j - i));
		g_array_append_val(out, m);
		i = j;
	}
	return out;
}

/* Free a table. */
void
ocr_table_free(gpointer data)
{
	struct table *t = data;

	g_array_free(t->rows, TRUE);
	g_array_free(t->cols, TRUE);
	g_free(t);
}

/* Find ruled tables (long vertical and horizontal rules meeting) in the
   darker binarisation of the page, and erase every long rule, underline
   and underscore leader from the one Tesseract reads. */
static void
rules_strip(struct page *p, PIX *dark)
{
	int xh = p->xh;
	/* a scanned rule is thin, light and ragged: look for long runs in the
	   darker binarisation with its gaps closed, and erase a little more
	   than the run found */
	PIX *c = pixCloseBrick(NULL, dark, 1, 3);
	PIX *hl = pixOpenBrick(NULL, c, 3 * xh, 1);
	pixCloseBrick(c, dark, 3, 1);
	PIX *vl = pixOpenBrick(NULL, c, 1, (int)(2.5 * xh));
	pixDestroy(&c);
	BOXA *hb = pixConnCompBB(hl, 8), *vb = pixConnCompBB(vl, 8);
	int nv = boxaGetCount(vb), nh = boxaGetCount(hb);
	gboolean *used = g_new0(gboolean, nv);

	/* vertical rules overlapping in height make one table */
	for (int i = 0; i < nv; i++) {
		int x, y, w, h;
		if (used[i])
			continue;
		boxaGetBoxGeometry(vb, i, &x, &y, &w, &h);
		struct table *t = g_new0(struct table, 1);
		GArray *cols = g_array_new(FALSE, FALSE, sizeof(int));
		t->x0 = x, t->y0 = y, t->x1 = x + w, t->y1 = y + h;
		for (int j = i; j < nv; j++) {
			int x2, y2, w2, h2;
			boxaGetBoxGeometry(vb, j, &x2, &y2, &w2, &h2);
			int ov = MIN(y + h, y2 + h2) - MAX(y, y2);
			if (used[j] || ov < 0.5 * MIN(h, h2))
				continue;
			used[j] = TRUE;
			int cx = x2 + w2 / 2;
			g_array_append_val(cols, cx);
			t->x0 = MIN(t->x0, x2);
			t->x1 = MAX(t->x1, x2 + w2);
			t->y0 = MIN(t->y0, y2);
			t->y1 = MAX(t->y1, y2 + h2);
		}
		GArray *rows = g_array_new(FALSE, FALSE, sizeof(int));
		for (int j = 0; j < nh; j++) {
			int x2, y2, w2, h2;
			boxaGetBoxGeometry(hb, j, &x2, &y2, &w2, &h2);
			int ov = MIN(t->x1, x2 + w2) - MAX(t->x0, x2);
			if (y2 + h2 >= t->y0 - xh / 2 && y2 <= t->y1 + xh / 2 &&
			    ov >= 0.5 * (t->x1 - t->x0)) {
				int cy = y2 + h2 / 2;
				g_array_append_val(rows, cy);
			}
		}
		t->cols = positions_merge(cols, xh / 2);
		t->rows = positions_merge(rows, xh / 2);
		g_array_free(cols, TRUE);
		g_array_free(rows, TRUE);
		if (t->cols->len >= 3 && t->rows->len >= 2)
			g_ptr_array_add(p->tables, t);
		else
			ocr_table_free(t);
	}
	g_free(used);
	PIX *grown = pixDilateBrick(NULL, hl, 1, 3);
	pixSubtract(p->bin, p->bin, grown);
	pixDestroy(&grown);
	grown = pixDilateBrick(NULL, vl, 3, 1);
	pixSubtract(p->bin, p->bin, grown);
	pixDestroy(&grown);
	boxaDestroy(&hb);
	boxaDestroy(&vb);
	pixDestroy(&hl);
	pixDestroy(&vl);
}

/* A page in gray (takes pix).  In a colour scan, red ink is paper: the
   units' stamps and many signatures are red and lie over the text. */
static PIX *
page_gray(PIX *pix)
{
	if (pixGetColormap(pix) != NULL) {
		PIX *t = pixRemoveColormap(pix, REMOVE_CMAP_BASED_ON_SRC);
		pixDestroy(&pix);
		if (t == NULL)
			return NULL;
		pix = t;
	}
	if (pixGetDepth(pix) != 32) {
		PIX *g = pixConvertTo8(pix, 0);
		pixDestroy(&pix);
		return g;
	}
	int w = pixGetWidth(pix), h = pixGetHeight(pix);
	PIX *g = pixCreate(w, h, 8);
	l_uint32 *src = pixGetData(pix), *dst = pixGetData(g);
	int swpl = pixGetWpl(pix), dwpl = pixGetWpl(g);
	for (int y = 0; y < h; y++) {
		l_uint32 *sl = src + (size_t)y * swpl, *dl = dst + (size_t)y * dwpl;
		for (int x = 0; x < w; x++) {
			l_int32 r, gr, b;
			extractRGBValues(sl[x], &r, &gr, &b);
			int v = (r * 77 + gr * 150 + b * 29) >> 8;
			if (r > gr + 60 && r > b + 60)
				v = 255 - (255 - r) / 2;
			SET_DATA_BYTE(dl, x, v);
		}
	}
	pixCopyResolution(g, pix);
	pixDestroy(&pix);
	return g;
}

/* The page turned upright when it lies on its side or upside down (text
   read from the letters' ascenders and descenders), or NULL when it is
   upright or nobody can tell. */
static PIX *
page_upright(PIX *g)
{
	/* at half the resolution: enough to tell, four times faster */
	PIX *half = pixScaleAreaMap2(g), *b = half != NULL ? pixThresholdToBinary(half, 160) : NULL;
	PIX *r = NULL;
	l_float32 up = 0, left = 0;
	l_int32 orient = L_TEXT_ORIENT_UNKNOWN;

	pixDestroy(&half);
	if (b == NULL)
		return NULL;
	if (pixOrientDetect(b, &up, &left, 0, 0) == 0 &&
	    makeOrientDecision(up, left, 0, 0, &orient, 0) == 0) {
		if (orient == L_TEXT_ORIENT_LEFT)
			r = pixRotate90(g, 1);
		else if (orient == L_TEXT_ORIENT_DOWN)
			r = pixRotate180(NULL, g);
		else if (orient == L_TEXT_ORIENT_RIGHT)
			r = pixRotate90(g, -1);
	}
	pixDestroy(&b);
	return r;
}

/* The page with its paper made even (takes g): light falling off across a
   phone photo or a photocopy puts the text of the dark part under any one
   threshold.  A page whose paper is evenly lit is left as it is. */
static PIX *
page_flatten(PIX *g)
{
	PIX *map = NULL, *t;
	l_int32 lo = 0, hi = 0;

	if (pixGetBackgroundGrayMap(g, NULL, 64, 64, 100, 50, &map) != 0 || map == NULL)
		return g;
	/* the paper's darkest and lightest parts, a tile of 64 pixels each */
	int ok = pixGetRangeValues(map, 1, L_SELECT_MIN, &lo, &hi);
	pixDestroy(&map);
	if (ok != 0 || hi - lo < FLAT_SPREAD)
		return g;
	t = pixBackgroundNorm(g, NULL, NULL, 64, 64, 100, 50, 230, 2, 1);
	if (t == NULL)
		return g;
	pixCopyResolution(t, g);
	pixDestroy(&g);
	return t;
}

/* Gray, upright, at a resolution Tesseract reads well (but not over
   max_pixels), binarised and cleaned: the page Tesseract will read.  Takes
   pix. */
gboolean
ocr_page_prepare(struct page *p, PIX *pix, int dpi, gint64 max_pixels)
{
	PIX *g = page_gray(pix), *t;

	if (g == NULL)
		return FALSE;
	if (dpi < 70 || dpi > 1200)
		dpi = guess_dpi(g);
	if (dpi < 250 || dpi > 450) {
		double f = 300.0 / dpi;
		double area = (double)pixGetWidth(g) * pixGetHeight(g);
		while (f > 1 && area * f * f > (double)max_pixels)
			f *= 0.95;
		t = f > 1 ? pixScaleGrayLI(g, (float)f, (float)f)
		          : pixScaleAreaMap(g, (float)f, (float)f);
		if (t != NULL) {
			pixDestroy(&g);
			g = t;
			dpi = (int)(dpi * f);
		}
	}
	g = page_flatten(g);
	t = page_upright(g);
	if (t != NULL) {
		pixDestroy(&g);
		g = t;
	}
	t = pixDeskew(g, 0);
	if (t != NULL) {
		pixDestroy(&g);
		g = t;
	}
	PIX *b = NULL, *th = NULL;
	l_uint32 thresh = 128;
	if (pixOtsuAdaptiveThreshold(g, pixGetWidth(g), pixGetHeight(g), 0, 0, 0.1, &th, &b) != 0 ||
	    b == NULL) {
		pixDestroy(&g);
		return FALSE;
	}
	pixGetPixel(th, 0, 0, &thresh);
	pixDestroy(&th);
	/* specks: components of a pixel or two */
	int sp = MAX(1, dpi / 150);
	t = pixSelectBySize(b, sp, sp, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GT, NULL);
	if (t != NULL) {
		pixDestroy(&b);
		b = t;
	}
	p->bin = b;
	p->dpi = dpi;
	BOXA *comps = pixConnCompBB(b, 8);
	p->xh = letter_height(comps, dpi);
	PIX *dark = pixThresholdToBinary(g, MIN((int)thresh + (255 - (int)thresh) / 2, 230));
	rules_strip(p, dark);
	boxaDestroy(&comps);
	comps = pixConnCompBB(p->bin, 8);
	boxes_strip(p, dark, comps);
	pixDestroy(&dark);
	leaders_strip(p, comps);
	boxaDestroy(&comps);
	specks_strip(p);
	pixSetResolution(p->bin, dpi, dpi);
	pixDestroy(&g);
	return TRUE;
}
