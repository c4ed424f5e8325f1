"""Letter (model) → Document (styled blocks in reading order).

Numbering, punctuation, dates, labels and the order of the letter's elements are decided
here, once; layout and the exporters only place and draw what this returns.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from . import grammar
from .document import (
    Block,
    ComposeWarning,
    Document,
    LetterFormat,
    PunctuationChange,
    Seal,
    SealMode,
    Span,
)
from .metadata import letter_metadata
from .model import Block as ModelBlock
from .model import ContactPlacement, Letter, NotePlace, Paragraph, Section
from .punctuation import full_width
from .spec import DOCUMENT_MARK_SUFFIX, HEADING_ROLES, PARAGRAPH_INDENT_CHARS, FontRole, Role


class _Composer:
    def __init__(self, letter: Letter, base_dir: Path | None):
        self.letter = letter
        self.base_dir = base_dir
        self.blocks: list[Block] = []
        self.changes: list[PunctuationChange] = []
        self.warnings: list[ComposeWarning] = []

    # -- text -------------------------------------------------------------------------
    def text(self, value: str, where: str) -> str:
        """NFC text with punctuation set full-width (unless opted out), recording each change."""
        value = unicodedata.normalize("NFC", self.expand(value, where))
        for placeholder in grammar.find_placeholders(value):
            self.warn(where, f"模板占位文字未替换：“{placeholder}”")
        if not self.letter.options.full_width_punctuation:
            return value
        new, changes = full_width(value)
        self.changes.extend(PunctuationChange(where, i, a, b) for i, a, b in changes)
        return new

    def expand(self, value: str, where: str) -> str:
        """``{{ 变量 }}`` filled from ``letter.variables``, only when the letter opts in."""
        if not self.letter.options.expand_variables:
            return value
        from .templates import expand_text

        return expand_text(value, self.letter.variables, where)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(ComposeWarning(where, message))

    def add(self, role: Role, *spans: Span | str, **kw: object) -> None:
        parts = tuple(s if isinstance(s, Span) else Span(s) for s in spans)
        self.blocks.append(Block(role, parts, **kw))  # type: ignore[arg-type]

    # -- parts of the letter ------------------------------------------------------------
    def header(self) -> None:
        letter, h, pub = self.letter, self.letter.header, self.letter.published
        if letter.format is LetterFormat.PLAIN and not pub.without_mark:
            return
        if h.copy_number:
            copy_number = grammar.format_copy_number(h.copy_number)
            self.add(Role.COPY_NUMBER, copy_number, source="header.copy_number")
        if h.secrecy:
            secrecy = grammar.format_secrecy(h.secrecy.value, h.secrecy_period)
            self.add(Role.SECRECY, secrecy, source="header.secrecy")
        if h.urgency:
            self.add(Role.URGENCY, grammar.format_urgency(h.urgency.value),
                     source="header.urgency")
        suffix = h.mark_suffix
        if suffix is None:
            suffix = DOCUMENT_MARK_SUFFIX if letter.format is LetterFormat.DOCUMENT else ""
        joint = len(h.organs) > 1
        for i, organ in enumerate(h.organs):
            where = f"header.organs[{i}]"
            if not joint:
                self.add(Role.ORGAN_MARK, self.text(organ + suffix, where), source=where)
                continue
            # joint issue (7.2.3): the names stacked, one suffix to their right
            tail = suffix if i == len(h.organs) - 1 else ""
            self.add(Role.ORGAN_MARK, self.text(organ, where), tail=tail, source=where)
        if pub.doc_number:
            self.add(Role.DOC_NUMBER, pub.doc_number, source="published.doc_number")
        elif h.doc_number:
            self.add(Role.DOC_NUMBER, h.doc_number, source="header.doc_number")
        if h.signers:
            label, names = grammar.format_signers(h.signers)
            self.add(Role.SIGNER, Span(label), Span(names, FontRole.KAITI),
                     source="header.signers")
        if pub.reply_category:
            self.add(Role.REPLY_CATEGORY, self.text(pub.reply_category, "published.reply_category"),
                     source="published.reply_category")
        elif h.reply_category:
            category = grammar.format_reply_category(h.reply_category.value)
            self.add(Role.REPLY_CATEGORY, category, source="header.reply_category")

    def head_notes(self, place: NotePlace) -> None:
        """The published 附注 lines printed above or below the title."""
        for i, note in enumerate(self.letter.published.notes):
            if note.place is place and note.text:
                where = f"published.notes[{i}].text"
                self.add(Role.NOTE, self.text(note.text, where), source=where)

    def title(self) -> None:
        if self.letter.title:
            lines = [ln.strip() for ln in self.letter.title.splitlines() if ln.strip()]
            self.add(Role.TITLE, self.text("\n".join(lines), "title"), source="title")

    def addressees(self) -> None:
        names = self.letter.addressees
        if not names:
            return
        text = "、".join(self.text(n, f"addressees[{i}]") for i, n in enumerate(names))
        text = text.rstrip(":：") + "："
        self.add(Role.ADDRESSEE, text, source="addressees")

    def body(self, blocks: list[ModelBlock], where: str, level: int = 1) -> None:
        counter = 0
        for i, block in enumerate(blocks):
            path = f"{where}[{i}]"
            if isinstance(block, str):
                self.add(Role.BODY, self.text(block, path), source=path)
            elif isinstance(block, Paragraph):
                extra = 0.0 if block.indent else -float(PARAGRAPH_INDENT_CHARS)
                text = self.text(block.text, f"{path}.text")
                self.add(Role.BODY, text, extra_indent_chars=extra, source=f"{path}.text")
            elif isinstance(block, Section):
                counter += 1
                self.section(block, path, level, counter)

    def section(self, section: Section, where: str, level: int, n: int) -> None:
        role = HEADING_ROLES[level - 1]
        number = section.number or grammar.format_heading_number(level, n)
        text = self.text(section.heading, f"{where}.heading")
        typed = grammar.parse_heading_number(text.lstrip(), loose=True)
        rest = text.lstrip()[typed.end :].lstrip() if typed else ""
        if typed and rest:  # never printed twice: “一、一、工作情况”
            text = rest
            self.warn(
                f"{where}.heading",
                f"标题文字自带序号“{typed.written.strip()}”，已去掉，"
                + (f"按 number 印作“{number}”" if section.number else
                   f"改用自动编号“{number}”（要指定序号请写 number）"),
            )
        heading = Span(number + text)
        if section.text:
            text = Span(self.text(section.text, f"{where}.text"), FontRole.FANGSONG)
            self.add(role, heading, text, run_in=True, source=where)
        else:
            self.add(role, heading, source=f"{where}.heading")
        self.body(section.body, f"{where}.body", level + 1)

    def contacts(self) -> list[str]:
        lines = []
        for i, c in enumerate(self.letter.contacts):
            label = self.text(c.label, f"contacts[{i}].label")
            value = self.text(c.value, f"contacts[{i}].value")
            lines.append(grammar.format_contact(label, value))
        return lines

    def contact_lines(self) -> None:
        """The contacts before the 署名 or after the date: one line each, or all on one line
        set apart by the published separator."""
        lines = self.contacts()
        separator = self.letter.published.contacts_separator
        if separator is not None and lines:
            self.add(Role.CONTACT, separator.join(lines), source="contacts")
            return
        for i, line in enumerate(lines):
            self.add(Role.CONTACT, line, source=f"contacts[{i}]")

    def attachment_note(self) -> None:
        """附件：name, or 附件：1.name / 2.name … with the later items under “1.” and wrapped
        lines under the name's first character (7.3.4)."""
        atts = self.letter.attachments
        names = [self.text(att.title, f"attachments[{i}].title") for i, att in enumerate(atts)]
        for i, (label, number, name) in enumerate(grammar.format_attachment_note(names)):
            where = f"attachments[{i}].title"
            spans = tuple(Span(part) for part in (label, number, name) if part)
            self.add(
                Role.ATTACHMENT_NOTE, *spans, hang_spans=len(spans) - 1,
                extra_indent_chars=0.0 if label else 3.0, source=where,
            )

    def signature(self) -> None:
        sig, written = self.letter.signature, self.letter.published.date
        for i, organ in enumerate(sig.organs):
            where = f"signature.organs[{i}]"
            self.add(Role.SIGNATURE, self.text(organ, where), source=where)
        if written:
            self.add(Role.DATE, written, source="published.date")
        else:
            self.add(Role.DATE, grammar.format_date(sig.date), source="signature.date")

    def note_and_contacts_after(self) -> None:
        """附注 and contacts after the date: the 附注 on the line below the date (7.3.6,
        decision 13), then the contacts set after the date, then the contacts as a 附注 — or
        the published lines in their order."""
        letter = self.letter
        placement = letter.contacts_placement
        has_contacts = bool(letter.contacts) and placement is not ContactPlacement.BEFORE_SIGNATURE
        notes = letter.published.notes
        if not notes:
            if letter.note:
                note = grammar.format_note(self.text(letter.note, "note"))
                self.add(Role.NOTE, note, source="note")
            if has_contacts and placement is ContactPlacement.AFTER_DATE:
                self.contact_lines()
            if has_contacts and placement is ContactPlacement.NOTE:
                self.contacts_note()
            return
        placed = any(n.contacts for n in notes)
        for i, note in enumerate(notes):
            if note.contacts and placement is ContactPlacement.AFTER_DATE:
                self.contact_lines()
            elif note.contacts:
                self.contacts_note()
            elif note.place is NotePlace.AFTER_DATE and note.text:
                where = f"published.notes[{i}].text"
                self.add(Role.NOTE, self.text(note.text, where), source=where)
        if has_contacts and not placed and placement is ContactPlacement.AFTER_DATE:
            self.contact_lines()
        elif has_contacts and not placed and placement is ContactPlacement.NOTE:
            self.contacts_note()

    def contacts_note(self) -> None:
        separator = self.letter.published.contacts_separator
        self.add(Role.NOTE, grammar.format_contacts_note(self.contacts(), separator),
                 source="contacts")

    def attachment_pages(self) -> None:
        atts = self.letter.attachments
        for i, att in enumerate(atts):
            if not att.body:
                continue
            label = grammar.format_attachment_label(i + 1, len(atts))
            where = f"attachments[{i}]"
            self.add(Role.ATTACHMENT_LABEL, label, page_break_before=True, source=where)
            where = f"attachments[{i}].title"
            self.add(Role.ATTACHMENT_TITLE, self.text(att.title, where), source=where)
            self.body(att.body, f"attachments[{i}].body")

    def record(self) -> None:
        rec = self.letter.record
        if rec is None:
            return
        if rec.cc:
            label, names = grammar.format_cc(
                [self.text(c, f"record.cc[{i}]") for i, c in enumerate(rec.cc)])
            self.add(Role.RECORD_CC, Span(label), Span(names), source="record.cc")
        if rec.printer and rec.print_date:
            printer, tail = grammar.format_print_line(
                self.text(rec.printer, "record.printer"), rec.print_date)
            self.add(Role.RECORD_PRINT, printer, tail=tail, source="record.printer")

    def seal(self) -> Seal:
        seal = self.letter.signature.seal
        if seal.mode is SealMode.IMAGE and seal.image:
            image = Path(seal.image)
            if not image.is_absolute() and self.base_dir is not None:
                image = self.base_dir / image
            return Seal(SealMode.IMAGE, image)
        return Seal(seal.mode)

    def compose(self) -> Document:
        self.header()
        self.head_notes(NotePlace.ABOVE_TITLE)
        self.title()
        self.head_notes(NotePlace.BELOW_TITLE)
        self.addressees()
        self.body(self.letter.body, "body")
        if self.letter.contacts_placement is ContactPlacement.BEFORE_SIGNATURE:
            self.contact_lines()
        self.attachment_note()
        self.signature()
        self.note_and_contacts_after()
        self.attachment_pages()
        self.record()
        title = self.expand(self.letter.title or "", "title")
        return Document(
            fmt=self.letter.format,
            blocks=tuple(self.blocks),
            seal=self.seal(),
            even_page_record=self.letter.options.even_page_record,
            metadata=letter_metadata(
                title,
                self.letter.signature.organs or self.letter.header.organs,
                self.letter.signature.date,
                self.letter.header.doc_number,
            ),
            changes=tuple(self.changes),
            warnings=tuple(self.warnings),
        )


def compose(letter: Letter, base_dir: Path | None = None) -> Document:
    """Compose a validated letter. ``base_dir`` resolves relative paths (the seal image).

    A letter that expands ``{{ 变量 }}`` does all its expansion under one template budget
    (time and memory, :func:`gongwen.templates.template_budget`)."""
    if not letter.options.expand_variables:
        return _Composer(letter, base_dir).compose()
    from .templates import template_budget

    with template_budget():
        return _Composer(letter, base_dir).compose()
