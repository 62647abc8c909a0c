/* report.c - the monthly report's figures and the export's rows; see report.h. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "decide.h"
#include "jsonget.h"
#include "lifecycle.h"

/* The columns of an export (report_columns()), filled from the table
   export_cols in the same order. */
static const char *const columns[] = {
    "number",      "type",           "unit",      "sender",       "subject",      "state",
    "received",    "completed",      "owner",     "due_date",     "contact_name", "contact_phone",
    "website_url", "mailbox_action", "subdomain", "approval_ref", "visit_date",   "category",
    "priority",    "emergency",      "cost",      "reason",       NULL,
};

/* States in which a request is in the logbook as a visit. */
#define VISIT_STATES                                                                               \
	(STATE_BIT(STATE_SCHEDULED) | STATE_BIT(STATE_IN_PROGRESS) | STATE_BIT(STATE_COMPLETED) |  \
	 STATE_BIT(STATE_CLOSED))

/* Compare doubles for qsort. */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of n values (sorted in place). */
double
report_median(double *v, gsize n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The nearest-rank percentile of n values (sorted in place). */
double
report_percentile(double *v, gsize n, int pct)
{
	gsize rank;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	rank = ((gsize)pct * n + 99) / 100; /* ceil(pct n / 100) */
	if (rank < 1)
		rank = 1;
	return v[(rank > n ? n : rank) - 1];
}

/* A stored ISO 8601 instant as unix time, 0 when absent or unreadable. */
static gint64
iso_time(const char *s)
{
	GDateTime *t = s != NULL ? g_date_time_new_from_iso8601(s, NULL) : NULL;
	gint64 v;

	if (t == NULL)
		return 0;
	v = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return v;
}

/* The local day of instant t as "YYYY-MM-DD" (buf of 11). */
static char *
day_iso(gint64 t, char *buf)
{
	GDate d = calendar_day(t);

	return calendar_iso(&d, buf);
}

/* Release a count. */
static void
count_free(gpointer p)
{
	struct report_count *c = p;

	g_free(c->key);
	g_free(c);
}

/* Release a time. */
static void
time_free(gpointer p)
{
	struct report_time *t = p;

	g_free(t->type);
	g_free(t);
}

/* Release an item. */
static void
item_free(gpointer p)
{
	struct report_item *it = p;

	g_free(it->number);
	g_free(it->unit);
	g_free(it->detail);
	g_free(it);
}

/* Most first, then by key. */
static int
count_cmp(gconstpointer a, gconstpointer b)
{
	const struct report_count *x = *(struct report_count *const *)a;
	const struct report_count *y = *(struct report_count *const *)b;

	if (x->n != y->n)
		return y->n - x->n;
	return strcmp(x->key, y->key);
}

/* A hash of key -> count as a sorted array of struct report_count. */
static GPtrArray *
counts_sorted(GHashTable *h)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(count_free);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct report_count *c = g_new0(struct report_count, 1);
		c->key = g_strdup(k);
		c->n = GPOINTER_TO_INT(v);
		g_ptr_array_add(a, c);
	}
	g_ptr_array_sort(a, count_cmp);
	return a;
}

/* Count one more under key. */
static void
count_add(GHashTable *h, const char *key)
{
	if (key == NULL || *key == '\0')
		key = "?";
	g_hash_table_replace(h, g_strdup(key),
	                     GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(h, key)) + 1));
}

/* The unit of a request: its requesting_unit, else its sender. */
static const char *
row_unit(JsonObject *row)
{
	JsonObject *f = json_object_get_object_member(row, "fields");
	const char *u = f != NULL ? jsonget_str(f, "requesting_unit") : NULL;

	return u != NULL ? u : jsonget_str(row, "sender");
}

/* A new list item of a request. */
static struct report_item *
item_new(JsonObject *row, const char *detail, gint64 amount)
{
	struct report_item *it = g_new0(struct report_item, 1);
	const char *number = jsonget_str(row, "id");
	const char *unit = row_unit(row);

	it->number = g_strdup(number != NULL ? number : "");
	it->unit = g_strdup(unit != NULL ? unit : "");
	it->detail = g_strdup(detail != NULL ? detail : "");
	it->amount = amount;
	return it;
}

