/* test_store_queries.c - the store's queries on a real database file: the
   procedure's lookups, search, listing filters, and every statement finding
   its rows through an index. */
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

/* A request of a type with fields given as JSON text. */
static gint64
add_request(struct store *st, const char *type, const char *state, const char *sender,
            const char *message_id, const char *fields_json, char **number)
{
	JsonParser *p = json_parser_new();
	char *cause = NULL;
	gint64 id;

	assert_true(json_parser_load_from_data(p, fields_json, -1, NULL));
	struct new_request r = {type,       state,
	                        "pkt-iid",  "pkt-iid",
	                        sender,     "subj",
	                        message_id, "01/IID-KT",
	                        "body",     json_node_get_object(json_parser_get_root(p)),
	                        NULL,       NULL,
	                        1,          1795822270,
	                        NULL,       NULL,
	                        FALSE};
	id = store_request_add(st, &r, number, &cause);
	if (id <= 0)
		fail_msg("%s", cause);
	g_object_unref(p);
	return id;
}

/* Replace a request's fields with JSON text. */
static void
set_fields(struct store *st, gint64 id, const char *fields_json)
{
	JsonParser *p = json_parser_new();
	char *cause = NULL;

	assert_true(json_parser_load_from_data(p, fields_json, -1, NULL));
	assert_int_equal(store_request_set_fields(
	                     st, id, json_node_get_object(json_parser_get_root(p)), NULL, &cause),
	                 0);
	g_object_unref(p);
}

/* Whether addr is taken by a request other than except, asked with another address. */
static gboolean
taken(struct store *st, const char *addr, gint64 except)
{
	char *cause = NULL;
	const char *addrs[] = {"free@danang.gov.vn", addr, NULL};
	GPtrArray *found = store_addresses_taken(st, addrs, except, &cause);
	gboolean yes;

	if (found == NULL)
		fail_msg("%s", cause);
	assert_true(found->len <= 1);
	yes = found->len == 1;
	if (yes)
		assert_int_equal(g_ascii_strcasecmp(g_ptr_array_index(found, 0), addr), 0);
	g_ptr_array_free(found, TRUE);
	return yes;
}

