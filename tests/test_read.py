"""The reading package: every input read once into one shape — paragraphs with roles and
runs, a PDF's geometry, a DOCX as Word applies it — and the same grammar in every reader."""

from __future__ import annotations

import io

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt, RGBColor

from gongwen import spec
from gongwen.check.fontnames import font_role
from gongwen.fonts import load_fontset
from gongwen.importer import import_text
from gongwen.loader import load_letter
from gongwen.pipeline import render_letter
from gongwen.read import (
    RoleSource,
    SourceKind,
    read_any,
    read_docx_bytes,
    read_pdf_bytes,
    read_text,
)
from gongwen.spec import FontRole, Role

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML

FONTS = load_fontset("open")


@pytest.fixture(scope="module")
def example() -> dict[str, bytes]:
    """gongwen's PDF and DOCX of the 信函格式 example."""
    rendered = render_letter(load_letter(EXAMPLE_LETTER), ("pdf", "docx"), fonts="open",
                             base_dir=EXAMPLE_LETTER.parent)
    return rendered.outputs


# --- PDF: one reading gives the geometry and the letter's text ---------------------------------
def test_pdf_geometry_of_the_letter_head(example):
    reading = read_pdf_bytes(example["pdf"], "example.pdf")
    page = reading.pages[0]
    mark = page.lines[0]
    assert mark.text == "示例市发展和改革委员会" and mark.red and mark.size == spec.SIZE_2HAO
    # 份号 flush left and 发文字号 flush right share a baseline: one line, two segments ...
    row = page.lines[1]
    assert [("".join(x.text for x in seg)) for seg in row.segments] == ["000123", "示发改函〔2024〕7号"]
    assert row.x0 == pytest.approx(spec.TYPE_LEFT, abs=0.5)
    assert row.segments[1][-1].x1 == pytest.approx(spec.TYPE_RIGHT, abs=1.0)
    # ... and two items of the letter's text, each its own paragraph
    assert [it.drawn for it in page.content[1:3]] == ["000123", "示发改函〔2024〕7号"]
    roles = {p.text: p.role for p in reading.paragraphs}
    assert roles["000123"] is Role.COPY_NUMBER and roles["示发改函〔2024〕7号"] is Role.DOC_NUMBER
    # the red double lines of 信函格式: 170 mm, thick over thin at the top, thin over thick below
    red = [s for s in page.strokes if s.color == (1.0, 0.0, 0.0)]
    assert len(red) == 4 and all(s.length == pytest.approx(spec.mm(170), abs=0.5) for s in red)
    assert red[0].width > red[1].width and red[3].width > red[2].width
    # glyph positions: the body's first line starts two characters in and is justified to
    # the type area's right edge; the next starts flush left
    first = next(i for i, ln in enumerate(page.lines) if ln.text.startswith("您提出的"))
    body, second = page.lines[first], page.lines[first + 1]
    assert body.x0 == pytest.approx(spec.TYPE_LEFT + 2 * spec.CHAR_PITCH, abs=0.5)
    assert body.x1 == pytest.approx(spec.TYPE_RIGHT, abs=1.0)
    assert second.x0 == pytest.approx(spec.TYPE_LEFT, abs=0.5)
    assert second.baseline - body.baseline == pytest.approx(spec.LINE_PITCH, abs=0.05)
    assert all(use.embedded for use in reading.geometry.fonts.values())


def test_pdf_paragraph_runs_and_page_numbers(example):
    reading = read_pdf_bytes(example["pdf"], "example.pdf")
    signer = next(p for p in reading.paragraphs if p.role is Role.SIGNER)
    assert [(r.text, r.size) for r in signer.runs] == [("签发人：", 16.0), ("王示例", 16.0)]
    # 仿宋 label, 楷体 names
    assert [font_role(r.font, FONTS) for r in signer.runs] == [FontRole.FANGSONG, FontRole.KAITI]
    title = next(p for p in reading.paragraphs if p.role is Role.TITLE)
    assert title.text == "关于市政协十二届三次会议第0042号提案的答复"
    assert {r.size for r in title.runs} == {spec.SIZE_2HAO}
    # page 1 of 信函格式 has no number; the others carry "— N —" as drawn
    numbers = [p.page_number.drawn if p.page_number else None for p in reading.pages]
    assert numbers == [None] + [spec.page_number_text(n) for n in range(2, len(numbers) + 1)]


