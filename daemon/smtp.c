/* smtp.c - sending mail over libetpan's mailsmtp; see smtp.h. */
#include "smtp.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "log.h"
#include "tls.h"

/* libetpan's read and write buffer size for the stream */
#define SMTP_BUFFER 8192
/* RFC 5321 4.5.3.1.3: longest path; libetpan's command buffer is 512 bytes */
#define SMTP_MAX_PATH 256

struct smtp_conn {
	mailsmtp *smtp;
	char *where; /* "host:port", for causes */
	char *helo;
	int broken; /* after NET_RETRY: close without QUIT */
};

/* The text of the last reply on one line ("a; b"), in a new string. */
static char *
smtp_reply_text(struct smtp_conn *c)
{
	const char *r = c->smtp->response;
	char *t, *p;

	if (r == NULL || *r == '\0')
		return g_strdup("(no text)");
	t = g_strdup(r);
	g_strstrip(t);
	/* one log line: "\n" between reply lines becomes "; " */
	GString *s = g_string_new(NULL);
	for (p = t; *p != '\0'; p++) {
		if (*p == '\n')
			g_string_append(s, "; ");
		else if (*p != '\r')
			g_string_append_c(s, *p);
	}
	g_free(t);
	return g_string_free(s, FALSE);
}

/*
 * Three-way result of a command from libetpan's return value and the reply
 * code it saw: 5xx is a refusal, 4xx and stream trouble are temporary, and
 * after those the connection is given up (smtp.h promises no more).
 */
static enum net_result
smtp_result(struct smtp_conn *c, int r, const char *what, char **cause)
{
	int code = c->smtp->response_code;
	char *text;

	if (r == MAILSMTP_NO_ERROR)
		return NET_OK;
	if (r == MAILSMTP_ERROR_STREAM || code == 0) {
		c->broken = 1;
		*cause =
		    g_strdup_printf("SMTP %s: %s: connection lost or timed out", c->where, what);
		return NET_RETRY;
	}
	text = smtp_reply_text(c);
	*cause = g_strdup_printf("SMTP %s: %s %s: %d %s", c->where, what,
	                         code / 100 == 5 ? "refused" : "failed", code, text);
	g_free(text);
	if (code / 100 == 5)
		return NET_NO;
	c->broken = 1;
	return NET_RETRY;
}

/* Read one reply, all its lines, into libetpan's response fields; the code, 0 on error. */
static int
smtp_read_reply(struct smtp_conn *c)
{
	mailsmtp *s = c->smtp;
	char *line;
	int code = 0, more;

	mmap_string_assign(s->response_buffer, "");
	do {
		line = mailstream_read_line_remove_eol(s->stream, s->line_buffer);
		if (line == NULL || strlen(line) < 3 || !g_ascii_isdigit(line[0]) ||
		    !g_ascii_isdigit(line[1]) || !g_ascii_isdigit(line[2])) {
			code = 0;
			break;
		}
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
		more = line[3] == '-';
		mmap_string_append(s->response_buffer, line[3] != '\0' ? line + 4 : "");
		mmap_string_append_c(s->response_buffer, '\n');
	} while (more);
	s->response = s->response_buffer->str;
	s->response_code = code;
	return code;
}

/* Send one command line (CRLF added) and read the reply; the code, 0 on error. */
static int
smtp_command(struct smtp_conn *c, int secret, const char *fmt, ...)
{
	mailstream *st = c->smtp->stream;
	va_list ap;
	char *line;
	int r;

	va_start(ap, fmt);
	line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* keeps the line out of libetpan's stream log */
	mailstream_set_privacy(st, !secret);
	r = mailstream_write(st, line, strlen(line)) < 0 || mailstream_write(st, "\r\n", 2) < 0 ||
	    mailstream_flush(st) < 0;
	mailstream_set_privacy(st, 1);
	if (secret)
		explicit_bzero(line, strlen(line));
	g_free(line);
	if (r) {
		c->smtp->response_code = 0;
		return 0;
	}
	return smtp_read_reply(c);
}

