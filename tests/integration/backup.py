#!/usr/bin/env python3
"""backup.py - phieuctl backup, verify and a restore, on data made by phieud.

The six fixtures of mail/ and the attachments of mail/attach/ go through the
private Postfix and Dovecot and `phieud --once` (requests, raw messages,
attachments, sent replies in the spool).  Then:

  test_backup_restore
      `phieuctl backup DIR` (database snapshot, spool, MANIFEST.json);
      `verify` of the live data and of the backup: OK; a second backup copies
      no spool file again; the database and spool wiped, then restored as the
      README says (copy phieu.db and spool/ back): `list --json` and `show
      --json` of every request are the same as before, and `verify` is OK.
  test_verify_detects
      a spool file deleted and another one modified: `verify` exits 1 and
      names both (missing, modified); a stray file is reported as an orphan
      without failing.
  test_backup_during_intake
      phieud runs as a daemon while 200 requests arrive through Postfix;
      backups are taken again and again meanwhile: each one verifies (every
      file its database names is in its spool), and one taken mid-way holds
      some but not all of them, each as the live database had it; after the
      last request, a final backup, wipe and restore give the same list.
  test_retention
      retention_days = 30 and one request closed (state and time set in the
      database) 40 days ago: `prune` removes its raw message and sent replies,
      keeps its row and history with a spool_pruned event, touches no other
      request's files, and `verify` stays OK; a second prune does nothing;
      with retention_days = 0 (the default) nothing is removed.
"""

import glob
import json
import os
import re
import shutil
import smtplib
import sqlite3
import subprocess
import threading
import time

import harness
from harness import IntegrationCase


