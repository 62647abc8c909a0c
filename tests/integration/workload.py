#!/usr/bin/env python3
"""workload.py - who does what by when (issue 13, items 1-3), by e-mail alone.

The clock is fixed for each `phieud --once` with PHIEU_TEST_NOW (local time in
Asia/Ho_Chi_Minh; it runs on from there), so due dates, reminders and the
morning digest are checked on known calendar days: 2026-12-04 is a Friday,
2026-12-07 a Monday, 2026-12-12 a Saturday.

- Owners: "#nhan" from a staff member makes them the owner; "#giao <short
  name>" gives the request to another (the history says who gave it to whom);
  an unknown name changes nothing and only the sender is told; the owner is in
  the next staff notice and in `phieuctl list --json`; "#lich" on a request
  nobody owns makes its sender the owner, a later "#batdau" by another does not
  take it over.
- Due dates: a website update (3 working days) received on a Friday with the
  Tuesday after configured as a holiday is due on Thursday: in the
  acknowledgement ("dự kiến hoàn thành"), the staff notice and the listing.
- The overdue reminder: nothing before the due day; on it, one reminder to the
  owner only; a request nobody owns, due while phieud did not run, reminds all
  staff at the first run after; never a second time.
- Search: `phieuctl search` with and without diacritics and đ, over the
  fields and the mail's text; `list` filters combined; "#tim" by mail from
  staff answered to that staff member only, opening no request.
- The morning digest (digest_time 07:30): nothing at 07:00; at 07:31 on a
  Monday one mail to all staff with the new requests (since yesterday), those
  nobody owns, due today, overdue, waiting for the unit, and Tuesday's
  server-room visits with their people and the two-person limit marked; the
  request numbers as "[IID-KT #…]"; not again at 07:45 (another process); none
  on a Saturday.

By hand: python3 tests/integration/workload.py --phieud build/daemon/phieud \
  --phieuctl build/daemon/phieuctl --srcdir . [Owners.test_...]
"""

import os
import re
import time

import harness
from procedure import (CAPACITY, CANG, CORRESPONDENCE, HOAVANG, PKT, PREFIX, REMINDER,
                       SCHEDULED, SDL, SGTVT, SNV, STAFF, STARTED, STP, ProcedureCase,
                       server_room_request, subdomain_request, tech_support_request,
                       units_config, website_request)

OWNER_UNKNOWN = "Chưa giao được yêu cầu"
OVERDUE = "Đến hạn hoàn thành"
DIGEST = f"[{PREFIX}] Tóm tắt công việc sáng"
TZ = "Asia/Ho_Chi_Minh"


class WorkloadCase(ProcedureCase):
    """A ProcedureCase whose phieud runs on a fixed clock."""

    BASEPORT = 10920

    def setUp(self):
        super().setUp()
        saved = {k: os.environ.get(k) for k in ("PHIEU_TEST_NOW", "TZ")}
        self.addCleanup(self.restore_env, saved)
        os.environ["TZ"] = TZ

    @staticmethod
    def restore_env(saved):
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def at(self, when):
        """The next runs of phieud start their clock at when (local "YYYY-MM-DDTHH:MM")."""
        os.environ["PHIEU_TEST_NOW"] = when

    def listed(self, number):
        """The request's row in `phieuctl list --json`."""
        rows = [r for r in self.requests() if r["id"] == number]
        self.assertEqual(len(rows), 1, f"{number} in the listing")
        return rows[0]

    def event(self, number, kind):
        """The newest event of a kind in the request's history."""
        found = [e for e in self.show(number)["history"] if e.get("event") == kind]
        self.assertTrue(found, f"{number}: no {kind} event")
        return found[-1]


