/* procedure.c - a request's life after it arrived; see procedure.h. */
#include "calendar.h"
#include "clock.h"
#include "procedure.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "jsonget.h"
#include "lifecycle.h"
#include "log.h"
#include "monthly.h"
#include "reply.h"
#include "text.h"
#include "workload.h"

#define DAY                 (24 * 60 * 60)
#define EMERGENCY_REMINDERS 10

struct procedure {
	const struct config *cfg;
	struct store *st;
	struct notify *nt;
	const struct rules_opts *ro;
};

/* Everything about one stored request that the steps need. */
struct req {
	gint64 id;
	JsonObject *o; /* store_request_show() */
	const char *number, *type, *sender, *mailbox, *proper, *message_id;
	enum request_state state; /* the stored name, parsed */
	JsonObject *fields;
};

/* The name of a loaded request's state, as the history writes it. */
static const char *
req_state(const struct req *r)
{
	return lifecycle_state_name(r->state);
}

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
static gboolean
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
static void
req_clear(struct req *r)
{
	if (r->o != NULL)
		json_object_unref(r->o);
	memset(r, 0, sizeof *r);
}

/* The address phieu writes from for a request: its proper mailbox. */
static const char *
req_from(struct procedure *p, const struct req *r)
{
	const char *a = rules_mailbox_address(p->ro, r->proper != NULL ? r->proper : r->mailbox);

	if (a == NULL)
		a = rules_mailbox_address(p->ro, r->mailbox);
	return a != NULL ? a : p->cfg->mailbox_addrs[0];
}

/* Values for a template about a request. */
static GHashTable *
req_vars(struct procedure *p, const struct req *r)
{
	GHashTable *v = notify_vars(p->nt, r->number, jsonget_str(r->o, "subject"));

	notify_request_vars(p->nt, v, r->o);
	return v;
}

/* Mail a template about a request to the unit, in the unit's thread. */
static int
mail_unit(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
          GHashTable *v, char **cause)
{
	const char *to[] = {r->sender, NULL};
	struct thread_ref t = {r->message_id, NULL};

	if (r->sender == NULL)
		return 0;
	return notify_queue(p->nt, r->id, kind, tmpl, v, req_from(p, r), to, &t, cause);
}

/* Mail a template to staff. */
static int
mail_staff(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
           GHashTable *v, char **cause)
{
	return notify_queue(p->nt, r->id, kind, tmpl, v, req_from(p, r),
	                    (const char *const *)p->cfg->staff, NULL, cause);
}

/* Move a request to a state with its event. */
static int
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

/* A date "YYYY-MM-DD" and time as people read them: "09:00 ngày 05/12/2026"
   (the phrase "time_on_date" of the language). */
static char *
when_text(const struct procedure *p, const char *date, const char *time)
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

/* An amount of đồng as people write it: "1.500.000 đ" (the phrase "amount"). */
static char *
amount_text(const struct procedure *p, gint64 amount)
{
	char digits[32];
	GString *out = g_string_new(NULL);
	int n;

	if (amount < 0)
		return g_strdup("?");
	n = g_snprintf(digits, sizeof digits, "%" G_GINT64_FORMAT, amount);
	for (int i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			g_string_append_c(out, '.');
		g_string_append_c(out, digits[i]);
	}
	char *t = notify_phrase(p->nt, "amount", out->str, NULL);
	g_string_free(out, TRUE);
	return t;
}

/* "HH:MM" plus minutes. */
static char *
time_plus(const char *t, int minutes)
{
	int h = 0, m = 0;

	if (t == NULL || sscanf(t, "%d:%d", &h, &m) != 2)
		return NULL;
	m += h * 60 + minutes;
	if (m >= 24 * 60)
		m = 24 * 60 - 1;
	return g_strdup_printf("%02d:%02d", m / 60, m % 60);
}

/* #lich: set the appointment, check the server room, tell the unit. */
static int
step_schedule(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
              const char *actor, gint64 mid, char **cause)
{
	const char *date = c->date != NULL ? c->date : jsonget_str(r->fields, "visit_date");
	const char *time = c->time != NULL ? c->time : jsonget_str(r->fields, "time_from");
	/* the end: as given, else the form's when the start is the form's, else an hour */
	const char *form_to = jsonget_str(r->fields, "time_to");
	gboolean form_slot =
	    c->time == NULL || g_strcmp0(c->time, jsonget_str(r->fields, "time_from")) == 0;
	char *until_t = c->until != NULL               ? g_strdup(c->until)
	                : form_to != NULL && form_slot ? g_strdup(form_to)
	                                               : time_plus(time, 60);
	char *at, *until, *who = NULL;
	int rc;

	if (date == NULL || time == NULL) {
		g_free(until_t);
		GHashTable *v = req_vars(p, r);
		char *why = notify_phrase(p->nt, "schedule_needs_date", NULL, NULL);
		notify_set(v, "reason", why, FALSE);
		g_free(why);
		notify_set(v, "mailbox", r->mailbox, FALSE);
		notify_set(v, "sender", actor, FALSE);
		notify_set(v, "problems", c->line, FALSE);
		rc = store_event_add(p->st, r->id, actor, "command_refused", req_state(r),
		                     req_state(r), mid, "schedule without a date and time", cause);
		if (rc == 0)
			rc = mail_staff(p, r, "notice", "notice_staff", v, cause);
		g_hash_table_destroy(v);
		return rc;
	}
	at = g_strdup_printf("%sT%s", date, time);
	until = g_strdup_printf("%sT%s", date, until_t);
	rc = store_request_set_schedule(p->st, r->id, at, until, cause);
	if (rc == 0)
		rc = req_move(p, r, s->to, s->event, actor, mid, c->line, cause);
	if (rc == 0)
		rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
	if (rc == 0 && strcmp(r->type, "server_room") == 0) {
		/* the room's limit of people: count overlapping scheduled visits */
		int others = store_room_overlap(p->st, r->id, at, until, &who, cause);
		int people = checks_people(r->fields);
		if (others < 0)
			rc = -1;
		else if (others + people > CHECKS_ROOM_LIMIT) {
			char *detail =
			    g_strdup_printf("%d people in the room at once with %s; the limit "
			                    "is %d",
			                    others + people, who, CHECKS_ROOM_LIMIT);
			rc = store_event_add(p->st, r->id, "phieu", "capacity", req_state(r),
			                     req_state(r), mid, detail, cause);
			g_free(detail);
			if (rc == 0) {
				GHashTable *v = req_vars(p, r);
				char *w = when_text(p, date, time), *n;
				n = g_strdup_printf("%d", others + people);
				notify_set(v, "when", w, FALSE);
				notify_set(v, "until", until_t, FALSE);
				notify_set(v, "people", n, FALSE);
				notify_set(v, "others", who, TRUE);
				rc = mail_staff(p, r, "notice", "capacity", v, cause);
				g_hash_table_destroy(v);
				g_free(w);
				g_free(n);
			}
		}
	}
	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		char *w = when_text(p, date, time);
		notify_set(v, "when", w, FALSE);
		notify_set(v, "until", until_t, FALSE);
		notify_set(v, "actor", actor, FALSE);
		rc = mail_unit(p, r, "scheduled", s->template, v, cause);
		g_hash_table_destroy(v);
		g_free(w);
	}
	g_free(who);
	g_free(at);
	g_free(until);
	g_free(until_t);
	return rc;
}

