/* prose_fields.c - what a sentence says: people, actions, names, dates, purposes, support; see
 * prose_parts.h. */
#include "prose.h"
#include "prose_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Categories of support, their words in a sentence about a problem, most
   specific first. */
static const struct {
	const char *value, *words;
} categories[] = {
    {"network", "mang|internet|wifi|wi-fi|ket noi mang|mat ket noi|lan|duong truyen|network|"
                "connection|connectivity"},
    {"email", "hop thu|email|e-mail|thu dien tu|mail|emails|e-mails|mails|outlook|webmail|"
              "mailbox"},
    {"website", "website|trang thong tin|cong thong tin|web"},
    {"software", "phan mem|ung dung|software|application"},
    {"server", "may chu|server"},
    {"other", "may in|may tinh|may chieu|printer|computer|projector|camera|dien thoai|"
              "printers|scanner|photocopier|phone|phones|ip phone|ip phones|telephone"},
};

/* Mailbox actions by their verbs, the most specific first. */
static const struct {
	const char *value, *words;
} actions[] = {
    {"change", "cap lai mat khau|doi mat khau|dat lai mat khau|reset mat khau|khoi phuc mat khau|"
               "doi ten|thay doi|reset|change|rename"},
    {"cancel",
     "huy|huy bo|xoa|thu hoi|khoa|dong hop thu|dong tai khoan|ngung|cancel|delete|"
     "remove|close|deactivate|disable|cancellation|deactivation|removal|closure|deletion"},
    {"create", "tao|tao moi|cap|cap moi|mo|dang ky|them|create|open|set up|new|add"},
};

/* An identity number as read after its word: a card's digits, or a
   passport's letters and digits ("m12345678" gives "M12345678", "19ab12345"
   "19AB12345"). */
static char *
id_of(const char *raw)
{
	char *id = norm_id_no(raw);

	if (id == NULL && strpbrk(raw, "abcdefghijklmnopqrstuvwxyz") != NULL)
		id = g_ascii_strup(raw, -1);
	return id;
}

/* What the words after a person's name give, up to the next person:
   identity number, phone, e-mail, position, department. */
static JsonObject *
person_read(const struct sent *s, const char *name, gsize fb, gsize fe, gboolean id_before)
{
	JsonObject *p = json_object_new();
	char *seg = g_strndup(s->f + fb, fe - fb);
	int b, e;
	gsize lead = strspn(seg, " ");
	char *close = seg[lead] == '(' ? strchr(seg + lead, ')') : NULL;

	json_object_set_string_member(p, "full_name", name);
	/* "CCCD của anh Trương Quốc Việt: 048092001122" */
	if ((id_before && prose_find(P_ID_BARE, seg, 0, strlen(seg), 1, &b, &e)) ||
	    prose_find(P_ID, seg, 0, strlen(seg), 1, &b, &e)) {
		char *id = g_strndup(seg + b, (gsize)(e - b));
		prose_put(p, "id_no", id_of(id));
		g_free(id);
		memset(seg + b, ' ', (gsize)(e - b));
	}
	prose_put(p, "phone", norm_phone_best(seg));
	prose_put(p, "address", norm_email(seg));
	/* "ông A (a@danang.gov.vn), chuyên viên …": the remark read, the
	   position follows it */
	if (close != NULL)
		memset(seg + lead, ' ', (gsize)(close + 1 - (seg + lead)));
	if (prose_find(P_POSITION, seg, 0, strlen(seg), 1, &b, &e)) {
		prose_put(p, "position",
		          prose_capital(prose_o_of_f(s, fb + (gsize)b, fb + (gsize)e)));
		gsize after = (gsize)e;
		if (prose_find(P_DEPARTMENT, seg, after, strlen(seg), 1, &b, &e))
			prose_put(p, "department",
			          prose_capital(prose_o_of_f(s, fb + (gsize)b, fb + (gsize)e)));
	}
	g_free(seg);
	return p;
}

/* How an address just before a person's name is that person's. */
enum owns {
	OWNS_OF,       /* "hộp thư thuyhtt@… của bà Thủy", "the mailbox a@b.vn of Mr A" */
	OWNS_BRACKETS, /* "a@danang.gov.vn (bà A, …)": named in brackets after it */
};

/* Whether before ends with an address that the person named next owns, in
   the way how says; the address goes into p when it has none. */
