"""What kind of file the user gave, by its first bytes, and text decoding.

Every command that reads a file names the kind it saw when that kind is not one it reads
(``l.docx: 这是 Word 文档（.docx）；render 读信件 YAML（.yaml）…``) instead of failing later
with a decoding or parsing message. Text (YAML, plain text) is UTF-8, with or without a BOM,
or GB18030, as Chinese Windows tools save it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .errors import GongwenError

YAML_SUFFIXES = (".yaml", ".yml")

# kind → what the user is told it is
KIND_NAMES = {
    "pdf": "PDF 文件",
    "docx": "Word 文档（.docx）",
    "doc": "旧版 Word 文档（.doc）",
    "xlsx": "Excel 表格（.xlsx）",
    "zip": "ZIP 压缩包",
    "png": "PNG 图片",
    "jpeg": "JPEG 图片",
    "gif": "GIF 图片",
    "ofd": "OFD 文件",
    "binary": "二进制文件",
    "yaml": "信件 YAML（.yaml）",
    "text": "文本文件",
}

_MAGIC = (
    (b"%PDF-", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "doc"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
)


def sniff(path: Path, data: bytes) -> str:
    """The kind of ``data`` (the file's bytes): a key of :data:`KIND_NAMES`."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if b"\x00" in data[:8192] and not _utf16(data):
        return "binary"
    return "yaml" if path.suffix.lower() in YAML_SUFFIXES else "text"


def _zip_kind(data: bytes) -> str:
    try:
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    except (zipfile.BadZipFile, ValueError):
        return "zip"
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if "OFD.xml" in names:
        return "ofd"
    return "zip"


def _utf16(data: bytes) -> bool:
    return data.startswith((b"\xff\xfe", b"\xfe\xff"))


def refuse(path: Path | str, kind: str, accepts: str, hint: str = "") -> GongwenError:
    """The error for a file of ``kind`` given where ``accepts`` is read."""
    return GongwenError(f"{path}: {kind_message(kind, accepts, hint)}")


def kind_message(kind: str, accepts: str, hint: str = "") -> str:
    """'这是 PDF 文件；<accepts>；<hint>'."""
    name = KIND_NAMES[kind]
    space = " " if name[0].isascii() else ""
    return f"这是{space}{name}；{accepts}" + (f"；{hint}" if hint else "")


# What each other command does with a kind of file the current one does not read.
ELSEWHERE = {
    "pdf": "检查 PDF 的版式请用 gongwen check，比较请用 gongwen diff",
    "ofd": "检查 OFD 的版式请用 gongwen check，比较请用 gongwen diff",
    "docx": "从 DOCX 导入成信件 YAML 请用 gongwen import",
    "doc": "请先在 Word 中另存为 .docx",
    "xlsx": "表格用于邮件合并（gongwen batch，见 docs/batch.md）",
    "yaml": "排版信件请用 gongwen render，检查请用 gongwen validate",
}


def decode_text(data: bytes, name: str, expected: str) -> str:
    """A text file's bytes as UTF-8 (BOM or not), UTF-16 with a BOM, or GB18030; a file
    holding NUL bytes is refused as binary (``expected`` names what the caller reads), and
    so is one beyond :data:`gongwen.limits.MAX_TEXT_BYTES`."""
    from . import limits

    if len(data) > limits.MAX_TEXT_BYTES:
        bound = limits.MAX_TEXT_BYTES // limits.MiB
        raise limits.InputError(name, f"文本文件太大（{len(data)} 字节，上限 {bound} MiB）")
    if _utf16(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise GongwenError(f"{name}: 不是 UTF-8 或 GB18030 编码的文本；请以 UTF-8 保存")
    if "\x00" in text:
        raise GongwenError(f"{name}: 这是二进制文件；{expected}")
    return text