/* #chiphi: record the cost and tell the Admin–General department. */
static int
step_cost(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
          const char *actor, gint64 mid, char **cause)
{
	char *amount = amount_text(p, c->amount);
	int rc = store_request_add_cost(p->st, r->id, c->amount, cause);

	if (rc == 0)
		rc = req_move(p, r, STATE_NONE, s->event, actor, mid, c->line, cause);
	if (rc == 0 && p->cfg->finance != NULL) {
		const char *to[] = {p->cfg->finance, NULL};
		GHashTable *v = req_vars(p, r);
		notify_set(v, "amount", amount, FALSE);
		notify_set(v, "text", c->text, FALSE);
		notify_set(v, "actor", actor, FALSE);
		rc = notify_queue(p->nt, r->id, "cost", "cost", v, req_from(p, r), to, NULL, cause);
		g_hash_table_destroy(v);
	}
	g_free(amount);
	return rc;
}

/* #tep: mail the staff member the original message and the attachments
   kept with the request, or say they are too large for one mail. */
static int
step_files(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
           const char *actor, gint64 mid, char **cause)
{
	JsonArray *a = store_request_originals(p->st, r->id, cause);
	const char *to[] = {actor, NULL};
	struct thread_ref t = {r->message_id, NULL};
	GArray *parts = g_array_new(FALSE, TRUE, sizeof(struct reply_part));
	GPtrArray *data = g_ptr_array_new_with_free_func(g_free);
	GString *list = g_string_new(NULL);
	gint64 total = 0;
	guint n;
	int rc;

	if (a == NULL)
		return -1;
	n = json_array_get_length(a);
	for (guint i = 0; i < n; i++) {
		JsonObject *f = json_array_get_object_element(a, i);
		const char *name = jsonget_str(f, "filename");
		total += json_object_get_int_member_with_default(f, "size", 0);
		g_string_append_printf(list, "- %s (%s, %" G_GINT64_FORMAT ")\n",
		                       name != NULL ? name : "original.eml",
		                       jsonget_str(f, "content_type"),
		                       json_object_get_int_member_with_default(f, "size", 0));
	}
	rc = req_move(p, r, STATE_NONE, s->event, actor, mid, c->line, cause);
	for (guint i = 0; rc == 0 && total <= p->cfg->max_files_mail && i < n; i++) {
		JsonObject *f = json_array_get_object_element(a, i);
		const char *path = jsonget_str(f, "path");
		char *bytes = NULL;
		gsize len = 0;
		if (path == NULL || !g_file_get_contents(path, &bytes, &len, NULL)) {
			log_warn("procedure", "%s: #tep: %s is gone from the spool", r->number,
			         path != NULL ? path : "?");
			continue;
		}
		struct reply_part part = {jsonget_str(f, "content_type"),
		                          jsonget_str(f, "filename"), bytes, len};
		g_ptr_array_add(data, bytes);
		g_array_append_val(parts, part);
	}
	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		char *count = g_strdup_printf("%u", n);
		char *size = g_strdup_printf("%" G_GINT64_FORMAT, total);
		char *limit = g_strdup_printf("%d", p->cfg->max_files_mail);
		gboolean big = total > p->cfg->max_files_mail;
		notify_set(v, "actor", actor, FALSE);
		notify_set(v, "count", count, FALSE);
		notify_set(v, "size", size, FALSE);
		notify_set(v, "limit", limit, FALSE);
		notify_set(v, "list", list->str, TRUE);
		log_info("procedure", "%s: #tep for %s: %u files, %s bytes%s", r->number, actor, n,
		         size, big ? ": too large to mail" : "");
		rc = notify_queue_parts(p->nt, r->id, "files", big ? "files_too_big" : "files", v,
		                        req_from(p, r), to, &t, (struct reply_part *)parts->data,
		                        big ? 0 : parts->len, cause);
		g_hash_table_destroy(v);
		g_free(count);
		g_free(size);
		g_free(limit);
	}
	g_string_free(list, TRUE);
	g_array_free(parts, TRUE);
	g_ptr_array_free(data, TRUE);
	json_array_unref(a);
	return rc;
}

/* Today as the template language writes it. */
static char *
today_text(const struct procedure *p)
{
	GDateTime *now = g_date_time_new_from_unix_local(clock_now());
	char *date = g_date_time_format(now, "%Y-%m-%d");
	char *t = when_text(p, date, NULL);

	g_free(date);
	g_date_time_unref(now);
	return t;
}

