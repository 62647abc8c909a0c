/* decide.c - the decision about one message: its type from the form code,
   words and fields, the fields it keeps, what is missing, the verdict as
   JSON; see decide.h and decide_parts.h. */
#include "decide.h"
#include "decide_parts.h"

#include <stdlib.h>
#include <string.h>

#include "forward.h"
#include "normalise.h"
#include "text.h"

/* Keys every type keeps. */
static const char common_keys[] =
    "requesting_unit|contact_name|contact_phone|contact_email|request_date|description|"
    "desired_time";

/* What a mail to the mail administrators asks when it asks them to act on
   a mailbox (a question about webmail asks nothing of the kind). */
static const char admin_asks[] =
    "cap lai mat khau|doi mat khau|dat lai mat khau|reset mat khau|quen mat khau|"
    "doi ten dang nhap|doi ten truy cap|reset password|password reset|forgot password|"
    "forgotten password|reset the password";

/* A form's code from its number: 2 -> "02/IID-KT", 12 -> "12/IID-KT". */
static void
form_code_of(int no, char *buf, gsize size)
{
	g_snprintf(buf, size, "%02d/IID-KT", no);
}

/* Score every type for this message; returns the best row or NULL, and
   whether the form code made it (*by_form). */
static const struct type_row *
classify(const struct message *m, const struct fields_result *fx, const char *mailbox,
         const char *form_code, gboolean with_form, char **why, gboolean *by_form)
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

	/* a list under a heading that says whose ("Danh sách tài khoản cần tạo") */
	const char *list_of = json_object_has_member(raw, "_list_of")
	                          ? json_object_get_string_member(raw, "_list_of")
	                          : "";
	for (guint i = 0; people != NULL && i < json_array_get_length(people); i++) {
		JsonObject *p = json_array_get_object_element(people, i);
		with_address +=
		    json_object_has_member(p, "address") || strcmp(list_of, "accounts") == 0;
		with_id += json_object_has_member(p, "id_no") ||
		           json_object_has_member(p, "organization") ||
		           strcmp(list_of, "visitors") == 0;
	}
	/* the mail administrators handle mailboxes only: there, the words of
	   a mailbox request are enough */
	gboolean asks_admins =
	    mailbox != NULL && strcmp(mailbox, "admin") == 0 &&
	    decide_words_found(admin_asks, subj, 1) + decide_words_found(admin_asks, body, 1) > 0;
	for (guint t = 0; t < decide_types()->len; t++) {
		const struct type_row *row = g_ptr_array_index(decide_types(), t);
		int score = 0;
		char code[16];

		form_code_of(row->form_no, code, sizeof code);
		if (form_code != NULL && strcmp(form_code, code) == 0)
			score += 20;
		score += (reply ? 2 : 4) * decide_words_found(row->words, subj, 2);
		score += decide_words_found(row->words, body, 3);
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
		   without the form's code, some field of the form must be there
		   (at the mail administrators', a mailbox request's words do) */
		if (score < 20 && evidence == 0 && !with_form &&
		    !(row->mailbox == NULL && asks_admins))
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
	*by_form = best_score >= 20;
	*why = g_strdup_printf("%s scored %d (next %d)%s", best->key, best_score, second,
	                       *by_form ? ", form code" : "");
	return best;
}

/* Keep only the keys the type uses, moving list rows and times into place;
   rd names the writer of a forwarded message read, if any. */
static void
place_fields(struct decision *d, const struct type_row *row, JsonObject *raw,
             const struct message *m, const struct reading *rd)
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
		decide_move_member(raw, "_address", d->fields, "location");
	/* a request written as sentences: its sentence describes it */
	if (row != NULL && row->said != NULL)
		decide_move_member(raw, "_said", d->fields, row->said);
	if (row != NULL)
		row->finish(d, raw, m);
	else
		decide_move_member(raw, "_when_dt", d->fields, "desired_time");
	/* where the form names no e-mail, the requester's own address is the
	   contact; a forward read from someone phieu does not take as a relay
	   still names its writer, whose address that is (answers stay with the
	   sender); a forwarded message whose writer is named without an address
	   names no contact address: the forwarder's is not the unit's */
	const char *writer = rd->forwarded_unnamed        ? NULL
	                     : rd->forwarded_from != NULL ? rd->forwarded_from
	                                                  : d->requester;
	if (!json_object_has_member(d->fields, "contact_email") && writer != NULL &&
	    d->automatic == NULL)
		json_object_set_string_member(d->fields, "contact_email", writer);
}

