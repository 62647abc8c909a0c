/* store_fixture.c - what the store's test programs share: a fresh database
   in a temporary directory, and removing it again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "store.h"
#include "store_fixture.h"

/* A fresh database in a temporary directory. */
int
fixture_setup(void **state)
{
	char *dir = g_dir_make_tmp("phieu-store-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL), *cause = NULL;
	struct store *st = store_open(path, &cause);

	if (st == NULL)
		fail_msg("%s", cause);
	g_free(path);
	g_free(dir);
	*state = st;
	return 0;
}

/* Remove a database's files and its temporary directory. */
void
fixture_remove_db(const char *path)
{
	char *dir = g_path_get_dirname(path);

	for (const char *const *x = (const char *const[]){"", "-wal", "-shm", "-journal", NULL};
	     *x != NULL; x++) {
		char *f = g_strconcat(path, *x, NULL);
		g_unlink(f);
		g_free(f);
	}
	g_rmdir(dir);
	g_free(dir);
}

/* Close the store and remove its database. */
int
fixture_teardown(void **state)
{
	char *path = g_strdup(store_path(*state));

	store_close(*state);
	fixture_remove_db(path);
	g_free(path);
	return 0;
}
