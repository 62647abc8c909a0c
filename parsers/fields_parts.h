/*
 * fields_parts.h - what the two halves of the field reader share.  Private
 * to parsers/fields*.c:
 *   fields_labels.c  the labels: the tables of top-level labels, list
 *                    columns and options with their wordings, the rules
 *                    file's labels, matching a written label to its key
 *                    (exact, then by edit distance), check boxes and options
 *   fields.c         the line loop: sections, lists of people, values set
 *                    by their kind (the table of setters), prose beside labels
 */
#ifndef PHIEU_FIELDS_PARTS_H
#define PHIEU_FIELDS_PARTS_H

#include <glib.h>

/* What a label's value is, and so how it is read. */
enum kind {
	K_TEXT,      /* free text */
	K_PHONE,     /* phone number */
	K_EMAIL,     /* e-mail address */
	K_DATE,      /* date */
	K_WHEN,      /* date/time whose meaning depends on the type: "_when" */
	K_VISIT,     /* server-room visit: date and time range */
	K_TIME_FROM, /* server-room entry time */
	K_TIME_TO,   /* server-room exit time */
	K_URL,       /* website address */
	K_IP,        /* IPv4 address */
	K_LETTER,    /* official letter number */
	K_SUBDOMAIN, /* sub-domain name */
	K_BOOL,      /* yes/no, maybe as check boxes */
	K_CHOICE,    /* one of a set of options, maybe as check boxes */
	K_IGNORE,    /* known label whose value phieu does not keep */
	K_PASSWORD,  /* a credential: noted, never kept */
	K_ADMIN,     /* starts the sub-domain administrator block */
	K_LIST,      /* starts a list of people */
	K_ID,        /* identity card or passport number */
};

struct slot {
	const char *key;
	enum kind kind;
	const char *aliases; /* folded labels, '|' between them */
};

/* Columns of a person in a list (accounts or visitors). */
struct column {
	const char *key;
	enum kind kind;
	const char *aliases;
};

/* Options for choice fields, folded words, most specific first. */
struct option {
	const char *key;
	const char *value;
	const char *words;
};

/* An alias list split into folded, normalised labels. */
struct aliases {
	char **v;
	int n;
	int builtin; /* the first builtin come from the tables, the rest from a rules file */
};

extern const struct slot fields_slots[];
extern const gsize fields_n_slots;
extern const struct column fields_columns[];
extern const gsize fields_n_columns;
extern const struct option fields_options[];
extern const gsize fields_n_options;
extern const gunichar fields_marks_on[];
extern const gsize fields_n_marks_on;
extern const gunichar fields_marks_off[];
extern const gsize fields_n_marks_off;

/* Normalise a label for matching: folded, no parentheses, no punctuation
   except '/' and '-', single spaces. */
char *fields_label_norm(const char *label);
/* Build the alias tables once per process. */
void fields_tables_load(void);
/* The top-level slot a normalised label names, or -1. */
int fields_slot_match(const char *label, int *score);
/* The person column a normalised label names, or -1. */
int fields_column_match(const char *label, int *score);
/* Whether c is in a zero-terminated list. */
gboolean fields_uni_in(gunichar c, const gunichar *list);
/*
 * The options ticked in a value.  "[x] A [ ] B", "☑ A ☐ B", "(x) A".
 * Returns NULL when the value has no check boxes at all, else an array
 * (maybe empty) of the ticked options' text.
 */
GPtrArray *fields_checked_options(const char *value);
/* The option value of key that text names, or NULL.  With strict set (a
   value without check boxes), text that is nothing but two or more options
   ("Khẩn cấp  Bình thường") is the form's list of choices with no tick
   that survived, not an answer: NULL. */
const char *fields_option_match(const char *key, const char *text, gboolean strict);

#endif
