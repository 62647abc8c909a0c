/* attach.c - the body and the attachments of a message, merged; see attach.h. */
#include "attach.h"

#include <string.h>

#include "forward.h"
#include "jsonget.h"
#include "office.h"
#include "pdf.h"
#include "sheet.h"
#include "text.h"

enum kind { K_NONE, K_DOCX, K_ODT, K_XLSX, K_CSV, K_PDF, K_IMAGE, K_LEGACY, K_MESSAGE };

/* What a part is, by content type, then by file name, then by its first bytes. */
static const struct kind_row {
	enum kind kind;
	const char *types;      /* '|' between, lower case */
	const char *extensions; /* '|' between, with the dot */
	const char *legacy_why; /* K_LEGACY: what a person is told */
} kinds[] = {
    {K_DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     ".docx|.docm|.dotx", NULL},
    {K_ODT, "application/vnd.oasis.opendocument.text", ".odt|.ott", NULL},
    {K_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx|.xlsm",
     NULL},
    {K_CSV, "text/csv|text/comma-separated-values|application/csv|text/x-csv", ".csv", NULL},
    {K_PDF, "application/pdf|application/x-pdf|application/acrobat", ".pdf", NULL},
    {K_IMAGE, "image/png|image/jpeg|image/jpg|image/pjpeg|image/tiff|image/tif|image/gif|image/bmp",
     ".png|.jpg|.jpeg|.jpe|.tif|.tiff|.gif|.bmp", NULL},
    {K_LEGACY, "application/msword", ".doc|.dot",
     "a Word 97-2003 document (.doc): phieu cannot read it; a person must"},
    {K_LEGACY, "application/vnd.ms-excel", ".xls",
     "an Excel 97-2003 workbook (.xls): phieu cannot read it; a person must"},
    {K_MESSAGE, "message/rfc822", ".eml", NULL},
};

/* Where each source stands when fields disagree: lower first. */
static const struct {
	const char *source;
	int rank;
} ranks[] = {
    {"docx", 1}, {"odt", 1},       {"pdf_text", 1}, {"xlsx", 1},
    {"csv", 1},  {"forwarded", 2}, {"body", 3},     {"ocr", 4},
};

/* The rank of a source. */
static int
source_rank(const char *source)
{
	for (gsize i = 0; i < G_N_ELEMENTS(ranks); i++)
		if (strcmp(ranks[i].source, source) == 0)
			return ranks[i].rank;
	return 9;
}

/* The kind of a part by its first bytes. */
static enum kind
kind_by_magic(const guint8 *d, gsize n)
{
	if (n >= 5 && memcmp(d, "%PDF-", 5) == 0)
		return K_PDF;
	if ((n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) ||
	    (n >= 3 && memcmp(d, "\xff\xd8\xff", 3) == 0) ||
	    (n >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)))
		return K_IMAGE;
	if (n >= 8 && memcmp(d, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8) == 0)
		return K_LEGACY;
	return K_NONE;
}

/* The kind of a part, and its row. */
static enum kind
part_kind(const struct msg_part *p, const struct kind_row **row)
{
	char *ext = NULL;
	gsize n;
	const guint8 *d = p->data != NULL ? g_bytes_get_data(p->data, &n) : NULL;
	enum kind magic = d != NULL ? kind_by_magic(d, n) : K_NONE;

	*row = NULL;
	if (p->filename != NULL) {
		const char *dot = strrchr(p->filename, '.');
		ext = dot != NULL ? g_ascii_strdown(dot, -1) : NULL;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++)
		if (text_list_has(kinds[i].types, p->content_type) ||
		    (ext != NULL && text_list_has(kinds[i].extensions, ext))) {
			*row = &kinds[i];
			break;
		}
	g_free(ext);
	/* the bytes win over a wrong label: a scan sent as .pdf, a .doc that is a PDF */
	if (magic != K_NONE && (*row == NULL || (*row)->kind != magic)) {
		for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++)
			if (kinds[i].kind == magic) {
				*row = &kinds[i];
				break;
			}
	}
	return *row != NULL ? (*row)->kind : K_NONE;
}

