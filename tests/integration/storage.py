#!/usr/bin/env python3
"""storage.py - phieud when its own storage fails: a full disk, a lock, SIGKILL.

The real Dovecot and Postfix of tests/mailserver/mailsrv.sh; every reply is
counted in the recipients' maildirs by Message-ID, so a reply sent twice is
seen, whatever phieud believes it sent.

  test_full_filesystem_while_sending
        the database and the spool on a small tmpfs of their own (skipped when
        mount is not permitted).  Six requests are stored by a `--once` whose
        SMTP port is closed (their replies queued); phieud then runs as a
        daemon behind the SMTP fault proxy, which holds Postfix's 250 to the
        first reply.  Meanwhile the test fills the tmpfs to the last byte and
        lets the 250 through: recording it fails (disk full), phieud logs
        "cannot record" with a backoff that grows (1000 ms, 2000 ms ...) and
        hands nothing more to the server while the result is unrecorded.  The
        filler is deleted: every outbox row ends `sent`, each reply (the acks,
        the staff notices) is in each recipient's maildir exactly once and no
        mailbox holds anything else.  Then, the daemon idle, the disk is
        filled again and a seventh request arrives: the batch is rolled back
        ("batch not stored (nothing marked)"), nothing is marked or sent;
        after the filler goes, it is stored, marked and acknowledged once.
  test_full_filesystem_at_restart
        phieud killed while Postfix's 250 to the first reply is held (that
        reply was delivered, its row left in `sending`), started again with
        the tmpfs full: it sends nothing (it exits 75, "database: disk I/O
        error ... (temporary: try again later)", while opening the database,
        or waits); once the filler is gone it
        starts, sends the interrupted reply once more with the same
        Message-ID ("again after an interruption") and every other reply once.
  test_new_database_on_full_disk
        phieud started with its database to be made on a full tmpfs: exit 75
        (temporary, a service manager tries again), not 2 (a bad
        configuration); with room again it starts and exits 0
  test_write_lock_at_restart
        the same, but started again while the test holds BEGIN IMMEDIATE past
        the busy timeout: queueing the interrupted row again fails ("queueing
        interrupted messages again" logged) and is tried again after a
        backoff; once the lock is gone every row ends `sent`, the interrupted
        reply at most twice.  (Before outbox.c retried it, the row stayed in
        `sending` for as long as phieud ran.)
  test_write_lock_longer_than_busy_timeout
        three requests; phieud as a daemon, the 250 to the first reply held
        by the proxy; the test takes the database's write lock (BEGIN
        IMMEDIATE) and lets the 250 through.  phieud's busy timeout (10 s,
        store.c; no configuration key) runs out twice: "cannot record" is
        logged twice, with waits of 1000 and 2000 ms, and nothing more
        reaches the server; the lock is released after the second failure:
        every row ends `sent`, every reply arrives exactly once.
  test_sigkill_at_random_moments
        KILL_REQUESTS requests generated from the fixtures (a sender and a
        Message-ID of their own each) APPENDed to the three mailboxes their
        To names; phieud as a daemon is killed with SIGKILL at random moments
        (uniform in KILL_DELAY s after each start, seed printed; PHIEU_IT_SEED
        replays one) at least KILLS times and started again each time, then
        left to finish.  Every Message-ID makes exactly one request, every
        message is marked $PhieuDone, every outbox row is `sent`; every
        sender's maildir holds its ack and nothing else (at least once);
        every staff maildir holds only the outbox's notices.  A reply that
        arrived twice carries the Message-ID of its row (counted per row),
        its row was interrupted (interrupted >= 1), and there are at most as
        many extra copies in all as there were kills.

Measured on the 2-core test machine (shared with other jobs): the full-disk
test about 30 s (two failed recordings, waits 1000 and 2000 ms, then 12 rows
sent by 12 SMTP transactions, 18 copies delivered), the restart tests about
25 s each, the lock test about 35 s (lock held 21 s: two busy timeouts).  In
the SIGKILL test phieud stores the 300 requests in about 2 s and sends the
600 replies at about 70 a second, so the kills come 0.2-1.5 s after each
start: 12 kills with work left took 9-12 s, the last run finished 14-21 s
after the first start; 4-7 rows were interrupted and sent again, 1-3 of them
arrived twice (2-4 extra copies, 0-2 of them acks).  The whole file: 143-182 s
under a load of 6.  With the claim before MAIL
FROM left out (a mutation tried by hand) the SIGKILL test fails ("a reply
arrived twice that was never interrupted"); with recording failures ignored
the full-disk test counts 119 SMTP transactions in a second instead of 1.
"""