/* Three-way result of a command we sent ourselves: want is the success code. */
static enum net_result
smtp_expect(struct smtp_conn *c, int code, int want, const char *what, char **cause)
{
	if (code == want)
		return NET_OK;
	return smtp_result(c, code == 0 ? MAILSMTP_ERROR_STREAM : MAILSMTP_ERROR_UNEXPECTED_CODE,
	                   what, cause);
}

/* Record the EHLO keywords libetpan looks at (STARTTLS, SIZE, DSN, AUTH ...). */
static void
smtp_parse_ehlo(struct smtp_conn *c)
{
	mailsmtp *s = c->smtp;
	char **lines = g_strsplit(s->response, "\n", -1);
	char **l, **w, **words;

	s->esmtp = MAILSMTP_ESMTP;
	s->auth = MAILSMTP_AUTH_CHECKED;
	/* the first line is the server's greeting, not a keyword */
	for (l = lines; *l != NULL && l[1] != NULL; l++) {
		if (l == lines)
			continue;
		words = g_strsplit_set(*l, " =", -1);
		if (g_ascii_strcasecmp(words[0], "STARTTLS") == 0)
			s->esmtp |= MAILSMTP_ESMTP_STARTTLS;
		else if (g_ascii_strcasecmp(words[0], "SIZE") == 0) {
			s->esmtp |= MAILSMTP_ESMTP_SIZE;
			if (words[1] != NULL)
				s->smtp_max_msg_size = strtoul(words[1], NULL, 10);
		} else if (g_ascii_strcasecmp(words[0], "PIPELINING") == 0)
			s->esmtp |= MAILSMTP_ESMTP_PIPELINING;
		else if (g_ascii_strcasecmp(words[0], "8BITMIME") == 0)
			s->esmtp |= MAILSMTP_ESMTP_8BITMIME;
		else if (g_ascii_strcasecmp(words[0], "DSN") == 0)
			s->esmtp |= MAILSMTP_ESMTP_DSN;
		else if (g_ascii_strcasecmp(words[0], "AUTH") == 0)
			for (w = words + 1; *w != NULL; w++) {
				if (g_ascii_strcasecmp(*w, "PLAIN") == 0)
					s->auth |= MAILSMTP_AUTH_PLAIN;
				else if (g_ascii_strcasecmp(*w, "LOGIN") == 0)
					s->auth |= MAILSMTP_AUTH_LOGIN;
			}
		g_strfreev(words);
	}
	g_strfreev(lines);
}

/*
 * EHLO with our own name (libetpan's mailesmtp_ehlo() insists on
 * gethostname()), falling back to HELO when the server refuses EHLO.
 */
static enum net_result
smtp_ehlo(struct smtp_conn *c, char **cause)
{
	int code = smtp_command(c, 0, "EHLO %s", c->helo);

	if (code == 250) {
		smtp_parse_ehlo(c);
		return NET_OK;
	}
	if (code / 100 != 5)
		return smtp_expect(c, code, 250, "EHLO", cause);
	code = smtp_command(c, 0, "HELO %s", c->helo);
	c->smtp->esmtp = 0;
	c->smtp->auth = MAILSMTP_AUTH_NOT_CHECKED;
	return smtp_expect(c, code, 250, "HELO", cause);
}

/* STARTTLS, swap in the verifying TLS driver and greet again. */
static enum net_result
smtp_starttls(struct smtp_conn *c, const struct net_endpoint *ep, char **cause)
{
	mailstream *stream = c->smtp->stream;
	enum net_result res;
	int r;

	if (!(c->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS)) {
		c->broken = 1;
		*cause = g_strdup_printf("SMTP %s: STARTTLS configured but the server does not "
		                         "offer it; refusing to continue in plain text",
		                         c->where);
		return NET_NO;
	}
	r = mailesmtp_starttls(c->smtp);
	if (r != MAILSMTP_NO_ERROR && stream->read_buffer_len == 0) {
		res = smtp_result(c, r, "STARTTLS", cause);
		c->broken = 1;
		return res;
	}
	if ((res = tls_stream_upgrade(stream, ep, cause)) != NET_OK) {
		c->broken = 1;
		return res;
	}
	return smtp_ehlo(c, cause);
}

