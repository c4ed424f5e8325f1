"""DOCX export: the composed :class:`~gongwen.document.Document` as a Word-native file.

Word (or LibreOffice) lays the text out; the file tells it how: an A4 section with the
GB/T 9704 margins and a 28.95 pt line grid, one named paragraph style per role (headings on
Word's built-in "Heading 1–4" with outline levels), -0.25 pt tracking on 3号 text so 28
characters fill a line (decision 1), PAGE fields in odd and even footers, and the 版头, red
lines, 版记 and seal as objects anchored to the page rather than paragraphs that move.
Raw XML lives in :mod:`gongwen.ooxml.writer`. Output is byte-for-byte deterministic.

What depends on lengths comes from the :class:`~gongwen.layout.Layout`, never from a
second measurement: where each 版头 element, rule and the first line of text stand, the
title's line breaks, the 版记's lines and rules, how many lines the text before the
signature takes, and which blocks move with the signature. The 署名 and date are placed by
the layout's decision-10 rule (:func:`~gongwen.layout.place_signature`) applied to their
widths as Word sets them (the layout's font advances plus the DOCX tracking).

Word and LibreOffice differ here (LibreOffice 7.4 measured, Word not at hand):

- ``w:autoSpaceDE``/``DN`` = 0 (no extra space between CJK and digits/Latin) is honoured by
  Word; LibreOffice's DOCX import ignores both and adds about 1/4 em at every such boundary,
  so its lines with digits hold fewer characters and its line breaks drift from the PDF's.
- In an exact-height line LibreOffice puts the baseline at about 0.78–0.8 of the line
  height; the PDF layout centres the em box (0.71 for 3号 on 28.95 pt). Body text therefore
  sits about 0.7 mm lower in LibreOffice; Word's placement may differ again. Anchored text
  boxes use 1.4 em lines so that this shift stays under 0.3 mm.
- The 版记 is a text box anchored in a 1 pt paragraph after the text; both applications put
  it on the page where the text ends. The 文件格式 even-page placement of the 版记 (a blank
  page when needed) cannot be expressed without knowing Word's pagination, so it is not done.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import docx
import docx.shared
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.parser import parse_xml
from lxml import etree

from .. import spec
from ..document import Block, Document, LetterFormat, Span
from ..layout import (
    Image,
    Layout,
    Line,
    Page,
    Part,
    Region,
    SignatureBlock,
    SignaturePlace,
    place_signature,
)
from ..ooxml import writer as ox
from ..ooxml.writer import Indent
from ..spec import FontRole, Role
from . import ExportContext

__all__ = ["STYLE_NAMES", "export"]


class FontNames(Protocol):
    """What the exporter needs from :class:`gongwen.fonts.FontSet`."""

    def docx_names(self, role: FontRole) -> tuple[str, Sequence[str]]: ...


# Role → (styleId, style name). Built-in Word styles where one means the same thing.
STYLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.COPY_NUMBER: ("GwCopyNumber", "份号"),
    Role.SECRECY: ("GwSecrecy", "密级"),
    Role.URGENCY: ("GwUrgency", "紧急程度"),
    Role.ORGAN_MARK: ("GwOrganMark", "发文机关标志"),
    Role.DOC_NUMBER: ("GwDocNumber", "发文字号"),
    Role.SIGNER: ("GwSigner", "签发人"),
    Role.REPLY_CATEGORY: ("GwReplyCategory", "答复类别"),
    Role.TITLE: ("Title", "Title"),
    Role.ADDRESSEE: ("Salutation", "Salutation"),
    Role.BODY: ("BodyText", "Body Text"),
    Role.HEADING1: ("Heading1", "heading 1"),
    Role.HEADING2: ("Heading2", "heading 2"),
    Role.HEADING3: ("Heading3", "heading 3"),
    Role.HEADING4: ("Heading4", "heading 4"),
    Role.CONTACT: ("GwContact", "联系方式"),
    Role.ATTACHMENT_NOTE: ("GwAttachmentNote", "附件说明"),
    Role.SIGNATURE: ("Signature", "Signature"),
    Role.DATE: ("Date", "Date"),
    Role.NOTE: ("GwNote", "附注"),
    Role.ATTACHMENT_LABEL: ("GwAttachmentLabel", "附件标签"),
    Role.ATTACHMENT_TITLE: ("GwAttachmentTitle", "附件标题"),
    Role.RECORD_CC: ("GwRecordCc", "版记抄送"),
    Role.RECORD_PRINT: ("GwRecordPrint", "版记印发"),
}
# Character styles for a span set in another face than its paragraph (run-in headings …).
FONT_STYLE_NAMES: dict[FontRole, tuple[str, str]] = {
    role: (f"Gw{role.value.capitalize()}Char", f"{name}字体")
    for role, name in spec.FONT_ROLE_NAMES.items()
}
NORMAL_ID = "Normal"
FOOTER_ID = "Footer"
HEADER_LINE_FACTOR = 1.4  # header text boxes: exact line = 1.4 em, the em box centred in it
FOOTER_LINE = 20.0  # exact height of the page-number line, taller than the font's extent

CJK_PUNCTUATION = frozenset(
    "\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u2030\u2032\u2033\u2035\u203b"
) | frozenset(chr(c) for c in range(0x3000, 0x3040)) | frozenset(
    chr(c) for c in range(0xFF01, 0xFF66))


def _is_3hao(size: float) -> bool:
    return abs(size - spec.SIZE_3HAO) < 0.01


def _tracking(size: float) -> float | None:
    """Character spacing for a size: -0.25 pt on 3号 text (decision 1), none otherwise."""
    return spec.DOCX_BODY_CHAR_SPACING if _is_3hao(size) else None


# --- Styles ----------------------------------------------------------------------------------
def _styles(fonts: FontNames) -> list[etree._Element]:
    body_font = fonts.docx_names(FontRole.FANGSONG)[0]
    defaults = ox.doc_defaults(
        ox.rpr(family=body_font, size=spec.BODY_SIZE, lang_east_asia="zh-CN"),
        ox.ppr(line=spec.LINE_PITCH, before=0, after=0, east_asian_defaults=True,
               widow_control=False, align="justify"),
    )
    out = [defaults]
    out.append(ox.style(
        "paragraph", NORMAL_ID, "Normal", default=True, ui_priority=0,
        p_pr=ox.ppr(line=spec.LINE_PITCH, before=0, after=0, align="justify",
                    indent=Indent(), widow_control=False),
        r_pr=ox.rpr(family=body_font, size=spec.BODY_SIZE,
                    spacing=spec.DOCX_BODY_CHAR_SPACING, color=spec.BLACK)))
    out.append(ox.style("character", "DefaultParagraphFont", "Default Paragraph Font",
                        default=True, ui_priority=1, quick=False, hidden=True))
    out.append(ox.table_normal_style())
    for role, (style_id, name) in STYLE_NAMES.items():
        out.append(_role_style(role, style_id, name, fonts))
    for font_role, (style_id, name) in FONT_STYLE_NAMES.items():
        family = fonts.docx_names(font_role)[0]
        out.append(ox.style("character", style_id, name, based_on="DefaultParagraphFont",
                            ui_priority=10, r_pr=ox.rpr(family=family)))
    page_family = fonts.docx_names(spec.PAGE_NUMBER_FONT)[0]
    out.append(ox.style(
        "paragraph", FOOTER_ID, "footer", based_on=NORMAL_ID, ui_priority=99, quick=False,
        p_pr=ox.ppr(line=FOOTER_LINE, snap_to_grid=False, align="left"),
        r_pr=ox.rpr(family=page_family, size=spec.PAGE_NUMBER_SIZE, spacing=0)))
    return out


def _role_style(role: Role, style_id: str, name: str, fonts: FontNames) -> etree._Element:
    st = spec.STYLES[role]
    family = fonts.docx_names(st.font)[0]
    level = role.value.startswith("heading") and int(role.value[-1]) - 1
    indent = _style_indent(st)
    p_pr = ox.ppr(
        keep_next=st.keep_with_next,
        before=st.space_before_lines * spec.LINE_PITCH,
        after=st.space_after_lines * spec.LINE_PITCH,
        indent=indent, align=st.align,
        outline_level=level if level is not False else None,
    )
    r_pr = ox.rpr(family=family, size=st.size, color=st.color,
                  spacing=_tracking(st.size) or 0.0)
    return ox.style("paragraph", style_id, name, based_on=NORMAL_ID,
                    next_style=STYLE_NAMES[Role.BODY][0], ui_priority=9 if level is not False
                    else 20, p_pr=p_pr, r_pr=r_pr)


def _style_indent(st: spec.Style) -> Indent:
    c = st.size
    return Indent(left=(st.left_chars + st.hanging_chars) * c, right=st.right_chars * c,
                  first_line=st.first_line_chars * c, hanging=st.hanging_chars * c, char=c)


# --- What the layout decided, in Word's terms ------------------------------------------------
def _word_width(line: Line, chars: int | None = None) -> float:
    """The width of the line's text (or of its first ``chars`` characters) as Word sets
    it: the layout's font advances plus tracking."""
    track = _tracking(line.size) or 0.0
    total = 0.0
    for advance in line.advances[:chars]:
        total += advance
        total += track
    return total


