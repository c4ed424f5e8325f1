"""What a reply letter (答复函) is: the validated input model.

No layout and no fonts here: only the elements GB/T 9704 and reply-letter practice know,
their types and their rules. Field names are English snake_case; every field carries a
Chinese description, so the JSON Schema (``gongwen schema``) reads well in an editor.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import grammar
from .document import LetterFormat, SealMode
from .grammar import format_doc_number, parse_copy_number, parse_date, parse_doc_number

MAX_HEADING_LEVEL = 4

def _date_before(value: object) -> object:
    """A date as written in a letter (2022-09-29) or as printed (2022年9月29日, 2022/9/29 …:
    :func:`grammar.parse_date`) → the date; an impossible date of those forms unchanged, for
    pydantic to report. Anything else — a bare number such as ``0`` or ``1664409600``, which
    pydantic would read as seconds since 1970 — is refused."""
    if isinstance(value, str):
        written = parse_date(value)
        if written is None:
            raise PydanticCustomError("date_format", "日期格式无效")
        if written.date is not None:
            return written.date
    elif isinstance(value, int | float) and not isinstance(value, bool):
        raise PydanticCustomError("date_format", "日期格式无效")
    return value


# A date in YAML as in a mail-merge table: ISO text or as printed.
LetterDate = Annotated[dt.date, BeforeValidator(_date_before)]


class Strict(BaseModel):
    """Base: unknown fields are errors, strings are stripped of surrounding blanks."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


Text = Annotated[str, Field(min_length=1)]



class Secrecy(StrEnum):
    SECRET = "秘密"
    CONFIDENTIAL = "机密"
    TOP_SECRET = "绝密"


class Urgency(StrEnum):
    URGENT = "加急"
    VERY_URGENT = "特急"


class ReplyCategory(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


class ContactPlacement(StrEnum):
    BEFORE_SIGNATURE = "before_signature"
    AFTER_DATE = "after_date"
    NOTE = "note"


class Header(Strict):
    """版头: the elements above the title."""

    organs: list[Text] = Field(
        default_factory=list,
        description="发文机关标志：发文机关全称或规范化简称；联合行文时列出多个机关",
    )
    mark_suffix: str | None = Field(
        None,
        description="标志后缀，文件格式默认“文件”，信函格式默认无；写空字符串则不加",
    )
    copy_number: str | None = Field(None, description="份号：6位阿拉伯数字，如 000001")
    secrecy: Secrecy | None = Field(None, description="密级：秘密、机密、绝密")
    secrecy_period: str | None = Field(None, description="保密期限，如 1年")
    urgency: Urgency | None = Field(None, description="紧急程度：特急、加急")
    doc_number: str | None = Field(
        None, description="发文字号：机关代字〔年份〕序号号，如 株发改函〔2022〕12号"
    )
    signers: list[Text] = Field(default_factory=list, description="签发人姓名（上行文）")
    reply_category: ReplyCategory | None = Field(
        None, description="答复类别（办理结果分类）：A、B、C、D，印在首页标题右上方"
    )

    @field_validator("copy_number")
    @classmethod
    def _copy_number(cls, v: str | None) -> str | None:
        if v is not None and parse_copy_number(v) != v:
            raise ValueError("份号应为6位阿拉伯数字，如 000001")
        return v

    @field_validator("doc_number")
    @classmethod
    def _doc_number(cls, v: str | None) -> str | None:
        if v is None:
            return v
        m = parse_doc_number(v)
        if m is None or v != format_doc_number(m.code, m.year, m.serial):
            raise ValueError(
                "发文字号格式应为“机关代字〔年份〕序号号”，年份用六角括号〔〕，"
                f"如 株发改函〔2022〕12号；收到 {v!r}"
            )
        year, serial = m.year, m.serial
        if len(year) != 4:
            raise ValueError(f"发文字号的年份应写全四位，如〔2022〕；收到〔{year}〕")
        if serial.startswith("0"):
            raise ValueError(f"发文字号的序号不编虚位（不加前导0）：收到 {serial}号")
        return v

    @model_validator(mode="after")
    def _period_needs_secrecy(self) -> Header:
        if self.secrecy_period and not self.secrecy:
            raise ValueError("secrecy_period 需要同时给出 secrecy（密级）")
        return self


class Section(Strict):
    """A numbered section: a heading (一、/（一）/1./（1）) and its content.

    With ``text`` the heading is run-in: heading and text share one paragraph, as in
    “（一）突出规划引领。聚焦……”.
    """

    heading: Text = Field(description="标题文字，不含序号")
    number: str | None = Field(None, description="字面序号，如“三、”；不写则自动编号")
    text: str | None = Field(None, description="与标题同段的正文（段内标题）")
    body: list[Block] = Field(default_factory=list, description="下级段落和小节")


class Paragraph(Strict):
    """A body paragraph given as a mapping (a plain string is the usual form)."""

    text: Text = Field(description="段落文字")
    indent: bool = Field(True, description="首行缩进二字")


def _block_kind(value: object) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, Paragraph) or (
        isinstance(value, dict) and set(value) <= set(Paragraph.model_fields)
    ):
        return "paragraph"
    if isinstance(value, (Section, dict)):
        return "section"
    return None


