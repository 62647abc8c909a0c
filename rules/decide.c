/* decide.c - request type, final fields, routing, automatic mail; see decide.h. */
#include "decide.h"

#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "normalise.h"
#include "text.h"

struct type_row;
typedef void (*finish_fn)(struct decision *d, JsonObject *raw, const struct message *m);

/* One request type: everything the rules know about it. */
struct type_row {
	const char *key;
	int form_no;          /* NN of NN/IID-KT */
	const char *mailbox;  /* proper mailbox name; NULL: decided by finish */
	const char *words;    /* folded words of subject and body, '|' */
	const char *evidence; /* "key:weight" of fields that point here */
	const char *keys;     /* keys this type keeps, besides the common ones */
	const char *required; /* keys that must be there */
	const char *title_vi; /* for people */
	finish_fn finish;
	gboolean sign_off; /* the unit signs the completion off (forms 01, 03, 05) */
	const char *title_en;
	int due_days;     /* working days from receipt to the due date, 0: none */
	const char *said; /* the key a request written as sentences gives its sentence to */
};

static void finish_mailbox(struct decision *d, JsonObject *raw, const struct message *m);
static void finish_server_room(struct decision *d, JsonObject *raw, const struct message *m);
static void finish_plain(struct decision *d, JsonObject *raw, const struct message *m);

/* Keys every type keeps. */
static const char common_keys[] =
    "requesting_unit|contact_name|contact_phone|contact_email|request_date|description|"
    "desired_time";

/* The five request types of the procedures.  Adding a type is adding a row. */
static const struct type_row builtin_types[] = {
    {"website_update", 1, "pkt-iid",
     "cap nhat ma nguon|ma nguon website|ma nguon|cap nhat website|cap nhat trang thong tin|"
     "co so du lieu website|update website|website update|source code|cap nhat du lieu website|"
     "nang cap website|cap nhat website|cap nhat trang web|update the website|"
     "update our website|website source|source code update|cap nhat giao dien|"
     "cap nhat phien ban",
     "website_url:3", "website_url",
     "requesting_unit|contact_name|contact_phone|website_url|description",
     "Cập nhật mã nguồn website", finish_plain, TRUE, "Website source update", 3, "description"},
    {"mailbox", 2, NULL,
     "hop thu|tai khoan email|tai khoan thu|email cong vu|thu cong vu|thu dien tu cong vu|"
     "cap moi tai khoan|cap lai mat khau|mailbox|email account|reset password|"
     "tai khoan thu dien tu|dia chi thu dien tu cong vu|tao hop thu|cap hop thu|huy hop thu|"
     "hop thu cong vu|mailboxes|official mailbox|email accounts|mail account|password reset|"
     "reset the password|forgotten password|forgot password|quen mat khau|doi mat khau",
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
     "ho tro kiem tra",
     "category:3|location:1|priority:1", "category|location|priority|emergency",
     "requesting_unit|contact_name|contact_phone|location|description",
     "Hỗ trợ kỹ thuật trong tòa nhà", finish_plain, TRUE, "Technical support in the buildings", 2,
     "description"},
};

/* The request types in use: the built-in rows, changed and extended by
   rules_configure_type() at start-up. */
static GPtrArray *type_table;

/* The table of types, made from the built-in rows on first use. */
static GPtrArray *
table(void)
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