def _with_breaks(block: Block, lines: Sequence[Line]) -> Block:
    """The block with a line break where the layout started each of its lines."""
    text = "".join(s.text for s in block.spans)
    cuts = {ln.start for ln in lines if 0 < ln.start <= len(text) and text[ln.start - 1] != "\n"}
    if not cuts:
        return block
    spans: list[Span] = []
    at = 0
    for span in block.spans:
        pieces = []
        for k, ch in enumerate(span.text):
            if at + k in cuts:
                pieces.append("\n")
            pieces.append(ch)
        spans.append(Span("".join(pieces), span.font))
        at += len(span.text)
    return dataclasses.replace(block, spans=tuple(spans))


def _part_of(block: Block, start: int, end: int) -> Block:
    """The block cut to the text from ``start`` to ``end`` (its tail, if inside, as text)."""
    spans: list[Span] = []
    at = 0
    for span in (*block.spans, Span(block.tail)):
        a, b = max(start, at), min(end, at + len(span.text))
        if a < b:
            spans.append(Span(span.text[a - at : b - at], span.font))
        at += len(span.text)
    whole = start == 0 and end >= len(block.text)
    return block if whole else dataclasses.replace(block, spans=tuple(spans), tail="")


@dataclass(frozen=True, slots=True)
class _Signature:
    """Decision 10 (the layout's rule) applied to the 署名 and date as Word sets them."""

    block: SignatureBlock
    signatures: tuple[int, ...]  # the 署名 blocks, in order
    place: SignaturePlace  # x from the type area's left edge
    widths: dict[int, float]  # 署名/date block → Word width of its line

    def indent(self, i: int) -> dict[str, object]:
        """Paragraph settings that put block ``i`` (a 署名 or the date) where the rule says."""
        width = spec.TYPE_AREA_WIDTH
        w = self.widths[i]
        if i in self.signatures:
            x = self.place.signatures[self.signatures.index(i)]
            return {"indent": Indent(right=max(0.0, width - x - w))}
        if self.place.date_from_left:
            return {"indent": Indent(left=self.place.date), "align": "left"}
        return {"indent": Indent(right=width - self.place.date - w), "align": "right"}


