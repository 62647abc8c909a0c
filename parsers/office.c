/*
 * office.c - DOCX and ODT text; see office.h.
 *
 * Both formats are a zip of XML parts.  The container is checked as a
 * whole before anything is unpacked (declared sizes, their total and each
 * entry's packing ratio against doc_limits), and bytes are counted again
 * while an entry is read, since declared sizes can lie.  The XML is read by
 * libxml2 without network access and without substituting entities; entity
 * references are never followed by the walkers below.
 *
 * The walkers write into a "sink": at the top level a paragraph is a line;
 * inside a table cell paragraphs are joined by spaces, so that a table row
 * stays one " | " line.  Text boxes anchored in a paragraph follow it.
 */
#include "office.h"
#include "text.h"

#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "legacy.h"
#include "zipxml.h"

#define BOX_ON  0x2611 /* ☑ */
#define BOX_OFF 0x2610 /* ☐ */

/* How deep the walkers follow nested elements. */
#define MAX_DEPTH 96
/* Cells of one table row, and repeats of one ODT cell or row. */
#define MAX_CELLS       256
#define MAX_REPEAT      64
#define MAX_SPACES      256
#define MAX_STYLE_CHAIN 16

/* Whether an element is in a namespace whose URI ends with suffix. */
static gboolean
in_ns(const xmlNode *n, const char *suffix)
{
	return n->ns != NULL && n->ns->href != NULL &&
	       g_str_has_suffix((const char *)n->ns->href, suffix);
}

/* WordprocessingML (transitional or strict), the only one with w:t, w:p … */
static gboolean
w_is(const xmlNode *n, const char *local)
{
	return xml_is(n, local) && (in_ns(n, "/wordprocessingml/2006/main") ||
	                            in_ns(n, "/ooxml/wordprocessingml/main"));
}

/* An on/off value as OOXML writes it; absent means on. */
static gboolean
on_value(const char *v)
{
	return v == NULL || strcmp(v, "1") == 0 || g_ascii_strcasecmp(v, "true") == 0 ||
	       g_ascii_strcasecmp(v, "on") == 0;
}

/* The branch of an mc:AlternateContent to read: the first Choice, else the
   Fallback (never both: they hold the same text). */
static xmlNode *
mc_branch(const xmlNode *n)
{
	xmlNode *c = xml_child(n, "Choice");
	return c != NULL ? c : xml_child(n, "Fallback");
}

/* Whether an element is mc:AlternateContent. */
static gboolean
mc_alt(const xmlNode *n)
{
	return xml_is(n, "AlternateContent") && in_ns(n, "/markup-compatibility/2006");
}

/* ---- check boxes and symbol fonts ---- */

enum symfont { SYM_NONE = 0, SYM_WINGDINGS, SYM_WINGDINGS2 };

/* Box-like characters of the symbol fonts, by their 8-bit code. */
static const struct {
	enum symfont font;
	guint8 code;
	gunichar to;
} sym_boxes[] = {
    {SYM_WINGDINGS, 0xFE, BOX_ON},   /* þ: box with a check */
    {SYM_WINGDINGS, 0xFD, BOX_ON},   /* ý: box with an X */
    {SYM_WINGDINGS, 0x78, BOX_ON},   /* x: ⌧ */
    {SYM_WINGDINGS, 0xA8, BOX_OFF},  /* ¨: empty box */
    {SYM_WINGDINGS, 0x6F, BOX_OFF},  /* o: empty box */
    {SYM_WINGDINGS, 0x71, BOX_OFF},  /* q: ❑ */
    {SYM_WINGDINGS, 0x72, BOX_OFF},  /* r: ❒ */
    {SYM_WINGDINGS, 0xFC, 0x2714},   /* ü: ✔ */
    {SYM_WINGDINGS, 0xFB, 0x2717},   /* û: ✗ */
    {SYM_WINGDINGS2, 0x52, BOX_ON},  /* R: ☑ */
    {SYM_WINGDINGS2, 0x51, BOX_ON},  /* Q: ☒ */
    {SYM_WINGDINGS2, 0x53, BOX_ON},  /* S: ☒ */
    {SYM_WINGDINGS2, 0x54, BOX_ON},  /* T: ☒ */
    {SYM_WINGDINGS2, 0xA3, BOX_OFF}, /* £: ☐ */
    {SYM_WINGDINGS2, 0x2A, BOX_OFF}, /* *: ☐ */
    {SYM_WINGDINGS2, 0x50, 0x2713},  /* P: ✓ */
    {SYM_WINGDINGS2, 0x4F, 0x2717},  /* O: ✗ */
};

/* Which symbol font a font name is. */
static enum symfont
symfont_of(const char *font)
{
	if (font == NULL || g_ascii_strncasecmp(font, "Wingdings", 9) != 0)
		return SYM_NONE;
	if (font[9] == '\0')
		return SYM_WINGDINGS;
	if (strcmp(font + 9, " 2") == 0)
		return SYM_WINGDINGS2;
	return SYM_NONE;
}

/* The character a symbol-font code shows, or 0 when it is no box or mark. */
static gunichar
sym_char(enum symfont font, gunichar code)
{
	if (code >= 0xF000 && code <= 0xF0FF)
		code -= 0xF000;
	for (gsize i = 0; i < G_N_ELEMENTS(sym_boxes); i++)
		if (sym_boxes[i].font == font && sym_boxes[i].code == code)
			return sym_boxes[i].to;
	return 0;
}

