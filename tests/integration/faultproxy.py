#!/usr/bin/env python3
"""faultproxy.py - a fault-injecting IMAP/SMTP proxy for phieu's integration tests.

Some failures cannot be had from the real Dovecot and Postfix on demand: a
connection that breaks in the middle of a 60 MB FETCH, a FETCH answer that
lacks one message, a 451 after the server has in fact delivered the mail, an
answer that comes only when the test says so.  The fault proxy sits between
phieud and the real servers of tests/mailserver/mailsrv.sh and injects exactly
such faults; everything else passes through unchanged, byte for byte, in both
directions, on any number of concurrent connections.

In a test (the proxy runs in background threads of the test process):

    p = FaultProxy("imap", ("127.0.0.1", ms.imap_port))  # listens on 127.0.0.1
    p.start()                # p.port: the listening port (port 0 = any free one)
    p.set_rules([{"fault": "omit_fetch_uid", "uid": 2}])
    ...                      # point phieud's configuration at p.port
    p.stats()                # counters, see below
    p.stop()

As a program (prints the listening port on a line of its own, then runs until
SIGTERM or SIGINT; SIGUSR1 calls release(), SIGUSR2 prints stats() as one JSON
line):

    python3 faultproxy.py --proto imap|smtp --listen PORT --target HOST:PORT
                          [--rules JSON] [--host ADDRESS]

The API
-------
FaultProxy(proto, target, rules=None, host="127.0.0.1", port=0)
    proto "imap" or "smtp"; target (host, port) of the real server.
start()        open the listening socket (p.port) and accept in a thread;
               returns the proxy.  Also usable as a context manager.
set_rules(list)
               replace the rule list (thread-safe).  Rules are looked at for
               every new command, also on connections that are already open
               (an IMAP session in IDLE included).  An unknown fault, a fault
               of the other protocol or a missing parameter raises ValueError.
rules()        the current rule list (copies of the dicts).
release()      let go of every answer held at this moment by a hold rule
               (IMAP "hold", SMTP "hold_data_reply").  stats()["held"] tells
               how many answers are held, so a test can wait for the hold
               before it releases.
drop_all()     close every live connection at once, both sides.
stats()        a dict:
                 connections        connections accepted so far
                 active             connections open now
                 upstream_errors    connections closed at once because the
                                    real server could not be reached
                 commands           {verb: count} of the client's commands;
                                    IMAP verbs are upper case, UID commands as
                                    "UID FETCH"; SMTP verbs "EHLO", "RCPT" ...
                 fired              [count] per rule index of the current list
                 held               answers held now
                 bytes              {"c2s": n, "s2c": n} passed on so far
               and for SMTP:
                 data_transactions  messages whose content the real server
                                    took with a 2xx answer after the dot
                                    (whatever the client was told)
                 transactions       {"a@x, b@y": count} the same, per list of
                                    accepted recipients (in RCPT order)
                 delivered_to       {"a@x": count} the same, per recipient
stop()         stop accepting, close all connections, wake held answers.

Rules
-----
A rule is a dict with a "fault" and its parameters.  "times" (default 1) says
how often it fires, 0 means without limit; a used-up rule stays in the list
(its index keeps counting in stats()["fired"]) but does nothing.  Where several
rules could fire, the first in the list that still has uses does.  "command"
parameters are matched on whole words, case-insensitively, from the start of
the command name: "UID STORE" matches "A7 UID STORE 3 +FLAGS (...)", "UID"
matches every UID command, "STORE" does not match UID STORE.  SMTP command
lines are split into words at blanks and colons, so "MAIL FROM" and "MAIL"
both match "MAIL FROM:<a@b>".

Both protocols:
  {"fault": "drop_after_bytes", "n": N, "direction": "s2c"|"c2s"}
      after N more bytes have passed in that direction ("s2c", server to
      client, is the default) on one connection, close both sides of it; the
      Nth byte is the last one passed on.  Bytes are counted from the moment
      the rule was set (from the start for connections opened later); the
      first connection(s) to reach N get it, one per use.  Bytes the proxy
      writes itself (an injected answer) count too.  With "new_only": true
      only connections opened after set_rules() are cut.

IMAP (the proxy follows the client's commands - tags, literals {N} and {N+},
IDLE/DONE, AUTHENTICATE exchanges - and the server's responses with their
literals, which are streamed, never held in memory whole):
  {"fault": "bye_on", "command": "UID STORE"}
      a matching command is not passed on: the client gets
      "* BYE fault proxy: connection closed" and both sides are closed.
  {"fault": "no_on", "command": "UID SEARCH", "text": "..."
   [, "contains": "...", "status": "BAD"]}
      a matching command is not passed on; the client gets "TAG NO text"
      (default text "fault proxy: refused"), or "TAG BAD text".  With
      "contains", only a command whose line holds that text (case-insensitive),
      as a server that refuses a quoted keyword does.
  {"fault": "rewrite", "match": "(\\Seen \\*)", "replace": "(\\Seen)"}
      in an untagged server line (not in literals) that holds "match"
      (case-sensitive), "match" is replaced by "replace": a server's
      PERMANENTFLAGS, CAPABILITY or NAMESPACE answer made to order.
  {"fault": "omit_fetch_uid", "uid": N [, "item": "BODY"]}
      while a UID FETCH is outstanding on the connection, the untagged
      "* n FETCH (...)" response that carries UID N is left out, literal and
      all; everything else passes.  With "item", only a response that holds
      that text (say "RFC822.SIZE" or "BODY", case-insensitively) before its
      UID is known.  One use per response left out.
  {"fault": "delay", "command": "UID FETCH", "seconds": S}
      the server's tagged answer to a matching command is passed on S
      seconds late (what came before it passes at once).
  {"fault": "hold", "command": "UID FETCH" [, "seconds": S]}
      as delay, but until release() is called (or S seconds passed).
  The uses of delay, hold, bye_on and no_on are taken when the command is
  sent, those of omit_fetch_uid when the response is left out.

SMTP (the proxy follows the dialogue one command and one reply at a time; it
strips PIPELINING and CHUNKING from the EHLO answer, so clients do neither).
Every SMTP rule except drop_after_bytes may carry "rcpt": "substring": then
it fires only for a mail transaction that has a recipient accepted by the
server (or, for an RCPT command, the recipient being given) containing the
substring, case-insensitively.
  {"fault": "data_refuse", "reply": "554 5.7.1 refused by fault proxy"}
      DATA is not passed on: the proxy answers 354 itself, reads and discards
      the content, sends RSET to the server instead and answers the reply
      after the dot.  Nothing is delivered.  A 4xx reply works the same way.
  {"fault": "data_rewrite", "reply": "451 4.3.0 ..."}
      the content is passed on and the server delivers it; the client gets
      the reply instead of the server's answer (say, to provoke a duplicate).
  {"fault": "drop_after_data"}
      the content and the final dot are passed on, the server's answer is
      read (it delivered the mail), then both connections are closed without
      a word to the client.
  {"fault": "hold_data_reply" [, "seconds": S]}
      the content is passed on; the server's answer after the dot is held
      until release() (or S seconds), then passed on.
  {"fault": "reply_on", "command": "RCPT", "reply": "451 4.3.0 ..."}
      a matching command is not passed on; the client gets the reply.
  {"fault": "bye_on", "command": "MAIL" [, "reply": "421 ..."]}
      a matching command is not passed on; the client gets the reply (default
      "421 4.4.2 fault proxy: connection closed") and both sides are closed.
  The uses of data_rewrite, drop_after_data and hold_data_reply are taken
  once the server has answered 354 to DATA; without the 354 they do not fire.

Limits, by design: the real server must be reachable (otherwise a client's
connection is accepted and closed at once, counted in upstream_errors); after
a successful STARTTLS (or IMAP COMPRESS) the connection is relayed blindly and
only drop_after_bytes still applies; SMTP BDAT is relayed blindly too.  A
server's EOF ends the connection on both sides.  An IMAP client's EOF is passed
to the server as a half close (the server's last words still reach the
client); an SMTP client's EOF ends the connection on both sides.  SMTP
pipelining is not followed (hence not advertised): the proxy reads one command,
passes it on and waits for its reply before it reads the next.

Python 3 standard library only.
"""

