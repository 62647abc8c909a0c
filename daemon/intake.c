/* intake.c - one received message to a stored request; see intake.h.  What its parts
   share: intake_parts.h. */
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
int
intake_spool_keep(struct intake *in, const char *kind, gboolean mail, const char *data, gsize len,
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
intake_needs_documents(struct intake *in, const struct message *m, const char *sha256)
{
	char *cause = NULL;
	gint64 request = 0;
	gboolean needs = store_message_seen(in->st, m->message_id, sha256, &request, &cause) != 1;

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
               const char *data, gsize len, gsize full, const char *sha256, struct answer *a,
               char **cause)
{
	char *sha = g_strdup(sha256), *path = NULL, *automatic = NULL;
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
	if (intake_spool_keep(in, "raw", TRUE, data, len, &path, &sha, cause) != 0)
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
	automatic = rules_automatic(m);
	thread = automatic == NULL ? find_thread(in, m, cause) : 0;
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

	d = rules_decide_with(m, rd, mailbox, &in->ropts, automatic);
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
	rc = intake_new_request(in, mailbox, &sm, m, rd, d, cause);
out:
	decision_free(d);
	g_free(automatic);
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
