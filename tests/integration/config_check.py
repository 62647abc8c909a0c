#!/usr/bin/env python3
"""config_check.py - `phieud -n` on good and bad configurations; password_file.

A bad configuration (unknown key, missing or empty mailboxes, a value of the
wrong type or out of range, a syntax error, an unreadable password_file) makes
`phieud -n` exit 2 with "FILE:LINE: key: what" on stderr; a good one prints
"configuration OK" and exits 0 without touching the network.  password_file
is read and used to log in: with the right secret in it `--once` works, with a
wrong one the logins fail and `--once` exits 75.  `phieud -n --check-servers`
against the real servers: every check "ok" (login, SELECT, PERMANENTFLAGS,
the search, a test keyword set and taken off without a trace, the move
folder's name, SMTP), exit 0; wrong passwords exit 2, a closed port 75.
Started as root with user = "nobody", `--once` runs as nobody: the database
is nobody's with mode 0600, spool files nobody's and closed to others;
without user it works and warns that it runs as root; user = "root" exits 2.
"""

import os
import pwd
import re
import shutil
import tempfile
import unittest

import harness
from harness import IntegrationCase


def numbered(text, needle):
    """The 1-based number of the first line of text containing needle."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in the configuration")


class CheckMode(unittest.TestCase):
    """phieud -n, no server needed: nothing listens on the ports it names."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="phieu-it-cfg-", dir="/tmp")
        self.addCleanup(shutil.rmtree, self.work, True)
        port = harness.closed_port()
        self.good = harness.config_text(self.work, port, port)

    def check(self, text, name="phieu.conf"):
        """Write text as a configuration and run phieud -n on it."""
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path, harness.run([harness.PHIEUD, "-c", path, "-n"])

    def assert_bad(self, text, key, line=None, name="bad.conf"):
        """Exit 2, and stderr says FILE:LINE: and names the key."""
        path, p = self.check(text, name)
        self.assertEqual(p.returncode, 2, f"phieud -n exited {p.returncode} on:\n{text}\n"
                                          f"stdout: {p.stdout}\nstderr: {p.stderr}")
        self.assertNotIn("configuration OK", p.stdout)
        m = re.search(re.escape(path) + r":(\d+):", p.stderr)
        self.assertIsNotNone(m, f"stderr does not name {path}:LINE: {p.stderr!r}")
        if line is not None:
            self.assertEqual(int(m.group(1)), line, f"wrong line in {p.stderr!r}")
        self.assertIn(key, p.stderr, f"stderr does not name {key}: {p.stderr!r}")
        return p

    def test_good_configuration(self):
        path, p = self.check(self.good)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "configuration OK")
        self.assertFalse(os.path.exists(os.path.join(self.work, "phieu.db")),
                         "-n created the database")

    def test_unknown_key(self):
        text = self.good.replace('finance = ', 'colour = "blue";\nfinance = ')
        self.assert_bad(text, "colour", numbered(text, "colour"))

    def test_unknown_key_in_mailbox(self):
        text = self.good.replace('name = "cntt";', 'name = "cntt"; pasword = "x";')
        self.assert_bad(text, "pasword", numbered(text, "pasword"))

    def test_missing_mailboxes(self):
        lines = self.good.splitlines(keepends=True)
        start = numbered(self.good, "mailboxes = (") - 1
        end = start + len(harness.MAILBOXES) + 2
        text = "".join(lines[:start] + lines[end:])
        self.assertNotIn("mailboxes", text)
        # a key that is not there has no line: the file and the key are named
        path, p = self.check(text, "bad.conf")
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"{path}: mailboxes: is required", p.stderr)

    def test_empty_mailboxes(self):
        text = re.sub(r"mailboxes = \(.*?\n\);", "mailboxes = ( );", self.good, flags=re.S)
        self.assert_bad(text, "mailboxes", numbered(text, "mailboxes"))

    def test_wrong_types(self):
        g = self.good
        cases = [  # (key named in the error, configuration, text on the line of the error)
            ("poll_interval", g.replace("finance = ", 'poll_interval = "sixty";\nfinance = '),
             "poll_interval"),
            ("staff", re.sub(r"staff = \[.*?\];", 'staff = "thang.ltv@danang.gov.vn";', g),
             "staff"),
            ("imap.port", re.sub(r"(imap = \{[^}]*port = )(\d+)", r'\1"\2"', g), "imap ="),
            ("mailboxes[0].folder", g.replace('name = "pkt-iid";', 'name = "pkt-iid"; folder = 7;'),
             "folder = 7"),
        ]
        for key, text, needle in cases:
            with self.subTest(key=key):
                self.assertNotEqual(text, g)
                self.assert_bad(text, key, numbered(text, needle))

    def test_out_of_range_and_bad_enum(self):
        text = self.good.replace("finance = ", "batch_size = 0;\nfinance = ")
        self.assert_bad(text, "batch_size", numbered(text, "batch_size"))
        text = self.good.replace('security = "none"', 'security = "ssl"', 1)
        self.assert_bad(text, "security", numbered(text, '"ssl"'))

    def test_syntax_error(self):
        text = self.good.replace('finance = "hcth.iid@danang.gov.vn";',
                                 'finance = "hcth.iid@danang.gov.vn;')
        self.assert_bad(text, "", None)

    def test_unreadable_password_file(self):
        missing = os.path.join(self.work, "no-such-secret")
        text = harness.config_text(
            self.work, 1, 1,
            mailbox_secret=lambda n, a: f'password_file = "{missing}";')
        p = self.assert_bad(text, "password_file", numbered(text, "password_file"))
        self.assertIn(missing, p.stderr)

    def test_no_password_at_all(self):
        text = harness.config_text(self.work, 1, 1, mailbox_secret=lambda n, a: "")
        self.assert_bad(text, "password")


