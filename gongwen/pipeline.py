"""The pipeline as functions: load → compose → export, callable without the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .assets import seal_image
from .compose import compose
from .document import Document
from .errors import GongwenError, LetterError, Problem
from .loader import SourceMap, load_letter_with_sources
from .model import Letter
from .output import write_atomic

if TYPE_CHECKING:
    from .fonts import FontSet

FORMATS = ("pdf", "docx")
# Resource bounds: together they keep a letter under about 400 pages and a render under
# about 15 s (100 000 characters take about 6 s to lay out and draw on one core).
MAX_LETTER_CHARS = 200_000
MAX_LETTER_BLOCKS = 5_000


@dataclass
class Rendered:
    """The outputs of one letter, as bytes, with the warnings met on the way."""

    document: Document
    outputs: dict[str, bytes] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # located, like problems


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """'pdf,docx' → ('pdf', 'docx'); unknown names are an error."""
    names = value.split(",") if isinstance(value, str) else list(value)
    out = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    bad = [n for n in out if n not in FORMATS]
    if bad or not out:
        from .errors import unknown_choice

        raise GongwenError(unknown_choice("--format", ",".join(bad) or str(value), FORMATS))
    return out


def check_glyphs(
    doc: Document, fontset: FontSet, sources: SourceMap | None, strict: bool = False
) -> list[Problem]:
    """Every character needs a font: fallback use is a warning (an error when ``strict``);
    a character no font has is an error naming its field and line."""
    missing: dict[str, set[str]] = {}
    fallback: dict[tuple[str, str], set[str]] = {}
    for block in doc.blocks:
        for span in block.spans:
            role = block.font_of(span)
            primary = fontset.face(role)
            for ch in dict.fromkeys(span.text):
                if ch.isspace():
                    continue
                face = fontset.face_for(role, ch)
                if face is None:
                    missing.setdefault(block.source, set()).add(ch)
                elif face != primary:
                    fallback.setdefault((block.source, face.family), set()).add(ch)
        for ch in dict.fromkeys(block.tail):
            if not ch.isspace() and fontset.face_for(block.style.font, ch) is None:
                missing.setdefault(block.source, set()).add(ch)
    problems = [
        _problem(sources, where, "没有字体含有这些字符，无法排印：" + _chars(chars))
        for where, chars in missing.items()
    ]
    notes = [
        _problem(sources, where, f"字体缺字，改用 {family}：{_chars(chars)}")
        for (where, family), chars in fallback.items()
    ]
    if strict:
        problems += [
            _problem(sources, where, f"字体缺字（--strict）：{_chars(chars)}")
            for (where, _), chars in fallback.items()
        ]
    if problems:
        raise LetterError(problems)
    return notes


def check_size(doc: Document, sources: SourceMap | None) -> None:
    """Refuse letters beyond the resource bounds, before any layout work."""
    chars = sum(len(b.text) for b in doc.blocks)
    if chars > MAX_LETTER_CHARS:
        message = f"信件过长：{chars} 字，上限 {MAX_LETTER_CHARS} 字"
        raise LetterError([_problem(sources, "body", message)])
    if len(doc.blocks) > MAX_LETTER_BLOCKS:
        message = f"段落过多：{len(doc.blocks)} 段，上限 {MAX_LETTER_BLOCKS} 段"
        raise LetterError([_problem(sources, "body", message)])


def compose_warnings(doc: Document, sources: SourceMap | None) -> list[Problem]:
    """What composition reported (typed heading numbers, template placeholders), each
    located like a problem: ``FILE:LINE:COL: field: message``."""
    return [_problem(sources, w.where, w.message) for w in doc.warnings]


def _chars(chars: set[str]) -> str:
    return "、".join(f"{c}(U+{ord(c):04X})" for c in sorted(chars))


def _problem(sources: SourceMap | None, where: str, message: str) -> Problem:
    if sources is None:
        return Problem("<letter>", 0, 0, where, message)
    return sources.problem(where, message)


def render_letter(
    letter: Letter,
    formats: Iterable[str] = FORMATS,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
    base_dir: Path | None = None,
    sources: SourceMap | None = None,
) -> Rendered:
    """Render a validated letter to the given formats (a pure function of its inputs).

    ``base_dir`` is the letter's folder (the seal image is looked up there); ``sources``
    locates problems found while rendering in the letter's file.
    """
    from .fonts import load_fontset

    seal_image(letter, base_dir, sources)
    fontset = load_fontset(fonts, strict=strict_fonts)  # type: ignore[arg-type]
    doc = compose(letter, base_dir)
    check_size(doc, sources)
    result = Rendered(doc)
    result.warnings.extend(check_glyphs(doc, fontset, sources, strict=strict_fonts))
    result.warnings.extend(compose_warnings(doc, sources))
    if doc.changes:
        note = f"{len(doc.changes)} 处半角标点按 GB/T 15834 改为全角（-v 列出每处）"
        result.warnings.append(_problem(sources, "", note))
    for fmt in parse_formats(formats):
        if fmt == "pdf":
            from .export.pdf import draw_layout
            from .layout import layout_document

            layout = layout_document(doc, fontset)
            result.warnings.extend(
                _problem(sources, ln.where, f"第{ln.page}页有一行字距过松（{ln.text[:12]}…），"
                         "压缩标点、移字都排不紧；可调整文字")
                for ln in layout.loose
            )
            result.outputs["pdf"] = draw_layout(layout, title=doc.title, author=doc.author)
        else:
            from .export.docx import render_docx

            result.outputs["docx"] = render_docx(doc, fontset)
    return result


def render_file(
    path: Path,
    out: Path,
    formats: Iterable[str] | None = None,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
) -> tuple[Rendered, list[Path]]:
    """Load, render and write atomically; nothing is written on error.

    ``out`` is a folder (``out/<name>.<fmt>`` for each format) or, for one format, a file
    named ``*.pdf`` / ``*.docx``; ``formats`` None means every format, or the one ``out``'s
    suffix names (the rule of :mod:`gongwen.outpath`).
    """
    from .outpath import output_folder, render_targets

    asked = parse_formats(formats) if formats is not None else None
    fmts, targets = render_targets(Path(out), Path(path).stem, asked, FORMATS)
    letter, sources = load_letter_with_sources(path)
    rendered = render_letter(
        letter,
        fmts,
        fonts=fonts,
        strict_fonts=strict_fonts,
        base_dir=Path(path).parent,
        sources=sources,
    )
    written = []
    for fmt, target in targets.items():
        output_folder(target.parent)
        write_atomic(target, rendered.outputs[fmt])
        written.append(target)
    return rendered, written
