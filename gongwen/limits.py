"""Bounds on the work any input can cause, and the guarded ways to read files within them.

Every reader of a user's file goes through here: :func:`read_bounded` reads a regular file
of at most a given size (never a device, pipe or folder, and never more bytes than the
bound, even if the file grows); :func:`check_zip` refuses a DOCX, XLSX or OFD whose entries
inflate beyond the bounds before any XML is parsed; :func:`check_pdf` refuses a PDF whose
Flate streams inflate beyond the bounds, or with too many pages, before pdfminer or pdfium
decode it. :func:`budget` runs a piece of work (template expansion, one letter of a batch)
under a wall-clock and memory budget. Every refusal is a :class:`LimitError` whose Chinese
message names the limit.

The figures are module constants so tests can inject small ones.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import GongwenError, os_error_reason

MiB = 1024 * 1024

# --- input files ------------------------------------------------------------------------------
MAX_YAML_BYTES = 2 * MiB  # a letter file
MAX_TEXT_BYTES = 8 * MiB  # a published reply as text (import, diff)
MAX_DOCX_BYTES = 64 * MiB
MAX_PDF_BYTES = 128 * MiB
MAX_OFD_BYTES = 128 * MiB  # an OFD package (GB/T 33190), fonts embedded
MAX_TABLE_BYTES = 32 * MiB  # a mail-merge CSV or XLSX
MAX_TEMPLATE_BYTES = 1 * MiB  # a template file
MAX_INPUT_BYTES = 128 * MiB  # the largest of the above: what diff and import read at most

# --- inflated sizes ---------------------------------------------------------------------------
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_XML = 32 * MiB  # one XML part of a DOCX or XLSX, inflated
MAX_ZIP_TOTAL = 256 * MiB  # all parts together, inflated
MAX_PDF_STREAM = 64 * MiB  # one Flate stream of a PDF, inflated
MAX_PDF_INFLATED = 256 * MiB  # all of them together
MAX_PDF_PAGES = 500  # a letter is at most about 400 pages
MAX_VISUAL_PAGES = 50  # pages drawn by ``gongwen diff --visual`` (about 10 s)

# --- work -------------------------------------------------------------------------------------
MAX_DOCX_PARAGRAPHS = 20_000  # a letter is at most 5 000 paragraphs
MAX_TABLE_COLUMNS = 500
TEMPLATE_SECONDS = 5.0  # filling one template or one letter's {{ 变量 }}
TEMPLATE_MEMORY = 256 * MiB
LETTER_SECONDS = 120.0  # one letter of a batch (``gongwen batch --timeout``)


class LimitError(GongwenError):
    """Work beyond one of gongwen's bounds (the message names the bound)."""


class InputError(GongwenError):
    """A file that cannot be read, or that lies beyond a bound: ``path: reason``."""

    def __init__(self, path: Path | str, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path}: {reason}")


def error_text(exc: BaseException) -> str:
    """A library's exception as text for a message: its type, and its words if it has any."""
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def _mib(n: int) -> str:
    return f"{n / MiB:g} MiB" if n >= MiB else f"{n} 字节"


# --------------------------------------------------------------------------------------------
# Reading files


def read_bounded(path: Path | str, limit: int, *, what: str = "文件") -> bytes:
    """The bytes of the regular file ``path``, refused with a :class:`LimitError` when it
    holds more than ``limit`` bytes, and a :class:`GongwenError` when it is missing, a
    folder, a device, a pipe or unreadable. Symbolic links are followed (the caller decides
    whether a link is acceptable); a file that grows while it is read is cut at the bound
    and refused."""
    with open_regular(path) as (fd, size):
        if size > limit:
            raise InputError(path, f"{what}太大（{size} 字节，上限 {_mib(limit)}）")
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise InputError(path, f"{what}太大（超过上限 {_mib(limit)}）")
        return b"".join(chunks)