# --- The builder -----------------------------------------------------------------------------
class _Builder:
    """Appends the document's paragraphs to the body of a python-docx document, placing the
    版头, signature block, seal and 版记 where the layout put them."""

    def __init__(self, doc: Document, layout: Layout, body: etree._Element,
                 part: docx.parts.document.DocumentPart | None) -> None:
        self.doc = doc
        self.layout = layout
        self.package_part = part  # adds the seal's image part; None: the letter has no image
        self.body = body
        self.sect_pr = ox.body_section(self.body)
        self.shape_id = 0
        self.lines: dict[int, list[Line]] = {}
        for page in layout.pages:
            for ln in page.lines:
                self.lines.setdefault(ln.block, []).append(ln)
        self.signature = self._signature()

    def _signature(self) -> _Signature | None:
        sig = self.layout.signature
        if sig is None:
            return None
        roles = {i: self.doc.blocks[i].role for i in sig.blocks}
        sigs = [i for i in sig.blocks if roles[i] is Role.SIGNATURE]
        dates = [i for i in sig.blocks if roles[i] is Role.DATE]
        widths = {i: _word_width(self.lines[i][0]) for i in [*sigs, *dates]}
        place = place_signature([widths[i] for i in sigs],
                                max((widths[i] for i in dates), default=0.0), sig.seal,
                                spec.TYPE_AREA_WIDTH)
        return _Signature(sig, tuple(sigs), place, widths)

    def next_id(self) -> int:
        self.shape_id += 1
        return self.shape_id

    def add(self, node: etree._Element) -> etree._Element:
        self.sect_pr.addprevious(node)
        return node

    # runs
    def runs(self, block: Block, size: float | None = None) -> list[etree._Element]:
        out = []
        base = block.style.font
        for i, span in enumerate(block.spans):
            font = span.font
            if block.run_in and i > 0 and font is None:
                font = FontRole.FANGSONG
            out.append(self.run(span, font if font not in (None, base) else None, size))
        if block.tail:
            out.append(ox.text_run("\t"))
            out.append(self.run(Span(block.tail), None, size))
        return out

    def run(self, span: Span, font: FontRole | None, size: float | None) -> etree._Element:
        hint = "eastAsia" if any(ch in CJK_PUNCTUATION for ch in span.text) else None
        style = FONT_STYLE_NAMES[font][0] if font else None
        props = None
        if style or hint or size:
            props = ox.rpr(style=style, hint=hint, size=size,
                           spacing=None if size is None else (_tracking(size) or 0.0))
        return ox.text_run(span.text, props)

    # paragraphs
    def paragraph(self, i: int, **ppr: object) -> etree._Element:
        block = self.doc.blocks[i]
        if block.role in (Role.TITLE, Role.ATTACHMENT_TITLE):  # broken where the layout broke it
            block = _with_breaks(block, self.lines.get(i, []))
        style_id = STYLE_NAMES[block.role][0]
        if block.hang_spans and "indent" not in ppr:
            ppr["indent"] = self._hanging(i, block)
        elif block.extra_indent_chars and "indent" not in ppr:
            st = block.style
            c = st.size
            rest = st.left_chars + st.hanging_chars
            first = st.left_chars + st.first_line_chars + block.extra_indent_chars - rest
            ppr["indent"] = Indent(left=rest * c, right=st.right_chars * c,
                                   first_line=max(first, 0) * c, hanging=max(-first, 0) * c,
                                   char=c)
        props = ox.ppr(style=style_id, page_break_before=block.page_break_before, **ppr)
        return ox.paragraph(props, *self.runs(block))

    def _hanging(self, i: int, block: Block) -> Indent:
        """Wrapped lines under the first character of ``spans[hang_spans]`` (附件说明): the
        label before it as wide as Word sets the layout's glyphs."""
        st = block.style
        c = st.size
        first = (st.left_chars + st.first_line_chars + block.extra_indent_chars) * c
        label = len("".join(s.text for s in block.spans[: block.hang_spans]))
        hang = _word_width(self.lines[i][0], label)
        return Indent(left=first + hang, right=st.right_chars * c, hanging=hang, char=c)

    def part(self, i: int) -> Part:
        return self.lines[i][0].part

    def build(self) -> None:
        blocks = self.doc.blocks
        flow = [i for i in range(len(blocks)) if self.part(i) is Part.FLOW]
        first_page = self.layout.pages[0] if self.layout.pages else None
        header = first_page.region(Part.HEADER) if first_page else None
        sig = self.signature
        group = list(sig.block.blocks) if sig is not None else []
        first_sig = group[0] if group else None
        date = next((i for i in group if blocks[i].role is Role.DATE), None)
        # decision 10: the last lines of 正文 before the signature (at least
        # spec.SIGNATURE_MIN_LINES_BEFORE; the 附件说明, contacts and headings between do
        # not count) are kept with it
        keep_with_signature: set[int] = set()
        if first_sig is not None:
            lines_kept = 0
            for i in reversed(flow[: flow.index(first_sig)]):
                if lines_kept >= spec.SIGNATURE_MIN_LINES_BEFORE:
                    break
                keep_with_signature.add(i)
                lines_kept += sum(ln.body_text for ln in self.lines[i])
        paragraphs: dict[int, etree._Element] = {}
        for i in flow:
            block = blocks[i]
            kwargs: dict[str, object] = {}
            if block.run_in:
                kwargs.update(keep_next=False, outline_level=block.level - 1)
            blank = self.lines[i][0].space_before  # e.g. 正文下空一行 before 附件说明
            if blank != block.style.space_before_lines:
                kwargs["before"] = blank * spec.LINE_PITCH
            if sig is not None and block.role in (Role.SIGNATURE, Role.DATE):
                kwargs.update(sig.indent(i))
            elif i in keep_with_signature:
                kwargs.update(keep_next=True, widow_control=True)
            if i in group:  # the signature block moves as one
                kwargs.update(keep_next=i != group[-1], keep_lines=True)
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            paragraphs[i] = self.add(self.paragraph(i, **kwargs))
        if header is not None and first_page is not None and paragraphs:
            self._place_header(first_page, header, next(iter(paragraphs.values())))
        image = next((im for p in self.layout.pages for im in p.images), None)
        if image is not None and date is not None:
            self._place_seal(paragraphs[date], image, date)
        last_page = self.layout.pages[-1] if self.layout.pages else None
        record = last_page.region(Part.RECORD) if last_page else None
        if record is not None and last_page is not None:
            self._place_record(last_page, record)

    def _text_right(self, block: Block) -> float:
        st = block.style
        return spec.TYPE_AREA_WIDTH - st.right_chars * st.size

    # 版头
    def _place_header(self, page: Page, header: Region, first: etree._Element) -> None:
        ppr = ox.paragraph_properties(first)
        # the text starts where the 版头 lets it (Word fills page 1 from there)
        ox.space_before(ppr, max(0.0, header.bottom - spec.MARGIN_TOP))
        anchors = [self._header_box(ln) for i in header.blocks
                   for ln in sorted(self.lines[i], key=lambda ln: ln.start)]
        rules = [r for r in page.rules if r.part is Part.HEADER]
        for n, rule in enumerate(rules, 1):
            anchors.append(ox.rule_run(self.next_id(), f"版头线{n}", rule.x0,
                                       rule.y0 - rule.width / 2, rule.x1 - rule.x0,
                                       rule.width, rule.color))
        for run in reversed(anchors):
            ppr.addnext(run)

    def _header_box(self, ln: Line) -> etree._Element:
        """One line of the 版头 (a joint mark's names and its 文件 are lines of their own)
        in a text box across the type area, aligned in the line's box as the layout set it."""
        block = _part_of(self.doc.blocks[ln.block], ln.start, ln.end)
        st = block.style
        # w:sz counts half points: a 标志 shrunk to fit is rounded down to one
        size = math.floor(ln.size * 2 + 1e-9) / 2
        # text is centred in an exact-height line taller than the font's ascent + descent
        line = HEADER_LINE_FACTOR * size
        top = ln.top - (line - size) / 2
        align = "distribute" if ln.full else ln.align  # a one-line paragraph filling its box
        props = ox.ppr(style=STYLE_NAMES[block.role][0], line=line, before=0, after=0,
                       snap_to_grid=False, align=align, keep_next=False,
                       indent=Indent(left=ln.left - spec.TYPE_LEFT,
                                     right=spec.TYPE_RIGHT - ln.x1, char=st.size))
        para = ox.paragraph(props, *self.runs(block, size if size != st.size else None))
        return ox.textbox_run(self.next_id(), STYLE_NAMES[block.role][1],
                              spec.MARGIN_LEFT, top, spec.TYPE_AREA_WIDTH, line, [para])

    # seal
    def _place_seal(self, date_p: etree._Element, image: Image, date: int) -> None:
        """The layout's seal image, centred over the date as Word sets it."""
        sig = self.signature
        assert sig is not None
        assert self.package_part is not None
        inline = self.package_part.new_pic_inline(io.BytesIO(image.data),
                                            docx.shared.Pt(image.width),
                                            docx.shared.Pt(image.height))
        centre = sig.place.date + sig.widths[date] / 2
        # the seal's top on the first blank line above the 署名, as in the PDF layout
        top = -(1 + sig.block.blank_lines) * spec.LINE_PITCH
        anchor = ox.inline_to_anchor(inline, self.next_id(), "印章", centre - image.width / 2,
                                     top, h_from="margin", v_from="paragraph", behind=True)
        ox.paragraph_properties(date_p).addnext(ox.anchor_run(anchor))

    # 版记
    def _place_record(self, page: Page, record: Region) -> None:
        """The 版记 as a text box (and rules) where the layout put it at the foot of the
        last page's type area, anchored in a minimal paragraph after the text so that it
        lands on the page where the text ends."""
        pitch = spec.LINE_PITCH
        paragraphs = []
        for i in record.blocks:
            block = self.doc.blocks[i]
            kwargs: dict[str, object] = {"keep_next": False, "snap_to_grid": False}
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            if len(self.lines[i]) == 1:  # a 1.4 em line centred in its grid cell
                line = HEADER_LINE_FACTOR * block.style.size
                kwargs.update(line=line, before=(pitch - line) / 2, after=(pitch - line) / 2)
            paragraphs.append(self.paragraph(i, **kwargs))
        top = record.top - spec.MARGIN_TOP
        runs = [ox.textbox_run(self.next_id(), "版记", 0.0, top, spec.TYPE_AREA_WIDTH,
                               record.bottom - record.top, paragraphs, relative="margin",
                               wrap="topAndBottom")]
        rules = [r for r in page.rules if r.part is Part.RECORD]
        for n, rule in enumerate(rules, 1):
            runs.append(ox.rule_run(self.next_id(), f"版记线{n}", rule.x0 - spec.MARGIN_LEFT,
                                    rule.y0 - spec.MARGIN_TOP - rule.width / 2,
                                    rule.x1 - rule.x0, rule.width, rule.color,
                                    relative="margin"))
        self.add(ox.paragraph(
            ox.ppr(line=1, before=0, after=0, snap_to_grid=False, keep_next=False),
            *runs, ox.text_run("", ox.rpr(size=1))))


