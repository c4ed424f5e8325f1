"""Reading any input — a letter YAML, a DOCX, a PDF or plain text — into one shape.

:func:`read_any` returns a :class:`~gongwen.read.model.Reading`: the paragraphs in reading
order with their roles and runs (text with font and size), and for a PDF the page geometry
(lines, glyph positions, rules), for a DOCX the document as Word applies it. Diff, import and
check read through this package and nowhere else:

* ``letter.py`` — a letter YAML, loaded and composed; each block keeps its role;
* ``docx.py`` — a DOCX (XML by :mod:`gongwen.ooxml.reader`); roles from gongwen's styles, or
  Word's heading styles and the text;
* ``pdf.py`` — a PDF (pdfplumber): glyphs, lines and rules (the types in ``geometry.py``),
  joined into paragraphs;
* ``ofd.py`` — an OFD (GB/T 33190), read from its XML into the same geometry, then as a PDF;
* ``text.py`` — plain text, one paragraph a line, website chrome kept aside;
* ``roles.py`` — roles guessed from the text (by :mod:`gongwen.grammar`) and the letter's
  order;
* ``model.py`` — the reading itself; ``source.py`` — an input's bytes, kind and encoding.

Whatever the source, a paragraph's leading and trailing whitespace (the 　　 indent of web
copies), invisible characters and in-paragraph line breaks are layout, not text, and are
removed.
"""

from __future__ import annotations

from pathlib import Path

from ..filetype import ELSEWHERE, refuse, sniff
from .docx import DocxDocument, read_docx_bytes
from .geometry import PdfGeometry, PdfPage, TextLine
from .letter import document_paragraphs, read_yaml
from .model import Paragraph, Reading, RoleSource, Run, SourceKind
from .ofd import is_ofd, read_ofd_bytes, read_ofd_geometry
from .pdf import read_pdf_bytes, read_pdf_geometry
from .roles import guess_roles
from .source import decode_text, detect_kind, read_input
from .text import is_chrome, read_text, read_text_bytes

__all__ = [
    "DocxDocument",
    "Paragraph",
    "PdfGeometry",
    "PdfPage",
    "Reading",
    "RoleSource",
    "Run",
    "SourceKind",
    "TextLine",
    "decode_text",
    "detect_kind",
    "document_paragraphs",
    "guess_roles",
    "is_chrome",
    "is_ofd",
    "read_any",
    "read_docx_bytes",
    "read_input",
    "read_ofd_bytes",
    "read_ofd_geometry",
    "read_pdf_bytes",
    "read_pdf_geometry",
    "read_text",
    "read_text_bytes",
    "read_yaml",
]


def read_any(path: Path | str, *, kind: SourceKind | None = None) -> Reading:
    """Read ``path`` (YAML, DOCX, PDF, OFD or text, detected unless ``kind`` is given)."""
    path = Path(path)
    data = read_input(path)
    seen = sniff(path, data)
    damaged_docx = seen == "zip" and path.suffix.lower() == ".docx"  # the DOCX reader says why
    if kind is None and seen not in ("pdf", "ofd", "docx", "yaml", "text") and not damaged_docx:
        accepts = "diff 读信件 YAML、DOCX、PDF、OFD 或文本"
        raise refuse(path, seen, accepts, ELSEWHERE.get(seen, ""))
    kind = kind or (SourceKind.OFD if seen == "ofd" else detect_kind(path, data[:8]))
    if kind is SourceKind.OFD:
        return read_ofd_bytes(data, str(path))
    if kind is SourceKind.YAML:
        return read_yaml(path)
    if kind is SourceKind.DOCX:
        return read_docx_bytes(data, str(path))
    if kind is SourceKind.PDF:
        return read_pdf_bytes(data, str(path))
    return read_text_bytes(data, str(path))
