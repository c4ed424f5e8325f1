"""WordprocessingML a DOCX holds, read as Word would apply it.

:class:`Package` opens any DOCX (python-docx's OPC layer finds the parts by their
relationships) and walks the main document once: every ``w:p`` in document
order (tables and text boxes included, ``mc:Fallback`` copies left out), each run with its
*effective* properties — document defaults → paragraph style chain → character style chain →
direct formatting — the fonts of every ``w:rFonts`` slot with theme fonts resolved (a
``w:eastAsiaTheme`` attribute wins over ``w:eastAsia``; an empty theme East Asian font falls
to the script font of ``w:themeFontLang``, e.g. ＭＳ 明朝 for ja-JP), Word's automatic list
numbers as Word shows them, the sections' page setup and the footers' PAGE fields.

Friendly objects are built on this in :mod:`gongwen.read.docx`; nothing here knows what a
letter is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..grammar import format_chinese_number
from . import NSMAP, W

A = NSMAP["a"]
R = NSMAP["r"]
MC = NSMAP["mc"]
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
THEME_ATTR = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "eastAsia": "eastAsiaTheme",
              "cs": "cstheme"}
SCRIPT_OF_LANG = {"ja": "Jpan", "zh-cn": "Hans", "zh-sg": "Hans", "zh-tw": "Hant",
                  "zh-hk": "Hant", "zh-mo": "Hant", "ko": "Hang"}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_W = f"{{{W}}}"


class DocxReadError(Exception):
    """The file is not a DOCX this reader can open (the message says why, in Chinese)."""


def _w(tag: str) -> str:
    return f"{_W}{tag}"


def _attr(el: Any, name: str) -> str | None:
    return None if el is None else el.get(_w(name))


def _int(value: str | None, default: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        return int(float(value))
    except ValueError:
        return default


def _on(el: Any) -> bool:
    """A toggle property element: present and not val=0/false/off."""
    if el is None:
        return False
    return (_attr(el, "val") or "true").lower() not in ("0", "false", "off")


def _toggle(parent: Any, tag: str, current: bool) -> bool:
    """A toggle property's value: ``parent``'s child ``tag`` when written, else ``current``."""
    el = parent.find(_w(tag))
    return current if el is None else _on(el)


def _in_fallback(node: Any) -> bool:
    """Whether ``node`` lies in an ``mc:Fallback`` (the copy for older readers)."""
    parent = node.getparent()
    while parent is not None:
        if parent.tag == f"{{{MC}}}Fallback":
            return True
        parent = parent.getparent()
    return False


# --- effective properties ----------------------------------------------------------------------
@dataclass
class RunProps:
    """A run's character properties (sizes in points)."""

    size: float | None = None
    fonts: dict[str, tuple[str, str]] = field(default_factory=dict)  # slot → (kind, value)
    color: str | None = None  # RRGGBB or "auto"
    bold: bool = False
    spacing: float = 0.0  # w:spacing (character spacing), pt
    hidden: bool = False  # w:vanish
    style: str = ""  # the run's character style id

    def merge(self, rpr: Any) -> None:
        if rpr is None:
            return
        sz = _int(_attr(rpr.find(_w("sz")), "val"))
        if sz is not None:
            self.size = sz / 2
        rf = rpr.find(_w("rFonts"))
        if rf is not None:
            for slot in SLOTS:
                theme = _attr(rf, THEME_ATTR[slot])
                plain = _attr(rf, slot)
                if theme:
                    self.fonts[slot] = ("theme", theme)
                elif plain:
                    self.fonts[slot] = ("font", plain)
        c = rpr.find(_w("color"))
        if c is not None and _attr(c, "val"):
            self.color = _attr(c, "val")
        self.bold = _toggle(rpr, "b", self.bold)
        self.hidden = _toggle(rpr, "vanish", self.hidden)
        sp = _int(_attr(rpr.find(_w("spacing")), "val"))
        if sp is not None:
            self.spacing = sp / 20

    def copy(self) -> RunProps:
        return RunProps(self.size, dict(self.fonts), self.color, self.bold, self.spacing,
                        self.hidden, self.style)


_IND_KEYS = {"left": "left", "start": "left", "right": "right", "end": "right",
             "firstLine": "firstLine", "hanging": "hanging", "leftChars": "leftChars",
             "startChars": "leftChars", "rightChars": "rightChars", "endChars": "rightChars",
             "firstLineChars": "firstLineChars", "hangingChars": "hangingChars"}