/* Append text, check boxes written as ☑/☐: in a Wingdings font only its
   box and mark symbols are kept; elsewhere ☒ and ⌧ are ticked boxes, and
   symbols stored in the private use area are read as Wingdings. */
static void
append_text(GString *to, const char *s, enum symfont font)
{
	for (const char *p = s; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (font != SYM_NONE) {
			c = sym_char(font, c);
		} else if (c == 0x2612 || c == 0x2327) {
			c = BOX_ON;
		} else if (c >= 0xF000 && c <= 0xF0FF) {
			c = sym_char(SYM_WINGDINGS, c);
		} else if (c == 0x00AD || c == 0x200B || c == 0xFEFF) {
			c = 0; /* soft hyphen, zero-width space, BOM */
		}
		if (c != 0)
			g_string_append_unichar(to, c);
	}
}

/* ---- where text goes ---- */

struct sink {
	GString *s;
	gboolean cell; /* inside a table cell: paragraphs joined by spaces */
};

/* Append text with line breaks and tabs as single spaces (a cell's text). */
static void
append_flat(GString *to, const char *s)
{
	for (const char *p = s; *p != '\0'; p++) {
		char c = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
		if (c == ' ' && (to->len == 0 || to->str[to->len - 1] == ' '))
			continue;
		g_string_append_c(to, c);
	}
}

/* Add one paragraph's text: a line, or in a cell a space-separated part. */
static void
sink_para(struct sink *k, const char *text)
{
	if (!k->cell) {
		g_string_append(k->s, text);
		g_string_append_c(k->s, '\n');
		return;
	}
	if (k->s->len > 0 && k->s->str[k->s->len - 1] != ' ')
		g_string_append_c(k->s, ' ');
	append_flat(k->s, text);
}

/* Add what another sink of the same kind collected (text boxes). */
static void
sink_add(struct sink *k, const struct sink *from)
{
	if (from->s->len == 0)
		return;
	if (k->cell)
		sink_para(k, from->s->str);
	else
		g_string_append(k->s, from->s->str);
}

/* One table row as a line: cells trimmed, " | " between them, trailing
   empty cells dropped. */
static void
row_line(GPtrArray *cells, struct sink *k)
{
	guint n = cells->len;
	GString *line = g_string_new(NULL);

	for (guint i = 0; i < n; i++)
		g_strstrip(g_ptr_array_index(cells, i));
	while (n > 0 && *(char *)g_ptr_array_index(cells, n - 1) == '\0')
		n--;
	for (guint i = 0; i < n; i++) {
		const char *cell = g_ptr_array_index(cells, i);
		if (k->cell) { /* a nested table: flattened into the cell */
			if (*cell != '\0')
				sink_para(k, cell);
			continue;
		}
		if (i > 0)
			g_string_append(line, " | ");
		g_string_append(line, cell);
	}
	if (!k->cell)
		sink_para(k, line->str);
	g_string_free(line, TRUE);
}

/* Make the result: trailing white space off each line, trailing empty lines
   dropped, NFC. */
static void
finish(GString *text, const char *kind, struct doc_text *out)
{
	char **lines = g_strsplit(text->str, "\n", -1);
	GString *s = g_string_new(NULL);
	gboolean any = FALSE;

	for (int i = 0; lines[i] != NULL; i++) {
		g_strchomp(lines[i]);
		g_string_append(s, lines[i]);
		g_string_append_c(s, '\n');
		if (lines[i][0] != '\0')
			any = TRUE;
	}
	g_strfreev(lines);
	while (s->len > 0 && s->str[s->len - 1] == '\n')
		g_string_truncate(s, s->len - 1);
	if (s->len > 0)
		g_string_append_c(s, '\n');
	if (!any) {
		doc_fail(out, DOC_EMPTY, "the %s holds no text", kind);
		g_string_free(s, TRUE);
		return;
	}
	out->text = text_normalize(s->str, -1, G_NORMALIZE_NFC);
	g_string_free(s, TRUE);
	if (out->text == NULL) {
		doc_fail(out, DOC_BROKEN, "the %s text is not valid UTF-8", kind);
		return;
	}
	out->status = DOC_OK;
	out->confidence = 1.0;
}

/* ---- DOCX ---- */

struct wstyle {
	char *font;     /* w:rFonts/@w:ascii, or NULL */
	char *based_on; /* w:basedOn, or NULL */
	char leader;    /* the leader of its tab stops, or 0 */
};

/* What a paragraph gives its runs. */
struct wpara {
	const char *font; /* when a run names none */
	char leader;      /* its tab stops' leader ('.', '-', '_'), or 0 */
};

struct docx {
	GHashTable *styles; /* styleId -> struct wstyle */
	char *para_style;   /* the default paragraph style's id */
	char *default_font; /* w:docDefaults */
};

/* Free a style. */
static void
wstyle_free(gpointer p)
{
	struct wstyle *s = p;
	g_free(s->font);
	g_free(s->based_on);
	g_free(s);
}

