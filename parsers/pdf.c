/* pdf.c - PDF text and page images; see pdf.h. */
#include "pdf.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <poppler.h>

#include "legacy.h"
#include "text.h"

/*
 * Distances on a line are measured in font sizes (em).  Word spaces in the
 * forms are 0.25 em (Times) to 0.32 em (DejaVu); table cells are 0.7 em
 * apart and more (Word's cell padding); two columns of a letterhead or of
 * the signature block several em.  A gap of SEP_MEDIUM or more separates
 * cells only where another line near it has a gap at the same place (the
 * gutter of a table); SEP_WIDE always does.  Check-box options and dotted
 * leaders are spaced as widely, with tabs too, so gaps beside them never
 * separate.
 */
#define GAP_SPACE  0.2    /* geometric word space, without poppler's own */
#define SEP_MEDIUM 0.6    /* a table gutter, when confirmed by a neighbour */
#define SEP_WIDE   2.0    /* a column gap */
#define NEAR_LINES 6.0    /* line heights within which a gutter is confirmed */
#define SAME_LINE  0.4    /* of the glyph height: centres this close share a line */
#define TABLE_GAP  1.5    /* of the line height: space between the lines of a table */
#define ROW_PITCH  1.3    /* em: lines of a cell are closer, rows with padding farther */
#define HALF_PITCH 0.8    /* em: lines this close are centred cells beside taller ones */
#define FEW_GLYPHS 60     /* a page with fewer and a large image is a scan */
#define MAX_GLYPHS 200000 /* characters on one page: more is no form */

/* One character of a page's text layer. */
struct glyph {
	double x1, y1, x2, y2; /* box in points, y downwards */
	double size;           /* font size in points */
	int prev;              /* the glyph before it in poppler's text, or -1 */
	gboolean space;        /* poppler's text has white space before it */
	gboolean box;          /* a check box (☐ or ☑) */
	enum legacy_enc enc;   /* the font's legacy encoding */
	char s[24];            /* UTF-8: the character and its combining marks */
};

/* A run of glyphs without a space, in a line. */
struct word {
	int from, to;     /* positions in the line's glyph order, to excluded */
	double x1, x2;    /* extent */
	double gap_lo;    /* the right end of what comes before it on the line */
	gboolean sep;     /* a cell boundary before it */
	gboolean can_sep; /* its gap is wide enough to be a gutter */
	gboolean space;   /* a space before it (when not a cell boundary) */
};

/* A line of a page: glyphs left to right, cut into words and cells. */
struct line {
	GArray *order; /* int: glyph indices, left to right */
	GArray *words; /* struct word */
	double yc, top, bottom, h, size;
	int n;            /* glyphs added to yc's mean */
	GPtrArray *cells; /* GString*: cell texts, filled by line_cells() */
	GArray *cell_x;   /* double: start of each cell */
	gboolean joined;  /* merged into the table row above it */
};

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
static void
gstring_free(gpointer p)
{
	g_string_free(p, TRUE);
}

/* The font name without a subset prefix ("ABCDEF+LiberationSerif"). */
static const char *
font_base(const char *name)
{
	if (name == NULL)
		return "";
	if (strlen(name) > 7 && name[6] == '+')
		return name + 7;
	return name;
}

/* The legacy encoding of a font; PDF names lose the dot of ".VnTime". */
static enum legacy_enc
font_legacy(const char *font)
{
	enum legacy_enc e = legacy_font(font);

	if (e == LEGACY_NONE && g_ascii_strncasecmp(font, "vn", 2) == 0 &&
	    g_ascii_isupper(font[2])) {
		char *dotted = g_strconcat(".", font, NULL);
		e = legacy_font(dotted);
		g_free(dotted);
	}
	return e;
}

/* Codes of the symbol fonts Word uses for check boxes and bullets, and what
   they stand for. */
struct symbol {
	const char *font; /* prefix of the font name, case-insensitive */
	guint8 code;
	gunichar to;
};

