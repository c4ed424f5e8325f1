"""SVG export: each laid-out page as an SVG drawing, glyphs as their outlines.

The page is painted from the layout exactly as :mod:`gongwen.export.pdf` paints it: rules,
then images (the seal beneath the text), then every glyph of every run at the layout's x and
baseline, in the run's face, size and colour. A glyph is drawn as its outline, read with
fontTools from the very font file the PDF embeds and looked up through the same cmap, so the
SVG shows what the PDF shows without sending a font file anywhere: an outline is defined
once (``<path id="g…">`` in font units) and placed with ``<use>`` and a scale.

:func:`export` (format ``svg``) writes one self-contained SVG file per page.
:func:`page_svg` lets a caller that shows many pages at once (the web preview) keep the
outlines apart: it draws a page that refers to outlines by id, and :func:`glyph_outline`
gives each outline's path data once.
"""

from __future__ import annotations

import base64
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from ..document import Document
from ..fonts import ResolvedFont
from ..layout import Layout, Page, Run
from . import ExportContext

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True, slots=True)
class _Face:
    """A font file's cmap, outlines and units per em, loaded once per process."""

    cmap: dict[int, str]
    glyph_ids: dict[str, int]
    glyphs: object  # fontTools glyph set
    upem: int
    prefix: str  # id prefix, stable for the file and face index


_FACES: dict[tuple[str, int], _Face] = {}
_OUTLINES: dict[tuple[str, int], str] = {}  # glyph id → path data ("" for an empty glyph)
_LOCK = threading.Lock()


def _face(face: ResolvedFont) -> _Face:
    key = (str(face.path), int(face.subfont_index))
    with _LOCK:
        found = _FACES.get(key)
        if found is None:
            from fontTools.ttLib import TTFont

            font = TTFont(str(face.path), fontNumber=face.subfont_index, lazy=True)
            order = font.getGlyphOrder()
            found = _Face(
                cmap=font.getBestCmap() or {},
                glyph_ids={name: i for i, name in enumerate(order)},
                glyphs=font.getGlyphSet(),
                upem=font["head"].unitsPerEm,
                prefix=f"g{zlib.crc32(repr(key).encode()):08x}",
            )
            _FACES[key] = found
    return found


def glyph_id(face: ResolvedFont, ch: str) -> tuple[str, float]:
    """The id of the outline drawing ``ch`` in ``face`` (its .notdef glyph when the cmap
    lacks it, as a PDF viewer would draw) and the face's units per em."""
    f = _face(face)
    name = f.cmap.get(ord(ch), ".notdef")
    return f"{f.prefix}-{f.glyph_ids.get(name, 0)}", f.upem


def glyph_outline(face: ResolvedFont, ch: str) -> tuple[str, str]:
    """``(id, path data)`` of the glyph drawing ``ch``, in font units, y up; the path data
    is empty for a glyph that draws nothing (a space)."""
    gid, _ = glyph_id(face, ch)
    with _LOCK:
        known = _OUTLINES.get(gid)
    if known is not None:
        return gid, known
    from fontTools.pens.svgPathPen import SVGPathPen

    f = _face(face)
    name = f.cmap.get(ord(ch), ".notdef")
    with _LOCK:
        glyphs = f.glyphs  # fontTools' lazy tables are not safe to fill from two threads
        pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:g}")
        glyphs[name].draw(pen)  # type: ignore[index]
        data = _OUTLINES[gid] = pen.getCommands()
    return gid, data


def _num(v: float) -> str:
    """A coordinate with 3 decimals, trailing zeros dropped (deterministic and short)."""
    text = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _image_href(data: bytes) -> str:
    kind = "image/jpeg" if data.startswith(b"\xff\xd8") else "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class PageDrawing:
    """One page as SVG markup and the outlines (id → (face, character)) it refers to."""

    svg: str
    glyphs: dict[str, tuple[ResolvedFont, str]]


def page_svg(layout: Layout, page: Page, *, width: str | None = None) -> PageDrawing:
    """Draw ``page`` as an ``<svg>`` element whose glyphs are ``<use href="#id">`` of
    outlines defined elsewhere (see :func:`glyph_outline`); ``width`` sets its CSS width
    (default: the page's size in points)."""
    w, h = page.width, page.height
    size = f'width="{width}"' if width else f'width="{_num(w)}pt" height="{_num(h)}pt"'
    out = [
        f'<svg xmlns="{SVG_NS}" {size} viewBox="0 0 {_num(w)} {_num(h)}" '
        f'data-page="{page.number}">',
        f'<rect width="{_num(w)}" height="{_num(h)}" fill="#fff"/>',
    ]
    for r in page.rules:
        out.append(
            f'<line x1="{_num(r.x0)}" y1="{_num(r.y0)}" x2="{_num(r.x1)}" y2="{_num(r.y1)}" '
            f'stroke="#{r.color}" stroke-width="{_num(r.width)}"/>'
        )
    for im in page.images:
        out.append(
            f'<image x="{_num(im.x)}" y="{_num(im.y)}" width="{_num(im.width)}" '
            f'height="{_num(im.height)}" href="{_image_href(im.data)}"/>'
        )
    used: dict[str, tuple[ResolvedFont, str]] = {}
    for run in page.runs:
        face = layout.font(run)
        xs = run.xs or _origins(layout, run)
        uses = []
        for ch, x in zip(run.text, xs, strict=True):
            if ch.isspace():  # a space draws nothing
                continue
            gid, upem = glyph_id(face, ch)
            used.setdefault(gid, (face, ch))
            s = _num(run.size / upem)
            uses.append(
                f'<use href="#{gid}" transform="matrix({s} 0 0 -{s} {_num(x)} {_num(run.y)})"/>'
            )
        out.append(f'<g fill="#{run.color}">{"".join(uses)}</g>')
    out.append("</svg>")
    return PageDrawing("".join(out), used)


def _origins(layout: Layout, run: Run) -> tuple[float, ...]:
    """Glyph origins of a run the layout gave without ``xs``: its x plus the advances."""
    xs, x = [], run.x
    for adv in run.advances or (0.0,) * len(run.text):
        xs.append(x)
        x += adv + run.char_space
    return tuple(xs)


def defs(glyphs: Iterable[tuple[ResolvedFont, str]]) -> str:
    """``<path id=… d=…/>`` for each outline, ready for a ``<defs>`` element."""
    out = []
    for face, ch in glyphs:
        gid, data = glyph_outline(face, ch)
        if data:
            out.append(f"<path id={quoteattr(gid)} d={quoteattr(data)}/>")
    return "".join(out)


def standalone(layout: Layout, page: Page) -> bytes:
    """One page as a complete SVG file: its outlines defined in its own ``<defs>``."""
    drawing = page_svg(layout, page)
    head, _, rest = drawing.svg.partition(">")
    body = f"{head}><defs>{defs(drawing.glyphs[g] for g in sorted(drawing.glyphs))}</defs>{rest}"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def export(layout: Layout, doc: Document, ctx: ExportContext) -> tuple[bytes, ...]:
    """The exporter of format ``svg``: one SVG file per page (``NAME-1.svg`` …)."""
    return tuple(standalone(layout, page) for page in layout.pages)

