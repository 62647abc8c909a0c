/* test_fields.c - labelled fields read from typed bodies, and the type rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "attach.h"
#include "decide.h"
#include "fields.h"
#include "message.h"
#include "text.h"

static const struct fields_opts opts = {
    .ref_year = 2026, .ref_month = 11, .domain_suffix = "danang.gov.vn"};

struct row {
	const char *label, *text, *key, *want; /* want NULL: key absent */
};

/* One line or a few, one key each: the label tables at work. */
static const struct row rows[] = {
    {"vi label", "Đơn vị yêu cầu: Sở Tư pháp", "requesting_unit", "Sở Tư pháp"},
    {"no diacritics", "Don vi yeu cau: So Tu phap", "requesting_unit", "So Tu phap"},
    {"english", "Requesting unit: Department of Justice", "requesting_unit",
     "Department of Justice"},
    {"numbered", "3. Di động: 0914 000 111", "contact_phone", "0914000111"},
    {"bulleted", "- SĐT: +84 236 3888 410", "contact_phone", "02363888410"},
    {"plus bullet", "+ E-mail: VanPhong@STP.danang.gov.vn", "contact_email",
     "vanphong@stp.danang.gov.vn"},
    {"dotted leader", "Người liên hệ: ……… Nguyễn Thị Lan", "contact_name", "Nguyễn Thị Lan"},
    {"leader without colon", "Người liên hệ……………Nguyễn Thị Lan", "contact_name", "Nguyễn Thị Lan"},
    {"old tone placement", "Tên đơn vị: UBND quận Cẩm Lệ", "requesting_unit", "UBND quận Cẩm Lệ"},
    {"longest label wins", "Nội dung cập nhật: ☑ Mã nguồn", "description", NULL},
    {"technician is not the contact", "Cán bộ kỹ thuật thực hiện: Trần Văn B - ĐT: 0905000111",
     "contact_name", NULL},
    {"date label", "Ngày lập phiếu: ngày 04 tháng 02 năm 2026", "request_date", "2026-02-04"},
    {"place and date line", "Đà Nẵng, ngày 02 tháng 09 năm 2026", "request_date", "2026-09-02"},
    {"website", "Địa chỉ website: https://stp.danang.gov.vn", "website_url",
     "https://stp.danang.gov.vn"},
    {"subdomain", "Tên miền đăng ký: tuphap.danang.gov.vn", "subdomain", "tuphap.danang.gov.vn"},
    {"approval", "Văn bản chấp thuận của UBND thành phố: 4242/UBND-KTN ngày 1/10/2026",
     "approval_ref", "4242/UBND-KTN"},
    {"ip", "IP máy chủ: 113.160.210.8", "target_ip", "113.160.210.8"},
    {"checkbox create", "Hình thức: [x] Cấp mới  [ ] Thay đổi  [ ] Hủy bỏ", "mailbox_action",
     "create"},
    {"checkbox change", "De nghi: ☐ Cap moi ☑ Thay doi ☐ Huy bo", "mailbox_action", "change"},
    {"plain cancel", "Hình thức: Hủy bỏ", "mailbox_action", "cancel"},
    {"password reset is a change", "Loại yêu cầu: cấp lại mật khẩu", "mailbox_action", "change"},
    {"category box", "Hạng mục: ☐ Mạng ☐ Thư điện tử ☐ Website ☑ Phần mềm", "category", "software"},
    {"category words", "Loai ho tro: He thong mang", "category", "network"},
    {"priority", "Độ khẩn: [x] Khẩn cấp [ ] Bình thường", "priority", "urgent"},
    {"priority normal", "Muc do uu tien: Thuong", "priority", "normal"},
    {"visit range", "Thời gian vào phòng: từ 8:30 đến 9 giờ 30 phút ngày 14/9/2026", "time_to",
     "09:30"},
    {"visit date", "Thời gian vào phòng: từ 8:30 đến 10h ngày 14/9/2026", "visit_date",
     "2026-09-14"},
    {"exit time", "Giờ ra: 15 giờ 30", "time_to", "15:30"},
    {"quoted history ignored", "> Đơn vị yêu cầu: Sở Cũ", "requesting_unit", NULL},
    {"signature ignored", "Xin cảm ơn\n-- \nĐT: 0905999888", "contact_phone", NULL},
    {"on wrote ends reading", "On Mon, 1 Dec 2026, A <a@b.vn> wrote:\nĐơn vị yêu cầu: Sở X",
     "requesting_unit", NULL},
    {"continuation line", "Nội dung: Cài đặt lại máy in\nvà máy quét tầng 3", "description",
     "Cài đặt lại máy in và máy quét tầng 3"},
    {"password noted, not kept", "Mật khẩu: Abc#123", "_password", NULL},
    {"two-cell table row", "Đơn vị yêu cầu | Sở Y tế", "requesting_unit", "Sở Y tế"},
    {"value on the next line", "Người liên hệ:\nTrần Thị Hoa", "contact_name", "Trần Thị Hoa"},
    {"a sentence ending in a colon takes no value", "Đơn vị gửi phiếu đăng ký như sau:\nXin cảm ơn",
     "requesting_unit", NULL},
    {"two fields on one line", "Di động: 0905 111 222 ........ Email: a@b.vn", "contact_email",
     "a@b.vn"},
    {"unticked list of options", "Độ khẩn: Khẩn cấp  Bình thường", "priority", NULL},
    {"a blank with leaders takes no value from the next line",
     "Thời gian đề nghị: ..........\nĐà Nẵng, ngày 29 tháng 06 năm 2026", "_when_dt", NULL},
    {"the place and date line after a blank is the request date",
     "Thời gian đề nghị:\nĐà Nẵng, ngày 29 tháng 06 năm 2026", "request_date", "2026-06-29"},
    {"label cell ending in a colon", "Tên đơn vị: | Sở Tư pháp", "requesting_unit", "Sở Tư pháp"},
    {"two labelled cells side by side",
     "Số điện thoại: 0236-3106-180 | Địa chỉ email: an@stp.danang.gov.vn", "contact_email",
     "an@stp.danang.gov.vn"},
    {"from time", "+ Từ: 8:00\n+ Đến: 10:30", "time_to", "10:30"},
    {"a forwarded header is not a time", "Từ: Sở Y tế <vp@syt.danang.gov.vn>\nNgày: 05/12/2026",
     "time_from", NULL},
    /* labels as people write them */
    {"capitals, numbered 1)", "1) TÊN ĐƠN VỊ: SỞ TƯ PHÁP", "requesting_unit", "SỞ TƯ PHÁP"},
    {"roman numbering", "II. Người liên hệ: Trần Thị Hoa", "contact_name", "Trần Thị Hoa"},
    {"letter and slash", "a/ Email: HoaTT@danang.gov.vn", "contact_email", "hoatt@danang.gov.vn"},
    {"nested numbering", "1.2. Điện thoại: 0905 123 456", "contact_phone", "0905123456"},
    {"round bullet", "• Số di động: 0914 000 111", "contact_phone", "0914000111"},
    {"remark in brackets", "ĐIỆN THOẠI (DI ĐỘNG): 0905.123.456", "contact_phone", "0905123456"},
    {"Mobile", "Mobile: +84 905 123 456", "contact_phone", "0905123456"},
    {"Cán bộ phụ trách", "Cán bộ phụ trách: Lê Văn Tám", "contact_name", "Lê Văn Tám"},
    {"Cơ quan", "- Cơ quan: UBND quận Sơn Trà", "requesting_unit", "UBND quận Sơn Trà"},
    {"English person in charge", "Person in charge: Michael Brown", "contact_name",
     "Michael Brown"},
    {"English organisation", "Organisation name: Danang Heritage Centre", "requesting_unit",
     "Danang Heritage Centre"},
    {"English department is the unit", "Department: Danang Department of Health", "requesting_unit",
     "Danang Department of Health"},
    {"an IP in brackets after the sub-domain",
     "Tên miền đăng ký: ketoan.danang.gov.vn (trỏ về IP 103.101.160.99)", "target_ip",
     "103.101.160.99"},
    {"label alone, value below", "Tên đơn vị\nSở Tư pháp", "requesting_unit", "Sở Tư pháp"},
    {"label alone in capitals", "NGƯỜI LIÊN HỆ\nTrần Thị Hoa", "contact_name", "Trần Thị Hoa"},
    {"a label alone is no value of the label above", "Địa điểm\nNội dung yêu cầu\nCài lại máy",
     "location", NULL},
    {"... and takes its own value", "Địa điểm\nNội dung yêu cầu\nCài lại máy", "description",
     "Cài lại máy"},
    {"underscore leaders", "Đơn vị ___________ Sở Tư pháp", "requesting_unit", "Sở Tư pháp"},
    {"dash leaders", "Họ tên ----------- Phạm Văn Dũng", "contact_name", "Phạm Văn Dũng"},
    {"tilde leaders", "SĐT ~~~~~~~~ 0905 333 444", "contact_phone", "0905333444"},
    {"middle dot leaders", "Email · · · · · · dung@stp.danang.gov.vn", "contact_email",
     "dung@stp.danang.gov.vn"},
    {"spaced ellipsis leaders", "Địa điểm … … … Phòng 101", "location", "Phòng 101"},
    {"leaders before a colon further on", "Người liên hệ ------ Trần Văn A - ĐT: 0914 552 093",
     "contact_name", "Trần Văn A"},
    {"dashes after unknown words are no leaders", "Chú ý --- đọc kỹ\nĐơn vị: Sở Y tế",
     "requesting_unit", "Sở Y tế"},
    {"a second field after the name", "Người liên hệ: Nguyễn Thị Hoa - ĐT: 0905 100 200",
     "contact_phone", "0905100200"},
    {"... the name without it", "Người liên hệ: Nguyễn Thị Hoa - ĐT: 0905 100 200", "contact_name",
     "Nguyễn Thị Hoa"},
    {"a phone label without a colon", "Người liên hệ: Nguyễn Văn A, SĐT 0905 123 456",
     "contact_phone", "0905123456"},
    {"the phone in brackets", "Người liên hệ: Đinh Công Trứ (ĐT: 0975 303 118)", "contact_phone",
     "0975303118"},
    {"courtesy word dropped", "Người liên hệ: chị Nguyễn Thị Lan", "contact_name",
     "Nguyễn Thị Lan"},
    {"a family name is no courtesy word", "Người liên hệ: Chu Văn An", "contact_name",
     "Chu Văn An"},
    {"title dropped", "Người lập: Chánh Văn phòng Lê Văn Sơn", "contact_name", "Lê Văn Sơn"},
    {"two times on a line", "Giờ vào: 8h00 - Giờ ra: 10h30", "time_to", "10:30"},
    {"field table, values in the next row",
     "Tên đơn vị | Người liên hệ | Điện thoại\nSở Y tế | Lê Văn B | 0905 222 333", "contact_name",
     "Lê Văn B"},
    {"two labels side by side are a header", "Tên đơn vị | Người liên hệ\nSở Y tế | Lê Văn B",
     "requesting_unit", "Sở Y tế"},
    /* approval letters cited anywhere */
    {"letter cited in a sentence",
     "Căn cứ Công văn số 4242/UBND-KTN ngày 13/7/2026 của UBND thành phố", "approval_ref",
     "4242/UBND-KTN"},
    {"CV", "Đã được chấp thuận tại CV 4242/UBND-KTN.", "approval_ref", "4242/UBND-KTN"},
    {"English letter", "as approved in official letter No. 6388/UBND-KGVX dated 9 December",
     "approval_ref", "6388/UBND-KGVX"},
    {"a labelled letter wins over a cited one",
     "Căn cứ Công văn số 1111/UBND-KTN\nVăn bản chấp thuận: 2222/UBND-KTN", "approval_ref",
     "2222/UBND-KTN"},
    {"the unit's own number is no approval", "Số: 123/STP-VP", "approval_ref", NULL},
    {"a citation is no continuation", "Mục đích: Cổng thông tin\nCăn cứ Công văn số 4242/UBND-KTN",
     "purpose", "Cổng thông tin"},
    /* check boxes: the ticked option, never the boxes */
    {"ticked option of a text", "Nội dung: ☑ Cài đặt phần mềm ☐ Sửa máy in", "description",
     "Cài đặt phần mềm"},
    {"nothing ticked, nothing kept", "Nội dung: ☐ Cài đặt phần mềm ☐ Sửa máy in", "description",
     NULL},
    {"options on lines under the label", "Hạng mục:\n☐ Mạng\n☒ Phần mềm\n☐ Khác", "category",
     "software"},
    {"[x] lines", "Mức độ:\n[ ] Bình thường\n[x] Khẩn cấp", "priority", "urgent"},
    {"a lone tick names its choice", "✓ Cấp mới", "mailbox_action", "create"},
    /* values */
    {"weekday and g", "Thời gian: 9g30, Thứ Hai, 31/08/2026", "_when_dt", "2026-08-31T09:30"},
    {"English date and pm", "Preferred date: June 1, 2026 1:00pm", "_when_dt", "2026-06-01T13:00"},
    {"ngày tháng năm", "Ngày đề nghị: ngày 31 tháng 8 năm 2026", "request_date", "2026-08-31"},
    {"labelled mobile of two", "Điện thoại: 0236 3888 410 - Mobile: 0905 123 456", "contact_phone",
     "0905123456"},
    {"identity number is no phone", "CCCD: 048095001234", "contact_phone", NULL},
    {"a numbered name and phone is the contact", "1. Họ và tên: Nguyễn Văn A - ĐT: 0905123456",
     "contact_name", "Nguyễn Văn A"},
    /* a name, then a mailbox's address: the account's owner, not the contact */
    {"name then mailbox address",
     "Họ và tên: Trần Thị Mỹ Duyên\nĐịa chỉ hộp thư: duyenttm@danang.gov.vn", "contact_name", NULL},
    {"contact, then a name and a mailbox: the contact stays",
     "Contact person: Huynh Duc Thinh\nFull name: Le Thi Kim Anh\nMailbox: anhltk@danang.gov.vn",
     "contact_name", "Huynh Duc Thinh"},
    {"contact, an empty name, a mailbox: the contact stays",
     "Contact person: Huynh Duc Thinh\nFull name:\nMailbox: anhltk@danang.gov.vn", "contact_name",
     "Huynh Duc Thinh"},
    {"name then e-mail is the contact", "Họ và tên: Trần Thị Mỹ Duyên\nEmail: duyen@gmail.com",
     "contact_name", "Trần Thị Mỹ Duyên"},
    /* a bare date, then a time: the appointment; a blank line between: not */
    {"bare date then time", "Date: 12/12/2026\nTime: 9.00–11.00", "_when_dt", "2026-12-12T09:00"},
    {"bare date then time is no request date", "Ngày: 12/12/2026\nThời gian: 9h00", "request_date",
     NULL},
    {"bare date, blank, time", "Date: 12/12/2026\n\nTime: 9:00", "request_date", "2026-12-12"},
    /* a time of another thing (the letter sent, a meeting) leaves the date the letter's */
    {"bare date then time sent", "Date: 04/12/2026\nTime: 16:30 (sent after the weekly meeting)",
     "request_date", "2026-12-04"},
    {"bare date then time sent, no appointment",
     "Date: 04/12/2026\nTime: 16:30 (sent after the weekly meeting)", "_when_dt", NULL},
    {"bare date then meeting time", "Ngày: 04/12/2026\nThời gian: 14h00 (sau cuộc họp giao ban)",
     "request_date", "2026-12-04"},
    {"bare date then time in the meeting room", "Ngày: 12/12/2026\nThời gian: 9h00 tại phòng họp",
     "request_date", NULL},
    /* rows of people, a blank line, then a field: the list has ended */
    {"field after a list of rows",
     "Visitors:\n- Mr. Park Ji-hoon, passport M12345678\n\nOrganisation: Samsung SDS Vietnam",
     "requesting_unit", "Samsung SDS Vietnam"},
};