/* Any other step: move, tell the unit, copy to the Department, set timers. */
static int
step_plain(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
           const char *actor, gint64 mid, char **cause)
{
	int rc = req_move(p, r, s->to, s->event, actor, mid, c->line, cause);
	gint64 due = 0;
	const char *kind = NULL;

	if (rc != 0)
		return rc;
	if (s->to == STATE_NEEDS_INFO)
		due = clock_now() + (gint64)p->cfg->remind_after * DAY, kind = "remind";
	else if (s->to == STATE_COMPLETED)
		due = clock_now() + (gint64)p->cfg->close_after * DAY, kind = "close";
	if (s->to != STATE_NONE)
		rc = store_request_set_due(p->st, r->id, due, kind, cause);
	if (rc == 0 && s->to != STATE_NONE)
		rc = store_request_set_hold(p->st, r->id,
		                            s->to == STATE_NEEDS_INFO ? c->text : NULL, cause);
	if (rc == 0 && s->template != NULL) {
		GHashTable *v = req_vars(p, r);
		notify_set(v, "text", c->text, FALSE);
		notify_set(v, "actor", actor, FALSE);
		notify_set(v, "state", req_state(r), FALSE);
		rc = mail_unit(p, r, s->template, s->template, v, cause);
		g_hash_table_destroy(v);
	}
	if (rc == 0 && (s->notify & NOTIFY_DEPT) && p->cfg->department_ict != NULL) {
		/* mailbox work: a report copy to the Department of ICT */
		const char *to[] = {p->cfg->department_ict, NULL};
		GHashTable *v = req_vars(p, r);
		char *today = today_text(p);
		notify_set(v, "text", c->text, FALSE);
		notify_set(v, "actor", actor, FALSE);
		notify_set(v, "done_date", today, FALSE);
		rc = notify_queue(p->nt, r->id, "report", "report_copy", v, req_from(p, r), to,
		                  NULL, cause);
		g_hash_table_destroy(v);
		g_free(today);
	}
	return rc;
}

/* Make owner (a staff address) the request's owner; the history says who
   (actor) gave it to whom, and how (how: the command line). */
static int
req_set_owner(struct procedure *p, struct req *r, const char *owner, const char *actor, gint64 mid,
              const char *how, char **cause)
{
	const char *before = jsonget_str(r->o, "owner");
	char *detail = before != NULL && g_ascii_strcasecmp(before, owner) != 0
	                   ? g_strdup_printf("owner %s (was %s): %s", owner, before, how)
	                   : g_strdup_printf("owner %s: %s", owner, how);
	int rc = store_request_set_owner(p->st, r->id, owner, cause);

	if (rc == 0)
		rc = store_event_add(p->st, r->id, actor, "assigned", req_state(r), req_state(r),
		                     mid, detail, cause);
	if (rc == 0) {
		/* the notices that follow show the new owner */
		json_object_set_string_member(r->o, "owner", owner);
		log_info("procedure", "%s: %s made %s the owner", r->number, actor, owner);
	}
	g_free(detail);
	return rc;
}

/* The configured spelling of a staff address (actor is one). */
static const char *
staff_address(struct procedure *p, const char *actor)
{
	const char *a = NULL;

	return workload_owner(p->cfg->staff, actor, &a) == OWNER_FOUND ? a : actor;
}

/* #nhan: the sender takes the request. */
static int
step_take(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
          const char *actor, gint64 mid, char **cause)
{
	(void)s;
	return req_set_owner(p, r, staff_address(p, actor), actor, mid, c->line, cause);
}

/* #giao <staff>: give the request to a staff member named by address or
   short name; a name that is nobody's, or several people's, changes
   nothing and the sender is told. */
static int
step_assign(struct procedure *p, struct req *r, const struct step *s, const struct command *c,
            const char *actor, gint64 mid, char **cause)
{
	const char *owner = NULL;
	enum owner_match m = workload_owner(p->cfg->staff, c->text, &owner);
	const char *rcpt[] = {actor, NULL};
	GString *staff = g_string_new(NULL);
	int rc;

	(void)s;
	if (m == OWNER_FOUND)
		return req_set_owner(p, r, owner, actor, mid, c->line, cause);
	for (int i = 0; p->cfg->staff[i] != NULL; i++)
		g_string_append_printf(staff, "- %s\n", p->cfg->staff[i]);
	GHashTable *v = req_vars(p, r);
	notify_set(v, "name", c->text, FALSE);
	notify_set(v, "ambiguous", m == OWNER_AMBIGUOUS ? "yes" : "", FALSE);
	notify_set(v, "staff", staff->str, TRUE);
	notify_set(v, "command", c->line, FALSE);
	rc =
	    store_event_add(p->st, r->id, actor, "command_refused", req_state(r), req_state(r), mid,
	                    m == OWNER_AMBIGUOUS ? "assign: the name fits several staff members"
	                                         : "assign: no staff member of that name",
	                    cause);
	if (rc == 0)
		rc = notify_queue(p->nt, r->id, "notice", "owner_unknown", v, req_from(p, r), rcpt,
		                  NULL, cause);
	log_info("procedure", "%s: %s refused: %s", r->number, c->line,
	         m == OWNER_AMBIGUOUS ? "ambiguous name" : "unknown name");
	g_hash_table_destroy(v);
	g_string_free(staff, TRUE);
	return rc;
}

/* The commands whose step does more than step_plain: one row each. */
typedef int (*step_fn)(struct procedure *p, struct req *r, const struct step *s,
                       const struct command *c, const char *actor, gint64 mid, char **cause);
static const struct {
	enum command_kind kind;
	step_fn fn;
} step_fns[] = {
    {CMD_SCHEDULE, step_schedule}, {CMD_COST, step_cost},     {CMD_FILES, step_files},
    {CMD_TAKE, step_take},         {CMD_ASSIGN, step_assign},
};

