/*
 * ocr_check.h - what a scan's reading can be trusted with, word by word.
 *
 * Tesseract is sure of some readings that are wrong: a "1" read as "I" in
 * "I5h00" (then read as 05:00), a speck in a check box read as a tick, a
 * label whose colon came out as a semicolon (its value then goes unread
 * and is taken from elsewhere), a name read with other marks than the
 * same name elsewhere on the page.  These checks find such readings from the
 * text and the ink alone, so that ocr_lines.c lowers the confidence of the
 * line (its fields go to "doubtful") or writes the label as it is printed.
 * Pure functions on strings and numbers: no I/O, no Tesseract.
 */
#ifndef PHIEU_OCR_CHECK_H
#define PHIEU_OCR_CHECK_H

#include <glib.h>

/* Whether a word is a number, time or date with a letter read for a digit
   ("I5h00", "!1h", "O905", "30G"): letters alone, digits alone, and words
   such as "4TB" or "B2" are not. */
gboolean ocr_check_number(const char *word);
/* Whether a word is a phone number no Vietnamese number is: a mobile (03,
   05, 07, 08, 09) has 10 digits, a landline (02) 11, and none starts 00
   (01, 04 and 06 start tax codes too).  Twelve digits are an identity
   card's number (CCCD), not a phone's. */
gboolean ocr_check_phone(const char *word);
/* Whether a check box is ticked, from the share of ink inside it (0..1);
   returns how sure that reading is (0..100): low for a faint mark that may
   be a speck or a smudge. */
double ocr_check_tick(double ink, gboolean *ticked);
/* A known label at the end of a line after another field's value, its
   colon read as a semicolon or with no leader before it ("Điện thoại:
   0988.811254 Địa chỉ email;"): written "…811254 .... Địa chỉ email:" so
   that its value on the next line is read.  Returns whether it changed the
   line. */
gboolean ocr_check_label_end(GString *line);
/* The e-mail label misread a letter or two off ("Địa chỉ emaH:") before an
   address, written "email" so that the address is read as the contact's
   rather than taken from the sender.  Returns whether it changed the
   line. */
gboolean ocr_check_email_label(GString *line);
/* Whether three words in a row of a name or a unit's name (value) stand
   elsewhere in the page's text with the same letters but other marks
   ("Công nghệ Biến Xanh" in the unit's line, "Công nghệ Biển xanh" in the
   table): Tesseract read the same name two ways, each sure, and only one
   can be right.  Where the tone mark sits ("Thùy", "Thuỳ") and case do not
   count; two words are too few ("Công Hòa" is a name, "CỘNG HÒA" in the
   national heading is not its misreading). */
gboolean ocr_check_read_otherwise(const char *value, const char *page);

/* Whether a word is a word of three letters or more and a number joined by
   a full stop ("Phòng.1203", "tầng.5"): a speck read as a stop where a
   space was.  Abbreviations ("P.1203", "No.5"), versions ("v1.2") and
   words with more dots are not. */
gboolean ocr_check_glued_stop(const char *word);
/* Whether a unit's or a company's name holds a full stop after a word in
   small letters of three letters or more, with more of the name after it
   ("Phần mềm. Trường Sa"): a speck read as a stop.  Abbreviations
   ("TP. Đà Nẵng", "tp. Huế", "Co., Ltd") are not. */
gboolean ocr_check_stop_amid(const char *name);

/* Tidy the start of a form's line as OCR mangles it: numbering "5:", "9.:",
   "6G." made "5.", "9.", "6.", "4.SĐT" spaced, specks before a number or a
   bullet (":- Danh sách") dropped, a short label read as another ("ĐI:")
   written as printed.  Edits line in place. */
void ocr_check_line_start(GString *line);

#endif
