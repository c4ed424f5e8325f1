"""Library messages name options by keyword; only the command line spells them as flags."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gongwen
from gongwen import errors
from gongwen.errors import GongwenError, Problem, option, spell

PACKAGE = Path(gongwen.__file__).parent
CLI_MODULES = {"cli.py", "clitext.py"}  # and everything in commands/
FLAG = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _library_messages() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "commands" or str(rel) in CLI_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip and CJK.search(node.value)
                    and FLAG.search(node.value)):
                found.append((str(rel), node.lineno, node.value))
    return found


def test_library_messages_quote_no_flags():
    """A Chinese message in library code that writes ``--x`` or ``-o`` itself would show a
    flag to an API caller; it must name the option with errors.option()."""
    assert _library_messages() == []


def test_the_scan_finds_a_flag_when_there_is_one(tmp_path, monkeypatch):
    (tmp_path / "mod.py").write_text('X = "要覆盖请加 --force"\n', encoding="utf-8")
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.setattr(gongwen, "__file__", str(tmp_path / "__init__.py"))
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        assert [(f, v) for f, _, v in _library_messages()] == [("mod.py", "要覆盖请加 --force")]
    finally:
        PACKAGE = saved


@pytest.fixture
def api_spelling(monkeypatch):
    monkeypatch.setattr(errors, "_flags", None)


@pytest.fixture
def cli_spelling(monkeypatch):
    from gongwen.clitext import FLAGS

    monkeypatch.setattr(errors, "_flags", dict(FLAGS))


def test_api_spelling(api_spelling):
    text = f"{option('fonts', 'x')} {option('strict_fonts', True)}；{option('out')}"
    assert spell(text) == "fonts='x' strict_fonts=True；out"


def test_cli_spelling(cli_spelling):
    text = (f"{option('fonts', 'x')} {option('strict_fonts', True)}；{option('out', 'a.pdf')}；"
            f"{option('formats')}；{option('name_column')}；{option('list_vars', 'reply')}")
    assert spell(text) == "--fonts x --strict；-o a.pdf；--format；--name-column；gongwen new reply --list-vars"


def test_api_errors_name_keywords(api_spelling, tmp_path):
    with pytest.raises(GongwenError) as caught:
        gongwen.render(Path("letters/zhuzhou-fgw-2022-reply.yaml"), ["pdf"], fonts="nope")
    message = str(caught.value)
    assert message.startswith("fonts: 没有 'nope' 这一项"), message
    assert "--" not in message
    with pytest.raises(GongwenError) as caught:
        gongwen.render(Path("letters/zhuzhou-fgw-2022-reply.yaml"), ["pdf", "odt"])
    assert "odt" in str(caught.value) and "--" not in str(caught.value)


def test_problems_spell_their_messages(cli_spelling):
    problem = Problem("a.yaml", 3, 1, "x", f"用 {option('variables', 'v=…')} 给出")
    assert str(problem) == "a.yaml:3:1: x: 用 --set v=… 给出"
    assert problem.to_json()["message"] == "用 --set v=… 给出"


def test_cli_spells_flags(tmp_path, capsys):
    from gongwen.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["render", "letters/zhuzhou-fgw-2022-reply.yaml", "--fonts", "nope",
              "-o", str(tmp_path)])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("--fonts: 没有 'nope' 这一项"), err
    assert errors._flags is None  # the API spells keywords again after the command