/* The font an rFonts element names for Latin text; NULL for none or a theme font. */
static const char *
rfonts_font(const xmlNode *rfonts)
{
	const char *f;

	if (rfonts == NULL)
		return NULL;
	if ((f = xml_attr(rfonts, "ascii")) != NULL)
		return f;
	if (xml_attr(rfonts, "asciiTheme") != NULL)
		return NULL;
	return xml_attr(rfonts, "hAnsi");
}

/* The leader character of a tab stop's w:leader, or 0. */
static char
leader_char(const char *v)
{
	if (v == NULL || strcmp(v, "none") == 0)
		return 0;
	if (strcmp(v, "dot") == 0 || strcmp(v, "middleDot") == 0)
		return '.';
	if (strcmp(v, "hyphen") == 0)
		return '-';
	return '_'; /* underscore, heavy */
}

/* The leader of a w:tabs element's stops: a form's dotted lines. */
static char
tabs_leader(const xmlNode *tabs)
{
	for (xmlNode *t = tabs != NULL ? tabs->children : NULL; t != NULL; t = t->next) {
		const char *val = xml_attr(t, "val");
		char c = leader_char(xml_attr(t, "leader"));
		if (w_is(t, "tab") && c != 0 && (val == NULL || strcmp(val, "clear") != 0))
			return c;
	}
	return 0;
}

/* Read word/styles.xml: each style's font and parent, the defaults. */
static void
docx_styles(struct docx *d, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	xmlNode *def = xml_child(
	    xml_child(xml_child(xml_child(root, "docDefaults"), "rPrDefault"), "rPr"), "rFonts");
	const char *f = rfonts_font(def);

	if (f != NULL)
		d->default_font = g_strdup(f);
	for (xmlNode *n = root->children; n != NULL; n = n->next) {
		const char *id = xml_attr(n, "styleId"), *type = xml_attr(n, "type");
		if (!w_is(n, "style") || id == NULL)
			continue;
		struct wstyle *s = g_new0(struct wstyle, 1);
		f = rfonts_font(xml_child(xml_child(n, "rPr"), "rFonts"));
		s->font = g_strdup(f);
		s->based_on = g_strdup(xml_attr(xml_child(n, "basedOn"), "val"));
		s->leader = tabs_leader(xml_child(xml_child(n, "pPr"), "tabs"));
		g_hash_table_replace(d->styles, g_strdup(id), s);
		if (type != NULL && strcmp(type, "paragraph") == 0 &&
		    xml_attr(n, "default") != NULL && on_value(xml_attr(n, "default")) &&
		    d->para_style == NULL)
			d->para_style = g_strdup(id);
	}
}

/* The font a style gives, through its basedOn chain. */
static const char *
docx_style_font(const struct docx *d, const char *id)
{
	for (int i = 0; id != NULL && i < MAX_STYLE_CHAIN; i++) {
		const struct wstyle *s = g_hash_table_lookup(d->styles, id);
		if (s == NULL)
			return NULL;
		if (s->font != NULL)
			return s->font;
		id = s->based_on;
	}
	return NULL;
}

/* What a paragraph gives its runs: a font for those that name none, and
   whether its tabs draw a leader (its own tab stops, else its style's). */
static struct wpara
docx_para(const struct docx *d, const xmlNode *p)
{
	const xmlNode *ppr = xml_child(p, "pPr");
	const char *id = xml_attr(xml_child(ppr, "pStyle"), "val");
	const char *f = docx_style_font(d, id != NULL ? id : d->para_style);
	struct wpara wp = {f != NULL ? f : d->default_font, tabs_leader(xml_child(ppr, "tabs"))};

	id = id != NULL ? id : d->para_style;
	for (int i = 0; wp.leader == 0 && id != NULL && i < MAX_STYLE_CHAIN; i++) {
		const struct wstyle *s = g_hash_table_lookup(d->styles, id);
		if (s == NULL)
			break;
		wp.leader = s->leader;
		id = s->based_on;
	}
	return wp;
}

/* A tab to a stop with a leader: the dotted line the form prints, which
   also keeps two fields on one line apart ("0905 ........ Email: a@b.vn"). */
static void
append_leader(GString *line, char c)
{
	if (line->len > 0 && line->str[line->len - 1] != ' ')
		g_string_append_c(line, ' ');
	for (int i = 0; i < 8; i++)
		g_string_append_c(line, c);
	g_string_append_c(line, ' ');
}

/* The font of a run: its own, its character style's, its paragraph's. */
static const char *
docx_run_font(const struct docx *d, const xmlNode *r, const struct wpara *wp)
{
	const xmlNode *rpr = xml_child(r, "rPr");
	xmlNode *rf = xml_child(rpr, "rFonts");
	const char *f = rfonts_font(rf);

	if (f != NULL)
		return f;
	if (rf != NULL && xml_attr(rf, "asciiTheme") != NULL)
		return NULL;
	f = docx_style_font(d, xml_attr(xml_child(rpr, "rStyle"), "val"));
	return f != NULL ? f : wp->font;
}

/* A content control's check box: 1 ticked, 0 not, -1 not a check box. */
static int
sdt_checkbox(const xmlNode *sdt)
{
	xmlNode *cb = xml_child(xml_child(sdt, "sdtPr"), "checkbox");
	xmlNode *checked;

	if (cb == NULL)
		return -1;
	checked = xml_child(cb, "checked");
	return checked != NULL && on_value(xml_attr(checked, "val")) ? 1 : 0;
}

