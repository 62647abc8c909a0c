/* fields.c - labelled fields of a typed form, read from text; see fields.h. */
#include "fields.h"
#include "fields_parts.h"

#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "prose.h"
#include "text.h"

/* Parser state across lines. */
enum section { S_NONE, S_ADMIN, S_LIST, S_ITEM, S_LIST_ITEM };

struct ctx {
	const struct fields_opts *opts;
	struct fields_result *r;
	JsonArray *people;  /* list rows and "Người 1:" blocks */
	JsonObject *person; /* the block being filled, owned by people */
	enum section section;
	int columns[16]; /* table header: column index per cell, -1 none */
	int ncolumns;
	const char *last_key; /* for continuation lines */
	int continued;
	gboolean forwarded;      /* inside a forwarded message's header block */
	int pending;             /* slot whose value is on the next line, or -1 */
	guint seen_keys;         /* fields set before the current line */
	guint seen_people;       /* people listed before the current line */
	int box_slot;            /* slot whose options may follow as check-box lines, or -1 */
	const char *box_key;     /* text field filled from ticked boxes */
	gboolean section_filled; /* the section's heading was followed by a value */
	int field_cols[16];      /* a table row of field labels: slot per cell, -1 none */
	int nfield_cols;
};

/* Set a string field unless it is already set. */
static gboolean
put(JsonObject *o, const char *key, char *value)
{
	if (value == NULL)
		return FALSE;
	if (*value == '\0' || json_object_has_member(o, key)) {
		g_free(value);
		return FALSE;
	}
	json_object_set_string_member(o, key, value);
	g_free(value);
	return TRUE;
}

/* Append more text to a text field, after sep (leaders alone add nothing). */
static void
put_append_sep(JsonObject *o, const char *key, const char *more, const char *sep)
{
	const char *old = json_object_get_string_member(o, key);
	char *tail = norm_text(more), *joined;

	if (tail == NULL)
		return;
	joined = g_strdup_printf("%s%s%s", old, sep, tail);
	json_object_set_string_member(o, key, joined);
	g_free(joined);
	g_free(tail);
}

/* Append a continuation line to a text field. */
static void
put_append(JsonObject *o, const char *key, const char *more)
{
	put_append_sep(o, key, more, " ");
}

/* Read a choice value: ticked boxes first, else the words. */
static const char *
read_choice(const char *key, const char *value)
{
	GPtrArray *ticked = fields_checked_options(value);
	const char *found = NULL;

	if (ticked == NULL)
		return fields_option_match(key, value, TRUE);
	for (guint i = 0; found == NULL && i < ticked->len; i++)
		found = fields_option_match(key, g_ptr_array_index(ticked, i), FALSE);
	g_ptr_array_free(ticked, TRUE);
	return found;
}

/* Read a yes/no value, from boxes or words; "Có Không" unticked is neither. */
static int
read_bool(const char *value)
{
	GPtrArray *ticked = fields_checked_options(value);
	int v = -1;

	if (ticked == NULL) {
		char *f = fields_label_norm(value);
		gboolean both = text_has_word(f, "co") && text_has_word(f, "khong");
		g_free(f);
		return both ? -1 : norm_bool(value);
	}
	for (guint i = 0; v < 0 && i < ticked->len; i++)
		v = norm_bool(g_ptr_array_index(ticked, i));
	g_ptr_array_free(ticked, TRUE);
	return v;
}

/* An e-mail address from a column that may hold only the local part. */
static char *
read_account(const char *value, const char *suffix)
{
	char *e = norm_email(value);
	static GRegex *local;

	if (e != NULL)
		return e;
	if (local == NULL)
		local = g_regex_new("^\\s*([a-z0-9][a-z0-9._\\-]{1,63})\\s*$", G_REGEX_CASELESS, 0,
		                    NULL);
	GMatchInfo *mi = NULL;
	if (g_regex_match(local, value, 0, &mi)) {
		char *l = g_match_info_fetch(mi, 1);
		e = g_ascii_strdown(l, -1);
		g_free(l);
		char *full = g_strdup_printf("%s@%s", e, suffix);
		g_free(e);
		e = full;
	}
	g_match_info_free(mi);
	return e;
}

/* An identity card number (9 or 12 digits), or else a passport number
   ("C1234567"), upper case. */
static char *
read_id(const char *value)
{
	static GRegex *passport;
	GMatchInfo *mi = NULL;
	char *id = norm_id_no(value);

	if (id != NULL)
		return id;
	if (passport == NULL)
		passport = g_regex_new("(?<![\\w])([a-z]{1,2}\\s?\\d{6,8})(?![\\w])",
		                       G_REGEX_CASELESS, 0, NULL);
	if (g_regex_match(passport, value, 0, &mi)) {
		char *m = g_match_info_fetch(mi, 1), *up = g_ascii_strup(m, -1);
		GString *t = g_string_new(NULL);
		for (const char *q = up; *q != '\0'; q++)
			if (*q != ' ')
				g_string_append_c(t, *q);
		id = g_string_free(t, FALSE);
		g_free(up);
		g_free(m);
	}
	g_match_info_free(mi);
	return id;
}

/* Courtesy words before a name, lower case; the words without diacritics
   only count in a name typed without them ("Chu" is a family name, "chú"
   an uncle). */
static const char courtesy_words[] = "ông|bà|anh|chị|em|cô|chú|mr|mrs|ms|miss|dr|đ/c";
static const char courtesy_ascii[] = "ong|ba|anh|chi|mr|mrs|ms|miss|dr|d/c";

/* Titles written before a name, folded ("Chánh Văn phòng Lê Văn Sơn"). */
static const char *const name_titles[] = {
    "pho chanh van phong",
    "chanh van phong",
    "pho truong phong",
    "truong phong",
    "pho phong",
    "pho giam doc",
    "giam doc",
    "pho truong ban",
    "truong ban",
    "pho chu tich",
    "chu tich",
    "chuyen vien chinh",
    "chuyen vien",
    "ky thuat vien",
    "ky su",
    "can bo",
    "van thu",
    "ke toan",
    "thu truong",
    "director",
    "deputy director",
    "manager",
    "it manager",
    "engineer",
    "officer",
};

/* The name without the courtesy word or title before it, when a
   capitalised name of two words or more follows ("Anh Tuấn" alone may be
   the name); v is freed or returned. */
static char *
name_strip_prefix(char *v)
{
	char **w = g_strsplit(v, " ", -1);
	int nw = (int)g_strv_length(w), skip = 0;
	gboolean ascii = TRUE;

	for (const char *q = v; *q != '\0'; q++)
		ascii = ascii && (guchar)*q < 0x80;
	if (nw >= 3) {
		char *first = g_utf8_strdown(w[0], -1);
		gsize n = strlen(first);
		if (n > 0 && first[n - 1] == '.')
			first[n - 1] = '\0';
		if (text_list_has(courtesy_words, first) ||
		    (ascii && text_list_has(courtesy_ascii, first)))
			skip = 1;
		g_free(first);
	}
	if (skip == 0) {
		char *f = text_fold(v);
		for (gsize i = 0; i < G_N_ELEMENTS(name_titles) && skip == 0; i++) {
			gsize n = strlen(name_titles[i]);
			if (strncmp(f, name_titles[i], n) == 0 && f[n] == ' ') {
				int words = 1;
				for (const char *q = name_titles[i]; *q != '\0'; q++)
					words += *q == ' ';
				skip = words;
			}
		}
		g_free(f);
	}
	if (skip > 0 && nw - skip >= 2 && g_unichar_isupper(g_utf8_get_char(w[skip]))) {
		char *rest = g_strjoinv(" ", w + skip);
		g_free(v);
		v = rest;
	} else {
		skip = 0;
	}
	g_strfreev(w);
	return skip > 0 ? name_strip_prefix(v) : v;
}

/* A person's name as a careful reader writes it: without the courtesy word
   or title before it ("Ông", "chị", "Mr.", "Chánh Văn phòng") nor a remark
   in brackets after it. */
static char *
read_name(const char *value)
{
	char *v = norm_text(value), *paren;

	if (v == NULL)
		return NULL;
	paren = strchr(v, '(');
	if (paren != NULL && paren > v)
		*paren = '\0';
	v = name_strip_prefix(v);
	char *out = norm_text(v);
	g_free(v);
	return out;
}

/* Store one cell of a person under its column. */
static void
person_put(struct ctx *c, JsonObject *p, int col, const char *value)
{
	const char *key = fields_columns[col].key;

	switch (fields_columns[col].kind) {
	case K_PHONE:
		put(p, key, norm_phone_best(value));
		break;
	case K_EMAIL:
		put(p, key, read_account(value, c->opts->domain_suffix));
		break;
	case K_ID:
		put(p, key, read_id(value));
		break;
	case K_IGNORE:
		break;
	default:
		if (strcmp(key, "full_name") == 0)
			put(p, key, read_name(value));
		else
			put(p, key, norm_text(value));
		break;
	}
}

/* Whether a cell is only a row number ("1", "01", "1."). */
static gboolean
cell_is_number(const char *s)
{
	int digits = 0;

	for (; *s != '\0'; s++) {
		if (g_ascii_isdigit(*s))
			digits++;
		else if (*s != '.' && *s != ' ' && *s != ')')
			return FALSE;
	}
	return digits > 0 && digits <= 3;
}

/* A cell that names its own column: "CCCD 048095001234", "ĐT: 0905…",
   "Email a@b.vn", "Đơn vị: Công ty X".  Without a colon only a number or an
   address may follow the label ("Công ty X" is no label and a value).
   Returns the column, or -1, and where the value starts. */
