/*
 * reader.c - phieu-reader, the program a reader process runs.
 *
 * Started by the daemon's pool (worker.c) with an empty environment and its
 * options as arguments (readwire.h); it confines itself (confine.h) before
 * it reads anything, then reads one raw message at a time from stdin and
 * answers its reading on stdout, until stdin closes.
 *
 *   phieu-reader --selftest-confinement   try the forbidden acts, confined
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Entry point. */
int
main(int argc, char **argv)
{
	struct attach_opts o;
	struct reader_conf rc = {0};
	struct confine_opts co = {0};
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
	/* Tesseract's language data is loaded before the door closes */
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
		char *data = readwire_read_frame(STDIN_FILENO, &len), *answer;
		if (data == NULL)
			_exit(0); /* stdin closed: no destructors to run (Tesseract's caches) */
		confine_cpu_job(rc.timeout);
		answer = readwire_read_message(data, len, &o);
		if (readwire_write_frame(STDOUT_FILENO, answer, strlen(answer)) != 0)
			_exit(0);
		g_free(answer);
		g_free(data);
	}
}