/* Whether any part needs a document reader. */
gboolean
attach_has_documents(const struct message *m)
{
	const struct kind_row *row;

	for (guint i = 0; i < m->parts->len; i++)
		if (part_kind(g_ptr_array_index(m->parts, i), &row) != K_NONE)
			return TRUE;
	return FALSE;
}

/* One text read from the message: the body, a document, a scan, a
   forwarder's note. */
struct source_text {
	const char *source;
	int rank;         /* source_rank(), or NOTE_RANK */
	int msg_depth;    /* 0: the message itself, 1: a message attached to it… */
	gboolean note;    /* a forwarder's note above a forward: fills gaps only */
	gboolean history; /* an earlier message quoted in a reply: fills gaps only */
	struct fields_result *fx;
	char *document; /* a document's or scan's text (for search), or NULL */
};

/* A forwarder's note comes after every other text. */
#define NOTE_RANK 10
/* A reply's quoted history comes after the texts of the message itself. */
#define HISTORY_RANK 9
/* A covering mail written as sentences comes after the form it covers. */
#define COVER_RANK 5

/* Keys a forwarder's note never gives: who wrote it and when, and what it
   says, are the forwarder's, not the request's. */
static const char *const note_withheld[] = {
    "requesting_unit", "contact_name", "contact_phone", "contact_email",
    "request_date",    "description",  "_said",
};

/* The state of one reading. */
struct read_ctx {
	struct reading *rd;
	GPtrArray *texts;  /* struct source_text* */
	int sender_depth;  /* how deep the forward rd->forwarded_from came from, 0 none */
	int unnamed_depth; /* how deep the deepest forward without a sender address, 0 none */
};

/* Keep the sender (and the Message-ID and subject, when known) of a
   forwarded message found depth levels down when it is the deepest so far:
   the innermost sender is the requester.  A sender without an address is
   only counted: no contact address comes from above it. */
static void
keep_sender(struct read_ctx *x, const char *addr, int depth, const char *id, const char *subject)
{
	if (addr == NULL)
		x->unnamed_depth = MAX(x->unnamed_depth, depth);
	if (addr == NULL || depth <= x->sender_depth)
		return;
	g_free(x->rd->forwarded_from);
	g_free(x->rd->forwarded_id);
	g_free(x->rd->forwarded_subject);
	x->rd->forwarded_from = g_ascii_strdown(addr, -1);
	x->rd->forwarded_id = g_strdup(id);
	x->rd->forwarded_subject = g_strdup(subject);
	x->sender_depth = depth;
}

/* Read the fields of a text from one source and keep them. */
static struct source_text *
add_text(GPtrArray *texts, const char *source, const char *text, const GArray *line_conf,
         const struct message *m, const struct attach_opts *o, int depth)
{
	struct fields_opts fo;
	struct source_text *st = g_new0(struct source_text, 1);

	fields_opts_init(&fo, m->date_year, m->date_month, o->domain);
	fo.prose = strcmp(source, "body") == 0 || strcmp(source, "forwarded") == 0;
	if (strcmp(source, "ocr") == 0) {
		fo.ocr = TRUE;
		fo.line_conf = line_conf;
		fo.doubt_below = o->doubt_below;
	}
	st->source = source;
	st->rank = source_rank(source);
	st->msg_depth = depth;
	st->fx = fields_extract(text, &fo);
	if (strcmp(source, "body") != 0 && strcmp(source, "forwarded") != 0)
		st->document = g_strdup(text);
	g_ptr_array_add(texts, st);
	return st;
}

/* A report for a part. */
static struct part_report *
report_new(GPtrArray *parts, const struct msg_part *p)
{
	struct part_report *r = g_new0(struct part_report, 1);

	r->filename = g_strdup(p->filename);
	r->content_type = g_strdup(p->content_type);
	r->size = p->data != NULL ? g_bytes_get_size(p->data) : 0;
	g_ptr_array_add(parts, r);
	return r;
}

