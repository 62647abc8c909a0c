/* test_lifecycle.c - every (state, command, type) step, phieu's own acts, final states. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "lifecycle.h"

static const char *const states[] = {"received",  "acknowledged", "needs_info",
                                     "scheduled", "in_progress",  "completed",
                                     "closed",    "rejected",     "cancelled"};
static const char *const types[] = {"website_update", "mailbox",      "subdomain",
                                    "server_room",    "tech_support", "unknown"};

/* What the procedure says each command does, written out state by state:
   for each state (in the order of states[]) the state the request moves to,
   "=" when the step is allowed and leaves the state, "-" when refused. */
static const struct {
	enum command_kind k;
	const char *to[9];
	unsigned notify;         /* besides the unit, for every type but mailbox */
	unsigned notify_mailbox; /* for mailbox work */
	const char *event;
} expect[] = {
    {CMD_SCHEDULE,
     {"scheduled", "scheduled", "scheduled", "scheduled", "scheduled", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT,
     "scheduled"},
    {CMD_START,
     {"in_progress", "in_progress", "in_progress", "in_progress", "-", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT,
     "started"},
    {CMD_DONE,
     {"completed", "completed", "completed", "completed", "completed", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT | NOTIFY_DEPT,
     "completed"},
    {CMD_NEEDINFO,
     {"needs_info", "needs_info", "needs_info", "needs_info", "needs_info", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT,
     "needs_info"},
    {CMD_REJECT,
     {"rejected", "rejected", "rejected", "rejected", "rejected", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT,
     "rejected"},
    {CMD_CANCEL,
     {"cancelled", "cancelled", "cancelled", "cancelled", "cancelled", "-", "-", "-", "-"},
     NOTIFY_UNIT,
     NOTIFY_UNIT,
     "cancelled"},
    {CMD_COST,
     {"=", "=", "=", "=", "=", "=", "=", "-", "-"},
     NOTIFY_FINANCE,
     NOTIFY_FINANCE,
     "cost"},
    {CMD_NOTE, {"=", "=", "=", "=", "=", "=", "=", "=", "="}, 0, 0, "note"},
    /* an emergency opens a request: it is no step of an existing one */
    {CMD_EMERGENCY, {"-", "-", "-", "-", "-", "-", "-", "-", "-"}, 0, 0, NULL},
};

/* Every command from every state for every type does what expect[] says. */
static void
t_steps(void **state)
{
	G_STATIC_ASSERT(G_N_ELEMENTS(states) == 9);
	for (size_t c = 0; c < G_N_ELEMENTS(expect); c++)
		for (size_t s = 0; s < G_N_ELEMENTS(states); s++)
			for (size_t t = 0; t < G_N_ELEMENTS(types); t++) {
				char *why = NULL;
				const struct step *st = lifecycle_step(
				    expect[c].k, lifecycle_state_parse(states[s]), types[t], &why);
				const char *want = expect[c].to[s];
				if (strcmp(want, "-") == 0) {
					if (st != NULL)
						fail_msg(
						    "command %d from %s (%s) allowed, want refused",
						    expect[c].k, states[s], types[t]);
					assert_non_null(why); /* staff are told why */
					g_free(why);
					continue;
				}
				if (st == NULL)
					fail_msg("command %d from %s (%s) refused: %s", expect[c].k,
					         states[s], types[t], why);
				if (strcmp(want, "=") == 0)
					assert_int_equal(st->to, STATE_NONE);
				else
					assert_string_equal(lifecycle_state_name(st->to), want);
				unsigned n = strcmp(types[t], "mailbox") == 0
				                 ? expect[c].notify_mailbox
				                 : expect[c].notify;
				assert_int_equal(st->notify, n);
				assert_string_equal(st->event, expect[c].event);
				/* the unit gets a template exactly when it is told */
				assert_int_equal(st->template != NULL, (n & NOTIFY_UNIT) != 0);
			}
}

/* The refusal says whether the command exists for a request at all. */
static void
t_why(void **state)
{
	char *why = NULL;

	assert_null(lifecycle_step(CMD_DONE, STATE_CLOSED, "mailbox", &why));
	assert_non_null(strstr(why, "closed"));
	g_free(why);
	why = NULL;
	assert_null(lifecycle_step(CMD_EMERGENCY, STATE_RECEIVED, "mailbox", &why));
	assert_non_null(strstr(why, "not a command"));
	g_free(why);
}

/* The acknowledgement moves a received request on, and nothing else. */
static void
t_acts(void **state)
{
	for (size_t s = 0; s < G_N_ELEMENTS(states); s++) {
		enum request_state to =
		    lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse(states[s]));
		if (strcmp(states[s], "received") == 0)
			assert_string_equal(lifecycle_state_name(to), "acknowledged");
		else
			assert_int_equal(to, STATE_NONE);
	}
	assert_int_equal(lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse(NULL)), STATE_NONE);
}

/* Exactly closed, rejected and cancelled are final. */
static void
t_final(void **state)
{
	for (size_t s = 0; s < G_N_ELEMENTS(states); s++)
		assert_int_equal(lifecycle_final(lifecycle_state_parse(states[s])), s >= 6);
	assert_false(lifecycle_final(lifecycle_state_parse("closed|rejected")));
	assert_false(lifecycle_final(lifecycle_state_parse("")));
}

/* The checks name their outcome by phrase, about the value in question. */
static void
t_checks(void **state)
{
	static const struct {
		const char *type, *fields_json, *sender;
		gboolean office;
		const char *state, *key, *value, *rule;
	} rows[] = {
	    {"subdomain", "{\"subdomain\":\"-bad.danang.gov.vn\"}", "a@x", TRUE, "needs_info",
	     "subdomain_invalid", "-bad.danang.gov.vn", NULL},
	    {"subdomain", "{\"subdomain\":\"qlvb.danang.gov.vn\"}", "a@x", TRUE, "needs_info",
	     "approval_missing", NULL, NULL},
	    {"subdomain",
	     "{\"subdomain\":\"qlvb.danang.gov.vn\",\"approval_ref\":\"4242/UBND-KTN\"}", "a@x",
	     TRUE, NULL, NULL, NULL, NULL},
	    {"server_room", "{\"purpose\":\"Lắp ráp máy chủ mới\"}", "a@x", TRUE, "rejected",
	     "room_banned_work", "Lắp ráp máy chủ mới", "room_rule"},
	    {"server_room", "{\"purpose\":\"Bảo trì máy chủ\"}", "a@x", TRUE, NULL, NULL, NULL,
	     NULL},
	    {"mailbox", "{\"mailbox_action\":\"create\"}", "clerk@gmail.example", FALSE,
	     "needs_info", "mailbox_not_office", "clerk@gmail.example", NULL},
	    {"mailbox", "{\"mailbox_action\":\"cancel\"}", "vp@stp.danang.gov.vn", TRUE,
	     "needs_info", "mailbox_no_accounts", NULL, NULL},
	};
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		JsonNode *n = json_from_string(rows[i].fields_json, NULL);
		struct check_input in = {0};
		struct check_result r;
		in.type = rows[i].type;
		in.fields = json_node_get_object(n);
		in.sender = rows[i].sender;
		in.units_known = TRUE;
		in.sender_is_office = rows[i].office;
		in.domain = "danang.gov.vn";
		checks_new(&in, &r);
		if (g_strcmp0(lifecycle_state_name(r.state), rows[i].state) != 0 ||
		    g_strcmp0(r.reason_key, rows[i].key) != 0 ||
		    g_strcmp0(r.reason_value, rows[i].value) != 0 ||
		    g_strcmp0(r.rule_key, rows[i].rule) != 0)
			fail_msg("row %zu: %s %s %s %s", i, lifecycle_state_name(r.state),
			         r.reason_key, r.reason_value, r.rule_key);
		check_result_clear(&r);
		json_node_unref(n);
	}
}

/* Every phrase the checks may give is a line of every language's phrases. */
static void
t_phrases(void **state)
{
	for (const char *const *lang = (const char *const[]){"vi", "en", NULL}; *lang; lang++) {
		char *file = g_strdup_printf("../../config/templates/phrases.%s.txt", *lang), *text;
		assert_true(g_file_get_contents(file, &text, NULL, NULL));
		for (int i = 0; checks_phrase_keys[i] != NULL; i++) {
			char *want = g_strdup_printf("\n%s: ", checks_phrase_keys[i]);
			if (strstr(text, want) == NULL)
				fail_msg("%s has no line for %s", file, checks_phrase_keys[i]);
			g_free(want);
		}
		g_free(text);
		g_free(file);
	}
}

/* Run the lifecycle tests. */
int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_steps), cmocka_unit_test(t_why),    cmocka_unit_test(t_acts),
	    cmocka_unit_test(t_final), cmocka_unit_test(t_checks), cmocka_unit_test(t_phrases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
