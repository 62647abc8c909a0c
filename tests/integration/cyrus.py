#!/usr/bin/env python3
"""cyrus.py - phieud against Cyrus IMAP 3.6 instead of Dovecot, default settings.

Each test starts a private Cyrus (tests/mailserver/cyrus.sh, through mailsrv.sh
with MAILSRV_IMAP=cyrus) behind the private Postfix, with Debian's namespace
defaults: altnamespace no, unixhierarchysep no, so a folder below INBOX is
"INBOX.Phieu", and virtdomains userid.  phieu's configuration is the harness's
default (mark = "flag", keyword $PhieuDone).  Skipped when the Cyrus programs
are not there (scripts/deps.sh unpacks them).

  CyrusEndToEnd.test_requests_acknowledged_once
      e2e.py's test as it is: the six fixtures stored, acknowledged, marked
      $PhieuDone on the server; a second `phieud --once` does nothing.
  CyrusServer.test_mark_move
      mark = "move", mark_folder = "Phieu": phieud finds Cyrus's personal prefix
      "INBOX." (NAMESPACE); the originals leave INBOX for INBOX.Phieu (created
      by phieud), marked there too; a second run does nothing.
  CyrusServer.test_check_servers
      `phieud -n --check-servers`: every check ok on Cyrus, the move folder
      "Phieu" named INBOX.Phieu, the test keyword left nowhere.
  CyrusServer.test_idle_one_after_another
      phieud as a daemon (poll_interval 60): five requests mailed to pkt-iid@
      one after another, each as soon as the previous one was acknowledged, a
      second apart at the least: each acknowledged (state and the reply in the
      sender's INBOX) within 5 s of Postfix's 250, through IDLE (idled).
  CyrusServer.test_inbox_deleted_under_idle
      phieud as a daemon in IDLE on pkt-iid's INBOX; the admin deletes the
      INBOX and makes it again: the next request is still acknowledged within
      IDLE_BUDGET s (the session is dropped or told, phieud reconnects on the
      backoff it logs), and phieud keeps running.
  CyrusServer.test_uidvalidity_change
      after a run, pkt-iid's INBOX is deleted by the admin and made again (a new
      UIDVALIDITY) and the same mails appended again, unmarked, as a restore
      would: phieud logs the change, reads the folder again, recognises every
      message as a copy (a "copy" event in its request's history), makes no
      request and sends no reply, and marks them.
"""

import imaplib
import os
import re
import signal
import smtplib
import subprocess
import time
import email.policy
import email.utils

import harness
from harness import IntegrationCase
import e2e

BASEPORT = 13500
IDLE_BUDGET = 20     # seconds; the next poll would come after 60
ACK_BUDGET = 5       # seconds from Postfix's 250 to the acknowledgement in the INBOX
POLL_STEP = 0.1
DOMAIN = "cangdanang.com.vn"
FOLDER = "INBOX.Phieu"
ADMIN = "cyrus"


class CyrusEndToEnd(e2e.EndToEnd):
    """e2e.py's end-to-end test, against Cyrus."""
    BASEPORT = BASEPORT
    IMAP_SERVER = "cyrus"


