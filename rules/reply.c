/* reply.c - reply text from templates and its MIME form; see reply.h. */
#include "reply.h"

#include <string.h>

#include <gmime/gmime.h>

#include "message.h"
#include "text.h"

/* How each key is shown to people. */
static const struct {
	const char *key, *vi, *en;
} labels[] = {
    {"requesting_unit", "Đơn vị yêu cầu", "Requesting unit"},
    {"contact_name", "Người liên hệ", "Contact person"},
    {"contact_phone", "Điện thoại", "Phone"},
    {"contact_email", "Thư điện tử", "E-mail"},
    {"request_date", "Ngày đề nghị", "Date of request"},
    {"description", "Nội dung yêu cầu", "Request"},
    {"desired_time", "Thời gian đề nghị thực hiện", "Desired time"},
    {"website_url", "Địa chỉ website", "Website"},
    {"mailbox_action", "Hình thức", "Action"},
    {"accounts", "Danh sách hộp thư", "Accounts"},
    {"change_detail", "Nội dung thay đổi", "Change"},
    {"subdomain", "Tên miền đăng ký", "Sub-domain"},
    {"approval_ref", "Văn bản chấp thuận của UBND thành phố", "City approval letter"},
    {"target_ip", "Địa chỉ IP máy chủ", "Server IP address"},
    {"purpose", "Mục đích", "Purpose"},
    {"admin_name", "Cán bộ quản trị", "Administrator"},
    {"admin_phone", "Điện thoại cán bộ quản trị", "Administrator's phone"},
    {"admin_email", "Thư điện tử cán bộ quản trị", "Administrator's e-mail"},
    {"visit_date", "Ngày vào Phòng Hệ thống", "Visit date"},
    {"time_from", "Giờ vào", "From"},
    {"time_to", "Giờ ra", "To"},
    {"visitors", "Người vào phòng", "Visitors"},
    {"equipment", "Thiết bị mang vào/ra", "Equipment"},
    {"emergency", "Sự cố đột xuất (đã báo qua điện thoại)", "Emergency (called in)"},
    {"category", "Hạng mục hỗ trợ", "Category"},
    {"location", "Địa điểm", "Location"},
    {"priority", "Độ khẩn", "Priority"},
};

/* How option values are shown. */
static const struct {
	const char *value, *vi, *en;
} values[] = {
    {"create", "Cấp mới", "Create"},      {"change", "Thay đổi", "Change"},
    {"cancel", "Hủy bỏ", "Cancel"},       {"network", "Mạng", "Network"},
    {"email", "Thư điện tử", "E-mail"},   {"website", "Website", "Website"},
    {"software", "Phần mềm", "Software"}, {"server", "Máy chủ", "Server"},
    {"other", "Khác", "Other"},           {"urgent", "Khẩn cấp", "Urgent"},
    {"normal", "Bình thường", "Normal"},
};

/* Sub-fields of list entries, in display order. */
static const char *const entry_keys[] = {"full_name",    "position", "department",
                                         "organization", "address",  "mobile",
                                         "id_no",        "phone",    NULL};

/* The label of key in lang. */
static const char *
label_of(const char *key, const char *lang)
{
	for (gsize i = 0; i < G_N_ELEMENTS(labels); i++)
		if (strcmp(labels[i].key, key) == 0)
			return strcmp(lang, "en") == 0 ? labels[i].en : labels[i].vi;
	return key;
}

/* The shown form of an option value, or the value itself. */
static const char *
value_of(const char *key, const char *v, const char *lang)
{
	if (strcmp(key, "mailbox_action") != 0 && strcmp(key, "category") != 0 &&
	    strcmp(key, "priority") != 0)
		return v;
	for (gsize i = 0; i < G_N_ELEMENTS(values); i++)
		if (strcmp(values[i].value, v) == 0)
			return strcmp(lang, "en") == 0 ? values[i].en : values[i].vi;
	return v;
}

/* A value made safe for one line. */
char *
reply_clean(const char *s)
{
	GString *out = g_string_new(NULL);
	char *valid, *sq;

	if (s == NULL)
		return g_strdup("");
	valid = g_utf8_make_valid(s, -1);
	for (const char *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);
		if (g_unichar_iscntrl(c) || c == 0x2028 || c == 0x2029 || c == 0x85)
			c = ' ';
		g_string_append_unichar(out, c);
	}
	g_free(valid);
	sq = text_squeeze(out->str);
	g_string_free(out, TRUE);
	return sq;
}

