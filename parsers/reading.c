/* reading.c - a message's reading: built, sent as JSON, read back, released (reading.h). */
#include "reading.h"

#include <string.h>

#include "jsonget.h"

/* A fresh reading. */
struct reading *
reading_new(void)
{
	struct reading *rd = g_new0(struct reading, 1);

	rd->fx = g_new0(struct fields_result, 1);
	rd->fx->fields = json_object_new();
	rd->fx->doubtful = g_ptr_array_new_with_free_func(g_free);
	rd->sources = json_object_new();
	rd->parts = g_ptr_array_new();
	rd->conflicts = g_ptr_array_new_with_free_func(g_free);
	rd->source = "body";
	return rd;
}

/* A string list as a JSON array. */
static JsonArray *
strings_json(GPtrArray *list)
{
	JsonArray *a = json_array_new();

	for (guint i = 0; list != NULL && i < list->len; i++)
		json_array_add_string_element(a, g_ptr_array_index(list, i));
	return a;
}

/* A JSON array of strings as a list. */
static void
strings_from_json(JsonObject *o, const char *key, GPtrArray *out)
{
	JsonArray *a = json_object_has_member(o, key) ? json_object_get_array_member(o, key) : NULL;

	for (guint i = 0; a != NULL && i < json_array_get_length(a); i++)
		g_ptr_array_add(out, g_strdup(json_array_get_string_element(a, i)));
}

/* The names of the statuses, in enum order. */
static const char *const status_names[] = {"read", "empty", "refused", "broken", "unsupported"};

/* What was done with each attachment, as JSON. */
JsonArray *
reading_parts_json(const struct reading *r)
{
	JsonArray *parts = json_array_new();

	for (guint i = 0; i < r->parts->len; i++) {
		struct part_report *p = g_ptr_array_index(r->parts, i);
		JsonObject *j = json_object_new();
		if (p->filename != NULL)
			json_object_set_string_member(j, "filename", p->filename);
		json_object_set_string_member(j, "content_type", p->content_type);
		if (p->reader != NULL)
			json_object_set_string_member(j, "reader", p->reader);
		json_object_set_string_member(j, "status", status_names[p->status]);
		if (p->cause != NULL)
			json_object_set_string_member(j, "cause", p->cause);
		json_object_set_int_member(j, "fields", p->fields);
		json_object_set_int_member(j, "size", (gint64)p->size);
		json_array_add_object_element(parts, j);
	}
	return parts;
}

/* The reading as JSON. */
JsonObject *
reading_to_json(const struct reading *r)
{
	JsonObject *o = json_object_new();

	json_object_set_object_member(o, "fields", json_object_ref(r->fx->fields));
	json_object_set_object_member(o, "sources", json_object_ref(r->sources));
	json_object_set_string_member(o, "source", r->source);
	if (r->fx->form_code != NULL)
		json_object_set_string_member(o, "form_code", r->fx->form_code);
	json_object_set_int_member(o, "labels", r->fx->labels);
	json_object_set_boolean_member(o, "password", r->fx->password);
	json_object_set_array_member(o, "doubtful", strings_json(r->fx->doubtful));
	json_object_set_array_member(o, "conflicts", strings_json(r->conflicts));
	if (r->forwarded_from != NULL)
		json_object_set_string_member(o, "forwarded_from", r->forwarded_from);
	if (r->forwarded_id != NULL)
		json_object_set_string_member(o, "forwarded_id", r->forwarded_id);
	if (r->forwarded_subject != NULL)
		json_object_set_string_member(o, "forwarded_subject", r->forwarded_subject);
	if (r->forwarded_unnamed)
		json_object_set_boolean_member(o, "forwarded_unnamed", TRUE);
	if (r->document_text != NULL)
		json_object_set_string_member(o, "document_text", r->document_text);
	json_object_set_boolean_member(o, "needs_person", r->needs_person);
	json_object_set_array_member(o, "parts", reading_parts_json(r));
	return o;
}

