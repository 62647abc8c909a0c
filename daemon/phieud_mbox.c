/* phieud_mbox.c - the mailboxes' sessions: connecting, searching, IDLE, flags, health;
   see phieud.c. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "check.h"
#include "config.h"
#include "imap.h"
#include "intake.h"
#include "log.h"
#include "message.h"
#include "notify.h"
#include "outbox.h"
#include "procedure.h"
#include "service.h"
#include "store.h"
#include "worker.h"

#include "phieud_parts.h"

/* Release a batch item. */
void
item_free(gpointer p)
{
	struct item *it = p;

	if (it->raw != NULL)
		g_bytes_unref(it->raw);
	answer_free(it->a);
	g_free(it->failure);
	g_free(it->sha);
	g_free(it);
}

/* The SHA-256 of an item's bytes; see phieud_parts.h. */
const char *
item_sha(struct item *it)
{
	if (it->sha == NULL && it->raw != NULL)
		it->sha = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, it->raw);
	return it->sha;
}

/* Forget the UIDs found and any batch not yet stored: they stay unmarked on
   the server and are fetched again at the next poll. */
static void
mbox_forget(struct mbox *b)
{
	g_array_set_size(b->todo, 0);
	if (b->batch != NULL && b->waiting == 0) {
		g_ptr_array_free(b->batch, TRUE);
		b->batch = NULL;
	}
	/* a batch still being read is stored when its readings are back */
}

/* The wait after n failures: 5 s doubling up to 10 min. */
static gint64
reconnect_wait(int n)
{
	return clock_backoff(5, 600, n);
}

/* ---- health (health.h) ---------------------------------------------------- */

/* Where the mailboxes' health is recorded. */
struct store *phieud_health_store;

