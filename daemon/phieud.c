/*
 * phieud.c - the daemon: polls the mailboxes, stores requests, sends replies.
 *
 * One process, one thread.  Each configured mailbox has its own IMAP
 * session; where the server offers IDLE the session waits in IDLE and the
 * daemon poll()s all their sockets at once, otherwise it polls every
 * poll_interval seconds.  A failed session is dropped and reconnected with
 * exponential backoff.  New mail is fetched in batches (one UID FETCH per
 * batch), stored in one transaction per batch, and only then marked
 * processed on the server.  Queued replies are sent after each commit.
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
#include "outbox.h"
#include "store.h"

#define EXIT_CONFIG   2
#define EXIT_TEMPFAIL 75
#define IDLE_REFRESH  1500 /* re-issue IDLE before servers' 30-minute limit */

static volatile sig_atomic_t stopping;

/* One polled mailbox and its session. */
struct mbox {
	const struct mailbox_cfg *cfg;
	struct imap_conn *conn;
	gint64 next_connect; /* after a failure, not before this */
	int failures;
	gboolean idling;
	gint64 idle_since;
	gint64 next_poll;
};

struct daemon {
	struct config *cfg;
	struct store *st;
	struct intake *in;
	struct outbox *ob;
	struct mbox *boxes;
	guint nboxes;
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

/* Drop a session after an error and schedule the reconnection. */
static void
mbox_fail(struct daemon *dm, struct mbox *b, const char *what, char *cause)
{
	gint64 wait = 5;

	b->conn = imap_free(b->conn);
	b->idling = FALSE;
	b->failures++;
	for (int i = 1; i < b->failures && wait < 600; i++)
		wait *= 2;
	if (wait > 600)
		wait = 600;
	b->next_connect = now_s() + wait;
	log_warn("imap", "%s: %s: %s; retrying in %" G_GINT64_FORMAT " s", b->cfg->name, what,
	         cause != NULL ? cause : "error", wait);
	g_free(cause);
	(void)dm;
}

struct batch_ctx {
	struct daemon *dm;
	struct mbox *b;
	uint32_t uidvalidity;
	uint32_t last;
	char *cause;
};

/* Called per fetched message: store it inside the batch's transaction. */
static int
on_message(uint32_t uid, const char *data, size_t len, void *arg)
{
	struct batch_ctx *bc = arg;

	if (intake_message(bc->dm->in, bc->b->cfg->name, bc->uidvalidity, uid, data, len,
	                   &bc->cause) != 0)
		return 1;
	if (uid > bc->last)
		bc->last = uid;
	return 0;
}

/* Store one batch of UIDs in one transaction, then mark them on the server.
   Returns 0, or -1 with the session dropped or the transaction rolled back. */
static int
poll_batch(struct daemon *dm, struct mbox *b, uint32_t uidvalidity, const uint32_t *uids, size_t n)
{
	struct batch_ctx bc = {dm, b, uidvalidity, 0, NULL};
	char *cause = NULL;
	enum net_result res;

	if (store_begin(dm->st, &cause) != 0) {
		log_err("store", "%s", cause);
		g_free(cause);
		return -1;
	}
	res = imap_fetch(b->conn, uids, n, on_message, &bc, &cause);
	if (bc.cause != NULL) {
		/* the database or the spool failed: nothing is marked */
		store_rollback(dm->st);
		log_err("intake", "%s: batch not stored, will retry: %s", b->cfg->name, bc.cause);
		g_free(bc.cause);
		g_free(cause);
		return -1;
	}
	if (res != NET_OK) {
		store_rollback(dm->st);
		mbox_fail(dm, b, "fetch", cause);
		return -1;
	}
	if ((bc.last > 0 &&
	     store_mailbox_set(dm->st, b->cfg->name, uidvalidity, bc.last, &cause) != 0) ||
	    intake_sync(dm->in, &cause) != 0 || store_commit(dm->st, &cause) != 0) {
		store_rollback(dm->st);
		log_err("store", "%s: batch not stored, will retry: %s", b->cfg->name, cause);
		g_free(cause);
		return -1;
	}
	/* committed: now, and only now, mark them on the server */
	res = imap_mark(b->conn, uids, n, dm->cfg->mark_keyword,
	                strcmp(dm->cfg->mark, "move") == 0 ? dm->cfg->mark_folder : NULL, &cause);
	if (res != NET_OK) {
		log_warn("imap", "%s: stored but not marked (kept safe by the stored UID): %s",
		         b->cfg->name, cause);
		g_free(cause);
		if (res == NET_RETRY) {
			mbox_fail(dm, b, "mark", NULL);
			return -1;
		}
	}
	log_trace(TRACE_IMAP, "imap", "%s: stored and marked %zu message(s) up to uid %u",
	          b->cfg->name, n, bc.last);
	return 0;
}

/* Connect and select, if not connected.  Returns 0 when the session is up. */
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
		mbox_fail(dm, b, "connect", cause);
		return -1;
	}
	log_trace(TRACE_IMAP, "imap", "%s: logged in", b->cfg->name);
	return 0;
}

