/* ocr_read.c - Tesseract loaded and run over a page; see ocr_parts.h. */
#include "ocr.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "ocr_parts.h"
#include "text.h"

TessBaseAPI *ocr_tess;
TessBaseAPI *ocr_tess_ascii;
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

	if (ocr_tess != NULL && g_strcmp0(tess_langs, langs) == 0)
		return TRUE;
	ocr_end();
	if (g_getenv("OMP_THREAD_LIMIT") == NULL) {
		g_setenv("OMP_THREAD_LIMIT", "1", TRUE);
		omp_single_thread();
	}
	setMsgSeverity(L_SEVERITY_NONE);
	char **list = g_strsplit(langs, "+", -1);
	char *rest = list[0] != NULL && list[1] != NULL ? g_strjoinv("+", list + 1) : NULL;
	ocr_tess = list[0] != NULL ? tess_new(datapath, list[0]) : NULL;
	/* without the other languages, addresses are read again in the first */
	if (ocr_tess != NULL && rest != NULL)
		ocr_tess_ascii = tess_new(datapath, rest);
	if (ocr_tess != NULL && ocr_tess_ascii == NULL)
		ocr_tess_ascii = tess_new(datapath, list[0]);
	g_strfreev(list);
	g_free(rest);
	if (ocr_tess == NULL || ocr_tess_ascii == NULL) {
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
	TessBaseAPI **all[] = {&ocr_tess, &ocr_tess_ascii};

	for (guint i = 0; i < G_N_ELEMENTS(all); i++)
		if (*all[i] != NULL) {
			TessBaseAPIEnd(*all[i]);
			TessBaseAPIDelete(*all[i]);
			*all[i] = NULL;
		}
	g_free(tess_langs);
	tess_langs = NULL;
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
		TessBaseAPISetRectangle(ocr_tess, x, y, w, h);
	TessBaseAPISetPageSegMode(ocr_tess, psm);
	if (TessBaseAPIRecognize(ocr_tess, NULL) != 0)
		return FALSE;
	TessResultIterator *ri = TessBaseAPIGetIterator(ocr_tess);
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
gboolean
ocr_page_read(struct page *p)
{
	TessBaseAPISetImage2(ocr_tess, p->bin);
	TessBaseAPISetSourceResolution(ocr_tess, p->dpi);
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
	TessBaseAPISetImage2(ocr_tess, rest);
	TessBaseAPISetSourceResolution(ocr_tess, p->dpi);
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
		TessBaseAPISetImage2(ocr_tess_ascii, p->bin);
		TessBaseAPISetSourceResolution(ocr_tess_ascii, p->dpi);
		p->ascii_ready = TRUE;
	}
	TessBaseAPISetVariable(ocr_tess_ascii, "tessedit_char_whitelist",
	                       chars != NULL ? chars : "");
	TessBaseAPISetPageSegMode(ocr_tess_ascii, psm);
	x0 = MAX(0, x0 - m), y0 = MAX(0, y0 - m);
	x1 = MIN(pixGetWidth(p->bin), x1 + m), y1 = MIN(pixGetHeight(p->bin), y1 + m);
	TessBaseAPISetRectangle(ocr_tess_ascii, x0, y0, x1 - x0, y1 - y0);
	char *t = TessBaseAPIGetUTF8Text(ocr_tess_ascii);
	*conf = TessBaseAPIMeanTextConf(ocr_tess_ascii);
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
void
ocr_page_addresses(struct page *p)
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
