"""DOCX export: what python-docx (and the raw XML) read back from the ``docx`` exporter.

No LibreOffice here (see test_docx_libreoffice.py): styles, section, grid, footers, fonts,
anchored 版头/版记/seal objects, schema order, determinism.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from docx.shared import Mm, Pt
from lxml import etree

from gongwen import spec
from gongwen.compose import compose
from gongwen.document import Block, Document, LetterFormat, Seal, SealMode, Span
from gongwen.export.docx import (
    FONT_STYLE_NAMES,
    FOOTER_LINE,
    STYLE_NAMES,
    footer_distance,
)
from gongwen.fonts import load_fontset
from gongwen.layout import Part, layout_document
from gongwen.loader import load_letter
from gongwen.ooxml import writer as ox
from gongwen.spec import FontRole, Role

from .rendering import render_docx

W = ox.NSMAP["w"]
NS = ox.NSMAP
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")


def q(tag: str) -> str:
    return ox.qn(tag)


@pytest.fixture(scope="module")
def fontset():
    return load_fontset("open")


@pytest.fixture(scope="module")
def reference_doc(reference_yaml: Path) -> Document:
    return compose(load_letter(reference_yaml), reference_yaml.parent)


@pytest.fixture(scope="module")
def example_doc(example_letter: Path) -> Document:
    return compose(load_letter(example_letter), example_letter.parent)


@pytest.fixture(scope="module")
def reference_bytes(reference_doc: Document, fontset) -> bytes:
    return render_docx(reference_doc, fontset)


@pytest.fixture(scope="module")
def example_bytes(example_doc: Document, fontset) -> bytes:
    return render_docx(example_doc, fontset)


def parts(data: bytes) -> dict[str, etree._Element]:
    z = zipfile.ZipFile(io.BytesIO(data))
    return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


# --- styles ----------------------------------------------------------------------------------
def test_every_role_has_a_named_style(reference_bytes: bytes, fontset) -> None:
    d = open_docx(reference_bytes)
    names = {s.name for s in d.styles}
    for role, (_sid, name) in STYLE_NAMES.items():
        ui = {"heading 1": "Heading 1", "heading 2": "Heading 2", "heading 3": "Heading 3",
              "heading 4": "Heading 4"}.get(name, name)
        assert ui in names, role
        style = d.styles[ui]
        st = spec.STYLES[role]
        family = fontset.docx_names(st.font)[0]
        assert style.font.name == family, role
        assert style.font.size == Pt(st.size), role
        assert str(style.font.color.rgb) == st.color, role
        assert style.font.bold in (None, False)
        pf = style.paragraph_format
        assert pf.line_spacing == Pt(spec.LINE_PITCH) or pf.line_spacing is None
        if st.first_line_chars:
            assert pf.first_line_indent == Pt(st.first_line_chars * st.size)
        if st.right_chars:
            assert pf.right_indent == Pt(st.right_chars * st.size)
    for font_role, (_sid, name) in FONT_STYLE_NAMES.items():
        assert d.styles[name].font.name == fontset.docx_names(font_role)[0]


def test_headings_are_builtin_with_outline_levels(reference_bytes: bytes) -> None:
    d = open_docx(reference_bytes)
    for level in range(1, 5):
        style = d.styles[f"Heading {level}"]
        assert style.style_id == f"Heading{level}"
        lvl = style.element.find(f"{q('w:pPr')}/{q('w:outlineLvl')}")
        assert lvl is not None and lvl.get(q("w:val")) == str(level - 1)
        keep = style.element.find(f"{q('w:pPr')}/{q('w:keepNext')}")
        assert keep is not None and keep.get(q("w:val")) == "1"


def test_every_style_sets_all_four_font_slots(reference_bytes: bytes) -> None:
    styles = parts(reference_bytes)["word/styles.xml"]
    defaults = styles.find(f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}/{q('w:rFonts')}")
    assert all(defaults.get(q(f"w:{s}")) for s in SLOTS)
    checked = 0
    for style in styles.iter(q("w:style")):
        if style.get(q("w:type")) not in ("paragraph", "character"):
            continue
        if style.get(q("w:styleId")) == "DefaultParagraphFont":
            continue
        fonts = style.find(f"{q('w:rPr')}/{q('w:rFonts')}")
        assert fonts is not None, style.get(q("w:styleId"))
        values = [fonts.get(q(f"w:{s}")) for s in SLOTS]
        assert all(values) and len(set(values)) == 1, style.get(q("w:styleId"))
        checked += 1
    assert checked >= len(STYLE_NAMES) + len(FONT_STYLE_NAMES)


def test_no_theme_fonts_anywhere(reference_bytes: bytes, example_bytes: bytes) -> None:
    for data in (reference_bytes, example_bytes):
        for name, root in parts(data).items():
            for node in root.iter(q("w:rFonts")):
                for attr in THEME_ATTRS:
                    assert q(f"w:{attr}") not in node.attrib, (name, attr)
        z = zipfile.ZipFile(io.BytesIO(data))
        assert "word/stylesWithEffects.xml" not in z.namelist()
        assert "MS Mincho" not in z.read("word/fontTable.xml").decode()
        settings = parts(data)["word/settings.xml"]
        lang = settings.find(q("w:themeFontLang"))
        assert lang is None or lang.get(q("w:eastAsia")) == "zh-CN"


def test_body_text_tracking_and_east_asian_rules(reference_bytes: bytes) -> None:
    styles = parts(reference_bytes)["word/styles.xml"]
    ppr = styles.find(f"{q('w:docDefaults')}/{q('w:pPrDefault')}/{q('w:pPr')}")
    assert ppr.find(q("w:kinsoku")).get(q("w:val")) == "1"
    assert ppr.find(q("w:autoSpaceDE")).get(q("w:val")) == "0"
    assert ppr.find(q("w:autoSpaceDN")).get(q("w:val")) == "0"
    spacing = ppr.find(q("w:spacing"))
    assert spacing.get(q("w:line")) == "579" and spacing.get(q("w:lineRule")) == "exact"
    rpr = styles.find(f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}")
    assert rpr.find(q("w:lang")).get(q("w:eastAsia")) == "zh-CN"
    by_id = {s.get(q("w:styleId")): s for s in styles.iter(q("w:style"))}
    for role, (sid, _name) in STYLE_NAMES.items():
        track = by_id[sid].find(f"{q('w:rPr')}/{q('w:spacing')}")
        expected = ox.tw(spec.DOCX_BODY_CHAR_SPACING) if spec.STYLES[role].size == 16 else 0
        assert track is not None and int(track.get(q("w:val"))) == expected, role
    assert ox.tw(spec.DOCX_BODY_CHAR_SPACING) == -5


def test_cjk_punctuation_runs_carry_the_east_asian_hint(reference_bytes: bytes) -> None:
    body = parts(reference_bytes)["word/document.xml"]
    hinted = 0
    for run in body.iter(q("w:r")):
        text = "".join(t.text or "" for t in run.iter(q("w:t")))
        if any(ch in "，。、；：“”《》（）—" for ch in text):
            fonts = run.find(f"{q('w:rPr')}/{q('w:rFonts')}")
            assert fonts is not None and fonts.get(q("w:hint")) == "eastAsia", text
            hinted += 1
    assert hinted > 20


def test_run_in_headings(reference_bytes: bytes, reference_doc: Document) -> None:
    d = open_docx(reference_bytes)
    run_in = [b for b in reference_doc.blocks if b.run_in]
    assert run_in, "the reference letter's （一） paragraphs are run-in"
    paras = [p for p in d.paragraphs if p.style.name.startswith("Heading 2")]
    assert len(paras) >= len(run_in)
    for p in paras:
        if len(p.runs) < 2:
            continue
        lvl = p._p.pPr.find(q("w:outlineLvl"))
        assert lvl is not None and lvl.get(q("w:val")) == "1"
        keep = p._p.pPr.find(q("w:keepNext"))
        assert keep is not None and keep.get(q("w:val")) == "0"
        first, rest = p.runs[0], p.runs[1:]
        assert first.style.name == "Default Paragraph Font"  # the heading's own 楷体
        assert all(r.style.style_id == FONT_STYLE_NAMES[FontRole.FANGSONG][0] for r in rest)


def test_paragraph_text_round_trips(reference_bytes: bytes, reference_doc: Document) -> None:
    d = open_docx(reference_bytes)
    got = [p.text for p in d.paragraphs if p.text]
    want = [b.text.replace("\n", "\n") for b in reference_doc.blocks
            if b.role not in spec.RECORD_ROLES]
    assert got == want


# --- section, grid, footers ------------------------------------------------------------------
def test_section_page_margins_grid(reference_bytes: bytes, example_bytes: bytes) -> None:
    for data, letter in ((reference_bytes, False), (example_bytes, True)):
        d = open_docx(data)
        (s,) = d.sections
        assert abs(s.page_width - Mm(210)) < Mm(0.05) and abs(s.page_height - Mm(297)) < Mm(0.05)
        grid_xml = s._sectPr.find(q("w:pgSz"))
        assert (grid_xml.get(q("w:w")), grid_xml.get(q("w:h"))) == ("11906", "16838")
        assert abs(s.top_margin - Mm(37)) < Mm(0.05)
        assert abs(s.left_margin - Mm(28)) < Mm(0.05)
        assert abs(s.right_margin - Mm(26)) < Mm(0.05)
        assert abs((s.page_width - s.left_margin - s.right_margin) - Mm(156)) < Mm(0.1)
        margins = s._sectPr.find(q("w:pgMar"))
        fmt = LetterFormat.LETTER if letter else LetterFormat.PLAIN
        assert margins.get(q("w:footer")) == str(ox.tw(footer_distance(fmt)))
        if not letter:
            assert abs(s.bottom_margin - Mm(35)) < Mm(0.05)
            assert abs((s.page_height - s.top_margin - s.bottom_margin) - Mm(225)) < Mm(0.1)
        else:  # 10.1: page 1's text runs down to 7/8 of a 3号 character above the red lines;
            # the numbered footer reaches up to the type area's bottom edge on later pages
            assert s.bottom_margin < Mm(26)
            p = s.footer._element.find(q("w:p"))
            sp = p.find(q("w:pPr")).find(q("w:spacing"))
            line = FOOTER_LINE  # exact
            reach = (int(margins.get(q("w:footer"))) + int(sp.get(q("w:before")))
                     + int(sp.get(q("w:after")))) / 20 + line
            assert abs(reach - spec.MARGIN_BOTTOM) < 0.2
        grid = s._sectPr.find(q("w:docGrid"))
        assert grid.get(q("w:type")) == spec.DOCX_GRID_TYPE == "lines"
        assert grid.get(q("w:linePitch")) == "579"
        assert s.different_first_page_header_footer is letter
        assert d.settings.odd_and_even_pages_header_footer is True
        order = [etree.QName(c).localname for c in s._sectPr]
        assert order == sorted(order, key=ox.SECTPR_ORDER.index)


def footer_field(footer) -> tuple[str, str, etree._Element]:
    p = footer._element.find(q("w:p"))
    instr = "".join(t.text for t in p.iter(q("w:instrText")))
    text = "".join(t.text for t in p.iter(q("w:t")))
    return instr.strip(), text, p


def test_page_number_fields(reference_bytes: bytes, example_bytes: bytes) -> None:
    for data in (reference_bytes, example_bytes):
        s = open_docx(data).sections[0]
        instr, text, p = footer_field(s.footer)
        assert instr == "PAGE" and text == spec.page_number_text(1)
        para = s.footer.paragraphs[0]
        assert para.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
        assert para.paragraph_format.right_indent == Pt(spec.PAGE_NUMBER_INDENT)
        instr, text, p = footer_field(s.even_page_footer)
        assert instr == "PAGE" and text == spec.page_number_text(1)
        para = s.even_page_footer.paragraphs[0]
        assert para.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
        assert para.paragraph_format.left_indent == Pt(spec.PAGE_NUMBER_INDENT)
        kinds = [fc.get(q("w:fldCharType")) for fc in p.iter(q("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        style = open_docx(data).styles["footer"]
        assert style.font.size == Pt(spec.PAGE_NUMBER_SIZE)
    first = open_docx(example_bytes).sections[0].first_page_footer
    assert not first.is_linked_to_previous
    assert "".join(p.text for p in first.paragraphs) == ""
    assert not list(first._element.iter(q("w:instrText")))


def test_footer_distance_puts_the_dash_7mm_below_the_type_area() -> None:
    from gongwen.export.docx import FOOTER_LINE

    line_top = spec.PAGE_HEIGHT - footer_distance() - FOOTER_LINE
    centre = line_top + FOOTER_LINE / 2
    assert centre == pytest.approx(spec.mm(297 - 35 + 7))
    assert footer_distance() + FOOTER_LINE < spec.MARGIN_BOTTOM


# --- anchored objects --------------------------------------------------------------------
def anchors(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(q("wp:anchor")))


def offset(anchor: etree._Element, axis: str) -> tuple[str, float]:
    pos = anchor.find(q(f"wp:position{axis}"))
    return pos.get("relativeFrom"), int(pos.find(q("wp:posOffset")).text) / ox.EMU_PER_PT


def test_letter_header_is_anchored_to_the_page(example_bytes: bytes, example_doc: Document,
                                               fontset) -> None:
    body = parts(example_bytes)["word/document.xml"].find(q("w:body"))
    first = body.find(q("w:p"))
    found = anchors(first)
    page = layout_document(example_doc, fontset).pages[0]
    header = page.region(Part.HEADER)
    assert header is not None and header.blocks
    header_rules = [r for r in page.rules if r.part is Part.HEADER]
    assert len(found) == len(header.blocks) + len(header_rules)
    for a in found:
        assert offset(a, "H")[0] == "page" and offset(a, "V")[0] == "page"
        assert a.find(q("wp:wrapNone")) is not None
    rules = [a for a in found if a.find(f".//{q('wps:txbx')}") is None]
    assert len(rules) == 4
    tops = sorted(offset(a, "V")[1] for a in rules)
    mark = example_doc.by_role(Role.ORGAN_MARK)[0].style.size
    thick_top = spec.mm(spec.LETTER_MARK_TOP_MM) + mark + spec.mm(spec.LETTER_RULE_BELOW_MARK_MM)
    assert tops[0] == pytest.approx(thick_top, abs=0.05)
    bottom = spec.PAGE_HEIGHT - spec.mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    assert tops[-1] == pytest.approx(bottom - spec.LETTER_RULE_THICK / 2, abs=0.05)
    for a in rules:
        assert offset(a, "H")[1] == pytest.approx(spec.mm(20), abs=0.05)
        ext = a.find(q("wp:extent"))
        assert int(ext.get("cx")) / ox.EMU_PER_PT == pytest.approx(spec.mm(170), abs=0.05)
        fill = a.find(f".//{q('a:srgbClr')}")
        assert fill.get("val") == spec.RED
    texts = ["".join(t.text for t in a.iter(q("w:t"))) for a in found]
    for b in example_doc.by_role(Role.ORGAN_MARK, Role.DOC_NUMBER, Role.COPY_NUMBER):
        assert b.text in texts
    # the title's line starts where the PDF layout starts page 1's flow
    before = int(first.find(f"{q('w:pPr')}/{q('w:spacing')}").get(q("w:before"))) / 20
    assert before == pytest.approx(header.bottom - spec.MARGIN_TOP, abs=0.05)
    assert header.bottom == pytest.approx(page.region(Part.FLOW).top)


def test_document_format_header(example_doc: Document, fontset) -> None:
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT)
    root = parts(render_docx(doc, fontset))["word/document.xml"]
    first = root.find(f"{q('w:body')}/{q('w:p')}")
    found = anchors(first)
    rules = [a for a in found if a.find(f".//{q('wps:txbx')}") is None]
    assert len(rules) == 1
    (rule,) = rules
    ext = rule.find(q("wp:extent"))
    assert int(ext.get("cy")) / ox.EMU_PER_PT == pytest.approx(spec.mm(0.5), abs=0.01)
    assert int(ext.get("cx")) / ox.EMU_PER_PT == pytest.approx(spec.mm(156), abs=0.05)
    mark = next(a for a in found if "示例市发展和改革委员会" in "".join(
        t.text for t in a.iter(q("w:t"))))
    size = doc.by_role(Role.ORGAN_MARK)[0].style.size
    line = 1.4 * size
    assert offset(mark, "V")[1] + (line - size) / 2 == pytest.approx(spec.mm(72), abs=0.05)


def test_record_is_anchored_to_the_foot_of_the_type_area(example_bytes: bytes,
                                                         example_doc: Document, fontset
                                                         ) -> None:
    body = parts(example_bytes)["word/document.xml"].find(q("w:body"))
    last = body.findall(q("w:p"))[-1]
    (box,) = anchors(last)
    rel, top = offset(box, "V")
    assert rel == "margin"
    cy = int(box.find(q("wp:extent")).get("cy")) / ox.EMU_PER_PT
    assert top + cy == pytest.approx(spec.TYPE_AREA_HEIGHT, abs=0.05)
    assert box.find(q("wp:wrapTopAndBottom")) is not None
    text = "".join(t.text for t in box.iter(q("w:t")))
    assert text == "".join(b.text for b in example_doc.by_role(Role.RECORD_CC))
    # 文件格式: black rules, thick / thin / thick, the last on the type area's bottom edge
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT, blocks=(
        *example_doc.blocks,
        Block(Role.RECORD_PRINT, (Span("示例市发展和改革委员会办公室"),), tail="2024年6月18日印发"),
    ))
    body = parts(render_docx(doc, fontset))["word/document.xml"].find(q("w:body"))
    found = anchors(body.findall(q("w:p"))[-1])
    rules = sorted((offset(a, "V")[1], int(a.find(q("wp:extent")).get("cy")) / ox.EMU_PER_PT)
                   for a in found if a.find(f".//{q('wps:txbx')}") is None)
    assert [round(h / spec.mm(0.05)) * 0.05 for _, h in rules] == pytest.approx([0.35, 0.25, 0.35])
    y, h = rules[-1]
    assert y + h / 2 == pytest.approx(spec.TYPE_AREA_HEIGHT, abs=0.05)
    tab = next(body.findall(q("w:p"))[-1].iter(q("w:tab")))
    assert tab.get(q("w:val")) == "right"


def test_signature_offsets(example_bytes: bytes, example_doc: Document, fontset) -> None:
    d = open_docx(example_bytes)
    sig = next(p for p in d.paragraphs if p.style.name == "Signature")
    date = next(p for p in d.paragraphs if p.style.name == "Date")
    align = sig.alignment or sig.style.paragraph_format.alignment
    assert align == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert sig.paragraph_format.right_indent == Pt(ox.tw(2 * spec.CHAR_PITCH) / 20)
    assert sig.paragraph_format.space_before == Pt(ox.tw(spec.LINE_PITCH) / 20)
    # the 署名's width as Word sets it: the layout's advances, each 0.25 pt tighter
    layout = layout_document(example_doc, fontset)
    (line,) = [ln for p in layout.pages for ln in p.lines if ln.role == "signature"]
    width = sum(line.advances) + len(line.advances) * spec.DOCX_BODY_CHAR_SPACING
    sig_start = spec.TYPE_AREA_WIDTH - 2 * spec.CHAR_PITCH - width
    assert date.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
    assert date.paragraph_format.left_indent.pt == pytest.approx(
        sig_start + 2 * spec.CHAR_PITCH, abs=0.05)


def png(width: int = 8, height: int = 8) -> bytes:
    """A tiny red RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_seal_image_floats_behind_signature_and_date(example_doc: Document, fontset,
                                                   tmp_path: Path) -> None:
    image = tmp_path / "seal.png"
    image.write_bytes(png())
    doc = dataclasses.replace(example_doc, seal=Seal(SealMode.IMAGE, image))
    data = render_docx(doc, fontset)
    d = open_docx(data)
    date = next(p for p in d.paragraphs if p.style.name == "Date")
    sig = next(p for p in d.paragraphs if p.style.name == "Signature")
    (pic,) = anchors(date._p)
    assert offset(pic, "H")[0] == "margin" and offset(pic, "V")[0] == "paragraph"
    assert pic.get("behindDoc") == "1"  # decision 10: the text stays legible
    size = int(pic.find(q("wp:extent")).get("cx")) / ox.EMU_PER_PT
    assert size == pytest.approx(spec.mm(spec.SEAL_DIAMETER_MM), abs=0.1)
    # its top on the first blank line above the 署名 (within one line of the text)
    assert offset(pic, "V")[1] == pytest.approx(-(1 + spec.SEAL_BLANK_LINES) * spec.LINE_PITCH,
                                                abs=0.05)
    assert date.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert date.paragraph_format.right_indent == Pt(ox.tw(4 * spec.CHAR_PITCH) / 20)
    assert sig.paragraph_format.space_before == Pt(ox.tw(2 * spec.LINE_PITCH) / 20)
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())


