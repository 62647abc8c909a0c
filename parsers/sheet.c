/*
 * sheet.c - XLSX and CSV rows; see sheet.h.
 *
 * XLSX is a zip of XML parts, checked against doc_limits before anything is
 * unpacked and counted again while an entry is read (declared sizes can
 * lie); libxml2 reads the parts without network access and without
 * substituting entities (zipxml.c, shared with office.c).  A row is one line, its cells joined by "
 * | " in column order: empty cells inside a row keep their place, empty cells at its end are
 * dropped, columns empty in every row of a sheet are dropped at its left.
 * CSV: charset and delimiter detected, quotes as RFC 4180 has them.
 */
#include "sheet.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "text.h"
#include "zipxml.h"

/* Columns of a sheet (XFD), sheets read, and the first CSV records looked
   at to find the delimiter. */
#define MAX_COLUMNS   16384
#define MAX_SHEETS    256
#define SNIFF_RECORDS 20

/* ---- cells and rows ---- */

/* A cell's text on one line: OOXML escapes (_x000D_) decoded, runs of
   line breaks, tabs and spaces as one space, trimmed. */
static char *
cell_clean(const char *s)
{
	GString *t = g_string_new(NULL);

	for (const char *p = s; *p != '\0'; p++) {
		char c = *p;
		guint v = 0;
		if (c == '_' && p[1] == 'x' && g_ascii_isxdigit(p[2]) && g_ascii_isxdigit(p[3]) &&
		    g_ascii_isxdigit(p[4]) && g_ascii_isxdigit(p[5]) && p[6] == '_') {
			for (int i = 2; i < 6; i++)
				v = v * 16 + (guint)g_ascii_xdigit_value(p[i]);
			p += 6;
			if (v >= 0x20 && g_unichar_validate(v)) {
				g_string_append_unichar(t, v);
				continue;
			}
			c = ' ';
		}
		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		if (c == ' ' && t->len > 0 && t->str[t->len - 1] == ' ')
			continue;
		g_string_append_c(t, c);
	}
	return g_strstrip(g_string_free(t, FALSE));
}

/* Append one row: cells from column lead, " | " between them, trailing
   empty cells dropped. */
static void
row_append(GString *out, GPtrArray *cells, guint lead)
{
	guint n = cells->len;

	while (n > lead && *(const char *)g_ptr_array_index(cells, n - 1) == '\0')
		n--;
	for (guint i = lead; i < n; i++) {
		if (i > lead)
			g_string_append(out, " | ");
		g_string_append(out, g_ptr_array_index(cells, i));
	}
	g_string_append_c(out, '\n');
}

/* Finish the text: no trailing blank lines, NFC. */
static void
finish(GString *text, const char *kind, struct doc_text *out)
{
	gboolean any = FALSE;

	for (gsize i = 0; i < text->len && !any; i++)
		any = !g_ascii_isspace(text->str[i]);
	if (!any) {
		doc_fail(out, DOC_EMPTY, "the %s holds no cells with text", kind);
		return;
	}
	while (text->len > 0 && text->str[text->len - 1] == '\n')
		g_string_truncate(text, text->len - 1);
	g_string_append_c(text, '\n');
	out->text = text_nfc(text->str);
	out->status = DOC_OK;
	out->confidence = 1.0;
}

/* ---- XLSX ---- */

enum numkind { NUM_PLAIN = 0, NUM_DATE = 1, NUM_TIME = 2, NUM_DATETIME = 3 };
/* Or'ed with a width: integers padded with zeros to it, as a format
   "0000000000" shows a phone number or "000000000000" an ID number. */
#define NUM_PAD 0x100

struct xlsx {
	GPtrArray *strings; /* the shared strings */
	GArray *kinds;      /* int: enum numkind or NUM_PAD, per cell format (cellXfs) */
	gboolean date1904;
};

/* The text of a shared or inline string: plain, or rich text runs joined;
   phonetic runs (rPh) are not shown. */
