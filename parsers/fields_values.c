/* fields_values.c - values read by their kind: the normalisers and the table of setters; see
 * fields_parts.h. */
#include "fields.h"
#include "fields_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Read a choice value: ticked boxes first, else the words. */
const char *
fields_read_choice(const char *key, const char *value)
{
	GPtrArray *ticked = fields_checked_options(value);
	const char *found = NULL;

	if (ticked == NULL)
		return fields_option_match(key, value, TRUE);
	for (guint i = 0; found == NULL && i < ticked->len; i++)
		found = fields_option_match(key, g_ptr_array_index(ticked, i), FALSE);
	g_ptr_array_free(ticked, TRUE);
	return found;
}

/* Read a yes/no value, from boxes or words; "Có Không" unticked is neither. */
static int
read_bool(const char *value)
{
	GPtrArray *ticked = fields_checked_options(value);
	int v = -1;

	if (ticked == NULL) {
		char *f = fields_label_norm(value);
		gboolean both = text_has_word(f, "co") && text_has_word(f, "khong");
		g_free(f);
		return both ? -1 : norm_bool(value);
	}
	for (guint i = 0; v < 0 && i < ticked->len; i++)
		v = norm_bool(g_ptr_array_index(ticked, i));
	g_ptr_array_free(ticked, TRUE);
	return v;
}

/* An e-mail address from a column that may hold only the local part. */
char *
fields_read_account(const char *value, const char *suffix)
{
	char *e = norm_email(value);
	static GRegex *local;

	if (e != NULL)
		return e;
	if (local == NULL)
		local = g_regex_new("^\\s*([a-z0-9][a-z0-9._\\-]{1,63})\\s*$", G_REGEX_CASELESS, 0,
		                    NULL);
	GMatchInfo *mi = NULL;
	if (g_regex_match(local, value, 0, &mi)) {
		char *l = g_match_info_fetch(mi, 1);
		e = g_ascii_strdown(l, -1);
		g_free(l);
		char *full = g_strdup_printf("%s@%s", e, suffix);
		g_free(e);
		e = full;
	}
	g_match_info_free(mi);
	return e;
}

/* An identity card number (9 or 12 digits), or else a passport number
   ("C1234567"), upper case. */
char *
fields_read_id(const char *value)
{
	static GRegex *passport;
	GMatchInfo *mi = NULL;
	char *id = norm_id_no(value);

	if (id != NULL)
		return id;
	if (passport == NULL)
		/* "C1234567", "K1234567Z", and the mixed passports of other
		   countries ("C01X00T47", "19AB12345"): letters and six digits at
		   least */
		passport =
		    g_regex_new("(?<![\\w])([a-z]{1,2}\\s?\\d{6,8}[a-z]?|"
		                "(?=[a-z\\d]*[a-z])(?=(?:[a-z]*\\d){6})[a-z\\d]{8,10})(?![\\w])",
		                G_REGEX_CASELESS, 0, NULL);
	if (g_regex_match(passport, value, 0, &mi)) {
		char *m = g_match_info_fetch(mi, 1), *up = g_ascii_strup(m, -1);
		GString *t = g_string_new(NULL);
		for (const char *q = up; *q != '\0'; q++)
			if (*q != ' ')
				g_string_append_c(t, *q);
		id = g_string_free(t, FALSE);
		g_free(up);
		g_free(m);
	}
	g_match_info_free(mi);
	return id;
}

/* Courtesy words before a name, lower case; the words without diacritics
   only count in a name typed without them ("Chu" is a family name, "chú"
   an uncle). */
static const char courtesy_words[] = "ông|bà|anh|chị|em|cô|chú|mr|mrs|ms|miss|dr|đ/c";
static const char courtesy_ascii[] = "ong|ba|anh|chi|mr|mrs|ms|miss|dr|d/c";

/* Titles written before a name, folded ("Chánh Văn phòng Lê Văn Sơn"). */
static const char *const name_titles[] = {
    "pho chanh van phong",
    "chanh van phong",
    "pho truong phong",
    "truong phong",
    "pho phong",
    "pho giam doc",
    "giam doc",
    "pho truong ban",
    "truong ban",
    "pho chu tich",
    "chu tich",
    "chuyen vien chinh",
    "chuyen vien",
    "ky thuat vien",
    "ky su",
    "can bo",
    "van thu",
    "ke toan",
    "thu truong",
    "director",
    "deputy director",
    "manager",
    "it manager",
    "engineer",
    "officer",
};

