"""``gongwen diff``: reading every kind of input, alignment, reports, layout and overlays.

The reference letter must read the same from its YAML, its published text, gongwen's PDF and
DOCX and LibreOffice's PDF of that DOCX; edited copies must report exactly their edits.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongwen.cli import app
from gongwen.diff import char_ops, diff_readings, render_html
from gongwen.read import Paragraph, Reading, RoleSource, SourceKind, read_any, read_text
from gongwen.spec import Role
from gongwen.textnorm import DEFAULT, STRICT

from .conftest import EXAMPLE_LETTER, REFERENCE_TEXT, REFERENCE_YAML, ROOT

CHROMIUM_SKIP_ENV = "GONGWEN_SKIP_CHROMIUM"
LINES = REFERENCE_TEXT.read_text(encoding="utf-8").splitlines()


def run(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *map(str, args)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def run_json(*args: str | Path) -> tuple[int, dict]:
    code, out, err = run(*args, "--format", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def edits(changes: dict) -> list[tuple]:
    """(kind, a, b, non-equal ops) of each change, for exact assertions."""
    return [
        (c["kind"], c["a"], c["b"], [(o["a"], o["b"]) for o in c["ops"] if o["op"] != "equal"])
        for c in changes["changes"]
    ]


# --- renders of the reference letter ---------------------------------------------------------
@pytest.fixture(scope="session")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """gongwen's PDF and DOCX of the reference letter and the 信函格式 example."""
    from gongwen.loader import load_letter
    from gongwen.pipeline import render_letter

    out = tmp_path_factory.mktemp("diff-render")
    paths = {}
    for name, src in (("ref", REFERENCE_YAML), ("ex", EXAMPLE_LETTER)):
        r = render_letter(load_letter(src), ("pdf", "docx"), fonts="open", base_dir=src.parent)
        for fmt, data in r.outputs.items():
            p = out / f"{name}.{fmt}"
            p.write_bytes(data)
            paths[f"{name}.{fmt}"] = p
    return paths


@pytest.fixture(scope="session")
def libreoffice_pdf(rendered, tmp_path_factory) -> Path:
    from .libreoffice import convert_to_pdf, require_soffice

    require_soffice()
    out = tmp_path_factory.mktemp("diff-lo")
    return convert_to_pdf([rendered["ref.docx"]], out)[0]


# --- the reference letter reads the same from every source -----------------------------------
def test_yaml_against_published_text_is_identical():
    code, out, err = run(REFERENCE_YAML, REFERENCE_TEXT)
    assert code == 0, out + err
    assert "相同" in out
    assert "已归一化：空白、全半角（NFKC）、引号样式" in out


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_gongwen_exports_against_published_text(rendered, fmt):
    code, data = run_json(rendered[f"ref.{fmt}"], REFERENCE_TEXT)
    assert code == 0, edits(data)
    assert data["identical"] and data["similarity"] == 1.0
    assert data["a"]["kind"] == fmt and data["a"]["paragraphs"] == 20


def test_libreoffice_pdf_against_published_text(libreoffice_pdf):
    code, data = run_json(libreoffice_pdf, REFERENCE_TEXT)
    assert code == 0, edits(data)
    assert data["a"]["paragraphs"] == 20


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_letter_format_example_against_its_exports(rendered, fmt):
    """版头 elements (text boxes in the DOCX, one baseline shared by 份号 and 发文字号 in the
    PDF), a two-line title, attachment page and 版记 all read back in the letter's order."""
    code, data = run_json(EXAMPLE_LETTER, rendered[f"ex.{fmt}"])
    assert code == 0, edits(data)
    assert data["b"]["paragraphs"] == data["a"]["paragraphs"] == 33


