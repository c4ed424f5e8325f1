"""Letter YAML → :class:`~gongwen.model.Letter`, with every problem located.

The only module that reads YAML. Loading is safe: the YAML is composed to nodes and turned
into plain dicts, lists and strings by hand, so no tag can construct an object, aliases are
refused (no alias bombs), and file size, node count and nesting depth are bounded (the node
count is estimated before the slow YAML scanner runs). Scalars stay the
strings the user wrote (``000001`` and ``28686334`` keep their digits); pydantic then parses
dates, booleans and enums from them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import limits
from . import model as model_mod
from .errors import MAX_PROBLEMS, LetterError, Problem, did_you_mean
from .filetype import ELSEWHERE, kind_message, sniff
from .model import Letter

if TYPE_CHECKING:  # ruamel.yaml is imported where it is used: most letters never need it
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import Node

MAX_FILE_BYTES = limits.MAX_YAML_BYTES
MAX_DEPTH = 40
MAX_NODES = 50_000  # a letter of 5 000 sections needs about 25 000

YAML_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{YAML_TAG}{t}" for t in ("str", "int", "float", "bool", "timestamp")}
_NULL_TAG = f"{YAML_TAG}null"
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# what the YAML reader refuses in the raw text (YAML 1.2's printable set, 5.1)
_UNPRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# every node but the first follows one of these: a flow separator or opener, a block
# sequence entry, or a mapping key's colon
_NODE_MARKS = re.compile(r"[,\[{]|(?:^|\s)-(?=\s)|:(?=\s)", re.M)

Path_ = tuple[str | int, ...]


class _Located:
    """Plain data built from YAML nodes, with the position of every value and key."""

    def __init__(self, file: str):
        self.file = file
        self.values: dict[Path_, tuple[int, int]] = {}
        self.keys: dict[Path_, tuple[int, int]] = {}
        self.containers: set[Path_] = set()
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def problem(self, node: Node, path: Path_, message: str) -> None:
        line, col = _pos(node)
        self.problems.append(Problem(self.file, line, col, dotted(path), message))

    def build(self, node: Node, path: Path_ = (), depth: int = 0) -> Any:
        if id(node) in self._seen:
            line, col = self.keys.get(path, _pos(node))
            message = "不支持锚点和别名（& 和 *）；请把内容直接写出"
            self.problems.append(Problem(self.file, line, col, dotted(path), message))
            raise _Refused
        self._seen.add(id(node))
        if len(self._seen) > MAX_NODES:
            raise _TooBig(node, path)
        if depth > MAX_DEPTH:
            raise _TooDeep(node, path)
        self.values[path] = _pos(node)
        if node.id != "scalar":
            self.containers.add(path)
        tag = str(node.tag.value if hasattr(node.tag, "value") else node.tag)
        if node.id == "scalar":  # ruamel.yaml's ScalarNode
            if tag == _NULL_TAG:
                return None
            if tag not in _PLAIN_TAGS:
                self.problem(node, path, f"不允许使用 YAML 标签 {tag.replace(YAML_TAG, '!!')}")
                return None
            value = node.value
            if node.style == ">":  # ruamel.yaml marks the folds of a folded scalar with BEL
                value = value.replace("\a", "")
            bad = _FORBIDDEN_CHARS.search(value)
            if bad:
                self.problem(
                    node, path, f"文字中有不可打印的控制字符 U+{ord(bad.group()):04X}"
                )
            return value
        if node.id == "sequence":
            if tag != f"{YAML_TAG}seq":
                self.problem(node, path, f"不允许使用 YAML 标签 {tag.replace(YAML_TAG, '!!')}")
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.id == "mapping":
            if tag != f"{YAML_TAG}map":
                self.problem(node, path, f"不允许使用 YAML 标签 {tag.replace(YAML_TAG, '!!')}")
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.id != "scalar":
                    self.problem(key_node, path, "字段名必须是简单的文字")
                    continue
                key = key_node.value
                if key in result:
                    self.problem(key_node, (*path, key), "字段重复出现")
                    continue
                self.keys[(*path, key)] = _pos(key_node)
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        self.problem(node, path, "无法识别的 YAML 内容")  # pragma: no cover
        return None


class _Refused(Exception):
    """Stop building: the problem is recorded and going on would only repeat it."""


class _TooDeep(Exception):
    def __init__(self, node: Node, path: Path_):
        self.node, self.path = node, path


class _TooBig(_TooDeep):
    pass


_OPEN_TOKENS = ("FlowSequenceStartToken", "FlowMappingStartToken", "BlockMappingStartToken",
                "BlockSequenceStartToken")
_CLOSE_TOKENS = ("FlowSequenceEndToken", "FlowMappingEndToken", "BlockEndToken")


def _check_text(text: str, file: str) -> None:
    """Refuse, before the YAML reader sees it, text it cannot read (a raw control character,
    located) and text with far too many items to be a letter (counted in C, fast)."""
    bad = _UNPRINTABLE.search(text)
    if bad:
        line, col = _line_col(text, bad.start())
        message = f"文件中有不可打印的控制字符 U+{ord(bad.group()):04X}"
        raise LetterError([Problem(file, line, col, "", message)])
    for marks, m in enumerate(_NODE_MARKS.finditer(text), 1):
        if marks > 2 * MAX_NODES:
            line, col = _line_col(text, m.start())
            raise LetterError([Problem(file, line, col, "", _too_many())])


def _too_many() -> str:
    return f"内容过多（超过 {MAX_NODES} 项）"


def _line_col(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _check_tokens(yaml: YAML, text: str, file: str) -> None:
    """Refuse deep nesting and too many items from the token stream, before the (recursive,
    slower) composer sees it."""
    depth = 0
    scalars = 0
    for token in yaml.scan(text):
        name = type(token).__name__
        if name in _OPEN_TOKENS:
            depth += 1
            if depth > MAX_DEPTH + 2:
                mark = token.start_mark
                message = f"嵌套过深（超过 {MAX_DEPTH} 层）"
                raise LetterError([Problem(file, mark.line + 1, mark.column + 1, "", message)])
        elif name in _CLOSE_TOKENS:
            depth -= 1
        elif name == "ScalarToken":
            scalars += 1
            if scalars > 2 * MAX_NODES:  # keys are scalars too
                mark = token.start_mark
                raise LetterError([Problem(file, mark.line + 1, mark.column + 1, "", _too_many())])


def _pos(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def dotted(path: Path_) -> str:
    """('body', 2, 'heading') → 'body[2].heading'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def read_data(path: Path) -> tuple[dict[str, Any], _Located]:
    """Read a YAML file into plain data, raising :class:`LetterError` on any problem."""
    file = str(path)
    try:
        raw = limits.read_bounded(path, MAX_FILE_BYTES)
    except limits.InputError as exc:
        message = exc.reason
        if message.startswith("是目录"):
            message = "是目录，不是信件文件；排版整个目录请用 gongwen batch"
        raise LetterError([Problem(file, 0, 0, "", message)]) from None
    kind = sniff(path, raw)
    if kind == "binary" and _stray_nul(raw):
        kind = "yaml"  # a letter with a stray NUL: reported where it stands (_check_text)
    if kind not in ("yaml", "text"):
        message = kind_message(kind, "信件应是 YAML 文件（.yaml）", ELSEWHERE.get(kind, ""))
        raise LetterError([Problem(file, 0, 0, "", message)])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:  # GB18030 (GBK) as Chinese Windows tools save it
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            line = raw[: exc.start].count(b"\n") + 1
            message = "文件不是 UTF-8 或 GB18030 编码的文字；请以 UTF-8 保存"
            raise LetterError([Problem(file, line, 1, "", message)]) from None
    return read_text_data(text, file)


