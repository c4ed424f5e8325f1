"""Line breaking on the character grid (GB/T 9704 decision 1, GB/T 15834 §5.1).

A paragraph becomes *clusters*: one full-width character on a grid cell, a ——/…… pair on
two cells, a piece of a half-width run (digits, Latin, URLs: cut only at the UAX #14 line
break opportunities that uniseg finds, so a number never splits and a URL breaks after
“/”; the pieces of one run are glued: no justification gap between them), a space, or a
forced break. Lines are filled greedily; kinsoku conflicts are resolved by pushing closing
marks in (compressing full-width punctuation by up to half a cell) or pulling characters
down; a line left loose (the next unit does not fit) first compresses its punctuation to
take the next unit (CLREQ), then shares its slack with the line before by moving
characters down, and is reported when neither works. Full lines are justified to the
measure by spreading the slack over the gaps.

A paragraph is a list of shared :class:`Glyph` objects (:func:`glyph_table`, one per
character, role, size and colour in a font set, with its own cluster when it always forms
one alone), so a paragraph of full-width text needs no clustering; a :class:`SetLine` holds
the placed glyphs as two arrays, their x and the glyphs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from operator import add, attrgetter
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from uniseg.linebreak import line_break_units

from ..spec import BODY_SIZE, CHAR_PITCH, LOOSE_GAP_EM, is_wide

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet, ResolvedFont
    from ..spec import FontRole

EPS = 0.01  # pt

LINE_START_FORBIDDEN = frozenset("，。、；：？！）》”’〕】」』〉］｝〗％,.;:?!)]}%")
"""Closing marks: never at a line start (GB/T 15834 §5.1)."""
LINE_END_FORBIDDEN = frozenset("（《“‘〔【「『〈［｛〖([{")
"""Opening marks: never at a line end."""
SQUEEZE_CLOSING = frozenset("，。、；：）》”’〕】」』〉］｝〗")  # glyph in the cell's left half
SQUEEZE_OPENING = frozenset("（《“‘〔【「『〈［｛〖")  # glyph in the cell's right half
PAIRED = ("——", "……")  # 2-cell marks never split
BREAK_AFTER_IN_WORD = frozenset("/-.?&=_")  # where an over-long word may be cut

ClusterKind = Literal["wide", "half", "space", "break"]


def cell(size: float) -> float:
    """Width of one full-width cell at ``size``: the grid pitch for 3号, else the em."""
    return CHAR_PITCH if abs(size - BODY_SIZE) < 1e-6 else size


class Glyph:
    """A character as layout sets it: its face, size, colour and advance at that size.

    Glyphs are shared: one object per character, role, size and colour in a font set
    (:func:`glyph_table`), never one per occurrence, so a paragraph is a list of references.
    ``style`` is the face key, size and colour (equal for the glyphs a run may span; one
    tuple shared by them, so that comparing is quick); ``solo`` is the glyph's cluster when
    it always forms one alone (a full-width character, a space, a forced break), else None;
    ``offset`` is where a full-width glyph sits in its cell (see ``_glyph_offset``).
    """

    __slots__ = ("advance", "ch", "color", "face", "kind", "offset", "size", "solo", "style")

    def __init__(self, ch: str, face: ResolvedFont, size: float, color: str, advance: float):
        self.ch = ch
        self.face = face
        self.size = size
        self.color = color
        self.advance = advance  # font advance at size
        key = (face.key, size, color)
        if len(_STYLES) >= MAX_TABLES:  # odd sizes (a mark shrunk to fit) come and go
            _STYLES.clear()
        self.style = _STYLES.setdefault(key, key)
        self.kind = _kind(ch)
        self.offset = 0.0
        self.solo: Cluster | None = None
        if self.kind == _WIDE:
            c = cell(size)
            self.offset = _glyph_offset(self, c)
            if ch not in _PAIR_FIRST:
                sq = c / 2 if ch in _SQUEEZABLE else 0.0
                self.solo = Cluster("wide", [self], c, sq, alone=True)
        elif self.kind == _SPACE:
            self.solo = Cluster("space", [self], advance, alone=True)
        elif self.kind == _BREAK:
            self.solo = Cluster("break", [self], 0.0, alone=True)

    def __repr__(self) -> str:
        return f"Glyph({self.ch!r}, {self.face.key}, {self.size}, {self.advance})"


_STYLES: dict[tuple[str, float, str], tuple[str, float, str]] = {}
_ALONE = attrgetter("alone")
MAX_TABLES = 256  # glyph tables (and styles) kept per font set; more start afresh


@dataclass(slots=True, eq=False)
class Cluster:
    kind: ClusterKind
    glyphs: list[Glyph]
    width: float
    squeezable: float = 0.0  # how much of the width may be given up at a line edge
    glue: bool = False  # continues the half-width run before it: no justification gap
    alone: bool = False  # a glyph's own ``solo`` cluster (one glyph on its cell, no glue)

    @property
    def first(self) -> str:
        return self.glyphs[0].ch if self.glyphs else ""

    @property
    def last(self) -> str:
        return self.glyphs[-1].ch if self.glyphs else ""


@dataclass(slots=True)
class SetLine:
    """A line of placed glyphs: ``xs[i]`` is ``glyphs[i]``'s origin, relative to the line's
    measure start."""

    xs: list[float] = field(default_factory=list)
    glyphs: list[Glyph] = field(default_factory=list)
    width: float = 0.0  # the measure it was set on
    full: bool = False  # justified to the measure (not a paragraph's last line)
    loose: bool = False  # justified with gaps wider than LOOSE_GAP_EM: nothing else worked
    start: int = 0  # source offsets of the clusters the line covers
    end: int = 0

    @property
    def text(self) -> str:
        return "".join([g.ch for g in self.glyphs])


def _glyph_offset(g: Glyph, c: float) -> float:
    """Where a glyph narrower than its cell sits in the cell (proportional punctuation)."""
    if g.advance >= 0.9 * c:
        return 0.0
    if g.ch in SQUEEZE_OPENING:
        return c - g.advance
    if g.ch in SQUEEZE_CLOSING:
        return 0.0
    return (c - g.advance) / 2


_BREAK, _SPACE, _WIDE, _HALF = range(4)
_PAIR_FIRST = frozenset(p[0] for p in PAIRED)
_SQUEEZABLE = SQUEEZE_CLOSING | SQUEEZE_OPENING
_KINDS: dict[str, int] = {}


def _kind(ch: str) -> int:
    """A character's cluster kind (cached): line break, space, full-width, half-width."""
    k = _KINDS.get(ch)
    if k is None:
        if ch == "\n":
            k = _BREAK
        elif ch.isspace() and not is_wide(ch):
            k = _SPACE
        else:
            k = _WIDE if is_wide(ch) else _HALF
        _KINDS[ch] = k
    return k


