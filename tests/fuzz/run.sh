#!/bin/bash
# run.sh - build the libFuzzer targets with clang and run each of them.
#
#   tests/fuzz/run.sh [SECONDS]      (default 60 seconds per target)
#
# Installs nothing (scripts/deps.sh does).  Sets up build-fuzz/ with
# CC=clang -Dfuzzing=true when it is missing, builds the fuzz_* targets,
# writes the seed corpora from the project's fixtures (seeds.py), then for
# each target runs its regression inputs (tests/fuzz/regress/<target>/, each
# once) and fuzzes for SECONDS from build-fuzz/fuzz/corpus/<target> (kept
# between runs) and the seeds.  One line per target:
#   fuzz_x: OK (N execs)
#   fuzz_x: FAILED (crash file build-fuzz/fuzz/crashes/x/crash-…)
# with the fuzzer's log in build-fuzz/fuzz/logs/<target>.log.  Exit status
# 0 only when no target failed.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build-fuzz
SECS=${1:-60}
TARGETS=(message fields commands office sheet pdf legacy config answer)
OUT=$BUILD/fuzz
cd "$ROOT" || exit 1

case $SECS in
'' | *[!0-9]*)
	echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
	exit 2
	;;
esac
if ! command -v clang >/dev/null; then
	echo "fuzz: clang is not installed (scripts/deps.sh installs it)" >&2
	exit 1
fi
if [ ! -f "$BUILD/build.ninja" ]; then
	rm -rf "$BUILD"
	CC=clang meson setup "$BUILD" -Dfuzzing=true >"$ROOT/build-fuzz.setup.log" 2>&1 || {
		cat "$ROOT/build-fuzz.setup.log" >&2
		echo "fuzz: meson setup of $BUILD failed" >&2
		exit 1
	}
	mv "$ROOT/build-fuzz.setup.log" "$BUILD/setup.log"
fi
ninja -C "$BUILD" "${TARGETS[@]/#/tests/fuzz/fuzz_}" >"$BUILD/fuzz-build.log" 2>&1 || {
	tail -40 "$BUILD/fuzz-build.log" >&2
	echo "fuzz: building the fuzz targets failed" >&2
	exit 1
}
mkdir -p "$OUT/logs"
python3 tests/fuzz/seeds.py "$OUT/seeds" >/dev/null || {
	echo "fuzz: writing the seed corpora failed" >&2
	exit 1
}

# UB aborts (-fno-sanitize-recover); leaks are reported after each input;
# only the third-party leaks of lsan.supp are suppressed.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export LSAN_OPTIONS=suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0

failed=0
for t in "${TARGETS[@]}"; do
	exe=$BUILD/tests/fuzz/fuzz_$t
	log=$OUT/logs/$t.log
	crashes=$OUT/crashes/$t
	mkdir -p "$OUT/corpus/$t" "$crashes"
	: >"$log"
	regress=()
	if [ -d "tests/fuzz/regress/$t" ]; then
		mapfile -t regress < <(find "tests/fuzz/regress/$t" -type f | sort)
	fi
	if [ ${#regress[@]} -gt 0 ] &&
		! "$exe" -rss_limit_mb=2048 -timeout=10 "${regress[@]}" >>"$log" 2>&1; then
		echo "fuzz_$t: FAILED (a regression input of tests/fuzz/regress/$t, see $log)"
		tail -30 "$log"
		failed=1
		continue
	fi
	"$exe" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$OUT/corpus/$t" "$OUT/seeds/$t" >>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	crash=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
	if [ "$rc" = 0 ]; then
		echo "fuzz_$t: OK (${execs:-0} execs)"
	else
		echo "fuzz_$t: FAILED (crash file ${crash:-none, exit $rc}, see $log)"
		grep -E -A25 '^==[0-9]+==ERROR|runtime error' "$log" | head -40
		failed=1
	fi
done
exit $failed
