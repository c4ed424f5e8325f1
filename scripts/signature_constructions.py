"""How LibreOffice lays out constructions of the 署名 block after the 署名 is edited.

    python3 scripts/signature_constructions.py [OUT_DIR]

Renders the reference letter's DOCX, whose 署名 block is a markup-compatibility block: the
table Word reads (a borderless table fitted to its content) and LibreOffice's copy, a frame
(docs/docx.md). ``gongwen`` is that file; every other construction replaces the block with
its table rebuilt as a construction that Word fits to its text:

- ``table``: the autofit table alone (column width in ``w:tblGrid``);
- ``table-no-grid-width``: the same, ``w:gridCol`` without a width;
- ``table-nowrap``: the same, its cells ``w:noWrap``;
- ``frame``: both paragraphs in one frame, ``w:framePr`` without ``w:w``, right of the
  margin, following the text (``notBeside``), the paragraphs right-indented two characters;
- ``frame-one-paragraph``: the same frame holding one paragraph, the 署名 and the date on
  lines of their own (a line break, the date under a hanging indent of two characters);
- ``text-box``: a DrawingML text box right of the margin, ``wrap="none"`` with
  ``a:spAutoFit`` (Word widens it to its text), its right inset two characters;
- ``vml-text-box``: a VML text box (``v:shape``/``v:textbox``), ``mso-wrap-style:none``
  and ``mso-fit-shape-to-text:t``, right of the margin.

Each is saved with the 署名 as written, shorter and longer, all converted in one soffice run
with the bundled fonts only, and measured: the 署名's and the date's distance from the right
edge, the date's first character right of the 署名's (characters), and whether each stayed
on one line. Decision 10 asks for 2 (署名), 2 (offset) and one line each when the 署名 is
the longer line; with a short 署名, the date two characters from the edge and the offset 2.
"""

from __future__ import annotations

import io
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongwen import spec  # noqa: E402
from gongwen.compose import compose  # noqa: E402
from gongwen.fonts import load_fontset  # noqa: E402
from gongwen.loader import load_letter  # noqa: E402
from gongwen.pipeline import render_document  # noqa: E402
from tests import pdf_checks as pc  # noqa: E402
from tests.docx_paragraphs import set_signature  # noqa: E402
from tests.libreoffice import convert_to_pdf  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
TWO_CHARS = 632  # twips: two 3号 characters with the body's −0.25 pt tracking
NAMES = {"as written": None, "shorter": "株洲市发改委",
         "longer": "株洲市发展和改革委员会株洲市人民政府办公室"}

TEXT_BOX = (
    '<w:r xmlns:w="{w}" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:drawing>'
    '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" '
    'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="0"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="margin"><wp:align>right</wp:align></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
    '<wp:wrapTopAndBottom/><wp:docPr id="90" name="署名"/><wp:cNvGraphicFramePr/><a:graphic>'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
    '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
    '<a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
    '<a:noFill/><a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent>{paragraphs}'
    '</w:txbxContent></wps:txbx><wps:bodyPr rot="0" wrap="none" lIns="0" tIns="0" '
    'rIns="{inset}" bIns="0" anchor="t"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData>'
    '</a:graphic></wp:anchor></w:drawing></w:r>')


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def signature_table(root: etree._Element) -> etree._Element:
    return next(t for t in root.iter(w("tbl"))
                if any(s.get(w("val")) == "Signature" for s in t.iter(w("pStyle"))))


def table(tbl: etree._Element) -> None:
    """gongwen's construction, unchanged."""


def table_no_grid_width(tbl: etree._Element) -> None:
    for col in tbl.iter(w("gridCol")):
        del col.attrib[w("w")]


def table_nowrap(tbl: etree._Element) -> None:
    for props in tbl.iter(w("tcPr")):
        props.find(w("tcW")).addnext(etree.Element(w("noWrap")))