class GlyphTable:
    """The glyphs of one role, size and colour in a font set, made on first use: ``get(ch)``
    is the shared :class:`Glyph` of ``ch`` or None. ``flagged`` maps each character set
    from a fallback face or missing from every face to its status (``FontSet.char_face``)."""

    __slots__ = ("color", "flagged", "fontset", "get", "glyphs", "role", "size")

    def __init__(self, fontset: FontSet, role: FontRole, size: float, color: str):
        self.fontset, self.role, self.size, self.color = fontset, role, size, color
        self.glyphs: dict[str, Glyph] = {}
        self.get = self.glyphs.get
        self.flagged: dict[str, int] = {}

    def add(self, ch: str) -> tuple[Glyph, int]:
        """Make ``ch``'s glyph (the first time it is met); with its status."""
        face, units, upem, status = self.fontset.char_face(self.role, ch)
        adv = 0.0 if ch == "\n" else units * self.size / upem
        g = Glyph(ch, face, self.size, self.color, adv)
        self.glyphs[ch] = g
        if status:
            self.flagged[ch] = status
        return g, status


_TABLES: WeakKeyDictionary[FontSet, dict[tuple, GlyphTable]] = WeakKeyDictionary()


def glyph_table(fontset: FontSet, role: FontRole, size: float, color: str) -> GlyphTable:
    """The shared glyphs of ``role`` at ``size`` in ``color`` (one table per process)."""
    tables = _TABLES.get(fontset)
    if tables is None:
        tables = _TABLES[fontset] = {}
    key = (role, size, color)
    t = tables.get(key)
    if t is None:
        if len(tables) >= MAX_TABLES:
            tables.clear()
        t = tables[key] = GlyphTable(fontset, role, size, color)
    return t


