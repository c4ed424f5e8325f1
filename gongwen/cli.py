"""The ``gongwen`` command: a thin shell over the pipeline functions.

Every user mistake ends as Chinese text on stderr and exit code 2, never a traceback: the
commands raise :class:`~gongwen.errors.GongwenError`, :func:`main` prints it; typer's own
usage errors and help pages are worded and laid out by :mod:`gongwen.clitext`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from . import clitext
from .commands import PdfaOpt, pdfa_options
from .errors import GongwenError, Problem

app = typer.Typer(
    name="gongwen",
    cls=clitext.Group,
    help="把 YAML 写成的答复函排成符合 GB/T 9704-2012 的 PDF、DOCX 和 OFD。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

EXIT_USER_ERROR = 2


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Kept for commands that decorate themselves; :func:`main` handles every error."""
    return func


def warning_line(warning: Problem) -> str:
    """A warning as printed: ``FILE:LINE:COL: 提示：field: message``."""
    where, _, rest = str(warning).partition(": ")
    return f"{where}: 提示：{rest}"


def _version(value: bool) -> None:
    if value:
        from .schemas import gongwen_version

        typer.echo(f"gongwen {gongwen_version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", help="显示版本并退出", is_eager=True, callback=_version),
    ] = False,
) -> None:
    """把 YAML 写成的答复函排成符合 GB/T 9704-2012 的 DOCX 和 PDF。"""


LetterArg = Annotated[Path, typer.Argument(help="信件 YAML 文件", show_default=False)]
FontsOpt = Annotated[
    str,
    typer.Option(
        "--fonts",
        metavar="auto|open|official",
        help="字体：auto 优先用已安装的公文字体，open 只用自带开源字体，official 要求公文字体",
    ),
]


@app.command()
def validate(
    letters: Annotated[list[Path], typer.Argument(help="信件 YAML 文件", show_default=False)],
) -> None:
    """检查信件文件：字段、类型、日期、发文字号；每处错误给出 文件:行:列；
    另提示标题自带的序号和未替换的模板占位文字。"""
    from .compose import compose
    from .loader import load_letter_with_sources
    from .pipeline import compose_warnings, departure_warnings

    failed = 0
    for path in letters:
        try:
            letter, sources = load_letter_with_sources(path)
        except GongwenError as exc:
            failed += 1
            typer.echo(str(exc), err=True)
            continue
        warnings = compose_warnings(compose(letter, path.parent), sources)
        for warning in warnings + departure_warnings(letter, sources):
            typer.echo(warning_line(warning), err=True)
        typer.echo(f"{path}: OK")
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", metavar="FILE",
            help="写入文件（默认输出到屏幕）；给目录时写入其中的 letter.schema.json",
        ),
    ] = None,
) -> None:
    """输出信件 YAML 的 JSON Schema，供编辑器补全和校验。"""
    from .model import letter_schema
    from .outpath import output_file
    from .output import write_atomic

    text = json.dumps(letter_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output_file(output, "letter.schema.json"), text.encode("utf-8"))


@app.command()
def render(
    letter: LetterArg,
    out: Annotated[
        Path,
        typer.Option(
            "-o", "--out", metavar="DIR|FILE",
            help="输出目录（写入 DIR/<信件名>.pdf 和 .docx）；只要一种格式时可给文件名，"
            "如 -o 答复.pdf 或 答复.ofd（不给 --format 时按扩展名定格式）",
            show_default="当前目录",
        ),
    ] = Path("."),
    formats: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="pdf,docx,ofd",
                     help="输出格式，逗号分隔（默认：pdf,docx，或 -o 文件名的扩展名）"),
    ] = None,
    fonts: FontsOpt = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="缺少公文字体或字形时报错")] = False,
    pdfa: PdfaOpt = False,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="列出每处标点改动（文件:行:列）")
    ] = False,
) -> None:
    """把一封信排成 PDF 和 DOCX（或 OFD）：写入 -o 目录下的 <信件名>.pdf、.docx，或 -o 给的文件。"""
    from .pipeline import render_file

    rendered, written = render_file(letter, out, formats, fonts=fonts, strict_fonts=strict,
                                    options=pdfa_options(pdfa))
    for warning in rendered.warnings:
        typer.echo(warning_line(warning), err=True)
    if rendered.document.changes and not verbose:
        typer.echo(f"{letter}: 提示：-v 列出每处标点改动", err=True)
    if verbose:
        from .loader import load_letter_with_sources

        sources = load_letter_with_sources(letter)[1]
        for change in rendered.document.changes:
            note = f"第{change.offset + 1}字：{change.before} → {change.after}"
            typer.echo(str(sources.problem(change.where, note)), err=True)
    for path in written:
        typer.echo(str(path))


@app.command()
def fonts(
    fonts: FontsOpt = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="缺少公文字体时报错")] = False,
) -> None:
    """列出每种字体角色用到的字体文件及选择原因。"""
    from .fonts import fonts_report, load_fontset

    fontset = load_fontset(fonts, strict=strict)  # type: ignore[arg-type]
    for role, family, file, reason in fonts_report(fontset):
        typer.echo(f"{role}：{family}\n  文件：{file}\n  原因：{reason}")


def _register_commands() -> None:
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)
    for command in app.registered_commands:
        if command.cls in (None, typer.core.TyperCommand):
            command.cls = clitext.Command
        command.context_settings = {"help_option_names": ["-h", "--help"],
                                    **(command.context_settings or {})}


_register_commands()


def main(args: Sequence[str] | None = None, prog_name: str = "gongwen",
         command: str | None = None) -> None:
    """Entry point of the ``gongwen`` command (``command``: run that one command as the
    program, as ``render.py`` does). Exits 0, the command's own code, or 2 for a user's
    mistake (see :func:`gongwen.clitext.run`)."""
    group = typer.main.get_command(app)
    cmd = group if command is None else group.commands[command]  # type: ignore[attr-defined]
    cmd.main(args, prog_name=prog_name)


if __name__ == "__main__":
    main()
