/*
 * phieuparse.c - phieu-parse, the program behind `phieuctl parse`: the parse
 * result of one message file as JSON on stdout, as phieud would read it.
 *
 *   phieu-parse [-c FILE] FILE.eml [--mailbox NAME]
 *
 * With -c, the configuration's rules file teaches the parsers its labels and
 * types first.  No database, no network, no confinement (the daemon reads
 * mail in confined phieu-reader processes; this is the operator's tool).
 * It is a program of its own, in libexec/phieu, so that phieuctl does not
 * load the parsers' libraries (documents, images, OCR: about 90 shared
 * libraries) for the commands that only read the database: loading them
 * took about 80 ms of every phieuctl command (bench/README.md, Search).
 * Exit 0, 1 when the file cannot be read, 2 for bad usage or configuration.
 */
#include <stdio.h>
#include <string.h>

#include "attach.h"
#include "config.h"
#include "decide.h"
#include "intake.h"
#include "message.h"

#define EXIT_USAGE 2

/* Print usage and exit. */
static void G_GNUC_NORETURN
usage(void)
{
	fprintf(stderr, "usage: phieu-parse [-c FILE] FILE.eml [--mailbox NAME]\n");
	exit(EXIT_USAGE);
}

/* Print the parse result of one file. */
static int
parse_file(const char *file, const char *mailbox)
{
	gchar *data = NULL;
	gsize len = 0;
	GError *err = NULL;

	if (!g_file_get_contents(file, &data, &len, &err)) {
		fprintf(stderr, "phieuctl: %s\n", err->message);
		g_error_free(err);
		return 1;
	}
	struct message *m = message_parse(data, len);
	struct attach_opts ao;
	attach_opts_default(&ao);
	struct reading *rd = attach_read(m, &ao);
	struct decision *d = rules_decide(m, rd, mailbox, rules_opts_default());
	JsonObject *o = decision_to_json(d);
	if (m->problems->len > 0) {
		JsonArray *a = json_array_new();
		for (guint i = 0; i < m->problems->len; i++)
			json_array_add_string_element(a, g_ptr_array_index(m->problems, i));
		json_object_set_array_member(o, "problems", a);
	}
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	JsonGenerator *g = json_generator_new();
	json_generator_set_root(g, n);
	json_generator_set_pretty(g, TRUE);
	json_generator_set_indent(g, 2);
	char *s = json_generator_to_data(g, NULL);
	puts(s);
	g_free(s);
	g_object_unref(g);
	json_node_unref(n);
	decision_free(d);
	reading_free(rd);
	message_free(m);
	g_free(data);
	return 0;
}

/* Read the arguments, the rules file when a configuration is given, and
   print the file's parse result. */
int
main(int argc, char **argv)
{
	const char *path = NULL, *mailbox = NULL, *file = NULL;
	char *cause = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strcmp(argv[i], "--mailbox") == 0 && i + 1 < argc)
			mailbox = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1] != '\0')
			usage();
		else if (file == NULL)
			file = argv[i];
		else
			usage();
	}
	if (file == NULL)
		usage();
	if (path == NULL)
		return parse_file(file, mailbox);
	/* with a configuration: its rules file's labels and types too */
	struct config *cfg = config_load(path, &cause);
	if (cfg == NULL || intake_apply_rules(cfg, &cause) != 0) {
		fprintf(stderr, "phieuctl: %s\n", cause);
		return EXIT_USAGE;
	}
	rc = parse_file(file, mailbox);
	config_free(cfg);
	return rc;
}