/* The procedure's lookups: sub-domains, new addresses, server-room visits, emergencies. */
static void
t_lookups(void **state)
{
	struct store *st = *state;
	char *cause = NULL, *n1 = NULL, *n2 = NULL, *n3 = NULL, *n4 = NULL, *n5 = NULL, *who = NULL;
	const char *stp[] = {"vp@stp.danang.gov.vn", NULL}, *snv[] = {"vp@snv.danang.gov.vn", NULL};

	assert_int_equal(store_begin(st, &cause), 0);
	gint64 sub = add_request(st, "subdomain", "received", "vp@stp.danang.gov.vn", "s@stp",
	                         "{\"subdomain\":\"hoso\",\"approval_ref\":\"1/UBND\"}", &n1);
	gint64 mb =
	    add_request(st, "mailbox", "received", "vp@stp.danang.gov.vn", "m@stp",
	                "{\"mailbox_action\":\"create\",\"accounts\":[{\"name\":\"An\","
	                "\"address\":\"An.Nguyen@stp.danang.gov.vn\"},{\"name\":\"Binh\"}]}",
	                &n2);
	gint64 chg = add_request(st, "mailbox", "received", "vp@snv.danang.gov.vn", "c@snv",
	                         "{\"mailbox_action\":\"change\",\"accounts\":[{\"address\":"
	                         "\"ha@snv.danang.gov.vn\"}]}",
	                         &n3);
	gint64 room = add_request(st, "server_room", "scheduled", "vp@snv.danang.gov.vn", "r@snv",
	                          "{\"purpose\":\"kiểm tra\",\"visitors\":[{\"name\":\"A\"},"
	                          "{\"name\":\"B\"}]}",
	                          &n4);
	gint64 em = add_request(st, "tech_support", "in_progress", "vp@stp.danang.gov.vn", NULL,
	                        "{\"requesting_unit\":\"Sở Tư pháp\",\"emergency\":true}", &n5);
	assert_int_equal(
	    store_request_set_schedule(st, room, "2026-11-20T08:00", "2026-11-20T10:00", &cause),
	    0);
	assert_int_equal(store_request_mark(st, em, TRUE, 0, &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);

	/* a sub-domain is held by another unit's live request only */
	char *holder = store_subdomain_holder(st, "hoso", "vp@snv.danang.gov.vn", &cause);
	assert_string_equal(holder, "vp@stp.danang.gov.vn");
	g_free(holder);
	assert_null(store_subdomain_holder(st, "hoso", "vp@stp.danang.gov.vn", &cause));
	assert_null(store_subdomain_holder(st, "khac", "vp@snv.danang.gov.vn", &cause));

	/* addresses of mailbox-create requests, in any case, except the asking request's */
	assert_true(taken(st, "an.nguyen@stp.danang.gov.vn", 0));
	assert_false(taken(st, "an.nguyen@stp.danang.gov.vn", mb));
	assert_false(taken(st, "ha@snv.danang.gov.vn", 0));
	set_fields(st, mb,
	           "{\"mailbox_action\":\"create\",\"accounts\":[{\"address\":"
	           "\"binh@stp.danang.gov.vn\"}]}");
	assert_false(taken(st, "an.nguyen@stp.danang.gov.vn", 0));
	assert_true(taken(st, "binh@stp.danang.gov.vn", 0));
	set_fields(st, chg,
	           "{\"mailbox_action\":\"create\",\"accounts\":[{\"address\":"
	           "\"ha@snv.danang.gov.vn\"}]}");
	assert_true(taken(st, "HA@snv.danang.gov.vn", 0));

	/* the server room: people of other overlapping visits */
	assert_int_equal(
	    store_room_overlap(st, 0, "2026-11-20T09:00", "2026-11-20T11:00", &who, &cause), 2);
	assert_string_equal(who, n4);
	g_free(who);
	assert_int_equal(
	    store_room_overlap(st, room, "2026-11-20T09:00", "2026-11-20T11:00", &who, &cause), 0);
	g_free(who);
	assert_int_equal(
	    store_room_overlap(st, 0, "2026-11-20T10:00", "2026-11-20T11:00", &who, &cause), 0);
	g_free(who);

	/* the open emergency of a unit, by address or by name */
	assert_int_equal(store_open_emergency(st, stp, NULL, &cause), em);
	assert_int_equal(store_open_emergency(st, snv, "Sở Tư pháp", &cause), em);
	assert_int_equal(store_open_emergency(st, snv, "Sở Nội vụ", &cause), 0);

	/* requests rejected or cancelled hold nothing */
	assert_int_equal(store_begin(st, &cause), 0);
	assert_int_equal(store_request_set_state(st, sub, "rejected", &cause), 0);
	assert_int_equal(store_request_set_state(st, mb, "cancelled", &cause), 0);
	assert_int_equal(store_request_set_state(st, room, "cancelled", &cause), 0);
	assert_int_equal(store_request_set_state(st, em, "closed", &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);
	assert_null(store_subdomain_holder(st, "hoso", "vp@snv.danang.gov.vn", &cause));
	assert_false(taken(st, "binh@stp.danang.gov.vn", 0));
	assert_true(taken(st, "ha@snv.danang.gov.vn", 0));
	assert_int_equal(
	    store_room_overlap(st, 0, "2026-11-20T09:00", "2026-11-20T11:00", &who, &cause), 0);
	g_free(who);
	assert_int_equal(store_open_emergency(st, stp, NULL, &cause), 0);
	g_free(n1);
	g_free(n2);
	g_free(n3);
	g_free(n4);
	g_free(n5);
}

/* Every other store call of the intake, reply and timer paths, and phieuctl's. */
static void
exercise(struct store *st)
{
	char *cause = NULL, *num = NULL, *sender = NULL;
	const char *rcpt[] = {"vp@stp.danang.gov.vn", NULL};
	uint32_t v, last, uids[] = {5};
	gint64 req = 0;

	assert_int_equal(store_begin(st, &cause), 0);
	assert_int_equal(store_mailbox_get(st, "pkt-iid", &v, &last, &cause), 0);
	assert_int_equal(store_mailbox_set(st, "pkt-iid", 7, 5, &cause), 0);
	assert_int_equal(store_message_seen(st, "w@x", "sha-w", &req, &cause), 0);
	assert_int_equal(store_message_seen(st, NULL, "sha-w", &req, &cause), 0);
	assert_int_equal(store_uid_seen(st, "pkt-iid", 7, 5, &cause), 0);
	gint64 id = add_request(st, "website", "received", "vp@stp.danang.gov.vn", "w@x",
	                        "{\"requesting_unit\":\"Sở Tư pháp\"}", &num);
	struct stored_message m = {"pkt-iid", 5,   7, "w@x",     "sha-w", "/spool/w", 10,
	                           "vp@x",    "s", 0, "request", NULL,    id};
	gint64 mid = store_message_add(st, &m, &cause);
	assert_true(mid > 0);
	struct stored_attachment a = {
	    id, mid, "f.pdf", "application/pdf", "sha-a", "/spool/a", 3, NULL, NULL, NULL};
	assert_int_equal(store_attachment_add(st, &a, &cause), 0);
	assert_int_equal(
	    store_event_add(st, id, "vp@x", "received", NULL, "received", mid, NULL, &cause), 0);
	struct outgoing o = {id, "ack", "pkt-iid@danang.gov.vn", rcpt, "ack@x", "DATA", 4};
	gint64 oid = store_outbox_add(st, &o, 0, &cause);
	assert_true(oid > 0);
	assert_int_equal(store_commit(st, &cause), 0);

	GArray *unmarked = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	assert_int_equal(store_unmarked(st, "pkt-iid", 7, unmarked, &cause), 0);
	g_array_free(unmarked, TRUE);
	assert_int_equal(store_set_marked(st, "pkt-iid", 7, uids, 1, &cause), 0);
	assert_int_equal(store_message_seen(st, "w@x", "sha-w", &req, &cause), 1);
	assert_int_equal(req, id);
	assert_int_equal(store_uid_seen(st, "pkt-iid", 7, 5, &cause), 1);
	assert_int_equal(store_request_by_number(st, num, &sender, &cause), id);
	assert_int_equal(store_request_by_message_id(st, "ack@x", &cause), id);
	assert_int_equal(store_request_by_message_id(st, "w@x", &cause), id);
	g_free(sender);
	char *value = NULL;
	assert_int_equal(store_request_sender(st, id, &value, &cause), 1);
	assert_non_null(value);
	g_free(value);
	assert_int_equal(store_request_state(st, id, &value, &cause), 1);
	g_free(value);
	assert_int_equal(store_request_number(st, id, &value, &cause), 1);
	assert_string_equal(value, num);
	g_free(value);
	/* absent is not an error, and not a value */
	assert_int_equal(store_request_sender(st, id + 1000, &value, &cause), 0);
	assert_null(value);
	/* a forward's original: by Message-ID, then by sender and subject */
	assert_int_equal(store_request_of_original(st, "w@x", NULL, NULL, &cause), id);
	assert_true(store_request_of_original(st, "none@x", "nobody@x", "s", &cause) == 0);
	JsonObject *shown = store_request_show(st, num, &cause);
	assert_non_null(shown);
	json_object_unref(shown);

	GPtrArray *due = store_outbox_due(st, 1000, 10, &cause);
	g_ptr_array_free(due, TRUE);
	assert_int_equal(store_outbox_claim(st, oid, &cause), 0);
	assert_int_equal(store_outbox_retry(st, oid, 2000, "refused", TRUE, &cause), 0);
	assert_true(store_outbox_next(st) > 0);
	assert_int_equal(store_outbox_claim(st, oid, &cause), 0);
	assert_int_equal(store_outbox_recover(st, &cause), 1);
	assert_int_equal(store_outbox_claim(st, oid, &cause), 0);
	assert_int_equal(store_outbox_sent(st, oid, NULL, &cause), 0);
	GPtrArray *unspooled = store_outbox_unspooled(st, 10, &cause);
	assert_int_equal(unspooled->len, 1);
	g_ptr_array_free(unspooled, TRUE);
	assert_int_equal(store_outbox_spooled(st, oid, "/spool/sent/x.eml", &cause), 0);
	unspooled = store_outbox_unspooled(st, 10, &cause);
	assert_int_equal(unspooled->len, 0);
	g_ptr_array_free(unspooled, TRUE);
	assert_int_equal(store_outbox_failed(st, oid, "refused", &cause), 0);
	assert_int_equal(store_outbox_requeue(st, oid, &cause), 1);
	assert_true(store_outbox_pending(st) >= 0);

	/* the quarantine */
	GArray *q = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	assert_int_equal(store_failure_add(st, "pkt-iid", 7, 9, "a@x", "s", "crash", &cause), 1);
	assert_int_equal(store_quarantine_held(st, "pkt-iid", 7, 9, &cause), 0);
	assert_int_equal(store_quarantine_hold(st, "pkt-iid", 7, 9, "sha", "/p", 1, &cause), 0);
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, FALSE, q, &cause), 0);
	assert_int_equal(store_quarantine_uids(st, "pkt-iid", 7, TRUE, q, &cause), 0);
	assert_int_equal(store_quarantine_flagged(st, "pkt-iid", 7, uids, 1, &cause), 0);
	assert_int_equal(store_quarantine_retry(st, "pkt-iid", 9, &cause), 1);
	assert_int_equal(store_quarantine_release(st, "pkt-iid", 7, 9, &cause), 0);
	g_array_free(q, TRUE);

	assert_int_equal(store_request_set_state(st, id, "needs_info", &cause), 0);
	/* owners, due dates, the overdue reminders and the morning digest */
	assert_int_equal(store_request_set_owner(st, id, "thang.ltv@danang.gov.vn", &cause), 0);
	assert_int_equal(store_request_set_due_date(st, id, "2026-12-04", &cause), 0);
	GArray *overdue = store_requests_overdue(st, "2026-12-07", &cause);
	assert_int_equal(overdue->len, 1);
	g_array_free(overdue, TRUE);
	for (int k = DIGEST_NEW; k <= DIGEST_VISITS; k++) {
		JsonArray *rows = store_digest_section(
		    st, k, k == DIGEST_NEW ? "2000-01-01" : "2026-12-07", "2026-12-09", &cause);
		assert_non_null(rows);
		/* the request is new, owned, overdue (not due today) and waiting */
		int listed = 0;
		for (guint r = 0; r < json_array_get_length(rows); r++)
			listed += g_strcmp0(json_object_get_string_member(
			                        json_array_get_object_element(rows, r), "id"),
			                    num) == 0;
		assert_int_equal(listed,
		                 k == DIGEST_NEW || k == DIGEST_OVERDUE || k == DIGEST_WAITING);
		json_array_unref(rows);
	}
	char *day = NULL;
	gint64 sent = 0;
	assert_int_equal(store_digest_last(st, &day, &sent, &cause), 0);
	assert_int_equal(store_digest_add(st, "2026-12-07", 1000, &cause), 0);
	assert_int_equal(store_digest_last(st, &day, &sent, &cause), 1);
	assert_string_equal(day, "2026-12-07");
	assert_int_equal(sent, 1000);
	g_free(day);
	assert_int_equal(store_digest_add(st, "2026-12-07", 2000, &cause), -1);
	g_clear_pointer(&cause, g_free);
	assert_int_equal(store_request_set_hold(st, id, "the form", &cause), 0);
	assert_int_equal(store_request_set_due(st, id, 1000, "remind", &cause), 0);
	GArray *ids = store_requests_due(st, 2000, &cause);
	assert_int_equal(ids->len, 1);
	g_array_free(ids, TRUE);
	assert_int_equal(store_request_reminded(st, id, &cause), 0);
	assert_int_equal(store_request_add_cost(st, id, 100, &cause), 0);

	JsonArray *list = store_request_list(st, &cause);
	json_array_unref(list);
	list = store_logbook(st, &cause);
	json_array_unref(list);
	list = store_outbox_list(st, &cause);
	json_array_unref(list);
	list = store_quarantine_list(st, &cause);
	json_array_unref(list);
	/* the monthly report, exports and #tep (issue 13) */
	list = store_report_rows(st, "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", &cause);
	json_array_unref(list);
	assert_int_equal(store_report_sent(st, "2026-11", &cause), 0);
	assert_int_equal(store_report_mark(st, "2026-11", 1796000000, &cause), 0);
	list = store_request_originals(st, id, &cause);
	json_array_unref(list);
	g_free(num);
}

