/* worker.c - reading messages in child processes; see worker.h. */
#include "worker.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "message.h"

#define WORKER_MEMORY ((rlim_t)3 << 30) /* 3 GiB of address space */
#define NOBODY        65534

struct job {
	GBytes *data;
	void *tag;
};

struct worker {
	pid_t pid;
	int fd;
	struct job *job;
	gint64 started;
};

struct pool {
	int n;
	struct worker *w;
	GQueue queue; /* struct job*, not started */
	struct attach_opts opts;
	int timeout;
};

/* Write all of buf. */
static int
write_full(int fd, const void *buf, gsize len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (gsize)n;
	}
	return 0;
}

/* Read exactly len bytes; -1 on error or end of file. */
static int
read_full(int fd, void *buf, gsize len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (gsize)n;
	}
	return 0;
}

/* Read one message, as a worker does, into its JSON text. */
static char *
read_one(const char *data, gsize len, const struct attach_opts *o)
{
	struct message *m = message_parse(data, len);
	struct reading *rd = attach_read(m, o);
	JsonObject *j = reading_to_json(rd);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	char *text;

	json_node_take_object(n, j);
	text = json_to_string(n, FALSE);
	json_node_unref(n);
	reading_free(rd);
	message_free(m);
	return text;
}

/* Give up rights the reading does not need. */
static void
worker_confine(void)
{
	struct rlimit none = {0, 0}, mem = {WORKER_MEMORY, WORKER_MEMORY};

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	setrlimit(RLIMIT_FSIZE, &none); /* no file is ever written */
	setrlimit(RLIMIT_CORE, &none);
	setrlimit(RLIMIT_AS, &mem);
	if (getuid() == 0 &&
	    (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
		_exit(3);
}

/* The worker's life: read jobs, answer readings, until the socket closes. */
static void G_GNUC_NORETURN
worker_main(int fd, const struct attach_opts *o)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN); /* a terminal's ^C is for the parent, which stops us */
	signal(SIGPIPE, SIG_IGN);
	/* (ocr.c keeps Tesseract to one thread a page: an environment variable
	   set here would come too late for libgomp and hide that) */
	worker_confine();
	for (;;) {
		guint64 len;
		char *data, *answer;
		if (read_full(fd, &len, sizeof len) != 0)
			_exit(0);
		data = g_malloc(len + 1);
		if (read_full(fd, data, len) != 0)
			_exit(0);
		answer = read_one(data, len, o);
		guint64 alen = strlen(answer);
		if (write_full(fd, &alen, sizeof alen) != 0 || write_full(fd, answer, alen) != 0)
			_exit(0);
		g_free(answer);
		g_free(data);
	}
}

/* Start (or restart) worker i. */
static int
worker_start(struct pool *p, int i, char **cause)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		*cause = g_strdup_printf("socketpair: %s", g_strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*cause = g_strdup_printf("fork: %s", g_strerror(errno));
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		/* nothing of the parent's: no database, no IMAP sockets */
		for (int fd = 3; fd < 1024; fd++)
			if (fd != sv[1])
				close(fd);
		worker_main(sv[1], &p->opts);
	}
	close(sv[1]);
	p->w[i].pid = pid;
	p->w[i].fd = sv[0];
	p->w[i].job = NULL;
	log_debug("worker", "reader %d started (pid %d)", i, (int)pid);
	return 0;
}

/* Start n workers. */
struct pool *
pool_new(int n, const struct attach_opts *o, int timeout, char **cause)
{
	struct pool *p = g_new0(struct pool, 1);

	p->n = n;
	p->opts = *o;
	p->timeout = timeout;
	p->w = g_new0(struct worker, n);
	g_queue_init(&p->queue);
	if (n < 1) {
		*cause = g_strdup("at least one reader is needed: documents are never read in the "
		                  "daemon itself");
		return pool_free(p);
	}
	for (int i = 0; i < n; i++)
		if (worker_start(p, i, cause) != 0)
			return pool_free(p);
	return p;
}

/* Send a job to worker i; FALSE when the worker is gone. */
static gboolean
worker_send(struct pool *p, int i, struct job *j)
{
	gsize len;
	const char *data = g_bytes_get_data(j->data, &len);
	guint64 l = len;

	p->w[i].job = j;
	p->w[i].started = g_get_monotonic_time() / G_USEC_PER_SEC;
	return write_full(p->w[i].fd, &l, sizeof l) == 0 && write_full(p->w[i].fd, data, len) == 0;
}

/* Finish a job with a reading from a worker. */
static void
job_finish(struct job *j, struct reading *rd, pool_done_fn done, void *arg)
{
	done(j->tag, rd, arg);
	g_bytes_unref(j->data);
	g_free(j);
}

