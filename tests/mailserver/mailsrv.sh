#!/bin/bash
# mailsrv.sh - a private, real mail server for tests, the demo and the benchmark.
#
#   mailsrv.sh start  DIR [BASEPORT]   start Dovecot + Postfix on 127.0.0.1 (default 10140)
#   mailsrv.sh stop   DIR              stop them and wait until their processes are gone
#   mailsrv.sh status DIR              exit 0 if both run, 1 if neither, 2 if only one
#   mailsrv.sh freeport BASEPORT       print the first base port from BASEPORT on, in
#                                      steps of 10, whose four ports are free
#
# Ports, all on 127.0.0.1:
#   BASEPORT+0  IMAP (plain)           BASEPORT+1  IMAPS (implicit TLS, CA in DIR/ca.pem)
#   BASEPORT+2  LMTP (Dovecot)         BASEPORT+3  SMTP (Postfix, delivers all into LMTP)
# IMAP and SMTP also offer STARTTLS (optional) with the same certificate, which
# names localhost and 127.0.0.1.  Logs: DIR/dovecot.log, DIR/postfix.log.
#
# Any user logs in with password "secret"; mail to any address at any domain is
# delivered into DIR/mail/DOMAIN/LOCALPART (maildir), the user is created on delivery.
# DIR/env is a shell-sourceable file with the ports, for tests and mailtool.py.
# MAILSRV_IMAP=cyrus (optional, read by start) runs a private Cyrus IMAP 3.6
# (tests/mailserver/cyrus.sh, files in DIR/cyrus) instead of Dovecot, on the same
# ports (IMAP, IMAPS, LMTP), Postfix delivering into its LMTP; DIR/env then says
# MS_IMAP_SERVER=cyrus.  stop and status deal with whichever start ran.
# MAILSRV_DISCARD="DOMAIN ..." (optional, read by start) makes Postfix accept mail
# to those domains (".DOMAIN": its sub-domains) and throw it away instead of
# delivering it, for benchmarks that measure sending only.
# MAILSRV_DKIM=1 (optional, read by start) adds OpenDKIM as the centre's MTA
# would run it, for the sender-authentication tests: a test key for
# MAILSRV_DKIM_DOMAINS (default "danang.gov.vn") in DIR/dkim, selector "test";
# a verifier milter on BASEPORT+6 behind the SMTP port, which adds
# "Authentication-Results: mx.mailsrv.test; dkim=…" on top of every message
# (AlwaysAddARHeader, so an unsigned mail gets "dkim=none" above anything the
# sender wrote; KeepAuthResults, so a sender's forged header stays below it);
# a signer milter on BASEPORT+5 behind a submission port BASEPORT+4, whose
# signed mail Postfix passes on to the SMTP port, as a unit's own mail server
# would.  The public key is given to the verifier as a file (TestPublicKeys):
# no DNS.  DIR/env then has MS_SUBMIT_PORT and MS_AUTHSERV_ID.  opendkim and
# opendkim-genkey (packages opendkim, opendkim-tools) are needed.
# Everything the instance owns lives in DIR; several instances (different DIR and
# BASEPORT) run side by side.  Outside DIR only /etc/postfix/main.cf is touched: the
# instance's config directory is added to alternate_config_directories there (Postfix
# refuses any other config directory), and removed again on stop.
#
# Only the packages are assumed (dovecot-imapd, dovecot-lmtpd, postfix, openssl,
# python3; for Cyrus see cyrus.sh); the system services need not and should not run.
set -eu

readonly DEFAULT_BASEPORT=10140
readonly PASSWORD=secret
readonly START_TIMEOUT=20      # seconds to wait for all four listeners
readonly STOP_TIMEOUT=15       # seconds to wait for processes to exit
readonly MAIL_USER=mail        # system user that owns the maildirs
readonly MAIN_CF=/etc/postfix/main.cf

# Print a message to stderr, prefixed with the script name.
log() {
	echo "mailsrv: $*" >&2
}

# Print a message and exit with failure.
die() {
	log "error: $*"
	exit 1
}

# Set the modification time of files "$@" ten seconds into the past.  Postfix
# programs "pause to let main.cf cool down" while its mtime is within the last
# second or two, which costs 2 s per command right after an edit.
backdate() {
	touch -d "@$(($(date +%s) - 10))" "$@"
}

