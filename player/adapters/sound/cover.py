"""The cover image of a rendered audiobook, drawn here (nothing copied): a calm dusk gradient, a soft
rising circle, and the title. The same words always give the same picture."""

from __future__ import annotations

import io
import textwrap

SIZE = 800
#: Dusk blue at the top to a warm rose at the bottom; the circle is a pale gold.
TOP, BOTTOM, SUN = (38, 52, 89), (214, 150, 140), (250, 222, 170)


def cover_png(title: str, subtitle: str = "") -> bytes:
    """A square PNG with `title` (and `subtitle`) on it."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    img = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(img)
    for y in range(SIZE):
        t = y / (SIZE - 1)
        draw.line([(0, y), (SIZE, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(TOP, BOTTOM, strict=True)))
    glow = Image.new("L", (SIZE, SIZE), 0)
    r = SIZE // 5
    cx, cy = SIZE // 2, int(SIZE * 0.64)
    ImageDraw.Draw(glow).ellipse([cx - r, cy - r, cx + r, cy + r], fill=255)
    glow = glow.filter(ImageFilter.GaussianBlur(SIZE // 40))
    img.paste(Image.new("RGB", (SIZE, SIZE), SUN), mask=glow)
    # the horizon: a soft band across the lower part of the circle
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, int(SIZE * 0.74), SIZE, SIZE], fill=tuple(round(c * 0.85) for c in BOTTOM))

    def text(words: str, size: int, top: int, width: int) -> int:
        font = ImageFont.load_default(size=size)
        for line in textwrap.wrap(words, width):
            w = draw.textlength(line, font=font)
            draw.text(((SIZE - w) / 2, top), line, font=font, fill=(250, 246, 240))
            top += int(size * 1.25)
        return top

    below = text(title, 64, int(SIZE * 0.12), 20)
    if subtitle:
        text(subtitle, 36, below + 20, 34)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
