"""GB/T 9704 rules measured on a PDF page: where the glyphs and rules actually are.

:func:`check_pdf` reads the file's geometry (:mod:`gongwen.read.pdf`) and runs every rule
below. The rules know the 信函格式 (red double lines on page 1), the 文件格式 (one red rule
under the 发文字号) and the plain format, detected from the page or forced with
``letter_format``.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import grammar, spec
from ..read.geometry import (
    Glyph,
    PdfGeometry,
    PdfPage,
    Stroke,
    TextLine,
    is_black,
    is_red,
    median,
)
from ..read.pdf import read_pdf_geometry
from ..spec import (
    BODY_SIZE,
    CHAR_PITCH,
    CHARS_PER_LINE,
    LINE_PITCH,
    LINES_PER_PAGE,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TYPE_AREA_HEIGHT,
    TYPE_AREA_WIDTH,
    TYPE_BOTTOM,
    TYPE_CENTRE,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    FontRole,
    mm,
    pt_to_mm,
)
from .fontnames import font_role, role_name
from .report import Clause, Report, Severity

# Tolerances of the measurement (not GB/T 9704 figures): the standard's own ±1 mm for the
# margins, and what rounding in Word/LibreOffice/reportlab output stays within.
POSITION_TOL = mm(spec.MARGIN_TOLERANCE_MM)
SIZE_TOL = 0.15  # pt, font sizes
PITCH_TOL = 0.3  # pt, line pitch
CHAR_PITCH_TOL = 0.15  # pt, character pitch
HALF_CHAR = 0.5  # characters, placement of 署名/日期 and indents
MIN_FULL_LINES = 20  # the 28-character share is judged on at least this many full lines

CLOSING = set("，。、；：？！）》」』】〕〉”’．：；！？｝］")
OPENING = set("（《「『【〔〈“‘｛［")


def heading_font(level: int) -> FontRole:
    """The font a level's heading number is set in (黑体, 楷体, 仿宋, 仿宋)."""
    return spec.STYLES[spec.HEADING_ROLES[level - 1]].font


def _doc_number_of(text: str) -> grammar.DocNumber | None:
    """A 发文字号 standing alone in ``text``."""
    number = grammar.parse_doc_number(text)
    return number if number is not None and not number.rest else None


TYPE_SPAN = f"{spec.MARGIN_LEFT_MM:g} – {spec.MARGIN_LEFT_MM + spec.TYPE_AREA_WIDTH_MM:g} mm"


def _fmt_mm(pt: float) -> str:
    return f"{pt_to_mm(pt):.1f} mm"


def _check_gap_above(
    ctx: _Ctx, rule: Stroke, text: TextLine, want_mm: float, clause: str, rule_id: str, message: str
) -> None:
    """A page-1 warning when the space from ``text``'s bottom down to the top edge of the
    header ``rule`` is not ``want_mm`` (± the position tolerance)."""
    gap = (rule.y - rule.width / 2) - text.bottom
    if abs(gap - mm(want_mm)) > POSITION_TOL:
        ctx.add(
            Severity.WARNING,
            clause,
            rule_id,
            message,
            page=1,
            measured=_fmt_mm(gap),
            expected=f"{want_mm:g} mm",
        )


@dataclass
class _Ctx:
    m: PdfGeometry
    report: Report
    fontset: Any
    source: str
    letter_flag: bool
    fmt: str = "plain"  # "letter", "document", "plain"
    body_size: float = BODY_SIZE
    pitch: float = LINE_PITCH
    char_pitch: float = CHAR_PITCH
    title_lines: list[TextLine] = field(default_factory=list)
    header_lines: set[int] = field(default_factory=set)  # id() of 版头 lines on page 1
    record_lines: list[TextLine] = field(default_factory=list)
    number_lines: dict[int, TextLine] = field(default_factory=dict)  # page → page-number line
    furniture: set[int] = field(default_factory=set)  # id() of lines outside the text block

    def add(
        self,
        severity: Severity,
        clause: str,
        rule: str,
        message: str,
        line: TextLine | None = None,
        page: int | None = None,
        **kw: Any,
    ) -> None:
        if line is not None:
            kw.setdefault("where", line.where())
            kw.setdefault("page", line.page)
            kw.setdefault("line", line.index)
        elif page is not None:
            kw.setdefault("where", f"第{page}页")
            kw.setdefault("page", page)
        self.report.add(severity, clause, rule, message, source=self.source, **kw)

    def role(self, g: Glyph) -> FontRole | None:
        return font_role(g.font, self.fontset)

    def wrong_font(self, ln: TextLine, want: FontRole) -> str | None:
        """The name of the font role most of ``ln``'s CJK glyphs are set in when that is not
        ``want``; None when it is, or when the line has no CJK glyph."""
        roles = Counter(self.role(g) for g in ln.glyphs if g.wide)
        if not roles:
            return None
        main = roles.most_common(1)[0][0]
        return None if main is want else role_name(main)

    def in_type_area(self, ln: TextLine) -> bool:
        """A line of the text block: not a page number, not the 信函格式 标志 above the type
        area. Lines a wrong margin pushes outside the type area still count (and are
        reported by the margin rules)."""
        return id(ln) not in self.furniture

    def body_lines(self, page: PdfPage) -> list[TextLine]:
        """Lines of body size inside the type area."""
        return [
            ln for ln in page.lines if self.in_type_area(ln) and abs(ln.size - self.body_size) < 1.0
        ]


# --------------------------------------------------------------------------------------------


def check_pdf(
    source: str | Path | bytes,
    *,
    letter_format: bool = False,
    fontset: Any = None,
    label: str | None = None,
    origin: str = "pdf",
    report: Report | None = None,
) -> Report:
    """Check a PDF file (path or bytes) against GB/T 9704; returns the findings."""
    name = label or (str(source) if not isinstance(source, bytes) else "<pdf>")
    report = report or Report(name, "pdf", letter_format=letter_format)
    m = read_pdf_geometry(source, name)
    check_measure(m, report, letter_format=letter_format, fontset=fontset, origin=origin)
    return report


def check_measure(
    m: PdfGeometry,
    report: Report,
    *,
    letter_format: bool = False,
    fontset: Any = None,
    origin: str = "pdf",
) -> None:
    ctx = _Ctx(m, report, fontset, origin, letter_format)
    if not m.pages or not any(p.lines for p in m.pages):
        ctx.add(Severity.ERROR, Clause.BODY, "no-text", "PDF 中没有可提取的文字（扫描件或图片？）")
        return
    _paper(ctx)
    _fonts_embedded(ctx)
    _detect_format(ctx)
    _find_page_numbers(ctx)
    _find_records(ctx)
    _body_size(ctx)
    _grid(ctx)
    _margins(ctx)
    _body_fonts(ctx)
    _headings(ctx)
    _title(ctx)
    _organ_mark(ctx)
    _red_rules(ctx)
    _doc_number(ctx)
    _signature(ctx)
    _first_page_text(ctx)
    _records(ctx)
    _page_numbers(ctx)
    _kinsoku(ctx)
    _colour(ctx)
    _faux_bold(ctx)
    key = "rendered_pdf" if origin == "render" else "pdf"
    report.measurements[key] = {
        "pages": len(m.pages),
        "format": ctx.fmt,
        "body_size_pt": round(ctx.body_size, 2),
        "line_pitch_pt": round(ctx.pitch, 2),
        "char_pitch_pt": round(ctx.char_pitch, 2),
        **report.measurements.get(key, {}),
    }


