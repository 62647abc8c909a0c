/* commands.c - staff commands and units' confirmations; see commands.h. */
#include "commands.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Reads a command's argument into c (NULL in a row: the text is kept as is). */
typedef void (*arg_reader)(struct command *c, const char *arg, int ref_year, int ref_month);

static void read_schedule(struct command *c, const char *arg, int ref_year, int ref_month);
static void read_cost(struct command *c, const char *arg, int ref_year, int ref_month);

/* The commands: spellings are folded (lower case, no diacritics); a space
   between syllables stands for nothing, a space, '_' or '-' ("bat dau"
   matches "#batdau", "#bắt đầu", "#bat_dau").  The longest spelling wins. */
static const struct cmd_row {
	enum command_kind kind;
	const char *name;
	const char *const spellings[6];
	arg_reader read;
} cmd_rows[] = {
    {CMD_SCHEDULE, "lich", {"lich", "lich hen", "schedule"}, read_schedule},
    {CMD_START, "batdau", {"bat dau", "start", "started"}, NULL},
    {CMD_DONE, "xong", {"xong", "da xong", "done", "hoan thanh", "hoan tat"}, NULL},
    {CMD_NEEDINFO, "bosung", {"bo sung", "need info", "yeu cau bo sung"}, NULL},
    {CMD_REJECT, "tuchoi", {"tu choi", "reject"}, NULL},
    {CMD_CANCEL, "huy", {"huy", "huy bo", "cancel"}, NULL},
    {CMD_COST, "chiphi", {"chi phi", "cost"}, read_cost},
    {CMD_NOTE, "ghichu", {"ghi chu", "note"}, NULL},
    {CMD_EMERGENCY, "khancap", {"khan cap", "emergency"}, NULL},
    {CMD_FILES, "tep", {"tep", "files", "tep goc", "ban goc"}, NULL},
    {CMD_TAKE, "nhan", {"nhan", "nhan viec", "take"}, NULL},
    {CMD_ASSIGN, "giao", {"giao", "giao viec", "phan cong", "assign"}, NULL},
    {CMD_SEARCH, "tim", {"tim", "tim kiem", "search"}, NULL},
};

/* Labels that make a plain line a command: "Lịch: 9h00 ngày 05/12/2026". */
static const struct {
	enum command_kind kind;
	const char *label;
} line_labels[] = {
    {CMD_SCHEDULE, "lich"},
    {CMD_SCHEDULE, "lich hen"},
    {CMD_SCHEDULE, "lich lam viec"},
    {CMD_SCHEDULE, "schedule"},
};

/* Amount multipliers, folded. */
static const struct {
	const char *word;
	gint64 factor;
} multipliers[] = {
    {"ty", 1000000000}, {"trieu", 1000000}, {"tr", 1000000},
    {"nghin", 1000},    {"ngan", 1000},     {"k", 1000},
};

/* Phrases that confirm completion anywhere in a clause (folded words). */
static const char *const confirm_phrases[] = {
    "xac nhan hoan thanh",
    "xac nhan da hoan thanh",
    "xac nhan hoan tat",
    "xac nhan da xong",
    "da hoan thanh",
    "da hoan tat",
    "dong y",
    "nhat tri",
    "confirm",
    "confirmed",
    "i confirm",
    "we confirm",
    "agreed",
    "da nhan ban giao",
    "nhan ban giao",
    "da xong",
    "xong roi",
    "da nghiem thu",
    "completed",
};

/* Words that confirm when they begin a line: "OK, đã nhận". */
static const char *const confirm_starts[] = {"ok", "okay", "oke", "oki", "okie"};

/* Words that confirm only alone on a line ("Xác nhận ạ", "Done."). */
static const char *const confirm_alone[] = {"xac nhan", "yes",        "vang",   "done",
                                            "xong",     "hoan thanh", "ok roi", "duoc roi"};

/* Particles a line may begin with before what it says ("Dạ, OK"). */
static const char *const lead_particles[] = {"da", "vang", "yes", "u", "uh", "thanks", "cam on"};

/* Politeness after a lone word ("OK ạ", "Xác nhận, cảm ơn anh"). */
static const char *const tail_particles[] = {"a",   "anh",    "chi",   "em",  "nhe",
                                             "nha", "thanks", "thank", "you", "cam",
                                             "on",  "nhieu",  "ban",   "ad",  "admin"};

