#!/usr/bin/python3
"""gen.py - write the hostile-input catalogue: messages meant to break the parser.

    gen.py OUTDIR

Writes OUTDIR/NNN-NAME.eml for each entry and OUTDIR/catalogue.json, a list of
{file, name, what, expect} in catalogue order.  The output is the same on
every run (no clock, no randomness), Python 3 standard library only; the
documents inside (DOCX, XLSX, ODT, PDF, PNG, JPEG, TIFF) are built here, so no
binary file is kept in the repository.

expect, checked by check.py on `phieuctl parse` and by
tests/integration/hostile.py on what phieud stores and sends:
  type            the parse result's "type" must be this (absent: any)
  types           ... or one of these
  absent          substrings that must not occur in the JSON output
  requester_not   addresses the "requester" must not be (look-alikes of staff)
  limit           seconds the parse may take (default 20)
  mail            false: not appended by the integration test (default true)
"""

import base64
import io
import json
import os
import struct
import sys
import zipfile
import zlib

STAFF = "thang.ltv@danang.gov.vn"
VICTIM = "victim@example.org"

# A request that parses on its own, so a hostile wrapper around it shows
# whether the parser still reads what it can.
REQUEST_VI = (
    "Kính gửi Trung tâm,\n\n"
    "PHIẾU YÊU CẦU HỖ TRỢ KỸ THUẬT (Mẫu 05/IID-KT)\n\n"
    "Đơn vị yêu cầu: Sở Tư pháp thành phố Đà Nẵng\n"
    "Người liên hệ: Nguyễn Văn An\n"
    "Điện thoại: 0905123456\n"
    "Địa điểm: Phòng 201, tầng 2, Trung tâm Hành chính thành phố\n"
    "Nội dung yêu cầu: Hỗ trợ kỹ thuật: máy in và mạng phòng 201 không hoạt động, "
    "đề nghị kiểm tra switch tầng.\n"
    "Mức độ: Khẩn\n\n"
    "Trân trọng.\n")

# Substrings no output may hold: /etc/passwd's first line (XXE), a raw
# header injection, a NUL escaped by the JSON writer.
ROOT_LINE = "root:x:0:0"


def hdr(name, value):
    """One header line (value given as bytes or str, taken as it is)."""
    if isinstance(value, str):
        value = value.encode("utf-8")
    return name.encode() + b": " + value + b"\r\n"


def message(headers=None, body=b"", ctype="text/plain; charset=utf-8", cte=None,
            frm="Nguyen Van An <an.nv@stp.danang.gov.vn>", subject="Yeu cau ho tro ky thuat",
            to="pkt-iid@danang.gov.vn", mid=None, extra_first=None, mime=True):
    """A message: the usual headers, then headers (list of bytes lines), body."""
    out = []
    if extra_first:
        out += extra_first
    if frm is not None:
        out.append(hdr("From", frm))
    if to is not None:
        out.append(hdr("To", to))
    if subject is not None:
        out.append(hdr("Subject", subject))
    out.append(hdr("Date", "Mon, 07 Dec 2026 08:30:00 +0700"))
    if mid is not False:
        out.append(hdr("Message-ID", mid or "<hostile@stp.danang.gov.vn>"))
    if mime:
        out.append(b"MIME-Version: 1.0\r\n")
        if ctype is not None:
            out.append(hdr("Content-Type", ctype))
        if cte is not None:
            out.append(hdr("Content-Transfer-Encoding", cte))
    out += headers or []
    if isinstance(body, str):
        body = body.encode("utf-8")
    if b"\r" not in body:
        body = body.replace(b"\n", b"\r\n")
    return b"".join(out) + b"\r\n" + body


def multipart(parts, boundary="b1", sub="mixed", preamble=b"", epilogue=b"", close=True, **kw):
    """A multipart message; each part is (headers bytes, body bytes)."""
    out = [preamble]
    for h, b in parts:
        out.append(b"--" + boundary.encode() + b"\r\n" + h + b"\r\n" + b + b"\r\n")
    if close:
        out.append(b"--" + boundary.encode() + b"--\r\n")
    out.append(epilogue)
    return message(ctype=f'multipart/{sub}; boundary="{boundary}"', body=b"".join(out), **kw)


def text_part(text=REQUEST_VI, charset="utf-8", cte="8bit"):
    """A text/plain part."""
    body = text.encode(charset) if isinstance(text, str) else text
    return (f"Content-Type: text/plain; charset={charset}\r\n"
            f"Content-Transfer-Encoding: {cte}\r\n").encode(), body


def attach(data, ctype, filename, extra=b""):
    """A base64 attachment part."""
    h = (f"Content-Type: {ctype}; name=\"{filename}\"\r\n"
         f"Content-Disposition: attachment; filename=\"{filename}\"\r\n"
         "Content-Transfer-Encoding: base64\r\n").encode() + extra
    return h, b64(data)


def b64(data):
    """Base64 in 76-column lines."""
    s = base64.b64encode(data)
    return b"\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def with_attachment(data, ctype, filename, **kw):
    """A request in the body plus one attachment."""
    return multipart([text_part(), attach(data, ctype, filename)], **kw)


# ---------------------------------------------------------------- documents

def deflate_run(byte, n, wbits=15):
    """zlib (wbits 15) or raw deflate (wbits -15) of n copies of byte, in steps of 1 MB."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    chunk, out = byte * (1 << 20), []
    for _ in range(n >> 20):
        out.append(c.compress(chunk))
    out.append(c.compress(byte * (n & ((1 << 20) - 1))))
    out.append(c.flush())
    return b"".join(out)


class Run:
    """n copies of a byte, as a zip entry's data, written in steps of 1 MB."""

    def __init__(self, head, byte, n, tail):
        self.head, self.byte, self.n, self.tail = head, byte, n, tail


