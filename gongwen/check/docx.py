"""GB/T 9704 rules on a DOCX's settings: sections, styles, direct formatting, footers.

Word decides the layout of a DOCX, so these rules read what Word will apply — the DOCX as
read by :mod:`gongwen.read.docx` on :mod:`gongwen.ooxml.reader`: each run's effective
properties (document defaults → paragraph style chain → character style chain → direct
formatting), the font of every ``w:rFonts`` slot with theme fonts resolved, effective line
spacing against the document grid, and the PAGE fields of the footers. ``render=True`` also
converts the file with LibreOffice (``render.py``) and runs the PDF rules on the result.

Paragraph indices in findings count every ``w:p`` of the main document in order (tables
and text boxes included, 1-based).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import grammar, spec
from ..ooxml.reader import Footer, Package, ParaProps, Run, Section, Styles, Theme
from ..read.docx import DocxDocument
from ..read.source import read_input
from ..spec import BODY_SIZE, CHARS_PER_LINE, LINE_PITCH, STYLES, FontRole, Role, twips
from .fontnames import font_role, is_western, role_name
from .pdf import _check_date, _signature_placed
from .report import Clause, Report, Severity

TWIPS_TOL = twips(spec.mm(spec.MARGIN_TOLERANCE_MM))  # 1 mm in twips
LINE_TWIPS = twips(LINE_PITCH)  # 579
LINE_TWIPS_TOL = 5


# --------------------------------------------------------------------------------------------
# Paragraphs


@dataclass
class _Para:
    index: int
    text: str
    runs: list[Run]
    props: ParaProps
    style: str
    in_table: bool
    role: Role | None = None
    in_box: bool = False  # in a text box (a 版头 element placed on the page)

    def where(self) -> str:
        return f"第{self.index}段"


def _paragraphs(pkg: Package) -> list[_Para]:
    """Every paragraph in document order, with the text of its runs (automatic numbers left
    out: the rules judge what the runs hold)."""
    return [
        _Para(p.index, "".join(r.text for r in p.runs), p.runs, p.props,
              pkg.styles.name(p.style or pkg.styles.default_para), p.in_table,
              in_box=p.in_text_box)
        for p in pkg.paragraphs
    ]


def _classify(paras: list[_Para]) -> None:
    seen_title = False
    for i, p in enumerate(paras):
        compact = re.sub(r"\s+", "", p.text)
        if not compact:
            continue
        red = all((r.props.color or "").upper() in RED_VALUES for r in p.runs)
        size = max((r.props.size or 0) for r in p.runs)
        # 版头 text boxes are anchored in the first paragraph (the title when there is no
        # 答复类别), so they come after it in document order
        in_header = not seen_title or p.in_box
        if red and in_header:
            p.role = Role.ORGAN_MARK
        elif grammar.parse_cc(compact) or grammar.parse_print_line(compact):
            p.role = Role.RECORD_PRINT if grammar.parse_print_line(compact) else Role.RECORD_CC
        elif grammar.parse_date(compact):
            p.role = Role.DATE
            prev = next((q for q in reversed(paras[:i]) if q.text.strip()), None)
            if prev is not None and prev.role in (Role.BODY, None, Role.CONTACT):
                prev.role = Role.SIGNATURE
        elif in_header and _doc_number(compact):
            p.role = Role.DOC_NUMBER
        elif grammar.parse_attachment_label(compact) is not None:
            p.role = Role.ATTACHMENT_LABEL
        elif grammar.parse_reply_category(compact):
            p.role = Role.REPLY_CATEGORY
        elif p.props.jc == "center" and not p.in_table and (not seen_title or size > BODY_SIZE + 2):
            p.role = Role.ATTACHMENT_TITLE if seen_title else Role.TITLE
            seen_title = True
        else:
            number = grammar.parse_heading_number(compact)
            p.role = spec.HEADING_ROLES[number.level - 1] if number else Role.BODY
    # 版头: with an organ mark or 发文字号, the paragraphs up to the last header element
    # (标志, 发文字号, 签发人, 答复类别) before the title are header rows (份号, 密级, 紧急程度)
    # placed by the header's own rules, not body text
    first_title = next((p.index for p in paras if p.role is Role.TITLE), None)
    header = [
        p.index
        for p in paras
        if (first_title is None or p.index < first_title)
        and (
            p.role in (Role.ORGAN_MARK, Role.DOC_NUMBER, Role.REPLY_CATEGORY)
            or grammar.parse_signers(p.text) is not None
        )
    ]
    if header and any(
        p.role in (Role.ORGAN_MARK, Role.DOC_NUMBER) for p in paras if p.index <= max(header)
    ):
        for p in paras:
            if (p.index <= max(header) or p.in_box) and p.role is Role.BODY:
                p.role = None
    # a joint issue stacks the organs' 署名 above the date
    for i, p in enumerate(paras):
        if p.role is not Role.SIGNATURE:
            continue
        for q in reversed(paras[:i]):
            if not q.text.strip():
                continue
            if q.role is Role.BODY and q.props.jc in ("right", "end") and not q.in_table:
                q.role = Role.SIGNATURE
                continue
            break


RED_VALUES = ("FF0000", "C00000", "E60012", "E00000", "EE0000", "CC0000", "D00000")


def _doc_number(text: str) -> grammar.DocNumber | None:
    """A paragraph that is a 发文字号 and nothing else."""
    number = grammar.parse_doc_number(text)
    return number if number is not None and not number.rest else None


# --------------------------------------------------------------------------------------------
# Rules


@dataclass
class _Ctx:
    pkg: Package
    report: Report
    fontset: Any
    styles: Styles
    theme: Theme
    paras: list[_Para]
    letter: bool

    def add(
        self,
        severity: Severity,
        clause: str,
        rule: str,
        message: str,
        para: _Para | None = None,
        **kw: Any,
    ) -> None:
        if para is not None:
            kw.setdefault("where", para.where())
            kw.setdefault("paragraph", para.index)
        self.report.add(severity, clause, rule, message, source="docx", **kw)

    def font_name(self, slot_value: tuple[str, str] | None) -> tuple[str, bool]:
        """(font name, from a theme) for an rFonts slot value."""
        return self.theme.font_name(slot_value)


def _sections(ctx: _Ctx) -> list[Section]:
    return ctx.pkg.sections()


def _check_sections(ctx: _Ctx) -> None:
    if not _sections(ctx):
        ctx.add(
            Severity.ERROR,
            Clause.PAPER,
            "paper-size",
            "文档没有页面设置（w:sectPr），Word 按默认纸张和页边距排版",
            measured="无页面设置（w:sectPr）",
            expected=f"A4，页边距 {spec.MARGIN_TOP_MM:g}/{spec.MARGIN_BOTTOM_MM:g}/"
            f"{spec.MARGIN_LEFT_MM:g}/{spec.MARGIN_RIGHT_MM:g} mm",
        )
    for n, sect in enumerate(_sections(ctx), start=1):
        where = f"第{n}节"
        w, h = sect.page_width or 0, sect.page_height or 0
        want_w, want_h = twips(spec.PAGE_WIDTH), twips(spec.PAGE_HEIGHT)
        if abs(w - want_w) > TWIPS_TOL or abs(h - want_h) > TWIPS_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.PAPER,
                "paper-size",
                "纸张不是 A4",
                where=where,
                measured=f"{w / 20 * spec.MM_PER_PT:.1f} × {h / 20 * spec.MM_PER_PT:.1f} mm",
                expected=f"{spec.PAGE_WIDTH_MM:g} × {spec.PAGE_HEIGHT_MM:g} mm"
                f"（{want_w} × {want_h}）",
            )
        mar = sect.margins
        for key, want, label in (
            ("top", spec.MARGIN_TOP, "天头（上白边）"),
            ("bottom", spec.MARGIN_BOTTOM, "下白边"),
            ("left", spec.MARGIN_LEFT, "订口（左白边）"),
            ("right", spec.MARGIN_RIGHT, "右白边"),
        ):
            got = mar[key] or 0
            if key == "left":
                got += mar["gutter"] or 0
            if key == "bottom":  # a footer reaching higher than the margin ends the text
                got = max(abs(got), twips(_footer_top(ctx, sect) or 0.0))
            if abs(abs(got) - twips(want)) > TWIPS_TOL:
                ctx.add(
                    Severity.ERROR,
                    Clause.TYPE_AREA,
                    f"margin-{key}",
                    f"{label}不对",
                    where=where,
                    measured=f"{abs(got) / 20 * spec.MM_PER_PT:.1f} mm（{got}）",
                    expected=f"{spec.pt_to_mm(want):.0f} mm（{twips(want)}）",
                )
        gtype, pitch = sect.grid_type, sect.line_pitch
        if gtype in ("lines", "linesAndChars", "snapToChars"):
            if pitch is None or abs(pitch - LINE_TWIPS) > LINE_TWIPS_TOL:
                ctx.add(
                    Severity.WARNING,
                    Clause.LINES,
                    "grid-line-pitch",
                    "文档网格行距不是 28.95 磅",
                    where=where,
                    measured=f"{pitch}",
                    expected=f"{LINE_TWIPS}",
                )
        else:
            ctx.add(
                Severity.WARNING,
                Clause.LINES,
                "grid-missing",
                "未设置文档网格（每页 22 行）",
                where=where,
                measured=f"docGrid type={gtype}",
                expected=f'w:docGrid w:type="lines" w:linePitch="{LINE_TWIPS}"',
            )
        ctx.report.measurements.setdefault("docx", {}).setdefault("sections", []).append(
            {
                "page_twips": [w, h],
                "margins_twips": {k: mar[k] for k in ("top", "bottom", "left", "right")},
                "grid": {"type": gtype, "linePitch": pitch},
            }
        )


def _grid(ctx: _Ctx) -> tuple[str, int | None, int | None]:
    secs = _sections(ctx)
    if not secs:
        return "default", None, None
    return secs[-1].grid_type, secs[-1].line_pitch, secs[-1].char_space


def _text_width_twips(ctx: _Ctx) -> int:
    secs = _sections(ctx)
    if not secs:
        return 0
    sect = secs[-1]
    mar = sect.margins
    return (sect.page_width or 0) - (mar["left"] or 0) - (mar["right"] or 0) - (mar["gutter"] or 0)


def _pitch_of(ctx: _Ctx, p: _Para, size: float) -> float | None:
    """The line pitch Word gives the paragraph (pt), or None if it depends on the font."""
    gtype, gpitch, _ = _grid(ctx)
    rule, line = p.props.line_rule, p.props.line
    if rule == "exact" or (rule == "atLeast" and line and line / 20 >= size * 1.3):
        return line / 20 if line else None
    grid_on = gtype in ("lines", "linesAndChars", "snapToChars") and p.props.snap and gpitch
    factor = (line or 240) / 240
    if grid_on:
        # Word: each line takes as many grid lines as it needs (one, for 3号 on 28.95 pt)
        return gpitch / 20 * max(1.0, factor)
    return None


BODY_LIKE = (
    Role.BODY,
    Role.ADDRESSEE,
    Role.CONTACT,
    Role.ATTACHMENT_NOTE,
    Role.SIGNATURE,
    Role.DATE,
    Role.NOTE,
    *spec.HEADING_ROLES,
)


def _check_paragraphs(ctx: _Ctx) -> None:
    agg: dict[str, list[tuple[_Para, str, str, str]]] = {}

    def note(rule: str, p: _Para, measured: str, expected: str, msg: str) -> None:
        agg.setdefault(rule, []).append((p, measured, expected, msg))

    for p in ctx.paras:
        if p.role is None or not p.runs:
            continue
        style = STYLES[p.role]
        want_role = style.font
        want_size = style.size
        heading_token = 0
        if p.role in spec.HEADING_ROLES:
            level = int(p.role.value[-1])
            mt = grammar.parse_heading_number(re.sub(r"\s+", "", p.text))
            heading_token = mt.end if mt is not None and mt.level == level else 0
        pos = 0
        for run in p.runs:
            start = pos
            pos += len(run.text)
            cjk = [ch for ch in run.text if spec.is_wide(ch)]
            if not run.text.strip():
                continue
            size = run.props.size or 10.0
            if abs(size - want_size) > 0.1:
                note(
                    f"size-{p.role.value}",
                    p,
                    f"{size:g} pt",
                    f"{want_size:g} pt",
                    f"{_ROLE_LABEL.get(p.role, p.role.value)}字号不对",
                )
            # which font roles this run may have: the heading number in the heading's font;
            # after it, a level-1 heading stays 黑体, a run-in level 2–4 goes on in 仿宋
            expect = want_role
            allowed = {want_role}
            if (
                p.role in spec.HEADING_ROLES
                and start >= heading_token > 0
                and p.role is not Role.HEADING1
            ):
                allowed.add(FontRole.FANGSONG)
            ea_name, ea_theme = ctx.font_name(run.props.fonts.get("eastAsia"))
            if cjk and run.props.bold:
                note("faux-bold", p, "加粗（w:b）", "不加粗", "中文加粗（无粗体字形时为伪粗体）")
            if cjk:
                if ea_theme:
                    note(
                        "theme-font",
                        p,
                        f"eastAsiaTheme → {ea_name or '（空）'}",
                        role_name(expect),
                        "中文字体取自主题字体（eastAsiaTheme），Word 按主题显示，"
                        "可能是 MS Mincho 等",
                    )
                role = font_role(ea_name, ctx.fontset) if ea_name else None
                if role not in allowed:
                    note(
                        f"font-{p.role.value}",
                        p,
                        ea_name or "（未指定，Word 默认字体）",
                        role_name(expect),
                        f"{_ROLE_LABEL.get(p.role, p.role.value)}中文字体不对",
                    )
            for slot in ("ascii", "hAnsi"):
                name, theme = ctx.font_name(run.props.fonts.get(slot))
                if not name:
                    continue
                western = is_western(name) and "times" not in name.lower()
                latin_text = any(not spec.is_wide(ch) and not ch.isspace() for ch in run.text)
                if theme or (western and latin_text):
                    note(
                        "latin-font",
                        p,
                        f"{slot}: {name}" + ("（主题）" if theme else ""),
                        role_name(expect) + " 或 Times New Roman",
                        "西文字体槽（ascii/hAnsi）不是公文字体，数字、字母和引号会用它",
                    )
            if (run.props.color or "000000").upper() not in (
                "000000",
                "AUTO",
            ) and p.role is not Role.ORGAN_MARK:
                note("text-colour", p, run.props.color or "", "000000", "正文文字不是黑色")
        if p.role in BODY_LIKE:
            pitch = _pitch_of(ctx, p, p.runs[0].props.size or BODY_SIZE)
            if pitch is None or abs(pitch - LINE_PITCH) > 0.3:
                rule = f"{p.props.line_rule or 'auto'} {p.props.line}"
                note(
                    "line-spacing",
                    p,
                    f"{pitch:.2f} pt（{rule}）" if pitch else f"随字体（{rule}）",
                    f"固定值 {LINE_PITCH:g} 磅或文档网格 {LINE_TWIPS}",
                    "行距与 22 行版心不符",
                )
        if p.role in BODY_LIKE and not p.props.kinsoku:
            note(
                "kinsoku-off",
                p,
                "避头尾关闭（w:kinsoku）",
                "避头尾开启（w:kinsoku）",
                "未启用中文避头尾，标点可能出现在行首",
            )
        if p.role is Role.BODY and p.props.jc not in ("center", "right", "end"):
            first = p.props.chars("firstLine", BODY_SIZE)
            if (
                "hanging" not in p.props.ind
                and abs(first - spec.PARAGRAPH_INDENT_CHARS) > 0.3
                and len(p.text) > 30
            ):
                note("first-line-indent", p, f"{first:.1f} 字", "2 字", "正文段首应空二字")
    for rule, items in agg.items():
        p, measured, expected, msg = items[0]
        clause = {
            "line-spacing": Clause.LINES,
            "first-line-indent": Clause.BODY,
            "text-colour": Clause.COLOUR,
            "kinsoku-off": Clause.PUNCTUATION,
        }.get(rule)
        if clause is None:
            if rule.endswith(("heading1", "heading2", "heading3", "heading4")):
                clause = Clause.BODY
            elif rule.endswith("title"):
                clause = Clause.TITLE
            elif rule.endswith(("record_cc", "record_print")):
                clause = Clause.RECORD
            elif rule.endswith("organ_mark"):
                clause = Clause.ORGAN_MARK
            else:
                clause = Clause.FONTS
        sev = (
            Severity.WARNING
            if rule
            in ("latin-font", "first-line-indent", "text-colour", "kinsoku-off", "faux-bold")
            else Severity.ERROR
        )
        count = len({id(i[0]) for i in items})
        ctx.add(
            sev,
            clause,
            rule.replace("_", "-"),
            f"{msg}（{count} 段，首见{p.where()}）",
            para=p,
            measured=measured,
            expected=expected,
        )


_ROLE_LABEL = {
    Role.BODY: "正文",
    Role.TITLE: "标题",
    Role.HEADING1: "一级标题",
    Role.HEADING2: "二级标题",
    Role.HEADING3: "三级标题",
    Role.HEADING4: "四级标题",
    Role.SIGNATURE: "署名",
    Role.DATE: "成文日期",
    Role.RECORD_CC: "版记",
    Role.RECORD_PRINT: "版记",
    Role.ORGAN_MARK: "发文机关标志",
    Role.DOC_NUMBER: "发文字号",
    Role.ATTACHMENT_LABEL: "附件标识",
    Role.REPLY_CATEGORY: "答复类别",
}


def _check_chars_per_line(ctx: _Ctx) -> None:
    body = [p for p in ctx.paras if p.role is Role.BODY and p.runs]
    if not body:
        return
    size = body[0].runs[0].props.size or BODY_SIZE
    spacing = body[0].runs[0].props.spacing
    gtype, _, char_space = _grid(ctx)
    advance = size + spacing
    if gtype in ("linesAndChars", "snapToChars"):
        # Word's character grid: the Normal style's size plus charSpace/4096 pt per cell; a
        # glyph takes the cells nearest its width (Word sets 3号 on a 15.8 pt grid one per cell)
        base = ctx.styles.paragraph_props(None)[1]
        grid_pitch = (base.size or 10.5) + (char_space or 0) / 4096
        if grid_pitch < size:
            ctx.add(
                Severity.WARNING,
                Clause.LINES,
                "char-grid-libreoffice",
                "字符网格间距小于字号：LibreOffice 会给每个字占两格",
                measured=f"{grid_pitch:.2f} pt",
                expected=f"≥ {size:g} pt，或只用行网格",
            )
        if grid_pitch > 0:
            advance = max(1, round(advance / grid_pitch)) * grid_pitch
    width = _text_width_twips(ctx) / 20
    if width <= 0:
        return
    per_line = int(width / advance + 1e-6) if advance > 0 else 0
    ctx.report.measurements.setdefault("docx", {}).update(
        {"body_size_pt": size, "char_advance_pt": round(advance, 3), "chars_per_line": per_line}
    )
    if per_line != CHARS_PER_LINE:
        ctx.add(
            Severity.ERROR if abs(per_line - CHARS_PER_LINE) > 1 else Severity.WARNING,
            Clause.LINES,
            "chars-per-line",
            "每行字数不是 28 字",
            measured=f"{per_line} 字（字宽 {advance:.2f} pt，行宽 {width:.1f} pt）",
            expected=f"{CHARS_PER_LINE} 字",
        )


def _check_signature(ctx: _Ctx) -> None:
    dates = [p for p in ctx.paras if p.role is Role.DATE]
    for p in dates:
        _check_date(ctx, "date-format", re.sub(r"\s+", "", p.text), p.text.strip(), para=p)
    for p in ctx.paras:
        if p.role is Role.RECORD_PRINT:
            m = grammar.parse_print_line(re.sub(r"\s+", "", p.text))
            if m:
                _check_date(ctx, "print-date-format", m.date.written, p.text.strip(), para=p)
        if p.role is Role.DOC_NUMBER:
            text = re.sub(r"\s+", "", p.text)
            mt = _doc_number(text)
            if mt and mt.problems():
                ctx.add(
                    Severity.ERROR,
                    Clause.DOC_NUMBER,
                    "doc-number-format",
                    "发文字号格式不对",
                    para=p,
                    measured=text,
                    expected=mt.canonical,
                )
    if not dates:
        return
    date = dates[-1]
    block = []
    for q in reversed([q for q in ctx.paras if q.index < date.index and q.text.strip()]):
        if q.role is not Role.SIGNATURE:
            break
        block.append(q)
    if not block:
        return

    def start_from_right(p: _Para) -> float | None:
        width = spec.text_width_chars(p.text.strip())
        if p.props.jc in ("right", "end"):
            return p.props.chars("right", BODY_SIZE) + width
        if p.props.jc in ("left", "start", "both", "distribute", None):
            left = p.props.chars("left", BODY_SIZE) + p.props.chars("firstLine", BODY_SIZE)
            return CHARS_PER_LINE - left
        return None

    starts = [start_from_right(q) for q in block]
    if any(v is None for v in starts):
        return
    # the lead organ's 署名 (the longest) sets the offset; the others align with it
    s, sig = max(zip(starts, block, strict=True), key=lambda t: t[0])  # type: ignore[arg-type]
    d = start_from_right(date)
    if d is None:
        return
    sig_right = s - spec.text_width_chars(sig.text.strip())
    date_right = d - spec.text_width_chars(date.text.strip())
    offset = s - d
    centre = (s + sig_right) / 2 - (d + date_right) / 2
    if not _signature_placed(sig_right, date_right, offset, centre):
        ctx.add(
            Severity.ERROR,
            Clause.SIGNATURE,
            "signature-placement",
            "署名和成文日期的位置不对",
            para=date,
            measured=f"署名右空 {sig_right:.1f} 字，日期首字在署名首字右 {offset:.1f} 字",
            expected="不加盖印章：署名右空二字，日期首字比署名首字右移二字；"
            "加盖印章：日期右空四字，署名居中于日期之上",
        )


def _check_footers(ctx: _Ctx) -> None:
    secs = _sections(ctx)
    if not secs:
        ctx.add(
            Severity.ERROR,
            Clause.PAGE_NUMBER,
            "page-number-missing",
            "没有页脚，也就没有页码",
            where="页脚",
            expected=spec.page_number_text(1).replace("1", "{PAGE}"),
        )
        return
    sect = secs[-1]
    title_pg = sect.title_page
    even_odd = ctx.pkg.even_and_odd_headers
    footer_dist = (sect.margins["footer"] or 0) / 20

    def footer(kind: str) -> Footer | None:
        rid = sect.footers.get(kind)
        return ctx.pkg.footer(rid) if rid else None

    default = footer("default")
    if default is None or not default.has_page:
        ctx.add(
            Severity.ERROR,
            Clause.PAGE_NUMBER,
            "page-number-missing",
            "页脚中没有页码（PAGE 域）",
            where="页脚",
            expected=spec.page_number_text(1).replace("1", "{PAGE}"),
        )
        return
    if ctx.letter and not title_pg:
        ctx.add(
            Severity.ERROR,
            Clause.PAGE_NUMBER,
            "page-number-unexpected",
            "信函格式首页不标页码：应设“首页不同”且首页页脚无页码",
            where="页脚",
            measured="未设 titlePg",
            expected="首页不同（w:titlePg）",
        )
    if title_pg:
        first = footer("first")
        if first is not None and first.has_page and ctx.letter:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-unexpected",
                "信函格式首页页脚不应有页码",
                where="首页页脚",
            )
    even = footer("even")
    if not even_odd or even is None or not even.has_page:
        ctx.add(
            Severity.ERROR,
            Clause.PAGE_NUMBER,
            "page-number-side",
            "单页码居右、双页码居左需要奇偶页不同的页脚",
            where="页脚",
            measured="未设奇偶页不同" if not even_odd else "偶数页页脚无页码",
            expected="奇偶页不同（w:evenAndOddHeaders），奇数页页脚居右空一字，偶数页页脚居左空一字",
        )
    dash = spec.PAGE_NUMBER_DASH
    indents = (twips(spec.PAGE_NUMBER_INDENT), twips(BODY_SIZE))
    for kind, side in (("default", "right"), ("even", "left")):
        foot = footer(kind)
        if foot is None or not foot.has_page:
            continue
        text = foot.text
        line = next((ln for ln in text.splitlines() if "{PAGE}" in ln), text)
        label = "奇数页页脚" if kind == "default" else "偶数页页脚"
        if not re.fullmatch(rf"\s*{dash}\s?\{{PAGE\}}\s?{dash}\s*", line):
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-format",
                "页码应为阿拉伯数字左右各加一条一字线（—）",
                where=label,
                measured=line,
                expected=f"{dash} {{PAGE}} {dash}",
            )
        p = _footer_para(foot)
        if p is None:
            continue
        props, sizes, fonts = p
        jc = props.jc or "left"
        want_jc = ("right", "end") if side == "right" else ("left", "start", "both")
        ind = props.ind.get(side, 0)
        if jc not in want_jc or min(abs(ind - i) for i in indents) > TWIPS_TOL:
            ctx.add(
                Severity.ERROR,
                Clause.PAGE_NUMBER,
                "page-number-side",
                f"{label}页码应居{'右' if side == 'right' else '左'}空一字",
                where=label,
                measured=f"对齐 {jc}，缩进 {ind} twips",
                expected=f"{side}，缩进 {indents[0]} twips（一字）",
            )
        for sz in sizes:
            if abs(sz - spec.PAGE_NUMBER_SIZE) > 0.1:
                ctx.add(
                    Severity.ERROR,
                    Clause.PAGE_NUMBER,
                    "page-number-size",
                    "页码不是 4 号",
                    where=label,
                    measured=f"{sz:g} pt",
                    expected=f"{spec.PAGE_NUMBER_SIZE:g} pt",
                )
                break
        for name in fonts:
            if font_role(name, ctx.fontset) is not spec.PAGE_NUMBER_FONT:
                ctx.add(
                    Severity.WARNING,
                    Clause.PAGE_NUMBER,
                    "page-number-font",
                    "页码不是宋体",
                    where=label,
                    measured=name,
                    expected="宋体",
                )
                break
        if kind == "default":
            centre = footer_dist + props.after / 20 + _footer_line(props, sizes) / 2
            want = spec.PAGE_HEIGHT - (
                spec.MARGIN_TOP
                + spec.TYPE_AREA_HEIGHT
                + spec.mm(spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM)
            )
            if abs(centre - want) > spec.mm(spec.PAGE_NUMBER_TOLERANCE_MM) + 1.5:
                ctx.add(
                    Severity.WARNING,
                    Clause.PAGE_NUMBER,
                    "page-number-position",
                    "页脚距离使页码不在版心下边缘之下 7 mm",
                    where=label,
                    measured=f"页码中线距页底约 {spec.pt_to_mm(centre):.1f} mm",
                    expected=f"约 {spec.pt_to_mm(want):.0f} mm",
                )


def _footer_line(props: ParaProps, sizes: list[float]) -> float:
    """Height of a footer paragraph's line, points."""
    size = max(sizes) if sizes else spec.PAGE_NUMBER_SIZE
    if props.line_rule == "exact" and props.line:
        return props.line / 20
    return size * 1.2 * ((props.line or 240) / 240)


