/* prose.c - the fields of a request written as sentences; see prose.h. */
#include "prose.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

/* Signature lines read after the closing words. */
#define PROSE_MAX_SIGNATURE 6

/* One sentence: as written, and folded (one character for one, so that
   character offsets line up between the two). */
struct sent {
	char *o, *f;
};

/* What a sentence's people are, decided by its words. */
enum role { R_OTHER, R_CONTACT, R_ADMIN, R_LIST };

/* Patterns over folded text, compiled once: each is one row. */
enum pat {
	P_GREETING,
	P_CLOSING,
	P_REQUEST,
	P_SUBJECT_VERB,
	P_ON_BEHALF,
	P_OF_UNIT,
	P_CONTACT,
	P_ADMIN,
	P_LIST,
	P_MAILBOX,
	P_SUBDOMAIN_WORD,
	P_WEBSITE_WORD,
	P_HOST,
	P_URL,
	P_ID,
	P_PHONE_RUN,
	P_LONG_NUMBER,
	P_REASON,
	P_LETTER,
	P_PURPOSE,
	P_FOR_AFTER_HOST,
	P_LOCATION,
	P_LOCATION_END,
	P_PROBLEM,
	P_POSITION,
	P_DEPARTMENT,
	P_PURPOSE_END,
	P_ID_WORD,
	P_ID_BARE,
	P_UNIT_END,
	P_URGENT,
	P_QUESTION,
	P_COUNT
};

