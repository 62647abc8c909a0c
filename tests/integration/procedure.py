#!/usr/bin/env python3
"""procedure.py - the whole procedure by e-mail alone (issue 4), through the real daemon.

Units mail their requests through the private Postfix; `phieud --once` reads the
three polled mailboxes from the private Dovecot; staff answer in each request's
thread with commands ("#lich", "#batdau", "#xong", "#chiphi", ...); units confirm
("Xác nhận hoàn thành").  After every step the test reads the request
(`phieuctl show NUMBER --json`: state, and exactly the events added, with who did
them) and fetches, over IMAP, each mail phieu sent, in the mailbox it must arrive
in: the unit's (in the thread of its request), the staff's, the Department of
ICT's (cntt@) or the Admin-General department's (finance).  Every test ends by
checking that phieu sent nothing else.  Each test case has its own mail server,
configuration (with a `units` list) and database.

- Lifecycle: one request of each type (website_update, mailbox create, subdomain
  with its approval letter, server_room, tech_support) from its first mail to
  `closed`; the server-room logbook; a cost told to the Admin-General department;
  the mailbox report copy to the Department; no password echoed back.
- Checks: a command from a non-staff address changes nothing and staff are told;
  another unit's reply carrying a request number does not attach; a sub-domain
  without the approval letter waits in needs_info until the letter is cited; a
  third person overlapping in the server room is flagged; a mailbox create sent
  to admin@ goes via the Department and the sender is told the proper address; a
  server-room visit to install or test-run equipment is refused with the rule;
  an autoresponder that ignores RFC 3834 answers a request in needs_info 50
  times: every answer is kept, phieu's re-acknowledgements stay within
  limit_reack_day (3), its mail to the unit within limit_address_hour, its
  staff notices within limit_notice_hour, and staff are told once.
- Time (remind_after_days = 0, reminders = 1, close_after_days = 0): one
  reminder while needs_info, saying what is awaited, never a second; an
  unconfirmed completion closed ("autoclosed") and the unit told.  Timers days
  ahead are kept in the database: each --once is a new process; the test moves
  the stored due times back ("days pass while phieud is stopped") and each timer
  fires once, on time, never twice, at most `reminders` times.
- Emergencies (emergency_remind_days = 0): "#khancap <unit>: <what>" from staff
  opens an emergency record (tech_support, in_progress, emergency), the unit is
  reminded to file its form; the form, in a new mail or as the answer to the
  reminder, is linked and closes the record ("form_filed").

By hand: python3 tests/integration/procedure.py --phieud build/daemon/phieud \
  --phieuctl build/daemon/phieuctl --srcdir . [Checks.test_...]  (PHIEU_IT_KEEP=1
keeps the files).
"""

import email.message
import email.policy
import email.utils
import os
import sqlite3
import time

import harness
from harness import IntegrationCase

PREFIX = "IID-KT"
PKT = "pkt-iid@danang.gov.vn"
CNTT = "cntt@danang.gov.vn"           # polled mailbox, and the Department of ICT
ADMIN = "admin@danang.gov.vn"
POLLED = (PKT, CNTT, ADMIN)
DEPARTMENT = CNTT
FINANCE = "hcth.iid@danang.gov.vn"    # the Admin-General department (harness config)
STAFF = harness.STAFF
OUTSIDER = "nguyenvana.1985@gmail.com"

# The units of the tests, with their office mailboxes (the `units` configuration).
SGTVT = "vanphong@sgtvt.danang.gov.vn"
SCT = "vanphong@sct.danang.gov.vn"
SDL = "kythuat@sdl.danang.gov.vn"
STP = "vanphong@stp.danang.gov.vn"
HOAVANG = "tuanlm@hoavang.danang.gov.vn"
CANG = "khoatd@cangdanang.com.vn"      # a hosting customer of the Software Park
SNV = "vanphong@snv.danang.gov.vn"
UNITS = [
    ("Sở Giao thông vận tải", [SGTVT]),
    ("Sở Công Thương", [SCT]),
    ("Sở Du lịch", [SDL]),
    ("Sở Tư pháp", [STP]),
    ("Văn phòng HĐND và UBND huyện Hòa Vang", [HOAVANG]),
    ("Sở Nội vụ", [SNV]),
]

# The subjects of phieu's mails after "[IID-KT #NUMBER] " (config/templates/*.vi.txt).
ACK = "Đã tiếp nhận yêu cầu"
NOTICE_NEW = "Yêu cầu mới"
SCHEDULED = "Lịch thực hiện"
STARTED = "Đang thực hiện"
COMPLETED = "Đã hoàn thành"
CLOSED = "Đã đóng yêu cầu"            # closed and autoclosed
REPORT = "Báo cáo kết quả xử lý hộp thư điện tử"
COST = "Phát sinh chi phí hỗ trợ kỹ thuật"
REFUSED = "Lệnh không được thực hiện"
NOTHING_DONE = "Không có lệnh nào được thực hiện"
CAPACITY = "Quá 2 người trong Phòng Hệ thống"
REJECTED = "Yêu cầu không được chấp nhận"
REACK = "Đã nhận thông tin bổ sung"
LIMIT_SUBJECT = "Đã ngừng trả lời tự động"
AUTORESPONDER_MAILS = 50
LIMIT_REACK_DAY = 3           # the defaults of config/phieu.conf.example
LIMIT_ADDRESS_HOUR = 10
LIMIT_NOTICE_HOUR = 6
NEEDINFO = "Đề nghị bổ sung thông tin"
REMINDER = "Nhắc bổ sung thông tin"
FORM_REMINDER = "Đề nghị gửi phiếu đăng ký sau sự cố"
CORRESPONDENCE = "Thư mới về yêu cầu"

SERVER_ROOM_RULE = ("Không vào Phòng Hệ thống cùng lúc quá 02 người; tuyệt đối không lắp ráp, "
                    "cài đặt, vận hành thử thiết bị trong Phòng Hệ thống.")
WEBSITE_SECRET = "Xk9#trQ2026"

MAIL_TIMEOUT = 30     # seconds for a mail phieu sent to arrive
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def units_config(extra=""):
    """The `units` setting of the tests, plus extra lines."""
    entries = []
    for name, addrs in UNITS:
        quoted = ", ".join(f'"{a}"' for a in addrs)
        entries.append(f'  {{ name = "{name}"; addresses = [ {quoted} ]; }}')
    entries = ",\n".join(entries)
    return f"units = (\n{entries}\n);\n{extra}"


# --- the requests, as units type them: (sender, to, display name, subject, body) ---