def _stray_nul(raw: bytes) -> bool:
    """Text that is valid UTF-8 with a few NUL bytes: a letter, not a binary file."""
    if raw.count(b"\0") > 16:
        return False
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def read_text_data(text: str, file: str) -> tuple[dict[str, Any], _Located]:
    """:func:`read_data` for YAML text already in memory; ``file`` names it in problems."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise LetterError([Problem(file, 0, 0, "", f"内容太大（上限 {MAX_FILE_BYTES} 字节）")])
    _check_text(text, file)
    read = read_plain_yaml(text, file) or read_yaml(text, file)
    if not set(read[0]) & set(Letter.model_fields):
        # not a letter at all (a configuration file, a password file …): say so without
        # quoting any of its content
        message = "不是信件文件：顶层没有任何信件字段（如 title、body、signature）"
        raise LetterError([Problem(file, 1, 1, "", message)])
    return read


def read_yaml(text: str, file: str) -> tuple[dict[str, Any], _Located]:
    """The exact path of :func:`read_text_data`: ruamel.yaml's composer (YAML 1.2) and its
    marks, every problem located and worded."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    located = _Located(file)
    yaml = YAML(typ="rt", pure=True)
    try:
        _check_tokens(yaml, text, file)
        node = yaml.compose(text)
        data = located.build(node) if node is not None else None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = yaml_problem_text(exc.problem or exc.context or "")
        raise LetterError([Problem(file, line, col, "", f"YAML 语法错误：{what}")]) from None
    except YAMLError as exc:
        what = yaml_problem_text(str(exc))
        raise LetterError([Problem(file, 0, 0, "", f"YAML 语法错误：{what}")]) from None
    except _Refused:
        raise LetterError(located.problems) from None
    except _TooBig as exc:
        located.problem(exc.node, exc.path, _too_many())
        raise LetterError(located.problems) from None
    except (_TooDeep, RecursionError) as exc:
        if isinstance(exc, _TooDeep):
            located.problem(exc.node, exc.path, f"嵌套过深（超过 {MAX_DEPTH} 层）")
        else:
            located.problems.append(Problem(file, 0, 0, "", f"嵌套过深（超过 {MAX_DEPTH} 层）"))
        raise LetterError(located.problems) from None
    if data is None:
        raise LetterError([Problem(file, 1, 1, "", "文件是空的：需要一封信的内容")])
    if not isinstance(data, dict):
        raise LetterError(
            [Problem(file, 1, 1, "", "文件顶层应是字段表（如 title: …、body: …），不是列表或文字")]
        )
    if located.problems and set(data) & set(Letter.model_fields):
        raise LetterError(located.problems)
    return data, located


