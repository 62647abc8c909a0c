/*
 * workload.h - who works on a request and by when.
 *
 * workload_owner() reads the name a staff member gives with #giao (#assign),
 * its first word unless it is "Name <address>":
 * a configured staff address (any case, "<…>" and a display name allowed),
 * the local part of one ("thang.ltv"), or a prefix of a local part that
 * only one staff address has ("thang").  workload_due_date() is the day a
 * request is due: the request type's due_days working days (rules_due_days,
 * rules/decide.h) after the day it was received, weekends and the
 * configured holidays off (lib/calendar.h).  workload_open() says which
 * states still wait for work (an owner's reminder, the digest).  No I/O;
 * nothing here reads the clock.
 */
#ifndef PHIEU_WORKLOAD_H
#define PHIEU_WORKLOAD_H

#include <glib.h>

enum owner_match {
	OWNER_FOUND,     /* *address is the staff address */
	OWNER_UNKNOWN,   /* no staff address matches */
	OWNER_AMBIGUOUS, /* more than one does; *address is NULL */
};

/* The staff address (pointer into staff, NULL-terminated) that name means. */
enum owner_match workload_owner(char *const *staff, const char *name, const char **address);
/* "YYYY-MM-DD" `days` working days after the day of received (g_free);
   NULL when days is 0 or less (the type has no due date). */
char *workload_due_date(char *const *holidays, gint64 received, int days);
/* Whether a request in state still waits for the centre's work (received,
   acknowledged, needs_info, scheduled, in_progress). */
gboolean workload_open(const char *state);
/* Whether a request in state due on due_date ("YYYY-MM-DD", may be NULL)
   is due on or before today ("YYYY-MM-DD") and still open. */
gboolean workload_due_by(const char *state, const char *due_date, const char *today);

#endif
