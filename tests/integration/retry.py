#!/usr/bin/env python3
"""retry.py - an acknowledgement survives an unreachable SMTP server.

With the SMTP port pointing at a closed port, `phieud --once` stores the
request, keeps the acknowledgement queued and exits 75 (try again later).
With the right port the next `--once` sends it and exits 0; it arrives exactly
once, and a further run sends nothing again.

A server that answers 451 (try later) to RCPT gives the ack a backoff of
retry_min seconds, kept in the database across runs: a `--once` before it is
due leaves it queued (exit 75), one after it sends it (exit 0).
"""

import socketserver
import threading
import time

import harness
from harness import IntegrationCase

FIXTURE = "06-tech_support.eml"


class TempFailSmtp(socketserver.StreamRequestHandler):
    """A minimal SMTP server that takes every command and answers 451 to RCPT."""

    def handle(self):
        self.wfile.write(b"220 tempfail.test ESMTP\r\n")
        for line in self.rfile:
            cmd = line.strip().upper()
            if cmd.startswith(b"EHLO"):
                self.wfile.write(b"250-tempfail.test\r\n250 8BITMIME\r\n")
            elif cmd.startswith(b"RCPT"):
                self.server.rcpts += 1
                self.wfile.write(b"451 4.3.0 Temporary lookup failure, try again later\r\n")
            elif cmd.startswith(b"QUIT"):
                self.wfile.write(b"221 2.0.0 Bye\r\n")
                return
            else:
                self.wfile.write(b"250 2.0.0 Ok\r\n")


def start_tempfail_server():
    """Start TempFailSmtp on a free port in a thread; return the server."""
    srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), TempFailSmtp)
    srv.daemon_threads = True
    srv.rcpts = 0
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class SmtpRetry(IntegrationCase):
    BASEPORT = 10620
    EXTRA_CONFIG = "retry_min = 1;\nretry_max = 60;\n"

    def test_ack_queued_then_sent_once(self):
        path = harness.fixture(FIXTURE)
        sender = harness.envelope(path)[0]
        down = self.write_config("phieu-smtp-down.conf", smtp_port=harness.closed_port())
        self.ms.send(path)
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)

        # --- SMTP unreachable: stored, queued, exit 75
        p = self.once(expect=harness.EX_TEMPFAIL, conf=down)
        listed = self.requests(conf=down)
        self.assertEqual(len(listed), 1, f"requests: {listed}")
        self.assertEqual(listed[0]["state"], "received", "acknowledged without an ack sent")
        everything = self.outbox(conf=down)
        # the staff notice of the new request waits with the ack
        self.assertEqual(sorted(o["kind"] for o in everything), ["ack", "notice"])
        self.assertTrue(all(o["state"] == "queued" for o in everything), f"outbox: {everything}")
        queued = [o for o in everything if o["kind"] == "ack"]
        self.assertEqual(len(queued), 1, f"outbox: {queued}")
        self.assertEqual(queued[0]["state"], "queued", f"outbox: {queued}")
        self.assertEqual(queued[0]["to"], [sender])
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 1,
                         "the request was stored but the original not marked")
        self.assertEqual(self.ms.count(sender), 0)
        self.assertIn("outbox", p.stderr, "nothing logged about the queued message")

        # --- still down on a second run: still queued, still 75, nothing sent twice later
        self.once(expect=harness.EX_TEMPFAIL, conf=down)
        self.assertEqual(len(self.outbox(conf=down)), 2)

        # --- SMTP back: the ack goes out now, the run exits 0
        self.once(expect=0)
        sent = self.outbox()
        self.assertEqual(len(sent), 2, f"outbox: {sent}")
        self.assertTrue(all(o["state"] == "sent" for o in sent), f"outbox: {sent}")
        self.assertEqual(self.requests()[0]["state"], "acknowledged")
        self.ms.wait_delivered(sender, 1)
        ack = self.ms.fetch(sender)[0]
        self.assertEqual(harness.ack_number(ack["subject"]), listed[0]["id"])
        self.assertEqual(harness.strip_id(ack["in_reply_to"]),
                         harness.strip_id(harness.message_id(path)))

        # --- exactly once, also after another run
        self.once(expect=0)
        self.assert_no_new_mail({sender: 1})
        self.assertEqual(self.outbox(), sent)

    def test_deferred_ack_waits_for_its_backoff(self):
        path = harness.fixture(FIXTURE)
        sender = harness.envelope(path)[0]
        fake = start_tempfail_server()
        self.addCleanup(fake.server_close)
        self.addCleanup(fake.shutdown)
        deferring = self.write_config("phieu-smtp-451.conf", smtp_port=fake.server_address[1],
                                      extra="retry_min = 3;\nretry_max = 60;\n")
        self.ms.send(path)
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)

        # --- 451 at RCPT: deferred with a backoff of retry_min (3 s)
        self.once(expect=harness.EX_TEMPFAIL, conf=deferring)
        deferred_at = time.monotonic()
        everything = self.outbox()
        # one RCPT tried per queued message (the staff notice, then the ack)
        self.assertEqual(fake.rcpts, len(everything), "the fake server saw no RCPT")
        queued = [o for o in everything if o["kind"] == "ack"]
        self.assertEqual([(o["state"], o["attempts"]) for o in queued], [("queued", 1)],
                         f"outbox: {queued}")
        self.assertIn("451", queued[0]["last_error"] or "", f"outbox: {queued}")

        # --- the right server at once: not due yet, stays queued
        p = self.phieud("--once")
        if time.monotonic() - deferred_at < 2.0:
            self.assertEqual(p.returncode, harness.EX_TEMPFAIL,
                             f"an ack sent before its backoff:\n{p.stderr}")
            self.assertEqual([o["state"] for o in self.outbox() if o["kind"] == "ack"],
                             ["queued"])
            self.assertEqual(self.ms.count(sender), 0)
        else:  # a slow machine: the backoff may be over already, nothing to check
            print("note: machine too slow to check the backoff window")

        # --- past the backoff: sent, exactly once
        time.sleep(3.5)
        self.once(expect=0)
        self.assertEqual([o["state"] for o in self.outbox() if o["kind"] == "ack"], ["sent"])
        self.ms.wait_delivered(sender, 1)
        self.once(expect=0)
        self.assert_no_new_mail({sender: 1})


if __name__ == "__main__":
    harness.main()
