"""Importing published replies (text and DOCX) into letter YAML.

Every ``tests/import_corpus/NAME.txt`` is a reply as published (invented text in the shapes
offices publish: A/B/C categories, 文号 with and without 标志, no 署名, 公开属性 above and
below, contacts blocks, Chinese-numeral dates …), with a ``NAME.expect.yaml`` beside it that
says, independently of the importer:

* ``chrome``: the lines that are website furniture (the importer must drop exactly these);
* ``rewrites``: the only textual changes the round trip may make, as ``from → to``
  replacements on the source (抄送 names set apart by “，” …; published forms — category
  labels, brackets, dates in Chinese numerals, 附注 lines — are kept as written). Everything
  else must come back character for character (under ``textnorm.normalise``: width, quote
  style and whitespace folded), also through the rendered PDF and DOCX as ``gongwen diff``
  reads them;
* ``expect``: the structure the importer must recognise;
* ``guesses``: the fields that must carry a "guessed / rewritten" comment.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gongwen.compose import compose
from gongwen.errors import GongwenError
from gongwen.importer import (
    import_file,
    import_lines,
    import_text,
    parse_contacts,
    parse_date,
    parse_doc_number,
    read_docx_lines,
    to_yaml,
)
from gongwen.loader import load_letter
from gongwen.model import Letter
from gongwen.read import is_chrome
from gongwen.schemas import letter_schema_reference
from gongwen.textnorm import normalise

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT
from .rendering import render_docx

CORPUS = Path(__file__).resolve().parent / "import_corpus"
PUBLISHED = CORPUS / "zhuzhou-fgw-2022-reply.published.txt"
CASES = sorted(CORPUS.glob("*.txt"))


def _expectations(source: Path) -> dict:
    sidecar = source.with_suffix(".expect.yaml")
    assert sidecar.exists(), f"{sidecar.name} missing: every corpus text needs expectations"
    return YAML(typ="safe", pure=True).load(sidecar.read_text(encoding="utf-8")) or {}


def _expected_text(source: Path, spec: dict) -> str:
    """The source minus its chrome lines, with the listed rewrites applied."""
    chrome = [c.strip() for c in spec.get("chrome", [])]
    lines = []
    for ln in source.read_text(encoding="utf-8").splitlines():
        if ln.strip() in chrome:
            chrome.remove(ln.strip())  # each listed line once (a title may repeat)
        elif ln.strip():
            lines.append(ln)
    assert not chrome, f"chrome lines not in {source.name}: {chrome}"
    text = "\n".join(ln.strip() for ln in lines) + "\n"
    for rw in spec.get("rewrites", []):
        assert rw["from"] in text, f"rewrite source not in {source.name}: {rw['from']!r}"
        text = text.replace(rw["from"], rw["to"], 1)
    return text


def _get(data: object, dotted: str) -> object:
    for part in dotted.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]  # type: ignore[index]
    return data


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path)


@pytest.fixture(scope="module")
def imported() -> dict[str, object]:
    return {p.name: import_file(p) for p in CASES}


def test_corpus_size():
    assert PUBLISHED.exists()
    assert len(CASES) >= 31  # the reference plus at least thirty written replies


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_corpus_round_trips_through_pdf_and_docx(source: Path, tmp_path):
    """import → validate → render PDF and DOCX → ``gongwen diff``'s readers against the
    published text (its listed rewrites applied): identical. ``gongwen check`` warns of each
    published form the letter keeps (what ``validate`` lists), never as an error, and
    reports nothing else (gongwen laid the letter out)."""
    from gongwen.check import Severity

    from .roundtrip import check_outputs, departure_rules, round_trip

    spec = _expectations(source)
    rt = round_trip(source.read_text(encoding="utf-8"), tmp_path, source.stem,
                    expected=_expected_text(source, spec))
    assert rt.differences() == {"pdf": [], "docx": []}
    kept = departure_rules(rt.imported.letter)
    for kind, findings in check_outputs(rt, tmp_path, source.stem).items():
        assert kept <= {f.rule for f in findings if f.severity is Severity.WARNING}, kind
        assert not [f.rule for f in findings if f.rule in kept and f.severity is Severity.ERROR]
        # headings numbered as published (“1.” with no 一、 above) are warned of by check
        # only: validate does not list them
        assert {f.rule for f in findings} <= kept | {"heading-number-form"}, [
            f.to_dict() for f in findings]


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_round_trip_loses_no_text(source: Path, imported):
    """import → compose → reading text == source minus chrome (with the listed rewrites)."""
    spec = _expectations(source)
    result = imported[source.name]
    assert sorted(normalise(d) for d in result.dropped) == sorted(
        normalise(c) for c in spec.get("chrome", []))
    ours = normalise(compose(result.letter).reading_text())
    theirs = normalise(_expected_text(source, spec))
    assert ours == theirs


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_recognised_structure(source: Path, imported):
    expect = _expectations(source).get("expect", {})
    result = imported[source.name]
    letter = result.letter
    data = letter.model_dump(mode="json")
    assert letter.format.value == expect.get("format", "plain")
    assert letter.title == expect.get("title")
    assert letter.addressees == expect.get("addressees", [])
    counts = result.heading_counts()
    assert [counts[level] for level in (1, 2, 3, 4)] == expect.get("headings", [0, 0, 0, 0])
    if "run_in" in expect:
        assert _count_run_in(data["body"]) == expect["run_in"]
    if letter.contacts or "contacts_placement" in expect:
        assert letter.contacts_placement.value == expect["contacts_placement"]
    assert letter.signature.date == dt.date.fromisoformat(expect["date"])
    assert letter.signature.organs == expect.get("organs", letter.signature.organs)
    for dotted, value in expect.get("fields", {}).items():
        assert _get(data, dotted) == value, dotted
    if "closing" in expect:
        assert len(result.closing) == expect["closing"]
    if "plain" in expect:
        assert len(result.plain) == expect["plain"]


def _count_run_in(blocks: list) -> int:
    n = 0
    for b in blocks:
        if isinstance(b, dict):
            n += bool(b.get("text")) + _count_run_in(b.get("body", []))
    return n


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_yaml_comments_and_reload(source: Path, imported, tmp_path):
    """The YAML validates, loads back to the same letter, and comments every guess."""
    spec = _expectations(source)
    result = imported[source.name]
    assert sorted({_dotted(g.path) for g in result.guesses}) == sorted(spec.get("guesses", []))
    text = to_yaml(result)
    for g in result.guesses:
        assert g.message in text
    out = tmp_path / "letter.yaml"
    out.write_text(text, encoding="utf-8")
    assert load_letter(out) == result.letter


# --- the reference letter ------------------------------------------------------------------
def test_published_reference_imports_to_the_reference_letter():
    result = import_file(PUBLISHED)
    assert result.letter == load_letter(REFERENCE_YAML)
    assert result.dropped == ["【 纠 错 】 【加入收藏】【打印本页】【关闭窗口】"]
    assert not result.guesses


def test_reference_yaml_written_in_repo_names_the_schema(tmp_path):
    result = import_file(PUBLISHED)
    inside = ROOT / "letters" / "imported" / "x.yaml"
    assert letter_schema_reference(inside)[0] == "../../schema/letter.schema.json"
    assert letter_schema_reference(ROOT / "letters" / "x.yaml")[0] == "../schema/letter.schema.json"
    assert letter_schema_reference(tmp_path / "x.yaml") == (
        "letter.schema.json", tmp_path / "letter.schema.json")
    text = to_yaml(result, ROOT / "letters" / "x.yaml")
    assert text.startswith("# yaml-language-server: $schema=../schema/letter.schema.json\n")
    assert to_yaml(result, tmp_path / "x.yaml").startswith(
        "# yaml-language-server: $schema=letter.schema.json\n")


# --- DOCX ----------------------------------------------------------------------------------
def _word_file(paragraphs: list[tuple[str, str | None, str | None]]) -> bytes:
    """A DOCX as anyone's Word would make it: (text, style, bold run-in prefix)."""
    import docx

    d = docx.Document()
    for text, style, bold_prefix in paragraphs:
        p = d.add_paragraph(style=style)
        if bold_prefix:
            p.add_run(bold_prefix).bold = True
            p.add_run(text[len(bold_prefix):])
        else:
            p.add_run(text)
    table = d.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "抄送：市政府办公室，市政协提案委员会。"
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_made_with_python_docx_imports(tmp_path):
    data = _word_file([
        ("关于市政协九届四次会议第0107号提案的答复", "Title", None),
        ("吴某某委员：", None, None),
        ("　　您提出的《关于推进老旧小区改造的提案》收悉，现答复如下：", None, None),
        ("一、改造进展", "Heading 1", None),
        ("（一）完成改造。2023年全市完成老旧小区改造86个，惠及居民1.2万户。", None,
         "（一）完成改造。"),
        ("（二）资金保障，争取中央和省级补助资金2.3亿元", None, "（二）资金保障，"),
        ("二、下一步打算", "Heading 1", None),
        ("继续推进改造，加强后续管理。", None, None),
        ("感谢您对住房城乡建设工作的关心和支持。", None, None),
        ("承办人：郑某某", None, None),
        ("联系电话：0731-22223333", None, None),
        ("示例市住房和城乡建设局", None, None),
        ("2024年7月3日", None, None),
    ])
    path = tmp_path / "reply.docx"
    path.write_bytes(data)
    result = import_file(path)
    letter = result.letter
    assert not result.styled
    assert letter.title == "关于市政协九届四次会议第0107号提案的答复"
    assert letter.addressees == ["吴某某委员"]
    first, second = letter.body[1], letter.body[2]
    assert first.heading == "改造进展" and second.heading == "下一步打算"
    # the bold prefix tells where a run-in heading ends, even without a full stop
    assert first.body[0].heading == "完成改造。"
    assert first.body[1].heading == "资金保障，"
    assert first.body[1].text == "争取中央和省级补助资金2.3亿元"
    assert letter.body[-1] == "感谢您对住房城乡建设工作的关心和支持。"
    assert [c.label for c in letter.contacts] == ["承办人", "联系电话"]
    assert letter.signature.organs == ["示例市住房和城乡建设局"]
    assert letter.signature.date == dt.date(2024, 7, 3)
    assert letter.record is not None and letter.record.cc == ["市政府办公室", "市政协提案委员会"]
    source = "\n".join(ln.text for ln in read_docx_lines(data)[0])
    assert normalise(compose(letter).reading_text()) == normalise(source)


