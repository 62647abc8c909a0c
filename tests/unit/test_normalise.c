/* test_normalise.c - table-driven tests of the value normalisers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "normalise.h"
#include "text.h"

struct row {
	const char *label, *input, *want; /* want NULL: no value */
};

/* Run one table through a normaliser with a reference date of 2026-11. */
static void
run_table(const struct row *rows, size_t n, char *(*fn)(const char *))
{
	for (size_t i = 0; i < n; i++) {
		char *got = fn(rows[i].input);
		if ((got == NULL) != (rows[i].want == NULL) ||
		    (got != NULL && strcmp(got, rows[i].want) != 0))
			fail_msg("%s: \"%s\" gave %s, want %s", rows[i].label, rows[i].input,
			         got ? got : "(none)", rows[i].want ? rows[i].want : "(none)");
		g_free(got);
	}
}

static const struct row phones[] = {
    {"mobile with dots", "0817.401.941", "0817401941"},
    {"landline spaced", "0236 3985 132", "02363985132"},
    {"+84 landline", "+84 236 3001 832", "02363001832"},
    {"84- mobile", "84-566-816-309", "0566816309"},
    {"(+84) mobile", "(+84) 769079444", "0769079444"},
    {"area code in brackets", "(0236) 3647054", "02363647054"},
    {"odd grouping", "0236.3.076.956", "02363076956"},
    {"leading zero lost", "905123456", "0905123456"},
    {"text around", "ĐT: 0905 123 456 (giờ hành chính)", "0905123456"},
    {"too short", "12345", NULL},
    {"a date is not a phone", "14/09/2026", NULL},
    {"no digits", "không có", NULL},
    {"trunk zero kept after +84", "+84 (0) 905 123 456", "0905123456"},
    {"area code, spaced subscriber", "(0236) 3 888 410", "02363888410"},
    {"dashes", "0236-3-888-410", "02363888410"},
    {"two numbers, dash between", "0905 123 456 - 0236 3888 410", "0905123456"},
    {"two numbers, slash between", "0905123456/0914111222", "0905123456"},
    {"date before the number", "31/08/2026 0905 123 456", "0905123456"},
};

/* Several numbers on a line: the one that reaches the person. */
static const struct row best_phones[] = {
    {"labelled mobile second", "Tel: 0236 3888 410 - Mobile: 0905 123 456", "0905123456"},
    {"office and personal", "ĐT cơ quan: 02363 888 410; DĐ: 0914 111 222", "0914111222"},
    {"remarks in brackets", "0236 3888 410 (cơ quan), 0905 123 456 (di động)", "0905123456"},
    {"first mobile", "0236 3888 410 / 0905 123 456 / 0914 000 111", "0905123456"},
    {"fax is never it", "ĐT: 0236 3888 410, Fax: 0236 3888 879", "02363888410"},
    {"one number", "+84 236 3888 410", "02363888410"},
    {"none", "không có", NULL},
};

static const struct row emails[] = {
    {"upper case", "Tungtd@DANANG.GOV.VN", "tungtd@danang.gov.vn"},
    {"in text", "Email: vp.stp@danang.gov.vn.", "vp.stp@danang.gov.vn"},
    {"none", "không", NULL},
};

/* Dates with a reference of November 2026. */
static char *
date_nov(const char *s)
{
	return norm_date(s, 2026, 11);
}