def _solo_clusters(glyphs: list[Glyph]) -> list[Cluster] | None:
    """The clusters of ``glyphs`` when each is one alone (full-width characters other than
    ——/……, spaces, breaks: the shared ``Glyph.solo``), else None."""
    solo = [g.solo for g in glyphs]
    return None if None in solo else solo  # type: ignore[return-value]


def clusters_of(glyphs: list[Glyph]) -> list[Cluster]:
    """Group glyphs into clusters (see module doc)."""
    solo = [g.solo for g in glyphs]
    if None not in solo:  # full-width characters, spaces and breaks: each its own cluster
        return solo  # type: ignore[return-value]
    out: list[Cluster] = []
    i, n = 0, len(glyphs)
    while i < n:
        if solo[i] is not None:  # up to the next glyph that is not a cluster alone
            try:
                j = solo.index(None, i)
            except ValueError:
                j = n
            out += solo[i:j]  # type: ignore[arg-type]
            i = j
            continue
        g = glyphs[i]
        if g.kind == _WIDE:  # a mark that may pair: ——, ……
            c = cell(g.size)
            ch = g.ch
            if i + 1 < n and ch + glyphs[i + 1].ch in PAIRED:
                out.append(Cluster("wide", glyphs[i : i + 2], 2 * c))
                i += 2
                continue
            out.append(Cluster("wide", [g], c, c / 2 if ch in _SQUEEZABLE else 0.0))
            i += 1
        else:
            j = i + 1
            while j < n and glyphs[j].kind == _HALF:
                j += 1
            out.extend(_run_pieces(glyphs[i:j]))
            i = j
    return out


# half-width runs with no UAX #14 break opportunity inside (LB23, LB25, LB28: letters and
# digits; numbers with decimal or thousands marks, a percent sign, a range of years), the
# runs of most letters: one unit without asking uniseg (pure Python, ~0.6 ms a run)
UNBROKEN_RUN = re.compile(r"[0-9A-Za-z]+|\d+(?:[.,]\d+)*%?|\d+-\d+")


@lru_cache(maxsize=4096)
def _unit_lengths(text: str) -> tuple[int, ...]:
    """Lengths of the UAX #14 line break units of a half-width run."""
    if UNBROKEN_RUN.fullmatch(text):
        return (len(text),)
    return tuple(len(u) for u in line_break_units(text))


def _run_pieces(run: list[Glyph]) -> list[Cluster]:
    """A half-width run cut at its UAX #14 line break opportunities, the pieces glued."""
    pieces: list[Cluster] = []
    k = 0
    for length in _unit_lengths("".join(g.ch for g in run)):
        part = run[k : k + length]
        pieces.append(Cluster("half", part, sum(g.advance for g in part), glue=bool(pieces)))
        k += length
    return pieces


def _split_word(cl: Cluster, width: float) -> list[Cluster]:
    """Cut a half-width word wider than ``width`` into pieces that fit (URL-ish cuts first)."""
    pieces: list[Cluster] = []
    rest = list(cl.glyphs)
    while rest:
        acc, cut, best = 0.0, 0, 0
        for k, g in enumerate(rest):
            if acc + g.advance > width + EPS and k > 0:
                break
            acc += g.advance
            cut = k + 1
            if g.ch in BREAK_AFTER_IN_WORD:
                best = k + 1
        if cut < len(rest) and best > cut // 2:
            cut = best
        part, rest = rest[:cut], rest[cut:]
        glue = cl.glue if not pieces else True
        pieces.append(Cluster("half", part, sum(g.advance for g in part), glue=glue))
    return pieces


