/*
 * prose.h - the fields of a request written as sentences, without labels.
 *
 * prose_read() reads text such as "Sở Tư pháp đề nghị tạo hộp thư công vụ
 * cho bà Nguyễn Thị Hoa, chuyên viên phòng Hành chính, số điện thoại 0905
 * 123 456" or "On behalf of the Hai Chau District People's Committee,
 * please create a sub-domain qlvb.haichau.danang.gov.vn pointing to
 * 10.1.2.3" and adds what it finds to fields, under the keys fields.h
 * uses, never replacing a key already there (labels win):
 *   - the unit: the subject of the request sentence when it is a unit
 *     ("Sở …", "UBND …", "Văn phòng …", "… Committee"), the unit after
 *     "của"/"thuộc" in it, "on behalf of …", "we are from …", or the unit
 *     line under the signature;
 *   - people after a courtesy word (ông, bà, anh, chị, Mr, Ms…) with what
 *     follows them up to the next person: identity number, phone, e-mail,
 *     position and department.  A person in a sentence about contacting is
 *     the contact, in one about administration the sub-domain's
 *     administrator, in one about mailboxes or a visit (or with an identity
 *     number) a list row ("_people"); the signer's name is the contact when
 *     no sentence names one;
 *   - the mailbox action from its verbs next to a mailbox word; the
 *     sub-domain, website, IP address named anywhere; the date and times of
 *     the request ("_when_*", placed by rules/ by type); the purpose after
 *     "để"/"nhằm"/"in order to"/"to <verb>"; for support, the place after
 *     "tại"/"at" when it names a floor, room or building, the category from
 *     the problem's words; the request sentence itself as "_said" (rules/
 *     makes it the description of the types that have one).
 * Every loop is bounded: at most PROSE_MAX_SENTENCES sentences of at most
 * PROSE_MAX_SENTENCE bytes are read.  No I/O.
 */
#ifndef PHIEU_PROSE_H
#define PHIEU_PROSE_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "fields.h"

#define PROSE_MAX_SENTENCES 200
#define PROSE_MAX_SENTENCE  2000

/* Add the fields the sentences of text give to fields (absent keys only). */
void prose_read(const char *text, const struct fields_opts *opts, JsonObject *fields);
/* The sentences around a typed form (three labelled lines or more): only
   the unit, the request's day and hours (when no label gave them), the
   purpose, the mailbox action and the support category are taken from
   them, absent keys only. */
void prose_fill(const char *text, const struct fields_opts *opts, JsonObject *fields);

#endif
