"""DOCX → PDF with headless LibreOffice, for checking what a DOCX looks like when laid out.

Each conversion runs soffice with a throw-away profile (``-env:UserInstallation``) and
``HOME`` in a temporary folder, so the user's LibreOffice settings neither leak in nor get
touched. A generated fontconfig file adds gongwen's bundled fonts to the system's, so a
DOCX that names them (gongwen's own output under ``--fonts open``) renders with them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import GongwenError, option
from ..fonts import FONT_SUFFIXES, bundled_dir, fontconfig_conf

TIMEOUT = 180.0
# PDF export keeping the blank pages that Word's page-parity section starts insert (a 版记
# on the next even page); LibreOffice leaves them out by default
PDF_FILTER = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


class RenderError(GongwenError):
    """LibreOffice is missing or could not convert the file; ``output`` holds what soffice
    printed (stdout then stderr), when it ran."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


def soffice_path() -> str | None:
    """The soffice executable, or None."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def fontconfig_file(work: Path, font_dirs: Sequence[Path]) -> Path:
    """A fonts.conf that includes the system configuration plus ``font_dirs`` (fonts are
    symlinked into one folder under ``work``; missing folders are passed over), with its
    cache under ``work``, and gongwen's substitution rules (:func:`gongwen.fonts.
    fontconfig_rules`): an official family a DOCX names and the machine lacks is shown in
    its role's bundled face."""
    folder = work / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    for d in font_dirs:
        if not Path(d).is_dir():
            continue
        for f in sorted(Path(d).iterdir()):
            if f.suffix.lower() in FONT_SUFFIXES and not (folder / f.name).exists():
                (folder / f.name).symlink_to(f.resolve())
    conf = work / "fonts.conf"
    conf.write_text(fontconfig_conf([folder], work / "fccache"), encoding="utf-8")
    return conf


def render_docx_files(
    docx_files: Sequence[str | Path],
    out_dir: str | Path,
    *,
    font_dirs: Sequence[Path] | None = None,
    timeout: float = TIMEOUT,
) -> list[Path]:
    """Convert DOCX files to PDFs in ``out_dir`` with one soffice run; returns the PDF paths.
    ``font_dirs`` defaults to the bundled fonts."""
    soffice = soffice_path()
    if soffice is None:
        raise RenderError(
            f"{option('render', True)} 需要 LibreOffice（soffice），但没有找到；请安装 LibreOffice"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dirs = list(font_dirs) if font_dirs is not None else [bundled_dir()]
    with tempfile.TemporaryDirectory(prefix="gongwen-check-lo-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(fontconfig_file(work, dirs))
        env["HOME"] = str(work)
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            PDF_FILTER,
            "--outdir",
            str(out),
            *(str(Path(p).resolve()) for p in docx_files),
        ]
        try:
            proc = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as e:
            raise RenderError(f"LibreOffice 转换超时（{timeout:.0f} 秒）") from e
        except OSError as e:
            raise RenderError(f"无法运行 LibreOffice：{e}") from e
    pdfs = [out / (Path(p).stem + ".pdf") for p in docx_files]
    missing = [p for p in pdfs if not p.exists()]
    if proc.returncode != 0 or missing:
        detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or [""]
        raise RenderError(
            f"LibreOffice 未能转换 {', '.join(str(m.name) for m in missing)}"
            f"（退出码 {proc.returncode}）{detail[0]}",
            output=f"{proc.stdout}\n{proc.stderr}",
        )
    return pdfs


def render_docx_to_pdf(path: str | Path) -> bytes:
    """One DOCX rendered by LibreOffice: the PDF's bytes."""
    with tempfile.TemporaryDirectory(prefix="gongwen-check-out-") as tmp:
        (pdf,) = render_docx_files([path], Path(tmp))
        return pdf.read_bytes()
