/* fuzz_commands.c - staff commands and unit confirmations in the new text
   of a reply, as valid UTF-8 NFC (what message.c hands on). */
#include <stddef.h>
#include <stdint.h>

#include "commands.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse the commands of one text. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = g_strndup((const char *)data, size);
	char *text = text_nfc(raw);
	GPtrArray *unknown = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *cmds = commands_parse(text, 2026, 12, unknown);

	g_ptr_array_unref(cmds);
	g_ptr_array_unref(unknown);
	(void)commands_is_confirmation(text);
	g_free(text);
	g_free(raw);
	return 0;
}
