"""Writing output files: atomically, together, and only inside their folder.

Every file is written to a temporary name beside it (``.NAME.XXXXXXXX.tmp``), flushed to
disk, then renamed over the target, so a reader sees the old file or the whole new one.
:func:`write_files` commits several files (a letter's PDF and DOCX) together: all are
written first, then renamed; if anything fails, the new files are removed and the old ones
put back, so a letter's formats never come from two different runs.

Inside an output folder, files are opened relative to a descriptor of that folder and each
subfolder is entered with ``O_NOFOLLOW`` (POSIX): a subfolder swapped for a symbolic link
while a batch runs is refused, never followed out of the folder. Every failure (a read-only
folder, a full disk, a name too long, a folder where a file should go) is an
:class:`OutputError` naming the file, in Chinese.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePosixPath

from .errors import GongwenError, os_error_reason
from .limits import no_interruption

NAME_MAX = 255  # bytes in one file name on common file systems
TEMP_SUFFIX = ".tmp"
_DIR_FD = (
    {os.open, os.mkdir, os.unlink, os.replace, os.stat} <= os.supports_dir_fd
    and hasattr(os, "O_DIRECTORY")
    and hasattr(os, "O_NOFOLLOW")
)
_ROOTS: dict[str, int] = {}  # descriptors of output folders held for a batch (inherited by fork)


class OutputError(GongwenError):
    """An output file that cannot be written."""


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see either the old file or the whole new one."""
    path = Path(path)
    write_files(path.parent, {path.name: data})


