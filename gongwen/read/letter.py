"""A letter YAML as a reading: loaded, composed, one paragraph per block with its role."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .model import Paragraph, Reading, RoleSource, Run, SourceKind, clean_paragraph

if TYPE_CHECKING:
    from ..document import Document


def document_paragraphs(doc: Document) -> tuple[Paragraph, ...]:
    """A composed :class:`~gongwen.document.Document` as paragraphs, spans as runs (the font
    role's name and the style's size)."""
    out = []
    for i, b in enumerate(doc.blocks):
        text = clean_paragraph(b.text)
        if text:
            runs = tuple(Run(s.text, b.font_of(s).value, b.style.size) for s in b.spans)
            out.append(Paragraph(text, b.role, f"第 {i + 1} 段", runs=runs, number=i + 1))
    return tuple(out)


def read_yaml(path: Path) -> Reading:
    """A letter file: load, compose, one paragraph per block with its role."""
    from ..compose import compose
    from ..loader import load_letter

    doc = compose(load_letter(path), path.parent)
    return Reading(str(path), SourceKind.YAML, document_paragraphs(doc), RoleSource.DOCUMENT)