static gboolean
address_before(JsonObject *p, const char *before, enum owns how)
{
	static const char *const patterns[] = {
	    [OWNS_OF] = "(\\S+@\\S+)\\s+(?:cua|cho|thuoc|of|for|belonging to)\\s*$",
	    [OWNS_BRACKETS] = "(\\S+@[^\\s(]+)\\s*\\(\\s*(?:\\pL+\\s+)?$",
	};
	static GRegex *re[G_N_ELEMENTS(patterns)];
	GMatchInfo *mi = NULL;

	if (re[how] == NULL)
		re[how] = g_regex_new(patterns[how], 0, 0, NULL);
	gboolean yes = g_regex_match(re[how], before, 0, &mi);
	if (yes && !json_object_has_member(p, "address")) {
		char *a = g_match_info_fetch(mi, 1);
		prose_put(p, "address", norm_email(a));
		g_free(a);
	}
	g_match_info_free(mi);
	return yes;
}

/* A person found in a sentence. */
struct person {
	char *name;
	gsize nb, ne, end; /* folded offsets: name start and end, segment end */
	gboolean self;     /* "em là …", "I am …": the writer, so the contact */
	gboolean contact;  /* "liên hệ là …", "contact person is …" */
};

/* The people named in a sentence after a courtesy word (at most 20). */
static GArray *
people_in(const struct sent *s)
{
	GArray *out = g_array_new(FALSE, TRUE, sizeof(struct person));
	GMatchInfo *mi = NULL;

	for (g_regex_match(prose_name_re, s->o, 0, &mi); g_match_info_matches(mi) && out->len < 20;
	     g_match_info_next(mi, NULL)) {
		int b, e, nb, ne, cb, ce;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		g_match_info_fetch_pos(mi, 1, &cb, &ce);
		g_match_info_fetch_pos(mi, 2, &nb, &ne);
		char *name = g_strndup(s->o + nb, (gsize)(ne - nb));
		/* "ông Trần Văn Nam CCCD …": a word in capitals ends the name */
		char **w = g_strsplit(name, " ", -1);
		int keep = 0;
		for (int i = 0; w[i] != NULL; i++) {
			char *up = g_utf8_strup(w[i], -1);
			gboolean caps = g_utf8_strlen(w[i], -1) >= 2 && strcmp(up, w[i]) == 0;
			g_free(up);
			if (caps && i > 0)
				break;
			keep = i + 1;
		}
		if (keep >= 2) {
			struct person p = {0};
			char *cut = w[keep];
			w[keep] = NULL;
			p.name = g_strjoinv(" ", w);
			w[keep] = cut;
			p.nb = prose_f_of_o(s, (gsize)b);
			p.ne = prose_f_of_o(s, (gsize)nb + strlen(p.name));
			char *cf = text_fold(s->o + cb);
			p.contact = strncmp(cf, "lien he", 7) == 0 ||
			            strncmp(cf, "contact", 7) == 0 ||
			            strncmp(cf, "dau moi", 7) == 0;
			p.self = strncmp(cf, "em ", 3) == 0 || strncmp(cf, "toi ", 4) == 0 ||
			         strncmp(cf, "minh ", 5) == 0 || strncmp(cf, "i'm", 3) == 0 ||
			         strncmp(cf, "i am", 4) == 0 || strncmp(cf, "my name", 7) == 0;
			g_free(cf);
			g_array_append_val(out, p);
		}
		g_strfreev(w);
		g_free(name);
	}
	g_match_info_free(mi);
	for (guint i = 0; i < out->len; i++) {
		struct person *p = &g_array_index(out, struct person, i);
		p->end =
		    i + 1 < out->len ? g_array_index(out, struct person, i + 1).nb : strlen(s->f);
	}
	return out;
}

