"""``gongwen serve``: a local web application to write, preview, check and save letters.

* :mod:`.app` — the Starlette application: pages, JSON endpoints, the guards;
* :mod:`.letters` — what is done with a letter, over the public API (``gongwen.render``,
  ``import_letter``, ``check_conformance``, ``compare``) and the loader;
* :mod:`.form` — the editing form, built from the letter model;
* :mod:`.preview` — the preview's SVG pages (:mod:`gongwen.export.svg`);
* :mod:`.folder` — the served folder: contained paths, saves with a conflict check;
* :mod:`.batchrun` — the batch page's background job (:mod:`gongwen.batch`);
* ``templates/`` and ``static/`` — the HTML templates, the CSS and the plain JavaScript.

:func:`serve` binds the socket, prints the address and runs uvicorn until interrupted.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import GongwenError, option

__all__ = ["bind", "serve"]

MIN_TOKEN = 16


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free port)."""
    import ipaddress

    try:
        family = socket.AF_INET6 if ipaddress.ip_address(host.strip("[]")).version == 6 \
            else socket.AF_INET
    except ValueError:
        family = socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        from ..errors import os_error_reason

        if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
            other = option("port", 8001)
            message = f"{option('port', port)}: 端口已被占用；请换一个端口，如 {other}"
            raise GongwenError(message) from None
        raise GongwenError(f"{option('host', host)}: 无法绑定（{os_error_reason(exc)}）") from None
    sock.listen(128)
    return sock


def check_token(host: str, token: str | None) -> None:
    """Bound to anything but the loopback interface, a token is required."""
    from .app import is_loopback

    if token is not None and len(token) < MIN_TOKEN:
        raise GongwenError(f"{option('token')}: 访问令牌太短（至少 {MIN_TOKEN} 个字符）")
    if token is None and not is_loopback(host):
        raise GongwenError(
            f"{option('host', host)}: 绑定到本机以外的地址时须用 {option('token')} 给出访问令牌"
            f"（至少 {MIN_TOKEN} 个字符的随机串）；只在本机使用请去掉 {option('host')}"
        )


def serve(
    root: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    token: str | None = None,
    fonts: str = "auto",
    template_dirs: list[Path] | None = None,
    warm: bool = True,
    announce: Callable[[str], None] = print,
) -> None:
    """Serve the letters of ``root`` at ``host:port`` until interrupted; ``warm`` reads the
    glyph outlines of the folder's first letters in the background at start."""
    import uvicorn

    from .app import Settings, create_app

    check_token(host, token)
    if not root.is_dir():
        what = "不是目录" if root.exists() else "没有这个目录"
        raise GongwenError(f"{root}: {what}；gongwen serve 服务一个放信件的文件夹")
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    settings = Settings(root, host, actual, token, fonts, list(template_dirs or []), warm)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{actual}/" + (f"?token={token}" if token else "")
    announce(f"gongwen serve：{settings.root} 中的信件在 {address}")
    announce("在浏览器中打开上面的地址；按 Ctrl-C 停止")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
