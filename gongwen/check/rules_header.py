"""Rules of the 版头 (GB/T 9704 §7.2) and of the 信函格式 (§10.1): the 发文机关标志, the
发文字号, the 文件格式's red rule and the 信函格式's red double lines, as drawn on page 1; and
the 版头 forms a published letter keeps as written (decision 14), each a warning."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .. import grammar, spec
from ..read.geometry import Stroke, TextLine, is_red, joined
from ..spec import (
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TYPE_CENTRE,
    TYPE_RIGHT,
    TYPE_TOP,
    FontRole,
    Role,
    mm,
    pt_to_mm,
)
from .facts import DocNumberAt, doc_number_of
from .facts_docx import DocxFacts
from .facts_pdf import POSITION_TOL, PdfFacts
from .report import Clause
from .report import Severity as S
from .rules import Hit, Loc, Route, at_line, at_page, at_paragraph, hit, rule
from .rules_page import TYPE_SPAN, fmt_mm

# --- 7.2 版头: published forms (decision 14) ------------------------------------------------

ELEMENT_NAMES = {"copy_number": "份号", "secrecy": "密级", "urgency": "紧急程度",
                 "doc_number": "发文字号", "signers": "签发人", "reply_category": "答复类别"}


def head_elements(f: PdfFacts) -> Iterator[tuple[TextLine, grammar.HeaderElement]]:
    """The 版头 elements on page 1 above the title, with their lines (a line may hold
    several, set apart by wide blanks)."""
    for ln in f.head:
        for seg in ln.segments:
            for element in grammar.parse_header_line(joined(seg)) or ():
                yield ln, element


def _category_hit(written: str, loc: Loc) -> Hit | None:
    """A hit when the 答复类别 is printed with a label or brackets (“类别：A类”, “（B类）”)."""
    category = grammar.parse_reply_category(written)
    if category is None or category.canonical:
        return None
    return hit(loc, measured=written, expected=grammar.format_reply_category(category.letter))


@rule("reply-category-form", Clause.HEADER, S.WARNING,
      "答复类别带标签或括号（公布稿写法；规范写法只印类别字母）", Route.PDF)
def reply_category_form(f: PdfFacts) -> Iterator[Hit]:
    for ln, element in head_elements(f):
        if element.kind == "reply_category":
            found = _category_hit(element.written, at_line(ln))
            if found is not None:
                yield found


@rule("reply-category-form", Clause.HEADER, S.WARNING,
      "答复类别带标签或括号（公布稿写法；规范写法只印类别字母）", Route.DOCX)
def docx_reply_category_form(f: DocxFacts) -> Iterator[Hit]:
    for p in f.paras:
        if p.role is Role.REPLY_CATEGORY:
            found = _category_hit(p.text.strip(), at_paragraph(p.index))
            if found is not None:
                yield found


@rule("header-without-mark", Clause.ORGAN_MARK, S.WARNING,
      "有版头要素（{elements}）而没有发文机关标志（公布稿写法）", Route.PDF,
      expected="发文机关标志在版头要素之上")
def header_without_mark(f: PdfFacts) -> Iterator[Hit]:
    """A plain page 1 (no red lines) whose lines above the title are 版头 elements."""
    if f.fmt != "plain" or f.marks:
        return
    found = list(head_elements(f))
    if found:
        names = dict.fromkeys(ELEMENT_NAMES[e.kind] for _, e in found)
        yield hit(at_line(found[0][0]), measured="无标志", elements="、".join(names))


@rule("header-without-mark", Clause.ORGAN_MARK, S.WARNING,
      "有版头要素（{elements}）而没有发文机关标志（公布稿写法）", Route.DOCX,
      expected="发文机关标志在版头要素之上")
def docx_header_without_mark(f: DocxFacts) -> Iterator[Hit]:
    """Paragraphs above the title that are 版头 elements, and no 标志."""
    if any(p.role is Role.ORGAN_MARK for p in f.paras):
        return
    title = next((p.index for p in f.paras if p.role is Role.TITLE), None)
    found = [(p, e) for p in f.paras if (title is None or p.index < title) or p.in_box
             for e in grammar.parse_header_line(p.text.strip()) or ()]
    if found:
        names = dict.fromkeys(ELEMENT_NAMES[e.kind] for _, e in found)
        yield hit(at_paragraph(found[0][0].index), measured="无标志", elements="、".join(names))


# --- 7.2.4 发文机关标志 -------------------------------------------------------------------------


@rule("organ-mark-missing", Clause.ORGAN_MARK, S.ERROR, "没有找到红色的发文机关标志", Route.PDF,
      expected="红色小标宋，居中")
def organ_mark_missing(f: PdfFacts) -> Iterator[Hit]:
    if f.fmt != "plain" and not f.marks:
        yield hit(at_page(1))


def _mark(f: PdfFacts) -> TextLine | None:
    """The 发文机关标志's first line, in 信函格式 and 文件格式."""
    return f.marks[0] if f.fmt != "plain" and f.marks else None


