"""Files a letter refers to (the seal image): checked before anything is rendered."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .errors import LetterError
from .loader import SourceMap
from .model import Letter

MAX_SEAL_BYTES = 5 * 1024 * 1024
MAX_SEAL_SIDE = 4096  # pixels
SEAL_FORMATS = ("PNG", "JPEG")
FIELD = "signature.seal.image"
# modes both exporters embed as they are (reportlab and Word); others are converted
_EMBEDDABLE_MODES = ("1", "L", "LA", "P", "RGB", "RGBA")


@dataclass(frozen=True)
class SealImage:
    """A checked seal image: its file and the bytes the exporters embed."""

    path: Path
    data: bytes


def seal_image(
    letter: Letter, base_dir: Path | None, sources: SourceMap | None
) -> SealImage | None:
    """The seal image, after checking it is a sane image in the letter's folder.

    The path must be relative to the letter's folder and stay inside it, name a regular
    file (read once, within its size bound) that :func:`check_seal_data` accepts; the bytes
    returned are :func:`embeddable`.
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
    if not path.exists():
        raise fail(f"找不到印章图片 {name}")
    try:
        data = limits.read_bounded(path, MAX_SEAL_BYTES, what="印章图片")
    except limits.InputError as exc:
        raise fail(exc.reason) from None
    problem = check_seal_data(data, name)
    if problem:
        raise fail(problem)
    return SealImage(path, embeddable(data))


def check_seal_data(data: bytes, name: str) -> str | None:
    """What is wrong with a seal image's bytes (``name`` names it in the message), or None.

    It must be a PNG or JPEG of at most 5 MiB and 4096 pixels a side that decodes
    completely: a truncated file, one whose header promises more than it holds, broken zlib,
    a decompression bomb or a text-chunk bomb is refused rather than drawn as a grey block.
    """
    if len(data) > MAX_SEAL_BYTES:
        return f"印章图片太大（{len(data)} 字节，上限 {MAX_SEAL_BYTES} 字节）"
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            fmt, (w, h) = img.format, img.size
        except Image.DecompressionBombError:
            return f"印章图片尺寸过大（每边上限 {MAX_SEAL_SIDE} 像素）"
        except Exception as exc:  # PIL raises many kinds on a broken file
            if "too large" in str(exc).lower():  # a zTXt, iTXt or iCCP chunk beyond PIL's cap
                return f"印章图片 {name} 中有解压后过大的数据块（每块上限 1 MiB），不读取"
            return f"{name} 不是可识别的图片（须为 PNG 或 JPEG）"
        if fmt not in SEAL_FORMATS:
            return f"印章图片须为 PNG 或 JPEG，{name} 是 {fmt}"
        if max(w, h) > MAX_SEAL_SIDE:
            return f"印章图片尺寸过大（{w}×{h} 像素，每边上限 {MAX_SEAL_SIDE}）"
        try:
            img.load()
        except Exception as exc:  # truncated, broken zlib, a chunk bomb …
            return f"印章图片 {name} 已损坏或不完整，无法解码（{limits.error_text(exc)}）"
    if fmt == "JPEG" and _ends_in_filler(img):
        return (f"印章图片 {name} 不完整：JPEG 数据在图片结束之前就用完了"
                "（文件被截断，或文件头声明的尺寸大于数据）")
    return None


def embeddable(data: bytes) -> bytes:
    """A checked seal image as both exporters embed it: the bytes as they are, or — for an
    image Word cannot embed as it is (a CMYK JPEG, a JPEG without a JFIF or Exif header, a
    16-bit PNG) — the image converted to PNG."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        if img.mode in _EMBEDDABLE_MODES and _word_reads(data):
            return data
        return _as_png(img)


def _ends_in_filler(img: object) -> bool:
    """Whether a decoded JPEG ends in libjpeg's filler: when the data runs out before the
    last block (a truncated file that still ends with EOI, or a header claiming a larger
    size), libjpeg leaves the remaining blocks' coefficients zero, which decodes to
    uniform mid-grey (128). A real image's last row of blocks is never exactly that."""
    from PIL import Image

    assert isinstance(img, Image.Image)
    w, h = img.size
    strip = img.crop((0, max(0, h - 8), w, h))
    extrema = strip.getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(lo == hi and 124 <= lo <= 132 for lo, hi in bands)  # type: ignore[misc]


def _word_reads(data: bytes) -> bool:
    """Whether python-docx (and so Word) takes the image as it is: a PNG, or a JPEG with a
    JFIF or Exif header."""
    from docx.image.image import Image as DocxImage

    try:
        DocxImage.from_blob(data)
    except Exception:
        return False
    return True


def _as_png(img: object) -> bytes:
    """The image as an 8-bit RGB (or RGBA) PNG."""
    from PIL import Image

    assert isinstance(img, Image.Image)
    has_alpha = img.mode in ("LA", "RGBA", "PA") or "transparency" in img.info
    out = io.BytesIO()
    img.convert("RGBA" if has_alpha else "RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
