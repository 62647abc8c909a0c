/*
 * fields.h - the labelled fields of a typed request form, read from text.
 *
 * fields_extract() reads the lines of a body (or of any text a form was
 * turned into) and returns what it found under DOMAIN.md's keys, values
 * normalised.  Labels are the wordings people use (several per field, in
 * Vietnamese with or without diacritics, old or new tones, in English), in
 * any case, numbered or bulleted, with remarks in brackets; the value after
 * a colon, after leaders of any character, on the line(s) below a label
 * alone, in the next cell or under a row of labels; a second field after a
 * value ("Nguyễn Thị Hoa - ĐT: 0905…").  Check boxes (☑ ☒ ✓ ☐, [x]/[ ]) on
 * the label's line or on lines under it give the ticked option, never the
 * boxes.  Headings scope the lines under them: the sub-domain's technical
 * administrator, a list of visitors or accounts.  Lists of people as tables
 * (pipes, tabs), "1. A - B - C" rows whose cells may name themselves ("CCCD
 * 0480…"), "Người 1:" blocks, repeated "Name:"/"ID:" lines, "Label: v;
 * Label: v" lines, names alone, or people after the list's label.  An
 * approval letter cited in any sentence is the approval when no label names
 * one.  Quoted history and the signature are never read.  A mail's text
 * with fewer than three labelled lines is read as sentences too (prose.h:
 * "Sở Tư pháp đề nghị tạo hộp thư cho bà …"), filling what the labels did
 * not give; the request sentence comes back as "_said".  Which request
 * type the fields belong to is not decided here: keys that depend on it (a
 * bare "Thời gian:") are returned under names starting with "_" for rules/
 * to place, and list rows as generic people under "_people".
 *
 * Labels live in tables in fields_labels.c; adding a label is adding a row.
 * The result is owned by the caller (fields_result_free).  No I/O.
 */
#ifndef PHIEU_FIELDS_H
#define PHIEU_FIELDS_H

#include <glib.h>
#include <json-glib/json-glib.h>

struct fields_opts {
	int ref_year, ref_month;   /* from the message Date: fills yearless dates */
	const char *domain_suffix; /* "danang.gov.vn" */
	/* text read by OCR: labels matched with tolerance for misread letters, and
	   fields from lines whose confidence (0..100, one per line of the text)
	   is below doubt_below listed in doubtful */
	gboolean ocr;
	const GArray *line_conf; /* double per line, or NULL */
	double doubt_below;
	/* a mail's own text: when it has few labels, its sentences are read
	   too (prose.h); documents, sheets and scans are forms, not prose */
	gboolean prose;
};

struct fields_result {
	JsonObject *fields;  /* DOMAIN.md keys, plus "_..." keys for rules/ */
	char *form_code;     /* "02/IID-KT" when the text names a form, else NULL */
	int labels;          /* how many labelled lines were recognised */
	gboolean password;   /* the text carries a password: never echo it */
	gboolean prose;      /* few labels: the fields were read from sentences */
	GPtrArray *doubtful; /* char*: keys read from doubtful lines ("_people" for lists) */
};

/* Options for a message dated year/month (0: undated, then today's), for
   a mail's text (prose on). */
void fields_opts_init(struct fields_opts *o, int year, int month, const char *domain_suffix);
/* Read the fields of one text. */
struct fields_result *fields_extract(const char *text, const struct fields_opts *opts);
/* Add a label (as people write it) for a key: a field ("requesting_unit") or
   a list column ("full_name", "phone", "id_no"…); FALSE when no such key.
   Called at start-up from the rules file, before any reading. */
gboolean fields_add_label(const char *key, const char *label);
/* Forget the labels added with fields_add_label() (a rules file reloaded). */
void fields_reset_labels(void);
/* The known label closest to a misread one ("Đơn vi yêu cẩu" for "Đơn vị yêu
   cầu"), folded, within a small edit distance; NULL when none is close. */
char *fields_label_fuzzy(const char *label);
/* The form code named anywhere in text ("biểu mẫu 05/IID-KT"), or NULL. */
char *fields_form_code(const char *text);
/* Release; returns NULL. */
struct fields_result *fields_result_free(struct fields_result *r);

#endif