@rule("organ-mark-font", Clause.ORGAN_MARK, S.WARNING, "发文机关标志不是小标宋", Route.PDF,
      expected="小标宋")
def organ_mark_font(f: PdfFacts) -> Iterator[Hit]:
    mark = _mark(f)
    wrong = f.wrong_font(mark, FontRole.XIAOBIAOSONG) if mark else None
    if mark and wrong is not None:
        yield hit(at_line(mark), measured=wrong)


@rule("organ-mark-centre", Clause.ORGAN_MARK, S.WARNING, "发文机关标志没有居中", Route.PDF,
      expected=f"{pt_to_mm(TYPE_CENTRE):.1f} mm")
def organ_mark_centre(f: PdfFacts) -> Iterator[Hit]:
    """Centred on the page or the type area; a joint mark (names stacked, “文件” to their
    right) as a whole."""
    mark = _mark(f)
    if mark is None:
        return
    centre = (min(ln.x0 for ln in f.marks) + max(ln.x1 for ln in f.marks)) / 2
    if abs(centre - PAGE_WIDTH / 2) > mm(2) and abs(centre - TYPE_CENTRE) > mm(2):
        yield hit(at_line(mark), measured=f"中线距左边 {fmt_mm(centre)}")


def _mark_top(f: PdfFacts, fmt: str, want: float) -> Iterator[Hit]:
    mark = _mark(f)
    if f.fmt == fmt and mark is not None and abs(mark.top - want) > POSITION_TOL:
        yield hit(at_line(mark), measured=f"距页顶 {fmt_mm(mark.top)}",
                  expected=f"距页顶 {pt_to_mm(want):.0f} ± 1 mm")


@rule("organ-mark-position", Clause.ORGAN_MARK, S.ERROR, "发文机关标志上边缘位置不对", Route.PDF)
def organ_mark_position(f: PdfFacts) -> Iterator[Hit]:
    """文件格式: the 标志's top 35 mm below the type area's top edge (72 mm from the page top)."""
    yield from _mark_top(f, "document", TYPE_TOP + mm(spec.DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM))


@rule("organ-mark-position", Clause.LETTER, S.ERROR, "发文机关标志上边缘位置不对", Route.PDF)
def letter_mark_position(f: PdfFacts) -> Iterator[Hit]:
    """信函格式: the 标志's top 30 mm from the page top."""
    yield from _mark_top(f, "letter", mm(spec.LETTER_MARK_TOP_MM))


# --- 7.2.5 发文字号 ----------------------------------------------------------------------------


@rule("doc-number-format", Clause.DOC_NUMBER, S.ERROR, "发文字号格式不对：{problems}", Route.BOTH,
      also=S.WARNING)
def doc_number_format(f: PdfFacts | DocxFacts) -> Iterator[Hit]:
    """〔YYYY〕 with the full year, no 第, no leading zeros, ending in 号. A form a published
    letter keeps as written (other brackets, 第, leading zeros: decision 14) is a warning."""
    number: DocNumberAt
    for number in f.doc_numbers:
        problems = number.number.problems()
        if problems:
            yield hit(number.loc, measured=number.shown, expected=number.number.canonical,
                      severity=S.WARNING if number.number.published_form else None,
                      problems="；".join(problems))


@rule("doc-number-position", Clause.LETTER, S.WARNING, "信函格式的发文字号应与版心右边缘对齐",
      Route.PDF, expected="0 mm")
def doc_number_position(f: PdfFacts) -> Iterator[Hit]:
    if f.fmt != "letter" or f.doc_number is None:
        return
    ln, seg, _ = f.doc_number
    if abs(seg[-1].x1 - TYPE_RIGHT) > f.char_pitch:
        yield hit(at_line(ln), measured=f"右端距版心右边 {fmt_mm(TYPE_RIGHT - seg[-1].x1)}")


# --- 7.2.7 the 文件格式's red rule ------------------------------------------------------------


def gap_above(rule_: Stroke, text: TextLine, want_mm: float) -> Hit | None:
    """A page-1 hit when the space from ``text``'s bottom down to the top edge of the header
    rule is not ``want_mm`` (± the position tolerance)."""
    gap = (rule_.y - rule_.width / 2) - text.bottom
    if abs(gap - mm(want_mm)) > POSITION_TOL:
        return hit(at_page(1), measured=fmt_mm(gap), expected=f"{want_mm:g} mm")
    return None


