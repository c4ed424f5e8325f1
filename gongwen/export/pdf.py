"""PDF export: draw the laid-out pages with reportlab.

Layout (``gongwen.layout``) decides every position, down to each glyph's; this module only
paints. reportlab's canvas and object model make the page tree, the Info dictionary, the
cross-reference table, the rules and the images; the text is written here as content
operators, for a CJK grid: one ``BT``/``ET`` per line, and per run one ``Tm`` at its first
glyph and one ``TJ`` array of 2-byte CIDs, with a kerning number wherever the layout put a
glyph elsewhere than the previous one's advance (justification, squeezed punctuation).
Fonts are one ``Type0``/``CIDFontType2`` per face (:mod:`.pdffont`). Letter text is never
interpreted. Output is deterministic: ``invariant`` mode (a fixed ID), dates from the letter
(metadata: :mod:`.pdfmeta`), subset tags derived from the glyph sets, images named by their
content.
"""

from __future__ import annotations

import io

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ..document import Document
from ..errors import GongwenError
from ..fontdata import face_data
from ..layout import Layout, Page, Run
from ..metadata import Metadata
from . import ExportContext
from .pdffont import FaceFont
from .pdfmeta import PDF_STANDARDS, PDFA_2B, set_info, to_pdfa


class _Canvas(Canvas):
    """reportlab's canvas without its initial font (a Helvetica nobody draws with)."""

    def _make_preamble(self) -> None:
        self._preamble = "1 0 0 1 0 0 cm"


def _color(hex6: str) -> Color:
    return HexColor("#" + hex6.lstrip("#"))


_NUMBERS: dict[float, str] = {}


def _n(v: float) -> str:
    """A coordinate or kerning number: at most 3 decimals (the grid's positions recur from
    letter to letter, so each is formatted once per process)."""
    s = _NUMBERS.get(v)
    if s is None:
        if len(_NUMBERS) >= 65536:
            _NUMBERS.clear()
        r = round(v, 3)
        s = _NUMBERS[v] = str(int(r)) if r == int(r) else repr(r)
    return s


_RGB: dict[str, str] = {}


def _fill(hex6: str) -> str:
    op = _RGB.get(hex6)
    if op is None:
        c = _color(hex6)
        op = _RGB[hex6] = f"{_n(c.red)} {_n(c.green)} {_n(c.blue)} rg"
    return op


def _text_ops(runs: tuple[Run, ...], fonts: dict[str, tuple[str, FaceFont]], h: float) -> str:
    """A page's text as content operators: one text object per baseline."""
    out: list[str] = []
    y_open: float | None = None
    state: tuple[str, float] | None = None
    fill = ""
    for run in runs:
        if run.y != y_open:
            if y_open is not None:
                out.append("ET")
            out.append("BT")
            y_open = run.y
        name, font = fonts[run.font]
        if state != (name, run.size):
            state = (name, run.size)
            out.append(f"/{name} {_n(run.size)} Tf")
        if run.color != fill:
            fill = run.color
            out.append(_fill(fill))
        out.append(f"1 0 0 1 {_n(run.x)} {_n(h - run.y)} Tm")
        out.append(_tj(run, font))
    if y_open is not None:
        out.append("ET")
    return "\n".join(out)


def _tj(run: Run, font: FaceFont) -> str:
    """One ``TJ`` of a run: its CIDs, with the run's extra spacing between glyphs as a
    kerning number (thousandths of the size). Each glyph of a run stands at the previous
    one's origin plus its advance (the widths of ``/W``) plus ``Run.char_space``."""
    codes = map(font.hex.__getitem__, run.text)
    if not run.char_space or len(run.text) == 1:
        return f"[<{''.join(codes)}>]TJ"
    kern = _n(-run.char_space * 1000 / run.size)
    return f"[<{f'>{kern}<'.join(codes)}>]TJ"


def _fonts(layout: Layout, doc) -> dict[str, tuple[str, FaceFont]]:
    """Each face's :class:`FaceFont` under its resource name (F1, F2 … in key order),
    registered with reportlab's document."""
    chars: dict[str, set[str]] = {}
    for page in layout.pages:
        for run in page.runs:
            chars.setdefault(run.font, set()).update(run.text)
    out: dict[str, tuple[str, FaceFont]] = {}
    resources = doc.idToObject["BasicFonts"].dict
    for n, key in enumerate(sorted(chars), start=1):
        face = layout.fonts[key]
        font = FaceFont(face_data(face.path, face.subfont_index), chars[key])
        name = f"F{n}"
        resources[name] = doc.Reference(font.objects(doc), name)
        out[key] = (name, font)
    return out


def export(layout: Layout, doc: Document, ctx: ExportContext) -> bytes:
    """The exporter of format ``pdf`` (see :mod:`gongwen.export`). Option
    ``pdf_standard``: ``"PDF/A-2b"`` makes the file PDF/A-2b (:mod:`.pdfmeta`)."""
    data = draw_layout(layout, doc.metadata)
    standard = ctx.options.get("pdf_standard")
    if standard is None:
        return data
    if standard != PDFA_2B:
        raise GongwenError(f"未知的 PDF 标准 {standard}；可用：{', '.join(PDF_STANDARDS)}")
    return to_pdfa(data, doc.metadata)


def draw_layout(layout: Layout, metadata: Metadata | None = None) -> bytes:
    """Paint a :class:`~gongwen.layout.Layout` to PDF bytes."""
    metadata = metadata or Metadata()
    buf = io.BytesIO()
    first = layout.pages[0] if layout.pages else Page(1, None, ())
    c = _Canvas(buf, pagesize=(first.width, first.height), invariant=1, pageCompression=1,
                lang=metadata.language)
    set_info(c, metadata)
    fonts = _fonts(layout, c._doc)
    for page in layout.pages:
        h = page.height
        c.setPageSize((page.width, h))
        for rule in page.rules:
            c.setStrokeColor(_color(rule.color))
            c.setLineWidth(rule.width)
            c.setLineCap(0)
            c.line(rule.x0, h - rule.y0, rule.x1, h - rule.y1)
        for img in page.images:  # the seal beneath the text, which stays legible
            c.drawImage(
                ImageReader(io.BytesIO(img.data)),
                img.x,
                h - img.y - img.height,
                img.width,
                img.height,
                mask="auto",
                preserveAspectRatio=True,
                anchor="c",
            )
        if page.runs:
            c.addLiteral(_text_ops(page.runs, fonts, h))
        c.showPage()
    c.save()
    return buf.getvalue()