/* A legacy FORMCHECKBOX field at its w:fldChar begin: 1, 0, or -1 if none. */
static int
fld_checkbox(const xmlNode *fld)
{
	xmlNode *cb = xml_child(xml_child(fld, "ffData"), "checkBox");
	xmlNode *v;

	if (cb == NULL)
		return -1;
	if ((v = xml_child(cb, "checked")) != NULL)
		return on_value(xml_attr(v, "val"));
	if ((v = xml_child(cb, "default")) != NULL)
		return on_value(xml_attr(v, "val"));
	return 0;
}

/* Append a check box. */
static void
append_box(GString *to, int on)
{
	g_string_append_unichar(to, on ? BOX_ON : BOX_OFF);
}

static void docx_block(const struct docx *d, xmlNode *first, struct sink *k, int depth);

/* Text boxes anywhere inside a drawing or picture: their paragraphs go to extra. */
static void
docx_textboxes(const struct docx *d, xmlNode *n, struct sink *extra, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (w_is(c, "txbxContent"))
			docx_block(d, c->children, extra, depth + 1);
		else if (mc_alt(c))
			docx_textboxes(d, mc_branch(c), extra, depth + 1);
		else
			docx_textboxes(d, c, extra, depth + 1);
	}
}

/* A w:sym: the box or mark it shows, if any. */
static void
docx_sym(const xmlNode *sym, GString *line)
{
	const char *code = xml_attr(sym, "char");
	enum symfont f = symfont_of(xml_attr(sym, "font"));
	gunichar c;

	if (code == NULL || f == SYM_NONE)
		return;
	c = sym_char(f, (gunichar)g_ascii_strtoull(code, NULL, 16));
	if (c != 0)
		g_string_append_unichar(line, c);
}

/* One run: text (legacy fonts converted), tabs, breaks, symbols, check-box
   fields, and text boxes anchored in it. */
static void
docx_run(const struct docx *d, const xmlNode *r, GString *line, struct sink *extra,
         const struct wpara *wp, int depth)
{
	const char *font = docx_run_font(d, r, wp);
	enum legacy_enc enc = legacy_font(font);
	enum symfont sym = symfont_of(font);
	xmlNode *vanish = xml_child(xml_child(r, "rPr"), "vanish");

	if (vanish != NULL && on_value(xml_attr(vanish, "val")))
		return; /* hidden text: not on the form people see */

	for (xmlNode *c = r->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (w_is(c, "t")) {
			GString *t = g_string_new(NULL);
			xml_node_text(c, t);
			if (enc != LEGACY_NONE) {
				char *conv = legacy_convert(t->str, enc);
				append_text(line, conv, SYM_NONE);
				g_free(conv);
			} else {
				append_text(line, t->str, sym);
			}
			g_string_free(t, TRUE);
		} else if (w_is(c, "tab") && wp->leader != 0) {
			append_leader(line, wp->leader);
		} else if (w_is(c, "ptab") && leader_char(xml_attr(c, "leader")) != 0) {
			append_leader(line, leader_char(xml_attr(c, "leader")));
		} else if (w_is(c, "tab") || w_is(c, "ptab")) {
			g_string_append_c(line, '\t');
		} else if (w_is(c, "br") || w_is(c, "cr")) {
			g_string_append_c(line, '\n');
		} else if (w_is(c, "noBreakHyphen")) {
			g_string_append_c(line, '-');
		} else if (w_is(c, "sym")) {
			docx_sym(c, line);
		} else if (w_is(c, "fldChar")) {
			const char *type = xml_attr(c, "fldCharType");
			int on = fld_checkbox(c);
			if (type != NULL && strcmp(type, "begin") == 0 && on >= 0)
				append_box(line, on);
		} else if (w_is(c, "drawing") || w_is(c, "pict") || w_is(c, "object")) {
			docx_textboxes(d, c, extra, depth + 1);
		} else if (mc_alt(c)) {
			docx_textboxes(d, mc_branch(c), extra, depth + 1);
		}
		/* w:instrText (field codes), w:delText, w:rPr: not text */
	}
}

/* The inline content of a paragraph (or of a container inside it). */
static void
docx_inline(const struct docx *d, xmlNode *first, GString *line, struct sink *extra,
            const struct wpara *wp, int depth)
{
	static const char *const containers[] = {
	    "hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo", NULL};

	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (w_is(n, "r")) {
			docx_run(d, n, line, extra, wp, depth + 1);
			continue;
		}
		if (w_is(n, "sdt")) {
			int on = sdt_checkbox(n);
			if (on >= 0) /* its content only shows the box again */
				append_box(line, on);
			else
				docx_inline(d, xml_kids(n, "sdtContent"), line, extra, wp,
				            depth + 1);
			continue;
		}
		if (mc_alt(n)) {
			xmlNode *b = mc_branch(n);
			docx_inline(d, b != NULL ? b->children : NULL, line, extra, wp, depth + 1);
			continue;
		}
		for (int i = 0; containers[i] != NULL; i++)
			if (w_is(n, containers[i])) {
				docx_inline(d, n->children, line, extra, wp, depth + 1);
				break;
			}
		/* w:del, w:moveFrom: deleted; w:pPr, bookmarks, proofing marks: no text */
	}
}

