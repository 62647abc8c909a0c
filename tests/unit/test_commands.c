/* test_commands.c - staff commands in replies and units' confirmations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "commands.h"
#include "decide.h"
#include "lifecycle.h"

#define REF_YEAR  2026
#define REF_MONTH 11

/* Failures of the current test: every row is checked, then the test fails. */
static int failures;
#define bad(...) (print_error(__VA_ARGS__), print_error("\n"), failures++)

/* Marks a string field the row does not check. */
static const char ANY[] = "(any)";

/* Canonical names by kind. */
static const char *const names[] = {
    [CMD_SCHEDULE] = "lich",   [CMD_START] = "batdau",  [CMD_DONE] = "xong",
    [CMD_NEEDINFO] = "bosung", [CMD_REJECT] = "tuchoi", [CMD_CANCEL] = "huy",
    [CMD_COST] = "chiphi",     [CMD_NOTE] = "ghichu",   [CMD_EMERGENCY] = "khancap",
    [CMD_TAKE] = "nhan",       [CMD_ASSIGN] = "giao",
};

/* Compare a string field with a row's want (ANY: not checked). */
static void
check_str(const char *label, const char *field, const char *got, const char *want)
{
	if (want == ANY)
		return;
	if (want == NULL && got == NULL)
		return;
	if (want == NULL || got == NULL || strcmp(want, got) != 0)
		bad("%s: %s = \"%s\", want \"%s\"", label, field, got ? got : "(null)",
		    want ? want : "(null)");
}

struct spelling_row {
	const char *spelling;
	enum command_kind kind;
};

/* Every command in every spelling. */
static const struct spelling_row spellings[] = {
    {"#lịch", CMD_SCHEDULE},      {"#lich", CMD_SCHEDULE},     {"#LICH", CMD_SCHEDULE},
    {"#Lịch", CMD_SCHEDULE},      {"#schedule", CMD_SCHEDULE}, {"#Schedule", CMD_SCHEDULE},
    {"#lịch hẹn", CMD_SCHEDULE},  {"#bắt đầu", CMD_START},     {"#batdau", CMD_START},
    {"#bat dau", CMD_START},      {"#bat_dau", CMD_START},     {"#BẮT ĐẦU", CMD_START},
    {"#start", CMD_START},        {"#START", CMD_START},       {"#xong", CMD_DONE},
    {"#Xong", CMD_DONE},          {"#done", CMD_DONE},         {"#DONE", CMD_DONE},
    {"#hoanthanh", CMD_DONE},     {"#hoàn thành", CMD_DONE},   {"#bổ sung", CMD_NEEDINFO},
    {"#bosung", CMD_NEEDINFO},    {"#bổsung", CMD_NEEDINFO},   {"#needinfo", CMD_NEEDINFO},
    {"#need-info", CMD_NEEDINFO}, {"#NeedInfo", CMD_NEEDINFO}, {"#từ chối", CMD_REJECT},
    {"#tuchoi", CMD_REJECT},      {"#TỪ CHỐI", CMD_REJECT},    {"#reject", CMD_REJECT},
    {"#huỷ", CMD_CANCEL},         {"#hủy", CMD_CANCEL},        {"#huy", CMD_CANCEL},
    {"#hủy bỏ", CMD_CANCEL},      {"#cancel", CMD_CANCEL},     {"#chi phí", CMD_COST},
    {"#chiphi", CMD_COST},        {"#cost", CMD_COST},         {"#ghi chú", CMD_NOTE},
    {"#ghichu", CMD_NOTE},        {"#GHICHU", CMD_NOTE},       {"#note", CMD_NOTE},
    {"#khẩn cấp", CMD_EMERGENCY}, {"#khancap", CMD_EMERGENCY}, {"#emergency", CMD_EMERGENCY},
    {"#nhận", CMD_TAKE},          {"#nhan", CMD_TAKE},         {"#take", CMD_TAKE},
    {"#Nhận việc", CMD_TAKE},     {"#giao", CMD_ASSIGN},       {"#giao việc", CMD_ASSIGN},
    {"#assign", CMD_ASSIGN},      {"#phân công", CMD_ASSIGN},  {"#ASSIGN", CMD_ASSIGN},
};

