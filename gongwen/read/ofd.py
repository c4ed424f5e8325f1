"""An OFD (GB/T 33190) read into the PDF's geometry (``geometry.py``), so that what reads a
PDF's geometry — the GB/T 9704 rules of ``gongwen check``, the paragraphs of diff — reads
an OFD too.

The OFD itself says where every glyph is: a ``TextObject``'s Boundary and CTM, each
``TextCode``'s X and Y and its ``DeltaX``/``DeltaY`` steps (``g N step`` repeats included),
else each glyph's advance in the embedded font. Glyph widths come from the embedded font
(fontTools), or, for a font that is not embedded, a wide character's em and half an em for
others. Rules are ``PathObject`` strokes (and thin filled rectangles) that run level.
Template pages are read under their page's own content. Units become points, origin at the
page's top left: the frame of ``pdf.py``.

Reading the OFD directly, rather than converting it to PDF first, measures what an OFD
reader will show: the converter's own placement and fonts would be measured otherwise.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from .. import limits
from ..errors import GongwenError
from ..layout.pages import EM_ASCENT
from ..spec import is_wide, mm
from .geometry import FontUse, Glyph, MissingGlyph, PdfGeometry, PdfPage, Stroke
from .model import Reading, SourceKind
from .pdf import geometry_reading, group_lines

NS = "http://www.ofdspec.org/2016"
LEVEL_TOL = 1.0  # pt: a path whose ends differ in height by less than this runs level
THIN_FILL = 4.0  # pt: a filled rectangle at most this high is a rule
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|g")


class OfdReadError(GongwenError):
    """The file is not an OFD package that can be read."""


def is_ofd(source: Path | bytes) -> bool:
    """A zip package whose entry point is ``OFD.xml``."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            return any(n.lstrip("/") == "OFD.xml" for n in z.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return False


# --- the package ---------------------------------------------------------------------------


class _Error(Exception):
    """A problem with the package, reported by :func:`read_ofd_geometry` with the file's name."""


class _Package:
    """The parts of an OFD package, read on demand; locations resolve as GB/T 33190 7.3
    says: relative to the part that names them, or to the package root with a "/".

    The package is read within :mod:`gongwen.limits`' bounds before any part is parsed: a
    regular file of at most :data:`~gongwen.limits.MAX_OFD_BYTES`, whose zip directory
    declares no more parts, and no larger inflated XML parts or total, than a DOCX may have,
    and no DOCTYPE (:func:`~gongwen.limits.check_zip`)."""

    def __init__(self, source: str | Path | bytes, name: str):
        if isinstance(source, bytes):
            data = source
            if len(data) > limits.MAX_OFD_BYTES:
                size, limit = len(data), limits.MAX_OFD_BYTES // limits.MiB
                raise limits.InputError(name, f"OFD 文件太大（{size} 字节，上限 {limit} MiB）")
        else:
            data = limits.read_bounded(source, limits.MAX_OFD_BYTES, what="OFD 文件")
        limits.check_zip(data, name, kind="OFD")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError) as e:
            raise _Error(f"无法读取 OFD：{e}") from e
        self.names = {i.filename.lstrip("/"): i for i in self.zip.infolist()}
        self.name = name
        self._parsed: dict[str, etree._Element] = {}

    def read(self, loc: str) -> bytes:
        info = self.names.get(loc.lstrip("/"))
        if info is None:
            raise _Error(f"OFD 中缺少 {loc}")
        return self.zip.read(info)

    def xml(self, loc: str) -> etree._Element:
        """The part at ``loc`` parsed, once however often it is named (a template page)."""
        key = loc.lstrip("/")
        if key not in self._parsed:
            try:
                self._parsed[key] = etree.fromstring(self.read(loc), _PARSER)
            except etree.XMLSyntaxError as e:
                raise _Error(f"OFD 中的 {loc} 不是正确的 XML：{e}") from e
        return self._parsed[key]

    @staticmethod
    def resolve(base: str, loc: str) -> str:
        """``loc`` as named in the part at ``base`` (a folder), from the package root."""
        if loc.startswith("/"):
            return loc.lstrip("/")
        parts: list[str] = []
        for piece in PurePosixPath(base, loc).parts:
            if piece == "..":
                if parts:
                    parts.pop()
            elif piece not in (".", ""):
                parts.append(piece)
        return "/".join(parts)


def _q(tag: str) -> str:
    """``tag`` in any namespace: GB/T 33190's is NS, but some writers use another URI."""
    return f"{{*}}{tag}"


