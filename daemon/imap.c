/* imap.c - the IMAP side of intake over libetpan's mailimap; see imap.h. */
#include "imap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "log.h"
#include "tls.h"

/* libetpan's read and write buffer size for the stream */
#define IMAP_BUFFER 8192

struct imap_conn {
	mailimap *imap;
	char *where;    /* "host:port", for causes */
	int broken;     /* the stream is unusable: close without LOGOUT */
	int idling;     /* IDLE sent, DONE not yet */
	char *ensured;  /* last folder known to exist (imap_mark) */
	char *named;    /* the configured folder name last resolved ... */
	char *resolved; /* ... and its name on this server (imap_folder_name) */
};

/* One answer of a UID FETCH, pointing into libetpan's result. */
struct imap_msg {
	uint32_t uid;
	uint32_t size; /* RFC822.SIZE, when asked for */
	const char *data;
	size_t len;
};

/* Compare two UIDs for qsort and bsearch. */
static int
imap_uid_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Compare fetched messages by UID for qsort. */
static int
imap_msg_cmp(const void *a, const void *b)
{
	return imap_uid_cmp(&((const struct imap_msg *)a)->uid, &((const struct imap_msg *)b)->uid);
}

/* The server's text for the last tagged response, or a placeholder. */
static const char *
imap_server_text(struct imap_conn *c)
{
	const char *t = c->imap->imap_response;

	return t != NULL && *t != '\0' ? t : "(no text)";
}

/* The response code atom of the last response (e.g. "UNAVAILABLE"), or "". */
static const char *
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
static enum net_result
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
static enum net_result
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
static int
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
static enum net_result
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

/* UID SEARCH UID after+1:* [UNKEYWORD kw]; the UIDs above after_uid, ascending. */
enum net_result
imap_search_new(struct imap_conn *c, uint32_t after_uid, const char *keyword, uint32_t **uids,
                size_t *n, char **cause)
{
	clist *result = NULL;
	clistiter *it;
	enum net_result res;
	size_t count = 0;
	char *cmd;

	*uids = NULL;
	*n = 0;
	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	if (keyword != NULL && !imap_is_atom(keyword)) {
		*cause = g_strdup_printf("invalid IMAP keyword \"%s\"", keyword);
		return NET_NO;
	}
	if (after_uid == UINT32_MAX)
		return NET_OK;

	/*
	 * The command text is written here: libetpan sends the keyword of
	 * UNKEYWORD as a quoted string, which RFC 3501 does not allow (a
	 * flag-keyword is an atom) and Cyrus refuses with BAD.  The keyword was
	 * checked to be an atom above, so nothing else can enter the line.
	 */
	if (keyword != NULL)
		cmd = g_strdup_printf("UID SEARCH UID %u:* UNKEYWORD %s", after_uid + 1, keyword);
	else
		cmd = g_strdup_printf("UID SEARCH UID %u:*", after_uid + 1);
	res = imap_command_line(c, cmd, "UID SEARCH", cause);
	g_free(cmd);
	if (res != NET_OK)
		return res;
	/* the "* SEARCH" lines of the answer, taken from the session */
	if (c->imap->imap_response_info != NULL) {
		result = c->imap->imap_response_info->rsp_search_result;
		c->imap->imap_response_info->rsp_search_result = NULL;
	}

	/* libetpan leaves the list NULL when the server sent no "* SEARCH" line */
	if (result == NULL)
		return NET_OK;
	*uids = g_new(uint32_t, clist_count(result) + 1);
	for (it = clist_begin(result); it != NULL; it = clist_next(it)) {
		uint32_t uid = *(uint32_t *)clist_content(it);
		/* "N:*" always matches the highest UID, even when it is below N */
		if (uid > after_uid)
			(*uids)[count++] = uid;
	}
	mailimap_search_result_free(result);
	qsort(*uids, count, sizeof **uids, imap_uid_cmp);
	*n = count;
	if (count == 0) {
		g_free(*uids);
		*uids = NULL;
	}
	log_trace(TRACE_IMAP, "imap", "%s: %zu new above UID %u", c->where, count, after_uid);
	return NET_OK;
}

