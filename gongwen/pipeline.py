"""The pipeline as functions: load → compose → layout → export, callable without the CLI.

:func:`render_letter` checks a validated letter (seal image, size, glyphs), composes it,
lays it out once and hands that one layout to each requested exporter
(:data:`gongwen.export.EXPORTERS`); :func:`render_document` does the last two steps for an
already composed :class:`~gongwen.document.Document`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from .assets import seal_image
from .compose import compose
from .document import Document, Seal, SealMode
from .errors import GongwenError, LetterError, Problem
from .loader import SourceMap, load_letter_with_sources
from .model import Letter, departures
from .output import write_files

if TYPE_CHECKING:
    from .export import Output
    from .fonts import FontSet
    from .layout import Layout

DEFAULT_FORMATS = ("pdf", "docx")
# Resource bounds: together they keep a letter under about 400 pages and a render under
# about 15 s (100 000 characters take about 6 s to lay out and draw on one core).
MAX_LETTER_CHARS = 200_000
MAX_LETTER_BLOCKS = 5_000
MAX_LINE_BREAKS = 1_000  # line breaks written inside paragraphs (a title's lines …)


@dataclass
class Rendered:
    """One letter laid out once: the composed document, its layout, the outputs by format
    (one file's bytes, or a tuple of one file per page) and the warnings met on the way."""

    document: Document
    layout: Layout
    outputs: dict[str, Output] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # located, like problems

    @property
    def pages(self) -> int:
        """Pages of the laid-out letter."""
        return len(self.layout.pages)

    def files(self, stem: str) -> list[tuple[str, bytes]]:
        """``(file name, bytes)`` of every output: ``STEM.pdf``, ``STEM.docx``, or
        ``STEM-N.fmt`` for formats written page by page."""
        from .export import file_names

        return [f for fmt, out in self.outputs.items() for f in file_names(stem, fmt, out)]


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """'pdf,docx' → ('pdf', 'docx'); names not in the exporters' table are an error."""
    from .export import formats

    known = formats()
    names = value.split(",") if isinstance(value, str) else list(value)
    out = tuple(dict.fromkeys(n.strip().lower() for n in names if n.strip()))
    bad = [n for n in out if n not in known]
    if bad or not out:
        from .errors import option, unknown_choice

        raise GongwenError(unknown_choice(option("formats"), ",".join(bad) or str(value), known))
    return out


_SET_IN_ROLE_FACE: WeakKeyDictionary[FontSet, dict[str, set[str]]] = WeakKeyDictionary()


def check_glyphs(
    doc: Document, fontset: FontSet, sources: SourceMap | None, strict: bool = False
) -> list[Problem]:
    """Every character needs a font: fallback use is a warning (an error when ``strict``);
    a character no font has is an error naming its field and line."""
    from .fonts import FALLBACK, HAS, MISSING

    missing: dict[str, set[str]] = {}
    fallback: dict[tuple[str, str], set[str]] = {}
    char_face = fontset.char_face  # what layout will set, resolved once per process
    # per role, the characters met so far that its own face sets (and whitespace): a text
    # made of them only needs no look-up at all
    known = _SET_IN_ROLE_FACE.get(fontset)
    if known is None:
        known = _SET_IN_ROLE_FACE[fontset] = {}

    def check(role: str, text: str, where: str, fallbacks: bool) -> None:
        fine = known.get(role)
        if fine is None:
            fine = known[role] = set()
        if fine.issuperset(text):
            return
        for ch in dict.fromkeys(text):
            if ch in fine:
                continue
            if ch.isspace():
                fine.add(ch)
                continue
            face, _, _, status = char_face(role, ch)  # type: ignore[arg-type]
            if status == HAS:
                fine.add(ch)
            elif status == MISSING:
                missing.setdefault(where, set()).add(ch)
            elif fallbacks and status == FALLBACK:
                fallback.setdefault((where, face.family), set()).add(ch)

    for block in doc.blocks:
        for span in block.spans:
            check(block.font_of(span), span.text, block.source, True)
        check(block.style.font, block.tail, block.source, False)
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
            _problem(sources, where, f"字体缺字（严格模式不用替代字体）：{_chars(chars)}")
            for (where, _), chars in fallback.items()
        ]
    if problems:
        raise LetterError(problems)
    return notes


