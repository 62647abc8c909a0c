/*
 * namesyl.h - the syllables Vietnamese people's names are made of, for
 * doubting a name read by OCR with a tone or another mark wrong.
 *
 * Tesseract reads "Trâm" as "Trầm" or "Cẩm" as "Cấm" with full confidence:
 * the misreading is still a Vietnamese syllable, so neither its confidence
 * nor a spelling check finds it.  But names are made of a few hundred
 * syllables, written with the tones they have (namesyl.c holds the table
 * and says where it comes from).  A syllable of a name that is not one of
 * them is doubted; so are those left out of the table on purpose because a
 * far commoner name has the same letters ("Quyền" beside "Quyên").  Case
 * and where the tone mark sits ("Thuỳ", "Thùy") do not count.  Names
 * written without any marks ("Nguyen Van An") are not judged: they were
 * typed so, or are foreign.  Organisations' names are judged the same way
 * against a wider table (namesyl_org_doubtful()), but only for words that a
 * word of the table has the letters of.  Pure: no I/O, no state besides
 * the tables.
 */
#ifndef PHIEU_NAMESYL_H
#define PHIEU_NAMESYL_H

#include <glib.h>

/* Whether a word (any case, NFC or NFD, punctuation around it aside) is a
   syllable of Vietnamese people's names as written. */
gboolean namesyl_known(const char *word);
/* Whether a person's name as read is to be doubted: it has a mark
   somewhere, and one of its words is no name syllable (namesyl_known()).
   A word of one letter (an initial) or with a digit is not judged here. */
gboolean namesyl_doubtful(const char *name);

/* Whether a word (as namesyl_known()) is one of the words organisations'
   names are made of: a name syllable, a legal form or body ("Công ty",
   "Trường"), a trade ("Phần mềm"), a place, a word brands are made of
   ("Rồng"). */
gboolean namesyl_org_known(const char *word);
/* Whether the name of an organisation (a company, a unit no list holds) as
   read is to be doubted: it has a mark somewhere, and one of its words is
   no word of such names while a word of them has its letters with other
   marks ("Câu Rông" for "Cầu Rồng", "Biến" for "Biển").  Words whose
   letters no such word has (foreign words, brands, rare words) cannot be
   judged and pass, as do initials, words with a digit and words without
   marks ("Web", "TNHH": foreign words and acronyms more often than marks
   lost). */
gboolean namesyl_org_doubtful(const char *name);

#endif
