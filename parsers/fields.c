/* fields.c - labelled fields of a typed form, read from text: the line loop; see fields.h. */
#include "fields.h"
#include "fields_parts.h"

#include <stdlib.h>
#include <string.h>

#include "normalise.h"
#include "prose.h"
#include "text.h"

/* Set a string field unless it is already set. */
gboolean
fields_put(JsonObject *o, const char *key, char *value)
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

/* List key in the result's doubtful keys, once. */
void
fields_doubt(struct ctx *c, const char *key)
{
	if (!g_ptr_array_find_with_equal_func(c->r->doubtful, key, g_str_equal, NULL))
		g_ptr_array_add(c->r->doubtful, g_strdup(key));
}

/* Append more text to a text field, after sep (leaders alone add nothing). */
void
fields_put_append_sep(JsonObject *o, const char *key, const char *more, const char *sep)
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
void
fields_put_append(JsonObject *o, const char *key, const char *more)
{
	fields_put_append_sep(o, key, more, " ");
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

/* The value after a label's colon without the leaders before it ("Thời
   gian:. . . .13/08/2027"); leaders alone stay (a blank left empty). */
static const char *
skip_leaders(const char *v)
{
	const char *p = v;
	int n = 0;

	for (;; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		if (ch == '.' || ch == '_' || ch == 0x2026 || ch == 0x00B7)
			n++;
		else if (ch != ' ' && ch != '\t')
			break;
	}
	return n >= 2 && *p != '\0' ? p : v;
}

/*
 * Split "Label: value".  The colon must follow a label of letters (not a
 * time "8:30" or "https:"), at most 80 characters.  Without a colon, a run
 * of leader dots ends the label ("Đơn vị…………Sở X"); leaders of other
 * characters ("Họ tên ------ A", "SĐT ~~~~ 0905…", "Người đăng ký ___ A",
 * "Email · · · a@b") only
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
		*value = g_strdup(skip_leaders(g_utf8_next_char(p)));
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
		other =
		    g_regex_new("^(\\S.{1,79}?)\\s*(?:(?:[-~·=*─—–]\\s?){3,}|_{3,}|(?:…\\s+){2,}…?|"
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
		re = g_regex_new(
		    "^(on\\s.{4,200}\\swrote:?\\s*$|vao\\s.{4,200}\\s(?:da\\s+)?viet:?\\s*$|"
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
				fields_doubt(c, l->data);
			g_list_free(members);
		}
		if (people > c->seen_people || c->person != NULL)
			fields_doubt(c, "_people");
	}
	c->seen_keys = keys;
	c->seen_people = people;
}

/* "Nội dung cập nhật" written out ("Cập nhật module đặt lịch khám …") is
   the description when none was given; the form's options alone ("Mã
   nguồn, Cơ sở dữ liệu") are not. */
static void
update_what_described(JsonObject *o)
{
	static const char *const options[] = {
	    "ma nguon", "co so du lieu", "csdl", "source code",
	    "database", "giao dien",     "va",   "and",
	};
	if (!json_object_has_member(o, "_update_what"))
		return;
	const char *v = json_object_get_string_member(o, "_update_what");
	char *f = text_fold(v);
	for (gsize i = 0; i < G_N_ELEMENTS(options); i++)
		for (char *at = strstr(f, options[i]); at != NULL; at = strstr(f, options[i]))
			memset(at, ' ', strlen(options[i]));
	char **w = g_strsplit_set(f, " ,;/+&.-()", -1);
	int words = 0;
	for (char **p = w; *p != NULL; p++)
		words += **p != '\0';
	g_strfreev(w);
	if (words >= 2 && !json_object_has_member(o, "description"))
		json_object_set_string_member(o, "description", v);
	json_object_remove_member(o, "_update_what");
	g_free(f);
}

/* Read the form code: "05/IID-KT", "mẫu số 05/IID-KT", "01-IID-KT", "6/IID-KT",
   "12/IID-KT" (NN of any form, 1 to 99). */
char *
fields_form_code(const char *text)
{
	static GRegex *re;
	GMatchInfo *mi = NULL;
	char *f = text_fold(text), *code = NULL;

	if (re == NULL)
		re = g_regex_new("(?<!\\d)0?([1-9]\\d?)\\s*[/\\-]\\s*iid\\s*[-–_ ]?\\s*kt(?![a-z])",
		                 0, 0, NULL);
	if (g_regex_match(re, f, 0, &mi)) {
		char *n = g_match_info_fetch(mi, 1);
		/* any form number, as decide.c writes a type's: "06/IID-KT", "12/IID-KT" */
		code = g_strdup_printf("%02d/IID-KT", atoi(n));
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

/* The contact the sentences found (the signer) is one of the people
   listed, the engineer who signs and comes: their phone is the contact's
   when nothing else gave one. */
static void
contact_phone_from_list(JsonObject *fields)
{
	if (!json_object_has_member(fields, "contact_name") ||
	    json_object_has_member(fields, "contact_phone") ||
	    !json_object_has_member(fields, "_people"))
		return;
	const char *name = json_object_get_string_member(fields, "contact_name");
	JsonArray *people = json_object_get_array_member(fields, "_people");
	for (guint i = 0; i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		if (json_object_has_member(p, "full_name") && json_object_has_member(p, "phone") &&
		    strcmp(json_object_get_string_member(p, "full_name"), name) == 0) {
			json_object_set_string_member(fields, "contact_phone",
			                              json_object_get_string_member(p, "phone"));
			return;
		}
	}
}

/* Keys that say who asks and how to reach them, not what is asked. */
static const char who_keys[] =
    "requesting_unit|contact_name|contact_phone|contact_email|request_date|_address";

/* Whether the labels gave only who asks ("Requesting unit:", "Contact:"
   under a request written as sentences): the request is in the sentences. */
static gboolean
labels_only_who(JsonObject *fields)
{
	GList *keys = json_object_get_members(fields);
	gboolean only = keys != NULL;

	for (GList *l = keys; l != NULL && only; l = l->next)
		only = text_list_has(who_keys, l->data) || strcmp(l->data, "_cited_ref") == 0;
	g_list_free(keys);
	return only;
}

/* Whether the next line with text after line i begins with a list marker
   or is a table row: the rows of a list a sentence announced. */
static gboolean
next_is_row(char **lines, int i)
{
	gboolean marked = FALSE;

	for (int k = i + 1; lines[k] != NULL && k <= i + 2; k++) {
		const char *s = lines[k] + strspn(lines[k], " \t\r\n");
		if (*s == '\0')
			continue;
		strip_marker(s, &marked);
		return marked || strchr(s, '|') != NULL || strchr(s, '\t') != NULL;
	}
	return FALSE;
}

/* A line read as one person's row of a list: the sentences (prose.h) do
   not read it again, its numbers are that person's, not the contact's. */
static void
forget_row(struct ctx *c, GString *seen, gsize mark, int line)
{
	c->row_at = line;
	g_string_truncate(seen, mark);
	g_string_append_c(seen, '\n');
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

	/* the label tables first: fields_labelled_cells() below matches labels */
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
			char **cells = fields_labelled_cells(sub[k]);
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
	c.blank_at = -2;
	c.bare_date_at = -2;
	c.name_at = -2;
	c.row_at = -2;
	c.people = json_array_new();
	r->form_code = fields_form_code(text);

	/* where the line before began in seen, and the people before it */
	gsize row_mark = G_MAXSIZE;
	guint row_people = 0;
	for (int i = 0; lines[i] != NULL; i++) {
		if (i > 0)
			mark_doubtful(&c, g_array_index(origin, int, i - 1));
		if (row_mark != G_MAXSIZE && c.list_rows && c.person == NULL &&
		    json_array_get_length(c.people) > row_people)
			forget_row(&c, seen, row_mark, i - 1);
		row_mark = G_MAXSIZE;
		char *line = g_strstrip(lines[i]);
		char *folded, *label = NULL, *value = NULL;
		gboolean marked;
		const char *rest;

		c.line_no = i;
		if (*line == '\0') {
			g_string_append_c(seen, '\n');
			c.blank_at = i;
			c.pending = -1;
			c.box_slot = -1;
			c.nfield_cols = 0;
			fields_item_end(&c);
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
			fields_item_end(&c);
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
		row_mark = seen->len;
		row_people = json_array_get_length(c.people);
		g_string_append(seen, line);
		g_string_append_c(seen, '\n');

		rest = strip_marker(line, &marked);
		/* "CCCD: 0480…, SĐT: 0905…" under the name of the row above */
		if (!marked && c.row_at == i - 1 &&
		    (c.section == S_LIST || c.section == S_LIST_ITEM) &&
		    fields_row_continues(&c, rest)) {
			forget_row(&c, seen, row_mark, i);
			row_mark = G_MAXSIZE;
			continue;
		}
		gboolean box = fields_line_starts_box(rest);
		if (c.pending >= 0) {
			/* the value of a label alone on the line above, unless this
			   line is a label too (a choice's option is no label here) */
			int si = c.pending;
			c.pending = -1;
			if (!split_label(rest, &label, &value) &&
			    !fields_line_is_place_date(line) &&
			    (!fields_line_is_label(&c, rest) ||
			     (fields_slots[si].kind == K_CHOICE &&
			      fields_read_choice(fields_slots[si].key, rest) != NULL))) {
				fields_apply_slot(&c, si, box ? rest : line);
				continue;
			}
			g_free(label);
			g_free(value);
			label = value = NULL;
		}
		if (box) {
			fields_box_line(&c, rest);
			continue;
		}
		c.box_slot = -1;
		if (fields_field_table(&c, rest))
			continue;
		if (fields_two_cells(&c, rest, marked))
			continue;
		if (fields_table_row(&c, rest)) {
			c.last_key = NULL;
			continue;
		}
		if ((c.section == S_LIST || c.section == S_LIST_ITEM) &&
		    strchr(rest, ';') != NULL && fields_pairs_row(&c, rest)) {
			c.last_key = NULL;
			continue;
		}
		if (marked && c.section != S_ADMIN && fields_numbered_person(&c, rest)) {
			c.last_key = NULL;
			continue;
		}
		/* "1. Hoang Minh Duc - CMC TS - ID: 0480… - 0966…" under a sentence
		   that names the people ("for the following engineers on …"): a
		   name, then a number long enough to be an identity or a phone */
		if (marked && c.section == S_NONE && strcspn(rest, ":") > strcspn(rest, ",-(") &&
		    fields_person_row(rest) &&
		    g_regex_match_simple("\\d[\\d .]{7,}\\d", rest, 0, 0) &&
		    fields_dash_row(&c, rest)) {
			c.section = S_LIST;
			c.list_rows = TRUE;
			c.last_key = NULL;
			continue;
		}
		if (next_is_row(lines, i) && fields_list_intro(&c, rest))
			continue;
		if (split_label(rest, &label, &value)) {
			/* "- Ông A, CCCD: 0480…" in a list: a person, not a label */
			gboolean row = (c.section == S_LIST || c.section == S_LIST_ITEM) &&
			               !label_known(label) && (marked || fields_person_row(rest));
			if (!row)
				fields_labelled_line(&c, label, value, marked);
			g_free(label);
			g_free(value);
			if (!row)
				continue;
			fields_plain_line(&c, line, rest, marked);
			continue;
		}
		if (fields_label_alone(&c, rest, marked))
			continue;
		fields_plain_line(&c, line, rest, marked);
	}
	if (row_mark != G_MAXSIZE && c.list_rows && c.person == NULL &&
	    json_array_get_length(c.people) > row_people)
		forget_row(&c, seen, row_mark, c.line_no);
	fields_item_end(&c);
	/* (a letter cited in a sentence is no label) */
	gboolean only_who = labels_only_who(r->fields);
	/* a letter cited in a sentence is the approval when no label gave one */
	if (json_object_has_member(r->fields, "_cited_ref")) {
		if (!json_object_has_member(r->fields, "approval_ref"))
			json_object_set_string_member(
			    r->fields, "approval_ref",
			    json_object_get_string_member(r->fields, "_cited_ref"));
		json_object_remove_member(r->fields, "_cited_ref");
	}
	update_what_described(r->fields);
	if (origin->len > 0)
		mark_doubtful(&c, g_array_index(origin, int, origin->len - 1));
	g_array_free(origin, TRUE);
	if (json_array_get_length(c.people) > 0)
		json_object_set_array_member(r->fields, "_people", c.people);
	else
		json_array_unref(c.people);
	/* a contact named by a label is the form's: only the signer's phone is
	   looked for in the list */
	gboolean named = json_object_has_member(r->fields, "contact_name");
	/* a request written as sentences: what its labels did not give */
	if (opts->prose && !opts->ocr && (r->labels < 3 || only_who)) {
		prose_read(seen->str, opts, r->fields);
		r->prose = TRUE;
	} else if (opts->prose && !opts->ocr) {
		prose_fill(seen->str, opts, r->fields);
	}
	if (!named)
		contact_phone_from_list(r->fields);
	g_string_free(seen, TRUE);
	g_strfreev(lines);
	g_free(c.spare_name);
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
