/*
 * spool.h - files kept beside the database, under their SHA-256.
 *
 * The spool holds what must outlive the database rows that name it: every
 * raw message received (raw/ab/ab….eml), every attachment (att/ab/ab…) and
 * the body of every reply once it was sent (sent/ab/ab….eml).  Files are
 * content-addressed and written once: a file is written to a temporary name
 * and renamed into place.  An existing file is trusted only when its bytes
 * still hash to its name; one that does not (a truncated write from before a
 * crash, a damaged disk) is written again.  spool_sync() makes what was
 * written since the last call durable — each file and the directories its
 * rename changed — and is called before the database commit that names
 * them.  Every error comes back as -1 with *cause; the spool owns nothing of
 * the caller's.
 */
#ifndef PHIEU_SPOOL_H
#define PHIEU_SPOOL_H

#include <glib.h>

struct spool;

/* The spool under dir (created, mode 0750); NULL with *cause. */
struct spool *spool_open(const char *dir, char **cause);
/* Keep data in spool/kind/xx/ under its digest (".eml" for kinds that are
   mail); *path gets the file's path.  sha may be NULL; *sha is the data's
   SHA-256 (hex) when the caller has it already, else NULL and set to it. */
int spool_put(struct spool *sp, const char *kind, gboolean mail, const char *data, gsize len,
              char **path, char **sha, char **cause);
/* Make the files put since the last call durable, with their directories. */
int spool_sync(struct spool *sp, char **cause);
/* Whether the last failure was the disk's (full, read-only, I/O error). */
gboolean spool_faulted(const struct spool *sp);
struct spool *spool_close(struct spool *sp);

#endif
