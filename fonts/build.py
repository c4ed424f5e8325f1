#!/usr/bin/env python3
"""Rebuild the bundled fonts in this folder from Debian packages, reproducibly.

    python3 fonts/build.py            # download, verify, extract, convert, write into fonts/
    python3 fonts/build.py --check    # rebuild into a temp folder and compare bytes with fonts/

Steps:
1. ``apt-get download`` the pinned package versions (``texlive-lang-chinese`` for Fandol,
   ``fonts-hanazono`` for the fallback) and check their sha256.
2. ``dpkg-deb -x`` them into a scratch folder.
3. Fandol ships CID-keyed CFF outlines (.otf); reportlab embeds only TrueType (glyf) outlines,
   so each face is converted: cubic curves → quadratic with fontTools' cu2qu (max error
   1 font unit at 1000 UPM), contour direction reversed to the TrueType convention, ``CFF ``
   and ``VORG`` replaced by ``glyf``/``loca``, ``maxp`` 1.0, ``post`` format 2.
   The name table states the modification (GPL-3 §5a). ``head.created``/``head.modified``
   are kept from the source so that re-runs give byte-identical files.
   FandolSong-Bold (used for 小标宋) also gets its own legacy family "FandolSong Bold"
   (name IDs 1/2 = "FandolSong Bold"/"Regular"; 16/17 stay "FandolSong"/"Bold"), so that a
   DOCX can ask for it by family name without bold formatting (no faux bold).
4. Fallback for characters Fandol lacks, from Hanazono (GlyphWiki, TrueType already):
   HanaMinB (CJK Ext B–F, plane 2) is copied unchanged. HanaMinA (BMP incl. Ext A) is
   subset to the characters that are NOT in every Fandol face (a role's own Fandol face is
   always ahead of it in the fallback chain), which saves ~8 MB, and renamed
   "GongwenFallbackA" (done under the Hanazono Font License, which allows modification
   without conditions; the OFL alternative reserves the name "HanaMinA").
5. SHA256SUMS lists every output; ``--check`` rebuilds and compares.

Output depends on the fontTools version (cu2qu, subsetter, table compilers); the one used
is recorded in SHA256SUMS.

Needs: Debian/Ubuntu with apt-get and dpkg-deb, Python ≥ 3.11, fontTools ≥ 4.47.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent

# package, version, sha256 of the .deb
PACKAGES = {
    "texlive-lang-chinese": (
        "2022.20230122-1",
        "9cfa07bd44e7b9098e26f0ecac1b5ad210d2249d474c8074d53de92d650b0ec0",
    ),
    "fonts-hanazono": (
        "20170904-2.1",
        "a6943366b4f5a6cec34221f8b4eb22555a628f0ee6ef4e3d3401cabe9363aeae",
    ),
}

FANDOL_DIR = "usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
FANDOL_DOC = "usr/share/doc/texlive-doc/fonts/fandol"
HANAZONO_DIR = "usr/share/fonts/truetype/hanazono"
HANAZONO_DOC = "usr/share/doc/fonts-hanazono"

# source .otf stem → output .ttf name
FANDOL_FACES = {
    "FandolSong-Bold": "FandolSong-Bold.ttf",  # xiaobiaosong
    "FandolFang-Regular": "FandolFang-Regular.ttf",  # fangsong
    "FandolHei-Regular": "FandolHei-Regular.ttf",  # heiti
    "FandolKai-Regular": "FandolKai-Regular.ttf",  # kaiti
    "FandolSong-Regular": "FandolSong-Regular.ttf",  # songti
}
HANAZONO_COPY = ("HanaMinB.ttf",)
FALLBACK_A_SRC = "HanaMinA.ttf"
FALLBACK_A = "GongwenFallbackA.ttf"
FALLBACK_A_FAMILY = "GongwenFallbackA"
LICENCE_FILES = ("COPYING.Fandol", "README.Fandol", "COPYING.Hanazono")
MODIFIED = "2026-11-26"  # date of the modification, for the notices (GPL-3 §5a)

MAX_ERR_EM = 0.001  # cu2qu tolerance as a fraction of the em (1 unit at 1000 UPM)
BUILD_NOTE = (
    f"Modified {MODIFIED} by the gongwen project (fonts/build.py) from Fandol 1.300 as shipped "
    "in Debian texlive-lang-chinese 2022.20230122-1: CFF outlines converted to TrueType "
    "(quadratic) outlines with fontTools cu2qu, names adjusted; glyph shapes otherwise unchanged."
)
FANDOL_LICENSE = (
    "GPL-3.0 with the GPL font exception (extended to this modified version); "
    "see COPYING.Fandol in gongwen's fonts/ folder."
)
FALLBACK_A_NOTE = (
    f"Subset of HanaMinA (Hanazono font 20170904, GlyphWiki Project) made {MODIFIED} by the "
    "gongwen project (fonts/build.py): only characters that the Fandol fonts lack; renamed. "
    "Distributed under the Hanazono Font License (see COPYING.Hanazono)."
)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(package: str, workdir: Path, debdir: Path | None) -> Path:
    """The verified .deb for a pinned package (from ``debdir`` if it is there)."""
    version, digest = PACKAGES[package]
    name = f"{package}_{version}_all.deb"
    if debdir is not None and (debdir / name).is_file():
        deb = debdir / name
    else:
        subprocess.run(["apt-get", "download", f"{package}={version}"], cwd=workdir, check=True)
        deb = workdir / name
    got = sha256(deb)
    if got != digest:
        raise SystemExit(f"{deb}: sha256 {got}, expected {digest}")
    return deb


def extract(deb: Path, dest: Path) -> None:
    subprocess.run(["dpkg-deb", "-x", str(deb), str(dest)], check=True)


def _set_name(font, name_id: int, text: str) -> None:
    name = font["name"]
    name.removeNames(nameID=name_id)
    name.setName(text, name_id, 3, 1, 0x409)
    name.setName(text, name_id, 1, 0, 0)


def convert_cff_to_ttf(src: Path, dst: Path) -> None:
    """Write a TrueType-outline copy of the CFF font ``src`` to ``dst``."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(src), recalcTimestamp=False, recalcBBoxes=True)
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    max_err = MAX_ERR_EM * font["head"].unitsPerEm

    glyphs = {}
    for gname in order:
        tt_pen = TTGlyphPen(glyph_set)
        glyph_set[gname].draw(Cu2QuPen(tt_pen, max_err, reverse_direction=True))
        glyphs[gname] = tt_pen.glyph()

    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)  # sets bounding boxes

    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr, value in (
        ("maxZones", 1),
        ("maxTwilightPoints", 0),
        ("maxStorage", 0),
        ("maxFunctionDefs", 0),
        ("maxInstructionDefs", 0),
        ("maxStackElements", 0),
        ("maxSizeOfInstructions", 0),
        ("maxComponentElements", 0),
        ("maxComponentDepth", 0),
    ):
        setattr(maxp, attr, value)
    font["head"].glyphDataFormat = 0

    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order

    version = font["head"].fontRevision
    ps_name = font["name"].getDebugName(6)
    _set_name(font, 3, f"{version:.3f};gongwen-ttf;{ps_name}")
    _set_name(font, 5, f"Version {version:.3f}; TrueType conversion (gongwen {MODIFIED})")
    _set_name(font, 10, BUILD_NOTE)
    _set_name(font, 13, FANDOL_LICENSE)
    if ps_name == "FandolSong-Bold":
        # Own legacy family, so that it is selectable without bold formatting.
        _set_name(font, 1, "FandolSong Bold")
        _set_name(font, 2, "Regular")
        _set_name(font, 4, "FandolSong Bold")
        _set_name(font, 16, "FandolSong")
        _set_name(font, 17, "Bold")
        os2 = font["OS/2"]
        os2.fsSelection = (os2.fsSelection & ~0x21) | 0x40  # REGULAR, not BOLD/ITALIC
        font["head"].macStyle = 0

    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(dst), reorderTables=True)


