/* lifecycle.c - the procedure's steps and checks; see lifecycle.h. */
#include "lifecycle.h"

#include <string.h>

#include "decide.h"
#include "jsonget.h"
#include "text.h"

/* The states' names, in the order of enum request_state. */
static const char *const state_names[] = {
    [STATE_RECEIVED] = "received",       [STATE_ACKNOWLEDGED] = "acknowledged",
    [STATE_NEEDS_INFO] = "needs_info",   [STATE_SCHEDULED] = "scheduled",
    [STATE_IN_PROGRESS] = "in_progress", [STATE_COMPLETED] = "completed",
    [STATE_CLOSED] = "closed",           [STATE_REJECTED] = "rejected",
    [STATE_CANCELLED] = "cancelled",     [STATE_UNKNOWN] = "unknown",
};

/* The name of a state. */
const char *
lifecycle_state_name(enum request_state s)
{
	return (unsigned)s < G_N_ELEMENTS(state_names) ? state_names[s] : NULL;
}

/* The state of a name. */
enum request_state
lifecycle_state_parse(const char *name)
{
	for (int s = STATE_RECEIVED; name != NULL && s < STATE_UNKNOWN; s++)
		if (strcmp(state_names[s], name) == 0)
			return (enum request_state)s;
	return STATE_UNKNOWN;
}

/* States where work has not finished. */
#define OPEN                                                                                       \
	(STATE_BIT(STATE_RECEIVED) | STATE_BIT(STATE_ACKNOWLEDGED) | STATE_BIT(STATE_NEEDS_INFO) | \
	 STATE_BIT(STATE_SCHEDULED) | STATE_BIT(STATE_IN_PROGRESS))
/* The final states. */
#define FINAL (STATE_BIT(STATE_CLOSED) | STATE_BIT(STATE_REJECTED) | STATE_BIT(STATE_CANCELLED))

/* Every step a staff command can make.  Adding a command is adding a row. */
static const struct step steps[] = {
    {CMD_SCHEDULE, OPEN, STATE_SCHEDULED, "scheduled", "scheduled", NOTIFY_UNIT, NULL},
    {CMD_START,
     STATE_BIT(STATE_RECEIVED) | STATE_BIT(STATE_ACKNOWLEDGED) | STATE_BIT(STATE_SCHEDULED) |
         STATE_BIT(STATE_NEEDS_INFO),
     STATE_IN_PROGRESS, "started", "started", NOTIFY_UNIT, NULL},
    {CMD_DONE, OPEN, STATE_COMPLETED, "completed", "completed", NOTIFY_UNIT | NOTIFY_DEPT,
     "mailbox"},
    {CMD_DONE, OPEN, STATE_COMPLETED, "completed", "completed", NOTIFY_UNIT, NULL},
    {CMD_NEEDINFO, OPEN, STATE_NEEDS_INFO, "needs_info", "needinfo", NOTIFY_UNIT, NULL},
    {CMD_REJECT, OPEN, STATE_REJECTED, "rejected", "rejected", NOTIFY_UNIT, NULL},
    {CMD_CANCEL, OPEN, STATE_CANCELLED, "cancelled", "cancelled", NOTIFY_UNIT, NULL},
    {CMD_COST, OPEN | STATE_BIT(STATE_COMPLETED) | STATE_BIT(STATE_CLOSED), STATE_NONE, "cost",
     NULL, NOTIFY_FINANCE, NULL},
    {CMD_NOTE, OPEN | STATE_BIT(STATE_COMPLETED) | FINAL, STATE_NONE, "note", NULL, 0, NULL},
    {CMD_FILES, OPEN | STATE_BIT(STATE_COMPLETED) | FINAL, STATE_NONE, "files", NULL, 0, NULL},
    {CMD_TAKE, OPEN | STATE_BIT(STATE_COMPLETED), STATE_NONE, "assigned", NULL, 0, NULL},
    {CMD_ASSIGN, OPEN | STATE_BIT(STATE_COMPLETED), STATE_NONE, "assigned", NULL, 0, NULL},
};

