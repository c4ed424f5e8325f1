"""A DOCX's paragraphs in reading order, those in table cells included: gongwen's DOCX puts
the 署名 block and the 版头 row in tables, which python-docx's ``Document.paragraphs`` skips."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def paragraphs_in_order(document: Any) -> Iterator[Any]:
    """Body paragraphs and table-cell paragraphs in document order, each merged cell once."""
    from docx.text.paragraph import Paragraph

    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
            continue
        seen = set()
        for row in item.rows:
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    yield from cell.paragraphs