Block = Annotated[
    Union[  # noqa: UP007 (pydantic needs the runtime union)
        Annotated[Section, Tag("section")],
        Annotated[Paragraph, Tag("paragraph")],
        Annotated[Text, Tag("text")],
    ],
    Discriminator(_block_kind),
]
"""A body item: a paragraph string, a :class:`Paragraph` or a :class:`Section`."""
Section.model_rebuild()


class Contact(Strict):
    label: Text = Field(description="项目名，如 承办负责人、承办人、联系人、联系电话")
    value: Text = Field(description="内容，如 姓名或电话号码")


class Attachment(Strict):
    title: Text = Field(description="附件名称（附件说明和附件页标题）")
    body: list[Block] = Field(default_factory=list, description="附件页正文；为空则只列附件说明")


class Seal(Strict):
    mode: SealMode = Field(
        SealMode.NONE, description="印章：none 不加盖、reserve 留位、image 印章图片"
    )
    image: str | None = Field(
        None, description="印章图片路径（相对于信件文件），mode 为 image 时必填"
    )

    @model_validator(mode="after")
    def _image(self) -> Seal:
        if self.mode is SealMode.IMAGE and not self.image:
            raise ValueError("seal.mode 为 image 时须给出 seal.image（印章图片路径）")
        if self.mode is not SealMode.IMAGE and self.image:
            raise ValueError("给出了 seal.image，但 seal.mode 不是 image")
        return self


class Signature(Strict):
    organs: list[Text] = Field(
        default_factory=list,
        description="发文机关署名，联合行文列出多个；只有 published.without_signature 时才可不写",
    )
    date: LetterDate = Field(description="成文日期，写作 2022-09-29，印作 2022年9月29日")
    seal: Seal = Field(default_factory=Seal, description="印章")


class Record(Strict):
    """版记: 抄送, 印发机关和印发日期."""

    cc: list[Text] = Field(default_factory=list, description="抄送机关")
    printer: str | None = Field(None, description="印发机关")
    print_date: LetterDate | None = Field(None, description="印发日期")

    @model_validator(mode="after")
    def _printer_and_date(self) -> Record:
        if bool(self.printer) != bool(self.print_date):
            raise ValueError("printer（印发机关）和 print_date（印发日期）须同时给出")
        return self


class PdfStandard(StrEnum):
    PDFA_2B = "PDF/A-2b"  # ISO 19005-2, level B: for long-term preservation


class Options(Strict):
    full_width_punctuation: bool = Field(
        True, description="把汉字间的半角标点改为全角（GB/T 15834），每处改动都会报告"
    )
    even_page_record: bool = Field(True, description="文件格式的版记置于偶数页")
    expand_variables: bool = Field(
        False,
        description="展开文字中的 {{ 变量 }}（取自 variables，沙箱执行，未定义的变量报错）；"
        "默认不展开，{{ 和 {% 原样印出",
    )
    pdf_standard: PdfStandard | None = Field(
        None, description="PDF 所遵循的标准：PDF/A-2b（长期保存、归档）；不写为普通 PDF"
    )


