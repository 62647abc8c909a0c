/* decide_types.c - the table of request types: the built-in rows, the rules
   file's changes, what a type asks for and how its fields are placed;
   see decide.h and decide_parts.h. */
#include "decide.h"
#include "decide_parts.h"

#include <string.h>

#include "text.h"

static void finish_mailbox(struct decision *d, JsonObject *raw, const struct message *m);
static void finish_server_room(struct decision *d, JsonObject *raw, const struct message *m);
static void finish_plain(struct decision *d, JsonObject *raw, const struct message *m);

/* The five request types of the procedures.  Adding a type is adding a row. */
static const struct type_row builtin_types[] = {
    {"website_update", 1, "pkt-iid",
     "cap nhat ma nguon|ma nguon website|ma nguon|cap nhat website|cap nhat trang thong tin|"
     "co so du lieu website|update website|website update|source code|cap nhat du lieu website|"
     "nang cap website|cap nhat website|cap nhat trang web|update the website|"
     "update our website|website source|source code update|cap nhat giao dien|"
     "cap nhat phien ban|deploy|deployment|trien khai phien ban|code update|"
     "update the database|database of the website|website database|code push|"
     "push a code update|update of the website|update of source code|"
     "update of the source code|release",
     "website_url:3", "website_url",
     "requesting_unit|contact_name|contact_phone|website_url|description",
     "Cập nhật mã nguồn website", finish_plain, TRUE, "Website source update", 3, "description"},
    {"mailbox", 2, NULL,
     "hop thu|tai khoan email|tai khoan thu|email cong vu|thu cong vu|thu dien tu cong vu|"
     "cap moi tai khoan|cap lai mat khau|mailbox|email account|reset password|"
     "tai khoan thu dien tu|dia chi thu dien tu cong vu|tao hop thu|cap hop thu|huy hop thu|"
     "hop thu cong vu|mailboxes|official mailbox|email accounts|mail account|password reset|"
     "reset the password|forgotten password|forgot password|quen mat khau|doi mat khau|"
     "hom thu cong vu|cap hom thu|tao hom thu|huy hom thu|hom thu dien tu|dia chi hom thu|"
     "doi ten dang nhap|doi ten truy cap|dat lai mat khau|reset mat khau",
     "accounts:3|mailbox_action:1|change_detail:2", "mailbox_action|accounts|change_detail",
     "requesting_unit|contact_name|contact_phone|mailbox_action|accounts",
     "Cấp mới/thay đổi/hủy bỏ hộp thư điện tử", finish_mailbox, FALSE,
     "Mailbox create/change/cancel", 2, NULL},
    {"subdomain", 3, "pkt-iid",
     "ten mien con|subdomain|sub-domain|tao ten mien|dang ky ten mien|ten mien|sub domain|"
     "domain name",
     "subdomain:3|approval_ref:2|target_ip:2|admin_name:1",
     "subdomain|approval_ref|target_ip|purpose|admin_name|admin_phone|admin_email",
     "requesting_unit|contact_name|contact_phone|subdomain|approval_ref|target_ip|purpose",
     "Tạo tên miền con của danang.gov.vn", finish_plain, TRUE, "Sub-domain of danang.gov.vn", 5,
     NULL},
    {"server_room", 4, "pkt-iid",
     "phong he thong|phong may chu|vao ra phong|vao phong|server room|data center|tu rack|"
     "phong server|trung tam du lieu|vao ra|vao phong may chu|phong may|server room access|"
     "access to the server room|visit the server room|rack",
     "visitors:3|visit_date:2|time_from:2|equipment:1|_when_from:1",
     "visit_date|time_from|time_to|visitors|purpose|equipment|emergency",
     "requesting_unit|contact_name|contact_phone|visit_date|time_from|visitors|purpose",
     "Vào ra Phòng Hệ thống", finish_server_room, FALSE, "Server-room access", 1, NULL},
    {"tech_support", 5, "pkt-iid",
     "ho tro ky thuat|technical support|tech support|it support|su co|dang ky ho tro|"
     "yeu cau ho tro|khac phuc|mat ket noi|mat mang|bi loi|khong truy cap|not working|"
     "ho tro kiem tra|technical assistance|support request|support needed|"
     "is down|not reachable|does not respond|assist us|keeps rebooting|help with|assist|"
     "assistance|reinstall|re-install",
     "category:3|location:1|priority:1", "category|location|priority|emergency",
     "requesting_unit|contact_name|contact_phone|location|description",
     "Hỗ trợ kỹ thuật trong tòa nhà", finish_plain, TRUE, "Technical support in the buildings", 2,
     "description"},
};

