#!/usr/bin/env python3
"""service.py - phieud as systemd sees it, without systemd: the sd_notify
messages through a socket given in NOTIFY_SOCKET (READY=1 with a STATUS= line
once every mailbox was polled or failed, WATCHDOG=1 at half WATCHDOG_USEC,
RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM), and what
`phieuctl status` and `metrics` say meanwhile (no mail server: the mailbox
fails, a warning, exit 1; after stale_after, critical, exit 2; phieud
stopped, critical).

    service.py PHIEUD PHIEUCTL
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

PHIEUD, PHIEUCTL = sys.argv[1], sys.argv[2]


class Notify(unittest.TestCase):
    """One daemon with an unreachable IMAP server, watched through NOTIFY_SOCKET."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="phieu-service-")
        os.chmod(self.work, 0o755)
        self.conf = os.path.join(self.work, "phieu.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f'database = "{self.work}/phieu.db";\n'
                    f'spool = "{self.work}/spool";\n'
                    'imap = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'smtp = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'mailboxes = ( { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn"; '
                    'login = "pkt-iid@danang.gov.vn"; password = "x"; } );\n'
                    'staff = [ "staff@danang.gov.vn" ];\n'
                    'ocr = false;\npoll_interval = 5;\nstale_after = 10;\n')
        self.sock_path = os.path.join(self.work, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.sock.settimeout(0.5)
        self.seen = []
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path, WATCHDOG_USEC="2000000")
        env.pop("WATCHDOG_PID", None)
        self.log = open(os.path.join(self.work, "phieud.log"), "w+", encoding="utf-8")
        self.proc = subprocess.Popen([PHIEUD, "-c", self.conf], stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log, env=env)

    def tearDown(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()
        self.log.close()
        if os.environ.get("PHIEU_IT_KEEP") != "1":
            shutil.rmtree(self.work, ignore_errors=True)

    def wait_for(self, line, timeout=10):
        """Read notifications until one holds line; return all read since."""
        end = time.time() + timeout
        got = []
        while time.time() < end:
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                continue
            got.extend(data.split("\n"))
            self.seen.extend(data.split("\n"))
            if line in data.split("\n"):
                return got
        self.log.seek(0)
        self.fail(f"no {line} within {timeout} s; got {self.seen}\n{self.log.read()}")

    def ctl(self, *args):
        """phieuctl with the test's configuration."""
        return subprocess.run([PHIEUCTL, "-c", self.conf, *args], capture_output=True,
                              text=True, timeout=30)

    def test_notify_and_status(self):
        got = self.wait_for("READY=1")
        status = [g for g in got if g.startswith("STATUS=")]
        self.assertTrue(status, f"no STATUS= before READY=1: {got}")
        self.assertIn("1 mailbox(es)", status[0])
        self.assertIn("1 failing", status[-1])
        # the watchdog, at half of WATCHDOG_USEC (2 s), from the loop
        t0 = time.time()
        self.wait_for("WATCHDOG=1", timeout=5)
        self.wait_for("WATCHDOG=1", timeout=5)
        self.assertLess(time.time() - t0, 5)

        # the mailbox fails: a warning until stale_after, then critical
        r = self.ctl("status")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("phieu WARNING", r.stdout)
        self.assertIn("failing for", r.stdout)
        r = self.ctl("status", "--json")
        self.assertEqual(r.returncode, 1, r.stderr)
        report = json.loads(r.stdout)
        self.assertEqual(report["level"], "warning")
        self.assertTrue(report["daemon"]["running"])
        self.assertEqual(report["daemon"]["pid"], self.proc.pid)
        box = report["mailboxes"][0]
        self.assertEqual(box["name"], "pkt-iid")
        self.assertIn("connect", box["last_error"])
        self.assertIsNotNone(box["failing_since"])
        r = self.ctl("metrics")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('phieu_mailbox_level{mailbox="pkt-iid"} 1', r.stdout)
        self.assertIn("phieu_up 1", r.stdout)
        self.assertIn("# TYPE phieu_outbox_queued gauge", r.stdout)

        # SIGHUP: RELOADING=1, then READY=1 again
        self.proc.send_signal(signal.SIGHUP)
        got = self.wait_for("RELOADING=1")
        self.wait_for("READY=1")

        time.sleep(max(0, 11 - (time.time() - t0)))
        r = self.ctl("status")
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("phieu CRITICAL", r.stdout)

        # SIGTERM: STOPPING=1; stopped, the daemon is reported as not running
        self.proc.send_signal(signal.SIGTERM)
        self.wait_for("STOPPING=1")
        self.assertEqual(self.proc.wait(timeout=15), 0)
        r = self.ctl("status", "--json")
        self.assertEqual(r.returncode, 2)
        report = json.loads(r.stdout)
        self.assertFalse(report["daemon"]["running"])
        self.assertIn("phieud is not running", report["problems"])

    def test_without_notify_socket(self):
        """Run by hand (no NOTIFY_SOCKET), phieud notifies nothing and runs the same."""
        self.proc.kill()
        self.proc.wait()
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        r = subprocess.run([PHIEUD, "--once", "-c", self.conf], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertEqual(r.returncode, 75, r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