def _meas(ctx: _Ctx, **values: Any) -> None:
    key = "rendered_pdf" if ctx.source == "render" else "pdf"
    ctx.report.measurements.setdefault(key, {}).update(values)


# --- 5.1 paper ------------------------------------------------------------------------------


def _paper(ctx: _Ctx) -> None:
    bad = [
        p
        for p in ctx.m.pages
        if abs(p.width - PAGE_WIDTH) > POSITION_TOL or abs(p.height - PAGE_HEIGHT) > POSITION_TOL
    ]
    if bad:
        p = bad[0]
        pages = "、".join(str(b.number) for b in bad[:10])
        ctx.add(
            Severity.ERROR,
            Clause.PAPER,
            "paper-size",
            f"纸张不是 A4（第 {pages} 页）",
            page=p.number,
            measured=f"{pt_to_mm(p.width):.1f} × {pt_to_mm(p.height):.1f} mm",
            expected=f"{spec.PAGE_WIDTH_MM:g} × {spec.PAGE_HEIGHT_MM:g} mm",
        )


# --- fonts embedded, missing glyphs ---------------------------------------------------------


def _fonts_embedded(ctx: _Ctx) -> None:
    for use in ctx.m.fonts.values():
        if not use.embedded:
            pages = sorted(use.pages)
            ctx.add(
                Severity.ERROR,
                Clause.FONTS,
                "font-not-embedded",
                f"字体 {use.name} 未嵌入，读者电脑上会换成别的字体",
                page=pages[0] if pages else None,
                measured=f"{use.name}（{use.subtype}）未嵌入",
                expected="所有字体嵌入 PDF",
            )
    seen: set[tuple[str, str]] = set()
    for miss in ctx.m.missing:
        key = (miss.char, miss.font)
        if key in seen:
            continue
        seen.add(key)
        what = {
            "glyph 0": "字体中没有该字（画成 .notdef 空框）",
            "U+FFFD": "文字提取为替换符 U+FFFD",
            "control": "字形映射为控制字符（原字缺失）",
            "no Unicode": "字形没有 Unicode 映射，无法复制和检索",
        }[miss.reason]
        sev = Severity.ERROR if miss.reason != "no Unicode" else Severity.WARNING
        ctx.add(
            sev,
            Clause.FONTS,
            "missing-glyph",
            f"缺字：{what}",
            page=miss.page,
            measured=f"{miss.char!r}（{miss.font}）",
            expected="字体含有每个字",
        )


# --- format detection -----------------------------------------------------------------------


def _red_strokes(page: PdfPage) -> list[Stroke]:
    return [s for s in page.strokes if is_red(s.color) and s.length > mm(100)]


def _detect_format(ctx: _Ctx) -> None:
    p1 = ctx.m.pages[0]
    red = _red_strokes(p1)
    letter_len = mm(spec.LETTER_RULE_LENGTH_MM)
    doc_len = mm(spec.DOCUMENT_RULE_LENGTH_MM)
    near_letter = [s for s in red if abs(s.length - letter_len) < mm(8)]
    near_doc = [s for s in red if abs(s.length - doc_len) < mm(8)]
    if ctx.letter_flag or len(near_letter) >= 2:
        ctx.fmt = "letter"
    elif near_doc:
        ctx.fmt = "document"
    else:
        ctx.fmt = "plain"
    ctx.report.letter_format = ctx.report.letter_format or ctx.fmt == "letter"


# --- page numbers and 版记 lines (found before the body rules skip them) -----------------


def _find_page_numbers(ctx: _Ctx) -> None:
    """A page number is the page's last line (or, after page 1, its first one) when it is
    a number with at most a few marks around it and sits at the foot (head) of the page."""
    for p in ctx.m.pages:
        if not p.lines:
            continue
        last, first = p.lines[-1], p.lines[0]
        gap = last.baseline - p.lines[-2].baseline if len(p.lines) > 1 else LINE_PITCH * 2
        foot = last.baseline > TYPE_BOTTOM + 2 or gap > 1.5 * LINE_PITCH
        if foot and grammar.parse_page_number(last.compact) is not None:
            ctx.number_lines[p.number] = last
        elif (p.number > 1 and first.bottom < TYPE_TOP + 2
              and grammar.parse_page_number(first.compact) is not None):
            ctx.number_lines[p.number] = first
        if p.number in ctx.number_lines and len(p.lines) > 1:
            ctx.furniture.add(id(ctx.number_lines[p.number]))
    for ln in ctx.m.pages[0].lines:
        if ln.baseline < TYPE_TOP - 2 and any(is_red(g.color) for g in ln.glyphs):
            ctx.furniture.add(id(ln))


def _find_records(ctx: _Ctx) -> None:
    last = ctx.m.pages[-1]
    lines = [ln for ln in last.lines if ctx.in_type_area(ln)]
    out = []
    for ln in lines:
        text = ln.compact
        if grammar.parse_cc(text) or grammar.parse_print_line(text):
            out.append(ln)
        elif out and ln.size == out[-1].size and ln.x0 > TYPE_LEFT + 1:
            out.append(ln)  # a wrapped 抄送 line
    ctx.record_lines = out


# --- 5.2.2 body size ------------------------------------------------------------------------


def _body_size(ctx: _Ctx) -> None:
    sizes: Counter[float] = Counter()
    for p in ctx.m.pages:
        for ln in p.lines:
            if ctx.in_type_area(ln) and ln not in ctx.record_lines:
                for g in ln.glyphs:
                    sizes[round(g.size, 1)] += 1
    if not sizes:
        return
    size = sizes.most_common(1)[0][0]
    ctx.body_size = size
    if abs(size - BODY_SIZE) > SIZE_TOL:
        ctx.add(
            Severity.ERROR,
            Clause.FONTS,
            "body-size",
            "正文字号不是 3 号",
            measured=f"{size:g} pt",
            expected=f"{BODY_SIZE:g} pt（3 号）",
        )


# --- 5.2.3 grid -----------------------------------------------------------------------------


MIN_GRID_STEPS = 20  # character steps on full-width-only lines enough to measure the grid


