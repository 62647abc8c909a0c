/* test_prose.c - table-driven tests of requests written as sentences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "forward.h"
#include "prose.h"

struct row {
	const char *label, *text, *key, *want; /* want NULL: key absent */
};

static const struct row rows[] = {
    {"unit as the subject", "Sở Tư pháp đề nghị tạo hộp thư công vụ cho bà Nguyễn Thị Hoa.",
     "requesting_unit", "Sở Tư pháp"},
    {"unit, last clause before the verb",
     "Thực hiện Công văn số 4512/UBND-KTN của UBND thành phố, UBND quận Thanh Khê đề nghị "
     "tạo tên miền con dvc.thanhkhe.danang.gov.vn.",
     "requesting_unit", "UBND quận Thanh Khê"},
    {"unit after của", "Phong Ke toan cua Trung tam Van hoa thanh pho bi mat mang.",
     "requesting_unit", "Trung tam Van hoa thanh pho"},
    {"unit on behalf of",
     "On behalf of the Hai Chau District People's Committee, please create a sub-domain.",
     "requesting_unit", "Hai Chau District People's Committee"},
    {"unit we are from", "We are from VNPT Da Nang and would like to visit the server room.",
     "requesting_unit", "VNPT Da Nang"},
    {"unit named by its last word, unit",
     "The Smart City Project Management Unit would like to request two new mailboxes.",
     "requesting_unit", "Smart City Project Management Unit"},
    {"our unit is no name", "Our unit would like to request two new mailboxes.", "requesting_unit",
     NULL},
    {"a bare office word is no unit", "Văn phòng gửi phiếu đề nghị.", "requesting_unit", NULL},
    {"contact after liên hệ",
     "Mọi thông tin xin liên hệ ông Trần Văn Nam, số điện thoại 0935 246 810.", "contact_name",
     "Trần Văn Nam"},
    {"a title stands for the courtesy word",
     "Moi chi tiet xin lien he Chanh Van phong Nguyen Van Binh, DT 0236 3 822 111.", "contact_name",
     "Nguyen Van Binh"},
    {"a title after liên hệ, with diacritics",
     "Xin liên hệ Phó Trưởng phòng Lê Thị Hà để biết thêm.", "contact_name", "Lê Thị Hà"},
    {"a title before a department is no contact",
     "Tạo hộp thư cho bà Đặng Thu Trang, chuyên viên Phòng Ngân sách.", "contact_name", NULL},
    {"contact's phone", "Mọi thông tin xin liên hệ ông Trần Văn Nam, số điện thoại 0935 246 810.",
     "contact_phone", "0935246810"},
    {"the writer introduces themself", "Em là Nguyễn Thị Hoa ở Sở Tư pháp.", "contact_name",
     "Nguyễn Thị Hoa"},
    {"signature name", "Đề nghị hỗ trợ kiểm tra mạng.\n\nTrân trọng,\nLê Văn Tâm\n", "contact_name",
     "Lê Văn Tâm"},
    {"administrator", "Our technical administrator is Mr. Phan Quoc Bao (phone 0905 777 888).",
     "admin_phone", "0905777888"},
    {"mailbox create", "Đề nghị tạo hộp thư công vụ cho bà Nguyễn Thị Hoa.", "mailbox_action",
     "create"},
    {"mailbox cancel, no diacritics", "De nghi huy hop thu cong vu cua ong Nguyen Van Long.",
     "mailbox_action", "cancel"},
    {"mailbox change in the next sentence",
     "Em bi quen mat khau hop thu. Nho anh chi cap lai mat khau giup em.", "mailbox_action",
     "change"},
    {"a question is no action", "Cho em hỏi cài chữ ký hộp thư ở đâu ạ?", "mailbox_action", NULL},
    {"sub-domain", "Đề nghị tạo tên miền con dvc.thanhkhe.danang.gov.vn trỏ về IP 103.1.2.3.",
     "subdomain", "dvc.thanhkhe.danang.gov.vn"},
    {"an address's domain is no sub-domain", "Tên miền: gửi về a@tuphap.danang.gov.vn.",
     "subdomain", NULL},
    {"ip", "Please point the sub-domain to 10.1.2.3 for our system.", "target_ip", "10.1.2.3"},
    {"purpose after để",
     "Đăng ký vào phòng máy chủ ngày 12/12/2026 lúc 9h để bảo trì máy chủ: "
     "ông Trần Văn Nam.",
     "purpose", "bảo trì máy chủ"},
    {"purpose after to <verb>", "We would like to access the server room to replace a switch.",
     "purpose", "replace a switch"},
    {"visit date", "Đăng ký vào phòng máy chủ ngày 12/12/2026 lúc 9h để bảo trì.", "_when_date",
     "2026-12-12"},
    {"visit time", "Đăng ký vào phòng máy chủ ngày 12/12/2026 lúc 9h để bảo trì.", "_when_from",
     "09:00"},
    {"a range in words", "Ngày 21/12/2026, từ 14h00 đến 16h00.", "_when_to", "16:00"},
    {"a date in a reason clause",
     "Đề nghị hủy hộp thư của ông Nguyễn Văn Long do đã nghỉ hưu từ "
     "ngày 01/12/2026.",
     "_when_date", NULL},
    {"identity numbers are no time", "Đăng ký cho ông Trần Văn Nam (CCCD 048095001234).",
     "_when_from", NULL},
    {"place of support", "Mất mạng tại tầng 3, tòa nhà số 42 Phan Châu Trinh.", "location",
     "tầng 3, tòa nhà số 42 Phan Châu Trinh"},
    {"category from the problem", "Máy tính không truy cập được phần mềm kế toán.", "category",
     "software"},
    {"no problem, no category", "Đề nghị cập nhật mã nguồn website.", "category", NULL},
    {"loose phone", "Dạ, số điện thoại liên hệ của chị Hạnh là 0905 668 112 ạ.", "contact_phone",
     "0905668112"},
    {"thủ tục as a noun is no question",
     "Ban Quan ly de nghi cap nhat ma nguon website https://dhpiza.danang.gov.vn de bo sung "
     "chuyen muc thu tuc dau tu.",
     "website_url", "https://dhpiza.danang.gov.vn"},
    {"của twice: \"một cửa của UBND …\"",
     "Phần mềm tại bộ phận một cửa của UBND phường Thanh Khê Tây bị lỗi.", "requesting_unit",
     "UBND phường Thanh Khê Tây"},
    {"place at the head office", "Nhờ cử người kiểm tra tại trụ sở phường, số 123 Hà Huy Tập.",
     "location", "trụ sở phường, số 123 Hà Huy Tập"},
    {"thủ tục as a question", "Cho biet thu tuc nhu the nao de tao hop thu?", "mailbox_action",
     NULL},
    {"english range with pm",
     "We would like to request access to the server room on 12 December 2026 from 2:30 pm to "
     "4:00 pm.",
     "_when_to", "16:00"},
};