class PasswordFile(IntegrationCase):
    """password_file instead of password, against the real IMAP server."""

    BASEPORT = 10630

    def secret_files(self, tag, secret):
        """A configuration whose mailboxes read their password from files."""
        def line(name, addr):
            path = os.path.join(self.work, f"secret-{tag}-{name}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(secret + "\n")
            os.chmod(path, 0o600)
            return f'password_file = "{path}";'
        return self.write_config(f"phieu-{tag}.conf", mailbox_secret=line)

    def test_password_file_is_used(self):
        conf = self.secret_files("right", harness.PASSWORD)
        with open(conf, encoding="utf-8") as f:
            self.assertNotIn(f'password = "{harness.PASSWORD}"', f.read())
        p = self.phieud("-n", conf=conf, expect=0)
        self.assertEqual(p.stdout.strip(), "configuration OK")

        path = harness.fixture("04-subdomain.eml")
        self.ms.send(path)
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)

        # the wrong secret in the files: every login fails, nothing stored, exit 75
        wrong = self.secret_files("wrong", "not-the-secret")
        self.once(expect=harness.EX_TEMPFAIL, conf=wrong)
        self.assertEqual(self.requests(conf=wrong), [])
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 0)

        # the right secret: logged in, stored, acknowledged
        self.once(expect=0, conf=conf)
        listed = self.requests(conf=conf)
        self.assertEqual([(r["type"], r["state"]) for r in listed],
                         [("subdomain", "acknowledged")], f"requests: {listed}")
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 1)

    def test_check_servers(self):
        conf = self.write_config("phieu-servers.conf")
        # an empty INBOX first: the store test is not tried
        p = self.phieud("-n", "--check-servers", conf=conf, expect=0)
        out = p.stdout
        for name, addr in harness.MAILBOXES:
            self.assertRegex(out, rf"{name} +login {re.escape(addr)} +ok")
            self.assertRegex(out, rf"{name} +PERMANENTFLAGS keep \$PhieuDone +ok")
            self.assertRegex(out, rf"{name} +UID SEARCH UID 1:\* UNKEYWORD \$PhieuDone +ok")
        self.assertRegex(out, r"pkt-iid +UID STORE \(test keyword\) +not tried")
        self.assertRegex(out, r"smtp +connect 127\.0\.0\.1:\d+ +ok")

        # a message there: the test keyword is set and taken off, nothing read
        self.ms.send(harness.fixture("04-subdomain.eml"))
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)
        p = self.phieud("-n", "--check-servers", conf=conf, expect=0)
        print("\n" + p.stdout)
        self.assertRegex(p.stdout, r"pkt-iid +UID SEARCH .* ok: 1 message\(s\) to read")
        self.assertRegex(p.stdout, r"pkt-iid +UID STORE \+/-\$PhieuCheck on UID 1 +ok")
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuCheck"), 0)
        self.assertEqual(self.ms.count("pkt-iid@danang.gov.vn", "$PhieuDone"), 0)
        self.assertEqual(self.requests(conf=conf), [])

        # mark = "move": the folder's name on this server, not created
        move = self.write_config("phieu-move.conf", extra='mark = "move";\n')
        p = self.phieud("-n", "--check-servers", conf=move, expect=0)
        self.assertRegex(p.stdout, r"pkt-iid +mark_folder Phieu +ok: Phieu on this server, "
                         r"created at the first move")

        # a wrong password for every mailbox: refused, exit 2
        wrong = self.secret_files("wrong", "not-the-secret")
        p = self.phieud("-n", "--check-servers", conf=wrong, expect=2)
        self.assertRegex(p.stdout, r"pkt-iid +login pkt-iid@danang\.gov\.vn +FAILED")
        self.assertNotIn("not-the-secret", p.stdout + p.stderr, "the password was echoed")

        # nothing listens on the IMAP port: unreachable, exit 75
        down = self.write_config("phieu-down.conf", imap_port=harness.closed_port())
        p = self.phieud("-n", "--check-servers", conf=down, expect=harness.EX_TEMPFAIL)
        self.assertRegex(p.stdout, r"admin +login admin@danang\.gov\.vn +FAILED")

    def test_runs_as_user_with_private_files(self):
        if os.geteuid() != 0:
            self.skipTest("needs root")
        nobody = pwd.getpwnam("nobody")
        # a data directory of the unprivileged user's own, as the package makes it
        data = os.path.join(self.work, "data")
        os.mkdir(data, 0o750)
        os.chown(data, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.work, 0o711)
        top = f'database = "{data}/phieu.db";\nspool = "{data}/spool";\n'
        self.ms.send(harness.fixture("04-subdomain.eml"))
        self.ms.wait_delivered("pkt-iid@danang.gov.vn", 1)

        conf = self.write_config("phieu-user.conf", top=top + 'user = "nobody";\n')
        p = self.phieud("--once", conf=conf, expect=0)
        self.assertIn("running as nobody", p.stderr)
        self.assertNotIn("running as root", p.stderr)
        self.assertEqual(len(self.requests(conf=conf)), 1)
        db = os.stat(os.path.join(data, "phieu.db"))
        self.assertEqual((db.st_uid, db.st_mode & 0o777), (nobody.pw_uid, 0o600),
                         "the database is not the user's alone")
        spooled = 0
        for root, dirs, files in os.walk(os.path.join(data, "spool")):
            for name in files:
                st = os.stat(os.path.join(root, name))
                self.assertEqual(st.st_uid, nobody.pw_uid, name)
                self.assertEqual(st.st_mode & 0o027, 0, f"{name}: mode {st.st_mode & 0o777:o}")
                spooled += 1
        self.assertGreater(spooled, 0, "nothing in the spool")

        # without user: it works, and says it runs as root
        os.mkdir(os.path.join(self.work, "r"))
        as_root = self.write_config("phieu-root.conf",
                                    top=top.replace(data, os.path.join(self.work, "r")))
        p = self.phieud("--once", conf=as_root, expect=0)
        self.assertRegex(p.stderr, r"warning phieud: running as root: set user")

        # root is no user to become
        bad = self.write_config("phieu-bad-user.conf", top=top + 'user = "root";\n')
        p = self.phieud("--once", conf=bad, expect=2)
        self.assertIn('user "root" is root', p.stderr)

if __name__ == "__main__":
    harness.main()