import argparse
import json
import re
import signal
import socket
import sys
import threading
import time
import traceback

CHUNK = 65536          # bytes per read when streaming
LINE_LIMIT = 65536     # longest line piece read at once (longer lines are streamed)
CONNECT_TIMEOUT = 10   # seconds to reach the real server
JOIN_TIMEOUT = 5       # seconds stop() waits for each thread

IMAP_BYE = b"* BYE fault proxy: connection closed\r\n"
IMAP_NO_TEXT = "fault proxy: refused"
SMTP_BYE = "421 4.4.2 fault proxy: connection closed"
SMTP_354 = b"354 End data with <CR><LF>.<CR><LF>\r\n"
SMTP_STRIPPED = {"PIPELINING", "CHUNKING"}

# Which parameters each fault takes: required, optional.
_COMMON = {"fault", "times", "rcpt"}
FAULTS = {
    "imap": {
        "drop_after_bytes": ({"n"}, {"direction", "new_only"}),
        "bye_on": ({"command"}, set()),
        "no_on": ({"command"}, {"text", "contains", "status"}),
        "rewrite": ({"match", "replace"}, set()),
        "omit_fetch_uid": ({"uid"}, {"item"}),
        "delay": ({"command", "seconds"}, set()),
        "hold": ({"command"}, {"seconds"}),
    },
    "smtp": {
        "drop_after_bytes": ({"n"}, {"direction", "new_only"}),
        "data_refuse": ({"reply"}, set()),
        "data_rewrite": ({"reply"}, set()),
        "drop_after_data": (set(), set()),
        "hold_data_reply": (set(), {"seconds"}),
        "reply_on": ({"command", "reply"}, set()),
        "bye_on": ({"command"}, {"reply"}),
    },
}
SMTP_DATA_FAULTS = ("data_rewrite", "drop_after_data", "hold_data_reply")

