"""Plain text (a letter copied from a web page): one paragraph per non-empty line.

A hard-wrapped copy (text copied from a PDF: long lines of one length that do not end a
sentence) has its broken lines joined back into paragraphs (:func:`wrap_measure`,
:func:`continues`), by the rule the importer joins them by.

Website furniture around a published letter — 【纠错】【打印本页】, "来源：…" and "发布时间：…"
lines, breadcrumbs — is recognised by :func:`is_chrome` (the importer drops it by the same
rule) and kept aside in ``Reading.dropped``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ..grammar import parse_contacts, parse_heading_number, parse_publicity
from ..spec import Role
from .model import Paragraph, Reading, RoleSource, SourceKind, clean_line
from .source import check_paragraph_count, decode_text

_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def text_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, cleaned text) of each non-empty line."""
    out = []
    for i, line in enumerate(_LINE_BREAK.split(text), 1):
        line = clean_line(line)
        if line:
            out.append((i, line))
    return out


# --- website chrome ----------------------------------------------------------------------------
_CHROME_WORDS = {
    "纠错", "我要纠错", "加入收藏", "收藏", "收藏本页", "打印本页", "打印", "打印此页",
    "关闭窗口", "关闭", "关闭本页", "返回顶部", "返回", "分享", "分享到", "保存", "保存本页",
    "大", "中", "小", "默认", "字体", "字号", "top", "返回首页", "打印正文", "扫一扫",
    "上一篇", "下一篇",
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
    if tokens and all(t.lower() in _CHROME_WORDS for t in tokens) and any(
        len(t) > 1 for t in tokens
    ):
        return True
    if _META.match(compact) and parse_publicity(line) is None:
        return True
    if any(w in compact for w in ("浏览次数", "点击数：", "阅读次数", "访问量")):
        return True
    return bool(_BREADCRUMB_SEP.search(line)) and (
        bool(_BREADCRUMB_START.match(compact))
        or all(0 < len(seg) <= 12 and "。" not in seg for seg in _BREADCRUMB_SEP.split(compact))
    )


# --- hard-wrapped copies -------------------------------------------------------------------------
_FINAL = ("。", "！", "？", "!", "?", "；", ";", "：", ":", "”", "」")


def wrap_measure(lines: Sequence[str]) -> int | None:
    """The line length a hard-wrapped copy (text copied from a PDF) was broken at: three or
    more long lines of about one length that do not end a sentence; None otherwise."""
    open_ended = [len(t) for t in lines if len(t) >= 16 and not t.endswith(_FINAL)]
    if len(open_ended) < 3:
        return None
    counts = Counter(open_ended)
    measure = max(counts, key=lambda m: (counts[m - 1] + counts[m] + counts[m + 1], -m))
    if counts[measure - 1] + counts[measure] + counts[measure + 1] < 3:
        return None
    return measure


def continues(above: str, line: str, measure: int) -> bool:
    """Whether ``line`` goes on with the paragraph of the hard-wrapped line ``above``: that
    one ran to the measure without ending a sentence, and this one starts no heading and no
    contacts line."""
    return (len(above) >= measure - 1 and not above.endswith(_FINAL)
            and parse_heading_number(line, loose=True) is None and parse_contacts(line) is None)


def repeated_title(lines: list[str]) -> int:
    """How many leading title lines a web page's own heading adds by repeating the title
    (“T” / “T”, or “T” above the title “T1” / “T2”); 0 when none do."""
    for j in range(1, len(lines)):
        if "".join("".join(lines[:j]).split()) == "".join("".join(lines[j:]).split()):
            return j
    return 0


# --- the reading ---------------------------------------------------------------------------------
def read_text_bytes(data: bytes, name: str = "<text>") -> Reading:
    return read_text(decode_text(data, name, "diff 读信件 YAML、DOCX、PDF、OFD 或文本"), name)


def read_text(text: str, name: str = "<text>") -> Reading:
    """One paragraph per non-empty line, chrome kept aside, roles guessed."""
    from .roles import guess_roles

    paras: list[Paragraph] = []
    dropped: list[str] = []
    lines = []
    numbered = text_lines(text)
    check_paragraph_count(len(numbered), name)
    for number, line in numbered:
        if is_chrome(line):
            dropped.append(line)
        else:
            lines.append((number, line))
    measure = wrap_measure([line for _, line in lines])
    above = ""
    for number, line in lines:
        if measure and paras and continues(above, line, measure):
            paras[-1] = replace(paras[-1], text=paras[-1].text + line)
        else:
            paras.append(Paragraph(line, None, f"第 {number} 行", number=number))
        above = line
    guessed = guess_roles(paras)
    titles = [k for k, p in enumerate(guessed) if p.role is Role.TITLE]
    if titles and titles == list(range(titles[0], titles[-1] + 1)):
        repeat = repeated_title([guessed[k].text for k in titles])
        dropped.extend(guessed[k].text for k in titles[:repeat])
        guessed = [p for k, p in enumerate(guessed) if k not in titles[:repeat]]
    return Reading(name, SourceKind.TEXT, tuple(guessed), RoleSource.GUESSED,
                   dropped=tuple(dropped))
