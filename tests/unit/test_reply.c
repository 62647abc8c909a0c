/* test_reply.c - templates, cleaning of values, and the composed message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "decide.h"
#include "message.h"
#include "reply.h"

/* A table of variables from "k", "v" pairs. */
static GHashTable *
vars(const char *const *kv)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
	for (int i = 0; kv[i] != NULL; i += 2)
		g_hash_table_insert(t, (gpointer)kv[i], g_strdup(kv[i + 1]));
	return t;
}

/* Values, sections shown and hidden, standalone tag lines leave no blank. */
static void
t_render(void **state)
{
	static const char *const kv[] = {"number", "2026-000123", "missing", "",
	                                 "wrong",  "yes",         NULL};
	GHashTable *v = vars(kv);
	char *out =
	    reply_render("Số {{number}}\n{{#missing}}\nThiếu: {{missing}}\n{{/missing}}\n"
	                 "{{^missing}}\nĐủ.\n{{/missing}}\n{{#wrong}}Sai hộp thư{{/wrong}}\n"
	                 "{{unknown}}!",
	                 v);
	assert_string_equal(out, "Số 2026-000123\nĐủ.\nSai hộp thư\n!");
	g_free(out);
	g_hash_table_destroy(v);
}

/* Subject split off the first line; CR/LF never survive into it. */
static void
t_split(void **state)
{
	char *subject, *body;

	assert_true(reply_split("Subject: [IID-KT #1] A\r\n\nBody\n", &subject, &body));
	assert_string_equal(subject, "[IID-KT #1] A");
	assert_string_equal(body, "Body\n");
	g_free(subject);
	g_free(body);
	assert_false(reply_split("No subject line\n", &subject, &body));
}

/* A value from a mail cannot add a header line. */
static void
t_clean(void **state)
{
	char *c = reply_clean("Sở Y tế\r\nBcc: attacker@example.com");
	assert_null(strchr(c, '\n'));
	assert_null(strchr(c, '\r'));
	g_free(c);
}

/* Fields shown to people; a password typed into a value is masked. */
static void
t_fields_text(void **state)
{
	JsonObject *f = json_object_new();
	json_object_set_string_member(f, "requesting_unit", "Sở Tư pháp");
	json_object_set_string_member(f, "description", "Cập nhật web, mật khẩu: Qw3rty!dn");
	json_object_set_string_member(f, "mailbox_action", "create");
	json_object_set_boolean_member(f, "emergency", FALSE);
	char *t = reply_fields_text(f, NULL, "vi");
	assert_non_null(strstr(t, "- Đơn vị yêu cầu: Sở Tư pháp"));
	assert_non_null(strstr(t, "- Hình thức: Cấp mới"));
	assert_non_null(strstr(t, ": Không"));
	assert_null(strstr(t, "Qw3rty"));
	assert_non_null(strstr(t, "******"));
	g_free(t);
	/* words about passwords are not passwords */
	json_object_set_string_member(f, "change_detail", "Cấp lại mật khẩu cho tài khoản a@b.vn");
	t = reply_fields_text(f, NULL, "vi");
	assert_non_null(strstr(t, "Cấp lại mật khẩu cho tài khoản a@b.vn"));
	g_free(t);
	/* a doubtful value is marked */
	GPtrArray *doubt = g_ptr_array_new();
	g_ptr_array_add(doubt, "requesting_unit");
	t = reply_fields_text(f, doubt, "vi");
	assert_non_null(strstr(t, "- Đơn vị yêu cầu (?): Sở Tư pháp"));
	assert_null(strstr(t, "Hình thức (?)"));
	g_ptr_array_free(doubt, TRUE);
	g_free(t);
	json_object_unref(f);
}

/* The composed message: encoded subject, threading, RFC 3834, CRLF, and a
   hostile subject that stays one header. */
static void
t_compose(void **state)
{
	const char *to[] = {"vp@stp.danang.gov.vn", NULL};
	GPtrArray *refs = g_ptr_array_new();
	g_ptr_array_add(refs, "a@b");
	struct reply_mail r = {"Trung tâm IID",
	                       "pkt-iid@danang.gov.vn",
	                       to,
	                       NULL,
	                       "[IID-KT #2026-000001] Đã tiếp nhận\r\nBcc: x@evil.example",
	                       "Kính gửi Quý đơn vị,\nSố 2026-000001.\n",
	                       "phieu.ack.1@danang.gov.vn",
	                       "orig@stp",
	                       refs,
	                       1795822270,
	                       "auto-replied",
	                       NULL,
	                       0};
	gsize len;
	char *data = reply_compose(&r, &len);
	struct message *m;

	assert_non_null(strstr(data, "\r\nAuto-Submitted: auto-replied\r\n"));
	assert_non_null(strstr(data, "\r\nIn-Reply-To: <orig@stp>\r\n"));
	assert_non_null(strstr(data, "References: <a@b> <orig@stp>"));
	assert_null(strstr(data, "\nBcc:"));
	assert_null(strstr(data, "\r\n\n"));
	m = message_parse(data, len);
	assert_string_equal(m->subject, "[IID-KT #2026-000001] Đã tiếp nhận Bcc: x@evil.example");
	assert_string_equal(m->message_id, "phieu.ack.1@danang.gov.vn");
	assert_non_null(strstr(m->text, "Kính gửi Quý đơn vị"));
	assert_int_equal(m->to->len, 1);
	message_free(m);
	g_free(data);
	g_ptr_array_free(refs, TRUE);
}

