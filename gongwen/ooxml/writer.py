"""WordprocessingML the DOCX exporter writes: every tag, attribute and schema order.

:mod:`gongwen.export.docx` decides *what* goes into the document; this module knows *how*
OOXML spells it (as python-docx's ``oxml`` layer does). Units: twips (1/20 pt), half-points,
eighths of a point for borders, EMU (12 700 per pt) for DrawingML.
"""

from __future__ import annotations

import io
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass

from lxml import etree

from . import NSMAP, W, qn  # noqa: F401 - the exporter and its tests use them from here

EMU_PER_PT = 12700


def el(tag: str, attrs: dict[str, object] | None = None, *children: etree._Element | None
       ) -> etree._Element:
    """An element with prefixed attribute names (``{'w:val': 1}``) and children (None skipped).

    Elements built without children are kept per thread by tag and attributes, and later
    ones are copies of them (a copy costs a sixth of building one; same element)."""
    if not children:
        made = _MADE.__dict__.setdefault("elements", {})
        key = (tag, tuple(attrs.items())) if attrs else tag
        try:
            cached = made.get(key)
        except TypeError:  # an unhashable value: built anew
            cached = key = None
        if cached is not None:
            return copy(cached)
        if key is not None:
            if len(made) >= 4096:
                made.clear()
            made[key] = node = _element(tag, attrs)
            return copy(node)
    node = _element(tag, attrs)
    for child in children:
        if child is not None:
            node.append(child)
    return node


def _element(tag: str, attrs: dict[str, object] | None) -> etree._Element:
    known = _TAGS.get(tag)
    if known is None:
        known = _TAGS[tag] = (qn(tag), _nsmap_for(tag))
    node = etree.Element(known[0], nsmap=known[1])
    if attrs:
        for key, value in attrs.items():
            if value is None:
                continue
            name = _ATTRS.get(key)
            if name is None:  # bare names (DrawingML attributes) go in unprefixed
                name = _ATTRS[key] = qn(key) if ":" in key else key
            node.set(name, _str(value))
    return node


_MADE = threading.local()  # elements: an element (no children) by tag and attributes
_TAGS: dict[str, tuple[str, dict[str, str]]] = {}  # a tag's Clark name and namespace map
_ATTRS: dict[str, str] = {}  # an attribute's name as lxml takes it


def _nsmap_for(tag: str) -> dict[str, str]:
    prefix = tag.split(":")[0]
    return {prefix: NSMAP[prefix]}