def _grid(ctx: _Ctx) -> None:
    deltas: list[float] = []
    for p in ctx.m.pages:
        lines = ctx.body_lines(p)
        for a, b in itertools.pairwise(lines):
            deltas.append(b.baseline - a.baseline)
    if deltas:
        deltas.sort()
        low = deltas[len(deltas) // 5]
        near = [d for d in deltas if d <= low * 1.25]
        ctx.pitch = median(near)
    steps = [s for p in ctx.m.pages for ln in ctx.body_lines(p) for s in ln.steps()]
    # lines of full-width characters only show the grid; a line holding digits or Latin is
    # justified to the measure, its gaps a little wider (decision 1)
    pure = [
        s
        for p in ctx.m.pages
        for ln in ctx.body_lines(p)
        if all(g.wide for g in ln.glyphs)
        for s in ln.steps()
    ]
    if len(pure) >= MIN_GRID_STEPS:
        steps = pure
    if steps:
        low = sorted(steps)[len(steps) // 10]
        ctx.char_pitch = median([s for s in steps if s <= low * 1.2])
    if deltas and abs(ctx.pitch - LINE_PITCH) > PITCH_TOL:
        ctx.add(
            Severity.ERROR,
            Clause.LINES,
            "line-pitch",
            "行距与 22 行版心不符",
            measured=f"{ctx.pitch:.2f} pt",
            expected=f"{LINE_PITCH:g} pt",
        )
    # lines per page: pages whose text runs from the top to the bottom of the type area
    counts = []
    for p in ctx.m.pages:
        lines = ctx.body_lines(p)
        if len(lines) < 3 or ctx.pitch <= 0:
            continue
        first, last = lines[0], lines[-1]
        starts_top = first.baseline - ctx.pitch <= TYPE_TOP + 2
        ends_bottom = last.baseline + ctx.pitch >= TYPE_BOTTOM - 2
        if not (starts_top and ends_bottom) or (p.number == 1 and ctx.fmt != "plain"):
            continue
        slots = round((last.baseline - first.baseline) / ctx.pitch) + 1
        counts.append((p.number, slots))
    _meas(ctx, lines_per_full_page=[c for _, c in counts])
    bad = [(n, c) for n, c in counts if c != LINES_PER_PAGE]
    if bad:
        n, c = bad[0]
        pages = "、".join(str(b[0]) for b in bad[:10])
        ctx.add(
            Severity.ERROR,
            Clause.LINES,
            "lines-per-page",
            f"满页行数不是 22 行（第 {pages} 页）",
            page=n,
            measured=f"{c} 行",
            expected=f"{LINES_PER_PAGE} 行",
        )
    elif not counts and deltas:
        capacity = int((TYPE_AREA_HEIGHT + 1) // ctx.pitch)
        if capacity != LINES_PER_PAGE:
            ctx.add(
                Severity.ERROR,
                Clause.LINES,
                "lines-per-page",
                "按实测行距，版心容纳的行数不是 22 行",
                measured=f"{capacity} 行",
                expected=f"{LINES_PER_PAGE} 行",
            )
    # characters per line
    if steps and abs(ctx.char_pitch - CHAR_PITCH) > CHAR_PITCH_TOL:
        per_line = TYPE_AREA_WIDTH / ctx.char_pitch
        ctx.add(
            Severity.ERROR,
            Clause.LINES,
            "char-pitch",
            "字距与每行 28 字不符",
            measured=f"{ctx.char_pitch:.2f} pt（每行约 {per_line:.1f} 字）",
            expected=f"{CHAR_PITCH:.2f} pt（每行 {CHARS_PER_LINE} 字）",
        )
    full = []
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            if abs(ln.x0 - TYPE_LEFT) > ctx.char_pitch / 2 or not all(g.wide for g in ln.glyphs):
                continue
            right = ln.glyphs[-1].x0 + ctx.char_pitch
            if right >= TYPE_RIGHT - ctx.char_pitch / 2:
                full.append(len(ln.glyphs))
    if full:
        share = sum(1 for n in full if n == CHARS_PER_LINE) / len(full)
        _meas(ctx, full_lines=len(full), full_lines_28=sum(1 for n in full if n == 28))
        if share < spec.MIN_EXACT_LINE_SHARE and len(full) >= MIN_FULL_LINES:
            common = Counter(full).most_common(1)[0][0]
            ctx.add(
                Severity.WARNING if abs(common - CHARS_PER_LINE) <= 1 else Severity.ERROR,
                Clause.LINES,
                "chars-per-line",
                "满行字数不是 28 字",
                measured=f"{share:.0%} 的满行为 28 字（最常见 {common} 字）",
                expected=f"≥ {spec.MIN_EXACT_LINE_SHARE:.0%} 的满行 28 字",
            )


# --- 5.2.1 margins --------------------------------------------------------------------------


def _margins(ctx: _Ctx) -> None:
    xs = Counter()
    rights: list[float] = []
    tops: list[tuple[float, float]] = []  # em top and size of each page's first line
    bottoms: list[tuple[float, TextLine]] = []
    outside: list[TextLine] = []
    hanging: list[TextLine] = []
    for p in ctx.m.pages:
        lines = ctx.body_lines(p)
        for ln in lines:
            xs[round(ln.x0 * 2) / 2] += 1
            glyphs = ln.glyphs[:-1] if _hangs(ctx, ln) else ln.glyphs
            if glyphs and len(glyphs) >= CHARS_PER_LINE - 4:
                rights.append(glyphs[-1].x0 + min(ctx.char_pitch, glyphs[-1].x1 - glyphs[-1].x0))
        for ln in p.lines:
            if not ctx.in_type_area(ln):
                continue
            if _hangs(ctx, ln):
                hanging.append(ln)
                last = ln.glyphs[-2]
            else:
                last = ln.glyphs[-1]
            ink_right = last.x0 + (last.size / 2 if last.text in CLOSING else last.x1 - last.x0)
            if ln.x0 < TYPE_LEFT - POSITION_TOL or ink_right > TYPE_RIGHT + POSITION_TOL:
                outside.append(ln)
        # a page that holds only the 版记 has it at the bottom of the type area
        text_block = [ln for ln in p.lines if ctx.in_type_area(ln) and ln not in ctx.record_lines]
        if text_block and (p.number > 1 or ctx.fmt == "plain"):
            first = text_block[0]  # a title's em box is centred in its cell(s) too
            tops.append((first.top, first.size))
        if lines:
            last = lines[-1]
            bottoms.append((last.bottom, last))
    if xs:
        # the leftmost start that several lines share: flush-left lines sit on the margin
        support = max(2, sum(xs.values()) // 20)
        left = min((x for x, n in xs.items() if n >= support), default=min(xs))
        _meas(ctx, left_mm=round(pt_to_mm(left), 2))
        if abs(left - TYPE_LEFT) > POSITION_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.TYPE_AREA,
                "margin-left",
                "订口（左白边）不对",
                measured=_fmt_mm(left),
                expected=f"{spec.MARGIN_LEFT_MM:g} ± 1 mm",
            )
    if rights:
        right = median(rights)
        _meas(ctx, right_mm=round(pt_to_mm(PAGE_WIDTH - right), 2))
        if abs(right - TYPE_RIGHT) > POSITION_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.TYPE_AREA,
                "margin-right",
                "版心右边缘不对（版心宽 156 mm）",
                measured=f"右白边 {_fmt_mm(PAGE_WIDTH - right)}",
                expected=f"右白边 {spec.MARGIN_RIGHT_MM:g} mm",
            )
    if tops:
        # the first line's em box must sit in the type area's first line cell; where in the
        # cell depends on the program (centred here and in LibreOffice, lower in Word)
        em_top = median([t for t, _ in tops])
        size = median([z for _, z in tops])
        slack = max(0.0, ctx.pitch - size)
        _meas(ctx, top_mm=round(pt_to_mm(em_top - slack / 2), 2))
        if not (TYPE_TOP - POSITION_TOL <= em_top <= TYPE_TOP + slack + POSITION_TOL):
            ctx.add(
                Severity.ERROR,
                Clause.TYPE_AREA,
                "margin-top",
                "天头（上白边）不对",
                measured=f"首行字顶距页顶 {_fmt_mm(em_top)}",
                expected=f"{spec.MARGIN_TOP_MM:g} – {pt_to_mm(TYPE_TOP + slack):.1f} mm"
                f"（天头 {spec.MARGIN_TOP_MM:g} ± 1 mm）",
            )
    def bottom_limit(ln: TextLine) -> float:
        """信函格式 page 1 runs down to 7/8 of a 3号 character above its lower lines (10.1)."""
        if ctx.fmt == "letter" and ln.page == 1:
            return spec.letter_text_bottom()
        return TYPE_BOTTOM

    low = [ln for b, ln in bottoms if b > bottom_limit(ln) + POSITION_TOL]
    for ln in low[:3]:
        ctx.add(
            Severity.ERROR,
            Clause.TYPE_AREA,
            "below-type-area",
            "文字超出版心下边缘",
            line=ln,
            measured=f"字底距页顶 {_fmt_mm(ln.bottom)}",
            expected=f"≤ {spec.MARGIN_TOP_MM + spec.TYPE_AREA_HEIGHT_MM:g} mm",
        )
    for ln in outside[:3]:
        ctx.add(
            Severity.ERROR,
            Clause.TYPE_AREA,
            "outside-type-area",
            "文字超出版心左右边缘",
            line=ln,
            measured=f"{_fmt_mm(ln.x0)} – {_fmt_mm(ln.x1)}",
            expected=TYPE_SPAN,
        )
    if hanging:
        ln = hanging[0]
        ctx.add(
            Severity.INFO,
            Clause.TYPE_AREA,
            "hanging-punctuation",
            f"行末标点悬挂在版心右边缘之外（{len(hanging)} 行，首见{ln.where()}；"
            "Word 的“允许标点溢出边界”/w:overflowPunct）",
            line=ln,
            measured=f"“{ln.glyphs[-1].text}”起于 {_fmt_mm(ln.glyphs[-1].x0)}",
            expected=f"≤ {spec.MARGIN_LEFT_MM + spec.TYPE_AREA_WIDTH_MM:g} mm",
        )


def _hangs(ctx: _Ctx, ln: TextLine) -> bool:
    """The line's last glyph is one closing mark set past the type area's right edge."""
    if len(ln.glyphs) < 2:
        return False
    last, prev = ln.glyphs[-1], ln.glyphs[-2]
    return (
        last.text in CLOSING
        and last.x0 >= TYPE_RIGHT - ctx.char_pitch / 4
        and prev.x0 + ctx.char_pitch <= TYPE_RIGHT + POSITION_TOL
    )


# --- 5.2.2 body font ------------------------------------------------------------------------


def _line_kind(ctx: _Ctx, ln: TextLine) -> str:
    if id(ln) in ctx.header_lines or ln in ctx.title_lines or ln in ctx.record_lines:
        return "other"
    text = ln.compact
    indented = abs(ln.x0 - (TYPE_LEFT + 2 * ctx.char_pitch)) < ctx.char_pitch / 2
    if indented:
        number = grammar.parse_heading_number(text)
        if number is not None:
            return f"h{number.level}"
    if (grammar.parse_attachment_label(text) is not None
            and abs(ln.x0 - TYPE_LEFT) < ctx.char_pitch / 2):
        return "label"
    if ctx.fmt != "plain" and ln.page == 1 and grammar.parse_reply_category(text):
        return "label"
    return "body"


def _header_zone(ctx: _Ctx) -> None:
    """版头 lines of page 1 (信函格式 and 文件格式): the lines before the title or, with no
    title, before the first line of the letter proper (the 主送 line ending in “：” at the
    left margin, or an indented paragraph start)."""
    if ctx.fmt == "plain" or not ctx.m.pages:
        return
    p1 = ctx.m.pages[0]
    titles = {id(ln) for ln in ctx.title_lines if ln.page == 1}
    indent = TYPE_LEFT + 2 * ctx.char_pitch
    for ln in p1.lines:
        if id(ln) in titles:
            break
        text = ln.compact
        flush_left = abs(ln.x0 - TYPE_LEFT) < ctx.char_pitch / 2
        if len(ln.segments) == 1 and (
            (flush_left and text.endswith(("：", ":")) and grammar.parse_signers(text) is None)
            or abs(ln.x0 - indent) < ctx.char_pitch / 2
        ):
            break
        ctx.header_lines.add(id(ln))


def _body_fonts(ctx: _Ctx) -> None:
    _find_titles(ctx)
    _header_zone(ctx)
    bad: list[tuple[TextLine, str]] = []
    other: list[tuple[TextLine, str]] = []
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            kind = _line_kind(ctx, ln)
            if kind != "body":
                continue
            roles = Counter(ctx.role(g) for g in ln.glyphs if g.wide)
            if not roles:
                continue
            if roles.get(None):
                names = {g.font for g in ln.glyphs if g.wide and ctx.role(g) is None}
                bad.append((ln, "、".join(sorted(names))))
            elif roles.most_common(1)[0][0] is not FontRole.FANGSONG:
                role = roles.most_common(1)[0][0]
                other.append((ln, role_name(role)))
    if bad:
        ln, names = bad[0]
        ctx.add(
            Severity.ERROR,
            Clause.FONTS,
            "body-font",
            f"正文不是仿宋（{len(bad)} 行，首见{ln.where()}）",
            line=ln,
            measured=names,
            expected="仿宋（仿宋_GB2312、FangSong 等）",
        )
    if other:
        ln, name = other[0]
        ctx.add(
            Severity.WARNING,
            Clause.FONTS,
            "body-font-role",
            f"正文行的字体不是仿宋（{len(other)} 行，首见{ln.where()}）",
            line=ln,
            measured=name,
            expected="仿宋",
        )


# --- 7.3.3 headings -------------------------------------------------------------------------


def _headings(ctx: _Ctx) -> None:
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            kind = _line_kind(ctx, ln)
            if not kind.startswith("h"):
                continue
            level = int(kind[1])
            want = heading_font(level)
            mt = grammar.parse_heading_number(ln.compact)
            assert mt is not None
            n = mt.end
            span = ln.glyphs[: n + (2 if level <= 2 else 1)]
            roles = [ctx.role(g) for g in span if g.wide]
            if roles and any(r is not want for r in roles):
                got = Counter(roles).most_common(1)[0][0]
                ctx.add(
                    Severity.ERROR,
                    Clause.BODY,
                    f"heading{level}-font",
                    f"{level} 级标题“{mt.written}”的字体不对",
                    line=ln,
                    measured=role_name(got),
                    expected=role_name(want),
                )
            if abs(ln.size - BODY_SIZE) > SIZE_TOL:
                ctx.add(
                    Severity.ERROR,
                    Clause.BODY,
                    f"heading{level}-size",
                    f"{level} 级标题字号不是 3 号",
                    line=ln,
                    measured=f"{ln.size:g} pt",
                    expected=f"{BODY_SIZE:g} pt",
                )
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            if _line_kind(ctx, ln) == "label":
                roles = {ctx.role(g) for g in ln.glyphs if g.wide}
                label = grammar.parse_attachment_label(ln.compact) is not None
                if label and roles != {FontRole.HEITI}:
                    ctx.add(
                        Severity.ERROR,
                        Clause.BODY,
                        "attachment-label-font",
                        "附件标识不是黑体",
                        line=ln,
                        measured="、".join(role_name(r) for r in roles),
                        expected="黑体",
                    )


# --- 7.3.1 title ----------------------------------------------------------------------------


def _find_titles(ctx: _Ctx) -> None:
    if ctx.title_lines:
        return
    for p in ctx.m.pages:
        for ln in p.lines:
            if not ctx.in_type_area(ln) or ln.size < ctx.body_size + 2:
                continue
            if any(is_red(g.color) for g in ln.glyphs):
                continue  # 发文机关标志
            centre = (ln.x0 + ln.x1) / 2
            if abs(centre - TYPE_CENTRE) < ctx.char_pitch:
                ctx.title_lines.append(ln)


def _title(ctx: _Ctx) -> None:
    for ln in ctx.title_lines:
        if abs(ln.size - spec.SIZE_2HAO) > SIZE_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.TITLE,
                "title-size",
                "标题字号不是 2 号",
                line=ln,
                measured=f"{ln.size:g} pt",
                expected=f"{spec.SIZE_2HAO:g} pt（2 号）",
            )
        wrong = ctx.wrong_font(ln, FontRole.XIAOBIAOSONG)
        if wrong is not None:
            ctx.add(
                Severity.ERROR,
                Clause.TITLE,
                "title-font",
                "标题不是小标宋",
                line=ln,
                measured=wrong,
                expected="小标宋",
            )
    if not ctx.title_lines:
        ctx.add(Severity.INFO, Clause.TITLE, "no-title", "第 1 页没有找到 2 号居中的标题", page=1)


# --- 7.2.4 / 10.1 organ mark and red rules --------------------------------------------------


def _mark_lines(ctx: _Ctx) -> list[TextLine]:
    p1 = ctx.m.pages[0]
    return [
        ln
        for ln in p1.lines
        if ln.baseline < TYPE_TOP + mm(60)
        and sum(is_red(g.color) for g in ln.glyphs) > len(ln.glyphs) / 2
    ]


def _organ_mark(ctx: _Ctx) -> None:
    marks = _mark_lines(ctx)
    for ln in marks:
        ctx.header_lines.add(id(ln))
    if ctx.fmt == "plain":
        return
    if not marks:
        ctx.add(
            Severity.ERROR,
            Clause.ORGAN_MARK,
            "organ-mark-missing",
            "没有找到红色的发文机关标志",
            page=1,
            expected="红色小标宋，居中",
        )
        return
    first = marks[0]
    wrong = ctx.wrong_font(first, FontRole.XIAOBIAOSONG)
    if wrong is not None:
        ctx.add(
            Severity.WARNING,
            Clause.ORGAN_MARK,
            "organ-mark-font",
            "发文机关标志不是小标宋",
            line=first,
            measured=wrong,
            expected="小标宋",
        )
    # a joint mark (names stacked, “文件” to their right) is centred as a whole
    centre = (min(ln.x0 for ln in marks) + max(ln.x1 for ln in marks)) / 2
    if abs(centre - PAGE_WIDTH / 2) > mm(2) and abs(centre - TYPE_CENTRE) > mm(2):
        ctx.add(
            Severity.WARNING,
            Clause.ORGAN_MARK,
            "organ-mark-centre",
            "发文机关标志没有居中",
            line=first,
            measured=f"中线距左边 {_fmt_mm(centre)}",
            expected=f"{pt_to_mm(TYPE_CENTRE):.1f} mm",
        )
    if ctx.fmt == "letter":
        want = mm(spec.LETTER_MARK_TOP_MM)
        clause = Clause.LETTER
    else:
        want = TYPE_TOP + mm(spec.DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM)
        clause = Clause.ORGAN_MARK
    if abs(first.top - want) > POSITION_TOL:
        ctx.add(
            Severity.ERROR,
            clause,
            "organ-mark-position",
            "发文机关标志上边缘位置不对",
            line=first,
            measured=f"距页顶 {_fmt_mm(first.top)}",
            expected=f"距页顶 {pt_to_mm(want):.0f} ± 1 mm",
        )


def _red_rules(ctx: _Ctx) -> None:
    p1 = ctx.m.pages[0]
    red = _red_strokes(p1)
    if ctx.fmt == "letter":
        _letter_rules(ctx, p1, red)
    elif ctx.fmt == "document":
        _document_rule(ctx, p1, red)


def _letter_rules(ctx: _Ctx, p1: PdfPage, red: list[Stroke]) -> None:
    length = mm(spec.LETTER_RULE_LENGTH_MM)
    upper = [s for s in red if s.y < PAGE_HEIGHT / 2]
    lower = [s for s in red if s.y >= PAGE_HEIGHT / 2]
    if len(upper) < 2 or len(lower) < 2:
        black = [s for s in p1.strokes if not is_red(s.color) and abs(s.length - length) < mm(8)]
        ctx.add(
            Severity.ERROR,
            Clause.LETTER,
            "letter-rules",
            "信函格式首页应有上下两组红色双线" + ("（找到的是黑线）" if black else ""),
            page=1,
            measured=f"上 {len(upper)} 条、下 {len(lower)} 条红线",
            expected="上粗下细、上细下粗各一组，长 170 mm",
        )
        return
    for s in [*upper[:2], *lower[-2:]]:
        centre = (s.x0 + s.x1) / 2
        if abs(s.length - length) > POSITION_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.LETTER,
                "letter-rule-length",
                "红色双线长度不对",
                page=1,
                measured=_fmt_mm(s.length),
                expected=f"{spec.LETTER_RULE_LENGTH_MM:g} mm",
            )
            break
        if abs(centre - PAGE_WIDTH / 2) > mm(1.5) and abs(centre - TYPE_CENTRE) > mm(1.5):
            ctx.add(
                Severity.ERROR,
                Clause.LETTER,
                "letter-rule-centre",
                "红色双线没有居中",
                page=1,
                measured=f"中点距左边 {_fmt_mm(centre)}",
                expected=f"{spec.PAGE_WIDTH_MM / 2:g} mm",
            )
            break
    a, b = upper[0], upper[1]
    if not a.width > b.width:
        ctx.add(
            Severity.ERROR,
            Clause.LETTER,
            "letter-rule-order",
            "上方双线应上粗下细",
            page=1,
            measured=f"{a.width:.2f} pt / {b.width:.2f} pt",
            expected="粗线在上",
        )
    c, d = lower[-2], lower[-1]
    if not d.width > c.width:
        ctx.add(
            Severity.ERROR,
            Clause.LETTER,
            "letter-rule-order",
            "下方双线应上细下粗",
            page=1,
            measured=f"{c.width:.2f} pt / {d.width:.2f} pt",
            expected="粗线在下",
        )
    thick = d if d.width >= c.width else c
    want = PAGE_HEIGHT - mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    if abs(thick.y - want) > POSITION_TOL:
        ctx.add(
            Severity.ERROR,
            Clause.LETTER,
            "letter-bottom-rule",
            "下方双线位置不对",
            page=1,
            measured=f"粗线距页底 {_fmt_mm(PAGE_HEIGHT - thick.y)}",
            expected=f"{spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM:g} mm",
        )
    # the line right above the lower lines stands 7/8 of a 3号 character above them (10.1)
    text = ctx.body_lines(p1)
    if text:
        last = text[-1]
        gap = c.y - c.width / 2 - last.bottom
        want = spec.LETTER_TEXT_ABOVE_BOTTOM_RULE
        if gap < want - POSITION_TOL or want + POSITION_TOL < gap < want + ctx.pitch - 1:
            ctx.add(
                Severity.ERROR if gap < want - POSITION_TOL else Severity.WARNING,
                Clause.LETTER,
                "letter-last-line",
                "下方双线上一行文字与该线的距离应为 3 号字高的 7/8",
                line=last,
                measured=_fmt_mm(gap),
                expected=f"{spec.pt_to_mm(want):.1f} mm（14 pt）",
            )
    marks = _mark_lines(ctx)
    if marks:
        _check_gap_above(
            ctx,
            a,
            marks[-1],
            spec.LETTER_RULE_BELOW_MARK_MM,
            Clause.LETTER,
            "letter-rule-gap",
            "上方双线与发文机关标志的距离不对",
        )
    # 份号/密级/紧急程度 and the 发文字号: 7/8 of a 3号 character (14 pt) below the lines
    thin_bottom = b.y + b.width / 2
    rows = [ln for ln in p1.lines if thin_bottom < ln.top < thin_bottom + 3 * ctx.pitch]
    titles = {id(t) for t in ctx.title_lines}
    if rows and id(rows[0]) in ctx.header_lines and id(rows[0]) not in titles:
        gap = rows[0].top - thin_bottom
        if abs(gap - spec.LETTER_HEADER_ROW_BELOW_RULE) > POSITION_TOL:
            ctx.add(
                Severity.WARNING,
                Clause.LETTER,
                "letter-header-row",
                "双线下的份号、发文字号等应距双线 3 号字高的 7/8",
                line=rows[0],
                measured=_fmt_mm(gap),
                expected=f"{pt_to_mm(spec.LETTER_HEADER_ROW_BELOW_RULE):.1f} mm",
            )


