/*
 * phieud.c - the daemon: polls the mailboxes, stores requests, sends replies.
 *
 * One process and a pool of reader processes.  Each configured mailbox has
 * its own IMAP session; where the server offers IDLE the session waits in
 * IDLE and the daemon poll()s all their sockets at once, otherwise it polls
 * every poll_interval seconds.  A failed session is dropped and reconnected
 * with exponential backoff.  New mail is fetched in batches (one UID FETCH
 * per batch); each message of a batch is read by a reader process (documents,
 * PDF, OCR: see worker.h) while the loop goes on serving the other
 * mailboxes; when the whole batch is read it is stored in one transaction,
 * and only then marked processed on the server.  Queued replies are sent
 * after each commit.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "imap.h"
#include "intake.h"
#include "log.h"
#include "message.h"
#include "notify.h"
#include "outbox.h"
#include "procedure.h"
#include "store.h"
#include "worker.h"

#define EXIT_CONFIG   2
#define EXIT_TEMPFAIL 75
#define IDLE_REFRESH  1500 /* re-issue IDLE before servers' 30-minute limit */
#define MAX_POLLFDS   64
#define TIMER_PERIOD  60 /* seconds between looks at the procedure's timers */

static volatile sig_atomic_t stopping;

struct mbox;

/* One fetched message of a batch, waiting for its reading. */
struct item {
	struct mbox *box;
	uint32_t uid;
	GBytes *raw;
	struct message *m;
	struct reading *rd;
	gboolean waiting;
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
	uint32_t uidvalidity; /* of the selected folder */
	GArray *todo;         /* uint32: UIDs found by the search, not yet fetched */
	GPtrArray *batch;     /* struct item*: fetched, being read */
	int waiting;          /* items of the batch whose reading has not come back */
};

struct daemon {
	struct config *cfg;
	struct store *st;
	struct intake *in;
	struct outbox *ob;
	struct pool *pool;
	struct attach_opts aopts; /* how attachments are read */
	struct mbox *boxes;
	guint nboxes;
	gboolean once;
	gint64 next_timers; /* when the procedure's timers are next looked at */
};

/* Stop at the next chance. */
static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* Now, in seconds. */
static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* Print usage and exit. */
static void G_GNUC_NORETURN
usage(int status)
{
	fprintf(status ? stderr : stdout,
	        "usage: phieud -c FILE [--once] [-n] [-v] [--trace imap,smtp,rules,store]\n"
	        "  -c FILE    configuration file\n"
	        "  --once     process all waiting mail, send what is queued, exit\n"
	        "             (0: all done, 75: something is left to retry)\n"
	        "  -n         check the configuration and templates, print \"configuration OK\"\n"
	        "  -v         log at debug level\n");
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

	g_bytes_unref(it->raw);
	message_free(it->m);
	reading_free(it->rd);
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
	/* a batch still being read is dropped when its readings are back */
}

/* Drop a session after an error and schedule the reconnection. */
static void
mbox_fail(struct mbox *b, const char *what, char *cause)
{
	gint64 wait = 5;

	b->conn = imap_free(b->conn);
	b->idling = FALSE;
	b->failed = TRUE;
	b->failures++;
	for (int i = 1; i < b->failures && wait < 600; i++)
		wait *= 2;
	if (wait > 600)
		wait = 600;
	b->next_connect = now_s() + wait;
	mbox_forget(b);
	log_warn("imap", "%s: %s: %s; retrying in %" G_GINT64_FORMAT " s", b->cfg->name, what,
	         cause != NULL ? cause : "error", wait);
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
	if (now_s() < b->next_connect)
		return -1;
	b->conn = imap_connect(&dm->cfg->imap.ep, b->cfg->login, b->cfg->password, &res, &cause);
	if (b->conn == NULL) {
		mbox_fail(b, "connect", cause);
		return -1;
	}
	log_trace(TRACE_IMAP, "imap", "%s: logged in", b->cfg->name);
	return 0;
}

/* Mark UIDs processed on the server and record that they are.  A refusal
   (the message is gone) counts as done; a broken session does not. */
static int
mbox_mark(struct daemon *dm, struct mbox *b, const uint32_t *uids, size_t n)
{
	char *cause = NULL;
	enum net_result res =
	    imap_mark(b->conn, uids, n, dm->cfg->mark_keyword,
	              strcmp(dm->cfg->mark, "move") == 0 ? dm->cfg->mark_folder : NULL, &cause);

	if (res == NET_RETRY) {
		mbox_fail(b, "mark (the messages are stored; marked at the next poll)", cause);
		return -1;
	}
	if (res == NET_NO) {
		log_warn("imap", "%s: the server refused to mark %zu stored message(s): %s",
		         b->cfg->name, n, cause);
		g_free(cause);
	}
	if (store_set_marked(dm->st, b->cfg->name, b->uidvalidity, uids, n, &cause) != 0) {
		log_err("store", "%s", cause);
		g_free(cause);
	}
	return 0;
}

