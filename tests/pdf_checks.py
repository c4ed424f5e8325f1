"""Measure any PDF (ours, or LibreOffice's of our DOCX) against GB/T 9704 with pdfplumber.

Nothing here reads the engine's own numbers: every figure comes from the PDF's characters
and drawing operators. All lengths are points; y is measured from the page TOP (as
pdfplumber's ``top``); a character's *baseline* comes from its text matrix.

Stable API (the DOCX checks reuse it):

- ``open_pdf(src)`` → ``pdfplumber.PDF`` (path or bytes)
- ``page_chars(page)`` → ``[PdfChar]``; ``text_lines(page)`` → ``[PdfLine]`` (grouped by baseline)
- ``body_lines(page)`` lines inside the type area; ``lines_per_page(pdf)``
- ``line_pitches(lines)``; ``full_lines(lines)``; ``chars_per_line(line)``; ``left_edge_steps(line)``
- ``exact_share(lines, n=28)``; ``fonts_of_line(line)``; ``base_font(name)``; ``font_ps_name(path, index)``
- ``page_number(page)`` → ``PageNumber | None``
- ``kinsoku_violations(pdf)`` → ``[(page_no, line_text, why)]``
- ``segments(page)`` / ``red_segments(page)`` → ``[Segment]`` horizontal strokes from lines/rects/curves
- ``extracted_text(pdf)``; ``normalise_text(s)``; ``text_diff(a, b)``
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pdfplumber

from gongwen.spec import (
    CHAR_PITCH,
    LINE_PITCH,
    TYPE_BOTTOM,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    pt_to_mm,
)

# GB/T 15834 §5.1, written out independently of the engine's tables
NO_LINE_START = frozenset("，。、；：？！）》”’〕】")
NO_LINE_END = frozenset("（《“‘〔【")


@dataclass(frozen=True)
class PdfChar:
    text: str
    x0: float
    x1: float
    top: float  # font-box top, from the page top
    bottom: float
    baseline: float  # from the page top
    size: float
    font: str  # base font name, subset prefix stripped
    color: tuple[float, ...]


@dataclass(frozen=True)
class PdfLine:
    page: int  # 1-based
    baseline: float
    chars: tuple[PdfChar, ...]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def ink(self) -> tuple[PdfChar, ...]:
        """The line's non-space characters."""
        return tuple(c for c in self.chars if not c.text.isspace())

    @property
    def x0(self) -> float:
        return self.ink[0].x0 if self.ink else 0.0

    @property
    def x1(self) -> float:
        return self.ink[-1].x1 if self.ink else 0.0

    @property
    def size(self) -> float:
        """The most common character size on the line."""
        sizes = [round(c.size, 1) for c in self.ink]
        return max(set(sizes), key=sizes.count) if sizes else 0.0


@dataclass(frozen=True)
class Segment:
    """A horizontal stroke: x0..x1 at centre line ``y`` (from the top), ``width`` thick."""

    x0: float
    x1: float
    y: float
    width: float
    color: tuple[float, ...] | None

    @property
    def length(self) -> float:
        return self.x1 - self.x0


@dataclass(frozen=True)
class PageNumber:
    text: str  # as drawn, spaces included
    size: float
    x0: float
    x1: float
    baseline: float
    dash_y: float  # centre line of the first dash's glyph ink estimate, from the top
    side: str  # "left" or "right"

    @property
    def dash_below_type_area_mm(self) -> float:
        return pt_to_mm(self.dash_y - TYPE_BOTTOM)


def open_pdf(src: str | Path | bytes) -> Any:
    """A pdfplumber PDF from a path or bytes (close it, or use it as a context manager)."""
    if isinstance(src, bytes | bytearray):
        return pdfplumber.open(io.BytesIO(src))
    return pdfplumber.open(str(src))


def base_font(name: str) -> str:
    """'ABCDEF+FandolFang-Regular' → 'FandolFang-Regular'."""
    head, plus, rest = name.partition("+")
    return rest if plus and len(head) == 6 and head.isupper() else name


@lru_cache(maxsize=64)
def font_ps_name(path: str | Path, index: int = 0) -> str:
    """The PostScript name (name ID 6) of a font file's face: what a PDF calls it."""
    from fontTools.ttLib import TTCollection, TTFont

    p = str(path)
    if p.lower().endswith((".ttc", ".otc")):
        font = TTCollection(p, lazy=True).fonts[index]
    else:
        font = TTFont(p, lazy=True)
    name = font["name"].getDebugName(6)
    return name or Path(p).stem


