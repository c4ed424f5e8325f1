"""The web application (Starlette): pages, the JSON endpoints behind them, and the guards.

Routes are thin: they read the request, call :mod:`gongwen.web.letters` (the public API
underneath), :class:`~gongwen.web.folder.Folder` or the previewer, and answer JSON; a user's
mistake is ``{"error": "…"}`` in Chinese with a 4xx status, never a traceback.

Guards (:class:`Guard`, in front of every request):

* ``Host`` must name the address the server is bound to (a page on another site cannot
  reach a server on 127.0.0.1 through DNS rebinding);
* with a token (required when bound to anything but the loopback interface), every request
  carries it: opening ``/?token=…`` once sets an HttpOnly, SameSite=Strict cookie;
* every POST carries the page's per-process ``X-Gongwen-CSRF`` value, which a page of
  another origin cannot read, and a foreign ``Origin`` is refused;
* request bodies are size-limited while they are read.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import limits
from ..errors import GongwenError, LetterError
from . import form as form_mod
from . import letters
from .batchrun import BatchRunner
from .folder import Folder, PathRefused, SaveConflict, digest
from .preview import Previewer

HERE = Path(__file__).parent
TOKEN_COOKIE = "gongwen-token"
CSRF_HEADER = "x-gongwen-csrf"
MAX_JSON_BYTES = 4 * 1024 * 1024  # a letter (2 MiB of YAML) with its form data
MAX_DRAFTS = 100


class RequestError(Exception):
    """A request the application refuses: its status and Chinese message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class Settings:
    """How the application was started (``gongwen serve``)."""

    root: Path
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    fonts: str = "auto"
    template_dirs: list[Path] = field(default_factory=list)
    warm: bool = True  # read the folder's letters' glyph outlines in the background


# --------------------------------------------------------------------------------------------
# Guard


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class Guard:
    """ASGI middleware: host, token, CSRF and origin checks; security headers."""

    def __init__(self, app: ASGIApp, settings: Settings, csrf: str):
        self.app, self.settings, self.csrf = app, settings, csrf
        port = settings.port
        names = {settings.host, *(LOOPBACK if is_loopback(settings.host) else ())}
        self.hosts = {f"[{h}]" if ":" in h else h for h in names}
        self.hosts |= {f"{h}:{port}" for h in set(self.hosts)}
        self.any_host = settings.host in ("0.0.0.0", "::")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        refused = self.refuse(scope, headers)
        if refused is not None:
            await refused(scope, receive, send)
            return

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"content-security-policy",
                     b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                     b"img-src 'self' data: blob:; frame-src 'self' blob:; object-src 'none'; "
                     b"base-uri 'none'; form-action 'self'; frame-ancestors 'self'"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_headers)

    def refuse(self, scope: Scope, headers: dict[str, str]) -> Response | None:
        host = headers.get("host", "")
        if not self.any_host and host not in self.hosts:
            return _text(400, f"不接受的 Host：{host!r}；请用 gongwen serve 打印的地址访问")
        token = self.settings.token
        if token is not None:
            given = _cookie(headers.get("cookie", ""), TOKEN_COOKIE)
            auth = headers.get("authorization", "")
            if auth.startswith("Bearer "):
                given = auth[7:]
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if scope["method"] == "GET" and "token" in query:
                if not hmac.compare_digest(query["token"].encode(), token.encode()):
                    return _text(401, "访问令牌不对；请用 gongwen serve 打印的地址访问")
                rest = urlencode({k: v for k, v in query.items() if k != "token"})
                response = RedirectResponse(scope["path"] + (f"?{rest}" if rest else ""), 303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return response
            if given is None or not hmac.compare_digest(given.encode(), token.encode()):
                return _text(401, "需要访问令牌；请用 gongwen serve 打印的地址（含 ?token=…）访问")
        if scope["method"] not in ("GET", "HEAD"):
            origin = headers.get("origin")
            if origin is not None and origin.split("://", 1)[-1] != host:
                return _json_error(403, "拒绝来自其他网站的请求")
            if not hmac.compare_digest(headers.get(CSRF_HEADER, "").encode(), self.csrf.encode()):
                return _json_error(403, "请求缺少本页的校验值；请刷新页面后重试")
        return None


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _text(status: int, message: str) -> Response:
    return Response(message + "\n", status, media_type="text/plain; charset=utf-8")


def _json_error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it passes ``limit`` bytes."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        raise RequestError(413, f"上传的内容太大（{int(length)} 字节，上限 {limit} 字节）")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise RequestError(413, f"上传的内容太大（超过上限 {limit} 字节）")
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: Request, limit: int = MAX_JSON_BYTES) -> dict[str, Any]:
    body = await read_body(request, limit)
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        raise RequestError(400, "请求内容不是有效的 JSON") from None
    if not isinstance(value, dict):
        raise RequestError(400, "请求内容应是 JSON 对象")
    return value


