"""What layout and embedding need of one TrueType face, read once per process from a cache.

A :class:`FaceData` holds a face's character map (code point → glyph id), each glyph's
advance and left side bearing, the ``loca`` offsets of its outlines, the small tables a
subset copies (``head``, ``hhea``, ``maxp`` and the hinting tables) and the figures of a PDF
font descriptor. Outlines stay in the font file, which is mapped into memory and sliced
glyph by glyph when a subset is cut (:mod:`gongwen.export.pdffont`).

The facts are extracted with fontTools the first time a face is used and kept in a compact
binary file in the per-user cache folder (``$GONGWEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/gongwen``, ``~/.cache/gongwen``, ``~/Library/Caches/gongwen`` or
``%LOCALAPPDATA%\\gongwen\\Cache``; never inside the package). A cache file is named by the
SHA-256 of the font file, so a changed font is read afresh; the hash is computed again only
when the file's size, time or inode change (an index of those is kept beside the cache
files). When the folder cannot be written, the facts are extracted in memory, every time.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import mmap
import os
import sys
import tempfile
import threading
from array import array
from pathlib import Path

FORMAT = 2  # of the cache files; bump when what they hold changes
ENV_CACHE = "GONGWEN_CACHE_DIR"
COPIED_TABLES = ("head", "hhea", "maxp", "cvt ", "fpgm", "prep", "OS/2", "name", "post")
"""Tables a subset takes over from the face (``head``/``hhea``/``maxp`` with new counts;
``OS/2``, ``name`` and ``post`` for a subset that is a font file of its own, as an OFD's)."""


def cache_dir() -> Path:
    """The per-user cache folder of gongwen (not created here)."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "gongwen" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "gongwen"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "gongwen"


class FaceData:
    """One face's glyph facts (see the module doc). ``cmap`` leaves out characters mapped to
    glyph 0 (.notdef): a face "has" a character when ``ord(ch) in cmap``."""

    __slots__ = (
        "_map", "advances", "ascent", "bbox", "cap_height", "cmap", "descent", "fixed_pitch",
        "fs_type", "glyf_length", "glyf_offset", "index", "italic_angle", "loca", "lsbs",
        "names", "num_glyphs", "outlines", "path", "ps_name", "sha256", "tables", "upem",
        "weight",
    )

    def __init__(self, path: str, index: int, sha256: str, record: dict):
        meta = record["meta"]
        self.path = path
        self.index = index
        self.sha256 = sha256
        self.upem: int = meta["upem"]
        self.num_glyphs: int = meta["num_glyphs"]
        self.glyf_offset: int = meta["glyf_offset"]
        self.glyf_length: int = meta["glyf_length"]
        self.ps_name: str = meta["ps_name"]
        self.bbox: tuple[int, int, int, int] = tuple(meta["bbox"])  # type: ignore[assignment]
        self.ascent: int = meta["ascent"]
        self.descent: int = meta["descent"]
        self.cap_height: int = meta["cap_height"]
        self.italic_angle: float = meta["italic_angle"]
        self.fixed_pitch: bool = meta["fixed_pitch"]
        self.fs_type: int = meta["fs_type"]
        self.weight: int = meta["weight"]
        self.names: list[tuple[int, bool, str]] = [tuple(n) for n in meta["names"]]
        self.outlines: str = meta["outlines"]
        self.advances = _array("H", record["advances"])
        self.lsbs = _array("h", record["lsbs"])
        self.loca = _array("I", record["loca"])
        self.cmap: dict[int, int] = dict(
            zip(_array("I", record["cps"]), _array("I", record["gids"]), strict=True)
        )
        self.tables: dict[str, bytes] = record["tables"]
        self._map: mmap.mmap | None = None

    def advance(self, cp: int) -> int:
        """Advance width in font units of the glyph of code point ``cp`` (glyph 0's if the
        face lacks it)."""
        return self.advances[self.cmap.get(cp, 0)]

    def glyph(self, gid: int) -> bytes:
        """The ``glyf`` data of glyph ``gid`` as stored in the font (empty for a blank)."""
        if self._map is None:
            with open(self.path, "rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        start = self.glyf_offset + self.loca[gid]
        return self._map[start : self.glyf_offset + self.loca[gid + 1]]


def _array(code: str, data: bytes) -> array:
    a = array(code)
    a.frombytes(data)
    return a


# --------------------------------------------------------------------------------------------
# Extraction (fontTools, once per face and font file)


def extract(path: str, index: int) -> dict:
    """The cache record of a face: plain types only (marshal-able)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        order = font.getGlyphOrder()
        gid = {name: i for i, name in enumerate(order)}
        cmap = {cp: gid[g] for cp, g in (font.getBestCmap() or {}).items() if gid.get(g, 0)}
        cps = sorted(cmap)
        metrics = font["hmtx"].metrics
        head, hhea, post = font["head"], font["hhea"], font["post"]
        os2 = font.get("OS/2")
        upem = head.unitsPerEm
        default = metrics.get(order[0], (upem, 0)) if order else (upem, 0)
        adv = array("H", (metrics.get(n, default)[0] for n in order))
        lsb = array("h", (metrics.get(n, default)[1] for n in order))
        reader = font.reader
        loca = array("I", font["loca"]) if "loca" in font else array("I")
        glyf = reader.tables.get("glyf")
        tables = {t: reader[t] for t in COPIED_TABLES if t in reader}
        name = font["name"].getDebugName(6) if "name" in font else None
        ps_name = "".join(c for c in (name or Path(path).stem) if 32 < ord(c) < 127
                          and c not in "[](){}<>/%#")
        cap = getattr(os2, "sCapHeight", 0) if os2 is not None else 0
        record = {
            "format": FORMAT,
            "meta": {
                "upem": upem,
                "num_glyphs": len(order),
                "glyf_offset": glyf.offset if glyf is not None else 0,
                "glyf_length": glyf.length if glyf is not None else 0,
                "ps_name": ps_name or "Font",
                "bbox": [head.xMin, head.yMin, head.xMax, head.yMax],
                "ascent": os2.sTypoAscender if os2 is not None else hhea.ascent,
                "descent": os2.sTypoDescender if os2 is not None else hhea.descent,
                "cap_height": cap or (os2.sTypoAscender if os2 is not None else hhea.ascent),
                "italic_angle": float(post.italicAngle),
                "fixed_pitch": bool(post.isFixedPitch),
                "fs_type": os2.fsType if os2 is not None else 0,
                "weight": os2.usWeightClass if os2 is not None else 400,
                "names": [list(n) for n in family_names(font)],
                "outlines": outline_kind(font),
            },
            "cps": array("I", cps).tobytes(),
            "gids": array("I", (cmap[c] for c in cps)).tobytes(),
            "advances": adv.tobytes(),
            "lsbs": lsb.tobytes(),
            "loca": loca.tobytes(),
            "tables": tables,
        }
    return record


def family_names(font) -> list[tuple[int, bool, str]]:
    """``(name ID, Windows English, text)`` of a fontTools font's names 1, 16 and 17."""
    out = []
    if "name" in font:
        for rec in font["name"].names:
            if rec.nameID not in (1, 16, 17):
                continue
            try:
                text = rec.toUnicode().replace("\x00", "").strip()
            except (UnicodeDecodeError, LookupError):
                continue
            if text:
                out.append((rec.nameID, rec.platformID == 3 and rec.langID == 0x409, text))
    return out


def outline_kind(font) -> str:
    """``"glyf"`` (TrueType outlines), ``"cff"`` or ``"none"``."""
    if "glyf" in font:
        return "glyf"
    return "cff" if "CFF " in font or "CFF2" in font else "none"


# --------------------------------------------------------------------------------------------
# The cache


_LOCK = threading.Lock()
_FACES: dict[tuple[str, int], FaceData] = {}
INDEX = "fonts-index.json"


def face_data(path: str | os.PathLike, index: int = 0) -> FaceData:
    """The :class:`FaceData` of face ``index`` of the font file ``path``, once per process."""
    key = (os.fspath(path), int(index))
    with _LOCK:
        hit = _FACES.get(key)
        if hit is None:
            hit = _FACES[key] = _load(*key)
    return hit


def clear() -> None:
    """Forget the faces read in this process (the files stay)."""
    with _LOCK:
        _FACES.clear()


def _load(path: str, index: int) -> FaceData:
    st = os.stat(path)
    stamp = [st.st_size, st.st_mtime_ns, st.st_ino]
    folder = cache_dir() / "fonts"
    entry = f"{os.path.abspath(path)}#{index}"
    known = _read_index(folder)
    sha = None
    if known.get(entry, [None])[:3] == stamp:
        sha = known[entry][3]
    if sha is None:
        sha = _sha256(path)
    file = folder / f"{sha}-{index}.v{FORMAT}"
    record = None
    try:
        record = marshal.loads(file.read_bytes())
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            record = None
    except (OSError, EOFError, ValueError, TypeError):
        record = None
    if record is None:
        record = extract(path, index)
        write_cache(file, marshal.dumps(record))
    if known.get(entry) != [*stamp, sha]:
        known = _read_index(folder)  # another process may have added entries meanwhile
        known[entry] = [*stamp, sha]
        write_cache(folder / INDEX, json.dumps(known, sort_keys=True).encode())
    return FaceData(path, index, sha, record)


def _read_index(folder: Path) -> dict[str, list]:
    try:
        data = json.loads((folder / INDEX).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_cache(target: Path, data: bytes) -> None:
    """Write a cache file atomically; a folder that cannot be written is no error."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass
