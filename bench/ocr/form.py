#!/usr/bin/python3
"""form.py - draw a filled-in request form as a scanned page (PIL).

Used by fixtures.py to make the golden scans; not by phieu.  A form is a
list of rows (see FORMS in fixtures.py):

  ("header", [left lines], [right lines])   two centred columns; a line is
                                            text, "*text" bold, "_text" bold
                                            and underlined
  ("right", text)                           italic, right-aligned
  ("title", text)                           bold, centred, larger
  ("center", text)                          centred
  ("field", label, value)                   "label: value ....." to the margin
                                            (value None: the label alone)
  ("pair", label, value, label2, value2)    two fields on one line
  ("boxes", label, [(option, ticked)…])     check boxes drawn as squares
  ("table", [headers], [[cells]…], [widths in mm])
  ("date", text)                            italic, in the right column
  ("sign", left, right)                     two bold titles, a scribble

Text is Liberation Serif 13 pt, A4, margins 25 mm; render(rows, dpi) gives
a gray PIL image.  Needs python3-pil and fonts-liberation2 (or
fonts-liberation, whose 1.x fonts lack most Vietnamese letters).
"""

from PIL import Image, ImageDraw, ImageFont

import os

# Liberation 2 has the Vietnamese letters; Debian's fonts-liberation (1.x)
# draws boxes for most of them
FONTS = "/usr/share/fonts/truetype/liberation%s/LiberationSerif-%%s.ttf" % (
    "2" if os.path.isdir("/usr/share/fonts/truetype/liberation2") else "")


