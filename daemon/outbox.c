/* outbox.c - sending queued mail once, in a thread of its own; see outbox.h. */
#include "clock.h"
#include "outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "lifecycle.h"
#include "log.h"
#include "smtp.h"

#define IDLE_CLOSE_US    (5 * G_USEC_PER_SEC) /* an unused session is closed after this */
#define RECORD_BACKOFF1  1000                 /* ms, doubling, after a failed recording */
#define RECORD_BACKOFF9  60000
#define EXPIRED_PER_STEP 16 /* expired messages failed in one step, at most */

/* One message for the thread to send. */
struct job {
	gint64 id;
	char *from;
	char **rcpt;
	GBytes *data;
	gboolean stop; /* no message: the thread ends */
};

/* What the thread says about a job. */
struct result {
	gint64 id;
	enum net_result res;
	char *cause;
	gboolean reached; /* the server was reached (else it never saw the message) */
};

/* The sending thread's side, shared with the outbox; the last of the two
   to let go frees it (the thread may outlive a stopped daemon's outbox). */
struct sender {
	gint refs;
	GAsyncQueue *jobs, *results;
	int wake[2]; /* the thread writes a byte per result */
	struct net_endpoint ep;
	char *host, *ca_file, *helo, *login, *password;
	GThread *thread;
};

/* A result taken back but not yet in the database. */
struct unrecorded {
	struct due *d;
	struct result *r;
};

struct outbox {
	const struct config *cfg;
	struct store *st;
	struct notify *nt;
	struct spool *sp;
	struct sender *snd;
	struct due *inflight; /* handed to the thread */
	GQueue unrecorded;    /* struct unrecorded*, oldest first */
	gint64 record_retry;  /* µs: not before this (after a failed recording) */
	int record_failures;
	gint64 db_retry; /* µs: after a failure to claim, not before this */
	int db_failures;
	gint64 server_retry; /* µs: after the server could not be reached */
	int server_failures;
	gboolean recovered; /* what an interrupted run was sending is queued again */
};

/* Release a job. */
static void
job_free(struct job *j)
{
	g_free(j->from);
	g_strfreev(j->rcpt);
	if (j->data != NULL)
		g_bytes_unref(j->data);
	g_free(j);
}

/* Release a result. */
static void
result_free(struct result *r)
{
	g_free(r->cause);
	g_free(r);
}

/* Let go of the sender; the last one frees it. */
static void
sender_unref(struct sender *s)
{
	if (!g_atomic_int_dec_and_test(&s->refs))
		return;
	struct job *j;
	struct result *r;
	while ((j = g_async_queue_try_pop(s->jobs)) != NULL)
		job_free(j);
	while ((r = g_async_queue_try_pop(s->results)) != NULL)
		result_free(r);
	g_async_queue_unref(s->jobs);
	g_async_queue_unref(s->results);
	close(s->wake[0]);
	close(s->wake[1]);
	g_free(s->host);
	g_free(s->ca_file);
	g_free(s->helo);
	g_free(s->login);
	g_free(s->password);
	g_free(s);
}

/* The thread: one SMTP session, kept while messages come, one at a time. */
static gpointer
sender_main(gpointer arg)
{
	struct sender *s = arg;
	struct smtp_conn *c = NULL;

	for (;;) {
		struct job *j = c != NULL ? g_async_queue_timeout_pop(s->jobs, IDLE_CLOSE_US)
		                          : g_async_queue_pop(s->jobs);
		if (j == NULL) {
			c = smtp_free(c); /* idle: the server need not keep it open */
			continue;
		}
		if (j->stop) {
			job_free(j);
			break;
		}
		struct result *r = g_new0(struct result, 1);
		r->id = j->id;
		if (c == NULL)
			c = smtp_connect(&s->ep, s->helo, s->login, s->password, &r->res,
			                 &r->cause);
		if (c != NULL) {
			gsize len;
			const char *data = g_bytes_get_data(j->data, &len);
			r->reached = TRUE;
			r->res = smtp_send(c, j->from, (const char *const *)j->rcpt,
			                   g_strv_length(j->rcpt), data, len, &r->cause);
			if (r->res == NET_RETRY)
				c = smtp_free(c); /* the session is unusable */
		}
		job_free(j);
		g_async_queue_push(s->results, r);
		while (write(s->wake[1], "r", 1) < 0 && errno == EINTR)
			;
	}
	smtp_free(c);
	sender_unref(s);
	return NULL;
}