class CyrusServer(IntegrationCase):
    BASEPORT = BASEPORT
    IMAP_SERVER = "cyrus"

    # ---- helpers ---------------------------------------------------------------

    def imap(self, user):
        """A logged-in imaplib session as user."""
        c = imaplib.IMAP4("127.0.0.1", self.ms.imap_port, timeout=30)
        c.login(user, harness.PASSWORD)
        self.addCleanup(self.logout, c)
        return c

    @staticmethod
    def logout(c):
        try:
            c.logout()
        except (OSError, imaplib.IMAP4.error):
            pass

    def send_fixtures(self, names):
        """Send fixtures through Postfix; wait for each polled box's share."""
        per_box = {}
        for name in names:
            path = harness.fixture(name)
            self.ms.send(path)
            for rcpt in harness.envelope(path)[1]:
                per_box[rcpt] = per_box.get(rcpt, 0) + 1
        for user, n in per_box.items():
            self.ms.wait_delivered(user, n)
        return per_box

    def count(self, user, folder="INBOX", keyword=None):
        args = ["count", "--user", user, "--folder", folder]
        if keyword:
            args += ["--keyword", keyword]
        return int(self.ms.mailtool(*args).strip())

    def sender_counts(self):
        """Messages in the INBOX of each fixture's sender."""
        senders = [harness.envelope(harness.fixture(n))[0] for n in e2e.EXPECTED]
        return {s: self.count(s) for s in senders}

    # ---- (b) mark = "move" -----------------------------------------------------------

    def test_mark_move(self):
        # the name as an operator writes it; phieud finds Cyrus's INBOX. prefix
        # (NAMESPACE) and moves into FOLDER
        self.conf = self.write_config(extra='mark = "move";\nmark_folder = "Phieu";\n')
        per_box = self.send_fixtures(e2e.EXPECTED)
        self.once(expect=0)
        listed = self.requests()
        self.assertEqual(len(listed), len(e2e.EXPECTED), f"requests: {listed}")
        self.assertTrue(all(r["state"] == "acknowledged" for r in listed), f"requests: {listed}")
        for user, n in per_box.items():
            with self.subTest(mailbox=user):
                self.assertEqual(self.count(user), 0, f"{user}: originals left in INBOX")
                self.assertEqual(self.count(user, FOLDER), n, f"{user}: {FOLDER}")
                self.assertEqual(self.count(user, FOLDER, "$PhieuDone"), n,
                                 f"{user}: not all moved messages carry $PhieuDone")
                c = self.imap(user)
                typ, data = c.list('""', "INBOX*")
                self.assertEqual(typ, "OK")
                names = [d.decode() for d in data if d]
                self.assertTrue(any(n.endswith(f' "{FOLDER}"') or n.endswith(f" {FOLDER}")
                                    for n in names), f"{user}: LIST shows {names}")
        acks = self.sender_counts()
        self.assertEqual(set(acks.values()), {1}, f"acknowledgements per sender: {acks}")
        outbox = self.outbox()
        self.once(expect=0)
        self.assertEqual(self.requests(), listed, "the second run changed the requests")
        self.assertEqual(self.outbox(), outbox, "the second run changed the outbox")
        for user, n in per_box.items():
            self.assertEqual((self.count(user), self.count(user, FOLDER)), (0, n), user)

    def test_check_servers(self):
        conf = self.write_config("phieu-check.conf", extra='mark = "move";\n')
        self.ms.send(harness.fixture("04-subdomain.eml"))
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)
        p = self.phieud("-n", "--check-servers", conf=conf, expect=0)
        self.assertRegex(p.stdout, r"pkt-iid +UID STORE \+/-\$PhieuCheck on UID 1 +ok")
        self.assertRegex(p.stdout, r"pkt-iid +mark_folder Phieu +ok: INBOX\.Phieu on this "
                         r"server, created at the first move")
        self.assertNotIn("FAILED", p.stdout)
        flag = self.write_config("phieu-check-flag.conf")
        p = self.phieud("-n", "--check-servers", conf=flag, expect=0)
        self.assertRegex(p.stdout, r"admin +PERMANENTFLAGS keep \$PhieuDone +ok")
        self.assertEqual(self.count("pkt-iid@danang.gov.vn", keyword="$PhieuCheck"), 0)

    # ---- (c) IDLE ---------------------------------------------------------------

    def start_daemon(self):
        """phieud in the background (poll_interval 60), its log in WORK/phieud.log."""
        self.conf = self.write_config(extra="poll_interval = 60;\n")
        self.log_path = os.path.join(self.work, "phieud.log")
        log = open(self.log_path, "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([harness.PHIEUD, "-c", self.conf, "--trace", "imap,smtp"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.kill_daemon, proc)
        return proc

    @staticmethod
    def kill_daemon(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    def daemon_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", errors="replace")

    def diagnostics(self):
        text = super().diagnostics()
        if os.path.exists(getattr(self, "log_path", "")):
            text = f"----- {self.log_path}\n{self.daemon_log()}\n{text}"
        return text

    def wait_for_log(self, text, count=1, budget=15):
        deadline = time.monotonic() + budget
        while self.daemon_log().count(text) < count:
            if time.monotonic() > deadline:
                self.fail(f"phieud did not log {text!r} (x{count}) within {budget} s")
            time.sleep(POLL_STEP)

    def mail(self, local, serial):
        """05-server_room.eml from local@DOMAIN with a Message-ID of its own."""
        path = harness.fixture("05-server_room.eml")
        with open(path, "rb") as f:
            raw = f.read()
        raw = raw.replace(harness.envelope(path)[0].encode(), f"{local}@{DOMAIN}".encode())
        mid = f"<cyrus-{serial}-{local}-{os.getpid()}@{DOMAIN}>"
        return re.sub(rb"(?mi)^Message-ID:.*$", f"Message-ID: {mid}".encode(), raw, count=1)

    def submit(self, raw, to="pkt-iid@danang.gov.vn"):
        """Hand a message to Postfix; the monotonic time of its 250."""
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        sender = email.utils.parseaddr(str(msg["From"]))[1]
        with smtplib.SMTP("127.0.0.1", self.ms.smtp_port, timeout=30) as s:
            s.sendmail(sender, [to], re.sub(rb"\r?\n", b"\r\n", raw))
            return time.monotonic()

    def inbox_messages(self, user):
        """Messages in user's INBOX (STATUS), 0 when it does not exist yet."""
        c = imaplib.IMAP4("127.0.0.1", self.ms.imap_port, timeout=30)
        try:
            c.login(user, harness.PASSWORD)
            typ, data = c.status("INBOX", "(MESSAGES)")
            return int(re.search(rb"MESSAGES (\d+)", data[0]).group(1)) if typ == "OK" else 0
        finally:
            self.logout(c)

    def wait_ack(self, sender, t0, budget):
        """Seconds from t0 until sender's request is acknowledged and the reply
        is in its INBOX; None if not within budget."""
        while time.monotonic() < t0 + budget:
            states = {r["sender"]: r["state"] for r in self.requests()}
            if states.get(sender) == "acknowledged" and self.inbox_messages(sender) > 0:
                return time.monotonic() - t0
            time.sleep(POLL_STEP)
        return None

    def test_idle_one_after_another(self):
        proc = self.start_daemon()
        self.wait_for_log("started")
        self.wait_for_log("waiting in IDLE", count=len(harness.MAILBOXES))
        took = {}
        last = 0.0
        for i in range(1, 6):
            sender = f"seq{i}@{DOMAIN}"
            time.sleep(max(0.0, last + 1.0 - time.monotonic()))      # 1 s apart at the least
            t0 = last = self.submit(self.mail(f"seq{i}", i))
            took[sender] = self.wait_ack(sender, t0, ACK_BUDGET + IDLE_BUDGET)
            if took[sender] is None:
                break
        line = ", ".join("-" if t is None else f"{t:.1f}" for t in took.values())
        print(f"Cyrus, one after another: acknowledged {line} s after Postfix's 250 "
              f"(budget {ACK_BUDGET} s, poll_interval 60 s)")
        late = {s: t for s, t in took.items() if t is None or t > ACK_BUDGET}
        self.assertEqual(late, {}, f"not acknowledged within {ACK_BUDGET} s")
        self.assertEqual(len(self.requests()), 5)
        for i in range(1, 6):
            got = self.ms.fetch(f"seq{i}@{DOMAIN}")
            self.assertEqual(len(got), 1, f"seq{i}: {len(got)} replies")
            self.assertEqual(harness.ack_number(got[0]["subject"]),
                             [r for r in self.requests() if r["sender"] == f"seq{i}@{DOMAIN}"][0]["id"])
        self.assertIsNone(proc.poll(), "phieud exited")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(10), 0, self.daemon_log())

    def test_inbox_deleted_under_idle(self):
        proc = self.start_daemon()
        self.wait_for_log("waiting in IDLE", count=len(harness.MAILBOXES))
        first = f"before@{DOMAIN}"
        t0 = self.submit(self.mail("before", 1))
        self.assertIsNotNone(self.wait_ack(first, t0, ACK_BUDGET + IDLE_BUDGET))
        # the admin deletes pkt-iid's INBOX and makes it again while phieud idles
        # in it (Cyrus tells it with untagged EXPUNGE lines, or drops it)
        self.recreate_inbox("pkt-iid@danang.gov.vn")
        t1 = time.monotonic()
        after = f"after@{DOMAIN}"
        t2 = self.submit(self.mail("after", 2))
        took = self.wait_ack(after, t2, IDLE_BUDGET)
        log = self.daemon_log()
        print(f"Cyrus, INBOX deleted under IDLE: the next request acknowledged "
              f"{'-' if took is None else f'{took:.1f}'} s after Postfix's 250")
        self.assertIsNotNone(took, f"not acknowledged within {IDLE_BUDGET} s:\n{log[-3000:]}")
        # a retry that was logged came after the wait it named, not a poll later
        for m in re.finditer(r"retrying in (\d+) s", log):
            self.assertLessEqual(int(m.group(1)), 10, m.group(0))
        self.assertLess(time.monotonic() - t1, IDLE_BUDGET + 5)
        self.assertIsNone(proc.poll(), "phieud exited")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(10), 0, self.daemon_log())

    # ---- (d) UIDVALIDITY -----------------------------------------------------------

    def uidvalidity(self, user):
        c = self.imap(user)
        typ, data = c.status("INBOX", "(UIDVALIDITY MESSAGES)")
        self.assertEqual(typ, "OK", data)
        m = re.search(rb"UIDVALIDITY (\d+)", data[0])
        return int(m.group(1))

    def recreate_inbox(self, user):
        """As the admin: delete user's INBOX (with everything in it) and create it
        again; Cyrus gives the new one a new UIDVALIDITY."""
        local, _, domain = user.partition("@")
        name = f"user.{local}@{domain}"
        c = self.imap(ADMIN)
        for cmd, args in (("SETACL", (name, ADMIN, "lrswipkxtecda")), ("DELETE", (name,)),
                          ("CREATE", (name,))):
            typ, data = getattr(c, cmd.lower())(*args)
            self.assertEqual(typ, "OK", f"admin {cmd} {name}: {data}")

    def test_uidvalidity_change(self):
        box = "pkt-iid@danang.gov.vn"
        names = [n for n in e2e.EXPECTED if e2e.EXPECTED[n]["mailbox"] == "pkt-iid"]
        self.send_fixtures(names)
        self.once(expect=0)
        listed = self.requests()
        self.assertEqual(len(listed), len(names), f"requests: {listed}")
        outbox = self.outbox()
        acks = {harness.envelope(harness.fixture(n))[0]: 1 for n in names}
        for s in acks:
            self.ms.wait_delivered(s, 1)
        before = self.uidvalidity(box)

        self.recreate_inbox(box)
        self.ms.mailtool("append", "--user", box, *[harness.fixture(n) for n in names])
        after = self.uidvalidity(box)
        self.assertNotEqual(after, before, "the INBOX made again kept its UIDVALIDITY")
        self.assertEqual(self.count(box), len(names))
        self.assertEqual(self.count(box, keyword="$PhieuDone"), 0)

        p = self.phieud("--once", "--trace", "imap", expect=0)
        self.assertIn(f"UIDVALIDITY changed from {before} to {after}", p.stderr)
        self.assertEqual(p.stderr.count("is a copy of a message already received"), len(names),
                         "not every message recognised as a copy")
        print(f"UIDVALIDITY {before} -> {after}: {len(names)} messages read again, all copies")
        self.assertEqual(self.requests(), listed, "requests changed (a copy taken as new?)")
        self.assertEqual(self.outbox(), outbox, "replies queued for copies")
        for r in listed:
            kinds = harness.event_kinds(self.show(r["id"]))
            self.assertIn("copy", kinds, f"{r['id']}: history {kinds}")
        self.assertEqual(self.count(box, keyword="$PhieuDone"), len(names),
                         "the copies are not marked")
        self.assert_no_new_mail(acks)
        # and the next run leaves it all alone
        self.once(expect=0)
        self.assertEqual(self.requests(), listed)
        self.assertEqual(self.outbox(), outbox)


if __name__ == "__main__":
    harness.main()