_LITERAL = re.compile(rb"~?\{(\d+)(\+?)\}\r?\n\Z")
_UNTAGGED_FETCH = re.compile(rb"\* \d+ FETCH ", re.IGNORECASE)
_RCPT_ADDR = re.compile(rb"TO:\s*<([^>]*)>", re.IGNORECASE)


class _Closed(Exception):
    """The connection was closed (by a fault, drop_all(), stop() or a peer)."""


class _Rule:
    """One rule of the current list, with its use and fire counts."""

    def __init__(self, proto, index, spec):
        if not isinstance(spec, dict):
            raise ValueError(f"rule {index}: not a dict: {spec!r}")
        fault = spec.get("fault")
        if fault not in FAULTS[proto]:
            raise ValueError(f"rule {index}: no {proto} fault {fault!r} "
                             f"(known: {', '.join(sorted(FAULTS[proto]))})")
        required, optional = FAULTS[proto][fault]
        allowed = required | optional | _COMMON
        if proto == "imap" or fault == "drop_after_bytes":
            allowed = allowed - {"rcpt"}
        unknown = set(spec) - allowed
        missing = required - set(spec)
        if unknown or missing:
            raise ValueError(f"rule {index} ({fault}): "
                             + (f"unknown {sorted(unknown)} " if unknown else "")
                             + (f"missing {sorted(missing)}" if missing else ""))
        self.spec = dict(spec)
        self.index = index
        self.fault = fault
        self.times = int(spec.get("times", 1))
        if self.times < 0:
            raise ValueError(f"rule {index}: times must be >= 0")
        self.used = 0
        self.fired = 0
        command = spec.get("command")
        self.words = command.upper().split() if command else None
        if command is not None and not self.words:
            raise ValueError(f"rule {index}: empty command")
        self.rcpt = spec["rcpt"].lower() if spec.get("rcpt") else None
        self.direction = spec.get("direction", "s2c")
        if self.direction not in ("s2c", "c2s"):
            raise ValueError(f"rule {index}: direction must be s2c or c2s")
        self.n = int(spec.get("n", 0))
        if self.n < 0:
            raise ValueError(f"rule {index}: n must be >= 0")
        self.uid = int(spec["uid"]) if "uid" in spec else None
        self.item = str(spec["item"]).upper().encode() if spec.get("item") else None
        self.contains = str(spec["contains"]).upper().encode() if spec.get("contains") else None
        self.status = str(spec.get("status", "NO")).upper()
        if self.status not in ("NO", "BAD"):
            raise ValueError(f"rule {index}: status must be NO or BAD")
        self.match = str(spec["match"]).encode() if spec.get("match") else None
        self.replace = str(spec.get("replace", "")).encode()
        if fault == "rewrite" and not self.match:
            raise ValueError(f"rule {index}: empty match")
        self.seconds = float(spec["seconds"]) if spec.get("seconds") is not None else None
        self.text = str(spec.get("text", IMAP_NO_TEXT))
        reply = spec.get("reply", SMTP_BYE if fault == "bye_on" else None)
        if reply is not None:
            reply = str(reply).rstrip("\r\n")
            if not re.match(r"[2-5]\d\d( |\Z)", reply):
                raise ValueError(f"rule {index}: reply must start with an SMTP code: {reply!r}")
            self.reply = reply.encode("utf-8") + b"\r\n"
        else:
            self.reply = None

    def available(self):
        return self.times == 0 or self.used < self.times

    def matches(self, words):
        return self.words is None or words[:len(self.words)] == self.words

    def matches_rcpts(self, rcpts):
        return self.rcpt is None or any(self.rcpt in a.lower() for a in rcpts)


