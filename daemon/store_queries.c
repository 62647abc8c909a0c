/* store_queries.c - listings, plans, health, backup, retention, reports; see store_parts.h. */
#include "clock.h"
#include "store.h"
#include "store_parts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* All requests for the list command. */
JsonArray *
store_request_list(struct store *st, char **cause)
{
	struct list_filter none = {0};

	return store_request_list_filtered(st, &none, cause);
}

/* The filters of a listing: a condition each, on a string of the filter,
   which is bound to its one parameter unless the condition has none (a
   filter that only needs to be set). */
#define LF(f) offsetof(struct list_filter, f)
static const struct {
	gsize at;
	const char *sql;
	gboolean bare; /* no parameter */
} list_filters[] = {
    {LF(state), "state = ?", FALSE},
    {LF(type), "type = ?", FALSE},
    {LF(unit),
     "instr(phieu_plain(json_extract(fields, '$.requesting_unit')), "
     "phieu_plain(?)) > 0",
     FALSE},
    {LF(owner), "owner = lower(?)", FALSE},
    /* created is UTC: the local day's bounds come as UTC stamps */
    {LF(since), "created >= ?", FALSE},
    {LF(until), "created < ?", FALSE},
    {LF(overdue),
     "due_date < ? AND state IN ('received', 'acknowledged', 'needs_info', "
     "'scheduled', 'in_progress')",
     FALSE},
    {LF(open), "state IN ('received', 'acknowledged', 'needs_info', 'scheduled', 'in_progress')",
     TRUE},
};

/* A listing's columns as JSON members (the number is "id"; the row id is left out). */
static const char *const list_columns[] = {"id",      "type",    "state", "mailbox", "sender",
                                           "subject", "created", NULL,    "owner",   "due_date"};

/* The requests a filter lets through. */
JsonArray *
store_request_list_filtered(struct store *st, const struct list_filter *f, char **cause)
{
	GString *sql =
	    g_string_new("SELECT number, type, state, mailbox, sender, subject, created, "
	                 "id, owner, due_date FROM requests");
	const char *vals[G_N_ELEMENTS(list_filters)];
	int n = 0;
	gboolean where = FALSE;
	sqlite3_stmt *s;

	for (gsize i = 0; i < G_N_ELEMENTS(list_filters); i++) {
		const char *v = *(const char *const *)((const char *)f + list_filters[i].at);
		if (v == NULL)
			continue;
		g_string_append_printf(sql, " %s %s", where ? "AND" : "WHERE", list_filters[i].sql);
		where = TRUE;
		if (!list_filters[i].bare)
			vals[n++] = v;
	}
	g_string_append_printf(sql, " ORDER BY id %s LIMIT ? OFFSET ?",
	                       f->newest_first ? "DESC" : "ASC");
	/* one statement per shape of filter: a prepared one, kept with the store */
	const char *text = g_intern_string(sql->str);
	g_string_free(sql, TRUE);
	s = store_stmt(st, text, cause);
	if (s == NULL)
		return NULL;
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(s, i + 1, vals[i], -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, n + 1, f->limit > 0 ? f->limit : -1);
	sqlite3_bind_int64(s, n + 2, f->offset > 0 ? f->offset : 0);
	return store_rows_json(st, s, list_columns, G_N_ELEMENTS(list_columns), "list", cause);
}

/* The history of a request. */
static JsonArray *
store_history(struct store *st, gint64 id, char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              "SELECT e.at, e.actor, e.kind, e.from_state, e.to_state, "
	                              "m.message_id, e.detail FROM events e LEFT JOIN messages m "
	                              "ON m.id = e.message WHERE e.request_id = ? ORDER BY e.id",
	                              cause, "I", id);
	static const char *const names[] = {"at",       "actor",      "event", "from_state",
	                                    "to_state", "message_id", "detail"};
	JsonArray *a = store_rows_json(st, s, names, G_N_ELEMENTS(names), "history", cause);

	return a != NULL ? a : json_array_new();
}

