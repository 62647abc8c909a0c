#!/usr/bin/python3
"""scans.py - the scanned forms of a corpus, as images and as poorer scans.

    scans.py extract CORPUS_DIR OUT_DIR   OUT_DIR/NNNN.png|jpg|tif: the scan
                                          attached to each NNNN.eml whose
                                          NNNN.expected.json has a scan style
    scans.py noisy CORPUS_DIR OUT_DIR     OUT_DIR/NNNN.jpg: each scan made
                                          poor (noisy.py: 200 dpi, JPEG q60,
                                          1-2 degrees, specks), and
                                          OUT_DIR/NNNN.eml: the mail with it
                                          in place of the clean scan, beside
                                          a link to NNNN.expected.json

Prints the names written.  Uses only the standard library (noisy needs
python3-pil).
"""

import email
import json
import os
import sys
from email import policy


def scan_mails(corpus):
    """(ident, message, part) for each mail of a scan style with an image."""
    for name in sorted(os.listdir(corpus)):
        if not name.endswith(".expected.json"):
            continue
        ident = name.split(".")[0]
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            style = json.load(f).get("style", "")
        if not style.startswith("scan"):
            continue
        with open(os.path.join(corpus, ident + ".eml"), "rb") as f:
            msg = email.message_from_binary_file(f, policy=policy.default)
        for part in msg.walk():
            if part.get_content_type().startswith("image/") and part.get_filename():
                yield ident, msg, part
                break


def extract(corpus, out):
    for ident, _, part in scan_mails(corpus):
        ext = {"image/png": "png", "image/jpeg": "jpg", "image/tiff": "tif"}.get(
            part.get_content_type(), "img")
        path = os.path.join(out, f"{ident}.{ext}")
        with open(path, "wb") as f:
            f.write(part.get_payload(decode=True))
        print(path)


def noisy(corpus, out):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import noisy as degrade  # needs python3-pil

    for ident, msg, part in scan_mails(corpus):
        src = os.path.join(out, f"{ident}.clean")
        with open(src, "wb") as f:
            f.write(part.get_payload(decode=True))
        jpg = os.path.join(out, f"{ident}.jpg")
        degrade.degrade(src, jpg, int(ident))
        os.unlink(src)
        name = part.get_filename().rsplit(".", 1)[0] + ".jpg"
        with open(jpg, "rb") as f:
            part.set_content(f.read(), maintype="image", subtype="jpeg", filename=name,
                             disposition="attachment")
        with open(os.path.join(out, f"{ident}.eml"), "wb") as f:
            f.write(msg.as_bytes())
        link = os.path.join(out, f"{ident}.expected.json")
        if not os.path.exists(link):
            os.symlink(os.path.abspath(os.path.join(corpus, f"{ident}.expected.json")), link)
        print(jpg)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("extract", "noisy"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[3], exist_ok=True)
    {"extract": extract, "noisy": noisy}[sys.argv[1]](sys.argv[2], sys.argv[3])
