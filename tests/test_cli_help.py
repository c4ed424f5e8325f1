"""Every command's help fits 80 columns, cuts nothing, speaks Chinese and shows no type noise."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from rich.cells import cell_len
from typer.main import get_command
from typer.testing import CliRunner

from gongwen.cli import app

from .conftest import ROOT

GROUP = get_command(app)
COMMANDS = list(GROUP.commands)  # type: ignore[attr-defined]
NOISE = ("<bool>", "<list[", "<int range>", "<float range>", "[x>=", "<path>", "<str>",
         "[required]", "[default", "Show this message", "Usage:", "Options", "Arguments")


def _help(*args: str, columns: int = 80) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": str(columns)},
                                prog_name="gongwen")
    assert result.exit_code == 0, result.output
    return result.stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("command", ["", *COMMANDS])
@pytest.mark.parametrize("columns", [80, 200, 60])
def test_help_fits_and_cuts_nothing(command: str, columns: int):
    args = [command] if command else []
    text = _help(*args, columns=columns)
    width = min(columns, 80)
    for line in text.splitlines():
        assert cell_len(line) <= width, f"{cell_len(line)} columns: {line}"
    for noise in NOISE:
        assert noise not in text, f"{noise!r} in help of {command or 'gongwen'}"
    assert not re.search(r"\{[a-z_]+\}", text)  # typer's {letter} placeholders
    assert text.startswith(f"用法：gongwen {command}".rstrip())
    cmd = GROUP.commands[command] if command else GROUP  # type: ignore[attr-defined]
    flat = _flat(text)
    assert _flat(cmd.help or "") in flat  # the description, whole
    for param in cmd.params:
        if param.help:
            assert _flat(param.help) in flat, f"cut: {param.help}"  # each option's help, whole
        if param.param_type_name == "option":
            assert all(opt in text for opt in param.opts)
        else:
            assert param.name.upper() in text
    assert "-h, --help" in text and "显示本帮助并退出" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_flags_take_no_value_and_options_name_theirs(command: str):
    text = _help(command)
    cmd = GROUP.commands[command]  # type: ignore[attr-defined]
    for param in cmd.params:
        if param.param_type_name != "option" or param.name == "help":
            continue
        long = max(param.opts, key=len)
        options = text.split("\n选项：\n", 1)[1]
        m = re.search(rf"^ +(?:-\w, )?{re.escape(long)}(?P<rest>.*)$", options, re.M)
        assert m, f"{long} has no entry"
        rest = m.group("rest")
        if getattr(param, "is_flag", False):
            assert rest == "" or rest.startswith(("  ", " / --no-")), m.group()
        else:  # a value placeholder follows the option: FILE, DIR, N, pdf,docx …
            assert re.match(r" [^\s<]\S*", rest), m.group()


def test_short_help_and_version():
    assert _help("render") == CliRunner().invoke(
        app, ["render", "-h"], env={"COLUMNS": "80"}, prog_name="gongwen").stdout
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and re.fullmatch(r"gongwen \S+\n", result.stdout)


def test_one_name_for_the_template_folder():
    for command in ("new", "batch"):
        text = _help(command)
        assert "--templates DIR" in text and "--template-dir" not in text


def test_python_m_gongwen_is_the_command(tmp_path):
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "gongwen", "--version"], cwd=tmp_path,
                          text=True, capture_output=True, timeout=60, env=env)
    assert proc.returncode == 0 and re.fullmatch(r"gongwen \S+\n", proc.stdout), proc.stderr
    proc = subprocess.run([sys.executable, "-m", "gongwen", "render", "no-such.yaml"],
                          cwd=tmp_path, text=True, capture_output=True, timeout=60, env=env)
    assert proc.returncode == 2 and "no-such.yaml" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_render_py_has_its_own_usage_line():
    proc = subprocess.run([sys.executable, "render.py", "--help"], cwd=ROOT, text=True,
                          capture_output=True, timeout=60,
                          env={**os.environ, "COLUMNS": "80", "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("用法：render.py [选项] LETTER\n")
    assert "render.py render" not in proc.stdout


def test_fonts_table_keeps_whole_paths():
    result = CliRunner().invoke(app, ["fonts", "--fonts", "open"], env={"COLUMNS": "60"})
    assert result.exit_code == 0
    from gongwen.fonts import fonts_report, load_fontset

    for role, _family, path, reason in fonts_report(load_fontset("open")):
        assert f"文件：{path}" in result.stdout  # never cut, however narrow the terminal
        assert role in result.stdout and reason in result.stdout