def _document_rule(ctx: _Ctx, p1: PdfPage, red: list[Stroke]) -> None:
    length = mm(spec.DOCUMENT_RULE_LENGTH_MM)
    rules = [s for s in red if abs(s.length - length) < mm(8)]
    if not rules:
        return
    r = rules[0]
    if abs(r.length - length) > POSITION_TOL or abs((r.x0 + r.x1) / 2 - TYPE_CENTRE) > POSITION_TOL:
        ctx.add(
            Severity.ERROR,
            Clause.HEADER_RULE,
            "header-rule",
            "版头分隔线应与版心等宽",
            page=1,
            measured=f"{_fmt_mm(r.x0)} – {_fmt_mm(r.x1)}",
            expected=TYPE_SPAN,
        )
    above = [ln for ln in p1.lines if ln.baseline < r.y and _doc_number_of(ln.compact)]
    if above:
        _check_gap_above(
            ctx,
            r,
            above[-1],
            spec.DOCUMENT_RULE_BELOW_NUMBER_MM,
            Clause.HEADER_RULE,
            "header-rule-gap",
            "版头分隔线应在发文字号下 4 mm",
        )


# --- 7.2.5 发文字号 ----------------------------------------------------------------------------


def _doc_number(ctx: _Ctx) -> None:
    p1 = ctx.m.pages[0]
    title_top = min((ln.baseline for ln in ctx.title_lines if ln.page == 1), default=None)
    for ln in p1.lines:
        if title_top is not None and ln.baseline >= title_top:
            break
        if title_top is None and ln.index > 8:
            break
        for seg in ln.segments:
            text = "".join(g.text for g in seg)
            mt = _doc_number_of(text)
            if not mt:
                continue
            problems = mt.problems()
            if problems:
                ctx.add(
                    Severity.ERROR,
                    Clause.DOC_NUMBER,
                    "doc-number-format",
                    "发文字号格式不对：" + "；".join(problems),
                    line=ln,
                    measured=text,
                    expected=mt.canonical,
                )
            if ctx.fmt == "letter" and abs(seg[-1].x1 - TYPE_RIGHT) > ctx.char_pitch:
                ctx.add(
                    Severity.WARNING,
                    Clause.LETTER,
                    "doc-number-position",
                    "信函格式的发文字号应与版心右边缘对齐",
                    line=ln,
                    measured=f"右端距版心右边 {_fmt_mm(TYPE_RIGHT - seg[-1].x1)}",
                    expected="0 mm",
                )
            return