/* Statements that read every row by design: phieuctl's listings. */
static const struct {
	const char *part; /* a part of the statement's text */
	const char *why;
} plan_allowed[] = {
    {"FROM requests ORDER BY id", "phieuctl list: every request"},
    {"FROM outbox o LEFT JOIN requests r", "phieuctl outbox: every message sent or queued"},
    {"FROM requests r WHERE r.type = 'server_room'", "phieuctl logbook: every visit"},
    {"FROM quarantine WHERE state IN ('held', 'retry') ORDER BY id",
     "phieuctl quarantine: every message held (a partial index, few rows)"},
};

/* Whether a plan step reads a table without an index: a SCAN, unless of a partial index. */
static gboolean
step_scans(const char *step, GHashTable *partial)
{
	const char *p = step + strspn(step, " "), *u;
	gboolean scans;

	if (!g_str_has_prefix(p, "SCAN "))
		return FALSE;
	/* a virtual table: JSON of one value, or the search index by rowid or
	   MATCH ("INDEX 0:=", "INDEX 0:M…"); with nothing after the colon it
	   reads the whole index */
	if ((u = strstr(p, " VIRTUAL TABLE INDEX ")) != NULL) {
		const char *colon = strchr(u, ':');
		return !g_str_has_prefix(p, "SCAN json_tree ") &&
		       !g_str_has_prefix(p, "SCAN json_each ") &&
		       (colon == NULL || colon[1] == '\0' || colon[1] == ' ');
	}
	if ((u = strstr(p, " USING INDEX ")) == NULL &&
	    (u = strstr(p, " USING COVERING INDEX ")) == NULL)
		return TRUE;
	u = strstr(u, "INDEX ") + strlen("INDEX ");
	char *name = g_strndup(u, strcspn(u, " ("));
	scans = !g_hash_table_contains(partial, name);
	g_free(name);
	return scans;
}