/* Whether a request was overdue (see report.h). */
static gboolean
row_overdue(JsonObject *row, enum request_state state, gint64 done, gint64 until)
{
	const char *due = jsonget_str(row, "due_date");
	char day[11];

	if (due == NULL || state == STATE_REJECTED || state == STATE_CANCELLED)
		return FALSE;
	if (done != 0 && done < until)
		return strcmp(due, day_iso(done, day)) < 0;
	return strcmp(due, day_iso(until, day)) < 0;
}

/* The reason of a rejection or cancellation: the staff command's text
   without its "#tuchoi" word (the history keeps the line as written). */
static const char *
row_reason(JsonObject *row)
{
	const char *v = jsonget_str(row, "reason");

	if (v != NULL && v[0] == '#') {
		v += strcspn(v, " \t");
		v += strspn(v, " \t");
	}
	return v;
}

/* The number of visitors a server-room request names. */
static gint64
row_visitors(JsonObject *row)
{
	JsonObject *f = json_object_get_object_member(row, "fields");
	JsonNode *n = f != NULL ? json_object_get_member(f, "visitors") : NULL;

	return n != NULL && JSON_NODE_HOLDS_ARRAY(n) ? json_array_get_length(json_node_get_array(n))
	                                             : 0;
}

/* The figures of rows. */
struct report *
report_compute(JsonArray *rows, const char *month, gint64 until, char *const *holidays)
{
	struct report *r = g_new0(struct report, 1);
	GHashTable *types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *units = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *days =
	    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
	guint n = rows != NULL ? json_array_get_length(rows) : 0;

	r->month = g_strdup(month);
	r->times = g_ptr_array_new_with_free_func(time_free);
	r->overdue = g_ptr_array_new_with_free_func(item_free);
	r->rejected = g_ptr_array_new_with_free_func(item_free);
	r->cancelled = g_ptr_array_new_with_free_func(item_free);
	r->emergencies = g_ptr_array_new_with_free_func(item_free);
	r->costs = g_ptr_array_new_with_free_func(item_free);
	r->visits = g_ptr_array_new_with_free_func(item_free);
	for (guint i = 0; i < n; i++) {
		JsonObject *row = json_array_get_object_element(rows, i);
		const char *type = jsonget_str(row, "type");
		const char *state = jsonget_str(row, "state");
		gint64 received = iso_time(jsonget_str(row, "created"));
		gint64 done = iso_time(jsonget_str(row, "completed"));
		gint64 cost = json_object_get_int_member_with_default(row, "cost", 0);

		type = type != NULL ? type : "unknown";
		state = state != NULL ? state : "?";
		enum request_state st = lifecycle_state_parse(state);
		r->total++;
		count_add(types, type);
		count_add(units, row_unit(row));
		count_add(states, state);
		if (done != 0) {
			GArray *a = g_hash_table_lookup(days, type);
			double d = calendar_between(holidays, received, done);
			if (a == NULL) {
				a = g_array_new(FALSE, FALSE, sizeof(double));
				g_hash_table_insert(days, g_strdup(type), a);
			}
			g_array_append_val(a, d);
		}
		if (row_overdue(row, st, done, until))
			g_ptr_array_add(r->overdue, item_new(row, jsonget_str(row, "due_date"), 0));
		if (st == STATE_REJECTED)
			g_ptr_array_add(r->rejected, item_new(row, row_reason(row), 0));
		if (st == STATE_CANCELLED)
			g_ptr_array_add(r->cancelled, item_new(row, row_reason(row), 0));
		if (json_object_get_boolean_member_with_default(row, "emergency", FALSE))
			g_ptr_array_add(r->emergencies, item_new(row, type, 0));
		if (cost > 0) {
			g_ptr_array_add(r->costs, item_new(row, type, cost));
			r->cost_total += cost;
		}
		if (strcmp(type, "server_room") == 0 && (VISIT_STATES & STATE_BIT(st)) != 0) {
			gint64 people = row_visitors(row);
			g_ptr_array_add(r->visits,
			                item_new(row, jsonget_str(row, "scheduled_at"), people));
			r->visitors += (int)people;
		}
	}
	r->by_type = counts_sorted(types);
	r->by_unit = counts_sorted(units);
	r->by_state = counts_sorted(states);
	for (guint i = 0; i < r->by_type->len; i++) {
		const struct report_count *c = g_ptr_array_index(r->by_type, i);
		GArray *a = g_hash_table_lookup(days, c->key);
		struct report_time *t = g_new0(struct report_time, 1);
		t->type = g_strdup(c->key);
		if (a != NULL) {
			t->completed = (int)a->len;
			t->median = report_median((double *)a->data, a->len);
			t->p90 = report_percentile((double *)a->data, a->len, 90);
		}
		g_ptr_array_add(r->times, t);
	}
	g_hash_table_destroy(types);
	g_hash_table_destroy(units);
	g_hash_table_destroy(states);
	g_hash_table_destroy(days);
	return r;
}