/* A UID set for the sorted, duplicate-free uids, consecutive runs as ranges. */
static struct mailimap_set *
imap_uid_set(const uint32_t *sorted, size_t n)
{
	struct mailimap_set *set = mailimap_set_new_empty();
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j + 1 < n && sorted[j + 1] == sorted[j] + 1; j++)
			;
		if (i == j)
			mailimap_set_add_single(set, sorted[i]);
		else
			mailimap_set_add_interval(set, sorted[i], sorted[j]);
		i = j + 1;
	}
	return set;
}

/* Sort uids into a new array without duplicates or zeros; returns its length. */
static size_t
imap_sorted_uids(const uint32_t *uids, size_t n, uint32_t **out)
{
	size_t i, m = 0;

	*out = g_new(uint32_t, n + 1);
	memcpy(*out, uids, n * sizeof *uids);
	qsort(*out, n, sizeof **out, imap_uid_cmp);
	for (i = 0; i < n; i++)
		if ((*out)[i] != 0 && (m == 0 || (*out)[i] != (*out)[m - 1]))
			(*out)[m++] = (*out)[i];
	return m;
}

/* UID, RFC822.SIZE and BODY[] of one FETCH response. */
static void
imap_msg_from_att(struct mailimap_msg_att *att, struct imap_msg *m)
{
	clistiter *it;

	m->uid = 0;
	m->data = NULL;
	m->len = 0;
	m->size = 0;
	for (it = clist_begin(att->att_list); it != NULL; it = clist_next(it)) {
		struct mailimap_msg_att_item *item = clist_content(it);
		struct mailimap_msg_att_static *st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
			continue;
		st = item->att_data.att_static;
		if (st->att_type == MAILIMAP_MSG_ATT_UID) {
			m->uid = st->att_data.att_uid;
		} else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE) {
			m->size = st->att_data.att_rfc822_size;
		} else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		           st->att_data.att_body_section != NULL &&
		           st->att_data.att_body_section->sec_body_part != NULL) {
			m->data = st->att_data.att_body_section->sec_body_part;
			m->len = st->att_data.att_body_section->sec_length;
		}
	}
}

/* One UID FETCH of fetch type for the sorted uids; the answers for UIDs asked
   for, sorted, without duplicates, into *msgs (pointing into *result). */
static enum net_result
imap_uid_fetch(struct imap_conn *c, const uint32_t *sorted, size_t m,
               struct mailimap_fetch_type *type, const char *what, clist **result,
               struct imap_msg **msgs, size_t *count, char **cause)
{
	struct mailimap_set *set = imap_uid_set(sorted, m);
	clistiter *it;
	enum net_result res;
	size_t k = 0;
	int r;

	*result = NULL;
	*msgs = NULL;
	*count = 0;
	r = mailimap_uid_fetch(c->imap, set, type, result);
	mailimap_set_free(set);
	if ((res = imap_result(c, r, what, cause)) != NET_OK || *result == NULL)
		return res;
	/* Keep only answers for UIDs we asked for: the server may add unsolicited
	   FETCH responses (flag changes from other sessions). */
	*msgs = g_new(struct imap_msg, clist_count(*result) + 1);
	for (it = clist_begin(*result); it != NULL; it = clist_next(it)) {
		struct imap_msg *x = &(*msgs)[k];
		imap_msg_from_att(clist_content(it), x);
		if (x->uid != 0 &&
		    bsearch(&x->uid, sorted, m, sizeof *sorted, imap_uid_cmp) != NULL)
			k++;
	}
	qsort(*msgs, k, sizeof **msgs, imap_msg_cmp);
	/* one answer per UID */
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (u == 0 || (*msgs)[i].uid != (*msgs)[u - 1].uid)
			(*msgs)[u++] = (*msgs)[i];
	*count = u;
	return NET_OK;
}

