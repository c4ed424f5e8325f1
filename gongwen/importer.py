"""Published replies (plain text or DOCX) → letter YAML.

``import_file(path)`` reads a reply as it was published — copied from a government website,
or a Word file (gongwen's own or anyone's) — and recognises the parts of a 答复函: 版头
elements (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 答复类别), 公开属性, the
title (one or more lines), 主送, the body with its four heading levels (standalone or
run-in), the closing formula, contacts, 附件说明, 署名, 成文日期, 附注, attachment pages and
抄送/印发. Website chrome (【纠错】【打印本页】, 来源/发布时间 lines, breadcrumbs) is dropped.

Text is kept as written: punctuation width, spaced-out labels (承 办 人) and spaced titles
(答　复) stay, so that composing the imported letter gives back the published text
(``textnorm.normalise`` equal). Where the model can only hold a canonical form — a date in
Chinese numerals, a 发文字号 in [] brackets, "类别：B" — the import converts and records a
:class:`Guess`; ``to_yaml`` writes each guess as a comment beside the field it concerns.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import bundled
from .compose import heading_number
from .errors import GongwenError
from .model import MAX_HEADING_LEVEL, Letter
from .read import (
    MC,
    DocxStyles,
    W,
    decode_text,
    docx_paragraphs,
    paragraph_style_id,
    read_input,
)
from .spec import HEADING_ROLES, Role
from .textnorm import normalise

__all__ = [
    "Guess",
    "Imported",
    "SourceLine",
    "import_file",
    "import_lines",
    "import_text",
    "is_chrome",
    "read_docx_lines",
    "read_source",
    "read_text_lines",
    "to_yaml",
]

Path_ = tuple[str | int, ...]


# --- what the import reads and returns --------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SourceLine:
    """One paragraph of the source: its text as written and, from a DOCX, hints.

    ``role`` comes from a paragraph style (gongwen's own, or Word's Title/Heading n);
    ``split`` is where a run-in heading's formatting changes (heading font → body font),
    ``None`` when the paragraph is in one formatting (then the text decides).
    """

    text: str
    number: int  # 1-based line or paragraph number, for messages
    role: Role | None = None
    split: int | None = None
    breaks: tuple[str, ...] = ()  # a DOCX paragraph's lines when it has manual line breaks


@dataclass(frozen=True, slots=True)
class Guess:
    """Something the import inferred or rewrote; becomes a YAML comment at ``path``."""

    path: Path_
    message: str


@dataclass
class Imported:
    """The result of an import: the letter, its data in YAML order, and what was done."""

    letter: Letter
    data: dict[str, Any]
    source: str
    guesses: list[Guess] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # website chrome
    plain: list[str] = field(default_factory=list)  # body paragraphs kept as paragraphs
    closing: list[str] = field(default_factory=list)  # closing formula paragraphs
    styled: bool = False  # roles read from gongwen's DOCX styles
    unwrapped: int = 0  # line breaks of a hard-wrapped copy joined into paragraphs

    def heading_counts(self) -> dict[int, int]:
        counts: Counter[int] = Counter()

        def walk(blocks: Sequence[object], level: int) -> None:
            for b in blocks:
                if isinstance(b, dict):
                    counts[level] += 1
                    walk(b.get("body", []), level + 1)

        walk(self.data["body"], 1)
        return {level: counts[level] for level in range(1, MAX_HEADING_LEVEL + 1)}


# --- patterns ---------------------------------------------------------------------------------
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "О": 0, "O": 0, "0": 0,
             "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十"
_CN_YEAR = "〇○零ＯОO一二三四五六七八九"

_SP = r"[ \t\u3000\xa0]*"
_ARABIC_DATE = re.compile(
    rf"^(?P<y>\d{{4}}){_SP}(?:年{_SP}(?P<m>\d{{1,2}}){_SP}月{_SP}(?P<d>\d{{1,2}}){_SP}日"
    rf"|(?P<sep>[-./]){_SP}(?P<m2>\d{{1,2}}){_SP}(?P=sep){_SP}(?P<d2>\d{{1,2}}))$"
)
_CHINESE_DATE = re.compile(
    rf"^(?P<y>[{_CN_YEAR}]{{4}}){_SP}年{_SP}(?P<m>[{_CN}]{{1,2}}){_SP}月{_SP}"
    rf"(?P<d>[{_CN}]{{1,3}}){_SP}日$"
)
_BRACKETS = {"〔": "〕", "[": "]", "【": "】", "［": "］", "﹝": "﹞", "(": ")", "（": "）",
             "〖": "〗"}
_DOC_NUMBER = re.compile(
    rf"^(?P<code>[^\s〔〕\[\]【】［］﹝﹞()（）〖〗:：]+?){_SP}(?P<open>[〔\[【［﹝(（〖]){_SP}"
    rf"(?P<year>\d{{4}}){_SP}(?P<close>[〕\]】］﹞)）〗]){_SP}(?P<di>第?){_SP}(?P<serial>\d+)"
    rf"{_SP}号"
)
_COPY_NUMBER = re.compile(r"^\d{6}$")
_SECRECY = re.compile(rf"^(?P<s>绝密|机密|秘密)(?:{_SP}★{_SP}(?P<p>\S.*))?$")
_URGENCY = re.compile(r"^(?P<u>特急|加急)$")
_SIGNER = re.compile(rf"^签{_SP}发{_SP}人{_SP}[:：]{_SP}(?P<names>\S.*)$")
_CATEGORY = re.compile(
    rf"^(?P<open>[（(【\[［]?){_SP}(?:(?P<label>(?:答复|办理结果|办理|提案|建议|答复件)?"
    rf"{_SP}(?:类别|类型|分类)){_SP}[:：]?{_SP})?(?P<c>[A-DＡ-Ｄ]){_SP}(?P<lei>类?){_SP}"
    rf"(?P<close>[）)】\]］]?)$"
)
_PUBLICITY_VALUES = "主动公开|依申请公开|不予公开|同意公开|不公开|部分公开|不同意公开|公开发布"
_PUBLICITY = re.compile(
    rf"^[（(]?{_SP}(?:(?:公开属性|公开方式|公开类型|信息公开属性|信息公开方式|公开选项|是否公开)"
    rf"{_SP}[:：]{_SP}|此件{_SP})?(?:{_PUBLICITY_VALUES})(?:发布)?{_SP}[）)]?$"
)
_NOTE_PARENS = re.compile(r"^[（(](?P<inner>.+)[）)]$")
_ATTACH_NOTE = re.compile(rf"^附{_SP}件{_SP}[:：]{_SP}(?P<rest>.*)$")
_ATTACH_ITEM = re.compile(rf"^(?P<n>\d{{1,2}}){_SP}(?P<sep>[.．、]){_SP}(?P<title>\S.*)$")
_ATTACH_LABEL = re.compile(rf"^附{_SP}件{_SP}(?P<n>\d{{0,2}})$")
_CC = re.compile(rf"^抄{_SP}送{_SP}[:：]{_SP}(?P<names>.*)$")
_PRINT = re.compile(rf"^(?P<printer>\S.*?)[ \t\u3000\xa0]+(?P<date>\S.*?){_SP}印发$")
_CLOSING = re.compile(
    r"感谢|谢谢|特此函复|特此答复|专此答复|专此函复|特此复函|此复|请予谅解|敬请谅解"
    r"|欢迎.{0,20}(?:意见|建议|监督)|^最后[,，]"
)

# heading markers; rank 1–4 is the GB/T 9704 level the marker style belongs to
_HEADING_MARKERS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^(?P<num>[{_CN}]{{1,3}}{_SP}[、.．])")),
    (2, re.compile(rf"^(?P<num>[（(]{_SP}[{_CN}]{{1,3}}{_SP}[）)])")),
    (3, re.compile(rf"^(?P<num>\d{{1,2}}{_SP}[.．、])(?![\d.．])")),
    (4, re.compile(rf"^(?P<num>[（(]{_SP}\d{{1,2}}{_SP}[）)])")),
)
_RUN_IN_END = "。！？：!?:."
_OPENERS, _CLOSERS = "《“‘（(〔【「『", "》”’）)〕】」』"

_CONTACT_TOKENS = (
    "承办负责人", "承办人", "经办人", "主管领导", "分管领导", "负责人", "联系人", "联系电话",
    "办公电话", "电话", "手机", "联系方式", "承办单位", "承办处室", "协办单位", "传真",
    "电子邮箱", "邮箱", "通讯地址", "地址", "邮编",
)


def _spaced(word: str) -> str:
    return _SP.join(re.escape(ch) for ch in word)


_TOKEN_RE = "(?:" + "|".join(
    _spaced(t) for t in sorted(_CONTACT_TOKENS, key=len, reverse=True)) + ")"
_LABEL_RE = rf"{_TOKEN_RE}(?:{_SP}(?:及|和|与|、|/|及其){_SP}{_TOKEN_RE})*"
_CONTACT_START = re.compile(rf"^(?P<label>{_LABEL_RE}){_SP}[:：]{_SP}")
_CONTACT_NEXT = re.compile(
    rf"(?P<sep>[ \t\u3000\xa0]+|{_SP}[；;，,]{_SP})(?P<label>{_LABEL_RE}){_SP}[:：]")

_FINAL = ("。", "！", "？", "!", "?", "；", ";", "：", ":", "”", "」")
_RUN_ON_ADDRESSEE = re.compile(
    r"^(?P<names>(?:尊敬的)?[^，,。：:；;“”《》]{2,40}?(?:委员|代表|同志|先生|女士|委员会|党派|"
    r"民革|民盟|民建|民进|农工党|致公党|九三学社|台盟|工商联)(?:们)?)[:：](?P<rest>\S.*)$"
)
_SENTENCE_PUNCT = set("。，,；;：:！!？?“”\"《》")


# --- reading the source -----------------------------------------------------------------------
def read_source(path: Path) -> tuple[list[SourceLine], bool]:
    """The paragraphs of a text or DOCX file, and whether gongwen's styles gave roles."""
    data = read_input(path)
    suffix = path.suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix == ".docx":
        return read_docx_lines(data, str(path))
    if suffix == ".doc" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise GongwenError(f"{path}: 不支持旧版 Word .doc 文件；请在 Word 中另存为 .docx")
    if data.startswith(b"%PDF-"):
        raise GongwenError(f"{path}: 不支持从 PDF 导入；请导入网页文字（.txt）或 DOCX")
    return read_text_lines(decode_text(data, str(path), "文本或 DOCX")), False


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufffe\uffff"), None)
# C0/C1 control characters (a letter file may not hold them); a vertical tab or form feed
# (Word's line and page breaks in a copy) becomes a space
_INVISIBLE.update(dict.fromkeys([*range(0x00, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0)],
                                 None))