/* The name without the courtesy word or title before it, when a
   capitalised name of two words or more follows ("Anh Tuấn" alone may be
   the name); v is freed or returned. */
static char *
name_strip_prefix(char *v)
{
	char **w = g_strsplit(v, " ", -1);
	int nw = (int)g_strv_length(w), skip = 0;
	gboolean ascii = TRUE;

	for (const char *q = v; *q != '\0'; q++)
		ascii = ascii && (guchar)*q < 0x80;
	if (nw >= 3) {
		char *first = g_utf8_strdown(w[0], -1);
		gsize n = strlen(first);
		if (n > 0 && first[n - 1] == '.')
			first[n - 1] = '\0';
		if (text_list_has(courtesy_words, first) ||
		    (ascii && text_list_has(courtesy_ascii, first)))
			skip = 1;
		g_free(first);
	}
	if (skip == 0) {
		char *f = text_fold(v);
		for (gsize i = 0; i < G_N_ELEMENTS(name_titles) && skip == 0; i++) {
			gsize n = strlen(name_titles[i]);
			if (strncmp(f, name_titles[i], n) == 0 && f[n] == ' ') {
				int words = 1;
				for (const char *q = name_titles[i]; *q != '\0'; q++)
					words += *q == ' ';
				skip = words;
			}
		}
		g_free(f);
	}
	if (skip > 0 && nw - skip >= 2 && g_unichar_isupper(g_utf8_get_char(w[skip]))) {
		char *rest = g_strjoinv(" ", w + skip);
		g_free(v);
		v = rest;
	} else {
		skip = 0;
	}
	g_strfreev(w);
	return skip > 0 ? name_strip_prefix(v) : v;
}

/* A person's name as a careful reader writes it: without the courtesy word
   or title before it ("Ông", "chị", "Mr.", "Chánh Văn phòng") nor a remark
   in brackets after it. */
char *
fields_read_name(const char *value)
{
	char *v = norm_text(value), *paren;

	if (v == NULL)
		return NULL;
	paren = strchr(v, '(');
	if (paren != NULL && paren > v)
		*paren = '\0';
	v = name_strip_prefix(v);
	char *out = norm_text(v);
	g_free(v);
	return out;
}

/* An official letter cited anywhere in the text ("…theo Công văn số
   4242/UBND-KTN ngày…", "CV 4242/UBND-KTN", "letter No. 4242/UBND-KTN"):
   the approval, when no label names one.  Returns whether text cites one. */
gboolean
fields_cite_letter(struct ctx *c, const char *text)
{
	static GRegex *words;
	char *ref, *f, *rf;
	gboolean cited;

	/* a number and a slash, in a sentence of reasonable length */
	if (strchr(text, '/') == NULL || strnlen(text, 2001) > 2000)
		return FALSE;
	ref = norm_letter_ref(text);
	if (ref == NULL)
		return FALSE;
	if (words == NULL)
		words =
		    g_regex_new("\\b(?:cong van|cv|van ban|quyet dinh|qd|official letter|letter|"
		                "approval|approved|chap thuan|phe duyet|dong y|cho phep)\\b",
		                0, 0, NULL);
	f = text_fold(text);
	rf = text_fold(ref);
	cited = strstr(rf, "ubnd") != NULL || g_regex_match(words, f, 0, NULL);
	if (cited)
		fields_put(c->r->fields, "_cited_ref", ref);
	else
		g_free(ref);
	g_free(rf);
	g_free(f);
	return cited;
}

/* Name fields and where the phone and address written beside a name go
   ("Người liên hệ: Nguyễn Văn A (0905 123 456)"). */
static const struct {
	const char *name, *phone, *email;
} name_keys[] = {
    {"contact_name", "contact_phone", "contact_email"},
};

/* The name at the start of a value, before a remark, a number or an
   address ("Nguyễn Văn A - Trưởng phòng, 0905…" gives "Nguyễn Văn A"). */
static char *
name_head(const char *value)
{
	static GRegex *end;
	GMatchInfo *mi = NULL;
	char *head;

	if (end == NULL)
		end = g_regex_new("\\s*(?:[(,;<\\[]|\\s[-–—]\\s|\\d|\\S+@)", 0, 0, NULL);
	if (g_regex_match(end, value, 0, &mi)) {
		int start;
		g_match_info_fetch_pos(mi, 0, &start, NULL);
		head = g_strndup(value, (gsize)start);
	} else {
		head = g_strdup(value);
	}
	g_match_info_free(mi);
	char *name = fields_read_name(head);
	g_free(head);
	return name;
}

