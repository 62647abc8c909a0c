/* intake.c - one received message to a stored request; see intake.h. */
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
#include "log.h"
#include "message.h"
#include "commands.h"
#include "fields.h"
#include "text.h"
#include "notify.h"
#include "procedure.h"
#include "reply.h"
#include "workload.h"

struct intake {
	const struct config *cfg;
	struct store *st;
	struct rules_opts ropts;
	struct attach_opts aopts;
	struct notify *nt;    /* the templates */
	struct procedure *pr; /* what happens after intake */
	GRegex *number_re;    /* "[IID-KT #2026-000123]" */
	const psl_ctx_t *psl; /* the public suffix list: organisations' domains */
	gboolean authentic;   /* the verdict on the message being handled */
	char *auth_why;       /* ... and why */
	struct spool *sp;     /* raw messages and attachments */
	gboolean fault;       /* the last failure was the storage's */
	int requests, duplicates, followups, automatic;
};

/* How attachments are read, from the configuration. */
void
intake_attach_opts(const struct config *cfg, struct attach_opts *o)
{
	attach_opts_default(o);
	o->domain = cfg->domain;
	o->ocr.domain = cfg->domain;
	o->ocr.languages = cfg->ocr_languages;
	o->ocr_enabled = cfg->ocr;
	o->doubt_below = cfg->doubt_below;
	o->limits.max_part = (gsize)cfg->max_attachment;
	o->limits.max_unpacked = (gsize)cfg->max_unpacked;
	o->limits.max_pages = cfg->max_pages;
	o->limits.max_pixels = (gint64)cfg->max_megapixels * 1000000;
}

/* Teach the parsers and rules what the rules file adds. */
int
intake_apply_rules(const struct config *cfg, char **cause)
{
	for (guint i = 0; i < cfg->rule_labels->len; i++) {
		const struct rule_label *l = g_ptr_array_index(cfg->rule_labels, i);
		if (!fields_add_label(l->key, l->label)) {
			*cause = g_strdup_printf(
			    "%s:%d: labels.%s: no field or list column of that name", cfg->rules,
			    l->line, l->key);
			return -1;
		}
	}
	for (guint i = 0; i < cfg->rule_types->len; i++) {
		const struct rule_type *t = g_ptr_array_index(cfg->rule_types, i);
		GString *words = g_string_new(NULL);
		for (int k = 0; t->keywords != NULL && t->keywords[k] != NULL; k++) {
			/* words are matched folded: lower case, no diacritics */
			char *f = text_fold(t->keywords[k]), *sq = text_squeeze(f);
			g_string_append_printf(words, "%s%s", words->len ? "|" : "", sq);
			g_free(f);
			g_free(sq);
		}
		char *required = t->required != NULL ? g_strjoinv("|", t->required) : NULL;
		rules_configure_type(t->key, t->form, t->mailbox, words->str, required, t->sign_off,
		                     t->title);
		rules_configure_due(t->key, t->due_days);
		g_free(required);
		g_string_free(words, TRUE);
	}
	return 0;
}

/* Forget what a rules file taught (before applying a reloaded one). */
void
intake_reset_rules(void)
{
	fields_reset_labels();
	rules_reset_types();
}

/* Set up intake for one configuration. */
struct intake *
intake_new(const struct config *cfg, struct store *st, char **cause)
{
	struct intake *in = g_new0(struct intake, 1);
	char *esc;

	in->cfg = cfg;
	in->st = st;
	in->ropts.domain_suffix = cfg->domain;
	in->ropts.mailbox_names = cfg->mailbox_names;
	in->ropts.mailbox_addrs = cfg->mailbox_addrs;
	in->ropts.department = cfg->department_ict;
	in->ropts.staff = (const char *const *)cfg->staff;
	intake_attach_opts(cfg, &in->aopts);
	if ((in->nt = notify_new(cfg, st, cause)) == NULL ||
	    (in->sp = spool_open(cfg->spool, cause)) == NULL)
		return intake_free(in);
	in->pr = procedure_new(cfg, st, in->nt, &in->ropts);
	/* the system's list when newer, else the one built into libpsl */
	in->psl = psl_latest(NULL);
	in->authentic = TRUE;
	esc = g_regex_escape_string(cfg->subject_prefix, -1);
	char *pat = g_strdup_printf("%s\\s*#\\s*(\\d{4}-\\d{6})", esc);
	in->number_re = g_regex_new(pat, G_REGEX_CASELESS, 0, NULL);
	g_free(pat);
	g_free(esc);
	return in;
}

