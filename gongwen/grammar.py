"""The letter's own text elements: one parse and one format function for each.

Heading numbers (一、 （一） 1. （1）), dates, 发文字号, 份号, 密级 and 保密期限, 紧急程度,
签发人, 答复类别, 抄送, 印发机关 and 印发日期, 附件说明 and attachment labels, contact
lines, 附注 and 公开属性 lines, page numbers.

``format_*`` writes an element the way GB/T 9704 wants it (compose uses these, so they are
what gongwen prints). ``parse_*`` reads one element's text as letters are really published:
full- or half-width marks, spaces between the characters of a label (“签 发 人”), other
brackets (``[2022]``, ``【2022】``), Chinese numerals (二〇二二年九月二十九日). A parse
returns what it found *and how it was written*, or None; whether a written form is
acceptable is for the caller to decide (the importer converts and notes it, check reports
it, the readers only need the element's kind). Each parse and format function stand side by
side, so the readers, the importer, check, diff and compose cannot disagree on a form.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from .spec import page_number_text


class _lazy:  # spelt like the function it stands for
    """``re.compile(pattern, flags)``, compiled when first used: compiling all of this
    module's expressions takes longer than rendering a letter, and a command uses few."""

    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return getattr(self._compiled, name)


_SP = r"[ \t\u3000\xa0]*"  # blanks a published element may hold between its characters


def _spaced(word: str) -> str:
    """A regular expression for ``word`` with blanks allowed between its characters."""
    return _SP.join(re.escape(ch) for ch in word)


def _words(*words: str) -> str:
    return "(?:" + "|".join(_spaced(w) for w in sorted(words, key=len, reverse=True)) + ")"


def folded(text: str) -> str:
    """``text`` with width folded (NFKC) and blanks removed: for "written as canonical"."""
    return "".join(unicodedata.normalize("NFKC", text).split())


# --- Chinese numerals ----------------------------------------------------------------------------
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "О": 0, "O": 0, "0": 0,
             "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = "一二三四五六七八九十"
_CN_YEAR = "〇○零ＯОO一二三四五六七八九"
_CN_WRITE = "〇一二三四五六七八九"


def parse_chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31, 一百零五 → 105, 二〇二二 → 2022
    (digit by digit); None when ``text`` is not such a number."""
    if not text:
        return None
    if "百" in text or "千" in text:
        return _parse_hundreds(text)
    if "十" not in text:
        if any(c not in CN_DIGITS for c in text):
            return None
        return int("".join(str(CN_DIGITS[c]) for c in text))
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in CN_DIGITS) or (
            ones and ones not in CN_DIGITS) or tens in ("〇", "○", "零"):
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def _parse_hundreds(text: str) -> int | None:
    """一百 → 100, 一百零五 → 105, 一千零一十 → 1010: exactly the forms
    :func:`format_chinese_number` writes, else None."""
    total, rest = 0, text
    for value, unit in ((1000, "千"), (100, "百")):
        head, sep, tail = rest.partition(unit)
        if sep:
            if not CN_DIGITS.get(head):
                return None
            total += CN_DIGITS[head] * value
            rest = tail
    rest = rest.removeprefix("零")
    tens, sep, ones = rest.partition("十")
    for digit in (tens, ones) if sep else (rest,):
        if digit and digit not in CN_DIGITS:
            return None
    if sep:
        total += CN_DIGITS.get(tens, 0) * 10 + CN_DIGITS.get(ones, 0)
    elif rest:
        total += CN_DIGITS[rest]
    if not 100 <= total <= 9999 or format_chinese_number(total) != text:
        return None
    return total


_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def format_chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一, 100 → 一百, 105 → 一百零五, 110 → 一百一十,
    1010 → 一千零一十 (1–9999: a letter has at most 5 000 paragraphs)."""
    if not 1 <= n <= 9999:
        raise ValueError(f"cannot number item {n} in Chinese numerals")
    if n < 100:
        tens, ones = divmod(n, 10)
        head = "" if tens == 0 else ("十" if tens == 1 else _CN_WRITE[tens] + "十")
        return head + (_CN_WRITE[ones] if ones else "")
    out = ""
    zero = False
    for value, unit in _UNITS:
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero else "") + _CN_WRITE[digit] + unit
            zero = False
        elif out and n:
            zero = True
    return out


def _number(text: str) -> int | None:
    """An Arabic (any width) or Chinese number."""
    if text.isdigit():
        return int(text)
    return parse_chinese_number(text)


