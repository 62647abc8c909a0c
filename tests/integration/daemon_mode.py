#!/usr/bin/env python3
"""daemon_mode.py - phieud as a daemon: picks new mail up while running, stops on SIGTERM.

phieud runs in the background (no --once) with poll_interval = 60 s.  A request
sent after it has settled must be stored and acknowledged well before the next
poll would find it (IDLE_BUDGET seconds): Dovecot offers IDLE, so the daemon is
woken by the server.  Then another request in another mailbox, then SIGTERM:
phieud must exit 0 within a few seconds.
"""

import os
import signal
import subprocess
import time

import harness
from harness import IntegrationCase

IDLE_BUDGET = 20     # seconds; the next poll would come after 60
STOP_BUDGET = 5      # seconds from SIGTERM to exit


class DaemonMode(IntegrationCase):
    BASEPORT = 10640
    EXTRA_CONFIG = "poll_interval = 60;\n"

    def start_daemon(self):
        """Start phieud in the background, its log in WORK/phieud.log."""
        self.log_path = os.path.join(self.work, "phieud.log")
        log = open(self.log_path, "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([harness.PHIEUD, "-c", self.conf, "--trace", "imap,smtp"],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.kill_daemon, proc)
        return proc

    def kill_daemon(self, proc):
        """Make sure the daemon is gone after the test, whatever happened."""
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)

    def daemon_log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def diagnostics(self):
        text = super().diagnostics()
        if hasattr(self, "log_path") and os.path.exists(self.log_path):
            text = f"----- phieud log\n{self.daemon_log()}\n{text}"
        return text

    def wait_acknowledged(self, sender, budget):
        """Poll phieuctl until the request from sender is acknowledged; seconds taken."""
        started = time.monotonic()
        seen = []
        while time.monotonic() - started < budget:
            seen = self.requests()
            mine = [r for r in seen if r["sender"] == sender]
            if mine and mine[0]["state"] == "acknowledged":
                return time.monotonic() - started
            time.sleep(0.25)
        self.fail(f"no acknowledged request from {sender} after {budget} s: {seen}")

    def wait_for_log(self, text, budget=10):
        """Wait until the daemon's log contains text."""
        deadline = time.monotonic() + budget
        while time.monotonic() < deadline:
            if text in self.daemon_log():
                return
            time.sleep(0.1)
        self.fail(f"phieud did not log {text!r} within {budget} s")

    def test_idle_pickup_and_sigterm(self):
        proc = self.start_daemon()
        self.wait_for_log("started")
        # let the first poll of all three mailboxes finish and IDLE begin
        time.sleep(2)
        self.assertIsNone(proc.poll(), f"phieud exited early:\n{self.daemon_log()}")
        self.assertEqual(self.requests(), [])

        first = harness.fixture("05-server_room.eml")
        sender = harness.envelope(first)[0]
        self.ms.send(first)
        took = self.wait_acknowledged(sender, IDLE_BUDGET)
        self.ms.wait_delivered(sender, 1)
        ack = self.ms.fetch(sender)[0]
        self.assertEqual(harness.ack_number(ack["subject"]), self.requests()[0]["id"])

        second = harness.fixture("03-mailbox_change.eml")       # to admin@, another session
        sender2 = harness.envelope(second)[0]
        self.ms.send(second)
        took2 = self.wait_acknowledged(sender2, IDLE_BUDGET)
        self.ms.wait_delivered(sender2, 1)
        self.assertEqual(len(self.requests()), 2)
        print(f"picked up in {took:.1f} s and {took2:.1f} s (poll_interval 60 s)")

        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(STOP_BUDGET)
        except subprocess.TimeoutExpired:
            self.fail(f"phieud still running {STOP_BUDGET} s after SIGTERM")
        self.assertEqual(rc, 0, f"phieud exited {rc} on SIGTERM:\n{self.daemon_log()}")
        self.assertIn("stopping", self.daemon_log())


if __name__ == "__main__":
    harness.main()
