/* prose_patterns.c - the patterns over folded text, compiled once, and finding them in a sentence;
 * see prose_parts.h. */
#include "prose.h"
#include "prose_parts.h"

#include <string.h>

#include "normalise.h"
#include "text.h"

static const char *const patterns[P_COUNT] = {
    [P_GREETING] = "^(?:kinh gui|kinh thua|gui|dear|chao|xin chao|hello|hi|good (?:morning|"
                   "afternoon)|to whom|attn)\\b",
    [P_CLOSING] = "^(?:(?:em|anh|chi|toi|minh|chung toi|chung em)\\s+(?=(?:xin )?cam on))?"
                  "(?:tran trong|xin cam on|xin chan thanh cam on|cam on|kinh thu|thanks|"
                  "thank you|many thanks|best regards|kind regards|warm regards|regards|"
                  "sincerely|yours sincerely|yours faithfully|best|than ai|"
                  "chuc(?! vu| danh))\\b",
    [P_REQUEST] = "\\b(?:de nghi|xin|nho|please|would like|request|requests|requesting|kindly|"
                  "dang ky|we need|need|can ho tro|mong|propose|suggest)\\b",
    [P_SUBJECT_VERB] =
        "\\s(?:kinh de nghi|tran trong de nghi|de nghi|xin|dang ky|co nhu cau|gui|cu|"
        "dang su dung|hien dang su dung|dang quan ly|"
        "can|nho|muon|hien dang bi|hien bi|dang bi|bi|would like|wishes|"
        "kindly requests|hereby requests|requests|is requesting|needs|asks|cannot|can't|"
        "can not|could not|is unable|are unable|has no|have no|has lost|have lost|"
        "is experiencing|are experiencing)\\b",
    [P_ON_BEHALF] =
        "\\b(?:on behalf of|we are from|we are with|i am writing from|"
        "we are writing from|i am from|i work at|i work for|i am working at|"
        "(?<=,\\s)an? (?:officer|specialist|staff member|employee|engineer|accountant|"
        "secretary)\\s+(?:of|at|with)|thay mat cho|thay mat|dai dien cho)\\s+(?:the\\s+)?"
        "([^,.;:()]{3,120}?)\\s*(?:,|\\.|;|:|\\(|$|\\s(?:and\\s+(?:we|i|our|would|please|"
        "need|kindly|request)|please|we|i|xin|de nghi|kinh de nghi|would|regarding|"
        "concerning|about|to (?:request|ask|update|create|register))\\b)",
    [P_OF_UNIT] = "(?<=\\s)(?:cua|thuoc|belongs to|belonging to|tru so|for|(?:contractor|vendor|"
                  "developer|partner|consultant|supplier) (?:of|for)|(?:website|web "
                  "site|portal|site|homepage|"
                  "server|servers|rack|software|system) (?:of|we host for|we run for|we built for|"
                  "we maintain for|hosted for|built for)|(?:used|owned|operated|managed) by)\\s+",
    /* "… of the Department …", not a place ("2nd floor of the Administrative Center") */
    [P_OF_THE] = "(?<=\\s)(?<!floor\\s)(?<!room\\s)(?<!building\\s)(?<!level\\s)"
                 "(?<!block\\s)(?<!hall\\s)(?<!wing\\s)of\\s+(?=the\\s)",
    [P_CONTACT] = "\\b(?:lien he|lien lac|contact|dau moi|reach|phu trach)\\b",
    [P_ADMIN] = "\\b(?:quan tri|administrator|admin|webmaster|technical contact)\\b",
    [P_LIST] = "\\b(?:hop thu|hom thu(?!\\s+(?:hai|ba|tu|nam|sau|bay|[2-7]\\b))|tai khoan "
               "email|tai khoan thu|thu cong vu|email cong vu|mailbox|"
               "mailboxes|email account|e-mail account|vao phong|phong may chu|phong he thong|"
               "server room|visit|visitors|access|vao ra|the following)\\b",
    [P_MAILBOX] = "\\b(?:hop thu|hom thu(?!\\s+(?:hai|ba|tu|nam|sau|bay|[2-7]\\b))|tai khoan "
                  "email|tai khoan thu|thu cong vu|email cong vu|"
                  "dia chi thu|mailbox|mailboxes|email account|e-mail account|mail account|"
                  "email accounts|e-mail accounts|mail accounts|official email|"
                  "official e-mail)\\b",
    [P_SUBDOMAIN_WORD] = "\\b(?:ten mien|sub-domain|subdomain|sub domain|domain)\\b",
    [P_WEBSITE_WORD] = "\\b(?:website|trang thong tin|cong thong tin|trang web|web site|site|"
                       "portal|url|source code|ma nguon|homepage)\\b",
    [P_HOST] = "(?<![@\\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.){1,6}[a-z]{2,6})"
               "(?![\\w@-])",
    [P_URL] = "https?://[^\\s<>\"'()]{3,300}",
    [P_ID] =
        "\\b(?:cccd|cmnd|can cuoc(?: cong dan)?|so dinh danh|dinh danh|id card|id|"
        "passport|ho chieu)(?:\\s*(?:no\\.?|number|so))?\\s*[:.#]?\\s*([a-z]{0,2}\\d{6,13}[a-z]?|"
        "(?=[a-z\\d]*[a-z])(?=(?:[a-z]*\\d){6})[a-z\\d]{8,10})\\b",
    [P_PHONE_RUN] = "(?<![\\d/])(?:\\+?84|0)[ .-]?\\d{2,3}[ .-]?\\d{3}[ .-]?\\d{3,4}(?![\\d/])",
    [P_LONG_NUMBER] = "(?<![\\d/])\\d{9,13}(?![\\d/])",
    [P_REASON] = "\\s(?:(?<!to\\s)(?<!we\\s)(?<!\\bi\\s)(?<!you\\s)(?<!not\\s)(?<!can\\s)do|"
                 "(?<!don )(?<!pham )vi(?! tri)|"
                 "because|since|ly do|who|which|whose|retired|nghi huu|nghi viec|"
                 "chuyen cong tac|da nghi)\\s",
    [P_LETTER] = "\\d+/[a-z]",
    [P_PURPOSE] = "\\b(?:de(?! nghi| xuat| cap)|nham|voi muc dich|muc dich|phuc vu cho|phuc vu|"
                  "in order to|so as to|for the purpose of|to(?=\\s(?:install|replace|check|"
                  "inspect|maintain|upgrade|repair|configure|deploy|migrate|move|add|remove|"
                  "perform|carry out|service|fix|set up|host|run|update|test|collect|complete|"
                  "finish|clean|survey|verify|restore|patch|swap|label|retrieve|audit|"
                  "deliver|relocate|connect)\\b))\\s+",
    [P_FOR_AFTER_HOST] = "\\s(?:for|de|nham|phuc vu cho|phuc vu)\\s+",
    [P_LOCATION] = "\\b(?:(?:tai|o|at|located at|located in)\\s+(?=(?:tang|phong|toa nha|toa|"
                   "nha|khu|so|tru so|building|floor|room|block|level|office)\\b)|(?:on|in|at)\\s+"
                   "(?:the\\s+)?(?=(?:\\d+(?:st|nd|rd|th)\\s+floor|room|floor|building|"
                   "meeting room)\\b)|(?:dia diem|vi tri|location|place)\\s*(?:la|is|:)\\s+)",
    /* a visit to the server room */
    [P_VISIT] = "\\b(?:vao phong|phong may chu|phong may|phong he thong|server room|"
                "data cent(?:er|re)|tu rack)\\b",
    /* "phòng bị hỏng mạng là phòng 1204, tầng 12": the place, in a
       sentence about a problem */
    [P_LOCATION_IS] = "\\bla\\s+(?=(?:tang|phong|toa nha|toa|khu|building|floor|room)\\s+\\w)",
    [P_LOCATION_END] =
        "\\s(?:de|va|nhung|lien he|from|to|and|since|tu (?:ngay|sang|chieu|hom)|"
        "khong|bi|da (?:bi|khong|duoc)|dang|hien|mat (?:het|mang|ket noi|internet|wifi|song)|"
        "can|nho|is|has|have|are|were|had|keeps|cannot|can't|se)\\s|,\\s*(?:so dien "
        "thoai|dien thoai|sdt|lien he|contact|phone)\\b",
    [P_PROBLEM] = "\\b(?:ho tro ky thuat|su co|bi loi|loi|bi hong|hu hong|mat ket noi|"
                  "mat mang|mat internet|mat wifi|mat song|mat het|rot mang|khong truy cap|khong "
                  "vao duoc|khong ket noi|khong hoat dong|"
                  "khong in duoc|khong gui duoc|khong nhan duoc|khong mo duoc|khong dang nhap duoc|"
                  "khong su dung duoc|cham|technical support|"
                  "tech support|it support|not working|cannot|can't|down|error|failure|"
                  "broken|outage|no internet|no network|no connection|khong co mang|"
                  "not responding|khong on dinh|unstable|slow|khong nhan|not been working|"
                  "stopped working|does not work|do not work|doesn't work|don't work|"
                  "keeps disconnecting|disconnected)\\b",
    [P_POSITION] = "^\\s*[,-]\\s*((?:pho |deputy )?(?:chuyen vien chinh|chuyen vien|"
                   "truong phong|pho phong|can bo|nhan vien|ke toan|van thu|giam doc|"
                   "chanh van phong|thanh tra vien|ky thuat vien|ky su|specialist|officer|"
                   "staff|manager|head|director|engineer|accountant|secretary|clerk))\\b",
    [P_DEPARTMENT] = "^\\s*(?:,\\s*)?(?:(?:of|cua|thuoc)\\s+)?(?:the\\s+)?((?:phong|ban|bo phan|"
                     "van phong|to|khoa|division|department|section|office|unit)\\b[^,;()]"
                     "{1,80}?|(?!the\\s|of\\s)(?:[a-z][^,;()\\d]{1,60}?\\s)?(?:division|department|"
                     "section|office|unit|team))\\s*(?:,|;|\\(|\\.?$|\\s(?:cua|thuoc)\\s+(?:so|"
                     "ubnd|uy ban|trung tam|cong ty|quan|huyen)\\b)",
    [P_PURPOSE_END] = "\\s*(?::|;|\\(|\\.\\s|\\.$|$|,\\s*(?:theo|can cu|according to|as approved|"
                      "per|approved|gom|bao gom|cu the|danh sach|nhu sau)\\b)",
    [P_ID_WORD] = "\\b(?:cccd|cmnd|can cuoc|so dinh danh|dinh danh|id|passport|ho chieu)\\b",
    /* where a unit's name ends: folded words that are never syllables of a
       name alone ("tai" is "Tài" in "Sở Tài chính") come in pairs */
    [P_UNIT_END] =
        "\\s(?:khong (?:gui|vao|truy|ket|in|hoat|nhan|duoc|the|co)|bi (?:loi|mat|hong|"
        "treo|chap)|da (?:bi|khong|duoc|gui|co)|dang bi|dang co|dang gap|dang su dung|hien dang|"
        "hien bi|de nghi|thuong xuyen|vua (?:tiep|moi|duoc|co|chuyen|bo sung|tuyen)|"
        "thuoc (?:so|ubnd|uy ban|bo|thanh pho|tinh|quan|huyen)|dong y|chap thuan|"
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
    [P_OTHER_EVENT] =
        "\\b(?:cuoc hop|buoi hop|phien hop|hoi nghi|han chot|han nop|truoc day|"
        "lan truoc|da (?:de nghi|yeu cau|gui|hop|thong nhat|duyet|phe duyet|kiem tra)|"
        "meeting|deadline|due (?:on|by)|previously|earlier|last (?:time|week|month)|"
        "visited|reviewed|approved|was held|were held|version|phien ban|thank you for|"
        "thanks for|during our|our (?:last |previous )?visit on)\\b",
    /* "Đà Nẵng, ngày 08 tháng 12 năm 2026" over a letter: the day it was
       written, not the day it asks for */
    [P_LETTER_DATE] = "^[a-z][a-z ]{1,30},?\\s*ngay\\s+\\d{1,2}\\s+thang\\s+\\d{1,2}\\s+"
                      "nam\\s+\\d{4}\\s*\\.?$",
};

