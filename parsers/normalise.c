/* normalise.c - values as typed into the forms of DOMAIN.md; see normalise.h. */
#include "normalise.h"
#include "normalise_parts.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Compile a pattern once; patterns are constants, so failure is a bug. */
GRegex *
norm_re(GRegex **slot, const char *pattern)
{
	if (*slot == NULL) {
		GError *err = NULL;
		GRegex *re = g_regex_new(pattern, G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, &err);
		if (re == NULL)
			g_error("normalise: bad pattern %s: %s", pattern, err->message);
		if (!g_atomic_pointer_compare_and_exchange(slot, NULL, re))
			g_regex_unref(re);
	}
	return *slot;
}

/* Integer value of a numbered capture group, -1 when it did not match. */
int
norm_group_int(GMatchInfo *mi, int n)
{
	char *s = g_match_info_fetch(mi, n);
	int v = (s != NULL && *s != '\0') ? atoi(s) : -1;

	g_free(s);
	return v;
}

/* Digits of s, in order. */
static GString *
norm_digits(const char *s, gsize len)
{
	GString *d = g_string_new(NULL);

	for (gsize i = 0; i < len && s[i] != '\0'; i++)
		if (g_ascii_isdigit(s[i]))
			g_string_append_c(d, s[i]);
	return d;
}

/* National form of a digit string, or NULL when it is not a phone number:
   "84" or "0084" before it is the country code, a "0" after that the trunk
   prefix some people keep ("+84 (0) 905…"). */
static char *
norm_phone_digits(GString *d)
{
	if (g_str_has_prefix(d->str, "0084"))
		g_string_erase(d, 0, 2);
	if (g_str_has_prefix(d->str, "840") && (d->len == 12 || d->len == 13)) {
		g_string_erase(d, 0, 2);
	} else if (g_str_has_prefix(d->str, "84") && (d->len == 11 || d->len == 12)) {
		g_string_erase(d, 0, 2);
		g_string_prepend_c(d, '0');
	}
	if (d->len == 9 && strchr("35789", d->str[0]) != NULL)
		g_string_prepend_c(d, '0');
	if ((d->len == 10 || d->len == 11) && d->str[0] == '0')
		return g_strdup(d->str);
	return NULL;
}

/* One phone number found in a text, with where it stands. */
struct norm_phone_hit {
	char *digits;   /* national form */
	int start, end; /* byte offsets in the text */
};

/* Cut a run of digit groups ("0905 123 456 - 0236 3888 410") into the
   numbers it holds: from each group on, the longest run of groups that is a
   number.  Appends to hits (at most max); returns the new count. */
static int
norm_phone_run(const char *s, int start, int end, struct norm_phone_hit *hits, int n, int max)
{
	int gs[24], ge[24], ng = 0;

	for (int i = start; i < end && ng < 24;) {
		if (!g_ascii_isdigit(s[i])) {
			i++;
			continue;
		}
		gs[ng] = i;
		while (i < end && g_ascii_isdigit(s[i]))
			i++;
		ge[ng++] = i;
	}
	for (int a = 0; a < ng && n < max;) {
		GString *acc = g_string_new(NULL);
		char *best = NULL;
		int best_b = -1;
		for (int b = a; b < ng && acc->len <= 13; b++) {
			g_string_append_len(acc, s + gs[b], ge[b] - gs[b]);
			GString *d = g_string_new(acc->str);
			char *ph = norm_phone_digits(d);
			g_string_free(d, TRUE);
			if (ph != NULL) {
				g_free(best);
				best = ph;
				best_b = b;
			}
		}
		g_string_free(acc, TRUE);
		if (best == NULL) {
			a++;
			continue;
		}
		/* the sign or bracket before the first group belongs to it */
		int from = gs[a];
		while (from > start && strchr("+(", s[from - 1]) != NULL)
			from--;
		hits[n++] = (struct norm_phone_hit){best, from, ge[best_b]};
		a = best_b + 1;
	}
	return n;
}

