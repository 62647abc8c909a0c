/* ocr.c - scans read with Leptonica and Tesseract; see ocr.h. */
#include "ocr.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "text.h"

/* What a piece of a line is. */
enum piece_kind {
	P_WORD,   /* a word Tesseract read */
	P_LEADER, /* a dotted or underlined leader found in the image */
	P_BOX,    /* a check box found in the image */
};

/* One piece of text on the page, with its box in page pixels. */
struct piece {
	enum piece_kind kind;
	char *text;
	int x0, y0, x1, y1;
	int base;    /* baseline y */
	double conf; /* 0..100, or -1 when it does not count */
	int cell;    /* table cell index, or -1 */
};

/* A ruled table: its row and column rules. */
struct table {
	int x0, y0, x1, y1;
	GArray *rows; /* int: y of the horizontal rules, top to bottom */
	GArray *cols; /* int: x of the vertical rules, left to right */
};

/* One page being read. */
struct page {
	PIX *bin;      /* 1 bpp, cleaned: what Tesseract reads */
	int dpi;       /* of bin */
	int xh;        /* typical letter height in pixels */
	GArray *items; /* struct piece */
	GPtrArray *tables;
	const struct ocr_opts *o;
	gboolean ascii_ready; /* tess_ascii has the page */
};

/* the paper of a page lit evenly varies less than this (gray levels) */
#define FLAT_SPREAD 40
/* confidence taken off a word with diacritics (see word_conf) */
#define DIACRITIC_DOUBT 10

static TessBaseAPI *tess;       /* the first language: whole pages */
static TessBaseAPI *tess_ascii; /* the others: addresses and numbers again */
static char *tess_langs;

/* Run OpenMP parallel regions on one thread when the environment did not
   ask for it before the process started: libgomp reads OMP_THREAD_LIMIT
   when it is loaded, so only its API still works here. */
static void
omp_single_thread(void)
{
	void (*set_levels)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");

	if (set_levels != NULL)
		set_levels(0);
}

/* A Tesseract for langs, quiet; NULL when its data is missing. */
static TessBaseAPI *
tess_new(const char *datapath, const char *langs)
{
	TessBaseAPI *t = TessBaseAPICreate();

	if (TessBaseAPIInit3(t, datapath, langs) != 0) {
		TessBaseAPIDelete(t);
		return NULL;
	}
	TessBaseAPISetVariable(t, "debug_file", "/dev/null");
	return t;
}

/*
 * Load Tesseract once.  The page is read in the first language ("vie"):
 * read together with English, Tesseract takes Vietnamese words for English
 * ones without their diacritics ("Trung tam", "Da Nang").  Words that look
 * like addresses are read again with the other languages ("eng"), limited
 * to the characters of an address, where Vietnamese alone reads "gov" as
 * "øov".
 */
gboolean
ocr_init(const struct ocr_opts *o, char **cause)
{
	const char *langs = o != NULL && o->languages != NULL ? o->languages : "vie+eng";
	const char *datapath = o != NULL ? o->tessdata : NULL;

	if (tess != NULL && g_strcmp0(tess_langs, langs) == 0)
		return TRUE;
	ocr_end();
	if (g_getenv("OMP_THREAD_LIMIT") == NULL) {
		g_setenv("OMP_THREAD_LIMIT", "1", TRUE);
		omp_single_thread();
	}
	setMsgSeverity(L_SEVERITY_NONE);
	char **list = g_strsplit(langs, "+", -1);
	char *rest = list[0] != NULL && list[1] != NULL ? g_strjoinv("+", list + 1) : NULL;
	tess = list[0] != NULL ? tess_new(datapath, list[0]) : NULL;
	/* without the other languages, addresses are read again in the first */
	if (tess != NULL && rest != NULL)
		tess_ascii = tess_new(datapath, rest);
	if (tess != NULL && tess_ascii == NULL)
		tess_ascii = tess_new(datapath, list[0]);
	g_strfreev(list);
	g_free(rest);
	if (tess == NULL || tess_ascii == NULL) {
		*cause = g_strdup_printf("Tesseract cannot load the language data \"%s\"%s%s",
		                         langs, datapath != NULL ? " from " : "",
		                         datapath != NULL ? datapath : "");
		ocr_end();
		return FALSE;
	}
	tess_langs = g_strdup(langs);
	return TRUE;
}

/* Release Tesseract. */
void
ocr_end(void)
{
	TessBaseAPI **all[] = {&tess, &tess_ascii};

	for (guint i = 0; i < G_N_ELEMENTS(all); i++)
		if (*all[i] != NULL) {
			TessBaseAPIEnd(*all[i]);
			TessBaseAPIDelete(*all[i]);
			*all[i] = NULL;
		}
	g_free(tess_langs);
	tess_langs = NULL;
}

/* ---- image cleaning ---- */

/* Whether the pixel at x, y of a 1 bpp image is black. */
static inline int
bit_at(const l_uint32 *data, int wpl, int x, int y)
{
	return GET_DATA_BIT(data + (size_t)y * wpl, x);
}

/* Compare ints for qsort. */
static int
int_cmp(const void *a, const void *b)
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
		qsort(h->data, h->len, sizeof(int), int_cmp);
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
		qsort(h->data, h->len, sizeof(int), int_cmp);
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
	qsort(sorted, n - 1, sizeof(int), int_cmp);
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
   something is drawn inside it. */
static gboolean
box_in(struct page *p, PIX *img, int x, int y, int w, int h, int sq[4], gboolean *ticked)
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
	*ticked =
	    sw > 2 * m + 2 && ink(data, wpl, sq[0] + m, sq[1] + m, sq[2] - m, sq[3] - m) > 0.05;
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
		boxaGetBoxGeometry(cands, i, &x, &y, &w, &h);
		if (w < 0.5 * xh || h < 0.5 * xh || w > 2.2 * xh || h > 2.2 * xh)
			continue;
		if (!box_in(p, dark, x, y, w, h, sq, &ticked))
			continue;
		page_add(p, P_BOX, ticked ? "☑" : "☐", sq[0], sq[1], sq[2], sq[3], 95);
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

	qsort(v->data, v->len, sizeof(int), int_cmp);
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
static void
table_free(gpointer data)
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
			table_free(t);
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
static gboolean
page_prepare(struct page *p, PIX *pix, int dpi, gint64 max_pixels)
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

/* ---- reading ---- */

/* A word as read, tidied: NULL for specks read as marks ("'", "`", "_");
   a speck's mark before a word dropped; "|" (it separates table cells in
   phieu's text) a "1" alone, else an "l". */
static char *
word_tidy(const char *w)
{
	static const char junk[] = "'`\"_~^¬|•·‘’“”";

	while (*w != '\0' && strchr("'`\"~^", *w) != NULL && w[1] != '\0' &&
	       (g_unichar_isalnum(g_utf8_get_char(w + 1)) || (guchar)w[1] >= 0x80)) {
		/* (a quote that is closed later in the word is kept) */
		if (strchr(w + 1, *w) != NULL)
			break;
		w++;
	}
	gboolean only_junk = TRUE;
	for (const char *c = w; *c != '\0' && only_junk; c = g_utf8_next_char(c)) {
		char one[8] = {0};
		g_unichar_to_utf8(g_utf8_get_char(c), one);
		only_junk = strstr(junk, one) != NULL;
	}
	if (only_junk && strcmp(w, "|") != 0)
		return NULL;
	/* Vietnamese has no eth: "SĐÐT" is "SĐT" */
	GString *v = g_string_new(NULL);
	for (const char *c = w; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		u = u == 0xD0 ? 0x110 : u == 0xF0 && strchr(w, '@') == NULL ? 0x111 : u;
		if ((u == 0x110 || u == 0x111) && v->len > 0 &&
		    g_unichar_tolower(g_utf8_get_char(g_utf8_prev_char(v->str + v->len))) == 0x111)
			continue;
		g_string_append_unichar(v, u);
	}
	char *t = g_string_free(v, FALSE);
	if (strcmp(t, "|") == 0)
		*t = '1';
	for (char *c = t; *c != '\0'; c++)
		if (*c == '|')
			*c = 'l';
	return t;
}