/* Fetch and store everything new in one mailbox.  Returns 0 when the
   mailbox was read to its end, -1 when something is left for later. */
static int
poll_mailbox(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;
	uint32_t uidvalidity = 0, stored_validity, last_uid, *uids = NULL;
	size_t n = 0;
	enum net_result res;
	int rc = 0;

	if (mbox_connect(dm, b) != 0)
		return -1;
	res = imap_select(b->conn, b->cfg->folder, &uidvalidity, &cause);
	if (res != NET_OK) {
		mbox_fail(dm, b, "select", cause);
		return -1;
	}
	if (store_mailbox_get(dm->st, b->cfg->name, &stored_validity, &last_uid, &cause) != 0) {
		log_err("store", "%s", cause);
		g_free(cause);
		return -1;
	}
	if (stored_validity != 0 && stored_validity != uidvalidity) {
		/* the server renumbered the folder: read it again from the start;
		   Message-IDs already stored are recognised as copies */
		log_warn("imap", "%s: UIDVALIDITY changed from %u to %u, reading the folder again",
		         b->cfg->name, stored_validity, uidvalidity);
		last_uid = 0;
	}
	res = imap_search_new(b->conn, last_uid,
	                      strcmp(dm->cfg->mark, "flag") == 0 ? dm->cfg->mark_keyword : NULL,
	                      &uids, &n, &cause);
	if (res != NET_OK) {
		mbox_fail(dm, b, "search", cause);
		return -1;
	}
	if (n > 0)
		log_info("imap", "%s: %zu new message(s)", b->cfg->name, n);
	for (size_t i = 0; i < n && !stopping; i += (size_t)dm->cfg->batch_size) {
		size_t k =
		    n - i < (size_t)dm->cfg->batch_size ? n - i : (size_t)dm->cfg->batch_size;
		if (poll_batch(dm, b, uidvalidity, uids + i, k) != 0) {
			rc = -1;
			break;
		}
		/* replies go out as soon as their requests are committed */
		outbox_flush(dm->ob);
	}
	g_free(uids);
	if (rc == 0 && !stopping)
		b->failures = 0;
	b->next_poll = now_s() + dm->cfg->poll_interval;
	return stopping ? -1 : rc;
}

/* --once: every mailbox read to its end, everything due sent. */
static int
run_once(struct daemon *dm)
{
	gboolean left = FALSE;
	int pending;

	for (guint i = 0; i < dm->nboxes && !stopping; i++)
		if (poll_mailbox(dm, &dm->boxes[i]) != 0)
			left = TRUE;
	/* each flush sends a bounded batch: go on while it makes progress */
	while (!stopping && outbox_flush(dm->ob) > 0)
		;
	pending = store_outbox_pending(dm->st);
	if (pending > 0)
		log_warn("phieud", "%d message(s) left in the outbox for retry", pending);
	for (guint i = 0; i < dm->nboxes; i++)
		dm->boxes[i].conn = imap_free(dm->boxes[i].conn);
	return left || pending != 0 || stopping ? EXIT_TEMPFAIL : 0;
}

/* Enter IDLE on a session that offers it. */
static void
mbox_idle(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;

	if (b->conn == NULL || b->idling || !imap_can_idle(b->conn))
		return;
	if (imap_idle_start(b->conn, &cause) != NET_OK) {
		mbox_fail(dm, b, "idle", cause);
		return;
	}
	b->idling = TRUE;
	b->idle_since = now_s();
}