/* Select the folder, mark what an earlier run stored but could not mark,
   and find the new UIDs.  Returns 0 when the search succeeded. */
static int
mbox_search(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;
	uint32_t stored_validity, last_uid, *uids = NULL;
	size_t n = 0;
	enum net_result res;
	GArray *unmarked = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	if (mbox_connect(dm, b) != 0)
		return -1;
	if ((res = imap_select(b->conn, b->cfg->folder, &b->uidvalidity, &cause)) != NET_OK) {
		mbox_fail(b, "select", cause);
		return -1;
	}
	if (store_mailbox_get(dm->st, b->cfg->name, &stored_validity, &last_uid, &cause) != 0) {
		log_err("store", "%s", cause);
		g_free(cause);
		b->failed = TRUE;
		return -1;
	}
	if (stored_validity != 0 && stored_validity != b->uidvalidity) {
		/* the server renumbered the folder: read it again from the start;
		   Message-IDs already stored are recognised as copies */
		log_warn("imap", "%s: UIDVALIDITY changed from %u to %u, reading the folder again",
		         b->cfg->name, stored_validity, b->uidvalidity);
		last_uid = 0;
	}
	if (store_unmarked(dm->st, b->cfg->name, b->uidvalidity, unmarked, &cause) == 0 &&
	    unmarked->len > 0) {
		log_info("imap", "%s: marking %u message(s) stored earlier", b->cfg->name,
		         unmarked->len);
		if (mbox_mark(dm, b, (uint32_t *)(void *)unmarked->data, unmarked->len) != 0) {
			g_array_free(unmarked, TRUE);
			return -1;
		}
	}
	g_free(cause);
	g_array_free(unmarked, TRUE);
	cause = NULL;
	res = imap_search_new(b->conn, last_uid,
	                      strcmp(dm->cfg->mark, "flag") == 0 ? dm->cfg->mark_keyword : NULL,
	                      &uids, &n, &cause);
	if (res != NET_OK) {
		mbox_fail(b, "search", cause);
		return -1;
	}
	if (n > 0)
		log_info("imap", "%s: %zu new message(s)", b->cfg->name, n);
	g_array_set_size(b->todo, 0);
	if (n > 0)
		g_array_append_vals(b->todo, uids, (guint)n);
	g_free(uids);
	b->polled = TRUE;
	b->failed = FALSE;
	b->failures = 0;
	b->next_poll = now_s() + dm->cfg->poll_interval;
	return 0;
}

struct fetch_ctx {
	struct daemon *dm;
	struct mbox *b;
};

/* Called per fetched message: keep it and hand it to a reader. */
static int
on_message(uint32_t uid, const char *data, size_t len, void *arg)
{
	struct fetch_ctx *fc = arg;
	struct item *it = g_new0(struct item, 1);

	it->box = fc->b;
	it->uid = uid;
	it->raw = g_bytes_new(data, len);
	it->m = intake_parse(fc->dm->in, data, len);
	g_ptr_array_add(fc->b->batch, it);
	/* a typed body is read at once in the daemon; documents and scans go to
	   a reader process, so a long OCR never holds up the other mail */
	if (len <= (size_t)fc->dm->cfg->max_message_size && attach_has_documents(it->m) &&
	    intake_needs_reading(fc->dm->in, it->m, data, len)) {
		it->waiting = TRUE;
		fc->b->waiting++;
		pool_submit(fc->dm->pool, data, len, it);
	}
	return 0;
}

