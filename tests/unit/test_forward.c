/* test_forward.c - forwarded messages cut out of bodies, each client's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "attach.h"
#include "forward.h"
#include "message.h"
#include "text.h"

static const struct fields_opts opts = {
    .ref_year = 2026, .ref_month = 12, .domain_suffix = "danang.gov.vn"};

struct row {
	const char *label, *subject, *text;
	guint levels;      /* how many levels */
	const char *from;  /* innermost level's sender, NULL: none */
	const char *first; /* innermost level's first non-blank line */
	const char *shape; /* innermost level's shape */
};

static const struct row rows[] = {
    {"gmail plain, note and signature above", "Fwd: Đề nghị hỗ trợ",
     "Chuyển IID xử lý.\n\n-- \nNguyễn Văn B\nĐT: 0905 999 888\n\n"
     "---------- Forwarded message ---------\n"
     "From: Nguyễn Văn A <a@stp.danang.gov.vn>\n"
     "Date: Thu, 17 Dec 2026 at 08:30\n"
     "Subject: Đề nghị hỗ trợ\n"
     "To: <cntt@danang.gov.vn>\n\n\n"
     "Đơn vị yêu cầu: Sở Tư pháp\n",
     2, "a@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "gmail"},
    {"gmail in Vietnamese, a Cc wrapped", "Fwd: x",
     "---------- Forwarded message ---------\n"
     "Từ: Văn phòng <vp@syt.danang.gov.vn>\n"
     "Date: Th 5, 17 thg 12, 2026 vào lúc 08:30\n"
     "Subject: Đề nghị\n"
     "To: <cntt@danang.gov.vn>\n"
     "Cc: Trần Văn C <c@syt.danang.gov.vn>, Lê Thị D\n"
     "<d@syt.danang.gov.vn>\n"
     "Bcc: e@syt.danang.gov.vn\n\n"
     "Nội dung: Cài máy in\n",
     2, "vp@syt.danang.gov.vn", "Nội dung: Cài máy in", "gmail"},
    {"outlook original message, mailto sender", "FW: Đề nghị",
     "Gửi IID.\n\n-----Original Message-----\n"
     "From: \"Nguyễn Văn A\" [mailto:A.Nguyen@STP.danang.gov.vn] \n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Tư pháp\n",
     2, "a.nguyen@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "outlook"},
    {"outlook bare block under a rule, with Cc", "FW: Đề nghị",
     "Gửi IID.\n\n________________________________\n"
     "From: Nguyễn Văn A <a@stp.danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: cntt <cntt@danang.gov.vn>\n"
     "Cc: Lê B <b@stp.danang.gov.vn>; c@stp.danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "Người liên hệ: Nguyễn Văn A\n",
     2, "a@stp.danang.gov.vn", "Người liên hệ: Nguyễn Văn A", "outlook"},
    {"bare block, no prefix, a note above: a forward", "Đề nghị",
     "Anh xem giúp.\n\n"
     "From: Nguyễn Văn A <a@stp.danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "Người liên hệ: Nguyễn Văn A\n",
     2, "a@stp.danang.gov.vn", "Người liên hệ: Nguyễn Văn A", "outlook"},
    {"bare block under a reply's subject: history", "RE: Đề nghị",
     "Vâng, đúng rồi ạ.\n\n"
     "From: IID <pkt-iid@danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: a@stp.danang.gov.vn\n"
     "Subject: [IID-KT #2026-000001] Đề nghị\n\n"
     "Trung tâm đã nhận\n",
     1, NULL, "Vâng, đúng rồi ạ.", "note"},
    {"original message under a full form: history", "Đề nghị",
     "Đơn vị yêu cầu: Sở Tư pháp\nNgười liên hệ: Nguyễn Văn A\nĐiện thoại: 0905123456\n\n"
     "----- Original Message -----\n"
     "From: \"A\" <a@stp.danang.gov.vn>\n"
     "To: pkt-iid@danang.gov.vn\n"
     "Sent: Monday, January 4, 2027 4:15:22 PM\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Cũ\n",
     1, NULL, "Đơn vị yêu cầu: Sở Tư pháp", "note"},
    {"outlook in Vietnamese", "FW: Đề nghị",
     "________________________________\n"
     "Từ: Trần Thị Hoa <hoatt@dng.danang.gov.vn>\n"
     "Đã gửi: Thứ Năm, 17 tháng 12, 2026 8:30 SA\n"
     "Đến: cntt@danang.gov.vn\n"
     "Cc: vanphong@dng.danang.gov.vn\n"
     "Chủ đề: Đề nghị\n\n"
     "Kính gửi: Sở TT&TT\n",
     2, "hoatt@dng.danang.gov.vn", "Kính gửi: Sở TT&TT", "outlook"},
    {"old outlook in Vietnamese", "FW: Đề nghị",
     "-----Thư gốc-----\n"
     "Từ: Trần Thị Hoa [mailto:hoatt@dng.danang.gov.vn] \n"
     "Đã gửi: 17 Tháng Mười Hai 2026 8:30 SA\n"
     "Tới: cntt@danang.gov.vn\n"
     "Chủ đề: Đề nghị\n\n"
     "Kính gửi: Sở TT&TT\n",
     2, "hoatt@dng.danang.gov.vn", "Kính gửi: Sở TT&TT", "outlook"},
    {"new outlook, the body right under Subject", "FW: Đề nghị",
     "From: Nguyễn Văn A <a@stp.danang.gov.vn>\n"
     "Date: Thursday, 17 December 2026 at 08:30\n"
     "To: cntt@danang.gov.vn <cntt@danang.gov.vn>\n"
     "Subject: Đề nghị\n"
     "Đơn vị yêu cầu: Sở Tư pháp\n",
     2, "a@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "outlook"},
    {"exchange sender with a name only", "FW: Đề nghị",
     "-----Original Message-----\n"
     "From: Nguyễn Văn A\n"
     "Sent: 17 December 2026 08:30\n"
     "To: Phòng CNTT\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Tư pháp\n",
     2, NULL, "Đơn vị yêu cầu: Sở Tư pháp", "outlook"},
    {"thunderbird, a tab after each colon", "Fwd: Đề nghị",
     "Chuyển IID.\n\n"
     "-------- Forwarded Message --------\n"
     "Subject: \tĐề nghị\n"
     "Date: \tThu, 17 Dec 2026 08:30:11 +0700\n"
     "From: \tVăn phòng <vp@sct.danang.gov.vn>\n"
     "To: \tcntt@danang.gov.vn\n"
     "CC: \tb@sct.danang.gov.vn\n\n\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "thunderbird"},
    {"thunderbird html rendered as cells", "Fwd: Đề nghị",
     "-------- Forwarded Message --------\n"
     "Subject: | Đề nghị\n"
     "Date: | Thu, 17 Dec 2026 08:30:11 +0700\n"
     "From: | Văn phòng <vp@sct.danang.gov.vn>\n"
     "To: | cntt@danang.gov.vn\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "thunderbird"},
    {"zimbra", "Fwd: Đề nghị",
     "----- Forwarded Message -----\n"
     "From: \"Văn phòng\" <vp@sct.danang.gov.vn>\n"
     "To: \"cntt\" <cntt@danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30:11 AM\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "zimbra"},
    {"apple mail, all quoted", "Fwd: Đề nghị",
     "Chuyển IID.\n\n"
     "> Begin forwarded message:\n>\n"
     "> From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "> Subject: Đề nghị\n"
     "> Date: 17 December 2026 at 08:30:11 GMT+7\n"
     "> To: cntt@danang.gov.vn\n>\n"
     "> Đơn vị yêu cầu: Sở Công Thương\n>\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "apple"},
    {"apple mail, unquoted", "Fwd: Đề nghị",
     "Begin forwarded message:\n\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "Subject: Đề nghị\n"
     "Date: 17 December 2026 at 08:30:11 GMT+7\n"
     "To: cntt@danang.gov.vn\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "apple"},
    {"apple mail, a forward of a forward", "Fwd: Fwd: Đề nghị",
     "> Begin forwarded message:\n>\n"
     "> From: Phòng CNTT <cntt@danang.gov.vn>\n"
     "> Subject: Fwd: Đề nghị\n"
     "> Date: 17 December 2026 at 09:00:00 GMT+7\n"
     "> To: b@danang.gov.vn\n>\n"
     "> Anh xử lý.\n>\n"
     ">> Begin forwarded message:\n>>\n"
     ">> From: Văn phòng <vp@sct.danang.gov.vn>\n"
     ">> Subject: Đề nghị\n"
     ">> Date: 17 December 2026 at 08:30:11 GMT+7\n"
     ">> To: cntt@danang.gov.vn\n>>\n"
     ">> Đơn vị yêu cầu: Sở Công Thương\n",
     3, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "apple"},
    {"gmail forward of a forward", "Fwd: Fwd: Đề nghị",
     "Chuyển IID.\n\n"
     "---------- Forwarded message ---------\n"
     "From: Phòng CNTT <cntt@danang.gov.vn>\n"
     "Date: Thu, 17 Dec 2026 at 09:00\n"
     "Subject: Fwd: Đề nghị\n"
     "To: <b@danang.gov.vn>\n\n\n"
     "Anh xử lý.\n\n"
     "---------- Forwarded message ---------\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "Date: Thu, 17 Dec 2026 at 08:30\n"
     "Subject: Đề nghị\n"
     "To: <cntt@danang.gov.vn>\n\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     3, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "gmail"},
    {"outlook forward of a forward", "FW: FW: Đề nghị",
     "________________________________\n"
     "From: Phòng CNTT <cntt@danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 9:00 AM\n"
     "To: b@danang.gov.vn\n"
     "Subject: FW: Đề nghị\n\n"
     "Anh xử lý.\n\n"
     "________________________________\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     3, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "outlook"},
    {"a forward inside a reply's history is not the message's", "Re: Đề nghị",
     "Cảm ơn.\n\nOn Thu, 17 Dec 2026 at 08:30, IID <pkt-iid@danang.gov.vn> wrote:\n"
     "> ---------- Forwarded message ---------\n"
     "> From: Văn phòng <vp@sct.danang.gov.vn>\n",
     1, NULL, "Cảm ơn.", "note"},
    {"gmail's attribution wrapped in two lines", "Đề nghị",
     "Cảm ơn.\n\nOn Thu, 17 Dec 2026 at 08:30 Văn phòng <vp@sct.danang.gov.vn>\nwrote:\n\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\nSent: x\nTo: y\nSubject: z\n",
     1, NULL, "Cảm ơn.", "note"},
    {"the forwarded message's own history stays in its level", "Fwd: Đề nghị",
     "---------- Forwarded message ---------\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "Date: Thu, 17 Dec 2026 at 08:30\n"
     "Subject: Re: Đề nghị\n"
     "To: <pkt-iid@danang.gov.vn>\n\n"
     "Điện thoại: 0905123456\n\n"
     "On Wed, 16 Dec 2026 at 10:00, IID <pkt-iid@danang.gov.vn> wrote:\n"
     "> Đề nghị bổ sung số điện thoại\n",
     2, "vp@sct.danang.gov.vn", "Điện thoại: 0905123456", "gmail"},
    {"mutt, the text after the end marker is the forwarder's", "Fwd: Đề nghị",
     "----- Forwarded message from Văn phòng <vp@sct.danang.gov.vn> -----\n\n"
     "Date: Thu, 17 Dec 2026 08:30:11 +0700\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n\n"
     "----- End forwarded message -----\n\n"
     "Chuyển IID.\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "mutt"},
    {"a body quoted under the headers", "FW: Đề nghị",
     "-----Original Message-----\n"
     "From: Văn phòng <vp@sct.danang.gov.vn>\n"
     "Sent: Thursday, December 17, 2026 8:30 AM\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị\n\n"
     "> Đơn vị yêu cầu: Sở Công Thương\n"
     ">\n"
     "> Người liên hệ: Lê Văn E\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "outlook"},
    {"a marker in Vietnamese", "Đề nghị",
     "----- Thư đã chuyển tiếp -----\n"
     "Từ: \"Văn phòng\" <vp@sct.danang.gov.vn>\n"
     "Đến: \"cntt\" <cntt@danang.gov.vn>\n"
     "Đã gửi: Thứ Năm, 17 Tháng 12 2026 8:30:11\n"
     "Chủ đề: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "forward"},
    {"an outlook block in bold, as Gmail writes it in plain text", "Fwd: FW: Đề nghị",
     "Chuyển IID.\n\n*From:* Văn phòng <vp@sct.danang.gov.vn>\n"
     "*Sent:* Thursday, December 17, 2026 8:30 AM\n*To:* cntt@danang.gov.vn\n"
     "*Subject:* Đề nghị\n\nĐơn vị yêu cầu: Sở Công Thương\n",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "outlook"},
    {"a form's From/To times are not a header block", "Đăng ký vào phòng máy chủ",
     "Đơn vị: Công ty A\nTừ: 08:00\nĐến: 10:30\nNgày: 05/12/2026\n", 1, NULL, "Đơn vị: Công ty A",
     "note"},
    {"no forward at all", NULL, "Đơn vị yêu cầu: Sở Tư pháp\n-- \nĐT: 0905999888\n", 1, NULL,
     "Đơn vị yêu cầu: Sở Tư pháp", "note"},
    {"outlook, From: wrapped over two lines, To: over three", "FW: Đề nghị",
     "Chuyển IID.\n\n"
     "From: Văn phòng Sở Tư pháp\n"
     "<vp@stp.danang.gov.vn>\n"
     "Sent: Monday, December 7, 2026 9:15 AM\n"
     "To: cntt@danang.gov.vn; Nguyễn Văn An <an@danang.gov.vn>; Trần Thị\n"
     "Bình <binh@danang.gov.vn>; Lê Văn Cường\n"
     "<cuong@danang.gov.vn>\n"
     "Subject: Đề nghị\n\n"
     "Đơn vị yêu cầu: Sở Tư pháp\n",
     2, "vp@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "outlook"},
    {"yahoo plain text, the block run onto the marker line", "Fwd: Đề nghị",
     "Chuyển IID\n\n"
     "   ----- Forwarded Message ----- From: Văn phòng <vp@stp.danang.gov.vn>To: "
     "cntt@danang.gov.vn <cntt@danang.gov.vn>Sent: Monday, December 7, 2026, 09:15:03 "
     "AM GMT+7Subject: Đề nghị\n"
     " Đơn vị yêu cầu: Sở Tư pháp\n",
     2, "vp@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "zimbra"},
    {"no forward subject, a note that is only a signature", "Đề nghị hỗ trợ",
     "Kính chuyển IID.\n\nTrần Văn Nam\nSở Thông tin và Truyền thông\n"
     "Điện thoại: 0236 3822 111\nEmail: namtv@danang.gov.vn\n\n"
     "-----Original Message-----\n"
     "From: Văn phòng [mailto:vp@stp.danang.gov.vn]\n"
     "Sent: Monday, December 7, 2026 9:15 AM\n"
     "To: cntt@danang.gov.vn\n"
     "Subject: Đề nghị hỗ trợ\n\n"
     "Đơn vị yêu cầu: Sở Tư pháp\nĐịa điểm: Phòng 501\nLoại hỗ trợ: Mạng\n"
     "Nội dung: Mất mạng tầng 5\n",
     2, "vp@stp.danang.gov.vn", "Đơn vị yêu cầu: Sở Tư pháp", "outlook"},
    {"no subject prefix, a reply's signature over the centre's message: history",
     "Bổ sung thông tin",
     "Dạ em gửi lại.\n\nNgười liên hệ: Đỗ Thị Hạnh\nĐơn vị: Sở Tài chính\n"
     "ĐT: 0236 3821 774\n"
     "Email: hanhdt@danang.gov.vn\n\n"
     "-----Original Message-----\n"
     "From: IID [mailto:pkt-iid@danang.gov.vn]\n"
     "Sent: Friday, December 4, 2026 3:20 PM\n"
     "To: hanhdt@danang.gov.vn\n"
     "Subject: Đề nghị bổ sung thông tin\n\n"
     "Đề nghị đơn vị bổ sung số điện thoại.\n",
     1, NULL, "Dạ em gửi lại.", "note"},
};

/* The first line of a text with something on it. */
static char *
first_line(const char *text)
{
	char **lines = g_strsplit(text, "\n", -1);
	char *got = NULL;

	for (int i = 0; lines[i] != NULL && got == NULL; i++)
		if (*g_strstrip(lines[i]) != '\0')
			got = g_strdup(lines[i]);
	g_strfreev(lines);
	return got;
}

/* Each row through forward_split. */
static void
t_rows(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(rows); i++) {
		const struct row *r = &rows[i];
		GPtrArray *levels = forward_split(r->text, r->subject, &opts);
		struct forward_level *in = g_ptr_array_index(levels, levels->len - 1);
		char *first = first_line(in->text);
		if (levels->len != r->levels)
			fail_msg("%s: %u levels, want %u", r->label, levels->len, r->levels);
		if (g_strcmp0(in->from_addr, r->from) != 0)
			fail_msg("%s: from %s, want %s", r->label, in->from_addr, r->from);
		if (g_strcmp0(first, r->first) != 0)
			fail_msg("%s: first line \"%s\", want \"%s\"", r->label, first, r->first);
		if (g_strcmp0(in->shape, r->shape) != 0)
			fail_msg("%s: shape %s, want %s", r->label, in->shape, r->shape);
		g_free(first);
		forward_levels_free(levels);
	}
}

/* HTML bodies: the shapes the clients write, once turned into text. */
static const struct row html_rows[] = {
    {"gmail html", "Fwd: x",
     "<div dir=\"ltr\">Chuyển IID.<br clear=\"all\"><div><br></div>"
     "<span class=\"gmail_signature_prefix\">-- </span><br>"
     "<div dir=\"ltr\" class=\"gmail_signature\">Hà<br>ĐT: 0236 3822 338</div><br>"
     "<div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">"
     "---------- Forwarded message ---------<br>From: <strong class=\"gmail_sendername\" "
     "dir=\"auto\">Văn phòng</strong> <span dir=\"auto\">&lt;<a "
     "href=\"mailto:vp@sct.danang.gov.vn\">vp@sct.danang.gov.vn</a>&gt;</span><br>"
     "Date: Thu, Dec 17, 2026 at 8:30 AM<br>Subject: Đề nghị<br>To: &lt;<a "
     "href=\"mailto:cntt@danang.gov.vn\">cntt@danang.gov.vn</a>&gt;<br></div><br><br>"
     "<div dir=\"ltr\"><div>Đơn vị yêu cầu: Sở Công Thương</div></div></div></div>",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "gmail"},
    {"outlook on the web", "Fw: x",
     "<div>Chuyển IID.</div><div id=\"Signature\">Phòng Kỹ thuật<br>ĐT: 0236 3565 888</div>"
     "<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">"
     "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" "
     "style=\"font-size:11pt\" color=\"#000000\"><b>From:</b> Văn phòng "
     "&lt;vp@sct.danang.gov.vn&gt;<br>\n<b>Sent:</b> Monday, January 4, 2027 8:47 AM<br>\n"
     "<b>To:</b> pkt-iid &lt;pkt-iid@danang.gov.vn&gt;<br>\n<b>Subject:</b> Đề nghị</font>"
     "<div>&nbsp;</div></div><div><div dir=\"ltr\">Đơn vị yêu cầu: Sở Công Thương</div></div>",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "outlook"},
    {"thunderbird html", "Fwd: x",
     "<p>Chuyển IID.</p><div class=\"moz-forward-container\"><br><br>"
     "-------- Forwarded Message --------<table class=\"moz-email-headers-table\"><tbody>"
     "<tr><th valign=\"BASELINE\" nowrap=\"nowrap\" align=\"RIGHT\">Subject: </th>"
     "<td>Đề nghị</td></tr><tr><th valign=\"BASELINE\" nowrap=\"nowrap\" "
     "align=\"RIGHT\">From: </th><td>Văn phòng <a class=\"moz-txt-link-rfc2396E\" "
     "href=\"mailto:vp@sct.danang.gov.vn\">&lt;vp@sct.danang.gov.vn&gt;</a></td></tr>"
     "</tbody></table><br><br><p>Đơn vị yêu cầu: Sở Công Thương</p></div>",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "thunderbird"},
    {"apple mail html", "Fwd: x",
     "<div>Chuyển IID.</div><div><br><blockquote type=\"cite\"><div>Begin forwarded "
     "message:</div><br class=\"Apple-interchange-newline\"><div><span><b>From: </b></span>"
     "<span>Văn phòng &lt;vp@sct.danang.gov.vn&gt;<br></span></div><div><span><b>Subject: "
     "</b></span><span><b>Đề nghị</b><br></span></div><div><span><b>Date: </b></span><span>"
     "5 January 2027 at 14:02:37 GMT+7<br></span></div><div><span><b>To: </b></span><span>"
     "cntt@danang.gov.vn<br></span></div><br><div>Đơn vị yêu cầu: Sở Công Thương</div>"
     "</blockquote></div>",
     2, "vp@sct.danang.gov.vn", "Đơn vị yêu cầu: Sở Công Thương", "apple"},
};

/* Each HTML row through text_from_html and forward_split. */
static void
t_html_rows(void **state)
{
	for (size_t i = 0; i < G_N_ELEMENTS(html_rows); i++) {
		const struct row *r = &html_rows[i];
		char *html = text_from_html(r->text, strlen(r->text));
		char *text = text_clean_lines(html);
		GPtrArray *levels = forward_split(text, r->subject, &opts);
		struct forward_level *in = g_ptr_array_index(levels, levels->len - 1);
		char *first = first_line(in->text);
		if (levels->len != r->levels || g_strcmp0(in->from_addr, r->from) != 0 ||
		    g_strcmp0(first, r->first) != 0 || g_strcmp0(in->shape, r->shape) != 0)
			fail_msg("%s: %u levels from %s, first \"%s\", shape %s; text:\n%s",
			         r->label, levels->len, in->from_addr, first, in->shape, text);
		g_free(first);
		g_free(text);
		g_free(html);
		forward_levels_free(levels);
	}
}

/* The note keeps the forwarder's signature; the header block is nobody's. */
static void
t_levels_text(void **state)
{
	GPtrArray *levels = forward_split(rows[0].text, rows[0].subject, &opts);
	struct forward_level *note = g_ptr_array_index(levels, 0);
	struct forward_level *in = g_ptr_array_index(levels, 1);

	assert_non_null(strstr(note->text, "ĐT: 0905 999 888"));
	assert_null(strstr(note->text, "Forwarded"));
	assert_null(strstr(in->text, "From:"));
	assert_null(note->from_addr);
	assert_string_equal(in->from_name, "Nguyễn Văn A");
	assert_string_equal(in->subject, "Đề nghị hỗ trợ");
	forward_levels_free(levels);

	levels = forward_split(rows[22].text, rows[22].subject, &opts);
	note = g_ptr_array_index(levels, 0);
	assert_non_null(strstr(note->text, "Chuyển IID."));
	forward_levels_free(levels);
}

/* Subjects: the first prefix decides. */
static void
t_subjects(void **state)
{
	static const struct {
		const char *subject;
		enum forward_subject want;
	} s[] = {
	    {"Fwd: Đề nghị", FWD_SUBJECT_FORWARD},
	    {"FW: RE: Đề nghị", FWD_SUBJECT_FORWARD},
	    {"Chuyển tiếp: Đề nghị", FWD_SUBJECT_FORWARD},
	    {"[IID-KT #2026-000001] Re: x", FWD_SUBJECT_REPLY},
	    {"RE: FW: Đề nghị", FWD_SUBJECT_REPLY},
	    {"TL: Đề nghị", FWD_SUBJECT_REPLY},
	    {"Re[2]: x", FWD_SUBJECT_REPLY},
	    {"Request for help", FWD_SUBJECT_NONE},
	    {"Reply needed", FWD_SUBJECT_NONE},
	    {NULL, FWD_SUBJECT_NONE},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(s); i++)
		if (forward_subject_kind(s[i].subject) != s[i].want)
			fail_msg("subject \"%s\": %d, want %d", s[i].subject,
			         forward_subject_kind(s[i].subject), s[i].want);
}

/* A whole message read: the forwarder's signature gives no contact, the
   innermost sender is the one forwarded_from names. */
static void
t_reading(void **state)
{
	const char *raw =
	    "From: Phong CNTT <cntt@danang.gov.vn>\r\n"
	    "To: pkt-iid@danang.gov.vn\r\n"
	    "Subject: Fwd: De nghi\r\n"
	    "Message-ID: <f1@danang.gov.vn>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Chuyển IID xử lý.\r\n\r\n"
	    "Trân trọng,\r\nNguyễn Văn B\r\nĐT: 0905 999 888\r\nEmail: b@danang.gov.vn\r\n\r\n"
	    "---------- Forwarded message ---------\r\n"
	    "From: Văn phòng <VP@sct.danang.gov.vn>\r\n"
	    "Date: Thu, 17 Dec 2026 at 08:30\r\n"
	    "Subject: De nghi\r\n"
	    "To: <cntt@danang.gov.vn>\r\n\r\n"
	    "Đơn vị yêu cầu: Sở Công Thương\r\n"
	    "Người liên hệ: Lê Văn E\r\n"
	    "-- \r\nLê Văn E\r\nDi động: 0914 111 222\r\n";
	struct attach_opts ao;
	struct message *m = message_parse(raw, strlen(raw));
	attach_opts_default(&ao);
	struct reading *rd = attach_read(m, &ao);
	JsonObject *f = rd->fx->fields;

	assert_string_equal(rd->forwarded_from, "vp@sct.danang.gov.vn");
	assert_string_equal(json_object_get_string_member(f, "requesting_unit"), "Sở Công Thương");
	assert_string_equal(json_object_get_string_member(f, "contact_name"), "Lê Văn E");
	assert_false(json_object_has_member(f, "contact_phone"));
	assert_false(json_object_has_member(f, "contact_email"));
	assert_int_equal(rd->conflicts->len, 0);
	assert_string_equal(rd->source, "body");
	reading_free(rd);
	message_free(m);
}

/* Forwarded as an attachment: the body above is a note. */
static void
t_reading_attached(void **state)
{
	const char *raw = "From: Phong CNTT <cntt@danang.gov.vn>\r\n"
	                  "To: pkt-iid@danang.gov.vn\r\n"
	                  "Subject: FW: De nghi\r\n"
	                  "Message-ID: <f2@danang.gov.vn>\r\n"
	                  "MIME-Version: 1.0\r\n"
	                  "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	                  "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Chuyển IID.\r\nNguyễn Văn B\r\nĐiện thoại: 0905 999 888\r\n\r\n"
	                  "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
	                  "From: Van phong <vp@sct.danang.gov.vn>\r\n"
	                  "To: cntt@danang.gov.vn\r\n"
	                  "Subject: De nghi\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Đơn vị yêu cầu: Sở Công Thương\r\n"
	                  "Điện thoại: 0236 3822 111\r\n\r\n"
	                  "--b1--\r\n";
	struct attach_opts ao;
	struct message *m = message_parse(raw, strlen(raw));
	attach_opts_default(&ao);
	struct reading *rd = attach_read(m, &ao);
	JsonObject *f = rd->fx->fields;

	assert_string_equal(rd->forwarded_from, "vp@sct.danang.gov.vn");
	assert_string_equal(json_object_get_string_member(f, "contact_phone"), "02363822111");
	assert_int_equal(rd->conflicts->len, 0);
	assert_int_equal(rd->fx->doubtful->len, 0);
	reading_free(rd);
	message_free(m);
}

/* A request typed in the body with an older message attached for reference:
   the body is the request, not a note. */
static void
t_reading_reference(void **state)
{
	const char *raw = "From: Van phong <vp@sct.danang.gov.vn>\r\n"
	                  "To: pkt-iid@danang.gov.vn\r\n"
	                  "Subject: De nghi ho tro ky thuat\r\n"
	                  "Message-ID: <f3@sct.danang.gov.vn>\r\n"
	                  "MIME-Version: 1.0\r\n"
	                  "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
	                  "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Đơn vị yêu cầu: Sở Công Thương\r\n"
	                  "Người liên hệ: Lê Văn E\r\n"
	                  "Điện thoại: 0905 111 222\r\n"
	                  "Địa điểm: Phòng 301\r\n"
	                  "Nội dung: Máy in không in được (xem thư cũ đính kèm).\r\n\r\n"
	                  "--b1\r\nContent-Type: message/rfc822\r\n\r\n"
	                  "From: IID <pkt-iid@danang.gov.vn>\r\n"
	                  "To: vp@sct.danang.gov.vn\r\n"
	                  "Subject: Re: May in\r\n"
	                  "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	                  "Trung tâm đã xử lý xong.\r\n\r\n"
	                  "--b1--\r\n";
	struct attach_opts ao;
	struct message *m = message_parse(raw, strlen(raw));
	attach_opts_default(&ao);
	struct reading *rd = attach_read(m, &ao);
	JsonObject *f = rd->fx->fields;

	assert_string_equal(json_object_get_string_member(f, "contact_name"), "Lê Văn E");
	assert_string_equal(json_object_get_string_member(f, "contact_phone"), "0905111222");
	reading_free(rd);
	message_free(m);
}

/* A new request sent as a reply in an old thread: the quoted old request
   is about another type (support, not a sub-domain) and fills nothing; a
   quoted message about the same request still fills the gaps. */
static void
t_reading_unrelated_history(void **state)
{
	static const char head[] = "From: Nguyen Thu Ha <hant@sdl.danang.gov.vn>\r\n"
	                           "To: pkt-iid@danang.gov.vn\r\n"
	                           "Subject: RE: Ho tro ky thuat phong hop\r\n"
	                           "Content-Type: text/plain; charset=utf-8\r\n\r\n";
	static const char *const bodies[] = {
	    "So Du lich de nghi tao ten mien con mice.danang.gov.vn tro ve IP 10.52.3.18.\r\n\r\n"
	    "-----Original Message-----\r\nFrom: Nguyen Thu Ha [mailto:hant@sdl.danang.gov.vn]\r\n"
	    "Sent: Thursday, November 12, 2026 9:40 AM\r\nTo: pkt-iid@danang.gov.vn\r\n"
	    "Subject: Ho tro ky thuat phong hop\r\n\r\n"
	    "Don vi yeu cau: So Du lich\r\nDien thoai: 0236 3550 111\r\n"
	    "Dia diem: Phong hop tang 5\r\nLoai ho tro: Mang\r\n",
	    "Dia diem: Phong hop tang 5, ky thuat vien den luc 9h.\r\n\r\n"
	    "Vào Th 2, 7 thg 12, 2026 lúc 09:12 Nguyen Thu Ha <hant@sdl.danang.gov.vn> đã viết:\r\n"
	    "> Don vi yeu cau: So Du lich\r\n> Dien thoai: 0236 3550 111\r\n"
	    "> Loai ho tro: Mang\r\n",
	};
	(void)state;
	for (int i = 0; i < 2; i++) {
		char *raw = g_strconcat(head, bodies[i], NULL);
		struct attach_opts ao;
		struct message *m = message_parse(raw, strlen(raw));
		attach_opts_default(&ao);
		struct reading *rd = attach_read(m, &ao);
		JsonObject *f = rd->fx->fields;
		/* the unrelated old request's phone is not the new one's; the
		   same request's is */
		assert_int_equal(json_object_has_member(f, "contact_phone"), i == 1);
		assert_int_equal(json_object_has_member(f, "location"), i == 1);
		reading_free(rd);
		message_free(m);
		g_free(raw);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(t_rows),
	    cmocka_unit_test(t_html_rows),
	    cmocka_unit_test(t_levels_text),
	    cmocka_unit_test(t_subjects),
	    cmocka_unit_test(t_reading),
	    cmocka_unit_test(t_reading_attached),
	    cmocka_unit_test(t_reading_reference),
	    cmocka_unit_test(t_reading_unrelated_history),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
