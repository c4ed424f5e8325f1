"""Text is text: markup, entities and braces in a letter print exactly as written."""

from __future__ import annotations

import io

import docx
import pytest

from gongwen.model import Letter
from gongwen.pipeline import render_letter
from gongwen.textnorm import normalise

from . import pdf_checks

LITERALS = [
    "<b>粗体</b>",
    "&amp;与&lt;",
    '<font color="red">红字</font>',
    "<para>段落</para>",
    "<![CDATA[x]]>",
    "{{ organ }}与{% if x %}",
    "${HOME}与%(name)s",
]


@pytest.fixture(scope="module")
def rendered():
    letter = Letter.model_validate({
        "title": "关于<i>标记</i>的答复",
        "addressees": ["张示例委员"],
        "body": [f"第{i}段：{text}照原样印出。" for i, text in enumerate(LITERALS, 1)],
        "signature": {"organs": ["示例市某局"], "date": "2024-06-18"},
    })
    return render_letter(letter, ("pdf", "docx"), fonts="open")


def test_pdf_prints_markup_literally(rendered):
    with pdf_checks.open_pdf(rendered.outputs["pdf"]) as pdf:
        text = normalise(pdf_checks.extracted_text(pdf))
    for literal in [*LITERALS, "<i>标记</i>"]:
        assert normalise(literal) in text, literal


def test_docx_prints_markup_literally(rendered):
    document = docx.Document(io.BytesIO(rendered.outputs["docx"]))
    text = normalise("".join(p.text for p in document.paragraphs))
    for literal in [*LITERALS, "<i>标记</i>"]:
        assert normalise(literal) in text, literal