# --- Footers ---------------------------------------------------------------------------------
DASH_FROM_BOTTOM = spec.MARGIN_BOTTOM - spec.mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
LETTER_FOOTER_DISTANCE = spec.mm(10)  # 信函格式: below page 1's text, which runs lower


def footer_distance(fmt: LetterFormat | None = None) -> float:
    """Footer distance (page bottom to the footer's bottom). The page number's line is
    centred 7 mm below the type area, where the dashes sit (decision 4): with the default
    distance it is the footer's only line; 信函格式 uses a lower distance (its page 1 has
    text down to the lower red lines and no number) and pads the numbered footers."""
    if fmt is LetterFormat.LETTER:
        return LETTER_FOOTER_DISTANCE
    return DASH_FROM_BOTTOM - FOOTER_LINE / 2


def letter_bottom_margin() -> float:
    """信函格式: the section's bottom margin at page 1's lowest grid line whose text stays
    7/8 of a 3号 character above the lower red lines (10.1); on later pages the footer,
    padded up to the type area's bottom edge, keeps the text above it. Word and LibreOffice
    snap lines to the document grid from the top margin, so the text area is a whole number
    of grid lines plus the type area's own remainder (LibreOffice places the grid by it)."""
    from ..layout.pages import first_page_bottom

    rest = spec.TYPE_AREA_HEIGHT - spec.LINES_PER_PAGE * spec.LINE_PITCH
    lines = math.floor((first_page_bottom(LetterFormat.LETTER) - spec.MARGIN_TOP - rest)
                       / spec.LINE_PITCH)
    return spec.PAGE_HEIGHT - spec.MARGIN_TOP - lines * spec.LINE_PITCH - rest


