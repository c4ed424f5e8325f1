"""``gongwen check FILE``: a GB/T 9704-2012 conformance report for a PDF, OFD or DOCX."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        ctx: typer.Context,
        file: Annotated[
            Path | None,
            typer.Argument(help="要检查的 PDF、OFD 或 DOCX 文件", show_default=False),
        ] = None,
        output_format: Annotated[
            str, typer.Option("--format", metavar="text|json", help="输出格式：text（表格）或 json")
        ] = "text",
        letter_format: Annotated[
            bool, typer.Option("--letter-format", help="按信函格式检查（首页红色双线、首页无页码）")
        ] = False,
        render: Annotated[
            bool, typer.Option("--render", help="DOCX：再用 LibreOffice 排版成 PDF 并检查版面")
        ] = False,
        pdfa: Annotated[
            bool, typer.Option("--pdfa", help="PDF：逐条检查 PDF/A 要求（声明 PDF/A 的文件总查）")
        ] = False,
        list_rules: Annotated[
            bool, typer.Option("--rules", help="列出全部检查规则（编号、条款、级别、说明）")
        ] = False,
    ) -> None:
        """按 GB/T 9704-2012 检查 PDF、OFD 或 DOCX 的版式，PDF/A 文件另逐条检查 PDF/A 要求；
        有错误或警告时退出码为 1，无法读取为 2。"""
        from gongwen.check import check_file
        from gongwen.check.report import print_report
        from gongwen.errors import GongwenError

        if output_format not in ("text", "json"):
            from gongwen.errors import unknown_choice

            typer.echo(unknown_choice("--format", output_format, ("text", "json")), err=True)
            raise typer.Exit(EXIT_ERROR)
        if list_rules:
            _print_rules(output_format)
            return
        if file is None:  # optional only with --rules
            from typer import _click as click  # typer carries its own click

            param = next(p for p in ctx.command.params if p.name == "file")
            raise click.exceptions.MissingParameter(ctx=ctx, param=param)
        try:
            report = check_file(file, letter_format=letter_format, render=render, pdfa=pdfa)
        except GongwenError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_ERROR) from None
        if output_format == "json":
            sys.stdout.write(report.to_json())
        else:
            print_report(report)
        raise typer.Exit(report.exit_code)


def _print_rules(output_format: str) -> None:
    """The table of rules, as a list or as JSON (schema gongwen-check-rules/1)."""
    import json

    from gongwen.check.rules import print_table, table_rows
    from gongwen.schemas import header

    if output_format == "json":
        data = {**header("check-rules"), "rules": table_rows()}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        print_table()
