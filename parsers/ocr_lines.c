/* ocr_lines.c - a page's pieces made into lines of text; see ocr_parts.h. */
#include "ocr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "namesyl.h"
#include "ocr_check.h"
#include "ocr_parts.h"
#include "text.h"

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
   slip past every later check; none for a number that cannot be one as
   read. */
static double
word_conf(const struct piece *it)
{
	const char *at = strchr(it->text, '@');

	/* an address of one letter before the "@" lost the rest ("1@gmail.com") */
	if (at != NULL && at - it->text <= 1)
		return 0;
	/* a phone number no Vietnamese number is, a number with a letter
	   read for a digit ("I5h00" read as 05:00), or a speck read as a stop
	   between a word and a number ("Phòng.1203") */
	if (ocr_check_phone(it->text) || ocr_check_number(it->text) ||
	    ocr_check_glued_stop(it->text))
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

	int name_col = -1, org_col = -1;
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
			qsort(lines->data, lines->len, sizeof(int), ocr_int_cmp);
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
			if (r == 0 && name_col < 0 && ocr_name_label(cell->str))
				name_col = c;
			/* and that of units or companies */
			if (r == 0 && org_col < 0 && ocr_unit_label(cell->str))
				org_col = c;
			/* a row's number lost in the first column would shift the
			   cells (an empty first cell is dropped): it is the row's */
			if (r == 0 && c == 0)
				numbered = row_number_header(cell->str);
			if (r > 0 && c == 0 && cell->len == 0 && numbered)
				g_string_printf(cell, "%d", r);
			if (r > 0)
				ocr_line_known(cell, c == name_col);
			/* a name with a word that is no name's syllable ("Cấm") */
			if (r > 0 && c == name_col && namesyl_doubtful(cell->str))
				rc = 0;
			/* a company's with a word misread into a rarer one ("Câu
			   Rông"); a known unit's was repaired by the gazetteer */
			if (r > 0 && c == org_col &&
			    !gazetteer_match(cell->str, p->o != NULL ? p->o->units : NULL, NULL) &&
			    (namesyl_org_doubtful(cell->str) || ocr_check_stop_amid(cell->str)))
				rc = 0;
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

/* The value of a line naming a person (*person TRUE) or a unit that is not
   a known one, up to the leader after it; NULL for other lines. */
static char *
name_value(const char *line, const struct ocr_opts *o, gboolean *person)
{
	const char *colon = strchr(line, ':');

	if (colon == NULL || colon - line > 80)
		return NULL;
	char *label = g_strndup(line, (gsize)(colon - line));
	gboolean name = ocr_name_label(label), unit = ocr_unit_label(label);
	g_free(label);
	*person = name;
	if (unit) {
		GString *copy = g_string_new(line);
		unit = !ocr_line_unit(copy, o);
		g_string_free(copy, TRUE);
	}
	if (!name && !unit)
		return NULL;
	const char *v = colon + 1;
	v += strspn(v, " .…_");
	gsize n = 0;
	while (v[n] != '\0' && strncmp(v + n, "..", 2) != 0 && strncmp(v + n, "…", 3) != 0)
		n++;
	return g_strndup(v, n);
}

/* Lines naming a person or a unit whose name stands elsewhere on the page
   read with other marks (ocr_check_read_otherwise()), lines naming a
   person with a word that is no name's syllable (namesyl_doubtful(): a tone
   misread, "Trầm" for "Trâm"), and lines naming a unit no list holds with
   a word read into a rarer one (namesyl_org_doubtful(): "Câu Rông" for
   "Cầu Rồng") or a speck read as a stop amid it (ocr_check_stop_amid()),
   are not to be trusted: their confidence from line first on
   (the page's) goes to 0. */
static void
names_misread(struct page *p, const char *text, GArray *conf, guint first)
{
	char **lines = g_strsplit(text, "\n", -1);

	for (guint i = 0; lines[i] != NULL && first + i < conf->len; i++) {
		gboolean person = FALSE;
		char *v = name_value(lines[i], p->o, &person);
		if (v != NULL &&
		    (ocr_check_read_otherwise(v, text) || (person && namesyl_doubtful(v)) ||
		     (!person && (namesyl_org_doubtful(v) || ocr_check_stop_amid(v)))))
			g_array_index(conf, double, first + i) = 0;
		g_free(v);
	}
	g_strfreev(lines);
}

/* Put the page's pieces into lines of text, top to bottom, with a
   confidence per line. */
void
ocr_page_text(struct page *p, GString *out, GArray *conf)
{
	GArray *it = p->items;
	int nt = (int)p->tables->len;
	gsize from = out->len;
	guint first = conf->len;
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
				ocr_check_line_start(line);
				ocr_check_label_end(line);
				ocr_check_email_label(line);
				ocr_line_known(line, FALSE);
				if (ocr_line_garbled(line->str, ocr_line_unit(line, p->o)))
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
	names_misread(p, out->str + from, conf, first);
}