def _document_rule(f: PdfFacts) -> Stroke | None:
    length = mm(spec.DOCUMENT_RULE_LENGTH_MM)
    rules = [s for s in f.red_strokes if abs(s.length - length) < mm(8)]
    return rules[0] if f.fmt == "document" and rules else None


@rule("header-rule", Clause.HEADER_RULE, S.ERROR, "版头分隔线应与版心等宽", Route.PDF,
      expected=TYPE_SPAN)
def header_rule(f: PdfFacts) -> Iterator[Hit]:
    r = _document_rule(f)
    length = mm(spec.DOCUMENT_RULE_LENGTH_MM)
    if r is not None and (
        abs(r.length - length) > POSITION_TOL or abs((r.x0 + r.x1) / 2 - TYPE_CENTRE) > POSITION_TOL
    ):
        yield hit(at_page(1), measured=f"{fmt_mm(r.x0)} – {fmt_mm(r.x1)}")


@rule("header-rule-gap", Clause.HEADER_RULE, S.WARNING, "版头分隔线应在发文字号下 4 mm", Route.PDF)
def header_rule_gap(f: PdfFacts) -> Iterator[Hit]:
    r = _document_rule(f)
    if r is None:
        return
    above = [ln for ln in f.pages[0].lines if ln.baseline < r.y and doc_number_of(ln.compact)]
    found = gap_above(r, above[-1], spec.DOCUMENT_RULE_BELOW_NUMBER_MM) if above else None
    if found:
        yield found


# --- 10.1 信函格式: the red double lines ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DoubleLines:
    """The 信函格式's red lines on page 1: the upper pair (thick over thin) and the lower
    pair (thin over thick), as drawn from top to bottom."""

    first: Stroke
    second: Stroke
    third: Stroke
    fourth: Stroke


def _letter_lines(f: PdfFacts) -> DoubleLines | None:
    """The two red lines of the upper half of page 1 and the two of the lower half."""
    upper = [s for s in f.red_strokes if s.y < PAGE_HEIGHT / 2]
    lower = [s for s in f.red_strokes if s.y >= PAGE_HEIGHT / 2]
    if f.fmt != "letter" or len(upper) < 2 or len(lower) < 2:
        return None
    return DoubleLines(upper[0], upper[1], lower[-2], lower[-1])


@rule("letter-rules", Clause.LETTER, S.ERROR, "信函格式首页应有上下两组红色双线{black}", Route.PDF,
      expected="上粗下细、上细下粗各一组，长 170 mm")
def letter_rules(f: PdfFacts) -> Iterator[Hit]:
    if f.fmt != "letter" or _letter_lines(f) is not None:
        return
    upper = [s for s in f.red_strokes if s.y < PAGE_HEIGHT / 2]
    length = mm(spec.LETTER_RULE_LENGTH_MM)
    black = [
        s for s in f.pages[0].strokes if not is_red(s.color) and abs(s.length - length) < mm(8)
    ]
    lower = len(f.red_strokes) - len(upper)
    yield hit(at_page(1), measured=f"上 {len(upper)} 条、下 {lower} 条红线",
              black="（找到的是黑线）" if black else "")


def _first_off(f: PdfFacts) -> tuple[str, Stroke] | None:
    """The first of the four lines whose length is off ("length") or, failing that, that
    is off centre ("centre")."""
    lines = _letter_lines(f)
    four = (lines.first, lines.second, lines.third, lines.fourth) if lines is not None else ()
    for s in four:
        if abs(s.length - mm(spec.LETTER_RULE_LENGTH_MM)) > POSITION_TOL:
            return "length", s
        centre = (s.x0 + s.x1) / 2
        if abs(centre - PAGE_WIDTH / 2) > mm(1.5) and abs(centre - TYPE_CENTRE) > mm(1.5):
            return "centre", s
    return None


@rule("letter-rule-length", Clause.LETTER, S.ERROR, "红色双线长度不对", Route.PDF,
      expected=f"{spec.LETTER_RULE_LENGTH_MM:g} mm")
def letter_rule_length(f: PdfFacts) -> Iterator[Hit]:
    off = _first_off(f)
    if off is not None and off[0] == "length":
        yield hit(at_page(1), measured=fmt_mm(off[1].length))


@rule("letter-rule-centre", Clause.LETTER, S.ERROR, "红色双线没有居中", Route.PDF,
      expected=f"{spec.PAGE_WIDTH_MM / 2:g} mm")
