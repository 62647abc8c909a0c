/* procedure_reply.c - a message in a request's thread; see procedure.h. */
#include "procedure.h"

#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "clock.h"
#include "commands.h"
#include "jsonget.h"
#include "lifecycle.h"
#include "log.h"
#include "monthly.h"
#include "reply.h"
#include "text.h"
#include "workload.h"

#include "procedure_parts.h"

/* Tell a staff member whose mail in a request's thread held no command but
   lines that look meant as one (commands_hints) that nothing was done, and
   what each line may have meant; nothing when there are none. */
static int
hint_staff(struct procedure *p, const struct req *r, const struct message *m, const char *to,
           char **cause)
{
	GPtrArray *hints = commands_hints(m->text);
	GString *lines = g_string_new(NULL);
	int rc = 0;

	/* the template says what "=>" (the line as it would work) means */
	for (guint i = 0; i < hints->len; i++) {
		char **two = g_strsplit(g_ptr_array_index(hints, i), "\t", 2);
		g_string_append_printf(lines, "  > %s\n", two[0]);
		if (two[1] != NULL)
			g_string_append_printf(lines, "    => %s\n", two[1]);
		g_strfreev(two);
	}
	if (hints->len > 0) {
		const char *rcpt[] = {to, NULL};
		GHashTable *v = req_vars(p, r);
		notify_set(v, "lines", lines->str, TRUE);
		rc = notify_queue(p->nt, r->id, "notice", "nothing_done", v, req_from(p, r), rcpt,
		                  NULL, cause);
		log_info("procedure",
		         "%s: mail from %s holds no command; told what it may have meant",
		         r->number, to);
		g_hash_table_destroy(v);
	}
	g_string_free(lines, TRUE);
	g_ptr_array_unref(hints);
	return rc;
}

/* The first lines of a reply's text, for staff. */
static char *
reply_excerpt(const char *text)
{
	char **lines = g_strsplit(text, "\n", 12);
	GString *out = g_string_new(NULL);

	for (int i = 0; lines[i] != NULL && i < 10; i++) {
		char *l = g_strstrip(lines[i]);
		if (*l == '>' || *l == '\0')
			continue;
		char *clean = reply_clean(l), *masked = reply_mask(clean);
		g_string_append_printf(out, "%s%s", out->len ? "\n" : "", masked);
		g_free(clean);
		g_free(masked);
	}
	g_strfreev(lines);
	return g_string_free(out, FALSE);
}

/* Whether a request acknowledged with fields missing takes this reply as
   their lines: the acknowledgement asks the unit to reply with them, and the
   reply gives at least one of them. */
static gboolean
awaits_fields(const struct req *r, const struct reading *rd)
{
	JsonNode *n = json_object_get_member(r->o, "missing");
	JsonArray *miss = n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;

	if (r->state != STATE_ACKNOWLEDGED || miss == NULL || rd == NULL)
		return FALSE;
	for (guint i = 0; i < json_array_get_length(miss); i++) {
		const char *k = json_array_get_string_element(miss, i);
		if (k != NULL && json_object_has_member(rd->fx->fields, k))
			return TRUE;
	}
	return FALSE;
}

/* The unit answered while information was missing: take what it gave,
   acknowledge again, and wait on or go ahead. */
