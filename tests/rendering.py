"""One format of a composed Document, for tests that build or alter Documents by hand: the
pipeline's :func:`~gongwen.pipeline.render_document` (layout once, then the exporter)."""

from __future__ import annotations

from gongwen.document import Document
from gongwen.fonts import FontSet
from gongwen.pipeline import render_document


def render_pdf(doc: Document, fontset: FontSet) -> bytes:
    return render_document(doc, fontset, ("pdf",)).outputs["pdf"]  # type: ignore[return-value]


def render_docx(doc: Document, fontset: FontSet) -> bytes:
    return render_document(doc, fontset, ("docx",)).outputs["docx"]  # type: ignore[return-value]