/* Each spelling alone (no text) and with a text after it. */
static void
t_spellings(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		const struct spelling_row *r = &spellings[i];
		for (int with_text = 0; with_text < 2; with_text++) {
			char *in = g_strdup_printf("  %s%s\n", r->spelling,
			                           with_text ? "   ghi nhận thêm  " : "");
			GPtrArray *unknown = g_ptr_array_new_with_free_func(g_free);
			GPtrArray *cmds = commands_parse(in, REF_YEAR, REF_MONTH, unknown);
			if (cmds->len != 1 || unknown->len != 0)
				bad("%s: %u commands, %u unknown", in, cmds->len, unknown->len);
			struct command *c = cmds->len > 0 ? cmds->pdata[0] : NULL;
			if (c != NULL && c->kind != r->kind)
				bad("%s: kind %d, want %d", in, c->kind, r->kind);
			else if (c != NULL) {
				check_str(in, "name", c->name, names[r->kind]);
				check_str(in, "text", c->text, with_text ? "ghi nhận thêm" : NULL);
				if (c->amount != -1)
					bad("%s: amount %" G_GINT64_FORMAT, in, c->amount);
				char *line = g_strstrip(g_strdup(in));
				check_str(in, "line", c->line, line);
				g_free(line);
			}
			g_ptr_array_unref(cmds);
			g_ptr_array_unref(unknown);
			g_free(in);
		}
	}
	assert_int_equal(failures, 0);
}

struct cmd_case {
	const char *label, *input;
	int kind; /* -1: no command expected */
	const char *text, *date, *time, *until;
	gint64 amount;
};

/* One command per row: arguments, dates, times, amounts; the first command
   of the input is checked. */
