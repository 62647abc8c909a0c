/* health.c - rating the recorded health for phieuctl status and metrics; see health.h. */
#include "health.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#define OUTBOX_WARN_AGE 3600 /* seconds a reply may wait in the outbox before a warning */

static const char *const level_names[] = {"ok", "warning", "critical"};

/* An integer member, or def when missing or null. */
static gint64
int_or(JsonObject *o, const char *key, gint64 def)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	return n != NULL && !JSON_NODE_HOLDS_NULL(n) ? json_node_get_int(n) : def;
}

/* A string member, or def when missing or null. */
static const char *
str_or(JsonObject *o, const char *key, const char *def)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	return n != NULL && JSON_NODE_HOLDS_VALUE(n) ? json_node_get_string(n) : def;
}

/* Record a problem at a level in o (and raise its level). */
static void note(JsonObject *o, enum health_level *level, enum health_level at, const char *fmt,
                 ...) G_GNUC_PRINTF(4, 5);
static void
note(JsonObject *o, enum health_level *level, enum health_level at, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	json_array_add_string_element(json_object_get_array_member(o, "problems"), what);
	g_free(what);
	if (at > *level)
		*level = at;
}

/* The recorded row of a mailbox, or NULL. */
static JsonObject *
row_of(JsonArray *rows, const char *name)
{
	for (guint i = 0; i < json_array_get_length(rows); i++) {
		JsonObject *r = json_array_get_object_element(rows, i);
		if (strcmp(str_or(r, "name", ""), name) == 0)
			return r;
	}
	return NULL;
}

/* Rate one configured mailbox; returns its level. */
static enum health_level
judge_mailbox(JsonObject *b, const struct config *cfg, gint64 now)
{
	enum health_level level = HEALTH_OK;
	gint64 last_ok = int_or(b, "last_ok", 0), failing = int_or(b, "failing_since", 0);

	json_object_set_array_member(b, "problems", json_array_new());
	if (failing > 0)
		note(b, &level, now - failing > cfg->stale_after ? HEALTH_CRITICAL : HEALTH_WARNING,
		     "failing for %" G_GINT64_FORMAT " s: %s", now - failing,
		     str_or(b, "last_error", "?"));
	else if (last_ok == 0)
		note(b, &level, HEALTH_WARNING, "never polled");
	else if (now - last_ok > cfg->stale_after)
		note(b, &level, HEALTH_CRITICAL, "not polled for %" G_GINT64_FORMAT " s",
		     now - last_ok);
	else if (now - last_ok > 2 * (gint64)cfg->poll_interval)
		note(b, &level, HEALTH_WARNING, "not polled for %" G_GINT64_FORMAT " s",
		     now - last_ok);
	json_object_set_string_member(b, "level", level_names[level]);
	return level;
}

/* Size of a file, 0 when missing. */
static gint64
file_bytes(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (gint64)sb.st_size : 0;
}

/* See health.h. */
enum health_level
health_judge(JsonObject *report, const struct config *cfg, gint64 now)
{
	enum health_level level = HEALTH_OK;
	JsonArray *rows = json_object_get_array_member(report, "mailboxes");
	JsonArray *boxes = json_array_new();
	JsonObject *ob = json_object_get_object_member(report, "outbox");
	JsonNode *dn = json_object_get_member(report, "daemon");
	JsonObject *d = dn != NULL && JSON_NODE_HOLDS_OBJECT(dn) ? json_node_get_object(dn) : NULL;
	char *wal = g_strconcat(cfg->database, "-wal", NULL);

	json_object_set_array_member(report, "problems", json_array_new());
	/* the daemon: its last run still going (a pid we cannot signal runs too) */
	gboolean running = d != NULL && int_or(d, "stopped", 0) == 0 &&
	                   (kill((pid_t)int_or(d, "pid", 0), 0) == 0 || errno == EPERM);
	if (d != NULL)
		json_object_set_boolean_member(d, "running", running);
	if (!running)
		note(report, &level, HEALTH_CRITICAL, "phieud is not running");
	for (guint i = 0; i < cfg->mailboxes->len; i++) {
		const struct mailbox_cfg *m = g_ptr_array_index(cfg->mailboxes, i);
		JsonObject *r = row_of(rows, m->name), *b;
		if (r != NULL) {
			b = json_object_ref(r);
		} else {
			b = json_object_new();
			json_object_set_string_member(b, "name", m->name);
			json_object_set_null_member(b, "last_ok");
			json_object_set_boolean_member(b, "idle", FALSE);
			json_object_set_null_member(b, "last_error");
			json_object_set_null_member(b, "last_error_at");
			json_object_set_null_member(b, "failing_since");
		}
		enum health_level l = judge_mailbox(b, cfg, now);
		if (l != HEALTH_OK)
			note(report, &level, l, "mailbox %s: %s", m->name,
			     json_array_get_string_element(
			         json_object_get_array_member(b, "problems"), 0));
		json_array_add_object_element(boxes, b);
	}
	json_object_set_array_member(report, "mailboxes", boxes);
	gint64 oldest = int_or(ob, "oldest_queued_at", 0);
	json_object_set_int_member(ob, "oldest_age", oldest > 0 ? now - oldest : 0);
	if (int_or(ob, "failed", 0) > 0)
		note(report, &level, HEALTH_CRITICAL,
		     "%" G_GINT64_FORMAT " failed repl(ies) in the outbox (phieuctl outbox)",
		     int_or(ob, "failed", 0));
	if (oldest > 0 && now - oldest > OUTBOX_WARN_AGE)
		note(report, &level, HEALTH_WARNING,
		     "a reply has waited in the outbox for %" G_GINT64_FORMAT " s", now - oldest);
	json_object_set_int_member(report, "database_bytes",
	                           file_bytes(cfg->database) + file_bytes(wal));
	json_object_set_string_member(report, "level", level_names[level]);
	g_free(wal);
	return level;
}

