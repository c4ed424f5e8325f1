"""PDF objects formatted once, to the bytes reportlab's object model gives the same values.

reportlab formats a ``PDFDictionary`` or ``PDFArray`` when the document is written, element
by element (a name, a number, a nested object each through ``pdfdoc.format``): hundreds of
calls for a font's few dictionaries. The font objects (:mod:`.pdffont`) are built here
instead as :class:`Prepared` objects, reportlab ``PDFObject`` subclasses that hold their
bytes already, with the references to other objects between them (numbered only when the
document is written). The bytes follow reportlab's rules exactly (sorted keys; a line break
every 6 dictionary entries and every 10 array elements; numbers by ``fp_str``; names by
``PDFName``), so a PDF's bytes do not depend on which of the two built an object. The PDF
exporter never encrypts, so the bytes are final.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache

from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfdoc import PDFName, PDFObject, PDFObjectReference

Part = bytes | PDFObjectReference
Value = bytes | PDFObjectReference | list[Part]  # a formatted value, or one made of parts


class Prepared(PDFObject):
    """An object formatted already: bytes, and references resolved when the document is
    written."""

    def __init__(self, parts: list[Part]):
        self.parts = parts

    def format(self, document) -> bytes:
        return b"".join(p if p.__class__ is bytes else p.format(document) for p in self.parts)


class PreparedStream(Prepared):
    """A stream: its dictionary and already encoded content (an indirect object only, as
    reportlab's ``PDFStream``)."""

    __RefOnly__ = 1


_NUMBERS: dict[float, bytes] = {}


def number(v: float) -> bytes:
    """A number as reportlab formats it (``fp_str``)."""
    b = _NUMBERS.get(v)
    if b is None:
        b = _NUMBERS[v] = fp_str(v).encode("ascii")
    return b


@lru_cache(maxsize=4096)
def name(s: str) -> bytes:
    """A name object (``/Type``), escaped as reportlab's ``PDFName`` escapes it."""
    return PDFName(s).encode("extpdfdoc")


def string(s: str) -> bytes:
    """A literal string of printable ASCII without parentheses or backslashes."""
    assert s.isascii() and s.isprintable() and not any(c in s for c in "()\\"), s
    return b"(" + s.encode("ascii") + b")"


def array(items: Iterable[bytes]) -> bytes:
    """An array of formatted elements."""
    items = list(items)
    if rl_config.pdfMultiLine:
        return b"[ " + b"\n ".join(items) + b" ]"
    for i in reversed(range(10, len(items), 10)):
        items.insert(i, b"\n ")
    return b"[ " + b" ".join(items) + b" ]"


def entries(values: Mapping[str, Value]) -> dict[str, list[Part]]:
    """Dictionary entries (``/Key value``) by key, formatted: the pieces of
    :func:`dictionary`, for keeping the ones a face always has."""
    out: dict[str, list[Part]] = {}
    for key, value in values.items():
        head = name(key) + b" "
        if value.__class__ is list:
            out[key] = [head, *value]  # type: ignore[misc]
        elif value.__class__ is bytes:
            out[key] = [head + value]  # type: ignore[operator]
        else:
            out[key] = [head, value]  # type: ignore[list-item]
    return out


def dictionary(*parts: Mapping[str, list[Part]], stream: bytes | None = None) -> Prepared:
    """A dictionary of the entries of ``parts`` (see :func:`entries`), in key order; with
    ``stream``, a stream of that (already encoded) content, its ``/Length`` added."""
    merged: dict[str, list[Part]] = {}
    for p in parts:
        merged.update(p)
    if stream is not None:
        merged.update(entries({"Length": number(len(stream))}))
    multi = rl_config.pdfMultiLine
    out: list[Part] = []
    pending = [b"<<\n"]  # bytes not yet joined
    for i, key in enumerate(sorted(merged)):
        if i:
            pending.append(b"\n " if multi else b" \n  " if i % 6 == 0 else b" ")
        for p in merged[key]:
            if p.__class__ is bytes:
                pending.append(p)  # type: ignore[arg-type]
            else:
                out += [b"".join(pending), p]
                pending = []
    pending.append(b"\n>>")
    if stream is not None:
        pending += [b"\nstream\n", stream, b"endstream\n"]
    out.append(b"".join(pending))
    return (PreparedStream if stream is not None else Prepared)(out)