static const struct cmd_case cases[] = {
    /* schedules */
    {"dd/mm and 9h", "#lich 05/12 9h", CMD_SCHEDULE, "05/12 9h", "2026-12-05", "09:00", NULL, -1},
    {"weekday and 14h30", "#lich thứ Hai 07/12 14h30", CMD_SCHEDULE, ANY, "2026-12-07", "14:30",
     NULL, -1},
    {"iso date and hh:mm", "#lich 2026-12-05 09:00", CMD_SCHEDULE, ANY, "2026-12-05", "09:00", NULL,
     -1},
    {"english with range", "#schedule 5/12/2026 9:00-11:00", CMD_SCHEDULE, ANY, "2026-12-05",
     "09:00", "11:00", -1},
    {"january in november is next year", "#lich 04/01 8h", CMD_SCHEDULE, ANY, "2027-01-04", "08:00",
     NULL, -1},
    {"h range", "#lich 05/12 9h-11h", CMD_SCHEDULE, ANY, "2026-12-05", "09:00", "11:00", -1},
    {"h range with spaces", "#lịch 05/12 8h30 - 10h", CMD_SCHEDULE, ANY, "2026-12-05", "08:30",
     "10:00", -1},
    {"bare start hour", "#lich 05/12 9-11h", CMD_SCHEDULE, ANY, "2026-12-05", "09:00", "11:00", -1},
    {"từ … đến …", "#lịch từ 9h đến 11h ngày 10/12", CMD_SCHEDULE, ANY, "2026-12-10", "09:00",
     "11:00", -1},
    {"tu … den … without diacritics", "#lich tu 13h30 den 15h ngay 10/12/2026", CMD_SCHEDULE, ANY,
     "2026-12-10", "13:30", "15:00", -1},
    {"9h30", "#lich 9h30 12/12", CMD_SCHEDULE, ANY, "2026-12-12", "09:30", NULL, -1},
    {"9 giờ 30", "#lich 9 giờ 30 ngày 12/12", CMD_SCHEDULE, ANY, "2026-12-12", "09:30", NULL, -1},
    {"9 giờ", "#lịch 9 giờ ngày 12/12/2026", CMD_SCHEDULE, ANY, "2026-12-12", "09:00", NULL, -1},
    {"2 giờ chiều", "#lich 2 giờ chiều thứ Sáu 11/12", CMD_SCHEDULE, ANY, "2026-12-11", "14:00",
     NULL, -1},
    {"2h chieu", "#lich 2h chieu 11/12", CMD_SCHEDULE, ANY, "2026-12-11", "14:00", NULL, -1},
    {"ngày … tháng … năm", "#lịch 8 giờ ngày 15 tháng 12 năm 2026", CMD_SCHEDULE, ANY, "2026-12-15",
     "08:00", NULL, -1},
    {"two-digit year", "#lich 05/12/26 9h", CMD_SCHEDULE, ANY, "2026-12-05", "09:00", NULL, -1},
    {"colon after the word", "#lich: 05/12/2026 09:00", CMD_SCHEDULE, "05/12/2026 09:00",
     "2026-12-05", "09:00", NULL, -1},
    {"date only", "#lich 05/12", CMD_SCHEDULE, "05/12", "2026-12-05", NULL, NULL, -1},
    {"time only", "#lich 9h sáng", CMD_SCHEDULE, "9h sáng", NULL, "09:00", NULL, -1},
    {"nothing readable", "#lich tuần sau", CMD_SCHEDULE, "tuần sau", NULL, NULL, NULL, -1},
    {"empty", "#lich", CMD_SCHEDULE, NULL, NULL, NULL, NULL, -1},
    /* the plain line form */
    {"Lịch: line", "Lịch: 9h00 ngày 05/12/2026", CMD_SCHEDULE, "9h00 ngày 05/12/2026", "2026-12-05",
     "09:00", NULL, -1},
    {"Lich: line", "Lich: 14h 07/12", CMD_SCHEDULE, "14h 07/12", "2026-12-07", "14:00", NULL, -1},
    {"Schedule: line", "Schedule: 2026-12-05 09:00-10:30", CMD_SCHEDULE, ANY, "2026-12-05", "09:00",
     "10:30", -1},
    {"Lịch hẹn: line", "  Lịch hẹn : 8h30 ngày 03/12", CMD_SCHEDULE, ANY, "2026-12-03", "08:30",
     NULL, -1},
    {"lịch inside a sentence is no command", "Anh xem lịch: 9h00 ngày 05/12", -1, NULL, NULL, NULL,
     NULL, -1},
    {"a word starting with lich", "Lịch sử: đã gọi điện", -1, NULL, NULL, NULL, NULL, -1},
    /* costs */
    {"dotted đồng", "#chiphi 1.500.000 đ thay ổ cứng", CMD_COST, "thay ổ cứng", NULL, NULL, NULL,
     1500000},
    {"commas VND", "#cost 1,500,000 VND", CMD_COST, NULL, NULL, NULL, NULL, 1500000},
    {"triệu with a dot", "#chiphi 1.5 triệu", CMD_COST, NULL, NULL, NULL, NULL, 1500000},
    {"triệu with a comma", "#chi phí 1,5 triệu - cáp quang", CMD_COST, "cáp quang", NULL, NULL,
     NULL, 1500000},
    {"k", "#cost 200k patch cord", CMD_COST, "patch cord", NULL, NULL, NULL, 200000},
    {"nghìn", "#chiphi 200 nghìn", CMD_COST, NULL, NULL, NULL, NULL, 200000},
    {"ngàn", "#chiphi 200 ngàn tiền cáp", CMD_COST, "tiền cáp", NULL, NULL, NULL, 200000},
    {"đồng", "#chiphi 350.000 đồng mua chuột", CMD_COST, "mua chuột", NULL, NULL, NULL, 350000},
    {"đ attached", "#chiphi mua ổ cứng SSD 512GB: 1.250.000đ", CMD_COST, "mua ổ cứng SSD 512GB",
     NULL, NULL, NULL, 1250000},
    {"tr5", "#chiphi 1tr5 thay nguồn", CMD_COST, "thay nguồn", NULL, NULL, NULL, 1500000},
    {"triệu rưỡi", "#chiphi 2 triệu rưỡi", CMD_COST, NULL, NULL, NULL, NULL, 2500000},
    {"plain digits", "#cost 750000", CMD_COST, NULL, NULL, NULL, NULL, 750000},
    {"count before amount", "#chiphi 2 cáp mạng 300.000đ", CMD_COST, "2 cáp mạng", NULL, NULL, NULL,
     300000},
    {"in brackets", "#chiphi thay bàn phím (450.000 VNĐ)", CMD_COST, "thay bàn phím", NULL, NULL,
     NULL, 450000},
    {"unreadable", "#chiphi theo báo giá", CMD_COST, "theo báo giá", NULL, NULL, NULL, -1},
    {"millions and thousands", "#cost 1 triệu 500 nghìn đồng cho cáp", CMD_COST, "cho cáp", NULL,
     NULL, NULL, 1500000},
    {"cents dropped", "#cost 1,500,000.00 VND", CMD_COST, NULL, NULL, NULL, NULL, 1500000},
    {"a date is no amount", "#chiphi 05/12/2026 thay cáp", CMD_COST, "05/12/2026 thay cáp", NULL,
     NULL, NULL, -1},
    {"a phone number is no amount", "#chiphi gọi 0905123456", CMD_COST, "gọi 0905123456", NULL,
     NULL, NULL, -1},
    {"a bare small number is unreadable", "#chiphi 5", CMD_COST, "5", NULL, NULL, NULL, -1},
    {"empty cost", "#cost", CMD_COST, NULL, NULL, NULL, NULL, -1},
    /* texts */
    {"note", "#ghichu Đã gọi điện cho chị Lan, hẹn chiều mai", CMD_NOTE,
     "Đã gọi điện cho chị Lan, hẹn chiều mai", NULL, NULL, NULL, -1},
    {"done with note", "#xong Đã thay ổ cứng, máy chạy bình thường", CMD_DONE,
     "Đã thay ổ cứng, máy chạy bình thường", NULL, NULL, NULL, -1},
    {"needinfo", "#bosung Thiếu văn bản chấp thuận của UBND thành phố", CMD_NEEDINFO,
     "Thiếu văn bản chấp thuận của UBND thành phố", NULL, NULL, NULL, -1},
    {"reject with colon", "#tuchoi: Không lắp đặt thiết bị trong phòng máy", CMD_REJECT,
     "Không lắp đặt thiết bị trong phòng máy", NULL, NULL, NULL, -1},
    {"cancel with dash", "#huỷ - đơn vị rút yêu cầu", CMD_CANCEL, "đơn vị rút yêu cầu", NULL, NULL,
     NULL, -1},
    {"emergency", "#khancap Sở Tư pháp: khởi động lại switch tầng 3", CMD_EMERGENCY,
     "Sở Tư pháp: khởi động lại switch tầng 3", NULL, NULL, NULL, -1},
    {"emergency english", "#emergency Department of Health: core router rebooted", CMD_EMERGENCY,
     "Department of Health: core router rebooted", NULL, NULL, NULL, -1},
    {"word glued to punctuation", "#xong. Cảm ơn", CMD_DONE, "Cảm ơn", NULL, NULL, NULL, -1},
    /* not commands */
    {"hashtag in a sentence", "Xin gửi anh #xong nhé", -1, NULL, NULL, NULL, NULL, -1},
    {"a longer word", "#xongxuoi", -1, NULL, NULL, NULL, NULL, -1},
    {"number", "#1 trong danh sách", -1, NULL, NULL, NULL, NULL, -1},
    {"hash and space", "# xong", -1, NULL, NULL, NULL, NULL, -1},
    {"request number", "#2026-000123", -1, NULL, NULL, NULL, NULL, -1},
    /* where commands are read */
    {"after a greeting", "Chào anh,\n\n#lich 05/12 9h\n\nTrân trọng", CMD_SCHEDULE, ANY,
     "2026-12-05", "09:00", NULL, -1},
    {"CRLF and NBSP",
     "#xong\xc2\xa0\xc2\xa0"
     "đã xử lý\r\n",
     CMD_DONE, "đã xử lý", NULL, NULL, NULL, -1},
    {"quoted only", "Cảm ơn anh\n> #xong đã xong\n> #chiphi 200k", -1, NULL, NULL, NULL, NULL, -1},
    {"quoted deeper", ">> #batdau", -1, NULL, NULL, NULL, NULL, -1},
    {"gmail history",
     "Đã nhận.\n\nOn Mon, Dec 1, 2026 at 9:00 AM Nguyen Van A <a@stp.vn> wrote:\n"
     "#xong old\n",
     -1, NULL, NULL, NULL, NULL, -1},
    {"gmail history wrapped",
     "Ok\n\nOn Mon, Dec 1, 2026 at 9:00 AM Nguyen Van A <\na@stp.danang.gov.vn> wrote:\n\n> "
     "#xong\n",
     -1, NULL, NULL, NULL, NULL, -1},
    {"vietnamese gmail history",
     "Vào Th 2, 1 thg 12, 2026 lúc 09:00 Nguyễn Văn A <a@stp.vn> đã viết:\n#tuchoi cũ\n", -1, NULL,
     NULL, NULL, NULL, -1},
    {"original message", "Xem bên dưới\n-----Original Message-----\nFrom: x\n#xong\n", -1, NULL,
     NULL, NULL, NULL, -1},
    {"outlook header block",
     "Đã xử lý\n\nFrom: Phòng KT <pkt-iid@danang.gov.vn>\nSent: Monday, December 1, 2026\n"
     "To: a@stp.vn\nSubject: RE: [IID-KT #2026-000123]\n\n#xong\n",
     -1, NULL, NULL, NULL, NULL, -1},
    {"vietnamese outlook header block",
     "Đã xử lý\n\nTừ: Nguyễn Văn A\nĐã gửi: Thứ Hai, 1 tháng 12, 2026 9:00\nĐến: pkt-iid\n"
     "Chủ đề: phiếu\n\n#xong\n",
     -1, NULL, NULL, NULL, NULL, -1},
    {"signature", "Cảm ơn\n-- \nPhòng Kỹ thuật\n#xong\n", -1, NULL, NULL, NULL, NULL, -1},
    {"command before history", "#batdau\n\nOn Mon, 1 Dec 2026, A <a@b.vn> wrote:\n> #huy\n",
     CMD_START, NULL, NULL, NULL, NULL, -1},
    {"answer under a quote",
     "On Mon, 1 Dec 2026, A <a@b.vn> wrote:\n> Xin hẹn lịch giúp\n\n#lich 05/12 9h\n", CMD_SCHEDULE,
     ANY, "2026-12-05", "09:00", NULL, -1},
};

