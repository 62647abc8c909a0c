/* gazetteer.c - Đà Nẵng's units and places; see gazetteer.h. */
#include "gazetteer.h"

#include <string.h>

/* Units whose name is all there is: departments and city bodies. */
static const char *const units[] = {
    "Văn phòng UBND thành phố",
    "Văn phòng HĐND thành phố",
    "Văn phòng Thành ủy",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Công Thương",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Nông nghiệp và Môi trường",
    "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa và Thể thao",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Du lịch",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra thành phố",
    "Ban Quản lý Khu công nghệ cao và các khu công nghiệp Đà Nẵng",
    "Ban Quản lý các dự án đầu tư xây dựng",
    "Ban Xúc tiến và Hỗ trợ đầu tư",
    "Công an thành phố Đà Nẵng",
    "Bộ Chỉ huy Quân sự thành phố",
    "Đài Phát thanh - Truyền hình Đà Nẵng",
    "Báo Đà Nẵng",
    "Trung tâm Hành chính công thành phố",
};

/* Districts (quận, huyện) and their places. */
static const char *const districts[] = {
    "Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ",
};
static const char *const rural_districts[] = {"Hòa Vang", "Hoàng Sa"};

/* Wards (phường), before and after 2025. */
static const char *const wards[] = {
    "Hải Châu I",   "Hải Châu II",   "Hải Châu",       "Thạch Thang",    "Thanh Bình",
    "Thuận Phước",  "Hòa Thuận Tây", "Hòa Thuận Đông", "Nam Dương",      "Phước Ninh",
    "Bình Thuận",   "Bình Hiên",     "Hòa Cường",      "Hòa Cường Bắc",  "Hòa Cường Nam",
    "Tam Thuận",    "Thanh Khê",     "Thanh Khê Tây",  "Thanh Khê Đông", "Xuân Hà",
    "Tân Chính",    "Chính Gián",    "Vĩnh Trung",     "Thạc Gián",      "An Khê",
    "Hòa Khê",      "Thọ Quang",     "Nại Hiên Đông",  "Mân Thái",       "An Hải",
    "An Hải Bắc",   "An Hải Tây",    "An Hải Đông",    "Phước Mỹ",       "Sơn Trà",
    "Mỹ An",        "Khuê Mỹ",       "Hòa Quý",        "Hòa Hải",        "Ngũ Hành Sơn",
    "Hòa Hiệp Bắc", "Hòa Hiệp Nam",  "Hòa Khánh",      "Hòa Khánh Bắc",  "Hòa Khánh Nam",
    "Hòa Minh",     "Hải Vân",       "Liên Chiểu",     "Khuê Trung",     "Hòa Phát",
    "Hòa An",       "Hòa Thọ Tây",   "Hòa Thọ Đông",   "Hòa Xuân",       "Cẩm Lệ",
};

/* Communes (xã) of Hòa Vang. */
static const char *const communes[] = {
    "Hòa Bắc",  "Hòa Liên", "Hòa Ninh",  "Hòa Sơn",    "Hòa Nhơn", "Hòa Phú", "Hòa Phong",
    "Hòa Châu", "Hòa Tiến", "Hòa Phước", "Hòa Khương", "Hòa Vang", "Bà Nà",
};

/* How units write a place's body before its name. */
static const struct {
	const char *const *places;
	gsize n;
	const char *titles[5];
} placed[] = {
    {districts,
     G_N_ELEMENTS(districts),
     {"UBND quận", "Ủy ban nhân dân quận", "Văn phòng HĐND và UBND quận", "Quận", NULL}},
    {rural_districts,
     G_N_ELEMENTS(rural_districts),
     {"UBND huyện", "Ủy ban nhân dân huyện", "Văn phòng HĐND và UBND huyện", "Huyện", NULL}},
    {wards, G_N_ELEMENTS(wards), {"UBND phường", "Ủy ban nhân dân phường", "Phường", NULL}},
    {communes, G_N_ELEMENTS(communes), {"UBND xã", "Ủy ban nhân dân xã", "Xã", NULL}},
};

/* s lower case, NFC, old tone placement as new ("hoà" as "hòa"), end
   punctuation and spaces dropped, as an array of characters. */
