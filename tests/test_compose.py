"""Composition: numbering, punctuation, dates and the reference letter's text fidelity."""

from __future__ import annotations

import pytest

from gongwen.compose import compose
from gongwen.document import LetterFormat
from gongwen.loader import load_letter
from gongwen.model import Letter
from gongwen.punctuation import full_width
from gongwen.spec import FontRole, Role
from gongwen.textnorm import normalise

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML


@pytest.fixture(scope="module")
def reference_doc():
    return compose(load_letter(REFERENCE_YAML))


def test_reference_text_is_reproduced_exactly(reference_doc, reference_text):
    """Every character of the published reply, in order; only punctuation width/quotes differ."""
    ours = normalise(reference_doc.reading_text(), whitespace=False)
    theirs = normalise(reference_text, whitespace=False).rstrip("\n")
    assert ours == theirs


def test_reference_paragraphs_match_published_lines(reference_doc, reference_text):
    lines = [ln for ln in reference_text.splitlines() if ln.strip()]
    assert len(reference_doc.blocks) == len(lines)
    for block, line in zip(reference_doc.blocks, lines, strict=True):
        assert normalise(block.text) == normalise(line)


def test_reference_structure(reference_doc):
    roles = [b.role for b in reference_doc.blocks]
    assert roles[0] is Role.ADDRESSEE
    assert reference_doc.blocks[0].text == "欧阳元初委员："
    assert [b.text for b in reference_doc.by_role(Role.HEADING1)] == [
        "一、前期工作开展情况",
        "二、下一步工作打算",
    ]
    run_in = reference_doc.by_role(Role.HEADING2)
    assert len(run_in) == 9 and all(b.run_in for b in run_in)
    assert [b.spans[0].text[:3] for b in run_in[4:]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert all(b.font_of(b.spans[0]) is FontRole.KAITI for b in run_in)
    assert all(b.font_of(b.spans[1]) is FontRole.FANGSONG for b in run_in)
    assert [b.text for b in reference_doc.by_role(Role.CONTACT)] == [
        "承办负责人：刘海宾",
        "承 办 人：杨 洋",
        "联 系 电 话：28686334",
    ]
    assert roles[-2:] == [Role.SIGNATURE, Role.DATE]
    assert reference_doc.blocks[-1].text == "2022年9月29日"
    assert reference_doc.fmt is LetterFormat.PLAIN
    assert reference_doc.author == "株洲市发展和改革委员会"


def test_punctuation_changes_are_reported(reference_doc):
    assert reference_doc.changes
    kinds = {(c.before, c.after) for c in reference_doc.changes}
    assert (",", "，") in kinds and (":", "：") in kinds and ("(", "（") in kinds
    assert ('"', "“") in kinds and ('"', "”") in kinds  # 制造业"双创"模式
    assert "," not in reference_doc.reading_text()


def test_full_width_keeps_numbers_and_latin():
    text, changes = full_width('占年度计划的120%,较上年加快6.9个百分点,"3+3+2"体系(2021-2025年) f(a, b)')
    assert text == "占年度计划的120%，较上年加快6.9个百分点，“3+3+2”体系（2021-2025年） f(a, b)"
    assert len(changes) == 6


def test_option_keeps_text_untouched():
    letter = load_letter(REFERENCE_YAML)
    raw = letter.model_copy(update={"options": letter.options.model_copy(
        update={"full_width_punctuation": False})})
    doc = compose(raw)
    assert not doc.changes
    assert "经委办公会研究同意,现答复如下:" in doc.reading_text()


def test_example_letter_has_every_element():
    doc = compose(load_letter(EXAMPLE_LETTER), EXAMPLE_LETTER.parent)
    roles = [b.role for b in doc.blocks]
    for role in (Role.COPY_NUMBER, Role.SECRECY, Role.URGENCY, Role.ORGAN_MARK, Role.DOC_NUMBER,
                 Role.SIGNER, Role.REPLY_CATEGORY, Role.TITLE, Role.ADDRESSEE, Role.HEADING1,
                 Role.HEADING2, Role.HEADING3, Role.HEADING4, Role.ATTACHMENT_NOTE,
                 Role.SIGNATURE, Role.DATE, Role.CONTACT, Role.NOTE, Role.ATTACHMENT_LABEL,
                 Role.ATTACHMENT_TITLE, Role.RECORD_CC):
        assert role in roles, role
    assert roles.index(Role.DATE) < roles.index(Role.CONTACT)  # contacts after the date
    # 7.3.6 and decision 13: the 附注 on the line right below the date, the contacts after it
    assert roles.index(Role.DATE) + 1 == roles.index(Role.NOTE) < roles.index(Role.CONTACT)
    assert doc.by_role(Role.SECRECY)[0].text == "秘密★1年"
    assert doc.by_role(Role.NOTE)[0].text == "（此件主动公开）"
    assert doc.by_role(Role.RECORD_CC)[0].text == "抄送：市人民政府办公室，市政协提案委员会。"
    assert doc.by_role(Role.TITLE)[0].text == "关于市政协十二届三次会议\n第0042号提案的答复"
    signer = doc.by_role(Role.SIGNER)[0]
    assert signer.font_of(signer.spans[1]) is FontRole.KAITI
    assert doc.by_role(Role.ATTACHMENT_LABEL)[0].page_break_before


def test_several_attachments_are_numbered():
    letter = Letter.model_validate({
        "body": ["正文。"],
        "attachments": [{"title": "甲清单"}, {"title": "乙清单"}],
        "signature": {"organs": ["某局"], "date": "2024-01-02"},
    })
    notes = compose(letter).by_role(Role.ATTACHMENT_NOTE)
    assert [n.text for n in notes] == ["附件：1.甲清单", "2.乙清单"]  # 7.3.4: "1.XXXX"
    assert notes[1].extra_indent_chars == 3


def test_document_format_adds_suffix_and_record_printer():
    letter = Letter.model_validate({
        "format": "document",
        "header": {"organs": ["某市某局"], "doc_number": "某局发〔2024〕3号"},
        "title": "关于某事的答复",
        "body": ["正文。"],
        "signature": {"organs": ["某市某局"], "date": "2024-01-02"},
        "record": {"cc": ["市政府办公室"], "printer": "某市某局办公室", "print_date": "2024-01-03"},
    })
    doc = compose(letter)
    assert doc.by_role(Role.ORGAN_MARK)[0].text == "某市某局文件"
    printed = doc.by_role(Role.RECORD_PRINT)[0]
    assert printed.spans[0].text == "某市某局办公室" and printed.tail == "2024年1月3日印发"