def zip_bytes(entries, compress=zipfile.ZIP_DEFLATED):
    """A zip archive of (name, bytes) entries, with a fixed date."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 7, 8, 30, 0))
            info.compress_type = compress
            if isinstance(data, Run):
                with z.open(info, "w", force_zip64=True) as w:
                    w.write(data.head.encode())
                    for _ in range(data.n >> 20):
                        w.write(data.byte * (1 << 20))
                    w.write(data.tail.encode())
            else:
                z.writestr(info, data)
    return buf.getvalue()


CT_DOCX = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
           'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
           '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
           'officedocument.wordprocessingml.document.main+xml"/></Types>')
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT_MIME = "application/vnd.oasis.opendocument.text"


def docx(doc_xml, extra=()):
    """A DOCX holding word/document.xml as given."""
    return zip_bytes([("[Content_Types].xml", CT_DOCX), ("word/document.xml", doc_xml), *extra])


def docx_paragraphs(lines, prolog=""):
    """document.xml with one paragraph per line."""
    ps = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in lines)
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
            f'<w:document {W_NS}><w:body>{ps}</w:body></w:document>')


def xlsx(sheet_xml, shared=None):
    """An XLSX with one sheet."""
    wb = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
          'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
          'relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>')
    entries = [("[Content_Types].xml", CT_DOCX.replace("/word/document.xml", "/xl/workbook.xml")),
               ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels),
               ("xl/worksheets/sheet1.xml", sheet_xml)]
    if shared is not None:
        entries.append(("xl/sharedStrings.xml", shared))
    return zip_bytes(entries)


def sheet(rows_xml, dim=None, prolog=""):
    """A worksheet's XML around rows."""
    d = f'<dimension ref="{dim}"/>' if dim else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main">{d}<sheetData>{rows_xml}</sheetData>'
            '</worksheet>')


def odt(content_xml):
    """An ODT holding content.xml as given."""
    return zip_bytes([("mimetype", "application/vnd.oasis.opendocument.text"),
                      ("content.xml", content_xml)])


def pdf(objects, trailer_extra="", xref_override=None, startxref=None):
    """A PDF from numbered object bodies (1-based), with a correct xref unless overridden."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, body in enumerate(objects, 1):
        offs.append(len(out))
        if isinstance(body, str):
            body = body.encode("latin-1")
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref_at = len(out)
    if xref_override is not None:
        out += xref_override
    else:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for o in offs:
            out += b"%010d 00000 n \n" % o
        out += (b"trailer\n<< /Size %d /Root 1 0 R " % (len(objects) + 1)
                + trailer_extra.encode() + b">>\n")
    out += b"startxref\n%d\n%%%%EOF\n" % (xref_at if startxref is None else startxref)
    return bytes(out)


def pdf_text_page(text, extra_catalog=""):
    """A one-page PDF with a line of text."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return pdf([
        f"<< /Type /Catalog /Pages 2 0 R {extra_catalog}>>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ])


def png(width, height, idat=None):
    """A PNG that claims width x height (8-bit gray), with a tiny IDAT."""
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xffffffff)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    if idat is None:
        idat = zlib.compress(b"\x00" + b"\xff" * min(width, 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def jpeg(width, height):
    """A JPEG header (SOI, DQT, SOF0, DHT-less) claiming width x height, then EOI."""
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + dqt + sof + b"\xff\xd9"


def tiff(width, height):
    """A little-endian TIFF claiming width x height, one strip of 8 bytes."""
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1),
               (262, 3, 1, 1), (273, 4, 1, 8 + 2 + 12 * 8 + 4), (277, 3, 1, 1),
               (279, 4, 1, 8)]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, val in entries:
        ifd += struct.pack("<HHII", tag, typ, count, val)
    ifd += struct.pack("<I", 0)
    return b"II*\x00" + struct.pack("<I", 8) + ifd + b"\x00" * 8


# ---------------------------------------------------------------- catalogue