/* The table of command cases. */
static void
t_cases(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct cmd_case *r = &cases[i];
		GPtrArray *cmds = commands_parse(r->input, REF_YEAR, REF_MONTH, NULL);
		if (r->kind < 0) {
			if (cmds->len != 0)
				bad("%s: %u commands, want none", r->label, cmds->len);
			g_ptr_array_unref(cmds);
			continue;
		}
		if (cmds->len != 1)
			bad("%s: %u commands, want 1", r->label, cmds->len);
		if (cmds->len == 0) {
			g_ptr_array_unref(cmds);
			continue;
		}
		struct command *c = cmds->pdata[0];
		if ((int)c->kind != r->kind)
			bad("%s: kind %d, want %d", r->label, c->kind, r->kind);
		check_str(r->label, "name", c->name, names[r->kind]);
		check_str(r->label, "text", c->text, r->text);
		check_str(r->label, "date", c->date, r->date);
		check_str(r->label, "time", c->time, r->time);
		check_str(r->label, "until", c->until, r->until);
		if (c->amount != r->amount)
			bad("%s: amount %" G_GINT64_FORMAT ", want %" G_GINT64_FORMAT, r->label,
			    c->amount, r->amount);
		g_ptr_array_unref(cmds);
	}
	assert_int_equal(failures, 0);
}

