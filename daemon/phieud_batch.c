/* phieud_batch.c - a batch of a mailbox: fetched, read by the readers, stored; see
   phieud.c. */
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

struct fetch_ctx {
	struct daemon *dm;
	struct mbox *b;
};

/* The batch item asked for uid, or NULL. */
static struct item *
batch_item(struct mbox *b, uint32_t uid)
{
	for (guint i = 0; i < b->batch->len; i++) {
		struct item *it = g_ptr_array_index(b->batch, i);
		if (it->uid == uid)
			return it;
	}
	return NULL;
}

/* Called per fetched message: keep it and hand it to a reader. */
static int
on_message(uint32_t uid, GBytes *raw, void *arg)
{
	struct fetch_ctx *fc = arg;
	struct daemon *dm = fc->dm;
	struct item *it = batch_item(fc->b, uid);
	char *cause = NULL;
	gsize len;
	const char *data = g_bytes_get_data(raw, &len);

	if (it == NULL || it->raw != NULL)
		return 0;
	it->raw = g_bytes_ref(raw);
	int held = store_quarantine_held(dm->st, fc->b->cfg->name, fc->b->uidvalidity, uid, &cause);
	g_free(cause);
	if (held == 1) {
		it->held = TRUE; /* set aside before; its UID was searched again */
		return 0;
	}
	/* every message is read in a reader process, never here: first in the
	   quick lane; one fetched in part (over max_message_size) for its header
	   block alone */
	it->partial = it->size > (uint32_t)dm->cfg->max_message_size || len < it->size;
	it->waiting = TRUE;
	fc->b->waiting++;
	pool_submit(dm->pool, data, len, it->partial ? READWIRE_HEADERS_ONLY : 0, it);
	return 0;
}

/* A storage fault: the batch was rolled back; back off. */
static void
batch_fault(struct daemon *dm, struct mbox *b, char *cause)
{
	gint64 wait = clock_backoff(RETRY_DELAY, DB_BACKOFF_MAX, ++b->db_failures);

	log_err("intake",
	        "%s: batch not stored (nothing marked), again in %" G_GINT64_FORMAT " s: %s",
	        b->cfg->name, wait, cause != NULL ? cause : "?");
	g_free(cause);
	b->failed = TRUE;
	/* not into IDLE meanwhile: the batch is searched for again after the wait */
	b->left_out = TRUE;
	g_array_set_size(b->todo, 0);
	b->next_poll = clock_now() + wait;
	(void)dm;
}

/* Store one item inside the batch transaction.  Returns 1 stored, 0 left
   out or set aside (see *held), -1 on a storage fault (*cause). */
static int
item_store(struct daemon *dm, struct mbox *b, struct item *it, gboolean *held, char **cause)
{
	gsize len = 0;
	const char *data = it->raw != NULL ? g_bytes_get_data(it->raw, &len) : NULL;
	char *why = NULL;
	gboolean ok;

	*held = FALSE;
	if (it->held) {
		*held = TRUE;
		return 0;
	}
	if (it->failure == NULL) {
		if (store_savepoint(dm->st, cause) != 0)
			return -1;
		ok =
		    intake_message(dm->in, b->cfg->name, b->uidvalidity, it->uid, data, len,
		                   it->size > len ? it->size : len, item_sha(it), it->a, &why) == 0;
		if (!ok && intake_faulted(dm->in)) {
			*cause = why;
			return -1;
		}
		if (store_savepoint_end(dm->st, ok, cause) != 0)
			return -1;
		if (ok)
			return store_quarantine_release(dm->st, b->cfg->name, b->uidvalidity,
			                                it->uid, cause) == 0
			           ? 1
			           : -1;
		log_err("intake", "%s: uid %u not stored: %s", b->cfg->name, it->uid, why);
	}
	/* the message's own failure: counted, set aside when it keeps failing */
	if (intake_failure(dm->in, b->cfg->name, b->uidvalidity, it->uid, data, len,
	                   it->a != NULL ? it->a->m : NULL, it->failure != NULL ? it->failure : why,
	                   held, cause) != 0) {
		g_free(why);
		return -1;
	}
	g_free(why);
	return 0;
}

