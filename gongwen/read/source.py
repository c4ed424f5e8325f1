"""Opening an input: its bytes, its kind, and a text file's encoding."""

from __future__ import annotations

from pathlib import Path

from .. import limits
from ..filetype import decode_text
from .model import SourceKind

__all__ = ["decode_text", "detect_kind", "read_input"]

YAML_SUFFIXES = (".yaml", ".yml")
TEXT_SUFFIXES = (".txt", ".text", ".md")


def detect_kind(path: Path, head: bytes) -> SourceKind:
    """Kind by content first (PDF and DOCX magic), then by suffix; anything else is text."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-"):
        return SourceKind.PDF
    if head.startswith(b"PK\x03\x04") and suffix not in YAML_SUFFIXES:
        return SourceKind.DOCX
    if suffix in YAML_SUFFIXES:
        return SourceKind.YAML
    if suffix == ".pdf":
        return SourceKind.PDF
    if suffix == ".docx":
        return SourceKind.DOCX
    return SourceKind.TEXT


def read_input(path: Path) -> bytes:
    """The bytes of an input file, with a plain message when it is missing, a folder, a
    device or a pipe, unreadable, or larger than any input gongwen reads
    (:func:`gongwen.limits.read_bounded`; each kind's own bound is checked by its reader)."""
    return limits.read_bounded(path, limits.MAX_INPUT_BYTES)


def check_paragraph_count(count: int, name: str) -> None:
    """Refuse a DOCX or text of more paragraphs than :data:`gongwen.limits.MAX_DOCX_PARAGRAPHS`
    (a letter has at most 5 000)."""
    if count > limits.MAX_DOCX_PARAGRAPHS:
        raise limits.InputError(
            name, f"段落过多（{count} 段，上限 {limits.MAX_DOCX_PARAGRAPHS} 段）"
        )
