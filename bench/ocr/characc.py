#!/usr/bin/python3
"""characc.py CORPUS_DIR TEXT_DIR - character accuracy of OCR text.

For each TEXT_DIR/NNNN.txt, compares the text with "rendered_text" of
CORPUS_DIR/NNNN.expected.json (the form as printed): 1 - edit distance /
length of the printed text, after NFC, with check-box glyphs and the " | "
between table cells taken out and every run of white space (line breaks
too) made one space.  Prints one line per page and the total over all
characters.
"""

import json
import os
import re
import sys
import unicodedata


def norm(s):
    s = unicodedata.normalize("NFC", s)
    s = s.replace("☐", " ").replace("☑", " ").replace(" | ", " ")
    return re.sub(r"\s+", " ", s).strip()


def distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def main():
    corpus, texts = sys.argv[1], sys.argv[2]
    errors = total = 0
    for name in sorted(f for f in os.listdir(texts) if f.endswith(".txt")):
        ident = name[:-4]
        with open(os.path.join(corpus, ident + ".expected.json"), encoding="utf-8") as f:
            ref = norm(json.load(f)["rendered_text"])
        with open(os.path.join(texts, name), encoding="utf-8") as f:
            hyp = norm(f.read())
        e = distance(hyp, ref)
        errors += e
        total += len(ref)
        print(f"{ident} {1 - e / len(ref):.3f}")
    print(f"all {1 - errors / max(total, 1):.3f}")


if __name__ == "__main__":
    main()
