/* test_store_schema.c - the store's database file: the schema and its
   migrations, faults of the storage, a damaged file, two processes opening it
   at once, its mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "store.h"
#include "store_fixture.h"

/* Migrations bring the schema to the latest version, and reopening is a no-op. */
static void
t_schema(void **state)
{
	assert_int_equal(store_version(*state), store_schema_latest());
}

/* The schema as SQLite holds it: every object's SQL, sorted. */
static char *
schema_of(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	GString *out = g_string_new(NULL);

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT type || ' ' || name || ': ' || "
	                                    "coalesce(sql, '') FROM sqlite_master ORDER BY 1",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		g_string_append_printf(out, "%s\n", sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return g_string_free(out, FALSE);
}

/* A database left at every older version, holding a request, is brought to
   the latest schema (the same as a new database's), the request kept. */
static void
t_upgrade(void **state)
{
	char *dir = g_dir_make_tmp("phieu-store-XXXXXX", NULL);
	char *fresh = g_build_filename(dir, "fresh.db", NULL), *cause = NULL;
	struct store *st = store_open(fresh, &cause);

	assert_non_null(st);
	store_close(st);
	char *want = schema_of(fresh);
	assert_true(store_schema_latest() >= 13);
	for (int v = 1; v < store_schema_latest(); v++) {
		char *path = g_strdup_printf("%s/v%d.db", dir, v), *sender = NULL;
		sqlite3 *db;
		st = store_open_version(path, v, &cause);
		if (st == NULL)
			fail_msg("version %d: %s", v, cause);
		assert_int_equal(store_version(st), v);
		store_close(st);
		/* a request as the first schema stored it */
		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db,
		                              "INSERT INTO requests(number, type, state, sender, "
		                              "fields, missing, doubtful, created, updated) VALUES "
		                              "('2025-000042', 'mailbox', 'scheduled', "
		                              "'vp@stp.danang.gov.vn', '{}', '[]', '[]', "
		                              "'2025-03-01T02:00:00Z', '2025-03-01T02:00:00Z')",
		                              NULL, NULL, NULL),
		                 SQLITE_OK);
		sqlite3_close(db);
		st = store_open(path, &cause);
		if (st == NULL)
			fail_msg("from version %d: %s", v, cause);
		assert_int_equal(store_version(st), store_schema_latest());
		gint64 id = store_request_by_number(st, "2025-000042", &sender, &cause);
		assert_true(id > 0);
		assert_string_equal(sender, "vp@stp.danang.gov.vn");
		store_close(st);
		char *got = schema_of(path);
		if (strcmp(got, want) != 0)
			fail_msg("from version %d the schema differs:\n%s\nwant:\n%s", v, got,
			         want);
		g_free(got);
		g_free(sender);
		fixture_remove_db(path);
		g_rmdir(dir); /* fails while files remain: recreated below */
		g_mkdir(dir, 0700);
		g_free(path);
	}
	/* a database newer than this phieu is refused, not damaged */
	sqlite3 *db;
	assert_int_equal(sqlite3_open(fresh, &db), SQLITE_OK);
	char *bump = g_strdup_printf("PRAGMA user_version = %d", store_schema_latest() + 1);
	assert_int_equal(sqlite3_exec(db, bump, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_null(store_open(fresh, &cause));
	assert_non_null(strstr(cause, "newer than this phieu"));
	g_free(cause);
	g_free(bump);
	g_free(want);
	fixture_remove_db(fresh);
	g_free(fresh);
	g_free(dir);
}

/* A storage fault is told apart from a statement's own error. */
static void
t_fault(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	uint32_t v, last;
	struct stored_message bad = {"pkt-iid", 9,   7, "x@y",     NULL, "/p", 1,
	                             "a@x",     "s", 0, "request", NULL, 0};

	assert_int_equal(store_begin(st, &cause), 0);
	assert_false(store_faulted(st));
	/* a NOT NULL constraint is the message's own error, not a fault */
	assert_int_equal(store_savepoint(st, &cause), 0);
	assert_int_equal(store_mailbox_set(st, "pkt-iid", 1, 5, &cause), 0);
	assert_true(store_message_add(st, &bad, &cause) < 0);
	assert_non_null(cause);
	g_free(cause);
	cause = NULL;
	assert_false(store_faulted(st));
	assert_int_equal(store_savepoint_end(st, FALSE, &cause), 0);
	assert_int_equal(store_mailbox_get(st, "pkt-iid", &v, &last, &cause), 0);
	assert_int_equal(last, 0);
	assert_int_equal(store_commit(st, &cause), 0);
	assert_int_equal(store_verify(st, "test.db", &cause), 0);
}

/* Another process holding the write lock past the busy timeout is a fault. */
static void
t_busy(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	struct store *other = store_open(store_path(st), &cause);

	assert_non_null(other);
	store_set_busy_timeout(st, 50);
	assert_int_equal(store_begin(other, &cause), 0);
	assert_int_equal(store_begin(st, &cause), -1);
	assert_true(store_faulted(st));
	g_free(cause);
	cause = NULL;
	store_rollback(other);
	store_close(other);
	assert_int_equal(store_begin(st, &cause), 0);
	assert_false(store_faulted(st));
	store_rollback(st);
}

/* A damaged file is refused with a cause that says so. */
static void
t_damaged(void **state)
{
	char *dir = g_dir_make_tmp("phieu-damaged-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL), *cause = NULL;
	struct store *st = store_open(path, &cause);
	const char *rcpt[] = {"a@x", NULL};
	GString *big = g_string_new(NULL);

	(void)state;
	assert_non_null(st);
	for (int i = 0; i < 20000; i++)
		g_string_append(big, "0123456789");
	for (int i = 0; i < 20; i++) {
		char *id = g_strdup_printf("m%d@x", i);
		struct outgoing o = {0, "ack", "p@x", rcpt, id, big->str, big->len};
		assert_true(store_outbox_add(st, &o, 0, &cause) > 0);
		g_free(id);
	}
	store_close(st);
	/* overwrite pages in the middle of the file with garbage */
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, 40960, SEEK_SET);
	for (int i = 0; i < 65536; i++)
		fputc(0xA5, f);
	fclose(f);
	st = store_open(path, &cause);
	if (st != NULL) {
		assert_int_equal(store_verify(st, path, &cause), -1);
		store_close(st);
	}
	assert_non_null(cause);
	assert_non_null(strstr(cause, "damaged"));
	g_free(cause);
	g_string_free(big, TRUE);
	fixture_remove_db(path);
	g_free(path);
	g_free(dir);
}

/* Two processes opening the same new database at once (phieud starting and
   phieuctl, say): both read version 0, one migrates, the other must find the
   work done under the lock instead of applying the migrations again. */
static gpointer
open_in_thread(gpointer path)
{
	char *cause = NULL;
	struct store *st = store_open(path, &cause);

	if (st == NULL)
		print_error("store_open: %s\n", cause);
	return st;
}

static void
t_concurrent_open(void **state)
{
	char *dir = g_dir_make_tmp("phieu-store-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL);
	sqlite3 *x = NULL;
	GThread *a, *b;
	struct store *sa, *sb;

	(void)state;
	assert_int_equal(sqlite3_open(path, &x), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(x, "PRAGMA journal_mode = WAL; BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	/* both read version 0, then wait for the write lock x holds */
	a = g_thread_new("open-a", open_in_thread, path);
	b = g_thread_new("open-b", open_in_thread, path);
	g_usleep(G_USEC_PER_SEC);
	sqlite3_exec(x, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(x);
	sa = g_thread_join(a);
	sb = g_thread_join(b);
	assert_non_null(sa);
	assert_non_null(sb);
	assert_int_equal(store_version(sa), store_version(sb));
	assert_true(store_version(sa) >= 1);
	store_close(sa);
	store_close(sb);
	fixture_remove_db(path);
	g_free(path);
	g_free(dir);
}

/* The mode of a file, or -1. */
static int
mode_of(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* The database and its -wal and -shm are its owner's alone, even under a
   permissive umask; an older database open to others is tightened. */
static void
t_private(void **state)
{
	char *dir = g_dir_make_tmp("phieu-mode-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL), *cause = NULL;
	char *wal = g_strconcat(path, "-wal", NULL), *shm = g_strconcat(path, "-shm", NULL);
	mode_t old = umask(022);
	struct store *st;

	(void)state;
	st = store_open(path, &cause);
	if (st == NULL)
		fail_msg("%s", cause);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(wal), 0600);
	assert_int_equal(mode_of(shm), 0600);
	store_close(st);
	assert_int_equal(chmod(path, 0644), 0);
	st = store_open(path, &cause);
	assert_non_null(st);
	assert_int_equal(mode_of(path), 0600);
	store_close(st);
	umask(old);
	unlink(wal);
	unlink(shm);
	unlink(path);
	g_rmdir(dir);
	g_free(wal);
	g_free(shm);
	g_free(path);
	g_free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_schema, fixture_setup, fixture_teardown),
	    cmocka_unit_test(t_upgrade),
	    cmocka_unit_test_setup_teardown(t_fault, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_busy, fixture_setup, fixture_teardown),
	    cmocka_unit_test(t_damaged),
	    cmocka_unit_test(t_concurrent_open),
	    cmocka_unit_test(t_private),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