/* One staff command on a request. */
static int
apply_command(struct procedure *p, struct req *r, const struct command *c, const char *actor,
              gint64 mid, char **cause)
{
	char *why = NULL;
	const struct step *s;
	int rc;

	if (c->kind == CMD_EMERGENCY) /* only in a new mail: here it is a note */
		return req_move(p, r, STATE_NONE, "note", actor, mid, c->line, cause);
	s = lifecycle_step(c->kind, r->state, r->type, &why);
	if (s == NULL) {
		GHashTable *v = req_vars(p, r);
		char *reason = notify_phrase(p->nt, "command_refused", c->line, why);
		notify_set(v, "reason", reason, FALSE);
		notify_set(v, "mailbox", r->mailbox, FALSE);
		notify_set(v, "sender", actor, FALSE);
		notify_set(v, "problems", "", FALSE);
		rc = store_event_add(p->st, r->id, actor, "command_refused", req_state(r),
		                     req_state(r), mid, why, cause);
		if (rc == 0)
			rc = mail_staff(p, r, "notice", "notice_staff", v, cause);
		log_info("procedure", "%s: %s refused: %s", r->number, c->line, why);
		g_hash_table_destroy(v);
		g_free(reason);
		g_free(why);
		return rc;
	}
	log_info("procedure", "%s: %s by %s (%s -> %s)", r->number, c->name, actor, req_state(r),
	         lifecycle_state_name(s->to != STATE_NONE ? s->to : r->state));
	/* whoever schedules or starts work nobody owns owns it */
	if ((s->to == STATE_SCHEDULED || s->to == STATE_IN_PROGRESS) &&
	    jsonget_str(r->o, "owner") == NULL &&
	    (rc = req_set_owner(p, r, staff_address(p, actor), actor, mid, c->line, cause)) != 0)
		return rc;
	for (gsize i = 0; i < G_N_ELEMENTS(step_fns); i++)
		if (step_fns[i].kind == c->kind)
			return step_fns[i].fn(p, r, s, c, actor, mid, cause);
	return step_plain(p, r, s, c, actor, mid, cause);
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
	rc = store_request_set_fields(p->st, r->id, fields, missing, cause);
	if (rc == 0 && missing->len == 0 && !approval)
		rc = req_move(p, r, STATE_ACKNOWLEDGED, "info_received", m->from_addr, mid,
		              detail->str, cause);
	else if (rc == 0)
		rc = req_move(p, r, STATE_NONE, "info_received", m->from_addr, mid, detail->str,
		              cause);
	if (rc == 0 && r->state == STATE_ACKNOWLEDGED)
		rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
	if (rc == 0 && r->state == STATE_ACKNOWLEDGED)
		rc = store_request_set_hold(p->st, r->id, NULL, cause);
	if (rc == 0) {
		/* staff learn that the unit answered, on hold or not */
		char *excerpt = reply_excerpt(m->text);
		GHashTable *v = req_vars(p, r);
		notify_set(v, "sender", m->from_addr, FALSE);
		notify_set(v, "reply", excerpt, TRUE);
		notify_set(v, "state", req_state(r), FALSE);
		rc = mail_staff(p, r, "notice", "correspondence", v, cause);
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
			rc = mail_unit(p, &fresh, "reack", "reack", v, cause);
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
		rc = req_move(p, r, STATE_CLOSED, "form_filed", "phieu", mid, m->from_addr, cause);
	if (rc == 0)
		rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		rc = mail_unit(p, r, "closed", "closed", v, cause);
		g_hash_table_destroy(v);
	}
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
		rc = mail_staff(p, r, "notice", "unauthenticated", v, cause);
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
			rc = mail_staff(p, &r, "notice", "refused_command", v, cause);
		log_warn("procedure", "%s: command \"%s\" from %s refused: not staff", r.number,
		         c->line, from);
		g_hash_table_destroy(v);
	} else if (cmds->len > 0 && !authentic) {
		/* a staff address, but perhaps not staff: nothing changes */
		const struct command *c = g_ptr_array_index(cmds, 0);
		rc = refuse_unauthenticated(p, &r, mid, from, c->line, auth_why, cause);
	} else if (cmds->len > 0) {
		for (guint i = 0; rc == 0 && i < cmds->len; i++)
			rc = apply_command(p, &r, g_ptr_array_index(cmds, i), from, mid, cause);
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
	           (r.state == STATE_NEEDS_INFO ||
	            (json_object_get_boolean_member_with_default(r.o, "emergency", FALSE) &&
	             rd != NULL && rd->fx->labels > 2))) {
		char *what = notify_phrase(p->nt, "unauth_information", NULL, NULL);
		rc = refuse_unauthenticated(p, &r, mid, from, what, auth_why, cause);
		g_free(what);
	} else if (r.state == STATE_COMPLETED && commands_is_confirmation(m->text)) {
		rc = req_move(p, &r, STATE_CLOSED, "confirmed", from, mid, m->subject, cause);
		if (rc == 0)
			rc = store_request_set_due(p->st, id, 0, NULL, cause);
		if (rc == 0) {
			GHashTable *v = req_vars(p, &r);
			rc = mail_unit(p, &r, "closed", "closed", v, cause);
			g_hash_table_destroy(v);
		}
	} else if (json_object_get_boolean_member_with_default(r.o, "emergency", FALSE) &&
	           !lifecycle_final(r.state) && rd != NULL && rd->fx->labels > 2) {
		rc = reply_form_filed(p, &r, mid, m, rd, cause);
	} else if (r.state == STATE_NEEDS_INFO) {
		rc = reply_info(p, &r, mid, m, rd, cause);
	} else {
		char *excerpt = reply_excerpt(m->text);
		GHashTable *v = req_vars(p, &r);
		notify_set(v, "sender", from, FALSE);
		notify_set(v, "reply", excerpt, TRUE);
		rc = store_event_add(p->st, id, from, "correspondence", req_state(&r),
		                     req_state(&r), mid, m->subject, cause);
		if (rc == 0)
			rc = mail_staff(p, &r, "notice", "correspondence", v, cause);
		g_hash_table_destroy(v);
		g_free(excerpt);
	}
	g_ptr_array_free(cmds, TRUE);
	req_clear(&r);
	return rc;
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
	GPtrArray *out = g_ptr_array_new();
	JsonNode *n = fields != NULL ? json_object_get_member(fields, "accounts") : NULL;

	if (n != NULL && JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonNode *e = json_array_get_element(a, i);
			const char *addr = JSON_NODE_HOLDS_OBJECT(e)
			                       ? jsonget_str(json_node_get_object(e), "address")
			                       : NULL;
			if (addr != NULL)
				g_ptr_array_add(out, (gpointer)addr);
		}
	}
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
			rc = mail_unit(p, &r, "rejected", "rejected", v, cause);
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
		rc = mail_staff(p, &r, "notice", "notice_new", v, cause);
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

