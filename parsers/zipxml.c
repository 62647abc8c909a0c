/* zipxml.c - zip containers of XML parts under limits; see zipxml.h. */
#include "zipxml.h"

#include <limits.h>
#include <string.h>

#include <libxml/parser.h>

/* A size for people ("4.0 GB"), with a plain space. */
char *
zipxml_size_text(guint64 n)
{
	char *s = g_format_size(n);
	char *nbsp;

	while ((nbsp = strstr(s, "\xc2\xa0")) != NULL) {
		*nbsp = ' ';
		memmove(nbsp + 1, nbsp + 2, strlen(nbsp + 2) + 1);
	}
	return s;
}

/* What the bytes are when they are not a zip container, for the cause. */
const char *
zipr_sniff(const guint8 *data, gsize len)
{
	if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return "an OLE2 compound file (legacy .doc/.xls)";
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
		return "a PDF";
	if (len >= 5 && memcmp(data, "{\\rtf", 5) == 0)
		return "an RTF document";
	if (len >= 1 && (data[0] == '<' || (len >= 4 && memcmp(data, "\xEF\xBB\xBF<", 4) == 0)))
		return "an XML or HTML file";
	if (len == 0)
		return "empty";
	return "not a zip container";
}

/* Refuse an entry, or the whole container, that would unpack over the
   limits; nothing is unpacked yet. */
gboolean
zipr_check(struct zipr *zr, struct doc_text *out)
{
	const struct doc_limits *lim = zr->lim;
	zip_int64_t n = zip_get_num_entries(zr->zip, 0);
	guint64 total = 0;

	for (zip_int64_t i = 0; i < n; i++) {
		zip_stat_t st;
		char *a, *b, *c;

		zip_stat_init(&st);
		if (zip_stat_index(zr->zip, (zip_uint64_t)i, 0, &st) != 0) {
			doc_fail(out, DOC_BROKEN,
			         "zip entry %" G_GINT64_FORMAT " is unreadable: %s", (gint64)i,
			         zip_strerror(zr->zip));
			return FALSE;
		}
		const char *name = (st.valid & ZIP_STAT_NAME) ? st.name : "(unnamed)";
		if (!(st.valid & ZIP_STAT_SIZE))
			continue;
		if (st.size > lim->max_unpacked) {
			a = zipxml_size_text(st.size), b = zipxml_size_text(lim->max_unpacked);
			doc_fail(out, DOC_REFUSED,
			         "zip entry %s unpacks to %s, over the limit of %s (a zip bomb?)",
			         name, a, b);
			g_free(a), g_free(b);
			return FALSE;
		}
		total += st.size;
		if (total > lim->max_unpacked) {
			a = zipxml_size_text(total), b = zipxml_size_text(lim->max_unpacked);
			doc_fail(out, DOC_REFUSED,
			         "zip entries unpack to %s or more in all (at entry %s), over the "
			         "limit of %s",
			         a, name, b);
			g_free(a), g_free(b);
			return FALSE;
		}
		if (st.size > ZIP_RATIO_FLOOR && (st.valid & ZIP_STAT_COMP_SIZE) &&
		    (st.comp_size == 0 || st.size / st.comp_size > lim->max_ratio)) {
			a = zipxml_size_text(st.size), b = zipxml_size_text(st.comp_size);
			c = g_strdup_printf("%" G_GUINT64_FORMAT,
			                    st.comp_size ? (guint64)(st.size / st.comp_size) : 0);
			doc_fail(out, DOC_REFUSED,
			         "zip entry %s unpacks to %s from %s (ratio %s), over the limit of "
			         "%u (a zip bomb?)",
			         name, a, b, c, lim->max_ratio);
			g_free(a), g_free(b), g_free(c);
			return FALSE;
		}
	}
	return TRUE;
}

/* "a" or "an" before an abbreviation read letter by letter ("an XLSX"). */
const char *
zipxml_article(const char *abbr)
{
	return strchr("AEFHILMNORSX", abbr[0]) != NULL ? "an" : "a";
}

/* Open a zip container held in memory and check it against the limits;
   kind names what it should be ("DOCX") in causes. */
