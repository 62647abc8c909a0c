/* readwire.c - what phieud and phieu-reader say to each other; see readwire.h. */
#include "readwire.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "message.h"

/* Write all of buf (also the spool's files); -1 with errno set. */
int
readwire_write(int fd, const void *buf, gsize len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (gsize)n;
	}
	return 0;
}

/* Read exactly len bytes. */
int
readwire_read(int fd, void *buf, gsize len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (gsize)n;
	}
	return 0;
}

/* Read one frame. */
char *
readwire_read_frame(int fd, gsize *len)
{
	guint64 l;
	char *data;

	if (readwire_read(fd, &l, sizeof l) != 0 || l > READWIRE_MAX_FRAME)
		return NULL;
	data = g_malloc(l + 1);
	if (readwire_read(fd, data, l) != 0) {
		g_free(data);
		return NULL;
	}
	data[l] = '\0';
	*len = l;
	return data;
}

/* Write one frame. */
int
readwire_write_frame(int fd, const void *data, gsize len)
{
	guint64 l = len;

	return readwire_write(fd, &l, sizeof l) == 0 && readwire_write(fd, data, len) == 0 ? 0 : -1;
}

/* The answer's version, its first four bytes. */
#define WIRE_MAGIC "PHR1"
/* Bounds of an answer: the longest one-line value, the most items in a list. */
#define WIRE_LINE_MAX  65536
#define WIRE_ITEMS_MAX 100000
#define WIRE_DEPTH_MAX 6

/* A one-line value as an answer carries it: valid UTF-8, control characters
   as spaces, at most WIRE_LINE_MAX bytes (cut between characters). */
