"""Rules of GB/T 9704 §5: paper (5.1), type area (5.2.1), lines and characters (5.2.3),
colour (5.2.4) — on the page as drawn (PDF) and in the DOCX's settings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import spec
from ..read.geometry import is_black
from ..spec import (
    CHAR_PITCH,
    CHARS_PER_LINE,
    LINE_PITCH,
    LINES_PER_PAGE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TYPE_AREA_HEIGHT,
    TYPE_AREA_WIDTH,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    Role,
    pt_to_mm,
    twips,
)
from .facts_docx import GRID_TYPES, DocxFacts
from .facts_pdf import POSITION_TOL, PdfFacts
from .layout_roles import Para
from .report import Clause
from .report import Severity as S
from .rules import Hit, Loc, Route, at_line, at_page, at_paragraph, hit, rule

PITCH_TOL = 0.3  # pt, line pitch
CHAR_PITCH_TOL = 0.15  # pt, character pitch
MIN_FULL_LINES = 20  # the 28-character share is judged on at least this many full lines
TWIPS_TOL = twips(spec.mm(spec.MARGIN_TOLERANCE_MM))  # 1 mm in twips
LINE_TWIPS = twips(LINE_PITCH)  # 579
LINE_TWIPS_TOL = 5
A4 = f"{spec.PAGE_WIDTH_MM:g} × {spec.PAGE_HEIGHT_MM:g} mm"
TYPE_SPAN = f"{spec.MARGIN_LEFT_MM:g} – {spec.MARGIN_LEFT_MM + spec.TYPE_AREA_WIDTH_MM:g} mm"


def fmt_mm(pt: float) -> str:
    return f"{pt_to_mm(pt):.1f} mm"


def pages_list(numbers: list[int]) -> str:
    """“1、3、4”: the first ten page numbers."""
    return "、".join(str(n) for n in numbers[:10])


# --- 5.1 paper ------------------------------------------------------------------------------


@rule("paper-size", Clause.PAPER, S.ERROR, "纸张不是 A4（第 {pages} 页）", Route.PDF, expected=A4)
def paper_size(f: PdfFacts) -> Iterator[Hit]:
    bad = [
        p for p in f.pages
        if abs(p.width - PAGE_WIDTH) > POSITION_TOL or abs(p.height - PAGE_HEIGHT) > POSITION_TOL
    ]
    if bad:
        p = bad[0]
        size = f"{pt_to_mm(p.width):.1f} × {pt_to_mm(p.height):.1f} mm"
        yield hit(at_page(p.number), measured=size, pages=pages_list([b.number for b in bad]))


@rule("paper-size", Clause.PAPER, S.ERROR,
      "文档没有页面设置（w:sectPr），Word 按默认纸张和页边距排版", Route.DOCX,
      expected=f"A4，页边距 {spec.MARGIN_TOP_MM:g}/{spec.MARGIN_BOTTOM_MM:g}/"
      f"{spec.MARGIN_LEFT_MM:g}/{spec.MARGIN_RIGHT_MM:g} mm")
def docx_no_section(f: DocxFacts) -> Iterator[Hit]:
    if not f.sections:
        yield hit(measured="无页面设置（w:sectPr）")


@rule("paper-size", Clause.PAPER, S.ERROR, "纸张不是 A4", Route.DOCX,
      expected=f"{A4}（{twips(PAGE_WIDTH)} × {twips(PAGE_HEIGHT)}）")
def docx_paper(f: DocxFacts) -> Iterator[Hit]:
    for n, sect in enumerate(f.sections, start=1):
        w, h = sect.page_width or 0, sect.page_height or 0
        if abs(w - twips(PAGE_WIDTH)) > TWIPS_TOL or abs(h - twips(PAGE_HEIGHT)) > TWIPS_TOL:
            yield hit(Loc(f"第{n}节"),
                      measured=f"{w / 20 * spec.MM_PER_PT:.1f} × {h / 20 * spec.MM_PER_PT:.1f} mm")


# --- 5.2.1 type area ------------------------------------------------------------------------


@rule("margin-left", Clause.TYPE_AREA, S.ERROR, "订口（左白边）不对", Route.PDF,
      expected=f"{spec.MARGIN_LEFT_MM:g} ± 1 mm")
def margin_left(f: PdfFacts) -> Iterator[Hit]:
    left = f.edges.left
    if left is not None and abs(left - TYPE_LEFT) > POSITION_TOL:
        yield hit(measured=fmt_mm(left))


@rule("margin-right", Clause.TYPE_AREA, S.ERROR, "版心右边缘不对（版心宽 156 mm）", Route.PDF,
      expected=f"右白边 {spec.MARGIN_RIGHT_MM:g} mm")
def margin_right(f: PdfFacts) -> Iterator[Hit]:
    right = f.edges.right
    if right is not None and abs(right - TYPE_RIGHT) > POSITION_TOL:
        yield hit(measured=f"右白边 {fmt_mm(PAGE_WIDTH - right)}")


@rule("margin-top", Clause.TYPE_AREA, S.ERROR, "天头（上白边）不对", Route.PDF)
def margin_top(f: PdfFacts) -> Iterator[Hit]:
    """The first line's em box must sit in the type area's first line cell; where in the
    cell depends on the program (centred here and in LibreOffice, lower in Word)."""
    top = f.edges.top
    if top is None:
        return
    slack = max(0.0, f.pitch - f.edges.top_size)
    if not (TYPE_TOP - POSITION_TOL <= top <= TYPE_TOP + slack + POSITION_TOL):
        yield hit(measured=f"首行字顶距页顶 {fmt_mm(top)}",
                  expected=f"{spec.MARGIN_TOP_MM:g} – {pt_to_mm(TYPE_TOP + slack):.1f} mm"
                  f"（天头 {spec.MARGIN_TOP_MM:g} ± 1 mm）")


@rule("below-type-area", Clause.TYPE_AREA, S.ERROR, "文字超出版心下边缘", Route.PDF,
      expected=f"≤ {spec.MARGIN_TOP_MM + spec.TYPE_AREA_HEIGHT_MM:g} mm")
def below_type_area(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.edges.low[:3]:
        yield hit(at_line(ln), measured=f"字底距页顶 {fmt_mm(ln.bottom)}")


@rule("outside-type-area", Clause.TYPE_AREA, S.ERROR, "文字超出版心左右边缘", Route.PDF,
      expected=TYPE_SPAN)
def outside_type_area(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.edges.outside[:3]:
        yield hit(at_line(ln), measured=f"{fmt_mm(ln.x0)} – {fmt_mm(ln.x1)}")


@rule("hanging-punctuation", Clause.TYPE_AREA, S.INFO,
      "行末标点悬挂在版心右边缘之外（{count} 行，首见{first}；"
      "Word 的“允许标点溢出边界”/w:overflowPunct）", Route.PDF, fold="行",
      expected=f"≤ {spec.MARGIN_LEFT_MM + spec.TYPE_AREA_WIDTH_MM:g} mm")
def hanging_punctuation(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.edges.hanging:
        yield hit(at_line(ln), measured=f"“{ln.glyphs[-1].text}”起于 {fmt_mm(ln.glyphs[-1].x0)}")


_MARGINS = (
    ("top", spec.MARGIN_TOP, "天头（上白边）"),
    ("bottom", spec.MARGIN_BOTTOM, "下白边"),
    ("left", spec.MARGIN_LEFT, "订口（左白边）"),
    ("right", spec.MARGIN_RIGHT, "右白边"),
)


def _docx_margin(key: str, want: float, label: str) -> None:
    @rule(f"margin-{key}", Clause.TYPE_AREA, S.ERROR, f"{label}不对", Route.DOCX,
          expected=f"{pt_to_mm(want):.0f} mm（{twips(want)}）")
    def margin(f: DocxFacts) -> Iterator[Hit]:
        """The left margin with the gutter; the bottom one up to where a numbered footer
        reaches when that is higher (the text ends there, as Word does)."""
        for n, sect in enumerate(f.sections, start=1):
            got = sect.margins[key] or 0
            if key == "left":
                got += sect.margins["gutter"] or 0
            if key == "bottom":
                got = max(abs(got), twips(f.footer_tops[n - 1] or 0.0))
            if abs(abs(got) - twips(want)) > TWIPS_TOL:
                measured = f"{abs(got) / 20 * spec.MM_PER_PT:.1f} mm（{got}）"
                yield hit(Loc(f"第{n}节"), measured=measured)


for _key, _want, _label in _MARGINS:
    _docx_margin(_key, _want, _label)


# --- 5.2.3 lines and characters -------------------------------------------------------------


@rule("line-pitch", Clause.LINES, S.ERROR, "行距与 22 行版心不符", Route.PDF,
      expected=f"{LINE_PITCH:g} pt")
def line_pitch(f: PdfFacts) -> Iterator[Hit]:
    if f.pitch_measured and abs(f.pitch - LINE_PITCH) > PITCH_TOL:
        yield hit(measured=f"{f.pitch:.2f} pt")


@rule("lines-per-page", Clause.LINES, S.ERROR, "满页行数不是 22 行（第 {pages} 页）", Route.PDF,
      expected=f"{LINES_PER_PAGE} 行")
def lines_per_page(f: PdfFacts) -> Iterator[Hit]:
    bad = [(n, c) for n, c in f.full_pages if c != LINES_PER_PAGE]
    if bad:
        n, c = bad[0]
        yield hit(at_page(n), measured=f"{c} 行", pages=pages_list([b[0] for b in bad]))


@rule("lines-per-page", Clause.LINES, S.ERROR, "按实测行距，版心容纳的行数不是 22 行",
      Route.PDF, expected=f"{LINES_PER_PAGE} 行")
def lines_in_type_area(f: PdfFacts) -> Iterator[Hit]:
    """Without a full page, the lines the measured pitch fits in the type area."""
    if f.full_pages or not f.pitch_measured:
        return
    capacity = int((TYPE_AREA_HEIGHT + 1) // f.pitch)
    if capacity != LINES_PER_PAGE:
        yield hit(measured=f"{capacity} 行")


@rule("char-pitch", Clause.LINES, S.ERROR, "字距与每行 28 字不符", Route.PDF,
      expected=f"{CHAR_PITCH:.2f} pt（每行 {CHARS_PER_LINE} 字）")
def char_pitch(f: PdfFacts) -> Iterator[Hit]:
    if f.char_pitch_measured and abs(f.char_pitch - CHAR_PITCH) > CHAR_PITCH_TOL:
        per_line = TYPE_AREA_WIDTH / f.char_pitch
        yield hit(measured=f"{f.char_pitch:.2f} pt（每行约 {per_line:.1f} 字）")


@rule("chars-per-line", Clause.LINES, S.ERROR, "满行字数不是 28 字", Route.PDF, also=S.WARNING,
      expected=f"≥ {spec.MIN_EXACT_LINE_SHARE:.0%} 的满行 28 字")
def full_lines(f: PdfFacts) -> Iterator[Hit]:
    """At least 85 % of full lines (judged on 20 or more) hold 28 characters; a warning
    when most hold one more or one fewer."""
    full = f.full_lines
    if not full or len(full) < MIN_FULL_LINES:
        return
    share = sum(1 for n in full if n == CHARS_PER_LINE) / len(full)
    if share < spec.MIN_EXACT_LINE_SHARE:
        common = Counter(full).most_common(1)[0][0]
        yield hit(measured=f"{share:.0%} 的满行为 28 字（最常见 {common} 字）",
                  severity=S.WARNING if abs(common - CHARS_PER_LINE) <= 1 else S.ERROR)


@rule("grid-missing", Clause.LINES, S.WARNING, "未设置文档网格（每页 22 行）", Route.DOCX,
      expected=f'w:docGrid w:type="lines" w:linePitch="{LINE_TWIPS}"')
def grid_missing(f: DocxFacts) -> Iterator[Hit]:
    for n, sect in enumerate(f.sections, start=1):
        if sect.grid_type not in GRID_TYPES:
            yield hit(Loc(f"第{n}节"), measured=f"docGrid type={sect.grid_type}")


@rule("grid-line-pitch", Clause.LINES, S.WARNING, "文档网格行距不是 28.95 磅", Route.DOCX,
      expected=f"{LINE_TWIPS}")
def grid_line_pitch(f: DocxFacts) -> Iterator[Hit]:
    for n, sect in enumerate(f.sections, start=1):
        pitch = sect.line_pitch
        off = pitch is None or abs(pitch - LINE_TWIPS) > LINE_TWIPS_TOL
        if sect.grid_type in GRID_TYPES and off:
            yield hit(Loc(f"第{n}节"), measured=f"{pitch}")


BODY_LIKE = (
    Role.BODY, Role.ADDRESSEE, Role.CONTACT, Role.ATTACHMENT_NOTE, Role.SIGNATURE, Role.DATE,
    Role.NOTE, *spec.HEADING_ROLES,
)


def body_like(f: DocxFacts) -> Iterator[Para]:
    """Paragraphs set on the body's grid, with runs."""
    return (p for p in f.paras if p.role in BODY_LIKE and p.runs)


