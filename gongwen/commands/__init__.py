"""CLI commands that live beside the feature they drive.

Each module here defines ``register(app: typer.Typer) -> None``; ``gongwen.cli`` calls it for
every module in this package, in name order, so a feature adds its command without editing
``cli.py``. Commands stay thin: they parse options and call the feature's functions.
"""

from __future__ import annotations

from typing import Annotated

import typer

# An option shared by ``gongwen render`` (cli.py) and ``gongwen batch``.
PdfaOpt = Annotated[
    bool,
    typer.Option("--pdfa", help="PDF 按 PDF/A-2b 生成（长期保存、归档）；同 options.pdf_standard"),
]


def pdfa_options(pdfa: bool) -> dict[str, object]:
    """The exporter options ``--pdfa`` sets."""
    return {"pdf_standard": "PDF/A-2b"} if pdfa else {}
