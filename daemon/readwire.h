/*
 * readwire.h - what phieud and phieu-reader say to each other.
 *
 * The daemon starts phieu-reader (reader.c) with an empty environment and
 * tells it how to read by arguments (readwire_argv): the attachment limits,
 * the OCR languages, the labels the rules file adds, the resource limits
 * and the user to run as.  Over the reader's stdin and stdout, one job at a
 * time: the daemon writes a frame holding a raw message, the reader answers
 * a frame holding its reading as JSON (reading_to_json).  A frame is a
 * native-endian 64-bit length and that many bytes.  Nothing here owns a
 * process; the framing calls block and are for the reader's side.
 */
#ifndef PHIEU_READWIRE_H
#define PHIEU_READWIRE_H

#include <glib.h>

#include "attach.h"

#define READWIRE_MAX_FRAME ((guint64)1 << 31) /* 2 GiB: more is a broken peer */

/* How a reader is started, besides the attachment options. */
struct reader_conf {
	const char *user;  /* run as this user when started as root; NULL: stay */
	int timeout;       /* seconds of CPU one message may take (then SIGXCPU) */
	guint64 memory;    /* bytes of address space */
	gboolean announce; /* log the confinement that applies (the first reader) */
	GPtrArray *labels; /* char* "key=label", from the rules file; may be NULL */
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
/* Read one raw message (a reader's job) into the JSON text of its reading. */
char *readwire_read_message(const char *data, gsize len, const struct attach_opts *o);
/* The argument vector (program path first, NULL-terminated) that starts a
   reader with these options; g_strfreev() it. */
char **readwire_argv(const char *program, const struct attach_opts *o,
                     const struct reader_conf *rc);
/* Parse a reader's arguments back into o and rc (strings point into argv;
   labels are taught to the parsers at once); -1 with *cause. */
int readwire_parse(int argc, char **argv, struct attach_opts *o, struct reader_conf *rc,
                   char **cause);

#endif