static const struct row dates[] = {
    {"slashes", "14/9/2026", "2026-09-14"},
    {"dashes", "02-12-2026", "2026-12-02"},
    {"dots", "06.08.2026", "2026-08-06"},
    {"vietnamese words", "ngày 02 tháng 09 năm 2026", "2026-09-02"},
    {"without diacritics", "ngay 18 thang 03 nam 2026", "2026-03-18"},
    {"iso", "2026-12-05", "2026-12-05"},
    {"weekday first", "Thứ Ba, 24/03/2026", "2026-03-24"},
    {"two-digit year", "5/12/26", "2026-12-05"},
    {"no year: this year", "05/12", "2026-12-05"},
    {"no year, early month: next year", "thứ Hai 04/01", "2027-01-04"},
    {"english", "5 December 2026", "2026-12-05"},
    {"english month first", "Dec 5, 2026", "2026-12-05"},
    {"dots", "31.08.2026", "2026-08-31"},
    {"dashes, one-digit month", "31-8-2026", "2026-08-31"},
    {"weekday in words", "Thứ Hai, 31/08/2026", "2026-08-31"},
    {"words, one-digit month", "ngày 31 tháng 8 năm 2026", "2026-08-31"},
    {"tháng without ngày", "31 tháng 8, 2026", "2026-08-31"},
    {"short english", "1 Jun 2026", "2026-06-01"},
    {"english month first, long", "June 1, 2026", "2026-06-01"},
    {"ordinal", "1st June 2026", "2026-06-01"},
    {"ordinal of", "Monday, 1st of June, 2026", "2026-06-01"},
    {"english hyphens", "5-Dec-2026", "2026-12-05"},
    {"english slashes", "05/Dec/2026 14:00", "2026-12-05"},
    {"english without a year", "1 December", "2026-12-01"},
    {"english month first without a year", "Dec 1st", "2026-12-01"},
    {"máy is no May", "máy 2 hỏng", NULL},
    {"invalid day", "31/02/2026", NULL},
    {"nothing", "sớm nhất có thể", NULL},
};

static const struct row times[] = {
    {"colon", "8:30", "08:30"},
    {"h", "15h30", "15:30"},
    {"bare h", "9h", "09:00"},
    {"giờ phút", "9 giờ 30 phút", "09:30"},
    {"gio", "15 gio 30", "15:30"},
    {"afternoon", "1 giờ chiều", "13:00"},
    {"morning", "11:00 sáng", "11:00"},
    {"pm", "2pm", "14:00"},
    {"g", "9g30", "09:30"},
    {"giờ minutes", "9 giờ 45", "09:45"},
    {"pm with minutes", "1:00pm", "13:00"},
    {"24 h", "13h", "13:00"},
    {"leading zero", "09:45", "09:45"},
    {"am", "9am", "09:00"},
    {"pm spaced", "2:30 pm", "14:30"},
    {"dotted", "9.00", "09:00"},
    {"p.m. with dots", "4 p.m.", "16:00"},
    {"dotted pm", "2.30pm", "14:30"},
    {"not a date", "14/09/2026", NULL},
};

static const struct row datetimes[] = {
    {"date and time", "11:00 sáng thứ hai, ngày 20/04/2026", "2026-04-20T11:00"},
    {"time after date", "16.11.2026 8h45", "2026-11-16T08:45"},
    {"afternoon", "16h45 chiều thứ hai, ngày 09-02-2026", "2026-02-09T16:45"},
    {"date only", "Thu Ba, 24/03/2026", "2026-03-24"},
    {"english, at am", "Thursday, December 17, 2026 at 9am", "2026-12-17T09:00"},
    {"english, pm first", "2:30 pm, 15 Dec 2026", "2026-12-15T14:30"},
    {"words, weekday between", "14 giờ 30 phút thứ Tư, ngày 16 tháng 12 năm 2026",
     "2026-12-16T14:30"},
};

/* Datetimes with a reference of November 2026. */
static char *
datetime_nov(const char *s)
{
	return norm_datetime(s, 2026, 11);
}

static const struct row letters[] = {
    {"plain", "4242/UBND-KTN", "4242/UBND-KTN"},
    {"with date", "4314/UBND-ĐTĐT ngày 20/10/2026", "4314/UBND-ĐTĐT"},
    {"in words", "Van ban so 6242/UBND-SXD", "6242/UBND-SXD"},
    {"lower case", "so 77/ubnd-vp", "77/UBND-VP"},
    {"a date only", "20/10/2026", NULL},
};

/* Sub-domains under danang.gov.vn. */
static char *
subdomain_dn(const char *s)
{
	return norm_subdomain(s, "danang.gov.vn");
}

