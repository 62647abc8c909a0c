/* test_health.c - the health table of the store and how phieuctl status rates it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "config.h"
#include "health.h"
#include "store.h"

#define T0 1796600000 /* "now" of the table's rows */

/* A database and a configuration (two mailboxes, poll_interval 60,
   stale_after 900) in a temporary directory. */
struct fixture {
	char *dir, *db;
	struct store *st;
	struct config *cfg;
};

static int
setup(void **state)
{
	struct fixture *f = g_new0(struct fixture, 1);
	char *cause = NULL, *conf, *text;

	f->dir = g_dir_make_tmp("phieu-health-XXXXXX", NULL);
	f->db = g_build_filename(f->dir, "t.db", NULL);
	conf = g_build_filename(f->dir, "phieu.conf", NULL);
	text = g_strdup_printf(
	    "database = \"%s\";\nspool = \"%s/spool\";\n"
	    "imap = { host = \"127.0.0.1\"; port = 9; security = \"none\"; };\n"
	    "smtp = { host = \"127.0.0.1\"; port = 9; security = \"none\"; };\n"
	    "mailboxes = ( { name = \"pkt-iid\"; address = \"pkt-iid@danang.gov.vn\"; "
	    "login = \"p\"; password = \"x\"; },\n"
	    "  { name = \"cntt\"; address = \"cntt@danang.gov.vn\"; login = \"c\"; "
	    "password = \"x\"; } );\n",
	    f->db, f->dir);
	g_file_set_contents(conf, text, -1, NULL);
	if ((f->cfg = config_load(conf, &cause)) == NULL)
		fail_msg("%s", cause);
	if ((f->st = store_open(f->db, &cause)) == NULL)
		fail_msg("%s", cause);
	g_free(conf);
	g_free(text);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	store_close(f->st);
	config_free(f->cfg);
	/* the directory holds phieu.conf, t.db and its -wal and -shm */
	for (const char *const *x =
	         (const char *const[]){"phieu.conf", "t.db", "t.db-wal", "t.db-shm", NULL};
	     *x != NULL; x++) {
		char *p = g_build_filename(f->dir, *x, NULL);
		g_unlink(p);
		g_free(p);
	}
	g_rmdir(f->dir);
	g_free(f->db);
	g_free(f->dir);
	g_free(f);
	return 0;
}

/* The report, judged at now; *level gets the overall level. */
static JsonObject *
judged(struct fixture *f, gint64 now, enum health_level *level)
{
	char *cause = NULL;
	JsonObject *r = store_health_report(f->st, &cause);

	if (r == NULL)
		fail_msg("%s", cause);
	*level = health_judge(r, f->cfg, now);
	return r;
}

/* The judged mailbox of that name. */
static JsonObject *
box(JsonObject *r, const char *name)
{
	JsonArray *a = json_object_get_array_member(r, "mailboxes");

	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *b = json_array_get_object_element(a, i);
		if (strcmp(json_object_get_string_member(b, "name"), name) == 0)
			return b;
	}
	fail_msg("no mailbox %s", name);
	return NULL;
}

/* What the store records: success clears failing_since, errors keep the first
   failure's time, IDLE is set and cleared by an error. */
static void
t_records(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	enum health_level level;
	JsonObject *r, *b;

	assert_int_equal(store_health_ok(f->st, "pkt-iid", T0 - 10, &cause), 0);
	assert_int_equal(store_health_idle(f->st, "pkt-iid", TRUE, T0 - 10, &cause), 0);
	r = judged(f, T0, &level);
	b = box(r, "pkt-iid");
	assert_int_equal(json_object_get_int_member(b, "last_ok"), T0 - 10);
	assert_true(json_object_get_boolean_member(b, "idle"));
	assert_true(json_object_get_null_member(b, "failing_since"));
	/* cntt has no row: listed all the same, never polled */
	assert_true(json_object_get_null_member(box(r, "cntt"), "last_ok"));
	json_object_unref(r);

	assert_int_equal(store_health_error(f->st, "pkt-iid", "connect: refused", T0 - 5, &cause),
	                 0);
	assert_int_equal(store_health_error(f->st, "pkt-iid", "login: NO", T0 - 2, &cause), 0);
	r = judged(f, T0, &level);
	b = box(r, "pkt-iid");
	assert_false(json_object_get_boolean_member(b, "idle"));
	assert_string_equal(json_object_get_string_member(b, "last_error"), "login: NO");
	assert_int_equal(json_object_get_int_member(b, "last_error_at"), T0 - 2);
	assert_int_equal(json_object_get_int_member(b, "failing_since"), T0 - 5);
	json_object_unref(r);

	assert_int_equal(store_health_ok(f->st, "pkt-iid", T0, &cause), 0);
	r = judged(f, T0, &level);
	b = box(r, "pkt-iid");
	assert_true(json_object_get_null_member(b, "failing_since"));
	/* the last error stays on record */
	assert_string_equal(json_object_get_string_member(b, "last_error"), "login: NO");
	json_object_unref(r);
}

/* One row of the rating table: what the store holds, and the level wanted. */
struct rating {
	const char *label;
	gint64 ok_age[2];      /* seconds since each mailbox's last poll, -1: never */
	gint64 failing_for[2]; /* seconds each has failed, 0: not failing */
	gint64 queued_age;     /* the oldest queued reply, 0: none */
	int failed;            /* failed replies */
	gboolean running;      /* the daemon runs */
	enum health_level want;
	const char *problem; /* part of the first problem, or NULL */
};