def website_request(sender=SGTVT):
    return (sender, PKT, "Huỳnh Văn Phước",
            "Đề nghị cập nhật mã nguồn website Sở Giao thông vận tải",
            "Kính gửi: Phòng Kỹ thuật - Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng\n\n"
            "Sở Giao thông vận tải gửi phiếu yêu cầu cập nhật mã nguồn website "
            "(biểu mẫu 01/IID-KT):\n\n"
            "Đơn vị yêu cầu: Sở Giao thông vận tải\n"
            "Cán bộ phụ trách: Huỳnh Văn Phước\n"
            "Điện thoại: 0905 214 377\n"
            f"Email: {sender}\n"
            "Địa chỉ website: https://sgtvt.danang.gov.vn\n"
            "Nội dung yêu cầu: Cập nhật chuyên mục Thủ tục hành chính và vá lỗi biểu mẫu tra cứu.\n"
            "Tài khoản FTP: sgtvt_web\n"
            f"Mật khẩu: {WEBSITE_SECRET}\n"
            "Thời gian đề nghị thực hiện: 08/12/2026\n\n"
            "Trân trọng./.\n\n-- \nHuỳnh Văn Phước\nSở Giao thông vận tải\n")


def mailbox_create_request(to=CNTT, sender=SCT):
    return (sender, to, "Văn phòng Sở Công Thương",
            "Đề nghị cấp mới hộp thư điện tử công vụ - Sở Công Thương",
            "Kính gửi: Sở Thông tin và Truyền thông thành phố Đà Nẵng\n\n"
            "Văn phòng Sở Công Thương đề nghị cấp mới hộp thư điện tử công vụ (mẫu 02/IID-KT):\n\n"
            "- Đơn vị yêu cầu: Sở Công Thương\n"
            "- Người liên hệ: Nguyễn Thị Thu Hà\n"
            "- Điện thoại: 0236 3822 915\n"
            f"- Email: {sender}\n"
            "- Hình thức: Cấp mới\n\n"
            "Danh sách tài khoản:\n"
            "STT | Họ và tên | Chức vụ | Phòng/Ban | Địa chỉ hộp thư | Điện thoại di động\n"
            "1 | Đặng Quốc Việt | Chuyên viên | Phòng Quản lý thương mại "
            "| vietdq@danang.gov.vn | 0914 552 081\n"
            "2 | Phan Thị Mỹ Linh | Phó Trưởng phòng | Phòng Kế hoạch - Tài chính "
            "| linhptm@danang.gov.vn | 0935 118 642\n\n"
            "- Nội dung yêu cầu: Cấp hộp thư cho cán bộ mới được tuyển dụng.\n\n"
            "Trân trọng!\n\n-- \nNguyễn Thị Thu Hà\nChánh Văn phòng\nSở Công Thương\n")


def subdomain_request(sender=SDL, name="phaohoa2027", approval="5123/UBND-KTN ngày 18/11/2026",
                      unit="Sở Du lịch", contact="Võ Thị Ngọc Ánh"):
    letter = (f"6. Văn bản chấp thuận của UBND thành phố: {approval}\n" if approval else "")
    return (sender, PKT, contact,
            f"V/v đề nghị tạo tên miền con {name}.danang.gov.vn",
            "Kính gửi: Phòng Kỹ thuật - Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng\n\n"
            f"{unit} gửi phiếu yêu cầu tạo tên miền con (biểu mẫu 03/IID-KT):\n\n"
            f"1. Tên đơn vị: {unit}\n"
            f"2. Cán bộ phụ trách: {contact}\n"
            "3. Điện thoại: 0236 3550 111\n"
            f"4. Email: {sender}\n"
            f"5. Tên miền đăng ký: {name}.danang.gov.vn\n"
            f"{letter}"
            "7. IP máy chủ: 14.225.210.47\n"
            "8. Mục đích sử dụng: Cổng thông tin chuyên đề của đơn vị\n"
            "Cán bộ quản trị tên miền:\n"
            "9. Họ và tên: Lê Hoàng Nam\n"
            "10. Di động: 0932 561 208\n"
            "11. Thư điện tử: namlh@danang.gov.vn\n\n"
            f"Trân trọng,\n\n-- \n{contact}\n{unit}\n")


def server_room_request(sender=CANG, date="15/12/2026", time_from="09:00", time_to="10:30",
                        visitors=(("Trần Đình Khoa", "048085001234", "0913482650"),
                                  ("Nguyễn Hữu Lộc", "048090004321", "0905117734")),
                        purpose="Thay ổ cứng bị hỏng trên máy chủ lưu trữ đặt tại tủ rack số 7",
                        unit="Công ty Cổ phần Cảng Đà Nẵng"):
    people = "".join(
        f"Người {i}:\n   Họ và tên: {n}\n   Đơn vị: {unit}\n   Số CMND/CCCD: {id_no}\n"
        f"   Điện thoại: {phone}\n\n"
        for i, (n, id_no, phone) in enumerate(visitors, 1))
    return (sender, PKT, visitors[0][0],
            f"Đăng ký vào Phòng Hệ thống ngày {date}",
            "Kính gửi Quý Trung tâm,\n\n"
            f"{unit} xin đăng ký vào ra Phòng Hệ thống (biểu mẫu 04/IID-KT):\n\n"
            f"Tên đơn vị: {unit}\n"
            f"Người liên hệ: {visitors[0][0]}\n"
            f"Di động: {visitors[0][2]}\n"
            f"Email: {sender}\n"
            f"Ngày thực hiện: {date}\n"
            f"Giờ vào: {time_from}\n"
            f"Giờ ra: {time_to}\n\n"
            "Danh sách cán bộ vào phòng:\n\n"
            f"{people}"
            f"Mục đích: {purpose}\n"
            "Thiết bị: 01 ổ cứng SAS 1.2TB\n"
            "Trường hợp khẩn cấp: [ ] Có  [x] Không\n\n"
            f"Trân trọng!\n\n-- \n{visitors[0][0]}\n{unit}\n")


def tech_support_request(sender=HOAVANG, unit="Văn phòng HĐND và UBND huyện Hòa Vang",
                         contact="Lê Minh Tuấn",
                         what="Mất kết nối mạng diện rộng (WAN) tại phòng họp trực tuyến."):
    return (sender, PKT, contact,
            f"Phiếu đăng ký hỗ trợ kỹ thuật - {unit}",
            "Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng (IID),\n\n"
            f"{unit} gửi phiếu đăng ký hỗ trợ kỹ thuật (biểu mẫu 05/IID-KT):\n\n"
            f"- Tên cơ quan, đơn vị: {unit}\n"
            f"- Người liên hệ: {contact}\n"
            "- Di động: 0976 318 245\n"
            f"- Email: {sender}\n"
            "- Loại hỗ trợ: ☑ Mạng  ☐ Thư điện tử  ☐ Website  ☐ Phần mềm  ☐ Máy chủ  ☐ Khác\n"
            "- Địa điểm: Phòng 502, tầng 5, Trung tâm Hành chính thành phố, 24 Trần Phú\n"
            "- Mức độ: Khẩn\n"
            f"- Nội dung yêu cầu: {what}\n\n"
            f"Trân trọng,\n\n-- \n{contact}\n{unit}\n")


