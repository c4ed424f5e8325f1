"""Batch rendering: many letters in worker processes, atomic outputs, a report.

``render_many`` maps :func:`gongwen.pipeline.render_letter` (a pure function from a letter to
bytes) over a process pool and writes each letter's outputs with
:func:`gongwen.output.write_atomic`. There is no scheduler here beyond
:class:`concurrent.futures.ProcessPoolExecutor`:

* **Inputs**: folders (every ``*.yaml``/``*.yml`` below, hidden folders skipped), globs and
  files (:func:`collect`), or ``(name, Letter | LetterError)`` pairs from a mail merge
  (:func:`items_from_table`). A letter's *name* is its path relative to the folder (or the
  glob's fixed prefix) it was found under, without the suffix: ``OUT/<name>.<fmt>`` mirrors
  the input tree. Names that would leave ``OUT``, two letters with the same output, an
  output that another letter's outputs need as a folder (``x.yaml`` beside ``x.pdf/y.yaml``)
  and a ``--report`` that would overwrite an output are refused before anything renders
  (:class:`BatchError`).
* **Symbolic links**: a file named on the command line is read even if it is a link. Links
  met while walking a folder or expanding a glob are not followed: a linked file fails
  with a message (its content is never read), a linked folder is not entered (so link
  loops cannot hang the walk). A file whose name is not UTF-8 fails with a message.
* **Workers** load the font set once (the pool's initializer), ignore Ctrl-C (the parent
  handles it) and on SIGTERM remove the temporary file they are writing, then exit.
* **Failures are isolated**: a letter that fails is reported with its problems
  (``FILE:LINE:COL: field: message``) and the rest go on; a worker process that dies takes
  only its own letter with it (the letters it was holding are retried one by one). A letter
  gets at most ``timeout`` seconds (``--timeout``, default 120): a letter that takes longer
  fails with a message naming the limit.
* **OUT stays consistent with the report**: a letter that fails loses the outputs an
  earlier run left (someone publishing OUT must not find last week's letter); a letter whose
  YAML file (or table row) is gone loses its outputs and its manifest entry; both are
  listed under ``removed`` in the report.
* **--changed**: ``OUT/.gongwen-batch.json`` keeps, per letter, a key hashing the YAML bytes
  (or the merged letter), the gongwen version and source digest, the font files' identity
  (path, size, mtime)
  and the options, plus the files the letter used (seal image) with their hashes, and the
  hashes of the outputs written; a letter whose key, files and outputs (by content) are
  unchanged is not rendered again.
* **Atomicity**: outputs appear whole or not at all, and a letter's formats together
  (:func:`gongwen.output.write_files`). ``kill -9`` can leave hidden temporary files
  (``.NAME.XXXXXXXX.tmp``) beside the outputs; the next batch into the same folder removes
  them. One batch at a time writes to a folder (``OUT/.gongwen-batch.lock``). Every write
  goes through a descriptor of ``OUT`` held for the whole batch, entering subfolders without
  following links, so nothing is written outside ``OUT`` even if a folder inside it is
  swapped for a link while the batch runs.
"""

from __future__ import annotations

import contextlib
import fnmatch
import glob
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from . import limits
from .errors import GongwenError, LetterError, Problem, option, os_error_reason
from .model import Letter
from .output import (
    OutputError,
    hold_root,
    read_output,
    release_root,
    remove_files,
    write_atomic,
    write_files,
)
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
STUCK_GRACE_S = 30.0  # beyond twice the time limit, a worker that has not answered is killed

# write_atomic's temporary names: ".<target name>.<8 random chars>.tmp"
_TEMP_RE = re.compile(r"^\..+\.[A-Za-z0-9]{1,8}\.[A-Za-z0-9_]{8}\.tmp$")

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
    table: Path | None = None  # the mail-merge table the row came from (absolute)


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


def _walk(folder: Path, skip: Path | None, depth: int | None = None) -> list[Path]:
    """Letter files below ``folder``, hidden ones skipped; linked folders are not entered
    (os.walk does not follow them), ``depth`` folders down at most."""
    found: list[Path] = []
    base = len(folder.parts)
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        if depth is not None and len(here.parts) - base >= depth:
            dirnames[:] = []
        dirnames[:] = sorted(
            d for d in dirnames
            if not _is_hidden(d) and (skip is None or (here / d).resolve() != skip)
        )
        found += [
            here / f for f in sorted(filenames)
            if not _is_hidden(f) and Path(f).suffix.lower() in LETTER_SUFFIXES
        ]
    return found


