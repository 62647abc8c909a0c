/*
 * normalise.h - turn the values people type into the forms of DOMAIN.md.
 *
 * Phones become national digits (0905123456, 02363888410), dates ISO
 * YYYY-MM-DD, times HH:MM (24 h), e-mail addresses lower case.  Input is
 * UTF-8 text as typed, in Vietnamese with or without diacritics or in
 * English.  Every function returns a newly allocated string (g_free), or
 * NULL when the text holds no value of that kind: a caller never stores a
 * guess.  Dates without a year take it from the reference date (the
 * message's Date), as a person reading the mail would.  No I/O.
 */
#ifndef PHIEU_NORMALISE_H
#define PHIEU_NORMALISE_H

#include <glib.h>

struct norm_date {
	int y, m, d; /* 0 when absent */
};
struct norm_time {
	int h, min; /* h = -1 when absent */
};

/* First phone number in the text, national digits; NULL if none.  A run
   of digit groups holding two numbers ("0905 123 456 - 0236 3888 410")
   gives the first. */
char *norm_phone(const char *s);
/* The number of a line that reaches the person when it holds several: one
   labelled as the contact's or as a mobile ("Mobile:", "(di động)"), else
   the first mobile, else the first; a fax or switchboard only when nothing
   else is there. */
char *norm_phone_best(const char *s);
/* First e-mail address, lower case; NULL if none. */
char *norm_email(const char *s);
/* First date, ISO; ref_year/ref_month fill a missing year. */
char *norm_date(const char *s, int ref_year, int ref_month);
/* Parse the first date into parts; returns FALSE if none. */
gboolean norm_date_parts(const char *s, int ref_year, int ref_month, struct norm_date *out);
/* First time of day, "HH:MM"; NULL if none. */
char *norm_time(const char *s);
/* A time range "từ 8:30 đến 9 giờ 30", "13h - 15h30", with an optional date.
   Returns FALSE when no start time was found. */
gboolean norm_time_range(const char *s, int ref_year, int ref_month, struct norm_date *date,
                         struct norm_time *from, struct norm_time *to);
/* Date with optional time: "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM". */
char *norm_datetime(const char *s, int ref_year, int ref_month);
/* First URL or host name ("https://x.vn", "x.danang.gov.vn"). */
char *norm_url(const char *s);
/* First dotted IPv4 address. */
char *norm_ipv4(const char *s);
/* An official letter number such as "4242/UBND-KTN". */
char *norm_letter_ref(const char *s);
/* A sub-domain of suffix ("tuphap" or "tuphap.danang.gov.vn" -> full name). */
char *norm_subdomain(const char *s, const char *suffix);
/* Yes/no in Vietnamese or English (có/không, yes/no, x); -1 when neither. */
int norm_bool(const char *s);
/* Identity card number (CMND 9 or CCCD 12 digits). */
char *norm_id_no(const char *s);
/* Free text: squeezed, trailing separators and quotes trimmed; NULL if empty. */
char *norm_text(const char *s);
/* Format a date as ISO. */
char *norm_date_iso(const struct norm_date *d);
/* Format a time as HH:MM. */
char *norm_time_str(const struct norm_time *t);

#endif
