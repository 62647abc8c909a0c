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

/* The string member of each object of an array member; see jsonget.h. */
GPtrArray *
jsonget_each_str(JsonObject *o, const char *list, const char *key)
{
	GPtrArray *out = g_ptr_array_new();
	JsonNode *n = o != NULL ? json_object_get_member(o, list) : NULL;
	JsonArray *a = n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *e = json_array_get_element(a, i);
		g_ptr_array_add(out, JSON_NODE_HOLDS_OBJECT(e)
		                         ? (gpointer)jsonget_str(json_node_get_object(e), key)
		                         : NULL);
	}
	return out;
}
