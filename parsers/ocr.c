/* ocr.c - scans read with Leptonica and Tesseract: pages; see ocr.h, ocr_parts.h. */
#include "ocr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "gazetteer.h"
#include "legacy.h"
#include "ocr_parts.h"
#include "text.h"

/* ---- pages ---- */

/* Release a page's data. */
static void
page_clear(struct page *p)
{
	pixDestroy(&p->bin);
	if (p->items != NULL) {
		for (guint i = 0; i < p->items->len; i++)
			g_free(g_array_index(p->items, struct piece, i).text);
		g_array_free(p->items, TRUE);
	}
	if (p->tables != NULL)
		g_ptr_array_free(p->tables, TRUE);
	memset(p, 0, sizeof *p);
}

/* Read one page image (any depth; taken) into out's text. */
static gboolean
ocr_one(PIX *pix, int dpi, const struct doc_limits *lim, const struct ocr_opts *o, GString *text,
        GArray *conf, char **cause)
{
	struct page p = {0};

	if (pixGetWidth(pix) < 16 || pixGetHeight(pix) < 16) {
		pixDestroy(&pix); /* an icon: no text */
		return TRUE;
	}
	p.o = o;
	p.items = g_array_new(FALSE, FALSE, sizeof(struct piece));
	p.tables = g_ptr_array_new_with_free_func(ocr_table_free);
	if (!ocr_page_prepare(&p, pix, dpi, lim->max_pixels)) {
		*cause = g_strdup("the image could not be cleaned for OCR");
		page_clear(&p);
		return FALSE;
	}
	if (!ocr_page_read(&p)) {
		*cause = g_strdup("Tesseract could not read the page");
		page_clear(&p);
		return FALSE;
	}
	ocr_page_addresses(&p);
	ocr_page_text(&p, text, conf);
	page_clear(&p);
	return TRUE;
}

/* Finish a doc_text from the text and confidences of its pages. */
static void
ocr_finish(struct doc_text *out, GString *text, GArray *conf)
{
	double sum = 0;
	int n = 0;

	for (guint i = 0; i < conf->len; i++)
		sum += g_array_index(conf, double, i), n++;
	out->confidence = n > 0 ? sum / n / 100.0 : 0;
	char *nfc = text_nfc(text->str);
	g_string_free(text, TRUE);
	if (n == 0) {
		g_array_unref(conf);
		g_free(nfc);
		doc_fail(out, DOC_EMPTY, "no text was found in the scan");
		return;
	}
	out->text = nfc;
	out->line_conf = conf;
	out->status = DOC_OK;
}

/* The pages of an encoded image, checked against the limits from their
   headers before anything is decoded; -1 when refused or broken (out says
   why). */
static int
image_pages(const guint8 *data, gsize len, gboolean tiff, const struct doc_limits *lim,
            struct doc_text *out)
{
	for (int n = 0;; n++) {
		l_int32 format, w = 0, h = 0, bps, spp, res, cmap;
		int rc =
		    tiff ? readHeaderMemTiff(data, len, n, &w, &h, &bps, &spp, &res, &cmap, &format)
		         : pixReadHeaderMem(data, len, &format, &w, &h, &bps, &spp, &cmap);
		if (rc != 0 || w <= 0 || h <= 0) {
			if (n > 0)
				return n; /* no more pages */
			doc_fail(out, DOC_BROKEN, "the image header cannot be read");
			return -1;
		}
		if (n >= lim->max_pages) {
			doc_fail(out, DOC_REFUSED, "the image has more than %d pages, the limit",
			         lim->max_pages);
			return -1;
		}
		if ((gint64)w * h > lim->max_pixels) {
			doc_fail(out, DOC_REFUSED,
			         "page %d is %d × %d pixels, over the limit of %" G_GINT64_FORMAT,
			         n + 1, w, h, lim->max_pixels);
			return -1;
		}
		if (!tiff)
			return 1;
	}
}

