"""Seal images: whatever the bytes, a located refusal or an image both exporters embed; an
ordinary CMYK scan works; broken images never reach the page as a grey block."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from gongwen.assets import seal_image
from gongwen.errors import LetterError
from gongwen.loader import load_letter_with_sources

from .conftest import SMALL_LETTER

LETTER = SMALL_LETTER + "  seal:\n    mode: image\n    image: {image}\n"


def _seal(mode: str = "RGB") -> Image.Image:
    colour = {"RGB": (200, 0, 0), "CMYK": (0, 255, 255, 0), "L": 80, "RGBA": (200, 0, 0, 255),
              "P": 1, "I;16": 3000}[mode]
    img = Image.new(mode, (64, 64), colour)
    for i in range(64):
        img.putpixel((i, i), {"RGB": (255, 255, 255), "CMYK": (0, 0, 0, 0), "RGBA": (0, 0, 0, 0)}
                     .get(mode, 0))
    return img


def _bytes(img: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def _letter(folder: Path, image: bytes, name: str = "seal.png") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(image)
    path = folder / "x.yaml"
    path.write_text(LETTER.format(image=name), encoding="utf-8")
    return path


def _checked(path: Path):
    letter, sources = load_letter_with_sources(path)
    return seal_image(letter, path.parent, sources)


def _embeddable(data: bytes) -> None:
    """Both exporters take the bytes: python-docx recognises them, reportlab reads the
    pixels, and they decode completely."""
    from docx.image.image import Image as DocxImage
    from reportlab.lib.utils import ImageReader

    DocxImage.from_blob(data)
    ImageReader(io.BytesIO(data)).getRGBData()
    with Image.open(io.BytesIO(data)) as img:
        img.load()


@pytest.mark.parametrize(("mode", "fmt"), [
    ("CMYK", "JPEG"), ("L", "JPEG"), ("RGB", "JPEG"), ("RGB", "PNG"), ("RGBA", "PNG"),
    ("P", "PNG"), ("L", "PNG"), ("I;16", "PNG"),
])
def test_ordinary_seal_images_embed(tmp_path: Path, mode: str, fmt: str) -> None:
    path = _letter(tmp_path, _bytes(_seal(mode), fmt), f"seal.{fmt.lower()}")
    seal = _checked(path)
    assert seal is not None
    _embeddable(seal.data)


def test_a_cmyk_scan_renders_in_its_colours(tmp_path: Path) -> None:
    """A CMYK JPEG (how seals are often scanned) is converted to an RGB PNG: red stays red in
    the PDF and in the DOCX."""
    from gongwen.pipeline import render_file

    path = _letter(tmp_path, _bytes(_seal("CMYK"), "JPEG", quality=95), "seal.jpg")
    _rendered, written = render_file(path, tmp_path / "out", fonts="open")
    import docx
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(written[0]))
    page = pdf[0].render(scale=2).to_pil().convert("RGB")
    colours = page.getcolors(maxcolors=1 << 24) or []
    reds = sum(n for n, (r, g, b) in colours if r > 200 and g < 60 and b < 60)
    assert reds > 1000
    media = [p for p in docx.Document(str(written[1])).part.package.parts
             if "media" in str(p.partname)]
    (part,) = media
    with Image.open(io.BytesIO(part.blob)) as img:
        assert img.format == "PNG" and img.mode == "RGB"
        assert img.getpixel((10, 40))[0] > 200 and img.getpixel((10, 40))[1] < 60


def test_the_seal_is_embedded_from_the_checked_bytes(tmp_path: Path) -> None:
    """The same letter and seal in two folders give the same PDF (the image is named by its
    content, not by the folder it was read from)."""
    from gongwen.pipeline import render_file

    image = _bytes(_seal("RGB"), "PNG")
    a = render_file(_letter(tmp_path / "a", image), tmp_path / "oa", fonts="open",
                    formats=["pdf"])[1][0]
    b = render_file(_letter(tmp_path / "b" / "deeper", image), tmp_path / "ob", fonts="open",
                    formats=["pdf"])[1][0]
    assert a.read_bytes() == b.read_bytes()


def test_a_seal_that_is_a_pipe_or_a_folder(tmp_path: Path) -> None:
    import os

    path = _letter(tmp_path, b"", "unused.png")
    os.mkfifo(tmp_path / "fifo.png")
    path.write_text(LETTER.format(image="fifo.png"), encoding="utf-8")
    with pytest.raises(LetterError, match="不是普通文件"):
        _checked(path)  # never blocks waiting for a writer
    (tmp_path / "dir.png").mkdir()
    path.write_text(LETTER.format(image="dir.png"), encoding="utf-8")
    with pytest.raises(LetterError, match="是目录"):
        _checked(path)


_VALID = [_bytes(_seal("RGB"), "PNG"), _bytes(_seal("RGB"), "JPEG"),
          _bytes(_seal("CMYK"), "JPEG"), _bytes(_seal("RGBA"), "PNG")]


@st.composite
def mutated_images(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_VALID)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[pos] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[pos:]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=64))
        elif data:
            del data[pos:pos + draw(st.integers(1, 64))]
    return bytes(data)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.one_of(mutated_images(), st.binary(max_size=256)))
def test_any_seal_bytes_are_refused_or_embeddable(tmp_path_factory, data: bytes) -> None:
    folder = tmp_path_factory.mktemp("seal")
    path = _letter(folder, data)
    try:
        seal = _checked(path)
    except LetterError as exc:
        assert str(exc).startswith(f"{path}:15:12: signature.seal.image: "), exc
        return
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert seal is not None
    _embeddable(seal.data)