/* Store a batch whose readings are all back, then mark it on the server. */
static void
batch_store(struct daemon *dm, struct mbox *b)
{
	GPtrArray *batch = b->batch;
	char *cause = NULL;
	uint32_t last = 0, stored_validity = 0;
	GArray *done = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	GArray *held = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	gboolean gap = FALSE, failed = FALSE, ok;

	b->batch = NULL;
	ok = store_begin(dm->st, &cause) == 0 &&
	     store_mailbox_get(dm->st, b->cfg->name, &stored_validity, &last, &cause) == 0;
	if (ok && stored_validity != b->uidvalidity)
		last = 0;
	for (guint i = 0; ok && i < batch->len; i++) {
		struct item *it = g_ptr_array_index(batch, i);
		gboolean set_aside;
		int r;
		if (it->raw == NULL) {
			/* searched for but not returned: looked for again */
			log_warn("imap",
			         "%s: uid %u was not returned by the server; it is looked for "
			         "again at the next poll",
			         b->cfg->name, it->uid);
			gap = TRUE;
			continue;
		}
		log_context(b->cfg->name, NULL,
		            it->a != NULL && it->a->m != NULL ? it->a->m->message_id : NULL);
		r = item_store(dm, b, it, &set_aside, &cause);
		if (r < 0) {
			ok = FALSE;
			break;
		}
		if (r == 1)
			g_array_append_val(done, it->uid);
		else if (set_aside)
			g_array_append_val(held, it->uid);
		else
			failed = gap = TRUE;
		/* the last UID moves only over what was stored or set aside */
		if (!gap && (r == 1 || set_aside) && it->uid > last)
			last = it->uid;
	}
	if (ok)
		ok = store_mailbox_set(dm->st, b->cfg->name, b->uidvalidity, last, &cause) == 0;
	if (ok)
		ok = intake_sync(dm->in, &cause) == 0 && store_commit(dm->st, &cause) == 0;
	if (!ok) {
		/* nothing is marked: the batch is fetched again later */
		store_rollback(dm->st);
		batch_fault(dm, b, cause);
	} else {
		b->db_failures = 0;
		/* committed: now, and only now, mark them on the server */
		if (mbox_mark(dm, b, (uint32_t *)(void *)done->data, done->len) == 0 &&
		    mbox_flag_held(dm, b, (uint32_t *)(void *)held->data, held->len) == 0)
			log_trace(TRACE_IMAP, "imap",
			          "%s: stored and marked %u message(s), last uid %u", b->cfg->name,
			          done->len, last);
		if (gap) {
			/* what was left out comes back at the next search, soon */
			b->left_out = TRUE;
			b->retry_now = failed;
			g_array_set_size(b->todo, 0);
			b->next_poll = clock_now() + (dm->once ? 0 : RETRY_DELAY);
		} else if (b->todo->len == 0) {
			/* mail that arrived meanwhile is not told again in IDLE */
			b->next_poll = 0;
		}
	}
	g_array_free(done, TRUE);
	g_array_free(held, TRUE);
	g_ptr_array_free(batch, TRUE);
}

/* An answer came back from the pool. */
void
on_answer(void *tag, struct answer *a, void *arg)
{
	struct item *it = tag;
	struct mbox *b = it->box;
	struct daemon *dm = arg;

	gsize len;
	const char *data = g_bytes_get_data(it->raw, &len);

	if (a->failed != NULL) {
		/* the reader died, overran or answered wrong: counted against the
		   message, which the quick pass's answer (if any) still names */
		it->failure = g_strdup(a->failed);
		answer_free(a);
	} else if (a->documents && !it->partial &&
	           intake_needs_documents(dm->in, a->m, item_sha(it))) {
		/* its documents and scans are read in the document lane, so a long
		   OCR never holds up other mail; the quick answer is kept meanwhile */
		answer_free(it->a);
		it->a = a;
		pool_submit(dm->pool, data, len, READWIRE_DOCUMENTS, it);
		return;
	} else {
		answer_free(it->a);
		it->a = a;
	}
	it->waiting = FALSE;
	if (--b->waiting > 0)
		return;
	/* stored even if the session broke meanwhile: marked at the next poll */
	log_context(b->cfg->name, NULL, NULL);
	batch_store(dm, b);
	log_context(NULL, NULL, NULL);
}

/* Fetch the next batch of a mailbox's new UIDs: up to batch_size messages
   and batch_bytes bytes; a message over max_message_size alone, in part. */
void
batch_fetch(struct daemon *dm, struct mbox *b)
{
	struct fetch_ctx fc = {dm, b};
	char *cause = NULL;
	enum net_result res;
	guint64 bytes = 0;
	guint n = 0;
	uint32_t partial = 0;
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	b->batch = g_ptr_array_new_with_free_func(item_free);
	b->waiting = 0;
	while (n < b->todo->len && n < (guint)dm->cfg->batch_size) {
		struct todo *t = &g_array_index(b->todo, struct todo, n);
		gboolean big = t->size > (uint32_t)dm->cfg->max_message_size;
		if (n > 0 && (big || bytes + t->size > (guint64)dm->cfg->batch_bytes))
			break;
		struct item *it = g_new0(struct item, 1);
		it->box = b;
		it->uid = t->uid;
		it->size = t->size;
		g_ptr_array_add(b->batch, it);
		/* no size from the server: left out like a message it did not return
		   (fetching it blind could fetch more than max_message_size) */
		if (t->size != 0)
			g_array_append_val(uids, t->uid);
		bytes += t->size;
		n++;
		if (big) {
			partial = PARTIAL_BYTES; /* never fetched whole */
			log_warn("imap",
			         "%s: uid %u has %u bytes, over max_message_size: fetching its "
			         "first %d bytes only",
			         b->cfg->name, t->uid, t->size, PARTIAL_BYTES);
			break;
		}
	}
	g_array_remove_range(b->todo, 0, n);
	res = imap_fetch(b->conn, (uint32_t *)(void *)uids->data, uids->len, partial, on_message,
	                 &fc, &cause);
	g_array_free(uids, TRUE);
	if (res != NET_OK) {
		/* readings already started finish and are dropped */
		mbox_fail(b, "fetch", res, cause);
		return;
	}
	if (b->waiting == 0)
		batch_store(dm, b);
}
