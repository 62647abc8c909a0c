#!/usr/bin/env python3
"""selfcheck.py - check the evaluation set against itself: every expected text value is in its message.

    bench/eval/selfcheck.py [SET_DIR]      (default bench/eval/set)

Decodes each NNNN.eml with the standard library (text parts by their charset,
falling back to UTF-8 and windows-1258 where the label is wrong; HTML without
tags; DOCX and XLSX text; forwarded message/rfc822 parts) and checks that the
text values of NNNN.expected.json (names, units, addresses, descriptions, …)
occur in it, NFC and case folded, old or new tone placement.  A value that is
not there is a bug of gen.py, not of a parser.  Exit status 1 when one is missing.
"""

import email
import email.policy
import glob
import html
import io
import json
import os
import re
import sys
import unicodedata
import zipfile

TEXT_KEYS = {"requesting_unit", "contact_name", "contact_email", "description", "website_url", "subdomain",
             "target_ip", "location", "purpose", "equipment", "change_detail", "admin_name", "admin_email",
             "full_name", "position", "department", "organization", "address"}
OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ",
             "ũy": "uỹ", "ụy": "uỵ", "òe": "oè", "óe": "oé", "ỏe": "oẻ", "õe": "oẽ", "ọe": "oẹ"}


def zip_text(raw):
    """The text of a DOCX (paragraph by paragraph) or XLSX (cells)."""
    out = []
    z = zipfile.ZipFile(io.BytesIO(raw))
    for name in z.namelist():
        x = z.read(name).decode("utf-8")
        if name == "word/document.xml":
            for par in re.findall(r"<w:p>.*?</w:p>", x.replace("<w:tab/>", "<w:t>\t</w:t>")):
                out.append("".join(re.findall(r"<w:t[^>]*>(.*?)</w:t>", par)))
        elif name.endswith(".xml"):
            out.append(re.sub(r"<[^>]+>", " ", x))
    return html.unescape("\n".join(out))


def part_text(p):
    """The text of one leaf part."""
    raw = p.get_payload(decode=True) or b""
    ctype = p.get_content_type()
    if ctype.endswith(("wordprocessingml.document", "spreadsheetml.sheet")):
        return zip_text(raw)
    for codec in ("utf-8", "cp1258"):
        try:
            text = raw.decode(codec)
            break
        except UnicodeDecodeError:
            continue
    if ctype == "text/html":
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text


def message_text(path):
    """All text of a message, NFC, soft line breaks joined, spaces collapsed, case folded."""
    with open(path, "rb") as fh:
        m = email.message_from_binary_file(fh, policy=email.policy.compat32)
    text = "\n".join(part_text(p) for p in m.walk() if not p.is_multipart())
    text = re.sub(r" \n", " ", unicodedata.normalize("NFC", text))
    return re.sub(r"\s+", " ", text).casefold()


def values(fields):
    """(key, value) of every text value, list entries included."""
    for k, v in fields.items():
        if isinstance(v, list):
            for e in v:
                yield from ((kk, vv) for kk, vv in e.items() if isinstance(vv, str))
        elif isinstance(v, str):
            yield k, v


def old_tones(s):
    """s with the old tone placement."""
    for new, old in OLD_TONES.items():
        s = re.sub(new + r"(?![^\W\d_])", old, s)
    return s


def main(argv):
    """Check every message of the set; print what is missing."""
    here = os.path.dirname(os.path.abspath(__file__))
    set_dir = argv[1] if len(argv) > 1 else os.path.join(here, "set")
    bad = n = 0
    for ep in sorted(glob.glob(os.path.join(set_dir, "*.expected.json"))):
        with open(ep, encoding="utf-8") as fh:
            exp = json.load(fh)
        text = message_text(ep[:-len(".expected.json")] + ".eml")
        n += 1
        for k, v in values(exp["fields"]):
            want = re.sub(r"\s+", " ", v).casefold()
            if k in TEXT_KEYS and want not in text and old_tones(want) not in text:
                print(f"{os.path.basename(ep)}: {k} {v!r} is not in the message")
                bad += 1
    print(f"selfcheck: {n} messages, {bad} expected values not found in their message")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