class FaultProxy:
    """A proxy between clients and a real IMAP or SMTP server; see the module text."""

    def __init__(self, proto, target, rules=None, host="127.0.0.1", port=0):
        if proto not in FAULTS:
            raise ValueError(f"proto must be imap or smtp, not {proto!r}")
        self.proto = proto
        self.target = (target[0], int(target[1]))
        self.host = host
        self.port = port
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._release_gen = 0
        self._stopped = False
        self._rules = []
        self._conns = set()
        self._threads = []
        self._listener = None
        self._counts = {"connections": 0, "upstream_errors": 0, "held": 0,
                        "commands": {}, "bytes": {"c2s": 0, "s2c": 0},
                        "data_transactions": 0, "transactions": {}, "delivered_to": {}}
        if rules:
            self.set_rules(rules)

    # ----- the public API

    def start(self):
        """Listen and accept in a background thread; return self."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((self.host, self.port))
        s.listen(64)
        self._listener = s
        self.port = s.getsockname()[1]
        self._spawn(self._accept_loop, "faultproxy-accept")
        return self

    def __enter__(self):
        return self.start() if self._listener is None else self

    def __exit__(self, *exc):
        self.stop()

    def set_rules(self, rules):
        """Replace the rule list; fire counts start again from 0."""
        new = [_Rule(self.proto, i, r) for i, r in enumerate(rules or [])]
        with self._lock:
            self._rules = new
            for conn in self._conns:
                conn.baseline = {id(r): (None if r.spec.get("new_only")
                                         else conn.nbytes[r.direction])
                                 for r in new if r.fault == "drop_after_bytes"}

    def rules(self):
        """The current rules (copies)."""
        with self._lock:
            return [dict(r.spec) for r in self._rules]

    def release(self):
        """Let go of every answer held now by a hold rule."""
        with self._lock:
            self._release_gen += 1
            self._cond.notify_all()

    def stats(self):
        """Counters, see the module text."""
        with self._lock:
            out = json.loads(json.dumps(self._counts))
            out["active"] = len(self._conns)
            out["fired"] = [r.fired for r in self._rules]
            if self.proto != "smtp":
                for k in ("data_transactions", "transactions", "delivered_to"):
                    del out[k]
            return out

    def drop_all(self):
        """Close every live connection, both sides."""
        with self._lock:
            conns = list(self._conns)
            self._cond.notify_all()
        for c in conns:
            c.close_all()

    def stop(self):
        """Stop accepting, close every connection, wake held answers, join threads."""
        with self._lock:
            self._stopped = True
            self._cond.notify_all()
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
        self.drop_all()
        me = threading.current_thread()
        for t in list(self._threads):
            if t is not me:
                t.join(JOIN_TIMEOUT)

    # ----- inside

    def _spawn(self, target, name, *args):
        t = threading.Thread(target=target, args=args, name=name, daemon=True)
        with self._lock:
            self._threads = [x for x in self._threads if x.is_alive()]
            self._threads.append(t)
        t.start()
        return t

    def _accept_loop(self):
        while True:
            try:
                csock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._stopped:
                    csock.close()
                    return
                self._counts["connections"] += 1
            self._spawn(self._serve, "faultproxy-conn", csock)

    def _serve(self, csock):
        try:
            ssock = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT)
            ssock.settimeout(None)
        except OSError:
            with self._lock:
                self._counts["upstream_errors"] += 1
            csock.close()
            return
        for s in (csock, ssock):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = (_ImapConn if self.proto == "imap" else _SmtpConn)(self, csock, ssock)
        with self._lock:
            if self._stopped:
                conn.close_all()
                conn.dispose()
                return
            conn.baseline = {id(r): 0 for r in self._rules if r.fault == "drop_after_bytes"}
            self._conns.add(conn)
        try:
            conn.run()
        finally:
            conn.close_all()
            with self._lock:
                self._conns.discard(conn)
            conn.dispose()

    def _take(self, faults, words=None, rcpts=None, uid=None, consume=True, text=None,
              line=None):
        """The first available rule of one of faults that matches; its use is taken
        unless consume is false."""
        with self._lock:
            for r in self._rules:
                if r.fault not in faults or not r.available():
                    continue
                if words is not None and not r.matches(words):
                    continue
                if rcpts is not None and not r.matches_rcpts(rcpts):
                    continue
                if uid is not None and r.uid != uid:
                    continue
                if r.item is not None and (text is None or r.item not in text.upper()):
                    continue
                if r.contains is not None and (line is None or r.contains not in line.upper()):
                    continue
                if r.match is not None and (line is None or r.match not in line):
                    continue
                if consume:
                    self._fire(r)
                return r
        return None

    def _fire(self, rule):
        with self._lock:
            rule.used += 1
            rule.fired += 1

    def _has(self, fault):
        with self._lock:
            return any(r.fault == fault and r.available() for r in self._rules)

    def _count_command(self, verb):
        with self._lock:
            c = self._counts["commands"]
            c[verb] = c.get(verb, 0) + 1

    def _count_delivery(self, rcpts):
        with self._lock:
            self._counts["data_transactions"] += 1
            key = ", ".join(rcpts)
            t = self._counts["transactions"]
            t[key] = t.get(key, 0) + 1
            d = self._counts["delivered_to"]
            for a in rcpts:
                d[a] = d.get(a, 0) + 1

    def _cut_point(self, conn, direction, size):
        """Account size bytes in direction on conn; return how many of them may pass
        before a drop_after_bytes rule cuts the connection, or None for all."""
        with self._lock:
            start = conn.nbytes[direction]
            cut = None
            chosen = None
            for r in self._rules:
                if r.fault != "drop_after_bytes" or r.direction != direction \
                        or not r.available():
                    continue
                base = conn.baseline.get(id(r))
                if base is None:
                    continue
                at = max(base + r.n, start)
                if at <= start + size and (cut is None or at < cut):
                    cut, chosen = at, r
            if chosen is not None:
                self._fire(chosen)
                passed = cut - start
            else:
                passed = size
            conn.nbytes[direction] = start + passed
            self._counts["bytes"][direction] += passed
            return None if chosen is None else passed

    def _hold(self, conn, seconds):
        """Wait until release() (or seconds, or the connection closes)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._lock:
            gen = self._release_gen
            self._counts["held"] += 1
            try:
                while gen == self._release_gen and not self._stopped and not conn.closed:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        break
                    self._cond.wait(left)
            finally:
                self._counts["held"] -= 1
        if conn.closed:
            raise _Closed()


