#!/usr/bin/python3
"""poor.py - scanned forms in three kinds, and how well phieu reads each.

    poor.py make CORPUS_DIR OUT_DIR    from the scan of each scan-style mail
                                       of CORPUS_DIR (300 dpi PNG), and of
                                       the 4 golden scans' forms drawn anew
                                       (fixtures.py, 300 dpi), write
                                       OUT_DIR/KIND/NNNN.eml (+ a link to
                                       NNNN.expected.json) for KIND in
                                         clean  the scan as it is
                                         photo  a phone photo / photocopy:
                                                150-200 dpi, turned 0.5-3
                                                degrees, light falling off
                                                across the page, specks,
                                                blur, JPEG q45-70
                                         pdf    a PDF holding only the page
                                                image, embedded at 100-150
                                                dpi (JPEG)
    poor.py score OUT_DIR PARSED_DIR   PARSED_DIR/KIND/NNNN.json (phieuctl
                                       parse of OUT_DIR/KIND/NNNN.eml):
                                       per kind, field P/R/F1 (bench/score.py)
                                       the wrong values (a unit
                                       predicted but not expected, or not
                                       as expected) that are not listed in
                                       "doubtful", and the right values
                                       that are; --list prints them

Each degradation is seeded by the form's number (plus POOR_SEED, 0 unless
set): the set is the same on every run; another POOR_SEED gives other
photos and PDFs of the same forms.  Needs python3-pil.  bench/ocr/poor.sh runs it all.
"""

import io
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import scans  # noqa: E402

KINDS = ("clean", "photo", "pdf")
SEED = int(os.environ.get("POOR_SEED", "0"))


