"""Text normalisation for comparing letters: what counts as the same text.

A letter's text is the same as a reference when the two are equal after ``normalise``:
character width folded (NFKC: full-width ，：（） and ASCII , : ( ) are one), curly quotes
folded to straight ones, and optionally whitespace removed. ``--strict`` comparisons skip it.
"""

from __future__ import annotations

import unicodedata

QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})


def normalise(text: str, *, whitespace: bool = True) -> str:
    """Fold width (NFKC) and quote style; drop all whitespace when ``whitespace`` is true."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    if whitespace:
        text = "".join(text.split())
    return text


def same_text(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ only in width, quote style and whitespace."""
    return normalise(a) == normalise(b)
