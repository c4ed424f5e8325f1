"""LibreOffice lays out gongwen's DOCX; its PDF must pass the same GB/T 9704 checks as ours.

Every DOCX is converted once per session (one soffice start, bundled fonts only, mode
"open"), then measured with tests/pdf_checks.py. Fails if soffice is missing, unless
GONGWEN_SKIP_LIBREOFFICE=1.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gongwen import spec
from gongwen.compose import compose
from gongwen.document import Block, Document, LetterFormat, Seal, SealMode, Span
from gongwen.fonts import load_fontset
from gongwen.layout import EM_ASCENT
from gongwen.loader import load_letter
from gongwen.spec import FontRole, Role

from . import pdf_checks as pc
from .libreoffice import convert_to_pdf, require_soffice
from .rendering import render_docx, render_pdf
from .test_docx import png

MM = spec.mm(1)
TOL = 1.0 * MM  # ±1 mm


@dataclasses.dataclass
class Case:
    doc: Document
    docx: Path
    lo_pdf: object  # pdfplumber PDF of LibreOffice's rendering
    gw_pdf: object  # gongwen's own PDF of the same document


@pytest.fixture(scope="module")
def cases(reference_yaml: Path, example_letter: Path, tmp_path_factory) -> dict[str, Case]:
    require_soffice()
    fontset = load_fontset("open")
    tmp = tmp_path_factory.mktemp("docx-lo")
    reference = compose(load_letter(reference_yaml), reference_yaml.parent)
    example = compose(load_letter(example_letter), example_letter.parent)
    seal = tmp / "seal.png"
    seal.write_bytes(png(64, 64))
    document = dataclasses.replace(
        example, fmt=LetterFormat.DOCUMENT, seal=Seal(SealMode.IMAGE, seal),
        blocks=(*example.blocks, Block(Role.RECORD_PRINT, (Span("示例市发展和改革委员会办公室"),),
                                       tail="2024年6月18日印发")))
    docs = {"reference": reference, "example": example, "document": document}
    paths = {}
    for name, doc in docs.items():
        paths[name] = tmp / f"{name}.docx"
        paths[name].write_bytes(render_docx(doc, fontset))
    pdfs = convert_to_pdf(list(paths.values()), tmp)
    out = {}
    for (name, doc), pdf in zip(docs.items(), pdfs, strict=True):
        gw = pc.open_pdf(render_pdf(doc, fontset))
        out[name] = Case(doc, paths[name], pc.open_pdf(pdf), gw)
    yield out
    for case in out.values():
        case.lo_pdf.close()
        case.gw_pdf.close()


def all_lines(pdf) -> list[pc.PdfLine]:
    return [ln for p in pdf.pages for ln in pc.body_lines(p)]


def breaks(pdf) -> list[int]:
    """Character offsets (in the normalised text) after which a line ends."""
    out, pos = [], 0
    for ln in all_lines(pdf):
        pos += len(pc.normalise_text(ln.text))
        out.append(pos)
    return out


# --- the reference letter (plain format) ----------------------------------------------------
def test_reference_has_22_lines_on_every_full_page(cases) -> None:
    pdf = cases["reference"].lo_pdf
    counts = pc.lines_per_page(pdf)
    assert len(counts) > 1
    assert counts[:-1] == [spec.LINES_PER_PAGE] * (len(counts) - 1), counts
    for page in pdf.pages:
        pitches = pc.line_pitches(pc.body_lines(page))
        assert all(abs(d - spec.LINE_PITCH) < 0.2 for d in pitches if d < 1.5 * spec.LINE_PITCH)


def test_reference_full_lines_hold_28_characters(cases) -> None:
    lines = all_lines(cases["reference"].lo_pdf)
    full = pc.full_lines(lines, cjk_only=True)
    share = pc.exact_share(full)
    print(f"\nLibreOffice: {sum(pc.chars_per_line(ln) == 28 for ln in full)} of {len(full)} "
          f"full CJK lines hold exactly 28 characters ({share:.0%})")
    assert len(full) >= 40
    assert share >= spec.MIN_EXACT_LINE_SHARE
    assert all(27 <= pc.chars_per_line(ln) <= 29 for ln in full)


def test_reference_stays_in_the_type_area(cases) -> None:
    for page in cases["reference"].lo_pdf.pages:
        lines = pc.body_lines(page)
        for ln in lines:
            assert ln.x0 >= pc.TYPE_LEFT - 0.5, ln.text
            # line-end punctuation may hang by at most one character (as in our PDF)
            assert ln.x1 <= pc.TYPE_RIGHT + spec.BODY_SIZE + 0.5, ln.text
            assert ln.baseline <= pc.TYPE_BOTTOM
        first = lines[0]
        cell_top = first.baseline - (spec.LINE_PITCH - first.size) / 2 - EM_ASCENT * first.size
        assert abs(cell_top - pc.TYPE_TOP) <= TOL, page.page_number


def test_reference_page_numbers(cases) -> None:
    pdf = cases["reference"].lo_pdf
    for page in pdf.pages:
        n = page.page_number
        num = pc.page_number(page)
        assert num is not None, n
        assert num.text == spec.page_number_text(n)
        assert num.size == pytest.approx(spec.PAGE_NUMBER_SIZE)
        assert abs(num.dash_below_type_area_mm - spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM) <= 1.0
        if n % 2:
            assert num.side == "right"
            assert abs(num.x1 - (pc.TYPE_RIGHT - spec.PAGE_NUMBER_INDENT)) <= TOL
        else:
            assert num.side == "left"
            assert abs(num.x0 - (pc.TYPE_LEFT + spec.PAGE_NUMBER_INDENT)) <= TOL
        fonts = {c.font for c in pc.text_lines(page)[-1].ink}
        face = load_fontset("open").face(spec.PAGE_NUMBER_FONT)
        assert fonts == {pc.font_ps_name(face.path, face.subfont_index)}


def ps(role: FontRole) -> str:
    face = load_fontset("open").face(role)
    return pc.font_ps_name(face.path, face.subfont_index)


def find_line(pdf, text: str, last: bool = False, size: float | None = None) -> pc.PdfLine:
    """The first (or last) line of the type area that starts with ``text``'s beginning."""
    key = pc.normalise_text(text)[:8]
    found = [ln for ln in all_lines(pdf) if pc.normalise_text(ln.text).startswith(key)
             and (size is None or ln.size == size)]
    assert found, f"no line starts with {key}"
    return found[-1] if last else found[0]


