/* commands_args.c - the arguments of commands: a schedule's date, time and
   end time, a cost's amount in đồng; see commands_parts.h. */
#include "commands.h"
#include "commands_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Amount multipliers, folded. */
static const struct {
	const char *word;
	gint64 factor;
} multipliers[] = {
    {"ty", 1000000000}, {"trieu", 1000000}, {"tr", 1000000},
    {"nghin", 1000},    {"ngan", 1000},     {"k", 1000},
};

/* Rewrites of a folded schedule argument before the normaliser reads it,
   in order. */
static struct {
	const char *pattern, *replacement;
	GRegex *re;
} schedule_rewrites[] = {
    /* "14h 07/12": the day after an hour is no minutes */
    {"((?<![\\d.:/\\-])\\d{1,2}\\s*(?:h|g|gio))\\s+(?=\\d{1,2}\\s*[/.\\-]\\s*\\d)", "\\1, ", NULL},
    /* "9:00-11:00", "9h-11h": the normaliser starts no time right after '-'
       (dates use it), so space the dash of a range */
    {"(\\d{1,2}\\s*(?::\\s*\\d{2}|(?:h|g|gio)(?![a-z])(?:\\s*\\d{1,2})?)(?:\\s*(?:sang|trua|"
     "chieu|toi|am|pm)(?![a-z]))?)\\s*[-~\\x{2013}]\\s*(?=\\d)",
     "\\1 - ", NULL},
    /* "9-11h": the start is an hour too */
    {"(?<![\\d/.:\\-a-z])(\\d{1,2})\\s*[-~\\x{2013}]\\s*(?=\\d{1,2}\\s*(?:h|g|gio)(?![a-z]))",
     "\\1h - ", NULL},
};

/* A date, a time and an end time from a schedule's argument. */
void
commands_read_schedule(struct command *c, const char *arg, int ref_year, int ref_month)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;
	char *f = text_fold(arg);

	for (gsize i = 0; i < G_N_ELEMENTS(schedule_rewrites); i++) {
		GRegex *re = commands_re(&schedule_rewrites[i].re, schedule_rewrites[i].pattern);
		char *g = g_regex_replace(re, f, -1, 0, schedule_rewrites[i].replacement, 0, NULL);
		if (g != NULL) {
			g_free(f);
			f = g;
		}
	}
	norm_time_range(f, ref_year, ref_month, &d, &from, &to);
	if (d.y > 0)
		c->date = norm_date_iso(&d);
	if (from.h >= 0)
		c->time = norm_time_str(&from);
	if (from.h >= 0 && to.h >= 0)
		c->until = norm_time_str(&to);
	g_free(f);
}

/* Factor of a folded multiplier word ("triệu", "k"), 1 when none. */
static gint64
multiplier_of(const char *w)
{
	for (gsize i = 0; w != NULL && i < G_N_ELEMENTS(multipliers); i++)
		if (strcmp(w, multipliers[i].word) == 0)
			return multipliers[i].factor;
	return 1;
}

/* digits * factor / 10^(number of digits): a fraction's worth ("5" of a
   million is 500000). */
static gint64
fraction_of(const char *digits, gint64 factor)
{
	gint64 v = 0, scale = 1;

	for (const char *p = digits; *p != '\0' && scale * 10 <= factor; p++) {
		v = v * 10 + (*p - '0');
		scale *= 10;
	}
	return v * (factor / scale);
}

/* A named group of a match, NULL when it is unset or empty. */
static char *
group(GMatchInfo *mi, const char *name)
{
	char *s = g_match_info_fetch_named(mi, name);

	if (s != NULL && *s == '\0') {
		g_free(s);
		return NULL;
	}
	return s;
}

/* The amount of one match of the amount pattern, -1 when it is none; sets
   marked when the match carried a currency or a multiplier. */
