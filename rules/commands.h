/*
 * commands.h - what people say in a request's mail thread.
 *
 * Staff answer in the thread with commands on lines of their own, in
 * Vietnamese with or without diacritics or in English:
 *   #lich 05/12/2026 09:00 · #schedule 2026-12-05 09:00 · "Lịch: 9h00 ngày 05/12/2026"
 *   #batdau · #start                       work started
 *   #xong [note] · #done [note]            work done
 *   #bosung <what> · #needinfo <what>      ask the unit for something missing
 *   #tuchoi <reason> · #reject <reason>    reject
 *   #huy <reason> · #cancel <reason>       cancelled (the unit withdrew it)
 *   #chiphi <amount> · #cost <amount>      a cost to settle
 *   #ghichu <text> · #note <text>          internal note
 *   #khancap <unit>: <what was done> · #emergency …   register a phoned-in emergency
 *   #tim <words> · #search <words>         (a new mail) the requests holding the words
 *   #tep · #files                          mail me the original message and attachments
 *   #nhan · #take                         the sender takes the request (its owner)
 *   #giao <staff> · #assign <staff>       give it to a staff member (address or short name)
 * commands_parse() finds them in the new text of a reply (quoted history and
 * signatures are not read) and reads their arguments: dates and times in the
 * forms people write ("9h", "9h30", "09:00", "05/12", "05/12/2026",
 * "thứ Hai 07/12", "2026-12-05"), with the year taken from the reference
 * date when missing; amounts ("1.500.000 đ", "1,5 triệu", "200k").
 * commands_is_confirmation() tells whether a unit's reply confirms the
 * completion ("Xác nhận hoàn thành", "đồng ý", "confirm", "OK, đã nhận").
 * Each command is one row of the table in commands.c.  No I/O.
 */
#ifndef PHIEU_COMMANDS_H
#define PHIEU_COMMANDS_H

#include <glib.h>

enum command_kind {
	CMD_SCHEDULE,  /* #lich */
	CMD_START,     /* #batdau */
	CMD_DONE,      /* #xong */
	CMD_NEEDINFO,  /* #bosung */
	CMD_REJECT,    /* #tuchoi */
	CMD_CANCEL,    /* #huy */
	CMD_COST,      /* #chiphi */
	CMD_NOTE,      /* #ghichu */
	CMD_EMERGENCY, /* #khancap */
	CMD_FILES,     /* #tep */
	CMD_TAKE,      /* #nhan: the sender works on it */
	CMD_ASSIGN,    /* #giao <staff>: someone else does */
	CMD_SEARCH,    /* #tim <words>: the requests holding them (a new mail) */
};

struct command {
	enum command_kind kind;
	const char *name; /* canonical Vietnamese name without '#': "lich", "xong", … */
	char *text;       /* the rest of the line (note, reason, what is missing), or NULL */
	char *date;       /* CMD_SCHEDULE: "YYYY-MM-DD", or NULL */
	char *time;       /* CMD_SCHEDULE: "HH:MM", or NULL */
	char *until;      /* CMD_SCHEDULE: end time "HH:MM" when a range was given, or NULL */
	gint64 amount;    /* CMD_COST: in đồng, or -1 when unreadable */
	char *line;       /* the line as written, for the history */
};

/* The commands in the new text of a message (ref_year/ref_month fill a
   missing year); an empty array when there are none.  Lines that start
   with '#' but name no command are listed in *unknown (may be NULL). */
GPtrArray *commands_parse(const char *text, int ref_year, int ref_month, GPtrArray *unknown);
/* Lines of the new text that look meant as commands but are none: a '#'
   word that names no command ("#lihc 05/12"), or a command written inside
   a sentence ("… thì #lich 05/12 9h nhé").  Each entry is the line, and
   for the second kind "\t" and the command as it would read on a line of
   its own; an empty array when there are none. */
GPtrArray *commands_hints(const char *text);
/* Whether a unit's reply confirms that the work is complete. */
gboolean commands_is_confirmation(const char *text);
/* Release one command (GDestroyNotify for the array). */
void command_free(gpointer c);

#endif
