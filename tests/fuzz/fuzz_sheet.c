/* fuzz_sheet.c - the bytes of an attachment read as XLSX and as CSV. */
#include <stddef.h>
#include <stdint.h>

#include "sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Read one attachment with both sheet readers. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc_limits lim;
	struct doc_text d = {0};

	doc_limits_default(&lim);
	lim.max_unpacked = 8 * 1024 * 1024;
	sheet_xlsx(data, size, &lim, &d);
	doc_text_clear(&d);
	sheet_csv(data, size, &lim, &d);
	doc_text_clear(&d);
	return 0;
}