def _normalised(value: object) -> object:
    if isinstance(value, str):
        return normalise(value, whitespace=False)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


@pytest.mark.parametrize("letter_file", [EXAMPLE_LETTER, REFERENCE_YAML],
                         ids=["letter-format-example", "zhuzhou-reference"])
def test_gongwen_docx_imports_back_to_the_same_letter(letter_file: Path, tmp_path):
    """render_docx(compose(letter)) → import → the same letter (the DOCX holds the composed,
    full-width punctuation; a letter written full-width comes back identical)."""
    from gongwen.fonts import load_fontset

    original = load_letter(letter_file)
    path = tmp_path / "letter.docx"
    path.write_bytes(render_docx(compose(original), load_fontset("open")))
    result = import_file(path)
    assert result.styled
    if letter_file == EXAMPLE_LETTER:
        assert result.letter == original
    else:
        assert _normalised(result.letter.model_dump(mode="json")) == _normalised(
            original.model_dump(mode="json"))


# --- recognisers ---------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "iso", "converted"), [
    ("2022年9月29日", "2022-09-29", False),
    ("2022 年 9 月 29 日", "2022-09-29", False),
    ("2020年06月08日", "2020-06-08", True),
    ("二〇一九年七月八日", "2019-07-08", True),
    ("二○二一年十二月三十一日", "2021-12-31", True),
    ("二零二三年十月二十日", "2023-10-20", True),
    ("2024-03-05", "2024-03-05", True),
])
def test_dates(text, iso, converted):
    date, why = parse_date(text)
    assert date.isoformat() == iso
    assert bool(why) is converted


