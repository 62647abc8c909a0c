/*
 * imap_parts.h - what the parts of the IMAP client share.  Private to
 * daemon/imap*.c:
 *   imap.c        the session: connecting, TLS, login, capabilities, SELECT,
 *                 IDLE, logging out; libetpan's results as three-way results
 *   imap_fetch.c  UID SEARCH for new messages, UID sets, UID FETCH of sizes
 *                 and bodies
 *   imap_mark.c   folders (the server's name, existence, CREATE), keywords,
 *                 MOVE or COPY
 */
#ifndef PHIEU_IMAP_PARTS_H
#define PHIEU_IMAP_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include <libetpan/libetpan.h>

#include "imap.h"

struct imap_conn {
	mailimap *imap;
	char *where;    /* "host:port", for causes */
	int broken;     /* the stream is unusable: close without LOGOUT */
	int idling;     /* IDLE sent, DONE not yet */
	char *ensured;  /* last folder known to exist (imap_mark) */
	char *named;    /* the configured folder name last resolved ... */
	char *resolved; /* ... and its name on this server (imap_folder_name) */
};

/* The server's text for the last tagged response, or a placeholder. */
const char *imap_server_text(struct imap_conn *c);
/* The response code atom of the last response (e.g. "UNAVAILABLE"), or "". */
const char *imap_response_atom(struct imap_conn *c);
/* A libetpan result r of command what as NET_OK, NET_NO (a tagged NO or
   BAD) or NET_RETRY (the stream is lost: the session is marked broken),
   with *cause set when not NET_OK. */
enum net_result imap_result(struct imap_conn *c, int r, const char *what, char **cause);
/* Refuse to talk over a session that failed earlier, or while idling. */
enum net_result imap_check_usable(struct imap_conn *c, char **cause);
/* Nonzero when s is a valid IMAP atom (keywords are sent unquoted). */
int imap_is_atom(const char *s);
/* Send one command line written here (no CR or LF in line) and read its
   answer into the session. */
enum net_result imap_command_line(struct imap_conn *c, const char *line, const char *what,
                                  char **cause);
/* A UID set for the sorted, duplicate-free uids, consecutive runs as ranges. */
struct mailimap_set *imap_uid_set(const uint32_t *sorted, size_t n);
/* Sort uids into a new array without duplicates or zeros; returns its length. */
size_t imap_sorted_uids(const uint32_t *uids, size_t n, uint32_t **out);

#endif