def page_chars(page: Any) -> list[PdfChar]:
    h = float(page.height)
    out = []
    for c in page.chars:
        m = c.get("matrix") or (1, 0, 0, 1, c["x0"], h - c["bottom"])
        color = c.get("non_stroking_color")
        if color is not None and not isinstance(color, tuple):
            color = tuple(color) if isinstance(color, list) else (float(color),)
        out.append(
            PdfChar(
                c["text"],
                float(c["x0"]),
                float(c["x1"]),
                float(c["top"]),
                float(c["bottom"]),
                h - float(m[5]),
                float(c["size"]),
                base_font(c["fontname"]),
                color or (),
            )
        )
    return out


def text_lines(page: Any, tolerance: float = 2.0) -> list[PdfLine]:
    """Characters grouped into lines by baseline (within ``tolerance``), top to bottom,
    each line's characters left to right."""
    chars = sorted(page_chars(page), key=lambda c: (c.baseline, c.x0))
    groups: list[list[PdfChar]] = []
    for c in chars:
        if groups and abs(groups[-1][0].baseline - c.baseline) <= tolerance:
            groups[-1].append(c)
        else:
            groups.append([c])
    num = page.page_number
    return [
        PdfLine(num, sum(c.baseline for c in g) / len(g), tuple(sorted(g, key=lambda c: c.x0)))
        for g in groups
        if any(not c.text.isspace() for c in g)
    ]


def body_lines(page: Any, top: float = TYPE_TOP, bottom: float = TYPE_BOTTOM) -> list[PdfLine]:
    """Lines whose baseline lies inside the type area (page numbers excluded)."""
    return [ln for ln in text_lines(page) if top < ln.baseline <= bottom + 1.0]


def lines_per_page(pdf: Any) -> list[int]:
    return [len(body_lines(p)) for p in pdf.pages]


def line_pitches(lines: Iterable[PdfLine]) -> list[float]:
    """Baseline differences between consecutive lines (of one page)."""
    ys = [ln.baseline for ln in lines]
    return [b - a for a, b in pairwise(ys)]


def is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F", "A") and ord(ch) > 0x2000


def full_lines(
    lines: Iterable[PdfLine],
    left: float = TYPE_LEFT,
    right: float = TYPE_RIGHT,
    tol: float = 2.0,
    cjk_only: bool = False,
) -> list[PdfLine]:
    """Lines that start at the left edge and end at the right edge of the measure;
    ``cjk_only``: only those made of full-width characters."""
    out = []
    for ln in lines:
        ink = ln.ink
        if not ink or abs(ink[0].x0 - left) > tol or abs(ink[-1].x1 - right) > tol + 0.5:
            continue
        if cjk_only and not all(is_wide(c.text) for c in ink):
            continue
        out.append(ln)
    return out


def chars_per_line(line: PdfLine) -> int:
    return len(line.ink)


def left_edge_steps(line: PdfLine) -> list[float]:
    xs = [c.x0 for c in line.ink]
    return [b - a for a, b in pairwise(xs)]


def exact_share(lines: Iterable[PdfLine], n: int = 28) -> float:
    """Share of ``lines`` holding exactly ``n`` characters (1.0 for no lines)."""
    lines = list(lines)
    if not lines:
        return 1.0
    return sum(1 for ln in lines if chars_per_line(ln) == n) / len(lines)


def fonts_of_line(line: PdfLine) -> dict[str, int]:
    """Base font name → number of the line's non-space characters set in it."""
    out: dict[str, int] = {}
    for c in line.ink:
        out[c.font] = out.get(c.font, 0) + 1
    return out


def page_number(page: Any, size_range: tuple[float, float] = (10.0, 16.0)) -> PageNumber | None:
    """The page number line below the type area, or None."""
    lines = [
        ln
        for ln in text_lines(page)
        if ln.baseline > TYPE_BOTTOM + 1.0 and size_range[0] <= ln.size <= size_range[1]
    ]
    if not lines:
        return None
    ln = lines[0]
    dash = next((c for c in ln.ink if c.text in "—－-"), ln.ink[0])
    # the dash stroke sits on the middle of the ideographic em box (0.88 em above baseline
    # to 0.12 em below): 0.38 em above the baseline
    dash_y = dash.baseline - 0.38 * dash.size
    mid = (ln.x0 + ln.x1) / 2
    side = "right" if mid > (TYPE_LEFT + TYPE_RIGHT) / 2 else "left"
    return PageNumber(ln.text, ln.size, ln.x0, ln.x1, ln.baseline, dash_y, side)