static char *
wire_line(const char *s)
{
	char *v = g_utf8_make_valid(s, -1);

	for (char *p = v; *p != '\0'; p++)
		if ((guchar)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (strlen(v) > WIRE_LINE_MAX) {
		const char *end = g_utf8_find_prev_char(v, v + WIRE_LINE_MAX + 1);
		v[end - v] = '\0';
	}
	return v;
}

/* Text as an answer carries it: valid UTF-8, no control character but
   newline and tab. */
static char *
wire_text(const char *s)
{
	char *v = g_utf8_make_valid(s, -1);

	for (char *p = v; *p != '\0'; p++)
		if (((guchar)*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			*p = ' ';
	return v;
}

/* Add a one-line member (omitted when NULL). */
static void
put_line(JsonBuilder *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	char *v = wire_line(value);
	json_builder_set_member_name(b, name);
	json_builder_add_string_value(b, v);
	g_free(v);
}

/* Add a list of one-line values. */
static void
put_lines(JsonBuilder *b, const char *name, const GPtrArray *list)
{
	json_builder_set_member_name(b, name);
	json_builder_begin_array(b);
	for (guint i = 0; i < list->len && i < WIRE_ITEMS_MAX; i++) {
		char *v = wire_line(g_ptr_array_index(list, i));
		json_builder_add_string_value(b, v);
		g_free(v);
	}
	json_builder_end_array(b);
}

/* The message as the answer's JSON; its parts' bytes appended to blob. */
static void
put_message(JsonBuilder *b, const struct message *m, GByteArray *blob)
{
	json_builder_begin_object(b);
	put_line(b, "message_id", m->message_id);
	put_line(b, "in_reply_to", m->in_reply_to);
	put_lines(b, "references", m->references);
	put_line(b, "from_addr", m->from_addr);
	put_line(b, "from_name", m->from_name);
	put_line(b, "reply_to_addr", m->reply_to_addr);
	put_lines(b, "to", m->to);
	put_lines(b, "cc", m->cc);
	put_line(b, "subject", m->subject);
	json_builder_set_member_name(b, "date");
	json_builder_add_int_value(b, m->date);
	json_builder_set_member_name(b, "date_year");
	json_builder_add_int_value(b, m->date_year);
	json_builder_set_member_name(b, "date_month");
	json_builder_add_int_value(b, m->date_month);
	char *text = wire_text(m->text);
	json_builder_set_member_name(b, "text");
	json_builder_add_string_value(b, text);
	g_free(text);
	put_line(b, "text_source", m->text_source);
	json_builder_set_member_name(b, "broken_multipart");
	json_builder_add_boolean_value(b, m->broken_multipart);
	json_builder_set_member_name(b, "parts");
	json_builder_begin_array(b);
	for (guint i = 0; i < m->parts->len && i < WIRE_ITEMS_MAX; i++) {
		const struct msg_part *p = g_ptr_array_index(m->parts, i);
		gsize n = 0;
		const void *d = p->data != NULL ? g_bytes_get_data(p->data, &n) : NULL;
		json_builder_begin_object(b);
		put_line(b, "filename", p->filename);
		put_line(b, "content_type", p->content_type);
		json_builder_set_member_name(b, "attachment");
		json_builder_add_boolean_value(b, p->attachment);
		json_builder_set_member_name(b, "size");
		json_builder_add_int_value(b, (gint64)n);
		json_builder_end_object(b);
		if (n > 0)
			g_byte_array_append(blob, d, (guint)n);
	}
	json_builder_end_array(b);
	json_builder_set_member_name(b, "headers");
	json_builder_begin_array(b);
	for (guint i = 0; i < m->headers->len && i < WIRE_ITEMS_MAX; i++) {
		const struct msg_header *h = g_ptr_array_index(m->headers, i);
		if (h->name == NULL || *h->name == '\0')
			continue; /* a header without a name is none */
		char *name = wire_line(h->name), *value = wire_line(h->value ? h->value : "");
		json_builder_begin_array(b);
		json_builder_add_string_value(b, name);
		json_builder_add_string_value(b, value);
		json_builder_end_array(b);
		g_free(name);
		g_free(value);
	}
	json_builder_end_array(b);
	put_lines(b, "problems", m->problems);
	put_line(b, "content_type", m->content_type);
	put_line(b, "report_type", m->report_type);
	json_builder_set_member_name(b, "size");
	json_builder_add_int_value(b, (gint64)m->size);
	json_builder_end_object(b);
}

/* Clean every string of a reading the way wire_text does (a field's value
   may hold any character the sender wrote). */
static void
clean_node(JsonNode *n)
{
	if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING) {
		char *v = wire_text(json_node_get_string(n));
		json_node_set_string(n, v);
		g_free(v);
	} else if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *a = json_node_get_array(n);
		for (guint i = 0; i < json_array_get_length(a); i++)
			clean_node(json_array_get_element(a, i));
	} else if (JSON_NODE_HOLDS_OBJECT(n)) {
		JsonObject *o = json_node_get_object(n);
		GList *members = json_object_get_members(o);
		for (GList *l = members; l != NULL; l = l->next)
			clean_node(json_object_get_member(o, l->data));
		g_list_free(members);
	}
}

/* The length of a raw message's header block (up to its blank line). */
static gsize
header_length(const char *data, gsize len)
{
	for (gsize i = 0; i + 1 < len; i++) {
		if (data[i] != '\n')
			continue;
		if (data[i + 1] == '\n')
			return i + 2;
		if (i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n')
			return i + 3;
	}
	return len;
}

/* Read one job into its answer's bytes. */
GBytes *
readwire_read_message(const char *job, gsize len, const struct attach_opts *o,
                      const struct auth_policy *policy)
{
	guint8 flags = len > 0 ? (guint8)job[0] : 0;
	const char *data = len > 0 ? job + 1 : job;
	gsize n = len > 0 ? len - 1 : 0;
	struct message *m =
	    message_parse(data, flags & READWIRE_HEADERS_ONLY ? header_length(data, n) : n);
	struct attach_opts quick = *o;
	gboolean unread = !(flags & READWIRE_DOCUMENTS) && attach_has_documents(m);
	if (!(flags & READWIRE_DOCUMENTS))
		quick.documents_refused = "not read in the quick pass";
	struct reading *rd = attach_read(m, &quick);
	char *why = NULL;
	gboolean authentic = authres_check(m, policy, &why);
	JsonBuilder *b = json_builder_new();
	GByteArray *blob = g_byte_array_new();
	JsonNode *root;

	json_builder_begin_object(b);
	json_builder_set_member_name(b, "message");
	put_message(b, m, blob);
	json_builder_set_member_name(b, "reading");
	root = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(root, reading_to_json(rd));
	clean_node(root);
	json_builder_add_value(b, root);
	json_builder_set_member_name(b, "authentic");
	json_builder_add_boolean_value(b, authentic);
	json_builder_set_member_name(b, "documents");
	json_builder_add_boolean_value(b, unread);
	put_line(b, "auth_why", why);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	gsize jlen;
	char *text = json_to_string(root, FALSE);
	jlen = strlen(text);

	GByteArray *out = g_byte_array_sized_new((guint)(4 + 8 + jlen + blob->len));
	guint64 l = jlen;
	g_byte_array_append(out, (const guint8 *)WIRE_MAGIC, 4);
	g_byte_array_append(out, (const guint8 *)&l, sizeof l);
	g_byte_array_append(out, (const guint8 *)text, (guint)jlen);
	g_byte_array_append(out, blob->data, blob->len);
	g_byte_array_free(blob, TRUE);
	g_free(text);
	json_node_unref(root);
	g_object_unref(b);
	g_free(why);
	reading_free(rd);
	message_free(m);
	return g_byte_array_free_to_bytes(out);
}

/* The daemon's side: each check sets *cause and returns FALSE. */

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

/* The arguments, one table: each option's name and its place in the options. */
enum arg_kind { A_SIZE, A_INT, A_INT64, A_DOUBLE, A_STR, A_FLAG, A_LABEL, A_LIST };

struct arg_row {
	const char *name;
	enum arg_kind kind;
	gsize attach_off; /* offset in struct attach_opts, or -1 for reader_conf */
	gsize conf_off;
};

#define AO(f)  offsetof(struct attach_opts, f), (gsize)-1
#define RCO(f) (gsize) - 1, offsetof(struct reader_conf, f)

static const struct arg_row args[] = {
    {"max-part", A_SIZE, AO(limits.max_part)},
    {"max-unpacked", A_SIZE, AO(limits.max_unpacked)},
    {"max-ratio", A_INT, AO(limits.max_ratio)},
    {"max-pages", A_INT, AO(limits.max_pages)},
    {"max-pixels", A_INT64, AO(limits.max_pixels)},
    {"ocr-dpi", A_INT, AO(limits.ocr_dpi)},
    {"ocr-languages", A_STR, AO(ocr.languages)},
    {"tessdata", A_STR, AO(ocr.tessdata)},
    {"ocr", A_FLAG, AO(ocr_enabled)},
    {"doubt-below", A_DOUBLE, AO(doubt_below)},
    {"domain", A_STR, AO(domain)},
    {"user", A_STR, RCO(user)},
    {"timeout", A_INT, RCO(timeout)},
    {"memory", A_INT64, RCO(memory)},
    {"announce", A_FLAG, RCO(announce)},
    {"label", A_LABEL, RCO(labels)},
    {"auth-id", A_STR, RCO(auth_id)},
    {"auth-require", A_STR, RCO(auth_require)},
    {"relay", A_LIST, RCO(relays)},
    {"unit", A_LIST, RCO(units)},
};

/* Where a row's value lives. */
static void *
arg_place(const struct arg_row *r, struct attach_opts *o, struct reader_conf *rc)
{
	return r->attach_off != (gsize)-1 ? (char *)o + r->attach_off : (char *)rc + r->conf_off;
}

/* The argument vector that starts a reader. */
char **
readwire_argv(const char *program, const struct attach_opts *o, const struct reader_conf *rc)
{
	GPtrArray *v = g_ptr_array_new();
	struct attach_opts oc = *o;
	struct reader_conf rcc = *rc;

	g_ptr_array_add(v, g_strdup(program));
	for (gsize i = 0; i < G_N_ELEMENTS(args); i++) {
		const struct arg_row *r = &args[i];
		void *at = arg_place(r, &oc, &rcc);
		char *val = NULL;
		switch (r->kind) {
		case A_SIZE:
			val = g_strdup_printf("%zu", *(gsize *)at);
			break;
		case A_INT:
			val = g_strdup_printf("%d", *(int *)at);
			break;
		case A_INT64:
			val = g_strdup_printf("%" G_GINT64_FORMAT, *(gint64 *)at);
			break;
		case A_DOUBLE:
			val = g_strdup_printf("%.17g", *(double *)at);
			break;
		case A_STR:
			if (*(const char **)at == NULL)
				continue;
			val = g_strdup(*(const char **)at);
			break;
		case A_FLAG:
			val = g_strdup(*(gboolean *)at ? "yes" : "no");
			break;
		case A_LABEL:
		case A_LIST: {
			GPtrArray *list = *(GPtrArray **)at;
			for (guint k = 0; list != NULL && k < list->len; k++)
				g_ptr_array_add(
				    v, g_strdup_printf("--%s=%s", r->name,
				                       (char *)g_ptr_array_index(list, k)));
			continue;
		}
		}
		g_ptr_array_add(v, g_strdup_printf("--%s=%s", r->name, val));
		g_free(val);
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

/* Parse a reader's arguments. */
int
readwire_parse(int argc, char **argv, struct attach_opts *o, struct reader_conf *rc, char **cause)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		const struct arg_row *r = NULL;
		char *end = NULL;
		if (strncmp(a, "--", 2) != 0 || eq == NULL) {
			*cause = g_strdup_printf("%s: not an option=value", a);
			return -1;
		}
		for (gsize k = 0; k < G_N_ELEMENTS(args); k++)
			if (strlen(args[k].name) == (gsize)(eq - a - 2) &&
			    strncmp(args[k].name, a + 2, (gsize)(eq - a - 2)) == 0)
				r = &args[k];
		if (r == NULL) {
			*cause = g_strdup_printf("%s: unknown option", a);
			return -1;
		}
		const char *val = eq + 1;
		void *at = arg_place(r, o, rc);
		errno = 0;
		switch (r->kind) {
		case A_SIZE:
			*(gsize *)at = (gsize)g_ascii_strtoull(val, &end, 10);
			break;
		case A_INT:
			*(int *)at = (int)g_ascii_strtoll(val, &end, 10);
			break;
		case A_INT64:
			*(gint64 *)at = g_ascii_strtoll(val, &end, 10);
			break;
		case A_DOUBLE:
			*(double *)at = g_ascii_strtod(val, &end);
			break;
		case A_STR:
			*(const char **)at = val;
			end = (char *)val + strlen(val);
			break;
		case A_FLAG:
			*(gboolean *)at = strcmp(val, "yes") == 0;
			end = (char *)val + strlen(val);
			break;
		case A_LABEL: {
			const char *sep = strchr(val, '=');
			char *key = sep != NULL ? g_strndup(val, (gsize)(sep - val)) : NULL;
			gboolean ok = key != NULL && fields_add_label(key, sep + 1);
			g_free(key);
			if (!ok) {
				*cause = g_strdup_printf("%s: not a label of a known key", a);
				return -1;
			}
			end = (char *)val + strlen(val);
			break;
		}
		case A_LIST:
			if (*(GPtrArray **)at == NULL)
				*(GPtrArray **)at = g_ptr_array_new();
			g_ptr_array_add(*(GPtrArray **)at, (char *)val);
			end = (char *)val + strlen(val);
			break;
		}
		if (r->kind <= A_DOUBLE && (errno != 0 || end == val || *end != '\0')) {
			*cause = g_strdup_printf("%s: not a valid value", a);
			return -1;
		}
	}
	if (o->ocr.domain == NULL)
		o->ocr.domain = o->domain;
	return 0;
}