class Backup(IntegrationCase):
    BASEPORT = 10760

    def setUp(self):
        super().setUp()
        paths = sorted(glob.glob(os.path.join(harness.SRCDIR, "tests", "integration", "mail",
                                              "0*.eml")))
        paths += sorted(glob.glob(os.path.join(harness.SRCDIR, "tests", "integration", "mail",
                                               "attach", "*.eml")))[:3]
        per_box = {}
        for path in paths:
            self.ms.send(path)
            for rcpt in harness.envelope(path)[1]:
                per_box[rcpt] = per_box.get(rcpt, 0) + 1
        for user, n in per_box.items():
            self.ms.wait_delivered(user, n)
        self.once(expect=0)
        self.spool = os.path.join(self.work, "spool")

    def ctl(self, *args, expect=0):
        p = harness.run([harness.PHIEUCTL, "-c", self.conf, *args])
        self.assertEqual(p.returncode, expect, f"phieuctl {' '.join(args)} exited "
                         f"{p.returncode}:\n{p.stdout}{p.stderr}")
        return p.stdout

    def snapshot(self):
        """Every request as list --json and show --json print it."""
        listed = self.ctl_json("list")
        return listed, [self.ctl_json("show", r["id"]) for r in listed]

    def spool_files(self, root):
        return sorted(os.path.relpath(os.path.join(d, f), root)
                      for d, _, fs in os.walk(root) for f in fs)

    def test_backup_restore(self):
        before = self.snapshot()
        self.assertGreaterEqual(len(before[0]), 6)
        dest = os.path.join(self.work, "backup")
        out = self.ctl("backup", dest)
        self.assertIn("manifest", out)
        manifest = json.load(open(os.path.join(dest, "MANIFEST.json"), encoding="utf-8"))
        files = self.spool_files(self.spool)
        self.assertEqual(manifest["spool"]["files"], len(files))
        self.assertEqual(manifest["spool"]["copied"], len(files))
        self.assertEqual(self.spool_files(os.path.join(dest, "spool")), files)
        self.assertTrue(any(f.startswith("att/") for f in files), files)
        self.assertTrue(any(f.startswith("sent/") for f in files), files)
        self.assertIn("verify OK", self.ctl("verify"))
        self.assertIn("verify OK", self.ctl("verify", dest))
        # incremental: nothing new, nothing copied
        self.ctl("backup", dest)
        manifest = json.load(open(os.path.join(dest, "MANIFEST.json"), encoding="utf-8"))
        self.assertEqual(manifest["spool"]["copied"], 0)

        # wipe, then restore as README's "Backup and restore" says
        db = os.path.join(self.work, "phieu.db")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.unlink(f)
        shutil.rmtree(self.spool)
        shutil.copy2(os.path.join(dest, "phieu.db"), db)
        shutil.copytree(os.path.join(dest, "spool"), self.spool)
        self.assertEqual(self.snapshot(), before)
        self.assertIn("verify OK", self.ctl("verify"))
        self.assertEqual(self.spool_files(self.spool), files)

    def test_verify_detects(self):
        files = [f for f in self.spool_files(self.spool) if f.startswith("raw/")]
        self.assertGreaterEqual(len(files), 2)
        gone, changed = (os.path.join(self.spool, f) for f in files[:2])
        os.unlink(gone)
        with open(changed, "ab") as f:
            f.write(b"\nX-Tampered: yes\n")
        stray = os.path.join(self.spool, "raw", "00", "stray.eml")
        os.makedirs(os.path.dirname(stray), exist_ok=True)
        with open(stray, "w", encoding="utf-8") as f:
            f.write("nobody's\n")
        out = self.ctl("verify", expect=1)
        self.assertIn(f"missing   {gone}", out)
        self.assertIn(f"modified  {changed}", out)
        self.assertIn("orphan", out)
        self.assertIn("stray.eml", out)
        self.assertIn("verify FAILED", out)

    def requests_now(self):
        with sqlite3.connect(os.path.join(self.work, "phieu.db"), timeout=30) as con:
            return con.execute("SELECT count(*) FROM requests").fetchone()[0]

    def test_backup_during_intake(self):
        total = 200
        start = self.requests_now()
        with open(harness.fixture("06-tech_support.eml"), "rb") as f:
            template = f.read()
        old = harness.envelope(harness.fixture("06-tech_support.eml"))[0].encode()

        def send_all():
            with smtplib.SMTP("127.0.0.1", self.ms.smtp_port, timeout=60) as smtp:
                for i in range(total):
                    sender = f"bk{i}@hoavang.danang.gov.vn"
                    raw = template.replace(old, sender.encode())
                    raw = re.sub(rb"(?mi)^Message-ID:.*$",
                                 f"Message-ID: <backup-{i}-{os.getpid()}@test>".encode(), raw,
                                 count=1)
                    smtp.sendmail(sender, ["pkt-iid@danang.gov.vn"],
                                  re.sub(rb"\r?\n", b"\r\n", raw))

        log = open(os.path.join(self.work, "daemon.log"), "wb")
        self.addCleanup(log.close)
        proc = subprocess.Popen([harness.PHIEUD, "-c", self.conf], stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        sender = threading.Thread(target=send_all)
        sender.start()
        mid, n_backups = None, 0
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            dest = os.path.join(self.work, f"backup-{n_backups}")
            self.ctl("backup", dest)
            n_backups += 1
            self.assertIn("verify OK", self.ctl("verify", dest))
            with sqlite3.connect(os.path.join(dest, "phieu.db")) as con:
                held = con.execute("SELECT count(*) FROM requests").fetchone()[0]
            if mid is None and start < held < start + total:
                mid = dest
            if held >= start + total:
                break
            time.sleep(0.3)
        sender.join(60)
        self.assertGreaterEqual(self.requests_now(), start + total)
        self.assertIsNotNone(mid, f"no backup caught the intake mid-way ({n_backups} taken)")
        print(f"{n_backups} backups during the intake of {total} requests")
        proc.send_signal(2)
        self.assertEqual(proc.wait(30), 0)

        # what the mid-way backup holds, the live database has the same
        final = self.ctl_json("list")
        mid_conf = self.write_config(name="mid.conf",
                                     top=f'database = "{mid}/phieu.db";\nspool = "{mid}/spool";\n')
        held = self.ctl_json("list", conf=mid_conf)
        live = {r["id"]: r for r in final}
        self.assertTrue(0 < len(held) < len(final))
        for r in held:
            self.assertIn(r["id"], live)
            self.assertEqual(r["type"], live[r["id"]]["type"])

        dest = os.path.join(self.work, "backup-final")
        self.ctl("backup", dest)
        db = os.path.join(self.work, "phieu.db")
        for f in (db, db + "-wal", db + "-shm"):
            if os.path.exists(f):
                os.unlink(f)
        shutil.rmtree(self.spool)
        shutil.copy2(os.path.join(dest, "phieu.db"), db)
        shutil.copytree(os.path.join(dest, "spool"), self.spool)
        self.assertEqual(self.ctl_json("list"), final)
        self.assertIn("verify OK", self.ctl("verify"))

    def test_retention(self):
        listed = self.ctl_json("list")
        victim = listed[0]["id"]
        db = os.path.join(self.work, "phieu.db")
        with sqlite3.connect(db) as con:
            con.execute("UPDATE requests SET state = 'closed', updated = "
                        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-40 days') WHERE number = ?",
                        (victim,))
            rid = con.execute("SELECT id FROM requests WHERE number = ?", (victim,)).fetchone()[0]
            mine = {r[0] for r in con.execute(
                "SELECT spool_path FROM messages WHERE request_id = ? UNION "
                "SELECT spool_path FROM outbox WHERE request_id = ? AND spool_path IS NOT NULL",
                (rid, rid))}
        self.assertTrue(mine)
        before = self.spool_files(self.spool)
        self.assertIn("every spool file is kept", self.ctl("prune"))
        self.assertEqual(self.spool_files(self.spool), before)

        self.conf = self.write_config(name="retention.conf",
                                      extra=self.EXTRA_CONFIG + "retention_days = 30;\n")
        out = self.ctl("prune")
        self.assertIn("1 request(s) final before", out)
        for path in mine:
            self.assertFalse(os.path.exists(path), path)
        after = self.spool_files(self.spool)
        self.assertEqual(len(before) - len(after), len(mine))
        shown = self.ctl_json("show", victim)
        pruned = [e for e in shown["history"] if e["event"] == "spool_pruned"]
        self.assertEqual(len(pruned), 1, shown["history"])
        self.assertIn("retention_days = 30", pruned[0]["detail"])
        self.assertEqual(len(self.ctl_json("list")), len(listed))
        self.assertIn("verify OK", self.ctl("verify"))
        self.assertIn("0 request(s) final before", self.ctl("prune"))


if __name__ == "__main__":
    harness.main()