class _Conn:
    """One client connection and its connection to the real server."""

    def __init__(self, proxy, csock, ssock):
        self.p = proxy
        self.c = csock
        self.s = ssock
        self.cr = csock.makefile("rb", buffering=CHUNK)
        self.sr = ssock.makefile("rb", buffering=CHUNK)
        self.wlock = {"s2c": threading.Lock(), "c2s": threading.Lock()}
        self.nbytes = {"c2s": 0, "s2c": 0}
        self.baseline = {}
        self.closed = False
        self.closed_event = threading.Event()

    def send(self, direction, data):
        """Pass data on in direction ("c2s" to the server, "s2c" to the client)."""
        if not data:
            return
        if self.closed:
            raise _Closed()
        passed = self.p._cut_point(self, direction, len(data))
        sock = self.s if direction == "c2s" else self.c
        try:
            sock.sendall(data if passed is None else data[:passed])
        except OSError:
            self.close_all()
            raise _Closed()
        if passed is not None:
            self.close_all()
            raise _Closed()

    def to_client(self, data):
        with self.wlock["s2c"]:
            self.send("s2c", data)

    def to_server(self, data):
        with self.wlock["c2s"]:
            self.send("c2s", data)

    def close_all(self):
        """Shut both sockets (wakes every thread blocked on them)."""
        self.closed = True
        self.closed_event.set()
        for s in (self.c, self.s):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self.p._lock:
            self.p._cond.notify_all()

    def client_eof(self):
        """The client closed its side: pass the half close on."""
        try:
            self.s.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def dispose(self):
        for f in (self.cr, self.sr, self.c, self.s):
            try:
                f.close()
            except OSError:
                pass

    def guarded(self, fn):
        """Run one pump; any error or close ends the whole connection."""
        try:
            fn()
        except (_Closed, OSError, ValueError):
            self.close_all()
        except Exception:           # a bug of the proxy: say so, do not hang the test
            traceback.print_exc()
            self.close_all()

    def readline(self, reader):
        line = reader.readline(LINE_LIMIT)
        if self.closed:
            raise _Closed()
        return line

    def copy_raw(self, reader, direction):
        """Relay blindly (after STARTTLS): only drop_after_bytes still applies."""
        while True:
            data = reader.read1(CHUNK)
            if not data:
                if direction == "c2s":
                    self.client_eof()
                    return
                raise _Closed()
            self.send(direction, data)

    def stream(self, reader, n, sink):
        """Pass n bytes from reader to sink (a callable) in chunks."""
        while n > 0:
            data = reader.read1(min(n, CHUNK))
            if not data:
                raise _Closed()
            n -= len(data)
            sink(data)


def _literal(line):
    """(size, synchronizing) when line ends with a literal announcement, else None."""
    m = _LITERAL.search(line)
    if not m:
        return None
    return int(m.group(1)), m.group(2) != b"+"


