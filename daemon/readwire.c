/* readwire.c - what phieud and phieu-reader say to each other: the frames,
   and the reader's side, a message read into its answer's bytes; see
   readwire.h. */
#include "readwire.h"
#include "readwire_parts.h"

#include <errno.h>
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
