"""Embedded fonts of the PDF exporter: one Type0 font per face, its glyphs as 2-byte CIDs.

Each face a document draws becomes one ``Type0`` font with ``Identity-H`` encoding over one
``CIDFontType2`` descendant, built as reportlab objects formatted once (:mod:`.pdfbytes`):

* CIDs number the document's characters of that face in code point order from 1 (CID 0 is
  glyph 0, ``.notdef``); ``CIDToGIDMap`` is ``Identity``, so CID *n* is glyph *n* of the
  embedded subset. A character the face lacks gets a CID of its own on a copy of glyph 0,
  so text extraction still gives it back.
* The subset (``FontFile2``) is cut from the face's ``glyf``/``loca`` directly
  (:func:`subset_program`): the glyphs in CID order, composite glyphs' components appended
  and renumbered, ``hmtx``/``loca`` rebuilt, ``head``/``hhea``/``maxp`` with new counts, the
  hinting tables kept, checksums set. fontTools' subsetter gives the same glyphs but parses
  and recompiles the face's tables, tens of milliseconds a face; this cut is a slice per
  glyph. The program is compressed with libdeflate (``deflate``), faster than zlib at a
  better ratio.
* ``/W`` gives every CID's advance (``/DW`` the commonest), exactly the face's ``hmtx``
  scaled to 1000 units, the widths layout placed the glyphs with (and that PDF/A wants
  consistent with the program); ``/CIDSet`` lists the CIDs; ``ToUnicode`` maps every CID to
  its character as UTF-16 (surrogate pairs beyond U+FFFF).
* The subset tag (``ABCDEF+``) is derived from the face and its glyph set, so the same
  letter gives the same bytes.
"""

from __future__ import annotations

import hashlib
import struct
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import accumulate, repeat

import deflate

from ..fontdata import FaceData
from . import pdfbytes

COMPRESSION = 1  # libdeflate level of font programs: level 6 saves ~1 %, costs ~3 ms a letter
_LITTLE = sys.byteorder == "little"
# composite glyph flags (OpenType glyf): the arguments are words; a scale; x and y scales;
# a 2×2 matrix; more components follow
_ARG_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x1, 0x8, 0x20, 0x40, 0x80


_HEX: list[str] = []


def _cid_hex(n: int) -> list[str]:
    """The 2-byte codes of CIDs 1 … n as hex digits (made once per process)."""
    if len(_HEX) < n:
        _HEX.extend(f"{cid:04X}" for cid in range(len(_HEX) + 1, n + 1))
    return _HEX[:n]


