/*
 * net.h - what the IMAP and SMTP clients need to know about a server.
 *
 * A net_endpoint is filled from the configuration and owned by it; the
 * clients only read it.  Security is "none", "starttls" or "tls" (implicit
 * TLS).  With TLS the server certificate is always verified against the
 * system trust store (or ca_file) and the host name, unless verify is 0,
 * which the configuration allows only for loopback hosts.
 *
 * Results of network operations are three-way, as everywhere in the daemon:
 * NET_OK, NET_NO (permanent: the server refused, e.g. bad login, 5xx) and
 * NET_RETRY (temporary: cannot connect, timeout, 4xx).  A failed call sets
 * *cause to a malloc'ed (g_free) sentence for the log; credentials never
 * appear in it.
 */
#ifndef PHIEU_NET_H
#define PHIEU_NET_H

enum net_security { NET_PLAIN = 0, NET_STARTTLS, NET_TLS };
enum net_result { NET_OK = 0, NET_NO = 1, NET_RETRY = 2 };

struct net_endpoint {
	const char *host;
	int port;
	enum net_security security;
	int verify;          /* 1: verify certificate and host name */
	const char *ca_file; /* NULL: system trust store */
	int timeout;         /* seconds, for connect and each read/write */
};

#endif