/* A reading from its JSON. */
struct reading *
reading_from_json(JsonObject *o)
{
	struct reading *r;

	if (o == NULL || !json_object_has_member(o, "fields") ||
	    !json_object_has_member(o, "sources"))
		return NULL;
	r = reading_new();
	json_object_unref(r->fx->fields);
	json_object_unref(r->sources);
	r->fx->fields = json_object_ref(json_object_get_object_member(o, "fields"));
	r->sources = json_object_ref(json_object_get_object_member(o, "sources"));
	const char *src = jsonget_str(o, "source");
	/* the source names are the readers' static strings */
	static const char *const known[] = {"body", "docx", "odt", "pdf_text",
	                                    "ocr",  "xlsx", "csv", "mixed"};
	for (gsize i = 0; src != NULL && i < G_N_ELEMENTS(known); i++)
		if (strcmp(src, known[i]) == 0)
			r->source = known[i];
	r->fx->form_code = g_strdup(jsonget_str(o, "form_code"));
	r->fx->labels = (int)json_object_get_int_member_with_default(o, "labels", 0);
	r->fx->password = json_object_get_boolean_member_with_default(o, "password", FALSE);
	strings_from_json(o, "doubtful", r->fx->doubtful);
	strings_from_json(o, "conflicts", r->conflicts);
	r->forwarded_from = g_strdup(jsonget_str(o, "forwarded_from"));
	r->forwarded_id = g_strdup(jsonget_str(o, "forwarded_id"));
	r->forwarded_subject = g_strdup(jsonget_str(o, "forwarded_subject"));
	r->forwarded_unnamed =
	    json_object_get_boolean_member_with_default(o, "forwarded_unnamed", FALSE);
	r->document_text = g_strdup(jsonget_str(o, "document_text"));
	r->needs_person = json_object_get_boolean_member_with_default(o, "needs_person", FALSE);
	JsonArray *parts =
	    json_object_has_member(o, "parts") ? json_object_get_array_member(o, "parts") : NULL;
	for (guint i = 0; parts != NULL && i < json_array_get_length(parts); i++) {
		JsonObject *j = json_array_get_object_element(parts, i);
		struct part_report *p = g_new0(struct part_report, 1);
		const char *status = jsonget_str(j, "status");
		p->filename = g_strdup(jsonget_str(j, "filename"));
		p->content_type = g_strdup(jsonget_str(j, "content_type"));
		for (gsize k = 0; status != NULL && k < G_N_ELEMENTS(status_names); k++)
			if (strcmp(status, status_names[k]) == 0)
				p->status = (enum doc_status)k;
		p->cause = g_strdup(jsonget_str(j, "cause"));
		p->fields = (int)json_object_get_int_member_with_default(j, "fields", 0);
		p->size = (gsize)json_object_get_int_member_with_default(j, "size", 0);
		const char *reader = jsonget_str(j, "reader");
		for (gsize k = 0; reader != NULL && k < G_N_ELEMENTS(known); k++)
			if (strcmp(reader, known[k]) == 0)
				p->reader = known[k];
		if (reader != NULL && strcmp(reader, "message") == 0)
			p->reader = "message";
		g_ptr_array_add(r->parts, p);
	}
	return r;
}

/* Release a reading. */
struct reading *
reading_free(struct reading *r)
{
	if (r == NULL)
		return NULL;
	fields_result_free(r->fx);
	json_object_unref(r->sources);
	for (guint i = 0; i < r->parts->len; i++) {
		struct part_report *p = g_ptr_array_index(r->parts, i);
		g_free(p->filename);
		g_free(p->content_type);
		g_free(p->cause);
		g_free(p);
	}
	g_ptr_array_free(r->parts, TRUE);
	g_ptr_array_free(r->conflicts, TRUE);
	g_free(r->forwarded_from);
	g_free(r->forwarded_id);
	g_free(r->forwarded_subject);
	g_free(r->document_text);
	g_free(r);
	return NULL;
}
