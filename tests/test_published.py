"""Published forms: what real offices publish, kept as written, and the round trip through them.

Each reply below has the shape of one that failed before: imported, validated, rendered to
PDF and DOCX and compared with the published text by ``gongwen diff``'s readers, it must come
back identical — or, where the source is damaged, fail with one message naming the line.
The text is invented; BODY, SIG and T are the shared pieces.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gongwen import grammar, spec
from gongwen.cli import app
from gongwen.compose import compose
from gongwen.errors import GongwenError, LetterError
from gongwen.importer import import_lines, import_text, read_docx_lines
from gongwen.loader import load_letter, load_letter_text
from gongwen.model import Letter, departures
from gongwen.pipeline import render_letter
from gongwen.read import read_pdf_bytes
from gongwen.textnorm import normalise

from .docx_paragraphs import paragraphs_in_order
from .roundtrip import round_trip
from .test_import import reply_letters

BODY = [
    "林晓舟代表：",
    "您提出的《关于加快农村供水管网改造的建议》收悉，现答复如下：",
    "我局高度重视农村供水安全，组织技术人员对全县老旧供水管网进行了逐村排查，共发现需更换管段四十"
    "余公里。今年已完成更换二十六公里，剩余管段纳入明年改造计划，年内完成招标并启动施工。",
    "感谢您对水务工作的关心和支持。",
]
SIG = ["青禾县水务局", "2024年5月6日"]
T = "关于县人大三届二次会议第7号建议的答复"


def text(*lines: str | list[str]) -> str:
    out: list[str] = []
    for line in lines:
        out.extend(line if isinstance(line, list) else [line])
    return "\n".join(out) + "\n"


def fields(letter: Letter) -> dict:
    return letter.model_dump(mode="json", exclude_defaults=True)


# --- each repro round-trips ------------------------------------------------------------------
REPROS = {
    # 1. the 答复类别 as written: “类别：A类”, “（B类）”, the spaced label “类 别：C”
    "category-label": (text("青禾县水务局", "类别：A类", "签发人：郑明远", T, BODY, SIG),
                       {"format": "letter", "header.reply_category": "A",
                        "published.reply_category": "类别：A类", "header.signers": ["郑明远"],
                        "title": T}),
    "category-bracketed": (text("青禾县水务局", "（B类）", "签发人：郑明远", T, BODY, SIG),
                           {"published.reply_category": "（B类）", "title": T}),
    "category-spaced-label": (text("青禾县水务局", "类 别：C", "签发人：郑明远", T, BODY, SIG),
                              {"header.reply_category": "C", "published.reply_category": "类 别：C",
                               "title": T}),
    # 2. line breaks are not differences: a two-line title, 发文字号 and 签发人 on one line,
    #    two stacked organ names above the 发文字号
    "two-line-title": (text("关于县人大三届二次会议", "第7号建议的答复", BODY, SIG),
                       {"title": "关于县人大三届二次会议\n第7号建议的答复"}),
    "number-and-signer-on-one-line": (
        text("青禾县水务局", "青水函〔2024〕9号    签发人：郑明远", T, BODY, SIG),
        {"header.doc_number": "青水函〔2024〕9号", "header.signers": ["郑明远"]}),
    "stacked-organs": (
        text("青禾县水务局", "青禾县农业农村局", "青水函〔2024〕9号", T, BODY,
             "青禾县水务局", "青禾县农业农村局", "2024年5月6日"),
        {"header.organs": ["青禾县水务局", "青禾县农业农村局"],
         "signature.organs": ["青禾县水务局", "青禾县农业农村局"]}),
    # 3. a 发文字号 without a 标志: no 标志 is invented
    "number-without-mark": (text("青水函〔2024〕9号", T, BODY, SIG),
                            {"format": "plain", "header.doc_number": "青水函〔2024〕9号",
                             "published.without_mark": True, "header.organs": []}),
    # 4. 发文字号 brackets as written
    "number-square-brackets": (text("青水函[2024]9号", T, BODY, SIG),
                               {"published.doc_number": "青水函[2024]9号",
                                "header.doc_number": "青水函〔2024〕9号"}),
    "number-lenticular-brackets": (text("青水函【2024】9号", T, BODY, SIG),
                                   {"published.doc_number": "青水函【2024】9号"}),
    # 5. no 署名
    "no-signature": (text(BODY, "2024年5月6日"),
                     {"published.without_signature": True, "signature.organs": []}),
    # 6. a 公开属性 line above the title stays there
    "publicity-above-title": (text("主动公开", T, BODY, SIG),
                              {"published.notes": [{"text": "主动公开", "place": "above_title"}],
                               "note": None}),
    # 7. a date in Chinese numerals
    "chinese-date": (text(T, BODY, "青禾县水务局", "二〇二四年五月六日"),
                     {"signature.date": "2024-05-06", "published.date": "二〇二四年五月六日"}),
    # 8. an unclosed bracket after a valid date: kept as a 附注, with a warning
    "unclosed-note-after-date": (
        text(T, BODY, SIG, "（联系人：郑明远，联系电话：0599-1234567"),
        {"published.notes": [{"text": "（联系人：郑明远，联系电话：0599-1234567"}]}),
    # 9. the block after the date as published: contacts in brackets with 联系单位 and “，”,
    #    then a second 附注 line
    "contacts-block-and-note": (
        text(T, BODY, SIG, "（联系单位：青禾县水务局，联系人：郑明远，联系电话：0599-1234567）",
             "（此件依申请公开）"),
        {"contacts_placement": "note", "published.contacts_separator": "，",
         "contacts": [{"label": "联系单位", "value": "青禾县水务局"},
                      {"label": "联系人", "value": "郑明远"},
                      {"label": "联系电话", "value": "0599-1234567"}],
         "published.notes": [{"contacts": True}, {"text": "（此件依申请公开）"}]}),
    # 10. short paragraphs: the PDF reader must not merge them
    "short-paragraphs": (
        text("青禾县水务局", T, "林晓舟代表：", BODY[2], "我局今年已更换老旧供水管段二十六公里。",
             "感谢您对水务工作的关心和支持。", SIG),
        {"body": [BODY[2], "我局今年已更换老旧供水管段二十六公里。",
                  "感谢您对水务工作的关心和支持。"]}),
    # the silent misparses
    "title-above-signer": (text(T, "签发人：郑明远", BODY, SIG),
                           {"title": T, "header.signers": ["郑明远"], "header.organs": []}),
    "document-mark-and-title": (text("青禾县水务局文件", T, BODY, SIG),
                                {"format": "document", "header.organs": ["青禾县水务局"],
                                 "title": T}),
    "numbered-sentence": (
        text(T, BODY[:2], "一、我局今年已更换老旧供水管段二十六公里，剩余管段纳入明年改造计划。",
             "二、加强管护", "建立长效管护机制，落实管护经费。", BODY[3], SIG),
        {"body.1": "一、我局今年已更换老旧供水管段二十六公里，剩余管段纳入明年改造计划。",
         "body.2.heading": "加强管护", "body.2.number": "二、"}),
    "contact-unit-lines": (text(T, BODY, "联系单位：青禾县水务局", "联系电话：0599-1234567", SIG),
                           {"contacts_placement": "before_signature",
                            "contacts": [{"label": "联系单位", "value": "青禾县水务局"},
                                         {"label": "联系电话", "value": "0599-1234567"}]}),
    "names-sharing-a-title": (
        text(T, "张某、李某、王某委员：", "您们提出的建议收悉，现答复如下：", BODY[2:], SIG),
        {"addressees": ["张某、李某、王某委员"]}),
    # and more of the same kinds
    "everything-published": (
        text("公开属性：主动公开", "青水函[2024]9号    签发人：郑明远", "类别：A类",
             "关于县人大三届二次会议", "第7号建议的答复", BODY, "二〇二四年五月六日",
             "（联系部门：县水务局农水股，联系人：郑明远，联系电话：0599-1234567）"),
        {"format": "plain", "published.without_mark": True, "published.without_signature": True,
         "published.date": "二〇二四年五月六日", "published.doc_number": "青水函[2024]9号",
         "published.reply_category": "类别：A类", "contacts.0.label": "联系部门"}),
    "dot-numbered-headings": (
        text(T, BODY[:2], "1.更换老旧管网", "今年已完成更换二十六公里，剩余管段纳入明年改造计划。",
             "2.加强管护。建立长效管护机制，落实管护经费。", BODY[3], SIG),
        {"body.1.heading": "更换老旧管网", "body.1.number": "1.",
         "body.2.heading": "加强管护。", "body.2.number": "2."}),
    "publicity-below-title-and-after-date": (
        text(T, "公开方式：依申请公开", BODY, SIG, "公开属性：依申请公开"),
        {"published.notes": [{"text": "公开方式：依申请公开", "place": "below_title"},
                             {"text": "公开属性：依申请公开"}]}),
}


def _get(data: dict, dotted: str) -> object:
    value: object = data
    for part in dotted.split("."):
        if isinstance(value, list):
            value = value[int(part)]
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


@pytest.mark.parametrize("name", REPROS)
def test_repro_round_trips(name, tmp_path):
    """import → validate → PDF and DOCX → diff against the published text: identical."""
    source, expect = REPROS[name]
    rt = round_trip(source, tmp_path, name)
    data = rt.imported.letter.model_dump(mode="json")
    for dotted, value in expect.items():
        got = _get(data, dotted)
        if isinstance(value, list) and value and isinstance(value[0], dict):
            got = [{k: v for k, v in item.items() if k in value[i]}
                   for i, item in enumerate(got or [])]
        assert got == value, dotted
    assert rt.differences() == {"pdf": [], "docx": []}
    assert all(d.identical for d in rt.diffs.values())
    # every published form the letter keeps is listed: a comment in the YAML, a warning
    for key in fields(rt.imported.letter).get("published", {}):
        assert f"published.{key}" in {".".join(map(str, g.path[:2]))
                                      for g in rt.imported.guesses}, key


# --- check: each published form a warning of the rule table, never an error ------------------
PUBLISHED_RULES = {  # repro → the rules ``gongwen check`` warns by (PDF and DOCX alike)
    "category-label": {"reply-category-form"},
    "category-bracketed": {"reply-category-form"},
    "category-spaced-label": {"reply-category-form"},
    "number-and-signer-on-one-line": set(),
    "number-without-mark": {"header-without-mark"},
    "number-square-brackets": {"header-without-mark", "doc-number-format"},
    "no-signature": {"no-signature"},
    "publicity-above-title": {"note-place"},
    "chinese-date": {"date-format"},
    "title-above-signer": {"header-without-mark"},
    "numbered-sentence": set(),  # a numbered sentence is no 黑体 heading
    "everything-published": {"note-place", "header-without-mark", "reply-category-form",
                             "doc-number-format", "no-signature", "date-format"},
    "publicity-below-title-and-after-date": {"note-place", "note-form"},
    "unclosed-note-after-date": {"note-form"},
    "contacts-block-and-note": set(),
    "contact-unit-lines": set(),
    "dot-numbered-headings": {"heading-number-form"},  # “1.” at level 1, one of them run-in
}


@pytest.mark.parametrize("name", PUBLISHED_RULES)
def test_check_warns_on_each_published_form(name, tmp_path):
    """The letter kept as published, rendered: ``gongwen check`` names each departure from
    GB/T 9704 by its rule, as a warning, on the PDF and on the DOCX; nothing else."""
    from gongwen.check import Severity, check_file

    rt = round_trip(REPROS[name][0], tmp_path, name)
    for kind in ("pdf", "docx"):
        path = tmp_path / f"{name}.{kind}"
        path.write_bytes(rt.outputs[kind])
        found = [f for f in check_file(path).findings if f.severity is not Severity.INFO]
        assert {f.rule for f in found} == PUBLISHED_RULES[name], kind
        assert {f.severity for f in found} <= {Severity.WARNING}, kind


def test_check_keeps_errors_for_forms_no_letter_publishes(tmp_path):
    """Only the published forms are warnings: a 发文字号 without its 号 or a short year, and
    a date written with dashes, stay errors."""
    from gongwen.check import Severity
    from gongwen.check.facts import WrittenDate
    from gongwen.check.rules import DOCUMENT
    from gongwen.check.rules_body import date_hits

    severities = {d: [h.severity for h in date_hits([WrittenDate(d, d, DOCUMENT)],
                                                    published=True)]
                  for d in ("二〇二四年五月六日", "2024年05月06日", "2024-5-6", "24年5月6日")}
    assert severities == {"二〇二四年五月六日": [Severity.WARNING], "2024年05月06日": [Severity.WARNING],
                          "2024-5-6": [None], "24年5月6日": [None]}
    for number, kept in (("青水函[2024]9号", True), ("青水函〔2024〕第09号", True),
                         ("青水函〔24〕9号", False), ("青水函〔2024〕9", False)):
        parsed = grammar.parse_doc_number(number)
        assert parsed is not None and parsed.published_form is kept, number


def test_damaged_date_is_a_located_error(tmp_path):
    source = tmp_path / "reply.txt"
    source.write_text(text(T, BODY, "青禾县水务局", "2024 56"), encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(source)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{source}:7: 第 7 行“2024 56”像成文日期但无法识别（应写作 2022年9月29日 这样的日期）"


@pytest.mark.parametrize("tail, line", [
    (["青禾县水务局"], 6),  # no date at all: the last line is named
    (["青禾县水务局", "2024年5月"], 7),
])
def test_missing_or_damaged_date_names_the_line(tail, line):
    with pytest.raises(GongwenError) as e:
        import_text(text(T, BODY, tail), "reply.txt")
    message = str(e.value)
    assert message.startswith(f"reply.txt:{line}: ")
    assert f"第 {line} 行" in message


def test_unread_line_after_the_date_is_kept_with_a_warning():
    result = import_text(text(T, BODY, SIG, "（联系人：郑明远，联系电话：0599-1234567"))
    assert [(g.path, g.message) for g in result.guesses] == [
        (("published", "notes", 0),
         "第 8 行“（联系人：郑明远，联系电话：0599-1234567”无法识别，照原文作为附注保留，请核对")]


def test_numbered_sentence_guess_is_reported():
    result = import_text(REPROS["numbered-sentence"][0])
    assert [g.path for g in result.guesses] == [("body", 1)]
    assert "一整句话" in result.guesses[0].message


@pytest.mark.parametrize("line, sentence", [
    ("一、我局今年已更换老旧供水管段二十六公里，剩余管段纳入明年改造计划。", True),
    ("一、加强管护", False),
    ("一、坚持问题导向，推动工作落实", False),  # a heading with a comma, short
    ("（一）突出规划引领。聚焦“三高四新”战略定位，将加快制造业发展相关内容纳入规划。", False),
    ("1.关于加快推进全县农村供水管网改造工程建设和运行管护以及水质检测能力提升的有关情况说明", True),
])
def test_numbered_sentence_rule(line, sentence):
    assert grammar.numbered_sentence(line) is sentence


# --- the model holds what was published --------------------------------------------------------
PUBLISHED_YAML = """\
format: plain
header:
  doc_number: 青水函〔2024〕9号
  signers: [郑明远]
  reply_category: A