def _squeezable(items: list[Cluster]) -> list[float]:
    """Width each cluster may give up; an opening mark starting the line keeps its cell
    (squeezing it would move its box left of the measure)."""
    out = [c.squeezable for c in items]
    if items and items[0].first in SQUEEZE_OPENING:
        out[0] = 0.0
    return out


def _starts_bad(cl: Cluster) -> bool:
    return cl.kind in ("wide", "half") and cl.first in LINE_START_FORBIDDEN


def _ends_bad(cl: Cluster) -> bool:
    return cl.kind in ("wide", "half") and cl.last in LINE_END_FORBIDDEN


def _next_real(cls: list[Cluster], k: int) -> int:
    """The first non-space cluster at or after ``k``."""
    while k < len(cls) and cls[k].kind == "space":
        k += 1
    return k


def _prev_real(cls: list[Cluster], a: int, k: int) -> int:
    """The last non-space cluster before ``k`` (>= a), or a - 1."""
    j = k - 1
    while j >= a and cls[j].kind == "space":
        j -= 1
    return j


def _bad_break(cls: list[Cluster], a: int, k: int) -> bool:
    nr = _next_real(cls, k)
    pr = _prev_real(cls, a, k)
    if nr < len(cls) and cls[nr].kind != "break" and _starts_bad(cls[nr]):
        return True
    return pr >= a and _ends_bad(cls[pr])


def _resolve_kinsoku(cls: list[Cluster], a: int, k: int, width: float) -> int:
    """Move the break ``k`` of line ``cls[a:k]`` to a legal place: push in, else pull down."""
    if not _bad_break(cls, a, k):
        return k
    n = len(cls)
    # Push: take up to two closing marks onto this line, squeezing punctuation to fit.
    m = k
    while m < n and m - k < 2 and cls[m].kind != "break" and _starts_bad(cls[m]):
        m += 1
    if m > k and not _bad_break(cls, a, m):
        line = cls[a:m]
        over = sum(c.width for c in line) - width
        if over <= sum(_squeezable(line)) + EPS:
            return m
    # Pull: move characters down until the break is legal.
    j = k - 1
    while j > a and _bad_break(cls, a, j):
        j -= 1
    if j > a:
        return j
    return k  # nothing legal: keep the overfull-free greedy break


def _content(cls: list[Cluster]) -> list[Cluster]:
    """A line's clusters without leading and trailing spaces and breaks."""
    a, b = 0, len(cls)
    while a < b and cls[a].kind in ("space", "break"):
        a += 1
    while b > a and cls[b - 1].kind in ("space", "break"):
        b -= 1
    return cls[a:b]


def _gaps(items: list[Cluster], fixed: int = 0) -> tuple[int, int]:
    """Justification gaps after the first ``fixed`` clusters: between clusters (none
    before a glued piece), and between all glyphs of half-width runs as well."""
    after = items[fixed + 1 :]
    glued = sum([c.glue for c in after])
    between = len(after) - glued
    inner = glued + sum([len(c.glyphs) - 1 for c in items[fixed:] if c.kind == "half"])
    return between, between + inner


def _limit(items: list[Cluster]) -> float:
    return LOOSE_GAP_EM * items[0].glyphs[0].size if items else 0.0


def _spread(slack: float, items: list[Cluster], fixed: int = 0) -> tuple[float, bool]:
    """The gap that justifies ``items`` (``slack`` to spread) and whether it also goes
    between the glyphs of half-width runs: only when gaps between clusters alone would be
    loose (a line of a long URL or number has few of them)."""
    if slack <= EPS:
        return 0.0, False
    between, every = _gaps(items, fixed)
    if not every:
        return 0.0, False
    if between and slack / between <= _limit(items) + EPS:
        return slack / between, False
    return slack / every, True


