"""LibreOffice's rendering of gongwen's DOCX paginates like gongwen's PDF.

A few letters of ``benchmarks/generate.py``'s set (all three formats, lines with digits and
Latin letters) are rendered as PDF and DOCX; the DOCX files are converted in one soffice
run (bundled fonts only, as ``gongwen check --render`` does) and compared line by line with
``benchmarks/docx_parity.py``'s comparison. Fails if soffice is missing, unless
GONGWEN_SKIP_LIBREOFFICE=1.
"""

from __future__ import annotations

import itertools
import statistics

import pytest

from benchmarks.docx_parity import HALF_WIDTH, render_and_compare
from benchmarks.generate import generate
from gongwen.read.pdf import read_pdf_geometry

from .libreoffice import require_soffice

# generated letters (index % 3: plain, 信函格式, 文件格式) whose every line breaks where the
# PDF's does in LibreOffice 7.4, lines with digits included
LETTERS = (0, 8, 17, 24, 33, 49)


def _han(text: str) -> bool:
    return len(text) == 1 and "\u4e00" <= text <= "\u9fff"


@pytest.fixture(scope="module")
def parity(tmp_path_factory):
    require_soffice()
    work = tmp_path_factory.mktemp("docx-parity")
    letters = generate(work / "letters", max(LETTERS) + 1)
    chosen = [letters[i] for i in LETTERS]
    return work, render_and_compare(chosen, work)


def test_formats_covered():
    assert {i % 3 for i in LETTERS} == {0, 1, 2}


def test_same_page_count(parity):
    _, results = parity
    assert [(r.name, r.pages_docx) for r in results] == [
        (r.name, r.pages_pdf) for r in results]


def test_same_line_breaks(parity):
    """Every line of the PDF, with digits or not, starts and ends where LibreOffice's does."""
    _, results = parity
    assert [(r.name, r.cjk_lines_agreeing, r.lines_agreeing) for r in results] == [
        (r.name, r.cjk_lines, r.lines) for r in results]


def test_no_space_between_chinese_and_digits(parity):
    """LibreOffice ignores ``w:autoSpaceDE/DN`` but adds no space beside a digit: the step
    from a Chinese character to a digit (or back) is no wider than the line's other steps
    plus a point (LibreOffice's own space is a fifth of the size, 3.2 pt)."""
    work, results = parity
    seen = 0
    for r in results:
        for page in read_pdf_geometry(work / "libreoffice" / f"{r.name}.pdf").pages:
            for line in page.lines:
                gl = line.glyphs
                steps = [(a.text, b.text, b.x0 - a.x0) for a, b in itertools.pairwise(gl)]
                wide = [d for a, b, d in steps if _han(a) and _han(b)]
                if len(wide) < 5:
                    continue
                usual = statistics.median(wide)
                for a, b, d in steps:
                    if _han(a) and HALF_WIDTH.match(b):
                        seen += 1
                        assert d < usual + 1.0, (r.name, line.text, a, b, d)
    assert seen > 10
