#!/usr/bin/python3
"""mailtool.py - talk to a private mail server started by mailsrv.sh.

Subcommands (all take --env DIR/env, written by `mailsrv.sh start`):

  send           --from A --to B [--to C] FILE.eml...   submit through Postfix SMTP
  wait-delivered --user U --count N [--timeout S]       wait for N messages in INBOX
  fetch          --user U [--folder F] [--json]          print the messages of a folder
  append         --user U [--folder F] [--flags F] FILE|DIR...   IMAP APPEND, one connection
  count          --user U [--folder F] [--keyword K]     print the number of messages

send keeps the message bytes, only ending lines in CRLF as SMTP requires.
fetch --json prints [{uid, flags, from, to, cc, subject, message_id, in_reply_to,
references, auto_submitted, date, body}], headers decoded from RFC 2047 and body
the text/plain part decoded to text; flags leave out \Recent.
IMAP commands log in as U with the instance's password over plain IMAP, or over
IMAPS checked against the instance's CA with --imaps.  Reading never changes a
mailbox: folders are opened read-only and bodies fetched with BODY.PEEK.
Exit status: 0 done, 1 failed (timeout, server error), 2 bad usage.
Python 3 standard library only.
"""

import argparse
import base64
import email
import email.policy
import imaplib
import json
import os
import re
import shlex
import smtplib
import ssl
import sys
import time

# Dovecot closes nothing on us in practice, but a stuck server must not hang a test.
SOCKET_TIMEOUT = 30
# Messages per MULTIAPPEND command, and bytes at which a batch is sent early.
APPEND_BATCH = 200
APPEND_BATCH_BYTES = 8 << 20


class ToolError(Exception):
    """A failure to report on stderr with exit status 1."""


def read_env(path):
    """Return the KEY=VALUE pairs of a mailsrv.sh env file as a dict."""
    env = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                if line.startswith("export "):
                    line = line[len("export "):]
                key, sep, value = line.partition("=")
                if sep:
                    words = shlex.split(value)
                    env[key] = words[0] if words else ""
    except OSError as e:
        raise ToolError(f"cannot read env file: {e}") from e
    for key in ("MS_IMAP_PORT", "MS_IMAPS_PORT", "MS_SMTP_PORT", "MS_PASSWORD"):
        if key not in env:
            raise ToolError(f"{path}: {key} missing (was the server started?)")
    return env


def imap_utf7(name):
    """Encode a mailbox name in IMAP's modified UTF-7 (RFC 3501 5.1.3)."""
    out, run = [], []

    def flush():
        if run:
            b = "".join(run).encode("utf-16-be")
            enc = base64.b64encode(b).decode().rstrip("=")
            out.append("&" + enc.replace("/", ",") + "-")
            run.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            run.append(ch)
    flush()
    return "".join(out)


def quote_mailbox(name):
    """Return a mailbox name ready for an IMAP command (encoded and quoted)."""
    enc = imap_utf7(name)
    return '"' + enc.replace("\\", "\\\\").replace('"', '\\"') + '"'


def imap_connect(env, args):
    """Log in as args.user over IMAP (or IMAPS with --imaps) and return the client."""
    host = env.get("MS_HOST", "127.0.0.1")
    try:
        if args.imaps:
            ctx = ssl.create_default_context(cafile=env["MS_CA"])
            client = imaplib.IMAP4_SSL("localhost" if host == "127.0.0.1" else host,
                                       int(env["MS_IMAPS_PORT"]), ssl_context=ctx,
                                       timeout=SOCKET_TIMEOUT)
        else:
            client = imaplib.IMAP4(host, int(env["MS_IMAP_PORT"]), timeout=SOCKET_TIMEOUT)
        client.login(args.user, env["MS_PASSWORD"])
    except (OSError, imaplib.IMAP4.error) as e:
        raise ToolError(f"IMAP login as {args.user} failed: {e}") from e
    return client


def imap_check(typ, data, what):
    """Raise ToolError unless an imaplib reply is OK."""
    if typ != "OK":
        text = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise ToolError(f"{what} failed: {typ} {text}")
    return data


def imap_select(client, folder, readonly=True):
    """Open folder (read-only by default) and return its message count."""
    typ, data = client.select(quote_mailbox(folder), readonly=readonly)
    imap_check(typ, data, f"SELECT {folder}")
    return int(data[0])


def search_criteria(keyword):
    """Return the SEARCH key for a keyword or a system flag such as \\Seen."""
    if keyword is None:
        return "ALL"
    if keyword.startswith("\\"):
        flag = keyword[1:].upper()
        if flag not in ("SEEN", "ANSWERED", "FLAGGED", "DELETED", "DRAFT", "RECENT"):
            raise ToolError(f"unknown system flag {keyword}")
        return flag
    if not re.fullmatch(r"[^\s(){%*\"\\\]]+", keyword):
        raise ToolError(f"not a valid IMAP keyword: {keyword!r}")
    return f"KEYWORD {keyword}"


