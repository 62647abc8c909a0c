#!/bin/bash
# bench_once.sh - how fast does `phieud --once` take in a full mailbox?
#
#   sudo bench/bench_once.sh [N]        (default N=2000; as root, like the tests)
#
# Starts a private Dovecot + Postfix (tests/mailserver/mailsrv.sh, base port
# 10700 or the next free one), writes N distinct request mails of all five types
# (bench/gen.py) and APPENDs them to pkt-iid@'s INBOX over one IMAP connection,
# then times one `phieud --once` (no -v): it fetches, parses, stores all N requests
# and sends N acknowledgements through Postfix.  Checks that N requests were
# stored and N acknowledgements queued or sent, and prints the machine, the
# wall time, messages per second, the maximum RSS (/usr/bin/time -v) and, for
# comparison, the time of one IMAP round trip (100 sequential UID FETCHes of one
# message each, Python imaplib, same server).
# BENCH_BASEPORT=N picks other ports; BENCH_KEEP=1 keeps the files and the server.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-2000}
BASEPORT=${BENCH_BASEPORT:-10700}
MAILSRV=$ROOT/tests/mailserver/mailsrv.sh
MAILTOOL=$ROOT/tests/mailserver/mailtool.py
PHIEUD=$ROOT/build/daemon/phieud
PHIEUCTL=$ROOT/build/daemon/phieuctl
DIR=""

cleanup() {
	local rc=$?
	[ -n "$DIR" ] || exit $rc
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $DIR; stop with: $MAILSRV stop $DIR/ms && rm -rf $DIR"
	else
		"$MAILSRV" stop "$DIR/ms" >"$DIR/mailsrv-stop.log" 2>&1 || true
		rm -rf "$DIR"
	fi
	exit $rc
}
# Print one IMAP round trip in ms: the mean of 100 sequential UID FETCH of one
# message each (BODY.PEEK[], distinct messages), on one logged-in connection.
round_trip_ms() {
	python3 - "$MS_IMAP_PORT" <<-'EOF'
		import imaplib, sys, time
		c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
		c.login("pkt-iid@danang.gov.vn", "secret")
		c.select("INBOX", readonly=True)
		uids = c.uid("SEARCH", None, "ALL")[1][0].split()[:100]
		c.uid("FETCH", uids[0], "(BODY.PEEK[])")          # warm up
		t0 = time.perf_counter()
		for u in uids:
		    typ, _ = c.uid("FETCH", u, "(BODY.PEEK[])")
		    assert typ == "OK"
		t1 = time.perf_counter()
		c.logout()
		print(f"{(t1 - t0) / len(uids) * 1000:.3f}")
	EOF
}

# Print the seconds of one UID FETCH of every message of the INBOX (BODY.PEEK[]).
batched_fetch_s() {
	python3 - "$MS_IMAP_PORT" <<-'EOF'
		import imaplib, sys, time
		c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
		c.login("pkt-iid@danang.gov.vn", "secret")
		c.select("INBOX", readonly=True)
		t0 = time.perf_counter()
		typ, data = c.uid("FETCH", "1:*", "(BODY.PEEK[])")
		t1 = time.perf_counter()
		c.logout()
		print(f"{t1 - t0:.3f} {sum(1 for d in data if isinstance(d, tuple))}")
	EOF
}

# Print "LENGTH" of a phieuctl JSON array, or "LENGTH STATE=COUNT..." with --states.
json_count() {
	python3 -c '
import collections, json, sys
a = json.load(sys.stdin)
states = collections.Counter(o.get("state") for o in a)
print(len(a), " ".join(f"{k}={v}" for k, v in sorted(states.items())))'
}

# Write a configuration polling only cntt@ into a fresh database, SMTP port $2.
split_config() {
	cat >"$1" <<-EOF
		database = "$DIR/split.db";
		spool = "$DIR/split-spool";
		imap = { host = "127.0.0.1"; port = $MS_IMAP_PORT; security = "none"; };
		smtp = { host = "127.0.0.1"; port = $2; security = "none"; };
		mailboxes = (
		  { name = "cntt"; address = "cntt@danang.gov.vn"; login = "cntt@danang.gov.vn"; password = "secret"; }
		);
		retry_min = 1;
	EOF
}

# Run phieud --once with config $1 until it exits $2 (at most 20 runs: one
# --once sends at most 500 queued messages); print "SECONDS RUNS".
timed() {
	local t0 t1 rc runs=0
	t0=$(date +%s.%N)
	while :; do
		runs=$((runs + 1))
		set +e
		"$PHIEUD" -c "$1" --once 2>>"$DIR/split.log"
		rc=$?
		set -e
		if [ "$rc" = "$2" ] || [ "$rc" != 75 ] || [ $runs -ge 20 ]; then
			break
		fi
	done
	t1=$(date +%s.%N)
	if [ "$rc" != "$2" ]; then
		echo "phieud --once -c $1 exited $rc, expected $2 (see $DIR/split.log)" >&2
	fi
	python3 -c "print(f'{$t1 - $t0:.2f} $runs')"
}

# Wait (up to 120 s) until this instance's Postfix has delivered its queue.
wait_postfix_idle() {
	local _
	for _ in $(seq 1 240); do
		if postqueue -c "$DIR/ms/postfix" -p 2>/dev/null | grep -q "Mail queue is empty"; then
			return 0
		fi
		sleep 0.5
	done
	echo "(Postfix queue not empty after 120 s, timing anyway)" >&2
}