GRegex *prose_res[P_COUNT];
GRegex *prose_name_re, *prose_split_re;

/* Compile the patterns. */
void
prose_init(void)
{
	static gsize done;

	if (!g_once_init_enter(&done))
		return;
	for (int i = 0; i < P_COUNT; i++)
		prose_res[i] = g_regex_new(patterns[i], G_REGEX_OPTIMIZE, 0, NULL);
	/* a courtesy word (or "the administrator is"), then two to six
	   capitalised words; after "liên hệ" a
	   title stands for the courtesy word ("liên hệ Chánh Văn phòng Nguyễn
	   Văn Bình") */
	prose_name_re =
	    g_regex_new("(?<![\\p{L}\\p{M}])((?i:em|tôi|toi|mình|minh)\\s+(?i:là|la)|"
	                "(?i:liên hệ|lien he|contact person|contact|đầu mối|dau moi)\\s+"
	                "(?i:là|la|is)|"
	                "(?i:administrator|admin|webmaster|technical contact|quản trị|quan tri)\\s+"
	                "(?i:is|will be|là|la)|"
	                "(?i:liên hệ|lien he|đầu mối|dau moi)\\s+(?i:(?:phó |pho )?(?:chánh văn "
	                "phòng|chanh van phong|trưởng phòng|truong phong|giám đốc|giam doc)|"
	                "chuyên viên|chuyen vien|cán bộ|can bo|văn thư|van thu|kế toán|ke toan)|"
	                "(?i:i am|i'm|my name is)|(?i:đồng chí|dong "
	                "chi|đ/c|d/c|ông|bà|anh|chị|cô|chú|ong|ba|chi|mr|mrs|"
	                "ms|miss|dr|madam))\\.?\\s+(\\p{Lu}[\\p{L}\\p{M}'’]*(?:-[\\p{L}\\p{M}]+)?"
	                "(?:\\s+\\p{Lu}[\\p{L}\\p{M}'’]*(?:-[\\p{L}\\p{M}]+)?){1,5})",
	                G_REGEX_OPTIMIZE, 0, NULL);
	/* a sentence ends at . ! ? before white space and a capital or digit */
	prose_split_re =
	    g_regex_new("(?<![\\d.])[.!?]+\\s+(?=[\\p{Lu}\\d])|(?<=\\d)[.!?]+\\s+(?=\\p{Lu})",
	                G_REGEX_OPTIMIZE, 0, NULL);
	g_once_init_leave(&done, 1);
}

