/* notify.c - mail to people from the templates; see notify.h. */
#include "clock.h"
#include "notify.h"

#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "jsonget.h"
#include "lifecycle.h"
#include "log.h"
#include "reply.h"

/* Every template phieu sends; next_steps and phrases are "key: text" lists,
   not mails. */
static const char *const template_names[] = {
    "ack",
    "ack_unknown",
    "notice_staff",
    "next_steps",
    "notice_new",
    "scheduled",
    "started",
    "completed",
    "needinfo",
    "reack",
    "rejected",
    "cancelled",
    "closed",
    "autoclosed",
    "reminder_needinfo",
    "report_copy",
    "cost",
    "refused_command",
    "correspondence",
    "emergency_reminder",
    "capacity",
    "send_failed",
    "quarantine",
    "mailbox_stalled",
    "limit_reached",
    "unauthenticated",
    "nothing_done",
    "phrases",
    "owner_unknown",
    "overdue",
    "digest",
    "search_result",
    NULL,
};

/* The monthly report (daemon/monthly.c) and #tep's answers. */
static const char *const report_template_names[] = {"report", "files", "files_too_big", NULL};

/* Every list of templates. */
static const char *const *const template_lists[] = {template_names, report_template_names};

/* The phrases the daemon's own mail uses (besides the checks'). */
const char *const notify_phrase_keys[] = {
    "greeting",
    "time_on_date",
    "amount",
    "schedule_needs_date",
    "command_refused",
    "unauth_confirmation",
    "unauth_information",
    "review_unknown_type",
    "review_doubtful",
    "review_conflict",
    "review_unreadable",
    "attachment",
    NULL,
};

struct notify {
	const struct config *cfg;
	struct store *st;
	GHashTable *templates; /* name -> text */
};

/* Read one template file under key (its name, or "name.type"); -1 with
 *cause naming the file. */
static int
notify_load_file(struct notify *n, const char *key, const char *file, char **cause)
{
	char *text = NULL;
	GError *err = NULL;

	if (!g_file_get_contents(file, &text, NULL, &err)) {
		*cause = g_strdup_printf("template %s: %s", file, err->message);
		g_error_free(err);
		return -1;
	}
	if (strcmp(key, "next_steps") != 0 && strcmp(key, "phrases") != 0 &&
	    g_ascii_strncasecmp(text, "Subject:", 8) != 0) {
		*cause =
		    g_strdup_printf("template %s: the first line must be \"Subject: …\"", file);
		g_free(text);
		return -1;
	}
	g_hash_table_insert(n->templates, g_strdup(key), text);
	return 0;
}

/* Read one template of the configured language. */
static int
notify_load(struct notify *n, const char *name, char **cause)
{
	char *file = g_strdup_printf("%s/%s.%s.txt", n->cfg->templates, name, n->cfg->language);
	int rc = notify_load_file(n, name, file, cause);

	g_free(file);
	return rc;
}

/* Whether name is one of the mails a request's type may have its own text of
   (every template but the "key: text" lists). */
static gboolean
is_mail_template(const char *name)
{
	if (strcmp(name, "next_steps") == 0 || strcmp(name, "phrases") == 0)
		return FALSE;
	for (gsize l = 0; l < G_N_ELEMENTS(template_lists); l++)
		if (g_strv_contains((const char *const *)template_lists[l], name))
			return TRUE;
	return FALSE;
}

/* Read the templates of one request type, "NAME.TYPE.LANG.txt" of the
   configured language ("ack.vpn_access.vi.txt"), kept as "NAME.TYPE". */
static int
notify_load_typed(struct notify *n, char **cause)
{
	GDir *dir = g_dir_open(n->cfg->templates, 0, NULL);
	const char *entry;
	int rc = 0;

	while (rc == 0 && dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
		char **part = g_strsplit(entry, ".", -1);
		if (g_strv_length(part) == 4 && strcmp(part[3], "txt") == 0 &&
		    strcmp(part[2], n->cfg->language) == 0 && *part[1] != '\0' &&
		    is_mail_template(part[0])) {
			char *key = g_strdup_printf("%s.%s", part[0], part[1]);
			char *file = g_build_filename(n->cfg->templates, entry, NULL);
			rc = notify_load_file(n, key, file, cause);
			g_free(file);
			g_free(key);
		}
		g_strfreev(part);
	}
	if (dir != NULL)
		g_dir_close(dir);
	return rc;
}

