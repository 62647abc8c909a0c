#!/bin/bash
# run-all.sh - THE test command: dependencies, build, every meson test suite.
#
#   tests/run-all.sh [meson test options, e.g. --suite integration]
#
# Runs scripts/deps.sh (apt, as root; quick when all is installed),
# scripts/build.sh, then `meson test -C build --print-errorlogs` (unit, golden,
# net, integration: whatever tests/meson.build registers).  The last line is
# "N passed, N failed", counted from build/meson-logs/testlog.json: OK is
# passed, SKIP is neither, everything else (FAIL, ERROR, TIMEOUT, EXPECTEDFAIL,
# UNEXPECTEDPASS) is failed.  Exit status 0 only when nothing failed.
#
# Without arguments (a full run, as .ci/run does) two more steps follow and
# count in that line: tests/fuzz/asan.sh (the unit and golden suites under
# ASan and UBSan, each test one result, counted from
# build-asan/meson-logs/testlog.json) and tests/fuzz/run.sh (each fuzz
# target one result), FUZZ_SECONDS per target: 60 when CI=true, else 10.
# PHIEU_FUZZ=0 leaves both out.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
TESTLOG=$BUILD/meson-logs/testlog.json
cd "$ROOT" || exit 1

# Print the closing line and exit: a failed step before the tests counts as one failure.
give_up() {
	echo "run-all: $1" >&2
	echo "0 passed, 1 failed"
	exit 1
}

echo "=== dependencies (scripts/deps.sh)"
bash scripts/deps.sh || give_up "installing the dependencies failed"
echo "=== build (scripts/build.sh)"
bash scripts/build.sh "$BUILD" || give_up "the build failed"

echo "=== tests (meson test -C build --print-errorlogs $*)"
rm -f "$TESTLOG"
meson test -C "$BUILD" --print-errorlogs "$@"
meson_rc=$?

if [ ! -s "$TESTLOG" ]; then
	give_up "meson test wrote no $TESTLOG (exit $meson_rc)"
fi
# Count a meson testlog.json: "passed failed skipped".
count_testlog() {
	python3 - "$1" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        result = json.loads(line).get("result")
        if result == "OK":
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(passed, failed, skipped)
PY
}

counts=$(count_testlog "$TESTLOG") || give_up "could not read $TESTLOG"
read -r passed failed skipped <<<"$counts"
if [ "$passed" = 0 ] && [ "$failed" = 0 ]; then
	echo "run-all: no test ran ($skipped skipped)" >&2
	failed=1
fi
if [ "$failed" = 0 ] && [ "$meson_rc" != 0 ]; then
	echo "run-all: meson test exited $meson_rc although no test failed" >&2
	failed=1
fi

if [ $# = 0 ] && [ "${PHIEU_FUZZ:-1}" != 0 ]; then
	ASANLOG=$ROOT/build-asan/meson-logs/testlog.json
	echo "=== sanitizers (tests/fuzz/asan.sh: unit and golden under ASan and UBSan)"
	bash tests/fuzz/asan.sh
	asan_rc=$?
	if [ -s "$ASANLOG" ] && counts=$(count_testlog "$ASANLOG"); then
		read -r p f s <<<"$counts"
		echo "run-all: sanitizers: $p passed, $f failed"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		if [ "$f" = 0 ] && [ "$asan_rc" != 0 ]; then
			echo "run-all: tests/fuzz/asan.sh exited $asan_rc although no test failed" >&2
			failed=$((failed + 1))
		fi
	else
		echo "run-all: tests/fuzz/asan.sh ran no test (exit $asan_rc)" >&2
		failed=$((failed + 1))
	fi

	if [ "${CI:-}" = true ]; then
		fuzz_seconds=${FUZZ_SECONDS:-60}
	else
		fuzz_seconds=${FUZZ_SECONDS:-10}
	fi
	FUZZLOG=$(mktemp)
	echo "=== fuzzing (tests/fuzz/run.sh $fuzz_seconds: $fuzz_seconds s per target)"
	bash tests/fuzz/run.sh "$fuzz_seconds" | tee "$FUZZLOG"
	fuzz_rc=${PIPESTATUS[0]}
	p=$(grep -c -E '^fuzz_[a-z_]+: OK' "$FUZZLOG")
	f=$(grep -c -E '^fuzz_[a-z_]+: FAILED' "$FUZZLOG")
	rm -f "$FUZZLOG"
	echo "run-all: fuzzing: $p passed, $f failed"
	passed=$((passed + p)) failed=$((failed + f))
	if [ "$f" = 0 ] && [ "$fuzz_rc" != 0 ]; then
		echo "run-all: tests/fuzz/run.sh exited $fuzz_rc without a failed target" >&2
		failed=$((failed + 1))
	fi
fi

[ "$skipped" = 0 ] || echo "run-all: $skipped test(s) skipped"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
