/* test_report.c - the monthly report's figures on a store filled here; the CSV export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "commands.h"
#include "report.h"
#include "store.h"

/* Median and 90th percentile (nearest rank) of small sets. */
static void
t_median_p90(void **state)
{
	static const struct {
		const char *label;
		double v[20];
		gsize n;
		double median, p90;
	} rows[] = {
	    {"none", {0}, 0, 0, 0},
	    {"one", {5}, 1, 5, 5},
	    {"two", {2, 1}, 2, 1.5, 2},
	    {"three unsorted", {3, 1, 2}, 3, 2, 3},
	    {"ten", {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 10, 5.5, 9},
	    {"eleven", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 11, 6, 10},
	    {"one slow of ten", {0, 0, 0, 0, 0, 0, 0, 0, 0, 100}, 10, 0, 0},
	    {"two slow of ten", {0, 0, 0, 0, 0, 0, 0, 0, 50, 100}, 10, 0, 50},
	};

	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		double a[20], b[20];
		memcpy(a, rows[i].v, sizeof a);
		memcpy(b, rows[i].v, sizeof b);
		double m = report_median(a, rows[i].n), p = report_percentile(b, rows[i].n, 90);
		if (m != rows[i].median || p != rows[i].p90)
			fail_msg("%s: median %g p90 %g, want %g %g", rows[i].label, m, p,
			         rows[i].median, rows[i].p90);
	}
}

/* A fresh store with the requests of the scenario below. */
static int
setup(void **state)
{
	static const char *const sql =
	    /* created at 09:00 local (UTC+7): 02:00Z */
	    "INSERT INTO requests(id, number, type, state, sender, subject, fields, missing, "
	    " doubtful, created, updated, due_date, cost, emergency) VALUES "
	    "(1, '2026-000001', 'website_update', 'closed', 'a@stp.danang.gov.vn', 'A', "
	    " '{\"requesting_unit\":\"Sở Tư pháp\"}', '[]', '[]', '2026-11-02T02:00:00Z', 'x', "
	    " '2026-11-06', 0, 0),"
	    "(2, '2026-000002', 'website_update', 'completed', 'a@stp.danang.gov.vn', 'B', "
	    " '{\"requesting_unit\":\"Sở Tư pháp\"}', '[]', '[]', '2026-11-05T02:00:00Z', 'x', "
	    " '2026-11-06', 0, 0),"
	    "(3, '2026-000003', 'website_update', 'closed', 'b@hc.danang.gov.vn', 'C', "
	    " '{\"requesting_unit\":\"UBND quận Hải Châu\"}', '[]', '[]', "
	    " '2026-11-19T02:00:00Z', 'x', NULL, 0, 0),"
	    "(4, '2026-000004', 'tech_support', 'rejected', 'b@hc.danang.gov.vn', 'D', "
	    " '{\"requesting_unit\":\"UBND quận Hải Châu\"}', '[]', '[]', "
	    " '2026-11-10T02:00:00Z', 'x', '2026-11-11', 0, 0),"
	    "(5, '2026-000005', 'tech_support', 'in_progress', 'c@x.danang.gov.vn', 'E', "
	    " '{}', '[]', '[]', '2026-11-25T02:00:00Z', 'x', '2026-11-27', 200000, 1),"
	    "(6, '2026-000006', 'server_room', 'scheduled', 'a@stp.danang.gov.vn', 'F', "
	    " '{\"requesting_unit\":\"Sở Tư pháp\",\"visitors\":[{\"full_name\":\"A\"},"
	    "{\"full_name\":\"B\"}]}', '[]', '[]', '2026-11-26T02:00:00Z', 'x', '2026-12-15', "
	    " 0, 0),"
	    "(7, '2026-000007', 'mailbox', 'cancelled', 'a@stp.danang.gov.vn', 'H', "
	    " '{\"requesting_unit\":\"Sở Tư pháp\"}', '[]', '[]', '2026-11-30T16:59:00Z', 'x', "
	    " NULL, 0, 0),"
	    /* the evening of 30 November UTC is 1 December here: not November's */
	    "(8, '2026-000008', 'mailbox', 'received', 'a@stp.danang.gov.vn', 'G', "
	    " '{}', '[]', '[]', '2026-11-30T17:00:00Z', 'x', '2026-11-01', 0, 0),"
	    "(9, '2026-000009', 'mailbox', 'received', 'a@stp.danang.gov.vn', 'G', "
	    " '{}', '[]', '[]', '2026-10-31T16:59:59Z', 'x', '2026-11-01', 0, 0);"
	    "INSERT INTO events(request_id, at, actor, kind, from_state, to_state, detail) VALUES "
	    /* A: Mon 2 -> Fri 6: 4 working days */
	    "(1, '2026-11-06T08:00:00Z', 's', 'completed', 'in_progress', 'completed', NULL),"
	    "(1, '2026-11-07T08:00:00Z', 'u', 'confirmed', 'completed', 'closed', NULL),"
	    /* B: Thu 5 -> Mon 9: 2 (Fri, Mon), after its due day 6: overdue */
	    "(2, '2026-11-09T03:00:00Z', 's', 'completed', 'in_progress', 'completed', NULL),"
	    /* C: Thu 19 -> Mon 23 over the holiday on Fri 20: 1 */
	    "(3, '2026-11-23T03:00:00Z', 's', 'completed', 'in_progress', 'completed', NULL),"
	    "(4, '2026-11-11T03:00:00Z', 's', 'rejected', 'acknowledged', 'rejected', "
	    " 'không đúng mẫu'),"
	    "(7, '2026-11-30T16:59:30Z', 's', 'cancelled', 'received', 'cancelled', 'đơn vị rút');";
	char *dir = g_dir_make_tmp("phieu-report-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL), *cause = NULL, *err = NULL;
	struct store *st = store_open(path, &cause);
	sqlite3 *db;

	if (st == NULL)
		fail_msg("%s", cause);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s", err);
	sqlite3_close(db);
	g_free(path);
	g_free(dir);
	*state = st;
	return 0;
}

/* Release the store. */
static int
teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* The count under key in counts, -1 when absent. */
static int
count_of(const GPtrArray *counts, const char *key)
{
	for (guint i = 0; i < counts->len; i++) {
		const struct report_count *c = g_ptr_array_index(counts, i);
		if (strcmp(c->key, key) == 0)
			return c->n;
	}
	return -1;
}

/* The numbers in a list of the report, joined by ' '. */
static char *
numbers(const GPtrArray *items)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++) {
		const struct report_item *it = g_ptr_array_index(items, i);
		g_string_append_printf(s, "%s%s", i > 0 ? " " : "", it->number);
	}
	return g_string_free(s, FALSE);
}

