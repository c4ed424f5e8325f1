"""DOCX export: the laid-out letter as a Word document that stays right when it is edited.

Word (or WPS, or LibreOffice) lays the text out; the file tells it how, with the means a
well-made Word 公文 template uses, so that a clerk who edits it keeps GB/T 9704's rules:

- an A4 section with the GB/T 9704 margins and a 28.95 pt line grid, one named paragraph
  style per role (headings on Word's "Heading 1–4" with outline levels, each linked to a
  character style), −0.25 pt tracking on 3号 text so 28 characters fill a line (decision
  1), PAGE fields in odd and even footers;
- the 版头 as paragraphs in the flow: 份号, 密级 and 紧急程度 flush left and 发文字号 flush
  right in a borderless two-column table (信函格式), or lines of their own (文件格式); the
  文件格式 标志 a centred paragraph (a joint one a borderless table: the names stacked, one
  “文件” centred on them), its red rule the 发文字号 paragraph's bottom border; the 信函格式
  标志 a paragraph framed at 30 mm from the page top, its red double lines shapes;
- run-in headings as Word's style separator (the heading paragraph's mark hidden, the text a
  paragraph of its own): Word's navigation pane lists the heading only (decision 15).
  LibreOffice 7.4 ignores style separators and would set the heading on a line of its own,
  so the pair is written as the ``mc:Choice`` of a markup-compatibility block that requires
  Word 2013 (``w15``), with the same text as one paragraph (the heading in the heading's
  linked character style) as the ``mc:Fallback`` that LibreOffice reads;
- the 署名 and date (no seal) in a borderless table aligned right, fitted to its content,
  its right cell margin two characters, the date indented two characters: decision 10 for
  any length of either, as Word re-fits the table when the text changes. LibreOffice 7.4
  keeps the column widths the file gives, so the table is the ``mc:Choice`` (Word 2013+)
  of a markup-compatibility block whose ``mc:Fallback`` is one paragraph in a frame of
  automatic width, which LibreOffice fits to its first line, made the block's widest by a
  tab (:meth:`_Builder._signature_frame`). With a seal: the date right-indented four
  characters, each 署名 centred on the date's centre;
- the 版记 a bordered table floating at the foot of the last page's type area (its rules
  the table's borders, so a longer 抄送 grows it upwards with them); when the layout put it
  on a page of its own, the letter's last section starts on the next page (the next even
  page for 文件格式, decision 5) — Word has no break "to the next even page unless this one
  is even", so an edit that moves the end of the text to another page keeps the page
  parity that the letter had when it was made;
- red rules and the seal as DrawingML shapes with a VML copy for older readers.

What depends on lengths comes from the :class:`~gongwen.layout.Layout`: the title's line
breaks, where each 版头 element, rule and the first line of text stand, the widths of the
署名 and date as Word sets them (the layout's font advances plus the DOCX tracking), the
版记's place. Raw XML lives in :mod:`gongwen.ooxml.writer`. Output is byte-for-byte
deterministic. The parts that do not depend on the letter (styles, settings, footers, font
table) are built by functions of the font set and the format alone.

Measured with LibreOffice 7.4 (Word not at hand): ``w:autoSpaceDE``/``DN`` = 0 is ignored
on import, so LibreOffice adds 3.2 pt (a fifth of the size) between a Chinese character and
a digit or Latin letter; in the text's paragraphs a zero-width space that only LibreOffice
reads (:func:`_libreoffice_only`) stops it. It reads ``w:overflowPunct`` inverted (1 turns
its hanging punctuation off). In an exact-height line it puts the baseline at about 0.78 of
the line (the PDF centres the em box): body text sits about 0.7 mm lower.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

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
    Rule,
    SignatureBlock,
)
from ..layout.pages import baseline_in_cell
from ..layout.text import SQUEEZE_CLOSING, SQUEEZE_OPENING, cell
from ..ooxml import writer as ox
from ..ooxml.writer import Border, Float, Frame, Indent
from ..spec import FontRole, Role
from . import ExportContext
from . import docx_shared as shared_cache

if TYPE_CHECKING:  # python-docx is imported only to build the shared parts or an image's part
    import docx
    from docx.opc.coreprops import CoreProperties

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
# Character styles for a span set in another face than its paragraph (签发人's names …).
FONT_STYLE_NAMES: dict[FontRole, tuple[str, str]] = {
    role: (f"Gw{role.value.capitalize()}Char", f"{name}字体")
    for role, name in spec.FONT_ROLE_NAMES.items()
}
# The heading styles' linked character styles: a run-in heading's text where one paragraph
# holds heading and text (the markup-compatibility fallback).
HEADING_CHAR_STYLES: dict[Role, tuple[str, str]] = {
    role: (f"Heading{n}Char", f"标题 {n} 字符") for n, role in enumerate(spec.HEADING_ROLES, 1)
}
NORMAL_ID = "Normal"
FOOTER_ID = "Footer"
HEADER_LINE_FACTOR = 1.4  # 版头 标志 lines: exact line = 1.4 em, the em box centred in it
FOOTER_LINE = 20.0  # exact height of the page-number line, taller than the font's extent
RUN_IN_REQUIRES = "w15"  # Word 2013+ reads the style-separator pair; LibreOffice the fallback
SIGNATURE_REQUIRES = "w15"  # Word 2013+ reads the 署名 table; LibreOffice the framed fallback
# the 署名 frame's tab stops a little beyond the end of a line or of a character cell
# (points, and points a character): LibreOffice 7.4 sets 3号 characters up to a twentieth of
# a point wider than 15.75 pt
SIGNATURE_CELL_SLACK = 0.05
SIGNATURE_TAB_SLACK = 0.2
WIDTH_SLACK = 0.3  # pt added to a fitted table column so that rounding never wraps it

CJK_PUNCTUATION = frozenset(
    "\u00b7\u2014\u2018\u2019\u201c\u201d\u2026\u2030\u2032\u2033\u2035\u203b"
) | frozenset(chr(c) for c in range(0x3000, 0x3040)) | frozenset(
    chr(c) for c in range(0xFF01, 0xFF66))


def _is_3hao(size: float) -> bool:
    return abs(size - spec.SIZE_3HAO) < 0.01


def _tracking(size: float) -> float | None:
    """Character spacing for a size: -0.25 pt on 3号 text (decision 1), none otherwise."""
    return spec.DOCX_BODY_CHAR_SPACING if _is_3hao(size) else None


def _word_cell(size: float) -> float:
    """A Chinese character's advance at ``size`` as Word sets it: the em plus the tracking
    (15.75 pt on 3号)."""
    return size + (_tracking(size) or 0.0)


# --- Styles (the font set's, not the letter's) ------------------------------------------------
def styles(fonts: FontNames) -> list[etree._Element]:
    """word/styles.xml's children: defaults, Normal, one style per role, the heading styles'
    linked character styles, one character style per face, the footer."""
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
    for role, (style_id, name) in HEADING_CHAR_STYLES.items():
        st = spec.STYLES[role]
        out.append(ox.style(
            "character", style_id, name, based_on="DefaultParagraphFont", ui_priority=9,
            link=STYLE_NAMES[role][0], quick=False,
            r_pr=ox.rpr(family=fonts.docx_names(st.font)[0])))
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
    link = HEADING_CHAR_STYLES[role][0] if role in HEADING_CHAR_STYLES else None
    return ox.style("paragraph", style_id, name, based_on=NORMAL_ID,
                    next_style=STYLE_NAMES[Role.BODY][0], ui_priority=9 if level is not False
                    else 20, p_pr=p_pr, r_pr=r_pr, link=link)


def _style_indent(st: spec.Style) -> Indent:
    c, unit = _indent_unit(st.size)
    return Indent(left=(st.left_chars + st.hanging_chars) * c, right=st.right_chars * c,
                  first_line=st.first_line_chars * c, hanging=st.hanging_chars * c, char=unit)


def _indent_unit(size: float) -> tuple[float, float]:
    """(the width of an indent's character, the unit of its ``w:*Chars`` attributes) at
    ``size``. Tracked 3号 text indents by its own 15.75 pt cells: two characters of 16 pt
    (the font size, the unit of ``*Chars``) as a first-line indent leave a line 0.5 pt
    short of the 26 cells the layout's first line holds. The ``*Chars`` values are the same
    lengths in font-size characters (197 for two cells)."""
    return _word_cell(size), size


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


LIBREOFFICE_AUTOSPACE_EM = 0.23  # LibreOffice 7.4: 3.45–3.55 pt measured on 3号 (0.22 em)


def _libreoffice_autospace(line: Line) -> float:
    """The space LibreOffice adds to a line between Chinese characters and digits or Latin
    letters (it ignores ``w:autoSpaceDE/DN`` on import); full-width characters are those
    the layout set on a full advance."""
    def kind(ch: str, advance: float) -> int:
        if ch.isascii() and ch.isalnum():
            return 1
        return 2 if advance > 0.75 * line.size and ch not in CJK_PUNCTUATION else 0

    kinds = [kind(ch, a) for ch, a in zip(line.text, line.advances, strict=False)]
    boundaries = sum(1 for a, b in itertools.pairwise(kinds) if {a, b} == {1, 2})
    return boundaries * LIBREOFFICE_AUTOSPACE_EM * line.size


ZWSP = "\u200b"
# Digits and Latin letters: untracked, on their own advance as in the PDF. A line with
# them has up to a point more room in Word and LibreOffice (15.75 pt Chinese advance against
# the PDF's 15.79); tracking them to make up for it was measured over
# `benchmarks/docx_parity.py -n 64` and lost to none once the first-line indent is two
# 15.75 pt cells (0: 93.9 % of lines breaking where the PDF's do, 0.15: 87.4 %); LibreOffice
# gets a filler on the lines where that room matters (:func:`_line_fillers`).
HALF_WIDTH_SPACING = 0.0


_SQUEEZE_MARKS = SQUEEZE_CLOSING | SQUEEZE_OPENING


def _autospace_boundary(a: str, b: str) -> bool:
    """Whether LibreOffice 7.4 adds its space between ``a`` and ``b``: a Chinese letter
    next to a digit or Latin letter (it ignores ``w:autoSpaceDE/DN`` on import and adds a
    fifth of the size where the script changes between two letters or digits)."""
    return _AUTOSPACE_AT.match(a + b, 1) is not None


# a letter or digit from U+3400 on (str.isalnum, which re's \w follows, without "_") beside
# an ASCII letter or digit; and a change between ASCII and other characters
_HAN = r"[^\W\x00-\u33ff]"
_AUTOSPACE_AT = re.compile(rf"(?<={_HAN})(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])(?={_HAN})")
_ASCII_CHANGE_AT = re.compile(r"(?<=[\x00-\x7f])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[\x00-\x7f])")
_HAN_PAIR_AT = re.compile(rf"(?<={_HAN})(?={_HAN})")
# a closing mark before a digit or Latin letter: the layout may break there, LibreOffice 7.4
# (ICU's rules for a closing mark before a number) does not
_MARK_DIGIT_AT = re.compile(
    "(?<=[" + re.escape("".join(sorted(SQUEEZE_CLOSING))) + "])(?=[A-Za-z0-9“‘])")


def _spaces_with_chinese(text: str, at: int) -> int:
    """The change between ASCII and other characters at ``at`` moved past the spaces
    beside the other characters, so that those spaces go with them into a tracked run
    (LibreOffice leaves a run's last character untracked: a Chinese run ending at a space
    before digits would stand 0.25 pt wider than in Word)."""
    if text[at] == " " and at and not text[at - 1].isascii():
        while at < len(text) and text[at] == " ":
            at += 1
    elif text[at - 1] == " " and not text[at].isascii():
        while at > 0 and text[at - 1] == " ":
            at -= 1
    return at


def _libreoffice_only(run: etree._Element) -> etree._Element:
    """``run`` for LibreOffice alone: the fallback of a markup-compatibility block whose
    choice, taken by Word 2013 and later, is empty. LibreOffice adds no space beside a
    character that is not a letter or digit (a zero-width space)."""
    return ox.alternate_content(RUN_IN_REQUIRES, [], [run])


def _squeezed_marks(line: Line) -> dict[int, float]:
    """Punctuation the layout set narrower than its cell on ``line`` (CLREQ compression):
    the index in ``line.text`` of each such mark and the width of its cell. A closing
    mark's cell starts at its glyph, an opening mark's ends at its glyph's right edge; a
    cell runs to the next one's start (for a closing mark before an opening one, the pair's
    compression is split as the layout takes it: the later mark first)."""
    n = len(line.text)
    if n < 2 or len(line.xs) != n or len(line.advances) != n or (
            _SQUEEZE_MARKS.isdisjoint(line.text)):
        return {}
    c = cell(line.size)
    starts: list[float | None] = []
    ends: list[float | None] = []
    for ch, x, adv in zip(line.text, line.xs, line.advances, strict=True):
        wide = adv > 0.75 * line.size or ch in SQUEEZE_CLOSING or ch in SQUEEZE_OPENING
        if ch in SQUEEZE_OPENING:
            starts.append(None)
            ends.append(x + adv if adv < 0.9 * c else x + c)
        elif ch in SQUEEZE_CLOSING:
            starts.append(x)
            ends.append(None)
        else:
            off = (c - adv) / 2 if wide and adv < 0.9 * c else 0.0
            starts.append(x - off)
            ends.append(x - off + (c if wide else adv))
    out: dict[int, float] = {}
    for k, ch in enumerate(line.text):
        if ch in SQUEEZE_CLOSING:
            nxt = starts[k + 1] if k + 1 < n else None
            if k + 1 == n:
                end = min(line.x1, starts[k] + c)
            elif nxt is not None:
                end = nxt
            else:  # an opening mark next: the pair gives up width, the later mark first
                pair = ends[k + 1] - starts[k]
                give = 2 * c - pair
                end = starts[k] + c - max(0.0, give - c / 2)
            width = end - starts[k]
        elif ch in SQUEEZE_OPENING:
            if k == 0:
                continue
            start = ends[k - 1]
            if start is None:  # a closing mark before: as above
                pair = ends[k] - starts[k - 1]
                give = 2 * c - pair
                start = ends[k] - c + min(give, c / 2)
            width = ends[k] - start
        else:
            continue
        if width < c - 0.05:
            out[k] = max(width, c / 2)
    return out


def _scale(width: float, size: float) -> int:
    """``w:w`` for a full-width mark (an em wide) that the layout set ``width`` wide on a
    cell of ``cell(size)``: the percentage giving it the same share of Word's cell (the em
    plus the tracking). Its run is untracked: LibreOffice 7.4 applies character spacing
    between the characters of a run only, Word after every character, so a one-character
    run is as wide in both only without it."""
    return max(1, min(600, round(width / cell(size) * _word_cell(size) / size * 100)))


def _shifted(squeezed: dict[int, float] | None, at: int, n: int) -> dict[int, float] | None:
    """The entries of ``squeezed`` in ``[at, at + n)``, as offsets from ``at``."""
    if not squeezed:
        return None
    return {k - at: w for k, w in squeezed.items() if at <= k < at + n} or None


def _block_squeezes(block: Block, lines: Sequence[Line]) -> dict[int, float]:
    """The squeezed marks of a block's lines (:func:`_squeezed_marks`) by offset in the
    block's text."""
    text = block.text
    out: dict[int, float] = {}
    for ln in lines:
        marks = _squeezed_marks(ln)
        if not marks:
            continue
        j = ln.start
        for k, ch in enumerate(ln.text):  # the line's characters in the block's text
            while j < len(text) and text[j] != ch:
                j += 1
            if j >= len(text):
                break
            if k in marks:
                out[j] = marks[k]
            j += 1
    return out


