/* config.c - the schema of the top-level keys and the generic loader over
   libconfig, config_load() and config_free(); see config.h and config_parts.h. */
#include "config.h"
#include "config_parts.h"
#include "calendar.h"
#include "paths.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>

/* Top-level keys.  imap, smtp and mailboxes are read by their own tables. */
static const struct ckey top_keys[] = {
    {"database", C_STR, TOP(database), NULL, 0, 0, NULL, TRUE},
    {"spool", C_STR, TOP(spool), NULL, 0, 0, NULL, TRUE},
    {"user", C_STR, TOP(user), NULL, 0, 0, NULL, FALSE},
    {"reader_user", C_STR, TOP(reader_user), "nobody", 0, 0, NULL, FALSE},
    {"poll_interval", C_INT, TOP(poll_interval), "60", 5, 86400, NULL, FALSE},
    {"batch_size", C_INT, TOP(batch_size), "100", 1, 1000, NULL, FALSE},
    {"retry_min", C_INT, TOP(retry_min), "30", 1, 86400, NULL, FALSE},
    {"retry_max", C_INT, TOP(retry_max), "3600", 1, 604800, NULL, FALSE},
    {"max_message_size", C_INT, TOP(max_message_size), "52428800", 1024, 1073741823, NULL, FALSE},
    {"batch_bytes", C_INT, TOP(batch_bytes), "33554432", 65536, 1073741823, NULL, FALSE},
    {"max_retry_hours", C_INT, TOP(max_retry_hours), "72", 1, 8760, NULL, FALSE},
    {"quarantine_after", C_INT, TOP(quarantine_after), "3", 1, 100, NULL, FALSE},
    {"alert_after", C_INT, TOP(alert_after), "900", 0, 604800, NULL, FALSE},
    {"stale_after", C_INT, TOP(stale_after), "900", 10, 604800, NULL, FALSE},
    {"retention_days", C_INT, TOP(retention_days), "0", 0, 36500, NULL, FALSE},
    {"limit_address_hour", C_INT, TOP(limit_address_hour), "10", 1, 100000, NULL, FALSE},
    {"limit_address_day", C_INT, TOP(limit_address_day), "40", 1, 100000, NULL, FALSE},
    {"limit_reack_day", C_INT, TOP(limit_reack_day), "3", 1, 1000, NULL, FALSE},
    {"limit_notice_hour", C_INT, TOP(limit_notice_hour), "6", 1, 1000, NULL, FALSE},
    {"limit_hour", C_INT, TOP(limit_hour), "1000", 1, 1000000, NULL, FALSE},
    {"staff", C_LIST, TOP(staff), NULL, 0, 0, NULL, FALSE},
    {"holidays", C_DATES, TOP(holidays), NULL, 0, 0, NULL, FALSE},
    {"department_ict", C_ADDR, TOP(department_ict), "cntt@danang.gov.vn", 0, 0, NULL, FALSE},
    {"finance", C_ADDR, TOP(finance), NULL, 0, 0, NULL, FALSE},
    {"report_to", C_LIST, TOP(report_to), NULL, 0, 0, NULL, FALSE},
    {"max_files_mail", C_INT, TOP(max_files_mail), "20971520", 1024, 1073741823, NULL, FALSE},
    {"subject_prefix", C_STR, TOP(subject_prefix), "IID-KT", 0, 0, NULL, FALSE},
    {"mark", C_ENUM, TOP(mark), "flag", 0, 0, "flag|move", FALSE},
    {"mark_keyword", C_STR, TOP(mark_keyword), "$PhieuDone", 0, 0, NULL, FALSE},
    {"mark_folder", C_STR, TOP(mark_folder), "Phieu", 0, 0, NULL, FALSE},
    /* default: datadir/phieu/templates, or the source tree's (paths.h) */
    {"templates", C_STR, TOP(templates), NULL, 0, 0, NULL, FALSE},
    {"language", C_ENUM, TOP(language), "vi", 0, 0, "vi|en", FALSE},
    {"centre_name", C_STR, TOP(centre_name), "Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng", 0, 0,
     NULL, FALSE},
    {"domain", C_STR, TOP(domain), "danang.gov.vn", 0, 0, NULL, FALSE},
    {"helo", C_STR, TOP(helo), NULL, 0, 0, NULL, FALSE},
    {"log_level", C_ENUM, TOP(log_level), "info", 0, 0, "error|warning|info|debug", FALSE},
    {"log", C_ENUM, TOP(log_to), "stderr", 0, 0, "stderr|syslog|journal", FALSE},
    {"workers", C_INT, TOP(workers), "2", 1, 16, NULL, FALSE},
    {"read_timeout", C_INT, TOP(read_timeout), "300", 5, 86400, NULL, FALSE},
    {"max_attachment_size", C_INT, TOP(max_attachment), "26214400", 1024, 1073741823, NULL, FALSE},
    {"max_unpacked_size", C_INT, TOP(max_unpacked), "104857600", 1024, 1073741823, NULL, FALSE},
    {"max_pages", C_INT, TOP(max_pages), "30", 1, 1000, NULL, FALSE},
    {"max_megapixels", C_INT, TOP(max_megapixels), "100", 1, 2000, NULL, FALSE},
    {"ocr", C_BOOL, TOP(ocr), "true", 0, 0, NULL, FALSE},
    {"ocr_languages", C_STR, TOP(ocr_languages), "vie+eng", 0, 0, NULL, FALSE},
    {"doubt_below", C_INT, TOP(doubt_below), "70", 0, 100, NULL, FALSE},
    {"rules", C_STR, TOP(rules), NULL, 0, 0, NULL, FALSE},
    {"remind_after_days", C_INT, TOP(remind_after), "3", 0, 365, NULL, FALSE},
    {"reminders", C_INT, TOP(reminders), "3", 0, 100, NULL, FALSE},
    {"close_after_days", C_INT, TOP(close_after), "7", 0, 365, NULL, FALSE},
    {"emergency_remind_days", C_INT, TOP(emergency_remind), "1", 0, 365, NULL, FALSE},
    {"digest", C_BOOL, TOP(digest), "true", 0, 0, NULL, FALSE},
    {"digest_time", C_STR, TOP(digest_time), "07:30", 0, 0, NULL, FALSE},
    {NULL, 0, 0, NULL, 0, 0, NULL, FALSE},
};