# --- validity and determinism ------------------------------------------------------------
def test_children_in_schema_order(reference_bytes: bytes, example_bytes: bytes, example_doc,
                                  fontset) -> None:
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT)
    for data in (reference_bytes, example_bytes, render_docx(doc, fontset)):
        for name, root in parts(data).items():
            for parent_name, order in ox.ORDERS.items():
                for node in root.iter(q(f"w:{parent_name}")):
                    kids = [etree.QName(c).localname for c in node
                            if etree.QName(c).namespace == W]
                    unknown = [k for k in kids if k not in order]
                    assert not unknown, (name, parent_name, unknown)
                    ranks = [order.index(k) for k in kids]
                    assert ranks == sorted(ranks), (name, parent_name, kids)


def test_same_input_same_bytes(reference_doc: Document, example_doc: Document, fontset,
                               reference_bytes: bytes) -> None:
    assert render_docx(reference_doc, fontset) == reference_bytes
    assert render_docx(example_doc, fontset) == render_docx(example_doc, fontset)
    z = zipfile.ZipFile(io.BytesIO(reference_bytes))
    assert z.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in z.infolist()} == {ox.ZIP_DATE_TIME}
    cp = open_docx(reference_bytes).core_properties
    assert cp.created == cp.modified == reference_doc.metadata.timestamp  # the letter's date
    assert cp.title == reference_doc.title
    assert b"python-docx" not in z.read("docProps/core.xml")