# --------------------------------------------------------------------------------------------
# The fast path: libyaml's events


_BAIL_CHARS = re.compile("[\t\x85\u2028\u2029\ufeff]")  # tabs; YAML 1.1 line breaks; BOM
_NULL = re.compile(r"~|null|Null|NULL")  # YAML 1.2 core schema (ruamel.yaml's resolver)


class _Bail(Exception):
    """The text needs the exact path: a problem to word, or YAML the fast path leaves alone."""


def read_plain_yaml(text: str, file: str) -> tuple[dict[str, Any], _Located] | None:
    """:func:`read_yaml`'s result for a letter in plain YAML, built from libyaml's event
    stream (PyYAML's C parser, about 50 times faster than ruamel.yaml's pure-Python one);
    None when the letter needs :func:`read_yaml`.

    The data and positions are the same: scalars stay the strings written, an untagged plain
    scalar ``~``/``null``/``Null``/``NULL``/empty is None (ruamel.yaml's YAML 1.2 reading;
    YAML 1.1's ``yes``/``on``/octal/sexagesimal forms only change tags, and every tag is a
    string here), marks are lines and columns in characters. Whatever the fast path does not
    read the way ruamel.yaml does is left to it, together with every problem, so that its
    messages stay the only ones: a tag, an anchor or alias, a ``%`` directive, a second
    document, ``<<`` or ``=`` (merge and value keys), an empty key or value (ruamel.yaml marks
    an empty value where the next token starts), a complex or repeated key, a control
    character, a tab (ruamel.yaml refuses some that libyaml reads), characters that are line
    breaks in YAML 1.1 only (U+0085, U+2028, U+2029), a byte order mark inside the text,
    nesting deeper than :data:`MAX_DEPTH`, more than :data:`MAX_NODES` items, and any syntax
    error. The event stream is read iteratively, so that deep nesting costs no stack
    (libyaml's own composer recurses in C).
    """
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML is a dependency
        return None
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None or _BAIL_CHARS.search(text) or _FORBIDDEN_CHARS.search(text):
        return None
    try:
        data = _from_events(yaml.parse(text, Loader=loader), _Located(file), yaml)
    except (_Bail, yaml.YAMLError):
        return None
    if data is None:
        return None
    return data


