/*
 * log.h - levelled logging to stderr with per-subsystem tracing.
 *
 * Every line is "LEVEL subsystem: text".  The level threshold and the set of
 * traced subsystems are process-wide and set once at start-up by the daemon
 * or the command-line tool.  log_fatal() prints and exits with status 1; it is
 * for start-up failures and broken invariants only.  parsers/ and rules/ do
 * not log: they return their reasons to the caller.
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

/* Set the threshold; messages above it are dropped. */
void log_init(enum log_level level, unsigned trace);
/* Parse "err|warn|info|debug"; returns -1 when unknown. */
int log_level_parse(const char *name);
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
