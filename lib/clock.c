/*
 * clock.c - the wall clock, fixed to a start instant for tests (clock.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

/* PHIEU_TEST_NOW as seconds since the epoch; -1: not given or unreadable. */
static gint64
test_start(void)
{
	const char *v = getenv("PHIEU_TEST_NOW");
	char *end;
	gint64 n;

	if (v == NULL || *v == '\0')
		return -1;
	n = g_ascii_strtoll(v, &end, 10);
	if (*end == '\0' && end != v)
		return n >= 0 ? n : -1;
	/* GLib reads no time without seconds: "…THH:MM" gets ":00" */
	char *full = strlen(v) == 16 ? g_strconcat(v, ":00", NULL) : g_strdup(v);
	GTimeZone *tz = g_time_zone_new_local();
	GDateTime *dt = g_date_time_new_from_iso8601(full, tz);
	g_time_zone_unref(tz);
	g_free(full);
	if (dt == NULL)
		return -1;
	n = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return n;
}

/* Seconds the test clock is ahead of the real one (0: no test clock). */
static gint64
offset_s(void)
{
	static gint64 offset;
	static gsize once;

	if (g_once_init_enter(&once)) {
		gint64 start = test_start();
		offset = start < 0 ? 0 : start - (gint64)time(NULL);
		g_once_init_leave(&once, 1);
	}
	return offset;
}

/* The wall clock, or the test clock started at PHIEU_TEST_NOW. */
gint64
clock_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC + offset_s();
}

/* The same clock in microseconds. */
gint64
clock_now_us(void)
{
	return g_get_real_time() + offset_s() * G_USEC_PER_SEC;
}
