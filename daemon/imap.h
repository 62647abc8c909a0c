/*
 * imap.h - the IMAP side of intake, over libetpan.
 *
 * One imap_conn is one logged-in session on one mailbox folder.  The
 * connection owns its libetpan session; imap_free() logs out and closes.
 * Every call that talks to the server returns enum net_result: NET_OK,
 * NET_NO (the server refused: bad login, no such folder) or NET_RETRY
 * (network trouble; the caller drops the connection and reconnects later
 * with backoff).  Nothing here deletes mail: messages are only read with
 * BODY.PEEK and then flagged or moved by imap_mark().
 *
 * Fetching is batched: imap_fetch() sends one UID FETCH for a whole set of
 * UIDs and calls back once per message, in UID order.
 */
#ifndef PHIEU_IMAP_H
#define PHIEU_IMAP_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "net.h"

struct imap_conn;

/* Called once per fetched message with its bytes (ref them to keep them);
   a nonzero return stops the fetch. */
typedef int (*imap_message_fn)(uint32_t uid, GBytes *data, void *arg);

/* Connect (with TLS as the endpoint says), log in; NULL with *cause on error. */
struct imap_conn *imap_connect(const struct net_endpoint *ep, const char *login,
                               const char *password, enum net_result *res, char **cause);
/* SELECT folder; report its UIDVALIDITY. */
enum net_result imap_select(struct imap_conn *c, const char *folder, uint32_t *uidvalidity,
                            char **cause);
/* The server's name for a configured folder: the personal namespace's prefix
   (RFC 2342) added where the name lacks it, "/" as the server's delimiter. */
enum net_result imap_folder_name(struct imap_conn *c, const char *folder, const char **out,
                                 char **cause);
/* Whether folder exists: 1 yes, 0 no, -1 with *cause. */
int imap_folder_exists(struct imap_conn *c, const char *folder, char **cause);
/* Set keyword on one message and remove it again: can this session mark? */
enum net_result imap_try_keyword(struct imap_conn *c, uint32_t uid, const char *keyword,
                                 char **cause);
/* Nonzero when the selected folder's PERMANENTFLAGS let keyword be kept. */
int imap_keeps_keyword(struct imap_conn *c, const char *keyword);
/* UIDs greater than after_uid that do not carry keyword (NULL: any), ascending;
   the keyword goes out as an atom, never quoted. */
enum net_result imap_search_new(struct imap_conn *c, uint32_t after_uid, const char *keyword,
                                uint32_t **uids, size_t *n, char **cause);
/* UID FETCH RFC822.SIZE for the n UIDs in one command: sizes[i] of uids[i],
   0 for a UID the server did not answer for. */
enum net_result imap_sizes(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t *sizes,
                           char **cause);
/* UID FETCH BODY.PEEK[] (partial > 0: only the first partial bytes,
   BODY.PEEK[]<0.partial>) for the n UIDs in one command; fn per message in
   UID order.  A UID the server does not answer for is left out. */
enum net_result imap_fetch(struct imap_conn *c, const uint32_t *uids, size_t n, uint32_t partial,
                           imap_message_fn fn, void *arg, char **cause);
/* Mark processed: add keyword, and if folder is set move there (MOVE, or COPY when
   the server lacks MOVE: then the original only keeps the keyword). */
enum net_result imap_mark(struct imap_conn *c, const uint32_t *uids, size_t n, const char *keyword,
                          const char *folder, char **cause);
/* The number of messages the server last reported (SELECT, EXISTS). */
uint32_t imap_exists(struct imap_conn *c);
/* Nonzero when the server offers IDLE. */
int imap_can_idle(struct imap_conn *c);
/* Enter IDLE. */
enum net_result imap_idle_start(struct imap_conn *c, char **cause);
/* The socket to poll for readability while idling. */
int imap_idle_fd(struct imap_conn *c);
/* Nonzero when a server response is already buffered (check before polling). */
int imap_idle_buffered(struct imap_conn *c);
/* Leave IDLE (DONE) and read the tagged completion. */
enum net_result imap_idle_done(struct imap_conn *c, char **cause);
/* Log out, close and free; returns NULL. */
struct imap_conn *imap_free(struct imap_conn *c);

#endif