# --- heading numbers -----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class HeadingNumber:
    """A heading number at the start of a paragraph.

    ``level`` is the GB/T 9704 level whose form it has (1 一、, 2 （一）, 3 1., 4 （1）),
    ``written`` the number as written and ``end`` the offset just after it.
    """

    level: int
    value: int
    written: str
    end: int

    @property
    def canonical(self) -> bool:
        return self.written == format_heading_number(self.level, self.value)


_CN_N = rf"(?P<n>[{_CN_NUMBER}]{{1,3}})"
_AR_N = r"(?P<n>\d{1,2})"
# level, the GB/T 9704 form (either width), and the forms people also type for it
_HEADING_FORMS: tuple[tuple[int, re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (level, _lazy(strict), _lazy(loose or strict))
    for level, strict, loose in (
        (1, rf"^{_CN_N}{_SP}、", rf"^{_CN_N}{_SP}[、.．]"),
        (2, rf"^[（(]{_SP}{_CN_N}{_SP}[）)]", None),
        (3, rf"^{_AR_N}{_SP}[.．](?![\d.．])", rf"^{_AR_N}{_SP}[.．、](?![\d.．])"),
        (4, rf"^[（(]{_SP}{_AR_N}{_SP}[）)]", None),
    )
)


def parse_heading_number(text: str, *, loose: bool = False) -> HeadingNumber | None:
    """The heading number ``text`` starts with: 一、 （一） 1. （1） in either width, blanks
    allowed inside; ``loose`` also takes the forms people type for them (一. and 1、)."""
    for level, strict, lax in _HEADING_FORMS:
        m = (lax if loose else strict).match(text)
        if m:
            value = _number(m.group("n"))
            if value is None:
                return None
            return HeadingNumber(level, value, m.group(0), m.end())
    return None


_RUN_IN_END = "。！？：!?:."
_OPENERS, _CLOSERS = "《“‘（(〔【「『", "》”’）)〕】」』"


def run_in_split(rest: str) -> int | None:
    """Where a run-in heading ends in the text after its number: just after its first
    sentence mark (“突出规划引领。|聚焦…”); None when no text follows that mark."""
    depth = 0
    for i, ch in enumerate(rest):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch == "." and 0 < i < len(rest) - 1 and all(
            c.isascii() and c.isalnum() for c in (rest[i - 1], rest[i + 1])
        ):
            continue  # 4.0, www.example.cn (after a Chinese character “.” ends a sentence)
        elif depth == 0 and ch in _RUN_IN_END:
            if ch in "!?:" and i + 1 < len(rest) and rest[i + 1].isascii() \
                    and not rest[i + 1].isspace():
                continue  # 'http://', 'a:b'
            j = i + 1
            while j < len(rest) and rest[j] in _CLOSERS:
                j += 1
            return j if rest[j:].strip() else None
    return None


SENTENCE_HEADING_CHARS = 25  # a heading longer than this with a comma inside is a sentence
LONG_HEADING_CHARS = 40  # a heading longer than this is a sentence whatever its marks
_CLAUSE_MARKS = _lazy(r"[，,；;、：:]")


def numbered_sentence(text: str) -> bool:
    """A paragraph that starts with a heading number but is a sentence, not a heading:
    “一、我局今年已更换老旧供水管段二十六公里，剩余管段纳入明年改造计划。”. The heading
    part (up to a run-in split) is longer than ``SENTENCE_HEADING_CHARS`` and holds a
    clause mark, or is longer than ``LONG_HEADING_CHARS``."""
    number = parse_heading_number(text, loose=True)
    if number is None:
        return False
    rest = text[number.end:].strip()
    cut = run_in_split(rest)
    head = "".join((rest[:cut] if cut else rest).split())
    return len(head) > LONG_HEADING_CHARS or (
        len(head) > SENTENCE_HEADING_CHARS and _CLAUSE_MARKS.search(head) is not None)


def format_heading_number(level: int, n: int) -> str:
    """The GB/T 9704 number of the n-th heading at a level: 一、 （一） 1. （1）."""
    if level == 1:
        return f"{format_chinese_number(n)}、"
    if level == 2:
        return f"（{format_chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level {level} is beyond the four GB/T 9704 levels")