/* UID FETCH (UID RFC822.SIZE) for the n UIDs: sizes[i] for uids[i], 0 when
   the server did not answer for it. */
enum net_result
imap_sizes(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t *sizes, char **cause)
{
	struct mailimap_fetch_type *type;
	struct imap_msg *msgs;
	clist *result;
	uint32_t *sorted;
	enum net_result res;
	size_t m, count;

	memset(sizes, 0, n * sizeof *sizes);
	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	m = imap_sorted_uids(uids, n, &sorted);
	if (m == 0) {
		g_free(sorted);
		return NET_OK;
	}
	type = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_rfc822_size());
	res = imap_uid_fetch(c, sorted, m, type, "UID FETCH RFC822.SIZE", &result, &msgs, &count,
	                     cause);
	mailimap_fetch_type_free(type);
	for (size_t i = 0; res == NET_OK && i < n; i++) {
		struct imap_msg key = {.uid = uids[i]};
		struct imap_msg *hit = bsearch(&key, msgs, count, sizeof *msgs, imap_msg_cmp);
		if (hit != NULL)
			sizes[i] = hit->size != 0 ? hit->size : 1;
	}
	g_free(msgs);
	g_free(sorted);
	if (result != NULL)
		mailimap_fetch_list_free(result);
	return res;
}

/*
 * One UID FETCH (UID BODY.PEEK[], or BODY.PEEK[]<0.partial>) for all n UIDs,
 * then fn per message in UID order.  The bodies are copied out and the
 * server's answer freed before the first call, so a batch is held in memory
 * once while it is read.
 */
