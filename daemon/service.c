/* service.c - readiness, status, watchdog and reload through sd_notify; see service.h. */
#include "service.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* after log.h: sd-journal.h brings <syslog.h>, whose LOG_ERR… macros would
   take the names of log.h's levels */
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

static gboolean managed;    /* NOTIFY_SOCKET is set */
static gboolean ready;      /* READY=1 was sent */
static guint64 watchdog_us; /* WATCHDOG_USEC, 0: no watchdog */
static gint64 last_ping;    /* monotonic µs of the last WATCHDOG=1 */
static char *last_status;   /* the last STATUS= line sent */

/* Send one notification; the manager may be gone: ignored. */
static void
notify(const char *what)
{
	int rc;

	if (!managed)
		return;
	rc = sd_notify(0, what);
	if (rc < 0)
		log_debug("service", "sd_notify: %s", g_strerror(-rc));
}

/* See service.h. */
void
service_init(void)
{
	uint64_t us = 0;

	managed = getenv("NOTIFY_SOCKET") != NULL;
	if (managed && sd_watchdog_enabled(0, &us) > 0)
		watchdog_us = us;
	last_ping = g_get_monotonic_time();
	if (watchdog_us > 0)
		log_info("service", "watchdog every %" G_GUINT64_FORMAT " ms", watchdog_us / 2000);
}

/* See service.h. */
void
service_status(const char *status)
{
	char *line;

	if (!managed || status == NULL || (last_status != NULL && strcmp(last_status, status) == 0))
		return;
	g_free(last_status);
	last_status = g_strdup(status);
	line = g_strdup_printf("STATUS=%s", status);
	notify(line);
	g_free(line);
}

/* See service.h. */
void
service_ready(const char *status)
{
	if (ready)
		return;
	ready = TRUE;
	service_status(status);
	notify("READY=1");
}

/* See service.h. */
void
service_watchdog(void)
{
	gint64 now = g_get_monotonic_time();

	if (watchdog_us == 0 || now - last_ping < (gint64)(watchdog_us / 2))
		return;
	last_ping = now;
	notify("WATCHDOG=1");
}

/* See service.h. */
gint64
service_wait_ms(void)
{
	gint64 left;

	if (watchdog_us == 0)
		return -1;
	left = last_ping + (gint64)(watchdog_us / 2) - g_get_monotonic_time();
	return left > 0 ? left / 1000 : 0;
}

/* See service.h. */
void
service_reloading(void)
{
	notify("RELOADING=1");
}

/* See service.h. */
void
service_reloaded(const char *status)
{
	service_status(status);
	notify("READY=1");
}

/* See service.h. */
void
service_stopping(void)
{
	notify("STOPPING=1");
}

/* See service.h. */
gboolean
service_journal_available(void)
{
	return access("/run/systemd/journal/socket", W_OK) == 0;
}

/* One journal field "NAME=value" into iov[n]; returns n + 1 (value NULL: n). */
static int
field(struct iovec *iov, char **keep, int n, const char *name, const char *value)
{
	if (value == NULL)
		return n;
	keep[n] = g_strconcat(name, "=", value, NULL);
	iov[n].iov_base = keep[n];
	iov[n].iov_len = strlen(keep[n]);
	return n + 1;
}

/* See service.h. */
void
service_journal(enum log_level level, const char *subsys, const char *text,
                const struct log_ctx *ctx)
{
	static const char *const priorities[] = {"3", "4", "6", "7"}; /* err warning info debug */
	struct iovec iov[8];
	char *keep[8] = {NULL}, *message = g_strdup_printf("%s: %s", subsys, text);
	int n = 0;

	n = field(iov, keep, n, "MESSAGE", message);
	n = field(iov, keep, n, "PRIORITY", priorities[level]);
	n = field(iov, keep, n, "SYSLOG_FACILITY", "2"); /* mail */
	n = field(iov, keep, n, "SYSLOG_IDENTIFIER", "phieud");
	n = field(iov, keep, n, "PHIEU_SUBSYSTEM", subsys);
	n = field(iov, keep, n, "PHIEU_MAILBOX", ctx->mailbox);
	n = field(iov, keep, n, "PHIEU_REQUEST", ctx->request);
	n = field(iov, keep, n, "PHIEU_MESSAGE_ID", ctx->message_id);
	sd_journal_sendv(iov, n);
	for (int i = 0; i < n; i++)
		g_free(keep[i]);
	g_free(message);
}
