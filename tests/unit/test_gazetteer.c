/* test_gazetteer.c - unit names read by OCR, repaired towards the gazetteer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "gazetteer.h"

struct row {
	const char *label, *input, *want; /* want NULL: no unit */
	int distance;
};

static const char *const configured[] = {"Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng", NULL};

static const struct row rows[] = {
    {"as it is", "Sở Tư pháp", "Sở Tư pháp", 0},
    {"old tone placement, case", "sở văn hoá và thể thao", "Sở Văn hóa và Thể thao", 0},
    {"end punctuation", "Sở Khoa học và Công nghệ:.", "Sở Khoa học và Công nghệ", 0},
    {"a tone misread", "UBND quận Liên Chiếu", "UBND quận Liên Chiểu", 1},
    {"a letter misread", "Sở Khoa học và Cõng nghệ", "Sở Khoa học và Công nghệ", 1},
    {"two letters in a long name", "Sở Nông nghiệp và Phát triên nông thỏn",
     "Sở Nông nghiệp và Phát triển nông thôn", 2},
    {"a ward", "UBND phường Hòa Khánh Bẳc", "UBND phường Hòa Khánh Bắc", 1},
    {"a commune", "Ủy ban nhân dân xã Hòa Phong", "Ủy ban nhân dân xã Hòa Phong", 0},
    {"a configured unit", "Trung tâm Phát triền Hạ tầng CNTT Đà Nẵng",
     "Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng", 1},
    {"too far: cut short", "Sở Khoa học và Câng", NULL, -1},
    {"a company is no unit", "Công ty TNHH Thiết kế Web Cầu Rồng", NULL, -1},
    {"too short to judge", "Sở", NULL, -1},
    {"empty", "", NULL, -1},
};

/* Each row's name matched against the gazetteer and the configured units. */
static void
t_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int d = -2;
		const char *got = gazetteer_match(rows[i].input, configured, &d);
		if ((got == NULL) != (rows[i].want == NULL) ||
		    (got != NULL && strcmp(got, rows[i].want) != 0) || d != rows[i].distance)
			fail_msg("%s: \"%s\" gave %s (%d), want %s (%d)", rows[i].label,
			         rows[i].input, got ? got : "(none)", d,
			         rows[i].want ? rows[i].want : "(none)", rows[i].distance);
	}
}

/* Two entries as near as each other: no answer rather than a guess. */
static void
t_tie(void **state)
{
	(void)state;
	static const char *const two[] = {"Phòng Kinh tế A", "Phòng Kinh tế B", NULL};
	assert_null(gazetteer_match("Phòng Kinh tế C", two, NULL));
	assert_string_equal(gazetteer_match("Phòng Kinh tế B", two, NULL), "Phòng Kinh tế B");
	assert_null(gazetteer_match(NULL, NULL, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_match),
	    cmocka_unit_test(t_tie),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