/* The names of the database's partial indexes. */
static GHashTable *
partial_indexes(const char *path)
{
	GHashTable *names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	sqlite3 *db;
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT il.name FROM sqlite_schema t, "
	                                    "pragma_index_list(t.name) il WHERE t.type = 'table' "
	                                    "AND il.partial = 1",
	                                    -1, &s, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW)
		g_hash_table_add(names, g_strdup((const char *)sqlite3_column_text(s, 0)));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return names;
}

/* Every statement the daemon runs finds its rows through an index: none reads a
   whole table (or walks JSON) as the store grows. */
static void
t_plans(void **state)
{
	char *dir = g_dir_make_tmp("phieu-plans-XXXXXX", NULL);
	char *path = g_build_filename(dir, "t.db", NULL), *cause = NULL;
	struct store *st = store_open(path, &cause);
	guint bad = 0;
	void *inner = st;

	(void)state;
	if (st == NULL)
		fail_msg("%s", cause);
	t_lookups(&inner);
	exercise(st);
	GHashTable *partial = partial_indexes(path);
	GPtrArray *plans = store_query_plans(st);
	assert_true(plans->len > 30);
	for (guint i = 0; i < plans->len; i++) {
		struct query_plan *q = g_ptr_array_index(plans, i);
		gboolean allowed = FALSE, scans = FALSE;
		for (gsize k = 0; k < G_N_ELEMENTS(plan_allowed); k++)
			allowed |= strstr(q->sql, plan_allowed[k].part) != NULL;
		for (guint k = 0; k < q->steps->len; k++)
			scans |= step_scans(g_ptr_array_index(q->steps, k), partial);
		/* the unmarked messages of a mailbox: only those, not all of it */
		if (strstr(q->sql, "AND marked = 0 ORDER BY uid") != NULL) {
			gboolean partial_used = FALSE;
			for (guint k = 0; k < q->steps->len; k++)
				partial_used |= strstr(g_ptr_array_index(q->steps, k),
				                       "messages_unmarked") != NULL;
			if (!partial_used) {
				bad++;
				print_error("reads every message of the mailbox: %s\n", q->sql);
			}
		}
		/* one row of many (LIMIT) must not be found by sorting all of them
		   (the copies of one Message-ID or digest are few) */
		if (!allowed && strstr(q->sql, "LIMIT") != NULL &&
		    strstr(q->sql, "ORDER BY") != NULL &&
		    strstr(q->sql, "WHERE message_id = ?") == NULL &&
		    strstr(q->sql, "WHERE sha256 = ?") == NULL) {
			gboolean sorts = FALSE;
			for (guint k = 0; k < q->steps->len; k++)
				sorts |=
				    strstr(g_ptr_array_index(q->steps, k), "TEMP B-TREE") != NULL;
			if (sorts) {
				bad++;
				print_error("sorts every matching row to return a few: %s\n",
				            q->sql);
			}
		}
		if (!scans || allowed)
			continue;
		bad++;
		print_error("reads a whole table: %s\n", q->sql);
		for (guint k = 0; k < q->steps->len; k++)
			print_error("    %s\n", (char *)g_ptr_array_index(q->steps, k));
	}
	g_ptr_array_free(plans, TRUE);
	g_hash_table_destroy(partial);
	store_close(st);
	unlink(path);
	g_rmdir(dir);
	fixture_remove_db(path);
	g_free(path);
	g_free(dir);
	if (bad > 0)
		fail_msg("%u statements read a whole table (above)", bad);
}