/* Record a reader's outcome in the report. */
static void
report_doc(struct part_report *r, const struct doc_text *d)
{
	r->reader = d->source;
	r->status = d->status;
	if (d->cause != NULL)
		r->cause = g_strdup(d->cause);
}

/* OCR the pages of a PDF that had no text. */
static void
read_pdf_images(struct reading *rd, GPtrArray *texts, struct part_report *r, const guint8 *data,
                gsize len, const GArray *pages, const struct message *m,
                const struct attach_opts *o, int depth)
{
	char *cause = NULL;
	GPtrArray *images = pdf_render(data, len, &o->limits, pages, &cause);
	struct doc_text d = {0};

	if (images == NULL) {
		r->status = strstr(cause, "limit") != NULL ? DOC_REFUSED : DOC_BROKEN;
		r->cause = cause;
		rd->needs_person = TRUE;
		return;
	}
	ocr_pages(images, &o->limits, &o->ocr, &d);
	g_ptr_array_free(images, TRUE);
	report_doc(r, &d);
	if (d.status == DOC_OK) {
		add_text(texts, "ocr", d.text, d.line_conf, m, o, depth);
		r->fields = (int)json_object_get_size(
		    ((struct source_text *)g_ptr_array_index(texts, texts->len - 1))->fx->fields);
	} else {
		rd->needs_person = TRUE;
	}
	doc_text_clear(&d);
}

/* Whether a text gave more labelled fields than another (for sorting). */
static gint
by_labels(gconstpointer a, gconstpointer b)
{
	const struct source_text *x = *(struct source_text *const *)a;
	const struct source_text *y = *(struct source_text *const *)b;

	return y->fx->labels - x->fx->labels;
}

/* Keys that only one request type has: a text holding some of one row's
   keys and none of another's is about that row's type. */
static const char *const type_keys[] = {
    "website_url",
    "mailbox_action|accounts|change_detail",
    "subdomain|approval_ref|target_ip|admin_name",
    "visit_date|visitors|equipment",
    "category|location|priority",
};

/* The kind of list each row of type_keys has ("_list_of" of fields.h). */
static const char *const type_lists[G_N_ELEMENTS(type_keys)] = {NULL, "accounts", NULL, "visitors",
                                                                NULL};

/* The row of type_keys a text's fields point to, or -1 (none, or several). */
static int
text_type(const struct source_text *st)
{
	int found = -1;
	JsonObject *o = st->fx->fields;
	const char *list_of = json_object_has_member(o, "_list_of")
	                          ? json_object_get_string_member(o, "_list_of")
	                          : "";

	for (gsize t = 0; t < G_N_ELEMENTS(type_keys); t++) {
		char **keys = g_strsplit(type_keys[t], "|", -1);
		gboolean has = type_lists[t] != NULL && strcmp(type_lists[t], list_of) == 0;
		for (int k = 0; keys[k] != NULL && !has; k++)
			has = json_object_has_member(st->fx->fields, keys[k]);
		g_strfreev(keys);
		if (has && found >= 0)
			return -1;
		if (has)
			found = (int)t;
	}
	return found;
}

/* Read a text that may be a reply: its own lines, then the earlier messages
   it quotes, the one with the most labelled fields (the request) first.  A
   reply that is a whole form again (three labelled lines or more) is read
   alone: what it left out of the old form it left out on purpose.  A quoted
   message about another type of request (a new request sent as a reply in
   an old thread) is not read.  Returns the own text. */
static struct source_text *
add_history(GPtrArray *texts, const char *source, const char *text, const struct message *m,
            const struct attach_opts *o, int depth)
{
	char *own_text = NULL;
	GPtrArray *history = forward_history(text, &own_text);
	struct source_text *own = add_text(texts, source, own_text, NULL, m, o, depth);
	GPtrArray *old = g_ptr_array_new();

	for (guint i = 0; own->fx->labels < 3 && i < history->len; i++) {
		struct source_text *st =
		    add_text(old, source, g_ptr_array_index(history, i), NULL, m, o, depth);
		st->history = TRUE;
		st->rank = HISTORY_RANK;
		int t = text_type(st), mine = text_type(own);
		if (t >= 0 && mine >= 0 && t != mine) {
			g_ptr_array_remove_index(old, old->len - 1);
			fields_result_free(st->fx);
			g_free(st->document);
			g_free(st);
		}
	}
	g_ptr_array_sort(old, by_labels);
	for (guint i = 0; i < old->len; i++)
		g_ptr_array_add(texts, g_ptr_array_index(old, i));
	g_ptr_array_free(old, TRUE);
	g_ptr_array_free(history, TRUE);
	g_free(own_text);
	return own;
}

