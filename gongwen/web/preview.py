"""The preview: a letter's laid-out pages as SVG, from the layout the PDF is painted from.

Each page is drawn by :func:`gongwen.export.svg.page_svg` (glyph outlines from the fonts the
PDF embeds, at the layout's positions), so the preview shows what the PDF shows. A page of
the reference letter refers to some 300 outlines of about 2 KB each; an editing view keeps
the outlines it has been sent, and each answer carries only the ones it lacks (the server
remembers, per view, which it has sent). A page is sent with a hash, so the browser replaces
only the pages that changed.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..api import LoadedLetter
from ..errors import Problem
from ..export import svg
from ..layout import Layout, Page

MAX_VIEWS = 64  # editing views whose sent outlines are remembered


@dataclass
class Preview:
    """What one preview answer carries."""

    pages: list[dict[str, Any]]  # {svg, hash, lines: [{field, x0, top, x1, bottom}]}
    glyphs: dict[str, str]  # outline id → path data, the ones the view lacks
    warnings: list[Problem]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "glyphs": self.glyphs,
            "seconds": round(self.seconds, 3),
        }


class Previewer:
    """Renders previews; one render at a time (layout is CPU-bound and holds the GIL)."""

    def __init__(self, fonts: str = "auto"):
        self.fonts = fonts
        self._render_lock = threading.Lock()
        self._views: OrderedDict[str, set[str]] = OrderedDict()
        self._views_lock = threading.Lock()

    def _sent(self, view: str) -> set[str]:
        with self._views_lock:
            sent = self._views.pop(view, None)
            if sent is None:
                sent = set()
            self._views[view] = sent
            while len(self._views) > MAX_VIEWS:
                self._views.popitem(last=False)
            return sent

    def render(self, letter: LoadedLetter, view: str, known: list[str] | None = None) -> Preview:
        """Lay ``letter`` out and draw its pages; raises the render's ``LetterError``.
        A page whose hash is the one at its place in ``known`` (what the view shows) is
        sent without its SVG."""
        import gongwen

        started = time.perf_counter()
        with self._render_lock:
            rendered = gongwen.render(letter, [], fonts=self.fonts)
            pages, used = draw_pages(rendered.layout, rendered.document)
        for i, page in enumerate(pages):
            if known and i < len(known) and known[i] == page["hash"]:
                page["svg"] = None
        sent = self._sent(view)
        with self._views_lock:
            new = {gid: ref for gid, ref in used.items() if gid not in sent}
            sent.update(new)
        glyphs = {}
        for gid, (face, ch) in new.items():
            data = svg.glyph_outline(face, ch)[1]
            if data:
                glyphs[gid] = data
        return Preview(pages, glyphs, rendered.warnings, time.perf_counter() - started)

    def warm(self, letters: list[LoadedLetter]) -> None:
        """Read the outlines these letters use (fonts opened, glyphs drawn once), so the
        first preview of a letter like them is as quick as the following ones."""
        import gongwen

        for letter in letters:
            try:
                with self._render_lock:
                    layout = gongwen.render(letter, [], fonts=self.fonts).layout
                    _, used = draw_pages(layout, None)
                for face, ch in used.values():
                    svg.glyph_outline(face, ch)
            except Exception:  # a letter that does not render is reported when opened
                continue


_DRAWN: OrderedDict[tuple[Any, ...], svg.PageDrawing] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
MAX_DRAWN = 64  # pages whose SVG is kept: a page the edit left alone is not drawn again


def _drawing(layout: Layout, page: Page) -> svg.PageDrawing:
    """The page's SVG, from the cache when a page with the same drawing was drawn before."""
    faces = tuple(sorted({run.font: layout.fonts[run.font].path for run in page.runs}.items()))
    key = (page.width, page.height, page.runs, page.rules, page.images, faces)
    with _DRAWN_LOCK:
        found = _DRAWN.get(key)
        if found is not None:
            _DRAWN.move_to_end(key)
            return found
    drawing = svg.page_svg(layout, page, width="100%")
    with _DRAWN_LOCK:
        _DRAWN[key] = drawing
        while len(_DRAWN) > MAX_DRAWN:
            _DRAWN.popitem(last=False)
    return drawing


def draw_pages(layout: Layout, document: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every page's SVG (100 % wide), its hash, its text (for screen readers: the glyphs
    are outlines) and its lines' boxes with the field each line comes from; and the
    outlines used (id → (face, character))."""
    pages = []
    used: dict[str, Any] = {}
    blocks = document.blocks if document is not None else ()
    for page in layout.pages:
        drawing = _drawing(layout, page)
        used.update(drawing.glyphs)
        lines = []
        for ln in page.lines:
            where = blocks[ln.block].source if 0 <= ln.block < len(blocks) else ""
            lines.append({
                "field": where,
                "x0": round(ln.x0, 2),
                "x1": round(ln.xs[-1] + ln.advances[-1], 2) if ln.xs and ln.advances
                else round(ln.x1, 2),
                "top": round(ln.top, 2),
                "bottom": round(ln.bottom, 2),
            })
        digest = hashlib.sha1(drawing.svg.encode("utf-8")).hexdigest()
        text = "\n".join(ln.text for ln in page.lines)
        pages.append({"svg": drawing.svg, "hash": digest, "lines": lines, "text": text,
                      "width": page.width, "height": page.height})
    return pages, used
