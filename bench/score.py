#!/usr/bin/env python3
"""score.py - score phieuctl parse outputs against expected JSON, per style and overall.

    bench/score.py [--title T] [--markdown] [--json FILE] [--list-wrong] [--fields] EXP_DIR:OUT_DIR[:PREFIX] ...

Each EXP_DIR holds expectations: NAME.expected.json (bench/eval/set, a sample
corpus) or NAME.json (tests/golden).  OUT_DIR holds NAME.json, the parse result
of NAME.eml; a missing or unreadable one counts as no prediction.  Several
EXP_DIR:OUT_DIR pairs are scored together; PREFIX (e.g. "golden/") is put in
front of their style names.  The style of a message is its expectation's
"style", or else taken from its name (tests/golden: body_vi_x -> body_vi,
charset_x -> charset).

Per message: type right (the output's "type" equals the expected one), and
fields as units: a scalar field is one unit, each accounts/visitors entry is one
unit, matched as a set by address or full_name (accounts) or full_name or id_no
(visitors); "items" is the share of matched entries' sub-fields that are right.
Precision, recall and F1 are micro-averaged over units; an expectation without
"fields" (some golden files check other keys only) counts for the type alone.  A unit is right when
key and normalised value match, compared as shared/DOMAIN.md prescribes and as
the corpus scorer does: NFC, old tone placement as new (hoà = hòa), case folded,
white space collapsed, trailing punctuation dropped; phones as national digits
(+84 -> 0); e-mail addresses lower-case; website_url without scheme and final
"/"; desired_time with "T" or " "; times H:MM = HH:MM; id_no digits; booleans
also from yes/no/có/không; free text (description, purpose, change_detail,
equipment) right at difflib similarity >= 0.90; where the expected value has
no diacritics, the prediction's are ignored.  Keys under "optional" may be
predicted (then they must be right) but are not required; keys listed under
"ignore" are not scored at all.

With --fields, a second table counts per field key over all messages: right,
wrong (a different value), missed (expected, not given) and extra (given, not
expected), precision right/(right+wrong+extra) and recall
right/(right+wrong+missed), worst recall first; "accounts" and "visitors" count
list entries, "accounts.mobile" and the like the sub-fields of matched entries.

Exit status 0.  Python 3 standard library only.
"""

import argparse
import difflib
import glob
import json
import os
import re
import sys
import unicodedata

PHONE_KEYS = {"contact_phone", "admin_phone", "mobile", "phone"}
EMAIL_KEYS = {"contact_email", "admin_email", "address"}
FREE_KEYS = {"description", "purpose", "change_detail", "equipment"}
LIST_KEYS = {"accounts": ("address", "full_name"), "visitors": ("full_name", "id_no")}
TONES = "\u0300\u0301\u0303\u0309\u0323"
OLD_TONE = re.compile("(?<![qQ])([oO][aAeE][" + TONES + "]|[uU][yY][" + TONES + "])"
                      "(?![A-Za-z\u0300-\u036f\u0110\u0111])")
COUNTERS = ("n", "type_ok", "tp", "fp", "fn", "sub_ok", "sub_tot", "nofile")
FIELD_COUNTERS = ("right", "wrong", "missed", "extra")


