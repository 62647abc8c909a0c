/* message.c - a raw message read with GMime into struct message; see message.h. */
#include "message.h"

#include <string.h>

#include <gmime/gmime.h>

#include "text.h"

/* Initialise GMime once per process. */
void
message_init(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

/* Record what was wrong with the input. */
static void message_problem(struct message *m, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void
message_problem(struct message *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(m->problems, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* Whether base64 content ends in the middle of a 4-character group. */
static gboolean
message_base64_truncated(GMimeDataWrapper *w)
{
	GMimeStream *raw = g_mime_data_wrapper_get_stream(w);
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *arr;
	gsize n = 0;

	g_mime_stream_reset(raw);
	g_mime_stream_write_to_stream(raw, mem);
	g_mime_stream_reset(raw);
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	for (guint i = 0; i < arr->len; i++)
		if (g_ascii_isalnum(arr->data[i]) || arr->data[i] == '+' || arr->data[i] == '/' ||
		    arr->data[i] == '=')
			n++;
	g_object_unref(mem);
	return n % 4 != 0;
}

/* Decoded bytes of a leaf part (transfer encoding undone). */
static GBytes *
message_part_bytes(struct message *m, GMimePart *part)
{
	GMimeDataWrapper *w = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *arr;
	GBytes *b;

	if (w == NULL)
		return g_bytes_new(NULL, 0);
	if (g_mime_data_wrapper_get_encoding(w) == GMIME_CONTENT_ENCODING_BASE64 &&
	    message_base64_truncated(w)) {
		const char *fn = g_mime_part_get_filename(part);
		message_problem(m, "base64 content of %s is truncated",
		                fn != NULL ? fn : "a body part");
	}
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(w, mem);
	arr = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	b = g_bytes_new(arr->data, arr->len);
	g_object_unref(mem);
	return b;
}

/* A header's value made safe: UTF-8, NFC, no line breaks. */
static char *
message_clean_value(const char *v)
{
	char *nfc, *sq;

	if (v == NULL)
		return NULL;
	nfc = text_nfc(v);
	sq = text_squeeze(nfc);
	g_free(nfc);
	return sq;
}

/* The text of a text leaf in UTF-8 NFC. */
static char *
message_part_text(struct message *m, GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *charset = g_mime_content_type_get_parameter(ct, "charset");
	const char *format = g_mime_content_type_get_parameter(ct, "format");
	const char *delsp = g_mime_content_type_get_parameter(ct, "delsp");
	GBytes *b = message_part_bytes(m, part);
	gsize len;
	const char *data = g_bytes_get_data(b, &len);
	gboolean lossy = FALSE;
	char *text, *clean;

	text = text_to_utf8(data != NULL ? data : "", len, charset, &lossy);
	if (lossy)
		message_problem(m, "body charset \"%s\" could not be read exactly",
		                charset != NULL ? charset : "(none)");
	g_bytes_unref(b);
	if (g_mime_content_type_is_type(ct, "text", "plain") && format != NULL &&
	    g_ascii_strcasecmp(format, "flowed") == 0) {
		char *u = text_unflow(text, delsp != NULL && g_ascii_strcasecmp(delsp, "yes") == 0);
		g_free(text);
		text = u;
	}
	if (g_mime_content_type_is_type(ct, "text", "html")) {
		char *t = text_from_html(text, strlen(text));
		g_free(text);
		text = t;
	}
	clean = text_clean_lines(text);
	g_free(text);
	return clean;
}

/* Whether text holds anything but white space. */
static gboolean
message_has_text(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!g_ascii_isspace(*s))
			return TRUE;
	return FALSE;
}

struct walk {
	struct message *m;
	GString *plain, *html;
	int depth;
};

static void message_walk(struct walk *w, GMimeObject *obj);

/* Add a leaf that is not body text to the parts. */
static void
message_add_part(struct message *m, GMimePart *part, gboolean attachment)
{
	struct msg_part *p = g_new0(struct msg_part, 1);
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *fn = g_mime_part_get_filename(part);
	char *mime = g_mime_content_type_get_mime_type(ct);

	p->content_type = g_ascii_strdown(mime, -1);
	g_free(mime);
	p->filename = fn != NULL ? message_clean_value(fn) : NULL;
	p->data = message_part_bytes(m, part);
	p->attachment = attachment;
	g_ptr_array_add(m->parts, p);
}

/* Visit one leaf: body text or a part. */
static void
message_walk_leaf(struct walk *w, GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *disp = g_mime_object_get_disposition(GMIME_OBJECT(part));
	gboolean attachment = disp != NULL && g_ascii_strcasecmp(disp, "attachment") == 0;
	gboolean plain = g_mime_content_type_is_type(ct, "text", "plain");
	gboolean html = g_mime_content_type_is_type(ct, "text", "html");

	if ((plain || html) && !attachment && g_mime_part_get_filename(part) == NULL) {
		char *t = message_part_text(w->m, part);
		GString *into = plain ? w->plain : w->html;
		if (message_has_text(t)) {
			if (into->len > 0)
				g_string_append(into, "\n\n");
			g_string_append(into, t);
		}
		g_free(t);
		return;
	}
	message_add_part(w->m, part, attachment);
}

/* Visit a MIME object and its children, depth first. */
static void
message_walk(struct walk *w, GMimeObject *obj)
{
	if (obj == NULL)
		return;
	if (w->depth > 50) {
		message_problem(w->m, "MIME nesting deeper than 50 levels ignored");
		return;
	}
	w->depth++;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		int n = g_mime_multipart_get_count(mp);
		for (int i = 0; i < n; i++)
			message_walk(w, g_mime_multipart_get_part(mp, i));
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		/* an attached message: kept as a part with its raw bytes */
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
		struct msg_part *p = g_new0(struct msg_part, 1);
		p->content_type = g_strdup("message/rfc822");
		if (inner != NULL) {
			char *raw = g_mime_object_to_string(GMIME_OBJECT(inner), NULL);
			p->data = g_bytes_new_take(raw, strlen(raw));
		} else {
			p->data = g_bytes_new(NULL, 0);
		}
		p->attachment = TRUE;
		g_ptr_array_add(w->m->parts, p);
	} else if (GMIME_IS_PART(obj)) {
		message_walk_leaf(w, GMIME_PART(obj));
	}
	w->depth--;
}

/* Whether a is a usable address: local@domain, printable ASCII, no spaces,
   not an encoded word left over from a From with a name and no address. */
static gboolean
message_is_address(const char *a)
{
	const char *at;

	if (a == NULL || *a == '\0' || strlen(a) > 254 || strstr(a, "=?") != NULL)
		return FALSE;
	at = strchr(a, '@');
	if (at == NULL || at == a || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL)
		return FALSE;
	for (const char *p = a; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("<>()[],;:\\\"", *p) != NULL)
			return FALSE;
	return TRUE;
}

/* First mailbox address of a list, lower case, and its display name. */
static void
message_first_address(InternetAddressList *list, char **addr, char **name)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a =
			    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			if (!message_is_address(a))
				continue;
			*addr = g_ascii_strdown(a, -1);
			if (name != NULL) {
				const char *nm = internet_address_get_name(ia);
				*name = nm != NULL && *nm != '\0' ? message_clean_value(nm) : NULL;
			}
			return;
		}
		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			InternetAddressList *members =
			    internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia));
			message_first_address(members, addr, name);
			if (*addr != NULL)
				return;
		}
	}
}