static const struct symbol symbols[] = {
    {"Wingdings2", 0xA3, 0x2610},   {"Wingdings2", 0x2A, 0x2610},   {"Wingdings2", 0x51, 0x2611},
    {"Wingdings2", 0x52, 0x2611},   {"Wingdings2", 0x53, 0x2611},   {"Wingdings2", 0x54, 0x2611},
    {"Wingdings2", 0x50, 0x2611},   {"Wingdings", 0x6F, 0x2610},    {"Wingdings", 0x70, 0x2610},
    {"Wingdings", 0x71, 0x2610},    {"Wingdings", 0x72, 0x2610},    {"Wingdings", 0xA8, 0x2610},
    {"Wingdings", 0xFE, 0x2611},    {"Wingdings", 0xFD, 0x2611},    {"Wingdings", 0x78, 0x2611},
    {"Wingdings", 0xFC, 0x2611},    {"Wingdings", 0xFB, 0x2611},    {"Wingdings", 0xA7, 0x25AA},
    {"Wingdings", 0x9F, 0x2022},    {"Wingdings", 0xD8, 0x25BA},    {"Wingdings", 0x76, 0x2022},
    {"ZapfDingbats", 0x6F, 0x2610}, {"ZapfDingbats", 0x71, 0x2610}, {"ZapfDingbats", 0x33, 0x2611},
    {"ZapfDingbats", 0x34, 0x2611}, {"ZapfDingbats", 0x37, 0x2611}, {"ZapfDingbats", 0x38, 0x2611},
    {"Symbol", 0xB7, 0x2022},
};

/* Check boxes of any kind as ☐ or ☑, symbol-font codes as what they show;
   0 for what a symbol font draws that is no text. */
static gunichar
char_map(gunichar ch, const char *font)
{
	char name[64];
	gsize n = 0;

	/* "Wingdings-Regular" → "wingdingsregular", "Wingdings 2" → "wingdings2" */
	for (const char *p = font; *p != '\0' && n + 1 < sizeof name; p++)
		if (*p != ' ' && *p != '-' && *p != '_' && *p != ',')
			name[n++] = g_ascii_tolower(*p);
	name[n] = '\0';
	for (gsize i = 0; i < G_N_ELEMENTS(symbols); i++) {
		gsize flen = strlen(symbols[i].font);
		if (g_ascii_strncasecmp(name, symbols[i].font, flen) != 0 ||
		    (name[flen] == '2' || name[flen] == '3'))
			continue;
		gunichar code = ch >= 0xF000 && ch <= 0xF0FF ? ch - 0xF000 : ch;
		if (code == symbols[i].code)
			return symbols[i].to;
	}
	switch (ch) {
	case 0x2612: /* ☒ */
	case 0x2713: /* ✓ */
	case 0x2714: /* ✔ */
	case 0x2705: /* ✅ */
	case 0x1F5F9:
		return 0x2611;
	case 0x25A1: /* □ */
	case 0x25FB: /* ◻ */
	case 0x274F: /* ❏ */
	case 0x2750:
	case 0x2751:
	case 0x2752:
		return 0x2610;
	default:
		break;
	}
	if (ch >= 0xE000 && ch <= 0xF8FF)
		return 0;
	return ch;
}

/* Whether a character is a cross or tick drawn over a box. */
static gboolean
char_is_mark(gunichar ch)
{
	return ch == 'x' || ch == 'X' || ch == 0x2717 || ch == 0x2718 || ch == 0x2715 ||
	       ch == 0x2716 || ch == 0x2611;
}

/*
 * Turn the glyph boxes so that the text runs left to right.  A page with
 * /Rotate, or a landscape form drawn sideways on a portrait page, has its
 * words running down or up the page; the direction most letters of a word
 * follow from one to the next decides.
 */
static void
glyphs_upright(GArray *gs)
{
	int votes[4] = {0}; /* right, down, left, up */

	for (guint i = 1; i < gs->len; i++) {
		const struct glyph *g = &g_array_index(gs, struct glyph, i);
		if (g->space || g->prev != (int)i - 1)
			continue;
		const struct glyph *p = g - 1;
		double dx = (g->x1 + g->x2 - p->x1 - p->x2) / 2;
		double dy = (g->y1 + g->y2 - p->y1 - p->y2) / 2;
		if (fabs(dx) >= fabs(dy))
			votes[dx >= 0 ? 0 : 2]++;
		else
			votes[dy >= 0 ? 1 : 3]++;
	}
	int dir = 0;
	for (int k = 1; k < 4; k++)
		if (votes[k] > votes[dir])
			dir = k;
	if (dir == 0)
		return;
	for (guint i = 0; i < gs->len; i++) {
		struct glyph *g = &g_array_index(gs, struct glyph, i);
		double x1 = g->x1, y1 = g->y1, x2 = g->x2, y2 = g->y2;
		if (dir == 1) { /* running down: the tops of the letters face right */
			g->x1 = y1;
			g->x2 = y2;
			g->y1 = -x2;
			g->y2 = -x1;
		} else if (dir == 2) { /* upside down */
			g->x1 = -x2;
			g->x2 = -x1;
			g->y1 = -y2;
			g->y2 = -y1;
		} else { /* running up: the tops face left */
			g->x1 = -y2;
			g->x2 = -y1;
			g->y1 = x1;
			g->y2 = x2;
		}
	}
}

