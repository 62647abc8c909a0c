/* office_docx.c - DOCX (WordprocessingML) text; see office.h. */
#include "office.h"
#include "text.h"

#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "legacy.h"
#include "office_parts.h"
#include "zipxml.h"

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
	enum symfont f = office_symfont_of(xml_attr(sym, "font"));
	gunichar c;

	if (code == NULL || f == SYM_NONE)
		return;
	c = office_sym_char(f, (gunichar)g_ascii_strtoull(code, NULL, 16));
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
	enum symfont sym = office_symfont_of(font);
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
				office_append_text(line, conv, SYM_NONE);
				g_free(conv);
			} else {
				office_append_text(line, t->str, sym);
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
				office_append_box(line, on);
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
				office_append_box(line, on);
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
				office_sink_para(k, carry->str);
				g_string_truncate(carry, 0);
			}
			office_sink_add(k, &extra);
			g_string_free(extra.s, TRUE);
		} else if (w_is(n, "tbl")) {
			docx_table(d, n, k, depth + 1);
		} else if (w_is(n, "sdt")) {
			int on = sdt_checkbox(n);
			if (on >= 0) {
				GString *b = g_string_new(NULL);
				office_append_box(b, on);
				office_sink_para(k, b->str);
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
		office_sink_para(k, carry->str);
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
			office_row_line(cells, k);
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
	if ((name = zipxml_main_part(&zr, "word/document.xml", out)) == NULL) {
		zipr_close(&zr);
		return;
	}
	r = zipr_xml(&zr, name, &doc, out);
	if (r == 0)
		doc_fail(out, DOC_BROKEN, "not a DOCX: no %s in it, it is %s", name,
		         zipxml_kind(&zr));
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
	if (zipxml_optional_failed(r, out)) {
		/* refused: the cause is set */
	} else if (!w_is(xmlDocGetRootElement(doc), "document") || body == NULL) {
		doc_fail(out, DOC_BROKEN, "not a DOCX: word/document.xml has no w:document/w:body");
	} else {
		struct sink k = {g_string_new(NULL), FALSE};
		docx_block(&d, body->children, &k, 0);
		office_finish(k.s, "DOCX", out);
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
