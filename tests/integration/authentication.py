#!/usr/bin/env python3
"""authentication.py - sender authentication against a real DKIM signer and verifier.

The private Postfix runs with OpenDKIM (tests/mailserver/mailsrv.sh, MAILSRV_DKIM=1):
mail submitted on its submission port is signed for danang.gov.vn, as a unit's or
the centre's own mail server would, and passed on to the SMTP port, where the
verifier adds "Authentication-Results: mx.mailsrv.test; dkim=…" on top of every
message (dkim=none for unsigned mail) and keeps whatever the sender wrote below.
phieu is configured with

    authentication = { authserv_id = "mx.mailsrv.test"; require = "dkim"; };

- a signed staff command moves the request;
- a forged, unsigned staff command with From: a staff address changes nothing:
  the history gets "unauthenticated", staff are told at their configured
  addresses (not at a Reply-To the forger gave), the unit hears nothing;
- the same forgery carrying its own "Authentication-Results: mx.mailsrv.test;
  dkim=pass" header: the delivered mail has the verifier's dkim=none on top and
  the forged header below it; phieu reads only the topmost and refuses;
- a unit's plain, unsigned request is still accepted and acknowledged;
- a Department of ICT forward naming another unit: unsigned, it names nobody
  (the request is the Department's, "unauthenticated" in its history); signed,
  the unit it carries is the requester.

By hand: python3 tests/integration/authentication.py --phieud build/daemon/phieud \
  --phieuctl build/daemon/phieuctl --srcdir . (PHIEU_IT_KEEP=1 keeps the files).
"""

import email.utils
import glob
import os
import smtplib
import time

import harness
from procedure import (CNTT, HOAVANG, OUTSIDER, PKT, POLLED, REJECTED, STAFF,
                       ProcedureCase, tech_support_request, units_config)

AUTHSERV_ID = "mx.mailsrv.test"     # mailsrv.sh's verifier
UNAUTHENTICATED = "Thư không được thực hiện: người gửi chưa được xác thực"
FORGED_AR = f"Authentication-Results: {AUTHSERV_ID}; dkim=pass header.d=danang.gov.vn"


class AuthenticationCase(ProcedureCase):
    """ProcedureCase with OpenDKIM in the private Postfix and require = "dkim"."""

    BASEPORT = 13600
    MAILSRV_ENV = {"MAILSRV_DKIM": "1"}
    EXTRA_CONFIG = units_config(
        f'authentication = {{ authserv_id = "{AUTHSERV_ID}"; require = "dkim"; }};\n')

    def setUp(self):
        super().setUp()
        self.sign = False           # deliver the next mails through the signer

    def deliver(self, path, message_id, sender, rcpts):
        """Send through the signer (self.sign) or the plain SMTP port; wait for it."""
        if not self.sign:
            return super().deliver(path, message_id, sender, rcpts)
        with open(path, "rb") as f:
            data = f.read()
        with smtplib.SMTP("127.0.0.1", int(self.ms.env["MS_SUBMIT_PORT"]), timeout=30) as s:
            s.sendmail(sender, rcpts, data)
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

    def signed_staff_reply(self, number, *lines):
        """A staff member's command, signed by the centre's mail server."""
        self.sign = True
        try:
            self.staff_reply(number, *lines)
        finally:
            self.sign = False

    def forged_staff_reply(self, number, *lines, headers=()):
        """A staff command as a forger writes it: From: a staff address, not
        signed, headers (raw lines) added on top of the forger's own."""
        notice = self.last_mail.get((STAFF[0], number))
        to = email.utils.parseaddr(notice["from"])[1].lower()
        path, mid = self.write_mail(STAFF[0], to, f"Re: {notice['subject']}",
                                    "\n".join(lines), reply_to=notice)
        with open(path, "rb") as f:
            data = f.read()
        eol = b"\r\n" if b"\r\n" in data else b"\n"
        extra = b"".join(h.encode() + eol for h in headers)
        with open(path, "wb") as f:
            f.write(extra + data)
        self.deliver(path, mid, STAFF[0], [to])
        return mid

    def raw_delivered(self, user, message_id):
        """The bytes of the message with that Message-ID in user's maildir."""
        local, domain = user.split("@")
        want = harness.strip_id(message_id)
        for p in glob.glob(os.path.join(self.ms.dir, "mail", domain, local, "*", "*")):
            with open(p, "rb") as f:
                data = f.read()
            head = data.split(b"\n\n", 1)[0].split(b"\r\n\r\n", 1)[0]
            if want.encode() in head:
                return data
        self.fail(f"{message_id} not in {user}'s maildir")

    def assert_warned_at_start(self, present):
        """Whether phieud's last run warned that From: alone is trusted."""
        warned = "trusted on the From: header alone" in self.daemon_logs[-1][2]
        self.assertEqual(warned, present, self.daemon_logs[-1][2])


