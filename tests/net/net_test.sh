#!/bin/bash
# net_test.sh - check daemon/imap.c, smtp.c and tls.c against a real Dovecot and Postfix.
#
#   net_test.sh ENVFILE                  use a running server (tests/mailserver/mailsrv.sh
#                                        start DIR; ENVFILE is DIR/env)
#   net_test.sh --own-server [BASEPORT]  start a private server for the run, stop it after
#                                        (needs root; default BASEPORT 10360)
#
# NETTOOL names the nettool binary (default: the newest build*/tests/net/nettool).
# Prints "ok N - name" / "not ok N - name" lines and exits 1 when any check failed,
# 77 (skip) when no server can be had.  Each run uses fresh mailboxes.
set -u

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
mailsrv=$top/tests/mailserver/mailsrv.sh
mailtool=$top/tests/mailserver/mailtool.py
fakesrv=$here/fakesrv.py

if [ -z "${NETTOOL:-}" ]; then
	# shellcheck disable=SC2012
	NETTOOL=$(ls -t "$top"/build*/tests/net/nettool 2>/dev/null | head -n 1)
fi
if [ -z "$NETTOOL" ] || [ ! -x "$NETTOOL" ]; then
	echo "net_test: nettool not found; build it or set NETTOOL" >&2
	exit 1
fi

work=$(mktemp -d /tmp/phieu-net-test.XXXXXX)
own_dir=""

# Stop our own server (if any) and remove the scratch files.
# shellcheck disable=SC2317
cleanup() {
	if [ -n "$own_dir" ]; then
		"$mailsrv" stop "$own_dir" >/dev/null 2>&1 || true
		rm -rf "$own_dir"
	fi
	rm -rf "$work"
}
trap cleanup EXIT

case "${1:-}" in
--own-server)
	if [ "$(id -u)" != 0 ]; then
		echo "net_test: --own-server needs root (mailsrv.sh); skipping" >&2
		exit 77
	fi
	own_dir=$(mktemp -d /tmp/phieu-net-srv.XXXXXX)
	chmod 755 "$own_dir"
	if ! "$mailsrv" start "$own_dir" "${2:-10360}" >"$work/mailsrv.log" 2>&1 </dev/null; then
		cat "$work/mailsrv.log" >&2
		exit 1
	fi
	envfile=$own_dir/env
	;;
'')
	echo "usage: net_test.sh ENVFILE | --own-server [BASEPORT]" >&2
	exit 77
	;;
*)
	envfile=$1
	;;
esac
[ -r "$envfile" ] || {
	echo "net_test: cannot read $envfile" >&2
	exit 1
}
# shellcheck disable=SC1090
. "$envfile"
HOST=${MS_HOST:-127.0.0.1}
PASS=${MS_PASSWORD:-secret}
# fresh mailboxes for this run
run=r$$x$RANDOM
DOMAIN=net.test

n=0
failed=0
OUT=""
RC=0

# Record one check: "ok N - name" when $1 is 0, else "not ok" and the last output.
report() {
	local status=$1 name=$2
	n=$((n + 1))
	if [ "$status" -eq 0 ]; then
		echo "ok $n - $name"
	else
		echo "not ok $n - $name"
		failed=$((failed + 1))
		printf '%s\n' "$OUT" | sed 's/^/#   /'
	fi
}

# Run nettool with the given arguments; output in $OUT, status in $RC.
nt() {
	OUT=$("$NETTOOL" --timeout 15 "$@" 2>&1)
	RC=$?
}

# Succeed when $OUT contains the fixed string $1.
has() {
	printf '%s\n' "$OUT" | grep -qF -- "$1"
}

# IMAP fetch for user $1 over plain IMAP, extra nettool options follow.
fetch() {
	local user=$1
	shift
	nt "$@" imap-fetch "$HOST" "$MS_IMAP_PORT" none 0 - "$user" "$PASS"
}

# Wait until user $1's INBOX holds at least $2 messages (delivery is asynchronous).
wait_count() {
	local deadline=$((SECONDS + 30)) c
	while :; do
		fetch "$1" -q
		c=$(printf '%s\n' "$OUT" | sed -n 's/^count //p')
		[ "${c:-0}" -ge "$2" ] && return 0
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.3
	done
}

# Write a small message with subject $2 to file $1.
make_msg() {
	printf 'From: sender@%s\nTo: someone@%s\nSubject: %s\n\nbody of %s\n.line with a leading dot\n' \
		"$DOMAIN" "$DOMAIN" "$2" "$2" >"$1"
}

