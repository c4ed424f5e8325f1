"""What a new process reuses: the DOCX shared parts kept on disk, warm batch workers, plain
command-line values, and the OFD's font subsets cut like the PDF's.

No timings here (benchmarks/ measures them): each test checks what the caches hold, that a
changed input or a damaged file is never used, and that the bytes do not depend on them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gongwen.compose import compose
from gongwen.document import LetterFormat
from gongwen.export import ExportContext, docx_shared
from gongwen.export import docx as docx_export
from gongwen.fonts import load_fontset
from gongwen.layout import layout_document
from gongwen.loader import load_letter

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT, write_letters


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh per-user cache folder, and no shared parts held in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GONGWEN_CACHE_DIR", str(folder))
    docx_shared.clear()
    yield folder
    docx_shared.clear()


def _laid_out(path: Path = REFERENCE_YAML):
    ctx = ExportContext(load_fontset("open"))
    doc = compose(load_letter(path), path.parent)
    return layout_document(doc, ctx.fonts), doc, ctx


def _shared_files(cache: Path) -> list[Path]:
    return sorted((cache / "docx").glob("*.v*"))


# --- DOCX shared parts on disk --------------------------------------------------------------


def test_shared_parts_are_written_once_and_read_back_with_the_same_bytes(cache: Path) -> None:
    layout, doc, ctx = _laid_out()
    fresh = docx_export.export_package(layout, doc, ctx)  # every part built for the letter
    first = docx_export.export(layout, doc, ctx)  # builds the shared parts, writes the file
    (file,) = _shared_files(cache)
    stored = file.read_bytes()
    docx_shared.clear()  # as a new process: the parts come from the file
    built = []
    parts = docx_shared.shared_parts(
        docx_export._font_names(ctx.fonts), doc.fmt, lambda: built.append(1) or {})
    assert not built  # read from the file, not built
    assert parts == docx_shared.read(file)
    assert docx_export.export(layout, doc, ctx) == first == fresh
    assert file.read_bytes() == stored  # not written again


def test_a_changed_input_gives_another_cache_file(cache: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    names = docx_export._font_names(load_fontset("open"))
    other = ((names[0][0] + "X", names[0][1]), *names[1:])
    keys = {docx_shared.cache_key(n, f) for n in (names, other) for f in LetterFormat}
    assert len(keys) == 2 * len(LetterFormat)
    # the source of a module that builds the parts
    package = tmp_path / "pkg"
    write_letters(package, {"spec.py": "A = 1\n"})
    monkeypatch.setattr(docx_shared, "PACKAGE", package)
    docx_shared._sources_digest.cache_clear()
    before = docx_shared.cache_key(names, LetterFormat.PLAIN)
    (package / "spec.py").write_text("A = 2\n")
    docx_shared._sources_digest.cache_clear()
    after = docx_shared.cache_key(names, LetterFormat.PLAIN)
    monkeypatch.undo()
    docx_shared._sources_digest.cache_clear()
    assert before != after


@pytest.mark.parametrize("damage", ["truncated", "garbage", "flipped", "empty", "old format"])
def test_a_damaged_cache_file_is_ignored_and_written_anew(cache: Path, damage: str) -> None:
    layout, doc, ctx = _laid_out()
    good = docx_export.export(layout, doc, ctx)
    (file,) = _shared_files(cache)
    data = file.read_bytes()
    if damage == "truncated":
        bad = data[: len(data) // 2]
    elif damage == "garbage":
        bad = os.urandom(len(data))
    elif damage == "flipped":  # one byte of the payload changed: the checksum tells
        bad = data[:-100] + bytes([data[-100] ^ 0xFF]) + data[-99:]
    elif damage == "empty":
        bad = b""
    else:  # a whole file of another format number
        import hashlib
        import marshal

        payload = marshal.dumps((docx_shared.FORMAT + 1, (), b"", b""))
        bad = docx_shared.MAGIC + hashlib.sha256(payload).digest() + payload
    file.write_bytes(bad)
    assert docx_shared.read(file) is None
    docx_shared.clear()
    assert docx_export.export(layout, doc, ctx) == good
    assert docx_shared.read(file) is not None  # rebuilt and written whole


def test_an_unwritable_cache_folder_still_gives_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("GONGWEN_CACHE_DIR", str(blocker / "cache"))
    layout, doc, ctx = _laid_out()
    docx_shared.clear()
    try:
        assert docx_export.export(layout, doc, ctx) == docx_export.export_package(
            layout, doc, ctx)
    finally:
        docx_shared.clear()


_RENDER = """
import sys
from pathlib import Path
from gongwen.pipeline import render_file
render_file(Path(sys.argv[1]), Path(sys.argv[2]), fonts="open")
print(sorted(m for m in ("docx", "pydantic_core", "typer._adapters") if m in sys.modules))
"""


def _render_in_new_process(cache: Path, letter: Path, out: Path) -> list[str]:
    env = {**os.environ, "GONGWEN_CACHE_DIR": str(cache), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", _RENDER, str(letter), str(out)], env=env,
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(proc.stdout.replace("'", '"'))


def test_a_new_process_gives_the_same_bytes_with_a_cold_and_a_warm_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for letter in (REFERENCE_YAML, EXAMPLE_LETTER):
        cold = _render_in_new_process(cache, letter, tmp_path / "cold")
        warm = _render_in_new_process(cache, letter, tmp_path / "warm")
        assert "docx" in cold  # the first process built the shared parts with python-docx
        assert "docx" not in warm  # the next one read them
        for suffix in (".pdf", ".docx"):
            name = letter.stem + suffix
            assert (tmp_path / "cold" / name).read_bytes() == (tmp_path / "warm" / name
                                                                ).read_bytes()


def test_the_render_command_takes_plain_values_without_typer_adapters(tmp_path: Path) -> None:
    code = ("import sys; from gongwen.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    assert not e.code, e\n"
            "print('typer._adapters' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code, "render", str(REFERENCE_YAML), "-o", str(tmp_path),
         "--fonts", "open", "-f", "pdf"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False"
    assert (tmp_path / f"{REFERENCE_YAML.stem}.pdf").exists()


# --- Batch workers start warm ---------------------------------------------------------------


@pytest.mark.parametrize("parent_warms", [True, False])
def test_batch_workers_do_not_read_the_fonts_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parent_warms: bool) -> None:
    """The parent warms the pipeline before the pool forks: a worker given letters in the
    warm-up letter's characters reads no face and no glyph from a font file (without the
    parent's warm-up, the control, each worker does)."""
    from gongwen import batch, fontdata, fonts
    from gongwen.export import pdffont

    log = tmp_path / "reads.txt"
    real_load, real_glyph = fontdata._load, fontdata.FaceData.glyph
    real_warm, parent = batch.warm, os.getpid()

    def note() -> None:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")

    def logged(path: str, index: int):
        note()
        return real_load(path, index)

    def glyph(self, gid: int) -> bytes:
        note()
        return real_glyph(self, gid)

    def warm(*args, **kwargs) -> None:
        if parent_warms or os.getpid() != parent:
            real_warm(*args, **kwargs)

    monkeypatch.setattr(fontdata, "_load", logged)
    monkeypatch.setattr(fontdata.FaceData, "glyph", glyph)
    monkeypatch.setattr(batch, "warm", warm)
    monkeypatch.setattr(batch, "_WORKER", {"busy": False, "render": None, "warm": set()})
    fonts.clear_caches()  # nothing loaded in this process yet
    monkeypatch.setattr(pdffont, "_GLYPHS", {})
    letter = json.dumps(batch._WARM_UP, ensure_ascii=False)  # JSON is YAML
    letters = write_letters(tmp_path / "in", {f"l{i}.yaml": letter for i in range(4)})
    result = batch.render_many([letters], out_dir=tmp_path / "out", jobs=2, fonts="open",
                               mp_context="fork")
    assert [r.status for r in result.results] == [batch.RENDERED] * 4
    loaders = set(log.read_text().split())
    if parent_warms:
        assert loaders == {str(parent)}  # faces read in the parent only
    else:
        assert loaders - {str(parent)}
    single = tmp_path / "single"
    from gongwen.pipeline import render_file

    render_file(letters / "l0.yaml", single, fonts="open")
    for suffix in (".pdf", ".docx"):  # a warm worker's bytes are a fresh render's
        assert (tmp_path / "out" / f"l0{suffix}").read_bytes() == (
            single / f"l0{suffix}").read_bytes()


