#!/usr/bin/env python3
"""search_sketch.py - what does an FTS5 query cost over N requests, by ranking?

    bench/search_sketch.py requests.jsonl [--runs R] [--db FILE]

A sizing aid beside bench/search.sh, independent of phieu's code: it builds an
FTS5 index of the requests bench/search_gen.py writes (subject, the fields'
values and the body, folded the way staff type: lower case, no diacritics,
đ as d; tokenizer unicode61 with remove_diacritics 2), then times, for each
of search.sh's queries typed without diacritics, each run on a new connection
(SQLite's page cache empty, as in a new phieuctl process; the file in the
system's cache):

  all      the 20 best by bm25 of ALL matching requests
  newest   the 20 best by bm25 among the newest 1000 matching requests
           (the 1000th newest match's rowid found first, without ranking)
  count    how many requests match, nothing ranked

and prints the median milliseconds of each.  bm25 reads every match's
positions and column sizes, so "all" grows with the number of matches: a
unit's name or "da nang" matches thousands.  Python 3 standard library only
(its sqlite3 module must have FTS5).
"""

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import unicodedata

QUERIES = ["so tu phap", "duong bach dang", "hoa cuong bac", "mat ket noi mang",
           "nguyen van an", "camera", "trang tra cuu ho so", "da nang", "dat lai mat khau",
           "khong co yeu cau nao nhu the"]
SQL = {
    "all": "SELECT r.number FROM fts JOIN requests r ON r.id = fts.rowid WHERE fts MATCH ?1 "
           "ORDER BY bm25(fts) LIMIT 20",
    "newest": "SELECT r.number FROM fts JOIN requests r ON r.id = fts.rowid WHERE fts MATCH ?1 "
              "AND fts.rowid >= (SELECT coalesce(min(rowid), 0) FROM (SELECT rowid FROM fts "
              "WHERE fts MATCH ?1 ORDER BY rowid DESC LIMIT 1000)) ORDER BY bm25(fts) LIMIT 20",
    "count": "SELECT count(*) FROM fts WHERE fts MATCH ?1",
}


def fold(text):
    """Lower case, without diacritics, đ as d."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn").lower()


def values(v):
    """The strings of a JSON value, depth first."""
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from values(x)
    elif isinstance(v, list):
        for x in v:
            yield from values(x)


def build(path, jsonl):
    """The requests and their index in a new database; seconds taken."""
    t0 = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE requests (id INTEGER PRIMARY KEY, number TEXT, subject TEXT);"
                     "CREATE VIRTUAL TABLE fts USING fts5(subject, fields, body, "
                     "tokenize = 'unicode61 remove_diacritics 2');")
    with open(jsonl, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            r = json.loads(line)
            db.execute("INSERT INTO requests VALUES (?, ?, ?)", (i, f"{i:07d}", r["subject"]))
            db.execute("INSERT INTO fts(rowid, subject, fields, body) VALUES (?, ?, ?, ?)",
                       (i, fold(r["subject"]), fold(" ".join(values(r["fields"]))),
                        fold(r.get("body", ""))))
    db.commit()
    db.close()
    return time.perf_counter() - t0


def timed(path, sql, query, runs):
    """Median milliseconds of the statement, each run on a new connection."""
    match = " ".join(f'"{w}"' for w in fold(query).split())
    ms = []
    for _ in range(runs):
        t0 = time.perf_counter()
        db = sqlite3.connect(path)
        db.execute(sql, (match,)).fetchall()
        db.close()
        ms.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ms)


def main():
    ap = argparse.ArgumentParser(description="FTS5 query cost by ranking")
    ap.add_argument("jsonl")
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--db", help="keep the database here (default: a temporary file)")
    args = ap.parse_args()
    tmp = None
    path = args.db
    if path is None:
        tmp = tempfile.mkdtemp(prefix="phieu-search-sketch.")
        path = os.path.join(tmp, "sketch.db")
    try:
        secs = build(path, args.jsonl)
        print(f"indexed in {secs:.1f} s, database {os.path.getsize(path) >> 20} MiB")
        print(f"{'query':30} {'matches':>7} {'all ms':>8} {'newest ms':>9} {'count ms':>8}")
        db = sqlite3.connect(path)
        for q in QUERIES:
            match = " ".join(f'"{w}"' for w in fold(q).split())
            n = db.execute(SQL["count"], (match,)).fetchone()[0]
            t = {k: timed(path, s, q, args.runs) for k, s in SQL.items()}
            print(f"{q:30} {n:7} {t['all']:8.1f} {t['newest']:9.1f} {t['count']:8.1f}")
        db.close()
    finally:
        if tmp is not None:
            for name in os.listdir(tmp):
                os.unlink(os.path.join(tmp, name))
            os.rmdir(tmp)


if __name__ == "__main__":
    main()
