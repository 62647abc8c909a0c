#!/bin/bash
# ocr_bench.sh - how long does phieu take to read a scanned A4 page, beside
# the `tesseract` command reading the same image?
#
#   bench/ocr_bench.sh [CORPUS_DIR] [--rounds N] [--accuracy]
#
# CORPUS_DIR (default ../shared/corpus) holds NNNN.eml + NNNN.expected.json;
# the scans attached to the mails of a scan style (300 dpi A4 pages) are
# the pages read.  For each page, in turn and in the same run: phieu's OCR
# path (ocr_image(): cleaning, one Tesseract pass, tables and addresses read
# again, lines built; Tesseract loaded once, as in a reader process) and
# `OMP_THREAD_LIMIT=1 tesseract PAGE - -l vie` (one process per page, as the
# command is used; its start-up, measured on a blank page, is printed too).
# N rounds (default 3) over all pages; the mean seconds per page of each and
# their ratio are printed with the machine.
#
# --accuracy also measures what is read: character accuracy of the text
# against the printed form (bench/ocr/characc.py), and field F1 of
# `phieuctl parse` scored by ../shared/tools/score.py, on the clean scans
# and on poor copies of them (bench/ocr/noisy.py: 200 dpi, JPEG q60, 1-2
# degrees, specks; needs python3-pil); the plain tesseract command's
# character accuracy beside ours.
#
# Needs a built tree (ninja -C build), tesseract-ocr with -vie and -eng, a C
# compiler and pkg-config.  Work files go to a temporary directory
# (OCR_BENCH_KEEP=1 keeps it).
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=$ROOT/../shared/corpus
ROUNDS=3
ACCURACY=0
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--accuracy) ACCURACY=1; shift ;;
	-h | --help) sed -n '2,27p' "$0"; exit 0 ;;
	*) CORPUS=$1; shift ;;
	esac
done
[ -d "$CORPUS" ] || { echo "ocr_bench: no corpus at $CORPUS" >&2; exit 1; }
CORPUS=$(cd "$CORPUS" && pwd)
BUILD=$ROOT/build
PHIEUCTL=$BUILD/daemon/phieuctl
for f in "$BUILD/parsers/libparsers.a" "$BUILD/parsers/libparsers_core.a" "$BUILD/rules/librules.a" "$PHIEUCTL"; do
	[ -e "$f" ] || { echo "ocr_bench: $f missing: ninja -C build first" >&2; exit 1; }
done
command -v tesseract >/dev/null || { echo "ocr_bench: no tesseract command" >&2; exit 1; }
# Debian's python3 has python3-pil; another one first in PATH may not
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

DIR=$(mktemp -d /tmp/ocr_bench.XXXXXX)
cleanup() {
	if [ "${OCR_BENCH_KEEP:-0}" = 1 ]; then
		echo "work files kept in $DIR"
	else
		rm -rf "$DIR"
	fi
}
trap cleanup EXIT

# the measuring program, against the static libraries of the build
# shellcheck disable=SC2046
cc -O2 -D_GNU_SOURCE -I"$ROOT/parsers" -I"$ROOT/rules" -I"$ROOT/lib" \
	-o "$DIR/measure" "$ROOT/bench/ocr/measure.c" \
	"$BUILD/rules/librules.a" "$BUILD/parsers/libparsers.a" "$BUILD/parsers/libparsers_core.a" \
	"$BUILD/libcommon.a" \
	$(pkg-config --cflags --libs glib-2.0 gmime-3.0 json-glib-1.0 libxml-2.0 libzip \
		poppler-glib cairo tesseract lept) -lm

