"""Letter templates (jinja2 skeletons of letter YAML) and mail merge from CSV/XLSX tables.

A template is ``<kind>.yaml.j2`` in a templates folder: the built-in ``templates/`` beside the
package, folders given by ``--templates DIR`` and the ``GONGWEN_TEMPLATES`` variable (folders
separated by ``os.pathsep``). A kind found in an office's folder overrides the built-in one
of the same name; ``{% extends "builtin/proposal.yaml.j2" %}`` still reaches the built-in.

Safety:

* Templates run in jinja2's :class:`~jinja2.sandbox.SandboxedEnvironment` with strict
  undefined variables: a missing variable is an error naming it and the template line,
  never an empty gap. ``''.__class__`` and the like are refused.
* Every ``{{ … }}`` in a template must go through ``yaml_str`` (a double-quoted YAML scalar
  with everything escaped) or ``yaml_comment``; anything else is refused, so a value that
  holds ``: ``, quotes, ``#``, newlines or ``{{`` comes through literally and cannot change
  the letter's structure. Fragments a template builds itself (``super()``, macros) are
  passed with ``| trusted``.
* The result is loaded with the ordinary loader (:func:`gongwen.loader.load_letter_text`),
  so it is validated like any letter file.
* Work is bounded: ``range`` gives at most 10 000 items, repetition and powers are capped,
  the output is at most 2 MiB, and filling a template (or a letter's ``{{ 变量 }}``) runs
  under a budget of 5 seconds and 256 MiB (:func:`gongwen.limits.budget`), so nested loops,
  runaway string growth or recursion end in a message naming the limit. Template and table
  files are read with a size bound (:func:`gongwen.limits.read_bounded`).

A template's header comment ``{# … #}`` documents it; lines of the form
``  name  必填|可选  中文名：说明`` declare its variables (shown by ``gongwen new KIND
--list-vars``). A table's column may be named by the variable or by its 中文名.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    meta,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment

from . import bundled, limits
from .errors import GongwenError, LetterError, Problem, option
from .grammar import parse_date
from .loader import MAX_FILE_BYTES, load_letter_text
from .model import Letter
from .schemas import letter_schema_reference

__all__ = [
    "BUILTIN_DIR",
    "ENV_VAR",
    "SUFFIX",
    "ExpansionError",
    "TemplateInfo",
    "VariableDoc",
    "describe",
    "expand_text",
    "find_template",
    "letters_from_table",
    "list_templates",
    "read_table",
    "render_template",
    "template_dirs",
    "template_variables",
    "yaml_str",
]

BUILTIN_DIR = bundled.folder("templates")
ENV_VAR = "GONGWEN_TEMPLATES"
SUFFIX = ".yaml.j2"
DEFAULT_SCHEMA = "letter.schema.json"  # mail-merge letters are not written as YAML

MAX_RANGE = 10_000
MAX_OUTPUT = MAX_FILE_BYTES
MAX_TABLE_ROWS = 100_000


# --------------------------------------------------------------------------------------------
# Filters: values into YAML


class ExpansionError(GongwenError):
    """A letter's ``{{ 变量 }}`` that could not be filled: the field (``where``) and why."""

    def __init__(self, where: str, message: str):
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


class YamlText(str):
    """Text that is safe to place in the letter YAML as it stands (made by a filter)."""

    __slots__ = ()


_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\t": "\\t",
    "\r": "\\r",
    "\x85": "\\N",
    "\u2028": "\\L",
    "\u2029": "\\P",
    "\ufeff": "\\uFEFF",
}


def _plain(value: Any) -> str:
    """A variable's value as text: dates in ISO form, whole floats without ``.0``."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"需要文字，收到 {type(value).__name__}（expected text）")


def yaml_str(value: Any) -> YamlText:
    """A double-quoted YAML scalar that reads back as exactly ``value``."""
    out = []
    for ch in _plain(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0:
            out.append(f"\\x{ord(ch):02X}")
        elif 0xD800 <= ord(ch) <= 0xDFFF or ch in "\ufffe\uffff":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return YamlText('"' + "".join(out) + '"')


def yaml_comment(value: Any) -> YamlText:
    """Text for the rest of a ``#`` comment line: line breaks become spaces."""
    return YamlText(" ".join(_plain(value).splitlines()))