/* Read a region of the cleaned page (all of it when w is 0) with the main
   reader into words. */
static gboolean
region_read(struct page *p, int x, int y, int w, int h, TessPageSegMode psm)
{
	if (w > 0)
		TessBaseAPISetRectangle(tess, x, y, w, h);
	TessBaseAPISetPageSegMode(tess, psm);
	if (TessBaseAPIRecognize(tess, NULL) != 0)
		return FALSE;
	TessResultIterator *ri = TessBaseAPIGetIterator(tess);
	if (ri == NULL)
		return TRUE;
	TessPageIterator *pi = TessResultIteratorGetPageIterator(ri);
	do {
		char *raw = TessResultIteratorGetUTF8Text(ri, RIL_WORD);
		char *t = raw != NULL ? word_tidy(raw) : NULL;
		int x0, y0, x1, y1, bx0, by0, bx1, by1;
		if (t != NULL && TessPageIteratorBoundingBox(pi, RIL_WORD, &x0, &y0, &x1, &y1)) {
			struct piece it = {
			    P_WORD, t,  x0, y0,
			    x1,     y1, y1, TessResultIteratorConfidence(ri, RIL_WORD),
			    -1};
			if (TessPageIteratorBaseline(pi, RIL_WORD, &bx0, &by0, &bx1, &by1))
				it.base = (by0 + by1) / 2;
			g_array_append_val(p->items, it);
		}
		TessDeleteText(raw);
	} while (TessResultIteratorNext(ri, RIL_WORD));
	TessResultIteratorDelete(ri);
	return TRUE;
}

/* Read the cleaned page: each table column by itself (read with the rest
   of the page, a table's wide gaps make Tesseract lose the spaces between
   words), then the page without its tables. */
static gboolean
page_read(struct page *p)
{
	TessBaseAPISetImage2(tess, p->bin);
	TessBaseAPISetSourceResolution(tess, p->dpi);
	for (guint k = 0; k < p->tables->len; k++) {
		struct table *t = g_ptr_array_index(p->tables, k);
		for (guint c = 0; c + 1 < t->cols->len; c++) {
			int x0 = g_array_index(t->cols, int, c),
			    x1 = g_array_index(t->cols, int, c + 1);
			if (!region_read(p, x0, t->y0, x1 - x0, t->y1 - t->y0, PSM_SINGLE_BLOCK))
				return FALSE;
		}
	}
	if (p->tables->len == 0)
		return region_read(p, 0, 0, 0, 0, PSM_SINGLE_BLOCK);
	/* the rest of the page: a copy without the tables (kept in bin for
	   reading addresses again) */
	PIX *rest = pixCopy(NULL, p->bin);
	for (guint k = 0; k < p->tables->len; k++) {
		struct table *t = g_ptr_array_index(p->tables, k);
		BOX *b = boxCreate(t->x0, t->y0, t->x1 - t->x0, t->y1 - t->y0);
		pixClearInRect(rest, b);
		boxDestroy(&b);
	}
	TessBaseAPISetImage2(tess, rest);
	TessBaseAPISetSourceResolution(tess, p->dpi);
	gboolean ok = region_read(p, 0, 0, 0, 0, PSM_SINGLE_BLOCK);
	pixDestroy(&rest);
	return ok;
}

/* ---- reading again, repairing what is known ---- */

/* Whether a word looks like an address: e-mail, web address, domain. */
static gboolean
looks_address(const char *w)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new(
		    "@|://|^www\\.|[a-zA-Z]{2,}\\.[^\\s.]{1,4}\\.|\\.(vn|com|net|org)\\b",
		    G_REGEX_CASELESS, 0, NULL);
	return g_regex_match(re, w, 0, NULL);
}

/* Whether most letters of s are capitals. */
static gboolean
mostly_upper(const char *s)
{
	int up = 0, low = 0;

	for (; *s != '\0'; s++)
		up += g_ascii_isupper(*s), low += g_ascii_islower(*s);
	return up > low;
}

/* Repair what is known in an address: "(@" for "@", the domain suffix
   ("danang.øov.vn"), the sender's own address.  Returns a new string. */
static char *
address_repair(const char *w, const struct ocr_opts *o)
{
	GString *s = g_string_new(w);
	char *at;

	/* "name(@host", "name(host.vn": "@" read as a parenthesis */
	at = strstr(s->str, "(@");
	if (at != NULL && strchr(at, ')') == NULL)
		g_string_erase(s, at - s->str, 1);
	if (strchr(s->str, '@') == NULL) {
		static const char *const ats[] = {"(", "ð", "©", "®", "Ð", "&"};
		for (guint i = 0; i < G_N_ELEMENTS(ats); i++) {
			at = strstr(s->str, ats[i]);
			gsize n = strlen(ats[i]);
			if (at != NULL && at > s->str && g_ascii_isalnum(at[-1]) &&
			    g_ascii_isalnum(at[n]) && strchr(at, ')') == NULL &&
			    strchr(at, '.') != NULL) {
				g_string_erase(s, at - s->str, n);
				g_string_insert_c(s, at - s->str, '@');
				break;
			}
		}
	}
	/* the domain: the first label from which the rest is nearly it */
	if (o != NULL && o->domain != NULL && *o->domain != '\0') {
		gsize dl = strlen(o->domain);
		for (gsize i = 0; i < s->len; i = g_utf8_next_char(s->str + i) - s->str) {
			if (i > 0 && s->str[i - 1] != '.' && s->str[i - 1] != '@' &&
			    s->str[i - 1] != '/')
				continue;
			/* the tail without trailing punctuation */
			gsize end = s->len;
			while (end > i && strchr(".,;:)", s->str[end - 1]) != NULL)
				end--;
			char *tail = g_strndup(s->str + i, end - i);
			glong tl = g_utf8_strlen(tail, -1);
			int d = text_distance(tail, o->domain, -1);
			if (d > 0 && d <= 2 && tl >= (glong)dl - 2) {
				char *dom = mostly_upper(tail) ? g_ascii_strup(o->domain, -1)
				                               : g_strdup(o->domain);
				g_string_erase(s, i, end - i);
				g_string_insert(s, i, dom);
				g_free(dom);
				g_free(tail);
				break;
			}
			g_free(tail);
			if (d == 0)
				break;
		}
	}
	/* a name from the sender's address, nearly ("skhen" in a web address
	   sent from vp.skhcn@…) */
	if (o != NULL && o->sender != NULL) {
		char **known = g_regex_split_simple("[.@]", o->sender, 0, 0);
		GString *fixed = g_string_new(NULL);
		const char *q = s->str;
		while (*q != '\0') {
			gsize n = strcspn(q, ".@/:");
			char *label = g_strndup(q, n);
			const char *use = label;
			for (int k = 0; known[k] != NULL && n >= 5; k++)
				if (strlen(known[k]) >= 5 &&
				    text_distance(label, known[k], -1) == 1 && !mostly_upper(label))
					use = known[k];
			g_string_append(fixed, use);
			g_free(label);
			q += n;
			if (*q != '\0')
				g_string_append_c(fixed, *q++);
		}
		g_string_assign(s, fixed->str);
		g_string_free(fixed, TRUE);
		g_strfreev(known);
	}
	/* the sender's own address, nearly */
	if (o != NULL && o->sender != NULL && strchr(s->str, '@') != NULL &&
	    strlen(o->sender) >= 6) {
		gsize end = s->len;
		while (end > 0 && strchr(".,;:)", s->str[end - 1]) != NULL)
			end--;
		char *addr = g_strndup(s->str, end);
		int d = text_distance(addr, o->sender, -1);
		if (d > 0 && d <= 2) {
			char *fix =
			    mostly_upper(addr) ? g_ascii_strup(o->sender, -1) : g_strdup(o->sender);
			g_string_erase(s, 0, end);
			g_string_insert(s, 0, fix);
			g_free(fix);
		}
		g_free(addr);
	}
	return g_string_free(s, FALSE);
}