/* The attachments of a request. */
static JsonArray *
store_attachments(struct store *st, gint64 id, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT filename, content_type, size, sha256, spool_path, reader, "
	                "status, cause FROM attachments WHERE request_id = ? ORDER BY id",
	                cause, "I", id);
	static const char *const names[] = {"filename", "content_type", "#size",  "sha256",
	                                    "path",     "reader",       "status", "cause"};
	JsonArray *a = store_rows_json(st, s, names, G_N_ELEMENTS(names), "attachments", cause);

	return a != NULL ? a : json_array_new();
}

/* One request with its fields and history. */
JsonObject *
store_request_show(struct store *st, const char *id_or_number, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT id, number, type, state, mailbox, proper_mailbox, "
	                "sender, subject, message_id, form_code, source, fields, "
	                "missing, doubtful, confidence, created, updated, sources, "
	                "conflicts, review, scheduled_at, scheduled_until, cost, due_at, "
	                "due_kind, reminders, emergency, linked_to, hold, owner, due_date "
	                "FROM requests "
	                "WHERE number = ? OR (id = ? AND ? GLOB '[0-9]*' AND ? NOT "
	                "GLOB '*-*')",
	                cause, "ssss", id_or_number, id_or_number, id_or_number, id_or_number);
	JsonObject *o = NULL;
	gint64 id = 0;

	if (s == NULL)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW) {
		o = json_object_new();
		id = sqlite3_column_int64(s, 0);
		store_set_str(o, "id", s, 1);
		store_set_str(o, "type", s, 2);
		store_set_str(o, "state", s, 3);
		store_set_str(o, "mailbox", s, 4);
		store_set_str(o, "proper_mailbox", s, 5);
		store_set_str(o, "sender", s, 6);
		store_set_str(o, "subject", s, 7);
		store_set_str(o, "message_id", s, 8);
		store_set_str(o, "form_code", s, 9);
		store_set_str(o, "source", s, 10);
		json_object_set_member(
		    o, "fields", store_json_from_text((const char *)sqlite3_column_text(s, 11)));
		json_object_set_member(
		    o, "missing", store_json_from_text((const char *)sqlite3_column_text(s, 12)));
		json_object_set_member(
		    o, "doubtful", store_json_from_text((const char *)sqlite3_column_text(s, 13)));
		json_object_set_double_member(o, "confidence", sqlite3_column_double(s, 14));
		store_set_str(o, "created", s, 15);
		store_set_str(o, "updated", s, 16);
		json_object_set_member(
		    o, "sources", store_json_from_text((const char *)sqlite3_column_text(s, 17)));
		json_object_set_member(
		    o, "conflicts", store_json_from_text((const char *)sqlite3_column_text(s, 18)));
		json_object_set_boolean_member(o, "needs_review", sqlite3_column_int(s, 19) != 0);
		store_set_str(o, "scheduled_at", s, 20);
		store_set_str(o, "scheduled_until", s, 21);
		json_object_set_int_member(o, "cost", sqlite3_column_int64(s, 22));
		if (sqlite3_column_type(s, 23) != SQLITE_NULL)
			json_object_set_int_member(o, "due_at", sqlite3_column_int64(s, 23));
		store_set_str(o, "due_kind", s, 24);
		json_object_set_int_member(o, "reminders", sqlite3_column_int64(s, 25));
		json_object_set_boolean_member(o, "emergency", sqlite3_column_int(s, 26) != 0);
		if (sqlite3_column_type(s, 27) != SQLITE_NULL)
			json_object_set_int_member(o, "linked_to", sqlite3_column_int64(s, 27));
		store_set_str(o, "hold", s, 28);
		store_set_str(o, "owner", s, 29);
		store_set_str(o, "due_date", s, 30);
	}
	sqlite3_reset(s);
	if (o != NULL) {
		json_object_set_array_member(o, "attachments", store_attachments(st, id, cause));
		json_object_set_array_member(o, "history", store_history(st, id, cause));
	}
	return o;
}

/* The outbox for phieuctl. */
JsonArray *
store_outbox_list(struct store *st, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT o.id, r.number, o.kind, o.state, o.rcpt, o.attempts, "
	                "o.last_error, o.created, o.sent, o.message_id, o.spool_path, "
	                "o.interrupted FROM outbox o "
	                "LEFT JOIN requests r ON r.id = o.request_id ORDER BY o.id",
	                cause, "");
	static const char *const names[] = {"#id",  "request",    "kind",       "state",
	                                    "@to",  "#attempts",  "last_error", "created",
	                                    "sent", "message_id", "body",       "#interrupted"};

	return store_rows_json(st, s, names, G_N_ELEMENTS(names), "outbox", cause);
}

