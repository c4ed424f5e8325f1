"""A DOCX's paragraphs in reading order, those in table cells included: gongwen's DOCX puts
the 署名 block and the 版头 row in tables, which python-docx's ``Document.paragraphs`` skips,
and the 署名 block and run-in headings in markup-compatibility blocks, which
``Document.iter_inner_content`` skips."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def paragraphs_in_order(document: Any) -> Iterator[Any]:
    """Body paragraphs and table-cell paragraphs in document order, each merged cell once,
    those of the markup-compatibility blocks' choices (Word's copy) included."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    def walk(parent: Any) -> Iterator[Any]:
        for child in parent:
            if child.tag == W_P:
                yield Paragraph(child, document._body)
            elif child.tag == W_TBL:
                seen = set()
                for row in Table(child, document._body).rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            yield from cell.paragraphs
            elif child.tag == MC_ALTERNATE:
                yield from walk(child[0])  # mc:Choice

    yield from walk(document.element.body)


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_TBL = f"{W}p", f"{W}tbl"
MC_ALTERNATE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"


def set_signature(p: Any, name: str) -> None:
    """A 署名 paragraph's text (up to a tab or line break: in LibreOffice's framed copy the
    date follows) replaced by ``name``; the first run keeps its properties."""
    runs = p.findall(f"{W}r")
    runs[0].find(f"{W}t").text = name
    for r in runs[1:]:
        if r.find(f"{W}tab") is not None or r.find(f"{W}br") is not None:
            break
        p.remove(r)
