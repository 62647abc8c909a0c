/*
 * phieud.c - the daemon: polls the mailboxes, stores requests, sends replies.
 *
 * One process, a pool of reader processes and a sending thread.  Each
 * configured mailbox has its own IMAP session; where the server offers IDLE
 * the session waits in IDLE and the daemon poll()s all their sockets at
 * once, otherwise it polls every poll_interval seconds.  A failed session is
 * dropped and reconnected with exponential backoff.
 *
 * New mail is found by UID SEARCH, its sizes by one UID FETCH RFC822.SIZE,
 * and fetched in batches bounded by count (batch_size) and bytes
 * (batch_bytes); a message over max_message_size is fetched only in its
 * first part.  Each message of a batch is read by a reader process
 * (documents, PDF, OCR: see worker.h) while the loop goes on serving the
 * other mailboxes; when the whole batch is read it is stored in one
 * transaction, one savepoint a message, and only then marked processed on
 * the server.  The mailbox's last UID advances only over UIDs that were
 * stored or set aside: one the server did not return, or whose storing
 * failed, is looked for again.  A message that fails quarantine_after times
 * is set aside (see intake.h).  A fault of the storage (disk full, a lock
 * held too long) rolls the batch back and backs off; nothing is marked.
 *
 * After every batch the mailbox is searched once more and then goes back
 * into IDLE, so mail that arrived meanwhile is not left for the next poll.
 * Replies are sent by the outbox's thread (outbox.h); the loop only hands
 * them over and records the results, so IMAP wake-ups, readings and signals
 * are served between messages.  Signals arrive through a pipe that poll()
 * watches: SIGTERM and SIGINT stop (within a few seconds, even mid-send),
 * SIGHUP reloads the configuration, the rules and the templates, checked
 * first: on an error the daemon keeps running on the old ones.
 */
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

#define EXIT_CONFIG    2
#define EXIT_TEMPFAIL  75
#define IDLE_REFRESH   1500 /* re-issue IDLE before servers' 30-minute limit */
#define MAX_POLLFDS    64
#define TIMER_PERIOD   60    /* seconds between looks at the procedure's timers */
#define PARTIAL_BYTES  65536 /* what is fetched of a message over max_message_size */
#define RETRY_DELAY    5    /* seconds before a mailbox with a left-out message is searched again */
#define STOP_WAIT_MS   3000 /* for the message being sent, at SIGTERM */
#define DB_BACKOFF_MAX 300  /* seconds, after storage faults */
#define TIDY_BATCH     200  /* sent bodies moved to the spool at a time */

static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t stopping, reloading;

struct mbox;

/* One message of a batch: asked for, maybe fetched, then read. */
struct item {
	struct mbox *box;
	uint32_t uid;
	uint32_t size;    /* RFC822.SIZE */
	GBytes *raw;      /* NULL: the server did not return it */
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

/* Note the signal and wake the loop. */
static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		reloading = 1;
	else
		stopping = 1;
	if (signal_pipe[1] >= 0)
		(void)!write(signal_pipe[1], "s", 1);
	errno = saved;
}

/* Print usage and exit. */
static void G_GNUC_NORETURN
usage(int status)
{
	fprintf(
	    status ? stderr : stdout,
	    "usage: phieud -c FILE [--once] [-n [--check-servers]] [-v] [--trace imap,smtp,...]\n"
	    "  -c FILE    configuration file\n"
	    "  --once     process all waiting mail, send what is queued, exit\n"
	    "             (0: all done, 75: something is left to retry)\n"
	    "  -n         check the configuration and templates, print \"configuration OK\"\n"
	    "  -n --check-servers\n"
	    "             also log in to every mailbox and the SMTP server and try the\n"
	    "             commands the daemon uses (0: all work, 2: refused, 75: unreachable)\n"
	    "  -v         log at debug level\n"
	    "SIGTERM/SIGINT stop; SIGHUP reloads the configuration, rules and templates.\n");
	exit(status);
}

