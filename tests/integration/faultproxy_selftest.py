#!/usr/bin/env python3
"""faultproxy_selftest.py - the fault proxy (faultproxy.py) against the real servers.

One private Dovecot + Postfix for the whole file; each test puts a FaultProxy
in front of it and talks through it with plain imaplib / smtplib clients (or a
raw socket where the exact bytes matter), each test in mailboxes of its own.

  test_rules_checked         an unknown fault, a fault of the other protocol, a
                             missing parameter: ValueError
  test_imap_idle_sessions    three sessions in IDLE at once are woken by new mail
                             (an APPEND with a LITERAL+ literal through the proxy)
                             and leave IDLE with DONE; a no_on rule set while they
                             idle answers their next NOOP (live connections)
  test_omit_fetch_uid        UID FETCH 1:3 lacks UID 2 (the others intact), the
                             next one has it
  test_no_on_times           times = 2: two NO with the rule's text, then OK
  test_no_on_contains_and_rewrite
                             BAD only for a command holding the text (a quoted
                             keyword); PERMANENTFLAGS rewritten without \\*
  test_bye_on_uid_store      the client gets BYE, the flag is not set on the
                             server; without the rule it is
  test_delay_and_hold        the tagged answer of UID FETCH comes S seconds late,
                             NOOP's at once; a held NOOP waits for release()
  test_imap_drop_after_bytes s2c: the client gets exactly N bytes, then EOF;
                             c2s: N bytes reach the server, no answer comes
  test_drop_all              three live sessions are all cut at once
  test_big_message_streamed  the script form (--rules JSON): a 20 MB message
                             APPENDed and FETCHed through it arrives intact
                             (sha256) while the proxy's peak memory grows by far
                             less than the message; SIGTERM ends it with 0
  test_starttls_relayed      after STARTTLS (IMAP and SMTP) the connection is
                             relayed blindly: TLS works, rules no longer fire
  test_ehlo_stripped         no PIPELINING/CHUNKING through the proxy (Postfix
                             offers both)
  test_data_refuse           554 and 451: smtplib gets the code, nothing is
                             delivered; the rcpt filter leaves others alone
  test_data_rewrite          the client gets 451, the mail is delivered
  test_drop_after_data       the client sees the connection close, the mail is
                             delivered
  test_hold_data_reply       the client waits (mail already delivered) until
                             release(); with "seconds" it waits that long
  test_smtp_reply_and_bye    reply_on RCPT 451 refuses the recipient; bye_on MAIL
                             answers 421 and closes
  test_smtp_drop_after_bytes the client gets exactly N bytes of the greeting

Run by meson (suite integration, name faultproxy) or by hand:
  python3 tests/integration/faultproxy_selftest.py --phieud build/daemon/phieud \
      --phieuctl build/daemon/phieuctl --srcdir .
"""

import base64
import hashlib
import imaplib
import json
import os
import random
import re
import shutil
import signal
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

import harness
from faultproxy import FaultProxy
from harness import IntegrationCase, MailServer

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 20                 # seconds for any client socket operation
BIG = 20 << 20               # bytes of the big message
MEMORY_SLACK = 8 << 20       # the proxy's peak may grow by this much, not by BIG


def message(subject, to="someone@fp.test", body="Hello.\r\n"):
    """A small mail as bytes."""
    return (f"From: tester@fp.test\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject.replace(' ', '.')}.{time.monotonic_ns()}@fp.test>\r\n"
            f"\r\n{body}").encode()