/* Every mailbox address of a list, lower case. */
static void
message_all_addresses(InternetAddressList *list, GPtrArray *out)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			const char *a =
			    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
			if (message_is_address(a))
				g_ptr_array_add(out, g_ascii_strdown(a, -1));
		} else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			message_all_addresses(
			    internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)), out);
		}
	}
}

/* A message id without angle brackets or white space. */
static char *
message_clean_id(const char *raw)
{
	GString *s;

	if (raw == NULL)
		return NULL;
	s = g_string_new(NULL);
	for (const char *p = raw; *p != '\0'; p++)
		if (*p != '<' && *p != '>' && !g_ascii_isspace(*p) && (unsigned char)*p >= 0x21)
			g_string_append_c(s, *p);
	if (s->len == 0 || s->len > 250) {
		g_string_free(s, TRUE);
		return NULL;
	}
	return g_string_free(s, FALSE);
}

/* Headers, addresses and dates of the top-level message. */
static void
message_read_envelope(struct message *m, GMimeMessage *msg)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	int n = g_mime_header_list_get_count(hl);
	const char *subject = g_mime_message_get_subject(msg);
	GDateTime *date = g_mime_message_get_date(msg);
	const char *irt;

	for (int i = 0; i < n; i++) {
		GMimeHeader *h = g_mime_header_list_get_header_at(hl, i);
		struct msg_header *mh = g_new0(struct msg_header, 1);
		mh->name = g_strdup(g_mime_header_get_name(h));
		if (g_ascii_strcasecmp(mh->name, "Subject") == 0 && g_mime_header_get_raw_value(h))
			mh->value = text_decode_header(g_mime_header_get_raw_value(h));
		else
			mh->value = message_clean_value(g_mime_header_get_value(h));
		if (mh->value == NULL)
			mh->value = g_strdup("");
		g_ptr_array_add(m->headers, mh);
	}
	/* GMime joins adjacent base64 words before decoding them, which loses
	   the text after a padded word ("…Thanh " for "…Thanh Khê"): the
	   subject is decoded here, word by word */
	GMimeHeader *sh = g_mime_header_list_get_header(hl, "Subject");
	const char *raw_subject = sh != NULL ? g_mime_header_get_raw_value(sh) : NULL;
	if (raw_subject != NULL)
		m->subject = text_decode_header(raw_subject);
	else
		m->subject = subject != NULL ? message_clean_value(subject) : g_strdup("");
	m->message_id = message_clean_id(g_mime_message_get_message_id(msg));
	message_first_address(g_mime_message_get_from(msg), &m->from_addr, &m->from_name);
	message_first_address(g_mime_message_get_reply_to(msg), &m->reply_to_addr, NULL);
	message_all_addresses(g_mime_message_get_to(msg), m->to);
	message_all_addresses(g_mime_message_get_cc(msg), m->cc);
	if (date != NULL) {
		m->date = g_date_time_to_unix(date);
		m->date_year = g_date_time_get_year(date);
		m->date_month = g_date_time_get_month(date);
		if (m->date_year < 1990 || m->date_year > 2100) {
			message_problem(m, "implausible Date header ignored");
			m->date = 0, m->date_year = 0, m->date_month = 0;
		}
	}
	irt = g_mime_object_get_header(GMIME_OBJECT(msg), "In-Reply-To");
	if (irt != NULL) {
		GMimeReferences *refs = g_mime_references_parse(NULL, irt);
		if (refs != NULL && g_mime_references_length(refs) > 0)
			m->in_reply_to =
			    message_clean_id(g_mime_references_get_message_id(refs, 0));
		if (refs != NULL)
			g_mime_references_free(refs);
	}
	const char *rs = g_mime_object_get_header(GMIME_OBJECT(msg), "References");
	if (rs != NULL) {
		GMimeReferences *refs = g_mime_references_parse(NULL, rs);
		int k = refs != NULL ? g_mime_references_length(refs) : 0;
		for (int i = 0; i < k && i < 100; i++) {
			char *id = message_clean_id(g_mime_references_get_message_id(refs, i));
			if (id != NULL)
				g_ptr_array_add(m->references, id);
		}
		if (refs != NULL)
			g_mime_references_free(refs);
	}
}

