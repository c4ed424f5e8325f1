"""Font subsets to embed as font files of their own: the glyphs of one face a document draws.

:func:`subset_font` keeps, for the characters given, their glyphs (and the glyphs composite
glyphs are built from), a Unicode ``cmap`` for exactly those characters, horizontal metrics,
and the face's ``head``, ``hhea``, ``maxp``, ``OS/2`` and ``name`` tables (so the embedded
file still names the face and carries its licence) and its hinting tables; glyph names and
OpenType layout tables are dropped. Output is deterministic: glyph 0 first, then the
characters' glyphs in code point order; nothing depends on the clock.

A face with TrueType outlines is cut by the PDF exporter's cutter
(:func:`gongwen.export.pdffont.subset_program`) from the face's facts read once per process
and per user (:mod:`gongwen.fontdata`): a slice of the font file per glyph, no font parsed.
Faces without TrueType outlines (CFF) go through ``fontTools.subset``.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable

from ..fontdata import FaceData, face_data
from .pdffont import subset_program

MAX_SUBTABLE = 0xFFFF  # a cmap format 4 subtable's length is 16 bits


def embeddable(path: str, index: int) -> bool:
    """Whether the face's licence lets a document embed it (``OS/2`` fsType: not
    "restricted license embedding", not "bitmap embedding only")."""
    fs_type = face_data(path, index).fs_type
    return (fs_type & 0x000F) != 0x0002 and not fs_type & 0x0200


def subset_font(path: str, index: int, chars: Iterable[str]) -> bytes:
    """A TrueType file with the glyphs of the face (``path``, ``index`` in a collection)
    for ``chars``; characters the face lacks are left out."""
    data = face_data(path, index)
    cps = sorted({ord(c) for c in chars} & data.cmap.keys())
    gids, new_id = [0], {}
    for cp in cps:
        g = data.cmap[cp]
        if g not in new_id:
            new_id[g] = len(gids)
            gids.append(g)
    table = _cmap({cp: new_id[data.cmap[cp]] for cp in cps})
    if data.outlines != "glyf" or table is None:
        return _subset_fonttools(path, index, cps)
    extra = {"cmap": table}
    if "OS/2" in data.tables:
        extra["OS/2"] = _os2(data.tables["OS/2"], cps)
    if "name" in data.tables:
        extra["name"] = data.tables["name"]
    if "post" in data.tables:
        extra["post"] = _post(data)
    return subset_program(data, gids, extra)


def _cmap(cmap: dict[int, int]) -> bytes | None:
    """A ``cmap`` table: format 4 for the BMP (Unicode and Windows platforms), and format 12
    for all characters when some lie beyond it; None if format 4 cannot hold the BMP's."""
    bmp = [cp for cp in cmap if cp <= 0xFFFF]
    format4 = _cmap_format4(bmp, cmap)
    if len(format4) > MAX_SUBTABLE:
        return None
    subtables = [format4]
    records = [(0, 3, 0), (3, 1, 0)]
    if len(bmp) < len(cmap):
        subtables.append(_cmap_format12(cmap))
        records = [(0, 3, 0), (0, 4, 1), (3, 1, 0), (3, 10, 1)]
    offsets, pos = [], 4 + 8 * len(records)
    for sub in subtables:
        offsets.append(pos)
        pos += len(sub)
    head = struct.pack(">HH", 0, len(records)) + b"".join(
        struct.pack(">HHI", platform, encoding, offsets[k]) for platform, encoding, k in records)
    return head + b"".join(subtables)


def _runs(cps: list[int], cmap: dict[int, int]) -> list[tuple[int, int, int]]:
    """``(first, last, first glyph)`` of each run of consecutive code points whose glyphs
    are consecutive too."""
    runs: list[list[int]] = []
    for cp in cps:
        g = cmap.get(cp, 0)
        if runs and cp == runs[-1][1] + 1 and g == runs[-1][2] + cp - runs[-1][0]:
            runs[-1][1] = cp
        else:
            runs.append([cp, cp, g])
    return [(a, b, g) for a, b, g in runs]


def _cmap_format4(cps: list[int], cmap: dict[int, int]) -> bytes:
    segments = [(a, b, (g - a) & 0xFFFF) for a, b, g in _runs(cps, cmap)]
    segments.append((0xFFFF, 0xFFFF, 1))
    n = len(segments)
    power = 1 << (n.bit_length() - 1)
    arrays = (struct.pack(f">{n}H", *(b for _, b, _ in segments)) + b"\0\0"
              + struct.pack(f">{n}H", *(a for a, _, _ in segments))
              + struct.pack(f">{n}H", *(d for _, _, d in segments)) + bytes(2 * n))
    length = 14 + len(arrays)
    return struct.pack(">7H", 4, length & 0xFFFF, 0, 2 * n, 2 * power,
                       power.bit_length() - 1, 2 * n - 2 * power) + arrays


def _cmap_format12(cmap: dict[int, int]) -> bytes:
    groups = _runs(sorted(cmap), cmap)
    body = b"".join(struct.pack(">3I", a, b, g) for a, b, g in groups)
    return struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(groups)) + body


def _os2(table: bytes, cps: list[int]) -> bytes:
    """The face's ``OS/2`` with the subset's first and last character."""
    out = bytearray(table)
    if cps and len(out) >= 68:
        out[64:68] = struct.pack(">HH", min(cps[0], 0xFFFF), min(cps[-1], 0xFFFF))
    return bytes(out)


def _post(data: FaceData) -> bytes:
    """A version 3 ``post`` table (no glyph names) with the face's figures."""
    post = data.tables["post"]
    return struct.pack(">I", 0x00030000) + post[4:16] + bytes(16)


def _subset_fonttools(path: str, index: int, cps: list[int]) -> bytes:
    """A subset by ``fontTools.subset`` (faces with CFF outlines; a cmap too large for the
    cutter's)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = []
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.glyph_names = False
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(path, fontNumber=index, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cps)
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()