/* Requests a #tim answer lists at most. */
#define SEARCH_MAIL_LIMIT 30

/* #tim: mail the staff member the requests holding the words, newest
   first, each line beginning with its number as a reply target. */
static int
staff_search(struct procedure *p, struct stored_message *sm, const struct message *m,
             const char *mailbox, const struct command *c, char **cause)
{
	const char *words = c->text != NULL ? c->text : "";
	const struct mailbox_cfg *mb = config_mailbox(p->cfg, mailbox);
	const char *rcpt[] = {m->from_addr, NULL};
	struct thread_ref t = {m->message_id, NULL};
	GString *lines = g_string_new(NULL);
	JsonArray *found;
	GHashTable *v;
	int rc;

	sm->outcome = "search";
	if (store_message_add(p->st, sm, cause) < 0 ||
	    (found = store_search(p->st, words, SEARCH_MAIL_LIMIT, cause)) == NULL) {
		g_string_free(lines, TRUE);
		return -1;
	}
	for (guint i = 0; i < json_array_get_length(found); i++) {
		JsonObject *o = json_array_get_object_element(found, i);
		const char *created = jsonget_str(o, "created"), *unit = jsonget_str(o, "unit");
		const char *subject = jsonget_str(o, "subject");
		char *day = g_strndup(created != NULL ? created : "", 10);
		g_string_append_printf(lines, "[%s #%s] %s — %s — %s — %s — %s\n",
		                       p->cfg->subject_prefix, jsonget_str(o, "id"),
		                       rules_type_title(jsonget_str(o, "type"), p->cfg->language),
		                       unit != NULL ? unit : "?", jsonget_str(o, "state"), day,
		                       subject != NULL ? subject : "");
		g_free(day);
	}
	guint n = json_array_get_length(found);
	char *count = g_strdup_printf("%u", n);
	v = notify_vars(p->nt, "", m->subject);
	notify_set(v, "query", words, FALSE);
	notify_set(v, "results", lines->str, TRUE);
	notify_set(v, "count", n > 0 ? count : "", FALSE);
	notify_set(v, "more", n >= SEARCH_MAIL_LIMIT ? "yes" : "", FALSE);
	rc = notify_queue(p->nt, 0, "notice", "search_result", v,
	                  mb != NULL ? mb->address : p->cfg->mailbox_addrs[0], rcpt, &t, cause);
	log_info("procedure", "#tim \"%s\" from %s: %u request(s)", words, m->from_addr, n);
	g_free(count);
	g_hash_table_destroy(v);
	json_array_unref(found);
	g_string_free(lines, TRUE);
	return rc;
}

/* A staff member's new mail registering a phoned-in emergency, or a #tim. */
gboolean
procedure_staff_mail(struct procedure *p, struct stored_message *sm, const struct message *m,
                     const char *mailbox, gboolean authentic, int *rc, char **cause)
{
	GPtrArray *cmds;
	const struct command *em = NULL;
	struct new_request nr = {0};
	char *number = NULL;
	gint64 id, mid;

	if (!config_is_staff(p->cfg, m->from_addr))
		return FALSE;
	cmds = commands_parse(m->text, m->date_year, m->date_month, NULL);
	for (guint i = 0; em == NULL && i < cmds->len; i++)
		if (((struct command *)g_ptr_array_index(cmds, i))->kind == CMD_EMERGENCY)
			em = g_ptr_array_index(cmds, i);
	if (em != NULL && !authentic)
		log_warn("procedure",
		         "%s from %s not carried out: sender not authenticated; kept "
		         "as a new mail",
		         em->line, m->from_addr);
	for (guint i = 0; em == NULL && authentic && i < cmds->len; i++)
		if (((struct command *)g_ptr_array_index(cmds, i))->kind == CMD_SEARCH) {
			*rc = staff_search(p, sm, m, mailbox, g_ptr_array_index(cmds, i), cause);
			g_ptr_array_free(cmds, TRUE);
			return TRUE;
		}
	if (em == NULL || !authentic) {
		g_ptr_array_free(cmds, TRUE);
		return FALSE;
	}
	/* "#khancap Sở Tư pháp: khởi động lại switch tầng 3" */
	const char *text = em->text != NULL ? em->text : "";
	const char *colon = strchr(text, ':');
	char *unit =
	    g_strstrip(colon != NULL ? g_strndup(text, (gsize)(colon - text)) : g_strdup(text));
	char *what = g_strstrip(g_strdup(colon != NULL ? colon + 1 : ""));
	const struct unit_cfg *u = config_unit_named(p->cfg, unit);
	JsonObject *fields = json_object_new();
	GPtrArray *none = g_ptr_array_new();
	json_object_set_string_member(fields, "requesting_unit", u != NULL ? u->name : unit);
	if (*what != '\0')
		json_object_set_string_member(fields, "description", what);
	json_object_set_boolean_member(fields, "emergency", TRUE);
	nr.type = "tech_support";
	nr.state = lifecycle_state_name(STATE_IN_PROGRESS);
	nr.mailbox = mailbox;
	nr.proper_mailbox = "pkt-iid";
	nr.sender = u != NULL ? u->addresses[0] : NULL;
	nr.subject = m->subject;
	nr.message_id = NULL; /* the unit never saw the staff member's mail */
	nr.form_code = "05/IID-KT";
	nr.source = "body";
	nr.fields = fields;
	nr.missing = none;
	nr.doubtful = none;
	nr.confidence = 1;
	nr.when = clock_now();
	*rc = -1;
	if ((id = store_request_add(p->st, &nr, &number, cause)) > 0) {
		sm->outcome = "request";
		sm->request_id = id;
		/* the staff member who registers it works on it (owner, no event:
		   the "emergency" event names them) */
		char *due = workload_due_date(p->cfg->holidays, nr.when, rules_due_days(nr.type));
		if ((mid = store_message_add(p->st, sm, cause)) > 0 &&
		    store_request_mark(p->st, id, TRUE, 0, cause) == 0 &&
		    store_request_set_owner(p->st, id, staff_address(p, m->from_addr), cause) ==
		        0 &&
		    (due == NULL || store_request_set_due_date(p->st, id, due, cause) == 0) &&
		    store_event_add(p->st, id, m->from_addr, "emergency", NULL, nr.state, mid,
		                    em->line, cause) == 0) {
			*rc = 0;
			if (u != NULL)
				*rc = store_request_set_due(
				    p->st, id, clock_now() + (gint64)p->cfg->emergency_remind * DAY,
				    "emergency", cause);
			else
				*rc = store_event_add(
				    p->st, id, "phieu", "needs_review", nr.state, nr.state, mid,
				    "the unit is not in the configured list: nobody to "
				    "remind to file the form",
				    cause);
			log_info("procedure", "%s: emergency at %s registered by %s", number, unit,
			         m->from_addr);
		}
		g_free(due);
	}
	g_free(number);
	g_free(unit);
	g_free(what);
	json_object_unref(fields);
	g_ptr_array_free(none, TRUE);
	g_ptr_array_free(cmds, TRUE);
	return TRUE;
}