# --- 7.3.5 署名和成文日期 ------------------------------------------------------------------------


# the two date rules the PDF and DOCX checkers share: rule → (clause, what, expected)
_DATE_RULES = {
    "date-format": (Clause.SIGNATURE, "成文日期", "如 2022年9月29日"),
    "print-date-format": (Clause.RECORD, "印发日期", None),
}


def _check_date(ctx: Any, rule: str, date: str, measured: str, **where: Any) -> None:
    """An error finding ``rule`` (see ``_DATE_RULES``) when ``date`` is not written as GB/T
    9704 wants; ``where`` locates it for ``ctx.add`` (``line=`` or ``para=``)."""
    written = grammar.parse_date(date)
    problems = written.problems() if written is not None else []
    if problems:
        clause, what, expected = _DATE_RULES[rule]
        if expected is not None:
            where["expected"] = expected
        ctx.add(
            Severity.ERROR,
            clause,
            rule,
            f"{what}格式不对：" + "；".join(problems),
            measured=measured,
            **where,
        )


def _signature_placed(sig_right: float, date_right: float, offset: float, centre: float) -> bool:
    """Whether 署名 and 成文日期 stand where GB/T 9704 puts them, all in characters: without
    a seal, 署名 (or the date) 右空二字 and the date's first character 二字 right of the
    署名's; with a seal, the date 右空四字 and the 署名 centred on it (``centre``: the
    distance between the two centres)."""
    plain = abs(offset - spec.DATE_OFFSET_CHARS) <= HALF_CHAR and (
        abs(sig_right - spec.SIGNATURE_RIGHT_CHARS) <= HALF_CHAR
        or abs(date_right - spec.SIGNATURE_RIGHT_CHARS) <= HALF_CHAR
    )
    seal = abs(date_right - spec.SEAL_DATE_RIGHT_CHARS) <= HALF_CHAR and abs(centre) <= HALF_CHAR
    return plain or seal


