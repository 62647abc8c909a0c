/*
 * calendar.h - working days: weekends and the configured holidays off.
 *
 * Days are local calendar days (GDate) of the machine's time zone.  A
 * holiday list is NULL-terminated "YYYY-MM-DD" strings as the configuration's
 * `holidays` gives them (checked there), in any order; NULL is no holidays.
 * Saturdays and Sundays are never working days.  Nothing here reads the
 * clock: callers pass instants (lib/clock.h) or dates.
 */
#ifndef PHIEU_CALENDAR_H
#define PHIEU_CALENDAR_H

#include <glib.h>

/* The local calendar day of instant t. */
GDate calendar_day(gint64 t);
/* Whether d is a working day. */
gboolean calendar_workday(char *const *holidays, const GDate *d);
/* The day `days` working days after the day of t: the count starts on the
   next day, so 1 is the next working day; 0 is the day of t itself. */
GDate calendar_add(char *const *holidays, gint64 t, int days);
/* Working days after the day of a up to and including the day of b
   (0 when b is on a's day or before it). */
int calendar_between(char *const *holidays, gint64 a, gint64 b);
/* Whether the day of t is the first working day of its month. */
gboolean calendar_first_of_month(char *const *holidays, gint64 t);
/* The local instant at which day d starts (00:00). */
gint64 calendar_start(const GDate *d);
/* "YYYY-MM-DD" of d, into buf of at least 11 bytes; returns buf. */
char *calendar_iso(const GDate *d, char *buf);
/* Whether s is a valid "YYYY-MM-DD" date. */
gboolean calendar_valid(const char *s);

#endif
