/* store_schema.c - the schema, one migration per version, and bringing a
   database up to a version; see store.h and store_parts.h. */
#include "store.h"
#include "store_parts.h"

#include <sqlite3.h>

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
int
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