static int
cell_labelled(const char *cell, const char **value)
{
	const char *colon = strchr(cell, ':');
	int col = -1, score = 0;

	if (colon != NULL && colon > cell && g_utf8_strlen(cell, colon - cell) <= 40) {
		char *l = g_strndup(cell, (gsize)(colon - cell));
		char *ln = fields_label_norm(l);
		col = fields_column_match(ln, &score);
		g_free(ln);
		g_free(l);
		if (col >= 0) {
			*value = colon + 1;
			return col;
		}
	}
	char **w = g_strsplit(cell, " ", 7);
	int nw = (int)g_strv_length(w);
	for (int k = MIN(nw - 1, 5); k >= 1 && col < 0; k--) {
		GString *lab = g_string_new(NULL);
		for (int i = 0; i < k; i++)
			g_string_append_printf(lab, "%s%s", i ? " " : "", w[i]);
		char *ln = fields_label_norm(lab->str);
		int cl = fields_column_match(ln, &score);
		const char *rest = cell + lab->len;
		while (*rest == ' ')
			rest++;
		if (cl >= 0 && score >= 1000 &&
		    ((fields_columns[cl].kind == K_EMAIL && strchr(rest, '@') != NULL) ||
		     ((fields_columns[cl].kind == K_ID || fields_columns[cl].kind == K_PHONE) &&
		      strpbrk(rest, "0123456789") != NULL))) {
			col = cl;
			*value = rest;
		}
		g_free(ln);
		g_string_free(lab, TRUE);
	}
	g_strfreev(w);
	return col;
}

/* Fill a person from cells whose columns are unknown, by what they hold. */
static JsonObject *
person_from_cells(struct ctx *c, char **cells, int n)
{
	JsonObject *p = json_object_new();
	int texts = 0;

	for (int i = 0; i < n; i++) {
		const char *cell = cells[i], *lv;
		char *v;
		int lc;
		if (*cell == '\0' || (i == 0 && cell_is_number(cell)))
			continue;
		if ((lc = cell_labelled(cell, &lv)) >= 0) {
			person_put(c, p, lc, lv);
			continue;
		}
		if ((v = norm_email(cell)) != NULL) {
			put(p, "address", v);
			continue;
		}
		/* a bare 9 or 12 digit number is an identity card; 10-11 a phone */
		GString *d = g_string_new(NULL);
		gboolean only_digits = TRUE;
		for (const char *q = cell; *q; q++) {
			if (g_ascii_isdigit(*q))
				g_string_append_c(d, *q);
			else if (!strchr(" .-+()", *q))
				only_digits = FALSE;
		}
		if (only_digits && d->len > 0) {
			gboolean plain = strspn(cell, "0123456789") == strlen(cell);
			if (plain &&
			    (d->len == 12 ||
			     (d->len == 9 && !json_object_has_member(p, "phone"))) &&
			    !json_object_has_member(p, "id_no"))
				put(p, "id_no", g_strdup(d->str));
			else
				put(p, "phone", norm_phone(cell));
			g_string_free(d, TRUE);
			continue;
		}
		g_string_free(d, TRUE);
		/* texts in order: name, then what the type decides */
		static const char *const text_keys[] = {"full_name", "_text2", "_text3", "_text4"};
		while (texts < 4 && json_object_has_member(p, text_keys[texts]))
			texts++;
		if (texts < 4) {
			put(p, text_keys[texts], texts == 0 ? read_name(cell) : norm_text(cell));
			texts++;
		}
	}
	return p;
}

/* Add a finished person to the list, if it holds anything. */
static void
people_add(struct ctx *c, JsonObject *p)
{
	if (json_object_get_size(p) == 0) {
		json_object_unref(p);
		return;
	}
	json_array_add_object_element(c->people, p);
}

/* Split a table row into trimmed cells; returns the count. */
static char **
row_cells(const char *line, int *n)
{
	const char *sep = strchr(line, '|') != NULL ? "|" : "\t";
	char **cells = g_strsplit(line, sep, 32);
	int k = 0, len = (int)g_strv_length(cells);
	char *trimmed = g_strstrip(g_strdup(line));
	/* markdown style "| a | b |" has empty ends; an empty first cell of a
	   table row (no number) is a cell */
	gboolean lead = trimmed[0] == '|',
	         trail = *trimmed != '\0' && g_str_has_suffix(trimmed, "|");

	g_free(trimmed);
	for (int i = 0; i < len; i++) {
		char *t = g_strstrip(cells[i]);
		if (*t == '\0' && ((i == 0 && lead) || (i == len - 1 && (trail || i > 0)))) {
			g_free(cells[i]);
			continue;
		}
		/* markdown separator row "|---|---|" */
		cells[k++] = t;
	}
	cells[k] = NULL;
	*n = k;
	return cells;
}

/* Whether a row is a markdown rule "---|---". */
static gboolean
row_is_rule(char **cells, int n)
{
	for (int i = 0; i < n; i++)
		if (strspn(cells[i], "-:= ") != strlen(cells[i]))
			return FALSE;
	return n > 0;
}

/* Handle a table row: a header sets the fields_columns, a data row adds a person.
   Returns FALSE when the line is not a table row. */
static gboolean
table_row(struct ctx *c, const char *line)
{
	int n, mapped = 0;
	char **cells;

	if (strchr(line, '|') == NULL && strchr(line, '\t') == NULL)
		return FALSE;
	cells = row_cells(line, &n);
	if (n < 2 || n > 16 || (n == 2 && !(c->ncolumns == 2 && c->section == S_LIST))) {
		g_strfreev(cells);
		return FALSE;
	}
	if (row_is_rule(cells, n)) {
		g_strfreev(cells);
		return TRUE;
	}
	int cols[16];
	for (int i = 0; i < n; i++) {
		char *ln = fields_label_norm(cells[i]);
		int score;
		cols[i] = fields_column_match(ln, &score);
		if (cols[i] >= 0 && score >= 1000)
			mapped++;
		else
			cols[i] = -1;
		g_free(ln);
	}
	if (mapped >= 2) {
		memcpy(c->columns, cols, sizeof cols);
		c->ncolumns = n;
		c->section = S_LIST;
		g_strfreev(cells);
		return TRUE;
	}
	JsonObject *p;
	if (c->ncolumns > 0) {
		p = json_object_new();
		for (int i = 0; i < n && i < c->ncolumns; i++)
			if (c->columns[i] >= 0)
				person_put(c, p, c->columns[i], cells[i]);
	} else {
		p = person_from_cells(c, cells, n);
	}
	people_add(c, p);
	c->section = S_LIST;
	g_strfreev(cells);
	return TRUE;
}

/* The longest line read as one person or as people after a list's label,
   and the part of a value searched for a second field: people and labels
   are written in the first few hundred characters, and what goes on is
   text (a 10 MB line is never cut into 100000 people). */
#define PERSON_LINE_MAX   4000
#define SECOND_FIELD_SPAN 1000

/* Whether a piece after a comma starts a cell of its own: a number, an
   address, or a labelled value ("CCCD 0480…", "ĐT: 0905…"). */
static gboolean
piece_is_cell(const char *piece)
{
	const char *v;

	while (*piece == ' ')
		piece++;
	return g_ascii_isdigit(*piece) || *piece == '+' || *piece == '(' ||
	       strchr(piece, '@') != NULL || cell_labelled(piece, &v) >= 0;
}

/* The cells of one person written on a line: "Name - Unit - 0123 - 0905",
   "Name, CCCD: 0480…, ĐT: 0905…", "Name (CCCD 0480…)".  A comma before plain
   text stays inside the cell ("Phòng Kế hoạch, Tài chính"). */
