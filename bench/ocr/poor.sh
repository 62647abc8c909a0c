#!/bin/bash
# poor.sh - field F1 of phieuctl parse on scanned forms, clean, as phone
# photos / photocopies and as image-only PDFs of low resolution, and the
# wrong values that "doubtful" does not own up to (bench/ocr/poor.py).
#
#   bench/ocr/poor.sh [CORPUS_DIR] [--list]
#
# CORPUS_DIR (default ../shared/corpus): its scan-style mails are the forms,
# with the 4 golden scans' forms drawn anew.
# Needs a built tree and python3-pil; one page at a time (2 cores shared).
# OCR_POOR_KEEP=1 keeps the work directory; PHIEUCTL=PATH reads with another
# build (a "before" figure); POOR_SEED=N other photos and PDFs (poor.py).
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CORPUS=$ROOT/../shared/corpus
LIST=
for a in "$@"; do
	case $a in
	--list) LIST=--list ;;
	*) CORPUS=$a ;;
	esac
done
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
PHIEUCTL=${PHIEUCTL:-$ROOT/build/daemon/phieuctl}
[ -x "$PHIEUCTL" ] || { echo "poor.sh: build first (ninja -C build)" >&2; exit 1; }
DIR=$(mktemp -d /tmp/ocr_poor.XXXXXX)
[ "${OCR_POOR_KEEP:-0}" = 1 ] && echo "work files in $DIR" || trap 'rm -rf "$DIR"' EXIT
"$PY" "$ROOT/bench/ocr/poor.py" make "$CORPUS" "$DIR/set" >"$DIR/made.txt"
for kind in clean photo pdf; do
	mkdir -p "$DIR/parsed/$kind"
	for eml in "$DIR/set/$kind"/*.eml; do
		id=$(basename "$eml" .eml)
		OMP_THREAD_LIMIT=1 "$PHIEUCTL" parse "$eml" >"$DIR/parsed/$kind/$id.json" 2>/dev/null || true
	done
done
echo "$(date -u +%F), POOR_SEED=${POOR_SEED:-0}, commit $(git -C "$ROOT" rev-parse --short HEAD), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$ROOT/bench/ocr/poor.py" score "$DIR/set" "$DIR/parsed" $LIST
