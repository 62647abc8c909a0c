/* test_workload.c - owners from the names staff write; due dates in working days. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "decide.h"
#include "workload.h"

static int failures;

/* Report one failed row and count it. */
static void bad(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void
bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

/* The staff of the rows below: two share the prefix "linh". */
static char *staff[] = {"thang.ltv@danang.gov.vn", "linh.ntc@danang.gov.vn",
                        "linh.ptm@danang.gov.vn",  "hoa@danang.gov.vn",
                        "hoa.nt@danang.gov.vn",    NULL};

static const struct owner_row {
	const char *name;
	enum owner_match want;
	const char *address; /* when found */
} owner_rows[] = {
    {"thang.ltv@danang.gov.vn", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"Thang.LTV@Danang.gov.vn", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"Lê Thị Văn Thắng <thang.ltv@danang.gov.vn>", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"  thang.ltv  ", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"thang.ltv nhé, cảm ơn", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"linh.ntc@danang.gov.vn, phòng KT", OWNER_FOUND, "linh.ntc@danang.gov.vn"},
    {"anh Thắng", OWNER_UNKNOWN, NULL},
    {"thang", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"THANG", OWNER_FOUND, "thang.ltv@danang.gov.vn"},
    {"linh.ntc", OWNER_FOUND, "linh.ntc@danang.gov.vn"},
    {"linh.p", OWNER_FOUND, "linh.ptm@danang.gov.vn"},
    {"linh", OWNER_AMBIGUOUS, NULL},
    {"l", OWNER_AMBIGUOUS, NULL},
    /* a whole local part wins over the longer one it begins */
    {"hoa", OWNER_FOUND, "hoa@danang.gov.vn"},
    {"hoa.", OWNER_FOUND, "hoa.nt@danang.gov.vn"},
    {"minh", OWNER_UNKNOWN, NULL},
    {"thang.ltv@gmail.com", OWNER_UNKNOWN, NULL},
    {"thang.ltvx", OWNER_UNKNOWN, NULL},
    {"", OWNER_UNKNOWN, NULL},
    {NULL, OWNER_UNKNOWN, NULL},
};

/* Each name gives its staff address, or unknown, or ambiguous. */
static void
t_owner(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(owner_rows); i++) {
		const struct owner_row *r = &owner_rows[i];
		const char *got = "?";
		enum owner_match m = workload_owner(staff, r->name, &got);
		if (m != r->want)
			bad("owner \"%s\": match %d, want %d", r->name ? r->name : "(null)", m,
			    r->want);
		else if (g_strcmp0(got, r->address) != 0)
			bad("owner \"%s\": %s, want %s", r->name, got ? got : "(null)",
			    r->address ? r->address : "(null)");
	}
	/* no staff configured: nobody */
	const char *got = "?";
	if (workload_owner(NULL, "thang", &got) != OWNER_UNKNOWN || got != NULL)
		bad("owner with no staff: found");
	assert_int_equal(failures, 0);
}

/* The local instant of y-m-d h:mm. */
static gint64
at(int y, int m, int d, int h, int min)
{
	GDateTime *dt = g_date_time_new_local(y, m, d, h, min, 0);
	gint64 t = g_date_time_to_unix(dt);

	g_date_time_unref(dt);
	return t;
}

/* Holidays of the rows: a Wednesday and Tết 2027. */
static char *holidays[] = {"2026-12-09", "2027-02-05", "2027-02-08", "2027-02-09",
                           "2027-02-10", "2027-02-11", NULL};

static const struct due_row {
	const char *label;
	int y, m, d, h, min;
	const char *type;
	const char *want; /* NULL: no due date */
} due_rows[] = {
    /* Mon 07/12/2026: 3 working days, the holiday Wed 09/12 skipped */
    {"website Monday", 2026, 12, 7, 9, 0, "website_update", "2026-12-11"},
    /* Fri 04/12: the weekend skipped */
    {"website Friday", 2026, 12, 4, 16, 30, "website_update", "2026-12-10"},
    {"mailbox Friday", 2026, 12, 4, 16, 30, "mailbox", "2026-12-08"},
    /* Sat 05/12: received on a day off, counted from the next working day */
    {"server room Saturday", 2026, 12, 5, 10, 0, "server_room", "2026-12-07"},
    {"server room Tuesday", 2026, 12, 8, 23, 59, "server_room", "2026-12-10"},
    {"subdomain Thursday", 2026, 12, 10, 8, 0, "subdomain", "2026-12-17"},
    {"tech support Tuesday", 2026, 12, 8, 0, 1, "tech_support", "2026-12-11"},
    /* before Tết: Thu 04/02/2027, five days off after it */
    {"tech support before Tết", 2027, 2, 4, 9, 0, "tech_support", "2027-02-15"},
    {"unknown type", 2026, 12, 7, 9, 0, "unknown", NULL},
};

