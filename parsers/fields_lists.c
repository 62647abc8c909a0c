/* fields_lists.c - lists of people (accounts, visitors): table rows, dashed rows, pairs, names
 * after a label; see fields_parts.h. */
#include "fields.h"
#include "fields_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* A scanned cell of digits under a phone or ID column that gives no value
   (read is NULL: "9814.336983") was misread: the list is doubtful. */
static void
cell_misread(struct ctx *c, const char *cell, const char *read)
{
	int digits = 0;

	for (const char *s = cell; *s != '\0'; s++)
		digits += g_ascii_isdigit(*s) != 0;
	if (read == NULL && digits >= 6 && c->opts->line_conf != NULL)
		fields_doubt(c, "_people");
}

/* Store one cell of a person under its column. */
void
fields_person_put(struct ctx *c, JsonObject *p, int col, const char *value)
{
	const char *key = fields_columns[col].key;
	char *v;

	switch (fields_columns[col].kind) {
	case K_PHONE:
		v = norm_phone_best(value);
		cell_misread(c, value, v);
		fields_put(p, key, v);
		break;
	case K_EMAIL:
		fields_put(p, key, fields_read_account(value, c->opts->domain_suffix));
		break;
	case K_ID:
		v = fields_read_id(value);
		cell_misread(c, value, v);
		fields_put(p, key, v);
		break;
	case K_IGNORE:
		break;
	default:
		if (strcmp(key, "full_name") == 0)
			fields_put(p, key, fields_read_name(value));
		else
			fields_put(p, key, norm_text(value));
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
	char **w = g_strsplit(cell, " ", 8);
	int nw = (int)g_strv_length(w);
	/* skip 1: a country before an identity's label ("US passport 5839…") */
	for (int skip = 0; skip <= 1 && col < 0; skip++) {
		gsize at = 0;
		for (int i = 0; i < skip && i < nw; i++)
			at += strlen(w[i]) + 1;
		for (int k = MIN(nw - 1 - skip, 5); k >= 1 && col < 0; k--) {
			GString *lab = g_string_new(NULL);
			for (int i = skip; i < skip + k; i++)
				g_string_append_printf(lab, "%s%s", i > skip ? " " : "", w[i]);
			char *ln = fields_label_norm(lab->str);
			int cl = fields_column_match(ln, &score);
			const char *rest = cell + at + lab->len;
			while (*rest == ' ')
				rest++;
			enum kind kind = cl >= 0 ? fields_columns[cl].kind : K_TEXT;
			if (cl >= 0 && score >= 1000 && (skip == 0 || kind == K_ID) &&
			    ((kind == K_EMAIL && strchr(rest, '@') != NULL) ||
			     ((kind == K_ID || kind == K_PHONE) &&
			      strpbrk(rest, "0123456789") != NULL))) {
				col = cl;
				*value = rest;
			}
			g_free(ln);
			g_string_free(lab, TRUE);
		}
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
			fields_person_put(c, p, lc, lv);
			continue;
		}
		if ((v = norm_email(cell)) != NULL) {
			fields_put(p, "address", v);
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
				fields_put(p, "id_no", g_strdup(d->str));
			else
				fields_put(p, "phone", norm_phone(cell));
			g_string_free(d, TRUE);
			continue;
		}
		g_string_free(d, TRUE);
		/* "Phòng Tổ chức biên chế" after the name: the department;
		   "chuyên viên phòng Tổ chức": the position and the department */
		char *pos, *dept;
		if (texts > 0 && !json_object_has_member(p, "department") &&
		    fields_text_is_department(cell)) {
			fields_put(p, "department", norm_text(cell));
			continue;
		}
		if (texts > 0 && !json_object_has_member(p, "department") &&
		    !json_object_has_member(p, "_text2") &&
		    fields_split_position(cell, &pos, &dept)) {
			fields_put(p, "_text2", pos);
			fields_put(p, "department", dept);
			continue;
		}
		/* texts in order: name, then what the type decides */
		static const char *const text_keys[] = {"full_name", "_text2", "_text3", "_text4"};
		while (texts < 4 && json_object_has_member(p, text_keys[texts]))
			texts++;
		if (texts < 4) {
			fields_put(p, text_keys[texts],
			           texts == 0 ? fields_read_name(cell) : norm_text(cell));
			texts++;
		}
	}
	return p;
}

/* Add a finished person to the list, if it holds anything. */
void
fields_people_add(struct ctx *c, JsonObject *p)
{
	if (json_object_get_size(p) == 0) {
		json_object_unref(p);
		return;
	}
	json_array_add_object_element(c->people, p);
}

