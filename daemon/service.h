/*
 * service.h - phieud under a service manager (systemd's sd_notify).
 *
 * Every call does nothing when NOTIFY_SOCKET is not set (phieud run by hand,
 * --once).  service_ready() sends READY=1 once, with a STATUS= line;
 * service_status() sends STATUS= only when the line changed; the watchdog is
 * kept alive with WATCHDOG=1 at half the interval in WATCHDOG_USEC (for the
 * main process only), and service_wait_ms() bounds the loop's poll() so that
 * it is never late; service_reloading() and service_reloaded() bracket a
 * SIGHUP reload (RELOADING=1 ... READY=1); service_stopping() says STOPPING=1.
 * Failures to notify are ignored: the daemon works the same without a manager.
 */
#ifndef PHIEU_SERVICE_H
#define PHIEU_SERVICE_H

#include <glib.h>

#include "log.h"

/* Read NOTIFY_SOCKET and WATCHDOG_USEC; call once at start. */
void service_init(void);
/* READY=1 (once) with STATUS=status. */
void service_ready(const char *status);
/* STATUS=status when it differs from the last one sent. */
void service_status(const char *status);
/* WATCHDOG=1 when half the watchdog interval has passed since the last. */
void service_watchdog(void);
/* The longest the loop may sleep before service_watchdog() is due, or -1. */
gint64 service_wait_ms(void);
/* RELOADING=1 before a reload, READY=1 after it. */
void service_reloading(void);
void service_reloaded(const char *status);
/* STOPPING=1. */
void service_stopping(void);
/* Whether journald listens (its socket is there). */
gboolean service_journal_available(void);
/* The journal's writer for log_register_journal(): MESSAGE=, PRIORITY=,
   SYSLOG_FACILITY= mail, SYSLOG_IDENTIFIER=phieud, PHIEU_SUBSYSTEM= and
   PHIEU_MAILBOX=, PHIEU_REQUEST=, PHIEU_MESSAGE_ID= when known. */
void service_journal(enum log_level level, const char *subsys, const char *text,
                     const struct log_ctx *ctx);

#endif
