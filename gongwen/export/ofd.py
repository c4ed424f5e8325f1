"""OFD export (GB/T 33190-2016): the laid-out pages as an OFD package.

The package, a ZIP file, holds::

    OFD.xml                         entry: DocInfo (metadata) and the document's root
    Doc_0/Document.xml              page area, resources, the pages in order
    Doc_0/PublicRes.xml             fonts (each with its embedded subset), the RGB colour space
    Doc_0/DocumentRes.xml           images (the seal), when there are any
    Doc_0/Res/font_N.ttf            the glyphs the document draws from face N (TrueType), for
                                    each face whose licence allows embedding
    Doc_0/Res/image_N.png|jpg       the seal image, as given
    Doc_0/Pages/Page_K/Content.xml  one layer: PathObjects (rules), ImageObjects, TextObjects

Every position comes from the layout: a run becomes one ``TextObject`` whose ``TextCode``
holds its text and, in ``DeltaX``, the distance from each glyph's origin to the next, taken
from the layout's glyph positions (nothing is measured again); a rule becomes a stroked
``PathObject``; the seal an ``ImageObject`` fitted into its box, aspect kept (as the PDF
draws it). Units are millimetres, origin at the page's top left, y downwards — the layout's
frame, in another unit. Output is deterministic: IDs are numbered in document order, the
ZIP entries have fixed dates, the ``DocID`` is a digest of the content. ``docs/ofd.md``
lists the parts of the standard used.
"""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import deflate
from lxml import etree

from ..document import Document
from ..fonts import ResolvedFont
from ..layout import Image, Layout, Page, Rule, Run
from ..metadata import Metadata
from ..ooxml.writer import ZipEntry, write_zip
from ..spec import pt_to_mm as _mm
from . import ExportContext
from .subset import embeddable, subset_font

NS = "http://www.ofdspec.org/2016"
ZIP_COMPRESSION = 6  # libdeflate level of the package's parts
BOX_PAD_EM = 1.0  # a TextObject's Boundary reaches one em beyond its glyphs' em boxes
UM_PER_MM = 1000  # positions are written to the micrometre


def export(layout: Layout, doc: Document, ctx: ExportContext) -> bytes:
    """The exporter of format ``ofd`` (see :mod:`gongwen.export`)."""
    return write_ofd(layout, doc.metadata)


def write_ofd(layout: Layout, meta: Metadata) -> bytes:
    """The OFD package of a laid-out letter, as bytes."""
    ids = _Ids()
    fonts = _fonts(layout, ids)
    images = _images(layout, ids)
    colour_space = ids.next()
    files: dict[str, bytes] = {}
    pages: list[tuple[int, str]] = []
    for n, page in enumerate(layout.pages):
        loc = f"Pages/Page_{n}/Content.xml"
        pages.append((ids.next(), loc))
        files[f"Doc_0/{loc}"] = _xml(_page(page, fonts, images, ids))
    files["Doc_0/PublicRes.xml"] = _xml(_public_res(fonts, colour_space))
    if images:
        files["Doc_0/DocumentRes.xml"] = _xml(_document_res(images))
    for font in fonts.values():
        if font.data:
            files[f"Doc_0/Res/{font.file}"] = font.data
    for image in images.values():
        files[f"Doc_0/Res/{image.file}"] = image.data
    files["Doc_0/Document.xml"] = _xml(
        _document(layout, pages, ids.last, colour_space, bool(images))
    )
    files["OFD.xml"] = _xml(_entry(meta, _digest(files)))
    return _zip(files)


# --- numbers ---------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A length in millimetres, to the micrometre, without trailing zeros."""
    return _um(round(value * UM_PER_MM))


@functools.lru_cache(maxsize=4096)
def _um(um: int) -> str:
    """``um`` micrometres in millimetres, without trailing zeros."""
    text = f"{um / UM_PER_MM:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _nums(*values: float) -> str:
    return " ".join(_num(v) for v in values)


def _rgb(hex6: str) -> str:
    h = hex6.lstrip("#")
    return " ".join(str(int(h[i : i + 2], 16)) for i in (0, 2, 4))


class _Ids:
    """Object identifiers, unique in the document, numbered in the order things are made."""

    def __init__(self) -> None:
        self.last = 0

    def next(self) -> int:
        self.last += 1
        return self.last


# --- resources -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Font:
    id: int
    face: ResolvedFont
    chars: set[str] = field(default_factory=set)
    data: bytes = b""

    @property
    def file(self) -> str:
        return f"font_{self.id}.ttf"


@dataclass(frozen=True, slots=True)
class _Image:
    id: int
    data: bytes
    format: str  # "PNG" | "JPEG"
    size: tuple[int, int]  # pixels

    @property
    def file(self) -> str:
        return f"image_{self.id}.{'jpg' if self.format == 'JPEG' else 'png'}"


