/* procedure.c - a request's life after it arrived; see procedure.h.  What its parts
   share: procedure_parts.h. */
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

/* Set up. */
struct procedure *
procedure_new(const struct config *cfg, struct store *st, struct notify *nt,
              const struct rules_opts *ro)
{
	struct procedure *p = g_new0(struct procedure, 1);

	p->cfg = cfg;
	p->st = st;
	p->nt = nt;
	p->ro = ro;
	return p;
}

/* Release. */
struct procedure *
procedure_free(struct procedure *p)
{
	g_free(p);
	return NULL;
}

/* Load a request; FALSE when it is not there. */
gboolean
req_load(struct procedure *p, gint64 id, struct req *r, char **cause)
{
	char *key = g_strdup_printf("%" G_GINT64_FORMAT, id);

	memset(r, 0, sizeof *r);
	r->o = store_request_show(p->st, key, cause);
	g_free(key);
	if (r->o == NULL)
		return FALSE;
	r->id = id;
	r->number = jsonget_str(r->o, "id");
	r->state = lifecycle_state_parse(jsonget_str(r->o, "state"));
	r->type = jsonget_str(r->o, "type");
	r->sender = jsonget_str(r->o, "sender");
	r->mailbox = jsonget_str(r->o, "mailbox");
	r->proper = jsonget_str(r->o, "proper_mailbox");
	r->message_id = jsonget_str(r->o, "message_id");
	r->fields = json_object_get_object_member(r->o, "fields");
	return TRUE;
}

/* Release a loaded request. */
void
req_clear(struct req *r)
{
	if (r->o != NULL)
		json_object_unref(r->o);
	memset(r, 0, sizeof *r);
}

/* The address phieu writes from for a request: its proper mailbox. */
const char *
req_from(struct procedure *p, const struct req *r)
{
	const char *a = rules_mailbox_address(p->ro, r->proper != NULL ? r->proper : r->mailbox);

	if (a == NULL)
		a = rules_mailbox_address(p->ro, r->mailbox);
	return a != NULL ? a : p->cfg->mailbox_addrs[0];
}

/* Values for a template about a request. */
GHashTable *
req_vars(struct procedure *p, const struct req *r)
{
	GHashTable *v = notify_vars(p->nt, r->number, jsonget_str(r->o, "subject"));

	notify_request_vars(p->nt, v, r->o);
	return v;
}

/* Close a request; see procedure_parts.h. */
int
req_close(struct procedure *p, struct req *r, const char *event, const char *actor, gint64 mid,
          const char *detail, const char *tmpl, char **cause)
{
	int rc = req_move(p, r, STATE_CLOSED, event, actor, mid, detail, cause);

	if (rc == 0)
		rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		rc = req_mail_unit(p, r, tmpl, tmpl, v, cause);
		g_hash_table_destroy(v);
	}
	return rc;
}

/* Mail a template about a request to the unit, in the unit's thread. */
int
req_mail_unit(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
              GHashTable *v, char **cause)
{
	const char *to[] = {r->sender, NULL};
	struct thread_ref t = {r->message_id, NULL};

	if (r->sender == NULL)
		return 0;
	return notify_queue(p->nt, r->id, kind, tmpl, v, req_from(p, r), to, &t, cause);
}

/* Mail a template to staff. */
int
req_mail_staff(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
               GHashTable *v, char **cause)
{
	return notify_queue(p->nt, r->id, kind, tmpl, v, req_from(p, r),
	                    (const char *const *)p->cfg->staff, NULL, cause);
}

/* Move a request to a state with its event. */
int
req_move(struct procedure *p, struct req *r, enum request_state to, const char *event,
         const char *actor, gint64 mid, const char *detail, char **cause)
{
	enum request_state from = r->state;
	int rc = 0;

	if (to != STATE_NONE && to != from)
		rc = store_request_set_state(p->st, r->id, lifecycle_state_name(to), cause);
	if (rc == 0)
		rc = store_event_add(p->st, r->id, actor, event, lifecycle_state_name(from),
		                     lifecycle_state_name(to != STATE_NONE ? to : from), mid,
		                     detail, cause);
	if (rc == 0 && to != STATE_NONE)
		r->state = to; /* the loaded object keeps the old one; the steps read r->state */
	return rc;
}

/* A date "YYYY-MM-DD" and time as people read them: "09:00 ngày 05/12/2026"
   (the phrase "time_on_date" of the language). */