def _footer_paragraph(odd: bool, fmt: LetterFormat | None = None) -> list[etree._Element]:
    indent = Indent(right=spec.PAGE_NUMBER_INDENT, char=spec.PAGE_NUMBER_SIZE) if odd \
        else Indent(left=spec.PAGE_NUMBER_INDENT, char=spec.PAGE_NUMBER_SIZE)
    spacing: dict[str, float] = {}
    if fmt is LetterFormat.LETTER:  # the number's line 7 mm below the type area, the
        # footer's top on the type area's bottom edge (the text of pages 2… ends there)
        after = DASH_FROM_BOTTOM - FOOTER_LINE / 2 - LETTER_FOOTER_DISTANCE
        before = spec.MARGIN_BOTTOM - LETTER_FOOTER_DISTANCE - FOOTER_LINE - after
        spacing = {"before": before, "after": after}
    props = ox.ppr(style=FOOTER_ID, align="right" if odd else "left", indent=indent, **spacing)
    before, after = spec.page_number_text(0).split("0")

    def rp() -> etree._Element:
        return ox.rpr(hint="eastAsia")

    runs = [ox.text_run(before, rp()), *ox.field_runs("PAGE", "1", rp()),
            ox.text_run(after, rp())]
    return [props, *runs]


def _fill_footer(footer: docx.section._Footer, content: list[etree._Element]) -> None:
    footer.is_linked_to_previous = False
    root = footer._element
    for child in list(root):
        root.remove(child)
    root.append(ox.paragraph(*content))