/* Add a request of type and unit with a subject; its id. */
static gint64
new_req(struct store *st, const char *type, const char *unit, const char *subject)
{
	char *cause = NULL, *number = NULL;
	JsonObject *f = json_object_new();
	GPtrArray *none = g_ptr_array_new();
	struct new_request r = {type,    "received", "pkt-iid", "pkt-iid",  "vp@x.danang.gov.vn",
	                        subject, NULL,       NULL,      "body",     f,
	                        none,    none,       0.9,       1795822270, NULL,
	                        NULL,    FALSE};
	json_object_set_string_member(f, "requesting_unit", unit);
	gint64 id = store_request_add(st, &r, &number, &cause);
	if (id <= 0)
		fail_msg("%s", cause);
	json_object_unref(f);
	g_ptr_array_free(none, TRUE);
	g_free(number);
	return id;
}

/* The numbers of a listing, space-separated. */
static char *
numbers_of(JsonArray *a)
{
	GString *s = g_string_new(NULL);

	assert_non_null(a);
	for (guint i = 0; i < json_array_get_length(a); i++)
		g_string_append_printf(
		    s, "%s%s", i > 0 ? " " : "",
		    json_object_get_string_member(json_array_get_object_element(a, i), "id"));
	json_array_unref(a);
	return g_string_free(s, FALSE);
}