/* Read a box of the page again with the second reader, limited to chars
   (NULL: any); NULL when nothing was read. */
static char *
reread(struct page *p, int x0, int y0, int x1, int y1, const char *chars, TessPageSegMode psm,
       double *conf)
{
	int m = p->xh / 4;

	if (!p->ascii_ready) {
		TessBaseAPISetImage2(tess_ascii, p->bin);
		TessBaseAPISetSourceResolution(tess_ascii, p->dpi);
		p->ascii_ready = TRUE;
	}
	TessBaseAPISetVariable(tess_ascii, "tessedit_char_whitelist", chars != NULL ? chars : "");
	TessBaseAPISetPageSegMode(tess_ascii, psm);
	x0 = MAX(0, x0 - m), y0 = MAX(0, y0 - m);
	x1 = MIN(pixGetWidth(p->bin), x1 + m), y1 = MIN(pixGetHeight(p->bin), y1 + m);
	TessBaseAPISetRectangle(tess_ascii, x0, y0, x1 - x0, y1 - y0);
	char *t = TessBaseAPIGetUTF8Text(tess_ascii);
	*conf = TessBaseAPIMeanTextConf(tess_ascii);
	char *out = t != NULL ? g_strstrip(g_strdup(t)) : NULL;
	TessDeleteText(t);
	if (out != NULL && *out == '\0') {
		g_free(out);
		out = NULL;
	}
	return out;
}

#define ADDRESS_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.-_:/"

/* Read addresses again in ASCII and repair what is known in them. */
static void
page_addresses(struct page *p)
{
	for (guint i = 0; i < p->items->len; i++) {
		struct piece *it = &g_array_index(p->items, struct piece, i);
		if (it->kind != P_WORD || !looks_address(it->text))
			continue;
		double c = 0;
		char *t =
		    reread(p, it->x0, it->y0, it->x1, it->y1, ADDRESS_CHARS, PSM_SINGLE_WORD, &c);
		/* taken when it has an "@" where the word had one, or is the word
		   with a letter or two changed */
		gboolean at = strchr(it->text, '@') != NULL || strchr(it->text, '(') != NULL;
		if (t != NULL && strchr(t, ' ') == NULL &&
		    (at == (strchr(t, '@') != NULL) ||
		     text_distance(t, it->text, -1) <= MAX(2, (int)strlen(t) / 8))) {
			/* read the same twice: the surer of the two */
			it->conf = strcmp(t, it->text) == 0 ? MAX(c, it->conf) : c;
			g_free(it->text);
			it->text = t;
		} else {
			g_free(t);
		}
		char *fixed = address_repair(it->text, p->o);
		g_free(it->text);
		it->text = fixed;
	}
}

/* ---- what is known ---- */

/* Vietnamese family names: the first word of a person's name. */
static const char *const surnames[] = {
    "Nguyễn", "Trần",  "Lê",  "Phạm", "Hoàng", "Huỳnh", "Phan",  "Vũ",   "Võ",     "Đặng",
    "Bùi",    "Đỗ",    "Hồ",  "Ngô",  "Dương", "Lý",    "Đinh",  "Đoàn", "Trương", "Châu",
    "Lương",  "Mai",   "Cao", "Hà",   "Tạ",    "Thái",  "Tô",    "Lâm",  "Phùng",  "Vương",
    "Trịnh",  "Đào",   "Tôn", "Kiều", "Quách", "Lưu",   "Triệu", "Thân", "Mạc",    "Nghiêm",
    "Diệp",   "Giang", "Hứa", "Từ",   "Tăng",  "Đàm",   "Khúc",  "Lại",  "Chu",    "Đồng",
};

/* Names printed on the forms of Đà Nẵng's units: places, units and
   departments, titles, words of company names.  OCR text with the same
   letters and other diacritics ("Liên Chiếu", "Cố phần", "Chuyền viên") is
   written as they are.  A row per name; only names of two words or more
   (one word alone has too many namesakes). */
static const char *const known_names[] = {
    /* places */
    "Đà Nẵng",
    "Hải Châu",
    "Thanh Khê",
    "Sơn Trà",
    "Ngũ Hành Sơn",
    "Liên Chiểu",
    "Cẩm Lệ",
    "Hòa Vang",
    "Hoàng Sa",
    "Trần Phú",
    "Quang Trung",
    "Bạch Đằng",
    "Lê Duẩn",
    "Nguyễn Văn Linh",
    "Trung tâm Hành chính",
    "Công viên Phần mềm",
    "Tòa nhà",
    /* units */
    "Ủy ban nhân dân",
    "Văn phòng",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Công Thương",
    "Sở Du lịch",
    "Sở Ngoại vụ",
    "Giáo dục và Đào tạo",
    "Giao thông vận tải",
    "Kế hoạch và Đầu tư",
    "Khoa học và Công nghệ",
    "Lao động - Thương binh và Xã hội",
    "Nông nghiệp và Phát triển nông thôn",
    "Tài nguyên và Môi trường",
    "Thông tin và Truyền thông",
    "Văn hóa và Thể thao",
    "Văn hóa và Thông tin",
    "Quản lý đô thị",
    "Tài chính - Kế hoạch",
    "Kinh tế",
    "Phòng Hành chính",
    "Quản lý chất lượng",
    "Trung tâm",
    "Phát triển Hạ tầng",
    /* titles */
    "Chuyên viên",
    "Văn thư",
    "Nhân viên",
    "Cán bộ",
    "Trưởng phòng",
    "Phó Trưởng phòng",
    "Giám đốc",
    "Phó Giám đốc",
    "Chánh Văn phòng",
    "Kế toán",
    "Kỹ thuật viên",
    "hợp đồng",
    /* companies */
    "Công ty",
    "Cổ phần",
    "Trách nhiệm hữu hạn",
    "Phần mềm",
    "Công nghệ",
    "Dịch vụ",
    "Dữ liệu",
    "Thiết kế",
    "Tư vấn",
    "Viễn thông",
};

/* Short labels as OCR misreads them (folded), and what they are: too
   short for fields_label_fuzzy() to guess. */
static const char *const label_misreads[][2] = {
    {"di", "ĐT"}, {"dl", "ĐT"}, {"d1", "ĐT"}, {"sdi", "SĐT"}, {"st", "SĐT"},
};

/* Folded labels whose value is a person's name. */
static const char *const name_labels[] = {
    "ho va ten",
    "ho ten",
    "nguoi lien he",
    "ho ten nguoi lien he",
    "ho va ten nguoi lien he",
    "can bo phu trach",
    "nguoi phu trach",
    "nguoi de nghi",
    "nguoi yeu cau",
    "nguoi dang ky",
    "can bo lien he",
    "ten nguoi lien he",
    "ho ten can bo",
    "ho va ten can bo",
};

/* Words that stand before a number in an address (folded, spelled). */
static const char *const numbered_words[][2] = {
    {"tang", "tầng"},
    {"phong", "phòng"},
    {"lau", "lầu"},
};

/* Folded labels whose value is a unit's name. */
static const char *const unit_labels[] = {
    "ten don vi",
    "don vi",
    "don vi yeu cau",
    "ten co quan",
    "co quan",
    "co quan/don vi",
    "co quan, don vi",
    "ten co quan/don vi",
    "ten co quan, don vi",
    "ten don vi yeu cau",
    "don vi de nghi",
    "don vi cong tac",
};

