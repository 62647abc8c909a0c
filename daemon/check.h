/*
 * check.h - `phieud -n --check-servers`: what the mail servers let phieud do.
 *
 * check_servers() logs in to every configured mailbox and runs the commands
 * the daemon will run there: SELECT of the folder, the PERMANENTFLAGS test
 * for the keyword, the very UID SEARCH for unmarked mail, a UID STORE of a
 * test keyword (set and taken off again on the newest message, when there is
 * one), and for mark = "move" the folder's name on the server (NAMESPACE) and
 * whether it exists; then it connects to the SMTP server and authenticates.
 * Nothing is fetched, marked, moved, created or sent.  One line per check on
 * stdout, "ok" or "FAILED" and why.  Returns the exit status: 0 when all
 * worked, 2 when a server refused something (the configuration or the server
 * must change), 75 when a server could not be reached.
 */
#ifndef PHIEU_CHECK_H
#define PHIEU_CHECK_H

#include "config.h"

/* Run the checks of every mailbox and of SMTP; the exit status. */
int check_servers(const struct config *cfg);

#endif