def test_hanging_indents_and_wrapped_titles(tmp_path):
    """附件说明 items and 抄送 wrap onto hanging-indented lines, an attachment title onto two
    centred lines: the PDF reader joins them back into one paragraph each."""
    from gongwen.loader import load_letter
    from gongwen.pipeline import render_letter

    text = EXAMPLE_LETTER.read_text(encoding="utf-8")
    text = text.replace(
        "  - title: 示例新区产业园区重点项目清单",
        "  - title: 示例新区产业园区重点项目清单及其年度投资计划、开工时间和责任单位一览表（第一批）\n"
        "  - title: 示例新区产业园区第二批重点项目清单及其年度投资计划、开工时间和责任单位一览表",
    ).replace("    - 市政协提案委员会", "    - 市政协提案委员会\n    - 市工业和信息化局\n"
              "    - 市自然资源和规划局\n    - 市财政局\n    - 市住房和城乡建设局")
    letter = tmp_path / "long.yaml"
    letter.write_text(text, encoding="utf-8")
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(render_letter(load_letter(letter), ("pdf",), fonts="open").outputs["pdf"])
    code, data = run_json(letter, pdf)
    assert code == 0, edits(data)
    roles = [p.role for p in read_any(pdf).paragraphs]
    assert roles.count(Role.ATTACHMENT_NOTE) == 2 and roles[-1] is Role.RECORD_CC


def test_roles_read_from_each_source(rendered):
    yaml_roles = [p.role for p in read_any(REFERENCE_YAML).paragraphs]
    for src in (REFERENCE_TEXT, rendered["ref.pdf"], rendered["ref.docx"]):
        assert [p.role for p in read_any(src).paragraphs] == yaml_roles, src
    assert read_any(rendered["ref.docx"]).roles is RoleSource.STYLES
    assert yaml_roles[:4] == [Role.ADDRESSEE, Role.BODY, Role.HEADING1, Role.HEADING2]
    assert yaml_roles[-5:] == [Role.CONTACT] * 3 + [Role.SIGNATURE, Role.DATE]


# --- edited copies report exactly their edits ------------------------------------------------
def _edited(tmp_path: Path, name: str, lines: list[str]) -> Path:
    return write_lines(tmp_path / f"{name}.txt", lines)


def test_one_character_changed(tmp_path):
    lines = list(LINES)
    lines[4] = lines[4].replace("坚持", "坚守", 1)
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "char", lines))
    assert code == 1
    assert edits(data) == [("changed", [4], [4], [("持", "守")])]
    assert data["summary"]["paragraphs_changed"] == 1
    assert 0.999 < data["similarity"] < 1.0
    change = data["changes"][0]
    assert change["a_where"] == ["第 5 段"] and change["b_where"] == ["第 5 行"]


def test_paragraph_moved(tmp_path):
    lines = list(LINES)
    lines.insert(2, lines.pop(14))
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "moved", lines))
    assert code == 1
    assert edits(data) == [("moved", [14], [2], [])]
    assert data["similarity"] == 1.0


def test_paragraph_deleted(tmp_path):
    lines = list(LINES)
    del lines[8]
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "deleted", lines))
    assert code == 1
    assert edits(data) == [("deleted", [8], [], [])]
    assert data["changes"][0]["a_text"].startswith("您提出的“系统谋划为前提”")


def test_two_paragraphs_merged(tmp_path):
    lines = list(LINES)
    lines[9] += lines.pop(10)
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "merged", lines))
    assert edits(data) == [("merged", [9, 10], [9], [])]
    # and the other way round it is a split
    code, data = run_json(_edited(tmp_path, "merged2", lines), REFERENCE_YAML)
    assert code == 1
    assert edits(data) == [("split", [9], [9, 10], [])]


def test_heading_renumbered(tmp_path):
    lines = list(LINES)
    lines[7] = lines[7].replace("二、", "三、")
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "renum", lines))
    assert code == 1
    assert edits(data) == [("renumbered", [7], [7], [("二", "三")])]
    assert data["changes"][0]["a_roles"] == data["changes"][0]["b_roles"] == ["heading1"]