/* All phone numbers of s, in order, at most max. */
static int
norm_phones(const char *s, struct norm_phone_hit *hits, int max)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	int n = 0;

	/* a slash is part of a date or a letter number ("14/09/2026",
	   "4242/UBND"), unless long numbers stand on both sides of it */
	g_regex_match(norm_re(&re, "(?<![\\d/])\\(?\\+?\\(?\\d[\\d .\\-()]{6,}\\d(?![\\d/])|"
	                           "(?<=\\d{9}/)\\d{9,11}(?!\\d)|\\d{9,11}(?=/\\d{9})"),
	              s, 0, &mi);
	for (; n < max && g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		int start, end;
		g_match_info_fetch_pos(mi, 0, &start, &end);
		n = norm_phone_run(s, start, end, hits, n, max);
	}
	g_match_info_free(mi);
	return n;
}

/* First phone number in s. */
char *
norm_phone(const char *s)
{
	struct norm_phone_hit hits[8];
	int n = norm_phones(s, hits, G_N_ELEMENTS(hits));
	char *found = n > 0 ? hits[0].digits : NULL;

	for (int i = 1; i < n; i++)
		g_free(hits[i].digits);
	return found;
}

/* What the words beside a number say about it, folded: the contact's own
   line counts for it, the office's switchboard or fax against. */
static const struct {
	const char *words;
	int weight;
} norm_phone_words[] = {
    {"di dong|dd|mobile|mob|cell|cellphone|hp|handphone|ca nhan|lien he|nguoi lien he|contact|"
     "personal|zalo",
     2},
    {"co quan|van phong|vp|office|tong dai|may ban|co dinh|landline|switchboard|hotline|"
     "may le|ext|extension|truc",
     -2},
    {"fax", -5},
};

/* The score of the words of s[from..to). */
static int
norm_phone_context(const char *s, int from, int to)
{
	char *piece = g_strndup(s + from, (gsize)(to - from));
	char *f = text_fold(piece);
	int score = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(norm_phone_words); i++) {
		char **w = g_strsplit(norm_phone_words[i].words, "|", -1);
		for (int k = 0; w[k] != NULL; k++)
			if (text_has_word(f, w[k])) {
				score += norm_phone_words[i].weight;
				break;
			}
		g_strfreev(w);
	}
	g_free(f);
	g_free(piece);
	return score;
}

/* The phone number of s that reaches the person; see normalise.h. */
char *
norm_phone_best(const char *s)
{
	struct norm_phone_hit hits[8];
	int n = norm_phones(s, hits, G_N_ELEMENTS(hits)), best = -1, best_score = 0;
	char *found;

	for (int i = 0, before = 0; i < n; i++) {
		const char *d = hits[i].digits;
		int score = norm_phone_context(s, before, hits[i].start);
		/* "0236 3888 410 (cơ quan)": a remark in brackets right after it */
		const char *p = s + hits[i].end;
		before = hits[i].end;
		while (*p == ' ')
			p++;
		const char *close = *p == '(' ? strchr(p, ')') : NULL;
		if (close != NULL && (i + 1 >= n || close < s + hits[i + 1].start)) {
			score += norm_phone_context(s, (int)(p - s), (int)(close - s));
			before = (int)(close - s) + 1;
		}
		if (strlen(d) == 10 && strchr("35789", d[1]) != NULL)
			score += 1;
		if (best < 0 || score > best_score)
			best = i, best_score = score;
	}
	found = best >= 0 ? hits[best].digits : NULL;
	for (int i = 0; i < n; i++)
		if (i != best)
			g_free(hits[i].digits);
	return found;
}