def photo(im, seed):
    """A phone photo or photocopy of a 300 dpi page (PIL gray image): JPEG bytes."""
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    dpi = rnd.randrange(150, 201, 10)
    f = dpi / 300.0
    im = im.resize((round(im.width * f), round(im.height * f)), Image.LANCZOS)
    angle = rnd.uniform(0.5, 3.0) * rnd.choice((-1, 1))
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    # light falling off from one corner: paper from ~235 down to ~150
    w, h = im.size
    cx, cy = rnd.choice((0, w)), rnd.choice((0, h))
    dark = rnd.uniform(0.55, 0.7)
    shade = Image.new("L", (64, 64))
    for y in range(64):
        for x in range(64):
            d = (((x * w / 63 - cx) / w) ** 2 + ((y * h / 63 - cy) / h) ** 2) ** 0.5 / 1.42
            shade.putpixel((x, y), round(255 * (0.93 - (0.93 - dark) * d)))
    shade = shade.resize((w, h), Image.BILINEAR)
    from PIL import ImageChops
    im = ImageChops.multiply(im, shade)
    draw = ImageDraw.Draw(im)
    for _ in range(int(w * h / 2500)):
        x, y = rnd.randrange(w), rnd.randrange(h)
        r = rnd.choice((0, 0, 1, 1, 2))
        draw.ellipse((x, y, x + r, y + r), fill=rnd.randrange(0, 90))
    im = im.filter(ImageFilter.GaussianBlur(rnd.uniform(0.4, 0.8)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=rnd.randrange(45, 71, 5), dpi=(dpi, dpi))
    return buf.getvalue(), "%d dpi, %+.2f degrees" % (dpi, angle)


def lowres_pdf(im, seed):
    """A PDF holding only the page image (PIL gray, 300 dpi) at 100-150 dpi: PDF bytes."""
    from PIL import Image

    rnd = random.Random(seed + 1000)
    dpi = rnd.randrange(100, 151, 10)
    f = dpi / 300.0
    im = im.resize((round(im.width * f), round(im.height * f)), Image.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=dpi, quality=75)
    return buf.getvalue(), "%d dpi image" % dpi


# the golden scans' forms (fixtures.py), drawn anew at 300 dpi: forms the
# corpus does not have, expected as tests/golden/NAME.json says
GOLDEN = (("9001", "scan_png_tech_support", "TECH_SUPPORT"),
          ("9002", "scan_jpeg_mailbox_create", "MAILBOX_CREATE"),
          ("9003", "scan_pdf_subdomain", "SUBDOMAIN"),
          ("9004", "scan_photo_website", "WEBSITE"))


def golden_mails(out):
    """(ident, message, part) of the golden scans' forms as clean 300 dpi PNG scans."""
    import email
    from email import policy
    import fixtures
    import form

    golden = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    for ident, name, rows in GOLDEN:
        with open(os.path.join(golden, name + ".json"), encoding="utf-8") as f:
            exp = json.load(f)
        exp["style"] = "golden_form"
        with open(os.path.join(out, "expected", ident + ".expected.json"), "w", encoding="utf-8") as f:
            json.dump(exp, f, ensure_ascii=False, indent=1)
        with open(os.path.join(golden, name + ".eml"), "rb") as f:
            msg = email.message_from_binary_file(f, policy=policy.default)
        buf = io.BytesIO()
        form.render(getattr(fixtures, rows), 300).save(buf, "PNG", dpi=(300, 300))
        for part in msg.walk():
            if part.get_filename():
                part.set_content(buf.getvalue(), maintype="image", subtype="png",
                                 filename="scan_%s.png" % ident, disposition="attachment")
                break
        yield ident, msg, part, os.path.abspath(os.path.join(out, "expected", ident + ".expected.json"))


def make(corpus, out):
    from PIL import Image

    for kind in KINDS:
        os.makedirs(os.path.join(out, kind), exist_ok=True)
    mails = [(i, m, p, os.path.abspath(os.path.join(corpus, i + ".expected.json")))
             for i, m, p in scans.scan_mails(corpus)]
    for ident, msg, part, exp in mails + list(golden_mails(out)):
        raw = part.get_payload(decode=True)
        im = Image.open(io.BytesIO(raw)).convert("L")
        base = part.get_filename().rsplit(".", 1)[0]
        for kind in KINDS:
            if kind == "photo":
                data, what = photo(im, int(ident) + SEED)
                part.set_content(data, maintype="image", subtype="jpeg",
                                 filename=base + ".jpg", disposition="attachment")
            elif kind == "pdf":
                data, what = lowres_pdf(im, int(ident) + SEED)
                part.set_content(data, maintype="application", subtype="pdf",
                                 filename=base + ".pdf", disposition="attachment")
            else:
                what = "as it is"
            with open(os.path.join(out, kind, ident + ".eml"), "wb") as f:
                f.write(msg.as_bytes())
            link = os.path.join(out, kind, ident + ".expected.json")
            if not os.path.exists(link):
                os.symlink(exp, link)
            print("%s/%s: %s" % (kind, ident, what))


def wrong_values(exp, pred):
    """Keys whose predicted value is wrong (set but not expected as given)."""
    import score as sc

    ef, opt = exp.get("fields") or {}, exp.get("optional") or {}
    pf = pred.get("fields") if isinstance(pred.get("fields"), dict) else {}
    out = []
    for key in sorted(set(pf) - set(exp.get("ignore") or [])):
        tp, fp, fn, so, st = sc.score_field(key, ef, pf, opt)
        if fp or so < st:
            out.append(key)
    return out


def right_values(exp, pred, wrong):
    """Keys whose predicted value is the expected one (not in wrong)."""
    ef = exp.get("fields") or {}
    pf = pred.get("fields") if isinstance(pred.get("fields"), dict) else {}
    skip = set(wrong) | set(exp.get("ignore") or [])
    return [key for key in sorted(pf) if key in ef and key not in skip]


def score(out, parsed, listing):
    import score as sc

    print("| kind | n | type right | field P | field R | field F1 | wrong values"
          " | of them not in doubtful | right values in doubtful |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS:
        total = dict.fromkeys(sc.COUNTERS, 0)
        wrong = silent = right_doubted = 0
        for name, exp in sc.expectations(os.path.join(out, kind)):
            pred = sc.load(os.path.join(parsed, kind, name + ".json"))
            c, _ = sc.score_one(exp, pred)
            sc.add(total, c)
            pred = pred if isinstance(pred, dict) else {}
            doubt = set(pred.get("doubtful") or [])
            bad = wrong_values(exp, pred)
            for key in right_values(exp, pred, bad):
                if key in doubt or (key in sc.LIST_KEYS and "_people" in doubt):
                    right_doubted += 1
                    if listing:
                        print("  %s/%s %s [doubtful, right]: %r" % (
                            kind, name, key, pred["fields"][key]), file=sys.stderr)
            for key in bad:
                wrong += 1
                hidden = key not in doubt and not (key in sc.LIST_KEYS and "_people" in doubt)
                silent += hidden
                if listing:
                    print("  %s/%s %s%s: %r (expected %r)" % (
                        kind, name, key, "" if hidden else " [doubtful]",
                        (pred.get("fields") or {}).get(key),
                        (exp.get("fields") or {}).get(key)), file=sys.stderr)
        p, r, f = sc.prf(total) or (None, None, None)
        print("| %s | %d | %s | %s | %s | %s | %d | %d | %d |" % (
            kind, total["n"], sc.pct(total["type_ok"] / max(total["n"], 1)),
            sc.pct(p), sc.pct(r), sc.pct(f), wrong, silent, right_doubted))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--list"]
    if len(args) != 3 or args[0] not in ("make", "score"):
        sys.exit(__doc__)
    if args[0] == "make":
        make(args[1], args[2])
    else:
        score(args[1], args[2], "--list" in sys.argv)