def departure_warnings(letter: Letter, sources: SourceMap | None) -> list[Problem]:
    """Each published form the letter keeps that departs from GB/T 9704, located like every
    warning (``FILE:LINE:COL: field: message``)."""
    return [_problem(sources, where, message) for where, message in departures(letter)]


def check_size(doc: Document, sources: SourceMap | None) -> None:
    """Refuse letters beyond the resource bounds, before any layout work."""
    chars = sum(len(b.text) for b in doc.blocks)
    if chars > MAX_LETTER_CHARS:
        message = f"信件过长：{chars} 字，上限 {MAX_LETTER_CHARS} 字"
        raise LetterError([_problem(sources, "body", message)])
    if len(doc.blocks) > MAX_LETTER_BLOCKS:
        message = f"段落过多：{len(doc.blocks)} 段，上限 {MAX_LETTER_BLOCKS} 段"
        raise LetterError([_problem(sources, "body", message)])
    breaks = {b.source: b.text.count("\n") for b in doc.blocks if "\n" in b.text}
    if sum(breaks.values()) > MAX_LINE_BREAKS:
        where = max(breaks, key=lambda k: breaks[k])
        message = f"换行过多：{sum(breaks.values())} 处，上限 {MAX_LINE_BREAKS} 处"
        raise LetterError([_problem(sources, where, message)])


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


def render_document(
    doc: Document,
    fontset: FontSet,
    formats: Iterable[str] = DEFAULT_FORMATS,
    options: Mapping[str, object] | None = None,
) -> Rendered:
    """Lay a composed document out once and export that layout to each of ``formats``
    (none: the layout alone). ``options`` go to the exporters (:class:`ExportContext`)."""
    from .export import EXPORTERS, ExportContext, export
    from .layout import layout_document

    names = tuple(formats)
    bad = [n for n in names if n not in EXPORTERS]
    if bad:
        raise GongwenError(f"未知的输出格式 {', '.join(bad)}；可用：{', '.join(EXPORTERS)}")
    layout = layout_document(doc, fontset)
    ctx = ExportContext(fontset, dict(options or {}))
    return Rendered(doc, layout, {fmt: export(fmt, layout, doc, ctx) for fmt in names})


def render_letter(
    letter: Letter,
    formats: Iterable[str] = DEFAULT_FORMATS,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
    base_dir: Path | None = None,
    sources: SourceMap | None = None,
    seal: bytes | None = None,
    options: Mapping[str, object] | None = None,
) -> Rendered:
    """Render a validated letter to the given formats (a pure function of its inputs).

    ``base_dir`` is the letter's folder (the seal image is looked up there); ``sources``
    locates problems found while rendering in the letter's file; ``seal`` is the seal
    image's bytes (PNG or JPEG), used instead of the file the letter names. ``options`` go
    to the exporters, over the letter's own (``options.pdf_standard``).
    """
    from .fonts import load_fontset

    if seal is not None:
        seal = check_seal_bytes(seal, sources)
    else:
        checked = seal_image(letter, base_dir, sources)
        seal = checked.data if checked is not None else None
    fontset = load_fontset(fonts, strict=strict_fonts)  # type: ignore[arg-type]
    try:
        doc = compose(letter, base_dir)
    except LetterError:
        raise
    except GongwenError as exc:  # a {{ 变量 }} that could not be filled, located in the file
        where, message = getattr(exc, "where", ""), getattr(exc, "message", str(exc))
        raise LetterError([_problem(sources, where, message)]) from None
    if seal is not None:  # read once and checked: the layout carries the image's bytes
        doc = dataclasses.replace(doc, seal=Seal(SealMode.IMAGE, doc.seal.image, seal))
    check_size(doc, sources)
    warnings = check_glyphs(doc, fontset, sources, strict=strict_fonts)
    warnings += compose_warnings(doc, sources)
    warnings += departure_warnings(letter, sources)
    if doc.changes:
        note = f"{len(doc.changes)} 处半角标点按 GB/T 15834 改为全角"
        warnings.append(_problem(sources, "", note))
    result = render_document(doc, fontset, formats, {**letter_options(letter), **(options or {})})
    warnings += [
        _problem(sources, ln.where, f"第{ln.page}页有一行字距过松（{ln.text[:12]}…），"
                 "压缩标点、移字都排不紧；可调整文字")
        for ln in result.layout.loose
    ]
    result.warnings = warnings
    return result


