/* store_requests.c - requests, their events, claims, timers and search; see store_parts.h. */
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

/* The next request number of a year: "2026-000123". */
static char *
store_next_number(struct store *st, int year, char **cause)
{
	sqlite3_stmt *s;
	gint64 last = 0;

	if (store_exec(st,
	               "INSERT INTO counters(year, last) VALUES (?, 1) "
	               "ON CONFLICT(year) DO UPDATE SET last = last + 1",
	               cause, "i", year) != 0)
		return NULL;
	s = store_query(st, "SELECT last FROM counters WHERE year = ?", cause, "i", year);
	if (s == NULL)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		last = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return g_strdup_printf("%04d-%06" G_GINT64_FORMAT, year, last);
}

/* The sub-domain a sub-domain request asks for. */
static void
keys_subdomain(JsonObject *fields, GPtrArray *out)
{
	const char *name = store_member_str(fields, "subdomain");

	if (name != NULL)
		g_ptr_array_add(out, g_strdup(name));
}

/* The addresses of the accounts a mailbox-create request asks for, lower case. */
static void
keys_address(JsonObject *fields, GPtrArray *out)
{
	const char *action = store_member_str(fields, "mailbox_action");
	JsonNode *n = json_object_get_member(fields, "accounts");
	JsonArray *accounts;

	if (action == NULL || strcmp(action, "create") != 0 || n == NULL ||
	    !JSON_NODE_HOLDS_ARRAY(n))
		return;
	accounts = json_node_get_array(n);
	for (guint i = 0; i < json_array_get_length(accounts); i++) {
		JsonNode *a = json_array_get_element(accounts, i);
		const char *addr = JSON_NODE_HOLDS_OBJECT(a)
		                       ? store_member_str(json_node_get_object(a), "address")
		                       : NULL;
		if (addr != NULL)
			g_ptr_array_add(out, g_ascii_strdown(addr, -1));
	}
}

/*
 * The names a request claims, kept in request_keys so that another request's
 * claim is found by an index.  Migration 6 fills the table with the same rules
 * in SQL for the requests stored before it.
 */
static const struct {
	const char *type, *kind;
	void (*values)(JsonObject *fields, GPtrArray *out);
} request_keys[] = {
    {"subdomain", "subdomain", keys_subdomain},
    {"mailbox", "address", keys_address},
};

/* Write the keys of a request from its type and fields, replacing the old ones. */
static int
store_request_keys(struct store *st, gint64 id, const char *type, JsonObject *fields, char **cause)
{
	int rc = store_exec(st, "DELETE FROM request_keys WHERE request_id = ?", cause, "I", id);

	for (gsize i = 0; rc == 0 && i < G_N_ELEMENTS(request_keys); i++) {
		if (type == NULL || fields == NULL || strcmp(request_keys[i].type, type) != 0)
			continue;
		GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
		request_keys[i].values(fields, values);
		for (guint k = 0; rc == 0 && k < values->len; k++)
			rc = store_exec(
			    st,
			    "INSERT OR IGNORE INTO request_keys(request_id, kind, value) "
			    "VALUES (?, ?, ?)",
			    cause, "Iss", id, request_keys[i].kind,
			    (char *)g_ptr_array_index(values, k));
		g_ptr_array_free(values, TRUE);
	}
	return rc;
}

/* Insert a request. */
gint64
store_request_add(struct store *st, const struct new_request *r, char **number, char **cause)
{
	GDateTime *t = g_date_time_new_from_unix_local(r->when);
	char *num = store_next_number(st, g_date_time_get_year(t), cause);
	char *now = store_now(), *fields, *missing, *doubtful;
	gint64 id;
	int rc;

	g_date_time_unref(t);
	if (num == NULL) {
		g_free(now);
		return -1;
	}
	fields = store_object_json(r->fields);
	missing = store_list_json(r->missing);
	doubtful = store_list_json(r->doubtful);
	JsonObject *empty = json_object_new();
	char *sources = store_object_json(r->sources != NULL ? r->sources : empty);
	char *conflicts = store_list_json(r->conflicts);
	json_object_unref(empty);
	rc = store_exec(
	    st,
	    "INSERT INTO requests(number, type, state, mailbox, proper_mailbox, sender, "
	    "subject, message_id, form_code, source, fields, missing, doubtful, "
	    "confidence, created, updated, sources, conflicts, review) "
	    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	    cause, "sssssssssssssdssssi", num, r->type, r->state, r->mailbox, r->proper_mailbox,
	    r->sender, r->subject, r->message_id, r->form_code, r->source, fields, missing,
	    doubtful, r->confidence, now, now, sources, conflicts, r->review ? 1 : 0);
	g_free(fields);
	g_free(missing);
	g_free(doubtful);
	g_free(sources);
	g_free(conflicts);
	g_free(now);
	id = rc == 0 ? sqlite3_last_insert_rowid(st->db) : -1;
	if (id > 0 && store_exec(st,
	                         "INSERT INTO search(rowid, head, body) SELECT id, " SEARCH_HEAD
	                         ", '' FROM requests WHERE id = ?",
	                         cause, "I", id) != 0)
		id = -1;
	if (id < 0 || store_request_keys(st, id, r->type, r->fields, cause) != 0) {
		g_free(num);
		return -1;
	}
	*number = num;
	return id;
}

