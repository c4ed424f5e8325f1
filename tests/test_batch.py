"""gongwen batch: parallel rendering, isolated failures, atomic outputs, --changed, the report.

Unit tests inject fake render functions (fast, and able to fail or crash on purpose); the
acceptance tests run the real pipeline through the CLI in a subprocess, with -j 2.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

import jsonschema
import pytest

from gongwen import schemas
from gongwen.batch import (
    MANIFEST_NAME,
    BatchError,
    BatchItem,
    clean_temp_files,
    collect,
    items_from_table,
    render_many,
    safe_name,
)
from gongwen.errors import LetterError, Problem
from gongwen.layout import Layout, Page
from gongwen.loader import load_letter
from gongwen.pipeline import Rendered

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, write_letters

SCHEMA = schemas.load("batch-report")

SMALL = """\
format: plain
addressees:
  - 张示例委员
body:
  - 您提出的关于{topic}的建议收悉。现答复如下：
  - heading: 工作情况
    body:
      - 我委高度重视，会同有关部门认真研究，已将{topic}纳入年度工作计划。
  - 感谢您对我们工作的关心和支持。
signature:
  organs:
    - 示例市发展和改革委员会
  date: 2024-06-18
"""

BROKEN = {
    # name: (text, line, column)
    "bad-date.yaml": (SMALL.format(topic="园区").replace("2024-06-18", "2024-02-30"), 13, 9),
    "unknown-field.yaml": (SMALL.format(topic="园区").replace("addressees:", "adressees:"), 2, 1),
    "syntax.yaml": ("format: plain\nbody: [unclosed\n", 3, 1),
}


def small(topic: str = "园区建设") -> str:
    return SMALL.format(topic=topic)


def _run_cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "gongwen.cli", "batch", *args],
        cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "COLUMNS": "200"},
    )


def _outputs(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.suffix in (".pdf", ".docx"))


def _check_complete(path: Path) -> int:
    """Open an output with the readers users have; returns the PDF's page count."""
    if path.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            assert pdf.pages, path
            assert pdf.pages[0].extract_text(), path
            return len(pdf.pages)
    import docx

    assert docx.Document(str(path)).paragraphs, path
    return 0


# --------------------------------------------------------------------------------------------
# Fake render functions (module level: the workers find them by name)


def fake_render(letter, formats, *, fonts="auto", strict_fonts=False, base_dir=None, sources=None):
    text = "".join(b if isinstance(b, str) else "" for b in letter.body)
    if "BOOM" in text:
        raise RuntimeError("exporter bug")
    if "CRASH" in text:
        os._exit(3)
    if "SLOW" in text:
        time.sleep(0.6)
    body = f"%PDF-1.4\n1 0 obj << /Type /Page >>\n{text}".encode()
    layout = Layout((Page(1, 1, ()),))
    return Rendered(None, layout, {f: body for f in formats}, ["note"])  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Inputs and output names


def test_collect_mirrors_folders_and_globs(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {
        "a.yaml": small(), "sub/b.yml": small(), "sub/deep/c.yaml": small(),
        ".hidden/d.yaml": small(), "notes.txt": "x",
    })
    names = [i.name for i in collect([src])]
    assert names == ["a", "sub/b", "sub/deep/c"]
    globbed = collect([str(src / "sub" / "**" / "*.yaml")])
    assert [i.name for i in globbed] == ["deep/c"]
    assert [i.name for i in collect([src / "a.yaml", src])] == ["a", "sub/b", "sub/deep/c"]
    with pytest.raises(BatchError):
        collect([tmp_path / "missing"])
    with pytest.raises(BatchError):
        collect([str(tmp_path / "*.none")])


@pytest.mark.parametrize("bad", ["../x", "/etc/x", "a/../../x", "", "C:/x", "a/./b", "a\0b"])
def test_safe_name_refuses_escapes(bad: str) -> None:
    with pytest.raises(BatchError):
        safe_name(bad)


def test_safe_name_keeps_plain_paths() -> None:
    assert safe_name("sub/a") == "sub/a"
    assert safe_name("sub\\a") == "sub/a"


