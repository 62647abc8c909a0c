/* store.c - the SQLite database; see store.h. */
#include "clock.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

struct store {
	sqlite3 *db;
	char *path;
	GHashTable *stmts; /* SQL text -> sqlite3_stmt*, prepared once */
	gboolean fault;    /* an error of the storage since store_begin() */
};

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
/* A request's indexed head, as SQL over a row of requests. */
#define SEARCH_HEAD                                                                                \
	"phieu_fold(number || ' ' || coalesce(subject, '') || ' ' || coalesce(sender, '') || "     \
	"' ' || coalesce((SELECT group_concat(value, ' ') FROM json_tree(requests.fields) "        \
	"WHERE type = 'text'), ''))"

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
static char *
store_now(void)
{
	GDateTime *now = g_date_time_new_from_unix_utc(clock_now());
	char *s = g_date_time_format(now, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(now);
	return s;
}

/* The error text of the connection. */
static char *
store_error(struct store *st, const char *what)
{
	store_note_fault(st, sqlite3_extended_errcode(st->db));
	return g_strdup_printf("database: %s: %s", what, sqlite3_errmsg(st->db));
}

/* A prepared statement for sql, reset and ready to bind. */
static sqlite3_stmt *
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
static sqlite3_stmt *
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
static int
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
static char *
col_str(sqlite3_stmt *s, int i)
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
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, "uid lookup");
		return -1;
	}
	return rc == SQLITE_ROW;
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

/* JSON text of a string list. */
static char *
list_json(GPtrArray *list)
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
static char *
object_json(JsonObject *o)
{
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	char *s;

	json_node_set_object(n, o);
	s = json_to_string(n, FALSE);
	json_node_unref(n);
	return s;
}

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

/* A string member of an object, or NULL. */
static const char *
member_str(JsonObject *o, const char *key)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}

/* The sub-domain a sub-domain request asks for. */
static void
keys_subdomain(JsonObject *fields, GPtrArray *out)
{
	const char *name = member_str(fields, "subdomain");

	if (name != NULL)
		g_ptr_array_add(out, g_strdup(name));
}

