"""``gongwen import FILE``: a published reply (plain text or DOCX) → letter YAML."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import GongwenError, os_error_reason

EXIT_USER_ERROR = 2


def run_import(
    source: Path, output: Path | None = None, *, quiet: bool = False, force: bool = False
) -> str:
    """Import ``source``; write the YAML to ``output`` (atomically) or return it for stdout.

    An existing ``output`` is overwritten only with ``force``, and never when it is
    ``source`` itself. The report of what was recognised goes to stderr unless ``quiet``.
    """
    from rich.console import Console

    from ..importer import import_file, print_summary, to_yaml
    from ..outpath import output_file
    from ..output import write_atomic
    from ..schemas import write_letter_schema_for

    if output is not None:
        output = output_file(output, f"{source.stem}.yaml", force=force)
        if output.exists() and source.exists() and output.samefile(source):
            raise GongwenError(f"{output}: 就是要导入的文件；请给出另一个 .yaml 文件名")
    result = import_file(source)
    text = to_yaml(result, output)
    if output is not None:
        try:
            write_atomic(output, text.encode("utf-8"))
            write_letter_schema_for(output)
        except OSError as exc:
            raise GongwenError(f"{output}: 无法写入（{os_error_reason(exc)}）") from None
    if not quiet:
        print_summary(result, Console(stderr=True, highlight=False))
        if output is not None:
            Console(stderr=True, highlight=False).print(f"已写入 {output}", markup=False)
    return text


def register(app: typer.Typer) -> None:
    @app.command("import")
    def import_command(
        source: Annotated[
            Path, typer.Argument(help="公布的答复函：网页文字（.txt）或 Word 文件（.docx）",
                                 show_default=False)
        ],
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", metavar="FILE",
                         help="写入信件 YAML（默认输出到屏幕）；给目录时写入其中的 <原名>.yaml"),
        ] = None,
        force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
        quiet: Annotated[
            bool, typer.Option("-q", "--quiet", help="不在 stderr 上报告识别结果")
        ] = False,
    ) -> None:
        """从公布的答复函（文本或 DOCX）导入信件 YAML；推测之处在 YAML 中加注释。"""
        try:
            text = run_import(source, output, quiet=quiet, force=force)
        except GongwenError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
        if output is None:
            sys.stdout.write(text)