static void read_message(struct read_ctx *x, const struct message *m, const struct attach_opts *o,
                         int depth, int fwd);

/* Read one part by its kind (fwd: how deep in forwards the message is). */
static void
read_part(struct read_ctx *x, const struct message *m, const struct msg_part *p,
          const struct attach_opts *o, int depth, int fwd)
{
	struct reading *rd = x->rd;
	GPtrArray *texts = x->texts;
	const struct kind_row *row;
	enum kind kind = part_kind(p, &row);
	struct part_report *r;
	struct doc_text d = {0};
	gsize len = 0;
	const guint8 *data = p->data != NULL ? g_bytes_get_data(p->data, &len) : NULL;

	if (kind == K_NONE)
		return; /* a signature, a calendar invitation…: not a form */
	r = report_new(rd->parts, p);
	if (o->documents_refused != NULL && kind != K_MESSAGE) {
		/* the quick pass: documents wait for the document lane */
		r->status = DOC_REFUSED;
		r->cause = g_strdup(o->documents_refused);
		rd->needs_person = TRUE;
		return;
	}
	if (len > o->limits.max_part && kind != K_MESSAGE) {
		r->status = DOC_REFUSED;
		r->cause =
		    g_strdup_printf("%zu bytes, over the limit of %zu", len, o->limits.max_part);
		rd->needs_person = TRUE;
		return;
	}
	switch (kind) {
	case K_DOCX:
		office_docx(data, len, &o->limits, &d);
		break;
	case K_ODT:
		office_odt(data, len, &o->limits, &d);
		break;
	case K_XLSX:
		sheet_xlsx(data, len, &o->limits, &d);
		break;
	case K_CSV:
		sheet_csv(data, len, &o->limits, &d);
		break;
	case K_PDF:
		pdf_text(data, len, &o->limits, &d);
		break;
	case K_IMAGE:
		/* logos and signature pictures are not forms */
		if (len < 12 * 1024) {
			r->cause = g_strdup("small image, not read as a form");
			r->status = DOC_EMPTY;
			return;
		}
		if (!o->ocr_enabled) {
			r->status = DOC_UNSUPPORTED;
			r->cause = g_strdup("OCR is turned off");
			rd->needs_person = TRUE;
			return;
		}
		ocr_image(data, len, &o->limits, &o->ocr, &d);
		break;
	case K_LEGACY:
		r->status = DOC_UNSUPPORTED;
		r->cause = g_strdup(row->legacy_why);
		rd->needs_person = TRUE;
		return;
	case K_MESSAGE: {
		/* a forward: the attached message is the unit's own request */
		struct message *inner = message_parse((const char *)data, len);
		r->reader = "message";
		keep_sender(x, inner->from_addr, fwd + 1, inner->message_id, inner->subject);
		if (depth < 3)
			read_message(x, inner, o, depth + 1, fwd + 1);
		message_free(inner);
		return;
	}
	default:
		return;
	}
	report_doc(r, &d);
	if (d.status == DOC_OK) {
		add_text(texts, d.source, d.text, d.line_conf, m, o, depth);
		r->fields = (int)json_object_get_size(
		    ((struct source_text *)g_ptr_array_index(texts, texts->len - 1))->fx->fields);
	}
	if (kind == K_PDF && d.image_pages != NULL && d.image_pages->len > 0 && o->ocr_enabled)
		read_pdf_images(rd, texts, r, data, len, d.image_pages, m, o, depth);
	else if (d.status != DOC_OK && d.status != DOC_EMPTY)
		rd->needs_person = TRUE;
	doc_text_clear(&d);
}