/* Mask what follows a password label. */
char *
reply_mask(const char *s)
{
	static GRegex *re;

	if (re == NULL)
		re = g_regex_new("(mật\\s*khẩu|mat\\s*khau|password|passwd|pwd|\\bpass|\\bmk)"
		                 "(\\s*(?:[:=]|\\blà\\b|\\bis\\b)\\s*)\\S+",
		                 G_REGEX_CASELESS, 0, NULL);
	return g_regex_replace(re, s, -1, 0, "\\1\\2******", 0, NULL);
}

/* One shown value: cleaned and masked. */
static char *
shown(const char *v)
{
	char *c = reply_clean(v);
	char *m = reply_mask(c);

	g_free(c);
	return m;
}

/* " (?)" for a doubtful key, else "". */
static const char *
mark_of(GPtrArray *doubtful, const char *key)
{
	if (doubtful != NULL && g_ptr_array_find_with_equal_func(doubtful, key, g_str_equal, NULL))
		return " (?)";
	return "";
}

/* The fields as lines for people. */
char *
reply_fields_text(JsonObject *fields, GPtrArray *doubtful, const char *lang)
{
	GString *out = g_string_new(NULL);

	for (gsize i = 0; i < G_N_ELEMENTS(labels); i++) {
		const char *key = labels[i].key;
		JsonNode *n;
		if (!json_object_has_member(fields, key))
			continue;
		n = json_object_get_member(fields, key);
		if (JSON_NODE_HOLDS_ARRAY(n)) {
			JsonArray *a = json_node_get_array(n);
			g_string_append_printf(out, "- %s%s:\n", label_of(key, lang),
			                       mark_of(doubtful, key));
			for (guint k = 0; k < json_array_get_length(a); k++) {
				JsonObject *e = json_array_get_object_element(a, k);
				GString *line = g_string_new(NULL);
				for (int j = 0; e != NULL && entry_keys[j] != NULL; j++) {
					if (!json_object_has_member(e, entry_keys[j]))
						continue;
					char *v =
					    shown(json_object_get_string_member(e, entry_keys[j]));
					g_string_append_printf(line, "%s%s", line->len ? " | " : "",
					                       v);
					g_free(v);
				}
				g_string_append_printf(out, "    %u. %s\n", k + 1, line->str);
				g_string_free(line, TRUE);
			}
			continue;
		}
		if (json_node_get_value_type(n) == G_TYPE_BOOLEAN) {
			gboolean b = json_node_get_boolean(n);
			g_string_append_printf(
			    out, "- %s%s: %s\n", label_of(key, lang), mark_of(doubtful, key),
			    strcmp(lang, "en") == 0 ? (b ? "yes" : "no") : (b ? "Có" : "Không"));
			continue;
		}
		if (json_node_get_value_type(n) != G_TYPE_STRING)
			continue;
		char *v = shown(value_of(key, json_node_get_string(n), lang));
		g_string_append_printf(out, "- %s%s: %s\n", label_of(key, lang),
		                       mark_of(doubtful, key), v);
		g_free(v);
	}
	if (out->len > 0 && out->str[out->len - 1] == '\n')
		g_string_truncate(out, out->len - 1);
	return g_string_free(out, FALSE);
}

/* The keys as lines for people. */
char *
reply_keys_text(GPtrArray *keys, const char *lang)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; keys != NULL && i < keys->len; i++)
		g_string_append_printf(out, "%s- %s", i ? "\n" : "",
		                       label_of(g_ptr_array_index(keys, i), lang));
	return g_string_free(out, FALSE);
}

/* The text after "key:" on its line, or NULL. */
char *
reply_lookup_line(const char *file_text, const char *key)
{
	char **lines = g_strsplit(file_text, "\n", -1);
	char *found = NULL;
	gsize n = strlen(key);

	for (int i = 0; found == NULL && lines[i] != NULL; i++)
		if (strncmp(lines[i], key, n) == 0 && lines[i][n] == ':')
			found = g_strstrip(g_strdup(lines[i] + n + 1));
	g_strfreev(lines);
	return found;
}