def test_font_table_names_the_families_with_alternates(reference_bytes: bytes, fontset) -> None:
    table = parts(reference_bytes)["word/fontTable.xml"]
    entries = {f.get(q("w:name")): f for f in table.iter(q("w:font"))}
    for role in FontRole:
        family, alternates = fontset.docx_names(role)
        assert family in entries
        alt = entries[family].find(q("w:altName"))
        if alternates:
            assert alt.get(q("w:val")).split(",") == list(alternates)


def test_long_title_breaks_like_the_pdf_layout(fontset) -> None:
    title = "株洲市发展和改革委员会关于市政协十一届一次会议第0042号提案的答复"
    doc = Document(LetterFormat.PLAIN, (Block(Role.TITLE, (Span(title),)),
                                        Block(Role.BODY, (Span("正文。"),))))
    d = open_docx(render_docx(doc, fontset))
    lines = d.paragraphs[0].text.split("\n")
    assert "".join(lines) == title and len(lines) == 2
    assert abs(len(lines[0]) - len(lines[1])) <= 3  # balanced, not greedy


def test_every_run_resolves_all_four_font_slots(example_bytes: bytes, reference_bytes: bytes
                                               ) -> None:
    """Through its character style, paragraph style (and their basedOn chain) or the
    document defaults, every text run gets a font in all four slots."""
    for data in (reference_bytes, example_bytes):
        p = parts(data)
        styles = {s.get(q("w:styleId")): s for s in p["word/styles.xml"].iter(q("w:style"))}
        default = p["word/styles.xml"].find(
            f"{q('w:docDefaults')}/{q('w:rPrDefault')}/{q('w:rPr')}/{q('w:rFonts')}")

        def fonts_of(style_id: str | None, styles=styles) -> etree._Element | None:
            while style_id:
                st = styles[style_id]
                f = st.find(f"{q('w:rPr')}/{q('w:rFonts')}")
                if f is not None and f.get(q("w:ascii")):
                    return f
                based = st.find(q("w:basedOn"))
                style_id = based.get(q("w:val")) if based is not None else None
            return None

        runs = 0
        for name, root in p.items():
            if not name.startswith(("word/document", "word/footer")):
                continue
            for par in root.iter(q("w:p")):
                pstyle = par.find(f"{q('w:pPr')}/{q('w:pStyle')}")
                for run in par.findall(q("w:r")):
                    if run.find(q("w:t")) is None:
                        continue
                    rstyle = run.find(f"{q('w:rPr')}/{q('w:rStyle')}")
                    f = fonts_of(rstyle.get(q("w:val")) if rstyle is not None else None)
                    f = f if f is not None else fonts_of(
                        pstyle.get(q("w:val")) if pstyle is not None else None)
                    f = f if f is not None else default
                    values = {f.get(q(f"w:{s}")) for s in SLOTS}
                    assert len(values) == 1 and None not in values, name
                    runs += 1
        assert runs > 30


