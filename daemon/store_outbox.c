/* store_outbox.c - the outbox and the sends counted; see store_parts.h. */
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

/* Queue an outgoing message. */
gint64
store_outbox_add(struct store *st, const struct outgoing *o, gint64 not_before, char **cause)
{
	char *now = store_now();
	JsonArray *a = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	char *rcpt;
	int rc;

	for (int i = 0; o->rcpt[i] != NULL; i++)
		json_array_add_string_element(a, o->rcpt[i]);
	json_node_take_array(n, a);
	rcpt = json_to_string(n, FALSE);
	json_node_unref(n);
	gint64 id = -1;

	rc = store_exec(st,
	                "INSERT INTO outbox(request_id, kind, mail_from, rcpt, message_id, "
	                "next_attempt, created, queued_at) VALUES (?,?,?,?,?,?,?,?)",
	                cause, "NssssIsI", o->request_id, o->kind, o->mail_from, rcpt,
	                o->message_id, not_before, now, clock_now());
	if (rc == 0) {
		id = sqlite3_last_insert_rowid(st->db);
		rc = store_exec(st, "INSERT INTO outbox_bodies(id, data) VALUES (?, ?)", cause,
		                "Ib", id, o->data, o->len);
	}
	g_free(rcpt);
	g_free(now);
	return rc == 0 ? id : -1;
}

/* Release a due message. */
void
store_due_free(gpointer p)
{
	struct due *d = p;

	g_free(d->kind);
	g_free(d->mail_from);
	g_free(d->message_id);
	g_strfreev(d->rcpt);
	if (d->data != NULL)
		g_bytes_unref(d->data);
	g_free(d);
}