/* The people of a sentence, each by the sentence's role. */
void
prose_read_people(struct prose *x, const struct sent *s)
{
	GArray *people = people_in(s);
	int cb = -1, ce = -1;
	gboolean contact = prose_find(P_CONTACT, s->f, 0, strlen(s->f), 0, &cb, &ce);
	gboolean admin = prose_has(P_ADMIN, s->f), list = prose_has(P_LIST, s->f);
	gsize n = strlen(s->f);

	/* "… cho các cán bộ sau:" then one line per person */
	if (x->list_open && (s->f[0] == '-' || s->f[0] == '+' || g_ascii_isdigit(s->f[0]) ||
	                     g_str_has_prefix(s->o, "•") || people->len > 0))
		list = TRUE;
	else
		x->list_open = FALSE;
	if (n > 0 && s->f[n - 1] == ':' && (list || prose_has(P_REQUEST, s->f)))
		x->list_open = TRUE;

	for (guint i = 0; i < people->len; i++) {
		struct person *pp = &g_array_index(people, struct person, i);
		gsize from = i > 0 ? g_array_index(people, struct person, i - 1).end : 0;
		char *before = g_strndup(s->f + from, pp->nb - from);
		JsonObject *p =
		    person_read(s, pp->name, pp->ne, pp->end, prose_has(P_ID_WORD, before));
		address_before(p, before, OWNS_OF);
		if (pp->self && x->self == NULL)
			x->self = json_object_ref(p);
		if (x->people != NULL && !pp->self && !pp->contact && !contact &&
		    (prose_has(P_MAILBOX, s->f) || text_has_word(s->f, "tai khoan") ||
		     text_has_word(s->f, "account")) &&
		    address_before(p, before, OWNS_BRACKETS)) {
			/* "tài khoản cần hủy: a@… (bà A, chuyên viên)": the account's owner */
			prose_put(x->fields, "_list_of", g_strdup("accounts"));
			json_array_add_object_element(x->people, p);
		} else if (pp->self || pp->contact) {
			prose_put(x->fields, "contact_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				prose_put(x->fields, "contact_phone",
				          g_strdup(json_object_get_string_member(p, "phone")));
			/* the writer's own mailbox, when the sentence is about one */
			if (x->people != NULL && list && json_object_has_member(p, "address")) {
				JsonObject *a = json_object_new();
				json_object_set_string_member(
				    a, "address", json_object_get_string_member(p, "address"));
				json_array_add_object_element(x->people, a);
			}
			json_object_unref(p);
		} else if (admin) {
			prose_put(x->fields, "admin_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				prose_put(x->fields, "admin_phone",
				          g_strdup(json_object_get_string_member(p, "phone")));
			if (json_object_has_member(p, "address"))
				prose_put(x->fields, "admin_email",
				          g_strdup(json_object_get_string_member(p, "address")));
			json_object_unref(p);
		} else if (!json_object_has_member(p, "id_no") && contact && (gsize)cb <= pp->nb) {
			prose_put(x->fields, "contact_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				prose_put(x->fields, "contact_phone",
				          g_strdup(json_object_get_string_member(p, "phone")));
			if (json_object_has_member(p, "address"))
				prose_put(x->fields, "contact_email",
				          g_strdup(json_object_get_string_member(p, "address")));
			json_object_unref(p);
			contact = FALSE;
		} else if (x->people != NULL && (list || json_object_has_member(p, "id_no"))) {
			/* whose list: accounts in a sentence about mailboxes, else
			   visitors to the server room (or with identity numbers) */
			prose_put(x->fields, "_list_of",
			          g_strdup(prose_has(P_MAILBOX, s->f) ? "accounts"
			                   : prose_has(P_VISIT, s->f) ||
			                           json_object_has_member(p, "id_no")
			                       ? "visitors"
			                       : NULL));
			json_array_add_object_element(x->people, p);
		} else {
			if (x->other_name == NULL) {
				x->other_name = g_strdup(pp->name);
				if (json_object_has_member(p, "phone"))
					x->other_phone =
					    g_strdup(json_object_get_string_member(p, "phone"));
				if (json_object_has_member(p, "address"))
					x->other_email =
					    g_strdup(json_object_get_string_member(p, "address"));
			}
			json_object_unref(p);
		}
		g_free(before);
	}
	for (guint i = 0; i < people->len; i++)
		g_free(g_array_index(people, struct person, i).name);
	g_array_free(people, TRUE);
}

/* "my mailbox minhhl@danang.gov.vn", "the e-mail account a@danang.gov.vn":
   an address of the city's mail system right after a mailbox word is an
   account of the request, when no person's words gave it. */
