/* config_groups.c - the imap, smtp, mailboxes, units and authentication
   groups with their checks, and the look-ups over them; see config.h. */
#include "config.h"
#include "config_parts.h"

#include <string.h>

#include <gio/gio.h>

/* Keys of the imap and smtp groups. */
static const struct ckey server_keys[] = {
    {"host", C_STR, SRV(host), NULL, 0, 0, NULL, TRUE},
    {"port", C_INT, SRV(port), NULL, 1, 65535, NULL, TRUE},
    {"security", C_ENUM, SRV(security), "tls", 0, 0, "none|starttls|tls", FALSE},
    {"verify", C_BOOL, SRV(verify), "true", 0, 0, NULL, FALSE},
    {"ca_file", C_STR, SRV(ca_file), NULL, 0, 0, NULL, FALSE},
    {"timeout", C_INT, SRV(timeout), "60", 1, 3600, NULL, FALSE},
    {"login", C_STR, SRV(login), NULL, 0, 0, NULL, FALSE},
    {"password", C_SECRET, SRV(password), NULL, 0, 0, NULL, FALSE},
    {NULL, 0, 0, NULL, 0, 0, NULL, FALSE},
};

/* Keys of one entry of mailboxes. */
static const struct ckey mailbox_keys[] = {
    {"name", C_STR, MBOX(name), NULL, 0, 0, NULL, TRUE},
    {"address", C_ADDR, MBOX(address), NULL, 0, 0, NULL, TRUE},
    {"login", C_STR, MBOX(login), NULL, 0, 0, NULL, TRUE},
    {"password", C_SECRET, MBOX(password), NULL, 0, 0, NULL, TRUE},
    {"folder", C_STR, MBOX(folder), "INBOX", 0, 0, NULL, FALSE},
    {NULL, 0, 0, NULL, 0, 0, NULL, FALSE},
};

/* Keys of one entry of units. */
static const struct ckey unit_keys[] = {
    {"name", C_STR, UNIT(name), NULL, 0, 0, NULL, TRUE},
    {"addresses", C_LIST, UNIT(addresses), NULL, 0, 0, NULL, TRUE},
    {NULL, 0, 0, NULL, 0, 0, NULL, FALSE},
};

/* Keys of the optional authentication group. */
static const struct ckey auth_keys[] = {
    {"authserv_id", C_STR, TOP(auth_id), NULL, 0, 0, NULL, TRUE},
    {"require", C_ENUM, TOP(auth_require), "dkim", 0, 0, "dkim|dmarc|spf|none", FALSE},
    {"trusted_relays", C_IPLIST, TOP(auth_relays), NULL, 0, 0, NULL, FALSE},
    {NULL, 0, 0, NULL, 0, 0, NULL, FALSE},
};

/* Whether host is a loopback address (127.0.0.0/8, ::1) or "localhost":
   parsed as an address, never compared as text ("127.example.org" is not). */
static gboolean
is_loopback(const char *host)
{
	GInetAddress *a;
	gboolean yes;

	if (g_ascii_strcasecmp(host, "localhost") == 0)
		return TRUE;
	if ((a = g_inet_address_new_from_string(host)) == NULL)
		return FALSE;
	yes = g_inet_address_get_is_loopback(a);
	g_object_unref(a);
	return yes;
}

/* Read a server group and fill its endpoint. */
char *
cfg_server(const char *file, config_t *cf, const char *name, struct server_cfg *srv)
{
	config_setting_t *g = config_lookup(cf, name);
	char *err;

	if (g == NULL || config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_error(file, g != NULL ? g : config_root_setting(cf), name,
		                 "is required: { host = \"…\"; port = …; security = \"tls\"; }");
	if ((err = cfg_group(file, name, server_keys, g, srv)) != NULL)
		return err;
	if (strcmp(name, "imap") == 0 && srv->login != NULL)
		return cfg_error(file, g, "imap.login", "belongs in each mailbox entry");
	/* passwords never cross the network in clear */
	if (strcmp(srv->security, "none") == 0 && !is_loopback(srv->host))
		return cfg_error(file, g, name,
		                 "security = \"none\" is only allowed for a loopback host, not %s "
		                 "(use \"tls\" or \"starttls\")",
		                 srv->host);
	if (!srv->verify && strcmp(srv->security, "none") != 0 && !is_loopback(srv->host))
		return cfg_error(file, g, name,
		                 "verify = false is only allowed for a loopback host, not %s",
		                 srv->host);
	srv->ep.host = srv->host;
	srv->ep.port = srv->port;
	srv->ep.security = strcmp(srv->security, "tls") == 0        ? NET_TLS
	                   : strcmp(srv->security, "starttls") == 0 ? NET_STARTTLS
	                                                            : NET_PLAIN;
	srv->ep.verify = srv->verify;
	srv->ep.ca_file = srv->ca_file;
	srv->ep.timeout = srv->timeout;
	return NULL;
}

/* Release a mailbox entry. */
void
cfg_mailbox_free(gpointer p)
{
	struct mailbox_cfg *m = p;

	g_free(m->name);
	g_free(m->address);
	g_free(m->login);
	if (m->password != NULL)
		memset(m->password, 0, strlen(m->password));
	g_free(m->password);
	g_free(m->folder);
	g_free(m);
}

/* Read the list of mailboxes. */
char *
cfg_mailboxes(const char *file, config_t *cf, struct config *c)
{
	config_setting_t *list = config_lookup(cf, "mailboxes");
	int n;

	if (list == NULL || (config_setting_type(list) != CONFIG_TYPE_LIST &&
	                     config_setting_type(list) != CONFIG_TYPE_ARRAY))
		return cfg_error(file, list != NULL ? list : config_root_setting(cf), "mailboxes",
		                 "is required: a list ( { name = …; address = …; login = …; "
		                 "password = …; }, … )");
	n = config_setting_length(list);
	if (n == 0)
		return cfg_error(file, list, "mailboxes", "lists no mailbox");
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct mailbox_cfg *m = g_new0(struct mailbox_cfg, 1);
		char *prefix = g_strdup_printf("mailboxes[%d]", i);
		char *err;
		g_ptr_array_add(c->mailboxes, m);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			err = cfg_error(file, e, prefix, "must be a group { … }");
		else
			err = cfg_group(file, prefix, mailbox_keys, e, m);
		if (err == NULL && config_mailbox(c, m->name) != m)
			err = cfg_error(file, e, prefix, "name \"%s\" is used twice", m->name);
		g_free(prefix);
		if (err != NULL)
			return err;
	}
	return NULL;
}

