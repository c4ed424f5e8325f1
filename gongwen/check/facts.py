"""What the rules judge, measured once per file: the facts both routes share.

:func:`~gongwen.check.facts_pdf.pdf_facts` measures a PDF's pages (lines and their roles,
pitches, margins, rules, page numbers, fonts) and
:func:`~gongwen.check.facts_docx.docx_facts` a DOCX's settings (sections, paragraphs with
their roles and runs, footers). Where the two routes mean the same thing they give it in the
same type, defined here, and one rule judges both: the 成文日期 and 印发日期 as written
(:class:`WrittenDate`), the 发文字号 (:class:`DocNumberAt`) and the place of the 署名 and the
date (:class:`Placement`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import grammar, spec
from .rules import Loc

HALF_CHAR = 0.5  # characters: the tolerance of the 署名/日期 placement and of indents


def compact(text: str) -> str:
    """``text`` without any whitespace (what the grammar reads)."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A 成文日期 or 印发日期 as written: ``date`` is what the grammar parses, ``shown`` the
    text the finding quotes."""

    date: str
    shown: str
    loc: Loc


@dataclass(frozen=True, slots=True)
class DocNumberAt:
    """A 发文字号 standing alone, as written (``shown``) and parsed."""

    number: grammar.DocNumber
    shown: str
    loc: Loc


def doc_number_of(text: str) -> grammar.DocNumber | None:
    """The 发文字号 ``text`` is, whole; None when it is something else."""
    number = grammar.parse_doc_number(text)
    return number if number is not None and not number.rest else None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the 署名 and the 成文日期 stand, in characters of 3号: the 署名's and the date's
    room to the type area's right edge, the date's first character right of the 署名's
    (``offset``) and the distance between their centres. ``loc`` is the date's place."""

    signature_right: float
    date_right: float
    offset: float
    centre: float
    loc: Loc

    @property
    def placed(self) -> bool:
        """Without a seal, 署名 (or the date) 右空二字 and the date's first character 二字
        right of the 署名's; with a seal, the date 右空四字 and the 署名 centred on it."""
        plain = abs(self.offset - spec.DATE_OFFSET_CHARS) <= HALF_CHAR and (
            abs(self.signature_right - spec.SIGNATURE_RIGHT_CHARS) <= HALF_CHAR
            or abs(self.date_right - spec.SIGNATURE_RIGHT_CHARS) <= HALF_CHAR
        )
        seal = (
            abs(self.date_right - spec.SEAL_DATE_RIGHT_CHARS) <= HALF_CHAR
            and abs(self.centre) <= HALF_CHAR
        )
        return plain or seal
