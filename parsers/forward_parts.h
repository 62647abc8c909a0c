/*
 * forward_parts.h - what forward.c (forwards cut into levels) and
 * forward_history.c (a reply's quoted history) share: the marker lines, the
 * header blocks and the quoting of lines.  Private to the forward module.
 */
#ifndef PHIEU_FORWARD_PARTS_H
#define PHIEU_FORWARD_PARTS_H

#include <glib.h>

/* Forwards inside forwards followed at most this deep. */
#define FORWARD_MAX_LEVELS 8

/* What a marker line announces. */
enum mark { M_NONE, M_FORWARD, M_AMBIGUOUS, M_RULE, M_END };

/* The role of a line in a forwarded message's header block. */
enum role { H_FROM, H_DATE, H_TO, H_CC, H_SUBJECT, H_OTHER, H_ROLES };

/* A header block: where it is and what it says. */
struct block {
	guint start, end; /* lines [start, end) */
	guint roles;      /* 1 << role for each role seen */
	int count;
	const char *from, *subject; /* values, pointing into the lines */
	const char *from_more;      /* the From: value's second line ("<a@b>"), or NULL */
};

/* Compile the tables' patterns (once per process). */
void forward_init(void);
/* Whether a line is quoted ("> x", up to three spaces before). */
gboolean forward_quoted(const char *s);
/* A line with one level of quoting taken off. */
char *forward_unquote(const char *s);
/* Whether a line holds only white space. */
gboolean forward_blank(const char *s);
/* The marker a line is, and its shape (shape may be NULL). */
enum mark forward_mark_of(const char *line, const char **shape);
/* Whether a line (with the next) opens a reply's quoted history. */
gboolean forward_opens_history(const char *line, const char *next);
/* The header block starting at line i (at most skip blank lines before it);
   FALSE when there is none. */
gboolean forward_block_at(char **lines, guint n, guint i, guint skip, struct block *b);
/* Whether a block is an Outlook-style block without a marker. */
gboolean forward_block_is_bare(char **lines, const struct block *b);

#endif
