/* fields_lines.c - the kinds of line: labelled lines and second fields, labels alone, check boxes,
 * tables of fields, plain lines; see fields_parts.h. */
#include "fields.h"
#include "fields_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

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
	                          : fields_read_id(head);
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

/* Whether a normalised label is a date with nothing saying whose: "Date",
   "Ngày" (the time on the next line makes it the appointment's). */
static gboolean
label_is_bare_date(const char *ln)
{
	static const char *const bare[] = {"date", "ngay"};

	for (gsize i = 0; i < G_N_ELEMENTS(bare); i++)
		if (strcmp(ln, bare[i]) == 0)
			return TRUE;
	return FALSE;
}

/* The column of a person's full name. */
static int
name_column(void)
{
	for (gsize i = 0; i < fields_n_columns; i++)
		if (strcmp(fields_columns[i].key, "full_name") == 0)
			return (int)i;
	return -1;
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
	fields_cite_letter(c, value);

	/* "Người 1:" opens a person block */
	if (fields_label_is_item(ln) && (empty || strlen(value) < 3)) {
		fields_item_end(c);
		c->person = json_object_new();
		c->section = c->section == S_LIST ? S_LIST_ITEM : S_ITEM;
		c->last_key = NULL;
		g_free(ln);
		return;
	}
	/* "Người thứ 1: Họ tên: A": the block opens on the person's first label */
	const char *colon = fields_label_is_item(ln) ? strchr(value, ':') : NULL;
	if (colon != NULL && colon - value < 60) {
		char *inner = g_strndup(value, (gsize)(colon - value));
		char *iln = fields_label_norm(inner);
		int iscore = 0, icol = fields_column_match(iln, &iscore);
		g_free(iln);
		if (icol >= 0 && iscore >= 1000) {
			fields_item_end(c);
			c->person = json_object_new();
			c->section = c->section == S_LIST ? S_LIST_ITEM : S_ITEM;
			c->last_key = NULL;
			fields_labelled_line(c, inner, colon + 1, FALSE);
			g_free(inner);
			g_free(ln);
			return;
		}
		g_free(inner);
	}
	gboolean person_label =
	    col >= 0 && cscore >= sscore - 2 && fields_columns[col].kind != K_IGNORE;
	/* inside a person block, person labels fill the person; a column seen
	   again is the next person's ("Name:", "ID:", "Name:", "ID:") */
	if ((c->section == S_ITEM || c->section == S_LIST_ITEM) && person_label) {
		if (c->person != NULL &&
		    json_object_has_member(c->person, fields_columns[col].key)) {
			enum section was = c->section;
			fields_item_end(c);
			c->section = was;
		}
		if (c->person == NULL)
			c->person = json_object_new();
		fields_person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	/* people written one per row, a blank line, then a label that names a
	   field too ("Organisation: …"): the letter goes on, the list ended */
	if (c->section == S_LIST && person_label && si >= 0 && c->list_rows &&
	    c->blank_at == c->line_no - 1)
		c->section = S_NONE;
	/* "Họ và tên: A" then "Địa chỉ hộp thư: a@…" with no heading: A is the
	   account's owner, not the contact (an "Email:" names the contact's;
	   "Hộp thư: a@…" is a list of one) */
	/* in a mailbox request ("Action: create" above), "Position:" after the
	   name says the same: an account's owner */
	gboolean owner = col >= 0 && (strcmp(fields_columns[col].key, "address") == 0 ||
	                              (strcmp(fields_columns[col].key, "position") == 0 &&
	                               json_object_has_member(c->r->fields, "mailbox_action")));
	if (c->section == S_NONE && person_label && !empty &&
	    (si < 0 || fields_slots[si].kind == K_LIST) && owner && c->name_at == c->line_no - 1 &&
	    json_object_has_member(c->r->fields, "contact_name")) {
		c->person = json_object_new();
		if (c->spare_name != NULL) {
			fields_person_put(c, c->person, name_column(), c->spare_name);
		} else {
			json_object_set_string_member(
			    c->person, "full_name",
			    json_object_get_string_member(c->r->fields, "contact_name"));
			json_object_remove_member(c->r->fields, "contact_name");
		}
		c->section = S_ITEM;
		fields_person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	/* "Visitor name: A" then "ID number:", "Mobile:": one person of the
	   list, named by a label that names a listed person's name */
	if (person_label && !empty && si >= 0 && fields_slots[si].kind == K_LIST &&
	    cscore > sscore && col == name_column()) {
		fields_item_end(c);
		c->person = json_object_new();
		c->section = S_LIST_ITEM;
		c->ncolumns = 0;
		c->list_rows = FALSE;
		fields_person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	/* a list without "Người 1:" headings: its first person label */
	if (c->section == S_LIST && person_label && !empty) {
		c->person = json_object_new();
		c->section = S_LIST_ITEM;
		fields_person_put(c, c->person, col, value);
		g_free(ln);
		return;
	}
	if (c->section == S_ITEM || c->section == S_LIST_ITEM)
		fields_item_end(c);
	/* the administrator block of the sub-domain form */
	if (c->section == S_ADMIN && col >= 0 && fields_apply_admin(c, col, value)) {
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
		gboolean had_name = json_object_has_member(c->r->fields, "contact_name");
		gboolean had_date = json_object_has_member(c->r->fields, "request_date");
		fields_apply_slot(c, si, value);
		if (fields_slots[si].kind == K_LIST)
			fields_list_heading(c, ln);
		if (!had_date && json_object_has_member(c->r->fields, "request_date") &&
		    label_is_bare_date(ln))
			c->bare_date_at = c->line_no;
		if (col >= 0 && strcmp(fields_columns[col].key, "full_name") == 0 &&
		    json_object_has_member(c->r->fields, "contact_name") && !(had_name && empty)) {
			/* "Contact person: B" before: A may still own the mailbox */
			c->name_at = c->line_no;
			g_free(c->spare_name);
			c->spare_name = had_name && !empty ? g_strdup(value) : NULL;
		}
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
			fields_put(c->r->fields, mark, g_strdup("1"));
			g_free(mark);
		}
	} else {
		c->last_key = NULL;
	}
	g_free(ln);
}

/* Handle one labelled line, and a second field written after its value. */
void
fields_labelled_line(struct ctx *c, const char *label, const char *value, gboolean marked)
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
		fields_labelled_line(c, tail_label, tail_value, FALSE);
	g_free(head);
	g_free(tail_label);
	g_free(tail_value);
}

/* Whether a line is the form's "Đà Nẵng, ngày 02 tháng 09 năm 2026", or an
   English letter's whole dateline ("Da Nang, December 7th, 2026", "Da
   Nang, 7 December 2026"). */
gboolean
fields_line_is_place_date(const char *line)
{
	static GRegex *re;
	char *f = text_fold(line);
	gboolean yes;

	if (re == NULL)
		re = g_regex_new(
		    "^\\s*[\\w .]{2,30},\\s*(?:ngay\\s*\\d|(?:(?:\\d{1,2}(?:st|nd|rd|th)?\\s+"
		    "(?:of\\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|"
		    "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?\\s+"
		    "\\d{1,2}(?:st|nd|rd|th)?),?\\s+\\d{4}\\s*$))",
		    0, 0, NULL);
	yes = g_regex_match(re, f, 0, NULL);
	g_free(f);
	return yes;
}

/* How many words a normalised label has after its first len bytes (a
   heading's words after the known label: "… như sau" goes on a little, a
   sentence that starts with "Hộp thư" goes on and on). */
static int
words_after(const char *ln, int len)
{
	int n = 0;

	if (len >= 1000 || len < 0 || (gsize)len > strlen(ln))
		return 0;
	for (const char *p = ln + len; *p != '\0'; p++)
		if (*p != ' ' && (p == ln + len || p[-1] == ' '))
			n++;
	return n;
}

/* Whether a line is a label and nothing else ("Tên đơn vị", "ĐIỆN THOẠI (DI
   ĐỘNG)", "NGƯỜI QUẢN TRỊ KỸ THUẬT", "Visitors", "Người 2"): the value or
   the section follows on the next lines.  A field's label must be whole; a
   section's heading may go on ("Danh sách người vào phòng máy như sau"). */
gboolean
fields_line_is_label(struct ctx *c, const char *rest)
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
	      (fields_label_is_item(ln) || (si >= 0 && sscore >= 1000) ||
	       (si >= 0 && (fields_slots[si].kind == K_ADMIN || fields_slots[si].kind == K_LIST) &&
	        strpbrk(ln, "0123456789") == NULL && words_after(ln, sscore) <= 4) ||
	       ((c->section == S_ITEM || c->section == S_LIST_ITEM) && col >= 0 && cscore >= 1000));
	g_free(ln);
	return yes;
}

