/* log.c - levelled logging to stderr, syslog or the journal; see log.h. */
#include "log.h"
#include "log_syslog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

static enum log_level log_threshold = LOG_INFO;
static unsigned log_traced;

static const char *log_names[] = {"error", "warning", "info", "debug"};
/* syslog(3) and journald priorities of the levels (LOG_ERR, LOG_WARNING,
   LOG_INFO, LOG_DEBUG: <syslog.h> is not included here, its macros would
   take the names of log.h's levels) */
static const int log_priorities[] = {3, 4, 6, 7};

/* What this thread's lines are about (log_context). */
static __thread char *ctx_mailbox, *ctx_request, *ctx_message_id;

static log_journal_fn journal_fn;

/* Write one line to stderr: a timestamp, or the journal's "<N>" prefix. */
static void
out_stderr(enum log_level level, const char *subsys, const char *text, const struct log_ctx *ctx)
{
	static int journal = -1; /* stderr is the journal's stream */
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	(void)ctx;
	if (journal < 0)
		journal = getenv("JOURNAL_STREAM") != NULL;
	/* one line at a time: the outbox's sender thread logs too */
	flockfile(stderr);
	if (journal) {
		fprintf(stderr, "<%d>%s %s: %s\n", log_priorities[level], log_names[level], subsys,
		        text);
	} else {
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
		fprintf(stderr, "%s %s %s: %s\n", stamp, log_names[level], subsys, text);
	}
	fflush(stderr);
	funlockfile(stderr);
}

/* Write one line to syslog (log_syslog.c). */
static void
out_syslog(enum log_level level, const char *subsys, const char *text, const struct log_ctx *ctx)
{
	(void)ctx;
	log_syslog_write(log_priorities[level], log_names[level], subsys, text);
}

/* Write one line to the journal through the registered writer. */
static void
out_journal(enum log_level level, const char *subsys, const char *text, const struct log_ctx *ctx)
{
	journal_fn(level, subsys, text, ctx);
}

/* The outputs: name, what to do when chosen, how a line is written. */
static const struct log_out {
	const char *name;
	void (*open)(void);
	void (*write)(enum log_level, const char *, const char *, const struct log_ctx *);
} log_outs[] = {
    {"stderr", NULL, out_stderr},
    {"syslog", log_syslog_open, out_syslog},
    {"journal", NULL, out_journal},
};

static const struct log_out *log_out = &log_outs[0];

/* Set the threshold and the traced subsystems. */
void
log_init(enum log_level level, unsigned trace)
{
	log_threshold = level;
	log_traced = trace;
}

/* Map a level name to its value. */
int
log_level_parse(const char *name)
{
	static const char *alias[] = {"err", "warn", "info", "debug"};
	for (int i = 0; i < 4; i++)
		if (strcmp(name, log_names[i]) == 0 || strcmp(name, alias[i]) == 0)
			return i;
	return -1;
}

/* Choose the output by name. */
int
log_output(const char *name)
{
	for (gsize i = 0; i < G_N_ELEMENTS(log_outs); i++) {
		if (strcmp(name, log_outs[i].name) != 0)
			continue;
		if (log_outs[i].write == out_journal && journal_fn == NULL)
			return -1;
		if (log_out != &log_outs[i] && log_outs[i].open != NULL)
			log_outs[i].open();
		log_out = &log_outs[i];
		return 0;
	}
	return -1;
}

/* Register the journal's writer. */
void
log_register_journal(log_journal_fn fn)
{
	journal_fn = fn;
}

/* Set this thread's context. */
void
log_context(const char *mailbox, const char *request, const char *message_id)
{
	g_free(ctx_mailbox);
	g_free(ctx_request);
	g_free(ctx_message_id);
	ctx_mailbox = g_strdup(mailbox);
	ctx_request = g_strdup(request);
	ctx_message_id = g_strdup(message_id);
}

/* The request number named in a text ("2026-000123"), or NULL. */
static char *
request_in(const char *text)
{
	for (const char *p = text; (p = strchr(p, '-')) != NULL; p++) {
		if (p - text < 4 || strspn(p + 1, "0123456789") != 6 ||
		    strspn(p - 4, "0123456789") != 4 || (p - text > 4 && g_ascii_isdigit(p[-5])) ||
		    g_ascii_isdigit(p[7]))
			continue;
		return g_strndup(p - 4, 11);
	}
	return NULL;
}

/* Format one line and hand it to the output; the caller filters. */
static void
log_vwrite(enum log_level level, const char *subsys, const char *fmt, va_list ap)
{
	char *text = g_strdup_vprintf(fmt, ap), *found = NULL;
	struct log_ctx ctx = {ctx_mailbox, ctx_request, ctx_message_id};

	if (log_out->write == out_journal && ctx.request == NULL)
		ctx.request = found = request_in(text);
	log_out->write(level, subsys, text, &ctx);
	g_free(found);
	g_free(text);
}

#define LOG_FN(name, level)                                                                        \
	void name(const char *subsys, const char *fmt, ...)                                        \
	{                                                                                          \
		va_list ap;                                                                        \
		if (level > log_threshold)                                                         \
			return;                                                                    \
		va_start(ap, fmt);                                                                 \
		log_vwrite(level, subsys, fmt, ap);                                                \
		va_end(ap);                                                                        \
	}

LOG_FN(log_err, LOG_ERR)
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

/* Log at debug level when the subsystem is traced. */
void
log_trace(unsigned bit, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	if (!(log_traced & bit))
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, subsys, fmt, ap);
	va_end(ap);
}

/* Print and exit: start-up failures and broken invariants.  On stderr always
   (the service manager shows it), and to syslog or the journal when chosen. */
void
log_fatal(const char *fmt, ...)
{
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	fprintf(stderr, "phieu: fatal: %s\n", text);
	if (log_out->write != out_stderr) {
		struct log_ctx ctx = {ctx_mailbox, ctx_request, ctx_message_id};
		log_out->write(LOG_ERR, "fatal", text, &ctx);
	}
	g_free(text);
	exit(1);
}
