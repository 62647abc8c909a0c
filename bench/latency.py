#!/usr/bin/env python3
"""latency.py - arrival -> acknowledgement of phieud as a daemon, beside the server's floor.

    bench/latency.py --env MS_DIR/env --phieud PATH --conf FILE --log FILE
                     [--count 20] [--interval 1] [--budget 30] [--wait 65]

Run by bench/latency.sh, which starts the private Dovecot + Postfix and writes
the configuration.  This program starts `phieud -c FILE --trace imap` (no --once)
itself, timestamping each line of its log as it is written, waits until the
daemon settles, and then, COUNT times, INTERVAL seconds apart, over one SMTP
session to Postfix each time:

  1. sends a typed-body request (tech support or website update) from a sender
     address of its own to pkt-iid@danang.gov.vn; arrival = sendmail() returned;
  2. at once sends a plain mail to floor@danang.gov.vn, where a raw-socket IMAP
     client waits in IDLE (LOGIN, SELECT INBOX, IDLE, "* N EXISTS", DONE).

It measures, from each message's own arrival (time.monotonic, one process):
  ack        the acknowledgement's file appearing in the sender's maildir new/
  floor      "* N EXISTS" seen by the plain IDLE client (the server's own floor)
  floor dlv  the floor mail's file appearing in floor@'s maildir new/
  pkt dlv    the request's file appearing in pkt-iid@'s maildir new/
and from phieud's log: the first "woken by the server" after the request's
delivery (woken) and its "sent ack ... to SENDER" line (sent).  Files are seen
with inotify (through ctypes).  Percentiles are nearest-rank.

An acknowledgement later than BUDGET seconds makes the exit status 1; the
program waits up to WAIT seconds after each arrival, so that late ones are
reported with their value (and count in the percentiles); one that never came
shows as "-" in the table and "missing" in a percentile it reaches.
Python 3 standard library only.
"""

import argparse
import ctypes
import ctypes.util
import email.utils
import math
import os
import re
import select
import shlex
import signal
import smtplib
import socket
import struct
import subprocess
import sys
import threading
import time
from email.header import Header

DOMAIN = "danang.gov.vn"
PKT = f"pkt-iid@{DOMAIN}"
FLOOR = f"floor@{DOMAIN}"
FLOOR_FROM = f"floor-sender@{DOMAIN}"
PASSWORD = "secret"
TARGET_P50 = 0.65
TARGET_P95 = 0.80

IN_CREATE = 0x100
IN_MOVED_TO = 0x80
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC


def read_env(path):
    """KEY=VALUE pairs of a mailsrv.sh env file."""
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep:
                env[key] = (shlex.split(value) or [""])[0]
    return env


class Inotify:
    """IN_CREATE | IN_MOVED_TO watches on directories, through libc via ctypes."""

    def __init__(self):
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        self.fd = self.libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1")
        self.names = {}

    def watch(self, path, name):
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(path), IN_CREATE | IN_MOVED_TO)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")
        self.names[wd] = name

    def events(self):
        """[(watch name, file name)] of what is waiting (non-blocking)."""
        out = []
        try:
            buf = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return out
        pos = 0
        while pos + 16 <= len(buf):
            wd, _mask, _cookie, length = struct.unpack_from("iIII", buf, pos)
            name = buf[pos + 16:pos + 16 + length].rstrip(b"\0").decode(errors="replace")
            pos += 16 + length
            out.append((self.names.get(wd), name))
        return out