static char **
person_cells(const char *line)
{
	static GRegex *paren, *dash;
	GPtrArray *out = g_ptr_array_new();

	if (paren == NULL) {
		/* a remark in brackets holding a number or an address is a cell */
		paren = g_regex_new("\\s*\\(([^()]*[\\d@][^()]*)\\)", 0, 0, NULL);
		dash = g_regex_new("\\s+[-–—]\\s+|\\s*;\\s*", 0, 0, NULL);
	}
	char *flat = g_regex_replace(paren, line, -1, 0, ", \\1", 0, NULL);
	char **parts = g_regex_split(dash, flat != NULL ? flat : line, 0);
	for (int i = 0; parts[i] != NULL; i++) {
		char **commas = g_strsplit(parts[i], ",", -1);
		GString *cell = NULL;
		for (int k = 0; commas[k] != NULL; k++) {
			if (cell != NULL && !piece_is_cell(commas[k])) {
				g_string_append_printf(cell, ",%s", commas[k]);
				continue;
			}
			if (cell != NULL)
				g_ptr_array_add(out, g_strstrip(g_string_free(cell, FALSE)));
			cell = g_string_new(commas[k]);
		}
		if (cell != NULL)
			g_ptr_array_add(out, g_strstrip(g_string_free(cell, FALSE)));
		g_strfreev(commas);
	}
	g_strfreev(parts);
	g_free(flat);
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

/* "1. Name - Unit - 0123 - 0905…": a person as a dashed row inside a list. */
static gboolean
dash_row(struct ctx *c, const char *rest)
{
	if (strnlen(rest, PERSON_LINE_MAX + 1) > PERSON_LINE_MAX)
		return FALSE;
	char **cells = person_cells(rest);
	int n = (int)g_strv_length(cells);

	if (n < 2) {
		g_strfreev(cells);
		return FALSE;
	}
	people_add(c, person_from_cells(c, cells, n));
	g_strfreev(cells);
	return TRUE;
}

/* "Họ và tên: A; Chức vụ: B; …": a person as labelled pairs on one line.
   Returns FALSE when fewer than two pairs name person columns. */
static gboolean
pairs_row(struct ctx *c, const char *rest)
{
	char **pairs = g_strsplit_set(rest, ";", 16);
	JsonObject *p = json_object_new();
	int named = 0;

	for (int i = 0; pairs[i] != NULL; i++) {
		char *colon = strchr(pairs[i], ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		char *ln = fields_label_norm(pairs[i]);
		int score, col = fields_column_match(ln, &score);
		if (col >= 0) {
			person_put(c, p, col, colon + 1);
			named++;
		}
		g_free(ln);
	}
	g_strfreev(pairs);
	if (named < 2) {
		json_object_unref(p);
		return FALSE;
	}
	people_add(c, p);
	return TRUE;
}

/* Strip a list marker ("1.", "2)", "-", "+", "•", "a)"); returns the rest and
   whether there was a numbered or bulleted marker. */
static const char *
strip_marker(const char *line, gboolean *marked)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	const char *rest = line;

	if (re == NULL)
		re = g_regex_new("^\\s*(?:(?:\\d{1,2}|[a-zđ]|[ivx]{1,4})\\s*[.)/"
		                 "]\\s+|\\d{1,2}(?:\\.\\d{1,2})+\\.?\\s+|"
		                 "\\((?:\\d{1,2}|[a-z])\\)\\s*|"
		                 "[-+*•·–—o▪►◦■◆◇❖➢➤→‣§]\\s+|[-+*•➢➤→]\\s*(?=\\p{Lu}))",
		                 G_REGEX_CASELESS, 0, NULL);
	*marked = FALSE;
	if (g_regex_match(re, line, 0, &mi)) {
		int end;
		g_match_info_fetch_pos(mi, 0, NULL, &end);
		rest = line + end;
		*marked = TRUE;
	}
	g_match_info_free(mi);
	while (*rest == ' ' || *rest == '\t')
		rest++;
	return rest;
}

/* The bytes of a line a label and its leaders can take: about 200, cut at
   a character (a label is at most 80 characters). */
static gsize
label_span(const char *line)
{
	gsize n = strnlen(line, 400);

	if (n < 400)
		return n;
	n = 200;
	while (n > 0 && ((guchar)line[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Whether a normalised label names a field or a list column. */
static gboolean
label_known(const char *label)
{
	char *ln = fields_label_norm(label);
	int s1 = 0, s2 = 0;
	gboolean known =
	    *ln != '\0' && (fields_slot_match(ln, &s1) >= 0 || fields_column_match(ln, &s2) >= 0);

	g_free(ln);
	return known;
}

/*
 * Split "Label: value".  The colon must follow a label of letters (not a
 * time "8:30" or "https:"), at most 80 characters.  Without a colon, a run
 * of leader dots ends the label ("Đơn vị…………Sở X"); leaders of other
 * characters ("Họ tên ------ A", "SĐT ~~~~ 0905…", "Email · · · a@b") only
 * after a known label, as they also underline headings.  Returns FALSE when
 * the line has no label.
 */
static gboolean
split_label(const char *line, char **label, char **value)
{
	static GRegex *early;
	const char *p = line;

	/* leaders before the first colon end the label there: "Người liên hệ
	   ------ A - ĐT: 0905…", "Website · · · https://…" */
	if (early == NULL)
		early = g_regex_new(
		    "^[^:]*?(?:\\.{4,}|…{2,}|_{4,}|(?:[-~·=*─—–]\\s?){3,}|(?:…\\s+){2,})", 0, 0,
		    NULL);
	if (g_regex_match_full(early, line, (gssize)label_span(line), 0, 0, NULL, NULL))
		p = line + strlen(line);
	for (; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		if (ch != ':' && ch != 0xFF1A)
			continue;
		gsize llen = (gsize)(p - line);
		if (llen == 0 || g_utf8_strlen(line, (gssize)llen) > 80)
			return FALSE;
		if (p > line && g_ascii_isdigit(p[-1]) && g_ascii_isdigit(p[1]))
			break; /* a time: no colon label, maybe leaders */
		char *l = g_strndup(line, llen);
		char *lf = text_fold(l);
		gboolean letters = FALSE;
		for (char *q = lf; *q; q++)
			letters = letters || g_ascii_isalpha(*q);
		gboolean scheme = g_str_has_suffix(lf, "http") || g_str_has_suffix(lf, "https") ||
		                  g_str_has_suffix(lf, "mailto");
		g_free(lf);
		if (!letters || scheme) {
			g_free(l);
			return FALSE;
		}
		*label = l;
		*value = g_strdup(g_utf8_next_char(p));
		return TRUE;
	}
	static GRegex *leader;
	GMatchInfo *mi = NULL;
	if (leader == NULL)
		leader =
		    g_regex_new("^([^.…_]{2,80}?)\\s*(?:\\.{4,}|…{2,}|_{4,}|(?:\\. ){3,})\\s*(.*)$",
		                0, 0, NULL);
	if (g_regex_match(leader, line, 0, &mi)) {
		*label = g_match_info_fetch(mi, 1);
		*value = g_match_info_fetch(mi, 2);
		g_match_info_free(mi);
		return TRUE;
	}
	g_match_info_free(mi);
	static GRegex *other;
	if (other == NULL)
		other = g_regex_new("^(\\S.{1,79}?)\\s*(?:(?:[-~·=*─—–]\\s?){3,}|(?:…\\s+){2,}…?|"
		                    "(?:\\.\\s?){4,})\\s*(.*)$",
		                    0, 0, NULL);
	if (g_regex_match(other, line, 0, &mi)) {
		char *l = g_match_info_fetch(mi, 1);
		if (label_known(l)) {
			*label = l;
			*value = g_match_info_fetch(mi, 2);
			g_match_info_free(mi);
			return TRUE;
		}
		g_free(l);
	}
	g_match_info_free(mi);
	return FALSE;
}

/* Whether the folded line starts quoted history ("On … wrote:"). */
static gboolean
line_starts_quote(const char *folded)
{
	static GRegex *re;
	if (re == NULL)
		re =
		    g_regex_new("^(on\\s.{4,200}\\swrote:?\\s*$|vao\\s.{4,200}\\sda\\s+viet:?\\s*$|"
		                "-{2,}\\s*original message\\s*-{2,}|-{2,}\\s*thu goc\\s*-{2,}|"
		                "-{2,}\\s*tin nhan goc\\s*-{2,}|le\\s.{4,200}\\sa\\s+ecrit)",
		                0, 0, NULL);
	return g_regex_match(re, folded, 0, NULL);
}

/* Whether the folded line marks a forwarded message. */
static gboolean
line_starts_forward(const char *folded)
{
	return strstr(folded, "forwarded message") != NULL ||
	       strstr(folded, "thu chuyen tiep") != NULL ||
	       strstr(folded, "tin nhan da chuyen tiep") != NULL ||
	       strstr(folded, "begin forwarded message") != NULL;
}

/* Whether a folded line is a header line of a quoted or forwarded message:
   2 surely ("From: A <a@b>", "Subject: …"), 1 only inside such a block
   ("Date: …", "Ngày: …", which a form may use too), 0 not. */
static int
line_header_kind(const char *folded)
{
	static GRegex *strong, *weak;

	if (strong == NULL) {
		strong =
		    g_regex_new("^\\*?(?:(?:from|to|cc|tu|den|gui|nguoi gui|nguoi nhan)\\*?\\s*:"
		                ".*@|(?:subject|tieu de|chu de)\\*?\\s*:)",
		                0, 0, NULL);
		weak = g_regex_new("^\\*?(?:sent|date|ngay|ngay gui|thoi gian gui)\\*?\\s*:", 0, 0,
		                   NULL);
	}
	if (g_regex_match(strong, folded, 0, NULL))
		return 2;
	return g_regex_match(weak, folded, 0, NULL) ? 1 : 0;
}

/* An official letter cited anywhere in the text ("…theo Công văn số
   4242/UBND-KTN ngày…", "CV 4242/UBND-KTN", "letter No. 4242/UBND-KTN"):
   the approval, when no label names one.  Returns whether text cites one. */
static gboolean
cite_letter(struct ctx *c, const char *text)
{
	static GRegex *words;
	char *ref, *f, *rf;
	gboolean cited;

	/* a number and a slash, in a sentence of reasonable length */
	if (strchr(text, '/') == NULL || strnlen(text, 2001) > 2000)
		return FALSE;
	ref = norm_letter_ref(text);
	if (ref == NULL)
		return FALSE;
	if (words == NULL)
		words =
		    g_regex_new("\\b(?:cong van|cv|van ban|quyet dinh|qd|official letter|letter|"
		                "approval|approved|chap thuan|phe duyet|dong y|cho phep)\\b",
		                0, 0, NULL);
	f = text_fold(text);
	rf = text_fold(ref);
	cited = strstr(rf, "ubnd") != NULL || g_regex_match(words, f, 0, NULL);
	if (cited)
		put(c->r->fields, "_cited_ref", ref);
	else
		g_free(ref);
	g_free(rf);
	g_free(f);
	return cited;
}

/* Name fields and where the phone and address written beside a name go
   ("Người liên hệ: Nguyễn Văn A (0905 123 456)"). */
static const struct {
	const char *name, *phone, *email;
} name_keys[] = {
    {"contact_name", "contact_phone", "contact_email"},
};

/* The name at the start of a value, before a remark, a number or an
   address ("Nguyễn Văn A - Trưởng phòng, 0905…" gives "Nguyễn Văn A"). */
static char *
name_head(const char *value)
{
	static GRegex *end;
	GMatchInfo *mi = NULL;
	char *head;

	if (end == NULL)
		end = g_regex_new("\\s*(?:[(,;<\\[]|\\s[-–—]\\s|\\d|\\S+@)", 0, 0, NULL);
	if (g_regex_match(end, value, 0, &mi)) {
		int start;
		g_match_info_fetch_pos(mi, 0, &start, NULL);
		head = g_strndup(value, (gsize)start);
	} else {
		head = g_strdup(value);
	}
	g_match_info_free(mi);
	char *name = read_name(head);
	g_free(head);
	return name;
}

/* The options ticked in a value, joined ("☑ Mã nguồn ☐ CSDL" gives "Mã
   nguồn"); NULL when nothing is ticked, *boxes set when it had boxes. */
static char *
ticked_text(const char *value, gboolean *boxes)
{
	GPtrArray *ticked = fields_checked_options(value);
	GString *out;

	*boxes = ticked != NULL;
	if (ticked == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (guint i = 0; i < ticked->len; i++) {
		char *t = norm_text(g_ptr_array_index(ticked, i));
		if (t != NULL)
			g_string_append_printf(out, "%s%s", out->len ? ", " : "", t);
		g_free(t);
	}
	g_ptr_array_free(ticked, TRUE);
	return g_string_free(out, out->len == 0);
}

/* Set a free-text field: check boxes give the ticked fields_options, never the
   boxes; a name gives the name, and the number or address beside it go to
   their own fields. */
static void
apply_text(struct ctx *c, int si, const char *value)
{
	const struct slot *s = &fields_slots[si];
	JsonObject *o = c->r->fields;
	gboolean boxes;
	char *ticked = ticked_text(value, &boxes);

	if (boxes) {
		c->box_slot = si;
		if (ticked != NULL && !put(o, s->key, g_strdup(ticked)) && c->box_key == s->key)
			put_append_sep(o, s->key, ticked, ", ");
		else if (ticked != NULL)
			c->box_key = s->key;
		g_free(ticked);
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(name_keys); i++) {
		if (strcmp(s->key, name_keys[i].name) != 0)
			continue;
		put(o, name_keys[i].phone, norm_phone_best(value));
		put(o, name_keys[i].email, norm_email(value));
		put(o, s->key, name_head(value));
		return;
	}
	if (put(o, s->key, norm_text(value)))
		c->last_key = s->key, c->continued = 0;
}

/* Whether a piece of an inline list looks like a person's name: two to six
   capitalised words, no digits, no word of an organisation's name. */
static gboolean
looks_like_name(const char *piece)
{
	static const char org_words[] =
	    "cong|ty|so|phong|trung|tam|ubnd|ban|chi|nhanh|company|corp|corporation|ltd|jsc|"
	    "inc|llc|tnhh|cp|group|tap|doan|vien|truong|benh|department|office|bank|ngan|hang|"
	    "co|branch|team|unit";
	char *f = text_fold(piece);
	char **w = g_strsplit(g_strstrip(f), " ", -1);
	char **orig = g_strsplit(piece, " ", -1);
	int n = (int)g_strv_length(w);
	gboolean yes = n >= 2 && n <= 6 && (int)g_strv_length(orig) == n;

	for (int i = 0; yes && i < n; i++) {
		yes = *w[i] != '\0' && !text_list_has(org_words, w[i]) &&
		      strpbrk(w[i], "0123456789@") == NULL;
		/* the courtesy word may be lower case ("ông Nguyễn Văn A") */
		if (yes && i > 0)
			yes = g_unichar_isupper(g_utf8_get_char(orig[i]));
	}
	g_strfreev(w);
	g_strfreev(orig);
	g_free(f);
	return yes;
}

/* The people written after a list's label on its line: "Người vào phòng:
   Nguyễn Văn A (CCCD 0480…), Trần Văn B (CCCD 0480…)", "Visitors: John
   Smith, Jane Roe".  A name starts the next person; numbers, addresses
   and labelled values go to the person before. */
static void
list_inline(struct ctx *c, const char *value)
{
	static GRegex *joint;
	char **cells;
	JsonObject *p = NULL;
	int texts = 0;

	if (strspn(value, " \t") == strlen(value) ||
	    strnlen(value, PERSON_LINE_MAX + 1) > PERSON_LINE_MAX)
		return;
	if (joint == NULL)
		joint = g_regex_new("\\s+(?:và|va|and|&)\\s+", G_REGEX_CASELESS, 0, NULL);
	char *flat = g_regex_replace(joint, value, -1, 0, ", ", 0, NULL);
	/* every comma separates here: names are no cells of person_cells */
	char *commas = g_strdelimit(g_strdup(flat != NULL ? flat : value), ",", ';');
	cells = person_cells(commas);
	for (int i = 0; cells[i] != NULL; i++) {
		const char *cell = cells[i], *lv;
		int lc = cell_labelled(cell, &lv);
		if (*cell == '\0')
			continue;
		if (lc < 0 && !piece_is_cell(cell) &&
		    (p == NULL ||
		     (json_object_has_member(p, "full_name") && looks_like_name(cell)))) {
			if (p != NULL)
				people_add(c, p);
			p = json_object_new();
			texts = 0;
		}
		if (p == NULL)
			p = json_object_new();
		if (lc >= 0) {
			person_put(c, p, lc, lv);
		} else {
			char *one[] = {(char *)cell, NULL};
			JsonObject *q = person_from_cells(c, one, 1);
			GList *keys = json_object_get_members(q);
			for (GList *k = keys; k != NULL; k = k->next) {
				const char *key = k->data;
				/* a second text of one person: the type decides */
				if (strcmp(key, "full_name") == 0 && json_object_has_member(p, key))
					key = texts++ == 0 ? "_text2" : "_text3";
				if (!json_object_has_member(p, key))
					json_object_set_member(
					    p, key,
					    json_node_copy(json_object_get_member(q, k->data)));
			}
			g_list_free(keys);
			json_object_unref(q);
		}
	}
	if (p != NULL)
		people_add(c, p);
	g_strfreev(cells);
	g_free(commas);
	g_free(flat);
}

/* How each kind of label sets its field: one row per kind. */
struct slot_ctx {
	struct ctx *c;
	const struct slot *s;
	int si;
	JsonObject *o;
	int y, m; /* the reference year and month of dates without one */
};

/* Free text. */
static void
set_text(const struct slot_ctx *x, const char *value)
{
	apply_text(x->c, x->si, value);
}

/* A phone: the best of the numbers given. */
static void
set_phone(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_phone_best(value));
}

/* An e-mail address. */
static void
set_email(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_email(value));
}

/* A date. */
static void
set_date(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_date(value, x->y, x->m));
}

/* A date and time whose meaning the type decides ("_when"), the first given. */
static void
set_when(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	if (json_object_has_member(x->o, "_when_from"))
		return;
	norm_time_range(value, x->y, x->m, &d, &from, &to);
	if (json_object_has_member(x->o, "_when_dt")) {
		/* "Date: 15/12/2026" then "Time: 2:30 pm": the time of that day */
		const char *day = json_object_get_string_member(x->o, "_when_dt");
		if (d.y > 0 || from.h < 0 || day == NULL || strlen(day) != 10)
			return;
		put(x->o, "_when_from", norm_time_str(&from));
		if (to.h >= 0)
			put(x->o, "_when_to", norm_time_str(&to));
		char *dt = g_strdup_printf("%sT%02d:%02d", day, from.h, from.min);
		json_object_set_string_member(x->o, "_when_dt", dt);
		g_free(dt);
		return;
	}
	if (d.y > 0)
		put(x->o, "_when_date", norm_date_iso(&d));
	if (from.h >= 0)
		put(x->o, "_when_from", norm_time_str(&from));
	if (to.h >= 0)
		put(x->o, "_when_to", norm_time_str(&to));
	put(x->o, "_when_dt", norm_datetime(value, x->y, x->m));
}

/* A server-room visit: its date and time range. */
static void
set_visit(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	norm_time_range(value, x->y, x->m, &d, &from, &to);
	if (d.y > 0)
		put(x->o, "visit_date", norm_date_iso(&d));
	if (from.h >= 0)
		put(x->o, "time_from", norm_time_str(&from));
	if (to.h >= 0)
		put(x->o, "time_to", norm_time_str(&to));
}

/* An entry or exit time (an entry's range gives the exit too, a date the day). */
static void
set_time(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	norm_time_range(value, x->y, x->m, &d, &from, &to);
	if (from.h >= 0)
		put(x->o, x->s->key, norm_time_str(&from));
	if (to.h >= 0 && x->s->kind == K_TIME_FROM)
		put(x->o, "time_to", norm_time_str(&to));
	if (d.y > 0)
		put(x->o, "visit_date", norm_date_iso(&d));
}

/* A website address. */
static void
set_url(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_url(value));
}

/* An IPv4 address. */
static void
set_ip(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_ipv4(value));
}

/* An official letter's number. */
static void
set_letter(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_letter_ref(value));
}

