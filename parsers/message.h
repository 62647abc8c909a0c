/*
 * message.h - one raw e-mail message read into the parts phieu uses.
 *
 * message_parse() takes the raw bytes of one RFC 5322 message and returns a
 * struct message that owns copies of everything: the decoded headers (RFC
 * 2047/2231 through GMime, converted to UTF-8 NFC), the addresses (lower
 * case), the text of the body (text/plain preferred, else text/html turned
 * into text; format=flowed undone; every charset converted to UTF-8 NFC),
 * and the attachments with their decoded bytes.  It never fails: broken
 * MIME, unknown charsets and missing headers are recorded in problems[] and
 * as much as possible is still read.  All members are read-only for the
 * caller; message_free() releases everything.  No I/O.
 */
#ifndef PHIEU_MESSAGE_H
#define PHIEU_MESSAGE_H

#include <glib.h>

struct msg_header {
	char *name;
	char *value; /* decoded, UTF-8, unfolded */
};

struct msg_part {
	char *filename;     /* decoded, NULL when none */
	char *content_type; /* "type/subtype", lower case */
	GBytes *data;       /* decoded content */
	gboolean attachment;
};

struct message {
	char *message_id; /* without <>, NULL when missing */
	char *in_reply_to;
	GPtrArray *references; /* char*, oldest first */
	char *from_addr;       /* lower case, NULL when missing */
	char *from_name;
	char *reply_to_addr;
	GPtrArray *to, *cc; /* char*, lower case addresses */
	char *subject;      /* decoded, never NULL */
	gint64 date;        /* seconds since the epoch, 0 when missing or bad */
	int date_year, date_month;
	char *text;              /* body as text, NFC, never NULL */
	const char *text_source; /* "plain", "html", "raw" (MIME unreadable) or "none" */
	gboolean broken_multipart;
	GPtrArray *parts;    /* struct msg_part*, every non-body leaf */
	GPtrArray *headers;  /* struct msg_header*, top-level, in order */
	GPtrArray *problems; /* char*, what was wrong with the input */
	char *content_type;  /* of the top-level entity, lower case */
	char *report_type;   /* multipart/report; report-type, or NULL */
	gsize size;
};

/* Initialise GMime once per process (reading and composing both need it). */
void message_init(void);
/* An empty message of size bytes (the daemon fills one from a reader's answer). */
struct message *message_new(gsize size);
/* Read one message; never NULL. */
struct message *message_parse(const char *data, gsize len);
/* First top-level header of that name (case-insensitive), or NULL. */
const char *message_header(const struct message *m, const char *name);
/* Release; returns NULL. */
struct message *message_free(struct message *m);

#endif
