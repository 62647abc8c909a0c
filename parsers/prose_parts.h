/*
 * prose_parts.h - what the parts of the sentence reader share: sentences,
 * the patterns over folded text, the reading state.  Private to
 * parsers/prose*.c:
 *   prose.c           the entry point of prose.h: sentences, the unit
 *                     named in them, the signature, settling the fields
 *   prose_patterns.c  the patterns, compiled once, and finding them in a
 *                     folded sentence; offsets between folded and written
 *   prose_fields.c    what a sentence says: people, mailbox actions,
 *                     names and addresses, dates, purposes, support
 */
#ifndef PHIEU_PROSE_PARTS_H
#define PHIEU_PROSE_PARTS_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "fields.h"

/* One sentence: as written, and folded (one character for one, so that
   character offsets line up between the two). */
struct sent {
	char *o, *f;
};

/* What a sentence's people are, decided by its words. */
enum role { R_OTHER, R_CONTACT, R_ADMIN, R_LIST };

/* Patterns over folded text, compiled once: each is one row. */
enum pat {
	P_GREETING,
	P_CLOSING,
	P_REQUEST,
	P_SUBJECT_VERB,
	P_ON_BEHALF,
	P_OF_UNIT,
	P_OF_THE,
	P_CONTACT,
	P_ADMIN,
	P_LIST,
	P_MAILBOX,
	P_SUBDOMAIN_WORD,
	P_WEBSITE_WORD,
	P_HOST,
	P_URL,
	P_ID,
	P_PHONE_RUN,
	P_LONG_NUMBER,
	P_REASON,
	P_LETTER,
	P_PURPOSE,
	P_FOR_AFTER_HOST,
	P_LOCATION,
	P_LOCATION_END,
	P_PROBLEM,
	P_POSITION,
	P_DEPARTMENT,
	P_PURPOSE_END,
	P_ID_WORD,
	P_ID_BARE,
	P_UNIT_END,
	P_URGENT,
	P_QUESTION,
	P_OTHER_EVENT,
	P_VISIT,
	P_LOCATION_IS,
	P_LETTER_DATE,
	P_COUNT
};

/* Reading state over the sentences. */
struct prose {
	const struct fields_opts *opts;
	JsonObject *fields;
	JsonArray *people;
	char *other_name, *other_phone, *other_email; /* first person with no role */
	gboolean when_done;
	gboolean list_open; /* a sentence about a list ended with ':' */
	gboolean mailbox;   /* a sentence so far spoke of a mailbox */
	JsonObject *self;   /* the writer, as they said who they are, or NULL */
};

/* prose_patterns.c */
/* The patterns compiled (prose_init), one per enum pat; a courtesy word and
   a name; where a sentence ends. */
extern GRegex *prose_res[P_COUNT];
extern GRegex *prose_name_re, *prose_split_re;
/* Compile the patterns. */
void prose_init(void);
/* Whether folded text matches a pattern. */
gboolean prose_has(enum pat p, const char *f);
/* The byte offset in the folded text of a byte offset in the original. */
gsize prose_f_of_o(const struct sent *s, gsize ob);
/* The original text of the folded byte range [fb, fe), squeezed. */
char *prose_o_of_f(const struct sent *s, gsize fb, gsize fe);
/* Set a string member unless it is there; takes value. */
void prose_put(JsonObject *o, const char *key, char *value);
/* The first capture of a pattern in folded text [b, e), as offsets. */
gboolean prose_find(enum pat p, const char *f, gsize b, gsize e, int group, int *mb, int *me);
/* Blank out (with spaces) every match of a pattern in a folded copy. */
void prose_blank_all(enum pat p, char *f);
/* Capitalise the first letter of a value (a position or department as a
   form would write it); takes v. */
char *prose_capital(char *v);

/* prose.c */
/* Whether a folded phrase names a unit: its first word, or its last in
   English ("Hai Chau District People's Committee"); at most 16 words. */
gboolean prose_is_unit(const char *f);

/* prose_fields.c */
/* The people of a sentence, each by the sentence's role. */
void prose_read_people(struct prose *x, const struct sent *s);
/* The mailbox action of a sentence about a mailbox. */
void prose_read_action(struct prose *x, const struct sent *s);
/* The sub-domain, website and IP address a sentence names; the purpose
   of a sub-domain after it ("… for our document system"). */
void prose_read_names(struct prose *x, const struct sent *s);
/* The date and times of the request, from the first sentence giving one
   (a reason clause, a cited letter, phone and identity numbers aside). */
void prose_read_when(struct prose *x, const struct sent *s);
/* The purpose after "để", "nhằm", "in order to", "to <verb>". */
void prose_read_purpose(struct prose *x, const struct sent *s);
/* The place of support ("tại tầng 3, tòa nhà …") and its category. */
void prose_read_support(struct prose *x, const struct sent *s, gboolean problem);
/* A mailbox sentence naming nobody, after the writer said who they are:
   the account is the writer's own. */
void prose_read_own_mailbox(struct prose *x, const struct sent *s);
/* A phone or e-mail written outside any person's words: the contact's
   when nobody else gives one. */
void prose_read_loose(struct prose *x, const struct sent *s);

#endif
