/* readwire_answer.c - the daemon's side of the wire: an answer's bytes
   checked and taken apart, trusting nothing in them; see readwire.h.  Each
   check sets *cause and returns FALSE. */
#include "readwire.h"
#include "readwire_parts.h"

#include <string.h>

#include "fields.h"
#include "message.h"

/* Whether a one-line value is acceptable: short enough, no control character. */
static gboolean
ok_line(const char *s)
{
	gsize n = 0;

	for (const char *p = s; *p != '\0'; p++, n++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			return FALSE;
	return n <= WIRE_LINE_MAX;
}

/* Take an optional one-line string member (NULL when absent). */
static gboolean
get_line(JsonObject *o, const char *name, gboolean needed, char **out, char **cause)
{
	JsonNode *n = json_object_get_member(o, name);

	*out = NULL;
	if (n == NULL) {
		if (needed)
			*cause = g_strdup_printf("\"%s\" is missing", name);
		return !needed;
	}
	if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING ||
	    !ok_line(json_node_get_string(n))) {
		*cause = g_strdup_printf("\"%s\" is not a one-line string", name);
		return FALSE;
	}
	*out = g_strdup(json_node_get_string(n));
	return TRUE;
}

/* Take an integer member. */
static gboolean
get_int(JsonObject *o, const char *name, gint64 min, gint64 max, gint64 *out, char **cause)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_INT64 ||
	    json_node_get_int(n) < min || json_node_get_int(n) > max) {
		*cause = g_strdup_printf("\"%s\" is not a number in range", name);
		return FALSE;
	}
	*out = json_node_get_int(n);
	return TRUE;
}

/* Take a boolean member. */
static gboolean
get_bool(JsonObject *o, const char *name, gboolean *out, char **cause)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n) ||
	    json_node_get_value_type(n) != G_TYPE_BOOLEAN) {
		*cause = g_strdup_printf("\"%s\" is not a boolean", name);
		return FALSE;
	}
	*out = json_node_get_boolean(n);
	return TRUE;
}

/* An array member with at most WIRE_ITEMS_MAX items, or NULL. */
static JsonArray *
get_array(JsonObject *o, const char *name, char **cause)
{
	JsonNode *n = json_object_get_member(o, name);

	if (n == NULL || !JSON_NODE_HOLDS_ARRAY(n) ||
	    json_array_get_length(json_node_get_array(n)) > WIRE_ITEMS_MAX) {
		*cause = g_strdup_printf("\"%s\" is not a list of at most %d items", name,
		                         WIRE_ITEMS_MAX);
		return NULL;
	}
	return json_node_get_array(n);
}

/* Take a list of one-line strings into out (char*, freed with it). */
static gboolean
get_lines(JsonObject *o, const char *name, GPtrArray *out, char **cause)
{
	JsonArray *a = get_array(o, name, cause);

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING ||
		    !ok_line(json_node_get_string(n))) {
			*cause = g_strdup_printf(
			    "\"%s\" holds an item that is not a one-line string", name);
			return FALSE;
		}
		g_ptr_array_add(out, g_strdup(json_node_get_string(n)));
	}
	return a != NULL;
}

/* The static name in table equal to s, or NULL. */
static const char *
known_name(const char *s, const char *const *table)
{
	for (int i = 0; s != NULL && table[i] != NULL; i++)
		if (strcmp(s, table[i]) == 0)
			return table[i];
	return NULL;
}