/* A word's letters without diacritics but with đ, lower case, and its
   marks in order: two words with the same of both differ only in where the
   tone mark sits ("hoà", "hòa"). */
static void
word_parts(const char *w, GString *base, GString *marks)
{
	char *lower = g_utf8_strdown(w, -1);
	char *nfd = g_utf8_normalize(lower, -1, G_NORMALIZE_NFD);

	for (const char *c = nfd; c != NULL && *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_ismark(u)) {
			/* keep them sorted: the order of marks is not the point */
			gsize i = 0;
			while (i < marks->len && g_utf8_get_char(marks->str + i) < u)
				i = g_utf8_next_char(marks->str + i) - marks->str;
			g_string_insert_unichar(marks, (gssize)i, u);
		} else {
			g_string_append_unichar(base, u);
		}
	}
	g_free(nfd);
	g_free(lower);
}

/* Whether two words are the same but for where the tone mark sits. */
static gboolean
same_word(const char *a, const char *b)
{
	GString *ba = g_string_new(NULL), *ma = g_string_new(NULL);
	GString *bb = g_string_new(NULL), *mb = g_string_new(NULL);

	word_parts(a, ba, ma);
	word_parts(b, bb, mb);
	gboolean same = g_string_equal(ba, bb) && g_string_equal(ma, mb);
	g_string_free(ba, TRUE);
	g_string_free(ma, TRUE);
	g_string_free(bb, TRUE);
	g_string_free(mb, TRUE);
	return same;
}

/* word written in the case of model (capitals, a capital first, small). */
static char *
case_like(const char *model, const char *word)
{
	char *up = g_utf8_strup(model, -1), *down = g_utf8_strdown(model, -1);
	char *out;

	if (strcmp(model, up) == 0 && strcmp(model, down) != 0) {
		out = g_utf8_strup(word, -1);
	} else if (g_unichar_isupper(g_utf8_get_char(model))) {
		char *rest = g_utf8_strdown(g_utf8_next_char(word), -1);
		char first[8] = {0};
		g_unichar_to_utf8(g_unichar_toupper(g_utf8_get_char(word)), first);
		out = g_strconcat(first, rest, NULL);
		g_free(rest);
	} else {
		out = g_utf8_strdown(word, -1);
	}
	g_free(up);
	g_free(down);
	return out;
}

/* The core of a token: without punctuation around it. */
static char *
token_core(const char *tok, gsize *lead, gsize *trail)
{
	gsize n = strlen(tok), a = 0, b = n;

	while (a < n && strchr("(\"'", tok[a]) != NULL)
		a++;
	while (b > a && strchr(",.;:)\"'", tok[b - 1]) != NULL)
		b--;
	*lead = a;
	*trail = n - b;
	return g_strndup(tok + a, b - a);
}

/* Replace the core of token i by word, in the case of the core it had. */
static void
token_set(char **toks, int i, const char *word)
{
	gsize lead, trail;
	char *core = token_core(toks[i], &lead, &trail);
	char *w = case_like(core, word);
	char *t =
	    g_strdup_printf("%.*s%s%s", (int)lead, toks[i], w, toks[i] + strlen(toks[i]) - trail);

	g_free(toks[i]);
	toks[i] = t;
	g_free(core);
	g_free(w);
}

/* The family name a word is with its diacritics misread, or NULL. */
static const char *
surname_of(const char *word)
{
	char *f = text_fold(word);
	const char *found = NULL;

	for (guint i = 0; i < G_N_ELEMENTS(surnames); i++) {
		char *g = text_fold(surnames[i]);
		if (same_word(word, surnames[i]))
			found = NULL, i = G_N_ELEMENTS(surnames); /* it is one */
		else if (strcmp(f, g) == 0 && found == NULL)
			found = surnames[i];
		g_free(g);
	}
	g_free(f);
	return found;
}

/* A speck read as a full stop between two words ("Tòa nhà.Công viên"):
   a lower-case Vietnamese word (it has diacritics, so it is no address
   nor abbreviation) before it, a capital after it; made a space. */
static void
token_speck_dot(char **tok)
{
	const char *dot = strchr(*tok, '.');

	if (dot == NULL || dot == *tok || strchr(*tok, '@') != NULL)
		return;
	gboolean viet = FALSE, lower = TRUE;
	for (const char *c = *tok; c < dot; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		viet = viet || u >= 0x80;
		lower = lower && g_unichar_islower(u);
	}
	gunichar next = g_utf8_get_char(dot + 1);
	if (!viet || !lower || !g_unichar_isupper(next))
		return;
	char *t = g_strdup_printf("%.*s %s", (int)(dot - *tok), *tok, dot + 1);
	g_free(*tok);
	*tok = t;
}

/* Write the known names in toks[from..to) as they are spelled, and the
   family name at toks[name] (when name >= 0). */
static void
tokens_known(char **toks, int from, int to, int name)
{
	if (name >= from && name < to) {
		gsize lead, trail;
		char *core = token_core(toks[name], &lead, &trail);
		const char *sn = surname_of(core);
		if (sn != NULL)
			token_set(toks, name, sn);
		g_free(core);
	}
	for (guint k = 0; k < G_N_ELEMENTS(known_names); k++) {
		char **words = g_strsplit(known_names[k], " ", -1);
		int m = (int)g_strv_length(words);
		for (int i = from; i + m <= to; i++) {
			gboolean fold_eq = TRUE, same = TRUE;
			for (int j = 0; j < m && fold_eq; j++) {
				gsize lead, trail;
				char *core = token_core(toks[i + j], &lead, &trail);
				/* punctuation only before the first and after the last */
				char *a = text_fold(core), *b = text_fold(words[j]);
				fold_eq = strcmp(a, b) == 0 && (lead == 0 || j == 0) &&
				          (trail == 0 || j == m - 1);
				same = same && same_word(core, words[j]);
				g_free(a);
				g_free(b);
				g_free(core);
			}
			if (fold_eq && !same)
				for (int j = 0; j < m; j++)
					token_set(toks, i + j, words[j]);
		}
		g_strfreev(words);
	}
}

/* Whether a label (numbering and bullets gone) is one of a list of folded
   labels, as it is or as fields_label_fuzzy() knows it. */
static gboolean
label_in(const char *label, const char *const *list, gsize n)
{
	const char *l = label;
	gboolean found = FALSE;

	while (*l != '\0' && strchr("-–•*+0123456789.) ", *l) != NULL)
		l++;
	char *f = text_fold(l);
	g_strstrip(f);
	for (gsize i = 0; i < n && !found; i++)
		found = strcmp(f, list[i]) == 0;
	if (!found && *f != '\0') {
		char *near = fields_label_fuzzy(l);
		for (gsize i = 0; near != NULL && i < n && !found; i++)
			found = strcmp(near, list[i]) == 0;
		g_free(near);
	}
	g_free(f);
	return found;
}

/* Whether a label names a person. */
static gboolean
name_label(const char *label)
{
	return label_in(label, name_labels, G_N_ELEMENTS(name_labels));
}

/* Correct a line (or a table cell, name: TRUE in a column of names) with
   what is known: names as they are spelled, the family name a person's
   name starts with, dashes read from specks at the end or after the
   label. */