@rule("line-spacing", Clause.LINES, S.ERROR, "行距与 22 行版心不符（{count} 段，首见{first}）",
      Route.DOCX, fold="段", expected=f"固定值 {LINE_PITCH:g} 磅或文档网格 {LINE_TWIPS}")
def line_spacing(f: DocxFacts) -> Iterator[Hit]:
    for p in body_like(f):
        pitch = f.pitch(p)
        if pitch is None or abs(pitch - LINE_PITCH) > 0.3:
            rule_ = f"{p.props.line_rule or 'auto'} {p.props.line}"
            yield hit(at_paragraph(p.index),
                      measured=f"{pitch:.2f} pt（{rule_}）" if pitch else f"随字体（{rule_}）")


@rule("chars-per-line", Clause.LINES, S.ERROR, "每行字数不是 28 字", Route.DOCX, also=S.WARNING,
      expected=f"{CHARS_PER_LINE} 字")
def docx_chars_per_line(f: DocxFacts) -> Iterator[Hit]:
    c = f.chars
    if c is None or c.width <= 0 or c.per_line == CHARS_PER_LINE:
        return
    yield hit(measured=f"{c.per_line} 字（字宽 {c.advance:.2f} pt，行宽 {c.width:.1f} pt）",
              severity=S.ERROR if abs(c.per_line - CHARS_PER_LINE) > 1 else S.WARNING)