/* Whether a paragraph's mark was deleted (tracked): it runs on into the next. */
static gboolean
docx_mark_deleted(const xmlNode *p)
{
	return xml_child(xml_child(xml_child(p, "pPr"), "rPr"), "del") != NULL;
}

static void docx_table(const struct docx *d, xmlNode *tbl, struct sink *k, int depth);

/* Block content: paragraphs, tables, and the containers around them. */
static void
docx_block(const struct docx *d, xmlNode *first, struct sink *k, int depth)
{
	GString *carry = g_string_new(NULL);

	if (depth > MAX_DEPTH) {
		g_string_free(carry, TRUE);
		return;
	}
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (w_is(n, "p")) {
			struct sink extra = {g_string_new(NULL), k->cell};
			struct wpara wp = docx_para(d, n);
			docx_inline(d, n->children, carry, &extra, &wp, depth + 1);
			if (!docx_mark_deleted(n) || n->next == NULL) {
				sink_para(k, carry->str);
				g_string_truncate(carry, 0);
			}
			sink_add(k, &extra);
			g_string_free(extra.s, TRUE);
		} else if (w_is(n, "tbl")) {
			docx_table(d, n, k, depth + 1);
		} else if (w_is(n, "sdt")) {
			int on = sdt_checkbox(n);
			if (on >= 0) {
				GString *b = g_string_new(NULL);
				append_box(b, on);
				sink_para(k, b->str);
				g_string_free(b, TRUE);
			} else {
				docx_block(d, xml_kids(n, "sdtContent"), k, depth + 1);
			}
		} else if (mc_alt(n)) {
			xmlNode *b = mc_branch(n);
			docx_block(d, b != NULL ? b->children : NULL, k, depth + 1);
		} else if (w_is(n, "customXml") || w_is(n, "ins") || w_is(n, "moveTo") ||
		           w_is(n, "smartTag")) {
			docx_block(d, n->children, k, depth + 1);
		}
		/* w:del, w:moveFrom, w:sectPr, bookmarks: nothing to read */
	}
	if (carry->len > 0)
		sink_para(k, carry->str);
	g_string_free(carry, TRUE);
}

/* A cell's text, or NULL for a cell merged into the one before it
   (w:hMerge continue).  Cells continuing a vertical merge are empty: the
   merged text is kept once, in the first row. */
static char *
docx_cell(const struct docx *d, xmlNode *tc, int depth)
{
	xmlNode *pr = xml_child(tc, "tcPr"), *m;
	struct sink k = {g_string_new(NULL), TRUE};

	if ((m = xml_child(pr, "hMerge")) != NULL && xml_attr(m, "val") != NULL &&
	    strcmp(xml_attr(m, "val"), "restart") != 0) {
		g_string_free(k.s, TRUE);
		return NULL;
	}
	if ((m = xml_child(pr, "vMerge")) != NULL &&
	    (xml_attr(m, "val") == NULL || strcmp(xml_attr(m, "val"), "restart") != 0))
		return g_string_free(k.s, FALSE);
	docx_block(d, tc->children, &k, depth + 1);
	return g_string_free(k.s, FALSE);
}

/* Collect a row's cells, also from content controls around them. */
static void
docx_cells(const struct docx *d, xmlNode *first, GPtrArray *cells, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL && cells->len < MAX_CELLS; n = n->next) {
		if (w_is(n, "tc")) {
			char *t = docx_cell(d, n, depth + 1);
			if (t != NULL)
				g_ptr_array_add(cells, t);
		} else if (w_is(n, "sdt")) {
			docx_cells(d, xml_kids(n, "sdtContent"), cells, depth + 1);
		} else if (w_is(n, "customXml")) {
			docx_cells(d, n->children, cells, depth + 1);
		}
	}
}

/* The rows of a table, also from content controls around them. */
static void
docx_rows(const struct docx *d, xmlNode *first, struct sink *k, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (w_is(n, "tr")) {
			xmlNode *trpr = xml_child(n, "trPr");
			if (xml_child(trpr, "del") != NULL) /* a deleted row */
				continue;
			GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
			const char *before = xml_attr(xml_child(trpr, "gridBefore"), "val");
			for (long i = before != NULL ? strtol(before, NULL, 10) : 0;
			     i > 0 && cells->len < MAX_CELLS; i--)
				g_ptr_array_add(cells, g_strdup(""));
			docx_cells(d, n->children, cells, depth + 1);
			row_line(cells, k);
			g_ptr_array_free(cells, TRUE);
		} else if (w_is(n, "sdt")) {
			docx_rows(d, xml_kids(n, "sdtContent"), k, depth + 1);
		} else if (w_is(n, "customXml")) {
			docx_rows(d, n->children, k, depth + 1);
		}
	}
}

/* A table: each row one line; nested in a cell, flattened into its text. */
static void
docx_table(const struct docx *d, xmlNode *tbl, struct sink *k, int depth)
{
	docx_rows(d, tbl->children, k, depth + 1);
}

