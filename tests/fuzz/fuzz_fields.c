/* fuzz_fields.c - field extraction from the text of a body or document.
   The input is made valid UTF-8 NFC first, as every text that reaches
   fields_extract() is (text.h); the first byte picks plain or OCR mode.
   Plain mode reads sentences too (prose.h); the text is also cut into a
   reply's own text and its history (forward_history). */
#include <stddef.h>
#include <stdint.h>

#include "fields.h"
#include "forward.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Extract the fields of one text. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fields_opts fo;

	if (size < 1)
		return 0;
	char *raw = g_strndup((const char *)data + 1, size - 1);
	char *text = text_nfc(raw);
	fields_opts_init(&fo, 2026, 3, "danang.gov.vn");
	fo.ocr = (data[0] & 1) != 0;
	fo.doubt_below = 70;
	fields_result_free(fields_extract(text, &fo));
	char *own = NULL;
	g_ptr_array_free(forward_history(text, &own), TRUE);
	g_free(own);
	g_free(fields_form_code(text));
	if (size < 200)
		g_free(fields_label_fuzzy(text));
	g_free(text);
	g_free(raw);
	return 0;
}
