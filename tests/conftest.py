"""Shared fixtures: paths of the project's letters and the reference text."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_YAML = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
REFERENCE_TEXT = ROOT / "letters" / "reference" / "zhuzhou-fgw-2022-reply.txt"
EXAMPLE_LETTER = ROOT / "letters" / "examples" / "letter-format-reply.yaml"


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
