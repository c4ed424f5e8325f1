"""JSON Schemas of gongwen's JSON outputs, shipped inside the package.

Every JSON document gongwen writes for tools (``batch --report``, ``diff --format json``,
``check --format json``) starts with the same two fields: ``"schema"``, the document's kind
and version (``"gongwen-diff/1"``), and ``"gongwen_version"``. The version goes up when a
field changes meaning or is removed; added fields keep it. ``<kind>.schema.json`` here is the
JSON Schema (draft 2020-12) of each; a problem with an input is always the same object,
``{"file", "line", "column", "field", "message"}`` (:class:`gongwen.errors.Problem`).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata, resources
from typing import Any

VERSIONS = {"batch-report": 2, "diff": 1, "check": 1}


def schema_id(kind: str) -> str:
    """``"gongwen-diff/1"``: the value of a document's ``"schema"`` field."""
    return f"gongwen-{kind}/{VERSIONS[kind]}"


def gongwen_version() -> str:
    """The installed gongwen's version."""
    try:
        return metadata.version("gongwen")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0+unknown"


def header(kind: str) -> dict[str, str]:
    """The two fields every JSON output starts with."""
    return {"schema": schema_id(kind), "gongwen_version": gongwen_version()}


@cache
def load(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (``"batch-report"``, ``"diff"`` or ``"check"``)."""
    text = resources.files(__name__).joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