@dataclass
class ParaProps:
    """A paragraph's properties: alignment, line spacing (twips or 240ths), indents (twips
    and hundredths of a character), grid snapping, East Asian line breaking."""

    jc: str | None = None
    line: int | None = None
    line_rule: str | None = None
    snap: bool = True
    ind: dict[str, int] = field(default_factory=dict)  # left/right/firstLine/hanging (+Chars)
    kinsoku: bool = True
    before: int = 0  # spacing before and after, twips
    after: int = 0

    def merge(self, ppr: Any) -> None:
        if ppr is None:
            return
        jc = ppr.find(_w("jc"))
        if jc is not None:
            self.jc = _attr(jc, "val")
        sp = ppr.find(_w("spacing"))
        if sp is not None and _attr(sp, "line") is not None:
            self.line = _int(_attr(sp, "line"))
            self.line_rule = _attr(sp, "lineRule") or "auto"
        if sp is not None:
            self.before = _int(_attr(sp, "before"), self.before) or 0
            self.after = _int(_attr(sp, "after"), self.after) or 0
        self.snap = _toggle(ppr, "snapToGrid", self.snap)
        self.kinsoku = _toggle(ppr, "kinsoku", self.kinsoku)
        ind = ppr.find(_w("ind"))
        if ind is not None:
            for attr, key in _IND_KEYS.items():
                v = _int(_attr(ind, attr))
                if v is None:
                    continue
                self.ind[key] = v
                if key == "firstLine":
                    self.ind.pop("hanging", None)
                    self.ind.pop("hangingChars", None)
                elif key == "hanging":
                    self.ind.pop("firstLine", None)
                    self.ind.pop("firstLineChars", None)

    def copy(self) -> ParaProps:
        return ParaProps(self.jc, self.line, self.line_rule, self.snap, dict(self.ind),
                         self.kinsoku)

    def chars(self, key: str, size: float) -> float:
        """An indent in characters of ``size`` (``…Chars`` wins, as in Word)."""
        if f"{key}Chars" in self.ind:
            return self.ind[f"{key}Chars"] / 100
        return self.ind.get(key, 0) / 20 / size


class Styles:
    """styles.xml: styles by id, the defaults, and each style's basedOn chain."""

    def __init__(self, root: Any | None):
        self.by_id: dict[str, Any] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.doc_rpr = None
        self.doc_ppr = None
        self._paragraph: dict[str | None, tuple[ParaProps, RunProps]] = {}
        if root is None:
            return
        for st in root.findall(_w("style")):
            sid = _attr(st, "styleId") or ""
            self.by_id[sid] = st
            if _attr(st, "default") in ("1", "true"):
                if _attr(st, "type") == "paragraph":
                    self.default_para = sid
                elif _attr(st, "type") == "character":
                    self.default_char = sid
        dd = root.find(_w("docDefaults"))
        if dd is not None:
            self.doc_rpr = dd.find(f"{_w('rPrDefault')}/{_w('rPr')}")
            self.doc_ppr = dd.find(f"{_w('pPrDefault')}/{_w('pPr')}")

    def chain(self, sid: str | None) -> list[Any]:
        """The style and the styles it is based on, the most basic first."""
        out: list[Any] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            out.append(st)
            sid = _attr(st.find(_w("basedOn")), "val")
        return list(reversed(out))

    def name(self, sid: str | None) -> str:
        st = self.by_id.get(sid or "")
        return _attr(st.find(_w("name")) if st is not None else None, "val") or (sid or "")

    def ids(self) -> list[str]:
        return list(self.by_id)

    def paragraph_props(self, sid: str | None) -> tuple[ParaProps, RunProps]:
        """The properties a paragraph of style ``sid`` (None: the default) starts from."""
        if sid not in self._paragraph:
            pp, rp = ParaProps(), RunProps()
            pp.merge(self.doc_ppr)
            rp.merge(self.doc_rpr)
            for st in self.chain(sid if sid is not None else self.default_para):
                pp.merge(st.find(_w("pPr")))
                rp.merge(st.find(_w("rPr")))
            self._paragraph[sid] = (pp, rp)
        pp, rp = self._paragraph[sid]
        return pp.copy(), rp.copy()

    def run_props(self, base: RunProps, rpr: Any) -> RunProps:
        """``base`` (a paragraph's run properties) with a run's character style and direct
        formatting applied."""
        rp = base.copy()
        style = _attr(rpr.find(_w("rStyle")), "val") if rpr is not None else None
        for st in self.chain(style):
            rp.merge(st.find(_w("rPr")))
        rp.merge(rpr)
        rp.style = style or ""
        return rp