/* Take the message's envelope, text and lists. */
static gboolean
take_envelope(JsonObject *o, struct message *m, char **cause)
{
	static const char *const sources[] = {"plain", "html", "raw", "none", NULL};
	gint64 v;
	char *src = NULL;
	JsonNode *text = json_object_get_member(o, "text");

	if (!get_line(o, "message_id", FALSE, &m->message_id, cause) ||
	    !get_line(o, "in_reply_to", FALSE, &m->in_reply_to, cause) ||
	    !get_lines(o, "references", m->references, cause) ||
	    !get_line(o, "from_addr", FALSE, &m->from_addr, cause) ||
	    !get_line(o, "from_name", FALSE, &m->from_name, cause) ||
	    !get_line(o, "reply_to_addr", FALSE, &m->reply_to_addr, cause) ||
	    !get_lines(o, "to", m->to, cause) || !get_lines(o, "cc", m->cc, cause) ||
	    !get_line(o, "subject", TRUE, &m->subject, cause) ||
	    !get_line(o, "content_type", FALSE, &m->content_type, cause) ||
	    !get_line(o, "report_type", FALSE, &m->report_type, cause) ||
	    !get_lines(o, "problems", m->problems, cause) ||
	    !get_bool(o, "broken_multipart", &m->broken_multipart, cause))
		return FALSE;
	if (!get_int(o, "date", G_MININT64, G_MAXINT64, &m->date, cause) ||
	    !get_int(o, "date_year", 0, 9999, &v, cause))
		return FALSE;
	m->date_year = (int)v;
	if (!get_int(o, "date_month", 0, 12, &v, cause))
		return FALSE;
	m->date_month = (int)v;
	if (!get_int(o, "size", 0, (gint64)READWIRE_MAX_FRAME, &v, cause))
		return FALSE;
	m->size = (gsize)v;
	if (!get_line(o, "text_source", TRUE, &src, cause))
		return FALSE;
	m->text_source = known_name(src, sources);
	g_free(src);
	if (m->text_source == NULL) {
		*cause = g_strdup("\"text_source\" is not one of the known sources");
		return FALSE;
	}
	if (text == NULL || !JSON_NODE_HOLDS_VALUE(text) ||
	    json_node_get_value_type(text) != G_TYPE_STRING) {
		*cause = g_strdup("\"text\" is not a string");
		return FALSE;
	}
	for (const char *p = json_node_get_string(text); *p != '\0'; p++)
		if (((guchar)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f) {
			*cause = g_strdup("\"text\" holds a control character");
			return FALSE;
		}
	m->text = g_strdup(json_node_get_string(text));
	return TRUE;
}

/* Take the header values (name, value pairs). */
static gboolean
take_headers(JsonObject *o, struct message *m, char **cause)
{
	JsonArray *a = get_array(o, "headers", cause);

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		JsonArray *pair = JSON_NODE_HOLDS_ARRAY(n) ? json_node_get_array(n) : NULL;
		const char *kv[2] = {NULL, NULL};
		for (guint k = 0; pair != NULL && k < 2 && json_array_get_length(pair) == 2; k++) {
			JsonNode *e = json_array_get_element(pair, k);
			if (JSON_NODE_HOLDS_VALUE(e) &&
			    json_node_get_value_type(e) == G_TYPE_STRING &&
			    ok_line(json_node_get_string(e)))
				kv[k] = json_node_get_string(e);
		}
		if (kv[0] == NULL || kv[1] == NULL || *kv[0] == '\0') {
			*cause = g_strdup("a header is not a pair of one-line strings");
			return FALSE;
		}
		struct msg_header *h = g_new0(struct msg_header, 1);
		h->name = g_strdup(kv[0]);
		h->value = g_strdup(kv[1]);
		g_ptr_array_add(m->headers, h);
	}
	return a != NULL;
}

/* Take the parts, their bytes cut from blob in order: the sizes must add
   up to the blob exactly. */
static gboolean
take_parts(JsonObject *o, struct message *m, GBytes *blob, char **cause)
{
	JsonArray *a = get_array(o, "parts", cause);
	gsize at = 0, total = g_bytes_get_size(blob);

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++) {
		JsonNode *n = json_array_get_element(a, i);
		JsonObject *j = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
		struct msg_part *p;
		gint64 size;
		if (j == NULL) {
			*cause = g_strdup("a part is not an object");
			return FALSE;
		}
		p = g_new0(struct msg_part, 1);
		g_ptr_array_add(m->parts, p);
		if (!get_line(j, "filename", FALSE, &p->filename, cause) ||
		    !get_line(j, "content_type", TRUE, &p->content_type, cause) ||
		    !get_bool(j, "attachment", &p->attachment, cause) ||
		    !get_int(j, "size", 0, (gint64)(total - at), &size, cause))
			return FALSE;
		p->data = g_bytes_new_from_bytes(blob, at, (gsize)size);
		at += (gsize)size;
	}
	if (a != NULL && at != total) {
		*cause =
		    g_strdup_printf("the parts' sizes add up to %zu bytes, %zu follow", at, total);
		return FALSE;
	}
	return a != NULL;
}

/* Whether a JSON value is plain data of bounded depth: strings (no control
   character but newline and tab), numbers, booleans, null, lists, objects. */
