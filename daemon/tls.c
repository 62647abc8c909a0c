/* tls.c - TCP connect and a verifying GnuTLS mailstream_low driver; see tls.h. */
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/gnutls.h>

#include "log.h"

/* Used when the endpoint gives no timeout. */
#define TLS_DEFAULT_TIMEOUT 60

struct tls_data {
	int fd;
	gnutls_session_t session;
	gnutls_certificate_credentials_t cred;
	int timeout_ms;
};

/* Seconds from the endpoint, or the default, as milliseconds. */
static int
tls_timeout_ms(const struct net_endpoint *ep)
{
	return (ep->timeout > 0 ? ep->timeout : TLS_DEFAULT_TIMEOUT) * 1000;
}

/* Milliseconds now, on a clock that does not jump. */
static long long
tls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes; 1 ready, 0 timeout, -1 error. */
static int
tls_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int r;

	for (;;) {
		long long left = deadline - tls_now_ms();
		if (left <= 0)
			return 0;
		r = poll(&pfd, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			return 0;
		return 1;
	}
}

/* Set or clear O_NONBLOCK on fd. */
static int
tls_set_nonblock(int fd, int on)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0)
		return -1;
	flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
	return fcntl(fd, F_SETFL, flags);
}

/* Connect one resolved address within the timeout; fd or -1 with errno set. */
static int
tls_connect_addr(const struct addrinfo *ai, int timeout_ms)
{
	int fd, err = 0;
	socklen_t len = sizeof err;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
	if (fd < 0)
		return -1;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		switch (tls_wait(fd, POLLOUT, tls_now_ms() + timeout_ms)) {
		case 0:
			errno = ETIMEDOUT;
			goto fail;
		case -1:
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			goto fail;
		if (err != 0) {
			errno = err;
			goto fail;
		}
	}
	/* libetpan's plain socket driver expects a blocking descriptor. */
	if (tls_set_nonblock(fd, 0) < 0)
		goto fail;
	return fd;

fail:
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

/* Resolve ep->host and connect to the first address that answers. */
int
tls_tcp_connect(const struct net_endpoint *ep, char **cause)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
	struct addrinfo *res, *ai;
	char port[16];
	int fd = -1, r, err = ECONNREFUSED;

	snprintf(port, sizeof port, "%d", ep->port);
	hints.ai_flags = AI_ADDRCONFIG;
	r = getaddrinfo(ep->host, port, &hints, &res);
	if (r != 0) {
		*cause = g_strdup_printf("cannot resolve %s: %s", ep->host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = tls_connect_addr(ai, tls_timeout_ms(ep));
		if (fd >= 0)
			break;
		err = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		*cause = g_strdup_printf("cannot connect to %s:%d: %s", ep->host, ep->port,
		                         g_strerror(err));
	return fd;
}

/* Read decrypted bytes; 0 at end of stream, -1 on error or timeout. */
static ssize_t
tls_read(mailstream_low *low, void *buf, size_t count)
{
	struct tls_data *t = low->data;
	long long deadline = tls_now_ms() + t->timeout_ms;
	ssize_t r;

	for (;;) {
		r = gnutls_record_recv(t->session, buf, count);
		if (r >= 0)
			return r;
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			if (tls_wait(t->fd, POLLIN, deadline) <= 0)
				return -1;
			continue;
		}
		/* e.g. a TLS 1.2 renegotiation request: a client may ignore it */
		if (!gnutls_error_is_fatal(r))
			continue;
		log_debug("tls", "read: %s", gnutls_strerror((int)r));
		return -1;
	}
}

/* Write bytes through the session; count written, or -1 on error or timeout. */
static ssize_t
tls_write(mailstream_low *low, const void *buf, size_t count)
{
	struct tls_data *t = low->data;
	long long deadline = tls_now_ms() + t->timeout_ms;
	ssize_t r;

	for (;;) {
		r = gnutls_record_send(t->session, buf, count);
		if (r >= 0)
			return r;
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) {
			if (tls_wait(t->fd, POLLOUT, deadline) <= 0)
				return -1;
			continue;
		}
		log_debug("tls", "write: %s", gnutls_strerror((int)r));
		return -1;
	}
}

/* Send close_notify without waiting for the peer, then close the socket. */
static int
tls_close(mailstream_low *low)
{
	struct tls_data *t = low->data;

	if (t->fd >= 0) {
		gnutls_bye(t->session, GNUTLS_SHUT_WR);
		close(t->fd);
		t->fd = -1;
	}
	return 0;
}

