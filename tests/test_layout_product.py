"""The layout as the pipeline's product: what it hands every exporter (page sizes, glyph
positions and advances, faces, line spans, regions, the signature block), that the pipeline
lays out once, and that the DOCX exporter takes its length-dependent decisions from it."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

import gongwen
from gongwen import spec
from gongwen.compose import compose
from gongwen.document import Document, LetterFormat, Span
from gongwen.export import EXPORTERS, ExportContext, export, file_names, register
from gongwen.fonts import load_fontset
from gongwen.layout import Layout, Part, layout_document, place_signature
from gongwen.loader import load_letter
from gongwen.pipeline import parse_formats, render_document
from gongwen.spec import CHAR_PITCH, TYPE_BOTTOM, TYPE_RIGHT, TYPE_TOP, Role

from .conftest import ROOT

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def fontset():
    return load_fontset("open")


@pytest.fixture(scope="module")
def example(example_letter: Path) -> Document:
    return compose(load_letter(example_letter), example_letter.parent)


@pytest.fixture(scope="module")
def layouts(fontset, example: Document, reference_yaml: Path) -> dict[str, tuple[Document, Layout]]:
    reference = compose(load_letter(reference_yaml), reference_yaml.parent)
    document = dataclasses.replace(example, fmt=LetterFormat.DOCUMENT)
    return {name: (doc, layout_document(doc, fontset)) for name, doc in
            (("reference", reference), ("example", example), ("document", document))}


def test_pages_carry_their_size(layouts) -> None:
    for _, lay in layouts.values():
        assert all((p.width, p.height) == (spec.PAGE_WIDTH, spec.PAGE_HEIGHT) for p in lay.pages)


def test_runs_carry_each_glyphs_position_advance_and_face(layouts, fontset) -> None:
    for _, lay in layouts.values():
        for page in lay.pages:
            for run in page.runs:
                face = lay.font(run)
                assert face.key == run.font
                assert len(run.xs) == len(run.advances) == len(run.text) and run.xs[0] == run.x
                for ch, adv in zip(run.text, run.advances, strict=True):
                    assert adv == pytest.approx(fontset.advance(face, ch, run.size))
                for k in range(1, len(run.xs)):
                    step = run.xs[k] - run.xs[k - 1] - run.advances[k - 1]
                    assert step == pytest.approx(run.char_space, abs=1e-6)


def test_lines_and_runs_agree(layouts) -> None:
    """Every glyph of a line is drawn by a run at the same x and baseline."""
    for _, lay in layouts.values():
        for page in lay.pages:
            drawn = {(round(x, 6), round(r.y, 6), ch) for r in page.runs
                     for x, ch in zip(r.xs, r.text, strict=True)}
            for ln in page.lines:
                assert len(ln.xs) == len(ln.advances) == len(ln.text)
                for x, ch in zip(ln.xs, ln.text, strict=True):
                    assert (round(x, 6), round(ln.y, 6), ch) in drawn


def test_line_spans_give_each_blocks_line_breaks(layouts) -> None:
    for doc, lay in layouts.values():
        for i, block in enumerate(doc.blocks):
            lines = lay.lines_of(i)
            assert lines, block.role
            ends = [0]
            for ln in lines:
                assert ends[-1] <= ln.start <= ln.end <= len(block.text)
                ends.append(ln.end)
                covered = block.text[ln.start:ln.end].replace("\n", "")
                assert ln.text.replace(" ", "") == covered.replace(" ", "")
            assert "".join(ln.text for ln in lines).replace(" ", "") == \
                block.text.replace("\n", "").replace(" ", "")


def test_regions_and_the_blocks_placed_in_them(layouts) -> None:
    doc, lay = layouts["reference"]  # plain: no 版头, the flow from the type area's top
    assert lay.pages[0].region(Part.HEADER) is None
    assert lay.pages[0].region(Part.FLOW).top == pytest.approx(TYPE_TOP)
    for name in ("example", "document"):
        doc, lay = layouts[name]
        first, last = lay.pages[0], lay.pages[-1]
        header, flow = first.region(Part.HEADER), first.region(Part.FLOW)
        assert header.bottom <= flow.top + 1e-9 and flow.top > TYPE_TOP
        want = [i for i, b in enumerate(doc.blocks)
                if b.role in spec.HEADER_ROLES and b.role is not Role.REPLY_CATEGORY]
        assert sorted(header.blocks) == want
        for i in header.blocks:
            (ln,) = lay.lines_of(i)
            assert ln.part is Part.HEADER and ln.top >= 0 and ln.bottom <= header.bottom
            assert ln.left <= ln.x0 and ln.xs[-1] + ln.advances[-1] <= ln.x1 + 0.01
        record = last.region(Part.RECORD)
        assert list(record.blocks) == [i for i, b in enumerate(doc.blocks)
                                       if b.role in spec.RECORD_ROLES]
        assert record.bottom == pytest.approx(TYPE_BOTTOM)
        rec_lines = [ln for i in record.blocks for ln in lay.lines_of(i)]
        assert record.top == pytest.approx(TYPE_BOTTOM - len(rec_lines) * spec.LINE_PITCH)
        assert all(record.top <= ln.top and ln.bottom <= record.bottom for ln in rec_lines)
        rules = {r.part for p in lay.pages for r in p.rules}
        assert rules == ({Part.HEADER, Part.RECORD} if name == "document" else {Part.HEADER})


def test_the_signature_block(layouts) -> None:
    doc, lay = layouts["example"]
    sig = lay.signature
    roles = [doc.blocks[i].role for i in sig.blocks]
    assert roles[:2] == [Role.SIGNATURE, Role.DATE]
    assert set(roles[2:]) <= {Role.CONTACT, Role.NOTE}
    assert not sig.seal and sig.blank_lines == spec.SIGNATURE_BLANK_LINES
    (s,), (d,) = lay.lines_of(sig.blocks[0]), lay.lines_of(sig.blocks[1])
    assert s.x0 == pytest.approx(sig.place.signatures[0]) and d.x0 == pytest.approx(sig.place.date)
    assert sig.place.date_from_left


def test_place_signature() -> None:
    c = CHAR_PITCH
    no_seal = place_signature([11 * c], 9 * c, False, TYPE_RIGHT)
    assert no_seal.signatures[0] + 11 * c == pytest.approx(TYPE_RIGHT - 2 * c)  # 右空二字
    assert no_seal.date == pytest.approx(no_seal.signatures[0] + 2 * c) and no_seal.date_from_left
    long_date = place_signature([4 * c], 9 * c, False, TYPE_RIGHT)
    assert long_date.date + 9 * c == pytest.approx(TYPE_RIGHT - 2 * c)
    assert long_date.signatures[0] == pytest.approx(long_date.date - 2 * c)
    assert not long_date.date_from_left
    seal = place_signature([6 * c, 11 * c], 9 * c, True, TYPE_RIGHT)
    assert seal.date + 9 * c == pytest.approx(TYPE_RIGHT - 4 * c)  # 右空四字
    for x, w in zip(seal.signatures, (6 * c, 11 * c), strict=True):
        assert x + w / 2 == pytest.approx(seal.date + 4.5 * c)  # centred over the date


def test_rendering_lays_out_once(monkeypatch, reference_yaml: Path) -> None:
    import gongwen.layout

    calls = []
    real = gongwen.layout.layout_document

    def counting(doc, fontset):
        calls.append(doc)
        return real(doc, fontset)

    monkeypatch.setattr(gongwen.layout, "layout_document", counting)
    result = gongwen.render(reference_yaml, ["pdf", "docx"], fonts="open")
    assert len(calls) == 1 and result.layout.pages and set(result.outputs) == {"pdf", "docx"}
    assert result.pages == len(result.layout.pages) == 6


def test_exporters_table(fontset, example: Document) -> None:
    assert parse_formats("PDF, docx") == ("pdf", "docx")
    with pytest.raises(gongwen.GongwenError, match="可用：pdf、docx、svg"):
        parse_formats("odt")

    def txt(layout, doc, ctx: ExportContext) -> bytes:
        return f"{len(layout.pages)} {doc.title} {ctx.options['x']}".encode()

    register("txt", txt)
    try:
        assert parse_formats("txt") == ("txt",)
        result = render_document(example, fontset, ["txt"], {"x": 1})
        assert result.outputs["txt"] == f"{result.pages} {example.title} 1".encode()
    finally:
        EXPORTERS.pop("txt")
    with pytest.raises(ValueError):
        register("Bad Name", txt)
    assert file_names("a", "pdf", b"x") == [("a.pdf", b"x")]
    assert file_names("a", "svg", (b"1", b"2")) == [("a-1.svg", b"1"), ("a-2.svg", b"2")]


# --- the DOCX exporter takes what depends on lengths from the layout ----------------------------
def _docx_xml(layout: Layout, doc: Document, fontset) -> etree._Element:
    data = export("docx", layout, doc, ExportContext(fontset))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def _with_lines(layout: Layout, block: int, change) -> Layout:
    pages = tuple(dataclasses.replace(p, lines=tuple(
        change(ln) if ln.block == block else ln for ln in p.lines)) for p in layout.pages)
    return dataclasses.replace(layout, pages=pages)


def test_docx_breaks_the_title_where_the_layout_does(fontset, example: Document) -> None:
    title = next(i for i, b in enumerate(example.blocks) if b.role is Role.TITLE)
    text = "关于市政协十二届三次会议第0042号提案关于进一步加强产业园区建设的建议的答复"
    blocks = list(example.blocks)
    blocks[title] = dataclasses.replace(blocks[title], spans=(Span(text),))
    example = dataclasses.replace(example, blocks=tuple(blocks))
    lay = layout_document(example, fontset)
    lines = lay.lines_of(title)
    assert len(lines) == 2  # balanced by the layout, no break in the letter

    def paragraph_text(root: etree._Element) -> str:
        p = next(p for p in root.iter(f"{W}p") if p.find(f"{W}pPr/{W}pStyle") is not None
                 and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Title")
        return "".join("\n" if e.tag == f"{W}br" else e.text or ""
                       for e in p.iter(f"{W}t", f"{W}br"))

    assert paragraph_text(_docx_xml(lay, example, fontset)).split("\n") == [
        text[ln.start:ln.end] for ln in lines]
    moved = _with_lines(lay, title, lambda ln: dataclasses.replace(
        ln, start=ln.start + 2) if ln.start else ln)
    got = paragraph_text(_docx_xml(moved, example, fontset))
    assert got == text[:lines[1].start + 2] + "\n" + text[lines[1].start + 2:]


def test_docx_takes_the_blank_lines_above_a_block_from_the_layout(fontset, example) -> None:
    lay = layout_document(example, fontset)
    first_sig = lay.signature.blocks[0]
    assert lay.lines_of(first_sig)[0].space_before == spec.SIGNATURE_BLANK_LINES
    three = _with_lines(lay, first_sig, lambda ln: dataclasses.replace(ln, space_before=3))
    root = _docx_xml(three, example, fontset)
    sig = next(p for p in root.iter(f"{W}p")
               if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Signature")
    # no seal: the 署名 block is a table; the blank lines are its first cell's top margin
    cell = sig.getparent()
    assert cell.tag == f"{W}tc"
    top = cell.find(f"{W}tcPr/{W}tcMar/{W}top")
    assert top.get(f"{W}w") == str(spec.twips(3 * spec.LINE_PITCH))


def test_docx_header_and_record_come_from_the_layout(fontset, example) -> None:
    lay = layout_document(example, fontset)
    first = lay.pages[0]
    header = first.region(Part.HEADER)
    lower = dataclasses.replace(first, regions=tuple(
        dataclasses.replace(r, bottom=r.bottom + 10) if r.part is Part.HEADER else
        dataclasses.replace(r, top=r.top + 10) if r.part is Part.FLOW else r
        for r in first.regions))
    def first_flow_before(layout) -> int:
        """The space above the first paragraph after the 版头 (the 答复类别 or title)."""
        root = _docx_xml(layout, example, fontset)
        body = root.find(f"{W}body")
        header_styles = {"GwCopyNumber", "GwSecrecy", "GwUrgency", "GwOrganMark",
                         "GwDocNumber", "GwSigner"}
        p = next(p for p in body.findall(f"{W}p")
                 if p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") not in header_styles)
        texts = "".join(t.text for e in body for t in e.iter(f"{W}t")
                        if e.getparent() is body and list(body).index(e) < list(body).index(p))
        for b in header.blocks:  # every 版头 element before it, in the flow or framed
            assert example.blocks[b].text.replace("\n", "") in texts
        return int(p.find(f"{W}pPr/{W}spacing").get(f"{W}before"))

    moved = first_flow_before(dataclasses.replace(lay, pages=(lower, *lay.pages[1:])))
    assert moved - first_flow_before(lay) == spec.twips(10)
    assert header.bottom == pytest.approx(first.region(Part.FLOW).top)


def test_one_definition_each() -> None:
    """The figures of the 版头 and the signature are applied in layout only; the PDF
    exporter paints the layout's glyph positions without measuring text again."""
    package = ROOT / "gongwen"
    docx_src = (package / "export" / "docx.py").read_text(encoding="utf-8")
    for name in ("LETTER_MARK", "LETTER_RULE", "DOCUMENT_MARK", "DOCUMENT_RULE", "DOCUMENT_NUMBER",
                 "TITLE_LINES_BELOW_HEADER", "SIGNATURE_RIGHT_CHARS", "DATE_OFFSET_CHARS",
                 "SEAL_DATE_RIGHT_CHARS", "SEAL_DIAMETER", "RECORD_RULE", "EM_ASCENT",
                 "balance_title", "SIGNATURE_FOLLOWERS", "is_wide", "advance("):
        assert name not in docx_src, name
    assert "stringWidth" not in (package / "export" / "pdf.py").read_text(encoding="utf-8")
    sources = "\n".join(p.read_text(encoding="utf-8") for p in package.rglob("*.py"))
    for name in ("EM_ASCENT", "SIGNATURE_FOLLOWERS"):
        assert len(re.findall(rf"^{name}\s*=", sources, re.M)) == 1, name