/* Each row through prose_read, on an empty field set. */
static void
t_rows(void **state)
{
	struct fields_opts o;

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		JsonObject *f = json_object_new();
		prose_read(rows[i].text, &o, f);
		const char *got = json_object_has_member(f, rows[i].key)
		                      ? json_object_get_string_member(f, rows[i].key)
		                      : NULL;
		if ((got == NULL) != (rows[i].want == NULL) ||
		    (got != NULL && strcmp(got, rows[i].want) != 0))
			fail_msg("%s: %s gave %s, want %s", rows[i].label, rows[i].key,
			         got ? got : "(none)", rows[i].want ? rows[i].want : "(none)");
		json_object_unref(f);
	}
}

/* People of a list: two visitors with their identity numbers. */
static void
t_people(void **state)
{
	struct fields_opts o;
	JsonObject *f = json_object_new();

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	prose_read("Xin đăng ký cho 2 cán bộ vào phòng máy chủ: ông Trần Văn Nam (CCCD "
	           "048095001234) và ông Lê Minh (CCCD 048096004321).",
	           &o, f);
	JsonArray *p = json_object_get_array_member(f, "_people");
	assert_non_null(p);
	assert_int_equal(json_array_get_length(p), 2);
	assert_string_equal(
	    json_object_get_string_member(json_array_get_object_element(p, 1), "id_no"),
	    "048096004321");
	json_object_unref(f);
}

/* Around a typed form: "Chức vụ:" is no closing "Chúc …"; the signer is
   the contact when no label named one, and the unit under the name is the
   one asking. */
static void
t_fill_signature(void **state)
{
	struct fields_opts o;
	JsonObject *f = json_object_new();

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	json_object_set_string_member(f, "contact_phone", "02363821567");
	prose_fill("Em gửi lại thông tin hộp thư cần cấp lại mật khẩu:\nChức vụ: Chuyên viên\n"
	           "Phòng ban: Phòng Tổng hợp\n\nTrân trọng,\nLê Văn Hưng\nSở Xây dựng\n",
	           &o, f);
	assert_string_equal(json_object_get_string_member(f, "contact_name"), "Lê Văn Hưng");
	assert_string_equal(json_object_get_string_member(f, "requesting_unit"), "Sở Xây dựng");
	json_object_unref(f);
}

