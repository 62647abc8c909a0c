/* monthly.c - the monthly report; see monthly.h. */
#include "monthly.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "export.h"
#include "log.h"

/* The local start of day s ("YYYY-MM-DD"), FALSE when s is not a date. */
static gboolean
day_start(const char *s, gint64 *t)
{
	int y, m, dd;
	GDate d;

	if (s == NULL || !calendar_valid(s) || sscanf(s, "%d-%d-%d", &y, &m, &dd) != 3)
		return FALSE;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, (GDateDay)dd, (GDateMonth)m, (GDateYear)y);
	*t = calendar_start(&d);
	return TRUE;
}

/* Unix time as ISO 8601 UTC, as the store writes it. */
static char *
iso_utc(gint64 t)
{
	GDateTime *d = g_date_time_new_from_unix_utc(t);
	char *s = g_date_time_format(d, "%Y-%m-%dT%H:%M:%SZ");

	g_date_time_unref(d);
	return s;
}

/* A period of local days as store bounds. */
gboolean
monthly_period(const char *first, const char *last, char **since, char **until, gint64 *until_t)
{
	gint64 a, b;
	GDate d;

	if (!day_start(first, &a) || !day_start(last, &b) || b < a)
		return FALSE;
	/* the day after last: its start, whatever the clock change in between */
	d = calendar_day(b + 12 * 3600);
	g_date_add_days(&d, 1);
	b = calendar_start(&d);
	*since = iso_utc(a);
	*until = iso_utc(b);
	*until_t = b;
	return TRUE;
}

/* The first and last day of month "YYYY-MM"; FALSE when it is not one. */
static gboolean
month_days(const char *month, char first[11], char last[11])
{
	int y, m;
	char tail;
	GDate d;

	if (month == NULL || strlen(month) != 7 || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 ||
	    m < 1 || m > 12 || y < 1970)
		return FALSE;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, 1, (GDateMonth)m, (GDateYear)y);
	calendar_iso(&d, first);
	g_date_set_day(&d, g_date_get_days_in_month((GDateMonth)m, (GDateYear)y));
	calendar_iso(&d, last);
	return TRUE;
}

/* Release. */
struct monthly *
monthly_free(struct monthly *m)
{
	if (m == NULL)
		return NULL;
	g_free(m->month);
	if (m->rows != NULL)
		json_array_unref(m->rows);
	report_free(m->report);
	g_free(m->subject);
	g_free(m->body);
	g_free(m);
	return NULL;
}

/* A count as a template value. */
static void
set_int(GHashTable *v, const char *key, gint64 n)
{
	char buf[32];

	g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, n);
	notify_set(v, key, buf, FALSE);
}

/* The template values of a report. */
static GHashTable *
report_vars(const struct config *cfg, struct notify *nt, const struct report *r)
{
	GHashTable *v = notify_vars(nt, "", "");
	const char *lang = cfg->language;
	const struct {
		const char *key, *count;
		const GPtrArray *items;
	} lists[] = {
	    {"overdue", "overdue_count", r->overdue},
	    {"rejected", "rejected_count", r->rejected},
	    {"cancelled", "cancelled_count", r->cancelled},
	    {"emergencies", "emergency_count", r->emergencies},
	    {"costs", "cost_count", r->costs},
	    {"visits", "visit_count", r->visits},
	};

	notify_set(v, "month", r->month, FALSE);
	set_int(v, "total", r->total);
	g_hash_table_insert(v, "by_type", report_text_counts(r->by_type, TRUE, lang));
	g_hash_table_insert(v, "by_unit", report_text_counts(r->by_unit, FALSE, lang));
	g_hash_table_insert(v, "by_state", report_text_counts(r->by_state, FALSE, lang));
	g_hash_table_insert(v, "times", report_text_times(r->times, lang));
	for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
		g_hash_table_insert(v, (gpointer)lists[i].key, report_text_items(lists[i].items));
		set_int(v, lists[i].count, lists[i].items->len);
	}
	set_int(v, "cost_total", r->cost_total);
	set_int(v, "visitors", r->visitors);
	return v;
}

