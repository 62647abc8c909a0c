/* procedure_timers.c - reminders, closing, overdue requests and the digest; see
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

#define EMERGENCY_REMINDERS 10

/* One due timer of a request. */
static int
timer_fire(struct procedure *p, struct req *r, const char *kind, gint64 now, char **cause)
{
	gint64 reminders = json_object_get_int_member_with_default(r->o, "reminders", 0);
	int rc = 0;

	if (strcmp(kind, "close") == 0) {
		if (r->state != STATE_COMPLETED)
			return store_request_set_due(p->st, r->id, 0, NULL, cause);
		return req_close(p, r, "autoclosed", "phieu", 0, "no confirmation", "autoclosed",
		                 cause);
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
	char *since_text = procedure_when_text(p, since, NULL);
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
		rc =
		    req_mail_unit(p, r, "reminder",
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

	if (ids == NULL)
		return -1;

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
	GPtrArray *each = jsonget_each_str(o, "visitors", "full_name");
	int k = (int)each->len;

	for (guint i = 0; i < each->len; i++) {
		const char *name = g_ptr_array_index(each, i);
		char *clean = reply_clean(name != NULL ? name : "?");
		g_string_append_printf(names, "%s%s", names->len > 0 ? ", " : "", clean);
		g_free(clean);
	}
	g_ptr_array_free(each, TRUE);
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
	int rc = ids != NULL ? 0 : -1;

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
	if (ids != NULL)
		g_array_free(ids, TRUE);
	/* the monthly report on the first working day (logged there on failure) */
	if (rc == 0 && monthly_due(p->cfg, p->st, p->nt, now) < 0)
		rc = -1;
	return rc;
}