def _take_paragraphs(tbl: etree._Element) -> tuple[list[etree._Element], etree._Element, int]:
    paragraphs = list(tbl.iter(w("p")))
    parent = tbl.getparent()
    at = parent.index(tbl)
    parent.remove(tbl)
    space = tbl.find(f".//{w('tcMar')}/{w('top')}").get(w("w"))  # the blank line above
    paragraphs[0].find(f"{w('pPr')}/{w('spacing')}").set(w("before"), space)
    return paragraphs, parent, at


def _framed(p: etree._Element) -> etree._Element:
    """``p`` in a frame of automatic width right of the margin, following the text, the
    paragraph right-indented 二字."""
    props = p.find(w("pPr"))
    framed = etree.Element(w("framePr"))
    for name, value in (("wrap", "notBeside"), ("vAnchor", "text"), ("hAnchor", "margin"),
                        ("xAlign", "right"), ("y", "1")):
        framed.set(w(name), value)
    props.find(w("keepLines")).addnext(framed)
    props.find(w("ind")).set(w("right"), str(TWO_CHARS))
    return p


def frame(tbl: etree._Element) -> None:
    paragraphs, parent, at = _take_paragraphs(tbl)
    for k, p in enumerate(paragraphs):
        parent.insert(at + k, _framed(p))


def text_box(tbl: etree._Element) -> None:
    paragraphs, parent, at = _take_paragraphs(tbl)
    inner = "".join(etree.tostring(p, encoding="unicode") for p in paragraphs)
    inner = inner.replace(f' xmlns:w="{W}"', "")
    width = int(tbl.find(f"{w('tblGrid')}/{w('gridCol')}").get(w("w"))) * 635  # EMU
    run = etree.fromstring(TEXT_BOX.format(w=W, cx=width, cy=2 * 579 * 635, inset=TWO_CHARS * 635,
                                           paragraphs=inner))
    anchor = etree.Element(w("p"))
    anchor.append(run)
    parent.insert(at, anchor)


def _one_paragraph(paragraphs: list[etree._Element]) -> etree._Element:
    """The 署名 and date paragraphs joined into the first: a line break between them, the
    later lines indented 二字 by a hanging indent."""
    first = paragraphs[0]
    for p in paragraphs[1:]:
        br = etree.SubElement(first, w("r"))
        etree.SubElement(br, w("br"))
        for r in p.findall(w("r")):
            first.append(r)
    ind = first.find(f"{w('pPr')}/{w('ind')}")
    for name in ("firstLine", "firstLineChars"):
        ind.attrib.pop(w(name), None)
    ind.set(w("left"), str(TWO_CHARS))
    ind.set(w("hanging"), str(TWO_CHARS))
    return first


def frame_one_paragraph(tbl: etree._Element) -> None:
    paragraphs, parent, at = _take_paragraphs(tbl)
    parent.insert(at, _framed(_one_paragraph(paragraphs)))


VML_BOX = (
    '<w:r xmlns:w="{w}" xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word"><w:pict>'
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" '
    'path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
    '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
    '<v:shape id="署名" o:spid="_x0000_s1090" type="#_x0000_t202" filled="f" stroked="f" '
    'style="position:absolute;margin-left:0;margin-top:0;width:{wpt}pt;height:{hpt}pt;'
    'z-index:2;mso-wrap-style:none;mso-position-horizontal:right;'
    'mso-position-horizontal-relative:margin;mso-position-vertical-relative:text;'
    'v-text-anchor:top;mso-fit-shape-to-text:t">'
    '<v:textbox style="mso-fit-shape-to-text:t" inset="0,0,{inset}pt,0"><w:txbxContent>'
    '{paragraphs}</w:txbxContent></v:textbox><w10:wrap type="topAndBottom"/></v:shape>'
    '</w:pict></w:r>')