/* The server-room logbook: visits scheduled or done, oldest first. */
JsonArray *
store_logbook(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_query(
	    st,
	    "SELECT r.number, r.state, r.scheduled_at, r.scheduled_until, "
	    "json_extract(r.fields, '$.requesting_unit'), json_extract(r.fields, '$.purpose'), "
	    "json_extract(r.fields, '$.visitors'), json_extract(r.fields, '$.visit_date'), "
	    "json_extract(r.fields, '$.time_from'), json_extract(r.fields, '$.time_to'), "
	    "(SELECT actor FROM events e WHERE e.request_id = r.id AND e.kind = 'scheduled' "
	    " ORDER BY e.id DESC LIMIT 1), "
	    "(SELECT at FROM events e WHERE e.request_id = r.id AND e.kind = 'completed' "
	    " ORDER BY e.id DESC LIMIT 1) "
	    "FROM requests r WHERE r.type = 'server_room' AND r.state IN ('scheduled', "
	    "'in_progress', 'completed', 'closed') ORDER BY coalesce(r.scheduled_at, r.created)",
	    cause, "");
	static const char *const names[] = {
	    "id",        "state",          "from",           "until",        "unit",   "purpose",
	    "@visitors", "requested_date", "requested_from", "requested_to", "escort", "completed"};

	return store_rows_json(st, s, names, G_N_ELEMENTS(names), "logbook", cause);
}

/* The quarantine for phieuctl: held and retried messages with their failures. */
JsonArray *
store_quarantine_list(struct store *st, char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              "SELECT id, mailbox, uidvalidity, uid, state, failures, "
	                              "from_addr, subject, spool_path, sha256, size, first_at, "
	                              "last_at, flagged FROM quarantine WHERE state IN ('held', "
	                              "'retry') ORDER BY id",
	                              cause, "");
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
	JsonArray *a;

	if (s == NULL) {
		g_array_free(ids, TRUE);
		return NULL;
	}
	a = json_array_new();
	while (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		gint64 id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
		store_set_str(o, "mailbox", s, 1);
		json_object_set_int_member(o, "uidvalidity", sqlite3_column_int64(s, 2));
		json_object_set_int_member(o, "uid", sqlite3_column_int64(s, 3));
		store_set_str(o, "state", s, 4);
		json_object_set_int_member(o, "failures", sqlite3_column_int64(s, 5));
		store_set_str(o, "from", s, 6);
		store_set_str(o, "subject", s, 7);
		store_set_str(o, "path", s, 8);
		store_set_str(o, "sha256", s, 9);
		json_object_set_int_member(o, "size", sqlite3_column_int64(s, 10));
		store_set_str(o, "first", s, 11);
		store_set_str(o, "last", s, 12);
		json_object_set_boolean_member(o, "flagged", sqlite3_column_int(s, 13) != 0);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	for (guint i = 0; i < ids->len; i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		JsonArray *why = json_array_new();
		s = store_query(st,
		                "SELECT at, what FROM quarantine_failures WHERE quarantine_id = ? "
		                "ORDER BY id",
		                cause, "I", g_array_index(ids, gint64, i));
		while (s != NULL && sqlite3_step(s) == SQLITE_ROW) {
			JsonObject *f = json_object_new();
			store_set_str(f, "at", s, 0);
			store_set_str(f, "what", s, 1);
			json_array_add_object_element(why, f);
		}
		if (s != NULL)
			sqlite3_reset(s);
		json_object_set_array_member(o, "history", why);
	}
	g_array_free(ids, TRUE);
	return a;
}

/* Release a query plan (array free function). */
static void
query_plan_free(gpointer p)
{
	struct query_plan *q = p;

	g_free(q->sql);
	g_ptr_array_free(q->steps, TRUE);
	g_free(q);
}

