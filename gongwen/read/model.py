"""The reading: what one input (letter YAML, DOCX, PDF or text) holds, in one shape.

A :class:`Reading` is the input's paragraphs in reading order, each with its role (from the
letter, from DOCX styles, or guessed from the text), its runs (text with font and size), and
where it stands; a PDF reading also carries the page geometry (lines, glyph positions,
rules, fonts) and a DOCX reading the document as Word applies it. Diff, import and check all
start from a reading.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from ..spec import Role

if TYPE_CHECKING:
    from .docx import DocxDocument
    from .geometry import PdfGeometry, PdfPage


class SourceKind(StrEnum):
    YAML = "yaml"
    DOCX = "docx"
    PDF = "pdf"
    OFD = "ofd"
    TEXT = "text"


class RoleSource(StrEnum):
    """Where a reading's roles come from: the letter itself, DOCX styles, or the text."""

    DOCUMENT = "document"
    STYLES = "styles"
    GUESSED = "guessed"


@dataclass(frozen=True, slots=True)
class Run:
    """Text in one font and size: a DOCX run (its East Asian face, theme fonts resolved),
    glyphs of one PDF font, or a composed span (the font role's name)."""

    text: str
    font: str = ""
    size: float | None = None
    bold: bool = False
    color: str | None = None  # RRGGBB


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a reading. ``where`` locates it for people ("第 3 页第 5 行"),
    ``number`` for messages (the line of a text file, the paragraph of a DOCX)."""

    text: str
    role: Role | None = None
    where: str = ""
    page: int | None = None
    # hints for role guessing (PDF: alignment, size, colour)
    align: str | None = None
    size: float | None = None
    red: bool = False
    runs: tuple[Run, ...] = ()
    number: int = 0


@dataclass(frozen=True, slots=True)
class Reading:
    """What one input holds."""

    path: str
    kind: SourceKind
    paragraphs: tuple[Paragraph, ...]
    roles: RoleSource
    dropped: tuple[str, ...] = ()  # website chrome dropped from a text file or DOCX
    pdf: bytes | None = field(default=None, repr=False)  # PDF inputs: the bytes (visual)
    geometry: PdfGeometry | None = field(default=None, repr=False)  # PDF and OFD inputs
    docx: DocxDocument | None = field(default=None, repr=False)  # DOCX inputs

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.paragraphs]

    @property
    def pages(self) -> list[PdfPage]:
        """A PDF's pages (empty for other inputs)."""
        return self.geometry.pages if self.geometry is not None else []


# Characters that are not text: zero-width marks, BOM, soft hyphen, noncharacters and C0/C1
# controls; a vertical tab or form feed (Word's line and page breaks in a copy) is a space.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffe\uffff"), None)
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)],
                                None))
_INVISIBLE.update({0x0B: " ", 0x0C: " "})
_BREAKS = dict.fromkeys(map(ord, "\r\n\u2028\u2029"), None)


def clean_line(text: str) -> str:
    """A line's text: invisible characters removed, outer whitespace (the 　　 indent of
    web copies) stripped."""
    return text.translate(_INVISIBLE).strip()


def clean_paragraph(text: str) -> str:
    """A paragraph's text: as :func:`clean_line`, and its in-paragraph line breaks (layout,
    not text) removed."""
    return clean_line(text.translate(_BREAKS))
