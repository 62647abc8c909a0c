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
 * A reading owns everything; reading_free() releases it.  The reading
 * travels between the parse worker and the daemon as JSON
 * (reading_to_json / reading_from_json).  No I/O.
 */
#ifndef PHIEU_ATTACH_H
#define PHIEU_ATTACH_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "doc.h"
#include "fields.h"
#include "message.h"
#include "ocr.h"

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

/* What happened to one part. */
struct part_report {
	char *filename; /* may be NULL */
	char *content_type;
	const char *reader; /* "docx", "pdf_text", "ocr", … or NULL when skipped */
	enum doc_status status;
	char *cause; /* when not read */
	int fields;  /* fields it gave */
	gsize size;
};

struct reading {
	struct fields_result *fx; /* merged; fx->doubtful holds doubtful and conflicting keys */
	JsonObject *sources;      /* key -> "body", "docx", … */
	const char *source;       /* the one source of all fields, or "mixed" */
	GPtrArray *parts;         /* struct part_report* */
	GPtrArray *conflicts;     /* char*: "contact_phone: docx 0905… / body 0914…" */
	char *forwarded_from;     /* sender of the innermost forwarded message, or NULL */
	char *forwarded_id;       /* its Message-ID (an attached message), or NULL */
	char *forwarded_subject;  /* its subject, or NULL */
	gboolean needs_person;    /* a part that may hold the form could not be read */
};

/* The default options: doc.h's limits, OCR on in "vie+eng", doubtful under 70. */
void attach_opts_default(struct attach_opts *o);
/* Whether any part of the message needs a document reader (DOCX, PDF, a scan,
   an attached message…): a message without one is cheap to read. */
gboolean attach_has_documents(const struct message *m);
/* Read a parsed message and its parts. */
struct reading *attach_read(const struct message *m, const struct attach_opts *o);
/* The reading as JSON, and back (NULL when the JSON is not a reading). */
JsonObject *reading_to_json(const struct reading *r);
struct reading *reading_from_json(JsonObject *o);
struct reading *reading_free(struct reading *r);

#endif