/* The sender with its own copy of what it needs of the configuration. */
static struct sender *
sender_new(const struct config *cfg)
{
	struct sender *s = g_new0(struct sender, 1);

	s->refs = 2; /* the outbox and the thread */
	s->jobs = g_async_queue_new();
	s->results = g_async_queue_new();
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0)
		log_fatal("outbox: pipe: %s", g_strerror(errno));
	s->ep = cfg->smtp.ep;
	s->host = g_strdup(cfg->smtp.ep.host);
	s->ca_file = g_strdup(cfg->smtp.ep.ca_file);
	s->ep.host = s->host;
	s->ep.ca_file = s->ca_file;
	s->helo = g_strdup(cfg->helo);
	s->login = g_strdup(cfg->smtp.login);
	s->password = g_strdup(cfg->smtp.password);
	s->thread = g_thread_new("smtp", sender_main, s);
	return s;
}

/* The backoff after n failures: retry_min doubling up to retry_max, seconds. */
static gint64
backoff(const struct config *cfg, int n)
{
	return clock_backoff(cfg->retry_min, cfg->retry_max, n);
}

/* The wait after n failed recordings or claims, milliseconds. */
static gint64
db_backoff_ms(int n)
{
	return clock_backoff(RECORD_BACKOFF1, RECORD_BACKOFF9, n);
}

/* Whether every recipient is a member of staff. */
static gboolean
for_staff_only(const struct outbox *ob, const struct due *d)
{
	for (int i = 0; d->rcpt[i] != NULL; i++)
		if (!config_is_staff(ob->cfg, d->rcpt[i]))
			return FALSE;
	return d->rcpt[0] != NULL;
}

/* Whether a message has been retried for longer than max_retry_hours. */
static gboolean
expired(const struct outbox *ob, const struct due *d)
{
	return d->queued_at > 0 && clock_now_us() / G_USEC_PER_SEC >
	                               d->queued_at + (gint64)ob->cfg->max_retry_hours * 3600;
}

/* Record a message that will not be sent: failed, its request's history, a
   notice to staff (inside the caller's transaction). */
static int
fail_message(struct outbox *ob, const struct due *d, const char *why, char **cause)
{
	char *to = g_strjoinv(", ", d->rcpt);
	char *detail = g_strdup_printf("%s to %s: %s", d->kind, to, why);
	JsonObject *req = NULL;
	int rc = store_outbox_failed(ob->st, d->id, why, cause);

	if (rc == 0 && d->request_id > 0)
		rc = store_event_add(ob->st, d->request_id, "phieu", "send_failed", NULL, NULL, 0,
		                     detail, cause);
	if (rc == 0 && !for_staff_only(ob, d) && ob->nt != NULL) {
		char *key = g_strdup_printf("%" G_GINT64_FORMAT, d->request_id);
		if (d->request_id > 0)
			req = store_request_show(ob->st, key, cause);
		g_free(key);
		const char *number =
		    req != NULL ? json_object_get_string_member_with_default(req, "id", "") : "";
		const char *subject =
		    req != NULL ? json_object_get_string_member_with_default(req, "subject", "")
		                : "";
		GHashTable *v = notify_vars(ob->nt, number, subject);
		char *id = g_strdup_printf("%" G_GINT64_FORMAT, d->id);
		notify_set(v, "kind", d->kind, FALSE);
		notify_set(v, "to", to, FALSE);
		notify_set(v, "reason", why, FALSE);
		notify_set(v, "outbox_id", id, FALSE);
		notify_set(v, "message_id", d->message_id, FALSE);
		rc = notify_queue(ob->nt, d->request_id, "notice", "send_failed", v, d->mail_from,
		                  (const char *const *)ob->cfg->staff, NULL, cause);
		g_hash_table_destroy(v);
		g_free(id);
	}
	log_err("outbox", "not sent: %s", detail);
	if (req != NULL)
		json_object_unref(req);
	g_free(detail);
	g_free(to);
	return rc;
}