/* The fields a text gave, "_" keys aside. */
static guint
fields_found(const struct source_text *st)
{
	GList *keys = json_object_get_members(st->fx->fields);
	guint n = 0;

	for (GList *k = keys; k != NULL; k = k->next)
		n += ((const char *)k->data)[0] != '_';
	g_list_free(keys);
	return n;
}

/* Read the body and the parts of a message (or of an attached one).  The
   body is cut into levels at the forwards typed into it (forward.h): every
   level but the innermost is a forwarder's note.  The body is a note too
   when the message forwards an attached message (the subject says so, or
   the attached message gives more fields than the body); a message
   attached inside that one counts as well (forwarded as an attachment
   twice). */
static void
read_message(struct read_ctx *x, const struct message *m, const struct attach_opts *o, int depth,
             int fwd)
{
	struct fields_opts fo;
	struct attach_opts local = *o;
	struct source_text *own = NULL;
	guint attached = 0;

	fields_opts_init(&fo, m->date_year, m->date_month, o->domain);
	GPtrArray *levels = forward_split(m->text, m->subject, &fo);
	for (guint i = 0; i < levels->len; i++) {
		struct forward_level *l = g_ptr_array_index(levels, i);
		const char *src = depth == 0 ? "body" : "forwarded";
		/* the request's own text first; its quoted history fills gaps */
		own = i + 1 == levels->len ? add_history(x->texts, src, l->text, m, o, depth)
		                           : add_text(x->texts, src, l->text, NULL, m, o, depth);
		if (i + 1 < levels->len) {
			own->note = TRUE;
			own->rank = NOTE_RANK;
		}
		if (i > 0)
			keep_sender(x, l->from_addr, fwd + (int)i, NULL, l->subject);
	}
	int inline_levels = (int)levels->len - 1;
	forward_levels_free(levels);
	/* a scan's e-mail addresses are repaired towards the requester's */
	if (x->rd->forwarded_from != NULL)
		local.ocr.sender = x->rd->forwarded_from;
	guint before = x->texts->len;
	for (guint i = 0; i < m->parts->len; i++)
		read_part(x, m, g_ptr_array_index(m->parts, i), &local, depth, fwd + inline_levels);
	for (guint i = before; i < x->texts->len; i++) {
		struct source_text *st = g_ptr_array_index(x->texts, i);
		if (st->msg_depth > depth && !st->note)
			attached = MAX(attached, fields_found(st) + 1);
	}
	if (attached > 0 && !own->note &&
	    (forward_subject_kind(m->subject) == FWD_SUBJECT_FORWARD ||
	     fields_found(own) + 1 < attached)) {
		own->note = TRUE;
		own->rank = NOTE_RANK;
	}
}

/* A value as text for comparing two sources. */
static char *
node_text(JsonNode *n)
{
	if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING)
		return g_utf8_casefold(json_node_get_string(n), -1);
	return json_to_string(n, FALSE);
}

/* Add key to a list of strings once. */
static void
add_once(GPtrArray *list, const char *key)
{
	if (!g_ptr_array_find_with_equal_func(list, key, g_str_equal, NULL))
		g_ptr_array_add(list, g_strdup(key));
}

/* The number of people in a source's list. */
static guint
people_of(struct fields_result *fx)
{
	return json_object_has_member(fx->fields, "_people")
	           ? json_array_get_length(json_object_get_array_member(fx->fields, "_people"))
	           : 0;
}

/* Order texts by rank, keeping their order within a rank. */
static gint
by_rank(gconstpointer a, gconstpointer b)
{
	const struct source_text *x = *(struct source_text *const *)a;
	const struct source_text *y = *(struct source_text *const *)b;

	return x->rank - y->rank;
}

/* Whether a forwarder's note may give key (quoted history gives any). */
static gboolean
note_may_give(const struct source_text *st, const char *key)
{
	if (st->history)
		return TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS(note_withheld); i++)
		if (strcmp(note_withheld[i], key) == 0)
			return FALSE;
	return TRUE;
}