def _str(payload: dict[str, Any], key: str, default: str | None = None) -> str:
    value = payload.get(key, default)
    if not isinstance(value, str):
        raise RequestError(400, f"请求缺少文字字段 {key}")
    return value


# --------------------------------------------------------------------------------------------
# The application's state


@dataclass
class Draft:
    """A letter started in the browser and not saved yet."""

    yaml: str
    name: str  # suggested file name
    notes: list[str] = field(default_factory=list)


class State:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.folder = Folder(settings.root)
        self.previewer = Previewer(settings.fonts)
        self.batch = BatchRunner(self.folder.root, settings.fonts)
        self.csrf = secrets.token_urlsafe(24)
        self.drafts: OrderedDict[str, Draft] = OrderedDict()
        self._drafts_lock = threading.Lock()
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True, lstrip_blocks=True,
        )

    def add_draft(self, draft: Draft) -> str:
        key = uuid.uuid4().hex
        with self._drafts_lock:
            self.drafts[key] = draft
            while len(self.drafts) > MAX_DRAFTS:
                self.drafts.popitem(last=False)
        return key

    def draft(self, key: str) -> Draft:
        with self._drafts_lock:
            found = self.drafts.get(key)
        if found is None:
            raise RequestError(404, "这封新信件已不在服务器上（服务重启过？）；请重新新建")
        return found

    # the letter a request is about: its name in problems and its folder
    def where(self, payload: dict[str, Any]) -> tuple[str, Path]:
        file = payload.get("file")
        if isinstance(file, str) and file:
            path = self.folder.resolve(file, must_exist=False)
            return file, path.parent
        name = payload.get("name")
        name = letters.safe_upload_name(name, letters.DRAFT_NAME) if isinstance(name, str) \
            else letters.DRAFT_NAME
        return name, self.folder.root

    def page(self, template: str, **context: Any) -> HTMLResponse:
        html = self.env.get_template(template).render(csrf=self.csrf, **context)
        return HTMLResponse(html)

    def form_html(self, data: Any) -> str:
        return self.env.get_template("form.html").render(nodes=form_mod.build(data))


def _formats() -> list[str]:
    from ..export import formats

    return list(formats())


# --------------------------------------------------------------------------------------------
# Endpoints


