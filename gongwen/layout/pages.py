"""Pages: the 版头, the flow of lines on the 22-line grid, signature, 版记, page numbers.

Every line of the flow sits in a grid cell ``LINE_PITCH`` high; page n's cells start at
the type-area top (page 1 of 信函格式/文件格式 starts below its 版头). Glyphs of any size are
centred in their cell by their ideographic em box (``EM_ASCENT`` above the baseline).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import sub
from typing import TYPE_CHECKING

from .. import spec
from ..document import Block, Document, LetterFormat, SealMode
from ..fonts import FALLBACK
from ..spec import (
    CHAR_PITCH,
    LINE_PITCH,
    LINES_PER_PAGE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TYPE_AREA_WIDTH,
    TYPE_BOTTOM,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    FontRole,
    Role,
    mm,
)
from .model import (
    EM_ASCENT,
    EM_DESCENT,
    Image,
    Layout,
    LayoutWarning,
    Line,
    LooseLine,
    Page,
    Part,
    Region,
    Rule,
    Run,
    SignatureBlock,
    SignaturePlace,
    place_signature,
)
from .text import (
    Glyph,
    SetLine,
    balance_title,
    cell,
    glyph_table,
    natural_width,
    set_glyphs,
    typeset,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet, ResolvedFont

__all__ = ["EM_ASCENT", "EM_DESCENT", "SIGNATURE_FOLLOWERS", "baseline_in_cell", "layout_document"]

FIT_TOLERANCE = 1.0  # pt a line cell may overhang the type-area bottom (22 × 28.95 < 225 mm)


WIDOW_LINES = 2  # lines of a paragraph kept together at a page break moved for the 署名
SIGNATURE_FOLLOWERS = (Role.CONTACT, Role.NOTE)
"""Blocks right after the date that move with the signature block."""


def baseline_in_cell(size: float) -> float:
    """Baseline offset from a line cell's top that centres a ``size`` em box in the cell."""
    return (LINE_PITCH - size) / 2 + EM_ASCENT * size


@dataclass(slots=True)
class FlowLine:
    xs: list[float]  # each glyph's absolute x
    glyphs: list[Glyph]
    size: float
    block: int
    role: str
    full: bool = False
    x1: float = TYPE_RIGHT  # the measure's right edge
    left: float = TYPE_LEFT  # the measure's left edge
    align: str = "left"
    start: int = 0  # source offsets in the block's text (see Line)
    end: int = 0
    part: Part = Part.FLOW
    space_before: int = 0  # a block's first line: blank grid lines asked for above it
    body_text: bool = False  # a line of 正文 (decision 10 counts them on the signature page)
    loose: bool = False  # see SetLine.loose


@dataclass(slots=True)
class Entry:
    lines: list[FlowLine]
    space_before: int = 0
    space_after: int = 0
    keep_with_next: bool = False
    page_break_before: bool = False
    signature: bool = False
    blanks: int = 0  # signature: blank lines above the 署名 (seal room)
    placed_at: tuple[int, int] | None = None  # (page index, slot) of its first line
    place: SignaturePlace | None = None  # signature: where decision 10 put the lines
    blocks: list[int] = field(default_factory=list)  # signature: the blocks moving with it


@dataclass(slots=True)
class PageBuild:
    origin: float  # top of grid cell 0
    cap: int  # grid cells available
    slots: list[tuple[int, FlowLine]] = field(default_factory=list)
    fixed: list[tuple[float, FlowLine]] = field(default_factory=list)  # (baseline, line)
    rules: list[Rule] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    numbered: bool = True
    regions: list[Region] = field(default_factory=list)  # 版头 and 版记 (the flow's is added)