/* Release. */
struct report *
report_free(struct report *r)
{
	if (r == NULL)
		return NULL;
	g_free(r->month);
	g_ptr_array_free(r->by_type, TRUE);
	g_ptr_array_free(r->by_unit, TRUE);
	g_ptr_array_free(r->by_state, TRUE);
	g_ptr_array_free(r->times, TRUE);
	g_ptr_array_free(r->overdue, TRUE);
	g_ptr_array_free(r->rejected, TRUE);
	g_ptr_array_free(r->cancelled, TRUE);
	g_ptr_array_free(r->emergencies, TRUE);
	g_ptr_array_free(r->costs, TRUE);
	g_ptr_array_free(r->visits, TRUE);
	g_free(r);
	return NULL;
}

/* Counts as a JSON object {key: n}. */
static JsonObject *
counts_json(const GPtrArray *a)
{
	JsonObject *o = json_object_new();

	for (guint i = 0; i < a->len; i++) {
		const struct report_count *c = g_ptr_array_index(a, i);
		json_object_set_int_member(o, c->key, c->n);
	}
	return o;
}

/* Items as a JSON array. */
static JsonArray *
items_json(const GPtrArray *a)
{
	JsonArray *j = json_array_new();

	for (guint i = 0; i < a->len; i++) {
		const struct report_item *it = g_ptr_array_index(a, i);
		JsonObject *o = json_object_new();
		json_object_set_string_member(o, "id", it->number);
		json_object_set_string_member(o, "unit", it->unit);
		json_object_set_string_member(o, "detail", it->detail);
		json_object_set_int_member(o, "amount", it->amount);
		json_array_add_object_element(j, o);
	}
	return j;
}

/* The figures as JSON. */
JsonObject *
report_to_json(const struct report *r)
{
	JsonObject *o = json_object_new();
	JsonArray *times = json_array_new();

	json_object_set_string_member(o, "month", r->month);
	json_object_set_int_member(o, "total", r->total);
	json_object_set_object_member(o, "by_type", counts_json(r->by_type));
	json_object_set_object_member(o, "by_unit", counts_json(r->by_unit));
	json_object_set_object_member(o, "by_state", counts_json(r->by_state));
	for (guint i = 0; i < r->times->len; i++) {
		const struct report_time *t = g_ptr_array_index(r->times, i);
		JsonObject *e = json_object_new();
		json_object_set_string_member(e, "type", t->type);
		json_object_set_int_member(e, "completed", t->completed);
		json_object_set_double_member(e, "median", t->median);
		json_object_set_double_member(e, "p90", t->p90);
		json_array_add_object_element(times, e);
	}
	json_object_set_array_member(o, "times", times);
	json_object_set_array_member(o, "overdue", items_json(r->overdue));
	json_object_set_array_member(o, "rejected", items_json(r->rejected));
	json_object_set_array_member(o, "cancelled", items_json(r->cancelled));
	json_object_set_array_member(o, "emergencies", items_json(r->emergencies));
	json_object_set_array_member(o, "costs", items_json(r->costs));
	json_object_set_array_member(o, "visits", items_json(r->visits));
	json_object_set_int_member(o, "cost_total", r->cost_total);
	json_object_set_int_member(o, "visitors", r->visitors);
	return o;
}