static char *
xlsx_rich(const xmlNode *si)
{
	GString *t = g_string_new(NULL);
	char *s;

	for (xmlNode *n = si != NULL ? si->children : NULL; n != NULL; n = n->next) {
		if (xml_is(n, "t"))
			xml_node_text(n, t);
		else if (xml_is(n, "r") && xml_child(n, "t") != NULL)
			xml_node_text(xml_child(n, "t"), t);
	}
	s = cell_clean(t->str);
	g_string_free(t, TRUE);
	return s;
}

/* What a built-in number format (by id) shows. */
static enum numkind
builtin_kind(long id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
		return NUM_DATE;
	if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47))
		return NUM_TIME;
	return id == 22 ? NUM_DATETIME : NUM_PLAIN;
}

/* What a custom format code shows: a date when it has d or y (or m
   without h or s), a time when it has h or s, zero-padded integers when it
   is only zeros.  Only the first section counts; quoted text, escapes and
   [colour]/[$-locale] tags are skipped. */
static int
custom_kind(const char *code)
{
	gboolean d = FALSE, m = FALSE, h = FALSE, s = FALSE;
	gsize zeros = strspn(code, "0");

	if (zeros >= 2 && zeros <= 20 && (code[zeros] == '\0' || code[zeros] == ';'))
		return NUM_PAD | (int)zeros;

	for (const char *p = code; *p != '\0' && *p != ';'; p++) {
		if (*p == '"') {
			const char *q = strchr(p + 1, '"');
			if (q == NULL)
				break;
			p = q;
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			if (p[1] == '\0')
				break;
			p++;
		} else if (*p == '[') {
			const char *q = strchr(p, ']');
			if (q == NULL)
				break;
			/* [h]:mm elapsed time; [Red], [$-42A] are not */
			if (q - p >= 2 && strspn(p + 1, "hHmMsS") == (gsize)(q - p - 1))
				h = TRUE;
			p = q;
		} else if (g_ascii_strncasecmp(p, "AM/PM", 5) == 0) {
			p += 4;
		} else if (g_ascii_strncasecmp(p, "A/P", 3) == 0) {
			p += 2;
		} else {
			switch (g_ascii_tolower(*p)) {
			case 'd':
			case 'y':
				d = TRUE;
				break;
			case 'm':
				m = TRUE;
				break;
			case 'h':
				h = TRUE;
				break;
			case 's':
				s = TRUE;
				break;
			default:
				break;
			}
		}
	}
	gboolean date = d || (m && !h && !s), time = h || s;
	return (date ? NUM_DATE : 0) | (time ? NUM_TIME : 0);
}

/* Read xl/styles.xml: what each cell format shows. */
static void
xlsx_styles(struct xlsx *x, xmlDoc *doc)
{
	xmlNode *root = xmlDocGetRootElement(doc);
	GHashTable *custom = g_hash_table_new(g_direct_hash, g_direct_equal);

	for (xmlNode *n = xml_kids(root, "numFmts"); n != NULL; n = n->next) {
		const char *id = xml_attr(n, "numFmtId"), *code = xml_attr(n, "formatCode");
		if (xml_is(n, "numFmt") && id != NULL && code != NULL)
			g_hash_table_insert(custom, GINT_TO_POINTER(strtol(id, NULL, 10) + 1),
			                    GINT_TO_POINTER(custom_kind(code) + 1));
	}
	for (xmlNode *n = xml_kids(root, "cellXfs"); n != NULL; n = n->next) {
		if (!xml_is(n, "xf"))
			continue;
		const char *ids = xml_attr(n, "numFmtId");
		long id = ids != NULL ? strtol(ids, NULL, 10) : 0;
		gpointer k = g_hash_table_lookup(custom, GINT_TO_POINTER(id + 1));
		int kind = k != NULL ? GPOINTER_TO_INT(k) - 1 : (int)builtin_kind(id);
		g_array_append_val(x->kinds, kind);
	}
	g_hash_table_unref(custom);
}

/* A number as people typed it: integers without ".0" or an exponent,
   others with at most 15 significant digits as Excel shows them. */