def _from_events(events, located: _Located, yaml) -> tuple[dict[str, Any], _Located] | None:
    """Plain data from a YAML event stream (see :func:`read_plain_yaml`)."""
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    seq_start, map_start = yaml.SequenceStartEvent, yaml.MappingStartEvent
    seq_end, map_end = yaml.SequenceEndEvent, yaml.MappingEndEvent
    doc_start, stream_end = yaml.DocumentStartEvent, yaml.StreamEndEvent
    values, keys, containers = located.values, located.keys, located.containers
    root: Any = None
    documents = 0
    nodes = 0
    # frames: [container, path, pending key (None: a key comes next), is a mapping]
    stack: list[list[Any]] = []
    for event in events:
        kind = type(event)
        if kind is seq_end or kind is map_end:
            stack.pop()
            continue
        if kind is doc_start:
            documents += 1
            if documents > 1 or event.explicit or event.version or event.tags:
                raise _Bail
            continue
        if kind is stream_end:
            break
        if kind is not scalar_event and kind is not seq_start and kind is not map_start:
            if kind is alias_event:
                raise _Bail
            continue  # stream start, document end
        if event.anchor is not None or event.tag is not None:
            raise _Bail
        mark = event.start_mark
        pos = (mark.line + 1, mark.column + 1)
        if stack:
            top = stack[-1]
            if top[3]:  # a mapping
                if top[2] is None:  # this is a key
                    if kind is not scalar_event:
                        raise _Bail
                    key = event.value
                    if key in top[0] or key in ("", "<<", "="):
                        raise _Bail  # repeated, empty, or a merge or value key
                    top[2] = key
                    keys[(*top[1], key)] = pos
                    continue
                path = (*top[1], top[2])
            else:
                path = (*top[1], len(top[0]))
        else:
            path = ()
        nodes += 1
        if nodes > MAX_NODES or len(stack) > MAX_DEPTH:
            raise _Bail
        values[path] = pos
        if kind is scalar_event:
            value = event.value
            if event.implicit[0]:
                if not value or value == "<<" or value == "=":
                    raise _Bail  # ruamel.yaml marks an empty value where the next token is
                if _NULL.fullmatch(value):
                    value = None
            elif event.style in ("|", ">") and value.startswith("\n"):
                raise _Bail  # leading blank lines: libyaml reads some that ruamel.yaml refuses
            if value is not None and _FORBIDDEN_CHARS.search(value):
                raise _Bail
        else:
            containers.add(path)
            value = {} if kind is map_start else []
        if stack:
            top = stack[-1]
            if top[3]:
                top[0][top[2]] = value
                top[2] = None
            else:
                top[0].append(value)
        else:
            root = value
        if kind is not scalar_event:
            stack.append([value, path, None, kind is map_start])
    if not isinstance(root, dict):
        return None  # empty, or not a mapping: worded by the exact path
    return root, located


_TOKEN_NAMES = {
    "<stream end>": "文件结尾", "<block end>": "缩进的结束", "<block mapping start>": "新的字段",
    "<block sequence start>": "新的列表", "<scalar>": "文字", "-": "列表项 -", "?": "字段",
    "]": "]", "}": "}",
}
_YAML_PROBLEMS: tuple[tuple[str, str], ...] = (
    (r"expected ',' or '(.)', but got '(.*)'", "缺少 {0} 或逗号（遇到{1}）"),
    (r"expected the node content, but found '(.*)'", "此处缺少内容（遇到{0}）"),
    (r"expected <block end>, but found '(.*)'",
     "缩进不一致：同一层的字段或列表项须对齐（遇到{0}）"),
    (r"mapping values are not allowed here", "此处不能有冒号；含冒号的文字请加引号"),
    (r"could not find expected ':'", "缺少冒号：字段应写作 名称: 值"),
    (r"found unexpected end of stream", "引号没有闭合"),
    (r"found character '\\t' that cannot start any token", "不能用 Tab 缩进；请用空格"),
    (r"found character '(.*)' that cannot start any token",
     "{0} 不能开始一项内容；以它开头的文字请加引号"),
    (r"found undefined alias '(.*)'", "不支持锚点和别名（*{0}）；请把内容直接写出"),
    (r"expected chomping or indentation indicators, but found '(.*)'",
     "| 或 > 之后应换行（遇到 {0}）"),
    (r"found a tab character .*", "不能用 Tab 缩进；请用空格"),
    (r"found unexpected ':'", "此处不能有冒号；含冒号的文字请加引号"),
    (r"found duplicate anchor.*", "不支持锚点和别名（& 和 *）"),
)