/* Each row through fields_extract. */
static void
t_rows(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		struct fields_result *r = fields_extract(rows[i].text, &opts);
		const char *got = json_object_has_member(r->fields, rows[i].key)
		                      ? json_object_get_string_member(r->fields, rows[i].key)
		                      : NULL;
		if ((got == NULL) != (rows[i].want == NULL) ||
		    (got != NULL && strcmp(got, rows[i].want) != 0))
			fail_msg("%s: %s = %s, want %s", rows[i].label, rows[i].key,
			         got ? got : "(absent)", rows[i].want ? rows[i].want : "(absent)");
		fields_result_free(r);
	}
}

/* A credential in the body is flagged so no reply echoes the body. */
static void
t_password_flag(void **state)
{
	struct fields_result *r = fields_extract("Tài khoản FTP: web\nMật khẩu: Abc#123\n", &opts);
	assert_true(r->password);
	fields_result_free(r);
	/* after another field on the same line */
	r = fields_extract("FTP account: tourism_dev / Password: Tr0pical#2027\n", &opts);
	assert_true(r->password);
	fields_result_free(r);
	r = fields_extract("Tài khoản: webadmin - MK: 123456\n", &opts);
	assert_true(r->password);
	fields_result_free(r);
}

/* The administrator block of the sub-domain form. */
static void
t_admin_block(void **state)
{
	const char *text = "Tên miền: dulieu.danang.gov.vn\n"
	                   "Cán bộ quản trị tên miền:\n"
	                   "9. Họ và tên: Nguyễn Kim Lan\n"
	                   "10. Di động: 0935366513\n"
	                   "11. Thư điện tử: lan@gmail.com\n"
	                   "12. Thời gian đề nghị thực hiện: 7/12/2026\n";
	struct fields_result *r = fields_extract(text, &opts);

	assert_string_equal(json_object_get_string_member(r->fields, "admin_name"),
	                    "Nguyễn Kim Lan");
	assert_string_equal(json_object_get_string_member(r->fields, "admin_phone"), "0935366513");
	assert_string_equal(json_object_get_string_member(r->fields, "admin_email"),
	                    "lan@gmail.com");
	assert_false(json_object_has_member(r->fields, "contact_name"));
	assert_string_equal(json_object_get_string_member(r->fields, "_when_dt"), "2026-12-07");
	fields_result_free(r);
}

