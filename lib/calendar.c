/*
 * calendar.c - working-day arithmetic over weekends and holidays (calendar.h).
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"

/* The local calendar day of instant t. */
GDate
calendar_day(gint64 t)
{
	GDate d;
	GDateTime *dt = g_date_time_new_from_unix_local(t);

	g_date_clear(&d, 1);
	if (dt == NULL) { /* out of GDateTime's range: the epoch's day */
		g_date_set_dmy(&d, 1, G_DATE_JANUARY, 1970);
		return d;
	}
	g_date_set_dmy(&d, (GDateDay)g_date_time_get_day_of_month(dt),
	               (GDateMonth)g_date_time_get_month(dt), (GDateYear)g_date_time_get_year(dt));
	g_date_time_unref(dt);
	return d;
}

/* "YYYY-MM-DD" of d, into buf (11 bytes). */
char *
calendar_iso(const GDate *d, char *buf)
{
	unsigned y = (unsigned)g_date_get_year(d) % 10000u,
	         m = (unsigned)g_date_get_month(d) % 100u, day = (unsigned)g_date_get_day(d) % 100u;

	snprintf(buf, 11, "%04u-%02u-%02u", y, m, day);
	return buf;
}

/* Whether d is a working day: not a weekend, not a holiday. */
gboolean
calendar_workday(char *const *holidays, const GDate *d)
{
	GDateWeekday w = g_date_get_weekday(d);
	char iso[11];

	if (w == G_DATE_SATURDAY || w == G_DATE_SUNDAY)
		return FALSE;
	calendar_iso(d, iso);
	for (size_t i = 0; holidays != NULL && holidays[i] != NULL; i++)
		if (strcmp(holidays[i], iso) == 0)
			return FALSE;
	return TRUE;
}

/* The day `days` working days after the day of t. */
GDate
calendar_add(char *const *holidays, gint64 t, int days)
{
	GDate d = calendar_day(t);

	/* a year of holidays in a row cannot happen: bound the walk anyway */
	for (int left = days, steps = 0; left > 0 && steps < 366 * 10; steps++) {
		g_date_add_days(&d, 1);
		if (calendar_workday(holidays, &d))
			left--;
	}
	return d;
}

/* Working days after the day of a up to and including the day of b. */
int
calendar_between(char *const *holidays, gint64 a, gint64 b)
{
	GDate d = calendar_day(a), end = calendar_day(b);
	int n = 0;

	if (g_date_days_between(&d, &end) > 366 * 50)
		return -1;
	while (g_date_compare(&d, &end) < 0) {
		g_date_add_days(&d, 1);
		if (calendar_workday(holidays, &d))
			n++;
	}
	return n;
}

/* Whether the day of t is its month's first working day. */
gboolean
calendar_first_of_month(char *const *holidays, gint64 t)
{
	GDate d = calendar_day(t), e;

	if (!calendar_workday(holidays, &d))
		return FALSE;
	g_date_clear(&e, 1);
	g_date_set_dmy(&e, 1, g_date_get_month(&d), g_date_get_year(&d));
	for (; g_date_compare(&e, &d) < 0; g_date_add_days(&e, 1))
		if (calendar_workday(holidays, &e))
			return FALSE;
	return TRUE;
}

/* The local instant day d starts at. */
gint64
calendar_start(const GDate *d)
{
	GDateTime *dt = g_date_time_new_local((gint)g_date_get_year(d), (gint)g_date_get_month(d),
	                                      (gint)g_date_get_day(d), 0, 0, 0);
	gint64 t = dt == NULL ? 0 : g_date_time_to_unix(dt);

	if (dt != NULL)
		g_date_time_unref(dt);
	return t;
}

/* Whether s is "YYYY-MM-DD" naming a real day. */
gboolean
calendar_valid(const char *s)
{
	unsigned y, m, d;
	char tail;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
		return FALSE;
	return y >= 1900 && y <= 9999 && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}