/* The addresses of the accounts a mailbox-create request asks for, lower case. */
static void
keys_address(JsonObject *fields, GPtrArray *out)
{
	const char *action = member_str(fields, "mailbox_action");
	JsonNode *n = json_object_get_member(fields, "accounts");
	JsonArray *accounts;

	if (action == NULL || strcmp(action, "create") != 0 || n == NULL ||
	    !JSON_NODE_HOLDS_ARRAY(n))
		return;
	accounts = json_node_get_array(n);
	for (guint i = 0; i < json_array_get_length(accounts); i++) {
		JsonNode *a = json_array_get_element(accounts, i);
		const char *addr = JSON_NODE_HOLDS_OBJECT(a)
		                       ? member_str(json_node_get_object(a), "address")
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
	fields = object_json(r->fields);
	missing = list_json(r->missing);
	doubtful = list_json(r->doubtful);
	JsonObject *empty = json_object_new();
	char *sources = object_json(r->sources != NULL ? r->sources : empty);
	char *conflicts = list_json(r->conflicts);
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
			*sender = col_str(s, 1);
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
		*value = col_str(s, 0);
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
		char *rcpt = col_str(s, 4);
		d->id = sqlite3_column_int64(s, 0);
		d->request_id = sqlite3_column_int64(s, 1);
		d->kind = col_str(s, 2);
		d->mail_from = col_str(s, 3);
		d->rcpt = rcpt_parse(rcpt);
		d->message_id = col_str(s, 5);
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
static int
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

/* Parse stored JSON into a node (an empty object when unreadable). */
static JsonNode *
json_from_text(const char *text)
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
static void
set_str(JsonObject *o, const char *key, sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);

	if (v != NULL)
		json_object_set_string_member(o, key, (const char *)v);
	else
		json_object_set_null_member(o, key);
}

/* All requests for the list command. */
JsonArray *
store_request_list(struct store *st, char **cause)
{
	struct list_filter none = {0};

	return store_request_list_filtered(st, &none, cause);
}

/* The filters of a listing: a condition each, on a string of the filter. */
#define LF(f) offsetof(struct list_filter, f)
static const struct {
	gsize at;
	const char *sql;
} list_filters[] = {
    {LF(state), "state = ?"},
    {LF(type), "type = ?"},
    {LF(unit), "instr(phieu_plain(json_extract(fields, '$.requesting_unit')), "
               "phieu_plain(?)) > 0"},
    {LF(owner), "owner = lower(?)"},
    /* created is UTC: the local day's bounds come as UTC stamps */
    {LF(since), "created >= ?"},
    {LF(until), "created < ?"},
    {LF(overdue), "due_date < ? AND state IN ('received', 'acknowledged', 'needs_info', "
                  "'scheduled', 'in_progress')"},
    {LF(open), "state IN ('received', 'acknowledged', 'needs_info', 'scheduled', "
               "'in_progress') AND ? IS NOT NULL"},
};

/* The requests a filter lets through. */
JsonArray *
store_request_list_filtered(struct store *st, const struct list_filter *f, char **cause)
{
	GString *sql =
	    g_string_new("SELECT number, type, state, mailbox, sender, subject, created, "
	                 "id, owner, due_date FROM requests");
	const char *vals[G_N_ELEMENTS(list_filters)];
	int n = 0;
	sqlite3_stmt *s;
	JsonArray *a;
	int rc;

	for (gsize i = 0; i < G_N_ELEMENTS(list_filters); i++) {
		const char *v = *(const char *const *)((const char *)f + list_filters[i].at);
		if (v == NULL)
			continue;
		g_string_append_printf(sql, " %s %s", n == 0 ? "WHERE" : "AND",
		                       list_filters[i].sql);
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
	a = json_array_new();
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		set_str(o, "id", s, 0);
		set_str(o, "type", s, 1);
		set_str(o, "state", s, 2);
		set_str(o, "mailbox", s, 3);
		set_str(o, "sender", s, 4);
		set_str(o, "subject", s, 5);
		set_str(o, "created", s, 6);
		set_str(o, "owner", s, 8);
		set_str(o, "due_date", s, 9);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "list");
		json_array_unref(a);
		return NULL;
	}
	return a;
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
	char *q = search_query(words);
	JsonArray *a = json_array_new();
	sqlite3_stmt *s;
	int rc;

	if (q == NULL)
		return a;
	s = store_query(st,
	                "SELECT r.number, r.type, r.state, r.subject, r.created, r.owner, "
	                "r.due_date, json_extract(r.fields, '$.requesting_unit') FROM search "
	                "JOIN requests r ON r.id = search.rowid WHERE search MATCH ? "
	                "ORDER BY search.rowid DESC LIMIT ?",
	                cause, "si", q, limit);
	g_free(q);
	if (s == NULL) {
		json_array_unref(a);
		return NULL;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		set_str(o, "id", s, 0);
		set_str(o, "type", s, 1);
		set_str(o, "state", s, 2);
		set_str(o, "subject", s, 3);
		set_str(o, "created", s, 4);
		set_str(o, "owner", s, 5);
		set_str(o, "due_date", s, 6);
		set_str(o, "unit", s, 7);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "search");
		json_array_unref(a);
		return NULL;
	}
	return a;
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
	JsonArray *a = json_array_new();

	if (s == NULL)
		return a;
	while (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		set_str(o, "at", s, 0);
		set_str(o, "actor", s, 1);
		set_str(o, "event", s, 2);
		set_str(o, "from_state", s, 3);
		set_str(o, "to_state", s, 4);
		set_str(o, "message_id", s, 5);
		set_str(o, "detail", s, 6);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	return a;
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
	JsonArray *a = json_array_new();

	if (s == NULL)
		return a;
	while (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		set_str(o, "filename", s, 0);
		set_str(o, "content_type", s, 1);
		json_object_set_int_member(o, "size", sqlite3_column_int64(s, 2));
		set_str(o, "sha256", s, 3);
		set_str(o, "path", s, 4);
		set_str(o, "reader", s, 5);
		set_str(o, "status", s, 6);
		set_str(o, "cause", s, 7);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	return a;
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
		set_str(o, "id", s, 1);
		set_str(o, "type", s, 2);
		set_str(o, "state", s, 3);
		set_str(o, "mailbox", s, 4);
		set_str(o, "proper_mailbox", s, 5);
		set_str(o, "sender", s, 6);
		set_str(o, "subject", s, 7);
		set_str(o, "message_id", s, 8);
		set_str(o, "form_code", s, 9);
		set_str(o, "source", s, 10);
		json_object_set_member(o, "fields",
		                       json_from_text((const char *)sqlite3_column_text(s, 11)));
		json_object_set_member(o, "missing",
		                       json_from_text((const char *)sqlite3_column_text(s, 12)));
		json_object_set_member(o, "doubtful",
		                       json_from_text((const char *)sqlite3_column_text(s, 13)));
		json_object_set_double_member(o, "confidence", sqlite3_column_double(s, 14));
		set_str(o, "created", s, 15);
		set_str(o, "updated", s, 16);
		json_object_set_member(o, "sources",
		                       json_from_text((const char *)sqlite3_column_text(s, 17)));
		json_object_set_member(o, "conflicts",
		                       json_from_text((const char *)sqlite3_column_text(s, 18)));
		json_object_set_boolean_member(o, "needs_review", sqlite3_column_int(s, 19) != 0);
		set_str(o, "scheduled_at", s, 20);
		set_str(o, "scheduled_until", s, 21);
		json_object_set_int_member(o, "cost", sqlite3_column_int64(s, 22));
		if (sqlite3_column_type(s, 23) != SQLITE_NULL)
			json_object_set_int_member(o, "due_at", sqlite3_column_int64(s, 23));
		set_str(o, "due_kind", s, 24);
		json_object_set_int_member(o, "reminders", sqlite3_column_int64(s, 25));
		json_object_set_boolean_member(o, "emergency", sqlite3_column_int(s, 26) != 0);
		if (sqlite3_column_type(s, 27) != SQLITE_NULL)
			json_object_set_int_member(o, "linked_to", sqlite3_column_int64(s, 27));
		set_str(o, "hold", s, 28);
		set_str(o, "owner", s, 29);
		set_str(o, "due_date", s, 30);
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
	JsonArray *a;

	if (s == NULL)
		return NULL;
	a = json_array_new();
	while (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		json_object_set_int_member(o, "id", sqlite3_column_int64(s, 0));
		set_str(o, "request", s, 1);
		set_str(o, "kind", s, 2);
		set_str(o, "state", s, 3);
		json_object_set_member(o, "to",
		                       json_from_text((const char *)sqlite3_column_text(s, 4)));
		json_object_set_int_member(o, "attempts", sqlite3_column_int64(s, 5));
		set_str(o, "last_error", s, 6);
		set_str(o, "created", s, 7);
		set_str(o, "sent", s, 8);
		set_str(o, "message_id", s, 9);
		set_str(o, "body", s, 10);
		json_object_set_int_member(o, "interrupted", sqlite3_column_int64(s, 11));
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	return a;
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
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)sqlite3_column_int64(s, 0);
		g_array_append_val(uids, uid);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "unmarked messages");
		return -1;
	}
	return 0;
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

