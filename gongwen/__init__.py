"""gongwen: reply letters (答复函) from YAML to PDF and DOCX laid out to GB/T 9704-2012.

The front door (documented with examples in ``docs/api.md``)::

    import gongwen

    letter = gongwen.load("letters/zhuzhou-fgw-2022-reply.yaml")  # or gongwen.loads(text)
    result = gongwen.render(letter, ["pdf", "docx"])   # .document, .layout, .outputs
    gongwen.render_to(letter, "out")                   # out/<name>.pdf, out/<name>.docx
    gongwen.render_many(["letters"], "out")            # a batch, in worker processes
    gongwen.compare("a.yaml", "published.txt")         # text and structure differences
    gongwen.check_conformance("out/x.pdf")             # a GB/T 9704 report (path or bytes)
    gongwen.import_letter("reply.txt")                 # published text or DOCX → letter

Every mistake a user can make raises :class:`GongwenError`; a letter's problems raise
:class:`LetterError` listing each :class:`Problem` as ``FILE:LINE:COL: field: message``.
Names are imported on first use, so ``import gongwen`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .api import (
        LoadedLetter,
        check_conformance,
        compare,
        import_letter,
        load,
        loads,
        render,
        render_many,
        render_to,
    )
    from .errors import GongwenError, LetterError, Problem
    from .export import ExportContext, register
    from .layout import Layout
    from .pipeline import Rendered

_LAZY = {
    "LoadedLetter": "api",
    "load": "api",
    "loads": "api",
    "render": "api",
    "render_to": "api",
    "render_many": "api",
    "compare": "api",
    "check_conformance": "api",
    "import_letter": "api",
    "Rendered": "pipeline",
    "Layout": "layout",
    "ExportContext": "export",
    "register": "export",
    "GongwenError": "errors",
    "LetterError": "errors",
    "Problem": "errors",
}

__all__ = [  # noqa: RUF022 - the order of the docs
    "__version__",
    "LoadedLetter",
    "load",
    "loads",
    "render",
    "render_to",
    "render_many",
    "compare",
    "check_conformance",
    "import_letter",
    "Rendered",
    "Layout",
    "ExportContext",
    "register",
    "GongwenError",
    "LetterError",
    "Problem",
]
assert set(__all__) == {"__version__", *_LAZY}


def _version() -> str:
    """The installed distribution's version, else the one in the checkout's pyproject.toml."""
    from importlib import metadata

    try:
        return metadata.version("gongwen")
    except metadata.PackageNotFoundError:
        import tomllib
        from pathlib import Path

        try:
            with (Path(__file__).resolve().parent.parent / "pyproject.toml").open("rb") as f:
                return str(tomllib.load(f)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    else:
        raise AttributeError(f"module 'gongwen' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