class ProcedureCase(IntegrationCase):
    """Helpers: mail as people write it, requests as phieuctl shows them, mail
    phieu sent as it arrives over IMAP."""

    BASEPORT = 10720
    EXTRA_CONFIG = units_config()

    def setUp(self):
        super().setUp()
        self.sent = 0                 # mails this test wrote
        self.claimed = set()          # (user, uid) of phieu's mails already checked
        self.events_seen = {}         # request number -> events already checked
        self.originals = {}           # request number -> Message-ID of its first mail
        self.last_mail = {}           # (user, number) -> newest mail phieu sent there
        self.watched = set(STAFF) | {DEPARTMENT, FINANCE}

    # --- writing and sending mail -------------------------------------------------

    def write_mail(self, sender, to, subject, body, name=None, reply_to=None):
        """An .eml as a mail program writes it; reply_to is a fetched mail to answer
        (In-Reply-To, References and its first lines quoted)."""
        self.sent += 1
        msg = email.message.EmailMessage(policy=email.policy.SMTP)
        msg["From"] = email.utils.formataddr((name, sender)) if name else sender
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["Message-ID"] = email.utils.make_msgid(f"t{self.sent}", sender.split("@")[1])
        msg["User-Agent"] = "Mozilla Thunderbird"
        if reply_to is not None:
            msg["In-Reply-To"] = reply_to["message_id"]
            refs = (reply_to.get("references") or "").split() + [reply_to["message_id"]]
            msg["References"] = " ".join(refs)
            quoted = "".join(f"> {line}\n" for line in reply_to["body"].splitlines()[:12])
            body = f"{body}\n\nVào lúc 09:20, {reply_to['from']} đã viết:\n{quoted}"
        msg.set_content(body, charset="utf-8", cte="8bit")
        path = os.path.join(self.work, f"mail-{self.sent:03d}.eml")
        with open(path, "wb") as f:
            f.write(msg.as_bytes())
        return path, msg["Message-ID"]

    def deliver(self, path, message_id, sender, rcpts):
        """Send through Postfix and wait until every polled recipient holds it."""
        self.ms.send(path, sender=sender, rcpts=rcpts)
        want = harness.strip_id(message_id)
        for rcpt in rcpts:
            if rcpt not in POLLED:
                continue
            deadline = time.monotonic() + harness.DELIVERY_TIMEOUT
            while not any(harness.strip_id(m["message_id"]) == want
                          for m in self.ms.fetch(rcpt)):
                if time.monotonic() > deadline:
                    self.fail(f"{message_id} never reached {rcpt}\n{self.ms.logs()}")
                time.sleep(0.2)

    def send_mail(self, sender, to, subject, body, name=None, reply_to=None):
        """Write and deliver one mail; its Message-ID."""
        path, mid = self.write_mail(sender, to, subject, body, name=name, reply_to=reply_to)
        self.deliver(path, mid, sender, [to])
        return mid

    def staff_reply(self, number, *lines, sender=STAFF[0]):
        """A staff member answers the newest mail staff got about request NUMBER,
        one command per line, the notice quoted under the answer."""
        notice = self.last_mail.get((STAFF[0], number))
        self.assertIsNotNone(notice, f"staff never got a mail about {number} to answer")
        to = email.utils.parseaddr(notice["from"])[1].lower()
        self.send_mail(sender, to, f"Re: {notice['subject']}", "\n".join(lines) +
                       "\n\n-- \nPhòng Kỹ thuật - IID", reply_to=notice)

    def unit_reply(self, number, sender, *lines, about=None):
        """The unit (sender) answers the newest mail it got about request NUMBER
        (or the mail given as about), keeping the subject."""
        last = about or self.last_mail.get((sender, number))
        self.assertIsNotNone(last, f"{sender} never got a mail about {number} to answer")
        to = email.utils.parseaddr(last["from"])[1].lower()
        return self.send_mail(sender, to, f"Re: {last['subject']}", "\n".join(lines),
                              reply_to=last)

    # --- requests as phieuctl shows them --------------------------------------------

    def run_once(self):
        """One `phieud --once`: read the three mailboxes, fire timers, send."""
        self.once(expect=0)

    def state(self, number):
        return self.show(number)["state"]

    def history(self, number):
        """[(event, actor)] of a request's history, oldest first."""
        return [(e.get("event"), e.get("actor")) for e in self.show(number)["history"]]

    def expect_events(self, number, *events):
        """The events added to NUMBER's history since the last check are exactly
        these (event, actor) pairs, in this order."""
        hist = self.history(number)
        seen = self.events_seen.get(number, 0)
        self.events_seen[number] = len(hist)     # a failure is reported once
        self.assertEqual(hist[seen:], list(events),
                         f"{number}: new history events (all: {hist})")

    def expect_state(self, number, state, *events):
        """NUMBER is in state, and its history grew by exactly events."""
        shown = self.show(number)
        self.assertEqual(shown["state"], state, f"{number}: state (history {self.history(number)})")
        self.expect_events(number, *events)
        return shown

    def new_request(self, request, state="acknowledged", ack=True):
        """Deliver a unit's request, run phieud once; the new request's number
        (checked: one new request from that sender, staff told with its number in
        the subject, the acknowledgement in the unit's mailbox)."""
        sender, to, name, subject, body = request
        self.watched.add(sender)
        before = {r["id"] for r in self.requests()}
        mid = self.send_mail(sender, to, subject, body, name=name)
        self.run_once()
        new = [r for r in self.requests() if r["id"] not in before]
        self.assertEqual([r["sender"] for r in new], [sender], f"new requests: {new}")
        number = new[0]["id"]
        self.originals[number] = mid
        self.assertEqual(self.state(number), state, f"{number}: state after intake")
        self.expect_staff(number, NOTICE_NEW)
        if ack:
            got = self.expect_unit(sender, number, ACK)
            self.assertIn(number, got["body"], "the ack gives the request number")
        return number

    def days_pass(self, days):
        """phieud is stopped while days go by: every timer comes that much nearer
        (the timers are the due_at of `phieuctl show`, kept in the database)."""
        db = sqlite3.connect(os.path.join(self.work, "phieu.db"))
        with db:
            db.execute("UPDATE requests SET due_at = due_at - ? WHERE due_at IS NOT NULL",
                       (int(days * 86400) + 60,))
        db.close()

    # --- mail phieu sent, over IMAP -------------------------------------------------------

    def expect_mail(self, user, number, subject, frm=None, timeout=MAIL_TIMEOUT):
        """Wait for a mail phieu sent to user whose subject starts with
        "[IID-KT #NUMBER] subject", not checked before; return it."""
        self.watched.add(user)
        head = f"[{PREFIX} #{number}] {subject}"
        deadline = time.monotonic() + timeout
        while True:
            for m in self.ms.fetch(user):
                if (user, m["uid"]) in self.claimed or not (m["subject"] or "").startswith(head):
                    continue
                self.claimed.add((user, m["uid"]))
                self.last_mail[(user, number)] = m
                sender = email.utils.parseaddr(m["from"] or "")[1].lower()
                if frm is not None:
                    self.assertEqual(sender, frm, f"From of {m['subject']!r} to {user}")
                self.assertIn(sender, POLLED, f"{m['subject']!r} not from a phieu mailbox")
                self.assertTrue((m["auto_submitted"] or "").startswith("auto-"),
                                f"{m['subject']!r}: Auto-Submitted {m['auto_submitted']!r}")
                self.assertNotIn(WEBSITE_SECRET, m["body"], f"{m['subject']!r} echoes a password")
                return m
            if time.monotonic() > deadline:
                got = [m["subject"] for m in self.ms.fetch(user)]
                self.fail(f"{user} got no mail '{head}…' within {timeout}s; it has: {got}")
            time.sleep(0.3)

    def expect_unit(self, unit, number, subject, frm=None):
        """A mail to the unit, in the thread of its request."""
        m = self.expect_mail(unit, number, subject, frm=frm)
        if number in self.originals:
            self.assertEqual(harness.strip_id(m["in_reply_to"]),
                             harness.strip_id(self.originals[number]),
                             f"{m['subject']!r}: In-Reply-To is not the unit's request")
        return m

    def expect_staff(self, number, subject, timeout=MAIL_TIMEOUT):
        """The same mail in every staff member's mailbox."""
        got = [self.expect_mail(s, number, subject, timeout=timeout) for s in STAFF]
        return got[0]

    def phieu_mail(self, user):
        """The mails phieu sent to user (From one of the polled mailboxes)."""
        return [m for m in self.ms.fetch(user)
                if email.utils.parseaddr(m["from"] or "")[1].lower() in POLLED
                and m["subject"] and f"[{PREFIX} #" in m["subject"]]

    def expect_nothing_else(self):
        """After a quiet wait, no mailbox watched holds a mail from phieu that the
        test has not checked."""
        time.sleep(harness.QUIET_WAIT)
        extra = {}
        for user in sorted(self.watched):
            for m in self.phieu_mail(user):
                if (user, m["uid"]) not in self.claimed:
                    self.claimed.add((user, m["uid"]))   # a failure is reported once
                    extra.setdefault(user, []).append(m["subject"])
        self.assertEqual(extra, {}, "phieu sent mail nobody expected")


