/* test_readwire.c - the reader's answer: what it carries, and every check
   the daemon makes before it uses one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "readwire.h"

/* Failures of the current test: every row is checked, then the test fails. */
static int failures;
#define bad(...) (print_error(__VA_ARGS__), print_error("\n"), failures++)

/* A request with a CSV attachment, an authentication header and a reply thread. */
static const char sample[] =
    "Authentication-Results: mx.test; dkim=pass header.d=danang.gov.vn\r\n"
    "From: =?UTF-8?B?Tmd1eeG7hW4gVsSDbiBBbg==?= <An.NV@STP.danang.gov.vn>\r\n"
    "To: pkt-iid@danang.gov.vn, cntt@danang.gov.vn\r\n"
    "Subject: =?UTF-8?Q?T=E1=BA=A1o_h=E1=BB=99p_th=C6=B0?=\r\n"
    "Date: Tue, 01 Dec 2026 08:00:00 +0700\r\n"
    "Message-ID: <req-1@stp.danang.gov.vn>\r\n"
    "In-Reply-To: <earlier@stp.danang.gov.vn>\r\n"
    "References: <first@stp.danang.gov.vn> <earlier@stp.danang.gov.vn>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Đơn vị: Sở Tư pháp\r\n"
    "--b\r\n"
    "Content-Type: text/csv; name=ds.csv\r\n"
    "Content-Disposition: attachment; filename=ds.csv\r\n"
    "\r\n"
    "ho_ten,email\r\nA,a@x\r\n"
    "--b--\r\n";

/* The answer a reader gives for raw (flags byte first) under a policy. */
static GBytes *
answer_of(const char *raw, guint8 flags, const char *require)
{
	struct attach_opts o;
	struct auth_policy p = {"mx.test", require, NULL, NULL, NULL};
	GByteArray *job = g_byte_array_new();
	GBytes *a;

	attach_opts_default(&o);
	o.ocr_enabled = FALSE;
	g_byte_array_append(job, &flags, 1);
	g_byte_array_append(job, (const guint8 *)raw, (guint)strlen(raw));
	a = readwire_read_message((const char *)job->data, job->len, &o, &p);
	g_byte_array_free(job, TRUE);
	return a;
}

/* Everything the daemon uses comes through as the parser read it. */
static void
test_round_trip(void **state)
{
	(void)state;
	GBytes *b = answer_of(sample, READWIRE_DOCUMENTS, "dkim");
	gsize len;
	const guint8 *d = g_bytes_get_data(b, &len);
	char *cause = NULL;
	struct answer *a = readwire_answer_parse(d, len, &cause);

	failures = 0;
	if (a == NULL) {
		bad("answer refused: %s", cause);
		fail();
	}
	struct message *m = a->m;
	if (g_strcmp0(m->message_id, "req-1@stp.danang.gov.vn") != 0)
		bad("message_id %s", m->message_id);
	if (g_strcmp0(m->in_reply_to, "earlier@stp.danang.gov.vn") != 0)
		bad("in_reply_to %s", m->in_reply_to);
	if (m->references->len != 2)
		bad("references %u", m->references->len);
	if (g_strcmp0(m->from_addr, "an.nv@stp.danang.gov.vn") != 0)
		bad("from_addr %s", m->from_addr);
	if (g_strcmp0(m->from_name, "Nguyễn Văn An") != 0)
		bad("from_name %s", m->from_name);
	if (g_strcmp0(m->subject, "Tạo hộp thư") != 0)
		bad("subject %s", m->subject);
	if (m->to->len != 2)
		bad("to %u", m->to->len);
	if (m->date_year != 2026 || m->date_month != 12 || m->date == 0)
		bad("date %d-%d %" G_GINT64_FORMAT, m->date_year, m->date_month, m->date);
	if (strstr(m->text, "Sở Tư pháp") == NULL)
		bad("text %s", m->text);
	if (g_strcmp0(m->text_source, "plain") != 0)
		bad("text_source %s", m->text_source);
	if (m->parts->len != 1)
		bad("parts %u", m->parts->len);
	else {
		struct msg_part *p = g_ptr_array_index(m->parts, 0);
		gsize n;
		const char *pd = g_bytes_get_data(p->data, &n);
		if (g_strcmp0(p->filename, "ds.csv") != 0 || !p->attachment ||
		    n != strlen("ho_ten,email\r\nA,a@x") || memcmp(pd, "ho_ten", 6) != 0)
			bad("part %s %zu", p->filename, n);
	}
	if (message_header(m, "Authentication-Results") == NULL)
		bad("headers lost");
	if (!a->authentic || a->auth_why == NULL)
		bad("not authentic: %s", a->auth_why);
	if (a->rd == NULL || a->rd->parts->len != 1)
		bad("reading lost");
	/* the document's text comes through for search, the body's does not */
	else if (a->rd->document_text == NULL || strstr(a->rd->document_text, "a@x") == NULL ||
	         strstr(a->rd->document_text, "Sở Tư pháp") != NULL)
		bad("document_text %s", a->rd->document_text);
	if (a->documents)
		bad("documents said unread after the document pass");
	answer_free(a);
	g_bytes_unref(b);
	assert_int_equal(failures, 0);
}