/* Leave IDLE. */
static int
mbox_unidle(struct daemon *dm, struct mbox *b)
{
	char *cause = NULL;

	if (!b->idling)
		return 0;
	b->idling = FALSE;
	if (imap_idle_done(b->conn, &cause) != NET_OK) {
		mbox_fail(dm, b, "idle done", cause);
		return -1;
	}
	return 0;
}

/* The daemon's loop, until SIGTERM or SIGINT. */
static int
run_loop(struct daemon *dm)
{
	struct pollfd *fds = g_new0(struct pollfd, dm->nboxes);
	int *which = g_new0(int, dm->nboxes);

	log_info("phieud", "started: %u mailbox(es), IMAP %s:%d, SMTP %s:%d", dm->nboxes,
	         dm->cfg->imap.host, dm->cfg->imap.port, dm->cfg->smtp.host, dm->cfg->smtp.port);
	while (!stopping) {
		gint64 now = now_s(), wait = dm->cfg->poll_interval;
		int nfds = 0;

		for (guint i = 0; i < dm->nboxes && !stopping; i++) {
			struct mbox *b = &dm->boxes[i];
			if (b->idling && now - b->idle_since >= IDLE_REFRESH &&
			    mbox_unidle(dm, b) != 0)
				continue;
			if (!b->idling && now >= b->next_poll && now >= b->next_connect)
				poll_mailbox(dm, b);
			mbox_idle(dm, b);
		}
		if (outbox_next_due(dm->ob) == 0)
			outbox_flush(dm->ob);
		now = now_s();
		for (guint i = 0; i < dm->nboxes; i++) {
			struct mbox *b = &dm->boxes[i];
			gint64 t;
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
		gint64 due = outbox_next_due(dm->ob);
		if (due >= 0 && due < wait)
			wait = due;
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
		for (int k = 0; k < nfds && r > 0; k++)
			if (fds[k].revents != 0) {
				struct mbox *b = &dm->boxes[which[k]];
				log_trace(TRACE_IMAP, "imap", "%s: woken by the server",
				          b->cfg->name);
				if (mbox_unidle(dm, b) == 0)
					b->next_poll = 0;
			}
		for (guint i = 0; i < dm->nboxes; i++) {
			struct mbox *b = &dm->boxes[i];
			if (b->idling && imap_idle_buffered(b->conn) && mbox_unidle(dm, b) == 0)
				b->next_poll = 0;
		}
	}
	log_info("phieud", "stopping");
	for (guint i = 0; i < dm->nboxes; i++) {
		mbox_unidle(dm, &dm->boxes[i]);
		dm->boxes[i].conn = imap_free(dm->boxes[i].conn);
	}
	g_free(fds);
	g_free(which);
	return 0;
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
	if (check) {
		/* templates are part of the configuration */
		struct intake *probe;
		struct store *none = NULL;
		if ((probe = intake_new(dm.cfg, none, &cause)) == NULL) {
			fprintf(stderr, "phieud: %s: %s\n", path, cause);
			return EXIT_CONFIG;
		}
		intake_free(probe);
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

	if ((dm.st = store_open(dm.cfg->database, &cause)) == NULL)
		log_fatal("%s", cause);
	if ((dm.in = intake_new(dm.cfg, dm.st, &cause)) == NULL)
		log_fatal("%s", cause);
	dm.ob = outbox_new(dm.cfg, dm.st);
	dm.nboxes = dm.cfg->mailboxes->len;
	dm.boxes = g_new0(struct mbox, dm.nboxes);
	for (guint i = 0; i < dm.nboxes; i++)
		dm.boxes[i].cfg = g_ptr_array_index(dm.cfg->mailboxes, i);

	status = once ? run_once(&dm) : run_loop(&dm);

	int req, dup, fol, aut;
	intake_counts(dm.in, &req, &dup, &fol, &aut);
	log_info("phieud", "done: %d request(s), %d copy(ies), %d follow-up(s), %d automatic", req,
	         dup, fol, aut);
	g_free(dm.boxes);
	outbox_free(dm.ob);
	intake_free(dm.in);
	store_close(dm.st);
	config_free(dm.cfg);
	return status;
}
