/*
 * phieuctl.c - the operator's tool: parse a message, list and show requests,
 * look at the outbox and the quarantine, and ask for a failed reply or a
 * quarantined message to be tried again (the running daemon picks that up
 * within poll_interval); report the daemon's health (status, metrics); back
 * the data up and verify it; export requests (CSV, XLSX) and produce the
 * monthly report (the table, its JSON, or the mail queued for the daemon to
 * send).  Uses the database; never talks to the mail servers.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar.h"
#include "clock.h"
#include "backup.h"
#include "config.h"
#include "health.h"
#include "intake.h"
#include "export.h"
#include "jsonget.h"
#include "message.h"
#include "monthly.h"
#include "notify.h"
#include "paths.h"
#include "store.h"

#define EXIT_USAGE   2
#define EXIT_UNKNOWN 3 /* status: the health could not be read (Nagios UNKNOWN) */

/* Print usage and exit. */
static void G_GNUC_NORETURN
usage(int status)
{
	fprintf(status ? stderr : stdout,
	        "usage: phieuctl [-c FILE] parse FILE.eml [--mailbox NAME]\n"
	        "       phieuctl -c FILE list [--json]\n"
	        "       phieuctl -c FILE show ID|NUMBER [--json]\n"
	        "       phieuctl -c FILE outbox [--json]\n"
	        "       phieuctl -c FILE outbox --retry ID\n"
	        "       phieuctl -c FILE quarantine [--json]\n"
	        "       phieuctl -c FILE quarantine --retry UID|MAILBOX:UID|all\n"
	        "       phieuctl -c FILE logbook [--json]\n"
	        "       phieuctl -c FILE status [--json]   (exit 0 ok, 1 warning, 2 critical, 3 "
	        "unknown)\n"
	        "       phieuctl -c FILE metrics           (Prometheus text format)\n"
	        "       phieuctl -c FILE backup DIR        (database snapshot, spool, manifest)\n"
	        "       phieuctl -c FILE verify [DIR]      (exit 0 sound, 1 damaged or missing "
	        "files)\n"
	        "       phieuctl -c FILE prune             (spool files past retention_days)\n"
	        "       phieuctl -c FILE export --since YYYY-MM-DD --until YYYY-MM-DD "
	        "--format csv|xlsx [-o FILE]\n"
	        "       phieuctl -c FILE report --month YYYY-MM [--send] [--json]\n");
	exit(status);
}

/* Print a JSON node, pretty, with a newline. */
static void
print_json(JsonNode *n)
{
	JsonGenerator *g = json_generator_new();

	json_generator_set_root(g, n);
	json_generator_set_pretty(g, TRUE);
	json_generator_set_indent(g, 2);
	char *s = json_generator_to_data(g, NULL);
	puts(s);
	g_free(s);
	g_object_unref(g);
}

/* Print an array as JSON and release it. */
static void
print_array(JsonArray *a)
{
	JsonNode *n = json_node_new(JSON_NODE_ARRAY);

	json_node_take_array(n, a);
	print_json(n);
	json_node_unref(n);
}

/* End a listing that failed (a NULL: the cause said, 1) or that is printed
   as JSON (the array printed and released, 0). */
static int
listing_done(JsonArray *a, const char *cause)
{
	if (a == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		return 1;
	}
	print_array(a);
	return 0;
}

/* A string member or "". */
static const char *
str(JsonObject *o, const char *key)
{
	const char *v = jsonget_str(o, key);

	return v != NULL ? v : "";
}

/* phieuctl parse: run phieu-parse (libexec), which links the parsers so
   that phieuctl need not load their libraries for every other command. */
static int
cmd_parse(const char *conf, const char *file, const char *mailbox)
{
	char *prog = paths_libexec("phieu-parse");
	const char *argv[8];
	int n = 0;

	argv[n++] = prog;
	if (conf != NULL) {
		argv[n++] = "-c";
		argv[n++] = conf;
	}
	argv[n++] = file;
	if (mailbox != NULL) {
		argv[n++] = "--mailbox";
		argv[n++] = mailbox;
	}
	argv[n] = NULL;
	fflush(stdout);
	execv(prog, (char *const *)argv);
	fprintf(stderr, "phieuctl: %s: %s\n", prog, g_strerror(errno));
	g_free(prog);
	return 1;
}

/* A local day "YYYY-MM-DD" (plus days) as the UTC stamp the store keeps; NULL
   when it is no date. */
