"""Rules of the page number (GB/T 9704 §7.5 and the project's decision 4): “— N —” in 4号
宋体, the dash line 7 mm below the type area, odd pages right and even pages left one
character in, none on page 1 of 信函格式, on a blank page or on the 版记 page after one — as
drawn on each page, and as
the DOCX's footers set it."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .. import spec
from ..read.geometry import PdfPage, TextLine
from ..spec import BODY_SIZE, TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT, mm, pt_to_mm, twips
from .facts_docx import DocxFacts, FieldParagraph, PageFooter
from .facts_pdf import PdfFacts
from .fontnames import font_role
from .report import Clause
from .report import Severity as S
from .rules import Hit, Loc, Route, at_line, at_page, hit, rule
from .rules_fonts import SIZE_TOL
from .rules_page import TWIPS_TOL, fmt_mm

DASH = spec.PAGE_NUMBER_DASH
GOOD = re.compile(rf"^{DASH} (\d+) {DASH}$")
TIGHT = re.compile(rf"^{DASH}\s?(\d+)\s?{DASH}$")
TOL = mm(spec.PAGE_NUMBER_TOLERANCE_MM)
FIELD = spec.page_number_text(1).replace("1", "{PAGE}")
FOOTER = Loc("页脚")

# --- on the page ----------------------------------------------------------------------------


def numbered(f: PdfFacts) -> Iterator[tuple[PdfPage, TextLine]]:
    """The pages that have a page number and should, with the number's line."""
    for p in f.pages:
        ln = f.page_numbers.get(p.number)
        if ln is not None and f.expects_number(p):
            yield p, ln


@rule("page-number-missing", Clause.PAGE_NUMBER, S.ERROR, "缺少页码", Route.PDF)
def page_number_missing(f: PdfFacts) -> Iterator[Hit]:
    for p in f.pages:
        if p.number not in f.page_numbers and f.expects_number(p):
            yield hit(at_page(p.number), expected=spec.page_number_text(p.number))


@rule("page-number-unexpected", Clause.PAGE_NUMBER, S.ERROR, "信函格式首页不标页码", Route.PDF,
      expected="无页码")
def letter_first_page_number(f: PdfFacts) -> Iterator[Hit]:
    ln = f.page_numbers.get(1)
    if ln is not None and f.fmt == "letter":
        yield hit(at_line(ln), measured=ln.text)


@rule("page-number-unexpected", Clause.PAGE_NUMBER, S.ERROR, "空白页和其后的版记页不标页码",
      Route.PDF, expected="无页码")
def blank_page_number(f: PdfFacts) -> Iterator[Hit]:
    for p in f.pages:
        ln = f.page_numbers.get(p.number)
        if ln is not None and not f.expects_number(p) and not (f.fmt == "letter" and p.number == 1):
            yield hit(at_line(ln), measured=ln.text)


@rule("page-number-format", Clause.PAGE_NUMBER, S.ERROR,
      "页码应为阿拉伯数字左右各加一条一字线（—）", Route.PDF)
def page_number_format(f: PdfFacts) -> Iterator[Hit]:
    for p, ln in numbered(f):
        if not TIGHT.match(ln.text) and not GOOD.match(ln.text):
            yield hit(at_line(ln), measured=ln.text, expected=spec.page_number_text(p.number))


@rule("page-number-spacing", Clause.PAGE_NUMBER, S.INFO, "页码数字与一字线之间没有空格",
      Route.PDF)
def page_number_spacing(f: PdfFacts) -> Iterator[Hit]:
    for p, ln in numbered(f):
        if TIGHT.match(ln.text) and not GOOD.match(ln.text):
            yield hit(at_line(ln), measured=ln.text, expected=spec.page_number_text(p.number))


@rule("page-number-value", Clause.PAGE_NUMBER, S.WARNING, "页码与页序不符", Route.PDF)
def page_number_value(f: PdfFacts) -> Iterator[Hit]:
    for p, ln in numbered(f):
        digits = re.sub(r"\D", "", ln.text)
        if digits and int(digits) != p.number:
            yield hit(at_line(ln), measured=digits, expected=str(p.number))


@rule("page-number-size", Clause.PAGE_NUMBER, S.ERROR, "页码不是 4 号", Route.PDF,
      expected=f"{spec.PAGE_NUMBER_SIZE:g} pt（4 号）")