@contextlib.contextmanager
def open_regular(path: Path | str) -> Iterator[tuple[int, int]]:
    """Open ``path`` for reading only if it is a regular file: ``(fd, size)``. A FIFO is
    opened without blocking and refused; a device or socket is refused."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError(path, "文件不存在") from None
    except IsADirectoryError:
        raise InputError(path, "是目录，不是文件") from None
    except OSError as exc:
        raise InputError(path, f"无法读取（{os_error_reason(exc)}）") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise InputError(path, "是目录，不是文件")
        if not stat.S_ISREG(st.st_mode):
            raise InputError(path, "不是普通文件（设备、管道或套接字），不读取")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        yield fd, st.st_size
    except OSError as exc:
        raise InputError(path, f"无法读取（{os_error_reason(exc)}）") from None
    finally:
        os.close(fd)


# --------------------------------------------------------------------------------------------
# Zip packages (DOCX, XLSX, OFD)


def check_zip(source: bytes | Path, name: str, *, kind: str = "DOCX") -> None:
    """Refuse a zip package (DOCX, XLSX, OFD) with too many entries, entries that inflate beyond
    the bounds, or an XML part with a DOCTYPE (Office never writes one; entity expansion
    is how XML bombs work).

    The sizes are those the zip's directory declares: Python's :mod:`zipfile` never inflates
    an entry beyond its declared size (a lying entry fails its CRC check instead), so the
    declared sizes bound the memory every later reader uses.
    """
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return  # not a zip: the reader says so in its own words
    with z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            count = len(infos)
            raise InputError(name, f"{kind}中的文件过多（{count} 个，上限 {MAX_ZIP_ENTRIES} 个）")
        total = 0
        for info in infos:
            size = info.file_size
            total += size
            xml = info.filename.lower().endswith((".xml", ".rels"))
            if xml and size > MAX_ZIP_XML:
                limit = _mib(MAX_ZIP_XML)
                reason = f"{kind}中的 {info.filename} 解压后过大（{size} 字节，上限 {limit}）"
                raise InputError(name, reason)
            if total > MAX_ZIP_TOTAL:
                raise InputError(name, f"{kind}解压后过大（上限 {_mib(MAX_ZIP_TOTAL)}）")
            if xml and _has_doctype(z, info):
                raise InputError(
                    name, f"{kind}中的 {info.filename} 含有 DOCTYPE 声明，为安全起见不读取"
                )


_PARAGRAPH_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?p[\s/>]")


def check_docx(data: bytes, name: str) -> None:
    """:func:`check_zip`, then refuse a document of far more paragraphs than a letter has
    (:data:`MAX_DOCX_PARAGRAPHS`), counted from the XML's tags before any parser builds
    a tree of them."""
    import io

    if len(data) > MAX_DOCX_BYTES:
        raise InputError(name, f"DOCX 文件太大（{len(data)} 字节，上限 {_mib(MAX_DOCX_BYTES)}）")
    check_zip(data, name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("word/document.xml")
    except Exception:  # not a DOCX: the reader says so in its own words
        return
    count = len(_PARAGRAPH_TAG.findall(xml))
    if count > MAX_DOCX_PARAGRAPHS:
        raise InputError(name, f"段落过多（约 {count} 段，上限 {MAX_DOCX_PARAGRAPHS} 段）")


def _has_doctype(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DOCTYPE (it must come before the root element, so the
    first 64 KiB tell)."""
    try:
        with z.open(info) as fh:
            head = fh.read(1 << 16)
    except Exception:  # an unreadable part: the reader reports it
        return False
    return b"<!DOCTYPE" in head or "<!DOCTYPE".encode("utf-16-le") in head


# --------------------------------------------------------------------------------------------
# PDF


_STREAM = re.compile(rb"stream(?:\r\n|\n|\r)")


def check_pdf(data: bytes, name: str) -> None:
    """Refuse a PDF whose Flate streams inflate beyond the bounds, before any parser
    decodes them. Each stream that starts like a zlib stream is inflated in small steps and
    thrown away, so this check itself uses little memory."""
    if len(data) > MAX_PDF_BYTES:
        raise InputError(name, f"PDF 文件太大（{len(data)} 字节，上限 {_mib(MAX_PDF_BYTES)}）")
    total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        head = data[start:start + 2]
        if len(head) < 2 or head[0] & 0x0F != 8 or (head[0] << 8 | head[1]) % 31:
            continue  # not zlib: another filter, an encrypted stream, or not a stream at all
        size = _inflated_size(data, start, MAX_PDF_STREAM + 1)
        if size > MAX_PDF_STREAM:
            limit = _mib(MAX_PDF_STREAM)
            raise InputError(name, f"PDF 中有一个数据流解压后过大（超过上限 {limit}）")
        total += size
        if total > MAX_PDF_INFLATED:
            raise InputError(name, f"PDF 的数据流解压后共计过大（上限 {_mib(MAX_PDF_INFLATED)}）")


def _inflated_size(data: bytes, start: int, cap: int) -> int:
    """How many bytes the zlib stream at ``data[start:]`` inflates to, counting up to ``cap``."""
    d = zlib.decompressobj()
    size = 0
    pos = start
    step = 1 << 16
    try:
        while size < cap and not d.eof:
            if d.unconsumed_tail:
                chunk = d.decompress(d.unconsumed_tail, step * 16)
            elif pos < len(data):
                chunk = d.decompress(data[pos:pos + step], step * 16)
                pos += step
            else:
                break
            size += len(chunk)
    except zlib.error:
        pass  # a broken stream: the parser reports it (or skips it)
    return size


