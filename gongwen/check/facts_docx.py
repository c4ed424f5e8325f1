"""A DOCX's settings measured once for the rules: :func:`docx_facts`.

From the reading (:class:`gongwen.read.docx.DocxDocument` on :mod:`gongwen.ooxml.reader`)
it takes the sections, every paragraph with its role (:func:`layout_roles.docx_roles`) and
each run's effective size and fonts (theme fonts resolved, each face's role found once),
the line pitch Word gives each paragraph, the characters a body line holds, the 署名 and
date placement and the footers' page-number paragraphs. Rules only read these facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import grammar, spec
from ..ooxml.reader import Footer, Package, ParaProps, Run, Section
from ..read.docx import DocxDocument
from ..spec import BODY_SIZE, CHARS_PER_LINE, FontRole, Role
from . import layout_roles
from .facts import DocNumberAt, Placement, WrittenDate, compact, doc_number_of
from .fontnames import font_role
from .layout_roles import Para
from .rules import at_paragraph

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet

GRID_TYPES = ("lines", "linesAndChars", "snapToChars")


@dataclass(frozen=True, slots=True)
class RunFacts:
    """A run with text: where it starts in its paragraph, its size, whether it holds CJK,
    its East Asian face (from a theme or not) and that face's role."""

    run: Run
    start: int
    size: float
    cjk: bool
    east_asian: str
    east_asian_theme: bool
    east_asian_role: FontRole | None


@dataclass(frozen=True, slots=True)
class CharsPerLine:
    """How many characters of the body's first run a line holds: the run's advance (size
    plus character spacing, on Word's character grid when there is one) into the width."""

    size: float
    advance: float
    grid_pitch: float | None  # the character grid's cell, pt (None without one)
    width: float  # pt
    per_line: int


@dataclass(frozen=True, slots=True)
class FieldParagraph:
    """A footer's paragraph holding the PAGE field: its properties, run sizes and faces."""

    props: ParaProps
    sizes: list[float]
    fonts: list[str]

    @property
    def line(self) -> float:
        """The height of the paragraph's line, pt."""
        if self.props.line_rule == "exact" and self.props.line:
            return self.props.line / 20
        size = max(self.sizes) if self.sizes else spec.PAGE_NUMBER_SIZE
        return size * 1.2 * ((self.props.line or 240) / 240)


@dataclass(frozen=True, slots=True)
class PageFooter:
    """A footer with a PAGE field: odd pages' ("default") or even pages' ("even")."""

    kind: str
    label: str
    footer: Footer
    field: FieldParagraph | None