/* Release. */
struct intake *
intake_free(struct intake *in)
{
	if (in == NULL)
		return NULL;
	procedure_free(in->pr);
	notify_free(in->nt);
	spool_close(in->sp);
	if (in->number_re != NULL)
		g_regex_unref(in->number_re);
	psl_free((psl_ctx_t *)in->psl);
	g_free(in->auth_why);
	g_free(in);
	return NULL;
}

/* The templates, for the outbox's notices. */
struct notify *
intake_notify(struct intake *in)
{
	return in->nt;
}

/* The spool, for the outbox's sent bodies. */
struct spool *
intake_spool(struct intake *in)
{
	return in->sp;
}

/* Whether the last failure was the storage's. */
gboolean
intake_faulted(const struct intake *in)
{
	return in->fault || store_faulted(in->st);
}

/* What happens after intake. */
struct procedure *
intake_procedure(struct intake *in)
{
	return in->pr;
}

/* Counters for the log. */
void
intake_counts(const struct intake *in, int *requests, int *duplicates, int *followups,
              int *automatic)
{
	*requests = in->requests;
	*duplicates = in->duplicates;
	*followups = in->followups;
	*automatic = in->automatic;
}

/* Keep bytes in the spool, *path and *sha (their SHA-256, computed once)
   set; a failure there is the storage's. */
static int
spool_keep(struct intake *in, const char *kind, gboolean mail, const char *data, gsize len,
           char **path, char **sha, char **cause)
{
	if (spool_put(in->sp, kind, mail, data, len, path, sha, cause) != 0) {
		in->fault = TRUE;
		return -1;
	}
	return 0;
}

/* Make the spool files written for the batch durable. */
int
intake_sync(struct intake *in, char **cause)
{
	if (spool_sync(in->sp, cause) != 0) {
		in->fault = TRUE;
		return -1;
	}
	return 0;
}

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

/* The request a follow-up belongs to: number in the subject, then the
   thread headers; 0 when none. */
static gint64
find_thread(struct intake *in, const struct message *m, char **cause)
{
	GMatchInfo *mi = NULL;
	gint64 id = 0;

	if (g_regex_match(in->number_re, m->subject, 0, &mi)) {
		char *num = g_match_info_fetch(mi, 1);
		id = store_request_by_number(in->st, num, NULL, cause);
		g_free(num);
	}
	g_match_info_free(mi);
	if (id != 0)
		return id;
	if (m->in_reply_to != NULL &&
	    (id = store_request_by_message_id(in->st, m->in_reply_to, cause)) != 0)
		return id;
	for (guint i = m->references->len; i > 0; i--)
		if ((id = store_request_by_message_id(
		         in->st, g_ptr_array_index(m->references, i - 1), cause)) != 0)
			return id;
	return 0;
}

/* Whether the sender may add to this request: the requester, staff or the
   Department (1; 0 no: anyone else starts a request of their own; -1 with
   *cause when the database failed). */
