/* store.c - the SQLite database; see store.h. */
#include "clock.h"
#include "store.h"
#include "store_parts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

/* Result codes that say the storage, not the statement, failed: the disk is
   full, read-only or failing, the file is damaged, another process holds
   the lock past the busy timeout. */
static const int fault_codes[] = {SQLITE_BUSY,     SQLITE_LOCKED,  SQLITE_FULL,   SQLITE_IOERR,
                                  SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_CANTOPEN,
                                  SQLITE_NOMEM,    SQLITE_PROTOCOL};

/* Note a storage fault when the connection's last error is one. */
static void
store_note_fault(struct store *st, int code)
{
	for (gsize i = 0; i < G_N_ELEMENTS(fault_codes); i++)
		if ((code & 0xff) == fault_codes[i])
			st->fault = TRUE;
}

/*
 * The schema, one migration per version.  A migration is never edited once
 * released: a change to the schema is a new entry at the end.
 */
static const char *const migrations[] = {
    /* 1: the first schema */
    "CREATE TABLE mailbox_state ("
    "  name TEXT PRIMARY KEY,"
    "  uidvalidity INTEGER NOT NULL,"
    "  last_uid INTEGER NOT NULL,"
    "  updated TEXT NOT NULL);"
    "CREATE TABLE requests ("
    "  id INTEGER PRIMARY KEY,"
    "  number TEXT NOT NULL UNIQUE,"
    "  type TEXT NOT NULL,"
    "  state TEXT NOT NULL,"
    "  mailbox TEXT,"
    "  proper_mailbox TEXT,"
    "  sender TEXT,"
    "  subject TEXT,"
    "  message_id TEXT,"
    "  form_code TEXT,"
    "  source TEXT,"
    "  fields TEXT NOT NULL,"
    "  missing TEXT NOT NULL,"
    "  doubtful TEXT NOT NULL,"
    "  confidence REAL NOT NULL DEFAULT 0,"
    "  created TEXT NOT NULL,"
    "  updated TEXT NOT NULL);"
    "CREATE TABLE messages ("
    "  id INTEGER PRIMARY KEY,"
    "  mailbox TEXT NOT NULL,"
    "  uid INTEGER NOT NULL,"
    "  uidvalidity INTEGER NOT NULL,"
    "  message_id TEXT,"
    "  sha256 TEXT NOT NULL,"
    "  spool_path TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  from_addr TEXT,"
    "  subject TEXT,"
    "  date INTEGER,"
    "  received TEXT NOT NULL,"
    "  outcome TEXT NOT NULL,"
    "  detail TEXT,"
    "  request_id INTEGER REFERENCES requests(id));"
    "CREATE INDEX messages_message_id ON messages(message_id);"
    "CREATE INDEX messages_sha256 ON messages(sha256);"
    "CREATE INDEX messages_uid ON messages(mailbox, uidvalidity, uid);"
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER NOT NULL REFERENCES requests(id),"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  from_state TEXT,"
    "  to_state TEXT,"
    "  message INTEGER REFERENCES messages(id),"
    "  detail TEXT);"
    "CREATE INDEX events_request ON events(request_id);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER REFERENCES requests(id),"
    "  kind TEXT NOT NULL,"
    "  mail_from TEXT NOT NULL,"
    "  rcpt TEXT NOT NULL,"
    "  message_id TEXT NOT NULL,"
    "  data BLOB NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'queued',"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  next_attempt INTEGER NOT NULL,"
    "  last_error TEXT,"
    "  created TEXT NOT NULL,"
    "  sent TEXT);"
    "CREATE INDEX outbox_due ON outbox(state, next_attempt);"
    "CREATE INDEX outbox_message_id ON outbox(message_id);"
    "CREATE TABLE counters ("
    "  year INTEGER PRIMARY KEY,"
    "  last INTEGER NOT NULL);",
    /* 2: whether a stored message was marked on the server (rows from
       before were marked in the same run) */
    "ALTER TABLE messages ADD COLUMN marked INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX messages_unmarked ON messages(mailbox, uidvalidity) WHERE marked = 0;",
    /* 3: attachments kept with their request; where each field came from */
    "ALTER TABLE requests ADD COLUMN sources TEXT NOT NULL DEFAULT '{}';"
    "ALTER TABLE requests ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';"
    "ALTER TABLE requests ADD COLUMN review INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE attachments ("
    "  id INTEGER PRIMARY KEY,"
    "  request_id INTEGER NOT NULL REFERENCES requests(id),"
    "  message INTEGER REFERENCES messages(id),"
    "  filename TEXT,"
    "  content_type TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  sha256 TEXT NOT NULL,"
    "  spool_path TEXT NOT NULL,"
    "  reader TEXT,"
    "  status TEXT,"
    "  cause TEXT);"
    "CREATE INDEX attachments_request ON attachments(request_id);",
    /* 4: the procedure: appointments, costs, timers, emergencies */
    "ALTER TABLE requests ADD COLUMN scheduled_at TEXT;"
    "ALTER TABLE requests ADD COLUMN scheduled_until TEXT;"
    "ALTER TABLE requests ADD COLUMN cost INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE requests ADD COLUMN due_at INTEGER;"
    "ALTER TABLE requests ADD COLUMN due_kind TEXT;"
    "ALTER TABLE requests ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE requests ADD COLUMN emergency INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE requests ADD COLUMN linked_to INTEGER REFERENCES requests(id);"
    "CREATE INDEX requests_due ON requests(due_at) WHERE due_at IS NOT NULL;",
    /* 5: what a request waits for while it is in needs_info */
    "ALTER TABLE requests ADD COLUMN hold TEXT;",
    /* 6: an index for every lookup of the intake, reply and timer paths: the
       names a request claims (sub-domain, new mailbox addresses) in a side
       table instead of reading the JSON of every request, and partial
       indexes over the few open emergencies and booked server-room visits */
    "CREATE TABLE request_keys ("
    "  request_id INTEGER NOT NULL REFERENCES requests(id),"
    "  kind TEXT NOT NULL,"
    "  value TEXT NOT NULL,"
    "  PRIMARY KEY (request_id, kind, value)) WITHOUT ROWID;"
    "CREATE INDEX request_keys_value ON request_keys(kind, value);"
    "INSERT OR IGNORE INTO request_keys(request_id, kind, value) "
    "  SELECT id, 'subdomain', json_extract(fields, '$.subdomain') FROM requests"
    "  WHERE type = 'subdomain' AND json_type(fields, '$.subdomain') = 'text';"
    "INSERT OR IGNORE INTO request_keys(request_id, kind, value) "
    "  SELECT r.id, 'address', lower(json_extract(a.value, '$.address'))"
    "  FROM requests r, json_each(r.fields, '$.accounts') a"
    "  WHERE r.type = 'mailbox' AND json_extract(r.fields, '$.mailbox_action') = 'create'"
    "  AND json_type(r.fields, '$.accounts') = 'array'"
    "  AND json_type(CASE WHEN a.type = 'object' THEN a.value END, '$.address') = 'text';"
    "CREATE INDEX requests_open_emergency ON requests(id)"
    "  WHERE emergency = 1 AND state NOT IN ('closed', 'rejected', 'cancelled');"
    "CREATE INDEX requests_room_booked ON requests(scheduled_at)"
    "  WHERE type = 'server_room' AND state IN ('scheduled', 'in_progress');",
    /* 7: the outbox as a state machine (queued, sending, sent, failed): when a
       message was first queued (its retries end max_retry_hours later), where
       its body went once sent, how often a send was interrupted; messages
       that fail again and again (quarantine) */
    "ALTER TABLE outbox ADD COLUMN queued_at INTEGER;"
    "UPDATE outbox SET queued_at = CAST(strftime('%s', created) AS INTEGER);"
    "ALTER TABLE outbox ADD COLUMN spool_path TEXT;"
    "ALTER TABLE outbox ADD COLUMN interrupted INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE quarantine ("
    "  id INTEGER PRIMARY KEY,"
    "  mailbox TEXT NOT NULL,"
    "  uidvalidity INTEGER NOT NULL,"
    "  uid INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'counting',"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  sha256 TEXT,"
    "  spool_path TEXT,"
    "  size INTEGER,"
    "  from_addr TEXT,"
    "  subject TEXT,"
    "  first_at TEXT NOT NULL,"
    "  last_at TEXT NOT NULL,"
    "  flagged INTEGER NOT NULL DEFAULT 0,"
    "  UNIQUE(mailbox, uidvalidity, uid));"
    "CREATE INDEX quarantine_open ON quarantine(mailbox, uidvalidity, state) "
    "  WHERE state IN ('held', 'retry');"
    "CREATE TABLE quarantine_failures ("
    "  id INTEGER PRIMARY KEY,"
    "  quarantine_id INTEGER NOT NULL REFERENCES quarantine(id),"
    "  at TEXT NOT NULL,"
    "  what TEXT NOT NULL);"
    "CREATE INDEX quarantine_failures_of ON quarantine_failures(quarantine_id);"
    /* the unmarked messages of a mailbox, in UID order, without reading the rest */
    "CREATE INDEX outbox_unspooled ON outbox(id) WHERE state = 'sent' AND spool_path IS NULL;"
    "DROP INDEX messages_unmarked;"
    "CREATE INDEX messages_unmarked ON messages(mailbox, uidvalidity, uid) WHERE marked = 0;",
    /* 8: what was sent to whom and when, for the limits against loops and
       floods; the limits reported to staff, once per key and day */
    "CREATE TABLE sends ("
    "  id INTEGER PRIMARY KEY,"
    "  address TEXT NOT NULL,"
    "  request_id INTEGER,"
    "  kind TEXT NOT NULL,"
    "  at INTEGER NOT NULL);"
    "CREATE INDEX sends_address ON sends(address, at);"
    "CREATE INDEX sends_request ON sends(request_id, kind, at);"
    "CREATE INDEX sends_at ON sends(at);"
    "CREATE TABLE limit_notices ("
    "  key TEXT NOT NULL,"
    "  day TEXT NOT NULL,"
    "  PRIMARY KEY (key, day)) WITHOUT ROWID;",
    /* 9: a reply's body in a table of its own, deleted once the spool holds
       it: whole pages go back to the free list and are used again (a body
       emptied in place left its pages in the outbox half empty for good) */
    "CREATE TABLE outbox_bodies ("
    "  id INTEGER PRIMARY KEY REFERENCES outbox(id),"
    "  data BLOB NOT NULL);"
    "INSERT INTO outbox_bodies(id, data) SELECT id, data FROM outbox WHERE length(data) > 0;"
    "ALTER TABLE outbox DROP COLUMN data;",
    /* 10: sends counted per address (and '*': all) and clock hour, so that a
       limit is a sum over at most 25 rows, not a count of every message sent
       in the last hour (which grew with the traffic the limit is there for) */
    "CREATE TABLE send_counts ("
    "  key TEXT NOT NULL,"
    "  hour INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (key, hour)) WITHOUT ROWID;"
    "INSERT INTO send_counts(key, hour, n) SELECT address, at / 3600, count(*) FROM sends "
    "  GROUP BY address, at / 3600;"
    "INSERT INTO send_counts(key, hour, n) SELECT '*', at / 3600, count(*) FROM sends "
    "  GROUP BY at / 3600;"
    "DROP INDEX sends_address;"
    "DROP INDEX sends_at;",
    /* 11: a forward found by the sender and subject of the message it carries */
    "CREATE INDEX messages_from_subject ON messages(from_addr, subject);",
    /* 12: health, for phieuctl status and metrics: per mailbox the last
       successful poll, whether it waits in IDLE, the last error and since when
       it fails; one row on the running daemon */
    "CREATE TABLE health ("
    "  mailbox TEXT PRIMARY KEY,"
    "  last_ok INTEGER,"
    "  idle INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT,"
    "  last_error_at INTEGER,"
    "  failing_since INTEGER,"
    "  updated INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE daemon_run ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  pid INTEGER NOT NULL,"
    "  started INTEGER NOT NULL,"
    "  readers INTEGER NOT NULL,"
    "  poll_interval INTEGER NOT NULL,"
    "  stopped INTEGER);",
    /* 13: who works on a request (a staff address, NULL: nobody yet) and the
       day it is due ("YYYY-MM-DD", working days after receipt; NULL: none) */
    "ALTER TABLE requests ADD COLUMN owner TEXT;"
    "ALTER TABLE requests ADD COLUMN due_date TEXT;"
    "CREATE INDEX requests_owner ON requests(owner);"
    "CREATE INDEX requests_due_date ON requests(due_date);",
    /* 14: the monthly reports mailed ("YYYY-MM" of the month reported on),
       so that each goes out once however often the timers run; the
       requests of a period (reports, exports) found by when they came; the
       messages of a request (#tep mails its original) */
    "CREATE TABLE reports_sent ("
    "  month TEXT PRIMARY KEY,"
    "  sent_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX requests_created ON requests(created);"
    "CREATE INDEX messages_request ON messages(request_id);",
    /* 15: the morning digests sent to staff, one row per local day, so that
       each working day has one even across restarts; the open requests (few)
       by owner and by due date, for the
       overdue reminders and the digest */
    "CREATE TABLE digests ("
    "  day TEXT PRIMARY KEY,"
    "  sent_at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX requests_open_owner ON requests(owner)"
    "  WHERE state IN ('received', 'acknowledged', 'needs_info', 'scheduled', 'in_progress');"
    "CREATE INDEX requests_open_due ON requests(due_date)"
    "  WHERE state IN ('received', 'acknowledged', 'needs_info', 'scheduled', 'in_progress');",
    /* 16: full-text search (phieuctl search, #tim): per request its head
       (number, subject, sender, the fields' values) and body (the text of
       its mail and documents), folded by phieu_fold() (đ as d) and by the
       tokenizer (case, other diacritics); only which requests hold a word is
       kept (detail = none: searches are words, not phrases, newest first);
       the requests already stored are indexed by their head */
    "CREATE VIRTUAL TABLE search USING fts5(head, body,"
    "  tokenize = 'unicode61 remove_diacritics 2', detail = none);"
    "INSERT INTO search(rowid, head, body) SELECT id, " SEARCH_HEAD ", '' FROM requests;",
};

