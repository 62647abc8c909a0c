#!/bin/bash
# build.sh - configure (first time) and build phieu into build/.
#
#   scripts/build.sh [BUILDDIR]     (default: build, at the repository root)
#
# A build directory that meson never finished setting up is set up afresh.
# The project is meant to build without warnings: they are counted and shown
# at the end; PHIEU_WERROR=1 makes them fatal.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
cd "$ROOT"

if [ -f "$BUILD/build.ninja" ]; then
	echo "build: using $BUILD (ninja re-runs meson when a meson.build changed)"
elif [ -d "$BUILD/meson-private" ]; then
	echo "build: $BUILD is not a complete meson build directory, setting it up again"
	meson setup --wipe "$BUILD" || meson setup "$BUILD"
else
	meson setup "$BUILD"
fi

LOG=$BUILD/build-output.log
set +e
ninja -C "$BUILD" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" != 0 ]; then
	echo "build: FAILED (ninja exit $rc)" >&2
	exit "$rc"
fi
warnings=$(grep -c -E '(^|: )warning: ' "$LOG" || true)
if [ "$warnings" != 0 ]; then
	echo "build: $warnings compiler warning(s) in this build:" >&2
	grep -E '(^|: )warning: ' "$LOG" >&2
	if [ "${PHIEU_WERROR:-0}" = 1 ]; then
		exit 1
	fi
else
	echo "build: OK, no warnings"
fi