def _glob(pattern: str, root: Path) -> list[Path]:
    """The letter files matching ``pattern`` (``*``, ``?``, ``[…]``, ``**`` for any folders)
    below its fixed folder ``root``, walked without following linked folders: unlike
    :func:`glob.glob`, two ``ln -s .`` loops cannot make it run forever."""
    parts = Path(pattern).parts[len(root.parts) if str(root) != "." else 0:]
    deep = "**" in parts
    files = _walk(root, None, None if deep else max(0, len(parts) - 1))
    return [f for f in files if _matches(parts, f.relative_to(root).parts)]


def _matches(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    seen: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        if (i, j) not in seen:
            if i == len(pattern):
                ok = j == len(parts)
            elif pattern[i] == "**":
                ok = match(i + 1, j) or (j < len(parts) and match(i, j + 1))
            else:
                ok = j < len(parts) and fnmatch.fnmatchcase(parts[j], pattern[i]) and match(
                    i + 1, j + 1)
            seen[(i, j)] = ok
        return seen[(i, j)]

    return match(0, 0)


def _displayable(text: str) -> str:
    """A path as text that can be printed and written to JSON: bytes that are not UTF-8
    (kept by Python as lone surrogates) shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _refused(name: str, source: str, message: str, base_dir: Path) -> BatchItem:
    error = LetterError([Problem(source, 0, 0, "", message)])
    return BatchItem(name, source, error=error, base_dir=base_dir)


def collect(paths: Iterable[str | Path], out_dir: Path | None = None) -> list[BatchItem]:
    """The letters under folders, matching globs, or named, each with its output name.

    Each argument must give at least one letter. A file met twice is rendered once.
    ``out_dir`` is skipped when it lies inside an input folder. A link met while walking a
    folder or expanding a glob, and a file whose name is not UTF-8, give an item that fails
    with a message (nothing of it is read).
    """
    skip = out_dir.resolve() if out_dir is not None else None
    items: list[BatchItem] = []
    seen: set[Path] = set()
    for arg in paths:
        text = str(arg)
        path = Path(text)
        named = False
        if path.is_dir():
            root, files = path, _walk(path, skip)
        elif path.is_file():
            root, files, named = path.parent, [path], True
        elif glob.has_magic(text):
            root = _glob_root(text)
            files = _glob(text, root) if root.is_dir() else []
        else:
            shown = _displayable(text)
            raise BatchError(f"{shown}: 没有这个文件或文件夹，也不是匹配到文件的通配符")
        if not files:
            raise BatchError(f"{_displayable(text)}: 没有找到信件（*.yaml、*.yml）")
        for file in files:
            rel = os.path.relpath(file, root)
            name = safe_name(_displayable(str(PurePosixPath(Path(rel).as_posix()).with_suffix(""))))
            source = _displayable(str(file))
            if source != str(file):
                message = "文件名不是 UTF-8 编码，无法写出同名的输出；请改名"
                items.append(_refused(name, source, message, file.parent))
                continue
            if not named and file.is_symlink():
                message = ("是符号链接；批量排版不跟随文件夹中的符号链接，"
                           "请直接给出该文件或把它复制进来")
                items.append(_refused(name, source, message, file.parent))
                continue
            real = file.resolve()
            if real in seen:
                continue
            seen.add(real)
            items.append(BatchItem(name, source, path=file, base_dir=file.parent))
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
        why = f"邮件合并需要 gongwen.templates，当前不可用：{exc}"
        raise BatchError(f"{option('template')}: {why}") from None
    items: list[BatchItem] = []
    data = Path(data)
    names = _names_from_column(data, name_column) if name_column else {}
    table = data.resolve()
    for row_id, value in letters_from_table(kind, data, template_dirs):
        name = safe_name(names.get(str(row_id)) or _row_name(str(row_id), data))
        source = str(row_id) if data.name in str(row_id) else f"{data}#{row_id}"
        if isinstance(value, LetterError):
            items.append(BatchItem(name, source, error=value, base_dir=data.parent, table=table))
        else:
            items.append(BatchItem(name, source, letter=value, base_dir=data.parent, table=table))
    return items


_UNSAFE_CHARS = re.compile(r'[\s:*?"<>|]+')


def _names_from_column(data: Path, column: str) -> dict[str, str]:
    """Row id → output name from ``column``; a missing column or an empty cell is an error."""
    from .templates import read_table

    header, rows = read_table(data)
    if column not in header:
        listed = "、".join(h for h in header if h)
        raise BatchError(f"{option('name_column')}: 表格 {data} 没有列 {column!r}；表头：{listed}")
    empty = [str(number) for number, cells, _ in rows if not cells.get(column)]
    if empty:
        rows = "、".join(empty)
        raise BatchError(f"{option('name_column', column)}: 第 {rows} 行此列为空；每行须有名字")
    return {f"{data.name}:row {number}": _UNSAFE_CHARS.sub("-", cells[column]).strip("-")
            for number, cells, _ in rows}


def _row_name(row_id: str, data: Path) -> str:
    """A file name for a mail-merge row: 'table.csv:row 7' → 'table-row-7'; other ids keep
    their folders, with characters that file systems refuse replaced by '-'."""
    m = re.fullmatch(re.escape(data.name) + r":row (\d+)", row_id)
    if m:
        return f"{data.stem}-row-{m.group(1)}"
    return _UNSAFE_CHARS.sub("-", row_id).strip("-")


def check_outputs(
    items: Sequence[BatchItem], formats: Sequence[str], out_dir: Path, report: Path | None = None
) -> None:
    """Refuse outputs that leave ``out_dir``, that two letters share (case-insensitively),
    that another letter needs as a folder (``x.pdf`` of ``x.yaml`` and ``x.pdf/y.pdf`` of
    ``x.pdf/y.yaml``), and a report that would overwrite an output or the manifest."""
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
    folders: dict[str, None] = {}
    for key, item in owners.items():
        parts = key.split("/")
        for i in range(1, len(parts)):
            folder = "/".join(parts[:i])
            if folder in owners:
                other = owners[folder]
                folders[f"{other.source} 的输出 {out_dir / folder} 是文件，而 "
                        f"{item.source} 的输出要放在同名的文件夹里"] = None
    if escapes:
        raise BatchError("\n".join(escapes))
    if clashes:
        raise BatchError("两封信对应同一个输出文件，未开始排版：\n" + "\n".join(clashes))
    if folders:
        raise BatchError("输出文件与输出文件夹同名，未开始排版：\n" + "\n".join(folders))
    if report is not None:
        target = report.resolve()
        if target.is_dir():
            raise BatchError(f"{option('report', report)}: 是文件夹；请给出报告的文件名")
        if target.is_relative_to(root):
            rel = target.relative_to(root).as_posix().casefold()
            if rel in owners or rel in (MANIFEST_NAME, LOCK_NAME):
                raise BatchError(f"{option('report', report)}: 会覆盖输出文件；请换一个报告文件名")


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
    removed: list[str] = field(default_factory=list)  # earlier outputs removed (failed letter)
    key: str = ""
    deps: dict[str, str] = field(default_factory=dict)  # file → sha256, for --changed
    digests: dict[str, str] = field(default_factory=dict)  # output → sha256, for --changed

    def report(self) -> dict[str, Any]:
        d = asdict(self)
        for private in ("key", "deps", "digests"):
            d.pop(private)
        if not self.removed:
            d.pop("removed")
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
    removed: list[dict[str, Any]] = field(default_factory=list)  # letters gone since last run

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
            "removed": self.removed,
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
            h.update(b"yaml\0" + limits.read_bounded(item.path, limits.MAX_YAML_BYTES))
        except GongwenError:
            return ""
    return h.hexdigest()


def _deps_unchanged(deps: dict[str, str]) -> bool:
    for file, digest in deps.items():
        try:
            if _sha256(limits.read_bounded(file, limits.MAX_INPUT_BYTES)) != digest:
                return False
        except GongwenError:
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
    timeout: float | None = None
    options: tuple[tuple[str, object], ...] = ()  # exporter options (``--pdfa``)


RenderFn = Callable[..., Any]


def render_item(task: _Task, render: RenderFn | None = None) -> LetterResult:
    """Load (if needed), render and write one letter; every error becomes a failed result."""
    from .pipeline import render_letter

    render = render or render_letter
    item = task.item
    started = time.perf_counter()
    result = LetterResult(item.name, item.source, FAILED, key=task.key)
    try:
        budget = limits.budget("排版", seconds=task.timeout) if task.timeout else (
            contextlib.nullcontext())
        with budget:
            _render_and_write(task, render, result)
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


def _render_and_write(task: _Task, render: RenderFn, result: LetterResult) -> None:
    item = task.item
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
        **({"options": dict(task.options)} if task.options else {}),
    )
    files = dict(rendered.files(item.name))
    # all formats at once, or none; a stop (SIGTERM, the time limit) waits for the renames
    write_files(task.out_dir, files)
    result.outputs = list(files)
    result.digests = {rel: _sha256(data) for rel, data in files.items()}
    result.pages = rendered.pages  # from the layout
    result.warnings = [
        w if isinstance(w, Problem) else Problem(item.source, 0, 0, "", str(w))
        for w in rendered.warnings
    ]
    seal = letter.signature.seal.image
    if seal:
        file = ((item.base_dir or Path.cwd()) / seal).resolve()
        with contextlib.suppress(GongwenError):
            data = limits.read_bounded(file, limits.MAX_INPUT_BYTES)
            result.deps[str(file)] = _sha256(data)


class _Stop(BaseException):
    """SIGTERM in a worker: unwind (removing the temporary file), then exit."""


_WORKER: dict[str, Any] = {"busy": False, "render": None, "warm": set()}

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
    """Pool initializer: signals, and the font set and exporters loaded once per worker
    (nothing to load when the worker was forked from a parent that :func:`warm` warmed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _stop_with_parent()
    _WORKER["render"] = render
    if render is None:  # the real pipeline
        warm(fonts, strict)


def warm(fonts: str = "auto", strict: bool = False,
         formats: Sequence[str] = ("pdf", "docx")) -> None:
    """Make this process ready to render: the pipeline and exporters imported, the font set
    loaded and a small letter using every font role rendered once (fonts read, per-process
    caches filled). Once per process and font mode; errors surface per letter."""
    key = (fonts, strict)
    if key in _WORKER["warm"]:
        return
    _WORKER["warm"].add(key)
    for module in ("gongwen.pipeline", *(f"gongwen.export.{f}" for f in formats)):
        with contextlib.suppress(Exception):
            __import__(module)
    with contextlib.suppress(Exception):
        from .fonts import load_fontset

        load_fontset(fonts, strict=strict)  # type: ignore[arg-type]
    with contextlib.suppress(Exception):
        from .pipeline import render_letter

        render_letter(Letter.model_validate(_WARM_UP), formats, fonts=fonts,
                      strict_fonts=strict)


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
    """Remove temporary files left by an interrupted write (``kill -9``); returns them.
    Linked folders are not entered."""
    found = [
        (Path(dirpath) / f).relative_to(out_dir).as_posix()
        for dirpath, _dirs, files in os.walk(out_dir)
        for f in files
        if _TEMP_RE.match(f)
    ]
    return [out_dir / rel for rel in remove_files(out_dir, found)]


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
    with limits.deferred(signal.SIGINT, signal.SIGTERM):
        write_atomic(out_dir / MANIFEST_NAME, text.encode("utf-8"))


def _unchanged(entry: dict[str, Any] | None, key: str, outputs: list[str], out_dir: Path) -> bool:
    """Whether a letter's key, files and outputs are as the manifest recorded them; the
    outputs are compared by content (an emptied or replaced output is rendered again)."""
    if not entry or not key or entry.get("key") != key:
        return False
    if sorted(entry.get("outputs", [])) != sorted(outputs):
        return False
    digests = entry.get("digests")
    if not isinstance(digests, dict) or sorted(digests) != sorted(outputs):
        return False
    for rel in outputs:
        data = read_output(out_dir, rel)
        if data is None or _sha256(data) != digests[rel]:
            return False
    return _deps_unchanged(entry.get("deps", {}))


def _gone(entry: dict[str, Any], tables: set[str]) -> bool:
    """Whether a manifest entry's letter no longer exists: its YAML file is gone, or its
    table is gone or is part of this batch (which did not produce the row again)."""
    if entry.get("path"):
        return not Path(entry["path"]).exists()
    if entry.get("table"):
        return entry["table"] in tables or not Path(entry["table"]).exists()
    return False


def _outputs_of(name: str, entry: dict[str, Any] | None) -> list[str]:
    """A letter's outputs in OUT: every format's, and those an earlier run recorded (pages
    written one file each included)."""
    from .export import formats

    outs = [f"{name}.{f}" for f in formats()] + list((entry or {}).get("outputs", []))
    return list(dict.fromkeys(o for o in outs if isinstance(o, str)))


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
    timeout: float | None = limits.LETTER_SECONDS,
    options: Mapping[str, object] | None = None,
) -> BatchResult:
    """Render letters in ``jobs`` worker processes into ``out_dir``, mirroring their folders.

    ``paths`` are folders, globs or files (see :func:`collect`); ``items`` adds prepared
    items (a mail merge). ``render`` replaces :func:`gongwen.pipeline.render_letter` (it must
    be picklable for non-fork start methods). ``timeout`` bounds each letter (seconds; None
    for no bound). ``options`` go to the exporters (``{"pdf_standard": "PDF/A-2b"}``).
    Raises :class:`BatchError` before rendering anything when the batch cannot start;
    otherwise every letter gets a result, and Ctrl-C or SIGTERM stops the workers and
    returns what finished (``interrupted``).
    """
    from .pipeline import parse_formats

    fmts = parse_formats(formats)
    out = Path(out_dir)
    todo_items = collect(paths, out) + list(items or [])
    if not todo_items:
        raise BatchError("gongwen batch: 没有要排版的信件")
    check_outputs(todo_items, fmts, out, Path(report) if report is not None else None)
    if report is not None:
        _check_writable(Path(report))
    jobs = max(1, jobs or default_jobs())
    env = json.dumps(
        {
            "gongwen": gongwen_version(),
            "code": code_digest(),
            "fonts": fonts_identity(fonts, strict_fonts),
            "options": {"formats": sorted(fmts), "fonts": fonts, "strict": strict_fonts,
                        "export": dict(sorted((options or {}).items()))},
        },
        sort_keys=True,
    )
    started = time.perf_counter()
    with _locked(out), _held(out):
        clean_temp_files(out)
        manifest = _load_manifest(out)
        removed = _remove_gone(out, manifest, todo_items)
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
                    key=key, deps=entry.get("deps", {}), digests=entry.get("digests", {}),
                )
            else:
                tasks.append(_Task(item, fmts, fonts, strict_fonts, out, key, timeout,
                                   tuple(sorted((options or {}).items()))))
        origins = {i.name: _origin(i) for i in todo_items}

        def record(result: LetterResult) -> None:
            results[result.name] = result
            if result.status == RENDERED and result.key:
                manifest[result.name] = {
                    "key": result.key, "source": result.source, "outputs": result.outputs,
                    "pages": result.pages, "deps": result.deps,
                    "warnings": [w.to_json() for w in result.warnings],
                    "digests": result.digests, **origins.get(result.name, {}),
                }
            elif result.status == FAILED:
                # no output of a failed letter stays in OUT: not last week's, not a half one
                entry = manifest.pop(result.name, None)
                result.removed = remove_files(out, _outputs_of(result.name, entry))
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
                    timeout,
                )
        finally:
            if progress is not None:
                progress.stop()
            _save_manifest(out, manifest)
        ordered = [
            results.get(i.name) or LetterResult(i.name, i.source, CANCELLED) for i in todo_items
        ]
    batch = BatchResult(
        ordered, out, fmts, jobs, changed, time.perf_counter() - started, interrupted, removed
    )
    if report is not None:
        text = json.dumps(batch.report(), ensure_ascii=False, indent=2) + "\n"
        with limits.deferred(signal.SIGINT, signal.SIGTERM):
            write_atomic(Path(report), text.encode("utf-8"))
    return batch


