"""Convert DOCX to PDF with headless LibreOffice, seeing only the fonts we give it.

A thin test-side shell over :mod:`gongwen.check.render`, which owns the soffice lookup, the
throw-away profile and the generated fontconfig file (the bundled Fandol faces by default,
so LibreOffice lays the DOCX out with the same fonts as gongwen's PDF). Several files go
through one soffice start.

Tests FAIL when soffice is missing (CI installs it); set ``GONGWEN_SKIP_LIBREOFFICE=1`` to
skip them instead.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gongwen.check.render import RenderError, fontconfig_file, render_docx_files, soffice_path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_FONTS = ROOT / "fonts"
SKIP_ENV = "GONGWEN_SKIP_LIBREOFFICE"

__all__ = ["BUNDLED_FONTS", "SKIP_ENV", "LibreOfficeError", "convert_to_pdf", "fontconfig_file",
           "require_soffice", "soffice_path"]


class LibreOfficeError(RuntimeError):
    pass


def require_soffice() -> str:
    """soffice's path; skips under GONGWEN_SKIP_LIBREOFFICE=1, else fails if it is missing."""
    import pytest

    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1")
    path = soffice_path()
    if path is None:
        pytest.fail(f"LibreOffice (soffice) not found; install it or set {SKIP_ENV}=1")
    return path


def convert_to_pdf(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    font_dirs: Sequence[Path] = (BUNDLED_FONTS,),
    timeout: float = 180.0,
) -> list[Path]:
    """Convert DOCX files to PDFs in ``out_dir`` with one soffice run; returns the PDFs."""
    try:
        return render_docx_files(docx_files, out_dir, font_dirs=font_dirs, timeout=timeout)
    except RenderError as e:
        raise LibreOfficeError(f"{e}\n{e.output}".rstrip()) from e
