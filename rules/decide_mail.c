/* decide_mail.c - the mail around a request: the centre's mailboxes, the
   mailbox a message came to, automatic mail, who asks and who is answered;
   see decide.h. */
#include "decide.h"
#include "decide_parts.h"

#include <string.h>

#include "text.h"

/* The default mailboxes of the centre. */
static const char *const default_names[] = {"pkt-iid", "cntt", "admin", NULL};
static const char *const default_addrs[] = {"pkt-iid@danang.gov.vn", "cntt@danang.gov.vn",
                                            "admin@danang.gov.vn", NULL};
static const struct rules_opts default_opts = {"danang.gov.vn", default_names, default_addrs,
                                               "cntt@danang.gov.vn", NULL};

/* The default rules options. */
const struct rules_opts *
rules_opts_default(void)
{
	return &default_opts;
}

/* Address of a mailbox name. */
const char *
rules_mailbox_address(const struct rules_opts *opts, const char *name)
{
	for (int i = 0; name != NULL && opts->mailbox_names[i] != NULL; i++)
		if (strcmp(opts->mailbox_names[i], name) == 0)
			return opts->mailbox_addrs[i];
	return NULL;
}

/* The name as the options spell it (so it outlives the caller's copy). */
const char *
decide_mailbox_name(const struct rules_opts *opts, const char *name)
{
	for (int i = 0; opts->mailbox_names[i] != NULL; i++)
		if (strcmp(opts->mailbox_names[i], name) == 0)
			return opts->mailbox_names[i];
	return NULL;
}

/* The polled mailbox a message was addressed to, from To then Cc. */
const char *
decide_mailbox_from_recipients(const struct message *m, const struct rules_opts *opts)
{
	GPtrArray *lists[] = {m->to, m->cc};

	for (int l = 0; l < 2; l++)
		for (guint i = 0; i < lists[l]->len; i++)
			for (int k = 0; opts->mailbox_addrs[k] != NULL; k++)
				if (g_ascii_strcasecmp(g_ptr_array_index(lists[l], i),
				                       opts->mailbox_addrs[k]) == 0)
					return opts->mailbox_names[k];
	return NULL;
}

/* Signs of automatic mail, RFC 3834 and common practice. */
char *
rules_automatic(const struct message *m)
{
	static const char *const headers_any[] = {
	    "List-Id",      "List-Unsubscribe", "List-Post",   "X-Autoreply", "X-Autorespond",
	    "X-Auto-Reply", "X-Mailing-List",   "Feedback-ID", NULL};
	static const char *const senders[] = {"mailer-daemon", "postmaster", "no-reply", "noreply",
	                                      "do-not-reply",  "donotreply", "bounce",   "bounces",
	                                      "auto-reply",    "autoreply",  "daemon",   NULL};
	static const char *const subjects[] = {"auto:",
	                                       "automatic reply",
	                                       "autoreply",
	                                       "auto-reply",
	                                       "out of office",
	                                       "out of the office",
	                                       "tra loi tu dong",
	                                       "thu tra loi tu dong",
	                                       "vang mat",
	                                       "undeliverable",
	                                       "undelivered mail",
	                                       "delivery status notification",
	                                       "returned mail",
	                                       "mail delivery failed",
	                                       "failure notice",
	                                       "delivery failure",
	                                       "khong the gui",
	                                       NULL};
	const char *v;

	if ((v = message_header(m, "Auto-Submitted")) != NULL &&
	    g_ascii_strncasecmp(v, "no", 2) != 0)
		return g_strdup_printf("Auto-Submitted: %s", v);
	if ((v = message_header(m, "Precedence")) != NULL &&
	    (g_ascii_strcasecmp(v, "bulk") == 0 || g_ascii_strcasecmp(v, "junk") == 0 ||
	     g_ascii_strcasecmp(v, "list") == 0))
		return g_strdup_printf("Precedence: %s", v);
	if ((v = message_header(m, "X-Auto-Response-Suppress")) != NULL &&
	    (strstr(v, "All") != NULL || strstr(v, "OOF") != NULL ||
	     strstr(v, "AutoReply") != NULL))
		return g_strdup_printf("X-Auto-Response-Suppress: %s", v);
	for (int i = 0; headers_any[i] != NULL; i++)
		if (message_header(m, headers_any[i]) != NULL)
			return g_strdup_printf("has %s", headers_any[i]);
	if ((v = message_header(m, "Return-Path")) != NULL && strstr(v, "<>") != NULL)
		return g_strdup("null return path (a bounce)");
	if (m->content_type != NULL && strcmp(m->content_type, "multipart/report") == 0)
		return g_strdup_printf("multipart/report (%s)",
		                       m->report_type != NULL ? m->report_type : "report");
	for (int i = 0; m->from_addr != NULL && senders[i] != NULL; i++) {
		gsize n = strlen(senders[i]);
		if (strncmp(m->from_addr, senders[i], n) == 0 &&
		    (m->from_addr[n] == '@' || m->from_addr[n] == '+' || m->from_addr[n] == '-'))
			return g_strdup_printf("sender %s", m->from_addr);
	}
	char *f = text_fold(m->subject);
	for (int i = 0; subjects[i] != NULL; i++)
		if (g_str_has_prefix(f, subjects[i]) || strstr(f, subjects[i]) != NULL) {
			char *why = g_strdup_printf("subject \"%s\"", subjects[i]);
			g_free(f);
			return why;
		}
	g_free(f);
	return NULL;
}

/* Where an answer to a sender goes: From, or Reply-To where it may be trusted. */
const char *
rules_reply_target(const char *from, const char *reply_to, gboolean unit_reply_to,
                   gboolean same_org, gboolean from_trusted, const char **why)
{
	*why = NULL;
	if (reply_to == NULL || (from != NULL && g_ascii_strcasecmp(from, reply_to) == 0))
		return from;
	if (unit_reply_to)
		return reply_to;
	if (from == NULL) {
		*why = "Reply-To ignored: no From to answer instead; nobody is answered";
		return NULL;
	}
	if (same_org && from_trusted)
		return reply_to;
	*why = same_org ? "Reply-To ignored: the sender is not authenticated; answered at From"
	                : "Reply-To ignored: not a unit address and outside the sender's "
	                  "organisation; answered at From";
	return from;
}

/* Whether addr is in a NULL-terminated list (which may be NULL). */
static gboolean
addr_in(const char *const *list, const char *addr)
{
	for (int i = 0; list != NULL && addr != NULL && list[i] != NULL; i++)
		if (g_ascii_strcasecmp(list[i], addr) == 0)
			return TRUE;
	return FALSE;
}

/* Who the request is from: a forward by one of the centre's own mailboxes,
   the Department or staff stands for the unit whose mail it carries. */
void
decide_find_requester(struct decision *d, const struct message *m, const struct reading *rd,
                      const struct rules_opts *opts)
{
	gboolean relay =
	    m->from_addr != NULL &&
	    (addr_in(opts->mailbox_addrs, m->from_addr) || addr_in(opts->staff, m->from_addr) ||
	     (opts->department != NULL && g_ascii_strcasecmp(opts->department, m->from_addr) == 0));

	if (rd->forwarded_from != NULL && relay &&
	    g_ascii_strcasecmp(rd->forwarded_from, m->from_addr) != 0) {
		d->requester = g_strdup(rd->forwarded_from);
		d->forwarded_by = g_strdup(m->from_addr);
	} else if (m->from_addr != NULL) {
		d->requester = g_strdup(m->from_addr);
	}
}