@contextlib.contextmanager
def _held(out: Path):
    """Hold a descriptor of OUT while the batch runs (workers fork with it)."""
    try:
        hold_root(out)
    except OutputError as exc:
        raise BatchError(str(exc)) from None
    try:
        yield
    finally:
        release_root(out)


def _check_writable(report: Path) -> None:
    """Refuse a report that could not be written, before any letter is rendered."""
    folder = report.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".gongwen-report-", dir=folder)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        why = os_error_reason(exc)
        raise BatchError(f"{option('report', report)}: 无法写入（{why}）") from None


def _origin(item: BatchItem) -> dict[str, str]:
    """Where a letter comes from, for finding letters that are gone in a later run."""
    if item.path is not None:
        return {"path": str(item.path.resolve())}
    if item.table is not None:
        return {"table": str(item.table)}
    return {}


def _remove_gone(
    out: Path, manifest: dict[str, dict[str, Any]], todo: Sequence[BatchItem]
) -> list[dict[str, Any]]:
    """Remove the outputs and manifest entries of letters whose YAML file (or table row) is
    gone since an earlier run; returns what was removed, for the report."""
    names = {i.name for i in todo}
    tables = {str(i.table) for i in todo if i.table is not None}
    removed = []
    for name in sorted(manifest):
        entry = manifest[name]
        if name in names or not isinstance(entry, dict) or not _gone(entry, tables):
            continue
        files = remove_files(out, _outputs_of(name, entry))
        del manifest[name]
        removed.append({"name": name, "source": str(entry.get("source", "")), "outputs": files})
    return removed


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
    timeout: float | None = None,
) -> bool:
    """Run ``tasks``; returns True if interrupted. Letters whose worker died are retried
    one at a time in a fresh worker, so a letter that kills its worker fails alone.

    A worker stops a letter at ``timeout`` itself; should a worker not come back long after
    that (stuck outside Python), the workers are killed and their letters retried alone,
    where the stuck one fails."""
    if not tasks:
        return False
    retry: list[_Task] = []
    fonts, strict, render = initargs
    if render is None and ctx.get_start_method() == "fork":
        warm(fonts, strict, tasks[0].formats)  # once here: the workers start warm
    pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs)
    last_save = time.monotonic()
    pending: dict[Future, _Task] = {}
    running: dict[Future, float] = {}
    overdue = 2 * timeout + STUCK_GRACE_S if timeout else None
    try:
        for t in tasks:
            pending[pool.submit(_work, t)] = t
        while pending:
            done, _ = wait(pending, timeout=1.0, return_when=FIRST_COMPLETED)
            for fut in done:
                task = pending.pop(fut)
                running.pop(fut, None)
                try:
                    record(fut.result())
                except BrokenProcessPool:
                    retry.append(task)
                except Exception as exc:  # a result that did not come back whole
                    record(_failed(task, f"排版进程出错：{limits.error_text(exc)}"))
            now = time.monotonic()
            for fut in pending:
                if fut.running():
                    running.setdefault(fut, now)
            if overdue and any(now - t0 > overdue for t0 in running.values()):
                _kill_workers(pool)  # their letters come back as BrokenProcessPool: retried
            if now - last_save > SAVE_EVERY_S:
                save()
                last_save = time.monotonic()
        pool.shutdown(wait=True)
        for task in retry:
            solo = ProcessPoolExecutor(
                1, mp_context=ctx, initializer=_init_worker, initargs=initargs
            )
            pool = solo
            try:
                record(solo.submit(_work, task).result(timeout=overdue))
            except BrokenProcessPool:
                record(_failed(task, "排版进程意外退出"))
            except FutureTimeout:
                _kill_workers(solo)
                assert timeout is not None
                record(_failed(task, f"排版超出时间上限（{timeout:g} 秒），排版进程已停止"))
            solo.shutdown(wait=True)
        return False
    except KeyboardInterrupt:
        _stop_pool(pool)
        for fut in list(pending):
            # letters that finished as the interrupt arrived still count as finished
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                record(fut.result())
        return True


def _failed(task: _Task, message: str) -> LetterResult:
    return LetterResult(task.item.name, task.item.source, FAILED, key=task.key,
                        problems=[Problem(task.item.source, 0, 0, "", message)])


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            proc.kill()


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
