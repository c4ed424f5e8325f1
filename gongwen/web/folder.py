"""The served folder: the only place the web application reads letters from and writes to.

Every path a request names is relative to the folder and is resolved and contained here
(:meth:`Folder.resolve`): absolute paths, ``..``, hidden parts, NUL bytes and symbolic links
that lead out of the folder are refused. A save is a compare-and-swap: the client sends the
SHA-256 of the file as it opened it, and the save is refused when the file has changed since
(someone else saved it), so the later of two concurrent saves never overwrites the first;
letters are read as the loader reads them (:func:`gongwen.limits.read_bounded`: regular files
within the size bound) and written as every output is (:func:`gongwen.output.write_atomic`:
atomically, no symbolic link followed).
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .. import limits
from ..errors import GongwenError, os_error_reason
from ..loader import MAX_FILE_BYTES
from ..output import OutputError, write_atomic

LETTER_SUFFIXES = (".yaml", ".yml")
MAX_LISTED = 2000  # letters listed on the start page


class PathRefused(GongwenError):
    """A path a request named that lies outside the served folder or is not a letter."""


class SaveConflict(GongwenError):
    """The file changed on disk after the client opened it."""


def digest(data: bytes) -> str:
    """The content hash a client sends back with a save (SHA-256, hex)."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class LetterFile:
    """A letter in the folder: its path relative to the folder (POSIX form) and size."""

    path: str
    size: int


class Folder:
    """The served folder (resolved once, at start)."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve(strict=True)
        if not self.root.is_dir():
            raise GongwenError(f"{root}: 不是目录")
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()

    # --- paths ------------------------------------------------------------------------------

    def resolve(self, relative: str, *, suffixes: tuple[str, ...] | None = LETTER_SUFFIXES,
                must_exist: bool = True) -> Path:
        """The file ``relative`` names inside the folder, or :class:`PathRefused`.

        ``suffixes`` limits the kinds of file (letters by default; None: any file).
        """
        if not relative or "\x00" in relative or "\\" in relative:
            raise PathRefused(f"{relative!r}: 文件名无效")
        pure = PurePosixPath(relative)
        if pure.is_absolute() or any(part in ("..", "") for part in pure.parts):
            raise PathRefused(f"{relative}: 只能使用所服务文件夹内的相对路径")
        if any(part.startswith(".") for part in pure.parts):
            raise PathRefused(f"{relative}: 不能使用隐藏的文件或文件夹")
        if suffixes is not None and pure.suffix.lower() not in suffixes:
            raise PathRefused(f"{relative}: 只能打开和保存信件 YAML（{'、'.join(suffixes)}）")
        target = self.root.joinpath(*pure.parts)
        # resolve every symbolic link on the way; the result must still lie in the folder
        real = target.resolve(strict=False)
        if not real.is_relative_to(self.root):
            raise PathRefused(f"{relative}: 指向所服务文件夹之外（符号链接），拒绝访问")
        if must_exist and not real.is_file():
            what = "不是普通文件，不读取" if real.exists() else "文件不存在"
            raise PathRefused(f"{relative}: {what}")
        return real

    def relative(self, path: Path) -> str:
        """``path`` (inside the folder) as the POSIX path a request uses."""
        return path.resolve().relative_to(self.root).as_posix()

    def letters(self) -> list[LetterFile]:
        """Every letter below the folder (hidden folders and links leading out skipped)."""
        found: list[LetterFile] = []
        for dirpath, dirs, files in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(LETTER_SUFFIXES):
                    continue
                path = Path(dirpath) / name
                try:
                    real = path.resolve(strict=True)
                    if not real.is_relative_to(self.root) or not real.is_file():
                        continue
                    size = real.stat().st_size
                except OSError:
                    continue
                found.append(LetterFile(path.relative_to(self.root).as_posix(), size))
                if len(found) >= MAX_LISTED:
                    return found
        return found

    # --- reading and saving -----------------------------------------------------------------

    def read(self, relative: str) -> tuple[bytes, Path]:
        """A letter's bytes (at most the loader's size bound) and its resolved path."""
        path = self.resolve(relative)
        return self._read(relative, path), path

    @staticmethod
    def _read(relative: str, path: Path) -> bytes:
        """``path``'s bytes, refused as the loader refuses a file (too large, not a regular
        file, unreadable), named by ``relative`` (the folder's own path is not shown)."""
        try:
            return limits.read_bounded(path, MAX_FILE_BYTES, what="信件文件")
        except limits.InputError as exc:
            raise limits.InputError(relative, exc.reason) from None

    def _lock(self, path: Path) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(path, threading.Lock())

    def save(self, relative: str, data: bytes, base: str | None) -> str:
        """Write ``data`` to the letter ``relative`` atomically and return its new hash.

        ``base`` is the hash of the file as the client opened it; None means the client
        creates the file, which must not exist yet. A file changed (or created) since is a
        :class:`SaveConflict`, and nothing is written.
        """
        if len(data) > MAX_FILE_BYTES:
            bound = MAX_FILE_BYTES // limits.MiB
            raise limits.InputError(relative, f"内容太大（上限 {bound} MiB）")
        path = self.resolve(relative, must_exist=False)
        if path.is_dir():
            raise PathRefused(f"{relative}: 是目录")
        with self._lock(path):
            current = self._read(relative, path) if path.exists() else None
            if base is None and current is not None:
                raise SaveConflict(
                    f"{relative}: 文件已存在，没有覆盖；请换一个文件名，或打开该文件后再修改"
                )
            if base is not None and (current is None or digest(current) != base):
                what = "已被删除" if current is None else "已被别人修改并保存"
                raise SaveConflict(
                    f"{relative}: 打开之后，文件{what}；为免覆盖别人的修改，这次没有保存。"
                    "你的修改仍在本页：可下载 YAML，或“另存为”一个新文件，"
                    "再重新打开该文件核对合并"
                )
            if not path.parent.is_dir():
                raise PathRefused(f"{relative}: 所在的文件夹不存在")
            try:
                write_atomic(path, data)
            except OutputError as exc:  # named by the path a request uses
                raise OutputError(str(exc).replace(str(path), relative)) from None
            except OSError as exc:
                raise OutputError(f"{relative}: 无法写入（{os_error_reason(exc)}）") from None
        return digest(data)
