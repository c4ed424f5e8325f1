"""Any input → paragraphs with roles: the "read" stage that diff (and later import and check) use.

``read_any(path)`` accepts

* a letter YAML: loaded and composed; each block is a paragraph and keeps its role;
* a DOCX: paragraphs in document order, text boxes (the 版头 gongwen anchors to the page)
  and table cells (the 版记) included, headers and footers left out. A DOCX written by gongwen
  is recognised by its paragraph styles (``export.docx.STYLE_NAMES``) and its roles read from
  them; any other DOCX gets roles from Word's heading styles and from the text (heading
  numbers 一、 （一） 1. （1）, dates, 抄送 …, see :func:`guess_roles`);
* a PDF (pdfplumber): characters grouped into lines by baseline, lines joined back into
  paragraphs — a line continues the paragraph above when that line ran to the right edge of
  the text and this one starts flush left without a blank line between; a centred line of
  title size continues a centred line above it. Page numbers ("— N —", "-N-", "第N页") and
  running headers or footers (text outside the type area repeated on several pages) are
  dropped and kept aside for the layout comparison;
* plain text: one paragraph per non-empty line; website chrome such as 【纠错】【打印本页】,
  "分享到：" or "来源：…" lines is dropped.

Whatever the source, a paragraph's leading and trailing whitespace (the 　　 indent of web
copies) and its in-paragraph line breaks are layout, not text, and are removed.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

from . import spec
from .errors import GongwenError
from .spec import HEADER_ROLES, Role
from .textnorm import normalise


class SourceKind(StrEnum):
    YAML = "yaml"
    DOCX = "docx"
    PDF = "pdf"
    TEXT = "text"


class RoleSource(StrEnum):
    """Where a reading's roles come from: the letter itself, DOCX styles, or the text."""

    DOCUMENT = "document"
    STYLES = "styles"
    GUESSED = "guessed"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of a reading. ``where`` locates it for people ("第 3 页第 5 行")."""

    text: str
    role: Role | None = None
    where: str = ""
    page: int | None = None
    # hints for role guessing (PDF: alignment, size, colour; DOCX: style name)
    align: str | None = None
    size: float | None = None
    red: bool = False


@dataclass(frozen=True, slots=True)
class PdfLine:
    """A line of a PDF page: characters sharing a baseline. Coordinates in points from the
    page's top-left corner; ``para`` is the index of the paragraph it belongs to (-1 if
    dropped)."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    baseline: float
    size: float
    red: bool = False
    para: int = -1


@dataclass(frozen=True, slots=True)
class PdfPage:
    number: int  # physical page, from 1
    width: float
    height: float
    lines: tuple[PdfLine, ...]  # content lines, top to bottom
    page_number: PdfLine | None = None  # the printed page number, if any
    furniture: tuple[PdfLine, ...] = ()  # dropped running headers and footers


@dataclass(frozen=True, slots=True)
class Reading:
    """What one input holds, as the diff sees it."""

    path: str
    kind: SourceKind
    paragraphs: tuple[Paragraph, ...]
    roles: RoleSource
    pages: tuple[PdfPage, ...] = ()  # PDF inputs only
    dropped: tuple[str, ...] = ()  # chrome lines dropped from a text file
    pdf: bytes | None = field(default=None, repr=False)  # PDF inputs: the bytes (layout, visual)

    @property
    def texts(self) -> list[str]:
        return [p.text for p in self.paragraphs]


# --- entry points ------------------------------------------------------------------------
YAML_SUFFIXES = (".yaml", ".yml")
TEXT_SUFFIXES = (".txt", ".text", ".md")