class IdleClient:
    """A plain IMAP client waiting in IDLE on one INBOX, over a raw socket."""

    def __init__(self, port, user):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.buf = b""
        self.readline()                                    # greeting
        self.command(b"a1", f'LOGIN "{user}" "{PASSWORD}"'.encode())
        lines = self.command(b"a2", b"SELECT INBOX")
        self.exists = 0
        for line in lines:
            m = re.match(rb"\* (\d+) EXISTS", line)
            if m:
                self.exists = int(m.group(1))
        self.sock.sendall(b"a3 IDLE\r\n")
        line = self.readline()
        if not line.startswith(b"+"):
            raise RuntimeError(f"IDLE refused: {line!r}")
        self.sock.setblocking(False)

    def readline(self):
        while b"\r\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise RuntimeError("IMAP server closed the connection")
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line

    def command(self, tag, text):
        self.sock.sendall(tag + b" " + text + b"\r\n")
        lines = []
        while True:
            line = self.readline()
            lines.append(line)
            if line.startswith(tag + b" "):
                if not line.startswith(tag + b" OK"):
                    raise RuntimeError(f"IMAP {text!r}: {line!r}")
                return lines

    def pending(self):
        """New EXISTS counts among what the server sent (non-blocking)."""
        counts = []
        try:
            while True:
                data = self.sock.recv(4096)
                if not data:
                    raise RuntimeError("IMAP server closed the IDLE connection")
                self.buf += data
        except BlockingIOError:
            pass
        while b"\r\n" in self.buf:
            line, _, self.buf = self.buf.partition(b"\r\n")
            m = re.match(rb"\* (\d+) EXISTS", line)
            if m:
                counts.append(int(m.group(1)))
        return counts

    def close(self):
        try:
            self.sock.setblocking(True)
            self.sock.settimeout(5)
            self.sock.sendall(b"DONE\r\n")
            self.sock.sendall(b"a4 LOGOUT\r\n")
            self.sock.close()
        except OSError:
            pass


class Watcher(threading.Thread):
    """Timestamps maildir arrivals and IDLE EXISTS as they happen."""

    def __init__(self, inotify, idle):
        super().__init__(daemon=True)
        self.inotify, self.idle = inotify, idle
        self.lock = threading.Lock()
        self.files = {}          # watch name -> [(t, file name)]
        self.exists = []         # (t, count)
        self.error = None
        self.stop = False

    def run(self):
        try:
            while not self.stop:
                r, _, _ = select.select([self.inotify.fd, self.idle.sock], [], [], 0.2)
                t = time.monotonic()
                with self.lock:
                    if self.inotify.fd in r:
                        for name, fname in self.inotify.events():
                            self.files.setdefault(name, []).append((t, fname))
                    if self.idle.sock in r:
                        for n in self.idle.pending():
                            self.exists.append((t, n))
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.error = e

    def first_file(self, name, after=0.0):
        with self.lock:
            for t, _ in self.files.get(name, []):
                if t >= after:
                    return t
        return None

    def exists_time(self, count):
        with self.lock:
            for t, n in self.exists:
                if n >= count:
                    return t
        return None


class DaemonLog(threading.Thread):
    """Reads phieud's stderr, writes it to a file, keeps (monotonic time, line)."""

    def __init__(self, proc, path):
        super().__init__(daemon=True)
        self.proc, self.path = proc, path
        self.lock = threading.Lock()
        self.lines = []

    def run(self):
        with open(self.path, "w", encoding="utf-8") as out:
            for raw in self.proc.stderr:
                t = time.monotonic()
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                out.write(f"[{t:.3f}] {line}\n")
                out.flush()
                with self.lock:
                    self.lines.append((t, line))

    def find(self, pattern, after=0.0):
        """Time of the first line at or after `after` matching the regex."""
        rx = re.compile(pattern)
        with self.lock:
            for t, line in self.lines:
                if t >= after and rx.search(line):
                    return t
        return None


