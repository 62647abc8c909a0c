/* test_config.c - the configuration loader: good files, and bad ones named
   by file, line and key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static const char good[] =
    "database = \"/tmp/x.db\";\n"
    "spool = \"/tmp/spool\";\n"
    "imap = { host = \"127.0.0.1\"; port = 143; security = \"none\"; };\n"
    "smtp = { host = \"127.0.0.1\"; port = 25;  security = \"none\"; };\n"
    "mailboxes = (\n"
    "  { name = \"pkt-iid\"; address = \"pkt-iid@danang.gov.vn\"; login = "
    "\"pkt-iid@danang.gov.vn\"; "
    "password = \"secret\"; },\n"
    "  { name = \"cntt\"; address = \"cntt@danang.gov.vn\"; login = \"cntt@danang.gov.vn\"; "
    "password_file = \"@SECRET@\"; }\n"
    ");\n"
    "staff = [ \"Thang.LTV@danang.gov.vn\", \"linh.ntc@danang.gov.vn\" ];\n"
    "department_ict = \"cntt@danang.gov.vn\";\n"
    "finance = \"hcth.iid@danang.gov.vn\";\n";

/* Write text to a temporary file; returns its path. */
static char *
write_temp(const char *text)
{
	char *path = NULL;
	int fd = g_file_open_tmp("phieu-test-XXXXXX.conf", &path, NULL);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

/* The good file loads, defaults apply, password_file is read. */
static void
t_good(void **state)
{
	char *secret = write_temp("s3cret\n");
	char *text = g_strdup(good);
	char *at = strstr(text, "@SECRET@");
	GString *s = g_string_new_len(text, at - text);
	g_string_append(s, secret);
	g_string_append(s, at + 8);
	char *path = write_temp(s->str), *cause = NULL;
	struct config *c = config_load(path, &cause);

	if (c == NULL)
		fail_msg("%s", cause);
	assert_int_equal(c->mailboxes->len, 2);
	const struct mailbox_cfg *m = config_mailbox(c, "cntt");
	assert_string_equal(m->password, "s3cret");
	assert_string_equal(m->folder, "INBOX");
	assert_int_equal(c->imap.port, 143);
	assert_int_equal(c->imap.ep.security, NET_PLAIN);
	assert_int_equal(c->imap.verify, 1);
	assert_int_equal(c->poll_interval, 60);
	assert_string_equal(c->subject_prefix, "IID-KT");
	assert_true(config_is_staff(c, "thang.ltv@danang.gov.vn"));
	assert_false(config_is_staff(c, "someone@danang.gov.vn"));
	assert_null(c->auth_id);      /* no authentication group: From: alone */
	assert_non_null(c->holidays); /* none given: an empty list */
	assert_null(c->holidays[0]);
	assert_int_equal(c->digest, 1); /* the morning digest, at 07:30 */
	assert_string_equal(c->digest_time, "07:30");
	config_free(c);
	unlink(path);
	unlink(secret);
	g_free(path);
	g_free(secret);
	g_free(text);
	g_string_free(s, TRUE);
}

/* Each bad file fails with "FILE:LINE: key: …". */
static void
t_bad(void **state)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
	    {"finance = ", "financ = ", ":11: financ: unknown key"},
	    {"port = 143;", "port = \"143\";", ":3: imap.port: must be a whole number"},
	    {"port = 143;", "port = 70000;", ":3: imap.port: must be between 1 and 65535"},
	    {"security = \"none\"; };\nsmtp", "security = \"ssl\"; };\nsmtp",
	     ":3: imap.security: must be one of none|starttls|tls"},
	    {"password = \"secret\"; },", "},", ": mailboxes[0].password: is required"},
	    {"@SECRET@", "/nonexistent/secret", ":7: mailboxes[1].password_file: cannot read"},
	    {"staff = [ \"Thang.LTV@danang.gov.vn\"", "staff = [ \"nobody\"",
	     ":9: staff: element 1"},
	    {"department_ict = \"cntt@danang.gov.vn\";", "department_ict = 5;",
	     ":10: department_ict: must be a string"},
	    {"\"127.0.0.1\"; port = 143; security = \"none\";",
	     "\"mail.danang.gov.vn\"; port = 993; verify = false;",
	     ":3: imap: verify = false is only allowed for a loopback host"},
	    {"\"127.0.0.1\"; port = 143; security = \"none\";",
	     "\"mail.danang.gov.vn\"; port = 143; security = \"none\";",
	     ":3: imap: security = \"none\" is only allowed for a loopback host"},
	    /* a name that starts like a loopback address is not one */
	    {"\"127.0.0.1\"; port = 143; security = \"none\";",
	     "\"127.example.com\"; port = 993; verify = false;",
	     ":3: imap: verify = false is only allowed for a loopback host"},
	    {"\"127.0.0.1\"; port = 143; security = \"none\";",
	     "\"127.0.0.1.nip.example\"; port = 143; security = \"none\";",
	     ":3: imap: security = \"none\" is only allowed for a loopback host"},
	    {"spool = \"/tmp/spool\";", "spool = = \"/tmp/spool\";", ":2: syntax error"},
	    /* documents are only read in reader processes: at least one */
	    {"finance = ", "workers = 0;\nfinance = ", ":11: workers: must be between 1 and 16"},
	    /* sender authentication */
	    {"finance = ", "authentication = { require = \"dkim\"; };\nfinance = ",
	     ":11: authentication.authserv_id: is required"},
	    {"finance = ",
	     "authentication = { authserv_id = \"mx.test\";\n require = \"pgp\"; };\nfinance = ",
	     ":12: authentication.require: must be one of dkim|dmarc|spf|none"},
	    {"finance = ",
	     "authentication = { authserv_id = \"mx.test\";\n trusted_relays = [ \"relay.x\" ]; };"
	     "\nfinance = ",
	     ":12: authentication.trusted_relays: element 1 is not an IP address"},
	    {"finance = ",
	     "authentication = { authserv_id = \"mx.test\"; dkim = true; };\nfinance = ",
	     ":11: authentication.dkim: unknown key"},
	    /* holidays are real days written YYYY-MM-DD */
	    {"finance = ", "holidays = [ \"2027-01-01\", \"2027-02-29\" ];\nfinance = ",
	     ":11: holidays: element 2 is not a date YYYY-MM-DD"},
	    {"finance = ", "holidays = [ \"05/02/2027\" ];\nfinance = ",
	     ":11: holidays: element 1 is not a date YYYY-MM-DD"},
	    /* the digest's time of day is "HH:MM" */
	    {"finance = ", "digest_time = \"7h30\";\nfinance = ",
	     ":11: digest_time: \"7h30\" is not a time of day \"HH:MM\""},
	    {"finance = ", "digest_time = \"24:00\";\nfinance = ",
	     ":11: digest_time: \"24:00\" is not a time of day"},
	    {"finance = ", "digest = \"yes\";\nfinance = ", ":11: digest:"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *at = strstr(good, cases[i].from);
		assert_non_null(at);
		GString *s = g_string_new_len(good, at - good);
		g_string_append(s, cases[i].to);
		g_string_append(s, at + strlen(cases[i].from));
		char *path = write_temp(s->str), *cause = NULL;
		struct config *c = config_load(path, &cause);
		if (c != NULL)
			fail_msg("case %zu: loaded, want \"%s\"", i, cases[i].want);
		if (strstr(cause, cases[i].want) == NULL || strstr(cause, path) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\" after the file name", i, cause,
			         cases[i].want);
		/* a secret never appears in an error */
		assert_null(strstr(cause, "secret\""));
		g_free(cause);
		unlink(path);
		g_free(path);
		g_string_free(s, TRUE);
	}
}