/* After a 250: sent, and the request moves as the lifecycle says of a sent
   acknowledgement (the body goes to the spool later, many at a time:
   outbox_tidy). */
static int
record_sent(struct outbox *ob, const struct due *d, char **cause)
{
	int rc = store_outbox_sent(ob->st, d->id, NULL, cause);

	if (rc == 0 && strcmp(d->kind, "ack") == 0 && d->request_id > 0) {
		char *state = NULL;
		rc = store_request_state(ob->st, d->request_id, &state, cause) < 0 ? -1 : 0;
		/* the event is named after the state it moves to ("acknowledged") */
		const char *to = rc == 0 ? lifecycle_state_name(lifecycle_after(
		                               ACT_ACK_SENT, lifecycle_state_parse(state)))
		                         : NULL;
		if (to != NULL) {
			rc = store_request_set_state(ob->st, d->request_id, to, cause);
			if (rc == 0)
				rc = store_event_add(ob->st, d->request_id, "phieu", to, state, to,
				                     0, d->rcpt[0], cause);
		}
		g_free(state);
	}
	return rc;
}

/* Record one result in its own transaction; -1 when the database failed. */
static int
record(struct outbox *ob, const struct due *d, const struct result *r, char **cause)
{
	const char *why = r->cause != NULL ? r->cause : "?";
	int rc;

	if (store_begin(ob->st, cause) != 0)
		return -1;
	if (r->res == NET_OK) {
		rc = record_sent(ob, d, cause);
	} else if (r->res == NET_NO && r->reached) {
		rc = fail_message(ob, d, why, cause);
	} else if (!r->reached) {
		/* the server was not reached: not an attempt of this message */
		rc = store_outbox_retry(ob->st, d->id, 0, why, FALSE, cause);
	} else if (expired(ob, d)) {
		char *last = g_strdup_printf("not delivered within %d hours; last answer: %s",
		                             ob->cfg->max_retry_hours, why);
		rc = fail_message(ob, d, last, cause);
		g_free(last);
	} else {
		rc = store_outbox_retry(ob->st, d->id,
		                        clock_now_us() / G_USEC_PER_SEC +
		                            backoff(ob->cfg, d->attempts + 1),
		                        why, TRUE, cause);
	}
	if (rc != 0 || store_commit(ob->st, cause) != 0) {
		store_rollback(ob->st);
		return -1;
	}
	return 0;
}

/* Log a result as it comes back from the thread. */
static void
log_result(struct outbox *ob, const struct due *d, const struct result *r)
{
	if (r->res == NET_OK) {
		log_info("outbox", "sent %s %s to %s", d->kind, d->message_id, d->rcpt[0]);
	} else if (!r->reached) {
		ob->server_failures++;
		ob->server_retry =
		    clock_now_us() + backoff(ob->cfg, ob->server_failures) * G_USEC_PER_SEC;
		log_warn("outbox", "SMTP %s:%d unreachable, the queued messages wait: %s",
		         ob->cfg->smtp.host, ob->cfg->smtp.port, r->cause != NULL ? r->cause : "?");
	} else {
		log_warn("outbox", "%s %s to %s: %s", r->res == NET_NO ? "refused" : "deferred",
		         d->kind, d->rcpt[0], r->cause != NULL ? r->cause : "?");
	}
	if (r->reached) {
		ob->server_failures = 0;
		ob->server_retry = 0;
	}
}

