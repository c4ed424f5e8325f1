"""Where a PDF's text and rules are: glyphs, lines, strokes, fonts (the reading's geometry).

Coordinates are points, origin at the page's TOP-left corner, y downwards (as in ``spec`` and
``layout``). A :class:`TextLine` is the upright glyphs sharing a baseline; its ``segments``
split it where the gap exceeds one and a half em (the 份号 and the 发文字号 share a baseline
but are separate items). Spaces are not kept as glyphs; ``text`` re-inserts one where the gap
between two glyphs is wider than a third of an em.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..spec import is_wide

SPACE_GAP_EM = 0.3


# --- colours -----------------------------------------------------------------------------------
def to_rgb(color: Any) -> tuple[float, float, float] | None:
    """A pdfplumber colour (gray, RGB or CMYK tuple, or a number) as RGB in 0–1, or None."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        v = float(color)
        return (v, v, v)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return None
    if len(vals) == 1:
        return (vals[0],) * 3  # type: ignore[return-value]
    if len(vals) == 3:
        return (vals[0], vals[1], vals[2])
    if len(vals) == 4:
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def is_red(rgb: tuple[float, float, float] | None) -> bool:
    if rgb is None:
        return False
    r, g, b = rgb
    return r >= 0.6 and g <= 0.4 and b <= 0.4 and r - max(g, b) >= 0.4


def is_black(rgb: tuple[float, float, float] | None) -> bool:
    return rgb is None or max(rgb) <= 0.25


def hex_color(rgb: tuple[float, float, float] | None) -> str:
    if rgb is None:
        return "000000"
    return "".join(f"{round(max(0.0, min(1.0, v)) * 255):02X}" for v in rgb)


# --- glyphs, lines, strokes --------------------------------------------------------------------
@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float  # ideographic em box top (EM_ASCENT × size above the baseline), from page top
    bottom: float
    baseline: float
    size: float
    font: str  # PDF base font name without the subset prefix
    color: tuple[float, float, float] | None
    stroked: bool = False  # drawn with a stroke (render mode 1, 2, 5, 6) or twice: faux bold

    @property
    def wide(self) -> bool:
        return is_wide(self.text)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _mode(values: list[float]) -> float:
    if not values:
        return 0.0
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def joined(glyphs: list[Glyph]) -> str:
    """The glyphs' text, a space where two stand more than a third of an em apart."""
    out = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and g.x0 - prev.x1 > SPACE_GAP_EM * max(g.size, prev.size):
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


@dataclass(slots=True)
class TextLine:
    page: int
    index: int  # 1-based, top to bottom, on its page
    baseline: float
    glyphs: list[Glyph]
    segments: list[list[Glyph]] = field(default_factory=list)
    spaces: list[Glyph] = field(default_factory=list)  # whitespace characters drawn on it

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        """The size most glyphs have (by count)."""
        return _mode([round(g.size, 2) for g in self.glyphs])

    @property
    def max_size(self) -> float:
        return max(g.size for g in self.glyphs)

    @property
    def red(self) -> bool:
        """Most of its glyphs are red (a 发文机关标志)."""
        return sum(is_red(g.color) for g in self.glyphs) > len(self.glyphs) / 2

    @property
    def text(self) -> str:
        return joined(self.glyphs)

    @property
    def drawn(self) -> str:
        """The characters as drawn, whitespace characters included and no space inferred
        (the text a copy from the PDF gives)."""
        chars = sorted([*self.glyphs, *self.spaces], key=lambda g: g.x0)
        return "".join(g.text for g in chars).strip()

    @property
    def compact(self) -> str:
        """The glyphs without any inferred space."""
        return "".join(g.text for g in self.glyphs)

    def steps(self) -> list[float]:
        """x-steps between consecutive wide glyphs of the line's size."""
        out = []
        for a, b in zip(self.glyphs, self.glyphs[1:], strict=False):
            if a.wide and b.wide and abs(a.size - b.size) < 0.1:
                out.append(b.x0 - a.x0)
        return out

    def width_chars(self) -> float:
        """Characters on the line: wide glyphs 1, others ½."""
        return sum(1.0 if g.wide else 0.5 for g in self.glyphs)

    def fonts(self) -> list[str]:
        return list(dict.fromkeys(g.font for g in self.glyphs))

    def where(self) -> str:
        return f"第{self.page}页第{self.index}行"


@dataclass(slots=True)
class Stroke:
    """A horizontal rule: a stroked line or a thin filled rectangle."""

    page: int
    x0: float
    x1: float
    y: float  # centre line
    width: float  # thickness
    color: tuple[float, float, float] | None

    @property
    def length(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class PdfPage:
    """One page: every baseline's glyphs (``lines``) and rules (``strokes``); and the page as
    the letter's text — ``content``, the lines split where items stand far apart (份号 |
    发文字号), without the printed page number and running headers or footers
    (``furniture``)."""

    number: int
    width: float
    height: float
    lines: list[TextLine]
    strokes: list[Stroke]
    content: list[TextLine] = field(default_factory=list)
    page_number: TextLine | None = None
    furniture: list[TextLine] = field(default_factory=list)


@dataclass(slots=True)
class FontUse:
    name: str  # base name, no subset prefix
    subtype: str
    embedded: bool
    pages: set[int] = field(default_factory=set)


@dataclass(slots=True)
class MissingGlyph:
    page: int
    char: str
    font: str
    reason: str  # "glyph 0" | "control" | "U+FFFD" | "no Unicode"
    x: float = 0.0
    y: float = 0.0


@dataclass(slots=True)
class PdfGeometry:
    """A PDF's pages, the fonts it uses and the glyphs it cannot show."""

    pages: list[PdfPage]
    fonts: dict[str, FontUse]
    missing: list[MissingGlyph]

    def lines(self) -> Iterable[TextLine]:
        for p in self.pages:
            yield from p.lines
