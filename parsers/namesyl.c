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

/* The words organisations' names are made of, besides people's name
   syllables (companies and schools are named after people): written for
   phieu by hand from general knowledge of Vietnamese, the legal forms of
   companies, the city's bodies and schools, the trades in companies'
   names, the words that name them (places of Đà Nẵng and the provinces,
   streets' and schools' namesakes, the words brands are made of) and the
   small words between.  A word missing here makes a right name doubtful
   only where a listed word has its letters with other marks ("dự" beside
   "Dư"): add it.  A row holds words of one kind, a space between. */
static const char *const org_rows[] = {
    /* legal forms and bodies */
    "Công ty Cổ phần TNHH Trách nhiệm hữu hạn Một thành viên Tập đoàn Tổng Chi nhánh",
    "Văn phòng đại diện Doanh nghiệp tư nhân Hợp tác xã Liên doanh hiệp Xí nghiệp",
    "Nhà máy Cửa hàng Cơ sở Hộ kinh Hãng Xưởng Sở Ban Ủy Uỷ nhân dân Hội đồng ủy uỷ",
    "Thành Quận Huyện Đảng Đoàn Mặt trận Tổ quốc Trung tâm cục Cục Bộ Vụ Viện Phòng",
    "Bệnh viện Trạm Trường Đại học Cao đẳng cấp Học viện thông Tiểu Mầm non trẻ",
    "Mẫu giáo Thư Bảo tàng Khu Cảng Sân bay Ga Kho bạc nước Thuế Hải quan Công an",
    "Quân sự đội Biên phòng Cảnh sát Tòa Toà án kiểm Thanh tra Lực lượng Liên",
    "Lao động Cựu chiến binh Phụ nữ Nông dân niên Chữ thập đỏ Báo Đài Phát truyền",
    "hình Tạp chí quận huyện phường xã thị trấn thành phố tỉnh thôn tổ Khoa Chỉ huy",
    /* trades */
    "Công nghệ tin Truyền Phần mềm Giải pháp Dịch vụ Thương mại Xây dựng Đầu tư triển",
    "Tư vấn Thiết kế Xuất nhập khẩu Sản xuất Du lịch Vận tải Giao Điện tử Viễn Mạng",
    "Hệ thống Số số hóa hoá Kỹ Kĩ thuật doanh Bất động sản Tài chính Ngân hàng Bảo hiểm",
    "hội Giáo dục Đào tạo Y tế Dược phẩm Thực Nông nghiệp Lâm Thủy Thuỷ sản Môi",
    "trường Tài nguyên Năng lượng lực Cấp thoát Kiến trúc Nội thất Quảng cáo In ấn",
    "bản Vật liệu Máy tính bị Văn phẩm khí Ô tô Khách sạn Nhà hàng Ẩm Thời trang May",
    "mặc Dệt Gỗ Thép Nhựa Hóa Hoá chất Khoáng chuyển Chuyển phát nhanh vận biển hải",
    "không An ninh toàn mật Dữ liệu Lưu trữ toán đám mây Trực tuyến Thông minh Tích",
    "hợp dẫn Quản lý Hạ tầng Khoa Thể thao Ngoại pháp Kế hoạch Thương Dân tộc Tôn",
    "công Xúc tiến Hỗ trợ nghiệp cao lượng đô Kinh Quy Đo đạc đồ Địa Đất đai ở Công",
    "trình Dự án Chiếu sáng Cây Vệ sinh Đăng Đường bộ sắt thủy Cầu đường định Phân",
    "tích Thí nghiệm cứu Ứng Sáng tạo Khởi Đổi mới Kết nối kết Cung ứng phối Bán lẻ",
    "Siêu thị máy thoại Di Tiếp Sự kiện Giải trí Phim Âm nhạc Nghệ Mỹ Nhiếp ảnh",
    "Sách chơi Trang trí toán Giám sát Thẩm Đấu giá chứng Luật sư Môi Sạch Đẹp Sống",
    "Khỏe Khoẻ Chăm sóc Sức khỏe khoẻ Răng Hàm Mắt Nhi Sản Tim Ung bướu Phục hồi",
    "Tâm thần Lao Phổi Da liễu Đa Khoa khoa Đông Tai Mũi Họng Nha Phòng khám",
    "lạnh hưu trí lãm Triển điêu khắc lữ sữa bia rượu bánh kẹo phê uống cơm phở bún",
    "mì ăn giấy bì kính sơn xi măng gạch cát sỏi nhôm cuốn điều hòa thang ống bán",
    "vi mạch tự nhiệt lò hơi gas xăng dầu nhiên pin sạc ắc xe đạp khách taxi buýt",
    "tàu thuyền ca nô bến bãi đỗ golf nghỉ biệt thự căn cư thuê kho đầu mối tạp",
    "tiện hiệu thuốc nha mỹ tóc giày dép túi xách sức quý hồ linh kiện phụ tiệc",
    "cưới tươi cảnh giống trồng phân bón thực vật thú chăn nuôi đông chợ",
    /* small words and common ones */
    "và của các cho với về tại trên dưới trong ngoài số thứ có không mới cũ lớn nhỏ",
    "đơn vị dụng sử Bổ chuyên phận bộ Quỹ Trưởng Phó cán việc làm kê Cổng Hỏi Đáp",
    "ký đặt tháng Tám Đống Đản Mạng Cách sự Trợ giúp pháp lý Kiểm định Cứu hộ nạn",
    "Phòng cháy chữa Cấp nước Thoát Điện lực Bưu chính điện Trật Tự Vệ Bảo vệ rừng",
    "Quản trị Giám định Pháp y Trẻ em Người cao tuổi khuyết tật Xã Nuôi",
    "dưỡng Chăm Dạy nghề Việc Tuyển Sinh Thi đua Khen thưởng Lưu Địa Văn thư Tiếp",
    "nhận Trả kết quả Một cửa hồ sơ thủ tục Hành chính Học tập Bồi dưỡng Chính trị",
    "Quy Nhơn Hàm Nghi",
    /* places: Đà Nẵng and the provinces */
    "Đà Nẵng Khê Sơn Trà Ngũ Hành Chiểu Lệ Vang Thạch Thang Tây Nam Hiên Cường Bắc",
    "Tam Gián Thạc Thọ Nại Mân Quý Hiệp Nhơn Khương Nà Hội Nội Hồ Cần Huế Ngãi",
    "Quảng Trị Gia Lai Kon Tum Đắk Lắk Nông Nghệ Hóa Hoá Hưng Tuyên Lào Cai Bái La",
    "Biên Bằng Lạng Nai Rịa Vũng Tàu Tiền Bến Tre Tháp Hậu Sóc Trăng Liêu Cà Mau",
    "Kạn Sài Gòn Kỳ Bàn Nẵng Đảo Miền Duyên",
    /* streets' and schools' namesakes */
    "Quyền Trãi Đôn Lợi Phủ Trinh Huệ Tộ Thuật Khải Duẩn Trưng Kiệt Thánh Tông Cừ",
    "Ích Khiêm Diệu Học Thúc Kháng Tố Hữu Đằng Chánh Phụng Hiến Tri Phương Thì",
    /* words brands are made of */
    "Việt Sao Rồng Sông Hàn Biển Xanh Trời Mặt Trăng Vàng Bạc Thiên Á Âu Đông",
    "Tân Thịnh Hưng Vượng Đạt Hợp Nhất Toàn Quốc Tế Trí Tuệ Mới Đỏ Tím Lửa Núi",
    "Non Hồ Cao Nguyên Thảo Mộc Sen Lúa Gạo Tre Bách Đỉnh Tầm Nhìn Tương Lai Thế",
    "Hệ Kỷ Vạn Ngàn Cửa Phố Chợ Khang Hoàn Vũ Trụ Hành Tinh Ngôi Cánh Diều Chim",
    "Hạc Phượng Lân Nhân Nghĩa Lễ Tín Sóng Gió Mây Mưa Nắng Tia Chớp Trai Lam Hồng",
    "Cửu Tiên Hải Vân Khê Nước Chàm Cù Lao Ngọc Xanh Đất Mới Mai Sáng Hoa Quê Làng",
    "Bông Cát Đá Sen Vàng Bình Minh Ánh Dương Thuận Phong Lộc Phúc Thọ Tài Kim Xuyên",
};

