"""Rules of the 版记 (GB/T 9704 §7.4): its lines (4号 仿宋, 一字 indents, 抄送 ending in 。,
the 印发日期), its rules (156 mm, 0.35/0.25 mm, black, the last on the type area's bottom
edge) and its place (文件格式: an even page; 信函格式: no rules, at the foot of the page)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import grammar, spec
from ..read.geometry import PdfPage, is_black
from ..spec import BODY_SIZE, TYPE_BOTTOM, TYPE_LEFT, FontRole, mm, pt_to_mm
from .facts_docx import DocxFacts
from .facts_pdf import POSITION_TOL, PdfFacts
from .report import Clause
from .report import Severity as S
from .rules import Hit, Route, at_line, at_page, hit, rule
from .rules_body import date_hits
from .rules_fonts import SIZE_TOL
from .rules_page import fmt_mm

RULE_WIDTH_TOL = mm(0.1)


def _last(f: PdfFacts) -> PdfPage:
    return f.pages[-1]


# --- the 版记's lines -------------------------------------------------------------------------


@rule("record-size", Clause.RECORD, S.ERROR, "版记字号不是 4 号", Route.PDF,
      expected=f"{spec.RECORD_SIZE:g} pt（4 号）")
def record_size(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.records:
        if abs(ln.size - spec.RECORD_SIZE) > SIZE_TOL:
            yield hit(at_line(ln), measured=f"{ln.size:g} pt")
            return


@rule("record-font", Clause.RECORD, S.ERROR, "版记不是仿宋", Route.PDF, expected="仿宋")
def record_font(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.records:
        wrong = f.wrong_font(ln, FontRole.FANGSONG)
        if wrong is not None:
            yield hit(at_line(ln), measured=wrong)
            return


@rule("record-indent", Clause.RECORD, S.WARNING, "版记左空一字不对", Route.PDF,
      expected=f"{pt_to_mm(spec.RECORD_LABEL_INDENT):.1f} mm")
def record_indent(f: PdfFacts) -> Iterator[Hit]:
    """The 抄送 label one character in: a 4号 one (the project) or a 3号 one."""
    for ln in f.records:
        got = ln.x0 - TYPE_LEFT
        if grammar.parse_cc(ln.compact) is not None and min(
            abs(got - i) for i in (spec.RECORD_LABEL_INDENT, BODY_SIZE)
        ) > POSITION_TOL:
            yield hit(at_line(ln), measured=fmt_mm(got))


@rule("record-colon", Clause.RECORD, S.WARNING, "抄送后应用全角冒号", Route.PDF, expected="抄送：")
def record_colon(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.records:
        cc = grammar.parse_cc(ln.compact)
        if cc is not None and cc.colon == ":":
            yield hit(at_line(ln), measured=ln.compact[:3])


@rule("record-cc-stop", Clause.RECORD, S.WARNING, "抄送机关最后应加句号", Route.PDF,
      expected="…。")
def record_cc_stop(f: PdfFacts) -> Iterator[Hit]:
    cc = [ln for ln in f.records if grammar.parse_print_line(ln.compact) is None]
    if cc and not cc[-1].compact.endswith("。"):
        yield hit(at_line(cc[-1]), measured=cc[-1].compact[-3:])


@rule("print-date-format", Clause.RECORD, S.ERROR, "印发日期格式不对：{problems}", Route.BOTH)
def print_date_format(f: PdfFacts | DocxFacts) -> Iterator[Hit]:
    return date_hits(f.print_dates)


# --- the 版记's place -------------------------------------------------------------------------


@rule("record-position", Clause.RECORD, S.WARNING, "版记应位于末页版心最下方", Route.PDF,
      expected="不空行")
def record_position(f: PdfFacts) -> Iterator[Hit]:
    """信函格式: the 版记's last line in the type area's last line cell."""
    if f.fmt != "letter" or not f.records:
        return
    bottom = f.records[-1]
    cell_bottom = bottom.bottom + (f.pitch - bottom.size) / 2
    if TYPE_BOTTOM - cell_bottom > f.pitch:
        yield hit(at_line(bottom), measured=f"末行距版心下边 {fmt_mm(TYPE_BOTTOM - cell_bottom)}")


@rule("record-odd-page", Clause.RECORD, S.INFO,
      "版记在奇数页（双面印刷时通常置于偶数页，末页为偶数页）", Route.PDF, expected="偶数页")
def record_odd_page(f: PdfFacts) -> Iterator[Hit]:
    n = _last(f).number
    if f.fmt != "letter" and f.records and n % 2:
        yield hit(at_page(n), measured=f"第 {n} 页")


# --- the 版记's rules -------------------------------------------------------------------------


@rule("record-rules-only", Clause.RECORD, S.INFO, "末页有版记分隔线，但没有找到抄送或印发行",
      Route.PDF)
def record_rules_only(f: PdfFacts) -> Iterator[Hit]:
    if not f.records and f.record_rules and f.fmt != "letter":
        yield hit(at_page(_last(f).number))


@rule("letter-record-rules", Clause.LETTER, S.WARNING, "信函格式的版记不加分隔线", Route.PDF,
      expected="0 条")
def letter_record_rules(f: PdfFacts) -> Iterator[Hit]:
    if f.fmt == "letter" and f.records and f.record_rules:
        yield hit(at_page(_last(f).number), measured=f"{len(f.record_rules)} 条")


def _judged_rules(f: PdfFacts) -> bool:
    """The 版记 of 文件格式 or plain format has lines and rules to judge."""
    return f.fmt != "letter" and bool(f.records) and bool(f.record_rules)


@rule("record-rules", Clause.RECORD, S.ERROR, "版记缺少分隔线", Route.PDF,
      expected="首末条粗线 0.35 mm，中间细线 0.25 mm")
def record_rules(f: PdfFacts) -> Iterator[Hit]:
    if f.fmt != "letter" and f.records and not f.record_rules:
        yield hit(at_page(_last(f).number))


@rule("record-rule-width", Clause.RECORD, S.WARNING, "版记分隔线粗细不对", Route.PDF)
def record_rule_width(f: PdfFacts) -> Iterator[Hit]:
    """The first and last rule 0.35 mm, those between 0.25 mm."""
    if not _judged_rules(f):
        return
    outer, inner = mm(spec.RECORD_RULE_OUTER_MM), mm(spec.RECORD_RULE_INNER_MM)
    n = len(f.record_rules)
    for i, r in enumerate(f.record_rules):
        want = outer if i in (0, n - 1) else inner
        if abs(r.width - want) > RULE_WIDTH_TOL:
            yield hit(at_page(_last(f).number), measured=f"第 {i + 1} 条 {fmt_mm(r.width)}",
                      expected=f"{pt_to_mm(want):.2f} mm")


@rule("record-rule-colour", Clause.RECORD, S.WARNING, "版记分隔线应为黑色", Route.PDF,
      expected="黑色")
def record_rule_colour(f: PdfFacts) -> Iterator[Hit]:
    for i, r in enumerate(f.record_rules if _judged_rules(f) else ()):
        if not is_black(r.color):
            yield hit(at_page(_last(f).number), measured=f"第 {i + 1} 条非黑色")


@rule("record-rule-length", Clause.RECORD, S.WARNING, "版记分隔线应与版心等宽", Route.PDF,
      expected=f"{spec.RECORD_RULE_LENGTH_MM:g} mm")
def record_rule_length(f: PdfFacts) -> Iterator[Hit]:
    full = mm(spec.RECORD_RULE_LENGTH_MM)
    for r in f.record_rules if _judged_rules(f) else ():
        if abs(r.length - full) > POSITION_TOL:
            yield hit(at_page(_last(f).number), measured=fmt_mm(r.length))


@rule("record-last-rule", Clause.RECORD, S.ERROR, "版记末条分隔线应与版心下边缘重合", Route.PDF,
      expected=f"{spec.MARGIN_TOP_MM + spec.TYPE_AREA_HEIGHT_MM:g} mm")
def record_last_rule(f: PdfFacts) -> Iterator[Hit]:
    if _judged_rules(f) and abs(f.record_rules[-1].y - TYPE_BOTTOM) > POSITION_TOL:
        yield hit(at_page(_last(f).number), measured=f"距页顶 {fmt_mm(f.record_rules[-1].y)}")
