/*
 * store.h - the SQLite database: requests, their history, the messages they
 * came from, the outbox, and where each mailbox was read up to.
 *
 * store_open() opens (creating if needed) the database in WAL mode and
 * brings its schema up to date with the numbered migrations in store_schema.c, in
 * one transaction each; PRAGMA user_version holds the version.  Every
 * statement is prepared with bound parameters.  Writers group their work in
 * store_begin()/store_commit() (or store_rollback()); all other calls run
 * inside the caller's transaction.  The store owns its connection; strings
 * returned are g_malloc'ed for the caller.  Errors return -1 (or NULL) with
 * *cause set; SQLITE_BUSY is retried by SQLite's busy timeout (10 s).  An
 * error of the storage itself (busy past the timeout, disk full, I/O error,
 * read-only or damaged file) is remembered until the next store_begin():
 * store_faulted() tells the caller to roll back the whole transaction and
 * back off, where any other error belongs to the one message being stored.
 *
 * The outbox is a state machine: queued -> sending (committed before the
 * SMTP transaction starts) -> sent (after the server's 250), or back to
 * queued with a later attempt, or failed.  A row left in sending by a run
 * that was killed is queued again by store_outbox_recover() at start-up.
 *
 * The quarantine counts the failures of a message (its reader crashed or
 * overran, storing it failed); a message that fails too often is held there
 * with its spool copy until staff ask for it to be tried again.
 *
 * The store grows with every message, so each lookup the daemon makes finds
 * its rows through an index: the names requests claim (a sub-domain, new
 * mailbox addresses) are kept in a side table by store_request_add and
 * store_request_set_fields.  Only phieuctl's listings read whole tables;
 * store_query_plans shows how each statement runs.
 */
#ifndef PHIEU_STORE_H
#define PHIEU_STORE_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdint.h>

struct store;

/* A message as received, for store_message_add. */
struct stored_message {
	const char *mailbox;
	uint32_t uid, uidvalidity; /* 0 when not from IMAP */
	const char *message_id;
	const char *sha256;
	const char *spool_path;
	gint64 size;
	const char *from_addr;
	const char *subject;
	gint64 date;
	const char *outcome; /* "request", "duplicate", "followup", "automatic", ... */
	const char *detail;
	gint64 request_id; /* 0: none */
};

/* A new request, for store_request_add. */
struct new_request {
	const char *type, *state, *mailbox, *proper_mailbox, *sender, *subject, *message_id;
	const char *form_code, *source;
	JsonObject *fields;
	GPtrArray *missing, *doubtful; /* char* */
	double confidence;
	gint64 when;          /* unix time of receipt: the year of the number */
	JsonObject *sources;  /* key -> where it was read, or NULL */
	GPtrArray *conflicts; /* char*, or NULL */
	gboolean review;      /* a person must check it before acting */
};

/* An attachment kept with its request, for store_attachment_add. */
struct stored_attachment {
	gint64 request_id, message;
	const char *filename, *content_type, *sha256, *spool_path;
	gint64 size;
	const char *reader, *status, *cause; /* what reading it gave; NULL when not read */
};

/* An outgoing message, for store_outbox_add. */
struct outgoing {
	gint64 request_id; /* 0: none */
	const char *kind;  /* "ack", "notice", … */
	const char *mail_from;
	const char *const *rcpt; /* NULL-terminated */
	const char *message_id;
	const char *data;
	gsize len;
};

/* A queued message due for sending, from store_outbox_due. */
struct due {
	gint64 id, request_id;
	char *kind, *mail_from, *message_id;
	char **rcpt;
	GBytes *data;
	int attempts;
	gint64 queued_at; /* unix time it was first queued (or queued again by hand) */
	int interrupted;  /* times a run was killed while sending it */
};

struct store *store_open(const char *path, char **cause);
/* The same with the schema brought only to version (tests of the
   migrations build an old database with it). */
/* đ/Đ as d/D (the search index's folding besides the tokenizer's case and
   diacritics). */