@pytest.mark.parametrize("text", ["2022年2月30日", "二〇一九年十三月八日", "2022年9月", "9月29日"])
def test_not_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "number", "changed"), [
    ("株发改函〔2022〕12号", "株发改函〔2022〕12号", False),
    ("株发改函[2022]12号", "株发改函〔2022〕12号", True),
    ("株发改函【2022】12号", "株发改函〔2022〕12号", True),
    ("株发改函（2022）第012号", "株发改函〔2022〕12号", True),
    ("株发改函 〔2022〕 12 号", "株发改函〔2022〕12号", False),
])
def test_doc_numbers(text, number, changed):
    got, why, rest = parse_doc_number(text)
    assert got == number and bool(why) is changed and rest == ""


def test_contacts_keep_labels_as_written():
    items, dropped = parse_contacts("承 办 人:杨 洋    联 系 电 话:28686334")
    assert items == [{"label": "承 办 人", "value": "杨 洋"},
                     {"label": "联 系 电 话", "value": "28686334"}]
    assert dropped == ["    "]  # the blanks between the items, as written
    items, _ = parse_contacts("承办人及联系电话：刘某某 0731-12345678")
    assert items == [{"label": "承办人及联系电话", "value": "刘某某 0731-12345678"}]
    assert parse_contacts("联系我们：欢迎来信") is None