/* Yes/no answers: a box before the label, words, boxes after it. */
static void
t_bools(void **state)
{
	static const struct {
		const char *text;
		int want; /* -1: absent */
	} cases[] = {
	    {"☑ Xử lý sự cố đột xuất", 1},
	    {"☐ Xử lý sự cố đột xuất", 0},
	    {"Trường hợp khẩn cấp: ☐ Có ☑ Không", 0},
	    {"Emergency: Yes (reported by phone)", 1},
	    {"Mức độ:\n[ ] Bình thường\n[x] Khẩn cấp", -1},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fields_result *r = fields_extract(cases[i].text, &opts);
		int got = json_object_has_member(r->fields, "emergency")
		              ? json_object_get_boolean_member(r->fields, "emergency")
		              : -1;
		if (got != cases[i].want)
			fail_msg("\"%s\": emergency %d, want %d", cases[i].text, got,
			         cases[i].want);
		fields_result_free(r);
	}
}

/* The people of a list, however they are written: one field of one person. */
static void
t_people_forms(void **state)
{
	static const struct {
		const char *label, *text;
		int count, index;
		const char *key, *want;
	} cases[] = {
	    {"heading, dashed cases",
	     "Danh sách người vào phòng máy\n1. Nguyễn Văn A - CCCD 048095001234 - 0905 123 456\n"
	     "2. Trần Văn B - CMND số 201234567 - 0914 000 111",
	     2, 1, "id_no", "201234567"},
	    {"name lines, a column again is the next person",
	     "Visitors\nName: John Smith\nPassport: C1234567\nName: Jane Roe\nID: 048095001234", 2,
	     1, "id_no", "048095001234"},
	    {"numbered labelled pairs, no heading",
	     "1. Full name: Nguyen Thi Lan Anh - Position: Project assistant - Mobile: 0905 135 "
	     "790\n"
	     "2. Full name: Tran Duc Minh - Position: IT officer - Mobile: 0914 246 802",
	     2, 1, "position", "IT officer"},
	    {"a dash inside a labelled value stays",
	     "1. Họ và tên: Lê Hoàng Phúc - Phòng: Tin học - Thống kê - ĐT: 0914778990", 1, 0,
	     "department", "Tin học - Thống kê"},
	    {"passport", "Visitors\nName: John Smith\nPassport: c 1234567", 1, 0, "id_no",
	     "C1234567"},
	    {"people inline",
	     "Người vào phòng: Nguyễn Văn A (CCCD 048095001234), Trần Thị B (số định danh "
	     "049190007733)",
	     2, 1, "id_no", "049190007733"},
	    {"people inline, names only", "Visitors: John Smith, Jane Roe and Tom Hardy", 3, 2,
	     "full_name", "Tom Hardy"},
	    {"an organisation is no next person",
	     "Người vào phòng: Nguyễn Văn A, Công ty ABC, CCCD 048095001234", 1, 0, "id_no",
	     "048095001234"},
	    {"comma-separated labelled values, courtesy word",
	     "Người vào:\n- Ông Nguyễn Văn A, CCCD: 048095001234, ĐT: 0905123456", 1, 0,
	     "full_name", "Nguyễn Văn A"},
	    {"unnumbered cases",
	     "Danh sách người vào phòng:\nNguyễn Văn A - 048095001234 - 0905123456", 1, 0, "phone",
	     "0905123456"},
	    {"names alone under the heading",
	     "Danh sách người vào phòng máy:\nNguyễn Văn A\nTrần Văn B", 2, 1, "full_name",
	     "Trần Văn B"},
	    {"the signature after the closing is no visitor",
	     "Danh sách người vào phòng:\n- Nguyễn Văn A\n- Trần Văn B\nTrân trọng,\nLê Văn C", 2,
	     1, "full_name", "Trần Văn B"},
	    {"a plural heading is no 'Visitor s' block",
	     "Visitors\nJohn Smith, passport C1234567\nJane Roe, ID 048095001234\n\nBest "
	     "regards,\nJohn Smith",
	     2, 0, "id_no", "C1234567"},
	    {"the mailbox to change",
	     "Type of request: Password reset\nMailbox: linhnt@danang.gov.vn", 1, 0, "address",
	     "linhnt@danang.gov.vn"},
	    {"a header of two columns", "Họ tên | Email\nTrần Văn A | atv\nLê Thị B | bltb", 2, 1,
	     "address", "bltb@danang.gov.vn"},
	    {"pairs without a number",
	     "Hộp thư cần thay đổi:\nHọ và tên: Lê Văn C; Chức vụ: Chuyên viên; Email: "
	     "clv@danang.gov.vn",
	     1, 0, "address", "clv@danang.gov.vn"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fields_result *r = fields_extract(cases[i].text, &opts);
		JsonArray *people = json_object_has_member(r->fields, "_people")
		                        ? json_object_get_array_member(r->fields, "_people")
		                        : NULL;
		int n = people != NULL ? (int)json_array_get_length(people) : 0;
		if (n != cases[i].count)
			fail_msg("%s: %d people, want %d", cases[i].label, n, cases[i].count);
		JsonObject *p = json_array_get_object_element(people, cases[i].index);
		const char *got = json_object_has_member(p, cases[i].key)
		                      ? json_object_get_string_member(p, cases[i].key)
		                      : "(absent)";
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s: %s = %s, want %s", cases[i].label, cases[i].key, got,
			         cases[i].want);
		fields_result_free(r);
	}
}

