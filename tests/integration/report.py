#!/usr/bin/env python3
"""report.py - exports, the monthly report and #tep by mail (issue 13, items 5 and 6).

On a fixed clock (PHIEU_TEST_NOW, TZ=Asia/Ho_Chi_Minh; each `phieud --once` is a
new process, so moving the variable forward is days passing while phieud is
stopped), units mail requests in November 2026 and staff act on them by mail:

- Monthly: a website update done three working days later, a technical-support
  request with a cost and a subject that a spreadsheet would run as a formula, a
  server-room visit scheduled, a request rejected with a reason; due dates set in
  the database (the owners/due-dates branch fills them).  With 1 December a
  configured holiday, nothing is mailed on 1 December; on 2 December (the first
  working day) one mail goes to the Department of ICT and to report_to, with the
  XLSX and a PNG chart attached (magic bytes checked, the XLSX's sheet read back
  with zipfile and XML from the standard library), and a second run sends no
  second one.  The report's figures (`phieuctl report --json`) and the mail's
  table are compared with figures this test computes itself from `phieuctl list
  --json`, `show` and the database: counts by type, unit and state, median and
  90th percentile of working days (weekends and holidays off), overdue,
  rejected with reasons, costs, visits.  `phieuctl export` as CSV (read with the
  csv module: BOM, Vietnamese intact, the formula cell neutralised) and as XLSX.
- Originals: "#tep" from staff mails them the stored original message, byte for
  byte (message/rfc822, line ends aside), and its attachment; "#tep" from the
  unit changes nothing and mails it nothing; with max_files_mail below the
  originals' size the reply says they are too large, with nothing attached.

By hand: python3 tests/integration/report.py --phieud build/daemon/phieud \
  --phieuctl build/daemon/phieuctl --srcdir . [Monthly.test_...]
"""

import csv
import datetime
import email
import email.message
import email.policy
import email.utils
import imaplib
import io
import os
import re
import sqlite3
import statistics
import subprocess
import time
import xml.etree.ElementTree as ET
import zipfile

import harness
import procedure
from procedure import PKT, STAFF, STP, SGTVT, HOAVANG, CANG, DEPARTMENT, FINANCE, PREFIX

BOSS = "giamdoc.iid@danang.gov.vn"
HOLIDAY = "2026-12-01"
TZ = datetime.timezone(datetime.timedelta(hours=7))
XLSX_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
REPORT_SUBJECT = f"[{PREFIX}] Báo cáo tháng 2026-11"
FILES_SUBJECT = "Bản gốc của yêu cầu"
TOO_BIG_SUBJECT = "quá lớn để gửi qua thư"
FORMULA_SUBJECT = "=1+2 Hỗ trợ sửa mạng tầng 5"


def set_clock(when):
    """The instant the next phieud starts at (local time of Đà Nẵng)."""
    os.environ["PHIEU_TEST_NOW"] = when
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"
    time.tzset()


def working_days(a, b, holidays):
    """Working days after day a up to and including day b (dates)."""
    n, d = 0, a
    while d < b:
        d += datetime.timedelta(days=1)
        if d.weekday() < 5 and d.isoformat() not in holidays:
            n += 1
    return n


def local_day(iso):
    """The local calendar day of a stored ISO 8601 instant."""
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(TZ).date()