/* Store a batch whose readings are all back, then mark it on the server. */
static void
batch_store(struct daemon *dm, struct mbox *b)
{
	GPtrArray *batch = b->batch;
	char *cause = NULL;
	uint32_t last = 0;
	GArray *uids = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	gboolean ok = store_begin(dm->st, &cause) == 0;

	b->batch = NULL;
	for (guint i = 0; ok && i < batch->len; i++) {
		struct item *it = g_ptr_array_index(batch, i);
		gsize len;
		const char *data = g_bytes_get_data(it->raw, &len);
		ok = intake_message(dm->in, b->cfg->name, b->uidvalidity, it->uid, data, len, it->m,
		                    it->rd, &cause) == 0;
		if (it->uid > last)
			last = it->uid;
		g_array_append_val(uids, it->uid);
	}
	if (ok && last > 0)
		ok = store_mailbox_set(dm->st, b->cfg->name, b->uidvalidity, last, &cause) == 0;
	if (ok)
		ok = intake_sync(dm->in, &cause) == 0 && store_commit(dm->st, &cause) == 0;
	if (!ok) {
		/* nothing is marked: the batch is fetched again at the next poll */
		store_rollback(dm->st);
		log_err("intake", "%s: batch not stored, will retry: %s", b->cfg->name, cause);
		g_free(cause);
		b->failed = TRUE;
		g_array_set_size(b->todo, 0);
		b->next_poll = now_s() + 30;
	} else if (b->conn != NULL) {
		/* committed: now, and only now, mark them on the server */
		if (mbox_mark(dm, b, (uint32_t *)(void *)uids->data, uids->len) == 0)
			log_trace(TRACE_IMAP, "imap",
			          "%s: stored and marked %u message(s) up to uid %u", b->cfg->name,
			          uids->len, last);
	}
	g_array_free(uids, TRUE);
	g_ptr_array_free(batch, TRUE);
	/* replies go out as soon as their requests are committed */
	if (ok)
		outbox_flush(dm->ob);
}

/* A reading came back from the pool. */
static void
on_reading(void *tag, struct reading *rd, void *arg)
{
	struct item *it = tag;
	struct mbox *b = it->box;
	struct daemon *dm = arg;

	if (rd->failed != NULL) {
		/* the reader died or overran: the body is still used, the documents
		   are reported unread with the reason */
		struct attach_opts o = dm->aopts;
		o.documents_refused = rd->failed;
		struct reading *body = attach_read(it->m, &o);
		reading_free(rd);
		rd = body;
	}
	it->rd = rd;
	it->waiting = FALSE;
	if (--b->waiting > 0)
		return;
	if (b->conn == NULL) {
		/* the session broke meanwhile: fetch again later */
		g_ptr_array_free(b->batch, TRUE);
		b->batch = NULL;
		return;
	}
	batch_store(dm, b);
}

/* Fetch the next batch of a mailbox's new UIDs. */
static void
batch_fetch(struct daemon *dm, struct mbox *b)
{
	size_t n =
	    b->todo->len < (guint)dm->cfg->batch_size ? b->todo->len : (guint)dm->cfg->batch_size;
	struct fetch_ctx fc = {dm, b};
	char *cause = NULL;
	enum net_result res;

	b->batch = g_ptr_array_new_with_free_func(item_free);
	b->waiting = 0;
	res = imap_fetch(b->conn, (uint32_t *)(void *)b->todo->data, n, on_message, &fc, &cause);
	g_array_remove_range(b->todo, 0, (guint)n);
	if (res != NET_OK) {
		mbox_fail(b, "fetch", cause);
		return;
	}
	if (b->waiting == 0)
		batch_store(dm, b);
}

/* Enter IDLE on a session that offers it. */
static void
mbox_idle(struct mbox *b)
{
	char *cause = NULL;

	if (b->conn == NULL || b->idling || !imap_can_idle(b->conn))
		return;
	if (imap_idle_start(b->conn, &cause) != NET_OK) {
		mbox_fail(b, "idle", cause);
		return;
	}
	b->idling = TRUE;
	b->idle_since = now_s();
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
		mbox_fail(b, "idle done", cause);
		return -1;
	}
	return 0;
}

/* Move one mailbox on as far as it can go without waiting. */
static void
mbox_step(struct daemon *dm, struct mbox *b)
{
	gint64 now = now_s();

	if (b->batch != NULL)
		return; /* being read */
	if (b->idling && now - b->idle_since >= IDLE_REFRESH && mbox_unidle(b) != 0)
		return;
	if (b->todo->len == 0 && !b->idling && now >= b->next_poll && now >= b->next_connect &&
	    !(dm->once && b->polled))
		mbox_search(dm, b);
	if (b->todo->len > 0 && b->conn != NULL && !stopping) {
		batch_fetch(dm, b);
		return;
	}
	if (!dm->once && b->batch == NULL && b->todo->len == 0)
		mbox_idle(b);
}

