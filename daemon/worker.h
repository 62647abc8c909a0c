/*
 * worker.h - reading messages in child processes.
 *
 * Reading a message can take long (OCR of a scanned form takes seconds a
 * page) and touches untrusted bytes with big libraries (PDF, zip, images).
 * So the daemon does it in a pool of worker processes, forked at start
 * before the database is opened, each one job at a time: the parent sends
 * the raw message over a socketpair, the worker reads it (parsers/attach.c)
 * and answers with the reading as JSON.  Workers run with no right to write
 * files, a memory limit, and, when the daemon runs as root, as nobody.  A
 * worker that crashes or overruns its time is killed and replaced; its job
 * comes back as a reading that says so, and the message is still recorded.
 * Every reading of documents happens in a worker, never in the daemon.
 * The parent never blocks on a worker: it polls the pool's sockets in its
 * main loop next to the IMAP sockets, so the mailboxes are served while a
 * scan is read.
 */
#ifndef PHIEU_WORKER_H
#define PHIEU_WORKER_H

#include <glib.h>
#include <poll.h>

#include "attach.h"

struct pool;

/* Called for each finished job with its reading (the callee owns it). */
typedef void (*pool_done_fn)(void *tag, struct reading *rd, void *arg);

/* Start n workers (at least 1: a document is never read in the calling process). */
struct pool *pool_new(int n, const struct attach_opts *o, int timeout, char **cause);
/* Queue a raw message; tag comes back with its reading. */
void pool_submit(struct pool *p, const char *data, gsize len, void *tag);
/* Fill pollfds for the workers that are busy; returns how many. */
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
