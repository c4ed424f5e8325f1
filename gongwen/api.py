"""The public entry points re-exported by :mod:`gongwen` (see ``docs/api.md``).

Each is a thin function over the pipeline and the tools around it; none prints, exits or
names a command-line option. User mistakes raise :class:`~gongwen.errors.GongwenError`
(a letter's: :class:`~gongwen.errors.LetterError` with ``FILE:LINE:COL`` problems).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GongwenError, LetterError, Problem

if TYPE_CHECKING:
    from .batch import BatchResult
    from .check.report import Report
    from .diff import DiffResult
    from .importer import Imported
    from .loader import SourceMap
    from .model import Letter
    from .pipeline import Rendered

PathLike = str | os.PathLike[str]
DEFAULT_FORMATS = ("pdf", "docx")


@dataclass(frozen=True, slots=True)
class LoadedLetter:
    """A validated letter with where it came from.

    ``sources`` holds each field's line and column in the file, so a problem found later
    (a character no font has, a missing seal image) is reported as ``FILE:LINE:COL``;
    ``base_dir`` is the folder the seal image is looked up in; ``name`` the file's stem,
    used for output file names.
    """

    letter: Letter
    sources: SourceMap | None = None
    base_dir: Path | None = None
    name: str = "letter"


def load(path: PathLike) -> LoadedLetter:
    """Read and validate a letter file; raises :class:`LetterError` listing every problem."""
    from .loader import load_letter_with_sources

    p = Path(path)
    letter, sources = load_letter_with_sources(p)
    return LoadedLetter(letter, sources, p.parent, p.stem)


def loads(
    text: str, *, name: str = "<letter>", base_dir: PathLike | None = None
) -> LoadedLetter:
    """Validate a letter from YAML text; ``name`` stands for the file in problems and
    output names, ``base_dir`` is where a seal image it names is looked up."""
    from .loader import load_letter_text_with_sources

    letter, sources = load_letter_text_with_sources(text, name)
    stem = Path(name).stem if not name.startswith("<") else "letter"
    return LoadedLetter(letter, sources, Path(base_dir) if base_dir is not None else None, stem)


def _loaded(letter: LoadedLetter | Letter | PathLike) -> LoadedLetter:
    from .model import Letter

    if isinstance(letter, LoadedLetter):
        return letter
    if isinstance(letter, Letter):
        return LoadedLetter(letter)
    return load(letter)


def _seal_bytes(seal: bytes | PathLike | None) -> bytes | None:
    """A seal image given as bytes or a path, read (its checks come with rendering)."""
    from .assets import MAX_SEAL_BYTES

    if seal is None or isinstance(seal, bytes):
        return seal
    path = Path(seal)
    try:
        if path.stat().st_size > MAX_SEAL_BYTES:  # refused without reading it
            return path.read_bytes()[: MAX_SEAL_BYTES + 1]
        return path.read_bytes()
    except OSError as exc:
        problem = Problem(str(seal), 0, 0, "", f"无法读取印章图片：{exc.strerror or exc}")
        raise LetterError([problem]) from None


def render(
    letter: LoadedLetter | Letter | PathLike,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
    seal: bytes | PathLike | None = None,
    options: Mapping[str, object] | None = None,
) -> Rendered:
    """Lay a letter out once and export it to ``formats`` (any registered format; none
    gives the layout alone). ``letter`` is a :class:`LoadedLetter`, a validated
    :class:`~gongwen.model.Letter` or a path. ``fonts``: ``auto``, ``open`` (the bundled
    fonts: the same bytes on every machine) or ``official``; ``strict_fonts`` makes a
    missing official font or a fallback glyph an error. ``seal``: the seal image (PNG or
    JPEG bytes, or a path) used instead of the one the letter names. ``options`` go to the
    exporters. Returns a :class:`~gongwen.pipeline.Rendered`."""
    from .pipeline import render_letter

    src = _loaded(letter)
    return render_letter(
        src.letter, tuple(formats), fonts=fonts, strict_fonts=strict_fonts,
        base_dir=src.base_dir, sources=src.sources, seal=_seal_bytes(seal), options=options,
    )


def render_to(
    letter: LoadedLetter | Letter | PathLike,
    out_dir: PathLike,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    name: str | None = None,
    fonts: str = "auto",
    strict_fonts: bool = False,
    seal: bytes | PathLike | None = None,
    options: Mapping[str, object] | None = None,
) -> list[Path]:
    """:func:`render` and write ``out_dir/<name>.<format>`` for each format (atomically:
    nothing is written when rendering fails); returns the paths written. ``name`` defaults
    to the letter file's stem."""
    from .pipeline import write_outputs

    src = _loaded(letter)
    rendered = render(src, formats, fonts=fonts, strict_fonts=strict_fonts, seal=seal,
                      options=options)
    return write_outputs(rendered, Path(out_dir), name or src.name)