class FaceFont:
    """One face's characters in a document, their CIDs and (:meth:`objects`) its PDF font."""

    def __init__(self, data: FaceData, chars: Iterable[str]):
        self.data = data
        self.chars = sorted(set(chars))
        n = len(self.chars)
        self.gids = [0, *map(data.cmap.get, map(ord, self.chars), repeat(0, n))]  # by CID
        self.hex = dict(zip(self.chars, _cid_hex(n), strict=True))
        scale = 1000 / data.upem
        # by CID, in 1000 units of text space
        self.widths = [a * scale for a in map(data.advances.__getitem__, self.gids)]

    def tag(self) -> str:
        """Six capital letters derived from the face and the glyph set (the subset tag)."""
        h = hashlib.sha1(self.data.sha256.encode() + array("I", self.gids).tobytes()).digest()
        return "".join(chr(65 + b % 26) for b in h[:6])

    def objects(self, doc) -> object:
        """Register the font's objects with reportlab's document; the Type0 font's reference."""
        data = self.data
        static = _static(data)
        base = {"BaseFont": pdfbytes.name(f"{self.tag()}+{data.ps_name}")}
        font_name = {"FontName": base["BaseFont"]}
        program = subset_program(data, self.gids)
        file = pdfbytes.dictionary(
            _FLATE, pdfbytes.entries({"Length1": pdfbytes.number(len(program))}),
            stream=deflate.zlib_compress(program, COMPRESSION))
        cidset = bytearray((len(self.gids) + 7) // 8)
        for cid in range(len(self.gids)):
            cidset[cid >> 3] |= 0x80 >> (cid & 7)
        cidset_stream = pdfbytes.dictionary(
            _FLATE, stream=deflate.zlib_compress(bytes(cidset), 6))
        descriptor = pdfbytes.dictionary(static.descriptor, pdfbytes.entries({
            **font_name, "FontFile2": doc.Reference(file), "CIDSet": doc.Reference(cidset_stream),
        }))
        dw, w = _widths(self.widths)
        cidfont = pdfbytes.dictionary(static.cidfont, pdfbytes.entries({
            **base, "FontDescriptor": doc.Reference(descriptor),
            "DW": pdfbytes.number(_num(dw)), "W": w,
        }))
        cmap = tounicode(self.chars).encode("ascii")
        tounicode_stream = pdfbytes.dictionary(_FLATE, stream=deflate.zlib_compress(cmap, 6))
        return pdfbytes.dictionary(static.type0, pdfbytes.entries({
            **base, "DescendantFonts": [b"[ ", doc.Reference(cidfont), b" ]"],
            "ToUnicode": doc.Reference(tounicode_stream),
        }))


_FLATE = pdfbytes.entries({"Filter": pdfbytes.name("FlateDecode")})


class _Static:
    """The entries of a face's font dictionaries that do not depend on the letter."""

    __slots__ = ("cidfont", "descriptor", "type0")

    def __init__(self, data: FaceData):
        num, name = pdfbytes.number, pdfbytes.name
        scale = 1000 / data.upem
        flags = 4 | (1 if data.fixed_pitch else 0) | (64 if data.italic_angle else 0)
        self.descriptor = pdfbytes.entries({
            "Type": name("FontDescriptor"),
            "Flags": num(flags),
            "FontBBox": pdfbytes.array(num(_num(v * scale)) for v in data.bbox),
            "ItalicAngle": num(_num(data.italic_angle)),
            "Ascent": num(_num(data.ascent * scale)),
            "Descent": num(_num(data.descent * scale)),
            "CapHeight": num(_num(data.cap_height * scale)),
            "StemV": num(10 + 220 * max(0, data.weight - 50) // 900),
        })
        system_info = pdfbytes.dictionary(pdfbytes.entries({
            "Registry": pdfbytes.string("Adobe"), "Ordering": pdfbytes.string("Identity"),
            "Supplement": num(0),
        }))
        self.cidfont = pdfbytes.entries({
            "Type": name("Font"),
            "Subtype": name("CIDFontType2"),
            "CIDSystemInfo": system_info.parts,
            "CIDToGIDMap": name("Identity"),
        })
        self.type0 = pdfbytes.entries({
            "Type": name("Font"), "Subtype": name("Type0"), "Encoding": name("Identity-H"),
        })


_STATIC: dict[tuple[str, int], _Static] = {}


def _static(data: FaceData) -> _Static:
    key = (data.sha256, data.index)
    hit = _STATIC.get(key)
    if hit is None:
        hit = _STATIC[key] = _Static(data)
    return hit


def _num(v: float) -> float | int:
    """A PDF number: an integer when whole, else rounded to 3 decimals."""
    r = round(v, 3)
    return int(r) if r == int(r) else r


def _widths(widths: list[float]) -> tuple[float, bytes]:
    """``/DW`` (the commonest width) and a ``/W`` array of the other CIDs' widths, as
    ``c [w1 w2 …]`` runs of consecutive CIDs."""
    dw = Counter(widths).most_common(1)[0][0]
    num = pdfbytes.number
    out: list[bytes] = []
    run: list[bytes] = []
    start = -1
    for cid, w in enumerate(widths):
        if w == dw:
            continue
        if run and cid == start + len(run):
            run.append(num(_num(w)))
            continue
        if run:
            out += [num(start), pdfbytes.array(run)]
        start, run = cid, [num(_num(w))]
    if run:
        out += [num(start), pdfbytes.array(run)]
    return dw, pdfbytes.array(out)


_UTF16: dict[str, str] = {}


def _utf16(ch: str) -> str:
    """A character as UTF-16BE hex digits (a surrogate pair beyond U+FFFF)."""
    h = _UTF16.get(ch)
    if h is None:
        h = _UTF16[ch] = ch.encode("utf-16-be", "surrogatepass").hex().upper()
    return h


def tounicode(chars: list[str]) -> str:
    """A ToUnicode CMap giving CID *n* (from 1) the character ``chars[n - 1]``."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    hexes = list(map(_utf16, chars))
    for k in range(0, len(chars), 100):  # at most 100 entries a block
        block = hexes[k : k + 100]
        lines.append(f"{len(block)} beginbfchar")
        cids = range(k + 1, k + 1 + len(block))
        lines += map("<%04X> <%s>".__mod__, zip(cids, block, strict=True))
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The TrueType subset


_GLYPHS: dict[tuple[str, int], dict[int, tuple[bytes, int, bool]]] = {}
_FACES: dict[tuple[str, int], tuple[array, dict[str, int]]] = {}


def _glyphs(data: FaceData, gids: Iterable[int]) -> list[tuple[bytes, int, bool]]:
    """Each glyph's data padded to 4 bytes, its checksum and whether it is composite (read
    from the face once per process)."""
    cache = _GLYPHS.get((data.sha256, data.index))
    if cache is None:
        cache = _GLYPHS.setdefault((data.sha256, data.index), {})
    hits = list(map(cache.get, gids))
    if None in hits:
        for i, gid in enumerate(gids):
            if hits[i] is None:
                glyph = data.glyph(gid)
                glyph += b"\0" * (-len(glyph) % 4)
                # numberOfContours < 0: a composite glyph
                composite = len(glyph) >= 10 and bool(glyph[0] & 0x80)
                hits[i] = cache[gid] = (glyph, _checksum(glyph), composite)
    return hits  # type: ignore[return-value]


def _face(data: FaceData) -> tuple[array, dict[str, int]]:
    """A face's left side bearings as unsigned words, and the checksums of its hinting
    tables (once per process)."""
    key = (data.sha256, data.index)
    hit = _FACES.get(key)
    if hit is None:
        lsbs = array("H")
        lsbs.frombytes(data.lsbs.tobytes())
        sums = {t: _checksum(v) for t, v in data.tables.items() if t in _HINTING}
        hit = _FACES[key] = (lsbs, sums)
    return hit


_HINTING = ("cvt ", "fpgm", "prep")


def subset_program(data: FaceData, gids: list[int],
                   extra: Mapping[str, bytes] | None = None) -> bytes:
    """A TrueType font whose glyph *n* is the face's glyph ``gids[n]`` (``gids[0]`` is 0),
    followed by the components of its composite glyphs. Each glyph is padded to 4 bytes, so
    that the ``glyf`` checksum is the sum of the glyphs'. ``extra``: more tables (by tag)."""
    order = list(gids)
    hits = _glyphs(data, order)
    if any(h[2] for h in hits):
        glyphs, check = _with_components(data, order)
    else:
        glyphs = [h[0] for h in hits]
        check = sum(h[1] for h in hits)
    n = len(order)
    loca = array("I", accumulate(map(len, glyphs), initial=0))
    metrics = array("H", bytes(4 * n))
    lsbs, sums = _face(data)
    metrics[0::2] = array("H", map(data.advances.__getitem__, order))
    metrics[1::2] = array("H", map(lsbs.__getitem__, order))
    if _LITTLE:
        loca.byteswap()
        metrics.byteswap()
    tables = {t: v for t, v in data.tables.items() if t in _HINTING}
    head = bytearray(data.tables["head"])
    head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
    head[50:52] = b"\0\1"  # indexToLocFormat: long offsets
    hhea = bytearray(data.tables["hhea"])
    hhea[34:36] = struct.pack(">H", n)  # numberOfHMetrics
    maxp = bytearray(data.tables["maxp"])
    maxp[4:6] = struct.pack(">H", n)  # numGlyphs
    tables.update(glyf=b"".join(glyphs), head=bytes(head), hhea=bytes(hhea), maxp=bytes(maxp),
                  hmtx=metrics.tobytes(), loca=loca.tobytes(), **(extra or {}))
    known = {t: c for t, c in sums.items() if t not in (extra or ())}
    return _sfnt(tables, {**known, "glyf": check & 0xFFFFFFFF})


def _with_components(data: FaceData, order: list[int]) -> tuple[list[bytes], int]:
    """The glyphs of ``order`` with their composite glyphs' components appended to it and
    renumbered, and the sum of their checksums."""
    new_id: dict[int, int] = {}
    glyphs: list[bytes] = []
    check = 0
    k = 0
    while k < len(order):
        g = order[k]
        new_id.setdefault(g, k)
        glyph, sum_, composite = _glyphs(data, (g,))[0]
        if composite:
            glyph = _remap_components(glyph, order, new_id)
            sum_ = _checksum(glyph)
        glyphs.append(glyph)
        check += sum_
        k += 1
    return glyphs, check


def _remap_components(glyph: bytes, order: list[int], new_id: dict[int, int]) -> bytes:
    """A composite glyph with its components' glyph ids renumbered; components not yet in
    ``order`` are appended to it."""
    out = bytearray(glyph)
    p = 10
    while True:
        flags, comp = struct.unpack_from(">HH", out, p)
        if comp not in new_id:
            new_id[comp] = len(order)
            order.append(comp)
        struct.pack_into(">H", out, p + 2, new_id[comp])
        p += 4 + (4 if flags & _ARG_WORDS else 2)
        if flags & _SCALE:
            p += 2
        elif flags & _XY_SCALE:
            p += 4
        elif flags & _TWO_BY_TWO:
            p += 8
        if not flags & _MORE:
            return bytes(out)


def _checksum(data: bytes) -> int:
    a = array("I")
    a.frombytes(data + b"\0" * (-len(data) % 4))
    if _LITTLE:
        a.byteswap()
    return sum(a) & 0xFFFFFFFF


def _sfnt(tables: dict[str, bytes], sums: dict[str, int]) -> bytes:
    """A TrueType file of ``tables`` with its table directory and checksums (``sums``: the
    ones known already)."""
    tags = sorted(tables)  # the table directory in tag order
    n = len(tags)
    entry = 1 << (n.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, n, entry * 16, entry.bit_length() - 1,
                         n * 16 - entry * 16)
    offset = 12 + 16 * n
    records, body, total = [], [], 0
    for t in tags:
        data = tables[t]
        check = sums[t] if t in sums else _checksum(data)
        total += check
        records.append(struct.pack(">4sIII", t.encode("latin-1"), check, offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    directory = header + b"".join(records)
    total = (total + _checksum(directory)) & 0xFFFFFFFF
    i = tags.index("head")
    head = bytearray(body[i])
    head[8:12] = struct.pack(">I", (0xB1B0AFBA - total) & 0xFFFFFFFF)
    body[i] = bytes(head)
    return directory + b"".join(body)
