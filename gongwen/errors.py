"""User-facing errors: every problem names its file, line, column and field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in an input file. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    field: str  # dotted path, e.g. "signature.date" or "body[2].heading"; "" for the file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f"{self.field}: " if self.field else ""
        return f"{where}: {field}{self.message}"


class GongwenError(Exception):
    """An error caused by the user's input or environment; printed without a traceback."""


class LetterError(GongwenError):
    """A letter file that cannot be used; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