/* Whether folded text matches a pattern. */
gboolean
prose_has(enum pat p, const char *f)
{
	return g_regex_match(prose_res[p], f, 0, NULL);
}

/* The byte offset in the folded text of a byte offset in the original. */
gsize
prose_f_of_o(const struct sent *s, gsize ob)
{
	glong chars = g_utf8_pointer_to_offset(s->o, s->o + ob);

	return (gsize)(g_utf8_offset_to_pointer(s->f, chars) - s->f);
}

/* The original text of the folded byte range [fb, fe), squeezed. */
char *
prose_o_of_f(const struct sent *s, gsize fb, gsize fe)
{
	const char *b = g_utf8_offset_to_pointer(s->o, g_utf8_pointer_to_offset(s->f, s->f + fb));
	const char *e = g_utf8_offset_to_pointer(s->o, g_utf8_pointer_to_offset(s->f, s->f + fe));
	char *raw = g_strndup(b, (gsize)(e - b));
	char *v = norm_text(raw);

	g_free(raw);
	return v;
}

/* Set a string member unless it is there; takes value. */
void
prose_put(JsonObject *o, const char *key, char *value)
{
	if (value != NULL && *value != '\0' && !json_object_has_member(o, key))
		json_object_set_string_member(o, key, value);
	g_free(value);
}

/* The first capture of a pattern in folded text [b, e), as offsets. */
gboolean
prose_find(enum pat p, const char *f, gsize b, gsize e, int group, int *mb, int *me)
{
	GMatchInfo *mi = NULL;
	char *part = g_strndup(f + b, e - b);
	gboolean yes = g_regex_match(prose_res[p], part, 0, &mi);

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
void
prose_blank_all(enum pat p, char *f)
{
	GMatchInfo *mi = NULL;

	for (g_regex_match(prose_res[p], f, 0, &mi); g_match_info_matches(mi);
	     g_match_info_next(mi, NULL)) {
		int b, e;
		g_match_info_fetch_pos(mi, 0, &b, &e);
		memset(f + b, ' ', (gsize)(e - b));
	}
	g_match_info_free(mi);
}

/* Capitalise the first letter of a value (a position or department as a
   form would write it); takes v. */
char *
prose_capital(char *v)
{
	if (v == NULL)
		return NULL;
	char *out = text_capital(v);
	g_free(v);
	return out;
}
