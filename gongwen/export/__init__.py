"""Exporters: the laid-out letter written as files, one module a format.

Every exporter has one signature::

    def export(layout: Layout, doc: Document, ctx: ExportContext) -> bytes | tuple[bytes, ...]

``layout`` is the :class:`~gongwen.layout.Layout` (pages with their size, glyph runs with
each glyph's position and advance and its face in ``layout.fonts``, rules, images, the
lines of every block, the 版头/flow/版记 regions, the signature block); ``doc`` the
composed :class:`~gongwen.document.Document` it was laid out from (roles, styles, metadata);
``ctx`` the font set and per-format options. An exporter paints or translates what layout
decided: it never measures text or lays out again. It returns one file's bytes, or a tuple
with one file per page (written as ``NAME-1.svg``, ``NAME-2.svg`` …, see :func:`file_names`).

:data:`EXPORTERS` is the one table of formats: a new format is one module plus one line
there (or one :func:`register` call). Entries are ``"module:function"`` strings imported on
first use, so a DOCX run never loads reportlab.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:  # pragma: no cover
    from ..document import Document
    from ..fonts import FontSet
    from ..layout import Layout

Output: TypeAlias = "bytes | tuple[bytes, ...]"
"""What an exporter returns: one file, or one file per page."""


@dataclass(frozen=True, slots=True)
class ExportContext:
    """What an exporter may need besides the layout and the document.

    ``fonts``: the font set the layout was made with (family names for DOCX, files to
    embed); ``options``: format-specific settings by name (e.g. ``{"dpi": 150}``), empty
    by default; an exporter documents the ones it reads and ignores the rest.
    """

    fonts: FontSet
    options: Mapping[str, object] = field(default_factory=dict)


Exporter: TypeAlias = "Callable[[Layout, Document, ExportContext], Output]"

EXPORTERS: dict[str, str | Exporter] = {
    "pdf": "gongwen.export.pdf:export",
    "docx": "gongwen.export.docx:export",
    "svg": "gongwen.export.svg:export",
    "ofd": "gongwen.export.ofd:export",
}
"""Format name → exporter (or ``"module:function"`` naming it)."""


def register(name: str, exporter: str | Exporter) -> None:
    """Add (or replace) the exporter of format ``name`` (lower case, a file suffix)."""
    if not name or name != name.lower() or not name.isalnum():
        raise ValueError(f"a format name is a lower-case file suffix, not {name!r}")
    EXPORTERS[name] = exporter


def formats() -> tuple[str, ...]:
    """The registered format names."""
    return tuple(EXPORTERS)


def exporter(name: str) -> Exporter:
    """The exporter of format ``name`` (KeyError if none is registered)."""
    entry = EXPORTERS[name]
    if isinstance(entry, str):
        module, _, attr = entry.partition(":")
        entry = getattr(importlib.import_module(module), attr)
        EXPORTERS[name] = entry
    return entry


def export(name: str, layout: Layout, doc: Document, ctx: ExportContext) -> Output:
    """Write the laid-out letter as format ``name``."""
    return exporter(name)(layout, doc, ctx)


def file_names(stem: str, fmt: str, output: Output) -> list[tuple[str, bytes]]:
    """``(file name, bytes)`` of an output: ``STEM.fmt``, or ``STEM-N.fmt`` per page."""
    if isinstance(output, bytes):
        return [(f"{stem}.{fmt}", output)]
    return [(f"{stem}-{n}.{fmt}", data) for n, data in enumerate(output, start=1)]
