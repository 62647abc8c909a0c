/* prose_fill.c - the sentences around a typed form; see prose.h. */
#include "prose.h"

#include <string.h>

#include "text.h"

/* What the sentences around a typed form may add: who asks, the request's
   day and hours, what for, the mailbox action, the kind of support the
   problem's words name, its urgency ("as soon as possible"), the
   sub-domain's administrator a sentence names, the writer's name when no label gave a
   contact. The rest of a covering mail (phones, the request sentence) is the form's to give. */
static const char *const fill_keys[] = {
    "requesting_unit", "purpose",     "mailbox_action", "category", "contact_name",
    "priority",        "_when_date",  "_when_from",     "_when_to", "_when_dt",
    "admin_name",      "admin_phone", "admin_email",
};

/* Keys that already give the request's day or hours, or a date the
   sentences' dates may be. */
static const char *const when_keys[] = {
    "_when_date", "_when_from",   "_when_dt", "visit_date",
    "time_from",  "desired_time", "_visit",   "request_date",
};

/* Words around a unit that make it the one asking: before it, after it. */
static const char *const asker_before[] = {
    "behalf of ",     "we are from ", "thay mat ",  "dai dien ",       "website of ",
    "portal of ",     "site of ",     "host for ",  "hosted for ",     "contractor for ",
    "contractor of ", "vendor for ",  "vendor of ", "customer, ",      "client, ",
    "maintain for ",  "built for ",   "run for ",   "consultant for ", "used by "};
static const char *const asker_after[] = {" de nghi", " kinh de nghi", " tran trong de nghi",
                                          " xin ",    " dang ky",      " co nhu cau",
                                          " can ",    " muon ",        " nho ",
                                          " gui ",    " would like",   " request",
                                          " kindly",  " wishes",       " needs",
                                          " hereby",  " is requesting"};

/* Whether text names unit as the one who asks ("on behalf of the X", "X đề
   nghị"), not as someone else (the Committee whose letter approved it). */
static gboolean
unit_asks(const char *text, const char *unit)
{
	char *f = text_fold(text), *u = text_fold(unit);
	gboolean yes = FALSE;

	for (const char *at = strstr(f, u); at != NULL && !yes; at = strstr(at + 1, u)) {
		gsize pre = (gsize)(at - f) < 16 ? (gsize)(at - f) : 16;
		char *before = g_strndup(at - pre, pre);
		const char *after = at + strlen(u);
		/* "Đơn vị chúng tôi (Sở Tài chính) đăng ký …": the bracket closes */
		while (*after == ')' || *after == '"')
			after++;
		for (gsize i = 0; i < G_N_ELEMENTS(asker_before) && !yes; i++)
			yes = strstr(before, asker_before[i]) != NULL;
		for (gsize i = 0; i < G_N_ELEMENTS(asker_after) && !yes; i++)
			yes = strncmp(after, asker_after[i], strlen(asker_after[i])) == 0;
		g_free(before);
	}
	g_free(f);
	g_free(u);
	return yes;
}

/* Whether unit stands on a line of its own under the writer's name, or
   after the position on it ("Field Engineer, NTT Vietnam Co., Ltd.",
   "Project Leader | LG CNS Vietnam"): the signature says whom the writer
   asks for. */
static gboolean
unit_signs(const char *text, const char *unit)
{
	gsize n = strlen(unit);
	gboolean yes = FALSE;

	for (const char *at = strstr(text, unit); at != NULL && !yes; at = strstr(at + 1, unit)) {
		gsize off = (gsize)(at - text);
		gboolean starts = off > 0 && (text[off - 1] == '\n' ||
		                              (off > 1 && text[off - 1] == ' ' &&
		                               (text[off - 2] == ',' || text[off - 2] == '|')));
		const char *after = at + n;
		yes = starts && (*after == '\n' || *after == '\0' || strncmp(after, " |", 2) == 0);
	}
	return yes;
}

/* Whether o has one of keys. */
static gboolean
has_any(JsonObject *o, const char *const *keys, gsize n)
{
	for (gsize i = 0; i < n; i++)
		if (json_object_has_member(o, keys[i]))
			return TRUE;
	return FALSE;
}

/* Add to a typed form's fields what its covering sentences give; see prose.h. */
void
prose_fill(const char *text, const struct fields_opts *opts, JsonObject *fields)
{
	JsonObject *scratch = json_object_new();
	GList *names = json_object_get_members(fields);
	gboolean timed = has_any(fields, when_keys, G_N_ELEMENTS(when_keys));

	/* the sentences see what the labels gave (a unit found is not looked for) */
	for (GList *l = names; l != NULL; l = l->next)
		if (strcmp(l->data, "_people") != 0)
			json_object_set_member(
			    scratch, l->data,
			    json_node_copy(json_object_get_member(fields, l->data)));
	g_list_free(names);
	prose_read(text, opts, scratch);
	for (gsize i = 0; i < G_N_ELEMENTS(fill_keys); i++) {
		const char *k = fill_keys[i];
		if (json_object_has_member(fields, k) || !json_object_has_member(scratch, k))
			continue;
		/* the day and hours are the request's only where a sentence asks */
		if (k[0] == '_' && (timed || !json_object_has_member(scratch, "_when_asks")))
			continue;
		if (strcmp(k, "requesting_unit") == 0 &&
		    !unit_asks(text, json_object_get_string_member(scratch, k)) &&
		    !unit_signs(text, json_object_get_string_member(scratch, k)))
			continue;
		json_object_set_member(fields, k,
		                       json_node_copy(json_object_get_member(scratch, k)));
	}
	json_object_unref(scratch);
}