/* "12 s ago", "never". */
static void
append_ago(GString *out, gint64 at, gint64 now)
{
	if (at <= 0)
		g_string_append(out, "never");
	else
		g_string_append_printf(out, "%" G_GINT64_FORMAT " s ago", now - at);
}

/* See health.h. */
char *
health_text(JsonObject *report, gint64 now)
{
	GString *out = g_string_new(NULL);
	JsonArray *boxes = json_object_get_array_member(report, "mailboxes");
	JsonArray *problems = json_object_get_array_member(report, "problems");
	JsonObject *ob = json_object_get_object_member(report, "outbox");
	JsonNode *dn = json_object_get_member(report, "daemon");
	JsonObject *d = dn != NULL && JSON_NODE_HOLDS_OBJECT(dn) ? json_node_get_object(dn) : NULL;
	char *level = g_ascii_strup(str_or(report, "level", "?"), -1);

	g_string_append_printf(out, "phieu %s", level);
	g_free(level);
	for (guint i = 0; i < json_array_get_length(problems); i++)
		g_string_append_printf(out, "%s%s", i == 0 ? ": " : "; ",
		                       json_array_get_string_element(problems, i));
	g_string_append_c(out, '\n');
	if (d != NULL)
		g_string_append_printf(
		    out,
		    "daemon    %s, pid %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
		    " reader(s), started %" G_GINT64_FORMAT " s ago\n",
		    json_object_get_boolean_member(d, "running") ? "running" : "not running",
		    int_or(d, "pid", 0), int_or(d, "readers", 0), now - int_or(d, "started", now));
	else
		g_string_append(out, "daemon    never started on this database\n");
	for (guint i = 0; i < json_array_get_length(boxes); i++) {
		JsonObject *b = json_array_get_object_element(boxes, i);
		g_string_append_printf(out, "mailbox   %-10s %-8s polled ", str_or(b, "name", "?"),
		                       str_or(b, "level", "?"));
		append_ago(out, int_or(b, "last_ok", 0), now);
		g_string_append(out, json_object_get_boolean_member(b, "idle") ? ", in IDLE" : "");
		if (int_or(b, "last_error_at", 0) > 0) {
			g_string_append(out, ", last error ");
			append_ago(out, int_or(b, "last_error_at", 0), now);
			g_string_append_printf(out, ": %s", str_or(b, "last_error", "?"));
		}
		g_string_append_c(out, '\n');
	}
	g_string_append_printf(out,
	                       "outbox    %" G_GINT64_FORMAT " queued (oldest %" G_GINT64_FORMAT
	                       " s), %" G_GINT64_FORMAT " failed\n",
	                       int_or(ob, "queued", 0), int_or(ob, "oldest_age", 0),
	                       int_or(ob, "failed", 0));
	g_string_append_printf(out, "quarantine %" G_GINT64_FORMAT " message(s) set aside\n",
	                       int_or(report, "quarantined", 0));
	g_string_append_printf(out, "database  %" G_GINT64_FORMAT " bytes\n",
	                       int_or(report, "database_bytes", 0));
	return g_string_free(out, FALSE);
}

