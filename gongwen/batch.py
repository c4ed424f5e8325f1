"""Batch rendering: many letters in worker processes, atomic outputs, a report.

``render_many`` maps :func:`gongwen.pipeline.render_letter` (a pure function from a letter to
bytes) over a process pool and writes each letter's outputs with
:func:`gongwen.output.write_atomic`. There is no scheduler here beyond
:class:`concurrent.futures.ProcessPoolExecutor`:

* **Inputs**: folders (every ``*.yaml``/``*.yml`` below, hidden folders skipped), globs and
  files (:func:`collect`), or ``(name, Letter | LetterError)`` pairs from a mail merge
  (:func:`items_from_table`). A letter's *name* is its path relative to the folder (or the
  glob's fixed prefix) it was found under, without the suffix: ``OUT/<name>.<fmt>`` mirrors
  the input tree. Names that would leave ``OUT`` and two letters with the same output are
  refused before anything renders (:class:`BatchError`).
* **Workers** load the font set once (the pool's initializer), ignore Ctrl-C (the parent
  handles it) and on SIGTERM remove the temporary file they are writing, then exit.
* **Failures are isolated**: a letter that fails is reported with its problems
  (``FILE:LINE:COL: field: message``) and the rest go on; a worker process that dies takes
  only its own letter with it (the letters it was holding are retried one by one).
* **--changed**: ``OUT/.gongwen-batch.json`` keeps, per letter, a key hashing the YAML bytes
  (or the merged letter), the gongwen version and source digest, the font files' identity
  (path, size, mtime)
  and the options, plus the files the letter used (seal image) with their hashes; a letter
  whose key, files and outputs are unchanged is not rendered again.
* **Atomicity**: outputs appear whole or not at all. ``kill -9`` can leave hidden temporary
  files (``.NAME.XXXXXXXX.tmp``) beside the outputs; the next batch into the same folder
  removes them. One batch at a time writes to a folder (``OUT/.gongwen-batch.lock``).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from .errors import GongwenError, LetterError, Problem
from .model import Letter
from .output import write_atomic
from .schemas import gongwen_version, header

__all__ = [
    "MANIFEST_NAME",
    "BatchError",
    "BatchItem",
    "BatchResult",
    "LetterResult",
    "Progress",
    "collect",
    "items_from_table",
    "render_many",
    "safe_name",
]

MANIFEST_NAME = ".gongwen-batch.json"
LOCK_NAME = ".gongwen-batch.lock"
LETTER_SUFFIXES = (".yaml", ".yml")
MANIFEST_VERSION = 2
SAVE_EVERY_S = 2.0

# write_atomic's temporary names: ".<target name>.<8 random chars>.tmp"
_TEMP_RE = re.compile(r"^\..+\.(pdf|docx|json)\.[A-Za-z0-9_]{8}\.tmp$")

RENDERED, UNCHANGED, FAILED, CANCELLED = "rendered", "unchanged", "failed", "cancelled"
STATUSES = (RENDERED, UNCHANGED, FAILED, CANCELLED)


class BatchError(GongwenError):
    """A batch that cannot start: bad paths, clashing or escaping outputs, a busy folder."""


# --------------------------------------------------------------------------------------------
# What to render


@dataclass(frozen=True)
class BatchItem:
    """One letter of a batch: a YAML file to load, or a letter already built (mail merge)."""

    name: str  # output path relative to OUT without suffix, '/'-separated: "sub/a"
    source: str  # how messages name it: the YAML path, or "table.csv:row 7" (mail merge)
    path: Path | None = None
    letter: Letter | None = None
    error: LetterError | None = None  # a mail-merge row that failed before rendering
    base_dir: Path | None = None


def safe_name(name: str) -> str:
    """``name`` as a relative '/'-path that stays inside OUT, or :class:`BatchError`."""
    text = str(name).replace("\\", "/")
    if not text or "\0" in text:
        raise BatchError(f"输出名无效：{name!r}")
    pure = PurePosixPath(text)
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", text):
        raise BatchError(f"输出名 {name!r} 是绝对路径；输出必须留在输出目录内")
    parts = pure.parts
    if any(p in ("..", ".") for p in text.split("/")) or not parts:
        raise BatchError(f"输出名 {name!r} 含有 . 或 ..；输出必须留在输出目录内")
    return "/".join(parts)


def _is_hidden(part: str) -> bool:
    return part.startswith(".") and part not in (".", "..")


def _glob_root(pattern: str) -> Path:
    """The fixed folder a glob starts from: 'letters/**/*.yaml' → 'letters'."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if glob.has_magic(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _walk(folder: Path, skip: Path | None) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames
            if not _is_hidden(d) and (skip is None or (here / d).resolve() != skip)
        )
        found += [
            here / f for f in sorted(filenames)
            if not _is_hidden(f) and Path(f).suffix.lower() in LETTER_SUFFIXES
        ]
    return found