def page_number_size(f: PdfFacts) -> Iterator[Hit]:
    for _, ln in numbered(f):
        if abs(ln.size - spec.PAGE_NUMBER_SIZE) > SIZE_TOL:
            yield hit(at_line(ln), measured=f"{ln.size:g} pt")


@rule("page-number-font", Clause.PAGE_NUMBER, S.WARNING, "页码不是宋体", Route.PDF,
      expected="宋体")
def page_number_font(f: PdfFacts) -> Iterator[Hit]:
    """The dashes (the glyphs other than digits) in 宋体."""
    for _, ln in numbered(f):
        dashes = [g for g in ln.glyphs if not g.text.isdigit()]
        if dashes and {f.font(g.font) for g in dashes} != {spec.PAGE_NUMBER_FONT}:
            yield hit(at_line(ln), measured="、".join(sorted({g.font for g in dashes})))


@rule("page-number-position", Clause.PAGE_NUMBER, S.ERROR, "页码一字线应在版心下边缘之下 7 mm",
      Route.PDF, expected=f"{spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM:g} ± 1 mm")
def page_number_position(f: PdfFacts) -> Iterator[Hit]:
    want = TYPE_BOTTOM + mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
    for p, ln in numbered(f):
        mid = f.number_middles[p.number]
        if abs(mid - want) > TOL:
            yield hit(at_line(ln), measured=f"{pt_to_mm(mid - TYPE_BOTTOM):.1f} mm")


@rule("page-number-side", Clause.PAGE_NUMBER, S.ERROR, "页码位置不对：{side}", Route.PDF,
      expected=f"{pt_to_mm(spec.PAGE_NUMBER_INDENT):.1f} mm")
def page_number_side(f: PdfFacts) -> Iterator[Hit]:
    """Odd pages one character (4号, or 3号) in from the right, even pages from the left."""
    for p, ln in numbered(f):
        if p.number % 2:
            got, side, edge = TYPE_RIGHT - ln.x1, "单页码居右空一字", "右"
        else:
            got, side, edge = ln.x0 - TYPE_LEFT, "双页码居左空一字", "左"
        if min(abs(got - i) for i in (spec.PAGE_NUMBER_INDENT, BODY_SIZE)) > TOL:
            yield hit(at_line(ln), measured=f"距版心{edge}边 {fmt_mm(got)}", side=side)


# --- in a DOCX's footers --------------------------------------------------------------------


@rule("page-number-missing", Clause.PAGE_NUMBER, S.ERROR, "没有页脚，也就没有页码", Route.DOCX,
      expected=FIELD)
def docx_no_footer(f: DocxFacts) -> Iterator[Hit]:
    if not f.sections:
        yield hit(FOOTER)


@rule("page-number-missing", Clause.PAGE_NUMBER, S.ERROR, "页脚中没有页码（PAGE 域）", Route.DOCX,
      expected=FIELD)
def docx_no_page_field(f: DocxFacts) -> Iterator[Hit]:
    if f.sections and not f.numbered:
        yield hit(FOOTER)


@rule("page-number-unexpected", Clause.PAGE_NUMBER, S.ERROR,
      "信函格式首页不标页码：应设“首页不同”且首页页脚无页码", Route.DOCX,
      expected="首页不同（w:titlePg）")
def docx_letter_title_page(f: DocxFacts) -> Iterator[Hit]:
    s = f.first_section
    if f.numbered and f.letter and s is not None and not s.title_page:
        yield hit(FOOTER, measured="未设 titlePg")


@rule("page-number-unexpected", Clause.PAGE_NUMBER, S.ERROR, "信函格式首页页脚不应有页码",
      Route.DOCX)
def docx_letter_first_footer(f: DocxFacts) -> Iterator[Hit]:
    s = f.first_section
    if not (f.numbered and f.letter and s is not None and s.title_page):
        return
    first = f.footer("first")
    if first is not None and first.has_page:
        yield hit(Loc("首页页脚"))


@rule("page-number-side", Clause.PAGE_NUMBER, S.ERROR,
      "单页码居右、双页码居左需要奇偶页不同的页脚", Route.DOCX,
      expected="奇偶页不同（w:evenAndOddHeaders），奇数页页脚居右空一字，偶数页页脚居左空一字")
