#!/bin/bash
# selftest.sh - check that mailsrv.sh and mailtool.py work on this machine.
#
#   tests/mailserver/selftest.sh [BASEPORT]
#
# Starts a private instance in a temporary directory on the first free base port
# from BASEPORT (default 10240), sends a UTF-8 mail through Postfix, waits for its
# delivery, reads it back over IMAP and IMAPS, stops the instance and checks that
# none of its processes is left.  Prints one ok/FAIL line per check; exit 0 only
# if all passed.  Must run as root.
#
# SELFTEST_BREAK=delivery stops Dovecot right after the start, to see the delivery
# and IMAP checks fail (a test that cannot fail proves nothing).
# The checks are functions called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
MAILSRV=$HERE/mailsrv.sh
FROM=vanphong@stp.danang.gov.vn
TO=pkt-iid@danang.gov.vn
SUBJECT="Đề nghị cấp tài khoản thư điện tử - Sở Tư pháp"
FAILED=0
DIR=""

# Run mailtool.py with the system Python (standard library only).
mailtool() {
	/usr/bin/python3 "$HERE/mailtool.py" "$@"
}

# Report one check: ok when the command "$@" succeeds, FAIL (and remember) if not.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok   $name"
	else
		echo "FAIL $name"
		FAILED=1
	fi
}

# Run "$@" with its output discarded.
quietly() {
	"$@" >/dev/null 2>&1
}

# Write the test message, with its UTF-8 subject encoded by RFC 2047, to $1.
write_message() {
	/usr/bin/python3 - "$1" "$FROM" "$TO" "$SUBJECT" <<-'EOF'
		import sys
		from email.message import EmailMessage
		path, sender, to, subject = sys.argv[1:]
		m = EmailMessage()
		m["From"] = "Văn phòng Sở Tư pháp <%s>" % sender
		m["To"] = to
		m["Subject"] = subject
		m["Message-ID"] = "<selftest.1@stp.danang.gov.vn>"
		m.set_content("Kính gửi Phòng Kỹ thuật,\nđề nghị cấp tài khoản.\n")
		open(path, "wb").write(bytes(m))
	EOF
}

# Succeed if the delivered message reads back with the right decoded subject.
subject_matches() {
	mailtool fetch --env "$DIR/env" --user "$TO" --json >"$DIR/fetch.json" &&
		/usr/bin/python3 - "$DIR/fetch.json" "$SUBJECT" <<-'EOF'
			import json, sys
			msgs = json.load(open(sys.argv[1], encoding="utf-8"))
			ok = len(msgs) == 1 and msgs[0]["subject"] == sys.argv[2] \
			    and "cấp tài khoản" in msgs[0]["body"]
			sys.exit(0 if ok else 1)
		EOF
}

# Succeed if IMAPS works with DIR/ca.pem as the only trusted CA.
imaps_with_ca() {
	[ "$(mailtool count --env "$DIR/env" --user "$TO" --imaps)" = 1 ]
}

# Succeed if IMAPS is refused without the CA (so the check above used it).
imaps_rejected_without_ca() {
	# shellcheck source=/dev/null
	. "$DIR/env"
	/usr/bin/python3 - "$MS_IMAPS_PORT" <<-'EOF'
		import imaplib, ssl, sys
		try:
		    imaplib.IMAP4_SSL("localhost", int(sys.argv[1]),
		                      ssl_context=ssl.create_default_context(), timeout=10)
		except ssl.SSLCertVerificationError:
		    sys.exit(0)
		except OSError as e:
		    print(e, file=sys.stderr)
		sys.exit(1)
	EOF
}

# Succeed if a mail to a user nobody sent to does not show up (a check that fails).
no_phantom_delivery() {
	! mailtool wait-delivered --env "$DIR/env" --user nobody@danang.gov.vn \
		--count 1 --timeout 1 2>/dev/null
}

# Succeed if no Dovecot or Postfix process works inside DIR any more.
no_processes_left() {
	local p
	for p in /proc/[0-9]*; do
		case "$(readlink "$p/cwd" 2>/dev/null) $(readlink "$p/root" 2>/dev/null)" in
		*"$DIR"*)
			case "$(readlink "$p/exe" 2>/dev/null)" in
			*dovecot* | */postfix/*)
				echo "left over: ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")" >&2
				return 1
				;;
			esac
			;;
		esac
	done
}

# On any exit: stop the instance (if still up) and remove its directory.
cleanup() {
	if [ -n "$DIR" ]; then
		"$MAILSRV" stop "$DIR" >/dev/null 2>&1 || true
		rm -rf "$DIR"
	fi
}

# Run all checks in order.
main() {
	local base
	[ "$(id -u)" = 0 ] || {
		echo "FAIL selftest must run as root"
		exit 1
	}
	trap cleanup EXIT
	trap 'exit 1' INT TERM
	DIR=$(mktemp -d /tmp/mailsrv-selftest.XXXXXX)
	# Choose a port and start under a lock, so parallel selftests take different
	# ports; the servers must not inherit the lock's descriptor (9>&-).
	exec 9>/tmp/mailsrv-selftest.lock
	flock 9
	base=$("$MAILSRV" freeport "${1:-10240}")
	check "start instance in $DIR on base port $base" "$MAILSRV" start "$DIR" "$base" 9>&-
	exec 9>&-
	if [ ! -f "$DIR/env" ]; then
		echo "FAIL no env file, giving up"
		exit 1
	fi
	check "status reports running" quietly "$MAILSRV" status "$DIR"
	if [ "${SELFTEST_BREAK:-}" = delivery ]; then
		echo "(SELFTEST_BREAK=delivery: stopping Dovecot, checks below must fail)"
		dovecot -c "$DIR/dovecot.conf" stop
	fi
	write_message "$DIR/msg.eml"
	check "send through Postfix SMTP" \
		mailtool send --env "$DIR/env" --from "$FROM" --to "$TO" "$DIR/msg.eml"
	check "delivered into $TO INBOX" \
		mailtool wait-delivered --env "$DIR/env" --user "$TO" --count 1 --timeout "${SELFTEST_TIMEOUT:-20}"
	check "fetched over IMAP with decoded subject" subject_matches
	check "IMAPS trusted with DIR/ca.pem" imaps_with_ca
	check "IMAPS untrusted without the CA" imaps_rejected_without_ca
	check "wait-delivered times out for an empty mailbox" no_phantom_delivery
	check "stop instance" "$MAILSRV" stop "$DIR"
	check "no dovecot/postfix process of the instance left" no_processes_left
	check "stop again is harmless" "$MAILSRV" stop "$DIR"

	if [ $FAILED = 0 ]; then
		echo "selftest: all checks passed"
	else
		echo "selftest: FAILED" >&2
		"$MAILSRV" status "$DIR" >&2 || true
		tail -n 20 "$DIR/dovecot.log" "$DIR/postfix.log" >&2 2>/dev/null || true
	fi
	exit $FAILED
}

main "$@"
