"""Setting ASCII punctuation full-width between Chinese text (GB/T 15834).

Only marks that touch a wide (CJK) character are changed, so ``3+3+2``, ``4.0``, ``(a, b)``
and URLs stay as written. The full stop is never changed: ``.`` in ``1143.1`` and ``1.`` is
part of a number. Straight quotes pair up in order; a pair becomes “…” (or ‘…’) when either
of its marks touches Chinese text.
"""

from __future__ import annotations

from .spec import is_wide

FULL_WIDTH = {
    ",": "，",
    ";": "；",
    ":": "：",
    "?": "？",
    "!": "！",
    "(": "（",
    ")": "）",
}
QUOTES = {'"': ("“", "”"), "'": ("‘", "’")}


def _touches_wide(chars: list[str], i: int) -> bool:
    """True when the nearest non-space neighbour on either side is a wide character."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(chars) and chars[j] == " ":
            j += step
        if 0 <= j < len(chars) and is_wide(chars[j]):
            return True
    return False


def full_width(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Return ``text`` with ASCII marks next to CJK set full-width, and each change made."""
    chars = list(text)
    # Left to right, so a mark after one just set full-width (，"…) sees a wide neighbour.
    for i, ch in enumerate(chars):
        if ch in FULL_WIDTH and _touches_wide(chars, i):
            chars[i] = FULL_WIDTH[ch]
    for mark, (opening, closing) in QUOTES.items():
        positions = [i for i, ch in enumerate(chars) if ch == mark]
        for a, b in zip(positions[::2], positions[1::2], strict=False):
            if _touches_wide(chars, a) or _touches_wide(chars, b):
                chars[a], chars[b] = opening, closing
    pairs = enumerate(zip(text, chars, strict=True))
    changes = [(i, old, new) for i, (old, new) in pairs if old != new]
    return "".join(chars), changes