/* Words that, just before a phrase, undo it ("không đồng ý", "please
   confirm", "nếu đồng ý"). */
static const char *const negators[] = {
    "khong", "ko",     "k",      "kg",      "khg",   "hok",     "chua",   "chang",
    "cha",   "not",    "no",     "never",   "don't", "doesn't", "didn't", "isn't",
    "can't", "cannot", "hasn't", "haven't", "won't", "please",  "vui",    "neu",
    "if",    "hay",    "can",    "nghi",    "cho",
};

/* Words that, just after a phrase, make it a question ("Đồng ý không?"). */
static const char *const question_tails[] = {"chua", "khong", "ko", "k", "hok", "chu", "sao"};

/* Phrases that say the work is not done or not accepted: any of them in the
   new text and the reply is no confirmation. */
static const char *const negative_phrases[] = {
    "chua hoan thanh", "chua xong",      "van chua",
    "chua nhan duoc",  "khong dong y",   "chua dong y",
    "khong nhat tri",  "not confirmed",  "khong xac nhan",
    "chua xac nhan",   "chua duoc",      "khong duoc",
    "van loi",         "van con",        "van bi",
    "van khong",       "con loi",        "bi loi",
    "khong the",       "khong vao duoc", "khong hoat dong",
    "chua hoat dong",  "not working",    "doesn't work",
    "does not work",   "not done",       "not yet",
    "not complete",    "not completed",  "still",
    "cannot",          "can't",          "unable",
    "khong dung",      "bi sai",         "con sai",
    "chua on",         "khong on",       "chua chinh xac",
    "khong chinh xac", "tuy nhien",      "but",
    "however",         "van chua xong",  "do not confirm",
};

/* Words that carry a reservation but fold onto common words ("nhưng" folds
   to "nhung" like "những"): matched in lower case with diacritics. */
static const char *const reservations[] = {"nhưng"};

/* Compile a pattern once; patterns are constants, so failure is a bug. */
static GRegex *
cmd_re(GRegex **slot, const char *pattern)
{
	if (g_atomic_pointer_get(slot) == NULL) {
		GError *err = NULL;
		GRegex *re = g_regex_new(pattern, G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, &err);
		if (re == NULL)
			g_error("commands: bad pattern %s: %s", pattern, err->message);
		if (!g_atomic_pointer_compare_and_exchange(slot, NULL, re))
			g_regex_unref(re);
	}
	return g_atomic_pointer_get(slot);
}

/* The first character of s that is not a space or a tab. */
static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* The byte in orig at the character that fp is at in folded (text_fold keeps
   one character per character). */
static const char *
orig_at(const char *orig, const char *folded, const char *fp)
{
	return g_utf8_offset_to_pointer(orig, g_utf8_pointer_to_offset(folded, fp));
}

/* Whether a folded line opens quoted history: "On … wrote:", "Vào … đã viết:". */
static gboolean
is_attribution(const char *folded)
{
	static GRegex *re;
	return g_regex_match(cmd_re(&re, "^(on|vao|le|am)\\s.{3,300}\\s(wrote|da viet|a ecrit|"
	                                 "schrieb)\\s*:?\\s*$"),
	                     folded, 0, NULL);
}

/* Whether a folded line separates an earlier message: "-----Original
   Message-----", a forward, or Outlook's line of underscores. */
static gboolean
is_separator(const char *folded)
{
	static GRegex *re;
	return g_regex_match(cmd_re(&re, "^(-{2,}\\s*(original message|thu goc|tin nhan goc|"
	                                 "forwarded message|thu chuyen tiep|tin nhan da chuyen "
	                                 "tiep)|begin forwarded message|_{10,}\\s*$)"),
	                     folded, 0, NULL);
}

/* Header label of a folded line in a quoted Outlook block: 1 for From/Từ,
   2 for Sent/Date/Subject and their Vietnamese names, 0 otherwise. */
static int
header_label(const char *folded)
{
	static GRegex *from, *other;

	if (g_regex_match(cmd_re(&from, "^\\*?\\s*(from|tu|nguoi gui)\\s*\\*?\\s*:"), folded, 0,
	                  NULL))
		return 1;
	if (g_regex_match(cmd_re(&other, "^\\*?\\s*(sent|date|subject|da gui|gui luc|ngay gui|"
	                                 "thoi gian gui|ngay|chu de|tieu de)\\s*\\*?\\s*:"),
	                  folded, 0, NULL))
		return 2;
	return 0;
}