/* Change or add a request type from the rules file; strings are copied. */
void
rules_configure_type(const char *key, int form_no, const char *mailbox, const char *words,
                     const char *required, int sign_off, const char *title)
{
	GPtrArray *t = table();
	struct type_row *row = NULL;

	for (guint i = 0; row == NULL && i < t->len; i++)
		if (strcmp(((struct type_row *)g_ptr_array_index(t, i))->key, key) == 0)
			row = g_ptr_array_index(t, i);
	if (row == NULL) {
		/* a new type: known by its form code and words only */
		row = g_new0(struct type_row, 1);
		row->key = kept(g_strdup(key));
		row->mailbox = "pkt-iid";
		row->words = "";
		row->evidence = "";
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
	if (required != NULL)
		row->required = kept(g_strdup(required));
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
	GPtrArray *t = table();

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
	GPtrArray *t = table();

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

	for (guint i = 0; key != NULL && i < table()->len; i++) {
		const struct type_row *row = g_ptr_array_index(table(), i);
		if (strcmp(row->key, key) == 0)
			return en ? row->title_en : row->title_vi;
	}
	return en ? "Request of unknown type" : "Yêu cầu chưa xác định loại";
}

/* Where an answer to a sender goes: From, or Reply-To where it may be trusted. */
const char *
rules_reply_target(const char *from, const char *reply_to, gboolean unit_reply_to,
                   gboolean same_org, gboolean from_trusted, const char **why)
{
	*why = NULL;
	if (reply_to == NULL || (from != NULL && g_ascii_strcasecmp(from, reply_to) == 0))
		return from;
	if (unit_reply_to)
		return reply_to;
	if (from == NULL) {
		*why = "Reply-To ignored: no From to answer instead; nobody is answered";
		return NULL;
	}
	if (same_org && from_trusted)
		return reply_to;
	*why = same_org ? "Reply-To ignored: the sender is not authenticated; answered at From"
	                : "Reply-To ignored: not a unit address and outside the sender's "
	                  "organisation; answered at From";
	return from;
}

/* Whether the unit signs a type's completion off. */
gboolean
rules_sign_off(const char *type)
{
	GPtrArray *t = table();

	for (guint i = 0; type != NULL && i < t->len; i++) {
		const struct type_row *r = g_ptr_array_index(t, i);
		if (strcmp(r->key, type) == 0)
			return r->sign_off;
	}
	return FALSE;
}

/* Count of words of a '|' list found in folded text, at most cap. */
static int
words_found(const char *list, const char *folded, int cap)
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
static void
move_member(JsonObject *raw, const char *from, JsonObject *out, const char *to)
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
				move_member(p, src[s], e, map[k]);
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
	move_member(raw, "_when_dt", d->fields, "desired_time");
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
	    {"cap lai mat khau|doi mat khau|reset|thay doi|doi ten|cap nhat thong tin", "change"},
	    {"huy bo|huy hop thu|xoa|thu hoi|cancel|delete", "cancel"},
	    {"cap moi|tao moi|tao hop thu|mo moi|dang ky moi|create|new", "create"},
	};
	JsonArray *accounts = people_as(raw, map);
	const char *action;

	finish_plain(d, raw, m);
	if (json_array_get_length(accounts) > 0)
		json_object_set_array_member(d->fields, "accounts", accounts);
	else
		json_array_unref(accounts);
	if (!json_object_has_member(d->fields, "mailbox_action")) {
		char *f = text_fold(m->subject);
		for (gsize i = 0; i < G_N_ELEMENTS(subject_actions); i++)
			if (words_found(subject_actions[i].words, f, 1) > 0) {
				json_object_set_string_member(d->fields, "mailbox_action",
				                              subject_actions[i].action);
				break;
			}
		g_free(f);
	}
	action = json_object_has_member(d->fields, "mailbox_action")
	             ? json_object_get_string_member(d->fields, "mailbox_action")
	             : NULL;
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
		move_member(raw, "_when_date", d->fields, "visit_date");
		used = TRUE;
	}
	if (!json_object_has_member(d->fields, "time_from") &&
	    json_object_has_member(raw, "_when_from")) {
		move_member(raw, "_when_from", d->fields, "time_from");
		move_member(raw, "_when_to", d->fields, "time_to");
		used = TRUE;
	}
	if (!used)
		finish_plain(d, raw, m);
}

/* The default mailboxes of the centre. */
static const char *const default_names[] = {"pkt-iid", "cntt", "admin", NULL};
static const char *const default_addrs[] = {"pkt-iid@danang.gov.vn", "cntt@danang.gov.vn",
                                            "admin@danang.gov.vn", NULL};
