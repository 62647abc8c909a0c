/*
 * readwire.h - what phieud and phieu-reader say to each other.
 *
 * The daemon starts phieu-reader (reader.c) with an empty environment and
 * tells it how to read by arguments (readwire_argv): the attachment limits,
 * the OCR languages, the labels the rules file adds, the sender
 * authentication policy, the resource limits and the user to run as.  Over
 * the reader's stdin and stdout, one job at a time: the daemon writes a frame
 * holding a flags byte and a raw message, the reader answers a frame holding
 * the answer.  A frame is a native-endian 64-bit length and that many bytes.
 *
 * The daemon never parses a message itself: MIME, headers, charsets, HTML,
 * fields, documents, OCR and the Authentication-Results headers are all read
 * in the reader, which sends back everything the daemon uses of the message
 * (struct answer).  The answer is versioned and length-checked:
 *
 *   "PHR1"  u64 n  n bytes of JSON  the parts' decoded bytes, one after another
 *
 * The JSON holds the message (its envelope, header values, text, problems and
 * each part's name, type and size), the reading (reading_to_json) and the
 * authentication verdict.  readwire_answer_parse() is the daemon's side: it
 * trusts nothing in it: the version, every length (the parts' sizes must add
 * up to the bytes that follow), every type, UTF-8 throughout, no control
 * character in a one-line value (an address, an identifier, the subject, a
 * header value, a file name), a bounded number of everything; an answer that
 * fails one check is refused whole and counts as the reader's failure.
 * Nothing here owns a process; the framing calls block and are for the
 * reader's side.
 */
#ifndef PHIEU_READWIRE_H
#define PHIEU_READWIRE_H

#include <glib.h>

#include "attach.h"
#include "authres.h"

#define READWIRE_MAX_FRAME ((guint64)1 << 31) /* 2 GiB: more is a broken peer */

/* A job's flags byte. */
#define READWIRE_HEADERS_ONLY 1 /* fetched in part: read the header block alone */
#define READWIRE_DOCUMENTS    2 /* read the documents too (else each is listed unread) */

/* How a reader is started, besides the attachment options. */
struct reader_conf {
	const char *user;  /* run as this user when started as root; NULL: stay */
	int timeout;       /* seconds of CPU one message may take (then SIGXCPU) */
	guint64 memory;    /* bytes of address space */
	gboolean announce; /* log the confinement that applies (the first reader) */
	GPtrArray *labels; /* char* "key=label", from the rules file; may be NULL */
	/* sender authentication (authres.h); auth_id NULL: From: is taken at its word */
	const char *auth_id, *auth_require;
	GPtrArray *relays; /* char*, trusted relays' addresses; may be NULL */
	GPtrArray *units;  /* char*, the configured units' names (OCR repairs towards them) */
};

/* What a reader makes of one message: all the daemon uses of it. */
struct answer {
	struct message *m;  /* NULL when failed */
	struct reading *rd; /* its body, attachments and fields read */
	gboolean authentic; /* From: authentic under the policy (TRUE without one) */
	char *auth_why;     /* how or why not */
	gboolean documents; /* it holds documents that this answer did not read */
	char *failed;       /* the reader failed on it (died, overran, broke the protocol) */
};

/* Write all of buf; -1 on error. */
int readwire_write(int fd, const void *buf, gsize len);
/* Read exactly len bytes; -1 on error or end of file. */
int readwire_read(int fd, void *buf, gsize len);
/* Read one frame into a new buffer (NUL-terminated, *len without it); NULL at
   end of file, on an error or a frame over READWIRE_MAX_FRAME. */
char *readwire_read_frame(int fd, gsize *len);
/* Write one frame; -1 on error. */
int readwire_write_frame(int fd, const void *data, gsize len);
/* Read one job (flags byte and raw message) into its answer's bytes (the
   reader's side); policy->require NULL: no sender authentication. */
GBytes *readwire_read_message(const char *job, gsize len, const struct attach_opts *o,
                              const struct auth_policy *policy);
/* Check and take apart an answer's bytes (the daemon's side); NULL with *cause
   when any check fails. */
struct answer *readwire_answer_parse(const guint8 *data, gsize len, char **cause);
/* An answer that only says the reader failed on the message. */
struct answer *answer_failed(const char *why);
/* Release; returns NULL. */
struct answer *answer_free(struct answer *a);
/* The argument vector (program path first, NULL-terminated) that starts a
   reader with these options; g_strfreev() it. */
char **readwire_argv(const char *program, const struct attach_opts *o,
                     const struct reader_conf *rc);
/* Parse a reader's arguments back into o and rc (strings point into argv;
   labels are taught to the parsers at once); -1 with *cause. */
int readwire_parse(int argc, char **argv, struct attach_opts *o, struct reader_conf *rc,
                   char **cause);

#endif
