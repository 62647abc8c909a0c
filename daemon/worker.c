/* worker.c - reading messages in reader processes; see worker.h. */
#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "readwire.h"

#define WORKER_MEMORY ((guint64)3 << 30) /* 3 GiB of address space */
#define READER_NAME   "phieu-reader"

struct job {
	GBytes *data;
	guint8 flags; /* READWIRE_HEADERS_ONLY */
	void *tag;
};

/* The two lanes: messages are read first in the quick lane (everything but
   documents, one reader, no OCR), then, when they hold documents, in the
   document lane (cfg->workers readers): a long OCR never holds up mail. */
enum lane { LANE_QUICK, LANE_DOCUMENTS, LANES };

struct worker {
	enum lane lane;
	pid_t pid;
	int to;   /* the reader's stdin, non-blocking */
	int from; /* the reader's stdout, non-blocking */
	struct job *job;
	GBytes *out;    /* the frame being sent */
	gsize sent;     /* bytes of out sent */
	GByteArray *in; /* the answer so far */
	gint64 started;
};

struct pool {
	int n;
	struct worker *w;
	GQueue queue[LANES]; /* struct job*, not started */
	GArray *zombies;     /* pid_t of readers killed but not yet reaped */
	char **argv[LANES];  /* how a reader of each lane is started */
	int timeout;
	gboolean root;   /* started as root: readers run as reader_user */
	gboolean warned; /* a reader was restarted without root: said once */
};

/* The reader program: next to the running binary (a build tree), else in
   the installed libexecdir/phieu (paths.h). */
static char *
reader_program(void)
{
	return paths_libexec(READER_NAME);
}

/* Reap the readers killed before, without waiting. */
static void
reap_zombies(struct pool *p)
{
	for (guint i = 0; i < p->zombies->len;) {
		pid_t pid = g_array_index(p->zombies, pid_t, i);
		if (waitpid(pid, NULL, WNOHANG) != 0)
			g_array_remove_index_fast(p->zombies, i);
		else
			i++;
	}
}

/* Start (or restart) reader i: fork, then exec the reader program with an
   empty environment, so nothing of the daemon's memory (passwords) is in it. */