/* Replace a request's fields and missing keys. */
int
store_request_set_fields(struct store *st, gint64 id, JsonObject *fields, GPtrArray *missing,
                         char **cause)
{
	char *now = store_now(), *f = object_json(fields), *m = list_json(missing);
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

	if (s == NULL)
		return ids;
	while (sqlite3_step(s) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
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

	if (s == NULL)
		return ids;
	while (sqlite3_step(s) == SQLITE_ROW) {
		gint64 id = sqlite3_column_int64(s, 0);
		g_array_append_val(ids, id);
	}
	sqlite3_reset(s);
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
		set_str(o, "id", s, 0);
		set_str(o, "type", s, 1);
		set_str(o, "state", s, 2);
		set_str(o, "unit", s, 3);
		set_str(o, "owner", s, 4);
		set_str(o, "due_date", s, 5);
		set_str(o, "scheduled_at", s, 6);
		set_str(o, "scheduled_until", s, 7);
		json_object_set_member(o, "visitors",
		                       json_from_text((const char *)sqlite3_column_text(s, 8)));
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
		*day = col_str(s, 0);
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
		holder = col_str(s, 0);
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
	JsonArray *a;

	if (s == NULL)
		return NULL;
	a = json_array_new();
	while (sqlite3_step(s) == SQLITE_ROW) {
		JsonObject *o = json_object_new();
		set_str(o, "id", s, 0);
		set_str(o, "state", s, 1);
		set_str(o, "from", s, 2);
		set_str(o, "until", s, 3);
		set_str(o, "unit", s, 4);
		set_str(o, "purpose", s, 5);
		json_object_set_member(o, "visitors",
		                       json_from_text((const char *)sqlite3_column_text(s, 6)));
		set_str(o, "requested_date", s, 7);
		set_str(o, "requested_from", s, 8);
		set_str(o, "requested_to", s, 9);
		set_str(o, "escort", s, 10);
		set_str(o, "completed", s, 11);
		json_array_add_object_element(a, o);
	}
	sqlite3_reset(s);
	return a;
}

/* Record (or clear, with NULL) what a request waits for. */
int
store_request_set_hold(struct store *st, gint64 id, const char *hold, char **cause)
{
	return store_exec(st, "UPDATE requests SET hold = ? WHERE id = ?", cause, "sI", hold, id);
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
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, "quarantine lookup");
		return -1;
	}
	return rc == SQLITE_ROW;
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
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t uid = (uint32_t)sqlite3_column_int64(s, 0);
		g_array_append_val(uids, uid);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, "quarantine");
		return -1;
	}
	return 0;
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
		set_str(o, "mailbox", s, 1);
		json_object_set_int_member(o, "uidvalidity", sqlite3_column_int64(s, 2));
		json_object_set_int_member(o, "uid", sqlite3_column_int64(s, 3));
		set_str(o, "state", s, 4);
		json_object_set_int_member(o, "failures", sqlite3_column_int64(s, 5));
		set_str(o, "from", s, 6);
		set_str(o, "subject", s, 7);
		set_str(o, "path", s, 8);
		set_str(o, "sha256", s, 9);
		json_object_set_int_member(o, "size", sqlite3_column_int64(s, 10));
		set_str(o, "first", s, 11);
		set_str(o, "last", s, 12);
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
			set_str(f, "at", s, 0);
			set_str(f, "what", s, 1);
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

