/* store_mail.c - mailboxes' state, the messages seen and kept, quarantine; see store_parts.h. */
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

/* Where a mailbox was read up to. */
int
store_mailbox_get(struct store *st, const char *name, uint32_t *uidvalidity, uint32_t *last_uid,
                  char **cause)
{
	sqlite3_stmt *s = store_query(
	    st, "SELECT uidvalidity, last_uid FROM mailbox_state WHERE name = ?", cause, "s", name);
	int rc;

	if (s == NULL)
		return -1;
	*uidvalidity = *last_uid = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*uidvalidity = (uint32_t)sqlite3_column_int64(s, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(s, 1);
	} else if (rc != SQLITE_DONE) {
		*cause = store_error(st, "mailbox state");
		return -1;
	}
	sqlite3_reset(s);
	return 0;
}

/* Record where a mailbox was read up to. */
int
store_mailbox_set(struct store *st, const char *name, uint32_t uidvalidity, uint32_t last_uid,
                  char **cause)
{
	char *now = store_now();
	int rc = store_exec(st,
	                    "INSERT INTO mailbox_state(name, uidvalidity, last_uid, updated) "
	                    "VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
	                    "uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid, "
	                    "updated = excluded.updated",
	                    cause, "sIIs", name, (gint64)uidvalidity, (gint64)last_uid, now);
	g_free(now);
	return rc;
}

/* Whether a message with this Message-ID (or, without one, this digest)
   was stored before, and for which request. */
int
store_message_seen(struct store *st, const char *message_id, const char *sha256, gint64 *request_id,
                   char **cause)
{
	sqlite3_stmt *s;
	int rc;

	if (message_id != NULL)
		s = store_query(st,
		                "SELECT request_id FROM messages WHERE message_id = ? "
		                "ORDER BY request_id IS NULL, id LIMIT 1",
		                cause, "s", message_id);
	else
		s = store_query(st,
		                "SELECT request_id FROM messages WHERE sha256 = ? "
		                "ORDER BY request_id IS NULL, id LIMIT 1",
		                cause, "s", sha256);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	*request_id = 0;
	if (rc == SQLITE_ROW) {
		*request_id = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
		return 1;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "message lookup");
		return -1;
	}
	return 0;
}

/* Whether this UID of this mailbox was stored. */
int
store_uid_seen(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
               char **cause)
{
	sqlite3_stmt *s = store_query(
	    st, "SELECT 1 FROM messages WHERE mailbox = ? AND uidvalidity = ? AND uid = ?", cause,
	    "sII", mailbox, (gint64)uidvalidity, (gint64)uid);

	return store_exists(st, s, "uid lookup", cause);
}

/* Store a received message. */
gint64
store_message_add(struct store *st, const struct stored_message *m, char **cause)
{
	char *now = store_now();
	int rc =
	    store_exec(st,
	               "INSERT INTO messages(mailbox, uid, uidvalidity, message_id, sha256, "
	               "spool_path, size, from_addr, subject, date, received, outcome, detail, "
	               "request_id, marked) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	               cause, "sIIsssIssIsssNi", m->mailbox, (gint64)m->uid, (gint64)m->uidvalidity,
	               m->message_id, m->sha256, m->spool_path, m->size, m->from_addr, m->subject,
	               m->date, now, m->outcome, m->detail, m->request_id,
	               /* a message from IMAP is marked on the server after the commit */
	               m->uid != 0 ? 0 : 1);
	g_free(now);
	return rc == 0 ? sqlite3_last_insert_rowid(st->db) : -1;
}

/* UIDs of a mailbox's messages stored but not yet marked on the server. */
int
store_unmarked(struct store *st, const char *mailbox, uint32_t uidvalidity, GArray *uids,
               char **cause)
{
	sqlite3_stmt *s =
	    store_query(st,
	                "SELECT uid FROM messages WHERE mailbox = ? AND uidvalidity = ? "
	                "AND marked = 0 ORDER BY uid",
	                cause, "sI", mailbox, (gint64)uidvalidity);

	return store_column_ints(st, s, uids, "unmarked messages", cause);
}

/* Record that these UIDs are marked on the server. */
int
store_set_marked(struct store *st, const char *mailbox, uint32_t uidvalidity, const uint32_t *uids,
                 gsize n, char **cause)
{
	for (gsize i = 0; i < n; i++)
		if (store_exec(
		        st,
		        "UPDATE messages SET marked = 1 WHERE mailbox = ? AND uidvalidity = ? "
		        "AND uid = ?",
		        cause, "sII", mailbox, (gint64)uidvalidity, (gint64)uids[i]) != 0)
			return -1;
	return 0;
}

/* Count one more failure of a message; the number of failures so far. */
int
store_failure_add(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                  const char *from_addr, const char *subject, const char *what, char **cause)
{
	char *now = store_now();
	sqlite3_stmt *s;
	gint64 id = 0;
	int failures = -1;

	if (store_exec(st,
	               "INSERT INTO quarantine(mailbox, uidvalidity, uid, failures, from_addr, "
	               "subject, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?) "
	               "ON CONFLICT(mailbox, uidvalidity, uid) DO UPDATE SET "
	               "failures = CASE WHEN state = 'released' THEN 1 ELSE failures + 1 END, "
	               "state = CASE WHEN state = 'released' THEN 'counting' ELSE state END, "
	               "from_addr = coalesce(excluded.from_addr, from_addr), "
	               "subject = coalesce(excluded.subject, subject), last_at = excluded.last_at",
	               cause, "sIIssss", mailbox, (gint64)uidvalidity, (gint64)uid, from_addr,
	               subject, now, now) != 0)
		goto out;
	s = store_query(st,
	                "SELECT id, failures FROM quarantine WHERE mailbox = ? AND uidvalidity = ? "
	                "AND uid = ?",
	                cause, "sII", mailbox, (gint64)uidvalidity, (gint64)uid);
	if (s == NULL)
		goto out;
	if (sqlite3_step(s) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		failures = sqlite3_column_int(s, 1);
	}
	sqlite3_reset(s);
	if (id == 0) {
		*cause = store_error(st, "quarantine");
		failures = -1;
		goto out;
	}
	if (store_exec(st,
	               "INSERT INTO quarantine_failures(quarantine_id, at, what) VALUES (?, ?, ?)",
	               cause, "Iss", id, now, what) != 0)
		failures = -1;
out:
	g_free(now);
	return failures;
}