class Theme:
    """The theme's major and minor fonts (``majorEastAsia`` …), East Asian ones falling to
    the script font of the settings' ``w:themeFontLang`` when empty."""

    def __init__(self, root: Any | None, settings: Any | None):
        self.fonts: dict[str, str] = {}
        lang = None
        if settings is not None:
            tfl = settings.find(_w("themeFontLang"))
            if tfl is not None:
                lang = (_attr(tfl, "eastAsia") or "").lower()
        script = None
        if lang:
            script = SCRIPT_OF_LANG.get(lang) or SCRIPT_OF_LANG.get(lang.split("-")[0])
        if root is None:
            return
        ns = {"a": A}
        for which in ("major", "minor"):
            fs = root.find(f".//a:{which}Font", ns)
            if fs is None:
                continue
            latin, ea, cs = fs.find("a:latin", ns), fs.find("a:ea", ns), fs.find("a:cs", ns)
            ea_face = ea.get("typeface") if ea is not None else ""
            if not ea_face and script:
                for f in fs.findall("a:font", ns):
                    if f.get("script") == script:
                        ea_face = f.get("typeface", "")
            lat = latin.get("typeface", "") if latin is not None else ""
            self.fonts[f"{which}HAnsi"] = lat
            self.fonts[f"{which}Ascii"] = lat
            self.fonts[f"{which}EastAsia"] = ea_face
            self.fonts[f"{which}Bidi"] = cs.get("typeface", "") if cs is not None else ""

    def resolve(self, value: str) -> str:
        """A theme font reference (``minorEastAsia``) as a face name ("" when unknown)."""
        return self.fonts.get(value, "")

    def font_name(self, slot_value: tuple[str, str] | None) -> tuple[str, bool]:
        """(face name, from the theme) for a :attr:`RunProps.fonts` value."""
        if slot_value is None:
            return ("", False)
        kind, value = slot_value
        if kind == "theme":
            return (self.resolve(value) or f"主题字体 {value}", True)
        return (value, False)


