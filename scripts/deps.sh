#!/bin/bash
# deps.sh - install what building and testing phieu need, on Debian 12, as root.
#
#   scripts/deps.sh
#
# Skips apt entirely when every package is installed already, so re-runs are
# quick.  The system Postfix and Dovecot services are neither configured nor
# left running: the tests, the demo and the benchmark start private instances
# (tests/mailserver/mailsrv.sh).  Postfix is preseeded "No configuration".
set -eu

readonly PACKAGES=(
	# build
	build-essential meson ninja-build pkg-config
	libetpan-dev libgmime-3.0-dev libsqlite3-dev libconfig-dev libjson-glib-dev
	libxml2-dev libgnutls28-dev
	# tests
	libcmocka-dev sqlite3 python3 ca-certificates openssl
	dovecot-imapd dovecot-lmtpd postfix
	# the benchmark's /usr/bin/time (max RSS)
	time
)
readonly POLICY=/usr/sbin/policy-rc.d

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

# Stop the system-wide Postfix/Dovecot if the installation started them.  Only
# the default instances are touched (config in /etc), never private ones.
stop_system_services() {
	if command -v postfix >/dev/null && postfix status >/dev/null 2>&1; then
		log "stopping the system Postfix (tests run their own)"
		postfix stop >/dev/null 2>&1 || true
	fi
	if [ -f /run/dovecot/master.pid ] && command -v doveadm >/dev/null &&
		kill -0 "$(cat /run/dovecot/master.pid)" 2>/dev/null; then
		log "stopping the system Dovecot (tests run their own)"
		doveadm stop >/dev/null 2>&1 || true
	fi
	if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
		systemctl disable --now postfix dovecot >/dev/null 2>&1 || true
	fi
}

main() {
	local missing own_policy=0
	if [ "$(id -u)" != 0 ]; then
		missing=$(missing_packages | tr '\n' ' ')
		if [ -z "$missing" ]; then
			log "all packages present"
			return 0
		fi
		echo "deps: must run as root to install: $missing" >&2
		return 1
	fi
	missing=$(missing_packages | tr '\n' ' ')
	if [ -z "$missing" ]; then
		log "all ${#PACKAGES[@]} packages present, nothing to install"
		stop_system_services
		return 0
	fi
	log "installing: $missing"
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
	stop_system_services
	missing=$(missing_packages | tr '\n' ' ')
	if [ -n "$missing" ]; then
		echo "deps: still missing after apt-get: $missing" >&2
		return 1
	fi
	log "done"
}

main "$@"
