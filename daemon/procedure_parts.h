/*
 * procedure_parts.h - what the parts of the procedure share.  Private to daemon/procedure*.c:
 *   procedure.c          setting up, loading a request, mailing about it, moving it,
 *                        dates as people read them; the checks on a new request
 *   procedure_commands.c staff commands: in a request's thread (#lich, #xong, #giao, …)
 *                        and in a new mail (#khancap, #tim)
 *   procedure_reply.c    a message in a request's thread: the unit's confirmation, the
 *                        information it was asked for, its form after an emergency, or
 *                        correspondence; who may change what
 *   procedure_timers.c   reminders, closing unconfirmed work, overdue requests, the digest
 */
#ifndef PHIEU_PROCEDURE_PARTS_H
#define PHIEU_PROCEDURE_PARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "commands.h"
#include "lifecycle.h"
#include "procedure.h"

#define DAY (24 * 60 * 60)

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
static inline const char *
req_state(const struct req *r)
{
	return lifecycle_state_name(r->state);
}

/* Load a request; FALSE when it is not there. */
gboolean req_load(struct procedure *p, gint64 id, struct req *r, char **cause);
/* Release a loaded request. */
void req_clear(struct req *r);
/* The address phieu writes from for a request: its proper mailbox. */
const char *req_from(struct procedure *p, const struct req *r);
/* Values for a template about a request (g_hash_table_destroy). */
GHashTable *req_vars(struct procedure *p, const struct req *r);
/* Mail a template about a request to the unit, in the unit's thread. */
int req_mail_unit(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
                  GHashTable *v, char **cause);
/* Mail a template about a request to staff. */
int req_mail_staff(struct procedure *p, const struct req *r, const char *kind, const char *tmpl,
                   GHashTable *v, char **cause);
/* Move a request to a state (STATE_NONE: it stays) with its event. */
int req_move(struct procedure *p, struct req *r, enum request_state to, const char *event,
             const char *actor, gint64 mid, const char *detail, char **cause);
/* Close a request: the move to closed (event by actor), its timer cleared,
   the unit told with template tmpl. */
int req_close(struct procedure *p, struct req *r, const char *event, const char *actor, gint64 mid,
              const char *detail, const char *tmpl, char **cause);
/* A date "YYYY-MM-DD" and time (or NULL) as people read them (g_free). */
char *procedure_when_text(const struct procedure *p, const char *date, const char *time);
/* One staff command on a request (procedure_commands.c). */
int procedure_command(struct procedure *p, struct req *r, const struct command *c,
                      const char *actor, gint64 mid, char **cause);

#endif
