/*
 * jsonget.h - members of JSON objects that may be absent, null or of
 * another type than expected: the readings, decisions and stored requests
 * phieu passes around as JSON are read through these, never with
 * json-glib's getters alone (which warn and return nonsense on a wrong
 * type).  No I/O.
 */
#ifndef PHIEU_JSONGET_H
#define PHIEU_JSONGET_H

#include <json-glib/json-glib.h>

/* A string member, or NULL when o is NULL or the member is absent, null or
   not a string. */
const char *jsonget_str(JsonObject *o, const char *key);
/* For each element of the array member list of o, in order, its string
   member key as jsonget_str gives it (NULL for an element that is no object
   or lacks it); an empty array when list is absent or no array.  The
   strings point into o; g_ptr_array_free(a, TRUE) frees the array alone. */
GPtrArray *jsonget_each_str(JsonObject *o, const char *list, const char *key);

#endif