def request_mail(i, kind, sender, run_tag):
    """The bytes of one typed-body request (no attachment, so no OCR)."""
    unit = f"Văn phòng thử nghiệm số {i}"
    contact = "Nguyễn Văn An"
    if kind == "tech_support":
        subject = f"Phiếu đăng ký hỗ trợ kỹ thuật - {unit}"
        lines = [f"Đơn vị yêu cầu: {unit}", f"Người liên hệ: {contact}",
                 "Điện thoại: 0905 123 456", f"Email: {sender}",
                 "Loại hỗ trợ: Mạng",
                 f"Địa điểm: Phòng {100 + i}, Trung tâm Hành chính thành phố",
                 "Nội dung yêu cầu: Mất kết nối mạng tại phòng họp trực tuyến.",
                 "Ngày đề nghị: 27/11/2026"]
        form = "05/IID-KT"
    else:
        subject = f"Đề nghị cập nhật mã nguồn website - {unit}"
        lines = [f"Đơn vị yêu cầu: {unit}", f"Người liên hệ: {contact}",
                 "Điện thoại: 0905 123 456", f"Email: {sender}",
                 f"Địa chỉ website: https://thunghiem{i}.danang.gov.vn",
                 "Nội dung cập nhật: ☑ Mã nguồn  ☐ Cơ sở dữ liệu",
                 "Nội dung yêu cầu: Cập nhật chuyên mục tin tức và vá lỗi bảo mật.",
                 "Thời gian đề nghị thực hiện: 15/12/2026"]
        form = "01/IID-KT"
    text = ("Kính gửi: Trung tâm Phát triển Hạ tầng CNTT Đà Nẵng\n\n"
            f"{unit} gửi phiếu yêu cầu (biểu mẫu {form}):\n\n" + "\n".join(lines) +
            f"\n\nTrân trọng./.\n\n-- \n{contact}\n{unit}\n")
    headers = [
        f"From: {Header(unit, 'utf-8').encode()} <{sender}>",
        f"To: {PKT}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {email.utils.formatdate(localtime=True)}",
        f"Message-ID: <latency.{run_tag}.{i:03d}@{DOMAIN}>",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n" + text.replace("\n", "\r\n")).encode("utf-8")


def floor_mail(i, run_tag):
    return (f"From: <{FLOOR_FROM}>\r\nTo: <{FLOOR}>\r\nSubject: floor {i}\r\n"
            f"Date: {email.utils.formatdate(localtime=True)}\r\n"
            f"Message-ID: <floor.{run_tag}.{i:03d}@{DOMAIN}>\r\n\r\nfloor {i}\r\n").encode()


def maildir_new(root, address):
    local, domain = address.split("@")
    return os.path.join(root, domain, local, "new")


def make_mailbox(port, address):
    """Log in and SELECT INBOX once, so that Dovecot creates the maildir."""
    import imaplib
    c = imaplib.IMAP4("127.0.0.1", port, timeout=30)
    c.login(address, PASSWORD)
    c.select("INBOX")
    c.logout()


def percentile(values, q):
    """Nearest-rank percentile; None stands for 'missing' and sorts last."""
    if not values:
        return None
    v = sorted(values, key=lambda x: math.inf if x is None else x)
    return v[max(0, math.ceil(q * len(v)) - 1)]


def fmt(x, width=7):
    return f"{'-':>{width}}" if x is None else f"{x:{width}.3f}"


def fmt_pct(values, q):
    p = percentile(values, q)
    return f"{'missing':>7}" if p is None and values else fmt(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--env", required=True)
    ap.add_argument("--phieud", required=True)
    ap.add_argument("--conf", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--budget", type=float, default=30.0)
    ap.add_argument("--wait", type=float, default=65.0)
    ap.add_argument("--settle", type=float, default=3.0)
    args = ap.parse_args()
    sys.setswitchinterval(0.0005)      # a waking watcher thread gets the GIL at once

    env = read_env(args.env)
    imap_port, smtp_port = int(env["MS_IMAP_PORT"]), int(env["MS_SMTP_PORT"])
    root = os.path.join(env["MS_DIR"], "mail")
    run_tag = f"{os.getpid()}.{int(time.time())}"
    senders = [f"vanphong.lat{i:02d}@{DOMAIN}" for i in range(1, args.count + 1)]
    kinds = ["tech_support" if i % 2 else "website_update" for i in range(1, args.count + 1)]

    # Every mailbox exists before the clock starts, as a unit's mailbox would.
    for address in senders + [PKT, FLOOR]:
        make_mailbox(imap_port, address)
    inotify = Inotify()
    for address in senders + [PKT, FLOOR]:
        inotify.watch(maildir_new(root, address), address)
    idle = IdleClient(imap_port, FLOOR)
    floor_base = idle.exists
    watcher = Watcher(inotify, idle)
    watcher.start()

    proc = subprocess.Popen([args.phieud, "-c", args.conf, "--trace", "imap"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    log = DaemonLog(proc, args.log)
    log.start()
    rc = 0
    try:
        deadline = time.monotonic() + 20
        while log.find(r"phieud: started") is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"phieud did not start (exit {proc.poll()}); see {args.log}")
            time.sleep(0.05)
        time.sleep(args.settle)        # first poll of the three mailboxes, then IDLE
        if proc.poll() is not None:
            raise RuntimeError(f"phieud exited {proc.returncode}; see {args.log}")

        arrivals, floor_arrivals = [], []
        start = time.monotonic()
        for i, sender in enumerate(senders):
            pause = start + i * args.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as s:
                s.ehlo("latency.bench")
                s.sendmail(sender, [PKT], request_mail(i + 1, kinds[i], sender, run_tag))
                arrivals.append(time.monotonic())
                s.sendmail(FLOOR_FROM, [FLOOR], floor_mail(i + 1, run_tag))
                floor_arrivals.append(time.monotonic())
            if watcher.error:
                raise watcher.error

        # Wait for every acknowledgement, or WAIT seconds after its arrival.
        while True:
            now = time.monotonic()
            left = [i for i, s in enumerate(senders)
                    if watcher.first_file(s) is None and now < arrivals[i] + args.wait]
            floor_left = watcher.exists_time(floor_base + len(senders)) is None and \
                now < floor_arrivals[-1] + args.budget
            if not left and not floor_left:
                break
            if proc.poll() is not None:
                print(f"phieud exited {proc.returncode} during the run", file=sys.stderr)
                break
            time.sleep(0.05)
    finally:
        watcher.stop = True
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.join(5)
        idle.close()

    rows, acks, floors, floor_dlv, pkt_dlv = [], [], [], [], []
    for i, sender in enumerate(senders):
        a = arrivals[i]
        t_ack = watcher.first_file(sender)
        t_pkt = watcher.first_file(PKT, after=a)
        t_woken = log.find(r"pkt-iid: woken by the server", after=t_pkt or a)
        t_sent = log.find(r"sent ack\S* \S+ to " + re.escape(sender) + r"$", after=a)
        t_exists = watcher.exists_time(floor_base + i + 1)
        t_floor_file = watcher.first_file(FLOOR, after=floor_arrivals[i])
        ack = None if t_ack is None else t_ack - a
        if ack is None or ack > args.budget:
            rc = 1
        acks.append(ack)
        floors.append(None if t_exists is None else t_exists - floor_arrivals[i])
        floor_dlv.append(None if t_floor_file is None else t_floor_file - floor_arrivals[i])
        pkt_dlv.append(None if t_pkt is None else t_pkt - a)
        rows.append((i + 1, kinds[i], pkt_dlv[-1],
                     None if t_woken is None else t_woken - a,
                     None if t_sent is None else t_sent - a, ack, floors[-1], floor_dlv[-1]))

    print(f"requests: {len(senders)} to {PKT}, {args.interval:g} s apart, each from its own "
          f"sender; with each, a plain mail to {FLOOR} (IDLE client)")
    print("seconds from each message's own arrival (Postfix accepted it: sendmail() returned)")
    print()
    print(f"{'#':>3} {'type':<15} {'pkt dlv':>7} {'woken':>7} {'sent':>7} {'ACK':>7} "
          f"{'| floor':>7} {'flr dlv':>7}")
    for n, kind, d, w, s, a, f, fd in rows:
        late = "" if a is not None and a <= args.budget else f"  (not within {args.budget:g} s)"
        print(f"{n:>3} {kind:<15} {fmt(d)} {fmt(w)} {fmt(s)} {fmt(a)}  {fmt(f, 6)} "
              f"{fmt(fd)}{late}")
    print()
    print(f"{'':<34} {'p50':>7} {'p95':>7} {'max':>7}  n")
    for name, vals in [("phieu: arrival -> ack in maildir", acks),
                       ("floor: arrival -> IDLE EXISTS", floors),
                       ("floor: arrival -> file in new/", floor_dlv),
                       ("pkt-iid: arrival -> file in new/", pkt_dlv)]:
        got = [v for v in vals if v is not None]
        print(f"{name:<34} {fmt_pct(vals, 0.5)} {fmt_pct(vals, 0.95)} "
              f"{fmt_pct(vals, 1.0)}  {len(got)}/{len(vals)}")
    missing = sum(1 for a in acks if a is None or a > args.budget)
    p50, p95 = percentile(acks, 0.5), percentile(acks, 0.95)
    f50 = percentile(floors, 0.5)
    met = missing == 0 and p50 is not None and p95 is not None and \
        p50 < TARGET_P50 and p95 < TARGET_P95
    print()
    print(f"target (phieu p50 < {TARGET_P50} s and p95 < {TARGET_P95} s, i.e. within 0.15 s "
          f"of the floor): {'MET' if met else 'NOT MET'}"
          + (f"; the floor's p50 here is {f50:.3f} s" if f50 is not None else ""))
    if missing:
        print(f"FAIL: {missing} acknowledgement(s) not in the sender's maildir within "
              f"{args.budget:g} s of arrival")
    return rc


if __name__ == "__main__":
    sys.exit(main())