static void
line_known(GString *line, gboolean name)
{
	char **toks = g_strsplit(line->str, " ", -1);
	int n = (int)g_strv_length(toks), label_end = -1, first = 0;

	for (int i = 0; i < n && label_end < 0; i++)
		if (g_str_has_suffix(toks[i], ":"))
			label_end = i;
	if (label_end >= 0) {
		char *label = g_strjoinv(" ", toks); /* up to the colon */
		char *colon = strchr(label, ':');
		*colon = '\0';
		name = name_label(label);
		g_free(label);
		first = label_end + 1;
	}
	/* the value's first word, after leaders */
	while (first < n &&
	       (*toks[first] == '\0' || strspn(toks[first], ".…") == strlen(toks[first])))
		first++;
	/* a name does not end in a colon or a comma: specks ("Nhung:") */
	int end = first;
	while (name && end < n &&
	       !(*toks[end] != '\0' && strspn(toks[end], ".…") == strlen(toks[end])))
		end++;
	if (name && end > first) {
		gsize len = strlen(toks[end - 1]);
		while (len > 1 && strchr(",:;'`", toks[end - 1][len - 1]) != NULL)
			toks[end - 1][--len] = '\0';
	}
	/* a dash alone after the label or at the end is a speck */
	for (int i = n - 1; i >= 0; i--)
		if ((i == n - 1 || (i == first && label_end >= 0)) &&
		    (strcmp(toks[i], "-") == 0 || strcmp(toks[i], "—") == 0 ||
		     strcmp(toks[i], "–") == 0)) {
			g_free(toks[i]);
			toks[i] = g_strdup("");
		}
	for (int i = 0; i < n; i++)
		token_speck_dot(&toks[i]);
	tokens_known(toks, 0, n, name ? first : -1);
	/* words of an address before its number, their tone misread ("tâng 12") */
	for (int i = 0; i + 1 < n; i++) {
		if (!g_ascii_isdigit(*toks[i + 1]))
			continue;
		char *f = text_fold(toks[i]);
		for (guint k = 0; k < G_N_ELEMENTS(numbered_words); k++)
			if (strcmp(f, numbered_words[k][0]) == 0 &&
			    !same_word(toks[i], numbered_words[k][1]))
				token_set(toks, i, numbered_words[k][1]);
		g_free(f);
	}
	/* the day, month and year of a date are digits: "ngày L7" */
	for (int i = 1; i < n; i++) {
		char *prev = text_fold(toks[i - 1]);
		if ((strcmp(prev, "ngay") == 0 || strcmp(prev, "thang") == 0 ||
		     strcmp(prev, "nam") == 0) &&
		    strlen(toks[i]) <= 4 && strpbrk(toks[i], "0123456789") != NULL)
			for (char *c = toks[i]; *c != '\0'; c++)
				*c = *c == 'O' || *c == 'o'                ? '0'
				     : *c == 'l' || *c == 'I' || *c == 'L' ? '1'
				     : *c == 'S'                           ? '5'
				     : *c == 'B'                           ? '8'
				                                           : *c;
		g_free(prev);
	}
	GString *out = g_string_new(NULL);
	for (int i = 0; i < n; i++)
		if (*toks[i] != '\0' || i == 0) {
			if (out->len > 0)
				g_string_append_c(out, ' ');
			g_string_append(out, toks[i]);
		}
	g_string_assign(line, out->str);
	g_string_free(out, TRUE);
	g_strfreev(toks);
}

/* Whether a token is a leader's dots. */
static gboolean
token_leader(const char *t)
{
	return *t != '\0' && strspn(t, ".…") == strlen(t);
}

/* Repair the value of a unit's line ("Tên đơn vị: UBND quận Liên Chiếu")
   towards the unit it is within a letter in ten (gazetteer_match(): the
   gazetteer and the configured units); specks read as punctuation at the
   end of a unit's name dropped.  Returns FALSE when the line holds a
   unit's name that is no known unit (its reading cannot be checked). */
static gboolean
line_unit(GString *line, const struct ocr_opts *o)
{
	char **toks = g_strsplit(line->str, " ", -1);
	int n = (int)g_strv_length(toks), label_end = -1, first, end;
	gboolean known = TRUE;

	for (int i = 0; i < n && label_end < 0 && i < 8; i++)
		if (g_str_has_suffix(toks[i], ":"))
			label_end = i;
	if (label_end < 0)
		goto out;
	char *label = g_strjoinv(" ", toks);
	*strchr(label, ':') = '\0';
	gboolean unit = label_in(label, unit_labels, G_N_ELEMENTS(unit_labels));
	g_free(label);
	if (!unit)
		goto out;
	for (first = label_end + 1;
	     first < n && (*toks[first] == '\0' || token_leader(toks[first]));)
		first++;
	for (end = first; end < n && !token_leader(toks[end]);)
		end++;
	if (end == first)
		goto out;
	/* "Thanh Khê:." */
	char *last = toks[end - 1];
	gsize len = strlen(last);
	while (len > 1 && strchr(".,:;'`", last[len - 1]) != NULL)
		last[--len] = '\0';
	char **vals = g_new0(char *, end - first + 1);
	for (int i = first; i < end; i++)
		vals[i - first] = toks[i];
	char *value = g_strjoinv(" ", vals);
	g_free(vals);
	int d = -1;
	const char *found = gazetteer_match(value, o != NULL ? o->units : NULL, &d);
	known = found != NULL;
	if (found != NULL && d > 0) {
		g_free(toks[first]);
		toks[first] = g_strdup(found);
		for (int i = first + 1; i < end; i++)
			*toks[i] = '\0';
	}
	g_free(value);
	GString *outl = g_string_new(NULL);
	for (int i = 0; i < n; i++)
		if (*toks[i] != '\0') {
			if (outl->len > 0)
				g_string_append_c(outl, ' ');
			g_string_append(outl, toks[i]);
		}
	g_string_assign(line, outl->str);
	g_string_free(outl, TRUE);
out:
	g_strfreev(toks);
	return known;
}

/* Whether a word of a name or a unit cannot be Vietnamese as read: letters
   and digits mixed ("Đ1"), or a word with diacritics that is no syllable
   ("Chiũu").  Words in plain ASCII (foreign names) and acronyms pass. */
static gboolean
word_garbled(const char *w)
{
	gboolean digit = FALSE, alpha = FALSE, viet = FALSE;
	GString *core = g_string_new(NULL);

	for (const char *c = w; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_isdigit(u))
			digit = TRUE;
		else if (g_unichar_isalpha(u) || g_unichar_ismark(u))
			alpha = TRUE, viet = viet || u >= 0x80, g_string_append_unichar(core, u);
	}
	/* an acronym: capitals without marks ("HĐND") */
	char *up = g_utf8_strup(core->str, -1),
	     *nfd = g_utf8_normalize(core->str, -1, G_NORMALIZE_NFD);
	gboolean acronym = strcmp(up, core->str) == 0 && nfd != NULL && strcmp(nfd, core->str) == 0;
	g_free(up);
	g_free(nfd);
	gboolean bad = (digit && alpha) || (viet && !acronym && !legacy_syllable(core->str));
	g_string_free(core, TRUE);
	return bad;
}

/* Whether the value of a line naming a person, or a unit that is not a
   known one (known: line_unit()'s answer), holds a garbled word: such a
   line is not to be trusted whatever Tesseract's confidence. */
static gboolean
line_garbled(const char *line, gboolean known_unit)
{
	const char *colon = strchr(line, ':');
	gboolean bad = FALSE;

	if (colon == NULL || colon - line > 80)
		return FALSE;
	char *label = g_strndup(line, (gsize)(colon - line));
	gboolean name = name_label(label),
	         unit = !known_unit && label_in(label, unit_labels, G_N_ELEMENTS(unit_labels));
	g_free(label);
	if (!name && !unit)
		return FALSE;
	char **toks = g_strsplit(colon + 1, " ", -1);
	/* the value: up to the first leader after it */
	gboolean seen = FALSE;
	for (int i = 0; toks[i] != NULL && !bad; i++) {
		if (token_leader(toks[i])) {
			if (seen)
				break;
			continue;
		}
		if (*toks[i] == '\0')
			continue;
		seen = TRUE;
		bad = word_garbled(toks[i]);
	}
	g_strfreev(toks);
	return bad;
}

/* ---- lines ---- */

/* Order pieces by baseline. */
static int
piece_by_base(const void *a, const void *b)
{
	const struct piece *p = a, *q = b;

	return p->base != q->base ? p->base - q->base : p->x0 - q->x0;
}

