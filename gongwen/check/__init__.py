"""``gongwen check``: a GB/T 9704-2012 conformance report for any PDF, OFD or DOCX.

:func:`check_file` picks the route by the file's content. A file is read once
(:mod:`gongwen.read`) and measured once — ``facts_pdf.py`` the page as drawn (a PDF's, or an
OFD's read from its own XML into the same geometry by :mod:`gongwen.read.ofd`),
``facts_docx.py`` the DOCX's settings, with each line's or paragraph's role from
``layout_roles.py`` — and the table of rules (``rules.py``, the rules by clause in
``rules_*.py``) judges the facts; ``pdf.py`` and ``docx.py`` run a route (``render=True``
also runs the PDF rules on LibreOffice's rendering of a DOCX, ``render.py``). Findings and
output: ``report.py`` (JSON format and the table of rules in ``docs/check.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import GongwenError, os_error_reason
from .report import Clause, Finding, Report, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet

__all__ = ["CheckError", "Clause", "Finding", "Report", "Severity", "check_file"]


class CheckError(GongwenError):
    """The file cannot be checked (missing, unreadable, not a PDF or DOCX)."""


def file_kind(path: Path) -> str:
    """ "pdf", "ofd" or "docx" from the file's first bytes; CheckError otherwise."""
    import os

    from .. import limits

    try:
        with limits.open_regular(path) as (fd, _size):  # never a device or a pipe
            head = os.read(fd, 1024)
    except limits.InputError as e:
        raise CheckError(str(e)) from None
    except OSError as e:
        raise CheckError(f"{path}: 无法读取：{os_error_reason(e)}") from e
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK"):
        from ..read.ofd import is_ofd

        return "ofd" if is_ofd(path) else "docx"
    from ..filetype import ELSEWHERE, kind_message, sniff

    kind = sniff(path, head)
    message = kind_message(kind, "check 检查 PDF、OFD 或 DOCX", ELSEWHERE.get(kind, ""))
    raise CheckError(f"{path}: {message}")


def check_file(
    path: str | Path,
    *,
    letter_format: bool = False,
    render: bool = False,
    fontset: FontSet | None = None,
    pdfa: bool = False,
) -> Report:
    """Check one PDF, OFD or DOCX; raises :class:`CheckError` if it cannot be read. A PDF
    that declares PDF/A, or any PDF with ``pdfa``, is also checked requirement by
    requirement against PDF/A (``pdfa.py``)."""
    from ..read.docx import DocxError
    from ..read.ofd import OfdReadError
    from ..read.pdf import PdfReadError
    from .docx import check_docx
    from .pdf import check_ofd, check_pdf

    path = Path(path)
    kind = file_kind(path)
    if fontset is None:
        fontset = _default_fontset()
    try:
        if kind == "pdf":
            from .. import limits
            from .pdfa import add_pdfa_findings, declares_pdfa

            data = limits.read_bounded(path, limits.MAX_PDF_BYTES, what="PDF 文件")
            report = check_pdf(data, letter_format=letter_format, fontset=fontset,
                               label=str(path))  # within the bounds (read_pdf_geometry)
            if pdfa or declares_pdfa(data):
                add_pdfa_findings(report, data)
            return report
        if kind == "ofd":
            return check_ofd(path, letter_format=letter_format, fontset=fontset)
        return check_docx(path, letter_format=letter_format, render=render, fontset=fontset)
    except (PdfReadError, OfdReadError, DocxError) as e:
        raise CheckError(str(e)) from e


def _default_fontset() -> FontSet | None:
    """The fontset whose families tell which role a font name is (no scan of installed fonts
    is needed for that: the bundled families plus the manifest's official names suffice)."""
    try:
        from ..fonts import load_fontset

        return load_fontset("open")
    except Exception:
        return None