def yaml_problem_text(problem: str) -> str:
    """ruamel.yaml's problem text in Chinese (what was expected, what was found)."""
    for pattern, text in _YAML_PROBLEMS:
        m = re.fullmatch(pattern, problem.strip(), re.S)
        if m:
            return text.format(*(_TOKEN_NAMES.get(g, g) for g in m.groups()))
    return "无法解析；请检查此处的缩进、冒号、引号和括号"


@dataclass(frozen=True)
class SourceMap:
    """Where each field of a loaded letter stands in its file, for problems found later."""

    file: str
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)  # dotted → line, col

    def locate(self, dotted_path: str) -> tuple[int, int]:
        """Line and column of a field, or of its nearest ancestor written in the file."""
        path = dotted_path
        while path:
            if path in self.positions:
                return self.positions[path]
            path = _PARENT.sub("", path)
        return (0, 0)

    def problem(self, dotted_path: str, message: str) -> Problem:
        line, col = self.locate(dotted_path)
        return Problem(self.file, line, col, dotted_path, message)


_PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def load_letter_with_sources(path: str | Path) -> tuple[Letter, SourceMap]:
    """Load and validate a letter, also returning where each field stands in the file."""
    return _validated(*read_data(Path(path)))


def load_letter_text_with_sources(text: str, name: str) -> tuple[Letter, SourceMap]:
    """:func:`load_letter_with_sources` for YAML text; ``name`` stands for the file."""
    return _validated(*read_text_data(text, name))


def _validated(data: dict[str, Any], located: _Located) -> tuple[Letter, SourceMap]:
    try:
        letter = Letter.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(exc, located) from None
    positions = {dotted(p): pos for p, pos in located.values.items()}
    return letter, SourceMap(located.file, positions)


def load_letter_text(text: str, name: str) -> Letter:
    """Load and validate a letter from YAML text; ``name`` stands for the file in problems."""
    return load_letter_text_with_sources(text, name)[0]


def validate_data(data: dict[str, Any], name: str) -> Letter:
    """Validate letter data that has no file (built by ``import`` or a program); problems raise
    a :class:`LetterError` in Chinese naming ``name`` and the field (no line)."""
    try:
        return Letter.model_validate(data)
    except ValidationError as exc:
        unlocated = _Located(name)
        problems = [
            Problem(name, 0, 0, dotted(_data_path(tuple(err["loc"]), unlocated)), _message(err))
            for err in exc.errors(include_url=False)
        ]
        raise LetterError(problems) from None


def load_letter(path: str | Path) -> Letter:
    """Load and validate a letter, raising one :class:`LetterError` listing every problem."""
    return load_letter_with_sources(path)[0]


def _validation_error(exc: ValidationError, located: _Located) -> LetterError:
    """The problems of a failed validation, messages made for the first
    :data:`~gongwen.errors.MAX_PROBLEMS` only (150 000 unknown keys cost no more than 100)."""
    errors = exc.errors(include_url=False)
    shown = list(_problems(errors[: MAX_PROBLEMS + 50], located))
    omitted = max(0, len(errors) - MAX_PROBLEMS - 50)
    return LetterError(shown, omitted)


def _problems(errors: list[Any], located: _Located) -> Iterator[Problem]:
    seen: set[tuple[Path_, str]] = set()
    for err in errors:
        loc = _data_path(tuple(err["loc"]), located)
        inner = err.get("ctx", {}).get("path")
        if inner:
            loc = (*loc, *inner)
        message = _message(err)
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        if err["type"] == "extra_forbidden":
            line, col = located.keys.get(loc, (0, 0))
        elif err["type"] == "missing":
            line, col = _nearest(loc[:-1], located, prefer_key=True)
        else:
            line, col = _nearest(loc, located)
        yield Problem(located.file, line, col, dotted(loc), message)