static int
worker_start(struct pool *p, int i, char **cause)
{
	int to[2], from[2];
	pid_t pid;
	char *const envp[] = {NULL};

	if (pipe2(to, O_CLOEXEC) != 0) {
		*cause = g_strdup_printf("pipe: %s", g_strerror(errno));
		return -1;
	}
	if (pipe2(from, O_CLOEXEC) != 0) {
		*cause = g_strdup_printf("pipe: %s", g_strerror(errno));
		close(to[0]);
		close(to[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*cause = g_strdup_printf("fork: %s", g_strerror(errno));
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return -1;
	}
	if (pid == 0) {
		/* stdin and stdout are the channel, stderr the daemon's log */
		if (dup2(to[0], STDIN_FILENO) < 0 || dup2(from[1], STDOUT_FILENO) < 0)
			_exit(127);
		/* nothing else of the parent's: no database, no IMAP sockets */
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		char **argv = p->argv[p->w[i].lane];
		execve(argv[0], argv, envp);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	fcntl(to[1], F_SETFL, O_NONBLOCK);
	fcntl(from[0], F_SETFL, O_NONBLOCK);
	p->w[i].pid = pid;
	p->w[i].to = to[1];
	p->w[i].from = from[0];
	p->w[i].job = NULL;
	if (p->root && geteuid() != 0 && !p->warned) {
		p->warned = TRUE;
		log_warn("worker",
		         "reader %d restarted as uid %u: phieud no longer has root to start it as "
		         "reader_user (the other layers of confinement still apply)",
		         i, (unsigned)getuid());
	}
	log_debug("worker", "reader %d started (pid %d)", i, (int)pid);
	return 0;
}

/* Start the quick reader and n document readers. */
struct pool *
pool_new(const struct config *cfg, const struct attach_opts *o, char **cause)
{
	struct pool *p = g_new0(struct pool, 1);
	struct reader_conf rc = {0};
	struct attach_opts quick = *o;
	char *program = reader_program();

	p->n = cfg->workers + 1;
	p->root = geteuid() == 0;
	p->timeout = cfg->read_timeout;
	p->w = g_new0(struct worker, p->n);
	p->zombies = g_array_new(FALSE, FALSE, sizeof(pid_t));
	for (int l = 0; l < LANES; l++)
		g_queue_init(&p->queue[l]);
	for (int i = 0; i < p->n; i++) {
		p->w[i].to = p->w[i].from = -1;
		p->w[i].lane = i == 0 ? LANE_QUICK : LANE_DOCUMENTS;
	}
	if (cfg->workers < 1) {
		*cause = g_strdup("at least one reader is needed: documents are never read in the "
		                  "daemon itself");
		g_free(program);
		return pool_free(p);
	}
	if (access(program, X_OK) != 0) {
		*cause = g_strdup_printf("%s: %s", program, g_strerror(errno));
		g_free(program);
		return pool_free(p);
	}
	rc.user = cfg->reader_user;
	rc.timeout = cfg->read_timeout;
	rc.memory = WORKER_MEMORY;
	rc.labels = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; cfg->rule_labels != NULL && i < cfg->rule_labels->len; i++) {
		const struct rule_label *l = g_ptr_array_index(cfg->rule_labels, i);
		g_ptr_array_add(rc.labels, g_strdup_printf("%s=%s", l->key, l->label));
	}
	/* the reader decides whether a sender is authentic, as configured */
	rc.auth_id = cfg->auth_id;
	rc.auth_require = cfg->auth_require;
	rc.relays = g_ptr_array_new();
	for (int i = 0; cfg->auth_relays != NULL && cfg->auth_relays[i] != NULL; i++)
		g_ptr_array_add(rc.relays, cfg->auth_relays[i]);
	rc.units = g_ptr_array_new();
	for (guint i = 0; cfg->units != NULL && i < cfg->units->len; i++)
		g_ptr_array_add(rc.units,
		                ((struct unit_cfg *)g_ptr_array_index(cfg->units, i))->name);
	/* the quick reader reads no document: it needs no OCR data */
	quick.ocr_enabled = FALSE;
	p->argv[LANE_DOCUMENTS] = readwire_argv(program, o, &rc);
	/* the first reader says which confinement applies on this kernel */
	rc.announce = TRUE;
	char **first = readwire_argv(program, &quick, &rc);
	rc.announce = FALSE;
	p->argv[LANE_QUICK] = readwire_argv(program, &quick, &rc);
	g_ptr_array_free(rc.labels, TRUE);
	g_ptr_array_free(rc.relays, TRUE);
	g_ptr_array_free(rc.units, TRUE);
	g_free(program);
	for (int i = 0; i < p->n; i++) {
		char **keep = p->argv[LANE_QUICK];
		if (i == 0)
			p->argv[LANE_QUICK] = first;
		int rcode = worker_start(p, i, cause);
		p->argv[LANE_QUICK] = keep;
		if (rcode != 0) {
			g_strfreev(first);
			return pool_free(p);
		}
	}
	g_strfreev(first);
	return p;
}

/* Send a job to worker i: the frame goes out as the pipe takes it. */
static void
worker_send(struct pool *p, int i, struct job *j)
{
	gsize len;
	const char *data = g_bytes_get_data(j->data, &len);
	guint64 l = len + 1;
	GByteArray *frame = g_byte_array_sized_new((guint)(sizeof l + 1 + len));

	g_byte_array_append(frame, (const guint8 *)&l, sizeof l);
	g_byte_array_append(frame, &j->flags, 1);
	g_byte_array_append(frame, (const guint8 *)data, (guint)len);
	p->w[i].job = j;
	p->w[i].out = g_byte_array_free_to_bytes(frame);
	p->w[i].sent = 0;
	p->w[i].in = g_byte_array_new();
	p->w[i].started = g_get_monotonic_time() / G_USEC_PER_SEC;
}

/* Finish a job with a worker's answer. */
static void
job_finish(struct job *j, struct answer *a, pool_done_fn done, void *arg)
{
	done(j->tag, a, arg);
	g_bytes_unref(j->data);
	g_free(j);
}

/* Forget worker i's channel and its process (killed, reaped later if it
   runs as another user, which the daemon may not signal). */
static int
worker_stop(struct pool *p, int i)
{
	struct worker *w = &p->w[i];
	int status = -1;

	if (w->to >= 0)
		close(w->to);
	if (w->from >= 0)
		close(w->from);
	w->to = w->from = -1;
	g_clear_pointer(&w->out, g_bytes_unref);
	if (w->in != NULL)
		g_byte_array_free(w->in, TRUE);
	w->in = NULL;
	if (w->pid > 0) {
		kill(w->pid, SIGKILL);
		/* a reader that has exited is reaped now; one that cannot be killed
		   (another user) sees its pipes closed and dies at its CPU limit */
		if (waitpid(w->pid, &status, WNOHANG) <= 0) {
			status = -1;
			g_array_append_val(p->zombies, w->pid);
		}
	}
	w->pid = 0;
	return status;
}

/* A worker died or overran: fail its job, start another. */
static void
worker_lost(struct pool *p, int i, const char *why, pool_done_fn done, void *arg)
{
	struct worker *w = &p->w[i];
	pid_t pid = w->pid;
	char *cause = NULL, *text;

	/* give a reader that has closed its end a moment to be reaped */
	int status = -1;
	if (why == NULL && pid > 0) {
		for (int k = 0; k < 50 && waitpid(pid, &status, WNOHANG) == 0; k++) {
			status = -1;
			g_usleep(2000);
		}
		if (status != -1)
			w->pid = 0;
	}
	int stopped = worker_stop(p, i);
	if (status == -1)
		status = stopped;
	if (why != NULL)
		text = g_strdup(why);
	else if (status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU)
		/* its CPU limit, which is read_timeout: an overrun like the daemon's own */
		text = g_strdup_printf("reading this message took longer than %d s (CPU time); "
		                       "the attachments were not read",
		                       p->timeout);
	else if (status != -1 && WIFSIGNALED(status))
		text = g_strdup_printf("the reader stopped on signal %d while reading this message",
		                       WTERMSIG(status));
	else if (status != -1)
		text = g_strdup_printf("the reader exited (status %d) while reading this message",
		                       WEXITSTATUS(status));
	else
		text = g_strdup("the reader stopped answering while reading this message");
	log_warn("worker", "reader %d (pid %d): %s", i, (int)pid, text);
	if (w->job != NULL)
		job_finish(w->job, answer_failed(text), done, arg);
	w->job = NULL;
	g_free(text);
	if (worker_start(p, i, &cause) != 0) {
		log_err("worker", "cannot restart reader %d: %s", i, cause);
		g_free(cause);
	}
}

/* Start queued jobs on idle workers. */
static void
pool_dispatch(struct pool *p)
{
	for (int i = 0; i < p->n; i++) {
		GQueue *q = &p->queue[p->w[i].lane];
		if (p->w[i].job != NULL || p->w[i].to < 0 || g_queue_is_empty(q))
			continue;
		worker_send(p, i, g_queue_pop_head(q));
	}
}

/* Queue a raw message. */
void
pool_submit(struct pool *p, const char *data, gsize len, guint8 flags, void *tag)
{
	struct job *j = g_new0(struct job, 1);

	j->data = g_bytes_new(data, len);
	j->flags = flags;
	j->tag = tag;
	g_queue_push_tail(&p->queue[flags & READWIRE_DOCUMENTS ? LANE_DOCUMENTS : LANE_QUICK], j);
	pool_dispatch(p);
}

/* pollfds of busy workers: their stdout, and their stdin while a frame goes out. */
int
pool_pollfds(struct pool *p, struct pollfd *fds, int max)
{
	int k = 0;

	for (int i = 0; i < p->n && k < max; i++) {
		struct worker *w = &p->w[i];
		if (w->job == NULL)
			continue;
		fds[k].fd = w->from;
		fds[k].events = POLLIN;
		fds[k].revents = 0;
		k++;
		if (w->out != NULL && k < max) {
			fds[k].fd = w->to;
			fds[k].events = POLLOUT;
			fds[k].revents = 0;
			k++;
		}
	}
	return k;
}

/* Move what the pipes take and give; 1 when the answer is whole, 0 for not
   yet, -1 when the reader is gone or broke the protocol. */
static int
worker_pump(struct worker *w)
{
	if (w->out != NULL) {
		gsize len;
		const char *data = g_bytes_get_data(w->out, &len);
		while (w->sent < len) {
			ssize_t n = write(w->to, data + w->sent, len - w->sent);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno == EAGAIN)
				break;
			if (n <= 0)
				return -1;
			w->sent += (gsize)n;
		}
		if (w->sent == len)
			g_clear_pointer(&w->out, g_bytes_unref);
	}
	for (;;) {
		guint8 buf[65536];
		ssize_t n = read(w->from, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return -1;
		g_byte_array_append(w->in, buf, (guint)n);
		if (w->in->len > READWIRE_MAX_FRAME)
			return -1;
	}
	if (w->in->len < sizeof(guint64))
		return 0;
	guint64 alen;
	memcpy(&alen, w->in->data, sizeof alen);
	if (alen > READWIRE_MAX_FRAME)
		return -1;
	if (w->in->len < sizeof alen + alen)
		return 0;
	return w->in->len == sizeof alen + alen ? 1 : -1;
}

/* The checked answer in a worker's whole frame; NULL with *cause when it
   fails a check (readwire_answer_parse). */
static struct answer *
worker_answer(struct worker *w, char **cause)
{
	return readwire_answer_parse(w->in->data + sizeof(guint64), w->in->len - sizeof(guint64),
	                             cause);
}

/* Collect answers, replace dead or late workers, start queued jobs. */
void
pool_collect(struct pool *p, pool_done_fn done, void *arg)
{
	gint64 now = g_get_monotonic_time() / G_USEC_PER_SEC;

	reap_zombies(p);
	for (int i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];
		if (w->job == NULL) {
			char *cause = NULL;
			if (w->to < 0 &&
			    worker_start(p, i, &cause) != 0) /* a restart failed before */
				g_free(cause);
			continue;
		}
		int r = worker_pump(w);
		if (r < 0) {
			worker_lost(p, i, NULL, done, arg);
			continue;
		}
		if (r == 1) {
			char *why = NULL;
			struct answer *a = worker_answer(w, &why);
			if (a == NULL) {
				char *text =
				    g_strdup_printf("the reader's answer was refused: %s", why);
				worker_lost(p, i, text, done, arg);
				g_free(text);
				g_free(why);
				continue;
			}
			struct job *j = w->job;
			w->job = NULL;
			g_byte_array_free(w->in, TRUE);
			w->in = NULL;
			job_finish(j, a, done, arg);
		} else if (now - w->started > p->timeout) {
			char *why = g_strdup_printf("reading this message took longer than %d s; "
			                            "the attachments were not read",
			                            p->timeout);
			worker_lost(p, i, why, done, arg);
			g_free(why);
		}
	}
	pool_dispatch(p);
}

/* Jobs queued or running. */
int
pool_busy(const struct pool *p)
{
	int busy = (int)(g_queue_get_length((GQueue *)&p->queue[LANE_QUICK]) +
	                 g_queue_get_length((GQueue *)&p->queue[LANE_DOCUMENTS]));

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
	for (int i = 0; i < p->n; i++) {
		struct worker *w = &p->w[i];
		if (w->pid <= 0)
			continue;
		/* stdin closed: an idle reader exits at once */
		close(w->to);
		close(w->from);
		if (kill(w->pid, SIGTERM) == 0 || errno != EPERM)
			waitpid(w->pid, NULL, 0);
		else
			waitpid(w->pid, NULL, WNOHANG);
		if (w->job != NULL) {
			g_bytes_unref(w->job->data);
			g_free(w->job);
		}
		if (w->out != NULL)
			g_bytes_unref(w->out);
		if (w->in != NULL)
			g_byte_array_free(w->in, TRUE);
	}
	for (int l = 0; l < LANES; l++)
		while (!g_queue_is_empty(&p->queue[l])) {
			struct job *j = g_queue_pop_head(&p->queue[l]);
			g_bytes_unref(j->data);
			g_free(j);
		}
	reap_zombies(p);
	g_array_free(p->zombies, TRUE);
	g_strfreev(p->argv[LANE_QUICK]);
	g_strfreev(p->argv[LANE_DOCUMENTS]);
	g_free(p->w);
	g_free(p);
	return NULL;
}