static void
mailbox_addresses(struct prose *x, const struct sent *s)
{
	const char *suffix = x->opts->domain_suffix;
	GMatchInfo *mi = NULL;

	if (x->people == NULL || suffix == NULL)
		return;
	char *dom = g_regex_escape_string(suffix, -1);
	char *pat = g_strdup_printf("\\b(?:mailbox|mailboxes|email account|e-mail account|"
	                            "email address|account|hop thu|tai khoan(?: email)?|"
	                            "dia chi(?: email)?)\\s+(?:is\\s+|la\\s+|:\\s*)?"
	                            "([a-z0-9._-]+@%s)\\b",
	                            dom);
	GRegex *re = g_regex_new(pat, 0, 0, NULL);

	for (g_regex_match(re, s->f, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		char *a = g_match_info_fetch(mi, 1);
		gboolean known = FALSE;
		for (guint i = 0; i < json_array_get_length(x->people) && !known; i++) {
			JsonObject *p = json_array_get_object_element(x->people, i);
			known = json_object_has_member(p, "address") &&
			        strcmp(json_object_get_string_member(p, "address"), a) == 0;
		}
		if (!known) {
			JsonObject *p = json_object_new();
			json_object_set_string_member(p, "address", a);
			json_array_add_object_element(x->people, p);
		}
		g_free(a);
	}
	g_match_info_free(mi);
	g_regex_unref(re);
	g_free(pat);
	g_free(dom);
}

/* The mailbox action of a sentence about a mailbox. */
void
prose_read_action(struct prose *x, const struct sent *s)
{
	gboolean here = prose_has(P_MAILBOX, s->f);

	if (here)
		mailbox_addresses(x, s);

	if (json_object_has_member(x->fields, "mailbox_action") ||
	    !(here || (x->mailbox && prose_has(P_REQUEST, s->f)))) {
		x->mailbox = x->mailbox || here;
		return;
	}
	x->mailbox = TRUE;
	for (gsize i = 0; i < G_N_ELEMENTS(actions); i++) {
		char **w = g_strsplit(actions[i].words, "|", -1);
		gboolean yes = FALSE;
		for (int k = 0; w[k] != NULL && !yes; k++)
			yes = text_has_word(s->f, w[k]);
		g_strfreev(w);
		if (yes) {
			prose_put(x->fields, "mailbox_action", g_strdup(actions[i].value));
			return;
		}
	}
}

/* The sub-domain, website and IP address a sentence names; the purpose
   of a sub-domain after it ("… for our document system"). */
void
prose_read_names(struct prose *x, const struct sent *s)
{
	GMatchInfo *mi = NULL;
	const char *suffix = x->opts->domain_suffix;
	gboolean sub_word = prose_has(P_SUBDOMAIN_WORD, s->f);
	char *sub = NULL;
	int b = 0, e = 0;

	for (g_regex_match(prose_res[P_HOST], s->f, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		char *host = g_match_info_fetch(mi, 1);
		if (sub_word && suffix != NULL && g_str_has_suffix(host, suffix) &&
		    strlen(host) > strlen(suffix) && sub == NULL) {
			sub = norm_subdomain(host, suffix);
			g_match_info_fetch_pos(mi, 1, &b, &e);
		}
		g_free(host);
	}
	g_match_info_free(mi);
	if (sub != NULL && !json_object_has_member(x->fields, "subdomain")) {
		int pb, pe;
		prose_put(x->fields, "subdomain", g_strdup(sub));
		if (prose_find(P_FOR_AFTER_HOST, s->f, (gsize)e, strlen(s->f), 0, &pb, &pe)) {
			int qb, qe;
			prose_find(P_PURPOSE_END, s->f, (gsize)pe, strlen(s->f), 0, &qb, &qe);
			char *what = g_strndup(s->f + pe, (gsize)(qb - pe));
			/* "… for the Hai Chau District People's Committee": the unit */
			if (!prose_is_unit(what) &&
			    !(strncmp(what, "the ", 4) == 0 && prose_is_unit(what + 4)))
				prose_put(x->fields, "purpose",
				          prose_o_of_f(s, (gsize)pe, (gsize)qb));
			g_free(what);
		}
	}
	if (prose_has(P_WEBSITE_WORD, s->f) && !json_object_has_member(x->fields, "website_url")) {
		char *url = NULL;
		if (g_regex_match(prose_res[P_URL], s->f, 0, &mi)) {
			g_match_info_fetch_pos(mi, 0, &b, &e);
			char *o = prose_o_of_f(s, (gsize)b, (gsize)e);
			url = norm_url(o);
			g_free(o);
		}
		g_match_info_free(mi);
		mi = NULL;
		if (url == NULL && !sub_word && g_regex_match(prose_res[P_HOST], s->f, 0, &mi)) {
			char *host = g_match_info_fetch(mi, 1);
			url = norm_url(host);
			g_free(host);
		}
		g_match_info_free(mi);
		if (url != NULL && (sub == NULL || strstr(url, sub) == NULL))
			prose_put(x->fields, "website_url", url);
		else
			g_free(url);
	}
	g_free(sub);
	prose_put(x->fields, "target_ip", norm_ipv4(s->f));
}

/* The date and times of the request, from the first sentence giving one
   (a reason clause, a cited letter, phone and identity numbers aside, and
   a sentence about another event: a meeting, a deadline, an earlier
   request, a version). "_when_asks" says the sentence asks for it. */
void
prose_read_when(struct prose *x, const struct sent *s)
{
	int y = x->opts->ref_year, m = x->opts->ref_month, b, e;
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	if (x->when_done || prose_has(P_LETTER, s->f) || prose_has(P_LETTER_DATE, s->f))
		return;
	char *f = g_strdup(s->f);
	/* "Theo kết luận cuộc họp ngày 01/12, Sở … đăng ký … ngày 22/12": the
	   clause about another event says nothing of this request's day */
	if (prose_has(P_OTHER_EVENT, f)) {
		char **clauses = g_strsplit_set(f, ",;", -1);
		gsize at = 0;
		for (int k = 0; clauses[k] != NULL; k++) {
			gsize n = strlen(clauses[k]);
			if (prose_has(P_OTHER_EVENT, clauses[k]))
				memset(f + at, ' ', n);
			at += n + 1;
		}
		g_strfreev(clauses);
	}
	if (prose_find(P_REASON, f, 0, strlen(f), 0, &b, &e))
		f[b] = '\0';
	prose_blank_all(P_PHONE_RUN, f);
	prose_blank_all(P_LONG_NUMBER, f);
	norm_time_range(f, y, m, &d, &from, &to);
	if (d.y == 0 && from.h < 0) {
		g_free(f);
		return;
	}
	x->when_done = TRUE;
	if (prose_has(P_REQUEST, s->f))
		json_object_set_boolean_member(x->fields, "_when_asks", TRUE);
	if (d.y > 0)
		prose_put(x->fields, "_when_date", norm_date_iso(&d));
	if (from.h >= 0)
		prose_put(x->fields, "_when_from", norm_time_str(&from));
	if (to.h >= 0)
		prose_put(x->fields, "_when_to", norm_time_str(&to));
	prose_put(x->fields, "_when_dt", norm_datetime(f, y, m));
	g_free(f);
}

/* The purpose after "để", "nhằm", "in order to", "to <verb>". */
void
prose_read_purpose(struct prose *x, const struct sent *s)
{
	int b, e, qb, qe;

	if (json_object_has_member(x->fields, "purpose") ||
	    !prose_find(P_PURPOSE, s->f, 0, strlen(s->f), 0, &b, &e))
		return;
	prose_find(P_PURPOSE_END, s->f, (gsize)e, strlen(s->f), 0, &qb, &qe);
	prose_put(x->fields, "purpose", prose_o_of_f(s, (gsize)e, (gsize)qb));
}

/* The place of support ("tại tầng 3, tòa nhà …") and its category. */
void
prose_read_support(struct prose *x, const struct sent *s, gboolean problem)
{
	int b, e, qb, qe;

	if (prose_find(P_LOCATION, s->f, 0, strlen(s->f), 0, &b, &e) ||
	    (prose_has(P_PROBLEM, s->f) &&
	     prose_find(P_LOCATION_IS, s->f, 0, strlen(s->f), 0, &b, &e))) {
		gsize end = strlen(s->f);
		/* "… khối B ạ.": the polite word ends no place */
		if (end > 3 && g_str_has_suffix(s->f, " a."))
			end -= 3;
		else if (end > 2 && g_str_has_suffix(s->f, " a"))
			end -= 2;
		/* "và" before a capital goes on with a name ("tòa nhà Sở Giáo dục
		   và Đào tạo"); before other words it ends the place */
		gsize from = (gsize)e;
		while (prose_find(P_LOCATION_END, s->f, from, end, 0, &qb, &qe)) {
			gboolean and = qe - qb == 4 && strncmp(s->f + qb, " va ", 4) == 0;
			const char *next = g_utf8_offset_to_pointer(s->o, qe);
			if (and&&g_unichar_isupper(g_utf8_get_char(next))) {
				from = (gsize)qe;
				continue;
			}
			end = (gsize)qb;
			break;
		}
		/* "tầng 7, 24 Trần Phú của Sở X": a numbered address is whole
		   before its owner ("phòng Tiếp dân của UBND …" needs it) */
		const char *of = g_strstr_len(s->f + e, (gssize)(end - (gsize)e), " cua ");
		if (of != NULL) {
			char *before = g_strndup(s->f + e, (gsize)(of - (s->f + e)));
			if (strpbrk(before, "0123456789") != NULL)
				end = (gsize)(of - s->f);
			g_free(before);
		}
		char *v = prose_o_of_f(s, (gsize)e, end);
		gsize n = v != NULL ? strlen(v) : 0;
		while (n > 0 && (v[n - 1] == '.' || v[n - 1] == ','))
			v[--n] = '\0';
		prose_put(x->fields, "location", v);
	}
	if (prose_has(P_URGENT, s->f) && (problem || prose_has(P_REQUEST, s->f)))
		prose_put(x->fields, "priority", g_strdup("urgent"));
	if (!problem || json_object_has_member(x->fields, "category") ||
	    !prose_has(P_PROBLEM, s->f))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(categories); i++) {
		char **w = g_strsplit(categories[i].words, "|", -1);
		gboolean yes = FALSE;
		for (int k = 0; w[k] != NULL && !yes; k++)
			yes = text_has_word(s->f, w[k]);
		g_strfreev(w);
		if (yes) {
			prose_put(x->fields, "category", g_strdup(categories[i].value));
			return;
		}
	}
}

/* "Em quên mật khẩu hòm thư dtngan@danang.gov.vn, nhờ anh chị cấp lại":
   a sentence about a mailbox with an action and an address, naming nobody,
   after the writer said who they are ("Em là Đỗ Thị Ngân, chuyên viên …"):
   the account is the writer's own. */
void
prose_read_own_mailbox(struct prose *x, const struct sent *s)
{
	if (x->self == NULL || x->people == NULL || !prose_has(P_MAILBOX, s->f) ||
	    !json_object_has_member(x->fields, "mailbox_action"))
		return;
	GArray *people = people_in(s);
	guint named = people->len;
	for (guint i = 0; i < people->len; i++)
		g_free(g_array_index(people, struct person, i).name);
	g_array_free(people, TRUE);
	char *address = named == 0 ? norm_email(s->f) : NULL;
	for (guint i = 0; address != NULL && i < json_array_get_length(x->people); i++) {
		JsonObject *p = json_array_get_object_element(x->people, i);
		if (json_object_has_member(p, "address") &&
		    strcmp(json_object_get_string_member(p, "address"), address) == 0)
			g_clear_pointer(&address, g_free);
	}
	if (address == NULL)
		return;
	JsonObject *a = json_object_new();
	static const char *const keys[] = {"full_name", "position", "department"};
	for (gsize k = 0; k < G_N_ELEMENTS(keys); k++)
		if (json_object_has_member(x->self, keys[k]))
			json_object_set_string_member(
			    a, keys[k], json_object_get_string_member(x->self, keys[k]));
	json_object_set_string_member(a, "address", address);
	g_free(address);
	json_array_add_object_element(x->people, a);
}

/* A phone or e-mail written outside any person's words: the contact's
   when nobody else gives one. */
void
prose_read_loose(struct prose *x, const struct sent *s)
{
	GArray *people = people_in(s);
	char *f = g_strdup(s->f);

	for (guint i = 0; i < people->len; i++) {
		struct person *p = &g_array_index(people, struct person, i);
		memset(f + p->nb, ' ', p->end - p->nb);
		g_free(p->name);
	}
	g_array_free(people, TRUE);
	prose_blank_all(P_ID, f);
	prose_put(x->fields, "_prose_phone", norm_phone_best(f));
	if (prose_has(P_CONTACT, f))
		prose_put(x->fields, "_prose_email", norm_email(f));
	g_free(f);
}