"$PY" "$ROOT/bench/ocr/scans.py" extract "$CORPUS" "$DIR/clean" >/dev/null
mapfile -t PAGES < <(ls "$DIR"/clean/*)
[ ${#PAGES[@]} -gt 0 ] || { echo "ocr_bench: no scans in $CORPUS" >&2; exit 1; }

now() { date +%s.%N; }

# tesseract's own start-up: a blank page
"$PY" - "$DIR/blank.png" <<'EOF'
import struct, sys, zlib
w = h = 16
raw = b"".join(b"\0" + b"\xff" * w for _ in range(h))
def chunk(t, d):
    return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
EOF
t0=$(now)
for _ in 1 2 3; do OMP_THREAD_LIMIT=1 tesseract "$DIR/blank.png" - -l vie >/dev/null 2>&1 || true; done
STARTUP=$(echo "($(now) - $t0) / 3" | bc -l)

ours=0
theirs=0
n=0
for ((r = 1; r <= ROUNDS; r++)); do
	for page in "${PAGES[@]}"; do
		o=$("$DIR/measure" time "$page" | awk '/^mean/ {print $2}')
		t0=$(now)
		OMP_THREAD_LIMIT=1 tesseract "$page" - -l vie >/dev/null 2>&1
		t=$(echo "$(now) - $t0" | bc -l)
		ours=$(echo "$ours + $o" | bc -l)
		theirs=$(echo "$theirs + $t" | bc -l)
		n=$((n + 1))
	done
done

size=$("$PY" -c "import struct,sys; d=open(sys.argv[1],'rb').read(32); print('%dx%d' % struct.unpack('>II', d[16:24]) if d[:4]==b'\x89PNG' else '?')" "${PAGES[0]}")
# shellcheck disable=SC1091
echo "machine:    $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GB, $(. /etc/os-release && echo "$PRETTY_NAME")"
echo "tesseract:  $(tesseract --version 2>&1 | head -1), $(tesseract --version 2>&1 | grep -o 'leptonica-[0-9.]*')"
echo "pages:      ${#PAGES[@]} scanned A4 forms ($size pixels, 300 dpi) × $ROUNDS rounds = $n readings, one at a time"
printf "phieu OCR:          %.2f s per page (ocr_image: cleaning, reading, tables and addresses again; vie, eng for addresses)\n" \
	"$(echo "$ours / $n" | bc -l)"
printf "tesseract command:  %.2f s per page (OMP_THREAD_LIMIT=1 tesseract PAGE - -l vie; %.2f s of it start-up)\n" \
	"$(echo "$theirs / $n" | bc -l)" "$STARTUP"
printf "ratio:              %.2f (phieu / tesseract command)\n" "$(echo "$ours / $theirs" | bc -l)"

[ "$ACCURACY" = 1 ] || exit 0

# what was read: text and fields, clean and poor scans
SCORE=$CORPUS/../tools/score.py
mkdir -p "$DIR/ours" "$DIR/plain"
for page in "${PAGES[@]}"; do
	id=$(basename "${page%.*}")
	"$DIR/measure" parse "$DIR/ours" "$CORPUS/$id.eml" "$page"
	OMP_THREAD_LIMIT=1 tesseract "$page" "$DIR/plain/$id" -l vie >/dev/null 2>&1
done
echo "character accuracy, clean scans: phieu $("$PY" "$ROOT/bench/ocr/characc.py" "$CORPUS" "$DIR/ours" | awk '/^all/ {print $2}'), tesseract command $("$PY" "$ROOT/bench/ocr/characc.py" "$CORPUS" "$DIR/plain" | awk '/^all/ {print $2}')"
if "$PY" -c "import PIL" 2>/dev/null; then
	"$PY" "$ROOT/bench/ocr/scans.py" noisy "$CORPUS" "$DIR/noisy" >/dev/null
	mkdir -p "$DIR/nours" "$DIR/nplain"
	for page in "$DIR"/noisy/*.jpg; do
		id=$(basename "${page%.*}")
		"$DIR/measure" parse "$DIR/nours" "$CORPUS/$id.eml" "$page"
		OMP_THREAD_LIMIT=1 tesseract "$page" "$DIR/nplain/$id" -l vie >/dev/null 2>&1
	done
	echo "character accuracy, poor scans:  phieu $("$PY" "$ROOT/bench/ocr/characc.py" "$CORPUS" "$DIR/nours" | awk '/^all/ {print $2}'), tesseract command $("$PY" "$ROOT/bench/ocr/characc.py" "$CORPUS" "$DIR/nplain" | awk '/^all/ {print $2}')"
else
	echo "poor scans: skipped (python3-pil is not installed)"
fi
if [ -f "$SCORE" ]; then
	# the whole parse, as phieuctl parse prints it
	for kind in clean noisy; do
		[ -d "$DIR/$kind" ] || continue
		mkdir -p "$DIR/parse-$kind" "$DIR/corpus-$kind"
		for page in "$DIR/$kind"/*.png "$DIR/$kind"/*.jpg "$DIR/$kind"/*.tif; do
			[ -e "$page" ] || continue
			id=$(basename "${page%.*}")
			eml=$CORPUS/$id.eml
			[ "$kind" = noisy ] && eml=$DIR/noisy/$id.eml
			"$PHIEUCTL" parse "$eml" >"$DIR/parse-$kind/$id.json"
			ln -sf "$CORPUS/$id.expected.json" "$DIR/corpus-$kind/"
		done
		f1=$("$PY" "$SCORE" "$DIR/corpus-$kind" "$DIR/parse-$kind" | awk '/^OVERALL/ {print $6}')
		echo "field F1 of phieuctl parse, $kind scans: $f1"
	done
else
	echo "field F1: skipped (no $SCORE)"
fi