/* A sub-domain of the configured domain. */
static void
set_subdomain(const struct slot_ctx *x, const char *value)
{
	put(x->o, x->s->key, norm_subdomain(value, x->c->opts->domain_suffix));
}

/* Yes or no, maybe as check boxes; the first answer stays. */
static void
set_bool(const struct slot_ctx *x, const char *value)
{
	int v = read_bool(value);

	if (v >= 0 && !json_object_has_member(x->o, x->s->key))
		json_object_set_boolean_member(x->o, x->s->key, v == 1);
}

/* One of the key's options. */
static void
set_choice(const struct slot_ctx *x, const char *value)
{
	const char *v = read_choice(x->s->key, value);

	if (v != NULL)
		put(x->o, x->s->key, g_strdup(v));
}

/* A credential: noted, never kept. */
static void
set_password(const struct slot_ctx *x, const char *value)
{
	x->c->r->password = TRUE;
}

/* The sub-domain administrator's block, maybe with "name - phone - e-mail". */
static void
set_admin(const struct slot_ctx *x, const char *value)
{
	char *v = norm_text(value);

	x->c->section = S_ADMIN;
	if (v == NULL)
		return;
	/* "Cán bộ quản trị: Nguyễn Văn A - 0905… - a@b" */
	put(x->o, "admin_phone", norm_phone(v));
	put(x->o, "admin_email", norm_email(v));
	char **bits = g_regex_split_simple("\\s+[-–]\\s+|,\\s*|;\\s*", v, 0, 0);
	char *ph = bits[0] != NULL ? norm_phone(bits[0]) : NULL;
	if (bits[0] != NULL && ph == NULL && strchr(bits[0], '@') == NULL)
		put(x->o, "admin_name", read_name(bits[0]));
	g_free(ph);
	g_strfreev(bits);
	g_free(v);
}