def letter_options(letter: Letter) -> dict[str, object]:
    """The exporter options a letter sets itself."""
    standard = letter.options.pdf_standard
    return {"pdf_standard": str(standard)} if standard is not None else {}


def check_seal_bytes(data: bytes, sources: SourceMap | None) -> bytes:
    """A seal image given as bytes passes the checks of one named in the letter; returns
    the bytes the exporters embed (:func:`gongwen.assets.embeddable`)."""
    from .assets import FIELD, check_seal_data, embeddable

    problem = check_seal_data(data, "印章图片")
    if problem:
        raise LetterError([_problem(sources, FIELD, problem)])
    return embeddable(data)


def render_file(
    path: Path,
    out: Path,
    formats: Iterable[str] | None = None,
    *,
    fonts: str = "auto",
    strict_fonts: bool = False,
    options: Mapping[str, object] | None = None,
) -> tuple[Rendered, list[Path]]:
    """Load, render and write atomically, all formats together; nothing is written on error
    (a full disk or a read-only folder included).

    ``out`` is a folder (``out/<name>.<fmt>`` for each format) or, for one format, a file
    named ``*.pdf`` / ``*.docx`` / ``*.ofd``; ``formats`` None means the default formats, or
    the one ``out``'s suffix names (the rule of :mod:`gongwen.outpath`).
    """
    from .export import formats as registered
    from .outpath import output_folder, render_targets

    asked = parse_formats(formats) if formats is not None else None
    fmts, targets = render_targets(Path(out), Path(path).stem, asked, registered(),
                                   DEFAULT_FORMATS)
    letter, sources = load_letter_with_sources(path)
    rendered = render_letter(
        letter,
        fmts,
        fonts=fonts,
        strict_fonts=strict_fonts,
        base_dir=Path(path).parent,
        sources=sources,
        options=options,
    )
    folders: dict[Path, dict[str, bytes]] = {}  # (render writes one folder's files)
    for fmt, target in targets.items():
        output_folder(target.parent)
        folders.setdefault(target.parent, {}).update(_files(rendered, fmt, target))
    written: list[Path] = []
    for folder, files in folders.items():
        written += write_files(folder, files)
    return rendered, written


def write_outputs(rendered: Rendered, out_dir: Path, stem: str) -> list[Path]:
    """Write every output as ``out_dir/<stem>.<fmt>``, all together (atomically, nothing
    replaced if one fails); the paths written."""
    files: dict[str, bytes] = {}
    for fmt in rendered.outputs:
        files.update(_files(rendered, fmt, out_dir / f"{stem}.{fmt}"))
    return write_files(out_dir, files)


def _files(rendered: Rendered, fmt: str, target: Path) -> dict[str, bytes]:
    """One format's output as files named after ``target`` (or, page by page, beside it as
    ``NAME-1.fmt`` …)."""
    from .export import file_names

    return dict(file_names(target.stem, fmt, rendered.outputs[fmt]))
