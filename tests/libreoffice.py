"""Convert DOCX to PDF with headless LibreOffice, seeing only the fonts we give it.

Each call uses a throw-away LibreOffice profile (``-env:UserInstallation``) and a generated
fontconfig file (``FONTCONFIG_FILE``, for the soffice subprocess only) that adds a folder of
fonts — by default the bundled Fandol faces — so LibreOffice lays the DOCX out with the same
fonts as gongwen's PDF. Several files go through one soffice start.

Tests FAIL when soffice is missing (CI installs it); set ``GONGWEN_SKIP_LIBREOFFICE=1`` to
skip them instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_FONTS = ROOT / "fonts"
SKIP_ENV = "GONGWEN_SKIP_LIBREOFFICE"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc")


class LibreOfficeError(RuntimeError):
    pass


def soffice_path() -> str | None:
    """The soffice executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_soffice() -> str:
    """soffice's path; skips under GONGWEN_SKIP_LIBREOFFICE=1, else fails if it is missing."""
    import pytest

    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1")
    path = soffice_path()
    if path is None:
        pytest.fail(f"LibreOffice (soffice) not found; install it or set {SKIP_ENV}=1")
    return path


def fontconfig_file(work: Path, font_dirs: Sequence[Path]) -> Path:
    """A fonts.conf that includes the system configuration plus ``font_dirs`` (fonts are
    symlinked into one folder under ``work``), with its cache under ``work``."""
    folder = work / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for d in font_dirs:
        for f in sorted(Path(d).iterdir()):
            if f.suffix.lower() in FONT_SUFFIXES and not (folder / f.name).exists():
                (folder / f.name).symlink_to(f.resolve())
    conf = work / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{folder}</dir>\n  <cachedir>{work / 'fccache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def convert_to_pdf(
    docx_files: Sequence[Path],
    out_dir: Path,
    *,
    font_dirs: Sequence[Path] = (BUNDLED_FONTS,),
    timeout: float = 180.0,
) -> list[Path]:
    """Convert DOCX files to PDFs in ``out_dir`` with one soffice run; returns the PDFs."""
    soffice = soffice_path()
    if soffice is None:
        raise LibreOfficeError("soffice not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongwen-lo-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_file(work, font_dirs))
        env["HOME"] = str(work)  # nothing of the user's LibreOffice leaks in
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            "--convert-to", "pdf", "--outdir", str(out_dir),
            *(str(p) for p in docx_files),
        ]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired as e:
            raise LibreOfficeError(f"soffice timed out after {timeout:.0f} s") from e
    pdfs = [out_dir / (Path(p).stem + ".pdf") for p in docx_files]
    missing = [p for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(
            f"soffice exit {proc.returncode}, missing {missing}\n{proc.stdout}\n{proc.stderr}")
    return pdfs
