"""The layout's run-based model: lines and runs as arrays of glyph positions and advances,
the glyphs behind them shared (one per character, role, size and colour in a font set),
and positions that agree with a plain per-glyph placement."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import pytest

from gongwen.compose import compose
from gongwen.document import Block, Document, LetterFormat, Span
from gongwen.fonts import load_fontset
from gongwen.layout import Layout, Line, Part, layout_document
from gongwen.layout.text import SQUEEZE_CLOSING, SQUEEZE_OPENING, cell, glyph_table
from gongwen.loader import load_letter
from gongwen.spec import BLACK, FontRole, Role, is_wide


@pytest.fixture(scope="module")
def fontset():
    return load_fontset("open")


@pytest.fixture(scope="module")
def layouts(fontset, reference_yaml: Path, example_letter: Path) -> dict[str, Layout]:
    """The reference letter and the 信函格式 example (and the example as 文件格式)."""
    reference = compose(load_letter(reference_yaml), reference_yaml.parent)
    example = compose(load_letter(example_letter), example_letter.parent)
    assert example.fmt is LetterFormat.LETTER
    document = dataclasses.replace(example, fmt=LetterFormat.DOCUMENT)
    return {name: layout_document(doc, fontset) for name, doc in
            (("reference", reference), ("example", example), ("document", document))}


def test_a_runs_advances_sum_to_its_width(layouts) -> None:
    for lay in layouts.values():
        for page in lay.pages:
            for run in page.runs:
                n = len(run.text)
                assert len(run.xs) == len(run.advances) == n > 0
                expected = sum(run.advances) + run.char_space * (n - 1)
                assert run.width == pytest.approx(expected, abs=1e-9)
                assert run.x + run.width == pytest.approx(run.xs[-1] + run.advances[-1], abs=1e-4)


def test_each_line_is_its_runs_in_order(layouts) -> None:
    """A line's glyph arrays are the concatenation of the arrays of the runs drawn on its
    baseline between its first and last glyph (runs never span two lines)."""
    for lay in layouts.values():
        for page in lay.pages:
            runs = list(page.runs)
            for ln in page.lines:
                if not ln.text:
                    continue
                mine = [r for r in runs if r.y == ln.y and ln.xs[0] <= r.x <= ln.xs[-1]]
                assert "".join(r.text for r in mine) == ln.text
                assert tuple(x for r in mine for x in r.xs) == ln.xs
                assert tuple(a for r in mine for a in r.advances) == ln.advances


def _reference_positions(ln: Line) -> list[float] | None:
    """Each glyph's x placed one by one the plain way, for a line of full-width characters
    each on its own cell, with its punctuation unsqueezed; None for any other line."""
    c = cell(ln.size)
    n = len(ln.text)
    measure = ln.x1 - ln.left
    if (not n or ln.part is not Part.FLOW or any(not is_wide(ch) for ch in ln.text)
            or "——" in ln.text or "……" in ln.text or n * c > measure + 0.01):
        return None
    slack = measure - n * c
    start, gap = ln.left, 0.0
    if ln.align == "justify" and ln.full and n > 1 and slack > 0.01:
        gap = slack / (n - 1)
    elif ln.align == "right":
        start = ln.left + slack
    elif ln.align == "center":
        start = ln.left + slack / 2
    out = []
    for k, (ch, adv) in enumerate(zip(ln.text, ln.advances, strict=True)):
        if adv >= 0.9 * c or ch in SQUEEZE_CLOSING:
            offset = 0.0
        elif ch in SQUEEZE_OPENING:
            offset = c - adv
        else:
            offset = (c - adv) / 2
        out.append(start + k * (c + gap) + offset)
    return out


@pytest.mark.parametrize("name", ["reference", "example"])
def test_glyph_positions_equal_a_per_glyph_placement(layouts, name: str) -> None:
    lay = layouts[name]
    lines = [ln for p in lay.pages for ln in p.lines if ln.part is Part.FLOW and ln.text]
    checked = 0
    for ln in lines:
        expected = _reference_positions(ln)
        if expected is None or ln.role in ("signature", "date"):  # placed by decision 10
            continue
        assert list(ln.xs) == pytest.approx(expected, abs=1e-6), (ln.role, ln.text)
        checked += 1
    assert checked >= 0.45 * len(lines)  # the full-width text on the grid


def _doc(*texts: str) -> Document:
    return Document(LetterFormat.PLAIN, tuple(Block(Role.BODY, (Span(t),)) for t in texts))


def test_shared_glyphs_give_the_same_layout_cold_and_warm(fontset) -> None:
    """A font set whose glyph tables are empty (a copy: new tables) and one that has seen
    the characters lay a letter out alike, fallback faces and warnings included."""
    doc = _doc("中喆文\ue000，（数字 2026 年）——测试……", "国家发展和改革委员会" * 5)
    warm = layout_document(doc, fontset)
    again = layout_document(doc, fontset)
    cold = layout_document(doc, copy.copy(fontset))
    assert warm == again == cold
    assert {(w.char, w.face) for w in cold.warnings} == {
        ("喆", fontset.fallbacks[0].family), ("\ue000", None)}
    assert list(cold.fonts) == list(warm.fonts)


def test_glyphs_are_shared_not_made_per_occurrence(fontset) -> None:
    table = glyph_table(fontset, FontRole.FANGSONG, 16.0, BLACK)
    layout_document(_doc("国家发展国家发展"), fontset)
    g = table.get("国")
    assert g is not None and g is table.get("国")
    assert g.solo is not None and g.solo.glyphs == [g] and g.solo.width == cell(16.0)
    assert g.solo.alone and table.get("国") is g
    assert glyph_table(fontset, FontRole.FANGSONG, 16.0, BLACK) is table
    other = glyph_table(copy.copy(fontset), FontRole.FANGSONG, 16.0, BLACK)
    assert other is not table  # tables belong to their font set


def test_glyph_tables_stay_bounded(fontset) -> None:
    """A mark shrunk to fit gets an odd size, a table of its own: a long-running process
    laying out many such letters keeps at most ``MAX_TABLES`` of them."""
    from gongwen.layout import text

    fs = copy.copy(fontset)
    for k in range(text.MAX_TABLES + 40):
        glyph_table(fs, FontRole.XIAOBIAOSONG, 20.0 + k / 100, BLACK).add("国")
    assert 0 < len(text._TABLES[fs]) <= text.MAX_TABLES
    assert len(text._STYLES) <= text.MAX_TABLES
