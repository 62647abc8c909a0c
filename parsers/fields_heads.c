/* fields_heads.c - what the heading of a list says and where a list's person goes on: the kind
 * of list and the mailbox action its heading names, a sentence that opens a list, a person's
 * details on the line under the name, the words that head an organisation or a department;
 * see fields_parts.h. */
#include "fields.h"
#include "fields_parts.h"

#include <string.h>

#include "text.h"

/* Folded words that make a list's heading one of accounts, or of visitors.
   "hom thu" is "hòm thư" (a mailbox): a heading never says "hôm thứ". */
static const char account_words[] =
    "tai khoan|hop thu|hom thu|email|e-mail|thu dien tu|thu cong vu|mailbox|mailboxes|account|"
    "accounts";
static const char visitor_words[] =
    "vao phong|phong may|phong he thong|phong may chu|visitor|visitors|khach|nguoi vao";

/* Whether folded text holds one of a '|' list's phrases at word boundaries. */
static gboolean
has_any(const char *folded, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++)
		yes = text_has_word(folded, w[i]);
	g_strfreev(w);
	return yes;
}

/* A list's heading ("Danh sách tài khoản cần tạo", "Hòm thư đề nghị hủy",
   "Danh sách người vào phòng máy"): which list it is ("_list_of") and, for
   accounts, the action its words name (absent keys only). */
void
fields_list_heading(struct ctx *c, const char *folded)
{
	JsonObject *o = c->r->fields;

	if (has_any(folded, account_words)) {
		fields_put(o, "_list_of", g_strdup("accounts"));
		const char *action = fields_option_match("mailbox_action", folded, TRUE);
		if (action != NULL)
			fields_put(o, "mailbox_action", g_strdup(action));
	} else if (has_any(folded, visitor_words)) {
		fields_put(o, "_list_of", g_strdup("visitors"));
	}
}

/*
 * A sentence that ends with a colon and announces a list: "Văn phòng Sở gửi
 * danh sách tài khoản cần tạo như sau:", "Đơn vị em xin gửi danh sách người
 * vào phòng máy:".  It must say "danh sách" and whose (accounts, people);
 * a known label before the colon is read as a label instead.  Opens the
 * list; returns FALSE for any other line.
 */
gboolean
fields_list_intro(struct ctx *c, const char *rest)
{
	static const char people_words[] = "can bo|cong chuc|vien chuc|nguoi|nhan su|nhan vien|"
	                                   "thanh vien|khach|ca nhan";
	static GRegex *tail;
	gsize n = strnlen(rest, 401);

	/* "… cho các cán bộ sau:", "… cho 02 cán bộ như sau:", "… cho cán bộ:" */
	if (tail == NULL)
		tail =
		    g_regex_new("\\b(?:can bo|cong chuc|vien chuc|nguoi|nhan su|nhan vien|"
		                "thanh vien|ca nhan|tai khoan|hop thu|hom thu|mailbox|mailboxes|"
		                "account|accounts|staff|staff members|employees|users|persons|"
		                "people|engineers|technicians|visitors)(?:\\s+\\w+){0,2}?"
		                "(?:\\s+(?:sau|nhu sau|sau day|duoi day|gom|bao gom|cu the|below|"
		                "as follows|listed below))?$",
		                0, 0, NULL);
	int score = 0;

	if (n == 0 || n > 400 || rest[n - 1] != ':' || c->section == S_ADMIN)
		return FALSE;
	char *head = g_strndup(rest, n - 1);
	char *ln = fields_label_norm(head);
	int si = fields_slot_match(ln, &score);
	gboolean known = (si >= 0 && (score >= 1000 || fields_slots[si].kind == K_LIST)) ||
	                 (fields_column_match(ln, &score) >= 0 && score >= 1000);
	gboolean yes = !known && ((text_has_word(ln, "danh sach") &&
	                           (has_any(ln, account_words) || has_any(ln, visitor_words) ||
	                            has_any(ln, people_words))) ||
	                          g_regex_match(tail, ln, 0, NULL));

	if (yes) {
		fields_item_end(c);
		c->section = S_LIST;
		c->ncolumns = 0;
		c->list_rows = FALSE;
		c->last_key = NULL;
		fields_list_heading(c, ln);
	}
	g_free(ln);
	g_free(head);
	return yes;
}

/* Whether a folded piece begins with one of a '|' list's phrases, whole. */
static gboolean
begins_with(const char *folded, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize k = strlen(w[i]);
		yes = strncmp(folded, w[i], k) == 0 && (folded[k] == ' ' || folded[k] == '\0');
	}
	g_strfreev(w);
	return yes;
}

/* Whether a cell of a person names a department ("Phòng Tổ chức biên chế",
   "Văn phòng Sở", "Bộ phận Một cửa"): its first words say so. */
gboolean
fields_text_is_department(const char *text)
{
	char *f = text_fold(text);
	gboolean yes = begins_with(g_strstrip(f), "phong|van phong|bo phan|phong ban") &&
	               strchr(f, ' ') != NULL;

	g_free(f);
	return yes;
}

/*
 * Whether the i-th word of a piece (lower case as written, and folded) is
 * one no person's name has there: the first word of an organisation ("Công
 * ty", "Sở", "Trung tâm", "UBND"), or an English one anywhere ("Ltd").
 * Vietnamese words are compared as written where they carry marks, so the
 * surname "Trương" is no "Trường" and the name "Tâm" ends no "Trung tâm".
 */