class Lifecycle(ProcedureCase):
    """One request of each type from its first mail to closed."""

    TYPE = None
    INTAKE = ("received", "acknowledged")   # events of the first run

    def walk(self, request, *, schedule, at, start="#batdau", done="#xong", actor=STAFF[0],
             unit_from=PKT, ack_says=(), after_schedule=None, before_done=None,
             after_done=None):
        """Take the request from its first mail to closed, the staff member actor
        answering; schedule is the staff's line and at the appointment it makes
        ("YYYY-MM-DDTHH:MM"); the hooks check what is particular to the type."""
        sender = request[0]
        number = self.new_request(request)
        self.assertEqual(self.show(number)["type"], self.TYPE)
        intake = {"received": sender, "routed": "phieu", "acknowledged": "phieu"}
        self.expect_events(number, *[(e, intake[e]) for e in self.INTAKE])
        ack = self.last_mail[(sender, number)]
        self.assertEqual(email.utils.parseaddr(ack["from"])[1], unit_from,
                         "the ack comes from the request's proper mailbox")
        for text in ack_says:
            self.assertIn(text, " ".join(ack["body"].split()), "the acknowledgement")

        self.staff_reply(number, schedule, sender=actor)
        self.run_once()
        shown = self.expect_state(number, "scheduled", ("assigned", actor), ("scheduled", actor))
        self.assertEqual(shown["scheduled_at"], at, f"the appointment of {schedule!r}")
        told = self.expect_unit(sender, number, SCHEDULED, frm=unit_from)
        day, hour = at.split("T")
        y, m, d = day.split("-")
        self.assertIn(f"{hour} ngày {d}/{m}/{y}", told["subject"], "when, in the subject")
        if after_schedule:
            after_schedule(number)

        self.staff_reply(number, start, sender=actor)
        self.run_once()
        self.expect_state(number, "in_progress", ("started", actor))
        self.expect_unit(sender, number, STARTED, frm=unit_from)
        if before_done:
            before_done(number)

        self.staff_reply(number, done, sender=actor)
        self.run_once()
        self.expect_state(number, "completed", ("completed", actor))
        completed = self.expect_unit(sender, number, COMPLETED, frm=unit_from)
        if after_done:
            after_done(number, completed)

        self.unit_reply(number, sender, "Kính gửi Trung tâm,", "",
                        "Xác nhận hoàn thành.", "", "Trân trọng.")
        self.run_once()
        self.expect_state(number, "closed", ("confirmed", sender))
        self.expect_unit(sender, number, CLOSED, frm=unit_from)

        # one more run: nothing moves, nothing is sent again
        self.run_once()
        self.expect_state(number, "closed")
        self.expect_nothing_else()
        return number


class WebsiteUpdate(Lifecycle):
    TYPE = "website_update"

    def test_website_update_to_closed(self):
        number = self.walk(website_request(), schedule="#lich 08/12/2026 09:00",
                           at="2026-12-08T09:00", ack_says=["https://sgtvt.danang.gov.vn"])
        shown = self.show(number)
        self.assertNotIn(WEBSITE_SECRET, str(shown["fields"]), "the password was kept")


class MailboxCreate(Lifecycle):
    TYPE = "mailbox"
    INTAKE = ("received", "routed", "acknowledged")

    def test_mailbox_create_to_closed(self):
        def report_copy(number, completed):
            self.assertIn("vietdq@danang.gov.vn", completed["body"], "the result to the unit")
            report = self.expect_mail(DEPARTMENT, number, REPORT, frm=CNTT)
            for account in ("vietdq@danang.gov.vn", "linhptm@danang.gov.vn"):
                self.assertIn(account, report["body"], "the report copy lists the accounts")
            self.assertIn("đã tạo 2 hộp thư", report["body"], "the staff's note")
            self.assertIn(STAFF[0], report["body"], "who did the work")
            # The report copy went to cntt@, a mailbox phieu polls itself: the next
            # run reads it back.  It is phieu's own automatic mail: nothing may
            # happen (no correspondence from the Department, no notice to staff).
            self.run_once()
            with self.subTest(check="report copy read back from cntt@: history"):
                self.expect_state(number, "completed")
            with self.subTest(check="report copy read back from cntt@: mail"):
                self.expect_nothing_else()

        number = self.walk(mailbox_create_request(), schedule="#schedule 2026-12-04 14:00",
                           at="2026-12-04T14:00", done="#done đã tạo 2 hộp thư", unit_from=CNTT,
                           ack_says=["vietdq@danang.gov.vn",
                                     "do Sở Thông tin và Truyền thông tiếp nhận"],
                           after_done=report_copy)
        shown = self.show(number)
        self.assertEqual((shown["mailbox"], shown["proper_mailbox"]), ("cntt", "cntt"))