class _FetchUidScanner:
    """Finds "UID n" among the items of an untagged FETCH response, fed piece by
    piece (the text around the literals, never the literals themselves)."""

    def __init__(self):
        self.depth = 0       # parenthesis depth; the FETCH items are at depth 1
        self.brackets = 0    # inside [...] of BODY[...]: parens do not count
        self.quoted = False
        self.escape = False
        self.atom = []
        self.prev = None     # the previous atom at depth 1
        self.uid = None

    def _end_atom(self):
        if self.atom:
            word = "".join(self.atom)
            self.atom = []
            if self.depth == 1 and self.brackets == 0:
                if self.prev == "UID" and word.isdigit() and self.uid is None:
                    self.uid = int(word)
                self.prev = word.upper()

    def feed(self, data):
        for ch in data.decode("latin-1"):
            if self.quoted:
                if self.escape:
                    self.escape = False
                elif ch == "\\":
                    self.escape = True
                elif ch == '"':
                    self.quoted = False
                continue
            if ch == '"':
                self._end_atom()
                self.quoted = True
                if self.depth == 1:
                    self.prev = None
            elif ch == "[":
                self.atom.append(ch)
                self.brackets += 1
            elif ch == "]":
                self.atom.append(ch)
                self.brackets = max(0, self.brackets - 1)
            elif self.brackets:
                self.atom.append(ch)
            elif ch == "(":
                self._end_atom()
                self.depth += 1
            elif ch == ")":
                self._end_atom()
                self.depth -= 1
            elif ch in " \r\n":
                self._end_atom()
            else:
                self.atom.append(ch)
        return self.uid


class _Pending:
    """A command sent to the server whose tagged answer has not come yet."""

    def __init__(self, verb, rule):
        self.verb = verb
        self.rule = rule            # a delay or hold rule taken for it, or None
        self.done = threading.Event()