def expansion(cls: list[Cluster], width: float) -> float:
    """Extra space per gap when ``cls`` is justified to ``width`` (0 when it fits tight)."""
    items = _content(cls)
    slack = width - sum([c.width for c in items])
    gap, _ = _spread(slack, items)
    return gap if gap or slack <= EPS else float("inf")


def _loose(cls: list[Cluster], width: float) -> bool:
    """Whether ``cls`` justified to ``width`` has gaps wider than ``LOOSE_GAP_EM`` (as
    ``expansion``, with a tight line answered before counting its gaps)."""
    items = _content(cls)
    if not items:
        return False
    slack = width - sum([c.width for c in items])
    if slack <= EPS:
        return False
    gap, _ = _spread(slack, items)
    return (gap or float("inf")) > _limit(items) + EPS


def _compress(cls: list[Cluster], a: int, k: int, width: float) -> int:
    """The end of line ``cls[a:k]`` extended by the next unit (to the next legal break) when
    compressing the line's punctuation makes room for it (CLREQ); else ``k``."""
    n = len(cls)
    if k >= n or cls[k].kind == "break":
        return k
    m = k + 1
    while m < n and m - k < 4 and cls[m].kind != "break" and _bad_break(cls, a, m):
        m += 1
    if _bad_break(cls, a, m) and m < n and cls[m].kind != "break":
        return k
    items = _content(cls[a:m])
    over = sum(c.width for c in items) - width
    if over <= sum(_squeezable(items)) + EPS:
        return m
    return k


def _end(cls: list[Cluster], a: int, width: float) -> int:
    """Where a line starting at ``a`` ends: greedy fill, kinsoku, then compression when the
    line would be loose. Splits a too-wide half-width piece in ``cls`` (see _split_word)."""
    limit = width + EPS
    while True:
        k, acc, n = a, 0.0, len(cls)
        while k < n:
            c = cls[k]
            if c.kind == "break" or not acc + c.width <= limit:
                break
            acc += c.width
            k += 1
        if k > a:
            break
        first = cls[a]
        if first.kind == "half" and len(first.glyphs) > 1:
            cls[a : a + 1] = _split_word(first, width)
            continue
        return a + 1  # a single glyph wider than the line: set it anyway
    if k < len(cls) and cls[k].kind != "break":
        k = _resolve_kinsoku(cls, a, k, width)
        if _loose(cls[a:k], width):
            k = _compress(cls, a, k, width)
    return k


MAX_MOVED = 3  # characters a loose line may take from the line before it


def _share_slack(
    cls: list[Cluster], pa: int, a: int, k: int, prev_w: float, width: float
) -> tuple[int, int] | None:
    """Move up to MAX_MOVED characters from the end of line ``cls[pa:a]`` to the start of
    the loose line ``cls[a:k]`` so that neither line is loose; the new (start, end)."""
    start = a
    for _ in range(MAX_MOVED):
        start = _prev_real(cls, pa, start)
        if start <= pa or cls[start].kind != "wide":
            return None
        if _bad_break(cls, pa, start):
            continue
        end = _end(cls, start, width)
        if end < k:
            return None
        if not _loose(cls[pa:start], prev_w) and not _loose(cls[start:end], width):
            return start, end
    return None


def break_clusters(cls: list[Cluster], width_of: Callable[[int], float]) -> list[tuple[int, int]]:
    """Line spans ``(start, end)`` over ``cls``; ``width_of(i)`` is line i's measure.

    Mutates ``cls`` only to split words too wide for a line.
    """
    spans: list[tuple[int, int]] = []
    a = 0
    while a < len(cls):
        if cls[a].kind == "break":  # an empty line (two breaks in a row, or a leading one)
            spans.append((a, a))
            a += 1
            continue
        while a < len(cls) and cls[a].kind == "space":
            a += 1
        if a >= len(cls):
            break
        if cls[a].kind == "break":
            continue
        w = width_of(len(spans))
        k = _end(cls, a, w)
        if (
            k < len(cls)
            and cls[k].kind != "break"
            and spans
            and spans[-1][1] == a
            and _loose(cls[a:k], w)
        ):
            pa = spans[-1][0]
            moved = _share_slack(cls, pa, a, k, width_of(len(spans) - 1), w)
            if moved is not None:
                spans[-1] = (pa, moved[0])
                a, k = moved
        spans.append((a, k))
        a = k
        if a < len(cls) and cls[a].kind == "break":
            a += 1
    return spans


