/*
 * forward.h - the messages forwarded inside a body's text, cut into levels.
 *
 * forward_split() finds the forwarded messages that mail programs write into
 * the body of a forward and cuts the text into levels.  Level 0 is the
 * forwarder's own text: the note above the forwarded block and its
 * signature.  Each next level is the message forwarded in the level above,
 * without its header block, with the sender and subject that block named;
 * the last level is the innermost message, the one the unit wrote.
 *
 * The shapes recognised, as the clients write them (HTML bodies arrive here
 * already as text, see text_from_html):
 *   Gmail           "---------- Forwarded message ---------", then From:,
 *                   Date:, Subject:, To:, Cc: (the gmail_quote div in HTML)
 *   Outlook         "-----Original Message-----", or a bare block From:,
 *                   Sent: or Date:, To:, Cc:, Subject: (after a line of
 *                   underscores, or the divRplyFwdMsg div in HTML); senders
 *                   as "Name <a@b>", "Name [mailto:a@b]", or a name alone,
 *                   a From: wrapped over two lines ("Name" over "<a@b>"),
 *                   a To: or Cc: over up to six
 *   Outlook, vi     the same with Từ:, Đã gửi:, Đến:/Tới:, Chủ đề:, and
 *                   "-----Thư gốc-----"
 *   Thunderbird     "-------- Forwarded Message --------", then Subject:,
 *                   Date:, From:, To:, CC: with a tab after the colon
 *   Zimbra, Yahoo   "----- Forwarded Message -----", then From:, To:,
 *                   Sent:, Subject: (Yahoo's plain text runs them all onto
 *                   the marker's line: cut there at the labels)
 *   Apple Mail      "Begin forwarded message:", then From:, Subject:,
 *                   Date:, To:, the whole block usually quoted with "> "
 *   mutt            "----- Forwarded message from A <a@b> -----" up to
 *                   "----- End forwarded message -----"
 *   Vietnamese      "Thư chuyển tiếp", "Tin nhắn được chuyển tiếp",
 *                   "Bắt đầu thư được chuyển tiếp:" markers
 * A block quoted with "> " (or a forwarded body quoted under its headers) is
 * unquoted one level; forwards of forwards give one level each.
 *
 * A header block without a "Forwarded" marker ("-----Original Message-----",
 * a bare Outlook block) is also how replies quote their history.  It is a
 * forward when the subject says so (Fwd:, FW:, TV:, Chuyển tiếp:), history
 * when the subject is a reply's (Re:, TL:, Trả lời:, AW:), and otherwise a
 * forward only when the text above it gives fewer than three fields (a
 * note, not a request), or only a signature's fields (unit, name, phone,
 * e-mail) over a message giving two others or more.  History ("On …
 * wrote:", a reply's header block) ends the search: a forward quoted inside
 * a reply's history is not the message's own.  Signatures ("-- ") do not
 * end it: they end only the text of their own level, which fields_extract()
 * stops reading there.
 *
 * The levels own their strings; forward_levels_free() releases them.  Never
 * fails: a text with no forward is one level.  No I/O.
 */
#ifndef PHIEU_FORWARD_H
#define PHIEU_FORWARD_H

#include <glib.h>

#include "fields.h"

struct forward_level {
	char *text;        /* the level's own lines, header block removed, unquoted */
	char *from_addr;   /* sender named by the header block, lower case, or NULL */
	char *from_name;   /* its display name, or NULL */
	char *subject;     /* Subject: of the header block, or NULL (level 0: NULL) */
	const char *shape; /* "gmail", "outlook", "thunderbird", … (level 0: "note") */
};

/* What a subject's first prefix says the message is. */
enum forward_subject { FWD_SUBJECT_NONE, FWD_SUBJECT_FORWARD, FWD_SUBJECT_REPLY };

/* The levels of text (struct forward_level*, at least one); subject is the
   message's own (may be NULL), opts is used to count the fields above an
   ambiguous block. */
GPtrArray *forward_split(const char *text, const char *subject, const struct fields_opts *opts);
/* A reply's own text and its quoted history.  own gets the reply's new
   text: every line before the history begins, quoted lines ("> …") blanked
   but the answers typed between them kept.  Returned (char*, at least
   none): the earlier messages' texts, one per message, newest first, each
   without its attribution line or header block: the "> " quotes (one level
   per message), and the text under "-----Original Message-----" or an
   Outlook block (From:, Sent:, To:, Subject:) below the reply.  Used for
   the fields the new text does not give; at most FORWARD_MAX_LEVELS. */
GPtrArray *forward_history(const char *text, char **own);
/* Whether the subject marks a forward, a reply or neither. */
enum forward_subject forward_subject_kind(const char *subject);
/* Release the levels; returns NULL. */
GPtrArray *forward_levels_free(GPtrArray *levels);

#endif
