/* normalise_parts.h - what the files of the normalise module share; not
   for other modules (they include normalise.h). */
#ifndef PHIEU_NORMALISE_PARTS_H
#define PHIEU_NORMALISE_PARTS_H

#include <glib.h>

/* Compile a pattern once (case-insensitive); a bad constant pattern aborts. */
GRegex *norm_re(GRegex **slot, const char *pattern);

/* Integer value of a numbered capture group, -1 when it did not match. */
int norm_group_int(GMatchInfo *mi, int n);

#endif