/* Text of a DOCX. */
void
office_docx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	struct zipr zr;
	struct docx d = {0};
	xmlDoc *doc = NULL, *styles = NULL;
	char *name;
	int r;

	out->source = "docx";
	if (!zipr_open(&zr, data, len, lim, "DOCX", out))
		return;
	if ((name = main_part(&zr, "word/document.xml", out)) == NULL) {
		zipr_close(&zr);
		return;
	}
	r = zipr_xml(&zr, name, &doc, out);
	if (r == 0)
		doc_fail(out, DOC_BROKEN, "not a DOCX: no %s in it, it is %s", name, zip_kind(&zr));
	g_free(name);
	if (r <= 0) {
		zipr_close(&zr);
		return;
	}
	d.styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, wstyle_free);
	/* the text is readable without the styles */
	r = zipr_xml(&zr, "word/styles.xml", &styles, out);
	if (r > 0)
		docx_styles(&d, styles);
	xmlNode *body = xml_child(xmlDocGetRootElement(doc), "body");
	if (optional_failed(r, out)) {
		/* refused: the cause is set */
	} else if (!w_is(xmlDocGetRootElement(doc), "document") || body == NULL) {
		doc_fail(out, DOC_BROKEN, "not a DOCX: word/document.xml has no w:document/w:body");
	} else {
		struct sink k = {g_string_new(NULL), FALSE};
		docx_block(&d, body->children, &k, 0);
		finish(k.s, "DOCX", out);
		g_string_free(k.s, TRUE);
	}
	if (styles != NULL)
		xmlFreeDoc(styles);
	xmlFreeDoc(doc);
	g_hash_table_unref(d.styles);
	g_free(d.para_style);
	g_free(d.default_font);
	zipr_close(&zr);
}

/* ---- ODT ---- */

struct ostyle {
	char *font;   /* the font family its text properties name, or NULL */
	char *parent; /* style:parent-style-name */
};

struct odt {
	GHashTable *faces;    /* font face name -> family */
	GHashTable *styles;   /* style name -> struct ostyle */
	GHashTable *controls; /* form control id -> "1"/"0" + label */
	char *default_font;
};

/* Free an ODT style. */
static void
ostyle_free(gpointer p)
{
	struct ostyle *s = p;
	g_free(s->font);
	g_free(s->parent);
	g_free(s);
}

/* Whether an element is in the ODF namespace of that short name ("text"). */
static gboolean
odf_is(const xmlNode *n, const char *ns, const char *local)
{
	char *suffix;
	gboolean yes;

	if (!xml_is(n, local) || n->ns == NULL || n->ns->href == NULL)
		return FALSE;
	suffix = g_strdup_printf(":xmlns:%s:1.0", ns);
	yes = g_str_has_suffix((const char *)n->ns->href, suffix);
	g_free(suffix);
	return yes;
}

/* A font family name without the quotes ODF may put around it. */
static char *
odt_family(const char *f)
{
	char *s = g_strdup(f);
	g_strstrip(s);
	gsize n = strlen(s);
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
	return s;
}

/* The font named by a style:text-properties element, or NULL. */
static char *
odt_props_font(const struct odt *o, const xmlNode *props)
{
	const char *f;

	if (props == NULL)
		return NULL;
	if ((f = xml_attr(props, "font-name")) != NULL) {
		const char *fam = g_hash_table_lookup(o->faces, f);
		return g_strdup(fam != NULL ? fam : f);
	}
	if ((f = xml_attr(props, "font-family")) != NULL)
		return odt_family(f);
	return NULL;
}

/* Read font faces, styles and form controls from one part's root. */
static void
odt_decls(struct odt *o, xmlNode *root)
{
	for (xmlNode *sec = root->children; sec != NULL; sec = sec->next) {
		if (xml_is(sec, "font-face-decls")) {
			for (xmlNode *f = sec->children; f != NULL; f = f->next)
				if (xml_is(f, "font-face") && xml_attr(f, "name") &&
				    xml_attr(f, "font-family"))
					g_hash_table_replace(
					    o->faces, g_strdup(xml_attr(f, "name")),
					    odt_family(xml_attr(f, "font-family")));
		} else if (xml_is(sec, "styles") || xml_is(sec, "automatic-styles")) {
			for (xmlNode *s = sec->children; s != NULL; s = s->next) {
				xmlNode *props = xml_child(s, "text-properties");
				if (xml_is(s, "default-style") && xml_attr(s, "family") != NULL &&
				    strcmp(xml_attr(s, "family"), "paragraph") == 0) {
					char *f = odt_props_font(o, props);
					if (f != NULL) {
						g_free(o->default_font);
						o->default_font = f;
					}
				}
				if (!xml_is(s, "style") || xml_attr(s, "name") == NULL)
					continue;
				struct ostyle *st = g_new0(struct ostyle, 1);
				st->font = odt_props_font(o, props);
				st->parent = g_strdup(xml_attr(s, "parent-style-name"));
				g_hash_table_replace(o->styles, g_strdup(xml_attr(s, "name")), st);
			}
		}
	}
}