/* A list of people starts (its first names may follow the label). */
static void
set_list(const struct slot_ctx *x, const char *value)
{
	x->c->section = S_LIST;
	x->c->ncolumns = 0;
	list_inline(x->c, value);
}

/* What each kind of label does with its value; NULL: nothing (a known label
   whose value phieu does not keep, or an identity number read elsewhere). */
static void (*const slot_setters[])(const struct slot_ctx *, const char *) = {
    [K_TEXT] = set_text,
    [K_PHONE] = set_phone,
    [K_EMAIL] = set_email,
    [K_DATE] = set_date,
    [K_WHEN] = set_when,
    [K_VISIT] = set_visit,
    [K_TIME_FROM] = set_time,
    [K_TIME_TO] = set_time,
    [K_URL] = set_url,
    [K_IP] = set_ip,
    [K_LETTER] = set_letter,
    [K_SUBDOMAIN] = set_subdomain,
    [K_BOOL] = set_bool,
    [K_CHOICE] = set_choice,
    [K_IGNORE] = NULL,
    [K_PASSWORD] = set_password,
    [K_ADMIN] = set_admin,
    [K_LIST] = set_list,
    [K_ID] = NULL,
};

/* Set the field for one top-level label. */
static void
apply_slot(struct ctx *c, int si, const char *value)
{
	const struct slot *s = &fields_slots[si];
	struct slot_ctx x = {c, s, si, c->r->fields, c->opts->ref_year, c->opts->ref_month};

	c->last_key = NULL;
	if ((gsize)s->kind < G_N_ELEMENTS(slot_setters) && slot_setters[s->kind] != NULL)
		slot_setters[s->kind](&x, value);
}

/* In the administrator block, person labels name admin_* fields. */
static gboolean
apply_admin(struct ctx *c, int col, const char *value)
{
	JsonObject *o = c->r->fields;
	const char *key = fields_columns[col].key;

	if (strcmp(key, "full_name") == 0)
		return put(o, "admin_name", read_name(value)) || TRUE;
	if (strcmp(key, "phone") == 0)
		return put(o, "admin_phone", norm_phone_best(value)) || TRUE;
	if (strcmp(key, "address") == 0)
		return put(o, "admin_email", norm_email(value)) || TRUE;
	return FALSE;
}

/* Whether a folded label opens one person's block: "Người 1", "Khách thứ 2". */
static gboolean
label_is_item(const char *ln)
{
	static GRegex *re;
	if (re == NULL)
		re = g_regex_new("^(nguoi|khach|can bo|thanh vien|visitor|person|nhan su|tai khoan|"
		                 "account|hop thu)( thu)?(?: ?\\d{1,2}| [a-z])$",
		                 0, 0, NULL);
	return g_regex_match(re, ln, 0, NULL);
}

/* End the person block being filled. */
static void
item_end(struct ctx *c)
{
	if (c->person != NULL) {
		people_add(c, c->person);
		c->person = NULL;
	}
	if (c->section == S_LIST_ITEM)
		c->section = S_LIST;
	else if (c->section == S_ITEM)
		c->section = S_NONE;
}

/* Whether the kind of value a label announces starts s: a number for a
   phone or an identity card, an address for an e-mail, a dotted IP. */
static gboolean
value_fits(enum kind kind, const char *s)
{
	while (*s == ' ')
		s++;
	if (kind == K_EMAIL) {
		const char *at = strchr(s, '@'), *space = strchr(s, ' ');
		return at != NULL && at > s && (space == NULL || at < space);
	}
	if (kind != K_PHONE && kind != K_ID && kind != K_IP)
		return FALSE;
	if (!g_ascii_isdigit(*s) && *s != '+' && *s != '(' &&
	    !(kind == K_ID && g_ascii_isalpha(*s)))
		return FALSE;
	/* a whole number right there, not "ĐT 3 phòng" */
	gsize n = strnlen(s, 24);
	while (n > 0 && s[n] != '\0' && ((guchar)s[n] & 0xC0) == 0x80)
		n--;
	char *head = g_strndup(s, n);
	char *v = kind == K_PHONE ? norm_phone(head)
	          : kind == K_IP  ? norm_ipv4(head)
	                          : read_id(head);
	gboolean fits = v != NULL;
	g_free(v);
	g_free(head);
	return fits;
}

/* A known label at the start of s: up to six words whose folded form is a
   label exactly.  Sets the slot and column it names (-1 when none), where
   its value starts (past a colon) and whether a colon followed it. */
static gboolean
label_at(const char *s, int *si, int *col, const char **after, gboolean *colon)
{
	const char *ends[6];
	int nw = 0;
	const char *p = s;

	while (*p != '\0' && nw < 6) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		const char *q = p;
		while (*q != '\0' && *q != ' ' && *q != ':')
			q++;
		ends[nw++] = q;
		if (*q == ':')
			break;
		p = q;
	}
	for (int k = nw; k >= 1; k--) {
		char *l = g_strndup(s, (gsize)(ends[k - 1] - s));
		char *ln = fields_label_norm(l);
		int ss = 0, cs = 0;
		int a = fields_slot_match(ln, &ss), b = fields_column_match(ln, &cs);
		g_free(ln);
		g_free(l);
		if ((a < 0 || ss < 1000) && (b < 0 || cs < 1000))
			continue;
		*si = ss >= 1000 ? a : -1;
		*col = cs >= 1000 ? b : -1;
		p = ends[k - 1];
		while (*p == ' ')
			p++;
		*colon = *p == ':';
		*after = *colon ? p + 1 : p;
		return TRUE;
	}
	return FALSE;
}

/*
 * A second field written after the value of a first one: "Nguyễn Thị Hoa -
 * ĐT: 0905 100 200", "Nguyễn Văn A, SĐT 0905 123 456", "Giờ vào: 8h - Giờ
 * ra: 10h".  After a separator (" - ", ", ", "; ", two spaces, "(") comes a
 * known label of another field with a colon, or a phone, identity or e-mail
 * label followed by its number or address.  Two phone numbers stay
 * together (norm_phone_best chooses).  Returns the length of the first
 * value, or -1; *tail_label and *tail_value are the second field.
 */
static int
value_cut(const struct slot *cur, const char *value, char **tail_label, char **tail_value)
{
	static GRegex *sep;
	GMatchInfo *mi = NULL;
	int cut = -1;

	/* a list's people and the administrator's block read their own lines */
	if (cur->kind == K_LIST || cur->kind == K_ADMIN)
		return -1;
	if (sep == NULL)
		sep = g_regex_new("\\s+[-–—/]\\s+|\\s*[,;]\\s*|\\s{2,}|\\s*\\(\\s*", 0, 0, NULL);
	gsize span = strnlen(value, SECOND_FIELD_SPAN);
	while (span > 0 && span < strlen(value) && ((guchar)value[span] & 0xC0) == 0x80)
		span--;
	g_regex_match_full(sep, value, (gssize)span, 0, 0, &mi, NULL);
	for (; cut < 0 && g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
		int start, end, a, b;
		const char *after;
		gboolean colon;
		g_match_info_fetch_pos(mi, 0, &start, &end);
		if (start == 0 || !label_at(value + end, &a, &b, &after, &colon))
			continue;
		const char *key = a >= 0 ? fields_slots[a].key : fields_columns[b].key;
		enum kind kind = a >= 0 ? fields_slots[a].kind : fields_columns[b].kind;
		if ((key != NULL && cur->key != NULL && strcmp(key, cur->key) == 0) ||
		    (cur->kind == K_PHONE && kind == K_PHONE) || kind == K_LIST || kind == K_ADMIN)
			continue;
		if (!colon && !value_fits(kind, after))
			continue;
		cut = start;
		*tail_label = g_strndup(value + end, (gsize)(after - (value + end)));
		*tail_value = g_strdup(after);
		/* "(ĐT: 0905…)": the bracket closes the second field */
		char *close = memchr(value + start, '(', (gsize)(end - start)) != NULL
		                  ? strrchr(*tail_value, ')')
		                  : NULL;
		if (close != NULL)
			*close = '\0';
	}
	g_match_info_free(mi);
	return cut;
}