@dataclass
class DocxFacts:
    """What the DOCX rules read; see the module docstring."""

    package: Package
    fontset: FontSet | None
    paras: list[Para]
    letter: bool
    empty: bool
    sections: list[Section]
    runs: dict[int, list[RunFacts]] = field(default_factory=dict)  # paragraph → its runs
    chars: CharsPerLine | None = None
    placement: Placement | None = None
    footers: list[PageFooter] = field(default_factory=list)
    # per section: how far above the page's bottom edge its numbered footer reaches, pt
    footer_tops: list[float | None] = field(default_factory=list)
    font_names: set[str] = field(default_factory=set)  # every face the document names

    @property
    def numbered(self) -> bool:
        """The odd pages' footer has a PAGE field (the other footer rules need it)."""
        foot = self.footer("default")
        return foot is not None and foot.has_page

    @property
    def last_section(self) -> Section | None:
        return self.sections[-1] if self.sections else None

    def grid(self) -> tuple[str, int | None, int | None]:
        """The last section's grid: type, line pitch (twips), character space."""
        s = self.last_section
        return ("default", None, None) if s is None else (s.grid_type, s.line_pitch, s.char_space)

    @property
    def first_section(self) -> Section | None:
        """The section of the letter's first page (a 版记 on a page of its own may have a
        section of its own after it)."""
        return self.sections[0] if self.sections else None

    def footer(self, kind: str) -> Footer | None:
        """The first section's footer of ``kind`` (default, even, first)."""
        s = self.first_section
        rid = s.footers.get(kind) if s is not None else None
        return self.package.footer(rid) if rid else None

    def pitch(self, p: Para) -> float | None:
        """The line pitch Word gives the paragraph (pt), or None if it depends on the font."""
        size = p.runs[0].props.size or BODY_SIZE
        gtype, gpitch, _ = self.grid()
        rule, line = p.props.line_rule, p.props.line
        if rule == "exact" or (rule == "atLeast" and line and line / 20 >= size * 1.3):
            return line / 20 if line else None
        if gtype in GRID_TYPES and p.props.snap and gpitch:
            # Word: each line takes as many grid lines as it needs (one, for 3号 on 28.95 pt)
            return gpitch / 20 * max(1.0, (line or 240) / 240)
        return None

    def measurements(self) -> dict[str, Any]:
        """What was read, for the report."""
        out: dict[str, Any] = {}
        if self.sections:
            out["sections"] = [
                {
                    "page_twips": [s.page_width or 0, s.page_height or 0],
                    "margins_twips": {k: s.margins[k] for k in ("top", "bottom", "left", "right")},
                    "grid": {"type": s.grid_type, "linePitch": s.line_pitch},
                }
                for s in self.sections
            ]
        c = self.chars
        if c is not None and c.width > 0:
            out.update(body_size_pt=c.size, char_advance_pt=round(c.advance, 3),
                       chars_per_line=c.per_line)
        out["fonts"] = sorted(self.font_names)
        return out

    # --- the facts both routes give ----------------------------------------------------------
    @property
    def written_dates(self) -> list[WrittenDate]:
        return [
            WrittenDate(compact(p.text), p.text.strip(), at_paragraph(p.index))
            for p in self.paras
            if p.role is Role.DATE
        ]

    @property
    def print_dates(self) -> list[WrittenDate]:
        out = []
        for p in self.paras:
            printed = (
                grammar.parse_print_line(compact(p.text)) if p.role is Role.RECORD_PRINT else None
            )
            if printed:
                out.append(WrittenDate(printed.date.written, p.text.strip(), at_paragraph(p.index)))
        return out

    @property
    def doc_numbers(self) -> list[DocNumberAt]:
        out = []
        for p in self.paras:
            number = doc_number_of(compact(p.text)) if p.role is Role.DOC_NUMBER else None
            if number:
                out.append(DocNumberAt(number, compact(p.text), at_paragraph(p.index)))
        return out


def docx_facts(
    doc: DocxDocument, *, letter_format: bool = False, fontset: FontSet | None = None
) -> DocxFacts:
    """Measure ``doc`` once for the DOCX rules."""
    pkg = doc.package
    paras = [
        Para(p.index, "".join(r.text for r in p.runs), p.runs, p.props, p.in_table,
             p.in_text_box, table=p.table)
        for p in pkg.paragraphs
    ]
    layout_roles.docx_roles(paras)
    f = DocxFacts(
        pkg, fontset, paras,
        letter=letter_format or layout_roles.docx_letter_format(paras),
        empty=not any(p.text.strip() for p in paras),
        sections=pkg.sections(),
    )
    if f.empty:
        return f
    _runs(f)
    f.chars = _chars_per_line(f)
    f.placement = _placement(f)
    f.footers = _footers(f)
    f.footer_tops = [_footer_top(f, s) for s in f.sections]
    f.font_names = pkg.font_names()
    return f


def _runs(f: DocxFacts) -> None:
    roles: dict[str, FontRole | None] = {}
    for p in f.paras:
        if p.role is None:
            continue
        out, pos = [], 0
        for run in p.runs:
            start, pos = pos, pos + len(run.text)
            if not run.text.strip():
                continue
            name, theme = f.package.theme.font_name(run.props.fonts.get("eastAsia"))
            if name not in roles:
                roles[name] = font_role(name, f.fontset) if name else None
            out.append(RunFacts(
                run, start, run.props.size or 10.0,
                any(spec.is_wide(ch) for ch in run.text), name, theme, roles[name],
            ))
        f.runs[p.index] = out


def _chars_per_line(f: DocxFacts) -> CharsPerLine | None:
    body = next((p for p in f.paras if p.role is Role.BODY and p.runs), None)
    if body is None:
        return None
    size = body.runs[0].props.size or BODY_SIZE
    advance = size + body.runs[0].props.spacing
    gtype, _, char_space = f.grid()
    grid_pitch = None
    if gtype in ("linesAndChars", "snapToChars"):
        # Word's character grid: the Normal style's size plus charSpace/4096 pt per cell; a
        # glyph takes the cells nearest its width (Word sets 3号 on a 15.8 pt grid one per cell)
        base = f.package.styles.paragraph_props(None)[1]
        grid_pitch = (base.size or 10.5) + (char_space or 0) / 4096
        if grid_pitch > 0:
            advance = max(1, round(advance / grid_pitch)) * grid_pitch
    s = f.last_section
    width = 0.0
    if s is not None:
        mar = s.margins
        width = ((s.page_width or 0) - (mar["left"] or 0) - (mar["right"] or 0)
                 - (mar["gutter"] or 0)) / 20
    per_line = int(width / advance + 1e-6) if advance > 0 else 0
    return CharsPerLine(size, advance, grid_pitch, width, per_line)