FILLER_FROM = -1.0  # pt: a line this close to taking the next unit gets a filler …
FILLER_MARGIN = 1.5  # pt: … this much wider than the room the model leaves


def _line_fillers(block: Block, lines: Sequence[Line],
                  squeezed: dict[int, float]) -> dict[int, float]:
    """Where LibreOffice's line would take up the next line's first character (its Chinese
    advance is 15.75 pt against the PDF's 15.79, so a line with digits has up to a point
    to spare; and the layout may have moved characters down to keep the next line from
    going loose): the offset in the block's text of a LibreOffice-only filler on that line
    and its width, enough to leave no room for that character."""
    text = block.text
    out: dict[int, float] = {}
    word_cell = _word_cell(spec.SIZE_3HAO)
    st = block.style
    if block.hang_spans:
        return out
    for n, (ln, nxt) in enumerate(itertools.pairwise(lines)):
        if not _is_3hao(ln.size) or len(ln.advances) != len(ln.text) or not nxt.text:
            continue
        chars = st.left_chars + st.hanging_chars + st.right_chars
        if n == 0:
            chars += st.first_line_chars + block.extra_indent_chars - st.hanging_chars
        indent = chars * word_cell
        width = 0.0
        n_set = len(ln.text.rstrip())  # spaces at the break take no room
        for ch, adv in zip(ln.text[:n_set], ln.advances[:n_set], strict=True):
            width += word_cell if adv > 0.75 * ln.size and not ch.isspace() else adv
        for k, w in squeezed.items():
            if ln.start <= k < ln.end:
                width += _scale(w, ln.size) * ln.size / 100 - word_cell
        first = nxt.text.lstrip()
        if not first:
            continue
        unit = re.match(r"[A-Za-z0-9.,%]+|.", first).group()
        nxt_w = sum(word_cell if a > 0.75 * nxt.size else a
                    for a in nxt.advances[len(nxt.text) - len(first):][: len(unit)])
        spare = spec.TYPE_AREA_WIDTH - indent - width - nxt_w
        if spare <= FILLER_FROM:
            continue
        where = next((m.start() for m in _AUTOSPACE_AT.finditer(text, ln.start + 1, ln.end)
                      if m.start() < ln.end), None)
        if where is None:  # between two Chinese letters, where a break is allowed anyway
            where = next((m.start() for m in _HAN_PAIR_AT.finditer(text, ln.start + 1, ln.end)
                          if m.start() < ln.end - 1), None)
        if where is not None:
            out[where] = max(spare + FILLER_MARGIN, 0.5)
    return out


