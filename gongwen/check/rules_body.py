"""Rules of the 主体 (GB/T 9704 §7.3): the title (7.3.1), headings and body text (7.3.3),
the 署名 and the 成文日期 (7.3.5), the 附注 (7.3.6); the forms a published letter keeps as
written (decision 14: a date in Chinese numerals, no 署名, a 公开属性 line above the title,
a 附注 without parentheses) are warnings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from .. import grammar, spec
from ..spec import BODY_SIZE, TYPE_RIGHT, FontRole, Role
from . import layout_roles
from .facts import Placement, WrittenDate
from .facts_docx import DocxFacts
from .facts_pdf import PdfFacts
from .fontnames import role_name
from .layout_roles import SENTENCE_END
from .report import Clause
from .report import Severity as S
from .rules import Hit, Route, at_line, at_page, at_paragraph, hit, rule
from .rules_fonts import SIZE_TOL

# --- 7.3.1 title ----------------------------------------------------------------------------


@rule("title-size", Clause.TITLE, S.ERROR, "标题字号不是 2 号", Route.PDF,
      expected=f"{spec.SIZE_2HAO:g} pt（2 号）")
def title_size(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.titles:
        if abs(ln.size - spec.SIZE_2HAO) > SIZE_TOL:
            yield hit(at_line(ln), measured=f"{ln.size:g} pt")


@rule("title-font", Clause.TITLE, S.ERROR, "标题不是小标宋", Route.PDF, expected="小标宋")
def title_font(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.titles:
        wrong = f.wrong_font(ln, FontRole.XIAOBIAOSONG)
        if wrong is not None:
            yield hit(at_line(ln), measured=wrong)


@rule("no-title", Clause.TITLE, S.INFO, "第 1 页没有找到 2 号居中的标题", Route.PDF)
def no_title(f: PdfFacts) -> Iterator[Hit]:
    if not f.titles:
        yield hit(at_page(1))


# --- 7.3.3 body text and headings -----------------------------------------------------------


@rule("no-text", Clause.BODY, S.ERROR, "文件中没有可提取的文字（扫描件或图片？）", Route.PDF,
      on_empty=True)
def pdf_no_text(f: PdfFacts) -> Iterator[Hit]:
    yield hit()


@rule("no-text", Clause.BODY, S.ERROR, "文档没有文字", Route.DOCX, on_empty=True)
def docx_no_text(f: DocxFacts) -> Iterator[Hit]:
    yield hit()


def _heading_rules(level: int) -> None:
    role = spec.HEADING_ROLES[level - 1]
    want = spec.STYLES[role].font

    def headings(f: PdfFacts) -> Iterator:
        return (ln for ln in f.body_lines() if f.roles.get(id(ln)) is role)

    @rule(f"heading{level}-font", Clause.BODY, S.ERROR, f"{level} 级标题“{{number}}”的字体不对",
          Route.PDF, expected=role_name(want))
    def font(f: PdfFacts) -> Iterator[Hit]:
        """The heading number and the character or two after it in the level's face."""
        for ln in headings(f):
            number = grammar.parse_heading_number(ln.compact)
            assert number is not None
            span = ln.glyphs[: number.end + (2 if level <= 2 else 1)]
            roles = [f.font(g.font) for g in span if g.wide]
            if roles and any(r is not want for r in roles):
                got = Counter(roles).most_common(1)[0][0]
                yield hit(at_line(ln), measured=role_name(got), number=number.written)

    @rule(f"heading{level}-size", Clause.BODY, S.ERROR, f"{level} 级标题字号不是 3 号", Route.PDF,
          expected=f"{BODY_SIZE:g} pt")
    def size(f: PdfFacts) -> Iterator[Hit]:
        for ln in headings(f):
            if abs(ln.size - BODY_SIZE) > SIZE_TOL:
                yield hit(at_line(ln), measured=f"{ln.size:g} pt")


for _level in range(1, 5):
    _heading_rules(_level)


