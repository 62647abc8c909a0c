/* fuzz_office.c - the bytes of an attachment read as DOCX and as ODT. */
#include <stddef.h>
#include <stdint.h>

#include "office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read one attachment with both office readers. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_limits lim;
	struct doc_text d = {0};

	doc_limits_default(&lim);
	lim.max_unpacked = 8 * 1024 * 1024;
	office_docx(data, size, &lim, &d);
	doc_text_clear(&d);
	office_odt(data, size, &lim, &d);
	doc_text_clear(&d);
	return 0;
}
