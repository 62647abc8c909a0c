/*
 * lifecycle.h - how a request moves through the procedure.
 *
 * The states are DOMAIN.md's: received, acknowledged, needs_info,
 * scheduled, in_progress, completed, closed, rejected, cancelled, as enum
 * request_state; the database keeps their names (lifecycle_state_name(),
 * lifecycle_state_parse() convert at the boundary).  A staff
 * command makes one step: lifecycle_step() says, from the request's state,
 * whether the command is allowed and what it does — the new state (or
 * none), the history event, the template mailed to the unit, and who else
 * is told (the Department of ICT for mailbox work, the Admin–General
 * department for a cost).  The steps are rows of one table in lifecycle.c.
 * checks_new() holds the procedures' checks on a new request (the approval
 * letter of a sub-domain, a valid DNS label not given to another unit, the
 * server room's two-person limit and its ban on assembling, installing and
 * test-running equipment, mailbox create/cancel from the unit's office
 * mailbox with its list of accounts); the daemon looks up what they need in
 * the database and passes it in.  No I/O.
 */
#ifndef PHIEU_LIFECYCLE_H
#define PHIEU_LIFECYCLE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "commands.h"

enum notify_who {
	NOTIFY_UNIT = 1,
	NOTIFY_DEPT = 2,    /* the Department of ICT: report copy of mailbox work */
	NOTIFY_FINANCE = 4, /* the Admin-General department: a cost */
};

/* A request's state.  The order is the names' table in lifecycle.c. */
enum request_state {
	STATE_RECEIVED,
	STATE_ACKNOWLEDGED,
	STATE_NEEDS_INFO,
	STATE_SCHEDULED,
	STATE_IN_PROGRESS,
	STATE_COMPLETED,
	STATE_CLOSED,
	STATE_REJECTED,
	STATE_CANCELLED,
	STATE_UNKNOWN, /* a name that is none of the above (or NULL) */
	STATE_NONE,    /* no state: a step or act that leaves the state, a check that lets go */
};

/* The bit of a state in a set of states. */
#define STATE_BIT(s) (1u << (s))

/* The name of a state as the database and the templates write it;
   "unknown" for STATE_UNKNOWN, NULL for STATE_NONE. */
const char *lifecycle_state_name(enum request_state s);
/* The state of a name; STATE_UNKNOWN for NULL or a name that is no state. */
enum request_state lifecycle_state_parse(const char *name);

struct step {
	enum command_kind command;
	unsigned from;         /* states it is allowed in: STATE_BIT()s */
	enum request_state to; /* the new state, STATE_NONE: unchanged */
	const char *event;     /* history event */
	const char *template;  /* mailed to the unit, NULL: nothing */
	unsigned notify;       /* others told, besides the unit */
	const char *types;     /* request types it applies to, NULL: all */
};

/* The step a command makes from state for a request of type; NULL with
 *why (for the staff member) when it is not allowed there. */
const struct step *lifecycle_step(enum command_kind k, enum request_state state, const char *type,
                                  char **why);
/* What phieu's own acts do to a request, besides staff commands. */
enum lifecycle_act {
	ACT_ACK_SENT, /* the acknowledgement was accepted by the mail server */
};
/* The state a request in state moves to when phieu did act, or STATE_NONE (stays). */
enum request_state lifecycle_after(enum lifecycle_act act, enum request_state state);
/* Whether a state is final (closed, rejected, cancelled). */
gboolean lifecycle_final(enum request_state state);

/* What the daemon found out for the checks of a new request. */
struct check_input {
	const char *type;
	JsonObject *fields;
	const char *sender;
	gboolean units_known;         /* a list of units' office mailboxes is configured */
	gboolean sender_is_office;    /* the sender is one of them */
	const char *subdomain_holder; /* sender of another request for the same name, or NULL */
	GPtrArray *taken_addresses;   /* account addresses already requested elsewhere */
	const char *domain;           /* "danang.gov.vn" */
};

/* What the checks decided.  What the unit is told is named, not written:
   reason_key is a line of the "phrases" template of the configured language
   (config/templates/phrases.LANG.txt), rendered by the daemon with
   {{value}} = reason_value; rule_key likewise names the procedure's words. */
struct check_result {
	enum request_state state; /* STATE_NEEDS_INFO, STATE_REJECTED, or STATE_NONE (go ahead) */
	const char *reason_key;   /* why, for the unit: a phrase; NULL when state is STATE_NONE */
	char *reason_value;       /* the value the phrase is about, or NULL */
	const char *rule_key;     /* the procedure's rule when rejected by one, or NULL */
	gboolean approval;        /* needs_info for the City's approval letter */
	gboolean review;          /* staff should look (collision, capacity) */
	GPtrArray *notes;         /* char*: what staff should know */
};

/* Run the procedures' checks on a new request. */
void checks_new(const struct check_input *in, struct check_result *out);
/* Every phrase key checks_new() may give (NULL-terminated): each must be a
   line of every language's phrases template. */
extern const char *const checks_phrase_keys[];
/* The most people in the server room at once (the procedure's rule). */
#define CHECKS_ROOM_LIMIT 2
/* The number of people in a server-room request (its visitors, at least 1). */
int checks_people(JsonObject *fields);
/* Release what a check_result holds. */
void check_result_clear(struct check_result *r);

#endif