main() {
	local base t0 t1 rc secs rate rss requests acks rt batched cpu mem
	if [ "$(id -u)" != 0 ]; then
		echo "bench_once.sh must run as root (it starts Dovecot and Postfix)" >&2
		exit 1
	fi
	cd "$ROOT"
	[ -x "$PHIEUD" ] || bash scripts/build.sh >/dev/null
	DIR=$(mktemp -d /tmp/phieu-bench.XXXXXX)
	chmod 755 "$DIR"
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	base=$("$MAILSRV" freeport "$BASEPORT")
	"$MAILSRV" start "$DIR/ms" "$base" >"$DIR/mailsrv-start.log" 2>&1 || {
		cat "$DIR/mailsrv-start.log" >&2
		exit 1
	}
	# shellcheck source=/dev/null
	. "$DIR/ms/env"
	echo "mail server: IMAP $MS_IMAP_PORT, SMTP $MS_SMTP_PORT in $DIR"

	python3 "$ROOT/bench/gen.py" "$N" "$DIR/mails"
	python3 "$MAILTOOL" append --env "$DIR/ms/env" --user pkt-iid@danang.gov.vn "$DIR/mails"
	[ "$(python3 "$MAILTOOL" count --env "$DIR/ms/env" --user pkt-iid@danang.gov.vn)" = "$N" ] || {
		echo "the INBOX does not hold $N messages" >&2
		exit 1
	}

	cat >"$DIR/phieu.conf" <<-EOF
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
		# a benchmark floods on purpose: the limits against floods are lifted
		limit_hour = 1000000; limit_address_hour = 100000; limit_address_day = 100000;
		limit_notice_hour = 1000;
	EOF

	# The IMAP side alone, before phieud marks anything: the cost of one round
	# trip and of fetching everything in one command.
	rt=$(round_trip_ms)
	read -r batched _ <<<"$(batched_fetch_s)"

	local timer=()
	if [ -x /usr/bin/time ]; then
		timer=(/usr/bin/time -v -o "$DIR/time.txt")
	fi
	echo "running: phieud --once on $N messages ..."
	t0=$(date +%s.%N)
	set +e
	"${timer[@]}" "$PHIEUD" -c "$DIR/phieu.conf" --once 2>"$DIR/phieud.log"
	rc=$?
	set -e
	t1=$(date +%s.%N)
	secs=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
	rate=$(python3 -c "print(f'{$N / ($t1 - $t0):.0f}')")
	rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$DIR/time.txt" 2>/dev/null || true)

	read -r requests _ <<<"$("$PHIEUCTL" -c "$DIR/phieu.conf" list --json | json_count)"
	acks=$("$PHIEUCTL" -c "$DIR/phieu.conf" outbox --json | json_count)

	# Where the time goes: the same N mails again, in cntt@'s INBOX, into a fresh
	# database; first with SMTP on a closed port (intake only: fetch, parse,
	# store, queue; exit 75), then with SMTP (sending the N queued acks only).
	local t_in t_out out_runs cpu_time
	cpu_time=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {if (u != "") printf "%.2f", u + s}' "$DIR/time.txt" 2>/dev/null || true)
	wait_postfix_idle
	python3 "$MAILTOOL" append --env "$DIR/ms/env" --user cntt@danang.gov.vn "$DIR/mails" 2>/dev/null
	split_config "$DIR/split-nosmtp.conf" "$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
	split_config "$DIR/split.conf" "$MS_SMTP_PORT"
	read -r t_in _ <<<"$(timed "$DIR/split-nosmtp.conf" 75)"
	read -r t_out out_runs <<<"$(timed "$DIR/split.conf" 0)"

	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo
	echo "== phieud --once benchmark"
	printf '%-28s %s\n' \
		"machine" "$(nproc) CPU(s), ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r)" \
		"messages (N)" "$N in pkt-iid@ INBOX (all five types), batch_size 100" \
		"phieud --once exit status" "$rc" \
		"wall time" "$secs s (phieud --once, all of it)" \
		"throughput" "$rate messages/s (fetch, parse, store, ack via SMTP)" \
		"max RSS" "${rss:-n/a (no /usr/bin/time)}${rss:+ KiB}" \
		"requests stored" "$requests" \
		"outbox (acks)" "$acks" \
		"CPU time (user+sys)" "${cpu_time:-n/a} s" \
		"split, separate runs:" "" \
		"  intake only" "$t_in s (fetch, parse, store, queue; SMTP unreachable)" \
		"  sending only" "$t_out s (the N queued acks through Postfix, in $out_runs --once run(s))" \
		"one IMAP round trip" "$rt ms (mean of 100 sequential UID FETCH, one message each)" \
		"one UID FETCH of all N" "$batched s (IMAP alone, for comparison)"
	python3 - "$N" "$t0" "$t1" "$rt" <<-'EOF'
		import sys
		n, t0, t1, rt = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
		per = (t1 - t0) / n * 1000
		print(f"{'per message':28} {per:.3f} ms, i.e. {per / rt:.2f} x one IMAP round trip;"
		      f" one round trip per message would alone take {n * rt / 1000:.2f} s")
	EOF
	local ok=1
	[ "$rc" = 0 ] || { echo "FAIL: phieud --once exited $rc (log: tail below)" >&2; tail -n 20 "$DIR/phieud.log" >&2; ok=0; }
	[ "$requests" = "$N" ] || { echo "FAIL: $requests requests stored, expected $N" >&2; ok=0; }
	[ "${acks%% *}" = "$N" ] || { echo "FAIL: ${acks%% *} acknowledgements in the outbox, expected $N" >&2; ok=0; }
	[ $ok = 1 ]
}

main "$@"
