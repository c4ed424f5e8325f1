"""Measure a PDF where the glyphs actually are: lines, pitches, fonts, rules, colours.

Built on pdfplumber (pdfminer). Coordinates are points, origin at the page's TOP-left
corner, y downwards (as in ``spec`` and ``layout``). A :class:`TextLine` groups the upright
glyphs sharing a baseline; its ``segments`` split it where the gap exceeds one and a half
em (the 份号 and the 发文字号 share a baseline but are separate items). Spaces are not kept
as glyphs; ``text`` re-inserts one where the gap between two glyphs is wider than a third
of an em.

A second, light pass over the content streams records the character code of every glyph
drawn, to tell which glyphs are glyph 0 (.notdef) of their embedded font, and which fonts
are used but not embedded.
"""

from __future__ import annotations

import io
import itertools
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..layout.pages import EM_ASCENT  # the ideographic em box the layout centres glyphs by
from ..spec import is_wide
from .fontnames import base_name, font_role

BASELINE_TOLERANCE = 1.0  # pt: glyphs within this of a line's baseline belong to it
SEGMENT_GAP_EM = 1.5
SPACE_GAP_EM = 0.3
OVERDRAW_EM = 0.2  # the same glyph drawn again this close: bold faked by overprinting
STROKE_MODES = (1, 2, 5, 6)  # PDF text render modes that stroke the outline


class MeasureError(Exception):
    """The file is not a PDF pdfplumber can read."""


# --------------------------------------------------------------------------------------------
# Colours


def to_rgb(color: Any) -> tuple[float, float, float] | None:
    """A pdfplumber colour (gray, RGB or CMYK tuple, or a number) as RGB in 0–1, or None."""
    if color is None:
        return None
    if isinstance(color, (int, float)):
        v = float(color)
        return (v, v, v)
    try:
        vals = [float(v) for v in color]
    except (TypeError, ValueError):
        return None
    if len(vals) == 1:
        return (vals[0],) * 3  # type: ignore[return-value]
    if len(vals) == 3:
        return (vals[0], vals[1], vals[2])
    if len(vals) == 4:
        c, m, y, k = vals
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def is_red(rgb: tuple[float, float, float] | None) -> bool:
    if rgb is None:
        return False
    r, g, b = rgb
    return r >= 0.6 and g <= 0.4 and b <= 0.4 and r - max(g, b) >= 0.4


def is_black(rgb: tuple[float, float, float] | None) -> bool:
    return rgb is None or max(rgb) <= 0.25


def hex_color(rgb: tuple[float, float, float] | None) -> str:
    if rgb is None:
        return "000000"
    return "".join(f"{round(max(0.0, min(1.0, v)) * 255):02X}" for v in rgb)


# --------------------------------------------------------------------------------------------
# Data


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    x1: float
    top: float  # ideographic em box top (EM_ASCENT × size above the baseline), from page top
    bottom: float
    baseline: float
    size: float
    font: str  # PDF base font name without the subset prefix
    color: tuple[float, float, float] | None
    stroked: bool = False  # drawn with a stroke (render mode 1, 2, 5, 6) or twice: faux bold

    @property
    def wide(self) -> bool:
        return is_wide(self.text)

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class TextLine:
    page: int
    index: int  # 1-based, top to bottom, on its page
    baseline: float
    glyphs: list[Glyph]
    segments: list[list[Glyph]] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        """The size most glyphs have (by count)."""
        return _mode([round(g.size, 2) for g in self.glyphs])

    @property
    def text(self) -> str:
        return joined(self.glyphs)

    @property
    def compact(self) -> str:
        """The glyphs without any inferred space."""
        return "".join(g.text for g in self.glyphs)

    def steps(self) -> list[float]:
        """x-steps between consecutive wide glyphs of the line's size."""
        out = []
        for a, b in zip(self.glyphs, self.glyphs[1:], strict=False):
            if a.wide and b.wide and abs(a.size - b.size) < 0.1:
                out.append(b.x0 - a.x0)
        return out

    def width_chars(self) -> float:
        """Characters on the line: wide glyphs 1, others ½."""
        return sum(1.0 if g.wide else 0.5 for g in self.glyphs)

    def fonts(self) -> list[str]:
        return list(dict.fromkeys(g.font for g in self.glyphs))

    def where(self) -> str:
        return f"第{self.page}页第{self.index}行"


@dataclass(slots=True)
class Stroke:
    """A horizontal rule: a stroked line or a thin filled rectangle."""

    page: int
    x0: float
    x1: float
    y: float  # centre line
    width: float  # thickness
    color: tuple[float, float, float] | None

    @property
    def length(self) -> float:
        return self.x1 - self.x0