static const char *const patterns[P_COUNT] = {
    [P_GREETING] = "^(?:kinh gui|kinh thua|gui|dear|chao|xin chao|hello|hi|good (?:morning|"
                   "afternoon)|to whom|attn)\\b",
    [P_CLOSING] = "^(?:tran trong|xin cam on|xin chan thanh cam on|cam on|kinh thu|thanks|"
                  "thank you|many thanks|best regards|kind regards|warm regards|regards|"
                  "sincerely|yours sincerely|yours faithfully|best|than ai|chuc)\\b",
    [P_REQUEST] = "\\b(?:de nghi|xin|nho|please|would like|request|requests|requesting|kindly|"
                  "dang ky|we need|need|can ho tro|mong)\\b",
    [P_SUBJECT_VERB] =
        "\\s(?:kinh de nghi|tran trong de nghi|de nghi|xin|dang ky|co nhu cau|gui|cu|"
        "can|nho|muon|hien dang bi|hien bi|dang bi|bi|would like|wishes|"
        "kindly requests|hereby requests|requests|is requesting|needs|asks)\\b",
    [P_ON_BEHALF] = "\\b(?:on behalf of|we are from|we are with|i am writing from|"
                    "we are writing from|thay mat cho|thay mat|dai dien cho)\\s+(?:the\\s+)?"
                    "([^,.;:()]{3,120}?)\\s*(?:,|\\.|;|\\(|$|\\s(?:and|please|we|i|xin|de "
                    "nghi|kinh de nghi|would)\\b)",
    [P_OF_UNIT] = "(?<=\\s)(?:cua|thuoc|belongs to|belonging to|tru so|for)\\s+",
    [P_CONTACT] = "\\b(?:lien he|lien lac|contact|dau moi|reach|phu trach)\\b",
    [P_ADMIN] = "\\b(?:quan tri|administrator|admin|webmaster|technical contact)\\b",
    [P_LIST] = "\\b(?:hop thu|tai khoan email|tai khoan thu|thu cong vu|email cong vu|mailbox|"
               "mailboxes|email account|e-mail account|vao phong|phong may chu|phong he thong|"
               "server room|visit|visitors|access|vao ra|the following)\\b",
    [P_MAILBOX] = "\\b(?:hop thu|tai khoan email|tai khoan thu|thu cong vu|email cong vu|"
                  "dia chi thu|mailbox|mailboxes|email account|e-mail account|mail account|"
                  "email accounts)\\b",
    [P_SUBDOMAIN_WORD] = "\\b(?:ten mien|sub-domain|subdomain|sub domain|domain)\\b",
    [P_WEBSITE_WORD] = "\\b(?:website|trang thong tin|cong thong tin|trang web|web site|site|"
                       "portal|url)\\b",
    [P_HOST] = "(?<![@\\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,6}[a-z]{2,6})"
               "(?![\\w@-])",
    [P_URL] = "https?://[^\\s<>\"'()]{3,300}",
    [P_ID] = "\\b(?:cccd|cmnd|can cuoc(?: cong dan)?|so dinh danh|dinh danh|id card|id|"
             "passport|ho chieu)(?:\\s*(?:no\\.?|number|so))?\\s*[:.#]?\\s*([a-z]?\\d{6,13})\\b",
    [P_PHONE_RUN] = "(?<![\\d/])(?:\\+?84|0)[ .-]?\\d{2,3}[ .-]?\\d{3}[ .-]?\\d{3,4}(?![\\d/])",
    [P_LONG_NUMBER] = "(?<![\\d/])\\d{9,13}(?![\\d/])",
    [P_REASON] = "\\s(?:do|vi|because|since|ly do|who|which|whose|retired|nghi huu|nghi viec|"
                 "chuyen cong tac|da nghi)\\s",
    [P_LETTER] = "\\d+/[a-z]",
    [P_PURPOSE] = "\\b(?:de(?! nghi| xuat| cap)|nham|voi muc dich|muc dich|phuc vu cho|phuc vu|"
                  "in order to|so as to|for the purpose of|to(?=\\s(?:install|replace|check|"
                  "inspect|maintain|upgrade|repair|configure|deploy|migrate|move|add|remove|"
                  "perform|carry out|service|fix|set up|host|run|update|test|collect|"
                  "deliver|relocate|connect)\\b))\\s+",
    [P_FOR_AFTER_HOST] = "\\s(?:for|de|nham|phuc vu cho|phuc vu)\\s+",
    [P_LOCATION] = "\\b(?:(?:tai|o|at|located at|located in)\\s+(?=(?:tang|phong|toa nha|toa|"
                   "nha|khu|so|tru so|building|floor|room|block|level|office)\\b)|(?:on|in|at)\\s+"
                   "(?:the\\s+)?(?=(?:\\d+(?:st|nd|rd|th)\\s+floor|room|floor|building|"
                   "meeting room)\\b)|(?:dia diem|vi tri|location|place)\\s*(?:la|is|:)\\s+)",
    [P_LOCATION_END] = "\\s(?:de|va|nhung|lien he|from|to|and|since|tu (?:ngay|sang|chieu|hom)|"
                       "khong|bi|da (?:bi|khong|duoc)|dang|hien|"
                       "can|nho|is|has|cannot|can't|se)\\s|,\\s*(?:so dien "
                       "thoai|dien thoai|sdt|lien he|contact|phone)\\b",
    [P_PROBLEM] = "\\b(?:ho tro ky thuat|su co|bi loi|loi|bi hong|hu hong|mat ket noi|"
                  "mat mang|khong truy cap|khong vao duoc|khong ket noi|khong hoat dong|"
                  "khong in duoc|khong gui duoc|khong nhan duoc|cham|technical support|"
                  "tech support|it support|not working|cannot|can't|down|error|failure|"
                  "broken|outage|no internet|no network|no connection|khong co mang|"
                  "not responding|khong on dinh|unstable|slow|khong nhan)\\b",
    [P_POSITION] = "^\\s*[,-]\\s*((?:pho |deputy )?(?:chuyen vien chinh|chuyen vien|"
                   "truong phong|pho phong|can bo|nhan vien|ke toan|van thu|giam doc|"
                   "chanh van phong|thanh tra vien|ky thuat vien|ky su|specialist|officer|"
                   "staff|manager|head|director|engineer|accountant|secretary|clerk))\\b",
    [P_DEPARTMENT] = "^\\s*(?:,\\s*)?(?:(?:of|cua|thuoc)\\s+)?(?:the\\s+)?((?:phong|ban|bo phan|"
                     "van phong|to|khoa|division|department|section|office|unit)\\b[^,;()]"
                     "{1,80}?)\\s*(?:,|;|\\(|$)",
    [P_PURPOSE_END] = "\\s*(?::|;|\\(|\\.\\s|\\.$|$|,\\s*(?:theo|can cu|according to|as approved|"
                      "per|approved)\\b)",
    [P_ID_WORD] = "\\b(?:cccd|cmnd|can cuoc|so dinh danh|dinh danh|id|passport|ho chieu)\\b",
    /* where a unit's name ends: folded words that are never syllables of a
       name alone ("tai" is "Tài" in "Sở Tài chính") come in pairs */
    [P_UNIT_END] = "\\s(?:khong (?:gui|vao|truy|ket|in|hoat|nhan|duoc|the|co)|bi (?:loi|mat|hong|"
                   "treo|chap)|da (?:bi|khong|duoc|gui|co)|dang bi|hien dang|hien bi|de nghi|"
                   "kinh de nghi|xin (?:cap|dang|gui|de|phep)|can (?:ho tro|duoc)|nho (?:trung "
                   "tam|anh|chi)|tu (?:ngay|sang|chieu|hom)|vao (?:ngay|luc|phong)|tai (?:tang|"
                   "phong|toa|so)|trong (?:ngay|thang|tuan)|ngay \\d|luc \\d|for|from|on|is|has|"
                   "would|will|se (?:co|den))\\b|[,.;:()]|\\s(?:khong|bi|da|dang|hien|van)$",
    [P_URGENT] = "\\b(?:khan cap|rat gap|gap|hoa toc|urgent|urgently|asap|as soon as possible)\\b",
    [P_QUESTION] = "\\b(?:cho (?:em |toi |minh )?hoi|xin hoi|"
                   "thu tuc (?:nhu the nao|ra sao|the nao|gom|can|gi)|lam the nao|nhu the nao|"
                   "bao lau|khi nao|co duoc khong|how do|how can i|how to|what is|what are|"
                   "is it possible)\\b",
    [P_ID_BARE] = "^\\s*[:=-]?\\s*([a-z]?\\d{6,13})\\b",
};

static GRegex *res[P_COUNT];
static GRegex *name_re, *split_re;

