"""``gongwen new KIND -o letters/x.yaml --set key=value …``: a new letter from a template."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from .. import clitext
from ..errors import GongwenError

EXIT_USER_ERROR = 2


def parse_sets(pairs: list[str]) -> dict[str, str]:
    """``["a=1", "b=x=y"]`` → ``{"a": "1", "b": "x=y"}``; a bad name is an error. An empty
    value (``--set a=``) counts as not given, as an empty cell does in a mail merge: a
    required variable is then reported missing instead of printing as an empty gap."""
    values: dict[str, str] = {}
    given: set[str] = set()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            message = f"--set: 应写作 名称=值，如 --set proposal_number=0042；收到 {pair!r}"
            raise GongwenError(message)
        if name in given:
            raise GongwenError(f"--set {name}: 给出了两次")
        given.add(name)
        if value.strip():
            values[name] = value.replace("\\n", "\n")
    return values


def new_letter(
    kind: str,
    values: dict[str, str],
    output: Path | None,
    template_dirs: list[Path],
    *,
    force: bool = False,
) -> str:
    """Render ``kind`` with ``values``, validate it and write it to ``output`` (atomically).

    Returns the letter text. On any error nothing is written.
    """
    from ..output import write_atomic
    from ..schemas import write_letter_schema_for
    from ..templates import find_template, render_template, template_variables

    known = template_variables(kind, template_dirs)
    unknown = sorted(set(values) - known)
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hints.append(f"{name}（是不是 {close[0]}？）" if close else name)
        raise GongwenError(
            f"gongwen new {kind}: 模板没有变量 {'、'.join(hints)}；"
            f"gongwen new {kind} --list-vars 列出全部变量"
        )
    missing = [v for v in find_template(kind, template_dirs).variables
               if v.required and v.name not in values]
    if missing:
        names = "、".join(f"{v.name}（{v.label}）" if v.label else v.name for v in missing)
        raise GongwenError(
            f"gongwen new {kind}: 缺少必填变量 {names}；用 --set 名称=值 给出，"
            f"gongwen new {kind} --list-vars 列出全部变量"
        )
    if output is not None:
        from ..outpath import output_file

        output = output_file(output, f"{kind}.yaml", force=force)
    text, _letter = render_template(kind, values, template_dirs, dest=output)
    if output is not None:
        write_atomic(output, text.encode("utf-8"))
        write_letter_schema_for(output)
    return text


_HELP = (
    "按模板新建一封信件 YAML，填好变量并校验后写入 -o 文件（出错时不写任何文件）。\n\n"
    "变量用 --set 名称=值 给出（可重复；值中的 \\n 表示换行）；"
    "gongwen new KIND --list-vars 列出模板的全部变量及说明。"
    "自己的模板放在 --templates DIR 或环境变量 GONGWEN_TEMPLATES 所指的目录，"
    "名为 KIND.yaml.j2，同名时优先于自带模板。"
)


class _NewCommand(clitext.Command):
    """``gongwen new``: its help lists the templates, read only when the help is shown (so
    that ``gongwen --help`` and the other commands do not load the templates)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self.help = _help()
        super().format_help(ctx, formatter)


def _help() -> str:
    lines = [_HELP, "", "模板种类："]
    try:
        from ..templates import list_templates

        for kind, info in list_templates().items():
            required = [v.name for v in info.variables if v.required]
            lines.append("")
            summary = info.summary.replace(f"（{kind}）", "")
            lines.append(f"{kind}：{summary}  必填：{', '.join(required) or '无'}")
    except GongwenError as exc:
        lines.append(f"（无法列出模板：{exc}）")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("new", help=_HELP, cls=_NewCommand)
    def new_command(
        kind: Annotated[
            str | None, typer.Argument(help="模板种类，如 proposal、suggestion、cohandling、reply")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("-o", "--output", metavar="FILE",
                         help="写入的信件文件（默认输出到屏幕）；给目录时写入其中的 KIND.yaml"),
        ] = None,
        sets: Annotated[
            list[str] | None, typer.Option("--set", metavar="名称=值", help="变量，可重复")
        ] = None,
        templates: Annotated[
            list[Path] | None,
            typer.Option("--templates", metavar="DIR",
                         help="自己的模板目录（优先于自带模板），可重复"),
        ] = None,
        list_vars: Annotated[
            bool, typer.Option("--list-vars", help="列出模板的变量及说明，不生成信件")
        ] = False,
        force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
    ) -> None:
        try:
            from ..templates import describe, find_template, list_templates

            dirs = list(templates or [])
            if kind is None:
                for name, info in list_templates(dirs).items():
                    typer.echo(f"{name}\t{info.summary}")
                if not list_vars:
                    typer.echo("用 gongwen new KIND -o 文件 --set 名称=值 新建信件", err=True)
                return
            if list_vars:
                info = find_template(kind, dirs)
                typer.echo(f"{info.path}\n\n{describe(info)}")
                return
            if output is not None and output.is_dir():
                output = output / f"{kind}.yaml"
            text = new_letter(kind, parse_sets(sets or []), output, dirs, force=force)
        except GongwenError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(EXIT_USER_ERROR) from None
        if output is None:
            sys.stdout.write(text)
        else:
            typer.echo(f"{output}: 已按模板 {kind} 生成；改写“（请……）”处后用 gongwen render 排版")
