"""The same document properties in every format: PDF Info (and XMP in PDF/A), DOCX core
properties, OFD DocInfo — title, 署名 as author, subject, keywords, language, and the letter's
date as creation and modification date. Expected values are read from the YAML here, not
from gongwen's metadata."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pikepdf
import pytest
from lxml import etree
from ruamel.yaml import YAML

import gongwen

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML

CST = dt.timezone(dt.timedelta(hours=8))
OFD = {"ofd": "http://www.ofdspec.org/2016"}


def expected(path: Path) -> dict[str, object]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    date = dt.date.fromisoformat(str(data["signature"]["date"]))
    number = (data.get("header") or {}).get("doc_number")
    return {
        "title": "".join((data.get("title") or "").split()),
        "author": "、".join(data["signature"]["organs"]),
        "subject": "答复函",
        "keywords": ["答复函", *([number] if number else [])],
        "when": dt.datetime(date.year, date.month, date.day, tzinfo=CST),
    }


@pytest.fixture(scope="module", params=[REFERENCE_YAML, EXAMPLE_LETTER], ids=["reference",
                                                                                "letter-format"])
def letter(request: pytest.FixtureRequest) -> tuple[dict[str, object], gongwen.Rendered]:
    path = request.param
    result = gongwen.render(gongwen.load(path), ["pdf", "docx", "ofd"], fonts="open")
    archival = gongwen.render(gongwen.load(path), ["pdf"], fonts="open",
                              options={"pdf_standard": "PDF/A-2b"})
    result.outputs["pdfa"] = archival.outputs["pdf"]
    return expected(path), result


def test_example_letter_has_every_field() -> None:
    want = expected(EXAMPLE_LETTER)
    assert want["title"] and want["author"] and len(want["keywords"]) == 2  # type: ignore[arg-type]


def test_pdf_info(letter) -> None:
    want, result = letter
    with pikepdf.open(io.BytesIO(result.outputs["pdf"])) as pdf:
        info = pdf.docinfo
        assert str(info.get("/Title", "")) == want["title"]
        assert str(info["/Author"]) == want["author"]
        assert str(info["/Subject"]) == want["subject"]
        assert str(info["/Keywords"]).split("; ") == want["keywords"]
        assert str(info["/Creator"]) == str(info["/Producer"]) == "gongwen"
        stamp = want["when"].strftime("D:%Y%m%d%H%M%S+08'00'")  # type: ignore[union-attr]
        assert str(info["/CreationDate"]) == str(info["/ModDate"]) == stamp
        assert pdf.Root.Lang == "zh-CN"


def test_pdfa_xmp(letter) -> None:
    want, result = letter
    with pikepdf.open(io.BytesIO(result.outputs["pdfa"])) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("dc:title", "") == want["title"]
        assert meta["dc:creator"] == [want["author"]]
        assert meta["dc:description"] == want["subject"]
        assert meta["pdf:Keywords"].split("; ") == want["keywords"]
        when = dt.datetime.fromisoformat(meta["xmp:CreateDate"])
        assert when == dt.datetime.fromisoformat(meta["xmp:ModifyDate"]) == want["when"]
        assert meta["dc:language"] == {"zh-CN"}


def test_docx_core_properties(letter) -> None:
    want, result = letter
    cp = docx.Document(io.BytesIO(result.outputs["docx"])).core_properties
    assert (cp.title, cp.author, cp.subject) == (want["title"], want["author"], want["subject"])
    assert cp.keywords.split("; ") == want["keywords"]
    assert cp.language == "zh-CN"
    assert cp.created == cp.modified == want["when"]


def test_ofd_docinfo(letter) -> None:
    want, result = letter
    with zipfile.ZipFile(io.BytesIO(result.outputs["ofd"])) as z:
        info = etree.fromstring(z.read("OFD.xml")).find("ofd:DocBody/ofd:DocInfo", OFD)
    assert (info.findtext("ofd:Title", "", OFD), info.findtext("ofd:Author", namespaces=OFD),
            info.findtext("ofd:Subject", namespaces=OFD)) == (want["title"], want["author"],
                                                              want["subject"])
    assert [k.text for k in info.findall("ofd:Keywords/ofd:Keyword", OFD)] == want["keywords"]
    day = want["when"].date().isoformat()  # type: ignore[union-attr]
    assert info.findtext("ofd:CreationDate", namespaces=OFD) == day
    assert info.findtext("ofd:ModDate", namespaces=OFD) == day
    assert info.findtext("ofd:Creator", namespaces=OFD) == "gongwen"
    doc_id = info.findtext("ofd:DocID", namespaces=OFD)
    assert len(doc_id) == 32 and int(doc_id, 16) >= 0