def detect_kind(path: Path, head: bytes) -> SourceKind:
    """Kind by content first (PDF and DOCX magic), then by suffix; anything else is text."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-"):
        return SourceKind.PDF
    if head.startswith(b"PK\x03\x04") and suffix not in YAML_SUFFIXES:
        return SourceKind.DOCX
    if suffix in YAML_SUFFIXES:
        return SourceKind.YAML
    if suffix == ".pdf":
        return SourceKind.PDF
    if suffix == ".docx":
        return SourceKind.DOCX
    return SourceKind.TEXT


def read_any(path: Path | str, *, kind: SourceKind | None = None) -> Reading:
    """Read ``path`` (YAML, DOCX, PDF or text, detected unless ``kind`` is given)."""
    path = Path(path)
    data = read_input(path)
    kind = kind or detect_kind(path, data[:8])
    if kind is SourceKind.YAML:
        return read_yaml(path)
    if kind is SourceKind.DOCX:
        return read_docx_bytes(data, str(path))
    if kind is SourceKind.PDF:
        return read_pdf_bytes(data, str(path))
    return read_text_bytes(data, str(path))


def read_input(path: Path) -> bytes:
    """The bytes of an input file, with a plain message when it is missing, a folder or
    unreadable."""
    if not path.exists():
        raise GongwenError(f"{path}: 文件不存在")
    if path.is_dir():
        raise GongwenError(f"{path}: 是目录，不是文件")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GongwenError(f"{path}: 无法读取（{exc.strerror}）") from exc


def decode_text(data: bytes, name: str, expected: str) -> str:
    """A text file's bytes as UTF-8 (BOM or not) or GB18030; a file holding NUL bytes is
    refused as binary (``expected`` names the kinds of file the caller reads)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise GongwenError(f"{name}: 不是 UTF-8 或 GB18030 编码的文本文件")
    if "\x00" in text:
        raise GongwenError(f"{name}: 看起来是二进制文件，不是{expected}")
    return text


def _clean(text: str) -> str:
    """A paragraph's text: line breaks inside it removed, outer whitespace stripped."""
    return text.replace("\r", "").replace("\n", "").replace("\u2028", "").strip()


# --- YAML --------------------------------------------------------------------------------
def read_yaml(path: Path) -> Reading:
    """A letter file: load, compose, one paragraph per block with its role."""
    from .compose import compose
    from .loader import load_letter

    doc = compose(load_letter(path), path.parent)
    paras = tuple(
        Paragraph(_clean(b.text), b.role, f"第 {i + 1} 段")
        for i, b in enumerate(doc.blocks)
        if _clean(b.text)
    )
    return Reading(str(path), SourceKind.YAML, paras, RoleSource.DOCUMENT)


def document_paragraphs(doc: object) -> tuple[Paragraph, ...]:
    """A composed :class:`~gongwen.document.Document` as paragraphs (for in-memory use)."""
    return tuple(
        Paragraph(_clean(b.text), b.role, f"第 {i + 1} 段")
        for i, b in enumerate(doc.blocks)  # type: ignore[attr-defined]
        if _clean(b.text)
    )


# --- DOCX --------------------------------------------------------------------------------
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_W = f"{{{W}}}"


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


@dataclass(frozen=True, slots=True)
class DocxStyles:
    """A DOCX's paragraph styles: names by style id and, when the file was written with
    gongwen's styles (``export.docx.STYLE_NAMES``), their roles."""

    names: dict[str, str]
    ours: dict[str, Role]
    gongwen: bool

    @classmethod
    def of(cls, document: object) -> DocxStyles:
        from .export.docx import STYLE_NAMES

        ours = {style_id: role for role, (style_id, _name) in STYLE_NAMES.items()}
        names = {s.style_id: (s.name or "") for s in document.styles}  # type: ignore[attr-defined]
        return cls(names, ours, any(sid.startswith("Gw") and sid in ours for sid in names))

    def role(self, style_id: str) -> Role | None:
        """gongwen's role for the style in a gongwen file, else Word's heading/title role."""
        if self.gongwen:
            return self.ours.get(style_id)
        return word_style_role(self.names.get(style_id, style_id))