static char *
xlsx_number(const char *v)
{
	char *end, buf[G_ASCII_DTOSTR_BUF_SIZE];
	double x = g_ascii_strtod(v, &end);

	if (end == v || *end != '\0' || x != x || x > 1e300 || x < -1e300)
		return g_strdup(v);
	if (x > -1e15 && x < 1e15 && x == (double)(gint64)x)
		return g_strdup_printf("%" G_GINT64_FORMAT, (gint64)x);
	g_ascii_formatd(buf, sizeof buf, "%.15g", x);
	return g_strdup(buf);
}

/* A date serial as DD/MM/YYYY (and/or HH:MM), in the 1900 or 1904 system. */
static char *
xlsx_serial(double v, enum numkind kind, gboolean date1904)
{
	GDate *d;
	gint64 days, secs;
	char *date, *time, *s;

	if (!(v >= 0 && v < 2958466))
		return NULL;
	days = (gint64)v;
	secs = (gint64)((v - (double)days) * 86400.0 + 0.5);
	if (secs >= 86400)
		days++, secs -= 86400;
	if (date1904) {
		d = g_date_new_dmy(1, 1, 1904);
	} else if (days == 60) { /* Excel's 29 February 1900, a day that never was */
		d = NULL;
	} else if (days > 60) {
		d = g_date_new_dmy(30, 12, 1899);
	} else {
		d = g_date_new_dmy(31, 12, 1899);
	}
	if (d != NULL) {
		g_date_add_days(d, (guint)days);
		date = g_strdup_printf("%02d/%02d/%04d", g_date_get_day(d), g_date_get_month(d),
		                       g_date_get_year(d));
		g_date_free(d);
	} else {
		date = g_strdup("29/02/1900");
	}
	if (secs % 60 != 0)
		time = g_strdup_printf("%02d:%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60),
		                       (int)(secs % 60));
	else
		time = g_strdup_printf("%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60));
	if (kind == NUM_TIME)
		s = g_strdup(time);
	else if (kind == NUM_DATETIME)
		s = g_strconcat(date, " ", time, NULL);
	else
		s = g_strdup(date);
	g_free(date);
	g_free(time);
	return s;
}

/* An ISO 8601 date cell (t="d") as DD/MM/YYYY, with the time if it has one. */
static char *
xlsx_iso_date(const char *v)
{
	int y, mo, d, h, mi;

	if (sscanf(v, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi) == 5 && (h != 0 || mi != 0))
		return g_strdup_printf("%02d/%02d/%04d %02d:%02d", d, mo, y, h, mi);
	if (sscanf(v, "%4d-%2d-%2d", &y, &mo, &d) == 3)
		return g_strdup_printf("%02d/%02d/%04d", d, mo, y);
	return g_strdup(v);
}

/* The text a cell shows. */
static char *
xlsx_cell(const struct xlsx *x, const xmlNode *c)
{
	const char *t = xml_attr(c, "t"), *style = xml_attr(c, "s");
	xmlNode *vn = xml_child(c, "v");
	GString *v = g_string_new(NULL);
	char *s = NULL;

	if (vn != NULL)
		xml_node_text(vn, v);
	g_strstrip(v->str);
	if (t != NULL && strcmp(t, "s") == 0) {
		char *end;
		guint64 i = g_ascii_strtoull(v->str, &end, 10);
		if (end != v->str && i < x->strings->len)
			s = g_strdup(g_ptr_array_index(x->strings, (guint)i));
	} else if (t != NULL && strcmp(t, "inlineStr") == 0) {
		s = xlsx_rich(xml_child(c, "is"));
	} else if (t != NULL && strcmp(t, "b") == 0) {
		s = g_strdup(v->len == 0 ? "" : strcmp(v->str, "0") == 0 ? "FALSE" : "TRUE");
	} else if (t != NULL && strcmp(t, "d") == 0) {
		s = xlsx_iso_date(v->str);
	} else if (t != NULL && (strcmp(t, "str") == 0 || strcmp(t, "e") == 0)) {
		s = cell_clean(v->str);
	} else if (v->len > 0) {
		long xf = style != NULL ? strtol(style, NULL, 10) : 0;
		int kind = xf >= 0 && (guint)xf < x->kinds->len ? g_array_index(x->kinds, int, xf)
		                                                : NUM_PLAIN;
		char *end;
		double num = g_ascii_strtod(v->str, &end);
		gboolean whole = end != v->str && *end == '\0' && num >= 0 && num < 1e15 &&
		                 num == (double)(gint64)num;
		if ((kind & NUM_PAD) && whole)
			s = g_strdup_printf("%0*" G_GINT64_FORMAT, kind & 0xff, (gint64)num);
		else if (kind != NUM_PLAIN && !(kind & NUM_PAD) && end != v->str && *end == '\0')
			s = xlsx_serial(num, (enum numkind)kind, x->date1904);
		if (s == NULL)
			s = xlsx_number(v->str);
	}
	g_string_free(v, TRUE);
	return s != NULL ? s : g_strdup("");
}

/* The 0-based column of a cell reference ("B5" → 1), or -1. */
static long
ref_column(const char *ref)
{
	long col = 0;
	int n = 0;

	for (; g_ascii_isalpha(ref[n]) && n < 4; n++)
		col = col * 26 + (g_ascii_toupper(ref[n]) - 'A' + 1);
	return n == 0 || n > 3 || !g_ascii_isdigit(ref[n]) ? -1 : col - 1;
}

struct xrow {
	long num;         /* the row number in the sheet */
	GPtrArray *cells; /* char *, by column */
};

/* Free a collected row. */
static void
xrow_free(gpointer p)
{
	struct xrow *r = p;
	g_ptr_array_free(r->cells, TRUE);
	g_free(r);
}

/* The rows of one worksheet, as lines; a gap of empty rows is one blank line. */
static void
xlsx_sheet(const struct xlsx *x, xmlDoc *doc, GString *out)
{
	xmlNode *data = xml_child(xmlDocGetRootElement(doc), "sheetData");
	GPtrArray *rows = g_ptr_array_new_with_free_func(xrow_free);
	long next_row = 1;
	guint lead = G_MAXUINT;

	for (xmlNode *rn = data != NULL ? data->children : NULL; rn != NULL; rn = rn->next) {
		if (!xml_is(rn, "row"))
			continue;
		const char *r = xml_attr(rn, "r");
		long num = r != NULL ? strtol(r, NULL, 10) : next_row, next_col = 0;
		next_row = num + 1;
		GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
		for (xmlNode *c = rn->children; c != NULL; c = c->next) {
			if (!xml_is(c, "c"))
				continue;
			long col =
			    xml_attr(c, "r") != NULL ? ref_column(xml_attr(c, "r")) : next_col;
			if (col < 0 || col >= MAX_COLUMNS)
				continue;
			next_col = col + 1;
			char *v = xlsx_cell(x, c);
			if (*v == '\0') {
				g_free(v);
				continue;
			}
			while (cells->len <= (guint)col)
				g_ptr_array_add(cells, g_strdup(""));
			g_free(g_ptr_array_index(cells, col));
			g_ptr_array_index(cells, col) = v;
		}
		if (cells->len == 0) {
			g_ptr_array_free(cells, TRUE);
			continue;
		}
		for (guint i = 0; i < cells->len && i < lead; i++)
			if (*(const char *)g_ptr_array_index(cells, i) != '\0')
				lead = i;
		struct xrow *row = g_new(struct xrow, 1);
		row->num = num;
		row->cells = cells;
		g_ptr_array_add(rows, row);
	}
	for (guint i = 0; i < rows->len; i++) {
		const struct xrow *row = g_ptr_array_index(rows, i);
		if (i > 0 &&
		    row->num > ((const struct xrow *)g_ptr_array_index(rows, i - 1))->num + 1)
			g_string_append_c(out, '\n');
		row_append(out, row->cells, lead);
	}
	g_ptr_array_free(rows, TRUE);
}

/* The part a relationship id points to, resolved against base ("xl/"). */
static char *
rels_by_id(xmlDoc *rels, const char *id, const char *base)
{
	if (rels == NULL || id == NULL)
		return NULL;
	for (xmlNode *n = xmlDocGetRootElement(rels)->children; n != NULL; n = n->next) {
		const char *rid = xml_attr(n, "Id"), *target = xml_attr(n, "Target");
		if (!xml_is(n, "Relationship") || rid == NULL || target == NULL ||
		    strcmp(rid, id) != 0)
			continue;
		if (target[0] == '/')
			return g_strdup(target + 1);
		if (g_str_has_prefix(target, "../"))
			return g_strdup(target + 3);
		return g_strconcat(base, target, NULL);
	}
	return NULL;
}

/* Read the shared strings, if there are any. */
static gboolean
xlsx_strings(struct zipr *zr, struct xlsx *x, xmlDoc *rels, const char *base, struct doc_text *out)
{
	char *name = rels != NULL ? zipxml_rels_target(rels, "/sharedStrings", base) : NULL;
	xmlDoc *doc;
	int r = zipr_xml(zr, name != NULL ? name : "xl/sharedStrings.xml", &doc, out);

	g_free(name);
	if (r > 0) {
		for (xmlNode *n = xmlDocGetRootElement(doc)->children; n != NULL; n = n->next)
			if (xml_is(n, "si"))
				g_ptr_array_add(x->strings, xlsx_rich(n));
		xmlFreeDoc(doc);
	}
	/* without its strings the workbook cannot be read right */
	return r >= 0;
}

/* Read the workbook's sheets in order, a blank line between them. */
static void
xlsx_sheets(struct zipr *zr, struct xlsx *x, xmlDoc *wb, xmlDoc *rels, const char *base,
            struct doc_text *out)
{
	xmlNode *sheets = xml_child(xmlDocGetRootElement(wb), "sheets");
	GString *text = g_string_new(NULL);
	int nth = 0;

	for (xmlNode *n = sheets != NULL ? sheets->children : NULL; n != NULL && nth < MAX_SHEETS;
	     n = n->next) {
		if (!xml_is(n, "sheet"))
			continue;
		nth++;
		const char *state = xml_attr(n, "state");
		if (state != NULL && strcmp(state, "visible") != 0)
			continue; /* hidden sheets hold lookup lists, not what people read */
		char *name = rels_by_id(rels, xml_attr(n, "id"), base);
		if (name == NULL)
			name = g_strdup_printf("%sworksheets/sheet%d.xml", base, nth);
		xmlDoc *doc;
		int r = zipr_xml(zr, name, &doc, out);
		g_free(name);
		if (r < 0) {
			g_string_free(text, TRUE);
			return;
		}
		if (r == 0)
			continue;
		gsize before = text->len;
		if (text->len > 0)
			g_string_append_c(text, '\n');
		gsize start = text->len;
		xlsx_sheet(x, doc, text);
		if (text->len == start) /* an empty sheet: no separator either */
			g_string_truncate(text, before);
		xmlFreeDoc(doc);
	}
	finish(text, "XLSX", out);
	g_string_free(text, TRUE);
}

/* Rows of an XLSX workbook. */
void
sheet_xlsx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	struct zipr zr;
	struct xlsx x = {0};
	xmlDoc *wb = NULL, *rels = NULL, *styles = NULL;
	char *wbname, *base, *relsname, *stname;
	int r;

	out->source = "xlsx";
	if (!zipr_open(&zr, data, len, lim, "XLSX", out))
		return;
	if ((wbname = zipxml_main_part(&zr, "xl/workbook.xml", out)) == NULL) {
		zipr_close(&zr);
		return;
	}
	r = zipr_xml(&zr, wbname, &wb, out);
	if (r == 0)
		doc_fail(out, DOC_BROKEN, "not an XLSX: no %s in it, it is %s", wbname,
		         zipxml_kind(&zr));
	if (r <= 0) {
		g_free(wbname);
		zipr_close(&zr);
		return;
	}
	char *dir = g_path_get_dirname(wbname), *file = g_path_get_basename(wbname);
	base = strcmp(dir, ".") == 0 ? g_strdup("") : g_strconcat(dir, "/", NULL);
	relsname = g_strconcat(base, "_rels/", file, ".rels", NULL);
	g_free(dir);
	g_free(file);
	g_free(wbname);
	x.strings = g_ptr_array_new_with_free_func(g_free);
	x.kinds = g_array_new(FALSE, FALSE, sizeof(int));
	xmlNode *pr = xml_child(xmlDocGetRootElement(wb), "workbookPr");
	x.date1904 =
	    xml_attr(pr, "date1904") != NULL && (strcmp(xml_attr(pr, "date1904"), "1") == 0 ||
	                                         strcmp(xml_attr(pr, "date1904"), "true") == 0);
	r = zipr_xml(&zr, relsname, &rels, out);
	if (!zipxml_optional_failed(r, out) && xlsx_strings(&zr, &x, rels, base, out)) {
		stname = rels != NULL ? zipxml_rels_target(rels, "/styles", base) : NULL;
		r = zipr_xml(&zr, stname != NULL ? stname : "xl/styles.xml", &styles, out);
		g_free(stname);
		if (r > 0)
			xlsx_styles(&x, styles);
		if (!zipxml_optional_failed(r, out))
			xlsx_sheets(&zr, &x, wb, rels, base, out);
	}
	if (styles != NULL)
		xmlFreeDoc(styles);
	if (rels != NULL)
		xmlFreeDoc(rels);
	xmlFreeDoc(wb);
	g_ptr_array_free(x.strings, TRUE);
	g_array_free(x.kinds, TRUE);
	g_free(base);
	g_free(relsname);
	zipr_close(&zr);
}