/* Whether the line at lines[i] (folded: f) starts an Outlook header block. */
static gboolean
starts_header_block(char **lines, int i, const char *f)
{
	if (header_label(f) != 1)
		return FALSE;
	if (strchr(f, '@') != NULL)
		return TRUE;
	for (int j = i + 1; j <= i + 4 && lines[j] != NULL; j++) {
		char *g = text_fold(skip_blank(lines[j]));
		int k = header_label(g);
		g_free(g);
		if (k == 2)
			return TRUE;
	}
	return FALSE;
}

/* Whether a line (leading spaces kept) is quoted with '>'. */
static gboolean
is_quoted(const char *line)
{
	return *skip_blank(line) == '>';
}

/* The lines of the new text of a message, trimmed: quoted '>' lines are
   skipped, reading stops at a signature, an attribution not followed by a
   quote, a separator or an Outlook header block. */
static GPtrArray *
new_lines(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	char *nfc, *clean;
	char **lines;

	if (text == NULL)
		return out;
	nfc = text_nfc(text);
	clean = text_clean_lines(nfc);
	lines = g_strsplit(clean, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		char *line = g_strchomp(lines[i]);
		char *f;

		if (strcmp(line, "--") == 0)
			break; /* signature ("-- " before the spaces were trimmed) */
		if (is_quoted(line))
			continue;
		line = g_strchug(line);
		f = text_fold(line);
		gboolean stop = is_separator(f) || starts_header_block(lines, i, f);
		int attribution = 0;
		if (!stop && is_attribution(f))
			attribution = 1;
		else if (!stop && lines[i + 1] != NULL &&
		         (g_str_has_prefix(f, "on ") || g_str_has_prefix(f, "vao "))) {
			/* an attribution wrapped onto two lines */
			char *two = g_strconcat(line, " ", lines[i + 1], NULL);
			char *g = text_fold(two);
			if (is_attribution(g))
				attribution = 2;
			g_free(g);
			g_free(two);
		}
		g_free(f);
		if (attribution > 0) {
			/* history is quoted after it: skip the attribution and read
			   on (an answer may follow the quote); else it is the end */
			int j = i + attribution;
			while (lines[j] != NULL && *skip_blank(lines[j]) == '\0')
				j++;
			if (lines[j] == NULL || !is_quoted(lines[j]))
				break;
			i = j - 1;
			continue;
		}
		if (stop)
			break;
		g_ptr_array_add(out, g_strdup(line));
	}
	g_strfreev(lines);
	g_free(clean);
	g_free(nfc);
	return out;
}

/* Length of the folded spelling matched at f (0 if none): a space in the
   spelling matches any run of spaces, '_' and '-', and the word must end. */
