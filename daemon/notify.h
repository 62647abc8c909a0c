/*
 * notify.h - phieu's mail to people, from the editable templates.
 *
 * notify_new() reads every template of the configured language at start
 * (a missing or malformed one stops phieud before anything happens, and
 * `phieud -n` reports it), and with them a request type's own versions of
 * the mails ("ack.vpn_access.vi.txt"), used for requests of that type in
 * place of the general ones.  notify_vars() starts a table of template
 * values with the ones every message has (prefix, number, centre…);
 * notify_request_vars() adds those of a stored request (type, title,
 * fields, unit, owner, due…).  notify_queue() renders a template, composes the message
 * (rules/reply.c) and writes it to the outbox in the caller's transaction:
 * it is sent after the commit.
 */
#ifndef PHIEU_NOTIFY_H
#define PHIEU_NOTIFY_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "config.h"
#include "reply.h"
#include "store.h"

struct notify;

/* How a message threads: the mail it answers and the thread before it. */
struct thread_ref {
	const char *in_reply_to; /* without <>, may be NULL */
	GPtrArray *references;   /* char*, may be NULL */
};

/* Load the templates; NULL with *cause naming the file. */
struct notify *notify_new(const struct config *cfg, struct store *st, char **cause);
struct notify *notify_free(struct notify *n);
/* The raw text of a template (e.g. "next_steps"), or NULL. */
const char *notify_template(const struct notify *n, const char *name);
/* The text of a mail template for a request type: the type's own
   ("NAME.TYPE.LANG.txt", read at start like the others) when the templates
   directory has one, else the general "NAME.LANG.txt"; NULL for no such
   template.  type may be NULL. */
const char *notify_template_for(const struct notify *n, const char *name, const char *type);
/* A table of values with those every message has. */
GHashTable *notify_vars(const struct notify *n, const char *number, const char *original_subject);
/* Add a stored request's values (store_request_show's object). */
void notify_request_vars(const struct notify *n, GHashTable *v, JsonObject *request);
/* Every phrase key the daemon uses (NULL-terminated); notify_new() fails
   when the phrases template lacks one of these or of checks_phrase_keys. */
extern const char *const notify_phrase_keys[];
/* A line of the "phrases" template ("key: text") with {{value}} and
   {{detail}} filled (NULL: empty); NULL for a NULL key. */
char *notify_phrase(const struct notify *n, const char *key, const char *value, const char *detail);
/* A date "YYYY-MM-DD" as people read it, "09/12/2026" ("" for NULL). */
char *notify_date_text(const char *iso);
/* Set a value (a copy, cleaned to one line unless multiline). */
void notify_set(GHashTable *v, const char *key, const char *value, gboolean multiline);
/* Render template tmpl and queue it; kind names it in the outbox ("ack", …). */
int notify_queue(struct notify *n, gint64 request_id, const char *kind, const char *tmpl,
                 GHashTable *vars, const char *from, const char *const *rcpt,
                 const struct thread_ref *thread, char **cause);
/* The same with attachments (rules/reply.h) after the text. */
int notify_queue_parts(struct notify *n, gint64 request_id, const char *kind, const char *tmpl,
                       GHashTable *vars, const char *from, const char *const *rcpt,
                       const struct thread_ref *thread, const struct reply_part *parts,
                       gsize n_parts, char **cause);

#endif
