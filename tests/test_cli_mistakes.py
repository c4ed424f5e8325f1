"""A scripted tour of the mistakes users make on the command line, command by command.

Each mistake must end with exit code 2, one located Chinese message (what it names: the
file, ``FILE:LINE:COL``, the command or the option) equal to its golden text in
``tests/cli_mistakes.golden``, no traceback, and nothing written. Run with
``GONGWEN_UPDATE_GOLDEN=1`` to rewrite the golden file after a deliberate wording change
(then read its diff).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongwen.cli import app, main

from .conftest import ROOT

GOLDEN = Path(__file__).parent / "cli_mistakes.golden"
LETTER = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
PUBLISHED = Path(__file__).parent / "import_corpus" / "01-letter-format-header.txt"
SETS = ["--set", "proposal_title=关于示例事项的提案", "--set", "addressees=欧阳委员",
        "--set", "organ=示例市发展和改革委员会"]

# (command line after `gongwen`, what the mistake is)
MISTAKES: list[tuple[str, list[str]]] = [
    # the program
    ("unknown command", ["rendr", "l.yaml"]),
    ("unknown option of the program", ["--nope"]),
    ("option of a command given to the program", ["-o", "out", "render", "l.yaml"]),
    # validate
    ("validate without a file", ["validate"]),
    ("validate a missing file", ["validate", "nosuch.yaml"]),
    ("validate a YAML syntax error", ["validate", "bad.yaml"]),
    ("validate a DOCX", ["validate", "l.docx"]),
    ("validate a PDF", ["validate", "l.pdf"]),
    ("validate a misspelt field", ["validate", "typo.yaml"]),
    ("validate a misspelt format", ["validate", "latter.yaml"]),
    ("validate a folder", ["validate", "folder"]),
    ("validate an empty file", ["validate", "empty.yaml"]),
    ("validate tab indentation", ["validate", "tab.yaml"]),
    ("validate an impossible date", ["validate", "baddate.yaml"]),
    ("validate a date in words", ["validate", "worddate.yaml"]),
    # render
    ("render without a letter", ["render"]),
    ("render with a misspelt font mode", ["render", "l.yaml", "--fonts", "offical"]),
    ("render -o a PDF name with --format docx", ["render", "l.yaml", "-o", "existing.pdf",
                                                 "--format", "docx"]),
    ("render -o a folder that cannot be made", ["render", "l.yaml", "-o", "/proc/x"]),
    ("render a missing file", ["render", "nosuch.yaml"]),
    ("render an unknown format", ["render", "l.yaml", "--format", "pdf,odt"]),
    ("render -f without a value", ["render", "l.yaml", "-f"]),
    ("render a flag given a value", ["render", "l.yaml", "--strict=yes"]),
    ("render an unknown option", ["render", "l.yaml", "--nope"]),
    ("render two letters", ["render", "l.yaml", "typo.yaml"]),
    ("render -o an existing file that is not a folder", ["render", "l.yaml", "-o", "notes"]),
    ("render -o one file for two formats", ["render", "l.yaml", "-o", "out.pdf",
                                            "-f", "pdf,docx"]),
    ("render a DOCX", ["render", "l.docx"]),
    ("render official fonts strictly where none are installed",
     ["render", "l.yaml", "--fonts", "official", "--strict"]),
    ("render a letter with a syntax error", ["render", "bad.yaml"]),
    # schema
    ("schema -o where no folder can be made", ["schema", "-o", "/proc/x/y.json"]),
    ("schema an unknown option", ["schema", "--nope"]),
    ("schema given a file", ["schema", "l.yaml"]),
    # fonts
    ("fonts with an unknown mode", ["fonts", "--fonts", "xyz"]),
    ("fonts official strictly", ["fonts", "--fonts", "official", "--strict"]),
    ("fonts -o", ["fonts", "-o", "x"]),
    # batch
    ("batch without -o", ["batch", "l.yaml"]),
    ("batch without letters", ["batch", "-o", "out"]),
    ("batch -o an existing file", ["batch", "l.yaml", "-o", "existing.pdf"]),
    ("batch -j not a number", ["batch", "l.yaml", "-o", "out", "-j", "abc"]),
    ("batch -j 0", ["batch", "l.yaml", "-o", "out", "-j", "0"]),
    ("batch a missing folder", ["batch", "nosuch/", "-o", "out"]),
    ("batch --template without --data", ["batch", "--template", "proposal", "-o", "out"]),
    ("batch a missing table", ["batch", "--template", "proposal", "--data", "nosuch.csv",
                               "-o", "out"]),
    ("batch an unknown template", ["batch", "--template", "nokind", "--data", "table.csv",
                                   "-o", "out"]),
    ("batch an unknown format", ["batch", "l.yaml", "-o", "out", "--format", "odt"]),
    ("batch a misspelt font mode", ["batch", "l.yaml", "-o", "out", "--fonts", "offical"]),
    ("batch --name-column not in the table", ["batch", "--template", "proposal", "--data",
                                              "table.csv", "--name-column", "案号", "-o", "out"]),
    ("batch --name-column without a table", ["batch", "l.yaml", "--name-column", "提案号",
                                             "-o", "out"]),
    ("batch the old --template-dir", ["batch", "l.yaml", "-o", "out", "--template-dir", "t"]),
    # check
    ("check without a file", ["check"]),
    ("check a missing file", ["check", "nosuch.pdf"]),
    ("check a YAML letter", ["check", "l.yaml"]),
    ("check --format xml", ["check", "l.pdf", "--format", "xml"]),
    ("check a damaged PDF", ["check", "broken.pdf"]),
    # diff
    ("diff with one file", ["diff", "l.yaml"]),
    ("diff a .doc", ["diff", "x.doc", "l.yaml"]),
    ("diff a missing file", ["diff", "l.yaml", "nosuch.txt"]),
    ("diff --format xml", ["diff", "l.yaml", "l.yaml", "-f", "xml"]),
    ("diff --tolerance not a number", ["diff", "l.yaml", "l.yaml", "--tolerance", "abc"]),
    ("diff --tolerance below 0", ["diff", "l.yaml", "l.yaml", "--tolerance", "-1"]),
    ("diff --layout of a text file", ["diff", "l.pdf", "r.txt", "--layout"]),
    ("diff an image", ["diff", "l.yaml", "seal.png"]),
    # import
    ("import a letter YAML", ["import", "l.yaml", "-o", "x.yaml"]),
    ("import without a file", ["import"]),
    ("import a .doc", ["import", "x.doc"]),
    ("import a PDF", ["import", "l.pdf"]),
    ("import over an existing file", ["import", "r.txt", "-o", "existing.yaml"]),
    ("import a missing file", ["import", "nosuch.txt"]),
    ("import text that is not a letter", ["import", "notaletter.txt"]),
    ("import a spreadsheet", ["import", "table.xlsx"]),
    # new
    ("new without the required variables", ["new", "proposal"]),
    ("new an unknown kind", ["new", "nokind"]),
    ("new a misspelt variable", ["new", "proposal", *SETS, "--set", "proposal_titel=x"]),
    ("new --set without =", ["new", "proposal", "--set", "proposal_title"]),
    ("new over an existing file", ["new", "proposal", *SETS, "-o", "existing.yaml"]),
    ("new an unknown reply category", ["new", "proposal", *SETS, "--set", "category=E"]),
    ("new an impossible date", ["new", "proposal", *SETS, "--set", "date=2024-02-30"]),
    ("new a missing template folder", ["new", "proposal", "--templates", "nosuch"]),
    # serve
    ("serve beyond the loopback interface without a token", ["serve", "--host", "0.0.0.0"]),
    ("serve with a short token", ["serve", "--token", "abc"]),
    ("serve a file", ["serve", "l.yaml"]),
    ("serve a missing folder", ["serve", "nosuch"]),
    ("serve a port out of range", ["serve", "--port", "70000"]),
    ("serve a misspelt font mode", ["serve", "--fonts", "offical"]),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files the mistakes are made with (made once; each case works in a copy)."""
    d = tmp_path_factory.mktemp("mistakes")
    text = LETTER.read_text(encoding="utf-8")
    (d / "l.yaml").write_text(text, encoding="utf-8")
    for fmt in ("pdf", "docx"):
        r = CliRunner().invoke(app, ["render", str(d / "l.yaml"), "-o", str(d / f"l.{fmt}"),
                                     "--fonts", "open"])
        assert r.exit_code == 0, r.output
    files = {
        "bad.yaml": "a: [\n",
        "typo.yaml": text.replace("contacts_placement:", "contact_placement:"),
        "latter.yaml": text.replace("format: plain", "format: latter"),
        "empty.yaml": "",
        "tab.yaml": "format: plain\nbody:\n\t- 正文\n",
        "baddate.yaml": text.replace("date: 2022-09-29", "date: 2024-02-30"),
        "worddate.yaml": text.replace("date: 2022-09-29", "date: 九月二十九日"),
        "notes": "不是目录\n",
        "existing.yaml": "# 手写的信件\n",
        "notaletter.txt": "这不是一封信。\n",
        "table.csv": "proposal_title,addressees,organ\n关于示例的提案,欧阳委员,示例市发改委\n",
    }
    for name, content in files.items():
        (d / name).write_text(content, encoding="utf-8")
    (d / "existing.pdf").write_bytes(b"")
    (d / "x.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    (d / "broken.pdf").write_bytes(b"%PDF-1.7\n" + b"garbage" * 20)
    (d / "seal.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["proposal_title", "addressees", "organ"])
    book.save(d / "table.xlsx")
    shutil.copy(PUBLISHED, d / "r.txt")
    (d / "folder").mkdir()
    return d


def _snapshot(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(d.rglob("*"))}


def _run(workdir: Path, tmp_path: Path, args: list[str], monkeypatch) -> tuple[int, str]:
    case = tmp_path / "w"
    shutil.copytree(workdir, case)
    monkeypatch.chdir(case)
    monkeypatch.setenv("GONGWEN_FONT_DIRS", str(case / "folder"))  # no official fonts here
    monkeypatch.setenv("HOME", str(case))  # the user font folders, named the same on any machine
    monkeypatch.setenv("GONGWEN_CACHE_DIR", str(tmp_path / "cache"))  # caches are no output
    for name in ("XDG_DATA_HOME", "LOCALAPPDATA", "WINDIR", "SYSTEMROOT", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    before = _snapshot(case)
    result = CliRunner().invoke(app, args, prog_name="gongwen")
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), result.exception
    assert _snapshot(case) == before, "a mistake wrote or changed a file"
    return result.exit_code, result.stderr


def _golden() -> dict[str, str]:
    if not GOLDEN.exists():
        return {}
    blocks = GOLDEN.read_text(encoding="utf-8").split("\n## ")
    out = {}
    for block in blocks[1:] if blocks[0].startswith("#") and not blocks[0].startswith("## ") \
            else blocks:
        title, _, body = block.removeprefix("## ").partition("\n")
        out[title] = body.rstrip("\n")
    return out


def _entry(args: list[str], code: int, stderr: str) -> str:
    return f"$ gongwen {' '.join(args)}\nexit {code}\n{stderr.rstrip()}"


# what a message may be located at: a file (path:line:col), the command, or an option
LOCATED = re.compile(r"^(?:[\w./\-]+\.\w+(?::\d+(?::\d+)?)?|[\w./\-]+/?|/proc/x|gongwen(?: \w+)?"
                     r"|-{1,2}[\w-]+(?: [^\s:：]+)*)(?: [^\s:]+)?: ")
CHINESE = re.compile(r"[\u4e00-\u9fff]")

RESULTS: dict[str, str] = {}


def test_tour_has_sixty_mistakes_across_every_command():
    assert len(MISTAKES) >= 60
    assert len({title for title, _ in MISTAKES}) == len(MISTAKES)
    from typer.main import get_command

    commands = set(get_command(app).commands)  # type: ignore[attr-defined]
    assert commands <= {args[0] for _, args in MISTAKES}


@pytest.mark.parametrize(("title", "args"), MISTAKES, ids=[t for t, _ in MISTAKES])
def test_mistake(title: str, args: list[str], workdir: Path, tmp_path: Path, monkeypatch):
    code, stderr = _run(workdir, tmp_path, args, monkeypatch)
    text = stderr.replace(str(tmp_path / "w") + os.sep, "").replace(str(tmp_path / "w"), ".")
    RESULTS[title] = _entry(args, code, text)
    assert code == 2, text
    assert "Traceback" not in text
    first = text.splitlines()[0] if text else ""
    assert LOCATED.match(first), f"not located: {first}"
    assert CHINESE.search(first), f"not Chinese: {first}"
    assert len(text.splitlines()) <= 6, text  # a message, not a page
    golden = _golden()
    if os.environ.get("GONGWEN_UPDATE_GOLDEN"):
        return
    assert title in golden, f"no golden text for {title!r}: run with GONGWEN_UPDATE_GOLDEN=1"
    assert RESULTS[title] == golden[title]


def test_zz_update_golden():
    """With GONGWEN_UPDATE_GOLDEN=1 (after the tour ran): write the golden file."""
    if not os.environ.get("GONGWEN_UPDATE_GOLDEN"):
        pytest.skip("GONGWEN_UPDATE_GOLDEN not set")
    assert len(RESULTS) == len(MISTAKES), "run the whole tour to update the golden file"
    head = ("# The message of every mistake in tests/test_cli_mistakes.py: command, exit code,"
            " stderr.\n# Rewritten by GONGWEN_UPDATE_GOLDEN=1; review its diff.\n")
    body = "".join(f"\n## {title}\n{RESULTS[title]}\n" for title, _ in MISTAKES)
    GOLDEN.write_text(head + body, encoding="utf-8")


def test_render_py_mistake_names_render_py(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--nope"], prog_name="render.py", command="render")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == "render.py: 没有 --nope 这个选项；render.py -h 查看用法\n"


@pytest.mark.parametrize("args", [
    ["render", "l.yaml", "--fonts", "offical"],
    ["render", "l.yaml", "-o", "existing.pdf", "--format", "docx"],
    ["render", "l.yaml", "-o", "/proc/x"],
    ["validate", "bad.yaml"],
    ["render", "nosuch.yaml"],
    ["import", "l.yaml", "-o", "x.yaml"],
])
def test_common_mistakes_in_a_real_process(args: list[str], workdir: Path):
    """``python3 -m gongwen.cli``, as a user runs it: exit 2, no traceback."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "gongwen.cli", *args], cwd=workdir,
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and CHINESE.search(proc.stderr)
    assert not (workdir / "x.yaml").exists()


# --- messages that point at the right thing ----------------------------------------------------
def test_verbose_render_locates_every_punctuation_change(workdir: Path, tmp_path: Path,
                                                         monkeypatch):
    monkeypatch.chdir(workdir)
    result = CliRunner().invoke(app, ["render", "l.yaml", "-o", str(tmp_path / "l.pdf"), "-v",
                                      "--fonts", "open"])
    assert result.exit_code == 0, result.stderr
    changes = [ln for ln in result.stderr.splitlines() if "→" in ln]
    assert len(changes) == 132
    lines = (workdir / "l.yaml").read_text(encoding="utf-8").splitlines()
    for change in changes:
        m = re.match(r"l\.yaml:(\d+):(\d+): (body\S*|addressees\S*|contacts\S*): 第(\d+)字：(.) → (.)$",
                     change)
        assert m, change
        assert m.group(5) in lines[int(m.group(1)) - 1]  # the line holds the character changed


def test_a_misspelt_format_is_the_only_problem(workdir: Path):
    from gongwen.errors import LetterError
    from gongwen.loader import load_letter

    text = (workdir / "l.yaml").read_text(encoding="utf-8").replace(
        "format: plain", "format: latter\nheader:\n  organs: [株洲市发展和改革委员会]")
    path = workdir / "latter-with-header.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LetterError) as err:
        load_letter(path)
    assert [p.field for p in err.value.problems] == ["format"]  # no "plain 版式没有版头"
