/*
 * backup.h - backing phieu's data up and checking it (phieuctl backup, verify).
 *
 * backup_run() copies the database into DIR/phieu.db with SQLite's online
 * backup API (a consistent snapshot while phieud writes), then the spool into
 * DIR/spool, incrementally: spool files are named by their SHA-256 and never
 * change, so a file already in DIR/spool with its size is not copied again.
 * The database is copied first: every file it names was written (and synced)
 * before the commit that named it, so the spool copied after holds them all.
 * DIR/MANIFEST.json says when, what version, the database's size and
 * SHA-256, and the spool's files and bytes.
 *
 * backup_verify() checks a database and a spool, live or backed up: PRAGMA
 * integrity_check, every spool file the database names there and hashing to
 * its name, and the files nobody names (orphans, reported, not an error).
 * Both append lines for people to report; errors come back with *cause.
 */
#ifndef PHIEU_BACKUP_H
#define PHIEU_BACKUP_H

#include <glib.h>

#include "config.h"
#include "store.h"

/* Back st and cfg->spool up into dir (created 0750); 0, or -1 with *cause. */
int backup_run(struct store *st, const struct config *cfg, const char *dir, GString *report,
               char **cause);
/* Retention: remove the spool files of the requests final (closed,
   rejected, cancelled) for more than cfg->retention_days at now, keeping
   their rows and history (a spool_pruned event says what was removed); a
   file another request or the quarantine still names is kept.  Returns the
   files removed, -1 with *cause. */
int backup_prune(struct store *st, const struct config *cfg, gint64 now, GString *report,
                 char **cause);
/* Verify st and the spool at spool_root (the database's paths under
   live_spool are looked for there).  Returns the problems found (0: all
   good), -1 with *cause when the check itself could not run. */
int backup_verify(struct store *st, const char *live_spool, const char *spool_root, GString *report,
                  char **cause);

#endif