def test_reference_fonts_per_role(cases) -> None:
    case = cases["reference"]
    seen = set()
    for block in case.doc.blocks:
        if block.role in spec.RECORD_ROLES or not block.text.strip():
            continue
        ln = find_line(case.lo_pdf, block.text)
        first = block.spans[0]
        n = len(pc.normalise_text(first.text))
        head = [c for c in ln.ink][: min(n, 6)]
        assert {c.font for c in head} == {ps(block.font_of(first))}, block.text[:10]
        if block.run_in:
            rest = [c for c in ln.ink][n:]
            assert rest and {c.font for c in rest} == {ps(FontRole.FANGSONG)}
        seen.add(block.role)
    assert {Role.ADDRESSEE, Role.BODY, Role.HEADING1, Role.HEADING2, Role.SIGNATURE} <= seen


def test_reference_text_and_line_breaking(cases) -> None:
    case = cases["reference"]
    got = pc.extracted_text(case.lo_pdf)
    want = "".join(b.text for b in case.doc.blocks)
    assert pc.text_diff(want, got) is None
    assert pc.kinsoku_violations(case.lo_pdf) == []


def test_reference_matches_gongwen_pdf(cases) -> None:
    case = cases["reference"]
    lo, gw = case.lo_pdf, case.gw_pdf
    assert len(lo.pages) == len(gw.pages)
    a, b = breaks(lo), breaks(gw)
    same = len(set(a) & set(b))
    print(f"\nline breaks: {same} of {len(b)} in gongwen's PDF coincide with LibreOffice's "
          f"({same / len(b):.0%}); pages {len(lo.pages)} = {len(gw.pages)}")
    assert same / len(b) >= 0.7
    for p_lo, p_gw in zip(lo.pages, gw.pages, strict=True):
        l_lo, l_gw = pc.body_lines(p_lo), pc.body_lines(p_gw)
        assert abs(l_lo[0].baseline - l_gw[0].baseline) <= TOL


