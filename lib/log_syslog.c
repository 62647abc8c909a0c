/* log_syslog.c - log.c's syslog output; see log_syslog.h. */
#include "log_syslog.h"

#include <errno.h>
#include <syslog.h>

/* See log_syslog.h. */
void
log_syslog_open(void)
{
	openlog(program_invocation_short_name, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* See log_syslog.h. */
void
log_syslog_write(int priority, const char *level, const char *subsys, const char *text)
{
	syslog(LOG_MAIL | priority, "%s %s: %s", level, subsys, text);
}
