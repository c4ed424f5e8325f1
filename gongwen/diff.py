"""Diff two letters: paragraphs aligned, changed paragraphs diffed by character, reports.

``diff_readings(a, b)`` compares two :class:`~gongwen.read.Reading` objects (any input read
by :mod:`gongwen.read`), each taken as the letter's elements (:func:`letter_elements`: the
head block in the letter's order, title and 标志 lines joined), so that line breaks and the
order of the 版头 elements in the source are not differences:

1. Each paragraph is normalised (:class:`gongwen.textnorm.Normalisation`: whitespace removed,
   width folded by NFKC, quotes folded; ``STRICT`` applies none) and the two lists of
   paragraphs are matched with :class:`difflib.SequenceMatcher` (paragraphs as items, so
   unchanged runs anchor the alignment).
2. Between anchors, a small dynamic programme pairs paragraphs one to one, several to one
   (*merged*) or one to several (*split*), or leaves them *deleted* / *inserted*; a pairing
   scores the characters it matches, and a pair must be at least 50 % similar.
3. A deleted paragraph that reappears elsewhere (at least 60 % similar) is *moved*.
4. Paired paragraphs whose normalised text differs are diffed by character with
   ``SequenceMatcher`` (``autojunk=False``: in Chinese text the frequent ， and 的 must not
   be junk). difflib is used rather than a library such as diff-match-patch: it ships with
   Python, is deterministic, and its matching blocks give the similarity ratio directly.
   The character operations are computed on normalised text and mapped back to the
   original characters for display.
5. A pair whose only difference is the heading number (一、→二、, （二）→（三）) is
   *renumbered*; a pair with the same text but different known roles is a *role* change.

Work is bounded. ``SequenceMatcher`` is quadratic on repetitive input (20 000 × 长 against
itself with one character changed); where the pairs of equal items it would compare exceed
``MAX_MATCH_WORK``, a linear fallback keeps the common prefix and suffix and marks the
middle as one replacement. The pairing programme runs only on regions whose cost
(``REGION_WORK``) is bounded, otherwise paragraphs are paired in order; moves are searched
among at most ``MAX_MOVE_PAIRS`` deleted × inserted pairs (beyond, only identical text).

The similarity ratio is ``2·M / (|A| + |B|)`` over normalised characters, ``M`` the characters
matched by the alignment (moved paragraphs count as matched). The result is *identical*
when there is no change and, with ``--layout``, no layout difference.

JSON report (``--format json``), schema ``gongwen-diff/1`` (gongwen/schemas/diff.schema.json)::

    {
      "schema": "gongwen-diff/1",
      "gongwen_version": str,
      "identical": bool,                       # no text, structure (or layout) difference
      "strict": bool,
      "normalisations": ["whitespace", "width", "quotes"],   # [] under --strict
      "similarity": float,                     # 0..1, see above
      "summary": {"paragraphs_changed": int,  # = len(changes)
                  "changed": int, "inserted": int, "deleted": int, "moved": int,
                  "merged": int, "split": int, "renumbered": int, "role": int},
      "a": {"path": str, "kind": "yaml|docx|pdf|text", "paragraphs": int,
            "roles": "document|styles|guessed", "dropped": [str]},
      "b": {...},
      "changes": [{
          "kind": "changed|inserted|deleted|moved|merged|split|renumbered|role",
          "a": [int], "b": [int],              # 0-based paragraph indices on each side
          "a_where": [str], "b_where": [str],  # human locations (第 3 页第 5 行 …)
          "a_text": str, "b_text": str,        # original text (several paragraphs joined)
          "a_roles": [str|null], "b_roles": [str|null],
          "similarity": float,
          "ops": [{"op": "equal|insert|delete|replace", "a": str, "b": str}]
                                               # character diff, original text; [] if none
      }],
      "layout": null | {...},                  # --layout, see gongwen.diff_layout
      "visual": [{"page": int, "path": str, "changed_pixels": int,
                  "box_px": [x0, y0, x1, y1] | null, "dpi": int}]   # --visual DIR
    }

docs/diff.md describes the command, the readers and these reports in full.

Exit codes of ``gongwen diff``: 0 identical, 1 different, 2 error.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from .errors import option, spell
from .grammar import parse_heading_number
from .read import Paragraph, Reading
from .schemas import header, schema_id
from .spec import HEADER_ROLES, ROLE_NAMES, Role
from .textnorm import DEFAULT, STRICT, Normalisation

SCHEMA = schema_id("diff")
PAIR_MIN = 0.5  # a 1:1, merge or split pairing must be at least this similar
MOVE_MIN = 0.6  # a deleted and an inserted paragraph elsewhere are a move at this ratio
JOIN_PENALTY = 0.5  # per extra paragraph in a merge/split, so that simpler pairings win ties
MAX_JOIN = 4  # paragraphs joined at most in a merge or split
DP_LIMIT = 6400  # region cells above which merges/splits are not tried
MAX_MATCH_WORK = 4_000_000  # equal-item pairs SequenceMatcher may compare; beyond: linear
REGION_WORK = 4_000_000  # characters the pairing programme may score in one region
MAX_MOVE_PAIRS = 250_000  # deleted × inserted paragraphs compared for moves
KINDS = ("changed", "inserted", "deleted", "moved", "merged", "split", "renumbered", "role")


@dataclass(frozen=True, slots=True)
class Op:
    """One character-diff operation, in original text."""

    op: str  # equal, insert, delete, replace
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    a: tuple[int, ...]
    b: tuple[int, ...]
    a_text: str
    b_text: str
    a_roles: tuple[Role | None, ...]
    b_roles: tuple[Role | None, ...]
    a_where: tuple[str, ...]
    b_where: tuple[str, ...]
    similarity: float
    ops: tuple[Op, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "a": list(self.a),
            "b": list(self.b),
            "a_where": list(self.a_where),
            "b_where": list(self.b_where),
            "a_text": self.a_text,
            "b_text": self.b_text,
            "a_roles": [r.value if r else None for r in self.a_roles],
            "b_roles": [r.value if r else None for r in self.b_roles],
            "similarity": round(self.similarity, 4),
            "ops": [{"op": o.op, "a": o.a, "b": o.b} for o in self.ops],
        }


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the side-by-side view: paragraphs of A and of B shown together.

    ``change`` indexes ``DiffResult.changes`` (None: the same). A move makes two rows, one
    where the paragraph left A and one where it arrives in B.
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    change: int | None


@dataclass
class DiffResult:
    a: Reading
    b: Reading
    normalisation: Normalisation
    changes: list[Change]
    rows: list[Row]
    similarity: float
    layout: Any = None  # diff_layout.LayoutDiff
    visual: list[dict[str, Any]] = field(default_factory=list)

    @property
    def strict(self) -> bool:
        return self.normalisation == STRICT

    @property
    def identical(self) -> bool:
        layout_same = self.layout is None or self.layout.identical
        return not self.changes and layout_same

    def summary(self) -> dict[str, int]:
        out = {"paragraphs_changed": len(self.changes)}
        for kind in KINDS:
            out[kind] = sum(1 for c in self.changes if c.kind == kind)
        return out

    def to_json(self) -> dict[str, Any]:
        def side(r: Reading) -> dict[str, Any]:
            return {
                "path": r.path,
                "kind": r.kind.value,
                "paragraphs": len(r.paragraphs),
                "roles": r.roles.value,
                "dropped": list(r.dropped),
            }

        return {
            **header("diff"),
            "identical": self.identical,
            "strict": self.strict,
            "normalisations": self.normalisation.names(),
            "similarity": round(self.similarity, 4),
            "summary": self.summary(),
            "a": side(self.a),
            "b": side(self.b),
            "changes": [c.to_json() for c in self.changes],
            "layout": self.layout.to_json() if self.layout is not None else None,
            "visual": self.visual,
        }


# --- character diff ------------------------------------------------------------------------
def _slice_map(origin: list[int], length: int) -> list[int]:
    """Original start offset of each normalised position, plus the end."""
    starts = [0, *origin[1:]] if origin else []
    return [*starts, length]


Opcode = tuple[str, int, int, int, int]


def match_work(a: Sequence[object], b: Sequence[object]) -> int:
    """How many pairs of equal items ``SequenceMatcher`` would compare at its top level:
    the sum over items of (count in a) × (count in b). Linear to compute."""
    ca, cb = Counter(a), Counter(b)
    if len(cb) < len(ca):
        ca, cb = cb, ca
    return sum(n * cb[x] for x, n in ca.items() if x in cb)


def opcodes(a: Sequence[object], b: Sequence[object]) -> tuple[list[Opcode], int]:
    """``SequenceMatcher``'s opcodes and matched count for ``a`` and ``b``, or, where that
    would take more than ``MAX_MATCH_WORK``, a linear diff: common prefix and suffix equal,
    the middle replaced."""
    if match_work(a, b) <= MAX_MATCH_WORK:
        sm = SequenceMatcher(None, a, b, autojunk=False)
        return sm.get_opcodes(), sum(m.size for m in sm.get_matching_blocks())
    return _linear_opcodes(a, b)


def _linear_opcodes(a: Sequence[object], b: Sequence[object]) -> tuple[list[Opcode], int]:
    n, m = len(a), len(b)
    pre = 0
    while pre < n and pre < m and a[pre] == b[pre]:
        pre += 1
    suf = 0
    while suf < n - pre and suf < m - pre and a[n - 1 - suf] == b[m - 1 - suf]:
        suf += 1
    ops: list[Opcode] = []
    if pre:
        ops.append(("equal", 0, pre, 0, pre))
    if n - suf > pre or m - suf > pre:
        tag = "replace" if n - suf > pre and m - suf > pre else (
            "delete" if n - suf > pre else "insert")
        ops.append((tag, pre, n - suf, pre, m - suf))
    if suf:
        ops.append(("equal", n - suf, n, m - suf, m))
    return ops, pre + suf


def char_ops(a: str, b: str, norm: Normalisation = DEFAULT) -> tuple[list[Op], int]:
    """Character diff of ``a`` and ``b`` under ``norm``, in original text; and the number of
    normalised characters matched."""
    na, oa = norm.mapped(a)
    nb, ob = norm.mapped(b)
    sa, sb = _slice_map(oa, len(a)), _slice_map(ob, len(b))
    if not na and not nb:
        return [], 0
    codes, matched = opcodes(na, nb)
    ops = [Op(tag, a[sa[i1]:sa[i2]], b[sb[j1]:sb[j2]]) for tag, i1, i2, j1, j2 in codes]
    return ops, matched


def _ratio_matched(na: str, nb: str) -> tuple[float, int]:
    if not na and not nb:
        return 1.0, 0
    sm = SequenceMatcher(None, na, nb, autojunk=False)
    total = len(na) + len(nb)
    if sm.real_quick_ratio() < PAIR_MIN * 0.999 or sm.quick_ratio() < PAIR_MIN * 0.999:
        return sm.quick_ratio(), 0
    _codes, matched = opcodes(na, nb)
    return 2.0 * matched / total, matched


BIGRAM_MIN = 0.15  # paragraphs sharing fewer character pairs than this are not compared


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) or frozenset((text,))


def _may_pair(ga: frozenset[str], gb: frozenset[str]) -> bool:
    """A cheap filter before SequenceMatcher: the Dice overlap of character bigrams."""
    if not ga or not gb:
        return False
    return 2 * len(ga & gb) >= BIGRAM_MIN * (len(ga) + len(gb))


def _renumbered(na: str, nb: str) -> bool:
    """Texts that differ only in their heading number (compared after the default folds)."""
    fa, fb = DEFAULT.apply(na), DEFAULT.apply(nb)
    ma, mb = parse_heading_number(fa), parse_heading_number(fb)
    return bool(ma and mb and ma.written != mb.written and fa[ma.end:] == fb[mb.end:])


# --- alignment -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Item:
    kind: str  # pair, merge, split, del, ins, same
    a: tuple[int, ...]
    b: tuple[int, ...]


class _Aligner:
    def __init__(self, a: Sequence[Paragraph], b: Sequence[Paragraph], norm: Normalisation):
        self.pa, self.pb = a, b
        self.na = [norm.apply(p.text) for p in a]
        self.nb = [norm.apply(p.text) for p in b]
        self.ga = [_bigrams(t) for t in self.na]
        self.gb = [_bigrams(t) for t in self.nb]
        self.norm = norm
        self._cache: dict[tuple[tuple[int, ...], tuple[int, ...]], tuple[float, int]] = {}

    def score(self, ia: tuple[int, ...], ib: tuple[int, ...]) -> tuple[float, int]:
        key = (ia, ib)
        if key not in self._cache:
            ta = "".join(self.na[i] for i in ia)
            tb = "".join(self.nb[j] for j in ib)
            if len(ia) == len(ib) == 1 and not _may_pair(self.ga[ia[0]], self.gb[ib[0]]):
                self._cache[key] = (0.0, 0)
            else:
                self._cache[key] = _ratio_matched(ta, tb)
        return self._cache[key]

    def region(self, i1: int, i2: int, j1: int, j2: int) -> list[_Item]:
        n, m = i2 - i1, j2 - j1
        if n == 0:
            return [_Item("ins", (), (j,)) for j in range(j1, j2)]
        if m == 0:
            return [_Item("del", (i,), ()) for i in range(i1, i2)]
        size_a = sum(len(t) + 1 for t in self.na[i1:i2])
        size_b = sum(len(t) + 1 for t in self.nb[j1:j2])
        if m * size_a + n * size_b > REGION_WORK:
            return self._in_order(i1, i2, j1, j2)
        kmax = MAX_JOIN if n * m <= DP_LIMIT else 1
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        move: list[list[_Item | None]] = [[None] * (m + 1) for _ in range(n + 1)]
        for i in range(n, -1, -1):
            for j in range(m, -1, -1):
                if i == n and j == m:
                    continue
                cands: list[tuple[float, _Item, int, int]] = []
                if i < n and j < m:
                    r, matched = self.score((i1 + i,), (j1 + j,))
                    if r >= PAIR_MIN:
                        cands.append((matched + best[i + 1][j + 1],
                                      _Item("pair", (i1 + i,), (j1 + j,)), i + 1, j + 1))
                if i < n:
                    cands.append((best[i + 1][j], _Item("del", (i1 + i,), ()), i + 1, j))
                if j < m:
                    cands.append((best[i][j + 1], _Item("ins", (), (j1 + j,)), i, j + 1))
                if i < n and j < m:
                    for k in range(2, kmax + 1):
                        if i + k <= n:
                            ia = tuple(range(i1 + i, i1 + i + k))
                            r, matched = self.score(ia, (j1 + j,))
                            if r >= PAIR_MIN:
                                s = matched - JOIN_PENALTY * (k - 1) + best[i + k][j + 1]
                                cands.append((s, _Item("merge", ia, (j1 + j,)), i + k, j + 1))
                        if j + k <= m:
                            ib = tuple(range(j1 + j, j1 + j + k))
                            r, matched = self.score((i1 + i,), ib)
                            if r >= PAIR_MIN:
                                s = matched - JOIN_PENALTY * (k - 1) + best[i + 1][j + k]
                                cands.append((s, _Item("split", (i1 + i,), ib), i + 1, j + k))
                top = cands[0]
                for c in cands[1:]:
                    if c[0] > top[0] + 1e-9:
                        top = c
                best[i][j] = top[0]
                move[i][j] = top[1]
        items: list[_Item] = []
        i = j = 0
        while i < n or j < m:
            it = move[i][j]
            assert it is not None
            items.append(it)
            i += len(it.a) if it.kind != "ins" else 0
            j += len(it.b) if it.kind != "del" else 0
        return items

    def _in_order(self, i1: int, i2: int, j1: int, j2: int) -> list[_Item]:
        """A region too large for the pairing programme: the k-th paragraphs on each side
        pair when similar enough, the rest are deleted or inserted (linear)."""
        items: list[_Item] = []
        for k in range(max(i2 - i1, j2 - j1)):
            i, j = i1 + k, j1 + k
            if i < i2 and j < j2 and self.score((i,), (j,))[0] >= PAIR_MIN:
                items.append(_Item("pair", (i,), (j,)))
                continue
            if i < i2:
                items.append(_Item("del", (i,), ()))
            if j < j2:
                items.append(_Item("ins", (), (j,)))
        return items

    def align(self) -> list[_Item]:
        items: list[_Item] = []
        for tag, i1, i2, j1, j2 in opcodes(self.na, self.nb)[0]:
            if tag == "equal":
                items.extend(_Item("same", (i1 + k,), (j1 + k,)) for k in range(i2 - i1))
            else:
                items.extend(self.region(i1, i2, j1, j2))
        return self._moves(items)

    def _moves(self, items: list[_Item]) -> list[_Item]:
        dels = [k for k, it in enumerate(items) if it.kind == "del"]
        inss = [k for k, it in enumerate(items) if it.kind == "ins"]
        if not dels or not inss:
            return items
        used: set[int] = set()
        moved: dict[int, int] = {}
        similar = len(dels) * len(inss) <= MAX_MOVE_PAIRS  # else: identical text only
        by_text: dict[str, list[int]] = {}
        for ki in reversed(inss):
            by_text.setdefault(self.nb[items[ki].b[0]], []).append(ki)
        for kd in dels:
            ia = items[kd].a
            best_k, best_r = None, MOVE_MIN
            same = by_text.get(self.na[ia[0]], [])
            while same and same[-1] in used:
                same.pop()
            if same:
                best_k = same.pop()
            elif similar:
                for ki in inss:
                    if ki in used:
                        continue
                    r, _ = self.score(ia, items[ki].b)
                    if r >= best_r + 1e-9:
                        best_k, best_r = ki, r
            if best_k is not None:
                used.add(best_k)
                moved[kd] = best_k
        out: list[_Item] = []
        targets = {ki: kd for kd, ki in moved.items()}
        for k, it in enumerate(items):
            if k in moved:
                out.append(_Item("move_from", it.a, items[moved[k]].b))
            elif k in targets:
                out.append(_Item("move_to", items[targets[k]].a, it.b))
            else:
                out.append(it)
        return out


_HEAD_ORDER = {**{r: i for i, r in enumerate(HEADER_ROLES)},
               Role.NOTE: len(HEADER_ROLES), Role.TITLE: len(HEADER_ROLES) + 1}
_ONE_ELEMENT = (Role.TITLE, Role.ORGAN_MARK)


def letter_elements(paragraphs: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
    """Paragraphs as the letter's elements, whatever the line breaks of the source: in the
    head block (版头 elements, 公开属性 lines and the title, up to the 主送 or the body) the
    elements stand in the letter's order, and consecutive title lines, or consecutive
    发文机关标志 lines, are one element."""
    end = next((i for i, p in enumerate(paragraphs) if p.role not in _HEAD_ORDER),
               len(paragraphs))
    head = sorted(paragraphs[:end], key=lambda p: _HEAD_ORDER[p.role])  # type: ignore[index]
    out: list[Paragraph] = []
    for p in head:
        if out and p.role in _ONE_ELEMENT and out[-1].role is p.role:
            prev = out[-1]
            out[-1] = replace(prev, text=prev.text + p.text, runs=prev.runs + p.runs)
        else:
            out.append(p)
    return (*out, *paragraphs[end:])


def diff_readings(a: Reading, b: Reading, *, strict: bool = False) -> DiffResult:
    """Align and diff two readings (as :func:`letter_elements`); see the module docstring."""
    a = replace(a, paragraphs=letter_elements(a.paragraphs))
    b = replace(b, paragraphs=letter_elements(b.paragraphs))
    norm = STRICT if strict else DEFAULT
    pa, pb = a.paragraphs, b.paragraphs
    aligner = _Aligner(pa, pb, norm)
    items = aligner.align()

    changes: list[Change] = []
    rows: list[Row] = []
    matched_total = 0
    move_change: dict[tuple[tuple[int, ...], tuple[int, ...]], int] = {}

    def make(kind: str, ia: tuple[int, ...], ib: tuple[int, ...]) -> Change:
        ta = "".join(pa[i].text for i in ia)
        tb = "".join(pb[j].text for j in ib)
        ops: list[Op] = []
        na, nb = norm.apply(ta), norm.apply(tb)
        sim = 1.0 if na == nb else 0.0
        if ia and ib:
            ops, matched = char_ops(ta, tb, norm)
            total = len(na) + len(nb)
            sim = 2.0 * matched / total if total else 1.0
            if na == nb:
                ops = []
        return Change(
            kind, ia, ib, ta, tb,
            tuple(pa[i].role for i in ia), tuple(pb[j].role for j in ib),
            tuple(pa[i].where for i in ia), tuple(pb[j].where for j in ib),
            sim, tuple(ops),
        )

    def roles_differ(ia: tuple[int, ...], ib: tuple[int, ...]) -> bool:
        ra = {pa[i].role for i in ia}
        rb = {pb[j].role for j in ib}
        if None in ra or None in rb:
            return False
        return ra != rb

    def add(change: Change) -> int:
        changes.append(change)
        return len(changes) - 1

    for it in items:
        if it.kind == "same":
            matched_total += len(aligner.na[it.a[0]])
            if roles_differ(it.a, it.b):
                rows.append(Row(it.a, it.b, add(make("role", it.a, it.b))))
            else:
                rows.append(Row(it.a, it.b, None))
        elif it.kind in ("pair", "merge", "split"):
            ch = make(it.kind, it.a, it.b)
            na = norm.apply(ch.a_text)
            nb = norm.apply(ch.b_text)
            matched_total += round(ch.similarity * (len(na) + len(nb)) / 2)
            if it.kind == "pair":
                if na == nb:
                    if roles_differ(it.a, it.b):
                        rows.append(Row(it.a, it.b, add(make("role", it.a, it.b))))
                    else:
                        rows.append(Row(it.a, it.b, None))
                    continue
                kind = "renumbered" if _renumbered(ch.a_text, ch.b_text) else "changed"
                ch = make(kind, it.a, it.b)
            else:
                ch = make("merged" if it.kind == "merge" else "split", it.a, it.b)
            rows.append(Row(it.a, it.b, add(ch)))
        elif it.kind == "del":
            rows.append(Row(it.a, (), add(make("deleted", it.a, ()))))
        elif it.kind == "ins":
            rows.append(Row((), it.b, add(make("inserted", (), it.b))))
        elif it.kind in ("move_from", "move_to"):
            key = (it.a, it.b)
            if key not in move_change:
                ch = make("moved", it.a, it.b)
                na, nb = norm.apply(ch.a_text), norm.apply(ch.b_text)
                matched_total += round(ch.similarity * (len(na) + len(nb)) / 2)
                move_change[key] = add(ch)
            idx = move_change[key]
            if it.kind == "move_from":
                rows.append(Row(it.a, (), idx))
            else:
                rows.append(Row((), it.b, idx))

    total = sum(len(x) for x in aligner.na) + sum(len(x) for x in aligner.nb)
    similarity = 2.0 * matched_total / total if total else 1.0
    if not changes:
        similarity = 1.0
    return DiffResult(a, b, norm, changes, rows, min(1.0, similarity))


# --- reports -------------------------------------------------------------------------------
KIND_LABELS = {
    "changed": "改动",
    "inserted": "新增",
    "deleted": "删除",
    "moved": "移动",
    "merged": "合并",
    "split": "拆分",
    "renumbered": "重新编号",
    "role": "结构",
}
NORM_LABELS = {"whitespace": "空白", "width": "全半角（NFKC）", "quotes": "引号样式"}
CONTEXT = 12  # characters of unchanged text shown around each change in the terminal


def normalisation_text(result: DiffResult) -> str:
    names = result.normalisation.names()
    if not names:
        return spell(f"严格比较（{option('strict', True)}）：逐字比较，未做任何归一化")
    labels = "、".join(NORM_LABELS[n] for n in names)
    return spell(f"已归一化：{labels}（{option('strict', True)} 可逐字比较）")


def summary_text(result: DiffResult) -> str:
    pct = f"{math.floor(result.similarity * 1000) / 10:.1f}%"  # 100.0% only when all match
    if result.identical:
        return f"相同（相似度 {pct}）"
    parts = []
    n = len(result.changes)
    if n:
        detail = "，".join(
            f"{KIND_LABELS[k]} {v}" for k, v in result.summary().items()
            if k in KIND_LABELS and v
        )
        parts.append(f"{n} 处段落不同（{detail}）")
    if result.layout is not None and not result.layout.identical:
        parts.append(f"{len(result.layout.differences)} 处版面不同")
    return "；".join(parts) + f"，相似度 {pct}"


def _role_text(roles: Sequence[Role | None]) -> str:
    names = [ROLE_NAMES.get(r, r.value) if r else "?" for r in roles]
    return "+".join(dict.fromkeys(names))


KIND_NAMES = {"yaml": "信件 YAML", "docx": "Word 文档", "pdf": "PDF", "ofd": "OFD",
              "text": "文本文件"}
ROLE_SOURCES = {"document": "段落角色取自信件", "styles": "段落角色取自 Word 样式",
                "guessed": "段落角色按文字推测"}
# Without colour (piped, NO_COLOR, a file) changes are marked in the text itself:
DELETED = ("[-", "-]")
INSERTED = ("{+", "+}")


def side_text(r: Reading) -> str:
    """'信件 YAML，20 段，段落角色取自信件' for one side of a diff."""
    return f"{KIND_NAMES[r.kind.value]}，{len(r.paragraphs)} 段，{ROLE_SOURCES[r.roles.value]}"


def render_terminal(result: DiffResult, console: Any) -> None:
    """A report with rich: in colour deletions red struck through and insertions green;
    without colour (``console.no_color`` or no colour system: a pipe, ``NO_COLOR``, a file)
    every deleted run is marked ``[-…-]`` and every inserted run ``{+…+}``."""
    from rich.text import Text

    plain = console.no_color or console.color_system is None
    if plain:
        console.print(Text("标记：[-删去的文字-] {+加入的文字+}（A → B）"))

    def side(label: str, r: Reading) -> Text:
        t = Text(f"{label} ", style="bold")
        t.append(r.path)
        t.append(f"  {side_text(r)}", style="dim")
        if r.dropped:
            t.append(f"，略去网页栏目 {len(r.dropped)} 行", style="dim")
        return t

    console.print(side("A", result.a))
    console.print(side("B", result.b))
    console.print(Text(normalisation_text(result), style="dim"))
    for n, ch in enumerate(result.changes, 1):
        head = Text(f"\n[{n}] {KIND_LABELS[ch.kind]}", style="bold yellow")
        where_a = "、".join(ch.a_where) or "—"
        where_b = "、".join(ch.b_where) or "—"
        head.append(f"  A {where_a} → B {where_b}", style="cyan")
        if ch.kind == "role" or (ch.a and ch.b and set(ch.a_roles) != set(ch.b_roles)
                                 and None not in ch.a_roles + ch.b_roles):
            head.append(f"  角色 {_role_text(ch.a_roles)} → {_role_text(ch.b_roles)}",
                        style="magenta")
        if ch.ops:
            head.append(f"  相似度 {math.floor(ch.similarity * 1000) / 10:.1f}%", style="dim")
        console.print(head)
        console.print(inline_text(ch, plain=plain))
    if result.layout is not None:
        result.layout.render_terminal(console)
    for v in result.visual:
        console.print(Text(f"叠图 {v['path']}：{v['changed_pixels']} 个像素不同", style="dim"))
    style = "bold green" if result.identical else "bold red"
    console.print(Text("\n" + summary_text(result), style=style))


def inline_text(ch: Change, context: int = CONTEXT, *, plain: bool = False) -> Any:
    """The change as one rich Text: unchanged context dimmed, deletions and insertions
    styled, and with ``plain`` also marked [-deleted-] and {+inserted+}."""
    from rich.text import Text

    def mark(text: str, marks: tuple[str, str]) -> str:
        return f"{marks[0]}{text}{marks[1]}" if plain else text

    t = Text("  ")
    if not ch.a or not ch.b:
        text = ch.a_text or ch.b_text
        style = "red strike" if ch.a else "green underline"
        t.append(mark(_clip(text, 3 * context), DELETED if ch.a else INSERTED), style=style)
        return t
    if not ch.ops:
        t.append(_clip(ch.b_text, 3 * context), style="dim")
        return t
    for k, op in enumerate(ch.ops):
        if op.op == "equal":
            s = op.b
            if len(s) > 2 * context:
                first, last = k == 0, k == len(ch.ops) - 1
                if first:
                    s = "…" + s[-context:]
                elif last:
                    s = s[:context] + "…"
                else:
                    s = s[:context] + " … " + s[-context:]
            t.append(s, style="dim")
        else:
            if op.a:
                t.append(mark(op.a, DELETED), style="bold red strike")
            if op.b:
                t.append(mark(op.b, INSERTED), style="bold green underline")
    return t


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n] + "…"


def render_json(result: DiffResult) -> str:
    return json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"


HTML_STYLE = """
body{font-family:"Noto Serif CJK SC","Source Han Serif SC","FangSong",serif;margin:1.5em;
color:#222;background:#fff}
h1{font-size:1.3em}.meta{color:#555;font-size:.9em}.summary{font-weight:bold;margin:.8em 0}
.summary.same{color:#1a7f37}.summary.diff{color:#b3261e}
table{border-collapse:collapse;width:100%;table-layout:fixed}
th,td{border:1px solid #ddd;padding:.35em .5em;vertical-align:top;line-height:1.6;
word-break:break-all}
th{background:#f3f3f3}.n{width:2.6em;color:#888;font-size:.8em;text-align:right}
.k{width:5.5em;font-size:.85em;color:#6b4e00}
tr.same td{color:#666}tr.change td{background:#fffbe6}
tr.deleted td.a,tr.moved td.a{background:#ffecec}tr.inserted td.b,tr.moved td.b{background:#eaffea}
del{background:#ffc8c8;color:#8b0000;text-decoration:line-through}
ins{background:#b9f2c3;color:#064d16;text-decoration:none;border-bottom:2px solid #1a7f37}
.role{color:#7a3e9d;font-size:.8em;display:block}.note{color:#6b4e00;font-size:.85em}
.layout li{margin:.2em 0}
"""


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def render_html(result: DiffResult) -> str:
    """A self-contained side-by-side page; every piece of letter text is escaped."""
    pa, pb = result.a.paragraphs, result.b.paragraphs
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        "<title>gongwen diff</title>",
        f"<style>{HTML_STYLE}</style></head><body>",
        "<h1>gongwen diff</h1>",
        f'<p class="meta">A：{_esc(result.a.path)}（{_esc(side_text(result.a))}）<br>'
        f"B：{_esc(result.b.path)}（{_esc(side_text(result.b))}）<br>"
        f"{_esc(normalisation_text(result))}</p>",
        f'<p class="summary {"same" if result.identical else "diff"}" id="summary">'
        f"{_esc(summary_text(result))}</p>",
        '<table id="diff"><thead><tr><th class="n">A</th><th>A：'
        f"{_esc(result.a.path)}</th><th class=\"k\"></th><th class=\"n\">B</th><th>B："
        f"{_esc(result.b.path)}</th></tr></thead><tbody>",
    ]

    def cell_plain(paras: Sequence[Paragraph], idx: Sequence[int]) -> str:
        return "".join(_esc(paras[i].text) for i in idx)

    def roles(paras: Sequence[Paragraph], idx: Sequence[int]) -> str:
        names = [ROLE_NAMES[r] for i in idx if (r := paras[i].role)]
        return f'<span class="role">{_esc("+".join(dict.fromkeys(names)))}</span>' if names else ""

    for row in result.rows:
        ch = result.changes[row.change] if row.change is not None else None
        kind = ch.kind if ch else "same"
        a_html = cell_plain(pa, row.a)
        b_html = cell_plain(pb, row.b)
        if ch and ch.ops and row.a and row.b:
            a_parts, b_parts = [], []
            for op in ch.ops:
                if op.op == "equal":
                    a_parts.append(_esc(op.a))
                    b_parts.append(_esc(op.b))
                else:
                    if op.a:
                        a_parts.append(f"<del>{_esc(op.a)}</del>")
                    if op.b:
                        b_parts.append(f"<ins>{_esc(op.b)}</ins>")
            a_html, b_html = "".join(a_parts), "".join(b_parts)
        elif kind == "deleted":
            a_html = f"<del>{a_html}</del>"
        elif kind == "inserted":
            b_html = f"<ins>{b_html}</ins>"
        label = KIND_LABELS.get(kind, "") if ch else ""
        if ch and kind == "moved":
            label += "（移出）" if row.a else "（移入）"
            if row.a:
                b_html = f'<span class="note">→ 移至 B {_esc("、".join(ch.b_where))}</span>'
            else:
                a_html = f'<span class="note">移自 A {_esc("、".join(ch.a_where))} →</span>'
        na = ",".join(str(i + 1) for i in row.a)
        nb = ",".join(str(j + 1) for j in row.b)
        cls = "same" if ch is None else f"change {kind}"
        out.append(
            f'<tr class="{cls}"><td class="n">{na}</td><td class="a">{roles(pa, row.a)}'
            f'{a_html}</td><td class="k">{_esc(label)}</td><td class="n">{nb}</td>'
            f'<td class="b">{roles(pb, row.b)}{b_html}</td></tr>'
        )
    out.append("</tbody></table>")
    if result.layout is not None:
        out.append(result.layout.render_html())
    if result.visual:
        items = "".join(
            f'<li><a href="{_esc(Path(v["path"]).resolve().as_uri())}">{_esc(v["path"])}</a>'
            f"：{int(v['changed_pixels'])} 个像素不同</li>"
            for v in result.visual
        )
        out.append(f'<section id="visual"><h2>叠图</h2><ul>{items}</ul></section>')
    dropped = [*result.a.dropped, *result.b.dropped]
    if dropped:
        out.append(f'<p class="meta">略去的网页栏目：{_esc("；".join(dropped))}</p>')
    out.append("</body></html>\n")
    return "\n".join(out)