@pytest.mark.parametrize("line", [
    "【 纠 错 】 【加入收藏】【打印本页】【关闭窗口】",
    "【打印本页】 【关闭窗口】",
    "打印本页 | 关闭窗口",
    "首页 > 政务公开 > 建议提案办理",
    "当前位置：首页 > 信息公开",
    "来源：市交通运输局  发布时间：2021-03-10  浏览次数：356",
    "发布时间：2021-03-10 10:12",
    "【字体：大 中 小】",
    "分享到：",
])
def test_chrome(line):
    assert is_chrome(line)


@pytest.mark.parametrize("line", [
    "【B类】",
    "（此件主动公开）",
    "公开属性：主动公开",
    "一、建立纠错机制，及时关闭违规窗口。",
    "来源于群众的意见，我们认真研究。",
])
def test_not_chrome(line):
    assert not is_chrome(line)


# --- errors and the command ----------------------------------------------------------------
def test_no_date_is_a_clear_error():
    with pytest.raises(GongwenError, match="成文日期"):
        import_text("张某委员：\n您的提案收悉。\n示例市教育局\n")


def test_no_signature_is_kept_as_published():
    result = import_text("张某委员：\n您的提案收悉，现答复如下。\n2024年1月2日\n")
    assert result.letter.signature.organs == []
    assert result.letter.published.without_signature
    assert compose(result.letter).reading_text().endswith("现答复如下。\n2024年1月2日")
    assert [".".join(map(str, g.path)) for g in result.guesses] == [
        "published.without_signature"]