def set_line(
    cls: list[Cluster],
    width: float,
    align: str,
    full: bool,
    fixed: int = 0,
    start: int = 0,
    end: int = 0,
    solo: bool = False,
) -> SetLine:
    """Place the clusters of one line on a measure of ``width``.

    ``full``: justify (spread the slack over the gaps). Lines wider than the measure give
    up squeezable punctuation width, last marks first. The first ``fixed`` clusters keep
    their natural width and get no justification gap (a label that wrapped lines hang under).
    ``start``/``end``: the source offsets the clusters cover (kept when there are any);
    ``solo``: every cluster is a glyph's ``solo`` one (one glyph on its cell, no glue).
    """
    a, b = 0, len(cls)
    while a < b and cls[a].kind in ("space", "break"):
        a += 1
    while b > a and cls[b - 1].kind in ("space", "break"):
        b -= 1
    items = cls[a:b]
    fixed = min(max(0, fixed - a), len(items))
    widths = [c.width for c in items]
    natural = sum(widths)
    deficit = natural - width
    shifts = None
    if deficit > EPS:
        shifts = [0.0] * len(items)
        squeezable = _squeezable(items)
        squeezable[:fixed] = [0.0] * fixed
        for i in range(len(items) - 1, -1, -1):
            if deficit <= EPS:
                break
            give = min(squeezable[i], deficit)
            if give > 0:
                widths[i] -= give
                deficit -= give
                if items[i].first in SQUEEZE_OPENING:
                    shifts[i] = give
        natural = sum(widths)
    gap = 0.0
    x = 0.0
    inner = False
    if align == "justify" and full:
        gap, inner = _spread(width - natural, items, fixed)
    elif align == "right":
        x = width - natural
    elif align == "center":
        x = (width - natural) / 2
    out = SetLine(width=width, full=full and align == "justify")
    out.loose = out.full and gap > _limit(items) + EPS
    if cls:
        out.start, out.end = start, end
    if solo and shifts is None:  # the usual line: each x from the one before, in order
        m = len(items)
        gls = out.glyphs = [c.glyphs[0] for c in items]
        if gap == 0.0 or fixed >= m - 1:
            origins: Iterable[float] = accumulate(widths[:-1], initial=x)
        else:  # no gap before the fixed clusters, then one before each
            head = list(accumulate(widths[:fixed], initial=x))
            rest = accumulate(widths[fixed:-1], lambda acc, w: acc + w + gap, initial=head.pop())
            origins = [*head, *rest]
        out.xs = list(map(add, origins, [g.offset for g in gls]))
        return out
    xs, gls = out.xs, out.glyphs
    put, take = xs.append, gls.append
    for k, c in enumerate(items):
        if k > fixed and (inner or not c.glue):
            x += gap
        gl = c.glyphs
        if c.kind == "half":
            w = widths[k]
            step = gap if inner and k >= fixed else 0.0
            for g in gl:
                put(x)
                take(g)
                x += g.advance + step
            x -= w + step  # back to the cluster's start: the common advance follows
            x += w
        elif len(gl) == 1:  # a full-width character (on its cell), a space
            g = gl[0]
            if shifts is None:
                put(x + g.offset)
            else:
                put(x + g.offset - shifts[k])
            take(g)
            x += widths[k]
        else:  # a 2-cell mark
            s = shifts[k] if shifts is not None else 0.0
            cw = c.width / len(gl)
            for i, g in enumerate(gl):
                put(x + i * cw + _glyph_offset(g, cw) - s)
                take(g)
            x += widths[k]
    return out


