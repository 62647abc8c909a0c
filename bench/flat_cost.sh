#!/bin/bash
# flat_cost.sh - does intake stay as fast, and does the database grow by the
# same bytes per request, as requests pile up in one database?
#
#   sudo bench/flat_cost.sh [CHUNK] [CHUNKS]    (default 20000 5; as root, like the tests)
#
# Starts a private Dovecot + Postfix (tests/mailserver/mailsrv.sh, base port
# 12600 or the next free one) and takes CHUNKS chunks of CHUNK requests into ONE
# database.  Per chunk: bench/gen.py writes CHUNK request mails of all five types,
# distinct from every other chunk's (Message-IDs, subjects, sub-domain names;
# mailbox-create requests carry account addresses, so the collision checks have
# data to search), they are APPENDed to pkt-iid@'s INBOX (mailtool.py, one IMAP
# connection), then
#   intake   one `phieud --once` with SMTP on a closed port: fetch, parse, store,
#            queue the replies (exit 75 expected)              -> seconds, req/s
#   send     `phieud --once` with SMTP through Postfix until it exits 0: sends
#            the queued replies                                -> seconds
# and after the chunk the database's size (main file + WAL), pages and bytes per
# request.  Also per chunk: the APPEND's seconds, a reference for the IMAP side
# alone (Python imaplib: SELECT, then one UID FETCH of the chunk's messages), and
# intake's CPU seconds and read system calls per request (bench/runstat.py, from
# /proc/PID/io; SQLite reads a page per call).  At the end: the ratio of the last
# chunk's intake time to the first's (target <= 1.25) and the largest tables.
# Postfix discards the replies (MAILSRV_DISCARD, the city's domains) instead of
# delivering them into Dovecot: sending is measured up to Postfix's "250 queued";
# BENCH_DELIVER=1 delivers them instead.  Disk space is checked first.
# BENCH_BASEPORT=N picks other ports; BENCH_KEEP=1 keeps the files and the server.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHUNK=${1:-20000}
CHUNKS=${2:-5}
BASEPORT=${BENCH_BASEPORT:-12600}
MAILSRV=$ROOT/tests/mailserver/mailsrv.sh
MAILTOOL=$ROOT/tests/mailserver/mailtool.py
RUNSTAT=$ROOT/bench/runstat.py
PHIEUD=$ROOT/build/daemon/phieud
TARGET_RATIO=1.25
KIB_PER_REQUEST=40 # disk needed per request: maildir, spool, database, index, margin
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

# Print the machine in one line: processors, CPU model, memory, kernel.
machine() {
	local cpu mem
	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	echo "$(nproc) CPU(s), ${cpu:-unknown CPU}, $mem RAM, Linux $(uname -r)"
}

# Fail unless the file system of $1 has room for CHUNK x CHUNKS requests.
check_disk() {
	local avail need
	avail=$(df -Pk "$1" | awk 'NR == 2 { print $4 }')
	need=$((CHUNK * CHUNKS * KIB_PER_REQUEST))
	echo "disk:    $((avail / 1024)) MiB free in $(df -P "$1" | awk 'NR == 2 { print $6 }')," \
		"about $((need / 1024)) MiB needed"
	if [ "$avail" -lt "$need" ]; then
		echo "not enough disk space in $1: $((avail / 1024)) MiB free, $((need / 1024)) MiB needed" >&2
		exit 1
	fi
}

# Print a TCP port on 127.0.0.1 where nothing listens.
closed_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Write configuration $1 for the shared database, SMTP port $2.
write_config() {
	cat >"$1" <<-EOF
		database = "$DIR/phieu.db";
		spool = "$DIR/spool";
		imap = { host = "127.0.0.1"; port = $MS_IMAP_PORT; security = "none"; };
		smtp = { host = "127.0.0.1"; port = $2; security = "none"; };
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
}

# Print the seconds of the IMAP side alone for the messages above UID $1: a
# read-only SELECT of pkt-iid@'s INBOX and one UID FETCH $1+1:* (BODY.PEEK[]).
imap_reference() {
	python3 - "$MS_IMAP_PORT" "$1" <<-'EOF'
		import imaplib, sys, time
		c = imaplib.IMAP4("127.0.0.1", int(sys.argv[1]))
		c.login("pkt-iid@danang.gov.vn", "secret")
		t0 = time.perf_counter()
		c.select("INBOX", readonly=True)
		typ, data = c.uid("FETCH", f"{int(sys.argv[2]) + 1}:*", "(BODY.PEEK[])")
		t1 = time.perf_counter()
		assert typ == "OK"
		c.logout()
		print(f"{t1 - t0:.3f}")
	EOF
}

