"""Opening an input: its bytes, its kind, and a text file's encoding."""

from __future__ import annotations

from pathlib import Path

from ..errors import GongwenError, os_error_reason
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
    """The bytes of an input file, with a plain message when it is missing, a folder or
    unreadable."""
    if not path.exists():
        raise GongwenError(f"{path}: 文件不存在")
    if path.is_dir():
        raise GongwenError(f"{path}: 是目录，不是文件")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise GongwenError(f"{path}: 无法读取（{os_error_reason(exc)}）") from exc