def test_punctuation_widths(tmp_path):
    """Half-width , and : set full-width: the same by default, each mark under --strict."""
    lines = [ln.replace(",", "，").replace(":", "：") for ln in LINES]
    edited = _edited(tmp_path, "punct", lines)
    code, data = run_json(REFERENCE_TEXT, edited)
    assert code == 0 and data["identical"]
    assert data["normalisations"] == ["whitespace", "width", "quotes"]
    code, data = run_json(REFERENCE_TEXT, edited, "--strict")
    assert code == 1 and data["strict"] and data["normalisations"] == []
    changed = [i for i, (a, b) in enumerate(zip(LINES, lines, strict=True)) if a != b]
    assert [c["a"] for c in data["changes"]] == [[i] for i in changed]
    assert {c["kind"] for c in data["changes"]} == {"changed"}
    marks = {(o["a"], o["b"]) for c in data["changes"] for o in c["ops"] if o["op"] != "equal"}
    assert marks == {(",", "，"), (":", "：")}
    n_marks = sum(ln.count(",") + ln.count(":") for ln in LINES)
    n_ops = sum(len(o["a"]) for c in data["changes"] for o in c["ops"] if o["op"] != "equal")
    assert n_ops == n_marks


def test_strict_sees_quotes_and_spaces(tmp_path):
    lines = list(LINES)
    lines[1] = lines[1].replace("您提出", "您 提出")
    lines[8] = lines[8].replace("“系统谋划为前提”", '"系统谋划为前提"')
    edited = _edited(tmp_path, "qs", lines)
    assert run_json(REFERENCE_TEXT, edited)[0] == 0
    code, data = run_json(REFERENCE_TEXT, edited, "--strict")
    assert code == 1
    assert edits(data) == [
        ("changed", [1], [1], [("", " ")]),
        ("changed", [8], [8], [("“", '"'), ("”", '"')]),
    ]


def test_several_edits_at_once(tmp_path):
    lines = list(LINES)
    lines[4] = lines[4].replace("坚持", "坚守", 1)
    del lines[12]
    lines.insert(1, "新增的一段话，原文中没有。")
    code, data = run_json(REFERENCE_YAML, _edited(tmp_path, "many", lines))
    assert code == 1
    assert edits(data) == [
        ("inserted", [], [1], []),
        ("changed", [4], [5], [("持", "守")]),
        ("deleted", [12], [], []),
    ]
    assert data["summary"] == {
        "paragraphs_changed": 3, "changed": 1, "inserted": 1, "deleted": 1, "moved": 0,
        "merged": 0, "split": 0, "renumbered": 0, "role": 0,
    }


def test_role_change_is_a_structure_difference():
    a = Reading("a", SourceKind.TEXT, (Paragraph("标题", Role.TITLE), Paragraph("正文。", Role.BODY)),
                RoleSource.GUESSED)
    b = Reading("b", SourceKind.TEXT, (Paragraph("标题", Role.BODY), Paragraph("正文。", Role.BODY)),
                RoleSource.GUESSED)
    result = diff_readings(a, b)
    assert [(c.kind, c.a, c.b) for c in result.changes] == [("role", (0,), (0,))]
    assert not result.identical


def test_char_ops_show_original_characters():
    ops, _ = char_ops("经委办公会研究同意,现答复如下:", "经委办公会研究决定，现答复如下：", DEFAULT)
    assert [(o.op, o.a, o.b) for o in ops if o.op != "equal"] == [("replace", "同意", "决定")]
    assert "".join(o.a for o in ops) == "经委办公会研究同意,现答复如下:"
    assert "".join(o.b for o in ops) == "经委办公会研究决定，现答复如下："
    ops, _ = char_ops("a，b", "a,b", STRICT)
    assert [(o.a, o.b) for o in ops if o.op != "equal"] == [("，", ",")]


def test_terminal_report_marks_changes(tmp_path):
    lines = list(LINES)
    lines[4] = lines[4].replace("坚持", "坚守", 1)
    code, out, _ = run(REFERENCE_YAML, _edited(tmp_path, "t", lines))
    assert code == 1
    assert "1 处段落不同（改动 1）" in out and "相似度 99.9" in out
    assert "坚[-持-]{+守+}“项目为王”" in out  # piped: the changed characters marked, in context
    assert "项目为王" in out  # context around the change


