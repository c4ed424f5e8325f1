"""What layout produces: the laid-out letter, the one input of every exporter.

A :class:`Layout` holds pages; a :class:`Page` its size, positioned glyph runs, rules,
images, the typeset lines and the regions (版头, flow, 版记) they belong to. Everything an
exporter needs is here: it paints, it never measures text or re-derives a position.

Coordinates are points with the origin at the page's TOP-left corner and y growing
downwards (the way GB/T 9704 measures: "37 mm from the page top"). ``Run.y`` and ``Line.y``
are text baselines; a ``Rule``'s y is the centre line of its stroke; an ``Image``'s y is its
top edge. Exporters that use a bottom-left origin (PDF) convert with ``page.height - y``.
Glyphs of any size stand in an ideographic em box ``EM_ASCENT`` of their size above the
baseline and ``EM_DESCENT`` below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from .. import spec
from ..spec import BLACK, PAGE_HEIGHT, PAGE_WIDTH

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import ResolvedFont

EM_ASCENT = 0.88  # ideographic em box top above the baseline, in em (CJK font convention)
EM_DESCENT = 1.0 - EM_ASCENT


class Part(StrEnum):
    """Which part of the letter a line, rule or region belongs to."""

    HEADER = "header"  # 版头: page 1 of 信函格式/文件格式, placed apart from the flow
    FLOW = "flow"  # the text on the 22-line grid (title … 署名, date, 附注, attachments)
    RECORD = "record"  # 版记: at the foot of the last page
    FOLIO = "folio"  # the page number


@dataclass(frozen=True, slots=True)
class Run:
    """Glyphs in one face, size and colour on the baseline ``y``.

    ``xs[i]`` is glyph i's origin and ``advances[i]`` its font advance at ``size``. Each
    glyph after the first stands at the previous one's origin plus its advance plus
    ``char_space``, so a painter may draw the run as one string with that spacing (PDF
    ``Tc``) or glyph by glyph at ``xs``. ``font`` is a key of :attr:`Layout.fonts`.
    """

    x: float
    y: float
    text: str
    font: str  # ResolvedFont.key: Layout.fonts[font], or Layout.font(run)
    size: float
    color: str = BLACK
    char_space: float = 0.0
    xs: tuple[float, ...] = ()
    advances: tuple[float, ...] = ()

    @property
    def width(self) -> float:
        """From the first glyph's origin to the last one's advance: the advances and the
        ``char_space`` between them (0 for a run without glyph arrays)."""
        return sum(self.advances) + self.char_space * max(0, len(self.advances) - 1)


@dataclass(frozen=True, slots=True)
class Rule:
    """A straight stroke from (x0, y0) to (x1, y1), ``width`` pt thick, butt ends."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: str = BLACK
    part: Part = Part.HEADER


@dataclass(frozen=True, slots=True)
class Image:
    """A raster image (the seal, PNG or JPEG bytes) fitted, aspect kept, into the box at
    (x, y) top-left."""

    x: float
    y: float
    width: float
    height: float
    data: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class Line:
    """One typeset line of a block (the drawing itself is in ``Page.runs``).

    ``x0`` is the left edge of the first glyph; ``left``/``x1`` are the edges of the measure
    the line was set on with ``align`` (for a 版头 element, the box it is aligned in);
    ``full`` is true for a justified line that is not a paragraph's last. ``xs`` and
    ``advances`` hold each character's left edge and font advance, in ``text`` order.
    ``start``/``end`` are offsets in ``Block.text`` of the characters the line covers
    (spaces at a break included), so a block's lines in order give its line breaks.
    ``space_before`` is, on the first line of a block in the flow, the blank grid lines the
    block asks for above it (not left at the top of a page); ``body_text`` marks a line of
    正文 (decision 10 counts them on the signature's page).
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
    advances: tuple[float, ...] = ()
    start: int = 0
    end: int = 0
    align: str = "left"
    left: float = spec.TYPE_LEFT
    part: Part = Part.FLOW
    space_before: int = 0
    body_text: bool = False

    @property
    def top(self) -> float:
        """The em box's top edge."""
        return self.y - EM_ASCENT * self.size

    @property
    def bottom(self) -> float:
        """The em box's bottom edge."""
        return self.y + EM_DESCENT * self.size