import errno
import os
import random
import re
import signal
import sqlite3
import subprocess
import time

import harness
from harness import IntegrationCase
from faultproxy import FaultProxy

STAFF = harness.STAFF
BUSY_TIMEOUT = 10            # seconds: sqlite3_busy_timeout() in store.c
TMPFS_SIZE = "16m"           # the full-disk test's filesystem
HOLD_BUDGET = 30             # seconds for the first reply to reach the proxy
SEND_BUDGET = 60             # seconds for the outbox to drain once the fault is gone
KILL_REQUESTS = 300
KILLS = 12                   # SIGKILLs with work left to do (at least 10)
MAX_KILLS = 40               # SIGKILLs in all, at most
KILL_DELAY = (0.2, 1.5)      # seconds after a start, uniform
FINISH_BUDGET = 240          # seconds for the last run to finish everything
POLL_STEP = 0.2
DOMAIN = "kiemthu.danang.gov.vn"
PKT = "pkt-iid@danang.gov.vn"
MAILBOX_ADDRS = [a for _, a in harness.MAILBOXES]

# the fixtures the SIGKILL test copies, and the mailbox each is addressed to
KILL_FIXTURES = [
    ("01-website_update.eml", "pkt-iid@danang.gov.vn"),
    ("02-mailbox_create.eml", "cntt@danang.gov.vn"),
    ("03-mailbox_change.eml", "admin@danang.gov.vn"),
    ("04-subdomain.eml", "pkt-iid@danang.gov.vn"),
    ("05-server_room.eml", "pkt-iid@danang.gov.vn"),
    ("06-tech_support.eml", "pkt-iid@danang.gov.vn"),
]


