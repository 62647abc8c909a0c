#!/bin/bash
# deb.sh - the Debian package: built from debian/ with dpkg-buildpackage -us
# -uc -b in a copy of the source tree, installed with dpkg -i, then checked:
# the files where the layout says, /etc/phieu/phieu.conf a conffile (0640,
# group phieu), the phieu user and /var/lib/phieu (0750), phieud.service
# installed but not enabled, `systemd-analyze verify` on it, `phieud -n` on the
# placeholder configuration failing with FILE:LINE, the installed phieud
# running --once as phieu with a configuration of the test's own, and lintian
# (when installed) reporting nothing but the tags debian/README explains.
# The package is purged afterwards unless it was installed before.
#
#   deb.sh SRCDIR
#
# Needs root, dpkg-buildpackage and debhelper (skipped, exit 77, otherwise);
# PHIEU_DEB_KEEP=1 keeps the work directory.
set -eu

SRC=$(cd "$1" && pwd)
skip() {
	echo "skipped: $*"
	exit 77
}
[ "$(id -u)" = 0 ] || skip "needs root (dpkg -i)"
command -v dpkg-buildpackage >/dev/null || skip "dpkg-buildpackage missing"
dpkg-query -W -f='${Status}' debhelper 2>/dev/null | grep -q "install ok installed" ||
	skip "debhelper missing"