def _str(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(round(value))
    return str(value)


def tw(points: float) -> int:
    """Points → twips."""
    return round(points * 20)


def emu(points: float) -> int:
    """Points → EMU."""
    return round(points * EMU_PER_PT)


# --- Schema order ----------------------------------------------------------------------------
def _order(names: str) -> tuple[str, ...]:
    return tuple(names.split())


PPR_ORDER = _order(
    "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers "
    "pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle "
    "rPr sectPr pPrChange"
)
RPR_ORDER = _order(
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
)
SECTPR_ORDER = _order(
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
    "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
    "docGrid printerSettings sectPrChange"
)
TBLPR_ORDER = _order(
    "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
    "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook"
)
STYLE_ORDER = _order(
    "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed "
    "qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr"
)
TCPR_ORDER = _order(
    "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText "
    "vAlign hideMark"
)
TRPR_ORDER = _order(
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader "
    "tblCellSpacing jc hidden"
)
BORDER_ORDER = _order("top left bottom right between bar insideH insideV")
ORDERS = {"pPr": PPR_ORDER, "rPr": RPR_ORDER, "sectPr": SECTPR_ORDER, "tblPr": TBLPR_ORDER,
          "style": STYLE_ORDER, "tcPr": TCPR_ORDER, "trPr": TRPR_ORDER, "pBdr": BORDER_ORDER,
          "tblBorders": BORDER_ORDER, "tblCellMar": BORDER_ORDER, "tcMar": BORDER_ORDER}


def put(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Insert ``child`` into a w: property element at its schema position, replacing a
    same-named child (repeatable header/footer references are matched by type)."""
    order = ORDERS[etree.QName(parent).localname]
    name = etree.QName(child).localname
    rank = order.index(name)
    for existing in parent:
        ename = etree.QName(existing).localname
        if ename == name and name not in ("headerReference", "footerReference"):
            existing.addprevious(child)
            parent.remove(existing)
            return child
    for existing in parent:
        ename = etree.QName(existing).localname
        if ename in order and order.index(ename) > rank:
            existing.addprevious(child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: etree._Element, tag: str) -> etree._Element:
    """The child ``tag`` of a property container, created at its schema position."""
    found = parent.find(qn(tag))
    return found if found is not None else put(parent, el(tag))


# --- Run and paragraph properties -------------------------------------------------------------
def rfonts(family: str | None = None, hint: str | None = None) -> etree._Element:
    """All four font slots set to ``family`` (ascii, hAnsi, eastAsia, cs), optional hint."""
    attrs: dict[str, object] = {}
    if family:
        attrs = {"w:ascii": family, "w:hAnsi": family, "w:eastAsia": family, "w:cs": family}
    if hint:
        attrs["w:hint"] = hint
    return el("w:rFonts", attrs)


def rpr(*, style: str | None = None, family: str | None = None, hint: str | None = None,
        size: float | None = None, color: str | None = None, spacing: float | None = None,
        lang_east_asia: str | None = None, separator: bool = False,
        scale: int | None = None) -> etree._Element:
    """A run property element in schema order (sizes and spacing in points). ``separator``:
    hidden and always hidden (``w:vanish`` + ``w:specVanish``), which on a paragraph mark
    makes it Word's style separator: the paragraph runs on into the next one.

    Each set of arguments is built once per thread; later calls get a copy (same XML)."""
    key = (style, family, hint, size, color, spacing, lang_east_asia, separator, scale)
    made = _MADE.__dict__.setdefault("rpr", {})
    cached = made.get(key)
    if cached is None:
        if len(made) >= 4096:
            made.clear()
        cached = made[key] = _rpr(style, family, hint, size, color, spacing, lang_east_asia,
                                  separator, scale)
    return copy(cached)


def _rpr(style: str | None, family: str | None, hint: str | None, size: float | None,
         color: str | None, spacing: float | None, lang_east_asia: str | None,
         separator: bool, scale: int | None) -> etree._Element:
    node = el("w:rPr")
    if style:
        put(node, el("w:rStyle", {"w:val": style}))
    if family or hint:
        put(node, rfonts(family, hint))
    if separator:
        put(node, el("w:vanish"))
        put(node, el("w:specVanish"))
    if color:
        put(node, el("w:color", {"w:val": color}))
    if spacing is not None:
        put(node, el("w:spacing", {"w:val": tw(spacing)}))
    if scale is not None:
        put(node, el("w:w", {"w:val": scale}))
    if size:
        put(node, el("w:sz", {"w:val": round(size * 2)}))
        put(node, el("w:szCs", {"w:val": round(size * 2)}))
    if lang_east_asia:
        put(node, el("w:lang", {"w:val": "en-US", "w:eastAsia": lang_east_asia,
                                "w:bidi": "ar-SA"}))
    return node


@dataclass(frozen=True, slots=True)
class Indent:
    """Paragraph indents in points plus the same in characters (hundredths) for Word."""

    left: float = 0.0
    right: float = 0.0
    first_line: float = 0.0
    hanging: float = 0.0
    char: float = 16.0  # the character the *_chars attributes count

    def element(self) -> etree._Element:
        def chars(points: float) -> int:
            return round(points / self.char * 100)

        # every indent written, so that none is inherited from the style (a style's hanging
        # indent under a paragraph that sets only its left one, …)
        attrs: dict[str, object] = {"w:left": tw(self.left), "w:leftChars": chars(self.left),
                                    "w:right": tw(self.right),
                                    "w:rightChars": chars(self.right)}
        if self.hanging:
            attrs.update({"w:hanging": tw(self.hanging), "w:hangingChars": chars(self.hanging)})
        else:
            attrs.update({"w:firstLine": tw(self.first_line),
                          "w:firstLineChars": chars(self.first_line)})
        return el("w:ind", attrs)


JC = {"justify": "both", "left": "left", "center": "center", "right": "right",
      "distribute": "distribute"}


@dataclass(frozen=True, slots=True)
class Border:
    """One border line: ``width`` and ``space`` (distance from the text) in points."""

    width: float
    color: str = "000000"
    space: float = 0.0

    def element(self, side: str) -> etree._Element:
        return el(f"w:{side}", {"w:val": "single", "w:sz": round(self.width * 8),
                                "w:space": round(self.space), "w:color": self.color})


def borders(tag: str, sides: dict[str, Border | None]) -> etree._Element:
    """A border container (``w:pBdr``, ``w:tblBorders``) in schema order; a side given as
    None is written as no border (``nil``)."""
    node = el(tag)
    for side, border in sides.items():
        put(node, border.element(side) if border else el(f"w:{side}", {"w:val": "nil"}))
    return node


@dataclass(frozen=True, slots=True)
class Frame:
    """A frame (``w:framePr``): a paragraph placed at a position of the page (points).
    ``y`` from the page top (``v_anchor`` "page"); horizontally ``x_align`` in the margin
    box; ``width`` (None: automatic, fitted to the content); ``height`` exact (None:
    automatic)."""

    y: float
    width: float | None
    height: float | None
    x_align: str = "center"
    h_anchor: str = "margin"
    v_anchor: str = "page"
    wrap: str = "around"

    def element(self) -> etree._Element:
        size: dict[str, object] = {}
        if self.width is not None:
            size["w:w"] = tw(self.width)
        if self.height is not None:
            size.update({"w:h": tw(self.height), "w:hRule": "exact"})
        return el("w:framePr", {**size, "w:wrap": self.wrap, "w:vAnchor": self.v_anchor,
                                "w:hAnchor": self.h_anchor, "w:xAlign": self.x_align,
                                "w:y": tw(self.y)})


def ppr(*, style: str | None = None, keep_next: bool | None = None,
        page_break_before: bool = False, line: float | None = None,
        before: float | None = None, after: float | None = None,
        indent: Indent | None = None, align: str | None = None,
        widow_control: bool | None = None, keep_lines: bool | None = None,
        outline_level: int | None = None, snap_to_grid: bool | None = None,
        tabs: Sequence[tuple[str, float]] = (), east_asian_defaults: bool = False,
        frame: Frame | None = None, border: dict[str, Border | None] | None = None,
        mark: etree._Element | None = None,
        ) -> etree._Element:
    """A paragraph property element in schema order (lengths in points). ``mark``: the
    paragraph mark's run properties."""
    node = el("w:pPr")
    if style:
        put(node, el("w:pStyle", {"w:val": style}))
    if keep_next is not None:
        put(node, el("w:keepNext", {"w:val": keep_next}))
    if keep_lines is not None:
        put(node, el("w:keepLines", {"w:val": keep_lines}))
    if page_break_before:
        put(node, el("w:pageBreakBefore"))
    if frame is not None:
        put(node, frame.element())
    if widow_control is not None:
        put(node, el("w:widowControl", {"w:val": widow_control}))
    if border:
        put(node, borders("w:pBdr", border))
    if tabs:
        put(node, el("w:tabs", None, *(el("w:tab", {"w:val": kind, "w:pos": tw(pos)})
                                        for kind, pos in tabs)))
    if east_asian_defaults:
        put(node, el("w:kinsoku", {"w:val": 1}))
        # Word's default (punctuation may overflow the line); LibreOffice 7.4 reads the value
        # inverted on import: 1 turns its hanging punctuation off, which the PDF never uses
        put(node, el("w:overflowPunct", {"w:val": 1}))
        put(node, el("w:autoSpaceDE", {"w:val": 0}))
        put(node, el("w:autoSpaceDN", {"w:val": 0}))
    if snap_to_grid is not None:
        put(node, el("w:snapToGrid", {"w:val": snap_to_grid}))
    if line is not None or before is not None or after is not None:
        attrs: dict[str, object] = {}
        if before is not None:
            attrs.update({"w:before": tw(before), "w:beforeAutospacing": 0})
        if after is not None:
            attrs.update({"w:after": tw(after), "w:afterAutospacing": 0})
        if line is not None:
            attrs.update({"w:line": tw(line), "w:lineRule": "exact"})
        put(node, el("w:spacing", attrs))
    if indent is not None:
        put(node, indent.element())
    if align:
        put(node, el("w:jc", {"w:val": JC[align]}))
    if outline_level is not None:
        put(node, el("w:outlineLvl", {"w:val": outline_level}))
    if mark is not None:
        put(node, mark)
    return node


def paragraph(props: etree._Element | None, *runs: etree._Element) -> etree._Element:
    """A w:p with its properties (or none) and runs."""
    return el("w:p", None, props, *runs)


def paragraph_properties(p: etree._Element) -> etree._Element | None:
    """The w:pPr of a paragraph written by :func:`paragraph`."""
    return p.find(qn("w:pPr"))


def space_before(p_pr: etree._Element, points: float) -> None:
    """Set the space before a paragraph (w:spacing/@w:before), replacing any spacing."""
    put(p_pr, el("w:spacing", {"w:before": tw(points), "w:beforeAutospacing": 0}))


def text_run(text: str, props: etree._Element | None = None) -> etree._Element:
    """A run of text; '\\n' becomes a line break, '\\t' a tab."""
    run = el("w:r", None, props)
    for piece in _BREAKS.split(text):  # text, and each "\n" or "\t" on its own
        if piece == "\n":
            run.append(el("w:br"))
        elif piece == "\t":
            run.append(el("w:tab"))
        elif piece:
            t = el("w:t", None)
            t.text = piece
            if piece != piece.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.append(t)
    return run


_BREAKS = re.compile(r"([\n\t])")


def field_runs(instruction: str, placeholder: str, props: etree._Element | None
               ) -> list[etree._Element]:
    """A complex field (begin, instruction, separate, cached result, end) as runs."""

    def props_copy() -> etree._Element | None:
        return None if props is None else etree.fromstring(etree.tostring(props))

    instr = el("w:instrText", None)
    instr.text = f" {instruction} "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [
        el("w:r", None, props_copy(), el("w:fldChar", {"w:fldCharType": "begin"})),
        el("w:r", None, props_copy(), instr),
        el("w:r", None, props_copy(), el("w:fldChar", {"w:fldCharType": "separate"})),
        text_run(placeholder, props_copy()),
        el("w:r", None, props_copy(), el("w:fldChar", {"w:fldCharType": "end"})),
    ]


# --- Styles ---------------------------------------------------------------------------------
def style(kind: str, style_id: str, name: str, *, based_on: str | None = None,
          next_style: str | None = None, default: bool = False, ui_priority: int | None = None,
          quick: bool = True, hidden: bool = False, p_pr: etree._Element | None = None,
          r_pr: etree._Element | None = None, extra: Iterable[etree._Element] = (),
          link: str | None = None) -> etree._Element:
    """A w:style element with its children in schema order; ``link``: the linked style (a
    paragraph style's character twin, or the reverse)."""
    node = el("w:style", {"w:type": kind, "w:styleId": style_id,
                          "w:default": 1 if default else None})
    put(node, el("w:name", {"w:val": name}))
    if based_on:
        put(node, el("w:basedOn", {"w:val": based_on}))
    if next_style:
        put(node, el("w:next", {"w:val": next_style}))
    if link:
        put(node, el("w:link", {"w:val": link}))
    if ui_priority is not None:
        put(node, el("w:uiPriority", {"w:val": ui_priority}))
    if hidden:  # not shown in Word's style gallery until used
        put(node, el("w:semiHidden"))
        put(node, el("w:unhideWhenUsed"))
    if quick:
        put(node, el("w:qFormat"))
    if p_pr is not None:
        put(node, p_pr)
    if r_pr is not None:
        put(node, r_pr)
    for child in extra:
        put(node, child)
    return node


def doc_defaults(r_pr: etree._Element, p_pr: etree._Element) -> etree._Element:
    return el("w:docDefaults", None, el("w:rPrDefault", None, r_pr),
              el("w:pPrDefault", None, p_pr))


def table_normal_style() -> etree._Element:
    """Word's default table style (cell margins 0, no theme)."""
    tbl_pr = el("w:tblPr", None,
                el("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
                el("w:tblCellMar", None,
                   el("w:top", {"w:w": 0, "w:type": "dxa"}),
                   el("w:left", {"w:w": 0, "w:type": "dxa"}),
                   el("w:bottom", {"w:w": 0, "w:type": "dxa"}),
                   el("w:right", {"w:w": 0, "w:type": "dxa"})))
    return style("table", "TableNormal", "Normal Table", default=True, ui_priority=99,
                 quick=False, hidden=True, extra=[tbl_pr])


def strip_theme_fonts(root: etree._Element) -> int:
    """Remove every theme-font attribute (asciiTheme, eastAsiaTheme, …) below ``root``."""
    removed = 0
    for node in root.iter(qn("w:rFonts")):
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            key = qn(f"w:{attr}")
            if key in node.attrib:
                del node.attrib[key]
                removed += 1
    return removed


# --- Body and section --------------------------------------------------------------------------
def clear_body(body: etree._Element) -> etree._Element:
    """Remove every block of a w:body but its final w:sectPr, which is returned."""
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return body.find(qn("w:sectPr"))


def body_section(body: etree._Element) -> etree._Element:
    """The final w:sectPr of a w:body."""
    return body.find(qn("w:sectPr"))


def settings_for_word(root: etree._Element) -> None:
    """Tidy a template's w:settings: East Asian theme language zh-CN, Word 2013+ layout (no
    compatibility mode), no proofing state or attached template, no theme fonts."""
    lang = root.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    for node in root.iter(qn("w:compatSetting")):
        if node.get(qn("w:name")) == "compatibilityMode":
            node.set(qn("w:val"), "15")
    for tag in ("w:proofState", "w:attachedTemplate"):
        found = root.find(qn(tag))
        if found is not None:
            root.remove(found)
    strip_theme_fonts(root)


# --- Section --------------------------------------------------------------------------------
def page_setup(sect_pr: etree._Element, *, width: float, height: float, top: float,
               bottom: float, left: float, right: float, header: float, footer: float,
               grid_type: str, line_pitch: float, title_page: bool) -> None:
    """Page size, margins, grid and first-page flag on an existing w:sectPr (points)."""
    put(sect_pr, el("w:pgSz", {"w:w": tw(width), "w:h": tw(height)}))
    put(sect_pr, el("w:pgMar", {"w:top": tw(top), "w:right": tw(right), "w:bottom": tw(bottom),
                                "w:left": tw(left), "w:header": tw(header),
                                "w:footer": tw(footer), "w:gutter": 0}))
    put(sect_pr, el("w:cols", {"w:space": 425}))
    set_title_page(sect_pr, title_page)
    put(sect_pr, el("w:docGrid", {"w:type": grid_type, "w:linePitch": tw(line_pitch)}))
    for key in list(sect_pr.attrib):
        del sect_pr.attrib[key]  # rsids from the template



def set_bottom_margin(sect_pr: etree._Element, points: float) -> None:
    """The bottom page margin of a w:sectPr that has a w:pgMar."""
    sect_pr.find(qn("w:pgMar")).set(qn("w:bottom"), str(tw(points)))


# --- Tables ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Float:
    """A floating table's position: ``x`` points from the page's left edge, vertically at
    the ``y_align`` edge ("bottom") of the margin box."""

    x: float
    y_align: str = "bottom"

    def element(self) -> etree._Element:
        return el("w:tblpPr", {"w:leftFromText": 0, "w:rightFromText": 0,
                               "w:topFromText": 0, "w:bottomFromText": 0,
                               "w:vertAnchor": "margin", "w:horzAnchor": "page",
                               "w:tblpX": tw(self.x), "w:tblpYSpec": self.y_align})


def _margins(tag: str, margins: dict[str, float]) -> etree._Element:
    node = el(tag)
    for side, points in margins.items():
        put(node, el(f"w:{side}", {"w:w": tw(points), "w:type": "dxa"}))
    return node


NO_BORDERS = {side: None for side in ("top", "left", "bottom", "right", "insideH", "insideV")}
NO_MARGINS = {"top": 0.0, "left": 0.0, "bottom": 0.0, "right": 0.0}


def table(grid: Sequence[float], rows: Sequence[etree._Element], *, width: float | None = None,
          align: str | None = None, autofit: bool = False,
          sides: dict[str, Border | None] | None = None,
          cell_margins: dict[str, float] | None = None, floating: Float | None = None
          ) -> etree._Element:
    """A w:tbl: column widths ``grid`` (points), ``rows`` from :func:`table_row`. ``width``
    None is Word's automatic width; ``autofit`` lets Word fit the columns to their content
    (fixed widths otherwise); ``sides`` the borders (none by default); ``cell_margins``
    (none by default)."""
    props = el("w:tblPr")
    if floating is not None:
        put(props, floating.element())
    put(props, el("w:tblW", {"w:w": 0 if width is None else tw(width),
                             "w:type": "auto" if width is None else "dxa"}))
    if align:
        put(props, el("w:jc", {"w:val": JC[align]}))
    put(props, borders("w:tblBorders", {**NO_BORDERS, **(sides or {})}))
    put(props, el("w:tblLayout", {"w:type": "autofit" if autofit else "fixed"}))
    put(props, _margins("w:tblCellMar", {**NO_MARGINS, **(cell_margins or {})}))
    put(props, el("w:tblLook", {"w:val": "0000", "w:firstRow": 0, "w:lastRow": 0,
                                "w:firstColumn": 0, "w:lastColumn": 0, "w:noHBand": 1,
                                "w:noVBand": 1}))
    tbl_grid = el("w:tblGrid", None, *(el("w:gridCol", {"w:w": tw(w)}) for w in grid))
    return el("w:tbl", None, props, tbl_grid, *rows)


def table_row(cells: Sequence[etree._Element], *, cant_split: bool = True) -> etree._Element:
    """A w:tr of cells; ``cant_split``: Word and LibreOffice keep the row on one page."""
    props = el("w:trPr")
    if cant_split:
        put(props, el("w:cantSplit"))
    return el("w:tr", None, props, *cells)


def table_cell(paragraphs: Sequence[etree._Element], *, width: float | None = None,
               v_align: str | None = None, margins: dict[str, float] | None = None
               ) -> etree._Element:
    """A w:tc holding ``paragraphs`` (at least one); ``width`` None is automatic."""
    props = el("w:tcPr")
    put(props, el("w:tcW", {"w:w": 0 if width is None else tw(width),
                            "w:type": "auto" if width is None else "dxa"}))
    if margins:
        put(props, _margins("w:tcMar", margins))
    if v_align:
        put(props, el("w:vAlign", {"w:val": v_align}))
    return el("w:tc", None, props, *(paragraphs or [paragraph(None)]))


# --- Markup compatibility -------------------------------------------------------------------
def alternate_content(requires: str, choice: Sequence[etree._Element],
                      fallback: Sequence[etree._Element]) -> etree._Element:
    """``mc:AlternateContent``: readers that understand the namespace ``requires`` (a prefix
    of :data:`NSMAP`) take ``choice``, the others ``fallback``."""
    node = etree.Element(qn("mc:AlternateContent"),
                         nsmap={"mc": NSMAP["mc"], requires: NSMAP[requires]})
    choice_el = el("mc:Choice", {"Requires": requires}, *choice)
    node.append(choice_el)
    node.append(el("mc:Fallback", None, *fallback))
    return node


def section_start(sect_pr: etree._Element, kind: str) -> None:
    """How a section starts: "nextPage", "evenPage", "oddPage", "continuous"."""
    put(sect_pr, el("w:type", {"w:val": kind}))


def set_title_page(sect_pr: etree._Element, on: bool) -> None:
    """Whether the section's first page has its own header and footer (w:titlePg)."""
    found = sect_pr.find(qn("w:titlePg"))
    if on and found is None:
        put(sect_pr, el("w:titlePg"))
    elif not on and found is not None:
        sect_pr.remove(found)


def drop_footer_references(sect_pr: etree._Element, kind: str | None = None) -> None:
    """Remove a section's footer references (of one ``kind``: default, even, first), so
    that it takes the previous section's."""
    for ref in sect_pr.findall(qn("w:footerReference")):
        if kind is None or ref.get(qn("w:type")) == kind:
            sect_pr.remove(ref)


# --- DrawingML: page-anchored shapes ---------------------------------------------------------
def _anchor(shape_id: int, name: str, x: float, y: float, cx: float, cy: float,
            graphic: etree._Element, *, h_from: str = "page", v_from: str = "page",
            behind: bool = False, wrap: str = "none") -> etree._Element:
    """A wp:anchor (in front of text, no wrapping unless ``wrap`` is "topAndBottom") at
    (x, y) points from the page (or ``h_from``/``v_from``)."""
    return el(
        "wp:anchor",
        {"distT": 0, "distB": 0, "distL": 0, "distR": 0, "simplePos": 0,
         "relativeHeight": 251658240 + shape_id, "behindDoc": 1 if behind else 0,
         "locked": 1, "layoutInCell": 1, "allowOverlap": 1},
        el("wp:simplePos", {"x": 0, "y": 0}),
        _pos("wp:positionH", h_from, emu(x)),
        _pos("wp:positionV", v_from, emu(y)),
        el("wp:extent", {"cx": emu(cx), "cy": emu(cy)}),
        el("wp:effectExtent", {"l": 0, "t": 0, "r": 0, "b": 0}),
        el("wp:wrapTopAndBottom") if wrap == "topAndBottom" else el("wp:wrapNone"),
        el("wp:docPr", {"id": shape_id, "name": name}),
        el("wp:cNvGraphicFramePr"),
        graphic,
    )


def _pos(tag: str, relative: str, offset: int) -> etree._Element:
    node = el(tag, {"relativeFrom": relative})
    off = el("wp:posOffset")
    off.text = str(offset)
    node.append(off)
    return node


def _wps_graphic(sp_pr: etree._Element, *body: etree._Element) -> etree._Element:
    uri = NSMAP["wps"]
    nv = el("wps:cNvSpPr")
    return el("a:graphic", None,
              el("a:graphicData", {"uri": uri}, el("wps:wsp", None, nv, sp_pr, *body)))


def _sp_pr(cx: float, cy: float, fill: str | None) -> etree._Element:
    return el("wps:spPr", None,
              el("a:xfrm", None, el("a:off", {"x": 0, "y": 0}),
                 el("a:ext", {"cx": emu(cx), "cy": emu(cy)})),
              el("a:prstGeom", {"prst": "rect"}, el("a:avLst")),
              el("a:solidFill", None, el("a:srgbClr", {"val": fill})) if fill else el("a:noFill"),
              el("a:ln", None, el("a:noFill")))


def _drawing_run(anchor: etree._Element, fallback: etree._Element) -> etree._Element:
    """A run holding an anchor as Word 2010+ DrawingML (``mc:Choice``) and the same object
    in VML (``mc:Fallback``) for readers without DrawingML shapes."""
    return el("w:r", None, alternate_content("wps", [el("w:drawing", None, anchor)],
                                             [el("w:pict", None, fallback)]))


VML_RELATIVE = {"page": "page", "margin": "margin", "paragraph": "text"}


def _vml_style(x: float, y: float, cx: float, cy: float, z: int, h_from: str, v_from: str
               ) -> str:
    return (f"position:absolute;margin-left:{x:.2f}pt;margin-top:{y:.2f}pt;"
            f"width:{cx:.2f}pt;height:{cy:.2f}pt;z-index:{z};"
            f"mso-position-horizontal-relative:{VML_RELATIVE[h_from]};"
            f"mso-position-vertical-relative:{VML_RELATIVE[v_from]}")


def rule_run(shape_id: int, name: str, x: float, y: float, length: float, thickness: float,
             color: str, *, relative: str = "page") -> etree._Element:
    """A horizontal rule: a filled rectangle ``length`` × ``thickness`` with its top-left
    corner at (x, y) points from the page's (or the margin box's) top-left corner."""
    graphic = _wps_graphic(_sp_pr(length, thickness, color), el("wps:bodyPr"))
    anchor = _anchor(shape_id, name, x, y, length, thickness, graphic, h_from=relative,
                     v_from=relative)
    rect = el("v:rect", {"id": f"_x0000_s{1024 + shape_id}", "o:spid": None,
                         "style": _vml_style(x, y, length, thickness, shape_id, relative,
                                             relative),
                         "fillcolor": f"#{color}", "stroked": "f"},
              el("w10:wrap", {"anchorx": VML_RELATIVE[relative],
                              "anchory": VML_RELATIVE[relative]}))
    return _drawing_run(anchor, rect)


def picture_run(anchor: etree._Element, rid: str, *, x: float, y: float, h_from: str,
                v_from: str, behind: bool) -> etree._Element:
    """A run holding a floating picture (a wp:anchor from :func:`inline_to_anchor`) with its
    VML copy (the image relationship ``rid``) as the fallback."""
    extent = anchor.find(qn("wp:extent"))
    cx = int(extent.get("cx")) / EMU_PER_PT
    cy = int(extent.get("cy")) / EMU_PER_PT
    z = -251658240 if behind else 251658240
    shape = el("v:shape", {"id": "_x0000_s2000", "type": "#_x0000_t75",
                           "style": _vml_style(x, y, cx, cy, z, h_from, v_from)},
               el("v:imagedata", {"r:id": rid, "o:title": ""}))
    return _drawing_run(anchor, shape)


def inline_to_anchor(inline: etree._Element, shape_id: int, name: str, x: float, y: float,
                     *, h_from: str, v_from: str, behind: bool = False) -> etree._Element:
    """Turn a python-docx picture (wp:inline) into a floating wp:anchor at (x, y) points,
    in front of the text or (``behind``) behind it."""
    extent = inline.find(qn("wp:extent"))
    graphic = inline.find(qn("a:graphic"))
    cx = int(extent.get("cx")) / EMU_PER_PT
    cy = int(extent.get("cy")) / EMU_PER_PT
    return _anchor(shape_id, name, x, y, cx, cy, graphic, h_from=h_from, v_from=v_from,
                   behind=behind)


# --- Package-level parts --------------------------------------------------------------------
def font_table(fonts: Sequence[tuple[str, Sequence[str]]]) -> bytes:
    """word/fontTable.xml: one entry per family with its alternates in w:altName."""
    root = el("w:fonts")
    for family, alternates in fonts:
        entry = el("w:font", {"w:name": family})
        if alternates:
            entry.append(el("w:altName", {"w:val": ",".join(alternates)}))
        entry.append(el("w:charset", {"w:val": "86"}))
        entry.append(el("w:family", {"w:val": "auto"}))
        entry.append(el("w:pitch", {"w:val": "variable"}))
        root.append(entry)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
    b'docPropsVTypes"><Template>Normal.dotm</Template><Application>gongwen</Application>'
    b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion>"
    b"</Properties>"
)

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


def rezip(data: bytes, replace: dict[str, bytes] | None = None) -> bytes:
    """Re-write a DOCX zip with fixed entry timestamps and attributes, entries in their
    original order ([Content_Types].xml first), optionally replacing some parts' bytes."""
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, replace.get(name, src.read(name)))
    return out.getvalue()


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One part of a package, compressed, as :func:`rezip` writes it: compressed once and
    written into any number of packages (the parts every letter shares)."""

    name: bytes
    crc: int
    size: int
    data: bytes  # raw deflate


def zip_entry(name: str, data: bytes) -> ZipEntry:
    """``data`` compressed as :mod:`zipfile` does for :func:`rezip` (zlib's default level)."""
    deflate = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    packed = deflate.compress(data) + deflate.flush()
    return ZipEntry(name.encode("ascii"), zlib.crc32(data), len(data), packed)


_ZIP_LOCAL = struct.Struct("<4s2B4HL2L2H")
_ZIP_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_ZIP_END = struct.Struct("<4s4H2LH")
_ZIP_VERSION = 20  # deflate
_ZIP_DOS_DATE = (ZIP_DATE_TIME[0] - 1980) << 9 | ZIP_DATE_TIME[1] << 5 | ZIP_DATE_TIME[2]
_ZIP_DOS_TIME = ZIP_DATE_TIME[3] << 11 | ZIP_DATE_TIME[4] << 5 | ZIP_DATE_TIME[5] // 2


def write_zip(entries: Iterable[ZipEntry]) -> bytes:
    """A zip of ``entries`` in order, byte for byte what :func:`rezip` writes for the same
    parts (fixed timestamps and attributes, no data descriptors, no zip64: a letter's parts
    are far below 4 GB)."""
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        header = _ZIP_LOCAL.pack(b"PK\x03\x04", _ZIP_VERSION, 0, 0, zipfile.ZIP_DEFLATED,
                                 _ZIP_DOS_TIME, _ZIP_DOS_DATE, e.crc, len(e.data), e.size,
                                 len(e.name), 0)
        out += (header, e.name, e.data)
        central += (_ZIP_CENTRAL.pack(b"PK\x01\x02", _ZIP_VERSION, 0, _ZIP_VERSION, 0, 0,
                                      zipfile.ZIP_DEFLATED, _ZIP_DOS_TIME, _ZIP_DOS_DATE,
                                      e.crc, len(e.data), e.size, len(e.name), 0, 0, 0, 0,
                                      0o644 << 16, offset), e.name)
        offset += len(header) + len(e.name) + len(e.data)
    directory = b"".join(central)
    end = _ZIP_END.pack(b"PK\x05\x06", 0, 0, len(central) // 2, len(central) // 2,
                        len(directory), offset, 0)
    return b"".join(out) + directory + end