def test_extra_indents(fontset) -> None:
    """A flush-left paragraph (−2) and a second 附件说明 item aligned after “附件：” (+3)."""
    doc = Document(LetterFormat.PLAIN, (
        Block(Role.BODY, (Span("顶格段落。"),), extra_indent_chars=-2.0),
        Block(Role.ATTACHMENT_NOTE, (Span("附件："), Span("1. 甲"))),
        Block(Role.ATTACHMENT_NOTE, (Span("2. 乙"),), extra_indent_chars=3.0),
    ))
    d = open_docx(render_docx(doc, fontset))
    flush, first, second = d.paragraphs
    assert (flush.paragraph_format.first_line_indent or 0) == 0
    assert (flush.paragraph_format.left_indent or 0) == 0
    style = d.styles["附件说明"].paragraph_format
    assert style.left_indent == Pt(5 * 16) and style.first_line_indent == Pt(-3 * 16)
    assert first.paragraph_format.left_indent is None  # the style's hanging indent
    assert second.paragraph_format.left_indent == Pt(5 * 16)
    assert (second.paragraph_format.first_line_indent or 0) == 0
    assert first.paragraph_format.space_before == Pt(ox.tw(spec.LINE_PITCH) / 20)


def test_official_names_by_default(reference_doc: Document) -> None:
    """Mode "auto" without official fonts installed still asks Word for the official family
    (and lists the alternates, the bundled face last, in the font table)."""
    fs = load_fontset("auto")
    data = render_docx(reference_doc, fs)
    d = open_docx(data)
    family, alternates = fs.docx_names(FontRole.FANGSONG)
    assert d.styles["Body Text"].font.name == family
    table = parts(data)["word/fontTable.xml"]
    entry = next(f for f in table.iter(q("w:font")) if f.get(q("w:name")) == family)
    assert entry.find(q("w:altName")).get(q("w:val")).split(",") == list(alternates)


