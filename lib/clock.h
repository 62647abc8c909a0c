/*
 * clock.h - the one wall clock phieu reads.
 *
 * clock_now() is time(NULL) unless the environment gives PHIEU_TEST_NOW:
 * seconds since the epoch, or "YYYY-MM-DDTHH:MM[:SS]" in local time.  Then
 * the clock starts at that instant when first read and runs on at the real
 * rate from there, so that tests of due dates, reminders, the morning digest
 * and the monthly report run on a fixed calendar day while polls and retries
 * still see time pass.  A value that cannot be read is ignored (real time).
 */
#ifndef PHIEU_CLOCK_H
#define PHIEU_CLOCK_H

#include <glib.h>

/* Seconds since the epoch, as above. */
gint64 clock_now(void);
/* The same clock in microseconds. */
gint64 clock_now_us(void);
/* The wait after n failures (n >= 1): first, doubling on each further
   failure, never more than max. */
gint64 clock_backoff(gint64 first, gint64 max, int n);

#endif
