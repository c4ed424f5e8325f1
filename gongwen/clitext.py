"""The command line's own texts in Chinese: help pages and messages for usage mistakes.

typer (and the click it carries) word their help and errors in English and lay help out in
rich panels that cut option help with "…" at 80 columns and count a Chinese character as one
column. Here the help page is plain text laid out by display width (a Chinese character is
two columns), wrapped at the terminal width (80 columns at most) without cutting, and every
usage mistake (a missing argument, an unknown option or command, a value an option does not
take) becomes one Chinese line naming the command and the option.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import typer.core
from rich.cells import cell_len
from typer import _click as click  # typer carries its own click

from .errors import did_you_mean, unknown_choice

MAX_WIDTH = 80
HELP_TEXT = "显示本帮助并退出"
# characters that may not begin a line, and that may not end one (GB/T 15834 line breaking)
_NO_START = set("，。、；：？！）》」』”’〕】…%,.;:?!)]}")
_NO_END = set("（《「『“‘〔【([{")


def help_width() -> int:
    """The terminal's width, at most 80 columns (``COLUMNS`` is honoured)."""
    return max(40, min(MAX_WIDTH, shutil.get_terminal_size((MAX_WIDTH, 24)).columns))


# --------------------------------------------------------------------------------------------
# Wrapping by display width


def _tokens(text: str) -> list[str]:
    """Unbreakable pieces: a run of narrow non-space characters, or one wide character;
    punctuation that may not start a line joins the piece before it."""
    out: list[str] = []
    for m in re.finditer(r"\s+|[^\s]", text):
        piece = m.group()
        if piece.isspace():
            out.append(" ")
            continue
        prev = out[-1] if out else ""
        narrow = cell_len(piece) == 1
        if prev and prev != " " and (
            piece in _NO_START
            or prev[-1] in _NO_END
            or (narrow and cell_len(prev[-1]) == 1)
        ):
            out[-1] = prev + piece
        else:
            out.append(piece)
    return out


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a longer unbreakable piece stands alone
    on its line); explicit line breaks are kept."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = ""
        for tok in _tokens(raw):
            if tok == " ":
                if line and cell_len(line) + 1 <= width:
                    line += " "
                continue
            if line and cell_len(line + tok) > width:
                lines.append(line.rstrip())
                line = ""
            line += tok
        lines.append(line.rstrip())
    return lines


def _two_columns(rows: Sequence[tuple[str, str]], width: int, indent: int = 2) -> list[str]:
    """Rows of (left, right) with the right text wrapped in its own column."""
    if not rows:
        return []
    left_width = min(max(cell_len(left) for left, _ in rows), 28) + 2
    right_width = max(20, width - indent - left_width)
    out = []
    for left, right in rows:
        pieces = wrap(right, right_width) if right else [""]
        if cell_len(left) + 2 > left_width:
            out.append(" " * indent + left)
            start = 0
        else:
            pad = left_width - cell_len(left)
            out.append(" " * indent + left + " " * pad + pieces[0])
            start = 1
        out.extend(" " * (indent + left_width) + p for p in pieces[start:])
    return [line.rstrip() for line in out]


# --------------------------------------------------------------------------------------------
# Help pages


def _annotation(param: Any) -> Any:
    desc = getattr(param, "type_descriptor", None)
    return getattr(desc, "annotation", None)


def _choices(param: Any) -> list[str]:
    desc = getattr(param, "type_descriptor", None)
    if desc is None or not getattr(desc, "is_choice", False):
        return []
    return [c.value if isinstance(c, Enum) else str(c) for c in desc.choices or ()]


def metavar(param: Any) -> str:
    """The placeholder for an option's value or an argument: the parameter's own metavar,
    the choices, or a word for its type (``N``, ``PATH``, ``TEXT``)."""
    if param.metavar:
        return str(param.metavar)
    choices = _choices(param)
    if choices:
        return "|".join(choices)
    if getattr(param, "param_type_name", "") == "argument":
        return param.name.upper()
    ann = _annotation(param)
    inner = getattr(ann, "__args__", None)
    if inner:
        ann = next((a for a in inner if a is not type(None)), ann)
    if ann is int:
        return "N"
    if ann is float:
        return "NUM"
    if isinstance(ann, type) and issubclass(ann, Path):
        return "PATH"
    return "TEXT"


def _is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False))