def _fonts(layout: Layout, ids: _Ids) -> dict[str, _Font]:
    """Layout font key → the font resource, with the subset of the characters it draws."""
    fonts: dict[str, _Font] = {}
    for page in layout.pages:
        for run in page.runs:
            if run.font not in fonts:
                fonts[run.font] = _Font(ids.next(), layout.font(run))
            fonts[run.font].chars.update(run.text)
    for font in fonts.values():
        path, index = str(font.face.path), font.face.subfont_index
        if embeddable(path, index):  # else the reader finds the face by its name
            font.data = subset_font(path, index, font.chars)
    return fonts


def _images(layout: Layout, ids: _Ids) -> dict[bytes, _Image]:
    """Each distinct image's bytes → its resource."""
    from PIL import Image as PILImage

    images: dict[bytes, _Image] = {}
    for page in layout.pages:
        for im in page.images:
            if im.data not in images:
                with PILImage.open(io.BytesIO(im.data)) as pil:
                    fmt = "JPEG" if pil.format == "JPEG" else "PNG"
                    images[im.data] = _Image(ids.next(), im.data, fmt, pil.size)
    return images


# --- XML -------------------------------------------------------------------------------------


def _el(parent: etree._Element | None, tag: str, text: str | None = None,
        **attrs: str) -> etree._Element:
    name = f"{{{NS}}}{tag}"
    node = (etree.Element(name, nsmap={"ofd": NS}) if parent is None
            else etree.SubElement(parent, name))
    for key, value in attrs.items():
        node.set(key, value)
    if text is not None:
        node.text = text
    return node


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _entry(meta: Metadata, doc_id: str) -> etree._Element:
    """OFD.xml: the document's metadata (``DocInfo``) and where its root is."""
    root = _el(None, "OFD", Version="1.0", DocType="OFD")
    body = _el(root, "DocBody")
    info = _el(body, "DocInfo")
    _el(info, "DocID", doc_id)
    for tag, value in (("Title", meta.title), ("Author", meta.author),
                       ("Subject", meta.subject)):
        if value:
            _el(info, tag, value)
    date = meta.timestamp.date().isoformat()
    _el(info, "CreationDate", date)
    _el(info, "ModDate", date)
    if meta.keywords:
        keywords = _el(info, "Keywords")
        for word in meta.keywords:
            _el(keywords, "Keyword", word)
    _el(info, "Creator", meta.creator)
    _el(body, "DocRoot", "Doc_0/Document.xml")
    return root


def _document(layout: Layout, pages: list[tuple[int, str]], max_id: int, colour_space: int,
              has_images: bool) -> etree._Element:
    root = _el(None, "Document")
    common = _el(root, "CommonData")
    _el(common, "MaxUnitID", str(max_id))
    first = layout.pages[0] if layout.pages else Page(1, None, ())  # a Page's default size
    area = _el(common, "PageArea")
    _el(area, "PhysicalBox", _nums(0, 0, _mm(first.width), _mm(first.height)))
    _el(common, "PublicRes", "PublicRes.xml")
    if has_images:
        _el(common, "DocumentRes", "DocumentRes.xml")
    _el(common, "DefaultCS", str(colour_space))
    pages_el = _el(root, "Pages")
    for page_id, loc in pages:
        _el(pages_el, "Page", ID=str(page_id), BaseLoc=loc)
    return root


def _public_res(fonts: dict[str, _Font], colour_space: int) -> etree._Element:
    root = _el(None, "Res", BaseLoc="Res")
    spaces = _el(root, "ColorSpaces")
    _el(spaces, "ColorSpace", ID=str(colour_space), Type="RGB", BitsPerComponent="8")
    if fonts:
        fonts_el = _el(root, "Fonts")
        for font in fonts.values():
            family = font.face.family
            node = _el(fonts_el, "Font", ID=str(font.id), FontName=family, FamilyName=family)
            if font.data:
                _el(node, "FontFile", font.file)
    return root


def _document_res(images: dict[bytes, _Image]) -> etree._Element:
    root = _el(None, "Res", BaseLoc="Res")
    media = _el(root, "MultiMedias")
    for image in images.values():
        node = _el(media, "MultiMedia", ID=str(image.id), Type="Image", Format=image.format)
        _el(node, "MediaFile", image.file)
    return root


# --- pages -----------------------------------------------------------------------------------


def _page(page: Page, fonts: dict[str, _Font], images: dict[bytes, _Image],
          ids: _Ids) -> etree._Element:
    """One page's Content.xml in the PDF's drawing order: rules, the seal image, then the
    text, which stays legible over the seal (GB/T 9704 7.3.5.1)."""
    root = _el(None, "Page")
    area = _el(root, "Area")
    _el(area, "PhysicalBox", _nums(0, 0, _mm(page.width), _mm(page.height)))
    content = _el(root, "Content")
    layer = _el(content, "Layer", ID=str(ids.next()), Type="Body")
    for rule in page.rules:
        _path(layer, rule, ids.next())
    for im in page.images:
        _image(layer, im, images[im.data], ids.next())
    for run in page.runs:
        if run.text:
            _text(layer, run, fonts[run.font].id, ids.next())
    return root


