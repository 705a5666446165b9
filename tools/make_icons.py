"""Draw the application icon: a calm navy shield with a white check mark.

    .venv/bin/python tools/make_icons.py        # rewrites resources/icons/

Writes `vertrouwd.ico` (16, 20, 24, 32, 40, 48, 64, 128 and 256 px: Explorer, the taskbar, the
Start menu and the installer each pick their own size) and PNGs of 16, 32, 48 and 256 px for
Qt's window icon (PNG needs no Qt image-format plugin). Every size is drawn on its own at 8x
and scaled down, so the small ones stay sharp instead of being shrunk from 256 px. With the
pinned Pillow on Linux the output is byte for byte the committed files (the test compares the
pixels, which is what must not drift on other platforms).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
PNG_SIZES = (16, 32, 48, 256)
SUPERSAMPLE = 8

NAVY = (31, 58, 95, 255)       # #1F3A5F: the shield
EDGE = (122, 150, 184, 255)    # #7A96B8: a quiet inner rim, only from 32 px up
WHITE = (255, 255, 255, 255)   # the check mark


def _shield(size: float) -> list[tuple[float, float]]:
    """Outline of the shield in a size x size square: flat top, straight sides, round point."""
    left, right, top, shoulder, point = 0.14, 0.86, 0.08, 0.50, 0.95
    pts: list[tuple[float, float]] = [(left, top), (right, top), (right, shoulder)]
    steps = 24
    # Right side bends to the point, then the left side comes back up (quadratic Béziers).
    for i in range(1, steps + 1):
        t = i / steps
        cx, cy = right, 0.78
        x = (1 - t) ** 2 * right + 2 * (1 - t) * t * cx + t**2 * 0.5
        y = (1 - t) ** 2 * shoulder + 2 * (1 - t) * t * cy + t**2 * point
        pts.append((x, y))
    for i in range(1, steps + 1):
        t = i / steps
        cx, cy = left, 0.78
        x = (1 - t) ** 2 * 0.5 + 2 * (1 - t) * t * cx + t**2 * left
        y = (1 - t) ** 2 * point + 2 * (1 - t) * t * cy + t**2 * shoulder
        pts.append((x, y))
    return [(x * size, y * size) for x, y in pts]


def _inset(points: list[tuple[float, float]], size: float, factor: float) -> list[tuple[float,
                                                                                      float]]:
    cx, cy = size / 2, size * 0.50
    return [(cx + (x - cx) * factor, cy + (y - cy) * factor) for x, y in points]


def draw(px: int) -> Image.Image:
    """The icon at px x px."""
    big = px * SUPERSAMPLE
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    outline = _shield(big)
    d.polygon(outline, fill=NAVY)
    if px >= 32:
        d.line([*_inset(outline, big, 0.86), _inset(outline, big, 0.86)[0]], fill=EDGE,
               width=max(1, round(big * 0.022)), joint="curve")
    # The check mark: thicker at small sizes so it survives 16 px.
    width = round(big * (0.13 if px < 32 else 0.10))
    check = [(0.32 * big, 0.49 * big), (0.45 * big, 0.62 * big), (0.69 * big, 0.35 * big)]
    d.line(check, fill=WHITE, width=width, joint="curve")
    r = width / 2
    for x, y in (check[0], check[-1]):
        d.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return img.resize((px, px), Image.Resampling.LANCZOS)


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def ico_bytes() -> bytes:
    images = [draw(px) for px in ICO_SIZES]
    buf = io.BytesIO()
    # The largest image leads; Pillow stores each listed size from the image of that size.
    images[-1].save(buf, format="ICO", sizes=[(px, px) for px in ICO_SIZES],
                    append_images=images[:-1])
    return buf.getvalue()


def outputs() -> dict[str, bytes]:
    files = {"vertrouwd.ico": ico_bytes()}
    for px in PNG_SIZES:
        files[f"vertrouwd-{px}.png"] = png_bytes(draw(px))
    return files


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in outputs().items():
        (OUT / name).write_bytes(data)
        print(f"{OUT.relative_to(ROOT) / name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