# --- Entry points ---------------------------------------------------------------------------
def export(layout: Layout, doc: Document, ctx: ExportContext) -> bytes:
    """The exporter of format ``docx`` (see :mod:`gongwen.export`): the letter as DOCX
    bytes (same input, same bytes).

    Only ``word/document.xml`` and ``docProps/core.xml`` depend on the letter (and, with a
    seal, its image part): every other part, compressed, is built once per process, font
    set and letter format (:func:`_shared_parts`). A letter with an image goes through
    python-docx's package (:func:`export_package`), which adds the image's part and
    relationship; both ways give the same bytes."""
    if any(page.images for page in layout.pages):
        return export_package(layout, doc, ctx)
    shared = _shared_parts(_font_names(ctx.fonts), doc.fmt)
    root = parse_xml(shared.document)
    _Builder(doc, layout, root.body, None).build()
    core = parse_xml(shared.core)
    _core_properties(CoreProperties(core), doc)
    own = {"word/document.xml": serialize_part_xml(root),
           "docProps/core.xml": serialize_part_xml(core)}
    return ox.write_zip(
        ox.zip_entry(name, own[name]) if entry is None else entry
        for name, entry in shared.entries
    )


def export_package(layout: Layout, doc: Document, ctx: ExportContext) -> bytes:
    """:func:`export` through python-docx's package, every part built for this letter."""
    d = _package(ctx.fonts, doc.fmt)
    _Builder(doc, layout, d.element.body, d.part).build()
    _core_properties(d.core_properties, doc)
    return _saved(d, _font_names(ctx.fonts))