/* Keep an attachment with its request. */
int
store_attachment_add(struct store *st, const struct stored_attachment *a, char **cause)
{
	return store_exec(
	    st,
	    "INSERT INTO attachments(request_id, message, filename, content_type, size, "
	    "sha256, spool_path, reader, status, cause) VALUES (?,?,?,?,?,?,?,?,?,?)",
	    cause,
	    "INssIssss"
	    "s",
	    a->request_id, a->message, a->filename, a->content_type, a->size, a->sha256,
	    a->spool_path, a->reader, a->status, a->cause);
}

/* Request id by number. */
gint64
store_request_by_number(struct store *st, const char *number, char **sender, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st, "SELECT id, sender FROM requests WHERE number = ?", cause, "s", number);
	gint64 id = 0;
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		if (sender != NULL)
			*sender = store_col_str(s, 1);
	} else if (rc != SQLITE_DONE) {
		*cause = store_error(st, "request lookup");
		id = -1;
	}
	sqlite3_reset(s);
	return id;
}

/* Request id that sent or received this Message-ID. */
gint64
store_request_by_message_id(struct store *st, const char *message_id, char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              "SELECT request_id FROM outbox WHERE message_id = ? AND "
	                              "request_id IS NOT NULL UNION ALL SELECT request_id FROM "
	                              "messages WHERE message_id = ? AND request_id IS NOT NULL "
	                              "LIMIT 1",
	                              cause, "ss", message_id, message_id);
	gint64 id = 0;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return id;
}

/* The open request an earlier message belongs to: by its Message-ID (any
   state), else by its sender and subject within the last 30 days (a request
   not closed, rejected or cancelled); 0 when none, -1 on error. */
gint64
store_request_of_original(struct store *st, const char *message_id, const char *from,
                          const char *subject, char **cause)
{
	sqlite3_stmt *s;
	gint64 id = 0;
	int rc;

	if (message_id != NULL) {
		s = store_query(st,
		                "SELECT request_id FROM messages WHERE message_id = ? AND "
		                "request_id IS NOT NULL ORDER BY id LIMIT 1",
		                cause, "s", message_id);
		if (s == NULL)
			return -1;
		if ((rc = sqlite3_step(s)) == SQLITE_ROW)
			id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
			*cause = store_error(st, "forward lookup");
			return -1;
		}
		if (id != 0)
			return id;
	}
	if (from == NULL || subject == NULL || *subject == '\0')
		return 0;
	GDateTime *now = g_date_time_new_from_unix_utc(clock_now()),
	          *then = g_date_time_add_days(now, -30);
	char *since = g_date_time_format(then, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(then);
	g_date_time_unref(now);
	s = store_query(
	    st,
	    "SELECT m.request_id FROM messages m JOIN requests r ON r.id = m.request_id "
	    "WHERE m.from_addr = ? AND m.subject = ? AND m.received >= ? AND "
	    "r.state NOT IN ('closed', 'rejected', 'cancelled') "
	    "ORDER BY m.id DESC LIMIT 1",
	    cause, "sss", from, subject, since);
	g_free(since);
	if (s == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, "forward lookup");
		return -1;
	}
	return id;
}

/* One text column of a request: 1 with *value (NULL when the column is
   empty), 0 when there is no such request, -1 with *cause on an error. */