def test_text_kept_with_the_signature(example_bytes: bytes, reference_bytes: bytes) -> None:
    """The paragraphs before the 署名 holding its last two lines keep with next."""
    for data in (example_bytes, reference_bytes):
        d = open_docx(data)
        paras = [p for p in d.paragraphs if p.text]
        i = next(k for k, p in enumerate(paras) if p.style.name == "Signature")
        before = paras[i - 1]
        assert before.paragraph_format.keep_with_next is True
        assert before.paragraph_format.widow_control is True
        if len(before.text) < 20:  # one short line: the paragraph above comes along too
            assert paras[i - 2].paragraph_format.keep_with_next is True


def test_signature_block_moves_as_one(example_bytes: bytes) -> None:
    """署名, date and the contacts/附注 right after the date keep together."""
    d = open_docx(example_bytes)
    paras = [p for p in d.paragraphs if p.text]
    i = next(k for k, p in enumerate(paras) if p.style.name == "Signature")
    names = [p.style.name for p in paras[i:]]
    assert names[:2] == ["Signature", "Date"]
    n = 2
    while i + n < len(paras) and paras[i + n].style.name in ("联系方式", "附注"):
        n += 1
    group = paras[i: i + n]
    assert n > 2  # the example has contacts and a 附注 after the date
    assert all(p.paragraph_format.keep_together for p in group)
    assert all(p.paragraph_format.keep_with_next for p in group[:-1])
    assert not group[-1].paragraph_format.keep_with_next