/* Search without diacritics or case, đ as d, in the head and the body;
   hostile query text is words; the index follows changed fields. */
static void
t_search(void **state)
{
	struct store *st = *state;
	char *cause = NULL, *got;

	assert_int_equal(store_begin(st, &cause), 0);
	gint64 a = new_req(st, "mailbox", "Sở Tư pháp", "Cấp hộp thư");
	gint64 b = new_req(st, "tech_support", "UBND quận Hải Châu", "Hỗ trợ máy in");
	new_req(st, "subdomain", "Sở Y tế", "Tên miền con");
	assert_int_equal(
	    store_request_index_body(st, b, "Máy in tầng 3 đường Bạch Đằng hỏng", &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);
	static const struct {
		const char *q, *want;
	} rows[] = {
	    {"so tu phap", "2026-000001"},
	    {"Sở Tư Pháp", "2026-000001"},
	    {"SO TU", "2026-000001"},
	    {"duong", "2026-000002"},
	    {"Đường bach dang", "2026-000002"},
	    {"hai chau", "2026-000002"},
	    {"so", "2026-000003 2026-000001"},
	    {"y te", "2026-000003"},
	    {"2026-000002", "2026-000002"},
	    {"tu phap hai chau", ""},
	    {"\"OR* NEAR( -x", ""},
	    {"", ""},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		got = numbers_of(store_search(st, rows[i].q, 50, &cause));
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("search \"%s\": got \"%s\", want \"%s\"", rows[i].q, got,
			         rows[i].want);
		g_free(got);
	}
	/* new fields, found at once */
	JsonObject *f = json_object_new();
	json_object_set_string_member(f, "requesting_unit", "Sở Nội vụ");
	GPtrArray *none = g_ptr_array_new();
	assert_int_equal(store_request_set_fields(st, a, f, none, &cause), 0);
	got = numbers_of(store_search(st, "noi vu", 50, &cause));
	assert_string_equal(got, "2026-000001");
	g_free(got);
	got = numbers_of(store_search(st, "tu phap", 50, &cause));
	assert_string_equal(got, "");
	g_free(got);
	json_object_unref(f);
	g_ptr_array_free(none, TRUE);
}

/* Listing filters, combined; newest first; paged. */
static void
t_list_filters(void **state)
{
	struct store *st = *state;
	char *cause = NULL, *got;
	gint64 c;

	assert_int_equal(store_begin(st, &cause), 0);
	new_req(st, "mailbox", "Sở Tư pháp", "a");
	new_req(st, "tech_support", "UBND quận Hải Châu", "b");
	c = new_req(st, "mailbox", "Sở Y tế", "c");
	assert_int_equal(store_request_set_state(st, c, "closed", &cause), 0);
	assert_int_equal(store_commit(st, &cause), 0);
	static const struct {
		struct list_filter f;
		const char *want;
	} rows[] = {
	    {{0}, "2026-000001 2026-000002 2026-000003"},
	    {{.type = "mailbox"}, "2026-000001 2026-000003"},
	    {{.type = "mailbox", .open = "yes"}, "2026-000001"},
	    {{.state = "closed"}, "2026-000003"},
	    {{.unit = "hai chau"}, "2026-000002"},
	    {{.unit = "SỞ"}, "2026-000001 2026-000003"},
	    {{.newest_first = TRUE, .limit = 2}, "2026-000003 2026-000002"},
	    {{.limit = 1, .offset = 1}, "2026-000002"},
	    {{.since = "2000-01-01T00:00:00Z", .until = "2000-01-02T00:00:00Z"}, ""},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		got = numbers_of(store_request_list_filtered(st, &rows[i].f, &cause));
		if (strcmp(got, rows[i].want) != 0)
			fail_msg("row %zu: got \"%s\", want \"%s\"", i, got, rows[i].want);
		g_free(got);
	}
}

/* A database error while looking for due timers or overdue requests is told
   apart from "nothing due": NULL with a cause, not an empty list. */
static void
t_due_error(void **state)
{
	struct store *st = *state;
	char *cause = NULL;
	sqlite3 *raw = NULL;

	GArray *none = store_requests_due(st, 2000, &cause);
	assert_non_null(none);
	assert_int_equal(none->len, 0);
	g_array_free(none, TRUE);
	none = store_requests_overdue(st, "2026-12-07", &cause);
	assert_non_null(none);
	assert_int_equal(none->len, 0);
	g_array_free(none, TRUE);
	assert_null(cause);

	/* another connection takes the table away under the store */
	assert_int_equal(sqlite3_open(store_path(st), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP TABLE requests", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	assert_null(store_requests_due(st, 2000, &cause));
	assert_non_null(cause);
	g_clear_pointer(&cause, g_free);
	assert_null(store_requests_overdue(st, "2026-12-07", &cause));
	assert_non_null(cause);
	g_free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(t_search, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_list_filters, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_lookups, fixture_setup, fixture_teardown),
	    cmocka_unit_test_setup_teardown(t_due_error, fixture_setup, fixture_teardown),
	    cmocka_unit_test(t_plans),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
