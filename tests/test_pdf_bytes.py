"""Objects formatted once (:mod:`gongwen.export.pdfbytes`) give the bytes reportlab's own
object model gives the same values, in a document being written (references resolved)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfdoc import (
    PDFArray,
    PDFDictionary,
    PDFDocument,
    PDFName,
    PDFStream,
    PDFString,
)
from reportlab.pdfbase.pdfdoc import (
    format as rl_format,
)

from gongwen.export import pdfbytes

numbers = st.one_of(
    st.integers(-100_000, 100_000),
    st.floats(-100_000, 100_000, allow_nan=False).map(lambda v: round(v, 3)),
)
keys = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12)
names = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=20)


def both(value):
    """A value drawn as (reportlab object, prepared value) pairs."""
    kind, v = value
    if kind == "number":
        return v, pdfbytes.number(v)
    if kind == "name":
        return PDFName(v), pdfbytes.name(v)
    if kind == "string":
        return PDFString(v), pdfbytes.string(v)
    if kind == "array":
        pairs = [both(x) for x in v]
        return PDFArray([a for a, _ in pairs]), pdfbytes.array(b for _, b in pairs)
    raise AssertionError(kind)


scalars = st.one_of(
    numbers.map(lambda v: ("number", v)),
    names.map(lambda v: ("name", v)),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="()\\"),
            max_size=12).map(lambda v: ("string", v)),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=25).map(
    lambda v: ("array", v)), max_leaves=60)


def _document_with(n: int) -> tuple[PDFDocument, list]:
    """A reportlab document with ``n`` objects registered, and their references."""
    doc = PDFDocument(invariant=1)
    return doc, [doc.Reference(PDFDictionary({"N": i})) for i in range(n)]


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(keys, values, max_size=14), st.lists(keys, max_size=4, unique=True))
def test_dictionary_formats_as_reportlab(entries: dict, ref_keys: list[str]) -> None:
    doc, refs = _document_with(len(ref_keys))
    plain = {k: both(v) for k, v in entries.items()}
    rl = {k: a for k, (a, _) in plain.items()}
    mine = {k: b for k, (_, b) in plain.items()}
    for k, ref in zip(ref_keys, refs, strict=True):
        rl[k], mine[k] = ref, ref
    for k in ref_keys[:1]:  # an array holding a reference, as /DescendantFonts
        rl[k + "A"] = PDFArray([refs[0]])
        mine[k + "A"] = [b"[ ", refs[0], b" ]"]
    half = len(mine) // 2
    items = list(mine.items())
    prepared = pdfbytes.dictionary(pdfbytes.entries(dict(items[:half])),
                                   pdfbytes.entries(dict(items[half:])))
    assert prepared.format(doc) == rl_format(PDFDictionary(rl), doc)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(keys, numbers, max_size=8), st.binary(max_size=300))
def test_stream_formats_as_reportlab(entries: dict, content: bytes) -> None:
    doc, _ = _document_with(0)
    entries = {k: v for k, v in entries.items() if k != "Length"}
    rl = PDFStream(PDFDictionary({"Filter": PDFName("FlateDecode"), **entries}), content)
    mine = pdfbytes.dictionary(pdfbytes.entries({
        "Filter": pdfbytes.name("FlateDecode"),
        **{k: pdfbytes.number(v) for k, v in entries.items()},
    }), stream=content)
    assert mine.format(doc) == rl_format(rl, doc, toplevel=1)
    # inside another object, a stream is written as a reference to itself (as reportlab's)
    nested = rl_format(PDFArray([mine]), doc)
    n, v = doc.idToObjectNumberAndVersion[mine.__InternalName__]
    assert nested == f"[ {n} {v} R ]".encode()


def test_prepared_objects_resolve_references_when_the_document_is_written() -> None:
    """A reference inside a prepared object is the number its object gets in the file."""
    doc = PDFDocument(invariant=1)
    inner = pdfbytes.dictionary(pdfbytes.entries({"Type": pdfbytes.name("Inner")}))
    outer = pdfbytes.dictionary(pdfbytes.entries({"Kid": doc.Reference(inner)}))
    doc.Reference(outer)
    n, v = doc.idToObjectNumberAndVersion[inner.__InternalName__]
    assert outer.format(doc) == f"<<\n/Kid {n} {v} R\n>>".encode()
    assert doc.idToObjectNumberAndVersion[outer.__InternalName__][0] == n + 1
