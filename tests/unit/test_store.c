/* test_store.c - the SQLite store on a real database file: requests,
   rollback, messages seen, the outbox and quarantine. */
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

/* A request with its first event, numbered per year, found by number. */
static void
t_request(void **state)
{
	struct store *st = *state;
	char *cause = NULL, *num1 = NULL, *num2 = NULL, *sender = NULL;
	JsonObject *f = json_object_new();
	GPtrArray *missing = g_ptr_array_new();
	g_ptr_array_add(missing, "contact_phone");
	json_object_set_string_member(f, "requesting_unit", "Sở Tư pháp");
	struct new_request r = {
	    "mailbox", "received", "cntt",      "cntt",     "vp@stp.danang.gov.vn",
	    "Cấp mới", "m1@stp",   "02/IID-KT", "body",     f,
	    missing,   NULL,       0.9,         1795822270, NULL,
	    NULL,      FALSE};

	assert_int_equal(store_begin(st, &cause), 0);
	gint64 id = store_request_add(st, &r, &num1, &cause);
	assert_true(id > 0);
	gint64 id2 = store_request_add(st, &r, &num2, &cause);
	assert_int_equal(store_event_add(st, id, "vp@stp.danang.gov.vn", "received", NULL,
	                                 "received", 0, "test", &cause),
	                 0);
	assert_int_equal(store_commit(st, &cause), 0);
	assert_string_equal(num1, "2026-000001");
	assert_string_equal(num2, "2026-000002");
	assert_int_equal(store_request_by_number(st, "2026-000002", &sender, &cause), id2);
	assert_string_equal(sender, "vp@stp.danang.gov.vn");
	assert_int_equal(store_request_by_number(st, "2026-999999", NULL, &cause), 0);

	JsonObject *o = store_request_show(st, "2026-000001", &cause);
	assert_non_null(o);
	assert_string_equal(json_object_get_string_member(o, "state"), "received");
	assert_string_equal(json_object_get_string_member(
	                        json_object_get_object_member(o, "fields"), "requesting_unit"),
	                    "Sở Tư pháp");
	assert_int_equal(json_array_get_length(json_object_get_array_member(o, "history")), 1);
	assert_int_equal(json_array_get_length(json_object_get_array_member(o, "missing")), 1);
	json_object_unref(o);
	JsonArray *list = store_request_list(st, &cause);
	assert_int_equal(json_array_get_length(list), 2);
	json_array_unref(list);
	g_free(num1);
	g_free(num2);
	g_free(sender);
	json_object_unref(f);
	g_ptr_array_free(missing, TRUE);
}

