"""Writing outputs: a letter's formats together or not at all, nothing outside the output
folder, every write fault a Chinese message (exit 2, no traceback), and a batch's output
folder consistent with its report."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gongwen import batch, output, schemas
from gongwen.batch import MANIFEST_NAME, BatchError, render_many
from gongwen.layout import Layout, Page
from gongwen.pipeline import Rendered

from .conftest import ROOT, SMALL_LETTER, invoke, write_letters

gongwen = invoke


def letter(topic: str = "园区") -> str:
    return SMALL_LETTER.replace("您提出的提案", f"您提出的关于{topic}的提案")




def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*") if p.name.endswith(".tmp")]


# --------------------------------------------------------------------------------------------
# write_files: together or not at all


def test_a_failed_write_keeps_the_old_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output.write_files(tmp_path, {"a.pdf": b"old pdf", "a.docx": b"old docx"})
    real = output._Dir.write_new
    calls = []

    def second_fails(self, name, data, shown):
        calls.append(name)
        if len(calls) == 2:
            raise output.OutputError(f"{shown}: 无法写入（磁盘已满）")
        return real(self, name, data, shown)

    monkeypatch.setattr(output._Dir, "write_new", second_fails)
    with pytest.raises(output.OutputError, match="磁盘已满"):
        output.write_files(tmp_path, {"a.pdf": b"new pdf", "a.docx": b"new docx"})
    assert (tmp_path / "a.pdf").read_bytes() == b"old pdf"
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"
    assert not _temporaries(tmp_path)


def test_a_failed_rename_puts_the_old_files_back(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    output.write_files(tmp_path, {"a.pdf": b"old pdf", "a.docx": b"old docx"})
    real = os.replace
    renames = []

    def second_fails(src, dst, **kw):
        renames.append(dst)
        if len(renames) == 2:
            raise OSError(28, "No space left on device")
        return real(src, dst, **kw)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(output.OutputError, match="磁盘已满"):
        output.write_files(tmp_path, {"a.pdf": b"new pdf", "a.docx": b"new docx"})
    monkeypatch.setattr(os, "replace", real)
    assert (tmp_path / "a.pdf").read_bytes() == b"old pdf"
    assert (tmp_path / "a.docx").read_bytes() == b"old docx"
    assert not _temporaries(tmp_path)


def test_a_full_disk_leaves_no_half_letter(tmp_path: Path) -> None:
    """A real write fault: the file-size limit (EFBIG, like a full disk) lets the DOCX
    through and stops the PDF; neither replaces the earlier pair."""
    path = tmp_path / "min.yaml"
    path.write_text(letter("旧"), encoding="utf-8")
    out = tmp_path / "out"
    assert gongwen("render", path, "-o", out, "--fonts", "open")[0] == 0
    old = {p.name: p.read_bytes() for p in out.iterdir()}
    docx_size, pdf_size = len(old["min.docx"]), len(old["min.pdf"])
    assert docx_size + 4_000 < pdf_size
    cap = (docx_size + pdf_size) // 2  # the DOCX fits, the PDF does not
    path.write_text(letter("新"), encoding="utf-8")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (cap, cap))

    proc = subprocess.run(
        [sys.executable, "render.py", str(path), "-o", str(out), "--fonts", "open",
         "-f", "docx,pdf"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, preexec_fn=limit,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{out / 'min.pdf'}: 无法写入（文件超出允许的大小")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == old


@pytest.fixture
def read_only(tmp_path: Path):
    """A folder no one may write to, even root (chattr +i); skipped where that cannot be."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("cannot make a folder read-only for root here")
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_read_only_output_folder(read_only: Path, tmp_path: Path) -> None:
    path = write_letters(tmp_path, {"a.yaml": letter()}) / "a.yaml"
    cases = [
        (["render", path, "-o", read_only, "--fonts", "open"], f"{read_only / 'a.pdf'}: 无法写入"),
        (["schema", "-o", read_only / "s.json"], f"{read_only / 's.json'}: 无法写入"),
        (["new", "proposal", "-o", read_only / "n.yaml", "--set", "organ=示例局", "--set",
          "addressees=张委员", "--set", "proposal_title=关于示例的建议"],
         f"{read_only / 'n.yaml'}: 无法写入"),
        (["batch", path, "-o", read_only, "--no-progress"], f"{read_only / '.gongwen-batch.lock'}: "),
        (["batch", path, "-o", tmp_path / "out", "--report", read_only / "r.json",
          "--no-progress", "--fonts", "open"], f"--report {read_only / 'r.json'}: 无法写入"),
    ]
    for args, message in cases:
        code, out = gongwen(*args)
        assert code == 2, args
        assert message in out, (args, out)
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))