/* The options ticked in a value, joined ("☑ Mã nguồn ☐ CSDL" gives "Mã
   nguồn"); NULL when nothing is ticked, *boxes set when it had boxes. */
char *
fields_ticked_text(const char *value, gboolean *boxes)
{
	GPtrArray *ticked = fields_checked_options(value);
	GString *out;

	*boxes = ticked != NULL;
	if (ticked == NULL)
		return NULL;
	out = g_string_new(NULL);
	for (guint i = 0; i < ticked->len; i++) {
		char *t = norm_text(g_ptr_array_index(ticked, i));
		if (t != NULL)
			g_string_append_printf(out, "%s%s", out->len ? ", " : "", t);
		g_free(t);
	}
	g_ptr_array_free(ticked, TRUE);
	return g_string_free(out, out->len == 0);
}

/* Keys of a place or an aim, which end at a word of speech, not with it. */
static const char place_keys[] = "location|purpose";

/* Folded words of speech that close a spoken answer ("… tầng 1 nhé anh",
   "… phòng họp số 2 ạ"), longest first. */
static const char *const particles[] = {
    " nhe anh", " nha anh", " nhe chi", " nha chi", " nhe em", " giup em", " nhe", " nha",
};

/* Drop the words of speech at the end of text, in place. */
static void
drop_particles(char *text)
{
	gboolean again = TRUE;

	while (again) {
		char *f = text_fold(text);
		gsize n = strlen(f);
		again = FALSE;
		while (n > 0 && strchr(".!", f[n - 1]) != NULL)
			f[--n] = '\0';
		for (gsize i = 0; i < G_N_ELEMENTS(particles) && !again; i++) {
			gsize k = strlen(particles[i]);
			if (n > k + 8 && strcmp(f + n - k, particles[i]) == 0) {
				/* the same number of words off the original */
				int words = 0;
				for (const char *p = particles[i]; *p != '\0'; p++)
					words += *p == ' ';
				char *end = text + strlen(text);
				while (words > 0 && end > text) {
					end--;
					if (*end == ' ')
						words--;
				}
				*end = '\0';
				g_strchomp(text);
				again = TRUE;
			}
		}
		g_free(f);
		/* "ạ", never "A" ("Tầng 3, khối A") */
		if (g_str_has_suffix(text, " ạ") || g_str_has_suffix(text, " ạ.")) {
			*strrchr(text, ' ') = '\0';
			again = TRUE;
		}
	}
}

/* Set a free-text field: check boxes give the ticked fields_options, never the
   boxes; a name gives the name, and the number or address beside it go to
   their own fields. */
static void
apply_text(struct ctx *c, int si, const char *value)
{
	const struct slot *s = &fields_slots[si];
	JsonObject *o = c->r->fields;
	gboolean boxes;
	char *ticked = fields_ticked_text(value, &boxes);

	if (boxes) {
		c->box_slot = si;
		if (ticked != NULL && !fields_put(o, s->key, g_strdup(ticked)) &&
		    c->box_key == s->key)
			fields_put_append_sep(o, s->key, ticked, ", ");
		else if (ticked != NULL)
			c->box_key = s->key;
		g_free(ticked);
		return;
	}
	for (gsize i = 0; i < G_N_ELEMENTS(name_keys); i++) {
		if (strcmp(s->key, name_keys[i].name) != 0)
			continue;
		fields_put(o, name_keys[i].phone, norm_phone_best(value));
		fields_put(o, name_keys[i].email, norm_email(value));
		fields_put(o, s->key, name_head(value));
		return;
	}
	char *text = norm_text(value);
	if (text != NULL && text_list_has(place_keys, s->key))
		drop_particles(text);
	if (fields_put(o, s->key, text))
		c->last_key = s->key, c->continued = 0;
}

/* How each kind of label sets its field: one row per kind. */
struct slot_ctx {
	struct ctx *c;
	const struct slot *s;
	int si;
	JsonObject *o;
	int y, m; /* the reference year and month of dates without one */
};

/* Free text. */
static void
set_text(const struct slot_ctx *x, const char *value)
{
	apply_text(x->c, x->si, value);
}

/* A phone: the best of the numbers given. */
static void
set_phone(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_phone_best(value));
}