/* The request types in use: the built-in rows, changed and extended by
   rules_configure_type() at start-up. */
static GPtrArray *type_table;

/* The table of types, made from the built-in rows on first use. */
GPtrArray *
decide_types(void)
{
	if (type_table == NULL) {
		type_table = g_ptr_array_new();
		for (gsize i = 0; i < G_N_ELEMENTS(builtin_types); i++) {
			struct type_row *r = g_new(struct type_row, 1);
			*r = builtin_types[i];
			g_ptr_array_add(type_table, r);
		}
	}
	return type_table;
}

/* Back to the built-in types (a rules file reloaded); the strings a rules
   file gave are small and kept. */
void
rules_reset_types(void)
{
	if (type_table == NULL)
		return;
	for (guint i = 0; i < type_table->len; i++)
		g_free(g_ptr_array_index(type_table, i));
	g_ptr_array_free(type_table, TRUE);
	type_table = NULL;
}

/* The strings rules files gave: small, kept for the process's life (a row
   may point at them after a reload), and reachable so that a leak checker
   does not count them. */
static GPtrArray *kept_strings;

/* Keep a string a rules file gave; returns it. */
static char *
kept(char *s)
{
	if (kept_strings == NULL)
		kept_strings = g_ptr_array_new();
	g_ptr_array_add(kept_strings, s);
	return s;
}

/* A type's keys ('|') with those of required it lacks: a field the type
   requires is one it keeps. */
static char *
keys_with(const char *keys, const char *required)
{
	GString *out = g_string_new(keys);
	char **req = g_strsplit(required, "|", -1);

	for (int i = 0; req[i] != NULL; i++)
		if (*req[i] != '\0' && !text_list_has(out->str, req[i]))
			g_string_append_printf(out, "%s%s", out->len > 0 ? "|" : "", req[i]);
	g_strfreev(req);
	return g_string_free(out, FALSE);
}

/* Change or add a request type from the rules file; strings are copied. */
void
rules_configure_type(const char *key, int form_no, const char *mailbox, const char *words,
                     const char *required, int sign_off, const char *title)
{
	GPtrArray *t = decide_types();
	struct type_row *row = NULL;

	for (guint i = 0; row == NULL && i < t->len; i++)
		if (strcmp(((struct type_row *)g_ptr_array_index(t, i))->key, key) == 0)
			row = g_ptr_array_index(t, i);
	if (row == NULL) {
		/* a new type: known by its form code, or by its words in a mail that
		   names the unit or the person asking as a form does (words alone
		   make a question about a service, not a request) */
		row = g_new0(struct type_row, 1);
		row->key = kept(g_strdup(key));
		row->mailbox = "pkt-iid";
		row->words = "";
		row->evidence = "requesting_unit:1|contact_name:1";
		row->keys = "";
		row->required = "requesting_unit|contact_name|contact_phone|description";
		row->title_vi = row->key;
		row->title_en = row->key;
		row->finish = finish_plain;
		g_ptr_array_add(t, row);
	}
	if (form_no > 0)
		row->form_no = form_no;
	if (mailbox != NULL)
		row->mailbox = *mailbox != '\0' ? kept(g_strdup(mailbox)) : NULL;
	if (words != NULL && *words != '\0')
		row->words = *row->words != '\0' ? kept(g_strdup_printf("%s|%s", row->words, words))
		                                 : kept(g_strdup(words));
	if (required != NULL) {
		row->required = kept(g_strdup(required));
		row->keys = kept(keys_with(row->keys, required));
	}
	if (sign_off >= 0)
		row->sign_off = sign_off != 0;
	if (title != NULL)
		row->title_vi = row->title_en =
		    kept(g_strdup(title)); /* the rules file's, in any language */
}

/* Change a request type's due days from the rules file (-1: unchanged). */
void
rules_configure_due(const char *key, int due_days)
{
	GPtrArray *t = decide_types();

	for (guint i = 0; due_days >= 0 && i < t->len; i++) {
		struct type_row *row = g_ptr_array_index(t, i);
		if (strcmp(row->key, key) == 0)
			row->due_days = due_days;
	}
}