static const struct row subdomains[] = {
    {"full", "tuphap.danang.gov.vn", "tuphap.danang.gov.vn"},
    {"with scheme", "https://dulieumo.danang.gov.vn/", "dulieumo.danang.gov.vn"},
    {"bare label", "tuphap", "tuphap.danang.gov.vn"},
    {"upper case", "HoiNghi2026.DaNang.Gov.Vn", "hoinghi2026.danang.gov.vn"},
    {"other domain", "example.com", NULL},
};

static const struct row ips[] = {
    {"plain", "113.160.210.8", "113.160.210.8"},
    {"in text", "IP: 14.225.131.226 (máy chủ)", "14.225.131.226"},
    {"out of range", "300.1.1.1", NULL},
};

static const struct row urls[] = {
    {"https", "https://bqldadd.danang.gov.vn", "https://bqldadd.danang.gov.vn"},
    {"bare host", "hoavang.danang.gov.vn.", "hoavang.danang.gov.vn"},
    {"e-mail is not a url", "a@b.vn", NULL},
};

static const struct row texts[] = {
    {"leaders", "……… Sở Y tế", "Sở Y tế"},
    {"trailing dots", "Sở Y tế .......", "Sở Y tế"},
    {"sentence dot kept", "Cài đặt phần mềm.", "Cài đặt phần mềm."},
    {"spaces", "  Sở   Tư  pháp ", "Sở Tư pháp"},
    {"empty", " …… ", NULL},
};

static void
t_phone(void **s)
{
	run_table(phones, G_N_ELEMENTS(phones), norm_phone);
}
static void
t_phone_best(void **s)
{
	run_table(best_phones, G_N_ELEMENTS(best_phones), norm_phone_best);
}
static void
t_email(void **s)
{
	run_table(emails, G_N_ELEMENTS(emails), norm_email);
}
static void
t_date(void **s)
{
	run_table(dates, G_N_ELEMENTS(dates), date_nov);
}
static void
t_time(void **s)
{
	run_table(times, G_N_ELEMENTS(times), norm_time);
}
static void
t_datetime(void **s)
{
	run_table(datetimes, G_N_ELEMENTS(datetimes), datetime_nov);
}
static void
t_letter(void **s)
{
	run_table(letters, G_N_ELEMENTS(letters), norm_letter_ref);
}
static void
t_subdomain(void **s)
{
	run_table(subdomains, G_N_ELEMENTS(subdomains), subdomain_dn);
}
static void
t_ip(void **s)
{
	run_table(ips, G_N_ELEMENTS(ips), norm_ipv4);
}
static void
t_url(void **s)
{
	run_table(urls, G_N_ELEMENTS(urls), norm_url);
}
static void
t_text(void **s)
{
	run_table(texts, G_N_ELEMENTS(texts), norm_text);
}

