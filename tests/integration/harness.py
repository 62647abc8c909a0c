"""harness.py - shared pieces of the integration tests (Python 3 standard library).

Every test file is a unittest program started by meson:

    python3 FILE.py --phieud PATH --phieuctl PATH --srcdir REPO [unittest args]

Each test case gets its own private Dovecot + Postfix (tests/mailserver/mailsrv.sh)
in a temporary directory, on a base port of its own, and its own configuration,
database and spool; the server is stopped and the directory removed afterwards,
also when the test fails (PHIEU_IT_KEEP=1 keeps the directory for a look).
mailsrv.sh needs root: without it the whole file is skipped (exit status 77).

The IMAP server is Dovecot unless a test class sets IMAP_SERVER = "cyrus" or the
environment says PHIEU_IT_IMAP=cyrus (a class's own setting wins): then it is
a private Cyrus IMAP 3.6 (mailsrv.sh with MAILSRV_IMAP=cyrus, see
tests/mailserver/cyrus.sh), and each test is skipped, saying why, when the
Cyrus programs are not there (scripts/deps.sh puts them there).
"""

import argparse
import email
import email.policy
import email.utils
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

# Set by main() from the command line.
PHIEUD = None
PHIEUCTL = None
SRCDIR = None

PASSWORD = "secret"
MAILBOXES = [
    ("pkt-iid", "pkt-iid@danang.gov.vn"),
    ("cntt", "cntt@danang.gov.vn"),
    ("admin", "admin@danang.gov.vn"),
]
STAFF = ["thang.ltv@danang.gov.vn", "linh.ntc@danang.gov.vn"]
MEMBER_TIMEOUT = 60       # seconds for one phieud --once / phieuctl call
DELIVERY_TIMEOUT = 30     # seconds for Postfix to deliver into Dovecot
QUIET_WAIT = 4            # seconds to wait before saying "nothing more arrived"
EX_TEMPFAIL = 75


def mail_dir():
    """The directory of the fixture mails."""
    return os.path.join(SRCDIR, "tests", "integration", "mail")


def fixture(name):
    """The path of one fixture mail."""
    return os.path.join(mail_dir(), name)


def read_headers(path):
    """Parse a fixture's headers (and body) with the email package."""
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def envelope(path):
    """(sender, [recipients]) of a fixture: From and To + Cc addresses."""
    msg = read_headers(path)
    sender = email.utils.parseaddr(str(msg["From"]))[1].lower()
    rcpts = []
    for h in ("To", "Cc"):
        for v in msg.get_all(h, []):
            rcpts += [a.lower() for _, a in email.utils.getaddresses([str(v)]) if a]
    return sender, rcpts


def message_id(path):
    """The Message-ID of a fixture, with its angle brackets."""
    return str(read_headers(path)["Message-ID"]).strip()


def strip_id(mid):
    """A Message-ID without angle brackets or spaces, for comparing."""
    return (mid or "").strip().strip("<>").strip()


def ports_free(base, n=4):
    """Whether nothing listens on 127.0.0.1 ports base..base+n-1."""
    for port in range(base, base + n):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def pick_baseport(preferred):
    """The preferred base port if its four ports are free, else the next free one
    in steps of 1000 (another instance, a colleague's, may hold it)."""
    for base in [preferred] + [preferred + 1000 * k for k in range(1, 20)]:
        if base + 3 < 65530 and ports_free(base):
            return base
    raise RuntimeError(f"no free base port near {preferred}")