/* Read the templates of the configured language. */
struct notify *
notify_new(const struct config *cfg, struct store *st, char **cause)
{
	struct notify *n = g_new0(struct notify, 1);

	n->cfg = cfg;
	n->st = st;
	n->templates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (gsize l = 0; l < G_N_ELEMENTS(template_lists); l++)
		for (int i = 0; template_lists[l][i] != NULL; i++)
			if (notify_load(n, template_lists[l][i], cause) != 0)
				return notify_free(n);
	if (notify_load_typed(n, cause) != 0)
		return notify_free(n);
	/* every phrase the checks and the daemon may use is there */
	const char *const *const lists[] = {checks_phrase_keys, notify_phrase_keys};
	for (gsize l = 0; l < G_N_ELEMENTS(lists); l++)
		for (int i = 0; lists[l][i] != NULL; i++) {
			char *line = reply_lookup_line(notify_template(n, "phrases"), lists[l][i]);
			if (line == NULL) {
				*cause =
				    g_strdup_printf("template %s/phrases.%s.txt: no line \"%s: …\"",
				                    cfg->templates, cfg->language, lists[l][i]);
				return notify_free(n);
			}
			g_free(line);
		}
	return n;
}

/* Release. */
struct notify *
notify_free(struct notify *n)
{
	if (n == NULL)
		return NULL;
	g_hash_table_destroy(n->templates);
	g_free(n);
	return NULL;
}

/* The raw text of a template. */
const char *
notify_template(const struct notify *n, const char *name)
{
	return g_hash_table_lookup(n->templates, name);
}

/* The text of a template for a request type: the type's own, else the
   general one. */
const char *
notify_template_for(const struct notify *n, const char *name, const char *type)
{
	const char *text = NULL;

	if (type != NULL && *type != '\0') {
		char *key = g_strdup_printf("%s.%s", name, type);
		text = g_hash_table_lookup(n->templates, key);
		g_free(key);
	}
	return text != NULL ? text : g_hash_table_lookup(n->templates, name);
}

/* A phrase of the configured language, {{value}} and {{detail}} filled;
   NULL for a NULL key. */
char *
notify_phrase(const struct notify *n, const char *key, const char *value, const char *detail)
{
	char *line = key != NULL ? reply_lookup_line(notify_template(n, "phrases"), key) : NULL;
	GHashTable *v;
	char *out;

	if (line == NULL)
		return key != NULL ? g_strdup(key) : NULL; /* checked at start: cannot happen */
	v = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	notify_set(v, "value", value != NULL ? value : "", FALSE);
	notify_set(v, "detail", detail != NULL ? detail : "", FALSE);
	out = reply_render(line, v);
	g_hash_table_destroy(v);
	g_free(line);
	return out;
}

/* Set a value. */
void
notify_set(GHashTable *v, const char *key, const char *value, gboolean multiline)
{
	g_hash_table_insert(v, (gpointer)key,
	                    value == NULL ? g_strdup("")
	                    : multiline   ? g_strdup(value)
	                                  : reply_clean(value));
}

/* A date "YYYY-MM-DD" as people write it: "09/12/2026"; "" for NULL. */
char *
notify_date_text(const char *iso)
{
	int y, m, d;

	if (iso == NULL || sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3)
		return g_strdup("");
	return g_strdup_printf("%02d/%02d/%04d", d, m, y);
}

