#!/bin/bash
# unit_verify.sh - `systemd-analyze verify` on the phieud.service meson made,
# its commands pointed at the build tree's phieud (the installed path need not
# exist here).  Exit 77 (skipped) without systemd-analyze.
#
#   unit_verify.sh BUILT_UNIT INSTALLED_PHIEUD BUILT_PHIEUD
set -eu

unit=$1 installed=$2 built=$3
if ! command -v systemd-analyze >/dev/null; then
	echo "systemd-analyze not found: skipped"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "s|$installed|$built|g" "$unit" >"$tmp/phieud.service"
grep -q "^Type=notify$" "$tmp/phieud.service"
grep -q "^ExecStart=$built " "$tmp/phieud.service"
# verify prints its findings and exits non-zero on any of them
out=$(systemd-analyze verify "$tmp/phieud.service" 2>&1) || {
	echo "$out"
	exit 1
}
if [ -n "$out" ]; then
	echo "$out"
	exit 1
fi
echo "phieud.service: verified"
