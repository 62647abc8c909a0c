/* test_notify.c - the templates: a request type's own version of a mail. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "notify.h"

/* A copy of config/templates with extra files, read for language "vi";
   NULL with *cause when notify_new() refuses it. */
static struct notify *
load_with(const char *const *extra, char **dir, struct config *cfg, char **cause)
{
	GDir *src = g_dir_open("../../config/templates", 0, NULL);
	const char *name;

	assert_non_null(src);
	*dir = g_dir_make_tmp("phieu-notify-XXXXXX", NULL);
	while ((name = g_dir_read_name(src)) != NULL) {
		char *from = g_build_filename("../../config/templates", name, NULL);
		char *to = g_build_filename(*dir, name, NULL), *text = NULL;
		gsize len;
		assert_true(g_file_get_contents(from, &text, &len, NULL));
		assert_true(g_file_set_contents(to, text, len, NULL));
		g_free(text), g_free(from), g_free(to);
	}
	g_dir_close(src);
	for (int i = 0; extra[i] != NULL; i += 2) {
		char *to = g_build_filename(*dir, extra[i], NULL);
		assert_true(g_file_set_contents(to, extra[i + 1], -1, NULL));
		g_free(to);
	}
	memset(cfg, 0, sizeof *cfg);
	cfg->templates = *dir;
	cfg->language = "vi";
	return notify_new(cfg, NULL, cause);
}

/* Remove the copy. */
static void
remove_dir(char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	while ((name = g_dir_read_name(d)) != NULL) {
		char *f = g_build_filename(dir, name, NULL);
		g_unlink(f);
		g_free(f);
	}
	g_dir_close(d);
	g_rmdir(dir);
	g_free(dir);
}

/* A type's own template is used for that type; every other type, and a
   request of no type, gets the general one; another language's file and a
   name that is no template are not read. */
static void
t_type_template(void **state)
{
	static const char *const extra[] = {"ack.vpn_access.vi.txt",
	                                    "Subject: VPN {{number}}\n\nRiêng cho VPN.\n",
	                                    "completed.vpn_access.vi.txt",
	                                    "Subject: VPN xong\n\nĐã cấp.\n",
	                                    "ack.vpn_access.en.txt",
	                                    "no subject: not read for vi\n",
	                                    "notes.vpn_access.vi.txt",
	                                    "not a template\n",
	                                    NULL};
	static const struct {
		const char *label, *name, *type, *want;
	} rows[] = {
	    {"own ack", "ack", "vpn_access", "Subject: VPN {{number}}"},
	    {"own completion", "completed", "vpn_access", "Subject: VPN xong"},
	    {"general for its other mails", "scheduled", "vpn_access", "Subject: [{{prefix}}"},
	    {"general for another type", "ack", "tech_support", "Subject: [{{prefix}}"},
	    {"general for no type", "ack", NULL, "Subject: [{{prefix}}"},
	    {"no such template", "notes", "vpn_access", NULL},
	};
	struct config cfg;
	char *dir, *cause = NULL;
	struct notify *n = load_with(extra, &dir, &cfg, &cause);

	(void)state;
	if (n == NULL)
		fail_msg("%s", cause);
	for (gsize i = 0; i < G_N_ELEMENTS(rows); i++) {
		const char *got = notify_template_for(n, rows[i].name, rows[i].type);
		if (rows[i].want == NULL ? got != NULL
		                         : got == NULL || !g_str_has_prefix(got, rows[i].want))
			fail_msg("%s: got %.30s", rows[i].label, got != NULL ? got : "(none)");
	}
	notify_free(n);
	remove_dir(dir);
}

/* A type's template is checked at start like the others: no Subject line
   stops the start, naming the file. */
static void
t_type_template_checked(void **state)
{
	static const char *const extra[] = {"ack.vpn_access.vi.txt", "Xin chào\n", NULL};
	struct config cfg;
	char *dir, *cause = NULL;
	struct notify *n = load_with(extra, &dir, &cfg, &cause);

	(void)state;
	assert_null(n);
	assert_non_null(strstr(cause, "ack.vpn_access.vi.txt"));
	assert_non_null(strstr(cause, "Subject"));
	g_free(cause);
	remove_dir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_type_template),
	    cmocka_unit_test(t_type_template_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