def _codes(text: str) -> list[tuple[int, int]]:
    """Where a run's ``TextCode``s start and end: blanks that lead a run get a code of their
    own, so that a reader that strips the ends of XML text (as xmltodict does) loses only
    blanks and never shifts a glyph against ``DeltaX``; blanks at the end may stay."""
    lead = len(text) - len(text.lstrip())
    if 0 < lead < len(text):
        return [(0, lead), (lead, len(text))]
    return [(0, len(text))]


def _text(layer: etree._Element, run: Run, font_id: int, obj_id: int) -> None:
    """A run as a TextObject: its Boundary reaches an em beyond the glyphs' em boxes; each
    TextCode's X, Y place its first glyph's origin on the baseline, DeltaX the rest."""
    pad = BOX_PAD_EM * run.size
    left = run.xs[0] - pad
    top = run.y - run.size - pad
    width = run.xs[-1] + run.advances[-1] + pad - left
    height = 2 * run.size + 2 * pad  # an em above and below the baseline, padded
    node = _el(layer, "TextObject", ID=str(obj_id),
               Boundary=_nums(_mm(left), _mm(top), _mm(width), _mm(height)),
               Font=str(font_id), Size=_num(_mm(run.size)))
    _el(node, "FillColor", Value=_rgb(run.color))
    for start, end in _codes(run.text):
        code = _el(node, "TextCode", run.text[start:end], X=_num(_mm(run.xs[start] - left)),
                   Y=_num(_mm(run.y - top)))
        deltas = _deltas(_mm(x) for x in run.xs[start:end])
        if deltas:
            code.set("DeltaX", deltas)


def _deltas(xs: Iterable[float]) -> str:
    """``DeltaX`` of glyphs at ``xs`` (mm): the step to each next glyph, rounded positions
    differenced (so rounding does not add up along a line), repeats as ``g N step``."""
    um = [round(x * UM_PER_MM) for x in xs]
    out: list[str] = []
    for step, same in itertools.groupby(b - a for a, b in itertools.pairwise(um)):
        count, value = len(list(same)), _um(step)
        out.append(f"g {count} {value}" if count > 1 else value)
    return " ".join(out)


def _path(layer: etree._Element, rule: Rule, obj_id: int) -> None:
    half = rule.width / 2
    left, top = min(rule.x0, rule.x1) - half, min(rule.y0, rule.y1) - half
    right, bottom = max(rule.x0, rule.x1) + half, max(rule.y0, rule.y1) + half
    node = _el(layer, "PathObject", ID=str(obj_id),
               Boundary=_nums(_mm(left), _mm(top), _mm(right - left), _mm(bottom - top)),
               LineWidth=_num(_mm(rule.width)))
    _el(node, "StrokeColor", Value=_rgb(rule.color))
    start = _nums(_mm(rule.x0 - left), _mm(rule.y0 - top))
    end = _nums(_mm(rule.x1 - left), _mm(rule.y1 - top))
    _el(node, "AbbreviatedData", f"M {start} L {end}")


def _image(layer: etree._Element, im: Image, res: _Image, obj_id: int) -> None:
    """The image fitted into the layout's box, aspect kept, centred (as the PDF draws it);
    the CTM maps the image's unit square onto that size."""
    w, h = res.size
    scale = min(im.width / w, im.height / h)
    width, height = w * scale, h * scale
    left, top = im.x + (im.width - width) / 2, im.y + (im.height - height) / 2
    _el(layer, "ImageObject", ID=str(obj_id),
        Boundary=_nums(_mm(left), _mm(top), _mm(width), _mm(height)),
        CTM=_nums(_mm(width), 0, 0, _mm(height), 0, 0), ResourceID=str(res.id))


# --- package ---------------------------------------------------------------------------------


def _digest(files: dict[str, bytes]) -> str:
    """32 hexadecimal digits identifying the document by its content (``DocID``)."""
    h = hashlib.md5(usedforsecurity=False)
    for name in sorted(files):
        h.update(name.encode())
        h.update(hashlib.sha256(files[name]).digest())
    return h.hexdigest()


def _zip(files: dict[str, bytes]) -> bytes:
    """The package: OFD.xml first, then the rest by name, with fixed dates; each part
    compressed with libdeflate (level 6: a third of zlib's time, a little smaller)."""
    names = ["OFD.xml", *sorted(n for n in files if n != "OFD.xml")]
    return write_zip(
        ZipEntry(name.encode(), deflate.crc32(files[name]), len(files[name]),
                 deflate.deflate_compress(files[name], ZIP_COMPRESSION))
        for name in names)
