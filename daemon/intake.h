/*
 * intake.h - one received message, from raw bytes to stored request.
 *
 * intake_message() runs inside the caller's open transaction: it keeps the
 * raw message in the spool (content-addressed, written before the commit
 * and synced by intake_sync()), takes what a reader made of it, decides about it
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
#include "spool.h"
#include "store.h"
#include "notify.h"
#include "readwire.h"

struct intake;

/* How attachments are read, from the configuration (before intake_new:
   the reader processes are started before the database is opened). */
void intake_attach_opts(const struct config *cfg, struct attach_opts *o);
/* Teach the parsers and rules what the rules file adds (labels, keywords,
   types); before any reading and before the reader processes start.
   -1 with *cause ("FILE:LINE: key: problem") for a label of no known key. */
int intake_apply_rules(const struct config *cfg, char **cause);
/* Forget what intake_apply_rules() taught (a reload applies the new file). */
void intake_reset_rules(void);
/* Load the templates for the configured language; NULL with *cause. */
struct intake *intake_new(const struct config *cfg, struct store *st, char **cause);
/* Whether a message's documents need reading: anything but a copy of a
   message already received (a best guess: intake_message checks again);
   sha256 is the SHA-256 (hex) of its bytes as fetched. */
gboolean intake_needs_documents(struct intake *in, const struct message *m, const char *sha256);
/* Handle one message of a mailbox, of which len of full bytes were fetched
   (one over max_message_size only in part, its header block read alone: the
   problem is noted), with what a reader process made of it (the daemon
   never reads a message's bytes itself); sha256 is the SHA-256 (hex) of the
   len bytes when the caller has it (NULL: computed here), so that a message
   is hashed once; 0 done, -1 database or spool failure. */
int intake_message(struct intake *in, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                   const char *data, gsize len, gsize full, const char *sha256, struct answer *a,
                   char **cause);
/* Whether the last failure was the storage's (database fault, spool write):
   then the whole batch is rolled back; any other failure is the message's. */
gboolean intake_faulted(const struct intake *in);
/* Count a failure of one message (reader crash or overrun, a store error of
   its own); after quarantine_after failures it is held with its spool copy
   and staff are told (*held TRUE).  In the caller's transaction. */
int intake_failure(struct intake *in, const char *mailbox, uint32_t uidvalidity, uint32_t uid,
                   const char *data, gsize len, const struct message *m, const char *what,
                   gboolean *held, char **cause);
/* Tell staff once that a mailbox has not been read since `since` (local
   time text), with the last error and the failures counted.  In the
   caller's transaction. */
int intake_alert(struct intake *in, const char *mailbox, const char *since, const char *error,
                 int failures, char **cause);
/* The templates and the spool, shared with the outbox. */
struct notify *intake_notify(struct intake *in);
struct spool *intake_spool(struct intake *in);
/* Make the spool files written since the last call durable (before commit). */
int intake_sync(struct intake *in, char **cause);
/* Counters for the log: requests, duplicates, follow-ups, automatic. */
void intake_counts(const struct intake *in, int *requests, int *duplicates, int *followups,
                   int *automatic);
/* What happens after intake (timers, replies), for the daemon's loop. */
struct procedure *intake_procedure(struct intake *in);
struct intake *intake_free(struct intake *in);

#endif
