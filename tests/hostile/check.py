#!/usr/bin/python3
"""check.py - run `phieuctl parse` on every message of the hostile catalogue.

    check.py PHIEUCTL OUTDIR [NAME...]

OUTDIR is written first by gen.py (next to this file) when it holds no
catalogue.json or an older one than gen.py.  Each message is parsed on its own, under a time limit
(TIMEOUT seconds before it counts as hung, and the entry's own "limit"
before it counts as too slow) and an address-space limit (MEMORY bytes).
For each one, checked:

  - phieuctl exited 0 (not killed by a signal, not out of memory), and
    printed one JSON object with a string "type";
  - "type" is the expected one when the entry names it;
  - the output holds none of the entry's "absent" substrings, nor anything
    from /etc/passwd (root:x:0:0), a raw NUL, CR or LF escaped into a
    value meant for headers ("requester", "form_code", "mailbox");
  - "requester", when given, is one address without spaces or controls and
    is none of the entry's "requester_not" (look-alikes of staff);
  - no value anywhere in the output starts with "../" or "/" and names
    /etc/passwd (a path-traversal filename echoed as a path).

Prints one line per message (status, seconds, type, size, name) and a
summary; exits 1 when any message failed, 0 otherwise.
"""

import json
import os
import resource
import subprocess
import sys
import time

TIMEOUT = 120            # seconds before a parse counts as hung
DEFAULT_LIMIT = 20       # seconds a parse may take unless the entry says more
MEMORY = 4 << 30         # address space of one phieuctl parse
HEADER_KEYS = ("requester", "form_code", "mailbox", "proper_mailbox", "type")


def limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def strings(v):
    """Every string inside a JSON value."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for k, x in v.items():
            yield k
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)


def check_one(phieuctl, path, expect):
    """(ok, seconds, type, [problems]) for one message."""
    problems = []
    t0 = time.monotonic()
    try:
        p = subprocess.run([phieuctl, "parse", path], stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=TIMEOUT,
                           preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - t0, "-", [f"hung: no answer in {TIMEOUT} s"]
    secs = time.monotonic() - t0
    limit = expect.get("limit", DEFAULT_LIMIT)
    if secs > limit:
        problems.append(f"took {secs:.1f} s, limit {limit} s")
    if p.returncode != 0:
        why = f"killed by signal {-p.returncode}" if p.returncode < 0 else f"exit {p.returncode}"
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        problems.append(f"{why}: {' | '.join(err)}")
        return False, secs, "-", problems
    out = p.stdout.decode("utf-8", "replace")
    try:
        o = json.loads(out)
    except ValueError as e:
        return False, secs, "-", problems + [f"no JSON: {e}"]
    if not isinstance(o, dict) or not isinstance(o.get("type"), str):
        return False, secs, "-", problems + ["no object with a string type"]
    typ = o["type"]
    allowed = expect.get("types") or ([expect["type"]] if "type" in expect else None)
    if allowed and typ not in allowed:
        problems.append(f"type {typ}, expected {' or '.join(allowed)}")
    for s in expect.get("absent", []) + ["root:x:0:0"]:
        if s in out:
            problems.append(f"output holds {s!r}")
    for k in HEADER_KEYS:
        v = o.get(k)
        if isinstance(v, str) and any(c in v for c in "\r\n\x00"):
            problems.append(f"{k} holds a CR, LF or NUL: {v[:80]!r}")
    req = o.get("requester")
    if req is not None:
        if not isinstance(req, str) or any(c.isspace() or ord(c) < 32 for c in req) \
                or req.count("@") != 1:
            problems.append(f"requester is not one address: {str(req)[:80]!r}")
        if req in expect.get("requester_not", []):
            problems.append(f"requester is {req} (a look-alike taken for it)")
    for s in strings(o):
        if "etc/passwd" in s and (s.startswith("../") or s.startswith("/")):
            problems.append(f"a path echoed: {s[:80]!r}")
            break
    return not problems, secs, typ, problems


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    phieuctl, outdir, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    index = os.path.join(outdir, "catalogue.json")
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen.py")
    if not os.path.exists(index) or os.path.getmtime(index) < os.path.getmtime(gen):
        subprocess.run([sys.executable, gen, outdir], check=True)
    with open(index, encoding="utf-8") as f:
        cat = json.load(f)
    failed, slowest, total = [], ("", 0.0), 0.0
    print(f"{'':4} {'seconds':>7}  {'type':<14} {'bytes':>9}  message")
    for e in cat:
        if only and e["name"] not in only:
            continue
        ok, secs, typ, problems = check_one(phieuctl, os.path.join(outdir, e["file"]), e["expect"])
        total += secs
        if secs > slowest[1]:
            slowest = (e["name"], secs)
        print(f"{'ok' if ok else 'FAIL':4} {secs:7.2f}  {typ:<14} {e['size']:>9}  {e['file']}",
              flush=True)
        for pr in problems:
            print(f"       {pr}", flush=True)
        if not ok:
            failed.append(e["name"])
    n = len(cat) if not only else len([e for e in cat if e["name"] in only])
    print(f"hostile: {n - len(failed)}/{n} passed in {total:.1f} s; slowest {slowest[0]} "
          f"({slowest[1]:.2f} s)" + (f"; FAILED: {' '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
