"""Property tests: random documents lay out, keep every character in order, stay on the
grid and inside the type area, and obey GB/T 15834 kinsoku."""

from __future__ import annotations

import math
import os
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongwen.document import Block, Document, LetterFormat, Seal, SealMode, Span
from gongwen.fonts import load_fontset
from gongwen.layout import layout_document
from gongwen.layout.pages import (
    EM_ASCENT,
    TYPE_BOTTOM,
    TYPE_LEFT,
    TYPE_RIGHT,
    TYPE_TOP,
    baseline_in_cell,
)
from gongwen.spec import (
    CHAR_PITCH,
    HEADER_ROLES,
    LINE_PITCH,
    LINES_PER_PAGE,
    RECORD_ROLES,
    FontRole,
    Role,
    letter_text_bottom,
)

from .pdf_checks import NO_LINE_END, NO_LINE_START

COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质"
RARE = "𠀀䶮龘𪚥㐀鿏堃喆犇昇"
CLOSING = "，。、；：？！）》”"
OPENING = "（《“"

han = st.text(alphabet=COMMON, min_size=1, max_size=30)
digits = st.from_regex(r"[0-9]{1,8}(\.[0-9]{1,3})?%?", fullmatch=True)
latin = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", min_size=1, max_size=70)
tail = st.one_of(
    st.text(alphabet=CLOSING, min_size=1, max_size=2),
    digits,
    latin,
    st.just("——"),
    st.just("……"),
    st.sampled_from(RARE),
    st.just(" "),
)
unit = st.tuples(
    st.one_of(st.just(""), st.sampled_from(OPENING)),
    han,
    st.one_of(st.just(""), tail),
).map("".join)
paragraph = st.lists(unit, min_size=1, max_size=12).map(lambda us: "中" + "".join(us))

BODY_ROLES = [Role.BODY, Role.HEADING1, Role.HEADING2, Role.HEADING3, Role.HEADING4, Role.NOTE]


@st.composite
def blocks(draw) -> Block:
    role = draw(st.sampled_from(BODY_ROLES))
    text = draw(paragraph)
    if role in (Role.HEADING2, Role.HEADING3, Role.HEADING4) and draw(st.booleans()):
        head = draw(han) + "。"
        return Block(role, (Span(head), Span(text, FontRole.FANGSONG)), run_in=True)
    if role is Role.HEADING1:
        text = text[:40]
    return Block(role, (Span(text),))


@st.composite
def documents(draw) -> Document:
    out: list[Block] = []
    fmt = draw(st.sampled_from(list(LetterFormat)))
    if fmt is not LetterFormat.PLAIN:
        suffix = "文件" if fmt is LetterFormat.DOCUMENT else ""
        out += [
            Block(Role.ORGAN_MARK, (Span("某某市发展和改革委员会" + suffix),)),
            Block(Role.DOC_NUMBER, (Span("某发改函〔2024〕7号"),)),
        ]
    if draw(st.booleans()):
        title = draw(st.text(alphabet=COMMON, min_size=4, max_size=45))
        if draw(st.booleans()):
            cut = draw(st.integers(1, len(title) - 1))
            title = title[:cut] + "\n" + title[cut:]
        out.append(Block(Role.TITLE, (Span(title),)))
    out.append(Block(Role.ADDRESSEE, (Span("某某委员："),)))
    out += draw(st.lists(blocks(), min_size=1, max_size=8))
    if draw(st.booleans()):
        out += [
            Block(Role.SIGNATURE, (Span("某某市发展和改革委员会"),)),
            Block(Role.DATE, (Span("2024年6月18日"),)),
        ]
    if draw(st.booleans()):
        cc = draw(st.lists(st.text(alphabet=COMMON, min_size=2, max_size=12), min_size=1))
        out.append(Block(Role.RECORD_CC, (Span("抄送："), Span("，".join(cc) + "。"))))
        printer = Span("某某市发展和改革委员会办公室")
        out.append(Block(Role.RECORD_PRINT, (printer,), tail="2024年6月18日印发"))
    seal = Seal(draw(st.sampled_from([SealMode.NONE, SealMode.RESERVE])))
    return Document(fmt, tuple(out), seal=seal, even_page_record=draw(st.booleans()))