class _Builder:
    def __init__(self, doc: Document, fontset: FontSet):
        self.doc = doc
        self.fs = fontset
        self.warnings: dict[tuple[str, str], LayoutWarning] = {}
        self.fonts: dict[str, ResolvedFont] = {}

    # -- glyphs -------------------------------------------------------------------------
    def glyphs(
        self,
        pieces: list[tuple[str, FontRole]],
        size: float,
        color: str,
        where: str,
    ) -> list[Glyph]:
        """The glyphs of ``pieces`` (shared, see :class:`~.text.Glyph`), each from the first
        face of its role that has it; the faces used and the fallbacks are noted."""
        out: list[Glyph] = []
        fonts = self.fonts
        for text, role in pieces:
            table = glyph_table(self.fs, role, size, color)
            gl = list(map(table.get, text))
            if None in gl or (table.flagged and not table.flagged.keys().isdisjoint(text)):
                self._slow_glyphs(table, text, gl, where)
            elif gl:
                face = gl[0].face  # every glyph from the role's face
                if face.key not in fonts:
                    fonts[face.key] = face
            out += gl
        return out

    def _slow_glyphs(self, table, text: str, gl: list[Glyph | None], where: str) -> None:
        """Fill in ``gl`` (the glyphs of ``text``) where new, note faces and fallbacks."""
        fonts = self.fonts
        flagged = table.flagged
        for k, ch in enumerate(text):
            g = gl[k]
            status = flagged.get(ch, 0)
            if g is None:
                g, status = table.add(ch)
                gl[k] = g
            if status and (ch, where) not in self.warnings:  # a fallback face, or none
                family = g.face.family if status == FALLBACK else None
                self.warnings[ch, where] = LayoutWarning(ch, where, family)
            if g.face.key not in fonts:
                fonts[g.face.key] = g.face

    def block_glyphs(self, i: int, b: Block, size: float | None = None) -> list[Glyph]:
        st = b.style
        pieces: list[tuple[str, FontRole]] = []
        for k, s in enumerate(b.spans):
            role = b.font_of(s)
            if b.run_in and k > 0 and s.font is None:
                role = FontRole.FANGSONG
            pieces.append((s.text, role))
        where = b.source or f"blocks[{i}] ({b.role.value})"
        return self.glyphs(pieces, size or st.size, st.color, where)

    def tail_glyphs(self, i: int, b: Block, size: float | None = None) -> list[Glyph]:
        st = b.style
        where = f"{b.source or f'blocks[{i}]'} (tail)"
        return self.glyphs([(b.tail, st.font)], size or st.size, st.color, where)

    @staticmethod
    def tail_offset(b: Block) -> int:
        """Where a block's tail starts in its text (the source offset of its first glyph)."""
        return sum(len(s.text) for s in b.spans)

    # -- paragraphs ---------------------------------------------------------------------
    def paragraph(self, i: int, b: Block) -> list[FlowLine]:
        """Break and set a block on the type area's measure (title: balanced, centred)."""
        st = b.style
        c = cell(st.size)
        left = TYPE_LEFT + st.left_chars * c
        width = TYPE_RIGHT - st.right_chars * c - left
        glyphs = self.block_glyphs(i, b)
        if b.role in (Role.TITLE, Role.ATTACHMENT_TITLE):
            return self._title(i, b, glyphs, left, width)
        first = (st.first_line_chars + b.extra_indent_chars) * c
        rest = st.hanging_chars * c
        fixed = 0
        if b.hang_spans:  # wrapped lines under the first character of spans[hang_spans]
            fixed = sum(len(s.text) for s in b.spans[: b.hang_spans])
            rest = first + natural_width(glyphs[:fixed])

        def indent(n: int) -> float:
            return first if n == 0 else rest

        lines = typeset(glyphs, lambda n: width - indent(n), st.align, fixed)
        out = [self._flow(ln, left + indent(n), i, b, st.size) for n, ln in enumerate(lines)]
        if not out:
            out = [FlowLine([], [], st.size, i, b.role.value, align=st.align)]
        if b.tail:
            self._place_tail(i, b, out, left, width)
        return out

    def _flow(self, ln: SetLine, x0: float, i: int, b: Block, size: float) -> FlowLine:
        return FlowLine(
            [x0 + x for x in ln.xs], ln.glyphs, size, i, b.role.value, ln.full, x0 + ln.width,
            x0, b.style.align, ln.start, ln.end, loose=ln.loose,
        )

    def _place_tail(self, i: int, b: Block, out: list[FlowLine], left: float, width: float):
        tail = self.tail_glyphs(i, b)
        c = cell(b.style.size)
        ln = set_glyphs(tail, width, "right", False, self.tail_offset(b))
        tw = sum(g.advance if g.advance < c else c for g in tail)
        last = out[-1]
        end = max(map(_right, last.xs, last.glyphs), default=left)
        xs = [left + x for x in ln.xs]
        if not last.glyphs or end + c + tw <= left + width + 0.01:
            last.xs.extend(xs)
            last.glyphs.extend(ln.glyphs)
            last.end = ln.end
        else:
            out.append(FlowLine(xs, ln.glyphs, b.style.size, i, b.role.value, False, left + width,
                                left, "right", ln.start, ln.end))

    def _title(
        self, i: int, b: Block, glyphs: list[Glyph], left: float, width: float
    ) -> list[FlowLine]:
        out: list[FlowLine] = []
        seg: list[Glyph] = []
        segments: list[tuple[int, list[Glyph]]] = []  # (offset in the text, glyphs)
        at = 0
        for k, g in enumerate([*glyphs, None]):
            if g is None or g.ch == "\n":
                segments.append((at, seg))
                seg = []
                at = k + 1 if g is not None else at
            else:
                seg.append(g)
        for at, s in segments:
            for a, z in balance_title(s, width) or [(0, 0)]:
                ln = set_glyphs(s[a:z], width, "center", False)
                ln.start, ln.end = at + a, at + z
                out.append(self._flow(ln, left, i, b, b.style.size))
        return out

    # -- signature (decision 10) --------------------------------------------------------
    def signature(self, items: list[tuple[int, Block]]) -> Entry:
        c = CHAR_PITCH
        seal = self.doc.seal.mode in (SealMode.RESERVE, SealMode.IMAGE)

        def natural(i: int, b: Block) -> tuple[int, Block, SetLine, float]:
            g = self.block_glyphs(i, b)
            ln = set_glyphs(g, TYPE_AREA_WIDTH, "left", False)
            w = max((x + min(gg.advance, c) for x, gg in zip(ln.xs, ln.glyphs, strict=True)),
                    default=0.0)
            return i, b, ln, w

        sigs = [natural(i, b) for i, b in items if b.role is Role.SIGNATURE]
        dates = [natural(i, b) for i, b in items if b.role is Role.DATE]
        dw = max((w for *_, w in dates), default=0.0)
        place = place_signature([w for *_, w in sigs], dw, seal, TYPE_RIGHT)
        xs = [*place.signatures, *(place.date for _ in dates)]
        lines: list[FlowLine] = []
        for (i, b, ln, _w), x in zip([*sigs, *dates], xs, strict=True):
            lines.append(FlowLine([x + px for px in ln.xs], ln.glyphs, b.style.size, i,
                                  b.role.value, False, TYPE_RIGHT, x, "left", ln.start, ln.end))
        blanks = spec.SEAL_BLANK_LINES if seal else spec.SIGNATURE_BLANK_LINES
        if lines:
            lines[0].space_before = blanks
        return Entry(lines, space_before=blanks, signature=True, blanks=blanks, place=place,
                     blocks=[i for i, *_ in [*sigs, *dates]])

    # -- 版头 ---------------------------------------------------------------------------
    def _single(
        self,
        i: int,
        b: Block,
        align: str,
        left: float = TYPE_LEFT,
        right: float = TYPE_RIGHT,
        size: float | None = None,
    ) -> FlowLine:
        """A one-line 版头 element aligned ``align`` in the box from ``left`` to ``right``."""
        g = self.block_glyphs(i, b, size)
        ln = set_glyphs(g, PAGE_WIDTH, "left", False)
        w = max(map(_right, ln.xs, ln.glyphs), default=0.0)
        if align == "right":
            x0 = right - w
        elif align == "center":
            x0 = left + (right - left - w) / 2
        else:
            x0 = left
        return FlowLine([x0 + x for x in ln.xs], ln.glyphs, size or b.style.size, i,
                        b.role.value, False, right, left, align, ln.start, ln.end, Part.HEADER)

    def _marks(self, marks: list[tuple[int, Block]], top: float, page: PageBuild) -> float:
        """Set the 发文机关标志 lines (red, centred on the type area, shrunk to fit) with their
        em-box top at ``top``; returns the em-box bottom of the last. Joint marks with a
        suffix (the last block's tail): the names stacked and justified to the longest,
        the suffix once to their right, centred on the stack (7.2.3, decision 16)."""
        if not marks:
            return top
        size = marks[0][1].style.size
        suffix = marks[-1][1].tail
        names = [natural_width(self.block_glyphs(i, b, size)) for i, b in marks]
        tail = natural_width(self.tail_glyphs(*marks[-1], size)) if suffix else 0.0
        gap = spec.JOINT_MARK_SUFFIX_GAP_EM * size if suffix else 0.0
        width = max(names) + gap + tail
        if width > TYPE_AREA_WIDTH:
            size *= TYPE_AREA_WIDTH / width
            names = [w * TYPE_AREA_WIDTH / width for w in names]
            tail *= TYPE_AREA_WIDTH / width
            gap *= TYPE_AREA_WIDTH / width
            width = TYPE_AREA_WIDTH
        x0 = TYPE_LEFT + (TYPE_AREA_WIDTH - width) / 2
        stack = max(names)
        y = bottom = top
        for i, b in marks:
            g = self.block_glyphs(i, b, size)
            if suffix:  # names justified to the stack's width
                ln = set_glyphs(g, stack, "justify", True)
                x, box = x0, (x0, x0 + stack)
            else:
                ln = set_glyphs(g, PAGE_WIDTH, "left", False)
                x = TYPE_LEFT + (TYPE_AREA_WIDTH - natural_width(g)) / 2
                box = (TYPE_LEFT, TYPE_RIGHT)
            base = y + EM_ASCENT * size
            align = "justify" if suffix else "center"
            line = FlowLine([x + px for px in ln.xs], ln.glyphs, size, i, b.role.value, ln.full,
                            box[1], box[0], align, ln.start, ln.end, Part.HEADER)
            page.fixed.append((base, line))
            bottom = base + EM_DESCENT * size
            y = bottom + spec.MARK_LINE_GAP_EM * size
        if suffix:
            i, b = marks[-1]
            g = self.tail_glyphs(i, b, size)
            ln = set_glyphs(g, PAGE_WIDTH, "left", False, self.tail_offset(b))
            x = x0 + stack + gap
            base = (top + bottom) / 2 + (EM_ASCENT - 0.5) * size
            page.fixed.append((base, FlowLine([x + px for px in ln.xs], ln.glyphs, size, i,
                                              b.role.value, False, TYPE_RIGHT,
                                              x, "left", ln.start, ln.end, Part.HEADER)))
        return bottom

    def header(self, hdr: list[tuple[int, Block]], page: PageBuild) -> float:
        """Lay out the 版头 on page 1; returns the top of the first flow cell."""
        fmt = self.doc.fmt
        by = {r: [(i, b) for i, b in hdr if b.role is r] for r in spec.HEADER_ROLES}
        left_col = by[Role.COPY_NUMBER] + by[Role.SECRECY] + by[Role.URGENCY]
        body = spec.BODY_SIZE
        if fmt is LetterFormat.LETTER:
            mark_bottom = self._marks(by[Role.ORGAN_MARK], mm(spec.LETTER_MARK_TOP_MM), page)
            if not by[Role.ORGAN_MARK]:
                mark_bottom = mm(spec.LETTER_MARK_TOP_MM)
            thick = mark_bottom + mm(spec.LETTER_RULE_BELOW_MARK_MM) + spec.LETTER_RULE_THICK / 2
            pair = spec.LETTER_RULE_THICK / 2 + spec.LETTER_RULE_GAP + spec.LETTER_RULE_THIN / 2
            thin = thick + pair
            x0 = (PAGE_WIDTH - mm(spec.LETTER_RULE_LENGTH_MM)) / 2
            x1 = x0 + mm(spec.LETTER_RULE_LENGTH_MM)
            page.rules.append(Rule(x0, thick, x1, thick, spec.LETTER_RULE_THICK, spec.RED))
            page.rules.append(Rule(x0, thin, x1, thin, spec.LETTER_RULE_THIN, spec.RED))
            # bottom pair: thin over thick, the thick line 20 mm above the page bottom
            bthin, bthick = spec.letter_bottom_rules()
            page.rules.append(Rule(x0, bthin, x1, bthin, spec.LETTER_RULE_THIN, spec.RED))
            page.rules.append(Rule(x0, bthick, x1, bthick, spec.LETTER_RULE_THICK, spec.RED))
            row_top = thin + spec.LETTER_RULE_THIN / 2 + spec.LETTER_HEADER_ROW_BELOW_RULE
            right_col = by[Role.DOC_NUMBER] + by[Role.SIGNER]
            rows = max(len(left_col), len(right_col))
            for n, (i, b) in enumerate(left_col):
                base = row_top + EM_ASCENT * body + n * LINE_PITCH
                page.fixed.append((base, self._single(i, b, "left")))
            for n, (i, b) in enumerate(right_col):
                base = row_top + EM_ASCENT * body + n * LINE_PITCH
                page.fixed.append((base, self._single(i, b, "right")))
            if rows:
                last_cell_top = row_top + EM_ASCENT * body + (rows - 1) * LINE_PITCH
                last_cell_top -= baseline_in_cell(body)
                return last_cell_top + (spec.TITLE_LINES_BELOW_HEADER + 1) * LINE_PITCH
            return thin + spec.TITLE_LINES_BELOW_HEADER * LINE_PITCH
        # 文件格式 (decision 7)
        for n, (i, b) in enumerate(left_col):
            base = TYPE_TOP + n * LINE_PITCH + baseline_in_cell(body)
            page.fixed.append((base, self._single(i, b, "left")))
        mark_top = TYPE_TOP + mm(spec.DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM)
        mark_bottom = self._marks(by[Role.ORGAN_MARK], mark_top, page)
        num_cell = mark_bottom + spec.DOCUMENT_NUMBER_LINES_BELOW_MARK * LINE_PITCH
        base = num_cell + baseline_in_cell(body)
        signers = by[Role.SIGNER]
        for i, b in by[Role.DOC_NUMBER]:
            if signers:  # 上行文: number 居左空一字, 签发人 居右空一字
                ln = self._single(i, b, "left", left=TYPE_LEFT + CHAR_PITCH)
            else:
                ln = self._single(i, b, "center")
            page.fixed.append((base, ln))
        for n, (i, b) in enumerate(signers):
            ln = self._single(i, b, "right", right=TYPE_RIGHT - CHAR_PITCH)
            page.fixed.append((base + n * LINE_PITCH, ln))
        base += max(0, len(signers) - 1) * LINE_PITCH
        rule_w = mm(spec.DOCUMENT_RULE_WIDTH_MM)
        rule_y = base + EM_DESCENT * body + mm(spec.DOCUMENT_RULE_BELOW_NUMBER_MM) + rule_w / 2
        length = mm(spec.DOCUMENT_RULE_LENGTH_MM)
        x0 = TYPE_LEFT + (TYPE_AREA_WIDTH - length) / 2
        page.rules.append(Rule(x0, rule_y, x0 + length, rule_y, rule_w, spec.RED))
        return rule_y + rule_w / 2 + spec.TITLE_LINES_BELOW_HEADER * LINE_PITCH

    # -- 版记 ---------------------------------------------------------------------------
    def record(self, rec: list[tuple[int, Block]]) -> tuple[list[FlowLine], list[int]]:
        """The 版记's lines and, per line, the index of the block it belongs to."""
        lines: list[FlowLine] = []
        owners: list[int] = []
        for i, b in rec:
            for ln in self.paragraph(i, b):
                ln.part = Part.RECORD
                lines.append(ln)
                owners.append(i)
        return lines, owners


