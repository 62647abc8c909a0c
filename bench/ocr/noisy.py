#!/usr/bin/python3
"""noisy.py IN.png OUT.jpg [SEED] - a poor scan of a clean one, as units send them.

The page is scaled from its resolution to 200 dpi, turned by 1-2 degrees
(the sign and the angle from SEED), dusted with specks (dark dots of one
to three pixels, a few light ones in the ink), blurred a little as a cheap
scanner does, and saved as JPEG quality 60 with 200 dpi in its header.
Needs python3-pil (bench and fixtures only; phieu does not use it).
"""

import random
import sys

from PIL import Image, ImageDraw, ImageFilter


def degrade(src, dst, seed):
    rnd = random.Random(seed)
    im = Image.open(src).convert("L")
    dpi = im.info.get("dpi", (300, 300))[0] or 300
    f = 200.0 / dpi
    im = im.resize((round(im.width * f), round(im.height * f)), Image.LANCZOS)
    angle = rnd.uniform(1.0, 2.0) * rnd.choice((-1, 1))
    im = im.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    # paper is rarely pure white
    im = im.point(lambda v: min(v, 238) if v > 200 else v)
    draw = ImageDraw.Draw(im)
    for _ in range(int(im.width * im.height / 2500)):
        x, y = rnd.randrange(im.width), rnd.randrange(im.height)
        r = rnd.choice((0, 0, 1, 1, 2))
        draw.ellipse((x, y, x + r, y + r), fill=rnd.randrange(0, 90))
    for _ in range(int(im.width * im.height / 20000)):
        x, y = rnd.randrange(im.width), rnd.randrange(im.height)
        draw.point((x, y), fill=235)
    im = im.filter(ImageFilter.GaussianBlur(0.6))
    im.save(dst, "JPEG", quality=60, dpi=(200, 200))
    return angle


if __name__ == "__main__":
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    a = degrade(sys.argv[1], sys.argv[2], seed)
    print(f"{sys.argv[2]}: 200 dpi, {a:+.2f} degrees, JPEG q60")