def collect(paths: Iterable[str | Path], out_dir: Path | None = None) -> list[BatchItem]:
    """The letters under folders, matching globs, or named, each with its output name.

    Each argument must give at least one letter. A file met twice is rendered once.
    ``out_dir`` is skipped when it lies inside an input folder.
    """
    skip = out_dir.resolve() if out_dir is not None else None
    items: list[BatchItem] = []
    seen: set[Path] = set()
    for arg in paths:
        text = str(arg)
        path = Path(text)
        if path.is_dir():
            root, files = path, _walk(path, skip)
        elif path.is_file():
            root, files = path.parent, [path]
        elif glob.has_magic(text):
            root = _glob_root(text)
            files = [
                Path(f) for f in sorted(glob.glob(text, recursive=True))
                if Path(f).is_file() and Path(f).suffix.lower() in LETTER_SUFFIXES
            ]
        else:
            raise BatchError(f"{text}: 没有这个文件或文件夹，也不是匹配到文件的通配符")
        if not files:
            raise BatchError(f"{text}: 没有找到信件（*.yaml、*.yml）")
        for file in files:
            real = file.resolve()
            if real in seen:
                continue
            seen.add(real)
            rel = os.path.relpath(file, root)
            name = safe_name(str(PurePosixPath(Path(rel).as_posix()).with_suffix("")))
            items.append(BatchItem(name, str(file), path=file, base_dir=file.parent))
    return items


def items_from_table(
    kind: str, data: Path, template_dirs: Sequence[Path] = (), name_column: str | None = None
) -> list[BatchItem]:
    """Mail merge: one item per row of ``data`` filled into the template ``kind``.

    Rows that fail are kept as items carrying their error, so they are reported with their
    row id while the other rows render. Outputs are named ``<table>-row-N``, or by the cell
    of ``name_column`` (e.g. 提案号), which every row must fill.
    """
    try:
        from .templates import letters_from_table  # type: ignore[import-not-found]
    except ImportError as exc:
        raise BatchError(f"--template: 邮件合并需要 gongwen.templates，当前不可用：{exc}") from None
    items: list[BatchItem] = []
    data = Path(data)
    names = _names_from_column(data, name_column) if name_column else {}
    for row_id, value in letters_from_table(kind, data, template_dirs):
        name = safe_name(names.get(str(row_id)) or _row_name(str(row_id), data))
        source = str(row_id) if data.name in str(row_id) else f"{data}#{row_id}"
        if isinstance(value, LetterError):
            items.append(BatchItem(name, source, error=value, base_dir=data.parent))
        else:
            items.append(BatchItem(name, source, letter=value, base_dir=data.parent))
    return items


_UNSAFE_CHARS = re.compile(r'[\s:*?"<>|]+')


def _names_from_column(data: Path, column: str) -> dict[str, str]:
    """Row id → output name from ``column``; a missing column or an empty cell is an error."""
    from .templates import read_table

    header, rows = read_table(data)
    if column not in header:
        listed = "、".join(h for h in header if h)
        raise BatchError(f"--name-column: 表格 {data} 没有列 {column!r}；表头：{listed}")
    empty = [str(number) for number, cells, _ in rows if not cells.get(column)]
    if empty:
        raise BatchError(f"--name-column {column}: 第 {'、'.join(empty)} 行此列为空；每行须有名字")
    return {f"{data.name}:row {number}": _UNSAFE_CHARS.sub("-", cells[column]).strip("-")
            for number, cells, _ in rows}


def _row_name(row_id: str, data: Path) -> str:
    """A file name for a mail-merge row: 'table.csv:row 7' → 'table-row-7'; other ids keep
    their folders, with characters that file systems refuse replaced by '-'."""
    m = re.fullmatch(re.escape(data.name) + r":row (\d+)", row_id)
    if m:
        return f"{data.stem}-row-{m.group(1)}"
    return _UNSAFE_CHARS.sub("-", row_id).strip("-")