def _data_path(loc: Path_, located: _Located) -> Path_:
    """Drop pydantic's union tags ('section', 'str' …) that are not keys in the data."""
    path: Path_ = ()
    for part in loc:
        candidate = (*path, part)
        if candidate in located.values or candidate in located.keys or isinstance(part, int):
            path = candidate
        elif part in _TAGS:
            continue
        else:
            path = candidate
    return path


def _nearest(path: Path_, located: _Located, prefer_key: bool = False) -> tuple[int, int]:
    """Position of ``path``'s value (or key), or of its nearest located ancestor."""
    while path and path not in located.values:
        path = path[:-1]
    if (prefer_key or path in located.containers) and path in located.keys:
        return located.keys[path]
    return located.values.get(path, (1, 1))


_TAGS = {"section", "paragraph", "text"}

_FIELD_NAMES = sorted(
    {
        name
        for model in (
            model_mod.Letter, model_mod.Header, model_mod.Section, model_mod.Paragraph,
            model_mod.Contact, model_mod.Attachment, model_mod.Seal, model_mod.Signature,
            model_mod.Record, model_mod.Options,
        )
        for name in model.model_fields
    }
)


def _message(err: dict[str, Any]) -> str:
    """pydantic's error as a Chinese message (field names stay the YAML keys)."""
    kind = err["type"]
    loc = err["loc"]
    ctx = err.get("ctx", {})
    if kind == "missing":
        return "缺少必填项"
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        names = [n for n in _FIELD_NAMES if n != name]
        hint = difflib.get_close_matches(name[:64], names, n=1, cutoff=0.6)
        suggestion = f"；是不是 {hint[0]}？" if hint else ""
        shown = name if len(name) <= 40 else name[:40] + "…"  # never a whole line of a file
        return f"未知字段 {shown!r}{suggestion}"
    if kind.startswith("date_"):
        return f"日期无效：{err['input']!r}；请写作 2022-09-29 或 2022年9月29日 这样的真实日期"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace(" or ", "、").replace(", ", "、")
        hint = did_you_mean(str(err["input"]), re.findall(r"'([^']*)'", expected))
        return f"取值 {err['input']!r} 无效，应为 {expected}{hint}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "string_too_long":
        return f"过长：最多 {ctx.get('max_length')} 个字"
    if kind == "too_long":
        return f"项数过多：最多 {ctx.get('max_length')} 项"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"应为整数，收到 {err['input']!r}"
    if kind in ("float_parsing", "float_type"):
        return f"应为数字，收到 {err['input']!r}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        relation = {"greater_than": "大于", "greater_than_equal": "不小于",
                    "less_than": "小于", "less_than_equal": "不大于"}[kind]
        return f"应{relation} {bound}，收到 {err['input']!r}"
    if kind not in _MESSAGES and re.search(r"[\u3400-\u9fff]", str(err["msg"])):
        return str(err["msg"])  # the model's own (PydanticCustomError) message
    return _MESSAGES.get(kind, f"取值 {err.get('input')!r} 无效")


_MESSAGES = {
    "string_type": "应为文字",
    "string_too_short": "不能为空",
    "too_short": "至少需要一项",
    "list_type": "应为列表（每项以 - 开头）",
    "model_type": "应为字段表（key: value）",
    "dict_type": "应为字段表（key: value）",
    "model_attributes_type": "应为字段表（key: value）",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "union_tag_invalid": "段落应为文字，或含 heading 的小节，或含 text 的段落",
    "union_tag_not_found": "段落应为文字，或含 heading 的小节，或含 text 的段落",
}


def dump_letter(letter: Letter) -> str:
    """A letter as YAML text that :func:`load_letter` reads back to an equal letter."""
    return dump_data(letter.model_dump(mode="json", exclude_defaults=True))


def dump_data(data: dict[str, Any]) -> str:
    """Plain letter data as YAML text: block style, Chinese unescaped, lines unwrapped."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_unicode = True
    yaml.width = 4096
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