/* s padded with spaces to width characters (not bytes: Vietnamese). */
static void
append_padded(GString *out, const char *s, int width)
{
	glong len = g_utf8_strlen(s, -1);

	g_string_append(out, s);
	for (glong i = len; i < width; i++)
		g_string_append_c(out, ' ');
}

/* Counts as table rows. */
char *
report_text_counts(const GPtrArray *counts, gboolean types, const char *lang)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < counts->len; i++) {
		const struct report_count *c = g_ptr_array_index(counts, i);
		g_string_append(out, "  ");
		append_padded(out, types ? rules_type_title(c->key, lang) : c->key, 44);
		g_string_append_printf(out, " %5d\n", c->n);
	}
	return g_string_free(out, FALSE);
}

/* Times to completion as table rows. */
char *
report_text_times(const GPtrArray *times, const char *lang)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < times->len; i++) {
		const struct report_time *t = g_ptr_array_index(times, i);
		g_string_append(out, "  ");
		append_padded(out, rules_type_title(t->type, lang), 44);
		g_string_append_printf(out, " %5d %7.1f %7.1f\n", t->completed, t->median, t->p90);
	}
	return g_string_free(out, FALSE);
}

/* A list as table rows. */
char *
report_text_items(const GPtrArray *items)
{
	GString *out = g_string_new(NULL);

	for (guint i = 0; i < items->len; i++) {
		const struct report_item *it = g_ptr_array_index(items, i);
		char *unit = g_strdelimit(g_strdup(it->unit), "\r\n\t", ' ');
		char *detail = g_strdelimit(g_strdup(it->detail), "\r\n\t", ' ');
		g_string_append_printf(out, "  #%s  ", it->number);
		append_padded(out, unit, 30);
		g_string_append_printf(out, " %s", detail);
		if (it->amount > 0)
			g_string_append_printf(out, "  %" G_GINT64_FORMAT, it->amount);
		g_string_append_c(out, '\n');
		g_free(unit);
		g_free(detail);
	}
	return g_string_free(out, FALSE);
}

/* The export's columns. */
const char *const *
report_columns(void)
{
	return columns;
}

/* A stored instant as local "YYYY-MM-DD HH:MM", or "". */
static char *
local_time(const char *iso)
{
	GDateTime *t = iso != NULL ? g_date_time_new_from_iso8601(iso, NULL) : NULL;
	GDateTime *l;
	char *s;

	if (t == NULL)
		return g_strdup("");
	l = g_date_time_to_local(t);
	s = g_date_time_format(l, "%Y-%m-%d %H:%M");
	g_date_time_unref(l);
	g_date_time_unref(t);
	return s;
}

/* A member of o as text: strings as they are, numbers and booleans written out. */
static char *
member_text(JsonObject *o, const char *key)
{
	JsonNode *n = o != NULL ? json_object_get_member(o, key) : NULL;

	if (n == NULL || !JSON_NODE_HOLDS_VALUE(n))
		return g_strdup("");
	switch (json_node_get_value_type(n)) {
	case G_TYPE_STRING:
		return g_strdup(json_node_get_string(n));
	case G_TYPE_BOOLEAN:
		return g_strdup(json_node_get_boolean(n) ? "yes" : "");
	case G_TYPE_INT64:
		return g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(n));
	case G_TYPE_DOUBLE:
		return g_strdup_printf("%g", json_node_get_double(n));
	default:
		return g_strdup("");
	}
}

/* A member of the request's row as text. */
static char *
cell_row(JsonObject *row, const char *key)
{
	return member_text(row, key);
}