def trusted(value: Any) -> YamlText:
    """A YAML fragment the template built itself (``super()``, a macro): passed unchanged."""
    return YamlText(_plain(value))


_SEPARATORS = re.compile(r"[；;]")


def items(value: Any) -> list[str]:
    """A list variable: a list as given, or text split at line breaks (or, with none, at ；/;)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if isinstance(value, (list, tuple)):
        parts = [_plain(v) for v in value]
    else:
        text = _plain(value)
        parts = text.splitlines() if "\n" in text or "\r" in text else _SEPARATORS.split(text)
    return [p.strip() for p in parts if p.strip()]


def _split_pair(item: str) -> tuple[str, str] | None:
    for colon in ("：", ":"):
        if colon in item:
            head, _, tail = item.partition(colon)
            return head.strip(), tail.strip()
    return None


def pairs(value: Any) -> list[dict[str, str]]:
    """Contacts ``承办人：杨洋；联系电话：28686334`` → ``[{label, value}, …]``."""
    out = []
    for item in items(value):
        pair = _split_pair(item)
        if pair is None or not pair[0] or not pair[1]:
            raise ValueError(f"每项应写作“名称：内容”，如 联系电话：0731-28686334；收到 {item!r}")
        out.append({"label": pair[0], "value": pair[1]})
    return out


def sections(value: Any) -> list[dict[str, str | None]]:
    """Sections ``标题：正文`` (or a bare ``标题``) → ``[{heading, text}, …]``."""
    out: list[dict[str, str | None]] = []
    for item in items(value):
        pair = _split_pair(item)
        if pair is None or not pair[0]:
            out.append({"heading": item, "text": None})
        else:
            out.append({"heading": pair[0], "text": pair[1] or None})
    return out


def iso_date(value: Any) -> str:
    """2022年9月29日, 2022/9/29, 2022.9.29, 二〇二二年九月二十九日 or a spreadsheet date →
    2022-09-29 (dates as :func:`gongwen.grammar.parse_date` reads them).

    Anything else (also a day the calendar lacks) is returned unchanged, for the letter
    model to report.
    """
    text = _plain(value)
    written = parse_date(text)
    if written is not None and written.date is not None:
        return written.date.isoformat()
    return text


def required(value: Any, name: str) -> Any:
    """``value``, or the error of a missing variable ``name`` when it is empty (a title of
    only spaces or 《》 would print as “您提出的《》提案”)."""
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    if not _plain(value).strip():
        raise UndefinedError(f"'{name}' is undefined")
    return value


FILTERS = {
    "required": required,
    "yaml_str": yaml_str,
    "yaml_comment": yaml_comment,
    "trusted": trusted,
    "items": items,
    "pairs": pairs,
    "sections": sections,
    "iso_date": iso_date,
}


# --------------------------------------------------------------------------------------------
# The sandbox


class _Sandbox(SandboxedEnvironment):
    """jinja2's sandbox with bounded ranges, repetition and powers."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and (
            not isinstance(right, int | float) or abs(right) > 64 or abs(left) > 10**9
        ):
            raise SecurityError("幂运算的数值过大 (power too large)")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(n, int)
                    and len(seq) * n > MAX_OUTPUT
                ):
                    raise SecurityError("重复的结果过长 (repetition too large)")
        return super().call_binop(context, operator, left, right)


def _safe_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range 过大（上限 {MAX_RANGE} 项）")
    return rng


def _require_yaml(value: Any) -> Any:
    """``finalize``: only filter-made YAML text may be placed in a template's output."""
    if isinstance(value, YamlText):
        return value
    raise _UnsafeOutput(
        "插入 YAML 的值须经过 yaml_str 过滤器，如 {{ proposal_title | yaml_str }}"
        "（注释行用 yaml_comment；模板自身的片段用 trusted）"
    )


class _UnsafeOutput(TemplateError):
    pass


def _configure(env: SandboxedEnvironment) -> SandboxedEnvironment:
    env.globals["range"] = _safe_range
    env.filters.update(FILTERS)
    return env