def test_record_rules_fall_between_elements_when_cc_wraps(example_doc: Document, fontset
                                                          ) -> None:
    """A 抄送 list over two lines: the thin rule sits between 抄送 and 印发, not after line 1."""
    cc = Block(Role.RECORD_CC, (Span("抄送："), Span("，".join(
        ["市人民政府办公室", "市政协提案委员会", "市人大代表工作委员会", "市财政局", "市审计局"]
    ) + "。")))
    blocks = [b for b in example_doc.blocks if b.role is not Role.RECORD_CC]
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT, blocks=(
        *blocks, cc,
        Block(Role.RECORD_PRINT, (Span("示例市发展和改革委员会办公室"),), tail="2024年6月18日印发"),
    ))
    body = parts(render_docx(doc, fontset))["word/document.xml"].find(q("w:body"))
    found = anchors(body.findall(q("w:p"))[-1])
    rules = sorted(offset(a, "V")[1] + int(a.find(q("wp:extent")).get("cy")) / ox.EMU_PER_PT / 2
                   for a in found if a.find(f".//{q('wps:txbx')}") is None)
    assert len(rules) == 3
    pitch = spec.LINE_PITCH
    assert rules[2] - rules[1] == pytest.approx(pitch, abs=0.05)  # 印发: one line
    assert rules[1] - rules[0] == pytest.approx(2 * pitch, abs=0.05)  # 抄送: two lines