def _text(node: etree._Element, tag: str) -> str | None:
    found = node.find(_q(tag))
    return found.text.strip() if found is not None and found.text else None


def _floats(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


def _steps(text: str | None, count: int) -> list[float]:
    """``DeltaX``/``DeltaY``: numbers, ``g N step`` standing for N steps of ``step``; at most
    ``count`` steps (the characters of the TextCode: a ``g`` of a billion repeats is cut)."""
    tokens = _NUMBER.findall(text or "")
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            repeat = int(min(max(float(tokens[i + 1]), 0.0), count - len(out)))
            out += [float(tokens[i + 2])] * repeat
            i += 3
        else:
            if tokens[i] != "g":
                out.append(float(tokens[i]))
            i += 1
    return out


# --- resources -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Font:
    name: str
    program: Any = None  # fontTools TTFont of the embedded file, None when not embedded
    cmap: dict[int, str] = field(default_factory=dict)
    upm: int = 1000

    def advance(self, ch: str) -> float | None:
        """The glyph's advance in em, or None when the embedded font lacks it."""
        if self.program is None:
            return 1.0 if is_wide(ch) else 0.5
        name = self.cmap.get(ord(ch))
        if name is None:
            return None
        return self.program["hmtx"][name][0] / self.upm


@dataclass(slots=True)
class _Colour:
    """A colour space by ID: its type (RGB, GRAY, CMYK) and bits per component."""

    kind: str = "RGB"
    bits: int = 8


@dataclass(slots=True)
class _Resources:
    fonts: dict[str, _Font] = field(default_factory=dict)
    spaces: dict[str, _Colour] = field(default_factory=dict)
    params: dict[str, etree._Element] = field(default_factory=dict)  # DrawParam by ID
    default_space: _Colour = field(default_factory=_Colour)


def _load_res(pkg: _Package, loc: str, res: _Resources) -> None:
    root = pkg.xml(loc)
    base = pkg.resolve(str(PurePosixPath(loc).parent), root.get("BaseLoc", ""))
    for space in root.iter(_q("ColorSpace")):
        res.spaces[space.get("ID", "")] = _Colour(space.get("Type", "RGB"),
                                                  int(space.get("BitsPerComponent", "8")))
    for param in root.iter(_q("DrawParam")):
        res.params[param.get("ID", "")] = param
    for font in root.iter(_q("Font")):
        name = font.get("FontName") or font.get("FamilyName") or "?"
        entry = _Font(name)
        file = _text(font, "FontFile")
        if file:
            entry.program = _font_program(pkg.read(pkg.resolve(base, file)))
            if entry.program is not None:
                entry.cmap = entry.program.getBestCmap() or {}
                entry.upm = entry.program["head"].unitsPerEm
        res.fonts[font.get("ID", "")] = entry


def _font_program(data: bytes) -> Any:
    from fontTools.ttLib import TTFont

    try:
        return TTFont(io.BytesIO(data), lazy=True)
    except Exception:  # an embedded file fontTools cannot read counts as not embedded
        return None


# --- graphics state ------------------------------------------------------------------------


def _colour(node: etree._Element | None, res: _Resources) -> tuple[float, float, float] | None:
    """A ``CT_Color`` as RGB in 0–1 (None: not given)."""
    if node is None or node.get("Value") is None:
        return None
    space = res.spaces.get(node.get("ColorSpace", ""), res.default_space)
    top = float(2**space.bits - 1)
    vals = [v / top for v in _floats(node.get("Value"))]
    if space.kind == "GRAY" and vals:
        return (vals[0],) * 3  # type: ignore[return-value]
    if space.kind == "CMYK" and len(vals) == 4:
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return (vals[0], vals[1], vals[2]) if len(vals) >= 3 else None


def _param(obj: etree._Element, res: _Resources, tag: str) -> etree._Element | None:
    """An element of the object, else of its DrawParam (and the ones it is relative to)."""
    found = obj.find(_q(tag))
    ref = obj.get("DrawParam")
    seen: set[str] = set()
    while found is None and ref and ref not in seen:
        seen.add(ref)
        param = res.params.get(ref)
        if param is None:
            break
        found = param.find(_q(tag))
        ref = param.get("Relative")
    return found


def _line_width(obj: etree._Element, res: _Resources) -> float:
    if obj.get("LineWidth") is not None:
        return float(obj.get("LineWidth", "0.353"))
    param = res.params.get(obj.get("DrawParam", ""))
    return float(param.get("LineWidth", "0.353")) if param is not None else 0.353


@dataclass(frozen=True, slots=True)
class _Place:
    """An object's frame on the page: its Boundary's origin and its CTM (mm)."""

    x: float
    y: float
    ctm: tuple[float, float, float, float, float, float] = (1, 0, 0, 1, 0, 0)

    @classmethod
    def of(cls, obj: etree._Element) -> _Place:
        box = _floats(obj.get("Boundary")) or [0.0, 0.0]
        ctm = _floats(obj.get("CTM"))
        matrix = tuple(ctm) if len(ctm) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        return cls(box[0], box[1], matrix)  # type: ignore[arg-type]

    def point(self, x: float, y: float) -> tuple[float, float]:
        """Page position (pt) of the object-space point (x, y) (mm)."""
        a, b, c, d, e, f = self.ctm
        return mm(self.x + a * x + c * y + e), mm(self.y + b * x + d * y + f)

    @property
    def scale(self) -> float:
        """How much the CTM enlarges a length (its vertical scale for upright text)."""
        a, b, c, d, _, _ = self.ctm
        return math.hypot(c, d) or math.sqrt(abs(a * d - b * c)) or 1.0


# --- page content --------------------------------------------------------------------------


def _glyphs(content: etree._Element, page_no: int, res: _Resources, fonts: dict[str, FontUse],
            missing: list[MissingGlyph]) -> list[Glyph]:
    out: list[Glyph] = []
    for obj in content.iter(_q("TextObject")):  # in drawing order, page blocks included
        font = res.fonts.get(obj.get("Font", ""))
        if font is None:
            continue
        use = fonts.setdefault(font.name, FontUse(font.name, "OFD", font.program is not None))
        use.pages.add(page_no)
        place = _Place.of(obj)
        font_size = float(obj.get("Size", "0"))  # mm, in the object's space
        size = font_size * place.scale
        hscale = float(obj.get("HScale", "1"))
        colour = _colour(_param(obj, res, "FillColor"), res) or (0.0, 0.0, 0.0)
        stroked = obj.get("Stroke") == "true"
        x = y = 0.0
        for code in obj.iter(_q("TextCode")):
            text = code.text or ""
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            dx = _steps(code.get("DeltaX"), len(text))
            dy = _steps(code.get("DeltaY"), len(text))
            for i, ch in enumerate(text):
                advance = font.advance(ch)
                px, base = place.point(x, y)
                width = mm((advance if advance is not None else 0.0) * size * hscale)
                if advance is None:
                    missing.append(MissingGlyph(page_no, ch, font.name, "glyph 0", px, base))
                out.append(Glyph(ch, px, px + width, base - EM_ASCENT * mm(size),
                                 base + (1 - EM_ASCENT) * mm(size), base, mm(size),
                                 font.name, colour, stroked))
                x += dx[i] if i < len(dx) else (advance or 0.0) * font_size * hscale
                y += dy[i] if i < len(dy) else 0.0
    return out


def _subpaths(data: str) -> Iterator[list[tuple[float, float]]]:
    """The points of each subpath of ``AbbreviatedData`` (curves by their end points)."""
    tokens = (data or "").split()
    points: list[tuple[float, float]] = []
    arity = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0}
    i = 0
    while i < len(tokens):
        op = tokens[i]
        n = arity.get(op)
        if n is None:
            i += 1
            continue
        args = [float(v) for v in tokens[i + 1 : i + 1 + n]]
        i += 1 + n
        if op in ("S", "M"):
            if len(points) > 1:
                yield points
            points = [(args[0], args[1])] if len(args) == 2 else []
        elif op == "C":
            if points:
                points.append(points[0])
        elif len(args) == n:
            points.append((args[-2], args[-1]))
    if len(points) > 1:
        yield points