def _run_text(p: object) -> str:
    """Text of a w:p, leaving out text boxes, fallbacks, deleted text and field codes."""
    parts: list[str] = []

    def walk(node: object) -> None:
        for child in node:  # type: ignore[attr-defined]
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (f"{_W}txbxContent", f"{{{MC}}}Fallback", f"{_W}del", f"{_W}instrText"):
                continue
            if tag in (f"{_W}t",):
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{_W}pPr":
                continue
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def _txbx_paragraphs(p: object) -> list[object]:
    """w:p elements inside the text boxes anchored in ``p`` (not in mc:Fallback copies),
    table cells in a text box included."""
    out = []
    for box in p.iter(f"{_W}txbxContent"):  # type: ignore[attr-defined]
        anc = box.getparent()
        fallback = False
        while anc is not None and anc is not p:
            if anc.tag == f"{{{MC}}}Fallback":
                fallback = True
                break
            anc = anc.getparent()
        if not fallback:
            out.extend(box.iter(f"{_W}p"))
    return out


def docx_paragraphs(document: object) -> list[object]:
    """A python-docx Document's body paragraphs (w:p elements) in reading order: each
    paragraph preceded by the text boxes anchored in it (the 版头 gongwen anchors to the
    page), then table cells and content controls; headers and footers left out."""
    out: list[object] = []
    for child in document.element.body.iterchildren():  # type: ignore[attr-defined]
        if child.tag == f"{_W}p":
            paragraphs = [child]
        elif child.tag in (f"{_W}tbl", f"{_W}sdt"):
            paragraphs = [
                p
                for p in child.iter(f"{_W}p")
                if not any(a.tag == f"{_W}txbxContent" for a in p.iterancestors())
            ]
        else:
            continue
        for p in paragraphs:
            out.extend(_txbx_paragraphs(p))
            out.append(p)
    return out


def paragraph_style_id(p: object) -> str:
    """The paragraph style id of a w:p ("" when it has none)."""
    node = p.find(f"{_W}pPr/{_W}pStyle")  # type: ignore[attr-defined]
    return node.get(f"{_W}val", "") if node is not None else ""


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
    from .compose import chinese_number

    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "ideographTraditional", "japaneseCounting", "taiwaneseCounting") and 1 <= n <= 99:
        return chinese_number(n)
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