def test_output_option_naming_a_file_or_a_folder_in_the_way(tmp_path: Path) -> None:
    path = write_letters(tmp_path, {"L.yaml": letter()}) / "L.yaml"
    (tmp_path / "notes").write_text("x")
    code, out = gongwen("render", path, "-o", tmp_path / "notes", "--fonts", "open")
    assert code == 2 and "notes: 是已有的文件，不是目录" in out
    (tmp_path / "out" / "L.pdf").mkdir(parents=True)
    code, out = gongwen("render", path, "-o", tmp_path / "out", "--fonts", "open")
    assert code == 2 and "L.pdf: 已有同名的文件夹，无法写入" in out
    assert not (tmp_path / "out" / "L.docx").exists()  # not half a letter either
    code, out = gongwen("batch", path, "-o", tmp_path / "notes", "--no-progress")
    assert code == 2 and "notes: 是已有的文件，不是目录" in out


def test_a_250_byte_name(tmp_path: Path) -> None:
    name = "长" * 81 + "x"  # 244 bytes; with .yaml 249, with .docx 249
    path = write_letters(tmp_path, {f"{name}.yaml": letter()}) / f"{name}.yaml"
    code, out = gongwen("render", path, "-o", tmp_path / "out", "--fonts", "open")
    assert code == 0, out
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"{name}.docx", f"{name}.pdf"]
    assert output.temp_name(f"{name}.docx").encode().__len__() <= 255