/* One due timer of a request. */
static int
timer_fire(struct procedure *p, struct req *r, const char *kind, gint64 now, char **cause)
{
	gint64 reminders = json_object_get_int_member_with_default(r->o, "reminders", 0);
	int rc = 0;

	if (strcmp(kind, "close") == 0) {
		if (r->state != STATE_COMPLETED)
			return store_request_set_due(p->st, r->id, 0, NULL, cause);
		rc = req_move(p, r, STATE_CLOSED, "autoclosed", "phieu", 0, "no confirmation",
		              cause);
		if (rc == 0)
			rc = store_request_set_due(p->st, r->id, 0, NULL, cause);
		if (rc == 0) {
			GHashTable *v = req_vars(p, r);
			rc = mail_unit(p, r, "autoclosed", "autoclosed", v, cause);
			g_hash_table_destroy(v);
		}
		return rc;
	}
	gboolean emergency = strcmp(kind, "emergency") == 0;
	int limit = emergency ? EMERGENCY_REMINDERS : p->cfg->reminders;
	if ((!emergency && r->state != STATE_NEEDS_INFO) ||
	    (emergency && lifecycle_final(r->state)) || reminders >= limit)
		return store_request_set_due(p->st, r->id, 0, NULL, cause);
	GHashTable *v = req_vars(p, r);
	char *n = g_strdup_printf("%" G_GINT64_FORMAT, reminders + 1);
	char *of = g_strdup_printf("%d", limit);
	const char *created = jsonget_str(r->o, "created");
	char *since = created != NULL ? g_strndup(created, 10) : NULL;
	char *since_text = when_text(p, since, NULL);
	JsonArray *missing = json_object_get_array_member(r->o, "missing");
	GPtrArray *keys = g_ptr_array_new();
	for (guint i = 0; missing != NULL && i < json_array_get_length(missing); i++)
		g_ptr_array_add(keys, (gpointer)json_array_get_string_element(missing, i));
	g_hash_table_insert(v, "missing", reply_keys_text(keys, p->cfg->language));
	notify_set(v, "text",
	           emergency ? jsonget_str(r->fields, "description") : jsonget_str(r->o, "hold"),
	           FALSE);
	notify_set(v, "reminder", n, FALSE);
	notify_set(v, "reminders", of, FALSE);
	notify_set(v, "since", since_text, FALSE);
	notify_set(v, "emergency_date", since_text, FALSE);
	notify_set(v, "form_code", "05/IID-KT", FALSE);
	rc = store_request_reminded(p->st, r->id, cause);
	if (rc == 0)
		rc =
		    store_event_add(p->st, r->id, "phieu", emergency ? "form_reminder" : "reminder",
		                    req_state(r), req_state(r), 0, n, cause);
	if (rc == 0)
		rc = mail_unit(p, r, "reminder",
		               emergency ? "emergency_reminder" : "reminder_needinfo", v, cause);
	if (rc == 0) {
		gint64 every =
		    (gint64)(emergency ? p->cfg->emergency_remind : p->cfg->remind_after) * DAY;
		rc = store_request_set_due(p->st, r->id, now + (every > 0 ? every : 60), kind,
		                           cause);
	}
	g_hash_table_destroy(v);
	g_free(n);
	g_free(of);
	g_free(since);
	g_free(since_text);
	g_ptr_array_free(keys, TRUE);
	return rc;
}

/* The local day of instant t as "YYYY-MM-DD" in buf (16 bytes). */
static const char *
day_iso(gint64 t, char *buf)
{
	GDate d = calendar_day(t);

	return calendar_iso(&d, buf);
}

/* A request due today or before and not done: its owner, or all staff when
   it has none, are reminded once (the "overdue" event says it was done). */
static int
overdue_fire(struct procedure *p, struct req *r, char **cause)
{
	const char *owner = jsonget_str(r->o, "owner");
	const char *one[] = {owner, NULL};
	const char *const *to = owner != NULL ? one : (const char *const *)p->cfg->staff;
	char *detail = g_strdup_printf("due %s; reminded %s", jsonget_str(r->o, "due_date"),
	                               owner != NULL ? owner : "all staff");
	int rc = store_event_add(p->st, r->id, "phieu", "overdue", req_state(r), req_state(r), 0,
	                         detail, cause);

	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		rc = notify_queue(p->nt, r->id, "overdue", "overdue", v, req_from(p, r), to, NULL,
		                  cause);
		g_hash_table_destroy(v);
	}
	log_info("procedure", "%s: %s", r->number, detail);
	g_free(detail);
	return rc;
}