/* ---- CSV ---- */

/* The file's text as UTF-8 NFC: by its BOM (UTF-8, UTF-16LE/BE), else UTF-8
   when it is valid, else windows-1258.  NULL when UTF-16 does not decode. */
static char *
csv_decode(const guint8 *data, gsize len)
{
	const char *from = NULL;
	gsize skip = 0;

	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		return text_to_utf8((const char *)data + 3, len - 3, "UTF-8", NULL);
	if (len >= 2 && data[0] == 0xFF && data[1] == 0xFE)
		from = "UTF-16LE", skip = 2;
	else if (len >= 2 && data[0] == 0xFE && data[1] == 0xFF)
		from = "UTF-16BE", skip = 2;
	else if (len >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0)
		from = "UTF-16LE"; /* no BOM, but plainly ASCII in UTF-16 */
	else if (len >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0 && data[3] != 0)
		from = "UTF-16BE";
	if (from == NULL)
		return text_to_utf8((const char *)data, len, NULL, NULL);
	char *u = g_convert((const char *)data + skip, (gssize)(len - skip), "UTF-8", from, NULL,
	                    NULL, NULL);
	char *nfc = u != NULL ? text_nfc(u) : NULL;
	g_free(u);
	return nfc;
}

/* Split CSV text into records of fields (RFC 4180: quoted fields, doubled
   quotes, line breaks inside quotes read as spaces); at most max records
   (0: all).  A GPtrArray of GPtrArray of char *. */
