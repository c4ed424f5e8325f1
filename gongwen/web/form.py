"""The editing form, built from the letter model: one widget per field, found by its type.

The form is not written by hand field by field: :func:`fields_of` reads a model class
(:class:`gongwen.model.Letter` and the models inside it) and gives each field a widget by its
type — text, lines (a list of texts, one a line), a choice (an enum), a switch (bool), a date,
a group (a nested model), a list of groups (contacts, attachments), the body's tree of
sections and paragraphs, or a table of names and values — with its label and help taken
from the field's Chinese description. A field added to the model appears in the form.

:func:`build` turns a letter's plain data (as the loader reads it: strings, lists, dicts, in
whatever shape the user wrote) into :class:`Node`\\ s the page template draws; a value whose
shape the form cannot show is drawn read-only with a pointer to the YAML tab, so editing in
the form never drops what it does not show. :func:`ordered` puts data in the model's field
order before it is written as YAML.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any, Union

from pydantic import BaseModel, TypeAdapter, ValidationError

from .. import model as letter_model
from ..loader import dotted

Path_ = tuple[str | int, ...]

# Fields drawn as a text area rather than one line: texts where a line break is allowed or
# usual (a title broken over lines, a paragraph, a note).
MULTILINE = {"title", "text", "note"}
# Shorter labels where the description's first words are an explanation, not a name.
LABELS = {
    "contacts": "联系人",
    "addressees": "主送",
    "variables": "变量",
    "signers": "签发人",
    "heading": "标题",
    "text": "正文",
    "number": "序号",
    "title": "标题",
    "signature": "署名",
    "mode": "方式",
}
# Groups drawn folded (rarely changed).
FOLDED = {"options", "variables"}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field of a model and the widget it gets."""

    name: str
    kind: str  # text | multiline | lines | enum | bool | date | group | groups | blocks | mapping
    label: str
    help: str
    required: bool
    default: Any = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) of an enum
    optional_choice: bool = False  # an empty choice is allowed (the field may be absent)
    model: type[BaseModel] | None = None  # of a group or of each item of groups


def _strip(annotation: Any) -> tuple[Any, bool]:
    """The annotation without ``Annotated`` and ``None``; whether None was allowed."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == len(typing.get_args(annotation)) or len(args) != 1:
                return annotation, optional  # a real union (the body's blocks)
            optional, annotation = True, args[0]
        else:
            return annotation, optional


def _is_blocks(item: Any) -> bool:
    """A list item type that is the body's union of sections, paragraphs and texts."""
    item, _ = _strip(item)
    if typing.get_origin(item) not in (Union, types.UnionType):
        return False
    return any(_strip(a)[0] is letter_model.Section for a in typing.get_args(item))


def label_and_help(name: str, description: str | None) -> tuple[str, str]:
    """A short label (the description up to its first '：，；（') and the whole as help."""
    text = (description or "").strip()
    head = re.split(r"[：，；（:]", text, maxsplit=1)[0].strip() if text else ""
    label = LABELS.get(name) or head or name
    return label, text


def _choices(enum: type[Enum], description: str) -> tuple[tuple[str, str], ...]:
    """Each enum value with the Chinese words its description gives it ('plain 无版头')."""
    out = []
    for member in enum:
        value = str(member.value)
        m = re.search(rf"(?<![\w]){re.escape(value)}\s+([^、，；,;\s]+)", description)
        label = f"{m.group(1)}（{value}）" if m else value
        out.append((value, label))
    return tuple(out)


@cache
def fields_of(model: type[BaseModel]) -> tuple[FieldSpec, ...]:
    """The form's fields of ``model``, in the model's order."""
    specs = []
    for name, info in model.model_fields.items():
        annotation, optional = _strip(info.annotation)
        label, help_text = label_and_help(name, info.description)
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        origin = typing.get_origin(annotation)
        kind, sub, choices = "text", None, ()
        if origin is list:
            (item,) = typing.get_args(annotation)
            item_type, _ = _strip(item)
            if _is_blocks(item):
                kind = "blocks"
            elif isinstance(item_type, type) and issubclass(item_type, BaseModel):
                kind, sub = "groups", item_type
            else:
                kind = "lines"
        elif origin is dict:
            kind = "mapping"
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            kind, sub = "group", annotation
        elif isinstance(annotation, type) and issubclass(annotation, Enum):
            kind, choices = "enum", _choices(annotation, help_text)
        elif annotation is bool:
            kind = "bool"
        elif annotation is dt.date:
            kind = "date"
        elif name in MULTILINE:
            kind = "multiline"
        if isinstance(default, Enum):
            default = default.value
        specs.append(FieldSpec(
            name, kind, label, help_text, info.is_required(), default, choices,
            optional_choice=optional or (kind == "enum" and default is None), model=sub,
        ))
    return tuple(specs)


# --------------------------------------------------------------------------------------------
# Nodes: the form for one letter's data


@dataclass
class Node:
    """One thing the template draws: a field with its value, or a group of nodes."""

    kind: str
    path: Path_
    label: str = ""
    help: str = ""
    value: Any = None
    spec: FieldSpec | None = None
    children: list[Node] = field(default_factory=list)
    unshown: bool = False  # the data here has a shape the form cannot show: edit it as YAML
    folded: bool = False
    hidden: bool = False

    @property
    def field(self) -> str:
        """The dotted field name problems use (``body[2].heading``)."""
        return dotted(self.path)

    @property
    def path_json(self) -> str:
        return json.dumps(list(self.path), ensure_ascii=False)

    def child_json(self, key: str) -> str:
        """The data path of a key inside this node's value."""
        return json.dumps([*self.path, key], ensure_ascii=False)


