/*
 * reader.c - phieu-reader, the program a reader process runs.
 *
 * Started by the daemon's pool (worker.c) with an empty environment and its
 * options as arguments (readwire.h); it confines itself (confine.h) before
 * it reads anything, then reads one raw message at a time from stdin and
 * answers everything the daemon uses of it on stdout (readwire.h: the
 * message, its reading and whether its sender is authentic), until stdin
 * closes.
 *
 *   phieu-reader --selftest-confinement   try the forbidden acts, confined
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpsl.h>

#include "attach.h"
#include "confine.h"
#include "log.h"
#include "ocr.h"
#include "readwire.h"

/* A build with AddressSanitizer (the sanitizer run of the tests). */
#if defined(__SANITIZE_ADDRESS__)
#define READER_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define READER_UNDER_ASAN 1
#endif
#endif

/* The organisational domain of a domain by the public suffix list. */
static const char *
org_of(void *ctx, const char *domain)
{
	return ctx != NULL ? psl_registrable_domain(ctx, domain) : NULL;
}

/* Entry point. */
int
main(int argc, char **argv)
{
	struct attach_opts o;
	struct reader_conf rc = {0};
	struct confine_opts co = {0};
	struct auth_policy policy = {0};
	GString *report = g_string_new(NULL);
	const char *paths[2] = {NULL, NULL};
	char *cause = NULL;

	log_init(LOG_INFO, 0);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_IGN); /* a terminal's ^C is for the daemon, which stops us */
	if (argc >= 2 && strcmp(argv[1], "--selftest-confinement") == 0) {
#ifdef READER_UNDER_ASAN
		/* ASan's shadow memory cannot be mapped under the reader's limits */
		puts("skipped: built with AddressSanitizer");
		return 77;
#endif
		co.memory = (guint64)3 << 30;
		co.cpu_seconds = 60;
		return confine_selftest(&co);
	}
	attach_opts_default(&o);
	if (readwire_parse(argc, argv, &o, &rc, &cause) != 0) {
		log_err("reader", "%s", cause);
		return 2;
	}
	co.user = rc.user;
	co.cpu_seconds = rc.timeout + 30; /* starting, and the first job */
	co.memory = rc.memory;
	paths[0] = o.ocr.tessdata;
	co.paths = paths;
	if (confine_user(&co, report, &cause) != 0) {
		log_err("reader", "%s", cause);
		return 3;
	}
	/* the public suffix list and Tesseract's language data are loaded
	   before the door closes */
	if (rc.auth_id != NULL) {
		policy.authserv_id = rc.auth_id;
		policy.require = rc.auth_require != NULL ? rc.auth_require : "dkim";
		if (rc.relays != NULL)
			g_ptr_array_add(rc.relays, NULL);
		policy.trusted_relays =
		    rc.relays != NULL ? (const char *const *)rc.relays->pdata : NULL;
		policy.org = org_of;
		policy.org_ctx = (void *)psl_latest(NULL);
	}
	/* scans' unit names are repaired towards the configured units too */
	if (rc.units != NULL) {
		g_ptr_array_add(rc.units, NULL);
		o.ocr.units = (const char *const *)rc.units->pdata;
	}
	if (o.ocr_enabled && !ocr_init(&o.ocr, &cause)) {
		log_warn("reader", "%s", cause);
		g_clear_pointer(&cause, g_free);
	}
	if (confine_apply(&co, report, &cause) != 0) {
		log_err("reader", "%s", cause);
		return 3;
	}
	if (rc.announce)
		log_info("reader", "readers confined: %s, no file written", report->str + 2);
	g_string_free(report, TRUE);
	confine_seal();
	for (;;) {
		gsize len;
		gsize alen;
		char *data = readwire_read_frame(STDIN_FILENO, &len);
		if (data == NULL)
			_exit(0); /* stdin closed: no destructors to run (Tesseract's caches) */
		confine_cpu_job(rc.timeout);
		GBytes *answer = readwire_read_message(data, len, &o, &policy);
		const void *a = g_bytes_get_data(answer, &alen);
		if (readwire_write_frame(STDOUT_FILENO, a, alen) != 0)
			_exit(0);
		g_bytes_unref(answer);
		g_free(data);
	}
}