class _BoundedLoader(FileSystemLoader):
    """jinja2's file loader, reading a template only if it is a regular file of at most
    :data:`gongwen.limits.MAX_TEMPLATE_BYTES` (never a device or a pipe)."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        from jinja2.loaders import split_template_path

        pieces = split_template_path(template)
        for folder in self.searchpath:
            path = Path(folder, *pieces)
            if path.is_file() or (path.exists() and not path.is_dir()):
                text = _read_template(path)
                mtime = path.stat().st_mtime
                return text, str(path), lambda p=path, m=mtime: p.stat().st_mtime == m
        raise TemplateNotFound(template)


def _read_template(path: Path) -> str:
    try:
        data = limits.read_bounded(path, limits.MAX_TEMPLATE_BYTES, what="模板文件")
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise GongwenError(f"{path}: 模板文件不是 UTF-8 编码") from None


def _template_env(dirs: Sequence[Path]) -> SandboxedEnvironment:
    loader = ChoiceLoader(
        [
            _BoundedLoader([str(d) for d in dirs]),
            PrefixLoader({"builtin": _BoundedLoader(str(BUILTIN_DIR))}),
        ]
    )
    env = _Sandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_require_yaml,
    )
    return _configure(env)


_TEXT_ENV: SandboxedEnvironment | None = None


def _text_env() -> SandboxedEnvironment:
    global _TEXT_ENV
    if _TEXT_ENV is None:
        _TEXT_ENV = _configure(
            _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)
        )
    return _TEXT_ENV


# --------------------------------------------------------------------------------------------
# Errors from inside a template


@dataclass(frozen=True)
class _Failure:
    """What went wrong while rendering: the variable (if one was missing) and where."""

    message: str
    variable: str | None = None
    template: str | None = None
    line: int | None = None
    security: bool = False

    def where(self) -> str:
        if self.template and self.line:
            return f"{self.template} 第{self.line}行"
        if self.line:
            return f"第{self.line}行"
        return self.template or ""


_UNDEFINED_RE = re.compile(r"^'([^']+)' is undefined$")
_NO_ATTR_RE = re.compile(r"has no attribute '([^']+)'$")


def _display(filename: str) -> str:
    """A template's name in messages: ``templates/…`` for a built-in one, else as given."""
    try:
        inside = Path(filename).resolve().relative_to(BUILTIN_DIR)
    except (ValueError, OSError):
        return filename
    return (Path("templates") / inside).as_posix()


def _failure(exc: BaseException) -> _Failure:
    """Turn a jinja2 error into a :class:`_Failure` naming the variable and template line."""
    if isinstance(exc, TemplateSyntaxError):
        name = _display(exc.filename or exc.name or "<template>")
        return _Failure(f"模板语法错误：{exc.message}", template=name, line=exc.lineno)
    template = line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if not frame.filename.endswith(".py"):
            template, line = _display(frame.filename), frame.lineno
    if template == "<template>":
        template = None
    text = str(exc)
    if isinstance(exc, RecursionError):
        return _Failure("模板递归过深（宏或 include 调用了自身）", template=template, line=line,
                        security=True)
    if isinstance(exc, MemoryError):
        return _Failure(_MEMORY_MESSAGE, template=template, line=line, security=True)
    if isinstance(exc, limits.LimitError):
        return _Failure(text, template=template, line=line, security=True)
    if isinstance(exc, SecurityError) or "is unsafe" in text:
        return _Failure(
            f"模板中不安全的操作已被拒绝：{text}", template=template, line=line, security=True
        )
    if isinstance(exc, UndefinedError):
        m = _UNDEFINED_RE.match(text)
        if m:
            return _Failure(f"缺少变量 {m.group(1)}", m.group(1), template, line)
        m = _NO_ATTR_RE.search(text)
        if m:
            return _Failure(f"没有 {m.group(1)} 这一项：{text}", m.group(1), template, line)
        return _Failure(f"未定义：{text}", None, template, line)
    if isinstance(exc, _UnsafeOutput):
        return _Failure(text, template=template, line=line)
    return _Failure(text or type(exc).__name__, template=template, line=line)


_MEMORY_MESSAGE = f"模板展开超出内存上限（{limits.TEMPLATE_MEMORY // limits.MiB} MiB）"


def template_budget() -> Any:
    """The budget one template expansion (or one letter's ``{{ 变量 }}``) runs under."""
    return limits.budget(
        "模板展开", seconds=limits.TEMPLATE_SECONDS, memory=limits.TEMPLATE_MEMORY
    )


