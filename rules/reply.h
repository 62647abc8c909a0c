/*
 * reply.h - the text and the MIME form of phieu's replies.
 *
 * Templates are editable text files (config/templates/NAME.LANG.txt) whose
 * first line is "Subject: …", then a blank line, then the body.  In them
 * {{name}} is replaced by a value, {{#name}}…{{/name}} is kept only when the
 * value is non-empty and {{^name}}…{{/name}} only when it is empty.  Values
 * come from the mail, so every value is cleaned: no CR/LF reaches a header,
 * and anything that looks like a password is masked.  reply_compose() builds
 * the RFC 5322 message with GMime: UTF-8 body, RFC 2047 headers,
 * In-Reply-To/References, Auto-Submitted.  The caller reads the template
 * files; nothing here does I/O.
 */
#ifndef PHIEU_REPLY_H
#define PHIEU_REPLY_H

#include <glib.h>
#include <json-glib/json-glib.h>

/* An attachment of a reply: a file, or (message/rfc822) a whole message
   carried as it is (base64 as application/octet-stream when it is not
   text a mail can carry: NUL bytes, lines over 998 octets). */
struct reply_part {
	const char *content_type; /* "type/subtype" */
	const char *filename;     /* may be NULL */
	const char *data;
	gsize len;
};

struct reply_mail {
	const char *from_name, *from_addr;
	const char *const *to; /* NULL-terminated */
	const char *const *cc; /* may be NULL */
	const char *subject;
	const char *body;
	const char *message_id;  /* without <> */
	const char *in_reply_to; /* without <>, may be NULL */
	GPtrArray *references;   /* char*, may be NULL */
	gint64 date;
	const char *auto_submitted;     /* "auto-replied", "auto-generated" */
	const struct reply_part *parts; /* attachments after the text, may be NULL */
	gsize n_parts;
};

/* Render a template with string values (GHashTable char* -> char*). */
char *reply_render(const char *tmpl, GHashTable *vars);
/* Split a rendered template into subject and body; FALSE if no Subject line. */
gboolean reply_split(const char *rendered, char **subject, char **body);
/* The fields as "- Label: value" lines in lang ("vi"/"en"), passwords masked,
   the keys listed in doubtful (may be NULL) marked " (?)". */
char *reply_fields_text(JsonObject *fields, GPtrArray *doubtful, const char *lang);
/* The keys as "- Label" lines. */
char *reply_keys_text(GPtrArray *keys, const char *lang);
/* The line for key in a "key: text" file (next steps), or NULL. */
char *reply_lookup_line(const char *file_text, const char *key);
/* Text with anything that follows a password label masked ("mật khẩu: ******"). */
char *reply_mask(const char *s);
/* A value made safe for one line: no control characters, squeezed. */
char *reply_clean(const char *s);
/* The whole message, CRLF line ends (multipart/mixed with the text first
   when there are parts); *len gets its length. */
char *reply_compose(const struct reply_mail *r, gsize *len);
/* A new Message-ID (without <>) under domain. */
char *reply_message_id(const char *tag, const char *domain);

#endif
