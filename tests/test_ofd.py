"""OFD export, checked by a third-party reader (easyofd, ``tests/ofd_reader.py``) against the
PDF of the same letter: the text of every page, every glyph's position, the rendering, and
by lxml against GB/T 33190's schema when a copy is given (``GONGWEN_OFD_XSD``).

Letters: the reference letter, the 信函格式 example with a seal image, and the first letters
of the benchmark set (``benchmarks/generate.py``), which between them have every element.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import gongwen
from benchmarks.generate import generate
from gongwen.spec import mm, pt_to_mm

from . import ofd_reader
from . import pdf_checks as pc
from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT

NS = {"ofd": "http://www.ofdspec.org/2016"}
BENCHMARK_LETTERS = 10  # letters 0–9 of the benchmark set: 1 to 8 pages, all three formats
POSITION_TOL_MM = 0.01  # a glyph where easyofd puts it vs. where the PDF draws it
RENDER_DPI = 50  # about 2 px a millimetre
INK_LEVEL = 160  # a grey below this is ink
INK_REACH_PX = 3  # 1.5 mm: a quarter of a body character (glyph shapes differ: see below)
INK_SHARE = 0.99  # of each rendering's ink lies within INK_REACH_PX of the other's


def seal_png(size: int = 400) -> bytes:
    """A red seal with soft (anti-aliased, half-transparent) edges."""
    im = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse((8, 8, size - 8, size - 8), outline=(220, 20, 20, 230), width=size // 25)
    d.regular_polygon((size / 2, size / 2, size / 6), 5, fill=(220, 20, 20, 200))
    im = im.resize((size // 2, size // 2), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def benchmark_letters(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return generate(tmp_path_factory.mktemp("benchmark"), BENCHMARK_LETTERS)


@cache
def rendered(path: Path, seal: bool = False) -> gongwen.Rendered:
    """The letter's PDF and OFD, from one layout."""
    letter = gongwen.load(path)
    return gongwen.render(letter, ["pdf", "ofd"], fonts="open",
                          seal=seal_png() if seal else None)


CASES = {
    "reference": (REFERENCE_YAML, False),
    "letter-format-with-seal": (EXAMPLE_LETTER, True),
    **{f"benchmark-{i}": (i, False) for i in range(BENCHMARK_LETTERS)},
}


@pytest.fixture(params=list(CASES), scope="module")
def case(request: pytest.FixtureRequest, benchmark_letters: list[Path]) -> gongwen.Rendered:
    source, seal = CASES[request.param]
    path = benchmark_letters[source] if isinstance(source, int) else source
    return rendered(path, seal)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def squeeze(text: str) -> str:
    return "".join(text.split())


# --- what the third-party reader finds -----------------------------------------------------


def test_text_of_every_page_equals_the_pdf(case: gongwen.Rendered) -> None:
    texts = ofd_reader.page_texts(case.outputs["ofd"])
    with pc.open_pdf(case.outputs["pdf"]) as pdf:
        assert len(texts) == len(pdf.pages) == case.pages
        for page, text in zip(pdf.pages, texts, strict=True):
            assert squeeze(text) == squeeze("".join(c["text"] for c in page.chars))


def test_every_glyph_where_the_pdf_draws_it(case: gongwen.Rendered) -> None:
    tol = mm(POSITION_TOL_MM)
    ofd_pages = ofd_reader.page_glyphs(case.outputs["ofd"])
    with pc.open_pdf(case.outputs["pdf"]) as pdf:
        for page, glyphs in zip(pdf.pages, ofd_pages, strict=True):
            drawn = [c for c in pc.page_chars(page) if not c.text.isspace()]
            assert [g.text for g in glyphs if not g.text.isspace()] == [c.text for c in drawn]
            placed = [g for g in glyphs if not g.text.isspace()]
            for g, c in zip(placed, drawn, strict=True):
                assert g.x == pytest.approx(c.x0, abs=tol), (g, c)
                assert g.y == pytest.approx(c.baseline, abs=tol), (g, c)
                assert g.size == pytest.approx(c.size, abs=tol), (g, c)