/* The authentication group: its defaults and the relays. */
static void
t_authentication(void **state)
{
	char *text = g_strdup_printf("%sauthentication = { authserv_id = \"mx.danang.gov.vn\"; "
	                             "trusted_relays = [ \"10.11.41.98\", \"2001:db8::25\" ]; };\n",
	                             good);
	char *secret = write_temp("s3cret\n");
	char *at = strstr(text, "@SECRET@");
	GString *s = g_string_new_len(text, at - text);
	g_string_append(s, secret);
	g_string_append(s, at + 8);
	char *path = write_temp(s->str), *cause = NULL;
	struct config *c = config_load(path, &cause);

	if (c == NULL)
		fail_msg("%s", cause);
	assert_string_equal(c->auth_id, "mx.danang.gov.vn");
	assert_string_equal(c->auth_require, "dkim");
	assert_string_equal(c->auth_relays[0], "10.11.41.98");
	assert_string_equal(c->auth_relays[1], "2001:db8::25");
	assert_null(c->auth_relays[2]);
	config_free(c);
	unlink(path);
	unlink(secret);
	g_free(path);
	g_free(secret);
	g_free(text);
	g_string_free(s, TRUE);
}

/* A password file that others may read is refused, naming the file and line;
   loopback by address: ::1 and 127.0.0.2 may go without TLS. */