/* A heading in capitals that begins with a field's label and says a little
   more ("ĐỊA CHỈ TRANG WEB CẦN CẬP NHẬT", "THỜI GIAN ĐỀ NGHỊ THỰC HIỆN"):
   the label's words (normalised), or NULL.  The label is at least two words
   and half the heading's. */
static char *
heading_label(const char *rest)
{
	if (strnlen(rest, 200) >= 200 || strpbrk(rest, ":|\t@") != NULL)
		return NULL;
	for (const char *p = rest; *p != '\0'; p = g_utf8_next_char(p))
		if (g_unichar_islower(g_utf8_get_char(p)))
			return NULL;
	char *ln = fields_label_norm(rest);
	int score = 0, si = fields_slot_match(ln, &score);
	char *out = NULL;
	if (si >= 0 && score > 0 && score < 1000 && fields_slots[si].kind != K_IGNORE &&
	    fields_slots[si].kind != K_LIST && fields_slots[si].kind != K_ADMIN) {
		char *head = g_strndup(ln, (gsize)score);
		char **hws = g_strsplit(head, " ", -1), **lws = g_strsplit(ln, " ", -1);
		guint nh = g_strv_length(hws), nl = g_strv_length(lws);
		if (nh >= 2 && nh * 2 >= nl && nl - nh <= 4)
			out = head, head = NULL;
		g_strfreev(hws);
		g_strfreev(lws);
		g_free(head);
	}
	g_free(ln);
	return out;
}