class Page:
    def __init__(self, dpi):
        self.dpi = dpi
        self.mm = dpi / 25.4
        self.im = Image.new("L", (round(210 * self.mm), round(297 * self.mm)), 255)
        self.d = ImageDraw.Draw(self.im)
        size = round(13 / 72 * dpi)
        self.font = {s: ImageFont.truetype(FONTS % s, size)
                     for s in ("Regular", "Bold", "Italic", "BoldItalic")}
        self.big = ImageFont.truetype(FONTS % "Bold", round(15 / 72 * dpi))
        self.left = round(25 * self.mm)
        self.right = self.im.width - round(20 * self.mm)
        self.y = round(18 * self.mm)
        self.line = round(size * 1.5)

    def width(self, text, font):
        return self.d.textlength(text, font=font)

    def text(self, x, text, font):
        self.d.text((x, self.y), text, font=font, fill=0)
        return x + self.width(text, font)

    def leader(self, x, to=None):
        """Dots from x to the margin (or to)."""
        f = self.font["Regular"]
        x += self.width(" ", f)
        dot = self.width(".", f)
        n = int(((to or self.right) - x) // dot)
        return self.text(x, "." * max(n, 0), f)

    def box(self, x, ticked):
        s = round(self.line * 0.42)
        top = self.y + round(self.line * 0.2)
        w = max(1, round(self.dpi / 150))
        self.d.rectangle((x, top, x + s, top + s), outline=0, width=w)
        if ticked:
            self.d.line((x + s * 0.15, top + s * 0.5, x + s * 0.4, top + s * 0.85,
                         x + s * 1.1, top - s * 0.25), fill=0, width=w + 1)
        return x + s + self.width("  ", self.font["Regular"])


def _styled(p, line):
    if line.startswith("_"):
        return line[1:], p.font["Bold"], True
    if line.startswith("*"):
        return line[1:], p.font["Bold"], False
    return line, p.font["Regular"], False


def render(rows, dpi):
    p = Page(dpi)
    mid = p.im.width / 2
    for row in rows:
        kind = row[0]
        if kind == "header":
            y0 = p.y
            for col, lines in ((0, row[1]), (1, row[2])):
                p.y = y0
                centre = p.left + (mid - p.left) / 2 - 10 * p.mm if col == 0 else mid + (p.right - mid) / 2
                for line in lines:
                    text, font, under = _styled(p, line)
                    w = p.width(text, font)
                    p.text(centre - w / 2, text, font)
                    if under:
                        yb = p.y + round(p.line * 0.8)
                        p.d.line((centre - w / 2, yb, centre + w / 2, yb), fill=0,
                                 width=max(1, round(dpi / 200)))
                    p.y += p.line
            p.y = max(p.y, y0 + p.line * len(row[1])) + p.line // 2
        elif kind == "right":
            f = p.font["Italic"]
            p.text(p.right - p.width(row[1], f), row[1], f)
            p.y += p.line
        elif kind in ("title", "center"):
            f = p.big if kind == "title" else p.font["Regular"]
            p.text(mid - p.width(row[1], f) / 2, row[1], f)
            p.y += p.line + (p.line // 3 if kind == "title" else 0)
        elif kind == "field":
            x = p.text(p.left, row[1] + ":", p.font["Regular"])
            if row[2] is not None:  # None: a heading, no leader
                x = p.text(x, " " + row[2], p.font["Regular"]) if row[2] else x
                p.leader(x)
            p.y += p.line
        elif kind == "pair":
            x = p.text(p.left, row[1] + ": " + row[2], p.font["Regular"])
            second = row[3] + ": " + row[4]
            start = max(x + p.width(" ........", p.font["Regular"]), mid - 5 * p.mm)
            p.leader(x, start - p.width(" ", p.font["Regular"]))
            x = p.text(start, second, p.font["Regular"])
            p.leader(x)
            p.y += p.line
        elif kind == "boxes":
            x = p.text(p.left, row[1] + ": ", p.font["Regular"])
            for option, ticked in row[2]:
                need = p.line * 0.6 + p.width(option + "   ", p.font["Regular"])
                if x + need > p.right:
                    p.y += p.line
                    x = p.left
                x = p.box(x, ticked)
                x = p.text(x, option + "   ", p.font["Regular"])
            p.y += p.line
        elif kind == "table":
            headers, cells, widths = row[1], row[2], [w * p.mm for w in row[3]]
            xs = [p.left]
            for w in widths:
                xs.append(xs[-1] + w)
            lw = max(1, round(dpi / 200))
            top = p.y
            ys = [top]
            for r, texts in enumerate([headers] + cells):
                font = p.font["Bold"] if r == 0 else p.font["Regular"]
                height = 1
                for c, text in enumerate(texts):
                    # wrap the cell's words to its width
                    lines, cur = [], ""
                    for word in text.split():
                        t = (cur + " " + word).strip()
                        if cur and p.width(t, font) > widths[c] - 3 * p.mm:
                            lines.append(cur)
                            cur = word
                        else:
                            cur = t
                    lines.append(cur)
                    height = max(height, len(lines))
                    for k, line in enumerate(lines):
                        p.d.text((xs[c] + 1.5 * p.mm, ys[-1] + 0.15 * p.line + k * p.line * 0.85),
                                 line, font=font, fill=0)
                ys.append(ys[-1] + round(height * p.line * 0.85 + 0.3 * p.line))
            for y in ys:
                p.d.line((xs[0], y, xs[-1], y), fill=0, width=lw)
            for x in xs:
                p.d.line((x, ys[0], x, ys[-1]), fill=0, width=lw)
            p.y = ys[-1] + p.line // 3
        elif kind == "date":
            f = p.font["Italic"]
            p.text(mid + (p.right - mid) / 2 - p.width(row[1], f) / 2, row[1], f)
            p.y += p.line * 2
        elif kind == "sign":
            for col, text in ((0, row[1]), (1, row[2])):
                centre = p.left + (mid - p.left) / 2 if col == 0 else mid + (p.right - mid) / 2
                p.text(centre - p.width(text, p.font["Bold"]) / 2, text, p.font["Bold"])
            p.y += p.line
            f = p.font["Italic"]
            for col, text in ((0, "(Ký, ghi rõ họ tên)"), (1, "(Ký tên, đóng dấu)")):
                centre = p.left + (mid - p.left) / 2 if col == 0 else mid + (p.right - mid) / 2
                p.text(centre - p.width(text, f) / 2, text, f)
            # a signature on the right
            c = mid + (p.right - mid) / 2
            pts = [(c - 15 * p.mm + k * p.mm, p.y + 2.2 * p.line + (3 * p.mm) * ((k % 7) - 3) / 3)
                   for k in range(0, 30, 3)]
            p.d.line(pts, fill=40, width=max(1, round(dpi / 120)))
            p.y += p.line * 4
    return p.im
