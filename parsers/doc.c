/* doc.c - shared helpers of the document readers; see doc.h. */
#include "doc.h"

#include <stdarg.h>
#include <string.h>

/* The default limits. */
void
doc_limits_default(struct doc_limits *l)
{
	l->max_part = 25 * 1024 * 1024;
	l->max_unpacked = 100 * 1024 * 1024;
	l->max_ratio = 200;
	l->max_pages = 30;
	l->max_pixels = 100 * 1000 * 1000;
	l->ocr_dpi = 300;
}

/* Release what a doc_text holds. */
void
doc_text_clear(struct doc_text *d)
{
	g_free(d->text);
	g_free(d->cause);
	if (d->line_conf != NULL)
		g_array_unref(d->line_conf);
	if (d->image_pages != NULL)
		g_array_unref(d->image_pages);
	memset(d, 0, sizeof *d);
}

/* Set status and cause. */
void
doc_fail(struct doc_text *d, enum doc_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_free(d->cause);
	d->cause = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	d->status = status;
}

/* Release a gray image. */
struct gray_image *
gray_image_free(struct gray_image *g)
{
	if (g != NULL) {
		g_free(g->data);
		g_free(g);
	}
	return NULL;
}