/* Health: the mailbox was polled (searched, or its IDLE session is alive). */
void
health_ok(struct mbox *b)
{
	char *cause = NULL;

	if (phieud_health_store != NULL &&
	    store_health_ok(phieud_health_store, b->cfg->name, clock_now(), &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* Health: the mailbox waits in IDLE now. */
static void
health_idle(struct mbox *b)
{
	char *cause = NULL;

	if (phieud_health_store != NULL &&
	    store_health_idle(phieud_health_store, b->cfg->name, TRUE, clock_now(), &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* Health: the mailbox failed with b->last_error. */
static void
health_error(struct mbox *b)
{
	char *cause = NULL;

	if (phieud_health_store != NULL &&
	    store_health_error(phieud_health_store, b->cfg->name, b->last_error, clock_now(),
	                       &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* Drop a session after an error and schedule the reconnection: a command
   the server refused (res NET_NO) stops intake and is logged as an error,
   a lost connection as a warning.  The search follows the reconnection. */
void
mbox_fail(struct mbox *b, const char *what, enum net_result res, char *cause)
{
	gint64 wait;

	b->conn = imap_free(b->conn);
	b->idling = FALSE;
	b->failed = TRUE;
	b->failures++;
	wait = reconnect_wait(b->failures);
	b->next_connect = clock_now() + wait;
	/* the wait logged is the wait: not the poll timer of the last search */
	b->next_poll = 0;
	mbox_forget(b);
	g_free(b->last_error);
	b->last_error = g_strdup_printf("%s: %s", what, cause != NULL ? cause : "error");
	health_error(b);
	if (res == NET_NO)
		log_err("imap", "%s: %s: %s; retrying in %" G_GINT64_FORMAT " s", b->cfg->name,
		        what, cause != NULL ? cause : "error", wait);
	else
		log_warn("imap", "%s: %s: %s; retrying in %" G_GINT64_FORMAT " s", b->cfg->name,
		         what, cause != NULL ? cause : "error", wait);
	g_free(cause);
}

/* Connect if not connected.  Returns 0 when the session is up. */
static int
mbox_connect(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;
	enum net_result res;

	if (b->conn != NULL)
		return 0;
	if (clock_now() < b->next_connect)
		return -1;
	b->conn = imap_connect(&dm->cfg->imap.ep, b->cfg->login, b->cfg->password, &res, &cause);
	if (b->conn == NULL) {
		mbox_fail(b, "connect", res, cause);
		return -1;
	}
	log_trace(TRACE_IMAP, "imap", "%s: logged in", b->cfg->name);
	return 0;
}

/* Flag messages on the server (keyword, maybe moved to folder) and record
   it with done().  A refusal counts as done (the message is gone); a broken
   session does not: the flagging is retried at the next poll. */
static int
mbox_flag(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n, const char *keyword,
          const char *folder,
          int (*done)(struct store *, const char *, uint32_t, const uint32_t *, gsize, char **))
{
	char *cause = NULL;
	enum net_result res;

	if (n == 0 || b->conn == NULL)
		return 0;
	res = imap_mark(b->conn, uids, n, keyword, folder, &cause);
	if (res == NET_RETRY) {
		mbox_fail(b, "mark (the messages are stored; marked at the next poll)", res, cause);
		return -1;
	}
	if (res == NET_NO) {
		log_warn("imap", "%s: the server refused to mark %zu stored message(s): %s",
		         b->cfg->name, n, cause);
		g_free(cause);
		cause = NULL;
	}
	if (store_begin(dm->st, &cause) != 0 ||
	    done(dm->st, b->cfg->name, b->uidvalidity, uids, n, &cause) != 0 ||
	    store_commit(dm->st, &cause) != 0) {
		store_rollback(dm->st);
		log_err("store", "%s: recording the marks: %s (marked again at the next poll)",
		        b->cfg->name, cause);
		g_free(cause);
	}
	return 0;
}

/* Mark stored UIDs processed. */
int
mbox_mark(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n)
{
	return mbox_flag(dm, b, uids, n, dm->cfg->mark_keyword,
	                 strcmp(dm->cfg->mark, "move") == 0 ? dm->cfg->mark_folder : NULL,
	                 store_set_marked);
}

/* Flag quarantined UIDs for people looking at the mailbox. */
int
mbox_flag_held(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n)
{
	return mbox_flag(dm, b, uids, n, "$PhieuQuarantine", NULL, store_quarantine_flagged);
}

/* Mark what an earlier pass stored (or set aside) but could not flag. */
static int
mbox_recover_marks(struct daemon *dm, struct mbox *b)
{
	GArray *unmarked = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GArray *held = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	char *cause = NULL;
	int rc = 0;

	if (store_unmarked(dm->st, b->cfg->name, b->uidvalidity, unmarked, &cause) == 0 &&
	    unmarked->len > 0) {
		log_info("imap", "%s: marking %u message(s) stored earlier", b->cfg->name,
		         unmarked->len);
		rc = mbox_mark(dm, b, (uint32_t *)(void *)unmarked->data, unmarked->len);
	}
	g_free(cause);
	cause = NULL;
	if (rc == 0 &&
	    store_quarantine_uids(dm->st, b->cfg->name, b->uidvalidity, FALSE, held, &cause) == 0)
		rc = mbox_flag_held(dm, b, (uint32_t *)(void *)held->data, held->len);
	g_free(cause);
	g_array_free(unmarked, TRUE);
	g_array_free(held, TRUE);
	return rc;
}

/* Add UIDs to the todo list unless there; sizes looked up later. */
static void
todo_add(struct mbox *b, const uint32_t *uids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		gboolean there = FALSE;
		for (guint k = 0; !there && k < b->todo->len; k++)
			there = g_array_index(b->todo, struct todo, k).uid == uids[i];
		if (!there) {
			struct todo t = {uids[i], 0};
			g_array_append_val(b->todo, t);
		}
	}
}

/* Order todo entries by UID. */
static int
todo_cmp(gconstpointer a, gconstpointer b)
{
	uint32_t x = ((const struct todo *)a)->uid, y = ((const struct todo *)b)->uid;

	return x < y ? -1 : x > y;
}

/* Select the folder, mark what an earlier run stored but could not mark,
   find the new UIDs (and those staff want retried) with their sizes.
   Returns 0 when the search succeeded. */
static int
mbox_search(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;
	uint32_t stored_validity, last_uid, *uids = NULL;
	size_t n = 0;
	enum net_result res;
	GArray *retry = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	if (mbox_connect(dm, b) != 0)
		goto fail;
	if ((res = imap_select(b->conn, b->cfg->folder, &b->uidvalidity, &cause)) != NET_OK) {
		mbox_fail(b, "select", res, cause);
		goto fail;
	}
	if (strcmp(dm->cfg->mark, "flag") == 0 &&
	    !imap_keeps_keyword(b->conn, dm->cfg->mark_keyword)) {
		/* marking would silently do nothing: every message read again, forever */
		log_err("imap",
		        "%s: the server does not keep the keyword %s on %s (PERMANENTFLAGS); "
		        "phieud cannot mark what it has read there: set mark = \"move\" "
		        "(and mark_folder) in the configuration",
		        b->cfg->name, dm->cfg->mark_keyword, b->cfg->folder);
		dm->refused = TRUE;
		phieud_stopping = 1;
		goto fail;
	}
	if (store_mailbox_get(dm->st, b->cfg->name, &stored_validity, &last_uid, &cause) != 0) {
		log_err("store", "%s", cause);
		g_free(cause);
		b->failed = TRUE;
		b->next_poll = clock_now() + RETRY_DELAY;
		goto fail;
	}
	if (stored_validity != 0 && stored_validity != b->uidvalidity) {
		/* the server renumbered the folder: read it again from the start;
		   Message-IDs already stored are recognised as copies */
		log_warn("imap", "%s: UIDVALIDITY changed from %u to %u, reading the folder again",
		         b->cfg->name, stored_validity, b->uidvalidity);
		last_uid = 0;
	}
	if (mbox_recover_marks(dm, b) != 0)
		goto fail;
	res = imap_search_new(b->conn, last_uid,
	                      strcmp(dm->cfg->mark, "flag") == 0 ? dm->cfg->mark_keyword : NULL,
	                      &uids, &n, &cause);
	if (res != NET_OK) {
		mbox_fail(b, "search", res, cause);
		goto fail;
	}
	b->exists = imap_exists(b->conn);
	g_array_set_size(b->todo, 0);
	todo_add(b, uids, n);
	g_free(uids);
	if (store_quarantine_uids(dm->st, b->cfg->name, b->uidvalidity, TRUE, retry, &cause) == 0 &&
	    retry->len > 0) {
		log_info("imap", "%s: trying %u message(s) again out of the quarantine",
		         b->cfg->name, retry->len);
		todo_add(b, (uint32_t *)(void *)retry->data, retry->len);
	}
	g_free(cause);
	cause = NULL;
	g_array_sort(b->todo, todo_cmp);
	if (b->todo->len > 0) {
		/* the sizes first: batches are cut by bytes, big messages fetched in part */
		guint k = b->todo->len;
		uint32_t *u = g_new(uint32_t, k), *sz = g_new(uint32_t, k);
		for (guint i = 0; i < k; i++)
			u[i] = g_array_index(b->todo, struct todo, i).uid;
		res = imap_sizes(b->conn, u, k, sz, &cause);
		for (guint i = 0; res == NET_OK && i < k; i++)
			g_array_index(b->todo, struct todo, i).size = sz[i];
		g_free(u);
		g_free(sz);
		if (res != NET_OK) {
			mbox_fail(b, "fetch sizes", res, cause);
			goto fail;
		}
		log_info("imap", "%s: %u new message(s)", b->cfg->name, k);
	}
	g_array_free(retry, TRUE);
	if (b->alerted)
		log_info("imap", "%s: read again after %" G_GINT64_FORMAT " s", b->cfg->name,
		         clock_now() - b->last_read);
	b->alerted = FALSE;
	b->last_read = clock_now();
	health_ok(b);
	b->polled = TRUE;
	b->failed = FALSE;
	b->left_out = FALSE;
	b->failures = 0;
	b->next_poll = clock_now() + dm->cfg->poll_interval;
	return 0;
fail:
	g_array_free(retry, TRUE);
	return -1;
}
/* Enter IDLE on a session that offers it, unless mail came meanwhile. */
static void
mbox_idle(struct mbox *b)
{
	char *cause = NULL;

	if (b->conn == NULL || b->idling || !imap_can_idle(b->conn))
		return;
	if (imap_exists(b->conn) != b->exists) {
		/* an EXISTS came with an answer since the search: look first */
		b->next_poll = 0;
		return;
	}
	if (imap_idle_start(b->conn, &cause) != NET_OK) {
		mbox_fail(b, "idle", NET_RETRY, cause);
		return;
	}
	b->idling = TRUE;
	b->idle_since = clock_now();
	health_idle(b);
	log_trace(TRACE_IMAP, "imap", "%s: waiting in IDLE", b->cfg->name);
}

/* Leave IDLE. */
int
mbox_unidle(struct mbox *b)
{
	char *cause = NULL;

	if (!b->idling)
		return 0;
	b->idling = FALSE;
	if (imap_idle_done(b->conn, &cause) != NET_OK) {
		mbox_fail(b, "idle done", NET_RETRY, cause);
		return -1;
	}
	return 0;
}

/* Tell staff once when a mailbox has gone unread for alert_after seconds. */
static void
mbox_alert(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL, *since;
	GDateTime *t;

	if (dm->once || b->alerted || dm->cfg->alert_after <= 0 ||
	    clock_now() - b->last_read < dm->cfg->alert_after || b->last_error == NULL)
		return;
	t = g_date_time_new_from_unix_local(b->last_read);
	since = g_date_time_format(t, "%H:%M %d/%m/%Y");
	g_date_time_unref(t);
	if (store_begin(dm->st, &cause) == 0 &&
	    intake_alert(dm->in, b->cfg->name, since, b->last_error, b->failures, &cause) == 0 &&
	    store_commit(dm->st, &cause) == 0) {
		b->alerted = TRUE;
		log_err("imap", "%s: not read since %s (%d failed attempts, last: %s); staff told",
		        b->cfg->name, since, b->failures, b->last_error);
	} else {
		/* not tried again until the mailbox is read and fails anew: the
		   log line is the alert */
		store_rollback(dm->st);
		log_err("store",
		        "%s: not read since %s (last: %s); cannot queue the staff alert: %s",
		        b->cfg->name, since, b->last_error, cause != NULL ? cause : "?");
		b->alerted = TRUE;
	}
	g_free(cause);
	g_free(since);
}

/* Whether --once may search this mailbox (again). */
static gboolean
once_may_search(struct mbox *b)
{
	if (!b->polled)
		return !b->failed;
	if (b->retry_now) {
		/* a message failed: try it again in this run (bounded by the quarantine) */
		b->retry_now = FALSE;
		return TRUE;
	}
	return FALSE;
}

/* Move one mailbox on as far as it can go without waiting. */
void
mbox_step(struct daemon *dm, struct mbox *b)
{
	gint64 now = clock_now();

	mbox_alert(dm, b);
	if (b->batch != NULL || phieud_stopping)
		return; /* being read */
	if (b->idling && now - b->idle_since >= IDLE_REFRESH && mbox_unidle(b) != 0)
		return;
	if (b->idling && now >= b->next_poll) {
		health_ok(b); /* the IDLE session is alive: polled as well as searched */
		/* staff may have asked for a quarantined message to be tried again */
		GArray *retry = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		char *cause = NULL;
		if (store_quarantine_uids(dm->st, b->cfg->name, b->uidvalidity, TRUE, retry,
		                          &cause) == 0 &&
		    retry->len > 0 && mbox_unidle(b) == 0)
			b->next_poll = 0;
		else
			b->next_poll = now + dm->cfg->poll_interval;
		g_free(cause);
		g_array_free(retry, TRUE);
		if (b->conn == NULL)
			return;
	}
	if (b->todo->len == 0 && !b->idling && now >= b->next_poll && now >= b->next_connect &&
	    (!dm->once || once_may_search(b)))
		mbox_search(dm, b);
	if (b->todo->len > 0 && b->conn != NULL) {
		batch_fetch(dm, b);
		return;
	}
	if (!dm->once && b->batch == NULL && b->todo->len == 0 && !b->left_out)
		mbox_idle(b);
}

/* Whether --once has read everything it can. */
gboolean
once_intake_done(struct daemon *dm)
{
	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		if (b->batch != NULL || b->todo->len > 0 || b->retry_now)
			return FALSE;
		if (!b->polled && !b->failed)
			return FALSE;
	}
	return pool_busy(dm->pool) == 0;
}

/* The mailboxes of a configuration. */
void
boxes_new(struct daemon *dm)
{
	dm->nboxes = dm->cfg->mailboxes->len;
	dm->boxes = g_new0(struct mbox, dm->nboxes);
	for (guint i = 0; i < dm->nboxes; i++) {
		dm->boxes[i].cfg = g_ptr_array_index(dm->cfg->mailboxes, i);
		dm->boxes[i].todo = g_array_new(FALSE, FALSE, sizeof(struct todo));
		dm->boxes[i].last_read = clock_now();
	}
}

/* Log out of every mailbox and forget them. */
void
boxes_free(struct daemon *dm)
{
	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		mbox_unidle(b);
		b->conn = imap_free(b->conn);
		g_array_free(b->todo, TRUE);
		g_free(b->last_error);
		if (b->batch != NULL)
			g_ptr_array_free(b->batch, TRUE);
	}
	g_free(dm->boxes);
	dm->boxes = NULL;
	dm->nboxes = 0;
}
