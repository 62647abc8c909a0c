/* config_rules.c - the rules file: request types and labels beyond the
   built-in ones; see config.h. */
#include "config.h"
#include "config_parts.h"

#include <string.h>

/* Release a rule type. */
void
cfg_rule_type_free(gpointer p)
{
	struct rule_type *t = p;

	g_free(t->key);
	g_free(t->mailbox);
	g_strfreev(t->keywords);
	g_strfreev(t->required);
	g_free(t->title);
	g_free(t);
}

/* Release a rule label. */
void
cfg_rule_label_free(gpointer p)
{
	struct rule_label *l = p;

	g_free(l->key);
	g_free(l->label);
	g_free(l);
}

/* The strings of a list setting; NULL with *err when it is not one. */
static char **
string_list(const char *file, config_setting_t *s, const char *path, char **err)
{
	int n = config_setting_length(s);
	char **v;

	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST) {
		*err = cfg_error(file, s, path, "must be a list of strings [ \"…\", … ]");
		return NULL;
	}
	v = g_new0(char *, n + 1);
	for (int i = 0; i < n; i++) {
		const char *e = config_setting_get_string_elem(s, i);
		if (e == NULL) {
			*err = cfg_error(file, s, path, "element %d is not a string", i + 1);
			g_strfreev(v);
			return NULL;
		}
		v[i] = g_strdup(e);
	}
	return v;
}

/* Read one entry of the rules file's types. */
static char *
rules_type(const char *file, config_setting_t *e, int i, struct config *c)
{
	static const char *const known[] = {"key",      "form",  "mailbox",  "keywords", "required",
	                                    "sign_off", "title", "due_days", NULL};
	struct rule_type *t = g_new0(struct rule_type, 1);
	char *prefix = g_strdup_printf("types[%d]", i), *err = NULL;
	const char *v;
	int iv;

	t->sign_off = -1;
	t->due_days = -1;
	t->line = config_setting_source_line(e);
	g_ptr_array_add(c->rule_types, t);
	for (int k = 0; k < config_setting_length(e) && err == NULL; k++) {
		config_setting_t *s = config_setting_get_elem(e, k);
		if (!g_strv_contains(known, config_setting_name(s)))
			err = cfg_error(file, s, prefix, "unknown key %s", config_setting_name(s));
	}
	if (err == NULL && !config_setting_lookup_string(e, "key", &v))
		err =
		    cfg_error(file, e, prefix, "key is required (a type such as \"tech_support\")");
	if (err == NULL)
		t->key = g_strdup(v);
	if (err == NULL && config_setting_lookup_int(e, "form", &iv)) {
		if (iv < 1 || iv > 99)
			err = cfg_error(file, e, prefix, "form must be between 1 and 99");
		t->form = iv;
	}
	if (err == NULL && config_setting_lookup_string(e, "mailbox", &v)) {
		if (*v != '\0' && config_mailbox(c, v) == NULL)
			err = cfg_error(file, e, prefix,
			                "mailbox \"%s\" is not one of the mailboxes", v);
		t->mailbox = g_strdup(v);
	}
	if (err == NULL && config_setting_lookup_bool(e, "sign_off", &iv))
		t->sign_off = iv;
	if (err == NULL && config_setting_lookup_int(e, "due_days", &iv)) {
		if (iv < 0 || iv > 365)
			err = cfg_error(file, e, prefix, "due_days must be between 0 and 365");
		t->due_days = iv;
	}
	if (err == NULL && config_setting_lookup_string(e, "title", &v))
		t->title = g_strdup(v);
	config_setting_t *s;
	if (err == NULL && (s = config_setting_get_member(e, "keywords")) != NULL)
		t->keywords = string_list(file, s, prefix, &err);
	if (err == NULL && (s = config_setting_get_member(e, "required")) != NULL)
		t->required = string_list(file, s, prefix, &err);
	g_free(prefix);
	return err;
}

/* Read the rules file named by the configuration. */
char *
cfg_rules(struct config *c)
{
	config_t cf;
	config_setting_t *s;
	char *err = NULL;

	config_init(&cf);
	if (!config_read_file(&cf, c->rules)) {
		err = config_error_type(&cf) == CONFIG_ERR_FILE_IO
		          ? g_strdup_printf("%s: cannot read the rules file", c->rules)
		          : g_strdup_printf("%s:%d: %s", c->rules, config_error_line(&cf),
		                            config_error_text(&cf));
		config_destroy(&cf);
		return err;
	}
	config_setting_t *root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root) && err == NULL; i++) {
		const char *name = config_setting_name(config_setting_get_elem(root, i));
		if (strcmp(name, "types") != 0 && strcmp(name, "labels") != 0)
			err = cfg_error(c->rules, config_setting_get_elem(root, i), name,
			                "unknown key");
	}
	if (err == NULL && (s = config_lookup(&cf, "types")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_LIST)
			err = cfg_error(c->rules, s, "types", "must be a list ( { key = …; }, … )");
		for (int i = 0; err == NULL && i < config_setting_length(s); i++)
			err = rules_type(c->rules, config_setting_get_elem(s, i), i, c);
	}
	if (err == NULL && (s = config_lookup(&cf, "labels")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			err = cfg_error(c->rules, s, "labels",
			                "must be a group { key = [ \"…\" ]; … }");
		for (int i = 0; err == NULL && i < config_setting_length(s); i++) {
			config_setting_t *e = config_setting_get_elem(s, i);
			char *path = g_strdup_printf("labels.%s", config_setting_name(e));
			char **v = string_list(c->rules, e, path, &err);
			for (int k = 0; v != NULL && v[k] != NULL; k++) {
				struct rule_label *l = g_new0(struct rule_label, 1);
				l->key = g_strdup(config_setting_name(e));
				l->label = g_strdup(v[k]);
				l->line = config_setting_source_line(e);
				g_ptr_array_add(c->rule_labels, l);
			}
			g_strfreev(v);
			g_free(path);
		}
	}
	config_destroy(&cf);
	return err;
}