@rule("char-grid-libreoffice", Clause.LINES, S.WARNING,
      "字符网格间距小于字号：LibreOffice 会给每个字占两格", Route.DOCX)
def char_grid(f: DocxFacts) -> Iterator[Hit]:
    c = f.chars
    if c is not None and c.grid_pitch is not None and c.grid_pitch < c.size:
        yield hit(measured=f"{c.grid_pitch:.2f} pt", expected=f"≥ {c.size:g} pt，或只用行网格")


# --- 5.2.4 colour ---------------------------------------------------------------------------


@rule("text-colour", Clause.COLOUR, S.WARNING, "正文文字不是黑色", Route.PDF, expected="黑色")
def text_colour(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.body_lines():
        if id(ln) in f.header:
            continue
        odd = [g for g in ln.glyphs if not is_black(g.color)]
        if odd:
            yield hit(at_line(ln), measured=f"{len(odd)} 个字为彩色")
            return


@rule("text-colour", Clause.COLOUR, S.WARNING, "正文文字不是黑色（{count} 段，首见{first}）",
      Route.DOCX, fold="段", expected="000000")
def docx_text_colour(f: DocxFacts) -> Iterator[Hit]:
    for p in f.paras:
        if p.role is Role.ORGAN_MARK:
            continue
        for r in f.runs.get(p.index, ()):
            colour = r.run.props.color
            if (colour or "000000").upper() not in ("000000", "AUTO"):
                yield hit(at_paragraph(p.index), measured=colour or "")
