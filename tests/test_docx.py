"""DOCX export: what python-docx (and the raw XML) read back from the ``docx`` exporter.

No LibreOffice here (see test_docx_libreoffice.py): styles, section, grid, footers, fonts,
anchored 版头/版记/seal objects, schema order, determinism.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
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
from gongwen.layout.text import SQUEEZE_CLOSING
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
        # indents count the text's own cells: 15.75 pt on tracked 3号 text
        c = st.size + (spec.DOCX_BODY_CHAR_SPACING if st.size == spec.SIZE_3HAO else 0.0)
        if st.first_line_chars:
            assert pf.first_line_indent == Pt(st.first_line_chars * c)
        if st.right_chars:
            assert pf.right_indent == Pt(st.right_chars * c)
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


def paragraphs(d: docx.document.Document, skip: str = "Choice"
               ) -> list[docx.text.paragraph.Paragraph]:
    """Every paragraph of the body in document order (table cells included), without those
    of the ``skip`` branch of markup-compatibility blocks ("Choice": what LibreOffice reads;
    "Fallback": what Word 2013+ reads)."""
    out = []
    for p in d.element.body.iter(q("w:p")):
        if any(a.tag == q(f"mc:{skip}") for a in p.iterancestors()):
            continue
        out.append(docx.text.paragraph.Paragraph(p, d._body))
    return out


def test_run_in_headings(reference_bytes: bytes, reference_doc: Document) -> None:
    """Word (mc:Choice): the heading a paragraph in the heading style whose mark is a style
    separator, the text the next paragraph: the navigation pane lists the heading only.
    LibreOffice (mc:Fallback): one paragraph, the heading in its linked character style."""
    d = open_docx(reference_bytes)
    run_in = [b for b in reference_doc.blocks if b.run_in]
    assert run_in, "the reference letter's （一） paragraphs are run-in"
    word = paragraphs(d, skip="Fallback")
    outline = [p for p in word if p.style.name.startswith("Heading")
               or p._p.pPr.find(q("w:outlineLvl")) is not None]
    shown = [p.text for p in outline]  # the navigation pane's entries
    for block in run_in:
        assert block.spans[0].text in shown
        k = next(i for i, p in enumerate(word) if p.text == block.spans[0].text)
        mark = word[k]._p.pPr.find(f"{q('w:rPr')}/{q('w:specVanish')}")
        assert mark is not None and word[k].style.name == "Heading 2"
        assert word[k + 1].text == "".join(s.text for s in block.spans[1:])
        assert word[k + 1]._p.pPr.find(q("w:outlineLvl")) is None
    assert all(len(t) <= 40 for t in shown)  # headings, not whole paragraphs
    lo = paragraphs(d, skip="Choice")
    for block in run_in:
        (p,) = [p for p in lo if p.text == block.text]
        first, rest = p.runs[0], p.runs[1:]
        assert first.text == block.spans[0].text
        assert first.style.style_id == "Heading2Char"
        assert all(r.style.style_id == FONT_STYLE_NAMES[FontRole.FANGSONG][0] for r in rest)


def test_paragraph_text_round_trips(reference_bytes: bytes, reference_doc: Document) -> None:
    """Each block's text in LibreOffice's view of the file, where the 署名 block is one
    paragraph (the 署名 ending in a tab, a line break, the date after a tab)."""
    d = open_docx(reference_bytes)
    got = []
    for p in paragraphs(d):
        if p.style.name == "Signature":
            got += [line.strip("\t") for line in p.text.split("\n")]
        elif p.text:
            got.append(p.text)
    want = [b.text for b in reference_doc.blocks]
    assert got == want
    word = [p.text for p in paragraphs(d, skip="Fallback") if p.style.name in ("Signature", "Date")]
    assert word == [b.text for b in reference_doc.blocks if b.role in (Role.SIGNATURE, Role.DATE)]


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


def tables(data: bytes) -> list[etree._Element]:
    """The body's tables, those in the markup-compatibility blocks' choices (Word's) too."""
    body = parts(data)["word/document.xml"].find(q("w:body"))
    return [*body.findall(q("w:tbl")),
            *body.findall(f"{q('mc:AlternateContent')}/{q('mc:Choice')}/{q('w:tbl')}")]


def styles_in(node: etree._Element) -> list[str]:
    return [s.get(q("w:val")) for s in node.iter(q("w:pStyle"))]


def test_letter_header_reflows(example_bytes: bytes, example_doc: Document, fontset) -> None:
    """信函格式: 份号 … flush left and 发文字号 flush right in a borderless two-column row in
    the flow; the 标志 a paragraph framed 30 mm from the page top; the red double lines
    page-anchored shapes, each with a VML fallback."""
    body = parts(example_bytes)["word/document.xml"].find(q("w:body"))
    row = body[0]
    assert row.tag == q("w:tbl")
    left, right = row.iter(q("w:tc"))
    copy = example_doc.by_role(Role.COPY_NUMBER)[0].text
    number = example_doc.by_role(Role.DOC_NUMBER)[0].text
    assert copy in "".join(t.text for t in left.iter(q("w:t")))
    assert number in "".join(t.text for t in right.iter(q("w:t")))
    assert {j.get(q("w:val")) for j in left.iter(q("w:jc"))} == {"left"}
    assert {j.get(q("w:val")) for j in right.iter(q("w:jc"))} == {"right"}
    mark = body[1]
    frame = mark.find(f"{q('w:pPr')}/{q('w:framePr')}")
    assert frame is not None and frame.get(q("w:vAnchor")) == "page"
    assert "".join(t.text for t in mark.iter(q("w:t"))) == \
        example_doc.by_role(Role.ORGAN_MARK)[0].text
    size = example_doc.by_role(Role.ORGAN_MARK)[0].style.size
    line = 1.4 * size
    assert int(frame.get(q("w:y"))) / 20 + (line - size) / 2 == pytest.approx(
        spec.mm(spec.LETTER_MARK_TOP_MM), abs=0.1)
    found = anchors(body)
    rules = [a for a in found if a.find(f".//{q('pic:pic')}") is None]
    assert len(rules) == 4
    for a in rules:
        assert offset(a, "H")[0] == "page" and offset(a, "V")[0] == "page"
        alternate = next(x for x in a.iterancestors() if x.tag == q("mc:AlternateContent"))
        assert alternate.find(f"{q('mc:Fallback')}/{q('w:pict')}/{q('v:rect')}") is not None
    tops = sorted(offset(a, "V")[1] for a in rules)
    thick_top = spec.mm(spec.LETTER_MARK_TOP_MM) + size + spec.mm(spec.LETTER_RULE_BELOW_MARK_MM)
    assert tops[0] == pytest.approx(thick_top, abs=0.05)
    bottom = spec.PAGE_HEIGHT - spec.mm(spec.LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    assert tops[-1] == pytest.approx(bottom - spec.LETTER_RULE_THICK / 2, abs=0.05)
    for a in rules:
        assert offset(a, "H")[1] == pytest.approx(spec.mm(20), abs=0.05)
        ext = a.find(q("wp:extent"))
        assert int(ext.get("cx")) / ox.EMU_PER_PT == pytest.approx(spec.mm(170), abs=0.05)
        assert a.find(f".//{q('a:srgbClr')}").get("val") == spec.RED
    assert not body.findall(f".//{q('wps:txbx')}")  # no text boxes anywhere


def test_document_format_header(example_doc: Document, fontset) -> None:
    """文件格式: the 标志 a centred paragraph, the red rule the 发文字号 paragraph's bottom
    border (it moves with the 发文字号)."""
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT)
    data = render_docx(doc, fontset)
    d = open_docx(data)
    paras = paragraphs(d)
    mark = next(p for p in paras if p.text == doc.by_role(Role.ORGAN_MARK)[0].text)
    assert mark.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.CENTER
    number = next(p for p in paras if p.text == doc.by_role(Role.DOC_NUMBER)[0].text)
    # with a 签发人 the two sit in a row whose bottom border is the rule
    holder = next((t for t in number._p.iterancestors() if t.tag == q("w:tbl")), None)
    bottom = number._p.pPr.find(f"{q('w:pBdr')}/{q('w:bottom')}") if holder is None else \
        holder.find(f"{q('w:tblPr')}/{q('w:tblBorders')}/{q('w:bottom')}")
    assert bottom is not None and bottom.get(q("w:color")) == spec.RED
    assert int(bottom.get(q("w:sz"))) / 8 == pytest.approx(spec.mm(0.5), abs=0.1)
    assert not anchors(parts(data)["word/document.xml"])  # no shapes at all


def record_table(data: bytes) -> etree._Element:
    (tbl,) = [t for t in tables(data) if t.find(f"{q('w:tblPr')}/{q('w:tblpPr')}") is not None]
    return tbl


def test_record_is_a_table_at_the_foot_of_the_type_area(example_bytes: bytes,
                                                        example_doc: Document, fontset
                                                        ) -> None:
    """The 版记 is a table floating at the bottom of the type area, its rules the table's
    borders: a longer 抄送 grows it (upwards) with its rules."""
    tbl = record_table(example_bytes)
    pos = tbl.find(f"{q('w:tblPr')}/{q('w:tblpPr')}")
    assert pos.get(q("w:vertAnchor")) == "margin" and pos.get(q("w:tblpYSpec")) == "bottom"
    text = "".join(t.text for t in tbl.iter(q("w:t")))
    assert text == "".join(b.text for b in example_doc.by_role(Role.RECORD_CC))
    assert not tbl.find(f"{q('w:tblPr')}/{q('w:tblBorders')}").findall(
        f"*[@{q('w:val')}='single']")  # 信函格式: no rules
    doc = dataclasses.replace(example_doc, fmt=LetterFormat.DOCUMENT, blocks=(
        *example_doc.blocks,
        Block(Role.RECORD_PRINT, (Span("示例市发展和改革委员会办公室"),), tail="2024年6月18日印发"),
    ))
    tbl = record_table(render_docx(doc, fontset))
    sides = tbl.find(f"{q('w:tblPr')}/{q('w:tblBorders')}")
    widths = [int(sides.find(q(f"w:{side}")).get(q("w:sz"))) / 8 / spec.mm(1)
              for side in ("top", "insideH", "bottom")]
    assert widths == pytest.approx([0.35, 0.25, 0.35], abs=0.02)
    assert len(tbl.findall(q("w:tr"))) == 2
    tab = next(tbl.iter(q("w:tab")))
    assert tab.get(q("w:val")) == "right"


def test_signature_offsets(reference_bytes: bytes, example_doc: Document, fontset) -> None:
    """No seal: 署名 and date left-aligned in a borderless table aligned right and fitted
    to its content, its right cell margin 二字, the date indented 二字 (decision 10 for any
    length of either)."""
    doc = dataclasses.replace(example_doc, seal=Seal(SealMode.NONE))
    for data in (reference_bytes, render_docx(doc, fontset)):
        (tbl,) = [t for t in tables(data) if "Signature" in styles_in(t)]
        props = tbl.find(q("w:tblPr"))
        assert props.find(q("w:jc")).get(q("w:val")) == "right"
        assert props.find(q("w:tblLayout")).get(q("w:type")) == "autofit"
        margin = props.find(f"{q('w:tblCellMar')}/{q('w:right')}")
        assert int(margin.get(q("w:w"))) == ox.tw(2 * spec.CHAR_PITCH)
        d = open_docx(data)
        sig = next(p for p in paragraphs(d, skip="Fallback") if p.style.name == "Signature")
        date = next(p for p in paragraphs(d, skip="Fallback") if p.style.name == "Date")
        assert (sig.paragraph_format.left_indent or 0) == 0
        assert date.paragraph_format.left_indent == Pt(ox.tw(2 * spec.CHAR_PITCH) / 20)
        for p in (sig, date):
            assert p.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT


def test_signature_frame_for_libreoffice(reference_bytes: bytes) -> None:
    """LibreOffice's copy of the 署名 block (the markup-compatibility fallback): one
    paragraph in a frame of automatic width and height right of the margin, right-indented
    二字, the 署名 ending in a tab, the date after a line break and a tab to 二字; its tab
    stops at 二字, at the date's end, then at each later character cell's end (so the first
    line is the widest); the frame over an empty paragraph as high as the block."""
    d = open_docx(reference_bytes)
    (framed,) = [p for p in paragraphs(d) if p.style.name == "Signature"]
    ppr = framed._p.pPr
    frame = ppr.find(q("w:framePr"))
    assert frame.get(q("w:w")) is None and frame.get(q("w:h")) is None
    assert (frame.get(q("w:xAlign")), frame.get(q("w:hAnchor")), frame.get(q("w:wrap"))) \
        == ("right", "margin", "none")
    assert framed.text == "株洲市发展和改革委员会\t\n\t2022年9月29日"
    assert framed.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT
    assert int(ppr.find(q("w:ind")).get(q("w:right"))) == ox.tw(2 * spec.CHAR_PITCH)
    stops = [int(t.get(q("w:pos"))) for t in ppr.find(q("w:tabs"))]
    assert stops[0] == ox.tw(2 * spec.CHAR_PITCH) and stops == sorted(stops)
    date_end = stops[1] - stops[0]  # the date, as LibreOffice sets it (digits spaced)
    assert 6.5 * spec.CHAR_PITCH * 20 < date_end < 8 * spec.CHAR_PITCH * 20
    cells = [b - a for a, b in itertools.pairwise(stops[2:])]
    assert all(abs(c - 316) <= 1 for c in cells) and stops[-1] > spec.TYPE_AREA_WIDTH * 20
    anchor = framed._p.getnext()
    assert anchor.find(q("w:r")) is not None and not "".join(anchor.itertext())
    before = int(anchor.pPr.find(q("w:spacing")).get(q("w:before")))
    assert abs(before - ox.tw(3 * spec.LINE_PITCH)) <= 2  # the blank line, 署名 and date


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
    assert style.left_indent == Pt(5 * 15.75) and style.first_line_indent == Pt(-3 * 15.75)
    assert first.paragraph_format.left_indent is None  # the style's hanging indent
    assert second.paragraph_format.left_indent == Pt(5 * 15.75)
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
        paras = [p for p in paragraphs(d) if p.text]
        i = next(k for k, p in enumerate(paras) if p.style.name == "Signature")
        before = paras[i - 1]
        assert before.paragraph_format.keep_with_next is True
        assert before.paragraph_format.widow_control is True
        if len(before.text) < 20:  # one short line: the paragraph above comes along too
            assert paras[i - 2].paragraph_format.keep_with_next is True


def test_signature_block_moves_as_one(example_bytes: bytes) -> None:
    """署名, date and the contacts/附注 right after the date keep together (in Word's view;
    LibreOffice's: the frame and the paragraph it is anchored in, then the contacts)."""
    d = open_docx(example_bytes)
    framed = next(p for p in paragraphs(d) if p.style.name == "Signature")
    anchor = framed._p.getnext()
    assert framed.paragraph_format.keep_together and framed.paragraph_format.keep_with_next
    assert anchor.pPr.find(q("w:keepNext")).get(q("w:val")) == "1"  # contacts follow
    paras = [p for p in paragraphs(d, skip="Fallback") if p.text]
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


def test_libreoffice_space_boundaries_follow_the_character_rule() -> None:
    """The DOCX writer finds the places where LibreOffice would add its space (a letter or
    digit from U+3400 on beside an ASCII letter or digit, or after a percent sign), where
    it would not break (a closing mark before an ASCII letter or digit or an opening
    quotation mark) and the
    ASCII/non-ASCII changes with expressions; they agree with the rules stated character
    by character."""
    import itertools
    import random

    from gongwen.export import docx as docx_export

    def han(ch: str) -> bool:
        return ord(ch) >= 0x3400 and ch.isalnum()

    def latin(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    pool = ("中文字①〇２Ａa0Z9_% ，。、（）《》“”—…\t"
            "\u3400\u33ff\U00020000\uff10\u2460\u00b2\u4e00\u3007\u0660")
    rng = random.Random(2022)
    for _ in range(5000):
        t = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        pairs = list(itertools.pairwise(t))
        want = [k + 1 for k, (a, b) in enumerate(pairs)
                if (han(a) and latin(b)) or ((latin(a) or a == "%") and han(b))]
        assert [m.start() for m in docx_export._AUTOSPACE_AT.finditer(t)] == want, t
        marks = [k + 1 for k, (a, b) in enumerate(pairs)
                 if a in SQUEEZE_CLOSING and (latin(b) or b in "“‘")]
        assert [m.start() for m in docx_export._MARK_DIGIT_AT.finditer(t)] == marks, t
        changes = [k + 1 for k, (a, b) in enumerate(pairs) if a.isascii() != b.isascii()]
        assert [m.start() for m in docx_export._ASCII_CHANGE_AT.finditer(t)] == changes, t
        assert [docx_export._autospace_boundary(a, b) for a, b in pairs] == [
            k + 1 in want for k in range(len(pairs))], t
    # spaces beside Chinese go with it into the tracked run
    moved = docx_export._spaces_with_chinese
    assert moved("已超 412778", 2) == 3 and moved("1561 户", 4) == 4
    assert moved("1561 户", 5) == 4 and moved("ab 中", 3) == 2


def test_libreoffice_fillers_are_invisible_to_word_and_python_docx(tmp_path, fontset) -> None:
    """A line with digits on which LibreOffice would take up the next line's first
    character gets a filler for LibreOffice alone (an ideographic space narrowed by
    ``w:w`` in the fallback of a markup-compatibility block whose choice is empty): Word
    and python-docx see the text unchanged. tests/test_docx_parity.py shows its effect."""
    from benchmarks.generate import generate
    from gongwen.pipeline import render_letter

    path = generate(tmp_path, 5)[4]  # generated letter 4: several such lines
    data = render_letter(load_letter(path), fonts="open", base_dir=path.parent).outputs["docx"]
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    mc = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fillers = [t for t in root.iter(f"{w}t") if t.text == "\u3000"]
    assert len(fillers) >= 2
    for t in fillers:
        run = t.getparent()
        fallback = run.getparent()
        assert fallback.tag == f"{mc}Fallback"
        assert len(fallback.getparent().find(f"{mc}Choice")) == 0  # Word: nothing
        scale = run.find(f"{w}rPr/{w}w")
        assert scale is not None and 1 <= int(scale.get(f"{w}val")) < 100
    text = "".join(p.text for p in open_docx(data).paragraphs)
    assert "\u3000" not in text and "\u200b" not in text
