/* test_authres.c - Authentication-Results parsing and sender authentication. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "authres.h"
#include "message.h"

/* Failures of the current test: every row is checked, then the test fails. */
static int failures;
#define bad(...) (print_error(__VA_ARGS__), print_error("\n"), failures++)

struct parse_row {
	const char *label, *value;
	const char *id;     /* NULL: unreadable */
	int results;        /* how many */
	const char *method; /* of the first result */
	const char *result;
	const char *prop, *prop_value; /* one property of the first result */
};

/* Header values as servers write them. */
static const struct parse_row parse_rows[] = {
    {"opendkim",
     "mx.test; dkim=pass (1024-bit key; unprotected) header.d=danang.gov.vn "
     "header.i=@danang.gov.vn header.a=rsa-sha256 header.s=test header.b=AbCd",
     "mx.test", 1, "dkim", "pass", "header.d", "danang.gov.vn"},
    {"version after the id", "mx.test 1; spf=pass smtp.mailfrom=a@b.org", "mx.test", 1, "spf",
     "pass", "smtp.mailfrom", "a@b.org"},
    {"none", "mx.test; none", "mx.test", 0, NULL, NULL, NULL, NULL},
    {"several, mixed case, spaces around =",
     "MX.Test; DKIM = Fail header.d=x.org; dmarc=pass (p=none dis=none) header.from=x.org",
     "mx.test", 2, "dkim", "fail", "header.d", "x.org"},
    {"quoted value and comment in the id", "(the MX) mx.test; dkim=pass header.i=\"u@x.org\"",
     "mx.test", 1, "dkim", "pass", "header.i", "u@x.org"},
    {"method version", "mx.test; dkim/1=pass header.d=x.org", "mx.test", 1, "dkim", "pass",
     "header.d", "x.org"},
    {"a ';' in a comment", "mx.test; dkim=pass (a; b) header.d=x.org", "mx.test", 1, "dkim", "pass",
     "header.d", "x.org"},
    {"reason", "mx.test; dkim=fail reason=\"signature verification failed\" header.d=x.org",
     "mx.test", 1, "dkim", "fail", "reason", "signature verification failed"},
    {"empty", "", NULL, 0, NULL, NULL, NULL, NULL},
    {"no id", "dkim=pass header.d=x.org", NULL, 0, NULL, NULL, NULL, NULL},
};

/* Every row of parse_rows. */
static void
test_parse(void **state)
{
	failures = 0;
	for (size_t i = 0; i < sizeof parse_rows / sizeof parse_rows[0]; i++) {
		const struct parse_row *w = &parse_rows[i];
		struct authres *a = authres_parse(w->value);
		if (w->id == NULL) {
			if (a != NULL)
				bad("%s: read, want unreadable", w->label);
			authres_free(a);
			continue;
		}
		if (a == NULL) {
			bad("%s: unreadable", w->label);
			continue;
		}
		if (strcmp(a->authserv_id, w->id) != 0)
			bad("%s: id \"%s\", want \"%s\"", w->label, a->authserv_id, w->id);
		if ((int)a->results->len != w->results)
			bad("%s: %u results, want %d", w->label, a->results->len, w->results);
		if (w->method != NULL && a->results->len > 0) {
			const struct authres_result *r = g_ptr_array_index(a->results, 0);
			const char *pv = authres_prop(r, w->prop);
			if (strcmp(r->method, w->method) != 0 || strcmp(r->result, w->result) != 0)
				bad("%s: %s=%s, want %s=%s", w->label, r->method, r->result,
				    w->method, w->result);
			if (pv == NULL || strcmp(pv, w->prop_value) != 0)
				bad("%s: %s = \"%s\", want \"%s\"", w->label, w->prop,
				    pv ? pv : "(null)", w->prop_value);
		}
		authres_free(a);
	}
	assert_int_equal(failures, 0);
}

/* The organisational domain of the tests: the last two labels, three under gov.vn. */
static const char *
fake_org(void *ctx, const char *domain)
{
	static char buf[256];
	int want = g_str_has_suffix(domain, ".gov.vn") ? 3 : 2, dots = 0;
	const char *p = domain + strlen(domain);

	while (p > domain) {
		if (p[-1] == '.' && ++dots == want)
			break;
		p--;
	}
	if (dots < want - 1)
		return NULL; /* a public suffix itself */
	g_strlcpy(buf, p, sizeof buf);
	return buf;
}

struct check_row {
	const char *label;
	const char *headers; /* above From: and the body */
	const char *from;
	const char *require;
	gboolean psl; /* with the organisational-domain callback */
	gboolean want;
};

#define AR "Authentication-Results: "
#define RCV_RELAY                                                                                  \
	"Received: from relay.danang.gov.vn (relay [10.11.41.98]) by mx.test (Postfix) with "      \
	"ESMTP id 1; Mon, 1 Dec 2026 09:00:00 +0700\n"