static char *
day_stamp(const char *day, int plus)
{
	GDate d;
	unsigned y, m, dd;

	if (day == NULL || !calendar_valid(day) || sscanf(day, "%u-%u-%u", &y, &m, &dd) != 3)
		return NULL;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
	g_date_add_days(&d, (guint)plus);
	GDateTime *t = g_date_time_new_from_unix_utc(calendar_start(&d));
	char *s = g_date_time_format(t, "%Y-%m-%dT%H:%M:%SZ");
	g_date_time_unref(t);
	return s;
}

/* Print requests as a table, or as JSON. */
static int
print_requests(JsonArray *a, gboolean json)
{
	if (json) {
		print_array(a);
		return 0;
	}
	printf("%-12s %-15s %-13s %-8s %-32s %-28s %-10s %s\n", "NUMBER", "TYPE", "STATE",
	       "MAILBOX", "SENDER", "OWNER", "DUE", "SUBJECT");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		printf("%-12s %-15s %-13s %-8s %-32s %-28s %-10s %s\n", str(o, "id"),
		       str(o, "type"), str(o, "state"), str(o, "mailbox"), str(o, "sender"),
		       str(o, "owner"), str(o, "due_date"), str(o, "subject"));
	}
	json_array_unref(a);
	return 0;
}

/* phieuctl list [filters]: since and until are local days, until included. */
static int
cmd_list(struct store *st, struct list_filter *f, const char *since, const char *until,
         gboolean json)
{
	char *cause = NULL, *from = day_stamp(since, 0), *to = day_stamp(until, 1);
	JsonArray *a;

	if ((since != NULL && from == NULL) || (until != NULL && to == NULL)) {
		fprintf(stderr, "phieuctl: list: --since and --until take a date YYYY-MM-DD\n");
		g_free(from);
		g_free(to);
		return EXIT_USAGE;
	}
	f->since = from;
	f->until = to;
	a = store_request_list_filtered(st, f, &cause);
	g_free(from);
	g_free(to);
	if (a == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		return 1;
	}
	return print_requests(a, json);
}

/* phieuctl search WORDS: the requests holding every word, newest first. */
static int
cmd_search(struct store *st, char **words, int n, gint64 limit, gboolean json)
{
	GString *t = g_string_new(NULL);
	char *cause = NULL, *text;
	JsonArray *a;

	for (int i = 0; i < n; i++)
		g_string_append_printf(t, "%s%s", i > 0 ? " " : "", words[i]);
	text = g_string_free(t, FALSE);
	a = store_search(st, text, limit > 0 ? (int)limit : 50, &cause);
	g_free(text);
	if (a == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		return 1;
	}
	if (json_array_get_length(a) == 0 && !json) {
		json_array_unref(a);
		fprintf(stderr, "phieuctl: search: nothing found\n");
		return 1;
	}
	return print_requests(a, json);
}

/* phieuctl show. */
static int
cmd_show(struct store *st, const char *id, gboolean json)
{
	char *cause = NULL;
	JsonObject *o = store_request_show(st, id, &cause);

	if (o == NULL) {
		fprintf(stderr, "phieuctl: no request %s%s%s\n", id, cause ? ": " : "",
		        cause ? cause : "");
		return 1;
	}
	if (!json) {
		JsonObject *f = json_object_get_object_member(o, "fields");
		printf("%s  %s  %s\n", str(o, "id"), str(o, "type"), str(o, "state"));
		printf("from %s to %s: %s\n", str(o, "sender"), str(o, "mailbox"),
		       str(o, "subject"));
		printf("owner %s, due %s\n", str(o, "owner"), str(o, "due_date"));
		GList *keys = json_object_get_members(f);
		for (GList *l = keys; l != NULL; l = l->next) {
			JsonNode *v = json_object_get_member(f, l->data);
			char *s = JSON_NODE_HOLDS_VALUE(v)
			              ? json_node_get_value_type(v) == G_TYPE_STRING
			                    ? g_strdup(json_node_get_string(v))
			                    : json_to_string(v, FALSE)
			              : json_to_string(v, FALSE);
			printf("  %-16s %s\n", (char *)l->data, s);
			g_free(s);
		}
		g_list_free(keys);
		JsonArray *h = json_object_get_array_member(o, "history");
		for (guint i = 0; i < json_array_get_length(h); i++) {
			JsonObject *e = json_array_get_object_element(h, i);
			printf("  %s %-14s %s %s\n", str(e, "at"), str(e, "event"), str(e, "actor"),
			       str(e, "detail"));
		}
		json_object_unref(o);
		return 0;
	}
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	print_json(n);
	json_node_unref(n);
	return 0;
}

