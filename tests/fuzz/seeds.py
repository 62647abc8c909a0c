#!/usr/bin/env python3
"""seeds.py - seed corpora for the fuzz targets, from the project's own fixtures.

    tests/fuzz/seeds.py OUTDIR

Writes OUTDIR/<target>/ for every fuzz_* target: whole messages
(tests/golden/*.eml, tests/integration/mail/**/*.eml), the attachments in
them by kind (DOCX/ODT, XLSX/CSV, PDF), their text bodies (fields, legacy),
the example configuration and rules files, and the small hand-written seeds
committed under tests/fuzz/seeds/<target>/.  Nothing large is committed:
the binary documents come out of the .eml fixtures at run time.
"""
import email
import email.policy
import hashlib
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
TARGETS = ["message", "fields", "commands", "office", "sheet", "pdf", "legacy", "config",
           "answer"]
KINDS = {
    "office": (".docx", ".odt", "wordprocessingml", "opendocument.text"),
    "sheet": (".xlsx", ".csv", "spreadsheetml", "text/csv"),
    "pdf": (".pdf", "application/pdf"),
}


def put(out, target, data, name):
    """Write one seed, named by its content so duplicates collapse."""
    digest = hashlib.sha1(data).hexdigest()[:12]
    (out / target / f"{name}-{digest}").write_bytes(data)


def kind_of(part):
    """Which document target an attachment belongs to, or None."""
    label = f"{part.get_filename() or ''} {part.get_content_type()}".lower()
    for target, marks in KINDS.items():
        if any(m in label for m in marks):
            return target
    return None


def from_message(out, path):
    """A message as a whole, its attachments and its text bodies."""
    raw = path.read_bytes()
    put(out, "message", raw, path.stem)
    put(out, "answer", b"\0" + raw, path.stem)  # 0 and a job: flags 0 (the quick pass), the message
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    for part in msg.walk():
        if part.is_multipart():
            continue
        try:
            data = part.get_payload(decode=True)
        except Exception:  # broken fixtures are broken on purpose
            continue
        if not data:
            continue
        target = kind_of(part)
        if target is not None:
            put(out, target, data, path.stem)
        elif part.get_content_maintype() == "text":
            charset = part.get_content_charset() or "utf-8"
            try:
                text = data.decode(charset, errors="replace").encode("utf-8")
            except LookupError:
                text = data
            put(out, "fields", b"\0" + text, path.stem)
            put(out, "commands", text, path.stem)
            # legacy: 1 = the bytes as latin-1, 0 = UTF-8
            put(out, "legacy", (b"1" if charset != "utf-8" else b"0") + data, path.stem)


def main():
    out = pathlib.Path(sys.argv[1])
    shutil.rmtree(out, ignore_errors=True)
    for t in TARGETS:
        (out / t).mkdir(parents=True)
    mails = sorted((ROOT / "tests" / "golden").glob("*.eml"))
    mails += sorted((ROOT / "tests" / "integration" / "mail").rglob("*.eml"))
    for path in mails:
        from_message(out, path)
    for name in ("phieu.conf.example", "rules.conf.example"):
        put(out, "config", (ROOT / "config" / name).read_bytes(), name)
    for t in TARGETS:
        own = ROOT / "tests" / "fuzz" / "seeds" / t
        if own.is_dir():
            for f in sorted(own.iterdir()):
                put(out, t, f.read_bytes(), f.stem)
    for t in TARGETS:
        n = len(list((out / t).iterdir()))
        if n == 0:
            put(out, t, b"\n", "empty")
        print(f"seeds: {t}: {max(n, 1)} file(s)")


if __name__ == "__main__":
    main()
