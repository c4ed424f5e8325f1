"""DOCX export: the composed :class:`~gongwen.document.Document` as a Word-native file.

Word (or LibreOffice) lays the text out; the file tells it how: an A4 section with the
GB/T 9704 margins and a 28.95 pt line grid, one named paragraph style per role (headings on
Word's built-in "Heading 1–4" with outline levels), -0.25 pt tracking on 3号 text so 28
characters fill a line (decision 1), PAGE fields in odd and even footers, and the 版头, red
lines, 版记 and seal as objects anchored to the page rather than paragraphs that move.
Raw XML lives in :mod:`gongwen.ooxml.writer`. Output is byte-for-byte deterministic.

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
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import docx
import docx.shared
from lxml import etree

from .. import spec
from ..document import Block, Document, LetterFormat, SealMode, Span
from ..ooxml import writer as ox
from ..ooxml.writer import Indent
from ..spec import FontRole, Role

__all__ = ["STYLE_NAMES", "render_docx", "write_docx"]


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

SIGNATURE_FOLLOWERS = (Role.CONTACT, Role.NOTE)  # move with the signature block (PDF layout)
FIXED_DATE = dt.datetime(2012, 7, 1, tzinfo=dt.UTC)  # GB/T 9704-2012 in force; never "now"
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


# --- Geometry of the 版头 (mirrors gongwen/layout/pages.py, from spec figures) -------------
EM_ASCENT = 0.88  # ideographic em box top above the baseline, in em
EM_DESCENT = 1.0 - EM_ASCENT


def cell_offset(size: float) -> float:
    """Distance from a grid cell's top to the em-box top of ``size`` text centred in it
    (Word and LibreOffice centre a line's text in an exact-height line)."""
    return (spec.LINE_PITCH - size) / 2


@dataclass(frozen=True, slots=True)
class Placed:
    """A one-line header element whose em box starts ``top`` points below the page top."""

    block: Block
    top: float
    align: str
    size: float
    left: float = 0.0  # indents inside the type-area-wide box
    right: float = 0.0


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal rule centred on ``y`` points below the page (or type-area) top."""

    y: float
    x: float
    length: float
    thickness: float
    color: str = spec.BLACK


@dataclass(frozen=True, slots=True)
class HeaderGeometry:
    placed: tuple[Placed, ...]
    rules: tuple[Rule, ...]
    origin: float  # top of page 1's first flow cell (the title's line), from the page top


def _em_width(text: str) -> float:
    return sum(1.0 if spec.is_wide(ch) else 0.5 for ch in text)


def mark_size(text: str, size: float, width_em: float | None = None) -> float:
    """The 标志's font size: its style's, shrunk (in half points) to fit the type area."""
    width = (_em_width(text) if width_em is None else width_em) * size
    if width <= spec.TYPE_AREA_WIDTH:
        return size
    return int(size * spec.TYPE_AREA_WIDTH / width * 2) / 2


def _marks(marks: list[Block], top: float, placed: list[Placed]) -> float:
    """Stack the 标志 lines from ``top``; returns the em-box bottom of the last. A joint
    mark's suffix (the last block's tail) goes once to the right of the names, which are
    justified to the longest, centred on the stack (as in the PDF layout)."""
    suffix = marks[-1].tail if marks else ""
    if not suffix:
        y = bottom = top
        for b in marks:
            size = mark_size(b.text, b.style.size)
            placed.append(Placed(b, y, "center", size))
            bottom = y + size
            y = bottom + spec.MARK_LINE_GAP_EM * size
        return bottom
    stack_em = max(_em_width("".join(s.text for s in b.spans)) for b in marks)
    gap_em = spec.JOINT_MARK_SUFFIX_GAP_EM
    size = mark_size("", marks[0].style.size, stack_em + gap_em + _em_width(suffix))
    left = (spec.TYPE_AREA_WIDTH - (stack_em + gap_em + _em_width(suffix)) * size) / 2
    right = spec.TYPE_AREA_WIDTH - left - stack_em * size
    y = bottom = top
    for b in marks:
        name = dataclasses.replace(b, tail="")
        placed.append(Placed(name, y, "distribute", size, left=left, right=right))
        bottom = y + size
        y = bottom + spec.MARK_LINE_GAP_EM * size
    word = Block(Role.ORGAN_MARK, (Span(suffix),), source=marks[-1].source)
    placed.append(Placed(word, (top + bottom - size) / 2, "left", size,
                         left=left + (stack_em + gap_em) * size))
    return bottom


def header_geometry(doc: Document) -> HeaderGeometry | None:
    """Positions of the 版头 elements, red lines and the first flow line (decisions 6, 7, 9),
    or None for the plain format."""
    if doc.fmt is LetterFormat.PLAIN:
        return None
    pitch = spec.LINE_PITCH
    body = spec.BODY_SIZE
    marks = doc.by_role(Role.ORGAN_MARK)
    left_col = doc.by_role(Role.COPY_NUMBER, Role.SECRECY, Role.URGENCY)
    numbers = doc.by_role(Role.DOC_NUMBER)
    signers = doc.by_role(Role.SIGNER)
    placed: list[Placed] = []
    rules: list[Rule] = []
    if doc.fmt is LetterFormat.LETTER:
        top = spec.mm(spec.LETTER_MARK_TOP_MM)
        mark_bottom = _marks(marks, top, placed) if marks else top
        length = spec.mm(spec.LETTER_RULE_LENGTH_MM)
        x = (spec.PAGE_WIDTH - length) / 2
        thick = mark_bottom + spec.mm(spec.LETTER_RULE_BELOW_MARK_MM) + spec.LETTER_RULE_THICK / 2
        pair = spec.LETTER_RULE_THICK / 2 + spec.LETTER_RULE_GAP + spec.LETTER_RULE_THIN / 2
        thin = thick + pair
        bthick = spec.PAGE_HEIGHT - spec.mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
        rules += [Rule(thick, x, length, spec.LETTER_RULE_THICK, spec.RED),
                  Rule(thin, x, length, spec.LETTER_RULE_THIN, spec.RED),
                  Rule(bthick - pair, x, length, spec.LETTER_RULE_THIN, spec.RED),
                  Rule(bthick, x, length, spec.LETTER_RULE_THICK, spec.RED)]
        row = thin + spec.LETTER_RULE_THIN / 2 + spec.LETTER_HEADER_ROW_BELOW_RULE
        right_col = [*numbers, *signers]
        placed += [Placed(b, row + n * pitch, "left", body) for n, b in enumerate(left_col)]
        placed += [Placed(b, row + n * pitch, "right", body) for n, b in enumerate(right_col)]
        rows = max(len(left_col), len(right_col))
        if rows:
            last_cell = row + (rows - 1) * pitch - cell_offset(body)
            origin = last_cell + (spec.TITLE_LINES_BELOW_HEADER + 1) * pitch
        else:
            origin = thin + spec.TITLE_LINES_BELOW_HEADER * pitch
    else:  # 文件格式
        placed += [Placed(b, spec.MARGIN_TOP + n * pitch + cell_offset(body), "left", body)
                   for n, b in enumerate(left_col)]
        top = spec.MARGIN_TOP + spec.mm(spec.DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM)
        mark_bottom = _marks(marks, top, placed) if marks else top
        y = mark_bottom + spec.DOCUMENT_NUMBER_LINES_BELOW_MARK * pitch + cell_offset(body)
        for b in numbers:
            if signers:  # 上行文: number 居左空一字, 签发人 居右空一字, same line
                placed.append(Placed(b, y, "left", body, left=spec.CHAR_PITCH))
            else:
                placed.append(Placed(b, y, "center", body))
        placed += [Placed(b, y + n * pitch, "right", body, right=spec.CHAR_PITCH)
                   for n, b in enumerate(signers)]
        y += max(0, len(signers) - 1) * pitch
        width = spec.mm(spec.DOCUMENT_RULE_WIDTH_MM)
        rule_y = y + body + spec.mm(spec.DOCUMENT_RULE_BELOW_NUMBER_MM) + width / 2
        length = spec.mm(spec.DOCUMENT_RULE_LENGTH_MM)
        x = spec.MARGIN_LEFT + (spec.TYPE_AREA_WIDTH - length) / 2
        rules.append(Rule(rule_y, x, length, width, spec.RED))
        origin = rule_y + width / 2 + spec.TITLE_LINES_BELOW_HEADER * pitch
    if any(b.role is Role.REPLY_CATEGORY for b in doc.blocks):
        origin -= pitch  # the category takes the line above the title (decision 9)
    return HeaderGeometry(tuple(placed), tuple(rules), origin)


# --- Signature (decision 10) -----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SignatureLayout:
    """Where the 署名 and date go: right indents (points) of right-aligned lines, or the
    date's left indent when it starts a fixed distance right of the 署名 (no seal)."""

    signature_right: tuple[float, ...]
    date_right: float | None
    date_left: float | None
    blank_lines: int
    date_width: float