static int
reply_info(struct procedure *p, struct req *r, gint64 mid, const struct message *m,
           const struct reading *rd, char **cause)
{
	JsonObject *fields = json_object_ref(r->fields);
	GList *keys = rd != NULL ? json_object_get_members(rd->fx->fields) : NULL;
	GPtrArray *added = g_ptr_array_new();
	GPtrArray *missing;
	int rc;

	/* the unit's answer fills what was missing; it does not overwrite */
	for (GList *l = keys; l != NULL; l = l->next) {
		const char *k = l->data;
		if (k[0] == '_' || json_object_has_member(fields, k) ||
		    strcmp(k, "contact_email") == 0)
			continue;
		json_object_set_member(fields, k,
		                       json_node_copy(json_object_get_member(rd->fx->fields, k)));
		g_ptr_array_add(added, (gpointer)k);
	}
	missing = rules_missing(r->type, fields);
	gboolean approval =
	    strcmp(r->type, "subdomain") == 0 && !json_object_has_member(fields, "approval_ref");
	GString *detail = g_string_new("added:");
	for (guint i = 0; i < added->len; i++)
		g_string_append_printf(detail, " %s", (char *)g_ptr_array_index(added, i));
	enum request_state was = r->state;
	rc = store_request_set_fields(p->st, r->id, fields, missing, cause);
	if (rc == 0 && missing->len == 0 && !approval && was == STATE_NEEDS_INFO)
		rc = req_move(p, r, STATE_ACKNOWLEDGED, "info_received", m->from_addr, mid,
		              detail->str, cause);
	else if (rc == 0)
		rc = req_move(p, r, STATE_NONE, "info_received", m->from_addr, mid, detail->str,
		              cause);
	/* out of needs_info: its reminders and what it waited for end */
	if (rc == 0 && was == STATE_NEEDS_INFO && r->state == STATE_ACKNOWLEDGED)
		rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
	if (rc == 0 && was == STATE_NEEDS_INFO && r->state == STATE_ACKNOWLEDGED)
		rc = store_request_set_hold(p->st, r->id, NULL, cause);
	if (rc == 0) {
		/* staff learn that the unit answered, on hold or not */
		char *excerpt = reply_excerpt(m->text);
		GHashTable *v = req_vars(p, r);
		notify_set(v, "sender", m->from_addr, FALSE);
		notify_set(v, "reply", excerpt, TRUE);
		notify_set(v, "state", req_state(r), FALSE);
		rc = req_mail_staff(p, r, "notice", "correspondence", v, cause);
		g_hash_table_destroy(v);
		g_free(excerpt);
	}
	if (rc == 0) {
		/* the reloaded request carries the new fields into the reply */
		struct req fresh;
		if (req_load(p, r->id, &fresh, cause)) {
			GHashTable *v = req_vars(p, &fresh);
			char *next =
			    reply_lookup_line(notify_template(p->nt, "next_steps"), r->type);
			g_hash_table_insert(v, "missing",
			                    reply_keys_text(missing, p->cfg->language));
			if (approval && missing->len == 0)
				notify_set(v, "missing", "- approval_ref", FALSE);
			notify_set(v, "next_step", next, FALSE);
			rc = req_mail_unit(p, &fresh, "reack", "reack", v, cause);
			g_hash_table_destroy(v);
			g_free(next);
			req_clear(&fresh);
		}
	}
	g_string_free(detail, TRUE);
	g_ptr_array_free(missing, TRUE);
	g_ptr_array_free(added, TRUE);
	g_list_free(keys);
	json_object_unref(fields);
	return rc;
}

/* The unit answered the reminder after an emergency with its form: the
   form's fields complete the record, which is closed. */
static int
reply_form_filed(struct procedure *p, struct req *r, gint64 mid, const struct message *m,
                 const struct reading *rd, char **cause)
{
	JsonObject *fields = json_object_ref(r->fields);
	GList *keys = json_object_get_members(rd->fx->fields);
	GPtrArray *none = g_ptr_array_new();
	int rc;

	for (GList *l = keys; l != NULL; l = l->next) {
		const char *k = l->data;
		if (k[0] != '_' && !json_object_has_member(fields, k))
			json_object_set_member(
			    fields, k, json_node_copy(json_object_get_member(rd->fx->fields, k)));
	}
	rc = store_request_set_fields(p->st, r->id, fields, none, cause);
	if (rc == 0)
		rc = req_close(p, r, "form_filed", "phieu", mid, m->from_addr, "closed", cause);
	g_list_free(keys);
	g_ptr_array_free(none, TRUE);
	json_object_unref(fields);
	return rc;
}

/* A message whose sender the centre's mail server did not vouch for would
   have changed the request (what): nothing changes, it is kept in the
   history and staff are told at their configured addresses. */
static int
refuse_unauthenticated(struct procedure *p, struct req *r, gint64 mid, const char *from,
                       const char *what, const char *why, char **cause)
{
	GHashTable *v = req_vars(p, r);
	char *detail = g_strdup_printf("%s: %s", what, why != NULL ? why : "not authenticated");
	int rc;

	notify_set(v, "command", what, FALSE);
	notify_set(v, "sender", from, FALSE);
	notify_set(v, "why", why, FALSE);
	rc = store_event_add(p->st, r->id, from, "unauthenticated", req_state(r), req_state(r), mid,
	                     detail, cause);
	if (rc == 0)
		rc = req_mail_staff(p, r, "notice", "unauthenticated", v, cause);
	log_warn("procedure", "%s: \"%s\" from %s not carried out: sender not authenticated (%s)",
	         r->number, what, from, why != NULL ? why : "?");
	g_hash_table_destroy(v);
	g_free(detail);
	return rc;
}