def _glyph_end(line: Line) -> float:
    """The right edge of the grid cell of the line's last character as the layout set it
    (a 16 pt glyph overhangs its 15.79 pt cell)."""
    return line.xs[-1] + min(line.advances[-1], cell(line.size)) if line.xs else line.x0


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


def _cell_top(ln: Line) -> float:
    """The top of the grid cell a line of 3号-grid text stands in (page coordinates)."""
    return ln.y - baseline_in_cell(ln.size)


def _mark_size(ln: Line) -> float:
    """A 标志 line's size as w:sz can say it: half points, a shrunk size rounded down."""
    return math.floor(ln.size * 2 + 1e-9) / 2


@dataclass(frozen=True, slots=True)
class _Signature:
    """Decision 10 as the layout applied it, turned into the 署名 block's settings: where
    the layout ended the 署名 and date lines, where it started the date, and the widths Word
    gives the text."""

    block: SignatureBlock
    signatures: tuple[int, ...]  # the 署名 blocks, in order
    dates: tuple[int, ...]
    lines: dict[int, Line]  # 署名/date block → its (first) line in the layout
    widths: dict[int, float]  # 署名/date block → Word width of its line

    @property
    def date_width(self) -> float:
        return max((self.widths[i] for i in self.dates), default=0.0)

    @property
    def right(self) -> float:
        """Room right of the block's longest line (二字 without a seal)."""
        return spec.TYPE_RIGHT - max(_glyph_end(self.lines[i]) for i in self.lines)

    @property
    def date_offset(self) -> float:
        """The date's first character right of the 署名s' (二字 without a seal)."""
        if not self.dates or not self.signatures:
            return 0.0
        return (max(self.lines[i].x0 for i in self.dates)
                - min(self.lines[i].x0 for i in self.signatures))

    @property
    def date_right(self) -> float:
        """Room right of the date (四字 with a seal)."""
        return spec.TYPE_RIGHT - max((_glyph_end(self.lines[i]) for i in self.dates),
                                     default=spec.TYPE_RIGHT)

    def date_axis(self) -> float:
        """With a seal: the date's centre, from the type area's left edge. The date is
        right-aligned, and LibreOffice sets it wider than Word (its space between Chinese
        and digits) with the same right edge; the axis is taken halfway between the two
        centres, a quarter of that space off in either."""
        autospace = max((_libreoffice_autospace(self.lines[i]) for i in self.dates),
                        default=0.0)
        return spec.TYPE_AREA_WIDTH - self.date_right - self.date_width / 2 - autospace / 4


