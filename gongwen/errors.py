"""User-facing errors: every problem names its file, line, column and field.

Everything gongwen raises for a user's mistake or environment is a :class:`GongwenError`
(fonts' :class:`~gongwen.fonts.FontError` and batch's ``BatchError`` included); the command
line prints it as Chinese text, without a traceback, and exits 2.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in an input file. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    field: str  # dotted path, e.g. "signature.date" or "body[2].heading"; "" for the file
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}" if self.column else f":{self.line}"
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{spell(self.message)}"

    def to_json(self) -> dict[str, Any]:
        """The problem as a JSON object (``problem`` in gongwen's JSON Schemas)."""
        return {**asdict(self), "message": spell(self.message)}


class GongwenError(Exception):
    """An error caused by the user's input or environment; printed without a traceback.

    A message names the caller's options with :func:`option`; ``str()`` spells them as the
    caller wrote them (keyword arguments, or the command line's flags)."""

    def __str__(self) -> str:
        return spell(super().__str__())


# -- options named in messages --------------------------------------------------------
# Library code names an option by its keyword (``fonts``); the command line shows its flag
# (``--fonts``). A message holds a marker that :func:`spell` turns into one or the other.
_OPTION = re.compile("\ue000([a-z_]+)(?:\ue001([^\ue002]*))?\ue002")
_flags: dict[str, str] | None = None  # keyword → flag once the command line has said so


def option(name: str, value: object = None) -> str:
    """The caller's option ``name`` inside a message: with ``value`` None the option
    itself (``fonts`` / ``--fonts``); ``True`` a switch turned on (``strict=True`` /
    ``--strict``); otherwise the option with that value (``fonts='x'`` / ``--fonts x``)."""
    given = "" if value is None else "\ue001" + ("\ue003" if value is True else str(value))
    return f"\ue000{name}{given}\ue002"


@contextlib.contextmanager
def options_spelled_as_flags(flags: Mapping[str, str]) -> Iterator[None]:
    """Within this block, messages spell options as command-line flags: ``flags`` maps a
    keyword to its flag where it is not ``--`` + the keyword with dashes (``{}`` marks
    where a value goes when it does not simply follow the flag)."""
    global _flags
    saved, _flags = _flags, dict(flags)
    try:
        yield
    finally:
        _flags = saved


def spell(text: str) -> str:
    """``text`` with every :func:`option` marker spelled for the caller."""
    if "\ue000" not in text:
        return text
    return _OPTION.sub(_spelled, text)


def _spelled(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    if _flags is None:
        if value is None:
            return name
        return f"{name}=True" if value == "\ue003" else f"{name}={value!r}"
    flag = _flags.get(name, "--" + name.replace("_", "-"))
    if value in (None, "\ue003"):
        return flag.replace(" {}", "")
    return flag.format(value) if "{}" in flag else f"{flag} {value}"


MAX_PROBLEMS = 100  # problems listed for one file; the rest are counted, not listed


class LetterError(GongwenError):
    """A letter file that cannot be used; lists every problem found, up to
    :data:`MAX_PROBLEMS` (a last line counts the others)."""

    def __init__(self, problems: list[Problem], omitted: int = 0):
        rest = omitted + max(0, len(problems) - MAX_PROBLEMS)
        if rest and problems:
            more = f"……另有 {rest} 处问题未列出（每个文件最多列出 {MAX_PROBLEMS} 处）"
            problems = [*problems[:MAX_PROBLEMS], Problem(problems[0].file, 0, 0, "", more)]
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self) -> tuple[object, ...]:
        # pickled to batch workers as it stands (the list already capped)
        return _restored, (type(self), self.problems)


def _restored(cls: type[LetterError], problems: list[Problem]) -> LetterError:
    error = cls.__new__(cls)
    GongwenError.__init__(error, "\n".join(str(p) for p in problems))
    error.problems = problems
    return error


def did_you_mean(value: str, choices: Iterable[str]) -> str:
    """'（是不是 official？）' when ``value`` is close to one of ``choices``, else ''."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f"（是不是 {close[0]}？）" if close else ""


def unknown_choice(name: str, value: str, choices: Iterable[str]) -> str:
    """The message for a value an option does not take, with the values it does take;
    ``name`` is an :func:`option` marker or a name as the user wrote it."""
    choices = list(choices)
    hint = did_you_mean(value, choices)
    return f"{name}: 没有 {value!r} 这一项；可用：{'、'.join(choices)}{hint}"


_ERRNO_TEXT = {
    "ENOENT": "没有这个文件或目录",
    "EACCES": "没有权限",
    "EPERM": "不允许这样操作",
    "EROFS": "是只读的文件系统",
    "ENOSPC": "磁盘已满",
    "EDQUOT": "超出磁盘配额",
    "EEXIST": "已存在",
    "ENOTDIR": "路径中有一段不是目录",
    "EISDIR": "是目录",
    "ENAMETOOLONG": "文件名太长",
    "ELOOP": "符号链接循环",
    "EBUSY": "正被占用",
    "EXDEV": "不能跨文件系统移动",
    "EINVAL": "文件名或参数无效",
    "EIO": "读写出错（I/O 错误）",
    "EMFILE": "打开的文件太多",
    "EFBIG": "文件超出允许的大小",
    "ETXTBSY": "正被占用",
}


def os_error_reason(exc: OSError) -> str:
    """Why an OSError happened, in Chinese (``没有权限``, ``磁盘已满`` …)."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _ERRNO_TEXT.get(name) or exc.strerror or type(exc).__name__


def os_error_text(exc: OSError) -> str:
    """``PATH: 没有权限`` for an OSError: the file it concerns and the reason in Chinese."""
    target = exc.filename2 if exc.filename2 is not None else exc.filename
    reason = os_error_reason(exc)
    return f"{target}: {reason}" if target is not None else reason
