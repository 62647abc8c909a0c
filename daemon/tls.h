/*
 * tls.h - a libetpan mailstream_low driver over GnuTLS that verifies.
 *
 * libetpan's own TLS layer does not check the server certificate.  This
 * driver does the handshake itself with GnuTLS, verifies the chain against
 * the system trust store (or a CA file) and the host name (SNI is sent), and
 * then hands libetpan a mailstream_low that reads and writes through the
 * TLS session.  It owns the socket and the session: closing the stream
 * closes both.  Used for implicit TLS (wrap a fresh socket) and for
 * STARTTLS (wrap the socket of an existing stream after the command).
 */
#ifndef PHIEU_TLS_H
#define PHIEU_TLS_H

#include <libetpan/libetpan.h>

#include "net.h"

/* TCP connect to ep->host:ep->port within ep->timeout; a blocking fd, or -1 with *cause. */
int tls_tcp_connect(const struct net_endpoint *ep, char **cause);
/* Handshake on fd and return a low-level stream, or NULL with *cause set; on failure
   fd stays the caller's, and errno is EPERM when the certificate was refused. */
mailstream_low *tls_open(int fd, const struct net_endpoint *ep, char **cause);
/* Connect as the endpoint says (plain, or implicit TLS) and return a
   mailstream with a read buffer of bufsize; NULL with *res and *cause. */
mailstream *tls_stream_open(const struct net_endpoint *ep, size_t bufsize, enum net_result *res,
                            char **cause);
/* After a STARTTLS command succeeded: refuse bytes read ahead in plain text
   (an injection), then swap the stream's socket driver for a verified TLS
   one.  NET_NO for an injection or a refused certificate. */
enum net_result tls_stream_upgrade(mailstream *stream, const struct net_endpoint *ep, char **cause);
/* Nonzero when decrypted bytes are waiting in the TLS layer (poll won't tell). */
int tls_pending(mailstream_low *low);

#endif