/* A header block alone is read for a message fetched in part; the quick
   pass leaves documents unread and says so. */
static void
test_headers_only(void **state)
{
	(void)state;
	GBytes *b = answer_of(sample, READWIRE_HEADERS_ONLY, NULL);
	gsize len;
	const guint8 *d = g_bytes_get_data(b, &len);
	char *cause = NULL;
	struct answer *a = readwire_answer_parse(d, len, &cause);

	assert_non_null(a);
	assert_string_equal(a->m->subject, "Tạo hộp thư");
	assert_int_equal(a->m->parts->len, 0);
	assert_null(strstr(a->m->text, "Sở Tư pháp"));
	assert_false(a->documents);
	answer_free(a);
	g_bytes_unref(b);
	/* the quick pass reads the body and lists the CSV unread */
	b = answer_of(sample, 0, NULL);
	d = g_bytes_get_data(b, &len);
	a = readwire_answer_parse(d, len, &cause);
	assert_non_null(a);
	assert_true(a->documents);
	assert_non_null(strstr(a->m->text, "Sở Tư pháp"));
	answer_free(a);
	g_bytes_unref(b);
}

/* Control characters a hostile message hides in its headers never reach
   the answer's one-line values. */
static void
test_lines_cleaned(void **state)
{
	(void)state;
	const char *raw = "From: a@x.org\r\n"
	                  "Subject: =?UTF-8?Q?one=0D=0ABcc:_victim@example.org?=\r\n"
	                  "\r\nbody\x01 text\r\n";
	GBytes *b = answer_of(raw, 0, NULL);
	gsize len;
	const guint8 *d = g_bytes_get_data(b, &len);
	char *cause = NULL;
	struct answer *a = readwire_answer_parse(d, len, &cause);

	if (a == NULL)
		fail_msg("refused: %s", cause);
	assert_null(strchr(a->m->subject, '\r'));
	assert_null(strchr(a->m->subject, '\n'));
	assert_null(strchr(a->m->text, '\x01'));
	answer_free(a);
	g_bytes_unref(b);
}

/* The answer's JSON and blob, rebuilt into bytes. */
static GBytes *
rebuild(const char *magic, const char *json, const char *blob, gsize blob_len)
{
	GByteArray *out = g_byte_array_new();
	guint64 l = strlen(json);

	g_byte_array_append(out, (const guint8 *)magic, 4);
	g_byte_array_append(out, (const guint8 *)&l, sizeof l);
	g_byte_array_append(out, (const guint8 *)json, (guint)l);
	g_byte_array_append(out, (const guint8 *)blob, (guint)blob_len);
	return g_byte_array_free_to_bytes(out);
}

#define MSG(envelope, parts)                                                                       \
	"{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"        \
	"\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"plain\","               \
	"\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":10," envelope          \
	"\"parts\":" parts                                                                         \
	"},\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":true,\"documents\":false,"     \
	"\"auth_why\":\"w\"}"

/* A broken or hostile answer, and the check that must refuse it. */
struct refusal {
	const char *label, *magic, *json, *blob;
	gsize blob_len;
};

