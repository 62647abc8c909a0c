#!/bin/bash
# search.sh - how fast does `phieuctl search` answer over 100,000 stored requests?
#
#   bench/search.sh [N] [RUNS]      (default N=100000, RUNS=11; no root, no mail server)
#
# Writes N requests (bench/search_gen.py: about 90 units of the city, five
# types with their own vocabulary, 30 % typed without diacritics, bodies with
# a document's text for 40 %) and stores them through the store API
# (bench/search_fill: store_request_add, store_message_add, store_event_add,
# 1000 a transaction, so the search index is filled by the code that fills it
# for the daemon; then one bound UPDATE a request sets created/updated to its
# time of receipt, seven years of them).  Then, for each query, with and
# without diacritics, runs `phieuctl -c CONF search QUERY` RUNS times (after
# one warm-up run), each run followed by `phieuctl -c CONF show NUMBER` (the
# floor: the same start-up, configuration and database open and one indexed
# lookup), and prints per query the requests found and the median wall and
# CPU milliseconds of the whole process, the floor's, and the median of the
# pairwise difference search - floor (what the search itself costs).  A query
# and its form without diacritics must find the same requests: a difference
# is printed as MISMATCH and the exit status is 1.  Target: under 50 ms a
# search.
# PHIEU_BUILD=DIR picks the build directory (default build), BENCH_KEEP=1
# keeps the database, the configuration and the JSON lines in the work
# directory it names.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${1:-100000}
RUNS=${2:-11}
BUILD=${PHIEU_BUILD:-$ROOT/build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
PHIEUCTL=$BUILD/daemon/phieuctl
FILL=$BUILD/bench/search_fill
DIR=""

cleanup() {
	local rc=$?
	if [ -n "$DIR" ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			echo "kept $DIR"
		else
			rm -rf "$DIR"
		fi
	fi
	exit $rc
}

for f in "$PHIEUCTL" "$FILL"; do
	[ -x "$f" ] || {
		echo "search.sh: $f is missing: build first (bash scripts/build.sh build)" >&2
		exit 2
	}
done
DIR=$(mktemp -d /tmp/phieu-search-bench.XXXXXX)
trap cleanup EXIT INT TERM
mkdir "$DIR/spool"
cat >"$DIR/phieu.conf" <<EOF
# Written by bench/search.sh: phieuctl reads the database; no mail is sent.
database = "$DIR/phieu.db";
spool = "$DIR/spool";
imap = { host = "127.0.0.1"; port = 143; security = "none"; };
smtp = { host = "127.0.0.1"; port = 25; security = "none"; };
mailboxes = ( { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn";
                login = "pkt-iid@danang.gov.vn"; password = "unused"; } );
EOF

echo "== search over $N requests, $RUNS runs a query"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)," \
	"$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "phieuctl: $PHIEUCTL"

t0=$(date +%s.%N)
python3 "$ROOT/bench/search_gen.py" "$N" >"$DIR/requests.jsonl"
t1=$(date +%s.%N)
"$FILL" "$DIR/phieu.db" <"$DIR/requests.jsonl"
t2=$(date +%s.%N)
echo "generated in $(awk "BEGIN {printf \"%.1f\", $t1 - $t0}") s; stored through the store API in" \
	"$(awk "BEGIN {printf \"%.1f\", $t2 - $t1}") s; database $(du -m "$DIR/phieu.db" | cut -f1) MiB" \
	"(with -wal: $(du -cm "$DIR"/phieu.db* | tail -1 | cut -f1) MiB)"

python3 - "$PHIEUCTL" "$DIR/phieu.conf" "$RUNS" "$DIR/phieu.db" <<'EOF'
import json, os, sqlite3, statistics, subprocess, sys, time

ctl, conf, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
# (with diacritics, as typed without them): a unit, a street, a ward, a fault,
# a person, one word, a sub-domain's purpose, two words every request holds (the worst
# case: every request matches), a phrase of a mailbox change, nothing at all
QUERIES = [
    ("Sở Tư pháp", "so tu phap"),
    ("đường Bạch Đằng", "duong bach dang"),
    ("Hòa Cường Bắc", "hoa cuong bac"),
    ("mất kết nối mạng", "mat ket noi mang"),
    ("Nguyễn Văn An", "nguyen van an"),
    ("Camera", "camera"),
    ("trang tra cứu hồ sơ", "trang tra cuu ho so"),
    ("Đà Nẵng", "da nang"),
    ("đặt lại mật khẩu", "dat lai mat khau"),
    ("Không có yêu cầu nào như thế", "khong co yeu cau nao nhu the"),
]


def run(argv):
    """Wall and CPU milliseconds of one whole process, its exit status."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = (time.perf_counter() - t0) * 1000
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, (ru.ru_utime + ru.ru_stime) * 1000, p.returncode


def found(query):
    """The request numbers a search answers, from its JSON."""
    p = subprocess.run([ctl, "-c", conf, "search", query, "--json"], capture_output=True,
                       encoding="utf-8")
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        sys.exit(f"phieuctl search {query!r} exited {p.returncode}: {p.stderr.strip()}")
    rows = doc if isinstance(doc, list) else doc.get("results", doc.get("requests", []))
    return [r.get("number") for r in rows]


probe = subprocess.run([ctl, "-c", conf, "search", "camera"], capture_output=True)
if probe.returncode != 0:
    print("phieuctl has no working search command (exit %d); the floor alone:" %
          probe.returncode)
db = sqlite3.connect(f"file:{sys.argv[4]}?mode=ro", uri=True)
newest = db.execute("SELECT number FROM requests ORDER BY id DESC LIMIT 1").fetchone()[0]
db.close()
floor = [ctl, "-c", conf, "show", newest]
if probe.returncode != 0:
    w = [run(floor) for _ in range(runs + 1)][1:]
    print(f"floor (phieuctl show {newest}): median wall "
          f"{statistics.median(x[0] for x in w):.1f} ms, cpu "
          f"{statistics.median(x[1] for x in w):.1f} ms")
    sys.exit(1)

print(f"{'query':34} {'found':>5}  {'wall ms':>8} {'cpu ms':>7}  {'floor wall':>10} "
      f"{'floor cpu':>9}  {'search-floor':>12}")
worst, mismatch = 0.0, False
for pair in QUERIES:
    hits = [found(q) for q in pair]
    if hits[0] != hits[1]:
        mismatch = True
        print(f"MISMATCH: {pair[0]!r} found {len(hits[0])}, {pair[1]!r} found {len(hits[1])}")
    for q, h in zip(pair, hits):
        argv = [ctl, "-c", conf, "search", q]
        run(argv), run(floor)  # warm-up
        a, b = [], []
        for _ in range(runs):
            a.append(run(argv))
            b.append(run(floor))
        wall = statistics.median(x[0] for x in a)
        worst = max(worst, wall)
        diff = statistics.median(x[0] - y[0] for x, y in zip(a, b))
        cpu = statistics.median(x[1] for x in a)
        floor_wall = statistics.median(y[0] for y in b)
        floor_cpu = statistics.median(y[1] for y in b)
        print(f"{q:34} {len(h):5}  {wall:8.1f} {cpu:7.1f}  {floor_wall:10.1f} {floor_cpu:9.1f}"
              f"  {diff:12.1f}")
print(f"slowest query's median, whole process: {worst:.1f} ms (target: under 50 ms)")
sys.exit(1 if mismatch else 0)
EOF
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