/* Order plans by SQL text. */
static gint
query_plan_cmp(gconstpointer a, gconstpointer b)
{
	const struct query_plan *x = *(struct query_plan *const *)a;
	const struct query_plan *y = *(struct query_plan *const *)b;

	return strcmp(x->sql, y->sql);
}

/* The EXPLAIN QUERY PLAN lines of one statement of the store's own. */
static GPtrArray *
store_plan_steps(struct store *st, const char *sql)
{
	/* the store's own constant SQL behind the EXPLAIN prefix, no data: SQLite 3.40
	   has no way to explain an already prepared statement */
	char *explain = g_strconcat("EXPLAIN QUERY PLAN ", sql, NULL);
	GPtrArray *steps = g_ptr_array_new_with_free_func(g_free);
	GHashTable *depth = g_hash_table_new(g_direct_hash, g_direct_equal);
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(st->db, explain, -1, &s, NULL) != SQLITE_OK) {
		g_ptr_array_add(steps, store_error(st, "explain"));
		s = NULL;
	}
	while (s != NULL && sqlite3_step(s) == SQLITE_ROW) {
		int id = sqlite3_column_int(s, 0), parent = sqlite3_column_int(s, 1);
		int d = GPOINTER_TO_INT(g_hash_table_lookup(depth, GINT_TO_POINTER(parent))) + 1;
		g_hash_table_insert(depth, GINT_TO_POINTER(id), GINT_TO_POINTER(d));
		g_ptr_array_add(steps, g_strdup_printf("%*s%s", 2 * (d - 1), "",
		                                       (const char *)sqlite3_column_text(s, 3)));
	}
	sqlite3_finalize(s);
	g_hash_table_destroy(depth);
	g_free(explain);
	return steps;
}

/* Every statement prepared so far, with its plan. */
GPtrArray *
store_query_plans(struct store *st)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(query_plan_free);
	GHashTableIter it;
	gpointer sql;

	g_hash_table_iter_init(&it, st->stmts);
	while (g_hash_table_iter_next(&it, &sql, NULL)) {
		struct query_plan *q = g_new0(struct query_plan, 1);
		q->sql = g_strdup(sql);
		q->steps = store_plan_steps(st, sql);
		g_ptr_array_add(out, q);
	}
	g_ptr_array_sort(out, query_plan_cmp);
	return out;
}

/* Health: a mailbox polled successfully (searched, or its IDLE session alive)
   at now; it no longer fails. */
int
store_health_ok(struct store *st, const char *mailbox, gint64 now, char **cause)
{
	return store_exec(st,
	                  "INSERT INTO health(mailbox, last_ok, updated) VALUES (?, ?, ?) "
	                  "ON CONFLICT(mailbox) DO UPDATE SET last_ok = excluded.last_ok, "
	                  "failing_since = NULL, updated = excluded.updated",
	                  cause, "sII", mailbox, now, now);
}

/* Health: a mailbox entered (idle) or left IDLE. */
int
store_health_idle(struct store *st, const char *mailbox, gboolean idle, gint64 now, char **cause)
{
	return store_exec(st,
	                  "INSERT INTO health(mailbox, idle, updated) VALUES (?, ?, ?) "
	                  "ON CONFLICT(mailbox) DO UPDATE SET idle = excluded.idle, "
	                  "updated = excluded.updated",
	                  cause, "siI", mailbox, idle ? 1 : 0, now);
}

/* Health: a mailbox failed at now with error; it fails since the first
   failure after its last success. */
int
store_health_error(struct store *st, const char *mailbox, const char *error, gint64 now,
                   char **cause)
{
	return store_exec(
	    st,
	    "INSERT INTO health(mailbox, idle, last_error, last_error_at, "
	    "failing_since, updated) VALUES (?, 0, ?, ?, ?, ?) "
	    "ON CONFLICT(mailbox) DO UPDATE SET idle = 0, "
	    "last_error = excluded.last_error, last_error_at = excluded.last_error_at, "
	    "failing_since = coalesce(health.failing_since, excluded.failing_since), "
	    "updated = excluded.updated",
	    cause, "ssIII", mailbox, error, now, now, now);
}