/* Whether the tag at [start, end) stands alone on its line. */
static gboolean
tag_alone(const char *text, const char *start, const char *end)
{
	return (start == text || start[-1] == '\n') && (*end == '\n' || *end == '\0');
}

/* Render part of a template into out. */
static void
render_into(GString *out, const char *t, const char *limit, GHashTable *vars, int depth)
{
	const char *p = t;

	while (p < limit) {
		const char *open = g_strstr_len(p, limit - p, "{{");
		if (open == NULL || depth > 20) {
			g_string_append_len(out, p, limit - p);
			return;
		}
		const char *close = g_strstr_len(open, limit - open, "}}");
		if (close == NULL) {
			g_string_append_len(out, p, limit - p);
			return;
		}
		g_string_append_len(out, p, open - p);
		char sigil = open[2];
		const char *name_start = open + 2 + (sigil == '#' || sigil == '^' || sigil == '/');
		char *name = g_strstrip(g_strndup(name_start, close - name_start));
		const char *after = close + 2;
		if (sigil == '#' || sigil == '^') {
			/* find the matching {{/name}} */
			char *end_tag = g_strdup_printf("{{/%s}}", name);
			const char *end = g_strstr_len(after, limit - after, end_tag);
			const char *value = g_hash_table_lookup(vars, name);
			gboolean on = value != NULL && *value != '\0';
			if (sigil == '^')
				on = !on;
			if (end == NULL) {
				g_free(end_tag);
				g_free(name);
				p = after;
				continue;
			}
			const char *inner = after;
			if (tag_alone(t, open, after) && *inner == '\n')
				inner++;
			const char *resume = end + strlen(end_tag);
			if (tag_alone(t, end, resume) && *resume == '\n')
				resume++;
			if (on)
				render_into(out, inner, end, vars, depth + 1);
			g_free(end_tag);
			p = resume;
		} else if (sigil == '/') {
			p = after; /* stray closing tag */
		} else {
			const char *value = g_hash_table_lookup(vars, name);
			if (value != NULL)
				g_string_append(out, value);
			p = after;
		}
		g_free(name);
	}
}

/* Render a template. */
char *
reply_render(const char *tmpl, GHashTable *vars)
{
	GString *out = g_string_new(NULL);

	render_into(out, tmpl, tmpl + strlen(tmpl), vars, 0);
	return g_string_free(out, FALSE);
}

/* Split "Subject: …\n\nbody". */
gboolean
reply_split(const char *rendered, char **subject, char **body)
{
	const char *nl;

	if (g_ascii_strncasecmp(rendered, "Subject:", 8) != 0)
		return FALSE;
	nl = strchr(rendered, '\n');
	char *line =
	    nl != NULL ? g_strndup(rendered + 8, nl - rendered - 8) : g_strdup(rendered + 8);
	*subject = reply_clean(line);
	g_free(line);
	const char *b = nl != NULL ? nl + 1 : "";
	while (*b == '\n')
		b++;
	*body = g_strdup(b);
	return TRUE;
}

/* A new Message-ID. */
char *
reply_message_id(const char *tag, const char *domain)
{
	return g_strdup_printf("phieu.%s.%08x%08x@%s", tag, g_random_int(), g_random_int(), domain);
}

/* Whether data can travel as it is inside a mail: no NUL, no bare CR,
   lines of at most 998 octets; *eight when a byte has the high bit. */
static gboolean
carriable(const char *data, gsize len, gboolean *eight)
{
	gsize line = 0;

	*eight = FALSE;
	for (gsize i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		if (c == '\0' || (c == '\r' && (i + 1 >= len || data[i + 1] != '\n')))
			return FALSE;
		if (c == '\n')
			line = 0;
		else if (c != '\r' && ++line > 998)
			return FALSE;
		if (c >= 0x80)
			*eight = TRUE;
	}
	return TRUE;
}

