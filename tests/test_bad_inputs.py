"""The corpus of broken and hostile letters in tests/bad: each gives its expected one-line
error and exit code 2, with no traceback and no output file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gongwen.cli import app

BAD = Path(__file__).parent / "bad"
CASES = sorted(BAD.glob("*.yaml"))
GOOD = (BAD.parent.parent / "letters" / "zhuzhou-fgw-2022-reply.yaml").read_text(encoding="utf-8")


def test_corpus_is_large_enough():
    assert len(CASES) >= 40
    assert all(case.with_suffix(".err").is_file() for case in CASES)


def _render(path: Path, out: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["render", str(path), "-o", str(out), "--fonts", "open"])
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_bad_letter(case: Path, tmp_path: Path):
    expected = case.with_suffix(".err").read_text(encoding="utf-8").strip()
    out = tmp_path / "out"
    code, stderr = _render(case, out)
    assert code == 2, stderr
    assert "Traceback" not in stderr
    first = stderr.splitlines()[0]
    assert first == expected.replace("{file}", str(case))
    assert not out.exists() or not any(out.iterdir())


def test_ten_megabyte_paragraph(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    path.write_text(GOOD.replace("format: plain", "format: plain\nnote: '" + "长" * 3_500_000 + "'"),
                    encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    code, stderr = _render(path, tmp_path / "out")
    assert code == 2
    assert stderr.startswith(f"{path}: 文件太大")


def test_enormous_seal_image(tmp_path: Path):
    from PIL import Image

    Image.new("L", (6000, 6000), 255).save(tmp_path / "seal.png")
    path = tmp_path / "sealed.yaml"
    path.write_text(GOOD.replace("  date: 2022-09-29",
                                 "  date: 2022-09-29\n  seal:\n    mode: image\n    image: seal.png"),
                    encoding="utf-8")
    code, stderr = _render(path, tmp_path / "out")
    assert code == 2
    assert "signature.seal.image: 印章图片尺寸过大（6000×6000 像素" in stderr


@pytest.mark.parametrize("case", ["python-object-tag", "alias-bomb", "nesting-500-levels",
                                  "right-to-left-text"])
def test_bad_letter_in_a_real_process(case: str, tmp_path: Path):
    """The installed command, not only the in-process runner: exit 2 and no traceback."""
    path = BAD / f"{case}.yaml"
    result = subprocess.run(
        [sys.executable, "render.py", str(path), "-o", str(tmp_path), "--fonts", "open"],
        capture_output=True, text=True, timeout=120, cwd=BAD.parent.parent,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    expected = path.with_suffix(".err").read_text(encoding="utf-8").strip()
    assert result.stderr.splitlines()[0] == expected.replace("{file}", str(path))
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize(("body", "message"), [
    ("  - '" + "长" * 200_001 + "'\n", "信件过长："),
    ("".join(f"  - 第{i}段。\n" for i in range(5_001)), "段落过多："),
], ids=["too-many-characters", "too-many-paragraphs"])
def test_resource_bounds(tmp_path: Path, body: str, message: str):
    path = tmp_path / "long.yaml"
    path.write_text(GOOD.replace("body:\n", "body:\n" + body, 1), encoding="utf-8")
    code, stderr = _render(path, tmp_path / "out")
    assert code == 2
    assert f"{path}:" in stderr and message in stderr
    assert not (tmp_path / "out").exists()