/* A signature's office lines ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Thư ký") are
   no name: the name under them signs. */
static void
t_fill_signature_office(void **state)
{
	static const struct {
		const char *text;
		const char *name; /* NULL: none */
	} sig_rows[] = {
	    {"Đề nghị hủy hộp thư.\n\nTrân trọng,\nTL. GIÁM ĐỐC\nCHÁNH VĂN PHÒNG\nTrần Văn Phúc\n",
	     "Trần Văn Phúc"},
	    {"Đề nghị cập nhật.\n\nTrân trọng,\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\nTrần Văn Phúc\n",
	     "Trần Văn Phúc"},
	    {"Đề nghị cập nhật.\n\nTrân trọng,\nThư Ký\nHoàng Thị Mai\n", "Hoàng Thị Mai"},
	    {"Please update it.\n\nBest regards,\nDeputy Director\n", NULL},
	    {"Đề nghị cập nhật.\n\nTrân trọng,\nTM. ỦY BAN NHÂN DÂN\n", NULL},
	};
	struct fields_opts o;

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	for (gsize i = 0; i < G_N_ELEMENTS(sig_rows); i++) {
		JsonObject *f = json_object_new();
		prose_fill(sig_rows[i].text, &o, f);
		const char *got = json_object_has_member(f, "contact_name")
		                      ? json_object_get_string_member(f, "contact_name")
		                      : NULL;
		if (g_strcmp0(got, sig_rows[i].name) != 0)
			fail_msg("row %zu: got %s", i, got != NULL ? got : "(none)");
		json_object_unref(f);
	}
}

/* An address written before its owner: "hộp thư x@… của bà A", "the
   mailbox x@… of Mr A". */
static void
t_address_before_person(void **state)
{
	static const char *const texts[] = {
	    "Văn phòng đề nghị cấp lại mật khẩu hộp thư công vụ thuyhtt@danang.gov.vn của bà "
	    "Hồ Thị Thanh Thủy do bà quên mật khẩu.",
	    "Please reset the password of the mailbox thuyhtt@danang.gov.vn of Ms. Ho Thi Thanh "
	    "Thuy.",
	};
	struct fields_opts o;

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
		JsonObject *f = json_object_new();
		prose_read(texts[i], &o, f);
		JsonArray *p = json_object_get_array_member(f, "_people");
		assert_non_null(p);
		assert_string_equal(
		    json_object_get_string_member(json_array_get_object_element(p, 0), "address"),
		    "thuyhtt@danang.gov.vn");
		json_object_unref(f);
	}
}

/* A reply's own text and history: top-posted, bottom-posted, Outlook. */
static void
t_history(void **state)
{
	static const struct {
		const char *text, *own, *first;
		guint n;
	} cases[] = {
	    {"Số điện thoại 0905 123 456.\n\nOn Mon, 7 Dec 2026 at 9:00, A <a@b.vn> wrote:\n> "
	     "Hỏi?\n",
	     "Số điện thoại 0905 123 456.\n\n\n\n", "Hỏi?", 1},
	    {"On Mon, 7 Dec 2026 at 9:00, A <a@b.vn> wrote:\n> Hỏi?\n\nĐáp.\n", "\n\n\nĐáp.\n",
	     "Hỏi?", 1},
	    {"Mới.\n\nFrom: A <a@b.vn>\nSent: Monday\nTo: b@c.vn\nSubject: X\n\nCũ.\n", "Mới.\n",
	     "\nCũ.\n", 1},
	    {"> a\n>> b\n", "\n\n", "a\n", 2},
	    {"Mới.\n\nVào Th 2, 7 thg 12, 2026 lúc 09:12 A <a@b.vn> đã viết:\n> Cũ.\n",
	     "Mới.\n\n\n\n", "Cũ.", 1},
	    {"Mới.\n\n-----Original Message-----\nFrom: A [mailto:a@b.vn]\nSent: Thursday\n"
	     "To: b@c.vn\nSubject: X\n\nCũ.\n",
	     "Mới.\n", "\nCũ.\n", 1},
	};

	(void)state;
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *own = NULL;
		GPtrArray *h = forward_history(cases[i].text, &own);
		assert_string_equal(own, cases[i].own);
		assert_int_equal(h->len, cases[i].n);
		assert_string_equal(g_ptr_array_index(h, 0), cases[i].first);
		g_ptr_array_free(h, TRUE);
		g_free(own);
	}
}