class NotePlace(StrEnum):
    ABOVE_TITLE = "above_title"
    BELOW_TITLE = "below_title"
    AFTER_DATE = "after_date"


class PublishedNote(Strict):
    """One 附注 or 公开属性 line as published: its text (or the contacts), and its place."""

    text: str | None = Field(
        None, description="原文，连同括号照印，如“（此件依申请公开）”“公开属性：主动公开”"
    )
    contacts: bool = Field(
        False, description="true：此处印联系人（contacts，日期之后或附注式），不写 text"
    )
    place: NotePlace = Field(
        NotePlace.AFTER_DATE,
        description="位置：above_title 标题之上、below_title 标题之下（主送之上）、"
        "after_date 成文日期之下",
    )

    @model_validator(mode="after")
    def _text_or_contacts(self) -> PublishedNote:
        if bool(self.text) == self.contacts:
            raise ValueError(
                "每行附注写 text（原文），或写 contacts: true（联系人的位置），二者取一")
        if self.contacts and self.place is not NotePlace.AFTER_DATE:
            raise ValueError("联系人只能排在成文日期之后（place: after_date）")
        return self


Separator = Annotated[str, StringConstraints(strip_whitespace=False, min_length=1)]


class Published(Strict):
    """公布稿的写法: forms a letter asks to keep as published, printed as written.

    Each is opt-in; the canonical field beside it stays the letter's meaning (the written
    form must agree with it), and :func:`departures` lists each departure from GB/T 9704 for
    ``validate`` and ``check`` to report as a warning.
    """

    reply_category: str | None = Field(
        None,
        description="答复类别的原文，如“类别：A类”“（B类）”，照印；须与 header.reply_category 一致",
    )
    doc_number: str | None = Field(
        None,
        description="发文字号的原文，如“青水函[2024]9号”，照印；须与 header.doc_number 一致",
    )
    date: str | None = Field(
        None,
        description="成文日期的原文，如“二〇二四年五月六日”，照印；须与 signature.date 一致",
    )
    without_signature: bool = Field(
        False, description="公布稿没有发文机关署名，只有成文日期（signature.organs 不写）"
    )
    without_mark: bool = Field(
        False,
        description="公布稿有版头要素（发文字号、签发人、答复类别等）而没有发文机关标志；"
        "用于 format: plain，版头要素排在标题之上",
    )
    notes: list[PublishedNote] = Field(
        default_factory=list,
        description="附注和公开属性各行，按原文、位置和顺序照印（代替 note）",
    )
    contacts_separator: Separator | None = Field(
        None,
        description="联系人各项写在同一行时项间的原文标点或空白，如“，”；"
        "不写则附注式联系人以“；”分隔、其他每项一行",
    )


