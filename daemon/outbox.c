/* outbox.c - sending queued mail with retries; see outbox.h. */
#include "outbox.h"

#include <string.h>

#include "log.h"
#include "smtp.h"

struct outbox {
	const struct config *cfg;
	struct store *st;
	gint64 server_retry_at; /* after a failed connection, not before this */
	int server_failures;
};

/* Set up the sender. */
struct outbox *
outbox_new(const struct config *cfg, struct store *st)
{
	struct outbox *ob = g_new0(struct outbox, 1);

	ob->cfg = cfg;
	ob->st = st;
	return ob;
}

/* Release. */
struct outbox *
outbox_free(struct outbox *ob)
{
	g_free(ob);
	return NULL;
}

/* Now, in seconds. */
static gint64
now_s(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

/* The backoff after n failures: retry_min doubling up to retry_max. */
static gint64
backoff(const struct config *cfg, int n)
{
	gint64 d = cfg->retry_min;

	for (int i = 1; i < n && d < cfg->retry_max; i++)
		d *= 2;
	return d > cfg->retry_max ? cfg->retry_max : d;
}

/* Record the result of one send in its own transaction. */
static void
outbox_record(struct outbox *ob, const struct due *d, enum net_result res, const char *why)
{
	char *cause = NULL;
	int rc;

	if (store_begin(ob->st, &cause) != 0)
		goto fail;
	if (res == NET_OK) {
		rc = store_outbox_sent(ob->st, d->id, &cause);
		if (rc == 0 && strcmp(d->kind, "ack") == 0 && d->request_id > 0) {
			char *state = store_request_state(ob->st, d->request_id);
			if (state != NULL && strcmp(state, "received") == 0) {
				rc = store_request_set_state(ob->st, d->request_id, "acknowledged",
				                             &cause);
				if (rc == 0)
					rc = store_event_add(ob->st, d->request_id, "phieu",
					                     "acknowledged", "received",
					                     "acknowledged", 0, d->rcpt[0], &cause);
			}
			g_free(state);
		}
	} else if (res == NET_NO) {
		rc = store_outbox_failed(ob->st, d->id, why, &cause);
		if (rc == 0 && d->request_id > 0)
			rc = store_event_add(ob->st, d->request_id, "phieu", "send_failed", NULL,
			                     NULL, 0, why, &cause);
	} else {
		rc = store_outbox_retry(ob->st, d->id, now_s() + backoff(ob->cfg, d->attempts + 1),
		                        why, &cause);
	}
	if (rc != 0 || store_commit(ob->st, &cause) != 0) {
		store_rollback(ob->st);
		goto fail;
	}
	return;
fail:
	log_err("outbox", "recording message %" G_GINT64_FORMAT ": %s", d->id, cause);
	g_free(cause);
}

/* Send what is due now. */
int
outbox_flush(struct outbox *ob)
{
	char *cause = NULL;
	GPtrArray *due;
	struct smtp_conn *c = NULL;
	enum net_result res = NET_OK;
	int sent = 0;

	if (now_s() < ob->server_retry_at)
		return -1;
	due = store_outbox_due(ob->st, now_s(), 500, &cause);
	if (due == NULL) {
		log_err("outbox", "%s", cause);
		g_free(cause);
		return -1;
	}
	for (guint i = 0; i < due->len; i++) {
		struct due *d = g_ptr_array_index(due, i);
		gsize len;
		const char *data = g_bytes_get_data(d->data, &len);
		if (c == NULL) {
			c = smtp_connect(&ob->cfg->smtp.ep, ob->cfg->helo, ob->cfg->smtp.login,
			                 ob->cfg->smtp.password, &res, &cause);
			if (c == NULL) {
				ob->server_failures++;
				ob->server_retry_at =
				    now_s() + backoff(ob->cfg, ob->server_failures);
				log_warn("outbox",
				         "SMTP %s:%d unreachable, %u message(s) stay queued: %s",
				         ob->cfg->smtp.host, ob->cfg->smtp.port, due->len - i,
				         cause);
				g_free(cause);
				g_ptr_array_free(due, TRUE);
				return -1;
			}
			ob->server_failures = 0;
			ob->server_retry_at = 0;
		}
		cause = NULL;
		res = smtp_send(c, d->mail_from, (const char *const *)d->rcpt,
		                g_strv_length(d->rcpt), data, len, &cause);
		outbox_record(ob, d, res, cause);
		if (res == NET_OK) {
			sent++;
			log_info("outbox", "sent %s %s to %s", d->kind, d->message_id, d->rcpt[0]);
		} else {
			log_warn("outbox", "%s %s to %s: %s",
			         res == NET_NO ? "refused" : "deferred", d->kind, d->rcpt[0],
			         cause != NULL ? cause : "?");
		}
		g_free(cause);
		cause = NULL;
		if (res == NET_RETRY)
			c = smtp_free(c); /* the session is unusable; reconnect for the next */
	}
	smtp_free(c);
	g_ptr_array_free(due, TRUE);
	return sent;
}

/* Seconds until the next queued message is due. */
gint64
outbox_next_due(struct outbox *ob)
{
	char *cause = NULL;
	GPtrArray *due;
	gint64 wait;

	if (store_outbox_pending(ob->st) <= 0)
		return -1;
	due = store_outbox_due(ob->st, now_s(), 1, &cause);
	g_free(cause);
	wait = due != NULL && due->len > 0 ? 0 : 30;
	if (due != NULL)
		g_ptr_array_free(due, TRUE);
	if (ob->server_retry_at > now_s())
		wait = ob->server_retry_at - now_s();
	return wait;
}