def test_collision_is_refused_before_rendering(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": small(), "a.yml": small()})
    out = tmp_path / "out"
    with pytest.raises(BatchError, match="同一个输出文件"):
        render_many([src], "pdf", 2, out, render=fake_render)
    assert not out.exists() or not _outputs(out)
    other = write_letters(tmp_path / "other", {"A.yaml": small()})
    with pytest.raises(BatchError):
        render_many([tmp_path / "in" / "a.yaml", other], "pdf", 2, out, render=fake_render)


def test_escape_is_refused(tmp_path: Path) -> None:
    letter = load_letter(EXAMPLE_LETTER)
    out = tmp_path / "out"
    with pytest.raises(BatchError, match="输出目录"):
        render_many(items=[BatchItem("../evil", "row", letter=letter)], out_dir=out,
                    render=fake_render)
    # a folder inside OUT that links outside it
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out.mkdir(exist_ok=True)
    (out / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(BatchError, match="输出目录之外"):
        render_many(items=[BatchItem("link/x", "row", letter=letter)], out_dir=out,
                    render=fake_render)
    assert not list(outside.iterdir())


# --------------------------------------------------------------------------------------------
# Isolation, --changed, temporary files (fake renders)


def test_failures_are_isolated(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {
        "ok1.yaml": small(), "boom.yaml": small("BOOM"), "crash.yaml": small("CRASH"),
        "ok2.yaml": small("其他"), "sub/ok3.yaml": small("第三"),
    })
    result = render_many([src], "pdf,docx", 2, tmp_path / "out", render=fake_render)
    status = {r.name: r.status for r in result.results}
    assert status == {"boom": "failed", "crash": "failed", "ok1": "rendered",
                      "ok2": "rendered", "sub/ok3": "rendered"}
    by = {r.name: r for r in result.results}
    assert "RuntimeError" in by["boom"].problems[0].message
    assert by["crash"].problems[0].message == "排版进程意外退出"
    assert by["ok1"].pages == 1 and [w.message for w in by["ok1"].warnings] == ["note"]
    assert (tmp_path / "out" / "sub" / "ok3.docx").is_file()
    assert result.exit_code == 1


def test_changed_renders_only_what_changed(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": small(), "b.yaml": small("乙")})
    out = tmp_path / "out"
    first = render_many([src], "pdf", 2, out, render=fake_render)
    assert first.count("rendered") == 2
    again = render_many([src], "pdf", 2, out, changed=True, render=fake_render)
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]
    (src / "b.yaml").write_text(small("丙"), encoding="utf-8")
    third = render_many([src], "pdf", 2, out, changed=True, render=fake_render)
    assert [r.status for r in third.results] == ["unchanged", "rendered"]
    (out / "a.pdf").unlink()  # a missing output is rendered again
    fourth = render_many([src], "pdf", 2, out, changed=True, render=fake_render)
    assert [r.status for r in fourth.results] == ["rendered", "unchanged"]
    fifth = render_many([src], "pdf,docx", 2, out, changed=True, render=fake_render)
    assert fifth.count("rendered") == 2  # other options: other key
    assert json.loads((out / MANIFEST_NAME).read_text())["letters"]["a"]["outputs"] == [
        "a.pdf", "a.docx"]


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "sub").mkdir(parents=True)
    stale = [out / ".a.pdf.k2j4h5g6.tmp", out / "sub" / ".b.docx.abcd_123.tmp"]
    for p in stale:
        p.write_bytes(b"partial")
    keep = out / ".notes.tmp"
    keep.write_text("mine")
    assert sorted(clean_temp_files(out)) == sorted(stale)
    assert keep.exists()


def test_mail_merge_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--template/--data: each row's letter renders; failed rows are reported by row id."""
    from typer.testing import CliRunner

    from gongwen.cli import app

    letter = load_letter(EXAMPLE_LETTER)
    calls = []

    def letters_from_table(kind, data, template_dirs=()):
        calls.append((kind, Path(data), tuple(template_dirs)))
        yield "row-1", letter
        yield "row-2", LetterError([Problem(str(data), 3, 5, "signature.date", "日期无效")])
        yield "sub/row-3", letter

    fake = types.ModuleType("gongwen.templates")
    fake.letters_from_table = letters_from_table  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gongwen.templates", fake)
    table = tmp_path / "table.csv"
    table.write_text("id\n1\n2\n3\n", encoding="utf-8")
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    res = CliRunner().invoke(app, [
        "batch", "--template", "reply", "--data", str(table), "-o", str(out), "-f", "docx",
        "-j", "2", "--report", str(report), "--no-progress",
    ])
    assert res.exit_code == 1, res.output
    assert calls == [("reply", table, ())]
    assert f"{table}:3:5: signature.date: 日期无效" in res.output
    assert "row-2" in res.output
    assert (out / "row-1.docx").is_file() and (out / "sub" / "row-3.docx").is_file()
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert [x["status"] for x in data["letters"]] == ["rendered", "failed", "rendered"]

    def escaping(kind, data, template_dirs=()):
        yield "../../etc/evil", letter

    fake.letters_from_table = escaping  # type: ignore[attr-defined]
    res = CliRunner().invoke(app, ["batch", "--template", "reply", "--data", str(table),
                                   "-o", str(out)])
    assert res.exit_code == 2 and "输出目录" in res.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gongwen.cli import app

    runner = CliRunner()
    assert runner.invoke(app, ["batch", str(tmp_path / "none"), "-o", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["batch", str(tmp_path)]).exit_code == 2  # no -o
    assert runner.invoke(app, ["batch", "-o", str(tmp_path)]).exit_code == 2  # nothing to do
    write_letters(tmp_path / "in", {"a.yaml": small()})
    res = runner.invoke(app, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"),
                              "-f", "png"])
    assert res.exit_code == 2


# --------------------------------------------------------------------------------------------
# Acceptance: the real pipeline, through the CLI


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    letters = {
        "good/a.yaml": small("园区建设"),
        "good/b.yaml": small("营商环境"),
        "example.yaml": EXAMPLE_LETTER.read_text(encoding="utf-8"),
        **{f"broken/{n}": text for n, (text, _, _) in BROKEN.items()},
    }
    return write_letters(root / "letters", letters)


def test_batch_good_and_broken(mixed_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = tmp_path / "report.json"
    proc = _run_cli(str(mixed_folder), "-o", str(out), "-j", "2", "--report", str(report),
                    cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    for name, (_, line, col) in BROKEN.items():
        pattern = re.escape(str(mixed_folder / "broken" / name)) + rf":{line}:{col}: "
        assert re.search(pattern, proc.stderr), (name, proc.stderr)
    files = _outputs(out)
    assert [p.relative_to(out).as_posix() for p in files] == [
        "example.docx", "example.pdf", "good/a.docx", "good/a.pdf", "good/b.docx", "good/b.pdf"]
    pages = {p.relative_to(out).with_suffix("").as_posix(): _check_complete(p)
             for p in files if p.suffix == ".pdf"}
    for p in files:
        _check_complete(p)
    assert "gongwen batch" in proc.stdout  # the summary table

    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    by = {x["name"]: x for x in data["letters"]}
    assert data["counts"] == {"rendered": 3, "unchanged": 0, "failed": 3, "cancelled": 0}
    for name, n in pages.items():
        assert by[name]["status"] == "rendered" and by[name]["pages"] == n
        assert by[name]["outputs"] == [f"{name}.pdf", f"{name}.docx"]
    for name, (_, line, col) in BROKEN.items():
        entry = by[f"broken/{Path(name).stem}"]
        assert entry["status"] == "failed" and entry["pages"] is None
        problem = entry["problems"][0]
        assert (problem["line"], problem["column"]) == (line, col), problem
        assert problem["file"].endswith(name) and problem["message"]

    # nothing changed: a --changed run renders nothing and leaves the files alone
    before = {p: p.stat().st_mtime_ns for p in files}
    proc = _run_cli(str(mixed_folder), "-o", str(out), "-j", "2", "--changed",
                    "--report", str(report), cwd=tmp_path)
    assert proc.returncode == 1  # the broken letters still fail
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["counts"]["rendered"] == 0 and data["counts"]["unchanged"] == 3
    assert {p: p.stat().st_mtime_ns for p in _outputs(out)} == before


def _wait_for_output(out: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists() and any(out.rglob("*.pdf")):
            return
        if proc.poll() is not None:
            pytest.fail(f"batch ended before it was interrupted: {proc.communicate()}")
        time.sleep(0.02)
    pytest.fail("no output appeared")


@pytest.fixture(scope="module")
def many_letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    text = REFERENCE_YAML.read_text(encoding="utf-8")
    return write_letters(root / "letters", {f"part{i % 3}/letter{i:02d}.yaml": text for i in range(30)})


def _assert_only_complete(out: Path) -> None:
    for p in _outputs(out):
        _check_complete(p)
    for p in out.rglob("*"):
        if p.is_file() and p.suffix not in (".pdf", ".docx"):
            assert p.name.startswith("."), p  # temp files, manifest and lock are hidden


def _start_batch(letters: Path, out: Path, cwd: Path) -> subprocess.Popen[bytes]:
    """A batch of ``letters`` into ``out`` in its own process group, output discarded."""
    return subprocess.Popen(
        [sys.executable, "-m", "gongwen.cli", "batch", str(letters), "-o", str(out),
         "-j", "2", "--no-progress"],
        cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_kill_9_leaves_only_complete_files(many_letters: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _start_batch(many_letters, out, tmp_path)
    _wait_for_output(out, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    time.sleep(0.2)
    _assert_only_complete(out)
    assert len(_outputs(out)) < 60  # it was killed midway
    # the next run cleans leftovers and completes the tree; --changed renders only the rest
    report = tmp_path / "r.json"
    again = _run_cli(str(many_letters), "-o", str(out), "-j", "2", "--changed",
                     "--report", str(report), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert not list(out.rglob("*.tmp"))
    assert len(_outputs(out)) == 60
    data = json.loads(report.read_text(encoding="utf-8"))
    rendered = {o for x in data["letters"] if x["status"] == "rendered" for o in x["outputs"]}
    assert len(rendered) <= 60 and data["counts"]["failed"] == 0
    assert data["counts"]["rendered"] + data["counts"]["unchanged"] == 30


def test_workers_stop_when_the_batch_is_killed(many_letters: Path, tmp_path: Path) -> None:
    """kill -9 of the batch process alone: its workers exit too, and the next batch into
    the same folder is not refused as busy."""
    out = tmp_path / "out"
    proc = _start_batch(many_letters, out, tmp_path)
    _wait_for_output(out, proc)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 15
    while _group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_members(proc.pid) == [], "orphaned workers still running"
    _assert_only_complete(out)
    again = _run_cli(str(many_letters), "-o", str(out), "-j", "2", "--changed", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(_outputs(out)) == 60


def _group_members(pgid: int) -> list[int]:
    """Live processes of a process group (from /proc; zombies do not count)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
        if fields[0] != "Z" and int(fields[2]) == pgid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("how", ["SIGTERM to the batch", "Ctrl-C to the process group"])
def test_interrupt_stops_workers_and_prints_summary(
    how: str, many_letters: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongwen.cli", "batch", str(many_letters), "-o", str(out),
         "-j", "2", "--no-progress", "--report", str(report)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, env={**os.environ, "COLUMNS": "200"},
    )
    # wait until the parent has recorded a finished letter (its progress line), then stop it
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if "] rendered" in line:
            break
    else:
        pytest.fail(f"batch ended before it was interrupted: {seen}")
    if how.startswith("SIGTERM"):
        proc.send_signal(signal.SIGTERM)
    else:  # a terminal's Ctrl-C reaches every process of the foreground group
        os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130, stderr
    assert "gongwen batch" in stdout and "已中断" in stdout
    # the workers are gone, and left no temporary file behind
    time.sleep(0.2)
    _assert_only_complete(out)
    assert not list(out.rglob("*.tmp"))
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert data["interrupted"] is True and data["counts"]["cancelled"] > 0
    rendered = [x for x in data["letters"] if x["status"] == "rendered"]
    assert rendered and all((out / o).is_file() for x in rendered for o in x["outputs"])
    assert _group_members(proc.pid) == [], "workers still running"


def test_collision_and_escape_refused_by_cli(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": small(), "a.yml": small()})
    out = tmp_path / "out"
    proc = _run_cli(str(src), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 2
    assert "a.yaml" in proc.stderr and "a.yml" in proc.stderr
    assert not _outputs(out) if out.exists() else True


def test_mail_merge_with_real_templates(tmp_path: Path) -> None:
    """--template proposal --data table.csv: rows render, a bad row fails alone by row id."""
    import csv

    pytest.importorskip("gongwen.templates")
    header = ["序号", "proposal_title", "proposal_number", "session", "addressees", "organ",
              "date", "contacts"]
    rows = [header] + [
        [str(i), f"关于示例事项{i}的提案", f"{i:04d}", "市政协十二届三次会议", f"委员{i}",
         "示例市发展和改革委员会", "2024年6月18日", f"联系人：李示例；联系电话：0000-{i:08d}"]
        for i in range(1, 4)
    ]
    rows[2][6] = "2024-13-01"  # table row 3
    table = tmp_path / "table.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out"
    report = tmp_path / "r.json"
    proc = _run_cli("--template", "proposal", "--data", str(table), "-o", str(out), "-j", "2",
                    "-f", "pdf", "--report", str(report), "--no-progress", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "table.csv:row 3: signature.date:" in proc.stderr
    assert [p.name for p in _outputs(out)] == ["table-row-2.pdf", "table-row-4.pdf"]
    for p in _outputs(out):
        _check_complete(p)
    data = json.loads(report.read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert [(x["source"], x["status"]) for x in data["letters"]] == [
        ("table.csv:row 2", "rendered"), ("table.csv:row 3", "failed"),
        ("table.csv:row 4", "rendered")]
    again = _run_cli("--template", "proposal", "--data", str(table), "-o", str(out), "-j", "2",
                     "-f", "pdf", "--changed", "--report", str(report), cwd=tmp_path)
    assert again.returncode == 1
    assert json.loads(report.read_text(encoding="utf-8"))["counts"]["unchanged"] == 2


def test_mail_merge_names_outputs_from_a_column(tmp_path: Path) -> None:
    """--name-column 提案号: each row's output is named by its cell, not table-row-N."""
    import csv

    pytest.importorskip("gongwen.templates")
    header = ["提案号", "session", "proposal_title", "addressees", "organ", "date"]
    rows = [header] + [[f"{i:04d}", "市政协十二届三次会议", f"关于示例事项{i}的提案", f"委员{i}",
                        "示例市发展和改革委员会", "2024年6月18日"] for i in (7, 12)]
    table = tmp_path / "table.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    items = items_from_table("proposal", table, name_column="提案号")
    assert [i.name for i in items] == ["0007", "0012"]
    assert all(i.letter is not None for i in items)
    assert [i.name for i in items_from_table("proposal", table)] == ["table-row-2", "table-row-3"]
    with pytest.raises(BatchError, match="没有列 '案号'；表头：提案号、session"):
        items_from_table("proposal", table, name_column="案号")
    proc = _run_cli("--template", "proposal", "--data", str(table), "--name-column", "提案号",
                    "-o", str(tmp_path / "out"), "-f", "docx", "--fonts", "open", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in _outputs(tmp_path / "out")] == ["0007.docx", "0012.docx"]


def test_python_api_round_trip(tmp_path: Path) -> None:
    """render_many with the real pipeline, in-process API (used by docs/batch.md)."""
    src = write_letters(tmp_path / "in", {"x.yaml": small()})
    res = render_many([src], ["pdf"], 1, tmp_path / "out")
    assert res.exit_code == 0, res.results
    (only,) = res.results
    assert only.outputs == ["x.pdf"] and only.pages == _check_complete(tmp_path / "out" / "x.pdf")


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    """The folder lock (filelock, so Windows too): a batch holding OUT keeps a second out."""
    from filelock import FileLock

    src = write_letters(tmp_path / "in", {"a.yaml": small()})
    out = tmp_path / "out"
    out.mkdir()
    with (FileLock(out / ".gongwen-batch.lock", timeout=0),
          pytest.raises(BatchError, match="另一个 gongwen batch 正在写入这个目录")):
        render_many([src], "pdf", 1, out, render=fake_render)
    assert render_many([src], "pdf", 1, out, render=fake_render).exit_code == 0
