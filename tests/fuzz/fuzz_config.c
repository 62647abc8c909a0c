/* fuzz_config.c - configuration text, written to a temporary file and read
   with config_load() (libconfig reads files only).  Inputs that name device
   or kernel files or @include another file are skipped: reading /dev/zero
   as a password_file would only measure the machine. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir;

/* Remove the temporary directory at exit. */
static void
remove_dir(void)
{
	g_rmdir(dir);
}

/* Whether the text names a file no configuration should make us read. */
static gboolean
refused(const char *text)
{
	static const char *const bad[] = {"/dev", "/proc", "/sys", "@include", "/run", NULL};

	for (int i = 0; bad[i] != NULL; i++)
		if (strstr(text, bad[i]) != NULL)
			return TRUE;
	return FALSE;
}

/* Load one configuration text. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = g_strndup((const char *)data, size);
	char *cause = NULL;

	if (refused(text) || memchr(data, '\0', size) != NULL) {
		g_free(text);
		return 0;
	}
	if (dir == NULL) {
		dir = g_dir_make_tmp("fuzz_config.XXXXXX", NULL);
		g_assert(dir != NULL);
		atexit(remove_dir);
	}
	char *path = g_build_filename(dir, "phieu.conf", NULL);
	if (g_file_set_contents(path, text, (gssize)size, NULL)) {
		struct config *c = config_load(path, &cause);
		config_free(c);
		g_free(cause);
	}
	g_unlink(path);
	g_free(path);
	g_free(text);
	return 0;
}
