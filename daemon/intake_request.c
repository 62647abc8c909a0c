/* intake_request.c - a new request: stored, its first events, its acknowledgement; see
   intake.h. */
#include "clock.h"
#include "intake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpsl.h>

#include "attach.h"
#include "decide.h"
#include "fields.h"
#include "lifecycle.h"
#include "log.h"
#include "message.h"
#include "commands.h"
#include "fields.h"
#include "text.h"
#include "notify.h"
#include "procedure.h"
#include "reply.h"
#include "workload.h"

#include "intake_parts.h"

/* The registrable domain of an address (public suffix list), or NULL. */
static const char *
org_domain(const struct intake *in, const char *addr)
{
	const char *at = addr != NULL ? strrchr(addr, '@') : NULL;

	return at != NULL && in->psl != NULL ? psl_registrable_domain(in->psl, at + 1) : NULL;
}

/* Where replies go: the unit whose forwarded mail this is, else From, or
   Reply-To where rules_reply_target trusts it (*why: why not). */
static const char *
reply_address(const struct intake *in, const struct message *m, const struct decision *d,
              const char **why)
{
	const char *a, *b;

	*why = NULL;
	if (d->forwarded_by != NULL)
		return d->requester;
	a = org_domain(in, m->from_addr);
	b = org_domain(in, m->reply_to_addr);
	/* without an authentication group From is taken at its word */
	return rules_reply_target(
	    m->from_addr, m->reply_to_addr,
	    m->reply_to_addr != NULL && config_unit_of(in->cfg, m->reply_to_addr) != NULL,
	    a != NULL && b != NULL && g_ascii_strcasecmp(a, b) == 0, in->authentic, why);
}

/* Whether addr is one of our own polled mailboxes. */
static gboolean
is_own_address(const struct config *cfg, const char *addr)
{
	for (int i = 0; addr != NULL && cfg->mailbox_addrs[i] != NULL; i++)
		if (g_ascii_strcasecmp(cfg->mailbox_addrs[i], addr) == 0)
			return TRUE;
	return FALSE;
}

/* How a reply to this message threads. */
static struct thread_ref
thread_of(const struct message *m)
{
	struct thread_ref t = {m->message_id, m->references};
	return t;
}

/* Queue the acknowledgement for a new request. */
static int
queue_ack(struct intake *in, gint64 id, const char *number, const struct decision *d,
          const struct message *m, const char *mailbox, const char *hold, const char *due,
          char **cause)
{
	GHashTable *v = notify_vars(in->nt, number, m->subject);
	const char *why;
	const char *to[] = {reply_address(in, m, d, &why), NULL};
	const char *lang = in->cfg->language;
	const char *from =
	    rules_mailbox_address(&in->ropts, d->proper != NULL ? d->proper : mailbox);
	char *greeting = notify_phrase(in->nt, "greeting", NULL, NULL);
	const char *name = json_object_has_member(d->fields, "contact_name")
	                       ? json_object_get_string_member(d->fields, "contact_name")
	                   : json_object_has_member(d->fields, "requesting_unit")
	                       ? json_object_get_string_member(d->fields, "requesting_unit")
	                       : greeting;
	gboolean known = strcmp(d->type, "unknown") != 0;
	struct thread_ref t = thread_of(m);
	int rc;

	if (from == NULL)
		from = rules_mailbox_address(&in->ropts, mailbox);
	notify_set(v, "greeting", name, FALSE);
	g_free(greeting);
	notify_set(v, "type", d->type, FALSE); /* also picks the type's own template */
	notify_set(v, "title", rules_type_title(d->type, lang), FALSE);
	notify_set(v, "form_code", d->form_code, FALSE);
	g_hash_table_insert(v, "fields", reply_fields_text(d->fields, d->doubtful, lang));
	notify_set(v, "doubtful", d->doubtful->len > 0 ? "yes" : "", FALSE);
	g_hash_table_insert(v, "missing", reply_keys_text(d->missing, lang));
	notify_set(v, "wrong_mailbox", d->wrong_mailbox ? "yes" : "", FALSE);
	notify_set(v, "proper_address",
	           d->proper != NULL ? rules_mailbox_address(&in->ropts, d->proper) : "", FALSE);
	notify_set(v, "via_department", d->via_department ? "yes" : "", FALSE);
	char *next = reply_lookup_line(notify_template(in->nt, "next_steps"), d->type);
	notify_set(v, "next_step", next, FALSE);
	notify_set(v, "hold", hold, FALSE);
	g_hash_table_insert(v, "due", notify_date_text(due));
	g_free(next);
	rc = notify_queue(in->nt, id, "ack", known ? "ack" : "ack_unknown", v, from, to, &t, cause);
	g_hash_table_destroy(v);
	return rc;
}

