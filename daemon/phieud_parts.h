/*
 * phieud_parts.h - what the parts of the daemon share.  Private to daemon/phieud*.c:
 *   phieud.c       options, start-up (privileges, signals), the main loop, reloading,
 *                  the service manager's status, the timers' turn
 *   phieud_mbox.c  the mailboxes' sessions: connecting, searching, IDLE, flags on the
 *                  server, health, alerts, one step of a mailbox
 *   phieud_batch.c a batch: fetching it, handing it to the readers, storing it
 */
#ifndef PHIEU_PHIEUD_PARTS_H
#define PHIEU_PHIEUD_PARTS_H

#include <signal.h>
#include <stdint.h>

#include <glib.h>

#include "attach.h"
#include "config.h"
#include "imap.h"
#include "intake.h"
#include "outbox.h"
#include "store.h"
#include "worker.h"

#define IDLE_REFRESH   1500  /* re-issue IDLE before servers' 30-minute limit */
#define PARTIAL_BYTES  65536 /* what is fetched of a message over max_message_size */
#define RETRY_DELAY    5   /* seconds before a mailbox with a left-out message is searched again */
#define DB_BACKOFF_MAX 300 /* seconds, after storage faults */

/* SIGTERM or SIGINT arrived: stop. */
extern volatile sig_atomic_t phieud_stopping;
/* Where the mailboxes' health is recorded, NULL: nowhere (--once). */
extern struct store *phieud_health_store;

struct mbox;

/* One message of a batch: asked for, maybe fetched, then read. */
struct item {
	struct mbox *box;
	uint32_t uid;
	uint32_t size;    /* RFC822.SIZE */
	GBytes *raw;      /* NULL: the server did not return it */
	char *sha;        /* raw's SHA-256 once item_sha() computed it, or NULL */
	struct answer *a; /* what a reader made of it */
	char *failure;    /* the reader crashed, overran or answered wrong: why */
	gboolean waiting; /* its answer has not come back */
	gboolean partial; /* fetched in part: its header block read alone */
	gboolean held;    /* in quarantine already: set aside */
};

/* A UID found by the search, with its size. */
struct todo {
	uint32_t uid, size;
};

/* One polled mailbox and its session. */
struct mbox {
	const struct mailbox_cfg *cfg;
	struct imap_conn *conn;
	gint64 next_connect; /* after a failure, not before this */
	int failures;
	gboolean idling;
	gint64 idle_since;
	gint64 next_poll;
	gboolean polled;      /* searched at least once without error */
	gboolean failed;      /* the last attempt failed: something is left for later */
	gboolean left_out;    /* a message of the last pass was not stored: look again */
	gboolean retry_now;   /* --once: a message failed, search again in this run */
	uint32_t uidvalidity; /* of the selected folder */
	uint32_t exists;      /* messages the server reported at the last search */
	GArray *todo;         /* struct todo: found by the search, not yet fetched */
	GPtrArray *batch;     /* struct item*: asked for, being read */
	int waiting;          /* items of the batch whose reading has not come back */
	int db_failures;      /* storage faults in a row */
	gint64 last_read;     /* the last search that worked (or the start) */
	char *last_error;     /* why the mailbox was last not read */
	gboolean alerted;     /* staff were told it is not being read */
};

struct daemon {
	const char *path; /* the configuration file, for SIGHUP */
	struct config *cfg;
	struct store *st;
	struct intake *in;
	struct outbox *ob;
	struct pool *pool;
	struct attach_opts aopts; /* how attachments are read */
	struct mbox *boxes;
	guint nboxes;
	gboolean once;
	gboolean timers_done; /* --once: the timers ran after the last mail */
	gint64 next_timers;   /* when the procedure's timers are next looked at */
	unsigned trace;       /* --trace, kept across reloads */
	gboolean verbose;     /* -v, kept across reloads */
	gboolean refused;     /* the server cannot do what the configuration asks */
};

/* Release a batch item (a GPtrArray free function). */
void item_free(gpointer p);
/* The SHA-256 of an item's bytes, computed once (NULL without bytes). */
const char *item_sha(struct item *it);
/* Record that a mailbox was read. */
void health_ok(struct mbox *b);
/* Drop a mailbox's session after a failure and set when to try again; takes cause. */
void mbox_fail(struct mbox *b, const char *what, enum net_result res, char *cause);
/* Mark uids processed on the server; -1 when the session failed. */
int mbox_mark(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n);
/* Flag uids as set aside (quarantine) on the server; -1 when the session failed. */
int mbox_flag_held(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n);
/* Leave IDLE; -1 when the session failed. */
int mbox_unidle(struct mbox *b);
/* One step of a mailbox: connect, search, fetch a batch or idle, as due. */
void mbox_step(struct daemon *dm, struct mbox *b);
/* --once: whether every mailbox was read and its batches stored. */
gboolean once_intake_done(struct daemon *dm);
/* Set up the mailboxes of the configuration. */
void boxes_new(struct daemon *dm);
/* Close the mailboxes' sessions and release them. */
void boxes_free(struct daemon *dm);
/* Fetch the next batch of a mailbox and hand it to the readers (phieud_batch.c). */
void batch_fetch(struct daemon *dm, struct mbox *b);
/* A reader's answer for a batch item (the pool's callback). */
void on_answer(void *tag, struct answer *a, void *arg);

#endif