# --- readers -----------------------------------------------------------------------------------
def test_text_reader_drops_website_chrome(tmp_path):
    page = ["【字体：大 中 小】", "【纠错】【打印本页】【关闭窗口】", "来源：株洲市发展和改革委员会",
            *["　　" + ln for ln in LINES], "分享到：", "【打印本页】 【关闭窗口】"]
    path = write_lines(tmp_path / "web.txt", page)
    reading = read_any(path)
    assert len(reading.paragraphs) == 20
    assert len(reading.dropped) == 5
    code, data = run_json(REFERENCE_YAML, path)
    assert code == 0
    assert data["b"]["dropped"][1] == "【纠错】【打印本页】【关闭窗口】"


def test_gb18030_text_is_read(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes("\n".join(LINES).encode("gb18030"))
    assert run(REFERENCE_YAML, path)[0] == 0


def test_other_docx_by_heading_patterns(tmp_path):
    """A DOCX not written by gongwen: roles come from the numbering and the text."""
    import docx

    d = docx.Document()
    for ln in LINES:
        d.add_paragraph("　　" + ln if ln[0] in "您最(" else ln)
    d.add_paragraph("")
    path = tmp_path / "other.docx"
    d.save(path)
    reading = read_any(path)
    assert reading.roles is RoleSource.GUESSED
    assert [p.role for p in reading.paragraphs] == [p.role for p in read_any(REFERENCE_YAML).paragraphs]
    assert run(REFERENCE_YAML, path)[0] == 0


def test_docx_with_automatic_numbering(tmp_path):
    """Headings numbered by Word (w:numPr, 一、 and （一） as chineseCounting list levels) read
    with their numbers, as Word shows them."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for ln in LINES:
        level = 0 if ln[:2] in ("一、", "二、") else 1 if ln.startswith("(") else None
        text = ln[2:] if level == 0 else ln[3:] if level == 1 else ln
        para = d.add_paragraph(text)
        if level is not None:
            para._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    path = tmp_path / "numbered.docx"
    d.save(path)
    texts = read_any(path).texts
    assert texts[2] == "一、前期工作开展情况" and texts[7] == "二、下一步工作打算"
    assert texts[9].startswith("（一）以“聚焦”锻长板。") and texts[13].startswith("（五）")
    code, data = run_json(REFERENCE_YAML, path)
    assert code == 0, edits(data)


def test_other_pdf_with_running_header(tmp_path):
    """A PDF drawn by another program (reportlab, character by character on a 28-character
    grid): lines are joined by indent and line end, the running header and the "- N -" page
    numbers are dropped, a line drawn twice ("fake bold") reads once."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas

    from gongwen.fonts import load_fontset
    from gongwen.spec import FontRole

    face = load_fontset("open").face(FontRole.FANGSONG)
    pdfmetrics.registerFont(TTFont("DiffTestFS", str(face.path), subfontIndex=face.subfont_index))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(595.3, 841.9))
    left, pitch, cell, top, per_page = 79.4, 28.95, 442.2 / 28, 120.0, 22
    rows: list[tuple[float, str, bool]] = []  # (x, text, justify)
    for ln in LINES:
        text = ln.replace(",", "，").replace(":", "：")
        first = 2 if ln[0] in "您最(一二" or ln.startswith("承") else 0
        if ln.startswith("株洲市") or ln.startswith("2022"):
            rows.append((left + cell * (26 - len(text)), text, False))
            continue
        pos, x = 0, left + first * cell
        width = 28 - first
        while pos < len(text):
            piece = text[pos:pos + width]
            pos += width
            rows.append((x, piece, pos < len(text)))
            x, width = left, 28
    page = 0
    for k, (x, text, justify) in enumerate(rows):
        if k % per_page == 0:
            if k:
                c.showPage()
            page += 1
            c.setFont("DiffTestFS", 10)
            c.drawString(left, 60, "株洲市发展和改革委员会网站 政务公开")
            c.drawString(290, 790, f"- {page} -")
        y = 841.9 - (top + (k % per_page) * pitch)
        c.setFont("DiffTestFS", 16)
        for i, ch in enumerate(text):
            c.drawString(x + i * cell, y, ch)
            if text.startswith("株洲市发展"):  # "fake bold": each glyph drawn twice
                c.drawString(x + i * cell + 0.3, y, ch)
        del justify
    c.showPage()
    c.save()
    path = tmp_path / "other.pdf"
    path.write_bytes(buf.getvalue())
    reading = read_any(path)
    assert len(reading.pages) > 1
    numbers = [p.page_number.text for p in reading.pages if p.page_number]
    assert numbers == [f"- {n} -" for n in range(1, len(reading.pages) + 1)]
    assert all(p.furniture for p in reading.pages)
    code, data = run_json(REFERENCE_YAML, path)
    assert code == 0, edits(data)


