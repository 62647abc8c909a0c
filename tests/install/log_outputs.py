#!/usr/bin/env python3
"""log_outputs.py - where phieud's log lines go (`log = "stderr" | "syslog" |
"journal"`), each checked on what arrives:

  stderr   a timestamp in front; with JOURNAL_STREAM set (stderr is the
           journal's stream under systemd) the "<N>" priority prefix instead
  journal  datagrams in journald's native protocol with MESSAGE=, PRIORITY=,
           SYSLOG_FACILITY=2 (mail), PHIEU_SUBSYSTEM= and PHIEU_MAILBOX=,
           caught on a socket of the test's own bound over
           /run/systemd/journal in a private mount namespace
  syslog   RFC 3164 datagrams at facility mail, caught on a socket bound over
           /dev/log in a private mount namespace (with /dev rebuilt from the
           real device nodes)

The journal and syslog cases need root and unshare(1) (skipped otherwise).
Each runs `phieud --once` against unreachable servers: a warning per mailbox.

    log_outputs.py PHIEUD
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

PHIEUD = sys.argv[1]


def can_unshare():
    """Root with unshare(1) that can make a mount namespace."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "--mount", "true"], capture_output=True).returncode == 0


class Logging(unittest.TestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="phieu-logging-")
        os.chmod(self.work, 0o755)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def config(self, log):
        path = os.path.join(self.work, f"{log}.conf")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'database = "{self.work}/phieu.db";\n'
                    f'spool = "{self.work}/spool";\n'
                    'imap = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'smtp = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'mailboxes = ( { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn"; '
                    'login = "pkt-iid@danang.gov.vn"; password = "x"; } );\n'
                    'staff = [ "staff@danang.gov.vn" ];\n'
                    f'ocr = false;\nlog = "{log}";\n')
        return path

    def listen(self, name):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        path = os.path.join(self.work, name)
        sock.bind(path)
        os.chmod(path, 0o666)
        sock.settimeout(0.2)
        self.addCleanup(sock.close)
        return sock, path

    def drain(self, sock):
        out = []
        while True:
            try:
                out.append(sock.recv(65536))
            except socket.timeout:
                return out

    def test_stderr(self):
        env = dict(os.environ)
        env.pop("JOURNAL_STREAM", None)
        r = subprocess.run([PHIEUD, "--once", "-c", self.config("stderr")], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertRegex(r.stderr, r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d warning imap: pkt-iid: connect")
        env["JOURNAL_STREAM"] = "8:12345"
        r = subprocess.run([PHIEUD, "--once", "-c", self.config("stderr")], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertRegex(r.stderr, r"(?m)^<4>warning imap: pkt-iid: connect")
        self.assertRegex(r.stderr, r"(?m)^<6>info phieud: done")

    @unittest.skipUnless(can_unshare(), "needs root and unshare --mount")
    def test_journal(self):
        sock, path = self.listen("socket")
        script = ("set -e; mount -t tmpfs tmpfs /run/systemd; mkdir /run/systemd/journal; "
                  f"mount --bind {self.work} /run/systemd/journal; "
                  f'exec "$0" --once -c "$1"')
        r = subprocess.run(["unshare", "--mount", "sh", "-c", script, PHIEUD,
                            self.config("journal")], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)
        entries = []
        for d in self.drain(sock):
            fields = dict(line.split("=", 1) for line in d.decode().split("\n") if "=" in line)
            entries.append(fields)
        warn = [e for e in entries if e.get("PHIEU_SUBSYSTEM") == "imap"]
        self.assertTrue(warn, f"no imap entry in {entries}\n{r.stderr}")
        self.assertEqual(warn[0]["PRIORITY"], "4")
        self.assertEqual(warn[0]["SYSLOG_FACILITY"], "2")
        self.assertEqual(warn[0]["SYSLOG_IDENTIFIER"], "phieud")
        self.assertEqual(warn[0]["PHIEU_MAILBOX"], "pkt-iid")
        self.assertIn("pkt-iid: connect", warn[0]["MESSAGE"])
        done = [e for e in entries if e["MESSAGE"].startswith("phieud: done")]
        self.assertEqual(done[0]["PRIORITY"], "6")
        self.assertNotIn("PHIEU_MAILBOX", done[0])
        # nothing went to stderr but what precedes the choice of output
        self.assertNotIn("warning imap", r.stderr)

    @unittest.skipUnless(can_unshare(), "needs root and unshare --mount")
    def test_syslog(self):
        sock, path = self.listen("log")
        real = os.path.join(self.work, "realdev")
        os.mkdir(real)
        nodes = " ".join(n for n in ("null", "zero", "full", "random", "urandom")
                         if os.path.exists(f"/dev/{n}"))
        script = ("set -e; "
                  f"mount --bind /dev {real}; mount -t tmpfs tmpfs /dev; "
                  f"for n in {nodes}; do touch /dev/$n; mount --bind {real}/$n /dev/$n; done; "
                  f"touch /dev/log; mount --bind {path} /dev/log; "
                  'exec "$0" --once -c "$1"')
        r = subprocess.run(["unshare", "--mount", "sh", "-c", script, PHIEUD,
                            self.config("syslog")], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)
        lines = [d.decode() for d in self.drain(sock)]
        warn = [ln for ln in lines if "warning imap: pkt-iid: connect" in ln]
        self.assertTrue(warn, f"no warning in {lines}\n{r.stderr}")
        # <PRI> = facility mail (2) * 8 + warning (4)
        self.assertTrue(warn[0].startswith("<20>"), warn[0])
        self.assertRegex(warn[0], r"phieud\[\d+\]: ")
        info = [ln for ln in lines if "info phieud: done" in ln]
        self.assertTrue(info and info[0].startswith("<22>"), lines)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
