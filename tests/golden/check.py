#!/usr/bin/python3
"""check.py - compare phieuctl's parse result of one message with its golden file.

    check.py PHIEUCTL NAME.eml NAME.json
    check.py --self-test PHIEUCTL NAME.eml

NAME.json holds only the keys to check, written by hand from what a careful
person reads in NAME.eml (shared/DOMAIN.md), never copied from the parser:

  type, form_code, proper_mailbox, wrong_mailbox, source, mailbox
                  equal to the output's value (form_code null: null or absent)
  fields          the complete fields object: exact equality (key order inside
                  objects does not matter; list order does)
  missing, doubtful
                  the same keys, in any order
  automatic       true: the output has a non-empty "automatic";
                  false: it has none
  problems        true: the output lists at least one problem; false: none;
                  a list: exactly these problems, in any order

Prints a diff per key (expected vs got) and exits 1 on any difference,
0 when everything checked is equal, 2 when phieuctl could not be run or
printed no JSON object.

--self-test checks the comparison itself, whatever the parser says: the
output, taken as its own expectation, must pass, and each of a set of
single changes to it (a field value, a field added or dropped, a list
element changed, the type, automatic, problems) must fail.
"""

import copy
import json
import subprocess
import sys

MISSING = object()


def canon(v):
    """A JSON value as text with object keys sorted, for exact comparison."""
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def show(v):
    """A value for the diff; an absent key says so."""
    if v is MISSING:
        return "(absent)"
    return json.dumps(v, ensure_ascii=False, sort_keys=True)