static gsize
match_spelling(const char *f, const char *spelling)
{
	const char *p = f;

	for (const char *s = spelling; *s != '\0'; s++) {
		if (*s == ' ') {
			while (*p == ' ' || *p == '_' || *p == '-')
				p++;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
	}
	if (*p != '\0' && g_unichar_isalnum(g_utf8_get_char(p)))
		return 0;
	return (gsize)(p - f);
}

/* The row whose spelling is the longest match at folded f; *len is set. */
static const struct cmd_row *
find_row(const char *f, gsize *len)
{
	const struct cmd_row *best = NULL;

	*len = 0;
	for (gsize i = 0; i < G_N_ELEMENTS(cmd_rows); i++)
		for (gsize j = 0; j < G_N_ELEMENTS(cmd_rows[i].spellings); j++) {
			const char *sp = cmd_rows[i].spellings[j];
			gsize n = sp != NULL ? match_spelling(f, sp) : 0;
			if (n > *len)
				*len = n, best = &cmd_rows[i];
		}
	return best;
}

/* The row of a kind. */
static const struct cmd_row *
row_of_kind(enum command_kind kind)
{
	for (gsize i = 0; i < G_N_ELEMENTS(cmd_rows); i++)
		if (cmd_rows[i].kind == kind)
			return &cmd_rows[i];
	return NULL;
}

/* The argument after a command word: one leading ':', '.', ',' or dash and
   the spaces around it dropped. */
static char *
clean_arg(const char *arg)
{
	const char *p = skip_blank(arg);
	gunichar c = g_utf8_get_char(p);

	if (c == ':' || c == '.' || c == ',' || c == '-' || c == 0x2013 || c == 0x2014)
		p = g_utf8_next_char(p);
	return g_strstrip(g_strdup(p));
}

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
static void
read_schedule(struct command *c, const char *arg, int ref_year, int ref_month)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;
	char *f = text_fold(arg);

	for (gsize i = 0; i < G_N_ELEMENTS(schedule_rewrites); i++) {
		GRegex *re = cmd_re(&schedule_rewrites[i].re, schedule_rewrites[i].pattern);
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
	char *t = g_regex_replace_literal(cmd_re(&empty, "\\(\\s*\\)|\\[\\s*\\]"), s, -1, 0, " ", 0,
	                                  NULL);
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
static void
read_cost(struct command *c, const char *arg, int ref_year, int ref_month)
{
	static GRegex *re;
	char *f = text_fold(arg);
	GMatchInfo *mi = NULL;
	int best_start = -1, best_end = -1;
	gboolean best_marked = FALSE;

	(void)ref_year, (void)ref_month;
	c->amount = -1;
	g_regex_match(
	    cmd_re(&re,
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
		const char *s = orig_at(arg, f, f + best_start), *e = orig_at(arg, f, f + best_end);
		GString *r = g_string_new_len(arg, s - arg);
		g_string_append_c(r, ' ');
		g_string_append(r, e);
		g_free(c->text);
		c->text = tidy_rest(r->str);
		g_string_free(r, TRUE);
	}
	g_free(f);
}

/* A new command of row's kind from a line and the argument in it. */
static struct command *
command_new(const struct cmd_row *row, const char *line, const char *arg, int ref_year,
            int ref_month)
{
	struct command *c = g_new0(struct command, 1);
	char *a = clean_arg(arg);

	c->kind = row->kind;
	c->name = row->name;
	c->amount = -1;
	c->line = g_strdup(line);
	c->text = *a != '\0' ? g_strdup(a) : NULL;
	if (row->read != NULL)
		row->read(c, a, ref_year, ref_month);
	g_free(a);
	return c;
}

/* The command on one trimmed line of new text, or NULL; a '#' word that
   names no command is added to unknown. */
static struct command *
parse_line(const char *line, int ref_year, int ref_month, GPtrArray *unknown)
{
	char *f = text_fold(line);
	const struct cmd_row *row = NULL;
	const char *arg = NULL;
	gsize len = 0;

	if (f[0] == '#') {
		if (g_unichar_isalpha(g_utf8_get_char(f + 1))) {
			row = find_row(f + 1, &len);
			if (row != NULL)
				arg = orig_at(line, f, f + 1 + len);
			else if (unknown != NULL)
				g_ptr_array_add(unknown, g_strdup(line));
		}
	} else {
		/* "Lịch: 9h00 ngày 05/12/2026" */
		for (gsize i = 0; i < G_N_ELEMENTS(line_labels); i++) {
			gsize n = match_spelling(f, line_labels[i].label);
			const char *p = n > 0 ? skip_blank(f + n) : NULL;
			if (p != NULL && *p == ':' && n > len) {
				len = n;
				row = row_of_kind(line_labels[i].kind);
				arg = orig_at(line, f, p + 1);
			}
		}
	}
	g_free(f);
	return row != NULL ? command_new(row, line, arg, ref_year, ref_month) : NULL;
}

/* The commands in the new text of a message. */
GPtrArray *
commands_parse(const char *text, int ref_year, int ref_month, GPtrArray *unknown)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(command_free);
	GPtrArray *lines = new_lines(text);

	for (guint i = 0; i < lines->len; i++) {
		struct command *c = parse_line(lines->pdata[i], ref_year, ref_month, unknown);
		if (c != NULL)
			g_ptr_array_add(out, c);
	}
	g_ptr_array_unref(lines);
	return out;
}

/* The command written inside a line (a '#' word past its start that names
   one), from its '#' to the line's end; NULL when none. */
static char *
inner_command(const char *line)
{
	char *f = text_fold(line);
	char *found = NULL;
	gsize len;

	for (const char *h = f[0] != '\0' ? strchr(f + 1, '#') : NULL; h != NULL && found == NULL;
	     h = strchr(h + 1, '#'))
		if (g_unichar_isalpha(g_utf8_get_char(h + 1)) && find_row(h + 1, &len) != NULL)
			found = g_strdup(orig_at(line, f, h));
	g_free(f);
	return found;
}

/* Lines that look meant as commands but are none. */
GPtrArray *
commands_hints(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *lines = new_lines(text);

	for (guint i = 0; i < lines->len; i++) {
		const char *line = lines->pdata[i];
		GPtrArray *unknown = g_ptr_array_new_with_free_func(g_free);
		struct command *c = parse_line(line, 0, 0, unknown);
		char *inner = c == NULL && unknown->len == 0 ? inner_command(line) : NULL;
		if (unknown->len > 0)
			g_ptr_array_add(out, g_strdup(line));
		else if (inner != NULL)
			g_ptr_array_add(out, g_strdup_printf("%s\t%s", line, inner));
		if (c != NULL)
			command_free(c);
		g_free(inner);
		g_ptr_array_unref(unknown);
	}
	g_ptr_array_unref(lines);
	return out;
}

/* Whether s is one of the n words of list. */
static gboolean
in_list(const char *s, const char *const *list, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Whether a token is a clause mark ("." or "?") rather than a word. */
static gboolean
is_mark(const char *t)
{
	return strcmp(t, ".") == 0 || strcmp(t, "?") == 0;
}

/* The words of a folded line with clause marks between them: "?" after a
   question, "." after other punctuation; apostrophes stay in words. */
static GPtrArray *
tokens_of(const char *folded)
{
	GPtrArray *t = g_ptr_array_new_with_free_func(g_free);
	GString *w = g_string_new(NULL);

	for (const char *p = folded;; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (c == 0x2019)
			c = '\'';
		if (c != '\0' && (g_unichar_isalnum(c) || (c == '\'' && w->len > 0))) {
			g_string_append_unichar(w, c);
			continue;
		}
		if (w->len > 0) {
			g_ptr_array_add(t, g_strdup(w->str));
			g_string_truncate(w, 0);
		}
		if (c == '\0')
			break;
		const char *mark = NULL;
		if (c == '?')
			mark = "?";
		else if ((c < 0x80 && strchr(".,;:!()[]", (int)c) != NULL) || c == 0x2026 ||
		         c == 0x2013 || c == 0x2014 || (c == '-' && (p[1] == ' ' || p[1] == '\0')))
			mark = ".";
		if (mark != NULL) {
			if (t->len > 0 && is_mark(g_ptr_array_index(t, t->len - 1)))
				g_free(t->pdata[t->len - 1]), t->pdata[t->len - 1] = g_strdup(mark);
			else
				g_ptr_array_add(t, g_strdup(mark));
		}
	}
	g_string_free(w, TRUE);
	return t;
}

/* Number of tokens the words of phrase match at t[i], 0 if they do not. */
static guint
match_phrase(GPtrArray *t, guint i, const char *phrase)
{
	char **words = g_strsplit(phrase, " ", -1);
	guint n = 0;

	while (words[n] != NULL && i + n < t->len && strcmp(t->pdata[i + n], words[n]) == 0)
		n++;
	if (words[n] != NULL)
		n = 0;
	g_strfreev(words);
	return n;
}

/* Whether any phrase of list occurs in t. */
static gboolean
has_phrase(GPtrArray *t, const char *const *list, gsize n)
{
	for (guint i = 0; i < t->len; i++)
		for (gsize k = 0; k < n; k++)
			if (match_phrase(t, i, list[k]) > 0)
				return TRUE;
	return FALSE;
}

/* Whether the phrase at t[i..i+n) is undone: a negation or a request within
   three words before it in its clause, a question word right after it, or
   its clause ending in '?'. */
static gboolean
phrase_undone(GPtrArray *t, guint i, guint n)
{
	for (guint k = 1; k <= 3 && k <= i; k++) {
		const char *w = t->pdata[i - k];
		if (is_mark(w))
			break;
		if (in_list(w, negators, G_N_ELEMENTS(negators)))
			return TRUE;
	}
	if (i + n < t->len &&
	    in_list(t->pdata[i + n], question_tails, G_N_ELEMENTS(question_tails)))
		return TRUE;
	for (guint k = i + n; k < t->len; k++)
		if (is_mark(t->pdata[k]))
			return strcmp(t->pdata[k], "?") == 0;
	return FALSE;
}

/* Whether the words t[a..b) are exactly one phrase of list. */
static gboolean
span_is(GPtrArray *t, guint a, guint b, const char *const *list, gsize n)
{
	for (gsize k = 0; k < n; k++)
		if (match_phrase(t, a, list[k]) == b - a)
			return TRUE;
	return FALSE;
}

/* Whether the clause t[a..b) says only a confirming word, with particles
   before it and politeness after it ("Dạ vâng ạ", "Xác nhận, cảm ơn anh"). */
static gboolean
clause_alone_confirms(GPtrArray *t, guint a, guint b)
{
	while (b > a + 1 && in_list(t->pdata[b - 1], tail_particles, G_N_ELEMENTS(tail_particles)))
		b--;
	while (a < b) {
		guint n = 0;
		if (span_is(t, a, b, confirm_alone, G_N_ELEMENTS(confirm_alone)) ||
		    span_is(t, a, b, confirm_starts, G_N_ELEMENTS(confirm_starts)))
			return TRUE;
		for (gsize k = 0; n == 0 && k < G_N_ELEMENTS(lead_particles); k++)
			n = match_phrase(t, a, lead_particles[k]);
		if (n == 0 || a + n > b)
			return FALSE;
		a += n;
	}
	return FALSE;
}

/* Whether the line's tokens confirm: a confirming phrase not undone, a lone
   confirming word, or "OK" beginning the line. */
static gboolean
line_confirms(GPtrArray *t)
{
	gboolean question = FALSE, yes = FALSE;
	guint first = 0;

	for (guint i = 0; i < t->len; i++)
		question = question || strcmp(t->pdata[i], "?") == 0;
	if (!question) {
		for (guint a = 0, b = 0; !yes && b <= t->len; b++)
			if (b == t->len || is_mark(t->pdata[b])) {
				yes = b > a && clause_alone_confirms(t, a, b);
				a = b + 1;
			}
		/* "OK, đã nhận", "Dạ ok em" */
		while (first < t->len) {
			guint n = is_mark(t->pdata[first]) ? 1 : 0;
			for (gsize k = 0; n == 0 && k < G_N_ELEMENTS(lead_particles); k++)
				n = match_phrase(t, first, lead_particles[k]);
			if (n == 0)
				break;
			first += n;
		}
		if (first < t->len &&
		    in_list(t->pdata[first], confirm_starts, G_N_ELEMENTS(confirm_starts)) &&
		    !phrase_undone(t, first, 1))
			yes = TRUE;
	}
	for (guint i = 0; !yes && i < t->len; i++)
		for (gsize k = 0; !yes && k < G_N_ELEMENTS(confirm_phrases); k++) {
			guint n = match_phrase(t, i, confirm_phrases[k]);
			yes = n > 0 && !phrase_undone(t, i, n);
		}
	return yes;
}

/* Whether lower-case text holds a reservation word standing alone. */
static gboolean
has_reservation(const char *lower)
{
	for (gsize k = 0; k < G_N_ELEMENTS(reservations); k++) {
		gsize n = strlen(reservations[k]);
		for (const char *p = strstr(lower, reservations[k]); p != NULL;
		     p = strstr(p + 1, reservations[k])) {
			const char *prev = p > lower ? g_utf8_find_prev_char(lower, p) : NULL;
			gboolean left = prev == NULL || !g_unichar_isalnum(g_utf8_get_char(prev));
			gboolean right = p[n] == '\0' || !g_unichar_isalnum(g_utf8_get_char(p + n));
			if (left && right)
				return TRUE;
		}
	}
	return FALSE;
}

/* Whether a unit's reply confirms completion. */
gboolean
commands_is_confirmation(const char *text)
{
	GPtrArray *lines = new_lines(text);
	gboolean yes = FALSE, no = FALSE;

	for (guint i = 0; i < lines->len && !no; i++) {
		char *f = text_fold(lines->pdata[i]);
		char *lower = g_utf8_strdown(lines->pdata[i], -1);
		GPtrArray *t = tokens_of(f);

		no = has_phrase(t, negative_phrases, G_N_ELEMENTS(negative_phrases)) ||
		     has_reservation(lower);
		yes = yes || line_confirms(t);
		g_ptr_array_unref(t);
		g_free(lower);
		g_free(f);
	}
	g_ptr_array_unref(lines);
	return yes && !no;
}

/* Release one command. */
void
command_free(gpointer p)
{
	struct command *c = p;

	if (c == NULL)
		return;
	g_free(c->text);
	g_free(c->date);
	g_free(c->time);
	g_free(c->until);
	g_free(c->line);
	g_free(c);
}
