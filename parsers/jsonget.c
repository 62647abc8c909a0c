/* jsonget.c - members of JSON objects that may be missing; see jsonget.h. */
#include "jsonget.h"

/* A string member, or NULL. */
const char *
jsonget_str(JsonObject *o, const char *key)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return json_node_get_string(n);
}