/* Handle one labelled line. */
static void
labelled_one(struct ctx *c, const char *label, const char *value, gboolean marked)
{
	char *ln = fields_label_norm(label);
	int sscore = 0, cscore = 0;
	int si = fields_slot_match(ln, &sscore);
	int col = fields_column_match(ln, &cscore);

	/* OCR misreads letters of labels: take the closest known one */
	if (c->opts->ocr && si < 0 && col < 0) {
		char *near = fields_label_fuzzy(label);
		if (near != NULL) {
			g_free(ln);
			ln = near;
			si = fields_slot_match(ln, &sscore);
			col = fields_column_match(ln, &cscore);
		}
	}
	char *nv = norm_text(value);
	gboolean empty = nv == NULL;

	g_free(nv);

	if (*ln == '\0') {
		g_free(ln);
		return;
	}
	c->r->labels += (si >= 0 || col >= 0);
	cite_letter(c, value);

	/* "Người 1:" opens a person block */
	if (label_is_item(ln) && (empty || strlen(value) < 3)) {
		item_end(c);
		c->person = json_object_new();
		c->section = c->section == S_LIST ? S_LIST_ITEM : S_ITEM;
		c->last_key = NULL;
		g_free(ln);
		return;
	}
	gboolean person_label =
	    col >= 0 && cscore >= sscore - 2 && fields_columns[col].kind != K_IGNORE;
	/* inside a person block, person labels fill the person; a column seen
	   again is the next person's ("Name:", "ID:", "Name:", "ID:") */
	if ((c->section == S_ITEM || c->section == S_LIST_ITEM) && person_label) {
		if (c->person != NULL &&
		    json_object_has_member(c->person, fields_columns[col].key)) {
			enum section was = c->section;
			item_end(c);
			c->section = was;
		}
		if (c->person == NULL)
			c->person = json_object_new();
		person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	/* a list without "Người 1:" headings: its first person label */
	if (c->section == S_LIST && person_label && !empty) {
		c->person = json_object_new();
		c->section = S_LIST_ITEM;
		person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	if (c->section == S_ITEM || c->section == S_LIST_ITEM)
		item_end(c);
	/* the administrator block of the sub-domain form */
	if (c->section == S_ADMIN && col >= 0 && apply_admin(c, col, value)) {
		c->section_filled = TRUE;
		c->last_key = NULL;
		g_free(ln);
		return;
	}
	c->box_slot = -1;
	if (si >= 0) {
		if (c->section == S_ADMIN && fields_slots[si].kind != K_ADMIN)
			c->section = S_NONE;
		if (c->section == S_LIST && fields_slots[si].kind != K_LIST && !(empty && marked))
			c->section = S_NONE;
		if (fields_slots[si].kind == K_ADMIN)
			c->section_filled = !empty;
		apply_slot(c, si, value);
		/* "Đơn vị yêu cầu:" alone on its line: the value is on the next;
		   "Địa điểm: ……" is a blank the unit left empty */
		gboolean blank = strspn(value, " \t") == strlen(value);
		if (blank && sscore >= 1000 && fields_slots[si].kind != K_ADMIN &&
		    fields_slots[si].kind != K_LIST && fields_slots[si].kind != K_IGNORE &&
		    fields_slots[si].kind != K_PASSWORD)
			c->pending = si;
		/* the options of a choice may follow as lines of check boxes */
		if (blank && (fields_slots[si].kind == K_CHOICE ||
		              fields_slots[si].kind == K_BOOL || fields_slots[si].kind == K_TEXT))
			c->box_slot = si;
		if (empty && fields_slots[si].key != NULL && fields_slots[si].key[0] != '_') {
			char *mark = g_strdup_printf("_blank_%s", fields_slots[si].key);
			put(c->r->fields, mark, g_strdup("1"));
			g_free(mark);
		}
	} else {
		c->last_key = NULL;
	}
	g_free(ln);
}

/* Handle one labelled line, and a second field written after its value. */
static void
labelled_line(struct ctx *c, const char *label, const char *value, gboolean marked)
{
	char *ln = fields_label_norm(label);
	int sscore = 0, si = fields_slot_match(ln, &sscore);
	char *tail_label = NULL, *tail_value = NULL, *head = NULL;

	g_free(ln);
	if (si >= 0) {
		int n = value_cut(&fields_slots[si], value, &tail_label, &tail_value);
		if (n >= 0)
			head = g_strndup(value, (gsize)n);
	}
	labelled_one(c, label, head != NULL ? head : value, marked);
	if (tail_label != NULL)
		labelled_line(c, tail_label, tail_value, FALSE);
	g_free(head);
	g_free(tail_label);
	g_free(tail_value);
}

/* Whether a line is the form's "Đà Nẵng, ngày 02 tháng 09 năm 2026". */
static gboolean
line_is_place_date(const char *line)
{
	static GRegex *re;
	char *f = text_fold(line);
	gboolean yes;

	if (re == NULL)
		re = g_regex_new("^\\s*[\\w .]{2,30},\\s*ngay\\s*\\d", 0, 0, NULL);
	yes = g_regex_match(re, f, 0, NULL);
	g_free(f);
	return yes;
}

/* Whether an unnumbered line is one person of a list: a name first, then
   at least one number, address or labelled value. */
static gboolean
person_row(const char *rest)
{
	if (strnlen(rest, PERSON_LINE_MAX + 1) > PERSON_LINE_MAX)
		return FALSE;
	char **cells = person_cells(rest);
	gboolean yes = cells[0] != NULL && cells[1] != NULL && looks_like_name(cells[0]);
	gboolean some = FALSE;

	for (int i = 1; yes && cells[i] != NULL; i++)
		some = some || piece_is_cell(cells[i]);
	g_strfreev(cells);
	return yes && some;
}

/* Whether a line is a label and nothing else ("Tên đơn vị", "ĐIỆN THOẠI (DI
   ĐỘNG)", "NGƯỜI QUẢN TRỊ KỸ THUẬT", "Visitors", "Người 2"): the value or
   the section follows on the next lines.  A field's label must be whole; a
   section's heading may go on ("Danh sách người vào phòng máy như sau"). */
static gboolean
line_is_label(struct ctx *c, const char *rest)
{
	char *ln;
	int sscore = 0, cscore = 0, si, col;
	gboolean yes;

	if (strnlen(rest, 400) >= 400 || g_utf8_strlen(rest, -1) > 80 ||
	    strpbrk(rest, ":|\t@") != NULL)
		return FALSE;
	ln = fields_label_norm(rest);
	si = fields_slot_match(ln, &sscore);
	col = fields_column_match(ln, &cscore);
	yes = *ln != '\0' &&
	      (label_is_item(ln) || (si >= 0 && sscore >= 1000) ||
	       (si >= 0 && (fields_slots[si].kind == K_ADMIN || fields_slots[si].kind == K_LIST) &&
	        strpbrk(ln, "0123456789") == NULL) ||
	       ((c->section == S_ITEM || c->section == S_LIST_ITEM) && col >= 0 && cscore >= 1000));
	g_free(ln);
	return yes;
}

/* Read a line that is a label alone; FALSE for any other line. */
static gboolean
label_alone(struct ctx *c, const char *rest, gboolean marked)
{
	if (!line_is_label(c, rest))
		return FALSE;
	labelled_line(c, rest, "", marked);
	return TRUE;
}

/* Whether a line begins with a check box ("☑ Phần mềm", "[x] Khẩn cấp"). */
static gboolean
line_starts_box(const char *rest)
{
	gunichar ch = g_utf8_get_char(rest);

	if (fields_uni_in(ch, fields_marks_on) || fields_uni_in(ch, fields_marks_off))
		return TRUE;
	return (ch == '[' || ch == '(') &&
	       (rest[1] == ']' || rest[1] == ')' ||
	        (rest[1] != '\0' && strchr(" _xXvV*", rest[1]) != NULL &&
	         (rest[2] == ']' || rest[2] == ')')) ||
	        (rest[1] == '[' ? FALSE
	                        : fields_uni_in(g_utf8_get_char(rest + 1), fields_marks_on)));
}

/* A line of check boxes: the options of the label above it ("Hạng mục:"
   then "☐ Mạng", "☑ Phần mềm" on lines of their own), or a box before a
   label ("☑ Xử lý sự cố đột xuất"), or a lone ticked option that only one
   choice has ("☑ Cấp mới").  Never a value's text: boxes are not echoed. */
static void
box_line(struct ctx *c, const char *rest)
{
	gboolean boxes;
	char *ticked = ticked_text(rest, &boxes);
	const char *p = rest;

	c->last_key = NULL;
	/* the label after the boxes, if they stand before one */
	while (*p != '\0' && (line_starts_box(p) || *p == ' ')) {
		gunichar ch = g_utf8_get_char(p);
		const char *close = ch == '[' || ch == '(' ? strpbrk(p, "])") : NULL;
		p = close != NULL ? close + 1 : g_utf8_next_char(p);
	}
	char *ln = fields_label_norm(p);
	int score = 0, si = *ln != '\0' ? fields_slot_match(ln, &score) : -1;
	g_free(ln);
	/* an option of the choice above ("Khẩn cấp" under "Mức độ:") is no label */
	if (si >= 0 && c->box_slot >= 0 && fields_slots[c->box_slot].kind == K_CHOICE &&
	    fields_option_match(fields_slots[c->box_slot].key, p, FALSE) != NULL)
		si = -1;
	if (si >= 0 && fields_slots[si].kind == K_BOOL) {
		/* ticked or not, the answer to the question it names */
		if (!json_object_has_member(c->r->fields, fields_slots[si].key))
			json_object_set_boolean_member(c->r->fields, fields_slots[si].key,
			                               ticked != NULL);
	} else if (c->box_slot >= 0) {
		const struct slot *s = &fields_slots[c->box_slot];
		if (s->kind != K_TEXT)
			apply_slot(c, c->box_slot, rest);
		else if (ticked != NULL && !put(c->r->fields, s->key, g_strdup(ticked)) &&
		         c->box_key == s->key)
			put_append_sep(c->r->fields, s->key, ticked, ", ");
		else if (ticked != NULL)
			c->box_key = s->key;
	} else if (ticked != NULL && g_utf8_strlen(ticked, -1) <= 40) {
		/* "☑ Cấp mới" alone: the one choice whose options name it */
		const char *key = NULL, *val = NULL;
		int keys = 0;
		for (gsize i = 0; i < fields_n_options; i++) {
			if (key != NULL && strcmp(fields_options[i].key, key) == 0)
				continue;
			const char *v = fields_option_match(fields_options[i].key, ticked, TRUE);
			if (v != NULL)
				key = fields_options[i].key, val = v, keys++;
		}
		if (keys == 1)
			put(c->r->fields, key, g_strdup(val));
	}
	g_free(ticked);
}

/* A table whose first row names fields and whose next row holds their
   values ("Tên đơn vị | Người liên hệ | Điện thoại" over "Sở X | Nguyễn Y |
   0905…"); a list's header of two columns ("Họ tên | Email").  Returns
   whether the line was such a header or values row. */
static gboolean
field_table(struct ctx *c, const char *rest)
{
	int n, nslots = 0, ncols = 0, slot_of[16], col_of[16];
	char **cells;
	gboolean done = FALSE;

	if (strchr(rest, '|') == NULL && strchr(rest, '\t') == NULL) {
		c->nfield_cols = 0;
		return FALSE;
	}
	cells = row_cells(rest, &n);
	if (c->nfield_cols > 0) {
		/* the values under the header */
		if (n == c->nfield_cols) {
			for (int i = 0; i < n; i++)
				if (c->field_cols[i] >= 0)
					apply_slot(c, c->field_cols[i], cells[i]);
			done = TRUE;
		}
		c->nfield_cols = 0;
		c->last_key = NULL;
		g_strfreev(cells);
		return done;
	}
	for (int i = 0; i < n && n <= 16; i++) {
		char *ln = fields_label_norm(cells[i]);
		int ss = 0, cs = 0, si = fields_slot_match(ln, &ss),
		    col = fields_column_match(ln, &cs);
		slot_of[i] = si >= 0 && ss >= 1000 && fields_slots[si].key != NULL &&
		                     fields_slots[si].kind != K_LIST &&
		                     fields_slots[si].kind != K_ADMIN &&
		                     fields_slots[si].kind != K_PASSWORD
		                 ? si
		                 : -1;
		col_of[i] =
		    col >= 0 && cs >= 1000 && fields_columns[col].kind != K_IGNORE ? col : -1;
		nslots += slot_of[i] >= 0;
		ncols += col_of[i] >= 0;
		g_free(ln);
	}
	if (n >= 2 && n <= 16 && nslots >= 2 && nslots > ncols && 2 * nslots >= n) {
		memcpy(c->field_cols, slot_of, sizeof slot_of);
		c->nfield_cols = n;
		done = TRUE;
	} else if (n == 2 && ncols == 2) {
		/* "Họ tên | Email": two column names are a list's header */
		for (int i = 0; i < 2; i++)
			c->columns[i] = col_of[i];
		c->ncolumns = 2;
		c->section = S_LIST;
		done = TRUE;
	}
	g_strfreev(cells);
	return done;
}

/* Whether a line is the letter's closing ("Trân trọng,", "Best regards"). */
static gboolean
line_is_closing(const char *rest)
{
	static GRegex *re;
	char *f;
	gboolean yes;

	if (strnlen(rest, 61) > 60)
		return FALSE;
	if (re == NULL)
		re = g_regex_new("^(?:tran trong|xin cam on|xin chan thanh cam on|cam on|kinh thu|"
		                 "thanks|thank you|many thanks|best regards|kind regards|"
		                 "warm regards|regards|sincerely|yours sincerely|best)\\b",
		                 0, 0, NULL);
	f = text_fold(rest);
	yes = g_regex_match(re, f, 0, NULL);
	g_free(f);
	return yes;
}

/* A line with no label: continuation, list row, or a dated signature line. */
static void
plain_line(struct ctx *c, const char *line, const char *rest, gboolean marked)
{
	/* "Đà Nẵng, ngày 02 tháng 09 năm 2026" */
	if (line_is_place_date(line)) {
		put(c->r->fields, "request_date",
		    norm_date(line, c->opts->ref_year, c->opts->ref_month));
		c->last_key = NULL;
		return;
	}
	/* a sentence citing the approval letter is no continuation */
	if (cite_letter(c, rest)) {
		c->last_key = NULL;
		return;
	}
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && marked) {
		item_end(c);
		if (pairs_row(c, rest) || dash_row(c, rest))
			return;
	}
	/* an unnumbered row of a list: a name, then numbers or labelled values */
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && !marked && person_row(rest)) {
		item_end(c);
		if (dash_row(c, rest))
			return;
	}
	/* the closing words end a list: the signature's name is no visitor */
	if (line_is_closing(rest)) {
		item_end(c);
		c->section = S_NONE;
		c->last_key = NULL;
		return;
	}
	/* a list of names alone under its heading */
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && c->ncolumns == 0 &&
	    looks_like_name(rest)) {
		item_end(c);
		JsonObject *p = json_object_new();
		put(p, "full_name", read_name(rest));
		people_add(c, p);
		return;
	}
	if (c->last_key != NULL && !marked && c->continued < 4) {
		put_append(c->r->fields, c->last_key, rest);
		c->continued++;
		return;
	}
	c->last_key = NULL;
}