/* The keys of the request's day and hours: one answer gives them together. */
static const char *const when_group[] = {
    "visit_date", "time_from", "time_to",  "desired_time", "_when_date",
    "_when_from", "_when_to",  "_when_dt", "_visit",
};

/* Whether key is one of the day and hours. */
static gboolean
when_key(const char *key)
{
	for (gsize i = 0; i < G_N_ELEMENTS(when_group); i++)
		if (strcmp(key, when_group[i]) == 0)
			return TRUE;
	return FALSE;
}

/* Fill the gaps from a forwarder's note (never its contact) or from a
   reply's quoted history: never a conflict; its list of people only when no
   other text has one. */
static void
merge_note(struct reading *rd, const struct source_text *st, gboolean no_people)
{
	GList *members = json_object_get_members(st->fx->fields);
	/* "đổi lịch sang ngày 22/12, 14h00–16h00" above the quoted request
	   replaces its old day and hours, none of which may come back */
	gboolean timed = FALSE;

	for (gsize i = 0; i < G_N_ELEMENTS(when_group); i++)
		timed = timed || json_object_has_member(rd->fx->fields, when_group[i]);
	for (GList *l = members; l != NULL; l = l->next) {
		const char *key = l->data;
		if (!note_may_give(st, key) || json_object_has_member(rd->fx->fields, key) ||
		    (st->history && timed && when_key(key)) ||
		    (strcmp(key, "_people") == 0 && !no_people))
			continue;
		json_object_set_member(rd->fx->fields, key,
		                       json_node_copy(json_object_get_member(st->fx->fields, key)));
		json_object_set_string_member(rd->sources, key, st->source);
		if (g_ptr_array_find_with_equal_func(st->fx->doubtful, key, g_str_equal, NULL))
			add_once(rd->fx->doubtful, key);
	}
	g_list_free(members);
}

/* Merge the fields of every text into the reading. */
static void
merge(struct reading *rd, GPtrArray *texts)
{
	struct fields_result *out = rd->fx;
	const char *only = NULL;
	gboolean mixed = FALSE;
	struct source_text *people = NULL;

	g_ptr_array_sort(texts, by_rank);
	for (guint t = 0; t < texts->len; t++) {
		struct source_text *st = g_ptr_array_index(texts, t);
		GList *members = json_object_get_members(st->fx->fields);

		if (out->form_code == NULL && st->fx->form_code != NULL)
			out->form_code = g_strdup(st->fx->form_code);
		out->password = out->password || st->fx->password;
		if (st->note || st->history) {
			merge_note(rd, st, people == NULL);
			g_list_free(members);
			continue;
		}
		out->labels += st->fx->labels;
		/* the longest list of people from the best-ranked sources */
		if (people_of(st->fx) > 0 &&
		    (people == NULL ||
		     (people_of(st->fx) > people_of(people->fx) &&
		      (source_rank(st->source) < 4 || source_rank(people->source) == 4))))
			people = st;
		for (GList *l = members; l != NULL; l = l->next) {
			const char *key = l->data;
			JsonNode *v = json_object_get_member(st->fx->fields, key);
			if (strcmp(key, "_people") == 0)
				continue;
			if (!json_object_has_member(out->fields, key)) {
				json_object_set_member(out->fields, key, json_node_copy(v));
				json_object_set_string_member(rd->sources, key, st->source);
				if (g_ptr_array_find_with_equal_func(st->fx->doubtful, key,
				                                     g_str_equal, NULL))
					add_once(out->doubtful, key);
				continue;
			}
			char *a = node_text(json_object_get_member(out->fields, key)),
			     *b = node_text(v);
			if (strcmp(a, b) != 0 && key[0] != '_') {
				const char *from = json_object_get_string_member(rd->sources, key);
				if (strcmp(from, st->source) != 0) {
					char *had = json_to_string(
					    json_object_get_member(out->fields, key), FALSE);
					char *other = json_to_string(v, FALSE);
					g_ptr_array_add(rd->conflicts,
					                g_strdup_printf("%s: %s %s / %s %s", key,
					                                from, had, st->source,
					                                other));
					add_once(out->doubtful, key);
					g_free(had);
					g_free(other);
				}
			}
			g_free(a);
			g_free(b);
		}
		g_list_free(members);
	}
	if (people != NULL) {
		json_object_set_member(
		    out->fields, "_people",
		    json_node_copy(json_object_get_member(people->fx->fields, "_people")));
		json_object_set_string_member(rd->sources, "_people", people->source);
		if (g_ptr_array_find_with_equal_func(people->fx->doubtful, "_people", g_str_equal,
		                                     NULL))
			add_once(out->doubtful, "_people");
	}
	/* one source for everything, or "mixed": a forwarded message's text is
	   mail text like the body; the sentence of a request written as prose
	   ("_said") is a hint, no field read */
	GList *keys = json_object_get_members(rd->sources);
	for (GList *l = keys; l != NULL; l = l->next) {
		const char *s = json_object_get_string_member(rd->sources, l->data);
		if (strcmp(l->data, "_said") == 0)
			continue;
		if (strcmp(s, "forwarded") == 0)
			s = "body";
		if (only == NULL)
			only = s;
		else if (strcmp(only, s) != 0)
			mixed = TRUE;
	}
	g_list_free(keys);
	rd->source = mixed ? "mixed" : only != NULL ? only : "body";
}