/* Messages and whether their From: is authentic. */
static const struct check_row check_rows[] = {
    {"dkim pass, same domain", AR "mx.test; dkim=pass header.d=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, TRUE},
    {"dkim pass for the parent domain (psl)", AR "mx.test; dkim=pass header.d=danang.gov.vn\n",
     "vanphong@sct.danang.gov.vn", "dkim", TRUE, TRUE},
    {"dkim pass for the parent domain (sub-domain match)",
     AR "mx.test; dkim=pass header.d=danang.gov.vn\n", "vanphong@sct.danang.gov.vn", "dkim", FALSE,
     TRUE},
    {"dkim pass by header.i", AR "mx.test; dkim=pass header.i=@danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, TRUE},
    {"dkim pass for another organisation", AR "mx.test; dkim=pass header.d=gmail.com\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"dkim pass for a sibling unit is another organisation (psl)",
     AR "mx.test; dkim=pass header.d=hoavang.danang.gov.vn\n", "thang.ltv@quangnam.gov.vn", "dkim",
     TRUE, FALSE},
    {"dkim fail", AR "mx.test; dkim=fail header.d=danang.gov.vn\n", "thang.ltv@danang.gov.vn",
     "dkim", TRUE, FALSE},
    {"dkim none", AR "mx.test; dkim=none\n", "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"no header", "", "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"another server's header", AR "mx.example.org; dkim=pass header.d=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"forged pass below the genuine none",
     AR "mx.test; dkim=none\n" AR "mx.test; dkim=pass header.d=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"forged pass below the genuine fail",
     AR "mx.test; dkim=fail header.d=danang.gov.vn\n" AR
        "mx.test; dkim=pass header.d=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"genuine pass above another server's fail",
     AR "mx.test; dkim=pass header.d=danang.gov.vn\n" AR "mx.example.org; dkim=fail\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, TRUE},
    {"another server's pass above ours",
     AR "mx.example.org; dkim=pass header.d=danang.gov.vn\n" AR "mx.test; dkim=none\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"spf pass is not dkim", AR "mx.test; spf=pass smtp.mailfrom=thang.ltv@danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"spf pass under require spf", AR "mx.test; spf=pass smtp.mailfrom=thang.ltv@danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "spf", TRUE, TRUE},
    {"spf pass for another domain", AR "mx.test; spf=pass smtp.mailfrom=x@gmail.com\n",
     "thang.ltv@danang.gov.vn", "spf", TRUE, FALSE},
    {"dkim pass under require spf", AR "mx.test; spf=fail; dkim=pass header.d=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "spf", TRUE, TRUE},
    {"dmarc pass", AR "mx.test; dmarc=pass header.from=danang.gov.vn\n", "thang.ltv@danang.gov.vn",
     "dmarc", TRUE, TRUE},
    {"dmarc pass for another From", AR "mx.test; dmarc=pass header.from=gmail.com\n",
     "thang.ltv@danang.gov.vn", "dmarc", TRUE, FALSE},
    {"dmarc pass is not dkim", AR "mx.test; dmarc=pass header.from=danang.gov.vn\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"trusted relay", RCV_RELAY, "thang.ltv@danang.gov.vn", "dkim", TRUE, TRUE},
    {"trusted relay named in a lower Received only",
     "Received: from x (x [192.0.2.7]) by mx.test (Postfix); Mon, 1 Dec 2026\n" RCV_RELAY,
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"trusted relay in a Received by another host",
     "Received: from relay (relay [10.11.41.98]) by mx.example.org; Mon, 1 Dec 2026\n",
     "thang.ltv@danang.gov.vn", "dkim", TRUE, FALSE},
    {"require none", "", "thang.ltv@danang.gov.vn", "none", TRUE, TRUE},
};

/* Every row of check_rows. */
static void
test_check(void **state)
{
	static const char *const relays[] = {"10.11.41.98", NULL};

	failures = 0;
	message_init();
	for (size_t i = 0; i < sizeof check_rows / sizeof check_rows[0]; i++) {
		const struct check_row *w = &check_rows[i];
		char *raw = g_strdup_printf("%sFrom: <%s>\nTo: pkt-iid@danang.gov.vn\nSubject: "
		                            "Re: [IID-KT #2026-000001]\n\n#huy\n",
		                            w->headers, w->from);
		struct message *m = message_parse(raw, strlen(raw));
		struct auth_policy p = {"mx.test", w->require, relays, w->psl ? fake_org : NULL,
		                        NULL};
		char *why = NULL;
		gboolean got = authres_check(m, &p, &why);
		if (got != w->want)
			bad("%s: %s, want %s (%s)", w->label, got ? "authentic" : "not authentic",
			    w->want ? "authentic" : "not authentic", why);
		if (why == NULL || *why == '\0')
			bad("%s: no reason given", w->label);
		g_free(why);
		message_free(m);
		g_free(raw);
	}
	assert_int_equal(failures, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