/* Order pieces left to right. */
static int
piece_by_x(const void *a, const void *b)
{
	const struct piece *const *p = a, *const *q = b;

	return (*p)->x0 - (*q)->x0;
}

/* A row of pieces about to become a line of text. */
struct row {
	GPtrArray *pieces; /* struct piece*, not owned */
	int base, top, bottom;
	int table; /* index in tables when a table row, else -1 */
	int trow;  /* the table's row */
};

/* Tidy the numbering OCR mangles at the start of a form's line: "5:" and
   "6G." for "5." and "6.", "4.SĐT" for "4. SĐT", a speck before "2.". */
static void
line_tidy(GString *line)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new("^(?:[-'`.,_~\"]\\s?)?(\\d{1,2})(?:[A-Za-z]?\\.|[:;])\\s*(?=\\pL)",
		                 0, 0, NULL);
	char *fixed = g_regex_replace(re, line->str, -1, 0, "\\1. ", 0, NULL);
	if (fixed != NULL)
		g_string_assign(line, fixed);
	g_free(fixed);
	/* specks before the bullet or the first word: "_- IP", ".-Đà Nẵng" */
	static GRegex *junk;
	if (junk == NULL)
		junk = g_regex_new("^[_~`'\".,¬]+\\s*(?=[-–•]\\s)|^[_~`'\".,¬\\-–—]+(?=\\pL)", 0, 0,
		                   NULL);
	fixed = g_regex_replace(junk, line->str, -1, 0, "", 0, NULL);
	if (fixed != NULL)
		g_string_assign(line, fixed);
	g_free(fixed);
	/* "5, Thời gian:" when a known label follows the comma */
	static GRegex *comma;
	GMatchInfo *mi = NULL;
	if (comma == NULL)
		comma = g_regex_new("^(\\d{1,2}), ([^:]{2,40}):", 0, 0, NULL);
	if (g_regex_match(comma, line->str, 0, &mi)) {
		char *label = g_match_info_fetch(mi, 2), *near = fields_label_fuzzy(label);
		char *num = g_match_info_fetch(mi, 1);
		if (near != NULL)
			line->str[strlen(num)] = '.';
		g_free(label);
		g_free(near);
		g_free(num);
	}
	g_match_info_free(mi);
	/* short labels fields.c cannot guess: "ĐI:" */
	static GRegex *shortl;
	if (shortl == NULL)
		shortl = g_regex_new("^((?:[-–•]|\\d{1,2}\\.)\\s*)?(\\S{1,3}):", 0, 0, NULL);
	if (g_regex_match(shortl, line->str, 0, &mi)) {
		int a, b;
		char *label = g_match_info_fetch(mi, 2), *f = text_fold(label);
		g_match_info_fetch_pos(mi, 2, &a, &b);
		for (guint i = 0; i < G_N_ELEMENTS(label_misreads); i++)
			if (strcmp(f, label_misreads[i][0]) == 0) {
				g_string_erase(line, a, b - a);
				g_string_insert(line, a, label_misreads[i][1]);
				break;
			}
		g_free(label);
		g_free(f);
	}
	g_match_info_free(mi);
}

/* Whether the words from i on start a "Label:" (a colon within a dozen
   words, before any leader). */
static gboolean
label_ahead(GPtrArray *pcs, guint i)
{
	for (guint k = i; k < pcs->len && k < i + 12; k++) {
		struct piece *it = g_ptr_array_index(pcs, k);
		if (it->kind != P_WORD)
			return FALSE;
		if (g_str_has_suffix(it->text, ":"))
			return TRUE;
	}
	return FALSE;
}

/* How far a word's reading can be trusted: Tesseract's confidence, less
   for a word with tone marks or other diacritics, whose misreadings
   ("Hiên" for "Hiền", "Biến" for "Biển") are still valid Vietnamese and so
   slip past every later check. */
static double
word_conf(const struct piece *it)
{
	const char *at = strchr(it->text, '@');

	/* an address of one letter before the "@" lost the rest ("1@gmail.com") */
	if (at != NULL && at - it->text <= 1)
		return 0;
	/* a phone number of a length no Vietnamese number has: a mobile (03,
	   05, 07, 08, 09) has 10 digits, a landline (02) 11 */
	char digits[16];
	gsize nd = 0;
	const char *d = it->text;
	for (; *d != '\0' && nd < sizeof digits - 1 && strchr("0123456789.-", *d) != NULL; d++)
		if (g_ascii_isdigit(*d))
			digits[nd++] = *d;
	if (*d == '\0' && nd >= 10 && nd <= 12 && digits[0] == '0' &&
	    (digits[1] == '2' ? nd != 11 : digits[1] >= '3' && nd != 10))
		return 0;
	for (const char *c = it->text; *c != '\0'; c++)
		if ((guchar)*c >= 0x80)
			return it->conf - DIACRITIC_DOUBT;
	return it->conf;
}

/* Write one row of pieces (sorted left to right) as a line; returns its
   confidence. */
static double
row_text(struct page *p, GPtrArray *pcs, GString *out)
{
	double conf = 100, vconf = 100;
	gboolean label = FALSE, any = FALSE;

	g_ptr_array_sort(pcs, piece_by_x);
	/* a dash against a leader is a leader's dots read as one */
	for (guint i = 0; i < pcs->len; i++) {
		struct piece *it = g_ptr_array_index(pcs, i);
		struct piece *l = i > 0 ? g_ptr_array_index(pcs, i - 1) : NULL;
		struct piece *r = i + 1 < pcs->len ? g_ptr_array_index(pcs, i + 1) : NULL;
		if (it->kind == P_WORD &&
		    strspn(it->text, "-_~") + (g_str_has_prefix(it->text, "—") ? 3 : 0) ==
		        strlen(it->text) &&
		    ((l != NULL && l->kind == P_LEADER && it->x0 - l->x1 < 0.5 * p->xh) ||
		     (r != NULL && r->kind == P_LEADER && r->x0 - it->x1 < 0.5 * p->xh)))
			g_ptr_array_remove_index(pcs, i--);
	}
	/* a doubtful mark after the last leader is a speck ("......1") */
	if (pcs->len >= 2) {
		struct piece *last = g_ptr_array_index(pcs, pcs->len - 1);
		struct piece *before = g_ptr_array_index(pcs, pcs->len - 2);
		if (last->kind == P_WORD && before->kind == P_LEADER &&
		    g_utf8_strlen(last->text, -1) == 1 && last->conf < 60)
			g_ptr_array_remove_index(pcs, pcs->len - 1);
	}
	/* so is a lone mark after a leader and before another leader or label
	   ("214 ........ 1  Địa chỉ email:") */
	for (guint i = 1; i + 1 < pcs->len; i++) {
		struct piece *it = g_ptr_array_index(pcs, i);
		if (it->kind == P_WORD && g_utf8_strlen(it->text, -1) == 1 && it->conf < 75 &&
		    ((struct piece *)g_ptr_array_index(pcs, i - 1))->kind == P_LEADER &&
		    (((struct piece *)g_ptr_array_index(pcs, i + 1))->kind == P_LEADER ||
		     label_ahead(pcs, i + 1)))
			g_ptr_array_remove_index(pcs, i--);
	}
	/* the confidence of a line is that of its values, not its labels: a
	   label may be misread and still be known ("E-manl:") */
	label = label_ahead(pcs, 0);
	/* (the options beside check boxes are matched loosely: not doubted) */
	gboolean boxes = FALSE;
	for (guint i = 0; i < pcs->len; i++)
		boxes = boxes || ((struct piece *)g_ptr_array_index(pcs, i))->kind == P_BOX;
	for (guint i = 0; i < pcs->len; i++) {
		struct piece *it = g_ptr_array_index(pcs, i);
		if (i > 0) {
			struct piece *prev = g_ptr_array_index(pcs, i - 1);
			/* a leader touching the word before it ("20.....") is written
			   against it */
			if (!(it->kind == P_LEADER && prev->kind == P_WORD &&
			      it->x0 - prev->x1 < 0.3 * p->xh))
				g_string_append_c(out, ' ');
			/* a wide gap before another label ("0988.811254      Địa chỉ
			   email:") is a leader nobody printed: fields.c splits there */
			if (it->kind != P_LEADER && prev->kind != P_LEADER &&
			    it->x0 - prev->x1 > 3 * p->xh && label_ahead(pcs, i)) {
				g_string_append(out, ".... ");
				label = TRUE;
			}
		}
		g_string_append(out, it->text);
		if (it->kind == P_LEADER && label_ahead(pcs, i + 1))
			label = TRUE;
		if (it->conf >= 0) {
			conf = MIN(conf, it->conf);
			if (!label)
				vconf = MIN(vconf, boxes ? it->conf : word_conf(it)), any = TRUE;
		}
		if (it->kind == P_WORD && label && g_str_has_suffix(it->text, ":"))
			label = FALSE;
	}
	return any ? vconf : conf;
}

