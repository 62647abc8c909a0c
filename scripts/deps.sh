#!/bin/bash
# deps.sh - install what building and testing phieu need, on Debian 12, as root.
#
#   scripts/deps.sh
#
# Skips apt entirely when every package is installed already, so re-runs are
# quick.  Postfix is preseeded "No configuration"; the package scripts are kept
# from starting services (a temporary /usr/sbin/policy-rc.d), and a system
# Postfix or Dovecot that the installation started anyway is stopped again: the
# tests, the demo and the benchmark start private instances
# (tests/mailserver/mailsrv.sh).  Services that ran before are left alone.
#
# Cyrus IMAP for the tests against it (tests/mailserver/cyrus.sh): cyrus-common
# is installed (master, lmtpd, the libraries, user cyrus); cyrus-imapd, which
# holds imapd and idled, conflicts with Dovecot (both are imap-server), so it is
# downloaded and unpacked into CYRUS_ROOT (default /var/cache/phieu-test/cyrus),
# in the version of the installed cyrus-common, never installed.  Quick when
# that version is unpacked already (CYRUS_ROOT/.version).
set -eu

readonly PACKAGES=(
	# build
	build-essential meson ninja-build pkg-config
	libetpan-dev libgmime-3.0-dev libsqlite3-dev libconfig-dev libjson-glib-dev
	libxml2-dev libgnutls28-dev libpsl-dev publicsuffix
	# sd_notify for phieud.service: readiness, status, watchdog, reload
	libsystemd-dev
	# the reader processes' system call allow-list
	libseccomp-dev
	# attachments: zip containers, PDF, OCR in Vietnamese and English
	libzip-dev libpoppler-glib-dev libcairo2-dev libtesseract-dev libleptonica-dev
	tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng
	# exports and the monthly report: XLSX written with libxlsxwriter (its
	# chart is drawn with cairo, above)
	libxlsxwriter-dev
	# tests
	libcmocka-dev sqlite3 python3 ca-certificates openssl
	# the Debian package and its test (tests/package/deb.sh)
	debhelper fakeroot lintian
	dovecot-imapd dovecot-lmtpd postfix
	# sender authentication tests: a DKIM signer and verifier milter in the test Postfix
	opendkim opendkim-tools
	# Cyrus: imapd and idled are unpacked from cyrus-imapd (see above)
	cyrus-common
	# the benchmark's /usr/bin/time (max RSS)
	time
	# fuzzing build (tests/fuzz/run.sh): clang with libFuzzer and the
	# sanitizer runtimes (libclang-rt, only recommended by clang), and
	# llvm-symbolizer (llvm) for readable crash stacks
	clang libclang-rt-14-dev llvm
	# the format check (tests/format.sh): every C file as .clang-format says
	clang-format
)
readonly POLICY=/usr/sbin/policy-rc.d
readonly CYRUS_ROOT=${CYRUS_ROOT:-/var/cache/phieu-test/cyrus}

log() {
	echo "deps: $*"
}

# Print the packages of PACKAGES that are not installed.
missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

# Succeed if the system-wide Cyrus (from cyrus-common's init script) runs.
system_cyrus_runs() {
	[ -f /run/cyrus-master.pid ] && kill -0 "$(cat /run/cyrus-master.pid)" 2>/dev/null
}