/* Rolled-back work leaves nothing behind. */
static void
t_rollback(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	uint32_t v, last;

	assert_int_equal(store_begin(st, &cause), 0);
	assert_int_equal(store_mailbox_set(st, "pkt-iid", 7, 42, &cause), 0);
	store_rollback(st);
	assert_int_equal(store_mailbox_get(st, "pkt-iid", &v, &last, &cause), 0);
	assert_int_equal(last, 0);
	assert_int_equal(store_begin(st, &cause), 0);
	assert_int_equal(store_mailbox_set(st, "pkt-iid", 7, 42, &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);
	assert_int_equal(store_mailbox_get(st, "pkt-iid", &v, &last, &cause), 0);
	assert_int_equal(v, 7);
	assert_int_equal(last, 42);
}

/* Messages are recognised again by Message-ID, or by digest without one. */
static void
t_seen(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	gint64 req = -1;
	struct stored_message m = {"pkt-iid", 5,   7, "abc@x",     "sha1", "/spool/a", 10,
	                           "a@x",     "s", 0, "automatic", NULL,   0};

	assert_int_equal(store_message_seen(st, "abc@x", "sha1", &req, &cause), 0);
	assert_true(store_message_add(st, &m, &cause) > 0);
	assert_int_equal(store_message_seen(st, "abc@x", "other", &req, &cause), 1);
	assert_int_equal(req, 0);
	assert_int_equal(store_message_seen(st, NULL, "sha1", &req, &cause), 1);
	assert_int_equal(store_uid_seen(st, "pkt-iid", 7, 5, &cause), 1);
	assert_int_equal(store_uid_seen(st, "pkt-iid", 8, 5, &cause), 0);
}

/* The outbox: due now, retried later, sent once. */
static void
t_outbox(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	const char *rcpt[] = {"vp@stp.danang.gov.vn", NULL};
	struct outgoing o = {0,      "ack", "pkt-iid@danang.gov.vn", rcpt, "id1@danang.gov.vn",
	                     "DATA", 4};
	gint64 id = store_outbox_add(st, &o, 0, &cause);
	GPtrArray *due;

	assert_true(id > 0);
	assert_int_equal(store_outbox_pending(st), 1);
	due = store_outbox_due(st, 1000, 10, &cause);
	assert_int_equal(due->len, 1);
	struct due *d = g_ptr_array_index(due, 0);
	assert_string_equal(d->rcpt[0], "vp@stp.danang.gov.vn");
	assert_null(d->rcpt[1]);
	assert_true(d->queued_at > 1000000000);
	g_ptr_array_free(due, TRUE);
	/* claimed: not due any more, still pending */
	assert_int_equal(store_outbox_claim(st, id, &cause), 0);
	assert_int_equal(store_outbox_claim(st, id, &cause), -1);
	g_free(cause);
	cause = NULL;
	due = store_outbox_due(st, 1000, 10, &cause);
	assert_int_equal(due->len, 0);
	g_ptr_array_free(due, TRUE);
	assert_int_equal(store_outbox_pending(st), 1);
	assert_int_equal(store_outbox_retry(st, id, 2000, "451 try later", TRUE, &cause), 0);
	assert_int_equal(store_outbox_next(st), 2000);
	due = store_outbox_due(st, 1500, 10, &cause);
	assert_int_equal(due->len, 0);
	g_ptr_array_free(due, TRUE);
	due = store_outbox_due(st, 2000, 10, &cause);
	assert_int_equal(due->len, 1);
	assert_int_equal(((struct due *)g_ptr_array_index(due, 0))->attempts, 1);
	g_ptr_array_free(due, TRUE);
	/* a run killed while sending: queued again, counted as interrupted */
	assert_int_equal(store_outbox_claim(st, id, &cause), 0);
	assert_int_equal(store_outbox_recover(st, &cause), 1);
	assert_int_equal(store_outbox_recover(st, &cause), 0);
	due = store_outbox_due(st, 2000, 10, &cause);
	assert_int_equal(((struct due *)g_ptr_array_index(due, 0))->interrupted, 1);
	g_ptr_array_free(due, TRUE);
	/* sent: the body leaves the database when the spool holds it */
	assert_int_equal(store_outbox_claim(st, id, &cause), 0);
	assert_int_equal(store_outbox_sent(st, id, "/spool/sent/ab/ab.eml", &cause), 0);
	assert_int_equal(store_outbox_pending(st), 0);
	assert_int_equal(store_outbox_next(st), -1);
	due = store_outbox_due(st, 5000, 10, &cause);
	assert_int_equal(due->len, 0);
	g_ptr_array_free(due, TRUE);
	/* a sent message is never queued again by hand */
	assert_int_equal(store_outbox_requeue(st, id, &cause), 0);
	JsonArray *list = store_outbox_list(st, &cause);
	JsonObject *row = json_array_get_object_element(list, 0);
	assert_string_equal(json_object_get_string_member(row, "state"), "sent");
	assert_string_equal(json_object_get_string_member(row, "body"), "/spool/sent/ab/ab.eml");
	json_array_unref(list);
}

/* A failed message is queued again by hand, with a new retry period. */
static void
t_outbox_failed(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	const char *rcpt[] = {"vp@stp.danang.gov.vn", NULL};
	struct outgoing o = {0, "ack", "pkt-iid@danang.gov.vn", rcpt, "id2@danang.gov.vn", "D", 1};
	gint64 id = store_outbox_add(st, &o, 0, &cause);

	assert_int_equal(store_outbox_claim(st, id, &cause), 0);
	assert_int_equal(store_outbox_failed(st, id, "554 no such user", &cause), 0);
	assert_int_equal(store_outbox_pending(st), 0);
	assert_int_equal(store_outbox_requeue(st, id + 1, &cause), 0);
	assert_int_equal(store_outbox_requeue(st, id, &cause), 1);
	assert_int_equal(store_outbox_pending(st), 1);
	assert_int_equal(store_outbox_next(st), 0);
}

/* Failures are counted per message; the quarantine holds it after some. */
static void
t_quarantine(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	assert_int_equal(store_failure_add(st, "pkt-iid", 7, 42, "a@x", "s", "crash", &cause), 1);
	assert_int_equal(store_failure_add(st, "pkt-iid", 7, 42, NULL, NULL, "crash", &cause), 2);
	assert_int_equal(store_failure_add(st, "cntt", 7, 42, NULL, NULL, "crash", &cause), 1);
	assert_int_equal(store_quarantine_held(st, "pkt-iid", 7, 42, &cause), 0);
	assert_int_equal(
	    store_quarantine_hold(st, "pkt-iid", 7, 42, "ab", "/spool/raw/ab.eml", 10, &cause), 0);
	assert_int_equal(store_quarantine_held(st, "pkt-iid", 7, 42, &cause), 1);
	/* held and not yet flagged on the server */
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, FALSE, uids, &cause), 0);
	assert_int_equal(uids->len, 1);
	uint32_t u = 42;
	assert_int_equal(store_quarantine_flagged(st, "pkt-iid", 7, &u, 1, &cause), 0);
	g_array_set_size(uids, 0);
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, FALSE, uids, &cause), 0);
	assert_int_equal(uids->len, 0);
	JsonArray *list = store_quarantine_list(st, &cause);
	assert_int_equal(json_array_get_length(list), 1);
	JsonObject *q = json_array_get_object_element(list, 0);
	assert_int_equal(json_object_get_int_member(q, "failures"), 2);
	assert_string_equal(json_object_get_string_member(q, "from"), "a@x");
	assert_int_equal(json_array_get_length(json_object_get_array_member(q, "history")), 2);
	json_array_unref(list);
	/* staff ask for a retry: fetched again, the count starts anew */
	assert_int_equal(store_quarantine_retry(st, NULL, 41, &cause), 0);
	assert_int_equal(store_quarantine_retry(st, "pkt-iid", 42, &cause), 1);
	assert_int_equal(store_quarantine_held(st, "pkt-iid", 7, 42, &cause), 0);
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, TRUE, uids, &cause), 0);
	assert_int_equal(uids->len, 1);
	assert_int_equal(store_failure_add(st, "pkt-iid", 7, 42, NULL, NULL, "again", &cause), 1);
	/* stored at last: released, a later failure counts from one */
	assert_int_equal(store_quarantine_release(st, "pkt-iid", 7, 42, &cause), 0);
	g_array_set_size(uids, 0);
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, TRUE, uids, &cause), 0);
	assert_int_equal(uids->len, 0);
	assert_int_equal(store_failure_add(st, "pkt-iid", 7, 42, NULL, NULL, "new", &cause), 1);
	g_array_free(uids, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_request, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_rollback, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_seen, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_outbox, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_outbox_failed, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_quarantine, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
