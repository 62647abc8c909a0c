/*
 * store_parts.h - what the parts of the store share.  Private to daemon/store*.c:
 *   store.c          statements, opening, transactions, the helpers below
 *   store_schema.c   the schema, its migrations, and bringing a database up to a version
 *   store_mail.c     mailboxes' state, the messages seen and kept, quarantine, originals
 *   store_requests.c requests: adding, finding, changing, their events, the names they
 *                    claim, timers, owners, due dates, the digest, search
 *   store_outbox.c   the outbox and the sends counted for the limits
 *   store_queries.c  listings for phieuctl, query plans, health, backup, retention, reports
 */
#ifndef PHIEU_STORE_PARTS_H
#define PHIEU_STORE_PARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	GHashTable *stmts; /* SQL text -> sqlite3_stmt*, prepared once */
	gboolean fault;    /* an error of the storage since store_begin() */
};

/* A request's indexed head, as SQL over a row of requests. */
#define SEARCH_HEAD                                                                                \
	"phieu_fold(number || ' ' || coalesce(subject, '') || ' ' || coalesce(sender, '') || "     \
	"' ' || coalesce((SELECT group_concat(value, ' ') FROM json_tree(requests.fields) "        \
	"WHERE type = 'text'), ''))"

/* Now as an ISO 8601 UTC timestamp. */
char *store_now(void);
/* The error text of the connection. */
char *store_error(struct store *st, const char *what);
/* A prepared statement for sql, reset and ready to bind. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql, char **cause);
/* Prepare and bind; the statement is ready to step. */
sqlite3_stmt *store_query(struct store *st, const char *sql, char **cause, const char *fmt, ...);
/* Run a statement that returns no rows; -1 on error. */
int store_exec(struct store *st, const char *sql, char **cause, const char *fmt, ...);
/* A column as a new string (NULL stays NULL). */
char *store_col_str(sqlite3_stmt *s, int i);
/* JSON text of a string list. */
char *store_list_json(GPtrArray *list);
/* JSON text of an object. */
char *store_object_json(JsonObject *o);
/* A string member of an object, or NULL. */
const char *store_member_str(JsonObject *o, const char *key);
/* Parse stored JSON into a node (an empty object when unreadable). */
JsonNode *store_json_from_text(const char *text);
/* A result row as a JSON object, a member per named column: "name" a
   string (or null), "#name" a whole number, "?name" a boolean, "@name"
   JSON text parsed; a NULL name leaves its column out. */
JsonObject *store_row_json(sqlite3_stmt *s, const char *const *names, int n);
/* Step s (NULL: its preparation failed, *cause set) to its end, each row a
   store_row_json object; NULL with *cause ("database: what: …") on an error. */
JsonArray *store_rows_json(struct store *st, sqlite3_stmt *s, const char *const *names, int n,
                           const char *what, char **cause);
/* Set a string member, or null. */
void store_set_str(JsonObject *o, const char *key, sqlite3_stmt *s, int col);
/* Whether a prepared statement (NULL: its preparation failed) gives a row:
   1, 0, or -1 with *cause ("database: what: …"). */
int store_exists(struct store *st, sqlite3_stmt *s, const char *what, char **cause);
/* Step a statement to its end, appending its first column to out as out's
   elements are: uint32_t (UIDs) or gint64 (ids); -1 with *cause on an error. */
int store_column_ints(struct store *st, sqlite3_stmt *s, GArray *out, const char *what,
                      char **cause);
/* Step a prepared statement (NULL: its preparation failed) to its end,
   appending its first column of each row to out (char*); -1 with *cause
   ("database: what: …") on an error. */
int store_column_strings(struct store *st, sqlite3_stmt *s, GPtrArray *out, const char *what,
                         char **cause);
/* Rows changed by the last statement, or -1 when it failed. */
int store_changed(struct store *st, int rc);
/* Run plain SQL without parameters (schema, pragmas); -1 with *cause
   ("database: …") on an error, a fault of the storage noted. */
int store_script(struct store *st, const char *sql, char **cause);
/* Apply the migrations the database has not had up to version want, one
   transaction each; -1 with *cause on an error (store_schema.c). */
int store_migrate(struct store *st, int want, char **cause);

#endif
