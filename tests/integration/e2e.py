#!/usr/bin/env python3
"""e2e.py - one request of each kind through Postfix, Dovecot, phieud and back.

Sends the six fixtures of tests/integration/mail/ (the five request types,
mailbox as create and as change) through the private Postfix, runs
`phieud --once`, and checks the stored requests (phieuctl), the
acknowledgements that arrived in each sender's mailbox over IMAP, and the
marks on the originals; then checks that a second run does nothing again.
"""

import email.utils

import harness
from harness import IntegrationCase

# fixture -> what phieu must make of it.  "fields" are checked in
# `phieuctl show`, "echo" must appear in the acknowledgement's body.
EXPECTED = {
    "01-website_update.eml": {
        "type": "website_update", "mailbox": "pkt-iid", "reply_from": "pkt-iid@danang.gov.vn",
        "fields": {"website_url": "https://sgtvt.danang.gov.vn", "desired_time": "2026-12-08",
                   "contact_phone": "0905214377", "contact_name": "Huỳnh Văn Phước"},
        "echo": "https://sgtvt.danang.gov.vn",
    },
    "02-mailbox_create.eml": {
        "type": "mailbox", "mailbox": "cntt", "reply_from": "cntt@danang.gov.vn",
        "fields": {"mailbox_action": "create", "contact_phone": "02363822915"},
        "accounts": ["vietdq@danang.gov.vn", "linhptm@danang.gov.vn"],
        "echo": "vietdq@danang.gov.vn",
    },
    "03-mailbox_change.eml": {
        "type": "mailbox", "mailbox": "admin", "reply_from": "admin@danang.gov.vn",
        "fields": {"mailbox_action": "change", "contact_phone": "0983406215"},
        "accounts": ["ngoctb@danang.gov.vn"],
        "echo": "ngoctb@danang.gov.vn",
    },
    "04-subdomain.eml": {
        "type": "subdomain", "mailbox": "pkt-iid", "reply_from": "pkt-iid@danang.gov.vn",
        "fields": {"subdomain": "phaohoa2027.danang.gov.vn", "approval_ref": "5123/UBND-KTN",
                   "target_ip": "14.225.210.47", "admin_phone": "0932561208"},
        "echo": "phaohoa2027.danang.gov.vn",
    },
    "05-server_room.eml": {
        "type": "server_room", "mailbox": "pkt-iid", "reply_from": "pkt-iid@danang.gov.vn",
        "fields": {"visit_date": "2026-12-15", "time_from": "09:00", "time_to": "10:30",
                   "emergency": False},
        "visitors": ["048085001234", "048090004321"],
        "echo": "2026-12-15",
    },
    "06-tech_support.eml": {
        "type": "tech_support", "mailbox": "pkt-iid", "reply_from": "pkt-iid@danang.gov.vn",
        "fields": {"category": "network", "priority": "urgent",
                   "location": "Phòng 502, tầng 5, Trung tâm Hành chính thành phố, 24 Trần Phú"},
        "echo": "Phòng 502",
    },
}


