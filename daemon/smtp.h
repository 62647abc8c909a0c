/*
 * smtp.h - sending mail over SMTP with libetpan.
 *
 * One smtp_conn is one session: connect, EHLO, STARTTLS or implicit TLS as
 * the endpoint says (certificate verified, see net.h), AUTH when a login is
 * given.  smtp_send() sends one message with its own envelope and returns
 * NET_OK only after the server's 250 for the data; NET_NO for a permanent
 * refusal (5xx) and NET_RETRY for anything temporary (4xx, network).  After
 * NET_RETRY the connection is unusable and must be freed.
 */
#ifndef PHIEU_SMTP_H
#define PHIEU_SMTP_H

#include <stddef.h>

#include "net.h"

struct smtp_conn;

/* Connect, greet (EHLO helo), secure and authenticate (login may be NULL). */
struct smtp_conn *smtp_connect(const struct net_endpoint *ep, const char *helo, const char *login,
                               const char *password, enum net_result *res, char **cause);
/* Send data (CRLF line ends) from envelope sender to the n recipients. */
enum net_result smtp_send(struct smtp_conn *c, const char *from, const char *const *rcpt, size_t n,
                          const char *data, size_t len, char **cause);
/* QUIT, close and free; returns NULL. */
struct smtp_conn *smtp_free(struct smtp_conn *c);

#endif