# --- dates ---------------------------------------------------------------------------------------
_YEAR = rf"\d{{2,4}}|[{_CN_YEAR}]{{2,4}}"
_MONTH_DAY = rf"\d{{1,2}}|[{_CN_NUMBER}]{{1,3}}"
_DATE = (
    rf"(?:(?P<y>{_YEAR}){_SP}年{_SP}(?P<m>{_MONTH_DAY}){_SP}月{_SP}(?P<d>{_MONTH_DAY}){_SP}日"
    rf"|(?P<y2>\d{{4}}){_SP}(?P<sep>[-./]){_SP}(?P<m2>\d{{1,2}}){_SP}(?P=sep){_SP}(?P<d2>\d{{1,2}}))"
)
_DATE_LINE = _lazy(rf"^{_SP}{_DATE}{_SP}$")


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A date as written: its parts as written and, when they name one, the calendar date
    (None for 22年9月29日 or 2022年2月30日)."""

    year: str
    month: str
    day: str
    date: dt.date | None
    written: str
    separator: str = ""  # "-", "." or "/" for 2022-9-29; "" for 年月日

    @property
    def chinese(self) -> bool:
        """Written in Chinese numerals (二〇二二年九月二十九日)."""
        return not (self.year.isdigit() and self.month.isdigit() and self.day.isdigit())

    @property
    def canonical(self) -> bool:
        """Written as :func:`format_date` writes it (width and blanks aside)."""
        return self.date is not None and folded(self.written) == format_date(self.date)

    def problems(self) -> list[str]:
        """How the date departs from GB/T 9704 7.3.5 (Arabic numerals, the year in full,
        no leading zeros); [] when it does not."""
        if self.chinese:
            return ["应使用阿拉伯数字"]
        out = []
        if self.separator:
            out.append("应写作“××××年×月×日”")
        if len(self.year) != 4:
            out.append("年份应写全 4 位")
        if self.month.startswith("0") or self.day.startswith("0"):
            out.append("月、日不编虚位（不加前导 0）")
        if not out and (self.year.startswith("0") or not 1 <= int(self.month) <= 12
                        or not 1 <= int(self.day) <= 31):
            out.append("月或日超出范围")
        return out

    @property
    def published_form(self) -> bool:
        """Whether every departure from 7.3.5 is one a published letter keeps as written
        (decision 14: Chinese numerals, leading zeros); ``check`` reports those as warnings."""
        return bool(self.problems()) and self.date is not None and not self.separator


def _written_date(m: re.Match[str], written: str) -> WrittenDate:
    if m.group("y"):
        y, mo, d, sep = m.group("y"), m.group("m"), m.group("d"), ""
    else:
        y, mo, d, sep = m.group("y2"), m.group("m2"), m.group("d2"), m.group("sep")
    year = int(y) if y.isdigit() else parse_chinese_number(y)
    month, day = _number(mo), _number(d)
    date = None
    if year is not None and month is not None and day is not None and len(y) == 4:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            date = None
    return WrittenDate(y, mo, d, date, written, sep)


def parse_date(text: str) -> WrittenDate | None:
    """``text`` as one date: 2022年9月29日 (blanks, leading zeros and a two-digit year
    allowed), 二〇二二年九月二十九日, 2022-9-29, 2022.9.29 or 2022/9/29."""
    m = _DATE_LINE.match(text)
    return _written_date(m, text.strip()) if m else None


def format_date(date: dt.date, *, chinese: bool = False) -> str:
    """2022-09-29 → 2022年9月29日 (Arabic numerals, no zero padding), or with ``chinese``
    二〇二二年九月二十九日."""
    if chinese:
        year = "".join(_CN_WRITE[int(c)] for c in str(date.year))
        return f"{year}年{format_chinese_number(date.month)}月{format_chinese_number(date.day)}日"
    return f"{date.year}年{date.month}月{date.day}日"


_DATE_LIKE = _lazy(
    rf"^(?:(?:19|20|１９|２０)[\d０-９]{{2}}(?![\d０-９])|[{_CN_YEAR}]{{4}}{_SP}年)"
    rf"[\d０-９{_CN_YEAR}十年月日号\s\u3000\xa0\-./—－．／,，、]{{0,20}}$")


def date_like(text: str) -> bool:
    """``text`` looks like a date — a year first, then only digits, 年月日 and separators
    (“2024 56”, “2024年5月”) — whether or not :func:`parse_date` can read it."""
    return _DATE_LIKE.match(text.strip()) is not None


# --- 印发机关和印发日期 (版记) -------------------------------------------------------------------
_PRINT_LINE = _lazy(rf"^{_SP}(?P<printer>.*?){_SP}(?P<date>{_DATE}){_SP}印{_SP}发{_SP}$")


@dataclass(frozen=True, slots=True)
class PrintLine:
    """The 版记's last line: 印发机关 and 印发日期 (``printer`` may be empty when only the
    date was found, e.g. in a line split across two table cells)."""

    printer: str
    date: WrittenDate


def parse_print_line(text: str) -> PrintLine | None:
    """“株洲市发展和改革委员会办公室    2022年9月29日印发” (blanks between optional)."""
    m = _PRINT_LINE.match(text)
    if not m:
        return None
    return PrintLine(m.group("printer").strip(), _written_date(m, m.group("date")))


def format_print_line(printer: str, date: dt.date) -> tuple[str, str]:
    """(印发机关, 印发日期 with “印发”): set flush left and flush right on one line."""
    return printer, f"{format_date(date)}印发"


# --- 发文字号 ------------------------------------------------------------------------------------
_OPEN = "〔[【［﹝(（〖{〈《<"
_CLOSE = "〕]】］﹞)）〗}〉》>"
_DOC_NUMBER = _lazy(
    rf"^{_SP}(?P<code>[^\s{re.escape(_OPEN + _CLOSE)}:：，,。；;、]{{1,30}}?){_SP}"
    rf"(?P<open>[{re.escape(_OPEN)}]){_SP}(?P<year>\d+){_SP}(?P<close>[{re.escape(_CLOSE)}]){_SP}"
    rf"(?P<di>第?){_SP}(?P<serial>\d+){_SP}(?P<hao>号?)"
)


@dataclass(frozen=True, slots=True)
class DocNumber:
    """A 发文字号 as written: 机关代字, the year in its brackets, the serial; ``rest`` is
    what follows it on the line (a 签发人 or 答复类别 sharing the line)."""

    code: str
    open: str
    year: str
    close: str
    di: bool  # “第” before the serial
    serial: str
    hao: bool  # the closing “号”
    written: str
    rest: str = ""

    @property
    def canonical(self) -> str:
        """The number as GB/T 9704 writes it: 株发改函〔2022〕12号."""
        return format_doc_number(self.code, self.year, int(self.serial))

    def problems(self) -> list[str]:
        """How the number departs from GB/T 9704 7.2.5; [] when it does not."""
        out = []
        if self.open != "〔" or self.close != "〕":
            out.append(f"年份用 {self.open}{self.close}，应为六角括号〔〕")
        if len(self.year) != 4:
            out.append("年份应写全 4 位")
        if self.di:
            out.append("序号前不加“第”")
        if self.serial.startswith("0"):
            out.append("序号不编虚位（不加前导 0）")
        if not self.hao:
            out.append("序号后应有“号”")
        return out

    @property
    def published_form(self) -> bool:
        """Whether every departure from 7.2.5 is one a published letter keeps as written
        (decision 14: brackets, “第”, leading zeros); ``check`` reports those as warnings."""
        return bool(self.problems()) and len(self.year) == 4 and self.hao


def parse_doc_number(text: str) -> DocNumber | None:
    """The 发文字号 ``text`` starts with: 株发改函〔2022〕12号, also with [] 【】 （） brackets,
    “第”, leading zeros, blanks, or without the “号”."""
    m = _DOC_NUMBER.match(text)
    if not m:
        return None
    return DocNumber(
        m.group("code"), m.group("open"), m.group("year"), m.group("close"), bool(m.group("di")),
        m.group("serial"), bool(m.group("hao")), m.group(0).strip(), text[m.end():].strip(),
    )


def format_doc_number(code: str, year: int | str, serial: int | str, *,
                      brackets: str = "〔〕") -> str:
    """机关代字〔年份〕序号号 (``brackets`` a published letter's own pair, e.g. "[]")."""
    return f"{code}{brackets[0]}{year}{brackets[1]}{serial}号"


# --- 份号 ----------------------------------------------------------------------------------------
_COPY_NUMBER = _lazy(r"^\d{6}$")


def parse_copy_number(text: str) -> str | None:
    """A 份号: six Arabic digits (000001)."""
    t = text.strip()
    return t if _COPY_NUMBER.match(t) and t.isascii() else None


def format_copy_number(number: int | str) -> str:
    """The 份号 as six digits: 123 → 000123."""
    return f"{int(number):06d}"


# --- 密级和保密期限 ------------------------------------------------------------------------------
SECRECY_LEVELS = ("绝密", "机密", "秘密")
_SECRECY = _lazy(
    rf"^{_SP}(?P<level>{_words(*SECRECY_LEVELS)})(?:{_SP}★{_SP}(?P<period>\S.*?))?{_SP}$")


@dataclass(frozen=True, slots=True)
class SecrecyMark:
    level: str  # 绝密, 机密, 秘密
    period: str | None  # 保密期限 as written (“1年”), None without one


def parse_secrecy(text: str) -> SecrecyMark | None:
    """密级 with an optional 保密期限 after “★”: 秘密, 机密★1年."""
    m = _SECRECY.match(text)
    if not m:
        return None
    return SecrecyMark("".join(m.group("level").split()), m.group("period"))


def format_secrecy(level: str, period: str | None = None) -> str:
    """秘密, or 秘密★1年 with a 保密期限."""
    return f"{level}★{period}" if period else level


# --- 紧急程度 ------------------------------------------------------------------------------------
# A letter is 特急 or 加急 (GB/T 9704 7.2.3); 特提 and 平急 are for telegrams.
URGENCY_LEVELS = ("特急", "加急")
TELEGRAM_URGENCY_LEVELS = ("特提", "特急", "加急", "平急")
_URGENCY = _lazy(rf"^{_SP}(?P<u>{_words(*TELEGRAM_URGENCY_LEVELS)}){_SP}$")


def parse_urgency(text: str) -> str | None:
    """特急, 加急 (or a telegram's 特提, 平急), blanks inside allowed."""
    m = _URGENCY.match(text)
    return "".join(m.group("u").split()) if m else None


def format_urgency(level: str) -> str:
    return level


# --- 签发人 --------------------------------------------------------------------------------------
SIGNER_LABEL = "签发人："
SIGNER_SEPARATOR = "\u3000"
_SIGNER = _lazy(rf"^{_SP}{_spaced('签发人')}{_SP}[:：]{_SP}(?P<names>.*?){_SP}$")
_NAME_SEPARATORS = _lazy(r"[\s、，,]+")


@dataclass(frozen=True, slots=True)
class Signers:
    names: tuple[str, ...]  # split at blanks, 、 and commas; may be empty (“签发人：” alone)
    written: str  # the names as written


def parse_signers(text: str) -> Signers | None:
    """“签发人：张三　李四” (“签 发 人”, a half-width colon, names set apart by blanks,
    、 or commas)."""
    m = _SIGNER.match(text)
    if not m:
        return None
    written = m.group("names")
    return Signers(tuple(p for p in _NAME_SEPARATORS.split(written) if p), written)


def format_signers(names: Sequence[str]) -> tuple[str, str]:
    """(“签发人：”, the names set apart by a full-width space): label in 仿宋, names in 楷体."""
    return SIGNER_LABEL, SIGNER_SEPARATOR.join(names)


# --- 答复类别 ------------------------------------------------------------------------------------
REPLY_CATEGORIES = ("A", "B", "C", "D")
_CATEGORY_LABEL = (rf"(?:{_words('答复', '办理结果', '办理', '提案', '建议', '答复件')}{_SP})?"
                   rf"{_words('类别', '类型', '分类')}")
_CATEGORY = _lazy(
    rf"^{_SP}(?P<open>[（(【\[［]?){_SP}(?:(?P<label>{_CATEGORY_LABEL}){_SP}(?P<colon>[:：]?){_SP})?"
    rf"(?P<c>[A-DＡ-Ｄ]){_SP}(?P<lei>类?){_SP}(?P<close>[）)】\]］]?){_SP}$"
)
_PAIRS = {"（": "）", "(": ")", "【": "】", "[": "]", "［": "］"}


@dataclass(frozen=True, slots=True)
class ReplyCategory:
    """答复类别 as written: the letter and its dress (“类别：A类”, “（B类）”)."""

    letter: str  # A–D
    label: str | None  # “类别”, “答复类别”… as written (blanks removed), None without one
    colon: str  # “：” or “:” after the label, "" without one
    lei: bool  # “类” after the letter
    brackets: str  # the pair around it (“（）”), "" without one
    written: str

    @property
    def canonical(self) -> bool:
        return self.written == format_reply_category(self.letter)


def parse_reply_category(text: str) -> ReplyCategory | None:
    """A, A类, （B类）, 【C】, 类别：A类, 答复类别:B, 类 别：C (a bare letter only alone)."""
    m = _CATEGORY.match(text)
    if not m:
        return None
    opening, closing = m.group("open"), m.group("close")
    if bool(opening) != bool(closing) or (opening and _PAIRS[opening] != closing):
        return None
    label = "".join(m.group("label").split()) if m.group("label") else None
    if not (label or m.group("lei") or opening) and len(text.strip()) != 1:
        return None
    letter = unicodedata.normalize("NFKC", m.group("c")).upper()
    return ReplyCategory(letter, label, m.group("colon") or "", bool(m.group("lei")),
                         opening + closing, text.strip())


def format_reply_category(letter: str, *, label: str | None = None, colon: str = "：",
                          lei: bool = False, brackets: str = "") -> str:
    """The category as gongwen prints it: the bare letter (“A”); with ``label``, ``lei``
    or ``brackets`` a published form (“类别：A类”, “（B类）”)."""
    text = f"{label}{colon}" if label else ""
    text += letter + ("类" if lei else "")
    return f"{brackets[0]}{text}{brackets[1]}" if brackets else text


# --- 版头 lines ----------------------------------------------------------------------------------
HEADER_ELEMENTS = ("copy_number", "secrecy", "urgency", "doc_number", "signers",
                   "reply_category")
_WIDE_GAP = _lazy(r"[ \t\xa0]{2,}|[\u3000\t]+")


@dataclass(frozen=True, slots=True)
class HeaderElement:
    """One 版头 element as written: its kind (one of ``HEADER_ELEMENTS``) and what its own
    parse found (a :class:`SecrecyMark`, :class:`DocNumber`, :class:`Signers`,
    :class:`ReplyCategory`, or the 份号 / 紧急程度 text)."""

    kind: str
    written: str
    value: object


def parse_header_element(text: str) -> HeaderElement | None:
    """``text`` as one whole 版头 element: 份号, 密级, 紧急程度, 发文字号, 签发人, 答复类别."""
    t = text.strip()
    number = parse_doc_number(t)
    for kind, value in (
        ("copy_number", parse_copy_number(t)), ("secrecy", parse_secrecy(t)),
        ("urgency", parse_urgency(t)),
        ("doc_number", number if number is not None and not number.rest else None),
        ("signers", parse_signers(t)), ("reply_category", parse_reply_category(t)),
    ):
        if value is not None:
            return HeaderElement(kind, t, value)
    return None


def parse_header_line(text: str) -> tuple[HeaderElement, ...] | None:
    """The 版头 elements a line holds: one, or several set apart by wide blanks
    (“A类    青水函〔2024〕9号”), or a 发文字号 with a 签发人 or 答复类别 after it on its
    line; None when anything on the line is not a 版头 element."""
    one = parse_header_element(text)
    if one is not None and one.kind == "signers":
        # “签发人：孙某 示商函〔2023〕4号”: the names end where a 发文字号 begins
        names = one.value.names  # type: ignore[attr-defined]
        cut = next((k for k, n in enumerate(names) if parse_doc_number(n) is not None), None)
        if cut is not None and cut > 0:
            at = text.index(names[cut], text.index(names[cut - 1]) + len(names[cut - 1]))
            rest = parse_header_line(text[at:])
            head = parse_header_element(text[:at])
            if head is not None and rest is not None:
                return (head, *rest)
    if one is not None:
        return (one,)
    number = parse_doc_number(text)
    if number is not None and number.rest:
        rest = parse_header_line(number.rest)
        if rest is not None:
            head = HeaderElement("doc_number", number.written, replace(number, rest=""))
            return (head, *rest)
    parts = [p for p in _WIDE_GAP.split(text.strip()) if p]
    if len(parts) < 2:
        return None
    out: list[HeaderElement] = []
    for part in parts:
        elements = parse_header_line(part)
        if elements is None:
            return None
        out.extend(elements)
    return tuple(out)


# --- 标题 ----------------------------------------------------------------------------------------
TITLE_ENDINGS = ("答复", "复函", "回复", "答复函", "的函", "办理情况", "办理结果")
_TITLE = _lazy(rf"^{_SP}{_spaced('关于')}|{_words(*TITLE_ENDINGS)}{_SP}$")


def title_like(text: str) -> bool:
    """A reply's title, not a 发文机关标志: “关于……的答复” (“…的复函”, “…的回复” …),
    its characters perhaps spaced out (“答　复”)."""
    return _TITLE.search(text) is not None


# --- 抄送 (版记) ---------------------------------------------------------------------------------
CC_LABEL = "抄送："
_CC = _lazy(
    rf"^{_SP}(?P<label>{_words('抄送', '主送')}){_SP}(?P<colon>[:：]){_SP}(?P<names>.*)$")
_CC_SEPARATORS = _lazy(r"[，,、；;]")


@dataclass(frozen=True, slots=True)
class CarbonCopy:
    """A 版记 line of recipients: “抄送：甲，乙。” (or an old-style 版记 “主送：…”)."""

    label: str  # 抄送 or 主送 (blanks removed)
    colon: str  # as written
    names: tuple[str, ...]
    separators: frozenset[str]  # the marks between the names as written
    stop: bool  # ends with 。 (or .)
    written: str  # the names as written


def parse_cc(text: str) -> CarbonCopy | None:
    """“抄送：甲，乙。” with any of ，,、；; between names and “抄 送” spaced."""
    m = _CC.match(text)
    if not m:
        return None
    written = m.group("names").strip()
    body = written.rstrip("。.")
    names = tuple(p.strip() for p in _CC_SEPARATORS.split(body) if p.strip())
    return CarbonCopy("".join(m.group("label").split()), m.group("colon"), names,
                      frozenset(_CC_SEPARATORS.findall(body)), written.endswith(("。", ".")),
                      written)


def format_cc(names: Sequence[str]) -> tuple[str, str]:
    """(“抄送：”, “甲，乙。”): names set apart by “，”, a full stop after the last."""
    return CC_LABEL, "，".join(names).rstrip("。") + "。"


# --- template placeholders ----------------------------------------------------------------------
_PLACEHOLDER = _lazy(r"[（(]\s*(?:请在此|请填写)[^）)]*[）)]")


def find_placeholders(text: str) -> list[str]:
    """Placeholder text a template leaves for the drafter, e.g. “（请在此写明办理主要做法。）”."""
    return [m.group() for m in _PLACEHOLDER.finditer(text)]


# --- 附件说明 and attachment labels --------------------------------------------------------------
ATTACHMENT_LABEL = "附件"
_ATTACH_NOTE = _lazy(rf"^{_SP}{_spaced('附件')}{_SP}[:：]{_SP}(?P<rest>.*)$")
_ATTACH_ITEM = _lazy(rf"^{_SP}(?P<n>\d{{1,2}}){_SP}(?P<sep>[.．、]){_SP}(?P<title>\S.*)$")
_ATTACH_LABEL = _lazy(rf"^{_SP}{_spaced('附件')}{_SP}(?P<n>\d{{0,2}}){_SP}$")


@dataclass(frozen=True, slots=True)
class AttachmentNoteLine:
    """A line of 附件说明: the first (“附件：1. 名称” or “附件：名称”, ``labelled``) or a
    further item (“2. 名称”)."""

    labelled: bool
    number: int | None  # the item's number, None when it has none
    separator: str  # after the number as written (“.”, “．”, “、”), "" without a number
    title: str  # the attachment's name (for a labelled line without a number: all after “：”)
    item: str  # the line after “附件：” (the whole line without the label)


def parse_attachment_note(text: str) -> AttachmentNoteLine | None:
    """“附件：1. 名称”, “附件：名称” or, without the label, a numbered item “2. 名称”."""
    m = _ATTACH_NOTE.match(text)
    labelled = m is not None
    rest = m.group("rest") if m else text
    item = _ATTACH_ITEM.match(rest)
    if item:
        return AttachmentNoteLine(labelled, int(item.group("n")), item.group("sep"),
                                  item.group("title").strip(), rest.strip())
    if labelled:
        return AttachmentNoteLine(True, None, "", rest.strip(), rest.strip())
    return None


def format_attachment_note(titles: Sequence[str]) -> list[tuple[str, str, str]]:
    """The lines of 附件说明 as (label, number, name): “附件：名称” for one attachment, else
    “附件：1.名称” and then “2.名称” … (label "" on the later lines; 7.3.4 writes
    “1.XXXX”, no space after the number)."""
    if len(titles) == 1:
        return [(f"{ATTACHMENT_LABEL}：", "", titles[0])]
    return [(f"{ATTACHMENT_LABEL}：" if i == 0 else "", f"{i + 1}.", t)
            for i, t in enumerate(titles)]


def parse_attachment_label(text: str) -> int | None:
    """The number of an attachment page's label “附件2” (0 for a bare “附件”); None when
    ``text`` is not one."""
    m = _ATTACH_LABEL.match(text)
    if not m:
        return None
    return int(m.group("n")) if m.group("n") else 0


def format_attachment_label(number: int, count: int) -> str:
    """“附件” when the letter has one attachment, else “附件2”."""
    return ATTACHMENT_LABEL if count == 1 else f"{ATTACHMENT_LABEL}{number}"


# --- contact lines -------------------------------------------------------------------------------
CONTACT_LABELS = (
    "承办负责人", "承办人", "经办人", "主管领导", "分管领导", "负责人", "联系人", "联系电话",
    "办公电话", "电话", "手机", "联系方式", "承办单位", "承办处室", "协办单位", "传真",
    "电子邮箱", "邮箱", "通讯地址", "地址", "邮编", "联系单位", "联系部门",
)
# a label names a way to reach someone, perhaps after a few characters (办公室电话, 单位地址)
_ONE_LABEL = rf"[\u4e00-\u9fff]{{0,4}}?{_words(*CONTACT_LABELS)}"
_LABEL = rf"{_ONE_LABEL}(?:{_SP}(?:及|和|与|、|/|及其){_SP}{_ONE_LABEL})*"
_CONTACT_START = _lazy(rf"^{_SP}(?P<label>{_LABEL}){_SP}[:：]{_SP}")
_CONTACT_NEXT = _lazy(
    rf"(?P<sep>[ \t\u3000\xa0]+|{_SP}[；;，,]{_SP})(?P<label>{_LABEL}){_SP}[:：]")


@dataclass(frozen=True, slots=True)
class ContactLine:
    """A line of contacts: (label, value) items as written, and what set each item apart
    from the next (a mark such as “；” or “，” without the blanks around it, else the blanks
    as written)."""

    items: tuple[tuple[str, str], ...]
    separators: tuple[str, ...]


def parse_contacts(text: str) -> ContactLine | None:
    """“承 办 人:杨 洋  联系电话:123” → (承 办 人, 杨 洋), (联系电话, 123); labels as written
    (spaced labels, joined labels “承办人及联系电话”)."""
    m = _CONTACT_START.match(text)
    if not m:
        return None
    items: list[tuple[str, str]] = []
    separators: list[str] = []
    label, pos = m.group("label").strip(), m.end()
    while True:
        nxt = _CONTACT_NEXT.search(text, pos)
        value = text[pos: nxt.start() if nxt else len(text)].strip()
        if not value:
            return None
        items.append((label, value))
        if not nxt:
            break
        separators.append(nxt.group("sep").strip() or nxt.group("sep"))
        label = nxt.group("label").strip()
        pos = nxt.end()
        pos += len(text[pos:]) - len(text[pos:].lstrip(" \t\u3000\xa0"))
    return ContactLine(tuple(items), tuple(separators))


def format_contact(label: str, value: str) -> str:
    """“联系电话：28686334”."""
    return f"{label}：{value}"


def format_contact_line(items: Sequence[str], separator: str) -> str:
    """Several contacts on one line, as a published letter sets them apart
    (“联系人：甲，联系电话：123”)."""
    return separator.join(items)


# --- 附注 and 公开属性 ---------------------------------------------------------------------------
_NOTE = _lazy(r"^[（(](?P<inner>.+)[）)]$")
PUBLICITY_VALUES = ("主动公开", "依申请公开", "不予公开", "同意公开", "不公开", "部分公开",
                    "不同意公开", "公开发布")
_PUBLICITY_LABELS = ("公开属性", "公开方式", "公开类型", "信息公开属性", "信息公开方式",
                     "公开选项", "是否公开")
_PUBLICITY = _lazy(
    rf"^{_SP}[（(]?{_SP}(?:(?P<label>{_words(*_PUBLICITY_LABELS)}){_SP}[:：]{_SP}|此件{_SP})?"
    rf"(?P<value>{'|'.join(PUBLICITY_VALUES)})(?:发布)?{_SP}[）)]?{_SP}$"
)


def parse_note(text: str) -> str | None:
    """The text inside a 附注's parentheses: “（此件公开发布）” → 此件公开发布."""
    m = _NOTE.match(text.strip())
    return m.group("inner").strip() if m else None


def format_note(text: str) -> str:
    """A 附注 in parentheses: “（此件公开发布）” (parentheses already written are kept once)."""
    return f"（{text.strip('()（）')}）"


CONTACTS_NOTE_SEPARATOR = "；"


def format_contacts_note(lines: Sequence[str], separator: str | None = None) -> str:
    """Contacts set as a 附注: “（联系人：甲；联系电话：123）” (``separator`` a published
    letter's own mark between the items, e.g. “，”)."""
    return "（" + (separator or CONTACTS_NOTE_SEPARATOR).join(lines) + "）"


@dataclass(frozen=True, slots=True)
class Publicity:
    """A 公开属性 line: the value (主动公开 …) and its label (公开属性) as written."""

    value: str
    label: str | None


def parse_publicity(text: str) -> Publicity | None:
    """主动公开, 公开属性：主动公开, （此件依申请公开）, 此件公开发布 …"""
    m = _PUBLICITY.match(text)
    if not m:
        return None
    label = "".join(m.group("label").split()) if m.group("label") else None
    return Publicity(m.group("value"), label)


def format_publicity(value: str) -> str:
    """The 公开属性 as a 附注: “（此件主动公开）”."""
    return format_note(f"此件{value}")


# --- page numbers --------------------------------------------------------------------------------
# the page number's form (“— 3 —”: a dash and a space each side) is a GB/T 9704 figure
format_page_number = page_number_text

_PAGE_NUMBER = _lazy(
    r"^(?:[^\d\u3400-\u9fff]{0,4}(?P<n>\d{1,4})[^\d\u3400-\u9fff]{0,4}"
    r"|第\s*(?P<n2>\d{1,4})\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|(?P<n3>\d{1,4})\s*/\s*\d{1,4})$"
)


def parse_page_number(text: str) -> int | None:
    """A printed page number in any common dress: “— 3 —”, “-3-”, “3”, “第3页（共6页）”,
    “3/6”; None otherwise."""
    m = _PAGE_NUMBER.match(text.strip())
    if not m:
        return None
    return int(m.group("n") or m.group("n2") or m.group("n3"))
