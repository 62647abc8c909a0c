/* authres.c - Authentication-Results and Received read for sender authentication; see authres.h. */
#include "authres.h"

#include <string.h>

/* What each policy accepts, strongest first: a pass of any method listed. */
static const struct {
	const char *require;
	const char *methods[4];
} accepted[] = {
    {"dkim", {"dkim", NULL}},
    {"dmarc", {"dmarc", "dkim", NULL}},
    {"spf", {"dmarc", "dkim", "spf", NULL}},
};

/* Where each method names the domain it vouched for, in order of preference. */
static const struct {
	const char *method;
	const char *props[3];
} vouched[] = {
    {"dkim", {"header.d", "header.i", NULL}},
    {"dmarc", {"header.from", NULL}},
    {"spf", {"smtp.mailfrom", NULL}},
};

/* The value without comments (RFC 5322 CFWS), quoted strings kept as written. */
static char *
strip_comments(const char *v)
{
	GString *out = g_string_new(NULL);
	int depth = 0;
	gboolean quoted = FALSE;

	for (const char *p = v; *p != '\0'; p++) {
		if (*p == '\\' && p[1] != '\0' && (quoted || depth > 0)) {
			if (depth == 0)
				g_string_append_len(out, p, 2);
			p++;
			continue;
		}
		if (depth == 0 && *p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '(') {
			depth++;
			continue;
		} else if (!quoted && *p == ')' && depth > 0) {
			depth--;
			g_string_append_c(out, ' ');
			continue;
		}
		if (depth == 0)
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* Split s at sep or (sep 0) at white space, outside quoted strings; no empty pieces. */
static GPtrArray *
split_unquoted(const char *s, char sep)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
	GString *cur = g_string_new(NULL);
	gboolean quoted = FALSE;

	for (const char *p = s;; p++) {
		gboolean end =
		    *p == '\0' || (!quoted && (sep != 0 ? *p == sep : g_ascii_isspace(*p)));
		if (end) {
			char *piece = g_strstrip(g_strdup(cur->str));
			if (*piece != '\0')
				g_ptr_array_add(out, piece);
			else
				g_free(piece);
			g_string_truncate(cur, 0);
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '\\' && quoted && p[1] != '\0') {
			g_string_append_len(cur, p, 2);
			p++;
			continue;
		}
		if (*p == '"')
			quoted = !quoted;
		g_string_append_c(cur, *p);
	}
	g_string_free(cur, TRUE);
	return out;
}

/* s with the white space around '=' and '/' taken out (outside quotes). */
static char *
tighten(const char *s)
{
	GString *out = g_string_new(NULL);
	gboolean quoted = FALSE;

	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '"')
			quoted = !quoted;
		if (!quoted && (*p == '=' || *p == '/')) {
			while (out->len > 0 && g_ascii_isspace(out->str[out->len - 1]))
				g_string_truncate(out, out->len - 1);
			g_string_append_c(out, *p);
			while (g_ascii_isspace(p[1]))
				p++;
			continue;
		}
		g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* A value without its quotes and escapes. */
static char *
unquote(const char *v)
{
	size_t n = strlen(v);
	GString *out;

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return g_strdup(v);
	out = g_string_new(NULL);
	for (size_t i = 1; i + 1 < n; i++) {
		if (v[i] == '\\' && i + 2 < n)
			i++;
		g_string_append_c(out, v[i]);
	}
	return g_string_free(out, FALSE);
}

/* Release one result. */
static void
result_free(gpointer p)
{
	struct authres_result *r = p;

	g_free(r->method);
	g_free(r->result);
	g_strfreev(r->props);
	g_free(r);
}

/* One resinfo: "dkim=pass header.d=example.org"; NULL when unreadable. */
static struct authres_result *
parse_resinfo(const char *piece)
{
	char *t = tighten(piece);
	GPtrArray *tok = split_unquoted(t, 0);
	struct authres_result *r = NULL;
	char *eq;

	g_free(t);
	if (tok->len == 0 || (eq = strchr(g_ptr_array_index(tok, 0), '=')) == NULL) {
		g_ptr_array_free(tok, TRUE);
		return NULL;
	}
	const char *first = g_ptr_array_index(tok, 0);
	char *method = g_ascii_strdown(first, eq - first);
	char *slash = strchr(method, '/');
	if (slash != NULL)
		*slash = '\0'; /* "dkim/1": the method's version */
	r = g_new0(struct authres_result, 1);
	r->method = method;
	r->result = g_ascii_strdown(eq + 1, -1);
	GPtrArray *props = g_ptr_array_new();
	for (guint i = 1; i < tok->len; i++) {
		const char *p = g_ptr_array_index(tok, i);
		const char *e = strchr(p, '=');
		if (e == NULL || e == p)
			continue;
		g_ptr_array_add(props, g_ascii_strdown(p, e - p));
		g_ptr_array_add(props, unquote(e + 1));
	}
	g_ptr_array_add(props, NULL);
	r->props = (char **)g_ptr_array_free(props, FALSE);
	g_ptr_array_free(tok, TRUE);
	return r;
}

/* Read one Authentication-Results value. */
struct authres *
authres_parse(const char *value)
{
	char *clean;
	GPtrArray *pieces, *head;
	struct authres *a = NULL;

	if (value == NULL)
		return NULL;
	clean = strip_comments(value);
	pieces = split_unquoted(clean, ';');
	g_free(clean);
	if (pieces->len == 0) {
		g_ptr_array_free(pieces, TRUE);
		return NULL;
	}
	head = split_unquoted(g_ptr_array_index(pieces, 0), 0);
	if (head->len > 0 && strchr(g_ptr_array_index(head, 0), '=') == NULL) {
		a = g_new0(struct authres, 1);
		char *id = unquote(g_ptr_array_index(head, 0));
		a->authserv_id = g_ascii_strdown(id, -1);
		g_free(id);
		a->results = g_ptr_array_new_with_free_func(result_free);
		for (guint i = 1; i < pieces->len; i++) {
			const char *piece = g_ptr_array_index(pieces, i);
			struct authres_result *r;
			if (g_ascii_strcasecmp(piece, "none") == 0)
				continue;
			if ((r = parse_resinfo(piece)) != NULL)
				g_ptr_array_add(a->results, r);
		}
	}
	g_ptr_array_free(head, TRUE);
	g_ptr_array_free(pieces, TRUE);
	return a;
}

/* A property of a result. */
const char *
authres_prop(const struct authres_result *r, const char *name)
{
	for (int i = 0; r->props[i] != NULL && r->props[i + 1] != NULL; i += 2)
		if (strcmp(r->props[i], name) == 0)
			return r->props[i + 1];
	return NULL;
}

/* The domain of an address or a domain ("user@d", "@d", "d"), lower case, no final dot. */
static char *
domain_of(const char *v)
{
	const char *at = v != NULL ? strrchr(v, '@') : NULL;
	char *d = g_ascii_strdown(at != NULL ? at + 1 : v != NULL ? v : "", -1);
	size_t n = strlen(d);

	if (n > 0 && d[n - 1] == '.')
		d[n - 1] = '\0';
	return d;
}

/* Whether sub is dom or a sub-domain of it. */
static gboolean
is_within(const char *sub, const char *dom)
{
	size_t a = strlen(sub), b = strlen(dom);

	if (a == b)
		return strcmp(sub, dom) == 0;
	return a > b && sub[a - b - 1] == '.' && strcmp(sub + a - b, dom) == 0;
}

/* Whether two domains are aligned. */
gboolean
authres_aligned(const struct auth_policy *p, const char *a, const char *b)
{
	char *x = domain_of(a), *y = domain_of(b);
	gboolean ok = FALSE;

	if (*x == '\0' || *y == '\0')
		ok = FALSE;
	else if (strcmp(x, y) == 0)
		ok = TRUE;
	else if (p->org != NULL) {
		/* relaxed alignment: the same organisational (registrable) domain */
		char *ox = g_strdup(p->org(p->org_ctx, x));
		const char *oy = p->org(p->org_ctx, y);
		ok = ox != NULL && oy != NULL && g_ascii_strcasecmp(ox, oy) == 0;
		g_free(ox);
	} else
		ok = is_within(x, y) || is_within(y, x);
	g_free(x);
	g_free(y);
	return ok;
}

/* The host after " by " in a Received value, lower case, or NULL. */
static char *
received_by(const char *v)
{
	char **tok = g_strsplit_set(v, " \t", -1);
	char *by = NULL;

	for (int i = 0; tok[i] != NULL && by == NULL; i++)
		if (g_ascii_strcasecmp(tok[i], "by") == 0)
			for (int k = i + 1; tok[k] != NULL && by == NULL; k++)
				if (*tok[k] != '\0')
					by = g_ascii_strdown(tok[k], -1);
	g_strfreev(tok);
	return by;
}

/* The connecting address of the topmost Received header "by" host. */
char *
authres_relay(const struct message *m, const char *host)
{
	for (guint i = 0; host != NULL && i < m->headers->len; i++) {
		const struct msg_header *h = g_ptr_array_index(m->headers, i);
		if (g_ascii_strcasecmp(h->name, "Received") != 0 || h->value == NULL)
			continue;
		char *by = received_by(h->value);
		gboolean ours = by != NULL && g_ascii_strcasecmp(by, host) == 0;
		g_free(by);
		if (!ours)
			continue;
		/* "from name (helo [1.2.3.4]) by host …": the address before " by " */
		const char *end = strstr(h->value, " by ");
		const char *open = h->value, *lb = NULL, *rb;
		while ((open = strchr(open, '[')) != NULL && (end == NULL || open < end))
			lb = open++;
		if (lb == NULL || (rb = strchr(lb, ']')) == NULL)
			return NULL;
		const char *ip = lb + 1;
		if (g_ascii_strncasecmp(ip, "IPv6:", 5) == 0)
			ip += 5;
		return g_ascii_strdown(ip, rb - ip);
	}
	return NULL;
}

/* Whether a result is a pass aligned with the From: domain; *dom the domain it names. */
static gboolean
result_aligned(const struct auth_policy *p, const struct authres_result *r, const char *from,
               const char **dom)
{
	*dom = NULL;
	for (guint i = 0; i < G_N_ELEMENTS(vouched); i++) {
		if (strcmp(vouched[i].method, r->method) != 0)
			continue;
		for (int k = 0; vouched[i].props[k] != NULL && *dom == NULL; k++)
			*dom = authres_prop(r, vouched[i].props[k]);
	}
	if (*dom == NULL || strcmp(r->result, "pass") != 0)
		return FALSE;
	if (strcmp(r->method, "dmarc") == 0) {
		/* the verifier aligned it already: it must speak of this From: */
		char *x = domain_of(*dom), *y = domain_of(from);
		gboolean same = strcmp(x, y) == 0;
		g_free(x);
		g_free(y);
		return same;
	}
	return authres_aligned(p, *dom, from);
}

/* Whether m's From: is authentic under p. */
gboolean
authres_check(const struct message *m, const struct auth_policy *p, char **why)
{
	const char *const *methods = NULL;
	struct authres *top = NULL;
	GString *seen;

	if (p->require == NULL || strcmp(p->require, "none") == 0) {
		*why = g_strdup("sender authentication not required");
		return TRUE;
	}
	char *relay = authres_relay(m, p->authserv_id);
	for (int i = 0; relay != NULL && p->trusted_relays != NULL && p->trusted_relays[i] != NULL;
	     i++)
		if (g_ascii_strcasecmp(p->trusted_relays[i], relay) == 0) {
			*why = g_strdup_printf("entered through trusted relay %s", relay);
			g_free(relay);
			return TRUE;
		}
	g_free(relay);
	if (m->from_addr == NULL || strchr(m->from_addr, '@') == NULL) {
		*why = g_strdup("no From: address to authenticate");
		return FALSE;
	}
	for (guint i = 0; i < G_N_ELEMENTS(accepted); i++)
		if (strcmp(accepted[i].require, p->require) == 0)
			methods = accepted[i].methods;
	if (methods == NULL) {
		*why = g_strdup_printf("unknown requirement \"%s\"", p->require);
		return FALSE;
	}
	/* only the topmost header of our own server: those below came with the mail */
	for (guint i = 0; top == NULL && i < m->headers->len; i++) {
		const struct msg_header *h = g_ptr_array_index(m->headers, i);
		if (g_ascii_strcasecmp(h->name, "Authentication-Results") != 0)
			continue;
		struct authres *a = authres_parse(h->value);
		if (a != NULL && p->authserv_id != NULL &&
		    g_ascii_strcasecmp(a->authserv_id, p->authserv_id) == 0)
			top = a;
		else
			authres_free(a);
	}
	if (top == NULL) {
		*why = g_strdup_printf("no Authentication-Results from %s", p->authserv_id);
		return FALSE;
	}
	seen = g_string_new(NULL);
	for (int k = 0; methods[k] != NULL; k++)
		for (guint i = 0; i < top->results->len; i++) {
			const struct authres_result *r = g_ptr_array_index(top->results, i);
			const char *dom;
			if (strcmp(r->method, methods[k]) != 0)
				continue;
			if (result_aligned(p, r, m->from_addr, &dom)) {
				*why = g_strdup_printf("%s=pass for %s (%s)", r->method, dom,
				                       p->authserv_id);
				g_string_free(seen, TRUE);
				authres_free(top);
				return TRUE;
			}
			g_string_append_printf(seen, "%s%s=%s%s%s", seen->len ? ", " : "",
			                       r->method, r->result, dom != NULL ? " for " : "",
			                       dom != NULL ? dom : "");
		}
	*why = g_strdup_printf("%s: %s; none passes for %s as require = \"%s\" asks",
	                       p->authserv_id, seen->len ? seen->str : "no usable result",
	                       strrchr(m->from_addr, '@') + 1, p->require);
	g_string_free(seen, TRUE);
	authres_free(top);
	return FALSE;
}

/* Release. */
struct authres *
authres_free(struct authres *a)
{
	if (a == NULL)
		return NULL;
	g_free(a->authserv_id);
	g_ptr_array_free(a->results, TRUE);
	g_free(a);
	return NULL;
}
