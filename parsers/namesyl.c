/* namesyl.c - the syllables of Vietnamese people's names; see namesyl.h. */
#include "namesyl.h"

#include <string.h>

#include "text.h"

/* The syllables of Vietnamese people's names, with their tones.  Written
   for phieu by hand from general knowledge of Vietnamese naming: the
   family names most borne in Vietnam (the hundred or so of the usual
   lists, Nguyễn to Yên), the middle names in common use (Văn, Thị, Hữu,
   Ngọc, …) and the given names common among people born from the 1950s
   on, men's and women's.  Left out on purpose: syllables that are names
   but rare, when a far commoner name has the same letters with other marks
   ("Quyền" beside "Quyên", "Hiên" beside "Hiền", "Trầm" beside "Trâm",
   "Cam" beside "Cẩm"); a reading of them is doubted, as OCR gives them for
   the commoner one far more often than people bear them.  A syllable
   missing by oversight makes a right name doubtful, never a wrong one
   right: add it here.  A row holds words of one kind, a space between. */
static const char *const syllable_rows[] = {
    /* titles written before a name */
    "Ông Bà Anh Chị Cô Chú Em ThS TS KS CN BS PGS GS",
    /* family names */
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh",
    "Đoàn Trương Châu Lương Mai Cao Hà Tạ Thái Tô Lâm Phùng Vương Trịnh Đào Tôn Kiều",
    "Quách Lưu Triệu Thân Mạc Nghiêm Diệp Giang Hứa Từ Tăng Đàm Khúc Lại Chu Đồng La",
    "Âu Bạch Bế Cù Doãn Đậu Hầu Khổng Khương Kha Lò Lục Lữ Mã Nông Ông Phí Phó Quản",
    "Tiêu Tống Thạch Trình Ung Viên Ninh Lã Chế Cung Dư Hàn Lạc Liễu Thiều Tiết Mẫn",
    "Biện Giáp Khuất Nhâm Sầm Tất Đới Đổng Lô Ân Văn Vi Bành Lường Nhan Tào Ưng",
    "Trang Ôn",
    /* middle names */
    "Thị Hữu Đức Minh Ngọc Quang Thanh Xuân Thu Kim Bảo Gia Hoài Hồng Phương Anh",
    "Tuấn Công Đình Duy Trọng Quốc Thành Mạnh Thế Tiến Khánh Như Diệu Mỹ Thùy Thúy",
    "Cẩm Bích Hải Nhật Trung Bá Quý Tấn Phước Phúc Vĩnh Ánh Tường Khắc Sỹ Sĩ Viết",
    "Đăng Trí Tài Nhựt Ái Lệ Mộng Tuyết Vân Diễm Uyên Hạnh Yến Huyền Ngân Nhã Thục",
    "Bội Khả Kiến Chí Hiếu Thiên Thiện Huy Hoàn Đại Hưng Tú Cát Thảo Hương",
    /* given names */
    "An Ẩn Bắc Bách Bằng Biên Bình Bông Cảnh Chánh Châm Chi Chiến Chinh Chính Chung",
    "Cúc Cương Cường Dân Danh Du Dung Dũng Duyên Đan Đạo Đạt Điệp Định Đông Giao Hạ",
    "Hân Hào Hảo Hậu Hiền Hiển Hiệp Hiểu Hòa Hoa Hoan Học Hội Huân Huế Huệ Hùng",
    "Hường Hợp Khải Khang Khanh Khoa Khôi Khuê Khiêm Kiên Kiệt Lam Lan Lân Lập Liên",
    "Linh Loan Lộc Lợi Long Luân Lực Luyến Ly My Nam Năng Nga Ngà Nghĩa Nghị Nguyên",
    "Nguyệt Nhàn Nhân Nhất Nhi Nhiên Nhung Oanh Phát Phi Phong Phú Phụng Phượng Quân",
    "Quế Quyên Quyết Quỳnh Sang Sáng Sơn Sương Tâm Tân Thắm Thắng Thạnh Thi Thịnh",
    "Thơ Thọ Thoa Thông Thuận Thư Thuần Thủy Thương Thường Tiên Tín Tịnh Toàn Toản",
    "Trà Trâm Triết Trinh Trúc Truyền Tùng Tuyên Tuyền Tư Tự Vinh Việt Vy Vĩ Vượng",
    "Yên Hằng Hiệu Hoạt Hòe Huấn Hướng Kỳ Lành Lễ Lịch Liêm Luật Lụa Mận Mến Miên Mơ",
    "Na Nương Nữ Phấn Quỳ Sa Sinh Sửu Tạo Thiệu Thìn Thức Thuyết Tình Tỉnh Trác Trãi",
    "Tráng Trị Trực Tuệ Tuyến Uy Ước Vạn Vàng Vui Xuyến Cần Đảm Điền Bảy Ba Sáu Chín",
    "Mười Điểm Giàu Khiết Khoái Khởi Khuyên Lạng Liêu Lũy Ngôn Nhạn Nhị Nhuận Quảng",
    "Rạng Tặng Tề Thăng Thiêm Thiết Thoại Thới Tiệp Tính Trưng Trường Tuân Tuyển",
    "Vịnh Đoan Đương Sen Lài Thơm Mây Út Gấm Tươi Vỹ Thụy Lượng Luận Doanh Dạ Bé Trứ",
};

