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
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from . import grammar
from .errors import GongwenError
from .filetype import ELSEWHERE, decode_text, refuse, sniff
from .loader import validate_data
from .model import MAX_HEADING_LEVEL, Letter
from .read.docx import DocxDocument
from .read.model import clean_line
from .read.source import read_input
from .read.text import is_chrome, text_lines
from .schemas import letter_schema_reference
from .spec import HEADING_ROLES, Role
from .textnorm import normalise

__all__ = [
    "Guess",
    "Imported",
    "SourceLine",
    "import_file",
    "import_lines",
    "import_text",
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


# --- the import's own cues (the letter's elements are parsed by gongwen.grammar) ---------------
_CLOSING = re.compile(
    r"感谢|谢谢|特此函复|特此答复|专此答复|专此函复|特此复函|此复|请予谅解|敬请谅解"
    r"|欢迎.{0,20}(?:意见|建议|监督)|^最后[,，]"
)
_RUN_IN_END = "。！？：!?:."
_OPENERS, _CLOSERS = "《“‘（(〔【「『", "》”’）)〕】」』"
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
    kind = sniff(path, data)
    if kind == "docx" or (kind == "zip" and path.suffix.lower() == ".docx"):
        return read_docx_lines(data, str(path))
    if kind != "text":
        hint = {"pdf": "请复制 PDF 的文字存为 .txt 再导入", "doc": ELSEWHERE["doc"],
                "yaml": "它已是 gongwen 的信件；" + ELSEWHERE["yaml"]}.get(kind, "")
        raise refuse(path, kind, IMPORT_READS, hint)
    return read_text_lines(decode_text(data, str(path), IMPORT_READS)), False


IMPORT_READS = "import 读公布的答复函：网页文字（.txt）或 Word 文档（.docx）"


def read_text_lines(text: str) -> list[SourceLine]:
    """One paragraph per non-empty line, surrounding blanks (the 　　 indent) removed."""
    return [SourceLine(line, number) for number, line in text_lines(text)]


def read_docx_lines(data: bytes, name: str = "<docx>") -> tuple[list[SourceLine], bool]:
    """Paragraphs of any DOCX in reading order (:mod:`gongwen.read.docx`), with the roles
    their styles give and where a run-in heading's formatting changes."""
    doc = DocxDocument.open(data, name)
    lines: list[SourceLine] = []
    for p in doc.reading_order():
        role = doc.role(p)
        raw = p.text
        label = len(raw) - sum(len(r.text) for r in p.runs)  # Word's automatic number
        if role is Role.RECORD_PRINT:
            raw = raw.replace("\t", " ")
        lead = len(raw) - len(raw.lstrip(" \t\r\n\u3000\xa0"))
        text = clean_line(raw).replace("\t", " ")
        parts = tuple(ln.strip() for ln in text.split("\n") if ln.strip())
        text = "\n".join(parts) if role is Role.TITLE else "".join(parts)
        if not text:
            continue
        # where the formatting changes (run-in heading → body text)
        split: int | None = None
        groups: list[tuple[tuple[str, bool], int]] = []
        pos = label
        for r in p.runs:
            props = (r.props.style, r.props.bold)
            if r.text.strip() and (not groups or groups[-1][0] != props):
                groups.append((props, pos))
            pos += len(r.text)
        if len(groups) >= 2:
            split = max(0, groups[1][1] - lead)
        lines.append(SourceLine(text, len(lines) + 1, role, split,
                                parts if len(parts) > 1 else ()))
    return lines, doc.gongwen


# --- the letter's elements as the import takes them ---------------------------------------------
def parse_date(text: str) -> tuple[dt.date, str | None] | None:
    """A whole-line date → (date, why it was converted or None when written canonically)."""
    written = grammar.parse_date(text)
    if written is None or written.date is None:
        return None
    date, t = written.date, written.written
    canonical = grammar.format_date(date)
    if written.chinese:
        return date, f"日期原文为汉字数字“{t}”，已换算为 {date.isoformat()}（印作 {canonical}）"
    if written.canonical:
        return date, None
    return date, f"日期原文“{t}”，已写作 {date.isoformat()}（印作 {canonical}）"


def parse_doc_number(text: str) -> tuple[str, str | None, str] | None:
    """A 发文字号 at the start of ``text`` → (canonical number, why changed, rest of line)."""
    d = grammar.parse_doc_number(text)
    if d is None or not d.hao or len(d.year) != 4:
        return None
    number = d.canonical
    if grammar.folded(d.written) == number and d.open == "〔":
        return number, None, d.rest
    changes = []
    if d.open != "〔" or d.close != "〕":
        changes.append(f"年份括号 {d.open}{d.close} 改为六角括号〔〕")
    if d.di:
        changes.append("去掉序号前的“第”")
    if d.serial != str(int(d.serial)):
        changes.append("去掉序号的前导0")
    why = f"发文字号原文“{d.written}”，" + "，".join(changes or ["已规范"]) + "（GB/T 9704 7.2.5）"
    return number, why, d.rest


def parse_category(text: str) -> tuple[str, str | None] | None:
    """答复类别 → (letter, why it was rewritten or None)."""
    c = grammar.parse_reply_category(text)
    if c is None:
        return None
    why = None if c.written == c.letter else f"答复类别原文“{c.written}”，印作“{c.letter}”"
    return c.letter, why


def parse_contacts(text: str) -> tuple[list[dict[str, str]], list[str]] | None:
    """'承 办 人:杨 洋  联系电话:123' → contacts and the separators that were dropped."""
    line = grammar.parse_contacts(text)
    if line is None:
        return None
    return [{"label": label, "value": value} for label, value in line.items], list(line.separators)


def _signers(text: str) -> grammar.Signers | None:
    signers = grammar.parse_signers(text)
    return signers if signers is not None and signers.names else None


def _cc(text: str) -> grammar.CarbonCopy | None:
    cc = grammar.parse_cc(text)
    return cc if cc is not None and cc.label == "抄送" else None


def _attach_item(text: str) -> grammar.AttachmentNoteLine | None:
    """A numbered 附件说明 item without the label (“2. 名称”)."""
    line = grammar.parse_attachment_note(text)
    return line if line is not None and not line.labelled else None


def _print_date_only(text: str) -> bool:
    """A 版记 cell holding only the 印发日期 (“2022年9月29日印发”)."""
    line = grammar.parse_print_line(text)
    return line is not None and not line.printer and parse_date(line.date.written) is not None


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
    number = grammar.parse_heading_number(text, loose=True)
    if number is not None:
        rest = text[number.end:].strip()
        if rest:
            return number.level, number.written.strip(), rest
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
        grammar.parse_copy_number(t) or grammar.parse_secrecy(t)
        or grammar.parse_urgency(t) in grammar.URGENCY_LEVELS or _signers(t)
        or (doc and not doc[2]) or parse_category(t)
    )