def _render_bounded(template: Any, context: Mapping[str, Any]) -> str:
    """:func:`_render` under :func:`template_budget`."""
    with template_budget():
        return _render(template, context)


def _render(template: Any, context: Mapping[str, Any]) -> str:
    """Render with an output cap; jinja2 errors propagate."""
    out: list[str] = []
    size = 0
    for chunk in template.generate(context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise SecurityError(f"模板输出过长（上限 {MAX_OUTPUT} 字符）")
        out.append(chunk)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Letter text: {{ variables }} inside a letter that opts in


def expand_text(text: str, variables: Mapping[str, str], where: str) -> str:
    """Fill ``{{ name }}`` in a letter's text from its ``variables`` (sandboxed, strict).

    Errors become :class:`GongwenError` naming the field path ``where``. The caller runs it
    under :func:`template_budget` (compose does, once for a whole letter).
    """
    if "{" not in text:
        return text
    try:
        return _render(_text_env().from_string(text), dict(variables))
    except (TemplateError, ArithmeticError, TypeError, ValueError, OverflowError, RecursionError,
            MemoryError, limits.LimitError) as exc:
        f = _failure(exc)
        if f.variable and not f.security:
            message = f"变量 {f.variable} 未定义；请在 variables 中给出"
        else:
            message = f.message
        line = f"（第{f.line}行）" if f.line and "\n" in text else ""
        raise ExpansionError(where, f"变量展开失败{line}：{message}") from None


# --------------------------------------------------------------------------------------------
# Finding templates and their documentation


def template_dirs(extra: Sequence[Path] = ()) -> list[Path]:
    """Search order: ``extra`` folders, then ``$GONGWEN_TEMPLATES``, then the built-in one."""
    dirs: list[Path] = []
    for d in extra:
        d = Path(d)
        if not d.is_dir():
            raise GongwenError(f"{d}: 模板目录不存在（{option('templates')}）")
        dirs.append(d)
    for part in os.environ.get(ENV_VAR, "").split(os.pathsep):
        if part.strip():
            d = Path(part.strip())
            if not d.is_dir():
                raise GongwenError(f"{d}: 模板目录不存在（环境变量 {ENV_VAR}）")
            dirs.append(d)
    dirs.append(BUILTIN_DIR)
    return dirs


@dataclass(frozen=True)
class VariableDoc:
    name: str
    required: bool
    label: str | None
    help: str


@dataclass(frozen=True)
class TemplateInfo:
    kind: str
    path: Path
    doc: str
    variables: tuple[VariableDoc, ...] = field(default_factory=tuple)

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.kind


_HEADER_RE = re.compile(r"\A\s*\{#-?(.*?)-?#\}", re.S)
_VAR_RE = re.compile(r"^\s+([^\W\d]\w*)\s+(必填|可选)\s+(.+?)\s*$")


def _parse_doc(source: str) -> tuple[str, tuple[VariableDoc, ...]]:
    m = _HEADER_RE.match(source)
    if not m:
        return "", ()
    lines = m.group(1).strip("\n").splitlines()
    indent = min((len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()), default=0)
    doc = "\n".join(ln[indent:] for ln in lines).strip()
    variables = []
    for ln in doc.splitlines():
        v = _VAR_RE.match(ln)
        if v:
            name, req, text = v.groups()
            label, sep, _ = text.partition("：")
            short = label.strip() if sep and len(label) <= 12 else None
            variables.append(VariableDoc(name, req == "必填", short, text))
    return doc, tuple(variables)


def list_templates(extra_dirs: Sequence[Path] = ()) -> dict[str, TemplateInfo]:
    """Every kind found, the first folder in search order winning."""
    found: dict[str, TemplateInfo] = {}
    for d in template_dirs(extra_dirs):
        for path in sorted(d.glob(f"*{SUFFIX}")):
            kind = path.name[: -len(SUFFIX)]
            if kind.startswith("_") or kind in found:
                continue
            source = _read_template(path)
            doc, variables = _parse_doc(source)
            names = {v.name for v in variables}
            for parent in _parents(source, d):
                variables += tuple(v for v in parent if v.name not in names)
                names |= {v.name for v in parent}
            found[kind] = TemplateInfo(kind, path, doc, variables)
    return found


_EXTENDS_RE = re.compile(r"\{%-?\s*extends\s+[\"']([^\"']+)[\"']")


def _parents(source: str, folder: Path, depth: int = 0) -> Iterator[tuple[VariableDoc, ...]]:
    """Variable docs of the templates ``source`` extends (for ``--list-vars``)."""
    m = _EXTENDS_RE.search(source)
    if not m or depth > 5:
        return
    name = m.group(1)
    path = BUILTIN_DIR / name[len("builtin/"):] if name.startswith("builtin/") else folder / name
    if not path.is_file():
        path = BUILTIN_DIR / name
    try:
        parent = _read_template(path)
    except GongwenError:
        return
    yield _parse_doc(parent)[1]
    yield from _parents(parent, path.parent, depth + 1)


def describe(info: TemplateInfo) -> str:
    """A template's documentation with the variables of the templates it extends."""
    own = {v.name for v in _parse_doc(_read_template(info.path))[1]}
    inherited = [v for v in info.variables if v.name not in own]
    text = info.doc
    if inherited:
        width = max(len(v.name) for v in inherited)
        lines = [f"  {v.name.ljust(width)}  {'必填' if v.required else '可选'}  {v.help}"
                 for v in inherited]
        text += "\n\n共同变量：\n" + "\n".join(lines)
    return text


def find_template(kind: str, extra_dirs: Sequence[Path] = ()) -> TemplateInfo:
    """The template of ``kind``, or an error listing the kinds there are."""
    kinds = list_templates(extra_dirs)
    if kind in kinds:
        return kinds[kind]
    hint = difflib.get_close_matches(kind, list(kinds), n=1)
    also = f"（是不是 {hint[0]}？）" if hint else ""
    listed = "、".join(sorted(kinds)) or "（无）"
    raise GongwenError(f"{kind}: 没有这种模板{also}；可用的模板：{listed}")


def _compile(info: TemplateInfo, extra_dirs: Sequence[Path]) -> Any:
    env = _template_env(template_dirs(extra_dirs))
    try:
        return env.get_template(info.path.name)
    except TemplateSyntaxError as exc:
        f = _failure(exc)
        problem = Problem(f.template or str(info.path), f.line or 0, 0, "", f.message)
        raise LetterError([problem]) from None
    except TemplateNotFound as exc:
        raise GongwenError(f"{info.path}: 引用的模板不存在：{exc.name}") from None


def template_variables(kind: str, extra_dirs: Sequence[Path] = ()) -> set[str]:
    """Names a template (with the templates it extends or includes) declares or uses."""
    info = find_template(kind, extra_dirs)
    env = _template_env(template_dirs(extra_dirs))
    names = {v.name for v in info.variables} | {"schema", "today"}
    seen: set[str] = set()
    todo = [info.path.name]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
            ast = env.parse(source)
        except (TemplateError, OSError):
            continue
        names |= meta.find_undeclared_variables(ast)
        names |= {n for d in _parse_doc(source)[1] for n in [d.name]}
        todo.extend(t for t in meta.find_referenced_templates(ast) if t)
    return names


def _context(variables: Mapping[str, Any], schema: str) -> dict[str, Any]:
    context: dict[str, Any] = {"today": dt.date.today().isoformat(), "schema": schema}
    context.update(variables)
    return context


def render_template(
    kind: str,
    variables: Mapping[str, Any],
    template_dirs: Sequence[Path] = (),
    *,
    dest: Path | None = None,
) -> tuple[str, Letter]:
    """Fill template ``kind`` and validate the result: the letter YAML text and its Letter.

    Errors (a missing variable, an unsafe expression, a value the letter model refuses) are
    :class:`LetterError`\\ s naming the variable and the template line.
    """
    info = find_template(kind, template_dirs)
    template = _compile(info, template_dirs)
    try:
        text = _render_bounded(template, _context(variables, letter_schema_reference(dest)[0]))
    except Exception as exc:  # any error in a template is the user's
        f = _failure(exc)
        hint = ""
        if f.variable and not f.security:
            doc = next((v for v in info.variables if v.name == f.variable), None)
            label = f"（{doc.label}）" if doc and doc.label else ""
            hint = (
                f"{label}：用 {option('variables', f.variable + '=…')} 给出；"
                f"{option('list_vars', kind)} 列出全部变量"
            )
        file = f.template or _display(str(info.path))
        problem = Problem(file, f.line or 0, 0, f.variable or "", f.message + hint)
        raise LetterError([problem]) from None
    name = f"gongwen new {kind}"  # the generated letter has no file: name the command
    try:
        letter = load_letter_text(text, name)
    except LetterError as exc:
        raise LetterError(_blame(exc.problems, text, variables, name, "变量")) from None
    return text, letter


def _blame(
    problems: list[Problem], text: str, values: Mapping[str, Any], name: str, what: str
) -> list[Problem]:
    """Problems in generated text, relabelled ``name`` and pointed at the values they hold."""
    lines = text.splitlines()
    out = []
    for p in problems:
        line = lines[p.line - 1] if 0 < p.line <= len(lines) else ""
        found: dict[str, str] = {}
        for key, value in values.items():
            try:
                literal = yaml_str(value)[1:-1]
            except (TypeError, UndefinedError):
                continue
            if literal and literal in line:
                found[key] = literal
        # the value the line holds, when a variable gave exactly that, is the culprit
        scalar = re.sub(r"^\s*(?:-\s+)?(?:[\w.]+:\s+)?", "", line).strip().strip("'\"")
        exact = {k: v for k, v in found.items() if v == scalar}
        found = exact or found
        # a value inside another found value (序号 "2" in "2024-13-01") is not the culprit
        used = [k for k, v in found.items()
                if not any(v in w and v != w for o, w in found.items() if o != k)]
        source = f"（来自{what} {'、'.join(used)}）" if used else ""
        out.append(Problem(name, 0, 0, p.field, p.message + source))
    return out


# --------------------------------------------------------------------------------------------
# Mail merge


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = _plain(value).strip()
    return text or None


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str], int]]]:
    """A CSV or XLSX table: its header, then ``(row number, {column: text}, extra cells)``.

    Row numbers count the header as row 1, as a spreadsheet shows them. Empty cells are
    left out (a template's default applies, or the variable is reported missing); rows with
    no text at all are skipped. CSV may be UTF-8 (with or without BOM) or GB18030. A table
    is at most 32 MiB, 100 000 rows and 500 columns.
    """
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        message = f"不支持的表格格式 {suffix or '(无后缀)'}；请用 .csv 或 .xlsx"
        raise LetterError([Problem(file, 0, 0, "", message)])
    try:
        raw = limits.read_bounded(path, limits.MAX_TABLE_BYTES, what="表格文件")
    except limits.InputError as exc:
        raise LetterError([Problem(file, 0, 0, "", exc.reason)]) from None
    if suffix == ".csv":
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                raise LetterError(
                    [Problem(file, 0, 0, "", "CSV 不是 UTF-8 或 GB18030 编码")]
                ) from None
        del raw
        rows: Iterator[Sequence[Any]] = csv.reader(io.StringIO(text, newline=""))
    else:
        rows = iter(_xlsx_rows(raw, file))
    try:
        return _table(rows, file)
    except csv.Error as exc:
        raise LetterError([Problem(file, 0, 0, "", f"CSV 格式错误：{exc}")]) from None