class Owners(WorkloadCase):
    """#nhan, #giao, and owners from #lich."""

    EXTRA_CONFIG = units_config()

    def test_take_and_assign(self):
        self.at("2026-12-07T09:00")
        number = self.new_request(website_request())
        self.assertIsNone(self.listed(number)["owner"], "nobody owns a new request")

        self.staff_reply(number, "#nhan", sender=STAFF[1])
        self.run_once()
        self.expect_state(number, "acknowledged", ("received", SGTVT),
                          ("acknowledged", "phieu"), ("assigned", STAFF[1]))
        self.assertEqual(self.listed(number)["owner"], STAFF[1], "#nhan: owner in the list")

        # a short name: the local part's prefix that only one staff address has
        self.staff_reply(number, "#giao thang", sender=STAFF[1])
        self.run_once()
        self.expect_events(number, ("assigned", STAFF[1]))
        self.assertEqual(self.listed(number)["owner"], STAFF[0], "#giao: owner in the list")
        detail = self.event(number, "assigned")["detail"]
        self.assertIn(STAFF[0], detail, "the history names whom it was given to")
        self.assertIn(STAFF[1], detail, "the history names the owner before")
        self.assertEqual(self.show(number)["owner"], STAFF[0], "owner in show")

        # nobody of that name: nothing changes, the sender alone is told
        self.staff_reply(number, "#giao minh.nv", sender=STAFF[1])
        self.run_once()
        told = self.expect_mail(STAFF[1], number, OWNER_UNKNOWN, frm=PKT)
        self.assertIn("minh.nv", told["body"])
        self.assertIn(STAFF[0], told["body"], "the staff it can be given to are listed")
        self.expect_events(number, ("command_refused", STAFF[1]))
        self.assertEqual(self.listed(number)["owner"], STAFF[0], "owner unchanged")

        # the next notice to staff shows the owner
        self.unit_reply(number, SGTVT, "Xin cho biết khi nào Trung tâm thực hiện ạ.")
        self.run_once()
        notice = self.expect_staff(number, CORRESPONDENCE)
        self.assertIn(f"Người phụ trách: {STAFF[0]}", notice["body"])
        self.expect_nothing_else()

    def test_schedule_makes_its_sender_owner(self):
        self.at("2026-12-07T09:00")
        number = self.new_request(tech_support_request())
        self.staff_reply(number, "#lich 09/12/2026 14:00", sender=STAFF[1])
        self.run_once()
        self.expect_unit(HOAVANG, number, SCHEDULED)
        self.expect_state(number, "scheduled", ("received", HOAVANG), ("acknowledged", "phieu"),
                          ("assigned", STAFF[1]), ("scheduled", STAFF[1]))
        self.assertEqual(self.listed(number)["owner"], STAFF[1])
        # someone else starting it does not take it over
        self.staff_reply(number, "#batdau", sender=STAFF[0])
        self.run_once()
        self.expect_unit(HOAVANG, number, STARTED)
        self.expect_state(number, "in_progress", ("started", STAFF[0]))
        self.assertEqual(self.listed(number)["owner"], STAFF[1])
        self.expect_nothing_else()


class Search(WorkloadCase):
    """Search and listings: phieuctl search with and without diacritics (đ as
    d), list filters combined, and #tim by mail from staff."""

    EXTRA_CONFIG = units_config()

    def found(self, *words):
        return [r["id"] for r in self.ctl_json("search", *words)]

    def test_search_and_filters(self):
        self.at("2026-12-07T09:00")
        web = self.new_request(website_request())
        sub = self.new_request(subdomain_request())

        # the unit, with and without diacritics, any case; đ as d
        self.assertEqual(self.found("Sở Giao thông"), [web])
        self.assertEqual(self.found("so giao THONG"), [web])
        self.assertEqual(self.found("du lich"), [sub])
        self.assertEqual(self.found("Du Lịch", "phaohoa2027"), [sub])
        # the mail's text is searched too ("Đà Nẵng" in both bodies: đ as d)
        self.assertEqual(sorted(self.found("da nang")), sorted([web, sub]))
        self.assertEqual(self.found("tra cuu"), [web])
        self.assertEqual(self.found("giao thong", "du lich"), [])

        # listings: filters combined, in the JSON too
        ids = lambda *a: [r["id"] for r in self.ctl_json("list", *a)]
        self.assertEqual(ids("--type", "subdomain"), [sub])
        self.assertEqual(ids("--open", "--unit", "giao thong"), [web])
        self.assertEqual(ids("--since", "2026-12-07", "--until", "2026-12-07", "--newest"),
                         [sub, web])
        self.assertEqual(ids("--state", "closed"), [])
        self.assertEqual(ids("--limit", "1", "--offset", "1"), [sub])

        # by mail: a staff member's #tim gets the matching requests back
        self.send_mail(STAFF[1], PKT, "tìm yêu cầu", "#tim so du lich\n\n-- \nPKT")
        self.run_once()
        deadline = time.monotonic() + harness.DELIVERY_TIMEOUT
        while True:
            got = [m for m in self.ms.fetch(STAFF[1])
                   if (m["subject"] or "").startswith('Kết quả tìm "so du lich"')]
            if got or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        self.assertEqual(len(got), 1, "one answer to #tim")
        self.assertIn(f"[{PREFIX} #{sub}]", got[0]["body"])
        self.assertNotIn(f"#{web}]", got[0]["body"])
        self.assertEqual(len(self.requests()), 2, "#tim opens no request")
        self.assertFalse([m for m in self.ms.fetch(STAFF[0])
                          if (m["subject"] or "").startswith("Kết quả tìm")],
                         "the answer goes to the one who asked")


