/*
 * gazetteer.h - the names of Đà Nẵng's units and places, shipped with
 * phieu, for repairing unit names read by OCR.
 *
 * The list holds the city's departments (Sở, Ban), its districts and
 * wards and communes as they stood before and after the 2025
 * reorganisation, each place under the titles units write before it
 * ("UBND quận …", "Ủy ban nhân dân phường …").  gazetteer_match() finds
 * the entry (of the list, or of a caller's list such as the configured
 * units) that a name read with a few letters wrong stands for.  Pure: no
 * I/O, no state besides the tables.
 */
#ifndef PHIEU_GAZETTEER_H
#define PHIEU_GAZETTEER_H

#include <glib.h>

/* The unit name that name (as read) is: an entry of the gazetteer or of
   extra (NULL-terminated, may be NULL), differing from it by at most one
   letter in ten (case, tone placement and end punctuation aside), and
   nearer than any other entry.  NULL when no entry is near enough or two
   are as near.  *distance (may be NULL) is the letters changed, 0 when
   name is the entry as it is. */
const char *gazetteer_match(const char *name, const char *const *extra, int *distance);

#endif
