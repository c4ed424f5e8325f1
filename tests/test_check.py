"""`gongwen check`: our own letters check clean; documents that break one rule are caught.

LibreOffice runs once for the module (all DOCX files in one soffice start).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from gongwen import spec
from gongwen.check import CheckError, Severity, check_file
from gongwen.check.docx import check_docx
from gongwen.check.pdf import check_pdf
from gongwen.fonts import load_fontset
from gongwen.loader import load_letter
from gongwen.pipeline import render_letter

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT
from .libreoffice import require_soffice

LETTERS = {"reference": REFERENCE_YAML, "example": EXAMPLE_LETTER, "document": EXAMPLE_LETTER}
FORMATS = {"reference": "plain", "example": "letter", "document": "document"}
FONTSET = load_fontset("open")


def _letter(name: str, tmp: Path):
    """The letter of ``name``; "document" is the example letter in 文件格式 with 印发."""
    if name != "document":
        return load_letter(LETTERS[name])
    text = EXAMPLE_LETTER.read_text(encoding="utf-8")
    text = text.replace("format: letter", "format: document").replace(
        "    - 市政协提案委员会",
        "    - 市政协提案委员会\n  printer: 示例市发展和改革委员会办公室\n  print_date: 2024-06-19",
    )
    path = tmp / "document.yaml"
    path.write_text(text, encoding="utf-8")
    return load_letter(path)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Path]]:
    out = tmp_path_factory.mktemp("letters")
    files: dict[str, dict[str, Path]] = {}
    for name, path in LETTERS.items():
        rendered = render_letter(
            _letter(name, out), ("pdf", "docx"), fonts="open", base_dir=path.parent
        )
        files[name] = {}
        for fmt, data in rendered.outputs.items():
            target = out / f"{name}.{fmt}"
            target.write_bytes(data)
            files[name][fmt] = target
    return files


@pytest.fixture(scope="module")
def word_default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import docx

    path = tmp_path_factory.mktemp("word") / "word-default.docx"
    d = docx.Document()
    for _ in range(3):
        d.add_paragraph("您提出的关于加快示例新区产业园区建设的提案收悉。现答复如下：" * 4)
    d.save(str(path))
    return path


@pytest.fixture(scope="module")
def rendered(outputs, word_default, tmp_path_factory) -> dict[str, Path]:
    """LibreOffice's PDFs of our DOCX files and of Word's default document (one soffice run)."""
    require_soffice()
    from gongwen.check.render import render_docx_files

    out = tmp_path_factory.mktemp("lo")
    sources = {name: outputs[name]["docx"] for name in LETTERS}
    sources["word-default"] = word_default
    pdfs = render_docx_files(list(sources.values()), out)
    return dict(zip(sources, pdfs, strict=True))


def problems(report) -> set[str]:
    return report.rules()


# --- our own outputs -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(LETTERS))
def test_our_pdf_checks_clean(outputs, name):
    report = check_pdf(outputs[name]["pdf"], fontset=FONTSET)
    assert report.clean, [f.to_dict() for f in report.findings]
    m = report.measurements["pdf"]
    assert m["line_pitch_pt"] == pytest.approx(spec.LINE_PITCH, abs=0.05)
    assert m["char_pitch_pt"] == pytest.approx(spec.CHAR_PITCH, abs=0.05)
    assert all(n == spec.LINES_PER_PAGE for n in m["lines_per_full_page"])
    assert all(
        abs(v - spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM) < 0.2
        for v in m["page_number_below_type_area_mm"]
    )


def test_example_letter_detected_as_letter_format(outputs):
    report = check_pdf(outputs["example"]["pdf"], fontset=FONTSET)
    assert report.measurements["pdf"]["format"] == "letter"
    forced = check_pdf(outputs["example"]["pdf"], fontset=FONTSET, letter_format=True)
    assert forced.clean


@pytest.mark.parametrize("name", list(LETTERS))
def test_our_docx_checks_clean(outputs, name):
    report = check_docx(outputs[name]["docx"], fontset=FONTSET)
    assert report.clean, [f.to_dict() for f in report.findings]
    assert report.measurements["docx"]["chars_per_line"] == spec.CHARS_PER_LINE


@pytest.mark.parametrize("name", list(LETTERS))
def test_our_docx_rendering_checks_clean(outputs, rendered, name):
    """LibreOffice's layout of our DOCX passes the same page rules as our PDF."""
    report = check_docx(outputs[name]["docx"], rendered_pdf=rendered[name], fontset=FONTSET)
    assert report.rendered
    assert report.clean, [f.to_dict() for f in report.findings]
    m = report.measurements["rendered_pdf"]
    assert m["line_pitch_pt"] == pytest.approx(spec.LINE_PITCH, abs=0.1)
    assert all(n == spec.LINES_PER_PAGE for n in m["lines_per_full_page"])
    assert m["format"] == FORMATS[name]