/* The error text for a setting: "FILE:LINE: path: what". */
char *
cfg_error(const char *file, const config_setting_t *s, const char *path, const char *fmt, ...)
{
	va_list ap;
	char *what, *out;

	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int line = s != NULL ? config_setting_source_line(s) : 0;

	/* the root setting has no line: name the file alone */
	out = line > 0 ? g_strdup_printf("%s:%d: %s: %s", file, line, path, what)
	               : g_strdup_printf("%s: %s: %s", file, path, what);
	g_free(what);
	return out;
}

/* Find a schema row by name. */
static const struct ckey *
ckey_find(const struct ckey *keys, const char *name)
{
	for (int i = 0; keys[i].name != NULL; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Whether value is one of a '|' list. */
static gboolean
allowed(const char *allow, const char *value)
{
	char **v = g_strsplit(allow, "|", -1);
	gboolean ok = g_strv_contains((const char *const *)v, value);

	g_strfreev(v);
	return ok;
}

/* Read a secret from a file: the first line, without its end.  A file that
   its group or others may read is refused: the secret is no longer one. */
static char *
read_secret_file(const char *path, char **why)
{
	char *data = NULL;
	GError *err = NULL;
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		*why = g_strdup_printf("mode %04o lets others read it (chmod 600 %s)",
		                       (unsigned)(sb.st_mode & 07777), path);
		return NULL;
	}
	if (!g_file_get_contents(path, &data, NULL, &err)) {
		*why = g_strdup(err->message);
		g_error_free(err);
		return NULL;
	}
	data[strcspn(data, "\r\n")] = '\0';
	if (*data == '\0') {
		*why = g_strdup("file is empty");
		g_free(data);
		return NULL;
	}
	return data;
}

/* Whether s is an IPv4 or IPv6 address written as one. */
static gboolean
is_ip_address(const char *s)
{
	GInetAddress *a = s != NULL ? g_inet_address_new_from_string(s) : NULL;

	if (a == NULL)
		return FALSE;
	g_object_unref(a);
	return TRUE;
}

/* Store one value into base per its schema row; error text or NULL. */
static char *
cfg_set(const char *file, const char *path, const struct ckey *k, config_setting_t *s, void *base)
{
	void *at = (char *)base + k->offset;
	int t = config_setting_type(s);

	switch (k->type) {
	case C_INT: {
		if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
			return cfg_error(file, s, path, "must be a whole number");
		long long v = config_setting_get_int64(s);
		if (v < k->min || v > k->max)
			return cfg_error(file, s, path, "must be between %d and %d", k->min,
			                 k->max);
		*(int *)at = (int)v;
		return NULL;
	}
	case C_BOOL:
		if (t != CONFIG_TYPE_BOOL)
			return cfg_error(file, s, path, "must be true or false");
		*(int *)at = config_setting_get_bool(s);
		return NULL;
	case C_IPLIST:
	case C_DATES:
	case C_LIST: {
		int n;
		gboolean ip = k->type == C_IPLIST, dates = k->type == C_DATES;
		if (t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
			return cfg_error(file, s, path,
			                 ip ? "must be a list of IP addresses [ \"10.0.0.1\", … ]"
			                 : dates ? "must be a list of dates [ \"2027-02-05\", … ]"
			                         : "must be a list of addresses [ \"a@b\", … ]");
		n = config_setting_length(s);
		char **v = g_new0(char *, n + 1);
		for (int i = 0; i < n; i++) {
			const char *e = config_setting_get_string_elem(s, i);
			if (ip && !is_ip_address(e)) {
				g_strfreev(v);
				return cfg_error(file, s, path, "element %d is not an IP address",
				                 i + 1);
			}
			if (dates && !calendar_valid(e)) {
				g_strfreev(v);
				return cfg_error(file, s, path,
				                 "element %d is not a date YYYY-MM-DD", i + 1);
			}
			if (!ip && !dates && (e == NULL || strchr(e, '@') == NULL)) {
				g_strfreev(v);
				return cfg_error(file, s, path,
				                 "element %d is not an e-mail address", i + 1);
			}
			v[i] = g_ascii_strdown(e, -1);
		}
		g_strfreev(*(char ***)at);
		*(char ***)at = v;
		return NULL;
	}
	default:
		break;
	}
	if (t != CONFIG_TYPE_STRING)
		return cfg_error(file, s, path, "must be a string in double quotes");
	const char *v = config_setting_get_string(s);
	if (k->type == C_ENUM && !allowed(k->allow, v))
		return cfg_error(file, s, path, "must be one of %s, not \"%s\"", k->allow, v);
	if (k->type == C_ADDR && (strchr(v, '@') == NULL || strpbrk(v, " \r\n<>") != NULL))
		return cfg_error(file, s, path, "\"%s\" is not an e-mail address", v);
	if (*v == '\0' && k->required)
		return cfg_error(file, s, path, "must not be empty");
	g_free(*(char **)at);
	*(char **)at = k->type == C_ADDR ? g_ascii_strdown(v, -1) : g_strdup(v);
	return NULL;
}

/* Apply a default written as text. */
static void
cfg_default(const struct ckey *k, void *base)
{
	void *at = (char *)base + k->offset;

	if (k->def == NULL)
		return;
	switch (k->type) {
	case C_INT:
		*(int *)at = atoi(k->def);
		break;
	case C_BOOL:
		*(int *)at = strcmp(k->def, "true") == 0;
		break;
	case C_LIST:
	case C_IPLIST:
	case C_DATES:
		break;
	default:
		*(char **)at = g_strdup(k->def);
		break;
	}
}

/* Read a group against a schema: unknown keys refused, defaults applied,
   required keys checked; "password_file" may stand for a C_SECRET key. */
char *
cfg_group(const char *file, const char *prefix, const struct ckey *keys, config_setting_t *group,
          void *base)
{
	int n = config_setting_length(group);
	char *err = NULL;

	for (int i = 0; keys[i].name != NULL; i++)
		cfg_default(&keys[i], base);
	for (int i = 0; i < n && err == NULL; i++) {
		config_setting_t *s = config_setting_get_elem(group, i);
		const char *name = config_setting_name(s);
		char *path =
		    prefix != NULL ? g_strdup_printf("%s.%s", prefix, name) : g_strdup(name);
		const struct ckey *k = name != NULL ? ckey_find(keys, name) : NULL;

		if (name != NULL && g_str_has_suffix(name, "_file") && k == NULL) {
			char *base_name = g_strndup(name, strlen(name) - 5);
			const struct ckey *sk = ckey_find(keys, base_name);
			g_free(base_name);
			if (sk != NULL && sk->type == C_SECRET) {
				const char *f = config_setting_get_string(s);
				char *why = NULL, *secret;
				if (f == NULL)
					err = cfg_error(file, s, path,
					                "must be a file name in quotes");
				else if ((secret = read_secret_file(f, &why)) == NULL)
					err =
					    cfg_error(file, s, path, "cannot read %s: %s", f, why);
				else
					*(char **)((char *)base + sk->offset) = secret;
				g_free(why);
				g_free(path);
				continue;
			}
		}
		if (k == NULL)
			err = cfg_error(file, s, path, "unknown key");
		else
			err = cfg_set(file, path, k, s, base);
		g_free(path);
	}
	for (int i = 0; err == NULL && keys[i].name != NULL; i++) {
		void *at = (char *)base + keys[i].offset;
		gboolean missing = (keys[i].type == C_INT || keys[i].type == C_BOOL)
		                       ? config_setting_get_member(group, keys[i].name) == NULL &&
		                             keys[i].def == NULL
		                       : *(char **)at == NULL;
		if (keys[i].required && missing) {
			char *path = prefix != NULL ? g_strdup_printf("%s.%s", prefix, keys[i].name)
			                            : g_strdup(keys[i].name);
			if (keys[i].type == C_SECRET)
				err = cfg_error(file, group, path, "is required (or %s_file)",
				                keys[i].name);
			else
				err = cfg_error(file, group, path, "is required");
			g_free(path);
		}
	}
	return err;
}

/* Whether s is a time of day "HH:MM" (24 h). */
static gboolean
valid_hhmm(const char *s)
{
	return s != NULL && strlen(s) == 5 && g_ascii_isdigit(s[0]) && g_ascii_isdigit(s[1]) &&
	       s[2] == ':' && g_ascii_isdigit(s[3]) && g_ascii_isdigit(s[4]) &&
	       (s[0] - '0') * 10 + (s[1] - '0') < 24 && s[3] < '6';
}

/* Read and check one configuration file. */
struct config *
config_load(const char *path, char **cause)
{
	config_t cf;
	struct config *c = g_new0(struct config, 1);
	char *err = NULL;

	c->path = g_strdup(path);
	c->mailboxes = g_ptr_array_new_with_free_func(cfg_mailbox_free);
	c->units = g_ptr_array_new_with_free_func(cfg_unit_free);
	c->rule_types = g_ptr_array_new_with_free_func(cfg_rule_type_free);
	c->rule_labels = g_ptr_array_new_with_free_func(cfg_rule_label_free);
	config_init(&cf);
	if (!config_read_file(&cf, path)) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			err = g_strdup_printf("%s: cannot read the file", path);
		else
			err = g_strdup_printf(
			    "%s:%d: %s", config_error_file(&cf) ? config_error_file(&cf) : path,
			    config_error_line(&cf), config_error_text(&cf));
		goto out;
	}
	/* the top level minus the groups read by their own tables */
	config_setting_t *root = config_root_setting(&cf);
	int n = config_setting_length(root);
	for (int i = 0; top_keys[i].name != NULL; i++)
		cfg_default(&top_keys[i], c);
	for (int i = 0; i < n && err == NULL; i++) {
		config_setting_t *s = config_setting_get_elem(root, i);
		const char *name = config_setting_name(s);
		const struct ckey *k = ckey_find(top_keys, name);
		if (strcmp(name, "imap") == 0 || strcmp(name, "smtp") == 0 ||
		    strcmp(name, "mailboxes") == 0 || strcmp(name, "units") == 0 ||
		    strcmp(name, "authentication") == 0)
			continue;
		err = k != NULL ? cfg_set(path, name, k, s, c)
		                : cfg_error(path, s, name, "unknown key");
	}
	for (int i = 0; err == NULL && top_keys[i].name != NULL; i++)
		if (top_keys[i].required && *(char **)((char *)c + top_keys[i].offset) == NULL)
			err = cfg_error(path, root, top_keys[i].name, "is required");
	if (err == NULL && !valid_hhmm(c->digest_time))
		err = cfg_error(path, config_setting_get_member(root, "digest_time"), "digest_time",
		                "\"%s\" is not a time of day \"HH:MM\"", c->digest_time);
	if (err == NULL)
		err = cfg_auth(path, &cf, c);
	if (err == NULL)
		err = cfg_server(path, &cf, "imap", &c->imap);
	if (err == NULL)
		err = cfg_server(path, &cf, "smtp", &c->smtp);
	if (err == NULL)
		err = cfg_mailboxes(path, &cf, c);
	if (err == NULL)
		err = cfg_units(path, &cf, c);
	if (err == NULL && c->rules != NULL) {
		/* a relative rules file sits next to the configuration */
		if (!g_path_is_absolute(c->rules)) {
			char *dir = g_path_get_dirname(path);
			char *full = g_build_filename(dir, c->rules, NULL);
			g_free(dir);
			g_free(c->rules);
			c->rules = full;
		}
		err = cfg_rules(c);
	}
	if (err == NULL && c->retry_min > c->retry_max)
		err = cfg_error(path, root, "retry_min", "is larger than retry_max");
	if (err == NULL && c->staff == NULL)
		c->staff = g_new0(char *, 1);
	if (err == NULL && c->holidays == NULL)
		c->holidays = g_new0(char *, 1);
	if (err == NULL && c->report_to == NULL)
		c->report_to = g_new0(char *, 1);
	if (err == NULL && c->helo == NULL)
		c->helo = g_strdup(g_get_host_name());
	if (err == NULL && c->templates == NULL)
		c->templates = paths_data("templates");
out:
	config_destroy(&cf);
	if (err != NULL) {
		*cause = err;
		return config_free(c);
	}
	c->mailbox_names = g_new0(const char *, c->mailboxes->len + 1);
	c->mailbox_addrs = g_new0(const char *, c->mailboxes->len + 1);
	for (guint i = 0; i < c->mailboxes->len; i++) {
		struct mailbox_cfg *m = g_ptr_array_index(c->mailboxes, i);
		c->mailbox_names[i] = m->name;
		c->mailbox_addrs[i] = m->address;
	}
	return c;
}

/* Release the strings of a server group. */
static void
server_free(struct server_cfg *s)
{
	g_free(s->host);
	g_free(s->security);
	g_free(s->ca_file);
	g_free(s->login);
	if (s->password != NULL)
		memset(s->password, 0, strlen(s->password));
	g_free(s->password);
}

/* Release a configuration. */
struct config *
config_free(struct config *c)
{
	if (c == NULL)
		return NULL;
	server_free(&c->imap);
	server_free(&c->smtp);
	g_ptr_array_free(c->mailboxes, TRUE);
	g_ptr_array_free(c->units, TRUE);
	g_ptr_array_free(c->rule_types, TRUE);
	g_ptr_array_free(c->rule_labels, TRUE);
	g_strfreev(c->staff);
	g_strfreev(c->holidays);
	g_strfreev(c->report_to);
	g_free(c->auth_id);
	g_free(c->auth_require);
	g_strfreev(c->auth_relays);
	for (int i = 0; top_keys[i].name != NULL; i++)
		if (top_keys[i].type != C_INT && top_keys[i].type != C_BOOL &&
		    top_keys[i].type != C_LIST && top_keys[i].type != C_DATES)
			g_free(*(char **)((char *)c + top_keys[i].offset));
	g_free(c->mailbox_names);
	g_free(c->mailbox_addrs);
	g_free(c->path);
	g_free(c);
	return NULL;
}