static void
t_secret_mode(void **state)
{
	char *secret = write_temp("s3cret\n");
	char *text = g_strdup(good);
	char *at = strstr(text, "@SECRET@");
	GString *s = g_string_new_len(text, at - text);
	char *path, *cause = NULL;
	struct config *c;

	(void)state;
	g_string_append(s, secret);
	g_string_append(s, at + 8);
	path = write_temp(s->str);
	assert_int_equal(chmod(secret, 0644), 0);
	c = config_load(path, &cause);
	assert_null(c);
	assert_non_null(strstr(cause, ":7: mailboxes[1].password_file: cannot read"));
	assert_non_null(strstr(cause, "lets others read it"));
	assert_null(strstr(cause, "s3cret"));
	g_free(cause);
	cause = NULL;
	assert_int_equal(chmod(secret, 0600), 0);
	unlink(path);
	g_free(path);
	char **parts = g_strsplit(s->str, "\"127.0.0.1\"", -1);
	char *v6 = g_strjoinv("\"::1\"", parts);
	g_strfreev(parts);
	path = write_temp(v6);
	c = config_load(path, &cause);
	if (c == NULL)
		fail_msg("::1 without TLS refused: %s", cause);
	config_free(c);
	unlink(path);
	unlink(secret);
	g_free(path);
	g_free(v6);
	g_free(secret);
	g_free(text);
	g_string_free(s, TRUE);
}

/* A rules file next to the configuration: types and labels read, and its
   mistakes named by file, line and key. */
static void
t_rules(void **state)
{
	char *dir = g_dir_make_tmp("phieu-rules-XXXXXX", NULL);
	char *conf = g_build_filename(dir, "phieu.conf", NULL);
	char *rules = g_build_filename(dir, "rules.conf", NULL);
	char *text = g_strdup(good), *cause = NULL;
	char *at = strstr(text, "password_file = \"@SECRET@\";");
	GString *s = g_string_new_len(text, at - text);
	g_string_append(s, "password = \"x\";");
	g_string_append(s, at + strlen("password_file = \"@SECRET@\";"));
	g_string_append(s, "rules = \"rules.conf\";\n");
	g_file_set_contents(conf, s->str, -1, NULL);
	g_file_set_contents(rules,
	                    "types = ( { key = \"tech_support\"; keywords = [ \"máy in\" ]; "
	                    "sign_off = false; due_days = 4; },\n"
	                    "  { key = \"network_cable\"; form = 6; mailbox = \"cntt\"; } );\n"
	                    "labels = { contact_phone = [ \"Số máy bàn\" ]; };\n",
	                    -1, NULL);
	struct config *c = config_load(conf, &cause);
	if (c == NULL)
		fail_msg("%s", cause);
	assert_int_equal(c->rule_types->len, 2);
	assert_int_equal(c->rule_labels->len, 1);
	const struct rule_type *t = g_ptr_array_index(c->rule_types, 0);
	assert_string_equal(t->key, "tech_support");
	assert_string_equal(t->keywords[0], "máy in");
	assert_int_equal(t->sign_off, 0);
	assert_int_equal(t->due_days, 4);
	t = g_ptr_array_index(c->rule_types, 1);
	assert_int_equal(t->form, 6);
	assert_string_equal(t->mailbox, "cntt");
	assert_int_equal(t->sign_off, -1);
	assert_int_equal(t->due_days, -1); /* unchanged: the type's own */
	config_free(c);

	/* due days are working days, 0 (none) to 365 */
	g_file_set_contents(rules, "types = (\n { key = \"mailbox\"; due_days = -2; } );\n", -1,
	                    NULL);
	assert_null(config_load(conf, &cause));
	assert_non_null(
	    strstr(cause, "rules.conf:2: types[0]: due_days must be between 0 and 365"));
	g_free(cause);

	/* a mailbox that is not configured, named with its line */
	g_file_set_contents(rules, "types = (\n { key = \"x\"; mailbox = \"nowhere\"; } );\n", -1,
	                    NULL);
	assert_null(config_load(conf, &cause));
	assert_non_null(strstr(cause, "rules.conf:2: types[0]: mailbox \"nowhere\""));
	g_free(cause);
	g_file_set_contents(rules, "colours = [ \"red\" ];\n", -1, NULL);
	assert_null(config_load(conf, &cause));
	assert_non_null(strstr(cause, "rules.conf:1: colours: unknown key"));
	g_free(cause);
	unlink(rules);
	unlink(conf);
	rmdir(dir);
	g_free(dir);
	g_free(conf);
	g_free(rules);
	g_free(text);
	g_string_free(s, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_good), cmocka_unit_test(t_bad), cmocka_unit_test(t_authentication),
	    cmocka_unit_test(t_secret_mode), cmocka_unit_test(t_rules)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