def _text_lines(ctx: _Ctx, lines: list[TextLine]) -> list[TextLine]:
    """The lines of 正文 among ``lines`` (decision 10): not the 附件说明 (from its “附件：”
    line on), not contact lines (“联系电话：…”), not a lone heading (黑体 or 楷体 only)."""
    out = []
    for ln in lines:
        note = grammar.parse_attachment_note(ln.text)
        if note is not None and note.labelled:
            break
        if grammar.parse_contacts(ln.text):
            continue
        fonts = {ctx.role(g) for g in ln.glyphs if g.wide}
        if fonts and fonts <= {FontRole.HEITI, FontRole.KAITI}:
            continue
        out.append(ln)
    return out


def _signature(ctx: _Ctx) -> None:
    u = BODY_SIZE
    dates: list[TextLine] = []
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            if ln in ctx.record_lines:
                continue
            text = ln.compact
            if grammar.parse_date(text) is not None:
                dates.append(ln)
    for ln in dates:
        _check_date(ctx, "date-format", ln.compact, ln.compact, line=ln)
    if not dates:
        ctx.add(Severity.INFO, Clause.SIGNATURE, "no-date", "没有找到单独成行的成文日期")
        return
    date = dates[-1]
    page = ctx.m.pages[date.page - 1]
    above = [
        ln
        for ln in page.lines
        if ln.baseline < date.baseline - 1 and date.baseline - ln.baseline < ctx.pitch * 1.5
    ]
    if not above:
        return
    sig = above[-1]
    # a joint issue stacks the organs' 署名, aligned on their first characters; the lead
    # organ's (the longest) is the one placed 右空二字
    block = [sig]
    for ln in reversed(page.lines[: page.lines.index(sig)]):
        if abs(block[-1].baseline - ln.baseline - ctx.pitch) > 2 or abs(ln.x0 - sig.x0) > u / 2:
            break
        block.append(ln)
    top_sig = min(block, key=lambda ln: ln.baseline)
    before = [
        ln
        for ln in page.lines
        if ctx.in_type_area(ln)
        and ln.baseline < top_sig.baseline - 1
        and id(ln) not in ctx.header_lines
        and ln not in ctx.title_lines
    ]
    text = _text_lines(ctx, before)
    if len(text) < spec.SIGNATURE_MIN_LINES_BEFORE:
        ctx.add(
            Severity.ERROR,
            Clause.SIGNATURE,
            "signature-alone",
            "署名和成文日期所在页的正文不足两行（不得出现只有署名和日期的页面）",
            line=top_sig,
            measured=f"本页署名前 {len(text)} 行正文（共 {len(before)} 行）",
            expected=f"≥ {spec.SIGNATURE_MIN_LINES_BEFORE} 行正文",
        )
    sig = max(block, key=lambda ln: ln.x1)
    sig_right = (TYPE_RIGHT - sig.x1) / u
    date_right = (TYPE_RIGHT - date.x1) / u
    offset = (date.x0 - sig.x0) / u
    centre_diff = ((sig.x0 + sig.x1) - (date.x0 + date.x1)) / 2 / u
    _meas(
        ctx,
        signature_right_chars=round(sig_right, 2),
        date_offset_chars=round(offset, 2),
        date_right_chars=round(date_right, 2),
    )
    if not _signature_placed(sig_right, date_right, offset, centre_diff):
        ctx.add(
            Severity.ERROR,
            Clause.SIGNATURE,
            "signature-placement",
            "署名和成文日期的位置不对",
            line=date,
            measured=f"署名右空 {sig_right:.1f} 字，日期首字在署名首字右 {offset:.1f} 字，"
            f"日期右空 {date_right:.1f} 字",
            expected="不加盖印章：署名右空二字，日期首字比署名首字右移二字；"
            "加盖印章：日期右空四字，署名以日期为准居中",
        )