class RawImap:
    """An IMAP session on a plain socket, for IDLE and exact bytes."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.file = self.sock.makefile("rb")
        self.greeting = self.file.readline()

    def send(self, text):
        self.sock.sendall(text.encode() + b"\r\n")

    def until(self, prefix):
        """Read lines up to the first starting with prefix; return them all."""
        lines = []
        while True:
            line = self.file.readline()
            if not line:
                raise AssertionError(f"EOF waiting for {prefix!r}; got {lines}")
            lines.append(line)
            if line.startswith(prefix.encode()):
                return lines

    def command(self, tag, text):
        self.send(f"{tag} {text}")
        return self.until(f"{tag} ")

    def close(self):
        self.file.close()
        self.sock.close()


def read_all(sock):
    """Everything a socket sends up to EOF."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def fetched_uids(data):
    """The UIDs in an imaplib UID FETCH answer, with the literal of each."""
    out = {}
    for item in data:
        head = item[0] if isinstance(item, tuple) else item
        m = re.search(rb"UID (\d+)", head or b"")
        if m:
            out[int(m.group(1))] = item[1] if isinstance(item, tuple) else None
    return out


def vm_hwm(pid):
    """Peak resident memory (bytes) of a process, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM in /proc")


class FaultProxyTest(IntegrationCase):
    BASEPORT = 11400

    # One server for the whole file: the proxy is what is tested, not the server.
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix=f"phieu-it-{cls.BASEPORT}-", dir="/tmp")
        os.chmod(cls.work, 0o755)
        cls.addClassCleanup(cls.cleanup_class_work)
        for attempt in range(3):
            cls.ms = MailServer(os.path.join(cls.work, "ms"), harness.pick_baseport(cls.BASEPORT))
            cls.addClassCleanup(cls.ms.stop)
            try:
                cls.ms.start()
                break
            except RuntimeError as e:
                if "already in use" not in str(e) or attempt == 2:
                    raise
                cls.ms.stop()

    @classmethod
    def cleanup_class_work(cls):
        if os.environ.get("PHIEU_IT_KEEP"):
            print(f"\n(kept {cls.work})", file=sys.stderr)
        else:
            shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.daemon_logs = []
        self.user = f"{self._testMethodName.replace('_', '-')}@fp.test"

    def proxy(self, proto, rules=None):
        port = self.ms.imap_port if proto == "imap" else self.ms.smtp_port
        p = FaultProxy(proto, ("127.0.0.1", port), rules).start()
        self.addCleanup(p.stop)
        return p

    # --- helpers for IMAP

    def imap(self, port, user=None, select=True):
        c = imaplib.IMAP4("127.0.0.1", port, timeout=TIMEOUT)
        self.addCleanup(self.quietly_close, c)
        c.login(user or self.user, harness.PASSWORD)
        if select:
            self.assertEqual(c.select("INBOX")[0], "OK")
        return c

    @staticmethod
    def quietly_close(c):
        try:
            c.shutdown()
        except (OSError, imaplib.IMAP4.error):
            pass

    def append(self, *subjects, user=None):
        """APPEND small messages directly on the server (not through a proxy)."""
        c = imaplib.IMAP4("127.0.0.1", self.ms.imap_port, timeout=TIMEOUT)
        try:
            c.login(user or self.user, harness.PASSWORD)
            for s in subjects:
                typ, data = c.append("INBOX", None, None, message(s))
                self.assertEqual(typ, "OK", data)
        finally:
            c.logout()

    # --- helpers for SMTP

    def smtp(self, port):
        c = smtplib.SMTP("127.0.0.1", port, timeout=TIMEOUT)
        self.addCleanup(self.quietly_quit, c)
        return c

    @staticmethod
    def quietly_quit(c):
        try:
            c.quit()
        except (OSError, smtplib.SMTPException):
            c.close()

    def wait_held(self, p, n, timeout=5):
        """Wait until the proxy holds n answers."""
        deadline = time.monotonic() + timeout
        while p.stats()["held"] != n and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(p.stats()["held"], n, "not held")

    def subjects(self, user):
        return sorted(m["subject"] for m in self.ms.fetch(user))

    # ----- the tests

    def test_rules_checked(self):
        p = FaultProxy("imap", ("127.0.0.1", self.ms.imap_port))
        for bad in ([{"fault": "no_such"}], [{"fault": "data_refuse", "reply": "554 x"}],
                    [{"fault": "delay", "command": "NOOP"}], [{"fault": "bye_on"}],
                    [{"fault": "no_on", "command": "NOOP", "rcpt": "x"}]):
            with self.assertRaises(ValueError, msg=bad):
                p.set_rules(bad)
        s = FaultProxy("smtp", ("127.0.0.1", self.ms.smtp_port))
        for bad in ([{"fault": "omit_fetch_uid", "uid": 1}],
                    [{"fault": "data_refuse", "reply": "refused"}],
                    [{"fault": "drop_after_bytes", "n": 3, "direction": "both"}]):
            with self.assertRaises(ValueError, msg=bad):
                s.set_rules(bad)
        s.set_rules([{"fault": "data_refuse", "reply": "554 5.7.1 no", "rcpt": "x", "times": 0}])
        self.assertEqual(s.stats()["fired"], [0])

    def test_imap_idle_sessions(self):
        p = self.proxy("imap")
        self.append("first")
        sessions = []
        for i in range(3):
            s = RawImap(p.port)
            self.addCleanup(s.close)
            self.assertTrue(s.greeting.startswith(b"* OK"), s.greeting)
            self.assertIn(b"OK", s.command("a1", f"LOGIN {self.user} {harness.PASSWORD}")[-1])
            self.assertIn(b"OK", s.command("a2", "SELECT INBOX")[-1])
            s.send("a3 IDLE")
            s.until("+")
            sessions.append(s)
        p.set_rules([{"fault": "no_on", "command": "NOOP", "text": "not now", "times": 0}])
        # a fourth session APPENDs through the proxy with a LITERAL+ literal
        w = RawImap(p.port)
        self.addCleanup(w.close)
        self.assertIn(b"OK", w.command("w1", f"LOGIN {self.user} {harness.PASSWORD}")[-1])
        raw = message("second")
        w.sock.sendall(b"w2 APPEND INBOX {%d+}\r\n%s\r\n" % (len(raw), raw))
        self.assertTrue(w.until("w2 ")[-1].startswith(b"w2 OK"))
        for s in sessions:
            s.until("* 2 EXISTS")
        for s in sessions:
            s.send("DONE")
            self.assertTrue(s.until("a3 ")[-1].startswith(b"a3 OK"))
            self.assertEqual(s.command("a4", "NOOP")[-1], b"a4 NO not now\r\n")
            self.assertTrue(s.command("a5", "UID SEARCH ALL")[-1].startswith(b"a5 OK"))
        self.assertEqual(self.subjects(self.user), ["first", "second"])
        st = p.stats()
        self.assertEqual(st["connections"], 4)
        self.assertEqual(st["active"], 4)
        self.assertEqual(st["commands"]["IDLE"], 3)
        self.assertEqual(st["commands"]["APPEND"], 1)
        self.assertEqual(st["commands"]["UID SEARCH"], 3)
        self.assertNotIn("DONE", st["commands"])
        self.assertEqual(st["fired"], [3])

    def test_omit_fetch_uid(self):
        p = self.proxy("imap")
        self.append("one", "two", "three")
        c = self.imap(p.port)
        p.set_rules([{"fault": "omit_fetch_uid", "uid": 2}])
        typ, data = c.uid("FETCH", "1:3", "(UID FLAGS BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        got = fetched_uids(data)
        self.assertEqual(sorted(got), [1, 3], data)
        self.assertIn(b"Subject: one\r\n", got[1])
        self.assertIn(b"Subject: three\r\n", got[3])
        self.assertEqual(p.stats()["fired"], [1])
        typ, data = c.uid("FETCH", "1:3", "(UID BODY.PEEK[])")
        got = fetched_uids(data)
        self.assertEqual(sorted(got), [1, 2, 3], data)
        self.assertIn(b"Subject: two\r\n", got[2])

    def test_no_on_times(self):
        p = self.proxy("imap", [{"fault": "no_on", "command": "uid search", "text": "try later",
                                 "times": 2}])
        self.append("one")
        c = self.imap(p.port)
        self.assertEqual(c.uid("SEARCH", "ALL"), ("NO", [b"try later"]))
        self.assertEqual(c.noop()[0], "OK")            # another command: not matched
        self.assertEqual(c.uid("SEARCH", "ALL"), ("NO", [b"try later"]))
        self.assertEqual(c.uid("SEARCH", "ALL"), ("OK", [b"1"]))
        self.assertEqual(p.stats()["fired"], [2])
        self.assertEqual(p.stats()["commands"]["UID SEARCH"], 3)

    def test_no_on_contains_and_rewrite(self):
        p = self.proxy("imap", [{"fault": "no_on", "command": "UID SEARCH", "contains": '"$x"',
                                 "status": "BAD", "text": "Invalid flag name", "times": 0},
                                {"fault": "rewrite", "match": "\\*)", "replace": ")",
                                 "times": 0}])
        self.append("one")
        c = self.imap(p.port, select=False)
        self.assertEqual(c.select("INBOX")[0], "OK")
        perm = c.untagged_responses.get("PERMANENTFLAGS", [])
        self.assertTrue(perm, "no PERMANENTFLAGS in the SELECT answer")
        self.assertNotIn(b"\\*", perm[0], "rewrite left \\* in PERMANENTFLAGS")
        # quoted keyword refused with BAD (imaplib raises on BAD), atom passes
        with self.assertRaises(imaplib.IMAP4.error) as cm:
            c.uid("SEARCH", "UNKEYWORD", '"$x"')
        self.assertIn("Invalid flag name", str(cm.exception))
        self.assertEqual(c.uid("SEARCH", "UNKEYWORD", "$x"), ("OK", [b"1"]))
        fired = p.stats()["fired"]
        self.assertEqual(fired[0], 1)
        self.assertGreaterEqual(fired[1], 1)

    def test_bye_on_uid_store(self):
        p = self.proxy("imap")
        self.append("one")
        c = self.imap(p.port)
        p.set_rules([{"fault": "bye_on", "command": "UID STORE"}])
        self.assertEqual(c.uid("FETCH", "1", "(FLAGS)")[0], "OK")   # UID FETCH passes
        with self.assertRaises(imaplib.IMAP4.abort) as cm:
            c.uid("STORE", "1", "+FLAGS", "(\\Flagged)")
        self.assertIn("fault proxy: connection closed", str(cm.exception))
        self.assertEqual(self.ms.count(self.user, "\\Flagged"), 0, "the STORE reached the server")
        self.assertEqual(p.stats()["fired"], [1])
        # the rule is used up: the next session stores the flag for real
        c = self.imap(p.port)
        self.assertEqual(c.uid("STORE", "1", "+FLAGS", "(\\Flagged)")[0], "OK")
        self.assertEqual(self.ms.count(self.user, "\\Flagged"), 1)

    def test_delay_and_hold(self):
        p = self.proxy("imap")
        self.append("one")
        c = self.imap(p.port)
        p.set_rules([{"fault": "delay", "command": "UID FETCH", "seconds": 1.5}])
        t = time.monotonic()
        self.assertEqual(c.noop()[0], "OK")
        self.assertLess(time.monotonic() - t, 1.0, "NOOP was delayed")
        t = time.monotonic()
        typ, data = c.uid("FETCH", "1", "(UID BODY.PEEK[])")
        took = time.monotonic() - t
        self.assertEqual((typ, sorted(fetched_uids(data))), ("OK", [1]))
        self.assertGreaterEqual(took, 1.4, "the UID FETCH answer was not delayed")
        self.assertLess(took, 5)

        p.set_rules([{"fault": "hold", "command": "NOOP"}])
        result = []
        th = threading.Thread(target=lambda: result.append(c.noop()[0]), daemon=True)
        th.start()
        self.wait_held(p, 1)
        th.join(0.5)
        self.assertTrue(th.is_alive(), "the held answer came before release()")
        p.release()
        th.join(5)
        self.assertEqual(result, ["OK"])
        self.assertEqual(p.stats()["held"], 0)

    def test_imap_drop_after_bytes(self):
        p = self.proxy("imap", [{"fault": "drop_after_bytes", "n": 10, "direction": "s2c"}])
        with socket.create_connection(("127.0.0.1", p.port), timeout=TIMEOUT) as s:
            self.assertEqual(read_all(s), b"* OK [CAPA")
        self.assertEqual(p.stats()["fired"], [1])
        with socket.create_connection(("127.0.0.1", p.port), timeout=TIMEOUT) as s:
            self.assertTrue(s.makefile("rb").readline().endswith(b"ready.\r\n"),
                            "the used-up rule cut the next connection")

        p = self.proxy("imap", [{"fault": "drop_after_bytes", "n": 4, "direction": "c2s"}])
        s = RawImap(p.port)
        self.addCleanup(s.close)
        self.assertTrue(s.greeting.startswith(b"* OK"))
        s.send("a1 NOOP")
        self.assertEqual(s.file.read(), b"", "an answer came through a cut connection")
        st = p.stats()
        self.assertEqual(st["bytes"]["c2s"], 4)
        self.assertEqual(st["fired"], [1])

    def test_drop_all(self):
        p = self.proxy("imap")
        clients = [self.imap(p.port, select=False) for _ in range(3)]
        self.assertEqual(p.stats()["active"], 3)
        p.drop_all()
        for c in clients:
            with self.assertRaises((imaplib.IMAP4.abort, OSError)):
                c.noop()
        deadline = time.monotonic() + 5
        while p.stats()["active"] and time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(p.stats()["active"], 0)
        self.assertEqual(self.imap(p.port).noop()[0], "OK")   # new ones still work

    def test_big_message_streamed(self):
        rules = [{"fault": "no_on", "command": "NOOP", "text": "from the rules"}]
        proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, "faultproxy.py"), "--proto", "imap",
             "--listen", "0", "--target", f"127.0.0.1:{self.ms.imap_port}",
             "--rules", json.dumps(rules)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        port = int(proc.stdout.readline())
        c = self.imap(port, select=False)
        self.assertEqual(c.noop(), ("NO", [b"from the rules"]))
        before = vm_hwm(proc.pid)

        rng = random.Random(4)
        body = base64.encodebytes(rng.randbytes(BIG * 3 // 4)).replace(b"\n", b"\r\n")
        big = message("big one").replace(b"\r\n\r\n", b"\r\nContent-Transfer-Encoding: base64"
                                         b"\r\n\r\n", 1) + body
        self.assertGreaterEqual(len(big), BIG)
        typ, data = c.append("INBOX", None, None, big)
        self.assertEqual(typ, "OK", data)
        c.select("INBOX")
        typ, data = c.uid("FETCH", "1", "(UID BODY.PEEK[])")
        self.assertEqual(typ, "OK")
        got = fetched_uids(data).get(1)
        self.assertIsNotNone(got, "no message fetched")
        self.assertEqual(len(got), len(big))
        self.assertEqual(hashlib.sha256(got).hexdigest(), hashlib.sha256(big).hexdigest())
        grew = vm_hwm(proc.pid) - before
        self.assertLess(grew, MEMORY_SLACK,
                        f"the proxy's peak memory grew by {grew >> 20} MB for a "
                        f"{len(big) >> 20} MB message: not streamed")
        proc.send_signal(signal.SIGUSR2)
        st = json.loads(proc.stdout.readline())
        self.assertEqual(st["commands"].get("APPEND"), 1)
        self.assertGreaterEqual(st["bytes"]["s2c"], len(big))
        self.assertGreaterEqual(st["bytes"]["c2s"], len(big))
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(10), 0)

    def test_starttls_relayed(self):
        ctx = ssl.create_default_context(cafile=self.ms.env["MS_CA"])
        p = self.proxy("imap", [{"fault": "no_on", "command": "NOOP", "times": 0}])
        c = imaplib.IMAP4("127.0.0.1", p.port, timeout=TIMEOUT)
        self.addCleanup(self.quietly_close, c)
        self.assertEqual(c.noop()[0], "NO")
        self.assertEqual(c.starttls(ssl_context=ctx)[0], "OK")
        c.login(self.user, harness.PASSWORD)
        self.assertEqual(c.noop()[0], "OK", "a rule fired inside TLS")
        s = self.proxy("smtp", [{"fault": "data_refuse", "reply": "554 5.7.1 no", "times": 0}])
        m = self.smtp(s.port)
        m.starttls(context=ctx)
        m.sendmail("tester@fp.test", [self.user], message("over tls", self.user))
        self.ms.wait_delivered(self.user, 1)
        self.assertEqual(self.subjects(self.user), ["over tls"])
        self.assertEqual((p.stats()["fired"], s.stats()["fired"]), ([1], [0]))

    def test_ehlo_stripped(self):
        direct = self.smtp(self.ms.smtp_port)
        direct.ehlo()
        self.assertTrue(direct.has_extn("pipelining") and direct.has_extn("chunking"),
                        "Postfix offers no PIPELINING/CHUNKING: nothing to strip")
        p = self.proxy("smtp")
        c = self.smtp(p.port)
        code, _ = c.ehlo()
        self.assertEqual(code, 250)
        self.assertFalse(c.has_extn("pipelining"))
        self.assertFalse(c.has_extn("chunking"))
        for kept in ("size", "8bitmime", "enhancedstatuscodes", "dsn"):
            self.assertTrue(c.has_extn(kept), kept)
        self.assertEqual(c.esmtp_features, {k: v for k, v in direct.esmtp_features.items()
                                            if k not in ("pipelining", "chunking")})

    def test_data_refuse(self):
        refused, other, soft = (f"refuse-{x}@fp.test" for x in ("a", "b", "c"))
        p = self.proxy("smtp", [
            {"fault": "data_refuse", "reply": "554 5.7.1 refused by fault proxy",
             "rcpt": "REFUSE-A"},
            {"fault": "data_refuse", "reply": "451 4.3.0 try again", "rcpt": "refuse-c"}])
        c = self.smtp(p.port)
        # another recipient: the rules do not fire
        c.sendmail("tester@fp.test", [other], message("passes", other))
        self.assertEqual(p.stats()["fired"], [0, 0])
        with self.assertRaises(smtplib.SMTPDataError) as cm:
            c.sendmail("tester@fp.test", [refused], message("refused", refused))
        self.assertEqual(cm.exception.smtp_code, 554)
        self.assertEqual(cm.exception.smtp_error, b"5.7.1 refused by fault proxy")
        with self.assertRaises(smtplib.SMTPDataError) as cm:
            c.sendmail("tester@fp.test", [soft], message("soft", soft))
        self.assertEqual(cm.exception.smtp_code, 451)
        self.assertEqual(p.stats()["fired"], [1, 1])
        # the rules are used up: the same session now delivers to both
        c.sendmail("tester@fp.test", [refused], message("control", refused))
        c.sendmail("tester@fp.test", [soft], message("control", soft))
        self.ms.wait_delivered(other, 1)
        self.ms.wait_delivered(refused, 1)
        self.ms.wait_delivered(soft, 1)
        self.assertEqual(self.subjects(refused), ["control"], "the refused mail was delivered")
        self.assertEqual(self.subjects(soft), ["control"], "the refused mail was delivered")
        st = p.stats()
        self.assertEqual(st["data_transactions"], 3)
        self.assertEqual(st["delivered_to"], {other: 1, refused: 1, soft: 1})
        self.assertEqual(st["commands"]["RSET"], 2)        # smtplib's after each refusal

    def test_data_rewrite(self):
        p = self.proxy("smtp", [{"fault": "data_rewrite", "reply": "451 4.3.0 lost the answer"}])
        c = self.smtp(p.port)
        with self.assertRaises(smtplib.SMTPDataError) as cm:
            c.sendmail("tester@fp.test", [self.user], message("rewritten", self.user))
        self.assertEqual(cm.exception.smtp_code, 451)
        self.assertEqual(cm.exception.smtp_error, b"4.3.0 lost the answer")
        self.ms.wait_delivered(self.user, 1)
        self.assertEqual(self.subjects(self.user), ["rewritten"])
        st = p.stats()
        self.assertEqual((st["data_transactions"], st["fired"]), (1, [1]))
        self.assertEqual(st["transactions"], {self.user: 1})

    def test_drop_after_data(self):
        p = self.proxy("smtp", [{"fault": "drop_after_data"}])
        c = self.smtp(p.port)
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            c.sendmail("tester@fp.test", [self.user], message("dropped", self.user))
        self.ms.wait_delivered(self.user, 1)
        self.assertEqual(self.subjects(self.user), ["dropped"])
        self.assertEqual((p.stats()["data_transactions"], p.stats()["fired"]), (1, [1]))

    def test_hold_data_reply(self):
        p = self.proxy("smtp", [{"fault": "hold_data_reply"}])
        c = self.smtp(p.port)
        result = []
        th = threading.Thread(daemon=True, target=lambda: result.append(
            c.sendmail("tester@fp.test", [self.user], message("held", self.user))))
        th.start()
        # the server took the mail: delivered while the client still waits
        self.ms.wait_delivered(self.user, 1)
        self.wait_held(p, 1)
        self.assertTrue(th.is_alive(), "the client got its answer before release()")
        self.assertEqual(result, [])
        p.release()
        th.join(5)
        self.assertEqual(result, [{}], "sendmail did not succeed after release()")
        self.assertEqual(p.stats()["held"], 0)

        p.set_rules([{"fault": "hold_data_reply", "seconds": 1.5}])
        t = time.monotonic()
        c.sendmail("tester@fp.test", [self.user], message("held again", self.user))
        self.assertGreaterEqual(time.monotonic() - t, 1.4)
        self.assertEqual(p.stats()["fired"], [1])

    def test_smtp_reply_and_bye(self):
        p = self.proxy("smtp", [{"fault": "reply_on", "command": "RCPT",
                                 "reply": "451 4.3.0 not now", "rcpt": "later"}])
        c = self.smtp(p.port)
        later = "later@fp.test"
        with self.assertRaises(smtplib.SMTPRecipientsRefused) as cm:
            c.sendmail("tester@fp.test", [later], message("refused rcpt", later))
        self.assertEqual(cm.exception.recipients, {later: (451, b"4.3.0 not now")})
        p.set_rules([{"fault": "bye_on", "command": "MAIL FROM"}])
        with self.assertRaises(smtplib.SMTPSenderRefused) as cm:
            c.sendmail("tester@fp.test", [self.user], message("bye", self.user))
        self.assertEqual(cm.exception.smtp_code, 421)
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            c.noop()
        c = self.smtp(p.port)
        c.sendmail("tester@fp.test", [later], message("passes", later))
        self.ms.wait_delivered(later, 1)
        self.assertEqual(self.subjects(later), ["passes"])

    def test_smtp_drop_after_bytes(self):
        p = self.proxy("smtp", [{"fault": "drop_after_bytes", "n": 5}])
        with socket.create_connection(("127.0.0.1", p.port), timeout=TIMEOUT) as s:
            self.assertEqual(read_all(s), b"220 m")
        with self.assertRaises(smtplib.SMTPServerDisconnected):
            p.set_rules([{"fault": "drop_after_bytes", "n": 30, "direction": "c2s"}])
            c = self.smtp(p.port)
            c.sendmail("tester@fp.test", [self.user], message("cut", self.user))
        self.assertEqual(p.stats()["fired"], [1])


if __name__ == "__main__":
    harness.main()