/* Section headings without a colon scope the lines under them. */
static void
t_section_headings(void **state)
{
	static const struct {
		const char *text, *key, *want;
	} cases[] = {
	    {"NGƯỜI QUẢN TRỊ KỸ THUẬT\n\nHọ và tên: Nguyễn Đăng Khoa\nĐiện thoại: 0906 455 210",
	     "admin_phone", "0906455210"},
	    {"Người liên hệ: Võ Thị Hà\nNGƯỜI QUẢN TRỊ KỸ THUẬT\nHọ và tên: Nguyễn Đăng Khoa",
	     "admin_name", "Nguyễn Đăng Khoa"},
	    {"Technical administrator\nName: John Doe (contractor)\nPhone: +84 905 633 017",
	     "admin_name", "John Doe"},
	    {"Technical administrator\nName: John Doe\n\nName: Jane Roe", "contact_name",
	     "Jane Roe"},
	    {"Người liên hệ: Võ Thị Hà\nNGƯỜI QUẢN TRỊ KỸ THUẬT\nHọ và tên: Nguyễn Đăng Khoa",
	     "contact_name", "Võ Thị Hà"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct fields_result *r = fields_extract(cases[i].text, &opts);
		const char *got = json_object_has_member(r->fields, cases[i].key)
		                      ? json_object_get_string_member(r->fields, cases[i].key)
		                      : "(absent)";
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\": %s = %s, want %s", cases[i].text, cases[i].key, got,
			         cases[i].want);
		fields_result_free(r);
	}
}