static const struct rules_opts default_opts = {"danang.gov.vn", default_names, default_addrs,
                                               "cntt@danang.gov.vn", NULL};

/* The default rules options. */
const struct rules_opts *
rules_opts_default(void)
{
	return &default_opts;
}

/* Address of a mailbox name. */
const char *
rules_mailbox_address(const struct rules_opts *opts, const char *name)
{
	for (int i = 0; name != NULL && opts->mailbox_names[i] != NULL; i++)
		if (strcmp(opts->mailbox_names[i], name) == 0)
			return opts->mailbox_addrs[i];
	return NULL;
}

/* The name as the options spell it (so it outlives the caller's copy). */
static const char *
rules_mailbox_name(const struct rules_opts *opts, const char *name)
{
	for (int i = 0; opts->mailbox_names[i] != NULL; i++)
		if (strcmp(opts->mailbox_names[i], name) == 0)
			return opts->mailbox_names[i];
	return NULL;
}

/* The polled mailbox a message was addressed to, from To then Cc. */
static const char *
mailbox_from_recipients(const struct message *m, const struct rules_opts *opts)
{
	GPtrArray *lists[] = {m->to, m->cc};

	for (int l = 0; l < 2; l++)
		for (guint i = 0; i < lists[l]->len; i++)
			for (int k = 0; opts->mailbox_addrs[k] != NULL; k++)
				if (g_ascii_strcasecmp(g_ptr_array_index(lists[l], i),
				                       opts->mailbox_addrs[k]) == 0)
					return opts->mailbox_names[k];
	return NULL;
}

/* Signs of automatic mail, RFC 3834 and common practice. */
char *
rules_automatic(const struct message *m)
{
	static const char *const headers_any[] = {
	    "List-Id",      "List-Unsubscribe", "List-Post",   "X-Autoreply", "X-Autorespond",
	    "X-Auto-Reply", "X-Mailing-List",   "Feedback-ID", NULL};
	static const char *const senders[] = {"mailer-daemon", "postmaster", "no-reply", "noreply",
	                                      "do-not-reply",  "donotreply", "bounce",   "bounces",
	                                      "auto-reply",    "autoreply",  "daemon",   NULL};
	static const char *const subjects[] = {"auto:",
	                                       "automatic reply",
	                                       "autoreply",
	                                       "auto-reply",
	                                       "out of office",
	                                       "out of the office",
	                                       "tra loi tu dong",
	                                       "thu tra loi tu dong",
	                                       "vang mat",
	                                       "undeliverable",
	                                       "undelivered mail",
	                                       "delivery status notification",
	                                       "returned mail",
	                                       "mail delivery failed",
	                                       "failure notice",
	                                       "delivery failure",
	                                       "khong the gui",
	                                       NULL};
	const char *v;

	if ((v = message_header(m, "Auto-Submitted")) != NULL &&
	    g_ascii_strncasecmp(v, "no", 2) != 0)
		return g_strdup_printf("Auto-Submitted: %s", v);
	if ((v = message_header(m, "Precedence")) != NULL &&
	    (g_ascii_strcasecmp(v, "bulk") == 0 || g_ascii_strcasecmp(v, "junk") == 0 ||
	     g_ascii_strcasecmp(v, "list") == 0))
		return g_strdup_printf("Precedence: %s", v);
	if ((v = message_header(m, "X-Auto-Response-Suppress")) != NULL &&
	    (strstr(v, "All") != NULL || strstr(v, "OOF") != NULL ||
	     strstr(v, "AutoReply") != NULL))
		return g_strdup_printf("X-Auto-Response-Suppress: %s", v);
	for (int i = 0; headers_any[i] != NULL; i++)
		if (message_header(m, headers_any[i]) != NULL)
			return g_strdup_printf("has %s", headers_any[i]);
	if ((v = message_header(m, "Return-Path")) != NULL && strstr(v, "<>") != NULL)
		return g_strdup("null return path (a bounce)");
	if (m->content_type != NULL && strcmp(m->content_type, "multipart/report") == 0)
		return g_strdup_printf("multipart/report (%s)",
		                       m->report_type != NULL ? m->report_type : "report");
	for (int i = 0; m->from_addr != NULL && senders[i] != NULL; i++) {
		gsize n = strlen(senders[i]);
		if (strncmp(m->from_addr, senders[i], n) == 0 &&
		    (m->from_addr[n] == '@' || m->from_addr[n] == '+' || m->from_addr[n] == '-'))
			return g_strdup_printf("sender %s", m->from_addr);
	}
	char *f = text_fold(m->subject);
	for (int i = 0; subjects[i] != NULL; i++)
		if (g_str_has_prefix(f, subjects[i]) || strstr(f, subjects[i]) != NULL) {
			char *why = g_strdup_printf("subject \"%s\"", subjects[i]);
			g_free(f);
			return why;
		}
	g_free(f);
	return NULL;
}

