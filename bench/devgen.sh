#!/bin/bash
# devgen.sh - how well does `phieuctl parse` read a large, broad, generated
# DEVELOPMENT set (tuned on, unlike bench/eval)?
#
#   bench/devgen.sh [PHIEUCTL]     (default build/daemon/phieuctl; builds nothing)
#
# Writes the set with bench/devgen/gen.py (seed 7, 30 messages in each of ten
# styles: typed, novi, labels, values, english, prose, quoted, forward, html,
# charset) into a temporary folder, checks it (gen.py --check), parses every message with `phieuctl parse`
# (one per core) and prints bench/score.py's per-style table and its per-field
# table (right, wrong, missed, extra per field key, worst recall first).
# SEED=N and PER_STYLE=K change the set; KEEP=1 keeps the folder (its path is
# printed) with the mails, their expectations and the parse results, for
# `score.py --list-wrong` and reading.  Needs python3.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHIEUCTL=${1:-$ROOT/build/daemon/phieuctl}
SEED=${SEED:-7}

if [ ! -x "$PHIEUCTL" ]; then
	echo "devgen: $PHIEUCTL is not there (build first: bash scripts/build.sh)" >&2
	exit 2
fi
DIR=$(mktemp -d "${TMPDIR:-/tmp}/phieu-devgen.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
	echo "devgen: set and parse results kept in $DIR (set/, out/)" >&2
else
	trap 'rm -rf "$DIR"' EXIT
fi
SET=$DIR/set
OUT=$DIR/out
mkdir -p "$OUT"
python3 "$ROOT/bench/devgen/gen.py" --seed "$SEED" --out "$SET" ${PER_STYLE:+--per-style "$PER_STYLE"} || exit 1
python3 "$ROOT/bench/devgen/gen.py" --check "$SET" >&2 || exit 1

# Parse every SET/NAME.eml into OUT/NAME.json, one phieuctl per core; a parse
# that fails leaves no file (scored as no prediction).
for eml in "$SET"/*.eml; do
	printf '%s\0' "$(basename "$eml" .eml)"
done | xargs -0 -r -P "$(nproc 2>/dev/null || echo 2)" -I{} \
	sh -c '"$0" parse "$1/$3.eml" >"$2/$3.json" 2>/dev/null || rm -f "$2/$3.json"' \
	"$PHIEUCTL" "$SET" "$OUT" {}

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
echo "Parse accuracy on the generated development set (seed $SEED), $(date +%F), commit $commit, $PHIEUCTL"
echo
python3 "$ROOT/bench/score.py" --markdown --fields --title "generated development set (tuned on)" "$SET:$OUT"
