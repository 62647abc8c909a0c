#!/bin/bash
# demo.sh - watch phieu take in request mails and acknowledge them, in about a minute.
#
#   sudo demo/demo.sh          (as root: it installs packages and starts Dovecot/Postfix)
#
# 1. installs the packages (scripts/deps.sh) and builds (scripts/build.sh);
# 2. starts a private mail server (Dovecot + Postfix on 127.0.0.1, base port 10540,
#    everything under a temporary directory; the system's own mail setup is untouched);
# 3. mails the sample requests of demo/mail/ (all five request types) through
#    Postfix to pkt-iid@, cntt@ and admin@danang.gov.vn;
# 4. runs `phieud --once`, shows `phieuctl list` and `phieuctl show` of one request;
# 5. shows the acknowledgements that arrived in the senders' mailboxes;
# 6. stops the mail server and removes the temporary directory.
#
# DEMO_BASEPORT=N picks other ports; DEMO_KEEP=1 keeps the server and files
# running for a look around (the script says how to stop them).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BASEPORT=${DEMO_BASEPORT:-10540}
MAILSRV=$ROOT/tests/mailserver/mailsrv.sh
MAILTOOL=$ROOT/tests/mailserver/mailtool.py
PHIEUD=$ROOT/build/daemon/phieud
PHIEUCTL=$ROOT/build/daemon/phieuctl
DIR=""

if [ -t 1 ]; then
	BOLD=$(printf '\033[1m') DIM=$(printf '\033[2m') OFF=$(printf '\033[0m')
else
	BOLD="" DIM="" OFF=""
fi

# A numbered step heading.
step() {
	printf '\n%s==> %s%s\n' "$BOLD" "$*" "$OFF"
}

# An explanation under a heading.
say() {
	printf '    %s\n' "$@"
}

# Indent what a command prints.
indent() {
	sed 's/^/    /'
}

# Run "$@" quietly into a log; on failure show the end of the log and stop.
quiet() {
	local log=$1
	shift
	if ! "$@" >"$log" 2>&1; then
		echo "FAILED: $*  (last lines of $log:)" >&2
		tail -n 30 "$log" >&2
		exit 1
	fi
}

mailtool() {
	python3 "$MAILTOOL" "$1" --env "$DIR/ms/env" "${@:2}"
}

# Stop the mail server and remove the files, unless DEMO_KEEP=1.
cleanup() {
	local rc=$?
	[ -n "$DIR" ] || exit $rc
	if [ "${DEMO_KEEP:-0}" = 1 ]; then
		printf '\nKept everything in %s (DEMO_KEEP=1).\n' "$DIR"
		printf 'Look around:  %s -c %s/phieu.conf list\n' "$PHIEUCTL" "$DIR"
		printf 'Stop it:      %s stop %s/ms && rm -rf %s\n' "$MAILSRV" "$DIR" "$DIR"
		exit $rc
	fi
	step "Stopping the mail server and removing $DIR"
	"$MAILSRV" stop "$DIR/ms" >"$DIR/mailsrv-stop.log" 2>&1 || true
	rm -rf "$DIR"
	exit $rc
}
# For each sample mail: "FILE<TAB>sender<TAB>recipients (comma)<TAB>subject".
describe_mails() {
	python3 - "$@" <<-'EOF'
		import email, email.policy, email.utils, sys
		for path in sys.argv[1:]:
		    with open(path, "rb") as f:
		        m = email.message_from_binary_file(f, policy=email.policy.default)
		    sender = email.utils.parseaddr(str(m["From"]))[1].lower()
		    rcpts = [a.lower() for _, a in email.utils.getaddresses(
		        [str(v) for h in ("To", "Cc") for v in m.get_all(h, [])]) if a]
		    print("\t".join([path, sender, ",".join(rcpts), str(m["Subject"])]))
	EOF
}

# Print the mail in each sender's mailbox: headers and the first lines of the text.
show_acks() {
	local sender
	for sender in "$@"; do
		mailtool fetch --user "$sender" --json | python3 -c "$SHOW_ACK_PY"
	done
}
SHOW_ACK_PY=$(
	cat <<-'EOF'
		import json, sys
		for m in json.load(sys.stdin):
		    for key, label in (("from", "From"), ("to", "To"), ("subject", "Subject"),
		                       ("in_reply_to", "In-Reply-To"), ("auto_submitted", "Auto-Submitted")):
		        print(f"{label + ':':16}{m[key]}")
		    lines = m["body"].splitlines()
		    print()
		    for line in lines[:12]:
		        print("  | " + line)
		    if len(lines) > 12:
		        print(f"  | ... ({len(lines) - 12} more lines)")
		    print()
	EOF
)

