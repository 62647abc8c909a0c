/* check.c - phieud -n --check-servers: try each server as the daemon will. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "imap.h"
#include "smtp.h"

/* The keyword set and taken off again to see that marking works. */
#define TEST_KEYWORD "$PhieuCheck"

#define EXIT_OK       0
#define EXIT_REFUSED  2
#define EXIT_TEMPFAIL 75

/* Print one check's line and fold its result into *worst. */
static void
report(int *worst, const char *who, const char *what, enum net_result res, const char *detail)
{
	int status = res == NET_OK ? EXIT_OK : res == NET_NO ? EXIT_REFUSED : EXIT_TEMPFAIL;

	printf("%-8s %-44s %s%s%s\n", who, what, res == NET_OK ? "ok" : "FAILED",
	       detail != NULL && *detail != '\0' ? ": " : "", detail != NULL ? detail : "");
	/* refused outranks unreachable: it needs a person */
	if (status == EXIT_REFUSED || (status == EXIT_TEMPFAIL && *worst == EXIT_OK))
		*worst = status;
}

/* The checks of one mailbox. */
static void
check_mailbox(const struct config *cfg, const struct mailbox_cfg *mb, int *worst)
{
	char *cause = NULL, *what, *detail;
	enum net_result res;
	uint32_t validity = 0, *uids = NULL;
	size_t n = 0;
	gboolean flag = strcmp(cfg->mark, "flag") == 0;
	struct imap_conn *c;

	what = g_strdup_printf("login %s", mb->login);
	c = imap_connect(&cfg->imap.ep, mb->login, mb->password, &res, &cause);
	report(worst, mb->name, what, c != NULL ? NET_OK : res, cause);
	g_free(what);
	g_clear_pointer(&cause, g_free);
	if (c == NULL)
		return;

	what = g_strdup_printf("SELECT %s", mb->folder);
	res = imap_select(c, mb->folder, &validity, &cause);
	detail = res == NET_OK
	             ? g_strdup_printf("UIDVALIDITY %u, %u message(s)", validity, imap_exists(c))
	             : g_strdup(cause);
	report(worst, mb->name, what, res, detail);
	g_free(what);
	g_free(detail);
	g_clear_pointer(&cause, g_free);
	if (res != NET_OK)
		goto out;

	if (flag) {
		gboolean keeps = imap_keeps_keyword(c, cfg->mark_keyword);
		what = g_strdup_printf("PERMANENTFLAGS keep %s", cfg->mark_keyword);
		report(worst, mb->name, what, keeps ? NET_OK : NET_NO,
		       keeps ? NULL : "the server cannot keep the keyword: set mark = \"move\"");
		g_free(what);
	}

	what = g_strdup_printf("UID SEARCH UID 1:*%s%s", flag ? " UNKEYWORD " : "",
	                       flag ? cfg->mark_keyword : "");
	res = imap_search_new(c, 0, flag ? cfg->mark_keyword : NULL, &uids, &n, &cause);
	detail = res == NET_OK ? g_strdup_printf("%zu message(s) to read", n) : g_strdup(cause);
	report(worst, mb->name, what, res, detail);
	g_free(what);
	g_free(detail);
	g_clear_pointer(&cause, g_free);
	g_free(uids);
	if (res == NET_RETRY)
		goto out;

	if (imap_exists(c) == 0) {
		printf("%-8s %-44s %s\n", mb->name, "UID STORE (test keyword)",
		       "not tried: the folder is empty");
	} else {
		/* the newest message */
		uint32_t *last = NULL;
		size_t m = 0;
		res = imap_search_new(c, 0, NULL, &last, &m, &cause);
		if (res == NET_OK && m > 0) {
			uint32_t uid = last[m - 1];
			what = g_strdup_printf("UID STORE +/-%s on UID %u", TEST_KEYWORD, uid);
			res = imap_try_keyword(c, uid, TEST_KEYWORD, &cause);
			report(worst, mb->name, what, res,
			       res == NET_OK ? "set and taken off" : cause);
			g_free(what);
		}
		g_free(last);
		g_clear_pointer(&cause, g_free);
		if (res == NET_RETRY)
			goto out;
	}

	if (!flag) {
		const char *name = NULL;
		what = g_strdup_printf("mark_folder %s", cfg->mark_folder);
		res = imap_folder_name(c, cfg->mark_folder, &name, &cause);
		if (res == NET_OK) {
			int there = imap_folder_exists(c, name, &cause);
			detail = there < 0 ? g_strdup(cause)
			                   : g_strdup_printf("%s on this server, %s", name,
			                                     there ? "exists"
			                                           : "created at the first move");
			if (there < 0)
				res = NET_NO;
		} else {
			detail = g_strdup(cause);
		}
		report(worst, mb->name, what, res, detail);
		g_free(what);
		g_free(detail);
		g_clear_pointer(&cause, g_free);
	}
out:
	imap_free(c);
}

/* Run the checks of every mailbox and of SMTP; the exit status. */
int
check_servers(const struct config *cfg)
{
	int worst = EXIT_OK;
	char *cause = NULL, *what;
	enum net_result res;
	struct smtp_conn *s;

	for (guint i = 0; i < cfg->mailboxes->len; i++)
		check_mailbox(cfg, g_ptr_array_index(cfg->mailboxes, i), &worst);
	what = g_strdup_printf("connect %s:%d%s%s", cfg->smtp.host, cfg->smtp.port,
	                       cfg->smtp.login != NULL ? ", login " : "",
	                       cfg->smtp.login != NULL ? cfg->smtp.login : "");
	s = smtp_connect(&cfg->smtp.ep, cfg->helo, cfg->smtp.login, cfg->smtp.password, &res,
	                 &cause);
	report(&worst, "smtp", what, s != NULL ? NET_OK : res, cause);
	g_free(what);
	g_free(cause);
	smtp_free(s);
	return worst;
}