/* Words known in organisations' names only beside the words after them:
   "Câu" of "Câu lạc bộ", "phổ" of "phổ thông" and "biến" of "chế biến"
   are more often "Cầu", "phố" and "Biển" misread. */
static const char *const org_phrases[] = {
    "Câu lạc bộ",
    "Phổ biến",
    "phổ thông",
    "chế biến",
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

/* The keys of the words of organisations' names (people's name syllables
   among them) and their letters alone (the key up to its '/'), made once. */
static GHashTable *
org_set(GHashTable **letters)
{
	static gsize ready;
	static GHashTable *set, *lets;

	if (g_once_init_enter(&ready)) {
		set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		lets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		for (int t = 0; t < 2; t++) {
			const char *const *rows = t == 0 ? syllable_rows : org_rows;
			guint n = t == 0 ? G_N_ELEMENTS(syllable_rows) : G_N_ELEMENTS(org_rows);
			for (guint i = 0; i < n; i++) {
				char **words = g_strsplit(rows[i], " ", -1);
				for (int k = 0; words[k] != NULL; k++) {
					char *key = syllable_key(words[k]);
					if (key == NULL)
						continue;
					g_hash_table_add(lets, g_strndup(key, strcspn(key, "/")));
					g_hash_table_add(set, key);
				}
				g_strfreev(words);
			}
		}
		g_once_init_leave(&ready, 1);
	}
	if (letters != NULL)
		*letters = lets;
	return set;
}

/* Whether a word is one of organisations' names as written. */
gboolean
namesyl_org_known(const char *word)
{
	char *key = syllable_key(word);
	gboolean known = key != NULL && g_hash_table_contains(org_set(NULL), key);

	g_free(key);
	return known;
}

/* Whether a listed word has a word's letters (with other marks, or the
   same). */
static gboolean
org_letters_known(const char *word)
{
	GHashTable *letters;
	char *key = syllable_key(word);

	org_set(&letters);
	gboolean known = key != NULL;
	if (known)
		key[strcspn(key, "/")] = '\0';
	known = known && g_hash_table_contains(letters, key);
	g_free(key);
	return known;
}

/* Whether a word has a mark on a letter ("Rồng", not "Web", "TNHH" or "Đa"):
   words without marks in a marked name are foreign ones or acronyms more
   often than marks lost. */
static gboolean
has_mark(const char *word)
{
	char *nfd = g_utf8_normalize(word, -1, G_NORMALIZE_NFD);
	gboolean yes = FALSE;

	for (const char *c = nfd != NULL ? nfd : ""; *c != '\0' && !yes; c = g_utf8_next_char(c))
		yes = g_unichar_ismark(g_utf8_get_char(c));
	g_free(nfd);
	return yes;
}

/* Whether words[i] starts a phrase of org_phrases; marks its words in
 *in. */
static void
org_phrase_mark(char **words, int n, int i, gboolean *in)
{
	for (guint p = 0; p < G_N_ELEMENTS(org_phrases); p++) {
		char **pw = g_strsplit(org_phrases[p], " ", -1);
		int k = 0;
		for (; pw[k] != NULL && i + k < n; k++) {
			char *a = syllable_key(pw[k]), *b = syllable_key(words[i + k]);
			gboolean same = a != NULL && b != NULL && strcmp(a, b) == 0;
			g_free(a);
			g_free(b);
			if (!same)
				break;
		}
		if (pw[k] == NULL)
			for (int j = 0; j < k; j++)
				in[i + j] = TRUE;
		g_strfreev(pw);
	}
}

/* Whether an organisation's name as read is to be doubted. */
gboolean
namesyl_org_doubtful(const char *name)
{
	char **words = g_regex_split_simple("[\\s,;:()\"'./&+-]+", name, 0, 0);
	int n = (int)g_strv_length(words);
	gboolean marked = FALSE, doubtful = FALSE, *in = g_new0(gboolean, n + 1);

	for (const char *c = name; *c != '\0' && !marked; c++)
		marked = (guchar)*c >= 0x80;
	for (int i = 0; marked && i < n; i++)
		org_phrase_mark(words, n, i, in);
	for (int i = 0; marked && i < n && !doubtful; i++)
		doubtful = !in[i] && judged(words[i]) && has_mark(words[i]) &&
		           !namesyl_org_known(words[i]) && org_letters_known(words[i]);
	g_free(in);
	g_strfreev(words);
	return doubtful;
}