# Start fakesrv.py in mode $1 on a free port; sets FAKE_PORT and FAKE_PID.
fake_start() {
	: >"$work/fake.out"
	python3 "$fakesrv" 0 "$1" >"$work/fake.out" 2>&1 &
	FAKE_PID=$!
	local i
	for i in $(seq 100); do
		FAKE_PORT=$(sed -n 's/^ready //p' "$work/fake.out")
		[ -n "$FAKE_PORT" ] && return 0
		sleep 0.05
	done
	return 1
}

# Stop the fake server.
fake_stop() {
	kill "$FAKE_PID" 2>/dev/null
	wait "$FAKE_PID" 2>/dev/null
}

# A TCP port on 127.0.0.1 where nothing listens.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

u_batch=batch-$run@$DOMAIN
u_smtp=smtp-$run@$DOMAIN
u_mark=mark-$run@$DOMAIN
u_idle=idle-$run@$DOMAIN
u_big=big-$run@$DOMAIN

# --- IMAP over plain text, several messages in one fetch
mkdir -p "$work/batch"
for i in 1 2 3 4 5; do make_msg "$work/batch/m$i.eml" "batch $i"; done
python3 "$mailtool" append --env "$envfile" --user "$u_batch" "$work/batch" >/dev/null 2>&1
fetch "$u_batch"
[ $RC -eq 0 ] && has "count 5" && has "fetched 5" && has "uid 1 size" &&
	has "subject: batch 1" && has "subject: batch 5" && has "result OK" &&
	[ "$(printf '%s\n' "$OUT" | sed -n 's/^uid \([0-9]*\) .*/\1/p' | tr '\n' ' ')" = "1 2 3 4 5 " ]
report $? "plain IMAP: login, one batch fetch of 5 messages in UID order"

fetch "$u_batch" --after 3
[ $RC -eq 0 ] && has "count 2" && has "uid 4 " && has "uid 5 " && ! has "uid 3 "
report $? "search above a UID"

fetch "$u_batch" --after 5
[ $RC -eq 0 ] && has "count 0"
report $? "search above the highest UID is empty (UID N:* quirk filtered)"

nt imap-fetch "$HOST" "$MS_IMAP_PORT" none 0 - "$u_batch" "not-$PASS"
[ $RC -eq 1 ] && has "result NO" && has "login refused" && ! has "not-$PASS"
report $? "wrong password: NET_NO, password not in the cause"

nt imap-fetch "$HOST" "$(free_port)" none 0 - "$u_batch" "$PASS"
[ $RC -eq 2 ] && has "result RETRY" && has "Connection refused"
report $? "connection refused: NET_RETRY"

fetch "$u_batch" --folder "NoSuch$run"
[ $RC -eq 1 ] && has "result NO" && has "SELECT NoSuch$run refused"
report $? "select of a missing folder: NET_NO"

# --- TLS
nt imap-fetch "$HOST" "$MS_IMAPS_PORT" tls 1 "$MS_CA" "$u_batch" "$PASS"
[ $RC -eq 0 ] && has "count 5" && has "fetched 5"
report $? "implicit TLS, verified with the right CA"

nt imap-fetch localhost "$MS_IMAPS_PORT" tls 1 "$MS_CA" "$u_batch" "$PASS"
[ $RC -eq 0 ] && has "fetched 5"
report $? "implicit TLS by host name (SNI, name check)"

nt imap-fetch "$HOST" "$MS_IMAPS_PORT" tls 1 - "$u_batch" "$PASS"
[ $RC -eq 1 ] && has "certificate verification failed for $HOST" && has "issuer is unknown"
report $? "implicit TLS, verify on, no CA (self-signed): refused with the reason"

nt imap-fetch "$HOST" "$MS_IMAPS_PORT" tls 0 - "$u_batch" "$PASS"
[ $RC -eq 0 ] && has "fetched 5"
report $? "implicit TLS, verify off: accepted"

nt imap-fetch "$HOST" "$MS_IMAP_PORT" starttls 1 "$MS_CA" "$u_batch" "$PASS"
[ $RC -eq 0 ] && has "fetched 5"
report $? "STARTTLS, verified"

nt imap-fetch "$HOST" "$MS_IMAP_PORT" starttls 1 - "$u_batch" "$PASS"
[ $RC -eq 1 ] && has "certificate verification failed"
report $? "STARTTLS, verify on, no CA: refused"