def _text(value: Any) -> tuple[str, bool]:
    """A scalar as the text of an input; (text, shown)."""
    if value is None:
        return "", True
    if isinstance(value, bool):
        return ("true" if value else "false"), True
    if isinstance(value, (str, int, float)):
        return str(value), True
    return "", False


def _lines(value: Any) -> tuple[str, bool]:
    if value is None:
        return "", True
    if isinstance(value, str):
        return value, True
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return "\n".join(str(v) for v in value), True
    return "", False


_BOOL = TypeAdapter(bool)


def _bool(value: Any, default: Any) -> tuple[bool, bool]:
    if value is None:
        return bool(default), True
    try:
        return _BOOL.validate_python(value), True
    except ValidationError:
        return bool(default), False


def _mapping(value: Any) -> tuple[str, bool]:
    if value is None:
        return "", True
    if isinstance(value, dict) and all(isinstance(v, (str, int, float)) for v in value.values()):
        return "\n".join(f"{k}: {v}" for k, v in value.items()), True
    return "", False


def build(data: Any) -> list[Node]:
    """The form's nodes for a letter's plain data (any shape: it may come from bad YAML)."""
    return _fields(letter_model.Letter, data if isinstance(data, dict) else {}, ())


def _fields(model: type[BaseModel], data: dict[str, Any], path: Path_) -> list[Node]:
    nodes = []
    fmt = data.get("format") if model is letter_model.Letter else None
    for spec in fields_of(model):
        node = _field(spec, data.get(spec.name), (*path, spec.name))
        node.folded = spec.name in FOLDED
        if spec.name == "header" and model is letter_model.Letter:
            # 版头 is drawn when the format has one (or when the data has one anyway)
            node.hidden = fmt in (None, "plain") and not data.get("header")
        nodes.append(node)
    return nodes


def _field(spec: FieldSpec, value: Any, path: Path_) -> Node:
    node = Node(spec.kind, path, spec.label, spec.help, spec=spec)
    if spec.kind in ("text", "multiline", "date", "enum"):
        node.value, shown = _text(value)
        node.unshown = not shown
        if spec.kind == "enum" and value is None and spec.default is not None:
            node.value = str(spec.default)
    elif spec.kind == "lines":
        node.value, shown = _lines(value)
        node.unshown = not shown
    elif spec.kind == "mapping":
        node.value, shown = _mapping(value)
        node.unshown = not shown
    elif spec.kind == "bool":
        node.value, shown = _bool(value, spec.default)
        node.unshown = not shown
    elif spec.kind == "group":
        assert spec.model is not None
        if value is None or isinstance(value, dict):
            node.children = _fields(spec.model, value or {}, path)
        else:
            node.unshown = True
    elif spec.kind == "groups":
        assert spec.model is not None
        if value is None or isinstance(value, list):
            for i, item in enumerate(value or []):
                child = Node("item", (*path, i), f"{spec.label} {i + 1}")
                if isinstance(item, dict):
                    child.children = _fields(spec.model, item, (*path, i))
                else:
                    child.unshown = True
                node.children.append(child)
        else:
            node.unshown = True
    elif spec.kind == "blocks":
        if value is None or isinstance(value, list):
            node.children = [_block(item, (*path, i)) for i, item in enumerate(value or [])]
        else:
            node.unshown = True
    return node


def block_kind(item: Any) -> str:
    """``paragraph`` (a string, or a mapping of text and indent), ``section`` or ``unshown``."""
    if isinstance(item, str) or item is None:
        return "paragraph"
    if isinstance(item, dict):
        keys = set(item)
        if "heading" in keys and keys <= set(letter_model.Section.model_fields):
            return "section"
        if keys and keys <= set(letter_model.Paragraph.model_fields):
            return "paragraph"
    return "unshown"


def _block(item: Any, path: Path_) -> Node:
    kind = block_kind(item)
    if kind == "paragraph":
        if isinstance(item, dict):
            text, shown = _text(item.get("text"))
            indent, indent_shown = _bool(item.get("indent"), True)
            return Node("paragraph", path, "段落", value={"text": text, "indent": indent,
                                                          "mapping": True},
                        unshown=not (shown and indent_shown))
        return Node("paragraph", path, "段落",
                    value={"text": item or "", "indent": True, "mapping": False})
    if kind == "section":
        node = Node("section", path, "小节")
        node.children = _fields(letter_model.Section, item, path)
        return node
    return Node("unshown", path, "此项", unshown=True)


# --------------------------------------------------------------------------------------------
# Data in the model's order


def ordered(data: Any, model: type[BaseModel] = letter_model.Letter) -> Any:
    """``data`` with each mapping's keys in the model's field order (unknown keys last)."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    specs = {s.name: s for s in fields_of(model)}
    for name in [*specs, *data]:
        if name in out or name not in data:
            continue
        value, spec = data[name], specs.get(name)
        if spec is not None and spec.kind == "group" and spec.model is not None:
            value = ordered(value, spec.model)
        elif spec is not None and spec.kind == "groups" and isinstance(value, list):
            value = [ordered(v, spec.model) if spec.model else v for v in value]
        elif spec is not None and spec.kind == "blocks" and isinstance(value, list):
            value = [ordered(v, letter_model.Section) if block_kind(v) == "section" else v
                     for v in value]
        out[name] = value
    return out
