"""SVG from the layout.

A new export format is one function and one registration: an SVG exporter written here from
the layout alone (page size, each glyph's position, faces, rules, images; glyphs as SVG text),
registered as ``svgtext``, renders the reference letter where the PDF exporter draws it.

The shipped ``svg`` format (``gongwen/export/svg.py``, the web preview's pages) draws each
glyph as its outline from the font file the PDF embeds, at the same place."""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

import gongwen
from gongwen.export import EXPORTERS, ExportContext
from gongwen.layout import Layout

from . import pdf_checks as pc
from .test_docx import png

NS = "http://www.w3.org/2000/svg"


def svg_pages(layout: Layout, doc: object, ctx: ExportContext) -> tuple[bytes, ...]:
    """One SVG per page: rules, then every glyph at the layout's x, then images."""
    pages = []
    for page in layout.pages:
        svg = etree.Element(f"{{{NS}}}svg", nsmap={None: NS}, width=f"{page.width}pt",
                            height=f"{page.height}pt", viewBox=f"0 0 {page.width} {page.height}")
        for r in page.rules:
            etree.SubElement(svg, "line", x1=str(r.x0), y1=str(r.y0), x2=str(r.x1), y2=str(r.y1),
                             stroke=f"#{r.color}", **{"stroke-width": str(r.width)})
        for run in page.runs:
            text = etree.SubElement(svg, "text", x=" ".join(map(str, run.xs)), y=str(run.y),
                                    fill=f"#{run.color}", **{"font-size": str(run.size),
                                    "font-family": layout.font(run).family})
            text.text = run.text
        for im in page.images:
            href = "data:image/png;base64," + base64.b64encode(im.data).decode()
            etree.SubElement(svg, "image", x=str(im.x), y=str(im.y), width=str(im.width),
                             height=str(im.height), href=href)
        pages.append(etree.tostring(svg, xml_declaration=True, encoding="utf-8"))
    return tuple(pages)


@pytest.fixture
def svg() -> Iterator[None]:
    gongwen.register("svgtext", svg_pages)
    yield
    EXPORTERS.pop("svgtext")


def test_the_exporter_is_short() -> None:
    assert len(inspect.getsource(svg_pages).splitlines()) <= 30


def glyphs_of(data: bytes) -> list[tuple[str, float, float]]:
    """(character, x, baseline) of every glyph of an SVG page, read back with lxml."""
    out = []
    for text in etree.fromstring(data).iter(f"{{{NS}}}text"):
        xs = [float(v) for v in text.get("x").split()]
        assert len(xs) == len(text.text)
        out += [(ch, x, float(text.get("y"))) for ch, x in zip(text.text, xs, strict=True)]
    return sorted(out, key=lambda g: (round(g[2], 1), g[1]))


def test_svg_of_the_reference_letter_matches_its_pdf(svg, reference_yaml: Path) -> None:
    letter = gongwen.load(reference_yaml)
    result = gongwen.render(letter, ["svgtext", "pdf"], fonts="open")
    pages = result.outputs["svgtext"]
    assert isinstance(pages, tuple) and len(pages) == result.pages == len(result.layout.pages)
    with pc.open_pdf(result.outputs["pdf"]) as pdf:
        assert len(pdf.pages) == len(pages)
        for page, data in zip(pdf.pages, pages, strict=True):
            box = [float(v) for v in etree.fromstring(data).get("viewBox").split()]
            assert box == pytest.approx([0, 0, page.width, page.height], abs=0.01)
            want = sorted(((c.text, c.x0, c.baseline) for c in pc.page_chars(page)),
                          key=lambda g: (round(g[2], 1), g[1]))
            got = glyphs_of(data)
            assert [g[0] for g in got] == [w[0] for w in want]
            for (ch, x, y), (_, px, py) in zip(got, want, strict=True):
                assert abs(x - px) <= 0.1 and abs(y - py) <= 0.1, (ch, x, y, px, py)