/* Remind of the requests due by today, each in its own transaction. */
static int
overdue_timers(struct procedure *p, gint64 now, char **cause)
{
	char today[16];
	GArray *ids = store_requests_overdue(p->st, day_iso(now, today), cause);
	int rc = 0;

	for (guint i = 0; rc == 0 && i < ids->len; i++) {
		struct req r;
		if ((rc = store_begin(p->st, cause)) != 0)
			break;
		if (!req_load(p, g_array_index(ids, gint64, i), &r, cause)) {
			store_rollback(p->st);
			continue;
		}
		rc = overdue_fire(p, &r, cause);
		req_clear(&r);
		if (rc == 0)
			rc = store_commit(p->st, cause);
		if (rc != 0)
			store_rollback(p->st);
	}
	g_array_free(ids, TRUE);
	return rc;
}

/* "YYYY-MM-DDTHH:MM" as "08/12/2026 09:00". */
static char *
slot_text(const char *at)
{
	int y, m, d, hh, mm;

	if (at == NULL || sscanf(at, "%d-%d-%dT%d:%d", &y, &m, &d, &hh, &mm) != 5)
		return g_strdup(at != NULL ? at : "");
	return g_strdup_printf("%02d/%02d/%04d %02d:%02d", d, m, y, hh, mm);
}

/* One request as a line of the digest, its number as a reply target:
   "- [IID-KT #2026-000123] title · unit · owner · due date". */
static void
digest_line(struct procedure *p, GString *out, JsonObject *o)
{
	const char *type = jsonget_str(o, "type"), *unit = jsonget_str(o, "unit");
	const char *owner = jsonget_str(o, "owner");
	char *due = notify_date_text(jsonget_str(o, "due_date"));
	char *clean = reply_clean(unit != NULL ? unit : "-");

	g_string_append_printf(out, "- [%s #%s] %s · %s · %s · %s\n", p->cfg->subject_prefix,
	                       jsonget_str(o, "id"), rules_type_title(type, p->cfg->language),
	                       clean, owner != NULL ? owner : "-", *due != '\0' ? due : "-");
	g_free(clean);
	g_free(due);
}

/* The number of people of a visit and their names ("A, B"). */
static int
visit_people(JsonObject *o, GString *names)
{
	JsonNode *n = json_object_get_member(o, "visitors");
	int k = 0;

	if (n != NULL && JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		for (guint i = 0; i < json_array_get_length(a); i++) {
			JsonNode *e = json_array_get_element(a, i);
			const char *name = JSON_NODE_HOLDS_OBJECT(e)
			                       ? jsonget_str(json_node_get_object(e), "full_name")
			                       : NULL;
			char *clean = reply_clean(name != NULL ? name : "?");
			g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "", clean);
			g_free(clean);
			k++;
		}
	}
	return k > 0 ? k : 1;
}

/* Whether two booked visits share some time ("YYYY-MM-DDTHH:MM" bounds). */
static gboolean
visits_overlap(JsonObject *a, JsonObject *b)
{
	const char *af = jsonget_str(a, "scheduled_at"), *bf = jsonget_str(b, "scheduled_at");
	const char *au = jsonget_str(a, "scheduled_until"), *bu = jsonget_str(b, "scheduled_until");

	if (af == NULL || bf == NULL)
		return FALSE;
	return strcmp(af, bu != NULL ? bu : bf) < 0 && strcmp(bf, au != NULL ? au : af) < 0;
}

/* The server-room visits as lines: when, unit, how many people and who;
   " (!)" marks a visit during which more than the room's limit would be in
   it, counting the visits that overlap it. */
static void
visit_lines(struct procedure *p, GString *out, JsonArray *visits)
{
	guint n = json_array_get_length(visits);

	for (guint i = 0; i < n; i++) {
		JsonObject *o = json_array_get_object_element(visits, i);
		GString *names = g_string_new(NULL), *ignored = g_string_new(NULL);
		int people = visit_people(o, names), together = people;
		for (guint j = 0; j < n; j++) {
			JsonObject *q = json_array_get_object_element(visits, j);
			if (j != i && visits_overlap(o, q))
				together += visit_people(q, ignored);
		}
		const char *unit = jsonget_str(o, "unit"),
		           *until = jsonget_str(o, "scheduled_until");
		char *from = slot_text(jsonget_str(o, "scheduled_at"));
		char *clean = reply_clean(unit != NULL ? unit : "-");
		g_string_append_printf(
		    out, "- [%s #%s] %s%s%s · %s · %d · %s%s\n", p->cfg->subject_prefix,
		    jsonget_str(o, "id"), from, until != NULL && strlen(until) >= 16 ? "–" : "",
		    until != NULL && strlen(until) >= 16 ? until + 11 : "", clean, people,
		    names->str, together > CHECKS_ROOM_LIMIT ? " (!)" : "");
		g_free(from);
		g_free(clean);
		g_string_free(names, TRUE);
		g_string_free(ignored, TRUE);
	}
}

/* The digest's sections: the store's query, the template's name for the
   lines and for their count. */
static const struct {
	enum digest_section section;
	const char *var, *count;
} digest_parts[] = {
    {DIGEST_NEW, "new", "new_count"},
    {DIGEST_UNASSIGNED, "unassigned", "unassigned_count"},
    {DIGEST_DUE_TODAY, "due_today", "due_today_count"},
    {DIGEST_OVERDUE, "overdue", "overdue_count"},
    {DIGEST_WAITING, "waiting", "waiting_count"},
    {DIGEST_VISITS, "visits", "visits_count"},
};