struct unknown_case {
	const char *label, *input;
	guint commands;
	const char *unknown; /* the one unknown line, or NULL for none */
};

/* Lines starting with '#' that name no command. */
static const struct unknown_case unknowns[] = {
    {"unknown word", "#lichsu xem lại", 0, "#lichsu xem lại"},
    {"typo", "  #xongg  ", 0, "#xongg"},
    {"with a command", "#hoanthanh\n#chuyen cho anh B", 1, "#chuyen cho anh B"},
    {"unknown in english", "#escalate tuan", 0, "#escalate tuan"},
    {"number is not unknown", "#1 ưu tiên", 0, NULL},
    {"hash and space is not unknown", "# Ghi chú", 0, NULL},
    {"hashtag inside a sentence", "Theo dõi #chuyendoiso nhé", 0, NULL},
    {"quoted unknown", "> #abc", 0, NULL},
};

/* The unknown table. */
static void
t_unknown(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < sizeof unknowns / sizeof unknowns[0]; i++) {
		const struct unknown_case *r = &unknowns[i];
		GPtrArray *unknown = g_ptr_array_new_with_free_func(g_free);
		GPtrArray *cmds = commands_parse(r->input, REF_YEAR, REF_MONTH, unknown);
		if (cmds->len != r->commands)
			bad("%s: %u commands, want %u", r->label, cmds->len, r->commands);
		if (unknown->len != (r->unknown != NULL ? 1u : 0u))
			bad("%s: %u unknown", r->label, unknown->len);
		if (r->unknown != NULL && unknown->len > 0)
			check_str(r->label, "unknown", unknown->pdata[0], r->unknown);
		g_ptr_array_unref(cmds);
		g_ptr_array_unref(unknown);
	}
	assert_int_equal(failures, 0);
	/* unknown may be NULL */
	GPtrArray *cmds = commands_parse("#abc", REF_YEAR, REF_MONTH, NULL);
	assert_int_equal(cmds->len, 0);
	g_ptr_array_unref(cmds);
}

