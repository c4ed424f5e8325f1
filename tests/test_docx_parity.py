"""LibreOffice's rendering of gongwen's DOCX paginates like gongwen's PDF.

The first 64 letters of ``benchmarks/generate.py``'s set (all three formats, lines with
digits and Latin letters), and the real letters of the import corpus, are rendered as PDF
and DOCX; the DOCX files are converted in one soffice run per set (bundled fonts only, as
``gongwen check --render`` does) and compared line by line with
``benchmarks/docx_parity.py``'s comparison. Fails if soffice is missing, unless
GONGWEN_SKIP_LIBREOFFICE=1.
"""

from __future__ import annotations

import itertools
import re
import statistics
import zipfile
from pathlib import Path

import pytest

from benchmarks.docx_parity import HALF_WIDTH, render_and_compare
from benchmarks.generate import generate
from gongwen import spec
from gongwen.layout.text import SQUEEZE_CLOSING, SQUEEZE_OPENING
from gongwen.read.pdf import read_pdf_geometry
from gongwen.textnorm import normalise

from .libreoffice import require_soffice

# generated letters (index % 3: plain, 信函格式, 文件格式) every line of which breaks where
# the PDF's does in LibreOffice 7.4, lines with digits included; 1, 2, 4, 6 and 12 need
# the first-line indent of two 15.75 pt cells, the fillers on lines with digits, and a
# break allowed between a closing mark and digits (“中车株所、331厂”)
SAME_LINES = (1, 2, 4, 6, 10, 12, 17, 33, 40)
# generated letters (all three formats) whose PDF compresses punctuation on many lines
SQUEEZED = (23, 27, 28)
SQUEEZED_STEP = 0.75 * spec.CHAR_PITCH  # a mark's step to the next glyph, compressed
DATE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日")


def _han(text: str) -> bool:
    return len(text) == 1 and "\u4e00" <= text <= "\u9fff"


