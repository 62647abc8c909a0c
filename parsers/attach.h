/*
 * attach.h - a whole message read: its body and every attachment that may
 * hold the form, merged into one set of fields.
 *
 * attach_read() picks a reader for each part by what it is (content type,
 * file name, the first bytes: DOCX, ODT, XLSX, CSV, PDF with text, scanned
 * images and image-only PDFs through OCR, attached messages), reads the
 * fields of each text with fields_extract(), and merges them by a stated
 * precedence: a typed document (DOCX, ODT, PDF text, XLSX, CSV) first, then
 * the body, then OCR.  A key found with different values in two sources is
 * a conflict: kept from the higher source, listed in conflicts and in
 * doubtful.  Each field remembers its source.  Parts that cannot be read
 * (legacy .doc, over a limit, broken) are listed with the reason; the rest
 * of the message is still used.
 *
 * Forwards: the body is cut into levels by forward_split() (forward.h); the
 * innermost forwarded message is read as the body, every level above it is
 * a forwarder's note that only fills gaps and never gives the contact
 * (name, phone, e-mail, unit, date, description) nor a conflict.  An
 * attached message (message/rfc822) is a forward too: its parts are read,
 * and the body above it is a note when the subject says forward or the
 * attached message gives more fields.  forwarded_from is the sender of the
 * deepest forwarded message that names an address.
 *
 * Replies: the innermost text is cut by forward_history() into the reply's
 * own text, read as the body, and the earlier messages it quotes, which
 * fill only the gaps the own text leaves (the one with the most labelled
 * fields first), and are not read when the own text is a whole form again
 * (three labelled lines or more).  A mail text read as sentences (few
 * labels, fields.h) beside a document or scan giving three fields or more
 * covers that form: it too only fills the form's gaps, and its sentence is
 * no description.
 *
 * The result is a struct reading (reading.h).  No I/O.
 */
#ifndef PHIEU_ATTACH_H
#define PHIEU_ATTACH_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "doc.h"
#include "fields.h"
#include "message.h"
#include "ocr.h"
#include "reading.h"

struct attach_opts {
	struct doc_limits limits;
	struct ocr_opts ocr;
	gboolean ocr_enabled;
	double doubt_below; /* OCR line confidence (0..100) under which fields are doubtful */
	const char *domain; /* "danang.gov.vn" */
	/* set: no document is read, each is reported refused with this cause
	   (the quick pass: the body and attached messages are still read) */
	const char *documents_refused;
};

/* The default options: doc.h's limits, OCR on in "vie+eng", doubtful under 70. */
void attach_opts_default(struct attach_opts *o);
/* Whether any part of the message needs a document reader (DOCX, PDF, a scan,
   an attached message…): a message without one is cheap to read. */
gboolean attach_has_documents(const struct message *m);
/* Read a parsed message and its parts. */
struct reading *attach_read(const struct message *m, const struct attach_opts *o);

#endif
