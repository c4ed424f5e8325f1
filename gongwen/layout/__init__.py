"""The GB/T 9704 grid typesetter: a composed :class:`~gongwen.document.Document` and a
:class:`~gongwen.fonts.FontSet` in, pages of positioned glyph runs out. Pure Python (no
reportlab); exporters only draw the result.

- :mod:`.text`: clusters, line breaking on the character grid, GB/T 15834 kinsoku (push in
  by squeezing punctuation, else pull down), justification, balanced titles.
- :mod:`.pages`: 版头 (信函格式, 文件格式), the 22-line flow with keep-with-next, the
  signature block, 版记, page numbers.
- :mod:`.model`: the result types.

Coordinates: points, origin at the page's top-left corner, y downwards; ``Run.y`` is the
baseline. ``layout_document(doc, fontset) -> Layout``; ``Layout.pages[i].lines`` describes
each typeset line for tests and checks, ``Layout.warnings`` lists fallback characters,
``Layout.loose`` the lines that stayed loose.
"""

from .model import Image, Layout, LayoutWarning, Line, LooseLine, Page, Rule, Run
from .pages import layout_document

__all__ = [
    "Image",
    "Layout",
    "LayoutWarning",
    "Line",
    "LooseLine",
    "Page",
    "Rule",
    "Run",
    "layout_document",
]
