#!/bin/bash
# unit_verify.sh - `systemd-analyze verify` on the units meson made
# (phieud.service, phieu-backup.service and .timer), their commands pointed
# at the build tree's programs (the installed paths need not exist here).
# Exit 77 (skipped) without systemd-analyze.
#
#   unit_verify.sh BUILT_UNIT INSTALLED_PHIEUD BUILT_PHIEUD \
#                  BACKUP_SERVICE TIMER INSTALLED_PHIEUCTL BUILT_PHIEUCTL
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
if [ $# -ge 7 ]; then
	sed "s|$6|$7|g" "$4" >"$tmp/phieu-backup.service"
	cp "$5" "$tmp/phieu-backup.timer"
	grep -q "^ExecStart=$7 .* backup /var/backups/phieu$" "$tmp/phieu-backup.service"
	out=$(systemd-analyze verify "$tmp/phieu-backup.service" "$tmp/phieu-backup.timer" 2>&1) || {
		echo "$out"
		exit 1
	}
	if [ -n "$out" ]; then
		echo "$out"
		exit 1
	fi
	echo "phieu-backup.service, phieu-backup.timer: verified"
fi
