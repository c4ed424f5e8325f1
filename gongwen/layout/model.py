"""What layout produces: pages of positioned glyph runs, rules and images.

Coordinates are points with the origin at the page's TOP-left corner and y growing
downwards (the way GB/T 9704 measures: "37 mm from the page top"). ``Run.y`` is the
text baseline; a ``Rule``'s y is the centre line of its stroke; an ``Image``'s y is its top
edge. Exporters that use a bottom-left origin (PDF) convert with ``PAGE_HEIGHT - y``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..spec import BLACK

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import ResolvedFont


@dataclass(frozen=True, slots=True)
class Run:
    """Glyphs in one face, size and colour, drawn from ``x`` along the baseline ``y``.

    Each glyph advances by its font advance plus ``char_space`` (PDF ``Tc``).
    """

    x: float
    y: float
    text: str
    font: str  # ResolvedFont.key
    size: float
    color: str = BLACK
    char_space: float = 0.0


@dataclass(frozen=True, slots=True)
class Rule:
    """A straight stroke from (x0, y0) to (x1, y1), ``width`` pt thick, butt ends."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: str = BLACK


@dataclass(frozen=True, slots=True)
class Image:
    """A raster image (the seal) fitted, aspect kept, into the box at (x, y) top-left."""

    x: float
    y: float
    width: float
    height: float
    path: Path


@dataclass(frozen=True, slots=True)
class Line:
    """One typeset line, for inspection and tests (the drawing uses ``Page.runs``).

    ``x0``/``x1`` are the left edge of the first glyph and the right edge of the measure
    the line was set on; ``full`` is true for a justified line that is not a paragraph's
    last; ``xs`` holds each character's left edge, in ``text`` order.
    """

    block: int  # index into Document.blocks, -1 for page furniture
    role: str
    y: float
    text: str
    xs: tuple[float, ...]
    x0: float
    x1: float
    full: bool
    size: float


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # physical page, from 1
    printed_number: int | None  # the "— N —" shown, None when the page has none
    runs: tuple[Run, ...]
    rules: tuple[Rule, ...] = ()
    images: tuple[Image, ...] = ()
    lines: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class LayoutWarning:
    """A character set from a fallback face (``face`` its family) or, with ``face`` None,
    one no face has (drawn from the role face, likely as a blank box). ``where`` is the
    block's letter field (``Block.source``, e.g. ``body[2].text``) or ``blocks[i] (role)``."""

    char: str
    where: str
    face: str | None


@dataclass(frozen=True, slots=True)
class LooseLine:
    """A justified line whose gaps had to grow past ``spec.LOOSE_GAP_EM``: neither
    compressing its punctuation nor moving characters from the line before helped."""

    where: str  # the block's letter field, as in LayoutWarning
    page: int
    text: str


@dataclass(frozen=True, slots=True)
class Layout:
    pages: tuple[Page, ...]
    warnings: tuple[LayoutWarning, ...] = ()
    fonts: dict[str, ResolvedFont] = field(default_factory=dict)  # key → face, each used face
    loose: tuple[LooseLine, ...] = ()

    def text(self) -> str:
        """All line texts in page order, one line per line (for quick checks)."""
        return "\n".join(ln.text for p in self.pages for ln in p.lines)