/* The font a style gives, through its parents. */
static const char *
odt_style_font(const struct odt *o, const char *name)
{
	for (int i = 0; name != NULL && i < MAX_STYLE_CHAIN; i++) {
		const struct ostyle *s = g_hash_table_lookup(o->styles, name);
		if (s == NULL)
			return NULL;
		if (s->font != NULL)
			return s->font;
		name = s->parent;
	}
	return NULL;
}

/* Collect the check boxes of the document's forms, by control id. */
static void
odt_forms(struct odt *o, xmlNode *n, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (xml_is(c, "checkbox")) {
			const char *id = xml_attr(c, "id");
			const char *cur = xml_attr(c, "current-state"), *st = xml_attr(c, "state");
			const char *v = cur != NULL ? cur : st;
			const char *label = xml_attr(c, "label");
			if (id != NULL)
				g_hash_table_replace(
				    o->controls, g_strdup(id),
				    g_strconcat(v != NULL && strcmp(v, "checked") == 0 ? "1" : "0",
				                label != NULL ? label : "", NULL));
			continue;
		}
		odt_forms(o, c, depth + 1);
	}
}

/* Append ODF character data: white space collapses to one space. */
static void
odt_chars(GString *line, const char *s, enum legacy_enc enc, enum symfont sym)
{
	char *conv = enc != LEGACY_NONE ? legacy_convert(s, enc) : NULL;
	GString *t = g_string_new(NULL);

	for (const char *p = conv != NULL ? conv : s; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
			if ((t->len > 0 && t->str[t->len - 1] == ' ') ||
			    (t->len == 0 && (line->len == 0 || line->str[line->len - 1] == ' ')))
				continue;
			g_string_append_c(t, ' ');
		} else {
			g_string_append_c(t, *p);
		}
	}
	append_text(line, t->str, sym);
	g_string_free(t, TRUE);
	g_free(conv);
}

static void odt_block(const struct odt *o, xmlNode *first, struct sink *k, const char *font,
                      int depth);

/* Inline content of a paragraph or span. */
static void
odt_inline(const struct odt *o, xmlNode *first, GString *line, struct sink *extra, const char *font,
           int depth)
{
	static const char *const skip[] = {
	    "annotation",      "annotation-end", "note",     "tracked-changes", "change",
	    "change-start",    "change-end",     "bookmark", "bookmark-start",  "bookmark-end",
	    "soft-page-break", "reference-mark", NULL};

	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content != NULL)
				odt_chars(line, (const char *)n->content, legacy_font(font),
				          symfont_of(font));
			continue;
		}
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (odf_is(n, "text", "s")) {
			const char *c = xml_attr(n, "c");
			long k = c != NULL ? strtol(c, NULL, 10) : 1;
			for (long i = 0; i < CLAMP(k, 1, MAX_SPACES); i++)
				g_string_append_c(line, ' ');
		} else if (odf_is(n, "text", "tab")) {
			g_string_append_c(line, '\t');
		} else if (odf_is(n, "text", "line-break")) {
			g_string_append_c(line, '\n');
		} else if (odf_is(n, "drawing", "control")) {
			const char *v = g_hash_table_lookup(
			    o->controls, xml_attr(n, "control") ? xml_attr(n, "control") : "");
			if (v != NULL) {
				append_box(line, v[0] == '1');
				if (v[1] != '\0') {
					g_string_append_c(line, ' ');
					g_string_append(line, v + 1);
				}
			}
		} else if (n->ns != NULL && n->ns->href != NULL &&
		           g_str_has_suffix((const char *)n->ns->href, ":xmlns:drawing:1.0")) {
			odt_block(o, n->children, extra, font, depth + 1);
		} else {
			gboolean skipped = FALSE;
			for (int i = 0; skip[i] != NULL && !skipped; i++)
				skipped = xml_is(n, skip[i]);
			if (skipped || odf_is(n, "office", "annotation"))
				continue;
			/* spans, links, fields, meta: their text shows */
			const char *f = odt_style_font(o, xml_attr(n, "style-name"));
			odt_inline(o, n->children, line, extra, f != NULL ? f : font, depth + 1);
		}
	}
}

/* Whether a row of cells (strings) is all empty. */
static gboolean
cells_empty(GPtrArray *cells)
{
	for (guint i = 0; i < cells->len; i++)
		if (*(const char *)g_ptr_array_index(cells, i) != '\0')
			return FALSE;
	return TRUE;
}

/* The cells of one ODT row: repeated cells bounded, horizontally covered
   cells dropped (kept once), vertically covered ones empty. */
static void
odt_row(const struct odt *o, xmlNode *tr, GPtrArray *cells, const char *font, int depth)
{
	long spanned = 0;

	for (xmlNode *n = tr->children; n != NULL && cells->len < MAX_CELLS; n = n->next) {
		gboolean covered = odf_is(n, "table", "covered-table-cell");
		if (!covered && !odf_is(n, "table", "table-cell"))
			continue;
		const char *rep = xml_attr(n, "number-columns-repeated");
		long times = rep != NULL ? strtol(rep, NULL, 10) : 1;
		times = CLAMP(times, 1, MAX_CELLS);
		if (covered) {
			for (; times > 0 && spanned > 0; times--)
				spanned--;
			for (; times > 0 && cells->len < MAX_CELLS; times--)
				g_ptr_array_add(cells, g_strdup(""));
			continue;
		}
		const char *span = xml_attr(n, "number-columns-spanned");
		struct sink k = {g_string_new(NULL), TRUE};
		odt_block(o, n->children, &k, font, depth + 1);
		if (k.s->len > 0)
			times = MIN(times, MAX_REPEAT);
		for (; times > 0 && cells->len < MAX_CELLS; times--)
			g_ptr_array_add(cells, g_strdup(k.s->str));
		g_string_free(k.s, TRUE);
		spanned = span != NULL ? CLAMP(strtol(span, NULL, 10), 1, MAX_CELLS) - 1 : 0;
	}
}