/* The sentences around a typed form fill only its gaps, and only some keys. */
static void
t_fill(void **state)
{
	static const char text[] =
	    "On behalf of the Da Nang Department of Tourism we kindly request a new subdomain.\n"
	    "We would like to come on 12 December 2026 from 9:00 to 11:00 to check the rack.\n"
	    "Please contact Mr. Lee Min-ho.\n";
	struct fields_opts o;
	JsonObject *f = json_object_new();

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	json_object_set_string_member(f, "contact_name", "Tran Bao Ngoc");
	prose_fill(text, &o, f);
	assert_string_equal(json_object_get_string_member(f, "requesting_unit"),
	                    "Da Nang Department of Tourism");
	assert_string_equal(json_object_get_string_member(f, "_when_from"), "09:00");
	assert_string_equal(json_object_get_string_member(f, "purpose"), "check the rack");
	assert_string_equal(json_object_get_string_member(f, "contact_name"), "Tran Bao Ngoc");
	json_object_unref(f);

	/* a date the labels gave (the form's own) keeps the sentences' out;
	   a unit named as the approver is not the one asking */
	f = json_object_new();
	json_object_set_string_member(f, "request_date", "2026-12-01");
	prose_fill("Theo văn bản chấp thuận của UBND thành phố, đề nghị tạo tên miền ngày "
	           "12/12/2026.\n",
	           &o, f);
	assert_false(json_object_has_member(f, "_when_date"));
	assert_false(json_object_has_member(f, "requesting_unit"));
	json_object_unref(f);
}

/* Around a typed form, a day and hours fill the request's only from a
   sentence that asks for them, never from another event's. */
static void
t_fill_when_other(void **state)
{
	static const struct {
		const char *text;
		gboolean fills;
	} when_rows[] = {
	    {"We would like to come on 12/12/2026 from 9:00 to 11:00.\n", TRUE},
	    {"Đề nghị Trung tâm hỗ trợ vào 8h00 ngày 10/12/2026.\n", TRUE},
	    {"Tại cuộc họp ngày 03/12/2026 lúc 14h00, hai bên đã thống nhất phương án.\n", FALSE},
	    {"Our annual report is due on 15/12/2026.\n", FALSE},
	    {"The Department of Information and Communications reviewed the plan on "
	     "02/12/2026.\n",
	     FALSE},
	    {"Truoc day Ban Quan ly du an da de nghi ho tro ngay 20/11/2026 tu 8h00 den "
	     "10h00.\n",
	     FALSE},
	    {"Deploy version 2.3 of the portal.\n", FALSE},
	    {"The auditors came on 01/12/2026 from 08:00 to 11:00.\n", FALSE},
	};
	struct fields_opts o;

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	for (gsize i = 0; i < G_N_ELEMENTS(when_rows); i++) {
		JsonObject *f = json_object_new();
		json_object_set_string_member(f, "contact_name", "Tran Bao Ngoc");
		prose_fill(when_rows[i].text, &o, f);
		if (json_object_has_member(f, "_when_dt") != when_rows[i].fills)
			fail_msg("row %zu: %s", i, when_rows[i].text);
		assert_false(json_object_has_member(f, "_when_asks"));
		json_object_unref(f);
	}
}

/* Pathological input stays fast: a long run of names, quotes and hosts. */
static void
t_bounds(void **state)
{
	struct fields_opts o;
	GString *s = g_string_new(NULL);

	(void)state;
	fields_opts_init(&o, 2026, 12, "danang.gov.vn");
	for (int i = 0; i < 3000; i++)
		g_string_append(s, "ông Trần Văn Nam Lê Minh a.b.c.d.e.f.g.danang.gov.vn > ");
	g_string_append(s, "\n");
	for (int i = 0; i < 3000; i++)
		g_string_append(s, ">>>>>>>>>> x\nOn a b c d wrote:\n");
	gint64 t0 = g_get_monotonic_time();
	JsonObject *f = json_object_new();
	prose_read(s->str, &o, f);
	char *own = NULL;
	g_ptr_array_free(forward_history(s->str, &own), TRUE);
	g_free(own);
	json_object_unref(f);
	assert_true(g_get_monotonic_time() - t0 < 5 * G_USEC_PER_SEC);
	g_string_free(s, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_rows),
	    cmocka_unit_test(t_people),
	    cmocka_unit_test(t_address_before_person),
	    cmocka_unit_test(t_fill_signature),
	    cmocka_unit_test(t_fill_signature_office),
	    cmocka_unit_test(t_history),
	    cmocka_unit_test(t_fill),
	    cmocka_unit_test(t_fill_when_other),
	    cmocka_unit_test(t_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
