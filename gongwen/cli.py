"""The ``gongwen`` command: a thin shell over the pipeline functions."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import GongwenError

app = typer.Typer(
    name="gongwen",
    help="把 YAML 写成的答复函排成符合 GB/T 9704-2012 的 DOCX 和 PDF。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

EXIT_USER_ERROR = 2


def _fail(message: str) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Print a user's mistake without a traceback and exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except GongwenError as exc:
            _fail(str(exc))

    return wrapper


LetterArg = Annotated[Path, typer.Argument(help="信件 YAML 文件", show_default=False)]
FontsOpt = Annotated[
    str,
    typer.Option(
        "--fonts",
        help="字体：auto 优先用已安装的公文字体，open 只用自带开源字体，official 要求公文字体",
    ),
]


@app.command()
@user_errors
def validate(letters: Annotated[list[Path], typer.Argument(help="信件 YAML 文件")]) -> None:
    """检查信件文件：字段、类型、日期、发文字号；每处错误给出 文件:行:列；
    另提示标题自带的序号和未替换的模板占位文字。"""
    from .compose import compose
    from .loader import load_letter_with_sources
    from .pipeline import compose_warnings

    failed = 0
    for path in letters:
        try:
            letter, sources = load_letter_with_sources(path)
        except GongwenError as exc:
            failed += 1
            typer.echo(str(exc), err=True)
            continue
        for warning in compose_warnings(compose(letter, path.parent), sources):
            typer.echo(f"{path}: 提示：{warning}", err=True)
        typer.echo(f"{path}: OK")
    if failed:
        raise typer.Exit(EXIT_USER_ERROR)


@app.command()
@user_errors
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="写入文件（默认输出到屏幕）")
    ] = None,
) -> None:
    """输出信件 YAML 的 JSON Schema，供编辑器补全和校验。"""
    from .model import letter_schema
    from .output import write_atomic

    text = json.dumps(letter_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text.encode("utf-8"))


@app.command()
@user_errors
def render(
    letter: LetterArg,
    out_dir: Annotated[Path, typer.Option("-o", "--out", help="输出目录")] = Path("."),
    formats: Annotated[str, typer.Option("--format", "-f", help="输出格式：pdf,docx")] = "pdf,docx",
    fonts: FontsOpt = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="缺少公文字体或字形时报错")] = False,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="列出每处标点改动")] = False,
) -> None:
    """把一封信排成 PDF 和 DOCX，写入 OUT/<信件名>.pdf|docx。"""
    from .pipeline import parse_formats, render_file

    rendered, written = render_file(
        letter, out_dir, parse_formats(formats), fonts=fonts, strict_fonts=strict
    )
    for warning in rendered.warnings:
        typer.echo(f"{letter}: 提示：{warning}", err=True)
    if verbose:
        for change in rendered.document.changes:
            where = f"{letter}: {change.where} 第{change.offset + 1}字"
            typer.echo(f"{where}：{change.before} → {change.after}", err=True)
    for path in written:
        typer.echo(str(path))


@app.command()
@user_errors
def fonts(
    fonts: FontsOpt = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="缺少公文字体时报错")] = False,
) -> None:
    """列出每种字体角色用到的字体文件及选择原因。"""
    from rich.console import Console
    from rich.table import Table

    from .fonts import fonts_report, load_fontset

    fontset = load_fontset(fonts, strict=strict)  # type: ignore[arg-type]
    table = Table("角色", "字体", "文件", "原因")
    for row in fonts_report(fontset):
        table.add_row(*row)
    Console().print(table)


def _register_commands() -> None:
    import importlib
    import pkgutil

    from . import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``gongwen`` command."""
    app()


if __name__ == "__main__":
    main()