/* Several commands in one reply, in order, each with its line. */
static void
t_several(void **state)
{
	static const char *const text = "Chào chị,\n"
	                                "#lich 05/12 9h-11h\n"
	                                "#chiphi 200k dây cáp\n"
	                                "#ghichu mang theo thang\n"
	                                "Trân trọng,\n"
	                                "-- \n"
	                                "#xong\n";
	(void)state;
	GPtrArray *cmds = commands_parse(text, REF_YEAR, REF_MONTH, NULL);
	assert_int_equal(cmds->len, 3);
	struct command *a = cmds->pdata[0], *b = cmds->pdata[1], *c = cmds->pdata[2];
	assert_int_equal(a->kind, CMD_SCHEDULE);
	assert_string_equal(a->line, "#lich 05/12 9h-11h");
	assert_string_equal(a->until, "11:00");
	assert_int_equal(b->kind, CMD_COST);
	assert_true(b->amount == 200000);
	assert_string_equal(b->text, "dây cáp");
	assert_int_equal(c->kind, CMD_NOTE);
	assert_string_equal(c->text, "mang theo thang");
	g_ptr_array_unref(cmds);

	cmds = commands_parse(NULL, REF_YEAR, REF_MONTH, NULL);
	assert_int_equal(cmds->len, 0);
	g_ptr_array_unref(cmds);
	cmds = commands_parse("", REF_YEAR, REF_MONTH, NULL);
	assert_int_equal(cmds->len, 0);
	g_ptr_array_unref(cmds);
	command_free(NULL);
}

struct confirm_case {
	const char *label, *text;
	gboolean want;
};

