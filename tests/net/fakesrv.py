#!/usr/bin/python3
"""fakesrv.py - a misbehaving IMAP or SMTP server for the failure paths of net_test.sh.

  fakesrv.py PORT MODE

Listens on 127.0.0.1:PORT (0: any free port), prints "ready PORT" once
listening, serves one connection as MODE says and exits.  Real servers (tests/mailserver) are used for
everything they can show; this covers what they will not do on demand:

  silent             accept and never answer (client timeouts)
  smtp-greet-421     "421 busy" as greeting
  smtp-mail-451      temporary failure of MAIL FROM
  smtp-inject        STARTTLS reply followed by injected plain-text data
  imap-no-starttls   an IMAP server without STARTTLS
  imap-inject        STARTTLS answer followed by injected plain-text data
  imap-idle-bye      BYE and close while the client idles
Python 3 standard library only.
"""

import socket
import sys
import time


def lines(conn):
    """Yield the client's lines (without CRLF) until it closes."""
    buf = b""
    while True:
        while b"\n" not in buf:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\n", 1)
        yield line.rstrip(b"\r").decode("utf-8", "replace")


def send(conn, text):
    """Send text with CRLF line ends."""
    conn.sendall(text.replace("\n", "\r\n").encode())


def silent(conn):
    time.sleep(30)


def smtp_greet_421(conn):
    send(conn, "421 4.3.2 busy, try later\n")


def smtp_mail_451(conn):
    send(conn, "220 fake ESMTP\n")
    for line in lines(conn):
        verb = line.split(" ", 1)[0].upper()
        if verb == "EHLO":
            send(conn, "250-fake\n250 PIPELINING\n")
        elif verb == "MAIL":
            send(conn, "451 4.3.0 temporary trouble\n")
        elif verb == "RSET":
            send(conn, "250 ok\n")
        elif verb == "QUIT":
            send(conn, "221 bye\n")
            return
        else:
            send(conn, "502 no\n")


def smtp_inject(conn):
    send(conn, "220 fake ESMTP\n")
    for line in lines(conn):
        verb = line.split(" ", 1)[0].upper()
        if verb == "EHLO":
            send(conn, "250-fake\n250 STARTTLS\n")
        elif verb == "STARTTLS":
            send(conn, "220 go ahead\n250 injected\n")
            time.sleep(2)
            return
        else:
            send(conn, "250 ok\n")


def imap_loop(conn, greeting, answers):
    """Answer tagged commands: answers maps a command word to a function(tag, line)."""
    send(conn, greeting)
    for line in lines(conn):
        tag, _, rest = line.partition(" ")
        word = rest.split(" ", 1)[0].upper()
        if word == "UID":
            word = "UID " + rest.split(" ")[1].upper()
        if word in answers:
            if answers[word](tag, rest) == "stop":
                return
        elif word == "LOGOUT":
            send(conn, f"* BYE bye\n{tag} OK done\n")
            return
        else:
            send(conn, f"{tag} OK fine\n")


def imap_no_starttls(conn):
    caps = "IMAP4rev1 IDLE AUTH=PLAIN"
    imap_loop(conn, f"* OK [CAPABILITY {caps}] fake\n", {
        "CAPABILITY": lambda tag, _: send(conn, f"* CAPABILITY {caps}\n{tag} OK done\n"),
    })


def imap_inject(conn):
    def starttls(tag, _):
        # The answer and an injected response in one segment, before any TLS.
        send(conn, f"{tag} OK begin TLS now\n* OK [CAPABILITY IMAP4rev1] injected\n")
        time.sleep(2)
        return "stop"

    imap_loop(conn, "* OK [CAPABILITY IMAP4rev1 STARTTLS] fake\n", {"STARTTLS": starttls})


def imap_idle_bye(conn):
    caps = "IMAP4rev1 IDLE AUTH=PLAIN"

    def select(tag, _):
        send(conn, "* 1 EXISTS\n* OK [UIDVALIDITY 42] ok\n* OK [UIDNEXT 2] ok\n"
                   f"{tag} OK [READ-WRITE] selected\n")

    def idle(tag, _):
        send(conn, "+ idling\n")
        time.sleep(0.5)
        send(conn, "* BYE server shutting down\n")
        return "stop"

    imap_loop(conn, f"* OK [CAPABILITY {caps}] fake\n", {
        "CAPABILITY": lambda tag, _: send(conn, f"* CAPABILITY {caps}\n{tag} OK done\n"),
        "SELECT": select,
        "UID SEARCH": lambda tag, _: send(conn, f"* SEARCH 1\n{tag} OK done\n"),
        "IDLE": idle,
    })


MODES = {
    "silent": silent,
    "smtp-greet-421": smtp_greet_421,
    "smtp-mail-451": smtp_mail_451,
    "smtp-inject": smtp_inject,
    "imap-no-starttls": imap_no_starttls,
    "imap-inject": imap_inject,
    "imap-idle-bye": imap_idle_bye,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in MODES:
        sys.exit("usage: fakesrv.py PORT " + "|".join(MODES))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(1)
    srv.settimeout(60)
    print("ready", srv.getsockname()[1], flush=True)
    conn, _ = srv.accept()
    conn.settimeout(60)
    try:
        MODES[sys.argv[2]](conn)
    except (OSError, socket.timeout):
        pass
    finally:
        conn.close()
        srv.close()


if __name__ == "__main__":
    main()