def text_width(text: str, role: FontRole, size: float, fonts: FontNames) -> float:
    """Advance width of ``text`` as Word/LibreOffice set it (font advances + tracking)."""
    track = _tracking(size) or 0.0
    advance = getattr(fonts, "advance", None)
    face_for = getattr(fonts, "face_for", None)
    total = 0.0
    for ch in text:
        face = face_for(role, ch) if face_for else None
        if advance is not None and face is not None:
            total += advance(face, ch, size)
        else:
            total += size if spec.is_wide(ch) else size / 2
        total += track
    return total


def signature_layout(doc: Document, fonts: FontNames) -> SignatureLayout | None:
    """Decision 10, the same arithmetic as the PDF layout (character = grid pitch)."""
    sigs = doc.by_role(Role.SIGNATURE)
    dates = doc.by_role(Role.DATE)
    if not dates and not sigs:
        return None
    c = spec.CHAR_PITCH
    width = spec.TYPE_AREA_WIDTH

    def w(b: Block) -> float:
        return text_width(b.text, b.style.font, b.style.size, fonts)

    sw = [w(b) for b in sigs]
    dw = max((w(b) for b in dates), default=0.0)
    if doc.seal.mode is SealMode.NONE:
        sig_right = spec.SIGNATURE_RIGHT_CHARS * c
        sig_x = width - sig_right - max(sw, default=0.0)
        date_x = sig_x + spec.DATE_OFFSET_CHARS * c
        if date_x + dw > width - spec.SIGNATURE_RIGHT_CHARS * c + 0.01:  # long date
            date_right = spec.SIGNATURE_RIGHT_CHARS * c
            sig_x = width - date_right - dw - spec.DATE_OFFSET_CHARS * c
            rights = tuple(width - sig_x - s for s in sw)
            return SignatureLayout(rights, date_right, None, spec.SIGNATURE_BLANK_LINES, dw)
        rights = tuple(width - sig_x - s for s in sw)
        return SignatureLayout(rights, None, date_x, spec.SIGNATURE_BLANK_LINES, dw)
    date_right = spec.SEAL_DATE_RIGHT_CHARS * c
    axis = width - date_right - dw / 2
    rights = tuple(max(0.0, width - axis - s / 2) for s in sw)
    return SignatureLayout(rights, date_right, None, spec.SEAL_BLANK_LINES, dw)


