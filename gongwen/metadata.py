"""What a letter's files say about it: title, author, subject, keywords, language, dates.

compose builds one :class:`Metadata` per letter (``Document.metadata``); the PDF's Info
dictionary and XMP packet, the DOCX core properties and the OFD ``DocInfo`` are all written
from it, so the three formats say the same. The dates are the letter's 成文日期 at midnight,
China Standard Time — never the clock's — so the same letter always gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

CHINA_STANDARD_TIME = dt.timezone(dt.timedelta(hours=8))
UNDATED = dt.date(2012, 7, 1)  # a document without a date: GB/T 9704-2012's entry into force
LANGUAGE = "zh-CN"
CREATOR = "gongwen"
SUBJECT = "答复函"
KEYWORD_SEPARATOR = "; "


@dataclass(frozen=True, slots=True)
class Metadata:
    """A letter's document properties.

    ``author`` is the 署名 (the issuing organs, joined with 、); ``date`` the 成文日期;
    ``keywords`` the kind of document and its 发文字号 when it has one.
    """

    title: str = ""
    author: str = ""
    subject: str = SUBJECT
    keywords: tuple[str, ...] = (SUBJECT,)
    date: dt.date | None = None
    language: str = LANGUAGE
    creator: str = CREATOR

    @property
    def timestamp(self) -> dt.datetime:
        """Creation and modification time: the letter's date, 00:00 China Standard Time."""
        d = self.date or UNDATED
        return dt.datetime(d.year, d.month, d.day, tzinfo=CHINA_STANDARD_TIME)

    @property
    def keyword_text(self) -> str:
        """The keywords as one string (PDF ``/Keywords``, DOCX ``cp:keywords``)."""
        return KEYWORD_SEPARATOR.join(self.keywords)

    def pdf_date(self) -> str:
        """:attr:`timestamp` as a PDF date string, ``D:20220929000000+08'00'``."""
        t = self.timestamp
        offset = t.utcoffset() or dt.timedelta(0)
        hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
        return f"D:{t:%Y%m%d%H%M%S}{hours:+03d}'{rest:02d}'"


def letter_metadata(
    title: str, organs: list[str], date: dt.date | None, doc_number: str | None = None
) -> Metadata:
    """The metadata of a letter with this title, 署名 organs, date and 发文字号."""
    keywords = (SUBJECT, doc_number) if doc_number else (SUBJECT,)
    return Metadata(
        title="".join(title.split()), author="、".join(organs), keywords=keywords, date=date
    )
