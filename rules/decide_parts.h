/*
 * decide_parts.h - what the parts of the decision share.  Private to
 * rules/decide*.c:
 *   decide.c        one message's decision: type, fields, missing, JSON
 *   decide_types.c  the request-type table, the rules file's changes to it,
 *                   each type's placement of fields (finish)
 *   decide_mail.c   mailboxes, automatic mail, requester and reply target
 */
#ifndef PHIEU_DECIDE_PARTS_H
#define PHIEU_DECIDE_PARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "decide.h"

struct type_row;
typedef void (*finish_fn)(struct decision *d, JsonObject *raw, const struct message *m);

/* One request type: everything the rules know about it. */
struct type_row {
	const char *key;
	int form_no;          /* NN of NN/IID-KT */
	const char *mailbox;  /* proper mailbox name; NULL: decided by finish */
	const char *words;    /* folded words of subject and body, '|' */
	const char *evidence; /* "key:weight" of fields that point here */
	const char *keys;     /* keys this type keeps, besides the common ones */
	const char *required; /* keys that must be there */
	const char *title_vi; /* for people */
	finish_fn finish;
	gboolean sign_off; /* the unit signs the completion off (forms 01, 03, 05) */
	const char *title_en;
	int due_days;     /* working days from receipt to the due date, 0: none */
	const char *said; /* the key a request written as sentences gives its sentence to */
};

/* The request types in use (struct type_row*): the built-in rows, changed
   and extended by the rules file; made on first use. */
GPtrArray *decide_types(void);
/* Count of words of a '|' list found in folded text, at most cap. */
int decide_words_found(const char *list, const char *folded, int cap);
/* Copy a member of raw to out under another key, if set and out lacks it. */
void decide_move_member(JsonObject *raw, const char *from, JsonObject *out, const char *to);

/* decide_mail.c: the mailbox name as opts spell it, or NULL. */
const char *decide_mailbox_name(const struct rules_opts *opts, const char *name);
/* The polled mailbox a message was addressed to, from To then Cc, or NULL. */
const char *decide_mailbox_from_recipients(const struct message *m, const struct rules_opts *opts);
/* Who the request is from (d->requester, d->forwarded_by). */
void decide_find_requester(struct decision *d, const struct message *m, const struct reading *rd,
                           const struct rules_opts *opts);

#endif
