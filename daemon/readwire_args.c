/* readwire_args.c - how a reader is started: its options as an argument
   vector and back, one table; see readwire.h. */
#include "readwire.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fields.h"

/* The arguments, one table: each option's name and its place in the options. */
enum arg_kind { A_SIZE, A_INT, A_INT64, A_DOUBLE, A_STR, A_FLAG, A_LABEL, A_LIST };

struct arg_row {
	const char *name;
	enum arg_kind kind;
	gsize attach_off; /* offset in struct attach_opts, or -1 for reader_conf */
	gsize conf_off;
};

#define AO(f)  offsetof(struct attach_opts, f), (gsize)-1
#define RCO(f) (gsize) - 1, offsetof(struct reader_conf, f)

static const struct arg_row args[] = {
    {"max-part", A_SIZE, AO(limits.max_part)},
    {"max-unpacked", A_SIZE, AO(limits.max_unpacked)},
    {"max-ratio", A_INT, AO(limits.max_ratio)},
    {"max-pages", A_INT, AO(limits.max_pages)},
    {"max-pixels", A_INT64, AO(limits.max_pixels)},
    {"ocr-dpi", A_INT, AO(limits.ocr_dpi)},
    {"ocr-languages", A_STR, AO(ocr.languages)},
    {"tessdata", A_STR, AO(ocr.tessdata)},
    {"ocr", A_FLAG, AO(ocr_enabled)},
    {"doubt-below", A_DOUBLE, AO(doubt_below)},
    {"domain", A_STR, AO(domain)},
    {"user", A_STR, RCO(user)},
    {"timeout", A_INT, RCO(timeout)},
    {"memory", A_INT64, RCO(memory)},
    {"announce", A_FLAG, RCO(announce)},
    {"label", A_LABEL, RCO(labels)},
    {"auth-id", A_STR, RCO(auth_id)},
    {"auth-require", A_STR, RCO(auth_require)},
    {"relay", A_LIST, RCO(relays)},
    {"unit", A_LIST, RCO(units)},
};

/* Where a row's value lives. */
static void *
arg_place(const struct arg_row *r, struct attach_opts *o, struct reader_conf *rc)
{
	return r->attach_off != (gsize)-1 ? (char *)o + r->attach_off : (char *)rc + r->conf_off;
}

/* The argument vector that starts a reader. */
char **
readwire_argv(const char *program, const struct attach_opts *o, const struct reader_conf *rc)
{
	GPtrArray *v = g_ptr_array_new();
	struct attach_opts oc = *o;
	struct reader_conf rcc = *rc;

	g_ptr_array_add(v, g_strdup(program));
	for (gsize i = 0; i < G_N_ELEMENTS(args); i++) {
		const struct arg_row *r = &args[i];
		void *at = arg_place(r, &oc, &rcc);
		char *val = NULL;
		switch (r->kind) {
		case A_SIZE:
			val = g_strdup_printf("%zu", *(gsize *)at);
			break;
		case A_INT:
			val = g_strdup_printf("%d", *(int *)at);
			break;
		case A_INT64:
			val = g_strdup_printf("%" G_GINT64_FORMAT, *(gint64 *)at);
			break;
		case A_DOUBLE:
			val = g_strdup_printf("%.17g", *(double *)at);
			break;
		case A_STR:
			if (*(const char **)at == NULL)
				continue;
			val = g_strdup(*(const char **)at);
			break;
		case A_FLAG:
			val = g_strdup(*(gboolean *)at ? "yes" : "no");
			break;
		case A_LABEL:
		case A_LIST: {
			GPtrArray *list = *(GPtrArray **)at;
			for (guint k = 0; list != NULL && k < list->len; k++)
				g_ptr_array_add(
				    v, g_strdup_printf("--%s=%s", r->name,
				                       (char *)g_ptr_array_index(list, k)));
			continue;
		}
		}
		g_ptr_array_add(v, g_strdup_printf("--%s=%s", r->name, val));
		g_free(val);
	}
	g_ptr_array_add(v, NULL);
	return (char **)g_ptr_array_free(v, FALSE);
}

/* Parse a reader's arguments. */
int
readwire_parse(int argc, char **argv, struct attach_opts *o, struct reader_conf *rc, char **cause)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');
		const struct arg_row *r = NULL;
		char *end = NULL;
		if (strncmp(a, "--", 2) != 0 || eq == NULL) {
			*cause = g_strdup_printf("%s: not an option=value", a);
			return -1;
		}
		for (gsize k = 0; k < G_N_ELEMENTS(args); k++)
			if (strlen(args[k].name) == (gsize)(eq - a - 2) &&
			    strncmp(args[k].name, a + 2, (gsize)(eq - a - 2)) == 0)
				r = &args[k];
		if (r == NULL) {
			*cause = g_strdup_printf("%s: unknown option", a);
			return -1;
		}
		const char *val = eq + 1;
		void *at = arg_place(r, o, rc);
		errno = 0;
		switch (r->kind) {
		case A_SIZE:
			*(gsize *)at = (gsize)g_ascii_strtoull(val, &end, 10);
			break;
		case A_INT:
			*(int *)at = (int)g_ascii_strtoll(val, &end, 10);
			break;
		case A_INT64:
			*(gint64 *)at = g_ascii_strtoll(val, &end, 10);
			break;
		case A_DOUBLE:
			*(double *)at = g_ascii_strtod(val, &end);
			break;
		case A_STR:
			*(const char **)at = val;
			end = (char *)val + strlen(val);
			break;
		case A_FLAG:
			*(gboolean *)at = strcmp(val, "yes") == 0;
			end = (char *)val + strlen(val);
			break;
		case A_LABEL: {
			const char *sep = strchr(val, '=');
			char *key = sep != NULL ? g_strndup(val, (gsize)(sep - val)) : NULL;
			gboolean ok = key != NULL && fields_add_label(key, sep + 1);
			g_free(key);
			if (!ok) {
				*cause = g_strdup_printf("%s: not a label of a known key", a);
				return -1;
			}
			end = (char *)val + strlen(val);
			break;
		}
		case A_LIST:
			if (*(GPtrArray **)at == NULL)
				*(GPtrArray **)at = g_ptr_array_new();
			g_ptr_array_add(*(GPtrArray **)at, (char *)val);
			end = (char *)val + strlen(val);
			break;
		}
		if (r->kind <= A_DOUBLE && (errno != 0 || end == val || *end != '\0')) {
			*cause = g_strdup_printf("%s: not a valid value", a);
			return -1;
		}
	}
	if (o->ocr.domain == NULL)
		o->ocr.domain = o->domain;
	return 0;
}
