"""docs/api.md's examples run: every ```python block, in order, in one namespace, in a
folder holding a copy of letters/ (as a reader would run them from a checkout)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
from pathlib import Path

from .conftest import ROOT

DOC = ROOT / "docs" / "api.md"


def blocks() -> list[tuple[int, str]]:
    text = DOC.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 2, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```$", text, re.M | re.S)]


def test_api_examples_run(tmp_path: Path) -> None:
    from gongwen.export import EXPORTERS

    found = blocks()
    assert len(found) >= 10
    shutil.copytree(ROOT / "letters", tmp_path / "letters")
    here = os.getcwd()
    namespace: dict[str, object] = {"__name__": "api_md"}
    out = io.StringIO()
    os.chdir(tmp_path)
    try:
        for line, code in found:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"{DOC}:{line}", "exec"), namespace)
    finally:
        os.chdir(here)
        EXPORTERS.pop("proof", None)
    printed = out.getvalue()
    assert "draft.yaml:4:" in printed and "zhuzhou-fgw-2022-reply.pdf" in printed
    assert (tmp_path / "out" / "zhuzhou-fgw-2022-reply.docx").is_file()
    assert (tmp_path / "out-batch" / "zhuzhou-fgw-2022-reply.pdf").is_file()