static gint64
amount_of(GMatchInfo *mi, gboolean *marked)
{
	char *grp = group(mi, "grp"), *num = group(mi, "num"), *mul = group(mi, "mul");
	char *half = group(mi, "half"), *tail = group(mi, "tail");
	char *pre = group(mi, "pre"), *unit = group(mi, "unit");
	char *num2 = group(mi, "num2"), *mul2 = group(mi, "mul2");
	gint64 factor = multiplier_of(mul), factor2 = multiplier_of(mul2), v = -1;
	GString *ip = g_string_new(NULL), *frac = g_string_new(NULL);
	const char *s = grp != NULL ? grp : num;

	*marked = mul != NULL || pre != NULL || unit != NULL;
	if (grp != NULL) {
		for (const char *p = grp; *p != '\0'; p++)
			if (g_ascii_isdigit(*p))
				g_string_append_c(ip, *p);
	} else if (s != NULL) {
		const char *sep = strpbrk(s, ".,");
		g_string_append_len(ip, s, sep != NULL ? sep - s : (gssize)strlen(s));
		if (sep != NULL)
			g_string_append(frac, sep + 1);
	}
	/* no room for an overflow; a leading 0 is a phone or a code, not đồng */
	if (ip->len > 0 && ip->len <= (factor > 1 ? 6u : 13u) &&
	    (ip->str[0] != '0' || ip->len == 1 || *marked)) {
		v = g_ascii_strtoll(ip->str, NULL, 10) * factor;
		if (frac->len > 0) {
			if (factor > 1)
				v += fraction_of(frac->str, factor);
			else if (strspn(frac->str, "0") != frac->len)
				v = -1; /* "1.5" đồng */
		}
		if (v >= 0 && half != NULL && factor > 1)
			v += factor / 2;
		if (v >= 0 && tail != NULL && factor > 1)
			v += fraction_of(tail, factor);
		/* "1 triệu 500 nghìn" */
		if (v >= 0 && num2 != NULL && factor2 > 1 && factor2 < factor)
			v += g_ascii_strtoll(num2, NULL, 10) * factor2;
		/* a small bare number is a count ("2 cáp"), not an amount */
		if (v > 0 && v < 1000 && !*marked)
			v = -1;
	}
	g_string_free(ip, TRUE);
	g_string_free(frac, TRUE);
	g_free(grp), g_free(num), g_free(mul), g_free(half);
	g_free(tail), g_free(pre), g_free(unit), g_free(num2), g_free(mul2);
	return v;
}

/* Drop empty brackets, separators at the ends and extra spaces from what is
   left of a cost's argument; NULL if nothing is. */
static char *
tidy_rest(const char *s)
{
	static GRegex *empty;
	char *t = g_regex_replace_literal(commands_re(&empty, "\\(\\s*\\)|\\[\\s*\\]"), s, -1, 0,
	                                  " ", 0, NULL);
	char *q = text_squeeze(t);
	gsize n = strlen(q);
	const char *p = q;

	while (*p != '\0' && strchr(" -:,;=", *p) != NULL)
		p++;
	while (n > (gsize)(p - q) && strchr(" -:,;=", q[n - 1]) != NULL)
		q[--n] = '\0';
	char *out = *p != '\0' ? g_strdup(p) : NULL;
	g_free(q);
	g_free(t);
	return out;
}

/* The amount in đồng of a cost and, as its text, what it is for. */
void
commands_read_cost(struct command *c, const char *arg, int ref_year, int ref_month)
{
	static GRegex *re;
	char *f = text_fold(arg);
	GMatchInfo *mi = NULL;
	int best_start = -1, best_end = -1;
	gboolean best_marked = FALSE;

	(void)ref_year, (void)ref_month;
	c->amount = -1;
	g_regex_match(
	    commands_re(
	        &re,
	        "(?<![a-z0-9.,/"
	        ":\\-])(?:(?<pre>vnd)\\s*)?(?:(?<grp>\\d{1,3}(?<sep>[.,])\\d{3}(?:\\k<sep>"
	        "\\d{3})*)(?![.,]\\d{3})(?:[.,]\\d{1,2}(?!\\d))?|(?<num>\\d+(?:[.,]\\d+)?))"
	        "(?:\\s*(?<mul>ty|trieu|tr|nghin|ngan|k)(?:\\s*(?<half>ruoi))?(?<tail>\\d{1,3})?"
	        "(?:\\s+(?<num2>\\d{1,3})\\s*(?<mul2>trieu|tr|nghin|ngan|k)(?![a-z]))?)?"
	        "(?:\\s*(?<unit>dong|vnd|d))?(?![a-z0-9/:])"),
	    f, 0, &mi);
	for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		gboolean marked;
		gint64 v = amount_of(mi, &marked);
		if (v < 0 || (c->amount >= 0 && (best_marked || !marked)))
			continue;
		c->amount = v, best_marked = marked;
		g_match_info_fetch_pos(mi, 0, &best_start, &best_end);
		if (marked)
			break;
	}
	g_match_info_free(mi);
	if (c->amount >= 0) {
		const char *s = commands_orig_at(arg, f, f + best_start),
		           *e = commands_orig_at(arg, f, f + best_end);
		GString *r = g_string_new_len(arg, s - arg);
		g_string_append_c(r, ' ');
		g_string_append(r, e);
		g_free(c->text);
		c->text = tidy_rest(r->str);
		g_string_free(r, TRUE);
	}
	g_free(f);
}