_INVISIBLE.update({0x0B: " ", 0x0C: " "})


def _clean(text: str) -> str:
    return text.translate(_INVISIBLE).strip(" \t\r\n\u3000\xa0\u2028\u2029")


def read_text_lines(text: str) -> list[SourceLine]:
    """One paragraph per non-empty line, surrounding blanks (the 　　 indent) removed."""
    out = []
    for i, line in enumerate(re.split(r"\r\n|\r|\n|\u2028|\u2029", text), 1):
        line = _clean(line)
        if line:
            out.append(SourceLine(line, i))
    return out


_W = f"{{{W}}}"
_SKIP = {f"{_W}txbxContent", f"{{{MC}}}Fallback", f"{_W}del", f"{_W}instrText",
         f"{_W}pPr", f"{_W}rPr", f"{_W}delText", f"{_W}footnoteReference"}


def _run_props(run: Any) -> tuple[str, bool]:
    rpr = run.find(f"{_W}rPr")
    if rpr is None:
        return "", False
    style = rpr.find(f"{_W}rStyle")
    bold = rpr.find(f"{_W}b")
    is_bold = bold is not None and bold.get(f"{_W}val", "true") not in ("0", "false", "off")
    return (style.get(f"{_W}val", "") if style is not None else ""), is_bold


def _paragraph_runs(p: Any) -> list[tuple[str, tuple[str, bool]]]:
    """(text, (character style, bold)) of each run of a w:p, text boxes and deletions left out."""
    runs: list[tuple[str, tuple[str, bool]]] = []

    def walk(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}r":
                rpr = child.find(f"{_W}rPr")
                if rpr is not None and rpr.find(f"{_W}vanish") is not None:
                    continue
                parts = []
                for c in child:
                    if c.tag == f"{_W}t":
                        parts.append(c.text or "")
                    elif c.tag == f"{_W}tab":
                        parts.append("\t")
                    elif c.tag == f"{_W}cr" or (
                        c.tag == f"{_W}br" and c.get(f"{_W}type") not in ("page", "column")
                    ):
                        parts.append("\n")
                    elif c.tag == f"{_W}noBreakHyphen":
                        parts.append("-")
                if parts:
                    runs.append(("".join(parts), _run_props(child)))
            else:
                walk(child)

    walk(p)
    return runs