enum net_result
imap_fetch(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t partial,
           imap_message_fn fn, void *arg, char **cause)
{
	struct mailimap_fetch_type *type;
	struct mailimap_section *section;
	struct imap_msg *msgs;
	clist *result;
	uint32_t *sorted;
	enum net_result res;
	size_t m, count, i;
	GBytes **copies;

	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	m = imap_sorted_uids(uids, n, &sorted);
	if (m == 0) {
		g_free(sorted);
		return NET_OK;
	}
	type = mailimap_fetch_type_new_fetch_att_list_empty();
	section = mailimap_section_new(NULL);
	mailimap_fetch_type_new_fetch_att_list_add(type, mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(
	    type, partial > 0
	              ? mailimap_fetch_att_new_body_peek_section_partial(section, 0, partial)
	              : mailimap_fetch_att_new_body_peek_section(section));
	res = imap_uid_fetch(c, sorted, m, type, "UID FETCH", &result, &msgs, &count, cause);
	mailimap_fetch_type_free(type);
	if (res != NET_OK || result == NULL) {
		g_free(msgs);
		g_free(sorted);
		if (result != NULL)
			mailimap_fetch_list_free(result);
		return res;
	}
	copies = g_new0(GBytes *, count + 1);
	for (i = 0; i < count; i++)
		if (msgs[i].data != NULL)
			copies[i] = g_bytes_new(msgs[i].data, msgs[i].len);
	mailimap_fetch_list_free(result);
	if (count < m)
		log_trace(TRACE_IMAP, "imap", "%s: asked for %zu messages, got %zu", c->where, m,
		          count);
	for (i = 0; i < count; i++) {
		if (copies[i] == NULL)
			continue;
		if (fn(msgs[i].uid, copies[i], arg) != 0)
			break;
	}
	for (i = 0; i < count; i++)
		if (copies[i] != NULL)
			g_bytes_unref(copies[i]);
	g_free(copies);
	g_free(msgs);
	g_free(sorted);
	return NET_OK;
}

/* Make sure folder exists: LIST it, CREATE when missing; remembered per session. */
static enum net_result
imap_ensure_folder(struct imap_conn *c, const char *folder, char **cause)
{
	enum net_result res;
	int found, r;

	if (c->ensured != NULL && strcmp(c->ensured, folder) == 0)
		return NET_OK;
	if ((found = imap_folder_exists(c, folder, cause)) < 0)
		return c->broken ? NET_RETRY : NET_NO;
	if (!found) {
		char *what = g_strdup_printf("CREATE %s", folder);
		r = mailimap_create(c->imap, folder);
		res = imap_result(c, r, what, cause);
		g_free(what);
		/* there all along, but not listed (Cyrus with a dotted login):
		   RFC 5530's ALREADYEXISTS, or the text of servers without it */
		if (res == NET_NO &&
		    (g_ascii_strcasecmp(imap_response_atom(c), "ALREADYEXISTS") == 0 ||
		     strstr(imap_server_text(c), "already exists") != NULL)) {
			g_clear_pointer(cause, g_free);
			res = NET_OK;
		} else if (res != NET_OK) {
			return res;
		} else {
			log_info("imap", "%s: created folder %s", c->where, folder);
		}
	}
	g_free(c->ensured);
	c->ensured = g_strdup(folder);
	return NET_OK;
}

/*
 * The server's name for a folder of the configuration (see imap.h): a name outside the
 * personal namespace (RFC 2342) gets its prefix, so "Phieu" is "INBOX.Phieu"
 * on a server whose personal folders live under INBOX (Cyrus with its
 * defaults), and "/" becomes the server's hierarchy delimiter.  Without
 * NAMESPACE, the delimiter comes from LIST "" "".  Kept per session.
 */
enum net_result
imap_folder_name(struct imap_conn *c, const char *folder, const char **out, char **cause)
{
	struct mailimap_namespace_data *ns = NULL;
	char *prefix = NULL, delim = '\0';
	enum net_result res;
	GString *name;
	int r;

	if (c->named != NULL && strcmp(c->named, folder) == 0) {
		*out = c->resolved;
		return NET_OK;
	}
	if (mailimap_has_namespace(c->imap)) {
		r = mailimap_namespace(c->imap, &ns);
		if ((res = imap_result(c, r, "NAMESPACE", cause)) != NET_OK)
			return res;
		if (ns != NULL && ns->ns_personal != NULL &&
		    clist_begin(ns->ns_personal->ns_data_list) != NULL) {
			struct mailimap_namespace_info *ni =
			    clist_content(clist_begin(ns->ns_personal->ns_data_list));
			prefix = g_strdup(ni->ns_prefix);
			delim = ni->ns_delimiter;
		}
		if (ns != NULL)
			mailimap_namespace_data_free(ns);
	} else {
		clist *list = NULL;
		r = mailimap_list(c->imap, "", "", &list);
		if ((res = imap_result(c, r, "LIST", cause)) != NET_OK) {
			if (list != NULL)
				mailimap_list_result_free(list);
			return res;
		}
		if (list != NULL && clist_begin(list) != NULL)
			delim = ((struct mailimap_mailbox_list *)clist_content(clist_begin(list)))
			            ->mb_delimiter;
		if (list != NULL)
			mailimap_list_result_free(list);
	}
	name = g_string_new(NULL);
	/* INBOX and its children are named the same way everywhere */
	if (prefix != NULL && *prefix != '\0' &&
	    g_ascii_strncasecmp(folder, prefix, strlen(prefix)) != 0 &&
	    g_ascii_strcasecmp(folder, "INBOX") != 0 &&
	    !(g_ascii_strncasecmp(folder, "INBOX", 5) == 0 &&
	      (folder[5] == delim || folder[5] == '/')))
		g_string_append(name, prefix);
	for (const char *p = folder; *p != '\0'; p++)
		g_string_append_c(name, *p == '/' && delim != '\0' ? delim : *p);
	g_free(prefix);
	g_free(c->named);
	g_free(c->resolved);
	c->named = g_strdup(folder);
	c->resolved = g_string_free(name, FALSE);
	if (strcmp(c->named, c->resolved) != 0)
		log_info("imap", "%s: folder %s is %s on this server", c->where, c->named,
		         c->resolved);
	*out = c->resolved;
	return NET_OK;
}

/* Whether folder exists on the server: 1 yes, 0 no, -1 with *cause. */
int
imap_folder_exists(struct imap_conn *c, const char *folder, char **cause)
{
	clist *list = NULL;
	int found, r;

	r = mailimap_list(c->imap, "", folder, &list);
	if (imap_result(c, r, "LIST", cause) != NET_OK) {
		if (list != NULL)
			mailimap_list_result_free(list);
		return -1;
	}
	found = list != NULL && clist_count(list) > 0;
	if (list != NULL)
		mailimap_list_result_free(list);
	return found;
}

/* Add keyword to one message and take it off again (phieud -n --check-servers). */
enum net_result
imap_try_keyword(struct imap_conn *c, uint32_t uid, const char *keyword, char **cause)
{
	enum net_result res = NET_OK;

	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	if (!imap_is_atom(keyword)) {
		*cause = g_strdup_printf("invalid IMAP keyword \"%s\"", keyword);
		return NET_NO;
	}
	for (int add = 1; add >= 0 && res == NET_OK; add--) {
		struct mailimap_flag_list *flags = mailimap_flag_list_new_empty();
		mailimap_flag_list_add(flags, mailimap_flag_new_flag_keyword(strdup(keyword)));
		struct mailimap_store_att_flags *att =
		    add ? mailimap_store_att_flags_new_add_flags_silent(flags)
		        : mailimap_store_att_flags_new_remove_flags_silent(flags);
		struct mailimap_set *set = mailimap_set_new_single(uid);
		int r = mailimap_uid_store(c->imap, set, att);
		mailimap_set_free(set);
		mailimap_store_att_flags_free(att);
		res = imap_result(c, r, "UID STORE", cause);
	}
	return res;
}

/* UID STORE +FLAGS.SILENT (keyword), then MOVE (or COPY) to folder when given. */
enum net_result
imap_mark(struct imap_conn *c, const uint32_t *uids, size_t n, const char *keyword,
          const char *folder, char **cause)
{
	struct mailimap_flag_list *flags;
	struct mailimap_set *set;
	enum net_result res;
	uint32_t *sorted;
	size_t m;
	int r;

	if ((res = imap_check_usable(c, cause)) != NET_OK)
		return res;
	if (keyword != NULL && !imap_is_atom(keyword)) {
		*cause = g_strdup_printf("invalid IMAP keyword \"%s\"", keyword);
		return NET_NO;
	}
	m = imap_sorted_uids(uids, n, &sorted);
	if (m == 0) {
		g_free(sorted);
		return NET_OK;
	}

	if (keyword != NULL) {
		flags = mailimap_flag_list_new_empty();
		mailimap_flag_list_add(flags, mailimap_flag_new_flag_keyword(strdup(keyword)));
		struct mailimap_store_att_flags *att =
		    mailimap_store_att_flags_new_add_flags_silent(flags);
		set = imap_uid_set(sorted, m);
		r = mailimap_uid_store(c->imap, set, att);
		mailimap_set_free(set);
		mailimap_store_att_flags_free(att);
		if ((res = imap_result(c, r, "UID STORE", cause)) != NET_OK)
			goto out;
	}
	if (folder != NULL && *folder != '\0') {
		int move = mailimap_has_extension(c->imap, "MOVE");
		if ((res = imap_folder_name(c, folder, &folder, cause)) != NET_OK)
			goto out;
		if ((res = imap_ensure_folder(c, folder, cause)) != NET_OK)
			goto out;
		set = imap_uid_set(sorted, m);
		r = move ? mailimap_uid_move(c->imap, set, folder)
		         : mailimap_uid_copy(c->imap, set, folder);
		mailimap_set_free(set);
		if ((res = imap_result(c, r, move ? "UID MOVE" : "UID COPY", cause)) != NET_OK)
			goto out;
	}
	log_trace(TRACE_IMAP, "imap", "%s: marked %zu message(s)%s%s%s%s", c->where, m,
	          keyword != NULL ? " with " : "", keyword != NULL ? keyword : "",
	          folder != NULL ? " into " : "", folder != NULL ? folder : "");
	res = NET_OK;
out:
	g_free(sorted);
	return res;
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
