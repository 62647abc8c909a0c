/*
 * search_fill.c - store requests read as JSON lines, for bench/search.sh.
 *
 *   search_fill DATABASE < requests.jsonl      (bench/search_gen.py writes them)
 *
 * Each line becomes what the daemon stores for a new request, through the
 * store API (store.h) and so with everything store_request_add does beside
 * the row (the claimed names, and the search index when the store fills it
 * there): the request, the message it came from (a spool path that is not
 * there: nothing reads it) and its "received" event, 1000 requests a
 * transaction.  The store stamps created/updated with the time of the call;
 * afterwards one UPDATE per request (bound, a transaction for all) sets them
 * to the line's "when", so that listings and date filters see seven years of
 * requests.  The line's "body" (the mail's text, with a document's text) is
 * indexed with store_request_index_body(), as the daemon indexes a mail's.
 * Prints the requests stored and the seconds taken; exit 0, or 1 with the
 * store's error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "store.h"

#define BATCH 1000

/* A string member, or NULL. */
static const char *
member_str(JsonObject *o, const char *key)
{
	JsonNode *n = json_object_get_member(o, key);

	return n != NULL && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : NULL;
}

/* A string array member as a list of borrowed strings. */
static GPtrArray *
member_list(JsonObject *o, const char *key)
{
	GPtrArray *list = g_ptr_array_new();
	JsonArray *a = json_object_get_array_member(o, key);

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++)
		g_ptr_array_add(list, (gpointer)json_array_get_string_element(a, i));
	return list;
}

/* Store one request line: request, message, event; its id, or -1. */
static gint64
fill_one(struct store *st, JsonObject *o, guint64 n, char **cause)
{
	GPtrArray *missing = member_list(o, "missing"), *doubtful = g_ptr_array_new();
	const char *body = member_str(o, "body");
	gint64 when = json_object_get_int_member(o, "when");
	struct new_request r = {
	    .type = member_str(o, "type"),
	    .state = member_str(o, "state"),
	    .mailbox = "pkt-iid",
	    .proper_mailbox = "pkt-iid",
	    .sender = member_str(o, "sender"),
	    .subject = member_str(o, "subject"),
	    .message_id = member_str(o, "message_id"),
	    .form_code = member_str(o, "form_code"),
	    .source = member_str(o, "source"),
	    .fields = json_object_get_object_member(o, "fields"),
	    .missing = missing,
	    .doubtful = doubtful,
	    .confidence = json_object_get_double_member(o, "confidence"),
	    .when = when,
	};
	char *number = NULL, *sha = g_strdup_printf("%064" G_GINT64_MODIFIER "x", (gint64)n);
	char *spool = g_strdup_printf("/var/spool/phieu/bench/%07" G_GUINT64_FORMAT ".eml", n);
	gint64 id = store_request_add(st, &r, &number, cause), msg = -1;

	if (id > 0 && store_request_index_body(st, id, body, cause) != 0)
		id = -1;
	if (id > 0) {
		struct stored_message m = {
		    .mailbox = "pkt-iid",
		    .message_id = r.message_id,
		    .sha256 = sha,
		    .spool_path = spool,
		    .size = body != NULL ? (gint64)strlen(body) + 600 : 600,
		    .from_addr = r.sender,
		    .subject = r.subject,
		    .date = when,
		    .outcome = "request",
		    .request_id = id,
		};
		msg = store_message_add(st, &m, cause);
	}
	if (msg > 0 &&
	    store_event_add(st, id, "phieud", "received", NULL, r.state, msg, NULL, cause) != 0)
		msg = -1;
	g_free(number);
	g_free(sha);
	g_free(spool);
	g_ptr_array_unref(missing);
	g_ptr_array_unref(doubtful);
	return msg > 0 ? id : -1;
}

/* Set every request's created/updated to its time of receipt. */
static int
fill_dates(const char *path, GArray *whens, char **cause)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(
		    db,
		    "UPDATE requests SET created = strftime('%Y-%m-%dT%H:%M:%SZ', "
		    "?1, 'unixepoch'), updated = strftime('%Y-%m-%dT%H:%M:%SZ', ?1, "
		    "'unixepoch') WHERE id = ?2",
		    -1, &s, NULL);
	for (guint i = 0; rc == SQLITE_OK && i < whens->len; i += 2) {
		sqlite3_bind_int64(s, 1, g_array_index(whens, gint64, i + 1));
		sqlite3_bind_int64(s, 2, g_array_index(whens, gint64, i));
		rc = sqlite3_step(s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
		sqlite3_reset(s);
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		*cause =
		    g_strdup_printf("dates: %s", db != NULL ? sqlite3_errmsg(db) : "no memory");
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* Read the lines, store them in batches, then set their dates. */
int
main(int argc, char **argv)
{
	GArray *whens = g_array_new(FALSE, FALSE, sizeof(gint64));
	GTimer *timer = g_timer_new();
	char *cause = NULL, *line = NULL;
	size_t cap = 0;
	guint64 n = 0;
	struct store *st;

	if (argc != 2) {
		fprintf(stderr, "usage: search_fill DATABASE < requests.jsonl\n");
		return 2;
	}
	if ((st = store_open(argv[1], &cause)) == NULL)
		goto fail;
	if (store_begin(st, &cause) != 0)
		goto fail;
	while (getline(&line, &cap, stdin) > 0) {
		JsonParser *p = json_parser_new();
		GError *err = NULL;
		gint64 id;

		if (!json_parser_load_from_data(p, line, -1, &err)) {
			cause =
			    g_strdup_printf("line %" G_GUINT64_FORMAT ": %s", n + 1, err->message);
			g_error_free(err);
			g_object_unref(p);
			goto fail;
		}
		JsonObject *o = json_node_get_object(json_parser_get_root(p));
		id = fill_one(st, o, ++n, &cause);
		if (id > 0) {
			gint64 when = json_object_get_int_member(o, "when");
			g_array_append_val(whens, id);
			g_array_append_val(whens, when);
		}
		g_object_unref(p);
		if (id < 0)
			goto fail;
		if (n % BATCH == 0 &&
		    (store_commit(st, &cause) != 0 || store_begin(st, &cause) != 0))
			goto fail;
	}
	if (store_commit(st, &cause) != 0)
		goto fail;
	printf("stored %" G_GUINT64_FORMAT " requests in %.1f s\n", n,
	       g_timer_elapsed(timer, NULL));
	st = store_close(st);
	if (fill_dates(argv[1], whens, &cause) != 0)
		goto fail;
	printf("dates set, %.1f s in all\n", g_timer_elapsed(timer, NULL));
	free(line);
	g_array_unref(whens);
	g_timer_destroy(timer);
	return 0;
fail:
	fprintf(stderr, "search_fill: %s\n", cause != NULL ? cause : "error");
	return 1;
}