/* Whether state is one of the set. */
static gboolean
state_in(unsigned set, enum request_state state)
{
	return state < STATE_UNKNOWN && (set & STATE_BIT(state)) != 0;
}

/* The step a command makes. */
const struct step *
lifecycle_step(enum command_kind k, enum request_state state, const char *type, char **why)
{
	gboolean known = FALSE;

	for (gsize i = 0; i < G_N_ELEMENTS(steps); i++) {
		const struct step *s = &steps[i];
		if (s->command != k || (s->types != NULL && !text_list_has(s->types, type)))
			continue;
		known = TRUE;
		if (state_in(s->from, state))
			return s;
		break;
	}
	*why = known ? g_strdup_printf("not allowed while the request is %s",
	                               lifecycle_state_name(state))
	             : g_strdup("not a command for an existing request");
	return NULL;
}

/* The moves phieu's own acts make: from a state, to a state. */
static const struct {
	enum lifecycle_act act;
	enum request_state from, to;
} acts[] = {
    {ACT_ACK_SENT, STATE_RECEIVED, STATE_ACKNOWLEDGED},
};

/* The state an act moves a request to, or STATE_NONE. */
enum request_state
lifecycle_after(enum lifecycle_act act, enum request_state state)
{
	for (gsize i = 0; i < G_N_ELEMENTS(acts); i++)
		if (acts[i].act == act && acts[i].from == state)
			return acts[i].to;
	return STATE_NONE;
}

/* Whether a state is final. */
gboolean
lifecycle_final(enum request_state state)
{
	return state_in(FINAL, state);
}

/* The phrases the checks give (lines of the phrases templates). */
const char *const checks_phrase_keys[] = {
    "subdomain_invalid", "subdomain_taken",    "approval_missing",    "room_banned_work",
    "room_rule",         "mailbox_not_office", "mailbox_no_accounts", NULL,
};

/* Set the outcome: a state and the phrase saying why, about value. */
static void
decide_check(struct check_result *r, enum request_state state, const char *key, const char *value)
{
	r->state = state;
	r->reason_key = key;
	g_free(r->reason_value);
	r->reason_value = g_strdup(value);
}

/* Folded words that describe assembling, installing or test-running equipment. */
static const char *const banned_work[] = {"lap rap",      "lap dat thiet bi",  "lap dat may",
                                          "van hanh thu", "chay thu",          "cai dat thiet bi",
                                          "assemble",     "assembly",          "test run",
                                          "test-run",     "install equipment", NULL};