def kinsoku_violations(pdf: Any) -> list[tuple[int, str, str]]:
    """Lines of the type area that start with a closing or end with an opening mark."""
    bad = []
    for p in pdf.pages:
        for ln in body_lines(p):
            ink = ln.ink
            if ink and ink[0].text in NO_LINE_START:
                bad.append((ln.page, ln.text, f"starts with {ink[0].text}"))
            if ink and ink[-1].text in NO_LINE_END:
                bad.append((ln.page, ln.text, f"ends with {ink[-1].text}"))
    return bad


def _color(obj: dict, key: str) -> tuple[float, ...] | None:
    c = obj.get(key)
    if c is None:
        return None
    if isinstance(c, int | float):
        return (float(c),)
    return tuple(float(v) for v in c)


def segments(page: Any, min_length: float = 50.0, max_width: float = 6.0) -> list[Segment]:
    """Horizontal strokes at least ``min_length`` long and at most ``max_width`` thick, from
    stroked lines, thin rectangles (stroked or filled) and flat curves; sorted top down."""
    out: list[Segment] = []
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) < 0.5 and ln["x1"] - ln["x0"] >= min_length:
            y = (ln["top"] + ln["bottom"]) / 2
            w = float(ln.get("linewidth") or 0)
            out.append(Segment(ln["x0"], ln["x1"], y, w, _color(ln, "stroking_color")))
    for r in [*page.rects, *page.curves]:
        h = r["bottom"] - r["top"]
        if r["x1"] - r["x0"] < min_length or h > max_width:
            continue
        y = (r["top"] + r["bottom"]) / 2
        if r.get("fill") and h > 0.05:
            out.append(Segment(r["x0"], r["x1"], y, h, _color(r, "non_stroking_color")))
        elif r.get("stroke"):
            w = float(r.get("linewidth") or 0) + h
            out.append(Segment(r["x0"], r["x1"], y, w, _color(r, "stroking_color")))
    return sorted(out, key=lambda s: (s.y, s.x0))


def is_red(color: tuple[float, ...] | None) -> bool:
    if not color:
        return False
    if len(color) == 3:
        r, g, b = color
        return r > 0.6 and g < 0.35 and b < 0.35
    if len(color) == 4:  # CMYK
        c, m, y, k = color
        return c < 0.3 and m > 0.6 and y > 0.6 and k < 0.3
    return False


def red_segments(page: Any, min_length: float = 50.0) -> list[Segment]:
    return [s for s in segments(page, min_length) if is_red(s.color)]


PAGE_NUMBER_TEXT = re.compile(r"^[—－-]\s*\d+\s*[—－-]$")


def extracted_text(pdf: Any, page_numbers: bool = False) -> str:
    """The text of all pages (pdfplumber's extraction), pages joined by '\\n'; without
    ``page_numbers`` the page number line ("— N —" below the type area) is cut off, and
    only it: 信函格式's first page has no page number and its text runs below the type area
    to 7/8 of a line above the lower double rule."""
    out = []
    for p in pdf.pages:
        if not page_numbers:
            tops = [ln["top"] for ln in p.extract_text_lines()
                    if ln["top"] > TYPE_BOTTOM and PAGE_NUMBER_TEXT.match(ln["text"].strip())]
            if tops:
                p = p.crop((0, 0, float(p.width), min(tops) - 0.5))
        out.append(p.extract_text() or "")
    return "\n".join(out)


QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


def normalise_text(s: str) -> str:
    """NFKC, curly quotes made straight, all whitespace removed: for text comparison."""
    s = unicodedata.normalize("NFKC", s).translate(QUOTES)
    return "".join(ch for ch in s if not ch.isspace())


def text_diff(expected: str, actual: str, context: int = 20) -> str | None:
    """None when the normalised texts match, else where they first differ."""
    a, b = normalise_text(expected), normalise_text(actual)
    if a == b:
        return None
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"at {i}: expected …{a[max(0, i - context) : i + context]}… got …{b[max(0, i - context) : i + context]}…"


def describe(pdf: Any) -> dict[str, Any]:
    """A summary of the grid measurements of a PDF, for reports and benchmarks."""
    all_lines = [ln for p in pdf.pages for ln in body_lines(p)]
    full = full_lines(all_lines)
    full_cjk = full_lines(all_lines, cjk_only=True)
    pitches = [d for p in pdf.pages for d in line_pitches(body_lines(p)) if d < 1.5 * LINE_PITCH]
    return {
        "pages": len(pdf.pages),
        "lines_per_page": lines_per_page(pdf),
        "full_lines": len(full),
        "full_lines_28": sum(1 for ln in full if chars_per_line(ln) == 28),
        "share_28_full": exact_share(full),
        "share_28_full_cjk": exact_share(full_cjk),
        "median_pitch": sorted(pitches)[len(pitches) // 2] if pitches else 0.0,
        "char_pitch_expected": CHAR_PITCH,
    }