char *store_fold(const char *text);
/* Index the text of a request's mail and documents for search. */
int store_request_index_body(struct store *st, gint64 id, const char *text, char **cause);
/* The requests (as in store_request_list, plus "unit") whose number,
   subject, sender, fields, mail or documents hold every word given, as a
   prefix, without regard to case or diacritics ("so tu phap" finds "Sở Tư
   pháp", "duong" finds "đường"); newest first, at most limit.  An empty
   array when no word is given; NULL with *cause on a database error. */
/* What a listing keeps: each string NULL for no condition. */
struct list_filter {
	const char *state, *type;
	const char *unit;    /* part of the requesting unit, any case or diacritics */
	const char *owner;   /* a staff address */
	const char *since;   /* "YYYY-MM-DDTHH:MM:SSZ": received at or after */
	const char *until;   /* ... and before */
	const char *overdue; /* today "YYYY-MM-DD": open and due before it */
	const char *open;    /* any non-NULL: not in a final state */
	gboolean newest_first;
	gint64 limit, offset; /* 0: all, from the first */
};
/* The requests a filter lets through, as store_request_list's. */
JsonArray *store_request_list_filtered(struct store *st, const struct list_filter *f, char **cause);
JsonArray *store_search(struct store *st, const char *words, int limit, char **cause);
struct store *store_open_version(const char *path, int version, char **cause);
/* The schema version store_open() brings a database to. */
int store_schema_latest(void);
/* Whether the last failed store_open() may work later (disk full, I/O
   error, locked): phieud then exits 75, not 2. */
gboolean store_open_transient(void);
struct store *store_close(struct store *st);
int store_begin(struct store *st, char **cause);
int store_commit(struct store *st, char **cause);
void store_rollback(struct store *st);
/* The file the store was opened on. */
const char *store_path(const struct store *st);
/* How long a statement waits for another process's lock (default 10 s). */
void store_set_busy_timeout(struct store *st, int ms);
/* Whether an error since store_begin() was the storage's (see above). */
gboolean store_faulted(const struct store *st);
/* A savepoint inside the transaction, for one message of a batch; end it
   keeping (ok) or undoing what was done since. */
int store_savepoint(struct store *st, char **cause);
int store_savepoint_end(struct store *st, gboolean ok, char **cause);
/* PRAGMA quick_check; -1 with a cause that says what to do when damaged. */
int store_verify(struct store *st, const char *path, char **cause);
/* The schema version the database is at. */
int store_version(struct store *st);

/* Where a mailbox was read up to; 0/0 when never. */
int store_mailbox_get(struct store *st, const char *name, uint32_t *uidvalidity, uint32_t *last_uid,
                      char **cause);
int store_mailbox_set(struct store *st, const char *name, uint32_t uidvalidity, uint32_t last_uid,
                      char **cause);

/* The request an earlier copy of this Message-ID (or raw digest) went to:
   1 and *request_id (maybe 0) when seen, 0 when new, -1 on error. */
int store_message_seen(struct store *st, const char *message_id, const char *sha256,
                       gint64 *request_id, char **cause);
/* Whether this mailbox/uidvalidity/uid was already stored. */
int store_uid_seen(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                   char **cause);
gint64 store_message_add(struct store *st, const struct stored_message *m, char **cause);
/* UIDs stored but not yet marked on the server (appended to uids). */
int store_unmarked(struct store *st, const char *mailbox, uint32_t uidvalidity, GArray *uids,
                   char **cause);
/* Record that these UIDs were marked on the server. */
int store_set_marked(struct store *st, const char *mailbox, uint32_t uidvalidity,
                     const uint32_t *uids, gsize n, char **cause);

/* Insert a request; *number gets "2026-000123". */
gint64 store_request_add(struct store *st, const struct new_request *r, char **number,
                         char **cause);
