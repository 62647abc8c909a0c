#!/usr/bin/env python3
"""automatic.py - copies, automatic mail and follow-ups make no new requests.

- one request Cc'd to two polled mailboxes (one Message-ID, two deliveries)
  is stored once and acknowledged once;
- an out-of-office reply (Auto-Submitted: auto-replied) and a bounce
  (multipart/report, empty envelope sender) make no request of a known type
  and are never answered;
- the requester's reply carrying "[IID-KT #<number>]" in its subject is kept
  with that request, not stored as a new one, and not answered.
"""

import os

import harness
from harness import IntegrationCase

KNOWN_TYPES = {"website_update", "mailbox", "subdomain", "server_room", "tech_support"}
CC_MAIL = "10-cc-two-mailboxes.eml"
OOO_MAIL = "11-out-of-office.eml"
BOUNCE_MAIL = "12-bounce.eml"


def followup_mail(path, number, ack, sender):
    """Write the requester's reply to the acknowledgement, as a mail program would."""
    subject = f"Re: [IID-KT #{number}] {ack['subject'].split('] ', 1)[1]}"
    text = (
        f"From: =?utf-8?q?=C4=90o=C3=A0n_Th=E1=BB=8B_Kim_Oanh?= <{sender}>\n"
        "To: pkt-iid@danang.gov.vn\n"
        f"Subject: {encode_header(subject)}\n"
        "Date: Fri, 27 Nov 2026 11:05:40 +0700\n"
        "Message-ID: <0c4b8f7e-1d2a-4e55-9b3c-followup1@snv.danang.gov.vn>\n"
        f"In-Reply-To: {ack['message_id']}\n"
        f"References: {ack['in_reply_to']} {ack['message_id']}\n"
        "User-Agent: Mozilla Thunderbird\n"
        "MIME-Version: 1.0\n"
        'Content-Type: text/plain; charset="utf-8"\n'
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Kính gửi Trung tâm,\n\n"
        "Sở Nội vụ xin bổ sung: máy in là HP LaserJet M507, địa chỉ IP 10.10.3.25.\n"
        "Điện thoại: 0905 662 190\n\n"
        "Trân trọng.\n\n"
        f"Vào lúc 09:20 ngày 27/11/2026, Trung tâm đã viết:\n"
        + "".join(f"> {line}\n" for line in ack["body"].splitlines()[:12]))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def encode_header(text):
    """RFC 2047 encode a header value (quoted-printable words)."""
    from email.charset import QP, Charset
    from email.header import Header
    cs = Charset("utf-8")
    cs.header_encoding = QP
    return Header(text, cs, header_name="Subject").encode(maxlinelen=76)