def _is_publicity(text: str) -> bool:
    return grammar.parse_publicity(text) is not None


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
                    and _organ_like(self.lines[-1].text) and _print_date_only(line.text)):
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
        return grammar.parse_attachment_label(line.text) is not None

    def is_record(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role in (Role.RECORD_CC, Role.RECORD_PRINT)
        return _cc(line.text) is not None or self.print_line(line.text) is not None

    def print_line(self, text: str) -> tuple[str, dt.date, str | None] | None:
        line = grammar.parse_print_line(text)
        if line is None or not line.printer:
            return None
        parsed = parse_date(line.date.written)
        if parsed is None:
            return None
        return line.printer, parsed[0], parsed[1]

    def is_contact(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.CONTACT and parse_contacts(line.text) is not None
        return parse_contacts(line.text) is not None

    def is_attach_note(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role is Role.ATTACHMENT_NOTE
        note = grammar.parse_attachment_note(line.text)
        return note is not None and note.labelled

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
                and not self.is_attach_note(prev) and not _attach_item(prev.text)
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
            if prev.role is None and _attach_item(prev.text):
                k = pre_i - 1
                while k > 0 and lines[k - 1].role is None and _attach_item(lines[k - 1].text):
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
        return grammar.parse_note(t) is not None and len(t) <= 120

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
                    and grammar.parse_signers(t) is None and grammar.parse_cc(t) is None):
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
            suffixed = [o for o in organs if o.endswith("文件")]
            if len(organs) > 1 and len(suffixed) == 1:  # joint: one “文件” beside the stack
                organs = [o.removesuffix("文件").strip() for o in organs]
                organs = [o for o in organs if o]
                h["format"] = "document"
                h["suffix"] = True
            elif all(o.endswith("文件") and len(o) > 2 for o in organs):
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
        if role in (None, Role.COPY_NUMBER) and grammar.parse_copy_number(t):
            h["copy_number"] = t
            return "copy"
        secrecy = grammar.parse_secrecy(t)
        if role in (None, Role.SECRECY) and secrecy:
            h["secrecy"] = secrecy.level
            if secrecy.period:
                h["secrecy_period"] = secrecy.period.strip()
            return "secrecy"
        urgency = grammar.parse_urgency(t)
        if role in (None, Role.URGENCY) and urgency in grammar.URGENCY_LEVELS:
            h["urgency"] = urgency
            return "urgency"
        if role in (None, Role.SIGNER) and _signers(t):
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
                    if _signers(rest):
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
        signers = _signers(text)
        assert signers is not None
        names_text = signers.written.strip()
        names = []
        for part in signers.names:
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
        inner = grammar.parse_note(t)
        self.notes.append(inner if inner is not None else t)
        if moved:
            self.note_guesses.append(f"原文“{t}”在标题之前，作为附注排在成文日期之下")
        elif inner is None:
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
            if number is not None and normalise(number) != normalise(
                    grammar.format_heading_number(depth, count)):
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
            if self.is_attach_note(line) or (notes and _attach_item(line.text)):
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
            inner = grammar.parse_note(t)
            if line.role is None and self.is_record(line):
                self.early_record.append(line)
            elif inner is not None and parse_contacts(inner) is not None and not contacts:
                self.add_contacts(line, contacts, "note", inner)
                placement = "note"
            elif self.is_contact(line) and line.role is not Role.NOTE:
                self.add_contacts(line, contacts, "after_date")
            else:
                self.add_note(t, moved=False)
        return contacts, placement

    def attachments(self, note_lines: list[str], pages: list[SourceLine]) -> list[dict[str, Any]]:
        titles: list[str] = []
        for i, text in enumerate(note_lines):
            line = grammar.parse_attachment_note(text)
            if line is not None and line.labelled and i > 0:
                line = None  # only the first line carries the label
            if line is not None and line.number is not None and (
                    len(note_lines) > 1 or line.number == 1):
                if line.separator not in ".．":
                    self.guess(("attachments", len(titles), "title"),
                               f"附件序号原文“{line.number}{line.separator}”，"
                               f"印作“{line.number}.”")
                titles.append(line.title)
            elif (line.item if line is not None else text.strip()):
                titles.append(line.item if line is not None else text.strip())
        atts: list[dict[str, Any]] = [{"title": t} for t in titles]
        # attachment pages: 附件N, its title, its body
        groups: list[list[SourceLine]] = []
        for line in pages:
            if self.is_attach_label(line):
                groups.append([line])
            elif groups:
                groups[-1].append(line)
        for g in groups:
            number = grammar.parse_attachment_label(g[0].text)
            index = number - 1 if number else 0
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
            cc = _cc(t)
            if cc and (line.role in (None, Role.RECORD_CC)):
                names_text = cc.written
                rec.setdefault("cc", []).extend(cc.names)
                if cc.separators - {"，", ","} or not cc.stop:
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
    letter = validate_data(data, source)  # a LetterError names each field, in Chinese
    return Imported(letter, data, source, parser.guesses, parser.dropped, parser.plain,
                    parser.closing, styled, parser.unwrapped)


def import_text(text: str, source: str = "<text>") -> Imported:
    return import_lines(read_text_lines(text), source)


def import_file(path: str | Path) -> Imported:
    path = Path(path)
    lines, styled = read_source(path)
    return import_lines(lines, str(path), styled)


# --- YAML with comments -----------------------------------------------------------------------
_MAP_INDENT, _SEQ_INDENT, _SEQ_OFFSET = 2, 4, 2


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
    start.append(f"yaml-language-server: $schema={letter_schema_reference(output)[0]}")
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
    from rich.text import Text

    # text, never markup: the letter's words and file names may hold "[/bold]"
    table = Table("要素", "识别结果", title=Text(f"导入 {result.source}"), title_justify="left")
    for label, value in summary_rows(result):
        table.add_row(Text(label), Text(value))
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