def check_pdf_pages(count: int, name: str, limit: int | None = None, *, kind: str = "PDF") -> None:
    """Refuse a PDF (or an OFD: ``kind``) of more than ``limit`` (default
    :data:`MAX_PDF_PAGES`) pages."""
    limit = MAX_PDF_PAGES if limit is None else limit
    if count > limit:
        raise InputError(name, f"{kind} 页数过多（{count} 页，上限 {limit} 页）")


def pdf_error(exc: BaseException) -> str:
    """Why pdfminer could not read a PDF, in Chinese (an encrypted file says so)."""
    # pdfplumber wraps pdfminer's exception: look inside
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    kind = type(inner).__name__
    if "Password" in kind or "Encrypt" in kind:
        return "PDF 已加密，需要密码才能读取"
    if isinstance(inner, MemoryError):
        return "PDF 内容过大，内存不足"
    return error_text(inner)


# --------------------------------------------------------------------------------------------
# Budgets: wall-clock time and memory for one piece of work


@dataclass
class _Deadline:
    at: float
    message: str


_DEADLINES: list[_Deadline] = []
_LOCK = threading.Lock()


class _TimeUp(LimitError):
    """Raised asynchronously in a thread that is not the main one."""


def _earliest() -> _Deadline | None:
    return min(_DEADLINES, key=lambda d: d.at) if _DEADLINES else None


def _on_alarm(signum: int, frame: object) -> None:
    due = _earliest()
    if due is None:
        return
    left = due.at - time.monotonic()
    if left > 0.001:
        signal.setitimer(signal.ITIMER_REAL, left)
        return
    # fire again soon, in case the code running now swallows the exception
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    raise LimitError(due.message)


def _arm() -> None:
    due = _earliest()
    if due is None:
        signal.setitimer(signal.ITIMER_REAL, 0)
    else:
        signal.setitimer(signal.ITIMER_REAL, max(0.001, due.at - time.monotonic()))


@contextlib.contextmanager
def _time_budget(seconds: float, message: str) -> Iterator[None]:
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        deadline = _Deadline(time.monotonic() + seconds, message)
        previous = signal.getsignal(signal.SIGALRM) if not _DEADLINES else None
        if not _DEADLINES:
            signal.signal(signal.SIGALRM, _on_alarm)
        _DEADLINES.append(deadline)
        _arm()
        try:
            yield
        finally:
            _DEADLINES.remove(deadline)
            _arm()
            if not _DEADLINES:
                signal.signal(signal.SIGALRM, previous or signal.SIG_DFL)
        return
    with _async_deadline(seconds, message):
        yield


@contextlib.contextmanager
def _async_deadline(seconds: float, message: str) -> Iterator[None]:
    """Another thread: raise :class:`_TimeUp` in it (between Python instructions) when the
    time is up, again every 0.1 s until the work stops."""
    import ctypes

    ident = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        if done.wait(seconds):
            return
        while not done.is_set():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(ident), ctypes.py_object(_TimeUp)
            )
            done.wait(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    except _TimeUp:
        raise LimitError(message) from None
    finally:
        done.set()
        watcher.join()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)


def _vm_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


@contextlib.contextmanager
def _memory_budget(limit: int, message: str) -> Iterator[None]:
    """Cap the address space at its present size plus ``limit`` (Linux): an allocation
    beyond fails with MemoryError, which becomes a :class:`LimitError`."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    vm = _vm_bytes()
    if vm is None:
        yield
        return
    with _LOCK:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = vm + limit
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        if soft != resource.RLIM_INFINITY:
            cap = min(cap, soft)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    except MemoryError:
        raise LimitError(message) from None
    finally:
        with _LOCK:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def budget(
    what: str, *, seconds: float | None = None, memory: int | None = None
) -> Iterator[None]:
    """Run the block within ``seconds`` of wall-clock time and ``memory`` more bytes of
    address space; going beyond raises :class:`LimitError` naming ``what`` and the bound."""
    with contextlib.ExitStack() as stack:
        if memory is not None:
            stack.enter_context(_memory_budget(memory, f"{what}超出内存上限（{_mib(memory)}）"))
        if seconds is not None:
            stack.enter_context(_time_budget(seconds, f"{what}超出时间上限（{seconds:g} 秒）"))
        yield


@contextlib.contextmanager
def deferred(*signals: signal.Signals) -> Iterator[None]:
    """Hold ``signals`` until the block is done (POSIX, main thread); they arrive after it."""
    if (
        not signals
        or not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def no_interruption() -> contextlib.AbstractContextManager[None]:
    """Hold the budget's alarm and SIGTERM while a group of files is committed: a letter's
    outputs are renamed into place together or not at all."""
    held = [getattr(signal, name) for name in ("SIGALRM", "SIGTERM") if hasattr(signal, name)]
    return deferred(*held)
