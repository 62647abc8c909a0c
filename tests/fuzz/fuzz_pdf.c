/* fuzz_pdf.c - the bytes of an attachment read as a PDF: the text layer,
   and the first page without text rendered at a low resolution (no OCR), so
   that one input costs little. */
#include <stddef.h>
#include <stdint.h>

#include "pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read one PDF, render at most one image page. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_limits lim;
	struct doc_text d = {0};

	doc_limits_default(&lim);
	lim.max_pages = 4;
	lim.ocr_dpi = 20;
	lim.max_pixels = 1000 * 1000;
	pdf_text(data, size, &lim, &d);
	if (d.image_pages != NULL && d.image_pages->len > 0) {
		GArray *one = g_array_new(FALSE, FALSE, sizeof(int));
		char *cause = NULL;
		g_array_append_val(one, g_array_index(d.image_pages, int, 0));
		GPtrArray *pages = pdf_render(data, size, &lim, one, &cause);
		if (pages != NULL)
			g_ptr_array_unref(pages);
		g_free(cause);
		g_array_unref(one);
	}
	doc_text_clear(&d);
	return 0;
}