def plain(s):
    """s without diacritics (đ -> d)."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def norm_text(s):
    """Text compared loosely: NFC, new tone placement, case folded, spaces collapsed, end punctuation dropped."""
    s = unicodedata.normalize("NFD", str(s))
    s = OLD_TONE.sub(lambda m: m.group(1)[0] + m.group(1)[2] + m.group(1)[1], s)
    s = re.sub(r"\s+", " ", unicodedata.normalize("NFC", s).casefold()).strip()
    return s.rstrip(" .;,").strip("\"'“”")


def norm_phone(s):
    """A phone number as national digits."""
    d = re.sub(r"\D", "", str(s))
    if d.startswith("84") and len(d) in (11, 12):
        d = "0" + d[2:]
    if len(d) == 9 and d[0] in "35789":
        d = "0" + d
    return d


def norm_bool(v):
    """A boolean from true/false, yes/no, có/không."""
    if isinstance(v, bool):
        return v
    t = norm_text(v)
    if t in ("true", "yes", "có", "co", "1", "x"):
        return True
    if t in ("false", "no", "không", "khong", "0"):
        return False
    return t


def norm_time(s):
    """A time of day as HH:MM."""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})(?::00)?", str(s).strip())
    return f"{int(m.group(1)):02d}:{m.group(2)}" if m else norm_text(s)


def norm_value(key, v):
    """The comparable form of value v of field key."""
    if v is None:
        return None
    if key in PHONE_KEYS:
        return norm_phone(v)
    if key in EMAIL_KEYS:
        return str(v).strip().lower().removeprefix("mailto:")
    if key == "emergency":
        return norm_bool(v)
    if key == "website_url":
        return re.sub(r"^[a-z]+://", "", str(v).strip().lower()).rstrip("/")
    if key == "subdomain":
        return str(v).strip().lower().rstrip(".")
    if key == "desired_time":
        return re.sub(r"T(\d{2}:\d{2}):00$", r"T\1", str(v).strip().replace(" ", "T"))
    if key in ("time_from", "time_to"):
        return norm_time(v)
    if key == "id_no":
        return re.sub(r"\D", "", str(v))
    if key == "approval_ref":
        return re.sub(r"\s+", "", norm_text(v)).upper()
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return str(v)
    return norm_text(v)


def same(key, exp, got):
    """Whether a predicted value counts as the expected one."""
    e, g = norm_value(key, exp), norm_value(key, got)
    if e == g:
        return True
    if not (isinstance(e, str) and isinstance(g, str)):
        return False
    if key not in PHONE_KEYS | EMAIL_KEYS and plain(e) == e and plain(g) == e:
        return True
    if key in FREE_KEYS:
        if plain(e) == e:
            g = plain(g)
        return difflib.SequenceMatcher(None, e, g, autojunk=False).ratio() >= 0.90
    return False


def tally(fields, key, outcome):
    """Count one outcome (right, wrong, missed, extra) of field key into fields (when kept)."""
    if fields is not None:
        fields.setdefault(key, dict.fromkeys(FIELD_COUNTERS, 0))[outcome] += 1


def match_list(key, exp_items, got_items, fields=None):
    """Greedy set matching of list entries: (tp, fp, fn, sub-fields right, sub-fields expected);
    the outcome of each matched entry's sub-field is counted into fields as KEY.SUB."""
    ids = LIST_KEYS[key]
    got = [g for g in (got_items or []) if isinstance(g, dict)]
    used, tp, sub_ok, sub_tot = set(), 0, 0, 0
    for e in exp_items:
        hit = next((j for j, g in enumerate(got) if j not in used and
                    any(k in e and k in g and same(k, e[k], g[k]) for k in ids)), None)
        if hit is None:
            continue
        used.add(hit)
        tp += 1
        for k, v in e.items():
            sub_tot += 1
            ok = k in got[hit] and same(k, v, got[hit][k])
            sub_ok += ok
            given = got[hit].get(k) not in (None, "")
            tally(fields, f"{key}.{k}", "right" if ok else "wrong" if given else "missed")
    return tp, len(got) - len(used), len(exp_items) - tp, sub_ok, sub_tot


def score_field(key, ef, pf, opt, fields=None):
    """(tp, fp, fn, sub_ok, sub_tot) of one key of one message."""
    if key in LIST_KEYS:
        ev = ef.get(key) or []
        pv = pf.get(key) if isinstance(pf.get(key), list) else ([] if key not in pf else [None])
        tp, fp, fn, so, st = match_list(key, ev, pv, fields)
        return tp, (0 if key not in ef and key in opt else fp), fn, so, st
    got = pf.get(key)
    if key in ef:
        if got is None or got == "":
            return 0, 0, 1, 0, 0
        return (1, 0, 0, 0, 0) if same(key, ef[key], got) else (0, 1, 1, 0, 0)
    if got is None or got == "" or got == []:
        return 0, 0, 0, 0, 0
    if key in opt and same(key, opt[key], got):
        return 0, 0, 0, 0, 0
    return 0, 1, 0, 0, 0


def score_one(exp, pred, fields=None):
    """Counters of one message, and the keys it got wrong (for --list-wrong); per-key outcomes
    are counted into fields when it is a dict (for --fields)."""
    c = dict.fromkeys(COUNTERS, 0)
    c["n"] = 1
    if pred is None:
        c["nofile"] = 1
    pred = pred if isinstance(pred, dict) else {}
    c["type_ok"] = int(pred.get("type") == exp.get("type"))
    if "fields" not in exp:  # an expectation of the type only (some golden files)
        return c, []
    ef, opt = exp.get("fields") or {}, exp.get("optional") or {}
    pf = pred.get("fields") if isinstance(pred.get("fields"), dict) else {}
    skip = set(exp.get("ignore") or [])
    wrong = []
    for key in sorted((set(ef) | set(pf)) - skip):
        tp, fp, fn, so, st = score_field(key, ef, pf, opt, fields)
        if fields is not None:
            if key in LIST_KEYS:
                for outcome, x in (("right", tp), ("missed", fn), ("extra", fp)):
                    for _ in range(x):
                        tally(fields, key, outcome)
            elif tp or fp or fn:
                tally(fields, key, "right" if tp else "wrong" if fp and fn else "missed" if fn else "extra")
        for name, x in zip(("tp", "fp", "fn", "sub_ok", "sub_tot"), (tp, fp, fn, so, st)):
            c[name] += x
        if fp or fn or so < st:
            wrong.append(key)
    return c, wrong


def style_of(name, exp):
    """The style of a message: its expectation's, or the leading words of its name."""
    if exp.get("style"):
        return exp["style"]
    words = name.split("_")
    return "_".join(words[:2]) if words[0] == "body" and len(words) > 1 else words[0]


