"""Read an OFD with a third-party reader, easyofd (PyPI), as a check independent of gongwen.

easyofd parses the package with xmltodict into text cells (each ``TextCode`` with its
``TextObject``'s Boundary, font, size and colour), paths and images, and draws that into a
PDF with reportlab. Two quirks are handled here, nowhere else:

- it works in the current directory (it writes the package and the embedded fonts there
  and deletes them): every call runs in a fresh temporary directory;
- it draws every glyph in a reportlab font named 宋体 at the positions the OFD gives and
  ignores the embedded fonts (on Windows that name is SimSun): the bundled FandolSong is
  registered under that name, so glyph shapes are Song whatever the face, but positions
  and sizes are the OFD's.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gongwen.spec import mm

from .conftest import ROOT

RENDER_FONT = "宋体"  # the one font easyofd draws text with
PT_PER_UNIT = 72 / 200  # easyofd's PDF is drawn in 1/200-inch units (its OP = 200 / 25.4 mm)


@contextlib.contextmanager
def _scratch() -> Iterator[None]:
    old = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="easyofd-") as tmp:
        os.chdir(tmp)
        try:
            yield
        finally:
            os.chdir(old)


def _quiet() -> None:
    """Silence easyofd: its logging, and PyMuPDF's warning that easyofd imports it as fitz."""
    import warnings

    from loguru import logger

    logger.remove()
    logging.getLogger("root").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        import easyofd  # noqa: F401


def _register_render_font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if RENDER_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(RENDER_FONT, str(ROOT / "fonts" / "FandolSong-Regular.ttf")))


@dataclass(frozen=True)
class OfdGlyph:
    """A glyph as easyofd places it: character, origin x and baseline y, both in points."""

    text: str
    x: float
    y: float
    size: float


def parse(data: bytes) -> list[dict[str, Any]]:
    """easyofd's reading of the package: a list (one per document) of its parse result."""
    _quiet()
    from easyofd.parser_ofd import OFDParser

    with _scratch():
        return OFDParser(base64.b64encode(data).decode())()


def page_texts(data: bytes) -> list[str]:
    """Each page's text as easyofd reads it: the TextCodes in document order."""
    doc = parse(data)[0]
    return ["".join(c["text"] for c in page["text_list"])
            for _, page in sorted(doc["page_info"].items())]


def page_glyphs(data: bytes) -> list[list[OfdGlyph]]:
    """Each page's glyphs where easyofd's own arithmetic (``DrawPDF.cmp_offset``: Boundary,
    TextCode X/Y and DeltaX, ``g`` repeats included) puts them."""
    from easyofd.draw.draw_pdf import DrawPDF

    parsed = parse(data)
    drawer = DrawPDF(parsed)
    pages = []
    for _, page in sorted(parsed[0]["page_info"].items()):
        glyphs = []
        for cell in page["text_list"]:
            text = cell["text"]
            xs = drawer.cmp_offset(cell["pos"][0], cell["X"], cell["DeltaX"], text, {}, "X")
            ys = drawer.cmp_offset(cell["pos"][1], cell["Y"], cell["DeltaY"], text, {}, "Y")
            glyphs += [OfdGlyph(ch, mm(x), mm(y), mm(cell["size"]))
                       for ch, x, y in zip(text, xs, ys, strict=False)]
        pages.append(glyphs)
    return pages


def render(data: bytes, dpi: float) -> list[Any]:
    """easyofd's rendering of the package, page images (greyscale PIL) at ``dpi``."""
    import pypdfium2 as pdfium

    _quiet()
    from easyofd import OFD

    _register_render_font()
    with _scratch():
        reader = OFD()
        reader.read(data, fmt="binary")
        pdf = reader.to_pdf()
    scale = dpi / 72 * PT_PER_UNIT
    return [p.render(scale=scale).to_pil().convert("L") for p in pdfium.PdfDocument(pdf)]


def from_pdf(pdf: bytes) -> bytes:
    """easyofd's own OFD of a PDF (each page an image, in easyofd's XML namespace)."""
    _quiet()
    from easyofd import OFD

    with _scratch():
        return OFD().pdf2ofd(pdf, optional_text=False)