/* November 2026's figures: counts, times over a weekend and a holiday, lists. */
static void
t_month(void **state)
{
	static char *holidays[] = {"2026-11-20", NULL};
	struct store *st = *state;
	char *cause = NULL;
	/* 1 November 00:00 local to 1 December 00:00 local */
	JsonArray *rows =
	    store_report_rows(st, "2026-10-31T17:00:00Z", "2026-11-30T17:00:00Z", &cause);
	GDateTime *end = g_date_time_new_local(2026, 12, 1, 0, 0, 0);
	struct report *r;
	char *s;

	assert_non_null(rows);
	r = report_compute(rows, "2026-11", g_date_time_to_unix(end), holidays);
	g_date_time_unref(end);
	assert_int_equal(r->total, 7);
	assert_int_equal(count_of(r->by_type, "website_update"), 3);
	assert_int_equal(count_of(r->by_type, "tech_support"), 2);
	assert_int_equal(count_of(r->by_type, "server_room"), 1);
	assert_int_equal(count_of(r->by_type, "mailbox"), 1);
	assert_string_equal(((struct report_count *)g_ptr_array_index(r->by_type, 0))->key,
	                    "website_update");
	assert_int_equal(count_of(r->by_unit, "Sở Tư pháp"), 4);
	assert_int_equal(count_of(r->by_unit, "UBND quận Hải Châu"), 2);
	assert_int_equal(count_of(r->by_unit, "c@x.danang.gov.vn"), 1);
	assert_int_equal(count_of(r->by_state, "closed"), 2);
	assert_int_equal(count_of(r->by_state, "received"), -1);
	for (guint i = 0; i < r->times->len; i++) {
		const struct report_time *t = g_ptr_array_index(r->times, i);
		if (strcmp(t->type, "website_update") == 0) {
			/* 4, 2, 1 working days */
			assert_int_equal(t->completed, 3);
			assert_true(t->median == 2);
			assert_true(t->p90 == 4);
		} else
			assert_int_equal(t->completed, 0);
	}
	s = numbers(r->overdue);
	assert_string_equal(s, "2026-000002 2026-000005");
	g_free(s);
	s = numbers(r->rejected);
	assert_string_equal(s, "2026-000004");
	g_free(s);
	assert_string_equal(((struct report_item *)g_ptr_array_index(r->rejected, 0))->detail,
	                    "không đúng mẫu");
	s = numbers(r->cancelled);
	assert_string_equal(s, "2026-000007");
	g_free(s);
	s = numbers(r->emergencies);
	assert_string_equal(s, "2026-000005");
	g_free(s);
	assert_int_equal(r->cost_total, 200000);
	assert_int_equal(r->costs->len, 1);
	assert_int_equal(r->visits->len, 1);
	assert_int_equal(r->visitors, 2);
	report_free(r);
	json_array_unref(rows);
}

