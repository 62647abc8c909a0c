/*
 * monthly.h - the monthly report: gathered from the store, rendered, mailed.
 *
 * monthly_build() reads the requests received in a month (local calendar,
 * store_report_rows), computes the figures (rules/report.h) and renders
 * the "report" template into a subject and a plain-text body.
 * monthly_queue() adds the XLSX of the month's requests (with a summary
 * sheet) and a PNG bar chart of the requests per type (daemon/export.h) and
 * queues one mail to the Department of ICT (department_ict) and report_to
 * through the outbox, then records the month as sent (store_report_mark),
 * all in the caller's transaction.  monthly_due() is called by the
 * daemon's timers: on the first working day of a month (lib/calendar.h)
 * it mails the previous month's report once, in a transaction of its own.
 * monthly_period() gives a period's bounds as ISO 8601 UTC strings for
 * the store.  Errors: NULL or -1 with *cause.
 */
#ifndef PHIEU_MONTHLY_H
#define PHIEU_MONTHLY_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "config.h"
#include "notify.h"
#include "report.h"
#include "store.h"

struct monthly {
	char *month;     /* "YYYY-MM" */
	JsonArray *rows; /* store_report_rows() */
	struct report *report;
	char *subject, *body;
};

/* The local days first..last (inclusive, "YYYY-MM-DD") as [*since, *until)
   ISO UTC strings (g_free) and *until_t the first instant after; FALSE when
   a date is not valid or last is before first. */
gboolean monthly_period(const char *first, const char *last, char **since, char **until,
                        gint64 *until_t);
/* The report of month "YYYY-MM". */
struct monthly *monthly_build(const struct config *cfg, struct store *st, struct notify *nt,
                              const char *month, char **cause);
struct monthly *monthly_free(struct monthly *m);
/* Queue the mail with its attachments and record the month as sent. */
int monthly_queue(struct monthly *m, const struct config *cfg, struct store *st, struct notify *nt,
                  char **cause);
/* At now: the previous month's report when due and not yet sent; 1 when
   it was queued, 0 when nothing was due, -1 on a failure (logged). */
int monthly_due(const struct config *cfg, struct store *st, struct notify *nt, gint64 now);

#endif