/* The report on an attachment the reading gave, matched by name and size. */
static JsonObject *
part_report(const struct decision *d, const struct msg_part *p, gsize size)
{
	for (guint i = 0; i < json_array_get_length(d->parts); i++) {
		JsonObject *o = json_array_get_object_element(d->parts, i);
		const char *fn = json_object_get_string_member_with_default(o, "filename", NULL);
		if ((gsize)json_object_get_int_member_with_default(o, "size", -1) == size &&
		    g_strcmp0(fn, p->filename) == 0)
			return o;
	}
	return NULL;
}

/* Keep every attachment of the message with the request, in the spool. */
static int
keep_attachments(struct intake *in, gint64 id, gint64 mid, const struct message *m,
                 const struct decision *d, char **cause)
{
	for (guint i = 0; i < m->parts->len; i++) {
		const struct msg_part *p = g_ptr_array_index(m->parts, i);
		gsize len = 0;
		const char *data = p->data != NULL ? g_bytes_get_data(p->data, &len) : NULL;
		struct stored_attachment a = {0};
		char *sha = NULL, *path = NULL;
		int rc;

		if (data == NULL || len == 0)
			continue;
		if (intake_spool_keep(in, "att", FALSE, data, len, &path, &sha, cause) != 0)
			return -1;
		JsonObject *report = part_report(d, p, len);
		a.request_id = id;
		a.message = mid;
		a.filename = p->filename;
		a.content_type = p->content_type;
		a.size = (gint64)len;
		a.sha256 = sha;
		a.spool_path = path;
		if (report != NULL) {
			a.reader =
			    json_object_get_string_member_with_default(report, "reader", NULL);
			a.status =
			    json_object_get_string_member_with_default(report, "status", NULL);
			a.cause = json_object_get_string_member_with_default(report, "cause", NULL);
		}
		rc = store_attachment_add(in->st, &a, cause);
		g_free(sha);
		g_free(path);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Why a person must check a request: doubtful values, conflicts, unread parts. */
static char *
review_reason(const struct decision *d)
{
	GString *s = g_string_new(NULL);

	if (d->doubtful->len > 0) {
		g_string_append(s, "doubtful:");
		for (guint i = 0; i < d->doubtful->len; i++)
			g_string_append_printf(s, " %s", (char *)g_ptr_array_index(d->doubtful, i));
	}
	for (guint i = 0; i < d->conflicts->len; i++)
		g_string_append_printf(s, "%sconflict %s", s->len ? "; " : "",
		                       (char *)g_ptr_array_index(d->conflicts, i));
	for (guint i = 0; i < json_array_get_length(d->parts); i++) {
		JsonObject *o = json_array_get_object_element(d->parts, i);
		const char *status = json_object_get_string_member_with_default(o, "status", "");
		if (strcmp(status, "read") != 0 && strcmp(status, "empty") != 0)
			g_string_append_printf(
			    s, "%s%s not read: %s", s->len ? "; " : "",
			    json_object_get_string_member_with_default(o, "filename",
			                                               "an attachment"),
			    json_object_get_string_member_with_default(o, "cause", status));
	}
	return g_string_free(s, FALSE);
}

/* Record a new request and what is sent about it. */
int
intake_new_request(struct intake *in, const char *mailbox, struct stored_message *sm,
                   const struct message *m, const struct reading *rd, struct decision *d,
                   char **cause)
{
	struct new_request r = {0};
	char *number = NULL, *detail, *refused_forward = NULL;
	gint64 id, mid;
	const char *why_not, *reply;
	/* the state of a new request, as the history writes it */
	const char *received = lifecycle_state_name(STATE_RECEIVED);

	if (!in->authentic && d->forwarded_by != NULL &&
	    g_ascii_strcasecmp(d->requester, d->forwarded_by) != 0) {
		/* an unauthenticated forward names nobody else: the request is the sender's */
		refused_forward = g_strdup_printf("forward naming %s as the requester not carried "
		                                  "out: %s",
		                                  d->requester, in->auth_why);
		log_warn("intake", "%s: %s", m->from_addr, refused_forward);
		g_free(d->requester);
		d->requester = g_strdup(d->forwarded_by);
		g_clear_pointer(&d->forwarded_by, g_free);
	}
	reply = reply_address(in, m, d, &why_not);
	gboolean own = is_own_address(in->cfg, reply);
	int rc = 0;

	r.type = d->type;
	r.state = received;
	r.mailbox = mailbox;
	r.proper_mailbox = d->proper;
	r.sender = d->requester;
	r.subject = m->subject;
	r.message_id = m->message_id;
	r.form_code = strcmp(d->type, "unknown") != 0 ? d->form_code : NULL;
	r.source = d->source;
	r.fields = d->fields;
	r.missing = d->missing;
	r.doubtful = d->doubtful;
	r.confidence = d->confidence;
	r.when = clock_now();
	r.sources = d->sources;
	r.conflicts = d->conflicts;
	r.review = d->doubtful->len > 0 || d->needs_person;
	if ((id = store_request_add(in->st, &r, &number, cause)) < 0)
		return -1;
	/* its mail's and documents' text found by search, in the same transaction */
	char *all =
	    g_strconcat(m->text != NULL ? m->text : "", "\n",
	                rd != NULL && rd->document_text != NULL ? rd->document_text : "", NULL);
	int indexed = store_request_index_body(in->st, id, all, cause);
	g_free(all);
	if (indexed != 0) {
		g_free(number);
		return -1;
	}
	/* due the type's working days after receipt (rules/workload.h) */
	char *due = workload_due_date(in->cfg->holidays, r.when, rules_due_days(d->type));
	if (due != NULL && store_request_set_due_date(in->st, id, due, cause) != 0) {
		g_free(due);
		g_free(number);
		return -1;
	}
	sm->outcome = "request";
	sm->request_id = id;
	if ((mid = store_message_add(in->st, sm, cause)) < 0) {
		g_free(number);
		g_free(due);
		return -1;
	}
	detail = g_strdup_printf("%s; at %s%s%s", d->why, mailbox,
	                         d->wrong_mailbox ? ", belongs to " : "",
	                         d->wrong_mailbox ? d->proper : "");
	rc = store_event_add(in->st, id, m->from_addr != NULL ? m->from_addr : "(unknown sender)",
	                     "received", NULL, received, mid, detail, cause);
	g_free(detail);
	if (rc == 0 && d->via_department)
		rc =
		    store_event_add(in->st, id, "phieu", "routed", received, received, mid,
		                    "mailbox create/cancel: received via the Department of ICT and "
		                    "passed on to IID",
		                    cause);
	log_info("intake", "%s: request %s %s from %s (%s)", mailbox, number, d->type,
	         m->from_addr != NULL ? m->from_addr : "?", d->why);
	if (rc == 0 && d->forwarded_by != NULL)
		rc = store_event_add(in->st, id, d->forwarded_by, "forwarded", received, received,
		                     mid, d->requester, cause);
	if (rc == 0 &&
	    (refused_forward != NULL || (!in->authentic && config_is_staff(in->cfg, m->from_addr))))
		rc = store_event_add(
		    in->st, id, m->from_addr, "unauthenticated", received, received, mid,
		    refused_forward != NULL ? refused_forward : in->auth_why, cause);
	if (rc == 0 && why_not != NULL) {
		char *text = g_strdup_printf("%s (Reply-To: %s)", why_not, m->reply_to_addr);
		rc = store_event_add(in->st, id, "phieu", "reply_to_ignored", received, received,
		                     mid, text, cause);
		g_free(text);
	}
	if (rc == 0)
		rc = keep_attachments(in, id, mid, m, d, cause);
	if (rc == 0 && r.review) {
		char *why = review_reason(d);
		rc = store_event_add(in->st, id, "phieu", "needs_review", received, received, mid,
		                     why, cause);
		g_free(why);
	}
	char *hold = NULL;
	gboolean refused = FALSE;
	if (rc == 0)
		rc = procedure_new_request(in->pr, id, mid, m, d, &hold, &refused, cause);
	if (rc == 0 && !refused && d->automatic == NULL && !own && reply != NULL)
		rc = queue_ack(in, id, number, d, m, mailbox, hold, due, cause);
	else if (rc == 0 && !refused)
		rc = store_event_add(in->st, id, "phieu", "no_reply", received, received, mid,
		                     d->automatic != NULL ? d->automatic
		                     : own                ? "sender is one of phieu's own mailboxes"
		                                          : "no sender address to answer",
		                     cause);
	g_free(hold);
	g_free(due);
	g_free(refused_forward);
	in->requests++;
	g_free(number);
	return rc;
}
