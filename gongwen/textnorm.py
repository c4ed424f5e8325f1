"""Text normalisation for comparing letters: what counts as the same text.

A letter's text is the same as a reference when the two are equal after ``normalise``:
character width folded (NFKC: full-width ，：（） and ASCII , : ( ) are one), curly quotes
folded to straight ones, and optionally whitespace removed. ``--strict`` comparisons skip it.

:class:`Normalisation` names each fold so a report can say which were in force, and
:meth:`Normalisation.mapped` keeps, for every normalised character, the index of the original
character it came from, so a difference found in normalised text is shown in the original.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Normalisation:
    """Which folds a comparison applies. The default is ``normalise``'s; ``STRICT`` none."""

    whitespace: bool = True  # all whitespace removed
    width: bool = True  # NFKC: full-width and half-width forms are one
    quotes: bool = True  # “” ‘’ 「」 folded to " and '

    def names(self) -> list[str]:
        """The folds in force, by name: ``whitespace``, ``width``, ``quotes``."""
        return [n for n in ("whitespace", "width", "quotes") if getattr(self, n)]

    def apply(self, text: str) -> str:
        return self.mapped(text)[0]

    def mapped(self, text: str) -> tuple[str, list[int]]:
        """The normalised text and, per normalised character, its original index.

        NFKC is applied per base character with its combining marks, which for CJK and
        Latin text equals NFKC of the whole string.
        """
        out: list[str] = []
        origin: list[int] = []
        i, n = 0, len(text)
        while i < n:
            j = i + 1
            while j < n and unicodedata.combining(text[j]):
                j += 1
            piece = text[i:j]
            if self.width:
                piece = unicodedata.normalize("NFKC", piece)
            if self.quotes:
                piece = piece.translate(QUOTES)
            for ch in piece:
                if self.whitespace and ch.isspace():
                    continue
                out.append(ch)
                origin.append(i)
            i = j
        return "".join(out), origin


DEFAULT = Normalisation()
STRICT = Normalisation(whitespace=False, width=False, quotes=False)
