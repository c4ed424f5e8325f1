"""`gongwen check` on the PDF route: where a line's text ends (a closing mark compressed to
half a cell at the line end), the 信函格式 row below the red lines when only a 答复类别 is
there, and a 署名 set on two lines (a joint issue's stacked 署名s are not one).

The letters are gongwen's own (PDF, no LibreOffice) or drawn with reportlab glyph by glyph.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from gongwen import spec
from gongwen.check.facts_pdf import pdf_facts
from gongwen.check.pdf import check_geometry, check_pdf
from gongwen.check.report import Report, Severity
from gongwen.fonts import load_fontset
from gongwen.importer import import_file
from gongwen.loader import load_letter
from gongwen.pipeline import render_letter
from gongwen.read.pdf import read_pdf_geometry

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML

FONTSET = load_fontset("open")
CORPUS = Path(__file__).resolve().parent / "import_corpus"
CP = spec.CHAR_PITCH


def _pdf(letter, tmp: Path, name: str) -> Path:
    out = tmp / f"{name}.pdf"
    out.write_bytes(render_letter(letter, ("pdf",), fonts="open").outputs["pdf"])
    return out


def _corpus_pdf(stem: str, tmp: Path) -> Path:
    (source,) = CORPUS.glob(f"{stem}*.txt")
    return _pdf(import_file(source).letter, tmp, stem)


# --- a closing mark compressed at the line end ----------------------------------------------


@pytest.mark.parametrize("stem", ["18", "26"])
def test_compressed_full_stop_after_compressed_book_title_marks_ends_on_the_edge(tmp_path, stem):
    """Short published letters whose only long lines end “《……》收悉。”: gongwen compresses
    》 and 。 to half a cell so that the line fills the measure; the 。's half cell ends on
    the type area's right edge, which is where the text ends (no margin-right error)."""
    pdf = _corpus_pdf(stem, tmp_path)
    facts = pdf_facts(read_pdf_geometry(pdf), fontset=FONTSET)
    (line,) = [ln for ln in facts.body_lines() if "》收悉。" in ln.compact]
    assert facts.squeezed(line) and not facts.hangs(line)
    assert facts.text_end(line) == pytest.approx(spec.TYPE_RIGHT, abs=0.5)
    report = check_pdf(pdf, fontset=FONTSET)
    assert "margin-right" not in report.rules()
    assert report.measurements["pdf"]["right_mm"] == pytest.approx(spec.MARGIN_RIGHT_MM, abs=0.2)


FANG = "FandolFang-Regular"


def _squeezed_lines_pdf(path: Path, shift: float = 0.0, *, squeeze: bool = True,
                        full: int = 0) -> Path:
    """Four indented lines “您提出的《…》收悉。” of 28 cells with 》 and 。 compressed to
    half a cell (or, without ``squeeze``, 27 cells with 》 compressed and 。 full: the 。
    then ends half a cell short of the edge), ``full`` lines of 28 characters, then two
    short flush-left lines (the left edge), drawn glyph by glyph ``shift`` pt right of the
    grid."""
    if FANG not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FANG, str(FONTSET.face(spec.FontRole.FANGSONG).path)))
    c = Canvas(str(path), pagesize=(spec.PAGE_WIDTH, spec.PAGE_HEIGHT), invariant=1)
    long = "您提出的《" + "关" * (18 if squeeze else 17) + "》收悉。"
    for slot, text in enumerate([long] * 4 + ["关" * 28] * full + ["现答复如下："] * 2):
        x = spec.TYPE_LEFT + (2 * CP if slot < 4 else 0) + shift
        y = spec.TYPE_TOP + slot * spec.LINE_PITCH + (spec.LINE_PITCH - 16) / 2 + 0.88 * 16
        for ch in text:
            c.setFont(FANG, 16)
            c.drawString(x, spec.PAGE_HEIGHT - y, ch)
            x += CP / 2 if ch == "》" or (squeeze and ch == "。") else CP
    c.showPage()
    c.save()
    return path


def test_compressed_line_ends_measure_the_right_edge(tmp_path):
    """Lines ending in a compressed 。 measure the right edge where its half cell ends: on
    the grid nothing is reported; a full-width 。 that stops half a cell short is not read
    as compressed. Lines ending on a character, when there are some, say where the edge
    is: the block moved 3 mm right (a right margin of 23 mm) is reported, whatever its
    lines ending in a mark could be read as."""
    on_grid = check_pdf(_squeezed_lines_pdf(tmp_path / "grid.pdf"), fontset=FONTSET)
    assert not {"margin-right", "outside-type-area"} & on_grid.rules()
    assert on_grid.measurements["pdf"]["right_mm"] == pytest.approx(spec.MARGIN_RIGHT_MM, abs=0.1)
    moved = check_pdf(_squeezed_lines_pdf(tmp_path / "moved.pdf", spec.mm(3), full=2),
                      fontset=FONTSET)
    assert "margin-right" in moved.rules(Severity.ERROR)
    assert moved.measurements["pdf"]["right_mm"] == pytest.approx(spec.MARGIN_RIGHT_MM - 3, abs=0.1)
    short = check_pdf(_squeezed_lines_pdf(tmp_path / "short.pdf", squeeze=False), fontset=FONTSET)
    assert short.measurements["pdf"]["right_mm"] == pytest.approx(
        spec.MARGIN_RIGHT_MM + spec.pt_to_mm(CP / 2), abs=0.1)


# --- 信函格式: the row below the red lines -------------------------------------------------