/* A table of values with those every message has. */
GHashTable *
notify_vars(const struct notify *n, const char *number, const char *original_subject)
{
	GHashTable *v = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);

	notify_set(v, "prefix", n->cfg->subject_prefix, FALSE);
	notify_set(v, "number", number, FALSE);
	notify_set(v, "centre", n->cfg->centre_name, FALSE);
	notify_set(v, "domain", n->cfg->domain, FALSE);
	notify_set(v, "original_subject", original_subject, FALSE);
	return v;
}

/* Add a stored request's values. */
void
notify_request_vars(const struct notify *n, GHashTable *v, JsonObject *request)
{
	const char *type = jsonget_str(request, "type");
	JsonObject *fields = json_object_get_object_member(request, "fields");
	GPtrArray *doubtful = g_ptr_array_new();
	JsonArray *d = json_object_has_member(request, "doubtful")
	                   ? json_object_get_array_member(request, "doubtful")
	                   : NULL;
	const char *lang = n->cfg->language;
	char *key;

	for (guint i = 0; d != NULL && i < json_array_get_length(d); i++)
		g_ptr_array_add(doubtful, (gpointer)json_array_get_string_element(d, i));
	notify_set(v, "number", jsonget_str(request, "id"), FALSE);
	notify_set(v, "original_subject", jsonget_str(request, "subject"), FALSE);
	notify_set(v, "type", type, FALSE);
	notify_set(v, "state", jsonget_str(request, "state"), FALSE);
	if (type != NULL)
		notify_set(v, "title", rules_type_title(type, lang), FALSE);
	key = g_strdup_printf("type_%s", type != NULL ? type : "unknown");
	/* the key string must outlive the table: keep one per type */
	g_hash_table_insert(v, (gpointer)g_intern_string(key), g_strdup("yes"));
	g_free(key);
	g_hash_table_insert(v, "fields", reply_fields_text(fields, doubtful, lang));
	const char *name = jsonget_str(fields, "contact_name");
	const char *unit = jsonget_str(fields, "requesting_unit");
	char *greeting = notify_phrase(n, "greeting", NULL, NULL);
	notify_set(v, "unit", unit, FALSE);
	notify_set(v, "greeting", name != NULL ? name : unit != NULL ? unit : greeting, FALSE);
	g_free(greeting);
	notify_set(v, "location", jsonget_str(fields, "location"), FALSE);
	const char *proper = jsonget_str(request, "proper_mailbox");
	const struct mailbox_cfg *mb = config_mailbox(n->cfg, proper);
	notify_set(v, "proper_address", mb != NULL ? mb->address : "", FALSE);
	notify_set(v, "sign_off", type != NULL && rules_sign_off(type) ? "yes" : "", FALSE);
	/* who works on it and by when: in every notice to staff */
	char *due = notify_date_text(jsonget_str(request, "due_date"));
	notify_set(v, "owner", jsonget_str(request, "owner"), FALSE);
	notify_set(v, "due", due, FALSE);
	g_free(due);
	char *days = g_strdup_printf("%d", n->cfg->close_after);
	notify_set(v, "close_days", days, FALSE);
	g_free(days);
	g_ptr_array_free(doubtful, TRUE);
}