static const struct rating ratings[] = {
    {"healthy", {10, 30}, {0, 0}, 0, 0, TRUE, HEALTH_OK, NULL},
    {"young queue", {10, 30}, {0, 0}, 600, 0, TRUE, HEALTH_OK, NULL},
    {"daemon stopped", {10, 30}, {0, 0}, 0, 0, FALSE, HEALTH_CRITICAL, "not running"},
    {"one never polled", {10, -1}, {0, 0}, 0, 0, TRUE, HEALTH_WARNING, "never polled"},
    {"not polled for 2 x poll_interval",
     {10, 121},
     {0, 0},
     0,
     0,
     TRUE,
     HEALTH_WARNING,
     "not polled for 121 s"},
    {"not polled past stale_after",
     {10, 901},
     {0, 0},
     0,
     0,
     TRUE,
     HEALTH_CRITICAL,
     "not polled for 901 s"},
    {"failing a while", {10, 100}, {0, 100}, 0, 0, TRUE, HEALTH_WARNING, "failing for 100 s"},
    {"failing past stale_after",
     {10, 1000},
     {0, 901},
     0,
     0,
     TRUE,
     HEALTH_CRITICAL,
     "failing for 901 s"},
    {"reply queued over an hour",
     {10, 30},
     {0, 0},
     3601,
     0,
     TRUE,
     HEALTH_WARNING,
     "waited in the outbox for 3601 s"},
    {"a failed reply", {10, 30}, {0, 0}, 0, 1, TRUE, HEALTH_CRITICAL, "1 failed"},
};

/* Write a rating row's facts into a fresh database. */
static void
rating_store(struct fixture *f, const struct rating *r)
{
	static const char *const names[] = {"pkt-iid", "cntt"};
	char *cause = NULL;
	sqlite3 *db;

	for (int i = 0; i < 2; i++) {
		if (r->failing_for[i] > 0)
			assert_int_equal(store_health_error(f->st, names[i], "connect: refused",
			                                    T0 - r->failing_for[i], &cause),
			                 0);
		if (r->ok_age[i] >= 0 && r->failing_for[i] == 0)
			assert_int_equal(
			    store_health_ok(f->st, names[i], T0 - r->ok_age[i], &cause), 0);
	}
	/* this test process stands for the running daemon; pid 0x7ffffff0 runs nowhere */
	assert_int_equal(store_health_daemon(f->st, r->running ? (int)getpid() : 0x7ffffff0, 3, 60,
	                                     T0 - 3600, &cause),
	                 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	for (int i = 0; i < r->failed + (r->queued_age > 0); i++) {
		char *sql = g_strdup_printf(
		    "INSERT INTO outbox(kind, mail_from, rcpt, message_id, state, next_attempt, "
		    "created, queued_at) VALUES ('ack', 'a@b', '[]', 'm%d', '%s', 0, 'x', "
		    "%" G_GINT64_FORMAT ")",
		    i, i < r->failed ? "failed" : "queued", T0 - r->queued_age);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		g_free(sql);
	}
	sqlite3_close(db);
}

/* Every row of the table: the level, the first problem, the exit status. */
static void
t_ratings(void **state)
{
	(void)state;
	for (gsize k = 0; k < G_N_ELEMENTS(ratings); k++) {
		void *fs;
		enum health_level level;
		setup(&fs);
		struct fixture *f = fs;
		rating_store(f, &ratings[k]);
		JsonObject *r = judged(f, T0, &level);
		JsonArray *problems = json_object_get_array_member(r, "problems");
		if (level != ratings[k].want)
			fail_msg("%s: level %d, want %d", ratings[k].label, level, ratings[k].want);
		if (ratings[k].problem != NULL &&
		    (json_array_get_length(problems) == 0 ||
		     strstr(json_array_get_string_element(problems, 0), ratings[k].problem) ==
		         NULL))
			fail_msg("%s: problems do not start with \"%s\"", ratings[k].label,
			         ratings[k].problem);
		if (ratings[k].problem == NULL && json_array_get_length(problems) != 0)
			fail_msg("%s: unexpected problem %s", ratings[k].label,
			         json_array_get_string_element(problems, 0));
		json_object_unref(r);
		teardown(&fs);
	}
}

/* The Prometheus text: a HELP and TYPE per family, a sample per mailbox. */
static void
t_metrics(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL, *text;
	enum health_level level;
	JsonObject *r;

	assert_int_equal(store_health_ok(f->st, "pkt-iid", T0 - 10, &cause), 0);
	assert_int_equal(store_health_idle(f->st, "pkt-iid", TRUE, T0 - 10, &cause), 0);
	r = judged(f, T0, &level);
	text = health_metrics(r, T0);
	assert_non_null(strstr(text, "# TYPE phieu_mailbox_idle gauge\n"));
	assert_non_null(strstr(text, "phieu_mailbox_idle{mailbox=\"pkt-iid\"} 1\n"));
	assert_non_null(strstr(
	    text, "phieu_mailbox_last_poll_timestamp_seconds{mailbox=\"pkt-iid\"} 1796599990\n"));
	assert_non_null(strstr(text, "phieu_mailbox_level{mailbox=\"cntt\"} 1\n"));
	assert_non_null(strstr(text, "phieu_up 0\n"));
	assert_non_null(strstr(text, "phieu_health_level 2\n"));
	/* every sample line is NAME[{labels}] VALUE */
	char **lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++)
		if (lines[i][0] != '\0' && lines[i][0] != '#')
			assert_true(g_regex_match_simple(
			    "^phieu_[a-z_]+(\\{mailbox=\"[^\"]*\"\\})? -?[0-9]+$", lines[i], 0, 0));
	g_strfreev(lines);
	g_free(text);
	text = health_text(r, T0);
	assert_non_null(strstr(text, "phieu CRITICAL: phieud is not running"));
	g_free(text);
	json_object_unref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_records, setup, teardown),
	    cmocka_unit_test(t_ratings),
	    cmocka_unit_test_setup_teardown(t_metrics, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