/* An e-mail address. */
static void
set_email(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_email(value));
}

static void set_visit(const struct slot_ctx *x, const char *value);

/* A date (a visit's day may carry its hours). */
static void
set_date(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_date(value, x->y, x->m));
	/* "Ngày vào: 09/12/2026, từ 14h đến 16h": the day's hours too */
	if (strcmp(x->s->key, "visit_date") == 0)
		set_visit(x, value);
}

/* Folded words that make a "Time:" the time of something else: the letter
   sent, a meeting held, a deadline ("Time: 16:30 (sent after the
   meeting)"). */
static const char *const other_time_words[] = {
    "sent",    "received", "meeting",  "deadline", "da gui",
    "gui luc", "cuoc hop", "buoi hop", "han chot",
};

/* Whether a time's value names another thing than the appointment. */
static gboolean
time_of_other(const char *value)
{
	char *f = text_fold(value);
	gboolean yes = FALSE;

	for (gsize i = 0; i < G_N_ELEMENTS(other_time_words) && !yes; i++) {
		gsize n = strlen(other_time_words[i]);
		for (const char *at = strstr(f, other_time_words[i]); at != NULL && !yes;
		     at = strstr(at + 1, other_time_words[i]))
			yes = (at == f || !g_ascii_isalnum(at[-1])) && !g_ascii_isalnum(at[n]);
	}
	g_free(f);
	return yes;
}

/* A date and time whose meaning the type decides ("_when"), the first given. */
static void
set_when(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	if (json_object_has_member(x->o, "_when_from"))
		return;
	norm_time_range(value, x->y, x->m, &d, &from, &to);
	/* "Date: 12/12/2026" then "Time: 9.00–11.00": the day is the
	   appointment's, not the request's */
	if (!json_object_has_member(x->o, "_when_dt") && d.y == 0 && from.h >= 0 &&
	    x->c->bare_date_at == x->c->line_no - 1 && !time_of_other(value) &&
	    json_object_has_member(x->o, "request_date")) {
		char *day = g_strdup(json_object_get_string_member(x->o, "request_date"));
		json_object_remove_member(x->o, "request_date");
		fields_put(x->o, "_when_date", g_strdup(day));
		fields_put(x->o, "_when_dt", day);
	}
	if (json_object_has_member(x->o, "_when_dt")) {
		/* "Date: 15/12/2026" then "Time: 2:30 pm": the time of that day */
		const char *day = json_object_get_string_member(x->o, "_when_dt");
		if (d.y > 0 || from.h < 0 || day == NULL || strlen(day) != 10)
			return;
		fields_put(x->o, "_when_from", norm_time_str(&from));
		if (to.h >= 0)
			fields_put(x->o, "_when_to", norm_time_str(&to));
		char *dt = g_strdup_printf("%sT%02d:%02d", day, from.h, from.min);
		json_object_set_string_member(x->o, "_when_dt", dt);
		g_free(dt);
		return;
	}
	if (d.y > 0)
		fields_put(x->o, "_when_date", norm_date_iso(&d));
	if (from.h >= 0)
		fields_put(x->o, "_when_from", norm_time_str(&from));
	if (to.h >= 0)
		fields_put(x->o, "_when_to", norm_time_str(&to));
	fields_put(x->o, "_when_dt", norm_datetime(value, x->y, x->m));
}

/* A server-room visit: its date and time range. */
static void
set_visit(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	norm_time_range(value, x->y, x->m, &d, &from, &to);
	if (d.y > 0)
		fields_put(x->o, "visit_date", norm_date_iso(&d));
	if (from.h >= 0)
		fields_put(x->o, "time_from", norm_time_str(&from));
	if (to.h >= 0)
		fields_put(x->o, "time_to", norm_time_str(&to));
}

/* An entry or exit time (an entry's range gives the exit too, a date the day). */
static void
set_time(const struct slot_ctx *x, const char *value)
{
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	norm_time_range(value, x->y, x->m, &d, &from, &to);
	if (from.h >= 0)
		fields_put(x->o, x->s->key, norm_time_str(&from));
	if (to.h >= 0 && x->s->kind == K_TIME_FROM)
		fields_put(x->o, "time_to", norm_time_str(&to));
	if (d.y > 0)
		fields_put(x->o, "visit_date", norm_date_iso(&d));
}

/* A website address. */
static void
set_url(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_url(value));
}