def closed_port():
    """A TCP port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_cyrus_missing = []    # cyrus.sh check's answer, once per run: [why] or [""]


def cyrus_missing():
    """Why the private Cyrus cannot run here ("" when it can)."""
    if not _cyrus_missing:
        script = os.path.join(SRCDIR, "tests", "mailserver", "cyrus.sh")
        p = subprocess.run(["bash", script, "check"], stdin=subprocess.DEVNULL,
                           capture_output=True, encoding="utf-8", errors="replace", timeout=60)
        _cyrus_missing.append("" if p.returncode == 0 else
                              (p.stdout + p.stderr).strip() or f"cyrus.sh check exited {p.returncode}")
    return _cyrus_missing[0]


class MailServer:
    """A private Dovecot (or Cyrus) + Postfix started with mailsrv.sh in DIR."""

    def __init__(self, directory, baseport, imap_server="dovecot", extra_env=None):
        self.dir = directory
        self.extra_env = dict(extra_env or {})
        self.baseport = baseport
        self.imap_server = imap_server
        self.env_file = os.path.join(directory, "env")
        self.mailsrv = os.path.join(SRCDIR, "tests", "mailserver", "mailsrv.sh")
        self.mailtool_py = os.path.join(SRCDIR, "tests", "mailserver", "mailtool.py")
        self.env = {}

    def start(self):
        """Start the servers; raise with the log on failure."""
        log = os.path.join(os.path.dirname(self.dir), "mailsrv-start.log")
        # mailsrv.sh's daemons may keep its stdout: never a pipe, always a file.
        with open(log, "wb") as out:
            rc = subprocess.call(["bash", self.mailsrv, "start", self.dir, str(self.baseport)],
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=out, timeout=120,
                                 env={**os.environ, "MAILSRV_IMAP": self.imap_server,
                                      **self.extra_env})
        if rc != 0:
            with open(log, encoding="utf-8", errors="replace") as f:
                raise RuntimeError(f"mailsrv.sh start failed ({rc}):\n{f.read()}")
        with open(self.env_file, encoding="utf-8") as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                self.env[k] = v
        return self

    def stop(self):
        """Stop the servers (harmless when they are not running)."""
        log = os.path.join(os.path.dirname(self.dir), "mailsrv-stop.log")
        with open(log, "wb") as out:
            subprocess.call(["bash", self.mailsrv, "stop", self.dir], stdin=subprocess.DEVNULL,
                            stdout=out, stderr=out, timeout=120)

    @property
    def imap_port(self):
        return int(self.env["MS_IMAP_PORT"])

    @property
    def smtp_port(self):
        return int(self.env["MS_SMTP_PORT"])

    def mailtool(self, command, *args, check=True, timeout=120):
        """Run mailtool.py COMMAND --env ... ARGS; return its stdout (str)."""
        cmd = [sys.executable, self.mailtool_py, command, "--env", self.env_file, *args]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                           encoding="utf-8", errors="replace")
        if check and p.returncode != 0:
            raise AssertionError(f"mailtool {command} {' '.join(args)} failed "
                                 f"({p.returncode}): {p.stderr.strip()}")
        return p.stdout

    def send(self, path, sender=None, rcpts=None):
        """Send a fixture through Postfix; the envelope defaults to its From and To/Cc."""
        f, r = envelope(path)
        sender = f if sender is None else sender
        rcpts = r if rcpts is None else rcpts
        args = ["--from", sender]
        for a in rcpts:
            args += ["--to", a]
        self.mailtool("send", *args, path)

    def wait_delivered(self, user, count, timeout=DELIVERY_TIMEOUT):
        """Wait until user's INBOX holds at least count messages."""
        self.mailtool("wait-delivered", "--user", user, "--count", str(count),
                      "--timeout", str(timeout), timeout=timeout + 60)

    def count(self, user, keyword=None):
        """Messages in user's INBOX (with keyword if given)."""
        args = ["--user", user] + (["--keyword", keyword] if keyword else [])
        return int(self.mailtool("count", *args).strip())

    def fetch(self, user):
        """The messages of user's INBOX as mailtool fetch --json prints them."""
        return json.loads(self.mailtool("fetch", "--user", user, "--json"))

    def logs(self):
        """The tails of the servers' logs, to explain a failure."""
        out = []
        for name in ("dovecot.log", "cyrus/master.log", "cyrus/auth.log", "postfix.log",
                     "opendkim.log"):
            p = os.path.join(self.dir, name)
            if os.path.exists(p):
                with open(p, encoding="utf-8", errors="replace") as f:
                    lines = f.read().splitlines()[-30:]
                out.append(f"----- tail of {p}\n" + "\n".join(lines))
        return "\n".join(out)