/* AUTH PLAIN, or AUTH LOGIN when that is all the server offers. */
static enum net_result
smtp_auth(struct smtp_conn *c, const char *login, const char *password, char **cause)
{
	size_t ul = strlen(login), pl = strlen(password);
	char *raw, *b64;
	int code;

	if (c->smtp->auth & MAILSMTP_AUTH_PLAIN) {
		/* authzid NUL authcid NUL password */
		raw = g_malloc(ul + pl + 2);
		raw[0] = '\0';
		memcpy(raw + 1, login, ul);
		raw[ul + 1] = '\0';
		memcpy(raw + ul + 2, password, pl);
		b64 = g_base64_encode((const guchar *)raw, ul + pl + 2);
		explicit_bzero(raw, ul + pl + 2);
		g_free(raw);
		code = smtp_command(c, 1, "AUTH PLAIN %s", b64);
		explicit_bzero(b64, strlen(b64));
		g_free(b64);
		return smtp_expect(c, code, 235, "AUTH PLAIN", cause);
	}
	if (c->smtp->auth & MAILSMTP_AUTH_LOGIN) {
		code = smtp_command(c, 0, "AUTH LOGIN");
		if (code != 334)
			return smtp_expect(c, code, 334, "AUTH LOGIN", cause);
		b64 = g_base64_encode((const guchar *)login, ul);
		code = smtp_command(c, 1, "%s", b64);
		g_free(b64);
		if (code != 334)
			return smtp_expect(c, code, 334, "AUTH LOGIN (user name)", cause);
		b64 = g_base64_encode((const guchar *)password, pl);
		code = smtp_command(c, 1, "%s", b64);
		explicit_bzero(b64, strlen(b64));
		g_free(b64);
		return smtp_expect(c, code, 235, "AUTH LOGIN", cause);
	}
	*cause = g_strdup_printf("SMTP %s: a login is configured but the server offers neither "
	                         "AUTH PLAIN nor AUTH LOGIN%s",
	                         c->where,
	                         c->smtp->esmtp & MAILSMTP_ESMTP_STARTTLS ? " (before TLS)" : "");
	return NET_NO;
}

/* Connect, read the greeting, EHLO, secure and authenticate as configured. */
struct smtp_conn *
smtp_connect(const struct net_endpoint *ep, const char *helo, const char *login,
             const char *password, enum net_result *res, char **cause)
{
	struct smtp_conn *c = g_new0(struct smtp_conn, 1);
	mailstream *stream;
	int r;

	c->where = g_strdup_printf("%s:%d", ep->host, ep->port);
	c->helo = g_strdup(helo != NULL && *helo != '\0' ? helo : "localhost");
	c->smtp = mailsmtp_new(0, NULL);
	if (c->smtp == NULL)
		log_fatal("out of memory");
	if (ep->timeout > 0)
		mailsmtp_set_timeout(c->smtp, ep->timeout);

	stream = tls_stream_open(ep, SMTP_BUFFER, res, cause);
	if (stream == NULL)
		return smtp_free(c);
	/* on failure libetpan closes the stream itself */
	r = mailsmtp_connect(c->smtp, stream);
	if ((*res = smtp_result(c, r, "greeting", cause)) != NET_OK)
		return smtp_free(c);
	if ((*res = smtp_ehlo(c, cause)) != NET_OK)
		return smtp_free(c);
	if (ep->security == NET_STARTTLS && (*res = smtp_starttls(c, ep, cause)) != NET_OK)
		return smtp_free(c);
	if (login != NULL && *login != '\0' &&
	    (*res = smtp_auth(c, login, password != NULL ? password : "", cause)) != NET_OK)
		return smtp_free(c);
	log_trace(TRACE_SMTP, "smtp", "%s: ready (%s%s)", c->where,
	          ep->security == NET_TLS        ? "TLS"
	          : ep->security == NET_STARTTLS ? "STARTTLS"
	                                         : "plain",
	          login != NULL && *login != '\0' ? ", authenticated" : "");
	*res = NET_OK;
	return c;
}

/* Nonzero when addr can go between <> in MAIL FROM / RCPT TO without harm. */
static int
smtp_address_ok(const char *addr)
{
	const char *p;

	if (strlen(addr) > SMTP_MAX_PATH)
		return 0;
	for (p = addr; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '<' || *p == '>')
			return 0;
	return 1;
}

