"""``gongwen batch``: render many letters in parallel, with progress, a summary and a report."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from ..limits import LETTER_SECONDS
from . import PdfaOpt, pdfa_options

EXIT_USAGE = 2


class _Lines:
    """Plain progress lines, for logs and pipes."""

    def __init__(self, err: Any):
        self.err = err
        self.total = 0
        self.done = 0
        self.t0 = time.perf_counter()

    def start(self, total: int) -> None:
        self.total, self.done, self.t0 = total, 0, time.perf_counter()

    def advance(self, result: Any) -> None:
        self.done += 1
        width = len(str(self.total))
        pages = f" {result.pages}页" if result.pages is not None else ""
        line = f"[{self.done:>{width}}/{self.total}] {result.status:<9} {result.source}{pages}"
        if result.status == "rendered":
            line += f" {result.time:.2f}s"
        print(line, file=self.err, flush=True)
        _problems(result, lambda s: print(s, file=self.err, flush=True))

    def stop(self) -> None:
        pass


class _Bar:
    """A rich progress bar on a terminal: done/total, letters/s, ETA. No refresh thread
    (the pool forks its workers after the bar starts); it redraws on every result."""

    def __init__(self, console: Any):
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress = Progress(
            TextColumn("[bold]排版"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            console=console,
            auto_refresh=False,
            transient=False,
        )
        self.task: Any = None
        self.t0 = time.perf_counter()

    def start(self, total: int) -> None:
        self.t0 = time.perf_counter()
        self.progress.start()
        self.task = self.progress.add_task("batch", total=total, rate="")

    def advance(self, result: Any) -> None:
        done = self.progress.tasks[0].completed + 1
        rate = done / max(1e-9, time.perf_counter() - self.t0)
        _problems(result, lambda s: self.progress.console.print(s, markup=False, highlight=False))
        self.progress.update(self.task, advance=1, rate=f"{rate:.1f} 封/秒")
        self.progress.refresh()

    def stop(self) -> None:
        self.progress.stop()


def _problems(result: Any, emit: Any) -> None:
    if result.status == "failed":
        for p in result.problems:
            emit(str(p))


def _summary(batch: Any, console: Any) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="gongwen batch", show_edge=True)
    for col in ("排版", "未变", "失败", "未完成", "页数", "用时", "速度"):
        table.add_column(col, justify="right")
    pages = sum(r.pages or 0 for r in batch.results if r.status == "rendered")
    rendered = batch.count("rendered")
    rate = rendered / batch.seconds if batch.seconds else 0.0
    table.add_row(
        str(rendered), str(batch.count("unchanged")), str(batch.count("failed")),
        str(batch.count("cancelled")), str(pages), f"{batch.seconds:.2f} s", f"{rate:.1f} 封/秒",
    )
    console.print(table)
    if batch.failed:
        failed = Table("失败的信件", "问题", title="失败", show_lines=False)
        for r in batch.failed:  # as text: a [/bold] in a problem is not rich markup
            failed.add_row(Text(r.source), Text(str(r.problems[0]) if r.problems else ""))
        console.print(failed)
    if batch.removed:
        gone = "、".join(o for r in batch.removed for o in r["outputs"]) or "（无输出文件）"
        console.print(Text(f"已删除源文件不在了的信件的输出：{gone}"))
    if batch.interrupted:
        console.print(f"已中断：{batch.count('cancelled')} 封信未排版。")


def register(app: typer.Typer) -> None:
    @app.command()
    def batch(
        paths: Annotated[
            list[str] | None,
            typer.Argument(help="信件文件夹、通配符（加引号）或 YAML 文件", show_default=False),
        ] = None,
        out: Annotated[
            Path,
            typer.Option("-o", "--out", metavar="DIR", help="输出目录（镜像输入的目录结构）"),
        ] = ...,  # type: ignore[assignment]
        formats: Annotated[
            str, typer.Option("--format", "-f", metavar="pdf,docx,ofd", help="输出格式，逗号分隔")
        ] = "pdf,docx",
        jobs: Annotated[
            int | None, typer.Option("-j", "--jobs", min=1, help="并行进程数（默认：全部核心）")
        ] = None,
        changed: Annotated[
            bool, typer.Option("--changed", help="只排 YAML、模板、字体或选项有变化的信件")
        ] = False,
        report: Annotated[
            Path | None,
            typer.Option("--report", metavar="FILE",
                         help="写出 JSON 报告（每封信的状态、输出、页数、提示、用时）"),
        ] = None,
        fonts: Annotated[
            str, typer.Option("--fonts", metavar="auto|open|official", help="字体（见 render -h）")
        ] = "auto",
        strict: Annotated[bool, typer.Option("--strict", help="缺少公文字体或字形时报错")] = False,
        pdfa: PdfaOpt = False,
        template: Annotated[
            str | None,
            typer.Option("--template", metavar="KIND", help="邮件合并：模板种类（与 --data 同用）"),
        ] = None,
        data: Annotated[
            Path | None,
            typer.Option("--data", metavar="FILE",
                         help="邮件合并：数据表（CSV 或 XLSX），每行一封信"),
        ] = None,
        template_dir: Annotated[
            list[Path] | None,
            typer.Option("--templates", metavar="DIR",
                         help="邮件合并：自己的模板目录（优先于自带模板），可重复"),
        ] = None,
        name_column: Annotated[
            str | None,
            typer.Option("--name-column", metavar="列名",
                         help="邮件合并：输出文件按此列命名（如 提案号）；默认 <表名>-row-<行号>"),
        ] = None,
        progress: Annotated[
            bool | None,
            typer.Option("--progress/--no-progress", help="进度条（默认：终端上显示）"),
        ] = None,
        timeout: Annotated[
            float, typer.Option("--timeout", min=1.0, help="每封信的排版时间上限（秒）")
        ] = LETTER_SECONDS,
    ) -> None:
        """并行排版许多信件：进度、汇总表、JSON 报告；输出原子写入，失败的信件不影响其他。"""
        from rich.console import Console

        from ..batch import items_from_table, render_many
        from ..errors import GongwenError

        err = Console(stderr=True)
        try:
            if (template is None) != (data is None):
                given, other = ("--data", "--template") if template is None else (
                    "--template", "--data")
                raise GongwenError(f"{given}: 须与 {other} 同时给出（邮件合并）")
            if name_column is not None and data is None:
                raise GongwenError("--name-column: 只用于邮件合并（--template 和 --data）")
            if not paths and template is None:
                raise GongwenError(
                    "gongwen batch: 缺少要排版的信件：给出信件文件夹、通配符或 YAML 文件，"
                    "或用 --template 和 --data 做邮件合并"
                )
            items = (
                items_from_table(template, data, tuple(template_dir or ()), name_column)
                if template is not None and data is not None
                else []
            )
            use_bar = err.is_terminal if progress is None else progress
            bar = _Bar(err) if use_bar else _Lines(sys.stderr)
            result = render_many(
                paths or [], formats, jobs, out, items=items, fonts=fonts,
                strict_fonts=strict, changed=changed, report=report, progress=bar,
                timeout=timeout, options=pdfa_options(pdfa),
            )
        except GongwenError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USAGE) from None
        _summary(result, Console())
        if report is not None:
            typer.echo(f"报告：{report}", err=True)
        raise typer.Exit(result.exit_code)