class DueDates(WorkloadCase):
    """Due dates over a weekend and a holiday; the reminder on the due day."""

    EXTRA_CONFIG = units_config('holidays = [ "2026-12-08" ];\n')

    def test_due_date_and_overdue_reminder_once(self):
        # Friday: 3 working days are Monday, Wednesday (Tuesday is a holiday), Thursday
        self.at("2026-12-04T15:00")
        owned = self.new_request(website_request())
        self.assertEqual(self.listed(owned)["due_date"], "2026-12-10")
        ack = self.last_mail[(SGTVT, owned)]
        self.assertIn("dự kiến hoàn thành: 10/12/2026", ack["body"], "the ack gives the due date")
        notice = self.last_mail[(STAFF[0], owned)]
        self.assertIn("Hạn hoàn thành dự kiến: 10/12/2026", notice["body"])
        # tech support, 2 working days: Monday, Wednesday
        self.at("2026-12-04T15:05")
        nobodys = self.new_request(tech_support_request())
        self.assertEqual(self.listed(nobodys)["due_date"], "2026-12-09")

        self.at("2026-12-04T15:10")
        self.staff_reply(owned, "#nhan")
        self.run_once()
        self.expect_events(owned, ("received", SGTVT), ("acknowledged", "phieu"),
                          ("assigned", STAFF[0]))

        for when in ("2026-12-07T08:00", "2026-12-08T08:00"):    # not due yet
            self.at(when)
            self.run_once()
        self.expect_nothing_else()

        # phieud did not run on Wednesday the 9th: Thursday's first run reminds
        # the owner of the one due today, all staff of the one nobody owns
        self.at("2026-12-10T08:00")
        self.run_once()
        reminder = self.expect_mail(STAFF[0], owned, OVERDUE, frm=PKT)
        self.assertIn("10/12/2026", reminder["body"])
        self.assertIn(f"Người phụ trách: {STAFF[0]}", reminder["body"])
        self.expect_staff(nobodys, OVERDUE)
        self.expect_events(owned, ("overdue", "phieu"))
        self.expect_events(nobodys, ("received", HOAVANG), ("acknowledged", "phieu"),
                           ("overdue", "phieu"))
        for when in ("2026-12-10T09:00", "2026-12-11T08:00", "2026-12-14T08:00"):
            self.at(when)
            self.run_once()
        self.expect_events(owned)
        self.expect_events(nobodys)
        self.expect_nothing_else()      # the owner once, and nobody else


def digest_sections(body):
    """The digest's sections: heading (up to its first '(') -> request numbers listed."""
    sections, current = {}, None
    for line in body.splitlines():
        if line and not line.startswith("-") and line.endswith(":") and "(" in line:
            current = line.split("(")[0].strip()
            sections[current] = []
        elif current is not None and line.startswith("- "):
            sections[current] += re.findall(rf"\[{PREFIX} #(\d{{4}}-\d{{6}})\]", line)
    return sections