# another name for the loopback that is not in the certificate, when the machine has one
other=$(hostname 2>/dev/null)
if [ -n "$other" ] && [ "$other" != localhost ] &&
	getent ahostsv4 "$other" 2>/dev/null | grep -q '^127\.0\.0\.1 '; then
	nt imap-fetch "$other" "$MS_IMAPS_PORT" tls 1 "$MS_CA" "$u_batch" "$PASS"
	[ $RC -eq 1 ] && has "certificate verification failed for $other" && has "does not match"
	report $? "implicit TLS, wrong host name: refused"
else
	n=$((n + 1))
	echo "ok $n - implicit TLS, wrong host name # SKIP no other name for 127.0.0.1"
fi

# --- SMTP
make_msg "$work/smtp.eml" "smtp $run"
nt smtp-send "$HOST" "$MS_SMTP_PORT" none 0 - "sender@$DOMAIN" "$u_smtp" "$work/smtp.eml"
[ $RC -eq 0 ] && has "result OK" && wait_count "$u_smtp" 1 && fetch "$u_smtp" &&
	has "subject: smtp $run"
report $? "SMTP send, then the message is visible over IMAP"

OUT=$(python3 "$mailtool" fetch --env "$envfile" --user "$u_smtp" --json 2>&1)
printf '%s\n' "$OUT" | python3 -c '
import json, sys
body = json.load(sys.stdin)[0]["body"]
sys.exit(body != "body of smtp %s\n.line with a leading dot\n" % sys.argv[1])' "$run"
report $? "SMTP body round trip: leading dot kept, no extra line at the end"

nt smtp-send "$HOST" "$MS_SMTP_PORT" none 0 - "sender@$DOMAIN" "$u_smtp,bad@" "$work/smtp.eml"
[ $RC -eq 1 ] && has "recipient(s) refused" && has "<bad@>" && ! has "<$u_smtp>"
report $? "SMTP recipient refused with 5xx: NET_NO naming the address"

nt smtp-send "$HOST" "$MS_SMTP_PORT" none 0 - "sender@$DOMAIN" "a<b>@$DOMAIN" "$work/smtp.eml"
[ $RC -eq 1 ] && has "invalid recipient"
report $? "SMTP address with <> refused before sending"

nt smtp-send "$HOST" "$MS_SMTP_PORT" starttls 1 "$MS_CA" "sender@$DOMAIN" "$u_smtp" "$work/smtp.eml"
if [ $RC -eq 0 ]; then
	has "result OK"
	report $? "SMTP STARTTLS send"
else
	[ $RC -eq 1 ] && has "does not offer it; refusing"
	report $? "SMTP STARTTLS configured, server without it: refused"
fi

nt smtp-send "$HOST" "$(free_port)" none 0 - "sender@$DOMAIN" "$u_smtp" "$work/smtp.eml"
[ $RC -eq 2 ] && has "result RETRY"
report $? "SMTP connection refused: NET_RETRY"

# --- marking: keyword, then search without it; move into a folder
mkdir -p "$work/mark"
for i in 1 2 3; do make_msg "$work/mark/m$i.eml" "mark $i"; done
python3 "$mailtool" append --env "$envfile" --user "$u_mark" "$work/mark" >/dev/null 2>&1
fetch "$u_mark" -q --keyword phieu_seen --mark phieu_seen
[ $RC -eq 0 ] && has "fetched 3" && fetch "$u_mark" -q --keyword phieu_seen && has "count 0" &&
	fetch "$u_mark" -q && has "count 3"
report $? "mark with a keyword, then search with that keyword returns nothing"

c=$(python3 "$mailtool" count --env "$envfile" --user "$u_mark" --keyword phieu_seen 2>/dev/null)
[ "$c" = 3 ]
report $? "the keyword is on the server (mailtool count)"

fetch "$u_mark" -q --move "Done/$run"
[ $RC -eq 0 ] && fetch "$u_mark" -q && has "count 0" && fetch "$u_mark" --folder "Done/$run" &&
	has "count 3" && has "subject: mark 3"
report $? "move into a new folder (created on demand)"

# --- IDLE
make_msg "$work/idle.eml" "idle $run"
fetch "$u_idle" -q # creates the mailbox
"$NETTOOL" --timeout 15 --wait 30 imap-idle "$HOST" "$MS_IMAPS_PORT" tls 1 "$MS_CA" \
	"$u_idle" "$PASS" >"$work/idle.out" 2>&1 &
idle_pid=$!
for i in $(seq 100); do
	grep -q "^idling" "$work/idle.out" && break
	sleep 0.1