static int
store_request_column(struct store *st, const char *sql, gint64 id, char **value, char **cause)
{
	sqlite3_stmt *s = store_query(st, sql, cause, "I", id);
	int rc;

	*value = NULL;
	if (s == NULL)
		return -1;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*value = store_col_str(s, 0);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, "request lookup");
		return -1;
	}
	return rc == SQLITE_ROW;
}

/* Current state of a request. */
int
store_request_state(struct store *st, gint64 id, char **state, char **cause)
{
	return store_request_column(st, "SELECT state FROM requests WHERE id = ?", id, state,
	                            cause);
}

/* The number of a request ("2026-000123"). */
int
store_request_number(struct store *st, gint64 id, char **number, char **cause)
{
	return store_request_column(st, "SELECT number FROM requests WHERE id = ?", id, number,
	                            cause);
}

/* Sender of a request. */
int
store_request_sender(struct store *st, gint64 id, char **sender, char **cause)
{
	return store_request_column(st, "SELECT sender FROM requests WHERE id = ?", id, sender,
	                            cause);
}

/* Move a request to a state. */
int
store_request_set_state(struct store *st, gint64 id, const char *state, char **cause)
{
	char *now = store_now();
	int rc = store_exec(st, "UPDATE requests SET state = ?, updated = ? WHERE id = ?", cause,
	                    "ssI", state, now, id);
	g_free(now);
	return rc;
}

/* Add an event to a request's history. */
int
store_event_add(struct store *st, gint64 request_id, const char *actor, const char *kind,
                const char *from_state, const char *to_state, gint64 message, const char *detail,
                char **cause)
{
	char *now = store_now();
	int rc = store_exec(st,
	                    "INSERT INTO events(request_id, at, actor, kind, from_state, to_state, "
	                    "message, detail) VALUES (?,?,?,?,?,?,?,?)",
	                    cause, "IsssssNs", request_id, now, actor, kind, from_state, to_state,
	                    message, detail);
	g_free(now);
	return rc;
}

/* đ and Đ as d and D, the rest as it is: what the index and a query hold
   besides the tokenizer's own folding (case, other diacritics). */