/* Index of the rule interval of v holding pos, or -1. */
static int
interval_of(GArray *v, int pos)
{
	for (guint i = 0; i + 1 < v->len; i++)
		if (pos >= g_array_index(v, int, i) && pos < g_array_index(v, int, i + 1))
			return (int)i;
	return -1;
}

/* Whether a table's first header cell is that of row numbers ("STT",
   read "SIT", "TT", "Số TT"). */
static gboolean
row_number_header(const char *cell)
{
	char *f = text_fold(cell);
	gboolean yes = strlen(f) <= 8 && (strstr(f, "tt") != NULL || strstr(f, "it") != NULL ||
	                                  strcmp(f, "so") == 0 || strcmp(f, "no") == 0);

	g_free(f);
	return yes;
}

/* Write the rows of a table: one line per row, " | " between cells, a
   cell's own lines joined by spaces. */
static void
table_text(struct page *p, struct table *t, GPtrArray *cells_pieces, GString *out, GArray *conf)
{
	int nr = (int)t->rows->len - 1, nc = (int)t->cols->len - 1;

	int name_col = -1;
	gboolean numbered = FALSE;

	for (int r = 0; r < nr; r++) {
		double rc = 100;
		gboolean any = FALSE;
		GString *line = g_string_new(NULL);
		for (int c = 0; c < nc; c++) {
			GPtrArray *cp = g_ptr_array_index(cells_pieces, r * nc + c);
			GString *cell = g_string_new(NULL);
			if (c > 0)
				g_string_append(line, " | ");
			/* the cell's lines top to bottom, each left to right */
			g_ptr_array_sort(cp, piece_by_x);
			GArray *lines = g_array_new(FALSE, FALSE, sizeof(int));
			for (guint i = 0; i < cp->len; i++) {
				struct piece *it = g_ptr_array_index(cp, i);
				gboolean seen = FALSE;
				for (guint k = 0; k < lines->len; k++)
					if (abs(g_array_index(lines, int, k) - it->base) <
					    p->xh / 2)
						seen = TRUE;
				if (!seen)
					g_array_append_val(lines, it->base);
			}
			qsort(lines->data, lines->len, sizeof(int), int_cmp);
			for (guint k = 0; k < lines->len; k++)
				for (guint i = 0; i < cp->len; i++) {
					struct piece *it = g_ptr_array_index(cp, i);
					if (abs(g_array_index(lines, int, k) - it->base) >=
					    p->xh / 2)
						continue;
					if (cell->len > 0)
						g_string_append_c(cell, ' ');
					g_string_append(cell, it->text);
					/* (a row's number in the first column is no value) */
					if (it->conf >= 0 && !(c == 0 && strlen(it->text) <= 3 &&
					                       g_ascii_isdigit(*it->text)))
						rc = MIN(rc, word_conf(it)), any = TRUE;
					it->base = -1000000; /* written */
				}
			g_array_free(lines, TRUE);
			any = any || cp->len > 0;
			/* the column of names, by its header */
			if (r == 0 && name_col < 0 && name_label(cell->str))
				name_col = c;
			/* a row's number lost in the first column would shift the
			   cells (an empty first cell is dropped): it is the row's */
			if (r == 0 && c == 0)
				numbered = row_number_header(cell->str);
			if (r > 0 && c == 0 && cell->len == 0 && numbered)
				g_string_printf(cell, "%d", r);
			if (r > 0)
				line_known(cell, c == name_col);
			g_string_append(line, cell->str);
			g_string_free(cell, TRUE);
		}
		if (any) {
			g_string_append(out, line->str);
			g_string_append_c(out, '\n');
			g_array_append_val(conf, rc);
		}
		g_string_free(line, TRUE);
	}
}

/* Whether a row holds leaders only. */
static gboolean
only_leaders(GPtrArray *row)
{
	for (guint i = 0; i < row->len; i++)
		if (((struct piece *)g_ptr_array_index(row, i))->kind != P_LEADER)
			return FALSE;
	return TRUE;
}

/* Put the page's pieces into lines of text, top to bottom, with a
   confidence per line. */
static void
page_text(struct page *p, GString *out, GArray *conf)
{
	GArray *it = p->items;
	int nt = (int)p->tables->len;
	GPtrArray **cells = g_new0(GPtrArray *, nt);

	/* pieces inside a table go to its cells */
	for (int k = 0; k < nt; k++) {
		struct table *t = g_ptr_array_index(p->tables, k);
		int n = ((int)t->rows->len - 1) * ((int)t->cols->len - 1);
		cells[k] = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
		for (int i = 0; i < n; i++)
			g_ptr_array_add(cells[k], g_ptr_array_new());
	}
	g_array_sort(it, piece_by_base);
	for (guint i = 0; i < it->len; i++) {
		struct piece *pc = &g_array_index(it, struct piece, i);
		int cx = (pc->x0 + pc->x1) / 2, cy = (pc->y0 + pc->y1) / 2;
		for (int k = 0; k < nt; k++) {
			struct table *t = g_ptr_array_index(p->tables, k);
			int r = interval_of(t->rows, cy), c = interval_of(t->cols, cx);
			if (r >= 0 && c >= 0) {
				int nc = (int)t->cols->len - 1;
				g_ptr_array_add(g_ptr_array_index(cells[k], r * nc + c), pc);
				pc->cell = k;
				break;
			}
		}
	}
	/* the other pieces in rows by baseline; tables where they stand */
	GPtrArray *row = g_ptr_array_new();
	int row_base = 0;
	gboolean *table_done = g_new0(gboolean, nt);
	for (guint i = 0; i <= it->len; i++) {
		struct piece *pc = i < it->len ? &g_array_index(it, struct piece, i) : NULL;
		if (pc != NULL && pc->cell >= 0)
			continue;
		/* (a row of nothing but dots is no text: specks in a line) */
		if (row->len > 0 && (pc == NULL || pc->base - row_base > 0.5 * p->xh)) {
			if (!only_leaders(row)) {
				GString *line = g_string_new(NULL);
				double c = row_text(p, row, line);
				line_tidy(line);
				line_known(line, FALSE);
				if (line_garbled(line->str, line_unit(line, p->o)))
					c = 0;
				g_string_append(out, line->str);
				g_string_append_c(out, '\n');
				g_string_free(line, TRUE);
				g_array_append_val(conf, c);
			}
			g_ptr_array_set_size(row, 0);
		}
		if (pc == NULL)
			break;
		for (int k = 0; k < nt; k++) {
			struct table *t = g_ptr_array_index(p->tables, k);
			if (!table_done[k] && pc->base > t->y0 && row->len == 0) {
				table_text(p, t, cells[k], out, conf);
				table_done[k] = TRUE;
			}
		}
		if (row->len == 0)
			row_base = pc->base;
		g_ptr_array_add(row, pc);
	}
	for (int k = 0; k < nt; k++) {
		if (!table_done[k])
			table_text(p, g_ptr_array_index(p->tables, k), cells[k], out, conf);
		g_ptr_array_unref(cells[k]);
	}
	g_free(table_done);
	g_free(cells);
	g_ptr_array_free(row, TRUE);
}