def _footer_top(ctx: _Ctx, sect: Any) -> float | None:
    """How far above the page bottom the default (numbered) footer reaches: footer distance,
    spacing and the page number's line. Text ends above it (信函格式 pads its footer up to
    the type area, the bottom margin being page 1's, whose text runs lower: 10.1)."""
    rid = sect.footers.get("default")
    foot = ctx.pkg.footer(rid) if rid else None
    found = _footer_para(foot) if foot is not None else None
    if found is None:
        return None
    props, sizes, _ = found
    dist = (sect.margins["footer"] or 0) / 20
    return dist + (props.before + props.after) / 20 + _footer_line(props, sizes)


def _footer_para(foot: Footer) -> tuple[ParaProps, list[float], list[str]] | None:
    """The properties, run sizes and font names of the footer's paragraph with the field."""
    p = foot.field_paragraph
    if p is None:
        return None
    sizes, fonts = [], []
    for r in p.runs:
        if not r.text.strip():
            continue
        sizes.append(r.props.size or 10.0)
        slot = "eastAsia" if any(spec.is_wide(c) for c in r.text) else "ascii"
        kind_value = r.props.fonts.get(slot)
        if kind_value:
            fonts.append(kind_value[1])
    return p.props, sizes, list(dict.fromkeys(fonts))