/* Take the thread's results into the unrecorded queue. */
static void
take_results(struct outbox *ob)
{
	char buf[64];
	struct result *r;

	while (read(ob->snd->wake[0], buf, sizeof buf) > 0)
		;
	while ((r = g_async_queue_try_pop(ob->snd->results)) != NULL) {
		struct unrecorded *u = g_new0(struct unrecorded, 1);
		if (ob->inflight == NULL || ob->inflight->id != r->id)
			log_fatal("outbox: a result for message %" G_GINT64_FORMAT
			          " that was not being sent",
			          r->id);
		u->d = ob->inflight;
		u->r = r;
		ob->inflight = NULL;
		log_result(ob, u->d, r);
		g_queue_push_tail(&ob->unrecorded, u);
	}
}

/* Record what came back, oldest first; -1 while the database refuses. */
static int
record_all(struct outbox *ob, int *n)
{
	struct unrecorded *u;

	if (g_queue_is_empty(&ob->unrecorded) || clock_now_us() < ob->record_retry)
		return g_queue_is_empty(&ob->unrecorded) ? 0 : -1;
	while ((u = g_queue_peek_head(&ob->unrecorded)) != NULL) {
		char *cause = NULL;
		if (record(ob, u->d, u->r, &cause) != 0) {
			ob->record_failures++;
			gint64 wait = db_backoff_ms(ob->record_failures);
			ob->record_retry = clock_now_us() + wait * 1000;
			log_err("outbox",
			        "cannot record that %s %s %s: %s; nothing more is sent until it is "
			        "recorded (again in %" G_GINT64_FORMAT " ms)",
			        u->d->kind, u->d->message_id,
			        u->r->res == NET_OK ? "was sent" : "was not sent", cause, wait);
			g_free(cause);
			return -1;
		}
		g_queue_pop_head(&ob->unrecorded);
		store_due_free(u->d);
		result_free(u->r);
		g_free(u);
		(*n)++;
	}
	ob->record_failures = 0;
	ob->record_retry = 0;
	return 0;
}

/* A claim or a look at the queue failed: wait before the next. */
static void
db_failed(struct outbox *ob, const char *what, char *cause)
{
	ob->db_failures++;
	gint64 wait = db_backoff_ms(ob->db_failures);
	ob->db_retry = clock_now_us() + wait * 1000;
	log_err("outbox", "%s: %s; sending waits %" G_GINT64_FORMAT " ms", what, cause, wait);
	g_free(cause);
}

/* Queue again what an interrupted run was sending, in its own transaction;
   until that is done nothing is handed out (tried again after a backoff). */
static int
recover(struct outbox *ob)
{
	char *cause = NULL;
	int n;

	if (store_begin(ob->st, &cause) != 0 || (n = store_outbox_recover(ob->st, &cause)) < 0 ||
	    store_commit(ob->st, &cause) != 0) {
		store_rollback(ob->st);
		db_failed(ob, "queueing interrupted messages again", cause);
		return -1;
	}
	ob->recovered = TRUE;
	ob->db_failures = 0;
	ob->db_retry = 0;
	if (n > 0)
		log_warn("outbox",
		         "%d message(s) were being sent when phieud last stopped; sending them "
		         "again with the same Message-ID (a recipient may get one twice)",
		         n);
	return 0;
}

/* Set up, queue again what an interrupted run was sending, start the thread. */
struct outbox *
outbox_new(const struct config *cfg, struct store *st, struct notify *nt, struct spool *sp)
{
	struct outbox *ob = g_new0(struct outbox, 1);

	ob->cfg = cfg;
	ob->st = st;
	ob->nt = nt;
	ob->sp = sp;
	g_queue_init(&ob->unrecorded);
	recover(ob);
	ob->snd = sender_new(cfg);
	return ob;
}