@pytest.fixture(scope="module")
def fs():
    return load_fontset("auto")


FIXED = {r.value for r in (*HEADER_ROLES, *RECORD_ROLES) if r is not Role.REPLY_CATEGORY}


def squash(s: str) -> str:
    return "".join(ch for ch in s if not ch.isspace())


EXAMPLES = int(os.environ.get("GONGWEN_HYPOTHESIS_EXAMPLES", "30"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_random_documents(doc: Document):
    fs = load_fontset("auto")
    lay = layout_document(doc, fs)
    by_block: dict[int, list] = {}
    for page in lay.pages:
        body = [ln for ln in page.lines if ln.block >= 0]
        assert len([ln for ln in body if ln.role not in FIXED]) <= LINES_PER_PAGE
        first_page_of_letter = page.number == 1 and doc.fmt is not LetterFormat.PLAIN
        for ln in page.lines:
            by_block.setdefault(ln.block, []).append(ln)
            # inside the type area, horizontally
            for x in ln.xs:
                assert TYPE_LEFT - 0.01 <= x < TYPE_RIGHT, (ln.text, x)
            if page.number == 1 and doc.fmt is LetterFormat.LETTER:  # 10.1: down to 7/8
                # of a 3号 character above the lower red lines
                assert ln.y + (1 - EM_ASCENT) * ln.size <= letter_text_bottom() + 1e-6
            else:
                assert ln.y < TYPE_BOTTOM
            if ln.role in RECORD_ROLES:  # the 版记 sits on the type area's bottom edge
                assert page.number == len(lay.pages)
                continue
            # on the line grid, vertically
            if not first_page_of_letter:
                k = (ln.y - baseline_in_cell(ln.size) - TYPE_TOP) / LINE_PITCH
                assert abs(k - round(k)) < 1e-6 and 0 <= round(k) < LINES_PER_PAGE
            # pure full-width full lines step on the character grid
            on_grid = ln.full and ln.xs and abs(ln.xs[0] - TYPE_LEFT) < 0.01
            if on_grid and len(ln.text) == 28 and all(ord(c) > 0x2000 for c in ln.text):
                for a, b in pairwise(ln.xs):
                    assert b - a == pytest.approx(CHAR_PITCH, abs=1e-6)
        if first_page_of_letter:
            flow = [ln for ln in page.lines if ln.role not in FIXED]
            for a, b in pairwise(flow):
                k = (b.y - baseline_in_cell(b.size) - a.y + baseline_in_cell(a.size)) / LINE_PITCH
                assert abs(k - round(k)) < 1e-6
    for i, block in enumerate(doc.blocks):
        lines = by_block.get(i, [])
        # every character, in order
        assert squash("".join(ln.text for ln in lines)) == squash(block.text)
        # kinsoku, except where a paragraph itself begins or ends
        for n, ln in enumerate(lines):
            text = ln.text.strip()
            if not text:
                continue
            if n > 0:
                assert text[0] not in NO_LINE_START, (ln.text, lines[n - 1].text)
            if n < len(lines) - 1:
                assert text[-1] not in NO_LINE_END, (ln.text, lines[n + 1].text)
    assert all(math.isfinite(r.x) and math.isfinite(r.y) for p in lay.pages for r in p.runs)
    if doc.fmt is LetterFormat.DOCUMENT and doc.even_page_record and doc.by_role(*RECORD_ROLES):
        assert len(lay.pages) % 2 == 0
    # rare characters come from a face that has them
    for w in lay.warnings:
        assert w.face is not None, w