/* Ranges of times with a date. */
static void
t_range(void **state)
{
	static const struct {
		const char *in;
		int y, m, d, h1, m1, h2, m2;
	} rows[] = {
	    {"từ 8:30 đến 9 giờ 30 phút ngày 14/9/2026", 2026, 9, 14, 8, 30, 9, 30},
	    {"1 giờ chiều - 15h30, 24-07-2026", 2026, 7, 24, 13, 0, 15, 30},
	    {"tu 14 gio 45 den 16h45 ngay 08.05.2026", 2026, 5, 8, 14, 45, 16, 45},
	    {"9h00 ngày 05/12/2026", 2026, 12, 5, 9, 0, -1, 0},
	    {"từ 8:00 đến 9:00", 0, 0, 0, 8, 0, 9, 0},
	    {"8h-9h30", 0, 0, 0, 8, 0, 9, 30},
	    {"09:00-11:00 31/08/2026", 2026, 8, 31, 9, 0, 11, 0},
	    {"14h00 ngày 31/08/2026 đến 16h00", 2026, 8, 31, 14, 0, 16, 0},
	    {"between 9:00 and 10:30 on 1 June 2026", 2026, 6, 1, 9, 0, 10, 30},
	    {"1:00pm to 3:30pm", 0, 0, 0, 13, 0, 15, 30},
	    {"9h30 ngày 31/8/2026, dự kiến ra lúc 11h", 2026, 8, 31, 9, 30, 11, 0},
	    {"9.00–11.00", 0, 0, 0, 9, 0, 11, 0},
	    {"9am - 11.30am", 0, 0, 0, 9, 0, 11, 30},
	    {"from 2:30 pm to 4:00 pm on 12 December 2026", 2026, 12, 12, 14, 30, 16, 0},
	    {"12/12/2026, 9.00 - 11.00", 2026, 12, 12, 9, 0, 11, 0},
	    {"Tue 15 Dec 2026, 10am-12pm", 2026, 12, 15, 10, 0, 12, 0},
	    {"13h30 - 15h, 11/12/2026", 2026, 12, 11, 13, 30, 15, 0},
	    {"2-4pm, 10/12/2026", 2026, 12, 10, 14, 0, 16, 0},
	    {"8 - 10h", 0, 0, 0, 8, 0, 10, 0},
	    {"từ 8 đến 10 giờ", 0, 0, 0, 8, 0, 10, 0},
	    {"from 9 to 11 a.m.", 0, 0, 0, 9, 0, 11, 0},
	    {"Lô 2 - 9h", 0, 0, 0, 9, 0, -1, 0},
	    {"ngày 15 - 9h", 0, 0, 0, 9, 0, -1, 0},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct norm_date d;
		struct norm_time a, b;
		assert_true(norm_time_range(rows[i].in, 2026, 11, &d, &a, &b));
		if (d.y != rows[i].y || d.m != rows[i].m || d.d != rows[i].d || a.h != rows[i].h1 ||
		    a.min != rows[i].m1 || b.h != rows[i].h2 || (b.h >= 0 && b.min != rows[i].m2))
			fail_msg("\"%s\": got %d-%d-%d %d:%d-%d:%d", rows[i].in, d.y, d.m, d.d, a.h,
			         a.min, b.h, b.min);
	}
}

/* Yes and no. */
static void
t_bool(void **state)
{
	assert_int_equal(norm_bool("Không"), 0);
	assert_int_equal(norm_bool("khong"), 0);
	assert_int_equal(norm_bool("Có (đã gọi điện)"), 1);
	assert_int_equal(norm_bool("yes"), 1);
	assert_int_equal(norm_bool("có lẽ"), 1);
	assert_int_equal(norm_bool("chưa rõ"), -1);
}

/* Identity card numbers. */
static void
t_id(void **state)
{
	char *v = norm_id_no("049372666786");
	assert_string_equal(v, "049372666786");
	g_free(v);
	v = norm_id_no("CMND: 209 877 300");
	assert_string_equal(v, "209877300");
	g_free(v);
	assert_null(norm_id_no("0905123456"));
}

/* Edit distance by characters, without case, capped. */
static void
t_distance(void **state)
{
	assert_int_equal(text_distance("ho ten", "ho ten", -1), 0);
	assert_int_equal(text_distance("dien thoai", "dien thaoi", -1), 2);
	assert_int_equal(text_distance("Đường", "đường", -1), 0);
	assert_int_equal(text_distance("Nguyễn", "Nguyên", -1), 1); /* one character, 2 bytes */
	assert_int_equal(text_distance("", "abc", -1), 3);
	assert_int_equal(text_distance("abcdefgh", "stuvwxyz", 2), 3); /* capped at cap + 1 */
	assert_int_equal(text_distance("a", "abcdef", 2), 3);
	assert_int_equal(text_distance("kitten", "sitting", 3), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_distance),   cmocka_unit_test(t_phone),
	    cmocka_unit_test(t_email),      cmocka_unit_test(t_date),
	    cmocka_unit_test(t_time),       cmocka_unit_test(t_datetime),
	    cmocka_unit_test(t_range),      cmocka_unit_test(t_letter),
	    cmocka_unit_test(t_subdomain),  cmocka_unit_test(t_ip),
	    cmocka_unit_test(t_url),        cmocka_unit_test(t_text),
	    cmocka_unit_test(t_bool),       cmocka_unit_test(t_id),
	    cmocka_unit_test(t_phone_best),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