/* A mail written as sentences ("… gửi phiếu đính kèm") beside a document
   or scan that gives the form's fields covers that form: it only fills the
   form's gaps. */
static void
demote_covers(GPtrArray *texts)
{
	guint form = 0;

	for (guint i = 0; i < texts->len; i++) {
		struct source_text *st = g_ptr_array_index(texts, i);
		if (!st->note && !st->history && strcmp(st->source, "body") != 0 &&
		    strcmp(st->source, "forwarded") != 0)
			form = MAX(form, fields_found(st));
	}
	for (guint i = 0; form >= 3 && i < texts->len; i++) {
		struct source_text *st = g_ptr_array_index(texts, i);
		if (st->fx->prose && !st->note) {
			/* its sentence speaks of the form, it is no description */
			json_object_remove_member(st->fx->fields, "_said");
			st->history = TRUE;
			st->rank = COVER_RANK;
		}
	}
}

/* The default options. */
void
attach_opts_default(struct attach_opts *o)
{
	memset(o, 0, sizeof *o);
	doc_limits_default(&o->limits);
	o->ocr.languages = "vie+eng";
	o->ocr.domain = "danang.gov.vn";
	o->ocr_enabled = TRUE;
	o->doubt_below = 70;
	o->domain = "danang.gov.vn";
}

/* Read a message; see attach.h. */
struct reading *
attach_read(const struct message *m, const struct attach_opts *o)
{
	struct reading *rd = reading_new();
	GPtrArray *texts = g_ptr_array_new();
	struct attach_opts local = *o;
	struct read_ctx x = {rd, texts, 0, 0};

	local.ocr.sender = m->from_addr;
	read_message(&x, m, &local, 0, 0);
	rd->forwarded_unnamed = x.unnamed_depth > x.sender_depth;
	demote_covers(texts);
	merge(rd, texts);
	GString *docs = g_string_new(NULL);
	for (guint i = 0; i < texts->len; i++) {
		struct source_text *st = g_ptr_array_index(texts, i);
		if (st->document != NULL && docs->len < READING_DOCUMENT_TEXT_MAX) {
			g_string_append_len(docs, st->document,
			                    (gssize)MIN(strlen(st->document),
			                                READING_DOCUMENT_TEXT_MAX - docs->len));
			g_string_append_c(docs, '\n');
		}
		fields_result_free(st->fx);
		g_free(st->document);
		g_free(st);
	}
	/* cut on a character's boundary */
	const char *end = NULL;
	if (!g_utf8_validate(docs->str, (gssize)docs->len, &end))
		g_string_truncate(docs, (gsize)(end - docs->str));
	rd->document_text = docs->len > 0 ? g_string_free(docs, FALSE) : NULL;
	if (rd->document_text == NULL)
		g_string_free(docs, TRUE);
	g_ptr_array_free(texts, TRUE);
	return rd;
}