# --- The builder -----------------------------------------------------------------------------
class _Builder:
    """Appends the letter's paragraphs, tables and shapes to the body of a python-docx
    document (before its final section properties)."""

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
        # the text's paragraphs: the flow but the titles (broken by hand), the 署名s and the
        # date (their widths allow for LibreOffice's space beside digits); the contacts and
        # 附注 kept with them are text like any other
        self.text_blocks = {
            i for i, lines in self.lines.items()
            if 0 <= i < len(doc.blocks) and lines[0].part is Part.FLOW
            and doc.blocks[i].role not in (Role.TITLE, Role.ATTACHMENT_TITLE, Role.SIGNATURE,
                                           Role.DATE)}
        # punctuation the layout compressed (CLREQ), by block and offset: narrowed by w:w
        self.squeezed = {i: _block_squeezes(doc.blocks[i], self.lines[i])
                         for i in self.text_blocks}
        # LibreOffice-only fillers on lines it would fill further (:func:`_line_fillers`)
        self.fillers = {i: _line_fillers(doc.blocks[i], self.lines[i], self.squeezed[i])
                        for i in self.text_blocks}
        self.anchors: list[etree._Element] = []  # page-anchored shapes for page 1
        self.dates: list[etree._Element] = []  # the date's paragraph (the seal's anchor)

    def _signature(self) -> _Signature | None:
        sig = self.layout.signature
        if sig is None:
            return None
        roles = {i: self.doc.blocks[i].role for i in sig.blocks}
        sigs = tuple(i for i in sig.blocks if roles[i] is Role.SIGNATURE)
        dates = tuple(i for i in sig.blocks if roles[i] is Role.DATE)
        lines = {i: self.lines[i][0] for i in [*sigs, *dates]}
        widths = {i: _word_width(ln) for i, ln in lines.items()}
        return _Signature(sig, sigs, dates, lines, widths)

    def next_id(self) -> int:
        self.shape_id += 1
        return self.shape_id

    def add(self, node: etree._Element) -> etree._Element:
        self.sect_pr.addprevious(node)
        return node

    # runs
    def runs(self, block: Block, size: float | None = None,
             spans: Sequence[Span] | None = None, heading_style: str | None = None,
             text: bool = False, squeezed: dict[int, float] | None = None,
             at: int = 0, fillers: dict[int, float] | None = None) -> list[etree._Element]:
        """The runs of ``spans`` (the block's, by default); a span in another face than the
        block's gets that face's character style; ``heading_style`` is the character style
        of a run-in heading's first span. ``text``: a paragraph of the letter's text, whose
        digits and Latin letters get their own runs (:meth:`_split_runs`)."""
        out: list[etree._Element] = []
        base = block.style.font
        spans = block.spans if spans is None else spans
        for i, span in enumerate(spans):
            font = span.font
            if block.run_in and i > 0 and font is None:
                font = FontRole.FANGSONG
            style = heading_style if i == 0 and heading_style else None
            face = None if style or font in (None, base) else font
            out += self._split_runs(span, face, size, style, block.style.size, text,
                                    _shifted(squeezed, at, len(span.text)),
                                    _shifted(fillers, at, len(span.text)))
            at += len(span.text)
        if block.tail and spans is block.spans:
            out.append(ox.text_run("\t"))
            out += self._split_runs(Span(block.tail), None, size, None, block.style.size, text,
                                    _shifted(squeezed, at, len(block.tail)),
                                    _shifted(fillers, at, len(block.tail)))
        return out

    def _split_runs(self, span: Span, font: FontRole | None, size: float | None,
                    style: str | None, base_size: float, split: bool = True,
                    squeezed: dict[int, float] | None = None,
                    fillers: dict[int, float] | None = None) -> list[etree._Element]:
        """``span`` as runs: digits and Latin letters untracked (the PDF sets them on their
        own advance), and between them and Chinese a LibreOffice-only zero-width space
        (:func:`_libreoffice_only`) that keeps LibreOffice from adding its space there; the
        same after a closing mark before them (a break LibreOffice would not take), and a
        LibreOffice-only filler at each offset of ``fillers`` (:func:`_line_fillers`)."""
        text = span.text
        track = _tracking(size or base_size) or 0.0
        cuts: list[int] = []
        if split:
            cuts = [m.start() for m in _AUTOSPACE_AT.finditer(text)]
            cuts += [m.start() for m in _MARK_DIGIT_AT.finditer(text)]
            cuts += [k for k in fillers or () if k]
            if track:
                cuts = sorted({*cuts, *(_spaces_with_chinese(text, m.start())
                                        for m in _ASCII_CHANGE_AT.finditer(text))})
        if squeezed:
            cuts = sorted({*cuts, *(k for k in squeezed if k), *(k + 1 for k in squeezed
                                                                  if k + 1 < len(text))})
        cuts = sorted({k for k in cuts if 0 < k < len(text)})
        if not cuts:
            return [self.run(span, font, size, style=style)]
        out = []
        for a, b in itertools.pairwise([0, *cuts, len(text)]):
            piece = text[a:b]
            if fillers and a in fillers:  # LibreOffice spaces characters of a run only
                out.append(_libreoffice_only(ox.text_run("\u3000", ox.rpr(
                    hint="eastAsia", spacing=0.0,
                    scale=max(1, round(fillers[a] / (size or base_size) * 100))))))
            elif a and (_autospace_boundary(text[a - 1], text[a])
                        or _MARK_DIGIT_AT.match(text, a)):
                out.append(_libreoffice_only(ox.text_run(ZWSP)))
            untracked = track and piece.isascii() and not piece.isspace()
            width = squeezed.get(a) if squeezed and b == a + 1 else None
            out.append(self.run(Span(piece, span.font), font, size, style,
                                spacing=HALF_WIDTH_SPACING if untracked else None,
                                scale=None if width is None else _scale(width, size or base_size)))
        return out

    def run(self, span: Span, font: FontRole | None, size: float | None,
            style: str | None = None, spacing: float | None = None,
            scale: int | None = None) -> etree._Element:
        hint = "eastAsia" if any(ch in CJK_PUNCTUATION for ch in span.text) else None
        style = style or (FONT_STYLE_NAMES[font][0] if font else None)
        props = None
        if scale is not None:  # a squeezed mark: untracked (:func:`_scale`)
            spacing = 0.0
        elif spacing is None and size is not None:
            spacing = _tracking(size) or 0.0
        if style or hint or size or spacing is not None or scale is not None:
            props = ox.rpr(style=style, hint=hint, size=size, spacing=spacing, scale=scale)
        return ox.text_run(span.text, props)

    # paragraphs
    def paragraph(self, i: int, *, runs: Sequence[etree._Element] | None = None,
                  **ppr: object) -> etree._Element:
        block = self.doc.blocks[i]
        if block.role in (Role.TITLE, Role.ATTACHMENT_TITLE):  # broken where the layout broke it
            block = _with_breaks(block, self.lines.get(i, []))
        style_id = STYLE_NAMES[block.role][0]
        if block.hang_spans and "indent" not in ppr:
            ppr["indent"] = self._hanging(i, block)
        elif block.extra_indent_chars and "indent" not in ppr:
            st = block.style
            c, unit = _indent_unit(st.size)
            rest = st.left_chars + st.hanging_chars
            first = st.left_chars + st.first_line_chars + block.extra_indent_chars - rest
            ppr["indent"] = Indent(left=rest * c, right=st.right_chars * c,
                                   first_line=max(first, 0) * c, hanging=max(-first, 0) * c,
                                   char=unit)
        props = ox.ppr(style=style_id, page_break_before=block.page_break_before, **ppr)
        if runs is None:
            runs = self.runs(block, text=i in self.text_blocks, squeezed=self.squeezed.get(i),
                             fillers=self.fillers.get(i))
        return ox.paragraph(props, *runs)

    def _hanging(self, i: int, block: Block) -> Indent:
        """Wrapped lines under the first character of ``spans[hang_spans]`` (附件说明): the
        label before it as wide as Word sets the layout's glyphs."""
        st = block.style
        c, unit = _indent_unit(st.size)
        first = (st.left_chars + st.first_line_chars + block.extra_indent_chars) * c
        label = len("".join(s.text for s in block.spans[: block.hang_spans]))
        hang = _word_width(self.lines[i][0], label)
        return Indent(left=first + hang, right=st.right_chars * c, hanging=hang, char=unit)

    def part(self, i: int) -> Part:
        return self.lines[i][0].part

    # the whole letter
    def build(self) -> None:
        blocks = self.doc.blocks
        flow = [i for i in range(len(blocks)) if self.part(i) is Part.FLOW]
        pages = self.layout.pages
        first_page = pages[0] if pages else None
        header = first_page.region(Part.HEADER) if first_page else None
        cursor = spec.TYPE_TOP  # page 1: the bottom of what the 版头 put in the flow
        if header is not None and first_page is not None:
            cursor = self._header(first_page, header)
        if self.doc.fmt is LetterFormat.LETTER and first_page is not None:
            self._letter_page_one(first_page)
        sig = self.signature
        group = list(sig.block.blocks) if sig is not None else []
        keep_with_signature = self._kept_with_signature(flow, group)
        last_flow: etree._Element | None = None
        first_flow = True
        i_flow = 0
        while i_flow < len(flow):
            i = flow[i_flow]
            block = blocks[i]
            kwargs: dict[str, object] = {}
            blank = self.lines[i][0].space_before  # e.g. 正文下空一行 before 附件说明
            if blank != block.style.space_before_lines:
                kwargs["before"] = blank * spec.LINE_PITCH
            if first_flow and header is not None and first_page is not None:
                flow_region = first_page.region(Part.FLOW)
                top = flow_region.top if flow_region is not None else cursor
                kwargs["before"] = max(0.0, top - cursor)
            first_flow = False
            if i in keep_with_signature:
                kwargs.update(keep_next=True, widow_control=True)
            if sig is not None and i == group[0]:
                n = self._signature_block(group, kwargs.get("before"))
                last_flow = self.body[self.body.index(self.sect_pr) - 1]
                i_flow += n
                continue
            if i in group:  # a contact or 附注 after the date moves with the signature
                kwargs.update(keep_next=i != group[-1], keep_lines=True)
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            if block.run_in:
                last_flow = self._run_in(i, kwargs)
            else:
                last_flow = self.add(self.paragraph(i, **kwargs))
            i_flow += 1
        if self.anchors:
            target = self._first_body_paragraph()
            if target is not None:
                for run in reversed(self.anchors):
                    _insert_run(target, run)
        image = next((im for p in pages for im in p.images), None)
        if image is not None and sig is not None and sig.dates and sig.block.seal:
            self._place_seal(image)
        last_page = pages[-1] if pages else None
        record = last_page.region(Part.RECORD) if last_page else None
        if record is not None and last_page is not None:
            self._record(last_page, record, last_flow)

    def _letter_page_one(self, page: Page) -> None:
        """信函格式: the bottom margin for page 1's lines as the layout placed them
        (:func:`letter_bottom_margin`)."""
        body = [ln for ln in page.lines if ln.part is Part.FLOW and _is_3hao(ln.size)]
        if not body:
            return
        offset = (_cell_top(body[-1]) - spec.TYPE_TOP) % spec.LINE_PITCH
        if offset > OFFSET_MIN:
            ox.set_bottom_margin(self.sect_pr, letter_bottom_margin(offset))

    def _first_body_paragraph(self) -> etree._Element | None:
        for node in self.body:
            if node.tag == ox.qn("w:p") and node.find(f"{ox.qn('w:pPr')}/{ox.qn('w:framePr')}") \
                    is None:
                return node
        return None

    def _kept_with_signature(self, flow: list[int], group: list[int]) -> set[int]:
        """Decision 10: the blocks holding the last lines of 正文 before the signature (at
        least spec.SIGNATURE_MIN_LINES_BEFORE; the 附件说明, contacts and headings between do
        not count) keep with it."""
        kept: set[int] = set()
        if not group:
            return kept
        lines_kept = 0
        for i in reversed(flow[: flow.index(group[0])]):
            if lines_kept >= spec.SIGNATURE_MIN_LINES_BEFORE:
                break
            kept.add(i)
            lines_kept += sum(ln.body_text for ln in self.lines[i])
        return kept

    def _text_right(self, block: Block) -> float:
        st = block.style
        return spec.TYPE_AREA_WIDTH - st.right_chars * st.size

    # run-in headings (decision 15)
    def _run_in(self, i: int, kwargs: dict[str, object]) -> etree._Element:
        """Word: the heading a paragraph of its own in the heading style, its mark a style
        separator, the text the next paragraph; LibreOffice 7.4 (fallback): one paragraph,
        the heading in the heading's linked character style."""
        block = self.doc.blocks[i]
        style = STYLE_NAMES[block.role][0]
        head, rest = block.spans[:1], block.spans[1:]
        body_style = STYLE_NAMES[Role.BODY][0]
        pair_kwargs = {k: v for k, v in kwargs.items() if k not in ("keep_next",)}
        heading = ox.paragraph(
            ox.ppr(style=style, keep_next=False, mark=ox.rpr(separator=True), **pair_kwargs),
            *self.runs(block, spans=head, text=True, squeezed=self.squeezed.get(i)))
        text_kwargs = {k: v for k, v in kwargs.items() if k not in ("before",)}
        text = ox.paragraph(
            ox.ppr(style=body_style, indent=Indent(), **text_kwargs),
            *self.runs(block, spans=rest, text=True, squeezed=self.squeezed.get(i),
                       at=len(head[0].text) if head else 0))
        single = ox.paragraph(
            ox.ppr(style=body_style, outline_level=block.level - 1, **kwargs),
            *self.runs(block, heading_style=HEADING_CHAR_STYLES[block.role][0], text=True,
                       squeezed=self.squeezed.get(i), fillers=self.fillers.get(i)))
        self.add(ox.alternate_content(RUN_IN_REQUIRES, [heading, text], [single]))
        return text

    # 版头
    def _header(self, page: Page, header: Region) -> float:
        """Write the 版头 (before the flow) and return the bottom of what it put in the flow
        on page 1 (the first flow paragraph's space before starts there)."""
        blocks = self.doc.blocks
        lines = sorted((ln for i in header.blocks for ln in self.lines[i]),
                       key=lambda ln: (ln.y, ln.x0))
        by_role: dict[Role, list[Line]] = {}
        for ln in lines:
            by_role.setdefault(blocks[ln.block].role, []).append(ln)
        for n, rule in enumerate(r for r in page.rules if r.part is Part.HEADER):
            if self.doc.fmt is LetterFormat.LETTER:
                self.anchors.append(ox.rule_run(
                    self.next_id(), f"版头线{n + 1}", rule.x0, rule.y0 - rule.width / 2,
                    rule.x1 - rule.x0, rule.width, rule.color))
        if self.doc.fmt is LetterFormat.LETTER:
            return self._letter_header(by_role)
        rule = next((r for r in page.rules if r.part is Part.HEADER), None)
        return self._document_header(by_role, rule)

    def _line_paragraph(self, ln: Line, before: float, **ppr: object) -> etree._Element:
        """One 版头 line as a paragraph of its role's style on a 28.95 pt line."""
        return self.paragraph(ln.block, before=before, keep_next=True, **ppr)

    def _letter_header(self, by_role: dict[Role, list[Line]]) -> float:
        """信函格式: the 份号 … 发文字号 row in the flow, then the 标志 framed at its place
        (LibreOffice frames a paragraph only before another paragraph, not before a table)."""
        try:
            return self._letter_row(by_role)
        finally:
            for ln in by_role.get(Role.ORGAN_MARK, []):
                self.add(self._mark_frame(ln))

    def _letter_row(self, by_role: dict[Role, list[Line]]) -> float:
        left = [ln for r in (Role.COPY_NUMBER, Role.SECRECY, Role.URGENCY)
                for ln in by_role.get(r, [])]
        right = [ln for r in (Role.DOC_NUMBER, Role.SIGNER) for ln in by_role.get(r, [])]
        if not left and not right:
            return spec.TYPE_TOP
        top = min(_cell_top(ln) for ln in [*left, *right])
        width = spec.TYPE_AREA_WIDTH / 2

        def cell(column: list[Line], align: str) -> etree._Element:
            paras = [self.paragraph(ln.block, align=align, keep_next=True, indent=Indent())
                     for ln in column]
            return ox.table_cell(paras, width=width)

        self.add(ox.table(
            [width, width], [ox.table_row([cell(left, "left"), cell(right, "right")])],
            width=spec.TYPE_AREA_WIDTH, cell_margins={"top": top - spec.TYPE_TOP}))
        rows = max(len(left), len(right))
        return top + rows * spec.LINE_PITCH

    def _mark_frame(self, ln: Line) -> etree._Element:
        """A 信函格式 标志 line: a paragraph framed across the type area, its em box where the
        layout put it (30 mm from the page top), red 小标宋, shrunk as the layout shrank it."""
        size = _mark_size(ln)
        line = HEADER_LINE_FACTOR * size
        top = ln.top - (line - size) / 2
        block = self.doc.blocks[ln.block]
        spans = _line_spans(block, ln)
        frame = Frame(y=top, width=spec.TYPE_AREA_WIDTH, height=line)
        props = ox.ppr(style=STYLE_NAMES[Role.ORGAN_MARK][0], frame=frame, line=line, before=0,
                       after=0, snap_to_grid=False, align="center", keep_next=False)
        return ox.paragraph(props, *self.runs(block, size if size != block.style.size else None,
                                              spans=spans))

    def _document_header(self, by_role: dict[Role, list[Line]], rule: Rule | None
                         ) -> float:
        """文件格式: 份号 … lines at the type area's top, the 标志 35 mm below it, the 发文字号
        two lines below that with the red rule as its bottom border."""
        cursor = spec.TYPE_TOP
        for r in (Role.COPY_NUMBER, Role.SECRECY, Role.URGENCY):
            for ln in by_role.get(r, []):
                top = _cell_top(ln)
                self.add(self._line_paragraph(ln, top - cursor, align="left", indent=Indent()))
                cursor = top + spec.LINE_PITCH
        marks = by_role.get(Role.ORGAN_MARK, [])
        if marks:
            cursor = self._document_marks(marks, cursor)
        numbers = [*by_role.get(Role.DOC_NUMBER, []), *by_role.get(Role.SIGNER, [])]
        if not numbers:
            return cursor
        top = min(_cell_top(ln) for ln in numbers)
        bottom = max(_cell_top(ln) for ln in numbers) + spec.LINE_PITCH
        border = None
        if rule is not None:
            space = max(0, round(rule.y0 - rule.width / 2 - bottom))
            border = {"bottom": Border(rule.width, rule.color, space)}
            end = bottom + space + rule.width
        else:
            end = bottom
        signers = by_role.get(Role.SIGNER, [])
        number = by_role.get(Role.DOC_NUMBER, [])
        if not signers:
            (ln,) = number[:1] or [numbers[0]]
            self.add(self._line_paragraph(ln, top - cursor, align="center", indent=Indent(),
                                          border=border))
            return end
        # 上行文: 发文字号 居左空一字, 签发人 居右空一字, side by side; the rule under both
        c = spec.CHAR_PITCH
        half = spec.TYPE_AREA_WIDTH / 2
        left = [self.paragraph(ln.block, align="left", keep_next=True, indent=Indent(left=c))
                for ln in number]
        right = [self.paragraph(ln.block, align="right", keep_next=True, indent=Indent(right=c))
                 for ln in signers]
        sides = {"bottom": border["bottom"]} if border else {}
        if self.body[self.body.index(self.sect_pr) - 1].tag == ox.qn("w:tbl"):
            # a joint 标志's table right above: LibreOffice joins two tables with nothing
            # between them into one (the 标志's cells then take the type area's width)
            self.add(_tiny_paragraph(keep_next=True))
            cursor += TINY_LINE
        margins = {"top": top - cursor}
        if border:
            margins["bottom"] = border["bottom"].space
        self.add(ox.table([half, half], [ox.table_row([ox.table_cell(left, width=half),
                                                        ox.table_cell(right, width=half)])],
                          width=spec.TYPE_AREA_WIDTH, sides=sides, cell_margins=margins))
        return end

    def _document_marks(self, marks: list[Line], cursor: float) -> float:
        """The 文件格式 标志: one centred paragraph, or for a joint issue the names stacked
        and justified to the longest with one “文件” to their right, centred on the stack
        (a borderless table: decision 16)."""
        blocks = self.doc.blocks
        first = marks[0]
        size = _mark_size(first)
        em_top = first.top
        suffix = [ln for ln in marks if ln.start >= len("".join(
            s.text for s in blocks[ln.block].spans))]
        names = [ln for ln in marks if ln not in suffix]
        style = STYLE_NAMES[Role.ORGAN_MARK][0]
        run_size = size if size != spec.STYLES[Role.ORGAN_MARK].size else None
        pitch = (1 + spec.MARK_LINE_GAP_EM) * first.size
        line = HEADER_LINE_FACTOR * size if len(names) == 1 else pitch
        top = em_top - (line - first.size) / 2
        if not suffix:  # centred paragraphs, one a name
            for k, ln in enumerate(names):
                block = blocks[ln.block]
                self.add(ox.paragraph(
                    ox.ppr(style=style, before=top - cursor if k == 0 else 0, line=line,
                           snap_to_grid=False, align="center", keep_next=True,
                           indent=Indent()),
                    *self.runs(block, run_size, spans=_line_spans(block, ln))))
            return top + len(names) * line
        stack = max(ln.x1 - ln.left for ln in names)
        (tail,) = suffix[:1]
        gap = spec.JOINT_MARK_SUFFIX_GAP_EM * first.size
        tail_width = sum(tail.advances) + WIDTH_SLACK
        name_paras = []
        for ln in names:
            block = blocks[ln.block]
            name_paras.append(ox.paragraph(
                ox.ppr(style=style, line=line, snap_to_grid=False, align="distribute",
                       keep_next=True, indent=Indent()),
                *self.runs(block, run_size, spans=_line_spans(block, ln))))
        block = blocks[tail.block]
        tail_para = ox.paragraph(
            ox.ppr(style=style, line=line, snap_to_grid=False, align="left", keep_next=True,
                   indent=Indent()),
            self.run(Span(block.tail), None, run_size))
        row = ox.table_row([
            ox.table_cell(name_paras, width=stack + WIDTH_SLACK),
            ox.table_cell([tail_para], width=gap + tail_width, v_align="center",
                          margins={"left": gap}),
        ])
        self.add(ox.table([stack + WIDTH_SLACK, gap + tail_width], [row], align="center",
                          width=stack + 2 * WIDTH_SLACK + gap + tail_width,
                          cell_margins={"top": top - cursor}))
        return top + len(names) * line

    # signature (decision 10)
    def _signature_block(self, group: list[int], before: object) -> int:
        """The 署名s and the date; returns how many flow blocks they took (the contacts and
        附注 after the date are ordinary paragraphs kept with them)."""
        sig = self.signature
        assert sig is not None
        blocks = self.doc.blocks
        blank = sig.block.blank_lines * spec.LINE_PITCH
        space = blank if before is None else float(before)  # type: ignore[arg-type]
        names = list(sig.signatures)
        dates = list(sig.dates)
        if sig.block.seal:  # date 右空四字, each 署名 centred on the date's centre
            axis = sig.date_axis()
            span = 2 * axis - spec.TYPE_AREA_WIDTH
            centred = Indent(left=span) if span >= 0 else Indent(right=-span)
            for k, i in enumerate(names):
                self.add(self.paragraph(i, align="center", indent=centred, keep_next=True,
                                        keep_lines=True, before=space if k == 0 else 0))
            for i in dates:
                self.dates.append(self.add(self.paragraph(
                    i, align="right", before=0, keep_lines=True,
                    indent=Indent(right=sig.date_right),
                    keep_next=i != group[-1])))
            return len(names) + len(dates)
        # no seal: a borderless table fitted to its content, aligned right, its right cell
        # margin 二字; the 署名s flush left in it and the date indented 二字
        # the column as wide as LibreOffice sets the text (Word re-fits it to its own
        # widths): LibreOffice adds space between Chinese and digits, so a date wider than
        # the 署名 would wrap in a column of Word's width
        def wide(i: int) -> float:
            return sig.widths[i] + _libreoffice_autospace(sig.lines[i])

        offset = sig.date_offset
        content = max([*(wide(i) for i in names), *(offset + wide(i) for i in dates)])
        right = sig.right
        column = content + right + WIDTH_SLACK
        rows = []
        for k, i in enumerate([*names, *dates]):
            is_date = blocks[i].role is Role.DATE
            last = k == len(names) + len(dates) - 1
            para = self.paragraph(
                i, align="left", keep_next=not last or i != group[-1], keep_lines=True,
                before=0,
                indent=Indent(left=offset) if is_date else Indent())
            if is_date:
                self.dates.append(para)
            margins = {"top": space} if k == 0 else None
            rows.append(ox.table_row([ox.table_cell([para], margins=margins)]))
        table = ox.table([column], rows, align="right", autofit=True,
                         cell_margins={"right": right})
        if not names:  # a date alone: no 署名 to edit
            self.add(table)
            return len(dates)
        later = [*names[1:], *dates]  # the lines the first must reach past
        reach = max((wide(i) + (offset if i in dates else 0.0) for i in later), default=0.0)
        reach += SIGNATURE_TAB_SLACK + SIGNATURE_CELL_SLACK * max(
            (len(sig.lines[i].text) for i in later), default=0)
        frame = self._signature_frame(names, dates, space, offset, reach, right,
                                      keep_next=group[-1] not in (*names, *dates))
        self.add(ox.alternate_content(SIGNATURE_REQUIRES, [table], frame))
        return len(names) + len(dates)

    def _signature_frame(self, names: list[int], dates: list[int], before: float,
                         offset: float, reach: float, right: float, *, keep_next: bool
                         ) -> list[etree._Element]:
        """The 署名 block as LibreOffice 7.4 re-fits it after an edit: one paragraph in a
        frame of automatic width right of the margin, right-indented ``right``, the 署名s
        and the date on lines of their own (line breaks), the date after a tab to
        ``offset``. LibreOffice fits such a frame to its paragraph's first line (a frame of
        more paragraphs spans the type area), so the first 署名 ends in a tab to ``reach``
        (the end of the date or of a later 署名) or, when the 署名 reaches further, to the
        end of its last character cell: the first line is the block's widest whatever the
        署名's length. The frame lets text flow over it; the empty paragraph it is anchored
        in holds its place, so that the blocks kept with the 署名 keep with that paragraph
        (LibreOffice does not keep a paragraph with a frame)."""
        blocks = self.doc.blocks
        size = blocks[names[0]].style.size
        pitch = _word_cell(size)
        stops = [("left", offset), ("left", reach)] + [
            ("left", end) for n in range(1, spec.CHARS_PER_LINE + 1)
            if (end := n * (pitch + SIGNATURE_CELL_SLACK) + SIGNATURE_TAB_SLACK) > reach]
        runs: list[etree._Element] = []
        for k, i in enumerate([*names, *dates]):
            if k:
                runs.append(ox.text_run("\n\t" if blocks[i].role is Role.DATE else "\n"))
            runs += self.runs(blocks[i])
            if k == 0:
                runs.append(ox.text_run("\t"))
        frame = Frame(y=0, width=None, height=None, x_align="right", v_anchor="text",
                      wrap="none")
        framed = self.paragraph(names[0], runs=runs, align="left", keep_next=True,
                                keep_lines=True, before=before, indent=Indent(right=right),
                                tabs=stops, frame=frame)
        lines = len(names) + len(dates)
        anchor = ox.paragraph(
            ox.ppr(line=0.05, before=before + lines * spec.LINE_PITCH - 0.05, after=0,
                   snap_to_grid=False, keep_next=keep_next),
            ox.text_run("", ox.rpr(size=1)))
        return [framed, anchor]

    # seal
    def _place_seal(self, image: Image) -> None:
        """The layout's seal image, behind the text, centred on the date's centre."""
        sig = self.signature
        assert sig is not None and self.dates
        date_p = self.dates[-1]
        assert self.package_part is not None
        from docx.shared import Pt

        inline = self.package_part.new_pic_inline(io.BytesIO(image.data),
                                            Pt(image.width), Pt(image.height))
        centre = sig.date_axis()
        # the seal's top on the first blank line above the 署名, as in the PDF layout
        lines_above = len(sig.signatures) + sig.block.blank_lines
        top = -lines_above * spec.LINE_PITCH
        x = centre - image.width / 2
        rid = inline.find(f".//{ox.qn('a:blip')}").get(ox.qn("r:embed"))
        anchor = ox.inline_to_anchor(inline, self.next_id(), "印章", x, top, h_from="margin",
                                     v_from="paragraph", behind=True)
        run = ox.picture_run(anchor, rid, x=x, y=top, h_from="margin", v_from="paragraph",
                             behind=True)
        _insert_run(date_p, run)

    # 版记
    def _record(self, page: Page, record: Region, last_flow: etree._Element | None) -> None:
        """The 版记: a table floating at the foot of the type area with its rules as borders,
        on the text's last page, or, when the layout gave it a page of its own, in a last
        section that starts on the next (文件格式: even) page."""
        rules = sorted((r for r in page.rules if r.part is Part.RECORD), key=lambda r: r.y0)
        sides: dict[str, Border | None] = {}
        if rules:
            sides = {"top": Border(rules[0].width), "bottom": Border(rules[-1].width)}
            if len(rules) > 2:
                sides["insideH"] = Border(rules[1].width)
        rows = []
        for k, i in enumerate(record.blocks):
            block = self.doc.blocks[i]
            # a 1.4 em line centred in the grid cell: LibreOffice puts a 28.95 pt line's
            # baseline lower than the PDF (see the module's notes), by 1.2 mm for 4号; the
            # rules taken from the space around it, so that the table is as high as its
            # grid lines and a text that ends on the line above it stays on the page
            line = HEADER_LINE_FACTOR * block.style.size
            gap = (spec.LINE_PITCH - line) / 2
            above = sides.get("top" if k == 0 else "insideH")
            below = sides.get("bottom") if k == len(record.blocks) - 1 else None
            kwargs: dict[str, object] = {
                "keep_next": False, "before": gap - (above.width if above else 0.0),
                "after": gap - (below.width if below else 0.0), "line": line,
                "snap_to_grid": False}
            if block.tail:
                kwargs["tabs"] = [("right", self._text_right(block))]
            rows.append(ox.table_row([ox.table_cell([self.paragraph(i, **kwargs)],
                                                    width=spec.TYPE_AREA_WIDTH)]))
        text_end = max((p.number for p in self.layout.pages for ln in p.lines
                        if ln.part is Part.FLOW), default=1)
        own_page = page.number > text_end and last_flow is not None
        table = ox.table([spec.TYPE_AREA_WIDTH], rows, width=spec.TYPE_AREA_WIDTH, sides=sides,
                         floating=Float(spec.TYPE_LEFT))
        if own_page:  # LibreOffice starts a section only at a paragraph, not a floating table
            self.add(_tiny_paragraph())
        self.add(table)
        self.add(_tiny_paragraph())
        if own_page and last_flow is not None:
            # "evenPage" only where the layout left a blank page: LibreOffice 7.4 sets a
            # page that starts on a parity break 3.5 mm lower and leaves its blank page out
            # of a PDF; the page right after the text has the parity the layout chose
            blank = page.number - text_end > 1
            self._section_break(last_flow, "evenPage" if blank else "nextPage",
                                numbered=page.printed_number is not None)

    def _section_break(self, last_flow: etree._Element, kind: str, numbered: bool) -> None:
        """End the text's section after ``last_flow``; the last section (the 版记's) starts
        on the next page (``kind`` "nextPage") or the next even page ("evenPage"), without a
        page number on it unless ``numbered``."""
        text_section = etree.tostring(self.sect_pr)
        if last_flow.tag == ox.qn("w:tbl"):  # a paragraph must end a section: a 1 pt one
            last_flow.addnext(_tiny_paragraph())
            last_flow = last_flow.getnext()
        targets = [last_flow]
        if last_flow.tag != ox.qn("w:p"):  # a markup-compatibility block: each branch's last
            targets = [list(branch.iter(ox.qn("w:p")))[-1] for branch in last_flow]
        for target in targets:
            ppr = ox.paragraph_properties(target)
            if ppr is None:
                ppr = ox.ppr()
                target.insert(0, ppr)
            ox.put(ppr, etree.fromstring(text_section))
        ox.section_start(self.sect_pr, kind)
        # the 版记's page is never a 信函格式 first page; unnumbered, it is its section's
        # first page without a first-page footer (a blank one)
        ox.set_title_page(self.sect_pr, not numbered)
        if not numbered:
            ox.drop_footer_references(self.sect_pr, "first")