/* The socket, for polling. */
static int
tls_get_fd(mailstream_low *low)
{
	struct tls_data *t = low->data;

	return t->fd;
}

/* Release the session and credentials (the socket is closed by tls_close). */
static void
tls_data_free(struct tls_data *t)
{
	if (t->session != NULL)
		gnutls_deinit(t->session);
	if (t->cred != NULL)
		gnutls_certificate_free_credentials(t->cred);
	g_free(t);
}

/* libetpan's free hook: the driver frees the mailstream_low itself. */
static void
tls_free(mailstream_low *low)
{
	tls_data_free(low->data);
	low->data = NULL;
	free(low);
}

/* No cancellation support: mailstream_wait_idle is not used with this driver. */
static struct mailstream_cancel *
tls_get_cancel(mailstream_low *low)
{
	return NULL;
}

/* Not needed: the certificate is checked during the handshake. */
static carray *
tls_get_certificate_chain(mailstream_low *low)
{
	return NULL;
}

/* -1 tells libetpan that idling is done with poll on the descriptor. */
static int
tls_idle_hook(mailstream_low *low)
{
	return -1;
}

static mailstream_low_driver tls_driver = {
    .mailstream_read = tls_read,
    .mailstream_write = tls_write,
    .mailstream_close = tls_close,
    .mailstream_get_fd = tls_get_fd,
    .mailstream_free = tls_free,
    .mailstream_cancel = NULL,
    .mailstream_get_cancel = tls_get_cancel,
    .mailstream_get_certificate_chain = tls_get_certificate_chain,
    .mailstream_setup_idle = tls_idle_hook,
    .mailstream_unsetup_idle = tls_idle_hook,
    .mailstream_interrupt_idle = tls_idle_hook,
};

/* Describe why the server certificate was refused. */
static char *
tls_verify_cause(struct tls_data *t, const char *host)
{
	unsigned status = gnutls_session_get_verify_cert_status(t->session);
	gnutls_datum_t out = {NULL, 0};
	char *cause;

	if (gnutls_certificate_verification_status_print(
	        status, gnutls_certificate_type_get(t->session), &out, 0) < 0)
		return g_strdup_printf("certificate verification failed for %s", host);
	cause = g_strdup_printf("certificate verification failed for %s: %s", host,
	                        g_strstrip((char *)out.data));
	gnutls_free(out.data);
	return cause;
}

/* Run the handshake within the deadline; 0 or a GnuTLS error code. */
static int
tls_handshake(struct tls_data *t)
{
	long long deadline = tls_now_ms() + t->timeout_ms;
	int r;

	for (;;) {
		r = gnutls_handshake(t->session);
		if (r == GNUTLS_E_SUCCESS)
			return 0;
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED ||
		    (r < 0 && !gnutls_error_is_fatal(r))) {
			short ev = gnutls_record_get_direction(t->session) ? POLLOUT : POLLIN;
			if (tls_wait(t->fd, ev, deadline) <= 0)
				return GNUTLS_E_TIMEDOUT;
			continue;
		}
		return r;
	}
}

/* Credentials: the CA file when given, else the system trust store. */
static int
tls_load_trust(struct tls_data *t, const struct net_endpoint *ep, char **cause)
{
	int r;

	r = gnutls_certificate_allocate_credentials(&t->cred);
	if (r < 0) {
		*cause = g_strdup_printf("TLS credentials: %s", gnutls_strerror(r));
		return -1;
	}
	if (ep->ca_file != NULL && *ep->ca_file != '\0') {
		r = gnutls_certificate_set_x509_trust_file(t->cred, ep->ca_file,
		                                           GNUTLS_X509_FMT_PEM);
		if (r <= 0) {
			*cause = g_strdup_printf("cannot load CA file %s: %s", ep->ca_file,
			                         r < 0 ? gnutls_strerror(r) : "no certificates");
			return -1;
		}
	} else {
		r = gnutls_certificate_set_x509_system_trust(t->cred);
		if (r < 0 && ep->verify) {
			*cause = g_strdup_printf("cannot load the system trust store: %s",
			                         gnutls_strerror(r));
			return -1;
		}
	}
	return 0;
}