/* A row of two cells, "Label | value" (an HTML or document table of the
   form): read as "Label: value" when the first cell is a known label. */
static gboolean
two_cells(struct ctx *c, const char *rest, gboolean marked)
{
	int n;
	char **cells;
	gboolean done = FALSE;

	if (strchr(rest, '|') == NULL && strchr(rest, '\t') == NULL)
		return FALSE;
	cells = row_cells(rest, &n);
	if (n == 2) {
		char *ln = fields_label_norm(cells[0]);
		int sscore = 0, cscore = 0;
		int si = fields_slot_match(ln, &sscore), col = fields_column_match(ln, &cscore);
		if ((si >= 0 || col >= 0) && strchr(cells[0], ':') == NULL) {
			labelled_line(c, cells[0], cells[1], marked);
			done = TRUE;
		}
		g_free(ln);
	}
	g_strfreev(cells);
	return done;
}

/* After a line of OCR text: the fields it set are doubtful when the line was
   read with low confidence. */
static void
mark_doubtful(struct ctx *c, int line)
{
	JsonObject *o = c->r->fields;
	guint keys = json_object_get_size(o), people = json_array_get_length(c->people);
	const GArray *conf = c->opts->line_conf;

	if (conf != NULL && line >= 0 && (guint)line < conf->len &&
	    g_array_index(conf, double, line) < c->opts->doubt_below) {
		if (keys > c->seen_keys) {
			GList *members = json_object_get_members(o);
			/* members come in insertion order: the new ones are last */
			GList *l = g_list_nth(members, c->seen_keys);
			for (; l != NULL; l = l->next)
				if (!g_ptr_array_find_with_equal_func(c->r->doubtful, l->data,
				                                      g_str_equal, NULL))
					g_ptr_array_add(c->r->doubtful, g_strdup(l->data));
			g_list_free(members);
		}
		if ((people > c->seen_people || c->person != NULL) &&
		    !g_ptr_array_find_with_equal_func(c->r->doubtful, "_people", g_str_equal, NULL))
			g_ptr_array_add(c->r->doubtful, g_strdup("_people"));
	}
	c->seen_keys = keys;
	c->seen_people = people;
}

/* Read the form code: "05/IID-KT", "mẫu số 05/IID-KT", "01-IID-KT". */
char *
fields_form_code(const char *text)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *f = text_fold(text), *code = NULL;

	if (re == NULL)
		re = g_regex_new("(?<!\\d)0?([1-5])\\s*[/\\-]\\s*iid\\s*[-–_ ]?\\s*kt(?![a-z])", 0,
		                 0, NULL);
	if (g_regex_match(re, f, 0, &mi)) {
		char *n = g_match_info_fetch(mi, 1);
		code = g_strdup_printf("0%s/IID-KT", n);
		g_free(n);
	}
	g_match_info_free(mi);
	g_free(f);
	return code;
}

/* Options for a message of that date; an undated one is read as of today. */
void
fields_opts_init(struct fields_opts *o, int year, int month, const char *domain_suffix)
{
	memset(o, 0, sizeof *o);
	o->ref_year = year;
	o->ref_month = month;
	o->domain_suffix = domain_suffix;
	o->prose = TRUE;
	if (year == 0) {
		GDateTime *now = g_date_time_new_now_local();
		o->ref_year = g_date_time_get_year(now);
		o->ref_month = g_date_time_get_month(now);
		g_date_time_unref(now);
	}
}