def test_pdf_text_as_drawn_and_as_seen(example):
    """``drawn`` is the characters in the file (a full-width space between 签发人 names);
    ``text`` shows a space where glyphs stand apart (what check measures)."""
    reading = read_pdf_bytes(example["pdf"], "example.pdf")
    row = reading.pages[0].lines[2]
    assert row.drawn == "秘密★1年签发人：王示例"
    assert row.text == "秘密★1年 签发人：王示例"


def test_pdf_without_text_is_refused():
    from reportlab.pdfgen.canvas import Canvas

    buf = io.BytesIO()
    Canvas(buf).save()
    from gongwen.errors import GongwenError

    with pytest.raises(GongwenError, match="没有文字层"):
        read_pdf_bytes(buf.getvalue(), "blank.pdf")


# --- DOCX: the OOXML reader resolves what Word applies ---------------------------------------
def test_gongwen_docx_reading_order_and_roles(example):
    reading = read_docx_bytes(example["docx"], "example.docx")
    assert reading.roles is RoleSource.STYLES and reading.kind is SourceKind.DOCX
    yaml = read_any(EXAMPLE_LETTER)
    assert [(p.text, p.role) for p in reading.paragraphs] == [
        (p.text, p.role) for p in yaml.paragraphs]
    package = reading.docx.package
    # no text boxes: the 版头 is paragraphs in the flow (a row for 份号 … 发文字号, the 标志
    # framed at its place), read first
    order = package.reading_order()
    assert not any(p.in_text_box for p in order)
    assert {p.text for p in order[:6]} == {
        "示例市发展和改革委员会", "000123", "秘密★1年", "加急", "示发改函〔2024〕7号", "签发人：王示例"}
    # runs carry the font and size Word applies (styles resolved)
    body = next(p for p in reading.paragraphs if p.role is Role.BODY)
    assert {(r.font, r.size) for r in body.runs} == {
        (FONTS.docx_names(FontRole.FANGSONG)[0], spec.BODY_SIZE)}


def test_gongwen_docx_sections_and_footers(example):
    package = read_docx_bytes(example["docx"]).docx.package
    section = package.sections()[-1]
    assert (section.page_width, section.page_height) == (
        spec.twips(spec.PAGE_WIDTH), spec.twips(spec.PAGE_HEIGHT))
    assert section.margins["top"] == spec.twips(spec.MARGIN_TOP)
    assert section.grid_type == "lines" and section.line_pitch == spec.twips(spec.LINE_PITCH)
    assert section.title_page and package.even_and_odd_headers
    odd = package.footer(section.footers["default"])
    assert odd.has_page and odd.text == spec.page_number_text(0).replace("0", "{PAGE}")
    assert odd.field_paragraph.props.jc == "right"
    assert not package.footer(section.footers["first"]).has_page