/* Now as an ISO 8601 UTC timestamp. */
char *
store_now(void)
{
	GDateTime *now = g_date_time_new_from_unix_utc(clock_now());
	char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(now);
	return s;
}

/* The error text of the connection. */
char *
store_error(struct store *st, const char *what)
{
	store_note_fault(st, sqlite3_extended_errcode(st->db));
	return g_strdup_printf("database: %s: %s", what, sqlite3_errmsg(st->db));
}

/* A prepared statement for sql, reset and ready to bind. */
sqlite3_stmt *
store_stmt(struct store *st, const char *sql, char **cause)
{
	sqlite3_stmt *s = g_hash_table_lookup(st->stmts, sql);

	if (s == NULL) {
		if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
			*cause = store_error(st, "prepare");
			return NULL;
		}
		g_hash_table_insert(st->stmts, (gpointer)sql, s);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/*
 * Bind parameters by a format: s string (NULL binds NULL), i int, I gint64
 * (0 binds NULL when upper case 'N'), d double, b blob (pointer, length).
 */
static void
store_bindv(sqlite3_stmt *s, const char *fmt, va_list ap)
{
	for (int i = 0; fmt[i] != '\0'; i++) {
		int at = i + 1;
		switch (fmt[i]) {
		case 's': {
			const char *v = va_arg(ap, const char *);
			if (v == NULL)
				sqlite3_bind_null(s, at);
			else
				sqlite3_bind_text(s, at, v, -1, SQLITE_TRANSIENT);
			break;
		}
		case 'i':
			sqlite3_bind_int(s, at, va_arg(ap, int));
			break;
		case 'I':
			sqlite3_bind_int64(s, at, va_arg(ap, gint64));
			break;
		case 'N': {
			gint64 v = va_arg(ap, gint64);
			if (v == 0)
				sqlite3_bind_null(s, at);
			else
				sqlite3_bind_int64(s, at, v);
			break;
		}
		case 'd':
			sqlite3_bind_double(s, at, va_arg(ap, double));
			break;
		case 'b': {
			const void *p = va_arg(ap, const void *);
			gsize n = va_arg(ap, gsize);
			sqlite3_bind_blob64(s, at, p, n, SQLITE_TRANSIENT);
			break;
		}
		default:
			g_error("store: bad bind format %c", fmt[i]);
		}
	}
}

/* Prepare and bind; the statement is ready to step. */
sqlite3_stmt *
store_query(struct store *st, const char *sql, char **cause, const char *fmt, ...)
{
	sqlite3_stmt *s = store_stmt(st, sql, cause);
	va_list ap;

	if (s == NULL)
		return NULL;
	va_start(ap, fmt);
	store_bindv(s, fmt, ap);
	va_end(ap);
	return s;
}

/* Run a statement that returns no rows; -1 on error. */
int
store_exec(struct store *st, const char *sql, char **cause, const char *fmt, ...)
{
	sqlite3_stmt *s = store_stmt(st, sql, cause);
	va_list ap;
	int rc;

	if (s == NULL)
		return -1;
	va_start(ap, fmt);
	store_bindv(s, fmt, ap);
	va_end(ap);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "write");
		return -1;
	}
	return 0;
}