# --- OFD subsets ------------------------------------------------------------------------------


def test_ofd_subsets_map_each_character_to_the_faces_glyph() -> None:
    from fontTools.ttLib import TTFont

    from gongwen.export.subset import subset_font
    from gongwen.fontdata import face_data

    layout, _, _ = _laid_out()
    face = next(iter(layout.fonts.values()))
    path, index = str(face.path), face.subfont_index
    data = face_data(path, index)
    chars = "答复函关于株洲市2022年ABC，。"
    sub = TTFont(io.BytesIO(subset_font(path, index, chars)))
    full = TTFont(path, fontNumber=index)
    cmap, full_cmap = sub.getBestCmap(), full.getBestCmap()
    assert set(cmap) == {ord(c) for c in chars if ord(c) in data.cmap}
    sub_glyf, full_glyf = sub["glyf"], full["glyf"]
    for cp, name in cmap.items():
        mine, theirs = sub_glyf[name], full_glyf[full_cmap[cp]]
        assert sub["hmtx"][name] == full["hmtx"][full_cmap[cp]]
        assert mine.numberOfContours == theirs.numberOfContours
        if mine.numberOfContours > 0:
            assert list(mine.coordinates) == list(theirs.coordinates)
    assert sub["post"].formatType == 3.0
    assert sub["name"].getDebugName(1) == full["name"].getDebugName(1)


def test_ofd_package_reads_back_with_zipfile() -> None:
    import gongwen

    rendered = gongwen.render(gongwen.load(REFERENCE_YAML), ["ofd"], fonts="open")
    with zipfile.ZipFile(io.BytesIO(rendered.outputs["ofd"])) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "OFD.xml"


@pytest.mark.parametrize("cmap", [
    {0x4E00: 1, 0x4E01: 2, 0x4E03: 3, 0x41: 4, 0xFFFD: 5},
    {0x4E00: 1, 0x20000: 2, 0x20001: 3, 0x2A6D6: 4},
])
def test_subset_cmaps_read_back_with_fonttools(cmap: dict[int, int]) -> None:
    from fontTools.ttLib import TTFont, newTable

    from gongwen.export.subset import _cmap

    font = TTFont()
    font.setGlyphOrder([".notdef", *(f"g{i}" for i in range(1, 6))])
    table = newTable("cmap")
    table.decompile(_cmap(cmap), font)
    font["cmap"] = table
    expected = {cp: f"g{g}" for cp, g in cmap.items()}
    assert font.getBestCmap() == expected
    bmp = {cp: name for cp, name in expected.items() if cp <= 0xFFFF}
    assert table.getcmap(3, 1).cmap == bmp
    if len(bmp) < len(cmap):
        assert table.getcmap(3, 10).cmap == expected