/* phieuctl outbox --retry ID: a failed (or waiting) reply is sent again now. */
static int
cmd_outbox_retry(struct store *st, const char *arg)
{
	char *cause = NULL, *end = NULL;
	gint64 id = g_ascii_strtoll(arg, &end, 10);
	int n;

	if (id <= 0 || end == NULL || *end != '\0') {
		fprintf(stderr, "phieuctl: outbox --retry: not a message id: %s\n", arg);
		return EXIT_USAGE;
	}
	if (store_begin(st, &cause) != 0 || (n = store_outbox_requeue(st, id, &cause)) < 0 ||
	    store_commit(st, &cause) != 0) {
		store_rollback(st);
		fprintf(stderr, "phieuctl: %s\n", cause);
		return 1;
	}
	if (n == 0) {
		fprintf(stderr, "phieuctl: no failed or queued outbox message %s\n", arg);
		return 1;
	}
	printf("outbox message %s queued again\n", arg);
	return 0;
}

/* phieuctl quarantine [--json]. */
static int
cmd_quarantine(struct store *st, gboolean json)
{
	char *cause = NULL;
	JsonArray *a = store_quarantine_list(st, &cause);

	if (a == NULL || json)
		return listing_done(a, cause);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		JsonArray *h = json_object_get_array_member(o, "history");
		guint nh = json_array_get_length(h);
		printf("%s:%" G_GINT64_FORMAT " %-5s %" G_GINT64_FORMAT
		       " failure(s) from %s \"%s\"\n"
		       "    %s\n    last: %s\n",
		       str(o, "mailbox"), json_object_get_int_member(o, "uid"), str(o, "state"),
		       json_object_get_int_member(o, "failures"), str(o, "from"), str(o, "subject"),
		       str(o, "path"),
		       nh > 0 ? str(json_array_get_object_element(h, nh - 1), "what") : "");
	}
	if (json_array_get_length(a) == 0)
		printf("the quarantine is empty\n");
	json_array_unref(a);
	return 0;
}

/* phieuctl quarantine --retry UID|MAILBOX:UID|all. */
static int
cmd_quarantine_retry(struct store *st, const char *arg)
{
	char *cause = NULL, *mailbox = NULL, *end = NULL;
	const char *colon = strrchr(arg, ':'), *num = colon != NULL ? colon + 1 : arg;
	guint64 uid = 0;
	int n;

	if (strcmp(arg, "all") != 0) {
		uid = g_ascii_strtoull(num, &end, 10);
		if (uid == 0 || uid > G_MAXUINT32 || end == NULL || *end != '\0') {
			fprintf(stderr, "phieuctl: quarantine --retry: not a UID: %s\n", arg);
			return EXIT_USAGE;
		}
		if (colon != NULL)
			mailbox = g_strndup(arg, (gsize)(colon - arg));
	}
	if (store_begin(st, &cause) != 0 ||
	    (n = store_quarantine_retry(st, mailbox, (uint32_t)uid, &cause)) < 0 ||
	    store_commit(st, &cause) != 0) {
		store_rollback(st);
		fprintf(stderr, "phieuctl: %s\n", cause);
		g_free(mailbox);
		return 1;
	}
	g_free(mailbox);
	if (n == 0) {
		fprintf(stderr, "phieuctl: nothing held in the quarantine matches %s\n", arg);
		return 1;
	}
	printf("%d message(s) will be tried again\n", n);
	return 0;
}

/* phieuctl outbox. */
static int
cmd_outbox(struct store *st, gboolean json)
{
	char *cause = NULL;
	JsonArray *a = store_outbox_list(st, &cause);

	if (a == NULL || json)
		return listing_done(a, cause);
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		JsonArray *to = json_object_get_array_member(o, "to");
		printf("%4" G_GINT64_FORMAT " %-12s %-7s %-7s %s %s\n",
		       json_object_get_int_member(o, "id"), str(o, "request"), str(o, "kind"),
		       str(o, "state"),
		       json_array_get_length(to) > 0 ? json_array_get_string_element(to, 0) : "",
		       str(o, "last_error"));
	}
	json_array_unref(a);
	return 0;
}