/* A whole message through parse, extract and decide. */
static struct decision *
decide_text(const char *raw, struct reading **rd, struct message **m)
{
	struct attach_opts ao;

	attach_opts_default(&ao);
	*m = message_parse(raw, strlen(raw));
	*rd = attach_read(*m, &ao);
	return rules_decide(*m, *rd, NULL, NULL);
}

/* Accounts from a pipe table with a header, type from the form code. */
static void
t_mailbox_table(void **state)
{
	const char *raw =
	    "From: Van phong <vp@stp.danang.gov.vn>\r\n"
	    "To: admin@danang.gov.vn\r\n"
	    "Subject: Cap moi hop thu\r\n"
	    "Message-ID: <t1@stp>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Mẫu 02/IID-KT\r\n"
	    "Đơn vị yêu cầu: Sở Tư pháp\r\n"
	    "Người liên hệ: Nguyễn Thị Lan\r\n"
	    "Điện thoại: 0905123456\r\n"
	    "Hình thức: [x] Cấp mới [ ] Hủy bỏ\r\n"
	    "STT | Họ và tên | Chức vụ | Phòng/Ban | Địa chỉ hộp thư | Di động\r\n"
	    "1 | Trần Văn Bình | Chuyên viên | Phòng Hành chính | binhtv@danang.gov.vn | "
	    "0914 000 111\r\n";
	struct reading *fx;
	struct message *m;
	struct decision *d = decide_text(raw, &fx, &m);

	assert_string_equal(d->type, "mailbox");
	assert_string_equal(d->form_code, "02/IID-KT");
	assert_string_equal(d->mailbox, "admin");
	assert_string_equal(d->proper, "cntt");
	assert_true(d->wrong_mailbox);
	JsonArray *acc = json_object_get_array_member(d->fields, "accounts");
	assert_int_equal(json_array_get_length(acc), 1);
	JsonObject *a = json_array_get_object_element(acc, 0);
	assert_string_equal(json_object_get_string_member(a, "full_name"), "Trần Văn Bình");
	assert_string_equal(json_object_get_string_member(a, "department"), "Phòng Hành chính");
	assert_string_equal(json_object_get_string_member(a, "mobile"), "0914000111");
	assert_int_equal(d->missing->len, 0);
	decision_free(d);
	reading_free(fx);
	message_free(m);
}

