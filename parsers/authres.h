/*
 * authres.h - who really sent a message: Authentication-Results (RFC 8601)
 * and Received headers read against the centre's own mail server.
 *
 * authres_parse() reads the value of one Authentication-Results header:
 * its authserv-id and each result ("dkim=pass header.d=example.org"), with
 * comments, quoted strings and versions taken apart as the RFC says.
 *
 * authres_check() decides whether a parsed message's From: is authentic
 * under a policy.  Only the TOPMOST Authentication-Results header whose
 * authserv-id is the policy's is read: the centre's MTA adds its header on
 * top, so one the sender wrote below it, or one from another server, is
 * never believed.  A pass counts only when it is aligned with the From:
 * domain: the same organisational domain (the policy's org callback; the
 * daemon gives the public suffix list's registrable domain), or without a
 * callback the same domain or one a sub-domain of the other.  What passes:
 *   require "dkim"   dkim=pass, header.d (or header.i's domain) aligned
 *   require "dmarc"  dmarc=pass with header.from = the From: domain, or the above
 *   require "spf"    spf=pass, smtp.mailfrom's domain aligned, or any of the above
 *   require "none"   everything (no check)
 * Besides, mail that entered through a trusted relay counts as authentic:
 * the topmost Received header added "by" the authserv-id host names the
 * connecting address in [brackets].  The verdict says why, for the log and
 * the request's history.  No I/O.
 */
#ifndef PHIEU_AUTHRES_H
#define PHIEU_AUTHRES_H

#include <glib.h>

#include "message.h"

/* One result: method, result and its properties. */
struct authres_result {
	char *method; /* "dkim", "spf", "dmarc", … lower case */
	char *result; /* "pass", "fail", "none", … lower case */
	char **props; /* NULL-terminated pairs: "header.d", "example.org", … (names lower case) */
};

/* One Authentication-Results header. */
struct authres {
	char *authserv_id;  /* lower case */
	GPtrArray *results; /* struct authres_result*, in order; empty for "none" */
};

/* The organisational domain of a domain, or NULL (the caller owns nothing). */
typedef const char *(*authres_org_fn)(void *ctx, const char *domain);

/* What makes a sender authentic. */
struct auth_policy {
	const char *authserv_id;           /* the centre's MTA, as in its headers */
	const char *require;               /* "dkim" | "dmarc" | "spf" | "none" */
	const char *const *trusted_relays; /* IP addresses, NULL-terminated, or NULL */
	authres_org_fn org;                /* NULL: same domain or sub-domain */
	void *org_ctx;
};

/* Read one header value; NULL when it has no authserv-id. */
struct authres *authres_parse(const char *value);
/* A property of a result ("header.d"), or NULL. */
const char *authres_prop(const struct authres_result *r, const char *name);
/* Whether two domains are aligned under the policy (relaxed alignment). */
gboolean authres_aligned(const struct auth_policy *p, const char *a, const char *b);
/* The connecting address of the topmost Received header "by" host, or NULL (g_free). */
char *authres_relay(const struct message *m, const char *host);
/* Whether m's From: is authentic under p; *why (g_free) says how or why not. */
gboolean authres_check(const struct message *m, const struct auth_policy *p, char **why);
/* Release; returns NULL. */
struct authres *authres_free(struct authres *a);

#endif
