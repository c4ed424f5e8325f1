"""``gongwen check`` on a PDF: the rules judge where the glyphs and rules actually are.

:func:`check_pdf` reads the file's geometry (:mod:`gongwen.read.pdf`), measures it once
(:mod:`gongwen.check.facts_pdf`) and runs the table's PDF rules (:mod:`gongwen.check.rules`).
The format is detected from page 1 (red double lines: 信函格式; one red rule: 文件格式) or
forced with ``letter_format``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..read.geometry import PdfGeometry
from ..read.pdf import read_pdf_geometry
from . import rules
from .facts_pdf import pdf_facts
from .report import Report

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet


def check_pdf(
    source: str | Path | bytes,
    *,
    letter_format: bool = False,
    fontset: FontSet | None = None,
    label: str | None = None,
    origin: str = "pdf",
    report: Report | None = None,
) -> Report:
    """Check a PDF file (path or bytes) against GB/T 9704; returns the findings."""
    name = label or (str(source) if not isinstance(source, bytes) else "<pdf>")
    report = report or Report(name, "pdf", letter_format=letter_format)
    geometry = read_pdf_geometry(source, name)
    check_geometry(geometry, report, letter_format=letter_format, fontset=fontset, origin=origin)
    return report


def check_ofd(
    source: str | Path | bytes,
    *,
    letter_format: bool = False,
    fontset: FontSet | None = None,
    label: str | None = None,
) -> Report:
    """Check an OFD file (path or bytes) with the PDF rules, on the geometry its own XML
    gives (:mod:`gongwen.read.ofd`)."""
    from ..read.ofd import read_ofd_geometry

    name = label or (str(source) if not isinstance(source, bytes) else "<ofd>")
    report = Report(name, "ofd", letter_format=letter_format)
    geometry = read_ofd_geometry(source, name)
    check_geometry(geometry, report, letter_format=letter_format, fontset=fontset, origin="ofd")
    return report


def check_geometry(
    geometry: PdfGeometry,
    report: Report,
    *,
    letter_format: bool = False,
    fontset: FontSet | None = None,
    origin: str = "pdf",
    signatures: Sequence[str] = (),
) -> None:
    """The PDF rules over a geometry already read; ``origin`` labels the findings ("pdf",
    "ofd", or "render" for LibreOffice's rendering of a DOCX) and names the measurements;
    ``signatures``: the 署名s as the rendered file writes them."""
    facts = pdf_facts(geometry, letter_format=letter_format, fontset=fontset,
                      signatures=signatures)
    rules.run(rules.Route.PDF, facts, report, origin)
    if facts.empty:
        return
    report.letter_format = report.letter_format or facts.fmt == "letter"
    report.measurements[MEASUREMENTS_KEY.get(origin, "pdf")] = facts.measurements()


MEASUREMENTS_KEY = {"render": "rendered_pdf", "ofd": "ofd"}  # by origin; else "pdf"