def first_page_bottom(fmt: LetterFormat) -> float:
    """The bottom of page 1's last grid cell may reach: the type area's, or in 信函格式 the
    cell whose em box ends 7/8 of a 3号 character above the lower double line (10.1)."""
    if fmt is LetterFormat.LETTER:
        return spec.letter_text_bottom() + (LINE_PITCH - spec.BODY_SIZE) / 2
    return TYPE_BOTTOM


def _new_page(pages: list[PageBuild]) -> PageBuild:
    p = PageBuild(TYPE_TOP, LINES_PER_PAGE)
    pages.append(p)
    return p


def _paginate(entries: list[Entry], first: PageBuild) -> list[PageBuild]:
    pages = [first]
    cur = first
    slot = 0
    min_before = spec.SIGNATURE_MIN_LINES_BEFORE
    for n, e in enumerate(entries):
        if e.page_break_before and (cur.slots or slot > 0):
            cur, slot = _new_page(pages), 0
        if slot >= cur.cap:
            cur, slot = _new_page(pages), 0
        sb = e.space_before if slot > 0 else 0
        lines = len(e.lines)
        if e.keep_with_next and slot > 0:
            # this heading, any headings kept with it, and the first line after them
            need = sb + lines
            for nxt in entries[n + 1 :]:
                if nxt.page_break_before:
                    break
                need += nxt.space_before + (len(nxt.lines) if nxt.keep_with_next else 1)
                if not nxt.keep_with_next:
                    break
            if slot + need > cur.cap and need <= cur.cap:
                cur, slot = _new_page(pages), 0
                sb = 0
        if e.signature:
            # decision 10: at least two lines of 正文 on the signature's page
            have = sum(ln.body_text for _, ln in cur.slots)
            if slot + sb + lines <= cur.cap and have < min_before and len(pages) > 1:
                prev = pages[-2]
                cut = _text_tail(prev.slots, min_before - have)
                if cut > 0 and slot + _restack_height(prev.slots[cut:]) + sb + lines <= cur.cap:
                    top = _restack(prev.slots[cut:], 0)
                    del prev.slots[cut:]
                    shift = top[-1][0] + 1
                    cur.slots = top + [(k + shift, ln) for k, ln in cur.slots]
                    slot += shift
                    sb = e.space_before
            elif slot + sb + lines > cur.cap:
                # the signature goes over: the last lines of 正文 and what follows them go too
                cut = _text_tail(cur.slots, min_before)
                if cut == 0:  # fewer lines of 正文 here: take those there are
                    cut = next((k for k, (_, ln) in enumerate(cur.slots) if ln.body_text), 0)
                if cut > 0:
                    moved = cur.slots[cut:]
                    del cur.slots[cut:]
                    cur, slot = _new_page(pages), 0
                    cur.slots = _restack(moved, 0)
                    slot = cur.slots[-1][0] + 1 if cur.slots else 0
                    sb = e.space_before
        slot += sb
        for k, ln in enumerate(e.lines):
            if slot >= cur.cap:
                cur, slot = _new_page(pages), 0
            if k == 0:
                e.placed_at = (len(pages) - 1, slot)
            cur.slots.append((slot, ln))
            slot += 1
        slot += e.space_after
    return pages