/* Visitors as "Người 1:" blocks; the bare "Thời gian" becomes the visit. */
static void
t_server_room_blocks(void **state)
{
	const char *raw =
	    "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	    "Subject: Dang ky vao phong may chu\r\nMessage-ID: <t2@b>\r\n\r\n"
	    "Ten don vi: Cong ty A\r\nNguoi lien he: Le Van C\r\nDi dong: 0905111222\r\n"
	    "Thoi gian: 14h - 16h30, 07/12/2026\r\n\r\n"
	    "Nguoi 1:\r\n  Ho va ten: Pham Van D\r\n  Don vi: Cong ty A\r\n"
	    "  So CMND/CCCD: 048382588811\r\n\r\n"
	    "Muc dich: Bao tri may chu\r\n";
	struct reading *fx;
	struct message *m;
	struct decision *d = decide_text(raw, &fx, &m);

	assert_string_equal(d->type, "server_room");
	assert_string_equal(json_object_get_string_member(d->fields, "visit_date"), "2026-12-07");
	assert_string_equal(json_object_get_string_member(d->fields, "time_from"), "14:00");
	assert_string_equal(json_object_get_string_member(d->fields, "time_to"), "16:30");
	assert_false(json_object_has_member(d->fields, "desired_time"));
	JsonArray *v = json_object_get_array_member(d->fields, "visitors");
	assert_int_equal(json_array_get_length(v), 1);
	JsonObject *p = json_array_get_object_element(v, 0);
	assert_string_equal(json_object_get_string_member(p, "id_no"), "048382588811");
	assert_string_equal(json_object_get_string_member(p, "organization"), "Cong ty A");
	decision_free(d);
	reading_free(fx);
	message_free(m);
}

/* Automatic mail is recognised and a plain question stays unknown. */
static void
t_automatic_and_unknown(void **state)
{
	const char *ooo =
	    "From: x@stp.danang.gov.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	    "Auto-Submitted: auto-replied\r\nSubject: Tra loi tu dong\r\n\r\nToi vang mat.\r\n";
	const char *q = "From: x@gmail.com\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                "Subject: Hoi ve gio lam viec\r\nMessage-ID: <q@x>\r\n\r\n"
	                "Cho toi hoi Trung tam lam viec den may gio?\r\n";
	struct reading *fx;
	struct message *m;
	struct decision *d = decide_text(ooo, &fx, &m);

	assert_non_null(d->automatic);
	decision_free(d);
	reading_free(fx);
	message_free(m);
	d = decide_text(q, &fx, &m);
	assert_null(d->automatic);
	assert_string_equal(d->type, "unknown");
	decision_free(d);
	reading_free(fx);
	message_free(m);
}

/* Encoded words decoded one by one: GMime loses the text after a padded
   base64 word; charsets mix; a From without an address gives no sender. */
