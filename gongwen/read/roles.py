"""Roles for paragraphs read from text, a PDF or someone else's DOCX: from their text (the
grammar of the letter's elements) and their place in the letter's order."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .. import grammar
from ..spec import HEADER_ROLES, HEADING_ROLES, Role
from ..textnorm import normalise
from .model import Paragraph

_SENTENCE_END = ("。", "；", ";", "！", "!", "？", "?", ":", "，", ",")


def heading_role(text: str) -> Role | None:
    """The heading role of a paragraph starting with a GB/T 9704 heading number."""
    number = grammar.parse_heading_number(text)
    return HEADING_ROLES[number.level - 1] if number else None


def header_role(text: str) -> Role | None:
    """The 版头 element ``text`` is, whole: 份号, 密级, 紧急程度, 发文字号, 签发人, 答复类别."""
    t = text.strip()
    if grammar.parse_copy_number(t):
        return Role.COPY_NUMBER
    if grammar.parse_secrecy(t):
        return Role.SECRECY
    if grammar.parse_urgency(t):
        return Role.URGENCY
    number = grammar.parse_doc_number(t)
    if number is not None and not number.rest:
        return Role.DOC_NUMBER
    if grammar.parse_signers(t) is not None:
        return Role.SIGNER
    if grammar.parse_reply_category(t):
        return Role.REPLY_CATEGORY
    return None


def _contact(text: str) -> bool:
    return grammar.parse_contacts(text) is not None


def guess_roles(paras: Iterable[Paragraph]) -> list[Paragraph]:
    """Roles for paragraphs whose role is not known, from their text and position.

    The letter's order is assumed: 版头 elements, title, 主送 (the first short line ending
    with a colon), body with numbered headings, contacts, 附件说明, 署名, date (the last
    date-only line before any attachment page), 附注, attachment pages, 版记. A paragraph's
    known role is kept. Header elements are put in the letter's order (as compose has them).
    """
    paras = list(paras)
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
    # 版头 and title: before the addressee (or, without one, before the first long paragraph)
    head_end = addressee if addressee is not None else next(
        (i for i in range(n) if len(norm[i]) > 40 or heading_role(norm[i])), 0)
    title_run: list[int] = []
    for i in range(head_end):
        if roles[i] is not None:
            continue
        role = header_role(norm[i])
        if role is not None:
            roles[i] = role
            title_run = []
        elif paras[i].red:
            roles[i] = Role.ORGAN_MARK
            title_run = []
        else:
            title_run.append(i)
    for i in title_run:
        roles[i] = Role.TITLE
    # organ marks: unmatched paragraphs before the last header element stay untyped → mark
    for i in range(head_end):
        if roles[i] is None:
            roles[i] = Role.ORGAN_MARK
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
            or _contact(norm[j]) or _attachment_note(norm[j])
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
            and heading_role(t) is Role.HEADING3 and not t.endswith(_SENTENCE_END)
        ):
            roles[i] = Role.ATTACHMENT_NOTE
        elif len(t) <= 40 and not in_attachment and _contact(t):
            roles[i] = Role.CONTACT
        elif after_date and not in_attachment and grammar.parse_note(t) is not None:
            roles[i] = Role.NOTE
        else:
            roles[i] = heading_role(t) or Role.BODY
    out = [replace(p, role=r) for p, r in zip(paras, roles, strict=True)]
    head = [p for p in out[:head_end] if p.role in HEADER_ROLES]
    if head:
        others = [p for p in out[:head_end] if p.role not in HEADER_ROLES]
        head.sort(key=lambda p: HEADER_ROLES.index(p.role))  # type: ignore[arg-type]
        out = [*head, *others, *out[head_end:]]
    return out


def _attachment_note(text: str) -> bool:
    line = grammar.parse_attachment_note(text)
    return line is not None and line.labelled