def _table(
    rows: Iterator[Sequence[Any]], file: str
) -> tuple[list[str], list[tuple[int, dict[str, str], int]]]:
    header_row = next(rows, None)
    if header_row is None:
        raise LetterError([Problem(file, 1, 1, "", "表格是空的：第1行应是列名（变量名）")])
    header = [_cell(h) or "" for h in header_row]
    named = [h for h in header if h]
    if not named:
        raise LetterError([Problem(file, 1, 1, "", "第1行应是列名（变量名），现在是空的")])
    dups = sorted({h for h in named if named.count(h) > 1})
    if dups:
        raise LetterError([Problem(file, 1, 0, "", f"列名重复：{'、'.join(dups)}")])
    out = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_TABLE_ROWS:
            message = f"行数过多（上限 {MAX_TABLE_ROWS} 行）"
            raise LetterError([Problem(file, number, 0, "", message)])
        if len(row) > limits.MAX_TABLE_COLUMNS:
            message = f"列数过多（{len(row)} 列，上限 {limits.MAX_TABLE_COLUMNS} 列）"
            raise LetterError([Problem(file, number, 0, "", message)])
        if not any(v is not None and v != "" for v in row):
            continue
        cells = [_cell(v) for v in row]
        if not any(cells):
            continue
        values = {h: c for h, c in zip(header, cells, strict=False) if h and c is not None}
        extra = sum(1 for c in cells[len(header):] if c is not None)
        out.append((number, values, extra))
    return header, out