def read_docx_lines(data: bytes, name: str = "<docx>") -> tuple[list[SourceLine], bool]:
    """Paragraphs of any DOCX in reading order: body, tables and text boxes (the 版头 gongwen
    anchors to the page); headers and footers are left out. Paragraph styles give roles:
    gongwen's own styles when the file has them, Word's Title and Heading 1–4 otherwise."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a bad file
        raise GongwenError(f"{name}: 不是可读的 DOCX 文件（{type(exc).__name__}）") from None
    styles = DocxStyles.of(document)
    lines: list[SourceLine] = []
    for p in docx_paragraphs(document):
        runs = _paragraph_runs(p)
        raw = "".join(t for t, _ in runs)
        role = styles.role(paragraph_style_id(p))
        if role is Role.RECORD_PRINT:
            raw = raw.replace("\t", " ")
        lead = len(raw) - len(raw.lstrip(" \t\r\n\u3000\xa0"))
        text = _clean(raw).replace("\t", " ")
        parts = tuple(ln.strip() for ln in text.split("\n") if ln.strip())
        text = "\n".join(parts) if role is Role.TITLE else "".join(parts)
        if not text:
            continue
        # where the formatting changes (run-in heading → body text)
        split: int | None = None
        groups: list[tuple[tuple[str, bool], int]] = []
        pos = 0
        for t, props in runs:
            if t.strip() and (not groups or groups[-1][0] != props):
                groups.append((props, pos))
            pos += len(t)
        if len(groups) >= 2:
            split = max(0, groups[1][1] - lead)
        lines.append(SourceLine(text, len(lines) + 1, role, split,
                                parts if len(parts) > 1 else ()))
    return lines, styles.gongwen


# --- website chrome ---------------------------------------------------------------------------
_CHROME_WORDS = {
    "纠错", "我要纠错", "加入收藏", "收藏", "收藏本页", "打印本页", "打印", "打印此页",
    "关闭窗口", "关闭", "关闭本页", "返回顶部", "返回", "分享", "分享到", "保存", "保存本页",
    "大", "中", "小", "默认", "字体", "字号", "top", "返回首页", "打印正文",
}
_META = re.compile(
    r"^(?:来源|信息来源|文章来源|稿件来源|发布时间|发布日期|更新时间|更新日期|浏览次数|浏览量|"
    r"点击数|点击次数|点击量|阅读次数|阅读数|阅读量|访问次数|访问量|作者|责任编辑|编辑|审核|"
    r"字号|字体|索引号|发布机构|发文机关|文号|生成日期|主题分类|分享到|扫一扫|上一篇|下一篇|"
    r"相关链接|相关阅读|相关文件|附件下载|相关附件|下载附件|名称|所属机构|公开时限)[:：]"
)
_BREADCRUMB_START = re.compile(
    r"^(?:首页|网站首页|当前位置|您的位置|您当前的位置|您现在的位置|位置)")
_BREADCRUMB_SEP = re.compile(r"\s*(?:>|＞|»|›|→|>>)\s*")


def is_chrome(line: str) -> bool:
    """Website furniture around a published reply, not part of the letter."""
    compact = re.sub(r"\s+", "", line)
    if not compact or len(compact) > 120:
        return False
    bracketed = re.findall(r"[【\[［](.*?)[】\]］]", compact)
    rest = re.sub(r"[【\[［].*?[】\]］]", "", compact).strip("|｜/·")
    if bracketed and not rest and all(
        tok.strip(":：").lower() in _CHROME_WORDS or tok.startswith(("字体", "字号"))
        for tok in bracketed
    ):
        return True
    tokens = [t for t in re.split(r"[\s|｜/·]+", line.strip()) if t]
    if tokens and all(t.lower() in _CHROME_WORDS for t in tokens) and len(tokens) >= 1 and any(
        len(t) > 1 for t in tokens
    ):
        return True
    if _META.match(compact) and not _PUBLICITY.match(line.strip()):
        return True
    if any(w in compact for w in ("浏览次数", "点击数：", "阅读次数", "访问量")):
        return True
    return bool(_BREADCRUMB_SEP.search(line)) and (
        bool(_BREADCRUMB_START.match(compact))
        or all(0 < len(seg) <= 12 and "。" not in seg for seg in _BREADCRUMB_SEP.split(compact))
    )


# --- small recognisers ------------------------------------------------------------------------
def _cn_number(s: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 三十一 → 31."""
    if "十" not in s:
        return CN_DIGITS[s] if len(s) == 1 else int("".join(str(CN_DIGITS[c]) for c in s))
    tens, _, ones = s.partition("十")
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def parse_date(text: str) -> tuple[dt.date, str | None] | None:
    """A whole-line date → (date, why it was converted or None when written canonically)."""
    t = text.strip()
    m = _ARABIC_DATE.match(t)
    if m:
        y = int(m.group("y"))
        mo, d = (m.group("m"), m.group("d")) if m.group("m") else (m.group("m2"), m.group("d2"))
        try:
            date = dt.date(y, int(mo), int(d))
        except ValueError:
            return None
        canonical = f"{date.year}年{date.month}月{date.day}日"
        if normalise(t) == canonical:
            return date, None
        return date, f"日期原文“{t}”，已写作 {date.isoformat()}（印作 {canonical}）"
    m = _CHINESE_DATE.match(t)
    if m:
        try:
            y = int("".join(str(CN_DIGITS[c]) for c in m.group("y")))
            date = dt.date(y, _cn_number(m.group("m")), _cn_number(m.group("d")))
        except (KeyError, ValueError):
            return None
        canonical = f"{date.year}年{date.month}月{date.day}日"
        return date, f"日期原文为汉字数字“{t}”，已换算为 {date.isoformat()}（印作 {canonical}）"
    return None


def parse_doc_number(text: str) -> tuple[str, str | None, str] | None:
    """A 发文字号 at the start of ``text`` → (canonical number, why changed, rest of line)."""
    m = _DOC_NUMBER.match(text.strip())
    if not m:
        return None
    serial = m.group("serial")
    number = f"{m.group('code')}〔{m.group('year')}〕{int(serial)}号"
    written = text.strip()[: m.end()]
    rest = text.strip()[m.end():].strip()
    if normalise(written) == normalise(number) and _BRACKETS.get(m.group("open")) == "〕":
        return number, None, rest
    changes = []
    if m.group("open") != "〔" or m.group("close") != "〕":
        changes.append(f"年份括号 {m.group('open')}{m.group('close')} 改为六角括号〔〕")
    if m.group("di"):
        changes.append("去掉序号前的“第”")
    if serial != str(int(serial)):
        changes.append("去掉序号的前导0")
    why = f"发文字号原文“{written}”，" + "，".join(changes or ["已规范"]) + "（GB/T 9704 7.2.5）"
    return number, why, rest


def parse_category(text: str) -> tuple[str, str | None] | None:
    m = _CATEGORY.match(text.strip())
    if not m:
        return None
    if bool(m.group("open")) != bool(m.group("close")):
        return None
    if not (m.group("label") or m.group("lei") or m.group("open")) and len(text.strip()) != 1:
        return None
    letter = unicodedata.normalize("NFKC", m.group("c")).upper()
    why = None if text.strip() == letter else f"答复类别原文“{text.strip()}”，印作“{letter}”"
    return letter, why