/* Read an encoded image. */
void
ocr_image(const guint8 *data, gsize len, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	l_int32 format = IFF_UNKNOWN;
	char *cause = NULL;

	out->source = "ocr";
	setMsgSeverity(L_SEVERITY_NONE); /* broken images are told in out->cause */
	if (data == NULL || len < 8 || findFileFormatBuffer(data, &format) != 0 ||
	    format == IFF_UNKNOWN) {
		doc_fail(out, DOC_BROKEN, "not an image Leptonica knows (JPEG, PNG, TIFF, …)");
		return;
	}
	gboolean tiff =
	    format == IFF_TIFF || (format >= IFF_TIFF_PACKBITS && format <= IFF_TIFF_JPEG);
	int pages = image_pages(data, len, tiff, lim, out);
	if (pages < 0)
		return;
	if (ocr_tess == NULL && !ocr_init(o, &cause)) {
		doc_fail(out, DOC_UNSUPPORTED, "%s", cause);
		g_free(cause);
		return;
	}
	GString *text = g_string_new(NULL);
	GArray *conf = g_array_new(FALSE, FALSE, sizeof(double));
	for (int n = 0; n < pages; n++) {
		PIX *pix = tiff ? pixReadMemTiff(data, len, n) : pixReadMem(data, len);
		if (pix == NULL) {
			doc_fail(out, DOC_BROKEN, "page %d of the image cannot be decoded", n + 1);
			goto fail;
		}
		int dpi = pixGetXRes(pix);
		if (n > 0)
			g_string_append_c(text, '\n'), g_array_append_val(conf, (double){100});
		if (!ocr_one(pix, dpi, lim, o, text, conf, &cause)) {
			doc_fail(out, DOC_BROKEN, "page %d: %s", n + 1, cause);
			g_free(cause);
			goto fail;
		}
	}
	ocr_finish(out, text, conf);
	return;
fail:
	g_string_free(text, TRUE);
	g_array_unref(conf);
}

/* Read rendered pages. */
void
ocr_pages(GPtrArray *pages, const struct doc_limits *lim, const struct ocr_opts *o,
          struct doc_text *out)
{
	char *cause = NULL;

	out->source = "ocr";
	if (ocr_tess == NULL && !ocr_init(o, &cause)) {
		doc_fail(out, DOC_UNSUPPORTED, "%s", cause);
		g_free(cause);
		return;
	}
	if ((int)pages->len > lim->max_pages) {
		doc_fail(out, DOC_REFUSED, "%u pages, over the limit of %d", pages->len,
		         lim->max_pages);
		return;
	}
	GString *text = g_string_new(NULL);
	GArray *conf = g_array_new(FALSE, FALSE, sizeof(double));
	for (guint n = 0; n < pages->len; n++) {
		const struct gray_image *g = g_ptr_array_index(pages, n);
		if ((gint64)g->width * g->height > lim->max_pixels) {
			doc_fail(out, DOC_REFUSED,
			         "page %u is %d × %d pixels, over the limit of %" G_GINT64_FORMAT,
			         n + 1, g->width, g->height, lim->max_pixels);
			goto fail;
		}
		PIX *pix = pixCreate(g->width, g->height, 8);
		l_uint32 *d = pixGetData(pix);
		int wpl = pixGetWpl(pix);
		for (int y = 0; y < g->height; y++) {
			const guint8 *src = g->data + (size_t)y * g->stride;
			l_uint32 *line = d + (size_t)y * wpl;
			for (int x = 0; x < g->width; x++)
				SET_DATA_BYTE(line, x, src[x]);
		}
		if (n > 0)
			g_string_append_c(text, '\n'), g_array_append_val(conf, (double){100});
		if (!ocr_one(pix, g->dpi, lim, o, text, conf, &cause)) {
			doc_fail(out, DOC_BROKEN, "page %u: %s", n + 1, cause);
			g_free(cause);
			goto fail;
		}
	}
	ocr_finish(out, text, conf);
	return;
fail:
	g_string_free(text, TRUE);
	g_array_unref(conf);
}
