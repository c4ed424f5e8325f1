"""``gongwen serve [DIR]``: the letters of a folder in a local web application."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_command(
        dir: Annotated[
            Path, typer.Argument(help="放信件的文件夹（只在其中读写）", show_default="当前目录")
        ] = Path("."),
        host: Annotated[
            str, typer.Option("--host", metavar="ADDR",
                              help="监听的地址；本机以外的地址须同时给 --token")
        ] = "127.0.0.1",
        port: Annotated[
            int, typer.Option("--port", "-p", metavar="N", help="端口（0：任选空闲端口）",
                              min=0, max=65535)
        ] = 8000,
        token: Annotated[
            str | None, typer.Option("--token", metavar="TOKEN",
                                     help="访问令牌：打开地址时须带 ?token=TOKEN")
        ] = None,
        fonts: Annotated[
            str, typer.Option("--fonts", metavar="auto|open|official",
                              help="字体：auto 优先用已安装的公文字体，open 只用自带开源字体，"
                              "official 要求公文字体")
        ] = "auto",
        templates: Annotated[
            list[Path] | None,
            typer.Option("--templates", metavar="DIR",
                         help="自己的模板目录（优先于自带模板），可重复"),
        ] = None,
    ) -> None:
        """在浏览器中编辑、预览、检查和保存信件：启动本机的网页服务并打印地址（不自动打开浏览器）。

        新建（按模板、导入公布的答复函、上传 YAML）、表单与 YAML 同步编辑、随改随排的版面预览、
        版式检查、与参照文本比较、下载 PDF 和 DOCX，保存回 DIR；批量排版 DIR 中的全部信件。
        默认只在本机（127.0.0.1）可访问。"""
        from ..errors import GongwenError, unknown_choice
        from ..web import serve

        if fonts not in ("auto", "open", "official"):
            raise GongwenError(unknown_choice("--fonts", fonts, ("auto", "open", "official")))
        serve(dir, host, port, token=token, fonts=fonts, template_dirs=list(templates or []),
              announce=lambda line: typer.echo(line))