def letter_rule_centre(f: PdfFacts) -> Iterator[Hit]:
    off = _first_off(f)
    if off is not None and off[0] == "centre":
        yield hit(at_page(1), measured=f"中点距左边 {fmt_mm((off[1].x0 + off[1].x1) / 2)}")


def _widths(a: Stroke, b: Stroke) -> str:
    return f"{a.width:.2f} pt / {b.width:.2f} pt"


@rule("letter-rule-order", Clause.LETTER, S.ERROR, "上方双线应上粗下细", Route.PDF,
      expected="粗线在上")
def letter_upper_order(f: PdfFacts) -> Iterator[Hit]:
    lines = _letter_lines(f)
    if lines is not None and not lines.first.width > lines.second.width:
        yield hit(at_page(1), measured=_widths(lines.first, lines.second))


@rule("letter-rule-order", Clause.LETTER, S.ERROR, "下方双线应上细下粗", Route.PDF,
      expected="粗线在下")
def letter_lower_order(f: PdfFacts) -> Iterator[Hit]:
    lines = _letter_lines(f)
    if lines is not None and not lines.fourth.width > lines.third.width:
        yield hit(at_page(1), measured=_widths(lines.third, lines.fourth))


@rule("letter-bottom-rule", Clause.LETTER, S.ERROR, "下方双线位置不对", Route.PDF,
      expected=f"{spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM:g} mm")
def letter_bottom_rule(f: PdfFacts) -> Iterator[Hit]:
    """The thick line of the lower pair 20 mm above the page's bottom edge."""
    lines = _letter_lines(f)
    if lines is None:
        return
    thick = lines.fourth if lines.fourth.width >= lines.third.width else lines.third
    want = PAGE_HEIGHT - mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    if abs(thick.y - want) > POSITION_TOL:
        yield hit(at_page(1), measured=f"粗线距页底 {fmt_mm(PAGE_HEIGHT - thick.y)}")


@rule("letter-last-line", Clause.LETTER, S.ERROR,
      "下方双线上一行文字与该线的距离应为 3 号字高的 7/8", Route.PDF, also=S.WARNING,
      expected=f"{pt_to_mm(spec.LETTER_TEXT_ABOVE_BOTTOM_RULE):.1f} mm（14 pt）")
def letter_last_line(f: PdfFacts) -> Iterator[Hit]:
    """Page 1's last line of text 7/8 of a 3号 character above the lower lines (10.1): an
    error when closer, a warning when farther but less than a line farther."""
    lines = _letter_lines(f)
    text = f.body[1]
    if lines is None or not text:
        return
    last = text[-1]
    gap = lines.third.y - lines.third.width / 2 - last.bottom
    want = spec.LETTER_TEXT_ABOVE_BOTTOM_RULE
    if gap < want - POSITION_TOL or want + POSITION_TOL < gap < want + f.pitch - 1:
        yield hit(at_line(last), measured=fmt_mm(gap),
                  severity=S.ERROR if gap < want - POSITION_TOL else S.WARNING)


@rule("letter-rule-gap", Clause.LETTER, S.WARNING, "上方双线与发文机关标志的距离不对", Route.PDF)
def letter_rule_gap(f: PdfFacts) -> Iterator[Hit]:
    lines = _letter_lines(f)
    found = gap_above(lines.first, f.marks[-1], spec.LETTER_RULE_BELOW_MARK_MM) if (
        lines is not None and f.marks) else None
    if found:
        yield found


@rule("letter-header-row", Clause.LETTER, S.WARNING,
      "双线下的份号、发文字号等应距双线 3 号字高的 7/8", Route.PDF,
      expected=f"{pt_to_mm(spec.LETTER_HEADER_ROW_BELOW_RULE):.1f} mm")
def letter_header_row(f: PdfFacts) -> Iterator[Hit]:
    """份号/密级/紧急程度 and the 发文字号: 7/8 of a 3号 character (14 pt) below the lines.
    A 答复类别 is not of that row: it stands on the line above the title (decision 9), the
    title two lines below the last element above it (decision 6), so the first line below
    the lines measured is the first that is not a 答复类别."""
    lines = _letter_lines(f)
    if lines is None:
        return
    thin_bottom = lines.second.y + lines.second.width / 2
    rows = [ln for ln in f.pages[0].lines if thin_bottom < ln.top < thin_bottom + 3 * f.pitch
            and not grammar.parse_reply_category(ln.compact)]
    titles = {id(t) for t in f.titles}
    if rows and id(rows[0]) in f.header and id(rows[0]) not in titles:
        gap = rows[0].top - thin_bottom
        if abs(gap - spec.LETTER_HEADER_ROW_BELOW_RULE) > POSITION_TOL:
            yield hit(at_line(rows[0]), measured=fmt_mm(gap))
