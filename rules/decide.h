/*
 * decide.h - what a parsed message is and what happens to it.
 *
 * rules_decide() takes a parsed message and the fields read from it and
 * decides: the request type (one of the five of DOMAIN.md, or unknown),
 * from the form code, the subject, the body's words and which fields were
 * found; the final fields under DOMAIN.md's keys for that type (list rows
 * become accounts or visitors, a bare "Thời gian" becomes the visit or the
 * desired time); the required fields that are missing; the proper mailbox
 * (mailbox create/cancel via the Department of ICT, change via admin, the
 * rest pkt-iid) and whether the mail came to the wrong one; whether the
 * mail is automatic (never answered).  Each request type is one row of the
 * table in decide_types.c.  The decision owns its data; decision_free()
 * releases it.  No I/O.
 */
#ifndef PHIEU_DECIDE_H
#define PHIEU_DECIDE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "reading.h"
#include "fields.h"
#include "message.h"

struct rules_opts {
	const char *domain_suffix; /* "danang.gov.vn" */
	/* the polled mailboxes: name and address, NULL-terminated */
	const char *const *mailbox_names;
	const char *const *mailbox_addrs;
	const char *department;   /* the Department of ICT's address, or NULL */
	const char *const *staff; /* NULL-terminated, or NULL */
};

struct decision {
	const char *type;        /* "mailbox", … or "unknown" */
	char *form_code;         /* "02/IID-KT" or NULL */
	const char *source;      /* "body" … */
	JsonObject *fields;      /* DOMAIN.md keys only */
	GPtrArray *missing;      /* char*: required keys not found */
	GPtrArray *doubtful;     /* char*: keys a person should check */
	double confidence;       /* 0..1 */
	const char *mailbox;     /* name of the mailbox it came to, or NULL */
	const char *proper;      /* name of the mailbox it belongs to, or NULL */
	gboolean via_department; /* handled through the Department of ICT (mailbox
	                            create/cancel): recorded as routed, said in the ack */
	gboolean wrong_mailbox;
	char *automatic;       /* why the mail is automatic, or NULL */
	gboolean password;     /* carries a credential: never echo the body */
	char *why;             /* which rule decided the type, for the log */
	const char *title_vi;  /* the request type's name for people */
	char *requester;       /* who the request is from: the sender, or the unit whose
	                          mail the Department or staff forwarded */
	char *forwarded_by;    /* the Department or staff member who forwarded it */
	JsonObject *sources;   /* key -> where it was read ("body", "docx", "ocr", …) */
	GPtrArray *conflicts;  /* char*: values two sources disagree on */
	JsonArray *parts;      /* what was done with each attachment */
	gboolean needs_person; /* an attachment that may hold the form was not read */
};

/* Decide about one message and what was read from it; mailbox may be NULL
   (then read from To/Cc). */
struct decision *rules_decide(const struct message *m, const struct reading *rd,
                              const char *mailbox, const struct rules_opts *opts);
/* The same with the verdict of rules_automatic(m) already reached (NULL: not
   automatic), so that the daemon, which needs it before deciding, reaches it
   once. */
struct decision *rules_decide_with(const struct message *m, const struct reading *rd,
                                   const char *mailbox, const struct rules_opts *opts,
                                   const char *automatic);
/* Why the message is automatic mail (bounce, out-of-office, list…), or NULL. */
char *rules_automatic(const struct message *m);
/* Back to the built-in request types (before a rules file is applied again). */
void rules_reset_types(void);
/* Change a request type, or add one, from the rules file (config/): NULL or
   0 (-1 for sign_off) leaves a value as it is; words ('|' between, folded)
   are added to the type's words; required ('|') replaces its list, and the
   type keeps those fields.  A new type is known by its form code, or by its
   words in a mail that names the requesting unit or contact as a form does. */
void rules_configure_type(const char *key, int form_no, const char *mailbox, const char *words,
                          const char *required, int sign_off, const char *title);
/* Change a type's due_days (working days from receipt to the due date) from
   the rules file, after rules_configure_type(); -1 leaves it as it is.  The
   built-in ones: website_update 3, mailbox 2, subdomain 5, server_room 1,
   tech_support 2; a new type has none (0) unless the rules file gives it. */
void rules_configure_due(const char *key, int due_days);
/* Working days from receipt to a type's due date; 0: no due date. */
int rules_due_days(const char *type);
/* A request type's name for people in a language ("vi", "en"): the rules
   file's title when it set one; for an unknown key, "request of unknown type". */
const char *rules_type_title(const char *key, const char *lang);
/* Where an answer to a sender goes.  Reply-To is followed only when it is a
   configured unit address (unit_reply_to) or lies in the organisation
   (registrable domain) of a From that is trusted (same_org, from_trusted);
   otherwise the answer goes to From and *why (static text, else NULL) says
   why Reply-To was passed over: a stranger is never mailed on a sender's word. */
const char *rules_reply_target(const char *from, const char *reply_to, gboolean unit_reply_to,
                               gboolean same_org, gboolean from_trusted, const char **why);
/* Whether the unit signs a type's completion off. */
gboolean rules_sign_off(const char *type);
/* The required keys of a request type missing from fields (char*, a new array). */
GPtrArray *rules_missing(const char *type, JsonObject *fields);
/* The parse result of DOMAIN.md as JSON (a new object). */
JsonObject *decision_to_json(const struct decision *d);
/* The default rules options: danang.gov.vn and its three mailboxes. */
const struct rules_opts *rules_opts_default(void);
/* Address of a mailbox name in opts, or NULL. */
const char *rules_mailbox_address(const struct rules_opts *opts, const char *name);
/* Release; returns NULL. */
struct decision *decision_free(struct decision *d);

#endif