char *
store_fold(const char *text)
{
	GString *out = g_string_sized_new(strlen(text));

	for (const char *p = text; *p != '\0'; p++) {
		if ((guchar)p[0] == 0xC4 && ((guchar)p[1] == 0x91 || (guchar)p[1] == 0x90)) {
			g_string_append_c(out, (guchar)p[1] == 0x91 ? 'd' : 'D');
			p++;
			continue;
		}
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* Index the text of a request's mail and documents. */
int
store_request_index_body(struct store *st, gint64 id, const char *text, char **cause)
{
	return store_exec(st, "UPDATE search SET body = phieu_fold(?) WHERE rowid = ?", cause, "sI",
	                  text != NULL ? text : "", id);
}

/* The FTS5 query of words people typed: each word (letters and digits)
   quoted, the last one a prefix (it may be cut short), all of them
   required; NULL when there is none. */
static char *
search_query(const char *words)
{
	char *folded = store_fold(words);
	GString *q = g_string_new(NULL), *w = g_string_new(NULL);
	int n = 0;

	for (const char *p = folded;; p = g_utf8_next_char(p)) {
		gunichar c = *p != '\0' ? g_utf8_get_char_validated(p, -1) : 0;
		if (c != 0 && c != (gunichar)-1 && c != (gunichar)-2 && g_unichar_isalnum(c)) {
			g_string_append_unichar(w, c);
		} else if (w->len > 0) {
			if (n++ < 16) /* a query of more words is no search */
				g_string_append_printf(q, "%s\"%s\"", q->len > 0 ? " " : "",
				                       w->str);
			g_string_truncate(w, 0);
		}
		if (c == 0 || c == (gunichar)-1 || c == (gunichar)-2)
			break;
	}
	g_string_free(w, TRUE);
	g_free(folded);
	if (q->len == 0) {
		g_string_free(q, TRUE);
		return NULL;
	}
	g_string_append_c(q, '*');
	return g_string_free(q, FALSE);
}

/* The requests whose text holds every word, newest first. */
JsonArray *
store_search(struct store *st, const char *words, int limit, char **cause)
{
	static const char *const names[] = {"id",      "type",  "state",    "subject",
	                                    "created", "owner", "due_date", "unit"};
	char *q = search_query(words);
	sqlite3_stmt *s;

	if (q == NULL)
		return json_array_new();
	s = store_query(st,
	                "SELECT r.number, r.type, r.state, r.subject, r.created, r.owner, "
	                "r.due_date, json_extract(r.fields, '$.requesting_unit') FROM search "
	                "JOIN requests r ON r.id = search.rowid WHERE search MATCH ? "
	                "ORDER BY search.rowid DESC LIMIT ?",
	                cause, "si", q, limit);
	g_free(q);
	return store_rows_json(st, s, names, G_N_ELEMENTS(names), "search", cause);
}

/* Replace a request's fields and missing keys. */
int
store_request_set_fields(struct store *st, gint64 id, JsonObject *fields, GPtrArray *missing,
                         char **cause)
{
	char *now = store_now(), *f = store_object_json(fields), *m = store_list_json(missing);
	int rc =
	    store_exec(st, "UPDATE requests SET fields = ?, missing = ?, updated = ? WHERE id = ?",
	               cause, "sssI", f, m, now, id);
	char *type = NULL;

	if (rc == 0 && store_request_column(st, "SELECT type FROM requests WHERE id = ?", id, &type,
	                                    cause) < 0)
		rc = -1;
	if (rc == 0)
		rc = store_request_keys(st, id, type, fields, cause);
	if (rc == 0)
		rc = store_exec(st,
		                "UPDATE search SET head = (SELECT " SEARCH_HEAD
		                " FROM requests WHERE id = ?1) WHERE rowid = ?1",
		                cause, "I", id);
	g_free(type);
	g_free(now);
	g_free(f);
	g_free(m);
	return rc;
}

/* Set (or clear, at 0) a request's timer. */
int
store_request_set_due(struct store *st, gint64 id, gint64 at, const char *kind, char **cause)
{
	return store_exec(st, "UPDATE requests SET due_at = ?, due_kind = ? WHERE id = ?", cause,
	                  "NsI", at, at != 0 ? kind : NULL, id);
}

/* Count one more reminder sent. */
int
store_request_reminded(struct store *st, gint64 id, char **cause)
{
	return store_exec(st, "UPDATE requests SET reminders = reminders + 1 WHERE id = ?", cause,
	                  "I", id);
}

/* Requests whose timer is due at now: ids. */
GArray *
store_requests_due(struct store *st, gint64 now, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT id FROM requests WHERE due_at IS NOT NULL AND due_at <= ? "
	                "ORDER BY due_at LIMIT 500",
	                cause, "I", now);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));

	if (store_column_ints(st, s, ids, "timers due", cause) != 0)
		g_clear_pointer(&ids, g_array_unref);
	return ids;
}

/* Set (or clear, with NULL) who works on a request. */
int
store_request_set_owner(struct store *st, gint64 id, const char *owner, char **cause)
{
	return store_exec(st, "UPDATE requests SET owner = ? WHERE id = ?", cause, "sI", owner, id);
}

/* Set (or clear, with NULL) the day a request is due. */
int
store_request_set_due_date(struct store *st, gint64 id, const char *day, char **cause)
{
	return store_exec(st, "UPDATE requests SET due_date = ? WHERE id = ?", cause, "sI", day,
	                  id);
}

/* The states in which a request still waits for the centre's work
   (rules/workload.c workload_open). */
#define OPEN_STATES "('received', 'acknowledged', 'needs_info', 'scheduled', 'in_progress')"

/* Open requests due on or before today that were never reminded of it. */
GArray *
store_requests_overdue(struct store *st, const char *today, char **cause)
{
	sqlite3_stmt *s = store_query(
	    st,
	    "SELECT r.id FROM requests r WHERE r.state IN " OPEN_STATES " AND r.due_date <= ? "
	    "AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = r.id AND "
	    "e.kind = 'overdue') ORDER BY r.due_date LIMIT 500",
	    cause, "s", today);
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));

	if (store_column_ints(st, s, ids, "overdue requests", cause) != 0)
		g_clear_pointer(&ids, g_array_unref);
	return ids;
}

/* The statements of the digest's sections: ?1 and ?2 as store_digest_section says. */
#define DIGEST_COLUMNS                                                                             \
	"SELECT number, type, state, json_extract(fields, '$.requesting_unit'), owner, due_date, " \
	"scheduled_at, scheduled_until, json_extract(fields, '$.visitors') FROM requests "
