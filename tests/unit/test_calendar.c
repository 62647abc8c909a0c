/* test_calendar.c - working days over weekends and holidays; the test clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "calendar.h"
#include "clock.h"

/* 2026-12-31 and 2027's Tết days as a configuration would give them. */
static char *holidays[] = {"2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09",
                           "2027-02-10", "2027-02-11", NULL};

/* The local instant of y-m-d h:00. */
static gint64
at(int y, int m, int d, int h)
{
	GDateTime *dt = g_date_time_new_local(y, m, d, h, 0, 0);
	gint64 t = g_date_time_to_unix(dt);

	g_date_time_unref(dt);
	return t;
}

/* The ISO day of a GDate, for assertions. */
static const char *
iso(GDate d)
{
	static char buf[11];

	return calendar_iso(&d, buf);
}

/* Weekends and listed holidays are off, other days on. */
static void
t_workday(void **state)
{
	GDate d;

	g_date_clear(&d, 1);
	g_date_set_dmy(&d, 5, G_DATE_DECEMBER, 2026); /* Saturday */
	assert_false(calendar_workday(NULL, &d));
	g_date_set_dmy(&d, 7, G_DATE_DECEMBER, 2026); /* Monday */
	assert_true(calendar_workday(NULL, &d));
	g_date_set_dmy(&d, 1, G_DATE_JANUARY, 2027); /* Friday, New Year */
	assert_true(calendar_workday(NULL, &d));
	assert_false(calendar_workday(holidays, &d));
}

/* Adding working days skips weekends and holidays; 0 is the same day. */
static void
t_add(void **state)
{
	assert_string_equal(iso(calendar_add(NULL, at(2026, 12, 4, 10), 1)), "2026-12-07");
	assert_string_equal(iso(calendar_add(NULL, at(2026, 12, 4, 10), 0)), "2026-12-04");
	assert_string_equal(iso(calendar_add(NULL, at(2026, 12, 7, 23), 5)), "2026-12-14");
	/* Thursday 31/12 + 2: Friday 1/1 is a holiday, then the weekend */
	assert_string_equal(iso(calendar_add(holidays, at(2026, 12, 31, 9), 2)), "2027-01-05");
	/* Tết: Thursday 4/2 + 1 → Friday 5/2 off, weekend, 8-11 off → Friday 12/2 */
	assert_string_equal(iso(calendar_add(holidays, at(2027, 2, 4, 9), 1)), "2027-02-12");
}

/* Working days between two instants. */
static void
t_between(void **state)
{
	assert_int_equal(calendar_between(NULL, at(2026, 12, 4, 9), at(2026, 12, 4, 17)), 0);
	assert_int_equal(calendar_between(NULL, at(2026, 12, 4, 9), at(2026, 12, 7, 8)), 1);
	assert_int_equal(calendar_between(NULL, at(2026, 12, 7, 9), at(2026, 12, 4, 8)), 0);
	assert_int_equal(calendar_between(holidays, at(2027, 2, 1, 9), at(2027, 2, 15, 9)), 5);
	assert_int_equal(calendar_between(NULL, at(2027, 2, 1, 9), at(2027, 2, 15, 9)), 10);
}

/* The first working day of a month, holidays counted. */
static void
t_first(void **state)
{
	assert_true(calendar_first_of_month(NULL, at(2026, 12, 1, 8)));
	assert_false(calendar_first_of_month(NULL, at(2026, 12, 2, 8)));
	assert_false(calendar_first_of_month(holidays, at(2027, 1, 1, 8)));
	assert_true(calendar_first_of_month(holidays, at(2027, 1, 4, 8)));
	assert_true(calendar_first_of_month(NULL, at(2026, 11, 2, 8))); /* 1/11 is Sunday */
	assert_false(calendar_first_of_month(NULL, at(2026, 11, 1, 8)));
}

/* Dates as the configuration accepts them. */
static void
t_valid(void **state)
{
	assert_true(calendar_valid("2027-02-05"));
	assert_true(calendar_valid("2028-02-29"));
	assert_false(calendar_valid("2027-02-29"));
	assert_false(calendar_valid("2027-2-5"));
	assert_false(calendar_valid("05/02/2027"));
	assert_false(calendar_valid("2027-02-05x"));
	assert_false(calendar_valid(NULL));
}

/* PHIEU_TEST_NOW starts the clock at the given instant, and it runs on. */
static void
t_clock(void **state)
{
	gint64 want = at(2026, 12, 1, 7);
	char buf[32];

	g_snprintf(buf, sizeof buf, "%" G_GINT64_FORMAT, want);
	setenv("PHIEU_TEST_NOW", buf, 1);
	gint64 now = clock_now();
	assert_true(now >= want && now < want + 5);
	assert_true(clock_now() >= now);
}

/* Run the calendar tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_workday), cmocka_unit_test(t_add),   cmocka_unit_test(t_between),
	    cmocka_unit_test(t_first),   cmocka_unit_test(t_valid), cmocka_unit_test(t_clock),
	};
	setenv("TZ", "Asia/Ho_Chi_Minh", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