/* "key: text" lines. */
static void
t_lookup(void **state)
{
	char *v = reply_lookup_line("# c\nmailbox: A B\nsubdomain: C\n", "subdomain");
	assert_string_equal(v, "C");
	g_free(v);
	assert_null(reply_lookup_line("mailbox: A\n", "server_room"));
}

/* Attachments: a message carried as it is (message/rfc822, 8bit), a file in
   base64 with its name cleaned, a message that cannot travel as it is in
   base64 as original.eml. */
static void
t_compose_parts(void **state)
{
	const char *to[] = {"thang.ltv@danang.gov.vn", NULL};
	static const char original[] = "From: vp@stp.danang.gov.vn\r\nSubject: Xin chào\r\n"
	                               "\r\nĐơn vị yêu cầu: Sở Tư pháp\r\n.\r\n";
	static const char binary[] = {0, 1, 2};
	static const char nul_message[] = "Subject: x\r\n\r\na\0b\r\n";
	struct reply_part parts[] = {
	    {"message/rfc822", NULL, original, sizeof original - 1},
	    {"application/pdf", "công\r\nvăn.pdf", binary, sizeof binary},
	    {"message/rfc822", NULL, nul_message, sizeof nul_message - 1},
	};
	struct reply_mail r = {"IID",
	                       "pkt-iid@danang.gov.vn",
	                       to,
	                       NULL,
	                       "Bản gốc",
	                       "Kèm theo.\n",
	                       "phieu.files.1@danang.gov.vn",
	                       NULL,
	                       NULL,
	                       1795822270,
	                       "auto-generated",
	                       parts,
	                       G_N_ELEMENTS(parts)};
	gsize len;
	char *data = reply_compose(&r, &len);

	if (getenv("PHIEU_TEST_DUMP") != NULL)
		fputs(data, stderr);
	assert_non_null(strstr(data, "Content-Type: multipart/mixed"));
	assert_non_null(strstr(data, "Content-Type: message/rfc822\r\n"
	                             "Content-Transfer-Encoding: 8bit\r\n"));
	assert_non_null(strstr(data, original));
	assert_non_null(strstr(data, "Content-Type: application/pdf"));
	assert_non_null(strstr(data, "AAEC"));
	assert_null(strstr(data, "công\r\n"));
	assert_non_null(strstr(data, "original.eml"));
	assert_non_null(strstr(data, "U3ViamVjdDogeA0KDQphAGINCg=="));
	g_free(data);
}

/* Reply-To is followed only where it cannot reflect mail to a stranger. */
static void
t_reply_target(void **state)
{
	const char *from = "vanphong@sgtvt.danang.gov.vn", *why;

	(void)state;
	/* none, or the same as From */
	assert_string_equal(rules_reply_target(from, NULL, FALSE, FALSE, TRUE, &why), from);
	assert_null(why);
	assert_string_equal(
	    rules_reply_target(from, "VanPhong@sgtvt.danang.gov.vn", FALSE, TRUE, TRUE, &why),
	    from);
	assert_null(why);
	/* a stranger: never */
	assert_string_equal(
	    rules_reply_target(from, "victim@example.org", FALSE, FALSE, TRUE, &why), from);
	assert_non_null(strstr(why, "outside the sender's organisation"));
	/* the same organisation, From trusted: followed; not trusted: not */
	assert_string_equal(
	    rules_reply_target(from, "hoa.lt@danang.gov.vn", FALSE, TRUE, TRUE, &why),
	    "hoa.lt@danang.gov.vn");
	assert_null(why);
	assert_string_equal(
	    rules_reply_target(from, "hoa.lt@danang.gov.vn", FALSE, TRUE, FALSE, &why), from);
	assert_non_null(strstr(why, "not authenticated"));
	/* a configured unit address: followed */
	assert_string_equal(
	    rules_reply_target(from, "hcth@sgtvt.example.vn", TRUE, FALSE, FALSE, &why),
	    "hcth@sgtvt.example.vn");
	assert_null(why);
	/* no From: nobody is answered */
	assert_null(rules_reply_target(NULL, "victim@example.org", FALSE, FALSE, TRUE, &why));
	assert_non_null(why);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_render),       cmocka_unit_test(t_split),
	    cmocka_unit_test(t_clean),        cmocka_unit_test(t_fields_text),
	    cmocka_unit_test(t_compose),      cmocka_unit_test(t_lookup),
	    cmocka_unit_test(t_reply_target), cmocka_unit_test(t_compose_parts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
