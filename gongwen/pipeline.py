"""The pipeline as functions: load → compose → export, callable without the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .compose import compose
from .document import Document
from .errors import GongwenError
from .loader import load_letter
from .model import Letter
from .output import write_atomic

FORMATS = ("pdf", "docx")


@dataclass
class Rendered:
    """The outputs of one letter, as bytes, with the warnings met on the way."""

    document: Document
    outputs: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """'pdf,docx' → ('pdf', 'docx'); unknown names are an error."""
    names = value.split(",") if isinstance(value, str) else list(value)
    out = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    bad = [n for n in out if n not in FORMATS]
    if bad or not out:
        raise GongwenError(f"未知的输出格式 {', '.join(bad) or '(空)'}；可用：{', '.join(FORMATS)}")
    return out


def render_letter(
    letter: Letter,
    formats: Iterable[str] = FORMATS,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
    base_dir: Path | None = None,
) -> Rendered:
    """Render a validated letter to the given formats (a pure function of its inputs)."""
    from .fonts import load_fontset

    doc = compose(letter, base_dir)
    fontset = load_fontset(fonts, strict=strict_fonts)  # type: ignore[arg-type]
    result = Rendered(doc)
    if doc.changes:
        result.warnings.append(f"{len(doc.changes)} 处半角标点按 GB/T 15834 改为全角")
    for fmt in parse_formats(formats):
        if fmt == "pdf":
            from .export.pdf import render_pdf

            result.outputs["pdf"] = render_pdf(doc, fontset)
        else:
            from .export.docx import render_docx

            result.outputs["docx"] = render_docx(doc, fontset)
    return result


def render_file(
    path: Path,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
) -> tuple[Rendered, list[Path]]:
    """Load, render and write ``out_dir/<name>.<fmt>`` atomically; nothing is written on error."""
    letter = load_letter(path)
    rendered = render_letter(
        letter, formats, fonts=fonts, strict_fonts=strict_fonts, base_dir=path.parent
    )
    written = []
    for fmt, data in rendered.outputs.items():
        target = out_dir / f"{path.stem}.{fmt}"
        write_atomic(target, data)
        written.append(target)
    return rendered, written