/* Render a template and queue it. */
static int
queue_now(struct notify *n, gint64 request_id, const char *kind, const char *tmpl, GHashTable *vars,
          const char *from, const char *const *rcpt, const struct thread_ref *thread,
          const struct reply_part *parts, gsize n_parts, char **cause)
{
	const char *text =
	    notify_template_for(n, tmpl, vars != NULL ? g_hash_table_lookup(vars, "type") : NULL);
	char *rendered, *subject = NULL, *body = NULL, *id, *data;
	struct reply_mail r = {0};
	struct outgoing o = {0};
	gsize len;
	gint64 rc;

	if (text == NULL) {
		*cause = g_strdup_printf("no template %s", tmpl);
		return -1;
	}
	if (rcpt == NULL || rcpt[0] == NULL)
		return 0; /* nobody to tell */
	rendered = reply_render(text, vars);
	if (!reply_split(rendered, &subject, &body)) {
		*cause = g_strdup_printf("template %s has no Subject line", tmpl);
		g_free(rendered);
		return -1;
	}
	id = reply_message_id(kind, n->cfg->domain);
	r.from_name = n->cfg->centre_name;
	r.from_addr = from;
	r.to = rcpt;
	r.subject = subject;
	r.body = body;
	r.message_id = id;
	r.in_reply_to = thread != NULL ? thread->in_reply_to : NULL;
	r.references = thread != NULL ? thread->references : NULL;
	r.date = clock_now();
	r.auto_submitted = strcmp(kind, "ack") == 0 ? "auto-replied" : "auto-generated";
	r.parts = parts;
	r.n_parts = n_parts;
	data = reply_compose(&r, &len);
	o.request_id = request_id;
	o.kind = kind;
	o.mail_from = from;
	o.rcpt = rcpt;
	o.message_id = id;
	o.data = data;
	o.len = len;
	rc = store_outbox_add(n->st, &o, 0, cause);
	log_trace(TRACE_SMTP, "outbox", "queued %s %s to %s", kind, id, rcpt[0]);
	g_free(rendered);
	g_free(subject);
	g_free(body);
	g_free(id);
	g_free(data);
	return rc < 0 ? -1 : 0;
}

/* Whether addr belongs to the centre: staff, the Department, finance or one
   of phieu's own mailboxes (not counted against an address's limits). */
static gboolean
inside(const struct config *cfg, const char *addr)
{
	if (config_is_staff(cfg, addr) ||
	    (cfg->department_ict != NULL && g_ascii_strcasecmp(cfg->department_ict, addr) == 0) ||
	    (cfg->finance != NULL && g_ascii_strcasecmp(cfg->finance, addr) == 0))
		return TRUE;
	for (int i = 0; cfg->mailbox_addrs[i] != NULL; i++)
		if (g_ascii_strcasecmp(cfg->mailbox_addrs[i], addr) == 0)
			return TRUE;
	return FALSE;
}

/* Which limit a message would pass: NULL when none (it may go), else why
   (allocated) and in *over the address over its limit ("*": the hourly cap,
   NULL: a limit staff are not told about).  *failed on a database error. */
static char *
over_limit(struct notify *n, gint64 request_id, const char *kind, const char *const *rcpt,
           gint64 now, const char **over, gboolean *failed, char **cause)
{
	const struct config *cfg = n->cfg;
	int count, k = 0;

	*over = NULL;
	*failed = FALSE;
	while (rcpt[k] != NULL)
		k++;
	if ((count = store_sends_count(n->st, NULL, 0, NULL, now - 3600, cause)) < 0)
		goto fail;
	if (count + k > cfg->limit_hour) {
		*over = "*";
		return g_strdup_printf("%d messages in the last hour (limit_hour = %d)", count,
		                       cfg->limit_hour);
	}
	if (request_id != 0 && strcmp(kind, "reack") == 0) {
		if ((count = store_sends_count(n->st, NULL, request_id, kind, now - 86400, cause)) <
		    0)
			goto fail;
		if (count >= cfg->limit_reack_day) {
			*over = rcpt[0];
			return g_strdup_printf("%d re-acknowledgements of this request today "
			                       "(limit_reack_day = %d)",
			                       count, cfg->limit_reack_day);
		}
	}
	if (request_id != 0 && strcmp(kind, "notice") == 0) {
		if ((count = store_sends_count(n->st, NULL, request_id, kind, now - 3600, cause)) <
		    0)
			goto fail;
		/* staff flooded with notices are not told about it by another one */
		if (count >= cfg->limit_notice_hour * k)
			return g_strdup_printf("%d staff notices about this request in the last "
			                       "hour (limit_notice_hour = %d)",
			                       count / (k > 0 ? k : 1), cfg->limit_notice_hour);
	}
	for (int i = 0; rcpt[i] != NULL; i++) {
		int hour, day;
		if (inside(cfg, rcpt[i]))
			continue;
		if ((hour = store_sends_count(n->st, rcpt[i], 0, NULL, now - 3600, cause)) < 0 ||
		    (day = store_sends_count(n->st, rcpt[i], 0, NULL, now - 86400, cause)) < 0)
			goto fail;
		if (hour >= cfg->limit_address_hour || day >= cfg->limit_address_day) {
			*over = rcpt[i];
			return g_strdup_printf("%d messages to %s in the last hour, %d today "
			                       "(limit_address_hour = %d, limit_address_day = %d)",
			                       hour, rcpt[i], day, cfg->limit_address_hour,
			                       cfg->limit_address_day);
		}
	}
	return NULL;
fail:
	*failed = TRUE;
	return NULL;
}