def _text_tail(slots: list[tuple[int, FlowLine]], n: int) -> int:
    """Index of the slot from which ``slots`` hold their last ``n`` lines of 正文 (0 if
    fewer); the lines after those (附件说明, contacts, a heading) are in the tail too. As
    Word and LibreOffice do with widow control and keep-with-next: a paragraph cut there
    leaves and takes at least two lines, and a heading above goes along."""
    seen = 0
    k = 0
    for k in range(len(slots) - 1, -1, -1):
        seen += slots[k][1].body_text
        if seen >= n:
            break
    else:
        return 0
    block = slots[k][1].block
    first = k
    while first > 0 and slots[first - 1][1].block == block:
        first -= 1
    last = k
    while last + 1 < len(slots) and slots[last + 1][1].block == block:
        last += 1
    if last - k + 1 < WIDOW_LINES:
        k = max(first, last - WIDOW_LINES + 1)
    if k - first < WIDOW_LINES:
        k = first
    while k > 0 and slots[k - 1][1].role.startswith("heading") and not slots[k - 1][1].body_text:
        k -= 1
    return k


def _restack_height(slots: list[tuple[int, FlowLine]]) -> int:
    """Grid lines the slots take when restacked (their gaps kept)."""
    return slots[-1][0] - slots[0][0] + 1 if slots else 0