# --- The builder -----------------------------------------------------------------------------
class _Builder:
    """Appends the document's paragraphs to the body of a python-docx document."""

    def __init__(self, doc: Document, fonts: FontNames, d: docx.document.Document) -> None:
        self.doc = doc
        self.fonts = fonts
        self.d = d
        self.body = d.element.body
        self.sect_pr = ox.body_section(self.body)
        self.shape_id = 0
        self.signature = signature_layout(doc, fonts)

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
    def balanced(self, block: Block) -> Block:
        """A title with line breaks where the PDF layout breaks it (balanced lines); other
        blocks unchanged. Falls back to Word's own wrapping if the layout helper is absent."""
        if block.role not in (Role.TITLE, Role.ATTACHMENT_TITLE) or len(block.spans) != 1:
            return block
        try:
            from ..layout.text import Glyph, balance_title
        except ImportError:  # pragma: no cover - layout is optional for the DOCX
            return block
        st = block.style
        face_for = getattr(self.fonts, "face_for", None)
        advance = getattr(self.fonts, "advance", None)
        if face_for is None or advance is None:
            return block
        width = spec.TYPE_AREA_WIDTH - (st.left_chars + st.right_chars) * st.size
        out = []
        for segment in block.spans[0].text.split("\n"):
            glyphs = []
            for k, ch in enumerate(segment):
                face = face_for(st.font, ch)
                if face is None:
                    return block
                glyphs.append(Glyph(ch, face, st.size, st.color, advance(face, ch, st.size), k))
            spans = balance_title(glyphs, width) if glyphs else []
            out.append("\n".join(segment[a:z] for a, z in spans) if spans else segment)
        return dataclasses.replace(block, spans=(Span("\n".join(out), block.spans[0].font),))

    def paragraph(self, block: Block, **ppr: object) -> etree._Element:
        block = self.balanced(block)
        style_id = STYLE_NAMES[block.role][0]
        if block.hang_spans and "indent" not in ppr:
            ppr["indent"] = self._hanging(block)
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

    def _hanging(self, block: Block) -> Indent:
        """Wrapped lines under the first character of ``spans[hang_spans]`` (附件说明)."""
        st = block.style
        c = st.size
        first = (st.left_chars + st.first_line_chars + block.extra_indent_chars) * c
        label = "".join(s.text for s in block.spans[: block.hang_spans])
        hang = text_width(label, st.font, st.size, self.fonts)
        return Indent(left=first + hang, right=st.right_chars * c, hanging=hang, char=c)

    def build(self) -> None:
        geometry = header_geometry(self.doc)
        flow = [b for b in self.doc.blocks if b.role not in spec.RECORD_ROLES
                and (geometry is None or b.role not in spec.HEADER_ROLES
                     or b.role is Role.REPLY_CATEGORY)]
        records = [b for b in self.doc.by_role(*spec.RECORD_ROLES)
                   if not (self.doc.fmt is LetterFormat.LETTER and b.role is Role.RECORD_PRINT)]
        first_sig = next((i for i, b in enumerate(flow)
                          if b.role in (Role.SIGNATURE, Role.DATE)), None)
        date_index = next((i for i, b in enumerate(flow) if b.role is Role.DATE), None)
        # the signature block: 署名, date and the contacts/附注 right after the date move as
        # one (as in the PDF layout): keep-with-next and keep-lines on all but the last
        group: list[int] = []
        if first_sig is not None:
            k = first_sig
            while k < len(flow) and flow[k].role in (Role.SIGNATURE, Role.DATE):
                group.append(k)
                k += 1
            while k < len(flow) and flow[k].role in SIGNATURE_FOLLOWERS:
                group.append(k)
                k += 1
        # decision 10: the last lines of 正文 before the signature (at least
        # spec.SIGNATURE_MIN_LINES_BEFORE; the 附件说明, contacts and headings between do
        # not count) are kept with it
        keep_with_signature: set[int] = set()
        lines_kept = 0
        k = (first_sig or 0) - 1
        while first_sig is not None and k >= 0 and lines_kept < spec.SIGNATURE_MIN_LINES_BEFORE:
            keep_with_signature.add(k)
            if flow[k].role is Role.BODY or flow[k].run_in:
                lines_kept += self._line_count(flow[k])
            k -= 1
        sig_n = 0
        seen_note = False
        paragraphs: list[etree._Element] = []
        for i, block in enumerate(flow):
            kwargs: dict[str, object] = {}
            if block.run_in:
                kwargs.update(keep_next=False, outline_level=block.level - 1)
            if block.role is Role.ATTACHMENT_NOTE and not seen_note:
                kwargs["before"] = spec.LINE_PITCH  # 正文下空一行
                seen_note = True
            sig = self.signature
            if sig is not None and block.role in (Role.SIGNATURE, Role.DATE):
                if block.role is Role.SIGNATURE:
                    right = sig.signature_right[min(sig_n, len(sig.signature_right) - 1)]
                    sig_n += 1
                    kwargs.update(indent=Indent(right=right))
                elif sig.date_left is not None:
                    kwargs.update(indent=Indent(left=sig.date_left), align="left")
                else:
                    kwargs.update(indent=Indent(right=sig.date_right or 0.0), align="right")
                if i == first_sig:
                    kwargs["before"] = sig.blank_lines * spec.LINE_PITCH
            elif i in keep_with_signature:
                kwargs.update(keep_next=True, widow_control=True)
            if i in group:
                kwargs.update(keep_next=i != group[-1], keep_lines=True)
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            paragraphs.append(self.add(self.paragraph(block, **kwargs)))
        if geometry is not None and paragraphs:
            self._place_header(geometry, paragraphs[0])
        if (self.doc.seal.mode is SealMode.IMAGE and self.doc.seal.image is not None
                and date_index is not None and self.signature is not None):
            self._place_seal(paragraphs[date_index])
        if records:
            self._place_record(records)

    def _text_right(self, block: Block) -> float:
        st = block.style
        return spec.TYPE_AREA_WIDTH - st.right_chars * st.size

    # 版头
    def _place_header(self, geo: HeaderGeometry, first: etree._Element) -> None:
        ppr = ox.paragraph_properties(first)
        ox.space_before(ppr, max(0.0, geo.origin - spec.MARGIN_TOP))
        anchors = [self._header_box(item) for item in geo.placed]
        for n, rule in enumerate(geo.rules, 1):
            anchors.append(ox.rule_run(self.next_id(), f"版头线{n}", rule.x,
                                       rule.y - rule.thickness / 2, rule.length,
                                       rule.thickness, rule.color))
        for run in reversed(anchors):
            ppr.addnext(run)

    def _header_box(self, item: Placed) -> etree._Element:
        st = item.block.style
        # text is centred in an exact-height line taller than the font's ascent + descent
        line = HEADER_LINE_FACTOR * item.size
        top = item.top - (line - item.size) / 2
        props = ox.ppr(style=STYLE_NAMES[item.block.role][0], line=line, before=0, after=0,
                       snap_to_grid=False, align=item.align, keep_next=False,
                       indent=Indent(left=item.left, right=item.right, char=st.size))
        size = item.size if item.size != st.size else None
        para = ox.paragraph(props, *self.runs(item.block, size))
        return ox.textbox_run(self.next_id(), STYLE_NAMES[item.block.role][1],
                              spec.MARGIN_LEFT, top, spec.TYPE_AREA_WIDTH, line, [para])

    # seal
    def _place_seal(self, date_p: etree._Element) -> None:
        sig = self.signature
        assert sig is not None and self.doc.seal.image is not None
        diameter = spec.mm(spec.SEAL_DIAMETER_MM)
        inline = self.d.part.new_pic_inline(str(self.doc.seal.image),
                                            docx.shared.Pt(diameter), docx.shared.Pt(diameter))
        width = spec.TYPE_AREA_WIDTH
        if sig.date_left is not None:
            centre = sig.date_left + sig.date_width / 2
        else:
            centre = width - (sig.date_right or 0.0) - sig.date_width / 2
        # the seal's top on the first blank line above the 署名, as in the PDF layout
        top = -(1 + sig.blank_lines) * spec.LINE_PITCH
        anchor = ox.inline_to_anchor(inline, self.next_id(), "印章", centre - diameter / 2,
                                     top, h_from="margin", v_from="paragraph", behind=True)
        ox.paragraph_properties(date_p).addnext(ox.anchor_run(anchor))

    def _line_count(self, block: Block) -> int:
        """Lines a (4号, unjustified-enough) block takes: a width estimate, as for the 版记."""
        st = block.style
        c = st.size
        measure = spec.TYPE_AREA_WIDTH - (st.left_chars + st.right_chars) * c
        first = measure - (st.first_line_chars + block.extra_indent_chars) * c
        rest = measure - st.hanging_chars * c
        w = text_width(block.text, st.font, st.size, self.fonts)
        if block.tail:
            w += c  # at least one character's gap before the tail
        if w <= first + 0.01:
            return 1
        return 1 + math.ceil((w - first) / rest - 0.01)

    # 版记
    def _place_record(self, records: list[Block]) -> None:
        """The 版记 as a text box (and rules) at the foot of the last page's type area,
        anchored in a minimal paragraph after the text so it lands on the last page."""
        pitch = spec.LINE_PITCH
        paragraphs = []
        counts: list[int] = []  # lines each block takes
        for block in records:
            kwargs: dict[str, object] = {"keep_next": False, "snap_to_grid": False}
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            lines = self._line_count(block)
            if lines == 1:  # a 1.4 em line centred in its grid cell: the same in Word and LO
                line = HEADER_LINE_FACTOR * block.style.size
                kwargs.update(line=line, before=(pitch - line) / 2, after=(pitch - line) / 2)
            paragraphs.append(self.paragraph(block, **kwargs))
            counts.append(lines)
        k = sum(counts)
        top = spec.TYPE_AREA_HEIGHT - k * pitch
        runs = [ox.textbox_run(self.next_id(), "版记", 0.0, top, spec.TYPE_AREA_WIDTH,
                               k * pitch, paragraphs, relative="margin", wrap="topAndBottom")]
        if self.doc.fmt is not LetterFormat.LETTER:
            outer = spec.mm(spec.RECORD_RULE_OUTER_MM)
            inner = spec.mm(spec.RECORD_RULE_INNER_MM)
            ys = [(top, outer)]
            offset = 0
            for prev, block, lines in zip(records, records[1:], counts, strict=False):
                offset += lines  # a thin rule between elements, at the line boundary
                if block.role is not prev.role:
                    ys.append((top + offset * pitch, inner))
            ys.append((spec.TYPE_AREA_HEIGHT, outer))
            for n, (y, thick) in enumerate(ys, 1):
                runs.append(ox.rule_run(self.next_id(), f"版记线{n}", 0.0, y - thick / 2,
                                        spec.TYPE_AREA_WIDTH, thick, spec.BLACK,
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
def render_docx(doc: Document, fontset: FontNames) -> bytes:
    """The letter as DOCX bytes (same input, same bytes)."""
    d = docx.Document()
    _prune_template(d)
    styles = d.styles.element
    for child in list(styles):
        styles.remove(child)
    for node in _styles(fontset):
        styles.append(node)
    _settings(d)

    sect_pr = ox.clear_body(d.element.body)
    letter = doc.fmt is LetterFormat.LETTER
    section = d.sections[0]
    ox.page_setup(
        sect_pr, width=spec.PAGE_WIDTH, height=spec.PAGE_HEIGHT,
        top=spec.MARGIN_TOP, bottom=letter_bottom_margin() if letter else spec.MARGIN_BOTTOM,
        left=spec.MARGIN_LEFT, right=spec.MARGIN_RIGHT, header=spec.mm(15),
        footer=footer_distance(doc.fmt), grid_type=spec.DOCX_GRID_TYPE,
        line_pitch=spec.LINE_PITCH, title_page=False)
    _fill_footer(section.footer, _footer_paragraph(odd=True, fmt=doc.fmt))
    _fill_footer(section.even_page_footer, _footer_paragraph(odd=False, fmt=doc.fmt))
    if letter:  # no number on page 1 of a 信函格式 letter; an empty 1 pt line
        section.different_first_page_header_footer = True
        _fill_footer(section.first_page_footer,
                     [ox.ppr(style=FOOTER_ID, line=1, before=0, after=0)])

    _Builder(doc, fontset, d).build()
    _core_properties(d, doc)

    families: dict[str, Sequence[str]] = {}
    for role in FontRole:
        family, alternates = fontset.docx_names(role)
        families.setdefault(family, tuple(alternates))
    out = io.BytesIO()
    d.save(out)
    return ox.rezip(out.getvalue(), {
        "word/fontTable.xml": ox.font_table(sorted(families.items())),
        "docProps/app.xml": ox.APP_XML,
    })


def write_docx(doc: Document, fontset: FontNames, path: str) -> None:
    """Render and write to ``path``."""
    with open(path, "wb") as fh:
        fh.write(render_docx(doc, fontset))


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


def _core_properties(d: docx.document.Document, doc: Document) -> None:
    cp = d.core_properties
    cp.title = doc.title
    cp.author = doc.author
    cp.last_modified_by = doc.author
    cp.comments = ""
    cp.subject = ""
    cp.keywords = ""
    cp.category = ""
    cp.revision = 1
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
