/*
 * zipxml.h - zip containers of XML parts (DOCX, ODT, XLSX), read from
 * memory under doc_limits.
 *
 * zipr_open() checks the whole container before anything is unpacked: each
 * entry's declared size, their total against max_unpacked, and each entry's
 * packing ratio against max_ratio (a zip bomb is refused with a cause that
 * names the entry); zipr_read() counts bytes again while unpacking, since
 * declared sizes can lie.  xml_parse() reads XML without network access
 * and without substituting entities.  Errors go into the caller's doc_text
 * (status and cause).  No I/O.
 */
#ifndef PHIEU_ZIPXML_H
#define PHIEU_ZIPXML_H

#include <libxml/tree.h>
#include <zip.h>

#include "doc.h"

/* Entries smaller than this may pack denser than max_ratio (a short run of
   repeated XML packs very well) without being a danger to anyone. */
#define ZIP_RATIO_FLOOR (1024 * 1024)

struct zipr {
	zip_t *zip;
	const struct doc_limits *lim;
	guint64 unpacked; /* bytes unpacked so far, all entries */
};

/* A size for people ("4.0 GB"), with a plain space. */
char *zipxml_size_text(guint64 n);
/* What the bytes are when they are not a zip container, for the cause. */
const char *zipr_sniff(const guint8 *data, gsize len);
/* Refuse an entry, or the whole container, over the limits; FALSE with out set. */
gboolean zipr_check(struct zipr *zr, struct doc_text *out);
/* "a" or "an" before an abbreviation read letter by letter ("an XLSX"). */
const char *zipxml_article(const char *abbr);
/* Open a container held in memory and check it; FALSE with out set. */
gboolean zipr_open(struct zipr *zr, const guint8 *data, gsize len, const struct doc_limits *lim,
                   const char *kind, struct doc_text *out);
/* Close the container. */
void zipr_close(struct zipr *zr);
/* Whether the container has an entry of that name. */
gboolean zipr_has(struct zipr *zr, const char *name);
/* Unpack one entry: 1 with *buf (g_free), 0 when absent, -1 on error with out set. */
int zipr_read(struct zipr *zr, const char *name, char **buf, gsize *len, struct doc_text *out);
/* Parse one XML part: no network, no entity substitution; NULL with out set. */
xmlDoc *xml_parse(const char *buf, gsize len, const char *name, struct doc_text *out);
/* Unpack and parse one part.  Returns 1 with *doc, 0 when absent, -1 on error. */
int zipr_xml(struct zipr *zr, const char *name, xmlDoc **doc, struct doc_text *out);

/* ---- reading the XML parts ---- */

/* Whether an element has that local name (any namespace). */
gboolean xml_is(const xmlNode *n, const char *local);
/* The first child element of that local name. */
xmlNode *xml_child(const xmlNode *n, const char *local);
/* The children of the first child element of that local name, or NULL. */
xmlNode *xml_kids(const xmlNode *n, const char *local);
/* An attribute's value by local name (any namespace), borrowed; NULL if absent. */
const char *xml_attr(const xmlNode *n, const char *local);
/* The text of an element's own text children (entity references are not followed). */
void xml_node_text(const xmlNode *n, GString *to);
/* The target of the package relationship of that type (suffix), or NULL. */
char *zipxml_rels_target(xmlDoc *rels, const char *type_suffix, const char *base);
/* Forget a failure to read an optional part, unless it was refused. */
gboolean zipxml_optional_failed(int r, struct doc_text *out);
/* The main part of a package: from _rels/.rels, else the usual name; NULL
   when reading the relationships went over a limit. */
char *zipxml_main_part(struct zipr *zr, const char *usual, struct doc_text *out);
/* What a zip without the expected part holds instead, for the cause. */
const char *zipxml_kind(struct zipr *zr);

#endif