class Letter(Strict):
    """一封答复函."""

    format: LetterFormat = Field(
        LetterFormat.PLAIN, description="版式：plain 无版头、letter 信函格式、document 文件格式"
    )
    header: Header = Field(default_factory=Header, validate_default=True, description="版头")
    title: str | None = Field(None, description="标题；可用换行指定分行")
    addressees: list[Text] = Field(default_factory=list, description="主送机关或代表、委员")
    body: list[Block] = Field(min_length=1, description="正文：段落（字符串）和小节")
    contacts: list[Contact] = Field(default_factory=list, description="承办人、联系电话等")
    contacts_placement: ContactPlacement = Field(
        ContactPlacement.BEFORE_SIGNATURE,
        description="联系人信息位置：before_signature 署名之前、after_date 日期之后、note 附注行",
    )
    attachments: list[Attachment] = Field(default_factory=list, description="附件")
    signature: Signature = Field(description="署名、成文日期和印章")
    note: str | None = Field(None, description="附注，如 此件主动公开；印作（此件主动公开）")
    record: Record | None = Field(None, description="版记：抄送、印发机关和印发日期")
    published: Published = Field(
        default_factory=Published,
        description="保留公布稿的写法（非规范形式照原文印出，validate 和 check 逐处警告）",
    )
    options: Options = Field(default_factory=Options, description="选项")
    variables: dict[str, str] = Field(
        default_factory=dict,
        description="文字中可引用的变量，如 organ_short: 我委；"
        "须同时设 options.expand_variables: true 才展开",
    )

    @field_validator("variables")
    @classmethod
    def _variable_names(cls, variables: dict[str, str]) -> dict[str, str]:
        bad = [k for k in variables if not k.isidentifier() or k.startswith("_")]
        if bad:
            raise ValueError(
                "变量名须为字母、汉字、数字和下划线，不以数字或下划线开头：" + "、".join(bad)
            )
        return variables


    @field_validator("body")
    @classmethod
    def _body_depth(cls, body: list[Block]) -> list[Block]:
        _check_depth(body, 1)
        return body

    @field_validator("attachments")
    @classmethod
    def _attachment_depth(cls, attachments: list[Attachment]) -> list[Attachment]:
        for i, att in enumerate(attachments):
            _check_depth(att.body, 1, (i, "body"))
        return attachments

    @model_validator(mode="after")
    def _header_fits_format(self) -> Letter:
        header, fmt, pub = self.header, self.format, self.published
        if fmt is LetterFormat.PLAIN:
            used = [k for k, v in header.model_dump(exclude_defaults=True).items() if v]
            if pub.without_mark and "organs" in used:
                _fail("without_mark", "published.without_mark 表示没有发文机关标志，"
                      "header.organs 不能同时给出", ("header", "organs"))
            if used and not pub.without_mark:
                _fail("plain_header", "plain 版式没有版头；header 中的 {used} 需要 format: letter "
                      "或 document（公布稿有版头要素而没有标志时，写 published.without_mark: "
                      "true）", ("header",), used="、".join(used))
        elif pub.without_mark:
            _fail("without_mark", "published.without_mark 只用于 format: plain",
                  ("published", "without_mark"))
        elif not header.organs:
            _fail("organs", "{fmt} 版式需要 header.organs（发文机关标志）", ("header",),
                  fmt=fmt.value)
        return self

    @model_validator(mode="after")
    def _published_forms_agree(self) -> Letter:
        """Each published form says the same as its canonical field."""
        pub, h = self.published, self.header
        if pub.reply_category is not None:
            written = grammar.parse_reply_category(pub.reply_category)
            if h.reply_category is None:
                _fail("published", "published.reply_category 需要同时给出 header.reply_category",
                      ("published", "reply_category"))
            if written is None or written.letter != h.reply_category.value:
                _fail("published", "答复类别原文“{w}”与 header.reply_category（{c}）不一致",
                      ("published", "reply_category"), w=pub.reply_category,
                      c=h.reply_category.value)
        if pub.doc_number is not None:
            number = parse_doc_number(pub.doc_number)
            canonical = parse_doc_number(h.doc_number) if h.doc_number else None
            if canonical is None:
                _fail("published", "published.doc_number 需要同时给出 header.doc_number",
                      ("published", "doc_number"))
            if number is None or number.rest or number.canonical != canonical.canonical:
                _fail("published", "发文字号原文“{w}”与 header.doc_number（{c}）不一致",
                      ("published", "doc_number"), w=pub.doc_number, c=h.doc_number)
        if pub.date is not None:
            date = grammar.parse_date(pub.date)
            if date is None or date.date != self.signature.date:
                _fail("published", "成文日期原文“{w}”与 signature.date（{c}）不一致",
                      ("published", "date"), w=pub.date, c=self.signature.date.isoformat())
        if pub.without_signature and self.signature.organs:
            _fail("published", "published.without_signature 表示没有署名，"
                  "signature.organs 不能同时给出", ("signature", "organs"))
        if not pub.without_signature and not self.signature.organs:
            _fail("published", "需要发文机关署名 signature.organs（公布稿没有署名时，写 "
                  "published.without_signature: true）", ("signature", "organs"))
        if pub.notes and self.note:
            _fail("published", "note 和 published.notes 只能用一个：把 note 写进 "
                  "published.notes", ("note",))
        marks = [i for i, n in enumerate(pub.notes) if n.contacts]
        if len(marks) > 1:
            _fail("published", "published.notes 中 contacts: true 只能有一行",
                  ("published", "notes", marks[1]))
        if marks and (not self.contacts
                      or self.contacts_placement is ContactPlacement.BEFORE_SIGNATURE):
            _fail("published", "published.notes 中的 contacts: true 需要 contacts，且 "
                  "contacts_placement 为 after_date 或 note", ("published", "notes", marks[0]))
        if pub.contacts_separator is not None and not self.contacts:
            _fail("published", "published.contacts_separator 需要 contacts",
                  ("published", "contacts_separator"))
        return self

    @field_validator("record")
    @classmethod
    def _record_fits_format(cls, record: Record | None, info: ValidationInfo) -> Record | None:
        fmt = info.data.get("format")
        if fmt is LetterFormat.LETTER and record is not None and record.printer:
            raise ValueError("信函格式没有印发机关和印发日期（record.printer / print_date）")
        return record