static const struct {
	enum digest_section section;
	const char *sql;
} digest_sql[] = {
    {DIGEST_NEW, DIGEST_COLUMNS "WHERE created >= ?1 ORDER BY created"},
    {DIGEST_UNASSIGNED,
     DIGEST_COLUMNS "WHERE state IN " OPEN_STATES " AND owner IS NULL ORDER BY id"},
    {DIGEST_DUE_TODAY,
     DIGEST_COLUMNS "WHERE state IN " OPEN_STATES " AND due_date = ?1 ORDER BY id"},
    {DIGEST_OVERDUE,
     DIGEST_COLUMNS "WHERE state IN " OPEN_STATES " AND due_date < ?1 ORDER BY due_date"},
    {DIGEST_WAITING,
     DIGEST_COLUMNS "WHERE state IN " OPEN_STATES " AND state = 'needs_info' ORDER BY due_date"},
    {DIGEST_VISITS, DIGEST_COLUMNS "WHERE type = 'server_room' AND state IN ('scheduled', "
                                   "'in_progress') AND scheduled_at >= ?1 AND scheduled_at < ?2 "
                                   "ORDER BY scheduled_at"},
};

/* The requests of one section of the morning digest. */
JsonArray *
store_digest_section(struct store *st, enum digest_section section, const char *a, const char *b,
                     char **cause)
{
	sqlite3_stmt *s = NULL;
	JsonArray *out;
	int rc;

	for (gsize i = 0; i < G_N_ELEMENTS(digest_sql); i++)
		if (digest_sql[i].section == section)
			s = store_query(st, digest_sql[i].sql, cause, "ss", a, b);
	if (s == NULL)
		return NULL;
	out = json_array_new();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		store_set_str(o, "id", s, 0);
		store_set_str(o, "type", s, 1);
		store_set_str(o, "state", s, 2);
		store_set_str(o, "unit", s, 3);
		store_set_str(o, "owner", s, 4);
		store_set_str(o, "due_date", s, 5);
		store_set_str(o, "scheduled_at", s, 6);
		store_set_str(o, "scheduled_until", s, 7);
		json_object_set_member(
		    o, "visitors", store_json_from_text((const char *)sqlite3_column_text(s, 8)));
		json_array_add_object_element(out, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "digest");
		json_array_unref(out);
		return NULL;
	}
	return out;
}

/* The newest digest sent: 1 with its day (g_free) and time, 0 when none, -1. */
int
store_digest_last(struct store *st, char **day, gint64 *sent_at, char **cause)
{
	sqlite3_stmt *s = store_query(
	    st, "SELECT day, sent_at FROM digests WHERE day = (SELECT max(day) FROM digests)",
	    cause, "");
	int rc, found = 0;

	*day = NULL;
	*sent_at = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*day = store_col_str(s, 0);
		*sent_at = sqlite3_column_int64(s, 1);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		*cause = store_error(st, "digest lookup");
		found = -1;
	}
	sqlite3_reset(s);
	return found;
}

/* Record the digest of a day. */
int
store_digest_add(struct store *st, const char *day, gint64 sent_at, char **cause)
{
	return store_exec(st, "INSERT INTO digests(day, sent_at) VALUES (?, ?)", cause, "sI", day,
	                  sent_at);
}

/* Record an appointment. */
int
store_request_set_schedule(struct store *st, gint64 id, const char *at, const char *until,
                           char **cause)
{
	return store_exec(st,
	                  "UPDATE requests SET scheduled_at = ?, scheduled_until = ? WHERE id = ?",
	                  cause, "ssI", at, until, id);
}

/* Add a cost. */
int
store_request_add_cost(struct store *st, gint64 id, gint64 amount, char **cause)
{
	return store_exec(st, "UPDATE requests SET cost = cost + ? WHERE id = ?", cause, "II",
	                  amount > 0 ? amount : 0, id);
}

/* Mark a request as a phoned-in emergency, and link a request to another. */
int
store_request_mark(struct store *st, gint64 id, gboolean emergency, gint64 linked_to, char **cause)
{
	return store_exec(st, "UPDATE requests SET emergency = ?, linked_to = ? WHERE id = ?",
	                  cause, "iNI", emergency ? 1 : 0, linked_to, id);
}