static gboolean
plain_data(JsonNode *n, int depth)
{
	if (depth > WIRE_DEPTH_MAX)
		return FALSE;
	if (JSON_NODE_HOLDS_NULL(n))
		return TRUE;
	if (JSON_NODE_HOLDS_VALUE(n)) {
		if (json_node_get_value_type(n) != G_TYPE_STRING)
			return TRUE;
		for (const char *p = json_node_get_string(n); *p != '\0'; p++)
			if (((guchar)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
				return FALSE;
		return TRUE;
	}
	if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		if (json_array_get_length(a) > WIRE_ITEMS_MAX)
			return FALSE;
		for (guint i = 0; i < json_array_get_length(a); i++)
			if (!plain_data(json_array_get_element(a, i), depth + 1))
				return FALSE;
		return TRUE;
	}
	JsonObject *o = json_node_get_object(n);
	GList *members = json_object_get_members(o);
	gboolean ok = g_list_length(members) <= WIRE_ITEMS_MAX;
	for (GList *l = members; ok && l != NULL; l = l->next)
		ok = ok_line(l->data) && plain_data(json_object_get_member(o, l->data), depth + 1);
	g_list_free(members);
	return ok;
}

/* Take the reading: plain data, its fields an object of plain values. */
static struct reading *
take_reading(JsonObject *o, char **cause)
{
	JsonNode *n = json_object_get_member(o, "reading");
	struct reading *rd = NULL;

	if (n != NULL && JSON_NODE_HOLDS_OBJECT(n) && plain_data(n, 0)) {
		JsonObject *r = json_node_get_object(n);
		JsonNode *f = json_object_get_member(r, "fields");
		JsonNode *s = json_object_get_member(r, "sources");
		if (f != NULL && JSON_NODE_HOLDS_OBJECT(f) && s != NULL &&
		    JSON_NODE_HOLDS_OBJECT(s))
			rd = reading_from_json(r);
	}
	if (rd == NULL)
		*cause = g_strdup("\"reading\" is not a reading");
	return rd;
}

/* Check and take apart an answer. */
struct answer *
readwire_answer_parse(const guint8 *data, gsize len, char **cause)
{
	struct answer *a = g_new0(struct answer, 1);
	JsonParser *parser = NULL;
	JsonObject *o, *mo;
	JsonNode *root, *mn;
	GBytes *blob = NULL;
	guint64 jlen;

	if (len < 4 + sizeof jlen || memcmp(data, WIRE_MAGIC, 4) != 0) {
		*cause = g_strdup("not an answer of this version (" WIRE_MAGIC ")");
		goto fail;
	}
	memcpy(&jlen, data + 4, sizeof jlen);
	if (jlen > len - 4 - sizeof jlen) {
		*cause = g_strdup_printf(
		    "its JSON claims %" G_GUINT64_FORMAT " bytes, fewer follow", jlen);
		goto fail;
	}
	const char *text = (const char *)data + 4 + sizeof jlen;
	if (!g_utf8_validate(text, (gssize)jlen, NULL)) {
		*cause = g_strdup("its JSON is not UTF-8");
		goto fail;
	}
	parser = json_parser_new();
	if (!json_parser_load_from_data(parser, text, (gssize)jlen, NULL) ||
	    (root = json_parser_get_root(parser)) == NULL || !JSON_NODE_HOLDS_OBJECT(root)) {
		*cause = g_strdup("its JSON is not an object");
		goto fail;
	}
	o = json_node_get_object(root);
	mn = json_object_get_member(o, "message");
	if (mn == NULL || !JSON_NODE_HOLDS_OBJECT(mn)) {
		*cause = g_strdup("\"message\" is not an object");
		goto fail;
	}
	mo = json_node_get_object(mn);
	blob = g_bytes_new(text + jlen, len - 4 - sizeof jlen - (gsize)jlen);
	a->m = message_new(0);
	if (!take_envelope(mo, a->m, cause) || !take_headers(mo, a->m, cause) ||
	    !take_parts(mo, a->m, blob, cause) || (a->rd = take_reading(o, cause)) == NULL ||
	    !get_bool(o, "authentic", &a->authentic, cause) ||
	    !get_bool(o, "documents", &a->documents, cause) ||
	    !get_line(o, "auth_why", TRUE, &a->auth_why, cause))
		goto fail;
	g_bytes_unref(blob);
	g_object_unref(parser);
	return a;
fail:
	if (blob != NULL)
		g_bytes_unref(blob);
	if (parser != NULL)
		g_object_unref(parser);
	answer_free(a);
	return NULL;
}

/* An answer that only says the reader failed. */
struct answer *
answer_failed(const char *why)
{
	struct answer *a = g_new0(struct answer, 1);

	a->failed = g_strdup(why);
	return a;
}

/* Release an answer. */
struct answer *
answer_free(struct answer *a)
{
	if (a == NULL)
		return NULL;
	message_free(a->m);
	reading_free(a->rd);
	g_free(a->auth_why);
	g_free(a->failed);
	g_free(a);
	return NULL;
}