def run_parser(phieuctl, eml):
    """The parse result of eml as a dict; raises RuntimeError when there is none."""
    try:
        p = subprocess.run([phieuctl, "parse", eml], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise RuntimeError("cannot run %s: %s" % (phieuctl, e))
    err = p.stderr.decode("utf-8", "replace").strip()
    if p.returncode != 0:
        raise RuntimeError("%s parse %s exited %d%s" % (phieuctl, eml, p.returncode,
                                                        (": " + err) if err else ""))
    try:
        got = json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise RuntimeError("output is not JSON (%s): %r" % (e, p.stdout[:300]))
    if not isinstance(got, dict):
        raise RuntimeError("output is not a JSON object: %r" % p.stdout[:300])
    return got


def pair(label, want, got):
    """Two aligned lines: what was expected and what came out."""
    return ["  %s: expected %s" % (label, show(want)),
            "  %s  got      %s" % (" " * len(label), show(got))]


def diff_fields(want, got):
    """Lines describing how two fields objects differ, per key."""
    if not isinstance(want, dict) or not isinstance(got, dict):
        return pair("fields", want, got)
    out = []
    for k in sorted(set(want) | set(got)):
        w, g = want.get(k, MISSING), got.get(k, MISSING)
        if w is not MISSING and g is not MISSING and canon(w) == canon(g):
            continue
        if (isinstance(w, list) and isinstance(g, list)):
            out.append("  fields.%s: lists differ" % k)
            for i in range(max(len(w), len(g))):
                wi = w[i] if i < len(w) else MISSING
                gi = g[i] if i < len(g) else MISSING
                if wi is MISSING or gi is MISSING or canon(wi) != canon(gi):
                    out.append("    [%d] expected %s" % (i, show(wi)))
                    out.append("        got      %s" % show(gi))
            continue
        out.extend(pair("fields." + k, w, g))
    return out


def compare(want, got):
    """Lines describing every difference between the expectation and the output."""
    out = []
    for key in want:
        w = want[key]
        g = got.get(key, MISSING)
        if key == "fields":
            if g is MISSING:
                out.extend(pair("fields", w, g))
            else:
                out.extend(diff_fields(w, g))
        elif key in ("missing", "doubtful"):
            if not isinstance(g, list):
                out.extend(pair(key, sorted(w), g))
            elif sorted(map(canon, w)) != sorted(map(canon, g)):
                out.extend(pair(key, sorted(w), sorted(g)))
        elif key in ("automatic", "problems") and isinstance(w, bool):
            present = g is not MISSING and g not in (None, "", [], {})
            if present != w:
                out += ["  %s: expected %s" % (key, "present" if w else "absent"),
                        "  %s  got      %s" % (" " * len(key), show(g))]
        elif key == "problems" and isinstance(w, list):
            if not isinstance(g, list) or sorted(w) != sorted(g):
                out.extend(pair(key, sorted(w), g))
        elif key == "form_code" and w is None:
            if g is not MISSING and g is not None:
                out.extend(pair(key, None, g))
        elif g is MISSING or canon(w) != canon(g):
            out.extend(pair(key, w, g))
    return out


def check(phieuctl, eml, expected_file):
    with open(expected_file, encoding="utf-8") as f:
        want = json.load(f)
    if not isinstance(want, dict):
        print("%s: not a JSON object" % expected_file)
        return 2
    try:
        got = run_parser(phieuctl, eml)
    except RuntimeError as e:
        print("FAIL %s: %s" % (eml, e))
        return 2
    diffs = compare(want, got)
    if diffs:
        print("FAIL %s: expected (%s) vs got" % (eml, expected_file))
        print("\n".join(diffs))
        print("-- full output:")
        print(json.dumps(got, ensure_ascii=False, indent=2, sort_keys=True))
        return 1
    print("ok %s (checked: %s)" % (eml, ", ".join(want)))
    return 0


def self_test(phieuctl, eml):
    """The comparison must accept the output itself and reject each change to it."""
    got = run_parser(phieuctl, eml)
    base = {k: got[k] for k in ("type", "form_code", "fields", "missing", "wrong_mailbox")
            if k in got}
    base["automatic"] = bool(got.get("automatic"))
    base["problems"] = bool(got.get("problems"))
    failures = []
    if compare(base, got):
        failures.append("the output does not match itself: %s" % compare(base, got))

    def mutant(name, change):
        w = copy.deepcopy(base)
        change(w)
        if not compare(w, got):
            failures.append("a changed expectation passed: " + name)

    fields = base.get("fields") or {}
    mutant("type", lambda w: w.__setitem__("type", "not-" + str(w.get("type"))))
    mutant("automatic flipped", lambda w: w.__setitem__("automatic", not w["automatic"]))
    mutant("problems flipped", lambda w: w.__setitem__("problems", not w["problems"]))
    mutant("field added", lambda w: w["fields"].__setitem__("zz_extra", "x"))
    mutant("missing added", lambda w: w.__setitem__("missing", w.get("missing", []) + ["zz"]))
    mutant("wrong_mailbox flipped",
           lambda w: w.__setitem__("wrong_mailbox", not w.get("wrong_mailbox", False)))
    for k, v in fields.items():
        mutant("field %s dropped" % k, lambda w, k=k: w["fields"].pop(k))
        if isinstance(v, str):
            mutant("field %s changed" % k,
                   lambda w, k=k, v=v: w["fields"].__setitem__(k, v + "x"))
            if v.swapcase() != v:
                mutant("field %s changed case" % k,
                       lambda w, k=k, v=v: w["fields"].__setitem__(k, v.swapcase()))
        elif isinstance(v, bool):
            mutant("field %s flipped" % k, lambda w, k=k, v=v: w["fields"].__setitem__(k, not v))
        elif isinstance(v, list) and v and isinstance(v[0], dict):
            def change_item(w, k=k):
                item = w["fields"][k][0]
                sub = sorted(item)[0]
                item[sub] = str(item[sub]) + "x"
            mutant("field %s element changed" % k, change_item)
            mutant("field %s element dropped" % k, lambda w, k=k: w["fields"][k].pop())
            if len(v) > 1:
                mutant("field %s reordered" % k, lambda w, k=k: w["fields"][k].reverse())
    if failures:
        print("self-test FAILED on %s:" % eml)
        print("\n".join("  " + f for f in failures))
        return 1
    print("self-test ok on %s (%d fields)" % (eml, len(fields)))
    return 0


def main(argv):
    # expected and got values are Vietnamese: never fail on a C locale
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")
    if len(argv) == 4 and argv[1] == "--self-test":
        try:
            return self_test(argv[2], argv[3])
        except RuntimeError as e:
            print("self-test: %s" % e)
            return 2
    if len(argv) != 4:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    return check(argv[1], argv[2], argv[3])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