/* First e-mail address in s, lower case. */
char *
norm_email(const char *s)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *found = NULL;

	if (g_regex_match(
	        norm_re(&re, "[a-z0-9._%+\\-]+@[a-z0-9\\-]+(\\.[a-z0-9\\-]+)*\\.[a-z]{2,}"), s, 0,
	        &mi)) {
		char *m = g_match_info_fetch(mi, 0);
		found = g_ascii_strdown(m, -1);
		g_free(m);
	}
	g_match_info_free(mi);
	return found;
}

/* English and Vietnamese month names, folded. */
static int
norm_month_name(const char *w)
{
	static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
	                                    "jul", "aug", "sep", "oct", "nov", "dec"};
	for (int i = 0; i < 12; i++)
		if (g_ascii_strncasecmp(w, names[i], 3) == 0)
			return i + 1;
	return 0;
}

/* Days in a month of a year. */
static int
norm_days_in(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* Whether the parts make a real date. */
static gboolean
norm_date_valid(const struct norm_date *d)
{
	return d->y >= 1990 && d->y <= 2100 && d->m >= 1 && d->m <= 12 && d->d >= 1 &&
	       d->d <= norm_days_in(d->y, d->m);
}

/* Month names as written in English, folded; without a year "may" is the
   Vietnamese "máy" more often than May. */
#define NORM_MONTHS_NOT_MAY                                                                        \
	"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|june?|july?|aug(?:ust)?|"                \
	"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
#define NORM_MONTHS  "(" NORM_MONTHS_NOT_MAY "|may)\\.?(?![a-z])"
#define NORM_ORDINAL "(?:st|nd|rd|th)?"

/* Date patterns, tried at every position; the earliest match wins. */
enum { DP_YMD, DP_VI, DP_DMY, DP_EN_DMY, DP_EN_MDY, DP_VI_NOYEAR, DP_DM, DP_EN_DM, DP_EN_MD };
static const struct {
	int kind;
	const char *pattern;
} norm_date_patterns[] = {
    {DP_YMD, "(?<!\\d)(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})(?!\\d)"},
    {DP_VI, "ngay\\W{0,3}(\\d{1,2})\\W{0,3}thang\\W{0,3}(\\d{1,2})\\W{0,3}nam\\W{0,3}(\\d{4})"},
    /* "31 tháng 8, 2026", "31 tháng 8 năm 2026" */
    {DP_VI, "(?<![\\d.])(\\d{1,2})\\s*thang\\W{0,3}(\\d{1,2})\\W{0,3}(?:nam\\W{0,3})?(\\d{4})"},
    {DP_DMY,
     "(?<![\\d.])(\\d{1,2})\\s*[/.\\-]\\s*(\\d{1,2})\\s*[/.\\-]\\s*(\\d{4}|\\d{2})(?![\\d])"},
    /* "1 Jun 2026", "1st of June, 2026", "5-Dec-2026" */
    {DP_EN_DMY, "(?<!\\d)(\\d{1,2})" NORM_ORDINAL "(?:\\s+(?:of\\s+)?|\\s*[-/]\\s*)" NORM_MONTHS
                "(?:,?\\s+|\\s*[-/]\\s*)(\\d{4})"},
    /* "June 1, 2026", "Jun 1st 2026" */
    {DP_EN_MDY, NORM_MONTHS "\\s+(\\d{1,2})" NORM_ORDINAL ",?\\s+(\\d{4})"},
    {DP_VI_NOYEAR, "ngay\\W{0,3}(\\d{1,2})\\W{0,3}thang\\W{0,3}(\\d{1,2})(?!\\d)"},
    {DP_VI_NOYEAR, "(?<![\\d.])(\\d{1,2})\\s*thang\\s*(\\d{1,2})(?![\\d/.])"},
    {DP_DM, "(?<![\\d.:/])(\\d{1,2})\\s*[/.\\-]\\s*(\\d{1,2})(?![\\d:/.]|\\.\\d|\\s*gio|\\s*h\\b)"},
    /* "1 June", "Jun 1st" */
    {DP_EN_DM,
     "(?<![\\d.])(\\d{1,2})" NORM_ORDINAL "\\s+(?:of\\s+)?(" NORM_MONTHS_NOT_MAY ")\\.?(?![a-z])"},
    {DP_EN_MD,
     "(?<![a-z])(" NORM_MONTHS_NOT_MAY ")\\.?\\s+(\\d{1,2})" NORM_ORDINAL "(?![\\d:a-z])"},
};

/* Parse the first date of s into parts. */
gboolean
norm_date_parts(const char *s, int ref_year, int ref_month, struct norm_date *out)
{
	static GRegex *res[G_N_ELEMENTS(norm_date_patterns)];
	char *f = text_fold(s);
	int best_start = -1;
	struct norm_date best = {0, 0, 0};

	for (gsize i = 0; i < G_N_ELEMENTS(norm_date_patterns); i++) {
		GMatchInfo *mi = NULL;
		GRegex *re = norm_re(&res[i], norm_date_patterns[i].pattern);
		g_regex_match(re, f, 0, &mi);
		for (; g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
			int start, end;
			struct norm_date d = {0, 0, 0};
			g_match_info_fetch_pos(mi, 0, &start, &end);
			if (best_start >= 0 && start >= best_start)
				break;
			int kind = norm_date_patterns[i].kind;
			switch (kind) {
			case DP_YMD:
				d.y = norm_group_int(mi, 1), d.m = norm_group_int(mi, 2);
				d.d = norm_group_int(mi, 3);
				break;
			case DP_VI:
			case DP_DMY:
				d.d = norm_group_int(mi, 1), d.m = norm_group_int(mi, 2);
				d.y = norm_group_int(mi, 3);
				break;
			case DP_EN_DMY:
			case DP_EN_DM: {
				char *mon = g_match_info_fetch(mi, 2);
				d.d = norm_group_int(mi, 1), d.m = norm_month_name(mon);
				d.y = kind == DP_EN_DMY ? norm_group_int(mi, 3) : 0;
				g_free(mon);
				break;
			}
			case DP_EN_MDY:
			case DP_EN_MD: {
				char *mon = g_match_info_fetch(mi, 1);
				d.m = norm_month_name(mon), d.d = norm_group_int(mi, 2);
				d.y = kind == DP_EN_MDY ? norm_group_int(mi, 3) : 0;
				g_free(mon);
				break;
			}
			default:
				d.d = norm_group_int(mi, 1), d.m = norm_group_int(mi, 2);
				d.y = 0;
				break;
			}
			if (d.y >= 0 && d.y < 100 && norm_date_patterns[i].kind == DP_DMY)
				d.y += 2000;
			if (d.y == 0) {
				if (ref_year <= 0)
					continue;
				d.y = ref_year;
				/* a month well before the mail's means next year */
				if (ref_month > 0 && d.m >= 1 && d.m + 6 < ref_month)
					d.y++;
			}
			if (!norm_date_valid(&d))
				continue;
			best_start = start;
			best = d;
			break;
		}
		g_match_info_free(mi);
	}
	g_free(f);
	if (best_start < 0)
		return FALSE;
	*out = best;
	return TRUE;
}

/* Format a date as ISO. */
char *
norm_date_iso(const struct norm_date *d)
{
	return g_strdup_printf("%04d-%02d-%02d", d->y, d->m, d->d);
}

/* Format a time as HH:MM. */
char *
norm_time_str(const struct norm_time *t)
{
	return g_strdup_printf("%02d:%02d", t->h, t->min);
}

/* First date in s, ISO. */
char *
norm_date(const char *s, int ref_year, int ref_month)
{
	struct norm_date d;

	if (!norm_date_parts(s, ref_year, ref_month, &d))
		return NULL;
	return norm_date_iso(&d);
}

/* Strip trailing punctuation that is not part of a URL. */
static void
norm_trim_url(char *u)
{
	gsize n = strlen(u);
	while (n > 0 && strchr(".,;:)]>\"'", u[n - 1]) != NULL)
		u[--n] = '\0';
}

/* First URL or host name. */
char *
norm_url(const char *s)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *found = NULL;

	g_regex_match(norm_re(&re,
	                      "(?<![@\\w.\\-])(?:https?://)?(?:www\\.)?[a-z0-9][a-z0-9\\-]*(?:\\.["
	                      "a-z0-9\\-]+)*\\.[a-z]{2,}(?::\\d+)?(?:/[^\\s<>\"]*)?(?![@\\w])"),
	              s, 0, &mi);
	if (g_match_info_matches(mi)) {
		found = g_match_info_fetch(mi, 0);
		norm_trim_url(found);
	}
	g_match_info_free(mi);
	return found;
}

