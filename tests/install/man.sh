#!/bin/bash
# man.sh - the manual pages render with `man -l` without a warning and have
# their sections; the bash completion parses and completes phieuctl's
# commands.  Exit 77 (skipped) without man.
#
#   man.sh SRCDIR
set -eu

SRC=$1
command -v man >/dev/null || {
	echo "man not found: skipped"
	exit 77
}
for page in phieud.8 phieuctl.1 phieu.conf.5; do
	f=$SRC/docs/man/$page
	warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null)
	if [ -n "$warnings" ]; then
		echo "$page: $warnings"
		exit 1
	fi
	text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$f" 2>/dev/null)
	for section in NAME DESCRIPTION "SEE ALSO"; do
		grep -q "^$section" <<<"$text" || {
			echo "$page: no $section"
			exit 1
		}
	done
	echo "$page: OK"
done
bash -n "$SRC/docs/phieuctl.bash-completion"
# shellcheck disable=SC1091
. "$SRC/docs/phieuctl.bash-completion"
COMP_WORDS=(phieuctl -c /etc/phieu/phieu.conf st)
COMP_CWORD=3
_phieuctl
[ "${COMPREPLY[*]}" = "status" ] || {
	echo "completion of 'st': ${COMPREPLY[*]}"
	exit 1
}
COMP_WORDS=(phieuctl -c x status --)
COMP_CWORD=4
_phieuctl
[ "${COMPREPLY[*]}" = "--json" ] || {
	echo "completion after status: ${COMPREPLY[*]}"
	exit 1
}
echo "completion: OK"