TINY_LINE = 1.0  # pt: the height of :func:`_tiny_paragraph`


def _tiny_paragraph(keep_next: bool = False) -> etree._Element:
    """An empty paragraph one point high (ends the body or a section after a table, or
    stands between two tables)."""
    return ox.paragraph(ox.ppr(line=TINY_LINE, before=0, after=0, snap_to_grid=False,
                               keep_next=keep_next),
                        ox.text_run("", ox.rpr(size=1)))


def _insert_run(p: etree._Element, run: etree._Element) -> None:
    """Put ``run`` first in paragraph ``p`` (after its properties)."""
    ppr = ox.paragraph_properties(p)
    if ppr is not None:
        ppr.addnext(run)
    else:
        p.insert(0, run)


def _line_spans(block: Block, ln: Line) -> tuple[Span, ...]:
    """The spans of ``block`` cut to the text of one of its lines."""
    spans: list[Span] = []
    at = 0
    for span in (*block.spans, Span(block.tail)):
        a, b = max(ln.start, at), min(ln.end, at + len(span.text))
        if a < b:
            spans.append(Span(span.text[a - at : b - at], span.font))
        at += len(span.text)
    return tuple(spans)


# --- Footers (the format's, not the letter's) -----------------------------------------------
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


def letter_bottom_margin(offset: float = 0.0) -> float:
    """信函格式: the section's bottom margin at page 1's lowest grid line whose text stays
    7/8 of a 3号 character above the lower red lines (10.1); on later pages the footer,
    padded up to the type area's bottom edge, keeps the text above it. Word and LibreOffice
    snap lines to the document grid from the top margin, so the text area is a whole number
    of grid lines plus the type area's own remainder (LibreOffice places the grid by it).

    ``offset``: how far below the grid the layout set page 1's lines (where its 版头 put
    them). Then the text area ends one grid line below the last line the PDF allows (plus
    half a point for the twips): LibreOffice, which lays page 1's lines only in whole grid
    lines of the text area, has room for that last line, and Word, which places lines of
    exact height where the line above ends, has none for the one after it."""
    from ..layout.pages import first_page_bottom

    rest = spec.TYPE_AREA_HEIGHT - spec.LINES_PER_PAGE * spec.LINE_PITCH
    if offset > OFFSET_MIN:
        lines = math.floor((first_page_bottom(LetterFormat.LETTER) - spec.MARGIN_TOP - offset
                            + 0.01) / spec.LINE_PITCH)
        return spec.PAGE_HEIGHT - spec.MARGIN_TOP - (lines + 1) * spec.LINE_PITCH - 0.5
    lines = math.floor((first_page_bottom(LetterFormat.LETTER) - spec.MARGIN_TOP - rest)
                       / spec.LINE_PITCH)
    return spec.PAGE_HEIGHT - spec.MARGIN_TOP - lines * spec.LINE_PITCH - rest