def ink(image: Image.Image) -> np.ndarray:
    return np.asarray(image) < INK_LEVEL


def share_within(a: np.ndarray, b: np.ndarray, reach: int) -> float:
    """The share of ``a``'s ink within ``reach`` pixels of ``b``'s."""
    grown = Image.fromarray(b.astype(np.uint8) * 255).filter(ImageFilter.MaxFilter(2 * reach + 1))
    return float((a & (np.asarray(grown) > 0)).sum() / max(1, a.sum()))


def test_rendering_overlaps_the_pdf_pages(case: gongwen.Rendered) -> None:
    """easyofd draws every glyph in one Song face, so strokes differ from the PDF's 仿宋,
    黑体 and 楷体 inside each character's box; at 1.5 mm reach, 99 % of either rendering's
    ink meets the other's, which a glyph, rule or seal moved by a character, a line or its
    own size, or left out, does not."""
    import pypdfium2 as pdfium

    ofd_pages = ofd_reader.render(case.outputs["ofd"], RENDER_DPI)
    pdf_pages = [p.render(scale=RENDER_DPI / 72).to_pil().convert("L")
                 for p in pdfium.PdfDocument(case.outputs["pdf"])]
    assert len(ofd_pages) == len(pdf_pages)
    for n, (a, b) in enumerate(zip(pdf_pages, ofd_pages, strict=True), start=1):
        assert a.size == b.size, n
        ia, ib = ink(a), ink(b)
        assert ia.sum() > 1000, n
        assert share_within(ia, ib, INK_REACH_PX) >= INK_SHARE, f"page {n}: PDF ink not in OFD"
        assert share_within(ib, ia, INK_REACH_PX) >= INK_SHARE, f"page {n}: OFD ink not in PDF"


def test_a_moved_line_is_caught_by_the_rendering_check() -> None:
    """The rendering check fails when one line of the OFD is a line lower."""
    result = rendered(REFERENCE_YAML)
    files = parts(result.outputs["ofd"])
    name = "Doc_0/Pages/Page_0/Content.xml"
    root = etree.fromstring(files[name])
    text = root.findall(".//ofd:TextObject", NS)[5]
    x, y, w, h = (float(v) for v in text.get("Boundary").split())
    text.set("Boundary", f"{x} {y + 10.2} {w} {h}")  # one line pitch lower
    files[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)
    import pypdfium2 as pdfium

    moved = ink(ofd_reader.render(buf.getvalue(), RENDER_DPI)[0])
    pdf = ink(pdfium.PdfDocument(result.outputs["pdf"])[0].render(scale=RENDER_DPI / 72)
              .to_pil().convert("L"))
    worst = min(share_within(pdf, moved, INK_REACH_PX), share_within(moved, pdf, INK_REACH_PX))
    assert worst < INK_SHARE


# --- the package itself ----------------------------------------------------------------------