def expectations(exp_dir):
    """(name, expectation) pairs of a folder: *.expected.json, or else *.json."""
    files = sorted(glob.glob(os.path.join(exp_dir, "*.expected.json")))
    suffix = ".expected.json"
    if not files:
        files, suffix = sorted(glob.glob(os.path.join(exp_dir, "*.json"))), ".json"
    out = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            exp = json.load(fh)
        if isinstance(exp, dict) and "type" in exp:
            out.append((os.path.basename(path)[:-len(suffix)], exp))
    return out


def load(path):
    """A parse result, or None when there is none."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def add(total, c):
    """Add counters c into total."""
    for k in COUNTERS:
        total[k] = total.get(k, 0) + c[k]


def prf(c):
    """Precision, recall, F1 of counters c (None when there was nothing to score)."""
    if c["tp"] + c["fp"] + c["fn"] == 0:
        return None
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_sets(specs, fields=None):
    """Score EXP:OUT[:PREFIX] specs: ({style: counters}, total, [(name, style, wrong keys, type ok)]);
    per-key outcomes are counted into fields when it is a dict."""
    by_style, total, detail = {}, {}, []
    for spec in specs:
        exp_dir, out_dir, prefix = (spec.split(":") + [""])[:3]
        for name, exp in expectations(exp_dir):
            c, wrong = score_one(exp, load(os.path.join(out_dir, name + ".json")), fields)
            style = prefix + style_of(name, exp)
            add(by_style.setdefault(style, {}), c)
            add(total, c)
            detail.append((prefix + name, style, wrong, bool(c["type_ok"])))
    return by_style, total, detail


def pct(x):
    """x as a percentage with one decimal."""
    return "-" if x is None else f"{100 * x:.1f} %"


def row(name, c):
    """The table cells of one style."""
    s = prf(c)
    return [name, str(c["n"]), pct(c["type_ok"] / c["n"]), pct(s and s[0]), pct(s and s[1]), pct(s and s[2]),
            pct(c["sub_ok"] / c["sub_tot"]) if c["sub_tot"] else "-"]


def report(title, by_style, total, markdown, out=sys.stdout):
    """Print one table: a row per style and the overall row."""
    head = ["style", "n", "type right", "field P", "field R", "field F1", "list items"]
    rows = [row(s, by_style[s]) for s in sorted(by_style)] + [row("**all**" if markdown else "ALL", total)]
    if title:
        print(f"{'### ' if markdown else ''}{title}\n", file=out)
    print_table(head, rows, markdown, out)


def print_table(head, rows, markdown, out):
    """Print rows under head, as markdown or as aligned text, then a blank line."""
    if markdown:
        print("| " + " | ".join(head) + " |", file=out)
        print("|" + "|".join("---" if j == 0 else "---:" for j in range(len(head))) + "|", file=out)
        for r in rows:
            print("| " + " | ".join(r) + " |", file=out)
    else:
        w = [max(len(r[j]) for r in rows + [head]) for j in range(len(head))]
        for r in [head] + rows:
            print("  ".join(x.ljust(w[0]) if j == 0 else x.rjust(w[j]) for j, x in enumerate(r)), file=out)
    print("", file=out)


def field_report(fields, markdown, out=sys.stdout):
    """Print the per-field table: counts, precision and recall, worst recall first."""
    head = ["field", "right", "wrong", "missed", "extra", "P", "R"]
    rows = []
    for key, c in fields.items():
        given, wanted = c["right"] + c["wrong"] + c["extra"], c["right"] + c["wrong"] + c["missed"]
        p = c["right"] / given if given else None
        r = c["right"] / wanted if wanted else None
        rows.append((1.0 if r is None else r, key,
                     [key] + [str(c[k]) for k in FIELD_COUNTERS] + [pct(p), pct(r)]))
    rows = [x[2] for x in sorted(rows, key=lambda x: (x[0], x[1]))]
    print_table(head, rows, markdown, out)


def main(argv=None):
    """Command line."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="+", metavar="EXP_DIR:OUT_DIR[:PREFIX]")
    ap.add_argument("--title", default="")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--json", help="also write the counters as JSON to this file")
    ap.add_argument("--list-wrong", action="store_true", help="also list each message with a wrong type or field")
    ap.add_argument("--fields", action="store_true", help="also print right/wrong/missed/extra and P/R per field key")
    a = ap.parse_args(argv)
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
    fields = {} if a.fields else None
    by_style, total, detail = score_sets(a.sets, fields)
    if not total:
        print("no expectations found", file=sys.stderr)
        return 0
    report(a.title, by_style, total, a.markdown)
    if fields is not None:
        field_report(fields, a.markdown)
    if a.list_wrong:
        for name, style, wrong, type_ok in detail:
            if wrong or not type_ok:
                print(f"{name} [{style}]{'' if type_ok else ' TYPE'} {' '.join(wrong)}")
    if a.json:
        res = {"all": dict(total, PRF=prf(total)), "by_style": {s: dict(c, PRF=prf(c)) for s, c in by_style.items()}}
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump(res, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