def parse_contacts(text: str) -> tuple[list[dict[str, str]], list[str]] | None:
    """'承 办 人:杨 洋  联系电话:123' → contacts and the separators that were dropped."""
    m = _CONTACT_START.match(text)
    if not m:
        return None
    items: list[dict[str, str]] = []
    dropped: list[str] = []
    label, pos = m.group("label").strip(), m.end()
    while True:
        nxt = _CONTACT_NEXT.search(text, pos)
        value = text[pos: nxt.start() if nxt else len(text)].strip()
        if not value:
            return None
        items.append({"label": label, "value": value})
        if not nxt:
            break
        sep = nxt.group("sep").strip()
        if sep:
            dropped.append(sep)
        label = nxt.group("label").strip()
        pos = nxt.end()
        pos += len(text[pos:]) - len(text[pos:].lstrip(" \t\u3000\xa0"))
    return items, dropped


def _organ_like(text: str) -> bool:
    t = text.strip()
    return (
        0 < len(t) <= 40
        and not (_SENTENCE_PUNCT & set(t))
        and _heading(t) is None
        and parse_date(t) is None
        and not _CLOSING.search(t)
    )


def _split_organs(text: str) -> list[str]:
    return [p for p in re.split(r"[ \t\xa0]{2,}|\u3000+|\t", text.strip()) if p.strip()]


def _heading(text: str) -> tuple[int, str, str] | None:
    """(marker rank, number as written, the rest) when ``text`` starts with a heading number."""
    for rank, pattern in _HEADING_MARKERS:
        m = pattern.match(text)
        if m:
            rest = text[m.end():].strip()
            if rest:
                return rank, m.group("num").strip(), rest
    return None


def _run_in_split(rest: str) -> int | None:
    """Index just after the heading of a run-in paragraph ('突出规划引领。|聚焦…'), or None."""
    depth = 0
    for i, ch in enumerate(rest):
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and ch == "." and 0 < i < len(rest) - 1 and (
            rest[i - 1].isdigit() or (rest[i + 1].isascii() and rest[i + 1].isalnum())
        ):
            continue  # 4.0, www.example.cn
        elif depth == 0 and ch in _RUN_IN_END:
            if ch in "!?:" and i + 1 < len(rest) and rest[i + 1].isascii() \
                    and not rest[i + 1].isspace():
                continue  # 'http://', 'a:b'
            j = i + 1
            while j < len(rest) and rest[j] in _CLOSERS:
                j += 1
            return j if rest[j:].strip() else None
    return None


def _is_header_part(text: str) -> bool:
    t = text.strip()
    doc = parse_doc_number(t)
    return bool(
        _COPY_NUMBER.match(t) or _SECRECY.match(t) or _URGENCY.match(t) or _SIGNER.match(t)
        or (doc and not doc[2]) or parse_category(t)
    )


def _is_publicity(text: str) -> bool:
    return bool(_PUBLICITY.match(text.strip()))