/* The report of a month. */
struct monthly *
monthly_build(const struct config *cfg, struct store *st, struct notify *nt, const char *month,
              char **cause)
{
	char first[11], last[11], *since = NULL, *until = NULL, *rendered;
	struct monthly *m;
	gint64 until_t;
	GHashTable *v;

	if (!month_days(month, first, last) ||
	    !monthly_period(first, last, &since, &until, &until_t)) {
		*cause = g_strdup_printf("not a month: %s (YYYY-MM)", month != NULL ? month : "");
		return NULL;
	}
	m = g_new0(struct monthly, 1);
	m->month = g_strdup(month);
	m->rows = store_report_rows(st, since, until, cause);
	g_free(since);
	g_free(until);
	if (m->rows == NULL)
		return monthly_free(m);
	m->report = report_compute(m->rows, month, until_t, cfg->holidays);
	v = report_vars(cfg, nt, m->report);
	rendered = reply_render(notify_template(nt, "report"), v);
	g_hash_table_destroy(v);
	if (!reply_split(rendered, &m->subject, &m->body)) {
		*cause = g_strdup("template report has no Subject line");
		g_free(rendered);
		return monthly_free(m);
	}
	g_free(rendered);
	return m;
}

/* Queue the report's mail and record it as sent. */
int
monthly_queue(struct monthly *m, const struct config *cfg, struct store *st, struct notify *nt,
              char **cause)
{
	GPtrArray *rcpt = g_ptr_array_new();
	GBytes *xlsx = export_xlsx_bytes(m->rows, m->report, cause), *png = NULL;
	char *xname = g_strdup_printf("bao-cao-%s.xlsx", m->month);
	char *pname = g_strdup_printf("bieu-do-%s.png", m->month);
	int rc = -1;

	if (cfg->department_ict != NULL)
		g_ptr_array_add(rcpt, cfg->department_ict);
	for (int i = 0; cfg->report_to != NULL && cfg->report_to[i] != NULL; i++)
		g_ptr_array_add(rcpt, cfg->report_to[i]);
	g_ptr_array_add(rcpt, NULL);
	if (xlsx != NULL)
		png = export_chart_png(m->report, m->month, cause);
	if (png != NULL) {
		gsize xl, pl;
		const char *xd = g_bytes_get_data(xlsx, &xl), *pd = g_bytes_get_data(png, &pl);
		struct reply_part parts[] = {
		    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xname, xd,
		     xl},
		    {"image/png", pname, pd, pl},
		};
		GHashTable *v = report_vars(cfg, nt, m->report);
		rc = notify_queue_parts(nt, 0, "monthly_report", "report", v, cfg->mailbox_addrs[0],
		                        (const char *const *)rcpt->pdata, NULL, parts,
		                        G_N_ELEMENTS(parts), cause);
		g_hash_table_destroy(v);
	}
	if (rc == 0)
		rc = store_report_mark(st, m->month, clock_now(), cause);
	if (rc == 0)
		log_info("report", "monthly report %s queued to %u addresses", m->month,
		         rcpt->len - 1);
	if (xlsx != NULL)
		g_bytes_unref(xlsx);
	if (png != NULL)
		g_bytes_unref(png);
	g_free(xname);
	g_free(pname);
	g_ptr_array_free(rcpt, TRUE);
	return rc;
}

/* The previous month's report, on the first working day of a month. */
int
monthly_due(const struct config *cfg, struct store *st, struct notify *nt, gint64 now)
{
	GDate d = calendar_day(now);
	char month[8], *cause = NULL;
	struct monthly *m;
	int sent;

	if (!calendar_first_of_month(cfg->holidays, now))
		return 0;
	g_date_subtract_months(&d, 1);
	g_snprintf(month, sizeof month, "%04d-%02d", g_date_get_year(&d), g_date_get_month(&d));
	if (store_begin(st, &cause) != 0)
		goto fail;
	if ((sent = store_report_sent(st, month, &cause)) != 0) {
		store_rollback(st);
		if (sent < 0)
			goto fail;
		return 0;
	}
	if ((m = monthly_build(cfg, st, nt, month, &cause)) == NULL ||
	    monthly_queue(m, cfg, st, nt, &cause) != 0 || store_commit(st, &cause) != 0) {
		monthly_free(m);
		store_rollback(st);
		goto fail;
	}
	monthly_free(m);
	return 1;
fail:
	log_err("report", "monthly report %s: %s", month, cause != NULL ? cause : "error");
	g_free(cause);
	return -1;
}
