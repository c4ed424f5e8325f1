"""``gongwen check`` on a DOCX: the rules judge what Word will apply.

:func:`check_docx` reads the DOCX (:mod:`gongwen.read.docx` on :mod:`gongwen.ooxml.reader`:
each run's effective properties — document defaults, paragraph style chain, character style
chain, direct formatting — theme fonts resolved, sections, footers), measures it once
(:mod:`gongwen.check.facts_docx`) and runs the table's DOCX rules. ``render=True`` also
converts the file with LibreOffice (``render.py``) and runs the PDF rules on the result.

Paragraph numbers in findings count every ``w:p`` of the main document in order (tables
and text boxes included, from 1).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..read.docx import DocxDocument
from ..read.source import read_input
from ..spec import Role
from . import rules
from .facts_docx import docx_facts
from .report import Report

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet


def check_docx(
    path: str | Path,
    *,
    letter_format: bool = False,
    render: bool = False,
    rendered_pdf: str | Path | bytes | None = None,
    fontset: FontSet | None = None,
    report: Report | None = None,
) -> Report:
    """Check a DOCX's settings; with ``render`` (or a ``rendered_pdf`` made earlier) also the
    PDF rules on LibreOffice's rendering of it."""
    path = Path(path)
    report = report or Report(str(path), "docx", letter_format=letter_format)
    doc = DocxDocument.open(read_input(path), str(path))
    facts = docx_facts(doc, letter_format=letter_format, fontset=fontset)
    rules.run(rules.Route.DOCX, facts, report, "docx")
    if facts.empty:
        return report
    report.measurements["docx"] = facts.measurements()
    if render or rendered_pdf is not None:
        from ..read.pdf import read_pdf_geometry
        from .pdf import check_geometry

        if rendered_pdf is None:
            from .render import render_docx_to_pdf

            rendered_pdf = render_docx_to_pdf(path)
        report.rendered = True
        geometry = read_pdf_geometry(rendered_pdf)
        signatures = [p.text for p in facts.paras if p.role is Role.SIGNATURE]
        check_geometry(geometry, report, letter_format=letter_format, fontset=fontset,
                       origin="render", signatures=signatures)
    return report
