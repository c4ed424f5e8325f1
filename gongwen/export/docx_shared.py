"""The DOCX parts every letter of one font set and format shares, kept on disk and in memory.

Styles, settings, footers, font table, content types and relationships do not depend on the
letter: :mod:`gongwen.export.docx` builds them once through python-docx (a package with an
empty body) and writes only ``word/document.xml`` and ``docProps/core.xml`` per letter. The
built parts, compressed, are kept per process and in a file of the per-user cache folder
(:func:`gongwen.fontdata.cache_dir`, subfolder ``docx``), so that a new process writes a DOCX
without importing python-docx at all: the letter's own two parts are filled with lxml here.

A cache file is named by the SHA-256 of everything its parts are made from: the font names
and the letter format, the source of gongwen's modules that build them (the exporters, the
OOXML writer, the layout, ``spec``, ``document``, ``fonts``), python-docx's version and
template files, the lxml, libxml2, zlib and Python versions. A changed input gives another
file; a file that does not read back whole (its checksum) is ignored and written anew.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import marshal
import sys
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

from lxml import etree

from ..document import LetterFormat
from ..fontdata import cache_dir, write_cache
from ..ooxml import qn
from ..ooxml.writer import ZipEntry, zip_entry

FORMAT = 1  # of the cache files; bump when what they hold changes
MAGIC = b"gongwen-docx-shared\n"
OWN_PARTS = ("word/document.xml", "docProps/core.xml")
"""The parts written for each letter; every other part is shared."""

FontNamesKey = tuple[tuple[str, tuple[str, ...]], ...]
"""Each font role's DOCX family and alternates (what the shared parts take from the fonts)."""

PACKAGE = Path(__file__).resolve().parent.parent
SOURCES = ("export/*.py", "ooxml/*.py", "layout/*.py", "spec.py", "document.py", "fonts.py")
"""gongwen's modules the shared parts are made by (relative to the package)."""

# python-docx's parser settings: the letter's parts read and written back byte for byte
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


@dataclass(frozen=True, slots=True)
class SharedParts:
    """The package of a letter with an empty body: its parts in order, compressed (None for
    the letter's own parts), and the XML the letter's own parts start from."""

    entries: tuple[tuple[str, ZipEntry | None], ...]
    document: bytes
    core: bytes


_LOCK = threading.Lock()
_MEMO: dict[tuple[FontNamesKey, LetterFormat], SharedParts] = {}


def shared_parts(names: FontNamesKey, fmt: LetterFormat,
                 build: Callable[[], dict[str, bytes]]) -> SharedParts:
    """The shared parts for ``names`` and ``fmt``: from memory, else from the cache file,
    else ``build()`` (every part of an empty letter's package, in order) and stored."""
    with _LOCK:
        hit = _MEMO.get((names, fmt))
        if hit is None:
            hit = _MEMO[(names, fmt)] = _load(names, fmt, build)
    return hit


def clear() -> None:
    """Forget the shared parts held in this process (the cache files stay)."""
    with _LOCK:
        _MEMO.clear()


def cache_file(names: FontNamesKey, fmt: LetterFormat) -> Path:
    """The cache file of the shared parts for ``names`` and ``fmt``."""
    return cache_dir() / "docx" / f"{cache_key(names, fmt)}.v{FORMAT}"


def cache_key(names: FontNamesKey, fmt: LetterFormat) -> str:
    """SHA-256 (hex) of every input of the shared parts (see the module doc)."""
    h = hashlib.sha256(_sources_digest())
    h.update(repr((FORMAT, names, fmt.value, sys.version_info[:2], etree.LXML_VERSION,
                   etree.LIBXML_VERSION, zlib.ZLIB_RUNTIME_VERSION)).encode())
    return h.hexdigest()


@functools.cache
def _sources_digest() -> bytes:
    h = hashlib.sha256()
    for path in _source_files():
        h.update(f"\0{path.relative_to(path.parents[1])}\0".encode())
        h.update(path.read_bytes())
    return h.digest()