/* The rows of an ODT table and of its row groups. */
static void
odt_rows(const struct odt *o, xmlNode *first, struct sink *k, const char *font, int depth)
{
	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (odf_is(n, "table", "table-row")) {
			GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
			const char *rep = xml_attr(n, "number-rows-repeated");
			long times = rep != NULL ? strtol(rep, NULL, 10) : 1;
			odt_row(o, n, cells, font, depth + 1);
			/* empty rows repeated to the end of a sheet: once is enough */
			times = cells_empty(cells) ? 1 : CLAMP(times, 1, MAX_REPEAT);
			for (; times > 0; times--)
				row_line(cells, k);
			g_ptr_array_free(cells, TRUE);
		} else if (odf_is(n, "table", "table-header-rows") ||
		           odf_is(n, "table", "table-rows") ||
		           odf_is(n, "table", "table-row-group")) {
			odt_rows(o, n->children, k, font, depth + 1);
		}
	}
}

/* Block content: paragraphs, headings, lists, tables, sections, frames. */
static void
odt_block(const struct odt *o, xmlNode *first, struct sink *k, const char *font, int depth)
{
	static const char *const containers[] = {
	    "section",    "list",         "list-item", "list-header", "numbered-paragraph",
	    "index-body", "index-title",  "text-box",  "frame",       "a",
	    "g",          "custom-shape", "rect",      "ellipse",     NULL};

	if (depth > MAX_DEPTH)
		return;
	for (xmlNode *n = first; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (odf_is(n, "text", "p") || odf_is(n, "text", "h")) {
			GString *line = g_string_new(NULL);
			struct sink extra = {g_string_new(NULL), k->cell};
			const char *f = odt_style_font(o, xml_attr(n, "style-name"));
			odt_inline(o, n->children, line, &extra, f != NULL ? f : font, depth + 1);
			sink_para(k, line->str);
			sink_add(k, &extra);
			g_string_free(line, TRUE);
			g_string_free(extra.s, TRUE);
		} else if (odf_is(n, "table", "table")) {
			odt_rows(o, n->children, k, font, depth + 1);
		} else {
			for (int i = 0; containers[i] != NULL; i++)
				if (xml_is(n, containers[i]) &&
				    (odf_is(n, "text", containers[i]) ||
				     odf_is(n, "drawing", containers[i]))) {
					odt_block(o, n->children, k, font, depth + 1);
					break;
				}
		}
		/* tracked changes, forms, sequence declarations: no text to show */
	}
}

/* Text of an ODT. */
void
office_odt(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	struct zipr zr;
	struct odt o = {0};
	xmlDoc *doc = NULL, *styles = NULL;
	char *mime = NULL;
	gsize mlen = 0;
	int r;

	out->source = "odt";
	if (!zipr_open(&zr, data, len, lim, "ODT", out))
		return;
	if (zipr_read(&zr, "mimetype", &mime, &mlen, out) < 0) {
		zipr_close(&zr);
		return;
	}
	if (mime != NULL && !g_str_has_prefix(mime, "application/vnd.oasis.opendocument.text")) {
		doc_fail(out, DOC_BROKEN, "not an ODT: its mimetype is %.80s", mime);
		g_free(mime);
		zipr_close(&zr);
		return;
	}
	g_free(mime);
	r = zipr_xml(&zr, "content.xml", &doc, out);
	if (r == 0)
		doc_fail(out, DOC_BROKEN, "not an ODT: no content.xml in it, it is %s",
		         zip_kind(&zr));
	if (r <= 0) {
		zipr_close(&zr);
		return;
	}
	o.faces = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	o.styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, ostyle_free);
	o.controls = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	r = zipr_xml(&zr, "styles.xml", &styles, out);
	if (r > 0)
		odt_decls(&o, xmlDocGetRootElement(styles));
	if (!optional_failed(r, out)) {
		xmlNode *root = xmlDocGetRootElement(doc);
		xmlNode *text = xml_child(xml_child(root, "body"), "text");
		odt_decls(&o, root);
		if (text == NULL) {
			doc_fail(out, DOC_BROKEN, "not an ODT: content.xml has no office:text");
		} else {
			struct sink k = {g_string_new(NULL), FALSE};
			odt_forms(&o, text, 0);
			odt_block(&o, text->children, &k, o.default_font, 0);
			finish(k.s, "ODT", out);
			g_string_free(k.s, TRUE);
		}
	}
	if (styles != NULL)
		xmlFreeDoc(styles);
	xmlFreeDoc(doc);
	g_hash_table_unref(o.faces);
	g_hash_table_unref(o.styles);
	g_hash_table_unref(o.controls);
	g_free(o.default_font);
	zipr_close(&zr);
}