CORPUS = Path(__file__).resolve().parent / "import_corpus"
SET = 64  # the generated set benchmarks/docx_parity.py measures by default


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The first SET generated letters rendered and converted in one soffice run."""
    require_soffice()
    work = tmp_path_factory.mktemp("docx-parity")
    letters = generate(work / "letters", SET)
    results = render_and_compare(letters, work)
    return work, dict(enumerate(results))


@pytest.fixture(scope="module")
def parity(rendered):
    work, results = rendered
    return work, {i: results[i] for i in SAME_LINES}


@pytest.fixture(scope="module")
def squeezed(rendered):
    work, results = rendered
    return work, [results[i] for i in SQUEEZED]


def test_formats_covered():
    assert {i % 3 for i in SAME_LINES} == {0, 1, 2}
    assert {i % 3 for i in SQUEEZED} == {0, 1, 2}


def _squeezed_lines(pdf) -> dict[str, list[int]]:
    """Lines of a PDF (normalised text) with the indices of their punctuation marks set
    narrower than three quarters of a cell (from its glyph origin to the next one's)."""
    out: dict[str, list[int]] = {}
    for page in read_pdf_geometry(pdf).pages:
        for line in page.lines:
            marks = [k for k, (a, b) in enumerate(itertools.pairwise(line.glyphs))
                     if a.text in SQUEEZE_CLOSING | SQUEEZE_OPENING
                     and b.x0 - a.x0 < SQUEEZED_STEP]
            if marks:
                out[normalise(line.text)] = marks
    return out


def test_squeezed_punctuation_breaks_alike(squeezed):
    """Where the PDF compresses punctuation to keep a mark on the line (CLREQ), the DOCX
    narrows the mark (``w:w``): LibreOffice breaks every such line at the same characters,
    with the mark as narrow, and the letters keep their page counts and all line breaks."""
    work, results = squeezed
    assert [(r.name, r.pages_docx, r.lines_agreeing, r.marks_lost) for r in results] == [
        (r.name, r.pages_pdf, r.lines, 0) for r in results]
    total = 0
    for r in results:
        pdf = _squeezed_lines(work / f"{r.name}.pdf")
        lo = _squeezed_lines(work / "libreoffice" / f"{r.name}.pdf")
        assert pdf, r.name
        total += sum(map(len, pdf.values()))
        # as many marks narrowed on the same line (an opening mark's glyph origin stands
        # elsewhere in the two: gongwen shifts it left, LibreOffice scales its box)
        assert {t: len(lo.get(t, ())) for t in pdf} == {t: len(m) for t, m in pdf.items()}
        xml = zipfile.ZipFile(work / f"{r.name}.docx").read("word/document.xml").decode()
        assert re.search(r'<w:spacing w:val="0"/><w:w w:val="(49|5\d)"/>', xml), r.name
    assert total >= 10


def test_the_generated_set_paginates_alike(rendered):
    """Over the whole generated set (all three formats): the same page count for every
    letter, the same line breaks on every line without digits or Latin letters, and on
    all but a few with them (a line with digits may still break a character apart,
    docs/docx.md); no mark is left out."""
    _, results = rendered
    assert {i % 3 for i in results} == {0, 1, 2}
    assert [(r.name, r.pages_docx) for r in results.values()] == [
        (r.name, r.pages_pdf) for r in results.values()]
    assert [(r.name, r.cjk_lines_agreeing) for r in results.values()] == [
        (r.name, r.cjk_lines) for r in results.values()]
    lines = sum(r.lines for r in results.values())
    assert sum(r.lines_agreeing for r in results.values()) >= 0.995 * lines
    assert sum(r.marks_lost for r in results.values()) == 0


def test_same_page_count(parity):
    _, results = parity
    assert [(r.name, r.pages_docx) for r in results.values()] == [
        (r.name, r.pages_pdf) for r in results.values()]


def test_same_line_breaks(parity):
    """Every line of the PDF, with digits or not, starts and ends where LibreOffice's does."""
    _, results = parity
    same = list(results.values())
    assert [(r.name, r.cjk_lines_agreeing, r.lines_agreeing) for r in same] == [
        (r.name, r.cjk_lines, r.lines) for r in same]


def test_letter_format_first_page_holds_the_pdfs_lines(parity):
    """信函格式: page 1's lines stand below the grid (where the 版头 puts them); LibreOffice
    lays them in whole grid lines of the text area and still holds as many as the PDF."""
    work, results = parity
    for i, r in results.items():
        if i % 3 != 1:
            continue
        pdf = read_pdf_geometry(work / f"{r.name}.pdf").pages[0]
        lo = read_pdf_geometry(work / "libreoffice" / f"{r.name}.pdf").pages[0]
        assert len(lo.lines) == len(pdf.lines), r.name


def test_no_space_between_chinese_and_digits(parity):
    """LibreOffice ignores ``w:autoSpaceDE/DN`` but adds no space beside a digit in the
    text: a step from a Chinese character to a digit is as wide as the line's other steps
    (median excess under a point; LibreOffice's own space is a fifth of the size, 3.2 pt,
    which the date and the title keep: their widths and breaks do not depend on it)."""
    work, results = parity
    excess = []
    for r in results.values():
        for page in read_pdf_geometry(work / "libreoffice" / f"{r.name}.pdf").pages:
            for line in page.lines:
                steps = [(a.text, b.text, b.x0 - a.x0)
                         for a, b in itertools.pairwise(line.glyphs)]
                wide = [d for a, b, d in steps if _han(a) and _han(b)]
                if len(wide) < 5 or DATE.match(line.text):
                    continue
                usual = statistics.median(wide)
                if usual > spec.BODY_SIZE + 1.5:  # a title: broken by hand
                    continue
                excess += [d - usual for a, b, d in steps
                           if _han(a) and HALF_WIDTH.match(b) and d < usual + 8]  # no tab
    assert len(excess) > 20
    assert statistics.median(excess) < 1.0


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The letters of the import corpus (real published replies, tests/import_corpus)
    imported, rendered and converted in one soffice run."""
    from gongwen.importer import import_file, to_yaml

    require_soffice()
    work = tmp_path_factory.mktemp("docx-parity-published")
    letters = []
    for source in sorted(CORPUS.glob("*.txt")):
        path = work / f"{source.stem}.yaml"
        path.write_text(to_yaml(import_file(source)), encoding="utf-8")
        letters.append(path)
    return render_and_compare(letters, work)


def test_published_letters_paginate_alike(published):
    """Real letters: LibreOffice's rendering has the PDF's pages and every line break, the
    contacts and 附注 kept with the signature included."""
    assert len(published) >= 30
    assert [(r.name, r.pages_docx, r.lines_agreeing) for r in published] == [
        (r.name, r.pages_pdf, r.lines) for r in published]
    assert sum(r.marks_lost for r in published) == 0


def _mark_extent(pdf) -> tuple[float, float, float]:
    """(left, right, top) of the 标志's glyphs (the only text over 20 pt on page 1)."""
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        glyphs = [c for c in doc.pages[0].chars if c["size"] > 20]
    return (min(c["x0"] for c in glyphs), max(c["x1"] for c in glyphs),
            min(c["top"] for c in glyphs))


def test_joint_marks_stand_where_the_pdf_has_them(rendered):
    """A joint 文件格式 标志 (a table) right above the 发文字号 and 签发人 (a table): LibreOffice
    joins two tables with nothing between them, which stretched the 标志 over the type
    area. Over the set, no two tables stand side by side in the body, and each joint 标志
    lies within a millimetre of the PDF's in LibreOffice's rendering."""
    work, results = rendered
    joint = 0
    for r in results.values():
        xml = zipfile.ZipFile(work / f"{r.name}.docx").read("word/document.xml").decode()
        assert "</w:tbl><w:tbl>" not in xml, r.name
        letter = (work / "letters" / f"{r.name}.yaml").read_text(encoding="utf-8")
        if not re.search(r"format: document\nheader:\n  organs:\n  - .*\n  - ", letter):
            continue
        joint += 1
        ours = _mark_extent(work / f"{r.name}.pdf")
        theirs = _mark_extent(work / "libreoffice" / f"{r.name}.pdf")
        assert all(abs(a - b) < 2.835 for a, b in zip(ours, theirs, strict=True)), (
            r.name, ours, theirs)
    assert joint >= 2


def test_libreoffice_renderings_check_as_clean_as_the_pdfs(rendered):
    """``gongwen check`` on each DOCX with LibreOffice's rendering finds nothing that the
    check of gongwen's own PDF, or of the DOCX's settings alone, does not find too (the
    generated letters keep some published forms on purpose)."""
    from gongwen.check import check_file
    from gongwen.check.docx import check_docx

    def rules(report) -> set[str]:
        return {f.rule for f in report.findings if f.severity.name in ("ERROR", "WARNING")}

    work, results = rendered
    extra = {}
    for r in results.values():
        letter = (work / "letters" / f"{r.name}.yaml").read_text(encoding="utf-8")
        fmt = "format: letter" in letter
        docx = work / f"{r.name}.docx"
        lo = rules(check_docx(docx, rendered_pdf=work / "libreoffice" / f"{r.name}.pdf",
                              letter_format=fmt))
        own = rules(check_file(work / f"{r.name}.pdf", letter_format=fmt))
        alone = rules(check_docx(docx, letter_format=fmt))
        if lo - own - alone:
            extra[r.name] = sorted(lo - own - alone)
    assert extra == {}