/* phieuctl logbook: the server-room visits, scheduled and done. */
static int
cmd_logbook(struct store *st, gboolean json)
{
	char *cause = NULL;
	JsonArray *a = store_logbook(st, &cause);

	if (a == NULL || json)
		return listing_done(a, cause);
	printf("%-12s %-11s %-16s %-5s %-32s %-28s %s\n", "NUMBER", "STATE", "FROM", "UNTIL",
	       "UNIT", "ESCORT", "VISITORS / PURPOSE");
	for (guint i = 0; i < json_array_get_length(a); i++) {
		JsonObject *o = json_array_get_object_element(a, i);
		const char *until = str(o, "until");
		JsonNode *vn = json_object_get_member(o, "visitors");
		GString *who = g_string_new(NULL);
		if (vn != NULL && JSON_NODE_HOLDS_ARRAY(vn)) {
			JsonArray *v = json_node_get_array(vn);
			for (guint k = 0; k < json_array_get_length(v); k++) {
				JsonObject *p = json_array_get_object_element(v, k);
				g_string_append_printf(who, "%s%s", k ? ", " : "",
				                       str(p, "full_name"));
			}
		}
		printf("%-12s %-11s %-16s %-5s %-32s %-28s %s / %s\n", str(o, "id"),
		       str(o, "state"), str(o, "from"), strlen(until) > 11 ? until + 11 : until,
		       str(o, "unit"), str(o, "escort"), who->str, str(o, "purpose"));
		g_string_free(who, TRUE);
	}
	json_array_unref(a);
	return 0;
}

/* phieuctl status and metrics: the recorded health, judged (health.h). */
static int
cmd_health(struct store *st, const struct config *cfg, gboolean json, gboolean metrics)
{
	char *cause = NULL, *text;
	gint64 now = clock_now();
	JsonObject *report = store_health_report(st, &cause);
	enum health_level level;

	if (report == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		g_free(cause);
		return EXIT_UNKNOWN;
	}
	level = health_judge(report, cfg, now);
	if (json) {
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, report);
		print_json(n);
		json_node_unref(n);
		return (int)level;
	}
	text = metrics ? health_metrics(report, now) : health_text(report, now);
	fputs(text, stdout);
	g_free(text);
	json_object_unref(report);
	/* metrics are read by a collector, not judged by their exit status */
	return metrics ? 0 : (int)level;
}

/* phieuctl backup DIR. */
static int
cmd_backup(struct store *st, const struct config *cfg, const char *dir)
{
	GString *report = g_string_new(NULL);
	char *cause = NULL;
	int rc = backup_run(st, cfg, dir, report, &cause);

	fputs(report->str, stdout);
	g_string_free(report, TRUE);
	if (rc != 0) {
		fprintf(stderr, "phieuctl: backup: %s\n", cause);
		g_free(cause);
		return 1;
	}
	return 0;
}

/* phieuctl prune: retention_days. */
static int
cmd_prune(struct store *st, const struct config *cfg)
{
	GString *report = g_string_new(NULL);
	char *cause = NULL;
	int rc = backup_prune(st, cfg, clock_now(), report, &cause);

	fputs(report->str, stdout);
	g_string_free(report, TRUE);
	if (rc < 0) {
		fprintf(stderr, "phieuctl: prune: %s\n", cause);
		g_free(cause);
		return 1;
	}
	return 0;
}

/* phieuctl verify [DIR]: the live data, or a backup in DIR. */
static int
cmd_verify(struct store *st, const struct config *cfg, const char *dir)
{
	GString *report = g_string_new(NULL);
	char *cause = NULL, *db = NULL, *spool = NULL;
	struct store *bst = st;
	int problems;

	if (dir != NULL) {
		db = g_build_filename(dir, "phieu.db", NULL);
		spool = g_build_filename(dir, "spool", NULL);
		if (!g_file_test(db, G_FILE_TEST_EXISTS) ||
		    (bst = store_open(db, &cause)) == NULL) {
			fprintf(stderr, "phieuctl: %s: %s\n", db,
			        cause != NULL ? cause : "no backup here");
			g_free(cause);
			g_free(db);
			g_free(spool);
			return 2;
		}
	}
	problems =
	    backup_verify(bst, cfg->spool, spool != NULL ? spool : cfg->spool, report, &cause);
	fputs(report->str, stdout);
	g_string_free(report, TRUE);
	if (bst != st)
		store_close(bst);
	g_free(db);
	g_free(spool);
	if (problems < 0) {
		fprintf(stderr, "phieuctl: verify: %s\n", cause);
		g_free(cause);
		return 2;
	}
	printf("%s\n", problems == 0 ? "verify OK" : "verify FAILED");
	return problems == 0 ? 0 : 1;
}