/* Add a note for staff. */
static void note(struct check_result *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void
note(struct check_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(r->notes, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* The number of people in a server-room request. */
int
checks_people(JsonObject *fields)
{
	int n = 0;

	if (fields != NULL && json_object_has_member(fields, "visitors"))
		n = (int)json_array_get_length(json_object_get_array_member(fields, "visitors"));
	return n > 0 ? n : 1;
}

/* Whether a sub-domain's first label is a valid DNS label. */
static gboolean
valid_label(const char *name, const char *domain)
{
	gsize n = strlen(name), d = strlen(domain);
	const char *dot;

	if (n <= d + 1 || !g_str_has_suffix(name, domain) || name[n - d - 1] != '.')
		return FALSE;
	/* every label before the domain: letters, digits, '-' inside, 1..63 */
	for (const char *p = name; p < name + n - d - 1; p = dot + 1) {
		dot = strchr(p, '.');
		gsize len = (gsize)(dot - p);
		if (len == 0 || len > 63 || p[0] == '-' || p[len - 1] == '-')
			return FALSE;
		for (gsize i = 0; i < len; i++)
			if (!g_ascii_isalnum(p[i]) && p[i] != '-')
				return FALSE;
	}
	return TRUE;
}

/* Checks of a sub-domain request. */
static void
check_subdomain(const struct check_input *in, struct check_result *r)
{
	const char *name = jsonget_str(in->fields, "subdomain");

	if (name != NULL && !valid_label(name, in->domain)) {
		decide_check(r, STATE_NEEDS_INFO, "subdomain_invalid", name);
		return;
	}
	if (name != NULL && in->subdomain_holder != NULL) {
		decide_check(r, STATE_NEEDS_INFO, "subdomain_taken", name);
		r->review = TRUE;
		note(r, "sub-domain %s already requested by %s", name, in->subdomain_holder);
		return;
	}
	if (jsonget_str(in->fields, "approval_ref") == NULL) {
		decide_check(r, STATE_NEEDS_INFO, "approval_missing", NULL);
		r->approval = TRUE;
	}
}

/* Checks of a server-room request. */
static void
check_server_room(const struct check_input *in, struct check_result *r)
{
	const char *purpose = jsonget_str(in->fields, "purpose");
	char *f = purpose != NULL ? text_fold(purpose) : NULL;

	for (int i = 0; f != NULL && banned_work[i] != NULL; i++)
		if (strstr(f, banned_work[i]) != NULL) {
			decide_check(r, STATE_REJECTED, "room_banned_work", purpose);
			r->rule_key = "room_rule";
			break;
		}
	g_free(f);
	if (r->state == STATE_NONE && checks_people(in->fields) > CHECKS_ROOM_LIMIT) {
		r->review = TRUE;
		note(r, "%d people would be in the server room at once; the limit is %d",
		     checks_people(in->fields), CHECKS_ROOM_LIMIT);
	}
}

/* Checks of a mailbox request. */
static void
check_mailbox(const struct check_input *in, struct check_result *r)
{
	const char *action = jsonget_str(in->fields, "mailbox_action");
	JsonArray *accounts = json_object_has_member(in->fields, "accounts")
	                          ? json_object_get_array_member(in->fields, "accounts")
	                          : NULL;

	if (action == NULL || strcmp(action, "change") == 0) {
		if (action == NULL)
			note(r, "the form ticks no action (create, change, cancel)");
		return;
	}
	if (in->units_known && !in->sender_is_office) {
		decide_check(r, STATE_NEEDS_INFO, "mailbox_not_office", in->sender);
		return;
	}
	if (accounts == NULL || json_array_get_length(accounts) == 0) {
		decide_check(r, STATE_NEEDS_INFO, "mailbox_no_accounts", NULL);
		return;
	}
	for (guint i = 0; i < json_array_get_length(accounts); i++) {
		JsonObject *a = json_array_get_object_element(accounts, i);
		const char *addr = jsonget_str(a, "address");
		if (addr == NULL)
			continue;
		if (strcmp(action, "create") == 0 && !g_str_has_suffix(addr, in->domain)) {
			r->review = TRUE;
			note(r, "new address %s is not under %s", addr, in->domain);
		}
		for (guint k = 0; in->taken_addresses != NULL && k < in->taken_addresses->len; k++)
			if (g_ascii_strcasecmp(g_ptr_array_index(in->taken_addresses, k), addr) ==
			        0 &&
			    strcmp(action, "create") == 0) {
				r->review = TRUE;
				note(r, "address %s is already requested or given", addr);
			}
	}
}

/* The checks, one function per type. */
static const struct {
	const char *type;
	void (*check)(const struct check_input *, struct check_result *);
} checks[] = {
    {"subdomain", check_subdomain},
    {"server_room", check_server_room},
    {"mailbox", check_mailbox},
};

/* Run the checks on a new request. */
void
checks_new(const struct check_input *in, struct check_result *out)
{
	memset(out, 0, sizeof *out);
	out->state = STATE_NONE;
	out->notes = g_ptr_array_new_with_free_func(g_free);
	for (gsize i = 0; in->fields != NULL && i < G_N_ELEMENTS(checks); i++)
		if (strcmp(checks[i].type, in->type) == 0)
			checks[i].check(in, out);
}

/* Release a check result. */
void
check_result_clear(struct check_result *r)
{
	g_free(r->reason_value);
	if (r->notes != NULL)
		g_ptr_array_free(r->notes, TRUE);
	memset(r, 0, sizeof *r);
	r->state = STATE_NONE;
}