def test_old_doc_is_refused(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(GongwenError, match=r"\.docx"):
        import_file(path)


def test_imported_letter_is_a_letter():
    result = import_file(CASES[0])
    assert isinstance(result.letter, Letter)


def _gongwen(*args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("gongwen")
    cmd = [exe] if exe else [sys.executable, "-m", "gongwen.cli"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


def test_cli_writes_yaml_and_reports(tmp_path):
    out = tmp_path / "reply.yaml"
    proc = _gongwen("import", str(PUBLISHED), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "欧阳元初委员" in proc.stderr and "保留为普通段落" in proc.stderr
    assert "纠" in proc.stderr  # the dropped chrome is reported
    assert load_letter(out) == load_letter(REFERENCE_YAML)


def test_cli_prints_yaml_without_output_option():
    proc = _gongwen("import", str(CORPUS / "02-joint-addressees-chinese-date.txt"))
    assert proc.returncode == 0, proc.stderr
    # printed, the $schema line is relative to the current folder (here the repository)
    assert proc.stdout.startswith("# yaml-language-server: $schema=schema/letter.schema.json\n"
                                  "# 由 gongwen import")
    assert "二〇一九年七月八日" in proc.stdout  # the conversion is commented


def test_cli_errors_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("这不是一封信。\n", encoding="utf-8")
    for args in (["import", str(bad)], ["import", str(tmp_path / "missing.txt")]):
        proc = _gongwen(*args)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr and proc.stderr.strip()


def test_docx_lines_from_tables_and_text_boxes_are_read():
    data = _word_file([("示例", None, None)])
    lines, styled = read_docx_lines(data)
    assert not styled
    assert [ln.text for ln in lines] == ["示例", "抄送：市政府办公室，市政协提案委员会。"]


def test_import_lines_accepts_hints():
    lines, _ = read_docx_lines(_word_file([("甲委员：", None, None)]))
    with pytest.raises(GongwenError):
        import_lines(lines)


# --- any letter: compose → text (or DOCX) → import gives the letter back ------------------------
HAN = "的一是在了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可发年动同工能下过子产种面而方后多定行学法所民得经之进着等部度家力里如水化高自理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指区强放决西被干做必战先回则任取据处理世车"
SAFE_PUNCT = "，、；“”《》（）"


@st.composite
def _sentence(draw) -> str:
    parts = draw(st.lists(st.one_of(st.text(HAN, min_size=1, max_size=10),
                                    st.sampled_from(SAFE_PUNCT),
                                    st.sampled_from(["2023年", "12.5%", "3+3+2", "5G"])),
                          min_size=1, max_size=8))
    return "我们" + "".join(parts) + "。"


def _name(draw, suffix: str, size: int = 6) -> str:
    return draw(st.text(HAN, min_size=2, max_size=size)) + suffix


@st.composite
def _blocks(draw, level: int = 1, *, closing: bool = False) -> list:
    """Paragraphs first, then sections: the shape a text can tell unambiguously."""
    items: list = draw(st.lists(_sentence(), min_size=0 if level > 1 else 1, max_size=2))
    if level <= 4:
        for _ in range(draw(st.integers(0, 2 if level < 3 else 1))):
            section: dict = {"heading": _name(draw, "")}
            if draw(st.booleans()):
                section["heading"] += "。"
                section["text"] = draw(_sentence())
            if level < 4 and draw(st.booleans()):
                body = draw(_blocks(level + 1))
                if body:
                    section["body"] = body
            items.append(section)
    if closing:
        items.append("感谢您对" + _name(draw, "工作") + "的关心和支持。")
    return items


@st.composite
def reply_letters(draw) -> Letter:
    organ = _name(draw, "局")
    data: dict = {
        "title": "关于" + _name(draw, "") + "的答复",
        "addressees": draw(st.lists(st.builds(lambda s: s + "委员", st.text(HAN, min_size=2,
                                                                            max_size=4)),
                                    min_size=1, max_size=3)),
        "body": draw(_blocks(closing=draw(st.booleans()))),
        "signature": {"organs": [organ, *draw(st.lists(st.builds(lambda s: s + "委员会",
                                                                 st.text(HAN, min_size=2,
                                                                         max_size=6)),
                                                       max_size=1))],
                      "date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))},
    }
    if draw(st.booleans()):
        data["format"] = "letter"
        data["header"] = {"organs": [organ],
                          "doc_number": f"示函〔{draw(st.integers(2000, 2099))}〕"
                                        f"{draw(st.integers(1, 999))}号"}
        if draw(st.booleans()):
            data["header"]["reply_category"] = draw(st.sampled_from("ABCD"))
        if draw(st.booleans()):
            data["header"]["signers"] = [_name(draw, "", 3)]
    contacts = draw(st.lists(st.sampled_from([
        {"label": "联系人", "value": "张某某"}, {"label": "联系电话", "value": "0731-88886666"},
        {"label": "承 办 人", "value": "杨 洋"}, {"label": "承办负责人", "value": "刘某"},
    ]), max_size=3, unique_by=lambda c: c["label"]))
    if contacts:
        data["contacts"] = contacts
        data["contacts_placement"] = draw(st.sampled_from(
            ["before_signature", "after_date", "note"]))
    if draw(st.booleans()):
        data["note"] = "此件主动公开"
    atts = draw(st.lists(st.builds(lambda s: s + "情况表", st.text(HAN, min_size=2, max_size=8)),
                         max_size=2, unique=True))
    if atts:
        data["attachments"] = [{"title": t} for t in atts]
        if draw(st.booleans()):
            data["attachments"][-1]["body"] = draw(_blocks())
    if draw(st.booleans()):
        data["record"] = {"cc": draw(st.lists(_name_strategy(), min_size=1, max_size=3))}
    return Letter.model_validate(data)


def _name_strategy():
    return st.builds(lambda s: "市" + s + "办公室", st.text(HAN, min_size=1, max_size=6))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply_letters())
def test_any_composed_letter_imports_back(letter: Letter):
    imported = import_text(compose(letter).reading_text())
    assert imported.letter == letter
    assert not imported.guesses


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply_letters())
def test_any_gongwen_docx_imports_back(letter: Letter):
    from gongwen.fonts import load_fontset

    data = render_docx(compose(letter), load_fontset("open"))
    lines, styled = read_docx_lines(data)
    assert import_lines(lines, "x.docx", styled).letter == letter


def test_word_title_with_a_line_break_keeps_its_lines(tmp_path):
    import docx

    d = docx.Document()
    p = d.add_paragraph()
    p.add_run("关于市政协九届四次会议")
    p.add_run().add_break()
    p.add_run("第0107号提案的答复")
    for text in ("吴某某委员：", "您的提案收悉。经研究，现答复如下。", "示例市民政局", "2024年7月3日"):
        d.add_paragraph(text)
    path = tmp_path / "t.docx"
    d.save(path)
    letter = import_file(path).letter
    assert letter.title == "关于市政协九届四次会议\n第0107号提案的答复"
    assert letter.body == ["您的提案收悉。经研究，现答复如下。"]


def test_gb18030_text_and_crlf(tmp_path):
    text = "赵某委员：\r\n您的提案收悉，现答复如下：\r\n我局已完成整改。\r\n示例市民政局\r\n2024年7月3日\r\n"
    path = tmp_path / "gbk.txt"
    path.write_bytes(text.encode("gb18030"))
    letter = import_file(path).letter
    assert letter.addressees == ["赵某委员"]
    assert letter.signature.organs == ["示例市民政局"]


def test_joint_signature_on_one_line_and_organ_before_category():
    result = import_text(
        "示例市水利局\nB类\n关于第12号建议的答复\n钱某代表：\n您的建议收悉。现答复如下。\n"
        "示例市水利局　　示例市财政局\n2023年3月1日\n")
    letter = result.letter
    assert letter.header.organs == ["示例市水利局"]
    assert letter.header.reply_category == "B"
    assert letter.title == "关于第12号建议的答复"
    assert letter.signature.organs == ["示例市水利局", "示例市财政局"]


def test_summary_lists_what_was_recognised():
    from rich.console import Console

    from gongwen.importer import print_summary

    console = Console(file=io.StringIO(), width=120)
    print_summary(import_file(CORPUS / "05-cc-attachments-note.txt"), console)
    out = console.file.getvalue()
    for word in ("答复类别", "示环函〔2024〕8号", "附件", "抄送", "推测或改写", "保留为普通段落"):
        assert word in out


def test_header_elements_sharing_lines():
    result = import_text(
        "000123    秘密★1年\n示例市商务局\nB类    示商函[2023]4号\n签发人：孙某    \n"
        "关于第5号提案的答复\n李某委员：\n您的提案收悉。现答复如下。\n示例市商务局\n2023年3月1日\n")
    h = result.letter.header
    assert (h.copy_number, h.secrecy, h.secrecy_period) == ("000123", "秘密", "1年")
    assert h.organs == ["示例市商务局"]
    assert (h.reply_category, h.doc_number, h.signers) == ("B", "示商函〔2023〕4号", ["孙某"])
    result = import_text(
        "示例市商务局\n签发人：孙某　　示商函〔2023〕4号\n关于第5号提案的答复\n李某委员：\n"
        "您的提案收悉。现答复如下。\n示例市商务局\n2023年3月1日\n")
    assert result.letter.header.signers == ["孙某"]
    assert result.letter.header.doc_number == "示商函〔2023〕4号"


def test_notes_cc_before_attachment_pages_and_contacts_after_attachment_note():
    result = import_text(
        "李某委员：\n您的提案收悉。现答复如下。\n附件：情况表\n联系人：王某\n示例市商务局\n"
        "2023年3月1日\n（此件主动公开）\n此件公开发布\n抄送：市政府办公室。\n附件\n情况表\n"
        "全市共有商贸企业120家。\n")
    letter = result.letter
    assert letter.note is None
    assert [n.text for n in letter.published.notes] == ["（此件主动公开）", "此件公开发布"]
    assert letter.record.cc == ["市政府办公室"]
    assert letter.attachments[0].body == ["全市共有商贸企业120家。"]
    assert letter.contacts[0].value == "王某"
    paths = {".".join(map(str, g.path)) for g in result.guesses}
    assert {"contacts"} <= paths


FRAGMENTS = [
    "示例市水务局", "2022年5月16日", "二〇一九年七月八日", "2020年06月08日", "张某委员：", "尊敬的李某代表、",
    "一、办理情况", "（一）规划。我们已完成。", "1.措施", "（1）", "1.", "一、", "附件", "附件：1.情况表",
    "2.明细表", "附件2", "抄送：市政府办公室。", "示例市政府办公室 2022年5月20日印发", "联系人：王某",
    "联系电话：", "（联系人：王某；联系电话：123）", "（此件主动公开）", "公开属性：主动公开", "A类",
    "类别：", "签发人：", "签发人：赵某", "示函〔2022〕0号", "示函[2022]3号", "示函〔22〕3号", "000001",
    "秘密★", "特急", "【打印本页】", "首页 > 政务", "感谢您的支持。", "此复。", "我们已经完成。", "：",
    "（", "）", "（）", "。", "关于第1号提案的答复", "答   复", "示例市人民政府办公室文件", "  ", "\t",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=14))
def test_any_text_imports_or_fails_cleanly(lines: list[str]):
    """Whatever the text, the import returns a valid letter or raises GongwenError."""
    try:
        result = import_text("\n".join(lines))
    except GongwenError:
        return
    assert isinstance(result.letter, Letter)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "letter.yaml"
        out.write_text(to_yaml(result), encoding="utf-8")
        assert load_letter(out) == result.letter


def test_cli_unwritable_output_exits_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = _gongwen("import", str(PUBLISHED), "-o", str(blocker / "sub" / "out.yaml"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_signature_and_date_on_one_line():
    letter = import_text("李某委员：\n您的提案收悉。现答复如下。\n"
                         "示例市商务局　　示例市财政局　　2023年3月1日\n").letter
    assert letter.signature.organs == ["示例市商务局", "示例市财政局"]
    assert letter.signature.date == dt.date(2023, 3, 1)


@pytest.mark.parametrize("source", CASES, ids=[p.stem for p in CASES])
def test_corpus_letters_survive_gongwen_docx(source: Path, imported):
    """text → letter → gongwen DOCX → letter: the same letter (punctuation set full-width).

    A long one-line title comes back in the lines the DOCX balanced it into: the DOCX holds a
    line break either way, and an explicit break (the example letter's) must survive, so the
    title is compared without its breaks here.
    """
    from gongwen.fonts import load_fontset

    letter = imported[source.name].letter
    lines, styled = read_docx_lines(render_docx(compose(letter), load_fontset("open")))
    again = import_lines(lines, source.name, styled).letter
    a, b = again.model_dump(mode="json"), letter.model_dump(mode="json")
    if a["title"] and b["title"]:
        a["title"], b["title"] = a["title"].replace("\n", ""), b["title"].replace("\n", "")
    assert _normalised(a) == _normalised(b)


def test_a_long_head_is_flagged():
    result = import_text("甲\n乙\n丙\n丁\n李某委员：\n您的提案收悉。现答复如下。\n示例市商务局\n2023年3月1日\n")
    assert result.letter.title == "甲\n乙\n丙\n丁"
    assert [g.path for g in result.guesses] == [("title",)]


def test_word_record_table_with_printer_and_date_in_two_cells(tmp_path):
    import docx

    d = docx.Document()
    for text in ("示例市人民政府办公室文件", "示政办函〔2022〕3号", "关于第9号提案的答复", "市政协提案委员会：",
                 "贵委的提案收悉。现答复如下。", "示例市人民政府办公室", "2022年5月18日"):
        d.add_paragraph(text)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "抄送：市政府督查室。"
    table.cell(1, 0).text = "示例市人民政府办公室"
    table.cell(1, 1).text = "2022年5月20日印发"
    path = tmp_path / "record.docx"
    d.save(path)
    letter = import_file(path).letter
    assert letter.format.value == "document"
    assert letter.record.cc == ["市政府督查室"]
    assert (letter.record.printer, letter.record.print_date) == (
        "示例市人民政府办公室", dt.date(2022, 5, 20))


def test_control_characters_are_removed(tmp_path):
    result = import_text("李某委员：\x1b\n您的提案\x85收悉。\x0b现答复如下。\n示例市\x07商务局\n2023年3月1日\n")
    assert result.letter.body == ["您的提案收悉。 现答复如下。"]
    assert result.letter.signature.organs == ["示例市商务局"]
    out = tmp_path / "x.yaml"
    out.write_text(to_yaml(result), encoding="utf-8")
    assert load_letter(out) == result.letter


def test_addressee_run_on_with_the_first_paragraph():
    result = import_text("关于第5号提案的答复\n李某委员、王某委员：您的提案收悉。现答复如下。\n"
                         "一、情况\n我局已办理。\n示例市商务局\n2023年3月1日\n")
    assert result.letter.addressees == ["李某委员", "王某委员"]
    assert result.letter.body[0] == "您的提案收悉。现答复如下。"
    assert [g.path for g in result.guesses] == [("addressees",)]
    assert normalise(compose(result.letter).reading_text()) == normalise(
        "关于第5号提案的答复李某委员、王某委员：您的提案收悉。现答复如下。一、情况我局已办理。示例市商务局2023年3月1日")