/* A message in a request's thread. */
int
procedure_reply(struct procedure *p, gint64 id, gint64 mid, const struct message *m,
                const struct reading *rd, gboolean authentic, const char *auth_why, char **cause)
{
	struct req r;
	GPtrArray *cmds;
	const char *from = m->from_addr != NULL ? m->from_addr : "?";
	gboolean staff = config_is_staff(p->cfg, m->from_addr);
	int rc = 0;

	if (!req_load(p, id, &r, cause))
		return -1;
	cmds = commands_parse(m->text, m->date_year > 0 ? m->date_year : 0, m->date_month, NULL);
	if (cmds->len > 0 && !staff) {
		/* a command from anyone else changes nothing; staff are told */
		const struct command *c = g_ptr_array_index(cmds, 0);
		GHashTable *v = req_vars(p, &r);
		notify_set(v, "command", c->line, FALSE);
		notify_set(v, "sender", from, FALSE);
		rc = store_event_add(p->st, id, from, "command_refused", req_state(&r),
		                     req_state(&r), mid, "not a staff address", cause);
		if (rc == 0)
			rc = req_mail_staff(p, &r, "notice", "refused_command", v, cause);
		log_warn("procedure", "%s: command \"%s\" from %s refused: not staff", r.number,
		         c->line, from);
		g_hash_table_destroy(v);
	} else if (cmds->len > 0 && !authentic) {
		/* a staff address, but perhaps not staff: nothing changes */
		const struct command *c = g_ptr_array_index(cmds, 0);
		rc = refuse_unauthenticated(p, &r, mid, from, c->line, auth_why, cause);
	} else if (cmds->len > 0) {
		for (guint i = 0; rc == 0 && i < cmds->len; i++)
			rc = procedure_command(p, &r, g_ptr_array_index(cmds, i), from, mid, cause);
	} else if (staff) {
		rc = store_event_add(p->st, id, from, "correspondence", req_state(&r),
		                     req_state(&r), mid, m->subject, cause);
		if (rc == 0)
			rc = hint_staff(p, &r, m, m->from_addr, cause);
	} else if (!authentic && r.state == STATE_COMPLETED && commands_is_confirmation(m->text)) {
		char *what = notify_phrase(p->nt, "unauth_confirmation", NULL, NULL);
		rc = refuse_unauthenticated(p, &r, mid, from, what, auth_why, cause);
		g_free(what);
	} else if (!authentic && !lifecycle_final(r.state) &&
	           (r.state == STATE_NEEDS_INFO || awaits_fields(&r, rd) ||
	            (json_object_get_boolean_member_with_default(r.o, "emergency", FALSE) &&
	             rd != NULL && rd->fx->labels > 2))) {
		char *what = notify_phrase(p->nt, "unauth_information", NULL, NULL);
		rc = refuse_unauthenticated(p, &r, mid, from, what, auth_why, cause);
		g_free(what);
	} else if (r.state == STATE_COMPLETED && commands_is_confirmation(m->text)) {
		rc = req_close(p, &r, "confirmed", from, mid, m->subject, "closed", cause);
	} else if (json_object_get_boolean_member_with_default(r.o, "emergency", FALSE) &&
	           !lifecycle_final(r.state) && rd != NULL && rd->fx->labels > 2) {
		rc = reply_form_filed(p, &r, mid, m, rd, cause);
	} else if (r.state == STATE_NEEDS_INFO || awaits_fields(&r, rd)) {
		rc = reply_info(p, &r, mid, m, rd, cause);
	} else {
		char *excerpt = reply_excerpt(m->text);
		GHashTable *v = req_vars(p, &r);
		notify_set(v, "sender", from, FALSE);
		notify_set(v, "reply", excerpt, TRUE);
		rc = store_event_add(p->st, id, from, "correspondence", req_state(&r),
		                     req_state(&r), mid, m->subject, cause);
		if (rc == 0)
			rc = req_mail_staff(p, &r, "notice", "correspondence", v, cause);
		g_hash_table_destroy(v);
		g_free(excerpt);
	}
	g_ptr_array_free(cmds, TRUE);
	req_clear(&r);
	return rc;
}
