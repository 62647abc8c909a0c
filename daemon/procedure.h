/*
 * procedure.h - a request's life after it arrived, by e-mail alone.
 *
 * procedure_new_request() runs the procedures' checks on a request just
 * stored (rules/lifecycle.c: the City's approval letter for a sub-domain,
 * the server room's rules, mailbox create/cancel from the unit's office
 * mailbox), may hold it in needs_info or refuse it, links it to a phoned-in
 * emergency of the same unit, and tells staff.  procedure_reply() handles a
 * message in a request's thread: staff commands (#lich, #xong, …) move the
 * request through the lifecycle and mail the unit, the Department of ICT or
 * the Admin–General department; a command from anyone else changes nothing
 * and staff are told, and so does one whose sender the centre's mail server
 * did not authenticate (an "unauthenticated" event; staff told at their
 * configured addresses); #nhan and #giao set the owner, and whoever
 * schedules or starts unowned work becomes its owner; the unit's confirmation closes a completed
 * request; its answer to a request waiting for information is merged into the fields and
 * acknowledged again; anything else is kept as correspondence and staff are told.
 * procedure_staff_mail() handles a staff member's new mail that registers an emergency (#khancap).
 * procedure_timers() sends what is due: reminders for missing information, closing of completed
 * requests nobody confirmed, reminders to file the form after an emergency; one reminder to the
 * owner (or all staff) of each open request on the day it falls due or at the first run after
 * ("overdue" event); and on working days from digest_time on, the staff's morning digest, once a
 * day (the digests table).  The timers are in the database and survive restarts.  Everything runs
 * inside the caller's transaction, except procedure_timers(), which has its own.
 */
#ifndef PHIEU_PROCEDURE_H
#define PHIEU_PROCEDURE_H

#include "attach.h"
#include "config.h"
#include "decide.h"
#include "message.h"
#include "notify.h"
#include "store.h"

struct procedure;

struct procedure *procedure_new(const struct config *cfg, struct store *st, struct notify *nt,
                                const struct rules_opts *ro);
struct procedure *procedure_free(struct procedure *p);

/* A request was just stored (id, from message row mid): checks, links,
   notices.  *ack_hold gets what the acknowledgement must say the request
   waits for (g_free), *refused TRUE when it was refused instead. */
int procedure_new_request(struct procedure *p, gint64 id, gint64 mid, const struct message *m,
                          const struct decision *d, char **ack_hold, gboolean *refused,
                          char **cause);
/* A message in the thread of request id (stored as row mid); rd is what was
   read from it (NULL: nothing but the body needed).  Unless authentic (the
   centre's mail server vouched for its From:, auth_why says why not), staff
   commands and replies that would change the request change nothing: they
   are kept as an "unauthenticated" event and staff are told. */
int procedure_reply(struct procedure *p, gint64 id, gint64 mid, const struct message *m,
                    const struct reading *rd, gboolean authentic, const char *auth_why,
                    char **cause);
/* Whether a message with no thread is a staff member's command mail
   (#khancap); when TRUE it was stored (sm, a message row to add) and handled,
   *rc 0 or -1.  Never TRUE for a sender that is not authentic. */
gboolean procedure_staff_mail(struct procedure *p, struct stored_message *sm,
                              const struct message *m, const char *mailbox, gboolean authentic,
                              int *rc, char **cause);
/* Send what the timers say is due now; 0, or -1 when the database failed. */
int procedure_timers(struct procedure *p, gint64 now);

#endif