def _restack(slots: list[tuple[int, FlowLine]], first: int) -> list[tuple[int, FlowLine]]:
    """The same lines with the same gaps between them, the first at slot ``first``."""
    if not slots:
        return []
    base = slots[0][0]
    return [(first + k - base, ln) for k, ln in slots]


def _used_bottom(p: PageBuild) -> float:
    last = max((s for s, _ in p.slots), default=-1)
    return p.origin + (last + 1) * LINE_PITCH if last >= 0 else p.origin


def _right(x: float, g: Glyph) -> float:
    """A glyph's right edge by its advance."""
    return x + g.advance


def _runs(
    xs: list[float], glyphs: list[Glyph], y: float, text: str, advances: tuple[float, ...]
) -> list[Run]:
    """Merge a line's glyphs into runs: same face, size, colour and a constant extra
    spacing. ``text`` and ``advances`` are the line's, one entry a glyph."""
    n = len(glyphs)
    if not n:
        return []
    g0 = glyphs[0]
    # the extra spacing before each glyph after the first: x - previous x - its advance
    steps = list(map(sub, map(sub, xs[1:], xs), advances))
    styles = [g.style for g in glyphs]
    if n > 1 and styles.count(g0.style) == n:
        cs = steps[0]
        if max(steps) - cs < 1e-4 and cs - min(steps) < 1e-4:  # one run (the usual line)
            return [Run(xs[0], y, text, g0.face.key, g0.size, g0.color, cs, tuple(xs),
                        advances)]
    runs: list[Run] = []
    i = 0
    while i < n:
        g0 = glyphs[i]
        style = g0.style
        cs = 0.0
        j = i + 1
        if j < n and styles[j] == style:
            cs = steps[i]
            j += 1
            while j < n and styles[j] == style and abs(steps[j - 1] - cs) < 1e-4:
                j += 1
        runs.append(Run(xs[i], y, text[i:j], g0.face.key, g0.size, g0.color,
                        cs if j - i > 1 else 0.0, tuple(xs[i:j]), advances[i:j]))
        i = j
    return runs