def _option_names(param: Any) -> str:
    """'-o, --out DIR', or '    --strict' (long names line up under short ones)."""
    opts = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    names = ", ".join(opts)
    if opts[0].startswith("--"):
        names = "    " + names
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if not _is_flag(param):
        names += f" {metavar(param)}"
    return names


def _param_help(param: Any) -> str:
    text = param.help or ""
    if param.name == "help":
        return HELP_TEXT
    extra = []
    if getattr(param, "multiple", False) and "可重复" not in text:
        extra.append("可重复")
    if param.required:
        extra.append("必填")
    default = param.default
    if isinstance(param.show_default, str):
        extra.append(f"默认：{param.show_default}")
    elif (
        not param.required
        and not _is_flag(param)
        and getattr(param, "show_default", True)
        and default not in (None, "", [], ())
        and not callable(default)
    ):
        shown = default.value if isinstance(default, Enum) else default
        extra.append(f"默认：{shown}")
    if extra:
        text += "（" + "，".join(extra) + "）"
    return text


def usage_line(ctx: Any, command: Any) -> str:
    """``gongwen render [选项] LETTER`` for a command; ``gongwen 命令 …`` for the group."""
    parts = [ctx.command_path]
    params = command.get_params(ctx)
    if any(p.param_type_name == "option" for p in params):
        parts.append("[选项]")
    for p in params:
        if p.param_type_name != "argument":
            continue
        name = metavar(p)
        if p.nargs == -1:
            name += "…"
        parts.append(name if p.required else f"[{name}]")
    if isinstance(command, typer.core.TyperGroup):
        parts.append("命令 [参数]…")
    return " ".join(parts)


def format_help(ctx: Any, command: Any) -> str:
    """The whole help page of ``command``: usage, description, arguments, options, commands."""
    width = help_width()
    out = wrap("用法：" + usage_line(ctx, command), width)
    if command.help:
        out.append("")
        for para in str(command.help).strip().split("\n\n"):
            text = _unfold(para)
            out.extend("  " + line if line else "" for line in wrap(text, width - 2))
            out.append("")
        out.pop()
    params = command.get_params(ctx)
    args = [(metavar(p), _param_help(p)) for p in params if p.param_type_name == "argument"]
    opts = [
        (_option_names(p), _param_help(p))
        for p in params
        if p.param_type_name == "option" and not getattr(p, "hidden", False)
    ]
    if args:
        out += ["", "参数：", *_two_columns(args, width)]
    if opts:
        out += ["", "选项：", *_two_columns(opts, width)]
    if isinstance(command, typer.core.TyperGroup):
        rows = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            rows.append((name, _first_sentence(sub.help or "")))
        out += ["", "命令：", *_two_columns(rows, width)]
        out += ["", f"每个命令的用法：{ctx.command_path} 命令 -h"]
    return "\n".join(out) + "\n"


def _unfold(paragraph: str) -> str:
    """A docstring paragraph's lines as one line: joined with a space between Latin words,
    directly between Chinese characters."""
    lines = [ln.strip() for ln in paragraph.strip().splitlines()]
    out = lines[0] if lines else ""
    for ln in lines[1:]:
        out += (" " if out[-1:].isascii() and ln[:1].isascii() else "") + ln
    return out


def _first_sentence(text: str) -> str:
    first = text.strip().split("\n")[0]
    m = re.match(r"(.+?[。；])", first)
    return (m.group(1) if m else first).rstrip("；。")


EXIT_USER_ERROR = 2

# The flag of each library keyword whose flag is not ``--`` + the keyword with dashes; the
# library names options by keyword (gongwen.errors.option) and the command line spells them.
FLAGS = {
    "formats": "--format",
    "out": "-o",
    "variables": "--set",
    "strict_fonts": "--strict",
    "list_vars": "gongwen new {} --list-vars",
}


def run(command: Any, args: Sequence[str] | None, prog_name: str | None, **extra: Any) -> int:
    """Run ``command`` and turn every way it can end into an exit code: a user's mistake
    (a usage error, a :class:`GongwenError`, an OSError) is one Chinese message and 2; an
    internal error is a one-line report and 1 (``GONGWEN_TRACEBACK=1`` shows the traceback)."""
    from .errors import options_spelled_as_flags

    plain_coercion(command)
    with options_spelled_as_flags(FLAGS):
        return _run(command, args, prog_name, **extra)


