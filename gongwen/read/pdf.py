"""A PDF read once: where every glyph and rule is, and the letter's paragraphs.

:func:`read_pdf_geometry` is the one reading of a PDF (pdfplumber, i.e. pdfminer): glyphs
grouped into lines by baseline, horizontal rules, the fonts used and whether they are
embedded, and the glyphs a font cannot show. A second, light pass over the content streams
records the character code of every glyph drawn, to tell which glyphs are glyph 0 (.notdef)
of their embedded font, and which fonts are used but not embedded.

:func:`read_pdf_bytes` adds the letter's text: each page's lines split where items stand far
apart (份号 flush left, 发文字号 flush right), the printed page number ("— N —", "-N-",
"第N页") and running headers or footers (text outside the type area repeated on several
pages) set aside, and the lines joined back into paragraphs — a line continues the paragraph
above when that line ran to the right edge of the text and this one starts flush left
without a blank line between; a centred line of title size continues a centred line above
it; a hanging indent (附件说明, 抄送) continues its item.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import spec
from ..errors import GongwenError
from ..grammar import (
    ATTACHMENT_LABEL,
    parse_attachment_label,
    parse_heading_number,
    parse_page_number,
    parse_print_line,
)
from ..layout.pages import EM_ASCENT  # the ideographic em box the layout centres glyphs by
from ..textnorm import normalise
from .geometry import (
    FontUse,
    Glyph,
    MissingGlyph,
    PdfGeometry,
    PdfPage,
    Stroke,
    TextLine,
    to_rgb,
)
from .model import Paragraph, Reading, RoleSource, Run, SourceKind, clean_paragraph

BASELINE_TOLERANCE = 1.0  # pt: glyphs within this of a line's baseline belong to it
SEGMENT_GAP_EM = 1.5
ITEM_GAP_EM = 3.0  # a gap this wide on one baseline sets two items of the letter apart
FULL_LINE_EM = 1.25  # a line ending this close to the text's right edge ran to the measure
SMALL_LINE_EM = 2.5  # the same for a line smaller than the body's (its own size)
OVERDRAW_EM = 0.2  # the same glyph drawn again this close: bold faked by overprinting
STROKE_MODES = (1, 2, 5, 6)  # PDF text render modes that stroke the outline


UNREADABLE = "不是可读的 PDF 文件，文件已损坏或不完整"


class PdfReadError(GongwenError):
    """The file is not a PDF pdfplumber can read."""


# --- font names ----------------------------------------------------------------------------------
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def _gbk_or_utf8(raw: bytes) -> str | None:
    for enc in ("gbk", "utf-8"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def decode_pdf_name(name: str) -> str:
    """A PDF font name as text: GBK-encoded names (``#B7#C2#CB#CE_GB2312``) decoded, whether
    pdfminer passes them on as Latin-1 text or as the repr of their bytes."""
    if len(name) > 3 and name[:2] in ("b'", 'b"') and name[-1] == name[1]:
        import ast

        try:
            raw = ast.literal_eval(name)
        except (ValueError, SyntaxError):
            raw = None
        if isinstance(raw, bytes):
            text = _gbk_or_utf8(raw)
            return text if text is not None else raw.decode("latin-1")
    if any(0x80 <= ord(c) <= 0xFF for c in name):
        text = _gbk_or_utf8(name.encode("latin-1", "replace"))
        if text is not None:
            return text
    return name


def base_name(name: str) -> str:
    """The font name without its subset prefix, decoded."""
    return _SUBSET.sub("", decode_pdf_name(name).strip())


# --- glyphs → lines, rules ---------------------------------------------------------------------
def group_lines(page_no: int, glyphs: list[Glyph], spaces: list[Glyph]) -> list[TextLine]:
    """Glyphs sharing a baseline as lines, top to bottom; a glyph drawn again on itself (bold
    faked by overprinting) counts once and is marked ``stroked``; each whitespace character
    drawn goes to the line whose baseline it shares."""
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
    spaces.sort(key=lambda g: (g.baseline, g.x0))
    for sp in spaces:
        line = next((ln for ln in lines if abs(ln.baseline - sp.baseline) <= BASELINE_TOLERANCE),
                    None)
        if line is not None and not any(abs(sp.x0 - o.x0) < OVERDRAW_EM * sp.size
                                        for o in line.spaces[-1:]):
            line.spaces.append(sp)
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


def _font_program(font_spec: Any) -> _FontProgram:
    from pdfminer.pdftypes import resolve1

    font_spec = resolve1(font_spec) or {}
    subtype = _lit(font_spec.get("Subtype"))
    name = base_name(_lit(font_spec.get("BaseFont")) or "")
    if subtype == "Type3":
        return _FontProgram(True, subtype, name or "Type3", lambda code: None)
    desc_spec = font_spec
    if subtype == "Type0":
        kids = resolve1(font_spec.get("DescendantFonts")) or []
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
    for font, cid, x, y, font_spec in records:
        key = getattr(font_spec, "objid", None) or (
            id(font_spec) if font_spec is not None else id(font))
        prog = programs.get(key)
        if prog is None:
            if font_spec is not None:
                prog = _font_program(font_spec)
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


# --- the one reading of a PDF ------------------------------------------------------------------
def _unreadable(label: str, exc: BaseException) -> PdfReadError:
    """pdfminer's failure as a message: an encrypted file says so, a damaged one names the
    error's kind."""
    from ..limits import pdf_error

    reason = pdf_error(exc)
    if "加密" in reason:
        return PdfReadError(f"{label}: {reason}")
    return PdfReadError(f"{label}: {UNREADABLE}（{type(exc).__name__}）")


def read_pdf_geometry(source: str | Path | bytes, name: str | None = None) -> PdfGeometry:
    """Every page of a PDF (a path or its bytes): lines, rules, fonts, missing glyphs.

    Within :mod:`gongwen.limits`: a file of at most 128 MiB whose Flate streams inflate to
    at most 64 MiB each and 256 MiB together (checked before pdfminer decodes them) and at
    most 500 pages; each page's caches are released once it is read."""
    import pdfplumber

    from .. import limits

    label = name or (str(source) if not isinstance(source, bytes) else "<pdf>")
    data = source if isinstance(source, bytes) else limits.read_bounded(
        source, limits.MAX_PDF_BYTES, what="PDF 文件")
    limits.check_pdf(data, label)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        count = len(pdf.pages)
    except Exception as e:  # pdfminer raises many kinds on a broken file
        raise _unreadable(label, e) from e
    if count > limits.MAX_PDF_PAGES:
        pdf.close()
        limits.check_pdf_pages(count, label)
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
                glyphs: list[Glyph] = []
                spaces: list[Glyph] = []
                for c in page.chars:
                    t = c.get("text", "")
                    if not t or not c.get("upright", True):
                        continue
                    m = c["matrix"]
                    base = float(page.height) - float(m[5])
                    size = float(c["size"])
                    (spaces if t.isspace() else glyphs).append(
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
                    PdfPage(
                        n,
                        float(page.width),
                        float(page.height),
                        group_lines(n, glyphs, spaces),
                        _strokes(page, n),
                    )
                )
                page.close()  # pdfplumber's caches of this page: memory stays flat
        except PdfReadError:
            raise
        except Exception as e:
            raise _unreadable(label, e) from e
    # text pdfminer could not map to Unicode comes out as "(cid:N)"
    for p in pages:
        for ln in p.lines:
            if "(cid:" in ln.compact:
                missing.append(
                    MissingGlyph(
                        p.number, "(cid)", ln.glyphs[0].font, "no Unicode", ln.x0, ln.baseline
                    )
                )
    return PdfGeometry(pages, fonts, missing)


# --- the letter's text: items, page furniture, paragraphs -----------------------------------------
def _items(line: TextLine) -> list[TextLine]:
    """A baseline may hold several items (份号 flush left, 发文字号 flush right): the line
    split where the gap between two glyphs is wider than three of them. A right-hand part
    ending in 印发 (the 版记's date) stays with its line."""
    parts: list[list[Glyph]] = [[line.glyphs[0]]]
    for a, b in itertools.pairwise(line.glyphs):
        if b.x0 - a.x1 > ITEM_GAP_EM * b.size:
            parts.append([])
        parts[-1].append(b)
    out: list[list[Glyph]] = []
    for part in parts:
        if out and parse_print_line("".join(g.text for g in part)) is not None:
            out[-1].extend(part)
        else:
            out.append(part)
    if len(out) == 1:
        return [line]
    items = [TextLine(line.page, line.index, line.baseline, part, [part]) for part in out]
    for sp in line.spaces:
        owner = next((it for it in reversed(items) if it.glyphs[0].x0 <= sp.x0), items[0])
        owner.spaces.append(sp)
    return items


def _mask_digits(text: str) -> str:
    return re.sub(r"\d+", "#", normalise(text))


def _furniture(pages: list[PdfPage]) -> None:
    """Each page's ``content``, ``page_number`` and ``furniture`` from its lines."""
    items = {p.number: [it for ln in p.lines for it in _items(ln)] for p in pages}

    def area(p: PdfPage) -> tuple[float, float]:
        scale = p.height / spec.PAGE_HEIGHT
        return spec.MARGIN_TOP * scale, (spec.PAGE_HEIGHT - spec.MARGIN_BOTTOM) * scale

    # running headers/footers: outside the type area and repeated on two or more pages
    outside: Counter[str] = Counter()
    for p in pages:
        top, bottom = area(p)
        for key in {_mask_digits(it.drawn) for it in items[p.number]
                    if it.baseline < top - 4 or it.top > bottom + 4}:
            outside[key] += 1
    for p in pages:
        top, bottom = area(p)
        for it in items[p.number]:
            out_of_area = it.baseline < top - 4 or it.top > bottom + 4
            number = parse_page_number(it.drawn) is not None
            if out_of_area and number and p.page_number is None:
                p.page_number = it
            elif out_of_area and len(pages) > 1 and outside[_mask_digits(it.drawn)] >= 2:
                p.furniture.append(it)
            elif number and it.top > bottom + 4:
                p.page_number = p.page_number or it
            else:
                p.content.append(it)


def read_pdf_bytes(data: bytes, name: str = "<pdf>") -> Reading:
    """A PDF with a text layer: its geometry, and lines joined into paragraphs with roles
    guessed from their text and place."""
    return geometry_reading(read_pdf_geometry(data, name), name, SourceKind.PDF, pdf=data)


def geometry_reading(geometry: PdfGeometry, name: str, kind: SourceKind,
                     pdf: bytes | None = None) -> Reading:
    """The reading of a page geometry (a PDF's or an OFD's): its lines joined into
    paragraphs with roles guessed from their text and place."""
    from .roles import guess_roles

    if not any(p.lines for p in geometry.pages):
        kind_name = kind.value.upper()
        raise PdfReadError(f"{name}: {kind_name} 中没有文字层（可能是扫描件），无法比较文字")
    _furniture(geometry.pages)
    paras = _join_lines([ln for p in geometry.pages for ln in p.content])
    return Reading(name, kind, tuple(guess_roles(paras)), RoleSource.GUESSED,
                   geometry=geometry, pdf=pdf)


def _join_lines(lines: Sequence[TextLine]) -> list[Paragraph]:
    """Lines → paragraphs by first-line indent and line-end position."""
    if not lines:
        return []
    body = [ln for ln in lines if len(ln.drawn) >= 6] or list(lines)
    em = statistics.median(ln.max_size for ln in body)
    # the text's margins from the page geometry: where the text starts furthest left and
    # ends furthest right (not the commonest line start, which is the paragraph indent when
    # most paragraphs are short); a line that overhangs the measure by a character (one
    # LibreOffice set with 29) is absorbed by FULL_LINE_EM
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    mid = (left + right) / 2

    def align(ln: TextLine) -> str:
        if ln.x0 <= left + 0.5 * em and ln.x1 >= right - FULL_LINE_EM * em:
            return "justify"
        if abs((ln.x0 + ln.x1) / 2 - mid) < 0.75 * em and ln.x0 > left + 0.25 * em:
            return "center"
        if ln.x0 > mid and ln.x1 >= right - 5 * em:
            return "right"
        return "left"

    paras: list[list[TextLine]] = []
    for ln in lines:
        if paras:
            prev = paras[-1][-1]
            size, prev_size = ln.max_size, prev.max_size
            same_page = prev.page == ln.page
            gap_ok = not same_page or ln.baseline - prev.baseline <= 1.6 * max(
                size, prev_size, em * 1.8)
            similar = abs(size - prev_size) < 0.5
            # a smaller line (the 版记's 4号) also stops a character short of the edge
            slack = FULL_LINE_EM * em if prev_size > em - 0.5 else SMALL_LINE_EM * prev_size
            full = prev.x1 >= right - slack and prev.x0 < mid
            runs_on = (full and ln.x0 <= left + 0.5 * em
                       and parse_attachment_label(ln.drawn) is None)  # 附件 starts a page
            # a hanging indent (附件说明, 抄送): the wrapped line starts right of the margin,
            # but not at the usual two-character paragraph indent, is no new list item, and
            # the line above ends no sentence
            hanging = (
                full and left + 0.5 * em < ln.x0 < mid and not prev.drawn.endswith(("。", "；"))
                and abs(ln.x0 - left - 2 * size) > 0.3 * size
                and ln.x0 >= paras[-1][0].x0 - 0.3 * size
                and not _list_item(ln.drawn)
            )
            title_like = (
                align(prev) in ("center", "justify") and align(ln) == "center"
                and prev_size >= 1.2 * em and same_page
            )
            if gap_ok and similar and (runs_on or hanging or title_like):
                paras[-1].append(ln)
                continue
        paras.append([ln])

    out: list[Paragraph] = []
    for group in paras:
        first = group[0]
        line_no = 1 + sum(1 for ln in lines if ln.page == first.page
                          and ln.baseline < first.baseline)
        out.append(
            Paragraph(
                clean_paragraph("".join(ln.drawn for ln in group)), None,
                f"第 {first.page} 页第 {line_no} 行", first.page,
                align=align(first) if len(group) == 1 else
                ("center" if align(first) == "center" else "justify"),
                size=max(ln.max_size for ln in group),
                red=all(ln.red for ln in group),
                runs=_runs(g for ln in group for g in ln.glyphs),
            )
        )
    return out


def _list_item(text: str) -> bool:
    """A line starting a new item: a heading number or 附件."""
    t = normalise(text)
    return parse_heading_number(t) is not None or t.startswith(ATTACHMENT_LABEL)


def _runs(glyphs: Any) -> tuple[Run, ...]:
    """Glyphs as runs of one font and size."""
    out: list[Run] = []
    text: list[str] = []
    key: tuple[str, float] | None = None
    for g in glyphs:
        k = (g.font, round(g.size, 2))
        if key is not None and k != key:
            out.append(Run("".join(text), key[0], key[1]))
            text = []
        key = k
        text.append(g.text)
    if key is not None:
        out.append(Run("".join(text), key[0], key[1]))
    return tuple(out)