# --- 信函格式: the example letter --------------------------------------------------------
def test_letter_red_lines(cases) -> None:
    case = cases["example"]
    page = case.lo_pdf.pages[0]
    red = pc.red_segments(page)
    assert len(red) == 4
    mark = spec.STYLES[Role.ORGAN_MARK].size
    thick = spec.mm(spec.LETTER_MARK_TOP_MM) + mark + spec.mm(spec.LETTER_RULE_BELOW_MARK_MM) \
        + spec.LETTER_RULE_THICK / 2
    thin = thick + spec.LETTER_RULE_THICK / 2 + spec.LETTER_RULE_GAP + spec.LETTER_RULE_THIN / 2
    bthick = spec.PAGE_HEIGHT - spec.mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    bthin = bthick - (thin - thick)
    expected = [(thick, 1.5), (thin, 0.75), (bthin, 0.75), (bthick, 1.5)]
    for seg, (y, width) in zip(red, expected, strict=True):
        assert abs(seg.y - y) <= TOL
        assert seg.width == pytest.approx(width, abs=0.2)
        assert abs(seg.x0 - spec.mm(20)) <= TOL and abs(seg.x1 - spec.mm(190)) <= TOL
    assert not pc.red_segments(case.lo_pdf.pages[1])


def test_letter_header_positions(cases) -> None:
    case = cases["example"]
    page = case.lo_pdf.pages[0]
    lines = pc.text_lines(page)
    doc = case.doc
    mark = doc.by_role(Role.ORGAN_MARK)[0]
    ln = next(x for x in lines if pc.normalise_text(x.text) == pc.normalise_text(mark.text))
    assert abs(ln.baseline - (spec.mm(spec.LETTER_MARK_TOP_MM) + EM_ASCENT * ln.size)) <= TOL
    assert abs((ln.x0 + ln.x1) / 2 - (pc.TYPE_LEFT + pc.TYPE_RIGHT) / 2) <= TOL
    assert all(c.color[:3] == (1.0, 0.0, 0.0) for c in ln.ink)
    thin_bottom = spec.mm(spec.LETTER_MARK_TOP_MM) + mark.style.size \
        + spec.mm(spec.LETTER_RULE_BELOW_MARK_MM) + spec.LETTER_RULE_THICK \
        + spec.LETTER_RULE_GAP + spec.LETTER_RULE_THIN
    row = thin_bottom + spec.LETTER_HEADER_ROW_BELOW_RULE + EM_ASCENT * spec.BODY_SIZE
    number = doc.by_role(Role.DOC_NUMBER)[0].text
    copy = doc.by_role(Role.COPY_NUMBER)[0].text
    ln = next(x for x in lines if number in x.text)
    assert abs(ln.baseline - row) <= TOL
    right = [c for c in ln.ink if c.x0 > (pc.TYPE_LEFT + pc.TYPE_RIGHT) / 2]
    assert abs(right[-1].x1 - pc.TYPE_RIGHT) <= TOL  # 发文字号 flush right
    assert ln.text.startswith(copy) and abs(ln.x0 - pc.TYPE_LEFT) <= TOL  # 份号 flush left
    assert pc.page_number(page) is None  # no number on page 1 of 信函格式
    assert pc.page_number(case.lo_pdf.pages[1]).text == spec.page_number_text(2)
    # title and first lines where our own PDF puts them
    title = doc.by_role(Role.TITLE)[0].text.split("\n")[0]
    a = find_line(case.lo_pdf, title)
    b = find_line(case.gw_pdf, title)
    assert abs(a.baseline - b.baseline) <= TOL
    assert len(case.lo_pdf.pages) == len(case.gw_pdf.pages)


