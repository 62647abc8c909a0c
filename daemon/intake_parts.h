/*
 * intake_parts.h - what the parts of intake share.  Private to daemon/intake*.c:
 *   intake.c         setting up, the spool, one message to its outcome (a copy, a
 *                    forward joining its request, a follow-up, automatic mail), alerts
 *   intake_request.c a new request: storing it with its first events and attachments,
 *                    whom to answer, the acknowledgement
 */
#ifndef PHIEU_INTAKE_PARTS_H
#define PHIEU_INTAKE_PARTS_H

#include <libpsl.h>

#include "attach.h"
#include "decide.h"
#include "intake.h"
#include "message.h"

struct intake {
	const struct config *cfg;
	struct store *st;
	struct rules_opts ropts;
	struct attach_opts aopts;
	struct notify *nt;    /* the templates */
	struct procedure *pr; /* what happens after intake */
	GRegex *number_re;    /* "[IID-KT #2026-000123]" */
	const psl_ctx_t *psl; /* the public suffix list: organisations' domains */
	gboolean authentic;   /* the verdict on the message being handled */
	char *auth_why;       /* ... and why */
	struct spool *sp;     /* raw messages and attachments */
	gboolean fault;       /* the last failure was the storage's */
	int requests, duplicates, followups, automatic;
};

/* Keep bytes in the spool, *path and *sha (their SHA-256, computed once)
   set; a failure there is the storage's. */
int intake_spool_keep(struct intake *in, const char *kind, gboolean mail, const char *data,
                      gsize len, char **path, char **sha, char **cause);
/* Record a new request and what is sent about it (intake_request.c). */
int intake_new_request(struct intake *in, const char *mailbox, struct stored_message *sm,
                       const struct message *m, const struct reading *rd, struct decision *d,
                       char **cause);

#endif