/* The glyphs of a page's text layer, in poppler's order, upright; *junk
   counts characters that are no text (a font without a Unicode map). */
static GArray *
page_glyphs(PopplerPage *page, guint *junk)
{
	GArray *gs = g_array_new(FALSE, TRUE, sizeof(struct glyph));
	PopplerRectangle *rects = NULL;
	guint nrects = 0;
	char *text = poppler_page_get_text(page);

	if (text == NULL || !poppler_page_get_text_layout(page, &rects, &nrects)) {
		g_free(text);
		return gs;
	}
	GList *attrs = poppler_page_get_text_attributes(page), *a = attrs;
	gboolean space = FALSE;
	int last = -1; /* glyph made of the previous character, or -1 */
	const char *p = text;
	for (guint i = 0; *p != '\0' && i < nrects; p = g_utf8_next_char(p), i++) {
		gunichar ch = g_utf8_get_char(p);
		PopplerRectangle *r = &rects[i];
		while (a != NULL && ((PopplerTextAttributes *)a->data)->end_index < (int)i)
			a = a->next;
		PopplerTextAttributes *ta = a != NULL ? a->data : NULL;
		if (ta != NULL && ta->start_index > (int)i)
			ta = NULL;
		const char *font = font_base(ta != NULL ? ta->font_name : NULL);
		enum legacy_enc enc = font_legacy(font);

		/* in a legacy font, bytes such as 0xAD (TCVN3 "ư") are letters */
		if (enc != LEGACY_NONE
		        ? ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'
		        : g_unichar_isspace(ch) || ch == 0xAD || ch == 0x200B || ch == 0xFEFF) {
			space = TRUE;
			last = -1;
			continue;
		}
		if (g_unichar_ismark(ch)) {
			/* a combining mark stays with its letter */
			if (last >= 0) {
				struct glyph *g = &g_array_index(gs, struct glyph, last);
				gsize len = strlen(g->s);
				if (len + 6 < sizeof g->s)
					g_unichar_to_utf8(ch, g->s + len);
			}
			continue;
		}
		gunichar mapped;
		if (enc != LEGACY_NONE)
			mapped =
			    ch >= 0xF000 && ch <= 0xF0FF ? ch - 0xF000 : ch; /* symbolic font */
		else
			mapped = char_map(ch, font);
		if (mapped == 0 || mapped == 0xFFFD)
			(*junk)++;
		if (mapped == 0 || mapped == 0xFFFD ||
		    (enc == LEGACY_NONE ? g_unichar_iscntrl(mapped) : mapped < 0x20) ||
		    !isfinite(r->x1) || !isfinite(r->y1) || !isfinite(r->x2) || !isfinite(r->y2) ||
		    r->y2 <= r->y1 || r->x2 < r->x1) {
			last = -1;
			continue;
		}
		struct glyph g = {0};
		g.x1 = r->x1;
		g.x2 = r->x2;
		g.y1 = r->y1;
		g.y2 = r->y2;
		g.size = ta != NULL && ta->font_size > 0 ? ta->font_size : r->y2 - r->y1;
		g.prev = gs->len > 0 ? (int)gs->len - 1 : -1;
		g.space = space;
		g.box = mapped == 0x2610 || mapped == 0x2611;
		g.enc = enc;
		if (mapped >= 0xFB00 && mapped <= 0xFB06) {
			/* a ligature ("ﬁ") is its letters */
			gunichar parts[4];
			gsize n =
			    g_unichar_fully_decompose(mapped, TRUE, parts, G_N_ELEMENTS(parts));
			char *o = g.s;
			for (gsize k = 0; k < n && k < G_N_ELEMENTS(parts); k++)
				o += g_unichar_to_utf8(parts[k], o);
		} else {
			g_unichar_to_utf8(mapped, g.s);
		}
		g_array_append_val(gs, g);
		last = (int)gs->len - 1;
		space = FALSE;
	}
	poppler_page_free_text_attributes(attrs);
	g_free(rects);
	g_free(text);
	glyphs_upright(gs);
	return gs;
}

