/*
 * office.h - the text of DOCX and ODT documents (zip + XML).
 *
 * libzip opens the container from memory, libxml2 reads word/document.xml
 * (DOCX) or content.xml (ODT).  Paragraphs, tables (rows as " | " lines),
 * text boxes and check boxes (content controls, legacy FORMCHECKBOX fields,
 * ☒/☑/☐ and [x] typed as text) are rendered as doc.h describes; headers,
 * footers and comments are not.  Entries are unpacked under doc_limits: a
 * zip bomb is refused with a cause.  No I/O.
 */
#ifndef PHIEU_OFFICE_H
#define PHIEU_OFFICE_H

#include "doc.h"

/* Text of a DOCX (source "docx"). */
void office_docx(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);
/* Text of an ODT (source "odt"). */
void office_odt(const guint8 *data, gsize len, const struct doc_limits *lim, struct doc_text *out);

#endif