/* Fail a message retried too long, in its own transaction. */
static int
expire(struct outbox *ob, const struct due *d)
{
	char *cause = NULL,
	     *why = g_strdup_printf("not sent within %d hours", ob->cfg->max_retry_hours);
	int rc = store_begin(ob->st, &cause);

	if (rc == 0)
		rc = fail_message(ob, d, why, &cause);
	if (rc == 0)
		rc = store_commit(ob->st, &cause);
	g_free(why);
	if (rc != 0) {
		store_rollback(ob->st);
		db_failed(ob, "recording an expired message", cause);
	}
	return rc;
}

/* Hand the next due message to the thread (claimed first). */
static void
dispatch(struct outbox *ob)
{
	gint64 now = clock_now_us();

	if (ob->inflight != NULL || now < ob->server_retry || now < ob->db_retry)
		return;
	if (!ob->recovered && recover(ob) != 0)
		return;
	for (int i = 0; i < EXPIRED_PER_STEP; i++) {
		char *cause = NULL;
		GPtrArray *due = store_outbox_due(ob->st, now / G_USEC_PER_SEC, 1, &cause);
		if (due == NULL) {
			db_failed(ob, "reading the outbox", cause);
			return;
		}
		if (due->len == 0) {
			g_ptr_array_free(due, TRUE);
			return;
		}
		struct due *d = g_ptr_array_steal_index(due, 0);
		g_ptr_array_free(due, TRUE);
		if (expired(ob, d)) {
			int rc = expire(ob, d);
			store_due_free(d);
			if (rc != 0)
				return;
			continue;
		}
		/* committed before MAIL FROM: never sent twice unknowingly */
		if (store_begin(ob->st, &cause) != 0 ||
		    store_outbox_claim(ob->st, d->id, &cause) != 0 ||
		    store_commit(ob->st, &cause) != 0) {
			store_rollback(ob->st);
			store_due_free(d);
			db_failed(ob, "taking a message for sending", cause);
			return;
		}
		ob->db_failures = 0;
		struct job *j = g_new0(struct job, 1);
		j->id = d->id;
		j->from = g_strdup(d->mail_from);
		j->rcpt = g_strdupv(d->rcpt);
		j->data = g_bytes_ref(d->data);
		ob->inflight = d;
		if (d->interrupted > 0)
			log_warn("outbox", "sending %s %s again after an interruption", d->kind,
			         d->message_id);
		g_async_queue_push(ob->snd->jobs, j);
		return;
	}
}

/* Record results and hand out the next message. */
int
outbox_step(struct outbox *ob)
{
	int n = 0;

	take_results(ob);
	if (record_all(ob, &n) != 0)
		return n; /* never send while a result is unrecorded */
	dispatch(ob);
	return n;
}

/* Move the bodies of sent messages from the database to the spool, up to
   max of them: written and synced together, then dropped from the database
   in one transaction.  Returns how many moved, -1 on a failure. */
int
outbox_tidy(struct outbox *ob, int max)
{
	char *cause = NULL;
	GPtrArray *sent, *paths;
	int rc = 0;

	if (ob->sp == NULL || (sent = store_outbox_unspooled(ob->st, max, &cause)) == NULL) {
		g_free(cause);
		return -1;
	}
	paths = g_ptr_array_new_with_free_func(g_free);
	for (guint i = 0; rc == 0 && i < sent->len; i++) {
		struct due *d = g_ptr_array_index(sent, i);
		gsize len;
		const char *data = g_bytes_get_data(d->data, &len);
		char *path = NULL;
		rc = spool_put(ob->sp, "sent", TRUE, data, len, &path, NULL, &cause);
		g_ptr_array_add(paths, path);
	}
	if (rc == 0)
		rc = spool_sync(ob->sp, &cause);
	if (rc == 0 && sent->len > 0) {
		rc = store_begin(ob->st, &cause);
		for (guint i = 0; rc == 0 && i < sent->len; i++)
			rc = store_outbox_spooled(ob->st,
			                          ((struct due *)g_ptr_array_index(sent, i))->id,
			                          g_ptr_array_index(paths, i), &cause);
		if (rc == 0)
			rc = store_commit(ob->st, &cause);
		if (rc != 0)
			store_rollback(ob->st);
	}
	if (rc != 0) {
		log_warn("outbox", "moving sent bodies to the spool: %s (tried again later)",
		         cause);
		g_free(cause);
	}
	rc = rc == 0 ? (int)sent->len : -1;
	g_ptr_array_free(paths, TRUE);
	g_ptr_array_free(sent, TRUE);
	return rc;
}