def _source_files() -> list[Path]:
    files = sorted(p for pattern in SOURCES for p in PACKAGE.glob(pattern))
    spec = find_spec("docx")
    if spec is None or not spec.submodule_search_locations:
        raise OSError("python-docx not found")
    docx_dir = Path(next(iter(spec.submodule_search_locations)))
    templates = sorted(p for p in (docx_dir / "templates").iterdir() if p.is_file())
    return [*files, docx_dir / "__init__.py", *templates]


def _load(names: FontNamesKey, fmt: LetterFormat,
          build: Callable[[], dict[str, bytes]]) -> SharedParts:
    try:
        file = cache_file(names, fmt)
    except OSError:  # sources unreadable: build in memory, every process
        return _from_parts(build())
    parts = read(file)
    if parts is None:
        parts = _from_parts(build())
        write_cache(file, dump(parts))
    return parts


def _from_parts(parts: dict[str, bytes]) -> SharedParts:
    entries = tuple((name, None if name in OWN_PARTS else zip_entry(name, blob))
                    for name, blob in parts.items())
    return SharedParts(entries, parts["word/document.xml"], parts["docProps/core.xml"])


def dump(parts: SharedParts) -> bytes:
    """A cache file's bytes: a header, the payload's SHA-256 and the payload (marshal)."""
    payload = marshal.dumps((
        FORMAT,
        tuple((name, None if e is None else (e.name, e.crc, e.size, e.data))
              for name, e in parts.entries),
        parts.document, parts.core,
    ))
    return MAGIC + hashlib.sha256(payload).digest() + payload


def read(file: Path) -> SharedParts | None:
    """The shared parts kept in ``file``; None if it is missing, cut short or damaged."""
    try:
        data = file.read_bytes()
    except OSError:
        return None
    head = len(MAGIC)
    digest, payload = data[head : head + 32], data[head + 32 :]
    if not data.startswith(MAGIC) or hashlib.sha256(payload).digest() != digest:
        return None
    try:
        version, entries, document, core = marshal.loads(payload)
        if version != FORMAT:
            return None
        return SharedParts(
            tuple((name, None if e is None else ZipEntry(*e)) for name, e in entries),
            document, core)
    except (EOFError, ValueError, TypeError):
        return None


# --------------------------------------------------------------------------------------------
# The letter's own parts, with lxml (as python-docx's oxml layer writes them)


def parse_part(xml: bytes) -> etree._Element:
    """A part's XML parsed as python-docx parses it (blank text dropped, no entities)."""
    return etree.fromstring(xml, _PARSER)


def serialize_part(root: etree._Element) -> bytes:
    """A part's XML as python-docx stores it (UTF-8, ``standalone="yes"``)."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)


def document_body(root: etree._Element) -> etree._Element:
    """The ``w:body`` of a ``word/document.xml`` root."""
    return root.find(qn("w:body"))


CORE_NAMESPACES = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
_DATES = ("created", "modified")


def set_core_properties(root: etree._Element,
                        values: Iterable[tuple[str, str | int | dt.datetime]]) -> None:
    """Set ``docProps/core.xml``'s properties in order, each ``(prefix:name, value)``, as
    python-docx's core properties do: an element found is given the new text, a missing one
    is appended; dates are written in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` with
    ``xsi:type="dcterms:W3CDTF"`` (the ``xsi`` prefix declared on the root)."""
    for tag, value in values:
        prefix, name = tag.split(":")
        clark = f"{{{CORE_NAMESPACES[prefix]}}}{name}"
        element = root.find(clark)
        if element is None:
            element = etree.Element(clark, nsmap={prefix: CORE_NAMESPACES[prefix]})
            root.append(element)
        if isinstance(value, dt.datetime):
            element.text = value.strftime("%Y-%m-%dT%H:%M:%SZ")
            if name in _DATES:
                xsi = CORE_NAMESPACES["xsi"]
                if xsi not in root.nsmap.values():
                    _declare(root, "xsi", xsi)
                element.set(f"{{{xsi}}}type", "dcterms:W3CDTF")
        else:
            element.text = str(value)


def _declare(root: etree._Element, prefix: str, uri: str) -> None:
    """Declare ``prefix`` on ``root`` (lxml declares a namespace where an attribute of it
    is first set: set one on the root and take it away again)."""
    root.set(f"{{{uri}}}foo", "bar")
    del root.attrib[f"{{{uri}}}foo"]
