/*
 * worker.h - reading messages in reader processes.
 *
 * Reading a message can take long (OCR of a scanned form takes seconds a
 * page) and touches untrusted bytes with big libraries (PDF, zip, images).
 * So the daemon does it in a pool of reader processes, started before the
 * database is opened and before phieud leaves root, each one job at a time.
 * A reader is the program phieu-reader (reader.c), found next to the
 * daemon's binary, else in the libexecdir it was installed to, started with
 * fork and exec and an empty environment: none of the daemon's memory
 * (passwords) is in it.  Its options are its arguments, its stdin and stdout
 * the channel (readwire.h): the daemon sends the raw message, the reader
 * answers with the reading as JSON.  The reader confines itself
 * (confine.h) and, when the daemon was started as root, runs as
 * reader_user; a reader restarted after phieud left root runs as phieud's
 * user.  A reader that crashes or overruns its time is killed and replaced;
 * its job comes back as an answer that says so, counted against the
 * message (set aside after quarantine_after failures).  Every reading of a
 * message's bytes happens in a reader, never in the daemon.  The daemon never blocks on a reader:
 * the pipes are non-blocking, polled in the main loop next to the IMAP sockets, and a job has a
 * deadline, so the mailboxes are served while a scan is read.
 */
#ifndef PHIEU_WORKER_H
#define PHIEU_WORKER_H

#include <glib.h>
#include <poll.h>

#include "attach.h"
#include "config.h"
#include "readwire.h"

struct pool;

/* Called for each finished job with its answer (the callee owns it). */
typedef void (*pool_done_fn)(void *tag, struct answer *a, void *arg);

/* Start cfg->workers readers (at least 1: a document is never read in the
   calling process) reading with o; NULL with *cause. */
struct pool *pool_new(const struct config *cfg, const struct attach_opts *o, char **cause);
/* Queue a raw message (flags: READWIRE_HEADERS_ONLY or 0); tag comes back
   with its answer. */
void pool_submit(struct pool *p, const char *data, gsize len, guint8 flags, void *tag);
/* Fill pollfds for the workers that are busy (answer to read, job to
   send); returns how many. */
int pool_pollfds(struct pool *p, struct pollfd *fds, int max);
/* After poll(): collect answers, restart dead or late workers, start queued jobs. */
void pool_collect(struct pool *p, pool_done_fn done, void *arg);
/* Jobs queued or running. */
int pool_busy(const struct pool *p);
/* Seconds until the next job overruns its time (for the poll timeout), -1 if none. */
int pool_next_deadline(const struct pool *p);
/* Stop the workers; returns NULL. */
struct pool *pool_free(struct pool *p);

#endif