def test_public_api_is_lazy() -> None:
    import subprocess
    import sys

    code = ("import sys, gongwen; print(len([m for m in sys.modules if m.startswith('gongwen')]),"
            " 'reportlab' in sys.modules, 'pydantic' in sys.modules, gongwen.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout.split()
    assert out[:3] == ["1", "False", "False"]
    assert re.fullmatch(r"\d+\.\d+.*", out[3])
    assert set(gongwen.__all__) <= set(dir(gongwen))


def test_seal_image_output_does_not_depend_on_the_folder(example_letter: Path,
                                                         tmp_path: Path) -> None:
    """The seal is drawn from its bytes: the same letter and image in another folder give
    the same PDF and DOCX (reportlab named an image drawn from a file by its path)."""
    from .test_docx import png

    text = example_letter.read_text(encoding="utf-8").replace(
        "  date: 2024-06-18", "  date: 2024-06-18\n  seal:\n    mode: image\n    image: seal.png")
    outputs = []
    for folder in (tmp_path / "a", tmp_path / "b" / "deeper"):
        folder.mkdir(parents=True)
        (folder / "reply.yaml").write_text(text, encoding="utf-8")
        (folder / "seal.png").write_bytes(png(40, 40))
        result = gongwen.render(folder / "reply.yaml", fonts="open")
        assert sum(len(p.images) for p in result.layout.pages) == 1
        outputs.append(result.outputs)
    assert outputs[0] == outputs[1]
    given = gongwen.render(tmp_path / "a" / "reply.yaml", fonts="open", seal=png(40, 40))
    assert given.outputs == outputs[0]
