/*
 * legacy_parts.h - what the parts of the legacy-encoding reader share: the
 * text as units (a character and the byte it stands for), the VNI marks
 * and tones.  Private to parsers/legacy*.c:
 *   legacy.c         the entry points of legacy.h: characters back to
 *                    bytes, VNI and windows-1258 to Unicode, font names
 *   legacy_tcvn3.c   TCVN3 to Unicode, and the case of its capitals fonts
 *   legacy_detect.c  Vietnamese syllables, and which encoding gives more
 */
#ifndef PHIEU_LEGACY_PARTS_H
#define PHIEU_LEGACY_PARTS_H

#include <glib.h>

/* A character of the input and the byte it stands for. */
struct unit {
	gunichar ch;
	guint16 byte;
};

/* The combining marks of a VNI second byte: its shape and its tone. */
#define SH_CIRC  0x10
#define SH_BREVE 0x20
#define T_ACUTE  1
#define T_GRAVE  2
#define T_HOOK   3
#define T_TILDE  4
#define T_DOT    5

/* legacy.c */
/* Combining marks for the tones T_ACUTE..T_DOT. */
extern const gunichar legacy_tone_mark[6];
/* What an unused byte shows: the windows-1252 character for 0x80..0x9F,
   else the character it came from. */
gunichar legacy_unused(const struct unit *u);

/* legacy_tcvn3.c */
/* Read the units as TCVN3. */
char *legacy_tcvn3_convert(const GArray *units);

#endif
