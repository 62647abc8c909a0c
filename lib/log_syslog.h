/*
 * log_syslog.h - log.c's syslog output, apart: <syslog.h> defines LOG_ERR,
 * LOG_INFO and LOG_DEBUG as macros, which would take the names of log.h's
 * levels.  Facility mail, identifier the program's name, with its pid.
 */
#ifndef PHIEU_LOG_SYSLOG_H
#define PHIEU_LOG_SYSLOG_H

/* openlog(3) with facility mail. */
void log_syslog_open(void);
/* One line at a syslog priority: "LEVEL subsystem: text". */
void log_syslog_write(int priority, const char *level, const char *subsys, const char *text);

#endif
