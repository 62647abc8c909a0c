/* normalise_time.c - times of day and their ranges, as typed into the
   forms of DOMAIN.md; see normalise.h. */
#include "normalise.h"
#include "normalise_parts.h"

#include <string.h>

#include "text.h"

/* One time of day per match, in order, with the text offsets. */
struct norm_time_hit {
	struct norm_time t;
	int start, end;
};

/* Find up to max times of day in folded text. */
static int
norm_times(const char *f, struct norm_time_hit *hits, int max)
{
	static GRegex *re, *period;
	GMatchInfo *mi = NULL;
	int n = 0;

	norm_re(&period, "^\\W{0,3}(sang|trua|chieu|toi|dem|am|pm|a\\.m\\.|p\\.m\\.)(?![a-z])");
	g_regex_match(norm_re(&re,
	                      "(?<![\\d.:/])(?<!\\d{4}-)(?<!\\d[/"
	                      ".]\\d-)(\\d{1,2})\\s*(?:(?::\\s*|\\.(?=\\d{2}(?!\\d|[./"
	                      ",]\\d)))(\\d{2})|(?:h|g|gio)(?![a-z])"
	                      "\\s*(\\d{1,2})?(?!\\d)\\s*(?:phut|p(?![a-z]))?|(?=\\s*(?:am|pm|a\\."
	                      "m\\.|p\\.m\\.)(?![a-z]))|(?=\\s*(?:-|–|to)\\s*\\d{1,2}(?::\\d{2})?"
	                      "\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)(?![a-z])))"),
	              f, 0, &mi);
	for (; n < max && g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		struct norm_time t;
		int start, end, m2, m3;
		GMatchInfo *pm = NULL;

		g_match_info_fetch_pos(mi, 0, &start, &end);
		t.h = norm_group_int(mi, 1);
		m2 = norm_group_int(mi, 2);
		m3 = norm_group_int(mi, 3);
		t.min = m2 >= 0 ? m2 : (m3 >= 0 ? m3 : 0);
		if (t.h > 24 || t.min > 59)
			continue;
		if (g_regex_match(period, f + end, 0, &pm)) {
			char *w = g_match_info_fetch(pm, 1);
			int pend;
			g_match_info_fetch_pos(pm, 0, NULL, &pend);
			end += pend;
			if ((strcmp(w, "chieu") == 0 || strcmp(w, "toi") == 0 ||
			     strcmp(w, "dem") == 0 || w[0] == 'p') &&
			    t.h < 12)
				t.h += 12;
			else if (strcmp(w, "trua") == 0 && t.h < 6)
				t.h += 12;
			else if ((w[0] == 'a') && t.h == 12)
				t.h = 0;
			g_free(w);
		}
		g_match_info_free(pm);
		if (t.h == 24)
			t.h = 0;
		hits[n].t = t, hits[n].start = start, hits[n].end = end;
		n++;
	}
	g_match_info_free(mi);
	return n;
}

/* First time of day in s. */
char *
norm_time(const char *s)
{
	struct norm_time_hit hit;
	char *f = text_fold(s);
	int n = norm_times(f, &hit, 1);

	g_free(f);
	return n > 0 ? norm_time_str(&hit.t) : NULL;
}

/* Whether the text between two times joins them as a range: "-", "đến",
   "to", also across the date ("14h ngày 31/08/2026 đến 16h"). */
static gboolean
norm_is_range_joint(const char *between)
{
	static GRegex *re;
	return g_regex_match(norm_re(&re,
	                             "^\\s*(-|–|—|~)\\s*$|(^|\\s)(-|–|—|~|den|toi|to|until|till|"
	                             "and|ra luc|ket thuc|xong)(\\s|$)"),
	                     between, 0, NULL);
}

/* The hour of a bare number joined to a time that starts at at ("2-4pm",
   "từ 8 đến 10 giờ"), or -1: no digit, dot, colon or slash before it (not
   a date's or an address's number). */
static int
norm_bare_hour_before(const char *f, int at)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *head = g_strndup(f, (gsize)at);
	int h = -1;

	if (g_regex_match(norm_re(&re, "(?:^|[^\\d.:/,\\w-])(?:tu\\s+|from\\s+)?(\\d{1,2})\\s*"
	                               "(?:-|–|—|~|\\bden\\b|\\bto\\b|\\btoi\\b)\\s*$"),
	                  head, 0, &mi))
		h = norm_group_int(mi, 1);
	g_match_info_free(mi);
	g_free(head);
	return h >= 0 && h <= 23 ? h : -1;
}

/* A range of times with an optional date. */
gboolean
norm_time_range(const char *s, int ref_year, int ref_month, struct norm_date *date,
                struct norm_time *from, struct norm_time *to)
{
	struct norm_time_hit hits[4];
	char *f = text_fold(s);
	int n = norm_times(f, hits, 4);
	gboolean ok = n > 0;

	if (date != NULL) {
		/* blank out the times so their digits are not read as a date */
		for (int i = 0; i < n; i++)
			memset(f + hits[i].start, ' ', (size_t)(hits[i].end - hits[i].start));
		if (!norm_date_parts(f, ref_year, ref_month, date))
			date->y = date->m = date->d = 0;
	}
	from->h = to->h = -1;
	from->min = to->min = 0;
	if (n > 0)
		*from = hits[0].t;
	/* "2-4pm", "8 - 10h", "từ 8 đến 10 giờ": a bare hour before the first
	   time opens the range, in the same half of the day */
	int bare = n > 0 ? norm_bare_hour_before(f, hits[0].start) : -1;
	if (bare >= 0 && bare < hits[0].t.h) {
		*to = hits[0].t;
		from->h = bare, from->min = 0;
		if (to->h >= 12 && bare < 12 && bare + 12 < to->h)
			from->h += 12;
		/* working hours only: "Lô 2 - 9h" is a place, then a time */
		if (from->h >= 6) {
			g_free(f);
			return TRUE;
		}
		*from = hits[0].t;
		to->h = -1, to->min = 0;
	}
	if (n > 1) {
		char *between = g_strndup(f + hits[0].end, (gsize)(hits[1].start - hits[0].end));
		if ((norm_is_range_joint(between) && strlen(between) < 60) || strlen(between) < 3)
			*to = hits[1].t;
		g_free(between);
		/* "1 - 3 giờ chiều": the period applies to both ends */
		if (to->h >= 12 && from->h < 12 && from->h + 12 < to->h && from->h < 7)
			from->h += 12;
	}
	g_free(f);
	return ok;
}

/* Date with an optional time. */
char *
norm_datetime(const char *s, int ref_year, int ref_month)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	norm_time_range(s, ref_year, ref_month, &d, &from, &to);
	if (d.y == 0)
		return NULL;
	if (from.h < 0)
		return norm_date_iso(&d);
	return g_strdup_printf("%04d-%02d-%02dT%02d:%02d", d.y, d.m, d.d, from.h, from.min);
}