class _ImapConn(_Conn):
    """An IMAP connection: two pumps, client to server and server to client."""

    def __init__(self, proxy, csock, ssock):
        super().__init__(proxy, csock, ssock)
        self.pending = {}           # tag -> _Pending
        self.state = threading.Lock()
        self.auth_tag = None        # AUTHENTICATE under way: client lines are not commands
        self.expect_done = False    # IDLE sent: the next client line is DONE
        self.raw = False

    def run(self):
        t = threading.Thread(target=self.guarded, args=(self.s2c,), daemon=True,
                             name="faultproxy-imap-s2c")
        t.start()
        self.guarded(self.c2s)
        t.join()

    # --- client to server

    def c2s(self):
        while True:
            line = self.readline(self.cr)
            if not line:
                self.client_eof()
                return
            with self.state:
                auth = self.auth_tag is not None
            if auth:
                self.forward_command_rest(line)
                continue
            if self.expect_done:
                self.expect_done = False
                if line.strip().upper() == b"DONE":
                    self.to_server(line)
                    continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                self.forward_command_rest(line)
                continue
            tag = parts[0]
            words = parts[1].decode("latin-1").upper().split()[:2]
            if words and words[0] == "UID" and len(words) > 1:
                verb = "UID " + words[1]
            else:
                verb = words[0] if words else ""
            cmd_words = verb.split()
            self.p._count_command(verb)

            rule = self.p._take(("bye_on", "no_on"), words=cmd_words, line=line)
            if rule is not None and rule.fault == "bye_on":
                with self.wlock["s2c"]:
                    self.send("s2c", IMAP_BYE)
                self.close_all()
                return
            if rule is not None:
                self.skip_command_rest(line)
                self.to_client(tag + b" " + rule.status.encode() + b" "
                               + rule.text.encode("utf-8") + b"\r\n")
                continue

            entry = _Pending(verb, self.p._take(("delay", "hold"), words=cmd_words))
            with self.state:
                self.pending[tag] = entry
                if verb == "AUTHENTICATE":
                    self.auth_tag = tag
            self.forward_command_rest(line)
            if verb == "IDLE":
                self.expect_done = True
            elif verb in ("STARTTLS", "COMPRESS"):
                # What follows may be a TLS handshake: wait for the server's verdict.
                while not entry.done.wait(0.5):
                    if self.closed:
                        raise _Closed()
                if self.raw:
                    self.copy_raw(self.cr, "c2s")
                    return

    def forward_command_rest(self, line):
        """Pass on a client line and what belongs to it: the rest of a long line,
        literals and the lines after them."""
        while True:
            self.to_server(line)
            if not line.endswith(b"\n"):
                line = self.readline(self.cr)
                if not line:
                    raise _Closed()
                continue
            lit = _literal(line)
            if lit is None:
                return
            self.stream(self.cr, lit[0], self.to_server)
            line = self.readline(self.cr)
            if not line:
                raise _Closed()

    def skip_command_rest(self, line):
        """Read and drop the rest of a command that is not passed on.  A
        synchronizing literal ends it: the client waits for "+", which never comes."""
        while True:
            if not line.endswith(b"\n"):
                line = self.readline(self.cr)
                if not line:
                    raise _Closed()
                continue
            lit = _literal(line)
            if lit is None or lit[1]:
                return
            self.stream(self.cr, lit[0], lambda data: None)
            line = self.readline(self.cr)
            if not line:
                raise _Closed()

    # --- server to client

    def s2c(self):
        while True:
            line = self.readline(self.sr)
            if not line:
                raise _Closed()
            if line.startswith(b"* ") or line.startswith(b"+"):
                if line.startswith(b"* ") and self.p._has("rewrite"):
                    r = self.p._take(("rewrite",), line=line)
                    if r is not None:
                        line = line.replace(r.match, r.replace)
                watch = False
                if _UNTAGGED_FETCH.match(line) and self.p._has("omit_fetch_uid"):
                    with self.state:
                        watch = any(e.verb == "UID FETCH" for e in self.pending.values())
                self.relay_response(line, watch)
                continue
            tag = line.split(None, 1)[0] if line.strip() else b""
            with self.state:
                entry = self.pending.pop(tag, None)
            if entry is not None and entry.rule is not None:
                r = entry.rule
                if r.fault == "delay":
                    if self.closed_event.wait(r.seconds):
                        raise _Closed()
                else:
                    self.p._hold(self, r.seconds)
            if entry is not None:
                status = line.split(None, 2)[1:2]
                with self.state:
                    if self.auth_tag == tag:
                        self.auth_tag = None
                    if entry.verb in ("STARTTLS", "COMPRESS") and status \
                            and status[0].upper() == b"OK":
                        self.raw = True
            self.relay_response(line, False)
            if entry is not None:
                entry.done.set()
                if self.raw:
                    self.copy_raw(self.sr, "s2c")
                    return

    def relay_response(self, line, watch):
        """Pass one server response on, literals streamed.  With watch, an untagged
        FETCH is kept back until its UID is known; if an omit_fetch_uid rule wants
        that UID, the response is dropped."""
        with self.wlock["s2c"]:
            mode = "watch" if watch else "pass"
            held = []
            scanner = _FetchUidScanner() if watch else None

            def out(data, text):
                nonlocal mode
                if mode == "pass":
                    self.send("s2c", data)
                    return
                if mode == "drop":
                    return
                held.append(data)
                if text and scanner.feed(data) is not None:
                    if self.p._take(("omit_fetch_uid",), uid=scanner.uid,
                                    text=b"".join(held)) is not None:
                        mode = "drop"
                        held.clear()
                    else:
                        flush()

            def flush():
                nonlocal mode
                mode = "pass"
                data = b"".join(held)
                held.clear()
                self.send("s2c", data)

            while True:
                out(line, True)
                if not line.endswith(b"\n"):
                    line = self.readline(self.sr)
                    if not line:
                        raise _Closed()
                    continue
                lit = _literal(line)
                if lit is None:
                    break
                self.stream(self.sr, lit[0], lambda data: out(data, False))
                line = self.readline(self.sr)
                if not line:
                    raise _Closed()
            if mode == "watch":
                flush()