def _strokes(content: etree._Element, page_no: int, res: _Resources) -> list[Stroke]:
    out: list[Stroke] = []
    for obj in content.iter(_q("PathObject")):
        place = _Place.of(obj)
        stroke = obj.get("Stroke", "true") == "true"
        fill = obj.get("Fill", "false") == "true"
        width = mm(_line_width(obj, res) * place.scale)
        stroke_colour = _colour(_param(obj, res, "StrokeColor"), res) or (0.0, 0.0, 0.0)
        fill_colour = _colour(_param(obj, res, "FillColor"), res) or (0.0, 0.0, 0.0)
        for points in _subpaths(_text(obj, "AbbreviatedData") or ""):
            pts = [place.point(x, y) for x, y in points]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            if stroke and max(ys) - min(ys) < LEVEL_TOL:
                for (x0, y0), (x1, y1) in itertools.pairwise(pts):
                    if abs(x1 - x0) > 0:
                        out.append(Stroke(page_no, min(x0, x1), max(x0, x1), (y0 + y1) / 2,
                                          width, stroke_colour))
            elif fill and max(ys) - min(ys) <= THIN_FILL and max(xs) - min(xs) >= 20:
                out.append(Stroke(page_no, min(xs), max(xs), (min(ys) + max(ys)) / 2,
                                  max(ys) - min(ys), fill_colour))
    out.sort(key=lambda s: (s.y, s.x0))
    return out