/* A column as a new string (NULL stays NULL). */
char *
store_col_str(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);
	return v != NULL ? g_strdup((const char *)v) : NULL;
}

/* Run plain SQL without parameters (schema, pragmas). */
static int
store_script(struct store *st, const char *sql, char **cause)
{
	char *msg = NULL;

	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		store_note_fault(st, rc);
		*cause = g_strdup_printf("database: %s", msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The schema version. */
int
store_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* The schema version this phieu brings a database to. */
int
store_schema_latest(void)
{
	return (int)G_N_ELEMENTS(migrations);
}

/* Apply the migrations the database has not had up to version want, one
   transaction each. */
static int
store_migrate(struct store *st, int want, char **cause)
{
	int have = store_version(st);

	if (have < 0) {
		*cause = store_error(st, "reading the schema version");
		return -1;
	}
	if (have > want) {
		*cause = g_strdup_printf(
		    "database: schema version %d is newer than this phieu (%d)", have, want);
		return -1;
	}
	for (int v = have; v < want; v++) {
		char *bump = g_strdup_printf("PRAGMA user_version = %d", v + 1);
		int rc = store_script(st, "BEGIN IMMEDIATE", cause), now = v;
		/* read again under the lock: another process opening the same new
		   database (phieud and phieuctl at once) may have migrated it since */
		if (rc == 0 && (now = store_version(st)) < 0) {
			*cause = store_error(st, "reading the schema version");
			rc = -1;
		}
		if (rc == 0 && now > v) {
			g_free(bump);
			if (store_script(st, "COMMIT", cause) != 0)
				return -1;
			v = now - 1;
			continue;
		}
		if (rc == 0)
			rc = store_script(st, migrations[v], cause);
		if (rc == 0)
			rc = store_script(st, bump, cause);
		if (rc == 0)
			rc = store_script(st, "COMMIT", cause);
		else
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		g_free(bump);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Finalize a cached statement (hash table destructor). */
static void
stmt_finalize(gpointer s)
{
	sqlite3_finalize(s);
}

/* Whether the last store_open() failed for a reason that may pass (a full
   disk, an I/O error, a lock held too long), not for a damaged database or a
   wrong path.  One daemon opens one database at a time: a plain static. */
static gboolean open_transient;

/* The database file readable by its owner alone: created 0600 when missing
   (SQLite gives its -wal and -shm files the same mode), tightened when an
   older one is open to others.  0, or -1 with *cause. */
static int
store_private(const char *path, char **cause)
{
	struct stat sb;
	int fd;

	if (strcmp(path, ":memory:") == 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return close(fd);
	if (errno != EEXIST) {
		open_transient = errno == ENOSPC || errno == EIO || errno == EDQUOT;
		*cause = g_strdup_printf("database %s: %s", path, g_strerror(errno));
		return -1;
	}
	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0 && sb.st_uid == geteuid()) {
		for (const char *ext = ""; ext != NULL; ext = *ext == '\0'               ? "-wal"
		                                              : strcmp(ext, "-wal") == 0 ? "-shm"
		                                                                         : NULL) {
			char *f = g_strconcat(path, ext, NULL);
			(void)chmod(f, 0600);
			g_free(f);
		}
	}
	return 0;
}

/* Whether the last failed store_open() may work when tried again. */
gboolean
store_open_transient(void)
{
	return open_transient;
}

/* phieu_fold(text) in SQL: store_fold() (the search index's folding). */
static void
sql_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	char *f;

	if (t == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	f = store_fold(t);
	sqlite3_result_text(ctx, f, -1, g_free);
}

/* phieu_plain(text) in SQL: lower case, without diacritics, đ as d ("Hải
   Châu" is "hai chau"), for comparing what people type. */
static void
sql_plain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *t = (const char *)sqlite3_value_text(argv[0]);
	char *f, *nfd, *low;
	GString *out;

	if (t == NULL || !g_utf8_validate(t, -1, NULL)) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	f = store_fold(t);
	nfd = g_utf8_normalize(f, -1, G_NORMALIZE_NFD);
	low = g_utf8_strdown(nfd != NULL ? nfd : f, -1);
	out = g_string_new(NULL);
	for (const char *p = low; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_type(c) != G_UNICODE_NON_SPACING_MARK)
			g_string_append_unichar(out, c);
	}
	sqlite3_result_text(ctx, g_string_free(out, FALSE), -1, g_free);
	g_free(f);
	g_free(nfd);
	g_free(low);
}

/* Open the database, WAL mode, schema up to date. */
struct store *
store_open(const char *path, char **cause)
{
	return store_open_version(path, store_schema_latest(), cause);
}

/* Open the database with its schema brought to version (at most the latest). */
struct store *
store_open_version(const char *path, int version, char **cause)
{
	struct store *st = g_new0(struct store, 1);

	open_transient = FALSE;
	if (store_private(path, cause) != 0) {
		g_free(st);
		return NULL;
	}
	st->stmts = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, stmt_finalize);
	st->path = g_strdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		*cause = g_strdup_printf("database %s: %s", path,
		                         st->db != NULL ? sqlite3_errmsg(st->db) : "cannot open");
		return store_close(st);
	}
	sqlite3_busy_timeout(st->db, 10000);
	sqlite3_create_function(st->db, "phieu_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        sql_fold, NULL, NULL);
	sqlite3_create_function(st->db, "phieu_plain", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
	                        sql_plain, NULL, NULL);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_script(st,
	                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	                 "PRAGMA foreign_keys = ON;",
	                 cause) != 0 ||
	    store_migrate(st, MIN(version, store_schema_latest()), cause) != 0) {
		int code = sqlite3_extended_errcode(st->db) & 0xff;
		open_transient = code == SQLITE_FULL || code == SQLITE_IOERR ||
		                 code == SQLITE_BUSY || code == SQLITE_LOCKED;
		if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
			char *why = *cause;
			*cause = g_strdup_printf("database %s is damaged or not a database (%s); "
			                         "restore it from a backup or recover it with "
			                         "sqlite3 .recover",
			                         path, why);
			g_free(why);
		}
		return store_close(st);
	}
	return st;
}