/* Keep an attachment with its request. */
int store_attachment_add(struct store *st, const struct stored_attachment *a, char **cause);
/* Request id by number, 0 when none, -1 on error; *sender gets its sender. */
gint64 store_request_by_number(struct store *st, const char *number, char **sender, char **cause);
/* The open request an earlier message belongs to, for a forward carrying
   it: by its Message-ID (any state), else by its sender and subject within
   the last 30 days (a request still open); 0 when none, -1 on error. */
gint64 store_request_of_original(struct store *st, const char *message_id, const char *from,
                                 const char *subject, char **cause);
/* Request id that sent or received this Message-ID, 0 when none. */
gint64 store_request_by_message_id(struct store *st, const char *message_id, char **cause);
int store_request_set_state(struct store *st, gint64 id, const char *state, char **cause);
int store_event_add(struct store *st, gint64 request_id, const char *actor, const char *kind,
                    const char *from_state, const char *to_state, gint64 message,
                    const char *detail, char **cause);
/* A request's sender address, current state, number ("2026-000123"): 1
   with the value (g_free), 0 when there is no such request, -1 with *cause
   when the database failed (never mistaken for "absent"). */
int store_request_sender(struct store *st, gint64 id, char **sender, char **cause);
int store_request_state(struct store *st, gint64 id, char **state, char **cause);
int store_request_number(struct store *st, gint64 id, char **number, char **cause);

/* The limits against loops and floods (daemon/notify.c): sends since a
   time to an address, of a request and kind, or in all; record one; note a
   limit told to staff (1 the first time for key and day, 0 after, -1). */
int store_sends_count(struct store *st, const char *address, gint64 request_id, const char *kind,
                      gint64 since, char **cause);
int store_sends_add(struct store *st, const char *address, gint64 request_id, const char *kind,
                    gint64 at, char **cause);
int store_limit_note(struct store *st, const char *key, const char *day, char **cause);
gint64 store_outbox_add(struct store *st, const struct outgoing *o, gint64 not_before,
                        char **cause);
/* Queued messages due at now, oldest first, at most max. */
GPtrArray *store_outbox_due(struct store *st, gint64 now, int max, char **cause);
void store_due_free(gpointer p);
/* queued -> sending; -1 when the row is not queued. */
int store_outbox_claim(struct store *st, gint64 id, char **cause);
/* -> sent; with spool_path the body leaves the database. */
int store_outbox_sent(struct store *st, gint64 id, const char *spool_path, char **cause);
/* -> queued, due at next; counted: the server was reached. */
int store_outbox_retry(struct store *st, gint64 id, gint64 next, const char *error,
                       gboolean counted, char **cause);
/* Sent messages whose body is still in the database (id and data set). */
GPtrArray *store_outbox_unspooled(struct store *st, int max, char **cause);
/* The body of a sent message is in the spool at spool_path: drop it here. */
int store_outbox_spooled(struct store *st, gint64 id, const char *spool_path, char **cause);
/* -> failed. */
int store_outbox_failed(struct store *st, gint64 id, const char *error, char **cause);
/* sending -> queued after an interrupted run; how many. */
int store_outbox_recover(struct store *st, char **cause);
/* failed or queued -> queued now, retry period restarted; 1 done, 0 no such row. */
int store_outbox_requeue(struct store *st, gint64 id, char **cause);
/* How many outbox messages are still queued or being sent. */
int store_outbox_pending(struct store *st);
/* Unix time the next queued message is due, -1 when none. */
gint64 store_outbox_next(struct store *st);

/* One more failure of a message (reader crash, store error): the count so far. */
int store_failure_add(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                      const char *from_addr, const char *subject, const char *what, char **cause);
/* Hold a message in quarantine with its spool copy. */
int store_quarantine_hold(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                          const char *sha256, const char *spool_path, gint64 size, char **cause);
/* 1 when the message is held, 0 when not, -1 on error. */
int store_quarantine_held(struct store *st, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                          char **cause);
/* The message was stored at last: its failures are forgotten. */
int store_quarantine_release(struct store *st, const char *mailbox, uint32_t uidvalidity,
                             uint32_t uid, char **cause);
