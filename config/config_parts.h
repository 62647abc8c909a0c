/*
 * config_parts.h - what the parts of the configuration loader share.
 * Private to config/config*.c:
 *   config.c         the top-level schema, the generic loader, config_load/free
 *   config_groups.c  imap, smtp, mailboxes, units, authentication; look-ups
 *   config_rules.c   the rules file: request types and labels
 */
#ifndef PHIEU_CONFIG_PARTS_H
#define PHIEU_CONFIG_PARTS_H

#include <stddef.h>

#include <glib.h>
#include <libconfig.h>

#include "config.h"

enum ctype { C_STR, C_INT, C_BOOL, C_ENUM, C_ADDR, C_LIST, C_SECRET, C_IPLIST, C_DATES };

/* One key of the schema: where it goes and what it may hold. */
struct ckey {
	const char *name;
	enum ctype type;
	size_t offset;
	const char *def;   /* default as text; NULL: none */
	int min, max;      /* C_INT bounds */
	const char *allow; /* C_ENUM values, '|' between */
	gboolean required;
};

#define TOP(f)  offsetof(struct config, f)
#define SRV(f)  offsetof(struct server_cfg, f)
#define MBOX(f) offsetof(struct mailbox_cfg, f)
#define UNIT(f) offsetof(struct unit_cfg, f)

/* The error text for a setting: "FILE:LINE: path: what". */
char *cfg_error(const char *file, const config_setting_t *s, const char *path, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);
/* Read a group against a schema (unknown keys refused, defaults applied,
   required keys checked); error text or NULL. */
char *cfg_group(const char *file, const char *prefix, const struct ckey *keys,
                config_setting_t *group, void *base);

/* config_groups.c: read the imap or smtp group and fill its endpoint. */
char *cfg_server(const char *file, config_t *cf, const char *name, struct server_cfg *srv);
/* Read the list of mailboxes. */
char *cfg_mailboxes(const char *file, config_t *cf, struct config *c);
/* Read the optional list of units. */
char *cfg_units(const char *file, config_t *cf, struct config *c);
/* Read the optional authentication group. */
char *cfg_auth(const char *file, config_t *cf, struct config *c);
/* Release a mailbox entry, a unit entry (GDestroyNotify). */
void cfg_mailbox_free(gpointer p);
void cfg_unit_free(gpointer p);

/* config_rules.c: read the rules file named by c->rules. */
char *cfg_rules(struct config *c);
/* Release a rule type, a rule label (GDestroyNotify). */
void cfg_rule_type_free(gpointer p);
void cfg_rule_label_free(gpointer p);

#endif