/* Folded beginnings of a unit's name, and English words that end one. */
static const char unit_heads[] =
    "so|ban|ubnd|uy ban|van phong|phong|trung tam|cong ty|quan|huyen|phuong|xa|benh vien|"
    "truong|chi cuc|cuc|thanh tra|dai|bao|hoi|tong cong ty|ngan hang|vien|kho bac|cong an|"
    "bo chi huy|hdnd|hoi dong|thanh uy|quan uy|huyen uy|dang uy|lien doan|tap doan|"
    "chi nhanh|khu|department|office|committee|centre|center|company|university|hospital|"
    "board|agency|authority|bank|vnpt|viettel|fpt|cmc|mobifone|the";
static const char unit_tails[] =
    "committee|centre|center|department|agency|company|university|hospital|board|office|"
    "authority|bank|corporation|jsc|ltd|co|institute|school|college|police|treasury";

/* Categories of support, their words in a sentence about a problem, most
   specific first. */
static const struct {
	const char *value, *words;
} categories[] = {
    {"network", "mang|internet|wifi|wi-fi|ket noi mang|mat ket noi|lan|duong truyen|network|"
                "connection|connectivity"},
    {"email", "hop thu|email|e-mail|thu dien tu|mail"},
    {"website", "website|trang thong tin|cong thong tin|web"},
    {"software", "phan mem|ung dung|software|application"},
    {"server", "may chu|server"},
    {"other", "may in|may tinh|may chieu|printer|computer|projector|camera|dien thoai"},
};

/* Mailbox actions by their verbs, the most specific first. */
static const struct {
	const char *value, *words;
} actions[] = {
    {"change", "cap lai mat khau|doi mat khau|dat lai mat khau|reset mat khau|khoi phuc mat khau|"
               "doi ten|thay doi|reset|change|rename"},
    {"cancel", "huy|huy bo|xoa|thu hoi|khoa|dong|ngung|cancel|delete|remove|close|deactivate|"
               "disable"},
    {"create", "tao|tao moi|cap|cap moi|mo|dang ky|them|create|open|set up|new|add"},
};

/* Compile the patterns. */
static void
prose_init(void)
{
	static gsize done;

	if (!g_once_init_enter(&done))
		return;
	for (int i = 0; i < P_COUNT; i++)
		res[i] = g_regex_new(patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
	/* a courtesy word, then two to six capitalised words */
	name_re = g_regex_new("(?<![\\p{L}\\p{M}])((?i:em|tôi|toi|mình|minh)\\s+(?i:là|la)|"
	                      "(?i:liên hệ|lien he|contact person|contact|đầu mối|dau moi)\\s+"
	                      "(?i:là|la|is)|"
	                      "(?i:i am|i'm|my name is)|(?i:đồng chí|dong "
	                      "chi|đ/c|d/c|ông|bà|anh|chị|cô|chú|ong|ba|chi|mr|mrs|"
	                      "ms|miss|dr|madam))\\.?\\s+(\\p{Lu}[\\p{L}\\p{M}'’]*(?:\\s+\\p{Lu}"
	                      "[\\p{L}\\p{M}'’]*){1,5})",
	                      G_REGEX_OPTIMIZE, 0, NULL);
	/* a sentence ends at . ! ? before white space and a capital or digit */
	split_re =
	    g_regex_new("(?<![\\d.])[.!?]+\\s+(?=[\\p{Lu}\\d])|(?<=\\d)[.!?]+\\s+(?=\\p{Lu})",
	                G_REGEX_OPTIMIZE, 0, NULL);
	g_once_init_leave(&done, 1);
}

/* Whether folded text matches a pattern. */
static gboolean
has(enum pat p, const char *f)
{
	return g_regex_match(res[p], f, 0, NULL);
}

/* The byte offset in the folded text of a byte offset in the original. */
static gsize
f_of_o(const struct sent *s, gsize ob)
{
	glong chars = g_utf8_pointer_to_offset(s->o, s->o + ob);

	return (gsize)(g_utf8_offset_to_pointer(s->f, chars) - s->f);
}

/* The original text of the folded byte range [fb, fe), squeezed. */
static char *
o_of_f(const struct sent *s, gsize fb, gsize fe)
{
	const char *b = g_utf8_offset_to_pointer(s->o, g_utf8_pointer_to_offset(s->f, s->f + fb));
	const char *e = g_utf8_offset_to_pointer(s->o, g_utf8_pointer_to_offset(s->f, s->f + fe));
	char *raw = g_strndup(b, (gsize)(e - b));
	char *v = norm_text(raw);

	g_free(raw);
	return v;
}

/* Set a string member unless it is there; takes value. */
static void
put(JsonObject *o, const char *key, char *value)
{
	if (value != NULL && *value != '\0' && !json_object_has_member(o, key))
		json_object_set_string_member(o, key, value);
	g_free(value);
}

/* Whether folded text starts with one of a '|' list's words, whole, and
   has more words after it. */
static gboolean
starts_with_word(const char *f, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize n = strlen(w[i]);
		yes = strncmp(f, w[i], n) == 0 && f[n] == ' ' && g_ascii_isalnum(f[n + 1]);
	}
	g_strfreev(w);
	return yes;
}