/* A member of the request's fields as text. */
static char *
cell_field(JsonObject *row, const char *key)
{
	return member_text(json_object_get_object_member(row, "fields"), key);
}

/* A stored instant of the row as local time. */
static char *
cell_time(JsonObject *row, const char *key)
{
	return local_time(jsonget_str(row, key));
}

/* The unit of the request. */
static char *
cell_unit(JsonObject *row, const char *key)
{
	const char *u = row_unit(row);

	return g_strdup(u != NULL ? u : "");
}

/* The reason of a rejection or cancellation. */
static char *
cell_reason(JsonObject *row, const char *key)
{
	const char *r = row_reason(row);

	return g_strdup(r != NULL ? r : "");
}

/* A cost, empty when none. */
static char *
cell_cost(JsonObject *row, const char *key)
{
	gint64 c = json_object_get_int_member_with_default(row, key, 0);

	return c > 0 ? g_strdup_printf("%" G_GINT64_FORMAT, c) : g_strdup("");
}

/* Where each column's value comes from: one row per column, in order. */
static const struct {
	const char *key; /* the member it reads */
	char *(*get)(JsonObject *row, const char *key);
} export_cols[] = {
    {"id", cell_row},
    {"type", cell_row},
    {"unit", cell_unit},
    {"sender", cell_row},
    {"subject", cell_row},
    {"state", cell_row},
    {"created", cell_time},
    {"completed", cell_time},
    {"owner", cell_row},
    {"due_date", cell_row},
    {"contact_name", cell_field},
    {"contact_phone", cell_field},
    {"website_url", cell_field},
    {"mailbox_action", cell_field},
    {"subdomain", cell_field},
    {"approval_ref", cell_field},
    {"visit_date", cell_field},
    {"category", cell_field},
    {"priority", cell_field},
    {"emergency", cell_row},
    {"cost", cell_cost},
    {"reason", cell_reason},
};
G_STATIC_ASSERT(G_N_ELEMENTS(export_cols) == G_N_ELEMENTS(columns) - 1);

/* One row's cells in the order of columns. */
char **
report_cells(JsonObject *row)
{
	char **cells = g_new0(char *, G_N_ELEMENTS(export_cols) + 1);

	for (gsize i = 0; i < G_N_ELEMENTS(export_cols); i++)
		cells[i] = export_cols[i].get(row, export_cols[i].key);
	return cells;
}

/* A cell made safe for a spreadsheet. */
char *
report_cell_safe(const char *v)
{
	if (v != NULL && v[0] != '\0' && strchr("=+-@\t\r", v[0]) != NULL)
		return g_strconcat("'", v, NULL);
	return g_strdup(v != NULL ? v : "");
}

/* One CSV field, quoted when it must be (RFC 4180). */
static void
csv_field(GString *out, const char *v)
{
	char *safe = report_cell_safe(v);

	if (strpbrk(safe, ",\"\r\n") != NULL) {
		g_string_append_c(out, '"');
		for (const char *p = safe; *p != '\0'; p++) {
			if (*p == '"')
				g_string_append_c(out, '"');
			g_string_append_c(out, *p);
		}
		g_string_append_c(out, '"');
	} else
		g_string_append(out, safe);
	g_free(safe);
}

/* One CSV record of NULL-terminated cells. */
static void
csv_record(GString *out, const char *const *cells)
{
	for (int i = 0; cells[i] != NULL; i++) {
		if (i > 0)
			g_string_append_c(out, ',');
		csv_field(out, cells[i]);
	}
	g_string_append(out, "\r\n");
}

/* The rows as CSV. */
char *
report_csv(JsonArray *rows, gsize *len)
{
	GString *out = g_string_new("\xEF\xBB\xBF");
	guint n = rows != NULL ? json_array_get_length(rows) : 0;

	csv_record(out, columns);
	for (guint i = 0; i < n; i++) {
		char **cells = report_cells(json_array_get_object_element(rows, i));
		csv_record(out, (const char *const *)cells);
		g_strfreev(cells);
	}
	*len = out->len;
	return g_string_free(out, FALSE);
}
