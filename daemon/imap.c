/* imap.c - the IMAP session over libetpan's mailimap: connecting, TLS,
   login, capabilities, SELECT, IDLE, the three-way results; see imap.h. */
#include "imap.h"
#include "imap_parts.h"

#include <string.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "log.h"
#include "tls.h"

/* libetpan's read and write buffer size for the stream */
#define IMAP_BUFFER 8192

/* The server's text for the last tagged response, or a placeholder. */
const char *
imap_server_text(struct imap_conn *c)
{
	const char *t = c->imap->imap_response;

	return t != NULL && *t != '\0' ? t : "(no text)";
}

/* The response code atom of the last response (e.g. "UNAVAILABLE"), or "". */
const char *
imap_response_atom(struct imap_conn *c)
{
	struct mailimap_response_info *ri = c->imap->imap_response_info;

	return ri != NULL && ri->rsp_atom != NULL ? ri->rsp_atom : "";
}

/*
 * Map a libetpan result to the three-way result and set the cause.  A tagged
 * NO or BAD is the server refusing this command (NET_NO, the session goes on);
 * anything else means the stream can no longer be trusted (NET_RETRY).
 */
enum net_result
imap_result(struct imap_conn *c, int r, const char *what, char **cause)
{
	switch (r) {
	case MAILIMAP_NO_ERROR:
	case MAILIMAP_NO_ERROR_AUTHENTICATED:
	case MAILIMAP_NO_ERROR_NON_AUTHENTICATED:
		return NET_OK;
	case MAILIMAP_ERROR_LOGIN:
	case MAILIMAP_ERROR_SELECT:
	case MAILIMAP_ERROR_EXAMINE:
	case MAILIMAP_ERROR_UID_SEARCH:
	case MAILIMAP_ERROR_UID_FETCH:
	case MAILIMAP_ERROR_UID_STORE:
	case MAILIMAP_ERROR_UID_COPY:
	case MAILIMAP_ERROR_UID_MOVE:
	case MAILIMAP_ERROR_CREATE:
	case MAILIMAP_ERROR_LIST:
	case MAILIMAP_ERROR_CAPABILITY:
	case MAILIMAP_ERROR_STARTTLS:
	case MAILIMAP_ERROR_EXTENSION:
	case MAILIMAP_ERROR_PROTOCOL:
	case MAILIMAP_ERROR_CUSTOM_COMMAND:
		/* RFC 5530: UNAVAILABLE is a temporary server-side failure */
		if (g_ascii_strcasecmp(imap_response_atom(c), "UNAVAILABLE") == 0) {
			*cause = g_strdup_printf("IMAP %s: %s failed temporarily: %s", c->where,
			                         what, imap_server_text(c));
			return NET_RETRY;
		}
		*cause =
		    g_strdup_printf("IMAP %s: %s refused: %s", c->where, what, imap_server_text(c));
		return NET_NO;
	case MAILIMAP_ERROR_DONT_ACCEPT_CONNECTION:
		c->broken = 1;
		*cause = g_strdup_printf("IMAP %s: server refused the connection: %s", c->where,
		                         imap_server_text(c));
		return NET_RETRY;
	case MAILIMAP_ERROR_FATAL:
		c->broken = 1;
		*cause = g_strdup_printf("IMAP %s: server closed the session during %s: %s",
		                         c->where, what, imap_server_text(c));
		return NET_RETRY;
	case MAILIMAP_ERROR_PARSE:
		c->broken = 1;
		*cause = g_strdup_printf("IMAP %s: cannot parse the server's answer to %s",
		                         c->where, what);
		return NET_RETRY;
	default:
		c->broken = 1;
		if (r == MAILIMAP_ERROR_STREAM)
			*cause = g_strdup_printf("IMAP %s: %s: connection lost or timed out",
			                         c->where, what);
		else
			*cause = g_strdup_printf("IMAP %s: %s failed (libetpan error %d)", c->where,
			                         what, r);
		return NET_RETRY;
	}
}

/* Refuse to talk over a session that failed earlier. */
enum net_result
imap_check_usable(struct imap_conn *c, char **cause)
{
	if (c->broken) {
		*cause = g_strdup_printf("IMAP %s: connection is broken, reconnect", c->where);
		return NET_RETRY;
	}
	if (c->idling) {
		*cause = g_strdup_printf("IMAP %s: command while idling (call imap_idle_done)",
		                         c->where);
		return NET_NO;
	}
	return NET_OK;
}

/* Nonzero when s is a valid IMAP atom (keywords are sent unquoted). */
int
imap_is_atom(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    strchr("(){%*\"\\]", *s) != NULL)
			return 0;
	return 1;
}

/* Ask for CAPABILITY and keep it in the session (libetpan stores it). */
static enum net_result
imap_refresh_capability(struct imap_conn *c, char **cause)
{
	struct mailimap_capability_data *cap = NULL;
	int r;

	r = mailimap_capability(c->imap, &cap);
	if (cap != NULL)
		mailimap_capability_data_free(cap);
	return imap_result(c, r, "CAPABILITY", cause);
}