/* The built-in due days, and due dates over weekends and holidays. */
static void
t_due(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < G_N_ELEMENTS(due_rows); i++) {
		const struct due_row *r = &due_rows[i];
		char *got = workload_due_date(holidays, at(r->y, r->m, r->d, r->h, r->min),
		                              rules_due_days(r->type));
		if (g_strcmp0(got, r->want) != 0)
			bad("%s: due %s, want %s", r->label, got ? got : "(none)",
			    r->want ? r->want : "(none)");
		g_free(got);
	}
	assert_int_equal(failures, 0);
}

/* The rules file changes a type's due days and gives a new type some. */
static void
t_due_configured(void **state)
{
	(void)state;
	assert_int_equal(rules_due_days("website_update"), 3);
	assert_int_equal(rules_due_days("mailbox"), 2);
	assert_int_equal(rules_due_days("subdomain"), 5);
	assert_int_equal(rules_due_days("server_room"), 1);
	assert_int_equal(rules_due_days("tech_support"), 2);
	rules_configure_type("tech_support", 0, NULL, NULL, NULL, -1, NULL);
	rules_configure_due("tech_support", 4);
	assert_int_equal(rules_due_days("tech_support"), 4);
	rules_configure_due("tech_support", -1); /* unchanged */
	assert_int_equal(rules_due_days("tech_support"), 4);
	rules_configure_type("camera", 6, NULL, "camera", NULL, -1, NULL);
	assert_int_equal(rules_due_days("camera"), 0);
	rules_configure_due("camera", 7);
	assert_int_equal(rules_due_days("camera"), 7);
	rules_configure_due("website_update", 0); /* no due date */
	char *none =
	    workload_due_date(holidays, at(2026, 12, 7, 9, 0), rules_due_days("website_update"));
	assert_null(none);
	rules_reset_types();
	assert_int_equal(rules_due_days("tech_support"), 2);
	assert_int_equal(rules_due_days("camera"), 0);
}

/* Open states, and due on or before today. */
static void
t_due_by(void **state)
{
	(void)state;
	assert_true(workload_due_by("acknowledged", "2026-12-07", "2026-12-07"));
	assert_true(workload_due_by("in_progress", "2026-12-04", "2026-12-07"));
	assert_true(workload_due_by("needs_info", "2026-12-04", "2026-12-07"));
	assert_false(workload_due_by("scheduled", "2026-12-08", "2026-12-07"));
	assert_false(workload_due_by("completed", "2026-12-04", "2026-12-07"));
	assert_false(workload_due_by("closed", "2026-12-04", "2026-12-07"));
	assert_false(workload_due_by("acknowledged", NULL, "2026-12-07"));
	assert_true(workload_open("received"));
	assert_false(workload_open("rejected"));
	assert_false(workload_open(NULL));
}

/* The test clock from local "YYYY-MM-DDTHH:MM" (as the integration tests
   give it): due dates are computed on that day. */
static void
t_clock_local(void **state)
{
	(void)state;
	g_setenv("PHIEU_TEST_NOW", "2026-12-04T15:00", TRUE);
	gint64 now = clock_now(), want = at(2026, 12, 4, 15, 0);
	assert_true(now >= want && now < want + 5);
	char *due = workload_due_date(holidays, now, 3);
	assert_string_equal(due, "2026-12-10"); /* Mon, Tue, (Wed off), Thu */
	g_free(due);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_owner),          cmocka_unit_test(t_due),
	    cmocka_unit_test(t_due_configured), cmocka_unit_test(t_due_by),
	    cmocka_unit_test(t_clock_local),
	};

	g_setenv("TZ", "Asia/Ho_Chi_Minh", TRUE);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