def config_text(work, imap_port, smtp_port, extra="", mailbox_secret=None, top=None):
    """A phieu configuration for the private server.

    mailbox_secret(name, address) returns the password line of one mailbox entry
    (default: password = "secret"); top replaces the first lines when given."""
    if mailbox_secret is None:
        mailbox_secret = lambda name, addr: f'password = "{PASSWORD}";'  # noqa: E731
    entries = ",\n".join(
        f'  {{ name = "{n}"; address = "{a}"; login = "{a}"; {mailbox_secret(n, a)} }}'
        for n, a in MAILBOXES)
    staff = ", ".join(f'"{s}"' for s in STAFF)
    head = top if top is not None else (
        f'database = "{work}/phieu.db";\n'
        f'spool = "{work}/spool";\n')
    return (
        "# Written by tests/integration/harness.py\n"
        f"{head}"
        f'imap = {{ host = "127.0.0.1"; port = {imap_port}; security = "none"; }};\n'
        f'smtp = {{ host = "127.0.0.1"; port = {smtp_port}; security = "none"; }};\n'
        f"mailboxes = (\n{entries}\n);\n"
        f"staff = [ {staff} ];\n"
        'department_ict = "cntt@danang.gov.vn";\n'
        'finance = "hcth.iid@danang.gov.vn";\n'
        # the morning digest would reach staff in tests run after 07:30;
        # the tests of the digest turn it on (workload.py)
        f"{'' if 'digest' in extra else 'digest = false;' + chr(10)}"
        f"{extra}")


def run(cmd, timeout=MEMBER_TIMEOUT):
    """Run a command; return CompletedProcess with str stdout/stderr."""
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          encoding="utf-8", errors="replace")


