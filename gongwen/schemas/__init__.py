"""JSON Schemas of gongwen's JSON outputs, shipped inside the package.

Every JSON document gongwen writes for tools (``batch --report``, ``diff --format json``,
``check --format json``, ``check --rules --format json``) starts with the same two fields:
``"schema"``, the document's kind and version (``"gongwen-diff/1"``), and
``"gongwen_version"``. The version goes up when a field changes meaning or is removed; added
fields keep it. ``<kind>.schema.json`` here is the JSON Schema (draft 2020-12) of each; a
problem with an input is always the same object, ``{"file", "line", "column", "field",
"message"}`` (:class:`gongwen.errors.Problem`).
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

VERSIONS = {"batch-report": 2, "diff": 1, "check": 1, "check-rules": 1}


def schema_id(kind: str) -> str:
    """``"gongwen-diff/1"``: the value of a document's ``"schema"`` field."""
    return f"gongwen-{kind}/{VERSIONS[kind]}"


def gongwen_version() -> str:
    """The installed gongwen's version (``gongwen.__version__``)."""
    import gongwen

    return gongwen.__version__


def header(kind: str) -> dict[str, str]:
    """The two fields every JSON output starts with."""
    return {"schema": schema_id(kind), "gongwen_version": gongwen_version()}


@cache
def load(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (``"batch-report"``, ``"diff"``, ``"check"`` or
    ``"check-rules"``)."""
    text = resources.files(__name__).joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


LETTER_SCHEMA = "letter.schema.json"


def letter_schema_reference(dest: Path | None) -> tuple[str, Path | None]:
    """The ``$schema`` path for a letter written to ``dest`` (stdout: None, from the current
    folder), relative to the letter so that it keeps working when the folder moves.

    It names the nearest ``letter.schema.json`` or ``schema/letter.schema.json`` in the
    letter's folder or above (as in this repository: ``../schema/letter.schema.json``).
    Where there is none, it names ``letter.schema.json`` beside the letter and returns that
    path as the second item, for :func:`write_letter_schema_for` to write once the letter
    itself is written.
    """
    folder = Path(os.path.abspath(dest.parent if dest is not None else Path.cwd()))
    for above in (folder, *folder.parents):
        for candidate in (above / LETTER_SCHEMA, above / "schema" / LETTER_SCHEMA):
            if candidate.is_file():
                return Path(os.path.relpath(candidate, folder)).as_posix(), None
    return LETTER_SCHEMA, (folder / LETTER_SCHEMA if dest is not None else None)


def write_letter_schema_for(letter: Path) -> Path | None:
    """After ``letter`` is written: write the letter JSON Schema (``gongwen schema``) beside
    it when its ``$schema`` line names a file there that is missing; the path written."""
    from ..model import letter_schema
    from ..output import write_atomic

    missing = letter_schema_reference(letter)[1]
    if missing is None:
        return None
    text = json.dumps(letter_schema(), ensure_ascii=False, indent=2) + "\n"
    write_atomic(missing, text.encode("utf-8"))
    return missing
