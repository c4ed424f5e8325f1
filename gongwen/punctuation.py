"""Setting ASCII punctuation full-width between Chinese text (GB/T 15834).

Only marks that touch a wide (CJK) character are changed, so ``3+3+2``, ``4.0``, ``(a, b)``
and URLs stay as written. The full stop is never changed: ``.`` in ``1143.1`` and ``1.`` is
part of a number. Straight double quotes pair up in order as “ and ”.
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


def _neighbour_wide(text: str, i: int, step: int) -> bool:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return 0 <= j < len(text) and is_wide(text[j])


def full_width(text: str) -> tuple[str, list[tuple[int, str, str]]]:
    """Return ``text`` with ASCII marks next to CJK set full-width, and each change made."""
    out: list[str] = []
    changes: list[tuple[int, str, str]] = []
    double_open = True
    single_open = True
    for i, ch in enumerate(text):
        new = ch
        touches_cjk = ch in FULL_WIDTH or ch in "\"'"
        if touches_cjk:
            touches_cjk = _neighbour_wide(text, i, -1) or _neighbour_wide(text, i, 1)
        if ch == '"':
            if touches_cjk:
                new = "“" if double_open else "”"
            double_open = not double_open
        elif ch == "'":
            if touches_cjk:
                new = "‘" if single_open else "’"
            single_open = not single_open
        elif touches_cjk:
            new = FULL_WIDTH[ch]
        if new != ch:
            changes.append((i, ch, new))
        out.append(new)
    return "".join(out), changes
