"""The rich menus' images, drawn by Renkei with Pillow (LINE shows the image; the areas take the taps).

Pillow is imported by the drawing, not by every process: a process whose menus are already on
LINE never draws one.
"""

from __future__ import annotations

import io
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from handlers.richmenus.layouts import WIDTH, Button, Menu

COLORS = {
    "plain": ("#ffffff", "#1f3b57", "#5c6f82"),
    "tab": ("#dfe7ee", "#5c6f82", "#5c6f82"),
    "tab-on": ("#1f6fb2", "#ffffff", "#ffffff"),
    "alert": ("#c62828", "#ffffff", "#ffe9e9"),
}
GRID = "#c9d3dc"
# LINE refuses a rich menu image over 1 MB.
MAX_BYTES = 1_000_000

if TYPE_CHECKING:
    from PIL import ImageDraw, ImageFont


@lru_cache(maxsize=1)
def font_path() -> str:
    """A font with Japanese glyphs, found the same way on any machine: the IPAex Gothic that
    matplotlib-fontja (a dependency, for the KPI charts) carries."""
    bundled = resources.files("matplotlib_fontja") / "fonts" / "ipaexg.ttf"
    if Path(str(bundled)).is_file():
        return str(bundled)
    raise FileNotFoundError("matplotlib-fontja's font is missing: reinstall Renkei's dependencies")


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(font_path(), size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int) -> ImageFont.FreeTypeFont:
    """The largest font up to `size` in which `text` fits `width`."""
    while size > 20 and draw.textlength(text, font=_font(size)) > width:
        size -= 6
    return _font(size)


def _button(draw: ImageDraw.ImageDraw, button: Button) -> None:
    x, y, w, h = button.bounds
    background, ink, hint_ink = COLORS[button.style]
    draw.rectangle((x, y, x + w - 1, y + h - 1), fill=background, outline=GRID, width=4)
    cx, cy = x + w / 2, y + h / 2
    big = button.style == "alert"
    label_size = 220 if big else (96 if button.style.startswith("tab") else 120)
    label_font = _fit(draw, button.label, w - 80, label_size)
    if button.hint and h > 300:
        hint_font = _fit(draw, button.hint, w - 80, 72 if big else 58)
        draw.text((cx, cy - 20), button.label, font=label_font, fill=ink, anchor="ms")
        draw.text((cx, cy + 50), button.hint, font=hint_font, fill=hint_ink, anchor="mt")
    else:
        draw.text((cx, cy), button.label, font=label_font, fill=ink, anchor="mm")


_DRAWN: dict[str, bytes] = {}


def _drawn(menu: Menu) -> bytes:
    if menu.name not in _DRAWN:
        _DRAWN[menu.name] = _draw(menu)
    return _DRAWN[menu.name]


def _draw(menu: Menu) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (WIDTH, menu.height), "#ffffff")
    draw = ImageDraw.Draw(image)
    for button in menu.buttons:
        _button(draw, button)
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = out.getvalue()
    if len(data) > MAX_BYTES:
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
        data = out.getvalue()
    return data


def menu_image(menu: Menu) -> tuple[bytes, str]:
    """The image (PNG, or JPEG if the PNG would pass LINE's 1 MB) and its content type."""
    data = _drawn(menu)
    return data, "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