/* Whether --once is finished: every mailbox read to its end (or failed). */
static gboolean
once_done(struct daemon *dm)
{
	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		if (b->batch != NULL || b->todo->len > 0)
			return FALSE;
		if (!b->polled && !b->failed)
			return FALSE;
	}
	return pool_busy(dm->pool) == 0;
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
		gint64 now, wait = dm->cfg->poll_interval;
		int nfds = 0, nbox;

		for (guint i = 0; i < dm->nboxes && !stopping; i++)
			mbox_step(dm, &dm->boxes[i]);
		/* start the readings just queued (and take those done in-process) */
		pool_collect(dm->pool, on_reading, dm);
		if (dm->once && once_done(dm)) {
			/* reminders and closings due now go out with the rest */
			procedure_timers(intake_procedure(dm->in), now_s());
			break;
		}
		if (!dm->once && now_s() >= dm->next_timers) {
			procedure_timers(intake_procedure(dm->in), now_s());
			dm->next_timers = now_s() + TIMER_PERIOD;
		}
		if (outbox_next_due(dm->ob) == 0)
			outbox_flush(dm->ob);
		now = now_s();
		for (guint i = 0; i < dm->nboxes; i++) {
			struct mbox *b = &dm->boxes[i];
			gint64 t;
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
				t = b->idle_since + IDLE_REFRESH - now;
			} else if (b->conn == NULL) {
				t = b->next_connect - now;
			} else {
				t = b->next_poll - now;
			}
			if (t < wait)
				wait = t;
		}
		nbox = nfds;
		nfds += pool_pollfds(dm->pool, fds + nfds, MAX_POLLFDS - nfds);
		gint64 due = outbox_next_due(dm->ob), deadline = pool_next_deadline(dm->pool);
		if (due >= 0 && due < wait)
			wait = due;
		if (deadline >= 0 && deadline < wait)
			wait = deadline;
		if (wait < 0)
			wait = 0;
		if (stopping)
			break;
		int r = poll(fds, (nfds_t)nfds, (int)(wait * 1000));
		if (r < 0 && errno != EINTR) {
			log_err("phieud", "poll: %s", g_strerror(errno));
			sleep(1);
			continue;
		}
		pool_collect(dm->pool, on_reading, dm);
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
	if (!dm->once)
		log_info("phieud", "stopping");
	/* each flush sends a bounded batch: go on while it makes progress */
	while (!stopping && outbox_flush(dm->ob) > 0)
		;
	gboolean left = stopping;
	for (guint i = 0; i < dm->nboxes; i++) {
		struct mbox *b = &dm->boxes[i];
		left = left || b->failed || b->todo->len > 0 || b->batch != NULL;
		mbox_unidle(b);
		b->conn = imap_free(b->conn);
	}
	if (!dm->once)
		return 0;
	int pending = store_outbox_pending(dm->st);
	if (pending > 0)
		log_warn("phieud", "%d message(s) left in the outbox for retry", pending);
	return left || pending != 0 ? EXIT_TEMPFAIL : 0;
}

/* Entry point. */
int
main(int argc, char **argv)
{
	static const struct option longopts[] = {{"once", no_argument, NULL, 'o'},
	                                         {"trace", required_argument, NULL, 't'},
	                                         {"help", no_argument, NULL, 'h'},
	                                         {"version", no_argument, NULL, 'V'},
	                                         {NULL, 0, NULL, 0}};
	const char *path = NULL;
	gboolean once = FALSE, check = FALSE, verbose = FALSE;
	unsigned trace = 0;
	char *cause = NULL;
	struct daemon dm = {0};
	struct sigaction sa;
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
		config_free(dm.cfg);
		return 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* the readers are forked before the database is opened: they never hold it */
	intake_attach_opts(dm.cfg, &dm.aopts);
	if ((dm.pool = pool_new(dm.cfg->workers, &dm.aopts, dm.cfg->read_timeout, &cause)) == NULL)
		log_fatal("starting the readers: %s", cause);
	if ((dm.st = store_open(dm.cfg->database, &cause)) == NULL)
		log_fatal("%s", cause);
	if ((dm.in = intake_new(dm.cfg, dm.st, &cause)) == NULL)
		log_fatal("%s", cause);
	dm.ob = outbox_new(dm.cfg, dm.st);
	dm.nboxes = dm.cfg->mailboxes->len;
	dm.boxes = g_new0(struct mbox, dm.nboxes);
	for (guint i = 0; i < dm.nboxes; i++) {
		dm.boxes[i].cfg = g_ptr_array_index(dm.cfg->mailboxes, i);
		dm.boxes[i].todo = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	}
	dm.once = once;

	status = run(&dm);

	int req, dup, fol, aut;
	intake_counts(dm.in, &req, &dup, &fol, &aut);
	log_info("phieud", "done: %d request(s), %d copy(ies), %d follow-up(s), %d automatic", req,
	         dup, fol, aut);
	for (guint i = 0; i < dm.nboxes; i++) {
		g_array_free(dm.boxes[i].todo, TRUE);
		if (dm.boxes[i].batch != NULL)
			g_ptr_array_free(dm.boxes[i].batch, TRUE);
	}
	g_free(dm.boxes);
	pool_free(dm.pool);
	outbox_free(dm.ob);
	intake_free(dm.in);
	store_close(dm.st);
	config_free(dm.cfg);
	return status;
}