def vml_text_box(tbl: etree._Element) -> None:
    paragraphs, parent, at = _take_paragraphs(tbl)
    inner = "".join(etree.tostring(p, encoding="unicode") for p in paragraphs)
    inner = inner.replace(f' xmlns:w="{W}"', "")
    width = int(tbl.find(f"{w('tblGrid')}/{w('gridCol')}").get(w("w"))) / 20
    run = etree.fromstring(VML_BOX.format(w=W, wpt=width, hpt=2 * 579 / 20,
                                          inset=TWO_CHARS / 20, paragraphs=inner))
    anchor = etree.Element(w("p"))
    anchor.append(run)
    parent.insert(at, anchor)


def gongwen(tbl: etree._Element) -> None:
    """gongwen's file, unchanged (LibreOffice reads the frame)."""


CONSTRUCTIONS: dict[str, Callable[[etree._Element], None]] = {
    "gongwen": gongwen, "table": table, "table-no-grid-width": table_no_grid_width,
    "table-nowrap": table_nowrap, "frame": frame, "frame-one-paragraph": frame_one_paragraph,
    "text-box": text_box, "vml-text-box": vml_text_box,
}


def variant(source: bytes, construction: Callable[[etree._Element], None], name: str | None,
            path: Path) -> None:
    """``source`` with its 署名 block rebuilt by ``construction`` and its 署名 set to
    ``name`` (None: as written), saved to ``path``."""
    with zipfile.ZipFile(io.BytesIO(source)) as z:
        parts = {info: z.read(info.filename) for info in z.infolist()}
    for info, data in parts.items():
        if info.filename == "word/document.xml":
            root = etree.fromstring(data)
            tbl = signature_table(root)
            if construction is not gongwen:  # the table alone, then rebuilt
                block = next(a for a in tbl.iterancestors() if a.tag == f"{{{MC}}}AlternateContent")
                block.addprevious(tbl)
                block.getparent().remove(block)
            construction(tbl)
            for p in root.iter(w("p")):
                style = p.find(f"{w('pPr')}/{w('pStyle')}")
                if name and style is not None and style.get(w("val")) == "Signature":
                    set_signature(p, name)
            parts[info] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in parts.items():
            out.writestr(info, data)


def measure(pdf: Path, name: str) -> str:
    lines = [ln for page in pc.open_pdf(pdf).pages for ln in pc.body_lines(page)]
    k = max(i for i, ln in enumerate(lines) if ln.text.startswith("2022"))
    sig = next(ln for ln in reversed(lines[:k]) if ln.text.startswith(name[:4]))
    date = lines[k]
    c = spec.CHAR_PITCH
    whole = pc.normalise_text(sig.text) == pc.normalise_text(name)
    date_whole = pc.normalise_text(date.text).endswith("日")
    return (f"署名右空 {(pc.TYPE_RIGHT - sig.x1) / c:5.2f} 字  日期首字在署名首字右 "
            f"{(date.x0 - sig.x0) / c:5.2f} 字  日期右空 {(pc.TYPE_RIGHT - date.x1) / c:5.2f} 字  "
            f"署名{'在一行' if whole else '折行'}  日期{'在一行' if date_whole else '折行'}")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    path = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
    doc = compose(load_letter(path), path.parent)
    source = render_document(doc, load_fontset("auto"), ("docx",)).outputs["docx"]
    assert isinstance(source, bytes)
    organ = next(b.text for b in doc.blocks if b.role is spec.Role.SIGNATURE)
    cases = []
    for label, construction in CONSTRUCTIONS.items():
        for edit, name in NAMES.items():
            target = out / f"{label}-{list(NAMES).index(edit)}.docx"
            variant(source, construction, name, target)
            cases.append((label, edit, name or organ, target))
    pdfs = convert_to_pdf([c[3] for c in cases], out)
    for (label, edit, name, _), pdf in zip(cases, pdfs, strict=True):
        print(f"{label:19} {edit:10} {measure(pdf, name)}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory(prefix="gongwen-signature-") as tmp:
            main(Path(tmp))
