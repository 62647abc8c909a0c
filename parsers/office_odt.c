/* office_odt.c - ODT (OpenDocument text) text; see office.h. */
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
	office_append_text(line, t->str, sym);
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
				          office_symfont_of(font));
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
				office_append_box(line, v[0] == '1');
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
				office_row_line(cells, k);
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
			office_sink_para(k, line->str);
			office_sink_add(k, &extra);
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
		         zipxml_kind(&zr));
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
	if (!zipxml_optional_failed(r, out)) {
		xmlNode *root = xmlDocGetRootElement(doc);
		xmlNode *text = xml_child(xml_child(root, "body"), "text");
		odt_decls(&o, root);
		if (text == NULL) {
			doc_fail(out, DOC_BROKEN, "not an ODT: content.xml has no office:text");
		} else {
			struct sink k = {g_string_new(NULL), FALSE};
			odt_forms(&o, text, 0);
			odt_block(&o, text->children, &k, o.default_font, 0);
			office_finish(k.s, "ODT", out);
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
