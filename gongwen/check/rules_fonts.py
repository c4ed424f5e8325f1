"""Rules of GB/T 9704 §5.2.2 (fonts and sizes) and the project's decision 2 (no faux bold):
on the page, the body's size and font, embedded fonts, missing glyphs; in a DOCX, the size
and fonts of every run by the role of its paragraph."""

from __future__ import annotations

from collections.abc import Iterator

from .. import grammar, spec
from ..spec import BODY_SIZE, STYLES, FontRole, Role
from .facts import compact
from .facts_docx import DocxFacts, RunFacts
from .facts_pdf import PdfFacts
from .fontnames import font_role, is_western, role_name
from .layout_roles import Para
from .report import Clause
from .report import Severity as S
from .rules import DOCUMENT, Hit, Route, at_line, at_page, at_paragraph, hit, rule

SIZE_TOL = 0.15  # pt, font sizes on the page

# --- on the page ----------------------------------------------------------------------------


@rule("font-not-embedded", Clause.FONTS, S.ERROR, "字体 {name} 未嵌入，读者电脑上会换成别的字体",
      Route.PDF, expected="所有字体嵌入文件")
def font_not_embedded(f: PdfFacts) -> Iterator[Hit]:
    for use in f.geometry.fonts.values():
        if not use.embedded:
            pages = sorted(use.pages)
            yield hit(at_page(pages[0]) if pages else DOCUMENT,
                      measured=f"{use.name}（{use.subtype}）未嵌入", name=use.name)


_MISSING = {
    "glyph 0": "字体中没有该字（画成 .notdef 空框）",
    "U+FFFD": "文字提取为替换符 U+FFFD",
    "control": "字形映射为控制字符（原字缺失）",
    "no Unicode": "字形没有 Unicode 映射，无法复制和检索",
}


@rule("missing-glyph", Clause.FONTS, S.ERROR, "缺字：{what}", Route.PDF, also=S.WARNING,
      expected="字体含有每个字")
def missing_glyph(f: PdfFacts) -> Iterator[Hit]:
    """Each character and font once; a glyph without Unicode is a warning (it shows, but
    cannot be copied or searched)."""
    seen: set[tuple[str, str]] = set()
    for miss in f.geometry.missing:
        if (miss.char, miss.font) in seen:
            continue
        seen.add((miss.char, miss.font))
        yield hit(at_page(miss.page), measured=f"{miss.char!r}（{miss.font}）",
                  what=_MISSING[miss.reason],
                  severity=S.ERROR if miss.reason != "no Unicode" else S.WARNING)


@rule("body-size", Clause.FONTS, S.ERROR, "正文字号不是 3 号", Route.PDF,
      expected=f"{BODY_SIZE:g} pt（3 号）")
def body_size(f: PdfFacts) -> Iterator[Hit]:
    if abs(f.body_size - BODY_SIZE) > SIZE_TOL:
        yield hit(measured=f"{f.body_size:g} pt")


@rule("body-font", Clause.FONTS, S.ERROR, "正文不是仿宋（{count} 行，首见{first}）", Route.PDF,
      fold="行", expected="仿宋（仿宋_GB2312、FangSong 等）")
def body_font(f: PdfFacts) -> Iterator[Hit]:
    """Body lines with CJK glyphs in a face of no GB/T 9704 role."""
    for ln, roles in f.body_fonts:
        if roles.get(None):
            names = {g.font for g in ln.glyphs if g.wide and f.font(g.font) is None}
            yield hit(at_line(ln), measured="、".join(sorted(names)))


@rule("body-font-role", Clause.FONTS, S.WARNING, "正文行的字体不是仿宋（{count} 行，首见{first}）",
      Route.PDF, fold="行", expected="仿宋")
def body_font_role(f: PdfFacts) -> Iterator[Hit]:
    """Body lines set mostly in another of the standard's faces (黑体, 楷体 …)."""
    for ln, roles in f.body_fonts:
        main = roles.most_common(1)[0][0]
        if not roles.get(None) and main is not FontRole.FANGSONG:
            yield hit(at_line(ln), measured=role_name(main))


@rule("faux-bold", Clause.FONTS, S.WARNING,
      "伪粗体：字形被描边或重复叠印（{count} 行，首见{first}）", Route.PDF, fold="行",
      expected="不加粗，字体本身的字重（如小标宋）")
def faux_bold(f: PdfFacts) -> Iterator[Hit]:
    for p in f.pages:
        for ln in p.lines:
            if any(g.stroked and g.wide for g in ln.glyphs):
                yield hit(at_line(ln), measured="描边/叠印")


# --- in a DOCX: each run by its paragraph's role ----------------------------------------------

ROLE_LABEL = {
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
    Role.ATTACHMENT_TITLE: "附件标题",
    Role.REPLY_CATEGORY: "答复类别",
}


