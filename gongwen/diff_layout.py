"""Layout comparison of two PDFs (``gongwen diff --layout``) and pixel overlays (``--visual``).

Both sides are PDFs read by :func:`gongwen.read.read_pdf_bytes`; a letter YAML is first
rendered to PDF in memory with gongwen's own exporter. Compared, with a position tolerance
(default 1 mm):

* ``page_count``: the number of pages;
* ``line_breaks``: per page, the number of lines and the text of each line (normalised), so a
  paragraph that breaks at another character shows up at the first line that differs;
* ``position`` of the title, the 署名 (signature), the date (page, left edge and baseline of
  their first line);
* ``page_number``: the printed "— N —" of each page, its text and position (or its absence).

JSON (``layout`` in the diff report)::

    {"identical": bool, "tolerance_mm": float,
     "a": {"pages": int, "lines_per_page": [int]}, "b": {...},
     "differences": [{"kind": "page_count|line_breaks|position|page_number",
                      "page": int|null, "element": str|null, "line": int|null,
                      "a": any, "b": any, "delta_mm": [dx, dy]|null, "message": str}]}

Positions are ``{"page": n, "x_mm": …, "y_mm": …}`` measured from the page's top-left corner
(``y`` is the baseline). ``--visual DIR`` renders each page of both PDFs with pypdfium2 and
writes ``DIR/page-NNN.png``: ink on both sides grey, ink only in A red, ink only in B blue,
and a magenta box round the changed area; the report lists the changed pixels per page.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import GongwenError, option, os_error_reason
from .read import Reading, SourceKind, TextLine, read_pdf_bytes
from .spec import Role, pt_to_mm
from .textnorm import normalise

ELEMENTS = {Role.TITLE: "title", Role.SIGNATURE: "signature", Role.DATE: "date"}
MAX_LINE_REPORTS = 5  # line-break differences listed per page
RENDER_DPI = 100
INK = 200  # grey level below which a pixel is ink


def pdf_reading_for_layout(reading: Reading, path: Path, *, fonts: str = "auto") -> Reading:
    """The page reading of an input: a PDF or an OFD as read (its geometry), a letter YAML
    rendered to PDF in memory."""
    if reading.kind in (SourceKind.PDF, SourceKind.OFD):
        return reading
    if reading.kind is SourceKind.YAML:
        from .fonts import FontError
        from .loader import load_letter_with_sources
        from .pipeline import render_letter

        letter, sources = load_letter_with_sources(path)
        try:
            rendered = render_letter(
                letter, ("pdf",), fonts=fonts, base_dir=path.parent, sources=sources
            )
        except FontError as exc:  # a font problem is the user's environment
            raise GongwenError(f"{option('fonts', fonts)}: 无法为版面比较载入字体：{exc}") from exc
        return read_pdf_bytes(rendered.outputs["pdf"], f"{path}（排版）")  # type: ignore[arg-type]
    from .diff import KIND_NAMES

    raise GongwenError(
        f"{path}: 这是{KIND_NAMES[reading.kind.value]}；"
        f"版面比较（{option('layout')}、{option('visual')}）需要 PDF、OFD 或信件 YAML"
    )


@dataclass(frozen=True, slots=True)
class LayoutDifference:
    kind: str
    message: str
    page: int | None = None
    element: str | None = None
    line: int | None = None
    a: Any = None
    b: Any = None
    delta_mm: tuple[float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "page": self.page,
            "element": self.element,
            "line": self.line,
            "a": self.a,
            "b": self.b,
            "delta_mm": list(self.delta_mm) if self.delta_mm else None,
            "message": self.message,
        }


@dataclass
class LayoutDiff:
    tolerance_mm: float
    a_lines: list[int]
    b_lines: list[int]
    differences: list[LayoutDifference] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences

    def to_json(self) -> dict[str, Any]:
        return {
            "identical": self.identical,
            "tolerance_mm": self.tolerance_mm,
            "a": {"pages": len(self.a_lines), "lines_per_page": self.a_lines},
            "b": {"pages": len(self.b_lines), "lines_per_page": self.b_lines},
            "differences": [d.to_json() for d in self.differences],
        }

    def render_terminal(self, console: Any) -> None:
        from rich.text import Text

        head = Text("\n版面", style="bold")
        head.append(
            f"  A {len(self.a_lines)} 页 {self.a_lines}，B {len(self.b_lines)} 页 "
            f"{self.b_lines}，容差 {self.tolerance_mm:g} mm",
            style="dim",
        )
        console.print(head)
        if not self.differences:
            console.print(Text("  版面相同", style="green"))
        for d in self.differences:
            console.print(Text(f"  - {d.message}", style="yellow"))

    def render_html(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(d.message)}</li>" for d in self.differences)
        status = "版面相同" if self.identical else f"{len(self.differences)} 处版面不同"
        return (
            f'<section class="layout" id="layout"><h2>版面</h2><p>A {len(self.a_lines)} 页，'
            f"B {len(self.b_lines)} 页，容差 {self.tolerance_mm:g} mm：{html.escape(status)}"
            f"</p><ul>{items}</ul></section>"
        )


def _pos(line: TextLine) -> dict[str, Any]:
    return {"page": line.page, "x_mm": round(pt_to_mm(line.x0), 2),
            "y_mm": round(pt_to_mm(line.baseline), 2), "text": line.drawn}


def _element_lines(reading: Reading) -> dict[str, TextLine]:
    """The first line of the first paragraph with each compared role."""
    wanted = {}
    for i, p in enumerate(reading.paragraphs):
        name = ELEMENTS.get(p.role)  # type: ignore[arg-type]
        if name and name not in wanted:
            wanted[name] = i
    # paragraphs may be re-ordered by role guessing; find lines by paragraph text
    out: dict[str, TextLine] = {}
    lines = [ln for pg in reading.pages for ln in pg.content]
    for name, i in wanted.items():
        target = normalise(reading.paragraphs[i].text)
        for ln in lines:
            t = normalise(ln.drawn)
            if t and target.startswith(t):
                out[name] = ln
                break
    return out


def compare_layout(a: Reading, b: Reading, *, tolerance_mm: float = 1.0) -> LayoutDiff:
    """Compare the layout facts of two PDF readings."""
    tol = tolerance_mm
    pa, pb = a.pages, b.pages
    result = LayoutDiff(tol, [len(p.content) for p in pa], [len(p.content) for p in pb])
    diffs = result.differences
    if len(pa) != len(pb):
        diffs.append(LayoutDifference(
            "page_count", f"页数不同：A {len(pa)} 页，B {len(pb)} 页", a=len(pa), b=len(pb)))

    for n in range(1, min(len(pa), len(pb)) + 1):
        la = [normalise(ln.drawn) for ln in pa[n - 1].content]
        lb = [normalise(ln.drawn) for ln in pb[n - 1].content]
        if la != lb:
            shown = 0
            for k in range(max(len(la), len(lb))):
                if (la[k] if k < len(la) else None) == (lb[k] if k < len(lb) else None):
                    continue
                ta = pa[n - 1].content[k].drawn if k < len(la) else None
                tb = pb[n - 1].content[k].drawn if k < len(lb) else None
                if shown == MAX_LINE_REPORTS:
                    break
                shown += 1
                diffs.append(LayoutDifference(
                    "line_breaks",
                    f"第 {n} 页第 {k + 1} 行断行不同：A「{ta or '（无）'}」，B「{tb or '（无）'}」",
                    page=n, line=k + 1, a=ta, b=tb,
                ))
            if len(la) != len(lb):
                diffs.append(LayoutDifference(
                    "line_breaks", f"第 {n} 页行数不同：A {len(la)} 行，B {len(lb)} 行",
                    page=n, a=len(la), b=len(lb),
                ))

    ea, eb = _element_lines(a), _element_lines(b)
    for name in ("title", "signature", "date"):
        la_, lb_ = ea.get(name), eb.get(name)
        if la_ is None and lb_ is None:
            continue
        if la_ is None or lb_ is None:
            diffs.append(LayoutDifference(
                "position", f"{name}：只在 {'B' if la_ is None else 'A'} 中找到",
                element=name, a=_pos(la_) if la_ else None, b=_pos(lb_) if lb_ else None))
            continue
        dx = pt_to_mm(lb_.x0 - la_.x0)
        dy = pt_to_mm(lb_.baseline - la_.baseline)
        if la_.page != lb_.page or abs(dx) > tol or abs(dy) > tol:
            diffs.append(LayoutDifference(
                "position",
                f"{name} 位置不同：A 第 {la_.page} 页 ({pt_to_mm(la_.x0):.1f}, "
                f"{pt_to_mm(la_.baseline):.1f}) mm，B 第 {lb_.page} 页 ({pt_to_mm(lb_.x0):.1f}, "
                f"{pt_to_mm(lb_.baseline):.1f}) mm",
                page=la_.page, element=name, a=_pos(la_), b=_pos(lb_),
                delta_mm=(round(dx, 2), round(dy, 2)),
            ))

    for n in range(1, max(len(pa), len(pb)) + 1):
        na = pa[n - 1].page_number if n <= len(pa) else None
        nb = pb[n - 1].page_number if n <= len(pb) else None
        if n > len(pa) or n > len(pb):
            continue  # the page count difference says it
        if na is None and nb is None:
            continue
        if na is None or nb is None:
            diffs.append(LayoutDifference(
                "page_number", f"第 {n} 页页码只在 {'B' if na is None else 'A'} 中有",
                page=n, element="page_number",
                a=_pos(na) if na else None, b=_pos(nb) if nb else None))
            continue
        dx = pt_to_mm(nb.x0 - na.x0)
        dy = pt_to_mm(nb.baseline - na.baseline)
        if normalise(na.drawn) != normalise(nb.drawn) or abs(dx) > tol or abs(dy) > tol:
            diffs.append(LayoutDifference(
                "page_number",
                f"第 {n} 页页码不同：A「{na.drawn}」({pt_to_mm(na.x0):.1f}, "
                f"{pt_to_mm(na.baseline):.1f}) mm，B「{nb.drawn}」({pt_to_mm(nb.x0):.1f}, "
                f"{pt_to_mm(nb.baseline):.1f}) mm",
                page=n, element="page_number", a=_pos(na), b=_pos(nb),
                delta_mm=(round(dx, 2), round(dy, 2)),
            ))
    return result


# --- pixel overlays --------------------------------------------------------------------------
def _page_images(data: bytes, dpi: int) -> Iterator[Any]:
    """Each page as a greyscale image, one at a time (memory stays flat however many pages)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            try:
                yield page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            finally:
                page.close()
    finally:
        pdf.close()