/* Whether folded text ends with one of a '|' list's words. */
static gboolean
ends_with_word(const char *f, const char *list)
{
	char **w = g_strsplit(list, "|", -1);
	gsize fn = strlen(f);
	gboolean yes = FALSE;

	for (int i = 0; w[i] != NULL && !yes; i++) {
		gsize n = strlen(w[i]);
		yes = fn > n && strcmp(f + fn - n, w[i]) == 0 && f[fn - n - 1] == ' ';
	}
	g_strfreev(w);
	return yes;
}

/* Whether a folded phrase names a unit: its first word, or its last in
   English ("Hai Chau District People's Committee"); at most 16 words. */
static gboolean
is_unit(const char *f)
{
	int words = 1;

	for (const char *p = f; *p != '\0'; p++)
		words += *p == ' ';
	if (*f == '\0' || words > 16 || strchr(f, '@') != NULL)
		return FALSE;
	return starts_with_word(f, unit_heads) || ends_with_word(f, unit_tails);
}

/* A unit named in the folded range [b, e) of a sentence: the part after
   "của"/"thuộc" when that is a unit itself; "the" dropped. */
static char *
unit_in(const struct sent *s, gsize b, gsize e)
{
	char *f = g_strndup(s->f + b, e - b);
	GMatchInfo *mi = NULL;
	gsize at = 0;

	g_strstrip(f);
	while (*f != '\0' && (f[strlen(f) - 1] == ',' || f[strlen(f) - 1] == ' '))
		f[strlen(f) - 1] = '\0';
	/* "Thực hiện Công văn … của UBND thành phố, UBND quận Thanh Khê đề nghị" */
	char *comma = strrchr(f, ',');
	if (comma != NULL && is_unit(comma + 1 + (comma[1] == ' ')))
		at = (gsize)(comma + 1 + (comma[1] == ' ') - f);
	for (g_regex_match(res[P_OF_UNIT], f + at, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int mb, me;
		g_match_info_fetch_pos(mi, 0, &mb, &me);
		if (is_unit(f + at + me))
			at += (gsize)me;
	}
	g_match_info_free(mi);
	if (strncmp(f + at, "the ", 4) == 0)
		at += 4;
	/* "… của Sở Tài chính không gửi được": the unit ends at its verb */
	GMatchInfo *stop = NULL;
	if (g_regex_match(res[P_UNIT_END], f + at, 0, &stop)) {
		int qb, qe;
		g_match_info_fetch_pos(stop, 0, &qb, &qe);
		f[at + (gsize)qb] = '\0';
	}
	g_match_info_free(stop);
	char *out = NULL;
	if (is_unit(f + at)) {
		gsize lead = (gsize)(strchr(s->f + b, f[0]) - (s->f + b));
		out = o_of_f(s, b + lead + at, b + lead + strlen(f));
	}
	g_free(f);
	return out;
}

/* The requesting unit of a sentence: "on behalf of …", or the subject
   before the request verb. */
static char *
sentence_unit(const struct sent *s)
{
	GMatchInfo *mi = NULL;
	char *u = NULL;
	int b, e;

	if (g_regex_match(res[P_ON_BEHALF], s->f, 0, &mi)) {
		g_match_info_fetch_pos(mi, 1, &b, &e);
		u = o_of_f(s, (gsize)b, (gsize)e);
	}
	g_match_info_free(mi);
	if (u != NULL)
		return u;
	if (g_regex_match(res[P_SUBJECT_VERB], s->f, 0, &mi)) {
		g_match_info_fetch_pos(mi, 0, &b, &e);
		u = unit_in(s, 0, (gsize)b);
	}
	g_match_info_free(mi);
	return u;
}

/* A unit after "của"/"thuộc" in a sentence ("… của UBND huyện Hòa Vang
   không vào được mạng"), up to the verb or punctuation after it. */
static char *
unit_after_of(const struct sent *s)
{
	GMatchInfo *mi = NULL;
	char *u = NULL;

	for (g_regex_match(res[P_OF_UNIT], s->f, 0, &mi); g_match_info_matches(mi) && u == NULL;
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		if (strncmp(s->f + e, "the ", 4) == 0)
			e += 4;
		GMatchInfo *end = NULL;
		gsize stop = strlen(s->f);
		if (g_regex_match(res[P_UNIT_END], s->f + e, 0, &end)) {
			int qb, qe;
			g_match_info_fetch_pos(end, 0, &qb, &qe);
			stop = (gsize)e + (gsize)qb;
		}
		g_match_info_free(end);
		char *f = g_strndup(s->f + e, stop - (gsize)e);
		if (is_unit(f))
			u = o_of_f(s, (gsize)e, stop);
		g_free(f);
	}
	g_match_info_free(mi);
	return u;
}

/* The first capture of a pattern in folded text [b, e), as offsets. */
static gboolean
find(enum pat p, const char *f, gsize b, gsize e, int group, int *mb, int *me)
{
	GMatchInfo *mi = NULL;
	char *part = g_strndup(f + b, e - b);
	gboolean yes = g_regex_match(res[p], part, 0, &mi);

	if (yes) {
		g_match_info_fetch_pos(mi, group, mb, me);
		*mb += (int)b;
		*me += (int)b;
	}
	g_match_info_free(mi);
	g_free(part);
	return yes;
}

/* Blank out (with spaces) every match of a pattern in a folded copy. */
static void
blank_all(enum pat p, char *f)
{
	GMatchInfo *mi = NULL;

	for (g_regex_match(res[p], f, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		memset(f + b, ' ', (gsize)(e - b));
	}
	g_match_info_free(mi);
}

/* Capitalise the first letter of a value (a position or department as a
   form would write it); takes v. */
static char *
capital(char *v)
{
	if (v == NULL)
		return NULL;
	gunichar c = g_utf8_get_char(v);
	char buf[8];
	int n = g_unichar_to_utf8(g_unichar_toupper(c), buf);
	char *out = g_strdup_printf("%.*s%s", n, buf, g_utf8_next_char(v));
	g_free(v);
	return out;
}

/* What the words after a person's name give, up to the next person:
   identity number, phone, e-mail, position, department. */
static JsonObject *
person_read(const struct sent *s, const char *name, gsize fb, gsize fe, gboolean id_before)
{
	JsonObject *p = json_object_new();
	char *seg = g_strndup(s->f + fb, fe - fb);
	int b, e;

	json_object_set_string_member(p, "full_name", name);
	/* "CCCD của anh Trương Quốc Việt: 048092001122" */
	if ((id_before && find(P_ID_BARE, seg, 0, strlen(seg), 1, &b, &e)) ||
	    find(P_ID, seg, 0, strlen(seg), 1, &b, &e)) {
		char *id = g_strndup(seg + b, (gsize)(e - b));
		put(p, "id_no", norm_id_no(id));
		g_free(id);
		memset(seg + b, ' ', (gsize)(e - b));
	}
	put(p, "phone", norm_phone_best(seg));
	put(p, "address", norm_email(seg));
	if (find(P_POSITION, seg, 0, strlen(seg), 1, &b, &e)) {
		put(p, "position", capital(o_of_f(s, fb + (gsize)b, fb + (gsize)e)));
		gsize after = (gsize)e;
		if (find(P_DEPARTMENT, seg, after, strlen(seg), 1, &b, &e))
			put(p, "department", capital(o_of_f(s, fb + (gsize)b, fb + (gsize)e)));
	}
	g_free(seg);
	return p;
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

	for (g_regex_match(name_re, s->o, 0, &mi); g_match_info_matches(mi) && out->len < 20;
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
			p.nb = f_of_o(s, (gsize)b);
			p.ne = f_of_o(s, (gsize)nb + strlen(p.name));
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

/* Reading state over the sentences. */
struct prose {
	const struct fields_opts *opts;
	JsonObject *fields;
	JsonArray *people;
	char *other_name, *other_phone, *other_email; /* first person with no role */
	gboolean when_done;
	gboolean list_open; /* a sentence about a list ended with ':' */
	gboolean mailbox;   /* a sentence so far spoke of a mailbox */
};

/* The people of a sentence, each by the sentence's role. */
static void
read_people(struct prose *x, const struct sent *s)
{
	GArray *people = people_in(s);
	int cb = -1, ce = -1;
	gboolean contact = find(P_CONTACT, s->f, 0, strlen(s->f), 0, &cb, &ce);
	gboolean admin = has(P_ADMIN, s->f), list = has(P_LIST, s->f);
	gsize n = strlen(s->f);

	/* "… cho các cán bộ sau:" then one line per person */
	if (x->list_open && (s->f[0] == '-' || s->f[0] == '+' || g_ascii_isdigit(s->f[0]) ||
	                     g_str_has_prefix(s->o, "•") || people->len > 0))
		list = TRUE;
	else
		x->list_open = FALSE;
	if (n > 0 && s->f[n - 1] == ':' && (list || has(P_REQUEST, s->f)))
		x->list_open = TRUE;

	for (guint i = 0; i < people->len; i++) {
		struct person *pp = &g_array_index(people, struct person, i);
		gsize from = i > 0 ? g_array_index(people, struct person, i - 1).end : 0;
		char *before = g_strndup(s->f + from, pp->nb - from);
		JsonObject *p = person_read(s, pp->name, pp->ne, pp->end, has(P_ID_WORD, before));
		if (pp->self || pp->contact) {
			put(x->fields, "contact_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				put(x->fields, "contact_phone",
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
			put(x->fields, "admin_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				put(x->fields, "admin_phone",
				    g_strdup(json_object_get_string_member(p, "phone")));
			if (json_object_has_member(p, "address"))
				put(x->fields, "admin_email",
				    g_strdup(json_object_get_string_member(p, "address")));
			json_object_unref(p);
		} else if (!json_object_has_member(p, "id_no") && contact && (gsize)cb <= pp->nb) {
			put(x->fields, "contact_name", g_strdup(pp->name));
			if (json_object_has_member(p, "phone"))
				put(x->fields, "contact_phone",
				    g_strdup(json_object_get_string_member(p, "phone")));
			if (json_object_has_member(p, "address"))
				put(x->fields, "contact_email",
				    g_strdup(json_object_get_string_member(p, "address")));
			json_object_unref(p);
			contact = FALSE;
		} else if (x->people != NULL && (list || json_object_has_member(p, "id_no"))) {
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

/* The mailbox action of a sentence about a mailbox. */
static void
read_action(struct prose *x, const struct sent *s)
{
	gboolean here = has(P_MAILBOX, s->f);

	if (json_object_has_member(x->fields, "mailbox_action") ||
	    !(here || (x->mailbox && has(P_REQUEST, s->f)))) {
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
			put(x->fields, "mailbox_action", g_strdup(actions[i].value));
			return;
		}
	}
}

/* The sub-domain, website and IP address a sentence names; the purpose
   of a sub-domain after it ("… for our document system"). */
static void
read_names(struct prose *x, const struct sent *s)
{
	GMatchInfo *mi = NULL;
	const char *suffix = x->opts->domain_suffix;
	gboolean sub_word = has(P_SUBDOMAIN_WORD, s->f);
	char *sub = NULL;
	int b = 0, e = 0;

	for (g_regex_match(res[P_HOST], s->f, 0, &mi); g_match_info_matches(mi);
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
		put(x->fields, "subdomain", g_strdup(sub));
		if (find(P_FOR_AFTER_HOST, s->f, (gsize)e, strlen(s->f), 0, &pb, &pe)) {
			int qb, qe;
			find(P_PURPOSE_END, s->f, (gsize)pe, strlen(s->f), 0, &qb, &qe);
			char *what = g_strndup(s->f + pe, (gsize)(qb - pe));
			/* "… for the Hai Chau District People's Committee": the unit */
			if (!is_unit(what) && !(strncmp(what, "the ", 4) == 0 && is_unit(what + 4)))
				put(x->fields, "purpose", o_of_f(s, (gsize)pe, (gsize)qb));
			g_free(what);
		}
	}
	if (has(P_WEBSITE_WORD, s->f) && !json_object_has_member(x->fields, "website_url")) {
		char *url = NULL;
		if (g_regex_match(res[P_URL], s->f, 0, &mi)) {
			g_match_info_fetch_pos(mi, 0, &b, &e);
			char *o = o_of_f(s, (gsize)b, (gsize)e);
			url = norm_url(o);
			g_free(o);
		}
		g_match_info_free(mi);
		mi = NULL;
		if (url == NULL && !sub_word && g_regex_match(res[P_HOST], s->f, 0, &mi)) {
			char *host = g_match_info_fetch(mi, 1);
			url = norm_url(host);
			g_free(host);
		}
		g_match_info_free(mi);
		if (url != NULL && (sub == NULL || strstr(url, sub) == NULL))
			put(x->fields, "website_url", url);
		else
			g_free(url);
	}
	g_free(sub);
	put(x->fields, "target_ip", norm_ipv4(s->f));
}

/* The date and times of the request, from the first sentence giving one
   (a reason clause, a cited letter, phone and identity numbers aside). */
static void
read_when(struct prose *x, const struct sent *s)
{
	int y = x->opts->ref_year, m = x->opts->ref_month, b, e;
	struct norm_date d = {0, 0, 0};
	struct norm_time from, to;

	if (x->when_done || has(P_LETTER, s->f))
		return;
	char *f = g_strdup(s->f);
	if (find(P_REASON, f, 0, strlen(f), 0, &b, &e))
		f[b] = '\0';
	blank_all(P_PHONE_RUN, f);
	blank_all(P_LONG_NUMBER, f);
	norm_time_range(f, y, m, &d, &from, &to);
	if (d.y == 0 && from.h < 0) {
		g_free(f);
		return;
	}
	x->when_done = TRUE;
	if (d.y > 0)
		put(x->fields, "_when_date", norm_date_iso(&d));
	if (from.h >= 0)
		put(x->fields, "_when_from", norm_time_str(&from));
	if (to.h >= 0)
		put(x->fields, "_when_to", norm_time_str(&to));
	put(x->fields, "_when_dt", norm_datetime(f, y, m));
	g_free(f);
}

/* The purpose after "để", "nhằm", "in order to", "to <verb>". */
static void
read_purpose(struct prose *x, const struct sent *s)
{
	int b, e, qb, qe;

	if (json_object_has_member(x->fields, "purpose") ||
	    !find(P_PURPOSE, s->f, 0, strlen(s->f), 0, &b, &e))
		return;
	find(P_PURPOSE_END, s->f, (gsize)e, strlen(s->f), 0, &qb, &qe);
	put(x->fields, "purpose", o_of_f(s, (gsize)e, (gsize)qb));
}

/* The place of support ("tại tầng 3, tòa nhà …") and its category. */
static void
read_support(struct prose *x, const struct sent *s, gboolean problem)
{
	int b, e, qb, qe;

	if (find(P_LOCATION, s->f, 0, strlen(s->f), 0, &b, &e)) {
		gsize end = strlen(s->f);
		if (find(P_LOCATION_END, s->f, (gsize)e, end, 0, &qb, &qe))
			end = (gsize)qb;
		char *v = o_of_f(s, (gsize)e, end);
		gsize n = v != NULL ? strlen(v) : 0;
		while (n > 0 && (v[n - 1] == '.' || v[n - 1] == ','))
			v[--n] = '\0';
		put(x->fields, "location", v);
	}
	if (has(P_URGENT, s->f) && (problem || has(P_REQUEST, s->f)))
		put(x->fields, "priority", g_strdup("urgent"));
	if (!problem || json_object_has_member(x->fields, "category") || !has(P_PROBLEM, s->f))
		return;
	for (gsize i = 0; i < G_N_ELEMENTS(categories); i++) {
		char **w = g_strsplit(categories[i].words, "|", -1);
		gboolean yes = FALSE;
		for (int k = 0; w[k] != NULL && !yes; k++)
			yes = text_has_word(s->f, w[k]);
		g_strfreev(w);
		if (yes) {
			put(x->fields, "category", g_strdup(categories[i].value));
			return;
		}
	}
}

/* A phone or e-mail written outside any person's words: the contact's
   when nobody else gives one. */
static void
read_loose(struct prose *x, const struct sent *s)
{
	GArray *people = people_in(s);
	char *f = g_strdup(s->f);

	for (guint i = 0; i < people->len; i++) {
		struct person *p = &g_array_index(people, struct person, i);
		memset(f + p->nb, ' ', p->end - p->nb);
		g_free(p->name);
	}
	g_array_free(people, TRUE);
	blank_all(P_ID, f);
	put(x->fields, "_prose_phone", norm_phone_best(f));
	if (has(P_CONTACT, f))
		put(x->fields, "_prose_email", norm_email(f));
	g_free(f);
}

/* Whether a line of the signature is a name: two to six capitalised
   words, no digits, no colon. */
static gboolean
signature_name(const char *line, const char *folded)
{
	int words = 0;
	char **w;
	gboolean ok = TRUE;

	if (strnlen(line, 61) > 60 || strpbrk(line, "0123456789:@,()") != NULL ||
	    starts_with_word(folded, unit_heads))
		return FALSE;
	w = g_strsplit(line, " ", -1);
	for (int i = 0; w[i] != NULL && ok; i++) {
		if (*w[i] == '\0')
			continue;
		ok = g_unichar_isupper(g_utf8_get_char(w[i]));
		words++;
	}
	g_strfreev(w);
	return ok && words >= 2 && words <= 6;
}

/* Whether the word before offset at of text is an abbreviation whose dot
   ends no sentence ("Mr.", "No."). */
static gboolean
abbreviation_before(const char *text, gsize at)
{
	static const char words[] = "mr|mrs|ms|dr|no|st|tp|co|ltd|jsc|tel|ph|p|q|tt|ts|ths|ks";
	gsize b = at;

	while (b > 0 && g_ascii_isalpha(text[b - 1]) && at - b < 8)
		b--;
	if (b == at || (b > 0 && !g_ascii_isspace(text[b - 1]) && text[b - 1] != '('))
		return FALSE;
	char *w = g_ascii_strdown(text + b, (gssize)(at - b));
	gboolean yes = text_list_has(words, w);
	g_free(w);
	return yes;
}

/* Add one sentence, text [b, e), unless empty or too long. */
static void
add_sentence(GPtrArray *out, const char *text, gsize b, gsize e)
{
	char *t = g_strndup(text + b, e - b);

	g_strstrip(t);
	if (*t != '\0' && strlen(t) <= PROSE_MAX_SENTENCE && out->len < PROSE_MAX_SENTENCES) {
		struct sent *s = g_new0(struct sent, 1);
		s->o = t;
		s->f = text_fold(t);
		g_ptr_array_add(out, s);
		return;
	}
	g_free(t);
}

/* Split a paragraph's text into sentences (at most PROSE_MAX_SENTENCES in
   all). */
static void
add_sentences(GPtrArray *out, const char *text)
{
	GMatchInfo *mi = NULL;
	gsize from = 0;

	for (g_regex_match(split_re, text, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		if (abbreviation_before(text, (gsize)b))
			continue;
		add_sentence(out, text, from, (gsize)b + 1);
		from = (gsize)e;
	}
	g_match_info_free(mi);
	add_sentence(out, text, from, strlen(text));
}

/* Release a sentence. */
static void
sent_free(gpointer p)
{
	struct sent *s = p;

	g_free(s->o);
	g_free(s->f);
	g_free(s);
}

/* Move a "_prose_…" candidate into its field when the field is empty. */
static void
settle(JsonObject *o, const char *from, const char *to)
{
	if (json_object_has_member(o, from)) {
		if (!json_object_has_member(o, to))
			json_object_set_string_member(o, to,
			                              json_object_get_string_member(o, from));
		json_object_remove_member(o, from);
	}
}

/* Read the sentences of text; see prose.h. */
void
prose_read(const char *text, const struct fields_opts *opts, JsonObject *fields)
{
	GPtrArray *sents = g_ptr_array_new_with_free_func(sent_free);
	GPtrArray *signature = g_ptr_array_new_with_free_func(g_free);
	char **lines = g_strsplit(text != NULL ? text : "", "\n", -1);
	GString *para = g_string_new(NULL);
	gboolean closed = FALSE, problem = FALSE;
	struct prose x = {opts, fields, NULL, NULL, NULL, NULL, FALSE, FALSE, FALSE};

	prose_init();
	for (int i = 0; lines[i] != NULL && sents->len < PROSE_MAX_SENTENCES; i++) {
		char *line = g_strstrip(lines[i]);
		char *f = text_fold(line);
		gsize n = strlen(line);
		if (closed) {
			if (*line != '\0' && signature->len < PROSE_MAX_SIGNATURE)
				g_ptr_array_add(signature, g_strdup(line));
		} else if (*line == '\0' || (n < 60 && has(P_CLOSING, f))) {
			add_sentences(sents, para->str);
			g_string_truncate(para, 0);
			closed = *line != '\0';
		} else if (n < 120 && has(P_GREETING, f) && para->len == 0 &&
		           (line[n - 1] == ',' || line[n - 1] == ':' || n < 40)) {
			/* "Kính gửi Trung tâm," */
		} else if (n > PROSE_MAX_SENTENCE) {
			/* no sentence is that long */
		} else {
			if (para->len > 0) {
				char last = para->str[para->len - 1];
				/* a line wrapped by the mail program joins the next */
				if (para->len < 60 || strchr(".:;!?", last) != NULL) {
					add_sentences(sents, para->str);
					g_string_truncate(para, 0);
				} else {
					g_string_append_c(para, ' ');
				}
			}
			/* "Kính gửi Trung tâm, Sở Tư pháp đề nghị …" on one line */
			const char *comma = strstr(line, ", ");
			if (para->len == 0 && has(P_GREETING, f) && comma != NULL &&
			    comma - line < 80)
				line = (char *)comma + 2;
			g_string_append(para, line);
		}
		g_free(f);
	}
	add_sentences(sents, para->str);
	g_string_free(para, TRUE);
	g_strfreev(lines);

	if (!json_object_has_member(fields, "_people"))
		x.people = json_array_new();
	for (guint i = 0; i < sents->len; i++)
		problem = problem || has(P_PROBLEM, ((struct sent *)sents->pdata[i])->f);
	for (guint i = 0; i < sents->len; i++) {
		const struct sent *s = sents->pdata[i];
		if (!json_object_has_member(fields, "requesting_unit"))
			put(fields, "requesting_unit", sentence_unit(s));
		read_people(&x, s);
		/* a question about a service asks for nothing yet */
		if (has(P_QUESTION, s->f))
			continue;
		read_action(&x, s);
		read_names(&x, s);
		read_when(&x, s);
		read_purpose(&x, s);
		read_support(&x, s, problem);
		read_loose(&x, s);
		if ((has(P_REQUEST, s->f) || has(P_PROBLEM, s->f)) && !has(P_GREETING, s->f))
			put(fields, "_said", norm_text(s->o));
	}
	for (guint i = 0; i < sents->len && !json_object_has_member(fields, "requesting_unit"); i++)
		put(fields, "requesting_unit", unit_after_of(sents->pdata[i]));
	/* the signature: the signer, then the unit's line */
	char *signer = NULL;
	for (guint i = 0; i < signature->len; i++) {
		const char *line = signature->pdata[i];
		char *f = text_fold(line);
		if (signer == NULL && i < 2 && signature_name(line, f))
			signer = g_strdup(line);
		else if (!json_object_has_member(fields, "requesting_unit") && is_unit(f))
			put(fields, "requesting_unit", norm_text(line));
		if (!json_object_has_member(fields, "_prose_phone"))
			put(fields, "_prose_phone", norm_phone_best(line));
		g_free(f);
	}
	if (!json_object_has_member(fields, "contact_name")) {
		const char *name = signer != NULL ? signer : x.other_name;
		if (name != NULL)
			put(fields, "contact_name", g_strdup(name));
		if (signer == NULL && x.other_name != NULL) {
			put(fields, "contact_phone", g_strdup(x.other_phone));
			put(fields, "contact_email", g_strdup(x.other_email));
		}
		/* the signer is one of the people listed: their phone is the contact's */
		for (guint i = 0;
		     signer != NULL && x.people != NULL && i < json_array_get_length(x.people);
		     i++) {
			JsonObject *p = json_array_get_object_element(x.people, i);
			if (strcmp(json_object_get_string_member(p, "full_name"), signer) == 0 &&
			    json_object_has_member(p, "phone"))
				put(fields, "contact_phone",
				    g_strdup(json_object_get_string_member(p, "phone")));
		}
	}
	settle(fields, "_prose_phone", "contact_phone");
	settle(fields, "_prose_email", "contact_email");
	if (x.people != NULL && json_array_get_length(x.people) > 0)
		json_object_set_array_member(fields, "_people", x.people);
	else if (x.people != NULL)
		json_array_unref(x.people);
	g_free(signer);
	g_free(x.other_name);
	g_free(x.other_phone);
	g_free(x.other_email);
	g_ptr_array_free(signature, TRUE);
	g_ptr_array_free(sents, TRUE);
}