@dataclass(slots=True)
class PageMeasure:
    number: int
    width: float
    height: float
    lines: list[TextLine]
    strokes: list[Stroke]


@dataclass(slots=True)
class FontUse:
    name: str  # base name, no subset prefix
    subtype: str
    embedded: bool
    pages: set[int] = field(default_factory=set)


@dataclass(slots=True)
class MissingGlyph:
    page: int
    char: str
    font: str
    reason: str  # "glyph 0" | "control" | "U+FFFD" | "no Unicode"
    x: float = 0.0
    y: float = 0.0


@dataclass(slots=True)
class PdfMeasure:
    pages: list[PageMeasure]
    fonts: dict[str, FontUse]
    missing: list[MissingGlyph]

    def lines(self) -> Iterable[TextLine]:
        for p in self.pages:
            yield from p.lines

    def role_of(self, glyph: Glyph, fontset: Any = None):
        return font_role(glyph.font, fontset)


# --------------------------------------------------------------------------------------------
# Helpers


def _mode(values: list[float]) -> float:
    if not values:
        return 0.0
    counts: dict[float, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return max(counts.items(), key=lambda kv: (kv[1], kv[0]))[0]


def joined(glyphs: list[Glyph]) -> str:
    out = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and g.x0 - prev.x1 > SPACE_GAP_EM * max(g.size, prev.size):
            out.append(" ")
        out.append(g.text)
        prev = g
    return "".join(out)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _group_lines(page_no: int, glyphs: list[Glyph]) -> list[TextLine]:
    glyphs.sort(key=lambda g: (g.baseline, g.x0))
    rows: list[list[Glyph]] = []
    for g in glyphs:
        if rows and abs(rows[-1][0].baseline - g.baseline) <= BASELINE_TOLERANCE:
            rows[-1].append(g)
        else:
            rows.append([g])
    lines = []
    for i, row in enumerate(rows, start=1):
        row.sort(key=lambda g: g.x0)
        kept: list[Glyph] = []
        for g in row:
            prev = kept[-1] if kept else None
            if prev is not None and prev.text == g.text and g.x0 - prev.x0 < OVERDRAW_EM * g.size:
                prev.stroked = True
                continue
            kept.append(g)
        row[:] = kept
        segments: list[list[Glyph]] = [[row[0]]]
        for a, b in itertools.pairwise(row):
            if b.x0 - a.x1 > SEGMENT_GAP_EM * max(a.size, b.size):
                segments.append([b])
            else:
                segments[-1].append(b)
        base = statistics.median(g.baseline for g in row)
        lines.append(TextLine(page_no, i, base, row, segments))
    return lines


def _stroke(page_no: int, obj: Any, width: float, colour: Any) -> Stroke:
    """A horizontal stroke from a pdfplumber line, rect or curve, at its vertical middle."""
    return Stroke(
        page_no, obj["x0"], obj["x1"], (obj["top"] + obj["bottom"]) / 2, width, to_rgb(colour)
    )


def _strokes(page: Any, page_no: int) -> list[Stroke]:
    out: list[Stroke] = []
    for ln in page.lines:
        if abs(ln["top"] - ln["bottom"]) > 1.0:
            continue  # not horizontal
        out.append(
            _stroke(page_no, ln, float(ln.get("linewidth") or 0.0), ln.get("stroking_color"))
        )
    for obj in [*page.rects, *page.curves]:
        h = obj["bottom"] - obj["top"]
        w = obj["x1"] - obj["x0"]
        if w < 20:
            continue
        if obj.get("fill") and h <= 4.0:
            out.append(_stroke(page_no, obj, h, obj.get("non_stroking_color")))
        elif obj.get("stroke") and h <= 1.0:
            out.append(
                _stroke(page_no, obj, float(obj.get("linewidth") or 0.0), obj.get("stroking_color"))
            )
    out.sort(key=lambda s: (s.y, s.x0))
    return out


# --------------------------------------------------------------------------------------------
# Glyph codes: glyph 0 and embedding


def _interpret(
    page: Any,
) -> tuple[list[tuple[Any, int, float, float, Any]], set[tuple[float, float]]]:
    """Lay out ``page`` for pdfplumber with PDF's character spacing, and record glyph codes.

    pdfminer adds ``Tc`` only between the glyphs of one string, not after its last glyph as
    the PDF specification says; a text split over several strings (font subsets, kerning)
    then drifts by ``Tc`` at each split. This device applies ``Tc`` after every glyph, sets
    ``page._layout`` (pdfplumber's cache) and returns (font, code, x, y, font spec) per glyph
    and the origins of glyphs drawn in a stroking text render mode.
    """
    from pdfminer import utils
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.pdftypes import resolve1
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    records: list[tuple[Any, int, float, float, Any]] = []
    specs: dict[int, Any] = {}
    stroked: set[tuple[float, float]] = set()
    state = {"mode": 0}

    class Device(PDFPageAggregatorWithMarkedContent):
        def render_string(self, textstate, seq, ncs, graphicstate):
            state["mode"] = getattr(textstate, "render", 0) or 0
            return super().render_string(textstate, seq, ncs, graphicstate)

        def render_string_horizontal(
            self,
            seq,
            matrix,
            pos,
            font,
            fontsize,
            scaling,
            charspace,
            wordspace,
            rise,
            dxscale,
            ncs,
            graphicstate,
        ):
            (x, y) = pos
            for obj in seq:
                if isinstance(obj, (int, float)):
                    x -= obj * dxscale
                elif isinstance(obj, bytes):
                    for cid in font.decode(obj):
                        x += self.render_char(
                            utils.translate_matrix(matrix, (x, y)),
                            font,
                            fontsize,
                            scaling,
                            rise,
                            cid,
                            ncs,
                            graphicstate,
                        )
                        x += charspace
                        if cid == 32 and wordspace:
                            x += wordspace
            return (x, y)

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):
            records.append((font, cid, matrix[4], matrix[5], specs.get(id(font))))
            if state["mode"] in STROKE_MODES:
                stroked.add((round(matrix[4], 2), round(matrix[5], 2)))
            return super().render_char(
                matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate
            )

    class Interpreter(PDFPageInterpreter):
        def init_resources(self, resources):
            super().init_resources(resources)
            fdict = resolve1((resources or {}).get("Font")) or {}
            for fid, ref in fdict.items():
                font = self.fontmap.get(fid)
                if font is not None:
                    specs[id(font)] = ref

    pdf = page.pdf
    device = Device(pdf.rsrcmgr, pageno=page.page_number, laparams=pdf.laparams)
    Interpreter(pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()
    return records, stroked


@dataclass(slots=True)
class _FontProgram:
    embedded: bool
    subtype: str
    name: str
    gid_of: Any  # callable code -> gid | None (None: unknown)


def _font_program(spec: Any) -> _FontProgram:
    from pdfminer.pdftypes import resolve1

    spec = resolve1(spec) or {}
    subtype = _lit(spec.get("Subtype"))
    name = base_name(_lit(spec.get("BaseFont")) or "")
    if subtype == "Type3":
        return _FontProgram(True, subtype, name or "Type3", lambda code: None)
    desc_spec = spec
    if subtype == "Type0":
        kids = resolve1(spec.get("DescendantFonts")) or []
        desc_spec = resolve1(kids[0]) if kids else {}
    fd = resolve1(desc_spec.get("FontDescriptor")) or {}
    stream = None
    kind = ""
    for key in ("FontFile2", "FontFile3", "FontFile"):
        if key in fd:
            stream = resolve1(fd[key])
            kind = key
            break
    if stream is None:
        return _FontProgram(False, subtype, name, lambda code: None)
    if kind != "FontFile2":
        return _FontProgram(True, subtype, name, lambda code: None)
    try:
        from fontTools.ttLib import TTFont

        tt = TTFont(io.BytesIO(stream.get_data()), lazy=True)
        order = tt.getGlyphOrder()
        num = len(order)
    except Exception:
        return _FontProgram(True, subtype, name, lambda code: None)
    if subtype == "Type0":
        cmap_obj = resolve1(desc_spec.get("CIDToGIDMap"))
        if cmap_obj is None or _lit(cmap_obj) == "Identity":
            return _FontProgram(True, subtype, name, lambda cid: cid if cid < num else 0)
        try:
            raw = cmap_obj.get_data()
        except Exception:
            return _FontProgram(True, subtype, name, lambda code: None)

        def cid_gid(cid: int) -> int | None:
            if 2 * cid + 1 >= len(raw):
                return 0
            return raw[2 * cid] << 8 | raw[2 * cid + 1]

        return _FontProgram(True, subtype, name, cid_gid)
    # simple TrueType: the embedded cmap's (3,0) or (1,0) subtable maps codes to glyphs
    try:
        tables = {(t.platformID, t.platEncID): t.cmap for t in tt["cmap"].tables}
    except Exception:
        return _FontProgram(True, subtype, name, lambda code: None)
    gid_by_name = {g: i for i, g in enumerate(order)}
    sym = tables.get((3, 0))
    mac = tables.get((1, 0))
    if sym is None and mac is None:
        return _FontProgram(True, subtype, name, lambda code: None)

    def code_gid(code: int) -> int | None:
        for table, key in ((sym, code | 0xF000), (sym, code), (mac, code)):
            if table is not None and key in table:
                glyph = table[key]
                return gid_by_name.get(glyph, 0)
        return 0

    return _FontProgram(True, subtype, name, code_gid)


def _lit(value: Any) -> str:
    from pdfminer.psparser import PSLiteral

    if isinstance(value, PSLiteral):
        name = value.name
        return name.decode("latin-1") if isinstance(name, bytes) else str(name)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value) if value is not None else ""