# Print usage and exit.
usage() {
	sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# Set the global path variables for instance directory $1 (made absolute).
set_paths() {
	case "$1" in
	*[[:space:]]* | *[\"\'\$\\]*) die "DIR must not contain spaces or quotes: $1" ;;
	esac
	DIR=$(realpath -m -- "$1")
	PF_CONF=$DIR/postfix
	PF_QUEUE=$DIR/postfix-queue
	PF_DATA=$DIR/postfix-data
	DC_CONF=$DIR/dovecot.conf
	DC_BASE=$DIR/dovecot-run
	DC_STATE=$DIR/dovecot-state
	TLS_DIR=$DIR/tls
	CY_DIR=$DIR/cyrus
	CYRUS_SH=$(dirname "$(realpath "$0")")/cyrus.sh
	DK_DIR=$DIR/dkim
	# Unix sockets are limited to 108 bytes; Postfix's deepest is private/proxywrite
	# under the queue, Dovecot's login/imap-urlauth under base_dir.
	if [ ${#DIR} -gt 70 ]; then
		die "DIR path too long for unix sockets (max 70 chars): $DIR"
	fi
}

# Set the port variables from base port $1.
set_ports() {
	case "$1" in
	'' | *[!0-9]*) die "BASEPORT must be a number: $1" ;;
	esac
	if [ "$1" -lt 1024 ] || [ "$1" -gt 65530 ]; then
		die "BASEPORT must be in 1024..65530: $1"
	fi
	IMAP_PORT=$1
	IMAPS_PORT=$(($1 + 1))
	LMTP_PORT=$(($1 + 2))
	SMTP_PORT=$(($1 + 3))
	SUBMIT_PORT=$(($1 + 4))
	DKIM_SIGN_PORT=$(($1 + 5))
	DKIM_VERIFY_PORT=$(($1 + 6))
}

# Succeed if something accepts TCP connections on 127.0.0.1 port $1.
port_open() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Succeed if pid $1 is alive and runs the program whose path starts with $2.
pid_runs() {
	local exe
	[ -n "$1" ] && [ -d "/proc/$1" ] || return 1
	exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
	case "$exe" in
	"$2"*) return 0 ;;
	esac
	return 1
}

# Print the pid stored in pid file $1 (Postfix pads it with spaces), or nothing.
read_pid() {
	if [ -f "$1" ]; then tr -dc '0-9' <"$1"; fi
}

# Print the pid of this instance's Postfix master if it runs.
postfix_pid() {
	local pid
	pid=$(read_pid "$PF_QUEUE/pid/master.pid")
	if pid_runs "$pid" /usr/lib/postfix/; then echo "$pid"; fi
}

# Print the pid of this instance's Dovecot master if it runs.
dovecot_pid() {
	local pid
	pid=$(read_pid "$DC_BASE/master.pid")
	if pid_runs "$pid" /usr/sbin/dovecot; then echo "$pid"; fi
}

# Print the pids of all Dovecot and Postfix processes that belong to this instance:
# every one of them works in (cwd) or is chrooted to (root) a directory inside DIR
# (base_dir, the queue, a maildir).  Other programs, say a shell whose cwd is
# DIR, are never listed.  One find(1) reads all the links: a readlink per process
# takes seconds on a busy machine.
instance_pids() {
	find /proc/[0-9]*/exe /proc/[0-9]*/cwd /proc/[0-9]*/root -maxdepth 0 \
		-printf '%p %l\n' 2>/dev/null | awk -v dir="$DIR" '
		{
			split($1, part, "/")
			pid = part[3]
			target = substr($0, length($1) + 2)
		}
		part[4] == "exe" && target ~ /^(\/usr\/sbin\/dovecot$|\/usr\/lib\/(dovecot|postfix)\/)/ {
			server[pid] = 1
		}
		part[4] != "exe" && (target == dir || index(target, dir "/") == 1) {
			inside[pid] = 1
		}
		END {
			for (pid in server)
				if (pid in inside)
					print pid
		}'
}

# Wait up to $1 seconds until no process of this instance is left; fail if some are.
wait_gone() {
	local deadline=$((SECONDS + $1))
	while [ -n "$(instance_pids)" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# Add ("add") or remove ("remove") this instance's config directory in main.cf,
# under a lock on /etc/postfix so that parallel instances keep each other's edits.
register_instance() {
	mkdir -p /etc/postfix
	(
		flock 9
		edit_alternate_dirs "$1" "$PF_CONF"
	) 9</etc/postfix
}

# Create the default main.cf if missing ("No configuration" installs leave none).
ensure_main_cf() {
	if [ ! -f "$MAIN_CF" ]; then
		cat >"$MAIN_CF" <<-'EOF'
			# Created by phieu tests/mailserver/mailsrv.sh: the system Postfix is not
			# configured on this machine; this file only lists the private instances.
			compatibility_level = 3.6
		EOF
	fi
}

# Rewrite alternate_config_directories in main.cf: drop entries whose directory is
# gone (stale test runs), then add ("add") or remove ("remove") $2.
edit_alternate_dirs() {
	local action=$1 dir=$2 new="" d
	ensure_main_cf
	for d in $(postconf -c /etc/postfix -h alternate_config_directories | tr ',' ' '); do
		if [ "$d" != "$dir" ] && [ -d "$d" ]; then
			new="$new${new:+, }$d"
		fi
	done
	if [ "$action" = add ]; then
		new="$new${new:+, }$dir"
	fi
	# Not "postconf -e", which leaves a fresh mtime (see backdate): replace the
	# line (and any continuation lines) and rename.
	awk -v line="alternate_config_directories = $new" '
		/^alternate_config_directories[ \t]*=/ {
			if (!done)
				print line
			done = skip = 1
			next
		}
		skip && /^[ \t]/ { next }
		{ skip = 0; print }
		END { if (!done) print line }' "$MAIN_CF" >"$MAIN_CF.mailsrv-tmp"
	chmod 644 "$MAIN_CF.mailsrv-tmp"
	backdate "$MAIN_CF.mailsrv-tmp"
	mv "$MAIN_CF.mailsrv-tmp" "$MAIN_CF"
}

# Make a throw-away CA (DIR/ca.pem) and a server certificate for localhost and
# 127.0.0.1 signed by it, unless a valid pair is already there (a restarted server
# keeps its CA, so clients that loaded it keep working).
make_certs() {
	local ext=$TLS_DIR/server.ext
	if [ -f "$TLS_DIR/server.pem" ] && [ -f "$TLS_DIR/server.key" ] &&
		openssl verify -CAfile "$DIR/ca.pem" "$TLS_DIR/server.pem" >/dev/null 2>&1; then
		return 0
	fi
	mkdir -p "$TLS_DIR"
	chmod 700 "$TLS_DIR"
	openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$TLS_DIR/ca.key" -out "$DIR/ca.pem" -days 3650 \
		-subj "/CN=phieu test CA $(basename "$DIR")" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
	openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" \
		-subj "/CN=localhost" 2>/dev/null
	cat >"$ext" <<-EOF
		basicConstraints = critical, CA:FALSE
		keyUsage = critical, digitalSignature, keyEncipherment
		extendedKeyUsage = serverAuth
		subjectAltName = DNS:localhost, IP:127.0.0.1
		subjectKeyIdentifier = hash
		authorityKeyIdentifier = keyid
	EOF
	openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$DIR/ca.pem" \
		-CAkey "$TLS_DIR/ca.key" -CAserial "$TLS_DIR/ca.srl" -CAcreateserial -days 3650 \
		-extfile "$ext" -out "$TLS_DIR/server.pem" 2>/dev/null
	chmod 644 "$DIR/ca.pem"
}

# Write DIR/dovecot.conf: IMAP, IMAPS and LMTP on the loopback, static users.
write_dovecot_conf() {
	local uid
	uid=$(id -u "$MAIL_USER")
	cat >"$DC_CONF" <<-EOF
		# Generated by tests/mailserver/mailsrv.sh - private test instance.
		instance_name = mailsrv-$IMAP_PORT
		base_dir = $DC_BASE
		state_dir = $DC_STATE
		hostname = imap.mailsrv.test
		listen = 127.0.0.1
		protocols = imap lmtp
		log_path = $DIR/dovecot.log
		info_log_path = $DIR/dovecot.log
		log_timestamp = "%Y-%m-%d %H:%M:%S "
		auth_verbose = yes
		verbose_proctitle = yes

		ssl = yes
		ssl_cert = <$TLS_DIR/server.pem
		ssl_key = <$TLS_DIR/server.key
		disable_plaintext_auth = no
		auth_mechanisms = plain login

		# Any user, password "$PASSWORD"; LMTP accepts every recipient.
		passdb {
		  driver = static
		  args = password=$PASSWORD
		}
		userdb {
		  driver = static
		  args = uid=$MAIL_USER gid=$MAIL_USER home=$DIR/mail/%d/%n allow_all_users=yes
		}
		first_valid_uid = $uid
		first_valid_gid = 1
		default_internal_user = dovecot
		default_login_user = dovenull

		mail_location = maildir:~
		namespace inbox {
		  inbox = yes
		  separator = /
		}
		# Test data is disposable: skip fsync, for fast bulk APPEND and delivery.
		mail_fsync = never
		# The daemon, the tests and a benchmark may all log in as one user at once.
		mail_max_userip_connections = 200

		service imap-login {
		  inet_listener imap {
		    port = $IMAP_PORT
		  }
		  inet_listener imaps {
		    port = $IMAPS_PORT
		    ssl = yes
		  }
		}
		service lmtp {
		  inet_listener lmtp {
		    address = 127.0.0.1
		    port = $LMTP_PORT
		  }
		}
		lmtp_save_to_detail_mailbox = no
	EOF
}

# With MAILSRV_DISCARD set, add a transport map sending mail for those domains
# to Postfix's discard transport (accepted, queued, then dropped).
write_discard_map() {
	local d
	[ -n "${MAILSRV_DISCARD:-}" ] || return 0
	: >"$PF_CONF/transport"
	for d in $MAILSRV_DISCARD; do
		case "$d" in
		*[!A-Za-z0-9.-]*) die "MAILSRV_DISCARD: not a domain: $d" ;;
		esac
		printf '%s discard:\n' "$d" >>"$PF_CONF/transport"
	done
	echo "transport_maps = texthash:$PF_CONF/transport" >>"$PF_CONF/main.cf"
	chmod 644 "$PF_CONF/transport"
}

# The authserv-id of the verifier: the MTA's own name, as in its Received headers.
readonly AUTHSERV_ID=mx.mailsrv.test

# Print the pid of one of this instance's opendkim milters ($1: sign or verify).
opendkim_pid() {
	local pid
	pid=$(read_pid "$DK_DIR/$1.pid")
	if pid_runs "$pid" /usr/sbin/opendkim; then echo "$pid"; fi
}

# Stop this instance's opendkim milters, if any run.
stop_dkim() {
	local role pid
	for role in sign verify; do
		pid=$(opendkim_pid "$role")
		[ -z "$pid" ] || kill "$pid" 2>/dev/null || true
	done
	for role in sign verify; do
		for _ in $(seq 50); do
			[ -n "$(opendkim_pid "$role")" ] || break
			sleep 0.1
		done
		rm -f "$DK_DIR/$role.pid"
	done
}

# Make the test keys and start the signer and the verifier (MAILSRV_DKIM=1).
start_dkim() {
	local d keys=$DK_DIR/keys.txt
	command -v opendkim >/dev/null && command -v opendkim-genkey >/dev/null ||
		die "MAILSRV_DKIM=1 needs opendkim and opendkim-genkey (packages opendkim, opendkim-tools)"
	mkdir -p "$DK_DIR"
	chmod 700 "$DK_DIR"
	: >"$keys"
	: >"$DK_DIR/signing.txt"
	: >"$DK_DIR/keytable.txt"
	for d in ${MAILSRV_DKIM_DOMAINS:-danang.gov.vn}; do
		case "$d" in
		*[!A-Za-z0-9.-]*) die "MAILSRV_DKIM_DOMAINS: not a domain: $d" ;;
		esac
		mkdir -p "$DK_DIR/$d"
		[ -f "$DK_DIR/$d/test.private" ] ||
			opendkim-genkey -D "$DK_DIR/$d" -d "$d" -s test -b 2048
		# the TXT record on one line, as the verifier's test key file wants it
		printf 'test._domainkey.%s %s\n' "$d" \
			"$(grep -o '"[^"]*"' "$DK_DIR/$d/test.txt" | tr -d '"\n')" >>"$keys"
		printf '*@%s test._domainkey.%s\n' "$d" "$d" >>"$DK_DIR/signing.txt"
		printf 'test._domainkey.%s %s:test:%s\n' "$d" "$d" "$DK_DIR/$d/test.private" \
			>>"$DK_DIR/keytable.txt"
	done
	cat >"$DK_DIR/sign.conf" <<-EOF
		# Generated by tests/mailserver/mailsrv.sh: the signer of a unit's mail server.
		Mode                s
		Socket              inet:$DKIM_SIGN_PORT@127.0.0.1
		PidFile             $DK_DIR/sign.pid
		KeyTable            file:$DK_DIR/keytable.txt
		SigningTable        refile:$DK_DIR/signing.txt
		InternalHosts       127.0.0.1
		Canonicalization    relaxed/relaxed
		# the key lies under the test's /tmp directory, which others may enter
		RequireSafeKeys     no
		Syslog              no
		Background          yes
	EOF
	cat >"$DK_DIR/verify.conf" <<-EOF
		# Generated by tests/mailserver/mailsrv.sh: the verifier of the centre's MTA.
		Mode                v
		Socket              inet:$DKIM_VERIFY_PORT@127.0.0.1
		PidFile             $DK_DIR/verify.pid
		AuthservID          $AUTHSERV_ID
		AlwaysAddARHeader   yes
		KeepAuthResults     yes
		TestPublicKeys      $keys
		InternalHosts       192.0.2.1
		Syslog              no
		Background          yes
	EOF
	opendkim -x "$DK_DIR/sign.conf" </dev/null >>"$DIR/opendkim.log" 2>&1
	opendkim -x "$DK_DIR/verify.conf" </dev/null >>"$DIR/opendkim.log" 2>&1
}

# Write DIR/postfix/main.cf and master.cf: SMTP on the loopback, every recipient
# relayed into Dovecot's LMTP, no local delivery, no DNS, quick retries.
write_postfix_conf() {
	local lmtp="lmtp:inet:127.0.0.1:$LMTP_PORT"
	mkdir -p "$PF_CONF"
	cat >"$PF_CONF/main.cf" <<-EOF
		# Generated by tests/mailserver/mailsrv.sh - private test instance.
		compatibility_level = 3.6
		queue_directory = $PF_QUEUE
		data_directory = $PF_DATA
		syslog_name = postfix-mailsrv-$IMAP_PORT
		maillog_file = $DIR/postfix.log
		maillog_file_prefixes = $DIR
		myhostname = mx.mailsrv.test
		mydomain = mailsrv.test
		myorigin = \$myhostname
		inet_interfaces = 127.0.0.1
		inet_protocols = ipv4
		mynetworks = 127.0.0.0/8

		# Nothing is local: every domain goes to Dovecot over LMTP.
		mydestination =
		relay_domains =
		local_recipient_maps =
		alias_maps =
		alias_database =
		default_transport = $lmtp
		relay_transport = $lmtp
		local_transport = $lmtp
		virtual_transport = $lmtp
		smtpd_relay_restrictions = permit_mynetworks, reject
		smtpd_recipient_restrictions = permit_mynetworks, reject
		message_size_limit = 52428800

		# No DNS: the only next hop is a numeric address.
		smtp_dns_support_level = disabled
		lmtp_dns_support_level = disabled
		smtp_host_lookup = native
		lmtp_host_lookup = native
		smtpd_peername_lookup = no

		# Plain SMTP; STARTTLS offered (not required) with the instance's certificate.
		smtpd_tls_security_level = may
		smtpd_tls_cert_file = $TLS_DIR/server.pem
		smtpd_tls_key_file = $TLS_DIR/server.key
		smtp_tls_security_level = none
		lmtp_tls_security_level = none
		smtpd_sasl_auth_enable = no
		# Dovecot 2.3's LMTP does not offer SMTPUTF8, so Postfix would bounce mail
		# whose client asked for it; without it, 8-bit headers pass through as sent.
		smtputf8_enable = no

		# Tests want delivery at once, and quick retries after Dovecot was down.
		queue_run_delay = 1s
		minimal_backoff_time = 1s
		maximal_backoff_time = 5s
		in_flow_delay = 0
		smtpd_error_sleep_time = 0
		biff = no
		append_dot_mydomain = no
		# Deliver the bytes as sent: no Date/Message-ID/From added, no address rewriting.
		local_header_rewrite_clients =
	EOF
	write_discard_map
	cat >"$PF_CONF/master.cf" <<-EOF
		# Generated by tests/mailserver/mailsrv.sh.  Nothing is chrooted (Debian's
		# default is), as the queue is a private directory without a chroot setup.
		# service            type  private unpriv chroot wakeup maxproc command
		127.0.0.1:$SMTP_PORT inet  n       -      n      -      -       smtpd $(dkim_verify_opts)
		pickup               unix  n       -      n      60     1       pickup
		cleanup              unix  n       -      n      -      0       cleanup
		qmgr                 unix  n       -      n      300    1       qmgr
		tlsmgr               unix  -       -      n      1000?  1       tlsmgr
		rewrite              unix  -       -      n      -      -       trivial-rewrite
		bounce               unix  -       -      n      -      0       bounce
		defer                unix  -       -      n      -      0       bounce
		trace                unix  -       -      n      -      0       bounce
		verify               unix  -       -      n      -      1       verify
		flush                unix  n       -      n      1000?  0       flush
		proxymap             unix  -       -      n      -      -       proxymap
		proxywrite           unix  -       -      n      -      1       proxymap
		smtp                 unix  -       -      n      -      -       smtp
		relay                unix  -       -      n      -      -       smtp
		showq                unix  n       -      n      -      -       showq
		error                unix  -       -      n      -      -       error
		retry                unix  -       -      n      -      -       error
		discard              unix  -       -      n      -      -       discard
		local                unix  -       n      n      -      -       local
		virtual              unix  -       n      n      -      -       virtual
		lmtp                 unix  -       -      n      -      -       lmtp
		anvil                unix  -       -      n      -      1       anvil
		scache               unix  -       -      n      -      1       scache
		postlog              unix-dgram n  -      n      -      1       postlogd
	EOF
	if [ "${MAILSRV_DKIM:-0}" = 1 ]; then
		# A unit's mail server: mail submitted here is signed, then passed on
		# to the SMTP port (whose verifier adds Authentication-Results) by a
		# client that does not call itself mx.mailsrv.test (no "loops back").
		cat >>"$PF_CONF/master.cf" <<-EOF
			127.0.0.1:$SUBMIT_PORT inet n     -      n      -      -       smtpd
			  -o smtpd_milters=inet:127.0.0.1:$DKIM_SIGN_PORT
			  -o milter_default_action=tempfail
			  -o content_filter=unitmx:[127.0.0.1]:$SMTP_PORT
			unitmx               unix  -       -      n      -      -       smtp
			  -o myhostname=mx.unit.mailsrv.test
		EOF
	fi
	chmod 644 "$PF_CONF/main.cf" "$PF_CONF/master.cf"
	backdate "$PF_CONF/main.cf" "$PF_CONF/master.cf"
}

# The smtpd options of the SMTP port: the verifier milter with MAILSRV_DKIM=1.
dkim_verify_opts() {
	if [ "${MAILSRV_DKIM:-0}" = 1 ]; then
		echo "-o smtpd_milters=inet:127.0.0.1:$DKIM_VERIFY_PORT -o milter_default_action=tempfail"
	fi
}

# Write DIR/env, read by tests (". DIR/env") and by mailtool.py --env.
write_env() {
	cat >"$DIR/env.tmp" <<-EOF
		MS_DIR=$DIR
		MS_HOST=127.0.0.1
		MS_IMAP_PORT=$IMAP_PORT
		MS_IMAPS_PORT=$IMAPS_PORT
		MS_LMTP_PORT=$LMTP_PORT
		MS_SMTP_PORT=$SMTP_PORT
		MS_CA=$DIR/ca.pem
		MS_PASSWORD=$PASSWORD
		MS_IMAP_SERVER=$IMAP_SERVER
	EOF
	if [ "${MAILSRV_DKIM:-0}" = 1 ]; then
		cat >>"$DIR/env.tmp" <<-EOF
			MS_SUBMIT_PORT=$SUBMIT_PORT
			MS_AUTHSERV_ID=$AUTHSERV_ID
		EOF
	fi
	mv "$DIR/env.tmp" "$DIR/env"
}

# Fail unless every ancestor of DIR lets the unprivileged mail users through.
check_traversable() {
	local d=$DIR mode
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		mode=$(stat -c %A "$d")
		case "$mode" in
		*x | *t) ;;
		*) die "$d is not searchable by others (mode $mode); Dovecot and Postfix users need it" ;;
		esac
	done
}

# Print the last lines of the instance's logs, to explain a failure.
show_logs() {
	local f
	for f in "$DIR/dovecot.log" "$DIR/opendkim.log" "$DIR/cyrus-start.log" "$CY_DIR/master.log" "$DIR/postfix.log" "$DIR/postfix-start.log"; do
		[ -s "$f" ] || continue
		echo "----- tail of $f" >&2
		tail -n 25 "$f" >&2
	done
}

# Stop this instance's Postfix and Dovecot and wait until all their processes are
# gone; kill leftovers.  Fine when nothing runs or DIR is half made.
stop_instance() {
	local pid rc=0
	# Each stop command waits for its master to exit (Dovecot's takes 2-3 s):
	# run them side by side.
	pid=$(postfix_pid)
	if [ -n "$pid" ]; then
		register_instance add
		{ postfix -c "$PF_CONF" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true; } &
	fi
	pid=$(dovecot_pid)
	if [ -n "$pid" ]; then
		{ dovecot -c "$DC_CONF" stop >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true; } &
	fi
	if [ -f "$CY_DIR/imapd.conf" ]; then
		{ bash "$CYRUS_SH" stop "$CY_DIR" || log "Cyrus in $CY_DIR did not stop"; } &
	fi
	if [ -d "$DK_DIR" ]; then
		stop_dkim &
	fi
	wait
	if ! wait_gone "$STOP_TIMEOUT"; then
		log "processes still running after ${STOP_TIMEOUT}s, killing: $(instance_pids | tr '\n' ' ')"
		instance_pids | xargs -r kill -KILL 2>/dev/null || true
		wait_gone 5 || rc=1
	fi
	rm -f "$DC_BASE/master.pid"
	if [ -d "$DIR" ]; then
		register_instance remove
	fi
	return $rc
}

# Called on any failure during start: show the logs and stop what was started.
start_failed() {
	trap - EXIT
	log "start failed in $DIR"
	show_logs
	stop_instance || true
	exit 1
}

# Start Cyrus (cyrus.sh, in DIR/cyrus) on the instance's ports; it reads the
# instance's certificate from copies that its user may read.
start_cyrus() {
	mkdir -p "$CY_DIR/tls"
	cp "$TLS_DIR/server.pem" "$TLS_DIR/server.key" "$CY_DIR/tls/"
	chown -R cyrus "$CY_DIR/tls"
	chmod 700 "$CY_DIR/tls"
	bash "$CYRUS_SH" start "$CY_DIR" "$IMAP_PORT"
}

# Start Dovecot (or Cyrus) and Postfix for DIR on BASEPORT, wait for all
# listeners, write env.
cmd_start() {
	local port deadline missing why
	# A previous run may have left processes or stale pid files: start afresh.
	stop_instance || die "could not stop the old instance in $DIR"
	DKIM_PORTS=""
	if [ "${MAILSRV_DKIM:-0}" = 1 ]; then
		DKIM_PORTS="$SUBMIT_PORT $DKIM_SIGN_PORT $DKIM_VERIFY_PORT"
	fi
	for port in "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$SMTP_PORT" $DKIM_PORTS; do
		if port_open "$port"; then
			die "port $port on 127.0.0.1 is already in use (pick another BASEPORT)"
		fi
	done
	IMAP_SERVER=${MAILSRV_IMAP:-dovecot}
	case "$IMAP_SERVER" in
	dovecot) ;;
	cyrus) why=$(bash "$CYRUS_SH" check) || die "MAILSRV_IMAP=cyrus: $why" ;;
	*) die "MAILSRV_IMAP must be dovecot or cyrus: $IMAP_SERVER" ;;
	esac
	trap start_failed EXIT

	mkdir -p "$DIR" "$DIR/mail" "$PF_QUEUE" "$PF_DATA" "$DC_STATE"
	chmod 755 "$DIR" "$PF_QUEUE"
	check_traversable
	chown "$MAIL_USER:$MAIL_USER" "$DIR/mail"
	chmod 700 "$DIR/mail"
	chown postfix:postfix "$PF_DATA"
	chmod 700 "$PF_DATA"
	rm -f "$DIR/env"

	make_certs
	if [ "${MAILSRV_DKIM:-0}" = 1 ]; then
		start_dkim
	else
		rm -rf "$DK_DIR"
	fi
	write_postfix_conf
	register_instance add

	# The daemons must not inherit our stdout: a caller reading it through a pipe
	# would wait for them forever.
	if [ "$IMAP_SERVER" = cyrus ]; then
		rm -f "$DC_CONF"
		start_cyrus </dev/null >>"$DIR/cyrus-start.log" 2>&1
	else
		rm -rf "$CY_DIR"
		write_dovecot_conf
		dovecot -c "$DC_CONF" </dev/null >>"$DIR/dovecot.log" 2>&1
	fi
	# "postfix start" checks and creates the queue, warning about the private
	# paths: keep that out of the tests' output.
	postfix -c "$PF_CONF" start </dev/null >"$DIR/postfix-start.log" 2>&1

	deadline=$((SECONDS + START_TIMEOUT))
	while :; do
		missing=""
		for port in "$IMAP_PORT" "$IMAPS_PORT" "$LMTP_PORT" "$SMTP_PORT" $DKIM_PORTS; do
			port_open "$port" || missing="$missing $port"
		done
		[ -n "$missing" ] || break
		if [ $SECONDS -ge $deadline ]; then
			log "ports not listening after ${START_TIMEOUT}s:$missing"
			false
		fi
		sleep 0.1
	done
	write_env
	trap - EXIT
	log "started in $DIR ($IMAP_SERVER): IMAP $IMAP_PORT, IMAPS $IMAPS_PORT, LMTP $LMTP_PORT, SMTP $SMTP_PORT"
}