/* The CSV: BOM, CRLF, RFC 4180 quoting, formula starts neutralised. */
static void
t_csv(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	JsonArray *rows =
	    store_report_rows(st, "2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", &cause);
	JsonObject *o;
	gsize len;
	char *csv;

	assert_int_equal(json_array_get_length(rows), 1);
	o = json_array_get_object_element(rows, 0);
	json_object_set_string_member(o, "subject", "=HYPERLINK(\"http://x\"),\r\nsecond");
	json_object_set_string_member(o, "owner", "@SUM(A1)");
	csv = report_csv(rows, &len);
	assert_int_equal(len, strlen(csv));
	assert_memory_equal(csv, "\xEF\xBB\xBFnumber,type,unit,", 20);
	assert_non_null(strstr(csv, ",\"'=HYPERLINK(\"\"http://x\"\"),\r\nsecond\","));
	assert_non_null(strstr(csv, ",'@SUM(A1),"));
	assert_non_null(strstr(csv, "2026-000001,website_update,Sở Tư pháp,"));
	/* received 09:00 local, completed 15:00 local */
	assert_non_null(strstr(csv, ",2026-11-02 09:00,2026-11-06 15:00,"));
	assert_string_equal(csv + len - 2, "\r\n");
	g_free(csv);
	json_array_unref(rows);
	for (const char *const *v =
	         (const char *const[]){"-1", "+1", "=1", "@a", "\t=1", "\r=1", NULL};
	     *v; v++) {
		char *safe = report_cell_safe(*v);
		assert_int_equal(safe[0], '\'');
		g_free(safe);
	}
	csv = report_cell_safe("Sở 1");
	assert_string_equal(csv, "Sở 1");
	g_free(csv);
}

/* The month's report is recorded once. */
static void
t_sent(void **state)
{
	struct store *st = *state;
	char *cause = NULL;

	assert_int_equal(store_report_sent(st, "2026-11", &cause), 0);
	assert_int_equal(store_report_mark(st, "2026-11", 1796000000, &cause), 0);
	assert_int_equal(store_report_mark(st, "2026-11", 1796000001, &cause), 0);
	assert_int_equal(store_report_sent(st, "2026-11", &cause), 1);
	assert_int_equal(store_report_sent(st, "2026-10", &cause), 0);
}

/* #tep and #files are the files command. */
static void
t_files_command(void **state)
{
	static const char *const texts[] = {"#tep\n", "#files\n", "#tệp\n", "#TEP\n"};

	for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
		GPtrArray *c = commands_parse(texts[i], 2026, 12, NULL);
		if (c->len != 1 || ((struct command *)g_ptr_array_index(c, 0))->kind != CMD_FILES)
			fail_msg("%s is not #tep", texts[i]);
		g_ptr_array_free(c, TRUE);
	}
}

/* Run the report tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_median_p90),
	    cmocka_unit_test_setup_teardown(t_month, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_csv, setup, teardown),
	    cmocka_unit_test_setup_teardown(t_sent, setup, teardown),
	    cmocka_unit_test(t_files_command),
	};
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
