"""Published replies (plain text or DOCX) → letter YAML.

``import_file(path)`` reads a reply as it was published — copied from a government website,
or a Word file (gongwen's own or anyone's) — and recognises the parts of a 答复函: 版头
elements (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人, 答复类别), 公开属性, the
title (one or more lines), 主送, the body with its four heading levels (standalone or
run-in), the closing formula, contacts, 附件说明, 署名, 成文日期, 附注, attachment pages and
抄送/印发. Website chrome (【纠错】【打印本页】, 来源/发布时间 lines, breadcrumbs) is dropped.

Text is kept as written: punctuation width, spaced-out labels (承 办 人) and spaced titles
(答　复) stay, so that composing the imported letter gives back the published text
(``textnorm.normalise`` equal). A form GB/T 9704 does not use — a date in Chinese numerals, a
发文字号 in [] brackets, "类别：B", no 署名, 版头 elements without a 标志, 公开属性 above the
title, several 附注 lines — is kept as written in the letter's ``published`` block, beside
its canonical field. What the model holds only canonically is converted. Each guess, each
conversion and each form kept is a :class:`Guess`; ``to_yaml`` writes it as a comment beside
the field it concerns. Failures name the line: ``FILE:LINE: 第 N 行“…”…``.
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
from .read.roles import SENTENCE_MARKS, head_roles
from .read.source import read_input
from .read.text import continues, is_chrome, repeated_title, text_lines, wrap_measure
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
_RUN_ON_ADDRESSEE = re.compile(
    r"^(?P<names>(?:尊敬的)?[^，,。：:；;“”《》]{2,40}?(?:委员|代表|同志|先生|女士|委员会|党派|"
    r"民革|民盟|民建|民进|农工党|致公党|九三学社|台盟|工商联)(?:们)?)[:：](?P<rest>\S.*)$"
)


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
    """A whole-line date → (date, the text as written when that is not how gongwen prints
    the date, to be kept as ``published.date``; None when written canonically)."""
    written = grammar.parse_date(text)
    if written is None or written.date is None:
        return None
    return written.date, None if written.canonical else written.written


def parse_doc_number(text: str) -> tuple[str, str | None, str] | None:
    """A 发文字号 at the start of ``text`` → (canonical number, the number as written when it
    differs, to be kept as ``published.doc_number``; the rest of the line)."""
    d = grammar.parse_doc_number(text)
    if d is None or len(d.year) != 4:
        return None
    number = d.canonical
    return number, None if "".join(d.written.split()) == number else d.written, d.rest


def parse_category(text: str) -> tuple[str, str | None] | None:
    """答复类别 → (letter, the category as written when it is not the bare letter)."""
    c = grammar.parse_reply_category(text)
    if c is None:
        return None
    return c.letter, None if c.canonical else c.written


def parse_contacts(text: str) -> tuple[list[dict[str, str]], list[str]] | None:
    """'承 办 人:杨 洋  联系电话:123' → contacts, and what set each apart from the next."""
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
        and not (SENTENCE_MARKS & set(t))
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


_TITLED = re.compile(r"(?:委员|代表|同志|先生|女士)(?:们)?$")


def addressee_names(text: str) -> tuple[list[str], bool]:
    """The 主送 split at “、” (“张某委员、李某委员”); kept whole, and True, when the others
    are bare names and only the last carries the title that belongs to them all
    (“张某、李某、王某委员”)."""
    parts = [p.strip() for p in text.split("、") if p.strip()]
    if len(parts) > 1 and _TITLED.search(parts[-1]) and all(
            len(p) <= 4 and not _TITLED.search(p) for p in parts[:-1]):
        return ["、".join(parts)], True
    return parts, False


# --- the parser -------------------------------------------------------------------------------
MAX_AFTER_DATE_CHARS = 120  # a line after the date longer than this is not a 附注
_PUBLISHED_ORDER = ("reply_category", "doc_number", "date", "without_signature", "without_mark",
                    "notes", "contacts_separator")
_ELEMENT_ROLES = {
    "copy_number": Role.COPY_NUMBER, "secrecy": Role.SECRECY, "urgency": Role.URGENCY,
    "doc_number": Role.DOC_NUMBER, "signers": Role.SIGNER, "reply_category": Role.REPLY_CATEGORY,
}


@dataclass(frozen=True, slots=True)
class _ContactLine:
    """A line of contacts in the source: where it stands (``before_signature``,
    ``after_date`` or ``note``), its items and what set them apart."""

    line: SourceLine
    placement: str
    items: list[dict[str, str]]
    separators: list[str]


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
        self.sentences: set[int] = set()  # numbered lines kept as paragraphs (line numbers)
        self.unread: list[SourceLine] = []  # lines after the date kept as 附注 unread
        self.head_notes: list[tuple[str, str]] = []  # 公开属性/附注 lines near the title, place
        self.published: dict[str, Any] = {}  # the published forms the letter keeps
        self.unwrapped = 0  # line breaks of a hard-wrapped copy removed
        self.early_record: list[SourceLine] = []  # 抄送 written before attachment pages

    def guess(self, path: Path_, message: str) -> None:
        self.guesses.append(Guess(path, message))

    def fail(self, message: str, line: SourceLine | None = None) -> GongwenError:
        """An import error, located at ``line`` (``FILE:LINE:``) when there is one."""
        where = f"{self.source}:{line.number}" if line is not None else self.source
        return GongwenError(f"{where}: {message}")

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
        written = line.date
        if written.date is None:
            return None
        why = None if written.canonical else (
            f"印发日期原文“{written.written}”，印作 {grammar.format_date(written.date)}")
        return line.printer, written.date, why

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
        if not lines:
            raise self.fail("没有文字（空文件，或只有网站附加内容）")
        # 版记 at the end
        rec_start = len(lines)
        while rec_start > 0 and self.is_record(lines[rec_start - 1]):
            rec_start -= 1
        date_i, att_i = self.find_date(rec_start)
        # 署名: organ lines just above the date (a web copy may have none)
        sig_i = date_i
        while sig_i > 0 and date_i - sig_i < 6:
            prev = lines[sig_i - 1]
            if prev.role is Role.SIGNATURE or (
                prev.role is None and _organ_like(prev.text) and not self.is_contact(prev)
                and not self.is_attach_note(prev) and not _attach_item(prev.text)
            ):
                sig_i -= 1
            else:
                break
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
            raise self.fail(f"第 {lines[date_i].number} 行的日期之上找不到正文", lines[date_i])
        run_on = _RUN_ON_ADDRESSEE.match(body_lines[0].text)
        if not addressees and body_lines[0].role is None and run_on:
            addressees = self.addressees(run_on.group("names"))
            body_lines[0] = SourceLine(run_on.group("rest").strip(), body_lines[0].number)
            self.guess(("addressees",), "原文主送与正文第一段在同一行，已分开")
        body = self.body(body_lines, ("body",), top=True)
        contacts_before, attach_note = self.pre_signature(lines[pre_i:sig_i])
        after = self.after_date(lines[date_i + 1: att_i])
        organs = []
        for line in lines[sig_i:date_i]:
            organs.extend(_split_organs(line.text) if line.role is None else [line.text])
        date_line = lines[date_i]
        parsed_date = parse_date(date_line.text)
        if parsed_date is None:
            raise self.fail(f"第 {date_line.number} 行“{date_line.text}”像成文日期但无法识别",
                            date_line)
        date, written_date = parsed_date
        signature: dict[str, Any] = {"organs": organs, "date": date} if organs else {"date": date}
        if written_date:
            self.published["date"] = written_date
            self.guess(("published", "date"), f"成文日期按原文“{written_date}”照印；"
                       f"规范写法为“{grammar.format_date(date)}”（GB/T 9704 7.3.5）")
        if not organs:
            self.published["without_signature"] = True
            self.guess(("published", "without_signature"),
                       f"原文第 {date_line.number} 行日期之上没有发文机关署名，照原文只印日期")
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
            if header.get("organs"):
                fmt = head.get("format", "letter")
            else:
                self.published["without_mark"] = True
                self.guess(("published", "without_mark"),
                           "原文有版头要素而没有发文机关标志，照原文不加标志（plain 版式）")
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
        contacts, placement, separator = self.contacts_of(contacts_before, after)
        if contacts:
            out["contacts"] = contacts
            out["contacts_placement"] = placement
            if separator is not None:
                self.published["contacts_separator"] = separator
                self.guess(("published", "contacts_separator"),
                           f"原文联系人写在同一行，项间为“{separator}”，照原文")
        if attachments:
            out["attachments"] = attachments
        out["signature"] = signature
        note = self.notes_of(after, placement if contacts else None)
        if note is not None:
            out["note"] = note
        if record:
            out["record"] = record
        if self.published:
            out["published"] = {k: self.published[k] for k in _PUBLISHED_ORDER
                                if k in self.published}
        return out

    def find_date(self, rec_start: int) -> tuple[int, int]:
        """The 成文日期's line and the end of what follows it (an attachment page or the
        版记): the last date line followed only by what comes after a date; else the last
        date line followed by short lines (kept as 附注 with a warning). A line that looks
        like a date but cannot be read, or no date at all, is an error naming the line."""
        lines = self.lines

        def end_of(d: int) -> int:
            return next((k for k in range(d + 1, rec_start) if self.is_attach_label(lines[k])),
                        rec_start)

        dates = [d for d in range(rec_start) if self.is_date(lines[d])]
        for d in reversed(dates):
            end = end_of(d)
            if all(self.is_after_date(lines[k]) for k in range(d + 1, end)):
                return d, end
        last_date = dates[-1] if dates else -1
        damaged = [k for k in range(last_date + 1, rec_start)
                   if lines[k].role is None and grammar.date_like(lines[k].text)]
        if damaged:
            line = lines[damaged[-1]]
            raise self.fail(f"第 {line.number} 行“{line.text}”像成文日期但无法识别"
                            "（应写作 2022年9月29日 这样的日期）", line)
        if dates:
            end = end_of(last_date)
            if end - last_date <= 8 and all(
                    len(lines[k].text) <= MAX_AFTER_DATE_CHARS for k in range(last_date + 1, end)):
                return last_date, end
        line = lines[rec_start - 1] if rec_start else lines[-1]
        raise self.fail("找不到成文日期（如 2022年9月29日，独占一行，位于署名之下）："
                        f"到第 {line.number} 行“{_short(line.text)}”为止没有这样的日期", line)

    def is_after_date(self, line: SourceLine) -> bool:
        if line.role is not None:
            return line.role in (Role.NOTE, Role.CONTACT)
        t = line.text
        if self.is_contact(line) or grammar.parse_publicity(t) or self.is_record(line):
            return True
        return grammar.parse_note(t) is not None and len(t) <= MAX_AFTER_DATE_CHARS

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
        return addressee_i + 1, self.addressees(text)

    def addressees(self, text: str) -> list[str]:
        names, whole = addressee_names(text)
        if whole:
            self.guess(("addressees",), f"主送原文“{text}”的称谓属于每个人，作为一项保留")
        return names

    def header(self, lines: list[SourceLine]) -> None:
        """版头 elements, 公开属性 lines, marks and title from the lines above the 主送; the
        roles of lines without a style are the readers' (:func:`gongwen.read.roles.head_roles`)."""
        h = self.header_data
        untyped = [line for line in lines if line.role is None]
        guessed = iter(head_roles([line.text for line in untyped]))
        organs: list[str] = []
        title: list[str] = []
        guessed_mark = False
        for line in lines:
            role = line.role if line.role is not None else next(guessed)
            if role in _ELEMENT_ROLES.values() and self.header_item(line):
                continue
            if role is Role.NOTE and line.role in (None, Role.NOTE):
                place = "below_title" if title else "above_title"
                self.head_notes.append((line.text.strip(), place))
            elif role is Role.ORGAN_MARK:
                organs.append(line.text)
                guessed_mark = guessed_mark or line.role is None
            elif role is Role.TITLE or line.role is None:
                title.extend(line.breaks or line.text.split("\n"))
        if guessed_mark and not any(h.get(k) for k in ("copy_number", "secrecy", "urgency",
                                                        "doc_number", "signers", "reply_category")):
            self.guess(("header", "organs"),
                       f"标题之上的“{'、'.join(organs)}”当作发文机关标志；若原文没有版头，"
                       "请把它写进 title 并改为 format: plain")
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
        repeat = repeated_title(title)  # a web page's own heading repeating the title
        self.dropped.extend(title[:repeat])
        title = title[repeat:]
        if title:
            h["title"] = "\n".join(title)
            if len(title) > 3:
                self.guess(("title",), f"{len(title)} 行都当作标题，请核对是否混入了其他文字")

    def header_item(self, line: SourceLine) -> bool:
        """Record the 版头 elements of ``line`` (one, or several sharing the line) in
        ``header_data``; False when the line holds none the letter can take."""
        elements = grammar.parse_header_line(line.text)
        if elements is None:
            return False
        if line.role is not None and len(elements) == 1 and line.role is not _ELEMENT_ROLES.get(
                elements[0].kind):
            return False
        taken = [e for e in elements if self.header_element(line, e)]
        return len(taken) == len(elements)

    def header_element(self, line: SourceLine, element: grammar.HeaderElement) -> bool:
        h, value = self.header_data, element.value
        if element.kind == "copy_number":
            h["copy_number"] = element.written
        elif element.kind == "secrecy":
            assert isinstance(value, grammar.SecrecyMark)
            h["secrecy"] = value.level
            if value.period:
                h["secrecy_period"] = value.period.strip()
        elif element.kind == "urgency":
            if value not in grammar.URGENCY_LEVELS:
                return False
            h["urgency"] = value
        elif element.kind == "signers":
            assert isinstance(value, grammar.Signers)
            if not value.names:
                return False
            self.signers(value)
        elif element.kind == "doc_number":
            parsed = parse_doc_number(element.written)
            if parsed is None:
                return False
            number, written, _rest = parsed
            h["doc_number"] = number
            if written:
                self.published["doc_number"] = written
                self.guess(("published", "doc_number"), f"发文字号按原文“{written}”照印；"
                           f"规范写法为“{number}”（GB/T 9704 7.2.5）")
        elif element.kind == "reply_category":
            letter, written = parse_category(element.written) or ("", None)
            h["reply_category"] = letter
            if written:
                self.published["reply_category"] = written
                self.guess(("published", "reply_category"),
                           f"答复类别按原文“{written}”照印；规范写法只印字母“{letter}”")
        return True

    def signers(self, signers: grammar.Signers) -> None:
        self.header_data["signers"] = list(signers.names)
        names_text = signers.written.strip()
        if re.search(r"[、，,]", names_text):
            self.guess(("header", "signers"), f"签发人原文“{names_text}”，姓名间印作全角空格")

    # -- body ---------------------------------------------------------------------------------
    def unwrap(self, lines: list[SourceLine]) -> list[SourceLine]:
        """Join lines that a hard-wrapped copy (text copied from a PDF) broke mid-paragraph.

        Only when the text shows a measure: three or more long lines of about one length that
        do not end a sentence. A line continues the one above when that one ran to the
        measure without ending a sentence and this one is not a heading.
        """
        if any(line.role is not None for line in self.lines):
            return lines
        measure = wrap_measure([ln.text for ln in self.lines])
        if measure is None:
            return lines
        out: list[SourceLine] = []
        last = ""
        for line in lines:
            if out and continues(last, line.text, measure):
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
                    target = stack[-1][1].setdefault("body", [])
                    path = (*stack[-1][2], "body", len(target))
                else:
                    target, path = root, (*where, len(root))
                target.append(line.text)
                self.plain.append(line.text)
                if line.number in self.sentences and line.role is None:
                    self.guess(path, "以序号开头，但是一整句话（较长且有句内标点），"
                               "作为普通段落保留，不作小标题")
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
        """(rank, literal number, heading, run-in text) or None for a paragraph (a numbered
        line that is a whole sentence is a paragraph too)."""
        if line.role is not None and line.role not in HEADING_ROLES:
            return None
        if line.role is None and grammar.numbered_sentence(line.text):
            self.sentences.add(line.number)
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
            cut = grammar.run_in_split(rest)
        if cut:
            return rank, number, rest[:cut].strip(), rest[cut:].strip()
        return rank, number, rest, None

    # -- around the signature -----------------------------------------------------------------
    def pre_signature(self, lines: list[SourceLine]) -> tuple[list[_ContactLine], list[str]]:
        contacts: list[_ContactLine] = []
        notes: list[str] = []
        for line in lines:
            if self.is_attach_note(line) or (notes and _attach_item(line.text)):
                notes.append(line.text)
                continue
            if notes and not contacts:
                self.guess(("contacts",), "原文联系人在附件说明之后；按答复函顺序排在其前")
            contacts.append(self.contact_line(line, "before_signature"))
        return contacts, notes

    def contact_line(self, line: SourceLine, placement: str,
                     text: str | None = None) -> _ContactLine:
        parsed = parse_contacts(text if text is not None else line.text)
        if parsed is None:  # pragma: no cover - callers check
            raise self.fail(f"第 {line.number} 行的联系人信息无法识别：{line.text}", line)
        items, separators = parsed
        return _ContactLine(line, placement, items, separators)

    def after_date(self, lines: list[SourceLine]) -> list[_ContactLine | SourceLine]:
        """What follows the date, in order: the contacts (lines, or one bracketed line) and
        the 附注 lines; 抄送 or 印发 lines written here go to the 版记. A line that is none of
        these is kept as a 附注, as written, with a warning."""
        out: list[_ContactLine | SourceLine] = []
        placement = None
        for line in lines:
            t = line.text.strip()
            inner = grammar.parse_note(t)
            if line.role is None and self.is_record(line):
                self.early_record.append(line)
            elif (inner is not None and placement is None and line.role in (None, Role.NOTE)
                  and parse_contacts(inner) is not None):
                placement = "note"
                out.append(self.contact_line(line, placement, inner))
            elif (self.is_contact(line) and line.role is not Role.NOTE
                  and placement in (None, "after_date")):
                placement = "after_date"
                out.append(self.contact_line(line, placement))
            else:
                if line.role is None and inner is None and not grammar.parse_publicity(t) \
                        and not self.is_contact(line):
                    self.unread.append(line)
                out.append(line)
        return out

    def contacts_of(self, before: list[_ContactLine], after: list[_ContactLine | SourceLine]
                    ) -> tuple[list[dict[str, str]], str | None, str | None]:
        """The letter's contacts, their placement and, when they were all on one line, the
        mark that set them apart (``published.contacts_separator``)."""
        after_lines = [e for e in after if isinstance(e, _ContactLine)]
        group = before or after_lines
        if not group:
            return [], None, None
        placement = group[0].placement
        if before and after_lines:
            self.guess(("contacts",), "署名前和日期后都有联系人信息，一并放在署名之前")
            after[:] = [e for e in after if not isinstance(e, _ContactLine)]
            group = before + after_lines
        contacts = [item for c in group for item in c.items]
        separator: str | None = None
        if len(group) == 1 and len(contacts) > 1:
            marks = group[0].separators
            separator = marks[0]
            if any(m != separator for m in marks):
                self.guess(("published", "contacts_separator"),
                           f"原文“{group[0].line.text}”中项目间的写法不一，都印作“{separator}”")
            if placement == "note" and separator in ("；", ";"):
                separator = None if separator == grammar.CONTACTS_NOTE_SEPARATOR else separator
        elif len(group) > 1:
            start = 0
            for c in group:
                if len(c.items) > 1:
                    self.guess(("contacts", start + 1),
                               f"原文“{c.line.text}”中项目间的“{''.join(c.separators)}”"
                               "未保留（每项单独一行）")
                start += len(c.items)
        return contacts, placement, separator

    def notes_of(self, after: list[_ContactLine | SourceLine], placement: str | None
                 ) -> str | None:
        """The 附注 as ``note`` when it is one bracketed line in the usual place (right below
        the date, before any contacts lines or contacts set as a 附注: decision 13); otherwise
        every 附注 line as written, in its place and order, in ``published.notes`` (and None)."""
        texts = [e for e in after if isinstance(e, SourceLine)]
        at = next((k for k, e in enumerate(after) if isinstance(e, _ContactLine)), None)
        note_at = next((k for k, e in enumerate(after) if isinstance(e, SourceLine)), None)
        usual_order = at is None or note_at is None or note_at < at
        inner = grammar.parse_note(texts[0].text.strip()) if texts else None
        if not self.head_notes and len(texts) <= 1 and usual_order and (
                not texts or (inner is not None and not self.unread)):
            return inner
        notes: list[dict[str, Any]] = []
        for t, place in self.head_notes:
            where = "之上" if place == "above_title" else "之下"
            self.guess(("published", "notes", len(notes)), f"原文“{t}”在标题{where}，照原文"
                       f"排在标题{where}（GB/T 9704 的附注在成文日期之下）")
            notes.append({"text": t, "place": place})
        for k, e in enumerate(after):
            if isinstance(e, SourceLine):
                if e in self.unread:
                    self.guess(("published", "notes", len(notes)),
                               f"第 {e.number} 行“{e.text}”无法识别，照原文作为附注保留，请核对")
                notes.append({"text": e.text.strip()})
            elif k == at and not usual_order:  # the contacts' place among the 附注 lines
                notes.append({"contacts": True})
        self.published["notes"] = notes
        if not any(g.path[:2] == ("published", "notes") for g in self.guesses):
            self.guess(("published", "notes"), "原文成文日期之后的附注各行照原文、按原顺序保留")
        return None

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