static GArray *
gaz_key(const char *s)
{
	static const char *const tones[][2] = {
	    {"oà", "òa"}, {"oá", "óa"}, {"oả", "ỏa"}, {"oã", "õa"}, {"oạ", "ọa"},
	    {"oè", "òe"}, {"oé", "óe"}, {"oẻ", "ỏe"}, {"oẽ", "õe"}, {"oẹ", "ọe"},
	    {"uỳ", "ùy"}, {"uý", "úy"}, {"uỷ", "ủy"}, {"uỹ", "ũy"}, {"uỵ", "ụy"},
	};
	char *nfc = g_utf8_normalize(s, -1, G_NORMALIZE_NFC);
	char *low = g_utf8_strdown(nfc != NULL ? nfc : "", -1);
	GString *t = g_string_new(low);
	for (guint i = 0; i < G_N_ELEMENTS(tones); i++)
		for (char *at; (at = strstr(t->str, tones[i][0])) != NULL;)
			memcpy(at, tones[i][1], strlen(tones[i][1])); /* same length */
	g_strstrip(t->str);
	gsize n = strlen(t->str);
	while (n > 0 && strchr(".,;:-_…", t->str[n - 1]) != NULL)
		t->str[--n] = '\0';
	GArray *key = g_array_new(FALSE, FALSE, sizeof(gunichar));
	gboolean space = FALSE;
	for (const char *c = t->str; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_isspace(u)) {
			space = key->len > 0;
			continue;
		}
		if (space)
			g_array_append_val(key, (gunichar){' '});
		space = FALSE;
		g_array_append_val(key, u);
	}
	g_string_free(t, TRUE);
	g_free(low);
	g_free(nfc);
	return key;
}

/* Edit distance of two keys, or a number over limit when it is. */
static int
gaz_distance(const GArray *a, const GArray *b, int limit)
{
	int n = (int)a->len, m = (int)b->len;

	if (abs(n - m) > limit)
		return limit + 1;
	int *prev = g_new(int, m + 1), *cur = g_new(int, m + 1);
	for (int j = 0; j <= m; j++)
		prev[j] = j;
	for (int i = 1; i <= n; i++) {
		int best = cur[0] = i;
		for (int j = 1; j <= m; j++) {
			int sub = prev[j - 1] + (g_array_index(a, gunichar, i - 1) !=
			                         g_array_index(b, gunichar, j - 1));
			cur[j] = MIN(sub, MIN(prev[j], cur[j - 1]) + 1);
			best = MIN(best, cur[j]);
		}
		int *t = prev;
		prev = cur;
		cur = t;
		if (best > limit) {
			prev[m] = limit + 1;
			break;
		}
	}
	int d = prev[m];
	g_free(prev);
	g_free(cur);
	return d;
}

struct gaz_best {
	const GArray *key;
	int limit;
	int dist;
	gboolean tie;
	char *entry;
};

/* Weigh one candidate entry. */
static void
gaz_try(struct gaz_best *b, const char *entry)
{
	GArray *k = gaz_key(entry);
	int d = gaz_distance(b->key, k, b->limit);

	g_array_free(k, TRUE);
	if (d > b->limit || d > b->dist)
		return;
	if (d == b->dist && b->entry != NULL) {
		b->tie = b->tie || strcmp(b->entry, entry) != 0;
		return;
	}
	g_free(b->entry);
	b->entry = g_strdup(entry);
	b->dist = d;
	b->tie = FALSE;
}

/* The unit a name read by OCR stands for; see gazetteer.h (interned). */
const char *
gazetteer_match(const char *name, const char *const *extra, int *distance)
{
	GArray *key = gaz_key(name != NULL ? name : "");
	struct gaz_best b = {key, (int)key->len / 10, G_MAXINT, FALSE, NULL};

	if (key->len >= 4) {
		for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
			gaz_try(&b, units[i]);
		for (gsize i = 0; i < G_N_ELEMENTS(placed); i++)
			for (gsize j = 0; j < placed[i].n; j++)
				for (int t = 0; placed[i].titles[t] != NULL; t++) {
					char *e = g_strconcat(placed[i].titles[t], " ",
					                      placed[i].places[j], NULL);
					gaz_try(&b, e);
					g_free(e);
				}
		for (int i = 0; extra != NULL && extra[i] != NULL; i++)
			gaz_try(&b, extra[i]);
	}
	g_array_free(key, TRUE);
	const char *found = b.entry != NULL && !b.tie ? g_intern_string(b.entry) : NULL;
	if (distance != NULL)
		*distance = found != NULL ? b.dist : -1;
	g_free(b.entry);
	return found;
}