def _word_file() -> bytes:
    """A DOCX as Word makes it: styles based on styles, a character style, direct formatting,
    hidden text and an automatic list number."""
    d = docx.Document()
    base = d.styles.add_style("正文样式", 1)
    base.font.size = Pt(16)
    heading = d.styles.add_style("一级", 1)
    heading.base_style = base
    heading.font.bold = True
    strong = d.styles.add_style("强调", 2)
    strong.font.color.rgb = RGBColor(0xC0, 0, 0)
    w = nsdecls("w")
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="91"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'))
    numbering.append(parse_xml(f'<w:num {w} w:numId="91"><w:abstractNumId w:val="91"/></w:num>'))
    p = d.add_paragraph("工作情况", style="一级")
    p._p.get_or_add_pPr().append(parse_xml(
        f'<w:numPr {w}><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>'))
    p = d.add_paragraph("", style="正文样式")
    p.add_run("看得见的")
    p.add_run("看不见的").font.hidden = True
    p.add_run("红字", style="强调")
    small = p.add_run("小字")
    small.font.size = Pt(10)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_word_docx_effective_properties():
    reading = read_docx_bytes(_word_file(), "word.docx")
    heading, body = reading.docx.package.reading_order()
    assert heading.label == "一、" and heading.text == "一、工作情况"
    assert [(r.props.size, r.props.bold) for r in heading.runs] == [(16.0, True)]
    assert [r.text for r in body.runs] == ["看得见的", "红字", "小字"]  # hidden text left out
    assert [r.props.size for r in body.runs] == [16.0, 16.0, 10.0]
    assert [r.props.color for r in body.runs] == [None, "C00000", None]
    assert body.runs[1].props.style and not body.runs[0].props.style
    assert reading.roles is RoleSource.GUESSED
    assert [p.text for p in reading.paragraphs] == ["一、工作情况", "看得见的红字小字"]
    assert reading.paragraphs[0].role is Role.HEADING1


def test_not_a_docx():
    from gongwen.errors import GongwenError

    with pytest.raises(GongwenError, match="不是可读的 DOCX 文件"):
        read_docx_bytes(b"PK\x03\x04 not a zip", "bad.docx")


# --- text, letters, and one grammar in every reader -------------------------------------------
def test_text_reader_cleans_and_keeps_chrome_aside():
    reading = read_text("【打印本页】【关闭窗口】\n\u3000\u3000您好\u200b，收悉。\r\n\n2022年9月29日\n")
    assert reading.dropped == ("【打印本页】【关闭窗口】",)
    assert [(p.text, p.number, p.where) for p in reading.paragraphs] == [
        ("您好，收悉。", 2, "第 2 行"), ("2022年9月29日", 4, "第 4 行")]


def test_letter_reading_runs_are_the_composed_spans():
    reading = read_any(REFERENCE_YAML)
    assert reading.roles is RoleSource.DOCUMENT
    heading = next(p for p in reading.paragraphs if p.role is Role.HEADING2)
    assert [r.font for r in heading.runs] == [FontRole.KAITI.value, FontRole.FANGSONG.value]


PUBLISHED_HEAD = [
    "青禾县水务局",
    "青水函[2024]9号",
    "签 发 人：郑明远",
    "类 别：C",
    "关于县人大三届二次会议第7号建议的答复",
    "林晓舟代表：",
    "您提出的《关于加快农村供水管网改造的建议》收悉，现答复如下：",
    "我局今年已更换老旧供水管段二十六公里，剩余管段纳入明年改造计划。",
    "感谢您对水务工作的关心和支持。",
    "青禾县水务局",
    "二〇二四年五月六日",
]


def test_text_reader_and_importer_read_the_same_header_forms():
    """Published forms — [] brackets, spaced labels, a spaced 类别 label, a date in Chinese
    numerals — are the same elements to the diff's text reader and to the importer."""
    text = "\n".join(PUBLISHED_HEAD)
    roles = {p.text: p.role for p in read_text(text).paragraphs}
    assert roles["青水函[2024]9号"] is Role.DOC_NUMBER
    assert roles["签 发 人：郑明远"] is Role.SIGNER
    assert roles["类 别：C"] is Role.REPLY_CATEGORY
    assert roles["二〇二四年五月六日"] is Role.DATE
    header = import_text(text).letter.header
    assert header.doc_number == "青水函〔2024〕9号"
    assert header.signers == ["郑明远"]
    assert header.reply_category is not None and header.reply_category.value == "C"
