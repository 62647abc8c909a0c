/* pdf.c - PDF text and page images: documents, pages, scans and rendering; see pdf.h. */
#include "pdf.h"
#include "pdf_parts.h"

#include <math.h>

#include <cairo.h>
#include <poppler.h>

#include "text.h"

/* The text of one page's glyphs, lines with " | " between cells. */
static void
page_text(GArray *gs, GString *out)
{
	GPtrArray *lines = pdf_page_lines(gs);

	for (guint i = 0; i < lines->len; i++)
		pdf_line_words(gs, lines->pdata[i]);
	for (guint i = 0; i < lines->len; i++) {
		struct line *l = lines->pdata[i];
		for (guint k = 1; k < l->words->len; k++) {
			struct word *w = &g_array_index(l->words, struct word, k);
			if (w->can_sep && !w->sep && pdf_gap_confirmed(lines, i, w))
				w->sep = TRUE;
		}
	}
	for (guint i = 0; i < lines->len; i++)
		pdf_line_cells(gs, lines->pdata[i]);
	pdf_join_wrapped(gs, lines);
	for (guint i = 0; i < lines->len; i++) {
		struct line *l = lines->pdata[i];
		if (l->joined)
			continue;
		for (guint k = 0; k < l->cells->len; k++) {
			GString *cell = l->cells->pdata[k];
			if (k > 0)
				g_string_append(out, " | ");
			g_string_append(out, cell->str);
		}
		g_string_append_c(out, '\n');
	}
	g_ptr_array_free(lines, TRUE);
}

/* Whether a page with little text is a scan: images cover half of it. */
static gboolean
page_is_scan(PopplerPage *page)
{
	double w, h, covered = 0;
	GList *maps = poppler_page_get_image_mapping(page);

	poppler_page_get_size(page, &w, &h);
	for (GList *m = maps; m != NULL; m = m->next) {
		PopplerImageMapping *im = m->data;
		covered += fabs(im->area.x2 - im->area.x1) * fabs(im->area.y2 - im->area.y1);
	}
	poppler_page_free_image_mapping(maps);
	return w > 0 && h > 0 && covered >= 0.5 * w * h;
}