/* Step a prepared statement (NULL: its preparation failed) to its end,
   appending its first column of each row to out (char*); -1 with *cause
   ("database: what: …") on an error. */
static int
store_column_strings(struct store *st, sqlite3_stmt *s, GPtrArray *out, const char *what,
                     char **cause)
{
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		g_ptr_array_add(out, col_str(s, 0));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		*cause = store_error(st, what);
		return -1;
	}
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
		set_str(o, "id", s, 0);
		set_str(o, "type", s, 1);
		set_str(o, "state", s, 2);
		set_str(o, "sender", s, 3);
		set_str(o, "subject", s, 4);
		set_str(o, "created", s, 5);
		set_str(o, "owner", s, 6);
		set_str(o, "due_date", s, 7);
		json_object_set_member(o, "fields",
		                       json_from_text((const char *)sqlite3_column_text(s, 8)));
		json_object_set_int_member(o, "cost", sqlite3_column_int64(s, 9));
		json_object_set_boolean_member(o, "emergency", sqlite3_column_int(s, 10) != 0);
		set_str(o, "scheduled_at", s, 11);
		set_str(o, "completed", s, 12);
		set_str(o, "reason", s, 13);
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
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		*cause = store_error(st, "reports_sent");
		return -1;
	}
	return rc == SQLITE_ROW;
}

/* Record that the report of month was queued at at. */
int
store_report_mark(struct store *st, const char *month, gint64 at, char **cause)
{
	return store_exec(st, "INSERT OR IGNORE INTO reports_sent(month, sent_at) VALUES (?, ?)",
	                  cause, "sI", month, at);
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
		set_str(o, "kind", s, 0);
		set_str(o, "filename", s, 1);
		set_str(o, "content_type", s, 2);
		json_object_set_int_member(o, "size", sqlite3_column_int64(s, 3));
		set_str(o, "path", s, 4);
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