def _fonts_named(ctx: _Ctx) -> None:
    names = ctx.pkg.font_names()
    if names:
        listed = "、".join(f"{n}（{role_name(font_role(n, ctx.fontset))}）" for n in sorted(names))
        ctx.add(Severity.INFO, Clause.FONTS, "fonts-named", "文档用到的字体", measured=listed)
    ctx.report.measurements.setdefault("docx", {})["fonts"] = sorted(names)


def _letter_detected(paras: list[_Para]) -> bool:
    """信函格式: organ marks, none of them a 文件格式 one (“…文件”, or a joint mark's
    “文件” beside the stacked names)."""
    marks = [p.text.strip() for p in paras if p.role is Role.ORGAN_MARK]
    return bool(marks) and not any(m.endswith(spec.DOCUMENT_MARK_SUFFIX) for m in marks)


def check_docx(
    path: str | Path,
    *,
    letter_format: bool = False,
    render: bool = False,
    rendered_pdf: str | Path | bytes | None = None,
    fontset: Any = None,
    report: Report | None = None,
) -> Report:
    """Check a DOCX's settings; with ``render`` (or a ``rendered_pdf`` made earlier) also the
    PDF rules on LibreOffice's rendering of it."""
    path = Path(path)
    report = report or Report(str(path), "docx", letter_format=letter_format)
    pkg = DocxDocument.open(read_input(path), str(path)).package
    styles, theme = pkg.styles, pkg.theme
    paras = _paragraphs(pkg)
    _classify(paras)
    if not any(p.text.strip() for p in paras):
        report.add(Severity.ERROR, Clause.BODY, "no-text", "文档没有文字", source="docx")
        return report
    ctx = _Ctx(pkg, report, fontset, styles, theme, paras, letter_format or _letter_detected(paras))
    _check_sections(ctx)
    _check_paragraphs(ctx)
    _check_chars_per_line(ctx)
    _check_signature(ctx)
    _check_footers(ctx)
    _fonts_named(ctx)
    if render or rendered_pdf is not None:
        from ..read.pdf import read_pdf_geometry
        from .pdf import check_measure

        if rendered_pdf is None:
            from .render import render_docx_to_pdf

            rendered_pdf = render_docx_to_pdf(path)
        report.rendered = True
        m = read_pdf_geometry(rendered_pdf)
        check_measure(m, report, letter_format=letter_format, fontset=fontset, origin="render")
    return report
