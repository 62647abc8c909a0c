/*
 * commands_parts.h - what the parts of the command reader share.  Private
 * to rules/commands*.c:
 *   commands.c          the command table, a reply's new text, its commands
 *   commands_args.c     arguments: dates and times of #lich, amounts of #chiphi
 *   commands_confirm.c  whether a unit's reply confirms the completion
 */
#ifndef PHIEU_COMMANDS_PARTS_H
#define PHIEU_COMMANDS_PARTS_H

#include <glib.h>

#include "commands.h"

/* Compile a pattern once into *slot (caseless); a bad pattern is a bug. */
GRegex *commands_re(GRegex **slot, const char *pattern);
/* The byte in orig at the character that fp is at in folded (text_fold
   keeps one character per character). */
const char *commands_orig_at(const char *orig, const char *folded, const char *fp);
/* The trimmed lines of the new text of a message (char*, a new array):
   no quoted history, no signature. */
GPtrArray *commands_new_lines(const char *text);

/* commands_args.c: a date, a time and an end time from #lich's argument. */
void commands_read_schedule(struct command *c, const char *arg, int ref_year, int ref_month);
/* The amount in đồng of #chiphi and, as its text, what it is for. */
void commands_read_cost(struct command *c, const char *arg, int ref_year, int ref_month);

#endif