/* One attachment as a MIME part (see reply.h). */
static GMimePart *
attachment_part(const struct reply_part *p)
{
	const char *ct = p->content_type != NULL ? p->content_type : "application/octet-stream";
	gboolean message = g_ascii_strcasecmp(ct, "message/rfc822") == 0, eight = FALSE;
	gboolean whole = message && carriable(p->data, p->len, &eight);
	GMimeContentEncoding enc = !whole  ? GMIME_CONTENT_ENCODING_BASE64
	                           : eight ? GMIME_CONTENT_ENCODING_8BIT
	                                   : GMIME_CONTENT_ENCODING_7BIT;
	GMimeContentType *type = g_mime_content_type_parse(NULL, ct);
	GMimeStream *stream = g_mime_stream_mem_new_with_buffer(p->data, p->len);
	/* carried as it is, the wrapper says it is in the part's encoding already */
	GMimeDataWrapper *w = g_mime_data_wrapper_new_with_stream(
	    stream, whole ? enc : GMIME_CONTENT_ENCODING_DEFAULT);
	GMimePart *part;

	if (message && !whole)
		part = g_mime_part_new_with_type("application", "octet-stream");
	else if (type != NULL && g_mime_content_type_get_media_type(type) != NULL &&
	         g_mime_content_type_get_media_subtype(type) != NULL)
		part = g_mime_part_new_with_type(g_mime_content_type_get_media_type(type),
		                                 g_mime_content_type_get_media_subtype(type));
	else
		part = g_mime_part_new_with_type("application", "octet-stream");
	if (type != NULL)
		g_object_unref(type);
	g_mime_part_set_content(part, w);
	g_mime_part_set_content_encoding(part, enc);
	if (p->filename != NULL && *p->filename != '\0') {
		char *name = reply_clean(p->filename);
		g_mime_part_set_filename(part, name);
		g_free(name);
	} else if (message && !whole)
		g_mime_part_set_filename(part, "original.eml");
	else
		g_mime_object_set_disposition(GMIME_OBJECT(part), whole ? "inline" : "attachment");
	g_object_unref(w);
	g_object_unref(stream);
	return part;
}

/* Build the message. */
char *
reply_compose(const struct reply_mail *r, gsize *len)
{
	GMimeMessage *msg;
	GMimeTextPart *part;
	GMimeFormatOptions *fo;
	GDateTime *dt;
	char *subject, *text, *out, *body;

	message_init();
	msg = g_mime_message_new(TRUE);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, r->from_name, r->from_addr);
	for (int i = 0; r->to[i] != NULL; i++)
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, r->to[i]);
	for (int i = 0; r->cc != NULL && r->cc[i] != NULL; i++)
		g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_CC, NULL, r->cc[i]);
	subject = reply_clean(r->subject);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_free(subject);
	dt = g_date_time_new_from_unix_local(r->date);
	g_mime_message_set_date(msg, dt);
	g_date_time_unref(dt);
	g_mime_message_set_message_id(msg, r->message_id);
	if (r->in_reply_to != NULL) {
		char *v = g_strdup_printf("<%s>", r->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "In-Reply-To", v, NULL);
		g_free(v);
		GString *refs = g_string_new(NULL);
		for (guint i = 0; r->references != NULL && i < r->references->len; i++)
			g_string_append_printf(refs, "<%s> ",
			                       (char *)g_ptr_array_index(r->references, i));
		g_string_append_printf(refs, "<%s>", r->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(msg), "References", refs->str, NULL);
		g_string_free(refs, TRUE);
	}
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted", r->auto_submitted, NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-Auto-Response-Suppress", "All", NULL);

	part = g_mime_text_part_new_with_subtype("plain");
	text = g_utf8_make_valid(r->body, -1);
	body = g_utf8_normalize(text, -1, G_NORMALIZE_NFC);
	g_mime_text_part_set_text(part, body);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	g_free(text);
	g_free(body);
	if (r->n_parts == 0) {
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	} else {
		GMimeMultipart *mixed = g_mime_multipart_new_with_subtype("mixed");
		g_mime_multipart_add(mixed, GMIME_OBJECT(part));
		for (gsize i = 0; i < r->n_parts; i++) {
			GMimePart *a = attachment_part(&r->parts[i]);
			g_mime_multipart_add(mixed, GMIME_OBJECT(a));
			g_object_unref(a);
		}
		g_mime_message_set_mime_part(msg, GMIME_OBJECT(mixed));
		g_object_unref(mixed);
	}
	g_object_unref(part);

	fo = g_mime_format_options_clone(NULL);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	out = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	*len = strlen(out);
	return out;
}
