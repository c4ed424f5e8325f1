"""Where the files shipped with gongwen are: bundled fonts, built-in templates, JSON Schema.

The repository keeps them in its top-level folders ``fonts/``, ``templates/`` and
``schema/``. A wheel maps those folders into the package as ``gongwen/_fonts``,
``gongwen/_templates`` and ``gongwen/_schema`` (``setup.py``). So each folder is looked for
inside the imported package first (an installed wheel) and beside it second (a source
checkout, installed with ``pip install -e .`` or on ``sys.path``).

Both places are found from the package this module was imported from, never by importing a
name such as ``gongwen._fonts``: another copy of gongwen installed in editable mode would
answer that import with its own folders. Fonts must be real files (reportlab, fontTools and
LibreOffice open them by path), which they are in every pip installation.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

__all__ = ["FOLDERS", "folder", "schema_file"]

Folder = Literal["fonts", "templates", "schema"]
FOLDERS: dict[Folder, str] = {"fonts": "_fonts", "templates": "_templates", "schema": "_schema"}


def folder(name: Folder) -> Path:
    """The folder of the shipped ``name`` files: in the installed package, or the checkout's."""
    package = Path(str(resources.files(__package__)))
    inside = package / FOLDERS[name]
    if inside.is_dir():
        return inside
    return package.parent / name


def schema_file() -> Path:
    """The letter YAML's JSON Schema (``schema/letter.schema.json``)."""
    return folder("schema") / "letter.schema.json"