/* First IPv4 address. */
char *
norm_ipv4(const char *s)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *found = NULL;

	g_regex_match(norm_re(&re,
	                      "(?<![\\d.])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d]"
	                      "|\\.\\d)"),
	              s, 0, &mi);
	for (; found == NULL && g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		gboolean ok = TRUE;
		for (int i = 1; i <= 4; i++)
			ok = ok && norm_group_int(mi, i) <= 255;
		if (ok)
			found = g_match_info_fetch(mi, 0);
	}
	g_match_info_free(mi);
	return found;
}

/* An official letter number; those citing the People's Committee first. */
char *
norm_letter_ref(const char *s)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *first = NULL, *ubnd = NULL;

	g_regex_match(norm_re(&re, "(?<![\\w/])(\\d{1,6})\\s*/\\s*(\\w+(?:\\s*[\\-–]\\s*\\w+)*)"),
	              s, 0, &mi);
	for (; ubnd == NULL && g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		char *num = g_match_info_fetch(mi, 1), *rest = g_match_info_fetch(mi, 2);
		gboolean letters = FALSE;
		for (const char *p = rest; *p; p = g_utf8_next_char(p))
			letters = letters || g_unichar_isalpha(g_utf8_get_char(p));
		if (letters) {
			char *up = g_utf8_strup(rest, -1);
			GString *r = g_string_new(num);
			g_string_append_c(r, '/');
			for (const char *p = up; *p; p = g_utf8_next_char(p)) {
				gunichar c = g_utf8_get_char(p);
				if (c == 0x2013 || c == 0x2014)
					c = '-';
				if (c != ' ')
					g_string_append_unichar(r, c);
			}
			g_free(up);
			char *clean = g_string_free(r, FALSE);
			char *f = text_fold(clean);
			if (strstr(f, "ubnd") != NULL)
				ubnd = clean;
			else if (first == NULL)
				first = clean;
			else
				g_free(clean);
			g_free(f);
		}
		g_free(num);
		g_free(rest);
	}
	g_match_info_free(mi);
	if (ubnd != NULL) {
		g_free(first);
		return ubnd;
	}
	return first;
}