class EndToEnd(IntegrationCase):
    BASEPORT = 10600

    def send_all(self):
        """Send every fixture and wait until each polled mailbox has its share."""
        per_box = {}
        for name in EXPECTED:
            path = harness.fixture(name)
            self.ms.send(path)
            for rcpt in harness.envelope(path)[1]:
                per_box[rcpt] = per_box.get(rcpt, 0) + 1
        for user, n in per_box.items():
            self.ms.wait_delivered(user, n)
        return per_box

    def test_requests_acknowledged_once(self):
        per_box = self.send_all()
        self.once(expect=0)

        # --- the database: one request per mail, right type, state, fields, history
        listed = self.requests()
        self.assertEqual(len(listed), len(EXPECTED),
                         f"expected {len(EXPECTED)} requests, phieuctl list shows {listed}")
        by_sender = {r["sender"]: r for r in listed}
        self.assertEqual(len(by_sender), len(EXPECTED), f"senders not distinct: {listed}")
        numbers = {}
        for name, want in EXPECTED.items():
            path = harness.fixture(name)
            sender = harness.envelope(path)[0]
            with self.subTest(fixture=name, check="stored request"):
                self.assertIn(sender, by_sender, f"no request from {sender} ({name})")
                r = by_sender[sender]
                numbers[name] = r["id"]
                self.assertRegex(r["id"], r"^\d{4}-\d{6}$")
                self.assertEqual(r["type"], want["type"], f"{name}: type")
                self.assertEqual(r["state"], "acknowledged", f"{name}: state")
                self.assertEqual(r["mailbox"], want["mailbox"], f"{name}: mailbox")
                # the subject as the sender wrote it, RFC 2047 decoded
                self.assertEqual(r["subject"], str(harness.read_headers(path)["Subject"]),
                                 f"{name}: stored subject")
                shown = self.show(r["id"])
                self.assertEqual(shown["state"], "acknowledged")
                self.assertEqual(harness.strip_id(shown.get("message_id")),
                                 harness.strip_id(harness.message_id(path)), f"{name}: Message-ID")
                fields = shown["fields"]
                for key, value in want["fields"].items():
                    self.assertEqual(fields.get(key), value, f"{name}: field {key}")
                if "accounts" in want:
                    got = [a.get("address") for a in fields.get("accounts", [])]
                    self.assertEqual(got, want["accounts"], f"{name}: accounts")
                if "visitors" in want:
                    got = [v.get("id_no") for v in fields.get("visitors", [])]
                    self.assertEqual(got, want["visitors"], f"{name}: visitors")
                kinds = harness.event_kinds(shown)
                self.assertIn("received", kinds, f"{name}: history {kinds}")
                self.assertIn("acknowledged", kinds, f"{name}: history {kinds}")
                self.assertLess(kinds.index("received"), kinds.index("acknowledged"),
                                f"{name}: history order {kinds}")

        # --- the acknowledgements, read over IMAP in each sender's mailbox
        for name, want in EXPECTED.items():
            path = harness.fixture(name)
            sender = harness.envelope(path)[0]
            number = numbers.get(name)
            with self.subTest(fixture=name, check="acknowledgement"):
                self.ms.wait_delivered(sender, 1)
                msgs = self.ms.fetch(sender)
                self.assertEqual(len(msgs), 1, f"{sender} got {len(msgs)} messages, expected 1 ack")
                ack = msgs[0]
                self.assertIn(f"[IID-KT #{number}]", ack["subject"] or "", f"{name}: ack subject")
                self.assertEqual(harness.strip_id(ack["in_reply_to"]),
                                 harness.strip_id(harness.message_id(path)), f"{name}: In-Reply-To")
                self.assertIn(harness.strip_id(harness.message_id(path)), ack["references"] or "",
                              f"{name}: References")
                self.assertEqual((ack["auto_submitted"] or "").strip(), "auto-replied",
                                 f"{name}: Auto-Submitted")
                from_addr = email.utils.parseaddr(ack["from"] or "")[1].lower()
                self.assertEqual(from_addr, want["reply_from"], f"{name}: ack From")
                self.assertIn(number, ack["body"], f"{name}: request number in the ack body")
                self.assertIn(want["echo"], ack["body"], f"{name}: field echoed in the ack body")
                self.assertNotIn("\ufffd", ack["body"], f"{name}: ack body is not clean UTF-8")

        # --- the originals: all still there, all marked processed
        for user, n in per_box.items():
            with self.subTest(mailbox=user, check="originals marked"):
                self.assertEqual(self.ms.count(user), n, f"{user}: messages deleted or added")
                self.assertEqual(self.ms.count(user, "$PhieuDone"), n,
                                 f"{user}: not all originals carry $PhieuDone")

        # --- a second run: nothing new anywhere
        senders = [harness.envelope(harness.fixture(n))[0] for n in EXPECTED]
        outbox_before = self.outbox()
        acks = [o for o in outbox_before if o["kind"] == "ack"]
        notices = [o for o in outbox_before if o["kind"] == "notice"]
        self.assertEqual(len(acks), len(EXPECTED), f"outbox: {outbox_before}")
        # staff hear of every new request
        self.assertEqual(len(notices), len(EXPECTED), f"outbox: {outbox_before}")
        self.assertEqual(len(outbox_before), 2 * len(EXPECTED), f"outbox: {outbox_before}")
        self.assertTrue(all(o["state"] == "sent" for o in outbox_before), f"outbox: {outbox_before}")
        self.once(expect=0)
        self.assertEqual(self.requests(), listed, "the second run changed the requests")
        self.assert_no_new_mail({s: 1 for s in senders})
        self.assertEqual(self.outbox(), outbox_before, "the second run changed the outbox")
        for user, n in per_box.items():
            self.assertEqual(self.ms.count(user), n, f"{user}: the second run changed the INBOX")


if __name__ == "__main__":
    harness.main()
