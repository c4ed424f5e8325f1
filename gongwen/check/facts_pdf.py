"""A PDF's page measured once for the rules: :func:`pdf_facts`.

From the reading's geometry (:mod:`gongwen.read.pdf`: lines, glyphs, strokes, fonts) it
finds, in one pass each and in this order: the format (信函格式, 文件格式 or plain, from
the red rules of page 1), the page numbers and other lines outside the text block, the 版记
lines, the body size, each page's body lines, the line and character pitch, the titles, the
版头 lines, every body line's role (:mod:`gongwen.check.layout_roles`), the edges of the
text, the full pages and full lines, the dates and the 署名 block, and the page numbers'
positions. Rules only read these facts.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import grammar, spec
from ..read.geometry import Glyph, PdfGeometry, PdfPage, Stroke, TextLine, is_red, joined, median
from ..read.roles import nest_headings
from ..spec import (
    BODY_SIZE,
    CHAR_PITCH,
    CHARS_PER_LINE,
    LINE_PITCH,
    TYPE_BOTTOM,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    FontRole,
    Role,
    mm,
    pt_to_mm,
)
from . import layout_roles
from .facts import DocNumberAt, Placement, WrittenDate, compact, doc_number_of
from .fontnames import font_role, role_name
from .rules import at_line

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet

POSITION_TOL = mm(spec.MARGIN_TOLERANCE_MM)
MIN_EDGE_LINES = 2  # long lines ending on a character enough to measure the right edge
MIN_GRID_STEPS = 20  # character steps on full-width-only lines enough to measure the grid
CLOSING = set("，。、；：？！）》」』】〕〉”’．：；！？｝］")
OPENING = set("（《「『【〔〈“‘｛［")


@dataclass
class Edges:
    """Where the text block's edges are: the leftmost start several body lines share, the
    median right end of long body lines, the first text line's em top (and size) on each
    page, and the lines past an edge."""

    left: float | None = None
    right: float | None = None
    top: float | None = None  # median em top of the pages' first lines
    top_size: float = BODY_SIZE
    low: list[TextLine] = field(default_factory=list)  # body lines below the type area
    outside: list[TextLine] = field(default_factory=list)  # past the left or right edge
    hanging: list[TextLine] = field(default_factory=list)  # a closing mark past the right edge


@dataclass
class Signature:
    """The last date-only line and the 署名 block above it."""

    date: TextLine
    top: TextLine  # the block's first line
    lines_before: int  # lines of the page's text block above the block
    text_before: int  # of them, lines of 正文 (decision 10)
    placement: Placement
    block: list[TextLine] = field(default_factory=list)  # the 署名 lines, top to bottom
    continued: list[TextLine] = field(default_factory=list)  # lines going on with the one above

    def written(self) -> list[list[TextLine]]:
        """The block's lines grouped by 署名: a line that goes on with the one above joins
        its group."""
        going_on = {id(ln) for ln in self.continued}
        groups: list[list[TextLine]] = []
        for ln in self.block:
            if groups and id(ln) in going_on:
                groups[-1].append(ln)
            else:
                groups.append([ln])
        return groups


@dataclass
class PdfFacts:
    """What the PDF rules read; see the module docstring."""

    geometry: PdfGeometry
    fontset: FontSet | None
    letter_flag: bool
    # the 署名s as the file writes them, when it says (a DOCX's 署名 paragraphs)
    written_signatures: tuple[str, ...] = ()
    empty: bool = False
    fmt: str = "plain"  # "letter", "document", "plain"
    red_strokes: list[Stroke] = field(default_factory=list)  # page 1, longer than 100 mm
    page_numbers: dict[int, TextLine] = field(default_factory=dict)
    furniture: set[int] = field(default_factory=set)  # id() of lines outside the text block
    blank: set[int] = field(default_factory=set)  # pages without a line of the text block
    records: list[TextLine] = field(default_factory=list)
    record_rules: list[Stroke] = field(default_factory=list)
    body_size: float = BODY_SIZE
    body: dict[int, list[TextLine]] = field(default_factory=dict)  # page → body-size lines
    pitch: float = LINE_PITCH
    pitch_measured: bool = False
    char_pitch: float = CHAR_PITCH
    char_pitch_measured: bool = False
    titles: list[TextLine] = field(default_factory=list)
    marks: list[TextLine] = field(default_factory=list)
    header: set[int] = field(default_factory=set)  # id() of 版头 lines of page 1
    head: list[TextLine] = field(default_factory=list)  # page 1's lines above the title
    roles: dict[int, Role] = field(default_factory=dict)  # id() → role, body lines
    # body text lines with CJK glyphs, and how many of those glyphs each font role has
    body_fonts: list[tuple[TextLine, Counter[FontRole | None]]] = field(default_factory=list)
    edges: Edges = field(default_factory=Edges)
    full_pages: list[tuple[int, int]] = field(default_factory=list)  # (page, line slots)
    full_lines: list[int] = field(default_factory=list)  # glyphs on each full line
    dates: list[TextLine] = field(default_factory=list)
    signature: Signature | None = None
    doc_number: tuple[TextLine, list[Glyph], grammar.DocNumber] | None = None
    number_middles: dict[int, float] = field(default_factory=dict)  # page → dash middle
    _fonts: dict[str, FontRole | None] = field(default_factory=dict)

    # --- the facts both routes give ----------------------------------------------------------
    @property
    def pages(self) -> list[PdfPage]:
        return self.geometry.pages

    @property
    def written_dates(self) -> list[WrittenDate]:
        return [WrittenDate(ln.compact, ln.compact, at_line(ln)) for ln in self.dates]

    @property
    def print_dates(self) -> list[WrittenDate]:
        out = []
        for ln in self.records:
            printed = grammar.parse_print_line(ln.compact)
            if printed:
                out.append(WrittenDate(printed.date.written, ln.compact, at_line(ln)))
        return out

    @property
    def doc_numbers(self) -> list[DocNumberAt]:
        if self.doc_number is None:
            return []
        ln, seg, number = self.doc_number
        return [DocNumberAt(number, "".join(g.text for g in seg), at_line(ln))]

    @property
    def placement(self) -> Placement | None:
        return self.signature.placement if self.signature else None

    # --- helpers -------------------------------------------------------------------------------
    def in_type_area(self, ln: TextLine) -> bool:
        """A line of the text block: not a page number, not the 信函格式 标志 above the type
        area. Lines a wrong margin pushes outside the type area still count (and are
        reported by the margin rules)."""
        return id(ln) not in self.furniture

    def body_lines(self) -> list[TextLine]:
        return [ln for p in self.pages for ln in self.body.get(p.number, [])]

    def font(self, name: str) -> FontRole | None:
        """The font role of a PDF font name."""
        if name not in self._fonts:
            self._fonts[name] = font_role(name, self.fontset)
        return self._fonts[name]

    def wrong_font(self, ln: TextLine, want: FontRole) -> str | None:
        """The name of the font role most of ``ln``'s CJK glyphs are set in when that is not
        ``want``; None when it is, or when the line has no CJK glyph."""
        roles = Counter(self.font(g.font) for g in ln.glyphs if g.wide)
        if not roles:
            return None
        main = roles.most_common(1)[0][0]
        return None if main is want else role_name(main)

    def hangs(self, ln: TextLine) -> bool:
        """The line's last glyph is one closing mark set past the type area's right edge."""
        if len(ln.glyphs) < 2:
            return False
        last, prev = ln.glyphs[-1], ln.glyphs[-2]
        return (
            last.text in CLOSING
            and last.x0 >= TYPE_RIGHT - self.char_pitch / 4
            and prev.x0 + self.char_pitch <= TYPE_RIGHT + POSITION_TOL
        )

    def squeezed(self, ln: TextLine) -> bool:
        """The line's last glyph is a closing mark compressed to half a cell at the line end
        (CLREQ; gongwen's layout compresses the last marks first): its half cell, where its
        glyph is drawn, ends on the type area's right edge."""
        last = ln.glyphs[-1]
        return last.text in CLOSING and abs(last.x0 + self.char_pitch / 2 - TYPE_RIGHT) <= (
            POSITION_TOL)

    def text_end(self, ln: TextLine) -> float:
        """Where the line's text ends as set: a hanging mark aside, a compressed closing
        mark's half cell, else the last glyph's cell (or its width when narrower)."""
        if self.squeezed(ln):
            return ln.glyphs[-1].x0 + self.char_pitch / 2
        last = ln.glyphs[-2] if self.hangs(ln) else ln.glyphs[-1]
        return last.x0 + min(self.char_pitch, last.x1 - last.x0)

    def expects_number(self, page: PdfPage) -> bool:
        """A page number belongs on the page: it has text, does not follow a blank page (the
        版记 page after a blank one is not numbered, 7.5) and is not page 1 of 信函格式."""
        n = page.number
        return n not in self.blank and n - 1 not in self.blank and not (
            self.fmt == "letter" and n == 1
        )

    def measurements(self) -> dict[str, Any]:
        """What was measured, for the report."""
        out: dict[str, Any] = {
            "pages": len(self.pages),
            "format": self.fmt,
            "body_size_pt": round(self.body_size, 2),
            "line_pitch_pt": round(self.pitch, 2),
            "char_pitch_pt": round(self.char_pitch, 2),
            "lines_per_full_page": [c for _, c in self.full_pages],
        }
        if self.full_lines:
            out["full_lines"] = len(self.full_lines)
            out["full_lines_28"] = sum(1 for n in self.full_lines if n == CHARS_PER_LINE)
        e = self.edges
        if e.left is not None:
            out["left_mm"] = round(pt_to_mm(e.left), 2)
        if e.right is not None:
            out["right_mm"] = round(pt_to_mm(spec.PAGE_WIDTH - e.right), 2)
        if e.top is not None:
            slack = max(0.0, self.pitch - e.top_size)
            out["top_mm"] = round(pt_to_mm(e.top - slack / 2), 2)
        if self.placement is not None:
            pl = self.placement
            out["signature_right_chars"] = round(pl.signature_right, 2)
            out["date_offset_chars"] = round(pl.offset, 2)
            out["date_right_chars"] = round(pl.date_right, 2)
        out["page_number_below_type_area_mm"] = [
            round(pt_to_mm(mid - TYPE_BOTTOM), 2) for mid in self.number_middles.values()
        ]
        return out


# --------------------------------------------------------------------------------------------


def pdf_facts(
    geometry: PdfGeometry, *, letter_format: bool = False, fontset: FontSet | None = None,
    signatures: Sequence[str] = (),
) -> PdfFacts:
    """Measure ``geometry`` once for the PDF rules; ``signatures``: the 署名s as the file
    writes them, when known (a rendered DOCX's 署名 paragraphs)."""
    f = PdfFacts(geometry, fontset, letter_format, tuple(compact(s) for s in signatures))
    if not f.pages or not any(p.lines for p in f.pages):
        f.empty = True
        return f
    _format(f)
    _furniture(f)
    last = f.pages[-1]
    f.records = layout_roles.record_lines(last, f.in_type_area)
    full = mm(spec.RECORD_RULE_LENGTH_MM)
    f.record_rules = [
        s for s in last.strokes if not is_red(s.color) and abs(s.length - full) < mm(8)
    ]
    _body(f)
    _pitches(f)
    f.titles = layout_roles.title_lines(f.pages, f.in_type_area, f.body_size, f.char_pitch)
    p1 = f.pages[0]
    f.marks = layout_roles.mark_lines(p1)
    f.head = [ln for ln in layout_roles.header_zone(p1, f.titles, f.char_pitch)
              if f.in_type_area(ln)]
    # a plain page 1 has no 版头 zone, but a published letter may print 版头 elements there
    zone = f.head if f.fmt != "plain" else [
        ln for ln in f.head
        if all(grammar.parse_header_line(joined(seg)) for seg in ln.segments)]
    f.header = {id(ln) for ln in [*zone, *f.marks]}
    _roles(f)
    _full_pages(f)
    _full_lines(f)
    f.edges = _edges(f)
    _doc_number(f)
    _signature(f)
    _number_middles(f)
    return f


def _format(f: PdfFacts) -> None:
    """信函格式 (forced, or two red rules of about 170 mm on page 1), 文件格式 (one of
    about 156 mm) or plain."""
    f.red_strokes = [s for s in f.pages[0].strokes if is_red(s.color) and s.length > mm(100)]
    letter_len = mm(spec.LETTER_RULE_LENGTH_MM)
    doc_len = mm(spec.DOCUMENT_RULE_LENGTH_MM)
    near_letter = [s for s in f.red_strokes if abs(s.length - letter_len) < mm(8)]
    near_doc = [s for s in f.red_strokes if abs(s.length - doc_len) < mm(8)]
    if f.letter_flag or len(near_letter) >= 2:
        f.fmt = "letter"
    elif near_doc:
        f.fmt = "document"


def _furniture(f: PdfFacts) -> None:
    for p in f.pages:
        ln = layout_roles.page_number_line(p)
        if ln is None:
            continue
        f.page_numbers[p.number] = ln
        if len(p.lines) > 1:
            f.furniture.add(id(ln))
    f.furniture.update(id(ln) for ln in layout_roles.above_type_area_mark(f.pages[0]))
    f.blank = {p.number for p in f.pages if not any(f.in_type_area(ln) for ln in p.lines)}


def _body(f: PdfFacts) -> None:
    """The body size (the size most glyphs of the text block have, 版记 aside) and each
    page's lines of that size."""
    records = {id(ln) for ln in f.records}
    sizes: Counter[float] = Counter()
    for p in f.pages:
        for ln in p.lines:
            if f.in_type_area(ln) and id(ln) not in records:
                for g in ln.glyphs:
                    sizes[round(g.size, 1)] += 1
    if sizes:
        f.body_size = sizes.most_common(1)[0][0]
    for p in f.pages:
        f.body[p.number] = [
            ln for ln in p.lines if f.in_type_area(ln) and abs(ln.size - f.body_size) < 1.0
        ]


def _pitches(f: PdfFacts) -> None:
    """The line pitch (median of the tighter baseline steps between body lines) and the
    character pitch (median of the tighter steps between wide glyphs, on lines of full-width
    characters only when there are enough: a line holding digits or Latin is justified to
    the measure, its gaps a little wider, decision 1)."""
    deltas: list[float] = []
    for p in f.pages:
        for a, b in itertools.pairwise(f.body[p.number]):
            deltas.append(b.baseline - a.baseline)
    if deltas:
        deltas.sort()
        low = deltas[len(deltas) // 5]
        f.pitch = median([d for d in deltas if d <= low * 1.25])
        f.pitch_measured = True
    steps = [s for ln in f.body_lines() for s in ln.steps()]
    pure = [s for ln in f.body_lines() if all(g.wide for g in ln.glyphs) for s in ln.steps()]
    if len(pure) >= MIN_GRID_STEPS:
        steps = pure
    if steps:
        low = sorted(steps)[len(steps) // 10]
        f.char_pitch = median([s for s in steps if s <= low * 1.2])
        f.char_pitch_measured = True


def _roles(f: PdfFacts) -> None:
    other = f.header | {id(ln) for ln in f.titles} | {id(ln) for ln in f.records}
    lines = [ln for ln in f.body_lines() if id(ln) not in other]
    roles: list[Role | None] = [
        layout_roles.body_line_role(ln, char_pitch=f.char_pitch, fmt=f.fmt,
                                    paragraph=layout_roles.paragraph_text(lines, k, f.char_pitch))
        for k, ln in enumerate(lines)]
    nest_headings(roles, [True] * len(roles))  # a “1.” right under “一、” is level 2
    for ln, role in zip(lines, roles, strict=True):
        f.roles[id(ln)] = role = role or Role.BODY
        fonts = Counter(f.font(g.font) for g in ln.glyphs if g.wide) if role is Role.BODY else None
        if fonts:
            f.body_fonts.append((ln, fonts))


def _full_pages(f: PdfFacts) -> None:
    """Pages whose text runs from the top to the bottom of the type area, and how many line
    slots that text spans (page 1 of 信函格式 and 文件格式 aside)."""
    for p in f.pages:
        lines = f.body[p.number]
        if len(lines) < 3 or f.pitch <= 0:
            continue
        first, last = lines[0], lines[-1]
        starts_top = first.baseline - f.pitch <= TYPE_TOP + 2
        ends_bottom = last.baseline + f.pitch >= TYPE_BOTTOM - 2
        if not (starts_top and ends_bottom) or (p.number == 1 and f.fmt != "plain"):
            continue
        f.full_pages.append((p.number, round((last.baseline - first.baseline) / f.pitch) + 1))


def _full_lines(f: PdfFacts) -> None:
    """Glyph counts of full lines: flush left, all wide glyphs, reaching the right edge."""
    cp = f.char_pitch
    for ln in f.body_lines():
        if abs(ln.x0 - TYPE_LEFT) > cp / 2 or not all(g.wide for g in ln.glyphs):
            continue
        if ln.glyphs[-1].x0 + cp >= TYPE_RIGHT - cp / 2:
            f.full_lines.append(len(ln.glyphs))


def _bottom_limit(f: PdfFacts, page: int) -> float:
    """How low text may reach: the type area's bottom edge; on 信函格式 page 1, 7/8 of a
    3号 character above the lower red lines (10.1)."""
    return spec.letter_text_bottom() if f.fmt == "letter" and page == 1 else TYPE_BOTTOM


def _edges(f: PdfFacts) -> Edges:
    e = Edges()
    records = {id(ln) for ln in f.records}
    starts: Counter[float] = Counter()
    rights: list[float] = []  # where long lines end: on a character, or on a closing mark
    marked: list[float] = []
    tops: list[tuple[float, float]] = []
    for p in f.pages:
        lines = f.body[p.number]
        for ln in lines:
            starts[round(ln.x0 * 2) / 2] += 1
            if len(ln.glyphs) - f.hangs(ln) >= CHARS_PER_LINE - 4:
                (marked if ln.glyphs[-1].text in CLOSING else rights).append(f.text_end(ln))
        block = [ln for ln in p.lines if f.in_type_area(ln)]
        for ln in block:
            hangs = f.hangs(ln)
            if hangs:
                e.hanging.append(ln)
            last = ln.glyphs[-2] if hangs else ln.glyphs[-1]
            ink_right = last.x0 + (last.size / 2 if last.text in CLOSING else last.x1 - last.x0)
            if ln.x0 < TYPE_LEFT - POSITION_TOL or ink_right > TYPE_RIGHT + POSITION_TOL:
                e.outside.append(ln)
        # a page that holds only the 版记 has it at the bottom of the type area
        text = [ln for ln in block if id(ln) not in records]
        if text and (p.number > 1 or f.fmt == "plain"):
            tops.append((text[0].top, text[0].size))  # a title's em box is centred too
        if lines and lines[-1].bottom > _bottom_limit(f, p.number) + POSITION_TOL:
            e.low.append(lines[-1])
    if starts:
        # the leftmost start that several lines share: flush-left lines sit on the margin
        support = max(2, sum(starts.values()) // 20)
        e.left = min((x for x, n in starts.items() if n >= support), default=min(starts))
    # a closing mark's end is read as its cell's or its compressed half cell's, whichever
    # meets the edge: lines ending on a character say where the edge is when there are some
    if len(rights) < MIN_EDGE_LINES:
        rights += marked
    if rights:
        e.right = median(rights)
    if tops:
        e.top = median([t for t, _ in tops])
        e.top_size = median([z for _, z in tops])
    return e


def _doc_number(f: PdfFacts) -> None:
    """The first 发文字号 on page 1 above the title (or in its first eight lines)."""
    title_top = min((ln.baseline for ln in f.titles if ln.page == 1), default=None)
    for ln in f.pages[0].lines:
        if title_top is not None and ln.baseline >= title_top:
            return
        if title_top is None and ln.index > 8:
            return
        for seg in ln.segments:
            number = doc_number_of("".join(g.text for g in seg))
            if number:
                f.doc_number = (ln, seg, number)
                return


def _signature(f: PdfFacts) -> None:
    """The dates (body lines that are a date alone, 版记 aside), and for the last one the
    署名 block above it: a joint issue stacks the organs' 署名, aligned on their first
    characters, and the lead organ's (the longest) is the one placed 右空二字."""
    records = {id(ln) for ln in f.records}
    f.dates = [
        ln for ln in f.body_lines()
        if id(ln) not in records and grammar.parse_date(ln.compact) is not None
    ]
    if not f.dates:
        return
    date = f.dates[-1]
    page = f.pages[date.page - 1]
    above = [
        ln for ln in page.lines
        if ln.baseline < date.baseline - 1 and date.baseline - ln.baseline < f.pitch * 1.5
    ]
    if not above:
        return
    u = BODY_SIZE
    block = [above[-1]]
    for ln in reversed(page.lines[: page.lines.index(above[-1])]):
        if abs(block[-1].baseline - ln.baseline - f.pitch) > 2:
            break
        # a joint issue's 署名s share their first characters' place; a 署名 as written
        # may also have wrapped onto the line (a column too narrow for it)
        if abs(ln.x0 - above[-1].x0) > u / 2 and not continued_lines(
                [ln, block[-1]], f.written_signatures):
            break
        block.append(ln)
    block.reverse()
    top = block[0]
    titles = {id(ln) for ln in f.titles}
    before = [
        ln for ln in page.lines
        if f.in_type_area(ln) and ln.baseline < top.baseline - 1
        and id(ln) not in f.header and id(ln) not in titles
    ]
    continued = continued_lines(block, f.written_signatures)
    going_on = {id(ln) for ln in continued}
    sig = max((ln for ln in block if id(ln) not in going_on), key=lambda ln: ln.x1)
    placement = Placement(
        signature_right=(TYPE_RIGHT - sig.x1) / u,
        date_right=(TYPE_RIGHT - date.x1) / u,
        offset=(date.x0 - sig.x0) / u,
        centre=((sig.x0 + sig.x1) - (date.x0 + date.x1)) / 2 / u,
        loc=at_line(date),
    )
    text = layout_roles.body_text_lines(before, f.font)
    f.signature = Signature(date, top, len(before), len(text), placement, block, continued)


def continued_lines(lines: Sequence[TextLine], written: Sequence[str]) -> list[TextLine]:
    """The lines (top to bottom) that go on with the 署名 the line above began: that line is
    not a whole 署名 as ``written`` (blank-free), and the two together begin one."""
    out: list[TextLine] = []
    k = 0
    while k < len(lines):
        text = lines[k].compact
        k += 1
        while k < len(lines) and text not in written and any(
                s.startswith(text + lines[k].compact) for s in written):
            text += lines[k].compact
            out.append(lines[k])
            k += 1
    return out


def _number_middles(f: PdfFacts) -> None:
    """The middle of each expected page number's dashes (of its glyphs, without dashes)."""
    for p in f.pages:
        ln = f.page_numbers.get(p.number)
        if ln is None or not f.expects_number(p):
            continue
        dashes = [g for g in ln.glyphs if not g.text.isdigit()]
        f.number_middles[p.number] = median([g.middle for g in dashes or ln.glyphs])