/* Set a message aside: held, with its spool copy, until staff retry it. */
int
store_quarantine_hold(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                      const char *sha256, const char *spool_path, gint64 size, char **cause)
{
	return store_exec(st,
	                  "UPDATE quarantine SET state = 'held', sha256 = ?, spool_path = ?, "
	                  "size = ?, flagged = 0 WHERE mailbox = ? AND uidvalidity = ? AND uid = ?",
	                  cause, "ssIsII", sha256, spool_path, size, mailbox, (gint64)uidvalidity,
	                  (gint64)uid);
}

/* Whether a message is held in quarantine: 1 yes, 0 no, -1 error. */
int
store_quarantine_held(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                      char **cause)
{
	sqlite3_stmt *s = store_query(st,
	                              "SELECT 1 FROM quarantine WHERE mailbox = ? AND "
	                              "uidvalidity = ? AND uid = ? AND state = 'held'",
	                              cause, "sII", mailbox, (gint64)uidvalidity, (gint64)uid);

	return store_exists(st, s, "quarantine lookup", cause);
}

/* A message stored after failures leaves the count (and the quarantine). */
int
store_quarantine_release(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                         char **cause)
{
	return store_exec(st,
	                  "UPDATE quarantine SET state = 'released' WHERE mailbox = ? AND "
	                  "uidvalidity = ? AND uid = ? AND state != 'released'",
	                  cause, "sII", mailbox, (gint64)uidvalidity, (gint64)uid);
}

/* UIDs of a mailbox's quarantine: those staff asked to retry (retry TRUE),
   or those held but not yet flagged on the server. */
int
store_quarantine_uids(struct store *st, const char *mailbox, uint32_t uidvalidity, gboolean retry,
                      GArray *uids, char **cause)
{
	sqlite3_stmt *s =
	    retry ? store_query(st,
	                        "SELECT uid FROM quarantine WHERE mailbox = ? AND uidvalidity = ? "
	                        "AND state = 'retry' ORDER BY uid",
	                        cause, "sI", mailbox, (gint64)uidvalidity)
	          : store_query(st,
	                        "SELECT uid FROM quarantine WHERE mailbox = ? AND uidvalidity = ? "
	                        "AND state = 'held' AND flagged = 0 ORDER BY uid",
	                        cause, "sI", mailbox, (gint64)uidvalidity);

	return store_column_ints(st, s, uids, "quarantine", cause);
}

/* Record that held messages carry the quarantine keyword on the server. */
int
store_quarantine_flagged(struct store *st, const char *mailbox, uint32_t uidvalidity,
                         const uint32_t *uids, gsize n, char **cause)
{
	for (gsize i = 0; i < n; i++)
		if (store_exec(st,
		               "UPDATE quarantine SET flagged = 1 WHERE mailbox = ? AND "
		               "uidvalidity = ? AND uid = ?",
		               cause, "sII", mailbox, (gint64)uidvalidity, (gint64)uids[i]) != 0)
			return -1;
	return 0;
}

/* Ask for held messages to be tried again: one (mailbox may be NULL: any)
   or all (uid 0).  Returns how many. */
int
store_quarantine_retry(struct store *st, const char *mailbox, uint32_t uid, char **cause)
{
	return store_changed(st,
	                     store_exec(st,
	                                "UPDATE quarantine SET state = 'retry', failures = 0 "
	                                "WHERE state IN ('held', 'retry') AND state = 'held' "
	                                "AND (? = 0 OR uid = ?) AND "
	                                "(? IS NULL OR mailbox = ?)",
	                                cause, "IIss", (gint64)uid, (gint64)uid, mailbox, mailbox));
}

/* Append the rows of a statement (kind, filename, content_type, size,
   path) as objects; -1 on error. */
static int
store_originals_add(struct store *st, sqlite3_stmt *s, JsonArray *a, char **cause)
{
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		store_set_str(o, "kind", s, 0);
		store_set_str(o, "filename", s, 1);
		store_set_str(o, "content_type", s, 2);
		json_object_set_int_member(o, "size", sqlite3_column_int64(s, 3));
		store_set_str(o, "path", s, 4);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "originals");
		return -1;
	}
	return 0;
}

/* The original message of a request and every attachment kept with it. */
JsonArray *
store_request_originals(struct store *st, gint64 id, char **cause)
{
	JsonArray *a = json_array_new();

	if (store_originals_add(st,
	                        store_query(st,
	                                    "SELECT 'message', NULL, 'message/rfc822', size, "
	                                    "spool_path FROM messages WHERE request_id = ? AND "
	                                    "outcome = 'request' ORDER BY id LIMIT 1",
	                                    cause, "I", id),
	                        a, cause) != 0 ||
	    store_originals_add(st,
	                        store_query(st,
	                                    "SELECT 'attachment', filename, content_type, size, "
	                                    "spool_path FROM attachments WHERE request_id = ? "
	                                    "ORDER BY id",
	                                    cause, "I", id),
	                        a, cause) != 0) {
		json_array_unref(a);
		return NULL;
	}
	return a;
}