/* The descriptor to poll for results. */
int
outbox_fd(const struct outbox *ob)
{
	return ob->snd->wake[0];
}

/* Milliseconds until there is work. */
gint64
outbox_wait_ms(struct outbox *ob)
{
	gint64 now = clock_now_us(), at, next;

	if (!g_queue_is_empty(&ob->unrecorded))
		return ob->record_retry > now ? (ob->record_retry - now) / 1000 + 1 : 0;
	if (ob->inflight != NULL)
		return -1;
	if (!ob->recovered)
		return ob->db_retry > now ? (ob->db_retry - now) / 1000 + 1 : 0;
	if ((next = store_outbox_next(ob->st)) < 0)
		return -1;
	at = next * G_USEC_PER_SEC;
	if (ob->server_retry > at)
		at = ob->server_retry;
	if (ob->db_retry > at)
		at = ob->db_retry;
	return at > now ? (at - now) / 1000 + 1 : 0;
}

/* Whether nothing is in flight or unrecorded. */
gboolean
outbox_idle(const struct outbox *ob)
{
	return ob->inflight == NULL && ob->unrecorded.length == 0;
}

/* Whether a message could be handed out now. */
gboolean
outbox_has_due(struct outbox *ob)
{
	return outbox_idle(ob) && outbox_wait_ms(ob) == 0;
}

/* Wait for the message in flight, record it, stop the thread. */
void
outbox_stop(struct outbox *ob, int ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)ms * 1000;
	struct job *stop = g_new0(struct job, 1);
	int n = 0;

	while (ob->inflight != NULL) {
		gint64 left = (end - g_get_monotonic_time()) / 1000;
		struct pollfd p = {ob->snd->wake[0], POLLIN, 0};
		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			break;
		take_results(ob);
	}
	record_all(ob, &n);
	if (ob->inflight != NULL)
		log_warn("outbox",
		         "stopping while %s %s is being sent: it is sent again at the next start",
		         ob->inflight->kind, ob->inflight->message_id);
	if (!g_queue_is_empty(&ob->unrecorded))
		log_err("outbox",
		        "stopping with %u result(s) unrecorded: those messages are sent "
		        "again at the next start",
		        g_queue_get_length(&ob->unrecorded));
	stop->stop = TRUE;
	g_async_queue_push(ob->snd->jobs, stop);
	if (ob->inflight == NULL)
		g_thread_join(ob->snd->thread);
	else
		g_thread_unref(ob->snd->thread); /* left behind, it ends with the process */
	ob->snd->thread = NULL;
}

/* Release. */
struct outbox *
outbox_free(struct outbox *ob)
{
	struct unrecorded *u;

	if (ob == NULL)
		return NULL;
	if (ob->snd->thread != NULL)
		outbox_stop(ob, 0);
	sender_unref(ob->snd);
	if (ob->inflight != NULL)
		store_due_free(ob->inflight);
	while ((u = g_queue_pop_head(&ob->unrecorded)) != NULL) {
		store_due_free(u->d);
		result_free(u->r);
		g_free(u);
	}
	g_free(ob);
	return NULL;
}