# --- PDFs that each break one rule (made with reportlab) ---------------------------------------

FANG, SONG = "T-FandolFang", "T-FandolSong"
pdfmetrics.registerFont(TTFont(FANG, str(ROOT / "fonts" / "FandolFang-Regular.ttf")))
pdfmetrics.registerFont(TTFont(SONG, str(ROOT / "fonts" / "FandolSong-Regular.ttf")))
TEXT = "您提出的关于加快示例新区产业园区建设的提案收悉经商市工业和信息化局现答复如下" * 40
TYPE_RIGHT = spec.MARGIN_LEFT + spec.TYPE_AREA_WIDTH
TYPE_BOTTOM = spec.MARGIN_TOP + spec.TYPE_AREA_HEIGHT


def make_pdf(
    path: Path,
    *,
    left: float = spec.MARGIN_LEFT,
    top: float = spec.MARGIN_TOP,
    pitch: float = spec.LINE_PITCH,
    lines: int = spec.LINES_PER_PAGE,
    size: float = spec.BODY_SIZE,
    per_line: int = spec.CHARS_PER_LINE,
    font: str = FANG,
    page_number=spec.page_number_text,
    number_below_mm: float = spec.PAGE_NUMBER_BELOW_TYPE_AREA_MM,
    date: str = "2022年9月29日",
    replace: dict[int, str] | None = None,
    first_right: str | None = None,
    swap_sides: bool = False,
    last_page_lines: int | None = None,
    render_mode: int = 0,
) -> Path:
    """A 2-page plain letter on the GB/T 9704 grid, with one figure changed by the caller."""
    c = Canvas(str(path), pagesize=(spec.PAGE_WIDTH, spec.PAGE_HEIGHT), invariant=1)
    char_pitch = spec.TYPE_AREA_WIDTH / per_line
    right = left + spec.TYPE_AREA_WIDTH
    text = iter(TEXT[i : i + per_line] for i in range(0, len(TEXT), per_line))

    def draw(x: float, slot: int, s: str, fnt: str = font, sz: float = size) -> None:
        y = top + slot * pitch + (pitch - sz) / 2 + 0.88 * sz
        t = c.beginText()
        t.setFont(fnt, sz)
        t.setCharSpace(char_pitch - sz)
        t.setTextRenderMode(render_mode)
        t.setTextOrigin(x, spec.PAGE_HEIGHT - y)
        t.textOut(s)
        c.drawText(t)

    slot_no = 0
    for page in (1, 2):
        count = lines if page == 1 else (lines // 2 if last_page_lines is None else last_page_lines)
        for slot in range(count):
            s = next(text)
            if replace and slot_no in replace:
                s = replace[slot_no]
            if page == 1 and slot == 0 and first_right:
                draw(right - len(first_right) * char_pitch + 4 * char_pitch / 2, 0, first_right)
            else:
                draw(left, slot, s)
            slot_no += 1
        if page == 2:
            sig = "示例市发展和改革委员会"
            sig_x = right - (2 + len(sig)) * char_pitch
            draw(sig_x, count + 1, sig)
            draw(sig_x + 2 * char_pitch, count + 2, date)
        label = page_number(page)
        width = pdfmetrics.stringWidth(label, SONG, spec.PAGE_NUMBER_SIZE)
        dash_y = TYPE_BOTTOM + spec.mm(number_below_mm)
        base = dash_y + 0.38 * spec.PAGE_NUMBER_SIZE
        odd = bool(page % 2) != swap_sides
        x = right - spec.PAGE_NUMBER_INDENT - width if odd else left + spec.PAGE_NUMBER_INDENT
        c.setFont(SONG, spec.PAGE_NUMBER_SIZE)
        c.drawString(x, spec.PAGE_HEIGHT - base, label)
        c.showPage()
    c.save()
    return path


def test_reportlab_baseline_is_clean(tmp_path):
    report = check_pdf(make_pdf(tmp_path / "ok.pdf"), fontset=FONTSET)
    assert report.clean, [f.to_dict() for f in report.findings]


def _caught(report, rule: str, clause: str) -> None:
    hits = [f for f in report.findings if f.rule == rule]
    assert hits, (rule, [f.to_dict() for f in report.findings])
    assert all(str(f.clause) == clause for f in hits)
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("case", "kwargs", "rule", "clause"),
    [
        ("margins", {"left": spec.mm(20)}, "margin-left", "5.2.1 版心"),
        ("top-margin", {"top": spec.mm(25.4)}, "margin-top", "5.2.1 版心"),
        (
            "30-lines",
            {"pitch": spec.TYPE_AREA_HEIGHT / 30, "lines": 30},
            "lines-per-page",
            "5.2.3 行数和字数",
        ),
        (
            "30-lines-pitch",
            {"pitch": spec.TYPE_AREA_HEIGHT / 30, "lines": 30},
            "line-pitch",
            "5.2.3 行数和字数",
        ),
        ("14pt", {"size": 14.0, "per_line": 31}, "body-size", "5.2.2 字体和字号"),
        ("14pt-chars", {"size": 14.0, "per_line": 31}, "char-pitch", "5.2.3 行数和字数"),
        (
            "comma-start",
            {"replace": {3: "，" + TEXT[:27]}},
            "kinsoku-start",
            "9 标点符号（GB/T 15834）",
        ),
        ("open-end", {"replace": {5: TEXT[:27] + "“"}}, "kinsoku-end", "9 标点符号（GB/T 15834）"),
        (
            "page-number-hyphen",
            {"page_number": lambda n: f"-{n}-"},
            "page-number-format",
            "7.5 页码",
        ),
        ("page-number-low", {"number_below_mm": 12.0}, "page-number-position", "7.5 页码"),
        ("zero-padded-date", {"date": "2022年09月29日"}, "date-format", "7.3.5 署名和成文日期"),
        ("chinese-date", {"date": "二〇二二年九月二十九日"}, "date-format", "7.3.5 署名和成文日期"),
        ("signature-alone", {"last_page_lines": 0}, "signature-alone", "7.3.5 署名和成文日期"),
        ("faux-bold", {"render_mode": 2}, "faux-bold", "5.2.2 字体和字号"),
        (
            "square-brackets",
            {"first_right": "株发改函[2022]12号"},
            "doc-number-format",
            "7.2.5 发文字号",
        ),
        (
            "zero-serial",
            {"first_right": "株发改函〔2022〕012号"},
            "doc-number-format",
            "7.2.5 发文字号",
        ),
    ],
)
def test_broken_pdf_caught(tmp_path, case, kwargs, rule, clause):
    report = check_pdf(make_pdf(tmp_path / f"{case}.pdf", **kwargs), fontset=FONTSET)
    _caught(report, rule, clause)