def _first_page_text(ctx: _Ctx) -> None:
    """The first page must show 正文 (7.3.3): a body line below the 版头 and the title."""
    p1 = ctx.m.pages[0]
    body = [
        ln
        for ln in ctx.body_lines(p1)
        if id(ln) not in ctx.header_lines and ln not in ctx.title_lines
    ]
    if not body and len(ctx.m.pages) > 1:
        ctx.add(
            Severity.ERROR,
            Clause.BODY,
            "first-page-no-text",
            "首页没有正文",
            page=1,
            expected="首页须显示正文",
        )
    for ln in (x for p in ctx.m.pages for x in p.lines):
        if "此页无正文" in ln.compact:
            ctx.add(
                Severity.ERROR,
                Clause.SIGNATURE,
                "page-without-text",
                "不得使用“此页无正文”：应调整行距、字距使署名页有正文",
                line=ln,
                measured=ln.text,
                expected="署名页保留正文",
            )
            break


# --- 7.4 版记 ---------------------------------------------------------------------------------


def _records(ctx: _Ctx) -> None:
    last = ctx.m.pages[-1]
    full = mm(spec.RECORD_RULE_LENGTH_MM)
    rules = [s for s in last.strokes if not is_red(s.color) and abs(s.length - full) < mm(8)]
    lines = ctx.record_lines
    if not lines:
        if rules and ctx.fmt != "letter":
            ctx.add(
                Severity.INFO,
                Clause.RECORD,
                "record-rules-only",
                "末页有版记分隔线，但没有找到抄送或印发行",
                page=last.number,
            )
        return
    for ln in lines:
        if abs(ln.size - spec.RECORD_SIZE) > SIZE_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.RECORD,
                "record-size",
                "版记字号不是 4 号",
                line=ln,
                measured=f"{ln.size:g} pt",
                expected=f"{spec.RECORD_SIZE:g} pt（4 号）",
            )
            break
    for ln in lines:
        wrong = ctx.wrong_font(ln, FontRole.FANGSONG)
        if wrong is not None:
            ctx.add(
                Severity.ERROR,
                Clause.RECORD,
                "record-font",
                "版记不是仿宋",
                line=ln,
                measured=wrong,
                expected="仿宋",
            )
            break
    indents = (spec.RECORD_LABEL_INDENT, BODY_SIZE)  # 一字: 4号 (project) or 3号 character
    for ln in lines:
        recipients = grammar.parse_cc(ln.compact)
        if recipients is not None:
            got = ln.x0 - TYPE_LEFT
            if min(abs(got - i) for i in indents) > POSITION_TOL:
                ctx.add(
                    Severity.WARNING,
                    Clause.RECORD,
                    "record-indent",
                    "版记左空一字不对",
                    line=ln,
                    measured=_fmt_mm(got),
                    expected=f"{pt_to_mm(spec.RECORD_LABEL_INDENT):.1f} mm",
                )
        if recipients is not None and recipients.colon == ":":
            ctx.add(
                Severity.WARNING,
                Clause.RECORD,
                "record-colon",
                "抄送后应用全角冒号",
                line=ln,
                measured=ln.compact[:3],
                expected="抄送：",
            )
        printed = grammar.parse_print_line(ln.compact)
        if printed:
            _check_date(ctx, "print-date-format", printed.date.written, ln.compact, line=ln)
    cc = [ln for ln in lines if grammar.parse_print_line(ln.compact) is None]
    if cc and not cc[-1].compact.endswith("。"):
        ctx.add(
            Severity.WARNING,
            Clause.RECORD,
            "record-cc-stop",
            "抄送机关最后应加句号",
            line=cc[-1],
            measured=cc[-1].compact[-3:],
            expected="…。",
        )
    bottom_line = lines[-1]
    if ctx.fmt == "letter":
        if rules:
            ctx.add(
                Severity.WARNING,
                Clause.LETTER,
                "letter-record-rules",
                "信函格式的版记不加分隔线",
                page=last.number,
                measured=f"{len(rules)} 条",
                expected="0 条",
            )
        cell_bottom = bottom_line.bottom + (ctx.pitch - bottom_line.size) / 2
        if TYPE_BOTTOM - cell_bottom > ctx.pitch:
            ctx.add(
                Severity.WARNING,
                Clause.RECORD,
                "record-position",
                "版记应位于末页版心最下方",
                line=bottom_line,
                measured=f"末行距版心下边 {_fmt_mm(TYPE_BOTTOM - cell_bottom)}",
                expected="不空行",
            )
        return
    if last.number % 2:
        ctx.add(
            Severity.INFO,
            Clause.RECORD,
            "record-odd-page",
            "版记在奇数页（双面印刷时通常置于偶数页，末页为偶数页）",
            page=last.number,
            measured=f"第 {last.number} 页",
            expected="偶数页",
        )
    if not rules:
        ctx.add(
            Severity.ERROR,
            Clause.RECORD,
            "record-rules",
            "版记缺少分隔线",
            page=last.number,
            expected="首末条粗线 0.35 mm，中间细线 0.25 mm",
        )
        return
    outer, inner = mm(spec.RECORD_RULE_OUTER_MM), mm(spec.RECORD_RULE_INNER_MM)
    tol = mm(0.1)
    for i, r in enumerate(rules):
        want = outer if i in (0, len(rules) - 1) else inner
        if abs(r.width - want) > tol:
            ctx.add(
                Severity.WARNING,
                Clause.RECORD,
                "record-rule-width",
                "版记分隔线粗细不对",
                page=last.number,
                measured=f"第 {i + 1} 条 {_fmt_mm(r.width)}",
                expected=f"{pt_to_mm(want):.2f} mm",
            )
        if not is_black(r.color):
            ctx.add(
                Severity.WARNING,
                Clause.RECORD,
                "record-rule-colour",
                "版记分隔线应为黑色",
                page=last.number,
                measured=f"第 {i + 1} 条非黑色",
                expected="黑色",
            )
        if abs(r.length - full) > POSITION_TOL:
            ctx.add(
                Severity.WARNING,
                Clause.RECORD,
                "record-rule-length",
                "版记分隔线应与版心等宽",
                page=last.number,
                measured=_fmt_mm(r.length),
                expected=f"{spec.RECORD_RULE_LENGTH_MM:g} mm",
            )
    if abs(rules[-1].y - TYPE_BOTTOM) > POSITION_TOL:
        ctx.add(
            Severity.ERROR,
            Clause.RECORD,
            "record-last-rule",
            "版记末条分隔线应与版心下边缘重合",
            page=last.number,
            measured=f"距页顶 {_fmt_mm(rules[-1].y)}",
            expected=f"{spec.MARGIN_TOP_MM + spec.TYPE_AREA_HEIGHT_MM:g} mm",
        )


