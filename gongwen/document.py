"""The composed letter: styled blocks in reading order, the one input of every exporter.

``compose.compose(letter)`` builds a :class:`Document`; layout, the PDF and DOCX exporters,
the text diff and the checks read it and never go back to the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .metadata import Metadata
from .spec import STYLES, FontRole, Role, Style


class LetterFormat(StrEnum):
    """The three layouts of GB/T 9704."""

    PLAIN = "plain"  # no 版头: the letter starts at the top of the type area
    LETTER = "letter"  # 信函格式
    DOCUMENT = "document"  # 文件格式


class SealMode(StrEnum):
    NONE = "none"  # 不加盖印章
    RESERVE = "reserve"  # room for a seal to be pressed by hand
    IMAGE = "image"  # a user-supplied seal image drawn over 署名 and date


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text in one font role (``None``: the block's style font)."""

    text: str
    font: FontRole | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the letter.

    ``tail`` is text set flush right on the block's last line (the 版记's 印发日期); on the
    last of several 发文机关标志 blocks it is the “文件” set once to the right of the stacked
    names, centred on the stack (7.2.3).
    ``run_in`` marks a level 2–4 heading whose paragraph goes on in body text: its first
    span is the heading, set in the heading font, the rest in 仿宋.
    ``page_break_before`` starts the block on a new page (attachment pages).
    ``extra_indent_chars`` is added to the style's first-line indent: −2 for a paragraph
    set flush left, +3 for the second and later items of 附件说明 (aligned with the first
    item's name after “附件：”).
    ``hang_spans`` > 0: wrapped lines start under the first character of
    ``spans[hang_spans]`` (附件说明: under the attachment's name, past “附件：” and “1.”),
    and the spans before it are set at their natural width.
    ``source`` is the letter field the block comes from (``body[2].text``), so that later
    stages can point at the YAML line of a problem.
    """

    role: Role
    spans: tuple[Span, ...]
    tail: str = ""
    run_in: bool = False
    page_break_before: bool = False
    extra_indent_chars: float = 0.0
    hang_spans: int = 0
    source: str = ""

    @property
    def text(self) -> str:
        """The block's reading text (spans joined, then the tail)."""
        body = "".join(s.text for s in self.spans)
        return body + self.tail

    @property
    def style(self) -> Style:
        return STYLES[self.role]

    def font_of(self, span: Span) -> FontRole:
        """The font role a span is set in."""
        return span.font if span.font is not None else self.style.font

    @property
    def level(self) -> int:
        """Heading level 1–4, 0 for other roles."""
        if self.role.value.startswith("heading"):
            return int(self.role.value[-1])
        return 0


@dataclass(frozen=True, slots=True)
class PunctuationChange:
    """One ASCII mark set full-width during composition (GB/T 15834), for the report."""

    where: str  # the model field path, e.g. "body[2].text"
    offset: int  # character offset in the composed paragraph
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class ComposeWarning:
    """Something composition noticed in the letter's text and reports (never silently fixes):
    a typed heading number it stripped, a template placeholder left in."""

    where: str  # the model field path, e.g. "body[1].heading"
    message: str


@dataclass(frozen=True, slots=True)
class Seal:
    """The seal: none, room reserved, or an image (``data``, else read from ``image``)."""

    mode: SealMode = SealMode.NONE
    image: Path | None = None  # resolved path, only with SealMode.IMAGE
    data: bytes | None = field(default=None, repr=False)  # the image's bytes, when given

    def read(self) -> bytes | None:
        """The image's bytes (PNG or JPEG), or None without an image."""
        if self.data is not None:
            return self.data
        return self.image.read_bytes() if self.image is not None else None


@dataclass(frozen=True, slots=True)
class Document:
    """A composed letter.

    ``blocks`` holds every printed paragraph in reading order: 版头 elements (roles in
    ``spec.HEADER_ROLES``) first, then title, 主送, body, contacts, 附件说明, 署名 and date,
    附注, attachment pages, and last the 版记 (``spec.RECORD_ROLES``). Layout places each
    by role and ``fmt``.
    """

    fmt: LetterFormat
    blocks: tuple[Block, ...]
    seal: Seal = Seal()
    even_page_record: bool = True  # 版记 on an even page (文件格式 option)
    metadata: Metadata = field(default_factory=Metadata)  # title, 署名, date …: properties
    changes: tuple[PunctuationChange, ...] = field(default=())
    warnings: tuple[ComposeWarning, ...] = field(default=())

    @property
    def title(self) -> str:
        """The title on one line (metadata)."""
        return self.metadata.title

    @property
    def author(self) -> str:
        """The issuing organ(s), joined with 、 (metadata)."""
        return self.metadata.author

    def by_role(self, *roles: Role) -> list[Block]:
        return [b for b in self.blocks if b.role in roles]

    def reading_text(self) -> str:
        """The letter as text, one paragraph a line, in reading order."""
        return "\n".join(b.text for b in self.blocks)