def check_outputs(items: Sequence[BatchItem], formats: Sequence[str], out_dir: Path) -> None:
    """Refuse outputs that leave ``out_dir`` or that two letters share (case-insensitively)."""
    root = out_dir.resolve()
    owners: dict[str, BatchItem] = {}
    clashes: list[str] = []
    escapes: list[str] = []
    for item in items:
        name = safe_name(item.name)
        for fmt in formats:
            rel = f"{name}.{fmt}"
            target = (root / rel).resolve()
            if not target.is_relative_to(root) or target == root:
                escapes.append(f"{item.source}: 输出 {rel} 会写到输出目录之外")
            key = rel.casefold()
            other = owners.setdefault(key, item)
            if other is not item:
                clashes.append(f"{item.source} 和 {other.source} 都要写入 {out_dir / rel}")
    if escapes:
        raise BatchError("\n".join(escapes))
    if clashes:
        raise BatchError("两封信对应同一个输出文件，未开始排版：\n" + "\n".join(clashes))


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class LetterResult:
    """What happened to one letter."""

    name: str
    source: str
    status: str  # rendered | unchanged | failed | cancelled
    outputs: list[str] = field(default_factory=list)  # relative to OUT
    pages: int | None = None
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    time: float = 0.0  # seconds spent rendering and writing, in the worker
    key: str = ""
    deps: dict[str, str] = field(default_factory=dict)  # file → sha256, for --changed

    def report(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("key")
        d.pop("deps")
        d["time"] = round(self.time, 4)
        d["warnings"] = [w.to_json() for w in self.warnings]
        d["problems"] = [p.to_json() for p in self.problems]
        return d


@dataclass
class BatchResult:
    """All letters' results in input order, and how the batch went."""

    results: list[LetterResult]
    out_dir: Path
    formats: tuple[str, ...]
    jobs: int
    changed_only: bool
    seconds: float
    interrupted: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[LetterResult]:
        return [r for r in self.results if r.status == FAILED]

    @property
    def exit_code(self) -> int:
        """1 if a letter failed, 130 if interrupted, else 0."""
        if self.failed:
            return 1
        return 130 if self.interrupted else 0

    def report(self) -> dict[str, Any]:
        """The ``--report`` document (gongwen/schemas/batch-report.schema.json)."""
        return {
            **header("batch-report"),
            "out_dir": str(self.out_dir),
            "formats": list(self.formats),
            "jobs": self.jobs,
            "changed_only": self.changed_only,
            "interrupted": self.interrupted,
            "seconds": round(self.seconds, 3),
            "counts": {s: self.count(s) for s in STATUSES},
            "letters": [r.report() for r in self.results],
        }


class Progress(Protocol):
    """What :func:`render_many` tells about its progress (the CLI draws a bar or lines)."""

    def start(self, total: int) -> None: ...
    def advance(self, result: LetterResult) -> None: ...
    def stop(self) -> None: ...


# --------------------------------------------------------------------------------------------
# Keys for --changed


def code_digest() -> str:
    """SHA-256 of gongwen's own source files: a development checkout changes its code
    without changing its version number, and outputs of older code are stale too."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for file in sorted(root.rglob("*.py")):
        h.update(file.relative_to(root).as_posix().encode() + b"\0")
        with contextlib.suppress(OSError):
            h.update(file.read_bytes())
    return h.hexdigest()


def fonts_identity(fonts: str, strict: bool) -> list[list[Any]]:
    """Path, face index, size and mtime of every font file the font set uses."""
    from .fonts import FontError, load_fontset

    try:
        fontset = load_fontset(fonts, strict=strict)  # type: ignore[arg-type]
    except FontError as exc:
        raise BatchError(str(exc)) from None
    out = []
    for face in fontset.faces():
        st = face.path.stat()
        out.append([str(face.path), face.subfont_index, st.st_size, st.st_mtime_ns])
    return out


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _item_key(item: BatchItem, env: str) -> str:
    h = hashlib.sha256(env.encode())
    if item.error is not None:
        return ""
    if item.letter is not None:
        h.update(b"letter\0" + item.letter.model_dump_json().encode())
    else:
        assert item.path is not None
        try:
            h.update(b"yaml\0" + item.path.read_bytes())
        except OSError:
            return ""
    return h.hexdigest()


def _deps_unchanged(deps: dict[str, str]) -> bool:
    for file, digest in deps.items():
        try:
            if _sha256(Path(file).read_bytes()) != digest:
                return False
        except OSError:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Rendering one letter (in a worker, or in-process)


@dataclass(frozen=True)
class _Task:
    item: BatchItem
    formats: tuple[str, ...]
    fonts: str
    strict: bool
    out_dir: Path
    key: str


RenderFn = Callable[..., Any]


def render_item(task: _Task, render: RenderFn | None = None) -> LetterResult:
    """Load (if needed), render and write one letter; every error becomes a failed result."""
    from .pipeline import render_letter

    render = render or render_letter
    item = task.item
    started = time.perf_counter()
    result = LetterResult(item.name, item.source, FAILED, key=task.key)
    try:
        sources = None
        if item.error is not None:
            raise item.error
        if item.letter is not None:
            letter = item.letter
        else:
            from .loader import load_letter_with_sources

            assert item.path is not None
            letter, sources = load_letter_with_sources(item.path)
        rendered = render(
            letter, task.formats, fonts=task.fonts, strict_fonts=task.strict,
            base_dir=item.base_dir, sources=sources,
        )
        for rel, data in rendered.files(item.name):
            with _deferred(signal.SIGTERM):  # a stop waits for the rename, never a half file
                write_atomic(task.out_dir / rel, data)
            result.outputs.append(rel)
        result.pages = rendered.pages  # from the layout
        result.warnings = [
            w if isinstance(w, Problem) else Problem(item.source, 0, 0, "", str(w))
            for w in rendered.warnings
        ]
        seal = letter.signature.seal.image
        if seal:
            file = ((item.base_dir or Path.cwd()) / seal).resolve()
            with contextlib.suppress(OSError):
                result.deps[str(file)] = _sha256(file.read_bytes())
        result.status = RENDERED
    except LetterError as exc:
        result.problems = list(exc.problems)
    except GongwenError as exc:
        result.problems = [Problem(item.source, 0, 0, "", str(exc))]
    except _Stop:
        raise
    except Exception as exc:  # isolate the letter: report, go on
        import traceback

        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        message = f"内部错误 {type(exc).__name__}: {exc} ({where})"
        result.problems = [Problem(item.source, 0, 0, "", message)]
    # a letter built by mail merge has no file: its row names the problems found rendering it
    result.problems = [_placed(p, item.source) for p in result.problems]
    result.warnings = [_placed(w, item.source) for w in result.warnings]
    result.time = time.perf_counter() - started
    return result


def _placed(problem: Problem, source: str) -> Problem:
    return replace(problem, file=source) if problem.file == "<letter>" else problem


@contextlib.contextmanager
def _deferred(*signals: signal.Signals):
    """Hold ``signals`` until the block is done (POSIX, main thread); they arrive after it."""
    if not hasattr(signal, "pthread_sigmask") or not _main():
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _Stop(BaseException):
    """SIGTERM in a worker: unwind (removing the temporary file), then exit."""


_WORKER: dict[str, Any] = {"busy": False, "render": None}

# A small letter using every font role, rendered once per worker before the real letters.
_WARM_UP: dict[str, Any] = {
    "format": "letter",
    "header": {"organs": ["示例市发展和改革委员会"], "doc_number": "示发改函〔2024〕1号"},
    "title": "关于示例事项的答复",
    "addressees": ["张示例委员"],
    "body": [
        "您提出的建议收悉，现答复如下：",
        {"heading": "工作情况", "body": [{"heading": "完善规划。", "text": "已纳入计划。"}]},
    ],
    "signature": {"organs": ["示例市发展和改革委员会"], "date": "2024-06-18"},
}


def _on_sigterm(signum: int, frame: Any) -> None:
    if _WORKER["busy"]:
        raise _Stop()
    os._exit(128 + signum)


def _stop_with_parent() -> None:
    """Linux: SIGTERM this worker when the batch process dies (even by ``kill -9``), so no
    orphan waits forever for letters that will not come."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before prctl took effect
            os._exit(0)


def _init_worker(fonts: str, strict: bool, render: RenderFn | None) -> None:
    """Pool initializer: signals, and the font set and exporters loaded once per worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _stop_with_parent()
    _WORKER["render"] = render
    for module in ("gongwen.pipeline", "gongwen.export.pdf", "gongwen.export.docx"):
        with contextlib.suppress(Exception):
            __import__(module)
    with contextlib.suppress(Exception):  # errors surface per letter instead
        from .fonts import load_fontset

        load_fontset(fonts, strict=strict)  # type: ignore[arg-type]
    if render is None:  # the real pipeline: warm it (fonts parsed, caches filled) once
        with contextlib.suppress(Exception):
            from .pipeline import render_letter

            render_letter(Letter.model_validate(_WARM_UP), fonts=fonts, strict_fonts=strict)


def _work(task: _Task) -> LetterResult:
    _WORKER["busy"] = True
    try:
        return render_item(task, _WORKER["render"])
    except _Stop:
        os._exit(128 + signal.SIGTERM)
    finally:
        _WORKER["busy"] = False


# --------------------------------------------------------------------------------------------
# The output folder: lock, stale temporary files, manifest


@contextlib.contextmanager
def _locked(out_dir: Path):
    """Hold ``OUT/.gongwen-batch.lock`` (filelock: flock on POSIX, LockFileEx on Windows)
    while the batch writes; a second batch on the same folder is refused at once. Forked
    workers do not inherit the lock (filelock closes it in the child)."""
    from filelock import FileLock, Timeout

    from .outpath import output_folder

    output_folder(out_dir)
    lock = FileLock(out_dir / LOCK_NAME, timeout=0, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        raise BatchError(f"{out_dir}: 另一个 gongwen batch 正在写入这个目录") from None
    try:
        yield
    finally:
        lock.release()


def clean_temp_files(out_dir: Path) -> list[Path]:
    """Remove temporary files left by an interrupted write (``kill -9``); returns them."""
    removed = []
    for dirpath, _dirs, files in os.walk(out_dir):
        for f in files:
            if _TEMP_RE.match(f):
                path = Path(dirpath) / f
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def _load_manifest(out_dir: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return {}
    letters = data.get("letters")
    return letters if isinstance(letters, dict) else {}


def _save_manifest(out_dir: Path, letters: dict[str, dict[str, Any]]) -> None:
    doc = {"version": MANIFEST_VERSION, "letters": dict(sorted(letters.items()))}
    text = json.dumps(doc, ensure_ascii=False, indent=1) + "\n"
    with _deferred(signal.SIGINT, signal.SIGTERM):
        write_atomic(out_dir / MANIFEST_NAME, text.encode("utf-8"))


def _unchanged(entry: dict[str, Any] | None, key: str, outputs: list[str], out_dir: Path) -> bool:
    if not entry or not key or entry.get("key") != key:
        return False
    if sorted(entry.get("outputs", [])) != sorted(outputs):
        return False
    if not all((out_dir / o).is_file() for o in outputs):
        return False
    return _deps_unchanged(entry.get("deps", {}))


# --------------------------------------------------------------------------------------------
# The batch


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _context(name: str | None) -> multiprocessing.context.BaseContext:
    if name is None:
        # fork: workers start warm (modules imported, fonts scanned); the pool forks all its
        # workers on the first submit, before this module starts any thread.
        name = "fork" if sys.platform.startswith("linux") else "spawn"
    return multiprocessing.get_context(name)


def render_many(
    paths: Iterable[str | Path] = (),
    formats: Iterable[str] | str = ("pdf", "docx"),
    jobs: int | None = None,
    out_dir: Path | str = "out",
    *,
    items: Sequence[BatchItem] | None = None,
    fonts: str = "auto",
    strict_fonts: bool = False,
    changed: bool = False,
    report: Path | None = None,
    progress: Progress | None = None,
    render: RenderFn | None = None,
    mp_context: str | None = None,
) -> BatchResult:
    """Render letters in ``jobs`` worker processes into ``out_dir``, mirroring their folders.

    ``paths`` are folders, globs or files (see :func:`collect`); ``items`` adds prepared
    items (a mail merge). ``render`` replaces :func:`gongwen.pipeline.render_letter` (it must
    be picklable for non-fork start methods). Raises :class:`BatchError` before rendering
    anything when the batch cannot start; otherwise every letter gets a result, and Ctrl-C or
    SIGTERM stops the workers and returns what finished (``interrupted``).
    """
    from .pipeline import parse_formats

    fmts = parse_formats(formats)
    out = Path(out_dir)
    todo_items = collect(paths, out) + list(items or [])
    if not todo_items:
        raise BatchError("gongwen batch: 没有要排版的信件")
    check_outputs(todo_items, fmts, out)
    jobs = max(1, jobs or default_jobs())
    env = json.dumps(
        {
            "gongwen": gongwen_version(),
            "code": code_digest(),
            "fonts": fonts_identity(fonts, strict_fonts),
            "options": {"formats": sorted(fmts), "fonts": fonts, "strict": strict_fonts},
        },
        sort_keys=True,
    )
    started = time.perf_counter()
    with _locked(out):
        clean_temp_files(out)
        manifest = _load_manifest(out)
        results: dict[str, LetterResult] = {}
        tasks: list[_Task] = []
        for item in todo_items:
            key = _item_key(item, env)
            outputs = [f"{item.name}.{f}" for f in fmts]
            entry = manifest.get(item.name)
            if changed and _unchanged(entry, key, outputs, out):
                assert entry is not None
                results[item.name] = LetterResult(
                    item.name, item.source, UNCHANGED, outputs=outputs,
                    pages=entry.get("pages"),
                    warnings=[Problem(**w) for w in entry.get("warnings", [])],
                    key=key, deps=entry.get("deps", {}),
                )
            else:
                tasks.append(_Task(item, fmts, fonts, strict_fonts, out, key))

        def record(result: LetterResult) -> None:
            results[result.name] = result
            if result.status == RENDERED and result.key:
                manifest[result.name] = {
                    "key": result.key, "source": result.source, "outputs": result.outputs,
                    "pages": result.pages, "deps": result.deps,
                    "warnings": [w.to_json() for w in result.warnings],
                }
            elif result.status == FAILED:
                manifest.pop(result.name, None)
            if progress is not None:
                progress.advance(result)

        interrupted = False
        if progress is not None:
            progress.start(len(todo_items))
            for r in results.values():
                progress.advance(r)
        try:
            with _interrupts():
                interrupted = _run_pool(
                    tasks, min(jobs, max(1, len(tasks))), _context(mp_context),
                    (fonts, strict_fonts, render), record, lambda: _save_manifest(out, manifest),
                )
        finally:
            if progress is not None:
                progress.stop()
            _save_manifest(out, manifest)
        ordered = [
            results.get(i.name) or LetterResult(i.name, i.source, CANCELLED) for i in todo_items
        ]
    batch = BatchResult(
        ordered, out, fmts, jobs, changed, time.perf_counter() - started, interrupted
    )
    if report is not None:
        text = json.dumps(batch.report(), ensure_ascii=False, indent=2) + "\n"
        with _deferred(signal.SIGINT, signal.SIGTERM):
            write_atomic(Path(report), text.encode("utf-8"))
    return batch


class _Terminated(KeyboardInterrupt):
    """SIGTERM in the parent, handled like Ctrl-C."""


@contextlib.contextmanager
def _interrupts():
    """In the main thread, turn SIGTERM into an exception like Ctrl-C's."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_term(signum: int, frame: Any) -> None:
        raise _Terminated()

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_pool(
    tasks: list[_Task],
    jobs: int,
    ctx: multiprocessing.context.BaseContext,
    initargs: tuple[Any, ...],
    record: Callable[[LetterResult], None],
    save: Callable[[], None],
) -> bool:
    """Run ``tasks``; returns True if interrupted. Letters whose worker died are retried
    one at a time in a fresh worker, so a letter that kills its worker fails alone."""
    if not tasks:
        return False
    retry: list[_Task] = []
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs)
    last_save = time.monotonic()
    pending: dict[Future, _Task] = {}
    try:
        for t in tasks:
            pending[pool.submit(_work, t)] = t
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                try:
                    record(fut.result())
                except BrokenProcessPool:
                    retry.append(task)
            if time.monotonic() - last_save > SAVE_EVERY_S:
                save()
                last_save = time.monotonic()
        pool.shutdown(wait=True)
        for task in retry:
            solo = ProcessPoolExecutor(
                1, mp_context=ctx, initializer=_init_worker, initargs=initargs
            )
            pool = solo
            try:
                record(solo.submit(_work, task).result())
            except BrokenProcessPool:
                record(LetterResult(
                    task.item.name, task.item.source, FAILED, key=task.key,
                    problems=[Problem(task.item.source, 0, 0, "", "排版进程意外退出")],
                ))
            solo.shutdown(wait=True)
        return False
    except KeyboardInterrupt:
        _stop_pool(pool)
        for fut in list(pending):
            # letters that finished as the interrupt arrived still count as finished
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                record(fut.result())
        return True


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """SIGTERM the workers (each removes its temporary file), then stop the pool."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if _main() else None
    try:
        procs = list((getattr(pool, "_processes", None) or {}).values())
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()
        deadline = time.monotonic() + 5.0
        for p in procs:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)
        pool.shutdown(wait=False, cancel_futures=True)
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def _main() -> bool:
    return threading.current_thread() is threading.main_thread()