static GPtrArray *
csv_records(const char *s, char delim, guint max)
{
	GPtrArray *records = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
	GPtrArray *rec = NULL;
	GString *field = g_string_new(NULL);
	gboolean quoted = FALSE, was_quoted = FALSE;
	const char *p = s;

	while (*p != '\0' && (max == 0 || records->len < max)) {
		char c = *p++;
		if (rec == NULL)
			rec = g_ptr_array_new_with_free_func(g_free);
		if (quoted) {
			if (c == '"' && *p == '"') {
				g_string_append_c(field, '"');
				p++;
			} else if (c == '"') {
				quoted = FALSE;
			} else if (c == '\r' || c == '\n') {
				if (c == '\r' && *p == '\n')
					p++;
				g_string_append_c(field, ' ');
			} else {
				g_string_append_c(field, c);
			}
			continue;
		}
		if (c == '"' && !was_quoted && strspn(field->str, " ") == field->len) {
			g_string_truncate(field, 0);
			quoted = was_quoted = TRUE;
		} else if (c == delim) {
			g_ptr_array_add(rec, g_string_free(field, FALSE));
			field = g_string_new(NULL);
			was_quoted = FALSE;
		} else if (c == '\r' || c == '\n') {
			if (c == '\r' && *p == '\n')
				p++;
			g_ptr_array_add(rec, g_string_free(field, FALSE));
			field = g_string_new(NULL);
			g_ptr_array_add(records, rec);
			rec = NULL;
			was_quoted = FALSE;
		} else {
			g_string_append_c(field, c);
		}
	}
	if (rec != NULL) {
		g_ptr_array_add(rec, g_string_free(field, FALSE));
		g_ptr_array_add(records, rec);
	} else {
		g_string_free(field, TRUE);
	}
	return records;
}

