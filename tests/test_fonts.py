"""gongwen.fonts: role resolution, official fonts in fake font folders, coverage, fallback,
and a reportlab PDF drawn with the resolved faces (embedded subsets, no .notdef)."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from gongwen import fonts as gf
from gongwen.fonts import FontError, FontSet, ResolvedFont, fonts_report, load_fontset
from gongwen.spec import FontRole

BUNDLED = gf.bundled_dir()
RARE = "喆堃䶮𠇔"  # Fandol lacks these: URO, URO, Ext A (U+4DAE), Ext B (U+201D4)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No real user/system fonts, no env overrides, fresh caches per test."""
    monkeypatch.delenv(gf.ENV_FONT_DIRS, raising=False)
    monkeypatch.delenv(gf.ENV_BUNDLED, raising=False)
    monkeypatch.setattr(gf, "_user_font_dirs", lambda: [])
    monkeypatch.setattr(gf, "_system_font_dirs", lambda: [])
    gf.clear_caches()
    yield
    gf.clear_caches()


# --- fake official fonts -------------------------------------------------------------------

_SMALL_CACHE: dict[str, bytes] = {}


def _small_ttf(source: str = "FandolFang-Regular.ttf") -> TTFont:
    """A small TrueType copy of a bundled face (a subset, so that the tests stay fast)."""
    if source not in _SMALL_CACHE:
        from fontTools import subset

        font = TTFont(str(BUNDLED / source))
        opts = subset.Options()
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.notdef_outline = True
        sub = subset.Subsetter(opts)
        sub.populate(text="一二三仿宋体公文答复函正文 ABC123，。")
        sub.subset(font)
        buf = io.BytesIO()
        font.save(buf)
        _SMALL_CACHE[source] = buf.getvalue()
    return TTFont(io.BytesIO(_SMALL_CACHE[source]))


def _rename(font: TTFont, family: str, localized: str | None = None) -> TTFont:
    name = font["name"]
    for nid in (1, 4, 16, 17):
        name.removeNames(nameID=nid)
    name.setName(family, 1, 3, 1, 0x409)
    name.setName(family, 4, 3, 1, 0x409)
    if localized:
        name.setName(localized, 1, 3, 1, 0x804)
    return font


