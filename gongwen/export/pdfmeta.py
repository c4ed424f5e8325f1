"""A PDF's metadata, and PDF/A-2b: the one place that says what a PDF declares about itself.

:func:`set_info` fills the Info dictionary of every PDF from the letter's
:class:`~gongwen.metadata.Metadata` (title, 署名 as author, subject, keywords, creator and
producer, creation and modification dates from the letter's date); the PDF exporter passes
the language (``/Lang``) to the canvas. :func:`to_pdfa` turns a finished PDF into PDF/A-2b
with pikepdf's PDF/A support: an sRGB output intent, an XMP packet that agrees with the Info
dictionary and declares PDF/A-2b, a trailer ID derived from the content, written with the
save settings pikepdf prescribes for PDF/A-2b. It works on the finished file, so it does not
depend on how the text was drawn. Validating the result with pikepdf's veraPDF-derived
rules costs about a second a letter (several times the drawing), so it is left to
``gongwen check`` (:mod:`gongwen.check.pdfa`) and the tests, which validate every PDF/A they
make. A CMYK image would break the sRGB output intent: the seal checks embed a CMYK scan
as an RGB PNG (:func:`gongwen.assets.embeddable`), and one that reached this step anyway
is refused here.

Why PDF/A-2b rather than PDF/A-1b: a seal image has an alpha channel, drawn as a soft mask,
and PDF/A-1 forbids soft masks (ISO 19005-1 6.4); PDF/A-2 allows them, so the seal keeps its
soft edges and the text under it shows through exactly as in the ordinary PDF.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ..errors import GongwenError
from ..metadata import Metadata
from ..model import PdfStandard

if TYPE_CHECKING:  # pragma: no cover
    from reportlab.pdfgen.canvas import Canvas

PDFA_2B = str(PdfStandard.PDFA_2B)
PDF_STANDARDS = tuple(str(s) for s in PdfStandard)
FLAVOUR = "2b"  # pikepdf's name of PDF/A-2b


def set_info(c: Canvas, meta: Metadata) -> None:
    """The Info dictionary of a PDF being drawn on ``c``."""
    c.setTitle(meta.title)
    c.setAuthor(meta.author)
    c.setSubject(meta.subject)
    c.setKeywords(meta.keyword_text)
    c.setCreator(meta.creator)
    c.setProducer(meta.creator)
    date = meta.pdf_date()
    c.setDateFormatter(lambda *_: date)  # CreationDate and ModDate: the letter's date


def to_pdfa(data: bytes, meta: Metadata) -> bytes:
    """``data`` (a PDF written by :func:`set_info`'s canvas) as validated PDF/A-2b bytes."""
    import pikepdf
    from pikepdf import pdfa

    with pikepdf.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:  # reportlab's empty page transition: nothing to validate
            if page.obj.get("/Trans") == pikepdf.Dictionary():
                del page.obj["/Trans"]
        drop_cidsets(pdf)
        pdfa.prepare(pdf, FLAVOUR)  # sRGB output intent; XMP from Info; the identification
        with pdf.open_metadata(set_pikepdf_as_editor=False) as xmp:  # and Info from XMP
            xmp["pdf:Producer"] = meta.creator  # prepare records itself and the clock
            xmp["xmp:MetadataDate"] = meta.timestamp.isoformat()
            xmp["dc:language"] = [meta.language]
        for page in pdf.pages:
            for image in page.get_images().values():
                if image.get("/ColorSpace") == pikepdf.Name.DeviceCMYK:
                    raise GongwenError(f"{PDFA_2B} 的输出意图为 sRGB，印章图片不能是 CMYK 颜色")
        out = io.BytesIO()
        pdf.save(out, **pdfa.resolve_save_kwargs(FLAVOUR, deterministic_id=True))
    return out.getvalue()


def drop_cidsets(pdf: Any) -> None:
    """Leave out the font descriptors' ``CIDSet``: optional in PDF/A-2 (ISO 19005-2
    6.2.11.4.2), and pikepdf's validator cannot verify one (it reports the file unchecked)."""
    import pikepdf

    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and "/CIDSet" in obj:
            del obj["/CIDSet"]
