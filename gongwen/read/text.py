"""Plain text (a letter copied from a web page): one paragraph per non-empty line.

Website furniture around a published letter — 【纠错】【打印本页】, "来源：…" and "发布时间：…"
lines, breadcrumbs — is recognised by :func:`is_chrome` (the importer drops it by the same
rule) and kept aside in ``Reading.dropped``.
"""

from __future__ import annotations

import re

from ..grammar import parse_publicity
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


# --- the reading ---------------------------------------------------------------------------------
def read_text_bytes(data: bytes, name: str = "<text>") -> Reading:
    return read_text(decode_text(data, name, "diff 读信件 YAML、DOCX、PDF 或文本"), name)


def read_text(text: str, name: str = "<text>") -> Reading:
    """One paragraph per non-empty line, chrome kept aside, roles guessed."""
    from .roles import guess_roles

    lines = text_lines(text)
    check_paragraph_count(len(lines), name)
    paras, dropped = [], []
    for number, line in lines:
        if is_chrome(line):
            dropped.append(line)
            continue
        paras.append(Paragraph(line, None, f"第 {number} 行", number=number))
    return Reading(name, SourceKind.TEXT, tuple(guess_roles(paras)), RoleSource.GUESSED,
                   dropped=tuple(dropped))
