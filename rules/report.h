/*
 * report.h - the figures of the monthly report and the rows of an export,
 * computed from stored requests; no I/O.
 *
 * The input is what store_report_rows() gives: one JSON object per request
 * received in the period (id, type, state, sender, subject, created,
 * owner, due_date, fields, cost, emergency, scheduled_at, completed,
 * reason).  report_compute() counts them by type, by unit
 * (fields.requesting_unit, else the sender) and by state (the state they
 * are in now); gives per type the median and the 90th percentile of the
 * working days (calendar_between: weekends and holidays off) from receipt
 * to completion, over the requests that were completed; lists the overdue
 * (a due_date before the day of completion, or, still open at the end of
 * the period, before the period's last day + 1; no due_date: never
 * overdue; rejected and cancelled: never overdue), the rejected and the
 * cancelled with their reasons (the text of the staff command, without its
 * "#tuchoi"/"#huy" word), the emergencies, the costs told to the
 * Admin–General department and the server-room visits (scheduled or done).
 *
 * Median: the middle value, or the mean of the two middle values.  90th
 * percentile: nearest rank, the value at rank ceil(0.9 n) of the sorted
 * values.  Both are 0 for no values.
 *
 * report_text_*() render parts of the mail body as plain-text table rows
 * (the headings are in the template, config/templates/report.*.txt);
 * report_csv() writes an export as CSV: UTF-8 with a byte-order mark,
 * CRLF, RFC 4180 quoting, and a cell that starts with '=', '+', '-', '@',
 * a tab or a CR (which a spreadsheet would run as a formula: the values
 * come from mail) gets a leading apostrophe.  The caller owns what it is given and
 * everything returned.
 */
#ifndef PHIEU_REPORT_H
#define PHIEU_REPORT_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* A count of requests under a key (a type, a unit, a state). */
struct report_count {
	char *key;
	int n;
};

/* Time to completion of one type, in working days. */
struct report_time {
	char *type;
	int completed;
	double median, p90;
};

/* One request named in a list of the report. */
struct report_item {
	char *number, *unit, *detail; /* detail: reason, amount, date; may be "" */
	gint64 amount;                /* costs: in đồng; visits: visitors */
};

struct report {
	char *month; /* "YYYY-MM" */
	int total;
	GPtrArray *by_type, *by_unit, *by_state; /* struct report_count, most first */
	GPtrArray *times;                        /* struct report_time, by type */
	GPtrArray *overdue, *rejected, *cancelled, *emergencies, *costs,
	    *visits; /* struct report_item, in the order received */
	gint64 cost_total;
	int visitors;
};

/* The median and the nearest-rank percentile pct (0-100) of n values
   (sorted in place). */
double report_median(double *v, gsize n);
double report_percentile(double *v, gsize n, int pct);
/* The figures of rows for month ("YYYY-MM"), whose period ends at until
   (the first instant after it); holidays as lib/calendar.h. */
struct report *report_compute(JsonArray *rows, const char *month, gint64 until,
                              char *const *holidays);
struct report *report_free(struct report *r);
/* The figures as JSON (a new object): month, total, by_type, by_unit,
   by_state ({key: n}), times ([{type, completed, median, p90}]), overdue,
   rejected, cancelled, emergencies, costs, visits ([{id, unit, detail,
   amount}]), cost_total, visitors. */
JsonObject *report_to_json(const struct report *r);
/* Table rows: counts ("  key ...... n"), times, and one list; the type's
   title in lang ("vi"/"en") where the key is a type.  "" when empty. */
char *report_text_counts(const GPtrArray *counts, gboolean types, const char *lang);
char *report_text_times(const GPtrArray *times, const char *lang);
char *report_text_items(const GPtrArray *items);

/* The columns of an export (NULL-terminated, static) and one row's cells
   in that order (a new NULL-terminated vector; local times "YYYY-MM-DD HH:MM"). */
const char *const *report_columns(void);
char **report_cells(JsonObject *row);
/* The rows as CSV, as above (a new string; *len its length). */
char *report_csv(JsonArray *rows, gsize *len);
/* A cell made safe for a spreadsheet: a formula start gets "'" (new string). */
char *report_cell_safe(const char *v);

#endif