/* ---- pages ---- */

/* Release a page's data. */
static void
page_clear(struct page *p)
{
	pixDestroy(&p->bin);
	if (p->items != NULL) {
		for (guint i = 0; i < p->items->len; i++)
			g_free(g_array_index(p->items, struct piece, i).text);
		g_array_free(p->items, TRUE);
	}
	if (p->tables != NULL)
		g_ptr_array_free(p->tables, TRUE);
	memset(p, 0, sizeof *p);
}

/* Read one page image (any depth; taken) into out's text. */
static gboolean
ocr_one(PIX *pix, int dpi, const struct doc_limits *lim, const struct ocr_opts *o, GString *text,
        GArray *conf, char **cause)
{
	struct page p = {0};

	if (pixGetWidth(pix) < 16 || pixGetHeight(pix) < 16) {
		pixDestroy(&pix); /* an icon: no text */
		return TRUE;
	}
	p.o = o;
	p.items = g_array_new(FALSE, FALSE, sizeof(struct piece));
	p.tables = g_ptr_array_new_with_free_func(table_free);
	if (!page_prepare(&p, pix, dpi, lim->max_pixels)) {
		*cause = g_strdup("the image could not be cleaned for OCR");
		page_clear(&p);
		return FALSE;
	}
	if (!page_read(&p)) {
		*cause = g_strdup("Tesseract could not read the page");
		page_clear(&p);
		return FALSE;
	}
	page_addresses(&p);
	page_text(&p, text, conf);
	page_clear(&p);
	return TRUE;
}

/* Finish a doc_text from the text and confidences of its pages. */
static void
ocr_finish(struct doc_text *out, GString *text, GArray *conf)
{
	double sum = 0;
	int n = 0;

	for (guint i = 0; i < conf->len; i++)
		sum += g_array_index(conf, double, i), n++;
	out->confidence = n > 0 ? sum / n / 100.0 : 0;
	char *nfc = text_nfc(text->str);
	g_string_free(text, TRUE);
	if (n == 0) {
		g_array_unref(conf);
		g_free(nfc);
		doc_fail(out, DOC_EMPTY, "no text was found in the scan");
		return;
	}
	out->text = nfc;
	out->line_conf = conf;
	out->status = DOC_OK;
}

/* The pages of an encoded image, checked against the limits from their
   headers before anything is decoded; -1 when refused or broken (out says
   why). */
static int
image_pages(const guint8 *data, gsize len, gboolean tiff, const struct doc_limits *lim,
            struct doc_text *out)
{
	for (int n = 0;; n++) {
		l_int32 format, w = 0, h = 0, bps, spp, res, cmap;
		int rc =
		    tiff ? readHeaderMemTiff(data, len, n, &w, &h, &bps, &spp, &res, &cmap, &format)
		         : pixReadHeaderMem(data, len, &format, &w, &h, &bps, &spp, &cmap);
		if (rc != 0 || w <= 0 || h <= 0) {
			if (n > 0)
				return n; /* no more pages */
			doc_fail(out, DOC_BROKEN, "the image header cannot be read");
			return -1;
		}
		if (n >= lim->max_pages) {
			doc_fail(out, DOC_REFUSED, "the image has more than %d pages, the limit",
			         lim->max_pages);
			return -1;
		}
		if ((gint64)w * h > lim->max_pixels) {
			doc_fail(out, DOC_REFUSED,
			         "page %d is %d × %d pixels, over the limit of %" G_GINT64_FORMAT,
			         n + 1, w, h, lim->max_pixels);
			return -1;
		}
		if (!tiff)
			return 1;
	}
}

/* Read an encoded image. */
void
ocr_image(const guint8 *data, gsize len, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	l_int32 format = IFF_UNKNOWN;
	char *cause = NULL;

	out->source = "ocr";
	setMsgSeverity(L_SEVERITY_NONE); /* broken images are told in out->cause */
	if (data == NULL || len < 8 || findFileFormatBuffer(data, &format) != 0 ||
	    format == IFF_UNKNOWN) {
		doc_fail(out, DOC_BROKEN, "not an image Leptonica knows (JPEG, PNG, TIFF, …)");
		return;
	}
	gboolean tiff =
	    format == IFF_TIFF || (format >= IFF_TIFF_PACKBITS && format <= IFF_TIFF_JPEG);
	int pages = image_pages(data, len, tiff, lim, out);
	if (pages < 0)
		return;
	if (tess == NULL && !ocr_init(o, &cause)) {
		doc_fail(out, DOC_UNSUPPORTED, "%s", cause);
		g_free(cause);
		return;
	}
	GString *text = g_string_new(NULL);
	GArray *conf = g_array_new(FALSE, FALSE, sizeof(double));
	for (int n = 0; n < pages; n++) {
		PIX *pix = tiff ? pixReadMemTiff(data, len, n) : pixReadMem(data, len);
		if (pix == NULL) {
			doc_fail(out, DOC_BROKEN, "page %d of the image cannot be decoded", n + 1);
			goto fail;
		}
		int dpi = pixGetXRes(pix);
		if (n > 0)
			g_string_append_c(text, '\n'), g_array_append_val(conf, (double){100});
		if (!ocr_one(pix, dpi, lim, o, text, conf, &cause)) {
			doc_fail(out, DOC_BROKEN, "page %d: %s", n + 1, cause);
			g_free(cause);
			goto fail;
		}
	}
	ocr_finish(out, text, conf);
	return;
fail:
	g_string_free(text, TRUE);
	g_array_unref(conf);
}

/* Read rendered pages. */
void
ocr_pages(GPtrArray *pages, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	char *cause = NULL;

	out->source = "ocr";
	if (tess == NULL && !ocr_init(o, &cause)) {
		doc_fail(out, DOC_UNSUPPORTED, "%s", cause);
		g_free(cause);
		return;
	}
	if ((int)pages->len > lim->max_pages) {
		doc_fail(out, DOC_REFUSED, "%u pages, over the limit of %d", pages->len,
		         lim->max_pages);
		return;
	}
	GString *text = g_string_new(NULL);
	GArray *conf = g_array_new(FALSE, FALSE, sizeof(double));
	for (guint n = 0; n < pages->len; n++) {
		const struct gray_image *g = g_ptr_array_index(pages, n);
		if ((gint64)g->width * g->height > lim->max_pixels) {
			doc_fail(out, DOC_REFUSED,
			         "page %u is %d × %d pixels, over the limit of %" G_GINT64_FORMAT,
			         n + 1, g->width, g->height, lim->max_pixels);
			goto fail;
		}
		PIX *pix = pixCreate(g->width, g->height, 8);
		l_uint32 *d = pixGetData(pix);
		int wpl = pixGetWpl(pix);
		for (int y = 0; y < g->height; y++) {
			const guint8 *src = g->data + (size_t)y * g->stride;
			l_uint32 *line = d + (size_t)y * wpl;
			for (int x = 0; x < g->width; x++)
				SET_DATA_BYTE(line, x, src[x]);
		}
		if (n > 0)
			g_string_append_c(text, '\n'), g_array_append_val(conf, (double){100});
		if (!ocr_one(pix, g->dpi, lim, o, text, conf, &cause)) {
			doc_fail(out, DOC_BROKEN, "page %u: %s", n + 1, cause);
			g_free(cause);
			goto fail;
		}
	}
	ocr_finish(out, text, conf);
	return;
fail:
	g_string_free(text, TRUE);
	g_array_unref(conf);
}