/* Close; returns NULL. */
struct store *
store_close(struct store *st)
{
	if (st == NULL)
		return NULL;
	g_hash_table_destroy(st->stmts);
	if (st->db != NULL)
		sqlite3_close(st->db);
	g_free(st->path);
	g_free(st);
	return NULL;
}

/* Begin a write transaction. */
int
store_begin(struct store *st, char **cause)
{
	st->fault = FALSE;
	return store_script(st, "BEGIN IMMEDIATE", cause);
}

/* The file the store was opened on. */
const char *
store_path(const struct store *st)
{
	return st->path;
}

/* How long a statement waits for another process's lock, in ms. */
void
store_set_busy_timeout(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

/* Whether a failure since store_begin() was the storage's. */
gboolean
store_faulted(const struct store *st)
{
	return st->fault;
}

/* Open a savepoint inside the transaction. */
int
store_savepoint(struct store *st, char **cause)
{
	return store_script(st, "SAVEPOINT one", cause);
}

/* Keep (ok) or undo what was done since the savepoint, and close it. */
int
store_savepoint_end(struct store *st, gboolean ok, char **cause)
{
	if (!ok && store_script(st, "ROLLBACK TO one", cause) != 0)
		return -1;
	return store_script(st, "RELEASE one", cause);
}

/* PRAGMA quick_check: 0 when the file is sound. */
int
store_verify(struct store *st, const char *path, char **cause)
{
	sqlite3_stmt *s;
	GString *problems = g_string_new(NULL);
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(5)", -1, &s, NULL) != SQLITE_OK) {
		g_string_free(problems, TRUE);
		*cause = g_strdup_printf("database %s is damaged or not a database: %s", path,
		                         sqlite3_errmsg(st->db));
		return -1;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(s, 0);
		if (line != NULL && strcmp(line, "ok") != 0)
			g_string_append_printf(problems, "%s%s", problems->len ? "; " : "", line);
	}
	if (rc != SQLITE_DONE && problems->len == 0)
		g_string_append(problems, sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (problems->len > 0) {
		*cause =
		    g_strdup_printf("database %s is damaged (quick_check: %s); restore it from "
		                    "a backup or recover it with sqlite3 .recover",
		                    path, problems->str);
		g_string_free(problems, TRUE);
		return -1;
	}
	g_string_free(problems, TRUE);
	return 0;
}

/* Commit. */
int
store_commit(struct store *st, char **cause)
{
	return store_script(st, "COMMIT", cause);
}

/* Roll back, ignoring errors (there may be no transaction left). */
void
store_rollback(struct store *st)
{
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* JSON text of a string list. */
char *
store_list_json(GPtrArray *list)
{
	JsonArray *a = json_array_new();
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);
	char *s;

	for (guint i = 0; list != NULL && i < list->len; i++)
		json_array_add_string_element(a, g_ptr_array_index(list, i));
	json_node_take_array(n, a);
	s = json_to_string(n, FALSE);
	json_node_unref(n);
	return s;
}

/* JSON text of an object. */
char *
store_object_json(JsonObject *o)
{
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	char *s;

	json_node_set_object(n, o);
	s = json_to_string(n, FALSE);
	json_node_unref(n);
	return s;
}

/* A string member of an object, or NULL. */
const char *
store_member_str(JsonObject *o, const char *key)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* Parse stored JSON into a node (an empty object when unreadable). */
JsonNode *
store_json_from_text(const char *text)
{
	JsonParser *p = json_parser_new();
	JsonNode *n = NULL;

	if (text != NULL && json_parser_load_from_data(p, text, -1, NULL))
		n = json_node_copy(json_parser_get_root(p));
	g_object_unref(p);
	if (n == NULL) {
		n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, json_object_new());
	}
	return n;
}