class _Numbering:
    """Word's automatic list numbers (``w:numPr``), rendered as text the way Word shows them:
    the level's ``lvlText`` with each ``%k`` replaced by level k's counter."""

    def __init__(self, document: object, styles_el: object | None):
        self.levels: dict[str, dict[int, tuple[int, str, str]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element  # type: ignore[attr-defined]
        except (KeyError, NotImplementedError, AttributeError):
            root = None
        if root is not None:
            for absn in root.iterchildren(f"{_W}abstractNum"):
                lv = {}
                for lvl in absn.iterchildren(f"{_W}lvl"):
                    ilvl = int(lvl.get(f"{_W}ilvl", "0"))
                    start = lvl.find(f"{_W}start")
                    fmt = lvl.find(f"{_W}numFmt")
                    text = lvl.find(f"{_W}lvlText")
                    lv[ilvl] = (
                        int(start.get(f"{_W}val", "1")) if start is not None else 1,
                        fmt.get(f"{_W}val", "decimal") if fmt is not None else "decimal",
                        text.get(f"{_W}val", "") if text is not None else "",
                    )
                self.levels[absn.get(f"{_W}abstractNumId", "")] = lv
            for num in root.iterchildren(f"{_W}num"):
                aid = num.find(f"{_W}abstractNumId")
                overrides = {}
                for ov in num.iterchildren(f"{_W}lvlOverride"):
                    so = ov.find(f"{_W}startOverride")
                    if so is not None:
                        overrides[int(ov.get(f"{_W}ilvl", "0"))] = int(so.get(f"{_W}val", "1"))
                if aid is not None:
                    self.nums[num.get(f"{_W}numId", "")] = (aid.get(f"{_W}val", ""), overrides)
        if styles_el is not None:
            for st in styles_el.iterchildren(f"{_W}style"):
                np_ = st.find(f"{_W}pPr/{_W}numPr")
                if np_ is not None:
                    nid = np_.find(f"{_W}numId")
                    il = np_.find(f"{_W}ilvl")
                    if nid is not None:
                        self.style_num[st.get(f"{_W}styleId", "")] = (
                            nid.get(f"{_W}val", "0"),
                            int(il.get(f"{_W}val", "0")) if il is not None else 0,
                        )

    def label(self, p: object, style_id: str) -> str:
        np_ = p.find(f"{_W}pPr/{_W}numPr")  # type: ignore[attr-defined]
        num_id, ilvl = self.style_num.get(style_id, ("0", 0))
        if np_ is not None:
            nid = np_.find(f"{_W}numId")
            il = np_.find(f"{_W}ilvl")
            if nid is not None:
                num_id = nid.get(f"{_W}val", "0")
            if il is not None:
                ilvl = int(il.get(f"{_W}val", "0"))
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


def read_docx_bytes(data: bytes, name: str = "<docx>") -> Reading:
    """A DOCX: roles from gongwen's styles, else from heading styles and the text."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a bad file
        raise GongwenError(f"{name}: 不是可读的 DOCX 文件（{type(exc).__name__}）") from exc
    styles = DocxStyles.of(document)
    is_gongwen = styles.gongwen
    numbering = _Numbering(document, document.styles.element)
    paras: list[Paragraph] = []
    for p in docx_paragraphs(document):
        sid = paragraph_style_id(p)
        raw = _run_text(p)
        label = numbering.label(p, sid)  # counted even on an empty paragraph, as Word does
        if raw.strip():
            raw = label + raw
        role = styles.role(sid)
        if role is Role.RECORD_PRINT:  # only gongwen's styles give this role
            raw = raw.replace("\t", "")
        text = _clean(raw)
        if text:
            paras.append(Paragraph(text, role, f"第 {len(paras) + 1} 段"))
    if is_gongwen:
        # text boxes of the 版头 come in anchoring order; put them in the letter's order
        head = [p for p in paras if p.role in HEADER_ROLES]
        rest = [p for p in paras if p.role not in HEADER_ROLES]
        head.sort(key=lambda p: HEADER_ROLES.index(p.role))  # type: ignore[arg-type]
        paras = [*head, *rest]
        paras = [
            replace(p, role=p.role or Role.BODY, where=f"第 {i + 1} 段")
            for i, p in enumerate(paras)
        ]
        return Reading(name, SourceKind.DOCX, tuple(paras), RoleSource.STYLES)
    return Reading(name, SourceKind.DOCX, tuple(guess_roles(paras)), RoleSource.GUESSED)


# --- PDF ---------------------------------------------------------------------------------
_PAGE_NUMBER = re.compile(
    r"^(?:[—\-–－~～]\s*\d{1,4}\s*[—\-–－~～]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})$"
)


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def _is_red(color: object) -> bool:
    if isinstance(color, (tuple, list)):
        if len(color) == 3:
            r, g, b = (float(c) for c in color)
            return r > 0.6 and g < 0.35 and b < 0.35
        if len(color) == 4:  # CMYK
            c, m, y, k = (float(v) for v in color)
            return c < 0.3 and m > 0.6 and y > 0.6 and k < 0.3
    return False


def _dedupe(page: object) -> object:
    """Characters drawn twice at (almost) the same place — the "fake bold" some tools use —
    count once."""
    try:
        return page.dedupe_chars(tolerance=1)  # type: ignore[attr-defined]
    except Exception:  # older pdfplumber, or a page it cannot dedupe: keep the page
        return page


def _page_lines(page: object, number: int) -> list[PdfLine]:
    """Characters grouped by baseline, each group sorted left to right."""
    height = float(page.height)  # type: ignore[attr-defined]
    chars = [c for c in page.chars if c.get("upright", True)]  # type: ignore[attr-defined]
    chars.sort(key=lambda c: (height - float(c["matrix"][5]), float(c["x0"])))
    groups: list[list[dict]] = []
    for c in chars:
        base = height - float(c["matrix"][5])
        if groups:
            g = groups[-1]
            gbase = height - float(g[0]["matrix"][5])
            tol = max(1.5, 0.25 * min(float(c["size"]), float(g[0]["size"])))
            if abs(base - gbase) <= tol:
                g.append(c)
                continue
        groups.append([c])
    segments: list[list[dict]] = []
    for g in groups:
        g.sort(key=lambda c: float(c["x0"]))
        segments.extend(_split_at_gaps(g))
    lines = []
    for g in segments:
        text = "".join(c["text"] for c in g)
        if not text.strip():
            continue
        ink = [c for c in g if c["text"].strip()]
        sizes = [float(c["size"]) for c in ink]
        lines.append(
            PdfLine(
                page=number,
                text=text.strip(),
                x0=float(ink[0]["x0"]),
                x1=float(ink[-1]["x1"]),
                top=min(float(c["top"]) for c in ink),
                baseline=statistics.median(height - float(c["matrix"][5]) for c in ink),
                size=max(sizes),
                red=sum(_is_red(c.get("non_stroking_color")) for c in ink) > len(ink) / 2,
            )
        )
    return lines


def _split_at_gaps(chars: list[dict]) -> list[list[dict]]:
    """One baseline may hold several items (份号 flush left, 发文字号 flush right): split it
    where the gap between two characters is wider than three of them. A right-hand part
    ending in 印发 (the 版记's date) stays with its line."""
    parts: list[list[dict]] = [[]]
    last_x1: float | None = None
    for c in chars:
        if not c["text"].strip():
            parts[-1].append(c)
            continue
        if last_x1 is not None and float(c["x0"]) - last_x1 > 3 * float(c["size"]):
            parts.append([])
        parts[-1].append(c)
        last_x1 = float(c["x1"])
    out: list[list[dict]] = []
    for part in parts:
        if out and "".join(c["text"] for c in part).strip().endswith("印发"):
            out[-1].extend(part)
        else:
            out.append(part)
    return out


def _mask_digits(text: str) -> str:
    return re.sub(r"\d+", "#", normalise(text))


def read_pdf_bytes(data: bytes, name: str = "<pdf>") -> Reading:
    """A PDF with a text layer: lines by baseline, joined into paragraphs."""
    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a test dependency
        raise GongwenError("读取 PDF 需要 pdfplumber：pip install pdfplumber") from exc
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            raw_pages = [
                (i + 1, float(p.width), float(p.height), _page_lines(_dedupe(p), i + 1))
                for i, p in enumerate(pdf.pages)
            ]
    except Exception as exc:  # any parser failure is the file's fault
        raise GongwenError(f"{name}: 不是可读的 PDF 文件（{type(exc).__name__}: {exc}）") from exc
    if not any(lines for *_, lines in raw_pages):
        raise GongwenError(f"{name}: PDF 中没有文字层（可能是扫描件），无法比较文字")

    # running headers/footers: outside the type area and repeated on two or more pages
    outside: Counter[str] = Counter()
    for _n, _w, h, lines in raw_pages:
        scale = h / spec.PAGE_HEIGHT
        top, bottom = spec.MARGIN_TOP * scale, (spec.PAGE_HEIGHT - spec.MARGIN_BOTTOM) * scale
        for key in {_mask_digits(ln.text) for ln in lines if ln.baseline < top - 4
                    or ln.top > bottom + 4}:
            outside[key] += 1

    pages: list[PdfPage] = []
    content: list[PdfLine] = []
    for n, w, h, lines in raw_pages:
        scale = h / spec.PAGE_HEIGHT
        top, bottom = spec.MARGIN_TOP * scale, (spec.PAGE_HEIGHT - spec.MARGIN_BOTTOM) * scale
        keep, furniture, page_number = [], [], None
        for ln in lines:
            out_of_area = ln.baseline < top - 4 or ln.top > bottom + 4
            if out_of_area and is_page_number(ln.text) and page_number is None:
                page_number = ln
            elif out_of_area and len(raw_pages) > 1 and outside[_mask_digits(ln.text)] >= 2:
                furniture.append(ln)
            elif is_page_number(ln.text) and ln.top > bottom + 4:
                page_number = page_number or ln
            else:
                keep.append(ln)
        pages.append(PdfPage(n, w, h, tuple(keep), page_number, tuple(furniture)))
        content.extend(keep)

    paras, assigned = _join_lines(content)
    by_id = {id(ln): i for ln, i in assigned}
    pages = [
        replace(pg, lines=tuple(replace(ln, para=by_id.get(id(ln), -1)) for ln in pg.lines))
        for pg in pages
    ]
    return Reading(
        name, SourceKind.PDF, tuple(guess_roles(paras)), RoleSource.GUESSED, tuple(pages),
        pdf=data,
    )


def _join_lines(lines: Sequence[PdfLine]) -> tuple[list[Paragraph], list[tuple[PdfLine, int]]]:
    """Lines → paragraphs by first-line indent and line-end position."""
    if not lines:
        return [], []
    body = [ln for ln in lines if len(ln.text) >= 6] or list(lines)
    em = statistics.median(ln.size for ln in body)
    starts = Counter(round(ln.x0) for ln in body)
    common = [x for x, k in starts.items() if k >= max(2, 0.1 * len(body))]
    left = min(common) if common else min(starts)
    ends = sorted(ln.x1 for ln in body if abs(ln.x0 - left) <= 0.5 * em) or sorted(
        ln.x1 for ln in body)
    right = ends[int(0.95 * (len(ends) - 1))]
    mid = (left + right) / 2

    def align(ln: PdfLine) -> str:
        if ln.x0 <= left + 0.5 * em and ln.x1 >= right - 0.75 * em:
            return "justify"
        if abs((ln.x0 + ln.x1) / 2 - mid) < 0.75 * em and ln.x0 > left + 0.25 * em:
            return "center"
        if ln.x0 > mid and ln.x1 >= right - 5 * em:
            return "right"
        return "left"

    paras: list[list[PdfLine]] = []
    for ln in lines:
        if paras:
            prev = paras[-1][-1]
            same_page = prev.page == ln.page
            gap_ok = not same_page or ln.baseline - prev.baseline <= 1.6 * max(
                ln.size, prev.size, em * 1.8)
            similar = abs(ln.size - prev.size) < 0.5
            full = prev.x1 >= right - 0.75 * em and prev.x0 < mid
            runs_on = full and ln.x0 <= left + 0.5 * em
            # a hanging indent (附件说明, 抄送): the wrapped line starts right of the margin,
            # but not at the usual two-character paragraph indent, and is no new list item
            hanging = (
                full and left + 0.5 * em < ln.x0 < mid
                and abs(ln.x0 - left - 2 * ln.size) > 0.3 * ln.size
                and ln.x0 >= paras[-1][0].x0 - 0.3 * ln.size
                and not _LIST_ITEM.match(normalise(ln.text))
            )
            title_like = (
                align(prev) in ("center", "justify") and align(ln) == "center"
                and prev.size >= 1.2 * em and same_page
            )
            if gap_ok and similar and (runs_on or hanging or title_like):
                paras[-1].append(ln)
                continue
        paras.append([ln])

    out: list[Paragraph] = []
    assigned: list[tuple[PdfLine, int]] = []
    for i, group in enumerate(paras):
        first = group[0]
        text = _clean("".join(ln.text for ln in group))
        out.append(
            Paragraph(
                text, None, f"第 {first.page} 页第 {_line_no(lines, first)} 行", first.page,
                align=align(first) if len(group) == 1 else
                ("center" if align(first) == "center" else "justify"),
                size=max(ln.size for ln in group),
                red=all(ln.red for ln in group),
            )
        )
        assigned.extend((ln, i) for ln in group)
    return out, assigned


_LIST_ITEM = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|\d{1,2}\.(?!\d)|\(\d{1,2}\)"
    r"|附件)"
)


def _line_no(lines: Sequence[PdfLine], line: PdfLine) -> int:
    return 1 + sum(1 for ln in lines if ln.page == line.page and ln.baseline < line.baseline)


# --- plain text --------------------------------------------------------------------------
_CHROME_ONLY = re.compile(r"^(?:\s*[【\[]\s*[^】\]]{1,12}\s*[】\]]\s*[|｜/]?)+\s*$")
_CHROME_LABEL = re.compile(
    r"^\s*(?:分享到|来源|信息来源|文章来源|发布时间|发布日期|浏览次数|访问次数|点击数|字号|"
    r"【字体|字体[：:]|扫一扫|打印本页|关闭窗口|收藏本页|返回顶部|上一篇|下一篇|责任编辑)"
)


def is_chrome(line: str) -> bool:
    """Website furniture around a published letter: 【纠错】【打印本页】, "来源：…" …"""
    text = line.strip()
    if _CHROME_ONLY.match(text):
        return True
    return bool(_CHROME_LABEL.match(text)) and len(text) <= 80


def read_text_bytes(data: bytes, name: str = "<text>") -> Reading:
    return read_text(decode_text(data, name, "文本、YAML、DOCX 或 PDF"), name)


def read_text(text: str, name: str = "<text>") -> Reading:
    paras, dropped = [], []
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        if is_chrome(line):
            dropped.append(line.strip())
            continue
        paras.append(Paragraph(_clean(line), None, f"第 {i + 1} 行"))
    return Reading(
        name, SourceKind.TEXT, tuple(guess_roles(paras)), RoleSource.GUESSED,
        dropped=tuple(dropped),
    )


# --- roles from the text -----------------------------------------------------------------
_H1 = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_H2 = re.compile(r"^\([一二三四五六七八九十]{1,3}\)")
_H3 = re.compile(r"^\d{1,2}\.(?!\d)")
_H4 = re.compile(r"^\(\d{1,2}\)")
_DATE = re.compile(
    r"^(?:\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九○Ｏ]{4}年[一二三四五六七八九十]{1,3}月"
    r"[一二三四五六七八九十]{1,3}日)$"
)
_COPY_NUMBER = re.compile(r"^\d{6}$")
_SECRECY = re.compile(r"^(?:绝密|机密|秘密)(?:★.*)?$")
_URGENCY = re.compile(r"^(?:特急|加急|特提|平急)$")
_DOC_NUMBER = re.compile(r"〔\d{4}〕\d+号$|\[\d{4}\]\d+号$")
_SIGNER = re.compile(r"^签发人:")
_CATEGORY = re.compile(r"^[ABCD]$")
_CONTACT = re.compile(r"^[^:]{1,12}:\S")
_CONTACT_WORDS = ("联系", "承办", "经办", "电话", "传真", "邮箱", "地址", "邮编", "手机")
_ATTACH_NOTE = re.compile(r"^附件:")
_ATTACH_LABEL = re.compile(r"^附件\d{0,2}$")
_CC = re.compile(r"^抄送:")
_PRINT = re.compile(r"印发$")
_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", ":", "，", ",")


def _heading_role(t: str) -> Role | None:
    for pattern, role in ((_H1, Role.HEADING1), (_H2, Role.HEADING2), (_H3, Role.HEADING3),
                          (_H4, Role.HEADING4)):
        if pattern.match(t):
            return role
    return None


def _header_role(t: str) -> Role | None:
    for pattern, role in (
        (_COPY_NUMBER, Role.COPY_NUMBER), (_SECRECY, Role.SECRECY), (_URGENCY, Role.URGENCY),
        (_DOC_NUMBER, Role.DOC_NUMBER), (_SIGNER, Role.SIGNER), (_CATEGORY, Role.REPLY_CATEGORY),
    ):
        if pattern.search(t):
            return role
    return None


def guess_roles(paras: Iterable[Paragraph]) -> list[Paragraph]:
    """Roles for paragraphs whose role is not known, from their text and position.

    The letter's order is assumed: 版头 elements, title, 主送 (the first short line ending
    with a colon), body with numbered headings, contacts, 附件说明, 署名, date (the last
    date-only line before any attachment page), 附注, attachment pages, 版记. A paragraph's
    known role is kept. Header elements are put in the letter's order (as compose has them).
    """
    paras = list(paras)
    n = len(paras)
    if not n:
        return []
    roles: list[Role | None] = [p.role for p in paras]
    norm = [normalise(p.text) for p in paras]

    # 主送: first short paragraph ending with a colon, within the first few
    addressee = next(
        (i for i in range(min(n, 12)) if norm[i].endswith(":") and len(norm[i]) <= 60
         and roles[i] in (None, Role.ADDRESSEE) and not _header_role(norm[i])),
        None,
    )
    # 版头 and title: before the addressee (or, without one, before the first long paragraph)
    head_end = addressee if addressee is not None else next(
        (i for i in range(n) if len(norm[i]) > 40 or _heading_role(norm[i])), 0)
    title_run: list[int] = []
    for i in range(head_end):
        if roles[i] is not None:
            continue
        role = _header_role(norm[i])
        if role is not None:
            roles[i] = role
            title_run = []
        elif paras[i].red:
            roles[i] = Role.ORGAN_MARK
            title_run = []
        else:
            title_run.append(i)
    if title_run:
        for i in title_run:
            roles[i] = Role.TITLE
        # organ marks: unmatched paragraphs before the last header element stay untyped → mark
    for i in range(head_end):
        if roles[i] is None:
            roles[i] = Role.ORGAN_MARK
    if addressee is not None and roles[addressee] is None:
        roles[addressee] = Role.ADDRESSEE

    # the date: the last date-only paragraph (before attachment pages and the 版记)
    date = None
    for i in range(n - 1, head_end, -1):
        if roles[i] in (None, Role.DATE) and _DATE.match(norm[i]):
            date = i
            break
    if date is not None:
        roles[date] = Role.DATE
        j = date - 1
        while j > head_end and roles[j] is None and len(norm[j]) <= 30 and not (
            norm[j].endswith(_SENTENCE_END) or _heading_role(norm[j])
            or _CONTACT.match(norm[j]) or _ATTACH_NOTE.match(norm[j])
        ):
            roles[j] = Role.SIGNATURE
            j -= 1
    end_of_letter = date if date is not None else n
    in_attachment = False
    for i in range(head_end, n):
        if roles[i] is not None:
            continue
        t = norm[i]
        after_date = date is not None and i > date
        if after_date and _ATTACH_LABEL.match(t):
            roles[i] = Role.ATTACHMENT_LABEL
            if i + 1 < n and roles[i + 1] is None:
                roles[i + 1] = Role.ATTACHMENT_TITLE
            in_attachment = True
        elif _CC.match(t):
            roles[i] = Role.RECORD_CC
        elif i >= n - 2 and _PRINT.search(t) and re.search(r"\d{4}年", t):
            roles[i] = Role.RECORD_PRINT
        elif (_ATTACH_NOTE.match(t) and not in_attachment) or (
            roles[i - 1] is Role.ATTACHMENT_NOTE and i < end_of_letter and _H3.match(t)
            and not t.endswith(_SENTENCE_END)
        ):
            roles[i] = Role.ATTACHMENT_NOTE
        elif (_CONTACT.match(t) and len(t) <= 40 and not in_attachment
              and any(w in t.split(":")[0] for w in _CONTACT_WORDS)):
            roles[i] = Role.CONTACT
        elif after_date and not in_attachment and t.startswith("(") and t.endswith(")"):
            roles[i] = Role.NOTE
        else:
            roles[i] = _heading_role(t) or Role.BODY
    out = [replace(p, role=r) for p, r in zip(paras, roles, strict=True)]
    head = [p for p in out[:head_end] if p.role in HEADER_ROLES]
    if head:
        others = [p for p in out[:head_end] if p.role not in HEADER_ROLES]
        head.sort(key=lambda p: HEADER_ROLES.index(p.role))  # type: ignore[arg-type]
        out = [*head, *others, *out[head_end:]]
    return out