/*
 * STARTTLS, then put our verifying TLS driver under the existing stream, as
 * libetpan's mailimap_socket_starttls() does with its own (unverifying) one.
 */
static enum net_result
imap_starttls(struct imap_conn *c, const struct net_endpoint *ep, char **cause)
{
	mailstream *stream = c->imap->imap_stream;
	enum net_result res;
	int r;

	if (c->imap->imap_connection_info == NULL ||
	    c->imap->imap_connection_info->imap_capability == NULL) {
		if ((res = imap_refresh_capability(c, cause)) != NET_OK)
			return res;
	}
	if (!mailimap_has_extension(c->imap, "STARTTLS")) {
		*cause = g_strdup_printf("IMAP %s: STARTTLS configured but the server does "
		                         "not offer it; refusing to continue in plain text",
		                         c->where);
		c->broken = 1;
		return NET_NO;
	}
	r = mailimap_starttls(c->imap);
	/* the server's bytes after its answer must not be read as TLS-protected */
	if (stream->read_buffer_len == 0 &&
	    (res = imap_result(c, r, "STARTTLS", cause)) != NET_OK) {
		c->broken = 1;
		return res;
	}
	if ((res = tls_stream_upgrade(stream, ep, cause)) != NET_OK) {
		c->broken = 1;
		return res;
	}
	return NET_OK;
}

/* Connect, secure as configured, log in and learn the capabilities. */
struct imap_conn *
imap_connect(const struct net_endpoint *ep, const char *login, const char *password,
             enum net_result *res, char **cause)
{
	struct imap_conn *c = g_new0(struct imap_conn, 1);
	mailstream *stream;
	int r;

	c->where = g_strdup_printf("%s:%d", ep->host, ep->port);
	c->imap = mailimap_new(0, NULL);
	if (c->imap == NULL)
		log_fatal("out of memory");
	if (ep->timeout > 0)
		mailimap_set_timeout(c->imap, ep->timeout);

	stream = tls_stream_open(ep, IMAP_BUFFER, res, cause);
	if (stream == NULL)
		return imap_free(c);
	r = mailimap_connect(c->imap, stream);
	if ((*res = imap_result(c, r, "greeting", cause)) != NET_OK) {
		c->broken = 1;
		return imap_free(c);
	}
	if (r == MAILIMAP_NO_ERROR_AUTHENTICATED && ep->security == NET_STARTTLS) {
		/* PREAUTH leaves no chance for STARTTLS */
		*cause = g_strdup_printf("IMAP %s: server sent PREAUTH before STARTTLS; refusing",
		                         c->where);
		*res = NET_NO;
		c->broken = 1;
		return imap_free(c);
	}
	if (ep->security == NET_STARTTLS && (*res = imap_starttls(c, ep, cause)) != NET_OK)
		return imap_free(c);

	if (r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		r = mailimap_login(c->imap, login, password);
		if ((*res = imap_result(c, r, "login", cause)) != NET_OK)
			return imap_free(c);
	}
	/* The greeting's list is the pre-login one (Dovecot leaves out MOVE there). */
	if ((*res = imap_refresh_capability(c, cause)) != NET_OK)
		return imap_free(c);
	log_trace(TRACE_IMAP, "imap", "%s: logged in (%s)", c->where,
	          ep->security == NET_TLS        ? "TLS"
	          : ep->security == NET_STARTTLS ? "STARTTLS"
	                                         : "plain");
	*res = NET_OK;
	return c;
}

/* SELECT the folder and report its UIDVALIDITY. */
enum net_result
imap_select(struct imap_conn *c, const char *folder, uint32_t *uidvalidity, char **cause)
{
	enum net_result res;
	char *what;
	int r;

	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	what = g_strdup_printf("SELECT %s", folder);
	r = mailimap_select(c->imap, folder);
	res = imap_result(c, r, what, cause);
	if (res == NET_OK) {
		*uidvalidity = c->imap->imap_selection_info->sel_uidvalidity;
		if (*uidvalidity == 0) {
			*cause = g_strdup_printf("IMAP %s: %s: server sent no UIDVALIDITY",
			                         c->where, what);
			res = NET_NO;
		}
	}
	g_free(what);
	return res;
}

/* Whether the selected folder keeps keyword across sessions: PERMANENTFLAGS
   names it or holds "\*"; a server that sent no PERMANENTFLAGS keeps all
   flags (RFC 3501, 7.1). */
int
imap_keeps_keyword(struct imap_conn *c, const char *keyword)
{
	struct mailimap_selection_info *si = c->imap->imap_selection_info;
	clistiter *it;

	if (si == NULL || si->sel_perm_flags == NULL)
		return 1;
	for (it = clist_begin(si->sel_perm_flags); it != NULL; it = clist_next(it)) {
		struct mailimap_flag_perm *fp = clist_content(it);
		if (fp->fl_type == MAILIMAP_FLAG_PERM_ALL)
			return 1;
		if (fp->fl_flag != NULL && fp->fl_flag->fl_type == MAILIMAP_FLAG_KEYWORD &&
		    g_ascii_strcasecmp(fp->fl_flag->fl_data.fl_keyword, keyword) == 0)
			return 1;
	}
	return 0;
}

