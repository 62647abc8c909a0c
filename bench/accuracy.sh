#!/bin/bash
# accuracy.sh - how well does `phieuctl parse` read requests: on the mail it was
# developed against, and on mail it has never seen?
#
#   bench/accuracy.sh [PHIEUCTL]     (default build/daemon/phieuctl; builds nothing)
#
# Parses two sets and prints two markdown tables, a row per style (n, type
# right, field precision/recall/F1, list entries' sub-fields right), scored by
# bench/score.py:
#   development (tuned on): tests/golden (every NAME.json with a type) and the
#       sample corpus ($PHIEU_CORPUS, default ../shared/corpus) when it exists;
#   evaluation (never tuned on): bench/eval/set, written once by
#       bench/eval/gen.py and frozen.  Parser work must not look at it (see
#       bench/README.md, "Accuracy"); only this script's figures are for reading.
# KEEP=1 keeps the parse results (their folder is printed).  Needs python3.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PHIEUCTL=${1:-$ROOT/build/daemon/phieuctl}
CORPUS=${PHIEU_CORPUS:-$ROOT/../shared/corpus}
EVAL=$ROOT/bench/eval/set

if [ ! -x "$PHIEUCTL" ]; then
	echo "accuracy: $PHIEUCTL is not there (build first: bash scripts/build.sh)" >&2
	exit 2
fi
OUT=$(mktemp -d "${TMPDIR:-/tmp}/phieu-accuracy.XXXXXX")
if [ "${KEEP:-0}" = 1 ]; then
	echo "accuracy: parse results kept in $OUT" >&2
else
	trap 'rm -rf "$OUT"' EXIT
fi

# Parse every SRC/NAME.eml that has an expectation SRC/NAME$SUFFIX into DEST/NAME.json,
# one phieuctl per core; a parse that fails leaves no file (scored as no prediction).
parse_set() {
	local src=$1 dest=$2 suffix=$3 exp name
	mkdir -p "$dest"
	for exp in "$src"/*"$suffix"; do
		name=$(basename "$exp" "$suffix")
		[ -f "$src/$name.eml" ] && printf '%s\0' "$name"
	done | xargs -0 -r -P "$(nproc 2>/dev/null || echo 2)" -I{} \
		sh -c '"$0" parse "$1/$3.eml" >"$2/$3.json" 2>/dev/null || rm -f "$2/$3.json"' \
		"$PHIEUCTL" "$src" "$dest" {}
}

DEV=("$ROOT/tests/golden:$OUT/golden:golden/")
parse_set "$ROOT/tests/golden" "$OUT/golden" .json
if [ -d "$CORPUS" ]; then
	parse_set "$CORPUS" "$OUT/corpus" .expected.json
	DEV+=("$CORPUS:$OUT/corpus:corpus/")
fi
parse_set "$EVAL" "$OUT/eval" .expected.json

commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
echo "Parse accuracy, $(date +%F), commit $commit, $PHIEUCTL"
echo
python3 "$ROOT/bench/score.py" --markdown --title "development (tuned on)" "${DEV[@]}"
python3 "$ROOT/bench/score.py" --markdown --title "evaluation (never tuned on)" "$EVAL:$OUT/eval"