def test_same_letter_same_bytes_in_another_process() -> None:
    first = rendered(EXAMPLE_LETTER, True).outputs["ofd"]
    code = (
        "import sys, gongwen; from tests.test_ofd import seal_png; "
        f"r = gongwen.render(gongwen.load({str(EXAMPLE_LETTER)!r}), ['ofd'], fonts='open', "
        "seal=seal_png()); sys.stdout.buffer.write(r.outputs['ofd'])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         check=True).stdout
    assert out == first
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert z.namelist()[0] == "OFD.xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_structure_and_ids(case: gongwen.Rendered) -> None:
    files = parts(case.outputs["ofd"])
    entry = etree.fromstring(files["OFD.xml"])
    assert entry.get("Version") == "1.0" and entry.get("DocType") == "OFD"
    assert entry.findtext("ofd:DocBody/ofd:DocRoot", namespaces=NS) == "Doc_0/Document.xml"
    document = etree.fromstring(files["Doc_0/Document.xml"])
    pages = document.findall("ofd:Pages/ofd:Page", NS)
    assert len(pages) == case.pages
    ids = [int(e.get("ID")) for name, data in files.items() if name.endswith(".xml")
           for e in etree.fromstring(data).iter() if e.get("ID") is not None]
    assert len(ids) == len(set(ids))
    assert int(document.findtext("ofd:CommonData/ofd:MaxUnitID", namespaces=NS)) == max(ids)
    for page in pages:
        assert f"Doc_0/{page.get('BaseLoc')}" in files
    res = etree.fromstring(files["Doc_0/PublicRes.xml"])
    for font in res.findall("ofd:Fonts/ofd:Font", NS):
        assert f"Doc_0/Res/{font.findtext('ofd:FontFile', namespaces=NS)}" in files


def test_embedded_fonts_draw_every_character_with_the_faces_advances(
        case: gongwen.Rendered) -> None:
    """Each embedded subset opens in FreeType (Pillow) and has a glyph, of the face's own
    advance, for every character the OFD sets in it."""
    files = parts(case.outputs["ofd"])
    res = etree.fromstring(files["Doc_0/PublicRes.xml"])
    font_file = {f.get("ID"): files[f"Doc_0/Res/{f.findtext('ofd:FontFile', namespaces=NS)}"]
                 for f in res.findall("ofd:Fonts/ofd:Font", NS)}
    family = {f.get("ID"): f.get("FamilyName") for f in res.findall("ofd:Fonts/ofd:Font", NS)}
    faces = {face.family: face for face in case.layout.fonts.values()}
    chars: dict[str, set[str]] = {}
    for name, data in files.items():
        if name.endswith("Content.xml"):
            for obj in etree.fromstring(data).iter(f"{{{NS['ofd']}}}TextObject"):
                code = obj.findtext("ofd:TextCode", namespaces=NS)
                chars.setdefault(obj.get("Font"), set()).update(code.replace(" ", ""))
    for font_id, used in chars.items():
        face = faces[family[font_id]]
        sub = ImageFont.truetype(io.BytesIO(font_file[font_id]), 100)
        full = ImageFont.truetype(str(face.path), 100, index=face.subfont_index)
        for ch in used:
            assert sub.getmask(ch).getbbox() is not None, (family[font_id], ch)
            assert sub.getlength(ch) == full.getlength(ch), (family[font_id], ch)


def test_rules_and_seal(case: gongwen.Rendered) -> None:
    """Each rule is a stroked PathObject of the layout's colour and width; the seal is an
    ImageObject where the PDF draws the image, holding the image's bytes."""
    files = parts(case.outputs["ofd"])
    for n, page in enumerate(case.layout.pages):
        root = etree.fromstring(files[f"Doc_0/Pages/Page_{n}/Content.xml"])
        paths = root.findall(".//ofd:PathObject", NS)
        assert [(p.findtext("ofd:AbbreviatedData", namespaces=NS)[:1],
                 p.find("ofd:StrokeColor", NS).get("Value"), float(p.get("LineWidth")))
                for p in paths] == [
            ("M", " ".join(str(int(r.color[i:i + 2], 16)) for i in (0, 2, 4)),
             pytest.approx(pt_to_mm(r.width), abs=1e-3)) for r in page.rules]
        images = root.findall(".//ofd:ImageObject", NS)
        assert len(images) == len(page.images)
        if images:
            with pc.open_pdf(case.outputs["pdf"]) as pdf:
                (drawn,) = pdf.pages[n].images
            box = [float(v) for v in images[0].get("Boundary").split()]
            assert box == pytest.approx([pt_to_mm(drawn["x0"]), pt_to_mm(drawn["top"]),
                                         pt_to_mm(drawn["width"]), pt_to_mm(drawn["height"])],
                                        abs=0.01)
            doc_res = etree.fromstring(files["Doc_0/DocumentRes.xml"])
            media = doc_res.find(f"ofd:MultiMedias/ofd:MultiMedia[@ID='{images[0].get('ResourceID')}']",
                                 NS)
            assert files[f"Doc_0/Res/{media.findtext('ofd:MediaFile', namespaces=NS)}"] == \
                page.images[0].data


XSD = os.environ.get("GONGWEN_OFD_XSD")


@pytest.mark.skipif(not XSD, reason="GONGWEN_OFD_XSD (a folder with GB/T 33190's OFD.xsd, "
                    "Document.xsd, Res.xsd, Page.xsd) is not set; the schema is not shipped")
def test_parts_validate_against_the_standards_schema(case: gongwen.Rendered) -> None:
    folder = Path(XSD or "")
    schemas = {name: etree.XMLSchema(etree.parse(str(folder / f"{name}.xsd")))
               for name in ("OFD", "Document", "Res", "Page")}
    for name, data in parts(case.outputs["ofd"]).items():
        if not name.endswith(".xml"):
            continue
        kind = {"OFD.xml": "OFD", "Doc_0/Document.xml": "Document"}.get(
            name, "Res" if name.endswith("Res.xml") else "Page")
        schema = schemas[kind]
        assert schema.validate(etree.fromstring(data)), (name, schema.error_log.last_error)


# --- gongwen check on an OFD -----------------------------------------------------------------


def findings(report) -> list[tuple[str, str, int | None, int | None]]:
    return sorted((f.rule, str(f.severity), f.page, f.line) for f in report.findings)


def test_check_measures_the_ofd_as_the_pdf(case: gongwen.Rendered, tmp_path: Path) -> None:
    """The OFD, read from its own XML, gives the PDF's measurements and findings."""
    from gongwen.check import check_file, file_kind

    (tmp_path / "x.ofd").write_bytes(case.outputs["ofd"])
    (tmp_path / "x.pdf").write_bytes(case.outputs["pdf"])
    assert file_kind(tmp_path / "x.ofd") == "ofd"
    ofd, pdf = check_file(tmp_path / "x.ofd"), check_file(tmp_path / "x.pdf")
    assert ofd.kind == "ofd"
    assert ofd.measurements["ofd"] == pdf.measurements["pdf"]
    assert findings(ofd) == findings(pdf)


def edited(data: bytes, edit) -> bytes:
    """The package with ``edit(name, root)`` applied to each XML part."""
    files = parts(data)
    for name, part in files.items():
        if name.endswith(".xml"):
            root = etree.fromstring(part)
            edit(name, root)
            files[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, part in files.items():
            z.writestr(name, part)
    return buf.getvalue()


def test_check_finds_what_is_wrong_in_an_ofd(tmp_path: Path) -> None:
    """Body text set at 14 pt, and a font not embedded: the same rules as for a PDF fire."""
    from gongwen.check import check_file

    data = rendered(REFERENCE_YAML).outputs["ofd"]
    three = _num_mm(16)

    def smaller(name: str, root: etree._Element) -> None:
        for obj in root.iter(f"{{{NS['ofd']}}}TextObject"):
            if obj.get("Size") == three:
                obj.set("Size", _num_mm(14))

    def unembedded(name: str, root: etree._Element) -> None:
        for font_file in root.iter(f"{{{NS['ofd']}}}FontFile"):
            font_file.getparent().remove(font_file)

    (tmp_path / "small.ofd").write_bytes(edited(data, smaller))
    (tmp_path / "bare.ofd").write_bytes(edited(data, unembedded))
    small, bare = check_file(tmp_path / "small.ofd"), check_file(tmp_path / "bare.ofd")
    assert "body-size" in small.rules()
    assert "font-not-embedded" in bare.rules()
    from gongwen.check.rules import Route, table  # each finding a rule of the PDF route

    rows = {(r.id, str(r.clause)) for r in table() if r.route in (Route.PDF, Route.BOTH)}
    found = small.findings + bare.findings
    assert {f.source for f in found} == {"ofd"}
    assert all((f.rule, str(f.clause)) in rows for f in found)
    (embed,) = [f for f in bare.findings if f.rule == "font-not-embedded"][:1]
    assert embed.expected == "所有字体嵌入文件"


def _num_mm(pt: float) -> str:
    from gongwen.export.ofd import _num

    return _num(pt_to_mm(pt))


def test_a_face_whose_licence_forbids_embedding_is_named_not_embedded(tmp_path: Path) -> None:
    import dataclasses

    from fontTools.ttLib import TTFont

    from gongwen.check import check_file
    from gongwen.export.ofd import write_ofd

    result = rendered(REFERENCE_YAML)
    layout = result.layout
    key, face = next((k, f) for k, f in layout.fonts.items() if "Hei" in f.family)
    restricted = tmp_path / "restricted.ttf"
    font = TTFont(str(face.path))
    font["OS/2"].fsType = 0x0002
    font.save(str(restricted))
    fonts = {**layout.fonts, key: dataclasses.replace(face, path=restricted)}
    data = write_ofd(dataclasses.replace(layout, fonts=fonts), result.document.metadata)
    files = parts(data)
    res = etree.fromstring(files["Doc_0/PublicRes.xml"])
    by_name = {f.get("FontName"): f for f in res.findall("ofd:Fonts/ofd:Font", NS)}
    assert by_name[face.family].find("ofd:FontFile", NS) is None
    assert all(f.find("ofd:FontFile", NS) is not None for n, f in by_name.items()
               if n != face.family)
    (tmp_path / "x.ofd").write_bytes(data)
    assert "font-not-embedded" in check_file(tmp_path / "x.ofd").rules()


def test_reading_the_ofd_gives_the_pdfs_paragraphs(case: gongwen.Rendered, tmp_path: Path) -> None:
    """The reading package reads the OFD (its own XML, blanks included) into the paragraphs
    and roles it reads from the PDF: diff and import see the same letter."""
    from gongwen.read import SourceKind, read_any

    (tmp_path / "x.ofd").write_bytes(case.outputs["ofd"])
    (tmp_path / "x.pdf").write_bytes(case.outputs["pdf"])
    ofd, pdf = read_any(tmp_path / "x.ofd"), read_any(tmp_path / "x.pdf")
    assert ofd.kind is SourceKind.OFD
    assert [(p.text, p.role) for p in ofd.paragraphs] == [(p.text, p.role) for p in pdf.paragraphs]


def test_check_reads_another_writers_ofd(tmp_path: Path) -> None:
    """easyofd writes pages as images, in its own XML namespace: the check reads the
    package and reports that there is no text, as for a scanned PDF."""
    from gongwen.check import check_file

    path = tmp_path / "scan.ofd"
    path.write_bytes(ofd_reader.from_pdf(rendered(EXAMPLE_LETTER, True).outputs["pdf"]))
    report = check_file(path)
    assert report.kind == "ofd" and report.rules() == {"no-text"}


# --- hostile OFDs: read within gongwen.limits' bounds, refused in one located line ----------


def repacked(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The package with some parts replaced or added."""
    files = {**parts(data), **changes}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, part in files.items():
            z.writestr(name, part)
    return buf.getvalue()


def refusals(path: Path) -> list[tuple[int, str]]:
    """What ``check`` and ``diff`` say of ``path`` (in-process, no traceback allowed)."""
    from .conftest import invoke

    return [invoke("check", path), invoke("diff", path, REFERENCE_YAML)]


def test_an_ofd_that_inflates_too_far_is_refused_from_its_zip_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongwen import limits

    monkeypatch.setattr(limits, "MAX_ZIP_XML", 200_000)
    bomb = tmp_path / "bomb.ofd"
    bomb.write_bytes(repacked(rendered(REFERENCE_YAML).outputs["ofd"],
                              {"Doc_0/Extra.xml": b" " * 300_000}))
    with zipfile.ZipFile(bomb) as z:  # small on disk, large inflated
        assert z.getinfo("Doc_0/Extra.xml").compress_size < 1000
    for code, out in refusals(bomb):
        assert code == 2 and "OFD中的 Doc_0/Extra.xml 解压后过大" in out, out
        assert "300000 字节，上限 200000 字节" in out, out


def test_a_doctype_in_an_ofd_is_refused(tmp_path: Path) -> None:
    data = rendered(REFERENCE_YAML).outputs["ofd"]
    entity = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
    document = parts(data)["Doc_0/Document.xml"].split(b"?>", 1)[1]
    path = tmp_path / "doctype.ofd"
    path.write_bytes(repacked(data, {"Doc_0/Document.xml": entity + document}))
    for code, out in refusals(path):
        assert code == 2 and "Doc_0/Document.xml 含有 DOCTYPE 声明" in out, out


def test_ofd_size_and_pages_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gongwen import limits

    path = tmp_path / "x.ofd"
    path.write_bytes(rendered(REFERENCE_YAML).outputs["ofd"])
    monkeypatch.setattr(limits, "MAX_PDF_PAGES", 2)
    for code, out in refusals(path):
        assert code == 2 and "OFD 页数过多（6 页，上限 2 页）" in out, out
    monkeypatch.setattr(limits, "MAX_OFD_BYTES", 10_000)
    code, out = refusals(path)[0]
    assert code == 2 and "OFD 文件太大" in out and "上限" in out


def test_a_step_repeated_a_quadrillion_times_is_cut_to_the_text(tmp_path: Path) -> None:
    """``DeltaX="g 1e15 5.6"`` asks for 10^15 steps: the reader takes as many as the
    TextCode has characters, and reads the page as before."""
    from gongwen.check import check_file

    data = rendered(REFERENCE_YAML).outputs["ofd"]
    page = parts(data)["Doc_0/Pages/Page_0/Content.xml"]
    first = page.index(b'DeltaX="') + len(b'DeltaX="')
    steps = page[first:page.index(b'"', first)]
    assert set(steps.split()) == {b"5.571", b"5.572"}
    path = tmp_path / "g.ofd"
    bomb = page[:first] + b"g 1e15 5.5715" + page[first + len(steps):]
    path.write_bytes(repacked(data, {"Doc_0/Pages/Page_0/Content.xml": bomb}))
    (tmp_path / "x.ofd").write_bytes(data)
    report, before = check_file(path), check_file(tmp_path / "x.ofd")
    assert findings(report) == findings(before)


def test_render_to_a_file_named_ofd(tmp_path: Path) -> None:
    """``-o reply.ofd`` names the one format, as ``-o reply.pdf`` does: the OFD file itself,
    with or without ``--format ofd``; the same bytes as the API's."""
    from .conftest import invoke

    expected = rendered(REFERENCE_YAML).outputs["ofd"]
    for extra in ([], ["--format", "ofd"]):
        target = tmp_path / f"reply{len(extra)}.ofd"
        code, out = invoke("render", REFERENCE_YAML, "-o", target, "--fonts", "open", *extra)
        assert code == 0, out
        assert target.is_file() and target.read_bytes() == expected
    code, out = invoke("render", REFERENCE_YAML, "-o", tmp_path / "x.ofd", "--format", "pdf")
    assert code == 2 and "文件名是 .ofd，而 --format 是 pdf" in out
    code, out = invoke("render", REFERENCE_YAML, "-o", tmp_path / "all", "--fonts", "open")
    assert code == 0 and sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "zhuzhou-fgw-2022-reply.docx", "zhuzhou-fgw-2022-reply.pdf"]  # the default formats


def test_diff_compares_an_ofd_with_its_letter(tmp_path: Path) -> None:
    """``gongwen diff`` names the OFD as such, finds its text identical to the letter's and,
    with ``--layout``, its pages (the OFD's own geometry) identical to the letter's layout;
    ``--visual`` overlays PDF pages only and says so."""
    from .conftest import invoke

    ofd = tmp_path / "reply.ofd"
    ofd.write_bytes(rendered(REFERENCE_YAML).outputs["ofd"])
    code, out = invoke("diff", REFERENCE_YAML, ofd)
    assert code == 0 and "OFD，20" in out and "相同" in out, out
    code, out = invoke("diff", REFERENCE_YAML, ofd, "--layout", "--fonts", "open")
    assert code == 0 and "版面相同" in out, out
    code, out = invoke("diff", REFERENCE_YAML, ofd, "--visual", tmp_path / "v", "--fonts", "open")
    assert code == 2 and f"{ofd}: --visual 叠印的是 PDF 页面" in out, out