/*
 * Send one command line written here (tag, line, CRLF: libetpan's
 * mailimap_custom_command() ends every command with a space, which Cyrus
 * answers with BAD) and read its answer into the session as libetpan's own
 * commands do.  line must hold no CR or LF.
 */
enum net_result
imap_command_line(struct imap_conn *c, const char *line, const char *what, char **cause)
{
	struct mailimap_response *response = NULL;
	int r, state;

	if ((r = mailimap_send_current_tag(c->imap)) != MAILIMAP_NO_ERROR)
		return imap_result(c, r, what, cause);
	if (mailstream_write(c->imap->imap_stream, line, strlen(line)) < 0 ||
	    mailstream_write(c->imap->imap_stream, "\r\n", 2) < 0 ||
	    mailstream_flush(c->imap->imap_stream) < 0)
		return imap_result(c, MAILIMAP_ERROR_STREAM, what, cause);
	if (mailimap_read_line(c->imap) == NULL)
		return imap_result(c, MAILIMAP_ERROR_STREAM, what, cause);
	if ((r = mailimap_parse_response(c->imap, &response)) != MAILIMAP_NO_ERROR)
		return imap_result(c, r, what, cause);
	state = response->rsp_resp_done->rsp_data.rsp_tagged->rsp_cond_state->rsp_type;
	mailimap_response_free(response);
	return imap_result(c,
	                   state == MAILIMAP_RESP_COND_STATE_OK ? MAILIMAP_NO_ERROR
	                                                        : MAILIMAP_ERROR_CUSTOM_COMMAND,
	                   what, cause);
}

/* The message count the server last reported for the selected folder. */
uint32_t
imap_exists(struct imap_conn *c)
{
	struct mailimap_selection_info *si = c->imap->imap_selection_info;

	return si != NULL ? si->sel_exists : 0;
}

/* Nonzero when the server offers IDLE. */
int
imap_can_idle(struct imap_conn *c)
{
	return !c->broken && mailimap_has_idle(c->imap);
}

/* Send IDLE and wait for the continuation; the caller then polls imap_idle_fd(). */
enum net_result
imap_idle_start(struct imap_conn *c, char **cause)
{
	enum net_result res;
	int r;

	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	/* mailimap_idle() dereferences the selection info */
	if (c->imap->imap_selection_info == NULL) {
		*cause = g_strdup_printf("IMAP %s: IDLE without a selected folder", c->where);
		return NET_NO;
	}
	r = mailimap_idle(c->imap);
	/* a tagged answer instead of "+ idling" comes back as a parse error */
	if (r == MAILIMAP_ERROR_PARSE) {
		*cause =
		    g_strdup_printf("IMAP %s: IDLE refused: %s", c->where, imap_server_text(c));
		return NET_NO;
	}
	if ((res = imap_result(c, r, "IDLE", cause)) == NET_OK)
		c->idling = 1;
	return res;
}

/* The socket to poll while idling. */
int
imap_idle_fd(struct imap_conn *c)
{
	return mailimap_idle_get_fd(c->imap);
}

/* Nonzero when a response already sits in libetpan's or GnuTLS's buffer. */
int
imap_idle_buffered(struct imap_conn *c)
{
	mailstream *s = c->imap->imap_stream;

	if (s == NULL)
		return 0;
	return s->read_buffer_len > 0 || tls_pending(mailstream_get_low(s));
}

/* Send DONE and read the untagged news and the tagged completion. */
enum net_result
imap_idle_done(struct imap_conn *c, char **cause)
{
	int r;

	if (!c->idling)
		return NET_OK;
	c->idling = 0;
	if (c->broken) {
		*cause = g_strdup_printf("IMAP %s: connection is broken, reconnect", c->where);
		return NET_RETRY;
	}
	r = mailimap_idle_done(c->imap);
	if (r == MAILIMAP_ERROR_PARSE) {
		/* what Cyrus does when the folder is deleted under IDLE: it closes
		   the session without a word, and libetpan reports a parse error */
		c->broken = 1;
		*cause = g_strdup_printf("IMAP %s: the server closed the session during IDLE (or "
		                         "sent what cannot be parsed)",
		                         c->where);
		return NET_RETRY;
	}
	return imap_result(c, r, "IDLE DONE", cause);
}

/* Log out (unless the stream is broken or idling), close and free. */
struct imap_conn *
imap_free(struct imap_conn *c)
{
	if (c == NULL)
		return NULL;
	if (c->imap != NULL) {
		/* LOGOUT over a broken or idling stream would only wait for the timeout */
		if ((c->broken || c->idling) && c->imap->imap_stream != NULL) {
			mailstream_close(c->imap->imap_stream);
			c->imap->imap_stream = NULL;
		}
		/* mailimap_free() sends LOGOUT when the stream is still open */
		mailimap_free(c->imap);
	}
	g_free(c->ensured);
	g_free(c->named);
	g_free(c->resolved);
	g_free(c->where);
	g_free(c);
	return NULL;
}
