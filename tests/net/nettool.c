/*
 * nettool.c - drive the network clients (daemon/imap.c, smtp.c, tls.c) from
 * the command line, for tests/net/net_test.sh and for trying a real server.
 *
 *   nettool [options] imap-fetch HOST PORT SECURITY VERIFY CAFILE USER PASS
 *   nettool [options] imap-idle  HOST PORT SECURITY VERIFY CAFILE USER PASS
 *   nettool [options] smtp-send  HOST PORT SECURITY VERIFY CAFILE FROM TO[,TO...] FILE
 *
 * SECURITY is none, starttls or tls; VERIFY 0 or 1; CAFILE "-" for the system
 * store.  Output is line based: "uidvalidity N", "count N", "uid 3 size 412
 * first: LINE | subject: TEXT", "fetched N", and last "result OK|NO|RETRY[: cause]".
 * The exit status is the net_result of the first failure (0 OK, 1 NO,
 * 2 RETRY), 3 for usage errors, 4 when imap-idle timed out.
 */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "imap.h"
#include "log.h"
#include "net.h"
#include "smtp.h"

#define EXIT_USAGE   3
#define EXIT_TIMEOUT 4

static char *opt_folder = "INBOX";
static int opt_after;
static char *opt_keyword;
static char *opt_mark;
static char *opt_move;
static int opt_chunk = 100;
static int opt_timeout = 20;
static int opt_wait = 30;
static char *opt_login;
static char *opt_password;
static char *opt_helo = "nettool.test";
static gboolean opt_quiet;
static gboolean opt_debug;