/* Nonzero when host is an IPv4 or IPv6 literal (not sent as SNI). */
static int
tls_is_ip_literal(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* Handshake on fd and wrap the session as a libetpan low-level stream. */
mailstream_low *
tls_open(int fd, const struct net_endpoint *ep, char **cause)
{
	struct tls_data *t = g_new0(struct tls_data, 1);
	mailstream_low *low;
	int r;

	t->fd = fd;
	t->timeout_ms = tls_timeout_ms(ep);
	errno = 0;
	if (tls_load_trust(t, ep, cause) < 0)
		goto fail;
	r = gnutls_init(&t->session, GNUTLS_CLIENT | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
	if (r < 0) {
		t->session = NULL;
		*cause = g_strdup_printf("TLS init: %s", gnutls_strerror(r));
		goto fail;
	}
	if ((r = gnutls_set_default_priority(t->session)) < 0 ||
	    (r = gnutls_credentials_set(t->session, GNUTLS_CRD_CERTIFICATE, t->cred)) < 0) {
		*cause = g_strdup_printf("TLS setup: %s", gnutls_strerror(r));
		goto fail;
	}
	if (!tls_is_ip_literal(ep->host))
		gnutls_server_name_set(t->session, GNUTLS_NAME_DNS, ep->host, strlen(ep->host));
	if (ep->verify)
		gnutls_session_set_verify_cert(t->session, ep->host, 0);
	gnutls_transport_set_int(t->session, fd);
	if (tls_set_nonblock(fd, 1) < 0) {
		*cause = g_strdup_printf("TLS setup: %s", g_strerror(errno));
		goto fail;
	}

	r = tls_handshake(t);
	if (r == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR) {
		*cause = tls_verify_cause(t, ep->host);
		tls_data_free(t);
		errno = EPERM;
		return NULL;
	}
	if (r < 0) {
		*cause = g_strdup_printf("TLS handshake with %s:%d failed: %s", ep->host, ep->port,
		                         gnutls_strerror(r));
		goto fail;
	}
	if (!ep->verify)
		log_debug("tls", "%s:%d: certificate not verified (verify off)", ep->host,
		          ep->port);

	low = mailstream_low_new(t, &tls_driver);
	if (low == NULL)
		log_fatal("out of memory");
	return low;

fail:
	tls_data_free(t);
	errno = EIO;
	return NULL;
}

/* Decrypted bytes already held by GnuTLS, which poll() on the socket cannot see. */
int
tls_pending(mailstream_low *low)
{
	struct tls_data *t;

	if (low == NULL || low->driver != &tls_driver)
		return 0;
	t = low->data;
	return gnutls_record_check_pending(t->session) > 0;
}

/* Open the transport the endpoint asks for. */
mailstream *
tls_stream_open(const struct net_endpoint *ep, size_t bufsize, enum net_result *res, char **cause)
{
	mailstream_low *low;
	mailstream *s;
	int fd;

	fd = tls_tcp_connect(ep, cause);
	if (fd < 0) {
		*res = NET_RETRY;
		return NULL;
	}
	if (ep->security == NET_TLS) {
		low = tls_open(fd, ep, cause);
		if (low == NULL) {
			*res = errno == EPERM ? NET_NO : NET_RETRY;
			close(fd);
			return NULL;
		}
		s = mailstream_new(low, bufsize);
	} else {
		s = mailstream_socket_open_timeout(fd, ep->timeout > 0 ? ep->timeout : 0);
	}
	if (s == NULL)
		log_fatal("out of memory");
	return s;
}

/* Swap a stream's socket driver for TLS after STARTTLS. */
enum net_result
tls_stream_upgrade(mailstream *stream, const struct net_endpoint *ep, char **cause)
{
	mailstream_low *low = mailstream_get_low(stream), *tls;

	/* bytes read ahead were sent in plain text before the handshake and could
	   have been injected (CVE-2020-15953) */
	if (stream->read_buffer_len != 0) {
		*cause =
		    g_strdup_printf("%s:%d: server sent data after the STARTTLS reply; refusing",
		                    ep->host, ep->port);
		return NET_NO;
	}
	tls = tls_open(mailstream_low_get_fd(low), ep, cause);
	if (tls == NULL)
		return errno == EPERM ? NET_NO : NET_RETRY;
	/* frees the socket driver's data without closing the fd, now the TLS layer's */
	mailstream_low_free(low);
	mailstream_set_low(stream, tls);
	return NET_OK;
}