# --- the parser -------------------------------------------------------------------------------
class _Parser:
    def __init__(self, lines: list[SourceLine], source: str, styled: bool):
        self.source = source
        self.styled = styled
        self.guesses: list[Guess] = []
        self.dropped: list[str] = []
        self.plain: list[str] = []
        self.closing: list[str] = []
        self.lines: list[SourceLine] = []
        for line in lines:
            if line.role is None and is_chrome(line.text):
                self.dropped.append(line.text)
                continue
            if (line.role is None and self.lines and self.lines[-1].role is None
                    and _organ_like(self.lines[-1].text) and line.text.endswith("印发")
                    and parse_date(line.text[:-2]) is not None):
                # 印发机关 and 印发日期 in two cells of a 版记 table
                prev = self.lines.pop()
                line = SourceLine(f"{prev.text} {line.text}", prev.number)
            parts = _split_organs(line.text) if line.role is None else []
            if (len(parts) >= 2 and parse_date(parts[-1]) is not None
                    and all(_organ_like(p) for p in parts[:-1])):
                # 署名 and 成文日期 on one line, set apart by wide spaces
                self.lines.extend(SourceLine(p, line.number) for p in parts)
            else:
                self.lines.append(line)
        self.notes: list[str] = []
        self.note_guesses: list[str] = []
        self.unwrapped = 0  # line breaks of a hard-wrapped copy removed
        self.early_record: list[SourceLine] = []  # 抄送 written before attachment pages

    def guess(self, path: Path_, message: str) -> None:
        self.guesses.append(Guess(path, message))

    def fail(self, message: str) -> GongwenError:
        return GongwenError(f"{self.source}: {message}")

    # roles: a hint from styles wins; otherwise the text decides
    def is_date(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.DATE
        return parse_date(line.text) is not None

    def is_attach_label(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.ATTACHMENT_LABEL
        return bool(_ATTACH_LABEL.match(line.text))

    def is_record(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role in (Role.RECORD_CC, Role.RECORD_PRINT)
        return bool(_CC.match(line.text)) or self.print_line(line.text) is not None

    def print_line(self, text: str) -> tuple[str, dt.date, str | None] | None:
        m = _PRINT.match(text.strip())
        if not m:
            return None
        parsed = parse_date(m.group("date"))
        if parsed is None:
            return None
        return m.group("printer").strip(), parsed[0], parsed[1]

    def is_contact(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.CONTACT and parse_contacts(line.text) is not None
        return parse_contacts(line.text) is not None

    def is_attach_note(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.ATTACHMENT_NOTE
        return bool(_ATTACH_NOTE.match(line.text))

    # -- the whole letter ---------------------------------------------------------------------
    def parse(self) -> dict[str, Any]:
        lines = self.lines
        n = len(lines)
        if not n:
            raise self.fail("没有文字（空文件，或只有网站附加内容）")
        # 版记 at the end
        rec_start = n
        while rec_start > 0 and self.is_record(lines[rec_start - 1]):
            rec_start -= 1
        # the date: the last date line followed only by after-date items (up to the
        # attachment pages or the 版记)
        date_i: int | None = None
        att_i = rec_start
        for d in range(rec_start - 1, -1, -1):
            if not self.is_date(lines[d]):
                continue
            end = next((k for k in range(d + 1, rec_start) if self.is_attach_label(lines[k])),
                       rec_start)
            if all(self.is_after_date(lines[k]) for k in range(d + 1, end)):
                date_i, att_i = d, end
                break
        if date_i is None:
            raise self.fail("找不到成文日期（如 2022年9月29日，独占一行，位于署名之下）")
        # 署名: organ lines just above the date
        sig_i = date_i
        while sig_i > 0:
            prev = lines[sig_i - 1]
            if prev.role is Role.SIGNATURE or (
                prev.role is None and _organ_like(prev.text) and not self.is_contact(prev)
                and not self.is_attach_note(prev) and not _ATTACH_ITEM.match(prev.text)
            ):
                sig_i -= 1
                if date_i - sig_i >= 6:
                    break
            else:
                break
        if sig_i == date_i:
            raise self.fail(
                f"第 {lines[date_i].number} 行的日期之上找不到发文机关署名（署名应独占一行）"
            )
        # contacts and 附件说明 just above the 署名
        pre_i = sig_i
        while pre_i > 0:
            prev = lines[pre_i - 1]
            if self.is_contact(prev) or self.is_attach_note(prev):
                pre_i -= 1
                continue
            if prev.role is None and _ATTACH_ITEM.match(prev.text):
                k = pre_i - 1
                while k > 0 and lines[k - 1].role is None and _ATTACH_ITEM.match(lines[k - 1].text):
                    k -= 1
                if k > 0 and self.is_attach_note(lines[k - 1]):
                    pre_i = k - 1
                    continue
            break

        head_end, addressees = self.head(lines[:pre_i])
        body_lines = lines[head_end:pre_i]
        if not body_lines:
            raise self.fail("找不到正文")
        run_on = _RUN_ON_ADDRESSEE.match(body_lines[0].text)
        if not addressees and body_lines[0].role is None and run_on:
            addressees = [p.strip() for p in run_on.group("names").split("、") if p.strip()]
            body_lines[0] = SourceLine(run_on.group("rest").strip(), body_lines[0].number)
            self.guess(("addressees",), "原文主送与正文第一段在同一行，已分开")
        body = self.body(body_lines, ("body",), top=True)
        contacts_before, attach_note = self.pre_signature(lines[pre_i:sig_i])
        contacts_after, placement_after = self.after_date(lines[date_i + 1: att_i])
        organs = []
        for line in lines[sig_i:date_i]:
            organs.extend(_split_organs(line.text) if line.role is None else [line.text])
        date, why = parse_date(lines[date_i].text) or (None, None)
        if date is None:
            raise self.fail(f"第 {lines[date_i].number} 行的成文日期无法识别：{lines[date_i].text}")
        signature: dict[str, Any] = {"organs": organs, "date": date}
        if why:
            self.guess(("signature", "date"), why)
        attachments = self.attachments(attach_note, lines[att_i:rec_start])
        record = self.record([*self.early_record, *lines[rec_start:]])

        # assemble in the order of the letter files
        head = self.header_data
        out: dict[str, Any] = {}
        fmt = "plain"
        header: dict[str, Any] = {}
        for key in ("organs", "copy_number", "secrecy", "secrecy_period", "urgency",
                    "doc_number", "signers", "reply_category"):
            if head.get(key):
                header[key] = head[key]
        if header:
            fmt = head.get("format", "letter")
            if not header.get("organs"):
                header = {"organs": list(organs), **header}
                self.guess(("header", "organs"),
                           "原文没有发文机关标志，按署名补出（版头须有标志）")
        if record and record.get("printer") and fmt == "letter":
            fmt = "document"
            header.setdefault("mark_suffix", "")
            self.guess(("format",), "原文有印发机关和印发日期（信函格式没有），按文件格式导入")
        out["format"] = fmt
        if header:
            if fmt == "document" and "mark_suffix" not in header and not head.get("suffix"):
                header["mark_suffix"] = ""
            out["header"] = {k: header[k] for k in ("organs", "mark_suffix", "copy_number",
                                                     "secrecy", "secrecy_period", "urgency",
                                                     "doc_number", "signers", "reply_category")
                             if k in header}
        if head.get("title"):
            out["title"] = head["title"]
        if addressees:
            out["addressees"] = addressees
        out["body"] = body
        placement = None
        contacts: list[dict[str, str]] = []
        if contacts_before:
            contacts, placement = contacts_before, "before_signature"
            if contacts_after:
                self.guess(("contacts",), "署名前和日期后都有联系人信息，一并放在署名之前")
                contacts = contacts + contacts_after
        elif contacts_after:
            contacts, placement = contacts_after, placement_after
        if contacts:
            out["contacts"] = contacts
            out["contacts_placement"] = placement
        if attachments:
            out["attachments"] = attachments
        out["signature"] = signature
        if self.notes:
            out["note"] = "；".join(self.notes)
            if len(self.notes) > 1:
                self.note_guesses.append(f"原文有 {len(self.notes)} 处附注，合为一行，以“；”分隔")
            for message in self.note_guesses:
                self.guess(("note",), message)
        if record:
            out["record"] = record
        return out

    def is_after_date(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role in (Role.NOTE, Role.CONTACT)
        t = line.text
        if self.is_contact(line) or _is_publicity(t) or self.is_record(line):
            return True
        m = _NOTE_PARENS.match(t)
        return bool(m) and len(t) <= 120

    # -- 版头, title and 主送 ---------------------------------------------------------------
    def head(self, lines: list[SourceLine]) -> tuple[int, list[str]]:
        """Index where the body starts, and the addressees."""
        self.header_data: dict[str, Any] = {}
        addressee_i = None
        for i, line in enumerate(lines[:20]):
            if line.role is Role.ADDRESSEE:
                addressee_i = i
                break
            if line.role is not None and line.role is not Role.TITLE:
                if line.role in (Role.BODY, *HEADING_ROLES):
                    break
                continue
            t = line.text
            if (t.rstrip().endswith((":", "：")) and len(t) <= 80 and "。" not in t
                    and _heading(t) is None and parse_contacts(t) is None
                    and not _SIGNER.match(t) and not _CC.match(t)):
                addressee_i = i
                break
            if t.startswith("尊敬的") and len(t) <= 80 and "。" not in t:
                addressee_i = i
                break
            if len(t) > 60 or t.endswith("。"):
                break
        if addressee_i is not None:
            head_end = addressee_i
        else:
            head_end = 0
            for i, line in enumerate(lines):
                if line.role in (Role.BODY, *HEADING_ROLES) or (
                    line.role is None and (len(line.text) > 40 or line.text.endswith("。")
                                           or _heading(line.text))
                ):
                    break
                head_end = i + 1
        self.header(lines[:head_end])
        if addressee_i is None:
            return head_end, []
        line = lines[addressee_i]
        text = re.sub(r"[:：]\s*$", "", line.text).strip()
        names = [p.strip() for p in text.split("、") if p.strip()]
        return addressee_i + 1, names

    def header(self, lines: list[SourceLine]) -> None:
        h = self.header_data
        kinds: list[str | None] = []
        for line in lines:
            kinds.append(self.header_item(line))
        last_banner = max((i for i, k in enumerate(kinds)
                           if k in ("copy", "secrecy", "urgency", "doc", "signer", "category")),
                          default=-1)
        organs: list[str] = []
        title: list[str] = []
        for i, (line, kind) in enumerate(zip(lines, kinds, strict=True)):
            if kind is not None:
                continue
            if line.role is Role.ORGAN_MARK or (
                line.role is None and i < last_banner and _organ_like(line.text)
            ) or (line.role is None and not title and line.text.endswith("文件")
                  and _organ_like(line.text)):
                organs.append(line.text)
            else:
                title.extend(line.breaks or line.text.split("\n"))
        if organs:
            if all(o.endswith("文件") and len(o) > 2 for o in organs):
                h["format"] = "document"
                h["suffix"] = True
                organs = [o[:-2].strip() for o in organs]
            else:
                h["format"] = "letter"
            h["organs"] = organs
        title = [t.strip() for t in title if t.strip()]
        for j in range(1, len(title)):  # a web page's own heading repeating the title
            if "".join(title[:j]) == "".join(title[j:]):
                self.dropped.extend(title[:j])
                title = title[j:]
                break
        if title:
            h["title"] = "\n".join(title)
            if len(title) > 3:
                self.guess(("title",), f"{len(title)} 行都当作标题，请核对是否混入了其他文字")

    def header_item(self, line: SourceLine) -> str | None:
        """Record a 版头 element (or 公开属性) in ``header_data``; its kind, or None.

        A line may hold several elements set apart by wide spaces ("A类    X函〔2022〕1号").
        """
        kind = self.header_part(line, line.text.strip())
        if kind is not None or line.role is not None:
            return kind
        parts = _split_organs(line.text)
        if len(parts) < 2 or not all(_is_header_part(p) for p in parts):
            return None
        kinds = [self.header_part(line, p) for p in parts]
        return next((k for k in kinds if k in ("doc", "signer", "copy", "secrecy", "urgency")),
                    kinds[-1])

    def header_part(self, line: SourceLine, t: str) -> str | None:
        h = self.header_data
        role = line.role
        if role in (None, Role.COPY_NUMBER) and _COPY_NUMBER.match(t):
            h["copy_number"] = t
            return "copy"
        m = _SECRECY.match(t)
        if role in (None, Role.SECRECY) and m:
            h["secrecy"] = m.group("s")
            if m.group("p"):
                h["secrecy_period"] = m.group("p").strip()
            return "secrecy"
        m = _URGENCY.match(t)
        if role in (None, Role.URGENCY) and m:
            h["urgency"] = m.group("u")
            return "urgency"
        if role in (None, Role.SIGNER) and _SIGNER.match(t):
            self.signers(t)
            return "signer"
        if role in (None, Role.DOC_NUMBER):
            parsed = parse_doc_number(t)
            if parsed:
                number, why, rest = parsed
                h["doc_number"] = number
                if why:
                    self.guess(("header", "doc_number"), why)
                if rest:
                    if _SIGNER.match(rest):
                        self.signers(rest)
                    elif parse_category(rest):
                        self.category(rest)
                    else:
                        raise self.fail(f"第 {line.number} 行发文字号后的文字无法识别：{rest}")
                return "doc"
        if role in (None, Role.REPLY_CATEGORY) and parse_category(t):
            self.category(t)
            return "category"
        if role is None and _is_publicity(t):
            self.add_note(t, moved=True)
            return "publicity"
        return None

    def signers(self, text: str) -> None:
        m = _SIGNER.match(text.strip())
        assert m
        names_text = m.group("names").strip()
        names = []
        for part in (p for p in re.split(r"[\s、，,]+", names_text) if p):
            parsed = parse_doc_number(part)
            if parsed and not parsed[2]:
                self.header_data["doc_number"] = parsed[0]
                if parsed[1]:
                    self.guess(("header", "doc_number"), parsed[1])
                names_text = names_text.replace(part, "").strip()
            else:
                names.append(part)
        self.header_data["signers"] = names
        if re.search(r"[、，,]", names_text):
            self.guess(("header", "signers"), f"签发人原文“{names_text}”，姓名间印作全角空格")

    def category(self, text: str) -> None:
        letter, why = parse_category(text) or ("", None)
        self.header_data["reply_category"] = letter
        if why:
            self.guess(("header", "reply_category"), why)

    def add_note(self, text: str, *, moved: bool) -> None:
        t = text.strip()
        m = _NOTE_PARENS.match(t)
        inner = m.group("inner").strip() if m else t
        self.notes.append(inner)
        if moved:
            self.note_guesses.append(f"原文“{t}”在标题之前，作为附注排在成文日期之下")
        elif not m:
            self.note_guesses.append(f"原文“{t}”没有括号，附注印作“（{inner}）”")

    # -- body ---------------------------------------------------------------------------------
    def unwrap(self, lines: list[SourceLine]) -> list[SourceLine]:
        """Join lines that a hard-wrapped copy (text copied from a PDF) broke mid-paragraph.

        Only when the text shows a measure: three or more long lines of about one length that
        do not end a sentence. A line continues the one above when that one ran to the
        measure without ending a sentence and this one is not a heading.
        """
        if any(line.role is not None for line in self.lines):
            return lines
        open_ended = [len(ln.text) for ln in self.lines
                      if len(ln.text) >= 16 and not ln.text.endswith(_FINAL)]
        if len(open_ended) < 3:
            return lines
        counts = Counter(open_ended)
        measure = max(counts, key=lambda m: (counts[m - 1] + counts[m] + counts[m + 1], -m))
        if counts[measure - 1] + counts[measure] + counts[measure + 1] < 3:
            return lines
        out: list[SourceLine] = []
        last = ""
        for line in lines:
            if (out and len(last) >= measure - 1 and not last.endswith(_FINAL)
                    and _heading(line.text) is None and parse_contacts(line.text) is None):
                prev = out[-1]
                out[-1] = SourceLine(prev.text + line.text, prev.number)
                self.unwrapped += 1
            else:
                out.append(line)
            last = line.text
        return out

    def body(self, lines: list[SourceLine], where: Path_, *, top: bool) -> list[Any]:
        lines = self.unwrap(lines)
        heads = [self.heading_of(line) for line in lines]
        closing_from = len(lines)
        if top:
            last_heading = max((i for i, h in enumerate(heads) if h), default=-1)
            for i in range(last_heading + 1, len(lines)):
                if _CLOSING.search(lines[i].text):
                    closing_from = i
                    break
        root: list[Any] = []
        stack: list[tuple[int, dict[str, Any], Path_]] = []
        for i, (line, head) in enumerate(zip(lines, heads, strict=True)):
            if i >= closing_from:
                root.append(line.text)
                self.closing.append(line.text)
                continue
            if head is None:
                if stack:
                    stack[-1][1].setdefault("body", []).append(line.text)
                else:
                    root.append(line.text)
                self.plain.append(line.text)
                continue
            rank, number, heading, text = head
            while stack and stack[-1][0] >= rank:
                stack.pop()
            depth = len(stack) + 1
            if depth > MAX_HEADING_LEVEL:
                self.plain.append(line.text)
                stack[-1][1].setdefault("body", []).append(line.text)
                parent_path = (*stack[-1][2], "body", len(stack[-1][1]["body"]) - 1)
                self.guess(parent_path, "标题超过四级，保留为普通段落")
                continue
            parent = stack[-1][1].setdefault("body", []) if stack else root
            parent_path = (*stack[-1][2], "body") if stack else where
            count = sum(1 for b in parent if isinstance(b, dict)) + 1
            section: dict[str, Any] = {"heading": heading}
            if number is not None and normalise(number) != normalise(heading_number(depth, count)):
                section["number"] = number
            if text:
                section["text"] = text
            parent.append(section)
            stack.append((rank, section, (*parent_path, len(parent) - 1)))
        # keys in the order of the letter files: heading, number, text, body
        return root

    def heading_of(self, line: SourceLine) -> tuple[int, str | None, str, str | None] | None:
        """(rank, literal number, heading, run-in text) or None for a paragraph."""
        if line.role is not None and line.role not in HEADING_ROLES:
            return None
        found = _heading(line.text)
        if line.role in HEADING_ROLES:
            rank = HEADING_ROLES.index(line.role) + 1  # type: ignore[arg-type]
            if found is None:
                return rank, None, line.text, None
            _r, number, rest = found
        else:
            if found is None:
                return None
            rank, number, rest = found
        offset = len(line.text) - len(rest)
        cut: int | None
        if line.split is not None:
            cut = line.split - offset if 0 < line.split - offset < len(rest) else None
        else:
            cut = _run_in_split(rest)
        if cut:
            return rank, number, rest[:cut].strip(), rest[cut:].strip()
        return rank, number, rest, None

    # -- around the signature -----------------------------------------------------------------
    def pre_signature(self, lines: list[SourceLine]) -> tuple[list[dict[str, str]], list[str]]:
        contacts: list[dict[str, str]] = []
        notes: list[str] = []
        for line in lines:
            if self.is_attach_note(line) or (notes and _ATTACH_ITEM.match(line.text)):
                notes.append(line.text)
                continue
            if notes and not contacts:
                self.guess(("contacts",), "原文联系人在附件说明之后；按答复函顺序排在其前")
            self.add_contacts(line, contacts, "before_signature")
        return contacts, notes

    def add_contacts(self, line: SourceLine, contacts: list[dict[str, str]], placement: str,
                     text: str | None = None) -> None:
        parsed = parse_contacts(text if text is not None else line.text)
        if parsed is None:  # pragma: no cover - callers check
            raise self.fail(f"第 {line.number} 行的联系人信息无法识别：{line.text}")
        items, dropped = parsed
        start = len(contacts)
        contacts.extend(items)
        allowed = {"；", ";"} if placement == "note" else set()
        lost = [s for s in dropped if s not in allowed]
        if lost:
            self.guess(("contacts", start + 1),
                       f"原文“{line.text}”中项目间的“{''.join(lost)}”未保留（每项单独一行）")

    def after_date(self, lines: list[SourceLine]) -> tuple[list[dict[str, str]], str]:
        contacts: list[dict[str, str]] = []
        placement = "after_date"
        for line in lines:
            t = line.text.strip()
            m = _NOTE_PARENS.match(t)
            if line.role is None and self.is_record(line):
                self.early_record.append(line)
            elif m and parse_contacts(m.group("inner").strip()) is not None and not contacts:
                self.add_contacts(line, contacts, "note", m.group("inner").strip())
                placement = "note"
            elif self.is_contact(line) and line.role is not Role.NOTE:
                self.add_contacts(line, contacts, "after_date")
            else:
                self.add_note(t, moved=False)
        return contacts, placement

    def attachments(self, note_lines: list[str], pages: list[SourceLine]) -> list[dict[str, Any]]:
        titles: list[str] = []
        for i, text in enumerate(note_lines):
            if i == 0:
                m = _ATTACH_NOTE.match(text)
                text = m.group("rest") if m else text
            item = _ATTACH_ITEM.match(text)
            if item and (len(note_lines) > 1 or item.group("n") == "1"):
                if item.group("sep") not in ".．":
                    self.guess(("attachments", len(titles), "title"),
                               f"附件序号原文“{item.group('n')}{item.group('sep')}”，"
                               f"印作“{item.group('n')}.”")
                titles.append(item.group("title").strip())
            elif text.strip():
                titles.append(text.strip())
        atts: list[dict[str, Any]] = [{"title": t} for t in titles]
        # attachment pages: 附件N, its title, its body
        groups: list[list[SourceLine]] = []
        for line in pages:
            if self.is_attach_label(line):
                groups.append([line])
            elif groups:
                groups[-1].append(line)
        for g in groups:
            m = _ATTACH_LABEL.match(g[0].text)
            index = int(m.group("n")) - 1 if m and m.group("n") else 0
            if len(g) < 2:
                raise self.fail(f"第 {g[0].number} 行的附件页没有标题")
            title, body = g[1].text, g[2:]
            while len(atts) <= index:
                atts.append({"title": title})
                self.guess(("attachments", len(atts) - 1, "title"),
                           "附件说明中没有这个附件，按附件页标题补出附件说明")
            if normalise(atts[index]["title"]) != normalise(title):
                self.guess(("attachments", index, "title"),
                           f"附件页标题原文“{title}”，与附件说明不同，采用附件说明的写法")
            if body:
                atts[index]["body"] = self.body(body, ("attachments", index, "body"), top=False)
        return atts

    def record(self, lines: list[SourceLine]) -> dict[str, Any]:
        rec: dict[str, Any] = {}
        for line in lines:
            t = line.text.strip()
            m = _CC.match(t)
            if m and (line.role in (None, Role.RECORD_CC)):
                names_text = m.group("names").strip()
                body = names_text.rstrip("。.")
                names = [p.strip() for p in re.split(r"[，,、；;]", body) if p.strip()]
                rec.setdefault("cc", []).extend(names)
                seps = set(re.findall(r"[，,、；;]", body)) - {"，", ","}
                if seps or not names_text.endswith(("。", ".")):
                    self.guess(("record", "cc"),
                               f"抄送原文“{names_text}”，印作以“，”分隔、以“。”结尾")
                continue
            parsed = self.print_line(t)
            if parsed:
                printer, date, why = parsed
                rec["printer"], rec["print_date"] = printer, date
                if why:
                    self.guess(("record", "print_date"), why)
        return rec


# --- entry points -----------------------------------------------------------------------------
def import_lines(lines: Sequence[SourceLine], source: str = "<text>",
                 styled: bool = False) -> Imported:
    """Recognise a reply in ``lines``; raises :class:`GongwenError` when it cannot."""
    parser = _Parser(list(lines), source, styled)
    data = parser.parse()
    try:
        letter = Letter.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            ".".join(str(p) for p in err["loc"]) + ": " + str(err["msg"])
            for err in exc.errors(include_url=False)
        )
        raise GongwenError(f"{source}: 导入的内容不是有效的信件：{problems}") from None
    return Imported(letter, data, source, parser.guesses, parser.dropped, parser.plain,
                    parser.closing, styled, parser.unwrapped)


def import_text(text: str, source: str = "<text>") -> Imported:
    return import_lines(read_text_lines(text), source)


def import_file(path: str | Path) -> Imported:
    path = Path(path)
    lines, styled = read_source(path)
    return import_lines(lines, str(path), styled)


# --- YAML with comments -----------------------------------------------------------------------
SCHEMA = bundled.schema_file()
REPO_ROOT = SCHEMA.parent.parent  # the repository in a checkout; the package when installed
_MAP_INDENT, _SEQ_INDENT, _SEQ_OFFSET = 2, 4, 2


def schema_reference(output: Path | None) -> str | None:
    """The ``$schema`` path relative to ``output`` when it is written inside the repo."""
    if output is None or not SCHEMA.exists():
        return None
    target = Path(os.path.abspath(output))
    try:
        target.relative_to(REPO_ROOT)
    except ValueError:
        return None
    return Path(os.path.relpath(SCHEMA, target.parent)).as_posix()


def to_yaml(result: Imported, output: Path | None = None) -> str:
    """The imported letter as YAML, with a comment at every guess."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import LiteralScalarString

    columns: dict[int, int] = {}

    def convert(value: Any, col: int) -> Any:
        if isinstance(value, dict):
            cm = CommentedMap()
            columns[id(cm)] = col
            for k, v in value.items():
                cm[k] = convert(v, col + (_MAP_INDENT if isinstance(v, dict) else 0))
            return cm
        if isinstance(value, list):
            cs = CommentedSeq()
            columns[id(cs)] = col + _SEQ_OFFSET
            for v in value:
                cs.append(convert(v, col + _SEQ_INDENT))
            return cs
        if isinstance(value, Enum):
            return value.value
        if isinstance(value, str) and "\n" in value:
            return LiteralScalarString(value)
        return value

    root = convert(result.data, 0)
    start = []
    ref = schema_reference(output)
    if ref:
        start.append(f"yaml-language-server: $schema={ref}")
    start.append(f"由 gongwen import 从 {Path(result.source).name} 导入；"
                 "带注释处是导入时的推测或改写，请核对。")
    for line in result.dropped:
        start.append(f"已删除网站附加内容：{line}")
    if result.unwrapped:
        start.append(f"原文是硬折行的文字：{result.unwrapped} 处段内换行已合并，请核对分段。")
    root.yaml_set_start_comment("\n".join(start))

    by_path: dict[Path_, list[str]] = {}
    for g in result.guesses:
        by_path.setdefault(g.path, []).append(g.message)
    for path, messages in by_path.items():
        _attach(root, path, messages, columns)

    yaml = YAML(typ="rt", pure=True)
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=_MAP_INDENT, sequence=_SEQ_INDENT, offset=_SEQ_OFFSET)
    buf = io.StringIO()
    yaml.dump(root, buf)
    return buf.getvalue()


def _attach(root: Any, path: Path_, messages: list[str], columns: dict[int, int]) -> None:
    text = "；".join(messages)
    node, parent, key = root, None, None
    for part in path:
        try:
            parent, key, node = node, part, node[part]
        except (KeyError, IndexError, TypeError):
            break
    if parent is None:
        return
    # a comment line above the key, or above the sequence item
    parent.yaml_set_comment_before_after_key(key, before=text, indent=columns[id(parent)])


# --- summary ----------------------------------------------------------------------------------
def summary_rows(result: Imported) -> list[tuple[str, str]]:
    """What was recognised, as (element, value) rows for the import report."""
    letter = result.letter
    rows: list[tuple[str, str]] = [("版式", letter.format.value)]
    h = letter.header
    for label, value in (
        ("发文机关标志", "、".join(h.organs)), ("份号", h.copy_number), ("密级", h.secrecy),
        ("紧急程度", h.urgency), ("发文字号", h.doc_number), ("签发人", "、".join(h.signers)),
        ("答复类别", h.reply_category),
    ):
        if value:
            rows.append((label, str(value)))
    rows.append(("标题", (letter.title or "（无）").replace("\n", " / ")))
    rows.append(("主送", "、".join(letter.addressees) or "（无）"))
    counts = result.heading_counts()
    rows.append(("标题层次", "，".join(f"{lvl}级 {k} 个" for lvl, k in counts.items() if k)
                 or "（无）"))
    rows.append(("普通段落", f"{len(result.plain)} 段"))
    if result.closing:
        rows.append(("结束语", " / ".join(_short(t) for t in result.closing)))
    if letter.contacts:
        items = "；".join(f"{c.label}：{c.value}" for c in letter.contacts)
        rows.append(("联系人", f"{items}（{letter.contacts_placement.value}）"))
    if letter.attachments:
        rows.append(("附件", "；".join(
            a.title + ("（含附件页）" if a.body else "") for a in letter.attachments)))
    rows.append(("署名", "、".join(letter.signature.organs)))
    rows.append(("成文日期", letter.signature.date.isoformat()))
    if letter.note:
        rows.append(("附注", letter.note))
    if letter.record and letter.record.cc:
        rows.append(("抄送", "，".join(letter.record.cc)))
    if letter.record and letter.record.printer:
        rows.append(("印发", f"{letter.record.printer} {letter.record.print_date}"))
    return rows


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "……"


def print_summary(result: Imported, console: Any) -> None:
    """The import report (rich) on ``console``: recognised parts, guesses, plain paragraphs."""
    from rich.table import Table

    table = Table("要素", "识别结果", title=f"导入 {result.source}", title_justify="left")
    for label, value in summary_rows(result):
        table.add_row(label, value)
    console.print(table)
    if result.styled:
        console.print("角色取自 gongwen 的 DOCX 段落样式。")
    if result.plain:
        console.print(f"保留为普通段落（{len(result.plain)} 段）：")
        for text in result.plain:
            console.print(f"  · {_short(text, 30)}", markup=False)
    if result.guesses:
        console.print(f"推测或改写（{len(result.guesses)} 处，已在 YAML 中注释）：")
        for g in result.guesses:
            console.print(f"  · {_dotted(g.path)}: {g.message}", markup=False)
    if result.unwrapped:
        console.print(f"合并了 {result.unwrapped} 处段内折行（原文按行折断），请核对分段。")
    if result.dropped:
        console.print(f"删除的网站附加内容（{len(result.dropped)} 行）：")
        for text in result.dropped:
            console.print(f"  · {text}", markup=False)


def _dotted(path: Iterable[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + part
    return out