def set_glyphs(glyphs: list[Glyph], width: float, align: str, full: bool, src: int = 0) -> SetLine:
    """``glyphs`` (numbered from ``src`` in their block's text) set as one line."""
    cls = _solo_clusters(glyphs)
    solo = cls is not None
    if cls is None:
        cls = clusters_of(glyphs)
    return set_line(cls, width, align, full, 0, src, src + len(glyphs), solo)


def typeset(
    glyphs: list[Glyph],
    width_of: Callable[[int], float],
    align: str,
    fixed_glyphs: int = 0,
) -> list[SetLine]:
    """Break and set a paragraph; every line but the last (and lines ended by a forced
    break) is justified when ``align`` is ``justify``. The clusters of the first
    ``fixed_glyphs`` glyphs keep their natural width on the first line (see ``set_line``)."""
    cls = _solo_clusters(glyphs)
    solo = cls is not None
    if cls is None:
        cls = clusters_of(glyphs)
    spans = break_clusters(cls, width_of)
    fixed, n = 0, 0
    while fixed < len(cls) and n < fixed_glyphs:
        n += len(cls[fixed].glyphs)
        fixed += 1
    if len(cls) == len(glyphs):  # one glyph a cluster
        starts: range | list[int] = range(len(cls) + 1)
    else:
        starts = list(accumulate([len(c.glyphs) for c in cls], initial=0))
    # how many clusters before each are a glyph's solo one: a line of only those is solo
    alone: list[int] | None = None
    if not solo:
        alone = list(accumulate(map(_ALONE, cls), initial=0))
    lines: list[SetLine] = []
    last = len(spans) - 1
    for i, (a, b) in enumerate(spans):
        forced = b < len(cls) and cls[b].kind == "break"
        keep = fixed - a if i == 0 else 0
        full = i != last and not forced
        plain = solo or alone[b] - alone[a] == b - a  # type: ignore[index]
        lines.append(
            set_line(cls[a:b], width_of(i), align, full, keep, starts[a], starts[b], plain)
        )
    return lines


def natural_width(glyphs: list[Glyph]) -> float:
    """Width of glyphs set without justification: full-width ones on their cells."""
    return sum(c.width for c in clusters_of(glyphs))


# --- titles ------------------------------------------------------------------------------
TITLE_WORDS: tuple[str, ...] = (
    "会议",
    "次会议",
    "政协",
    "人大",
    "届人大",
    "代表",
    "委员会",
    "委员",
    "提案",
    "建议",
    "答复",
    "意见",
    "人民",
    "政府",
    "办公室",
    "办公厅",
    "发展",
    "改革",
    "规划",
    "工作",
    "通知",
    "实施",
    "关于",
    "进一步",
    "加强",
    "推进",
    "经济",
    "社会",
    "国民",
    "产业",
    "城市",
    "建设",
    "管理",
    "服务",
    "企业",
    "办理",
    "情况",
    "报告",
    "方案",
    "住房",
    "更新",
    "教育",
    "卫生",
    "健康",
    "交通",
    "运输",
    "环境",
    "保护",
    "生态",
    "农业",
    "农村",
    "文化",
    "旅游",
    "科技",
    "创新",
    "资源",
    "安全",
    "保障",
    "财政",
    "市场",
    "监督",
    "管理局",
    "自然",
    "信息化",
    "工业",
    "和信息化",
    "高质量",
)
"""Words a title line break should not split (GB/T 9704 7.3.1: 词意完整)."""
NUMERALS = frozenset("〇零一二三四五六七八九十百千两")
COUNTERS = frozenset("个届次号条项年月日")
BREAK_BEFORE_BONUS = {"第": 4.0, "关": 1.0, "对": 1.0}
BREAK_AFTER_BONUS = {"届": 1.0, "的": 0.5, "和": 0.5, "与": 0.5, "及": 0.5, "、": 0.5}
WORD_PENALTY = 8.0
BRACKET_PENALTY = 4.0