/* Health: the daemon started (pid, its reader processes, its poll interval),
   or stopped (pid 0: the row keeps the last run, marked stopped). */
int
store_health_daemon(struct store *st, int pid, int readers, int poll_interval, gint64 now,
                    char **cause)
{
	if (pid == 0)
		return store_exec(st, "UPDATE daemon_run SET stopped = ? WHERE id = 1", cause, "I",
		                  now);
	return store_exec(st,
	                  "INSERT OR REPLACE INTO daemon_run(id, pid, started, readers, "
	                  "poll_interval, stopped) VALUES (1, ?, ?, ?, ?, NULL)",
	                  cause, "iIii", pid, now, readers, poll_interval);
}

/* One integer column, or NULL when it is NULL. */
static JsonNode *
col_int_node(sqlite3_stmt *s, int i)
{
	JsonNode *n = json_node_new(JSON_NODE_VALUE);

	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		json_node_init_null(n);
	else
		json_node_set_int(n, sqlite3_column_int64(s, i));
	return n;
}

/* The facts behind phieuctl status: mailboxes (health rows), daemon (the last
   run), outbox (queued, oldest_queued_at, failed), quarantined. */
JsonObject *
store_health_report(struct store *st, char **cause)
{
	JsonObject *o = json_object_new(), *ob = json_object_new();
	JsonArray *boxes = json_array_new();
	sqlite3_stmt *s;
	int rc;

	/* a row per configured mailbox: a whole table of three rows */
	s = store_query(st,
	                "SELECT mailbox, last_ok, idle, last_error, last_error_at, failing_since "
	                "FROM health ORDER BY mailbox",
	                cause, "");
	while (s != NULL && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *b = json_object_new();
		json_object_set_string_member(b, "name", (const char *)sqlite3_column_text(s, 0));
		json_object_set_member(b, "last_ok", col_int_node(s, 1));
		json_object_set_boolean_member(b, "idle", sqlite3_column_int(s, 2) != 0);
		if (sqlite3_column_type(s, 3) == SQLITE_NULL)
			json_object_set_null_member(b, "last_error");
		else
			json_object_set_string_member(b, "last_error",
			                              (const char *)sqlite3_column_text(s, 3));
		json_object_set_member(b, "last_error_at", col_int_node(s, 4));
		json_object_set_member(b, "failing_since", col_int_node(s, 5));
		json_array_add_object_element(boxes, b);
	}
	json_object_set_array_member(o, "mailboxes", boxes);
	if (s == NULL)
		goto fail;
	sqlite3_reset(s);
	s = store_query(st, "SELECT pid, started, readers, poll_interval, stopped FROM daemon_run",
	                cause, "");
	if (s == NULL)
		goto fail;
	if (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *d = json_object_new();
		json_object_set_int_member(d, "pid", sqlite3_column_int(s, 0));
		json_object_set_int_member(d, "started", sqlite3_column_int64(s, 1));
		json_object_set_int_member(d, "readers", sqlite3_column_int(s, 2));
		json_object_set_int_member(d, "poll_interval", sqlite3_column_int(s, 3));
		json_object_set_member(d, "stopped", col_int_node(s, 4));
		json_object_set_object_member(o, "daemon", d);
	} else {
		json_object_set_null_member(o, "daemon");
	}
	sqlite3_reset(s);
	s = store_query(st,
	                "SELECT count(*), min(queued_at) FROM outbox "
	                "WHERE state IN ('queued', 'sending')",
	                cause, "");
	if (s == NULL || sqlite3_step(s) != SQLITE_ROW)
		goto fail_reset;
	json_object_set_int_member(ob, "queued", sqlite3_column_int64(s, 0));
	json_object_set_member(ob, "oldest_queued_at", col_int_node(s, 1));
	sqlite3_reset(s);
	s = store_query(st, "SELECT count(*) FROM outbox WHERE state = 'failed'", cause, "");
	if (s == NULL || sqlite3_step(s) != SQLITE_ROW)
		goto fail_reset;
	json_object_set_int_member(ob, "failed", sqlite3_column_int64(s, 0));
	sqlite3_reset(s);
	json_object_set_object_member(o, "outbox", ob);
	ob = NULL;
	s = store_query(st, "SELECT count(*) FROM quarantine WHERE state IN ('held', 'retry')",
	                cause, "");
	if (s == NULL || sqlite3_step(s) != SQLITE_ROW)
		goto fail_reset;
	json_object_set_int_member(o, "quarantined", sqlite3_column_int64(s, 0));
	sqlite3_reset(s);
	return o;
fail_reset:
	if (s != NULL) {
		*cause = store_error(st, "health");
		sqlite3_reset(s);
	}
fail:
	if (ob != NULL)
		json_object_unref(ob);
	json_object_unref(o);
	return NULL;
}