def test_page_number_on_wrong_side(tmp_path):
    report = check_pdf(make_pdf(tmp_path / "side.pdf", swap_sides=True), fontset=FONTSET)
    _caught(report, "page-number-side", "7.5 页码")
    assert {f.page for f in report.findings if f.rule == "page-number-side"} == {1, 2}


def test_letter_format_flag_wants_no_number_on_page_1(tmp_path):
    report = check_pdf(make_pdf(tmp_path / "plain.pdf"), fontset=FONTSET, letter_format=True)
    hits = [f for f in report.findings if f.rule == "page-number-unexpected"]
    assert hits and hits[0].page == 1 and str(hits[0].clause) == "7.5 页码"
    _caught(report, "letter-rules", "10.1 信函格式")


def test_non_embedded_font(tmp_path):
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    report = check_pdf(make_pdf(tmp_path / "cid.pdf", font="STSong-Light"), fontset=FONTSET)
    _caught(report, "font-not-embedded", "5.2.2 字体和字号")


def test_missing_glyph(tmp_path):
    rare = "\U0002a6a5"  # an Extension B character FandolFang lacks
    assert not FONTSET.has_glyph(FONTSET.face(spec.FontRole.FANGSONG), rare)
    report = check_pdf(
        make_pdf(tmp_path / "notdef.pdf", replace={2: rare + TEXT[:27]}), fontset=FONTSET
    )
    _caught(report, "missing-glyph", "5.2.2 字体和字号")