def pdf_page_count(data: bytes) -> int:
    """The pages of a PDF, counted by pdfium (fast: no page is parsed); 0 when pdfium cannot
    open it (the PDF reader then says why)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:
        return 0
    try:
        return len(pdf)
    finally:
        pdf.close()


def check_visual_pages(data: bytes, name: str) -> None:
    """Refuse ``--visual`` for a PDF of more pages than :data:`gongwen.limits.MAX_VISUAL_PAGES`
    (each page is drawn twice at 100 dpi); ``--layout`` compares every page."""
    from . import limits

    pages = pdf_page_count(data)
    if pages > limits.MAX_VISUAL_PAGES:
        raise limits.InputError(
            name,
            f"{option('visual')} 最多叠图 {limits.MAX_VISUAL_PAGES} 页，此 PDF 有 {pages} 页；"
            f"请用 {option('layout')} 比较全部页面的版面"
        )


def overlay(img_a: Any, img_b: Any) -> tuple[Any, int, tuple[int, int, int, int] | None]:
    """An RGB overlay of two greyscale pages; the number of changed pixels and their box."""
    from PIL import Image, ImageChops, ImageDraw

    w = max(img_a.width if img_a else 0, img_b.width if img_b else 0)
    h = max(img_a.height if img_a else 0, img_b.height if img_b else 0)

    def ink(img: Any) -> Any:
        canvas = Image.new("L", (w, h), 255)
        if img is not None:
            canvas.paste(img, (0, 0))
        return canvas.point(lambda v: 255 if v < INK else 0)

    ia, ib = ink(img_a), ink(img_b)
    only_a = ImageChops.subtract(ia, ib)
    only_b = ImageChops.subtract(ib, ia)
    both = ImageChops.darker(ia, ib)
    out = Image.new("RGB", (w, h), (255, 255, 255))
    out.paste((160, 160, 160), mask=both)
    out.paste((220, 0, 0), mask=only_a)
    out.paste((0, 90, 255), mask=only_b)
    changed = ImageChops.lighter(only_a, only_b)
    count = changed.histogram()[255]
    box = changed.getbbox()
    if box:
        x0, y0, x1, y1 = box
        ImageDraw.Draw(out).rectangle((x0 - 4, y0 - 4, x1 + 4, y1 + 4), outline=(200, 0, 200),
                                      width=2)
    return out, count, box


def write_overlays(a: Reading, b: Reading, out_dir: Path, *, dpi: int = RENDER_DPI
                   ) -> list[dict[str, Any]]:
    """Write ``out_dir/page-NNN.png`` for every page; returns one record per page."""
    try:
        import PIL  # noqa: F401
        import pypdfium2  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise GongwenError(f"{option('visual')}: 需要 Pillow 和 pypdfium2：{exc}") from exc
    for r in (a, b):
        if r.pdf is None:  # an OFD: its pages are not drawn here
            raise GongwenError(f"{r.path}: {option('visual')} 叠印的是 PDF 页面，需要 PDF 或信件 "
                               f"YAML；OFD 可用 {option('layout')} 比较版面")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GongwenError(f"{out_dir}: 无法创建目录（{os_error_reason(exc)}）") from exc
    check_visual_pages(a.pdf, a.path)
    check_visual_pages(b.pdf, b.path)
    records = []
    pages = itertools.zip_longest(_page_images(a.pdf, dpi), _page_images(b.pdf, dpi))
    for n, (ia, ib) in enumerate(pages):
        img, count, box = overlay(ia, ib)
        path = out_dir / f"page-{n + 1:03d}.png"
        img.save(path, format="PNG", optimize=False)
        records.append({"page": n + 1, "path": str(path), "changed_pixels": count,
                        "box_px": list(box) if box else None, "dpi": dpi})
    return records
