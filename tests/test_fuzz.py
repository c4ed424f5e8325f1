"""Fuzzing the YAML loader: mutated letters never crash it.

A seeded mutation fuzzer runs for a fixed time budget (``GONGWEN_FUZZ_SECONDS``, default 15 s)
over the project's letters: it deletes, duplicates, swaps and inserts lines and characters —
YAML syntax, tags, anchors, control characters, deep brackets. Every outcome must be a letter
or a ``LetterError`` with located problems; anything else fails and prints the input.
A hypothesis test covers arbitrary text the same way.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongwen.errors import LetterError
from gongwen.loader import load_letter

ROOT = Path(__file__).resolve().parent.parent
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "letters").rglob("*.yaml"))]
BUDGET = float(os.environ.get("GONGWEN_FUZZ_SECONDS", "15"))
TOKENS = [
    ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object:os.system ", "!tag ", "'", '"',
    "#", "|", ">", "\t", "\x00", "\x07", "\ufffe", "\u202e", "%YAML 1.1\n", "---\n", "...\n",
    "<b>", "&amp;", "{{ x }}", "0x1F", "2022-02-30", "〔2022〕", "null", "~", "? ", "<<: *a\n",
    "\\ud800", "9" * 40, "[" * 60,
]


def _mutate(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        if not lines:
            lines = [rng.choice(TOKENS)]
        i = rng.randrange(len(lines))
        if op == 0:
            del lines[i]
        elif op == 1:
            lines.insert(i, lines[rng.randrange(len(lines))])
        elif op == 2:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            k = rng.randrange(len(line) + 1)
            if op == 3:
                lines[i] = line[:k] + rng.choice(TOKENS) + line[k:]
            elif op == 4:
                lines[i] = line[:k] + line[k + rng.randint(1, 5):]
            else:
                lines[i] = " " * rng.randint(0, 6) + line.lstrip()
    return "".join(lines)


def _load(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_letter(path)
    except LetterError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == str(path) and problem.message
    except Exception as exc:  # pragma: no cover - a finding
        raise AssertionError(f"loader crashed with {exc!r} on:\n{text}") from exc


def test_mutation_fuzz_within_budget(tmp_path: Path):
    rng = random.Random(9704)
    path = tmp_path / "fuzz.yaml"
    deadline = time.monotonic() + BUDGET
    runs = 0
    while time.monotonic() < deadline:
        _load(path, _mutate(rng, rng.choice(SEEDS)))
        runs += 1
    assert runs > 50  # the budget was really spent on inputs
    print(f"fuzzed the loader with {runs} mutated letters in {BUDGET:.0f} s")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_loader(tmp_path_factory, text):
    _load(tmp_path_factory.mktemp("h") / "t.yaml", text)