/* A full sub-domain name under suffix. */
char *
norm_subdomain(const char *s, const char *suffix)
{
	char *f = text_fold(s), *found = NULL;
	/* the suffix is configuration: escape its dots */
	char *esc = g_regex_escape_string(suffix, -1);
	char *pat = g_strdup_printf(
	    "(?<![\\w.\\-@])((?:[a-z0-9](?:[a-z0-9\\-]*[a-z0-9])?\\.)+)%s(?![\\w\\-])", esc);
	GRegex *re;
	GMatchInfo *mi = NULL;

	re = g_regex_new(pat, G_REGEX_CASELESS, 0, NULL);
	if (re != NULL && g_regex_match(re, f, 0, &mi)) {
		char *m = g_match_info_fetch(mi, 0);
		found = g_ascii_strdown(m, -1);
		g_free(m);
	}
	g_match_info_free(mi);
	if (found == NULL) {
		/* a bare label: "tuphap" */
		char *t = g_strstrip(g_strdup(f));
		static GRegex *label;
		if (g_regex_match(norm_re(&label, "^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$"), t, 0,
		                  NULL))
			found = g_strdup_printf("%s.%s", t, suffix);
		g_free(t);
	}
	if (re != NULL)
		g_regex_unref(re);
	g_free(pat);
	g_free(esc);
	g_free(f);
	return found;
}