def render_many(
    inputs: Iterable[PathLike],
    out_dir: PathLike,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    jobs: int | None = None,
    fonts: str = "auto",
    strict_fonts: bool = False,
    changed: bool = False,
    report: PathLike | None = None,
    options: Mapping[str, object] | None = None,
) -> BatchResult:
    """Render every letter under ``inputs`` (folders, globs, files) into ``out_dir`` in
    ``jobs`` worker processes, mirroring the folders (see ``docs/batch.md``). A letter that
    fails is reported in the result and the rest go on; ``changed`` skips letters whose
    outputs are up to date; ``options`` go to the exporters, as for :func:`render`."""
    from .batch import render_many as batch

    return batch(
        list(inputs), tuple(formats), jobs, Path(out_dir), fonts=fonts,
        strict_fonts=strict_fonts, changed=changed,
        report=Path(report) if report is not None else None, options=options,
    )


def compare(
    a: PathLike,
    b: PathLike,
    *,
    strict: bool = False,
    layout: bool = False,
    tolerance_mm: float = 1.0,
    fonts: str = "auto",
) -> DiffResult:
    """Compare two letters (YAML, DOCX, PDF or text): text and structure, and with
    ``layout`` page breaks, line breaks and positions (see ``docs/diff.md``). ``strict``
    compares character by character, without normalising spaces, widths and quotes."""
    from .commands.diff import run_diff

    return run_diff(Path(a), Path(b), strict=strict, layout=layout, tolerance_mm=tolerance_mm,
                    fonts=fonts)


def check_conformance(
    source: PathLike | bytes,
    *,
    letter_format: bool = False,
    render: bool = False,
    pdfa: bool = False,
) -> Report:
    """Check a PDF, OFD or DOCX (a path, or the file's bytes) against GB/T 9704-2012 (see
    ``docs/check.md``); ``render`` also checks LibreOffice's rendering of a DOCX, ``pdfa``
    each PDF/A requirement of a PDF (always checked on a PDF that declares PDF/A)."""
    from .check import check_file
    from .read.ofd import is_ofd

    options = {"letter_format": letter_format, "render": render, "pdfa": pdfa}
    if not isinstance(source, bytes):
        return check_file(source, **options)
    kind = "pdf" if b"%PDF-" in source[:1024] else "ofd" if is_ofd(source) else "docx"
    with tempfile.TemporaryDirectory(prefix="gongwen-check-") as tmp:
        path = Path(tmp) / f"input.{kind}"
        path.write_bytes(source)
        report = check_file(path, **options)
    report.file = f"<{kind}>"
    return report


def import_letter(source: PathLike) -> Imported:
    """Recognise a published reply (plain text or DOCX) as a letter: ``.letter`` is the
    validated letter, ``gongwen.importer.to_yaml(result)`` its YAML with a comment at each
    guess (see ``docs/import.md``)."""
    from .importer import import_file

    return import_file(source)


__all__ = [
    "GongwenError",
    "LetterError",
    "LoadedLetter",
    "check_conformance",
    "compare",
    "import_letter",
    "load",
    "loads",
    "render",
    "render_many",
    "render_to",
]