/* A form's code from its number: 2 -> "02/IID-KT", 12 -> "12/IID-KT". */
static void
form_code_of(int no, char *buf, gsize size)
{
	g_snprintf(buf, size, "%02d/IID-KT", no);
}

/* Score every type for this message; returns the best row or NULL. */
static const struct type_row *
classify(const struct message *m, const struct fields_result *fx, const char *mailbox,
         const char *form_code, gboolean with_form, char **why)
{
	/* a reply's subject and quoted history may be an old, other request's */
	gboolean reply = forward_subject_kind(m->subject) == FWD_SUBJECT_REPLY;
	char *own = NULL;
	if (reply && m->text != NULL)
		g_ptr_array_free(forward_history(m->text, &own), TRUE);
	char *subj = text_fold(m->subject);
	char *body = text_fold(own != NULL ? own : m->text);
	const struct type_row *best = NULL;
	int best_score = 0, second = 0;
	JsonObject *raw = fx->fields;
	JsonArray *people = json_object_has_member(raw, "_people")
	                        ? json_object_get_array_member(raw, "_people")
	                        : NULL;
	int with_address = 0, with_id = 0;

	for (guint i = 0; people != NULL && i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		with_address += json_object_has_member(p, "address");
		with_id +=
		    json_object_has_member(p, "id_no") || json_object_has_member(p, "organization");
	}
	for (guint t = 0; t < table()->len; t++) {
		const struct type_row *row = g_ptr_array_index(table(), t);
		int score = 0;
		char code[16];

		form_code_of(row->form_no, code, sizeof code);
		if (form_code != NULL && strcmp(form_code, code) == 0)
			score += 20;
		score += (reply ? 2 : 4) * words_found(row->words, subj, 2);
		score += words_found(row->words, body, 3);
		char **ev = g_strsplit(row->evidence, "|", -1);
		int evidence = 0;
		for (int i = 0; ev[i] != NULL; i++) {
			char *colon = strchr(ev[i], ':');
			int w = colon != NULL ? atoi(colon + 1) : 1;
			if (colon != NULL)
				*colon = '\0';
			if (json_object_has_member(raw, ev[i]))
				evidence += w;
			else if (strcmp(ev[i], "accounts") == 0 && with_address > 0)
				evidence += w;
			else if (strcmp(ev[i], "visitors") == 0 && with_id > 0)
				evidence += w;
		}
		g_strfreev(ev);
		/* words alone make a question about a service, not a request:
		   without the form's code, some field of the form must be there */
		if (score < 20 && evidence == 0 && !with_form)
			continue;
		score += evidence;
		if (row->mailbox == NULL && mailbox != NULL &&
		    (strcmp(mailbox, "cntt") == 0 || strcmp(mailbox, "admin") == 0))
			score += 1;
		if (score > best_score) {
			second = best_score;
			best_score = score, best = row;
		} else if (score > second) {
			second = score;
		}
	}
	g_free(subj);
	g_free(body);
	g_free(own);
	if (best_score < 4) {
		*why = g_strdup_printf("no type scored enough (best %d)", best_score);
		return NULL;
	}
	*why = g_strdup_printf("%s scored %d (next %d)%s", best->key, best_score, second,
	                       best_score >= 20 ? ", form code" : "");
	return best;
}