# Unpack cyrus-imapd, in the installed cyrus-common's version, into CYRUS_ROOT
# unless that version is there; check that its programs find their libraries.
unpack_cyrus_imapd() {
	local version tmp deb missing
	version=$(dpkg-query -W -f='${Version}' cyrus-common)
	if [ "$(cat "$CYRUS_ROOT/.version" 2>/dev/null)" = "$version" ] &&
		[ -x "$CYRUS_ROOT/usr/lib/cyrus/bin/imapd" ] && [ -x "$CYRUS_ROOT/usr/lib/cyrus/bin/idled" ]; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "deps: must run as root to unpack cyrus-imapd into $CYRUS_ROOT" >&2
		return 1
	fi
	log "unpacking cyrus-imapd $version into $CYRUS_ROOT (not installed: it conflicts with Dovecot)"
	tmp=$(mktemp -d)
	# apt's download user must be able to write there.
	chmod 755 "$tmp"
	chown _apt "$tmp" 2>/dev/null || true
	if ! (cd "$tmp" && apt-get download -qq "cyrus-imapd=$version" >/dev/null 2>&1); then
		apt-get update -qq
		if ! (cd "$tmp" && apt-get download -qq "cyrus-imapd=$version" >/dev/null 2>&1); then
			# The archive moved on (a security update): both to its version.
			log "cyrus-imapd $version is no longer offered: upgrading cyrus-common"
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold cyrus-common
			version=$(dpkg-query -W -f='${Version}' cyrus-common)
			(cd "$tmp" && apt-get download -qq "cyrus-imapd=$version")
		fi
	fi
	deb=$(ls "$tmp"/cyrus-imapd_*.deb)
	rm -rf "$CYRUS_ROOT"
	mkdir -p "$CYRUS_ROOT"
	dpkg-deb -x "$deb" "$CYRUS_ROOT"
	rm -rf "$tmp"
	missing=$(ldd "$CYRUS_ROOT/usr/lib/cyrus/bin/imapd" "$CYRUS_ROOT/usr/lib/cyrus/bin/idled" |
		awk '/not found/ { print $1 }' | sort -u | tr '\n' ' ')
	if [ -n "$missing" ]; then
		echo "deps: cyrus-imapd's programs miss libraries: $missing" >&2
		return 1
	fi
	echo "$version" >"$CYRUS_ROOT/.version"
}

# Succeed if the system-wide (default, /etc) Postfix runs.
system_postfix_runs() {
	command -v postfix >/dev/null && postfix status >/dev/null 2>&1
}

# Succeed if the system-wide Dovecot runs.
system_dovecot_runs() {
	[ -f /run/dovecot/master.pid ] && kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null
}

# Stop the system-wide Postfix/Dovecot that the installation just started (not
# one that ran before: that is the machine owner's).  Private instances, with
# their configuration elsewhere, are never touched.
stop_started_services() {
	if [ "$1" = no ] && system_postfix_runs; then
		log "stopping the system Postfix the installation started (tests run their own)"
		postfix stop >/dev/null 2>&1 || true
		if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
			systemctl disable --now postfix >/dev/null 2>&1 || true
		fi
	fi
	if [ "$3" = no ] && system_cyrus_runs; then
		log "stopping the system Cyrus the installation started (tests run their own)"
		if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
			systemctl disable --now cyrus-imapd >/dev/null 2>&1 || true
		fi
		kill "$(cat /run/cyrus-master.pid)" 2>/dev/null || true
	fi
	if [ "$2" = no ] && system_dovecot_runs; then
		log "stopping the system Dovecot the installation started (tests run their own)"
		doveadm stop >/dev/null 2>&1 || true
		if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
			systemctl disable --now dovecot >/dev/null 2>&1 || true
		fi
	fi
}

main() {
	local missing own_policy=0 postfix_before=no dovecot_before=no cyrus_before=no
	if [ "$(id -u)" != 0 ]; then
		missing=$(missing_packages | tr '\n' ' ')
		if [ -z "$missing" ]; then
			log "all packages present"
			unpack_cyrus_imapd || log "without cyrus-imapd unpacked, the Cyrus tests are skipped"
			return 0
		fi
		echo "deps: must run as root to install: $missing" >&2
		return 1
	fi
	missing=$(missing_packages | tr '\n' ' ')
	if [ -z "$missing" ]; then
		log "all ${#PACKAGES[@]} packages present, nothing to install"
		unpack_cyrus_imapd
		return 0
	fi
	log "installing: $missing"
	if system_postfix_runs; then postfix_before=yes; fi
	if system_dovecot_runs; then dovecot_before=yes; fi
	if system_cyrus_runs; then cyrus_before=yes; fi
	export DEBIAN_FRONTEND=noninteractive
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
	echo "postfix postfix/mailname string localhost" | debconf-set-selections
	# Keep the package scripts from starting services (invoke-rc.d asks this).
	if [ ! -e "$POLICY" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$POLICY"
		chmod 755 "$POLICY"
		own_policy=1
		trap 'rm -f "$POLICY"' EXIT
	fi
	apt-get update -qq
	# shellcheck disable=SC2086  # the list is word-split on purpose
	apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing
	if [ $own_policy = 1 ]; then
		rm -f "$POLICY"
		trap - EXIT
	fi
	stop_started_services "$postfix_before" "$dovecot_before" "$cyrus_before"
	missing=$(missing_packages | tr '\n' ' ')
	if [ -n "$missing" ]; then
		echo "deps: still missing after apt-get: $missing" >&2
		return 1
	fi
	unpack_cyrus_imapd
	log "done"
}

main "$@"
