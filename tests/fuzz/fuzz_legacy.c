/* fuzz_legacy.c - detecting and converting TCVN3 and VNI text.  The text
   arrives as UTF-8 (characters U+0020..U+00FF from a latin-1 body, or any
   text of a document run), so the input is decoded as latin-1 half of the
   time and repaired as UTF-8 otherwise; the first byte chooses. */
#include <stddef.h>
#include <stdint.h>

#include "legacy.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Detect and convert one text, in every encoding. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	if (data[0] & 1)
		text = text_to_utf8((const char *)data + 1, size - 1, "iso-8859-1", NULL);
	else {
		char *raw = g_strndup((const char *)data + 1, size - 1);
		text = text_nfc(raw);
		g_free(raw);
	}
	(void)legacy_detect(text);
	g_free(legacy_convert(text, LEGACY_TCVN3));
	g_free(legacy_convert(text, LEGACY_VNI));
	g_free(legacy_convert(text, LEGACY_NONE));
	if (size < 64)
		(void)legacy_font(text);
	g_free(text);
	return 0;
}
