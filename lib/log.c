/* log.c - levelled logging to stderr; see log.h. */
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static enum log_level log_threshold = LOG_INFO;
static unsigned log_traced;

static const char *log_names[] = {"error", "warning", "info", "debug"};

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

/* Write one line: timestamp, level, subsystem, text; the caller filters. */
static void
log_vwrite(enum log_level level, const char *subsys, const char *fmt, va_list ap)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	/* one line at a time: the outbox's sender thread logs too */
	flockfile(stderr);
	fprintf(stderr, "%s %s %s: ", stamp, log_names[level], subsys);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	funlockfile(stderr);
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

/* Print and exit: start-up failures and broken invariants. */
void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("phieu: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}
