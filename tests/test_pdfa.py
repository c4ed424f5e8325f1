"""PDF/A-2b output (``--pdfa``, ``options.pdf_standard``), checked requirement by requirement
with pikepdf, and as a whole by pikepdf's PDF/A validator (the veraPDF rule catalogue)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest
from pikepdf import pdfa
from PIL import Image

import gongwen
from benchmarks.generate import generate
from gongwen.check import check_file
from gongwen.check.pdfa import check_pdfa
from gongwen.errors import GongwenError
from gongwen.export.pdfmeta import drop_cidsets

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT
from .test_ofd import seal_png

PDFA = {"pdf_standard": "PDF/A-2b"}


@cache
def pdf_of(path: Path, seal: bool = False, standard: bool = True) -> bytes:
    letter = gongwen.load(path)
    result = gongwen.render(letter, ["pdf"], fonts="open", seal=seal_png() if seal else None,
                            options=PDFA if standard else None)
    return result.outputs["pdf"]


@pytest.fixture(scope="module", params=["reference", "letter-format-with-seal", "benchmark"])
def pdfa_bytes(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if request.param == "reference":
        return pdf_of(REFERENCE_YAML)
    if request.param == "letter-format-with-seal":
        return pdf_of(EXAMPLE_LETTER, seal=True)
    (path,) = generate(tmp_path_factory.mktemp("bench"), 3)[2:]  # 文件格式, 版记, 3 pages
    return pdf_of(path)


def test_the_validator_passes_it(pdfa_bytes: bytes) -> None:
    report = pdfa.validate_written(io.BytesIO(pdfa_bytes), "2b")
    assert report.passed, report.summary()


def test_identification_and_metadata_agree(pdfa_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdfa_bytes)) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        info = pdf.docinfo
        assert str(info["/Author"]) == meta["dc:creator"][0]
        assert str(info["/Subject"]) == meta["dc:description"]
        assert str(info["/Keywords"]) == meta["pdf:Keywords"]
        assert str(info["/Creator"]) == meta["xmp:CreatorTool"] == "gongwen"
        assert str(info["/Producer"]) == meta["pdf:Producer"] == "gongwen"
        assert meta["xmp:CreateDate"] == meta["xmp:ModifyDate"] == meta["xmp:MetadataDate"]
        assert str(info["/CreationDate"]).startswith("D:" + meta["xmp:CreateDate"][:10]
                                                     .replace("-", ""))
        if "/Title" in info:
            assert str(info["/Title"]) == meta["dc:title"]
        assert pdf.Root.Lang == "zh-CN" and meta["dc:language"] == {"zh-CN"}
        assert "/Filter" not in pdf.Root.Metadata  # the packet stays readable as text


def test_output_intent_is_srgb(pdfa_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdfa_bytes)) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        profile = intent.DestOutputProfile
        data = profile.read_bytes()
        assert profile.N == 3 and data[36:40] == b"acsp" and data[16:20] == b"RGB "


def test_fonts_embedded_with_unicode_maps(pdfa_bytes: bytes) -> None:
    with pikepdf.open(io.BytesIO(pdfa_bytes)) as pdf:
        fonts = {f.objgen: f for page in pdf.pages for f in page.Resources.Font.values()}
        assert fonts
        for font in fonts.values():
            assert font.Subtype in ("/TrueType", "/Type0")
            desc = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font \
                else font.FontDescriptor
            assert "/FontFile2" in desc
            assert "/ToUnicode" in font


def test_no_transparency_group_encryption_or_script(pdfa_bytes: bytes) -> None:
    """The only transparency is the seal image's soft mask, which PDF/A-2 allows."""
    with pikepdf.open(io.BytesIO(pdfa_bytes)) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
        assert len(pdf.trailer.ID) == 2
        assert "/Names" not in pdf.Root and "/AA" not in pdf.Root
        assert "/OpenAction" not in pdf.Root
        masks = 0
        for page in pdf.pages:
            assert "/Group" not in page.obj and "/AA" not in page.obj
            for image in page.get_images().values():
                masks += "/SMask" in image
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/S") != "/JavaScript"
                assert obj.get("/Type") != "/ExtGState" or "/SMask" not in obj
        assert masks <= 1