/* Yes or no. */
int
norm_bool(const char *s)
{
	static const struct {
		const char *word;
		int value;
	} words[] = {{"khong", 0}, {"no", 0},   {"false", 0}, {"0", 0},    {"co", 1},
	             {"yes", 1},   {"true", 1}, {"x", 1},     {"dung", 1}, {"1", 1}};
	char *f = text_fold(s);
	char *t = g_strstrip(f);
	int v = -1;

	for (gsize i = 0; v < 0 && i < G_N_ELEMENTS(words); i++) {
		gsize n = strlen(words[i].word);
		if (strncmp(t, words[i].word, n) == 0 && !g_ascii_isalnum(t[n]))
			v = words[i].value;
	}
	g_free(f);
	return v;
}

/* Identity card number: the first run of 9 to 12 digits. */
char *
norm_id_no(const char *s)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *found = NULL;

	if (g_regex_match(norm_re(&re, "(?<!\\d)\\d[\\d ]{7,14}\\d(?!\\d)"), s, 0, &mi)) {
		char *m = g_match_info_fetch(mi, 0);
		GString *d = norm_digits(m, strlen(m));
		if (d->len == 9 || d->len == 12)
			found = g_strdup(d->str);
		g_string_free(d, TRUE);
		g_free(m);
	}
	g_match_info_free(mi);
	return found;
}

/* Whether c is a leader or separator character around a value: dots,
   ellipses, underscores, tildes, rules, a table's bars. */
static gboolean
norm_is_leader(gunichar c)
{
	return c == '.' || c == 0x2026 || c == '_' || c == ':' || c == 0xB7 || c == 0x2025 ||
	       c == '~' || c == '=' || c == '|' || c == 0x2500 || c == 0x2022 || c == '*';
}

/* Whether c is a dash. */
static gboolean
norm_is_dash(gunichar c)
{
	return c == '-' || c == 0x2013 || c == 0x2014;
}

/* Free text, squeezed and without leaders. */
char *
norm_text(const char *s)
{
	char *t = text_squeeze(s);
	const char *p = t;
	char *end, *out;

	/* leading leaders and separators: "……… Sở X", ": Sở X" */
	while (*p != '\0') {
		gunichar c = g_utf8_get_char(p);
		const char *next = g_utf8_next_char(p);
		if (!norm_is_leader(c) && c != ' ' && !norm_is_dash(c))
			break;
		/* "-5 °C" keeps its sign; "- Sở X", "--- Sở X" lose the dashes */
		if (norm_is_dash(c) && *next != ' ' && !norm_is_dash(g_utf8_get_char(next)))
			break;
		p = next;
	}
	out = g_strdup(p);
	g_free(t);
	/* trailing leaders: two or more dots or an ellipsis, and ';' ',' */
	end = out + strlen(out);
	for (;;) {
		char *prev = end > out ? g_utf8_find_prev_char(out, end) : NULL;
		if (prev == NULL)
			break;
		gunichar c = g_utf8_get_char(prev);
		gunichar before =
		    prev > out ? g_utf8_get_char(g_utf8_find_prev_char(out, prev)) : 0;
		if (c == ' ' || c == ';' || c == ',' || c == 0x2026 || c == '_' || c == '~' ||
		    c == '=' || c == '|' || c == 0x2500 || c == 0xB7 ||
		    ((c == '.' || norm_is_dash(c)) && prev > out && (before == c || before == ' ')))
			end = prev;
		else
			break;
	}
	*end = '\0';
	if (*out == '\0') {
		g_free(out);
		return NULL;
	}
	return out;
}