def _fail(kind: str, message: str, path: tuple[str | int, ...], **ctx: str) -> None:
    """A letter-level error located at ``path`` (the loader turns it into FILE:LINE:COL)."""
    raise PydanticCustomError(kind, message, {**ctx, "path": path})


def _check_depth(blocks: list[Block], level: int, path: tuple[str | int, ...] = ()) -> None:
    """Refuse a fifth heading level; the error's ``path`` (below the field) locates it."""
    for i, block in enumerate(blocks):
        if isinstance(block, Section):
            if level > MAX_HEADING_LEVEL:
                raise PydanticCustomError(
                    "heading_depth",
                    "小节最多四级（一、（一）1.（1））；此处是第 {level} 级",
                    {"level": level, "path": (*path, i)},
                )
            _check_depth(block.body, level + 1, (*path, i, "body"))


def letter_schema() -> dict:
    """The JSON Schema of a letter YAML file."""
    schema = Letter.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gongwen reply letter"
    return schema


def departures(letter: Letter) -> list[tuple[str, str]]:
    """The published forms a letter keeps that depart from GB/T 9704 or from gongwen's
    canonical forms (decisions 9, 11, 14): (field path, message) each, for ``validate``,
    ``render`` and ``batch`` to report as warnings. [] for a letter written canonically."""
    pub, out = letter.published, []
    if pub.reply_category is not None:
        category = grammar.parse_reply_category(pub.reply_category)
        if category is not None and not category.canonical:
            out.append(("published.reply_category",
                        f"答复类别按原文印作“{pub.reply_category}”；规范写法只印字母"
                        f"“{category.letter}”"))
    if pub.doc_number is not None:
        number = parse_doc_number(pub.doc_number)
        if number is not None and (number.problems() or number.written != number.canonical):
            why = "；".join(number.problems()) or "写法与规范不同"
            out.append(("published.doc_number", f"发文字号按原文印作“{pub.doc_number}”：{why}"
                        f"（GB/T 9704 7.2.5，规范写法“{number.canonical}”）"))
    if pub.date is not None:
        date = grammar.parse_date(pub.date)
        if date is not None and not date.canonical:
            why = "；".join(date.problems()) or "写法与规范不同"
            canonical = grammar.format_date(letter.signature.date)
            out.append(("published.date", f"成文日期按原文印作“{pub.date}”：{why}"
                        f"（GB/T 9704 7.3.5，规范写法“{canonical}”）"))
    if pub.without_signature:
        out.append(("published.without_signature",
                    "没有发文机关署名，只印成文日期（GB/T 9704 7.3.5 要求署名）"))
    if pub.without_mark:
        out.append(("published.without_mark",
                    "有版头要素而没有发文机关标志（GB/T 9704 7.2.4）"))
    for i, note in enumerate(pub.notes):
        if note.text is None:
            continue
        if note.place is not NotePlace.AFTER_DATE:
            where = "之上" if note.place is NotePlace.ABOVE_TITLE else "之下"
            out.append((f"published.notes[{i}]", f"附注“{note.text}”印在标题{where}"
                        "（GB/T 9704 7.3.6：附注在成文日期下一行）"))
        elif grammar.parse_note(note.text) is None:
            out.append((f"published.notes[{i}]",
                        f"附注“{note.text}”没有圆括号（GB/T 9704 7.3.6）"))
    return out