def make_official(folder: Path, filename: str, family: str, localized: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / filename
    _rename(_small_ttf(), family, localized).save(str(path))
    return path


def make_cff(folder: Path, filename: str, family: str) -> Path:
    """A CFF-outline font: Fandol's own .otf is too big, so convert a tiny TTF with fontBuilder."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.t2CharStringPen import T2CharStringPen

    folder.mkdir(parents=True, exist_ok=True)
    fb = FontBuilder(1000, isTTF=False)
    fb.setupGlyphOrder([".notdef", "uni4E00"])
    fb.setupCharacterMap({0x4E00: "uni4E00"})
    charstrings = {}
    for g in (".notdef", "uni4E00"):
        pen = T2CharStringPen(1000, None)
        pen.moveTo((100, 400))
        pen.lineTo((900, 400))
        pen.lineTo((900, 500))
        pen.closePath()
        charstrings[g] = pen.getCharString()
    fb.setupCFF("FakeCFF", {"FullName": family}, charstrings, {})
    fb.setupHorizontalMetrics({g: (1000, 100) for g in (".notdef", "uni4E00")})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": family, "styleName": "Regular"})
    fb.setupOS2()
    fb.setupPost()
    path = folder / filename
    fb.save(str(path))
    return path


# --- bundled set ---------------------------------------------------------------------------


def test_open_mode_uses_bundled_truetype_faces():
    fs = load_fontset("open")
    assert fs.mode == "open"
    for role in FontRole:
        face = fs.face(role)
        assert face.role is role
        assert not face.official
        assert face.path.parent == BUNDLED
        assert face.key == f"gw-{role.value}"
        with TTFont(str(face.path), lazy=True) as f:
            assert "glyf" in f and "CFF " not in f
    assert fs.face(FontRole.FANGSONG).path.name == "FandolFang-Regular.ttf"
    assert fs.face(FontRole.XIAOBIAOSONG).path.name == "FandolSong-Bold.ttf"
    assert fs.face(FontRole.HEITI).family == "FandolHei"
    assert fs.face(FontRole.KAITI).family == "FandolKai"
    assert fs.face(FontRole.SONGTI).family == "FandolSong"
    # the bold face is its own legacy family, so a DOCX needs no bold flag (no faux bold)
    assert fs.docx_names(FontRole.XIAOBIAOSONG) == ("FandolSong Bold", ())


def test_faces_lists_roles_then_fallbacks_without_duplicates():
    fs = load_fontset("open")
    faces = fs.faces()
    paths = [(f.path, f.subfont_index) for f in faces]
    assert len(paths) == len(set(paths))
    assert [f.role for f in faces[:5]] == list(FontRole)
    assert all(f.role is None for f in faces[5:])
    assert [f.key for f in faces[5:]] == ["gw-fallback-0", "gw-fallback-1"]
    assert len({f.key for f in faces}) == len(faces)


def test_load_fontset_is_cached_and_fast():
    t = time.perf_counter()
    a = load_fontset("open")
    elapsed = time.perf_counter() - t
    assert load_fontset("open") is a
    assert elapsed < 2.0


def test_advance_from_hmtx():
    fs = load_fontset("open")
    face = fs.face(FontRole.FANGSONG)
    assert fs.advance(face, "一", 16) == pytest.approx(16.0)  # full-width em
    assert fs.advance(face, "A", 16) < 16.0
    with TTFont(str(face.path), lazy=True) as f:
        upem = f["head"].unitsPerEm
        adv = f["hmtx"][f.getBestCmap()[ord("1")]][0]
    assert fs.advance(face, "1", 14) == pytest.approx(adv * 14 / upem)


def test_missing_and_face_for_rare_characters():
    fs = load_fontset("open")
    text = f"答复函 {RARE}，正文"
    for role in FontRole:
        assert fs.missing(role, text) == list(RARE)
        assert fs.unsupported(role, text) == []
        for ch in RARE:
            face = fs.face_for(role, ch)
            assert face is not None and face.role is None
            assert fs.has_glyph(face, ch)
            assert not fs.has_glyph(fs.face(role), ch)
        assert fs.face_for(role, "答") == fs.face(role)
    # a private-use character is in no face
    assert fs.face_for(FontRole.FANGSONG, "\ue000") is None
    assert fs.unsupported(FontRole.FANGSONG, "a\ue000") == ["\ue000"]
    # whitespace is ignored; repeats reported once, in order
    assert fs.missing(FontRole.FANGSONG, "䶮 \u3000\n䶮喆") == ["䶮", "喆"]


def test_fonts_report_rows():
    rows = fonts_report(load_fontset("open"))
    assert [r[0] for r in rows[:5]] == ["小标宋", "仿宋", "黑体", "楷体", "宋体"]
    assert rows[1][1] == "FandolFang R"
    assert all(len(r) == 4 and all(isinstance(x, str) and x for x in r) for r in rows)
    assert rows[-1][0] == "备用 2"
    assert all(r[3].isascii() is False for r in rows)  # reasons are Chinese


# --- official fonts in fake folders --------------------------------------------------------


def test_auto_without_official_fonts_uses_bundled_and_names_official_in_docx(tmp_path):
    fs = load_fontset("auto", font_dirs=[tmp_path / "empty"])
    face = fs.face(FontRole.FANGSONG)
    assert not face.official
    assert "未安装公文字体" in face.reason and "仿宋_GB2312" in face.reason
    assert len(face.reason) < 120
    family, alts = fs.docx_names(FontRole.FANGSONG)
    assert family == "仿宋_GB2312"
    assert "FangSong" in alts and "FandolFang R" in alts


def test_auto_finds_official_font_by_name(tmp_path):
    path = make_official(tmp_path / "fonts", "whatever.ttf", "FangSong_GB2312", "仿宋_GB2312")
    fs = load_fontset("auto", font_dirs=[tmp_path / "fonts"])
    face = fs.face(FontRole.FANGSONG)
    assert face.official and face.path == path and face.role is FontRole.FANGSONG
    # the first manifest candidate matched is 仿宋_GB2312 (the localized name)
    assert face.family == "仿宋_GB2312"
    assert face.key.startswith("gw-fangsong-") and face.key != "gw-fangsong"
    assert fs.docx_names(FontRole.FANGSONG)[0] == "仿宋_GB2312"
    # other roles keep the bundled faces
    assert not fs.face(FontRole.HEITI).official
    # the official face lacks most characters; the bundled FandolFang stands in, then fallbacks
    sub = fs.substitute(FontRole.FANGSONG)
    assert sub is not None and sub.path.name == "FandolFang-Regular.ttf"
    assert fs.face_for(FontRole.FANGSONG, "一") == face
    assert fs.face_for(FontRole.FANGSONG, "函") == face
    assert fs.face_for(FontRole.FANGSONG, "国") == sub
    assert fs.face_for(FontRole.FANGSONG, "䶮").role is None
    assert fs.missing(FontRole.FANGSONG, "一国") == ["国"]
    assert sub in fs.faces() and len(fs.faces()) == 8


def test_alias_and_priority_order(tmp_path):
    d = tmp_path / "fonts"
    make_official(d / "a", "stfangsong.ttf", "STFangsong")
    make_official(d / "b", "fangsong.ttf", "FangSong")
    fs = load_fontset("auto", font_dirs=[d])
    # FangSong comes before STFangsong in the manifest, whatever the folder order
    assert fs.face(FontRole.FANGSONG).family == "FangSong"
    # names match ignoring case and spaces; the family is reported as the font spells it
    make_official(tmp_path / "k", "k.ttf", "kaiti_gb2312")
    make_official(tmp_path / "s", "s.ttf", "Sim Sun")
    fs2 = load_fontset("auto", font_dirs=[tmp_path / "k", tmp_path / "s"])
    assert fs2.face(FontRole.KAITI).official
    assert fs2.face(FontRole.KAITI).family == "kaiti_gb2312"
    assert fs2.face(FontRole.SONGTI).family == "Sim Sun"
    # a family that only contains an official name does not match
    make_official(tmp_path / "x", "x.ttf", "FangSong Pro")
    assert not load_fontset("auto", font_dirs=[tmp_path / "x"]).face(FontRole.FANGSONG).official


def test_env_font_dirs(tmp_path, monkeypatch):
    make_official(tmp_path / "e1", "h.ttf", "SimHei", "黑体")
    monkeypatch.setenv(gf.ENV_FONT_DIRS, f"{tmp_path / 'nothing'}{gf.os.pathsep}{tmp_path / 'e1'}")
    fs = load_fontset("auto")
    assert fs.face(FontRole.HEITI).official
    assert fs.face(FontRole.HEITI).family == "黑体"


def test_ttc_subfont(tmp_path):
    d = tmp_path / "ttc"
    d.mkdir()
    coll = TTCollection()
    coll.fonts = [_rename(_small_ttf(), "Other"), _rename(_small_ttf(), "SimSun", "宋体")]
    coll.save(str(d / "simsun.ttc"))
    face = load_fontset("auto", font_dirs=[d]).face(FontRole.SONGTI)
    assert face.official and face.subfont_index == 1 and face.path.name == "simsun.ttc"


def test_mode_open_ignores_official_fonts(tmp_path, monkeypatch):
    make_official(tmp_path / "f", "fs.ttf", "仿宋")
    monkeypatch.setenv(gf.ENV_FONT_DIRS, str(tmp_path / "f"))
    fs = load_fontset("open", font_dirs=[tmp_path / "f"])
    assert not any(f.official for f in fs.faces())
    assert fs.docx_names(FontRole.FANGSONG)[0] == "FandolFang R"
    assert load_fontset("auto", font_dirs=[tmp_path / "f"]).face(FontRole.FANGSONG).official


def test_official_strict_raises_naming_the_role(tmp_path):
    make_official(tmp_path / "f", "fs.ttf", "仿宋_GB2312")
    with pytest.raises(FontError) as err:
        load_fontset("official", font_dirs=[tmp_path / "f"], strict=True)
    msg = str(err.value)
    assert "小标宋" in msg and "方正小标宋简体" in msg and "仿宋（" not in msg
    # not strict: bundled stand-ins, the found one official
    fs = load_fontset("official", font_dirs=[tmp_path / "f"])
    assert fs.face(FontRole.FANGSONG).official and not fs.face(FontRole.XIAOBIAOSONG).official


def test_official_strict_with_all_roles_present(tmp_path):
    d = tmp_path / "all"
    for fam in ("方正小标宋简体", "仿宋_GB2312", "SimHei", "楷体_GB2312", "SimSun"):
        make_official(d, f"{abs(hash(fam))}.ttf", fam)
    fs = load_fontset("official", font_dirs=[d], strict=True)
    assert all(fs.face(r).official for r in FontRole)
    assert len({fs.face(r).key for r in FontRole}) == 5


def test_cff_only_official_font_is_skipped_with_reason(tmp_path):
    d = tmp_path / "cff"
    make_cff(d, "fangsong.otf", "FangSong")
    fs = load_fontset("auto", font_dirs=[d])
    face = fs.face(FontRole.FANGSONG)
    assert not face.official
    assert "CFF" in face.reason and "fangsong.otf" in face.reason
    with pytest.raises(FontError, match="fangsong"):
        load_fontset("official", font_dirs=[d], strict=True)
    # a TrueType one later in the list is taken instead
    make_official(d, "st.ttf", "STFangsong")
    gf.clear_caches()
    face = load_fontset("auto", font_dirs=[d]).face(FontRole.FANGSONG)
    assert face.official and face.family == "STFangsong" and "CFF" in face.reason


def test_no_embedding_font_is_skipped(tmp_path):
    d = tmp_path / "restricted"
    d.mkdir()
    font = _rename(_small_ttf(), "SimHei")
    font["OS/2"].fsType = 0x0002
    font.save(str(d / "simhei.ttf"))
    face = load_fontset("auto", font_dirs=[d]).face(FontRole.HEITI)
    assert not face.official and "fsType" in face.reason


def test_broken_files_do_not_stop_the_scan(tmp_path):
    d = tmp_path / "junk"
    d.mkdir()
    (d / "broken.ttf").write_bytes(b"\x00\x01\x00\x00garbage")
    (d / "empty.ttc").write_bytes(b"")
    make_official(d, "ok.ttf", "KaiTi")
    assert load_fontset("auto", font_dirs=[d]).face(FontRole.KAITI).official


def test_symlink_loop_in_font_folder(tmp_path):
    d = tmp_path / "loop"
    make_official(d / "sub", "kai.ttf", "楷体")
    (d / "sub" / "back").symlink_to(d, target_is_directory=True)
    face = load_fontset("auto", font_dirs=[d]).face(FontRole.KAITI)
    assert face.official and face.family == "楷体"


def test_bundled_dir_override(tmp_path, monkeypatch):
    alt = tmp_path / "bundled"
    alt.mkdir()
    shutil.copy(BUNDLED / "fonts.toml", alt / "fonts.toml")
    monkeypatch.setenv(gf.ENV_BUNDLED, str(alt))
    with pytest.raises(FontError, match="缺少自带字体"):
        load_fontset("open")
    with pytest.raises(FontError, match="fonts: 没有 'nope' 这一项；可用：auto、open、official"):
        load_fontset("nope")  # type: ignore[arg-type]


def test_font_errors_are_gongwen_errors():
    from gongwen.errors import GongwenError

    assert issubclass(FontError, GongwenError)


_SYSTEM_FONT_DIRS = gf._system_font_dirs  # before the fixture isolates the tests from it


def test_windows_font_folder_only_on_windows(monkeypatch):
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SYSTEMROOT", raising=False)
    monkeypatch.setattr(gf.sys, "platform", "linux")
    assert not any("Windows" in str(d) for d in _SYSTEM_FONT_DIRS())
    monkeypatch.setattr(gf.sys, "platform", "win32")
    assert Path("C:/Windows/Fonts") in _SYSTEM_FONT_DIRS()


# --- drawing with reportlab ----------------------------------------------------------------


@pytest.fixture(scope="module")
def rare_pdf() -> tuple[bytes, str, list[ResolvedFont]]:
    """A PDF that draws a line of body text with rare characters, one run per face."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
    from reportlab.pdfgen import canvas

    gf.clear_caches()
    gf.patch_reportlab()
    fs: FontSet = load_fontset("open")
    text = f"答复函：张{RARE}同志"
    used: list[ResolvedFont] = []
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    x = 72.0
    for ch in text:
        face = fs.face_for(FontRole.FANGSONG, ch)
        assert face is not None, ch
        if face.key not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(
                RLTTFont(face.key, str(face.path), subfontIndex=face.subfont_index)
            )
        if face not in used:
            used.append(face)
        c.setFont(face.key, 16)
        c.drawString(x, 700, ch)
        x += fs.advance(face, ch, 16)
    c.showPage()
    c.save()
    gf.clear_caches()
    return buf.getvalue(), text, used


def test_pdf_with_fallback_faces_round_trips_text(rare_pdf):
    import pdfplumber

    data, text, used = rare_pdf
    assert {f.key for f in used} >= {"gw-fangsong", "gw-fallback-0"}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        assert page.extract_text().replace(" ", "") == text
        fontnames = {ch["fontname"] for ch in page.chars}
    assert len(fontnames) == len(used)
    for name in fontnames:
        prefix, _, _ = name.partition("+")
        assert len(prefix) == 6 and prefix.isupper() and prefix.isalpha(), name


def _pdf_fonts(data: bytes) -> dict[str, tuple[dict[int, str], TTFont]]:
    """BaseFont → (code → unicode from ToUnicode, embedded FontFile2) for page 1's fonts."""
    import pdfplumber
    from pdfminer.pdffont import PDFSimpleFont
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdftypes import resolve1

    out: dict[str, tuple[dict[int, str], TTFont]] = {}
    rm = PDFResourceManager()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fonts = resolve1(resolve1(pdf.pages[0].page_obj.resources)["Font"])
        for ref in fonts.values():
            spec = resolve1(ref)
            if "FontDescriptor" not in spec:
                continue  # reportlab's initial Helvetica, never used for drawing here
            font = rm.get_font(None, spec)
            assert isinstance(font, PDFSimpleFont) and font.unicode_map is not None
            desc = resolve1(spec["FontDescriptor"])
            assert "FontFile2" in desc, "TrueType outlines must be embedded"
            embedded = TTFont(io.BytesIO(resolve1(desc["FontFile2"]).get_data()))
            out[resolve1(spec["BaseFont"]).name] = (dict(font.unicode_map.cid2unichr), embedded)
    return out


def _outline(font: TTFont, glyph_name: str) -> tuple:
    glyf = font["glyf"]
    coords, ends, _ = glyf[glyph_name].getCoordinates(glyf)
    return tuple(map(tuple, coords)), tuple(ends)


def _drawn_codes(data: bytes) -> list[tuple[str, int]]:
    """(BaseFont, code) for every character shown by Tj/TJ on page 1, in stream order."""
    import pdfplumber
    from pdfminer.pdfinterp import PDFContentParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSEOF, PSKeyword

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].page_obj
        fonts = resolve1(resolve1(page.resources)["Font"])
        base = {name: resolve1(resolve1(ref)["BaseFont"]).name for name, ref in fonts.items()}
        parser = PDFContentParser([resolve1(c) for c in page.contents])
        out: list[tuple[str, int]] = []
        operands: list = []
        current = ""
        while True:
            try:
                _, obj = parser.nextobject()
            except PSEOF:
                break
            if not isinstance(obj, PSKeyword):
                operands.append(obj)
                continue
            if obj.name == b"Tf":
                current = base[operands[0].name]
            elif obj.name == b"Tj":
                out += [(current, b) for b in operands[0]]
            elif obj.name == b"TJ":
                out += [
                    (current, b) for item in operands[0] if isinstance(item, bytes) for b in item
                ]
            operands = []
    return out