def test_self_check_lists_every_requirement_met(pdfa_bytes: bytes) -> None:
    part, requirements = check_pdfa(pdfa_bytes)
    assert part == 2
    assert {r.rule for r in requirements} >= {
        "pdfa-identification", "pdfa-metadata", "pdfa-output-intent", "pdfa-fonts-embedded",
        "pdfa-tounicode", "pdfa-tounicode-complete", "pdfa-transparency", "pdfa-encryption",
        "pdfa-actions", "pdfa-file-id", "pdfa-validator"}
    assert [r for r in requirements if not r.passed] == []


def test_self_check_fails_an_ordinary_pdf() -> None:
    _, requirements = check_pdfa(pdf_of(REFERENCE_YAML, standard=False))
    failed = {r.rule for r in requirements if not r.passed}
    assert failed == {"pdfa-identification", "pdfa-metadata", "pdfa-output-intent",
                      "pdfa-validator"}


def test_self_check_catches_a_broken_pdfa() -> None:
    """An unembedded font, a script run on opening, a lost identification: each is found."""
    with pikepdf.open(io.BytesIO(pdf_of(REFERENCE_YAML))) as pdf:
        font = next(iter(pdf.pages[0].Resources.Font.values()))
        cid_font = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        del cid_font.FontDescriptor["/FontFile2"]
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            del meta["pdfaid:part"]
        out = io.BytesIO()
        pdf.save(out)
    _, requirements = check_pdfa(out.getvalue())
    failed = {r.rule for r in requirements if not r.passed}
    assert {"pdfa-identification", "pdfa-fonts-embedded", "pdfa-actions",
            "pdfa-validator"} <= failed


def test_pdfa_1b_would_need_the_seal_flattened() -> None:
    """Why PDF/A-2b: prepared the same way, the letter with a seal passes PDF/A-2b and fails
    PDF/A-1b, only because the seal's alpha channel is a soft mask (ISO 19005-1 6.4)."""
    verdicts = {}
    for flavour in ("1b", "2b"):
        with pikepdf.open(io.BytesIO(pdf_of(EXAMPLE_LETTER, seal=True, standard=False))) as pdf:
            for page in pdf.pages:
                if "/Trans" in page.obj:  # reportlab's empty transition, removed for PDF/A too
                    del page.obj["/Trans"]
            drop_cidsets(pdf)  # as for PDF/A-2b
            pdfa.prepare(pdf, flavour)
            verdicts[flavour] = pdfa.check(pdf, flavour)
    assert verdicts["2b"].passed, verdicts["2b"].summary()
    assert {f.rule for f in verdicts["1b"].findings} == {"ISO_19005_1:6.4-2"}
    assert all("/SMask" in f.where for f in verdicts["1b"].findings)


def test_pages_look_the_same_as_the_ordinary_pdf() -> None:
    """PDF/A is a step after drawing: every page renders pixel for pixel as before."""
    plain = pdfium.PdfDocument(pdf_of(EXAMPLE_LETTER, seal=True, standard=False))
    archival = pdfium.PdfDocument(pdf_of(EXAMPLE_LETTER, seal=True))
    assert len(plain) == len(archival)
    for a, b in zip(plain, archival, strict=True):
        assert a.render(scale=1).to_pil().tobytes() == b.render(scale=1).to_pil().tobytes()


def test_same_letter_same_bytes() -> None:
    first = pdf_of(EXAMPLE_LETTER, seal=True)
    letter = gongwen.load(EXAMPLE_LETTER)
    again = gongwen.render(letter, ["pdf"], fonts="open", seal=seal_png(), options=PDFA)
    assert again.outputs["pdf"] == first


