/*
 * intake.h - one received message, from raw bytes to stored request.
 *
 * intake_message() runs inside the caller's open transaction: it keeps the
 * raw message in the spool (content-addressed, written before the commit
 * and synced by intake_sync()), parses it (parsers/), decides about it
 * (rules/), and records the outcome: a new request with its first events
 * and its acknowledgement queued in the outbox; or a duplicate copy (same
 * Message-ID seen before, e.g. Cc'd to two polled mailboxes); or a follow-up
 * in an existing request's thread; or automatic mail kept without answer.
 * Bad input (broken MIME, unknown charset, oversize) still becomes a record
 * and a notice to staff.  It returns -1 only when the database or the spool
 * failed: then the caller rolls back and nothing is marked on the server.
 */
#ifndef PHIEU_INTAKE_H
#define PHIEU_INTAKE_H

#include <glib.h>
#include <stdint.h>

#include "attach.h"
#include "config.h"
#include "store.h"

struct intake;

/* How attachments are read, from the configuration (before intake_new:
   the reader processes are started before the database is opened). */
void intake_attach_opts(const struct config *cfg, struct attach_opts *o);
/* Teach the parsers and rules what the rules file adds (labels, keywords,
   types); before any reading and before the reader processes start.
   -1 with *cause ("FILE:LINE: key: problem") for a label of no known key. */
int intake_apply_rules(const struct config *cfg, char **cause);
/* Load the templates for the configured language; NULL with *cause. */
struct intake *intake_new(const struct config *cfg, struct store *st, char **cause);
/* Parse a raw message (an oversize one is kept unread, with the problem noted). */
struct message *intake_parse(struct intake *in, const char *data, gsize len);
/* Whether its attachments need reading: not a copy, a follow-up or automatic mail. */
gboolean intake_needs_reading(struct intake *in, const struct message *m, const char *data,
                              gsize len);
/* Handle one message of a mailbox with what was read from it (rd NULL: read it
   now); 0 done, -1 database or spool failure. */
int intake_message(struct intake *in, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                   const char *data, gsize len, const struct message *m, const struct reading *rd,
                   char **cause);
/* Make the spool files written since the last call durable (before commit). */
int intake_sync(struct intake *in, char **cause);
/* Counters for the log: requests, duplicates, follow-ups, automatic. */
void intake_counts(const struct intake *in, int *requests, int *duplicates, int *followups,
                   int *automatic);
/* What happens after intake (timers, replies), for the daemon's loop. */
struct procedure *intake_procedure(struct intake *in);
struct intake *intake_free(struct intake *in);

#endif