class Digest(WorkloadCase):
    """The staff's morning digest on a fixed clock."""

    EXTRA_CONFIG = units_config('digest = true;\ndigest_time = "07:30";\n')

    def digests(self, user):
        return [m for m in self.ms.fetch(user) if (m["subject"] or "").startswith(DIGEST)]

    def test_digest_sections_once_a_working_day(self):
        # all before 07:30: no digest on those days
        self.at("2026-12-02T07:00")                  # Wednesday
        overdue = self.new_request(tech_support_request())        # due Friday 4th
        self.at("2026-12-03T07:00")                  # Thursday
        due_today = self.new_request(tech_support_request(
            sender=SNV, unit="Sở Nội vụ", contact="Phạm Văn Hùng"))  # due Monday 7th
        self.staff_reply(due_today, "#nhan", sender=STAFF[1])
        self.run_once()
        self.at("2026-12-03T07:05")
        visit = self.new_request(server_room_request(date="08/12/2026"))
        self.staff_reply(visit, "#lich 08/12/2026 09:00")
        self.run_once()
        self.expect_unit(CANG, visit, SCHEDULED)
        self.at("2026-12-03T07:10")
        other = self.new_request(server_room_request(
            sender=STP, date="08/12/2026", time_from="10:00", time_to="11:00",
            visitors=(("Lê Văn Tám", "048077001111", "0905000111"),), unit="Sở Tư pháp"))
        self.staff_reply(other, "#lich 08/12/2026 10:00")
        self.run_once()
        self.expect_unit(STP, other, SCHEDULED)
        self.expect_staff(other, CAPACITY)
        for s in STAFF:
            self.assertEqual(self.digests(s), [], "a digest before digest_time")

        # Monday 07:00: a new request; the first run of the week reminds of
        # everything due by today (owners, or all staff)
        self.at("2026-12-07T07:00")
        waiting = self.new_request(subdomain_request(sender=SDL, approval=None),
                                   state="needs_info")
        self.expect_staff(overdue, OVERDUE)
        self.expect_mail(STAFF[1], due_today, OVERDUE)
        self.expect_mail(STAFF[0], visit, OVERDUE)
        self.expect_mail(STAFF[0], other, OVERDUE)
        self.expect_nothing_else()
        for s in STAFF:
            self.assertEqual(self.digests(s), [], "a digest before digest_time")

        self.at("2026-12-07T07:31")
        self.run_once()
        got = [self.digests(s) for s in STAFF]
        for s, mails in zip(STAFF, got):
            self.assertEqual(len(mails), 1, f"{s}: one digest")
        digest = got[0][0]
        self.assertIn("07/12/2026", digest["subject"])
        self.assertIn(PKT, digest["from"])
        sections = digest_sections(digest["body"])
        want = {
            "Yêu cầu mới từ 00:00 06/12/2026": [waiting],
            "Chưa có người phụ trách": [overdue, waiting],
            "Đến hạn hôm nay": [due_today],
            "Quá hạn": [overdue, visit, other],
            "Đang chờ đơn vị bổ sung thông tin": [waiting],
            "Lượt vào Phòng Hệ thống đã xếp lịch từ 08/12/2026 đến hết 08/12/2026": [visit, other],
        }
        self.assertEqual(sections, want, f"the digest's sections:\n{digest['body']}")
        body = digest["body"]
        with self.subTest(check="visits with their people and the room's limit"):
            self.assertIn("08/12/2026 09:00–10:30", body)
            self.assertIn("Trần Đình Khoa, Nguyễn Hữu Lộc", body)
            self.assertIn("Lê Văn Tám", body)
            self.assertEqual(body.count("(!)") - body.count("dấu (!)"), 2,
                             "both overlapping visits (3 people) are marked")
            self.assertIn("quá 2 người", body)
        with self.subTest(check="owners and due dates on the lines"):
            line = next(ln for ln in body.splitlines() if f"#{due_today}]" in ln)
            self.assertIn(STAFF[1], line)
            self.assertIn("07/12/2026", line)

        # another process the same morning: not again; none on Saturday (where
        # the unit is reminded of what is missing, remind_after_days later)
        counts = {s: self.ms.count(s) for s in STAFF}
        self.at("2026-12-07T07:45")
        self.run_once()
        self.at("2026-12-12T08:00")
        self.run_once()
        self.expect_unit(SDL, waiting, REMINDER)
        self.assert_no_new_mail(counts)
        for s in STAFF:
            self.assertEqual(len(self.digests(s)), 1, f"{s}: one digest in all")
        self.expect_nothing_else()


if __name__ == "__main__":
    harness.main()