class AutomaticAndCopies(IntegrationCase):
    BASEPORT = 10610

    def test_copies_automatic_mail_and_followups(self):
        cc = harness.fixture(CC_MAIL)
        ooo = harness.fixture(OOO_MAIL)
        bounce = harness.fixture(BOUNCE_MAIL)
        cc_sender, cc_rcpts = harness.envelope(cc)
        self.assertEqual(sorted(cc_rcpts), ["cntt@danang.gov.vn", "pkt-iid@danang.gov.vn"])
        ooo_sender = harness.envelope(ooo)[0]
        bounce_from = harness.envelope(bounce)[0]

        self.ms.send(cc)                                   # one SMTP transaction, two mailboxes
        self.ms.send(ooo)
        self.ms.send(bounce, sender="")                    # MAIL FROM:<>, as bounces are sent
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 3)
        self.ms.wait_delivered("cntt@danang.gov.vn", 1)
        self.once(expect=0)

        # --- exactly one request for the copied mail
        listed = self.requests()
        mine = [r for r in listed if r["sender"] == cc_sender]
        self.assertEqual(len(mine), 1, f"expected one request from {cc_sender}: {listed}")
        request = mine[0]
        self.assertEqual(request["type"], "tech_support")
        self.assertEqual(request["state"], "acknowledged")

        # --- automatic mail: no request of a known type, no reply
        for who in (ooo_sender, bounce_from):
            known = [r for r in listed if r["sender"] == who and r["type"] in KNOWN_TYPES]
            self.assertEqual(known, [], f"automatic mail from {who} became a request: {known}")
        outbox = self.outbox()
        for o in outbox:
            for addr in o["to"]:
                self.assertNotIn(addr.lower(), (ooo_sender, bounce_from),
                                 f"a reply was queued to automatic mail: {o}")
        acks = [o for o in outbox if o["kind"] == "ack"]
        self.assertEqual([o["to"] for o in acks], [[cc_sender]], f"acks queued: {acks}")

        # --- the mailboxes: one ack for the requester, nothing for the robots
        self.ms.wait_delivered(cc_sender, 1)
        self.assert_no_new_mail({cc_sender: 1, ooo_sender: 0, bounce_from: 0})
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 3)
        self.assertEqual(self.ms.count("cntt@danang.gov.vn", "$PhieuDone"), 1)

        # --- the requester answers the acknowledgement: kept with the request
        ack = self.ms.fetch(cc_sender)[0]
        number = harness.ack_number(ack["subject"])
        self.assertEqual(number, request["id"], f"ack subject: {ack['subject']}")
        reply = os.path.join(self.work, "followup.eml")
        followup_mail(reply, number, ack, cc_sender)
        self.ms.send(reply)
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 4)
        outbox_before = self.outbox()
        self.once(expect=0)

        after = self.requests()
        self.assertEqual(len(after), len(listed), f"the follow-up made a new request: {after}")
        self.assertEqual([r for r in after if r["sender"] == cc_sender and r["id"] != number], [],
                         "the follow-up made a new request")
        shown = self.show(number)
        self.assertIn("correspondence", harness.event_kinds(shown),
                      f"the follow-up is not in the request's history: {shown['history']}")
        new_out = [o for o in self.outbox() if o not in outbox_before]
        self.assertEqual([o for o in new_out if cc_sender in o["to"]], [],
                         f"the follow-up was answered: {new_out}")
        self.assert_no_new_mail({cc_sender: 1, ooo_sender: 0, bounce_from: 0})
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 4)

    def with_reply_to(self, fixture, reply_to, message_id, name):
        """A copy of a fixture with a Reply-To and a Message-ID of its own."""
        with open(harness.fixture(fixture), encoding="utf-8") as f:
            text = f.read()
        old = harness.message_id(harness.fixture(fixture))
        text = text.replace(f"Message-ID: {old}\n",
                            f"Message-ID: {message_id}\nReply-To: {reply_to}\n", 1)
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_reply_to_never_reflects(self):
        sender = harness.envelope(harness.fixture("06-tech_support.eml"))[0]
        self.assertTrue(sender.endswith("@hoavang.danang.gov.vn"), sender)
        stranger = "victim@example.org"
        colleague = "vanthu@danang.gov.vn"        # the same organisation: danang.gov.vn
        a = self.with_reply_to("06-tech_support.eml", stranger, "<rt-stranger@hoavang.test>",
                               "rt-stranger.eml")
        b = self.with_reply_to("06-tech_support.eml", colleague, "<rt-colleague@hoavang.test>",
                               "rt-colleague.eml")
        self.ms.send(a)
        self.ms.send(b)
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 2)
        self.once(expect=0)

        acks = {tuple(o["to"]) for o in self.outbox() if o["kind"] == "ack"}
        self.assertEqual(acks, {(sender,), (colleague,)}, f"acks queued: {acks}")
        self.ms.wait_delivered(sender, 1)
        self.ms.wait_delivered(colleague, 1)
        self.assert_no_new_mail({stranger: 0, sender: 1, colleague: 1})
        listed = self.requests()
        stranger_req = [r for r in listed
                        if harness.strip_id(self.show(r["id"])["message_id"]) ==
                        "rt-stranger@hoavang.test"]
        self.assertEqual(len(stranger_req), 1, f"{listed}")
        history = self.show(stranger_req[0]["id"])["history"]
        ignored = [e for e in history if e.get("event") == "reply_to_ignored"]
        self.assertEqual(len(ignored), 1, f"history: {history}")
        self.assertIn(stranger, ignored[0].get("detail", ""), f"{ignored}")


if __name__ == "__main__":
    harness.main()