/* Units' replies to the completion notice. */
static const struct confirm_case confirms[] = {
    {"xác nhận hoàn thành", "Xác nhận hoàn thành.", TRUE},
    {"no diacritics", "xac nhan hoan thanh", TRUE},
    {"upper case", "XÁC NHẬN HOÀN THÀNH", TRUE},
    {"xác nhận đã hoàn thành", "Đơn vị xác nhận đã hoàn thành. Trân trọng!", TRUE},
    {"đã hoàn thành", "Dạ, bên em kiểm tra thấy đã hoàn thành ạ", TRUE},
    {"đồng ý", "Đồng ý", TRUE},
    {"dong y in a sentence", "Chung toi dong y voi ket qua xu ly", TRUE},
    {"nhất trí", "Nhất trí, cảm ơn các anh", TRUE},
    {"confirm", "I confirm the work is complete.", TRUE},
    {"confirmed", "Confirmed, thanks", TRUE},
    {"OK alone", "OK", TRUE},
    {"OK at the start", "OK, đã nhận", TRUE},
    {"ok ạ", "ok ạ", TRUE},
    {"Dạ ok", "Dạ ok em, cảm ơn", TRUE},
    {"đã nhận bàn giao", "Đơn vị đã nhận bàn giao thiết bị.", TRUE},
    {"cảm ơn, đã xong", "Cảm ơn, đã xong", TRUE},
    {"xác nhận alone", "Xác nhận ạ", TRUE},
    {"dạ vâng ạ", "Dạ vâng ạ", TRUE},
    {"ok after thanks", "Cảm ơn anh, OK", TRUE},
    {"completed", "Work completed, thank you.", TRUE},
    {"lines of greeting around", "Chào anh,\n\nXác nhận hoàn thành.\n\nTrân trọng,\nNguyễn Thị Lan",
     TRUE},
    {"no problem is no negation", "Không vấn đề gì, đồng ý", TRUE},
    {"above quoted negation",
     "Xác nhận hoàn thành\n\nOn Mon, 1 Dec 2026, IID <pkt-iid@danang.gov.vn> wrote:\n> Nếu chưa "
     "hoàn thành, vui lòng trả lời\n",
     TRUE},
    {"NFD input", "Xa\xcc\x81\x63 nha\xcc\xa3\xcc\x82n hoa\xcc\x80n tha\xcc\x80nh", TRUE},
    /* not confirmations */
    {"chưa hoàn thành", "Chưa hoàn thành, máy in vẫn kẹt giấy", FALSE},
    {"không đồng ý", "Không đồng ý", FALSE},
    {"ko dong y", "ko dong y", FALSE},
    {"not confirmed", "Not confirmed: the mailbox still rejects mail", FALSE},
    {"chưa xong", "Chưa xong anh ơi", FALSE},
    {"vẫn chưa", "OK nhưng vẫn chưa vào được mail", FALSE},
    {"chưa nhận được", "Bên em chưa nhận được tài khoản", FALSE},
    {"question", "Đã hoàn thành chưa ạ?", FALSE},
    {"question without mark", "Dong y khong anh", FALSE},
    {"cannot confirm", "Không thể xác nhận hoàn thành vì còn lỗi", FALSE},
    {"please confirm", "Please confirm the new password", FALSE},
    {"ok but", "OK but the printer is still offline", FALSE},
    {"nhưng", "Đồng ý nhưng cần kiểm tra lại wifi", FALSE},
    {"mixed", "Xác nhận hoàn thành phần mạng.\nTuy nhiên website chưa cập nhật.", FALSE},
    {"ok chưa", "Ok chưa anh", FALSE},
    {"ok question", "Anh kiểm tra giúp, OK?", FALSE},
    {"if", "Nếu đồng ý thì em gửi biên bản", FALSE},
    {"thanks only", "Thanks", FALSE},
    {"nothing", "Cảm ơn anh", FALSE},
    {"empty", "", FALSE},
    {"word starting with ok", "Okio đã gửi file", FALSE},
    {"only in quote", "Cảm ơn\n> Xác nhận hoàn thành", FALSE},
    {"only in history",
     "Em xem lại\n\nFrom: IID <pkt-iid@danang.gov.vn>\nSent: Monday\nSubject: RE\n\nĐồng ý", FALSE},
    {"only after signature", "Cảm ơn\n--\nĐồng ý", FALSE},
    {"request to confirm", "Vui lòng xác nhận hoàn thành giúp em", FALSE},
};