/* Whether a record is one empty field (a blank line). */
static gboolean
record_blank(const GPtrArray *rec)
{
	return rec->len == 1 && *(const char *)g_ptr_array_index(rec, 0) == '\0';
}

/* The delimiter among , ; and tab that splits the first records into the
   most consistent number of columns (more than one); ',' when none does. */
static char
csv_delimiter(const char *s)
{
	static const char cands[] = {',', ';', '\t'};
	char best = ',';
	guint best_agree = 0, best_cols = 1;

	for (gsize i = 0; i < G_N_ELEMENTS(cands); i++) {
		GPtrArray *recs = csv_records(s, cands[i], SNIFF_RECORDS);
		GHashTable *counts = g_hash_table_new(g_direct_hash, g_direct_equal);
		guint agree = 0, cols = 1;
		for (guint r = 0; r < recs->len; r++) {
			const GPtrArray *rec = g_ptr_array_index(recs, r);
			if (record_blank(rec))
				continue;
			gpointer key = GUINT_TO_POINTER(rec->len);
			guint n = GPOINTER_TO_UINT(g_hash_table_lookup(counts, key)) + 1;
			g_hash_table_insert(counts, key, GUINT_TO_POINTER(n));
			/* the most common column count above one, the wider on a tie */
			if (rec->len > 1 && (n > agree || (n == agree && rec->len > cols)))
				agree = n, cols = rec->len;
		}
		if (agree > best_agree || (agree == best_agree && cols > best_cols))
			best = cands[i], best_agree = agree, best_cols = cols;
		g_hash_table_unref(counts);
		g_ptr_array_unref(recs);
	}
	return best;
}