def _run(command: Any, args: Sequence[str] | None, prog_name: str | None, **extra: Any) -> int:
    import sys

    import typer

    from .errors import GongwenError, os_error_text

    argv = list(sys.argv[1:] if args is None else args)
    prog = prog_name or "gongwen"
    try:
        code = super(GongwenMixin, command).main(
            argv, prog_name=prog, standalone_mode=False, **extra
        )
    except click.exceptions.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help())
        return 0
    except click.exceptions.UsageError as exc:
        typer.echo(usage_message(exc, argv, prog, command), err=True)
        return EXIT_USER_ERROR
    except typer.Abort:
        typer.echo("已中断", err=True)
        return 130
    except GongwenError as exc:
        typer.echo(str(exc), err=True)
        return EXIT_USER_ERROR
    except OSError as exc:
        typer.echo(os_error_text(exc), err=True)
        return EXIT_USER_ERROR
    except Exception as exc:
        if debug_tracebacks():
            raise
        typer.echo(
            "gongwen 内部错误（请报告此缺陷；设 GONGWEN_TRACEBACK=1 可看详情）："
            f"{type(exc).__name__}: {exc}",
            err=True,
        )
        return 1
    return code if isinstance(code, int) else 0


class GongwenMixin:
    """Plain Chinese help and Chinese errors for typer's command classes."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formatter.write(format_help(ctx, self))

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            _plain_param(option)
        return option

    def main(
        self, args: Sequence[str] | None = None, prog_name: str | None = None,
        complete_var: str | None = None, standalone_mode: bool = True, **extra: Any,
    ) -> Any:
        import sys

        code = run(self, args, prog_name, complete_var=complete_var, **extra)
        if standalone_mode:
            sys.exit(code)
        return code


class Command(GongwenMixin, typer.core.TyperCommand):
    """A gongwen command (Chinese help, -h)."""


class Group(GongwenMixin, typer.core.TyperGroup):
    """The ``gongwen`` group (Chinese help, -h, commands in the order they are listed)."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)


# --------------------------------------------------------------------------------------------
# Usage mistakes


def _names(param: Any) -> str:
    if param.param_type_name == "argument":
        return metavar(param)
    return "/".join(sorted(param.opts, key=lambda o: (o.startswith("--"), o)))


def _given(args: Sequence[str], param: Any) -> str | None:
    """The value the user wrote for ``param`` on the command line (the last one)."""
    found = None
    for i, arg in enumerate(args):
        for opt in param.opts:
            if arg == opt and i + 1 < len(args):
                found = args[i + 1]
            elif opt.startswith("--") and arg.startswith(opt + "="):
                found = arg[len(opt) + 1:]
            elif not opt.startswith("--") and arg.startswith(opt) and len(arg) > len(opt):
                found = arg[len(opt):]
    return found


def _bad_value(exc: Any, args: Sequence[str]) -> str:
    param = exc.param
    names = _names(param)
    value = _given(args, param)
    choices = _choices(param)
    if choices:
        m = re.search(r"'(.*?)' is not one of", exc.message)
        given = m.group(1) if m else (value or "")
        return unknown_choice(names, given, choices)
    ann = _annotation(param)
    what = {int: "整数", float: "数"}.get(ann, "")
    if what:
        bounds = []
        if param.min is not None:
            bounds.append(f"不小于 {param.min}")
        if param.max is not None:
            bounds.append(f"不大于 {param.max}")
        got = f"，收到 {value!r}" if value is not None else ""
        bound = "、".join(bounds) + " 的" if bounds else ""
        return f"{names}: 应为{bound}{what}{got}"
    got = f" {value!r}" if value is not None else ""
    return f"{names}: 取值{got}无效"