gboolean
zipr_open(struct zipr *zr, const guint8 *data, gsize len, const struct doc_limits *lim,
          const char *kind, struct doc_text *out)
{
	zip_error_t err;
	zip_source_t *src;

	memset(zr, 0, sizeof *zr);
	zr->lim = lim;
	if (len > lim->max_part) {
		char *a = zipxml_size_text(len), *b = zipxml_size_text(lim->max_part);
		doc_fail(out, DOC_REFUSED, "%s of %s, over the limit of %s", kind, a, b);
		g_free(a), g_free(b);
		return FALSE;
	}
	if (len < 4 || memcmp(data, "PK", 2) != 0) {
		doc_fail(out, DOC_BROKEN, "not %s %s: %s", zipxml_article(kind), kind,
		         zipr_sniff(data, len));
		return FALSE;
	}
	zip_error_init(&err);
	src = zip_source_buffer_create(data, len, 0, &err);
	if (src != NULL) {
		zr->zip = zip_open_from_source(src, ZIP_RDONLY, &err);
		if (zr->zip == NULL)
			zip_source_free(src);
	}
	if (zr->zip == NULL) {
		doc_fail(out, DOC_BROKEN, "not %s %s: the zip container is unreadable (%s)",
		         zipxml_article(kind), kind, zip_error_strerror(&err));
		zip_error_fini(&err);
		return FALSE;
	}
	zip_error_fini(&err);
	if (!zipr_check(zr, out)) {
		zip_discard(zr->zip);
		zr->zip = NULL;
		return FALSE;
	}
	return TRUE;
}

/* Close the container. */
void
zipr_close(struct zipr *zr)
{
	if (zr->zip != NULL)
		zip_discard(zr->zip);
	zr->zip = NULL;
}

/* Whether the container has an entry of that name. */
gboolean
zipr_has(struct zipr *zr, const char *name)
{
	return zip_name_locate(zr->zip, name, 0) >= 0 ||
	       zip_name_locate(zr->zip, name, ZIP_FL_NOCASE) >= 0;
}

/*
 * Unpack one entry, counting the bytes as they come.  Returns 1 with *buf
 * (NUL-terminated, g_free) and *len set, 0 when there is no such entry, -1
 * with out set when it cannot be read or goes over a limit.
 */
int
zipr_read(struct zipr *zr, const char *name, char **buf, gsize *len, struct doc_text *out)
{
	const struct doc_limits *lim = zr->lim;
	zip_int64_t i = zip_name_locate(zr->zip, name, 0);
	zip_stat_t st;
	zip_file_t *f;
	GByteArray *b;
	guint8 chunk[16384];
	guint64 budget = lim->max_unpacked > zr->unpacked ? lim->max_unpacked - zr->unpacked : 0;
	char *x, *y;

	if (i < 0)
		i = zip_name_locate(zr->zip, name, ZIP_FL_NOCASE);
	if (i < 0)
		return 0;
	zip_stat_init(&st);
	if (zip_stat_index(zr->zip, (zip_uint64_t)i, 0, &st) != 0 ||
	    (f = zip_fopen_index(zr->zip, (zip_uint64_t)i, 0)) == NULL) {
		doc_fail(out, DOC_BROKEN, "zip entry %s cannot be opened: %s", name,
		         zip_strerror(zr->zip));
		return -1;
	}
	b = g_byte_array_new();
	for (;;) {
		zip_int64_t got = zip_fread(f, chunk, sizeof chunk);
		if (got < 0) {
			doc_fail(out, DOC_BROKEN, "zip entry %s is corrupt: %s", name,
			         zip_file_strerror(f));
			break;
		}
		if (got == 0) {
			zip_fclose(f);
			zr->unpacked += b->len;
			*len = b->len;
			g_byte_array_append(b, (const guint8 *)"", 1);
			*buf = (char *)g_byte_array_free(b, FALSE);
			return 1;
		}
		guint64 now = (guint64)b->len + (guint64)got;
		if ((st.valid & ZIP_STAT_SIZE) && now > st.size) {
			x = zipxml_size_text(st.size);
			doc_fail(out, DOC_REFUSED,
			         "zip entry %s unpacks to more than its declared %s (a zip bomb?)",
			         name, x);
			g_free(x);
			break;
		}
		if (now > budget) {
			x = zipxml_size_text(now), y = zipxml_size_text(lim->max_unpacked);
			doc_fail(out, DOC_REFUSED,
			         "zip entry %s unpacks to %s or more, over the limit of %s in all",
			         name, x, y);
			g_free(x), g_free(y);
			break;
		}
		if (now > ZIP_RATIO_FLOOR && (st.valid & ZIP_STAT_COMP_SIZE) &&
		    (st.comp_size == 0 || now / st.comp_size > lim->max_ratio)) {
			x = zipxml_size_text(now), y = zipxml_size_text(st.comp_size);
			doc_fail(out, DOC_REFUSED,
			         "zip entry %s unpacks to %s or more from %s, over the ratio limit "
			         "of %u (a zip bomb?)",
			         name, x, y, lim->max_ratio);
			g_free(x), g_free(y);
			break;
		}
		g_byte_array_append(b, chunk, (guint)got);
	}
	zip_fclose(f);
	g_byte_array_free(b, TRUE);
	return -1;
}

