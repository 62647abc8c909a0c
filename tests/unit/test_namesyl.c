/* test_namesyl.c - people's and organisations' names read by OCR with a tone misread are doubted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "namesyl.h"

struct row {
	const char *label, *input;
	gboolean want;
};

/* Words, each a syllable of names or not. */
static const struct row known_rows[] = {
    {"a family name", "Nguyễn", TRUE},
    {"a middle name", "Thị", TRUE},
    {"a given name", "Trâm", TRUE},
    {"small letters", "trâm", TRUE},
    {"capitals", "HIỀN", TRUE},
    {"old tone placement", "Thuỳ", TRUE},
    {"decomposed", "Tra\xcc\x82m", TRUE},
    {"punctuation around", "(Thảo),", TRUE},
    {"a tone misread", "Trầm", FALSE},
    {"a circumflex misread", "Cấm", FALSE},
    {"a commoner name beside it", "Quyền", FALSE},
    {"a tone lost", "Hiên", FALSE},
    {"no mark left", "Cam", FALSE},
    {"no word", "--", FALSE},
    {"empty", "", FALSE},
};

/* People's names as read. */
static const struct row name_rows[] = {
    {"read right", "Nguyễn Phương Trâm", FALSE},
    {"read right, capitals", "NGUYỄN THỊ CẨM THẢO", FALSE},
    {"old tone placement", "Nguyễn Thị Thuỳ Hoà", FALSE},
    {"written without marks", "Nguyen Phuong Tram", FALSE},
    {"an initial", "Trần V. Hùng", FALSE},
    {"titles before it", "ThS. Bà Trần Thị Hằng", FALSE},
    {"a given name's tone misread", "Nguyễn Phương Trầm", TRUE},
    {"a middle name's mark misread", "Lê Thị Cấm Hòa", TRUE},
    {"a mark lost in a marked name", "Nguyễn Thị Cam Thảo", TRUE},
    {"a mark lost, the other misread", "Nguyễn Thị Cam Tháo", TRUE},
    {"a rare name beside a common one", "Nguyễn Thùy Quyền", TRUE},
    {"a family name misread", "Nguyên Văn Hùng", FALSE}, /* Nguyên is a given name */
    {"a family name with a tone lost", "Phàm Văn Hùng", TRUE},
    {"empty", "", FALSE},
};

/* Words, each a word of organisations' names or not. */
static const struct row org_known_rows[] = {
    {"a legal form", "Công", TRUE},
    {"a trade", "nghệ", TRUE},
    {"a place", "Nẵng", TRUE},
    {"a word of brands", "Rồng", TRUE},
    {"a people's name syllable", "Thảo", TRUE},
    {"a street's namesake", "Quyền", TRUE},
    {"capitals", "CẦU", TRUE},
    {"a tone misread", "Rông", FALSE},
    {"only in its phrase", "Câu", FALSE},
    {"a foreign word", "Web", FALSE},
    {"empty", "", FALSE},
};

/* Organisations' names as read. */
static const struct row org_rows[] = {
    {"read right", "Công ty TNHH Thiết kế Web Cầu Rồng", FALSE},
    {"read right, capitals", "CÔNG TY CỔ PHẦN CÔNG NGHỆ BIỂN XANH", FALSE},
    {"a school after a person", "Trường THPT Phan Châu Trinh", FALSE},
    {"a word only in its phrase", "Câu lạc bộ Hưu trí quận Sơn Trà", FALSE},
    {"a trade's phrase", "Công ty Cổ phần Chế biến Thủy sản Sông Hàn", FALSE},
    {"foreign words and acronyms", "Công ty TNHH Phần mềm FPT Smart Cloud", FALSE},
    {"a word no listed word has the letters of", "Công ty TNHH Gốm Bàu Trúc", FALSE},
    {"written without marks", "Cong ty TNHH Cau Rong", FALSE},
    {"a company's tones misread", "Công ty TNHH Thiết kế Web Câu Rông", TRUE},
    {"one tone misread", "Công ty TNHH Thiết kế Web Câu Rồng", TRUE},
    {"a hook read as an acute", "Công ty Cổ phần Công nghệ Biến Xanh", TRUE},
    {"a word out of its phrase", "Sở Nông nghiệp và Phát triển nông thôn thành phổ Đà Nẵng", TRUE},
    {"a tone where there is none", "Công ty Cổ phần Phần mềm Trường Sả", TRUE},
    {"capitals misread", "CÔNG TY TNHH CÂU RỒNG", TRUE},
    {"empty", "", FALSE},
};

/* Each word checked against the table. */
static void
t_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof known_rows / sizeof known_rows[0]; i++)
		if (namesyl_known(known_rows[i].input) != known_rows[i].want)
			fail_msg("%s: \"%s\" gave %d", known_rows[i].label, known_rows[i].input,
			         !known_rows[i].want);
}

/* Each name doubted or not. */
static void
t_doubtful(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof name_rows / sizeof name_rows[0]; i++)
		if (namesyl_doubtful(name_rows[i].input) != name_rows[i].want)
			fail_msg("%s: \"%s\" gave %d", name_rows[i].label, name_rows[i].input,
			         !name_rows[i].want);
}

/* Each word checked against the organisations' table. */
static void
t_org_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof org_known_rows / sizeof org_known_rows[0]; i++)
		if (namesyl_org_known(org_known_rows[i].input) != org_known_rows[i].want)
			fail_msg("%s: \"%s\" gave %d", org_known_rows[i].label,
			         org_known_rows[i].input, !org_known_rows[i].want);
}

/* Each organisation's name doubted or not. */
static void
t_org_doubtful(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof org_rows / sizeof org_rows[0]; i++)
		if (namesyl_org_doubtful(org_rows[i].input) != org_rows[i].want)
			fail_msg("%s: \"%s\" gave %d", org_rows[i].label, org_rows[i].input,
			         !org_rows[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_known),
	    cmocka_unit_test(t_doubtful),
	    cmocka_unit_test(t_org_known),
	    cmocka_unit_test(t_org_doubtful),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
