"""GB/T 9704-2012 figures, in one place.

Every page, grid, size, position and role → style figure that layout, exporters and checks
use comes from here. Sources and the project's decisions where the standard is vague:
``shared/spec/gbt9704-2012.md`` (its first section). Lengths are in points unless the name
says ``_MM``; ``mm()`` converts.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

MM_PER_PT = 25.4 / 72


def mm(value_mm: float) -> float:
    """Millimetres to points."""
    return value_mm / MM_PER_PT


def pt_to_mm(value_pt: float) -> float:
    """Points to millimetres."""
    return value_pt * MM_PER_PT


def twips(value_pt: float) -> int:
    """Points to twentieths of a point (OOXML), rounded to the nearest twip."""
    return round(value_pt * 20)


# --- Page and type area (§5.1–5.2) -------------------------------------------------------
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0  # 天头
MARGIN_LEFT_MM = 28.0  # 订口
TYPE_AREA_WIDTH_MM = 156.0  # 版心
TYPE_AREA_HEIGHT_MM = 225.0
MARGIN_RIGHT_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - TYPE_AREA_WIDTH_MM  # 26
MARGIN_BOTTOM_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - TYPE_AREA_HEIGHT_MM  # 35
MARGIN_TOLERANCE_MM = 1.0  # 天头 37 ± 1 mm, 订口 28 ± 1 mm (§5.2.1)

PAGE_WIDTH = mm(PAGE_WIDTH_MM)
PAGE_HEIGHT = mm(PAGE_HEIGHT_MM)
MARGIN_TOP = mm(MARGIN_TOP_MM)
MARGIN_LEFT = mm(MARGIN_LEFT_MM)
MARGIN_RIGHT = mm(MARGIN_RIGHT_MM)
MARGIN_BOTTOM = mm(MARGIN_BOTTOM_MM)
TYPE_AREA_WIDTH = mm(TYPE_AREA_WIDTH_MM)
TYPE_AREA_HEIGHT = mm(TYPE_AREA_HEIGHT_MM)
# the type area's edges and centre line, pt from the page's top-left corner
TYPE_LEFT = MARGIN_LEFT
TYPE_RIGHT = MARGIN_LEFT + TYPE_AREA_WIDTH
TYPE_TOP = MARGIN_TOP
TYPE_BOTTOM = MARGIN_TOP + TYPE_AREA_HEIGHT
TYPE_CENTRE = TYPE_LEFT + TYPE_AREA_WIDTH / 2

# --- Grid (decision 1) ---------------------------------------------------------------------
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE_PITCH = 28.95  # exact line spacing, pt (579 twips)
CHAR_PITCH = TYPE_AREA_WIDTH / CHARS_PER_LINE  # 15.79 pt
MIN_EXACT_LINE_SHARE = 0.85  # at least this share of full lines hold exactly 28 characters
# DOCX: a lines-only grid plus −0.25 pt character spacing on 3号 runs gives a 15.75 pt advance
DOCX_GRID_TYPE = "lines"
DOCX_BODY_CHAR_SPACING = -0.25

# --- Sizes (decision 2, Word's table) ----------------------------------------------------
SIZE_2HAO = 22.0
SIZE_3HAO = 16.0
SIZE_4HAO = 14.0
BODY_SIZE = SIZE_3HAO


class FontRole(StrEnum):
    """The five faces GB/T 9704 names; fonts.py resolves each to a file."""

    XIAOBIAOSONG = "xiaobiaosong"  # 小标宋
    FANGSONG = "fangsong"  # 仿宋 (default)
    HEITI = "heiti"  # 黑体
    KAITI = "kaiti"  # 楷体
    SONGTI = "songti"  # 宋体


FONT_ROLE_NAMES = {
    FontRole.XIAOBIAOSONG: "小标宋",
    FontRole.FANGSONG: "仿宋",
    FontRole.HEITI: "黑体",
    FontRole.KAITI: "楷体",
    FontRole.SONGTI: "宋体",
}

# --- Colours -------------------------------------------------------------------------------
RED = "FF0000"
BLACK = "000000"

# --- Page numbers (decision 4) -------------------------------------------------------------
PAGE_NUMBER_SIZE = SIZE_4HAO
PAGE_NUMBER_FONT = FontRole.SONGTI
PAGE_NUMBER_BELOW_TYPE_AREA_MM = 7.0  # top of the dash line below the type area's bottom edge
PAGE_NUMBER_TOLERANCE_MM = 1.0  # what `gongwen check` accepts around that position
PAGE_NUMBER_INDENT = SIZE_4HAO  # one 4号 character
PAGE_NUMBER_DASH = "\u2014"


def page_number_text(n: int) -> str:
    """'— N —' with one half-width space on each side of the digits."""
    return f"{PAGE_NUMBER_DASH} {n} {PAGE_NUMBER_DASH}"


# --- 信函格式 (decision 6) ---------------------------------------------------------------
LETTER_MARK_TOP_MM = 30.0  # top edge of the 发文机关标志 from the page top
LETTER_RULE_LENGTH_MM = 170.0  # centred on the page
LETTER_RULE_THICK = 1.5  # pt
LETTER_RULE_THIN = 0.75  # pt
LETTER_RULE_GAP = 1.0  # pt between the two lines
LETTER_RULE_BELOW_MARK_MM = 4.0
LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM = 20.0  # the thick bottom line
LETTER_HEADER_ROW_BELOW_RULE = SIZE_4HAO  # 14 pt below the upper lines
LETTER_MARK_MAX_WIDTH_MM = TYPE_AREA_WIDTH_MM  # shrink the 标志 to fit
TITLE_LINES_BELOW_HEADER = 2  # title two lines below the last element above it
LETTER_TEXT_ABOVE_BOTTOM_RULE = SIZE_3HAO * 7 / 8  # page 1's last line above the lower lines


def letter_bottom_rules() -> tuple[float, float]:
    """信函格式: centre lines (pt from the page top) of the lower double line's thin and
    thick strokes; thin over thick, the thick one 20 mm above the page bottom."""
    thick = PAGE_HEIGHT - mm(LETTER_BOTTOM_RULE_ABOVE_PAGE_BOTTOM_MM)
    pair = LETTER_RULE_THICK / 2 + LETTER_RULE_GAP + LETTER_RULE_THIN / 2
    return thick - pair, thick


def letter_text_bottom() -> float:
    """信函格式 page 1: the lowest a line's text (em box bottom) may reach, 7/8 of a 3号
    character above the lower double line (10.1); the page's text may run below the type
    area down to here."""
    thin, _ = letter_bottom_rules()
    return thin - LETTER_RULE_THIN / 2 - LETTER_TEXT_ABOVE_BOTTOM_RULE

# --- 文件格式 (decision 7) ---------------------------------------------------------------
DOCUMENT_MARK_TOP_BELOW_TYPE_AREA_MM = 35.0  # 72 mm from the page top
DOCUMENT_NUMBER_LINES_BELOW_MARK = 2
DOCUMENT_RULE_BELOW_NUMBER_MM = 4.0
DOCUMENT_RULE_LENGTH_MM = TYPE_AREA_WIDTH_MM
DOCUMENT_RULE_WIDTH_MM = 0.5
DOCUMENT_MARK_SUFFIX = "文件"
JOINT_MARK_SUFFIX_GAP_EM = 0.5  # joint 标志: gap between the stacked names and “文件” (decision 16)
MARK_LINE_GAP_EM = 0.25  # stacked 标志 lines: gap between one em box and the next

# --- 版记 (decision 5) -------------------------------------------------------------------
RECORD_RULE_OUTER_MM = 0.35  # first and last rule
RECORD_RULE_INNER_MM = 0.25  # rules between
RECORD_RULE_LENGTH_MM = TYPE_AREA_WIDTH_MM
RECORD_SIZE = SIZE_4HAO
RECORD_LABEL_INDENT = SIZE_4HAO  # labels indented one 4号 character
RECORD_EVEN_PAGE_DEFAULT = True

# --- Signature (decision 10) -------------------------------------------------------------
SIGNATURE_RIGHT_CHARS = 2  # 署名 右空二字 (no seal)
DATE_OFFSET_CHARS = 2  # the date starts two characters right of the 署名's first character
SEAL_DATE_RIGHT_CHARS = 4  # with a seal: date 右空四字, 署名 centred over it
SIGNATURE_BLANK_LINES = 1  # 正文下空一行 (no seal)
SEAL_BLANK_LINES = 2  # room above the 署名 when a seal is pressed over it
SIGNATURE_MIN_LINES_BEFORE = 2  # lines of text that stay on the signature's page
SEAL_DIAMETER_MM = 42.0  # reserve space for a seal of this size

# --- Text --------------------------------------------------------------------------------
HEADING_NUMBERS = ("一、", "（一）", "1.", "（1）")  # the four levels' patterns (see numbering)
PARAGRAPH_INDENT_CHARS = 2
LOOSE_GAP_EM = 0.0625  # a justified line whose gaps grow by more than this (1 pt at 3号) is loose


class Role(StrEnum):
    """What a composed block is; the style table below gives each its look."""

    COPY_NUMBER = "copy_number"  # 份号
    SECRECY = "secrecy"  # 密级和保密期限
    URGENCY = "urgency"  # 紧急程度
    ORGAN_MARK = "organ_mark"  # 发文机关标志 (one block per organ)
    DOC_NUMBER = "doc_number"  # 发文字号
    SIGNER = "signer"  # 签发人 (label span in 仿宋, names in 楷体)
    REPLY_CATEGORY = "reply_category"  # 答复类别
    TITLE = "title"
    ADDRESSEE = "addressee"  # 主送机关
    BODY = "body"
    HEADING1 = "heading1"
    HEADING2 = "heading2"
    HEADING3 = "heading3"
    HEADING4 = "heading4"
    CONTACT = "contact"  # 承办人、联系电话 …
    ATTACHMENT_NOTE = "attachment_note"  # 附件说明
    SIGNATURE = "signature"  # 发文机关署名 (one block per organ)
    DATE = "date"  # 成文日期
    NOTE = "note"  # 附注
    ATTACHMENT_LABEL = "attachment_label"  # "附件1" on an attachment page
    ATTACHMENT_TITLE = "attachment_title"
    RECORD_CC = "record_cc"  # 版记: 抄送
    RECORD_PRINT = "record_print"  # 版记: 印发机关和印发日期


# What each role is called in reports (diff, check)
ROLE_NAMES = {
    Role.COPY_NUMBER: "份号",
    Role.SECRECY: "密级",
    Role.URGENCY: "紧急程度",
    Role.ORGAN_MARK: "发文机关标志",
    Role.DOC_NUMBER: "发文字号",
    Role.SIGNER: "签发人",
    Role.REPLY_CATEGORY: "答复类别",
    Role.TITLE: "标题",
    Role.ADDRESSEE: "主送机关",
    Role.BODY: "正文",
    Role.HEADING1: "一级标题",
    Role.HEADING2: "二级标题",
    Role.HEADING3: "三级标题",
    Role.HEADING4: "四级标题",
    Role.CONTACT: "联系人",
    Role.ATTACHMENT_NOTE: "附件说明",
    Role.SIGNATURE: "署名",
    Role.DATE: "成文日期",
    Role.NOTE: "附注",
    Role.ATTACHMENT_LABEL: "附件标识",
    Role.ATTACHMENT_TITLE: "附件标题",
    Role.RECORD_CC: "抄送",
    Role.RECORD_PRINT: "印发机关和日期",
}

HEADING_ROLES = (Role.HEADING1, Role.HEADING2, Role.HEADING3, Role.HEADING4)
HEADER_ROLES = (
    Role.COPY_NUMBER,
    Role.SECRECY,
    Role.URGENCY,
    Role.ORGAN_MARK,
    Role.DOC_NUMBER,
    Role.SIGNER,
    Role.REPLY_CATEGORY,
)
RECORD_ROLES = (Role.RECORD_CC, Role.RECORD_PRINT)

Align = Literal["justify", "left", "center", "right"]


@dataclass(frozen=True, slots=True)
class Style:
    """How a role looks. Indents count characters of the style's own size."""

    font: FontRole
    size: float = BODY_SIZE
    align: Align = "justify"
    first_line_chars: float = 0.0
    left_chars: float = 0.0
    right_chars: float = 0.0
    hanging_chars: float = 0.0  # wrapped lines indented this much more than the first
    color: str = BLACK
    keep_with_next: bool = False
    space_before_lines: int = 0  # blank grid lines before the block
    space_after_lines: int = 0