def cmd_count(env, args):
    """Print the number of messages in a folder, or of those with a keyword."""
    client = imap_connect(env, args)
    try:
        imap_select(client, args.folder)
        typ, data = client.uid("SEARCH", search_criteria(args.keyword))
        imap_check(typ, data, "SEARCH")
        print(len(data[0].split()) if data and data[0] else 0)
    finally:
        client_logout(client)
    return 0


def client_logout(client):
    """Log out, ignoring errors of a connection that is already broken."""
    try:
        client.logout()
    except (OSError, imaplib.IMAP4.error):
        pass


def inbox_count(env, args):
    """Return the number of messages in args.user's INBOX (one short session)."""
    client = imap_connect(env, args)
    try:
        typ, data = client.status("INBOX", "(MESSAGES)")
        imap_check(typ, data, "STATUS")
        m = re.search(rb"MESSAGES (\d+)", data[0])
        return int(m.group(1))
    finally:
        client_logout(client)


def cmd_wait_delivered(env, args):
    """Poll until the user's INBOX holds at least --count messages."""
    deadline = time.monotonic() + args.timeout
    have, last_error = 0, None
    while True:
        try:
            have = inbox_count(env, args)
            last_error = None
        except ToolError as e:   # server restarting: keep trying until the deadline
            last_error = e
        if have >= args.count:
            return 0
        if time.monotonic() >= deadline:
            why = f" (last error: {last_error})" if last_error else ""
            raise ToolError(f"timeout after {args.timeout}s: {args.user} has {have} "
                            f"of {args.count} messages{why}")
        time.sleep(0.2)


def header_text(msg, name):
    """Return a header decoded from RFC 2047 (several occurrences joined), or None."""
    values = msg.get_all(name)
    if not values:
        return None
    out = []
    for v in values:
        # Raw 8-bit bytes in a header arrive as surrogate escapes: read them as UTF-8.
        text = str(v).encode("utf-8", "surrogateescape")
        out.append(text.decode("utf-8", errors="replace"))
    return ", ".join(out) if name.lower() in ("to", "cc") else out[0]


def body_text(msg):
    """Return the text/plain body decoded to str ("" when there is none).

    8-bit text without a charset is read as UTF-8, which is what such Vietnamese
    mail means in practice; bytes that do not decode become U+FFFD."""
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    return text.replace("\r\n", "\n")


def message_summary(uid, flags, raw):
    """Return the dict printed by fetch --json for one message."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    return {
        "uid": uid,
        "flags": flags,
        "from": header_text(msg, "From"),
        "to": header_text(msg, "To"),
        "cc": header_text(msg, "Cc"),
        "subject": header_text(msg, "Subject"),
        "message_id": header_text(msg, "Message-ID"),
        "in_reply_to": header_text(msg, "In-Reply-To"),
        "references": header_text(msg, "References"),
        "auto_submitted": header_text(msg, "Auto-Submitted"),
        "date": header_text(msg, "Date"),
        "body": body_text(msg),
    }


def parse_fetch(data):
    """Turn an imaplib UID FETCH (UID FLAGS BODY.PEEK[]) reply into (uid, flags, raw).

    Each message comes as a tuple (text before the literal, literal) and then the
    text after it; responses without a literal (another session's flag changes)
    are skipped."""
    out, meta, raw = [], b"", None
    for item in data:
        if isinstance(item, tuple):
            meta, raw = item[0], item[1]
            continue
        if raw is None:
            continue
        meta += item or b""
        uid = re.search(rb"UID (\d+)", meta)
        flags = re.search(rb"FLAGS \(([^)]*)\)", meta)
        if uid:
            # \Recent depends on who looked first: useless to tests.
            names = flags.group(1).decode().split() if flags else []
            out.append((int(uid.group(1)), [f for f in names if f != "\\Recent"], raw))
        meta, raw = b"", None
    return out


def cmd_fetch(env, args):
    """Print the messages of a folder, as JSON with --json."""
    client = imap_connect(env, args)
    try:
        messages = []
        if imap_select(client, args.folder) > 0:
            typ, data = client.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[])")
            imap_check(typ, data, "FETCH")
            messages = [message_summary(u, f, r) for u, f, r in parse_fetch(data)]
    finally:
        client_logout(client)
    if args.json:
        json.dump(messages, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for m in messages:
        print(f"--- uid {m['uid']} flags {' '.join(m['flags']) or '-'}")
        for key in ("from", "to", "cc", "subject", "date", "message_id",
                    "in_reply_to", "references", "auto_submitted"):
            if m[key] is not None:
                print(f"{key}: {m[key]}")
        print()
        print(m["body"].rstrip("\n"))
    return 0


def expand_files(paths):
    """Return the files named, with a directory standing for its files in name order."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, n) for n in os.listdir(p)
                            if os.path.isfile(os.path.join(p, n)))
        else:
            files.append(p)
    return files