def write_files(folder: Path, files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` (names relative to ``folder``, '/'-separated, possibly in
    subfolders) together: all or none of them replace what was there. ``folder`` is
    created if missing; below it, no symbolic link is followed. Returns the paths written."""
    folder = Path(folder)
    with _opened(folder) as root:
        temps: list[tuple[_Dir, str, str]] = []  # (folder, temporary name, target name)
        try:
            for rel, data in files.items():
                parent, name = _parent(root, rel, folder)
                tmp = temp_name(name)
                parent.write_new(tmp, data, folder / rel)
                temps.append((parent, tmp, name))
            _commit(temps, folder)
        finally:
            for parent, tmp, _name in temps:
                with contextlib.suppress(OSError):
                    parent.unlink(tmp)
            for parent, _tmp, _name in temps:
                parent.close_unless(root)
    return [folder / rel for rel in files]


def remove_files(folder: Path, names: list[str]) -> list[str]:
    """Remove ``names`` (relative to ``folder``) if they are regular files; returns those
    removed. Nothing outside ``folder`` is touched (no symbolic link is followed)."""
    removed = []
    if not Path(folder).is_dir():
        return removed
    with _opened(Path(folder), create=False) as root:
        for rel in names:
            try:
                parent, name = _parent(root, rel, Path(folder), create=False)
            except (OutputError, FileNotFoundError):
                continue
            try:
                if stat.S_ISREG(parent.lstat(name).st_mode):
                    parent.unlink(name)
                    removed.append(rel)
            except OSError:
                pass
            finally:
                parent.close_unless(root)
    return removed


def read_output(folder: Path, rel: str) -> bytes | None:
    """The bytes of an output file below ``folder`` (no symbolic link followed), or None."""
    try:
        with _opened(Path(folder), create=False) as root:
            parent, name = _parent(root, rel, Path(folder), create=False)
            try:
                return parent.read(name)
            finally:
                parent.close_unless(root)
    except (OSError, OutputError):
        return None


def temp_name(name: str) -> str:
    """``.NAME.XXXXXXXX.tmp`` for ``name``, its stem shortened so that the whole fits in a
    file name (a 250-byte letter name still gets a temporary file)."""
    tag = f".{secrets.token_hex(4)}{TEMP_SUFFIX}"
    room = NAME_MAX - 1 - len(tag.encode())
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) > room:
        suffix = PurePosixPath(name).suffix.encode("utf-8", "surrogateescape")
        stem = raw[: room - len(suffix)].decode("utf-8", "ignore").encode("utf-8")
        raw = stem + suffix
    return "." + raw.decode("utf-8", "surrogateescape") + tag


def hold_root(folder: Path) -> None:
    """Keep a descriptor of ``folder`` (which must exist) open for a batch: this process and
    processes forked from it then write into that folder even if its path is swapped for
    another."""
    key = os.path.abspath(folder)
    if _DIR_FD and key not in _ROOTS:
        try:
            _ROOTS[key] = os.open(key, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as exc:
            raise _fail(Path(folder), exc, "无法打开输出文件夹") from None


def release_root(folder: Path) -> None:
    fd = _ROOTS.pop(os.path.abspath(folder), None)
    if fd is not None:
        os.close(fd)


# --------------------------------------------------------------------------------------------


def _fail(path: Path, exc: OSError, doing: str = "无法写入") -> OutputError:
    return OutputError(f"{path}: {doing}（{os_error_reason(exc)}）")


def _commit(temps: list[tuple[_Dir, str, str]], folder: Path) -> None:
    """Rename every temporary file over its target; on a failure put the old files back.
    SIGTERM and the budget's alarm wait until the renames are done."""
    with no_interruption():
        done: list[tuple[_Dir, str, str | None]] = []  # (folder, name, backup of the old file)
        try:
            for parent, tmp, name in temps:
                backup = parent.keep_old(name)
                try:
                    parent.replace(tmp, name)
                except OSError:
                    if backup is not None:
                        with contextlib.suppress(OSError):
                            parent.unlink(backup)
                    raise
                done.append((parent, name, backup))
        except OSError as exc:
            for parent, name, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        parent.replace(backup, name)
                    else:
                        parent.unlink(name)
            failed = folder / temps[len(done)][2] if len(done) < len(temps) else folder
            if isinstance(exc, IsADirectoryError):
                raise OutputError(f"{failed}: 已有同名的文件夹，无法写入") from None
            raise _fail(failed, exc) from None
        for parent, _name, backup in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    parent.unlink(backup)
        for parent in {id(p): p for p, _t, _n in temps}.values():
            parent.sync()


@contextlib.contextmanager
def _opened(folder: Path, create: bool = True) -> Iterator[_Dir]:
    """The output folder, created if missing and ``create``."""
    held = _ROOTS.get(os.path.abspath(folder)) if _ROOTS else None
    if held is not None:
        yield _Dir(folder, held, owned=False)
        return
    if create:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise OutputError(f"{folder}: 已有同名的文件，不能用作输出文件夹") from None
        except NotADirectoryError:
            raise OutputError(f"{folder}: 路径中有一段是文件，不是文件夹") from None
        except OSError as exc:
            raise _fail(folder, exc, "无法创建文件夹") from None
    if not folder.is_dir():
        if create:
            raise OutputError(f"{folder}: 不是文件夹")
        raise FileNotFoundError(folder)
    d = _Dir.open(folder)
    try:
        yield d
    finally:
        d.close()


def _parent(root: _Dir, rel: str, folder: Path, create: bool = True) -> tuple[_Dir, str]:
    """The folder holding ``rel`` (entered without following links) and the file name."""
    parts = PurePosixPath(rel).parts
    if not parts or any(p in ("", ".", "..") for p in parts) or PurePosixPath(rel).is_absolute():
        raise OutputError(f"{folder / rel}: 输出名无效（须在输出文件夹之内）")
    here = root
    for i, part in enumerate(parts[:-1]):
        try:
            nxt = here.subdir(part, create)
        except OSError as exc:
            where = folder.joinpath(*parts[: i + 1])
            here.close_unless(root)
            if exc.errno in _LINK_ERRNOS:
                message = "是符号链接或不是文件夹，拒绝写入（输出只写在输出文件夹之内）"
                raise OutputError(f"{where}: {message}") from None
            if isinstance(exc, FileNotFoundError) and not create:
                raise
            raise _fail(where, exc, "无法创建文件夹") from None
        here.close_unless(root)
        here = nxt
    return here, parts[-1]


_LINK_ERRNOS = {errno.ELOOP, errno.ENOTDIR}


class _Dir:
    """An open folder: file operations relative to its descriptor (POSIX), or to its path."""

    def __init__(self, path: Path, fd: int | None, owned: bool = True):
        self.path, self.fd, self.owned = path, fd, owned

    @classmethod
    def open(cls, path: Path) -> _Dir:
        if not _DIR_FD:
            return cls(path, None)
        return cls(path, os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))

    def subdir(self, name: str, create: bool) -> _Dir:
        if self.fd is None:
            path = self.path / name
            if path.is_symlink():
                raise OSError(errno.ELOOP, "symbolic link", str(path))
            if create:
                path.mkdir(exist_ok=True)
            return _Dir(path, None)
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(name, flags, dir_fd=self.fd)
        except FileNotFoundError:
            if not create:
                raise
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o777, dir_fd=self.fd)
            fd = os.open(name, flags, dir_fd=self.fd)
        return _Dir(self.path / name, fd)

    def write_new(self, name: str, data: bytes, shown: Path) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
        try:
            if self.fd is not None:
                fd = os.open(name, flags, 0o666, dir_fd=self.fd)
            else:
                fd = os.open(self.path / name, flags, 0o666)
        except OSError as exc:
            raise _fail(shown, exc) from None
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except BaseException as exc:
            os.close(fd)
            with contextlib.suppress(OSError):
                self.unlink(name)
            if isinstance(exc, OSError):
                raise _fail(shown, exc) from None
            raise
        os.close(fd)

    def keep_old(self, name: str) -> str | None:
        """A hard link to the file ``name`` now holds, to put back if the commit fails."""
        try:
            if not stat.S_ISREG(self.lstat(name).st_mode):
                return None
            backup = temp_name(name)
            if self.fd is not None:
                os.link(name, backup, src_dir_fd=self.fd, dst_dir_fd=self.fd,
                        follow_symlinks=False)
            else:
                os.link(self.path / name, self.path / backup)
            return backup
        except (OSError, NotImplementedError):  # no such file, or no hard links here
            return None

    def replace(self, src: str, dst: str) -> None:
        if self.fd is not None:
            os.replace(src, dst, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self.path / src, self.path / dst)

    def unlink(self, name: str) -> None:
        if self.fd is not None:
            os.unlink(name, dir_fd=self.fd)
        else:
            os.unlink(self.path / name)

    def lstat(self, name: str) -> os.stat_result:
        if self.fd is not None:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        return os.lstat(self.path / name)

    def read(self, name: str) -> bytes:
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        if self.fd is not None:
            fd = os.open(name, flags, dir_fd=self.fd)
        else:
            fd = os.open(self.path / name, flags | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            return fh.read()

    def sync(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.fsync(self.fd)

    def close_unless(self, root: _Dir) -> None:
        if self is not root:
            self.close()

    def close(self) -> None:
        if self.fd is not None and self.owned:
            os.close(self.fd)
            self.fd = None