static int
may_follow_up(struct intake *in, gint64 request_id, const struct message *m, char **cause)
{
	char *sender = NULL;
	int ok;

	if (m->from_addr == NULL)
		return 0;
	if (config_is_staff(in->cfg, m->from_addr) ||
	    g_ascii_strcasecmp(m->from_addr, in->cfg->department_ict) == 0)
		return 1;
	if (store_request_sender(in->st, request_id, &sender, cause) < 0)
		return -1;
	ok = sender != NULL && g_ascii_strcasecmp(sender, m->from_addr) == 0;
	/* a colleague writing from the same unit's office mailbox */
	if (!ok && sender != NULL) {
		const struct unit_cfg *a = config_unit_of(in->cfg, sender);
		ok = a != NULL && a == config_unit_of(in->cfg, m->from_addr);
	}
	g_free(sender);
	return ok;
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
		if (spool_keep(in, "att", FALSE, data, len, &path, &sha, cause) != 0)
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
static int
new_request(struct intake *in, const char *mailbox, struct stored_message *sm,
            const struct message *m, const struct reading *rd, struct decision *d, char **cause)
{
	struct new_request r = {0};
	char *number = NULL, *detail, *refused_forward = NULL;
	gint64 id, mid;
	const char *why_not, *reply;

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
	r.state = "received";
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
	                     "received", NULL, "received", mid, detail, cause);
	g_free(detail);
	if (rc == 0 && d->via_department)
		rc =
		    store_event_add(in->st, id, "phieu", "routed", "received", "received", mid,
		                    "mailbox create/cancel: received via the Department of ICT and "
		                    "passed on to IID",
		                    cause);
	log_info("intake", "%s: request %s %s from %s (%s)", mailbox, number, d->type,
	         m->from_addr != NULL ? m->from_addr : "?", d->why);
	if (rc == 0 && d->forwarded_by != NULL)
		rc = store_event_add(in->st, id, d->forwarded_by, "forwarded", "received",
		                     "received", mid, d->requester, cause);
	if (rc == 0 &&
	    (refused_forward != NULL || (!in->authentic && config_is_staff(in->cfg, m->from_addr))))
		rc = store_event_add(
		    in->st, id, m->from_addr, "unauthenticated", "received", "received", mid,
		    refused_forward != NULL ? refused_forward : in->auth_why, cause);
	if (rc == 0 && why_not != NULL) {
		char *text = g_strdup_printf("%s (Reply-To: %s)", why_not, m->reply_to_addr);
		rc = store_event_add(in->st, id, "phieu", "reply_to_ignored", "received",
		                     "received", mid, text, cause);
		g_free(text);
	}
	if (rc == 0)
		rc = keep_attachments(in, id, mid, m, d, cause);
	if (rc == 0 && r.review) {
		char *why = review_reason(d);
		rc = store_event_add(in->st, id, "phieu", "needs_review", "received", "received",
		                     mid, why, cause);
		g_free(why);
	}
	char *hold = NULL;
	gboolean refused = FALSE;
	if (rc == 0)
		rc = procedure_new_request(in->pr, id, mid, m, d, &hold, &refused, cause);
	if (rc == 0 && !refused && d->automatic == NULL && !own && reply != NULL)
		rc = queue_ack(in, id, number, d, m, mailbox, hold, due, cause);
	else if (rc == 0 && !refused)
		rc = store_event_add(in->st, id, "phieu", "no_reply", "received", "received", mid,
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

/* Whether the message is a copy of one stored before. */
static int
is_copy(struct intake *in, const struct message *m, const char *data, gsize len, gint64 *request_id,
        char **cause)
{
	char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
	int seen = store_message_seen(in->st, m->message_id, sha, request_id, cause);

	g_free(sha);
	return seen;
}

/* Keep a forward of a message already received with that message's
   request, as a `forwarded` event: 1 joined, 0 not such a forward, -1 on
   a database error. */
static int
join_forward(struct intake *in, struct stored_message *sm, const struct message *m,
             const struct reading *rd, const char *mailbox, char **cause)
{
	gint64 id, mid;

	if (rd->forwarded_from == NULL)
		return 0;
	id = store_request_of_original(in->st, rd->forwarded_id, rd->forwarded_from,
	                               rd->forwarded_subject, cause);
	if (id <= 0)
		return id < 0 ? -1 : 0;
	sm->outcome = "followup";
	sm->request_id = id;
	sm->detail = "a forward of a message already received";
	if ((mid = store_message_add(in->st, sm, cause)) < 0 ||
	    store_event_add(in->st, id, m->from_addr != NULL ? m->from_addr : "?", "forwarded",
	                    NULL, NULL, mid, rd->forwarded_from, cause) != 0)
		return -1;
	log_info("intake",
	         "%s: forward by %s of %s's message already received, kept with request "
	         "%" G_GINT64_FORMAT,
	         mailbox, m->from_addr != NULL ? m->from_addr : "?", rd->forwarded_from, id);
	in->followups++;
	return 1;
}

/* Whether a message's documents need reading: not a copy. */
gboolean
intake_needs_documents(struct intake *in, const struct message *m, const char *data, gsize len)
{
	char *cause = NULL;
	gint64 request = 0;
	gboolean needs = is_copy(in, m, data, len, &request, &cause) != 1;

	g_free(cause);
	return needs;
}

/* Whether a message carries staff commands. */
static gboolean
commands_in(const struct message *m)
{
	GPtrArray *c = commands_parse(m->text, m->date_year, m->date_month, NULL);
	gboolean any = c->len > 0;

	g_ptr_array_free(c, TRUE);
	return any;
}

/* Handle one message; see intake.h. */
int
intake_message(struct intake *in, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
               const char *data, gsize len, gsize full, struct answer *a, char **cause)
{
	char *sha = NULL, *path = NULL;
	struct stored_message sm = {0};
	const struct message *m = a->m;
	const struct reading *rd = a->rd;
	struct decision *d = NULL;
	gint64 seen_request = 0, thread;
	int rc = -1, seen;

	in->fault = FALSE;
	if (uid != 0 && (seen = store_uid_seen(in->st, mailbox, uidvalidity, uid, cause)) != 0) {
		g_free(sha);
		return seen < 0 ? -1 : 0;
	}
	if (spool_keep(in, "raw", TRUE, data, len, &path, &sha, cause) != 0)
		goto out;
	gboolean partial = full > len || full > (gsize)in->cfg->max_message_size;
	if (partial)
		/* kept in the spool as fetched; a person looks at it */
		g_ptr_array_add(a->m->problems,
		                g_strdup_printf("message of %zu bytes is over max_message_size (%d "
		                                "bytes): only its first %zu bytes were fetched and "
		                                "kept, the rest is on the mail server",
		                                full, in->cfg->max_message_size, len));
	sm.mailbox = mailbox;
	sm.uid = uid;
	sm.uidvalidity = uidvalidity;
	sm.sha256 = sha;
	sm.spool_path = path;
	sm.size = (gint64)(full > len ? full : len);
	sm.message_id = m->message_id;
	sm.from_addr = m->from_addr;
	sm.subject = m->subject;
	sm.date = m->date;

	if ((seen = store_message_seen(in->st, m->message_id, sha, &seen_request, cause)) < 0)
		goto out;
	if (seen) {
		sm.outcome = "duplicate";
		sm.request_id = seen_request;
		sm.detail = "same Message-ID already received";
		gint64 mid = store_message_add(in->st, &sm, cause);
		if (mid < 0)
			goto out;
		if (seen_request > 0 &&
		    store_event_add(in->st, seen_request, m->from_addr ? m->from_addr : "?", "copy",
		                    NULL, NULL, mid, mailbox, cause) != 0)
			goto out;
		log_info("intake", "%s: uid %u is a copy of a message already received", mailbox,
		         uid);
		in->duplicates++;
		rc = 0;
		goto out;
	}
	/* who really sent it, by the centre's own mail server (read in the reader) */
	g_clear_pointer(&in->auth_why, g_free);
	in->authentic = a->authentic;
	in->auth_why = g_strdup(a->auth_why);
	log_trace(TRACE_RULES, "rules", "%s uid %u: from %s %s: %s", mailbox, uid,
	          m->from_addr != NULL ? m->from_addr : "?",
	          in->authentic ? "authentic" : "NOT authenticated", in->auth_why);
	/* automatic mail (phieu's own copies to a mailbox it polls, bounces,
	   out-of-office) is never an answer in a thread */
	char *automatic = rules_automatic(m);
	thread = automatic == NULL ? find_thread(in, m, cause) : 0;
	g_free(automatic);
	if (thread < 0)
		goto out;
	int may = thread > 0 ? may_follow_up(in, thread, m, cause) : 0;
	if (may < 0)
		goto out;
	if (may > 0) {
		sm.outcome = "followup";
		sm.request_id = thread;
		gint64 mid = store_message_add(in->st, &sm, cause);
		if (mid < 0)
			goto out;
		rc =
		    procedure_reply(in->pr, thread, mid, m, rd, in->authentic, in->auth_why, cause);
		log_info("intake", "%s: follow-up from %s kept with request %" G_GINT64_FORMAT,
		         mailbox, m->from_addr, thread);
		in->followups++;
		goto out;
	}
	if (thread > 0 && commands_in(m)) {
		/* someone else's command on a request: nothing changes, staff are told */
		sm.outcome = "refused";
		sm.request_id = thread;
		gint64 mid = store_message_add(in->st, &sm, cause);
		rc = mid < 0 ? -1
		             : procedure_reply(in->pr, thread, mid, m, NULL, in->authentic,
		                               in->auth_why, cause);
		goto out;
	}
	if (thread == 0) {
		int done = 0;
		if (procedure_staff_mail(in->pr, &sm, m, mailbox, in->authentic, &done, cause)) {
			rc = done;
			in->requests++;
			goto out;
		}
		/* a forward of a message already received (the Department passing
		   on a unit's mail that reached cntt@ too) joins its request */
		int joined = join_forward(in, &sm, m, rd, mailbox, cause);
		if (joined != 0) {
			rc = joined > 0 ? 0 : -1;
			goto out;
		}
	}

	d = rules_decide(m, rd, mailbox, &in->ropts);
	if (partial && strcmp(d->type, "unknown") != 0) {
		/* fetched in part: only its headers were read, the subject alone
		   does not make it a request of a type; a person looks at it */
		char *why = g_strdup_printf("%s; fetched in part, so left unknown", d->why);
		g_free(d->why);
		d->why = why;
		d->type = "unknown";
		d->title_vi = rules_type_title("unknown", "vi");
		g_clear_pointer(&d->form_code, g_free);
		g_ptr_array_set_size(d->missing, 0);
		d->proper = NULL;
		d->wrong_mailbox = FALSE;
		d->confidence = 0;
	}
	log_trace(TRACE_RULES, "rules", "%s uid %u: %s", mailbox, uid, d->why);
	if (d->automatic != NULL && strcmp(d->type, "unknown") == 0) {
		sm.outcome = "automatic";
		sm.detail = d->automatic;
		rc = store_message_add(in->st, &sm, cause) < 0 ? -1 : 0;
		log_info("intake", "%s: uid %u is automatic mail (%s): kept, not answered", mailbox,
		         uid, d->automatic);
		in->automatic++;
		goto out;
	}
	rc = new_request(in, mailbox, &sm, m, rd, d, cause);
out:
	decision_free(d);
	g_free(path);
	g_free(sha);
	return rc;
}

/* Queue the staff notice of a mailbox that is not being read. */
int
intake_alert(struct intake *in, const char *mailbox, const char *since, const char *error,
             int failures, char **cause)
{
	GHashTable *v = notify_vars(in->nt, "", "");
	char *count = g_strdup_printf("%d", failures);
	const char *own = rules_mailbox_address(&in->ropts, mailbox);
	int rc;

	notify_set(v, "mailbox", mailbox, FALSE);
	notify_set(v, "address", own != NULL ? own : mailbox, FALSE);
	notify_set(v, "since", since, FALSE);
	notify_set(v, "error", error, FALSE);
	notify_set(v, "failures", count, FALSE);
	/* from a mailbox that works: the first one, unless it is the one down */
	rc = notify_queue(in->nt, 0, "notice", "mailbox_stalled", v, in->cfg->mailbox_addrs[0],
	                  (const char *const *)in->cfg->staff, NULL, cause);
	g_hash_table_destroy(v);
	g_free(count);
	return rc;
}

/* Count a failure of a message; set it aside once it failed often enough. */
int
intake_failure(struct intake *in, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
               const char *data, gsize len, const struct message *m, const char *what,
               gboolean *held, char **cause)
{
	const char *from = m != NULL ? m->from_addr : NULL;
	const char *subject = m != NULL ? m->subject : NULL;
	int n = store_failure_add(in->st, mailbox, uidvalidity, uid, from, subject, what, cause);
	char *path = NULL, *sha = NULL;
	int rc = -1;

	*held = FALSE;
	if (n < 0)
		return -1;
	log_warn("intake", "%s: uid %u failed (%d of %d): %s", mailbox, uid, n,
	         in->cfg->quarantine_after, what);
	if (n < in->cfg->quarantine_after)
		return 0;
	if (spool_put(in->sp, "raw", TRUE, data, len, &path, &sha, cause) != 0) {
		in->fault = TRUE;
		return -1;
	}
	if (store_quarantine_hold(in->st, mailbox, uidvalidity, uid, sha, path, (gint64)len,
	                          cause) != 0)
		goto out;
	/* staff are told once, when it is set aside */
	JsonArray *list = store_quarantine_list(in->st, cause);
	GString *failures = g_string_new(NULL);
	for (guint i = 0; list != NULL && i < json_array_get_length(list); i++) {
		JsonObject *o = json_array_get_object_element(list, i);
		if (json_object_get_int_member(o, "uid") != uid ||
		    json_object_get_int_member(o, "uidvalidity") != uidvalidity ||
		    strcmp(json_object_get_string_member(o, "mailbox"), mailbox) != 0)
			continue;
		JsonArray *h = json_object_get_array_member(o, "history");
		for (guint k = 0; k < json_array_get_length(h); k++) {
			JsonObject *f = json_array_get_object_element(h, k);
			g_string_append_printf(failures, "- %s: %s\n",
			                       json_object_get_string_member(f, "at"),
			                       json_object_get_string_member(f, "what"));
		}
	}
	if (list != NULL)
		json_array_unref(list);
	GHashTable *v = notify_vars(in->nt, "", subject);
	char *uids = g_strdup_printf("%u", uid), *count = g_strdup_printf("%d", n);
	notify_set(v, "mailbox", mailbox, FALSE);
	notify_set(v, "uid", uids, FALSE);
	notify_set(v, "sender", from != NULL ? from : "?", FALSE);
	notify_set(v, "failures", count, FALSE);
	notify_set(v, "failures_text", failures->str, TRUE);
	notify_set(v, "path", path, FALSE);
	const char *own = rules_mailbox_address(&in->ropts, mailbox);
	rc = notify_queue(in->nt, 0, "notice", "quarantine", v,
	                  own != NULL ? own : in->cfg->mailbox_addrs[0],
	                  (const char *const *)in->cfg->staff, NULL, cause);
	g_hash_table_destroy(v);
	g_string_free(failures, TRUE);
	g_free(uids);
	g_free(count);
	if (rc == 0) {
		*held = TRUE;
		log_err("intake", "%s: uid %u set aside after %d failures (%s); staff told",
		        mailbox, uid, n, path);
	}
out:
	g_free(path);
	g_free(sha);
	return rc;
}