/* Working days from receipt to a type's due date, 0 when it has none. */
int
rules_due_days(const char *type)
{
	GPtrArray *t = decide_types();

	for (guint i = 0; type != NULL && i < t->len; i++) {
		const struct type_row *r = g_ptr_array_index(t, i);
		if (strcmp(r->key, type) == 0)
			return r->due_days;
	}
	return 0;
}

/* A request type's name for people in a language ("vi", "en"). */
const char *
rules_type_title(const char *key, const char *lang)
{
	gboolean en = lang != NULL && strcmp(lang, "en") == 0;

	for (guint i = 0; key != NULL && i < decide_types()->len; i++) {
		const struct type_row *row = g_ptr_array_index(decide_types(), i);
		if (strcmp(row->key, key) == 0)
			return en ? row->title_en : row->title_vi;
	}
	return en ? "Request of unknown type" : "Yêu cầu chưa xác định loại";
}

/* Whether the unit signs a type's completion off. */
gboolean
rules_sign_off(const char *type)
{
	GPtrArray *t = decide_types();

	for (guint i = 0; type != NULL && i < t->len; i++) {
		const struct type_row *r = g_ptr_array_index(t, i);
		if (strcmp(r->key, type) == 0)
			return r->sign_off;
	}
	return FALSE;
}

/* Count of words of a '|' list found in folded text, at most cap. */
int
decide_words_found(const char *list, const char *folded, int cap)
{
	char **w = g_strsplit(list, "|", -1);
	int n = 0;

	for (int i = 0; w[i] != NULL && n < cap; i++)
		if (text_has_word(folded, w[i]))
			n++;
	g_strfreev(w);
	return n;
}

/* Copy a member of raw to out under another key, if set. */
void
decide_move_member(JsonObject *raw, const char *from, JsonObject *out, const char *to)
{
	if (json_object_has_member(raw, from) && !json_object_has_member(out, to))
		json_object_set_member(out, to, json_node_copy(json_object_get_member(raw, from)));
}

/* Take the generic people of the fields as list entries with these keys. */
static JsonArray *
people_as(JsonObject *raw, const char *const *map)
{
	JsonArray *people = json_object_has_member(raw, "_people")
	                        ? json_object_get_array_member(raw, "_people")
	                        : NULL;
	JsonArray *out = json_array_new();

	for (guint i = 0; people != NULL && i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		JsonObject *e = json_object_new();
		for (int k = 0; map[k] != NULL; k += 2) {
			/* map: output key, then source keys separated by '|' */
			char **src = g_strsplit(map[k + 1], "|", -1);
			for (int s = 0; src[s] != NULL; s++)
				decide_move_member(p, src[s], e, map[k]);
			g_strfreev(src);
		}
		if (json_object_get_size(e) > 0)
			json_array_add_object_element(out, e);
		else
			json_object_unref(e);
	}
	return out;
}

/* Common placement: the bare "Thời gian" is the desired time. */
static void
finish_plain(struct decision *d, JsonObject *raw, const struct message *m)
{
	decide_move_member(raw, "_when_dt", d->fields, "desired_time");
}

/* Mailbox requests: accounts from the list, the action from the subject
   when the form did not tick one, the mailbox from the action. */