def test_read_text_keeps_lines_as_paragraphs():
    r = read_text("一、总则\n\n（一）范围。本办法适用于……\n2022年9月29日\n")
    assert [p.text for p in r.paragraphs] == ["一、总则", "（一）范围。本办法适用于……", "2022年9月29日"]
    assert [p.role for p in r.paragraphs] == [Role.HEADING1, Role.HEADING2, Role.DATE]


# --- errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "文件不存在"),
        ("broken.pdf", b"%PDF-1.7\nnot really a pdf", "不是可读的 PDF 文件"),
        ("broken.docx", b"PK\x03\x04garbage", "不是可读的 DOCX 文件"),
        ("binary.txt", b"\x00\x01\x02\x00", "二进制文件"),
        ("bad.yaml", b"format: plain\nbody: [\n", "bad.yaml"),
    ],
)
def test_bad_input_is_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(path, REFERENCE_TEXT)
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_directory_and_visual_on_a_file_are_errors(tmp_path):
    code, _, err = run(tmp_path, REFERENCE_TEXT)
    assert code == 2 and "是目录" in err
    target = tmp_path / "taken"
    target.write_text("x")
    code, _, err = run(REFERENCE_YAML, REFERENCE_YAML, "--visual", target)
    assert code == 2 and "Traceback" not in err


def test_reports_written_to_files(tmp_path):
    for fmt, needle in (("json", '"identical": true'), ("html", 'class="summary same"'),
                        ("terminal", "相同（相似度 100.0%）")):
        out = tmp_path / f"report.{fmt}"
        code, stdout, _ = run(REFERENCE_YAML, REFERENCE_TEXT, "--format", fmt, "-o", out)
        assert code == 0 and stdout == ""
        assert needle in out.read_text(encoding="utf-8")


def test_scanned_pdf_without_text_layer(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    c = Canvas(buf)
    c.rect(100, 100, 200, 200, fill=1)
    c.save()
    path = tmp_path / "scan.pdf"
    path.write_bytes(buf.getvalue())
    code, _, err = run(REFERENCE_TEXT, path)
    assert code == 2 and "没有文字层" in err


def test_layout_needs_pdf_or_yaml():
    code, _, err = run(REFERENCE_YAML, REFERENCE_TEXT, "--layout")
    assert code == 2 and "这是文本文件；版面比较（--layout、--visual）需要 PDF、OFD 或信件 YAML" in err


# --- HTML ----------------------------------------------------------------------------------------
def test_html_escapes_letter_text(tmp_path):
    lines = list(LINES)
    lines[1] = lines[1].replace("提案收悉", "提案<script>alert('x')</script>收悉&amp;")
    path = _edited(tmp_path, "xss", lines)
    code, out, _ = run(REFERENCE_YAML, path, "--format", "html")
    assert code == 1
    assert "<script>" not in out
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in out
    assert "&amp;amp;" in out
    assert out.count("<ins>") == 2 and out.count("<del>") == 0  # two insertions


def _chromium() -> str:
    if os.environ.get(CHROMIUM_SKIP_ENV) == "1":
        pytest.skip(f"{CHROMIUM_SKIP_ENV}=1")
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"chromium not found; run scripts/install-test-deps.sh or set {CHROMIUM_SKIP_ENV}=1")


def _chromium_run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
    ]
    from .libreoffice import BUNDLED_FONTS, fontconfig_file

    # the bundled Fandol faces, so the page shows Chinese on a machine without CJK fonts
    env = dict(os.environ, HOME=str(tmp_path),
               FONTCONFIG_FILE=str(fontconfig_file(tmp_path / "fc", [BUNDLED_FONTS])))
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False, env=env)


