/* imap_mark.c - the folders and marking: a configured folder's name on the
   server, whether it exists, creating it, keywords set and messages moved or
   copied; see imap.h and imap_parts.h. */
#include "imap.h"
#include "imap_parts.h"

#include <string.h>

#include <glib.h>
#include <libetpan/libetpan.h>

#include "log.h"

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