def test_letter_record_sits_at_the_foot_of_the_last_page(cases) -> None:
    case = cases["example"]
    last = case.lo_pdf.pages[-1]
    cc = case.doc.by_role(Role.RECORD_CC)[0]
    ln = next(x for x in pc.body_lines(last) if x.text.startswith(cc.text[:3]))
    cell = pc.TYPE_BOTTOM - spec.LINE_PITCH
    expected = cell + (spec.LINE_PITCH - spec.RECORD_SIZE) / 2 + EM_ASCENT * spec.RECORD_SIZE
    assert abs(ln.baseline - expected) <= TOL
    assert abs(ln.x0 - (pc.TYPE_LEFT + spec.RECORD_LABEL_INDENT)) <= TOL
    assert not pc.segments(last)  # 信函格式: no 版记 rules


def test_letter_signature(cases) -> None:
    case = cases["example"]
    sig = find_line(case.lo_pdf, case.doc.by_role(Role.SIGNATURE)[0].text, last=True, size=16.0)
    date = find_line(case.lo_pdf, case.doc.by_role(Role.DATE)[0].text, last=True, size=16.0)
    assert abs(sig.x1 - (pc.TYPE_RIGHT - 2 * spec.CHAR_PITCH)) <= TOL
    assert abs(date.x0 - (sig.x0 + 2 * spec.CHAR_PITCH)) <= TOL
    assert date.baseline - sig.baseline == pytest.approx(spec.LINE_PITCH, abs=0.5)


# --- 文件格式 with a seal image ------------------------------------------------------------
def test_document_format_rules_mark_and_seal(cases) -> None:
    case = cases["document"]
    first = case.lo_pdf.pages[0]
    (rule,) = pc.red_segments(first)
    assert rule.length == pytest.approx(spec.mm(156), abs=TOL)
    assert rule.width == pytest.approx(spec.mm(0.5), abs=0.2)
    mark = case.doc.by_role(Role.ORGAN_MARK)[0]
    ln = next(x for x in pc.text_lines(first) if pc.normalise_text(mark.text) in
              pc.normalise_text(x.text))
    top = pc.TYPE_TOP + spec.mm(spec.DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM)
    assert abs(ln.baseline - (top + EM_ASCENT * ln.size)) <= TOL
    last = case.lo_pdf.pages[-1]
    black = [s for s in pc.segments(last) if not pc.is_red(s.color)]
    assert len(black) == 3
    assert abs(black[-1].y - pc.TYPE_BOTTOM) <= TOL
    assert [round(s.width / spec.mm(0.05)) * 0.05 for s in black] == pytest.approx(
        [0.35, 0.25, 0.35])
    images = [(p, im) for p in case.lo_pdf.pages for im in p.images]
    assert len(images) == 1
    ((page, im),) = images
    assert im["x1"] - im["x0"] == pytest.approx(spec.mm(spec.SEAL_DIAMETER_MM), abs=TOL)
    # over 署名 and date: centred on the 署名 (centred over the date, decision 10) …
    sig = find_line(case.lo_pdf, case.doc.by_role(Role.SIGNATURE)[0].text, last=True, size=16.0)
    date = find_line(case.lo_pdf, case.doc.by_role(Role.DATE)[0].text, last=True, size=16.0)
    assert sig.page == date.page == page.page_number
    assert abs((im["x0"] + im["x1"]) / 2 - (sig.x0 + sig.x1) / 2) <= TOL
    assert im["top"] < sig.baseline - spec.BODY_SIZE and im["bottom"] > date.baseline
    # … its top within one line of the text above
    above = [ln for ln in pc.body_lines(page) if ln.baseline < sig.baseline - 1][-1]
    assert 0 <= im["top"] - above.baseline <= spec.LINE_PITCH
    assert abs(date.x1 - (pc.TYPE_RIGHT - spec.SEAL_DATE_RIGHT_CHARS * spec.CHAR_PITCH)) <= TOL
    gw = [im for p in case.gw_pdf.pages for im in p.images]
    assert len(gw) == 1
    assert abs(gw[0]["top"] - im["top"]) <= TOL
