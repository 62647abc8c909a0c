/*
 * reading.h - what reading one message gave: the merged fields with their
 * sources, what happened to each part, conflicts, and the forwarded
 * message's sender, id and subject.
 *
 * attach_read() (attach.h) fills a reading; it travels from the reader
 * process to the daemon as JSON (reading_to_json / reading_from_json, which
 * returns NULL when the JSON is not a reading).  A reading owns everything
 * it points to; reading_free() releases it.  No I/O, and nothing here reads
 * documents: rules/ uses this without linking the document readers.
 */
#ifndef PHIEU_READING_H
#define PHIEU_READING_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "doc.h"
#include "fields.h"

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
	struct fields_result *fx;   /* merged; fx->doubtful holds doubtful and conflicting keys */
	JsonObject *sources;        /* key -> "body", "docx", … */
	const char *source;         /* the one source of all fields, or "mixed" */
	GPtrArray *parts;           /* struct part_report* */
	GPtrArray *conflicts;       /* char*: "contact_phone: docx 0905… / body 0914…" */
	char *forwarded_from;       /* sender of the innermost forwarded message, or NULL */
	char *forwarded_id;         /* its Message-ID (an attached message), or NULL */
	char *forwarded_subject;    /* its subject, or NULL */
	gboolean forwarded_unnamed; /* a forwarded message deeper than forwarded_from's
	                               names its writer without an address */
	gboolean needs_person;      /* a part that may hold the form could not be read */
	char *document_text;        /* the text of the documents and scans read, for search
	                               (at most READING_DOCUMENT_TEXT_MAX bytes), or NULL */
};

/* The most text of a message's documents a reading keeps. */
#define READING_DOCUMENT_TEXT_MAX (256 * 1024)

/* An empty reading (no fields, source "body"). */
struct reading *reading_new(void);
/* The reading as JSON, and back (NULL when the JSON is not a reading). */
JsonObject *reading_to_json(const struct reading *r);
/* What was done with each attachment: the "parts" member of that JSON. */
JsonArray *reading_parts_json(const struct reading *r);
struct reading *reading_from_json(JsonObject *o);
/* Release; returns NULL. */
struct reading *reading_free(struct reading *r);

#endif