/* The sender of another live request for the same sub-domain, or NULL. */
char *
store_subdomain_holder(struct store *st, const char *name, const char *sender, char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              "SELECT r.sender FROM request_keys k JOIN requests r ON "
	                              "r.id = k.request_id WHERE k.kind = 'subdomain' AND "
	                              "k.value = ? AND r.state NOT IN ('rejected', 'cancelled') "
	                              "AND r.sender IS NOT ? LIMIT 1",
	                              cause, "ss", name, sender);
	char *holder = NULL;

	if (s == NULL)
		return NULL;
	if (sqlite3_step(s) == SQLITE_ROW)
		holder = store_col_str(s, 0);
	sqlite3_reset(s);
	return holder;
}

/* Which of these addresses live mailbox-create requests other than except ask for. */
GPtrArray *
store_addresses_taken(struct store *st, const char *const *addrs, gint64 except, char **cause)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (int i = 0; addrs != NULL && addrs[i] != NULL; i++) {
		char *addr = g_ascii_strdown(addrs[i], -1);
		sqlite3_stmt *s =
		    store_query(st,
		                "SELECT 1 FROM request_keys k JOIN requests r ON r.id = "
		                "k.request_id WHERE k.kind = 'address' AND k.value = ? "
		                "AND k.request_id != ? AND r.state NOT IN ('rejected', "
		                "'cancelled') LIMIT 1",
		                cause, "sI", addr, except);
		int rc = s != NULL ? sqlite3_step(s) : SQLITE_ERROR;
		if (s != NULL)
			sqlite3_reset(s);
		if (rc == SQLITE_ROW) {
			g_ptr_array_add(out, addr);
			continue;
		}
		g_free(addr);
		if (rc != SQLITE_DONE) {
			if (s != NULL)
				*cause = store_error(st, "address lookup");
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
	}
	return out;
}

/* People of other scheduled server-room visits that overlap [from, until)
   ("YYYY-MM-DDTHH:MM"); their numbers go to *who. */
int
store_room_overlap(struct store *st, gint64 id, const char *from, const char *until, char **who,
                   char **cause)
{
	sqlite3_stmt *s = store_query(
	    st,
	    "SELECT number, max(1, coalesce(json_array_length(fields, '$.visitors'), 0)) FROM "
	    "requests WHERE type = 'server_room' AND id != ? AND state IN ('scheduled', "
	    "'in_progress') AND scheduled_at IS NOT NULL AND scheduled_at < ? AND "
	    "coalesce(scheduled_until, scheduled_at) > ?",
	    cause, "Iss", id, until, from);
	GString *names = g_string_new(NULL);
	int people = 0;

	if (s == NULL) {
		g_string_free(names, TRUE);
		return -1;
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		g_string_append_printf(names, "%s%s", names->len ? ", " : "",
		                       (const char *)sqlite3_column_text(s, 0));
		people += sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	*who = g_string_free(names, FALSE);
	return people;
}

/* The newest open emergency record of a unit (by a sender address of it). */
gint64
store_open_emergency(struct store *st, const char *const *addresses, const char *unit, char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT id, sender, json_extract(fields, '$.requesting_unit') "
	                "FROM requests WHERE emergency = 1 AND state NOT IN ('closed', "
	                "'rejected', 'cancelled') ORDER BY id DESC",
	                cause, "");
	gint64 found = 0;

	if (s == NULL)
		return -1;
	while (found == 0 && sqlite3_step(s) == SQLITE_ROW) {
		const char *sender = (const char *)sqlite3_column_text(s, 1);
		const char *u = (const char *)sqlite3_column_text(s, 2);
		for (int i = 0; addresses != NULL && addresses[i] != NULL && sender != NULL; i++)
			if (g_ascii_strcasecmp(addresses[i], sender) == 0)
				found = sqlite3_column_int64(s, 0);
		if (found == 0 && unit != NULL && u != NULL && g_utf8_collate(unit, u) == 0)
			found = sqlite3_column_int64(s, 0);
	}
	sqlite3_reset(s);
	return found;
}

/* Record (or clear, with NULL) what a request waits for. */
int
store_request_set_hold(struct store *st, gint64 id, const char *hold, char **cause)
{
	return store_exec(st, "UPDATE requests SET hold = ? WHERE id = ?", cause, "sI", hold, id);
}