static const struct refusal refusals[] = {
    {"other version", "PHR9", MSG("", "[]"), "", 0},
    {"bytes after the parts", "PHR1", MSG("", "[]"), "xx", 2},
    {"parts longer than the bytes", "PHR1",
     MSG("", "[{\"content_type\":\"a/b\",\"attachment\":true,\"size\":5}]"), "abc", 3},
    {"negative part size", "PHR1",
     MSG("", "[{\"content_type\":\"a/b\",\"attachment\":true,\"size\":-1}]"), "", 0},
    {"CR LF in the From address", "PHR1", MSG("\"from_addr\":\"a@x\\r\\nBcc: v@y\",", "[]"), "", 0},
    {"newline in a file name", "PHR1",
     MSG("", "[{\"filename\":\"a\\nb\",\"content_type\":\"a/b\",\"attachment\":true,\"size\":0}]"),
     "", 0},
    {"number as the subject", "PHR1",
     "{\"message\":{\"subject\":5},\"reading\":{},\"authentic\":true,\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"unknown text source", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"evil\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":true,\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"month 13", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":13,\"text\":\"t\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":true,\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"escape character in the text", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\\u001b[2J\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":true,\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"header without a value", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[[\"X\"]],\"problems\":[],\"size\":1,"
     "\"parts\":[]},\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":true,\"documents\":"
     "false,"
     "\"auth_why\":\"w\"}",
     "", 0},
    {"fields not an object", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":[1],\"sources\":{}},\"authentic\":true,\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"nested too deep", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":{\"a\":[[[[[[[[1]]]]]]]]},\"sources\":{}},\"authentic\":true,"
     "\"documents\":false,"
     "\"auth_why\":\"w\"}",
     "", 0},
    {"authentic not a boolean", "PHR1",
     "{\"message\":{\"references\":[],\"to\":[],\"cc\":[],\"subject\":\"s\",\"date\":0,"
     "\"date_year\":0,\"date_month\":0,\"text\":\"t\",\"text_source\":\"plain\","
     "\"broken_multipart\":false,\"headers\":[],\"problems\":[],\"size\":1,\"parts\":[]},"
     "\"reading\":{\"fields\":{},\"sources\":{}},\"authentic\":\"yes\",\"documents\":false,\"auth_"
     "why\":\"w\"}",
     "", 0},
    {"not JSON", "PHR1", "{\"message\":", "", 0},
};

/* Every broken answer is refused, with a cause; the well-formed base passes. */
static void
test_refusals(void **state)
{
	(void)state;
	failures = 0;
	/* the base the refusals vary is itself accepted */
	GBytes *ok = rebuild("PHR1", MSG("", "[]"), "", 0);
	char *cause = NULL;
	gsize len;
	const guint8 *d = g_bytes_get_data(ok, &len);
	struct answer *a = readwire_answer_parse(d, len, &cause);
	if (a == NULL)
		bad("the base answer is refused: %s", cause);
	answer_free(a);
	g_bytes_unref(ok);
	g_clear_pointer(&cause, g_free);
	for (gsize i = 0; i < G_N_ELEMENTS(refusals); i++) {
		const struct refusal *r = &refusals[i];
		GBytes *b = rebuild(r->magic, r->json, r->blob, r->blob_len);
		d = g_bytes_get_data(b, &len);
		a = readwire_answer_parse(d, len, &cause);
		if (a != NULL)
			bad("%s: accepted", r->label);
		else if (cause == NULL)
			bad("%s: refused without a cause", r->label);
		answer_free(a);
		g_clear_pointer(&cause, g_free);
		g_bytes_unref(b);
	}
	/* cut anywhere, an answer is refused */
	GBytes *whole = answer_of(sample, 0, NULL);
	d = g_bytes_get_data(whole, &len);
	for (gsize cut = 0; cut < len; cut += 7) {
		a = readwire_answer_parse(d, cut, &cause);
		if (a != NULL)
			bad("cut at %zu of %zu: accepted", cut, len);
		answer_free(a);
		g_clear_pointer(&cause, g_free);
	}
	g_bytes_unref(whole);
	assert_int_equal(failures, 0);
}

/* Entry point. */
/* The reader's arguments carry the options and the policy there and back:
   limits, OCR, the authentication policy, trusted relays, the units. */
static void
test_arguments(void **state)
{
	struct attach_opts o, back;
	struct reader_conf rc = {0}, rback = {0};
	char *cause = NULL;

	attach_opts_default(&o);
	o.limits.max_pages = 7;
	o.ocr.languages = "vie";
	o.doubt_below = 55.5;
	rc.user = "phieu-reader";
	rc.timeout = 120;
	rc.memory = (guint64)3 << 30;
	rc.auth_id = "mx.danang.gov.vn";
	rc.auth_require = "dmarc";
	rc.relays = g_ptr_array_new();
	g_ptr_array_add(rc.relays, "10.11.41.98");
	rc.units = g_ptr_array_new();
	g_ptr_array_add(rc.units, "Sở Tư pháp");
	g_ptr_array_add(rc.units, "UBND quận Liên Chiểu");
	char **argv = readwire_argv("/usr/libexec/phieu/phieu-reader", &o, &rc);
	attach_opts_default(&back);
	if (readwire_parse((int)g_strv_length(argv), argv, &back, &rback, &cause) != 0)
		fail_msg("%s", cause);
	assert_int_equal(back.limits.max_pages, 7);
	assert_string_equal(back.ocr.languages, "vie");
	assert_true(back.doubt_below == 55.5);
	assert_string_equal(rback.user, "phieu-reader");
	assert_int_equal(rback.timeout, 120);
	assert_true(rback.memory == ((guint64)3 << 30));
	assert_string_equal(rback.auth_id, "mx.danang.gov.vn");
	assert_string_equal(rback.auth_require, "dmarc");
	assert_int_equal(rback.relays->len, 1);
	assert_string_equal(g_ptr_array_index(rback.relays, 0), "10.11.41.98");
	assert_int_equal(rback.units->len, 2);
	assert_string_equal(g_ptr_array_index(rback.units, 1), "UBND quận Liên Chiểu");
	/* an unknown option is refused */
	char *bad_argv[] = {"phieu-reader", "--unknown=1", NULL};
	assert_int_equal(readwire_parse(2, bad_argv, &back, &rback, &cause), -1);
	assert_non_null(strstr(cause, "unknown option"));
	g_free(cause);
	g_ptr_array_free(rc.relays, TRUE);
	g_ptr_array_free(rc.units, TRUE);
	g_ptr_array_free(rback.relays, TRUE);
	g_ptr_array_free(rback.units, TRUE);
	g_strfreev(argv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),   cmocka_unit_test(test_arguments),
	    cmocka_unit_test(test_headers_only), cmocka_unit_test(test_lines_cleaned),
	    cmocka_unit_test(test_refusals),
	};
	message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