def nearest_rank(values, pct):
    """The nearest-rank percentile."""
    v = sorted(values)
    rank = max(1, -(-pct * len(v) // 100))
    return v[rank - 1]


def xlsx_rows(data, sheet="xl/worksheets/sheet1.xml"):
    """The cells of a worksheet of an XLSX file as lists of strings (standard library)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        root = ET.fromstring(z.read("xl/sharedStrings.xml"))
        for si in root.findall("m:si", XLSX_NS):
            shared.append("".join(t.text or "" for t in si.iter(f"{{{XLSX_NS['m']}}}t")))
    rows = []
    for row in ET.fromstring(z.read(sheet)).iter(f"{{{XLSX_NS['m']}}}row"):
        cells = []
        for c in row.findall("m:c", XLSX_NS):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            index = 0
            for ch in col:
                index = index * 26 + ord(ch) - 64
            while len(cells) < index - 1:
                cells.append("")
            v = c.find("m:v", XLSX_NS)
            text = v.text if v is not None else ""
            if c.get("t") == "s":
                text = shared[int(text)]
            elif c.get("t") == "inlineStr":
                text = "".join(t.text or "" for t in c.iter(f"{{{XLSX_NS['m']}}}t"))
            cells.append(text)
        rows.append(cells)
    return rows


class ReportCase(procedure.ProcedureCase):
    """Raw mail over IMAP, the database, phieuctl's plain output."""

    BASEPORT = 10790

    def setUp(self):
        super().setUp()
        self.addCleanup(os.environ.pop, "PHIEU_TEST_NOW", None)

    def raw_mails(self, user):
        """Every message in user's INBOX as bytes."""
        client = imaplib.IMAP4("127.0.0.1", self.ms.imap_port, timeout=30)
        try:
            client.login(user, harness.PASSWORD)
            typ, data = client.select("INBOX", readonly=True)
            if typ != "OK" or int(data[0]) == 0:
                return []
            typ, data = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
            return [item[1] for item in data if isinstance(item, tuple)]
        finally:
            client.logout()

    def wait_raw(self, user, subject_part, timeout=procedure.MAIL_TIMEOUT):
        """The raw mails to user whose subject holds subject_part, waiting for one."""
        deadline = time.monotonic() + timeout
        while True:
            got = [r for r in self.raw_mails(user)
                   if subject_part in str(email.message_from_bytes(
                       r, policy=email.policy.default)["Subject"] or "")]
            if got or time.monotonic() > deadline:
                return got
            time.sleep(0.3)

    def ctl(self, *args):
        """phieuctl -c CONF ARGS: its stdout (checked exit 0)."""
        p = harness.run([harness.PHIEUCTL, "-c", self.conf, *args])
        self.assertEqual(p.returncode, 0, f"phieuctl {' '.join(args)}: {p.stderr}")
        return p.stdout

    def ctl_bytes(self, *args):
        """phieuctl -c CONF ARGS: its stdout as bytes."""
        p = subprocess.run([harness.PHIEUCTL, "-c", self.conf, *args], capture_output=True,
                           stdin=subprocess.DEVNULL, timeout=harness.MEMBER_TIMEOUT)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p.stdout

    def db(self, sql, args=()):
        """Rows of a query on the database."""
        con = sqlite3.connect(os.path.join(self.work, "phieu.db"))
        try:
            with con:
                return con.execute(sql, args).fetchall()
        finally:
            con.close()


class Monthly(ReportCase):
    """The monthly report on its day, by mail and by phieuctl; exports."""

    EXTRA_CONFIG = procedure.units_config(
        f'report_to = [ "{BOSS}" ];\nholidays = [ "{HOLIDAY}", "2026-11-20" ];\n')

    def month_requests(self):
        """The requests of November 2026 (local), as list and show give them."""
        out = []
        for r in self.requests():
            if local_day(r["created"]).strftime("%Y-%m") == "2026-11":
                out.append(self.show(r["id"]))
        return out

    def expected(self, holidays):
        """The report's figures, computed here from phieuctl and the database."""
        reqs = self.month_requests()
        due = dict(self.db("SELECT number, due_date FROM requests"))
        end = datetime.date(2026, 12, 1)
        by_type, by_state, by_unit, days = {}, {}, {}, {}
        overdue, rejected = [], []
        for r in reqs:
            by_type[r["type"]] = by_type.get(r["type"], 0) + 1
            by_state[r["state"]] = by_state.get(r["state"], 0) + 1
            unit = r["fields"].get("requesting_unit") or r["sender"]
            by_unit[unit] = by_unit.get(unit, 0) + 1
            done = [e["at"] for e in r["history"] if e.get("to_state") in ("completed", "closed")]
            if done:
                days.setdefault(r["type"], []).append(
                    working_days(local_day(r["created"]), local_day(done[0]), holidays))
            d = due.get(r["id"])
            if d and r["state"] not in ("rejected", "cancelled"):
                last = local_day(done[0]) if done and local_day(done[0]) < end else end
                if d < last.isoformat():
                    overdue.append(r["id"])
            if r["state"] == "rejected":
                line = [e["detail"] for e in r["history"] if e.get("to_state") == "rejected"][-1]
                rejected.append((r["id"], line.split(" ", 1)[1] if line.startswith("#") else line))
        times = {t: (len(v), statistics.median(v), nearest_rank(v, 90)) for t, v in days.items()}
        return {"total": len(reqs), "by_type": by_type, "by_state": by_state,
                "by_unit": by_unit, "times": times, "overdue": overdue, "rejected": rejected,
                "cost_total": sum(r["cost"] for r in reqs)}

    def test_monthly_report_and_exports(self):
        holidays = {HOLIDAY, "2026-11-20"}
        # Tuesday 24 November: four requests
        set_clock("2026-11-24T09:00")
        web = self.new_request(procedure.website_request())
        sender, to, name, _, body = procedure.tech_support_request()
        support = self.new_request((sender, to, name, FORMULA_SUBJECT, body))
        room = self.new_request(procedure.server_room_request())
        other = self.new_request(procedure.tech_support_request(
            sender=STP, unit="Sở Tư pháp", what="Cài lại máy in tầng 3"))
        # Friday 27 November: done, a cost, a visit booked, a rejection
        set_clock("2026-11-27T10:00")
        self.staff_reply(web, "#xong Đã cập nhật chuyên mục")
        self.staff_reply(support, "#chiphi 200.000 đ dây mạng")
        self.staff_reply(room, "#lich 15/12/2026 09:00")
        self.staff_reply(other, "#tuchoi Máy in không thuộc phạm vi hỗ trợ")
        self.run_once()
        self.assertEqual(self.state(web), "completed")
        self.assertEqual(self.state(room), "scheduled")
        self.assertEqual(self.state(other), "rejected")
        self.assertEqual(self.show(support)["cost"], 200000)
        # due dates as the other branch sets them: web done after its day,
        # support still open past its day, the rejected one never overdue
        for number, day in ((web, "2026-11-25"), (support, "2026-11-26"),
                            (other, "2026-11-20"), (room, "2026-12-14")):
            self.db("UPDATE requests SET due_date = ? WHERE number = ?", (day, number))

        # Monday 30 November and Tuesday 1 December (a holiday): no report
        for when in ("2026-11-30T09:00", "2026-12-01T09:00"):
            set_clock(when)
            self.run_once()
            self.assertEqual([o for o in self.outbox() if o["kind"] == "monthly_report"], [],
                             f"a report was queued on {when}")
        # Wednesday 2 December, the first working day: one report
        set_clock("2026-12-02T08:00")
        self.run_once()
        reports = [o for o in self.outbox() if o["kind"] == "monthly_report"]
        self.assertEqual(len(reports), 1, reports)
        self.assertEqual(sorted(reports[0]["to"]), sorted([DEPARTMENT, BOSS]))
        mails = self.wait_raw(BOSS, REPORT_SUBJECT)
        self.assertEqual(len(mails), 1)
        self.assertEqual(len(self.wait_raw(DEPARTMENT, REPORT_SUBJECT)), 1)
        set_clock("2026-12-02T09:30")
        self.run_once()
        self.assertEqual(len([o for o in self.outbox() if o["kind"] == "monthly_report"]), 1,
                         "the report was queued twice")
        time.sleep(harness.QUIET_WAIT)
        self.assertEqual(len(self.wait_raw(BOSS, REPORT_SUBJECT, timeout=0)), 1)

        msg = email.message_from_bytes(mails[0], policy=email.policy.default)
        body = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
        files = {p.get_filename(): p for p in msg.iter_attachments()}
        self.assertEqual(sorted(files), ["bao-cao-2026-11.xlsx", "bieu-do-2026-11.png"])
        png = files["bieu-do-2026-11.png"].get_content()
        self.assertEqual(files["bieu-do-2026-11.png"].get_content_type(), "image/png")
        self.assertTrue(png.startswith(PNG_MAGIC), png[:16])
        xlsx = files["bao-cao-2026-11.xlsx"].get_content()
        self.assertTrue(xlsx.startswith(b"PK\x03\x04"))

        # the figures, computed here, against the report's JSON and the mail
        want = self.expected(holidays)
        self.assertEqual(want["total"], 4)
        got = self.ctl_json("report", "--month", "2026-11")
        self.assertEqual(got["total"], want["total"])
        self.assertEqual(got["by_type"], want["by_type"])
        self.assertEqual(got["by_state"], want["by_state"])
        self.assertEqual(got["by_unit"], want["by_unit"])
        times = {t["type"]: (t["completed"], t["median"], t["p90"]) for t in got["times"]
                 if t["completed"] > 0}
        self.assertEqual(times, want["times"])
        self.assertEqual(want["times"], {"website_update": (1, 3, 3)}, "Tue 24 -> Fri 27")
        self.assertEqual(sorted(i["id"] for i in got["overdue"]), sorted(want["overdue"]))
        self.assertEqual(sorted(want["overdue"]), sorted([web, support]))
        self.assertEqual([(i["id"], i["detail"]) for i in got["rejected"]], want["rejected"])
        self.assertEqual(want["rejected"], [(other, "Máy in không thuộc phạm vi hỗ trợ")])
        self.assertEqual(got["cost_total"], want["cost_total"])
        self.assertEqual(got["cost_total"], 200000)
        self.assertEqual([(i["id"], i["amount"]) for i in got["visits"]], [(room, 2)])
        self.assertIn(f"Tổng số yêu cầu nhận được: {want['total']}.", body)
        self.assertIn(f"5. Quá hạn: {len(want['overdue'])}", body)
        for number in want["overdue"]:
            self.assertRegex(body, rf"(?s)5\. Quá hạn.*#{number}.*6\. Từ chối")
        self.assertRegex(body, rf"#{other} +Sở Tư pháp +Máy in không thuộc phạm vi hỗ trợ\n")
        self.assertIn("tổng 200000 đồng", body)
        self.assertIn("10. Vào phòng máy chủ: 1 lượt, 2 người", body)
        self.assertRegex(body, r"Cập nhật mã nguồn website\s+1\s+3\.0\s+3\.0")
        for state, n in want["by_state"].items():
            self.assertRegex(body, rf"\n  {state}\s+{n}\n")
        # the attached XLSX holds the month's requests
        rows = xlsx_rows(xlsx)
        self.assertEqual(rows[0][:3], ["number", "type", "unit"])
        self.assertEqual(sorted(r[0] for r in rows[1:]), sorted([web, support, room, other]))
        # phieuctl report prints the same table
        self.assertIn(f"Tổng số yêu cầu nhận được: {want['total']}.", self.ctl("report", "--month", "2026-11"))

        # the export as CSV: BOM, Vietnamese, the formula neutralised, RFC 4180
        data = self.ctl_bytes("export", "--since", "2026-11-01", "--until", "2026-11-30",
                              "--format", "csv")
        self.assertTrue(data.startswith(b"\xef\xbb\xbf"), data[:8])
        table = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        self.assertEqual(sorted(r["number"] for r in table), sorted([web, support, room, other]))
        row = {r["number"]: r for r in table}
        self.assertEqual(row[support]["subject"], "'" + FORMULA_SUBJECT)
        self.assertEqual(row[support]["unit"], "Văn phòng HĐND và UBND huyện Hòa Vang")
        self.assertEqual(row[other]["reason"], "Máy in không thuộc phạm vi hỗ trợ")
        self.assertEqual(row[web]["received"], "2026-11-24 09:00")
        self.assertTrue(row[web]["completed"].startswith("2026-11-27 10:"), row[web])
        self.assertEqual(row[web]["due_date"], "2026-11-25")
        self.assertEqual(row[support]["cost"], "200000")
        for r in table:
            for k, v in r.items():
                self.assertFalse(v[:1] in ("=", "+", "-", "@"), f"{k}={v!r} starts a formula")
        # one day only, and to a file, as XLSX
        one = self.ctl_bytes("export", "--since", "2026-11-25", "--until", "2026-11-30",
                             "--format", "csv")
        self.assertEqual(len(list(csv.reader(io.StringIO(one.decode("utf-8-sig"))))), 1)
        out = os.path.join(self.work, "thang11.xlsx")
        self.ctl("export", "--since", "2026-11-01", "--until", "2026-11-30", "--format", "xlsx",
                 "-o", out)
        with open(out, "rb") as f:
            rows = xlsx_rows(f.read())
        head = rows[0]
        cells = {r[0]: dict(zip(head, r)) for r in rows[1:]}
        self.assertEqual(sorted(cells), sorted([web, support, room, other]))
        self.assertEqual(cells[support]["subject"], FORMULA_SUBJECT, "a string cell, not a formula")
        self.assertEqual(cells[room]["unit"], "Công ty Cổ phần Cảng Đà Nẵng")
        # on demand: --send queues October's report (empty) and records it
        self.ctl("report", "--month", "2026-10", "--send")
        self.assertEqual(len([o for o in self.outbox() if o["kind"] == "monthly_report"]), 2)
        self.assertEqual(sorted(m for (m,) in self.db("SELECT month FROM reports_sent")),
                         ["2026-10", "2026-11"])
        # bad arguments
        p = harness.run([harness.PHIEUCTL, "-c", self.conf, "export", "--since", "2026-11-30",
                         "--until", "2026-11-01", "--format", "csv"])
        self.assertNotEqual(p.returncode, 0)
        p = harness.run([harness.PHIEUCTL, "-c", self.conf, "report", "--month", "2026-13"])
        self.assertNotEqual(p.returncode, 0)


class Originals(ReportCase):
    """#tep mails staff the originals; not to others; not when too large."""

    EXTRA_CONFIG = procedure.units_config()
    ATTACHMENT = bytes(range(256)) * 16 + "Công văn 5123/UBND-KTN".encode()

    def request_with_attachment(self):
        """A unit's request with a binary attachment; its number."""
        sender, to, name, subject, body = procedure.website_request()
        msg = email.message.EmailMessage(policy=email.policy.SMTP)
        msg["From"] = email.utils.formataddr((name, sender))
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["Message-ID"] = email.utils.make_msgid("tep", "sgtvt.danang.gov.vn")
        msg.set_content(body, charset="utf-8", cte="8bit")
        msg.add_attachment(self.ATTACHMENT, maintype="application", subtype="octet-stream",
                           filename="công-văn.bin")
        path = os.path.join(self.work, "tep.eml")
        with open(path, "wb") as f:
            f.write(msg.as_bytes())
        self.watched.add(sender)
        self.deliver(path, msg["Message-ID"], sender, [PKT])
        self.run_once()
        numbers = [r["id"] for r in self.requests()]
        self.assertEqual(len(numbers), 1)
        self.originals[numbers[0]] = msg["Message-ID"]
        self.expect_staff(numbers[0], procedure.NOTICE_NEW)
        self.expect_unit(sender, numbers[0], procedure.ACK)
        return numbers[0]

    def stored_original(self, number):
        """The bytes of the request's original message in the spool."""
        (path,), = self.db("SELECT m.spool_path FROM messages m JOIN requests r "
                           "ON m.request_id = r.id WHERE r.number = ? AND m.outcome = 'request'",
                           (number,))
        with open(path, "rb") as f:
            return f.read()

    def test_files_to_staff_only(self):
        number = self.request_with_attachment()
        original = self.stored_original(number)
        self.assertIn(b"Content-Disposition: attachment", original)
        # the unit asks: nothing changes, nothing is mailed to it
        self.unit_reply(number, SGTVT, "#tep")
        self.run_once()
        self.assertIn("command_refused", harness.event_kinds(self.show(number)))
        self.expect_staff(number, "Lệnh không được thực hiện")
        # staff ask
        self.staff_reply(number, "#tep")
        self.run_once()
        self.assertIn("files", harness.event_kinds(self.show(number)))
        got = self.wait_raw(STAFF[0], FILES_SUBJECT)
        self.assertEqual(len(got), 1)
        self.assertEqual(self.wait_raw(SGTVT, FILES_SUBJECT, timeout=0), [])
        self.assertEqual(self.wait_raw(STAFF[1], FILES_SUBJECT, timeout=0), [],
                         "only the staff member who asked gets the originals")
        raw = got[0]
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        self.assertIn(number, str(msg["Subject"]))
        parts = list(msg.iter_attachments())
        kinds = [p.get_content_type() for p in parts]
        self.assertEqual(kinds, ["message/rfc822", "application/octet-stream"], kinds)
        # the original, byte for byte (line ends are the transport's)
        crlf = lambda b: b.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # noqa: E731
        self.assertIn(crlf(original), crlf(raw), "the original message is not carried as it is")
        self.assertEqual(parts[1].get_content(), self.ATTACHMENT)
        self.assertEqual(parts[1].get_filename(), "công-văn.bin")
        inner = parts[0].get_content()
        self.assertEqual(str(inner["Subject"]), procedure.website_request()[3])

    def test_files_too_large_said_so(self):
        self.conf = self.write_config(extra=procedure.units_config("max_files_mail = 1024;\n"))
        number = self.request_with_attachment()
        self.staff_reply(number, "#files")
        self.run_once()
        got = self.wait_raw(STAFF[0], TOO_BIG_SUBJECT)
        self.assertEqual(len(got), 1)
        msg = email.message_from_bytes(got[0], policy=email.policy.default)
        self.assertEqual(list(msg.iter_attachments()), [])
        self.assertIn("công-văn.bin", msg.get_body(("plain",)).get_content())
        self.assertEqual(len(self.wait_raw(STAFF[0], FILES_SUBJECT, timeout=0)), 1,
                         "only the mail saying they are too large")


if __name__ == "__main__":
    harness.main()