/* Open a PDF from memory; NULL with *cause. */
static PopplerDocument *
pdf_open(const guint8 *data, gsize len, const struct doc_limits *lim, enum doc_status *status,
         char **cause)
{
	GError *err = NULL;

	*status = DOC_BROKEN;
	if (data == NULL || len == 0) {
		*cause = g_strdup("the PDF is empty");
		return NULL;
	}
	if (len > lim->max_part) {
		*status = DOC_REFUSED;
		*cause = g_strdup_printf("the PDF has %" G_GSIZE_FORMAT
		                         " bytes, over the limit of %" G_GSIZE_FORMAT,
		                         len, lim->max_part);
		return NULL;
	}
	GBytes *bytes = g_bytes_new_static(data, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	g_bytes_unref(bytes);
	if (doc == NULL) {
		*cause = g_strdup_printf("the PDF cannot be read: %s",
		                         err != NULL ? err->message : "unknown error");
		g_clear_error(&err);
		return NULL;
	}
	int pages = poppler_document_get_n_pages(doc);
	if (pages > lim->max_pages) {
		*status = DOC_REFUSED;
		*cause = g_strdup_printf("the PDF has %d pages, over the limit of %d", pages,
		                         lim->max_pages);
		g_object_unref(doc);
		return NULL;
	}
	return doc;
}

/* Text of a PDF; see pdf.h. */
void
pdf_text(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out)
{
	enum doc_status status;
	char *cause = NULL;

	out->source = "pdf_text";
	out->confidence = 1;
	PopplerDocument *doc = pdf_open(data, len, lim, &status, &cause);
	if (doc == NULL) {
		doc_fail(out, status, "%s", cause);
		g_free(cause);
		return;
	}
	int pages = poppler_document_get_n_pages(doc), with_text = 0;
	GString *text = g_string_new(NULL);
	for (int i = 0; i < pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		if (page == NULL)
			continue;
		guint junk = 0;
		GArray *gs = pdf_page_glyphs(page, &junk);
		if (gs->len > MAX_GLYPHS) {
			doc_fail(out, DOC_REFUSED,
			         "page %d of the PDF has %u characters, over the limit of %d",
			         i + 1, gs->len, MAX_GLYPHS);
			g_array_unref(gs);
			g_object_unref(page);
			g_object_unref(doc);
			g_string_free(text, TRUE);
			if (out->image_pages != NULL)
				g_array_unref(out->image_pages);
			out->image_pages = NULL;
			return;
		}
		/* no text, a caption on a scan, or text that cannot be read: OCR */
		if (gs->len == 0 || junk > gs->len ||
		    (gs->len < FEW_GLYPHS && page_is_scan(page))) {
			if (out->image_pages == NULL)
				out->image_pages = g_array_new(FALSE, FALSE, sizeof(int));
			g_array_append_val(out->image_pages, i);
		} else {
			page_text(gs, text);
			with_text++;
		}
		g_array_unref(gs);
		g_object_unref(page);
	}
	g_object_unref(doc);
	if (pages == 0) {
		g_string_free(text, TRUE);
		doc_fail(out, DOC_BROKEN, "the PDF has no pages");
		return;
	}
	if (with_text == 0) {
		g_string_free(text, TRUE);
		doc_fail(out, DOC_EMPTY, "no text layer in the PDF's %d page%s (a scan?)", pages,
		         pages == 1 ? "" : "s");
		return;
	}
	out->text = text_normalize(text->str, -1, G_NORMALIZE_NFC);
	g_string_free(text, TRUE);
	out->status = DOC_OK;
}

/* Release a gray image held in a pointer array. */
static void
gray_free(gpointer p)
{
	gray_image_free(p);
}

/* Render one page into a gray image; NULL with *cause. */
static struct gray_image *
page_render(PopplerPage *page, int index, const struct doc_limits *lim, char **cause)
{
	double w, h, scale = lim->ocr_dpi / 72.0;

	poppler_page_get_size(page, &w, &h);
	double pw = ceil(w * scale), ph = ceil(h * scale);
	if (!(pw >= 1 && ph >= 1) || pw > 32767 || ph > 32767 ||
	    pw * ph > (double)lim->max_pixels) {
		*cause = g_strdup_printf("page %d of the PDF is %.0f×%.0f pixels at %d dpi, over "
		                         "the limit of %" G_GINT64_FORMAT " pixels",
		                         index + 1, pw, ph, lim->ocr_dpi, lim->max_pixels);
		return NULL;
	}
	struct gray_image *img = g_new0(struct gray_image, 1);
	img->width = (int)pw;
	img->height = (int)ph;
	img->stride = img->width;
	img->dpi = lim->ocr_dpi;
	img->data = g_malloc((gsize)img->stride * (gsize)img->height);

	/* in bands of at most 8 M pixels: the colour surface is 4 bytes a
	   pixel, the gray image one */
	int band = MAX(1, MIN(img->height, 8 * 1024 * 1024 / img->width));
	for (int y0 = 0; y0 < img->height; y0 += band) {
		int rows = MIN(band, img->height - y0);
		cairo_surface_t *s =
		    cairo_image_surface_create(CAIRO_FORMAT_RGB24, img->width, rows);
		if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
			*cause =
			    g_strdup_printf("page %d of the PDF cannot be drawn: %s", index + 1,
			                    cairo_status_to_string(cairo_surface_status(s)));
			cairo_surface_destroy(s);
			return gray_image_free(img);
		}
		cairo_t *cr = cairo_create(s);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_translate(cr, 0, -y0);
		cairo_scale(cr, scale, scale);
		poppler_page_render(page, cr);
		cairo_destroy(cr);
		cairo_surface_flush(s);
		const guint8 *src = cairo_image_surface_get_data(s);
		int sstride = cairo_image_surface_get_stride(s);
		for (int y = 0; y < rows; y++) {
			const guint32 *px = (const guint32 *)(src + (gsize)y * (gsize)sstride);
			guint8 *dst = img->data + (gsize)(y0 + y) * (gsize)img->stride;
			for (int x = 0; x < img->width; x++) {
				guint32 v = px[x];
				guint r = (v >> 16) & 0xFF, g = (v >> 8) & 0xFF, b = v & 0xFF;
				dst[x] = (guint8)((r * 299 + g * 587 + b * 114 + 500) / 1000);
			}
		}
		cairo_surface_destroy(s);
	}
	return img;
}

/* Render pages as gray images; see pdf.h. */
GPtrArray *
pdf_render(const guint8 *data, gsize len, const struct doc_limits *lim, const GArray *pages,
           char **cause)
{
	enum doc_status status;

	*cause = NULL;
	PopplerDocument *doc = pdf_open(data, len, lim, &status, cause);
	if (doc == NULL)
		return NULL;
	int n = poppler_document_get_n_pages(doc);
	GPtrArray *out = g_ptr_array_new_with_free_func(gray_free);
	for (guint i = 0; pages != NULL && i < pages->len; i++) {
		int k = g_array_index(pages, int, i);
		PopplerPage *page = k >= 0 && k < n ? poppler_document_get_page(doc, k) : NULL;
		if (page == NULL) {
			*cause = g_strdup_printf("the PDF has no page %d", k + 1);
			break;
		}
		struct gray_image *img = page_render(page, k, lim, cause);
		g_object_unref(page);
		if (img == NULL)
			break;
		g_ptr_array_add(out, img);
	}
	g_object_unref(doc);
	if (*cause != NULL) {
		g_ptr_array_unref(out);
		return NULL;
	}
	return out;
}