/* Keep only the keys the type uses, moving list rows and times into place. */
static void
place_fields(struct decision *d, const struct type_row *row, JsonObject *raw,
             const struct message *m)
{
	GList *members = json_object_get_members(raw);

	for (GList *l = members; l != NULL; l = l->next) {
		const char *k = l->data;
		if (k[0] == '_')
			continue;
		if (text_list_has(common_keys, k) || (row != NULL && text_list_has(row->keys, k)))
			json_object_set_member(d->fields, k,
			                       json_node_copy(json_object_get_member(raw, k)));
	}
	g_list_free(members);
	/* a form's "Địa chỉ" is the unit's address: the place of work only
	   when the form names no other */
	if (row != NULL && text_list_has(row->keys, "location") &&
	    !json_object_has_member(raw, "_blank_location"))
		move_member(raw, "_address", d->fields, "location");
	/* a request written as sentences: its sentence describes it */
	if (row != NULL && row->said != NULL)
		move_member(raw, "_said", d->fields, row->said);
	if (row != NULL)
		row->finish(d, raw, m);
	else
		move_member(raw, "_when_dt", d->fields, "desired_time");
	/* where the form names no e-mail, the requester's own address is the contact */
	if (!json_object_has_member(d->fields, "contact_email") && d->requester != NULL &&
	    d->automatic == NULL)
		json_object_set_string_member(d->fields, "contact_email", d->requester);
}

/* Whether addr is in a NULL-terminated list (which may be NULL). */
static gboolean
addr_in(const char *const *list, const char *addr)
{
	for (int i = 0; list != NULL && addr != NULL && list[i] != NULL; i++)
		if (g_ascii_strcasecmp(list[i], addr) == 0)
			return TRUE;
	return FALSE;
}

/* Who the request is from: a forward by one of the centre's own mailboxes,
   the Department or staff stands for the unit whose mail it carries. */
static void
find_requester(struct decision *d, const struct message *m, const struct reading *rd,
               const struct rules_opts *opts)
{
	gboolean relay =
	    m->from_addr != NULL &&
	    (addr_in(opts->mailbox_addrs, m->from_addr) || addr_in(opts->staff, m->from_addr) ||
	     (opts->department != NULL && g_ascii_strcasecmp(opts->department, m->from_addr) == 0));

	if (rd->forwarded_from != NULL && relay &&
	    g_ascii_strcasecmp(rd->forwarded_from, m->from_addr) != 0) {
		d->requester = g_strdup(rd->forwarded_from);
		d->forwarded_by = g_strdup(m->from_addr);
	} else if (m->from_addr != NULL) {
		d->requester = g_strdup(m->from_addr);
	}
}

