"""A DOCX, read once: its paragraphs in reading order with the roles their styles give.

The XML is read by :mod:`gongwen.ooxml.reader` (effective run and paragraph properties,
theme fonts, Word's automatic numbers, sections, footers). Here it becomes a letter's
reading: paragraphs in the order a reader meets them — the text boxes of the 版头 gongwen
anchors to the page before the paragraph holding them, table cells (the 版记) in place,
headers and footers left out. A DOCX written by gongwen is recognised by its paragraph styles
(``export.docx.STYLE_NAMES``) and its roles read from them; any other DOCX gets roles from
Word's Title and Heading 1–4 styles and from the text (:func:`~gongwen.read.roles.guess_roles`),
its website chrome left out as in a text copy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .. import spec
from ..errors import GongwenError
from ..ooxml.reader import DocxReadError, Package
from ..ooxml.reader import Paragraph as XmlParagraph
from ..spec import HEADER_ROLES, Role
from .model import Paragraph, Reading, RoleSource, Run, SourceKind, clean_paragraph
from .text import is_chrome

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-4])$", re.IGNORECASE)


def word_style_role(style_name: str) -> Role | None:
    """The role of one of Word's paragraph styles: Heading 1–4 (标题 1–4), Title (标题)."""
    name = style_name.strip()
    m = _HEADING_STYLE.match(name)
    if m:
        return spec.HEADING_ROLES[int(m.group(1)) - 1]
    if name.lower() in ("title", "标题"):
        return Role.TITLE
    return None


class DocxError(GongwenError):
    """The file is not a DOCX that can be read."""


@dataclass
class DocxDocument:
    """A DOCX as Word applies it (``package``), and whether gongwen's styles give its roles."""

    package: Package
    gongwen: bool  # written with gongwen's paragraph styles
    ours: dict[str, Role]  # gongwen's style id → role

    @classmethod
    def open(cls, data: bytes, name: str = "<docx>") -> DocxDocument:
        from .. import limits
        from ..export.docx import STYLE_NAMES

        limits.check_docx(data, name)  # size, inflated parts, DOCTYPE, paragraphs: before parsing
        try:
            package = Package(data)
        except DocxReadError as e:
            raise DocxError(f"{name}: {e}") from None
        ours = {style_id: role for role, (style_id, _name) in STYLE_NAMES.items()}
        gongwen = any(sid.startswith("Gw") and sid in ours for sid in package.styles.ids())
        return cls(package, gongwen, ours)

    def role(self, p: XmlParagraph) -> Role | None:
        """gongwen's role for the style in a gongwen file, else Word's heading/title role."""
        if self.gongwen:
            return self.ours.get(p.style)
        return word_style_role(self.package.styles.name(p.style) if p.style else "")

    def reading_order(self) -> list[XmlParagraph]:
        return self.package.reading_order()

    def runs(self, p: XmlParagraph) -> tuple[Run, ...]:
        """A paragraph's runs with their East Asian face (theme fonts resolved), size, bold
        and colour."""
        theme = self.package.theme
        return tuple(
            Run(r.text, theme.font_name(r.props.fonts.get("eastAsia"))[0], r.props.size,
                r.props.bold, r.props.color)
            for r in p.runs
        )


def read_docx_bytes(data: bytes, name: str = "<docx>") -> Reading:
    """A DOCX: roles from gongwen's styles, else from heading styles and the text."""
    from .roles import guess_roles

    doc = DocxDocument.open(data, name)
    paras: list[Paragraph] = []
    dropped: list[str] = []
    for p in doc.reading_order():
        raw = p.text
        role = doc.role(p)
        if role is Role.RECORD_PRINT:  # only gongwen's styles give this role
            raw = raw.replace("\t", "")
        text = clean_paragraph(raw)
        if not text:
            continue
        if role is None and not doc.gongwen and is_chrome(text):
            dropped.append(text)
            continue
        paras.append(Paragraph(text, role, f"第 {len(paras) + 1} 段", runs=doc.runs(p),
                               number=len(paras) + 1))
    if doc.gongwen:
        # text boxes of the 版头 come in anchoring order; put them in the letter's order
        head = [p for p in paras if p.role in HEADER_ROLES]
        rest = [p for p in paras if p.role not in HEADER_ROLES]
        head.sort(key=lambda p: HEADER_ROLES.index(p.role))  # type: ignore[arg-type]
        paras = [
            replace(p, role=p.role or Role.BODY, where=f"第 {i + 1} 段", number=i + 1)
            for i, p in enumerate([*head, *rest])
        ]
        return Reading(name, SourceKind.DOCX, tuple(paras), RoleSource.STYLES, docx=doc)
    return Reading(name, SourceKind.DOCX, tuple(guess_roles(paras)), RoleSource.GUESSED,
                   dropped=tuple(dropped), docx=doc)