main() {
	local base samples mail sender rcpts subject number args r senders=() to_pkt=0 to_cntt=0 to_admin=0
	if [ "$(id -u)" != 0 ]; then
		echo "demo.sh must run as root: it installs packages and starts Dovecot and Postfix." >&2
		exit 1
	fi
	cd "$ROOT"
	printf '%sphieu demo%s: request mails in, numbered requests and Vietnamese acknowledgements out.\n' \
		"$BOLD" "$OFF"

	step "1/6 Installing the packages and building (scripts/deps.sh, scripts/build.sh)"
	DIR=$(mktemp -d /tmp/phieu-demo.XXXXXX)
	chmod 755 "$DIR" # Dovecot and Postfix users must get in
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	quiet "$DIR/deps.log" bash scripts/deps.sh
	quiet "$DIR/build.log" bash scripts/build.sh
	say "packages present, phieud and phieuctl built in build/daemon/"

	step "2/6 Starting a private mail server (Dovecot + Postfix on 127.0.0.1)"
	base=$("$MAILSRV" freeport "$BASEPORT")
	# mailsrv.sh leaves daemons holding its output: to a file, never a pipe
	quiet "$DIR/mailsrv-start.log" "$MAILSRV" start "$DIR/ms" "$base"
	# shellcheck source=/dev/null
	. "$DIR/ms/env"
	say "IMAP on port $MS_IMAP_PORT, SMTP on port $MS_SMTP_PORT; every user's password is \"secret\"" \
		"files in $DIR"
	cat >"$DIR/phieu.conf" <<-EOF
		# phieu configuration for the demo (all keys: config/phieu.conf.example)
		database = "$DIR/phieu.db";
		spool = "$DIR/spool";
		imap = { host = "127.0.0.1"; port = $MS_IMAP_PORT; security = "none"; };
		smtp = { host = "127.0.0.1"; port = $MS_SMTP_PORT; security = "none"; };
		mailboxes = (
		  { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn"; login = "pkt-iid@danang.gov.vn"; password = "secret"; },
		  { name = "cntt";    address = "cntt@danang.gov.vn";    login = "cntt@danang.gov.vn";    password = "secret"; },
		  { name = "admin";   address = "admin@danang.gov.vn";   login = "admin@danang.gov.vn";   password = "secret"; }
		);
		staff = [ "thang.ltv@danang.gov.vn", "linh.ntc@danang.gov.vn" ];
		department_ict = "cntt@danang.gov.vn";
		finance = "hcth.iid@danang.gov.vn";
	EOF
	say "configuration $DIR/phieu.conf:"
	printf '%s' "$DIM"
	indent <"$DIR/phieu.conf"
	printf '%s' "$OFF"
	"$PHIEUD" -c "$DIR/phieu.conf" -n | indent

	step "3/6 Units mail their requests (demo/mail/*.eml, sent through Postfix)"
	samples=("$ROOT"/demo/mail/*.eml)
	while IFS=$'\t' read -r mail sender rcpts subject; do
		printf '    %-30s -> %-22s %s\n' "$sender" "${rcpts//,/ + }" "$subject"
		args=()
		for r in ${rcpts//,/ }; do
			args+=(--to "$r")
			case "$r" in
			pkt-iid@danang.gov.vn) to_pkt=$((to_pkt + 1)) ;;
			cntt@danang.gov.vn) to_cntt=$((to_cntt + 1)) ;;
			admin@danang.gov.vn) to_admin=$((to_admin + 1)) ;;
			esac
		done
		mailtool send --from "$sender" "${args[@]}" "$mail"
		senders+=("$sender")
	done < <(describe_mails "${samples[@]}")
	[ "$to_pkt" = 0 ] || mailtool wait-delivered --user pkt-iid@danang.gov.vn --count "$to_pkt" --timeout 60
	[ "$to_cntt" = 0 ] || mailtool wait-delivered --user cntt@danang.gov.vn --count "$to_cntt" --timeout 60
	[ "$to_admin" = 0 ] || mailtool wait-delivered --user admin@danang.gov.vn --count "$to_admin" --timeout 60
	say "delivered: pkt-iid@ $to_pkt, cntt@ $to_cntt, admin@ $to_admin"

	step "4/6 phieud --once: read the three mailboxes, store the requests, send the acknowledgements"
	"$PHIEUD" -c "$DIR/phieu.conf" --once 2>&1 | indent
	say "" "exit status ${PIPESTATUS[0]} (0: all done; 75: something left to retry)"

	step "5/6 What was stored: phieuctl list, then phieuctl show of the sub-domain request"
	"$PHIEUCTL" -c "$DIR/phieu.conf" list | indent
	number=$("$PHIEUCTL" -c "$DIR/phieu.conf" list --json | python3 -c '
import json, sys
rs = json.load(sys.stdin)
print(next((r["id"] for r in rs if r["type"] == "subdomain"), rs[0]["id"] if rs else ""))')
	if [ -n "$number" ]; then
		echo
		say "\$ phieuctl -c $DIR/phieu.conf show $number"
		"$PHIEUCTL" -c "$DIR/phieu.conf" show "$number" | indent
	fi

	step "6/6 The acknowledgements, as each unit finds them in its mailbox"
	for sender in "${senders[@]}"; do
		mailtool wait-delivered --user "$sender" --count 1 --timeout 30 ||
			say "(nothing arrived for $sender)"
	done
	show_acks "${senders[@]}" | indent
	say "Run it as a service: build/daemon/phieud -c /etc/phieu/phieu.conf (IDLE, SIGTERM to stop)."
}

main "$@"