# --- DOCX ------------------------------------------------------------------------------------


def _edit_docx(src: Path, dst: Path, edit) -> Path:
    import docx

    d = docx.Document(str(src))
    edit(d)
    d.save(str(dst))
    return dst


def test_docx_wrong_margins(outputs, tmp_path):
    from docx.shared import Cm

    def edit(d):
        for s in d.sections:
            s.left_margin, s.right_margin = Cm(2.54), Cm(3.18)

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "m.docx", edit), fontset=FONTSET
    )
    _caught(report, "margin-left", "5.2.1 版心")
    _caught(report, "margin-right", "5.2.1 版心")


def test_docx_calibri_body(outputs, tmp_path):
    from docx.oxml.ns import qn

    def edit(d):
        for p in d.paragraphs:
            for r in p.runs:
                r.font.name = "Calibri"
                r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Calibri")

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "c.docx", edit), fontset=FONTSET
    )
    _caught(report, "font-body", "5.2.2 字体和字号")


def test_docx_theme_font_trap(outputs, tmp_path):
    """An eastAsiaTheme attribute wins over w:eastAsia: CJK goes to the theme's font."""
    from docx.oxml.ns import qn

    def edit(d):
        for p in d.paragraphs:
            for r in p.runs:
                r._element.get_or_add_rPr().get_or_add_rFonts().set(
                    qn("w:eastAsiaTheme"), "minorEastAsia"
                )

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "t.docx", edit), fontset=FONTSET
    )
    _caught(report, "theme-font", "5.2.2 字体和字号")


WORD_DEFAULT_FINDINGS = {
    ("paper-size", "5.1 幅面尺寸"),
    ("margin-top", "5.2.1 版心"),
    ("margin-bottom", "5.2.1 版心"),
    ("margin-left", "5.2.1 版心"),
    ("margin-right", "5.2.1 版心"),
    ("grid-missing", "5.2.3 行数和字数"),
    ("line-spacing", "5.2.3 行数和字数"),
    ("chars-per-line", "5.2.3 行数和字数"),
    ("size-body", "5.2.2 字体和字号"),
    ("font-body", "5.2.2 字体和字号"),
    ("theme-font", "5.2.2 字体和字号"),
    ("latin-font", "5.2.2 字体和字号"),
    ("page-number-missing", "7.5 页码"),
    ("first-line-indent", "7.3.3 正文"),
}


def test_word_default_docx(word_default):
    report = check_docx(word_default, fontset=FONTSET)
    got = {(f.rule, str(f.clause)) for f in report.findings if f.severity != "info"}
    assert got == WORD_DEFAULT_FINDINGS
    theme = next(f for f in report.findings if f.rule == "theme-font")
    assert "明朝" in theme.measured  # the theme's Jpan font, chosen by themeFontLang ja-JP


def test_word_default_docx_rendered(word_default, rendered):
    report = check_docx(word_default, rendered_pdf=rendered["word-default"], fontset=FONTSET)
    render_rules = {f.rule for f in report.findings if f.source == "render"}
    assert {"paper-size", "body-size", "line-pitch", "page-number-missing"} <= render_rules


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_exit_codes_and_json(outputs, word_default, tmp_path):
    from typer.testing import CliRunner

    from gongwen.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["check", str(outputs["reference"]["pdf"])])
    assert ok.exit_code == 0, ok.output
    bad = runner.invoke(app, ["check", str(word_default), "--format", "json"])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["kind"] == "docx" and not data["clean"]
    assert {"severity", "clause", "rule", "where", "measured", "expected"} <= set(
        data["findings"][0]
    )
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4 not really")
    for path in (junk, tmp_path / "missing.pdf"):
        res = runner.invoke(app, ["check", str(path)])
        assert res.exit_code == 2
        assert "Traceback" not in res.output
    with pytest.raises(CheckError):
        check_file(tmp_path / "missing.docx")