/* The key a word is looked up by: lower case, letters without marks ("đ"
   is a letter), then its marks sorted, so that where the tone mark sits
   does not count ("thuỳ", "thùy"); NULL when the word has no letter. */
static char *
syllable_key(const char *word)
{
	char *low = g_utf8_strdown(word, -1), *nfd = g_utf8_normalize(low, -1, G_NORMALIZE_NFD);
	GString *letters = g_string_new(NULL);
	GArray *marks = g_array_new(FALSE, FALSE, sizeof(gunichar));

	for (const char *c = nfd != NULL ? nfd : ""; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_ismark(u)) {
			guint i = 0;
			while (i < marks->len && g_array_index(marks, gunichar, i) < u)
				i++;
			g_array_insert_val(marks, i, u);
		} else if (g_unichar_isalpha(u)) {
			g_string_append_unichar(letters, u);
		}
	}
	if (letters->len > 0)
		g_string_append_c(letters, '/');
	for (guint i = 0; i < marks->len; i++)
		g_string_append_unichar(letters, g_array_index(marks, gunichar, i));
	g_array_free(marks, TRUE);
	g_free(low);
	g_free(nfd);
	return letters->len > 0 ? g_string_free(letters, FALSE)
	                        : (g_string_free(letters, TRUE), NULL);
}

/* The table's keys, made once. */
static GHashTable *
syllable_set(void)
{
	static gsize ready;
	static GHashTable *set;

	if (g_once_init_enter(&ready)) {
		set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (guint i = 0; i < G_N_ELEMENTS(syllable_rows); i++) {
			char **words = g_strsplit(syllable_rows[i], " ", -1);
			for (int k = 0; words[k] != NULL; k++)
				g_hash_table_add(set, syllable_key(words[k]));
			g_strfreev(words);
		}
		g_once_init_leave(&ready, 1);
	}
	return set;
}

/* Whether a word is a syllable of names as written. */
gboolean
namesyl_known(const char *word)
{
	char *key = syllable_key(word);
	gboolean known = key != NULL && g_hash_table_contains(syllable_set(), key);

	g_free(key);
	return known;
}

/* Whether a word is to be judged: two letters or more, no digit. */
static gboolean
judged(const char *word)
{
	int letters = 0;

	for (const char *c = word; *c != '\0'; c = g_utf8_next_char(c)) {
		gunichar u = g_utf8_get_char(c);
		if (g_unichar_isdigit(u))
			return FALSE;
		letters += g_unichar_isalpha(u);
	}
	return letters >= 2;
}

/* Whether a person's name as read is to be doubted. */
gboolean
namesyl_doubtful(const char *name)
{
	char **words = g_regex_split_simple("[\\s,;:()\"'./-]+", name, 0, 0);
	gboolean marked = FALSE, doubtful = FALSE;

	for (const char *c = name; *c != '\0' && !marked; c++)
		marked = (guchar)*c >= 0x80;
	for (int i = 0; marked && words[i] != NULL && !doubtful; i++)
		doubtful = judged(words[i]) && !namesyl_known(words[i]);
	g_strfreev(words);
	return doubtful;
}