def subset_fallback_a(src: Path, dst: Path, covered: set[int]) -> None:
    """HanaMinA without the characters in ``covered`` (those every Fandol face has)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(src), recalcTimestamp=False)
    keep = sorted(cp for cp in font.getBestCmap() if cp not in covered)
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.glyph_names = False
    opts.hinting = True
    opts.drop_tables = ["FFTM"]  # FontForge build timestamps
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)

    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 3, 4, 5, 6, 16, 17, 10, 13):
            name.removeNames(nameID=rec.nameID)
    _set_name(font, 1, FALLBACK_A_FAMILY)
    _set_name(font, 3, f"20170904;gongwen-subset;{FALLBACK_A_FAMILY}")
    _set_name(font, 4, FALLBACK_A_FAMILY)
    _set_name(font, 5, f"Version 20170904; subset (gongwen {MODIFIED})")
    _set_name(font, 6, f"{FALLBACK_A_FAMILY}-Regular")
    _set_name(font, 10, FALLBACK_A_NOTE)
    _set_name(font, 13, "Hanazono Font License; see COPYING.Hanazono in gongwen's fonts/ folder.")
    font.save(str(dst), reorderTables=True)


def _convert_job(args: tuple[str, str]) -> tuple[str, float]:
    start = time.perf_counter()
    convert_cff_to_ttf(Path(args[0]), Path(args[1]))
    return args[1], time.perf_counter() - start


def build(out: Path, debdir: Path | None, jobs: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongwen-fonts-") as tmp:
        work = Path(tmp)
        root = work / "root"
        for package in PACKAGES:
            extract(fetch(package, work, debdir), root)

        # licence texts as the packages state them
        fandol_doc = root / FANDOL_DOC
        with (fandol_doc / "COPYING.gz").open("rb") as f:
            import gzip

            (out / "COPYING.Fandol").write_bytes(gzip.decompress(f.read()))
        shutil.copyfile(fandol_doc / "README", out / "README.Fandol")
        shutil.copyfile(root / HANAZONO_DOC / "copyright", out / "COPYING.Hanazono")

        for face in HANAZONO_COPY:
            shutil.copyfile(root / HANAZONO_DIR / face, out / face)

        todo = [
            (str(root / FANDOL_DIR / f"{stem}.otf"), str(out / ttf))
            for stem, ttf in FANDOL_FACES.items()
        ]
        t0 = time.perf_counter()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for dst, seconds in pool.map(_convert_job, todo):
                print(f"converted {Path(dst).name} in {seconds:.1f} s", flush=True)
        print(f"conversion wall time {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        subset_fallback_a(
            root / HANAZONO_DIR / FALLBACK_A_SRC, out / FALLBACK_A, fandol_common(out)
        )
        print(f"subset {FALLBACK_A} in {time.perf_counter() - t0:.1f} s")
    write_sums(out)


def fandol_common(out: Path) -> set[int]:
    """Code points that every bundled Fandol face maps."""
    from fontTools.ttLib import TTFont

    common: set[int] | None = None
    for ttf in FANDOL_FACES.values():
        with TTFont(str(out / ttf), lazy=True) as font:
            cps = set(font.getBestCmap())
        common = cps if common is None else common & cps
    return common or set()


def outputs() -> list[str]:
    return sorted([*FANDOL_FACES.values(), *HANAZONO_COPY, FALLBACK_A, *LICENCE_FILES])


def write_sums(out: Path) -> None:
    import fontTools

    lines = [f"# built with fontTools {fontTools.version} by fonts/build.py"]
    lines += [f"{sha256(out / name)}  {name}" for name in outputs()]
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE, help="output folder (default: fonts/)")
    ap.add_argument("--debs", type=Path, help="folder that already holds the pinned .deb files")
    ap.add_argument("--jobs", type=int, default=2, help="parallel conversions")
    ap.add_argument("--check", action="store_true", help="rebuild to a temp dir and compare")
    ns = ap.parse_args(argv)
    if not ns.check:
        build(ns.out, ns.debs, ns.jobs)
        return 0
    with tempfile.TemporaryDirectory(prefix="gongwen-fonts-check-") as tmp:
        build(Path(tmp), ns.debs, ns.jobs)
        bad = 0
        for name in outputs():
            new, old = Path(tmp) / name, HERE / name
            same = old.is_file() and sha256(new) == sha256(old)
            print(f"{'same' if same else 'DIFFERENT'}  {name}  {sha256(new)}")
            bad += not same
        return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
