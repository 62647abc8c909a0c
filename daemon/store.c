/* store.c - the SQLite database: opening, statements, transactions and the
   shared helpers; see store.h. */
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
int
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
   appending its first column of each row to out as its elements are:
   uint32_t (UIDs) or gint64 (ids); -1 with *cause ("database: what: …") on
   an error. */
int
store_column_ints(struct store *st, sqlite3_stmt *s, GArray *out, const char *what, char **cause)
{
	gboolean narrow = g_array_get_element_size(out) == sizeof(uint32_t);
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		gint64 v = sqlite3_column_int64(s, 0);
		uint32_t uid = (uint32_t)v;
		if (narrow)
			g_array_append_val(out, uid);
		else
			g_array_append_val(out, v);
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