def read_bytes(path):
    """Return a file's bytes, or raise ToolError."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise ToolError(f"cannot read {path}: {e}") from e


def multiappend(client, tag, mailbox, flags, messages):
    """APPEND messages in one MULTIAPPEND command with LITERAL+ literals (RFC 3502,
    RFC 7888), so there is no round trip per message; all or none are stored."""
    head = b"%s APPEND %s" % (tag, mailbox.encode())
    parts = [head]
    for raw in messages:
        raw = re.sub(rb"\r?\n", b"\r\n", raw)
        parts.append(b" %s{%d+}\r\n" % (flags + b" " if flags else b"", len(raw)) + raw)
    client.send(b"".join(parts) + b"\r\n")
    while True:
        line = client.readline()
        if not line:
            raise ToolError("connection closed during APPEND")
        if line.startswith(tag + b" "):
            if not line[len(tag) + 1:].startswith(b"OK"):
                raise ToolError(f"APPEND failed: {line.decode(errors='replace').strip()}")
            return


def cmd_append(env, args):
    """APPEND files to a folder over one connection (the folder is created if missing).

    Messages go in MULTIAPPEND batches when the server offers it (Dovecot does):
    2,000 small messages take about a second instead of several."""
    files = expand_files(args.files)
    client = imap_connect(env, args)
    started = time.monotonic()
    try:
        mailbox = quote_mailbox(args.folder)
        if args.folder.upper() != "INBOX":
            client.create(mailbox)          # fails harmlessly when it exists
        flags = f"({args.flags})" if args.flags else None
        typ, data = client.capability()
        caps = data[0].upper().split() if typ == "OK" and data[0] else []
        if b"MULTIAPPEND" in caps and b"LITERAL+" in caps:
            batch, size, n = [], 0, 0
            for i, path in enumerate(files):
                batch.append(read_bytes(path))
                size += len(batch[-1])
                if len(batch) == APPEND_BATCH or size > APPEND_BATCH_BYTES or i == len(files) - 1:
                    n += 1
                    multiappend(client, b"MA%d" % n, mailbox,
                                flags.encode() if flags else None, batch)
                    batch, size = [], 0
        else:
            for path in files:
                typ, data = client.append(mailbox, flags, None, read_bytes(path))
                imap_check(typ, data, f"APPEND {path}")
    finally:
        client_logout(client)
    print(f"appended {len(files)} messages to {args.user} {args.folder} "
          f"in {time.monotonic() - started:.2f}s", file=sys.stderr)
    return 0


def cmd_send(env, args):
    """Send each file through the Postfix SMTP port with the given envelope."""
    host = env.get("MS_HOST", "127.0.0.1")
    try:
        with smtplib.SMTP(host, int(env["MS_SMTP_PORT"]), timeout=SOCKET_TIMEOUT) as smtp:
            smtp.ehlo("mailtool.test")
            for path in expand_files(args.files):
                # SMTP lines end in CRLF; smtplib sends bytes untouched and would
                # turn a final bare LF into an extra empty line.
                raw = re.sub(rb"\r?\n", b"\r\n", read_bytes(path))
                opts = ["BODY=8BITMIME"] if not raw.isascii() else []
                refused = smtp.sendmail(args.sender, args.to, raw, mail_options=opts)
                if refused:
                    raise ToolError(f"{path}: recipients refused: {refused}")
    except (OSError, smtplib.SMTPException) as e:
        raise ToolError(f"SMTP send failed: {e}") from e
    return 0


def build_parser():
    """Return the command-line parser."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)

    def add(name, func, user=True):
        sp = sub.add_parser(name)
        sp.add_argument("--env", required=True, help="DIR/env written by mailsrv.sh")
        sp.set_defaults(func=func)
        if user:
            sp.add_argument("--user", required=True, help="IMAP user, e.g. pkt-iid@danang.gov.vn")
            sp.add_argument("--imaps", action="store_true", help="use IMAPS, trusting MS_CA")
        return sp

    sp = add("send", cmd_send, user=False)
    sp.add_argument("--from", dest="sender", required=True)
    sp.add_argument("--to", action="append", required=True)
    sp.add_argument("files", nargs="+", metavar="FILE")

    sp = add("wait-delivered", cmd_wait_delivered)
    sp.add_argument("--count", type=int, required=True)
    sp.add_argument("--timeout", type=float, default=30)

    sp = add("fetch", cmd_fetch)
    sp.add_argument("--folder", default="INBOX")
    sp.add_argument("--json", action="store_true")

    sp = add("append", cmd_append)
    sp.add_argument("--folder", default="INBOX")
    sp.add_argument("--flags", help=r"flags for every message, e.g. '\Seen $Done'")
    sp.add_argument("files", nargs="+", metavar="FILE|DIR")

    sp = add("count", cmd_count)
    sp.add_argument("--folder", default="INBOX")
    sp.add_argument("--keyword", help=r"count only these, e.g. $Done or \Seen")
    return p


def main():
    """Run one subcommand; return the exit status."""
    args = build_parser().parse_args()
    # Output is UTF-8 whatever the locale, so tests can compare Vietnamese text.
    sys.stdout.reconfigure(encoding="utf-8")
    try:
        return args.func(read_env(args.env), args)
    except ToolError as e:
        print(f"mailtool: {args.command}: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:          # output piped into head(1) and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