FontNamesKey = tuple[tuple[str, tuple[str, ...]], ...]


def _font_names(fontset: FontNames) -> FontNamesKey:
    """Each font role's DOCX family and alternates: all the static parts take from fonts."""
    return tuple((family, tuple(alts))
                 for family, alts in (fontset.docx_names(role) for role in FontRole))


class _KnownNames:
    """A :class:`FontNames` answering from :func:`_font_names`' tuple."""

    def __init__(self, names: FontNamesKey) -> None:
        self.names = dict(zip(FontRole, names, strict=True))

    def docx_names(self, role: FontRole) -> tuple[str, Sequence[str]]:
        return self.names[role]


def _package(fontset: FontNames, fmt: LetterFormat) -> docx.document.Document:
    """A python-docx document with the letter's styles, settings, section and footers, and
    an empty body."""
    d = docx.Document()
    _prune_template(d)
    styles = d.styles.element
    for child in list(styles):
        styles.remove(child)
    for node in _styles(fontset):
        styles.append(node)
    _settings(d)

    sect_pr = ox.clear_body(d.element.body)
    letter = fmt is LetterFormat.LETTER
    section = d.sections[0]
    ox.page_setup(
        sect_pr, width=spec.PAGE_WIDTH, height=spec.PAGE_HEIGHT,
        top=spec.MARGIN_TOP, bottom=letter_bottom_margin() if letter else spec.MARGIN_BOTTOM,
        left=spec.MARGIN_LEFT, right=spec.MARGIN_RIGHT, header=spec.mm(15),
        footer=footer_distance(fmt), grid_type=spec.DOCX_GRID_TYPE,
        line_pitch=spec.LINE_PITCH, title_page=False)
    _fill_footer(section.footer, _footer_paragraph(odd=True, fmt=fmt))
    _fill_footer(section.even_page_footer, _footer_paragraph(odd=False, fmt=fmt))
    if letter:  # no number on page 1 of a 信函格式 letter; an empty 1 pt line
        section.different_first_page_header_footer = True
        _fill_footer(section.first_page_footer,
                     [ox.ppr(style=FOOTER_ID, line=1, before=0, after=0)])
    return d


