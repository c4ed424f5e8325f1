"""PDF export: draw the laid-out pages with reportlab.

Layout (``gongwen.layout``) decides every position, down to each glyph's; this module only
paints. Text goes through ``textOut`` on canvas text objects, never through Paragraph
markup, so letter text is never interpreted. Output is deterministic: ``invariant`` mode
(fixed dates and ID), subset names derived from a per-document counter, images named by
their content.
"""

from __future__ import annotations

import io
import threading
import zlib

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ..document import Document
from ..fonts import ResolvedFont, patch_reportlab
from ..layout import Layout, Page, Run
from . import ExportContext

PRODUCER = "gongwen"

_REGISTERED: dict[str, tuple[str, int]] = {}
_LOCK = threading.Lock()


def register_font(face: ResolvedFont) -> str:
    """Register a ``ResolvedFont`` with reportlab once per process; returns its name."""
    key = face.key
    source = (str(face.path), int(face.subfont_index))
    with _LOCK:
        known = _REGISTERED.get(key)
        if known == source:
            return key
        if known is not None:  # same key, another file: keep both distinct
            key = f"{key}-{zlib.crc32(repr(source).encode()):08x}"
            if _REGISTERED.get(key) == source:
                return key
        pdfmetrics.registerFont(TTFont(key, source[0], subfontIndex=source[1]))
        _REGISTERED[key] = source
    return key


def _color(hex6: str) -> Color:
    return HexColor("#" + hex6.lstrip("#"))


def _draw_run(c: Canvas, run: Run, font: str, height: float) -> None:
    """Draw one run. With extra spacing each glyph gets its own text origin (the layout's
    ``Run.xs``): readers disagree on whether ``Tc`` applies after a string's last glyph,
    and reportlab splits strings at subset boundaries, so absolute positions are the only
    portable form."""
    t = c.beginText()
    t.setFont(font, run.size)
    t.setFillColor(_color(run.color))
    y = height - run.y
    if abs(run.char_space) < 1e-9:
        t.setTextOrigin(run.x, y)
        t.textOut(run.text)
    else:
        for ch, x in zip(run.text, run.xs, strict=True):
            t.setTextOrigin(x, y)
            t.textOut(ch)
    c.drawText(t)


def export(layout: Layout, doc: Document, ctx: ExportContext) -> bytes:
    """The exporter of format ``pdf`` (see :mod:`gongwen.export`)."""
    return draw_layout(layout, title=doc.title, author=doc.author)


def draw_layout(layout: Layout, *, title: str = "", author: str = "") -> bytes:
    """Paint a :class:`~gongwen.layout.Layout` to PDF bytes."""
    patch_reportlab()  # correct ToUnicode for characters beyond U+FFFF
    names = {key: register_font(face) for key, face in layout.fonts.items()}
    buf = io.BytesIO()
    first = layout.pages[0] if layout.pages else Page(1, None, ())
    c = Canvas(
        buf,
        pagesize=(first.width, first.height),
        invariant=1,
        pageCompression=1,
        initialFontName=next(iter(sorted(names.values())), "Helvetica"),
    )
    c.setTitle(title)
    c.setAuthor(author)
    c.setCreator(PRODUCER)
    c.setProducer(PRODUCER)
    c.setSubject("")
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
        for run in page.runs:
            _draw_run(c, run, names[run.font], h)
        c.showPage()
    c.save()
    return buf.getvalue()