/* Rows of a CSV file. */
void
sheet_csv(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	char *text, *body, delim;
	GPtrArray *recs;
	GString *lines;

	out->source = "csv";
	if (len > lim->max_part) {
		char *a = zipxml_size_text(len), *b = zipxml_size_text(lim->max_part);
		doc_fail(out, DOC_REFUSED, "CSV of %s, over the limit of %s", a, b);
		g_free(a), g_free(b);
		return;
	}
	if ((text = csv_decode(data, len)) == NULL) {
		doc_fail(out, DOC_BROKEN, "not a CSV file: its UTF-16 text does not decode");
		return;
	}
	/* Excel's "sep=;" first line names the delimiter */
	body = text;
	if (g_ascii_strncasecmp(text, "sep=", 4) == 0 && text[4] != '\0' &&
	    (text[5] == '\r' || text[5] == '\n' || text[5] == '\0')) {
		delim = text[4];
		body = text + 5 + (text[5] == '\r' && text[6] == '\n') + (text[5] != '\0');
	} else {
		delim = csv_delimiter(text);
	}
	recs = csv_records(body, delim, 0);
	lines = g_string_new(NULL);
	for (guint r = 0; r < recs->len; r++) {
		GPtrArray *rec = g_ptr_array_index(recs, r);
		for (guint i = 0; i < rec->len; i++) {
			char *c = cell_clean(g_ptr_array_index(rec, i));
			g_free(g_ptr_array_index(rec, i));
			g_ptr_array_index(rec, i) = c;
		}
		row_append(lines, rec, 0);
	}
	finish(lines, "CSV", out);
	g_string_free(lines, TRUE);
	g_ptr_array_unref(recs);
	g_free(text);
}
