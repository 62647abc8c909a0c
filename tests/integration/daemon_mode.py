#!/usr/bin/env python3
"""daemon_mode.py - phieud as a daemon: IDLE pick-up, SIGHUP reloads, SIGTERM.

phieud runs in the background (no --once) with poll_interval = 60 s, so that
anything picked up sooner than a minute was picked up through IDLE.  Requests
are submitted to the private Postfix with smtplib from the test itself: the
clock of a request starts when Postfix has answered 250 to its content.

  test_idle_pickup_and_sigterm
      a request to pkt-iid@, then one to admin@ (another session), each
      acknowledged well before the next poll; SIGTERM: exit 0 within 5 s.
  test_idle_one_after_another
      five requests to the SAME mailbox, each mailed once the previous one was
      acknowledged: each is acknowledged (state "acknowledged" AND the
      acknowledgement in the sender's maildir) within ACK_BUDGET s of being
      accepted by Postfix.  After a batch the daemon must search once more and
      go back into IDLE; one that does not leaves the next mail for the poll.
  test_idle_burst
      the same with five requests sent one second apart, without waiting.
  test_sighup_new_template_and_rules
      templates copied into the test's directory; after the daemon started,
      the acknowledgement templates get a marker in their subject and the rules
      file a new label for the contact's name; SIGHUP, "reloaded" logged: the
      next request's acknowledgement carries the marker and its contact is read
      under the new label (the request before had neither).
  test_sighup_broken_keeps_old
      a reload that fails keeps the daemon running on what it had: (a) an
      unknown key in phieu.conf, (b) a template whose first line is not
      "Subject:", (c) a rules file with a label for no known field.  Each time
      the change also carries a new template marker: the daemon logs
      FILE:LINE: key: problem (or the template's error), stays up, and the
      next request is acknowledged with the OLD subject (and, for (c), still
      read with the old rules' label); once the file is fixed, SIGHUP makes
      the new one take effect.
  test_sigterm_mid_send
      an SMTP fault proxy holds Postfix's answer to the content of the first
      acknowledgement (hold_data_reply, 30 s); a second request's reply waits
      behind it.  SIGTERM: exit 0 within STOP_BUDGET s.  Started again straight
      at Postfix, phieud sends the interrupted acknowledgement again (its row
      counts interrupted >= 1) and everything else: every outbox row is sent,
      every recipient has every reply, and only the interrupted one may have
      arrived twice (with the same Message-ID).

  test_status_health
      phieuctl status (exit 0 ok, 1 warning, 2 critical) of a running daemon
      whose SMTP server cannot be reached: healthy once every mailbox is in
      IDLE (0); a reply queued (0 while young; 1 once it has waited over an
      hour, its queued_at moved back in the database); the mail server
      stopped: the mailboxes fail, warning (1), then critical (2) after
      stale_after (10 s here); metrics say the same in Prometheus text.

phieuctl is given a configuration of its own (same database): the daemon's is
broken on purpose in test_sighup_broken_keeps_old.  The daemon runs with
--trace imap,smtp; its log says "NAME: waiting in IDLE" when a session is back
in IDLE, which the tests wait for before they mail.  PHIEU_IT_BASEPORT
overrides the base port of the private mail server.
"""

import email
import email.message
import json
import sqlite3
import email.policy
import email.utils
import os
import re
import shutil
import signal
import smtplib
import subprocess
import time

import harness
from harness import IntegrationCase
from faultproxy import FaultProxy

IDLE_BUDGET = 20     # seconds; the next poll would come after 60
ACK_BUDGET = 5       # seconds from Postfix's 250 to the acknowledgement in the maildir
STOP_BUDGET = 5      # seconds from SIGTERM to exit
RELOAD_BUDGET = 10   # seconds from SIGHUP to the log line about it
SEND_BUDGET = 30     # seconds for the outbox to drain after the restart
POLL_STEP = 0.1      # seconds between looks while waiting

DOMAIN = "cangdanang.com.vn"      # the senders of the generated requests
# one more label for the contact's name, which label_mail() uses
LABEL_RULES = 'labels = {\n  contact_name = [ "Cán bộ đầu mối" ];\n};\n'
CONTACT = "Trần Đình Khoa"