def test_reply_category_alone_below_the_letter_lines_is_not_the_header_row(tmp_path):
    """A 信函格式 letter whose only element below the double lines is the 答复类别 (decision
    9: on the line above the title, the title two lines below the lines): no 7/8 warning."""
    report = check_pdf(_corpus_pdf("29", tmp_path), fontset=FONTSET)
    assert report.measurements["pdf"]["format"] == "letter"
    assert "letter-header-row" not in report.rules()


def test_header_row_below_a_category_line_is_still_measured(tmp_path):
    """The 发文字号 row is measured 14 pt below the lines with a 答复类别 in the 版头 too:
    gongwen's example letter is right; with the red lines drawn 6 pt higher the row is
    reported, at the 发文字号's line, not at the 答复类别's."""
    pdf = _pdf(load_letter(EXAMPLE_LETTER), tmp_path, "example")
    geometry = read_pdf_geometry(pdf)
    report = Report(str(pdf), "pdf")
    check_geometry(geometry, report, fontset=FONTSET)
    assert "letter-header-row" not in report.rules()
    for s in geometry.pages[0].strokes:
        if s.y < spec.PAGE_HEIGHT / 2:
            s.y -= 6
    moved = Report(str(pdf), "pdf")
    check_geometry(geometry, moved, fontset=FONTSET)
    (found,) = [f for f in moved.findings if f.rule == "letter-header-row"]
    row = geometry.pages[0].lines[found.line - 1]
    assert "示发改函〔2024〕7号" in row.compact


# --- a 署名 on two lines ---------------------------------------------------------------------

LEAD, SECOND = "株洲市发展和改革委员会", "株洲市人民政府办公室"


@pytest.fixture(scope="module")
def joint_pdf(tmp_path_factory) -> Path:
    """The reference letter signed by two organs: their 署名s stacked, aligned on their
    first characters, the lead (longer) one right-indented two characters."""
    letter = load_letter(REFERENCE_YAML)
    joint = letter.model_copy(update={"signature": letter.signature.model_copy(
        update={"organs": [LEAD, SECOND]})})
    return _pdf(joint, tmp_path_factory.mktemp("joint"), "joint")


def _check(pdf: Path, signatures: list[str]) -> Report:
    report = Report(str(pdf), "docx")
    check_geometry(read_pdf_geometry(pdf), report, fontset=FONTSET, origin="render",
                   signatures=signatures)
    return report


def test_joint_signatures_are_not_a_wrapped_one(joint_pdf):
    """Two 署名s written as two (or not known): the joint issue checks clean."""
    for written in ([LEAD, SECOND], [SECOND], []):
        report = _check(joint_pdf, written)
        assert report.clean, (written, [f.to_dict() for f in report.findings])


def test_one_signature_on_two_lines_is_an_error(joint_pdf):
    """The same two lines where the file writes one 署名 (a DOCX's 署名 paragraph that
    LibreOffice wrapped in its column): an error at the second line, which is not two
    characters from the right edge; the 署名 and date placement is measured on the first."""
    report = _check(joint_pdf, [LEAD + SECOND])
    (found,) = [f for f in report.findings if f.rule == "signature-wrapped"]
    assert found.severity is Severity.ERROR and found.clause.startswith("7.3.5")
    assert LEAD + SECOND in found.message and "2 行" in found.message
    lines = read_pdf_geometry(joint_pdf).pages[found.page - 1].lines
    assert lines[found.line - 1].compact == SECOND
    first, second = found.measured.split("；")
    assert first == f"“{LEAD}”右空 2.0 字" and second.startswith(f"“{SECOND}”右空 2.9 字")
    assert "signature-placement" not in report.rules()
    assert report.rules(Severity.ERROR) == {"signature-wrapped"}


def test_a_wrapped_signature_may_start_elsewhere(joint_pdf):
    """A 署名's second line that does not start under its first (a right-aligned or centred
    paragraph wrapping) still belongs to it: the wrap is found by the text."""
    geometry = read_pdf_geometry(joint_pdf)
    (second,) = [ln for p in geometry.pages for ln in p.lines if ln.compact == SECOND]
    for g in second.glyphs:
        g.x0 += 2 * CP
        g.x1 += 2 * CP
    report = Report(str(joint_pdf), "docx")
    check_geometry(geometry, report, fontset=FONTSET, origin="render",
                   signatures=[LEAD + SECOND])
    assert "signature-wrapped" in report.rules(Severity.ERROR)


def test_joint_signatures_in_the_docx_signature_table(tmp_path):
    """gongwen's DOCX stacks a joint issue's 署名s in the 署名 table: the check reads both
    as 署名s and places the lead (longer) one, so the DOCX checks clean."""
    from gongwen.check.docx import check_docx
    from gongwen.check.facts_docx import docx_facts
    from gongwen.read.docx import DocxDocument
    from gongwen.spec import Role

    letter = load_letter(REFERENCE_YAML)
    joint = letter.model_copy(update={"signature": letter.signature.model_copy(
        update={"organs": [LEAD, SECOND]})})
    path = tmp_path / "joint.docx"
    path.write_bytes(render_letter(joint, ("docx",), fonts="open").outputs["docx"])
    facts = docx_facts(DocxDocument.open(path.read_bytes(), str(path)))
    assert [p.text for p in facts.paras if p.role is Role.SIGNATURE] == [LEAD, SECOND]
    assert facts.placement is not None and facts.placement.placed
    assert facts.placement.signature_right == pytest.approx(spec.SIGNATURE_RIGHT_CHARS, abs=0.1)
    report = check_docx(path, fontset=FONTSET)
    assert report.clean, [f.to_dict() for f in report.findings]