@dataclass(frozen=True, slots=True)
class Region:
    """A horizontal band of a page given to one part: the 版头 (from the page top to where
    it lets the flow begin), the flow's grid cells (on a full 信函格式 page 1 moved down to
    end at its text limit), the 版记's lines (at the foot of the flow's grid). ``blocks``
    are the blocks placed in a 版头 or 版记, in the order layout placed them."""

    part: Part
    top: float
    bottom: float
    blocks: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # physical page, from 1
    printed_number: int | None  # the "— N —" shown, None when the page has none
    runs: tuple[Run, ...]
    rules: tuple[Rule, ...] = ()
    images: tuple[Image, ...] = ()
    lines: tuple[Line, ...] = ()
    width: float = PAGE_WIDTH
    height: float = PAGE_HEIGHT
    regions: tuple[Region, ...] = ()

    def region(self, part: Part) -> Region | None:
        """The page's region of ``part``, if it has one."""
        return next((r for r in self.regions if r.part is part), None)


@dataclass(frozen=True, slots=True)
class SignaturePlace:
    """Where decision 10 puts the 署名 lines and the date: the x of each one's first
    character. ``date_from_left``: the date is placed by its first character (two
    characters right of the 署名's, no seal); else it is set from the right edge."""

    signatures: tuple[float, ...]
    date: float
    date_from_left: bool


def place_signature(
    signature_widths: Sequence[float], date_width: float, seal: bool, right: float
) -> SignaturePlace:
    """Decision 10 for lines of the given widths, ``right`` being the type area's right edge.

    No seal: 署名 右空二字, the date's first character two characters right of the 署名's
    (a date too long for that is set 右空二字 and the 署名 moves left). With a seal: the
    date 右空四字 and each 署名 centred over it. Exporters whose text is narrower or wider
    than the layout's (DOCX tracking) call this with their own widths.
    """
    c = spec.CHAR_PITCH
    if seal:
        date_x = right - spec.SEAL_DATE_RIGHT_CHARS * c - date_width
        axis = date_x + date_width / 2
        return SignaturePlace(tuple(axis - w / 2 for w in signature_widths), date_x, False)
    sig_x = right - spec.SIGNATURE_RIGHT_CHARS * c - max(signature_widths, default=0.0)
    date_x = sig_x + spec.DATE_OFFSET_CHARS * c
    from_left = date_x + date_width <= right - spec.SIGNATURE_RIGHT_CHARS * c + 0.01
    if not from_left:  # a long date: 右空二字, the 署名 moves left
        date_x = right - spec.SIGNATURE_RIGHT_CHARS * c - date_width
        sig_x = date_x - spec.DATE_OFFSET_CHARS * c
    return SignaturePlace((sig_x,) * len(signature_widths), date_x, from_left)


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """The 署名 and date as layout set them (decision 10).

    ``blocks``: the 署名s, the date, and the contacts/附注 right after the date, which move
    with them as one; ``blank_lines``: grid lines left blank above (room for a seal);
    ``seal``: a seal is pressed or drawn over it; ``place``: where the lines went.
    """

    blocks: tuple[int, ...]
    blank_lines: int
    seal: bool
    place: SignaturePlace


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
    """The laid-out letter: pages, the faces the runs use, and the signature block."""

    pages: tuple[Page, ...]
    warnings: tuple[LayoutWarning, ...] = ()
    fonts: dict[str, ResolvedFont] = field(default_factory=dict)  # key → face, each used face
    loose: tuple[LooseLine, ...] = ()
    signature: SignatureBlock | None = None

    def font(self, run: Run) -> ResolvedFont:
        """The face a run is set in."""
        return self.fonts[run.font]

    def lines_of(self, block: int) -> list[Line]:
        """The lines block ``block`` was set on, in order, over all pages."""
        return [ln for p in self.pages for ln in p.lines if ln.block == block]

    def text(self) -> str:
        """All line texts in page order, one line per line (for quick checks)."""
        return "\n".join(ln.text for p in self.pages for ln in p.lines)