/* RSET after a refused transaction so the session can send the next message. */
static void
smtp_reset(struct smtp_conn *c)
{
	if (!c->broken && mailsmtp_reset(c->smtp) != MAILSMTP_NO_ERROR)
		c->broken = 1;
}

/* One transaction: MAIL, RCPT for each recipient, DATA; NET_OK after the final 250. */
enum net_result
smtp_send(struct smtp_conn *c, const char *from, const char *const *rcpt, size_t n,
          const char *data, size_t len, char **cause)
{
	mailsmtp *s = c->smtp;
	enum net_result res;
	GString *refused;
	size_t i;
	int r;

	if (c->broken || s->stream == NULL) {
		*cause = g_strdup_printf("SMTP %s: connection is broken, reconnect", c->where);
		return NET_RETRY;
	}
	if (n == 0) {
		*cause = g_strdup("no recipients");
		return NET_NO;
	}
	if (!smtp_address_ok(from)) {
		*cause = g_strdup_printf("invalid envelope sender \"%s\"", from);
		return NET_NO;
	}
	for (i = 0; i < n; i++)
		if (!smtp_address_ok(rcpt[i])) {
			*cause = g_strdup_printf("invalid recipient \"%s\"", rcpt[i]);
			return NET_NO;
		}

	r = s->esmtp ? mailesmtp_mail_size(s, from, 0, NULL, len) : mailsmtp_mail(s, from);
	if ((res = smtp_result(c, r, "MAIL FROM", cause)) != NET_OK) {
		smtp_reset(c);
		return res;
	}

	/* Simple and safe: one refused recipient fails the whole message. */
	refused = g_string_new(NULL);
	for (i = 0; i < n; i++) {
		char *what, *why = NULL;

		r = s->esmtp ? mailesmtp_rcpt(s, rcpt[i], 0, NULL) : mailsmtp_rcpt(s, rcpt[i]);
		what = g_strdup_printf("RCPT TO <%s>", rcpt[i]);
		res = smtp_result(c, r, what, &why);
		g_free(what);
		if (res == NET_RETRY) {
			*cause = why;
			g_string_free(refused, TRUE);
			return res;
		}
		if (res == NET_NO) {
			char *text = smtp_reply_text(c);
			g_string_append_printf(refused, "%s<%s> (%d %s)", refused->len ? ", " : "",
			                       rcpt[i], s->response_code, text);
			g_free(text);
			g_free(why);
		}
	}
	if (refused->len > 0) {
		*cause =
		    g_strdup_printf("SMTP %s: recipient(s) refused: %s", c->where, refused->str);
		g_string_free(refused, TRUE);
		smtp_reset(c);
		return NET_NO;
	}
	g_string_free(refused, TRUE);

	r = mailsmtp_data(s);
	if ((res = smtp_result(c, r, "DATA", cause)) != NET_OK) {
		if (res == NET_NO)
			smtp_reset(c);
		return res;
	}
	/* libetpan ends the data with CRLF "." CRLF itself: drop our final line end,
	   or the message would grow an empty last line. */
	if (len >= 2 && data[len - 2] == '\r' && data[len - 1] == '\n')
		len -= 2;
	else if (len >= 1 && data[len - 1] == '\n')
		len -= 1;
	r = mailsmtp_data_message(s, data, len);
	if ((res = smtp_result(c, r, "end of data", cause)) != NET_OK)
		return res;
	log_trace(TRACE_SMTP, "smtp", "%s: sent %zu bytes from <%s> to %zu recipient(s): %.*s",
	          c->where, len, from, n,
	          (int)strcspn(s->response != NULL ? s->response : "", "\n"),
	          s->response != NULL ? s->response : "");
	return NET_OK;
}

/* QUIT (unless broken), close and free. */
struct smtp_conn *
smtp_free(struct smtp_conn *c)
{
	if (c == NULL)
		return NULL;
	if (c->smtp != NULL) {
		if (c->broken && c->smtp->stream != NULL) {
			mailstream_close(c->smtp->stream);
			c->smtp->stream = NULL;
		}
		/* mailsmtp_free() sends QUIT (without waiting) when the stream is open */
		mailsmtp_free(c->smtp);
	}
	g_free(c->helo);
	g_free(c->where);
	g_free(c);
	return NULL;
}