/* Backup: the whole database copied to path with SQLite's online backup API,
   a consistent snapshot while phieud writes (path is replaced). */
int
store_backup(struct store *st, const char *path, char **cause)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		*cause = g_strdup_printf("%s: %s", path,
		                         dst != NULL ? sqlite3_errmsg(dst) : "cannot open");
		sqlite3_close(dst);
		return -1;
	}
	b = sqlite3_backup_init(dst, "main", st->db, "main");
	if (b == NULL) {
		*cause = g_strdup_printf("%s: %s", path, sqlite3_errmsg(dst));
		sqlite3_close(dst);
		return -1;
	}
	/* all pages in one step: the source is read under one read transaction */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_OK || rc == SQLITE_BUSY ||
	       rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		*cause = g_strdup_printf("%s: backup: %s", path, sqlite3_errstr(rc));
		sqlite3_close(dst);
		return -1;
	}
	if (sqlite3_close(dst) != SQLITE_OK) {
		*cause = g_strdup_printf("%s: closing the copy", path);
		return -1;
	}
	return 0;
}

/* PRAGMA integrity_check: 0 when "ok", else -1 with what it found. */
int
store_integrity(struct store *st, char **cause)
{
	sqlite3_stmt *s;
	GString *found = g_string_new(NULL);
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check", -1, &s, NULL) != SQLITE_OK) {
		*cause = store_error(st, "integrity_check");
		g_string_free(found, TRUE);
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(s, 0);
		if (line != NULL && strcmp(line, "ok") != 0)
			g_string_append_printf(found, "%s%s", found->len ? "; " : "", line);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE && found->len == 0)
		g_string_append(found, sqlite3_errmsg(st->db));
	if (found->len > 0) {
		*cause = g_string_free(found, FALSE);
		return -1;
	}
	g_string_free(found, TRUE);
	return 0;
}

/* Every spool file the database names (raw messages, attachments, sent
   replies, quarantined messages) but those of requests whose files retention
   removed, each once, appended to paths (char*, g_free).  Reads whole
   tables: phieuctl verify only. */
int
store_spool_refs(struct store *st, GPtrArray *paths, char **cause)
{
	/* not the files of requests whose spool retention removed */
	sqlite3_stmt *s = store_query(
	    st,
	    "WITH pruned AS (SELECT request_id FROM events WHERE kind = 'spool_pruned') "
	    "SELECT spool_path FROM messages WHERE request_id IS NULL OR request_id NOT IN pruned "
	    "UNION SELECT spool_path FROM attachments WHERE request_id NOT IN pruned "
	    "UNION SELECT spool_path FROM outbox WHERE spool_path IS NOT NULL "
	    "AND (request_id IS NULL OR request_id NOT IN pruned) "
	    "UNION SELECT spool_path FROM quarantine WHERE spool_path IS NOT NULL",
	    cause, "");

	return store_column_strings(st, s, paths, "spool references", cause);
}

/* Retention: the requests final (closed, rejected, cancelled) since before
   cutoff (ISO 8601 UTC) whose spool files were not removed yet, appended to
   ids (gint64).  Reads the requests table: phieuctl only. */
int
store_retention_due(struct store *st, const char *cutoff, GArray *ids, char **cause)
{
	sqlite3_stmt *s = store_query(
	    st,
	    "SELECT id FROM requests WHERE state IN ('closed', 'rejected', 'cancelled') "
	    "AND updated < ? AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = "
	    "requests.id AND e.kind = 'spool_pruned') ORDER BY id",
	    cause, "s", cutoff);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "retention");
		return -1;
	}
	return 0;
}

