"""The DOCX writer builds the parts every letter shares once per process: the bytes are the
ones python-docx's package gives when every part is built for the letter."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gongwen.compose import compose
from gongwen.document import LetterFormat
from gongwen.export import ExportContext
from gongwen.export import docx as docx_export
from gongwen.fonts import load_fontset
from gongwen.layout import layout_document
from gongwen.loader import load_letter
from gongwen.ooxml import writer as ox

from .conftest import ROOT


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> list[Path]:
    """The project's letters and a sample of the benchmark set (every element over it)."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    generated = generate(tmp_path_factory.mktemp("bench") / "letters", 24)
    return sorted((ROOT / "letters").rglob("*.yaml")) + generated


@pytest.mark.parametrize("font_mode", ["open"])
def test_shared_parts_give_the_bytes_of_a_fresh_build(letters: list[Path], font_mode: str):
    ctx = ExportContext(load_fontset(font_mode))
    formats = set()
    for path in letters:
        doc = compose(load_letter(path), path.parent)
        layout = layout_document(doc, ctx.fonts)
        formats.add(doc.fmt)
        fresh = docx_export.export_package(layout, doc, ctx)
        assert docx_export.export(layout, doc, ctx) == fresh, path
        assert docx_export.export(layout, doc, ctx) == fresh, path  # the cache left unchanged
    assert formats == set(LetterFormat)  # each format has its own section and footers


def test_zip_writer_writes_what_rezip_writes() -> None:
    import io
    import zipfile

    parts = [("[Content_Types].xml", b"<Types/>" * 40), ("word/document.xml",
             "正文".encode() * 500), ("word/empty.xml", b"")]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts:
            z.writestr(name, data)
    written = ox.write_zip(ox.zip_entry(name, data) for name, data in parts)
    assert written == ox.rezip(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(written)) as z:
        assert z.testzip() is None
        assert [(n, z.read(n)) for n in z.namelist()] == parts