def test_letter_option_cli_flag_and_check(tmp_path: Path) -> None:
    text = REFERENCE_YAML.read_text(encoding="utf-8") + "options:\n  pdf_standard: PDF/A-2b\n"
    letter = tmp_path / "archival.yaml"
    letter.write_text(text, encoding="utf-8")
    run = [sys.executable, "-m", "gongwen.cli"]
    subprocess.run([*run, "render", str(letter), "-o", str(tmp_path / "a"), "--fonts", "open",
                    "--format", "pdf"], check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*run, "render", str(REFERENCE_YAML), "-o", str(tmp_path / "b"), "--fonts",
                    "open", "--format", "pdf", "--pdfa"], check=True, cwd=ROOT,
                   capture_output=True)
    from_option = (tmp_path / "a" / "archival.pdf").read_bytes()
    from_flag = (tmp_path / "b" / "zhuzhou-fgw-2022-reply.pdf").read_bytes()
    assert from_option == from_flag == pdf_of(REFERENCE_YAML)
    out = subprocess.run([*run, "check", str(tmp_path / "b" / "zhuzhou-fgw-2022-reply.pdf"),
                          "--format", "json"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["measurements"]["pdfa"]["part"] == 2
    assert all(report["measurements"]["pdfa"]["requirements"].values())
    listed = [f for f in report["findings"] if f["rule"].startswith("pdfa-")]
    assert len(listed) == len(report["measurements"]["pdfa"]["requirements"])
    assert all(f["clause"] == "ISO 19005 PDF/A" and f["source"] == "pdfa" for f in listed)
    assert all(f["expected"].startswith("ISO 19005-2 ") for f in listed)
    assert {f["severity"] for f in listed} == {"info"}


def test_check_flags_a_pdf_that_is_not_pdfa_with_the_option(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(pdf_of(REFERENCE_YAML, standard=False))
    assert not any(r.startswith("pdfa-") for r in check_file(plain).rules())
    assert "pdfa-identification" in check_file(plain, pdfa=True).rules()


def test_a_cmyk_seal_gives_a_valid_pdfa() -> None:
    """A CMYK scan is embedded as an RGB PNG (the seal checks convert it), so it meets the
    sRGB output intent; the PDF/A step would refuse a CMYK image that reached it."""
    im = Image.new("CMYK", (120, 120), (0, 200, 200, 0))
    buf = io.BytesIO()
    im.save(buf, "JPEG")
    letter = gongwen.load(EXAMPLE_LETTER)
    data = gongwen.render(letter, ["pdf"], fonts="open", seal=buf.getvalue(),
                          options=PDFA).outputs["pdf"]
    report = pdfa.validate_written(io.BytesIO(data), "2b")
    assert report.passed, report.summary()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        (image,) = [i for p in pdf.pages for i in p.get_images().values()]
        assert image.ColorSpace == pikepdf.Name.DeviceRGB
    plain = gongwen.render(letter, ["pdf"], fonts="open", seal=buf.getvalue())
    with pikepdf.open(io.BytesIO(plain.outputs["pdf"])) as pdf:
        page = pdf.pages[0]
        page.add_resource(pikepdf.Stream(pdf, b"\0" * 4, Width=1, Height=1, BitsPerComponent=8,
                                         ColorSpace=pikepdf.Name.DeviceCMYK,
                                         Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image),
                          pikepdf.Name.XObject, pikepdf.Name("/Im99"))
        page.contents_add(pikepdf.Stream(pdf, b"q 1 0 0 1 0 0 cm /Im99 Do Q"))
        out = io.BytesIO()
        pdf.save(out)
    from gongwen.export.pdfmeta import to_pdfa

    with pytest.raises(GongwenError, match="CMYK"):
        to_pdfa(out.getvalue(), plain.document.metadata)


def test_batch_writes_ofd_and_pdfa(tmp_path: Path) -> None:
    """``gongwen batch --format pdf,ofd --pdfa``: each letter's OFD, and its PDF as PDF/A,
    the same bytes as a single render; the option is part of what ``--changed`` compares."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ref.yaml").write_text(REFERENCE_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    run = [sys.executable, "-m", "gongwen.cli", "batch", str(folder), "-o", str(tmp_path / "out"),
           "--format", "pdf,ofd", "--fonts", "open", "-j", "1", "--no-progress"]
    subprocess.run([*run, "--pdfa"], check=True, cwd=ROOT, capture_output=True)
    assert (tmp_path / "out" / "ref.pdf").read_bytes() == pdf_of(REFERENCE_YAML)
    single = gongwen.render(gongwen.load(REFERENCE_YAML), ["ofd"], fonts="open")
    assert (tmp_path / "out" / "ref.ofd").read_bytes() == single.outputs["ofd"]
    again = subprocess.run([*run, "--changed"], check=True, cwd=ROOT, capture_output=True,
                           text=True)
    assert "rendered" in again.stderr  # without --pdfa the PDF is made again
    assert (tmp_path / "out" / "ref.pdf").read_bytes() == pdf_of(REFERENCE_YAML, standard=False)