# Report whether the instance runs: exit 0 both, 1 neither, 2 only one of them
# (the IMAP server is Cyrus where DIR/cyrus has its configuration).
cmd_status() {
	local d p name=dovecot
	if [ -f "$CY_DIR/imapd.conf" ]; then
		name=cyrus
		d=$(bash "$CYRUS_SH" status "$CY_DIR" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
	else
		d=$(dovecot_pid)
	fi
	p=$(postfix_pid)
	echo "$name: $([ -n "$d" ] && echo "running (pid $d)" || echo stopped)"
	echo "postfix: $([ -n "$p" ] && echo "running (pid $p)" || echo stopped)"
	if [ -n "$d" ] && [ -n "$p" ]; then return 0; fi
	if [ -z "$d" ] && [ -z "$p" ]; then return 1; fi
	return 2
}

# Print the first base port from $1 on, in steps of 10, whose four ports nothing
# listens on (ports in TIME_WAIT from an earlier run count as free, as for the servers).
cmd_freeport() {
	/usr/bin/python3 - "$1" <<-'EOF'
		import socket, sys
		base = int(sys.argv[1])
		def free(port):
		    with socket.socket() as s:
		        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		        try:
		            s.bind(("127.0.0.1", port))
		            return True
		        except OSError:
		            return False
		while not all(free(base + i) for i in range(4)):
		    base += 10
		print(base)
	EOF
}

# Dispatch the subcommand.
main() {
	if [ "${1:-}" = freeport ]; then
		[ $# -eq 2 ] || usage
		cmd_freeport "$2"
		return
	fi
	[ $# -ge 2 ] || usage
	[ "$(id -u)" = 0 ] || die "must run as root (Dovecot and Postfix switch users)"
	local cmd=$1
	# Turn signals into a normal exit, so that start's EXIT trap cleans up.
	trap 'exit 1' INT TERM
	set_paths "$2"
	case "$cmd" in
	start)
		[ $# -le 3 ] || usage
		set_ports "${3:-$DEFAULT_BASEPORT}"
		cmd_start
		;;
	stop)
		[ $# -eq 2 ] || usage
		stop_instance || die "processes of $DIR did not go away"
		;;
	status)
		[ $# -eq 2 ] || usage
		cmd_status
		;;
	*) usage ;;
	esac
}

main "$@"