/* Doubtful keys and sources under the final keys ("_people" is the list). */
static void
place_notes(struct decision *d, const struct reading *rd)
{
	const char *list = json_object_has_member(d->fields, "accounts")   ? "accounts"
	                   : json_object_has_member(d->fields, "visitors") ? "visitors"
	                                                                   : NULL;
	GList *keys = json_object_get_members(rd->sources);

	for (guint i = 0; i < rd->fx->doubtful->len; i++) {
		const char *k = g_ptr_array_index(rd->fx->doubtful, i);
		const char *key = strcmp(k, "_people") == 0 ? list : k;
		if (key != NULL && json_object_has_member(d->fields, key) &&
		    !g_ptr_array_find_with_equal_func(d->doubtful, key, g_str_equal, NULL))
			g_ptr_array_add(d->doubtful, g_strdup(key));
	}
	for (GList *l = keys; l != NULL; l = l->next) {
		const char *k = l->data;
		const char *key = strcmp(k, "_people") == 0 ? list : k;
		if (key != NULL && json_object_has_member(d->fields, key))
			json_object_set_string_member(
			    d->sources, key, json_object_get_string_member(rd->sources, k));
	}
	g_list_free(keys);
	/* keys placed by type from a neutral reading ("Thời gian" as the visit) */
	static const char *const placed[][2] = {
	    {"desired_time", "_when_dt"}, {"visit_date", "_when_date"}, {"time_from", "_when_from"},
	    {"time_to", "_when_to"},      {"location", "_address"},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(placed); i++)
		if (json_object_has_member(d->fields, placed[i][0]) &&
		    !json_object_has_member(d->sources, placed[i][0]) &&
		    json_object_has_member(rd->sources, placed[i][1]))
			json_object_set_string_member(
			    d->sources, placed[i][0],
			    json_object_get_string_member(rd->sources, placed[i][1]));
	if (d->requester != NULL && json_object_has_member(d->fields, "contact_email") &&
	    !json_object_has_member(d->sources, "contact_email"))
		json_object_set_string_member(d->sources, "contact_email", "sender");
	for (guint i = 0; i < rd->conflicts->len; i++)
		g_ptr_array_add(d->conflicts, g_strdup(g_ptr_array_index(rd->conflicts, i)));
}

/* Decide about one message; see decide.h. */
struct decision *
rules_decide(const struct message *m, const struct reading *rd, const char *mailbox,
             const struct rules_opts *opts)
{
	struct decision *d = g_new0(struct decision, 1);
	const struct fields_result *fx = rd->fx;
	const struct type_row *row;
	int required = 0, found = 0;

	if (opts == NULL)
		opts = rules_opts_default();
	d->fields = json_object_new();
	d->missing = g_ptr_array_new_with_free_func(g_free);
	d->doubtful = g_ptr_array_new_with_free_func(g_free);
	d->source = rd->source;
	d->sources = json_object_new();
	d->conflicts = g_ptr_array_new_with_free_func(g_free);
	d->needs_person = rd->needs_person;
	JsonObject *rj = reading_to_json(rd);
	d->parts = json_array_ref(json_object_get_array_member(rj, "parts"));
	json_object_unref(rj);
	d->password = fx->password;
	d->automatic = rules_automatic(m);
	d->mailbox =
	    mailbox != NULL ? rules_mailbox_name(opts, mailbox) : mailbox_from_recipients(m, opts);
	d->form_code =
	    fx->form_code != NULL ? g_strdup(fx->form_code) : fields_form_code(m->subject);
	/* "Phiếu đăng ký 05-IID-KT.pdf": the file name names the form */
	for (guint i = 0; d->form_code == NULL && i < m->parts->len; i++) {
		const struct msg_part *p = g_ptr_array_index(m->parts, i);
		if (p->filename != NULL)
			d->form_code = fields_form_code(p->filename);
	}
	find_requester(d, m, rd, opts);

	/* automatic mail is never a request, whatever it quotes */
	if (d->automatic != NULL) {
		row = NULL;
		d->why = g_strdup_printf("automatic mail: %s", d->automatic);
		d->type = "unknown";
		d->title_vi = "Thư tự động";
		g_clear_pointer(&d->form_code, g_free);
		return d;
	}
	/* an attached document or scan is the form: the subject's words may name it */
	gboolean with_form = json_array_get_length(d->parts) > 0;
	row = classify(m, fx, d->mailbox, d->form_code, with_form, &d->why);
	d->type = row != NULL ? row->key : "unknown";
	d->title_vi = row != NULL ? row->title_vi : "Yêu cầu chưa xác định loại";
	if (row != NULL && d->form_code == NULL) {
		char code[16];
		form_code_of(row->form_no, code, sizeof code);
		d->form_code = g_strdup(code);
	}
	place_fields(d, row, fx->fields, m);
	place_notes(d, rd);
	if (row != NULL && row->mailbox != NULL)
		d->proper = row->mailbox;
	if (row == NULL)
		d->proper = NULL;
	d->wrong_mailbox =
	    d->proper != NULL && d->mailbox != NULL && strcmp(d->proper, d->mailbox) != 0;

	if (row != NULL) {
		char **req = g_strsplit(row->required, "|", -1);
		for (int i = 0; req[i] != NULL; i++) {
			required++;
			if (json_object_has_member(d->fields, req[i]))
				found++;
			else
				g_ptr_array_add(d->missing, g_strdup(req[i]));
		}
		g_strfreev(req);
		double sure =
		    d->form_code != NULL && strstr(d->why, "form code") != NULL ? 0.95 : 0.75;
		d->confidence =
		    sure * (0.4 + 0.6 * (double)found / (double)(required ? required : 1));
	}
	return d;
}