# --- 7.5 page numbers -----------------------------------------------------------------------


def _page_numbers(ctx: _Ctx) -> None:
    dash = spec.PAGE_NUMBER_DASH
    good = re.compile(rf"^{dash} (\d+) {dash}$")
    tight = re.compile(rf"^{dash}\s?(\d+)\s?{dash}$")
    indents = (spec.PAGE_NUMBER_INDENT, BODY_SIZE)  # 一字: 4号 (project) or 3号 character
    want_y = TYPE_BOTTOM + mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
    tol = mm(spec.PAGE_NUMBER_TOLERANCE_MM)
    positions = []
    after_blank = False
    for p in ctx.m.pages:
        ln = ctx.number_lines.get(p.number)
        blank = not any(ctx.in_type_area(x) for x in p.lines)
        # 7.5: a blank page before the 版记 page and the 版记 page itself are not numbered
        expect = not blank and not after_blank and not (ctx.fmt == "letter" and p.number == 1)
        after_blank = blank
        if ln is None:
            if expect:
                ctx.add(
                    Severity.ERROR,
                    Clause.PAGE_NUMBER,
                    "page-number-missing",
                    "缺少页码",
                    page=p.number,
                    expected=spec.page_number_text(p.number),
                )
            continue
        if not expect:
            why = "信函格式首页不标页码" if p.number == 1 else "空白页和其后的版记页不标页码"
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-unexpected",
                why,
                line=ln,
                measured=ln.text,
                expected="无页码",
            )
            continue
        text = ln.text
        mt = good.match(text) or tight.match(text)
        if not mt:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-format",
                "页码应为阿拉伯数字左右各加一条一字线（—）",
                line=ln,
                measured=text,
                expected=spec.page_number_text(p.number),
            )
        elif not good.match(text):
            ctx.add(
                Severity.INFO,
                Clause.PAGE_NUMBER,
                "page-number-spacing",
                "页码数字与一字线之间没有空格",
                line=ln,
                measured=text,
                expected=spec.page_number_text(p.number),
            )
        digits = re.sub(r"\D", "", text)
        if digits and int(digits) != p.number:
            ctx.add(
                Severity.WARNING,
                Clause.PAGE_NUMBER,
                "page-number-value",
                "页码与页序不符",
                line=ln,
                measured=digits,
                expected=str(p.number),
            )
        if abs(ln.size - spec.PAGE_NUMBER_SIZE) > SIZE_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-size",
                "页码不是 4 号",
                line=ln,
                measured=f"{ln.size:g} pt",
                expected=f"{spec.PAGE_NUMBER_SIZE:g} pt（4 号）",
            )
        dashes = [g for g in ln.glyphs if not g.text.isdigit()]
        roles = {ctx.role(g) for g in dashes}
        if dashes and roles != {spec.PAGE_NUMBER_FONT}:
            ctx.add(
                Severity.WARNING,
                Clause.PAGE_NUMBER,
                "page-number-font",
                "页码不是宋体",
                line=ln,
                measured="、".join(sorted({g.font for g in dashes})),
                expected="宋体",
            )
        mid = (
            median([g.middle for g in dashes]) if dashes else median([g.middle for g in ln.glyphs])
        )
        positions.append(round(pt_to_mm(mid - TYPE_BOTTOM), 2))
        if abs(mid - want_y) > tol:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-position",
                "页码一字线应在版心下边缘之下 7 mm",
                line=ln,
                measured=f"{pt_to_mm(mid - TYPE_BOTTOM):.1f} mm",
                expected=f"{spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM:g} ± 1 mm",
            )
        if p.number % 2:
            got = TYPE_RIGHT - ln.x1
            side, want = "单页码居右空一字", "右"
        else:
            got = ln.x0 - TYPE_LEFT
            side, want = "双页码居左空一字", "左"
        if min(abs(got - i) for i in indents) > tol:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-side",
                f"页码位置不对：{side}",
                line=ln,
                measured=f"距版心{want}边 {_fmt_mm(got)}",
                expected=f"{pt_to_mm(spec.PAGE_NUMBER_INDENT):.1f} mm",
            )
    _meas(ctx, page_number_below_type_area_mm=positions)


# --- 9 punctuation (GB/T 15834 §5.1) --------------------------------------------------------


def _kinsoku(ctx: _Ctx) -> None:
    for p in ctx.m.pages:
        lines = [ln for ln in p.lines if ctx.in_type_area(ln)]
        for i, ln in enumerate(lines):
            first, last = ln.glyphs[0].text, ln.glyphs[-1].text
            if first in CLOSING:
                ctx.add(
                    Severity.ERROR,
                    Clause.PUNCTUATION,
                    "kinsoku-start",
                    f"行首出现点号或后半标号“{first}”",
                    line=ln,
                    measured=ln.text[:8],
                    expected="句号、逗号等点号和后引号、后括号不出现在行首",
                )
            if last in OPENING:
                ctx.add(
                    Severity.ERROR,
                    Clause.PUNCTUATION,
                    "kinsoku-end",
                    f"行末出现前半标号“{last}”",
                    line=ln,
                    measured=ln.text[-8:],
                    expected="前引号、前括号、前书名号不出现在行末",
                )
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is not None and last in "—…" and nxt.glyphs[0].text == last:
                ctx.add(
                    Severity.ERROR,
                    Clause.PUNCTUATION,
                    "kinsoku-split",
                    f"“{last * 2}”被分在两行",
                    line=ln,
                    measured=ln.text[-4:],
                    expected="破折号、省略号不断开",
                )


# --- 5.2.4 colour ---------------------------------------------------------------------------


def _colour(ctx: _Ctx) -> None:
    for p in ctx.m.pages:
        for ln in ctx.body_lines(p):
            if id(ln) in ctx.header_lines:
                continue
            odd = [g for g in ln.glyphs if not is_black(g.color)]
            if odd:
                ctx.add(
                    Severity.WARNING,
                    Clause.COLOUR,
                    "text-colour",
                    "正文文字不是黑色",
                    line=ln,
                    measured=f"{len(odd)} 个字为彩色",
                    expected="黑色",
                )
                return


# --- decision 2: no faux bold ----------------------------------------------------------------


def _faux_bold(ctx: _Ctx) -> None:
    lines = [
        ln for p in ctx.m.pages for ln in p.lines if any(g.stroked and g.wide for g in ln.glyphs)
    ]
    if lines:
        ln = lines[0]
        ctx.add(
            Severity.WARNING,
            Clause.FONTS,
            "faux-bold",
            f"伪粗体：字形被描边或重复叠印（{len(lines)} 行，首见{ln.where()}）",
            line=ln,
            measured="描边/叠印",
            expected="不加粗，字体本身的字重（如小标宋）",
        )
