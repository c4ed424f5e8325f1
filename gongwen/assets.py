"""Files a letter refers to (the seal image): checked before anything is rendered."""

from __future__ import annotations

from pathlib import Path

from .errors import LetterError
from .loader import SourceMap
from .model import Letter

MAX_SEAL_BYTES = 5 * 1024 * 1024
MAX_SEAL_SIDE = 4096  # pixels
SEAL_FORMATS = ("PNG", "JPEG")
FIELD = "signature.seal.image"


def seal_image(letter: Letter, base_dir: Path | None, sources: SourceMap | None) -> Path | None:
    """The seal image's resolved path, after checking it is a sane image in the letter's folder.

    The path must be relative to the letter's folder and stay inside it, name a PNG or JPEG
    file of at most 5 MiB and 4096 pixels a side.
    """
    name = letter.signature.seal.image
    if name is None:
        return None

    def fail(message: str) -> LetterError:
        if sources is None:
            from .errors import Problem

            return LetterError([Problem("<letter>", 0, 0, FIELD, message)])
        return LetterError([sources.problem(FIELD, message)])

    raw = Path(name)
    if raw.is_absolute():
        raise fail("印章图片须用相对于信件文件的路径，不能用绝对路径")
    folder = (base_dir or Path.cwd()).resolve()
    path = (folder / raw).resolve()
    if not path.is_relative_to(folder):
        raise fail("印章图片须在信件所在的文件夹内（路径不能用 .. 跳出）")
    if not path.is_file():
        raise fail(f"找不到印章图片 {name}")
    size = path.stat().st_size
    if size > MAX_SEAL_BYTES:
        raise fail(f"印章图片太大（{size} 字节，上限 {MAX_SEAL_BYTES} 字节）")
    problem = check_seal_data(path.read_bytes(), name)
    if problem:
        raise fail(problem)
    return path


def check_seal_data(data: bytes, name: str) -> str | None:
    """What is wrong with a seal image's bytes (``name`` names it in the message), or None:
    it must be a PNG or JPEG of at most 5 MiB and 4096 pixels a side."""
    if len(data) > MAX_SEAL_BYTES:
        return f"印章图片太大（{len(data)} 字节，上限 {MAX_SEAL_BYTES} 字节）"
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            fmt, (w, h) = img.format, img.size
    except (UnidentifiedImageError, OSError):
        return f"{name} 不是可识别的图片（须为 PNG 或 JPEG）"
    if fmt not in SEAL_FORMATS:
        return f"印章图片须为 PNG 或 JPEG，{name} 是 {fmt}"
    if max(w, h) > MAX_SEAL_SIDE:
        return f"印章图片尺寸过大（{w}×{h} 像素，每边上限 {MAX_SEAL_SIDE}）"
    return None