def test_svg_files_one_per_page_with_rules_and_seal(svg, example_letter: Path,
                                                    tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    text = example_letter.read_text(encoding="utf-8")
    letter = gongwen.loads(text, name=str(folder / "reply.yaml"), base_dir=folder)
    written = gongwen.render_to(letter, tmp_path / "out", ["svgtext"], fonts="open",
                                seal=png(32, 32))
    layout = gongwen.render(letter, [], fonts="open").layout
    names = [f"reply-{n}.svgtext" for n in range(1, len(layout.pages) + 1)]
    assert [p.name for p in written] == names
    first = etree.fromstring(written[0].read_bytes())
    red = [ln for ln in first.iter(f"{{{NS}}}line") if ln.get("stroke") == "#FF0000"]
    assert len(red) == 4  # 信函格式: two red double lines on page 1
    images = [etree.fromstring(p.read_bytes()).findall(f"{{{NS}}}image") for p in written]
    (seal,) = [im for found in images for im in found]
    assert base64.b64decode(seal.get("href").split(",", 1)[1]) == png(32, 32)


# --------------------------------------------------------------------------------------------
# The shipped svg format: glyph outlines


def uses_of(data: bytes) -> list[tuple[str, float, float, float]]:
    """(outline id, x, baseline, scale) of every glyph placed on a shipped SVG page."""
    out = []
    for use in etree.fromstring(data).iter(f"{{{NS}}}use"):
        s, _, _, minus_s, x, y = (float(v) for v in use.get("transform")[7:-1].split())
        assert minus_s == -s
        out.append((use.get("href")[1:], x, y, s))
    return out


def test_shipped_svg_places_every_glyph_where_the_pdf_draws_it(reference_yaml: Path) -> None:
    assert "svg" in gongwen.export.formats()
    result = gongwen.render(gongwen.load(reference_yaml), ["svg", "pdf"], fonts="open")
    pages = result.outputs["svg"]
    with pc.open_pdf(result.outputs["pdf"]) as pdf:
        assert len(pdf.pages) == len(pages) == 6
        for page, data in zip(pdf.pages, pages, strict=True):
            root = etree.fromstring(data)  # every glyph at the PDF's place and size (upem 1000)
            defined = {p.get("id") for p in root.iter(f"{{{NS}}}path")}
            want = sorted((c.baseline, c.x0, c.size) for c in pc.page_chars(page)
                          if not c.text.isspace())
            placed = sorted((y, x, s * 1000) for gid, x, y, s in uses_of(data) if gid in defined)
            assert len(placed) == len(want)
            for got, expected in zip(placed, want, strict=True):
                assert got == pytest.approx(expected, abs=0.02)


def test_shipped_svg_outline_is_the_font_glyph() -> None:
    from fontTools.pens.boundsPen import ControlBoundsPen
    from fontTools.ttLib import TTFont

    from gongwen.export import svg as svg_export
    from gongwen.fonts import load_fontset
    from gongwen.spec import FontRole

    face = load_fontset("open").face(FontRole.FANGSONG)
    gid, path = svg_export.glyph_outline(face, "株")
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", path)]
    xs, ys = numbers[0::2], numbers[1::2]
    font = TTFont(face.path, lazy=True)
    glyphs = font.getGlyphSet()
    pen = ControlBoundsPen(glyphs)
    glyphs[font.getBestCmap()[ord("株")]].draw(pen)
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx(pen.bounds)
    assert gid.endswith(f"-{font.getGlyphID(font.getBestCmap()[ord('株')])}")
    assert svg_export.glyph_outline(face, " ")[1] == ""  # a space draws nothing


def test_shipped_svg_pages_are_complete_and_deterministic(example_letter: Path,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    text = example_letter.read_text(encoding="utf-8")
    letter = gongwen.loads(text, name=str(folder / "reply.yaml"), base_dir=folder)
    first = gongwen.render(letter, ["svg"], fonts="open", seal=png(32, 32)).outputs["svg"]
    again = gongwen.render(letter, ["svg"], fonts="open", seal=png(32, 32)).outputs["svg"]
    assert first == again
    for data in first:  # each page defines every outline it uses
        root = etree.fromstring(data)
        defined = {p.get("id") for p in root.iter(f"{{{NS}}}path")}
        assert {gid for gid, *_ in uses_of(data)} <= defined
    page1 = etree.fromstring(first[0])
    red = [ln for ln in page1.iter(f"{{{NS}}}line") if ln.get("stroke") == "#FF0000"]
    assert len(red) == 4
    images = [im for data in first for im in etree.fromstring(data).iter(f"{{{NS}}}image")]
    (seal,) = images
    assert base64.b64decode(seal.get("href").split(",", 1)[1]) == png(32, 32)
