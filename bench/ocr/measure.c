/*
 * measure.c - phieu's OCR path on scanned forms, for bench/ocr_bench.sh and
 * for measuring accuracy (bench/ocr/score.py).
 *
 *   measure time IMAGE...            seconds per page of ocr_image(), one
 *                                    line per image, then the mean
 *   measure parse OUTDIR EML [IMAGE] OCR the scan attached to EML (or IMAGE
 *                                    instead), write OUTDIR/NAME.txt (the
 *                                    text, a confidence per line) and
 *                                    OUTDIR/NAME.json (the parse result from
 *                                    the OCR text alone, in OCR mode)
 *
 * Not part of phieu: built by bench/ocr_bench.sh against the static
 * libraries of build/.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "decide.h"
#include "fields.h"
#include "message.h"
#include "ocr.h"

/* Seconds on the monotonic clock. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Time ocr_image() on each file. */
static int
cmd_time(int argc, char **argv, const struct ocr_opts *oo, const struct doc_limits *lim)
{
	double total = 0;
	int pages = 0;

	for (int i = 0; i < argc; i++) {
		gchar *data;
		gsize len;
		struct doc_text dt = {0};
		if (!g_file_get_contents(argv[i], &data, &len, NULL)) {
			fprintf(stderr, "measure: cannot read %s\n", argv[i]);
			return 1;
		}
		double t0 = now();
		ocr_image((const guint8 *)data, len, lim, oo, &dt);
		double t = now() - t0;
		if (dt.status != DOC_OK)
			fprintf(stderr, "measure: %s: %s\n", argv[i], dt.cause);
		printf("%s %.3f\n", argv[i], t);
		total += t;
		pages++;
		doc_text_clear(&dt);
		g_free(data);
	}
	printf("mean %.3f\n", pages > 0 ? total / pages : 0);
	return 0;
}

/* OCR one message's scan and write its text and parse result. */
static int
cmd_parse(const char *outdir, const char *eml, const char *image, const struct ocr_opts *oo0,
          const struct doc_limits *lim)
{
	gchar *raw, *img = NULL;
	gsize len, ilen = 0;
	struct doc_text dt = {0};
	struct ocr_opts oo = *oo0;

	if (!g_file_get_contents(eml, &raw, &len, NULL)) {
		fprintf(stderr, "measure: cannot read %s\n", eml);
		return 1;
	}
	struct message *m = message_parse(raw, len);
	oo.sender = m->from_addr;
	if (image != NULL) {
		if (!g_file_get_contents(image, &img, &ilen, NULL)) {
			fprintf(stderr, "measure: cannot read %s\n", image);
			return 1;
		}
	} else {
		for (guint i = 0; i < m->parts->len; i++) {
			struct msg_part *p = g_ptr_array_index(m->parts, i);
			if (g_str_has_prefix(p->content_type, "image/")) {
				img = g_memdup2(g_bytes_get_data(p->data, NULL),
				                g_bytes_get_size(p->data));
				ilen = g_bytes_get_size(p->data);
				break;
			}
		}
	}
	if (img == NULL) {
		fprintf(stderr, "measure: %s: no image\n", eml);
		return 1;
	}
	double t0 = now();
	ocr_image((const guint8 *)img, ilen, lim, &oo, &dt);
	double t = now() - t0;
	char *base = g_path_get_basename(eml);
	char *dot = strrchr(base, '.');
	if (dot != NULL)
		*dot = '\0';
	char *tp = g_strdup_printf("%s/%s.txt", outdir, base);
	char *cp = g_strdup_printf("%s/%s.conf", outdir, base);
	char *jp = g_strdup_printf("%s/%s.json", outdir, base);
	if (dt.status != DOC_OK) {
		fprintf(stderr, "measure: %s: %s\n", eml, dt.cause);
		g_file_set_contents(tp, "", 0, NULL);
	} else {
		g_file_set_contents(tp, dt.text, -1, NULL);
		GString *c = g_string_new(NULL);
		char **lines = g_strsplit(dt.text, "\n", -1);
		for (guint i = 0; i < dt.line_conf->len && lines[i] != NULL; i++)
			g_string_append_printf(c, "%5.1f  %s\n",
			                       g_array_index(dt.line_conf, double, i), lines[i]);
		g_strfreev(lines);
		g_file_set_contents(cp, c->str, -1, NULL);
		g_string_free(c, TRUE);
	}
	struct fields_opts fo;
	fields_opts_init(&fo, m->date_year, m->date_month, rules_opts_default()->domain_suffix);
	fo.ocr = TRUE;
	fo.line_conf = dt.line_conf;
	fo.doubt_below = 70;
	/* a reading of the OCR text alone, whatever the body says */
	struct reading *rd = g_new0(struct reading, 1);
	rd->fx = fields_extract(dt.text != NULL ? dt.text : "", &fo);
	rd->sources = json_object_new();
	GList *keys = json_object_get_members(rd->fx->fields);
	for (GList *l = keys; l != NULL; l = l->next)
		json_object_set_string_member(rd->sources, l->data, "ocr");
	g_list_free(keys);
	rd->source = "ocr";
	rd->parts = g_ptr_array_new();
	rd->conflicts = g_ptr_array_new_with_free_func(g_free);
	struct decision *d = rules_decide(m, rd, NULL, rules_opts_default());
	JsonObject *o = decision_to_json(d);
	json_object_set_double_member(o, "seconds", t);
	JsonNode *n = json_node_new(JSON_NODE_OBJECT);
	json_node_take_object(n, o);
	char *js = json_to_string(n, TRUE);
	g_file_set_contents(jp, js, -1, NULL);
	g_free(js);
	json_node_unref(n);
	decision_free(d);
	reading_free(rd);
	doc_text_clear(&dt);
	message_free(m);
	g_free(base);
	g_free(tp);
	g_free(cp);
	g_free(jp);
	g_free(img);
	g_free(raw);
	return 0;
}

/* measure time|parse … */
int
main(int argc, char **argv)
{
	struct ocr_opts oo = {g_getenv("PHIEU_OCR_LANGS") ? g_getenv("PHIEU_OCR_LANGS") : "vie+eng",
	                      NULL, "danang.gov.vn", NULL, NULL};
	struct doc_limits lim;
	char *cause = NULL;

	doc_limits_default(&lim);
	message_init();
	if (argc < 3) {
		fprintf(stderr, "usage: measure time IMAGE… | measure parse OUTDIR EML [IMAGE]\n");
		return 2;
	}
	if (!ocr_init(&oo, &cause)) {
		fprintf(stderr, "measure: %s\n", cause);
		return 1;
	}
	int rc = 2;
	if (strcmp(argv[1], "time") == 0)
		rc = cmd_time(argc - 2, argv + 2, &oo, &lim);
	else if (strcmp(argv[1], "parse") == 0 && argc >= 4)
		rc = cmd_parse(argv[2], argv[3], argc > 4 ? argv[4] : NULL, &oo, &lim);
	ocr_end();
	return rc;
}
