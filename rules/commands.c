/* commands.c - the command table, the new text of a reply and the commands
   on its lines; see commands.h and commands_parts.h. */
#include "commands.h"
#include "commands_parts.h"

#include <string.h>

#include "text.h"

/* Reads a command's argument into c (NULL in a row: the text is kept as is). */
typedef void (*arg_reader)(struct command *c, const char *arg, int ref_year, int ref_month);

/* The commands: spellings are folded (lower case, no diacritics); a space
   between syllables stands for nothing, a space, '_' or '-' ("bat dau"
   matches "#batdau", "#bắt đầu", "#bat_dau").  The longest spelling wins. */
static const struct cmd_row {
	enum command_kind kind;
	const char *name;
	const char *const spellings[6];
	arg_reader read;
} cmd_rows[] = {
    {CMD_SCHEDULE, "lich", {"lich", "lich hen", "schedule"}, commands_read_schedule},
    {CMD_START, "batdau", {"bat dau", "start", "started"}, NULL},
    {CMD_DONE, "xong", {"xong", "da xong", "done", "hoan thanh", "hoan tat"}, NULL},
    {CMD_NEEDINFO, "bosung", {"bo sung", "need info", "yeu cau bo sung"}, NULL},
    {CMD_REJECT, "tuchoi", {"tu choi", "reject"}, NULL},
    {CMD_CANCEL, "huy", {"huy", "huy bo", "cancel"}, NULL},
    {CMD_COST, "chiphi", {"chi phi", "cost"}, commands_read_cost},
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

/* Compile a pattern once; patterns are constants, so failure is a bug. */
GRegex *
commands_re(GRegex **slot, const char *pattern)
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
const char *
commands_orig_at(const char *orig, const char *folded, const char *fp)
{
	return g_utf8_offset_to_pointer(orig, g_utf8_pointer_to_offset(folded, fp));
}

/* Whether a folded line opens quoted history: "On … wrote:", "Vào … đã viết:". */
static gboolean
is_attribution(const char *folded)
{
	static GRegex *re;
	return g_regex_match(commands_re(&re,
	                                 "^(on|vao|le|am)\\s.{3,300}\\s(wrote|(?:da )?viet|a ecrit|"
	                                 "schrieb)\\s*:?\\s*$"),
	                     folded, 0, NULL);
}

/* Whether a folded line separates an earlier message: "-----Original
   Message-----", a forward, or Outlook's line of underscores. */
static gboolean
is_separator(const char *folded)
{
	static GRegex *re;
	return g_regex_match(commands_re(&re,
	                                 "^(-{2,}\\s*(original message|thu goc|tin nhan goc|"
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

	if (g_regex_match(commands_re(&from, "^\\*?\\s*(from|tu|nguoi gui)\\s*\\*?\\s*:"), folded,
	                  0, NULL))
		return 1;
	if (g_regex_match(commands_re(&other, "^\\*?\\s*(sent|date|subject|da gui|gui luc|ngay gui|"
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
GPtrArray *
commands_new_lines(const char *text)
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
				arg = commands_orig_at(line, f, f + 1 + len);
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
				arg = commands_orig_at(line, f, p + 1);
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
	GPtrArray *lines = commands_new_lines(text);

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
			found = g_strdup(commands_orig_at(line, f, h));
	g_free(f);
	return found;
}

/* Lines that look meant as commands but are none. */
GPtrArray *
commands_hints(const char *text)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *lines = commands_new_lines(text);

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