def _start_from_right(p: Para) -> float | None:
    """Where the paragraph's first character starts, in characters from the right edge."""
    width = spec.text_width_chars(p.text.strip())
    if p.props.jc in ("right", "end"):
        return p.props.chars("right", BODY_SIZE) + width
    if p.props.jc in ("left", "start", "both", "distribute", None):
        left = p.props.chars("left", BODY_SIZE) + p.props.chars("firstLine", BODY_SIZE)
        return CHARS_PER_LINE - left
    return None


def _fitted_starts(paras: list[Para]) -> list[float] | None:
    """Where each of ``paras`` starts, in characters from the right edge, when they all
    stand left-aligned in one right-aligned table that Word fits to its content: the
    column is as wide as its widest paragraph, the cells' right margin to its right."""
    t = paras[0].table
    if t is None or not t.fitted or t.jc not in ("right", "end") \
            or any(p.table != t or p.props.jc not in ("left", "start", None) for p in paras):
        return None
    lefts = [p.props.chars("left", BODY_SIZE) + p.props.chars("firstLine", BODY_SIZE)
             for p in paras]
    content = max(left + spec.text_width_chars(p.text.strip())
                  for left, p in zip(lefts, paras, strict=True))
    right = t.right_margin / 20 / BODY_SIZE
    return [right + content - left for left in lefts]


def _placement(f: DocxFacts) -> Placement | None:
    """The last date and the 署名 block right above it, from their indents and text widths;
    the lead organ's 署名 (the longest) sets the offset."""
    dates = [p for p in f.paras if p.role is Role.DATE]
    if not dates:
        return None
    date = dates[-1]
    block = []
    for q in reversed([q for q in f.paras if q.index < date.index and q.text.strip()]):
        if q.role is not Role.SIGNATURE:
            break
        block.append(q)
    starts = [_start_from_right(q) for q in block]
    d = _start_from_right(date)
    fitted = _fitted_starts([*block, date])
    if fitted is not None:
        *starts, d = fitted
    if not block or d is None or any(v is None for v in starts):
        return None
    # the lead organ's 署名 reaches furthest right (stacked 署名s share their start)
    sig_right, s = min((s - spec.text_width_chars(q.text.strip()), s)  # type: ignore[operator]
                       for s, q in zip(starts, block, strict=True))
    date_right = d - spec.text_width_chars(date.text.strip())
    centre = (s + sig_right) / 2 - (d + date_right) / 2
    return Placement(sig_right, date_right, s - d, centre, at_paragraph(date.index))


def _field_paragraph(foot: Footer) -> FieldParagraph | None:
    """The footer's paragraph with the field: properties, run sizes and font names."""
    p = foot.field_paragraph
    if p is None:
        return None
    sizes, fonts = [], []
    for r in p.runs:
        if not r.text.strip():
            continue
        sizes.append(r.props.size or 10.0)
        slot = "eastAsia" if any(spec.is_wide(c) for c in r.text) else "ascii"
        value = r.props.fonts.get(slot)
        if value:
            fonts.append(value[1])
    return FieldParagraph(p.props, sizes, list(dict.fromkeys(fonts)))


def _footers(f: DocxFacts) -> list[PageFooter]:
    """The odd- and even-page footers of the last section that hold a PAGE field."""
    out = []
    for kind, label in (("default", "奇数页页脚"), ("even", "偶数页页脚")):
        foot = f.footer(kind)
        if foot is not None and foot.has_page:
            out.append(PageFooter(kind, label, foot, _field_paragraph(foot)))
    return out


def _footer_top(f: DocxFacts, sect: Section) -> float | None:
    """How far above the page bottom the section's default (numbered) footer reaches:
    footer distance, spacing and the page number's line. Text ends above it (信函格式 pads
    its footer up to the type area, the bottom margin being page 1's, whose text runs
    lower: 10.1)."""
    rid = sect.footers.get("default")
    foot = f.package.footer(rid) if rid else None
    para = _field_paragraph(foot) if foot is not None else None
    if para is None:
        return None
    return (sect.margins["footer"] or 0) / 20 + (para.props.before + para.props.after) / 20 \
        + para.line