done
start=$SECONDS
"$NETTOOL" smtp-send "$HOST" "$MS_SMTP_PORT" none 0 - "sender@$DOMAIN" "$u_idle" \
	"$work/idle.eml" >/dev/null 2>&1
wait "$idle_pid"
RC=$?
OUT=$(cat "$work/idle.out")
[ $RC -eq 0 ] && has "woke 1 new" && [ $((SECONDS - start)) -lt 25 ]
report $? "IDLE over TLS wakes up when a message is delivered"

nt --wait 2 imap-idle "$HOST" "$MS_IMAP_PORT" none 0 - "$u_idle" "$PASS"
[ $RC -eq 4 ] && has "timeout"
report $? "IDLE without news times out quietly"

# --- a large mailbox, fetched in chunks of 100
mkdir -p "$work/big"
for i in $(seq 1 2100); do
	printf 'Subject: big %d\r\nFrom: x@%s\r\n\r\nmessage %d\r\n' "$i" "$DOMAIN" "$i" >"$work/big/$i.eml"
done
python3 "$mailtool" append --env "$envfile" --user "$u_big" "$work/big" >/dev/null 2>&1
fetch "$u_big" --chunk 100
[ $RC -eq 0 ] && has "count 2100" && has "fetched 2100" &&
	[ "$(printf '%s\n' "$OUT" | grep -c '^uid ')" = 2100 ] &&
	printf '%s\n' "$OUT" | sed -n 's/^uid \([0-9]*\) .*/\1/p' | sort -n -c
report $? "2100 messages: search, then fetch in chunks of 100, in UID order"

fetch "$u_big" -q --chunk 100 --keyword phieu_big --mark phieu_big
[ $RC -eq 0 ] && fetch "$u_big" -q --keyword phieu_big && has "count 0"
report $? "2100 messages: mark in chunks, then none left"

# --- failures a real server will not show on demand (tests/net/fakesrv.py)
# Run nettool against fakesrv.py mode $1; "@" in the arguments becomes its port.
fake_run() {
	local mode=$1
	shift
	if ! fake_start "$mode"; then
		OUT="fakesrv did not start"
		RC=99
		return
	fi
	local args=() a
	for a in "$@"; do
		[ "$a" = @ ] && a=$FAKE_PORT
		args+=("$a")
	done
	OUT=$("$NETTOOL" "${args[@]}" 2>&1)
	RC=$?
	fake_stop
}

fake_run silent --timeout 2 imap-fetch 127.0.0.1 @ none 0 - u p
[ $RC -eq 2 ] && has "greeting: connection lost or timed out"
report $? "IMAP server silent: NET_RETRY after the timeout"

fake_run silent --timeout 2 imap-fetch 127.0.0.1 @ tls 0 - u p
[ $RC -eq 2 ] && has "TLS handshake" && has "timed out"
report $? "TLS handshake stalls: NET_RETRY after the timeout"

fake_run imap-no-starttls imap-fetch 127.0.0.1 @ starttls 0 - u p
[ $RC -eq 1 ] && has "does not offer it; refusing"
report $? "IMAP STARTTLS configured, server without it: refused"

fake_run imap-inject imap-fetch 127.0.0.1 @ starttls 0 - u p
[ $RC -eq 1 ] && has "data after the STARTTLS reply"
report $? "IMAP STARTTLS response injection refused"

fake_run imap-idle-bye --wait 10 imap-idle 127.0.0.1 @ none 0 - u p
[ $RC -eq 2 ] && has "result RETRY"
report $? "BYE while idling: NET_RETRY"

fake_run smtp-greet-421 smtp-send 127.0.0.1 @ none 0 - a@b.test c@d.test "$work/smtp.eml"
[ $RC -eq 2 ] && has "421"
report $? "SMTP 421 greeting: NET_RETRY"

fake_run smtp-mail-451 smtp-send 127.0.0.1 @ none 0 - a@b.test c@d.test "$work/smtp.eml"
[ $RC -eq 2 ] && has "451 4.3.0"
report $? "SMTP 451 to MAIL FROM: NET_RETRY"

fake_run smtp-inject smtp-send 127.0.0.1 @ starttls 0 - a@b.test c@d.test "$work/smtp.eml"
[ $RC -eq 1 ] && has "data after the STARTTLS reply"
report $? "SMTP STARTTLS reply injection refused"

echo "1..$n"
if [ $failed -ne 0 ]; then
	echo "# $failed of $n checks failed"
	exit 1
fi
exit 0