def _xlsx_rows(data: bytes, file: str) -> list[tuple[Any, ...]]:
    """The first sheet's rows, empty cells at a row's end left out. The package is checked
    first (:func:`gongwen.limits.check_zip`: sizes, no DOCTYPE); the sheet's declared size
    is ignored, so a stray cell at XFD1048576 costs nothing until its row is reached."""
    try:
        import openpyxl
    except ImportError:  # pragma: no cover
        raise GongwenError("读取 .xlsx 需要 openpyxl：pip install openpyxl") from None

    def fail(message: str) -> LetterError:
        return LetterError([Problem(file, 0, 0, "", message)])

    try:
        limits.check_zip(data, file, kind="Excel 文件")
    except limits.InputError as exc:
        raise fail(exc.reason) from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # a broken workbook is the user's
        raise fail(f"无法读取 Excel 文件：{limits.error_text(exc)}") from None
    rows: list[tuple[Any, ...]] = []
    try:
        sheet = wb.worksheets[0]
        sheet.reset_dimensions()  # type: ignore[union-attr]
        for row in sheet.iter_rows(min_row=1, values_only=True):
            if len(rows) > MAX_TABLE_ROWS:
                break  # _table reports the row count
            end = len(row)
            while end and row[end - 1] is None:
                end -= 1
            rows.append(tuple(row[:end]))
    except Exception as exc:  # a broken sheet is the user's
        raise fail(f"无法读取 Excel 文件：{limits.error_text(exc)}") from None
    finally:
        wb.close()
    return rows


