"""Rules of punctuation at line ends (GB/T 9704 §9 by GB/T 15834 §5.1): no closing mark at
a line's start, no opening one at its end, —— and …… not split — on the page; in a DOCX,
East Asian line breaking (``w:kinsoku``) left on."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

from .facts_docx import DocxFacts
from .facts_pdf import CLOSING, OPENING, PdfFacts
from .report import Clause
from .report import Severity as S
from .rules import Hit, Route, at_line, at_paragraph, hit, rule
from .rules_page import body_like


def _text_lines(f: PdfFacts) -> Iterator[list]:
    """Each page's lines of the text block."""
    for p in f.pages:
        yield [ln for ln in p.lines if f.in_type_area(ln)]


@rule("kinsoku-start", Clause.PUNCTUATION, S.ERROR, "行首出现点号或后半标号“{mark}”", Route.PDF,
      expected="句号、逗号等点号和后引号、后括号不出现在行首")
def kinsoku_start(f: PdfFacts) -> Iterator[Hit]:
    for lines in _text_lines(f):
        for ln in lines:
            if ln.glyphs[0].text in CLOSING:
                yield hit(at_line(ln), measured=ln.text[:8], mark=ln.glyphs[0].text)


@rule("kinsoku-end", Clause.PUNCTUATION, S.ERROR, "行末出现前半标号“{mark}”", Route.PDF,
      expected="前引号、前括号、前书名号不出现在行末")
def kinsoku_end(f: PdfFacts) -> Iterator[Hit]:
    for lines in _text_lines(f):
        for ln in lines:
            if ln.glyphs[-1].text in OPENING:
                yield hit(at_line(ln), measured=ln.text[-8:], mark=ln.glyphs[-1].text)


@rule("kinsoku-split", Clause.PUNCTUATION, S.ERROR, "“{pair}”被分在两行", Route.PDF,
      expected="破折号、省略号不断开")
def kinsoku_split(f: PdfFacts) -> Iterator[Hit]:
    for lines in _text_lines(f):
        for ln, nxt in itertools.pairwise(lines):
            last = ln.glyphs[-1].text
            if last in "—…" and nxt.glyphs[0].text == last:
                yield hit(at_line(ln), measured=ln.text[-4:], pair=last * 2)


@rule("kinsoku-off", Clause.PUNCTUATION, S.WARNING,
      "未启用中文避头尾，标点可能出现在行首（{count} 段，首见{first}）", Route.DOCX, fold="段",
      expected="避头尾开启（w:kinsoku）")
def kinsoku_off(f: DocxFacts) -> Iterator[Hit]:
    for p in body_like(f):
        if not p.props.kinsoku:
            yield hit(at_paragraph(p.index), measured="避头尾关闭（w:kinsoku）")