static GOptionEntry options[] = {
    {"folder", 0, 0, G_OPTION_ARG_STRING, &opt_folder, "folder to select (INBOX)", "NAME"},
    {"after", 0, 0, G_OPTION_ARG_INT, &opt_after, "only UIDs above this", "UID"},
    {"keyword", 0, 0, G_OPTION_ARG_STRING, &opt_keyword, "skip messages with keyword", "KW"},
    {"mark", 0, 0, G_OPTION_ARG_STRING, &opt_mark, "add keyword after fetching", "KW"},
    {"move", 0, 0, G_OPTION_ARG_STRING, &opt_move, "move after fetching", "FOLDER"},
    {"chunk", 0, 0, G_OPTION_ARG_INT, &opt_chunk, "UIDs per FETCH (100)", "N"},
    {"timeout", 0, 0, G_OPTION_ARG_INT, &opt_timeout, "network timeout (20)", "SECONDS"},
    {"wait", 0, 0, G_OPTION_ARG_INT, &opt_wait, "imap-idle: how long to idle (30)", "SECONDS"},
    {"login", 0, 0, G_OPTION_ARG_STRING, &opt_login, "smtp-send: AUTH user", "USER"},
    {"password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "smtp-send: AUTH password", "PASS"},
    {"helo", 0, 0, G_OPTION_ARG_STRING, &opt_helo, "smtp-send: EHLO name", "NAME"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "no per-message lines", NULL},
    {"debug", 'd', 0, G_OPTION_ARG_NONE, &opt_debug, "trace IMAP and SMTP", NULL},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static const char *result_names[] = {"OK", "NO", "RETRY"};

/* Fill an endpoint from HOST PORT SECURITY VERIFY CAFILE; 0 or -1 for bad words. */
static int
parse_endpoint(char **argv, struct net_endpoint *ep)
{
	static const struct {
		const char *name;
		enum net_security sec;
	} secs[] = {{"none", NET_PLAIN},
	            {"plain", NET_PLAIN},
	            {"starttls", NET_STARTTLS},
	            {"tls", NET_TLS}};
	size_t i;

	ep->host = argv[0];
	ep->port = atoi(argv[1]);
	for (i = 0; i < G_N_ELEMENTS(secs); i++)
		if (strcmp(argv[2], secs[i].name) == 0)
			break;
	if (i == G_N_ELEMENTS(secs) || ep->port <= 0)
		return -1;
	ep->security = secs[i].sec;
	ep->verify = atoi(argv[3]) != 0;
	ep->ca_file = strcmp(argv[4], "-") == 0 ? NULL : argv[4];
	ep->timeout = opt_timeout;
	return 0;
}

/* Print "result NAME[: cause]", free the cause and return res as exit status. */
static int
report(enum net_result res, char *cause)
{
	if (cause != NULL)
		printf("result %s: %s\n", result_names[res], cause);
	else
		printf("result %s\n", result_names[res]);
	g_free(cause);
	return res;
}

/* The Subject header's first line in the header block, or "". */
static GString *
header_subject(const char *data, size_t len)
{
	GString *subject = g_string_new(NULL);
	size_t i = 0, end;

	while (i < len) {
		for (end = i; end < len && data[end] != '\n'; end++)
			;
		if (end == i || (end == i + 1 && data[i] == '\r'))
			break; /* the empty line ends the header */
		if (end - i > 8 && g_ascii_strncasecmp(data + i, "Subject:", 8) == 0) {
			g_string_append_len(subject, data + i + 8, (gssize)(end - i - 8));
			break;
		}
		i = end + 1;
	}
	g_strstrip(subject->str);
	g_string_set_size(subject, strlen(subject->str));
	return subject;
}

/* Per-message callback: print UID, size, the first line and the subject. */
static int
print_message(uint32_t uid, GBytes *bytes, void *arg)
{
	size_t *count = arg, len;
	const char *data = g_bytes_get_data(bytes, &len);
	size_t first = 0;
	GString *subject;

	while (first < len && data[first] != '\r' && data[first] != '\n')
		first++;
	(*count)++;
	if (opt_quiet)
		return 0;
	subject = header_subject(data, len);
	printf("uid %u size %zu first: %.*s | subject: %s\n", uid, len, (int)first, data,
	       subject->str);
	g_string_free(subject, TRUE);
	return 0;
}

/* Connect, log in and select; NULL after printing the result. */
static struct imap_conn *
imap_open(char **argv, uint32_t *uidvalidity, int *status)
{
	struct net_endpoint ep;
	struct imap_conn *c;
	enum net_result res;
	char *cause = NULL;

	if (parse_endpoint(argv, &ep) < 0) {
		fprintf(stderr, "nettool: bad endpoint\n");
		*status = EXIT_USAGE;
		return NULL;
	}
	c = imap_connect(&ep, argv[5], argv[6], &res, &cause);
	if (c == NULL) {
		*status = report(res, cause);
		return NULL;
	}
	res = imap_select(c, opt_folder, uidvalidity, &cause);
	if (res != NET_OK) {
		*status = report(res, cause);
		return imap_free(c);
	}
	printf("uidvalidity %u\n", *uidvalidity);
	return c;
}

/* imap-fetch: search new messages, fetch them in chunks, optionally mark them. */
static int
cmd_imap_fetch(char **argv)
{
	struct imap_conn *c;
	enum net_result res;
	uint32_t uidvalidity, *uids;
	size_t n, i, fetched = 0;
	char *cause = NULL;
	int status;

	c = imap_open(argv, &uidvalidity, &status);
	if (c == NULL)
		return status;
	res = imap_search_new(c, (uint32_t)opt_after, opt_keyword, &uids, &n, &cause);
	if (res != NET_OK) {
		imap_free(c);
		return report(res, cause);
	}
	printf("count %zu\n", n);
	for (i = 0; i < n && res == NET_OK; i += (size_t)opt_chunk) {
		size_t m = MIN((size_t)opt_chunk, n - i);
		res = imap_fetch(c, uids + i, m, 0, print_message, &fetched, &cause);
	}
	if (res == NET_OK)
		printf("fetched %zu\n", fetched);
	if (res == NET_OK && (opt_mark != NULL || opt_move != NULL))
		for (i = 0; i < n && res == NET_OK; i += (size_t)opt_chunk)
			res = imap_mark(c, uids + i, MIN((size_t)opt_chunk, n - i), opt_mark,
			                opt_move, &cause);
	g_free(uids);
	imap_free(c);
	return report(res, cause);
}

/* imap-idle: IDLE until a message above the newest arrives or --wait passes. */
static int
cmd_imap_idle(char **argv)
{
	struct imap_conn *c;
	enum net_result res;
	uint32_t uidvalidity, *uids, top = (uint32_t)opt_after;
	size_t n = 0;
	char *cause = NULL;
	struct pollfd pfd;
	gint64 deadline = g_get_monotonic_time() + (gint64)opt_wait * G_USEC_PER_SEC;
	int status, r, wakes = 0;

	c = imap_open(argv, &uidvalidity, &status);
	if (c == NULL)
		return status;
	if (!imap_can_idle(c)) {
		imap_free(c);
		return report(NET_NO, g_strdup("server does not offer IDLE"));
	}
	/* start from the newest message unless --after says otherwise */
	if (top == 0) {
		res = imap_search_new(c, 0, NULL, &uids, &n, &cause);
		if (res != NET_OK) {
			imap_free(c);
			return report(res, cause);
		}
		top = n > 0 ? uids[n - 1] : 0;
		g_free(uids);
	}
	/* Wake-ups without news (keepalives, flag changes) just idle again. */
	for (n = 0; n == 0;) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		if (left <= 0) {
			printf("timeout after %d wake-up(s)\n", wakes);
			imap_free(c);
			report(NET_OK, NULL);
			return EXIT_TIMEOUT;
		}
		res = imap_idle_start(c, &cause);
		if (res != NET_OK)
			break;
		printf("idling above %u\n", top);
		pfd.fd = imap_idle_fd(c);
		pfd.events = POLLIN;
		r = imap_idle_buffered(c) ? 1 : poll(&pfd, 1, (int)left);
		res = imap_idle_done(c, &cause);
		if (res != NET_OK)
			break;
		if (r > 0)
			wakes++;
		res = imap_search_new(c, top, NULL, &uids, &n, &cause);
		if (res != NET_OK)
			break;
		g_free(uids);
	}
	if (res == NET_OK)
		printf("woke %zu new\n", n);
	imap_free(c);
	return report(res, cause);
}

/* smtp-send: send FILE (LF or CRLF line ends) from FROM to the listed recipients. */
static int
cmd_smtp_send(char **argv)
{
	struct net_endpoint ep;
	struct smtp_conn *c;
	enum net_result res;
	char *cause = NULL, *data, **rcpt;
	GError *err = NULL;
	gsize len;
	GString *crlf;
	size_t i;

	if (parse_endpoint(argv, &ep) < 0) {
		fprintf(stderr, "nettool: bad endpoint\n");
		return EXIT_USAGE;
	}
	if (!g_file_get_contents(argv[7], &data, &len, &err)) {
		fprintf(stderr, "nettool: %s\n", err->message);
		g_error_free(err);
		return EXIT_USAGE;
	}
	/* smtp_send wants CRLF line ends */
	crlf = g_string_sized_new(len + len / 20);
	for (i = 0; i < len; i++) {
		if (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'))
			g_string_append_c(crlf, '\r');
		g_string_append_c(crlf, data[i]);
	}
	g_free(data);
	rcpt = g_strsplit(argv[6], ",", -1);

	c = smtp_connect(&ep, opt_helo, opt_login, opt_password, &res, &cause);
	if (c != NULL) {
		res = smtp_send(c, argv[5], (const char *const *)rcpt, g_strv_length(rcpt),
		                crlf->str, crlf->len, &cause);
		smtp_free(c);
	}
	g_strfreev(rcpt);
	g_string_free(crlf, TRUE);
	return report(res, cause);
}

static const struct {
	const char *name;
	int argc;
	int (*fn)(char **argv);
} commands[] = {
    {"imap-fetch", 7, cmd_imap_fetch},
    {"imap-idle", 7, cmd_imap_idle},
    {"smtp-send", 8, cmd_smtp_send},
};

/* Parse options, pick the subcommand and run it. */
int
main(int argc, char **argv)
{
	GOptionContext *ctx;
	GError *err = NULL;
	size_t i;

	/* a server closing the socket must not kill us while writing */
	signal(SIGPIPE, SIG_IGN);
	ctx = g_option_context_new("imap-fetch|imap-idle|smtp-send ARGS...");
	g_option_context_add_main_entries(ctx, options, NULL);
	if (!g_option_context_parse(ctx, &argc, &argv, &err)) {
		fprintf(stderr, "nettool: %s\n", err->message);
		return EXIT_USAGE;
	}
	g_option_context_free(ctx);
	log_init(opt_debug ? LOG_DEBUG : LOG_WARN, opt_debug ? TRACE_ALL : 0);
	if (opt_chunk <= 0)
		opt_chunk = 100;
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; argc > 1 && i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			if (argc - 2 != commands[i].argc)
				break;
			return commands[i].fn(argv + 2);
		}
	fprintf(stderr, "usage: nettool [options] imap-fetch|imap-idle HOST PORT "
	                "none|starttls|tls VERIFY CAFILE|- USER PASS\n"
	                "       nettool [options] smtp-send HOST PORT none|starttls|tls "
	                "VERIFY CAFILE|- FROM TO[,TO...] FILE\n");
	return EXIT_USAGE;
}