/* Parse one part: no network, no entity substitution, libxml2's default
   size and depth limits (no XML_PARSE_HUGE).  NULL with out set on error. */
xmlDoc *
xml_parse(const char *buf, gsize len, const char *name, struct doc_text *out)
{
	xmlParserCtxt *ctxt;
	xmlDoc *doc;

	if (len > INT_MAX) {
		doc_fail(out, DOC_REFUSED, "%s is too large to read", name);
		return NULL;
	}
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL) {
		doc_fail(out, DOC_BROKEN, "%s: no XML parser", name);
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, name, NULL,
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char *msg = g_strdup(e != NULL && e->message != NULL ? e->message : "no content");
		doc_fail(out, DOC_BROKEN, "%s is not well-formed XML: %s (line %d)", name,
		         g_strstrip(msg), e != NULL ? e->line : 0);
		g_free(msg);
		if (doc != NULL)
			xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

/* Unpack and parse one part.  Returns 1 with *doc, 0 when absent, -1 on error. */
int
zipr_xml(struct zipr *zr, const char *name, xmlDoc **doc, struct doc_text *out)
{
	char *buf;
	gsize len;
	int r = zipr_read(zr, name, &buf, &len, out);

	*doc = NULL;
	if (r <= 0)
		return r;
	*doc = xml_parse(buf, len, name, out);
	g_free(buf);
	return *doc != NULL ? 1 : -1;
}

/* Whether an element has that local name (any namespace). */
gboolean
xml_is(const xmlNode *n, const char *local)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       xmlStrEqual(n->name, (const xmlChar *)local);
}

/* The first child element of that local name. */
xmlNode *
xml_child(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (xml_is(c, local))
			return c;
	return NULL;
}

/* The children of the first child element of that local name, or NULL. */
xmlNode *
xml_kids(const xmlNode *n, const char *local)
{
	xmlNode *c = xml_child(n, local);

	return c != NULL ? c->children : NULL;
}

/* An attribute's value by local name (any namespace), borrowed; NULL if absent. */
const char *
xml_attr(const xmlNode *n, const char *local)
{
	if (n == NULL)
		return NULL;
	for (xmlAttr *a = n->properties; a != NULL; a = a->next)
		if (xmlStrEqual(a->name, (const xmlChar *)local))
			return a->children != NULL && a->children->content != NULL
			           ? (const char *)a->children->content
			           : "";
	return NULL;
}

/* The text of an element's own text children (entity references are not followed). */
void
xml_node_text(const xmlNode *n, GString *to)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content != NULL)
			g_string_append(to, (const char *)c->content);
}

/* The target of the package relationship of that type (suffix), or NULL. */
char *
zipxml_rels_target(xmlDoc *rels, const char *type_suffix, const char *base)
{
	for (xmlNode *n = xmlDocGetRootElement(rels)->children; n != NULL; n = n->next) {
		const char *type = xml_attr(n, "Type"), *target = xml_attr(n, "Target");
		if (!xml_is(n, "Relationship") || type == NULL || target == NULL ||
		    !g_str_has_suffix(type, type_suffix))
			continue;
		if (target[0] == '/')
			return g_strdup(target + 1);
		return g_strconcat(base, target, NULL);
	}
	return NULL;
}

/* Forget a failure to read an optional part, unless it was refused. */
gboolean
zipxml_optional_failed(int r, struct doc_text *out)
{
	if (r >= 0 || out->status == DOC_REFUSED)
		return r < 0;
	g_clear_pointer(&out->cause, g_free);
	out->status = DOC_OK;
	return FALSE;
}

/* The main part of a package: from _rels/.rels, else the usual name; NULL
   when reading the relationships went over a limit. */
char *
zipxml_main_part(struct zipr *zr, const char *usual, struct doc_text *out)
{
	xmlDoc *rels;
	char *name = NULL;
	int r = zipr_xml(zr, "_rels/.rels", &rels, out);

	if (zipxml_optional_failed(r, out))
		return NULL;
	if (r > 0) {
		name = zipxml_rels_target(rels, "/officeDocument", "");
		xmlFreeDoc(rels);
	}
	if (name == NULL || !zipr_has(zr, name)) {
		g_free(name);
		name = g_strdup(usual);
	}
	return name;
}

/* What a zip without the expected part holds instead, for the cause. */
const char *
zipxml_kind(struct zipr *zr)
{
	if (zipr_has(zr, "word/document.xml"))
		return "a Word document (DOCX)";
	if (zipr_has(zr, "xl/workbook.xml"))
		return "an Excel workbook (XLSX)";
	if (zipr_has(zr, "ppt/presentation.xml"))
		return "a PowerPoint presentation (PPTX)";
	if (zipr_has(zr, "content.xml"))
		return "an OpenDocument file";
	return "a zip archive of other files";
}