def test_docx_kinsoku_off(outputs, tmp_path):
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    def edit(d):
        for p in d.paragraphs:
            p._p.get_or_add_pPr().append(parse_xml(f'<w:kinsoku {nsdecls("w")} w:val="0"/>'))

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "k.docx", edit), fontset=FONTSET
    )
    _caught(report, "kinsoku-off", "9 标点符号（GB/T 15834）")


def test_docx_letter_format_needs_title_page(outputs):
    """The plain reference letter numbers page 1; checked as 信函格式 that is wrong."""
    report = check_docx(outputs["reference"]["docx"], fontset=FONTSET, letter_format=True)
    _caught(report, "page-number-unexpected", "7.5 页码")


def test_docx_zero_padded_print_date(outputs, tmp_path):
    def edit(d):
        for t in d.element.body.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"
        ):
            if t.text and "2024年6月19日" in t.text:
                t.text = t.text.replace("2024年6月19日", "2024年06月19日")

    report = check_docx(
        _edit_docx(outputs["document"]["docx"], tmp_path / "p.docx", edit), fontset=FONTSET
    )
    _caught(report, "print-date-format", "7.4 版记")


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("ABCDEF+FangSong_GB2312", spec.FontRole.FANGSONG),
        (str("仿宋_GB2312".encode("gbk")), spec.FontRole.FANGSONG),  # pdfminer's repr of bytes
        ("仿宋_GB2312".encode("gbk").decode("latin-1"), spec.FontRole.FANGSONG),
        ("FZXBSJW--GB1-0", spec.FontRole.XIAOBIAOSONG),
        ("方正小标宋简体", spec.FontRole.XIAOBIAOSONG),
        ("FandolSong-Bold", spec.FontRole.XIAOBIAOSONG),
        ("FandolSong-Regular", spec.FontRole.SONGTI),
        ("SimSun", spec.FontRole.SONGTI),
        ("SimHei", spec.FontRole.HEITI),
        ("KaiTi_GB2312", spec.FontRole.KAITI),
        ("Calibri", None),
        ("ＭＳ 明朝", None),
    ],
)
def test_font_name_roles(name, role):
    from gongwen.check.fontnames import font_role

    assert font_role(name, FONTSET) is role


def test_docx_character_grid(outputs, tmp_path):
    """Word's usual 28-character grid (15.8 pt cells for 3号) counts 28 characters a line,
    with a warning that LibreOffice gives each 16 pt glyph two cells (decision 1)."""
    from docx.oxml.ns import qn

    def edit(d):
        grid = d.sections[0]._sectPr.find(qn("w:docGrid"))
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:charSpace"), str(round((spec.CHAR_PITCH - spec.BODY_SIZE) * 4096)))

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "g.docx", edit), fontset=FONTSET
    )
    assert report.measurements["docx"]["chars_per_line"] == spec.CHARS_PER_LINE
    assert report.rules() == {"char-grid-libreoffice"}


def test_docx_bold_cjk(outputs, tmp_path):
    def edit(d):
        for p in d.paragraphs[:3]:
            for r in p.runs:
                r.bold = True

    report = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "b.docx", edit), fontset=FONTSET
    )
    _caught(report, "faux-bold", "5.2.2 字体和字号")


# --- the table of rules ------------------------------------------------------------------------


def _registered(finding) -> bool:
    """A rule of the table with the finding's id, clause and severity, on its route."""
    from gongwen.check.rules import Route, table

    route = {"docx": Route.DOCX, "pdfa": Route.PDFA}.get(finding.source, Route.PDF)
    return any(
        r.id == finding.rule
        and str(r.clause) == str(finding.clause)
        and finding.severity in (r.severity, r.also)
        and r.route in (route, Route.BOTH)
        for r in table()
    )


def test_every_finding_is_a_rule_of_the_table(tmp_path, word_default, rendered):
    reports = [
        check_pdf(make_pdf(tmp_path / "a.pdf", left=spec.mm(20), date="2022年09月29日",
                           page_number=lambda n: f"-{n}-"), fontset=FONTSET, letter_format=True),
        check_pdf(make_pdf(tmp_path / "b.pdf", size=14.0, per_line=31, render_mode=2,
                           first_right="株发改函[2022]012号"), fontset=FONTSET),
        check_docx(word_default, rendered_pdf=rendered["word-default"], fontset=FONTSET),
        check_file(tmp_path / "b.pdf", fontset=FONTSET, pdfa=True),  # PDF/A: met and not
    ]
    findings = [f for r in reports for f in r.findings]
    assert len({f.rule for f in findings}) >= 25
    pdfa = {f.severity for f in findings if f.source == "pdfa"}
    assert pdfa == {Severity.ERROR, Severity.INFO}
    assert [f.to_dict() for f in findings if not _registered(f)] == []