def _line_info(ln: FlowLine, y: float, text: str, advances: tuple[float, ...]) -> Line:
    xs = tuple(ln.xs)
    return Line(
        ln.block, ln.role, y, text, xs, xs[0] if xs else ln.x1, ln.x1, ln.full, ln.size,
        advances, ln.start, ln.end, ln.align, ln.left, ln.part, ln.space_before, ln.body_text,
    )


def layout_document(doc: Document, fontset: FontSet) -> Layout:
    """Lay out a composed letter on GB/T 9704 pages (see the package doc)."""
    b = _Builder(doc, fontset)
    fmt = doc.fmt
    hdr: list[tuple[int, Block]] = []
    rec: list[tuple[int, Block]] = []
    flow: list[tuple[int, Block]] = []
    for i, blk in enumerate(doc.blocks):
        if blk.role in spec.RECORD_ROLES:
            # 信函格式 has no 印发 line (decision 5): compose leaves it out; what is given is set
            rec.append((i, blk))
        elif blk.role in spec.HEADER_ROLES and fmt is not LetterFormat.PLAIN:
            if blk.role is Role.REPLY_CATEGORY:
                flow.append((i, blk))  # on the line above the title (decision 9)
            else:
                hdr.append((i, blk))
        else:
            flow.append((i, blk))

    first = PageBuild(TYPE_TOP, LINES_PER_PAGE)
    if fmt is not LetterFormat.PLAIN and hdr:
        origin = b.header(hdr, first)
        if any(blk.role is Role.REPLY_CATEGORY for _, blk in flow):
            origin -= LINE_PITCH
        first.origin = origin
        room = first_page_bottom(fmt) - origin + FIT_TOLERANCE
        first.cap = max(0, math.floor(room / LINE_PITCH))
        placed = tuple(dict.fromkeys(ln.block for _, ln in first.fixed))
        first.regions.append(Region(Part.HEADER, 0.0, origin, placed))

    entries: list[Entry] = []
    sig_items = [(i, blk) for i, blk in flow if blk.role in (Role.SIGNATURE, Role.DATE)]
    seen_note = False
    sig_done = False
    for i, blk in flow:
        if blk.role in (Role.SIGNATURE, Role.DATE):
            if not sig_done:
                entries.append(b.signature(sig_items))
                sig_done = True
            continue
        st = blk.style
        if not blk.text.strip():
            lines = [FlowLine([], [], st.size, i, blk.role.value)]
        else:
            lines = b.paragraph(i, blk)
        if blk.role is Role.BODY or (blk.level and blk.run_in):
            for ln in lines:
                ln.body_text = True
        last = entries[-1] if entries else None
        if last is not None and last.signature and blk.role in SIGNATURE_FOLLOWERS:
            last.lines.extend(lines)  # 附注 and contacts after the date stay with it
            last.blocks.append(i)
            continue
        before = st.space_before_lines
        if blk.role is Role.ATTACHMENT_NOTE and not seen_note:
            before = max(before, 1)  # 正文下空一行
            seen_note = True
        lines[0].space_before = before
        entries.append(
            Entry(
                lines,
                space_before=before,
                space_after=st.space_after_lines,
                keep_with_next=st.keep_with_next and not blk.run_in,
                page_break_before=blk.page_break_before,
            )
        )
    pages = _paginate(entries, first)
    if fmt is LetterFormat.LETTER and first.slots and first.slots[-1][0] == first.cap - 1:
        # a full first page: its last line 7/8 of a 3号 character above the lower lines
        first.origin = first_page_bottom(fmt) - first.cap * LINE_PITCH

    # 版记 at the foot of the last page (decision 5)
    if rec:
        lines, owners = b.record(rec)
        k = len(lines)
        rec_top = TYPE_BOTTOM - k * LINE_PITCH
        last = pages[-1]
        needs_new = _used_bottom(last) > rec_top + FIT_TOLERANCE
        if needs_new:
            last = _new_page(pages)
        if fmt is LetterFormat.DOCUMENT and doc.even_page_record and len(pages) % 2 == 1:
            if needs_new:  # blank page before the 版记 page: neither is numbered
                pages.insert(len(pages) - 1, PageBuild(TYPE_TOP, LINES_PER_PAGE, numbered=False))
                last.numbered = False
            else:
                last = _new_page(pages)
        for n, ln in enumerate(lines):
            last.fixed.append((rec_top + n * LINE_PITCH + baseline_in_cell(ln.size), ln))
        last.regions.append(Region(Part.RECORD, rec_top, TYPE_BOTTOM, tuple(i for i, _ in rec)))
        if fmt is not LetterFormat.LETTER:
            outer = mm(spec.RECORD_RULE_OUTER_MM)
            inner = mm(spec.RECORD_RULE_INNER_MM)
            x0, x1 = TYPE_LEFT, TYPE_LEFT + mm(spec.RECORD_RULE_LENGTH_MM)
            rules = [Rule(x0, rec_top, x1, rec_top, outer, part=Part.RECORD)]
            for n in range(1, k):
                if doc.blocks[owners[n]].role is not doc.blocks[owners[n - 1]].role:
                    y = rec_top + n * LINE_PITCH
                    rules.append(Rule(x0, y, x1, y, inner, part=Part.RECORD))
            rules.append(Rule(x0, TYPE_BOTTOM, x1, TYPE_BOTTOM, outer, part=Part.RECORD))
            last.rules.extend(rules)

    # the seal image over 署名 and date
    sig_entry = next((e for e in entries if e.signature), None)
    seal_data = doc.seal.read() if doc.seal.mode is SealMode.IMAGE else None
    if sig_entry is not None and sig_entry.placed_at is not None and seal_data is not None:
        pi, slot = sig_entry.placed_at
        page = pages[pi]
        d = mm(spec.SEAL_DIAMETER_MM)
        top = page.origin + (slot - sig_entry.blanks) * LINE_PITCH
        date = [ln for ln in sig_entry.lines if ln.role == "date"] or sig_entry.lines[:1]
        x0s = [x for ln in date for x in ln.xs]
        x1s = [x + min(g.advance, CHAR_PITCH) for ln in date
               for x, g in zip(ln.xs, ln.glyphs, strict=True)]
        cx = (min(x0s) + max(x1s)) / 2 if x0s else TYPE_RIGHT - d
        page.images.append(Image(cx - d / 2, top, d, d, seal_data))

    signature = None
    if sig_entry is not None and sig_entry.place is not None:
        seal = doc.seal.mode in (SealMode.RESERVE, SealMode.IMAGE)
        signature = SignatureBlock(
            tuple(sig_entry.blocks), sig_entry.blanks, seal, sig_entry.place
        )
    return _assemble(b, pages, fmt, signature)