/* Split a table row into trimmed cells; returns the count. */
char **
fields_row_cells(const char *line, int *n)
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
gboolean
fields_table_row(struct ctx *c, const char *line)
{
	int n, mapped = 0;
	char **cells;

	if (strchr(line, '|') == NULL && strchr(line, '\t') == NULL)
		return FALSE;
	cells = fields_row_cells(line, &n);
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
		for (int i = 0; i < n && i < c->ncolumns; i++) {
			char *v;
			if (c->columns[i] >= 0)
				fields_person_put(c, p, c->columns[i], cells[i]);
			/* a column whose heading is unknown ("Địa chỉ thư") that holds
			   an address gives it */
			else if (!json_object_has_member(p, "address") &&
			         (v = norm_email(cells[i])) != NULL)
				fields_put(p, "address", v);
		}
	} else {
		p = person_from_cells(c, cells, n);
	}
	fields_people_add(c, p);
	c->section = S_LIST;
	c->list_rows = TRUE;
	g_strfreev(cells);
	return TRUE;
}

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
	const char *src = flat != NULL ? flat : line;
	/* a row written with commas keeps its dashes inside values ("chuyên
	   viên Phòng Tin học - Thống kê, số di động …") */
	int commas_in = 0;
	for (const char *q = src; *q != '\0'; q++)
		commas_in += *q == ',';
	char **parts = commas_in >= 2 ? g_regex_split_simple("\\s*;\\s*", src, 0, 0)
	                              : g_regex_split(dash, src, 0);
	for (int i = 0; parts[i] != NULL; i++) {
		char **commas = g_strsplit(parts[i], ",", -1);
		GString *cell = NULL;
		for (int k = 0; commas[k] != NULL; k++) {
			/* "Ông A, Chuyên viên, Phòng B, 0905…": the name and a
			   department end their cells */
			char *was = cell != NULL ? g_strstrip(g_strdup(cell->str)) : NULL;
			gboolean own = out->len == 0 && was != NULL && fields_looks_like_name(was);
			g_free(was);
			if (cell != NULL && !own && !piece_is_cell(commas[k]) &&
			    !fields_text_is_department(commas[k])) {
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
gboolean
fields_dash_row(struct ctx *c, const char *rest)
{
	if (strnlen(rest, PERSON_LINE_MAX + 1) > PERSON_LINE_MAX)
		return FALSE;
	char **cells = person_cells(rest);
	int n = (int)g_strv_length(cells);

	if (n < 2) {
		g_strfreev(cells);
		return FALSE;
	}
	fields_people_add(c, person_from_cells(c, cells, n));
	g_strfreev(cells);
	return TRUE;
}

/* A person written as labelled pairs on one line, "Họ và tên: A; Chức vụ: B"
   or "Full name: A - Position: B - Mobile: C": a piece starts at ";", or at
   " - ", "|" or "," before a short label and its colon ("Requested
   e-mail:"; a dash inside a value, "Phòng Tin học - Thống kê", stays).
   Counts the pairs that name person columns, and tells which columns came
   first and whether one says more than a contact would (position,
   department, address, identity). */
static JsonObject *
pairs_person(struct ctx *c, const char *rest, int *named, int *first, gboolean *more)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new(
		    "\\s*(?:;|\\s[-–|]\\s|,)\\s*(?=(?:[^:;,|\\-–\\d]|(?<=\\pL)-(?=\\pL)){1,30}:)",
		    0, 0, NULL);
	char **pairs = g_regex_split_full(re, rest, -1, 0, 0, 16, NULL);
	JsonObject *p = json_object_new();

	*named = 0;
	*first = -1;
	*more = FALSE;
	for (int i = 0; pairs[i] != NULL; i++) {
		char *colon = strchr(pairs[i], ':');
		if (colon == NULL)
			continue;
		*colon = '\0';
		char *ln = fields_label_norm(pairs[i]);
		int score, col = fields_column_match(ln, &score);
		if (col >= 0) {
			fields_person_put(c, p, col, colon + 1);
			if (*named == 0 && i == 0)
				*first = col;
			const char *key = fields_columns[col].key;
			*more |= strcmp(key, "full_name") != 0 && strcmp(key, "phone") != 0;
			(*named)++;
		}
		g_free(ln);
	}
	g_strfreev(pairs);
	return p;
}

/* "Họ và tên: A; Chức vụ: B; …": a person as labelled pairs on one line.
   Returns FALSE when fewer than two pairs name person columns, or when a
   line without ";" does not start with one. */
gboolean
fields_pairs_row(struct ctx *c, const char *rest)
{
	int named, first;
	gboolean more;
	JsonObject *p = pairs_person(c, rest, &named, &first, &more);

	/* without ";" the pairs start at the line's start: "Ông A, CCCD: …,
	   ĐT: …" is a dashed row, its name unlabelled */
	if (named < 2 || (strchr(rest, ';') == NULL && first < 0)) {
		json_object_unref(p);
		return FALSE;
	}
	fields_people_add(c, p);
	return TRUE;
}

/* "1. Full name: A - Position: B - Mobile: C" outside any list: a numbered
   person, when the name comes first and a pair says more than a contact's
   name and phone would.  Opens the list the next rows go on. */
gboolean
fields_numbered_person(struct ctx *c, const char *rest)
{
	int named, first;
	gboolean more;
	JsonObject *p = pairs_person(c, rest, &named, &first, &more);

	if (named < 2 || !more || first < 0 ||
	    strcmp(fields_columns[first].key, "full_name") != 0) {
		json_object_unref(p);
		return FALSE;
	}
	fields_item_end(c);
	fields_people_add(c, p);
	c->section = S_LIST;
	c->ncolumns = 0;
	c->list_rows = TRUE;
	return TRUE;
}

/* Whether a piece of an inline list looks like a person's name: two to six
   capitalised words, no digits, no word of an organisation's name. */
gboolean
fields_looks_like_name(const char *piece)
{
	/* pairs of syllables that are names alone ("Công", "Tâm", "Trương",
	   "Hằng") but an organisation together */
	static const char *const org_pairs[] = {"cong ty",      "trung tam", "chi nhanh",
	                                        "tap doan",     "benh vien", "ngan hang",
	                                        "truong phong", "phong ban", "vien "};
	char *f = text_fold(piece);
	for (gsize i = 0; i < G_N_ELEMENTS(org_pairs); i++)
		if (text_has_word(f, org_pairs[i]) ||
		    (org_pairs[i][strlen(org_pairs[i]) - 1] == ' ' &&
		     g_str_has_prefix(f, org_pairs[i]))) {
			g_free(f);
			return FALSE;
		}
	char **w = g_strsplit(g_strstrip(f), " ", -1);
	char **orig = g_strsplit(piece, " ", -1);
	int n = (int)g_strv_length(w);
	gboolean yes = n >= 2 && n <= 6 && (int)g_strv_length(orig) == n;

	for (int i = 0; yes && i < n; i++) {
		char *lower = g_utf8_strdown(orig[i], -1);
		yes = *w[i] != '\0' && !fields_word_is_org(lower, w[i], i) &&
		      strpbrk(w[i], "0123456789@") == NULL;
		g_free(lower);
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
void
fields_list_inline(struct ctx *c, const char *value)
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
		     (json_object_has_member(p, "full_name") && fields_looks_like_name(cell)))) {
			if (p != NULL)
				fields_people_add(c, p);
			p = json_object_new();
			texts = 0;
		}
		if (p == NULL)
			p = json_object_new();
		if (lc >= 0) {
			fields_person_put(c, p, lc, lv);
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
		fields_people_add(c, p);
	g_strfreev(cells);
	g_free(commas);
	g_free(flat);
}

/* Whether a folded label opens one person's block: "Người 1", "Khách thứ 2". */
gboolean
fields_label_is_item(const char *ln)
{
	static GRegex *re;
	if (re == NULL)
		re = g_regex_new("^(nguoi|khach|can bo|thanh vien|visitor|person|nhan su|tai khoan|"
		                 "account|hop thu)( thu)?(?: ?\\d{1,2}| [a-z])$",
		                 0, 0, NULL);
	return g_regex_match(re, ln, 0, NULL);
}

/* End the person block being filled.  A block of a phone alone after the
   list's people ("Personnel: A (…), B (…)" then "Cell: 0901…") is the
   contact's phone when the mail gives none. */
void
fields_item_end(struct ctx *c)
{
	JsonObject *o = c->r->fields;

	if (c->person != NULL && json_object_get_size(c->person) == 1 &&
	    json_object_has_member(c->person, "phone") && json_array_get_length(c->people) > 0 &&
	    !json_object_has_member(o, "contact_phone")) {
		json_object_set_string_member(o, "contact_phone",
		                              json_object_get_string_member(c->person, "phone"));
		json_object_unref(c->person);
		c->person = NULL;
	}
	if (c->person != NULL) {
		fields_people_add(c, c->person);
		c->person = NULL;
	}
	if (c->section == S_LIST_ITEM)
		c->section = S_LIST;
	else if (c->section == S_ITEM)
		c->section = S_NONE;
}

/* Whether an unnumbered line is one person of a list: a name first, then
   at least one number, address or labelled value. */
gboolean
fields_person_row(const char *rest)
{
	if (strnlen(rest, PERSON_LINE_MAX + 1) > PERSON_LINE_MAX)
		return FALSE;
	char **cells = person_cells(rest);
	gboolean yes = cells[0] != NULL && cells[1] != NULL && fields_looks_like_name(cells[0]);
	gboolean some = FALSE;

	for (int i = 1; yes && cells[i] != NULL; i++)
		some = some || piece_is_cell(cells[i]);
	g_strfreev(cells);
	return yes && some;
}

/* A person read from one line's cells, as a dashed row is (see
   person_cells): for a line that goes on with the person above. */
JsonObject *
fields_person_of_line(struct ctx *c, const char *line)
{
	char **cells = person_cells(line);
	JsonObject *p = person_from_cells(c, cells, (int)g_strv_length(cells));

	g_strfreev(cells);
	return p;
}
