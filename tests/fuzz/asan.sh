#!/bin/bash
# asan.sh - the unit and golden suites built with gcc's AddressSanitizer and
# UndefinedBehaviorSanitizer.
#
#   tests/fuzz/asan.sh [meson test options]
#
# Installs nothing.  Sets up build-asan/ (gcc, -Db_sanitize=address,undefined,
# -Db_lundef=false) when it is missing, builds it and runs
# `meson test -C build-asan --suite unit --suite golden`: any memory error,
# undefined behaviour (halt_on_error) or leak at exit fails its test; the
# third-party leaks of lsan.supp are suppressed.  Timeouts are tripled (OCR
# under ASan is slow).  The results are in build-asan/meson-logs/testlog.json.
set -u

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$ROOT/build-asan
cd "$ROOT" || exit 1

if [ ! -f "$BUILD/build.ninja" ]; then
	rm -rf "$BUILD"
	CC=gcc meson setup "$BUILD" -Db_sanitize=address,undefined -Db_lundef=false \
		>"$ROOT/build-asan.setup.log" 2>&1 || {
		cat "$ROOT/build-asan.setup.log" >&2
		echo "asan: meson setup of $BUILD failed" >&2
		exit 1
	}
	mv "$ROOT/build-asan.setup.log" "$BUILD/setup.log"
fi
ninja -C "$BUILD" >"$BUILD/asan-build.log" 2>&1 || {
	tail -40 "$BUILD/asan-build.log" >&2
	echo "asan: the build failed" >&2
	exit 1
}
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:print_summary=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:print_summary=1
export LSAN_OPTIONS=suppressions=$ROOT/tests/fuzz/lsan.supp:print_suppressions=0
rm -f "$BUILD/meson-logs/testlog.json"
meson test -C "$BUILD" --suite unit --suite golden --print-errorlogs --timeout-multiplier 3 "$@"