def _glyph_checks(
    data: bytes, faces: list[ResolvedFont], text: str
) -> list[tuple[int, str, bool, bool]]:
    """Per drawn code, paired with the intended ``text``: (code, BaseFont, notdef, real).

    notdef: the code shows glyph 0, or is code 0, where reportlab puts every character
    the font lacks (it shows whatever U+0000 maps to: .notdef or an empty glyph).
    real: the embedded outline equals the face's own glyph for the intended character.
    """
    by_ps: dict[str, TTFont] = {}
    for face in faces:
        f = TTFont(str(face.path), lazy=True)
        by_ps[f["name"].getDebugName(6)] = f
    fonts = _pdf_fonts(data)
    drawn = _drawn_codes(data)
    out = []
    for (fontname, code), ch in zip(drawn, text, strict=True):
        _, embedded = fonts[fontname]
        original = by_ps[fontname.partition("+")[2]]
        sub_glyph = embedded["cmap"].getcmap(1, 0).cmap[code]
        shape = _outline(embedded, sub_glyph)
        notdef = (
            code == 0
            or sub_glyph == embedded.getGlyphOrder()[0]
            or shape == _outline(original, original.getGlyphOrder()[0])
        )
        gid = original.getBestCmap().get(ord(ch))
        real = gid is not None and shape == _outline(original, gid)
        out.append((code, fontname, notdef, real))
    for f in by_ps.values():
        f.close()
    return out


