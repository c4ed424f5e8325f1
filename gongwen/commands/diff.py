"""``gongwen diff A B``: compare two letters (YAML, DOCX, PDF or text) — see docs/diff.md."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import GongwenError, os_error_text

EXIT_SAME, EXIT_DIFFERENT, EXIT_ERROR = 0, 1, 2


class Format(StrEnum):
    TERMINAL = "terminal"
    JSON = "json"
    HTML = "html"


def run_diff(
    a: Path,
    b: Path,
    *,
    strict: bool = False,
    layout: bool = False,
    visual: Path | None = None,
    tolerance_mm: float = 1.0,
    fonts: str = "auto",
):
    """Read both inputs and diff them (text and structure; layout and overlays on request)."""
    from ..diff import diff_readings
    from ..read import read_any

    if visual is not None:  # refuse early, before reading pages that would not be drawn
        from ..diff_layout import check_visual_pages
        from ..read import read_input

        for path in (a, b):
            data = read_input(path)
            if data.startswith(b"%PDF-"):
                check_visual_pages(data, str(path))
    ra, rb = read_any(a), read_any(b)
    result = diff_readings(ra, rb, strict=strict)
    if layout or visual is not None:
        from ..diff_layout import compare_layout, pdf_reading_for_layout, write_overlays

        la = pdf_reading_for_layout(ra, a, fonts=fonts)
        lb = pdf_reading_for_layout(rb, b, fonts=fonts)
        if layout:
            result.layout = compare_layout(la, lb, tolerance_mm=tolerance_mm)
        if visual is not None:
            result.visual = write_overlays(la, lb, visual)
    return result


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def diff_command(
        a: Annotated[Path, typer.Argument(help="A：信件 YAML、DOCX、PDF、OFD 或文本文件")],
        b: Annotated[Path, typer.Argument(help="B：信件 YAML、DOCX、PDF、OFD 或文本文件")],
        strict: Annotated[
            bool, typer.Option("--strict", help="逐字比较：不归一化空白、全半角和引号")
        ] = False,
        fmt: Annotated[
            Format, typer.Option("--format", "-f", help="报告格式：terminal、json、html")
        ] = Format.TERMINAL,
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", metavar="FILE",
                         help="报告写入文件（默认输出到屏幕）；给目录时写入其中的 "
                         "diff.txt|json|html"),
        ] = None,
        layout: Annotated[
            bool,
            typer.Option("--layout", help="再比较版面：页数、每页断行、标题/署名/日期/页码位置"),
        ] = False,
        visual: Annotated[
            Path | None,
            typer.Option("--visual", metavar="DIR", help="把每页的差异叠图（PNG）写入此目录",
                         file_okay=False),
        ] = None,
        tolerance: Annotated[
            float, typer.Option("--tolerance", metavar="MM", help="版面位置容差（毫米）", min=0.0)
        ] = 1.0,
        fonts: Annotated[
            str, typer.Option("--fonts", metavar="auto|open|official",
                              help="为版面比较排 YAML 时所用字体")
        ] = "auto",
    ) -> None:
        """比较两封信：文字、结构和版面。相同退出码 0，不同 1，出错 2。

        终端上删去的字标红加删除线、加入的字标绿加下划线；没有颜色时（输出到管道或文件、
        设了 NO_COLOR）改动的字标作 [-删去的字-]{+加入的字+}，如 2022年9月[-29-]{+30+}日。
        比较前默认把空白、全半角和引号样式视为相同（--strict 逐字比较），显示的是原文。"""
        from ..diff import render_html, render_json, render_terminal
        from ..outpath import output_file
        from ..output import write_atomic

        if output is not None:
            suffix = {Format.JSON: "json", Format.HTML: "html"}.get(fmt, "txt")
            output = output_file(output, f"diff.{suffix}")

        try:
            result = run_diff(
                a, b, strict=strict, layout=layout, visual=visual,
                tolerance_mm=tolerance, fonts=fonts,
            )
            if fmt is Format.JSON:
                text = render_json(result)
            elif fmt is Format.HTML:
                text = render_html(result)
            else:
                text = None
            if text is not None:
                if output is None:
                    sys.stdout.write(text)
                else:
                    write_atomic(output, text.encode("utf-8"))
            else:
                from rich.console import Console

                if output is None:
                    render_terminal(result, Console(highlight=False))
                else:
                    import io

                    buffer = io.StringIO()
                    render_terminal(result, Console(file=buffer, highlight=False,
                                                    force_terminal=False, width=100))
                    write_atomic(output, buffer.getvalue().encode("utf-8"))
        except GongwenError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_ERROR) from None
        except OSError as exc:
            typer.echo(os_error_text(exc), err=True)
            raise typer.Exit(EXIT_ERROR) from None
        raise typer.Exit(EXIT_SAME if result.identical else EXIT_DIFFERENT)