/* Read a line that is a label alone; FALSE for any other line. */
gboolean
fields_label_alone(struct ctx *c, const char *rest, gboolean marked)
{
	char *head;

	if (fields_line_is_label(c, rest)) {
		fields_labelled_line(c, rest, "", marked);
		return TRUE;
	}
	if ((head = heading_label(rest)) == NULL)
		return FALSE;
	fields_labelled_line(c, head, "", marked);
	g_free(head);
	return TRUE;
}

/* Whether a line begins with a check box ("☑ Phần mềm", "[x] Khẩn cấp"). */
gboolean
fields_line_starts_box(const char *rest)
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
void
fields_box_line(struct ctx *c, const char *rest)
{
	gboolean boxes;
	char *ticked = fields_ticked_text(rest, &boxes);
	const char *p = rest;

	c->last_key = NULL;
	/* the label after the boxes, if they stand before one */
	while (*p != '\0' && (fields_line_starts_box(p) || *p == ' ')) {
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
			fields_apply_slot(c, c->box_slot, rest);
		else if (ticked != NULL && !fields_put(c->r->fields, s->key, g_strdup(ticked)) &&
		         c->box_key == s->key)
			fields_put_append_sep(c->r->fields, s->key, ticked, ", ");
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
			fields_put(c->r->fields, key, g_strdup(val));
	}
	g_free(ticked);
}

/* A table whose first row names fields and whose next row holds their
   values ("Tên đơn vị | Người liên hệ | Điện thoại" over "Sở X | Nguyễn Y |
   0905…"); a list's header of two columns ("Họ tên | Email").  Returns
   whether the line was such a header or values row. */