static void
finish_mailbox(struct decision *d, JsonObject *raw, const struct message *m)
{
	static const char *const map[] = {"full_name",       "full_name",  "position",
	                                  "position|_text2", "department", "department|_text3",
	                                  "address",         "address",    "mobile",
	                                  "phone",           NULL};
	static const struct {
		const char *words, *action;
	} subject_actions[] = {
	    {"cap lai mat khau|doi mat khau|reset|thay doi|doi ten|cap nhat thong tin|change|"
	     "rename|password|username|user name|display name",
	     "change"},
	    {"huy bo|huy hop thu|huy hom thu|xoa|thu hoi|cancel|delete|deactivate|terminate|"
	     "cancellation|deactivation|removal|closure|deletion",
	     "cancel"},
	    {"cap moi|tao moi|tao hop thu|tao hom thu|cap hom thu|cap hop thu|mo moi|dang ky "
	     "moi|create|new",
	     "create"},
	};
	JsonArray *accounts = people_as(raw, map);
	const char *action;

	finish_plain(d, raw, m);
	if (json_array_get_length(accounts) > 0)
		json_object_set_array_member(d->fields, "accounts", accounts);
	else
		json_array_unref(accounts);
	/* only a change has details of what changes */
	if (!json_object_has_member(d->fields, "mailbox_action") &&
	    json_object_has_member(d->fields, "change_detail"))
		json_object_set_string_member(d->fields, "mailbox_action", "change");
	if (!json_object_has_member(d->fields, "mailbox_action")) {
		char *f = text_fold(m->subject);
		for (gsize i = 0; i < G_N_ELEMENTS(subject_actions); i++)
			if (decide_words_found(subject_actions[i].words, f, 1) > 0) {
				json_object_set_string_member(d->fields, "mailbox_action",
				                              subject_actions[i].action);
				break;
			}
		g_free(f);
	}
	action = json_object_has_member(d->fields, "mailbox_action")
	             ? json_object_get_string_member(d->fields, "mailbox_action")
	             : NULL;
	/* "Nội dung đề nghị: cấp lại mật khẩu …" of a change says what changes */
	if (action != NULL && strcmp(action, "change") == 0 &&
	    !json_object_has_member(d->fields, "change_detail") &&
	    json_object_has_member(d->fields, "description")) {
		decide_move_member(d->fields, "description", d->fields, "change_detail");
		json_object_remove_member(d->fields, "description");
	}
	if (action != NULL && strcmp(action, "change") == 0)
		d->proper = "admin";
	else if (action != NULL)
		d->proper = "cntt";
	else
		d->proper =
		    d->mailbox != NULL && strcmp(d->mailbox, "admin") == 0 ? "admin" : "cntt";
	d->via_department = strcmp(d->proper, "cntt") == 0;
}

/* Server-room requests: visitors from the list, the bare "Thời gian" as
   the visit when the form gave none. */
static void
finish_server_room(struct decision *d, JsonObject *raw, const struct message *m)
{
	static const char *const map[] = {
	    "full_name", "full_name", "organization", "organization|_text2|department",
	    "id_no",     "id_no",     "phone",        "phone",
	    NULL};
	JsonArray *visitors = people_as(raw, map);
	gboolean used = FALSE;

	if (json_array_get_length(visitors) > 0)
		json_object_set_array_member(d->fields, "visitors", visitors);
	else
		json_array_unref(visitors);
	if (!json_object_has_member(d->fields, "visit_date") &&
	    json_object_has_member(raw, "_when_date")) {
		decide_move_member(raw, "_when_date", d->fields, "visit_date");
		used = TRUE;
	}
	if (!json_object_has_member(d->fields, "time_from") &&
	    json_object_has_member(raw, "_when_from")) {
		decide_move_member(raw, "_when_from", d->fields, "time_from");
		decide_move_member(raw, "_when_to", d->fields, "time_to");
		used = TRUE;
	}
	/* "Nội dung cần thực hiện" of a visit is why the visitors come */
	if (!json_object_has_member(d->fields, "purpose") &&
	    json_object_has_member(d->fields, "description")) {
		decide_move_member(d->fields, "description", d->fields, "purpose");
		json_object_remove_member(d->fields, "description");
	}
	/* the visit's own day and hours are not a wish for another time */
	if (!used && !json_object_has_member(d->fields, "visit_date"))
		finish_plain(d, raw, m);
	/* the form has a purpose and no description: "Reason: …" is the purpose */
	if (!json_object_has_member(d->fields, "purpose") &&
	    json_object_has_member(d->fields, "description")) {
		decide_move_member(d->fields, "description", d->fields, "purpose");
		json_object_remove_member(d->fields, "description");
	}
}

/* The required keys of a type missing from fields. */
GPtrArray *
rules_missing(const char *type, JsonObject *fields)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint t = 0; t < decide_types()->len; t++) {
		const struct type_row *row = g_ptr_array_index(decide_types(), t);
		if (strcmp(row->key, type) != 0)
			continue;
		char **req = g_strsplit(row->required, "|", -1);
		for (int i = 0; req[i] != NULL; i++)
			if (!json_object_has_member(fields, req[i]))
				g_ptr_array_add(out, g_strdup(req[i]));
		g_strfreev(req);
	}
	return out;
}