# Print the value of KEY in runstat.py's line $2.
field() {
	tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

# Print the result of SQL $1 on the database.
sql() {
	sqlite3 "$DIR/phieu.db" "$1"
}

main() {
	local base c start t0 t1 append_s ref_s line rc intake_line send_s runs pending before
	local db_bytes wal requests msgs send_cpu failures=0
	if [ "$(id -u)" != 0 ]; then
		echo "flat_cost.sh must run as root (it starts Dovecot and Postfix)" >&2
		exit 1
	fi
	case "$CHUNK$CHUNKS" in
	*[!0-9]*) echo "usage: flat_cost.sh [CHUNK] [CHUNKS]" >&2; exit 2 ;;
	esac
	if [ "$CHUNK" -lt 1 ] || [ "$CHUNKS" -lt 1 ]; then
		echo "usage: flat_cost.sh [CHUNK] [CHUNKS]" >&2
		exit 2
	fi
	cd "$ROOT"
	[ -x "$PHIEUD" ] || bash scripts/build.sh build >/dev/null

	echo "== flat cost: $CHUNKS chunks of $CHUNK requests into one database"
	echo "date:    $(date '+%Y-%m-%d %H:%M:%S %z')"
	echo "machine: $(machine)"
	echo "         shared with other jobs while this ran; load average before:" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	check_disk /tmp
	DIR=$(mktemp -d /tmp/phieu-flat.XXXXXX)
	chmod 755 "$DIR"
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	base=$("$MAILSRV" freeport "$BASEPORT")
	local discard="danang.gov.vn .danang.gov.vn"
	[ "${BENCH_DELIVER:-0}" = 1 ] && discard=""
	MAILSRV_DISCARD=$discard "$MAILSRV" start "$DIR/ms" "$base" >"$DIR/mailsrv-start.log" 2>&1 || {
		cat "$DIR/mailsrv-start.log" >&2
		exit 1
	}
	# shellcheck source=/dev/null
	. "$DIR/ms/env"
	echo "server:  private Dovecot $(dovecot --version | cut -d' ' -f1) + Postfix" \
		"$(postconf -h mail_version) on 127.0.0.1 (IMAP $MS_IMAP_PORT, SMTP $MS_SMTP_PORT);" \
		"replies $([ -n "$discard" ] && echo "discarded by Postfix after its 250 (MAILSRV_DISCARD)" ||
			echo "delivered into Dovecot (BENCH_DELIVER=1)")"
	write_config "$DIR/send.conf" "$MS_SMTP_PORT"
	: >"$DIR/results"

	for c in $(seq 1 "$CHUNKS"); do
		start=$(((c - 1) * CHUNK))
		python3 "$ROOT/bench/gen.py" "$CHUNK" "$DIR/mails" --start "$start" --seed $((2026 + c))
		t0=$(date +%s.%N)
		python3 "$MAILTOOL" append --env "$DIR/ms/env" --user pkt-iid@danang.gov.vn "$DIR/mails" \
			>>"$DIR/append.log"
		t1=$(date +%s.%N)
		append_s=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
		rm -rf "$DIR/mails"
		if [ "$(python3 "$MAILTOOL" count --env "$DIR/ms/env" --user pkt-iid@danang.gov.vn)" != $((start + CHUNK)) ]; then
			echo "chunk $c: the INBOX does not hold $((start + CHUNK)) messages" >&2
			exit 1
		fi
		# UIDs are 1..N in append order: the chunk is above UID $start.
		ref_s=$(imap_reference "$start")

		# intake only: the replies stay queued, SMTP is unreachable
		write_config "$DIR/intake.conf" "$(closed_port)"
		intake_line=$(python3 "$RUNSTAT" --log "$DIR/intake.log" -- "$PHIEUD" -c "$DIR/intake.conf" --once)
		rc=$(field rc "$intake_line")
		if [ "$rc" != 75 ]; then
			echo "chunk $c: intake phieud --once exited $rc, expected 75 (see $DIR/intake.log)" >&2
			failures=$((failures + 1))
		fi
		requests=$(sql "SELECT count(*) FROM requests")
		msgs=$(sql "SELECT count(*) FROM messages")
		if [ "$requests" != $((start + CHUNK)) ]; then
			echo "chunk $c: $requests requests stored, expected $((start + CHUNK))" >&2
			failures=$((failures + 1))
		fi

		# send what intake queued, through Postfix
		send_s=0
		send_cpu=0
		runs=0
		pending=$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")
		local queued=$pending
		while [ "$pending" -gt 0 ] && [ $runs -lt 50 ]; do
			runs=$((runs + 1))
			line=$(python3 "$RUNSTAT" --log "$DIR/send.log" -- "$PHIEUD" -c "$DIR/send.conf" --once)
			send_s=$(python3 -c "print(f'{$send_s + $(field wall "$line"):.3f}')")
			send_cpu=$(python3 -c "print(f'{$send_cpu + $(field user "$line") + $(field sys "$line"):.3f}')")
			before=$pending
			pending=$(sql "SELECT count(*) FROM outbox WHERE state = 'queued'")
			[ "$(field rc "$line")" = 0 ] && break
			[ "$pending" -lt "$before" ] || break
		done
		if [ "$pending" != 0 ]; then
			echo "chunk $c: $pending replies still queued after $runs send run(s) (see $DIR/send.log)" >&2
			failures=$((failures + 1))
		fi

		db_bytes=$(stat -c %s "$DIR/phieu.db")
		wal=0
		[ -f "$DIR/phieu.db-wal" ] && wal=$(stat -c %s "$DIR/phieu.db-wal")
		echo "$c $requests $msgs $append_s $ref_s $(field wall "$intake_line")" \
			"$(field user "$intake_line") $(field sys "$intake_line")" \
			"$(field syscr "$intake_line") $(field rchar "$intake_line") $queued $send_s $runs" \
			"$db_bytes $wal $(sql 'PRAGMA page_count') $(sql 'PRAGMA page_size')" \
			"$(sql 'PRAGMA freelist_count') $(field maxrss "$intake_line") $send_cpu" >>"$DIR/results"
		echo "chunk $c/$CHUNKS done at $(date +%H:%M:%S): intake $(field wall "$intake_line") s," \
			"send $send_s s, database $((db_bytes / 1048576)) MiB" >&2
	done

	echo
	python3 - "$DIR/results" "$CHUNK" "$TARGET_RATIO" <<-'EOF'
		import sys
		rows = [line.split() for line in open(sys.argv[1])]
		chunk, target = int(sys.argv[2]), float(sys.argv[3])
		print(f"{'chunk':>5} {'requests':>8} {'intake s':>8} {'req/s':>6} {'cpu s':>6} "
		      f"{'reads/req':>9} {'send s':>7} {'cpu s':>6} {'replies':>7} {'DB MiB':>7} {'B/req':>6} "
		      f"{'pages':>7} {'free':>5} {'append s':>8} {'imap ref s':>10}")
		for r in rows:
		    (c, req, msgs, app, ref, wall, user, sys_, syscr, rchar, queued, send, runs,
		     db, wal, pages, psize, free, rss, send_cpu) = r
		    req, wall, db = int(req), float(wall), int(db) + int(wal)
		    print(f"{c:>5} {req:>8} {wall:8.2f} {chunk / wall:6.0f} "
		          f"{float(user) + float(sys_):6.2f} {int(syscr) / chunk:9.1f} {float(send):7.2f} "
		          f"{float(send_cpu):6.2f} "
		          f"{queued:>7} {db / 1048576:7.1f} {db / req:6.0f} {pages:>7} {free:>5} "
		          f"{float(app):8.2f} {float(ref):10.2f}")
		print("  intake s: one phieud --once, SMTP unreachable; req/s: CHUNK / intake s; cpu s: its")
		print("  user+sys; reads/req: its read system calls (SQLite pages and IMAP socket) per request;")
		print("  send s, cpu s: the --once run(s) sending the replies; DB MiB, B/req: main file + WAL")
		print("  after the chunk, per stored request; pages, free: page_count, freelist_count; append s:")
		print("  mailtool APPEND; imap ref s: SELECT + one UID FETCH of the chunk by a plain client")
		first, last = float(rows[0][5]), float(rows[-1][5])
		ratio = last / first
		print()
		print(f"intake time, chunk {len(rows)} / chunk 1: {ratio:.2f} "
		      f"(target <= {target}: {'MET' if ratio <= target else 'NOT MET'})")
		cpu = [float(r[6]) + float(r[7]) for r in rows]
		print(f"intake CPU time (user+sys, less sensitive to other jobs on the machine), "
		      f"chunk {len(rows)} / chunk 1: {cpu[-1] / cpu[0]:.2f}")
		rss = max(int(r[18]) for r in rows)
		print(f"intake max RSS: {rss / 1024:.0f} MiB; database page size {rows[-1][16]} B")
	EOF
	echo
	echo "largest tables and indexes after the last chunk (dbstat):"
	sql "SELECT printf('  %-24s %8.1f MiB', name, sum(pgsize) / 1048576.0) FROM dbstat
		GROUP BY name ORDER BY sum(pgsize) DESC LIMIT 8" 2>/dev/null || echo "  (dbstat not available)"
	echo "outbox: $(sql "SELECT group_concat(kind || ' ' || n, ', ') FROM
		(SELECT kind, count(*) n FROM outbox GROUP BY kind)") (bodies kept after sending:" \
		"$(sql "SELECT printf('%.1f MiB', coalesce(sum(length(b.data)), 0) / 1048576.0) FROM outbox_bodies b JOIN outbox o ON o.id = b.id WHERE o.state = 'sent'"))"
	echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); disk: $(du -sh "$DIR" | cut -f1) used in $DIR"
	[ $failures = 0 ]
}

main "$@"