class Storage(IntegrationCase):
    BASEPORT = 13300
    EXTRA_CONFIG = "poll_interval = 60;\n"

    def setUp(self):
        super().setUp()
        self.logs = []

    # --- the storage ---------------------------------------------------------------

    def tmpfs(self, name, size):
        """A tmpfs of its own at WORK/name (the test is skipped when mount is
        not permitted); unmounted at cleanup."""
        path = os.path.join(self.work, name)
        os.mkdir(path)
        p = harness.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path])
        if p.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs: {p.stderr.strip()}")
        self.addCleanup(self.umount, path)
        return path

    def umount(self, path):
        if harness.run(["umount", path]).returncode != 0:
            harness.run(["umount", "-l", path])

    def fill(self, directory):
        """Fill the filesystem of directory to the last byte; the filler's path."""
        path = os.path.join(directory, "filler")
        with open(path, "wb", buffering=0) as f:
            for size in (1 << 20, 1 << 16, 4096, 512, 1):
                block = b"\xa5" * size
                while True:
                    try:
                        f.write(block)
                    except OSError as e:
                        if e.errno != errno.ENOSPC:
                            raise
                        break
        st = os.statvfs(directory)
        self.assertEqual(st.f_bavail, 0, f"{directory} not full")
        return path

    def db(self, path=None, timeout=30):
        c = sqlite3.connect(path or os.path.join(self.work, "phieu.db"), timeout=timeout,
                            isolation_level=None)
        self.addCleanup(c.close)
        return c

    # --- phieud ---------------------------------------------------------------------

    def conf_with(self, name, smtp_port=None, top=None):
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(harness.config_text(self.work, self.ms.imap_port,
                                        smtp_port or self.ms.smtp_port,
                                        extra=self.EXTRA_CONFIG, top=top))
        return path

    def proxy(self, rules):
        p = FaultProxy("smtp", ("127.0.0.1", self.ms.smtp_port), rules).start()
        self.addCleanup(p.stop)
        return p

    def start_daemon(self, conf):
        """phieud -c CONF in the background; its log in WORK/phieud-N.log."""
        self.log_path = os.path.join(self.work, f"phieud-{len(self.logs) + 1}.log")
        self.logs.append(self.log_path)
        log = open(self.log_path, "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([harness.PHIEUD, "-c", conf], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(self.kill, proc)
        return proc

    def kill(self, proc, sig=signal.SIGKILL):
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def stop_daemon(self, proc):
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(15), 0, "phieud did not stop cleanly on SIGTERM")

    def daemon_log(self, path=None):
        with open(path or self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def all_logs(self):
        return "".join(self.daemon_log(p) for p in self.logs)

    def wait_for_log(self, text, budget=30, count=1):
        deadline = time.monotonic() + budget
        while self.daemon_log().count(text) < count:
            if time.monotonic() > deadline:
                self.fail(f"phieud did not log {text!r} (x{count}) within {budget} s")
            time.sleep(0.1)

    def diagnostics(self):
        text = super().diagnostics()
        for path in reversed(getattr(self, "logs", [])[-3:]):
            if os.path.exists(path):
                text = f"----- {path}\n{self.daemon_log(path)[-20000:]}\n{text}"
        return text

    def wait_held(self, px, budget=HOLD_BUDGET):
        deadline = time.monotonic() + budget
        while px.stats()["held"] < 1:
            if time.monotonic() > deadline:
                self.fail(f"no reply reached the proxy within {budget} s")
            time.sleep(0.1)

    def wait_sent(self, budget=SEND_BUDGET, conf=None, requests=None):
        """Wait until every outbox row is sent (and at least `requests` requests
        are stored, none of them still waiting for its acknowledgement); the rows."""
        deadline = time.monotonic() + budget
        while True:
            rows = self.outbox(conf=conf)
            listed = self.requests(conf=conf) if requests else []
            if rows and all(o["state"] == "sent" for o in rows) and \
                    (not requests or (len(listed) >= requests and
                                      all(r["state"] != "received" for r in listed))):
                return rows
            if time.monotonic() > deadline:
                states = {}
                for o in rows:
                    states[o["state"]] = states.get(o["state"], 0) + 1
                self.fail(f"outbox not sent within {budget} s: {states}, "
                          f"{len(listed)} request(s)")
            time.sleep(0.5)

    # --- mail -----------------------------------------------------------------------

    def maildir_ids(self, address):
        """The Message-IDs (stripped) of the messages delivered to address."""
        local, _, domain = address.lower().partition("@")
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.ms.dir, "mail", domain, local, sub)
            try:
                names = os.listdir(d)
            except FileNotFoundError:
                continue
            for n in names:
                try:
                    with open(os.path.join(d, n), "rb") as f:
                        head = f.read(16384).split(b"\n\n", 1)[0]
                except FileNotFoundError:
                    continue
                m = re.search(rb"(?mi)^Message-ID:[ \t]*(?:\r?\n[ \t]+)?(\S+)", head)
                out.append(harness.strip_id(m.group(1).decode()) if m else None)
        return out

    def copies(self, rows):
        """{(outbox id, recipient): copies of the row's Message-ID in the recipient's
        maildir} and {recipient: messages there that belong to no row}."""
        got, stray = {}, {}
        by_rcpt = {}
        for o in rows:
            for rcpt in o["to"]:
                by_rcpt.setdefault(rcpt.lower(), set()).add(harness.strip_id(o["message_id"]))
        for rcpt, mids in by_rcpt.items():
            ids = self.maildir_ids(rcpt)
            for o in rows:
                if rcpt in [t.lower() for t in o["to"]]:
                    got[(o["id"], rcpt)] = ids.count(harness.strip_id(o["message_id"]))
            others = [i for i in ids if i not in mids]
            if others:
                stray[rcpt] = others
        return got, stray

    def wait_copies(self, rows, budget=harness.DELIVERY_TIMEOUT):
        """Wait until every reply arrived at least once, then a quiet wait; the counts."""
        deadline = time.monotonic() + budget
        while min(self.copies(rows)[0].values()) < 1:
            if time.monotonic() > deadline:
                got = self.copies(rows)[0]
                self.fail(f"replies missing: {[k for k, n in got.items() if n < 1]}")
            time.sleep(0.5)
        time.sleep(harness.QUIET_WAIT)
        return self.copies(rows)

    def assert_exactly_once(self, rows):
        self.wait_copies(rows)
        # a row queued since `rows` were read (a later notice) is no stray:
        # count against every row sent by now; mail of no row at all still is
        later = [o for o in self.outbox() if o["state"] == "sent" and
                 o["id"] not in {r["id"] for r in rows}]
        if later:
            print(f"\n{len(later)} row(s) sent after the wait: "
                  f"{[o.get('kind') for o in later]}")
        got, stray = self.copies(rows + later)
        twice = {k: n for k, n in got.items() if n != 1}
        self.assertEqual(twice, {}, "replies that did not arrive exactly once "
                         "((outbox id, recipient): copies)")
        self.assertEqual(stray, {}, "mail that belongs to no outbox row")
        return got

    def deliver_all(self, paths):
        """Send fixtures through Postfix; wait until each mailbox has them."""
        want = {}
        for p in paths:
            for rcpt in harness.envelope(p)[1]:
                user = rcpt
                want[user] = want.get(user, self.ms.count(user)) + 1
            self.ms.send(p)
        for user, n in want.items():
            self.ms.wait_delivered(user, n)

    def store_dir_conf(self, directory):
        """The configuration lines that put the database and spool in directory."""
        return f'database = "{directory}/phieu.db";\nspool = "{directory}/spool";\n'

    # --- 1. the disk fills up while replies are being sent -------------------------------

    def test_full_filesystem_while_sending(self):
        fs = self.tmpfs("store", TMPFS_SIZE)
        top = self.store_dir_conf(fs)
        self.conf = self.conf_with("phieu.conf", top=top)
        paths = [harness.fixture(n) for n in ("01-website_update.eml", "02-mailbox_create.eml",
                                              "03-mailbox_change.eml", "04-subdomain.eml",
                                              "05-server_room.eml", "06-tech_support.eml")]
        self.deliver_all(paths)

        # stored, replies queued: the SMTP server is not there yet
        closed = self.conf_with("closed.conf", smtp_port=harness.closed_port(), top=top)
        self.once(expect=harness.EX_TEMPFAIL, conf=closed)
        queued = self.outbox()
        self.assertEqual(len(self.requests()), 6)
        self.assertTrue(queued and all(o["state"] == "queued" for o in queued), f"{queued}")

        px = self.proxy([{"fault": "hold_data_reply", "seconds": 120}])
        proc = self.start_daemon(self.conf_with("proxied.conf", smtp_port=px.port, top=top))
        self.wait_held(px)

        # the disk fills up while the server is taking the first reply
        filler = self.fill(fs)
        px.release()
        t0 = time.monotonic()
        self.wait_for_log("cannot record that", budget=15)
        self.wait_for_log("again in 2000 ms", budget=15)
        full_for = time.monotonic() - t0
        self.assertEqual(px.stats()["data_transactions"], 1,
                         "another reply was sent while the first one's result was unrecorded")
        self.assertIsNone(proc.poll(), f"phieud exited on a full disk:\n{self.daemon_log()}")
        os.unlink(filler)

        rows = self.wait_sent()
        self.assertEqual(len(rows), len(queued))
        got = self.assert_exactly_once(rows)
        log = self.daemon_log()
        failures = log.count("cannot record that")
        waits = re.findall(r"cannot record that .*again in (\d+) ms", log)
        print(f"\ndisk full for {full_for:.1f} s: {failures} failed recording(s), waits "
              f"{', '.join(waits)} ms; {px.stats()['data_transactions']} messages sent for "
              f"{len(rows)} rows, {sum(got.values())} copies delivered")
        self.assertEqual(px.stats()["data_transactions"], len(rows),
                         "a reply went to the server more than once")
        self.assertRegex(log, r"cannot record that \S+ \S+ was sent: .*(full|FULL)")
        self.assertEqual([int(w) for w in waits[:2]], [1000, 2000], "no growing backoff")

        # the disk fills up again, the daemon idle, and a request arrives
        counts = {u: self.ms.count(u) for u in (PKT,)}
        done = self.ms.count(PKT, "$PhieuDone")
        filler = self.fill(fs)
        late = harness.fixture("10-cc-two-mailboxes.eml")
        late_sender = harness.envelope(late)[0]
        self.deliver_all([late])
        self.wait_for_log("batch not stored (nothing marked)", budget=30)
        self.assertEqual(self.ms.count(PKT, "$PhieuDone"), done,
                         "a message was marked although its batch was not stored")
        self.assertEqual(px.stats()["data_transactions"], len(rows))
        os.unlink(filler)
        rows = self.wait_sent(requests=7)
        self.assertEqual(len(self.requests()), 7)
        got = self.assert_exactly_once(rows)
        self.assertEqual(len(self.maildir_ids(late_sender)), 1)
        self.assertEqual(px.stats()["data_transactions"], len(rows))
        self.assertGreater(self.ms.count(PKT, "$PhieuDone"), done)
        print(f"full again with the daemon idle: batch rolled back "
              f"{self.daemon_log().count('batch not stored')} time(s), then stored; "
              f"{len(rows)} rows, each reply once")
        self.stop_daemon(proc)
        del counts

    # --- 1b. killed mid-send, started again on a full disk or under a lock -------------------

    def killed_mid_send(self, top=None):
        """Two requests; phieud killed while Postfix's 250 to the first reply is
        held (that reply was delivered); the row left in `sending`."""
        self.deliver_all([harness.fixture("04-subdomain.eml"),
                          harness.fixture("05-server_room.eml")])
        px = self.proxy([{"fault": "hold_data_reply", "seconds": 120}])
        proc = self.start_daemon(self.conf_with("proxied.conf", smtp_port=px.port, top=top))
        self.wait_held(px)
        proc.kill()
        proc.wait(10)
        px.release()
        sending = [o for o in self.outbox() if o["state"] == "sending"]
        self.assertEqual(len(sending), 1, f"{self.outbox()}")
        return sending[0]

    def interrupted_sent_again(self, proc, interrupted, what):
        """Every row sent; each reply once, the interrupted one at most twice."""
        rows = self.wait_sent(budget=SEND_BUDGET, requests=2)
        got, stray = self.wait_copies(rows)
        self.assertEqual(stray, {}, "mail that belongs to no outbox row")
        twice = {k: n for k, n in got.items() if n != 1}
        print(f"\nkilled mid-send, {what}: {len(rows)} rows sent; arrived other than "
              f"once: {twice}")
        self.assertTrue(all(oid == interrupted["id"] and n == 2 for (oid, _), n in twice.items()),
                        f"only the interrupted reply may arrive twice: {got}")
        self.assertIn(f"sending {interrupted['kind']} {interrupted['message_id']} again after "
                      "an interruption", self.daemon_log())
        self.stop_daemon(proc)

    def test_full_filesystem_at_restart(self):
        fs = self.tmpfs("store", TMPFS_SIZE)
        top = self.store_dir_conf(fs)
        self.conf = self.conf_with("phieu.conf", top=top)
        interrupted = self.killed_mid_send(top)
        rows = self.outbox()
        before = self.copies(rows)

        # started again straight at Postfix, on a disk with no room left: it may
        # refuse to start, but it sends nothing it cannot record
        filler = self.fill(fs)
        proc = self.start_daemon(self.conf)
        time.sleep(5)
        refused = proc.poll()
        self.assertEqual(self.copies(rows), before, "a reply was sent with the disk full")
        os.unlink(filler)
        if refused is not None:
            print(f"\nphieud exited {refused} on the full disk: "
                  f"{self.daemon_log().strip().splitlines()[-1]}")
            self.assertEqual(refused, harness.EX_TEMPFAIL,
                             "a full disk at start is temporary (75), not a bad "
                             "configuration (2)")
            proc = self.start_daemon(self.conf)
        self.interrupted_sent_again(proc, interrupted, "restarted on a full disk")

    def test_new_database_on_full_disk(self):
        fs = self.tmpfs("empty", TMPFS_SIZE)
        conf = self.conf_with("phieu-full.conf", top=self.store_dir_conf(fs))
        filler = self.fill(fs)
        p = self.phieud("--once", conf=conf, expect=harness.EX_TEMPFAIL)
        self.assertIn("temporary", p.stderr, "a full disk is not told as temporary")
        os.unlink(filler)
        self.phieud("--once", conf=conf, expect=0)

    def test_write_lock_at_restart(self):
        interrupted = self.killed_mid_send()
        c = self.db()
        c.execute("BEGIN IMMEDIATE")
        try:
            proc = self.start_daemon(self.conf)
            self.wait_for_log("queueing interrupted messages again", budget=BUSY_TIMEOUT + 15)
        finally:
            c.execute("ROLLBACK")
        self.assertIsNone(proc.poll(), f"phieud exited:\n{self.daemon_log()}")
        self.interrupted_sent_again(proc, interrupted, "restarted under a write lock")

    # --- 2. another program holds the write lock past the busy timeout --------------------

    def test_write_lock_longer_than_busy_timeout(self):
        paths = [harness.fixture(n) for n in ("04-subdomain.eml", "05-server_room.eml",
                                              "06-tech_support.eml")]
        self.deliver_all(paths)
        px = self.proxy([{"fault": "hold_data_reply", "seconds": 120}])
        proc = self.start_daemon(self.conf_with("proxied.conf", smtp_port=px.port))
        self.wait_held(px)

        c = self.db()
        c.execute("BEGIN IMMEDIATE")
        locked_at = time.monotonic()
        try:
            px.release()
            # two busy timeouts and the wait between them
            self.wait_for_log("cannot record that", budget=2 * BUSY_TIMEOUT + 10, count=2)
            locked_for = time.monotonic() - locked_at
            self.assertEqual(px.stats()["data_transactions"], 1,
                             "a reply was sent while the first one's result was unrecorded")
        finally:
            c.execute("ROLLBACK")
        self.assertGreaterEqual(locked_for, 2 * BUSY_TIMEOUT - 1,
                                "phieud gave up before its busy timeout")

        rows = self.wait_sent(requests=3)
        got = self.assert_exactly_once(rows)
        log = self.daemon_log()
        waits = re.findall(r"cannot record that .*again in (\d+) ms", log)
        print(f"\nwrite lock held {locked_for:.1f} s: {len(waits)} failed recording(s), "
              f"waits {', '.join(waits)} ms; {px.stats()['data_transactions']} messages sent "
              f"for {len(rows)} rows, {sum(got.values())} copies delivered")
        self.assertEqual([int(w) for w in waits], [1000, 2000])
        self.assertRegex(log, r"cannot record that \S+ \S+ was sent: .*locked")
        self.assertEqual(px.stats()["data_transactions"], len(rows),
                         "a reply went to the server more than once")
        self.stop_daemon(proc)

    # --- 3. SIGKILL at random moments ------------------------------------------------------

    def generate(self, n):
        """n requests from the fixtures, each with a sender and Message-ID of its own,
        in WORK/gen/USER/; {message_id: sender}."""
        made = {}
        for i in range(n):
            name, user = KILL_FIXTURES[i % len(KILL_FIXTURES)]
            path = harness.fixture(name)
            with open(path, "rb") as f:
                raw = f.read()
            old = harness.envelope(path)[0]
            sender = f"nguoi{i:03d}@{DOMAIN}"
            raw = re.sub(re.escape(old).encode(), sender.encode(), raw, flags=re.I)
            mid = f"storage-kill-{i:03d}-{os.getpid()}@{DOMAIN}"
            raw = re.sub(rb"(?mi)^Message-ID:.*$", f"Message-ID: <{mid}>".encode(), raw,
                         count=1)
            d = os.path.join(self.work, "gen", user)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, f"{i:03d}.eml"), "wb") as f:
                f.write(raw)
            made[mid] = sender
        return made

    def progress(self):
        """(requests stored, outbox rows not sent); (0, 0) while phieud has not
        made its schema yet (a kill may come that early)."""
        path = os.path.join(self.work, "phieu.db")
        try:
            c = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)
            try:
                return c.execute("SELECT (SELECT count(*) FROM requests), "
                                 "(SELECT count(*) FROM outbox WHERE state <> 'sent')").fetchone()
            finally:
                c.close()
        except sqlite3.OperationalError as e:
            if "no such table" in str(e) or "unable to open" in str(e):
                return (0, 0)
            raise

    def test_sigkill_at_random_moments(self):
        seed = int(os.environ.get("PHIEU_IT_SEED") or random.SystemRandom().randrange(1 << 30))
        rng = random.Random(seed)
        print(f"\nseed {seed} (PHIEU_IT_SEED={seed} replays the delays)")
        made = self.generate(KILL_REQUESTS)
        for user in MAILBOX_ADDRS:
            self.ms.mailtool("append", "--user", user, os.path.join(self.work, "gen", user))
        self.assertEqual(sum(self.ms.count(u) for u in MAILBOX_ADDRS),
                         KILL_REQUESTS)

        t0 = time.monotonic()
        kills, delays, progress = 0, [], []
        busy_kills = 0      # kills with work left (requests to store or replies to send)
        while busy_kills < KILLS and kills < MAX_KILLS:
            proc = self.start_daemon(self.conf)
            delay = rng.uniform(*KILL_DELAY)
            time.sleep(delay)
            self.assertIsNone(proc.poll(), f"phieud exited by itself:\n{self.daemon_log()}")
            proc.kill()
            proc.wait(10)
            kills += 1
            delays.append(delay)
            stored, unsent = self.progress()
            progress.append((stored, unsent))
            if stored < KILL_REQUESTS or unsent > 0:
                busy_kills += 1
        killed_for = time.monotonic() - t0
        print(f"{kills} kills ({busy_kills} with work left) in {killed_for:.1f} s (delays "
              f"{', '.join(f'{d:.1f}' for d in delays)} s); requests stored/replies unsent "
              f"after each: {' '.join(f'{r}/{u}' for r, u in progress)}")
        self.assertGreaterEqual(busy_kills, 10, "fewer than 10 kills came while there was work")

        proc = self.start_daemon(self.conf)
        rows = self.wait_sent(budget=FINISH_BUDGET, requests=KILL_REQUESTS)
        finished = time.monotonic() - t0
        self.stop_daemon(proc)

        # every message stored exactly once, and marked
        listed = self.requests()
        per_mid = {}
        c = self.db()
        for mid, in c.execute("SELECT message_id FROM requests"):
            mid = harness.strip_id(mid)
            per_mid[mid] = per_mid.get(mid, 0) + 1
        c.close()
        self.assertEqual(len(listed), sum(per_mid.values()))
        self.assertEqual({m: n for m, n in per_mid.items() if n != 1}, {},
                         "a message stored more than once")
        self.assertEqual(set(per_mid), set(made), "requests missing or unknown")
        self.assertEqual(sum(self.ms.count(u, "$PhieuDone") for u in MAILBOX_ADDRS),
                         KILL_REQUESTS)

        # every sender acknowledged; duplicates only of interrupted rows, by Message-ID
        got, stray = self.wait_copies(rows, budget=60)
        self.assertEqual(stray, {}, "mail that belongs to no outbox row (a reply sent with "
                         "another Message-ID?)")
        missing = [k for k, n in got.items() if n < 1]
        self.assertEqual(missing, [], "replies that never arrived")
        acked = {t.lower() for o in rows if o["kind"] == "ack" for t in o["to"]}
        self.assertEqual(set(made.values()) - acked, set(), "senders without an ack row")
        for mid, sender in made.items():
            self.assertGreaterEqual(len(self.maildir_ids(sender)), 1, f"{sender} not acked")
        by_id = {o["id"]: o for o in rows}
        extra = {k: n - 1 for k, n in got.items() if n > 1}
        resent = {oid for oid, _ in extra}
        interrupted = [o for o in rows if o["interrupted"] > 0]
        extra_acks = sum(n for (oid, _), n in extra.items() if by_id[oid]["kind"] == "ack")
        print(f"finished {finished:.1f} s after the first start: {len(listed)} requests, "
              f"{len(rows)} outbox rows, {len(interrupted)} interrupted and sent again, "
              f"{len(resent)} re-sent message(s) arrived twice "
              f"({sum(extra.values())} extra copies, {extra_acks} of acks) after {kills} kills")
        self.assertTrue(all(by_id[oid]["interrupted"] >= 1 for oid in resent),
                        f"a reply arrived twice that was never interrupted: {extra}")
        self.assertLessEqual(extra_acks, kills, "more duplicate acks than kills")
        self.assertLessEqual(sum(extra.values()), kills * max(
            len(o["to"]) for o in rows), "more duplicates than kills")
        self.assertLessEqual(len(resent), kills, "more re-sent messages than kills")
        self.assertLessEqual(sum(o["interrupted"] for o in rows), kills)


if __name__ == "__main__":
    harness.main()