def _number_form(text: str, role: Role | None) -> Hit | None:
    """A hit when a heading's number is not its level's form (“1.” right under “一、”)."""
    if role not in spec.HEADING_ROLES:
        return None
    number = grammar.parse_heading_number(text)
    level = spec.HEADING_ROLES.index(role) + 1
    if number is None or number.level == level:
        return None
    return hit(measured=f"第 {level} 层用“{number.written}”",
               expected=f"第 {level} 层用“{grammar.format_heading_number(level, 1)}”这样的序数")


@rule("heading-number-form", Clause.BODY, S.WARNING,
      "标题序数与层次不符（{count} 行，首见{first}；公布稿写法，依次用一、（一）1.（1））",
      Route.PDF, fold="行")
def heading_number_form(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.body_lines():
        found = _number_form(ln.compact, f.roles.get(id(ln)))
        if found is not None:
            found.loc = at_line(ln)
            yield found


@rule("heading-number-form", Clause.BODY, S.WARNING,
      "标题序数与层次不符（{count} 段，首见{first}；公布稿写法，依次用一、（一）1.（1））",
      Route.DOCX, fold="段")
def docx_heading_number_form(f: DocxFacts) -> Iterator[Hit]:
    for p in f.paras:
        found = _number_form(p.text.strip(), p.role)
        if found is not None:
            found.loc = at_paragraph(p.index)
            yield found


@rule("attachment-label-font", Clause.BODY, S.ERROR, "附件标识不是黑体", Route.PDF, expected="黑体")
def attachment_label_font(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.body_lines():
        if f.roles.get(id(ln)) is Role.ATTACHMENT_LABEL:
            roles = {f.font(g.font) for g in ln.glyphs if g.wide}
            if roles != {FontRole.HEITI}:
                yield hit(at_line(ln), measured="、".join(sorted(role_name(r) for r in roles)))


@rule("first-page-no-text", Clause.BODY, S.ERROR, "首页没有正文", Route.PDF,
      expected="首页须显示正文")
def first_page_no_text(f: PdfFacts) -> Iterator[Hit]:
    """The first page must show 正文: a body line below the 版头 and the title."""
    titles = {id(ln) for ln in f.titles}
    body = [ln for ln in f.body[1] if id(ln) not in f.header and id(ln) not in titles]
    if not body and len(f.pages) > 1:
        yield hit(at_page(1))


@rule("first-line-indent", Clause.BODY, S.WARNING, "正文段首应空二字（{count} 段，首见{first}）",
      Route.DOCX, fold="段", expected="2 字")
def first_line_indent(f: DocxFacts) -> Iterator[Hit]:
    for p in f.paras:
        if p.role is not Role.BODY or not p.runs or p.props.jc in ("center", "right", "end"):
            continue
        first = p.props.chars("firstLine", BODY_SIZE)
        if (
            "hanging" not in p.props.ind
            and abs(first - spec.PARAGRAPH_INDENT_CHARS) > 0.3
            and len(p.text) > 30
        ):
            yield hit(at_paragraph(p.index), measured=f"{first:.1f} 字")


# --- 7.3.5 署名和成文日期 ------------------------------------------------------------------------


@rule("date-format", Clause.SIGNATURE, S.ERROR, "成文日期格式不对：{problems}", Route.BOTH,
      expected="如 2022年9月29日", also=S.WARNING)
def date_format(f: PdfFacts | DocxFacts) -> Iterator[Hit]:
    """Arabic numerals, the full year, no zero padding. A form a published letter keeps as
    written (Chinese numerals, leading zeros: decision 14) is a warning."""
    return date_hits(f.written_dates, published=True)


def date_hits(dates: list[WrittenDate], *, published: bool = False) -> Iterator[Hit]:
    """The dates not written as GB/T 9704 wants, with what is wrong (``problems``); with
    ``published``, a published letter's form (:attr:`grammar.WrittenDate.published_form`)
    is a warning."""
    for d in dates:
        written = grammar.parse_date(d.date)
        problems = written.problems() if written is not None else []
        if problems:
            kept = published and written is not None and written.published_form
            yield hit(d.loc, measured=d.shown, severity=S.WARNING if kept else None,
                      problems="；".join(problems))


@rule("no-date", Clause.SIGNATURE, S.INFO, "没有找到单独成行的成文日期", Route.PDF)
def no_date(f: PdfFacts) -> Iterator[Hit]:
    if not f.dates:
        yield hit()


@rule("signature-alone", Clause.SIGNATURE, S.ERROR,
      "署名和成文日期所在页的正文不足两行（不得出现只有署名和日期的页面）", Route.PDF,
      expected=f"≥ {spec.SIGNATURE_MIN_LINES_BEFORE} 行正文")
def signature_alone(f: PdfFacts) -> Iterator[Hit]:
    """At least two lines of 正文 above the 署名 on its page; the 附件说明, contact lines
    and a lone heading do not count (decision 10)."""
    sig = f.signature
    if sig is not None and sig.text_before < spec.SIGNATURE_MIN_LINES_BEFORE:
        yield hit(at_line(sig.top),
                  measured=f"本页署名前 {sig.text_before} 行正文（共 {sig.lines_before} 行）")


@rule("signature-placement", Clause.SIGNATURE, S.ERROR, "署名和成文日期的位置不对", Route.BOTH,
      expected="不加盖印章：署名右空二字，日期首字比署名首字右移二字；"
      "加盖印章：日期右空四字，署名以日期为准居中")
def signature_placement(f: PdfFacts | DocxFacts) -> Iterator[Hit]:
    pl: Placement | None = f.placement
    if pl is not None and not pl.placed:
        yield hit(pl.loc, measured=f"署名右空 {pl.signature_right:.1f} 字，"
                  f"日期首字在署名首字右 {pl.offset:.1f} 字，日期右空 {pl.date_right:.1f} 字")


@rule("signature-wrapped", Clause.SIGNATURE, S.ERROR, "署名“{text}”折成了 {lines} 行",
      Route.PDF, expected="每个署名排在一行，右空二字（联合行文各署名依次向下编排）")
def signature_wrapped(f: PdfFacts) -> Iterator[Hit]:
    """A 署名 as the file writes it (a rendered DOCX's 署名 paragraph) set on more than one
    line: its next line reads like a joint issue's next 署名 but is not one, and is not two
    characters from the right edge (decision 10)."""
    sig = f.signature
    for group in sig.written() if sig is not None else ():
        if len(group) > 1:
            yield hit(at_line(group[1]), text="".join(ln.compact for ln in group),
                      lines=len(group), measured="；".join(
                          f"“{ln.compact}”右空 {(TYPE_RIGHT - ln.x1) / BODY_SIZE:.1f} 字"
                          for ln in group))


@rule("no-signature", Clause.SIGNATURE, S.WARNING,
      "成文日期之上没有发文机关署名（公布稿写法）", Route.PDF, expected="署名在成文日期之上一行")
def no_signature(f: PdfFacts) -> Iterator[Hit]:
    """The last date stands alone: no line right above it, or a line that ends a sentence
    (the body's last paragraph)."""
    if not f.dates:
        return
    sig = f.signature
    if sig is None or sig.top.compact.endswith(SENTENCE_END):
        yield hit(at_line(f.dates[-1]), measured="无署名")


@rule("no-signature", Clause.SIGNATURE, S.WARNING,
      "成文日期之上没有发文机关署名（公布稿写法）", Route.DOCX, expected="署名在成文日期之上一段")
def docx_no_signature(f: DocxFacts) -> Iterator[Hit]:
    """The last date's paragraph has no 署名 paragraph right above it."""
    dates = [p for p in f.paras if p.role is Role.DATE]
    if not dates:
        return
    above = [q for q in f.paras if q.index < dates[-1].index and q.text.strip()]
    if not above or above[-1].role is not Role.SIGNATURE:
        yield hit(at_paragraph(dates[-1].index), measured="无署名")


# --- 7.3.6 附注 --------------------------------------------------------------------------------


@rule("note-place", Clause.NOTE, S.WARNING,
      "附注“{text}”不在成文日期之下（公布稿写法）", Route.PDF,
      expected="成文日期下一行，居左空二字")
def note_place(f: PdfFacts) -> Iterator[Hit]:
    """A 公开属性 line (“主动公开”, “（此件依申请公开）”) above the 成文日期: above or
    below the title, as some offices publish it."""
    if not f.dates:
        return
    date = f.dates[-1]
    for p in f.pages[: date.page]:
        for ln in p.lines:
            if ln.page == date.page and ln.baseline >= date.baseline:
                return
            if f.in_type_area(ln) and grammar.parse_publicity(ln.compact) is not None:
                yield hit(at_line(ln), measured=ln.compact, text=ln.compact)


def _unbracketed(text: str) -> bool:
    """A 附注 line after the date that is neither in parentheses nor a contacts line."""
    return grammar.parse_note(text) is None and grammar.parse_contacts(text) is None


@rule("note-form", Clause.NOTE, S.WARNING, "附注“{text}”没有圆括号（公布稿写法）", Route.PDF,
      expected="（……）")
def note_form(f: PdfFacts) -> Iterator[Hit]:
    """The paragraphs below the 成文日期 on its page (up to an attachment label or the 版记):
    each a 附注 in parentheses or a contacts line."""
    if not f.dates:
        return
    date = f.dates[-1]
    records = {id(ln) for ln in f.records}
    below = [ln for ln in f.body_lines()
             if ln.page == date.page and ln.baseline > date.baseline and id(ln) not in records]
    for k, ln in enumerate(below):
        if grammar.parse_attachment_label(ln.compact) is not None:
            return
        if abs(ln.x0 - (spec.TYPE_LEFT + 2 * f.char_pitch)) >= f.char_pitch / 2:
            continue  # not a paragraph's first line
        text = layout_roles.paragraph_text(below, k, f.char_pitch)
        if _unbracketed(text):
            yield hit(at_line(ln), measured=text, text=text)


@rule("note-form", Clause.NOTE, S.WARNING, "附注“{text}”没有圆括号（公布稿写法）", Route.DOCX,
      expected="（……）")
def docx_note_form(f: DocxFacts) -> Iterator[Hit]:
    """The body paragraphs right after the last date: each a 附注 in parentheses or a
    contacts line."""
    dates = [p.index for p in f.paras if p.role is Role.DATE]
    if not dates:
        return
    for p in f.paras:
        text = p.text.strip()
        if p.index <= dates[-1] or not text:
            continue
        if p.role is not Role.BODY or p.in_table:
            return
        if _unbracketed(text):
            yield hit(at_paragraph(p.index), measured=text, text=text)


@rule("note-place", Clause.NOTE, S.WARNING,
      "附注“{text}”不在成文日期之下（公布稿写法）", Route.DOCX,
      expected="成文日期下一段，居左空二字")
def docx_note_place(f: DocxFacts) -> Iterator[Hit]:
    """A 公开属性 paragraph above the last date's."""
    dates = [p.index for p in f.paras if p.role is Role.DATE]
    for p in f.paras:
        text = p.text.strip()
        if dates and p.index < dates[-1] and grammar.parse_publicity(text) is not None:
            yield hit(at_paragraph(p.index), measured=text, text=text)


@rule("page-without-text", Clause.SIGNATURE, S.ERROR,
      "不得使用“此页无正文”：应调整行距、字距使署名页有正文", Route.PDF, expected="署名页保留正文")
def page_without_text(f: PdfFacts) -> Iterator[Hit]:
    for ln in f.geometry.lines():
        if "此页无正文" in ln.compact:
            yield hit(at_line(ln), measured=ln.text)
            return