def letters_from_table(
    kind: str, data: Path, template_dirs: Sequence[Path] = ()
) -> Iterator[tuple[str, Letter | LetterError]]:
    """Mail merge: one ``(row id, Letter or LetterError)`` per row of a CSV/XLSX table.

    The row id is like ``table.csv:row 7`` (the header is row 1). Columns are named by a
    template variable or its 中文名; empty cells count as not given. A row that fails (a
    missing column, a value the letter refuses) yields a :class:`LetterError` naming the row
    and the column; the other rows go on. Problems with the table or template as a whole
    (unreadable file, unknown kind, template syntax) raise :class:`LetterError` or
    :class:`GongwenError` at once.
    """
    data = Path(data)
    info = find_template(kind, template_dirs)
    template = _compile(info, template_dirs)
    header, rows = read_table(data)
    by_label = {v.label: v.name for v in info.variables if v.label}
    columns = {h: (h if h in {v.name for v in info.variables} else by_label.get(h, h))
               for h in header if h}
    return _merge(info, template, data, rows, columns)


def _merge(
    info: TemplateInfo,
    template: Any,
    data: Path,
    rows: list[tuple[int, dict[str, str], int]],
    columns: dict[str, str],
) -> Iterator[tuple[str, Letter | LetterError]]:
    column_of = {var: col for col, var in columns.items()}
    docs = {v.name: v for v in info.variables}
    for number, cells, extra in rows:
        row_id = f"{data.name}:row {number}"
        if extra:
            yield row_id, LetterError(
                [Problem(row_id, 0, 0, "", f"此行比表头多出 {extra} 格内容；请检查逗号或列名")]
            )
            continue
        values = {columns[c]: v for c, v in cells.items()}
        try:
            text = _render_bounded(template, _context(values, DEFAULT_SCHEMA))
        except Exception as exc:  # a row's failure is reported, not raised
            f = _failure(exc)
            where = f"（模板 {f.where()}）" if f.where() else ""
            if f.variable and not f.security:
                doc = docs.get(f.variable)
                label = f"（{doc.label}）" if doc and doc.label else ""
                column = column_of.get(f.variable, f.variable)
                message = f"缺少列 {column}{label}，或该格为空{where}"
                yield row_id, LetterError([Problem(row_id, 0, 0, column, message)])
            else:
                yield row_id, LetterError([Problem(row_id, 0, 0, "", f.message + where)])
            continue
        try:
            yield row_id, load_letter_text(text, row_id)
        except LetterError as exc:
            named = {column_of.get(k, k): v for k, v in values.items()}
            yield row_id, LetterError(_blame(exc.problems, text, named, row_id, "列"))