/* Doubtful keys and sources under the final keys ("_people" is the list);
   a value filed under a key a doubtful value chose is doubtful too. */
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
	/* a value filed under a key that a doubtful value chose (a
	   description made the change's detail by a misread "change") */
	static const char *const derived[][3] = {
	    {"change_detail", "description", "mailbox_action"},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(derived); i++)
		if (json_object_has_member(d->fields, derived[i][0]) &&
		    !json_object_has_member(rd->fx->fields, derived[i][0]) &&
		    json_object_has_member(rd->fx->fields, derived[i][1]) &&
		    g_ptr_array_find_with_equal_func(d->doubtful, derived[i][2], g_str_equal,
		                                     NULL) &&
		    !g_ptr_array_find_with_equal_func(d->doubtful, derived[i][0], g_str_equal,
		                                      NULL))
			g_ptr_array_add(d->doubtful, g_strdup(derived[i][0]));
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
	    {"time_to", "_when_to"},      {"location", "_address"},     {"purpose", "description"},
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
	char *automatic = rules_automatic(m);
	struct decision *d = rules_decide_with(m, rd, mailbox, opts, automatic);

	g_free(automatic);
	return d;
}

/* Decide about one message whose automatic-mail verdict is reached; see decide.h. */
struct decision *
rules_decide_with(const struct message *m, const struct reading *rd, const char *mailbox,
                  const struct rules_opts *opts, const char *automatic)
{
	struct decision *d = g_new0(struct decision, 1);
	const struct fields_result *fx = rd->fx;
	const struct type_row *row;
	int required = 0, found = 0;
	gboolean by_form = FALSE;

	if (opts == NULL)
		opts = rules_opts_default();
	d->fields = json_object_new();
	d->missing = g_ptr_array_new_with_free_func(g_free);
	d->doubtful = g_ptr_array_new_with_free_func(g_free);
	d->source = rd->source;
	d->sources = json_object_new();
	d->conflicts = g_ptr_array_new_with_free_func(g_free);
	d->needs_person = rd->needs_person;
	d->parts = reading_parts_json(rd);
	d->password = fx->password;
	d->automatic = g_strdup(automatic);
	d->mailbox = mailbox != NULL ? decide_mailbox_name(opts, mailbox)
	                             : decide_mailbox_from_recipients(m, opts);
	d->form_code =
	    fx->form_code != NULL ? g_strdup(fx->form_code) : fields_form_code(m->subject);
	/* "Phiếu đăng ký 05-IID-KT.pdf": the file name names the form */
	for (guint i = 0; d->form_code == NULL && i < m->parts->len; i++) {
		const struct msg_part *p = g_ptr_array_index(m->parts, i);
		if (p->filename != NULL)
			d->form_code = fields_form_code(p->filename);
	}
	decide_find_requester(d, m, rd, opts);

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
	row = classify(m, fx, d->mailbox, d->form_code, with_form, &d->why, &by_form);
	d->type = row != NULL ? row->key : "unknown";
	d->title_vi = row != NULL ? row->title_vi : "Yêu cầu chưa xác định loại";
	if (row != NULL && d->form_code == NULL) {
		char code[16];
		form_code_of(row->form_no, code, sizeof code);
		d->form_code = g_strdup(code);
	}
	place_fields(d, row, fx->fields, m, rd);
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
		double sure = d->form_code != NULL && by_form ? 0.95 : 0.75;
		d->confidence =
		    sure * (0.4 + 0.6 * (double)found / (double)(required ? required : 1));
	}
	return d;
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
