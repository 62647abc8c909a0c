/*
 * paths.h - where phieu's installed files are: the reader program, the
 * templates and other data.
 *
 * A program run from its build directory uses the source tree's files (the
 * reader next to it, config/templates); an installed one uses the installed
 * tree.  The installed tree is found from the running binary's own path
 * first (PREFIX/sbin/phieud -> PREFIX/share/phieu, PREFIX/libexec/phieu), so a
 * tree installed with DESTDIR or moved elsewhere works as it is; then the
 * directories compiled in at configure time.  Every result is g_malloc'ed
 * for the caller.
 */
#ifndef PHIEU_PATHS_H
#define PHIEU_PATHS_H

/* The file or directory name under phieu's data directory (datadir/phieu),
   e.g. "templates"; from the build directory, the source tree's config/. */
char *paths_data(const char *name);
/* The program name in phieu's libexec directory (libexecdir/phieu); next to
   the running binary when it is there (the build directory). */
char *paths_libexec(const char *name);

#endif