OFFSET_MIN = 1.0  # pt: page 1's lines this far below the grid get letter_bottom_margin's room


def footer_paragraph(odd: bool, fmt: LetterFormat | None = None) -> list[etree._Element]:
    """The page-number footer's paragraph (properties and runs): “— PAGE —” 4号 宋体,
    odd pages right with a 14 pt right indent, even pages left with a 14 pt left indent."""
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
    root = shared_cache.parse_part(shared.document)
    _Builder(doc, layout, shared_cache.document_body(root), None).build()
    core = shared_cache.parse_part(shared.core)
    shared_cache.set_core_properties(core, _core_values(doc))
    own = {"word/document.xml": shared_cache.serialize_part(root),
           "docProps/core.xml": shared_cache.serialize_part(core)}
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


FontNamesKey = shared_cache.FontNamesKey


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
    import docx

    d = docx.Document()
    _prune_template(d)
    styles_root = d.styles.element
    for child in list(styles_root):
        styles_root.remove(child)
    for node in styles(fontset):
        styles_root.append(node)
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
    _fill_footer(section.footer, footer_paragraph(odd=True, fmt=fmt))
    _fill_footer(section.even_page_footer, footer_paragraph(odd=False, fmt=fmt))
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


def _shared_parts(names: FontNamesKey, fmt: LetterFormat) -> shared_cache.SharedParts:
    """The parts every letter of these fonts and format shares (:mod:`.docx_shared`: built
    here through python-docx once, then kept in memory and on disk)."""

    def build() -> dict[str, bytes]:
        data = _saved(_package(_KnownNames(names), fmt), names)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {name: z.read(name) for name in z.namelist()}

    return shared_cache.shared_parts(names, fmt, build)


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


def _core_values(doc: Document) -> list[tuple[str, str | int | dt.datetime]]:
    """The core properties of :func:`_core_properties` as ``docProps/core.xml`` names
    them, in the order they are set there."""
    meta = doc.metadata
    when = meta.timestamp.astimezone(dt.UTC)
    return [("dc:title", _core_property(meta.title)),
            ("dc:creator", _core_property(meta.author)),
            ("cp:lastModifiedBy", _core_property(meta.author)),
            ("dc:description", ""),
            ("dc:subject", _core_property(meta.subject)),
            ("cp:keywords", _core_property(meta.keyword_text)),
            ("dc:language", meta.language),
            ("cp:category", ""),
            ("cp:revision", 1),
            ("dcterms:created", when),
            ("dcterms:modified", when)]


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