/* One metric family: HELP, TYPE and a value without labels. */
static void
metric(GString *out, const char *name, const char *type, const char *help, gint64 value)
{
	g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %" G_GINT64_FORMAT "\n", name,
	                       help, name, type, name, value);
}

/* A Prometheus label value: backslash, quote and newline escaped. */
static char *
label_value(const char *s)
{
	GString *out = g_string_new(NULL);

	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			g_string_append_c(out, '\\');
		if (*s == '\n')
			g_string_append(out, "\\n");
		else
			g_string_append_c(out, *s);
	}
	return g_string_free(out, FALSE);
}

/* The per-mailbox metric families. */
static const struct {
	const char *name, *help, *key;
} mailbox_metrics[] = {
    {"phieu_mailbox_last_poll_timestamp_seconds", "Last successful poll of the mailbox.",
     "last_ok"},
    {"phieu_mailbox_idle", "Whether the mailbox's session waits in IDLE.", "idle"},
    {"phieu_mailbox_last_error_timestamp_seconds", "Last error of the mailbox (0: none).",
     "last_error_at"},
    {"phieu_mailbox_failing_since_timestamp_seconds",
     "Since when the mailbox fails (0: it does not).", "failing_since"},
    {"phieu_mailbox_level", "0 ok, 1 warning, 2 critical.", "level"},
};

/* A mailbox's value for a metric. */
static gint64
mailbox_value(JsonObject *b, const char *key)
{
	if (strcmp(key, "idle") == 0)
		return json_object_get_boolean_member(b, "idle");
	if (strcmp(key, "level") == 0) {
		const char *l = str_or(b, "level", "ok");
		for (gsize i = 0; i < G_N_ELEMENTS(level_names); i++)
			if (strcmp(l, level_names[i]) == 0)
				return (gint64)i;
		return 0;
	}
	return int_or(b, key, 0);
}

/* See health.h. */
char *
health_metrics(JsonObject *report, gint64 now)
{
	GString *out = g_string_new(NULL);
	JsonArray *boxes = json_object_get_array_member(report, "mailboxes");
	JsonObject *ob = json_object_get_object_member(report, "outbox");
	JsonNode *dn = json_object_get_member(report, "daemon");
	JsonObject *d = dn != NULL && JSON_NODE_HOLDS_OBJECT(dn) ? json_node_get_object(dn) : NULL;

	for (gsize k = 0; k < G_N_ELEMENTS(mailbox_metrics); k++) {
		g_string_append_printf(out, "# HELP %s %s\n# TYPE %s gauge\n",
		                       mailbox_metrics[k].name, mailbox_metrics[k].help,
		                       mailbox_metrics[k].name);
		for (guint i = 0; i < json_array_get_length(boxes); i++) {
			JsonObject *b = json_array_get_object_element(boxes, i);
			char *name = label_value(str_or(b, "name", ""));
			g_string_append_printf(out, "%s{mailbox=\"%s\"} %" G_GINT64_FORMAT "\n",
			                       mailbox_metrics[k].name, name,
			                       mailbox_value(b, mailbox_metrics[k].key));
			g_free(name);
		}
	}
	metric(out, "phieu_outbox_queued", "gauge", "Replies waiting to be sent.",
	       int_or(ob, "queued", 0));
	metric(out, "phieu_outbox_oldest_age_seconds", "gauge",
	       "Age of the oldest reply waiting to be sent (0: none).",
	       int_or(ob, "oldest_age", 0));
	metric(out, "phieu_outbox_failed", "gauge", "Replies that failed for good.",
	       int_or(ob, "failed", 0));
	metric(out, "phieu_quarantined", "gauge", "Messages set aside after repeated failures.",
	       int_or(report, "quarantined", 0));
	metric(out, "phieu_readers", "gauge", "Reader processes of the running daemon.",
	       d != NULL && json_object_get_boolean_member(d, "running") ? int_or(d, "readers", 0)
	                                                                 : 0);
	metric(out, "phieu_up", "gauge", "Whether phieud is running.",
	       d != NULL && json_object_get_boolean_member(d, "running"));
	metric(out, "phieu_database_bytes", "gauge", "Size of the database and its WAL.",
	       int_or(report, "database_bytes", 0));
	metric(out, "phieu_health_level", "gauge", "0 ok, 1 warning, 2 critical.",
	       mailbox_value(report, "level"));
	metric(out, "phieu_health_timestamp_seconds", "gauge", "When this was measured.", now);
	return g_string_free(out, FALSE);
}
