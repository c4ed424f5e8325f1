"""Roles for paragraphs read from text, a PDF or someone else's DOCX: from their text (the
grammar of the letter's elements) and their place in the letter's order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from .. import grammar
from ..spec import HEADER_ROLES, HEADING_ROLES, Role
from ..textnorm import normalise
from .model import Paragraph

_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", ":", "，", ",")


def heading_role(text: str) -> Role | None:
    """The heading role of a paragraph starting with a GB/T 9704 heading number; None for a
    numbered sentence (“一、我局今年已更换……，……。”), which is a body paragraph."""
    number = grammar.parse_heading_number(text)
    if number is None or grammar.numbered_sentence(text):
        return None
    return HEADING_ROLES[number.level - 1]


_HEADER_ROLE = {
    "copy_number": Role.COPY_NUMBER, "secrecy": Role.SECRECY, "urgency": Role.URGENCY,
    "doc_number": Role.DOC_NUMBER, "signers": Role.SIGNER, "reply_category": Role.REPLY_CATEGORY,
}


def header_role(text: str) -> Role | None:
    """The 版头 element ``text`` is, whole: 份号, 密级, 紧急程度, 发文字号, 签发人, 答复类别."""
    element = grammar.parse_header_element(text)
    return _HEADER_ROLE[element.kind] if element is not None else None


SENTENCE_MARKS = frozenset("。，,；;：:！!？?“”\"《》")  # never in an organ's name


def head_roles(texts: Sequence[str], red: Sequence[bool] = ()) -> list[Role]:
    """Roles of the lines above the 主送 (or the body): 版头 elements (a line holding several
    takes its first one's role), 公开属性 lines (``NOTE``), the 发文机关标志 and the title.

    A red line is a mark. Of the other lines, a title (:func:`grammar.title_like`) and the
    lines after it up to the next 版头 element are the title; the lines before it that read
    like an organ's name (short, no sentence marks) are marks. Without a title-like line, the
    lines after the last 版头 element are the title and those before it marks.
    """
    roles: list[Role | None] = []
    for i, text in enumerate(texts):
        elements = grammar.parse_header_line(text)
        if elements is not None:
            roles.append(_HEADER_ROLE[elements[0].kind])
        elif i < len(red) and red[i]:
            roles.append(Role.ORGAN_MARK)
        elif grammar.parse_publicity(text) is not None:
            roles.append(Role.NOTE)
        else:
            roles.append(None)
    # runs of untyped lines between 版头 elements
    runs: list[list[int]] = []
    for i, role in enumerate(roles):
        if role is None:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    last_element = max((i for i, r in enumerate(roles)
                        if r is not None and r not in (Role.NOTE, Role.ORGAN_MARK)), default=-1)
    for run in runs:
        titled = next((k for k, i in enumerate(run) if grammar.title_like(texts[i])), None)
        if titled is None:
            titled = len(run) if run[0] < last_element else 0
        for k, i in enumerate(run):
            mark = k < titled and len(texts[i].strip()) <= 40 and not (
                SENTENCE_MARKS & set(texts[i]))
            roles[i] = Role.ORGAN_MARK if mark else Role.TITLE
    return [r if r is not None else Role.TITLE for r in roles]


def _contact(text: str, *, long_ok: bool = False) -> bool:
    """A contacts line: short, or (after the date, or holding several items) any length."""
    line = grammar.parse_contacts(text)
    return line is not None and (len(text) <= 40 or long_ok or len(line.items) > 1)


def _split_header_lines(paras: list[Paragraph]) -> list[Paragraph]:
    """A paragraph near the top holding several 版头 elements (“青水函〔2024〕9号　签发人：…”)
    as one paragraph each, as the letter and a PDF have them."""
    out: list[Paragraph] = []
    for k, p in enumerate(paras):
        elements = grammar.parse_header_line(p.text) if p.role is None and k < 12 else None
        if elements is not None and len(elements) > 1:
            out.extend(replace(p, text=e.written) for e in elements)
        else:
            out.append(p)
    return out


def guess_roles(paras: Iterable[Paragraph]) -> list[Paragraph]:
    """Roles for paragraphs whose role is not known, from their text and position.

    The letter's order is assumed: 版头 elements, title, 主送 (the first short line ending
    with a colon), body with numbered headings, contacts, 附件说明, 署名, date (the last
    date-only line before any attachment page), 附注, attachment pages, 版记. A paragraph's
    known role is kept. Header elements are put in the letter's order (as compose has them).
    """
    paras = _split_header_lines(list(paras))
    n = len(paras)
    if not n:
        return []
    roles: list[Role | None] = [p.role for p in paras]
    norm = [normalise(p.text) for p in paras]

    # 主送: first short paragraph ending with a colon, within the first few
    addressee = next(
        (i for i in range(min(n, 12)) if norm[i].endswith(":") and len(norm[i]) <= 60
         and roles[i] in (None, Role.ADDRESSEE) and not header_role(norm[i])),
        None,
    )
    # 版头, 公开属性 and title: before the addressee (or, without one, before the first long
    # paragraph, heading or sentence: a title never ends with a full stop)
    head_end = addressee if addressee is not None else next(
        (i for i in range(n) if len(norm[i]) > 40 or heading_role(norm[i])
         or norm[i].endswith(("。", "！", "!", "？", "?"))), 0)
    untyped = [i for i in range(head_end) if roles[i] is None]
    guessed = head_roles([paras[i].text for i in untyped], [paras[i].red for i in untyped])
    for i, role in zip(untyped, guessed, strict=True):
        roles[i] = role
    if addressee is not None and roles[addressee] is None:
        roles[addressee] = Role.ADDRESSEE

    # the date: the last date-only paragraph (before attachment pages and the 版记)
    date = None
    for i in range(n - 1, head_end, -1):
        written = grammar.parse_date(norm[i]) if roles[i] in (None, Role.DATE) else None
        if written is not None and len(written.year) == 4 and not written.separator:
            date = i
            break
    if date is not None:
        roles[date] = Role.DATE
        j = date - 1
        while j > head_end and roles[j] is None and len(norm[j]) <= 30 and not (
            norm[j].endswith(_SENTENCE_END) or heading_role(norm[j])
            or _contact(norm[j]) or grammar.parse_attachment_note(norm[j]) is not None
        ):
            roles[j] = Role.SIGNATURE
            j -= 1
    end_of_letter = date if date is not None else n
    in_attachment = False
    for i in range(head_end, n):
        if roles[i] is not None:
            continue
        t = norm[i]
        after_date = date is not None and i > date
        if after_date and grammar.parse_attachment_label(t) is not None:
            roles[i] = Role.ATTACHMENT_LABEL
            if i + 1 < n and roles[i + 1] is None:
                roles[i + 1] = Role.ATTACHMENT_TITLE
            in_attachment = True
        elif (cc := grammar.parse_cc(t)) is not None and cc.label == "抄送":
            roles[i] = Role.RECORD_CC
        elif i >= n - 2 and grammar.parse_print_line(t) is not None:
            roles[i] = Role.RECORD_PRINT
        elif (_attachment_note(t) and not in_attachment) or (
            roles[i - 1] is Role.ATTACHMENT_NOTE and i < end_of_letter
            and grammar.parse_attachment_note(t) is not None and not t.endswith(_SENTENCE_END)
        ):
            roles[i] = Role.ATTACHMENT_NOTE
        elif not in_attachment and _contact(t, long_ok=after_date):
            roles[i] = Role.CONTACT
        elif after_date and not in_attachment:
            roles[i] = Role.NOTE  # a 附注, or a line a published letter kept there
        else:
            roles[i] = heading_role(paras[i].text) or Role.BODY
    nest_headings(roles, [p.role is None for p in paras])
    out = [replace(p, role=r) for p, r in zip(paras, roles, strict=True)]
    head = [p for p in out[:head_end] if p.role in HEADER_ROLES]
    if head:
        others = [p for p in out[:head_end] if p.role not in HEADER_ROLES]
        head.sort(key=lambda p: HEADER_ROLES.index(p.role))  # type: ignore[arg-type]
        out = [*head, *others, *out[head_end:]]
    return out


def nest_headings(roles: list[Role | None], guessed: list[bool]) -> None:
    """Guessed heading roles as levels of the letter's outline, the way the letter nests
    them: a heading's level is one below the nearest heading above it of a higher number
    form (a “1.” directly under “一、” is level 2; a “1.” with none above is level 1). The
    outline starts again after the date (attachment pages)."""
    stack: list[int] = []
    for i, role in enumerate(roles):
        if role in (Role.DATE, Role.ATTACHMENT_LABEL):
            stack = []
        if role not in HEADING_ROLES or not guessed[i]:
            continue
        form = HEADING_ROLES.index(role) + 1  # type: ignore[arg-type]
        while stack and stack[-1] >= form:
            stack.pop()
        stack.append(form)
        roles[i] = HEADING_ROLES[min(len(stack), len(HEADING_ROLES)) - 1]


def _attachment_note(text: str) -> bool:
    line = grammar.parse_attachment_note(text)
    return line is not None and line.labelled