char *
procedure_when_text(const struct procedure *p, const char *date, const char *time)
{
	int y = 0, m = 0, d = 0;

	if (date == NULL || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return g_strdup(time != NULL ? time : "");
	char *day = g_strdup_printf("%02d/%02d/%04d", d, m, y);
	/* a date alone is "05/12/2026": the templates say "ngày" themselves */
	if (time == NULL)
		return day;
	char *t = notify_phrase(p->nt, "time_on_date", time, day);
	g_free(day);
	return t;
}

/* One "- " line of a phrase. */
static void
review_line(const struct procedure *p, GString *s, const char *key, const char *value,
            const char *detail)
{
	char *t = notify_phrase(p->nt, key, value, detail);

	g_string_append_printf(s, "- %s\n", t);
	g_free(t);
}

/* The reasons a person must look at a new request, as "- " lines. */
static char *
review_lines(const struct procedure *p, const struct decision *d, const struct check_result *cr,
             const char *reason, const struct message *m)
{
	GString *s = g_string_new(NULL);

	if (strcmp(d->type, "unknown") == 0)
		review_line(p, s, "review_unknown_type", NULL, NULL);
	for (guint i = 0; i < m->problems->len; i++)
		g_string_append_printf(s, "- %s\n", (char *)g_ptr_array_index(m->problems, i));
	for (guint i = 0; i < d->doubtful->len; i++)
		review_line(p, s, "review_doubtful", g_ptr_array_index(d->doubtful, i), NULL);
	for (guint i = 0; i < d->conflicts->len; i++)
		review_line(p, s, "review_conflict", g_ptr_array_index(d->conflicts, i), NULL);
	for (guint i = 0; i < json_array_get_length(d->parts); i++) {
		JsonObject *o = json_array_get_object_element(d->parts, i);
		const char *status = json_object_get_string_member_with_default(o, "status", "");
		const char *file = json_object_get_string_member_with_default(o, "filename", NULL);
		if (strcmp(status, "read") == 0 || strcmp(status, "empty") == 0)
			continue;
		char *unnamed =
		    file == NULL ? notify_phrase(p->nt, "attachment", NULL, NULL) : NULL;
		review_line(p, s, "review_unreadable", file != NULL ? file : unnamed,
		            json_object_get_string_member_with_default(o, "cause", status));
		g_free(unnamed);
	}
	if (reason != NULL)
		g_string_append_printf(s, "- %s\n", reason);
	for (guint i = 0; i < cr->notes->len; i++)
		g_string_append_printf(s, "- %s\n", (char *)g_ptr_array_index(cr->notes, i));
	if (s->len > 0)
		g_string_truncate(s, s->len - 1);
	return g_string_free(s, FALSE);
}

/* Link a new request of a unit to its open phoned-in emergency. */
static int
link_emergency(struct procedure *p, struct req *r, gint64 mid, char **cause)
{
	const struct unit_cfg *u = config_unit_of(p->cfg, r->sender);
	const char *unit = jsonget_str(r->fields, "requesting_unit");
	gint64 em;
	int rc;

	if (strcmp(r->type, "tech_support") != 0 && strcmp(r->type, "server_room") != 0)
		return 0;
	em = store_open_emergency(p->st, u != NULL ? (const char *const *)u->addresses : NULL,
	                          u != NULL ? u->name : unit, cause);
	if (em <= 0 || em == r->id)
		return em < 0 ? -1 : 0;
	char *detail = g_strdup_printf("form for emergency %" G_GINT64_FORMAT, em);
	rc = store_request_mark(p->st, r->id, FALSE, em, cause);
	if (rc == 0)
		rc = store_event_add(p->st, r->id, "phieu", "linked", req_state(r), req_state(r),
		                     mid, detail, cause);
	g_free(detail);
	struct req e;
	if (rc == 0 && req_load(p, em, &e, cause)) {
		detail = g_strdup_printf("the form arrived as %s", r->number);
		rc = req_move(p, &e, STATE_CLOSED, "form_filed", "phieu", mid, detail, cause);
		if (rc == 0)
			rc = store_request_set_due(p->st, em, 0, NULL, cause);
		g_free(detail);
		req_clear(&e);
	}
	return rc;
}

/* The addresses of a request's accounts, NULL-terminated (pointers into fields). */
static GPtrArray *
account_addresses(JsonObject *fields)
{
	GPtrArray *out = jsonget_each_str(fields, "accounts", "address");

	for (guint i = out->len; i-- > 0;) /* an account without an address has none to check */
		if (g_ptr_array_index(out, i) == NULL)
			g_ptr_array_remove_index(out, i);
	g_ptr_array_add(out, NULL);
	return out;
}

/* A request was just stored. */
int
procedure_new_request(struct procedure *p, gint64 id, gint64 mid, const struct message *m,
                      const struct decision *d, char **ack_hold, gboolean *refused, char **cause)
{
	struct check_input ci = {0};
	struct check_result cr;
	struct req r;
	const char *sub;
	char *holder = NULL, *reason, *rule;
	GPtrArray *taken = NULL;
	int rc = 0;

	*ack_hold = NULL;
	*refused = FALSE;
	if (!req_load(p, id, &r, cause))
		return -1;
	ci.type = d->type;
	ci.fields = d->fields;
	ci.sender = d->requester;
	ci.units_known = p->cfg->units->len > 0;
	ci.sender_is_office = config_unit_of(p->cfg, d->requester) != NULL ||
	                      (d->forwarded_by != NULL &&
	                       g_ascii_strcasecmp(d->forwarded_by, p->cfg->department_ict) == 0);
	ci.domain = p->cfg->domain;
	if ((sub = jsonget_str(d->fields, "subdomain")) != NULL)
		ci.subdomain_holder = holder =
		    store_subdomain_holder(p->st, sub, d->requester, cause);
	if (strcmp(d->type, "mailbox") == 0) {
		GPtrArray *addrs = account_addresses(d->fields);
		ci.taken_addresses = taken =
		    store_addresses_taken(p->st, (const char *const *)addrs->pdata, id, cause);
		g_ptr_array_free(addrs, TRUE);
	}
	checks_new(&ci, &cr);
	/* what the unit is told, in the configured language */
	reason = notify_phrase(p->nt, cr.reason_key, cr.reason_value, NULL);
	rule = notify_phrase(p->nt, cr.rule_key, NULL, NULL);
	if (cr.state != STATE_NONE) {
		rc = req_move(p, &r, cr.state, lifecycle_state_name(cr.state), "phieu", mid, reason,
		              cause);
		if (rc == 0 && cr.state == STATE_REJECTED) {
			GHashTable *v = req_vars(p, &r);
			notify_set(v, "text", reason, FALSE);
			notify_set(v, "rule", rule, FALSE);
			rc = req_mail_unit(p, &r, "rejected", "rejected", v, cause);
			g_hash_table_destroy(v);
			*refused = TRUE;
		} else if (rc == 0) {
			*ack_hold = g_strdup(reason);
			rc = store_request_set_hold(p->st, id, reason, cause);
		}
		if (rc == 0 && cr.state == STATE_NEEDS_INFO) {
			rc = store_request_set_due(p->st, id,
			                           clock_now() + (gint64)p->cfg->remind_after * DAY,
			                           "remind", cause);
		}
	}
	if (rc == 0 && cr.review)
		rc = store_event_add(
		    p->st, id, "phieu", "needs_review", req_state(&r), req_state(&r), mid,
		    cr.notes->len > 0 ? (char *)g_ptr_array_index(cr.notes, 0) : "", cause);
	if (rc == 0)
		rc = link_emergency(p, &r, mid, cause);
	/* staff hear of every new request, with its number in the subject */
	if (rc == 0 && p->cfg->staff[0] != NULL) {
		GHashTable *v = req_vars(p, &r);
		char *review = review_lines(p, d, &cr, reason, m);
		char *missing = reply_keys_text(d->missing, p->cfg->language);
		notify_set(v, "sender", d->requester, FALSE);
		notify_set(v, "mailbox", d->mailbox, FALSE);
		notify_set(v, "missing", missing, TRUE);
		notify_set(v, "review", review, TRUE);
		if (!d->wrong_mailbox)
			notify_set(v, "proper_address", "", FALSE);
		rc = req_mail_staff(p, &r, "notice", "notice_new", v, cause);
		g_hash_table_destroy(v);
		g_free(review);
		g_free(missing);
	}
	check_result_clear(&cr);
	g_free(reason);
	g_free(rule);
	g_free(holder);
	if (taken != NULL)
		g_ptr_array_free(taken, TRUE);
	req_clear(&r);
	return rc;
}