def _saved(d: docx.document.Document, names: FontNamesKey) -> bytes:
    """The document's package as bytes, with gongwen's font table and app properties."""
    families: dict[str, Sequence[str]] = {}
    for family, alternates in names:
        families.setdefault(family, alternates)
    out = io.BytesIO()
    d.save(out)
    return ox.rezip(out.getvalue(), {
        "word/fontTable.xml": ox.font_table(sorted(families.items())),
        "docProps/app.xml": ox.APP_XML,
    })


_OWN_PARTS = ("word/document.xml", "docProps/core.xml")


@dataclass(frozen=True, slots=True)
class _SharedParts:
    """The package of a letter with an empty body: its parts in order, compressed (None for
    the letter's own parts), and the XML the letter's own parts start from."""

    entries: tuple[tuple[str, ox.ZipEntry | None], ...]
    document: bytes
    core: bytes


@functools.cache
def _shared_parts(names: FontNamesKey, fmt: LetterFormat) -> _SharedParts:
    data = _saved(_package(_KnownNames(names), fmt), names)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    entries = tuple((name, None if name in _OWN_PARTS else ox.zip_entry(name, blob))
                    for name, blob in parts.items())
    return _SharedParts(entries, parts["word/document.xml"], parts["docProps/core.xml"])


def _prune_template(d: docx.document.Document) -> None:
    """Drop template parts that carry theme fonts or stale data (Word 2010 styles with
    effects, custom XML, the thumbnail)."""
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in ("stylesWithEffects", "customXml",
                                              "webSettings"):
            d.part.drop_rel(rid)
    pkg_rels = d.part.package.rels
    for rid, rel in list(pkg_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            pkg_rels.pop(rid)


def _settings(d: docx.document.Document) -> None:
    d.settings.odd_and_even_pages_header_footer = True
    ox.settings_for_word(d.settings.element)


CORE_PROPERTY_CHARS = 255  # python-docx (and the OPC core properties) take no more


def _core_property(text: str) -> str:
    """``text`` for a core property: cut to 255 characters (the whole stays in the body)."""
    return text if len(text) <= CORE_PROPERTY_CHARS else text[: CORE_PROPERTY_CHARS - 1] + "…"


def _core_properties(cp: CoreProperties, doc: Document) -> None:
    """Core properties from the letter's metadata; dates in UTC (python-docx writes a "Z")."""
    meta = doc.metadata
    cp.title = _core_property(meta.title)
    cp.author = _core_property(meta.author)
    cp.last_modified_by = _core_property(meta.author)
    cp.comments = ""
    cp.subject = _core_property(meta.subject)
    cp.keywords = _core_property(meta.keyword_text)
    cp.language = meta.language
    cp.category = ""
    cp.revision = 1
    cp.created = cp.modified = meta.timestamp.astimezone(dt.UTC)