class Commands(AuthenticationCase):

    def test_signed_staff_command_is_carried_out(self):
        # the unit's plain request needs no signature
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        self.assert_warned_at_start(False)
        self.signed_staff_reply(number, "#tuchoi đơn vị đã tự khắc phục")
        self.run_once()
        self.expect_state(number, "rejected", ("rejected", STAFF[0]))
        told = self.expect_unit(HOAVANG, number, REJECTED, frm=PKT)
        self.assertIn("đơn vị đã tự khắc phục", told["body"])
        self.expect_nothing_else()

    def test_forged_staff_command_changes_nothing(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        self.watched.add(OUTSIDER)
        self.forged_staff_reply(number, "#tuchoi trùng yêu cầu",
                                headers=[f"Reply-To: {OUTSIDER}"])
        self.run_once()
        shown = self.expect_state(number, "acknowledged", ("unauthenticated", STAFF[0]))
        event = shown["history"][-1]
        self.assertIn("#tuchoi", event.get("detail") or "", event)
        self.assertIn("dkim=none", event.get("detail") or "", event)
        # every configured staff address is told; the forger's Reply-To is not
        told = self.expect_staff(number, UNAUTHENTICATED)
        self.assertIn("#tuchoi trùng yêu cầu", told["body"])
        self.assertIn(STAFF[0], told["body"])
        self.expect_nothing_else()          # the unit and the outsider got nothing

        # the real staff member, through the centre's mail server, is obeyed
        self.signed_staff_reply(number, "#tuchoi trùng yêu cầu")
        self.run_once()
        self.expect_state(number, "rejected", ("rejected", STAFF[0]))
        self.expect_unit(HOAVANG, number, REJECTED, frm=PKT)
        self.expect_nothing_else()

    def test_forged_authentication_results_is_ignored(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        mid = self.forged_staff_reply(number, "#xong", headers=[FORGED_AR])
        # as delivered: the verifier's own header on top, the forged one below
        raw = self.raw_delivered(PKT, mid).decode("utf-8", "replace")
        head = raw.replace("\r\n", "\n").split("\n\n", 1)[0].replace("\n\t", " ")
        results = [line for line in head.split("\n")
                   if line.lower().startswith("authentication-results:")]
        self.assertEqual(len(results), 2, head)
        self.assertIn("dkim=none", results[0])
        self.assertIn("dkim=pass", results[1])
        self.run_once()
        self.expect_state(number, "acknowledged", ("unauthenticated", STAFF[0]))
        self.expect_staff(number, UNAUTHENTICATED)
        self.assertEqual(self.show(number)["state"], "acknowledged")
        self.expect_nothing_else()


class Forwards(AuthenticationCase):

    def forward(self, signed):
        """The Department of ICT forwards Hòa Vang's request to pkt-iid; the new
        request's shown form."""
        sender, _, name, subject, body = tech_support_request()
        text = ("Kính chuyển Trung tâm xem xét, xử lý.\n\n"
                "---------- Forwarded message ---------\n"
                f"From: {name} <{sender}>\n"
                "Date: Mon, 30 Nov 2026 08:15:00 +0700\n"
                f"Subject: {subject}\n"
                f"To: {CNTT}\n\n{body}")
        before = {r["id"] for r in self.requests()}
        self.sign = signed
        try:
            self.send_mail(CNTT, PKT, f"Fwd: {subject}", text, name="Sở TT&TT")
        finally:
            self.sign = False
        self.run_once()
        new = [r for r in self.requests() if r["id"] not in before]
        self.assertEqual(len(new), 1, new)
        return self.show(new[0]["id"])

    def test_unauthenticated_forward_names_nobody(self):
        shown = self.forward(signed=False)
        self.assertEqual(shown["sender"], CNTT, "an unsigned forward named another requester")
        events = harness.event_kinds(shown)
        self.assertIn("unauthenticated", events)
        self.assertNotIn("forwarded", events)
        detail = [e for e in shown["history"] if e["event"] == "unauthenticated"][0]
        self.assertIn(HOAVANG, detail.get("detail") or "")

        shown = self.forward(signed=True)
        self.assertEqual(shown["sender"], HOAVANG)
        self.assertIn(("forwarded", CNTT),
                      [(e["event"], e.get("actor")) for e in shown["history"]])
        self.assertNotIn("unauthenticated", harness.event_kinds(shown))


class WithoutAuthentication(ProcedureCase):
    """No authentication group: today's behaviour, with a warning at start."""

    BASEPORT = 13600
    MAILSRV_ENV = {"MAILSRV_DKIM": "1"}

    def test_warning_and_from_alone(self):
        number = self.new_request(tech_support_request())
        self.expect_events(number, ("received", HOAVANG), ("acknowledged", "phieu"))
        self.assertIn("trusted on the From: header alone", self.daemon_logs[-1][2])
        self.staff_reply(number, "#tuchoi trùng yêu cầu")     # unsigned
        self.run_once()
        self.expect_state(number, "rejected", ("rejected", STAFF[0]))


if __name__ == "__main__":
    harness.main()