title: 关于县人大三届二次会议第7号建议的答复
addressees: [林晓舟代表]
body:
  - 您提出的《关于加快农村供水管网改造的建议》收悉，现答复如下：
  - 感谢您对水务工作的关心和支持。
contacts:
  - {label: 联系单位, value: 青禾县水务局}
  - {label: 联系电话, value: 0599-1234567}
contacts_placement: note
signature:
  date: 2024-05-06
published:
  reply_category: 类别：A类
  doc_number: 青水函[2024]9号
  date: 二〇二四年五月六日
  without_signature: true
  without_mark: true
  contacts_separator: "，"
  notes:
    - {text: 主动公开, place: above_title}
    - {contacts: true}
    - {text: （此件依申请公开）}
"""


def test_published_forms_print_as_written():
    letter = load_letter_text(PUBLISHED_YAML, "pub.yaml")
    assert compose(letter).reading_text().splitlines() == [
        "青水函[2024]9号", "签发人：郑明远", "类别：A类", "主动公开",
        "关于县人大三届二次会议第7号建议的答复", "林晓舟代表：",
        "您提出的《关于加快农村供水管网改造的建议》收悉，现答复如下：",
        "感谢您对水务工作的关心和支持。", "二〇二四年五月六日",
        "（联系单位：青禾县水务局，联系电话：0599-1234567）", "（此件依申请公开）"]


def test_a_letter_without_published_forms_is_unchanged():
    """The canonical forms stay the default: the reference letter departs from nothing."""
    from .conftest import EXAMPLE_LETTER, REFERENCE_YAML

    for path in (REFERENCE_YAML, EXAMPLE_LETTER):
        letter = load_letter(path)
        assert departures(letter) == []
        assert letter.published.model_dump(exclude_defaults=True) == {}


def test_departures_are_located_warnings(tmp_path):
    path = tmp_path / "pub.yaml"
    path.write_text(PUBLISHED_YAML, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"{path}: OK"
    warnings = result.stderr.strip().splitlines()
    lines = PUBLISHED_YAML.splitlines()

    def at(key: str) -> str:  # FILE:LINE:COL of ``key``'s value under published (notes[0])
        pick = min if key == "text" else max
        n = pick(i for i, ln in enumerate(lines) if f"{key}:" in ln)
        col = lines[n].index("{") if key == "text" else lines[n].index(f"{key}:") + len(key) + 2
        return f"{path}:{n + 1}:{col + 1}"

    assert warnings == [
        f"{at('reply_category')}: 提示：published.reply_category: 答复类别按原文印作“类别：A类”；"
        "规范写法只印字母“A”",
        f"{at('doc_number')}: 提示：published.doc_number: 发文字号按原文印作“青水函[2024]9号”："
        "年份用 []，应为六角括号〔〕（GB/T 9704 7.2.5，规范写法“青水函〔2024〕9号”）",
        f"{at('date')}: 提示：published.date: 成文日期按原文印作“二〇二四年五月六日”：应使用阿拉伯数字"
        "（GB/T 9704 7.3.5，规范写法“2024年5月6日”）",
        f"{at('without_signature')}: 提示：published.without_signature: 没有发文机关署名，只印成文日期"
        "（GB/T 9704 7.3.5 要求署名）",
        f"{at('without_mark')}: 提示：published.without_mark: 有版头要素而没有发文机关标志"
        "（GB/T 9704 7.2.4）",
        f"{at('text')}: 提示：published.notes[0]: 附注“主动公开”印在标题之上"
        "（GB/T 9704 7.3.6：附注在成文日期下一行）",
    ]


@pytest.mark.parametrize("change, where, message", [
    (("date: 二〇二四年五月六日", "date: 二〇二四年五月七日"), "published.date",
     "成文日期原文“二〇二四年五月七日”与 signature.date（2024-05-06）不一致"),
    (("doc_number: 青水函[2024]9号", "doc_number: 青水函[2024]8号"), "published.doc_number",
     "发文字号原文“青水函[2024]8号”与 header.doc_number（青水函〔2024〕9号）不一致"),
    (("reply_category: 类别：A类", "reply_category: 类别：B类"), "published.reply_category",
     "答复类别原文“类别：B类”与 header.reply_category（A）不一致"),
    (("signature:\n  date", "signature:\n  organs: [青禾县水务局]\n  date"), "signature.organs",
     "published.without_signature 表示没有署名，signature.organs 不能同时给出"),
    (("  without_mark: true\n", ""), "header",
     "plain 版式没有版头；header 中的 doc_number、signers、reply_category 需要 format: letter 或 "
     "document（公布稿有版头要素而没有标志时，写 published.without_mark: true）"),
    (("contacts_placement: note", "contacts_placement: before_signature"), "published.notes[1]",
     "published.notes 中的 contacts: true 需要 contacts，且 contacts_placement 为 after_date 或 note"),
    (("published:\n", "note: 此件主动公开\npublished:\n"), "note",
     "note 和 published.notes 只能用一个：把 note 写进 published.notes"),
    (("    - {contacts: true}\n", "    - {contacts: true, text: 甲}\n"), "published.notes[1]",
     "每行附注写 text（原文），或写 contacts: true（联系人的位置），二者取一"),
])
def test_published_forms_must_agree_with_the_letter(change, where, message):
    old, new = change
    assert old in PUBLISHED_YAML
    with pytest.raises(LetterError) as e:
        load_letter_text(PUBLISHED_YAML.replace(old, new, 1), "pub.yaml")
    problems = [(p.field, p.message) for p in e.value.problems]
    assert problems == [(where, message)]
    assert all(p.line > 0 for p in e.value.problems)


def test_schema_describes_the_published_forms():
    from gongwen.model import letter_schema

    schema = letter_schema()
    published = schema["$defs"]["Published"]["properties"]
    assert set(published) == {"reply_category", "doc_number", "date", "without_signature",
                              "without_mark", "notes", "contacts_separator"}
    assert all(p.get("description") for p in published.values())


# --- layout: the published forms on the page --------------------------------------------------
def _pdf_lines(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x0, x1, top) of each text line of page 1."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words(keep_blank_chars=True, x_tolerance=3)
    return [(w["text"], w["x0"], w["x1"], w["top"]) for w in words]


def test_pdf_prints_the_published_letter():
    letter = load_letter_text(PUBLISHED_YAML, "pub.yaml")
    pdf = render_letter(letter, ("pdf",), fonts="open").outputs["pdf"]
    lines = {t: (x0, x1, top) for t, x0, x1, top in _pdf_lines(pdf)}
    assert lines.keys() >= {"青水函[2024]9号", "类别：A类", "主动公开", "二〇二四年五月六日"}
    right = spec.TYPE_RIGHT
    # 版头 elements without a 标志 flow above the title, flush right; the 公开属性 line and
    # then the title below them; no red 标志 is drawn
    assert abs(lines["青水函[2024]9号"][1] - right) < 1
    assert lines["青水函[2024]9号"][2] < lines["主动公开"][2] < lines[
        "关于县人大三届二次会议第7号建议的答复"][2]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        reds = [c for c in doc.pages[0].chars if c.get("non_stroking_color") not in (
            None, (0,), (0, 0, 0), [0], [0, 0, 0])]
    assert reds == []
    # no 署名: the date alone follows the signature rules — right-indented two characters
    assert abs(lines["二〇二四年五月六日"][1] - (right - 2 * spec.CHAR_PITCH)) < 1
    # the 附注 lines under the date in their order
    reading = [p.text for p in read_pdf_bytes(pdf).paragraphs]
    assert reading[-2:] == ["（联系单位：青禾县水务局，联系电话：0599-1234567）", "（此件依申请公开）"]


def test_docx_prints_the_published_letter():
    import docx

    letter = load_letter_text(PUBLISHED_YAML, "pub.yaml")
    data = render_letter(letter, ("docx",), fonts="open").outputs["docx"]
    d = docx.Document(io.BytesIO(data))
    paras = [(p.style.name, p.text) for p in paragraphs_in_order(d) if p.text.strip()]
    texts = [t for _, t in paras]
    assert texts[:5] == ["青水函[2024]9号", "签发人：郑明远", "类别：A类", "主动公开",
                         "关于县人大三届二次会议第7号建议的答复"]
    assert texts[-3:] == ["二〇二四年五月六日", "（联系单位：青禾县水务局，联系电话：0599-1234567）",
                          "（此件依申请公开）"]
    styles = dict((t, s) for s, t in paras)
    assert styles["二〇二四年五月六日"] == "Date" and styles["主动公开"] == "附注"


# --- properties: a letter rendered by gongwen reads back to the same letter ---------------------
@st.composite
def published_letters(draw) -> Letter:
    """Any reply letter, with any of the published forms it may keep."""
    data = fields(draw(reply_letters()))
    pub: dict = {}
    header = data.get("header")
    if header and header.get("reply_category") and draw(st.booleans()):
        c = header["reply_category"]
        pub["reply_category"] = draw(st.sampled_from(
            [f"{c}类", f"类别：{c}类", f"（{c}类）", f"答复类别：{c}"]))
    if header and header.get("doc_number") and draw(st.booleans()):
        number = grammar.parse_doc_number(header["doc_number"])
        opening, closing = draw(st.sampled_from(["[]", "【】", "（）"]))
        pub["doc_number"] = f"{number.code}{opening}{number.year}{closing}{number.serial}号"
    if draw(st.booleans()):
        date = dt.date.fromisoformat(data["signature"]["date"])
        pub["date"] = grammar.format_date(date, chinese=True)
    if draw(st.booleans()):
        pub["without_signature"] = True
        data["signature"].pop("organs")
    if header and draw(st.booleans()):
        data["format"] = "plain"
        header.pop("organs")
        pub["without_mark"] = True
    notes: list[dict] = []
    if draw(st.booleans()):
        notes.append({"text": draw(st.sampled_from(["主动公开", "公开属性：主动公开", "（此件公开发布）"])),
                      "place": draw(st.sampled_from(["above_title", "below_title"]))})
    after = [{"text": t} for t in draw(st.lists(st.sampled_from(
        ["（此件依申请公开）", "公开属性：依申请公开", "（此件公开发布）"]), max_size=2, unique=True))]
    placement = data.get("contacts_placement", "before_signature")
    if data.get("contacts") and placement != "before_signature" and after and draw(st.booleans()):
        # the contacts out of their usual place among the 附注 lines: the usual order is the
        # 附注 first, right below the date (decision 13), then the contacts
        after = [{"contacts": True}, *after]
    if not notes and len(after) == 1 and after[0]["text"].startswith("（"):
        after = []  # one bracketed 附注 under the date is the canonical note
    if notes or after:
        data.pop("note", None)
        pub["notes"] = notes + after
    if len(data.get("contacts", [])) > 1 and draw(st.booleans()):
        marks = ["，", "  "] + (["；"] if placement != "note" else [])
        pub["contacts_separator"] = draw(st.sampled_from(marks))
    if pub:
        data["published"] = pub
    return Letter.model_validate(data)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published_letters())
def test_any_published_letter_as_text_imports_back(letter: Letter):
    imported = import_text(compose(letter).reading_text())
    assert imported.letter == letter
    paths = {g.path[0] for g in imported.guesses}
    assert paths <= {"published"}  # the only comments: the published forms kept


def _blank_free(value: object) -> object:
    if isinstance(value, str):
        return re.sub(r"\s+", "", value)
    if isinstance(value, dict):
        return {k: _blank_free(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_free(v) for v in value]
    return value


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published_letters())
def test_any_letter_rendered_to_pdf_reads_back_to_the_same_letter(letter: Letter):
    """A letter rendered by gongwen, exported as text by the PDF reader (the reading ``gongwen
    diff`` uses), imports back to the same letter. A PDF holds no blank where a line broke, so
    blanks inside values are not compared."""
    pdf = render_letter(letter, ("pdf",), fonts="open").outputs["pdf"]
    exported = "\n".join(p.text for p in read_pdf_bytes(pdf).paragraphs)
    imported = import_text(exported).letter
    assert _blank_free(fields(imported)) == _blank_free(fields(letter))
    assert normalise(compose(imported).reading_text()) == normalise(
        compose(letter).reading_text())


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(published_letters())
def test_any_published_letter_as_gongwen_docx_imports_back(letter: Letter):
    data = render_letter(letter, ("docx",), fonts="open").outputs["docx"]
    lines, styled = read_docx_lines(data)
    assert import_lines(lines, "x.docx", styled).letter == letter