/* The required keys of a type missing from fields. */
GPtrArray *
rules_missing(const char *type, JsonObject *fields)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);

	for (guint t = 0; t < table()->len; t++) {
		const struct type_row *row = g_ptr_array_index(table(), t);
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

/* The parse result of DOMAIN.md as JSON. */
JsonObject *
decision_to_json(const struct decision *d)
{
	JsonObject *o = json_object_new();
	JsonArray *missing = json_array_new(), *doubtful = json_array_new();

	json_object_set_string_member(o, "type", d->type);
	if (d->form_code != NULL && strcmp(d->type, "unknown") != 0)
		json_object_set_string_member(o, "form_code", d->form_code);
	else
		json_object_set_null_member(o, "form_code");
	json_object_set_string_member(o, "source", d->source);
	json_object_set_object_member(o, "fields", json_object_ref(d->fields));
	for (guint i = 0; i < d->missing->len; i++)
		json_array_add_string_element(missing, g_ptr_array_index(d->missing, i));
	for (guint i = 0; i < d->doubtful->len; i++)
		json_array_add_string_element(doubtful, g_ptr_array_index(d->doubtful, i));
	json_object_set_array_member(o, "missing", missing);
	json_object_set_array_member(o, "doubtful", doubtful);
	/* in 64ths: exact in binary, so the JSON shows a short number */
	json_object_set_double_member(o, "confidence",
	                              (double)(int)(d->confidence * 64 + 0.5) / 64);
	if (d->mailbox != NULL)
		json_object_set_string_member(o, "mailbox", d->mailbox);
	if (d->proper != NULL)
		json_object_set_string_member(o, "proper_mailbox", d->proper);
	json_object_set_boolean_member(o, "wrong_mailbox", d->wrong_mailbox);
	if (d->automatic != NULL)
		json_object_set_string_member(o, "automatic", d->automatic);
	json_object_set_object_member(o, "sources", json_object_ref(d->sources));
	if (d->conflicts->len > 0) {
		JsonArray *c = json_array_new();
		for (guint i = 0; i < d->conflicts->len; i++)
			json_array_add_string_element(c, g_ptr_array_index(d->conflicts, i));
		json_object_set_array_member(o, "conflicts", c);
	}
	if (json_array_get_length(d->parts) > 0)
		json_object_set_array_member(o, "attachments", json_array_ref(d->parts));
	if (d->needs_person)
		json_object_set_boolean_member(o, "needs_person", TRUE);
	if (d->requester != NULL)
		json_object_set_string_member(o, "requester", d->requester);
	if (d->forwarded_by != NULL)
		json_object_set_string_member(o, "forwarded_by", d->forwarded_by);
	return o;
}

/* Release a decision. */
struct decision *
decision_free(struct decision *d)
{
	if (d == NULL)
		return NULL;
	json_object_unref(d->fields);
	g_ptr_array_free(d->missing, TRUE);
	g_ptr_array_free(d->doubtful, TRUE);
	g_free(d->form_code);
	g_free(d->automatic);
	g_free(d->why);
	g_free(d->requester);
	g_free(d->forwarded_by);
	json_object_unref(d->sources);
	g_ptr_array_free(d->conflicts, TRUE);
	json_array_unref(d->parts);
	g_free(d);
	return NULL;
}