/* Parse the JSON recipient list. */
static char **
rcpt_parse(const char *json)
{
	JsonParser *p = json_parser_new();
	GPtrArray *out = g_ptr_array_new();

	if (json != NULL && json_parser_load_from_data(p, json, -1, NULL)) {
		JsonNode *root = json_parser_get_root(p);
		if (JSON_NODE_HOLDS_ARRAY(root)) {
			JsonArray *a = json_node_get_array(root);
			for (guint i = 0; i < json_array_get_length(a); i++)
				g_ptr_array_add(out, g_strdup(json_array_get_string_element(a, i)));
		}
	}
	g_object_unref(p);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* How many sends since `since` (Unix seconds): to address, or of a request
   and kind, or (both NULL/0) all of them.  -1 with *cause. */
int
store_sends_count(struct store *st, const char *address, gint64 request_id, const char *kind,
                  gint64 since, char **cause)
{
	sqlite3_stmt *s;
	int n = -1;

	if (address != NULL || request_id == 0)
		/* by clock hour: the hour that holds `since` counts whole */
		s = store_query(st,
		                "SELECT coalesce(sum(n), 0) FROM send_counts WHERE key = ? AND "
		                "hour >= ?",
		                cause, "sI", address != NULL ? address : "*", since / 3600);
	else
		s = store_query(st,
		                "SELECT count(*) FROM sends WHERE request_id = ? AND kind = ? AND "
		                "at >= ?",
		                cause, "IsI", request_id, kind, since);
	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	else
		*cause = store_error(st, "sends");
	sqlite3_reset(s);
	return n;
}

/* Record a message queued to address. */
int
store_sends_add(struct store *st, const char *address, gint64 request_id, const char *kind,
                gint64 at, char **cause)
{
	static const char upsert[] = "INSERT INTO send_counts(key, hour, n) VALUES (?, ?, 1) "
	                             "ON CONFLICT(key, hour) DO UPDATE SET n = n + 1";

	if (store_exec(st, "INSERT INTO sends(address, request_id, kind, at) VALUES (?,?,?,?)",
	               cause, "sNsI", address, request_id, kind, at) != 0 ||
	    store_exec(st, upsert, cause, "sI", address, at / 3600) != 0)
		return -1;
	return store_exec(st, upsert, cause, "sI", "*", at / 3600);
}

/* Note that staff were told about key on day: 1 the first time, 0 after. */
int
store_limit_note(struct store *st, const char *key, const char *day, char **cause)
{
	if (store_exec(st, "INSERT OR IGNORE INTO limit_notices(key, day) VALUES (?, ?)", cause,
	               "ss", key, day) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

/* Queued messages due now. */
GPtrArray *
store_outbox_due(struct store *st, gint64 now, int max, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT o.id, o.request_id, o.kind, o.mail_from, o.rcpt, "
	                "o.message_id, b.data, o.attempts, o.queued_at, "
	                "o.interrupted FROM outbox o LEFT JOIN outbox_bodies b ON "
	                "b.id = o.id WHERE o.state = 'queued' AND o.next_attempt <= ? "
	                /* in the index's order: no sort of every due row */
	                "ORDER BY o.next_attempt, o.id LIMIT ?",
	                cause, "Ii", now, max);
	GPtrArray *out;
	int rc;

	if (s == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(store_due_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct due *d = g_new0(struct due, 1);
		char *rcpt = store_col_str(s, 4);
		d->id = sqlite3_column_int64(s, 0);
		d->request_id = sqlite3_column_int64(s, 1);
		d->kind = store_col_str(s, 2);
		d->mail_from = store_col_str(s, 3);
		d->rcpt = rcpt_parse(rcpt);
		d->message_id = store_col_str(s, 5);
		d->data = g_bytes_new(sqlite3_column_blob(s, 6), (gsize)sqlite3_column_bytes(s, 6));
		d->attempts = sqlite3_column_int(s, 7);
		d->queued_at = sqlite3_column_int64(s, 8);
		d->interrupted = sqlite3_column_int(s, 9);
		g_free(rcpt);
		g_ptr_array_add(out, d);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "outbox");
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

/* Rows changed by the last statement, or -1 when it failed. */
int
store_changed(struct store *st, int rc)
{
	return rc == 0 ? sqlite3_changes(st->db) : -1;
}

/* Take a queued message for sending (committed before MAIL FROM). */
int
store_outbox_claim(struct store *st, gint64 id, char **cause)
{
	int n = store_changed(st, store_exec(st,
	                                     "UPDATE outbox SET state = 'sending' WHERE id = ? "
	                                     "AND state = 'queued'",
	                                     cause, "I", id));

	if (n == 0)
		*cause = g_strdup_printf("outbox message %" G_GINT64_FORMAT " is not queued", id);
	return n == 1 ? 0 : -1;
}

/* Mark an outbox message sent (the server said 250); its body leaves the
   database when the spool holds it (spool_path). */
int
store_outbox_sent(struct store *st, gint64 id, const char *spool_path, char **cause)
{
	char *now = store_now();
	int rc = store_exec(st,
	                    "UPDATE outbox SET state = 'sent', sent = ?, attempts = attempts + 1, "
	                    "last_error = NULL, spool_path = ? WHERE id = ?",
	                    cause, "ssI", now, spool_path, id);

	g_free(now);
	if (rc == 0 && spool_path != NULL)
		rc = store_exec(st, "DELETE FROM outbox_bodies WHERE id = ?", cause, "I", id);
	return rc;
}

/* Sent messages whose body is still in the database, at most max: id and body. */
GPtrArray *
store_outbox_unspooled(struct store *st, int max, char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              /* the planner would take outbox_due and sort every
	                                 sent row: the partial index holds just these */
	                              "SELECT o.id, b.data FROM outbox o INDEXED BY "
	                              "outbox_unspooled JOIN outbox_bodies b ON b.id = o.id "
	                              "WHERE o.state = 'sent' AND o.spool_path IS NULL ORDER BY "
	                              "o.id LIMIT ?",
	                              cause, "i", max);
	GPtrArray *out;
	int rc;

	if (s == NULL)
		return NULL;
	out = g_ptr_array_new_with_free_func(store_due_free);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct due *d = g_new0(struct due, 1);
		d->id = sqlite3_column_int64(s, 0);
		d->data = g_bytes_new(sqlite3_column_blob(s, 1), (gsize)sqlite3_column_bytes(s, 1));
		g_ptr_array_add(out, d);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "outbox");
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}

/* A sent message's body is in the spool now: it leaves the database. */
int
store_outbox_spooled(struct store *st, gint64 id, const char *spool_path, char **cause)
{
	int rc = store_exec(st, "UPDATE outbox SET spool_path = ? WHERE id = ? AND state = 'sent'",
	                    cause, "sI", spool_path, id);

	if (rc == 0)
		rc = store_exec(st, "DELETE FROM outbox_bodies WHERE id = ?", cause, "I", id);
	return rc;
}

/* Back to the queue; counted as an attempt or not (the server was not reached). */
int
store_outbox_retry(struct store *st, gint64 id, gint64 next, const char *error, gboolean counted,
                   char **cause)
{
	return store_exec(st,
	                  "UPDATE outbox SET state = 'queued', attempts = attempts + ?, "
	                  "next_attempt = ?, last_error = ? WHERE id = ?",
	                  cause, "iIsI", counted ? 1 : 0, next, error, id);
}

/* Give up on an outbox message: refused for good, or retried too long. */
int
store_outbox_failed(struct store *st, gint64 id, const char *error, char **cause)
{
	return store_exec(st,
	                  "UPDATE outbox SET state = 'failed', attempts = attempts + 1, "
	                  "last_error = ? WHERE id = ?",
	                  cause, "sI", error, id);
}

/* Messages left in sending by an interrupted run go back to the queue. */
int
store_outbox_recover(struct store *st, char **cause)
{
	return store_changed(st, store_exec(st,
	                                    "UPDATE outbox SET state = 'queued', next_attempt = 0, "
	                                    "interrupted = interrupted + 1 WHERE state = 'sending'",
	                                    cause, ""));
}

/* Queue a failed (or waiting) message again now, with a new retry period. */
int
store_outbox_requeue(struct store *st, gint64 id, char **cause)
{
	return store_changed(
	    st, store_exec(st,
	                   "UPDATE outbox SET state = 'queued', next_attempt = 0, queued_at = ?, "
	                   "last_error = NULL WHERE id = ? AND state IN ('failed', 'queued')",
	                   cause, "II", clock_now(), id));
}

/* How many outbox messages are still to be sent. */
int
store_outbox_pending(struct store *st)
{
	char *cause = NULL;
	sqlite3_stmt *s = store_query(
	    st, "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')", &cause, "");
	int n = -1;

	if (s == NULL) {
		g_free(cause);
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

/* When the next queued message is due (unix time), -1 when none. */
gint64
store_outbox_next(struct store *st)
{
	char *cause = NULL;
	sqlite3_stmt *s = store_query(
	    st, "SELECT min(next_attempt) FROM outbox WHERE state = 'queued'", &cause, "");
	gint64 at = -1;

	if (s == NULL) {
		g_free(cause);
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		at = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return at;
}
