/* imap_fetch.c - finding and reading messages: UID SEARCH for the new ones,
   UID sets, UID FETCH of sizes and bodies; see imap.h and imap_parts.h. */
#include "imap.h"
#include "imap_parts.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "log.h"

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
struct mailimap_set *
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
size_t
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