gboolean
fields_field_table(struct ctx *c, const char *rest)
{
	int n, nslots = 0, ncols = 0, slot_of[16], col_of[16];
	char **cells;
	gboolean done = FALSE;

	if (strchr(rest, '|') == NULL && strchr(rest, '\t') == NULL) {
		c->nfield_cols = 0;
		return FALSE;
	}
	cells = fields_row_cells(rest, &n);
	if (c->nfield_cols > 0) {
		/* the values under the header */
		if (n == c->nfield_cols) {
			for (int i = 0; i < n; i++)
				if (c->field_cols[i] >= 0)
					fields_apply_slot(c, c->field_cols[i], cells[i]);
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
		re = g_regex_new(
		    "^(?:(?:em|anh|chi|toi|minh|chung toi|chung em)\\s+(?=(?:xin )?cam on))?"
		    "(?:tran trong|xin cam on|xin chan thanh cam on|cam on|kinh thu|"
		    "thanks|thank you|many thanks|best regards|kind regards|"
		    "warm regards|regards|sincerely|yours sincerely|best)\\b",
		    0, 0, NULL);
	f = text_fold(rest);
	yes = g_regex_match(re, f, 0, NULL);
	g_free(f);
	return yes;
}

/* The administrator's name, phone or address alone on a line of the
   administrator's block; FALSE when the line is none of them. */
static gboolean
admin_alone(struct ctx *c, const char *rest)
{
	JsonObject *o = c->r->fields;

	if (!json_object_has_member(o, "admin_name") && fields_looks_like_name(rest))
		return fields_put(o, "admin_name", fields_read_name(rest));
	if (!json_object_has_member(o, "admin_phone") &&
	    strspn(rest, "0123456789 .-+()") == strlen(rest))
		return fields_put(o, "admin_phone", norm_phone(rest));
	if (!json_object_has_member(o, "admin_email") && strchr(rest, ' ') == NULL)
		return fields_put(o, "admin_email", norm_email(rest));
	return FALSE;
}

/* A line with no label: continuation, list row, or a dated signature line. */
void
fields_plain_line(struct ctx *c, const char *line, const char *rest, gboolean marked)
{
	/* "Đà Nẵng, ngày 02 tháng 09 năm 2026": the letter's end, no list
	   goes on past it (the signer's name under it is no account) */
	if (fields_line_is_place_date(line)) {
		fields_put(c->r->fields, "request_date",
		           norm_date(line, c->opts->ref_year, c->opts->ref_month));
		if (c->section == S_LIST || c->section == S_LIST_ITEM) {
			fields_item_end(c);
			c->section = S_NONE;
		}
		c->last_key = NULL;
		return;
	}
	/* a sentence citing the approval letter is no continuation */
	if (fields_cite_letter(c, rest)) {
		c->last_key = NULL;
		return;
	}
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && marked) {
		fields_item_end(c);
		if (fields_pairs_row(c, rest) || fields_dash_row(c, rest)) {
			c->list_rows = TRUE;
			return;
		}
	}
	/* an unnumbered row of a list: a name, then numbers or labelled values */
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && !marked &&
	    fields_person_row(rest)) {
		fields_item_end(c);
		if (fields_dash_row(c, rest)) {
			c->list_rows = TRUE;
			return;
		}
	}
	/* the closing words end a list: the signature's name is no visitor */
	if (line_is_closing(rest)) {
		fields_item_end(c);
		c->section = S_NONE;
		c->last_key = NULL;
		return;
	}
	/* "Người quản trị:" then the administrator's name, phone or address
	   alone on the next lines */
	if (c->section == S_ADMIN && !marked && admin_alone(c, rest)) {
		c->section_filled = TRUE;
		c->last_key = NULL;
		return;
	}
	/* a list of names alone under its heading */
	if ((c->section == S_LIST || c->section == S_LIST_ITEM) && c->ncolumns == 0 &&
	    fields_looks_like_name(rest)) {
		fields_item_end(c);
		JsonObject *p = json_object_new();
		fields_put(p, "full_name", fields_read_name(rest));
		fields_people_add(c, p);
		c->list_rows = TRUE;
		return;
	}
	if (c->last_key != NULL && !marked && c->continued < 4) {
		fields_put_append(c->r->fields, c->last_key, rest);
		c->continued++;
		return;
	}
	c->last_key = NULL;
}

/* A row of two cells, "Label | value" (an HTML or document table of the
   form): read as "Label: value" when the first cell is a known label. */
gboolean
fields_two_cells(struct ctx *c, const char *rest, gboolean marked)
{
	int n;
	char **cells;
	gboolean done = FALSE;

	if (strchr(rest, '|') == NULL && strchr(rest, '\t') == NULL)
		return FALSE;
	cells = fields_row_cells(rest, &n);
	if (n == 2) {
		char *ln = fields_label_norm(cells[0]);
		int sscore = 0, cscore = 0;
		int si = fields_slot_match(ln, &sscore), col = fields_column_match(ln, &cscore);
		if ((si >= 0 || col >= 0) && strchr(cells[0], ':') == NULL) {
			fields_labelled_line(c, cells[0], cells[1], marked);
			done = TRUE;
		}
		g_free(ln);
	}
	g_strfreev(cells);
	return done;
}

/* A table row whose cells are labelled fields side by side ("Số điện thoại:
   0236… | Địa chỉ email: a@b"), as separate lines; a row "Tên đơn vị: | Sở Y
   tế" (label cell, value cell) as one "Label: value" line; NULL otherwise. */
char **
fields_labelled_cells(const char *line)
{
	int n;
	char **cells, **out = NULL;
	gboolean all = TRUE;

	if (strchr(line, '|') == NULL)
		return NULL;
	cells = fields_row_cells(line, &n);
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