/* The confirmation table. */
static void
t_confirmations(void **state)
{
	(void)state;
	failures = 0;
	for (size_t i = 0; i < sizeof confirms / sizeof confirms[0]; i++) {
		const struct confirm_case *r = &confirms[i];
		gboolean got = commands_is_confirmation(r->text);
		if (got != r->want)
			bad("%s: \"%s\" is %s, want %s", r->label, r->text,
			    got ? "a confirmation" : "none", r->want ? "one" : "none");
	}
	assert_int_equal(failures, 0);
	assert_false(commands_is_confirmation(NULL));
}

/* The tests. */
/* phieu's own acts move a request only from the states the table names. */
static void
t_after_acts(void **state)
{
	(void)state;
	assert_string_equal(
	    lifecycle_state_name(lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse("received"))),
	    "acknowledged");
	assert_int_equal(lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse("needs_info")),
	                 STATE_NONE);
	assert_int_equal(lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse("rejected")),
	                 STATE_NONE);
	assert_int_equal(lifecycle_after(ACT_ACK_SENT, lifecycle_state_parse(NULL)), STATE_NONE);
}

/* Type titles come from the one type table: built in per language, the
   rules file's in every language. */
static void
t_type_titles(void **state)
{
	(void)state;
	assert_string_equal(rules_type_title("server_room", "vi"), "Vào ra Phòng Hệ thống");
	assert_string_equal(rules_type_title("server_room", "en"), "Server-room access");
	assert_string_equal(rules_type_title("nothing", "en"), "Request of unknown type");
	rules_configure_type("server_room", 0, NULL, NULL, NULL, -1, "Ra vào phòng máy chủ");
	assert_string_equal(rules_type_title("server_room", "en"), "Ra vào phòng máy chủ");
	rules_reset_types();
	assert_string_equal(rules_type_title("server_room", "vi"), "Vào ra Phòng Hệ thống");
}

/* A staff mail holding no command: the lines that look meant as one. */
struct hint_row {
	const char *text;
	int hints;              /* how many */
	const char *suggestion; /* of the first, or NULL */
};

static const struct hint_row hint_rows[] = {
    {"Anh Khoa ơi, em đặt #lich 05/12 9h nhé, cảm ơn anh.\n", 1, "#lich 05/12 9h nhé, cảm ơn anh."},
    {"Done, see you then — #done configured the DNS\n", 1, "#done configured the DNS"},
    {"#lihc 05/12 9h\n", 1, NULL},
    {"Cảm ơn chị, em sẽ gọi lại đơn vị.\n", 0, NULL},
    {"#lich 05/12 9h\n", 0, NULL},                /* a command: no hint */
    {"Xem mục #3 của phiếu giúp em.\n", 0, NULL}, /* '#' and a number: no command */
    {"Cảm ơn.\n\nOn Mon, 1 Dec 2026 at 09:00, A <a@x> wrote:\n> #lihc 05/12\n", 0, NULL},
};

static void
t_hints(void **state)
{
	(void)state;
	failures = 0;

	for (gsize i = 0; i < G_N_ELEMENTS(hint_rows); i++) {
		const struct hint_row *r = &hint_rows[i];
		GPtrArray *h = commands_hints(r->text);
		const char *first = h->len > 0 ? g_ptr_array_index(h, 0) : NULL;
		const char *tab = first != NULL ? strchr(first, '\t') : NULL;
		if ((int)h->len != r->hints) {
			print_error("%s: %u hints, expected %d\n", r->text, h->len, r->hints);
			failures++;
		} else if (g_strcmp0(tab != NULL ? tab + 1 : NULL, r->suggestion) != 0) {
			print_error("%s: suggestion %s, expected %s\n", r->text,
			            tab ? tab + 1 : "(none)",
			            r->suggestion ? r->suggestion : "(none)");
			failures++;
		}
		g_ptr_array_unref(h);
	}
	assert_int_equal(failures, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_spellings),     cmocka_unit_test(t_cases),
	    cmocka_unit_test(t_unknown),       cmocka_unit_test(t_several),
	    cmocka_unit_test(t_confirmations), cmocka_unit_test(t_hints),
	    cmocka_unit_test(t_after_acts),    cmocka_unit_test(t_type_titles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