class Subdomain(Lifecycle):
    TYPE = "subdomain"

    def test_subdomain_with_approval_to_closed(self):
        # "#lich thứ Năm 10/12 8h30": weekday, no year (the year of the mail)
        year = time.localtime().tm_year
        weekday = WEEKDAYS[time.strptime(f"{year}-12-10", "%Y-%m-%d").tm_wday]
        number = self.walk(subdomain_request(), schedule=f"#lich {weekday} 10/12 8h30",
                           at=f"{year}-12-10T08:30", ack_says=["phaohoa2027.danang.gov.vn"],
                           start="#bắt đầu",
                           done="#xong đã tạo và bàn giao phaohoa2027.danang.gov.vn")
        self.assertEqual(self.show(number)["fields"].get("approval_ref"), "5123/UBND-KTN")


class ServerRoom(Lifecycle):
    TYPE = "server_room"

    def test_server_room_to_closed(self):
        def in_logbook(number):
            book = self.ctl_json("logbook")
            visits = [v for v in book if v.get("id") == number]
            self.assertEqual(len(visits), 1, f"logbook: {book}")
            visit = visits[0]
            self.assertEqual(visit["escort"], STAFF[1], "the staff member who scheduled it")
            self.assertEqual(visit["from"], "2026-12-15T09:00")
            self.assertEqual([p.get("id_no") for p in visit["visitors"]],
                             ["048085001234", "048090004321"])
            self.assertIn("ổ cứng", visit["purpose"])
            sched = self.last_mail[(CANG, number)]
            self.assertIn("không quá 2 người", sched["body"], "the room's rules in the schedule")

        # the second staff member escorts this visit
        number = self.walk(server_room_request(), schedule="#lich 15/12/2026 09:00",
                           at="2026-12-15T09:00", ack_says=["tối đa 2 người"], start="#start",
                           done="#xong khách đã ra, đã ký Nhật ký phòng Hệ thống",
                           actor=STAFF[1], after_schedule=in_logbook)
        book = self.ctl_json("logbook")
        visit = [v for v in book if v.get("id") == number]
        self.assertEqual(len(visit), 1, f"a done visit stays in the logbook: {book}")
        self.assertEqual(visit[0]["state"], "closed")
        self.assertTrue(visit[0].get("completed"), f"when the visit was done: {visit}")


class TechSupport(Lifecycle):
    TYPE = "tech_support"

    def test_tech_support_with_cost_to_closed(self):
        def cost(number):
            self.staff_reply(number, "#chiphi 1.500.000 đ thay switch tầng 5")
            self.run_once()
            shown = self.expect_state(number, "in_progress", ("cost", STAFF[0]))
            self.assertEqual(shown["cost"], 1500000)
            told = self.expect_mail(FINANCE, number, COST + ": 1.500.000 đ", frm=PKT)
            self.assertIn("thay switch tầng 5", told["body"], "what the cost is for")
            self.assertIn("Văn phòng HĐND và UBND huyện Hòa Vang", told["body"], "the unit")
            self.assertIn(STAFF[0], told["body"], "who recorded the cost")

        self.walk(tech_support_request(), schedule="Lịch: 9h00 ngày 05/12/2026",
                  at="2026-12-05T09:00", before_done=cost)