def catalogue():
    """Yield (name, what, bytes, expect)."""
    ok_req = {"type": "tech_support"}
    no_root = {"absent": [ROOT_LINE]}

    # --- header injection aimed at the replies
    inj = [
        ("subject_ew_q_crlf_bcc", "Subject: RFC 2047 Q with =0D=0A Bcc:",
         dict(subject=f"=?utf-8?q?Yeu_cau=0D=0ABcc:_{VICTIM}?=")),
        ("subject_ew_b_crlf_bcc", "Subject: RFC 2047 B with CR LF Bcc:",
         dict(subject="=?utf-8?b?" + base64.b64encode(f"Yeu cau\r\nBcc: {VICTIM}".encode()).decode() + "?=")),
        ("subject_ew_lf_to", "Subject: encoded LF then To:",
         dict(subject=f"=?utf-8?q?x=0ATo:_{VICTIM}?=")),
        ("subject_ew_cr_only", "Subject: encoded bare CR then Cc:",
         dict(subject=f"=?utf-8?q?x=0DCc:_{VICTIM}?=")),
        ("subject_ew_nul", "Subject: encoded NUL then Bcc:",
         dict(subject=f"=?utf-8?q?x=00Bcc:_{VICTIM}?=")),
        ("subject_raw_nul", "Subject: a raw NUL byte",
         dict(subject=b"Yeu cau\x00Bcc: " + VICTIM.encode())),
        ("subject_raw_bare_cr", "Subject: a raw bare CR inside the line",
         dict(subject=b"Yeu cau\rBcc: " + VICTIM.encode())),
        ("subject_ew_crlf_body", "Subject: encoded CRLF CRLF then a body of its own",
         dict(subject=f"=?utf-8?q?x=0D=0A=0D=0AInjected_body_{VICTIM}?=")),
        ("from_ew_crlf_bcc", "From: display name with encoded CRLF Bcc:",
         dict(frm=f"=?utf-8?q?An=0D=0ABcc:_{VICTIM}?= <an.nv@stp.danang.gov.vn>")),
        ("from_addr_crlf", "From: address with encoded CRLF",
         dict(frm=f"<an.nv=0D=0ABcc:{VICTIM}@stp.danang.gov.vn>")),
        ("from_quoted_crlf", "From: quoted local part holding CR LF",
         dict(frm=b"\"an\r\n Bcc: " + VICTIM.encode() + b"\"@stp.danang.gov.vn")),
        ("from_nul", "From: a NUL inside the address",
         dict(frm=b"an.nv@stp.danang.gov.vn\x00" + VICTIM.encode())),
        ("mid_crlf", "Message-ID with encoded CRLF Bcc:",
         dict(mid=f"<x=0D=0ABcc:_{VICTIM}@stp.danang.gov.vn>")),
        ("mid_nul", "Message-ID with a NUL",
         dict(mid=b"<abc\x00Bcc: " + VICTIM.encode() + b"@stp>")),
        ("mid_bare_cr", "Message-ID with a bare CR then Bcc:",
         dict(mid=b"<abc\rBcc: " + VICTIM.encode() + b"@stp>")),
        ("mid_huge", "Message-ID of 100 kB",
         dict(mid="<" + "a" * 100000 + "@stp.danang.gov.vn>")),
        ("mid_spaces_angle", "Message-ID with spaces, angles and a header inside",
         dict(mid=f"<a b> <c> Bcc: {VICTIM}")),
    ]
    for name, what, kw in inj:
        yield name, what, message(body=REQUEST_VI, **kw), {"type": "tech_support"}
    yield ("references_crlf", "References and In-Reply-To with CR LF Bcc:",
           message(body=REQUEST_VI, headers=[
               hdr("References", b"<a@b>\r\n\t<c\rBcc: " + VICTIM.encode() + b">"),
               hdr("In-Reply-To", f"=?utf-8?q?<x=0D=0ABcc:_{VICTIM}>?=")]), {})
    yield ("references_10000", "References with 10,000 message ids",
           message(body=REQUEST_VI, headers=[hdr("References", "\r\n ".join(
               f"<ref{i}@stp.danang.gov.vn>" for i in range(10000)))]), {})
    yield ("reply_to_victim_crlf", "Reply-To with an encoded CRLF and a victim",
           message(body=REQUEST_VI, headers=[
               hdr("Reply-To", f"=?utf-8?q?x=0D=0ABcc:?= <{VICTIM}>, {VICTIM}")]), {})
    yield ("header_folded_bcc", "a folded Subject continuation that looks like Bcc:",
           message(body=REQUEST_VI, subject=b"Yeu cau\r\n Bcc: " + VICTIM.encode()), ok_req)

    # --- recipients and header sizes
    many = ", ".join(f"user{i}@example{i % 97}.org" for i in range(10000))
    yield "to_10000", "10,000 addresses in To:", message(body=REQUEST_VI, to=many), {"limit": 30}
    yield ("cc_10000", "10,000 addresses in Cc:, folded",
           message(body=REQUEST_VI, headers=[hdr("Cc", ",\r\n ".join(
               f"user{i}@example.org" for i in range(10000)))]), {"limit": 30})
    yield ("subject_1mb", "a Subject line of 1 MB, unfolded",
           message(body=REQUEST_VI, subject="A" * (1 << 20)), {"limit": 30})
    yield ("header_1mb_unknown", "an X- header line of 1 MB",
           message(body=REQUEST_VI, headers=[hdr("X-Long", "x" * (1 << 20))]), {"limit": 30})
    yield ("from_1mb", "From: of 1 MB",
           message(body=REQUEST_VI, frm="A" * (1 << 20) + " <a@b.c>"), {"limit": 30})
    yield ("headers_100000", "100,000 header lines",
           message(body=REQUEST_VI, headers=[b"X-H%d: v\r\n" % i for i in range(100000)]),
           {"limit": 30})
    yield ("header_folding_50000", "one header folded over 50,000 lines",
           message(body=REQUEST_VI, headers=[b"X-Fold: a" + b"\r\n b" * 50000 + b"\r\n"]),
           {"limit": 30})
    yield ("header_no_colon", "header lines without a colon",
           message(body=REQUEST_VI, headers=[b"This is not a header\r\n", b": empty name\r\n"]), {})

    # --- look-alike staff addresses
    looks = [
        ("from_confusable_cyrillic_a", "thаng (Cyrillic a) of a staff address",
         STAFF.replace("a", "\u0430", 1)),
        ("from_confusable_cyrillic_o", "danang.gоv.vn with a Cyrillic o",
         STAFF.replace("gov", "g\u043ev")),
        ("from_confusable_fullwidth", "full-width letters",
         "\uff54\uff48\uff41\uff4e\uff47.ltv@danang.gov.vn"),
        ("from_confusable_dotless_i", "a dotless i and a Latin look-alike domain",
         "thang.ltv@danang.gov.v\u0578"),
        ("from_confusable_zero_width", "a zero-width space in the local part",
         "thang\u200b.ltv@danang.gov.vn"),
        ("from_confusable_nfkc", "a Cyrillic a in the domain",
         "thang.ltv@dan\u0430ng.gov.vn"),
    ]
    for name, what, addr in looks:
        raw = addr.encode("utf-8")
        yield (name, "From: " + what, message(body=REQUEST_VI, frm=b"Thang <" + raw + b">",
                                              ctype="text/plain; charset=utf-8"),
               {"requester_not": [STAFF]})
    yield ("from_confusable_ew", "From: encoded word hiding a Cyrillic look-alike address",
           message(body=REQUEST_VI, frm="=?utf-8?b?" + base64.b64encode(
               ("Thang <" + STAFF.replace("a", "\u0430", 1) + ">").encode()).decode() + "?="),
           {"requester_not": [STAFF]})
    yield ("from_staff_display_other_addr", "From: staff address as display name, other address",
           message(body=REQUEST_VI, frm=f'"{STAFF}" <attacker@example.org>'),
           {"requester_not": [STAFF]})
    yield ("from_two_addresses", "From: a list of two, staff second",
           message(body=REQUEST_VI, frm=f"attacker@example.org, {STAFF}"),
           {"requester_not": [STAFF]})
    yield ("from_duplicate_staff_second", "two From: headers, staff in the second",
           message(body=REQUEST_VI, frm="attacker@example.org",
                   headers=[hdr("From", STAFF)]), {"requester_not": [STAFF]})

    # --- right-to-left and other Unicode controls
    yield ("subject_rlo", "U+202E in the Subject",
           message(body=REQUEST_VI, subject="Yeu cau \u202egpj.exe"), ok_req)
    yield ("subject_rlo_ew", "U+202E in an encoded Subject, plus bidi isolates",
           message(body=REQUEST_VI, subject="=?utf-8?b?" + base64.b64encode(
               "Yêu cầu \u202e\u2066fdp.exe\u2069".encode()).decode() + "?="), ok_req)
    yield ("body_rlo_fields", "U+202E inside field values",
           message(body=REQUEST_VI.replace("Nguyễn Văn An", "Nguyễn \u202eVăn An")), ok_req)
    yield ("filename_rlo", "an attachment named with U+202E (exe disguised as docx)",
           with_attachment(b"MZ" + b"\x00" * 100, "application/octet-stream",
                           "form\u202excod.exe"), ok_req)

    # --- nesting
    n = 5000
    nested = b"".join(b"--n%d\r\nContent-Type: multipart/mixed; boundary=\"n%d\"\r\n\r\n" % (i, i + 1)
                      for i in range(n))
    nested += b"--n%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n--n%d--\r\n" % (n, n)
    nested += b"".join(b"--n%d--\r\n" % i for i in range(n - 1, -1, -1))
    yield ("multipart_nested_5000", "5,000 nested multiparts",
           message(ctype='multipart/mixed; boundary="n0"', body=nested), {"limit": 30})
    nested = b"".join(b"--n%d\r\nContent-Type: multipart/mixed; boundary=\"n%d\"\r\n\r\n" % (i, i + 1)
                      for i in range(50000))
    yield ("multipart_nested_50000_open", "50,000 nested multiparts, none closed",
           message(ctype='multipart/mixed; boundary="n0"', body=nested), {"limit": 30})
    inner = REQUEST_VI.encode()
    for i in range(1000):
        inner = (b"From: a@b.c\r\nSubject: level %d\r\nContent-Type: message/rfc822\r\n\r\n" % i
                 + inner if i else b"From: a@b.c\r\nSubject: inner\r\n\r\n" + inner)
    yield ("rfc822_nested_1000", "1,000 nested message/rfc822",
           message(ctype="message/rfc822", body=inner), {"limit": 30})
    yield ("multipart_same_boundary_nested", "a nested multipart reusing its parent's boundary",
           message(ctype='multipart/mixed; boundary="b"', body=(
               b"--b\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
               b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + REQUEST_VI.encode()
               + b"\r\n--b--\r\n--b--\r\n")), {})
    yield ("multipart_1000_parts", "1,000 tiny attachments",
           multipart([text_part()] + [attach(b"x%d" % i, "application/octet-stream",
                                             f"f{i}.bin") for i in range(1000)]),
           {"type": "tech_support", "limit": 30})
    yield ("multipart_100000_empty", "100,000 empty parts",
           message(ctype='multipart/mixed; boundary="e"',
                   body=b"--e\r\n\r\n" * 100000 + b"--e--\r\n"), {"limit": 30})
    yield ("alternative_1000_deep", "1,000 nested multipart/alternative with HTML",
           message(ctype='multipart/alternative; boundary="a0"', body=b"".join(
               b"--a%d\r\nContent-Type: multipart/alternative; boundary=\"a%d\"\r\n\r\n" % (i, i + 1)
               for i in range(1000)) + b"--a1000\r\nContent-Type: text/html\r\n\r\n<p>x</p>\r\n"),
           {"limit": 30})

    # --- MIME structure
    yield "empty_file", "zero bytes (no IMAP server stores it)", b"", {"type": "unknown", "mail": False}
    yield "only_crlf", "a blank line and nothing else", b"\r\n", {"type": "unknown"}
    yield "headers_only_no_body", "headers and no blank line", (
        b"From: a@b.c\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=z"), {}
    yield ("multipart_empty_parts", "empty and zero-length parts",
           message(ctype='multipart/mixed; boundary="z"',
                   body=b"--z\r\n\r\n\r\n--z\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\n--z--\r\n"),
           {"type": "unknown"})
    yield ("multipart_no_boundary_param", "multipart without a boundary parameter",
           message(ctype="multipart/mixed", body=REQUEST_VI), {})
    yield ("multipart_boundary_absent", "a boundary that never occurs",
           message(ctype='multipart/mixed; boundary="never"', body=REQUEST_VI), {})
    yield ("multipart_boundary_in_preamble", "the boundary inside the preamble's text",
           multipart([text_part()], boundary="pp",
                     preamble=b"Preamble mentions --pp inline and\r\n--ppx almost\r\n"), ok_req)
    yield ("multipart_empty_boundary", 'boundary=""',
           message(ctype='multipart/mixed; boundary=""', body=b"--\r\n\r\nx\r\n----\r\n"), {})
    yield ("multipart_boundary_long", "a boundary of 10,000 characters",
           multipart([text_part()], boundary="B" * 10000), {})
    yield ("multipart_unclosed", "no closing boundary, truncated part",
           multipart([text_part()], close=False), ok_req)
    yield ("multipart_no_headers_parts", "parts with no header block at all",
           message(ctype='multipart/mixed; boundary="q"',
                   body=b"--q\r\n" + REQUEST_VI.encode() + b"\r\n--q--\r\n"), {})
    yield ("duplicate_message_id", "two Message-ID headers",
           message(body=REQUEST_VI, headers=[hdr("Message-ID", "<second@example.org>")]), ok_req)
    yield ("duplicate_content_type", "two Content-Type headers, contradictory",
           message(body=REQUEST_VI, headers=[hdr("Content-Type", 'multipart/mixed; boundary="x"')]),
           {})
    yield ("duplicate_subject_from", "two Subject and two From",
           message(body=REQUEST_VI, headers=[hdr("Subject", "second"),
                                            hdr("From", "second@example.org")]), {})
    yield ("header_8bit_raw", "raw 8-bit (latin-1 and invalid UTF-8) in headers",
           message(body=REQUEST_VI, subject=b"Y\xeau c\xe1u \xff\xfe\xc3", frm=b"\xd0\xff <a@b.c>"),
           {})
    yield ("header_8bit_utf8_overlong", "overlong UTF-8 sequences (C0 AF, E0 80 AF) in headers",
           message(body=REQUEST_VI, subject=b"\xc0\xaf\xe0\x80\xaf\xf8\x88\x80\x80\x80"), {})
    yield ("ew_overlong", "an encoded word of 200 kB",
           message(body=REQUEST_VI, subject="=?utf-8?b?" + base64.b64encode(
               "Ư".encode() * 70000).decode() + "?="), {})
    yield ("ew_10000_words", "10,000 adjacent encoded words",
           message(body=REQUEST_VI, subject=" ".join(["=?utf-8?q?=C3=A1?="] * 10000)), {})
    yield ("ew_broken", "broken encoded words: bad B, bad Q, no end, no charset",
           message(body=REQUEST_VI, subject="=?utf-8?b?###?= =?utf-8?q?=ZZ=?= =?utf-8?b?QUJD "
                   "=??q?x?= =?utf-8*?q?x?= =?utf-8?x?y?="), ok_req)
    yield ("ew_unknown_charset", "an encoded word in a charset that does not exist",
           message(body=REQUEST_VI, subject="=?x-no-such-charset?q?abc?="), ok_req)
    yield ("ew_utf7", "an encoded word in UTF-7",
           message(body=REQUEST_VI, subject="=?utf-7?q?+AEIAYwBjADo-?="), ok_req)
    yield ("ew_splitting_multibyte", "encoded words splitting a UTF-8 sequence",
           message(body=REQUEST_VI, subject="=?utf-8?q?=E1=BB?= =?utf-8?q?=87x?="), ok_req)

    # --- transfer encodings and charsets
    yield ("base64_invalid", "base64 body full of invalid characters",
           message(body=b"!!!!@@@@####$$$$\r\n" * 100, cte="base64"), {})
    yield ("base64_padding_mid", "base64 with padding in the middle",
           message(body=b"QUJD====REVG\r\n=\r\nQQ==QQ==\r\n", cte="base64"), {})
    yield ("base64_one_line_10mb", "base64 body on one line of 10 MB",
           message(body=base64.b64encode(REQUEST_VI.encode() * 5000)[:10 << 20], cte="base64"),
           {"limit": 30})
    yield ("qp_invalid", "quoted-printable with bad escapes and soft breaks at the end",
           message(body=b"=ZZ=4=\r\n=G1abc=\r\n=\r\n=0D=0ABcc: x\r\n=", cte="quoted-printable"), {})
    yield ("qp_nul_bytes", "quoted-printable decoding to NUL bytes",
           message(body=b"=00" * 10000 + b"\r\n" + REQUEST_VI.encode(), cte="quoted-printable"), {})
    yield ("cte_unknown", "Content-Transfer-Encoding: x-unknown",
           message(body=REQUEST_VI, cte="x-uuencode-bogus"), {})
    yield ("cte_binary_8bit_mix", "two Content-Transfer-Encoding headers",
           message(body=REQUEST_VI, cte="base64", headers=[hdr("Content-Transfer-Encoding", "7bit")]),
           {})
    yield ("charset_nonexistent", "charset=x-does-not-exist, 8-bit body",
           message(body=REQUEST_VI, ctype="text/plain; charset=x-does-not-exist"), {})
    yield ("charset_long_name", "a charset name of 10,000 characters",
           message(body=REQUEST_VI, ctype="text/plain; charset=" + "x" * 10000), {})
    yield ("charset_utf7_body", "a UTF-7 body",
           message(body=REQUEST_VI.encode("utf-7"), ctype="text/plain; charset=utf-7"), {})
    yield ("charset_utf16_no_bom", "a UTF-16 body labelled utf-16",
           message(body=REQUEST_VI.encode("utf-16-le"), ctype="text/plain; charset=utf-16",
                   cte="binary"), {})
    yield ("charset_utf8_invalid", "invalid UTF-8 in a utf-8 body",
           message(body=b"\xff\xfe\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc" * 100), {})
    yield ("charset_ebcdic", "an EBCDIC charset label (cp500)",
           message(body=REQUEST_VI.encode("cp500", "replace"), ctype="text/plain; charset=cp500"), {})
    yield ("body_nul_bytes", "NUL bytes in a text body",
           message(body=REQUEST_VI.encode().replace(b"\n", b"\x00\n")), {})
    yield ("body_bare_cr", "a body with bare CR line ends",
           message(body=REQUEST_VI.encode().replace(b"\n", b"\r")), {})
    yield ("rfc2231_malformed", "malformed RFC 2231 parameters (gaps, bad percent, no charset)",
           multipart([text_part(), (b"Content-Type: application/pdf;\r\n name*0*=utf-8''%E1%BB;"
                                    b"\r\n name*2=x; name*99999999999=y; name*1*=%ZZ%\r\n"
                                    b"Content-Disposition: attachment; filename*=''\r\n"
                                    b"Content-Transfer-Encoding: base64\r\n",
                                    b64(b"%PDF-1.4 broken"))]), {})
    yield ("rfc2231_10000_sections", "a filename in 10,000 RFC 2231 sections",
           multipart([text_part(), (b"Content-Type: text/plain\r\nContent-Disposition: attachment;"
                                    + b"".join(b"\r\n filename*%d=a;" % i for i in range(10000))
                                    + b"\r\n\r\n", b"x")]), {})
    yield ("params_unterminated_quote", "an unterminated quoted parameter",
           message(body=REQUEST_VI, ctype='text/plain; charset="utf-8; format=flowed'), {})

    # --- filenames
    for name, fn in [("filename_traversal", "../../etc/passwd"),
                     ("filename_traversal_win", "..\\..\\windows\\system32\\x.docx"),
                     ("filename_absolute", "/etc/cron.d/evil"),
                     ("filename_traversal_ew", "=?utf-8?q?..=2F..=2Fetc=2Fpasswd?=")]:
        yield (name, f"an attachment named {fn}",
               with_attachment(b"hello", "text/plain", fn), {"type": "tech_support"})
    yield ("filename_nul", "an attachment name with a NUL",
           multipart([text_part(), (b"Content-Type: text/csv\r\nContent-Disposition: attachment; "
                                    b"filename=\"a.csv\x00../../etc/passwd\"\r\n", b"a,b\r\n")]), {})
    yield ("filename_rfc2231_traversal", "RFC 2231 filename ..%2F..%2Fetc%2Fpasswd with NUL",
           multipart([text_part(), (b"Content-Type: text/plain\r\nContent-Disposition: attachment; "
                                    b"filename*=utf-8''..%2F..%2Fetc%2Fpasswd%00.docx\r\n", b"x")]),
           {})
    yield ("filename_long", "a filename of 100,000 characters",
           with_attachment(b"x", "text/plain", "a" * 100000 + ".docx"), {})

    # --- HTML
    yield ("html_script", "HTML-only body with <script> and handlers",
           message(ctype="text/html; charset=utf-8", body=(
               "<html><head><script>alert('Bcc: victim@example.org')</script>"
               "<style>p{x:url(javascript:1)}</style></head><body onload=\"evil()\">"
               + REQUEST_VI.replace("\n", "<br>\n") + "<img src=x onerror=alert(1)>"
               "<iframe src='http://evil.example/'></iframe></body></html>")),
           {"type": "tech_support", "absent": ["alert(", "<script", "evil()"]})
    yield ("html_unclosed_deep", "HTML with 100,000 unclosed <div>",
           message(ctype="text/html; charset=utf-8", body="<div>" * 100000 + "x"), {"limit": 30})
    yield ("html_entities_huge", "HTML with 200,000 numeric entities, some invalid",
           message(ctype="text/html; charset=utf-8",
                   body="&#0;&#x110000;&#99999999999;&#xD800;&amp;" * 40000), {"limit": 30})
    yield ("html_comment_unclosed", "an unclosed HTML comment hiding the rest",
           message(ctype="text/html", body="<!-- " + REQUEST_VI), {})
    yield ("whitespace_20mb", "20 MB of spaces and newlines in the body",
           message(body=b" \t\r\n" * (5 << 20)), {"limit": 60})
    yield ("line_10mb_no_newline", "a body line of 10 MB",
           message(body=b"A" * (10 << 20)), {"limit": 60})

    # --- DOCX, ODT, XLSX, CSV
    laughs = ('<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(1, 10))
              + ']>').replace("&lol0;", "&lol;")
    yield ("docx_billion_laughs", "DOCX whose XML expands entities (billion laughs)",
           with_attachment(docx(docx_paragraphs(["&lol9;"], laughs)), DOCX_MIME, "form.docx"),
           {"limit": 30, "absent": ["lollollollollol"]})
    yield ("docx_xxe_passwd", "DOCX with an external entity to /etc/passwd",
           with_attachment(docx(docx_paragraphs(["&xxe;"],
                                                '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')),
                           DOCX_MIME, "form.docx"), no_root)
    yield ("docx_xxe_parameter", "DOCX with a parameter entity and an external DTD",
           with_attachment(docx(docx_paragraphs(
               ["x"], '<!DOCTYPE d SYSTEM "file:///etc/passwd" [<!ENTITY % p SYSTEM '
               '"file:///etc/passwd"> %p;]>')), DOCX_MIME, "form.docx"), no_root)
    yield ("docx_xxe_http", "DOCX with an external entity over HTTP",
           with_attachment(docx(docx_paragraphs(["&x;"], '<!DOCTYPE d [<!ENTITY x SYSTEM '
                                                '"http://127.0.0.1:9/x">]>')), DOCX_MIME, "f.docx"),
           {"limit": 20})
    yield ("docx_xinclude", "DOCX with XInclude of /etc/passwd",
           with_attachment(docx(f'<?xml version="1.0"?><w:document {W_NS} '
                                'xmlns:xi="http://www.w3.org/2001/XInclude"><w:body><w:p><w:r><w:t>'
                                '<xi:include href="file:///etc/passwd" parse="text"/></w:t></w:r>'
                                '</w:p></w:body></w:document>'), DOCX_MIME, "f.docx"), no_root)
    yield ("docx_zip_bomb", "DOCX whose document.xml unpacks 200 MB (ratio about 1000:1)",
           with_attachment(docx(Run(f'<?xml version="1.0"?><w:document {W_NS}><w:body>', b" ", 200 << 20,
                                    "<w:p><w:r><w:t>x</w:t></w:r></w:p></w:body></w:document>")),
                           DOCX_MIME, "bomb.docx"), {"limit": 30})
    yield ("docx_size_lie", "DOCX whose zip entry claims a tiny size but holds 50 MB",
           with_attachment(lie_sizes(docx(Run(f'<?xml version="1.0"?><w:document {W_NS}><w:body><w:p><w:r><w:t>',
                                               b"y", 50 << 20, "</w:t></w:r></w:p></w:body></w:document>")))
                           , DOCX_MIME, "lie.docx"), {"limit": 30})
    yield ("docx_10000_entries", "DOCX with 10,000 zip entries",
           with_attachment(docx(docx_paragraphs(["x"]), extra=[(f"junk/{i}.xml", "<a/>")
                                                              for i in range(10000)]),
                           DOCX_MIME, "many.docx"), {"limit": 30})
    yield ("docx_traversal_entry", "DOCX with an entry named ../../../tmp/phieu-pwned",
           with_attachment(docx(docx_paragraphs(["x"]), extra=[("../../../tmp/phieu-pwned", "x")]),
                           DOCX_MIME, "trav.docx"), {})
    yield ("docx_deep_xml", "DOCX with XML nested 100,000 deep",
           with_attachment(docx(f'<?xml version="1.0"?><w:document {W_NS}><w:body>'
                                + "<w:p>" * 100000 + "</w:p>" * 100000 + "</w:body></w:document>"),
                           DOCX_MIME, "deep.docx"), {"limit": 30})
    yield ("docx_not_zip", "a DOCX that is not a zip", with_attachment(b"PK\x03\x04" + b"\xff" * 200,
                                                                      DOCX_MIME, "x.docx"), ok_req)
    yield ("docx_truncated", "a DOCX cut in half",
           with_attachment(docx(docx_paragraphs(REQUEST_VI.splitlines()))[:300], DOCX_MIME, "c.docx"),
           ok_req)
    yield ("docx_encrypted_entry", "a zip entry with the encryption flag and a bad method",
           with_attachment(flag_entries(docx(docx_paragraphs(["x"]))), DOCX_MIME, "enc.docx"), ok_req)
    yield ("odt_billion_laughs", "ODT with entity expansion",
           with_attachment(odt(f'<?xml version="1.0"?>{laughs}<office:document-content xmlns:office='
                               '"urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis'
                               ':names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
                               '<text:p>&lol9;</text:p></office:text></office:body>'
                               '</office:document-content>'), ODT_MIME, "f.odt"),
           {"limit": 30, "absent": ["lollollollollol"]})
    yield ("odt_xxe", "ODT with an external entity to /etc/passwd",
           with_attachment(odt('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                               '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                               'xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:'
                               'text:1.0"><office:body><office:text><text:p>&x;</text:p></office:text>'
                               '</office:body></office:document-content>'), ODT_MIME, "f.odt"), no_root)
    yield ("xlsx_xxe", "XLSX with an external entity in sharedStrings",
           with_attachment(xlsx(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
                                shared='<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM '
                                '"file:///etc/passwd">]><sst xmlns="http://schemas.openxmlformats.org'
                                '/spreadsheetml/2006/main"><si><t>&x;</t></si></sst>'),
                           XLSX_MIME, "f.xlsx"), no_root)
    yield ("xlsx_million_cells_declared", "XLSX declaring A1:XFD1048576 with a far cell",
           with_attachment(xlsx(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c>'
                                      '<c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
                                      '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
                                      dim="A1:XFD1048576")), XLSX_MIME, "big.xlsx"), {"limit": 30})
    yield ("xlsx_1000000_cells", "XLSX with 1,000,000 real cells (zipped small)",
           with_attachment(xlsx(sheet("".join(
               f'<row r="{r}">' + "".join(f'<c r="{col}{r}"><v>1</v></c>' for col in "ABCDEFGHIJ")
               + "</row>" for r in range(1, 100001)))), XLSX_MIME, "cells.xlsx"), {"limit": 60})
    yield ("xlsx_shared_index_bad", "XLSX cells pointing past sharedStrings, negative, huge",
           with_attachment(xlsx(sheet('<row r="1"><c r="A1" t="s"><v>99999999</v></c>'
                                      '<c r="B1" t="s"><v>-5</v></c><c r="C1" t="s"><v>abc</v></c>'
                                      '<c r="ZZZZZZZZZ99999999999" t="s"><v>0</v></c></row>'),
                                shared='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
                                '2006/main"><si><t>a</t></si></sst>'), XLSX_MIME, "idx.xlsx"), {})
    yield ("xlsx_zip_bomb", "XLSX whose sheet unpacks 300 MB",
           with_attachment(xlsx(Run(sheet("").split("<sheetData>")[0] + "<sheetData>", b" ", 300 << 20,
                                    "</sheetData></worksheet>")),
                           XLSX_MIME, "bomb.xlsx"), {"limit": 30})
    yield ("csv_100000_lines", "a CSV of 100,000 lines",
           with_attachment("".join(f"Nguyễn Văn {i},Sở {i},0905{i % 1000000:06d}\n"
                                   for i in range(100000)).encode(), "text/csv", "list.csv"),
           {"limit": 60})
    yield ("csv_one_field_5mb", "a CSV holding one quoted field of 5 MB, unterminated",
           with_attachment(b'"' + b"a,\n" * ((5 << 20) // 3), "text/csv", "q.csv"), {"limit": 60})
    yield ("csv_100000_columns", "a CSV line of 100,000 columns",
           with_attachment(b",".join([b"x"] * 100000) + b"\n", "text/csv", "c.csv"), {"limit": 30})

    # --- PDF
    yield ("pdf_javascript", "PDF with OpenAction JavaScript and a launch action",
           with_attachment(pdf_text_page(
               "Don vi yeu cau: So Tu phap",
               extra_catalog="/OpenAction << /S /JavaScript /JS (app.alert\\('Bcc: x'\\);) >> "
                             "/AA << /WC << /S /Launch /F (/bin/sh) >> >> "), "application/pdf",
                           "f.pdf"), {"limit": 30})
    yield ("pdf_self_reference", "PDF whose Pages object is its own kid",
           with_attachment(pdf(["<< /Type /Catalog /Pages 2 0 R >>",
                                "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]), "application/pdf",
                           "self.pdf"), {"limit": 30})
    yield ("pdf_parent_loop", "PDF pages whose /Parent and /Kids form a cycle of 3",
           with_attachment(pdf(["<< /Type /Catalog /Pages 2 0 R >>",
                                "<< /Type /Pages /Kids [3 0 R] /Count 3 >>",
                                "<< /Type /Pages /Parent 2 0 R /Kids [4 0 R] /Count 2 >>",
                                "<< /Type /Pages /Parent 3 0 R /Kids [2 0 R] /Count 1 >>"]),
                           "application/pdf", "loop.pdf"), {"limit": 30})
    yield ("pdf_xref_prev_loop", "PDF whose xref /Prev points at itself",
           with_attachment(prev_loop_pdf(), "application/pdf", "prev.pdf"), {"limit": 30})
    yield ("pdf_length_self", "PDF stream whose /Length refers to its own object",
           with_attachment(pdf(["<< /Type /Catalog /Pages 2 0 R >>",
                                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                                b"<< /Length 4 0 R >>\nstream\nBT ET\nendstream"]),
                           "application/pdf", "len.pdf"), {"limit": 30})
    yield ("pdf_count_huge", "PDF claiming 2^31 pages and a 100,000-inch MediaBox",
           with_attachment(pdf(["<< /Type /Catalog /Pages 2 0 R >>",
                                "<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
                                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 7200000 7200000] >>"]),
                           "application/pdf", "huge.pdf"), {"limit": 60})
    yield ("pdf_flate_bomb", "PDF content stream that inflates to 500 MB",
           with_attachment(pdf_flate_bomb(), "application/pdf", "bomb.pdf"), {"limit": 60})
    yield ("pdf_garbage", "a PDF header then random-looking bytes",
           with_attachment(b"%PDF-1.7\n" + bytes((i * 131 + 7) % 256 for i in range(20000)),
                           "application/pdf", "g.pdf"), ok_req)
    yield ("pdf_deep_arrays", "PDF with arrays nested 100,000 deep",
           with_attachment(pdf(["<< /Type /Catalog /Pages 2 0 R /X " + "[" * 100000 + "]" * 100000
                                + " >>", "<< /Type /Pages /Kids [] /Count 0 >>"]),
                           "application/pdf", "deep.pdf"), {"limit": 30})
    yield ("pdf_image_huge", "PDF page holding an image that claims 100,000 x 100,000",
           with_attachment(pdf_huge_image(), "application/pdf", "img.pdf"), {"limit": 60})

    # --- images
    big = 100000
    yield ("png_100000_square", "PNG claiming 100,000 x 100,000 pixels",
           with_attachment(png(big, big), "image/png", "scan.png"), {"limit": 60})
    yield ("png_wide", "PNG claiming 2^31-1 x 1 pixels",
           with_attachment(png(0x7fffffff, 1), "image/png", "wide.png"), {"limit": 60})
    yield ("png_zero", "PNG of 0 x 0 pixels", with_attachment(png(0, 0), "image/png", "z.png"), {})
    yield ("png_idat_bomb", "PNG 20,000 x 20,000 whose IDAT inflates to 400 MB",
           with_attachment(png(20000, 20000, idat=deflate_run(b"\x00", 400 << 20)),
                           "image/png", "bomb.png"), {"limit": 60})
    yield ("jpeg_65535_square", "JPEG header claiming 65,535 x 65,535",
           with_attachment(jpeg(65535, 65535), "image/jpeg", "scan.jpg"), {"limit": 60})
    yield ("jpeg_truncated", "JPEG SOI then nothing",
           with_attachment(b"\xff\xd8\xff", "image/jpeg", "t.jpg"), ok_req)
    yield ("tiff_100000_square", "TIFF claiming 100,000 x 100,000",
           with_attachment(tiff(big, big), "image/tiff", "scan.tif"), {"limit": 60})
    yield ("tiff_ifd_loop", "TIFF whose next-IFD offset points at itself",
           with_attachment(tiff_loop(), "image/tiff", "loop.tif"), {"limit": 60})
    yield ("image_as_octet_png", "a huge PNG sent as application/octet-stream named .png",
           with_attachment(png(big, big), "application/octet-stream", "scan.png"), {"limit": 60})

    # --- automatic-mail and loop bait
    yield ("auto_submitted_injection", "Auto-Submitted: no with an encoded CRLF",
           message(body=REQUEST_VI, headers=[hdr("Auto-Submitted", "=?utf-8?q?no=0D=0ABcc:_x?=")]),
           {})
    yield ("return_path_victim", "Return-Path and Sender naming the victim",
           message(body=REQUEST_VI, headers=[hdr("Return-Path", f"<{VICTIM}>"),
                                            hdr("Sender", VICTIM)]), ok_req)


def lie_sizes(data):
    """A zip whose local and central headers claim 10 bytes unpacked for every entry."""
    b = bytearray(data)
    i = 0
    while True:
        i = b.find(b"PK\x03\x04", i)
        if i < 0:
            break
        struct.pack_into("<I", b, i + 22, 10)
        i += 4
    i = 0
    while True:
        i = b.find(b"PK\x01\x02", i)
        if i < 0:
            break
        struct.pack_into("<I", b, i + 24, 10)
        i += 4
    return bytes(b)


def flag_entries(data):
    """A zip whose entries say encrypted (flag bit 0) and method 99."""
    b = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = 0
        while (i := b.find(sig, i)) >= 0:
            struct.pack_into("<HH", b, i + flag_at, 1, 99)
            i += 4
    return bytes(b)


def prev_loop_pdf():
    """A PDF whose trailer's /Prev is the offset of its own xref section."""
    objs = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]
    head = pdf(objs)
    xref_at = head.rindex(b"xref\n")
    body = head[:xref_at]
    xref = (b"xref\n0 3\n0000000000 65535 f \n" + b"%010d 00000 n \n" % body.index(b"1 0 obj")
            + b"%010d 00000 n \n" % body.index(b"2 0 obj")
            + b"trailer\n<< /Size 3 /Root 1 0 R /Prev %d >>\n" % xref_at)
    return body + xref + b"startxref\n%d\n%%%%EOF\n" % xref_at


def pdf_flate_bomb():
    """A one-page PDF whose content stream inflates to 500 MB of spaces."""
    comp = deflate_run(b" ", 500 << 20)
    return pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(comp) + comp
                + b"\nendstream"])


def pdf_huge_image():
    """A one-page PDF drawing an image XObject that claims 100,000 x 100,000 gray pixels."""
    comp = zlib.compress(b"\x80" * 1000)
    content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
    return pdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                "/Resources << /XObject << /Im1 5 0 R >> >> >>",
                b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
                b"<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /ColorSpace "
                b"/DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
                % len(comp) + comp + b"\nendstream"])


def tiff_loop():
    """A TIFF of 8 x 8 whose IFD's next offset is the IFD itself."""
    t = bytearray(tiff(8, 8))
    n = struct.unpack_from("<H", t, 8)[0]
    struct.pack_into("<I", t, 8 + 2 + 12 * n, 8)
    return bytes(t)


def main():
    if len(sys.argv) != 2:
        print("usage: gen.py OUTDIR", file=sys.stderr)
        return 2
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".eml") or f == "catalogue.json":
            os.unlink(os.path.join(out, f))
    index, seen = [], set()
    for i, (name, what, data, expect) in enumerate(catalogue(), 1):
        assert name not in seen, name
        seen.add(name)
        fname = f"{i:03d}-{name}.eml"
        # a Message-ID of its own, or the daemon takes the rest for copies
        data = data.replace(b"Message-ID: <hostile@stp.danang.gov.vn>",
                            b"Message-ID: <hostile-%03d@stp.danang.gov.vn>" % i, 1)
        with open(os.path.join(out, fname), "wb") as f:
            f.write(data)
        index.append({"file": fname, "name": name, "what": what, "size": len(data),
                      "expect": expect})
    with open(os.path.join(out, "catalogue.json"), "w", encoding="utf-8") as f:
        json.dump(index, f, ensure_ascii=False, indent=1)
    print(f"{len(index)} messages, {sum(e['size'] for e in index)} bytes, in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