/* Fill the digest's values for the day of now; -1 when the database failed. */
static int
digest_vars(struct procedure *p, GHashTable *v, gint64 now, gint64 since, char **cause)
{
	char today[16], tomorrow[16], until[16], buf[16];
	GDate d = calendar_day(now), next = calendar_add(p->cfg->holidays, now, 1);
	GDateTime *s = g_date_time_new_from_unix_utc(since);
	char *since_iso = g_date_time_format(s, "%Y-%m-%dT%H:%M:%SZ");
	GDateTime *sl = g_date_time_new_from_unix_local(since);
	char *since_text = g_date_time_format(sl, "%H:%M %d/%m/%Y");
	int rc = 0;

	calendar_iso(&d, today);
	g_date_add_days(&d, 1);
	calendar_iso(&d, tomorrow);
	g_date_add_days(&next, 1);
	calendar_iso(&next, until);
	g_date_subtract_days(&next, 1);
	for (gsize i = 0; rc == 0 && i < G_N_ELEMENTS(digest_parts); i++) {
		enum digest_section k = digest_parts[i].section;
		const char *a = k == DIGEST_NEW ? since_iso : k == DIGEST_VISITS ? tomorrow : today;
		JsonArray *rows = store_digest_section(p->st, k, a, until, cause);
		GString *lines = g_string_new(NULL);
		if (rows == NULL) {
			rc = -1;
			g_string_free(lines, TRUE);
			break;
		}
		if (k == DIGEST_VISITS)
			visit_lines(p, lines, rows);
		else
			for (guint j = 0; j < json_array_get_length(rows); j++)
				digest_line(p, lines, json_array_get_object_element(rows, j));
		g_hash_table_insert(v, (gpointer)digest_parts[i].var, g_string_free(lines, FALSE));
		g_hash_table_insert(v, (gpointer)digest_parts[i].count,
		                    g_strdup_printf("%u", json_array_get_length(rows)));
		json_array_unref(rows);
	}
	g_hash_table_insert(v, "day", notify_date_text(today));
	g_hash_table_insert(v, "visit_day", notify_date_text(calendar_iso(&next, buf)));
	g_hash_table_insert(v, "tomorrow", notify_date_text(tomorrow));
	g_hash_table_insert(v, "room_limit", g_strdup_printf("%d", CHECKS_ROOM_LIMIT));
	notify_set(v, "since", since_text, FALSE);
	g_date_time_unref(s);
	g_date_time_unref(sl);
	g_free(since_iso);
	g_free(since_text);
	return rc;
}

/* The morning digest: on a working day from digest_time on, once a day
   (the digests table), one mail to all staff.  "New" is since the last
   digest, or since yesterday began when there was none. */
static int
procedure_digest(struct procedure *p, gint64 now, char **cause)
{
	char today[16];
	GDate d = calendar_day(now);
	GDateTime *lt = g_date_time_new_from_unix_local(now);
	char *hm = g_date_time_format(lt, "%H:%M"), *last = NULL;
	gboolean early = strcmp(hm, p->cfg->digest_time) < 0;
	gint64 since = 0;
	int rc, found;

	g_date_time_unref(lt);
	g_free(hm);
	if (!p->cfg->digest || p->cfg->staff[0] == NULL || early ||
	    !calendar_workday(p->cfg->holidays, &d))
		return 0;
	calendar_iso(&d, today);
	if (store_begin(p->st, cause) != 0)
		return -1;
	found = store_digest_last(p->st, &last, &since, cause);
	if (found < 0 || (found == 1 && strcmp(last, today) >= 0)) {
		store_rollback(p->st);
		g_free(last);
		return found < 0 ? -1 : 0;
	}
	if (found == 0) {
		g_date_subtract_days(&d, 1);
		since = calendar_start(&d);
	}
	GHashTable *v = notify_vars(p->nt, "", "");
	rc = digest_vars(p, v, now, since, cause);
	if (rc == 0)
		rc = notify_queue(p->nt, 0, "digest", "digest", v, p->cfg->mailbox_addrs[0],
		                  (const char *const *)p->cfg->staff, NULL, cause);
	if (rc == 0)
		rc = store_digest_add(p->st, today, now, cause);
	if (rc == 0)
		rc = store_commit(p->st, cause);
	if (rc != 0)
		store_rollback(p->st);
	else
		log_info("procedure",
		         "digest of %s sent to staff: %s new, %s overdue, %s due today", today,
		         (char *)g_hash_table_lookup(v, "new_count"),
		         (char *)g_hash_table_lookup(v, "overdue_count"),
		         (char *)g_hash_table_lookup(v, "due_today_count"));
	g_hash_table_destroy(v);
	g_free(last);
	return rc;
}

/* Send what the timers say is due. */
int
procedure_timers(struct procedure *p, gint64 now)
{
	char *cause = NULL;
	GArray *ids = store_requests_due(p->st, now, &cause);
	int rc = 0;

	for (guint i = 0; rc == 0 && i < ids->len; i++) {
		gint64 id = g_array_index(ids, gint64, i);
		struct req r;
		if (store_begin(p->st, &cause) != 0) {
			rc = -1;
			break;
		}
		if (!req_load(p, id, &r, &cause)) {
			store_rollback(p->st);
			continue;
		}
		char *kind = g_strdup(jsonget_str(r.o, "due_kind"));
		rc = timer_fire(p, &r, kind != NULL ? kind : "remind", now, &cause);
		g_free(kind);
		req_clear(&r);
		if (rc == 0)
			rc = store_commit(p->st, &cause);
		if (rc != 0)
			store_rollback(p->st);
	}
	if (rc == 0)
		rc = overdue_timers(p, now, &cause);
	if (rc == 0)
		rc = procedure_digest(p, now, &cause);
	if (rc != 0) {
		log_err("procedure", "timers: %s", cause != NULL ? cause : "error");
		g_free(cause);
	}
	g_array_free(ids, TRUE);
	/* the monthly report on the first working day (logged there on failure) */
	if (rc == 0 && monthly_due(p->cfg, p->st, p->nt, now) < 0)
		rc = -1;
	return rc;
}