def test_rule_table_is_documented():
    """docs/check.md lists the table as the code registers it."""
    from gongwen.check.rules import markdown_table

    doc = (ROOT / "docs" / "check.md").read_text(encoding="utf-8")
    begin = doc.index("<!-- rules:begin")
    listed = doc[doc.index("\n", begin) + 1 : doc.index("<!-- rules:end -->")]
    assert listed == markdown_table(), "docs/check.md: put rules.markdown_table() between the markers"


def test_rule_table_rows():
    from gongwen.check.report import Clause
    from gongwen.check.rules import Route, table

    rules = table()
    assert len(rules) > 100
    for r in rules:
        assert r.id == r.id.lower() and " " not in r.id, r.id
        assert isinstance(r.clause, Clause) and r.message.strip()
        assert r.also != r.severity
    rows = {(r.id, r.route) for r in rules}
    # the shared facts are judged by one rule on both routes
    for rid in ("date-format", "print-date-format", "doc-number-format", "signature-placement"):
        assert (rid, Route.BOTH) in rows and (rid, Route.PDF) not in rows
    # one size and one font rule per role a DOCX paragraph can have
    ids = {r.id for r in rules}
    assert {"size-body", "font-body", "size-heading2", "font-attachment-title"} <= ids


def test_cli_lists_rules():
    from rich.cells import cell_len
    from typer.testing import CliRunner

    from gongwen.check.report import Clause
    from gongwen.check.rules import table
    from gongwen.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["check", "--rules", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["rules"]
    assert sorted((r["id"], r["route"], r["message"]) for r in rows) == sorted(
        (r.id, str(r.route), r.message) for r in table()
    )
    clauses = [r["clause"] for r in rows]  # listed by clause, in the standard's order
    assert clauses == sorted(clauses, key=[str(c) for c in Clause].index)
    chars = next(r for r in rows if r["id"] == "chars-per-line" and r["route"] == "pdf")
    assert (chars["severity"], chars["also"]) == ("error", "warning")
    text = runner.invoke(app, ["check", "--rules"], env={"COLUMNS": "80"})
    assert text.exit_code == 0 and "signature-placement" in text.stdout
    assert max(cell_len(line) for line in text.stdout.splitlines()) <= 80
    assert runner.invoke(app, ["check"]).exit_code == 2


def test_shared_rules_read_alike_on_both_routes(outputs, tmp_path):
    """A zero-padded date and a misplaced date: the PDF's page and the DOCX's settings give
    the same message (one rule judges the facts both routes measure)."""
    from docx.oxml.ns import qn

    pdf = check_pdf(make_pdf(tmp_path / "d.pdf", date="2022年09月29日"), fontset=FONTSET)

    def edit(d):
        from docx.text.paragraph import Paragraph

        every = [Paragraph(p, d._body) for p in d.element.body.iter(qn("w:p"))]  # tables too
        (date,) = [p for p in every if p.text == "2022年9月29日"]
        date.runs[0].text = "2022年09月29日"
        date._p.pPr.find(qn("w:ind")).set(qn("w:leftChars"), "1200")  # 12 characters in

    docx = check_docx(
        _edit_docx(outputs["reference"]["docx"], tmp_path / "d.docx", edit), fontset=FONTSET
    )
    (pdf_date,) = [f for f in pdf.findings if f.rule == "date-format"]
    (docx_date,) = [f for f in docx.findings if f.rule == "date-format"]
    assert pdf_date.message == docx_date.message == "成文日期格式不对：月、日不编虚位（不加前导 0）"
    assert (pdf_date.source, docx_date.source) == ("pdf", "docx")
    (placed,) = [f for f in docx.findings if f.rule == "signature-placement"]
    assert "日期右空" in placed.measured and placed.paragraph is not None