def _assemble(
    b: _Builder, pages: list[PageBuild], fmt: LetterFormat, signature: SignatureBlock | None
) -> Layout:
    out: list[Page] = []
    loose = [
        LooseLine(b.doc.blocks[ln.block].source or f"blocks[{ln.block}]", n, _line_text(ln))
        for n, p in enumerate(pages, start=1)
        for _, ln in p.slots
        if ln.loose
    ]
    for n, p in enumerate(pages, start=1):
        runs: list[Run] = []
        infos: list[Line] = []
        placed: list[tuple[float, FlowLine]] = [
            (p.origin + s * LINE_PITCH + baseline_in_cell(ln.size), ln) for s, ln in p.slots
        ]
        placed += p.fixed
        for y, ln in sorted(placed, key=lambda t: t[0]):
            text = _line_text(ln)
            advances = tuple([g.advance for g in ln.glyphs])
            runs.extend(_runs(ln.xs, ln.glyphs, y, text, advances))
            infos.append(_line_info(ln, y, text, advances))
        printed: int | None = n
        if not p.numbered or (fmt is LetterFormat.LETTER and n == 1):
            printed = None
        if printed is not None:
            runs.extend(_page_number(b, printed))
        flow = Region(Part.FLOW, p.origin, p.origin + p.cap * LINE_PITCH)
        regions = sorted([*p.regions, flow], key=lambda r: r.top)
        out.append(
            Page(
                n, printed, tuple(runs), tuple(p.rules), tuple(p.images), tuple(infos),
                PAGE_WIDTH, PAGE_HEIGHT, tuple(regions),
            )
        )
    return Layout(
        tuple(out), tuple(b.warnings.values()), dict(b.fonts), tuple(loose), signature
    )


def _line_text(ln: FlowLine) -> str:
    return "".join([g.ch for g in ln.glyphs])


def _page_number(b: _Builder, n: int) -> list[Run]:
    """'— N —' (decision 4): dash line 7 mm below the type area, outer side, 14 pt indent."""
    size = spec.PAGE_NUMBER_SIZE
    text = spec.page_number_text(n)
    glyphs = b.glyphs([(text, spec.PAGE_NUMBER_FONT)], size, spec.BLACK, "page number")
    width = sum(g.advance for g in glyphs)
    dash_y = TYPE_BOTTOM + mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
    base = dash_y + (EM_ASCENT - 0.5) * size  # the dash sits on the em box's middle
    if n % 2:
        x = TYPE_RIGHT - spec.PAGE_NUMBER_INDENT - width
    else:
        x = TYPE_LEFT + spec.PAGE_NUMBER_INDENT
    xs = []
    for g in glyphs:
        xs.append(x)
        x += g.advance
    return _runs(xs, glyphs, base, "".join([g.ch for g in glyphs]),
                 tuple([g.advance for g in glyphs]))
