/* pdf_glyphs.c - a page's glyphs upright, with their fonts' characters mapped; see pdf_parts.h. */
#include "pdf.h"
#include "pdf_parts.h"

#include <math.h>
#include <string.h>

#include <poppler.h>

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
gboolean
pdf_char_is_mark(gunichar ch)
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
GArray *
pdf_page_glyphs(PopplerPage *page, guint *junk)
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