/* Write data to path, or to standard output when path is NULL. */
static int
write_out(const char *path, const char *data, gsize len)
{
	GError *e = NULL;

	if (path == NULL) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			perror("phieuctl: export");
			return 1;
		}
		return 0;
	}
	if (!g_file_set_contents(path, data, (gssize)len, &e)) {
		fprintf(stderr, "phieuctl: %s\n", e->message);
		g_error_free(e);
		return 1;
	}
	return 0;
}

/* phieuctl export: the requests received from since to until (local days,
   inclusive) as CSV or XLSX. */
static int
cmd_export(struct store *st, const char *since, const char *until, const char *format,
           const char *out)
{
	char *from = NULL, *to = NULL, *cause = NULL;
	gint64 until_t;
	JsonArray *rows;
	int rc;

	if (since == NULL || until == NULL || format == NULL ||
	    (strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0))
		usage(EXIT_USAGE);
	if (!monthly_period(since, until, &from, &to, &until_t)) {
		fprintf(stderr, "phieuctl: export: --since and --until must be dates YYYY-MM-DD, "
		                "since not after until\n");
		return EXIT_USAGE;
	}
	rows = store_report_rows(st, from, to, &cause);
	g_free(from);
	g_free(to);
	if (rows == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		g_free(cause);
		return 1;
	}
	if (strcmp(format, "csv") == 0) {
		gsize len;
		char *csv = report_csv(rows, &len);
		rc = write_out(out, csv, len);
		g_free(csv);
	} else {
		GBytes *x = export_xlsx_bytes(rows, NULL, &cause);
		if (x == NULL) {
			fprintf(stderr, "phieuctl: %s\n", cause);
			g_free(cause);
			rc = 1;
		} else {
			gsize len;
			const char *d = g_bytes_get_data(x, &len);
			rc = write_out(out, d, len);
			g_bytes_unref(x);
		}
	}
	json_array_unref(rows);
	return rc;
}

/* phieuctl report: a month's report as the mail's table or JSON; with
   send, the mail is queued (and the month recorded as sent). */
static int
cmd_report(struct store *st, const struct config *cfg, const char *month, gboolean send,
           gboolean json)
{
	char *cause = NULL;
	struct notify *nt;
	struct monthly *m;
	int rc = 0;

	if (month == NULL)
		usage(EXIT_USAGE);
	if ((nt = notify_new(cfg, st, &cause)) == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		g_free(cause);
		return 1;
	}
	if (send && store_begin(st, &cause) != 0) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		g_free(cause);
		notify_free(nt);
		return 1;
	}
	m = monthly_build(cfg, st, nt, month, &cause);
	if (m != NULL && send &&
	    (monthly_queue(m, cfg, st, nt, &cause) != 0 || store_commit(st, &cause) != 0))
		rc = 1;
	if (m == NULL || rc != 0) {
		if (send)
			store_rollback(st);
		fprintf(stderr, "phieuctl: report: %s\n", cause);
		g_free(cause);
		monthly_free(m);
		notify_free(nt);
		return 1;
	}
	if (json) {
		JsonNode *n = json_node_new(JSON_NODE_OBJECT);
		json_node_take_object(n, report_to_json(m->report));
		print_json(n);
		json_node_unref(n);
	} else
		printf("Subject: %s\n\n%s", m->subject, m->body);
	if (send)
		fprintf(stderr, "phieuctl: report %s queued\n", month);
	monthly_free(m);
	notify_free(nt);
	return 0;
}

