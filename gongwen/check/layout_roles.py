"""Which element of the letter a PDF line or a DOCX paragraph is, from its layout.

The check judges formatting, so it cannot take an element's role from the formatting it
judges by name (a style called 正文 may be set in 黑体); it takes it from the text (the
grammar of the letter's elements, as :mod:`gongwen.read.roles` does for a reading) and from
where and how the element stands: red and above the title is the 发文机关标志, centred and
large is a title, a heading number at the paragraph indent is a heading, the line or
paragraph above a date-only one is the 署名. Both routes decide here, in the same order —
PDF lines (the 版头 zone, titles, 版记 lines, headings at their indent, page numbers) and
DOCX paragraphs (:func:`docx_roles`) — with the text tests :func:`text_role` gives both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .. import grammar, spec
from ..ooxml.reader import ParaProps, Run, TablePlace
from ..read.geometry import PdfPage, TextLine, is_red
from ..read.roles import heading_role, nest_headings
from ..spec import LINE_PITCH, TYPE_BOTTOM, TYPE_CENTRE, TYPE_LEFT, TYPE_TOP, FontRole, Role, mm
from .facts import compact, doc_number_of

RED_VALUES = ("FF0000", "C00000", "E60012", "E00000", "EE0000", "CC0000", "D00000")
# a line or paragraph ending so ends a sentence: the body's, never a 署名
SENTENCE_END = ("。", "！", "？", "；", "，", "：", "!", "?", ";", ",", ":")


def text_role(text: str, *, in_header: bool) -> Role | None:
    """The role the grammar gives an element's whole (blank-free) text: 版记 lines, a
    date, a 发文字号 (in the 版头), an attachment label, a 答复类别, a heading."""
    if grammar.parse_print_line(text):
        return Role.RECORD_PRINT
    if grammar.parse_cc(text):
        return Role.RECORD_CC
    if grammar.parse_date(text):
        return Role.DATE
    if in_header and doc_number_of(text):
        return Role.DOC_NUMBER
    if grammar.parse_attachment_label(text) is not None:
        return Role.ATTACHMENT_LABEL
    if grammar.parse_reply_category(text):
        return Role.REPLY_CATEGORY
    return heading_role(text)


# --- PDF lines ------------------------------------------------------------------------------


def page_number_line(page: PdfPage) -> TextLine | None:
    """The page's number: its last line (or, after page 1, its first one) when that is a
    number with at most a few marks around it at the foot (head) of the page."""
    if not page.lines:
        return None
    last, first = page.lines[-1], page.lines[0]
    gap = last.baseline - page.lines[-2].baseline if len(page.lines) > 1 else LINE_PITCH * 2
    foot = last.baseline > TYPE_BOTTOM + 2 or gap > 1.5 * LINE_PITCH
    if foot and grammar.parse_page_number(last.compact) is not None:
        return last
    if (
        page.number > 1
        and first.bottom < TYPE_TOP + 2
        and grammar.parse_page_number(first.compact) is not None
    ):
        return first
    return None


def above_type_area_mark(page: PdfPage) -> list[TextLine]:
    """Red lines above the type area (the 信函格式 标志): not part of the text block."""
    return [
        ln for ln in page.lines
        if ln.baseline < TYPE_TOP - 2 and any(is_red(g.color) for g in ln.glyphs)
    ]


def record_lines(page: PdfPage, in_type_area: Callable[[TextLine], bool]) -> list[TextLine]:
    """The 版记's lines on the last page: 抄送 and 印发 lines, and a 抄送's wrapped lines."""
    out: list[TextLine] = []
    for ln in page.lines:
        if not in_type_area(ln):
            continue
        text = ln.compact
        item = grammar.parse_cc(text) or grammar.parse_print_line(text)
        wrapped = out and ln.size == out[-1].size and ln.x0 > TYPE_LEFT + 1
        if item or wrapped:
            out.append(ln)
    return out


def mark_lines(page: PdfPage) -> list[TextLine]:
    """发文机关标志 lines: mostly red, in the top 60 mm of the type area of page 1."""
    return [ln for ln in page.lines if ln.baseline < TYPE_TOP + mm(60) and ln.red]


def title_lines(
    pages: Sequence[PdfPage], in_type_area: Callable[[TextLine], bool], body_size: float,
    char_pitch: float,
) -> list[TextLine]:
    """Title lines (the letter's and the attachments'): larger than the body, not red,
    centred on the type area."""
    out = []
    for p in pages:
        for ln in p.lines:
            if not in_type_area(ln) or ln.size < body_size + 2:
                continue
            if any(is_red(g.color) for g in ln.glyphs):
                continue  # 发文机关标志
            if abs((ln.x0 + ln.x1) / 2 - TYPE_CENTRE) < char_pitch:
                out.append(ln)
    return out


def header_zone(page: PdfPage, titles: Sequence[TextLine], char_pitch: float) -> list[TextLine]:
    """版头 lines of page 1 (信函格式 and 文件格式): the lines before the title or, with no
    title, before the first line of the letter proper (the 主送 line ending in “：” at the
    left margin, or an indented paragraph start)."""
    title_ids = {id(ln) for ln in titles if ln.page == 1}
    indent = TYPE_LEFT + 2 * char_pitch
    out = []
    for ln in page.lines:
        if id(ln) in title_ids:
            break
        text = ln.compact
        flush_left = abs(ln.x0 - TYPE_LEFT) < char_pitch / 2
        if len(ln.segments) == 1 and (
            (flush_left and text.endswith(("：", ":")) and grammar.parse_signers(text) is None)
            or abs(ln.x0 - indent) < char_pitch / 2
        ):
            break
        out.append(ln)
    return out


def paragraph_text(lines: Sequence[TextLine], k: int, char_pitch: float) -> str:
    """The text of the paragraph whose first line is ``lines[k]``: it and the flush-left
    lines after it, up to the next indented one (a paragraph's lines on its page)."""
    out = [lines[k].compact]
    for ln in lines[k + 1:]:
        if ln.page != lines[k].page or abs(ln.x0 - TYPE_LEFT) >= char_pitch / 2:
            break
        out.append(ln.compact)
    return "".join(out)


def body_line_role(ln: TextLine, *, char_pitch: float, fmt: str, paragraph: str = "") -> Role:
    """The role of a line of the text block that is not 版头, title or 版记: a heading
    (its number at the paragraph indent; not a numbered sentence, judged on the
    ``paragraph`` the line starts when given), an attachment label (flush left), a 答复类别
    (page 1 of 信函格式 or 文件格式), else body text."""
    role = text_role(ln.compact, in_header=False)
    indented = abs(ln.x0 - (TYPE_LEFT + 2 * char_pitch)) < char_pitch / 2
    if role in spec.HEADING_ROLES and indented:
        return role if not grammar.numbered_sentence(paragraph or ln.compact) else Role.BODY
    if role is Role.ATTACHMENT_LABEL and abs(ln.x0 - TYPE_LEFT) < char_pitch / 2:
        return role
    if fmt != "plain" and ln.page == 1 and grammar.parse_reply_category(ln.compact):
        return Role.REPLY_CATEGORY
    return Role.BODY


def body_text_lines(
    lines: Sequence[TextLine], font: Callable[[str], FontRole | None]
) -> list[TextLine]:
    """The lines of 正文 among ``lines`` (decision 10): not the 附件说明 (from its “附件：”
    line on), not contact lines (“联系电话：…”), not a lone heading (黑体 or 楷体 only);
    ``font`` gives a PDF font name's role."""
    out = []
    for ln in lines:
        note = grammar.parse_attachment_note(ln.text)
        if note is not None and note.labelled:
            break
        if grammar.parse_contacts(ln.text):
            continue
        fonts = {font(g.font) for g in ln.glyphs if g.wide}
        if fonts and fonts <= {FontRole.HEITI, FontRole.KAITI}:
            continue
        out.append(ln)
    return out


# --- DOCX paragraphs ------------------------------------------------------------------------


@dataclass
class Para:
    """A DOCX paragraph as the rules see it: its number (every ``w:p`` of the main document,
    from 1), text, runs with their effective properties, paragraph properties and role."""

    index: int
    text: str
    runs: list[Run]
    props: ParaProps
    in_table: bool
    in_box: bool = False  # in a text box (a 版头 element placed on the page)
    role: Role | None = None
    table: TablePlace | None = None  # the table holding it, if any


def docx_roles(paras: Sequence[Para]) -> None:
    """Set each paragraph's role: red in the 版头 (before the title, or in a text box) is
    the 发文机关标志, centred and large (or before the title) a title, the paragraph above a
    date the 署名; the 版头 rows up to its last element have no role of their own (None)."""
    seen_title = False
    for i, p in enumerate(paras):
        text = compact(p.text)
        if not text:
            continue
        red = all((r.props.color or "").upper() in RED_VALUES for r in p.runs)
        size = max((r.props.size or 0) for r in p.runs)
        # 版头 text boxes are anchored in the first paragraph (the title when there is no
        # 答复类别), so they come after it in document order
        in_header = not seen_title or p.in_box
        role = text_role(text, in_header=in_header)
        if red and in_header:
            p.role = Role.ORGAN_MARK
        elif role in (Role.RECORD_PRINT, Role.RECORD_CC, Role.DATE, Role.DOC_NUMBER,
                      Role.ATTACHMENT_LABEL, Role.REPLY_CATEGORY):
            p.role = role
            prev = next((q for q in reversed(paras[:i]) if q.text.strip()), None)
            if (role is Role.DATE and prev is not None and prev.role in (Role.BODY, None)
                    and not compact(prev.text).endswith(SENTENCE_END)):
                prev.role = Role.SIGNATURE
        elif p.props.jc == "center" and not p.in_table and (
            not seen_title or size > spec.BODY_SIZE + 2
        ) and not _above_a_date(paras, i):  # a 署名 centred over the date (with a seal)
            p.role = Role.ATTACHMENT_TITLE if seen_title else Role.TITLE
            seen_title = True
        else:
            p.role = role or Role.BODY
    _header_rows(paras)
    _joint_signatures(paras)
    roles = [p.role for p in paras]
    nest_headings(roles, [True] * len(roles))  # a “1.” right under “一、” is level 2
    for p, role in zip(paras, roles, strict=True):
        p.role = role


def _above_a_date(paras: Sequence[Para], i: int) -> bool:
    """Whether the next paragraph with text after ``paras[i]`` and the centred ones below
    it (the other 署名s of a joint letter) is a 成文日期."""
    after = next((q for q in paras[i + 1:] if q.text.strip() and q.props.jc != "center"),
                 None)
    return after is not None and text_role(compact(after.text), in_header=False) is Role.DATE


def _header_rows(paras: Sequence[Para]) -> None:
    """The paragraphs up to the last 版头 element (标志, 发文字号, 签发人, 答复类别) before
    the title, and those in text boxes, are 版头 rows (份号, 密级, 紧急程度, a 签发人 line)
    placed by the 版头's own rules, not body text: their role is None. A published letter
    may have them without a 标志 (decision 14)."""
    first_title = next((p.index for p in paras if p.role is Role.TITLE), None)
    header = [
        p.index
        for p in paras
        if (first_title is None or p.index < first_title or p.in_box)
        and (
            p.role in (Role.ORGAN_MARK, Role.DOC_NUMBER, Role.REPLY_CATEGORY)
            or grammar.parse_signers(p.text) is not None
        )
    ]
    if header:
        for p in paras:
            if (p.index <= max(header) or p.in_box) and p.role is Role.BODY:
                p.role = None


def _joint_signatures(paras: Sequence[Para]) -> None:
    """A joint issue stacks the organs' 署名 above the date: right-aligned paragraphs, or
    the paragraphs of the 署名's own table (gongwen's 署名 block)."""
    for i, p in enumerate(paras):
        if p.role is not Role.SIGNATURE:
            continue
        for q in reversed(paras[:i]):
            if not q.text.strip():
                continue
            stacked = (q.props.jc in ("right", "end") and not q.in_table) or (
                q.table is not None and p.table is not None and q.table.key == p.table.key
                and not compact(q.text).endswith(SENTENCE_END))
            if q.role is Role.BODY and stacked:
                q.role = Role.SIGNATURE
                continue
            break


def docx_letter_format(paras: Sequence[Para]) -> bool:
    """信函格式: organ marks, none of them a 文件格式 one (“…文件”, or a joint mark's
    “文件” beside the stacked names)."""
    marks = [p.text.strip() for p in paras if p.role is Role.ORGAN_MARK]
    return bool(marks) and not any(m.endswith(spec.DOCUMENT_MARK_SUFFIX) for m in marks)
