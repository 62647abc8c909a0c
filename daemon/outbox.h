/*
 * outbox.h - sending what the database queued, once, without blocking.
 *
 * Each outgoing message is a row that moves queued -> sending -> sent (or
 * back to queued, or failed); see store.h.  The move to sending is committed
 * before the SMTP transaction starts and the move to sent only after the
 * server's 250, so that a message is never sent while an earlier attempt of
 * it is unrecorded:
 *
 *  - When the database cannot record a result (disk full, a lock held past
 *    the busy timeout, an I/O error), the outbox remembers the result in
 *    memory, stops sending, and retries the recording with backoff; nothing
 *    else is sent until it is recorded.
 *  - A run killed between the server's 250 and the commit leaves the row in
 *    sending; store_outbox_recover() queues it again at the next start and
 *    it goes out once more with the same Message-ID.  When the database
 *    cannot do that at the start (locked, full), nothing is sent and it is
 *    tried again with the same backoff, so the row is never left in sending.
 *  - A temporary failure (4xx, the network) queues the message again with
 *    backoff between retry_min and retry_max; after max_retry_hours it
 *    fails.  A permanent refusal (5xx) fails at once.  A failure is recorded
 *    in the request's history and staff get a notice with the reason
 *    (unless the message was itself for staff only).
 *
 * Once sent, a message's body leaves the database for the spool
 * (spool/sent/), many at a time, synced together (outbox_tidy()).
 *
 * The SMTP conversation runs in a thread of its own, one message at a time,
 * so the daemon's loop never waits for the mail server: outbox_step() hands
 * the next due message to the thread and takes results back, and the loop
 * polls outbox_fd() to learn that a result is ready.  The session is kept
 * open between messages and closed after a few idle seconds.  The database
 * is only ever used from the calling thread.
 */
#ifndef PHIEU_OUTBOX_H
#define PHIEU_OUTBOX_H

#include <glib.h>

#include "config.h"
#include "notify.h"
#include "spool.h"
#include "store.h"

struct outbox;

/* Set up and start the sending thread; nt renders staff notices, sp keeps
   the bodies of sent messages. */
struct outbox *outbox_new(const struct config *cfg, struct store *st, struct notify *nt,
                          struct spool *sp);
/* Record results that came back and hand the next due message to the
   thread; returns how many results were recorded. */
int outbox_step(struct outbox *ob);
/* Move the bodies of up to max sent messages from the database to the spool
   (spool/sent/), synced together; how many, -1 on a failure (left for later). */
int outbox_tidy(struct outbox *ob, int max);
/* A descriptor that becomes readable when a result is ready. */
int outbox_fd(const struct outbox *ob);
/* Milliseconds until outbox_step() has work (0: now, -1: only when
   outbox_fd() is readable or something new is queued). */
gint64 outbox_wait_ms(struct outbox *ob);
/* Whether nothing is being sent and every result is recorded. */
gboolean outbox_idle(const struct outbox *ob);
/* Whether a message is due now that outbox_step() would hand out. */
gboolean outbox_has_due(struct outbox *ob);
/* Wait up to ms for the message being sent, record it; then stop the
   thread (one still stuck in the network is left behind). */
void outbox_stop(struct outbox *ob, int ms);
struct outbox *outbox_free(struct outbox *ob);

#endif