class DaemonMode(IntegrationCase):
    BASEPORT = int(os.environ.get("PHIEU_IT_BASEPORT", "10640"))
    EXTRA_CONFIG = "poll_interval = 60;\n"

    def setUp(self):
        super().setUp()
        self.logs = []          # every daemon log of the test, for diagnostics
        self.serial = 0
        # phieuctl reads a configuration of its own: the daemon's may be broken on purpose
        self.ctl_conf = self.write_config(name="ctl.conf")

    def ctl_json(self, *args, conf=None):
        return super().ctl_json(*args, conf=conf or self.ctl_conf)

    # ---- the daemon -------------------------------------------------------------

    def start_daemon(self, conf=None):
        """Start phieud in the background, its log in WORK/phieud-N.log."""
        self.log_path = os.path.join(self.work, f"phieud-{len(self.logs) + 1}.log")
        self.logs.append(self.log_path)
        log = open(self.log_path, "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([harness.PHIEUD, "-c", conf or self.conf, "--trace", "imap,smtp"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.kill_daemon, proc)
        return proc

    def kill_daemon(self, proc):
        """Make sure the daemon is gone after the test, whatever happened."""
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    def settle(self, proc):
        """Wait for the start and the first look at the mailboxes."""
        self.wait_for_log("started")
        self.wait_for_log("waiting in IDLE", budget=15, count=len(harness.MAILBOXES))
        self.assertIsNone(proc.poll(), f"phieud exited early:\n{self.daemon_log()}")

    def stop_daemon(self, proc):
        """SIGTERM: exit 0 within STOP_BUDGET; returns the seconds it took."""
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(STOP_BUDGET)
        except subprocess.TimeoutExpired:
            self.fail(f"phieud still running {STOP_BUDGET} s after SIGTERM")
        took = time.monotonic() - started
        self.assertEqual(rc, 0, f"phieud exited {rc} on SIGTERM:\n{self.daemon_log()}")
        self.assertIn("stopping", self.daemon_log())
        return took

    def daemon_log(self, path=None, since=0):
        """The daemon's log (from byte offset since)."""
        return self.log_bytes(path)[since:].decode("utf-8", errors="replace")

    def log_bytes(self, path=None):
        with open(path or self.log_path, "rb") as f:
            return f.read()

    def diagnostics(self):
        text = super().diagnostics()
        for path in reversed(getattr(self, "logs", [])):
            if os.path.exists(path):
                text = f"----- {path}\n{self.daemon_log(path)}\n{text}"
        return text

    def wait_for_log(self, text, budget=10, since=0, count=1):
        """Wait until the daemon's log, from byte offset since, has text count
        times; returns the part of the log after since."""
        deadline = time.monotonic() + budget
        while True:
            tail = self.daemon_log(since=since)
            if tail.count(text) >= count:
                return tail
            if time.monotonic() > deadline:
                self.fail(f"phieud did not log {text!r} (x{count}) within {budget} s")
            time.sleep(POLL_STEP)

    def sighup(self, proc, expect):
        """SIGHUP, then wait for the log line with expect; returns the new log lines."""
        since = len(self.log_bytes())
        proc.send_signal(signal.SIGHUP)
        tail = self.wait_for_log(expect, budget=RELOAD_BUDGET, since=since)
        if expect == "reloaded":
            # new sessions: all in IDLE again before the next mail
            after = since + self.log_bytes()[since:].index(b"reloaded")
            self.wait_for_log("waiting in IDLE", budget=15, since=after,
                              count=len(harness.MAILBOXES))
            tail = self.daemon_log(since=since)
        self.assertIsNone(proc.poll(), f"phieud exited on SIGHUP:\n{self.daemon_log()}")
        return tail

    # ---- mail -------------------------------------------------------------------

    def mail_from_fixture(self, local, fixture="05-server_room.eml"):
        """A copy of a fixture from local@DOMAIN, with a Message-ID of its own."""
        self.serial += 1
        with open(harness.fixture(fixture), "rb") as f:
            raw = f.read()
        old = harness.envelope(harness.fixture(fixture))[0].encode()
        raw = raw.replace(old, f"{local}@{DOMAIN}".encode())
        mid = f"<daemon-mode-{self.serial}-{local}-{os.getpid()}@{DOMAIN}>"
        raw = re.sub(rb"(?mi)^Message-ID:.*$", f"Message-ID: {mid}".encode(), raw, count=1)
        return raw

    def label_mail(self, local):
        """A request naming its contact under a label only LABEL_RULES knows."""
        self.serial += 1
        body = ("Kính gửi Trung tâm,\n\n"
                "Đề nghị Trung tâm cử cán bộ sửa camera hành lang tầng 3.\n\n"
                "Tên cơ quan, đơn vị: Cảng Đà Nẵng\n"
                f"Cán bộ đầu mối: {CONTACT}\n"
                "Di động: 0913 482 650\n"
                f"Email: {local}@{DOMAIN}\n\n"
                "Trân trọng,\n")
        msg = email.message.EmailMessage(policy=email.policy.SMTP)
        msg["From"] = f"Tran Dinh Khoa <{local}@{DOMAIN}>"
        msg["To"] = "pkt-iid@danang.gov.vn"
        msg["Subject"] = "Đề nghị sửa camera hành lang tầng 3"
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["Message-ID"] = f"<daemon-mode-{self.serial}-{local}-{os.getpid()}@{DOMAIN}>"
        msg.set_content(body)
        return msg.as_bytes()

    def submit(self, raw, to="pkt-iid@danang.gov.vn"):
        """Hand a message to Postfix; returns the monotonic time of its 250."""
        sender = email.utils.parseaddr(
            email.message_from_bytes(raw, policy=email.policy.default)["From"])[1]
        data = re.sub(rb"\r?\n", b"\r\n", raw)
        with smtplib.SMTP("127.0.0.1", self.ms.smtp_port, timeout=30) as s:
            s.sendmail(sender, [to], data)
            return time.monotonic()

    def maildir(self, address):
        """The messages delivered to address, parsed (headers and body)."""
        local, _, domain = address.lower().partition("@")
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.ms.dir, "mail", domain, local, sub)
            try:
                names = sorted(os.listdir(d))
            except FileNotFoundError:
                continue
            for n in names:
                try:
                    with open(os.path.join(d, n), "rb") as f:
                        out.append(email.message_from_binary_file(f, policy=email.policy.default))
                except FileNotFoundError:   # moved from new to cur meanwhile
                    pass
        return out

    def wait_acks(self, accepted, budget, to_send=()):
        """accepted: {sender: monotonic time of Postfix's 250}; to_send: (at, sender,
        raw) to submit at monotonic time at, meanwhile.  Wait until each sender's
        request is acknowledged and the acknowledgement is in its maildir; returns
        {sender: seconds from the 250} (None: not within budget of the 250)."""
        accepted = dict(accepted)
        to_send = sorted(to_send, key=lambda x: x[0])
        took = {s: None for s in list(accepted) + [s for _, s, _ in to_send]}
        while True:
            while to_send and time.monotonic() >= to_send[0][0]:
                _, sender, raw = to_send.pop(0)
                accepted[sender] = self.submit(raw)
            states = {r["sender"]: r["state"] for r in self.requests()}
            now = time.monotonic()
            for s, t0 in accepted.items():
                if took[s] is None and states.get(s) == "acknowledged" and self.maildir(s):
                    took[s] = now - t0
            if not to_send and (all(v is not None for v in took.values()) or
                                now > max(accepted.values()) + budget):
                return took
            time.sleep(POLL_STEP)

    def request_of(self, sender):
        mine = [r for r in self.requests() if r["sender"] == sender]
        self.assertEqual(len(mine), 1, f"requests from {sender}: {mine}")
        return mine[0]

    def contact(self, req):
        """The contact's name phieu read for a request (None: not read)."""
        return (self.show(req["id"]).get("fields") or {}).get("contact_name")

    def ack_subject(self, sender):
        """The subject of the one reply sender got (its request's number checked)."""
        got = self.maildir(sender)
        self.assertEqual(len(got), 1, f"{sender} got {len(got)} replies")
        subject = str(got[0]["Subject"])
        self.assertEqual(harness.ack_number(subject), self.request_of(sender)["id"], subject)
        return subject

    def request_acked(self, raw, local):
        """Submit, wait for the acknowledgement; returns (subject, request)."""
        sender = f"{local}@{DOMAIN}"
        took = self.wait_acks({sender: self.submit(raw)}, IDLE_BUDGET)[sender]
        self.assertIsNotNone(took, f"{sender} not acknowledged within {IDLE_BUDGET} s")
        return self.ack_subject(sender), self.request_of(sender)

    # ---- templates and rules --------------------------------------------------------

    def private_templates(self, rules):
        """Templates copied into WORK/templates, rules in WORK/rules.conf; the
        configuration rewritten to use them."""
        self.tdir = os.path.join(self.work, "templates")
        shutil.copytree(os.path.join(harness.SRCDIR, "config", "templates"), self.tdir)
        self.rules = os.path.join(self.work, "rules.conf")
        self.write_rules(rules)
        self.extra = (self.EXTRA_CONFIG + f'templates = "{self.tdir}";\n'
                      'rules = "rules.conf";\n')
        self.conf = self.write_config(extra=self.extra)

    def write_rules(self, text):
        with open(self.rules, "w", encoding="utf-8") as f:
            f.write("# rules of daemon_mode.py\n" + text)

    def ack_template(self):
        return os.path.join(self.tdir, "ack.vi.txt")

    def set_ack_subject(self, marker=None, broken=False):
        """Rewrite the first line of the acknowledgements' templates (ack.vi.txt,
        and ack_unknown.vi.txt for requests of no known type): a marker word after
        the tag, or (broken) ack.vi.txt's first line not "Subject:"."""
        for name in ("ack", "ack_unknown"):
            with open(os.path.join(harness.SRCDIR, "config", "templates", f"{name}.vi.txt"),
                      encoding="utf-8") as f:
                first, rest = f.read().split("\n", 1)
            self.assertTrue(first.startswith("Subject: [{{prefix}} #{{number}}] "), first)
            if marker:
                first = first.replace("] ", f"] {marker} ", 1)
            if broken and name == "ack":
                first = "Tiêu đề" + first[len("Subject"):]
            with open(os.path.join(self.tdir, f"{name}.vi.txt"), "w", encoding="utf-8") as f:
                f.write(first + "\n" + rest)

    # ---- the tests ------------------------------------------------------------

    def test_idle_pickup_and_sigterm(self):
        proc = self.start_daemon()
        self.settle(proc)
        self.assertEqual(self.requests(), [])

        first = harness.fixture("05-server_room.eml")
        sender = harness.envelope(first)[0]
        t0 = time.monotonic()
        self.ms.send(first)
        took = self.wait_acks({sender: t0}, IDLE_BUDGET)[sender]
        self.assertIsNotNone(took, f"no acknowledgement within {IDLE_BUDGET} s")
        ack = self.ms.fetch(sender)[0]
        self.assertEqual(harness.ack_number(ack["subject"]), self.requests()[0]["id"])

        second = harness.fixture("03-mailbox_change.eml")       # to admin@, another session
        sender2 = harness.envelope(second)[0]
        t0 = time.monotonic()
        self.ms.send(second)
        took2 = self.wait_acks({sender2: t0}, IDLE_BUDGET)[sender2]
        self.assertIsNotNone(took2, f"no acknowledgement within {IDLE_BUDGET} s")
        self.assertEqual(len(self.requests()), 2)
        print(f"picked up in {took:.1f} s and {took2:.1f} s (poll_interval 60 s)")
        self.stop_daemon(proc)

    def check_times(self, what, took):
        line = ", ".join("-" if t is None else f"{t:.1f}" for t in took.values())
        print(f"{what}: acknowledged {line} s after Postfix's 250 (budget {ACK_BUDGET} s)")
        late = {s: t for s, t in took.items() if t is None or t > ACK_BUDGET}
        self.assertEqual(late, {}, f"{what}: not acknowledged within {ACK_BUDGET} s "
                         f"(None: not within {ACK_BUDGET + IDLE_BUDGET} s)")

    def status(self, expect, conf):
        """phieuctl status --json, expecting an exit status; the report."""
        p = harness.run([harness.PHIEUCTL, "-c", conf, "status", "--json"])
        self.assertEqual(p.returncode, expect, f"status exited {p.returncode}, expected {expect}:"
                         f"\n{p.stdout}{p.stderr}\n{self.daemon_log()}")
        return json.loads(p.stdout)

    def test_status_health(self):
        conf = self.write_config(name="nosmtp.conf", smtp_port=9)
        ctl = self.write_config(name="status.conf", extra=self.EXTRA_CONFIG + "stale_after = 10;\n")
        proc = self.start_daemon(conf)
        self.settle(proc)
        report = self.status(0, ctl)
        self.assertEqual(report["level"], "ok")
        self.assertTrue(report["daemon"]["running"])
        self.assertEqual([b["name"] for b in report["mailboxes"]], [n for n, _ in harness.MAILBOXES])
        for b in report["mailboxes"]:
            self.assertTrue(b["idle"], b)
            self.assertIsNotNone(b["last_ok"], b)

        # a request whose acknowledgement cannot be sent: queued, young: still ok
        self.ms.send(harness.fixture("05-server_room.eml"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and self.status(0, ctl)["outbox"]["queued"] == 0:
            time.sleep(0.5)
        report = self.status(0, ctl)
        self.assertGreaterEqual(report["outbox"]["queued"], 1)
        # ... waiting for more than an hour: a warning
        with sqlite3.connect(os.path.join(self.work, "phieu.db")) as db:
            db.execute("UPDATE outbox SET queued_at = queued_at - 7200 WHERE state = 'queued'")
        report = self.status(1, ctl)
        self.assertEqual(report["level"], "warning")
        self.assertTrue(any("waited in the outbox" in p for p in report["problems"]), report)

        # the mail server stopped: the mailboxes fail, then for longer than stale_after
        self.ms.stop()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 10:
            report = self.status(1, ctl)
            if all(b["failing_since"] for b in report["mailboxes"]):
                break
            time.sleep(0.5)
        self.assertTrue(all(b["level"] == "warning" for b in report["mailboxes"]), report)
        time.sleep(11)
        report = self.status(2, ctl)
        self.assertEqual(report["level"], "critical")
        for b in report["mailboxes"]:
            self.assertEqual(b["level"], "critical", b)
            self.assertIn("failing for", b["problems"][0])
        p = harness.run([harness.PHIEUCTL, "-c", ctl, "metrics"])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('phieu_mailbox_level{mailbox="pkt-iid"} 2', p.stdout)
        self.assertIn("phieu_health_level 2", p.stdout)
        self.assertRegex(p.stdout, r"phieu_outbox_queued [1-9]")
        self.stop_daemon(proc)

    def test_idle_one_after_another(self):
        proc = self.start_daemon()
        self.settle(proc)
        took = {}
        for i in range(1, 6):
            local = f"seq{i}"
            sender = f"{local}@{DOMAIN}"
            t0 = self.submit(self.mail_from_fixture(local))
            took.update(self.wait_acks({sender: t0}, ACK_BUDGET + IDLE_BUDGET))
            if took[sender] is None:
                break       # later ones would tell nothing more
            self.ack_subject(sender)
        self.check_times("one after another", took)
        self.assertEqual(len(self.requests()), 5)
        self.assertIsNone(proc.poll(), "phieud exited")

    def test_idle_burst(self):
        proc = self.start_daemon()
        self.settle(proc)
        # one second apart, without waiting for the acknowledgements
        start = time.monotonic()
        to_send = [(start + i - 1, f"burst{i}@{DOMAIN}", self.mail_from_fixture(f"burst{i}"))
                   for i in range(1, 6)]
        took = self.wait_acks({}, ACK_BUDGET + IDLE_BUDGET, to_send)
        self.check_times("1 s apart", took)
        for _, sender, _ in to_send:
            self.ack_subject(sender)
        self.assertEqual(len(self.requests()), 5)
        self.assertIsNone(proc.poll(), "phieud exited")

    def test_sighup_new_template_and_rules(self):
        self.private_templates("")
        proc = self.start_daemon()
        self.settle(proc)

        # before: the original subject, and the contact's label not known
        subject, req = self.request_acked(self.label_mail("hup0"), "hup0")
        self.assertNotIn("HUPMARK", subject)
        self.assertNotEqual(self.contact(req), CONTACT)

        self.set_ack_subject("HUPMARK")
        self.write_rules(LABEL_RULES)
        self.sighup(proc, "reloaded")

        subject, req = self.request_acked(self.label_mail("hup1"), "hup1")
        self.assertIn("HUPMARK", subject, "the reloaded template is not in use")
        self.assertEqual(self.contact(req), CONTACT, "the reloaded rules are not in use")
        print(f"after SIGHUP: {subject}; contact_name {self.contact(req)!r}")
        self.stop_daemon(proc)

    def refused(self, proc, problem):
        """SIGHUP with a broken file: the refusal with problem is logged, nothing
        reloaded, the daemon still up."""
        tail = self.sighup(proc, "reload refused")
        lines = [ln for ln in tail.splitlines() if "reload refused" in ln]
        self.assertTrue(any(problem in ln for ln in lines),
                        f"expected {problem!r} in the refusal; logged:\n" + "\n".join(lines))
        self.assertNotIn("reloaded:", tail)
        print("refused:", lines[0].split("running on as before: ", 1)[-1])

    def test_sighup_broken_keeps_old(self):
        self.private_templates(LABEL_RULES)
        proc = self.start_daemon()
        self.settle(proc)
        original = "Đã tiếp nhận yêu cầu"

        # (a) an unknown key in the configuration (and a new template subject)
        self.set_ack_subject("MARKA")
        with open(self.conf, encoding="utf-8") as f:
            line = len(f.read().splitlines()) + 1
        with open(self.conf, "a", encoding="utf-8") as f:
            f.write("no_such_key = 1;\n")
        self.refused(proc, f"{self.conf}:{line}: no_such_key: unknown key")
        subject, _ = self.request_acked(self.mail_from_fixture("brokena"), "brokena")
        self.assertNotIn("MARKA", subject, "a refused reload changed the templates")
        self.assertIn(original, subject)
        self.conf = self.write_config(extra=self.extra)
        self.sighup(proc, "reloaded")
        subject, _ = self.request_acked(self.mail_from_fixture("fixeda"), "fixeda")
        self.assertIn("MARKA", subject, "the fixed configuration did not take effect")

        # (b) a template whose first line is not "Subject:"
        self.set_ack_subject("MARKB", broken=True)
        self.refused(proc, f"template {self.ack_template()}: the first line must be")
        subject, _ = self.request_acked(self.mail_from_fixture("brokenb"), "brokenb")
        self.assertIn("MARKA", subject, "a refused reload changed the templates")
        self.set_ack_subject("MARKB")
        self.sighup(proc, "reloaded")
        subject, _ = self.request_acked(self.mail_from_fixture("fixedb"), "fixedb")
        self.assertIn("MARKB", subject, "the fixed template did not take effect")

        # (c) a rules file with a label for no known field, without LABEL_RULES' label
        self.set_ack_subject("MARKC")
        self.write_rules('labels = {\n  no_such_field = [ "Ô trống" ];\n};\n')
        self.refused(proc, f"{self.rules}:3: labels.no_such_field: no field or list column")
        subject, req = self.request_acked(self.label_mail("brokenc"), "brokenc")
        self.assertEqual(self.contact(req), CONTACT, "a refused reload changed the rules")
        self.assertIn("MARKB", subject, "a refused reload changed the templates")
        self.write_rules('labels = {\n  location = [ "Vị trí lắp đặt" ];\n};\n')
        self.sighup(proc, "reloaded")
        subject, req = self.request_acked(self.label_mail("fixedc"), "fixedc")
        self.assertNotEqual(self.contact(req), CONTACT, "the fixed rules did not take effect")
        self.assertNotIn("MARKB", subject)
        self.stop_daemon(proc)

    def test_sigterm_mid_send(self):
        proxy = FaultProxy("smtp", ("127.0.0.1", self.ms.smtp_port)).start()
        self.addCleanup(proxy.stop)
        # the acknowledgement to held@ is the one held (the staff notice before it passes)
        proxy.set_rules([{"fault": "hold_data_reply", "seconds": 30, "rcpt": "held@"}])
        proxied = self.write_config(name="proxied.conf", smtp_port=proxy.port)
        proc = self.start_daemon(proxied)
        self.settle(proc)

        first, second = f"held@{DOMAIN}", f"waiting@{DOMAIN}"
        self.submit(self.mail_from_fixture("held"))
        deadline = time.monotonic() + IDLE_BUDGET
        while proxy.stats()["held"] < 1:
            if time.monotonic() > deadline:
                self.fail("no reply reached the proxy")
            time.sleep(POLL_STEP)
        # a second request whose reply waits behind the one in progress
        self.submit(self.mail_from_fixture("waiting"))
        deadline = time.monotonic() + IDLE_BUDGET
        while len(self.requests()) < 2:
            if time.monotonic() > deadline:
                self.fail("the second request was not stored")
            time.sleep(POLL_STEP)
        before = self.outbox()
        self.assertEqual(proxy.stats()["held"], 1)
        sending = [o for o in before if o["state"] == "sending"]
        self.assertEqual([(o["kind"], o["to"]) for o in sending], [("ack", [first])], before)
        self.assertEqual(self.request_of(first)["state"], "received")

        took = self.stop_daemon(proc)
        print(f"stopped {took:.1f} s after SIGTERM with a send in progress")
        self.assertIn("is being sent", self.daemon_log())
        proxy.stop()

        proc = self.start_daemon(self.conf)     # straight at Postfix
        self.wait_for_log("started")
        deadline = time.monotonic() + SEND_BUDGET
        while True:
            rows = self.outbox()
            if rows and all(o["state"] == "sent" for o in rows) and \
                    all(r["state"] == "acknowledged" for r in self.requests()):
                break
            if time.monotonic() > deadline:
                self.fail("outbox not sent: " + ", ".join(
                    f"{o['kind']} to {o['to']}: {o['state']}" for o in rows))
            time.sleep(POLL_STEP * 3)
        self.assertEqual(len(self.requests()), 2)
        held_ids = {o["id"] for o in before if o["state"] == "sending"}
        for o in rows:
            if o["id"] in held_ids:
                self.assertGreaterEqual(o["interrupted"], 1, f"interrupted row not counted: {o}")
        self.assertIn("again after an interruption", self.daemon_log())

        # every reply arrives; only the interrupted one may arrive twice
        def copies():
            """{(outbox id, recipient): copies with the row's Message-ID delivered}"""
            out = {}
            for o in rows:
                mid = harness.strip_id(o["message_id"])
                for rcpt in o["to"]:
                    out[(o["id"], rcpt)] = sum(
                        1 for m in self.maildir(rcpt)
                        if harness.strip_id(str(m["Message-ID"])) == mid)
            return out
        deadline = time.monotonic() + harness.DELIVERY_TIMEOUT
        while min(copies().values()) < 1:
            if time.monotonic() > deadline:
                self.fail(f"replies missing: {copies()}")
            time.sleep(POLL_STEP * 3)
        time.sleep(harness.QUIET_WAIT)
        got = copies()
        twice = {k: n for k, n in got.items() if n > 1}
        print("outbox after the restart: " + ", ".join(
            f"{o['kind']} to {','.join(o['to'])} interrupted={o['interrupted']}" for o in rows))
        print(f"arrived more than once: {twice}")
        self.assertTrue(all(n <= 2 for n in got.values()), got)
        self.assertLessEqual(len({oid for oid, _ in twice}), 1, got)
        self.assertTrue({oid for oid, _ in twice} <= held_ids, got)
        self.assertEqual(len(self.maildir(second)), 1)
        self.assertIn(len(self.maildir(first)), (1, 2))
        self.stop_daemon(proc)


if __name__ == "__main__":
    harness.main()
