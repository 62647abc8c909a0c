/*
 * text.h - text helpers for the parsers: charsets, Unicode forms, folding,
 * HTML to text, format=flowed.
 *
 * All functions take and return UTF-8 (except text_to_utf8, which takes raw
 * bytes) and return newly allocated strings the caller frees with g_free.
 * They never fail: undecodable input degrades to replacement characters and
 * the caller is told through the return flag where that matters.  No I/O.
 */
#ifndef PHIEU_TEXT_H
#define PHIEU_TEXT_H

#include <glib.h>

/* Convert bytes in charset (NULL or unknown: guess UTF-8, then windows-1258,
   then latin-1) to UTF-8 NFC.  A Latin-1 or windows-1252 label on valid
   UTF-8 is ignored; text whose syllables read as Vietnamese only in
   windows-1258, TCVN3 or VNI is read that way (legacy.h).  *lossy (may be
   NULL) is set when the label was unknown or bytes had to be replaced. */
char *text_to_utf8(const char *data, gsize len, const char *charset, gboolean *lossy);
/* g_utf8_normalize in pieces, linear in the length (GLib's is quadratic in
   the characters it composes); NULL when s is not valid UTF-8. */
char *text_normalize(const char *s, gssize len, GNormalizeMode mode);
/* Normalise to NFC; invalid UTF-8 is repaired first. */
char *text_nfc(const char *s);
/* Fold for matching: lower case, diacritics removed, đ to d, one output
   character per input character (so indexes line up). */
char *text_fold(const char *s);
/* Fold one code point the same way. */
gunichar text_fold_char(gunichar c);
/* Render HTML as plain text: blocks and <br> become line breaks, table
   cells are separated by " | ", scripts and styles dropped, entities decoded. */
char *text_from_html(const char *html, gsize len);
/* Undo RFC 3676 format=flowed soft line breaks (delsp as given). */
char *text_unflow(const char *s, gboolean delsp);
/* A copy of s with its first letter in upper case. */
char *text_capital(const char *s);
/* Collapse runs of white space to one space and trim both ends. */
char *text_squeeze(const char *s);
/* Remove CR, turn NBSP and other Unicode spaces into plain spaces. */
char *text_clean_lines(const char *s);
/* Decode an unstructured header value (RFC 2047 encoded words, raw 8-bit
   text) to UTF-8 NFC on one line.  Adjacent encoded words are joined
   before charset conversion, so a character split across words survives. */
char *text_decode_header(const char *raw);
/* Edit distance of a and b by characters, letters compared without case;
   at most cap + 1 (cap < 0: not capped). */
int text_distance(const char *a, const char *b, int cap);
/* Whether a '|'-separated list holds word as one of its items. */
gboolean text_list_has(const char *list, const char *word);
/* Whether folded text contains the folded needle at word boundaries. */
gboolean text_has_word(const char *folded, const char *needle);

#endif