def role_clause(role: Role) -> Clause:
    """The clause a role's size and font belong to."""
    if role in spec.HEADING_ROLES:
        return Clause.BODY
    if role in (Role.TITLE, Role.ATTACHMENT_TITLE):
        return Clause.TITLE
    if role in spec.RECORD_ROLES:
        return Clause.RECORD
    if role is Role.ORGAN_MARK:
        return Clause.ORGAN_MARK
    return Clause.FONTS


def runs_of(f: DocxFacts, role: Role | None = None) -> Iterator[tuple[Para, RunFacts]]:
    """Each run with text of the paragraphs of ``role`` (of every role when None)."""
    for p in f.paras:
        if p.role is not None and (role is None or p.role is role):
            for r in f.runs.get(p.index, ()):
                yield p, r


def allowed_fonts(p: Para, r: RunFacts) -> set[FontRole]:
    """The faces a run may be in: its role's; after the number of a run-in heading of level
    2–4, also 仿宋 (decision 3); after the heading's sentence of a run-in level-1 heading
    (as a published letter may have one), 仿宋 too."""
    want = STYLES[p.role].font  # type: ignore[index]
    if p.role not in spec.HEADING_ROLES:
        return {want}
    text = compact(p.text)
    number = grammar.parse_heading_number(text)
    if number is None:
        return {want}
    token = number.end
    if p.role is Role.HEADING1:
        cut = grammar.run_in_split(text[number.end:])
        token = number.end + cut if cut else 0
    return {want, FontRole.FANGSONG} if r.start >= token > 0 else {want}


def _role_rules(role: Role) -> None:
    label, want = ROLE_LABEL[role], STYLES[role]
    rid = role.value.replace("_", "-")

    @rule(f"size-{rid}", role_clause(role), S.ERROR,
          f"{label}字号不对（{{count}} 段，首见{{first}}）", Route.DOCX, fold="段",
          expected=f"{want.size:g} pt")
    def size(f: DocxFacts) -> Iterator[Hit]:
        for p, r in runs_of(f, role):
            if abs(r.size - want.size) > 0.1:
                yield hit(at_paragraph(p.index), measured=f"{r.size:g} pt")

    @rule(f"font-{rid}", role_clause(role), S.ERROR,
          f"{label}中文字体不对（{{count}} 段，首见{{first}}）", Route.DOCX, fold="段",
          expected=role_name(want.font))
    def font(f: DocxFacts) -> Iterator[Hit]:
        for p, r in runs_of(f, role):
            if r.cjk and r.east_asian_role not in allowed_fonts(p, r):
                yield hit(at_paragraph(p.index),
                          measured=r.east_asian or "（未指定，Word 默认字体）")


for _role in ROLE_LABEL:
    _role_rules(_role)


@rule("theme-font", Clause.FONTS, S.ERROR,
      "中文字体取自主题字体（eastAsiaTheme），Word 按主题显示，可能是 MS Mincho 等"
      "（{count} 段，首见{first}）", Route.DOCX, fold="段")
def theme_font(f: DocxFacts) -> Iterator[Hit]:
    for p, r in runs_of(f):
        if r.cjk and r.east_asian_theme:
            yield hit(at_paragraph(p.index), measured=f"eastAsiaTheme → {r.east_asian or '（空）'}",
                      expected=role_name(STYLES[p.role].font))  # type: ignore[index]


@rule("latin-font", Clause.FONTS, S.WARNING,
      "西文字体槽（ascii/hAnsi）不是公文字体，数字、字母和引号会用它（{count} 段，首见{first}）",
      Route.DOCX, fold="段")
def latin_font(f: DocxFacts) -> Iterator[Hit]:
    """A theme font, or a Western face (Times New Roman aside) on Latin text, in the
    ``ascii``/``hAnsi`` slots."""
    theme = f.package.theme
    for p, r in runs_of(f):
        latin_text = any(not spec.is_wide(ch) and not ch.isspace() for ch in r.run.text)
        for slot in ("ascii", "hAnsi"):
            name, from_theme = theme.font_name(r.run.props.fonts.get(slot))
            western = bool(name) and is_western(name) and "times" not in name.lower()
            if name and (from_theme or (western and latin_text)):
                yield hit(at_paragraph(p.index),
                          measured=f"{slot}: {name}" + ("（主题）" if from_theme else ""),
                          expected=role_name(STYLES[p.role].font) + " 或 Times New Roman")  # type: ignore[index]


@rule("faux-bold", Clause.FONTS, S.WARNING,
      "中文加粗（无粗体字形时为伪粗体）（{count} 段，首见{first}）", Route.DOCX, fold="段",
      expected="不加粗")
def docx_faux_bold(f: DocxFacts) -> Iterator[Hit]:
    for p, r in runs_of(f):
        if r.cjk and r.run.props.bold:
            yield hit(at_paragraph(p.index), measured="加粗（w:b）")


@rule("fonts-named", Clause.FONTS, S.INFO, "文档用到的字体", Route.DOCX)
def fonts_named(f: DocxFacts) -> Iterator[Hit]:
    if f.font_names:
        yield hit(measured="、".join(
            f"{n}（{role_name(font_role(n, f.fontset))}）" for n in sorted(f.font_names)))
