"""The GB/T 9704 grid typesetter: a composed :class:`~gongwen.document.Document` and a
:class:`~gongwen.fonts.FontSet` in, pages of positioned glyph runs out. Pure Python (no
reportlab); exporters draw the result.

Coordinates: points, origin at the page's top-left corner, y downwards; ``Run.y`` is the
baseline. See :mod:`gongwen.layout.model`.
"""

from .model import Image, Layout, LayoutWarning, Line, Page, Rule, Run
from .pages import layout_document

__all__ = ["Image", "Layout", "LayoutWarning", "Line", "Page", "Rule", "Run", "layout_document"]
