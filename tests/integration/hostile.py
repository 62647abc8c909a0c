#!/usr/bin/env python3
"""hostile.py - the hostile-input catalogue (tests/hostile/gen.py) through phieud.

Writes the catalogue, APPENDs each message to pkt-iid@'s INBOX over IMAP
(mailtool.py append, one message at a time, so one the server refuses is
named and the rest go in), runs `phieud --once` and checks:

  - phieud exits 0 or 75, not killed by a signal, no core file;
  - every appended UID has an outcome in the database: a `messages` row, or a
    `quarantine` row (nothing silently skipped);
  - every reply phieu queued or sent (outbox, its body in outbox_bodies or, once
    sent, in the spool) has well-formed headers: each line ends in CRLF, no
    bare CR, no NUL, only header names phieu writes (no Bcc: and nothing else
    a hostile Subject, From, Message-ID or References could have smuggled in),
    and no recipient is victim@example.org, in the envelope or the headers;
  - a second `phieud --once` stores nothing and queues nothing new.
The limits against floods are lifted (every message comes from few senders),
so each message that deserves an acknowledgement gets one and is checked.
"""

import json
import os
import re
import sqlite3
import subprocess
import sys

import harness
from harness import IntegrationCase

VICTIM = b"victim@example.org"
# Every header name phieu's replies and notices may carry (lower case).
ALLOWED_HEADERS = {
    "from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references",
    "mime-version", "content-type", "content-transfer-encoding", "auto-submitted",
    "x-auto-response-suppress", "precedence", "reply-to", "content-disposition",
    "content-language", "x-phieu-request", "x-phieu-kind", "list-unsubscribe",
}
ONCE_TIMEOUT = 1800


