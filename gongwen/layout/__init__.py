"""The GB/T 9704 grid typesetter: a composed :class:`~gongwen.document.Document` and a
:class:`~gongwen.fonts.FontSet` in, a :class:`Layout` out. Pure Python (no reportlab).

The layout is the pipeline's product: every exporter reads it and none lays out again.

- :mod:`.text`: clusters, line breaking on the character grid, GB/T 15834 kinsoku (push in
  by squeezing punctuation, else pull down), justification, balanced titles. Its glyphs are
  shared (one per character, role, size and colour in a font set) and a set line is two
  arrays, x and glyph; per-glyph objects are never made per occurrence.
- :mod:`.pages`: 版头 (信函格式, 文件格式), the 22-line flow with keep-with-next, the
  signature block, 版记, page numbers.
- :mod:`.model`: the result types.

Coordinates: points, origin at the page's top-left corner, y downwards; ``Run.y`` is the
baseline. ``layout_document(doc, fontset) -> Layout``. ``Layout.pages[i]`` carries its size,
``runs`` (text to draw, each glyph's x and advance, the face in ``Layout.fonts``), ``rules``,
``images``, ``lines`` (each typeset line with its block, measure, alignment and source
offsets) and ``regions`` (版头, flow, 版记 with the blocks placed in them);
``Layout.signature`` records the signature block, ``Layout.warnings`` the fallback
characters, ``Layout.loose`` the lines that stayed loose.
"""

from .model import (
    EM_ASCENT,
    EM_DESCENT,
    Image,
    Layout,
    LayoutWarning,
    Line,
    LooseLine,
    Page,
    Part,
    Region,
    Rule,
    Run,
    SignatureBlock,
    SignaturePlace,
    place_signature,
)
from .pages import layout_document

__all__ = [
    "EM_ASCENT",
    "EM_DESCENT",
    "Image",
    "Layout",
    "LayoutWarning",
    "Line",
    "LooseLine",
    "Page",
    "Part",
    "Region",
    "Rule",
    "Run",
    "SignatureBlock",
    "SignaturePlace",
    "layout_document",
    "place_signature",
]
