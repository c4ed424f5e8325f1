"""The grammar of the letter's own text elements: each format reads back through its parse,
and the forms real letters are published in are read with how they were written."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gongwen import grammar as g

HAN = "株洲市发展改革委员会示例财政局工信科技商务自然资源规划住建"


# --- Chinese numerals and heading numbers ---------------------------------------------------------
@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (11, "十一"), (20, "二十"),
                                         (29, "二十九"), (99, "九十九"), (100, "一百"),
                                         (105, "一百零五"), (110, "一百一十"), (1010, "一千零一十"),
                                         (2005, "二千零五"), (9999, "九千九百九十九")])
def test_chinese_numbers(n, text):
    assert g.format_chinese_number(n) == text
    assert g.parse_chinese_number(text) == n


def test_chinese_numbers_out_of_range_and_malformed():
    for n in (0, 10_000):
        with pytest.raises(ValueError):
            g.format_chinese_number(n)
    assert g.parse_chinese_number("二〇二二") == 2022  # digit by digit, as years are written
    for bad in ("", "十十", "三十三十", "甲", "百", "一百十", "一百一", "零百"):
        assert g.parse_chinese_number(bad) is None


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_heading_numbers_round_trip(level):
    for n in range(1, 100):
        written = g.format_heading_number(level, n)
        parsed = g.parse_heading_number(written + "标题")
        assert (parsed.level, parsed.value, parsed.written, parsed.end) == (
            level, n, written, len(written))
        assert parsed.canonical


def test_heading_number_forms():
    assert [g.format_heading_number(level, 3) for level in (1, 2, 3, 4)] == [
        "三、", "（三）", "3.", "（3）"]
    with pytest.raises(ValueError):
        g.format_heading_number(5, 1)
    # either width, blanks inside
    for text, level, value in (("(二)范围", 2, 2), ("（ 2 ）范围", 4, 2), ("１．概述", 3, 1),
                               ("一 、总则", 1, 1), ("12. 说明", 3, 12)):
        parsed = g.parse_heading_number(text)
        assert (parsed.level, parsed.value) == (level, value), text
        assert not parsed.canonical or text.startswith("12.")
    # the forms people type for 一、 and 1. only when asked for
    for text, level in (("一.总则", 1), ("1、概述", 3)):
        assert g.parse_heading_number(text) is None
        assert g.parse_heading_number(text, loose=True).level == level
    # numbers in running text are not heading numbers
    for text in ("12.5%的增长", "2022.9.29", "一九年", "第一、二项", "(2022)"):
        assert g.parse_heading_number(text) is None, text


# --- dates --------------------------------------------------------------------------------------
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_dates_round_trip(date):
    written = g.parse_date(g.format_date(date))
    assert written.date == date and written.canonical and not written.problems()
    chinese = g.parse_date(g.format_date(date, chinese=True))
    assert chinese.date == date and chinese.chinese and not chinese.canonical
    assert chinese.problems() == ["应使用阿拉伯数字"]


@pytest.mark.parametrize(("text", "iso", "canonical", "problems"), [
    ("2022年9月29日", "2022-09-29", True, []),
    ("2022 年 9 月 29 日", "2022-09-29", True, []),
    ("２０２２年９月２９日", "2022-09-29", True, []),
    ("2020年06月08日", "2020-06-08", False, ["月、日不编虚位（不加前导 0）"]),
    ("二〇一九年七月八日", "2019-07-08", False, ["应使用阿拉伯数字"]),
    ("二○二一年十二月三十一日", "2021-12-31", False, ["应使用阿拉伯数字"]),
    ("二零二三年十月二十日", "2023-10-20", False, ["应使用阿拉伯数字"]),
    ("2024-03-05", "2024-03-05", False, ["应写作“××××年×月×日”", "月、日不编虚位（不加前导 0）"]),
    ("2024.3.5", "2024-03-05", False, ["应写作“××××年×月×日”"]),
    ("22年9月29日", None, False, ["年份应写全 4 位"]),
    ("2022年2月30日", None, False, []),
    ("2022年13月1日", None, False, ["月或日超出范围"]),
])
def test_published_dates(text, iso, canonical, problems):
    written = g.parse_date(text)
    assert (written.date.isoformat() if written.date else None) == iso
    assert written.canonical is canonical
    assert written.problems() == problems


@pytest.mark.parametrize("text", ["2022年9月", "9月29日", "2022年9月29日印发", "于2022年9月29日",
                                  "2022-9/29"])
def test_not_dates(text):
    assert g.parse_date(text) is None


def test_print_line():
    date = dt.date(2022, 9, 30)
    printer, tail = g.format_print_line("株洲市发展和改革委员会办公室", date)
    assert tail == "2022年9月30日印发"
    for text in (printer + tail, f"{printer}    {tail}", f"{printer}\t2022 年 9 月 30 日 印发"):
        parsed = g.parse_print_line(text)
        assert (parsed.printer, parsed.date.date) == (printer, date), text
    assert g.parse_print_line("2022年9月30日印发").printer == ""
    assert g.parse_print_line("株洲市发展和改革委员会办公室") is None


# --- 版头 elements ---------------------------------------------------------------------------------
@given(st.text(HAN, min_size=1, max_size=8), st.integers(1900, 2099), st.integers(1, 9999))
def test_doc_numbers_round_trip(code, year, serial):
    text = g.format_doc_number(code, year, serial)
    parsed = g.parse_doc_number(text)
    assert (parsed.code, parsed.year, parsed.serial) == (code, str(year), str(serial))
    assert parsed.canonical == text and not parsed.problems() and parsed.rest == ""
    bracketed = g.parse_doc_number(g.format_doc_number(code, year, serial, brackets="[]"))
    assert (bracketed.open, bracketed.close) == ("[", "]") and bracketed.canonical == text


@pytest.mark.parametrize(("text", "problems"), [
    ("株发改函〔2022〕12号", []),
    ("株发改函 〔2022〕 12 号", []),
    ("株发改函[2022]12号", ["年份用 []，应为六角括号〔〕"]),
    ("株发改函【2022】12号", ["年份用 【】，应为六角括号〔〕"]),
    ("株发改函（2022）第012号", ["年份用 （），应为六角括号〔〕", "序号前不加“第”",
                              "序号不编虚位（不加前导 0）"]),
    ("株发改函〔22〕12", ["年份应写全 4 位", "序号后应有“号”"]),
])
def test_published_doc_numbers(text, problems):
    parsed = g.parse_doc_number(text)
    assert parsed.problems() == problems
    assert parsed.code == "株发改函" and int(parsed.serial) == 12


def test_doc_number_shares_its_line():
    parsed = g.parse_doc_number("示农函〔2023〕15号          签发人：赵某某")
    assert parsed.canonical == "示农函〔2023〕15号" and parsed.rest == "签发人：赵某某"
    for text in ("关于加快建设的建议", "〔2022〕12号", "根据《通知》（2022）"):
        assert g.parse_doc_number(text) is None, text


def test_copy_number():
    assert g.format_copy_number(123) == "000123"
    assert g.parse_copy_number(g.format_copy_number(7)) == "000007"
    for bad in ("00012", "0000123", "00012a", "１２３４５６"):
        assert g.parse_copy_number(bad) is None


@pytest.mark.parametrize(("level", "period"), [("秘密", None), ("机密", "1年"), ("绝密", "长期")])
def test_secrecy_round_trip(level, period):
    parsed = g.parse_secrecy(g.format_secrecy(level, period))
    assert (parsed.level, parsed.period) == (level, period)


def test_secrecy_and_urgency_as_published():
    assert g.parse_secrecy("秘 密 ★ 1年") == g.SecrecyMark("秘密", "1年")
    assert g.parse_secrecy("秘密文件") is None
    for level in g.URGENCY_LEVELS:
        assert g.parse_urgency(g.format_urgency(level)) == level
    assert g.parse_urgency("特 急") == "特急"
    # a telegram's levels are recognised; a letter only uses 特急 and 加急
    assert g.parse_urgency("特提") == "特提" and "特提" not in g.URGENCY_LEVELS
    assert g.parse_urgency("急") is None


def test_signers():
    label, names = g.format_signers(["张三", "李四"])
    parsed = g.parse_signers(label + names)
    assert parsed.names == ("张三", "李四") and label == "签发人：" and names == "张三\u3000李四"
    assert g.parse_signers("签 发 人:王某某、李某某").names == ("王某某", "李某某")
    assert g.parse_signers("签发人：").names == ()
    assert g.parse_signers("发文人：张三") is None


@pytest.mark.parametrize(("text", "letter", "dress"), [
    ("A", "A", {}),
    ("A类", "A", {"lei": True}),
    ("（B类）", "B", {"lei": True, "brackets": "（）"}),
    ("【C】", "C", {"brackets": "【】"}),
    ("类别：A类", "A", {"label": "类别", "lei": True}),
    ("答复类别:B", "B", {"label": "答复类别", "colon": ":"}),
    ("办理结果类别：D", "D", {"label": "办理结果类别"}),
])
def test_reply_categories_as_published(text, letter, dress):
    parsed = g.parse_reply_category(text)
    assert parsed.letter == letter
    assert g.format_reply_category(letter, **dress) == text
    again = g.parse_reply_category(g.format_reply_category(
        parsed.letter, label=parsed.label, colon=parsed.colon or "：", lei=parsed.lei,
        brackets=parsed.brackets))
    assert again == parsed
    assert parsed.canonical is (text == letter)


def test_spaced_category_label():
    parsed = g.parse_reply_category("类 别：C")
    assert (parsed.letter, parsed.label) == ("C", "类别")
    assert g.format_reply_category("C", label=parsed.label) == "类别：C"
    for bad in ("AB", "(A", "（A】", "E", "类别：", "a"):
        assert g.parse_reply_category(bad) is None, bad


# --- 版记, 附件说明, contacts, notes -------------------------------------------------------------
@given(st.lists(st.text(HAN, min_size=2, max_size=10), min_size=1, max_size=5))
def test_cc_round_trip(names):
    label, text = g.format_cc(names)
    parsed = g.parse_cc(label + text)
    assert parsed.names == tuple(names) and parsed.stop and parsed.label == "抄送"
    assert parsed.separators <= {"，"}


def test_cc_as_published():
    parsed = g.parse_cc("抄 送:市政府办公室、市政协提案委员会")
    assert parsed.colon == ":" and parsed.separators == {"、"} and not parsed.stop
    assert parsed.names == ("市政府办公室", "市政协提案委员会")
    assert g.parse_cc("主送：市政府").label == "主送"


@pytest.mark.parametrize("titles", [["清单"], ["清单", "计划表"], ["甲", "乙", "丙"]])
def test_attachment_note_round_trip(titles):
    lines = g.format_attachment_note(titles)
    parsed = [g.parse_attachment_note(label + number + title) for label, number, title in lines]
    assert [p.title for p in parsed] == titles
    assert [p.labelled for p in parsed] == [True] + [False] * (len(titles) - 1)
    assert [p.number for p in parsed] == ([None] if len(titles) == 1
                                          else list(range(1, len(titles) + 1)))
    for n in range(1, len(titles) + 1):
        assert g.parse_attachment_label(g.format_attachment_label(n, len(titles))) == (
            0 if len(titles) == 1 else n)


def test_attachment_note_as_published():
    first = g.parse_attachment_note("附 件：1、示例市城区噪声自动监测站点位表")
    assert (first.labelled, first.number, first.separator) == (True, 1, "、")
    assert g.parse_attachment_note("正文第一段。") is None
    assert g.parse_attachment_label("附 件 2") == 2 and g.parse_attachment_label("附件说明") is None


def test_contacts():
    assert g.parse_contacts(g.format_contact("联系电话", "28686334")).items == (
        ("联系电话", "28686334"),)
    line = g.parse_contacts("承 办 人:杨 洋    联 系 电 话:28686334")
    assert line.items == (("承 办 人", "杨 洋"), ("联 系 电 话", "28686334"))
    assert line.separators == ("    ",)  # the blanks between the items, as written
    line = g.parse_contacts("联系人：罗某某，联系电话：0731-89990000")
    assert [label for label, _ in line.items] == ["联系人", "联系电话"]
    assert line.separators == ("，",)
    assert g.parse_contacts("承办人及联系电话：刘某某 0731-12345678").items == (
        ("承办人及联系电话", "刘某某 0731-12345678"),)
    for label in ("联系单位", "联系部门", "办公室电话", "单位地址"):
        assert g.parse_contacts(f"{label}：青禾县水务局").items[0][0] == label
    assert g.parse_contacts("联系我们：欢迎来信") is None
    assert g.parse_contacts("联系人：") is None
    assert g.format_contacts_note(["联系人：甲", "联系电话：1"]) == "（联系人：甲；联系电话：1）"


def test_notes_and_publicity():
    assert g.parse_note(g.format_note("此件公开发布")) == "此件公开发布"
    assert g.format_note("（此件公开发布）") == "（此件公开发布）"
    for value in g.PUBLICITY_VALUES:
        assert g.parse_publicity(g.format_publicity(value)).value == value
    assert g.parse_publicity("公开属性：主动公开") == g.Publicity("主动公开", "公开属性")
    assert g.parse_publicity("主动公开").label is None
    assert g.parse_publicity("我们将主动公开办理结果") is None


def test_page_numbers():
    for n in (1, 9, 12, 345):
        assert g.parse_page_number(g.format_page_number(n)) == n
    for text, n in (("-3-", 3), ("- 3 -", 3), ("3", 3), ("第3页", 3), ("第 3 页 共 6 页", 3),
                    ("3/6", 3)):
        assert g.parse_page_number(text) == n, text
    for text in ("第三页", "2022年", "共6页", "三"):
        assert g.parse_page_number(text) is None, text
