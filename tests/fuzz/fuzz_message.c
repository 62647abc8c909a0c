/* fuzz_message.c - a whole raw message: MIME, headers, body text, the
   attachments' text (OCR off) and the merged fields, then the reading as
   JSON and back, as the parse worker hands it to the daemon. */
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse one message and read everything in it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct attach_opts ao;
	struct message *m = message_parse((const char *)data, size);

	attach_opts_default(&ao);
	ao.ocr_enabled = FALSE;
	ao.limits.max_pages = 4;
	ao.limits.max_unpacked = 8 * 1024 * 1024;
	struct reading *rd = attach_read(m, &ao);
	JsonObject *o = reading_to_json(rd);
	struct reading *back = reading_from_json(o);
	reading_free(back);
	json_object_unref(o);
	reading_free(rd);
	message_free(m);
	return 0;
}