def _check_codes(
    page_no: int,
    height: float,
    records: list[tuple[Any, int, float, float, Any]],
    programs: dict[int, _FontProgram],
    fonts: dict[str, FontUse],
    missing: list[MissingGlyph],
) -> None:
    for font, cid, x, y, spec in records:
        key = getattr(spec, "objid", None) or (id(spec) if spec is not None else id(font))
        prog = programs.get(key)
        if prog is None:
            if spec is not None:
                prog = _font_program(spec)
            else:
                prog = _FontProgram(
                    True, "", base_name(getattr(font, "fontname", "")), lambda code: None
                )
            programs[key] = prog
        name = prog.name or base_name(getattr(font, "fontname", "?"))
        use = fonts.setdefault(name, FontUse(name, prog.subtype, prog.embedded))
        use.embedded = use.embedded and prog.embedded
        use.pages.add(page_no)
        try:
            text = font.to_unichr(cid)
        except Exception:
            text = ""
        if text.isspace():
            continue
        if prog.embedded and prog.gid_of(cid) == 0:
            missing.append(
                MissingGlyph(page_no, text or f"(cid:{cid})", name, "glyph 0", x, height - y)
            )
            continue
        if text and all(ord(c) < 0x20 for c in text):
            missing.append(
                MissingGlyph(page_no, f"U+{ord(text[0]):04X}", name, "control", x, height - y)
            )
            continue
        if "\ufffd" in text:
            missing.append(MissingGlyph(page_no, text, name, "U+FFFD", x, height - y))
            continue


