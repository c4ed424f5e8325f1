"""Shared fixtures: paths of the project's letters and the reference text."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run, so a test run's verdict does not depend
# on luck; GONGWEN_HYPOTHESIS=explore draws new ones (to look for failures, not in CI).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("GONGWEN_HYPOTHESIS", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_YAML = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
REFERENCE_TEXT = ROOT / "letters" / "reference" / "zhuzhou-fgw-2022-reply.txt"
EXAMPLE_LETTER = ROOT / "letters" / "examples" / "letter-format-reply.yaml"


SMALL_LETTER = """\
format: plain
addressees:
  - 张示例委员
body:
  - 您提出的提案收悉。现答复如下：
  - heading: 工作情况
    body:
      - 我局高度重视。
signature:
  organs:
    - 示例市某局
  date: 2024-06-18
"""


def write_letters(folder: Path, names: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` below ``folder`` (folders made as needed); ``folder``."""
    for name, text in names.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def invoke(*args: str | Path) -> tuple[int, str]:
    """Run a ``gongwen`` command in-process: its exit code and everything it printed, after
    checking that it raised nothing and printed no traceback."""
    from typer.testing import CliRunner

    from gongwen.cli import app

    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="session")
def reference_yaml() -> Path:
    return REFERENCE_YAML


@pytest.fixture(scope="session")
def reference_text() -> str:
    return REFERENCE_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def example_letter() -> Path:
    return EXAMPLE_LETTER


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run that collected no test is a failure, not a success (pytest's exit code 5)."""
    if session.testscollected == 0:
        session.exitstatus = 1
