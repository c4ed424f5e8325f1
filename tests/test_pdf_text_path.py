"""gongwen's PDF text path (a ``TJ`` of 2-byte CIDs per run, one CIDFontType2 subset per
face) paints what reportlab's own TrueType text path paints for the same layout: the same
text and the same page images (within anti-aliasing), over the project's letters and a
sample of the benchmark set."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from reportlab.lib.colors import HexColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from gongwen.compose import compose
from gongwen.export.pdf import draw_layout
from gongwen.fonts import load_fontset, patch_reportlab
from gongwen.layout import Layout, layout_document
from gongwen.loader import load_letter

from .conftest import ROOT

# page images at 288 dpi: at screen resolutions pdfium hints glyphs, and the hinted shapes
# differ between a font program with its hinting tables (gongwen's subsets keep them) and one
# without (reportlab's), by a pixel here and there; at 288 dpi the outlines alone show
SCALE = 4


def reportlab_pdf(layout: Layout) -> bytes:
    """The layout drawn through reportlab's TrueType fonts and text objects, glyph by glyph
    where the layout spaced a run: the independent painter the PDF path is checked against."""
    patch_reportlab()
    names = {}
    for key, face in layout.fonts.items():
        name = f"oracle-{key}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(face.path), subfontIndex=face.subfont_index))
        names[key] = name
    buf = io.BytesIO()
    first = layout.pages[0]
    c = Canvas(buf, pagesize=(first.width, first.height), invariant=1)
    for page in layout.pages:
        h = page.height
        c.setPageSize((page.width, h))
        for rule in page.rules:
            c.setStrokeColor(HexColor("#" + rule.color))
            c.setLineWidth(rule.width)
            c.setLineCap(0)
            c.line(rule.x0, h - rule.y0, rule.x1, h - rule.y1)
        for img in page.images:
            c.drawImage(ImageReader(io.BytesIO(img.data)), img.x, h - img.y - img.height,
                        img.width, img.height, mask="auto", preserveAspectRatio=True,
                        anchor="c")
        for run in page.runs:
            t = c.beginText()
            t.setFont(names[run.font], run.size)
            t.setFillColor(HexColor("#" + run.color))
            for ch, x in zip(run.text, run.xs, strict=True):
                t.setTextOrigin(x, h - run.y)
                t.textOut(ch)
            c.drawText(t)
        c.showPage()
    c.save()
    return buf.getvalue()


def _pages(pdf: bytes) -> list[tuple[str, np.ndarray]]:
    doc = pypdfium2.PdfDocument(pdf)
    out = []
    for page in doc:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=SCALE, grayscale=True).to_pil().convert("L")
        out.append((text, np.asarray(image, dtype=np.int16)))
    doc.close()
    return out


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    generated = generate(tmp_path_factory.mktemp("bench") / "letters", 16)
    return sorted((ROOT / "letters").rglob("*.yaml")) + generated[::2]


def compare(letters: list[Path]) -> None:
    """Each letter's PDF against the independent painter's: same text, same page images."""
    fontset = load_fontset("open")
    pages = inked = 0
    for path in letters:
        layout = layout_document(compose(load_letter(path), path.parent), fontset)
        ours, theirs = _pages(draw_layout(layout)), _pages(reportlab_pdf(layout))
        assert len(ours) == len(theirs) == len(layout.pages), path
        for n, ((text, image), (text2, image2)) in enumerate(zip(ours, theirs, strict=True), 1):
            where = f"{path.name} page {n}"
            # the same characters in the same order (where a reader breaks lines depends on
            # how glyphs are grouped into text objects)
            assert "".join(text.split()) == "".join(text2.split()), where
            assert image.shape == image2.shape, where
            ink = int((image2 < 128).sum())  # 0 on a page left blank (文件格式's 版记)
            diff = np.abs(image - image2)
            # anti-aliasing: edges may differ a little; no glyph may be missing or moved
            assert int((diff > 96).sum()) <= max(20, ink // 500), where
            assert float(diff.mean()) < 0.5, where
            pages += 1
            inked += ink > 0
    assert pages >= 20 and inked >= pages - 2


def test_pdf_text_path_paints_what_reportlab_paints(letters: list[Path]) -> None:
    # in a process of its own: the painter is reportlab's TrueType path, whose registered
    # fonts and per-document state other tests in this process (the OFD reader draws with
    # reportlab too) could have touched; the painter's text came out short after them
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-m", "tests.test_pdf_text_path", *map(str, letters)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )
    assert done.returncode == 0, done.stderr[-4000:]


if __name__ == "__main__":
    compare([Path(a) for a in sys.argv[1:]])