/* UIDs to fetch again (retry) or held ones not yet flagged on the server. */
int store_quarantine_uids(struct store *st, const char *mailbox, uint32_t uidvalidity,
                          gboolean retry, GArray *uids, char **cause);
int store_quarantine_flagged(struct store *st, const char *mailbox, uint32_t uidvalidity,
                             const uint32_t *uids, gsize n, char **cause);
/* Staff ask to try again: uid 0 for all, mailbox NULL for any; how many. */
int store_quarantine_retry(struct store *st, const char *mailbox, uint32_t uid, char **cause);
/* For phieuctl: held messages with their failures. */
JsonArray *store_quarantine_list(struct store *st, char **cause);

/* For phieuctl: all requests, newest last, as {id, type, state, …}. */
JsonArray *store_request_list(struct store *st, char **cause);
/* One request by id or number, with fields and history; NULL when none. */
JsonObject *store_request_show(struct store *st, const char *id_or_number, char **cause);
/* The procedure's bookkeeping (schema 4). */
int store_request_set_fields(struct store *st, gint64 id, JsonObject *fields, GPtrArray *missing,
                             char **cause);
/* Set the request's timer (at 0 clears it); kind: "remind", "close", "emergency". */
int store_request_set_due(struct store *st, gint64 id, gint64 at, const char *kind, char **cause);
int store_request_reminded(struct store *st, gint64 id, char **cause);
/* Record (or clear, with NULL) what a request waits for in needs_info. */
int store_request_set_hold(struct store *st, gint64 id, const char *hold, char **cause);
/* Ids of requests whose timer is due (none: empty); NULL with *cause on a
   database error. */
GArray *store_requests_due(struct store *st, gint64 now, char **cause);
int store_request_set_schedule(struct store *st, gint64 id, const char *at, const char *until,
                               char **cause);
/* Who works on a request (a staff address; NULL: nobody) and the day it is
   due ("YYYY-MM-DD"; NULL: none) (schema 13). */
int store_request_set_owner(struct store *st, gint64 id, const char *owner, char **cause);
int store_request_set_due_date(struct store *st, gint64 id, const char *day, char **cause);
/* Ids of open requests due on or before today ("YYYY-MM-DD") without an
   "overdue" event in their history (reminded once); NULL with *cause on a
   database error. */
GArray *store_requests_overdue(struct store *st, const char *today, char **cause);

/* The sections of the staff's morning digest. */
enum digest_section {
	DIGEST_NEW,        /* received since a (ISO 8601 UTC) */
	DIGEST_UNASSIGNED, /* open, no owner */
	DIGEST_DUE_TODAY,  /* open, due on a ("YYYY-MM-DD") */
	DIGEST_OVERDUE,    /* open, due before a */
	DIGEST_WAITING,    /* needs_info: waiting for the unit */
	DIGEST_VISITS,     /* server-room visits booked from a to before b ("YYYY-MM-DD…") */
};
/* The requests of a section as [{id (number), type, state, unit, owner,
   due_date, scheduled_at, scheduled_until, visitors}]; NULL on error. */
JsonArray *store_digest_section(struct store *st, enum digest_section section, const char *a,
                                const char *b, char **cause);
/* The newest digest sent (schema 14): 1 with its local day and unix time,
   0 when none yet, -1 on error; record one (the day is the key: a second
   digest of one day fails). */
int store_digest_last(struct store *st, char **day, gint64 *sent_at, char **cause);
int store_digest_add(struct store *st, const char *day, gint64 sent_at, char **cause);
int store_request_add_cost(struct store *st, gint64 id, gint64 amount, char **cause);
int store_request_mark(struct store *st, gint64 id, gboolean emergency, gint64 linked_to,
                       char **cause);
/* The sender of another live request for the sub-domain, or NULL. */
char *store_subdomain_holder(struct store *st, const char *name, const char *sender, char **cause);
/* Those of addrs (NULL-terminated) that live mailbox-create requests other than
   except already ask for, in lower case (case is ignored); NULL on error. */