def test_pdf_draws_the_real_glyph_for_every_character(rare_pdf):
    """No character is drawn with .notdef: each embedded glyph is the face's own glyph."""
    data, text, used = rare_pdf
    checks = _glyph_checks(data, used, text)
    assert len(checks) == len(text)
    for code, fontname, notdef, real in checks:
        assert not notdef, (code, fontname)
        assert real, (code, fontname)
    for _, embedded in _pdf_fonts(data).values():
        assert embedded["maxp"].numGlyphs < 300  # a subset, not the whole font


def test_pdf_notdef_check_detects_a_missing_glyph():
    """The check above can fail: 䶮 drawn with FandolFang (which lacks it) is not real."""
    import pdfplumber
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
    from reportlab.pdfgen import canvas

    face = load_fontset("open").face(FontRole.FANGSONG)
    if face.key not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(RLTTFont(face.key, str(face.path)))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont(face.key, 16)
    c.drawString(72, 700, "答䶮")
    c.save()
    checks = _glyph_checks(buf.getvalue(), [face], "答䶮")
    assert [(notdef, real) for _, _, notdef, real in checks] == [(False, True), (True, False)]
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        assert pdf.pages[0].extract_text() != "答䶮"


def test_tounicode_cmap_writes_surrogate_pairs():
    cmap = gf.tounicode_cmap("X", [0, 0x4E00, 0x201D4])
    assert "<01> <4E00>" in cmap and "<02> <D840DDD4>" in cmap and "<00> <0000>" in cmap
