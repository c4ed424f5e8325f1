"""Hostile and careless inputs beyond tests/bad: every one ends in a clean refusal (a Chinese
message naming the limit, exit 2, no traceback) or in correct output.

Where a real limit would take long to reach, a small one is injected (the figures live in
``gongwen.limits`` for this); the refusal paths are the same.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongwen import limits
from gongwen.errors import MAX_PROBLEMS, GongwenError

from .conftest import ROOT, SMALL_LETTER, invoke

LETTER = SMALL_LETTER
gongwen = invoke


def expanding(body: str) -> str:
    """A letter whose first paragraph is ``body``, with ``{{ 变量 }}`` expansion on."""
    return LETTER.replace("format: plain\n", "format: plain\noptions: {expand_variables: true}\n"
                          "variables: {v: x}\n").replace(
        "  - 您提出的提案收悉。现答复如下：", "  - " + repr(body).replace("'", '"'))


# --------------------------------------------------------------------------------------------
# Templates: a time and memory budget


TRIPLE_LOOP = ("{% for a in range(10000) %}{% for b in range(10000) %}{% for c in range(10000) %}"
               "{% endfor %}{% endfor %}{% endfor %}")


def test_nested_loops_in_a_letter_end_at_the_time_budget(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", 0.3)
    letter = tmp_path / "loop.yaml"
    letter.write_text(expanding(TRIPLE_LOOP), encoding="utf-8")
    code, out = gongwen("render", letter, "-o", tmp_path / "out", "--fonts", "open")
    assert code == 2
    assert f"{letter}:7:5: body[0]: 变量展开失败：模板展开超出时间上限（0.3 秒）" in out
    assert not (tmp_path / "out").exists()


def test_an_office_template_that_loops_ends_at_the_time_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "TEMPLATE_SECONDS", 0.3)
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "loop.yaml.j2").write_text(TRIPLE_LOOP + LETTER, encoding="utf-8")
    code, out = gongwen("new", "loop", "--templates", tmp_path / "tpl", "-o", tmp_path / "x.yaml")
    assert code == 2 and "模板展开超出时间上限（0.3 秒）" in out
    assert not (tmp_path / "x.yaml").exists()


def test_a_template_file_that_is_a_device_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "zero.yaml.j2").symlink_to("/dev/zero")
    code, out = gongwen("new", "--templates", tmp_path / "tpl")
    assert code == 2 and "不是普通文件" in out


_PIECES = st.sampled_from([
    "{{ v }}", "{{ v ~ v }}", "{{ 'ab' * 3 }}", "{{ 'x'|center(%d) }}", "{{ v|indent(%d) }}",
    "{% for i in range(%d) %}", "{% endfor %}", "{% set ns = namespace(s='xy') %}",
    "{% set ns.s = ns.s ~ ns.s %}", "{{ ns.s|length }}", "{{ range(%d)|join(',') }}",
    "{% macro m(n) %}{{ m(n) }}{% endmacro %}", "{{ m(1) }}", "{{ lipsum(%d) }}",
    "{{ %d ** %d }}", "{{ v * %d }}", "{{ (v ~ v)|replace('x', 'xxxxxxxx') }}", "文字",
])


@st.composite
def template_bodies(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_PIECES, min_size=1, max_size=12))
    numbers = st.sampled_from([0, 3, 100, 10_000, 10**6, 10**9])
    return "".join(p.replace("%d", str(draw(numbers)), 1).replace("%d", str(draw(numbers)))
                   for p in pieces)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_bodies())
def test_any_template_body_ends_within_its_budget(body: str) -> None:
    """Whatever a letter's text asks of the sandbox, expansion returns text or refuses with
    a message; it never hangs, exhausts memory or raises anything else."""
    from gongwen.templates import expand_text

    with limits.budget("模板展开", seconds=0.3, memory=64 * limits.MiB):
        try:
            text = expand_text(body, {"v": "x"}, "body[0]")
        except GongwenError as exc:
            assert str(exc).startswith("body[0]: 变量展开失败"), exc
        else:
            assert len(text) <= limits.MAX_YAML_BYTES


# --------------------------------------------------------------------------------------------
# Files that are not what they seem


def test_devices_are_never_read(tmp_path: Path) -> None:
    for args in (["validate", "/dev/zero"], ["render", "/dev/zero", "-o", tmp_path],
                 ["import", "/dev/zero"], ["diff", "/dev/zero", "/dev/zero"],
                 ["check", "/dev/zero"]):
        code, out = gongwen(*args)
        assert code == 2, args
        assert "/dev/zero: 不是普通文件" in out or "不是 PDF 或 DOCX" in out, (args, out)


SECRET = "root:*:19701:0:99999:7:::\nsecret-token-1234:\ndaemon:\n"


def test_a_file_that_is_not_a_letter_is_never_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET, encoding="utf-8")
    code, out = gongwen("validate", secret)
    assert code == 2 and "不是信件文件" in out
    assert "secret-token" not in out and "root" not in out.replace(str(tmp_path), "")


def test_linked_letters_in_a_folder_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "shadow"
    secret.write_text(SECRET, encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.yaml").write_text(LETTER, encoding="utf-8")
    (src / "s.yaml").symlink_to(secret)
    report = tmp_path / "out" / "report.json"
    code, out = gongwen("batch", src, "-o", tmp_path / "out", "--report", report, "--fonts",
                        "open", "-f", "pdf", "--no-progress", "-j", "1")
    assert code == 1
    assert "s.yaml: 是符号链接" in out
    text = report.read_text(encoding="utf-8")
    assert '"status": "failed"' in text and "secret-token" not in text
    assert "secret-token" not in out
    assert (tmp_path / "out" / "a.pdf").is_file() and not (tmp_path / "out" / "s.pdf").exists()
    # named on the command line, a link is read like any file
    (tmp_path / "b.yaml").symlink_to(src / "a.yaml")
    assert gongwen("validate", tmp_path / "b.yaml")[0] == 0


def test_a_glob_with_link_loops_ends(tmp_path: Path) -> None:
    from gongwen.batch import collect

    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.yaml").write_text(LETTER, encoding="utf-8")
    (src / "sub" / "b.yaml").write_text(LETTER, encoding="utf-8")
    (src / "l1").symlink_to(".")
    (src / "l2").symlink_to(".")
    (src / "sub" / "up").symlink_to("..")
    assert [i.name for i in collect([f"{src}/**/*.yaml"])] == ["a", "sub/b"]
    assert [i.name for i in collect([f"{src}/*.yaml"])] == ["a"]
    assert [i.name for i in collect([f"{src}/*/*.yaml"])] == ["sub/b"]


# --------------------------------------------------------------------------------------------
# Parsing bounded before the slow parsers run


def test_a_flood_of_yaml_items_is_refused_before_parsing(tmp_path: Path) -> None:
    flood = tmp_path / "flood.yaml"
    items = ",".join(["1"] * 110_000)  # 220 KB, far below the size bound
    flood.write_text(LETTER + f"variables: {{a: [{items}]}}\n", encoding="utf-8")
    code, out = gongwen("validate", flood)
    assert code == 2 and "内容过多（超过 50000 项）" in out


def test_the_token_count_also_bounds_items(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongwen import loader

    monkeypatch.setattr(loader, "MAX_NODES", 20)
    path = tmp_path / "x.yaml"
    path.write_text(LETTER + "note: " + " ".join(["word"] * 10) + "\n", encoding="utf-8")
    assert gongwen("validate", path)[0] == 0
    path.write_text(LETTER.replace("body:\n", "body:\n" + "  - 段\n" * 30, 1), encoding="utf-8")
    code, out = gongwen("validate", path)
    assert code == 2 and "内容过多（超过 20 项）" in out


def test_problems_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(LETTER + "".join(f"k{i}: 1\n" for i in range(3000)), encoding="utf-8")
    code, out = gongwen("validate", path)
    lines = out.splitlines()
    assert code == 2
    assert len(lines) == MAX_PROBLEMS + 1
    assert "另有" in lines[-1] and f"最多列出 {MAX_PROBLEMS} 处" in lines[-1]


def _docx(paragraphs: int, text: str = "段落") -> bytes:
    import docx

    doc = docx.Document()
    for i in range(paragraphs):
        doc.add_paragraph(f"{text}{i}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_bombs_are_refused_before_parsing(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_XML", 20_000)
    bomb = tmp_path / "bomb.docx"
    src = zipfile.ZipFile(io.BytesIO(_docx(1)))
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * 50_000)
            z.writestr(info.filename, data)
    for args in (["check", bomb], ["diff", bomb, bomb], ["import", bomb]):
        code, out = gongwen(*args)
        assert code == 2 and "word/document.xml 解压后过大" in out and "上限 20000 字节" in out


def test_docx_paragraphs_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_DOCX_PARAGRAPHS", 10)
    many = tmp_path / "many.docx"
    many.write_bytes(_docx(12))
    for args in (["check", many], ["diff", many, many], ["import", many]):
        code, out = gongwen(*args)
        assert code == 2 and "段落过多" in out and "上限 10 段" in out


def _pdf(pages: int) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    for i in range(pages):
        c.drawString(100, 700, f"page {i}")
        c.showPage()
    c.save()
    return out.getvalue()


def test_pdf_flate_bomb_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zlib

    monkeypatch.setattr(limits, "MAX_PDF_STREAM", 100_000)
    data = zlib.compress(b" " * 200_000)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(_pdf(1).replace(b"%%EOF", b"9 0 obj\n<< /Length %d /Filter /FlateDecode >>\n"
                                     b"stream\n" % len(data) + data + b"\nendstream\nendobj\n%%EOF"))
    for args in (["check", bomb], ["diff", bomb, bomb]):
        code, out = gongwen(*args)
        assert code == 2 and "数据流解压后过大" in out


def test_pdf_pages_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 3)
    long = tmp_path / "long.pdf"
    long.write_bytes(_pdf(4))
    for args in (["check", long], ["diff", long, long]):
        code, out = gongwen(*args)
        assert code == 2 and "PDF 页数过多（4 页，上限 3 页）" in out
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 500)
    monkeypatch.setattr(limits, "MAX_VISUAL_PAGES", 2)
    code, out = gongwen("diff", long, long, "--visual", tmp_path / "vis")
    assert code == 2 and "--visual 最多叠图 2 页，此 PDF 有 4 页" in out
    assert not (tmp_path / "vis").exists()


def test_encrypted_pdf_says_so(tmp_path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    c.drawString(100, 700, "text")
    c.save()
    for args in (["check", path], ["diff", path, path]):
        code, out = gongwen(*args)
        assert code == 2 and "PDF 已加密，需要密码才能读取" in out


def test_diff_of_long_repetitive_paragraphs_is_linear(tmp_path: Path) -> None:
    from gongwen.diff import MAX_MATCH_WORK, diff_readings, match_work
    from gongwen.read import read_text

    a = "长" * 20_000
    b = "长" * 9_999 + "短" + "长" * 10_000
    assert match_work(a, b) > MAX_MATCH_WORK  # SequenceMatcher would take minutes here
    result = diff_readings(read_text(a), read_text(b))
    (change,) = result.changes
    assert [(op.op, op.a, op.b) for op in change.ops] == [
        ("equal", "长" * 9_999, "长" * 9_999), ("replace", "长", "短"),
        ("equal", "长" * 10_000, "长" * 10_000)]


def test_diff_of_many_paragraphs_is_bounded() -> None:
    """Two long, entirely different letters: the pairing programme is not run on the
    region (its cost would grow with the product of the paragraph counts)."""
    from gongwen.diff import diff_readings
    from gongwen.read import read_text

    a = "\n".join(f"甲方第{i}段内容，说明情况。" * 3 for i in range(3000))
    b = "\n".join(f"乙方第{i}段文字，另有安排。" * 3 for i in range(3000))
    result = diff_readings(read_text(a), read_text(b))
    assert not result.identical and len(result.changes) >= 3000


def test_xlsx_far_cell_and_doctype(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["organ", "addressees", "proposal_title"])
    ws.append(["示例局", "张委员", "关于示例的建议"])
    ws["XFD1048576"] = "x"
    far = tmp_path / "far.xlsx"
    wb.save(far)
    assert far.stat().st_size < 10_000
    code, out = gongwen("batch", "--template", "proposal", "--data", far, "-o", tmp_path / "o")
    assert code == 2 and "行数过多（上限 100000 行）" in out
    ws["XFD1048576"] = None
    ws["XFD2"] = "x"
    wb.save(far)
    code, out = gongwen("batch", "--template", "proposal", "--data", far, "-o", tmp_path / "o")
    assert code == 2 and "列数过多（16384 列，上限 500 列）" in out
    # a sheet with a DOCTYPE (an entity bomb or an external entity)
    with zipfile.ZipFile(far) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = (b'<!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]>'
                                         + parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(far, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    code, out = gongwen("batch", "--template", "proposal", "--data", far, "-o", tmp_path / "o")
    assert code == 2 and "含有 DOCTYPE 声明" in out


# --------------------------------------------------------------------------------------------
# Correct output where there was a traceback or a wrong letter


def test_a_hundred_sections_are_numbered(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    sections = "".join(f"  - heading: 第{i + 1}节\n    body: [正文。]\n" for i in range(101))
    path.write_text(LETTER.replace("body:\n", "body:\n" + sections, 1), encoding="utf-8")
    code, out = gongwen("render", path, "-o", tmp_path, "--fonts", "open", "-f", "docx")
    assert code == 0, out
    import docx

    texts = [p.text for p in docx.Document(str(tmp_path / "many.docx")).paragraphs]
    assert "九十九、第99节" in texts and "一百、第100节" in texts and "一百零一、第101节" in texts


def test_a_long_title_fits_the_docx_properties(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    title = "关于" + "长标题" * 100 + "的答复"
    path.write_text(LETTER.replace("format: plain\n", f"format: plain\ntitle: {title}\n"),
                    encoding="utf-8")
    code, out = gongwen("render", path, "-o", tmp_path, "--fonts", "open", "-f", "docx")
    assert code == 0, out
    import docx

    doc = docx.Document(str(tmp_path / "long.docx"))
    assert len(doc.core_properties.title) == 255
    assert title in "".join(p.text for p in doc.paragraphs).replace("\n", "")  # line breaks


def test_dates_are_never_seconds_since_1970(tmp_path: Path) -> None:
    code, out = gongwen("new", "proposal", "--set", "organ=示例局", "--set", "addressees=张委员",
                        "--set", "proposal_title=关于示例的建议", "--set", "date=1664409600")
    assert code == 2 and "signature.date: 日期无效：'1664409600'" in out
    table = tmp_path / "t.csv"
    table.write_text("organ,addressees,proposal_title,date\n示例局,张委员,关于示例的建议,0\n",
                     encoding="utf-8")
    code, out = gongwen("batch", "--template", "proposal", "--data", table, "-o", tmp_path / "o",
                        "--no-progress")
    assert code == 1 and "signature.date: 日期无效：'0'" in out
    assert not list((tmp_path / "o").glob("*.pdf"))


@pytest.mark.parametrize("title", ["", "  ", "《》"])
def test_an_empty_title_is_a_missing_variable(title: str) -> None:
    code, out = gongwen("new", "proposal", "--set", "organ=示例局", "--set", "addressees=张委员",
                        "--set", f"proposal_title={title}")
    assert code == 2 and "变量 proposal_title" in out and "缺少" in out and "《》" not in out


def test_rich_markup_in_keys_and_text_is_printed_as_text(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.yaml").write_text(LETTER + "'[/bold]': 1\n", encoding="utf-8")
    code, out = gongwen("batch", src, "-o", tmp_path / "out", "--no-progress", "--fonts", "open")
    assert code == 1 and "未知字段 '[/bold]'" in out
    text = tmp_path / "m.txt"
    text.write_text("关于[/bold]的答复\n张委员：\n您提出的[/red]建议收悉。\n示例局\n2024年6月18日\n",
                    encoding="utf-8")
    code, out = gongwen("import", text, "-o", tmp_path / "m.yaml")
    assert code == 0 and "[/bold]" in out
    assert "[/red]" in (tmp_path / "m.yaml").read_text(encoding="utf-8")


def test_import_never_overwrites_by_surprise(tmp_path: Path) -> None:
    text = tmp_path / "m.txt"
    text.write_text("关于示例的答复\n张委员：\n您提出的建议收悉。\n示例局\n2024年6月18日\n",
                    encoding="utf-8")
    existing = tmp_path / "E.yaml"
    existing.write_text("keep me\n", encoding="utf-8")
    code, out = gongwen("import", text, "-o", existing)
    assert code == 2 and "已存在；要覆盖请加 --force" in out
    assert existing.read_text(encoding="utf-8") == "keep me\n"
    assert gongwen("import", text, "-o", existing, "--force")[0] == 0
    assert "keep me" not in existing.read_text(encoding="utf-8")
    source = tmp_path / "a.docx"
    source.write_bytes(_docx(3))
    before = source.read_bytes()
    code, out = gongwen("import", source, "-o", source, "--force")
    assert code == 2 and "就是要导入的文件" in out
    assert source.read_bytes() == before


def test_the_reference_letter_still_renders(tmp_path: Path) -> None:
    """The bounds leave ordinary letters alone."""
    code, out = gongwen("render", ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml", "-o",
                        tmp_path, "--fonts", "open")
    assert code == 0, out
