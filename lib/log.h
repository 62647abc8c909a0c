/*
 * log.h - levelled logging with per-subsystem tracing, to stderr, syslog or
 * the systemd journal.
 *
 * Every line is "LEVEL subsystem: text".  The level threshold and the set of
 * traced subsystems are process-wide and set once at start-up by the daemon
 * or the command-line tool.  log_fatal() prints and exits with status 1; it is
 * for start-up failures and broken invariants only.  parsers/ and rules/ do
 * not log: they return their reasons to the caller.
 *
 * Where lines go is chosen by log_output(), one row of a table each: "stderr"
 * (the default: a timestamp in front, or, when stderr is the journal's
 * stream under systemd (JOURNAL_STREAM), the "<N>" priority prefix that
 * journald reads instead), "syslog" (facility mail, identifier phieud) and
 * "journal", which the daemon registers with log_register_journal() (lib/
 * does not link libsystemd).  A journal line carries PRIORITY= and the fields
 * PHIEU_SUBSYSTEM=, PHIEU_MAILBOX=, PHIEU_REQUEST= and PHIEU_MESSAGE_ID= from
 * the calling thread's log_context(), the request number also when the text
 * names one (YYYY-NNNNNN).
 */
#ifndef PHIEU_LOG_H
#define PHIEU_LOG_H

#include <stdarg.h>

enum log_level { LOG_ERR = 0, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* trace subsystems, a bit each */
#define TRACE_IMAP  0x01
#define TRACE_SMTP  0x02
#define TRACE_RULES 0x04
#define TRACE_STORE 0x08
#define TRACE_ALL   0xff

/* What a line is about, for the journal's fields; NULL members: unknown. */
struct log_ctx {
	const char *mailbox, *request, *message_id;
};

/* A journal writer: level, subsystem, the text, and the fields' values. */
typedef void (*log_journal_fn)(enum log_level level, const char *subsys, const char *text,
                               const struct log_ctx *ctx);

/* Set the threshold; messages above it are dropped. */
void log_init(enum log_level level, unsigned trace);
/* Parse "err|warn|info|debug"; returns -1 when unknown. */
int log_level_parse(const char *name);
/* Send lines to "stderr", "syslog" or "journal"; -1 when unknown (or the
   journal not registered), the output unchanged. */
int log_output(const char *name);
/* The journal's writer (phieud: service.c). */
void log_register_journal(log_journal_fn fn);
/* What this thread's next lines are about (copied); NULLs clear it. */
void log_context(const char *mailbox, const char *request, const char *message_id);
void log_err(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log at debug level when the subsystem bit is traced. */
void log_trace(unsigned bit, const char *subsys, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Print and exit(1): start-up failures and broken invariants. */
void log_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