WORK=$(mktemp -d /tmp/phieu-deb-XXXXXX)
chmod 755 "$WORK"
before=$(dpkg-query -W -f='${Status}' phieu 2>/dev/null || true)
cleanup() {
	if [ "$before" != "install ok installed" ]; then
		dpkg --purge phieu >/dev/null 2>&1 || true
	fi
	[ "${PHIEU_DEB_KEEP:-0}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
	echo "FAILED: $*" >&2
	exit 1
}

echo "--- copying the source tree"
mkdir "$WORK/phieu-0.1.0"
tar -C "$SRC" --exclude='./build' --exclude='./build-*' --exclude='./.git' -cf - . |
	tar -C "$WORK/phieu-0.1.0" -xf -
echo "--- dpkg-buildpackage -us -uc -b"
(cd "$WORK/phieu-0.1.0" &&
	DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
	>"$WORK/build.log" 2>&1 || {
	tail -50 "$WORK/build.log"
	fail "dpkg-buildpackage"
}
deb=$(ls "$WORK"/phieu_*.deb)
echo "built $(basename "$deb")"
dpkg-deb -I "$deb" | grep -E "^ (Depends|Version):"
dpkg-deb -I "$deb" | grep -q "tesseract-ocr-vie" || fail "Depends lacks tesseract-ocr-vie"

echo "--- dpkg -i"
dpkg -i "$deb" >"$WORK/install.log" 2>&1 || {
	cat "$WORK/install.log"
	fail "dpkg -i"
}
# the reader where debhelper's meson puts libexecdir: /usr/libexec (or /usr/lib/TRIPLET)
reader=$(dpkg -L phieu | grep -E '^/usr/(libexec|lib/[^/]+)/phieu/phieu-reader$' || true)
parse=$(dpkg -L phieu | grep -E '^/usr/(libexec|lib/[^/]+)/phieu/phieu-parse$' || true)
for f in /usr/sbin/phieud /usr/bin/phieuctl "$reader" "$parse"; do
	[ -n "$f" ] && [ -x "$f" ] || {
		dpkg -L phieu | grep -v /templates/
		fail "${f:-phieu-reader or phieu-parse} not installed"
	}
done
[ -f /usr/share/phieu/templates/ack.vi.txt ] || fail "templates not in /usr/share/phieu"
[ -f /lib/systemd/system/phieud.service ] || fail "phieud.service not installed"
dpkg-query -W -f='${Conffiles}\n' phieu | grep -q "^ /etc/phieu/phieu.conf " ||
	fail "/etc/phieu/phieu.conf is not a conffile"
[ "$(stat -c '%a %U %G' /etc/phieu/phieu.conf)" = "640 root phieu" ] ||
	fail "/etc/phieu/phieu.conf is $(stat -c '%a %U %G' /etc/phieu/phieu.conf)"
[ "$(stat -c '%a %U %G' /var/lib/phieu)" = "750 phieu phieu" ] ||
	fail "/var/lib/phieu is $(stat -c '%a %U %G' /var/lib/phieu)"
getent passwd phieu >/dev/null || fail "no user phieu"
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
	[ "$(systemctl is-enabled phieud 2>/dev/null || true)" != enabled ] ||
		fail "phieud.service enabled before the configuration was edited"
fi
for f in phieu-backup.service phieu-backup.timer; do
	[ -f "/lib/systemd/system/$f" ] || fail "$f not installed"
done
[ "$(stat -c '%a %U %G' /var/backups/phieu)" = "750 phieu phieu" ] ||
	fail "/var/backups/phieu is $(stat -c '%a %U %G' /var/backups/phieu)"
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify /lib/systemd/system/phieud.service \
		/lib/systemd/system/phieu-backup.service /lib/systemd/system/phieu-backup.timer ||
		fail "systemd-analyze verify"
fi

echo "--- phieud -n on the placeholder configuration"
set +e
out=$(/usr/sbin/phieud -n -c /etc/phieu/phieu.conf 2>&1)
rc=$?
set -e
echo "$out"
[ "$rc" = 2 ] || fail "phieud -n exited $rc, not 2"
echo "$out" | grep -qE "^phieud: /etc/phieu/phieu.conf:[0-9]+: " || fail "no FILE:LINE message"

echo "--- the installed phieud as phieu, --once, servers unreachable"
conf=$WORK/test.conf
cat >"$conf" <<CONF
database = "/var/lib/phieu/test-$$.db";
spool = "/var/lib/phieu/test-$$-spool";
user = "phieu";
imap = { host = "127.0.0.1"; port = 9; security = "none"; };
smtp = { host = "127.0.0.1"; port = 9; security = "none"; };
mailboxes = ( { name = "pkt-iid"; address = "pkt-iid@danang.gov.vn";
  login = "pkt-iid@danang.gov.vn"; password = "x"; } );
staff = [ "staff@danang.gov.vn" ];
CONF
chmod 644 "$conf"
set +e
/usr/sbin/phieud --once -v -c "$conf" >"$WORK/once.log" 2>&1
rc=$?
set -e
cat "$WORK/once.log"
rm -rf "/var/lib/phieu/test-$$"*
[ "$rc" = 75 ] || fail "phieud --once exited $rc, not 75"
grep -q "running as phieu" "$WORK/once.log" || fail "did not become phieu"
grep -q "reader 0 started" "$WORK/once.log" || fail "no reader started"

if command -v dovecot >/dev/null && command -v postfix >/dev/null; then
	echo "--- the installed phieud as phieu against the test's Dovecot and Postfix"
	base=$(bash "$SRC/tests/mailserver/mailsrv.sh" freeport 10740)
	MS=$WORK/ms
	bash "$SRC/tests/mailserver/mailsrv.sh" start "$MS" "$base" >"$WORK/ms.log" 2>&1 || {
		cat "$WORK/ms.log"
		fail "mailsrv.sh start"
	}
	stop_ms() {
		bash "$SRC/tests/mailserver/mailsrv.sh" stop "$MS" >/dev/null 2>&1 || true
		cleanup
	}
	trap stop_ms EXIT
	# shellcheck disable=SC1091
	. "$MS/env"
	mailtool() {
		python3 "$SRC/tests/mailserver/mailtool.py" "$1" --env "$MS/env" "${@:2}"
	}
	mailtool send --from khoatd@cangdanang.com.vn --to pkt-iid@danang.gov.vn \
		"$SRC/tests/integration/mail/05-server_room.eml"
	mailtool wait-delivered --user pkt-iid@danang.gov.vn --count 1 --timeout 30
	sed -e "s/port = 9; security/port = $MS_IMAP_PORT; security/" \
		-e "/^smtp/s/port = $MS_IMAP_PORT;/port = $MS_SMTP_PORT;/" \
		-e "s/password = \"x\"/password = \"secret\"/" "$conf" >"$WORK/live.conf"
	chmod 644 "$WORK/live.conf"
	set +e
	/usr/sbin/phieud --once -c "$WORK/live.conf" >"$WORK/live.log" 2>&1
	rc=$?
	set -e
	n=$(/usr/bin/phieuctl -c "$WORK/live.conf" list --json |
		python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
	rm -rf "/var/lib/phieu/test-$$"*
	[ "$rc" = 0 ] || {
		cat "$WORK/live.log"
		fail "phieud --once against the test servers exited $rc"
	}
	[ "$n" = 1 ] || fail "$n request(s) stored, not 1"
	grep -q "running as phieu" "$WORK/live.log" || fail "did not become phieu"
	echo "stored 1 request and acknowledged it, as phieu"
else
	echo "--- Dovecot or Postfix missing: the run against the test servers is left out"
fi

if command -v lintian >/dev/null; then
	echo "--- lintian"
	allowed=$(sed -nE 's/^- `([a-z0-9-]+)`.*/\1/p' "$SRC/debian/README.lintian")
	lintian --tag-display-limit 0 "$deb" "$WORK"/phieu_*.changes >"$WORK/lintian.log" 2>&1 || true
	cat "$WORK/lintian.log"
	bad=0
	while read -r kind _ tag _; do
		case "$kind" in E: | W:) ;; *) continue ;; esac
		if ! grep -qx "$tag" <<<"$allowed"; then
			echo "lintian: $tag is not explained in debian/README.lintian" >&2
			bad=1
		fi
	done <"$WORK/lintian.log"
	[ "$bad" = 0 ] || fail "lintian"
else
	echo "--- lintian not installed: not run"
fi
echo "package OK"