/* A table row whose cells are labelled fields side by side ("Số điện thoại:
   0236… | Địa chỉ email: a@b"), as separate lines; a row "Tên đơn vị: | Sở Y
   tế" (label cell, value cell) as one "Label: value" line; NULL otherwise. */
static char **
labelled_cells(const char *line)
{
	int n;
	char **cells, **out = NULL;
	gboolean all = TRUE;

	if (strchr(line, '|') == NULL)
		return NULL;
	cells = row_cells(line, &n);
	if (n == 2) {
		gsize l = strlen(cells[0]);
		if (l > 1 && cells[0][l - 1] == ':' && strchr(cells[0], ':') == cells[0] + l - 1) {
			char *ln = fields_label_norm(cells[0]);
			int score;
			if (fields_slot_match(ln, &score) >= 0) {
				out = g_new0(char *, 2);
				out[0] = g_strdup_printf("%s %s", cells[0], cells[1]);
			}
			g_free(ln);
		}
		if (out != NULL) {
			g_strfreev(cells);
			return out;
		}
	}
	for (int i = 0; i < n && all; i++) {
		char *colon = strchr(cells[i], ':');
		if (colon == NULL || colon == cells[i]) {
			all = FALSE;
			break;
		}
		char *label = g_strndup(cells[i], (gsize)(colon - cells[i]));
		char *ln = fields_label_norm(label);
		int score;
		all = g_utf8_strlen(label, -1) <= 60 && fields_slot_match(ln, &score) >= 0;
		g_free(ln);
		g_free(label);
	}
	if (!all || n < 2) {
		g_strfreev(cells);
		return NULL;
	}
	return cells;
}

/* Read the fields of one text; see fields.h. */
struct fields_result *
fields_extract(const char *text, const struct fields_opts *opts)
{
	struct fields_result *r = g_new0(struct fields_result, 1);
	struct ctx c = {0};
	static GRegex *second_label;
	char *split, **lines;
	int header_lines = 0;
	GString *seen = g_string_new(NULL); /* the lines read, for prose_read() */

	/* the label tables first: labelled_cells() below matches labels */
	fields_tables_load();
	/* forms put two fields on one line, leaders between them:
	   "Di động: 0905 111 222 ........ Email: a@b.vn"; each piece keeps the
	   number of the line it came from (for OCR confidences) */
	if (second_label == NULL)
		second_label = g_regex_new("(\\S)[ \\t]*(?:\\.{4,}|…{2,}|_{4,})[ \\t]+"
		                           "(?=[^\\s.…_:\\d][^:\\n]{0,50}:)",
		                           0, 0, NULL);
	char **raw_lines = g_strsplit(text, "\n", -1);
	GPtrArray *pieces = g_ptr_array_new();
	GArray *origin = g_array_new(FALSE, FALSE, sizeof(int));
	for (int i = 0; raw_lines[i] != NULL; i++) {
		split = g_regex_replace(second_label, raw_lines[i], -1, 0, "\\1\n", 0, NULL);
		/* (g_strsplit gives no piece at all for an empty line) */
		char **sub = *raw_lines[i] == '\0'
		                 ? g_strsplit("\n", "\n", 1)
		                 : g_strsplit(split != NULL ? split : raw_lines[i], "\n", -1);
		for (int k = 0; sub[k] != NULL; k++) {
			char **cells = labelled_cells(sub[k]);
			if (cells == NULL) {
				g_ptr_array_add(pieces, sub[k]);
				g_array_append_val(origin, i);
				continue;
			}
			for (int m = 0; cells[m] != NULL; m++) {
				g_ptr_array_add(pieces, cells[m]);
				g_array_append_val(origin, i);
			}
			g_free(cells);
			g_free(sub[k]);
		}
		g_free(sub); /* the strings now belong to pieces */
		g_free(split);
	}
	g_strfreev(raw_lines);
	g_ptr_array_add(pieces, NULL);
	lines = (char **)g_ptr_array_free(pieces, FALSE);

	fields_tables_load();
	r->fields = json_object_new();
	r->doubtful = g_ptr_array_new_with_free_func(g_free);
	c.opts = opts;
	c.r = r;
	c.pending = -1;
	c.box_slot = -1;
	c.people = json_array_new();
	r->form_code = fields_form_code(text);

	for (int i = 0; lines[i] != NULL; i++) {
		if (i > 0)
			mark_doubtful(&c, g_array_index(origin, int, i - 1));
		char *line = g_strstrip(lines[i]);
		char *folded, *label = NULL, *value = NULL;
		gboolean marked;
		const char *rest;

		if (*line == '\0') {
			g_string_append_c(seen, '\n');
			c.pending = -1;
			c.box_slot = -1;
			c.nfield_cols = 0;
			item_end(&c);
			/* a heading "Người quản trị kỹ thuật", a blank line, its lines */
			if (c.section == S_ADMIN && c.section_filled)
				c.section = S_NONE;
			c.last_key = NULL;
			header_lines = 0;
			continue;
		}
		if (strcmp(lines[i], "--") == 0 || strcmp(line, "--") == 0 ||
		    g_str_has_prefix(lines[i], "-- ") || strcmp(line, "__") == 0)
			break; /* signature */
		if (line[0] == '>' || (line[0] == '|' && line[1] == '>'))
			continue; /* quoted */
		folded = text_fold(line);
		if (line_starts_quote(folded)) {
			g_free(folded);
			break;
		}
		if (line_starts_forward(folded)) {
			c.forwarded = TRUE;
			item_end(&c);
			c.section = S_NONE;
			c.last_key = NULL;
			g_free(folded);
			continue;
		}
		int hk = line_header_kind(folded);
		if (hk == 1 && header_lines == 0 && lines[i + 1] != NULL) {
			char *next = text_fold(lines[i + 1]);
			if (line_header_kind(next) == 2)
				hk = 2;
			g_free(next);
		}
		if (hk == 2 || (hk == 1 && header_lines > 0)) {
			/* an Outlook-style header block: history when fields were
			   already found above it, else a forward to read through */
			header_lines++;
			if (header_lines >= 2 && !c.forwarded &&
			    json_object_get_size(r->fields) >= 3) {
				g_free(folded);
				break;
			}
			g_free(folded);
			continue;
		}
		header_lines = 0;
		g_free(folded);
		g_string_append(seen, line);
		g_string_append_c(seen, '\n');

		rest = strip_marker(line, &marked);
		gboolean box = line_starts_box(rest);
		if (c.pending >= 0) {
			/* the value of a label alone on the line above, unless this
			   line is a label too (a choice's option is no label here) */
			int si = c.pending;
			c.pending = -1;
			if (!split_label(rest, &label, &value) && !line_is_place_date(line) &&
			    (!line_is_label(&c, rest) ||
			     (fields_slots[si].kind == K_CHOICE &&
			      read_choice(fields_slots[si].key, rest) != NULL))) {
				apply_slot(&c, si, box ? rest : line);
				continue;
			}
			g_free(label);
			g_free(value);
			label = value = NULL;
		}
		if (box) {
			box_line(&c, rest);
			continue;
		}
		c.box_slot = -1;
		if (field_table(&c, rest))
			continue;
		if (two_cells(&c, rest, marked))
			continue;
		if (table_row(&c, rest)) {
			c.last_key = NULL;
			continue;
		}
		if ((c.section == S_LIST || c.section == S_LIST_ITEM) &&
		    strchr(rest, ';') != NULL && pairs_row(&c, rest)) {
			c.last_key = NULL;
			continue;
		}
		if (split_label(rest, &label, &value)) {
			/* "- Ông A, CCCD: 0480…" in a list: a person, not a label */
			gboolean row = (c.section == S_LIST || c.section == S_LIST_ITEM) &&
			               !label_known(label) && (marked || person_row(rest));
			if (!row)
				labelled_line(&c, label, value, marked);
			g_free(label);
			g_free(value);
			if (!row)
				continue;
			plain_line(&c, line, rest, marked);
			continue;
		}
		if (label_alone(&c, rest, marked))
			continue;
		plain_line(&c, line, rest, marked);
	}
	item_end(&c);
	/* a letter cited in a sentence is the approval when no label gave one */
	if (json_object_has_member(r->fields, "_cited_ref")) {
		if (!json_object_has_member(r->fields, "approval_ref"))
			json_object_set_string_member(
			    r->fields, "approval_ref",
			    json_object_get_string_member(r->fields, "_cited_ref"));
		json_object_remove_member(r->fields, "_cited_ref");
	}
	if (origin->len > 0)
		mark_doubtful(&c, g_array_index(origin, int, origin->len - 1));
	g_array_free(origin, TRUE);
	if (json_array_get_length(c.people) > 0)
		json_object_set_array_member(r->fields, "_people", c.people);
	else
		json_array_unref(c.people);
	/* a request written as sentences: what its labels did not give */
	if (opts->prose && !opts->ocr && r->labels < 3) {
		prose_read(seen->str, opts, r->fields);
		r->prose = TRUE;
	} else if (opts->prose && !opts->ocr) {
		prose_fill(seen->str, opts, r->fields);
	}
	g_string_free(seen, TRUE);
	g_strfreev(lines);
	return r;
}

/* Release a result. */
struct fields_result *
fields_result_free(struct fields_result *r)
{
	if (r == NULL)
		return NULL;
	if (r->fields != NULL)
		json_object_unref(r->fields);
	g_free(r->form_code);
	if (r->doubtful != NULL)
		g_ptr_array_free(r->doubtful, TRUE);
	g_free(r);
	return NULL;
}
