/*
 * confine.h - what a reader process gives up before it reads anything.
 *
 * phieu-reader calls confine_user() first (as root: new network and IPC
 * namespaces, then the reader user for good), loads what it needs from
 * disk (Tesseract's language data), then confine_apply(): parent-death
 * signal, resource limits (CPU, open files, address space, no core),
 * no_new_privs, Landlock (read-only access to the data and
 * library directories it needs, no write anywhere) and a seccomp
 * allow-list (no socket, no unlink, rename or truncate, open only for
 * reading, threads but no new processes, no exec).  Each layer the kernel
 * lacks or refuses is skipped and said so in the report, except seccomp
 * and no_new_privs: without them confine_apply() fails.  confine_seal()
 * then forbids writing any file (RLIMIT_FSIZE 0), once the report is logged.
 *
 * confine_selftest() checks the layers from outside: in a child per act it
 * confines and then tries a forbidden act (open for writing, create,
 * unlink, truncate, rename, connect a socket, start a process).
 */
#ifndef PHIEU_CONFINE_H
#define PHIEU_CONFINE_H

#include <glib.h>

struct confine_opts {
	const char *user; /* become this user when root; NULL: stay */
	int cpu_seconds;  /* RLIMIT_CPU until the first job */
	guint64 memory;   /* RLIMIT_AS in bytes */
	const char *const
	    *paths; /* extra directories read (tessdata), NULL-terminated; may be NULL */
};

/* Namespaces (where permitted) and the reader user; appends what applied to
   report; -1 with *cause when the user cannot be taken. */
int confine_user(const struct confine_opts *co, GString *report, char **cause);
/* The other layers; appends what applied to report; -1 with *cause when
   no_new_privs or seccomp cannot be applied. */
int confine_apply(const struct confine_opts *co, GString *report, char **cause);
/* The last limit, after the report is logged: no file is written (RLIMIT_FSIZE
   0, SIGXFSZ ignored so a write fails instead). */
void confine_seal(void);
/* Allow one more job seconds of CPU from now (the soft RLIMIT_CPU). */
void confine_cpu_job(int seconds);
/* Try every forbidden act in a confined child, print one line each to
   stdout; 0 when all were refused, 1 otherwise. */
int confine_selftest(const struct confine_opts *co);

#endif