class IntegrationCase(unittest.TestCase):
    """A test case with a private mail server and a working directory.

    Subclasses set BASEPORT (distinct per test file); self.work is the working
    directory, self.ms the running server, self.conf the configuration path."""

    BASEPORT = None
    EXTRA_CONFIG = ""
    IMAP_SERVER = None      # "dovecot" or "cyrus"; None: PHIEU_IT_IMAP, else dovecot
    MAILSRV_ENV = {}        # more settings for mailsrv.sh start (e.g. MAILSRV_DKIM=1)
    maxDiff = None

    def imap_server(self):
        """The IMAP server this test runs against."""
        server = self.IMAP_SERVER or os.environ.get("PHIEU_IT_IMAP") or "dovecot"
        if server not in ("dovecot", "cyrus"):
            raise ValueError(f"IMAP server must be dovecot or cyrus: {server!r}")
        return server

    def setUp(self):
        server = self.imap_server()
        if server == "cyrus" and cyrus_missing():
            self.skipTest(f"Cyrus IMAP not available: {cyrus_missing()}")
        # Short, world-searchable path: Dovecot and Postfix users walk into it
        # and unix socket paths are limited (mailsrv.sh allows 70 characters).
        self.work = tempfile.mkdtemp(prefix=f"phieu-it-{self.BASEPORT}-", dir="/tmp")
        os.chmod(self.work, 0o755)
        self.daemon_logs = []
        self.addCleanup(self.cleanup_work)
        for attempt in range(3):
            self.ms = MailServer(os.path.join(self.work, "ms"), pick_baseport(self.BASEPORT),
                                 server, extra_env=self.MAILSRV_ENV)
            self.addCleanup(self.ms.stop)
            try:
                self.ms.start()
                break
            except RuntimeError as e:
                # another test run took the ports between our check and the start
                if "already in use" not in str(e) or attempt == 2:
                    raise
                self.ms.stop()
        self.conf = self.write_config()

    def cleanup_work(self):
        """Remove the working directory unless asked to keep it."""
        if os.environ.get("PHIEU_IT_KEEP"):
            print(f"\n(kept {self.work})", file=sys.stderr)
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def write_config(self, name="phieu.conf", **kw):
        """Write a configuration for the private server; return its path."""
        smtp = kw.pop("smtp_port", self.ms.smtp_port)
        imap = kw.pop("imap_port", self.ms.imap_port)
        extra = kw.pop("extra", self.EXTRA_CONFIG)
        path = os.path.join(self.work, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(config_text(self.work, imap, smtp, extra=extra, **kw))
        return path

    def phieud(self, *args, conf=None, expect=None, timeout=MEMBER_TIMEOUT):
        """Run phieud -c CONF ARGS; check the exit status if expect is given."""
        p = run([PHIEUD, "-c", conf or self.conf, *args], timeout=timeout)
        self.daemon_logs.append((" ".join(["phieud", *args]), p.returncode, p.stderr))
        if expect is not None:
            self.assertEqual(p.returncode, expect,
                             f"phieud {' '.join(args)} exited {p.returncode}, expected {expect};"
                             f"\nstdout:\n{p.stdout}\nstderr:\n{p.stderr}")
        return p

    def once(self, expect=0, conf=None):
        """phieud --once, expecting an exit status."""
        return self.phieud("--once", conf=conf, expect=expect)

    def ctl_json(self, *args, conf=None):
        """phieuctl -c CONF ARGS --json, parsed."""
        p = run([PHIEUCTL, "-c", conf or self.conf, *args, "--json"])
        self.assertEqual(p.returncode, 0,
                         f"phieuctl {' '.join(args)} exited {p.returncode}: {p.stderr}")
        try:
            return json.loads(p.stdout)
        except ValueError as e:
            self.fail(f"phieuctl {' '.join(args)} --json printed no JSON ({e}):\n{p.stdout}")

    def requests(self, conf=None):
        """phieuctl list --json."""
        return self.ctl_json("list", conf=conf)

    def show(self, number, conf=None):
        """phieuctl show NUMBER --json."""
        return self.ctl_json("show", number, conf=conf)

    def outbox(self, conf=None):
        """phieuctl outbox --json."""
        return self.ctl_json("outbox", conf=conf)

    def assert_no_new_mail(self, counts):
        """After a quiet wait, each user's INBOX still has the count given."""
        time.sleep(QUIET_WAIT)
        now = {u: self.ms.count(u) for u in counts}
        self.assertEqual(now, counts, "a mailbox received mail it should not have")

    def diagnostics(self):
        """The daemon runs and the servers' logs, for a failure report."""
        out = []
        for what, rc, err in self.daemon_logs:
            out.append(f"----- {what} -> exit {rc}\n{err.rstrip()}")
        out.append(self.ms.logs())
        return "\n".join(out)


def event_kinds(request):
    """The event names of a request's history."""
    return [e.get("event") for e in request.get("history", [])]


def ack_number(subject, prefix="IID-KT"):
    """The request number in a subject '[IID-KT #2026-000001] …', or None."""
    import re
    m = re.search(r"\[" + re.escape(prefix) + r" #(\d{4}-\d{6})\]", subject or "")
    return m.group(1) if m else None


class DiagnosingResult(unittest.TextTestResult):
    """Prints the daemon's stderr and the server logs under each failure."""

    def _explain(self, test, err):
        if isinstance(test, IntegrationCase) and hasattr(test, "ms"):
            try:
                extra = test.diagnostics()
            except Exception as e:  # the report must not hide the failure
                extra = f"(no diagnostics: {e})"
            self.stream.writeln(f"\n===== diagnostics for {test.id()}\n{extra}\n=====")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._explain(test, err)

    def addError(self, test, err):
        super().addError(test, err)
        self._explain(test, err)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None and not getattr(test, "_explained", False):
            test._explained = True          # once per test, not per failed subtest
            self._explain(test, err)


def main():
    """Parse the harness options, then run the calling module's tests."""
    global PHIEUD, PHIEUCTL, SRCDIR
    ap = argparse.ArgumentParser()
    ap.add_argument("--phieud", required=True)
    ap.add_argument("--phieuctl", required=True)
    ap.add_argument("--srcdir", required=True)
    args, rest = ap.parse_known_args()
    PHIEUD = os.path.abspath(args.phieud)
    PHIEUCTL = os.path.abspath(args.phieuctl)
    SRCDIR = os.path.abspath(args.srcdir)
    sys.stdout.reconfigure(encoding="utf-8")
    sys.stderr.reconfigure(encoding="utf-8")
    if os.geteuid() != 0:
        print("SKIP: the integration tests start Dovecot and Postfix and must run as root")
        sys.exit(77)
    for p in (PHIEUD, PHIEUCTL):
        if not os.access(p, os.X_OK):
            print(f"not executable: {p}", file=sys.stderr)
            sys.exit(1)
    runner = unittest.TextTestRunner(verbosity=2, resultclass=DiagnosingResult, buffer=False)
    prog = unittest.main(module="__main__", argv=[sys.argv[0], *rest], testRunner=runner,
                         exit=False)
    result = prog.result
    if result.wasSuccessful() and result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(77)        # all skipped (say, no Cyrus): meson reports SKIP
    sys.exit(0 if result.wasSuccessful() else 1)