/* Release a unit entry. */
void
cfg_unit_free(gpointer p)
{
	struct unit_cfg *u = p;

	g_free(u->name);
	g_strfreev(u->addresses);
	g_free(u);
}

/* Read the optional list of units and their office mailboxes. */
char *
cfg_units(const char *file, config_t *cf, struct config *c)
{
	config_setting_t *list = config_lookup(cf, "units");
	int n;

	if (list == NULL)
		return NULL;
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return cfg_error(file, list, "units",
		                 "must be a list ( { name = …; addresses = [ … ]; }, … )");
	n = config_setting_length(list);
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(list, i);
		struct unit_cfg *u = g_new0(struct unit_cfg, 1);
		char *prefix = g_strdup_printf("units[%d]", i);
		char *err;
		g_ptr_array_add(c->units, u);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			err = cfg_error(file, e, prefix, "must be a group { … }");
		else
			err = cfg_group(file, prefix, unit_keys, e, u);
		g_free(prefix);
		if (err != NULL)
			return err;
	}
	return NULL;
}

/* Read the optional authentication group (absent: From: is taken at its word). */
char *
cfg_auth(const char *file, config_t *cf, struct config *c)
{
	config_setting_t *g = config_lookup(cf, "authentication");
	char *err;

	if (g == NULL)
		return NULL;
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return cfg_error(file, g, "authentication",
		                 "must be a group { authserv_id = \"…\"; require = \"dkim\"; }");
	if ((err = cfg_group(file, "authentication", auth_keys, g, c)) != NULL)
		return err;
	if (strpbrk(c->auth_id, " \t;()\"") != NULL || *c->auth_id == '\0')
		return cfg_error(
		    file, config_setting_get_member(g, "authserv_id"), "authentication.authserv_id",
		    "\"%s\" is not a host name as the mail server writes it", c->auth_id);
	if (c->auth_relays == NULL)
		c->auth_relays = g_new0(char *, 1);
	return NULL;
}

/* The mailbox of that name. */
const struct mailbox_cfg *
config_mailbox(const struct config *c, const char *name)
{
	for (guint i = 0; name != NULL && i < c->mailboxes->len; i++) {
		struct mailbox_cfg *m = g_ptr_array_index(c->mailboxes, i);
		if (m->name != NULL && strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

/* The unit that addr is an office mailbox of. */
const struct unit_cfg *
config_unit_of(const struct config *c, const char *addr)
{
	for (guint i = 0; addr != NULL && i < c->units->len; i++) {
		const struct unit_cfg *u = g_ptr_array_index(c->units, i);
		for (int k = 0; u->addresses[k] != NULL; k++)
			if (g_ascii_strcasecmp(u->addresses[k], addr) == 0)
				return u;
	}
	return NULL;
}

/* A name without case or diacritics, for comparing. */
static char *
name_key(const char *s)
{
	char *d = g_utf8_normalize(s, -1, G_NORMALIZE_NFD);
	GString *out = g_string_new(NULL);

	for (const char *p = d; p != NULL && *p != '\0'; p = g_utf8_next_char(p)) {
		gunichar ch = g_utf8_get_char(p);
		if (g_unichar_ismark(ch) || g_unichar_isspace(ch))
			continue;
		if (ch == 0x0110 || ch == 0x0111)
			ch = 'd';
		g_string_append_unichar(out, g_unichar_tolower(ch));
	}
	g_free(d);
	return g_string_free(out, FALSE);
}

/* The unit of that name. */
const struct unit_cfg *
config_unit_named(const struct config *c, const char *name)
{
	const struct unit_cfg *found = NULL;
	char *want = name != NULL ? name_key(name) : NULL;

	for (guint i = 0; want != NULL && found == NULL && i < c->units->len; i++) {
		const struct unit_cfg *u = g_ptr_array_index(c->units, i);
		char *have = name_key(u->name);
		if (strcmp(have, want) == 0)
			found = u;
		g_free(have);
	}
	g_free(want);
	return found;
}

/* Whether addr is a staff address. */
gboolean
config_is_staff(const struct config *c, const char *addr)
{
	for (int i = 0; addr != NULL && c->staff != NULL && c->staff[i] != NULL; i++)
		if (g_ascii_strcasecmp(c->staff[i], addr) == 0)
			return TRUE;
	return FALSE;
}