STYLES: dict[Role, Style] = {
    Role.COPY_NUMBER: Style(FontRole.FANGSONG, align="left"),
    Role.SECRECY: Style(FontRole.HEITI, align="left"),
    Role.URGENCY: Style(FontRole.HEITI, align="left"),
    Role.ORGAN_MARK: Style(FontRole.XIAOBIAOSONG, size=SIZE_2HAO, align="center", color=RED),
    Role.DOC_NUMBER: Style(FontRole.FANGSONG, align="right"),
    Role.SIGNER: Style(FontRole.FANGSONG, align="right"),
    Role.REPLY_CATEGORY: Style(FontRole.HEITI, align="right"),
    Role.TITLE: Style(FontRole.XIAOBIAOSONG, size=SIZE_2HAO, align="center", space_after_lines=1),
    Role.ADDRESSEE: Style(FontRole.FANGSONG, align="justify"),
    Role.BODY: Style(FontRole.FANGSONG, first_line_chars=PARAGRAPH_INDENT_CHARS),
    Role.HEADING1: Style(FontRole.HEITI, first_line_chars=2, keep_with_next=True),
    Role.HEADING2: Style(FontRole.KAITI, first_line_chars=2, keep_with_next=True),
    Role.HEADING3: Style(FontRole.FANGSONG, first_line_chars=2, keep_with_next=True),
    Role.HEADING4: Style(FontRole.FANGSONG, first_line_chars=2, keep_with_next=True),
    Role.CONTACT: Style(FontRole.FANGSONG, first_line_chars=PARAGRAPH_INDENT_CHARS),
    Role.ATTACHMENT_NOTE: Style(FontRole.FANGSONG, left_chars=2, hanging_chars=3),
    Role.SIGNATURE: Style(FontRole.FANGSONG, align="right", right_chars=SIGNATURE_RIGHT_CHARS),
    Role.DATE: Style(FontRole.FANGSONG, align="right"),
    Role.NOTE: Style(FontRole.FANGSONG, first_line_chars=PARAGRAPH_INDENT_CHARS),
    Role.ATTACHMENT_LABEL: Style(FontRole.HEITI, align="left"),
    Role.ATTACHMENT_TITLE: Style(
        FontRole.XIAOBIAOSONG, size=SIZE_2HAO, align="center", space_before_lines=1,
        space_after_lines=1,
    ),
    Role.RECORD_CC: Style(
        FontRole.FANGSONG, size=SIZE_4HAO, left_chars=1, right_chars=1, hanging_chars=3,
    ),
    Role.RECORD_PRINT: Style(FontRole.FANGSONG, size=SIZE_4HAO, left_chars=1, right_chars=1),
}
"""Role → style. Level 2–4 headings may be run-in: the heading span in the role's font,
the rest of the paragraph in 仿宋 (decision 3). Run-in headings are not kept with next."""

HALF_WIDTH_ADVANCE = 0.5  # characters: digits, Latin letters and ASCII punctuation


def is_wide(ch: str) -> bool:
    """True for characters set on a full character cell (CJK, full-width punctuation)."""
    import unicodedata

    return unicodedata.east_asian_width(ch) in ("W", "F", "A") and ord(ch) > 0x2000


def text_width_chars(text: str) -> float:
    """Width of ``text`` in characters: wide characters 1, the rest half (signature math)."""
    return sum(1.0 if is_wide(ch) else HALF_WIDTH_ADVANCE for ch in text)
