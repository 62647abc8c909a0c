/*
 * legacy.h - Vietnamese typed in the old 8-bit font encodings.
 *
 * Before Unicode, Vietnamese was typed with fonts that reuse the bytes of
 * Latin-1: TCVN3 (ABC, fonts ".VnTime", ".VnArial", …) and VNI ("VNI-Times",
 * …; VNI puts a tone mark in a second byte).  Such text reaches phieu as
 * characters U+0020..U+00FF: a mail body decoded as windows-1252/latin-1, or
 * a DOCX run whose font is a legacy one.  legacy_detect() tells which
 * encoding (if any) turns the text into valid Vietnamese syllables more
 * often than leaving it alone; legacy_convert() maps it to Unicode NFC.
 * The same test catches windows-1258 text that was labelled latin-1 or
 * windows-1252 (its tone marks decoded as "Ì", "ì", "Ò"…): LEGACY_CP1258
 * reads the bytes again through the right code page.
 * Tables only; no I/O.
 */
#ifndef PHIEU_LEGACY_H
#define PHIEU_LEGACY_H

#include <glib.h>

enum legacy_enc { LEGACY_NONE = 0, LEGACY_TCVN3, LEGACY_VNI, LEGACY_CP1258 };

/* Which legacy encoding the text is in, judged by Vietnamese syllables. */
enum legacy_enc legacy_detect(const char *utf8);
/* The text converted from that encoding to Unicode NFC (a copy for NONE). */
char *legacy_convert(const char *utf8, enum legacy_enc enc);
/* The encoding a font name implies (".VnTime" TCVN3, "VNI-Times" VNI). */
enum legacy_enc legacy_font(const char *font_name);
/* Whether a word (any case, NFC or NFD) is a valid Vietnamese syllable:
   onset, vowels, coda and one tone where Vietnamese allows them. */
gboolean legacy_syllable(const char *word);
/* "TCVN3", "VNI", "windows-1258" or NULL. */
const char *legacy_name(enum legacy_enc enc);

#endif