/* The glyph at a position of a line. */
static struct glyph *
line_glyph(GArray *gs, const struct line *l, int pos)
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
static GPtrArray *
page_lines(GArray *gs)
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
		if (!glyph_is_leader(line_glyph(gs, l, pos)))
			break;
		n++;
	}
	return n >= 3 ||
	       (n >= 1 && strcmp(line_glyph(gs, l, at_end ? w->to - 1 : w->from)->s, "…") == 0);
}

/* Whether a word is (part of) a check box: ☐, ☑, "[x]", "[ ]". */
static gboolean
word_box(GArray *gs, const struct line *l, const struct word *w, gboolean at_end)
{
	const struct glyph *g = line_glyph(gs, l, at_end ? w->to - 1 : w->from);

	return g->box || strcmp(g->s, at_end ? "]" : "[") == 0 ||
	       (w->to - w->from == 1 && (strcmp(g->s, "[") == 0 || strcmp(g->s, "]") == 0));
}

/* Cut a line into words; drop glyphs drawn twice (fake bold) and fold a
   mark drawn over a box into a ticked box. */
static void
line_words(GArray *gs, struct line *l)
{
	GArray *order = g_array_new(FALSE, FALSE, sizeof(int));
	struct glyph *prev = NULL;

	for (guint i = 0; i < l->order->len; i++) {
		int k = g_array_index(l->order, int, i);
		struct glyph *g = &g_array_index(gs, struct glyph, k);
		if (prev != NULL && strcmp(prev->s, g->s) == 0 &&
		    fabs(prev->x1 - g->x1) < 0.15 * g->size)
			continue;
		if (prev != NULL && prev->box && char_is_mark(g_utf8_get_char(g->s)) &&
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
static gboolean
gap_confirmed(GPtrArray *lines, guint i, const struct word *w)
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

/* Append the glyphs of a word to a string, converting legacy font runs. */
static void
word_text(GArray *gs, const struct line *l, const struct word *w, GString *out)
{
	GString *run = g_string_new(NULL);
	enum legacy_enc enc = LEGACY_NONE;

	for (int pos = w->from; pos < w->to; pos++) {
		const struct glyph *g = line_glyph(gs, l, pos);
		if (g->enc != enc && run->len > 0) {
			if (enc != LEGACY_NONE) {
				char *u = legacy_convert(run->str, enc);
				g_string_append(out, u);
				g_free(u);
			} else {
				g_string_append(out, run->str);
			}
			g_string_truncate(run, 0);
		}
		enc = g->enc;
		g_string_append(run, g->s);
	}
	if (enc != LEGACY_NONE) {
		char *u = legacy_convert(run->str, enc);
		g_string_append(out, u);
		g_free(u);
	} else {
		g_string_append(out, run->str);
	}
	g_string_free(run, TRUE);
}

/* Build the cells of a line from its words and boundaries. */
static void
line_cells(GArray *gs, struct line *l)
{
	l->cells = g_ptr_array_new_with_free_func(gstring_free);
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
		word_text(gs, l, w, cell);
	}
}

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
	gunichar first = g_utf8_get_char(line_glyph(gs, c, w->from)->s);

	if (row_column(grid, w->x1, w->x2) != 0)
		return FALSE;
	return !g_unichar_islower(first);
}

/* Whether a line starts with a lower-case letter: the rest of a sentence. */
static gboolean
line_lower(GArray *gs, const struct line *c)
{
	const struct word *w = &g_array_index(c->words, struct word, 0);

	return g_unichar_islower(g_utf8_get_char(line_glyph(gs, c, w->from)->s));
}

/* Whether a line holds a label ("Ghi chú:"): it never continues a row. */
static gboolean
line_has_label(GArray *gs, const struct line *c)
{
	for (guint k = 0; k < c->words->len; k++) {
		const struct word *w = &g_array_index(c->words, struct word, k);
		if (strcmp(line_glyph(gs, c, w->to - 1)->s, ":") == 0)
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
	GPtrArray *cells = g_ptr_array_new_with_free_func(gstring_free);
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
			word_text(gs, c, w, cell);
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
	first->cells = g_ptr_array_new_with_free_func(gstring_free);
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
static void
join_wrapped(GArray *gs, GPtrArray *lines)
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

/* The text of one page's glyphs, lines with " | " between cells. */
static void
page_text(GArray *gs, GString *out)
{
	GPtrArray *lines = page_lines(gs);

	for (guint i = 0; i < lines->len; i++)
		line_words(gs, lines->pdata[i]);
	for (guint i = 0; i < lines->len; i++) {
		struct line *l = lines->pdata[i];
		for (guint k = 1; k < l->words->len; k++) {
			struct word *w = &g_array_index(l->words, struct word, k);
			if (w->can_sep && !w->sep && gap_confirmed(lines, i, w))
				w->sep = TRUE;
		}
	}
	for (guint i = 0; i < lines->len; i++)
		line_cells(gs, lines->pdata[i]);
	join_wrapped(gs, lines);
	for (guint i = 0; i < lines->len; i++) {
		struct line *l = lines->pdata[i];
		if (l->joined)
			continue;
		for (guint k = 0; k < l->cells->len; k++) {
			GString *cell = l->cells->pdata[k];
			if (k > 0)
				g_string_append(out, " | ");
			g_string_append(out, cell->str);
		}
		g_string_append_c(out, '\n');
	}
	g_ptr_array_free(lines, TRUE);
}

/* Whether a page with little text is a scan: images cover half of it. */
static gboolean
page_is_scan(PopplerPage *page)
{
	double w, h, covered = 0;
	GList *maps = poppler_page_get_image_mapping(page);

	poppler_page_get_size(page, &w, &h);
	for (GList *m = maps; m != NULL; m = m->next) {
		PopplerImageMapping *im = m->data;
		covered += fabs(im->area.x2 - im->area.x1) * fabs(im->area.y2 - im->area.y1);
	}
	poppler_page_free_image_mapping(maps);
	return w > 0 && h > 0 && covered >= 0.5 * w * h;
}

/* Open a PDF from memory; NULL with *cause. */
static PopplerDocument *
pdf_open(const guint8 *data, gsize len, const struct doc_limits *lim, enum doc_status *status,
         char **cause)
{
	GError *err = NULL;

	*status = DOC_BROKEN;
	if (data == NULL || len == 0) {
		*cause = g_strdup("the PDF is empty");
		return NULL;
	}
	if (len > lim->max_part) {
		*status = DOC_REFUSED;
		*cause = g_strdup_printf("the PDF has %" G_GSIZE_FORMAT
		                         " bytes, over the limit of %" G_GSIZE_FORMAT,
		                         len, lim->max_part);
		return NULL;
	}
	GBytes *bytes = g_bytes_new_static(data, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		*cause = g_strdup_printf("the PDF cannot be read: %s",
		                         err != NULL ? err->message : "unknown error");
		g_clear_error(&err);
		return NULL;
	}
	int pages = poppler_document_get_n_pages(doc);
	if (pages > lim->max_pages) {
		*status = DOC_REFUSED;
		*cause = g_strdup_printf("the PDF has %d pages, over the limit of %d", pages,
		                         lim->max_pages);
		g_object_unref(doc);
		return NULL;
	}
	return doc;
}

/* Text of a PDF; see pdf.h. */
void
pdf_text(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	enum doc_status status;
	char *cause = NULL;

	out->source = "pdf_text";
	out->confidence = 1;
	PopplerDocument *doc = pdf_open(data, len, lim, &status, &cause);
	if (doc == NULL) {
		doc_fail(out, status, "%s", cause);
		g_free(cause);
		return;
	}
	int pages = poppler_document_get_n_pages(doc), with_text = 0;
	GString *text = g_string_new(NULL);
	for (int i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (page == NULL)
			continue;
		guint junk = 0;
		GArray *gs = page_glyphs(page, &junk);
		if (gs->len > MAX_GLYPHS) {
			doc_fail(out, DOC_REFUSED,
			         "page %d of the PDF has %u characters, over the limit of %d",
			         i + 1, gs->len, MAX_GLYPHS);
			g_array_unref(gs);
			g_object_unref(page);
			g_object_unref(doc);
			g_string_free(text, TRUE);
			if (out->image_pages != NULL)
				g_array_unref(out->image_pages);
			out->image_pages = NULL;
			return;
		}
		/* no text, a caption on a scan, or text that cannot be read: OCR */
		if (gs->len == 0 || junk > gs->len ||
		    (gs->len < FEW_GLYPHS && page_is_scan(page))) {
			if (out->image_pages == NULL)
				out->image_pages = g_array_new(FALSE, FALSE, sizeof(int));
			g_array_append_val(out->image_pages, i);
		} else {
			page_text(gs, text);
			with_text++;
		}
		g_array_unref(gs);
		g_object_unref(page);
	}
	g_object_unref(doc);
	if (pages == 0) {
		g_string_free(text, TRUE);
		doc_fail(out, DOC_BROKEN, "the PDF has no pages");
		return;
	}
	if (with_text == 0) {
		g_string_free(text, TRUE);
		doc_fail(out, DOC_EMPTY, "no text layer in the PDF's %d page%s (a scan?)", pages,
		         pages == 1 ? "" : "s");
		return;
	}
	out->text = text_normalize(text->str, -1, G_NORMALIZE_NFC);
	g_string_free(text, TRUE);
	out->status = DOC_OK;
}

/* Release a gray image held in a pointer array. */
static void
gray_free(gpointer p)
{
	gray_image_free(p);
}

/* Render one page into a gray image; NULL with *cause. */
static struct gray_image *
page_render(PopplerPage *page, int index, const struct doc_limits *lim, char **cause)
{
	double w, h, scale = lim->ocr_dpi / 72.0;

	poppler_page_get_size(page, &w, &h);
	double pw = ceil(w * scale), ph = ceil(h * scale);
	if (!(pw >= 1 && ph >= 1) || pw > 32767 || ph > 32767 ||
	    pw * ph > (double)lim->max_pixels) {
		*cause = g_strdup_printf("page %d of the PDF is %.0f×%.0f pixels at %d dpi, over "
		                         "the limit of %" G_GINT64_FORMAT " pixels",
		                         index + 1, pw, ph, lim->ocr_dpi, lim->max_pixels);
		return NULL;
	}
	struct gray_image *img = g_new0(struct gray_image, 1);
	img->width = (int)pw;
	img->height = (int)ph;
	img->stride = img->width;
	img->dpi = lim->ocr_dpi;
	img->data = g_malloc((gsize)img->stride * (gsize)img->height);

	/* in bands of at most 8 M pixels: the colour surface is 4 bytes a
	   pixel, the gray image one */
	int band = MAX(1, MIN(img->height, 8 * 1024 * 1024 / img->width));
	for (int y0 = 0; y0 < img->height; y0 += band) {
		int rows = MIN(band, img->height - y0);
		cairo_surface_t *s =
		    cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width, rows);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			*cause =
			    g_strdup_printf("page %d of the PDF cannot be drawn: %s", index + 1,
			                    cairo_status_to_string(cairo_surface_status(s)));
			cairo_surface_destroy(s);
			return gray_image_free(img);
		}
		cairo_t *cr = cairo_create(s);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_translate(cr, 0, -y0);
		cairo_scale(cr, scale, scale);
		poppler_page_render(page, cr);
		cairo_destroy(cr);
		cairo_surface_flush(s);
		const guint8 *src = cairo_image_surface_get_data(s);
		int sstride = cairo_image_surface_get_stride(s);
		for (int y = 0; y < rows; y++) {
			const guint32 *px = (const guint32 *)(src + (gsize)y * (gsize)sstride);
			guint8 *dst = img->data + (gsize)(y0 + y) * (gsize)img->stride;
			for (int x = 0; x < img->width; x++) {
				guint32 v = px[x];
				guint r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF;
				dst[x] = (guint8)((r * 299 + g * 587 + b * 114 + 500) / 1000);
			}
		}
		cairo_surface_destroy(s);
	}
	return img;
}

/* Render pages as gray images; see pdf.h. */
GPtrArray *
pdf_render(const guint8 *data, gsize len, const struct doc_limits *lim, const GArray *pages,
           char **cause)
{
	enum doc_status status;

	*cause = NULL;
	PopplerDocument *doc = pdf_open(data, len, lim, &status, cause);
	if (doc == NULL)
		return NULL;
	int n = poppler_document_get_n_pages(doc);
	GPtrArray *out = g_ptr_array_new_with_free_func(gray_free);
	for (guint i = 0; pages != NULL && i < pages->len; i++) {
		int k = g_array_index(pages, int, i);
		PopplerPage *page = k >= 0 && k < n ? poppler_document_get_page(doc, k) : NULL;
		if (page == NULL) {
			*cause = g_strdup_printf("the PDF has no page %d", k + 1);
			break;
		}
		struct gray_image *img = page_render(page, k, lim, cause);
		g_object_unref(page);
		if (img == NULL)
			break;
		g_ptr_array_add(out, img);
	}
	g_object_unref(doc);
	if (*cause != NULL) {
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}