/* The body of a message whose MIME structure could not be read, as text:
   everything after the header, without boundary lines and part headers. */
static char *
message_raw_body(const char *data, gsize len)
{
	const char *end = data + len, *body = NULL;
	GString *out = g_string_new(NULL);
	gboolean in_part_header = FALSE;
	char *text, **lines;

	for (const char *p = data; p + 1 < end; p++)
		if (p[0] == '\n' &&
		    (p[1] == '\n' || (p[1] == '\r' && p + 2 < end && p[2] == '\n'))) {
			body = p + (p[1] == '\n' ? 2 : 3);
			break;
		}
	if (body == NULL)
		body = end;
	text = text_to_utf8(body, (gsize)(end - body), NULL, NULL);
	lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i] != NULL; i++) {
		char *l = g_strchomp(lines[i]);
		if (g_str_has_prefix(l, "--") && strchr(l, ' ') == NULL && strlen(l) > 4) {
			in_part_header = TRUE; /* a boundary: part headers follow */
			continue;
		}
		if (in_part_header) {
			if (*l == '\0')
				in_part_header = FALSE;
			continue;
		}
		g_string_append(out, l);
		g_string_append_c(out, '\n');
	}
	g_strfreev(lines);
	g_free(text);
	text = text_clean_lines(out->str);
	g_string_free(out, TRUE);
	return text;
}