GPtrArray *store_addresses_taken(struct store *st, const char *const *addrs, gint64 except,
                                 char **cause);
/* People of other scheduled server-room visits overlapping [from, until); numbers in *who. */
int store_room_overlap(struct store *st, gint64 id, const char *from, const char *until, char **who,
                       char **cause);
/* The newest open emergency record of a unit, 0 when none. */
gint64 store_open_emergency(struct store *st, const char *const *addresses, const char *unit,
                            char **cause);
/* The server-room logbook. */
JsonArray *store_logbook(struct store *st, char **cause);
/* For phieuctl: the outbox as {id, kind, state, to, subject, …}. */
JsonArray *store_outbox_list(struct store *st, char **cause);

/* A statement the store prepared and how SQLite runs it, from store_query_plans. */
struct query_plan {
	char *sql;
	GPtrArray *steps; /* char*: EXPLAIN QUERY PLAN lines, indented by depth */
};
/* For tests and operators: every statement prepared so far on this connection with its
   plan, ordered by SQL text; the array frees its elements. */
GPtrArray *store_query_plans(struct store *st);

/* Health (phieuctl status, metrics): a mailbox polled successfully, in or
   out of IDLE, failing with an error; the daemon started (pid > 0) or
   stopped (pid 0).  Each is one statement, outside or inside a transaction. */
int store_health_ok(struct store *st, const char *mailbox, gint64 now, char **cause);
int store_health_idle(struct store *st, const char *mailbox, gboolean idle, gint64 now,
                      char **cause);
int store_health_error(struct store *st, const char *mailbox, const char *error, gint64 now,
                       char **cause);
int store_health_daemon(struct store *st, int pid, int readers, int poll_interval, gint64 now,
                        char **cause);
/* The recorded facts: {mailboxes: [{name, last_ok, idle, last_error,
   last_error_at, failing_since}], daemon: {pid, started, readers,
   poll_interval, stopped} or null, outbox: {queued, oldest_queued_at, failed},
   quarantined}; NULL with *cause on error. */
JsonObject *store_health_report(struct store *st, char **cause);

/* Backup and verify (phieuctl backup, verify): the database copied to path
   with SQLite's online backup API, consistent while phieud writes; PRAGMA
   integrity_check (-1 with what it found); every spool path the database
   names, appended to paths (char*). */
int store_backup(struct store *st, const char *path, char **cause);
int store_integrity(struct store *st, char **cause);
int store_spool_refs(struct store *st, GPtrArray *paths, char **cause);

/* Retention (phieuctl prune): the final requests last changed before cutoff
   (ISO 8601 UTC) whose spool files are still there (no spool_pruned event),
   appended to ids (gint64); the spool files of one request (paths, char*),
   with the requests naming each (owners: pairs of gint64 path index and
   request id, 0 for a row of no request or the quarantine). */
int store_retention_due(struct store *st, const char *cutoff, GArray *ids, char **cause);
int store_request_spool(struct store *st, gint64 id, GPtrArray *paths, GArray *owners,
                        char **cause);

/* Reports and exports: the requests created in [since, until) (ISO 8601
   UTC, through the index on created), oldest first, as {id (the number), type, state, sender,
   subject, created, owner, due_date, fields, cost, emergency, scheduled_at, completed (the first
   move to completed or closed, or null), reason (of the last rejection or cancellation, or null)};
   NULL with *cause. */
JsonArray *store_report_rows(struct store *st, const char *since, const char *until, char **cause);
/* The monthly report of month ("YYYY-MM") was mailed: 1, not yet 0, -1;
   record that it was (once: a second record is ignored). */
int store_report_sent(struct store *st, const char *month, char **cause);
int store_report_mark(struct store *st, const char *month, gint64 at, char **cause);
/* What a request came with, for #tep: its original message first
   ({kind "message", content_type message/rfc822, size, path}), then its
   attachments ({kind "attachment", filename, content_type, size, path}). */
JsonArray *store_request_originals(struct store *st, gint64 id, char **cause);

#endif