/* Trace bits from "imap,smtp". */
static unsigned
parse_trace(const char *s)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"imap", TRACE_IMAP},
	             {"smtp", TRACE_SMTP},
	             {"rules", TRACE_RULES},
	             {"store", TRACE_STORE},
	             {"all", TRACE_ALL}};
	unsigned bits = 0;
	char **v = g_strsplit(s, ",", -1);

	for (int i = 0; v[i] != NULL; i++)
		for (gsize k = 0; k < G_N_ELEMENTS(names); k++)
			if (strcmp(v[i], names[k].name) == 0)
				bits |= names[k].bit;
	g_strfreev(v);
	return bits;
}

/* Release a batch item. */
static void
item_free(gpointer p)
{
	struct item *it = p;

	if (it->raw != NULL)
		g_bytes_unref(it->raw);
	answer_free(it->a);
	g_free(it->failure);
	g_free(it);
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

/* ---- health and the service manager (health.h, service.h) ---------------- */

/* The daemon's store, for recording health where no daemon is at hand. */
static struct store *health_store;

/* Health: the mailbox was polled (searched, or its IDLE session is alive). */
static void
health_ok(struct mbox *b)
{
	char *cause = NULL;

	if (health_store != NULL &&
	    store_health_ok(health_store, b->cfg->name, clock_now(), &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* Health: the mailbox waits in IDLE now. */
static void
health_idle(struct mbox *b)
{
	char *cause = NULL;

	if (health_store != NULL &&
	    store_health_idle(health_store, b->cfg->name, TRUE, clock_now(), &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* Health: the mailbox failed with b->last_error. */
static void
health_error(struct mbox *b)
{
	char *cause = NULL;

	if (health_store != NULL &&
	    store_health_error(health_store, b->cfg->name, b->last_error, clock_now(), &cause) != 0)
		log_debug("store", "%s: recording its health: %s", b->cfg->name, cause);
	g_free(cause);
}

/* The one-line summary for the service manager's STATUS=. */
static char *
service_line(struct daemon *dm)
{
	int idle = 0, failing = 0, req = 0, dup = 0, fol = 0, aut = 0;

	for (guint i = 0; i < dm->nboxes; i++) {
		idle += dm->boxes[i].idling;
		failing += dm->boxes[i].failed && dm->boxes[i].conn == NULL;
	}
	intake_counts(dm->in, &req, &dup, &fol, &aut);
	return g_strdup_printf("%u mailbox(es): %d in IDLE, %d failing; %d request(s), "
	                       "%d follow-up(s) since start",
	                       dm->nboxes, idle, failing, req, fol);
}

/* Once per loop turn: READY=1 when every mailbox was polled (or failed) once,
   STATUS= when it changed, WATCHDOG=1 when due. */
static void
service_tick(struct daemon *dm)
{
	gboolean all = TRUE;
	char *line;

	if (dm->once)
		return;
	for (guint i = 0; i < dm->nboxes; i++)
		all = all && (dm->boxes[i].polled || dm->boxes[i].failed);
	line = service_line(dm);
	if (all)
		service_ready(line);
	service_status(line);
	g_free(line);
	service_watchdog();
}

/* ---- end of health and the service manager -------------------------------- */

/* Drop a session after an error and schedule the reconnection: a command
   the server refused (res NET_NO) stops intake and is logged as an error,
   a lost connection as a warning.  The search follows the reconnection. */
static void
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
static int
mbox_mark(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n)
{
	return mbox_flag(dm, b, uids, n, dm->cfg->mark_keyword,
	                 strcmp(dm->cfg->mark, "move") == 0 ? dm->cfg->mark_folder : NULL,
	                 store_set_marked);
}

/* Flag quarantined UIDs for people looking at the mailbox. */
static int
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
		stopping = 1;
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
		ok = intake_message(dm->in, b->cfg->name, b->uidvalidity, it->uid, data, len,
		                    it->size > len ? it->size : len, it->a, &why) == 0;
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
static void
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
	           intake_needs_documents(dm->in, a->m, data, len)) {
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
static void
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
static int
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
static void
mbox_step(struct daemon *dm, struct mbox *b)
{
	gint64 now = clock_now();

	mbox_alert(dm, b);
	if (b->batch != NULL || stopping)
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
static gboolean
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
static void
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
static void
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

/* Whether a reload can happen now: no batch being read, nothing being sent. */
static gboolean
quiet(struct daemon *dm)
{
	for (guint i = 0; i < dm->nboxes; i++)
		if (dm->boxes[i].batch != NULL)
			return FALSE;
	return pool_busy(dm->pool) == 0 && outbox_idle(dm->ob);
}

/* Load and check a configuration with its rules and templates; the rules
   are applied (the caller restores the old ones on failure). */
static struct config *
config_try(const char *path, struct store *st, char **cause)
{
	struct config *cfg = config_load(path, cause);
	struct notify *probe;

	if (cfg == NULL)
		return NULL;
	intake_reset_rules();
	if (intake_apply_rules(cfg, cause) != 0)
		return config_free(cfg);
	if ((probe = notify_new(cfg, st, cause)) == NULL) {
		char *full = g_strdup_printf("%s: %s", path, *cause);
		g_free(*cause);
		*cause = full;
		return config_free(cfg);
	}
	notify_free(probe);
	return cfg;
}

/* SIGHUP: the new configuration, rules and templates, or the old ones. */
static void
reload(struct daemon *dm)
{
	char *cause = NULL;
	struct config *cfg;
	struct intake *in;

	reloading = 0;
	log_info("phieud", "reloading %s", dm->path);
	if ((cfg = config_try(dm->path, dm->st, &cause)) == NULL ||
	    (in = intake_new(cfg, dm->st, &cause)) == NULL) {
		log_err("phieud", "reload refused, running on as before: %s", cause);
		g_free(cause);
		config_free(cfg);
		/* the old rules back in place */
		intake_reset_rules();
		if (intake_apply_rules(dm->cfg, &cause) != 0)
			log_fatal("the rules that were in use no longer apply: %s", cause);
		return;
	}
	if (strcmp(cfg->database, dm->cfg->database) != 0)
		log_warn("phieud", "database is still %s: a new database needs a restart",
		         dm->cfg->database);
	boxes_free(dm);
	outbox_stop(dm->ob, 0);
	dm->ob = outbox_free(dm->ob);
	dm->in = intake_free(dm->in);
	dm->pool = pool_free(dm->pool);
	config_free(dm->cfg);
	dm->cfg = cfg;
	dm->in = in;
	log_init(dm->verbose ? LOG_DEBUG : (enum log_level)log_level_parse(cfg->log_level),
	         dm->trace);
	log_output(cfg->log_to);
	intake_attach_opts(cfg, &dm->aopts);
	if ((dm->pool = pool_new(cfg, &dm->aopts, &cause)) == NULL)
		log_fatal("starting the readers: %s", cause);
	dm->ob = outbox_new(cfg, dm->st, intake_notify(in), intake_spool(in));
	boxes_new(dm);
	log_info("phieud", "reloaded: %u mailbox(es), rules and templates", dm->nboxes);
}

/* Take the bytes the signal handler wrote. */
static void
drain_signals(void)
{
	char buf[32];

	while (read(signal_pipe[0], buf, sizeof buf) > 0)
		;
}

/* The poll set and its timeout: IMAP sessions in IDLE, readers, the
   outbox's results and the signal pipe.  Returns the count; nbox gets how
   many leading entries are mailboxes (which[] names them). */
static int
poll_set(struct daemon *dm, struct pollfd *fds, int *which, int *nbox, gint64 *wait_ms)
{
	gint64 now = clock_now(), wait = (gint64)dm->cfg->poll_interval * 1000, t;
	int nfds = 0;

	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		if (b->batch != NULL)
			continue; /* woken by its readings */
		if (b->todo->len > 0) {
			wait = 0;
			continue;
		}
		if (b->idling) {
			if (imap_idle_buffered(b->conn)) {
				wait = 0;
				continue;
			}
			fds[nfds].fd = imap_idle_fd(b->conn);
			fds[nfds].events = POLLIN;
			fds[nfds].revents = 0;
			which[nfds++] = (int)i;
			t = MIN(b->idle_since + IDLE_REFRESH, b->next_poll) - now;
		} else if (b->conn == NULL) {
			t = b->next_connect - now;
			/* the staff alert is due on time, not at the next reconnection */
			if (!b->alerted && dm->cfg->alert_after > 0 && b->last_error != NULL &&
			    b->last_read + dm->cfg->alert_after - now < t)
				t = MAX(0, b->last_read + dm->cfg->alert_after - now);
		} else {
			t = b->next_poll - now;
		}
		if (t * 1000 < wait)
			wait = t * 1000;
	}
	*nbox = nfds;
	fds[nfds].fd = signal_pipe[0];
	fds[nfds].events = POLLIN;
	fds[nfds++].revents = 0;
	fds[nfds].fd = outbox_fd(dm->ob);
	fds[nfds].events = POLLIN;
	fds[nfds++].revents = 0;
	nfds += pool_pollfds(dm->pool, fds + nfds, MAX_POLLFDS - nfds);
	gint64 due = outbox_wait_ms(dm->ob), deadline = pool_next_deadline(dm->pool);
	if (due >= 0 && due < wait)
		wait = due;
	if (deadline >= 0 && deadline * 1000 < wait)
		wait = deadline * 1000;
	if (!dm->once && dm->next_timers * 1000 - clock_now_us() / 1000 < wait)
		wait = dm->next_timers * 1000 - clock_now_us() / 1000;
	*wait_ms = wait < 0 ? 0 : wait;
	return nfds;
}

/* The loop, for the daemon and for --once. */
static int
run(struct daemon *dm)
{
	struct pollfd fds[MAX_POLLFDS];
	int which[MAX_POLLFDS];

	if (!dm->once)
		log_info("phieud", "started: %u mailbox(es), IMAP %s:%d, SMTP %s:%d", dm->nboxes,
		         dm->cfg->imap.host, dm->cfg->imap.port, dm->cfg->smtp.host,
		         dm->cfg->smtp.port);
	while (!stopping) {
		gint64 wait;
		int nfds, nbox;

		if (reloading && quiet(dm)) {
			service_reloading();
			reload(dm);
			char *line = service_line(dm);
			service_reloaded(line);
			g_free(line);
		}
		for (guint i = 0; i < dm->nboxes && !stopping; i++) {
			log_context(dm->boxes[i].cfg->name, NULL, NULL);
			mbox_step(dm, &dm->boxes[i]);
		}
		log_context(NULL, NULL, NULL);
		/* start the readings just queued (and take those done in-process) */
		pool_collect(dm->pool, on_answer, dm);
		outbox_step(dm->ob);
		if (dm->once && once_intake_done(dm)) {
			if (!dm->timers_done) {
				/* reminders and closings due now go out with the rest */
				procedure_timers(intake_procedure(dm->in), clock_now());
				dm->timers_done = TRUE;
				continue;
			}
			if (outbox_idle(dm->ob) && !outbox_has_due(dm->ob)) {
				while (outbox_tidy(dm->ob, TIDY_BATCH) > 0)
					;
				break;
			}
		}
		if (!dm->once && outbox_idle(dm->ob) && !outbox_has_due(dm->ob))
			outbox_tidy(dm->ob, TIDY_BATCH);
		if (!dm->once && clock_now() >= dm->next_timers) {
			procedure_timers(intake_procedure(dm->in), clock_now());
			dm->next_timers = clock_now() + TIMER_PERIOD;
			continue;
		}
		service_tick(dm);
		nfds = poll_set(dm, fds, which, &nbox, &wait);
		if (service_wait_ms() >= 0 && service_wait_ms() < wait)
			wait = service_wait_ms(); /* the watchdog is never late */
		if (stopping)
			break;
		int r = poll(fds, (nfds_t)nfds, (int)MIN(wait, 3600 * 1000));
		if (r < 0 && errno != EINTR) {
			log_err("phieud", "poll: %s", g_strerror(errno));
			sleep(1);
			continue;
		}
		drain_signals();
		pool_collect(dm->pool, on_answer, dm);
		for (int k = 0; k < nbox && r > 0; k++)
			if (fds[k].revents != 0) {
				struct mbox *b = &dm->boxes[which[k]];
				log_trace(TRACE_IMAP, "imap", "%s: woken by the server",
				          b->cfg->name);
				if (mbox_unidle(b) == 0)
					b->next_poll = 0;
			}
		for (guint i = 0; i < dm->nboxes; i++) {
			struct mbox *b = &dm->boxes[i];
			if (b->idling && imap_idle_buffered(b->conn) && mbox_unidle(b) == 0)
				b->next_poll = 0;
		}
	}
	if (!dm->once) {
		log_info("phieud", "stopping");
		service_stopping();
	}
	outbox_stop(dm->ob, STOP_WAIT_MS);
	gboolean left = stopping;
	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		left = left || b->failed || b->left_out || b->todo->len > 0 || b->batch != NULL;
		/* no DONE: a session in IDLE is closed at once, whatever the server does */
		b->conn = imap_free(b->conn);
		b->idling = FALSE;
	}
	if (dm->refused)
		return EXIT_CONFIG;
	if (!dm->once)
		return 0;
	int pending = store_outbox_pending(dm->st);
	if (pending > 0)
		log_warn("phieud", "%d message(s) left in the outbox for retry", pending);
	return left || pending != 0 ? EXIT_TEMPFAIL : 0;
}

/* Say at start on what staff commands are trusted. */
static void
log_authentication(const struct config *cfg)
{
	if (cfg->auth_id == NULL)
		log_warn("phieud",
		         "no authentication group: staff commands, Department forwards "
		         "and follow-ups are trusted on the From: header alone, which "
		         "anyone can forge (see \"Sender authentication\" in the README)");
	else if (strcmp(cfg->auth_require, "none") == 0)
		log_info("phieud", "authentication: require = \"none\": senders are taken at their "
		                   "From: word");
	else
		log_info("phieud",
		         "authentication: %s pass aligned with From: in the Authentication-Results "
		         "of %s%s",
		         cfg->auth_require, cfg->auth_id,
		         cfg->auth_relays[0] != NULL ? ", or mail through a trusted relay" : "");
}

/* Started as root: become cfg->user (groups, then gid, then uid) for good.
   0, or -1 with the reason printed. */
static int
drop_root(const struct config *cfg)
{
	struct passwd *pw;

	umask(027);
	if (geteuid() != 0) {
		if (cfg->user != NULL &&
		    ((pw = getpwnam(cfg->user)) == NULL || pw->pw_uid != geteuid()))
			log_warn("phieud", "user = \"%s\" is ignored: not started as root",
			         cfg->user);
		return 0;
	}
	if (cfg->user == NULL) {
		log_warn("phieud", "running as root: set user = \"phieu\" (or another unprivileged "
		                   "user owning the database and spool) in the configuration");
		return 0;
	}
	errno = 0;
	if ((pw = getpwnam(cfg->user)) == NULL) {
		fprintf(stderr, "phieud: user \"%s\": %s\n", cfg->user,
		        errno != 0 ? g_strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0) {
		fprintf(stderr, "phieud: user \"%s\" is root\n", cfg->user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "phieud: becoming user \"%s\": %s\n", cfg->user, g_strerror(errno));
		return -1;
	}
	/* for good: root cannot be had back */
	if (setuid(0) == 0 || geteuid() == 0) {
		fprintf(stderr, "phieud: could not leave root\n");
		return -1;
	}
	log_info("phieud", "running as %s (uid %u, gid %u)", pw->pw_name, (unsigned)pw->pw_uid,
	         (unsigned)pw->pw_gid);
	return 0;
}

/* Signals through the pipe; SIGPIPE ignored. */
static void
signals_init(void)
{
	struct sigaction sa;

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		log_fatal("pipe: %s", g_strerror(errno));
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Entry point. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"once", no_argument, NULL, 'o'},          {"trace", required_argument, NULL, 't'},
	    {"check-servers", no_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},       {NULL, 0, NULL, 0}};
	const char *path = NULL;
	gboolean once = FALSE, check = FALSE, verbose = FALSE, servers = FALSE;
	unsigned trace = 0;
	char *cause = NULL;
	struct daemon dm = {0};
	int ch, status;

	while ((ch = getopt_long(argc, argv, "c:nvh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = TRUE;
			break;
		case 'v':
			verbose = TRUE;
			break;
		case 'o':
			once = TRUE;
			break;
		case 'S':
			servers = TRUE;
			break;
		case 't':
			trace = parse_trace(optarg);
			break;
		case 'V':
			printf("phieud %s\n", PHIEU_VERSION);
			return 0;
		case 'h':
			usage(0);
		default:
			usage(EXIT_CONFIG);
		}
	}
	if (path == NULL || optind != argc)
		usage(EXIT_CONFIG);
	if ((dm.cfg = config_load(path, &cause)) == NULL) {
		fprintf(stderr, "phieud: %s\n", cause);
		return EXIT_CONFIG;
	}
	dm.path = path;
	dm.trace = trace;
	dm.verbose = verbose;
	log_init(verbose ? LOG_DEBUG : (enum log_level)log_level_parse(dm.cfg->log_level), trace);
	if (intake_apply_rules(dm.cfg, &cause) != 0) {
		fprintf(stderr, "phieud: %s\n", cause);
		return EXIT_CONFIG;
	}
	if (check) {
		/* templates are part of the configuration */
		struct notify *probe = notify_new(dm.cfg, NULL, &cause);
		if (probe == NULL) {
			fprintf(stderr, "phieud: %s: %s\n", path, cause);
			return EXIT_CONFIG;
		}
		notify_free(probe);
		printf("configuration OK\n");
		status = servers ? check_servers(dm.cfg) : 0;
		config_free(dm.cfg);
		return status;
	}
	signals_init();
	service_init();
	/* not for -n above: a check speaks to the terminal */
	if (service_journal_available())
		log_register_journal(service_journal);
	if (log_output(dm.cfg->log_to) != 0)
		log_warn("phieud", "log = \"%s\" is not available here: logging to stderr",
		         dm.cfg->log_to);
	/* the readers are started before the database is opened (they never
	   hold it) and while phieud is still root (they become reader_user) */
	intake_attach_opts(dm.cfg, &dm.aopts);
	if ((dm.pool = pool_new(dm.cfg, &dm.aopts, &cause)) == NULL)
		log_fatal("starting the readers: %s", cause);
	if (drop_root(dm.cfg) != 0) {
		pool_free(dm.pool);
		config_free(dm.cfg);
		return EXIT_CONFIG;
	}
	log_authentication(dm.cfg);
	if ((dm.st = store_open(dm.cfg->database, &cause)) == NULL ||
	    store_verify(dm.st, dm.cfg->database, &cause) != 0) {
		/* a full disk or a lock may pass: a service manager tries again */
		gboolean later = dm.st == NULL && store_open_transient();
		fprintf(stderr, "phieud: %s%s\n", cause,
		        later ? " (temporary: try again later)" : "");
		store_close(dm.st);
		pool_free(dm.pool);
		return later ? EXIT_TEMPFAIL : EXIT_CONFIG;
	}
	if ((dm.in = intake_new(dm.cfg, dm.st, &cause)) == NULL)
		log_fatal("%s", cause);
	dm.ob = outbox_new(dm.cfg, dm.st, intake_notify(dm.in), intake_spool(dm.in));
	boxes_new(&dm);
	dm.once = once;
	health_store = dm.st;
	if (!once && store_health_daemon(dm.st, (int)getpid(), dm.cfg->workers + 1,
	                                 dm.cfg->poll_interval, clock_now(), &cause) != 0) {
		log_warn("store", "recording the daemon's start: %s", cause);
		g_free(cause);
		cause = NULL;
	}

	status = run(&dm);

	if (!once && store_health_daemon(dm.st, 0, 0, 0, clock_now(), &cause) != 0) {
		log_warn("store", "recording the daemon's stop: %s", cause);
		g_free(cause);
	}
	health_store = NULL;

	int req, dup, fol, aut;
	intake_counts(dm.in, &req, &dup, &fol, &aut);
	log_info("phieud", "done: %d request(s), %d copy(ies), %d follow-up(s), %d automatic", req,
	         dup, fol, aut);
	boxes_free(&dm);
	pool_free(dm.pool);
	outbox_free(dm.ob);
	intake_free(dm.in);
	store_close(dm.st);
	config_free(dm.cfg);
	return status;
}