static void
t_headers(void **state)
{
	static const struct {
		const char *raw, *want;
	} cases[] = {
	    {"=?utf-8?B?VGhhbmgg?= =?utf-8?B?S2jDqg==?=", "Thanh Khê"},
	    {"=?utf-8?B?VGhhbmg=?=\r\n =?utf-8?B?S2jDqg==?=", "ThanhKhê"},
	    {"V/v =?iso-8859-1?q?caf=E9?= and =?utf-8?q?H=C3=B2a_V=C3=A1ng?=",
	     "V/v café and Hòa Váng"},
	    {"=?utf-8?B?4bqg?=", "Ạ"},
	    {"=?x-unknown?B?U+G7nyBZIHThur8=?=", "Sở Y tế"},
	    {"Thư 8-bit thô", "Thư 8-bit thô"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char *got = text_decode_header(cases[i].raw);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("\"%s\" gave \"%s\", want \"%s\"", cases[i].raw, got,
			         cases[i].want);
		g_free(got);
	}
	const char *raw =
	    "From: =?utf-8?q?L=C3=AA_Minh_Tu=E1=BA=A5n?=\r\nTo: cntt@danang.gov.vn\r\n"
	    "Subject: x\r\n\r\nhi\r\n";
	struct message *m = message_parse(raw, strlen(raw));
	assert_null(m->from_addr);
	assert_true(m->problems->len > 0);
	message_free(m);
}

/* A label and a keyword added at start-up, as the rules file does, are
   read without a rebuild. */
static void
t_configured(void **state)
{
	const char *raw = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                  "Subject: Hong may in tang 3\r\nMessage-ID: <k1@b>\r\n\r\n"
	                  "Don vi yeu cau: Cong ty A\r\nNguoi lien he: Le Van C\r\n"
	                  "So may ban: 0236 3888 410\r\nDia diem: Phong 301\r\n";
	struct reading *rd;
	struct message *m;
	struct decision *d = decide_text(raw, &rd, &m);

	/* before: neither the label nor the type is known */
	assert_false(json_object_has_member(d->fields, "contact_phone"));
	assert_string_equal(d->type, "unknown");
	decision_free(d);
	reading_free(rd);
	message_free(m);
	assert_true(fields_add_label("contact_phone", "Số máy bàn"));
	assert_false(fields_add_label("no_such_key", "X"));
	rules_configure_type("tech_support", 0, NULL, "may in", NULL, -1, NULL);
	d = decide_text(raw, &rd, &m);
	assert_string_equal(json_object_get_string_member(d->fields, "contact_phone"),
	                    "02363888410");
	assert_string_equal(d->type, "tech_support");
	decision_free(d);
	reading_free(rd);
	message_free(m);
	/* a rules-file label wins over a built-in one of another field */
	const char *taken = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                    "Subject: Hong may in\r\nMessage-ID: <k2@b>\r\n\r\n"
	                    "Don vi yeu cau: Cong ty A\r\nNguoi lien he: Le Van C\r\n";
	d = decide_text(taken, &rd, &m);
	assert_string_equal(json_object_get_string_member(d->fields, "contact_name"), "Le Van C");
	decision_free(d);
	reading_free(rd);
	message_free(m);
	assert_true(fields_add_label("location", "Nguoi lien he"));
	d = decide_text(taken, &rd, &m);
	assert_false(json_object_has_member(d->fields, "contact_name"));
	assert_string_equal(json_object_get_string_member(d->fields, "location"), "Le Van C");
	decision_free(d);
	reading_free(rd);
	message_free(m);
	fields_reset_labels();
}

/* Text in decomposed form (NFD) is composed before labels are read. */
static void
t_nfd(void **state)
{
	const char *raw = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\nSubject: x\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Ho\xcc\xa3 va\xcc\x80 te\xcc\x82n: Le\xcc\x82 Va\xcc\x86n A\r\n";
	struct message *m = message_parse(raw, strlen(raw));
	struct fields_result *r = fields_extract(m->text, &opts);

	assert_true(json_object_has_member(r->fields, "contact_name"));
	assert_string_equal(json_object_get_string_member(r->fields, "contact_name"),
	                    "L\xc3\xaa V\xc4\x83n A");
	fields_result_free(r);
	message_free(m);
}

/* Form codes of any number 1 to 99: "0N/IID-KT" below 10, "NN/IID-KT" above. */
static void
t_form_codes(void **state)
{
	static const struct {
		const char *label, *input, *want;
	} codes[] = {
	    {"built-in", "Mẫu số 05/IID-KT", "05/IID-KT"},
	    {"form 6", "Phiếu 06/IID-KT", "06/IID-KT"},
	    {"no zero", "Mẫu 6-IID-KT", "06/IID-KT"},
	    {"two digits", "Phiếu 12/IID-KT", "12/IID-KT"},
	    {"zero before two digits", "Phiếu 012/IID-KT", "12/IID-KT"},
	    {"file name", "phieu_99-iid-kt.pdf", "99/IID-KT"},
	    {"zero is none", "Phiếu 00/IID-KT", NULL},
	    {"a year is none", "Số 2026/IID-KT", NULL},
	    {"three digits are none", "Số 105/IID-KT", NULL},
	};

	(void)state;
	for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
		char *got = fields_form_code(codes[i].input);
		if (g_strcmp0(got, codes[i].want) != 0)
			fail_msg("%s: %s gave %s, want %s", codes[i].label, codes[i].input,
			         got != NULL ? got : "(none)",
			         codes[i].want != NULL ? codes[i].want : "(none)");
		g_free(got);
	}
}

/* A scanned table: a header cell with a speck ("-Họ và tên") still names
   its column; a cell of digits under the phone column that is no phone
   ("9814.336983") makes the list doubtful, on a scan only. */
static void
t_scanned_cells(void **state)
{
	static const char *const text[] = {
	    "STT | -Họ và tên | Đơn vị | Số CMND/CCCD | Điện thoại -\n"
	    "1 | Lê Thị Yến | Công ty Phần mềm Trường Sa | 209936779 | 9814.336983\n",
	    "STT | -Họ và tên | Đơn vị | Số CMND/CCCD | Điện thoại -\n"
	    "1 | Lê Thị Yến | Công ty Phần mềm Trường Sa | 209936779 | 0814.336983\n",
	};
	const gboolean doubt[] = {TRUE, FALSE};
	GArray *conf = g_array_new(FALSE, FALSE, sizeof(double));
	struct fields_opts scan = opts;

	(void)state;
	for (int i = 0; i < 2; i++)
		g_array_append_val(conf, (double){95.0});
	scan.line_conf = conf;
	scan.doubt_below = 60.0;
	for (gsize i = 0; i < G_N_ELEMENTS(text); i++) {
		struct fields_result *r = fields_extract(text[i], &scan);
		JsonArray *people = json_object_get_array_member(r->fields, "_people");
		assert_non_null(people);
		JsonObject *p = json_array_get_object_element(people, 0);
		assert_string_equal(json_object_get_string_member(p, "full_name"), "Lê Thị Yến");
		if (g_ptr_array_find_with_equal_func(r->doubtful, "_people", g_str_equal, NULL) !=
		    doubt[i])
			fail_msg("row %zu: _people doubtful should be %d", i, doubt[i]);
		fields_result_free(r);
		/* typed by a person, the same cell is no misreading */
		r = fields_extract(text[i], &opts);
		assert_false(
		    g_ptr_array_find_with_equal_func(r->doubtful, "_people", g_str_equal, NULL));
		fields_result_free(r);
	}
	g_array_free(conf, TRUE);
}

