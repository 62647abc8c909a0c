/*
 * health.h - judging the daemon's health for phieuctl status and metrics.
 *
 * The facts come from the store (store_health_report: per mailbox the last
 * successful poll, IDLE, the last error and since when it fails; the last
 * daemon run; the outbox; the quarantine); health_judge() adds the database
 * size and whether the daemon runs, and rates each fact: OK, warning (a
 * mailbox not polled for 2 x poll_interval, a reply queued for more than an
 * hour, a configured mailbox never polled) or critical (a mailbox failing or
 * not polled for more than stale_after, a failed reply, phieud not running).
 * The overall level is the worst, and is phieuctl status's exit status, as
 * Nagios-style checks expect.  Strings returned are g_malloc'ed.
 */
#ifndef PHIEU_HEALTH_H
#define PHIEU_HEALTH_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "config.h"

enum health_level { HEALTH_OK = 0, HEALTH_WARNING = 1, HEALTH_CRITICAL = 2 };

/* Rate a store_health_report() for cfg at now: adds "level" and "problems"
   to the report and to each mailbox (one entry per configured mailbox, in
   the configuration's order), "database_bytes" and "daemon.running".
   Returns the overall level. */
enum health_level health_judge(JsonObject *report, const struct config *cfg, gint64 now);
/* The judged report as lines for people. */
char *health_text(JsonObject *report, gint64 now);
/* The judged report in Prometheus text exposition format. */
char *health_metrics(JsonObject *report, gint64 now);

#endif
