"""The libyaml fast path of the loader reads what the exact (ruamel.yaml) path reads: the
same data, the same positions of every value and key, or it leaves the letter to the exact
path, which words every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongwen import loader
from gongwen.errors import LetterError

from .conftest import ROOT

# YAML 1.1 and 1.2 read these differently (booleans, octal, sexagesimal, dates, nulls), or
# the two parsers might: folding, line breaks, escapes, flow and JSON forms, keys.
TRICKY = {
    "booleans": "title: yes\nbody: [on, off, no, y, n, True, NO]\n",
    "numbers": "title: 0777\nbody: [0o17, 012, 1_000, 0x1F, 1:20, 190:20:30, .inf, .NaN, -.5e3]\n",
    "dates": "title: 2022-09-29\nbody: [2001-12-14t21:59:43.10-05:00, 2022-9-1]\n",
    "timestamp with space": "title: 2001-12-14 21:59:43.10 -5\n",
    "nulls": "title: ~\nbody: [null, Null, NULL, nULL, '', \"\"]\n",
    "folded": "title: >\n  a\n  b\n\n  c\nbody: x\n",
    "folded, more indented": "title: >-\n  a\n    b\n  c\nbody: x\n",
    "literal, kept": "title: |+\n  a\n  b\n\nbody: x\n",
    "indentation indicator": "title: |2\n   a\n  b\n",
    "CRLF": "title: |\r\n  a\r\n  b\r\nbody: 'x\r\n  y'\r\n",
    "CR": "title: a\rbody: b\r",
    "multi-line scalars": "title: a\n  b\n\n  c\nbody: \"x\\\n  y \\u4e2d \\N\"\n",
    "quoted, two lines": "title: \"a\n  b\"\n",
    "flow": "title: {a: 1, b: [x, y]}\nbody: [a: b]\n",
    "colons and quotes": "title: a:b\nbody: 'it''s'\n",
    "hash": "title: a#b # c\n# d\nbody: [a, # e\n  b]\n",
    "keys": "~: x\nyes: 1\n1: a\ntitle: y\n",
    "explicit key": "? title\n: y\n",
    "document end": "title: x\n...\n",
    "JSON": '{"title": "x", "body": ["a"]}\n',
    "JSON, no spaces": '{"title":"x"}\n',
    "sequence not indented": "title: x\nbody:\n- a\n- b\n",
    "percent, at": "title: 50%\nbody: '@x'\n",
    "wide characters": "title: 𠀀x\u00a0y\nbody: [\U0001f600]\n",
}

# the fast path must leave these to the exact path (a problem to word, or a reading that
# might differ); the exact path's message is then the only one
LEFT_TO_EXACT = {
    "empty value": "title:\nbody: [x]\n",
    "empty key": ": x\ntitle: y\n",
    "repeated key": "title: a\ntitle: b\n",
    "tab": "title: a\tb\n",
    "anchor": "title: &a x\nbody: [*a]\n",
    "tag": "title: !!str x\n",
    "directive": "%YAML 1.1\n---\ntitle: x\n",
    "two documents": "title: x\n---\ntitle: y\n",
    "merge key": "title: x\n<<: {a: b}\n",
    "leading blank line in a block scalar": "title: |\n\n  a\n",
    "escape of a control character": 'title: "\\x07"\n',
    "YAML 1.1 line break": "title: a\u2028b\n",
    "syntax error": "title: 'a\n",
    "bad indentation": "title: a\n body: b\n",
    "a list": "- a\n- b\n",
    "empty": "",
}


def _read(reader, text: str):
    try:
        result = reader(text, "t.yaml")
    except LetterError as exc:
        return ("problems", [str(p) for p in exc.problems])
    if result is None:
        return None
    data, located = result
    return ("data", data, located.values, located.keys, located.containers)


@pytest.mark.parametrize("name", TRICKY)
def test_fast_path_reads_as_the_exact_path(name: str) -> None:
    text = TRICKY[name]
    fast = _read(loader.read_plain_yaml, text)
    assert fast is not None, "the fast path should read this letter"
    assert fast == _read(loader.read_yaml, text)


@pytest.mark.parametrize("name", LEFT_TO_EXACT)
def test_fast_path_leaves_problems_to_the_exact_path(name: str) -> None:
    assert _read(loader.read_plain_yaml, LEFT_TO_EXACT[name]) is None


def _yaml_files() -> list[Path]:
    return sorted(
        p for p in ROOT.rglob("*.y*ml")
        if ".git" not in p.parts and p.suffix in (".yaml", ".yml")
    )


def test_fast_path_over_every_yaml_file_of_the_project() -> None:
    """Letters, bad inputs, templates, import corpus: read the same, or left to the exact path."""
    read = 0
    for path in _yaml_files():
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (UnicodeDecodeError, OSError):
            continue
        fast = _read(loader.read_plain_yaml, text)
        if fast is None:
            continue
        read += 1
        assert fast == _read(loader.read_yaml, text), path
    assert read >= 10


def test_folded_scalar_keeps_no_fold_marks() -> None:
    """ruamel.yaml marks a folded scalar's folds with U+0007; the letter reads without them."""
    text = "title: >\n  a\n  b\nbody: [x]\n"
    for reader in (loader.read_plain_yaml, loader.read_yaml):
        data, _ = reader(text, "t.yaml")
        assert data["title"] == "a b\n"