/* Set a string member, or null. */
void
store_set_str(JsonObject *o, const char *key, sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);

	if (v != NULL)
		json_object_set_string_member(o, key, (const char *)v);
	else
		json_object_set_null_member(o, key);
}

/* A result row as a JSON object; see store_parts.h. */
JsonObject *
store_row_json(sqlite3_stmt *s, const char *const *names, int n)
{
	JsonObject *o = json_object_new();

	for (int i = 0; i < n; i++) {
		const char *name = names[i];
		if (name == NULL)
			continue;
		switch (name[0]) {
		case '#':
			json_object_set_int_member(o, name + 1, sqlite3_column_int64(s, i));
			break;
		case '?':
			json_object_set_boolean_member(o, name + 1, sqlite3_column_int(s, i) != 0);
			break;
		case '@':
			json_object_set_member(
			    o, name + 1,
			    store_json_from_text((const char *)sqlite3_column_text(s, i)));
			break;
		default:
			store_set_str(o, name, s, i);
		}
	}
	return o;
}

/* Every row of a statement as JSON objects; see store_parts.h. */
JsonArray *
store_rows_json(struct store *st, sqlite3_stmt *s, const char *const *names, int n,
                const char *what, char **cause)
{
	JsonArray *a;
	int rc;

	if (s == NULL)
		return NULL;
	a = json_array_new();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		json_array_add_object_element(a, store_row_json(s, names, n));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, what);
		json_array_unref(a);
		return NULL;
	}
	return a;
}

/* Whether a prepared statement (NULL: its preparation failed) gives a row:
   1, 0, or -1 with *cause ("database: what: …"). */
int
store_exists(struct store *st, sqlite3_stmt *s, const char *what, char **cause)
{
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, what);
		return -1;
	}
	return rc == SQLITE_ROW;
}

/* Step a prepared statement (NULL: its preparation failed) to its end,
   appending its first column of each row to out (uint32_t: UIDs); -1 with
   *cause ("database: what: …") on an error. */
int
store_column_uids(struct store *st, sqlite3_stmt *s, GArray *out, const char *what, char **cause)
{
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)sqlite3_column_int64(s, 0);
		g_array_append_val(out, uid);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, what);
		return -1;
	}
	return 0;
}

/* Step a prepared statement (NULL: its preparation failed) to its end,
   appending its first column of each row to out (char*); -1 with *cause
   ("database: what: …") on an error. */
int
store_column_strings(struct store *st, sqlite3_stmt *s, GPtrArray *out, const char *what,
                     char **cause)
{
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(out, store_col_str(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, what);
		return -1;
	}
	return 0;
}