/* An IPv4 address. */
static void
set_ip(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_ipv4(value));
}

/* An official letter's number. */
static void
set_letter(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_letter_ref(value));
}

/* A sub-domain of the configured domain. */
static void
set_subdomain(const struct slot_ctx *x, const char *value)
{
	fields_put(x->o, x->s->key, norm_subdomain(value, x->c->opts->domain_suffix));
}

/* Yes or no, maybe as check boxes; the first answer stays. */
static void
set_bool(const struct slot_ctx *x, const char *value)
{
	int v = read_bool(value);

	if (v >= 0 && !json_object_has_member(x->o, x->s->key))
		json_object_set_boolean_member(x->o, x->s->key, v == 1);
}

/* One of the key's options. */
static void
set_choice(const struct slot_ctx *x, const char *value)
{
	const char *v = fields_read_choice(x->s->key, value);

	if (v != NULL)
		fields_put(x->o, x->s->key, g_strdup(v));
}

/* A credential: noted, never kept. */
static void
set_password(const struct slot_ctx *x, const char *value)
{
	x->c->r->password = TRUE;
}

/* The sub-domain administrator's block, maybe with "name - phone - e-mail". */
static void
set_admin(const struct slot_ctx *x, const char *value)
{
	char *v = norm_text(value);

	x->c->section = S_ADMIN;
	if (v == NULL)
		return;
	/* "Cán bộ quản trị: Nguyễn Văn A - 0905… - a@b" */
	fields_put(x->o, "admin_phone", norm_phone(v));
	fields_put(x->o, "admin_email", norm_email(v));
	char **bits = g_regex_split_simple("\\s+[-–]\\s+|,\\s*|;\\s*", v, 0, 0);
	char *ph = bits[0] != NULL ? norm_phone(bits[0]) : NULL;
	if (bits[0] != NULL && ph == NULL && strchr(bits[0], '@') == NULL)
		fields_put(x->o, "admin_name", fields_read_name(bits[0]));
	g_free(ph);
	g_strfreev(bits);
	g_free(v);
}

/* A list of people starts (its first names may follow the label). */
static void
set_list(const struct slot_ctx *x, const char *value)
{
	x->c->section = S_LIST;
	x->c->ncolumns = 0;
	x->c->list_rows = FALSE;
	fields_list_inline(x->c, value);
}

/* What each kind of label does with its value; NULL: nothing (a known label
   whose value phieu does not keep, or an identity number read elsewhere). */
static void (*const slot_setters[])(const struct slot_ctx *, const char *) = {
    [K_TEXT] = set_text,
    [K_PHONE] = set_phone,
    [K_EMAIL] = set_email,
    [K_DATE] = set_date,
    [K_WHEN] = set_when,
    [K_VISIT] = set_visit,
    [K_TIME_FROM] = set_time,
    [K_TIME_TO] = set_time,
    [K_URL] = set_url,
    [K_IP] = set_ip,
    [K_LETTER] = set_letter,
    [K_SUBDOMAIN] = set_subdomain,
    [K_BOOL] = set_bool,
    [K_CHOICE] = set_choice,
    [K_IGNORE] = NULL,
    [K_PASSWORD] = set_password,
    [K_ADMIN] = set_admin,
    [K_LIST] = set_list,
    [K_ID] = NULL,
};

/* Set the field for one top-level label. */
void
fields_apply_slot(struct ctx *c, int si, const char *value)
{
	const struct slot *s = &fields_slots[si];
	struct slot_ctx x = {c, s, si, c->r->fields, c->opts->ref_year, c->opts->ref_month};

	c->last_key = NULL;
	if ((gsize)s->kind < G_N_ELEMENTS(slot_setters) && slot_setters[s->kind] != NULL)
		slot_setters[s->kind](&x, value);
}

/* In the administrator block, person labels name admin_* fields. */
gboolean
fields_apply_admin(struct ctx *c, int col, const char *value)
{
	JsonObject *o = c->r->fields;
	const char *key = fields_columns[col].key;

	if (strcmp(key, "full_name") == 0)
		return fields_put(o, "admin_name", fields_read_name(value)) || TRUE;
	if (strcmp(key, "phone") == 0)
		return fields_put(o, "admin_phone", norm_phone_best(value)) || TRUE;
	if (strcmp(key, "address") == 0)
		return fields_put(o, "admin_email", norm_email(value)) || TRUE;
	return FALSE;
}
