"""WordprocessingML (OOXML) at the XML level: every ``w:`` tag gongwen writes or reads.

``writer`` builds the elements the DOCX exporter puts into a document, in schema order;
``reader`` opens any DOCX and resolves what Word would apply (style chains, theme fonts,
automatic numbers, fields, sections). Both stand below friendlier code — the exporter
(:mod:`gongwen.export.docx`) and the DOCX reader (:mod:`gongwen.read.docx`) — the way
python-docx keeps its XML in ``docx.oxml``. No other module names a ``w:`` tag.
"""

from __future__ import annotations

NSMAP = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "w10": "urn:schemas-microsoft-com:office:word",
}
W = NSMAP["w"]


def qn(tag: str) -> str:
    """'w:rFonts' → Clark notation ('{…/main}rFonts')."""
    prefix, local = tag.split(":")
    return f"{{{NSMAP[prefix]}}}{local}"
