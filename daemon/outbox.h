/*
 * outbox.h - sending what intake queued, with retries.
 *
 * outbox_flush() sends every queued message that is due, over one SMTP
 * session.  A message is marked sent only after the server's 250 for its
 * data; an acknowledgement that went out moves its request from received
 * to acknowledged, with an event, in the same transaction.  A temporary
 * failure (server unreachable, 4xx) leaves the message queued with its next
 * attempt pushed back (exponential, between retry_min and retry_max); a
 * permanent refusal (5xx) marks it failed with the server's answer.
 */
#ifndef PHIEU_OUTBOX_H
#define PHIEU_OUTBOX_H

#include <glib.h>

#include "config.h"
#include "store.h"

struct outbox;

struct outbox *outbox_new(const struct config *cfg, struct store *st);
/* Send what is due now; returns how many were sent, -1 when the SMTP
   server could not be reached (everything stays queued). */
int outbox_flush(struct outbox *ob);
/* Seconds until the next queued message is due (0: now, -1: none). */
gint64 outbox_next_due(struct outbox *ob);
struct outbox *outbox_free(struct outbox *ob);

#endif