/* A fresh, empty message. */
struct message *
message_new(gsize len)
{
	struct message *m = g_new0(struct message, 1);

	m->references = g_ptr_array_new_with_free_func(g_free);
	m->to = g_ptr_array_new_with_free_func(g_free);
	m->cc = g_ptr_array_new_with_free_func(g_free);
	m->parts = g_ptr_array_new();
	m->headers = g_ptr_array_new();
	m->problems = g_ptr_array_new_with_free_func(g_free);
	m->size = len;
	return m;
}

/* Read one message; see message.h. */
struct message *
message_parse(const char *data, gsize len)
{
	struct message *m = message_new(len);
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	struct walk w = {m, g_string_new(NULL), g_string_new(NULL), 0};

	message_init();
	stream = g_mime_stream_mem_new_with_buffer(data, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);

	if (msg == NULL) {
		message_problem(m, "not a readable MIME message; kept as plain text");
		m->subject = g_strdup("");
		m->text = text_to_utf8(data, len, NULL, NULL);
		m->text_source = "plain";
		m->content_type = g_strdup("text/plain");
	} else {
		GMimeObject *body = g_mime_message_get_mime_part(msg);
		message_read_envelope(m, msg);
		if (body != NULL) {
			GMimeContentType *ct = g_mime_object_get_content_type(body);
			char *mime = g_mime_content_type_get_mime_type(ct);
			const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
			m->content_type = g_ascii_strdown(mime, -1);
			g_free(mime);
			m->report_type = rt != NULL ? g_ascii_strdown(rt, -1) : NULL;
			if (GMIME_IS_MULTIPART(body) &&
			    g_mime_multipart_get_count(GMIME_MULTIPART(body)) == 0) {
				message_problem(m, "multipart without parts (missing boundary?): "
				                   "the body was read as plain text");
				m->broken_multipart = TRUE;
			}
		} else {
			m->content_type = g_strdup("text/plain");
			message_problem(m, "message has no body");
		}
		message_walk(&w, body);
		g_object_unref(msg);
		if (message_has_text(w.plain->str)) {
			m->text = g_strdup(w.plain->str);
			m->text_source = "plain";
		} else if (message_has_text(w.html->str)) {
			m->text = g_strdup(w.html->str);
			m->text_source = "html";
		} else if (m->broken_multipart) {
			m->text = message_raw_body(data, len);
			m->text_source = "raw";
		} else {
			m->text = g_strdup("");
			m->text_source = "none";
		}
		if (m->from_addr == NULL)
			message_problem(m, "no sender address in From");
	}
	g_string_free(w.plain, TRUE);
	g_string_free(w.html, TRUE);
	return m;
}

/* First top-level header of that name. */
const char *
message_header(const struct message *m, const char *name)
{
	for (guint i = 0; i < m->headers->len; i++) {
		struct msg_header *h = g_ptr_array_index(m->headers, i);
		if (g_ascii_strcasecmp(h->name, name) == 0)
			return h->value;
	}
	return NULL;
}

/* Release a message and everything it owns. */
struct message *
message_free(struct message *m)
{
	if (m == NULL)
		return NULL;
	for (guint i = 0; i < m->parts->len; i++) {
		struct msg_part *p = g_ptr_array_index(m->parts, i);
		g_free(p->filename);
		g_free(p->content_type);
		if (p->data != NULL)
			g_bytes_unref(p->data);
		g_free(p);
	}
	for (guint i = 0; i < m->headers->len; i++) {
		struct msg_header *h = g_ptr_array_index(m->headers, i);
		g_free(h->name);
		g_free(h->value);
		g_free(h);
	}
	g_ptr_array_free(m->parts, TRUE);
	g_ptr_array_free(m->headers, TRUE);
	g_ptr_array_free(m->references, TRUE);
	g_ptr_array_free(m->to, TRUE);
	g_ptr_array_free(m->cc, TRUE);
	g_ptr_array_free(m->problems, TRUE);
	g_free(m->message_id);
	g_free(m->in_reply_to);
	g_free(m->from_addr);
	g_free(m->from_name);
	g_free(m->reply_to_addr);
	g_free(m->subject);
	g_free(m->text);
	g_free(m->content_type);
	g_free(m->report_type);
	g_free(m);
	return NULL;
}