def test_a_name_that_is_not_utf8_fails_alone(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": letter()})
    with open(os.path.join(os.fsencode(src), b"\xff\xfe.yaml"), "wb") as fh:
        fh.write(letter().encode())
    report = tmp_path / "report.json"
    code, out = gongwen("batch", src, "-o", tmp_path / "out", "--report", report,
                        "--no-progress", "--fonts", "open", "-f", "pdf")
    assert code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    status = {x["name"]: x["status"] for x in data["letters"]}
    assert status == {"a": "rendered", "\ufffd\ufffd": "failed"}
    assert "文件名不是 UTF-8 编码" in out
    assert json.loads((tmp_path / "out" / MANIFEST_NAME).read_text())["letters"].keys() == {"a"}


# --------------------------------------------------------------------------------------------
# Nothing outside OUT, even when a folder inside it is swapped for a link


ONE_PAGE = Layout((Page(1, 1, ()),))


def swapping_render(letter, formats, *, fonts="auto", strict_fonts=False, base_dir=None,
                    sources=None):
    """Renders fake outputs; the letter mentioning SWAP first swaps OUT/sub for a link to
    OUTSIDE (as an attacker racing the batch would)."""
    text = "".join(b if isinstance(b, str) else "" for b in letter.body)
    if "SWAP" in text:
        out = Path(os.environ["GONGWEN_TEST_OUT"])
        os.rename(out / "sub", out / "sub.old")
        (out / "sub").symlink_to(os.environ["GONGWEN_TEST_OUTSIDE"], target_is_directory=True)
    body = f"%PDF-1.4\n1 0 obj << /Type /Page >>\n{text}".encode()
    return Rendered(None, ONE_PAGE, {f: body for f in formats}, [])  # type: ignore[arg-type]


def test_a_folder_swapped_for_a_link_is_not_followed(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    src = write_letters(tmp_path / "in", {
        "sub/a.yaml": letter("甲"), "sub/b.yaml": letter("SWAP"), "sub/c.yaml": letter("丙"),
    })
    out, outside = tmp_path / "out", tmp_path / "outside"
    outside.mkdir()
    monkeypatch.setenv("GONGWEN_TEST_OUT", str(out))
    monkeypatch.setenv("GONGWEN_TEST_OUTSIDE", str(outside))
    result = render_many([src], "pdf", 1, out, render=swapping_render)
    assert not list(outside.iterdir())
    by = {r.name: r for r in result.results}
    assert by["sub/a"].status == "rendered"
    for name in ("sub/b", "sub/c"):
        assert by[name].status == "failed"
        assert "是符号链接或不是文件夹，拒绝写入" in by[name].problems[0].message


# --------------------------------------------------------------------------------------------
# OUT consistent with the report


def test_report_cannot_overwrite_an_output(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"min.yaml": letter()})
    for report in ("min.pdf", MANIFEST_NAME):
        with pytest.raises(BatchError, match="会覆盖输出文件"):
            render_many([src], "pdf", 1, tmp_path / "out", report=tmp_path / "out" / report)
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_changed_verifies_the_outputs(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": letter("甲"), "b.yaml": letter("乙")})
    out = tmp_path / "out"
    render_many([src], "pdf", 1, out, fonts="open")
    good = (out / "b.pdf").read_bytes()
    (out / "b.pdf").write_bytes(b"")
    again = render_many([src], "pdf", 1, out, changed=True, fonts="open")
    assert [r.status for r in again.results] == ["unchanged", "rendered"]
    assert (out / "b.pdf").read_bytes() == good


def test_failed_and_removed_letters_lose_their_outputs(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {
        "a.yaml": letter("甲"), "b.yaml": letter("乙"), "c.yaml": letter("丙")})
    out = tmp_path / "out"
    first = render_many([src], "pdf,docx", 1, out, fonts="open")
    assert first.count("rendered") == 3
    (src / "b.yaml").write_text(letter("乙") + "body: [\n", encoding="utf-8")  # now broken
    (src / "c.yaml").unlink()  # gone
    report = tmp_path / "report.json"
    second = render_many([src], "pdf,docx", 1, out, fonts="open", report=report)
    by = {r.name: r for r in second.results}
    assert by["b"].status == "failed" and sorted(by["b"].removed) == ["b.docx", "b.pdf"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "a.docx", "a.pdf"]
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["letters"]
    assert list(manifest) == ["a"]
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["removed"] == [{"name": "c", "source": str(src / "c.yaml"),
                                "outputs": ["c.pdf", "c.docx"]}]
    import jsonschema

    jsonschema.validate(data, schemas.load("batch-report"))


def test_an_output_in_the_way_of_a_folder_is_refused_up_front(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"x.yaml": letter(), "x.pdf/y.yaml": letter()})
    with pytest.raises(BatchError, match="输出文件与输出文件夹同名") as info:
        render_many([src], "pdf,docx", 1, tmp_path / "out")
    assert str(info.value).count("x.pdf/y.yaml") == 1
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------------------------
# A letter that takes too long


def hanging_render(letter, formats, *, fonts="auto", strict_fonts=False, base_dir=None,
                   sources=None):
    text = "".join(b if isinstance(b, str) else "" for b in letter.body)
    if "HANG" in text:
        while True:
            pass
    if "STUCK" in text:  # deaf to the worker's own alarm: only the parent can stop it
        signal.signal(signal.SIGALRM, signal.SIG_IGN)
        while True:
            time.sleep(1)
    body = f"%PDF-1.4\n1 0 obj << /Type /Page >>\n{text}".encode()
    return Rendered(None, ONE_PAGE, {f: body for f in formats}, [])  # type: ignore[arg-type]


def test_a_letter_that_hangs_fails_at_the_time_limit(tmp_path: Path) -> None:
    src = write_letters(tmp_path / "in", {"a.yaml": letter("甲"), "hang.yaml": letter("HANG")})
    result = render_many([src], "pdf", 2, tmp_path / "out", render=hanging_render, timeout=0.5)
    by = {r.name: r for r in result.results}
    assert by["a"].status == "rendered"
    assert by["hang"].status == "failed"
    assert "排版超出时间上限（0.5 秒）" in by["hang"].problems[0].message


def test_a_stuck_worker_is_stopped_by_the_batch(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STUCK_GRACE_S", 0.5)
    src = write_letters(tmp_path / "in", {"a.yaml": letter("甲"), "stuck.yaml": letter("STUCK")})
    result = render_many([src], "pdf", 2, tmp_path / "out", render=hanging_render, timeout=0.5)
    by = {r.name: r for r in result.results}
    assert by["a"].status == "rendered"
    assert by["stuck"].status == "failed"
    assert "排版超出时间上限（0.5 秒），排版进程已停止" in by["stuck"].problems[0].message


def test_a_looping_letter_fails_alone_in_a_real_batch(tmp_path: Path) -> None:
    loop = ("{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}")
    looping = letter().replace("format: plain\n", "format: plain\noptions: {expand_variables: true}\n"
                               ).replace("我局高度重视。", '"' + loop + '"')
    src = write_letters(tmp_path / "in", {"a.yaml": letter(), "loop.yaml": looping})
    proc = subprocess.run(
        [sys.executable, "-m", "gongwen.cli", "batch", str(src), "-o", str(tmp_path / "out"),
         "--timeout", "4", "--fonts", "open", "-f", "pdf", "--no-progress", "-j", "2"],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    # below the template budget (5 s), the letter's limit (4 s) is the one met
    assert "loop.yaml:9:9: body[1].body[0]: 变量展开失败：排版超出时间上限（4 秒）" in proc.stderr
    assert (tmp_path / "out" / "a.pdf").is_file() and not (tmp_path / "out" / "loop.pdf").exists()


def test_clean_temp_files_does_not_follow_links(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    victim = outside / ".a.pdf.k2j4h5g6.tmp"
    victim.write_text("not ours")
    (out / "link").symlink_to(outside, target_is_directory=True)
    with contextlib.suppress(Exception):
        batch.clean_temp_files(out)
    assert victim.exists()