class _SmtpConn(_Conn):
    """An SMTP connection: one command, one reply at a time."""

    def __init__(self, proxy, csock, ssock):
        super().__init__(proxy, csock, ssock)
        self.rcpts = []

    def run(self):
        self.guarded(self.dialogue)

    def reply(self):
        """Read one (possibly multi-line) reply of the server: list of lines."""
        lines = []
        while True:
            line = self.readline(self.sr)
            if not line:
                raise _Closed()
            while not line.endswith(b"\n"):
                more = self.readline(self.sr)
                if not more:
                    raise _Closed()
                line += more
            lines.append(line)
            if line[3:4] != b"-":
                return lines

    def relay(self, lines):
        self.to_client(b"".join(lines))

    def command_line(self):
        line = self.readline(self.cr)
        while line and not line.endswith(b"\n"):
            more = self.readline(self.cr)
            if not more:
                break
            line += more
        return line

    def dialogue(self):
        self.relay(self.reply())        # the greeting
        while True:
            line = self.command_line()
            if not line:
                return
            words = [w for w in re.split(r"[\s:]+", line.decode("latin-1").upper()) if w]
            verb = words[0] if words else ""
            self.p._count_command(verb)
            rcpts = list(self.rcpts)
            m = _RCPT_ADDR.search(line) if verb == "RCPT" else None
            if verb == "RCPT":
                rcpts.append(m.group(1).decode("utf-8", "replace") if m
                             else line[5:].strip().decode("utf-8", "replace"))
            rule = self.p._take(("reply_on", "bye_on"), words=words, rcpts=rcpts)
            if rule is not None:
                self.to_client(rule.reply)
                if rule.fault == "bye_on":
                    self.close_all()
                    return
                continue
            if verb == "DATA":
                self.data(line)
                continue
            if verb == "BDAT":
                self.to_server(line)
                self.blind()
                return
            self.to_server(line)
            lines = self.reply()
            code = lines[0][:3]
            if verb in ("EHLO", "HELO", "MAIL", "RSET"):
                self.rcpts = []
            if verb == "EHLO" and code == b"250":
                lines = self.strip_ehlo(lines)
            elif verb == "RCPT" and code[:1] == b"2":
                self.rcpts = rcpts
            self.relay(lines)
            if verb == "STARTTLS" and code == b"220":
                self.blind()
                return
            if verb == "QUIT":
                return

    def blind(self):
        t = threading.Thread(target=self.guarded, args=(lambda: self.copy_raw(self.sr, "s2c"),),
                             daemon=True, name="faultproxy-smtp-s2c")
        t.start()
        self.copy_raw(self.cr, "c2s")
        t.join()

    @staticmethod
    def strip_ehlo(lines):
        """The EHLO answer without PIPELINING and CHUNKING."""
        keep = [lines[0]] + [ln for ln in lines[1:]
                             if ln[4:].split(b" ")[0].strip().upper().decode("latin-1")
                             not in SMTP_STRIPPED]
        out = []
        for i, ln in enumerate(keep):
            sep = b" " if i == len(keep) - 1 else b"-"
            out.append(ln[:3] + sep + ln[4:])
        return out

    def content(self, sink):
        """Read the message content up to and with the final dot, passing it to sink."""
        at_start = True
        while True:
            piece = self.readline(self.cr)
            if not piece:
                raise _Closed()
            sink(piece)
            if at_start and piece in (b".\r\n", b".\n"):
                return
            at_start = piece.endswith(b"\n")

    def data(self, line):
        rcpts = list(self.rcpts)
        refuse = self.p._take(("data_refuse",), rcpts=rcpts)
        if refuse is not None:
            self.to_client(SMTP_354)
            self.content(lambda piece: None)
            self.to_server(b"RSET\r\n")
            self.reply()
            self.rcpts = []
            self.to_client(refuse.reply)
            return
        self.to_server(line)
        lines = self.reply()
        self.relay(lines)
        if lines[0][:3] != b"354":
            return
        rule = self.p._take(SMTP_DATA_FAULTS, rcpts=rcpts)
        self.content(self.to_server)
        lines = self.reply()
        self.rcpts = []
        if lines[0][:1] == b"2":
            self.p._count_delivery(rcpts)
        if rule is None:
            self.relay(lines)
        elif rule.fault == "data_rewrite":
            self.to_client(rule.reply)
        elif rule.fault == "drop_after_data":
            self.close_all()
            raise _Closed()
        else:                                   # hold_data_reply
            self.p._hold(self, rule.seconds)
            self.relay(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description="phieu's fault proxy for tests "
                                 "(see the module text for the rules)")
    ap.add_argument("--proto", choices=("imap", "smtp"), required=True)
    ap.add_argument("--listen", type=int, default=0, help="port to listen on (0: any)")
    ap.add_argument("--host", default="127.0.0.1", help="address to listen on")
    ap.add_argument("--target", required=True, help="HOST:PORT of the real server")
    ap.add_argument("--rules", default="[]", help="the rules as a JSON list")
    args = ap.parse_args(argv)
    host, _, port = args.target.rpartition(":")
    if not host or not port.isdigit():
        ap.error("--target must be HOST:PORT")
    try:
        rules = json.loads(args.rules)
        proxy = FaultProxy(args.proto, (host, int(port)), rules, host=args.host,
                           port=args.listen)
    except ValueError as e:
        ap.error(f"--rules: {e}")
    proxy.start()
    print(proxy.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    signal.signal(signal.SIGINT, lambda *a: done.set())
    signal.signal(signal.SIGUSR1, lambda *a: proxy.release())
    signal.signal(signal.SIGUSR2, lambda *a: print(json.dumps(proxy.stats()), flush=True))
    while not done.wait(1):
        pass
    proxy.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
