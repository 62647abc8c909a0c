/* procedure_commands.c - staff commands, in a request's thread and in a new mail; see
   procedure.h. */
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
			rc = req_mail_staff(p, r, "notice", "notice_staff", v, cause);
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
				char *w = procedure_when_text(p, date, time), *n;
				n = g_strdup_printf("%d", others + people);
				notify_set(v, "when", w, FALSE);
				notify_set(v, "until", until_t, FALSE);
				notify_set(v, "people", n, FALSE);
				notify_set(v, "others", who, TRUE);
				rc = req_mail_staff(p, r, "notice", "capacity", v, cause);
				g_hash_table_destroy(v);
				g_free(w);
				g_free(n);
			}
		}
	}
	if (rc == 0) {
		GHashTable *v = req_vars(p, r);
		char *w = procedure_when_text(p, date, time);
		notify_set(v, "when", w, FALSE);
		notify_set(v, "until", until_t, FALSE);
		notify_set(v, "actor", actor, FALSE);
		rc = req_mail_unit(p, r, "scheduled", s->template, v, cause);
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
	char *t = procedure_when_text(p, date, NULL);

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
		rc = req_mail_unit(p, r, s->template, s->template, v, cause);
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
int
procedure_command(struct procedure *p, struct req *r, const struct command *c, const char *actor,
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
			rc = req_mail_staff(p, r, "notice", "notice_staff", v, cause);
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
