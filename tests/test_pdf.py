"""The PDF of the reference letter and of the 信函格式 example, measured with pdfplumber."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gongwen.compose import compose
from gongwen.document import Document
from gongwen.fonts import load_fontset
from gongwen.loader import load_letter
from gongwen.spec import (
    CHAR_PITCH,
    LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM,
    LETTER_HEADER_ROW_BELOW_RULE,
    LETTER_MARK_TOP_MM,
    LETTER_RULE_BELOW_MARK_MM,
    LETTER_RULE_LENGTH_MM,
    LETTER_RULE_THICK,
    LETTER_RULE_THIN,
    LINE_PITCH,
    LINES_PER_PAGE,
    MIN_EXACT_LINE_SHARE,
    PAGE_NUMBER_BELOW_TYPE_AREA_MM,
    PAGE_NUMBER_INDENT,
    PAGE_NUMBER_SIZE,
    PAGE_WIDTH,
    SIZE_2HAO,
    FontRole,
    mm,
    page_number_text,
    pt_to_mm,
)

from . import pdf_checks as pc
from .rendering import render_pdf

MM_TOL = mm(0.5)


@pytest.fixture(scope="module")
def fontset():
    return load_fontset("auto")


@pytest.fixture(scope="module")
def ref_doc(reference_yaml: Path) -> Document:
    return compose(load_letter(reference_yaml))


@pytest.fixture(scope="module")
def ref_pdf_bytes(ref_doc: Document, fontset) -> bytes:
    return render_pdf(ref_doc, fontset)


@pytest.fixture(scope="module")
def ref_pdf(ref_pdf_bytes: bytes):
    with pc.open_pdf(ref_pdf_bytes) as pdf:
        yield pdf


@pytest.fixture(scope="module")
def ref_lines(ref_pdf) -> list[pc.PdfLine]:
    return [ln for p in ref_pdf.pages for ln in pc.body_lines(p)]


@pytest.fixture(scope="module")
def example_doc(example_letter: Path) -> Document:
    return compose(load_letter(example_letter))


@pytest.fixture(scope="module")
def example_pdf(example_doc: Document, fontset):
    with pc.open_pdf(render_pdf(example_doc, fontset)) as pdf:
        yield pdf


def ps(fontset, role: FontRole) -> str:
    face = fontset.face(role)
    return pc.font_ps_name(str(face.path), face.subfont_index)


# --- the reference letter -----------------------------------------------------------------
def test_full_pages_have_22_lines_on_the_pitch(ref_pdf):
    pages = ref_pdf.pages
    assert len(pages) >= 2
    for p in pages[:-1]:
        lines = pc.body_lines(p)
        assert len(lines) == LINES_PER_PAGE, p.page_number
        for d in pc.line_pitches(lines):
            assert d == pytest.approx(LINE_PITCH, abs=0.05)
    last = pc.body_lines(pages[-1])
    assert 0 < len(last) <= LINES_PER_PAGE


def test_first_line_sits_in_the_first_cell(ref_pdf):
    first = pc.body_lines(ref_pdf.pages[0])[0]
    cell_top = pc.TYPE_TOP
    assert cell_top < first.ink[0].top and first.ink[0].bottom < cell_top + LINE_PITCH


def test_full_lines_hold_28_characters_on_the_grid(ref_lines):
    full = pc.full_lines(ref_lines, cjk_only=True)
    assert len(full) >= 40
    assert pc.exact_share(full) >= MIN_EXACT_LINE_SHARE
    for ln in full:
        if pc.chars_per_line(ln) != 28:
            assert pc.chars_per_line(ln) in (27, 29), ln.text
            continue
        assert ln.x0 == pytest.approx(pc.TYPE_LEFT, abs=0.1)
        assert ln.ink[-1].x0 + CHAR_PITCH == pytest.approx(pc.TYPE_RIGHT, abs=0.1)
        for step in pc.left_edge_steps(ln):
            assert step == pytest.approx(CHAR_PITCH, abs=0.1), ln.text


def test_body_glyphs_are_16pt_fangsong(ref_lines, fontset):
    fang = ps(fontset, FontRole.FANGSONG)
    body = [ln for ln in ref_lines if ln.text.startswith("您提出的")]
    assert body
    for ln in pc.full_lines(ref_lines):
        counts = pc.fonts_of_line(ln)
        main = max(counts, key=counts.get)
        if ln.text.startswith(("（", "一、", "二、")):
            continue
        assert main == fang, ln.text
        assert ln.size == 16.0


def test_heading_fonts(ref_lines, fontset):
    hei, kai, fang = (ps(fontset, r) for r in (FontRole.HEITI, FontRole.KAITI, FontRole.FANGSONG))
    h1 = [ln for ln in ref_lines if ln.text.startswith(("一、", "二、"))]
    assert len(h1) == 2
    for ln in h1:
        assert set(pc.fonts_of_line(ln)) == {hei}
    h2 = [ln for ln in ref_lines if ln.text.startswith("（一）")]
    assert len(h2) == 2
    for ln in h2:
        head_len = ln.text.index("。") + 1
        assert {c.font for c in ln.ink[:head_len]} == {kai}, ln.text
        assert {c.font for c in ln.ink[head_len:]} == {fang}, ln.text


def test_page_numbers(ref_pdf):
    for p in ref_pdf.pages:
        n = p.page_number
        num = pc.page_number(p)
        assert num is not None
        assert num.text == page_number_text(n)
        assert num.size == PAGE_NUMBER_SIZE
        assert num.dash_below_type_area_mm == pytest.approx(PAGE_NUMBER_BELOW_TYPE_AREA_MM, abs=1)
        if n % 2:
            assert num.side == "right"
            assert num.x1 == pytest.approx(pc.TYPE_RIGHT - PAGE_NUMBER_INDENT, abs=0.5)
        else:
            assert num.side == "left"
            assert num.x0 == pytest.approx(pc.TYPE_LEFT + PAGE_NUMBER_INDENT, abs=0.5)


def test_no_kinsoku_violations(ref_pdf):
    assert pc.kinsoku_violations(ref_pdf) == []


def test_text_equals_the_reference(ref_pdf, reference_text):
    assert pc.text_diff(reference_text, pc.extracted_text(ref_pdf)) is None


def test_signature_block(ref_lines):
    sig = next(ln for ln in ref_lines if ln.text == "株洲市发展和改革委员会")
    date = next(ln for ln in ref_lines if ln.text == "2022年9月29日")
    assert date.baseline - sig.baseline == pytest.approx(LINE_PITCH, abs=0.05)
    assert sig.ink[-1].x0 + CHAR_PITCH == pytest.approx(pc.TYPE_RIGHT - 2 * CHAR_PITCH, abs=0.2)
    assert date.x0 - sig.x0 == pytest.approx(2 * CHAR_PITCH, abs=0.2)
    before = [ln for ln in ref_lines if ln.page == sig.page and ln.baseline < sig.baseline]
    assert len(before) >= 2
    assert sig.baseline - before[-1].baseline == pytest.approx(2 * LINE_PITCH, abs=0.05)


def test_metadata(ref_pdf, ref_doc):
    meta = ref_pdf.metadata
    assert meta.get("Author") == ref_doc.author
    assert meta.get("Title", "") == ref_doc.title


def test_deterministic(ref_doc, fontset, ref_pdf_bytes, reference_yaml):
    assert render_pdf(ref_doc, fontset) == ref_pdf_bytes
    code = (
        "import sys\n"
        "from gongwen.compose import compose\nfrom gongwen.loader import load_letter\n"
        "from gongwen.fonts import load_fontset\nfrom gongwen.pipeline import render_document\n"
        f"doc = compose(load_letter({str(reference_yaml)!r}))\n"
        "sys.stdout.buffer.write(render_document(doc, load_fontset('auto'), ['pdf']).outputs['pdf'])\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, cwd=root)
    assert out.stdout == ref_pdf_bytes


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_qpdf_check(ref_pdf_bytes, tmp_path):
    path = tmp_path / "ref.pdf"
    path.write_bytes(ref_pdf_bytes)
    res = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_text_is_never_markup(fontset):
    from gongwen.document import Block, LetterFormat, Span
    from gongwen.spec import Role

    text = "<b>粗体</b> &amp; <font color=red>红</font>"
    doc = Document(LetterFormat.PLAIN, (Block(Role.BODY, (Span(text),)),))
    with pc.open_pdf(render_pdf(doc, fontset)) as pdf:
        assert pc.normalise_text(pc.extracted_text(pdf)) == pc.normalise_text(text)


# --- the 信函格式 example -----------------------------------------------------------------
def test_letter_red_lines(example_pdf):
    page1 = example_pdf.pages[0]
    red = pc.red_segments(page1)
    assert len(red) == 4
    length = mm(LETTER_RULE_LENGTH_MM)
    for s in red:
        assert s.length == pytest.approx(length, abs=MM_TOL)
        assert (s.x0 + s.x1) / 2 == pytest.approx(PAGE_WIDTH / 2, abs=MM_TOL)
    top_thick, top_thin, bottom_thin, bottom_thick = red
    assert top_thick.width == pytest.approx(LETTER_RULE_THICK, abs=0.1)
    assert top_thin.width == pytest.approx(LETTER_RULE_THIN, abs=0.1)
    assert bottom_thin.width == pytest.approx(LETTER_RULE_THIN, abs=0.1)
    assert bottom_thick.width == pytest.approx(LETTER_RULE_THICK, abs=0.1)
    mark = [c for c in pc.page_chars(page1) if pc.is_red(c.color)]
    assert mark, "the 发文机关标志 is red"
    mark_top = min(c.top for c in mark)
    mark_bottom = max(c.bottom for c in mark)
    assert mark_top == pytest.approx(mm(LETTER_MARK_TOP_MM), abs=MM_TOL)
    upper_edge = top_thick.y - top_thick.width / 2
    assert upper_edge - mark_bottom == pytest.approx(mm(LETTER_RULE_BELOW_MARK_MM), abs=MM_TOL)
    assert top_thin.y > top_thick.y
    bottom_line = mm(297 - LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    assert bottom_thick.y == pytest.approx(bottom_line, abs=MM_TOL)
    for p in example_pdf.pages[1:]:
        assert pc.red_segments(p) == []


def test_letter_header_and_title(example_pdf, example_doc):
    page1 = example_pdf.pages[0]
    lines = pc.text_lines(page1)
    thin = pc.red_segments(page1)[1]
    row_top = thin.y + thin.width / 2 + LETTER_HEADER_ROW_BELOW_RULE
    number = next(ln for ln in lines if "〔2024〕7号" in ln.text)
    copy_no = next(c for c in pc.page_chars(page1) if c.text == "0")
    assert number.x1 == pytest.approx(pc.TYPE_RIGHT, abs=MM_TOL)
    assert number.ink[-1].top == pytest.approx(row_top, abs=MM_TOL)
    assert copy_no.x0 == pytest.approx(pc.TYPE_LEFT, abs=MM_TOL)
    assert "000123" in next(ln.text for ln in lines if ln.text.startswith("000123"))
    title = [ln for ln in lines if ln.size == SIZE_2HAO and not pc.is_red(ln.ink[0].color)]
    assert [ln.text for ln in title] == ["关于市政协十二届三次会议", "第0042号提案的答复"]
    for ln in title:
        assert (ln.x0 + ln.x1) / 2 == pytest.approx((pc.TYPE_LEFT + pc.TYPE_RIGHT) / 2, abs=1)
    above = [ln for ln in lines if ln.baseline < title[0].baseline and ln.size == 16.0]
    category = above[-1]
    assert category.text == "A"
    assert category.x1 == pytest.approx(pc.TYPE_RIGHT, abs=1)
    header_last = above[-2]
    assert title[0].baseline - header_last.baseline == pytest.approx(3 * LINE_PITCH, abs=3)


def test_letter_page_numbers(example_pdf):
    assert pc.page_number(example_pdf.pages[0]) is None
    for p in example_pdf.pages[1:]:
        num = pc.page_number(p)
        assert num is not None and num.text == page_number_text(p.page_number)


def test_letter_record_at_the_foot(example_pdf):
    last = example_pdf.pages[-1]
    cc = next(ln for ln in pc.text_lines(last) if ln.text.startswith("抄送"))
    assert cc.size == 14.0
    assert pt_to_mm(pc.TYPE_BOTTOM - cc.baseline) < pt_to_mm(LINE_PITCH)
    assert cc.x0 == pytest.approx(pc.TYPE_LEFT + 14.0, abs=0.2)
    assert [s for s in pc.segments(last) if not pc.is_red(s.color)] == []


def test_rare_characters_come_from_a_fallback_face(fontset):
    from gongwen.document import Block, LetterFormat, Span
    from gongwen.layout import layout_document
    from gongwen.spec import Role

    text = "王𠀀先生和龘先生"
    doc = Document(LetterFormat.PLAIN, (Block(Role.BODY, (Span(text),)),))
    warnings = layout_document(doc, fontset).warnings
    assert {w.char for w in warnings} == {"𠀀", "龘"}
    assert all(w.face for w in warnings)
    with pc.open_pdf(render_pdf(doc, fontset)) as pdf:
        assert pc.normalise_text(pc.extracted_text(pdf)) == pc.normalise_text(text)
        chars = {c.text: c.font for c in pc.page_chars(pdf.pages[0])}
        fang = ps(fontset, FontRole.FANGSONG)
        assert chars["王"] == fang
        assert chars["𠀀"] != fang and chars["龘"] != fang


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_every_font_is_an_embedded_subset(ref_pdf_bytes, tmp_path):
    path = tmp_path / "ref.pdf"
    path.write_bytes(ref_pdf_bytes)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = [ln.split() for ln in out.stdout.splitlines()[2:] if ln.strip()]
    assert rows
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        assert pc.base_font(name) != name  # a subset prefix, so no full font is shipped