# --------------------------------------------------------------------------------------------
# Entry point


def measure_pdf(source: str | Path | bytes) -> PdfMeasure:
    """Measure every page of a PDF (a path or its bytes)."""
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    except Exception as e:  # pdfminer raises many kinds on a broken file
        raise MeasureError(f"无法读取 PDF：{e}") from e
    with pdf:
        try:
            pages = []
            fonts: dict[str, FontUse] = {}
            missing: list[MissingGlyph] = []
            programs: dict[int, _FontProgram] = {}
            for page in pdf.pages:
                n = page.page_number
                records, stroked = _interpret(page)
                _check_codes(n, float(page.height), records, programs, fonts, missing)
                glyphs = []
                for c in page.chars:
                    t = c.get("text", "")
                    if not t or t.isspace() or not c.get("upright", True):
                        continue
                    m = c["matrix"]
                    base = float(page.height) - float(m[5])
                    size = float(c["size"])
                    glyphs.append(
                        Glyph(
                            t,
                            float(c["x0"]),
                            float(c["x1"]),
                            base - EM_ASCENT * size,
                            base + (1 - EM_ASCENT) * size,
                            base,
                            size,
                            base_name(c.get("fontname", "")),
                            to_rgb(c.get("non_stroking_color")),
                            (round(float(m[4]), 2), round(float(m[5]), 2)) in stroked,
                        )
                    )
                pages.append(
                    PageMeasure(
                        n,
                        float(page.width),
                        float(page.height),
                        _group_lines(n, glyphs),
                        _strokes(page, n),
                    )
                )
        except MeasureError:
            raise
        except Exception as e:
            raise MeasureError(f"无法读取 PDF：{e}") from e
    # text pdfminer could not map to Unicode comes out as "(cid:N)"
    for p in pages:
        for ln in p.lines:
            if "(cid:" in ln.compact:
                missing.append(
                    MissingGlyph(
                        p.number, "(cid)", ln.glyphs[0].font, "no Unicode", ln.x0, ln.baseline
                    )
                )
    return PdfMeasure(pages, fonts, missing)