def create_app(settings: Settings) -> Starlette:
    """The application serving ``settings.root``."""
    state = State(settings)

    def handle(func):  # type: ignore[no-untyped-def]
        async def endpoint(request: Request) -> Response:
            try:
                return await func(request)
            except RequestError as exc:
                return _json_error(exc.status, exc.message)
            except SaveConflict as exc:
                return _json_error(409, str(exc), conflict=True)
            except PathRefused as exc:
                return _json_error(403, str(exc))
            except LetterError as exc:
                return _json_error(400, str(exc), problems=letters.problems_json(exc.problems))
            except GongwenError as exc:
                return _json_error(400, str(exc))

        return endpoint

    # --- pages --------------------------------------------------------------------------

    async def home(request: Request) -> Response:
        from ..templates import list_templates

        kinds = await run_in_threadpool(list_templates, settings.template_dirs)
        templates = [
            {"kind": k, "summary": info.summary, "variables": [
                {"name": v.name, "label": v.label or v.name, "help": v.help,
                 "required": v.required,
                 "multiline": any(w in v.help for w in ("列出多个", "每", "；"))}
                for v in info.variables]}
            for k, info in kinds.items()
        ]
        return state.page("home.html", root=str(state.folder.root),
                          letters=state.folder.letters(), templates=templates)

    async def edit(request: Request) -> Response:
        file = request.query_params.get("file")
        draft_key = request.query_params.get("draft")
        notes: list[str] = []
        if file:
            data, _ = await run_in_threadpool(state.folder.read, file)
            base: str | None = digest(data)
            from ..filetype import decode_text

            text = decode_text(data, file, "信件应是 YAML 文件（.yaml）")
            name = file
        elif draft_key:
            draft = state.draft(draft_key)
            text, name, base, notes = draft.yaml, draft.name, None, draft.notes
        else:
            raise RequestError(400, "请指定要编辑的信件")
        checked = letters.check_text(text, name, state.folder.root)
        initial = {
            "file": file or None, "name": name, "base": base, "yaml": text,
            "data": checked.data, "formats": _formats(), "notes": notes,
        }
        return state.page(
            "edit.html", name=name, saved=bool(file), notes=notes,
            form=state.form_html(checked.data) if checked.data is not None else "",
            initial=json.dumps(initial, ensure_ascii=False).replace("</", "<\\/"),
            formats=_formats(),
        )

    async def batch_page(request: Request) -> Response:
        return state.page("batch.html", root=str(state.folder.root), formats=_formats(),
                          count=len(state.folder.letters()))

    async def files(request: Request) -> Response:
        rel = request.path_params["path"]
        path = state.folder.resolve(rel, suffixes=None)
        from starlette.responses import FileResponse

        return FileResponse(path, filename=path.name)

    # --- editing ------------------------------------------------------------------------

    async def sync(request: Request) -> Response:
        payload = await read_json(request)
        name, base_dir = state.where(payload)
        view = payload.get("view") if isinstance(payload.get("view"), str) else ""
        want_form = bool(payload.get("form"))
        want_preview = payload.get("preview", True) is not False

        def work() -> dict[str, Any]:
            if "data" in payload:
                previous = payload.get("yaml") if isinstance(payload.get("yaml"), str) else ""
                text = letters.yaml_from_data(payload["data"], previous)
            else:
                text = _str(payload, "yaml")
            from_yaml = "data" not in payload
            checked = letters.check_text(text, name, base_dir, data=from_yaml or want_form)
            answer: dict[str, Any] = {
                "yaml": text, "problems": letters.problems_json(checked.problems),
            }
            if from_yaml:
                answer["data"] = checked.data
            if want_form and checked.data is not None:
                answer["form"] = state.form_html(checked.data)
            if checked.letter is not None and want_preview:
                known = payload.get("pages")
                known = [h for h in known if isinstance(h, str)] if isinstance(known, list) else []
                try:
                    preview = state.previewer.render(checked.letter, view, known)
                except LetterError as exc:
                    answer["problems"] = letters.problems_json(exc.problems)
                else:
                    answer["preview"] = preview.to_json()
                    answer["warnings"] = letters.problems_json(preview.warnings, "warning")
            return answer

        return JSONResponse(await run_in_threadpool(work))

    async def new(request: Request) -> Response:
        payload = await read_json(request)
        kind = _str(payload, "kind")
        values = payload.get("values") or {}
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in values.items()
        ):
            raise RequestError(400, "模板变量应是文字")
        name = letters.safe_upload_name(f"{kind}.yaml", letters.DRAFT_NAME)
        text = await run_in_threadpool(
            letters.from_template, kind, values, state.folder.root / name,
            settings.template_dirs,
        )
        return JSONResponse({"draft": state.add_draft(Draft(text, name))})

    async def import_(request: Request) -> Response:
        data = await read_body(request, limits.MAX_INPUT_BYTES)
        upload = letters.safe_upload_name(request.query_params.get("name", ""), "导入.txt")
        name = Path(upload).stem + ".yaml"
        text, guesses = await run_in_threadpool(
            letters.from_import, data, upload, state.folder.root / name
        )
        notes = [f"由 {upload} 导入；带注释处是推测，请核对"] if guesses else []
        return JSONResponse({"draft": state.add_draft(Draft(text, name, notes)),
                             "guesses": guesses})

    async def upload(request: Request) -> Response:
        data = await read_body(request, limits.MAX_YAML_BYTES)
        name = letters.safe_upload_name(request.query_params.get("name", ""), "上传.yaml")
        text = letters.from_upload(data, name)
        if Path(name).suffix.lower() not in (".yaml", ".yml"):
            name = Path(name).stem + ".yaml"
        return JSONResponse({"draft": state.add_draft(Draft(text, name))})

    def _valid(payload: dict[str, Any]) -> Any:
        name, base_dir = state.where(payload)
        checked = letters.check_text(_str(payload, "yaml"), name, base_dir)
        if checked.letter is None:
            raise LetterError(checked.problems)
        return checked.letter

    async def export(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        payload = await read_json(request)
        if fmt == "yaml":
            name, _ = state.where(payload)
            data = _str(payload, "yaml").encode("utf-8")
            return _download(Path(name).name, data, letters.MEDIA_TYPES["yaml"])
        if fmt not in _formats():
            raise RequestError(404, f"没有 {fmt} 这种格式；可用：{'、'.join(_formats())}")
        letter = await run_in_threadpool(_valid, payload)
        file_name, data, media = await run_in_threadpool(
            letters.export, letter, fmt, settings.fonts
        )
        return _download(file_name, data, media)

    async def check(request: Request) -> Response:
        payload = await read_json(request)
        letter = await run_in_threadpool(_valid, payload)
        return JSONResponse(await run_in_threadpool(letters.check, letter, settings.fonts))

    async def diff(request: Request) -> Response:
        payload = await read_json(request, MAX_JSON_BYTES + limits.MAX_INPUT_BYTES * 4 // 3 + 4)
        name, _ = state.where(payload)
        reference_name = letters.safe_upload_name(_str(payload, "reference_name"), "参照.txt")
        try:
            reference = base64.b64decode(_str(payload, "reference"), validate=True)
        except (binascii.Error, ValueError):
            raise RequestError(400, "参照文件的内容无效") from None
        await run_in_threadpool(_valid, payload)
        html, same = await run_in_threadpool(
            lambda: letters.diff_html(
                _str(payload, "yaml"), Path(name).name, reference, reference_name,
                layout=bool(payload.get("layout")), fonts=settings.fonts,
            )
        )
        return JSONResponse({"html": html, "identical": same})

    async def save(request: Request) -> Response:
        payload = await read_json(request)
        file = _str(payload, "file")
        text = _str(payload, "yaml")
        base = payload.get("base")
        if base is not None and not isinstance(base, str):
            raise RequestError(400, "base 应是文件的哈希值")
        new_base = await run_in_threadpool(state.folder.save, file, text.encode("utf-8"), base)
        checked = letters.check_text(text, file, state.folder.resolve(file).parent)
        return JSONResponse({"file": file, "base": new_base,
                             "problems": len(checked.problems)})

    async def batch_start(request: Request) -> Response:
        from ..pipeline import parse_formats

        payload = await read_json(request)
        out = _str(payload, "out", "out").strip().strip("/") or "out"
        formats = parse_formats(payload.get("formats") or ["pdf", "docx"])
        out_dir = state.folder.resolve(out, suffixes=None, must_exist=False)
        if out_dir.exists() and not out_dir.is_dir():
            raise RequestError(400, f"{out}: 是已有的文件，不是目录")
        state.batch.begin(out_dir, out, formats)
        return JSONResponse(state.batch.status())

    async def batch_status(request: Request) -> Response:
        return JSONResponse(state.batch.status())

    routes = [
        Route("/", handle(home)),
        Route("/edit", handle(edit)),
        Route("/batch", handle(batch_page)),
        Route("/files/{path:path}", handle(files)),
        Route("/api/sync", handle(sync), methods=["POST"]),
        Route("/api/new", handle(new), methods=["POST"]),
        Route("/api/import", handle(import_), methods=["POST"]),
        Route("/api/upload", handle(upload), methods=["POST"]),
        Route("/api/export/{fmt}", handle(export), methods=["POST"]),
        Route("/api/check", handle(check), methods=["POST"]),
        Route("/api/diff", handle(diff), methods=["POST"]),
        Route("/api/save", handle(save), methods=["POST"]),
        Route("/api/batch", handle(batch_start), methods=["POST"]),
        Route("/api/batch", handle(batch_status), methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes)
    app.state.gongwen = state
    app.add_middleware(Guard, settings=settings, csrf=state.csrf)
    if settings.warm:
        threading.Thread(target=_warm, args=(state,), daemon=True, name="gongwen-warm").start()
    return app


def _download(name: str, data: bytes, media: str) -> Response:
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type=media, headers={"content-disposition": disposition})


MAX_WARM = 20


def _warm(state: State) -> None:
    """Read the outlines of the first letters of the folder, for a quick first preview."""
    import gongwen

    loaded = []
    for item in state.folder.letters()[:MAX_WARM]:
        try:
            loaded.append(gongwen.load(state.folder.root / item.path))
        except GongwenError:
            continue
    state.previewer.warm(loaded)
