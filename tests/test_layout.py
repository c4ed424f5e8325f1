"""The grid typesetter on hand-made documents: line breaking, kinsoku, titles, pages."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gongwen.compose import compose
from gongwen.document import Block, Document, LetterFormat, Seal, SealMode, Span
from gongwen.fonts import load_fontset
from gongwen.layout import Layout, Line, layout_document
from gongwen.layout.pages import TYPE_BOTTOM, TYPE_LEFT, TYPE_RIGHT, TYPE_TOP, baseline_in_cell
from gongwen.loader import load_letter
from gongwen.spec import (
    CHAR_PITCH,
    DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM,
    DOCUMENT_RULE_LENGTH_MM,
    LINE_PITCH,
    LINES_PER_PAGE,
    MARGIN_TOP_MM,
    RED,
    SEAL_DATE_RIGHT_CHARS,
    SIZE_2HAO,
    FontRole,
    Role,
    mm,
)

HAN = "国家发展和改革委员会关于推进产业高质量发展的意见答复函件工作"


@pytest.fixture(scope="module")
def fs():
    return load_fontset("auto")


def han(n: int, offset: int = 0) -> str:
    return "".join(HAN[(offset + i) % len(HAN)] for i in range(n))


def blk(role: Role, *texts: str, **kw) -> Block:
    return Block(role, tuple(Span(t) for t in texts), **kw)


def doc(*blocks: Block, fmt: LetterFormat = LetterFormat.PLAIN, **kw) -> Document:
    return Document(fmt, tuple(blocks), **kw)


def lines_of(layout: Layout, block: int) -> list[Line]:
    return [ln for p in layout.pages for ln in p.lines if ln.block == block]


def test_cjk_paragraph_on_the_grid(fs):
    lay = layout_document(doc(blk(Role.BODY, han(100))), fs)
    lines = lines_of(lay, 0)
    assert [len(ln.text) for ln in lines] == [26, 28, 28, 18]
    assert lines[0].xs[0] == pytest.approx(TYPE_LEFT + 2 * CHAR_PITCH)
    for ln in lines[1:]:
        assert ln.xs[0] == pytest.approx(TYPE_LEFT)
        for a, b in zip(ln.xs, ln.xs[1:], strict=False):
            assert b - a == pytest.approx(CHAR_PITCH, abs=1e-6)
    for n, ln in enumerate(lines):
        assert ln.y == pytest.approx(TYPE_TOP + n * LINE_PITCH + baseline_in_cell(16))


def test_closing_mark_pulls_a_character_down(fs):
    text = han(26) + "，" + han(10)
    lines = lines_of(layout_document(doc(blk(Role.BODY, text)), fs), 0)
    assert "".join(ln.text for ln in lines) == text
    assert not lines[1].text.startswith("，")
    assert len(lines[0].text) == 25
    assert lines[0].full
    # justified: the slack spread evenly, the line still ends on the right edge
    assert lines[0].xs[-1] + CHAR_PITCH == pytest.approx(TYPE_RIGHT, abs=0.01)


def test_closing_mark_pushed_in_by_squeezing(fs):
    text = han(10) + "、" + han(15) + "。" + han(10)
    lines = lines_of(layout_document(doc(blk(Role.BODY, text)), fs), 0)
    assert lines[0].text == text[:27]
    assert lines[0].xs[-1] + CHAR_PITCH / 2 <= TYPE_RIGHT + 0.01
    assert lines[1].text == text[27:]


def test_opening_mark_never_ends_a_line(fs):
    text = han(25) + "“" + han(10) + "”"
    lines = lines_of(layout_document(doc(blk(Role.BODY, text)), fs), 0)
    assert not lines[0].text.endswith("“")
    assert lines[1].text.startswith("“")


def test_dash_and_ellipsis_stay_whole(fs):
    for mark in ("——", "……"):
        text = han(25) + mark + han(10)
        lines = lines_of(layout_document(doc(blk(Role.BODY, text)), fs), 0)
        assert "".join(ln.text for ln in lines) == text
        assert lines[1].text.startswith(mark)


def test_numbers_and_words_never_split(fs):
    text = han(24) + "1143.1亿元和2021-2025年" + han(5) + "information" + han(30)
    lines = lines_of(layout_document(doc(blk(Role.BODY, text)), fs), 0)
    assert "".join(ln.text for ln in lines) == text
    for word in ("1143.1", "2021-2025", "information"):
        assert any(word in ln.text for ln in lines), word
    for ln in lines:
        if ln.full:  # justified to the measure
            last = ln.xs[-1]
            assert TYPE_RIGHT - CHAR_PITCH - 0.01 <= last <= TYPE_RIGHT


def test_overlong_word_is_cut_inside_the_measure(fs):
    url = "https://example.org/" + "a" * 120
    lines = lines_of(layout_document(doc(blk(Role.BODY, "见" + url)), fs), 0)
    assert "".join(ln.text for ln in lines) == "见" + url
    assert len(lines) >= 3
    for ln in lines:
        assert min(ln.xs) >= TYPE_LEFT - 0.01 and max(ln.xs) <= TYPE_RIGHT


def test_title_balanced_and_explicit_breaks(fs):
    title = "关于市政协十二届三次会议第0042号提案和相关建议的答复"
    lay = layout_document(doc(blk(Role.TITLE, title), blk(Role.BODY, han(10))), fs)
    lines = lines_of(lay, 0)
    assert len(lines) == 2
    assert "".join(ln.text for ln in lines) == title
    assert "0042" in lines[0].text or "0042" in lines[1].text
    widths = [ln.xs[-1] + SIZE_2HAO - ln.xs[0] for ln in lines]
    assert abs(widths[0] - widths[1]) <= 3 * SIZE_2HAO
    assert lines[1].text.startswith("第")
    for ln in lines:
        mid = (ln.xs[0] + ln.xs[-1] + SIZE_2HAO) / 2
        assert mid == pytest.approx((TYPE_LEFT + TYPE_RIGHT) / 2, abs=6)
    lay = layout_document(doc(blk(Role.TITLE, "关于某事\n的答复")), fs)
    assert [ln.text for ln in lines_of(lay, 0)] == ["关于某事", "的答复"]


def test_run_in_heading_fonts(fs):
    b = Block(
        Role.HEADING2, (Span("（一）标题。"), Span("正文内容", FontRole.FANGSONG)), run_in=True
    )
    lay = layout_document(doc(b), fs)
    runs = lay.pages[0].runs
    kai, fang = fs.face(FontRole.KAITI).key, fs.face(FontRole.FANGSONG).key
    fonts = {}
    for r in runs:
        for ch in r.text:
            fonts[ch] = r.font
    assert fonts["标"] == kai and fonts["正"] == fang


def test_standalone_heading_kept_with_next(fs):
    blocks = [blk(Role.BODY, han(26 + 28 * 20))]  # 21 lines
    blocks += [blk(Role.HEADING1, "一、标题"), blk(Role.BODY, han(40))]
    lay = layout_document(doc(*blocks), fs)
    head = lines_of(lay, 1)[0]
    assert head.y == pytest.approx(TYPE_TOP + baseline_in_cell(16))  # top of page 2
    assert len(lay.pages[0].lines) == 21


def test_signature_never_alone_on_a_page(fs):
    body = blk(Role.BODY, han(26 + 28 * 21))  # exactly 22 lines: page 1 is full
    sig, date = blk(Role.SIGNATURE, "某某市发展和改革委员会"), blk(Role.DATE, "2024年6月18日")
    lay = layout_document(doc(body, sig, date), fs)
    assert len(lay.pages) == 2
    p2 = [ln for ln in lay.pages[1].lines if ln.block == 0]
    assert len(p2) == 2
    assert len(lay.pages[0].lines) == 20


def test_note_and_contacts_after_the_date_move_with_the_signature(fs):
    body = blk(Role.BODY, han(26 + 28 * 19))  # 20 lines: blank, 署名 and date fill page 1
    sig, date = blk(Role.SIGNATURE, "某某市发展和改革委员会"), blk(Role.DATE, "2024年6月18日")
    note = blk(Role.NOTE, "（此件主动公开）")
    lay = layout_document(doc(body, sig, date, note), fs)
    assert len(lay.pages) == 2
    roles = [ln.role for ln in lay.pages[1].lines]
    assert roles == ["body", "body", "signature", "date", "note"]


def test_signature_without_seal(fs):
    sig, date = blk(Role.SIGNATURE, "某某市发展和改革委员会"), blk(Role.DATE, "2024年6月18日")
    lay = layout_document(doc(blk(Role.BODY, han(30)), sig, date), fs)
    s, d = lines_of(lay, 1)[0], lines_of(lay, 2)[0]
    assert s.xs[-1] + CHAR_PITCH == pytest.approx(TYPE_RIGHT - 2 * CHAR_PITCH, abs=0.01)
    assert d.xs[0] - s.xs[0] == pytest.approx(2 * CHAR_PITCH, abs=0.01)
    body_last = lines_of(lay, 0)[-1]
    assert s.y - body_last.y == pytest.approx(2 * LINE_PITCH)


def test_signature_with_seal_image(fs, tmp_path: Path):
    from PIL import Image as PILImage
    from PIL import ImageDraw

    png = tmp_path / "seal.png"
    im = PILImage.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((5, 5, 195, 195), outline=(255, 0, 0, 255), width=8)
    im.save(png)
    sig, date = blk(Role.SIGNATURE, "某某委员会"), blk(Role.DATE, "2024年6月18日")
    d = doc(blk(Role.BODY, han(30)), sig, date, seal=Seal(SealMode.IMAGE, png))
    lay = layout_document(d, fs)
    s, dt = lines_of(lay, 1)[0], lines_of(lay, 2)[0]
    date_right = TYPE_RIGHT - SEAL_DATE_RIGHT_CHARS * CHAR_PITCH
    date_w = sum(CHAR_PITCH if ord(c) > 0x2000 else 8.0 for c in dt.text)
    assert dt.xs[0] + date_w == pytest.approx(date_right, abs=0.5)
    s_mid = (s.xs[0] + s.xs[-1] + CHAR_PITCH) / 2
    assert s_mid == pytest.approx(dt.xs[0] + date_w / 2, abs=0.5)
    (img,) = lay.pages[0].images
    body_last = lines_of(lay, 0)[-1]
    assert 0 <= img.y - (body_last.y + 6) <= LINE_PITCH
    assert img.y < s.y < dt.y < img.y + img.height
    assert img.x + img.width / 2 == pytest.approx(dt.xs[0] + date_w / 2, abs=0.5)
    from . import pdf_checks as pc
    from .rendering import render_pdf

    with pc.open_pdf(render_pdf(d, fs)) as pdf:
        assert len(pdf.pages[0].images) == 1


def test_document_format_header_record_and_even_page(fs):
    blocks = [
        blk(Role.ORGAN_MARK, "某某市发展和改革委员会文件"),
        blk(Role.DOC_NUMBER, "某发改函〔2024〕7号"),
        blk(Role.TITLE, "关于某事的答复"),
        blk(Role.ADDRESSEE, "某某委员："),
        blk(Role.BODY, han(80)),
        blk(Role.SIGNATURE, "某某市发展和改革委员会"),
        blk(Role.DATE, "2024年6月18日"),
        blk(Role.RECORD_CC, "抄送：", "市政府办公室，市政协提案委员会。"),
        Block(Role.RECORD_PRINT, (Span("某某市发展和改革委员会办公室"),), tail="2024年6月18日印发"),
    ]
    lay = layout_document(doc(*blocks, fmt=LetterFormat.DOCUMENT), fs)
    p1 = lay.pages[0]
    mark = lines_of(lay, 0)[0]
    assert mark.y - 0.88 * mark.size == pytest.approx(
        mm(MARGIN_TOP_MM + DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM), abs=0.01
    )
    (red,) = [r for r in p1.rules if r.color == RED]
    assert red.x1 - red.x0 == pytest.approx(mm(DOCUMENT_RULE_LENGTH_MM))
    number = lines_of(lay, 1)[0]
    assert red.y0 - number.y == pytest.approx(0.12 * 16 + mm(4) + red.width / 2, abs=0.01)
    title = lines_of(lay, 2)[0]
    assert title.y - red.y0 > 2 * LINE_PITCH
    # the 版记 goes on an even page; the page it forces is the letter's second
    assert len(lay.pages) % 2 == 0
    last = lay.pages[-1]
    rules = sorted(last.rules, key=lambda r: r.y0)
    assert [round(r.width, 2) for r in rules] == [
        round(mm(0.35), 2),
        round(mm(0.25), 2),
        round(mm(0.35), 2),
    ]
    assert rules[-1].y0 == pytest.approx(TYPE_BOTTOM)
    printed = next(ln for ln in last.lines if ln.block == 8)
    assert printed.text.endswith("印发")
    assert printed.xs[-1] + 14 == pytest.approx(TYPE_RIGHT - 14, abs=0.5)
    assert [p.printed_number for p in lay.pages] == list(range(1, len(lay.pages) + 1))


def test_even_page_record_after_a_full_even_page(fs):
    """Text ends on a full page 2: a blank page 3, the 版记 on page 4, neither numbered."""
    blocks = [
        blk(Role.BODY, han(26 + 28 * 43)),  # 44 lines: pages 1-2 full
        blk(Role.RECORD_CC, "抄送：", "市政府办公室。"),
        Block(Role.RECORD_PRINT, (Span("某某办公室"),), tail="2024年6月18日印发"),
    ]
    lay = layout_document(doc(*blocks, fmt=LetterFormat.DOCUMENT), fs)
    assert [p.printed_number for p in lay.pages] == [1, 2, None, None]
    assert not lay.pages[2].lines
    lay = layout_document(doc(*blocks, fmt=LetterFormat.DOCUMENT, even_page_record=False), fs)
    assert len(lay.pages) == 3


def test_attachment_page(fs):
    blocks = [
        blk(Role.BODY, han(30)),
        blk(Role.ATTACHMENT_LABEL, "附件", page_break_before=True),
        blk(Role.ATTACHMENT_TITLE, "某某清单"),
        blk(Role.BODY, han(20)),
    ]
    lay = layout_document(doc(*blocks), fs)
    assert len(lay.pages) == 2
    label, title = lines_of(lay, 1)[0], lines_of(lay, 2)[0]
    assert label.y == pytest.approx(TYPE_TOP + baseline_in_cell(16))
    assert title.y == pytest.approx(TYPE_TOP + 2 * LINE_PITCH + baseline_in_cell(SIZE_2HAO))
    assert lines_of(lay, 3)[0].y == pytest.approx(TYPE_TOP + 4 * LINE_PITCH + baseline_in_cell(16))


def test_fallback_faces_and_missing_characters(fs):
    fallback = fs.fallbacks[0]  # Fandol lacks 喆; no face has the private-use U+E000
    lay = layout_document(doc(blk(Role.BODY, "中喆文\ue000")), fs)
    warn = {(w.char, w.face) for w in lay.warnings}
    assert warn == {("喆", fallback.family), ("\ue000", None)}
    runs = {r.text: r.font for r in lay.pages[0].runs}
    assert runs.get("喆") == fallback.key
    assert lay.fonts[fallback.key] == fallback


def test_reference_letter_layout_numbers(fs, reference_yaml):
    lay = layout_document(compose(load_letter(reference_yaml)), fs)
    assert all(len(p.lines) == LINES_PER_PAGE for p in lay.pages[:-1])
    full = [ln for p in lay.pages for ln in p.lines if ln.full and ln.xs[0] < TYPE_LEFT + 1]
    cjk = [ln for ln in full if all(ord(c) > 0x2000 for c in ln.text)]
    share = sum(1 for ln in cjk if len(ln.text) == 28) / len(cjk)
    assert share >= 0.85
    assert not lay.warnings


def test_letter_format_first_page_unnumbered(fs, example_letter):
    d = compose(load_letter(example_letter))
    lay = layout_document(d, fs)
    assert lay.pages[0].printed_number is None
    assert [p.printed_number for p in lay.pages[1:]] == list(range(2, len(lay.pages) + 1))
    plain = layout_document(dataclasses.replace(d, fmt=LetterFormat.PLAIN), fs)
    assert plain.pages[0].printed_number == 1


def test_lines_brought_to_the_signature_page_keep_their_gaps(fs):
    body = blk(Role.BODY, han(26 + 28 * 18))  # 19 lines
    note = blk(Role.ATTACHMENT_NOTE, "附件：", "某某清单")  # a blank line, then line 21
    sig, date = blk(Role.SIGNATURE, "某某市发展和改革委员会"), blk(Role.DATE, "2024年6月18日")
    lay = layout_document(doc(body, note, sig, date), fs)
    p2 = lay.pages[1].lines
    # decision 10: two lines of 正文 (the 附件说明 does not count) come along
    assert [ln.role for ln in p2] == ["body", "body", "attachment_note", "signature", "date"]
    assert p2[2].y - p2[1].y == pytest.approx(2 * LINE_PITCH)


def test_heading_chain_kept_with_next(fs):
    blocks = [blk(Role.BODY, han(26 + 28 * 19))]  # 20 lines
    blocks += [blk(Role.HEADING1, "一、标题"), blk(Role.HEADING2, "（一）小标题")]
    blocks += [blk(Role.BODY, han(40))]
    lay = layout_document(doc(*blocks), fs)
    assert [ln.role for ln in lay.pages[1].lines[:3]] == ["heading1", "heading2", "body"]
    assert len(lay.pages[0].lines) == 20


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "关于湖北省政协十二届一次会议第20180329号提案的答复",
            ["关于湖北省政协十二届一次会议", "第20180329号提案的答复"],
        ),
        (
            "关于省十四届人大二次会议第123号建议的答复",
            ["关于省十四届人大二次会议", "第123号建议的答复"],
        ),
    ],
)
def test_title_breaks_keep_words_whole(fs, title, lines):
    lay = layout_document(doc(blk(Role.TITLE, title)), fs)
    assert [ln.text for ln in lines_of(lay, 0)] == lines


def test_unbroken_runs_are_single_uax14_units() -> None:
    """The runs the layout keeps whole without asking uniseg have no break opportunity in
    UAX #14 either (letters, digits, numbers with marks, year ranges)."""
    import random

    from uniseg.linebreak import line_break_units

    from gongwen.layout.text import UNBROKEN_RUN

    rng = random.Random(9704)
    samples = ["2021-2025", "1,000", "137.1%", "5G", "a1b2", "28686334", "0.5", "12,345.67%"]
    alphabet = "0123456789abcXYZ.,%-"
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 8)))
                for _ in range(3000)]
    kept = 0
    for text in samples:
        if UNBROKEN_RUN.fullmatch(text):
            kept += 1
            assert list(line_break_units(text)) == [text], text
    assert kept > 100