class Checks(ProcedureCase):
    """The procedures' checks and who may do what."""

    def test_command_from_non_staff_changes_nothing(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))

        # the unit itself tries a staff command in its thread
        self.unit_reply(number, HOAVANG, "#xong", "#chiphi 200k")
        self.run_once()
        self.expect_state(number, "acknowledged", ("command_refused", HOAVANG))
        refused = self.expect_staff(number, REFUSED)
        self.assertIn("#xong", refused["body"], "the refused command")
        self.assertIn(HOAVANG, refused["body"], "who sent it")
        self.assertEqual(self.show(number)["cost"], 0)

        # an outsider with the number in the subject, named like a staff member
        ack = self.last_mail[(HOAVANG, number)]
        self.watched.add(OUTSIDER)
        self.send_mail(OUTSIDER, PKT, f"Re: {ack['subject']}", "#tuchoi trùng yêu cầu",
                       name=f"Lê Thị Vân ({STAFF[0]})", reply_to=ack)
        self.run_once()
        self.expect_state(number, "acknowledged", ("command_refused", OUTSIDER))
        refused = self.expect_staff(number, REFUSED)
        self.assertIn(OUTSIDER, refused["body"], "who sent it")
        self.assertEqual([r["id"] for r in self.requests()], [number],
                         "the outsider's mail made a request")
        self.expect_nothing_else()      # the unit was told nothing, the outsider neither

        # the same kind of command from staff does move it
        self.staff_reply(number, "#tuchoi đơn vị đã tự khắc phục")
        self.run_once()
        self.expect_state(number, "rejected", ("rejected", STAFF[0]))
        told = self.expect_unit(HOAVANG, number, REJECTED, frm=PKT)
        self.assertIn("đơn vị đã tự khắc phục", told["body"], "the reason")
        self.expect_nothing_else()

    def test_staff_command_inside_a_sentence(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        # staff writing a command inside a sentence: nothing changes, and that
        # staff member alone is told, with the line as it would have worked
        self.staff_reply(number, "Em đặt #lich 05/12 9h nhé, anh xem giúp.")
        self.run_once()
        self.expect_state(number, "acknowledged", ("correspondence", STAFF[0]))
        hint = self.expect_mail(STAFF[0], number, NOTHING_DONE)
        self.assertIn("#lich 05/12 9h", hint["body"], "the command as it would read")
        self.expect_nothing_else()
        # a plain answer holding nothing like a command is only kept
        self.staff_reply(number, "Cảm ơn anh, em sẽ gọi lại đơn vị.")
        self.run_once()
        self.expect_state(number, "acknowledged", ("correspondence", STAFF[0]))
        self.expect_nothing_else()

    def test_forward_of_a_request_already_received_joins_it(self):
        # the unit's request reached cntt@, which phieu polls: a request
        request = mailbox_create_request(to=CNTT)
        number = self.new_request(request)
        self.expect_events(number, ("received", SCT), ("routed", "phieu"),
                           ("acknowledged", "phieu"))
        original = os.path.join(self.work, f"mail-{self.sent:03d}.eml")
        # the Department passes the same mail on to pkt-iid@, attached
        fwd = email.message.EmailMessage(policy=email.policy.SMTP)
        fwd["From"] = DEPARTMENT
        fwd["To"] = PKT
        fwd["Subject"] = f"Fwd: {request[3]}"
        fwd["Date"] = email.utils.formatdate(localtime=True)
        fwd["Message-ID"] = email.utils.make_msgid("fwd-attached", "danang.gov.vn")
        fwd.set_content("Chuyển Trung tâm IID xử lý.\n", charset="utf-8", cte="8bit")
        with open(original, "rb") as f:
            fwd.add_attachment(email.message_from_bytes(f.read(), policy=email.policy.SMTP))
        path = os.path.join(self.work, "forward-attached.eml")
        with open(path, "wb") as f:
            f.write(fwd.as_bytes())
        self.deliver(path, fwd["Message-ID"], DEPARTMENT, [PKT])
        self.run_once()
        self.assertEqual([r["id"] for r in self.requests()], [number],
                         "the forward of a message already received made a request")
        self.expect_state(number, "acknowledged", ("forwarded", DEPARTMENT))
        # the same passed on inline (Gmail's shape): found by sender and subject
        self.send_mail(DEPARTMENT, PKT, f"Fwd: {request[3]}",
                       "Chuyển IID.\n\n---------- Forwarded message ---------\n"
                       f"From: {request[2]} <{SCT}>\n"
                       "Date: Mon, 7 Dec 2026 at 08:12\n"
                       f"Subject: {request[3]}\n"
                       f"To: <{CNTT}>\n\n" + request[4])
        self.run_once()
        self.assertEqual([r["id"] for r in self.requests()], [number],
                         "the inline forward made a request")
        self.expect_state(number, "acknowledged", ("forwarded", DEPARTMENT))
        self.expect_nothing_else()      # the unit has its one number already

    def test_other_units_reply_does_not_attach(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        self.staff_reply(number, "#xong đã thay dây mạng")
        self.run_once()
        self.expect_state(number, "completed", ("completed", STAFF[0]))
        completed = self.expect_unit(HOAVANG, number, COMPLETED, frm=PKT)
        before = self.show(number)

        # another unit answers that completion notice (forwarded to it), number
        # in the subject, In-Reply-To and References of the thread
        self.watched.add(SNV)
        self.send_mail(SNV, PKT, f"Re: {completed['subject']}",
                       "Xác nhận hoàn thành.\n\nVăn phòng Sở Nội vụ", reply_to=completed)
        self.run_once()
        after = self.show(number)
        self.assertEqual(after["state"], "completed", "another unit closed the request")
        self.assertEqual(after["history"], before["history"], "another unit's mail was attached")
        self.assertEqual(after["fields"], before["fields"])
        self.expect_events(number)
        # it is a request of its own, answered to its sender under its own number
        theirs = [r for r in self.requests() if r["sender"] == SNV]
        self.assertEqual(len(theirs), 1, f"requests: {self.requests()}")
        other = theirs[0]["id"]
        self.assertNotEqual(other, number)
        self.assertEqual(self.history(other)[0], ("received", SNV))
        self.expect_mail(SNV, other, "")            # its acknowledgement
        self.expect_staff(other, NOTICE_NEW)
        self.expect_nothing_else()                  # nothing to Hòa Vang, nothing about #number

    def test_subdomain_without_approval_waits_in_needs_info(self):
        number = self.new_request(
            subdomain_request(sender=STP, name="tuphap", approval=None, unit="Sở Tư pháp",
                              contact="Phan Văn Hùng"), state="needs_info")
        self.expect_events(number, ("received", STP), ("needs_info", "phieu"))
        ack = self.last_mail[(STP, number)]
        self.assertIn("tạm dừng", ack["body"], "the ack says the request waits")
        self.assertIn("Văn bản chấp thuận của UBND thành phố", ack["body"], "and for what")
        self.assertNotIn("approval_ref", self.show(number)["fields"])

        # an answer without the letter: still waiting, and told so
        self.unit_reply(number, STP, "Sở Tư pháp đang chờ UBND thành phố ký công văn, sẽ gửi sau.")
        self.run_once()
        self.expect_state(number, "needs_info", ("info_received", STP))
        still = self.expect_unit(STP, number, REACK, frm=PKT)
        self.assertIn("vẫn còn thiếu", still["body"])
        self.staff_told_of_answer(number)

        # the letter cited: acknowledged again, the hold lifted
        self.unit_reply(number, STP, "Kính gửi Trung tâm,", "",
                        "Văn bản chấp thuận của UBND thành phố: Công văn số 4242/UBND-KTN "
                        "ngày 20/11/2026", "", "Trân trọng.")
        self.run_once()
        shown = self.expect_state(number, "acknowledged", ("info_received", STP))
        self.assertEqual(shown["fields"].get("approval_ref"), "4242/UBND-KTN")
        reack = self.expect_unit(STP, number, REACK, frm=PKT)
        self.assertIn("4242/UBND-KTN", reack["body"], "the letter echoed for checking")
        self.assertIn("đã đủ thông tin", reack["body"])
        self.staff_told_of_answer(number)
        self.staff_reply(number, "#lich 09/12/2026 14h")
        self.run_once()
        self.expect_state(number, "scheduled", ("assigned", STAFF[0]), ("scheduled", STAFF[0]))
        self.expect_unit(STP, number, SCHEDULED, frm=PKT)
        self.expect_nothing_else()

    def test_autoresponder_loop_bounded(self):
        """An autoresponder that ignores RFC 3834 (no Auto-Submitted, no
        Precedence) answers every mail about a request in needs_info: 50 of its
        answers are all stored, but phieu's replies stay within the limits."""
        number = self.new_request(
            subdomain_request(sender=STP, name="tuphap", approval=None, unit="Sở Tư pháp",
                              contact="Phan Văn Hùng"), state="needs_info")
        ack = self.last_mail[(STP, number)]
        to = email.utils.parseaddr(ack["from"])[1].lower()
        before = self.ms.count(to)
        for i in range(AUTORESPONDER_MAILS):
            path, mid = self.write_mail(STP, to, f"Re: {ack['subject']}",
                                        "Tôi đang đi công tác, sẽ trả lời khi về.\n"
                                        f"(thư tự động {i + 1})", reply_to=ack)
            self.ms.send(path, sender=STP, rcpts=[to])
        self.ms.wait_delivered(to, before + AUTORESPONDER_MAILS, timeout=120)
        self.run_once()

        shown = self.show(number)
        hist = [e.get("event") for e in shown["history"]]
        self.assertEqual(hist.count("info_received"), AUTORESPONDER_MAILS,
                         "not every answer was kept with the request")
        self.assertGreater(hist.count("not_answered"), 0, f"history: {hist}")
        time.sleep(harness.QUIET_WAIT)
        to_unit = [m for m in self.phieu_mail(STP) if number in m["subject"]]
        reacks = [m for m in to_unit if REACK in m["subject"]]
        self.assertLessEqual(len(reacks), LIMIT_REACK_DAY, "re-acknowledgements over the limit")
        self.assertLessEqual(len(to_unit), LIMIT_ADDRESS_HOUR, "mail to the unit over the limit")
        for staff in STAFF:
            about = [m for m in self.phieu_mail(staff) if number in m["subject"]]
            self.assertLessEqual(len(about), LIMIT_NOTICE_HOUR + 1,   # + the first notice_new
                                 f"{staff}: {len(about)} notices about {number}")
            told = [m for m in self.ms.fetch(staff) if LIMIT_SUBJECT in (m["subject"] or "")]
            self.assertEqual(len(told), 1, f"{staff}: limit notices {told}")
            self.assertIn(STP, told[0]["subject"])
        print(f"\nautoresponder: {AUTORESPONDER_MAILS} answers stored, {len(reacks)} "
              f"re-acknowledgements, {len(to_unit)} mails to the unit")

        # the next day's loop is bounded again: running once more sends nothing new
        self.run_once()
        self.assertEqual(len([m for m in self.phieu_mail(STP) if number in m["subject"]]),
                         len(to_unit))

    def staff_told_of_answer(self, number):
        """DOMAIN.md: a unit's reply is kept, "merged into the request's fields
        where it supplies what was missing, and staff are told" (docs/usage.md:
        staff receive the units' replies) - else nobody knows it can go ahead."""
        with self.subTest(check="staff told of the unit's answer while needs_info"):
            self.expect_staff(number, "", timeout=2 * harness.QUIET_WAIT)

    def test_third_overlapping_server_room_visitor_flagged(self):
        two = self.new_request(server_room_request())            # 2 people
        self.staff_reply(two, "#lich 15/12/2026 9h-11h")
        self.run_once()
        self.expect_state(two, "scheduled", ("received", CANG), ("acknowledged", "phieu"),
                          ("assigned", STAFF[0]), ("scheduled", STAFF[0]))
        self.expect_unit(CANG, two, SCHEDULED)

        one = self.new_request(server_room_request(
            sender=STP, visitors=(("Phan Văn Hùng", "048079002211", "0905443322"),),
            purpose="Kiểm tra đèn báo lỗi máy chủ của Sở đặt tại tủ rack số 3",
            unit="Sở Tư pháp"))
        self.staff_reply(one, "#lich 15/12/2026 10h-11h")
        self.run_once()
        shown = self.expect_state(one, "scheduled", ("received", STP), ("acknowledged", "phieu"),
                                  ("assigned", STAFF[0]), ("scheduled", STAFF[0]),
                                  ("capacity", "phieu"))
        self.assertEqual(shown["scheduled_at"], "2026-12-15T10:00")
        warning = self.expect_staff(one, CAPACITY)
        self.assertIn(two, warning["body"], "the visit it overlaps")
        self.assertIn("3 người", warning["body"])
        self.expect_unit(STP, one, SCHEDULED)     # flagged for staff, not refused

        # right after the others leave: no overlap, no flag
        later = self.new_request(server_room_request(
            sender=SNV, visitors=(("Đỗ Thị Mai", "048185006677", "0935667788"),),
            purpose="Kiểm tra kết nối máy chủ của Sở", unit="Sở Nội vụ"))
        self.staff_reply(later, "#lich 15/12/2026 11h-12h")
        self.run_once()
        self.expect_state(later, "scheduled", ("received", SNV), ("acknowledged", "phieu"),
                          ("assigned", STAFF[0]), ("scheduled", STAFF[0]))
        self.expect_unit(SNV, later, SCHEDULED)
        self.expect_nothing_else()

    def test_mailbox_create_at_admin_goes_via_department(self):
        number = self.new_request(mailbox_create_request(to=ADMIN))
        shown = self.expect_state(number, "acknowledged", ("received", SCT), ("routed", "phieu"),
                                  ("acknowledged", "phieu"))
        self.assertEqual((shown["mailbox"], shown["proper_mailbox"]), ("admin", "cntt"))
        ack = self.last_mail[(SCT, number)]
        self.assertEqual(email.utils.parseaddr(ack["from"])[1], CNTT, "ack From the Department's")
        self.assertIn(f"lần sau, đề nghị Quý đơn vị gửi đến {CNTT}", " ".join(ack["body"].split()),
                      "the ack tells the proper address")
        notice = self.last_mail[(STAFF[0], number)]
        self.assertIn(f"Hộp thư theo quy trình: {CNTT}", notice["body"])
        self.expect_nothing_else()

    def test_server_room_equipment_install_rejected_with_rule(self):
        number = self.new_request(server_room_request(
            purpose="Lắp đặt thiết bị chuyển mạch mới và vận hành thử máy chủ"),
            state="rejected", ack=False)
        self.expect_events(number, ("received", CANG), ("rejected", "phieu"))
        told = self.expect_unit(CANG, number, REJECTED, frm=PKT)
        self.assertIn(SERVER_ROOM_RULE, " ".join(told["body"].split()), "the rule quoted")
        self.assertIn("vận hành thử", told["body"], "the purpose refused")
        self.expect_nothing_else()       # no acknowledgement besides the refusal


class Timers(ProcedureCase):
    """Reminders and automatic closing, due at once (0 days)."""

    def assert_date_reads_well(self, reminder):
        """'Ngày 28/11/2026, ...' as the template means, not 'Ngày ngày 28/11/2026'."""
        with self.subTest(check="the reminder's date reads well"):
            self.assertNotIn("ngày ngày", f"{reminder['subject']}\n{reminder['body']}".lower())

    EXTRA_CONFIG = units_config("remind_after_days = 0;\nreminders = 1;\nclose_after_days = 0;\n")

    def test_needinfo_reminded_once(self):
        number = self.new_request(
            subdomain_request(sender=STP, name="tuphap", approval=None, unit="Sở Tư pháp"),
            state="needs_info")
        self.run_once()
        reminder = self.expect_unit(STP, number, REMINDER + " (lần 1/1)", frm=PKT)
        self.assertIn("Văn bản chấp thuận của UBND thành phố", reminder["body"], "what is missing")
        self.assert_date_reads_well(reminder)
        self.expect_state(number, "needs_info", ("received", STP), ("needs_info", "phieu"),
                          ("reminder", "phieu"))
        for _ in range(2):                     # the limit is 1: never again
            self.run_once()
            self.expect_state(number, "needs_info")
        self.days_pass(1)
        self.run_once()
        self.expect_state(number, "needs_info")
        self.assertEqual(self.show(number)["reminders"], 1)
        self.expect_nothing_else()

    def test_needinfo_asked_by_staff_reminded_with_what(self):
        number = self.new_request(tech_support_request())
        self.staff_reply(number, "#bosung số phòng và tầng chính xác của phòng họp")
        self.run_once()
        asked = self.expect_unit(HOAVANG, number, NEEDINFO, frm=PKT)
        self.assertIn("số phòng và tầng chính xác của phòng họp", asked["body"])
        self.run_once()
        reminder = self.expect_unit(HOAVANG, number, REMINDER + " (lần 1/1)", frm=PKT)
        self.expect_state(number, "needs_info", ("received", HOAVANG), ("acknowledged", "phieu"),
                          ("needs_info", STAFF[0]), ("reminder", "phieu"))
        self.assert_date_reads_well(reminder)
        with self.subTest(check="the reminder says what is awaited"):
            # what the staff member asked for, as the needinfo mail said it
            self.assertIn("số phòng và tầng chính xác của phòng họp", reminder["body"])
        self.run_once()
        self.expect_nothing_else()

    def test_unconfirmed_completion_autoclosed(self):
        number = self.new_request(tech_support_request())
        self.staff_reply(number, "#xong đã khởi động lại thiết bị")
        self.run_once()
        self.expect_unit(HOAVANG, number, COMPLETED)
        self.run_once()
        self.expect_state(number, "closed", ("received", HOAVANG), ("acknowledged", "phieu"),
                          ("completed", STAFF[0]), ("autoclosed", "phieu"))
        closed = self.expect_unit(HOAVANG, number, CLOSED, frm=PKT)
        self.assertIn("không nhận được xác nhận", closed["body"])
        for _ in range(2):
            self.run_once()
            self.expect_state(number, "closed")
        self.days_pass(1)
        self.run_once()
        self.expect_state(number, "closed")
        self.expect_nothing_else()


class TimersAcrossRestarts(ProcedureCase):
    """Timers days ahead live in the database: each --once is a new process, and
    what is due fires once, after the days have passed, never twice."""

    EXTRA_CONFIG = units_config("remind_after_days = 2;\nreminders = 2;\nclose_after_days = 3;\n")

    def test_timers_survive_restarts(self):
        waiting = self.new_request(
            subdomain_request(sender=STP, name="tuphap", approval=None, unit="Sở Tư pháp"),
            state="needs_info")
        done = self.new_request(tech_support_request())
        self.staff_reply(done, "#xong đã thay dây mạng")
        self.run_once()
        self.expect_unit(HOAVANG, done, COMPLETED)
        now = int(time.time())
        for number, kind, days in ((waiting, "remind", 2), (done, "close", 3)):
            shown = self.show(number)
            self.assertEqual(shown.get("due_kind"), kind, f"{number}: timer")
            self.assertAlmostEqual(shown.get("due_at", 0), now + days * 86400, delta=120)
        self.run_once()
        self.run_once()
        self.expect_nothing_else()                          # nothing due yet

        self.days_pass(2)
        self.run_once()
        self.expect_unit(STP, waiting, REMINDER + " (lần 1/2)", frm=PKT)
        self.assertEqual(self.state(done), "completed", "closed a day early")
        self.run_once()
        self.expect_nothing_else()                          # not twice

        self.days_pass(1)
        self.run_once()
        self.expect_unit(HOAVANG, done, CLOSED, frm=PKT)
        self.assertEqual(self.state(done), "closed")
        self.days_pass(1)
        self.run_once()
        self.expect_unit(STP, waiting, REMINDER + " (lần 2/2)", frm=PKT)
        self.days_pass(2)
        self.run_once()
        self.run_once()
        self.expect_state(waiting, "needs_info", ("received", STP), ("needs_info", "phieu"),
                          ("reminder", "phieu"), ("reminder", "phieu"))
        self.expect_state(done, "closed", ("received", HOAVANG), ("acknowledged", "phieu"),
                          ("completed", STAFF[0]), ("autoclosed", "phieu"))
        self.expect_nothing_else()                          # at most 2 reminders


class Emergency(ProcedureCase):
    """An emergency phoned in, registered by staff, its form filed afterwards."""

    EXTRA_CONFIG = units_config("emergency_remind_days = 0;\n")

    def register(self):
        """Staff register an emergency at Sở Tư pháp; its number."""
        before = {r["id"] for r in self.requests()}
        self.watched.add(STP)
        self.send_mail(STAFF[0], PKT, "Sự cố mạng tầng 3 Sở Tư pháp",
                       "#khancap Sở Tư pháp: khôi phục kết nối mạng tầng 3 sau sự cố switch\n\n"
                       "-- \nPhòng Kỹ thuật - IID")
        self.run_once()
        new = [r for r in self.requests() if r["id"] not in before]
        self.assertEqual(len(new), 1, f"new requests: {new}")
        number = new[0]["id"]
        shown = self.show(number)
        self.assertEqual(shown["state"], "in_progress")
        self.assertEqual(self.history(number)[0], ("emergency", STAFF[0]))
        self.assertIs(shown["emergency"], True)
        self.assertEqual(shown["type"], "tech_support")
        self.assertEqual(shown["sender"], STP, "the unit to remind")
        self.assertEqual(shown["fields"].get("requesting_unit"), "Sở Tư pháp")
        self.assertIn("khôi phục kết nối mạng tầng 3", shown["fields"].get("description", ""))
        return number

    def reminded(self, number):
        """By the next run the unit is reminded to file the form, once
        (emergency_remind_days = 0)."""
        self.run_once()
        reminder = self.expect_mail(STP, number, FORM_REMINDER, frm=PKT)
        self.assertIn("05/IID-KT", reminder["body"])
        self.assertIn(PKT, reminder["body"], "where to send the form")
        with self.subTest(check="the reminder's date reads well"):
            self.assertNotIn("ngày ngày", f"{reminder['subject']}\n{reminder['body']}".lower())
        with self.subTest(check="the reminder says what was done"):
            # the template's "sự cố đột xuất: {{text}}": which emergency this is about
            self.assertIn("khôi phục kết nối mạng tầng 3", reminder["body"])
        self.expect_state(number, "in_progress", ("emergency", STAFF[0]),
                          ("form_reminder", "phieu"))
        return reminder

    def test_emergency_then_form_in_a_new_mail(self):
        number = self.register()
        self.reminded(number)
        form = self.new_request(tech_support_request(
            sender=STP, unit="Sở Tư pháp", contact="Phan Văn Hùng",
            what="Sự cố mất mạng tầng 3 (đã báo qua điện thoại, Trung tâm đã xử lý)"))
        self.expect_events(form, ("received", STP), ("linked", "phieu"), ("acknowledged", "phieu"))
        self.expect_state(number, "closed", ("form_filed", "phieu"))
        self.run_once()                                    # no more reminders
        self.expect_state(number, "closed")
        self.expect_nothing_else()

    def test_emergency_then_form_as_answer_to_the_reminder(self):
        # what the reminder and docs/usage.md tell the unit to do
        number = self.register()
        reminder = self.reminded(number)
        _, _, _, _, body = tech_support_request(
            sender=STP, unit="Sở Tư pháp", contact="Phan Văn Hùng",
            what="Sự cố mất mạng tầng 3 (đã báo qua điện thoại, Trung tâm đã xử lý)")
        self.unit_reply(number, STP, body, about=reminder)
        self.run_once()
        self.assertEqual(self.state(number), "closed",
                         f"the form was not filed: {self.history(number)}")
        self.assertIn(("form_filed", "phieu"), self.history(number))


if __name__ == "__main__":
    harness.main()