gboolean
fields_word_is_org(const char *lower, const char *folded, int i)
{
	static const char heads[] = "công|sở|phòng|trung|ubnd|ban|chi|viện|trường|bệnh|ngân|tập|"
	                            "cục|văn|hội|kho|tổng|tnhh|hđnd|ủy|uỷ|đài|báo";
	static const char heads_plain[] = "cong|so|phong|trung|ubnd|ban|chi|vien|benh|ngan|tap|"
	                                  "cuc|van|hoi|kho|tong|tnhh|hdnd|uy|dai|bao";
	static const char anywhere[] = "ubnd|tnhh|cp|jsc|company|corp|corporation|ltd|inc|llc|"
	                               "group|department|office|bank|co|branch|team|unit";
	gboolean plain = strcmp(lower, folded) == 0;

	if (i == 0 &&
	    (text_list_has(heads, lower) || (plain && text_list_has(heads_plain, folded))))
		return TRUE;
	return plain && text_list_has(anywhere, folded);
}

/*
 * The line under a person's row that goes on with that person: "1) Ông Lê
 * Văn Tâm" then "CCCD: 0480…, SĐT: 0905…", or "Chức vụ: Chuyên viên -
 * Phòng Lãnh sự - ĐT: 0905…".  It starts with a person's label (or a
 * number, or an address) and names nobody; what it gives is added to the
 * person above where that person has no such key.  FALSE for other lines.
 */
gboolean
fields_row_continues(struct ctx *c, const char *rest)
{
	guint n = json_array_get_length(c->people);
	const char *colon = strchr(rest, ':');
	int score = 0, col = -1;

	if (n == 0 || c->person != NULL)
		return FALSE;
	if (colon != NULL && colon > rest && g_utf8_strlen(rest, colon - rest) <= 30) {
		char *l = g_strndup(rest, (gsize)(colon - rest));
		char *ln = fields_label_norm(l);
		col = fields_column_match(ln, &score);
		if (score < 1000 || (col >= 0 && fields_columns[col].kind == K_IGNORE))
			col = -1;
		g_free(ln);
		g_free(l);
	}
	JsonObject *last = json_array_get_object_element(c->people, n - 1);
	if (col < 0 || strcmp(fields_columns[col].key, "full_name") == 0 ||
	    json_object_has_member(last, fields_columns[col].key))
		return FALSE;
	JsonObject *more = fields_person_of_line(c, rest);
	GList *keys = json_object_get_members(more);
	for (GList *k = keys; k != NULL; k = k->next) {
		const char *key = k->data;
		/* a text the line does not label: a department, or what the type decides */
		if (strcmp(key, "full_name") == 0)
			key = fields_text_is_department(json_object_get_string_member(more, key))
			          ? "department"
			          : "_text3";
		if (!json_object_has_member(last, key))
			json_object_set_member(
			    last, key, json_node_copy(json_object_get_member(more, k->data)));
	}
	g_list_free(keys);
	json_object_unref(more);
	return TRUE;
}

/*
 * A cell that says a position and then a department: "chuyên viên phòng
 * Quản lý đất đai" gives "Chuyên viên" and "Phòng Quản lý đất đai".  The
 * department starts at "phòng", "ban", "bộ phận" or "văn phòng" after the
 * first word, unless the word before belongs to the position ("Trưởng
 * phòng", "Phó Chánh Văn phòng").  FALSE when the cell is not so.
 */
gboolean
fields_split_position(const char *cell, char **position, char **department)
{
	static const char starts[] = "phong|ban|bo|van";
	static const char owners[] = "truong|pho|chanh|van";
	static const char units[] = "division|department|section|office|unit|team";
	/* "Specialist, Planning Division": after the comma, the department */
	const char *comma = strstr(cell, ", ");
	if (comma != NULL && strchr(comma + 2, ',') == NULL) {
		char *tail = text_fold(comma + 2);
		const char *last = strrchr(tail, ' ');
		gboolean unit = (last != NULL && text_list_has(units, last + 1)) ||
		                fields_text_is_department(comma + 2);
		g_free(tail);
		if (unit) {
			char *pos = g_strndup(cell, (gsize)(comma - cell));
			*position = text_capital(pos);
			*department = text_capital(comma + 2);
			g_free(pos);
			return TRUE;
		}
	}
	char *f = text_fold(cell);
	char **w = g_strsplit(f, " ", -1);
	gsize at = 0;
	gboolean found = FALSE;

	/* text_fold keeps one character for one: count characters */
	for (gsize k = 0; w[k] != NULL && !found; k++) {
		if (k > 0 && text_list_has(starts, w[k]) && !text_list_has(owners, w[k - 1]) &&
		    w[k + 1] != NULL &&
		    (strcmp(w[k], "bo") != 0 || strcmp(w[k + 1], "phan") == 0) &&
		    (strcmp(w[k], "van") != 0 || strcmp(w[k + 1], "phong") == 0))
			found = TRUE;
		else
			at += g_utf8_strlen(w[k], -1) + 1;
	}
	g_strfreev(w);
	g_free(f);
	if (!found || at < 2)
		return FALSE;
	const char *p = cell;
	for (gsize i = 0; i < at && *p != '\0'; i++)
		p = g_utf8_next_char(p);
	char *pos = g_strstrip(g_strndup(cell, (gsize)(p - cell)));
	*position = text_capital(pos);
	*department = text_capital(p);
	g_free(pos);
	return TRUE;
}
