/* fuzz_answer.c - a reader's answer as the daemon checks it (readwire.h).
   The first byte picks the input's use: 0, a raw message a reader answers
   for, whose answer the daemon must then accept whole; anything else, the
   bytes after it as an answer from a broken or hostile reader, which the
   checks must refuse or take without a fault. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "readwire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Answer for a message and check the answer, or check bytes as an answer. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct attach_opts o;
	static gboolean ready;
	struct auth_policy p = {"mx.test", "dkim", NULL, NULL, NULL};
	char *cause = NULL;
	struct answer *a;

	if (size == 0)
		return 0;
	if (!ready) {
		message_init();
		attach_opts_default(&o);
		o.ocr_enabled = FALSE; /* OCR has a target of its own (fuzz_pdf, images) */
		ready = TRUE;
	}
	if (data[0] == 0) {
		/* a job: flags byte 0 (the quick pass) and the message */
		GBytes *b = readwire_read_message((const char *)data, size, &o, &p);
		gsize len;
		const guint8 *d = g_bytes_get_data(b, &len);
		a = readwire_answer_parse(d, len, &cause);
		if (a == NULL) {
			/* an honest reader's answer refused: the two sides disagree */
			fprintf(stderr, "answer refused: %s\n", cause);
			abort();
		}
		g_bytes_unref(b);
	} else {
		a = readwire_answer_parse(data + 1, size - 1, &cause);
	}
	answer_free(a);
	g_free(cause);
	return 0;
}