/* A description filed as a change's detail because the action read
   "change" is doubtful when that action is (a scan's misread tick). */
static void
t_derived_doubt(void **state)
{
	const char *raw = "From: Van phong <vp@stp.danang.gov.vn>\r\n"
	                  "To: admin@danang.gov.vn\r\nSubject: Phieu hop thu\r\n"
	                  "Message-ID: <t9@stp>\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Mẫu 02/IID-KT\r\nĐơn vị yêu cầu: Sở Tư pháp\r\n"
	                  "Người liên hệ: Nguyễn Thị Lan\r\nĐiện thoại: 0905123456\r\n"
	                  "Hình thức: [ ] Cấp mới [x] Thay đổi [ ] Hủy bỏ\r\n"
	                  "Nội dung đề nghị: Phục vụ trao đổi văn bản điện tử\r\n";
	struct attach_opts ao;

	(void)state;
	attach_opts_default(&ao);
	for (int doubt = 0; doubt < 2; doubt++) {
		struct message *m = message_parse(raw, strlen(raw));
		struct reading *rd = attach_read(m, &ao);
		if (doubt)
			g_ptr_array_add(rd->fx->doubtful, g_strdup("mailbox_action"));
		struct decision *d = rules_decide(m, rd, NULL, NULL);
		assert_string_equal(json_object_get_string_member(d->fields, "change_detail"),
		                    "Phục vụ trao đổi văn bản điện tử");
		assert_int_equal(g_ptr_array_find_with_equal_func(d->doubtful, "change_detail",
		                                                  g_str_equal, NULL),
		                 doubt);
		decision_free(d), reading_free(rd), message_free(m);
	}
}

/* A type the rules file adds: known by its form code (form 12 written
   "12/IID-KT"), or by its words in a mail that names the unit or the
   person asking (not by words alone); the fields it requires are kept. */
static void
t_new_type(void **state)
{
	const char *by_code = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                      "Subject: Phieu 12/IID-KT\r\nMessage-ID: <n1@b>\r\n\r\n"
	                      "Don vi yeu cau: Cong ty A\r\nNguoi lien he: Le Van C\r\n"
	                      "Dia diem: Phong 301\r\n";
	const char *by_words = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                       "Subject: De nghi cap VPN\r\nMessage-ID: <n2@b>\r\n\r\n"
	                       "Don vi yeu cau: Cong ty A\r\nNguoi lien he: Le Van C\r\n";
	const char *question = "From: a@b.vn\r\nTo: pkt-iid@danang.gov.vn\r\n"
	                       "Subject: Hoi ve VPN\r\nMessage-ID: <n3@b>\r\n\r\n"
	                       "Cho em hoi VPN dung the nao a?\r\n";
	struct reading *rd;
	struct message *m;
	struct decision *d;

	(void)state;
	rules_configure_type("vpn_access", 12, NULL, "vpn|truy cap tu xa", "contact_name|location",
	                     -1, "Cấp quyền truy cập VPN");
	d = decide_text(by_code, &rd, &m);
	assert_string_equal(d->type, "vpn_access");
	assert_string_equal(d->form_code, "12/IID-KT");
	assert_string_equal(json_object_get_string_member(d->fields, "location"), "Phong 301");
	assert_int_equal(d->missing->len, 0);
	decision_free(d), reading_free(rd), message_free(m);
	d = decide_text(by_words, &rd, &m);
	assert_string_equal(d->type, "vpn_access");
	assert_string_equal(d->form_code, "12/IID-KT");
	assert_string_equal(d->title_vi, "Cấp quyền truy cập VPN");
	assert_int_equal(d->missing->len, 1);
	assert_string_equal(g_ptr_array_index(d->missing, 0), "location");
	decision_free(d), reading_free(rd), message_free(m);
	d = decide_text(question, &rd, &m);
	assert_string_equal(d->type, "unknown");
	decision_free(d), reading_free(rd), message_free(m);
	/* form 6 is written with its zero */
	rules_configure_type("vpn_access", 6, NULL, NULL, NULL, -1, NULL);
	d = decide_text(by_words, &rd, &m);
	assert_string_equal(d->form_code, "06/IID-KT");
	decision_free(d), reading_free(rd), message_free(m);
	rules_reset_types();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_rows),
	    cmocka_unit_test(t_password_flag),
	    cmocka_unit_test(t_admin_block),
	    cmocka_unit_test(t_bools),
	    cmocka_unit_test(t_people_forms),
	    cmocka_unit_test(t_section_headings),
	    cmocka_unit_test(t_mailbox_table),
	    cmocka_unit_test(t_server_room_blocks),
	    cmocka_unit_test(t_automatic_and_unknown),
	    cmocka_unit_test(t_nfd),
	    cmocka_unit_test(t_headers),
	    cmocka_unit_test(t_configured),
	    cmocka_unit_test(t_form_codes),
	    cmocka_unit_test(t_new_type),
	    cmocka_unit_test(t_scanned_cells),
	    cmocka_unit_test(t_derived_doubt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