def _inside_words(text: str) -> set[int]:
    """Offsets ``p`` such that a break before ``text[p]`` would split a word or a number
    written in Chinese numerals (第十四 …)."""
    inside: set[int] = set()
    for w in TITLE_WORDS:
        start = text.find(w)
        while start >= 0:
            inside.update(range(start + 1, start + len(w)))
            start = text.find(w, start + 1)
    for p in range(1, len(text)):
        a, b = text[p - 1], text[p]
        if (b in NUMERALS and (a in NUMERALS or a == "第")) or (a in NUMERALS and b in COUNTERS):
            inside.add(p)
    return inside


def balance_title(glyphs: list[Glyph], width: float) -> list[tuple[int, int]]:
    """Break a title into the fewest lines that fit, as even in length as possible.

    Breaks against kinsoku are barred; breaks inside common words (``TITLE_WORDS``),
    Chinese numerals and 《》“”（） pairs are penalised; breaks before 第 (and, less, after
    届/的/和…) are preferred. Cost: squared deviation from even lines, in cells, plus those
    terms. Returns glyph spans.
    """
    cls = clusters_of(glyphs)
    if not cls:
        return []
    widths = [c.width for c in cls]
    total = sum(widths)
    if total <= width + EPS:
        return [(0, len(glyphs))]
    unit = cell(glyphs[0].size)
    n_min = int(total // width) + 1
    # nesting depth before each cluster boundary, to penalise breaks inside paired marks
    depth = [0] * (len(cls) + 1)
    d = 0
    for i, c in enumerate(cls):
        if c.first in "《“‘（〔【":
            d += 1
        if c.last in "》”’）〕】":
            d = max(0, d - 1)
        depth[i + 1] = d
    prefix = [0.0]
    for w in widths:
        prefix.append(prefix[-1] + w)

    text = "".join(g.ch for g in glyphs)
    inside = _inside_words(text)
    gstart = [0]
    for c in cls:
        gstart.append(gstart[-1] + len(c.glyphs))

    def penalty(k: int) -> float:
        if _bad_break(cls, 0, k):
            return 1e6
        p = BRACKET_PENALTY if depth[k] else 0.0
        if gstart[k] in inside:
            p += WORD_PENALTY
        p -= BREAK_BEFORE_BONUS.get(cls[k].first, 0.0)
        p -= BREAK_AFTER_BONUS.get(cls[k - 1].last, 0.0)
        return p

    best: tuple[float, list[int]] | None = None
    for n_lines in (n_min, n_min + 1):
        target = total / n_lines
        inf = float("inf")
        # cost[j][k]: best cost placing j lines over cls[:k]
        cost = [[inf] * (len(cls) + 1) for _ in range(n_lines + 1)]
        back = [[0] * (len(cls) + 1) for _ in range(n_lines + 1)]
        cost[0][0] = 0.0
        for j in range(1, n_lines + 1):
            for k in range(1, len(cls) + 1):
                for a in range(k):
                    if cost[j - 1][a] == inf:
                        continue
                    w = prefix[k] - prefix[a]
                    if w > width + EPS:
                        continue
                    dev = (w - target) / unit
                    c = cost[j - 1][a] + dev * dev
                    if k < len(cls):
                        c += penalty(k)
                    if j == 1 and w + EPS < target:
                        c += 0.01  # slight preference for a longer first line
                    if c < cost[j][k]:
                        cost[j][k] = c
                        back[j][k] = a
        if cost[n_lines][len(cls)] < inf:
            ks = [len(cls)]
            for j in range(n_lines, 0, -1):
                ks.append(back[j][ks[-1]])
            ks.reverse()
            cand = (cost[n_lines][len(cls)] + (0 if n_lines == n_min else 50.0), ks)
            if best is None or cand[0] < best[0]:
                best = cand
    if best is None:  # cannot fit: fall back to greedy lines
        spans = break_clusters(cls, lambda _i: width)
        ks = [a for a, _ in spans] + [len(cls)]
    else:
        ks = best[1]
    return [(gstart[ks[i]], gstart[ks[i + 1]]) for i in range(len(ks) - 1)]
