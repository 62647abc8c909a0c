/*
 * readwire_parts.h - what the parts of the wire share.  Private to
 * daemon/readwire*.c:
 *   readwire.c         the frames; the reader's side: a message read into
 *                      its answer's bytes
 *   readwire_answer.c  the daemon's side: an answer checked and taken apart
 *   readwire_args.c    the reader's options as arguments and back
 */
#ifndef PHIEU_READWIRE_PARTS_H
#define PHIEU_READWIRE_PARTS_H

/* The answer's version, its first four bytes. */
#define WIRE_MAGIC "PHR1"
/* Bounds of an answer: the longest one-line value, the most items in a list. */
#define WIRE_LINE_MAX  65536
#define WIRE_ITEMS_MAX 100000
#define WIRE_DEPTH_MAX 6

#endif