class Hostile(IntegrationCase):
    BASEPORT = 13900
    EXTRA_CONFIG = ("limit_hour = 1000000; limit_address_hour = 100000; "
                    "limit_address_day = 100000; limit_notice_hour = 1000; limit_reack_day = 1000;\n")

    def generate(self):
        out = os.path.join(self.work, "catalogue")
        gen = os.path.join(harness.SRCDIR, "tests", "hostile", "gen.py")
        subprocess.run([sys.executable, gen, out], check=True, stdout=subprocess.DEVNULL,
                       timeout=600)
        with open(os.path.join(out, "catalogue.json"), encoding="utf-8") as f:
            return out, [e for e in json.load(f) if e["expect"].get("mail", True)]

    def append_all(self, out, entries):
        """APPEND each message; return {uid: entry} (UIDs 1.. in order) and the refused."""
        by_uid, refused = {}, []
        for e in entries:
            try:
                self.ms.mailtool("append", "--user", "pkt-iid@danang.gov.vn",
                                 os.path.join(out, e["file"]), timeout=300)
            except AssertionError as err:
                refused.append((e["name"], str(err)[-200:]))
                continue
            by_uid[len(by_uid) + 1] = e
        return by_uid, refused

    def db(self):
        con = sqlite3.connect(os.path.join(self.work, "phieu.db"), timeout=30)
        con.row_factory = sqlite3.Row
        return con

    def outcomes(self, con):
        """{uid: outcome} of pkt-iid's messages and quarantine rows."""
        got = {}
        for r in con.execute("SELECT uid, outcome FROM messages WHERE mailbox = 'pkt-iid'"):
            got[r["uid"]] = r["outcome"]
        for r in con.execute("SELECT uid, state FROM quarantine WHERE mailbox = 'pkt-iid'"):
            got.setdefault(r["uid"], "quarantine:" + r["state"])
        return got

    def reply_bodies(self, con):
        """(id, kind, mail_from, rcpt, bytes) of every outbox row."""
        cols = {r[1] for r in con.execute("PRAGMA table_info(outbox)")}
        has_bodies = con.execute("SELECT count(*) FROM sqlite_master WHERE name = "
                                 "'outbox_bodies'").fetchone()[0] > 0
        q = ("SELECT o.id, o.kind, o.mail_from, o.rcpt, o.spool_path, "
             + ("b.data" if has_bodies else "o.data") + " AS data FROM outbox o"
             + (" LEFT JOIN outbox_bodies b ON b.id = o.id" if has_bodies else ""))
        assert "spool_path" in cols
        rows = []
        for r in con.execute(q):
            data = r["data"]
            if not data and r["spool_path"]:
                path = r["spool_path"]
                if not os.path.isabs(path):
                    path = os.path.join(self.work, "spool", path)
                with open(path, "rb") as f:
                    data = f.read()
            rows.append((r["id"], r["kind"], r["mail_from"], r["rcpt"], bytes(data or b"")))
        return rows

    def check_reply(self, oid, kind, mail_from, rcpt, data):
        """Problems with one queued reply's headers and envelope."""
        problems = []
        what = f"outbox {oid} ({kind}, to {rcpt})"
        if VICTIM.decode() in (rcpt or "").lower() or VICTIM.decode() in (mail_from or "").lower():
            problems.append(f"{what}: the envelope names {VICTIM.decode()}")
        if not data:
            return problems + [f"{what}: no body found"]
        head, sep, _ = data.partition(b"\r\n\r\n")
        if not sep:
            problems.append(f"{what}: no CRLF CRLF ending the header")
        if b"\x00" in head:
            problems.append(f"{what}: a NUL in the header")
        if re.search(rb"\r(?!\n)", head) or re.search(rb"(?<!\r)\n", head):
            problems.append(f"{what}: a bare CR or LF in the header")
        names = []
        for line in head.split(b"\r\n"):
            if line[:1] in (b" ", b"\t"):
                continue
            name, colon, _ = line.partition(b":")
            if not colon or not re.fullmatch(rb"[A-Za-z0-9-]+", name):
                problems.append(f"{what}: not a header line: {line[:80]!r}")
                continue
            names.append(name.decode().lower())
        for n in names:
            if n not in ALLOWED_HEADERS:
                problems.append(f"{what}: header {n!r} phieu never writes")
        for n in ("from", "to", "subject", "message-id", "date"):
            if names.count(n) != 1:
                problems.append(f"{what}: {names.count(n)} {n} headers")
        for line in head.split(b"\r\n"):
            low = line.lower()
            if low.startswith((b"to:", b"cc:", b"bcc:", b"reply-to:")) and VICTIM in low:
                problems.append(f"{what}: {line[:80]!r}")
        return problems

    def test_catalogue_through_phieud(self):
        # the header check itself: each of these replies must be caught
        good = (b"From: pkt-iid@danang.gov.vn\r\nTo: a@b.c\r\nSubject: x\r\nDate: d\r\n"
                b"Message-ID: <m@x>\r\n\r\nbody")
        self.assertEqual(self.check_reply(0, "ack", "p@x", "a@b.c", good), [])
        for bad, rcpt in ((good.replace(b"Subject: x", b"Subject: x\r\nBcc: victim@example.org"),
                           "a@b.c"),
                          (good.replace(b"Subject: x", b"Subject: x\rBcc: y"), "a@b.c"),
                          (good.replace(b"Subject: x", b"Subject: x\x00"), "a@b.c"),
                          (good.replace(b"To: a@b.c", b"To: a@b.c, victim@example.org"), "a@b.c"),
                          (good, "victim@example.org")):
            self.assertNotEqual(self.check_reply(0, "ack", "p@x", rcpt, bad), [], bad)

        out, entries = self.generate()
        by_uid, refused = self.append_all(out, entries)
        print(f"\nappended {len(by_uid)} of {len(entries)} messages; refused by the server: "
              f"{', '.join(n for n, _ in refused) or 'none'}", file=sys.stderr)
        self.assertGreaterEqual(len(by_uid), 100, f"too few messages appended: {refused}")

        p = self.phieud("--once", timeout=ONCE_TIMEOUT)
        self.assertIn(p.returncode, (0, harness.EX_TEMPFAIL),
                      f"phieud --once exited {p.returncode}:\n{p.stderr[-3000:]}")
        cores = [f for f in os.listdir(self.work) if f.startswith("core")]
        self.assertEqual(cores, [], "phieud left a core file")

        con = self.db()
        try:
            got = self.outcomes(con)
            missing = {uid: e["name"] for uid, e in by_uid.items() if uid not in got}
            self.assertEqual(missing, {}, "UIDs with no outcome (skipped in silence)")
            kinds = {}
            for o in got.values():
                kinds[o] = kinds.get(o, 0) + 1
            print(f"outcomes: {json.dumps(kinds, sort_keys=True)}", file=sys.stderr)

            replies = self.reply_bodies(con)
            problems = []
            for r in replies:
                problems += self.check_reply(*r)
            self.assertEqual(problems, [], "replies with smuggled or broken headers")
            print(f"replies checked: {len(replies)}", file=sys.stderr)
            self.assertGreater(len(replies), 0, "no reply queued at all")
            before = (con.execute("SELECT count(*) FROM messages").fetchone()[0],
                      con.execute("SELECT count(*) FROM outbox").fetchone()[0],
                      con.execute("SELECT count(*) FROM requests").fetchone()[0])
        finally:
            con.close()

        p = self.phieud("--once", timeout=ONCE_TIMEOUT)
        self.assertIn(p.returncode, (0, harness.EX_TEMPFAIL), p.stderr[-3000:])
        con = self.db()
        try:
            after = (con.execute("SELECT count(*) FROM messages").fetchone()[0],
                     con.execute("SELECT count(*) FROM outbox").fetchone()[0],
                     con.execute("SELECT count(*) FROM requests").fetchone()[0])
        finally:
            con.close()
        self.assertEqual(after, before, "a second run stored or queued something new "
                                        "(messages, outbox, requests)")


if __name__ == "__main__":
    harness.main()