def docx_even_odd(f: DocxFacts) -> Iterator[Hit]:
    if not f.numbered:
        return
    even, even_odd = f.footer("even"), f.package.even_and_odd_headers
    if not even_odd or even is None or not even.has_page:
        yield hit(FOOTER, measured="未设奇偶页不同" if not even_odd else "偶数页页脚无页码")


def fields(f: DocxFacts) -> Iterator[tuple[PageFooter, FieldParagraph]]:
    """The odd and even footers with a PAGE field and their field paragraph, when the odd
    pages' footer has one."""
    for foot in f.footers if f.numbered else ():
        if foot.field is not None:
            yield foot, foot.field


@rule("page-number-format", Clause.PAGE_NUMBER, S.ERROR,
      "页码应为阿拉伯数字左右各加一条一字线（—）", Route.DOCX, expected=f"{DASH} {{PAGE}} {DASH}")
def docx_page_number_format(f: DocxFacts) -> Iterator[Hit]:
    for foot in f.footers if f.numbered else ():
        text = foot.footer.text
        line = next((ln for ln in text.splitlines() if "{PAGE}" in ln), text)
        if not re.fullmatch(rf"\s*{DASH}\s?\{{PAGE\}}\s?{DASH}\s*", line):
            yield hit(Loc(foot.label), measured=line)


@rule("page-number-side", Clause.PAGE_NUMBER, S.ERROR, "{label}页码应居{edge}空一字", Route.DOCX)
def docx_page_number_side(f: DocxFacts) -> Iterator[Hit]:
    indents = (twips(spec.PAGE_NUMBER_INDENT), twips(BODY_SIZE))
    for foot, para in fields(f):
        side = "right" if foot.kind == "default" else "left"
        jc = para.props.jc or "left"
        want_jc = ("right", "end") if side == "right" else ("left", "start", "both")
        ind = para.props.ind.get(side, 0)
        if jc not in want_jc or min(abs(ind - i) for i in indents) > TWIPS_TOL:
            yield hit(Loc(foot.label), measured=f"对齐 {jc}，缩进 {ind} twips",
                      expected=f"{side}，缩进 {indents[0]} twips（一字）",
                      label=foot.label, edge="右" if side == "right" else "左")


@rule("page-number-size", Clause.PAGE_NUMBER, S.ERROR, "页码不是 4 号", Route.DOCX,
      expected=f"{spec.PAGE_NUMBER_SIZE:g} pt")
def docx_page_number_size(f: DocxFacts) -> Iterator[Hit]:
    for foot, para in fields(f):
        bad = [sz for sz in para.sizes if abs(sz - spec.PAGE_NUMBER_SIZE) > 0.1]
        if bad:
            yield hit(Loc(foot.label), measured=f"{bad[0]:g} pt")


@rule("page-number-font", Clause.PAGE_NUMBER, S.WARNING, "页码不是宋体", Route.DOCX,
      expected="宋体")
def docx_page_number_font(f: DocxFacts) -> Iterator[Hit]:
    for foot, para in fields(f):
        bad = [n for n in para.fonts if font_role(n, f.fontset) is not spec.PAGE_NUMBER_FONT]
        if bad:
            yield hit(Loc(foot.label), measured=bad[0])


@rule("page-number-position", Clause.PAGE_NUMBER, S.WARNING,
      "页脚距离使页码不在版心下边缘之下 7 mm", Route.DOCX)
def docx_page_number_position(f: DocxFacts) -> Iterator[Hit]:
    """The odd footer's line centred 7 mm below the type area, from the footer distance and
    the line's height."""
    s = f.last_section
    want = spec.PAGE_HEIGHT - (
        spec.MARGIN_TOP + spec.TYPE_AREA_HEIGHT + mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
    )
    for foot, para in fields(f):
        if foot.kind != "default" or s is None:
            continue
        centre = (s.margins["footer"] or 0) / 20 + para.props.after / 20 + para.line / 2
        if abs(centre - want) > TOL + 1.5:
            yield hit(Loc(foot.label), measured=f"页码中线距页底约 {pt_to_mm(centre):.1f} mm",
                      expected=f"约 {pt_to_mm(want):.0f} mm")