# --- the document --------------------------------------------------------------------------


def read_ofd_geometry(source: str | Path | bytes, name: str | None = None) -> PdfGeometry:
    """Every page of an OFD's first document (a path or its bytes): lines, rules, fonts,
    missing glyphs — as :func:`~gongwen.read.pdf.read_pdf_geometry` gives for a PDF."""
    label = name or (str(source) if not isinstance(source, bytes) else "<ofd>")
    try:
        return _read(_Package(source, label))
    except _Error as e:
        raise OfdReadError(f"{label}: {e}") from e
    except (KeyError, ValueError, IndexError, OverflowError, OSError, zipfile.BadZipFile) as e:
        raise OfdReadError(f"{label}: 不是可读的 OFD 文件（{type(e).__name__}: {e}）") from e


def _read(pkg: _Package) -> PdfGeometry:
    entry = pkg.xml("OFD.xml")
    body = entry.find(_q("DocBody"))
    root_loc = _text(body, "DocRoot") if body is not None else None
    if not root_loc:
        raise _Error("OFD.xml 没有指明文档（DocRoot）")
    doc_loc = pkg.resolve("", root_loc)
    doc_dir = str(PurePosixPath(doc_loc).parent)
    document = pkg.xml(doc_loc)
    common = document.find(_q("CommonData"))
    if common is None:
        raise _Error(f"{doc_loc} 缺少 CommonData")
    res = _Resources()
    for tag in ("PublicRes", "DocumentRes"):
        for loc in common.iter(_q(tag)):
            if loc.text:
                _load_res(pkg, pkg.resolve(doc_dir, loc.text.strip()), res)
    res.default_space = res.spaces.get(_text(common, "DefaultCS") or "", _Colour())
    default_box = _floats(_text(common.find(_q("PageArea")), "PhysicalBox")
                          if common.find(_q("PageArea")) is not None else None)
    templates = {t.get("ID", ""): pkg.resolve(doc_dir, t.get("BaseLoc", ""))
                 for t in common.iter(_q("TemplatePage"))}
    fonts: dict[str, FontUse] = {}
    missing: list[MissingGlyph] = []
    pages: list[PdfPage] = []
    page_list = list(document.iter(_q("Page")))
    limits.check_pdf_pages(len(page_list), pkg.name, kind="OFD")
    for n, page in enumerate(page_list, start=1):
        loc = pkg.resolve(doc_dir, page.get("BaseLoc", ""))
        content = pkg.xml(loc)
        area = content.find(_q("Area"))
        box = _floats(_text(area, "PhysicalBox")) if area is not None else []
        box = box if len(box) == 4 else default_box
        if len(box) != 4:
            raise _Error(f"{loc} 没有页面大小（PhysicalBox）")
        parts = [pkg.xml(templates[t.get("TemplateID", "")])
                 for t in content.iter(_q("Template")) if t.get("TemplateID", "") in templates]
        glyphs: list[Glyph] = []
        strokes: list[Stroke] = []
        for part in [*parts, content]:
            glyphs += _glyphs(part, n, res, fonts, missing)
            strokes += _strokes(part, n, res)
        strokes.sort(key=lambda s: (s.y, s.x0))
        ink = [g for g in glyphs if not g.text.isspace()]
        blanks = [g for g in glyphs if g.text.isspace()]
        lines = group_lines(n, ink, blanks) if ink else []
        pages.append(PdfPage(n, mm(box[2]), mm(box[3]), lines, strokes))
    return PdfGeometry(pages, fonts, missing)




def read_ofd_bytes(data: bytes, name: str = "<ofd>") -> Reading:
    """An OFD: its geometry, and lines joined into paragraphs as for a PDF."""
    return geometry_reading(read_ofd_geometry(data, name), name, SourceKind.OFD)