# --- automatic numbering -----------------------------------------------------------------------
def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                           (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
                           (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (``w:numFmt``)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographTraditional", "japaneseCounting", "taiwaneseCounting") and 1 <= n <= 99:
        return format_chinese_number(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n))
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(0xFF10 + int(d)) for d in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt in ("bullet", "none"):
        return ""
    return str(n)


class Numbering:
    """Word's automatic list numbers (``w:numPr``), rendered as text the way Word shows them:
    the level's ``lvlText`` with each ``%k`` replaced by level k's counter."""

    def __init__(self, root: Any | None, styles_root: Any | None):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        if root is not None:
            for absn in root.iterchildren(_w("abstractNum")):
                lv = {}
                for lvl in absn.iterchildren(_w("lvl")):
                    lv[_int(_attr(lvl, "ilvl"), 0) or 0] = (
                        _int(_attr(lvl.find(_w("start")), "val"), 1) or 0,
                        _attr(lvl.find(_w("numFmt")), "val") or "decimal",
                        _attr(lvl.find(_w("lvlText")), "val") or "",
                    )
                self.levels[_attr(absn, "abstractNumId") or ""] = lv
            for num in root.iterchildren(_w("num")):
                aid = num.find(_w("abstractNumId"))
                overrides = {}
                for ov in num.iterchildren(_w("lvlOverride")):
                    so = ov.find(_w("startOverride"))
                    if so is not None:
                        overrides[_int(_attr(ov, "ilvl"), 0) or 0] = _int(_attr(so, "val"), 1) or 0
                if aid is not None:
                    self.nums[_attr(num, "numId") or ""] = (_attr(aid, "val") or "", overrides)
        if styles_root is not None:
            for st in styles_root.iterchildren(_w("style")):
                np_ = st.find(f"{_w('pPr')}/{_w('numPr')}")
                if np_ is not None and np_.find(_w("numId")) is not None:
                    self.style_num[_attr(st, "styleId") or ""] = (
                        _attr(np_.find(_w("numId")), "val") or "0",
                        _int(_attr(np_.find(_w("ilvl")), "val"), 0) or 0,
                    )

    def label(self, p: Any, style_id: str) -> str:
        """The number Word shows before ``p`` (counting it), "" when it has none."""
        np_ = p.find(f"{_w('pPr')}/{_w('numPr')}")
        num_id, ilvl = self.style_num.get(style_id, ("0", 0))
        if np_ is not None:
            if np_.find(_w("numId")) is not None:
                num_id = _attr(np_.find(_w("numId")), "val") or "0"
            if np_.find(_w("ilvl")) is not None:
                ilvl = _int(_attr(np_.find(_w("ilvl")), "val"), 0) or 0
        if num_id in ("", "0") or num_id not in self.nums:
            return ""
        aid, overrides = self.nums[num_id]
        levels = self.levels.get(aid, {})
        if ilvl not in levels:
            return ""
        count = self.counters.setdefault(num_id, {})
        for deeper in [k for k in count if k > ilvl]:
            del count[deeper]
        start = overrides.get(ilvl, levels[ilvl][0])
        count[ilvl] = count.get(ilvl, start - 1) + 1
        text = levels[ilvl][2]
        for k in range(ilvl + 1):
            if k in levels:
                value = count.get(k, overrides.get(k, levels[k][0]))
                text = text.replace(f"%{k + 1}", format_number(value, levels[k][1]))
        return "" if levels[ilvl][1] in ("bullet", "none") else text


# --- paragraphs and runs -----------------------------------------------------------------------
@dataclass
class Run:
    text: str  # tabs as "\t", line breaks (w:br, w:cr) as "\n"
    props: RunProps


@dataclass(frozen=True)
class TablePlace:
    """A table as far as it places its paragraphs across the page: its alignment (``jc``),
    whether Word fits its columns to their content, its cells' right margin (twips), and
    an identity shared by the paragraphs of one table."""

    jc: str | None
    fitted: bool
    right_margin: int
    key: str


@dataclass
class Paragraph:
    """One ``w:p`` with what Word applies to it."""

    index: int  # 1-based, every w:p of the main document in document order
    style: str  # the paragraph style id as written ("" when none)
    props: ParaProps
    run_props: RunProps  # the paragraph's own run properties (style chain)
    runs: list[Run]
    label: str  # the automatic number Word shows before it ("" when none)
    in_table: bool
    in_text_box: bool
    anchor: int  # a text box paragraph: the index of the paragraph it is anchored in
    table: TablePlace | None = None  # how the innermost table holding it is placed

    @property
    def text(self) -> str:
        """The runs' text, after the automatic number when there is any text."""
        body = "".join(r.text for r in self.runs)
        return self.label + body if self.label and body.strip() else body


def _run_text(r: Any) -> str:
    parts: list[str] = []
    for c in r:
        if c.tag == _w("t"):
            parts.append(c.text or "")
        elif c.tag == _w("tab"):
            parts.append("\t")
        elif c.tag == _w("cr") or (c.tag == _w("br")
                                   and _attr(c, "type") not in ("page", "column")):
            parts.append("\n")
        elif c.tag == _w("noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _style_separator(p: Any) -> bool:
    """Whether ``p``'s mark is Word's style separator (hidden, ``w:specVanish``): the
    paragraph and the next one show as one."""
    return p is not None and p.find(f"{_w('pPr')}/{_w('rPr')}/{_w('specVanish')}") is not None


def _table_place(tbl: Any) -> TablePlace:
    props = tbl.find(_w("tblPr"))
    if props is None:
        return TablePlace(None, True, 0, tbl.getroottree().getpath(tbl))
    right = props.find(f"{_w('tblCellMar')}/{_w('right')}")
    if right is None:
        right = props.find(f"{_w('tblCellMar')}/{_w('end')}")
    layout = props.find(_w("tblLayout"))
    return TablePlace(_attr(props.find(_w("jc")), "val"), _attr(layout, "type") != "fixed",
                      _int(_attr(right, "w")) or 0, tbl.getroottree().getpath(tbl))


_HIDDEN_CONTAINERS = (_w("del"), _w("moveFrom"), f"{{{MC}}}Fallback")


def _runs_of(p: Any) -> list[Any]:
    """The w:r of ``p`` (in hyperlinks, insertions, fields, content controls …), not those of
    a text box anchored in it, of deleted text or of a fallback copy."""
    out = []
    for r in p.iter(_w("r")):
        parent = r.getparent()
        while parent is not None and parent is not p and parent.tag != _w("p") \
                and parent.tag not in _HIDDEN_CONTAINERS:
            parent = parent.getparent()
        if parent is p:
            out.append(r)
    return out


@dataclass
class Section:
    """A ``w:sectPr``: page size and margins in twips (None when not written), the document
    grid, the first-page flag and the footer references (type → relationship id)."""

    page_width: int | None
    page_height: int | None
    margins: dict[str, int | None]  # top bottom left right gutter header footer
    grid_type: str  # "default" when not written
    line_pitch: int | None
    char_space: int | None
    title_page: bool
    footers: dict[str, str]


@dataclass
class Footer:
    """A footer part: its text (PAGE fields as ``{PAGE}``), whether it has a PAGE field, the
    first paragraph holding a field."""

    text: str
    has_page: bool
    field_paragraph: Paragraph | None


# --- the package -------------------------------------------------------------------------------
def _parse(blob: bytes, name: str) -> Any:
    try:
        return etree.fromstring(blob, _PARSER)
    except etree.XMLSyntaxError as e:
        raise DocxReadError(f"{name} 不是有效的 XML：{e}") from e


def _root(part: Any) -> Any:
    element = getattr(part, "element", None)
    return element if element is not None else _parse(part.blob, str(part.partname))


class Package:
    """A DOCX opened for reading: its parts and the main document's paragraphs."""

    def __init__(self, data: bytes):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.package import OpcPackage

        try:
            pkg = OpcPackage.open(io.BytesIO(data))
            main = pkg.main_document_part
        except Exception as e:  # python-docx raises many kinds on a bad package
            raise DocxReadError(f"不是可读的 DOCX 文件（{type(e).__name__}）") from e
        self.document = _root(main)
        if self.document.find(_w("body")) is None:
            raise DocxReadError("缺少正文（w:body），不是 Word 文档")
        related: dict[str, Any] = {}
        self.footers: dict[str, Any] = {}
        for rid, rel in main.rels.items():
            if rel.is_external:
                continue
            if rel.reltype == RT.FOOTER:
                self.footers[rid] = _root(rel.target_part)
            else:
                related.setdefault(rel.reltype, rel.target_part)

        def part(reltype: str) -> Any | None:
            return _root(related[reltype]) if reltype in related else None

        self.styles_root = part(RT.STYLES)
        self.settings = part(RT.SETTINGS)
        self.styles = Styles(self.styles_root)
        self.theme = Theme(part(RT.THEME), self.settings)
        self.numbering = Numbering(part(RT.NUMBERING), self.styles_root)
        self.paragraphs = self._paragraphs()

    @property
    def body(self) -> Any:
        return self.document.find(_w("body"))

    def _paragraph(self, p: Any, index: int, anchor: int, in_text_box: bool,
                   numbered: bool = True) -> Paragraph:
        ppr = p.find(_w("pPr"))
        style = _attr(ppr.find(_w("pStyle")), "val") if ppr is not None else None
        props, base = self.styles.paragraph_props(style)
        props.merge(ppr)
        runs = []
        for r in _runs_of(p):
            rp = self.styles.run_props(base, r.find(_w("rPr")))
            text = _run_text(r)
            if text and not rp.hidden:
                runs.append(Run(text, rp))
        label = self.numbering.label(p, style or "") if numbered else ""
        tables = [a for a in p.iterancestors() if a.tag == _w("tbl")]
        return Paragraph(index, style or "", props, base, runs, label, bool(tables),
                         in_text_box, anchor, _table_place(tables[0]) if tables else None)

    def _paragraphs(self) -> list[Paragraph]:
        out: list[Paragraph] = []
        anchors: dict[Any, int] = {}
        previous = None
        for p in self.body.iter(_w("p")):
            if _in_fallback(p):
                continue
            boxes = [a for a in p.iterancestors() if a.tag == _w("txbxContent")]
            anchor = len(out) + 1
            if boxes:
                outer = next((a for a in boxes[-1].iterancestors() if a.tag == _w("p")), None)
                anchor = anchors.get(outer, anchor)
            else:
                anchors[p] = anchor
            para = self._paragraph(p, len(out) + 1, anchor, bool(boxes))
            if out and _style_separator(previous):  # Word runs it on into this one
                out[-1].runs.extend(para.runs)
            else:
                out.append(para)
            previous = p
        return out

    def reading_order(self) -> list[Paragraph]:
        """The paragraphs as a reader meets them: each paragraph preceded by the text boxes
        anchored in it (the 版头 gongwen anchors to the page)."""
        boxes: dict[int, list[Paragraph]] = {}
        for p in self.paragraphs:
            if p.in_text_box:
                boxes.setdefault(p.anchor, []).append(p)
        out: list[Paragraph] = []
        for p in self.paragraphs:
            if not p.in_text_box:
                out.extend(boxes.pop(p.index, []))
                out.append(p)
        for rest in boxes.values():
            out.extend(rest)
        return out

    # -- sections, settings, footers --------------------------------------------------------
    def sections(self) -> list[Section]:
        out = []
        for s in self.body.iter(_w("sectPr")):
            if _in_fallback(s):
                continue
            pg, mar, grid = s.find(_w("pgSz")), s.find(_w("pgMar")), s.find(_w("docGrid"))
            refs = {(_attr(r, "type") or "default"): r.get(f"{{{R}}}id", "")
                    for r in s.findall(_w("footerReference"))}
            out.append(Section(
                _int(_attr(pg, "w")), _int(_attr(pg, "h")),
                {k: _int(_attr(mar, k)) for k in ("top", "bottom", "left", "right", "gutter",
                                                   "header", "footer")},
                _attr(grid, "type") or "default", _int(_attr(grid, "linePitch")),
                _int(_attr(grid, "charSpace")), _on(s.find(_w("titlePg"))), refs,
            ))
        return out

    @property
    def even_and_odd_headers(self) -> bool:
        return self.settings is not None and _on(self.settings.find(_w("evenAndOddHeaders")))

    def footer(self, rid: str) -> Footer | None:
        root = self.footers.get(rid)
        if root is None:
            return None
        text, found = _field_text(root)
        field_p = None
        for p in root.iter(_w("p")):
            if _in_fallback(p) or not (p.findall(f".//{_w('instrText')}")
                                       or p.findall(f".//{_w('fldSimple')}")):
                continue
            field_p = self._paragraph(p, 0, 0, False, numbered=False)
            break
        return Footer(text, found, field_p)

    def font_names(self) -> set[str]:
        """Every face named in a w:rFonts of the document, its styles and footers, theme
        references resolved."""
        names: set[str] = set()
        for root in (self.document, self.styles_root, *self.footers.values()):
            if root is None:
                continue
            for rf in root.iter(_w("rFonts")):
                for slot in SLOTS:
                    v = _attr(rf, slot)
                    if v:
                        names.add(v)
                    t = _attr(rf, THEME_ATTR[slot])
                    if t:
                        names.add(self.theme.resolve(t) or t)
        names.discard("")
        return names


def _field_text(root: Any) -> tuple[str, bool]:
    """A footer's text with PAGE fields as ``{PAGE}``, and whether one was found."""
    out: list[str] = []
    found = False
    for p in root.iter(_w("p")):
        if _in_fallback(p):
            continue
        in_field = False
        instr = ""
        for el in p.iter(_w("r"), _w("fldSimple")):
            if el.tag == _w("fldSimple"):
                if "PAGE" in (_attr(el, "instr") or "").upper().split():
                    out.append("{PAGE}")
                    found = True
                continue
            if el.getparent().tag == _w("fldSimple"):
                continue
            fc = el.find(_w("fldChar"))
            if fc is not None:
                kind = _attr(fc, "fldCharType")
                if kind == "begin":
                    in_field, instr = True, ""
                elif kind == "separate":
                    if "PAGE" in instr.upper().split():
                        out.append("{PAGE}")
                        found = True
                elif kind == "end":
                    in_field = False
                continue
            it = el.find(_w("instrText"))
            if it is not None:
                instr += it.text or ""
                continue
            if in_field:
                continue
            out.append("".join(t.text or "" for t in el.findall(_w("t"))))
        out.append("\n")
    return "".join(out).strip(), found
