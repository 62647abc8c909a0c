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
 *
 * This file holds the options, start-up and the main loop; the mailboxes'
 * sessions are in phieud_mbox.c, the batches in phieud_batch.c, and what they
 * share in the private phieud_parts.h.
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

#include "phieud_parts.h"

#define EXIT_CONFIG   2
#define EXIT_TEMPFAIL 75
#define MAX_POLLFDS   64
#define TIMER_PERIOD  60   /* seconds between looks at the procedure's timers */
#define STOP_WAIT_MS  3000 /* for the message being sent, at SIGTERM */
#define TIDY_BATCH    200  /* sent bodies moved to the spool at a time */

static int signal_pipe[2] = {-1, -1};
static volatile sig_atomic_t reloading;
/* SIGTERM or SIGINT arrived. */
volatile sig_atomic_t phieud_stopping;

/* Note the signal and wake the loop. */
static void
on_signal(int sig)
{
	int saved = errno;

	if (sig == SIGHUP)
		reloading = 1;
	else
		phieud_stopping = 1;
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
	while (!phieud_stopping) {
		gint64 wait;
		int nfds, nbox;

		if (reloading && quiet(dm)) {
			service_reloading();
			reload(dm);
			char *line = service_line(dm);
			service_reloaded(line);
			g_free(line);
		}
		for (guint i = 0; i < dm->nboxes && !phieud_stopping; i++) {
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
		if (phieud_stopping)
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
	gboolean left = phieud_stopping;
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
	phieud_health_store = dm.st;
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
	phieud_health_store = NULL;

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