def usage_message(exc: Any, args: Sequence[str], prog: str, root: Any) -> str:
    """One Chinese line for a click usage error: the command, what is wrong, where to look.

    ``root`` is the command run as ``prog`` (the group, or one command for ``render.py``)."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        where, cmd = ctx.command_path, ctx.command
    else:  # the parser's errors carry no context: the command is the first argument
        where, cmd = prog, root
        if isinstance(root, typer.core.TyperGroup) and args and args[0] in root.commands:
            where, cmd = f"{prog} {args[0]}", root.commands[args[0]]
        ctx = cmd.make_context(where, [], resilient_parsing=True)
    if isinstance(exc, click.exceptions.MissingParameter) and exc.param is not None:
        p = exc.param
        kind = "参数" if p.param_type_name == "argument" else "选项"
        about = f"（{re.split('[（；]', p.help)[0]}）" if p.help else ""
        text = f"缺少{kind} {_names(p)}{about}"
    elif isinstance(exc, click.exceptions.NoSuchOption):
        params = cmd.get_params(ctx) if cmd else []
        known = [o for p in params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")]
        text = f"没有 {exc.option_name} 这个选项{did_you_mean(exc.option_name, known)}"
    elif isinstance(exc, click.exceptions.BadOptionUsage):
        if "does not take a value" in exc.message:
            text = f"选项 {exc.option_name} 是开关，不带值"
        elif "requires" in exc.message:
            text = f"选项 {exc.option_name} 后面缺少值"
        else:
            text = f"选项 {exc.option_name} 用法不对"
    elif isinstance(exc, click.exceptions.BadParameter) and exc.param is not None:
        text = _bad_value(exc, args)
    else:
        text = _generic(exc.message, cmd, ctx)
    return f"{where}: {text}；{where} -h 查看用法"


def _generic(message: str, cmd: Any, ctx: Any) -> str:
    m = re.match(r"Got unexpected extra argument\(s\) \((.*)\)", message)
    if m:
        return f"多余的参数：{m.group(1)}"
    m = re.match(r"No such command '(.*?)'", message)
    if m:
        names = list(cmd.list_commands(ctx)) if isinstance(cmd, typer.core.TyperGroup) else []
        hint = did_you_mean(m.group(1), names)
        return f"没有 {m.group(1)} 这个命令{hint}；可用：{'、'.join(names)}"
    if message.startswith("Missing command"):
        return "缺少命令"
    return "命令行有误"


def debug_tracebacks() -> bool:
    """``GONGWEN_TRACEBACK=1`` shows the traceback of an internal error."""
    return os.environ.get("GONGWEN_TRACEBACK", "") not in ("", "0")


# --------------------------------------------------------------------------------------------
# Start-up: plain values without pydantic


def plain_coercion(command: Any) -> None:
    """Let ``command`` (and its subcommands) take plain ``str``, ``bool`` and ``Path``
    values (and lists of them) as given, without building typer's pydantic adapters.

    typer 0.29 coerces every parameter through a pydantic ``TypeAdapter`` built on first use:
    importing pydantic and building the adapters costs a command's start about 0.1 s of
    CPU. A value of these types needs no coercion (a path goes through typer's own checks,
    ``typer._param_types.coerce_cli_path``); anything else (numbers, choices, a value not
    of the expected type) still goes to typer's adapter, with typer's messages."""
    for param in getattr(command, "params", ()):
        _plain_param(param)
    for sub in getattr(command, "commands", {}).values():
        plain_coercion(sub)


def _plain_param(param: Any) -> None:
    descriptor = getattr(param, "type_descriptor", None)
    plain = _plain_runtime()
    if plain is None or descriptor is None or getattr(param, "_runtime_param", 1) is not None:
        return
    info, kind = descriptor.parameter_info, descriptor.annotation
    if getattr(kind, "__origin__", None) is list and len(kind.__args__) == 1:
        kind = kind.__args__[0]
    if info.parser is not None or getattr(info, "click_type", None) is not None \
            or descriptor.file_annotation is not None:
        return
    if kind in (str, bool) or (kind is Path and not info.path_type):
        param._runtime_param = plain(info, descriptor.annotation)


@functools.cache
def _plain_runtime() -> Any:
    """typer's runtime coercion for plain values (None: another typer, its own way)."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_path
    except ImportError:
        return None

    class Plain(RuntimeParam):
        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if isinstance(value, list | tuple) and not isinstance(self.annotation, type):
                return type(value)(self._one(v, param, ctx) for v in value)
            return self._one(value, param, ctx)

        def _one(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = self.annotation
            kind = kind if isinstance(kind, type) else kind.__args__[0]
            if kind is Path and isinstance(value, str | Path):
                return coerce_cli_path(Path(value), self.parameter_info, path_type=Path,
                                       param=param, ctx=ctx)
            if kind in (str, bool) and isinstance(value, kind):
                return value
            descriptor = param.type_descriptor  # typer's own way and message
            return build_runtime_param(descriptor)._coerce_value(value, param=param, ctx=ctx)

    return Plain