/* A worker died or overran: fail its job, reap it, start another. */
static void
worker_lost(struct pool *p, int i, const char *why, pool_done_fn done, void *arg)
{
	struct worker *w = &p->w[i];
	int status = 0;
	char *cause = NULL, *text;

	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		waitpid(w->pid, &status, 0);
	}
	if (w->fd >= 0)
		close(w->fd);
	if (why != NULL)
		text = g_strdup(why);
	else if (WIFSIGNALED(status))
		text = g_strdup_printf("the reader stopped on signal %d while reading this message",
		                       WTERMSIG(status));
	else
		text = g_strdup_printf("the reader exited (status %d) while reading this message",
		                       WEXITSTATUS(status));
	log_warn("worker", "reader %d (pid %d): %s", i, (int)w->pid, text);
	if (w->job != NULL)
		job_finish(w->job, reading_failed(text), done, arg);
	w->job = NULL;
	g_free(text);
	if (worker_start(p, i, &cause) != 0) {
		log_err("worker", "cannot restart reader %d: %s", i, cause);
		g_free(cause);
		w->pid = 0;
		w->fd = -1;
	}
}

/* Start queued jobs on idle workers. */
static void
pool_dispatch(struct pool *p, pool_done_fn done, void *arg)
{
	for (int i = 0; i < p->n && !g_queue_is_empty(&p->queue); i++) {
		if (p->w[i].job != NULL || p->w[i].fd < 0)
			continue;
		struct job *j = g_queue_pop_head(&p->queue);
		if (!worker_send(p, i, j))
			worker_lost(p, i, NULL, done, arg);
	}
}

/* Queue a raw message. */
void
pool_submit(struct pool *p, const char *data, gsize len, void *tag)
{
	struct job *j = g_new0(struct job, 1);

	j->data = g_bytes_new(data, len);
	j->tag = tag;
	g_queue_push_tail(&p->queue, j);
}

/* pollfds of busy workers. */
int
pool_pollfds(struct pool *p, struct pollfd *fds, int max)
{
	int k = 0;

	for (int i = 0; i < p->n && k < max; i++)
		if (p->w[i].job != NULL) {
			fds[k].fd = p->w[i].fd;
			fds[k].events = POLLIN;
			fds[k].revents = 0;
			k++;
		}
	return k;
}

/* Read a worker's answer; NULL when it did not answer properly. */
static struct reading *
worker_answer(struct worker *w)
{
	guint64 len;
	char *text;
	JsonParser *parser;
	struct reading *rd = NULL;

	if (read_full(w->fd, &len, sizeof len) != 0 || len > ((guint64)1 << 30))
		return NULL;
	text = g_malloc(len + 1);
	if (read_full(w->fd, text, len) != 0) {
		g_free(text);
		return NULL;
	}
	text[len] = '\0';
	parser = json_parser_new();
	if (json_parser_load_from_data(parser, text, (gssize)len, NULL) &&
	    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
		rd = reading_from_json(json_node_get_object(json_parser_get_root(parser)));
	g_object_unref(parser);
	g_free(text);
	return rd;
}

/* Collect answers, replace dead or late workers, start queued jobs. */
void
pool_collect(struct pool *p, pool_done_fn done, void *arg)
{
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;

	for (int i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];
		struct pollfd pfd = {w->fd, POLLIN, 0};
		if (w->job == NULL)
			continue;
		if (poll(&pfd, 1, 0) > 0) {
			struct reading *rd = worker_answer(w);
			if (rd == NULL) {
				worker_lost(p, i, NULL, done, arg);
				continue;
			}
			struct job *j = w->job;
			w->job = NULL;
			job_finish(j, rd, done, arg);
		} else if (now - w->started > p->timeout) {
			char *why = g_strdup_printf("reading this message took longer than %d s; "
			                            "the attachments were not read",
			                            p->timeout);
			worker_lost(p, i, why, done, arg);
			g_free(why);
		}
	}
	pool_dispatch(p, done, arg);
}

/* Jobs queued or running. */
int
pool_busy(const struct pool *p)
{
	int busy = (int)g_queue_get_length((GQueue *)&p->queue);

	for (int i = 0; i < p->n; i++)
		busy += p->w[i].job != NULL;
	return busy;
}

/* Seconds until the next job overruns. */
int
pool_next_deadline(const struct pool *p)
{
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;
	int best = -1;

	for (int i = 0; i < p->n; i++)
		if (p->w[i].job != NULL) {
			int left = (int)(p->w[i].started + p->timeout + 1 - now);
			if (left < 0)
				left = 0;
			if (best < 0 || left < best)
				best = left;
		}
	return best;
}

/* Stop the workers. */
struct pool *
pool_free(struct pool *p)
{
	if (p == NULL)
		return NULL;
	for (int i = 0; i < p->n; i++)
		if (p->w[i].pid > 0) {
			close(p->w[i].fd);
			kill(p->w[i].pid, SIGTERM);
			waitpid(p->w[i].pid, NULL, 0);
		}
	while (!g_queue_is_empty(&p->queue)) {
		struct job *j = g_queue_pop_head(&p->queue);
		g_bytes_unref(j->data);
		g_free(j);
	}
	g_free(p->w);
	g_free(p);
	return NULL;
}
