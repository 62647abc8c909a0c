#!/usr/bin/env python3
"""layout.py - `meson install --destdir` into a temporary directory, then check
the installed tree: phieud in sbindir, phieuctl in bindir, phieu-reader and
phieu-parse in libexecdir/phieu, the templates in datadir/phieu/templates, the examples in
sysconfdir/phieu, and that the installed phieud finds its templates and its
reader there (not in the source or build tree).

    layout.py BUILDDIR PREFIX BINDIR SBINDIR LIBEXECDIR DATADIR SYSCONFDIR [UNITDIR]

The directories are as meson's options give them (relative to PREFIX, or
absolute); UNITDIR, when given, is where phieud.service must be.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ARGS = sys.argv[1:]


def run(cmd, timeout=120):
    """Run a command; CompletedProcess with text output."""
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


class InstallLayout(unittest.TestCase):
    """The installed tree and the installed daemon's look-ups in it."""

    @classmethod
    def setUpClass(cls):
        build, prefix = ARGS[0], ARGS[1]
        cls.dest = tempfile.mkdtemp(prefix="phieu-install-")
        # the readers, started as root, may run as nobody: they must reach the tree
        os.chmod(cls.dest, 0o755)
        r = run(["meson", "install", "-C", build, "--no-rebuild", "--quiet",
                 "--destdir", cls.dest], timeout=600)
        if r.returncode != 0:
            raise AssertionError(f"meson install failed: {r.stdout}{r.stderr}")

        def at(d):
            full = d if os.path.isabs(d) else os.path.join(prefix, d)
            return os.path.join(cls.dest, full.lstrip("/"))
        cls.bindir, cls.sbindir = at(ARGS[2]), at(ARGS[3])
        cls.libexec, cls.data, cls.etc = at(ARGS[4]), at(ARGS[5]), at(ARGS[6])
        cls.prefix_data = os.path.join(prefix, ARGS[5])
        cls.prefix_libexec = os.path.join(prefix, ARGS[4])
        cls.unitdir = at(ARGS[7]) if len(ARGS) > 7 and ARGS[7] else None
        cls.work = tempfile.mkdtemp(prefix="phieu-install-work-")
        os.chmod(cls.work, 0o755)

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("PHIEU_IT_KEEP") != "1":
            shutil.rmtree(cls.dest, ignore_errors=True)
            shutil.rmtree(cls.work, ignore_errors=True)

    def assert_program(self, path):
        self.assertTrue(os.path.isfile(path), f"{path} not installed")
        self.assertTrue(os.stat(path).st_mode & stat.S_IXUSR, f"{path} not executable")

    def config(self, name="phieu.conf", extra=""):
        """A configuration with unreachable servers and no templates key."""
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'database = "{self.work}/phieu.db";\n'
                    f'spool = "{self.work}/spool";\n'
                    'imap = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'smtp = { host = "127.0.0.1"; port = 9; security = "none"; };\n'
                    'mailboxes = ( { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn"; '
                    'login = "pkt-iid@danang.gov.vn"; password = "x"; } );\n'
                    'staff = [ "staff@danang.gov.vn" ];\n'
                    'ocr = false;\n' + extra)
        return path

    def test_programs(self):
        self.assert_program(os.path.join(self.sbindir, "phieud"))
        self.assert_program(os.path.join(self.bindir, "phieuctl"))
        self.assert_program(os.path.join(self.libexec, "phieu-reader"))
        self.assert_program(os.path.join(self.libexec, "phieu-parse"))
        self.assertFalse(os.path.exists(os.path.join(self.bindir, "phieud")),
                         "phieud belongs in sbin, not bin")
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.libexec),
                                                     "phieu-reader")),
                         "phieu-reader belongs in libexecdir/phieu")

    def test_data(self):
        for name in ("ack.vi.txt", "ack.en.txt", "notice_staff.vi.txt"):
            self.assertTrue(os.path.isfile(os.path.join(self.data, "templates", name)), name)
        for name in ("phieu.conf.example", "rules.conf.example"):
            self.assertTrue(os.path.isfile(os.path.join(self.etc, name)), name)
        share = os.path.dirname(self.data)
        for name in ("man/man8/phieud.8", "man/man1/phieuctl.1", "man/man5/phieu.conf.5",
                     "bash-completion/completions/phieuctl", "doc/phieu/README.md"):
            self.assertTrue(os.path.isfile(os.path.join(share, name)), name)
        if self.unitdir is not None:
            for name in ("phieud.service", "phieu-backup.service", "phieu-backup.timer"):
                self.assertTrue(os.path.isfile(os.path.join(self.unitdir, name)), name)
            tmpfiles = os.path.join(os.path.dirname(os.path.dirname(self.unitdir)), "tmpfiles.d",
                                    "phieu.conf")
            self.assertTrue(os.path.isfile(tmpfiles), tmpfiles)

    def test_installed_daemon_finds_templates(self):
        """phieud -n without a templates key reads the installed templates (found
        from the binary's own place, the tree being under DESTDIR); taken away,
        the check fails on the compiled-in datadir, never the source tree."""
        phieud = os.path.join(self.sbindir, "phieud")
        conf = self.config()
        r = run([phieud, "-n", "-c", conf])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stdout)
        templates = os.path.join(self.data, "templates")
        moved = templates + ".away"
        os.rename(templates, moved)
        try:
            r = run([phieud, "-n", "-c", conf])
        finally:
            os.rename(moved, templates)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(os.path.join(self.prefix_data, "templates"), r.stderr)

    def test_installed_daemon_finds_reader(self):
        """phieud --once starts its readers from libexecdir/phieu and exits 75,
        the servers being unreachable; without the installed reader it cannot
        start, and says which file it missed."""
        phieud = os.path.join(self.sbindir, "phieud")
        conf = self.config("once.conf")
        r = run([phieud, "--once", "-v", "-c", conf])
        self.assertEqual(r.returncode, 75, r.stderr)
        self.assertIn("reader 0 started", r.stderr)
        reader = os.path.join(self.libexec, "phieu-reader")
        os.rename(reader, reader + ".away")
        try:
            r = run([phieud, "--once", "-c", conf])
        finally:
            os.rename(reader + ".away", reader)
        self.assertNotEqual(r.returncode, 0)
        # not found under the tree, it is looked for where it was configured to go
        self.assertIn("starting the readers: " + os.path.join(self.prefix_libexec, "phieu-reader"),
                      r.stderr)

    def test_installed_phieuctl(self):
        """The installed phieuctl reads the database the installed daemon made."""
        phieud = os.path.join(self.sbindir, "phieud")
        conf = self.config("ctl.conf")
        run([phieud, "--once", "-c", conf])
        r = run([os.path.join(self.bindir, "phieuctl"), "-c", conf, "list", "--json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "[]")

    def test_installed_parse(self):
        """The installed phieuctl parses through the installed phieu-parse, and
        does not itself load the parsers' libraries (their start-up cost every
        other command)."""
        ctl = os.path.join(self.bindir, "phieuctl")
        eml = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden",
                           "body_vi_website.eml")
        r = run([ctl, "parse", eml])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["type"], "website_update")
        r = run([ctl, "-c", self.config("parse.conf"), "parse", eml, "--mailbox", "pkt-iid"])
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["type"], "website_update")
        # the documents' and scans' libraries (GMime stays: `report --send`
        # composes the monthly report's mail)
        r = run(["ldd", ctl])
        for lib in ("libtesseract", "libpoppler", "liblept", "libzip.so"):
            self.assertNotIn(lib, r.stdout, f"phieuctl links {lib}")
        parse = os.path.join(self.libexec, "phieu-parse")
        os.rename(parse, parse + ".away")
        try:
            r = run([ctl, "parse", eml])
        finally:
            os.rename(parse + ".away", parse)
        self.assertEqual(r.returncode, 1)
        self.assertIn("phieu-parse", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