/* Retention: the spool files of a request (its messages, attachments, sent
   replies), with every request naming the same file (gint64 pairs in
   owners: path index, request id; 0: a row of no request, or a quarantine
   row).  paths gets char*. */
int
store_request_spool(struct store *st, gint64 id, GPtrArray *paths, GArray *owners, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT spool_path FROM messages WHERE request_id = ? UNION "
	                "SELECT spool_path FROM attachments WHERE request_id = ? UNION "
	                "SELECT spool_path FROM outbox WHERE request_id = ? "
	                "AND spool_path IS NOT NULL",
	                cause, "III", id, id, id);
	int rc;

	if (store_column_strings(st, s, paths, "retention", cause) != 0)
		return -1;
	for (guint i = 0; i < paths->len; i++) {
		const char *p = g_ptr_array_index(paths, i);
		s = store_query(
		    st,
		    "SELECT coalesce(request_id, 0) FROM messages WHERE spool_path = ? "
		    "UNION ALL SELECT request_id FROM attachments WHERE spool_path = ? "
		    "UNION ALL SELECT coalesce(request_id, 0) FROM outbox WHERE "
		    "spool_path = ? UNION ALL SELECT 0 FROM quarantine WHERE spool_path = ?",
		    cause, "ssss", p, p, p, p);
		if (s == NULL)
			return -1;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			gint64 pair[2] = {i, sqlite3_column_int64(s, 0)};
			g_array_append_vals(owners, pair, 2);
		}
		sqlite3_reset(s);
		if (rc != SQLITE_DONE) {
			*cause = store_error(st, "retention");
			return -1;
		}
	}
	return 0;
}

/* The requests received in [since, until) with what reports and exports show. */
JsonArray *
store_report_rows(struct store *st, const char *since, const char *until, char **cause)
{
	sqlite3_stmt *s = store_query(
	    st,
	    "SELECT r.number, r.type, r.state, r.sender, r.subject, r.created, r.owner, "
	    "r.due_date, r.fields, r.cost, r.emergency, r.scheduled_at, "
	    "(SELECT min(e.at) FROM events e WHERE e.request_id = r.id "
	    " AND e.to_state IN ('completed', 'closed')), "
	    "(SELECT e.detail FROM events e WHERE e.request_id = r.id "
	    " AND e.to_state IN ('rejected', 'cancelled') ORDER BY e.id DESC LIMIT 1) "
	    "FROM requests r WHERE r.created >= ? AND r.created < ? ORDER BY r.created, r.id",
	    cause, "ss", since, until);
	JsonArray *a;
	int rc;

	if (s == NULL)
		return NULL;
	a = json_array_new();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		store_set_str(o, "id", s, 0);
		store_set_str(o, "type", s, 1);
		store_set_str(o, "state", s, 2);
		store_set_str(o, "sender", s, 3);
		store_set_str(o, "subject", s, 4);
		store_set_str(o, "created", s, 5);
		store_set_str(o, "owner", s, 6);
		store_set_str(o, "due_date", s, 7);
		json_object_set_member(
		    o, "fields", store_json_from_text((const char *)sqlite3_column_text(s, 8)));
		json_object_set_int_member(o, "cost", sqlite3_column_int64(s, 9));
		json_object_set_boolean_member(o, "emergency", sqlite3_column_int(s, 10) != 0);
		store_set_str(o, "scheduled_at", s, 11);
		store_set_str(o, "completed", s, 12);
		store_set_str(o, "reason", s, 13);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "report");
		json_array_unref(a);
		return NULL;
	}
	return a;
}

/* Whether the report of month was mailed: 1, 0, -1 on error. */
int
store_report_sent(struct store *st, const char *month, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st, "SELECT 1 FROM reports_sent WHERE month = ?", cause, "s", month);

	return store_exists(st, s, "reports_sent", cause);
}

/* Record that the report of month was queued at at. */
int
store_report_mark(struct store *st, const char *month, gint64 at, char **cause)
{
	return store_exec(st, "INSERT OR IGNORE INTO reports_sent(month, sent_at) VALUES (?, ?)",
	                  cause, "sI", month, at);
}