/* Entry point. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {{"json", no_argument, NULL, 'j'},
	                                         {"mailbox", required_argument, NULL, 'm'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {NULL, 0, NULL, 0}};
	const char *path = NULL, *mailbox = NULL, *retry = NULL, *cmd;
	const char *since = NULL, *until = NULL, *format = NULL, *out = NULL, *month = NULL;
	gboolean json = FALSE, send = FALSE;
	struct list_filter lf = {0};
	char today[11];
	char *cause = NULL;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'j':
			json = TRUE;
			break;
		case 'm':
			mailbox = optarg;
			break;
		case 'h':
			usage(0);
		default:
			usage(EXIT_USAGE);
		}
	}
	if (optind >= argc)
		usage(EXIT_USAGE);
	cmd = argv[optind++];
	/* options may also follow the command: "show 2026-000001 --json"; on
	   the stack, so that no return below has to free it */
	char **args = g_newa(char *, argc + 1);
	int nargs = 0;
	for (int i = optind; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = TRUE;
		else if (strcmp(argv[i], "--mailbox") == 0 && i + 1 < argc)
			mailbox = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--retry") == 0 && i + 1 < argc)
			retry = argv[++i];
		else if (strcmp(argv[i], "--since") == 0 && i + 1 < argc)
			since = argv[++i];
		else if (strcmp(argv[i], "--until") == 0 && i + 1 < argc)
			until = argv[++i];
		else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			format = argv[++i];
		else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			out = argv[++i];
		else if (strcmp(argv[i], "--month") == 0 && i + 1 < argc)
			month = argv[++i];
		else if (strcmp(argv[i], "--send") == 0)
			send = TRUE;
		else if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
			lf.state = argv[++i];
		else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc)
			lf.type = argv[++i];
		else if (strcmp(argv[i], "--unit") == 0 && i + 1 < argc)
			lf.unit = argv[++i];
		else if (strcmp(argv[i], "--owner") == 0 && i + 1 < argc)
			lf.owner = argv[++i];
		else if (strcmp(argv[i], "--overdue") == 0) {
			GDate d = calendar_day(clock_now());
			lf.overdue = calendar_iso(&d, today);
		} else if (strcmp(argv[i], "--open") == 0)
			lf.open = "yes";
		else if (strcmp(argv[i], "--newest") == 0)
			lf.newest_first = TRUE;
		else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc)
			lf.limit = g_ascii_strtoll(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--offset") == 0 && i + 1 < argc)
			lf.offset = g_ascii_strtoll(argv[++i], NULL, 10);
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage(EXIT_USAGE);
		else
			args[nargs++] = argv[i];
	}
	if (strcmp(cmd, "parse") == 0) {
		if (nargs != 1)
			usage(EXIT_USAGE);
		return cmd_parse(path, args[0], mailbox);
	}
	if (path == NULL)
		usage(EXIT_USAGE);
	struct config *cfg = config_load(path, &cause);
	if (cfg == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		return EXIT_USAGE;
	}
	struct store *st = store_open(cfg->database, &cause);
	if (st == NULL) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		config_free(cfg);
		return strcmp(cmd, "status") == 0 ? EXIT_UNKNOWN : 1;
	}
	if (strcmp(cmd, "list") == 0 && nargs == 0)
		rc = cmd_list(st, &lf, since, until, json);
	else if (strcmp(cmd, "search") == 0 && nargs > 0)
		rc = cmd_search(st, args, nargs, lf.limit, json);
	else if (strcmp(cmd, "show") == 0 && nargs == 1)
		rc = cmd_show(st, args[0], json);
	else if (strcmp(cmd, "logbook") == 0 && nargs == 0)
		rc = cmd_logbook(st, json);
	else if (strcmp(cmd, "outbox") == 0 && nargs == 0 && retry != NULL)
		rc = cmd_outbox_retry(st, retry);
	else if (strcmp(cmd, "outbox") == 0 && nargs == 0)
		rc = cmd_outbox(st, json);
	else if (strcmp(cmd, "quarantine") == 0 && nargs == 0 && retry != NULL)
		rc = cmd_quarantine_retry(st, retry);
	else if (strcmp(cmd, "quarantine") == 0 && nargs == 0)
		rc = cmd_quarantine(st, json);
	else if (strcmp(cmd, "status") == 0 && nargs == 0)
		rc = cmd_health(st, cfg, json, FALSE);
	else if (strcmp(cmd, "metrics") == 0 && nargs == 0)
		rc = cmd_health(st, cfg, FALSE, TRUE);
	else if (strcmp(cmd, "backup") == 0 && nargs == 1)
		rc = cmd_backup(st, cfg, args[0]);
	else if (strcmp(cmd, "prune") == 0 && nargs == 0)
		rc = cmd_prune(st, cfg);
	else if (strcmp(cmd, "export") == 0 && nargs == 0)
		rc = cmd_export(st, since, until, format, out);
	else if (strcmp(cmd, "report") == 0 && nargs == 0)
		rc = cmd_report(st, cfg, month, send, json);
	else if (strcmp(cmd, "verify") == 0 && nargs <= 1)
		rc = cmd_verify(st, cfg, nargs == 1 ? args[0] : NULL);
	else
		usage(EXIT_USAGE);
	store_close(st);
	config_free(cfg);
	return rc;
}
