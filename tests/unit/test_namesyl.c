/* test_namesyl.c - people's names read by OCR with a tone misread are doubted. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_known),
	    cmocka_unit_test(t_doubtful),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