def test_html_report_in_headless_chromium(tmp_path):
    lines = list(LINES)
    lines[4] = lines[4].replace("坚持", "坚守", 1)
    del lines[8]
    edited = _edited(tmp_path, "html", lines)
    page = tmp_path / "report.html"
    code, _, err = run(REFERENCE_YAML, edited, "--format", "html", "-o", page)
    assert code == 1, err
    proc = _chromium_run(tmp_path, "--dump-dom", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert '<p class="summary diff" id="summary">2 处段落不同（改动 1，删除 1）' in dom
    assert "<del>持</del>" in dom and "<ins>守</ins>" in dom
    assert dom.count('<tr class="change deleted">') == 1
    # the styles Chromium computes for the marks (the DOM, not pixels of a screenshot)
    probe = tmp_path / "probe.html"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", """<script>
      const s = e => getComputedStyle(document.querySelector(e));
      const box = document.querySelector("ins").getBoundingClientRect();
      document.body.dataset.computed = [s("ins").backgroundColor, s("del").backgroundColor,
        s("del").textDecorationLine, s("ins").textDecorationLine,
        box.width > 0 && box.height > 0 ? "laid out" : "empty"].join("|");
    </script></body>"""), encoding="utf-8")
    proc = _chromium_run(tmp_path, "--dump-dom", probe.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    computed = re.search(r'data-computed="([^"]*)"', proc.stdout)
    assert computed, proc.stdout[-2000:]
    # the marks' colours and decorations, and the <ins> laid out with a size
    assert computed.group(1) == "rgb(185, 242, 195)|rgb(255, 200, 200)|line-through|none|laid out"
    # a screenshot for people to look at (GONGWEN_KEEP_SCREENSHOT); its pixels are not asserted:
    # where the first <ins> falls depends on the fonts Chromium finds, so it may lie below
    # the 900-pixel window (what made the former colour assertion fail now and then)
    shot = tmp_path / "report.png"
    proc = _chromium_run(tmp_path, f"--screenshot={shot}", "--window-size=1280,900",
                         "--virtual-time-budget=2000", page.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as img:
        assert img.size == (1280, 900)
    if os.environ.get("GONGWEN_KEEP_SCREENSHOT"):
        shutil.copy(shot, os.environ["GONGWEN_KEEP_SCREENSHOT"])


def test_html_of_identical_letters(rendered):
    from gongwen.read import read_any as ra

    result = diff_readings(ra(REFERENCE_YAML), ra(rendered["ref.docx"]))
    page = render_html(result)
    assert 'class="summary same"' in page and "<ins>" not in page and "<del>" not in page
    assert page.count('<tr class="same">') == 20


# --- layout and overlays -----------------------------------------------------------------------
def test_layout_of_letter_against_its_own_pdf(rendered):
    code, data = run_json(REFERENCE_YAML, rendered["ref.pdf"], "--layout", "--fonts", "open")
    assert code == 0, data["layout"]
    layout = data["layout"]
    assert layout["identical"] and layout["a"]["pages"] == layout["b"]["pages"] == 6
    assert layout["a"]["lines_per_page"] == layout["b"]["lines_per_page"]
    assert layout["a"]["lines_per_page"][:5] == [22] * 5


def test_layout_against_libreoffice(rendered, libreoffice_pdf):
    """gongwen's own PDF against LibreOffice's PDF of gongwen's DOCX: the same text; the layout
    differences (today: line breaks, 署名 and date positions) are reported by kind."""
    code, data = run_json(rendered["ref.pdf"], libreoffice_pdf, "--layout")
    assert data["changes"] == []  # the same text
    assert code == (0 if data["layout"]["identical"] else 1)
    kinds = {d["kind"] for d in data["layout"]["differences"]}
    assert kinds <= {"page_count", "line_breaks", "position", "page_number"}
    assert data["layout"]["a"]["pages"] == 6
    for d in data["layout"]["differences"]:
        if d["kind"] in ("position", "page_number"):
            assert d["delta_mm"] is None or max(map(abs, d["delta_mm"])) > 1.0 or (
                d["a"]["page"] != d["b"]["page"])
    # a generous tolerance leaves only the line breaks and page contents
    _, loose = run_json(rendered["ref.pdf"], libreoffice_pdf, "--layout", "--tolerance", "100")
    assert {d["kind"] for d in loose["layout"]["differences"]} <= {"line_breaks", "page_count"}


def test_layout_reports_rebroken_lines(tmp_path, rendered):
    text = REFERENCE_YAML.read_text(encoding="utf-8").replace(
        "提案收悉。", "提案已经收悉。", 1)
    edited = tmp_path / "longer.yaml"
    edited.write_text(text, encoding="utf-8")
    code, data = run_json(edited, rendered["ref.pdf"], "--layout", "--fonts", "open")
    assert code == 1
    assert edits(data) == [("changed", [1], [1], [("已经", "")])]
    breaks = [d for d in data["layout"]["differences"] if d["kind"] == "line_breaks"]
    assert breaks and breaks[0]["page"] == 1 and breaks[0]["line"] == 2


def test_visual_overlays(tmp_path, rendered):
    out = tmp_path / "vis"
    code, data = run_json(REFERENCE_YAML, rendered["ref.pdf"], "--visual", out, "--fonts", "open")
    assert code == 0
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) == 6 == len(data["visual"])
    assert all(v["changed_pixels"] == 0 for v in data["visual"])
    text = REFERENCE_YAML.read_text(encoding="utf-8").replace("2022-09-29", "2022-09-30")
    edited = tmp_path / "date.yaml"
    edited.write_text(text, encoding="utf-8")
    out2 = tmp_path / "vis2"
    code, data = run_json(edited, rendered["ref.pdf"], "--visual", out2, "--fonts", "open")
    assert code == 1
    changed = [v["page"] for v in data["visual"] if v["changed_pixels"]]
    assert changed == [6]
    from PIL import Image

    with Image.open(out2 / "page-006.png") as img:
        rgb = img.convert("RGB")
        colours = {c for _, c in rgb.getcolors(1 << 22)}
    assert (220, 0, 0) in colours and (0, 90, 255) in colours


# --- plain output: every changed character marked ---------------------------------------------
def _mutated(seed: int) -> list[str]:
    """The published text with characters replaced, inserted and deleted in many paragraphs."""
    import random

    rng = random.Random(seed)
    lines = list(LINES)
    for i in rng.sample(range(2, len(lines) - 2), 8):
        chars = list(lines[i])
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(1, len(chars) - 1)
            what = rng.choice(("replace", "insert", "delete"))
            if what == "replace":
                chars[at] = rng.choice("先后左右上下东西南北")
            elif what == "insert":
                chars.insert(at, rng.choice("0123456789甲乙丙"))
            else:
                del chars[at]
        lines[i] = "".join(chars)
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("how", ["pipe", "NO_COLOR"])
def test_plain_diff_marks_every_changed_character(tmp_path, seed, how):
    """Piped (or with NO_COLOR on a terminal) the report marks each deleted run [-…-] and each
    inserted run {+…+}: every non-equal operation of the JSON report stands marked in it."""
    edited = write_lines(tmp_path / "edited.txt", _mutated(seed))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    if how == "NO_COLOR":
        env.update(NO_COLOR="1", FORCE_COLOR="1", TERM="xterm-256color")
    else:
        env.pop("NO_COLOR", None)
        env.pop("FORCE_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "gongwen.cli", "diff", str(REFERENCE_TEXT),
                           str(edited)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    if how == "pipe":
        assert "\x1b[" not in out  # plain text
    else:  # NO_COLOR on a terminal: bold and dim may stay, colours go
        assert not re.search(r"\x1b\[[0-9;]*(3[0-8]|9[0-7])[;m]", out)
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert "标记：[-删去的文字-] {+加入的文字+}" in out
    _, data = run_json(REFERENCE_TEXT, edited)
    assert data["changes"]
    marked = 0
    for change in data["changes"]:
        for op in change["ops"]:
            if op["op"] == "equal":
                continue
            mark = (f"[-{op['a']}-]" if op["a"] else "") + (f"{{+{op['b']}+}}" if op["b"] else "")
            assert mark in out, (mark, change["b_text"][:40])
            marked += 1
    assert marked >= 8
    # unmarked, the text around each mark is as written in B, never folded
    assert "," in out or "，" in out