/* Tell staff, once per key and day, that mail over a limit was not sent. */
static int
tell_limit(struct notify *n, gint64 request_id, const char *over, const char *why, gint64 now,
           char **cause)
{
	GDateTime *t = g_date_time_new_from_unix_local(now);
	char *day = g_date_time_format(t, "%Y-%m-%d");
	int first, rc = 0;

	g_date_time_unref(t);
	first = store_limit_note(n->st, over, day, cause);
	if (first == 1 && n->cfg->staff != NULL && n->cfg->staff[0] != NULL) {
		GHashTable *v = notify_vars(n, "", "");
		char *number = NULL;
		if (request_id != 0 &&
		    store_request_number(n->st, request_id, &number, cause) < 0) {
			g_hash_table_destroy(v);
			return -1;
		}
		notify_set(v, "address", strcmp(over, "*") == 0 ? "" : over, FALSE);
		notify_set(v, "why", why, FALSE);
		notify_set(v, "request", number != NULL ? number : "", FALSE);
		notify_set(v, "day", day, FALSE);
		/* not limited itself: at most one per address and day */
		rc = queue_now(n, 0, "notice", "limit_reached", v, n->cfg->mailbox_addrs[0],
		               (const char *const *)n->cfg->staff, NULL, NULL, 0, cause);
		g_hash_table_destroy(v);
		g_free(number);
	}
	g_free(day);
	return first < 0 ? -1 : rc;
}

/* Render template tmpl and queue it, within the limits against loops and
   floods: over one, nothing is queued, the request's history says why
   ("not_answered") and staff are told once a day; 0 all the same. */
int
notify_queue(struct notify *n, gint64 request_id, const char *kind, const char *tmpl,
             GHashTable *vars, const char *from, const char *const *rcpt,
             const struct thread_ref *thread, char **cause)
{
	return notify_queue_parts(n, request_id, kind, tmpl, vars, from, rcpt, thread, NULL, 0,
	                          cause);
}

/* The same with attachments after the text. */
int
notify_queue_parts(struct notify *n, gint64 request_id, const char *kind, const char *tmpl,
                   GHashTable *vars, const char *from, const char *const *rcpt,
                   const struct thread_ref *thread, const struct reply_part *parts, gsize n_parts,
                   char **cause)
{
	gint64 now = clock_now();
	const char *over;
	gboolean failed;
	char *why;
	int rc;

	if (rcpt == NULL || rcpt[0] == NULL)
		return 0; /* nobody to tell */
	why = over_limit(n, request_id, kind, rcpt, now, &over, &failed, cause);
	if (failed)
		return -1;
	if (why != NULL) {
		log_warn("outbox", "not sent: %s %s to %s: %s", kind, tmpl, rcpt[0], why);
		rc = request_id != 0 ? store_event_add(n->st, request_id, "phieu", "not_answered",
		                                       NULL, NULL, 0, why, cause)
		                     : 0;
		if (rc == 0 && over != NULL)
			rc = tell_limit(n, request_id, over, why, now, cause);
		g_free(why);
		return rc;
	}
	if ((rc = queue_now(n, request_id, kind, tmpl, vars, from, rcpt, thread, parts, n_parts,
	                    cause)) != 0)
		return rc;
	for (int i = 0; rcpt[i] != NULL && rc == 0; i++)
		rc = store_sends_add(n->st, rcpt[i], request_id, kind, now, cause);
	return rc;
}
