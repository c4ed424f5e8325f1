"""Font roles → font files, per-character coverage and fallback.

This is the only module that knows where fonts live. Everything else asks a :class:`FontSet`
(from :func:`load_fontset`) for a :class:`ResolvedFont` per :class:`~gongwen.spec.FontRole`,
for a fallback face per character, and for advance widths.

Modes:

* ``"open"``: the fonts bundled in ``fonts/`` (Fandol, converted to TrueType outlines), always.
  Output is byte-identical on any machine.
* ``"auto"``: per role, the first installed official font (``fonts/fonts.toml`` lists family
  names and aliases in order) that has TrueType outlines; else the bundled font.
* ``"official"``: like ``"auto"``; with ``strict=True`` a role without an official font raises
  :class:`FontError`.

Installed fonts are found in the folders given to :func:`load_fontset`, then
``$GONGWEN_FONT_DIRS`` (``os.pathsep``-separated), then the user and system font folders.
The scan reads only table directories and the name and OS/2 tables, once per process; fonts
with only CFF outlines, or whose fsType forbids subsetting, are skipped with a reason, since
reportlab cannot embed them.

Per character, a role tries its face, then (when that face is an installed official font) the
role's bundled face, then the bundled fallback faces (CJK Ext A–F): see :meth:`FontSet.face_for`.
Each face's cmap and advances are read once per process, when first needed.

For reportlab: register each face as ``TTFont(face.key, face.path,
subfontIndex=face.subfont_index)``, and call :func:`patch_reportlab` once so that characters
beyond U+FFFF get correct ToUnicode entries.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from gongwen import bundled, fontdata
from gongwen.errors import GongwenError, option, os_error_reason, unknown_choice
from gongwen.fontdata import FaceData, face_data
from gongwen.spec import FontRole

__all__ = [
    "FontError",
    "FontMode",
    "FontSet",
    "ResolvedFont",
    "bundled_dir",
    "clear_caches",
    "fonts_report",
    "load_fontset",
    "patch_reportlab",
]

FontMode = Literal["auto", "open", "official"]
FONT_MODES: tuple[FontMode, ...] = ("auto", "open", "official")

ENV_FONT_DIRS = "GONGWEN_FONT_DIRS"
ENV_BUNDLED = "GONGWEN_BUNDLED_FONTS"
MANIFEST = "fonts.toml"
FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc"})


HAS, FALLBACK, MISSING = 0, 1, 2
"""How a role's face chain covers a character (:meth:`FontSet.char_face`)."""


class FontError(GongwenError):
    """A font could not be resolved or read (an unknown mode, a missing or unreadable file)."""


@dataclass(frozen=True)
class ResolvedFont:
    role: FontRole | None  # None for fallback faces
    family: str  # family name from the font's name table
    path: Path
    subfont_index: int  # for .ttc/.otc, else 0
    official: bool  # True: an installed official font; False: bundled/open
    reason: str  # why chosen, human-readable
    key: str  # stable short id usable as a reportlab font name


# --------------------------------------------------------------------------------------------
# Locations


def bundled_dir() -> Path:
    """The folder of bundled fonts: ``$GONGWEN_BUNDLED_FONTS`` or the fonts shipped with gongwen
    (``fonts/`` of the repository, ``gongwen/_fonts`` of an installed wheel)."""
    env = os.environ.get(ENV_BUNDLED)
    if env:
        return Path(env).expanduser().resolve()
    return bundled.folder("fonts")


def _env_font_dirs() -> list[Path]:
    env = os.environ.get(ENV_FONT_DIRS, "")
    return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]


def _user_font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [home / ".fonts", home / ".local" / "share" / "fonts", home / "Library" / "Fonts"]
    xdg = os.environ.get("XDG_DATA_HOME")
    if xdg:
        dirs.append(Path(xdg) / "fonts")
    local = os.environ.get("LOCALAPPDATA")
    if local:
        dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _system_font_dirs() -> list[Path]:
    dirs = [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
    ]
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    elif sys.platform == "win32":
        dirs.append(Path("C:/Windows/Fonts"))
    return dirs


def search_dirs(font_dirs: Sequence[Path] = ()) -> list[Path]:
    """Folders searched for official fonts, in order, without duplicates."""
    out: list[Path] = []
    seen: set[str] = set()
    for d in [*map(Path, font_dirs), *_env_font_dirs(), *_user_font_dirs(), *_system_font_dirs()]:
        key = os.path.normcase(os.path.abspath(d))
        if key not in seen:
            seen.add(key)
            out.append(Path(key) if os.path.isabs(key) else d)
    return out


# --------------------------------------------------------------------------------------------
# Manifest


@dataclass(frozen=True)
class _Manifest:
    official: dict[FontRole, tuple[str, ...]]
    bundled: dict[FontRole, str]
    fallback: tuple[str, ...]


def _load_manifest(folder: Path) -> _Manifest:
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise FontError(f"{path}: 无法读取字体清单（{os_error_reason(e)}）") from e
    except tomllib.TOMLDecodeError as e:
        raise FontError(f"{path}: 字体清单格式错误：{e}") from e
    roles = data.get("roles", {})
    official: dict[FontRole, tuple[str, ...]] = {}
    bundled: dict[FontRole, str] = {}
    for role in FontRole:
        entry = roles.get(role.value)
        if not entry or "bundled" not in entry:
            raise FontError(f"{path}: 缺少 [roles.{role.value}] 及其 bundled 字体文件")
        official[role] = tuple(entry.get("official", ()))
        bundled[role] = entry["bundled"]
    fallback = tuple(data.get("fallback", {}).get("bundled", ()))
    return _Manifest(official, bundled, fallback)


# --------------------------------------------------------------------------------------------
# Name tables


def _norm(name: str) -> str:
    return "".join(name.split()).casefold()


@dataclass(frozen=True)
class _FaceInfo:
    """What the scan learns about one face (one font in a file or collection)."""

    path: Path
    index: int
    families: tuple[str, ...]  # name IDs 1 and 16, every language; Windows English ID 1 first
    legacy: tuple[str, ...]  # name ID 1 only, Windows English first
    typographic_regular: bool  # no name ID 17, or it says Regular
    outlines: str  # "glyf", "cff" or "none"
    fs_type: int  # OS/2 embedding permissions

    @property
    def primary_family(self) -> str:
        return self.families[0] if self.families else self.path.stem

    @property
    def embeddable(self) -> bool:
        """reportlab subsets a font only if fsType allows it (no 0x0002 alone, no 0x0100/0x0200)."""
        return not (self.fs_type == 0x0002 or self.fs_type & 0x0300)


def _face_info(font, path: Path, index: int) -> _FaceInfo:
    fs_type = font["OS/2"].fsType if "OS/2" in font else 0
    return _info_of(fontdata.family_names(font), fontdata.outline_kind(font), fs_type, path, index)


def _info_of(
    names: list[tuple[int, bool, str]], outlines: str, fs_type: int, path: Path, index: int
) -> _FaceInfo:
    """A face's facts from its names ``(name ID, Windows English, text)`` of IDs 1, 16, 17."""
    ranked = sorted(((nid, 0 if english else 1, text) for nid, english, text in names
                     if nid != 17), key=lambda t: (t[0], t[1]))
    sub17 = [text for nid, _, text in names if nid == 17]
    families = tuple(dict.fromkeys(t[2] for t in ranked))
    legacy = tuple(dict.fromkeys(t[2] for t in ranked if t[0] == 1))
    regular = not sub17 or any(s.casefold() in ("regular", "book", "normal") for s in sub17)
    return _FaceInfo(path, index, families, legacy, regular, outlines, fs_type)


def _read_faces(path: Path) -> list[_FaceInfo]:
    """Name-table facts for every face in ``path`` (empty if it is not a readable font)."""
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        with path.open("rb") as f:
            tag = f.read(4)
        if tag == b"ttcf":
            with TTCollection(str(path), lazy=True) as coll:
                return [_face_info(font, path, i) for i, font in enumerate(coll.fonts)]
        with TTFont(str(path), lazy=True) as font:
            return [_face_info(font, path, 0)]
    except (OSError, TTLibError, ValueError, KeyError, IndexError, AssertionError, EOFError):
        return []
    except Exception:  # a malformed font must never stop the scan
        return []


_LOCK = threading.RLock()
_FILE_CACHE: dict[tuple[str, int, int], list[_FaceInfo]] = {}
_DIR_CACHE: dict[str, list[Path]] = {}


def _font_files(folder: Path) -> list[Path]:
    key = str(folder)
    with _LOCK:
        hit = _DIR_CACHE.get(key)
    if hit is not None:
        return hit
    files: list[Path] = []
    if folder.is_dir():
        seen: set[str] = set()
        for root, dirnames, filenames in os.walk(folder, followlinks=True):
            real = os.path.realpath(root)
            if real in seen:  # a symlink loop or a folder linked twice
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames.sort()
            for fn in sorted(filenames):
                if os.path.splitext(fn)[1].lower() in FONT_SUFFIXES:
                    files.append(Path(root) / fn)
    with _LOCK:
        _DIR_CACHE[key] = files
    return files


def _faces_in(path: Path) -> list[_FaceInfo]:
    try:
        st = path.stat()
    except OSError:
        return []
    key = (str(path), st.st_mtime_ns, st.st_size)
    with _LOCK:
        hit = _FILE_CACHE.get(key)
    if hit is not None:
        return hit
    faces = _read_faces(path)
    with _LOCK:
        _FILE_CACHE[key] = faces
    return faces


def _scan(dirs: Iterable[Path]) -> dict[str, list[_FaceInfo]]:
    """Installed faces by normalised family name, in folder order."""
    by_family: dict[str, list[_FaceInfo]] = {}
    for d in dirs:
        for path in _font_files(d):
            for face in _faces_in(path):
                for fam in face.families:
                    lst = by_family.setdefault(_norm(fam), [])
                    if face not in lst:
                        lst.append(face)
    return by_family


# --------------------------------------------------------------------------------------------
# Coverage data (cmap, advances), loaded lazily once per face and process


def _metrics(face: ResolvedFont) -> FaceData:
    """The face's glyph facts (:mod:`gongwen.fontdata`), read once per process."""
    try:
        return face_data(face.path, face.subfont_index)
    except FontError:
        raise
    except Exception as e:
        raise FontError(f"{face.path}: 无法读取字体（第 {face.subfont_index} 个字面）：{e}") from e


# --------------------------------------------------------------------------------------------
# FontSet


class FontSet:
    """Resolved faces for the five roles plus fallback faces; coverage and metrics.

    Fallback chain for a role: the role's face; the bundled face of that role when the role
    face is an installed official font (official fonts such as 仿宋_GB2312 cover GB 2312 only);
    then the bundled fallback faces (:attr:`fallbacks`).
    """

    def __init__(
        self,
        mode: FontMode,
        roles: dict[FontRole, ResolvedFont],
        substitutes: dict[FontRole, ResolvedFont],
        fallbacks: Sequence[ResolvedFont],
        docx: dict[FontRole, tuple[str, tuple[str, ...]]],
    ):
        self.mode: FontMode = mode
        self._roles = dict(roles)
        self._substitutes = dict(substitutes)
        self._fallbacks = tuple(fallbacks)
        self._docx = dict(docx)
        self._placed: dict[tuple[str, str], tuple[ResolvedFont, int, int, int]] = {}
        self._chains = {
            r: tuple(
                dict.fromkeys(
                    [roles[r], *([substitutes[r]] if r in substitutes else []), *self._fallbacks]
                )
            )
            for r in FontRole
        }

    def __repr__(self) -> str:
        inner = ", ".join(f"{r.value}={f.family!r}" for r, f in self._roles.items())
        return f"FontSet(mode={self.mode!r}, {inner})"

    def face(self, role: FontRole) -> ResolvedFont:
        return self._roles[FontRole(role)]

    @property
    def fallbacks(self) -> tuple[ResolvedFont, ...]:
        """The bundled fallback faces shared by all roles, in order."""
        return self._fallbacks

    def substitute(self, role: FontRole) -> ResolvedFont | None:
        """The bundled face standing in for an official role face's missing characters."""
        return self._substitutes.get(FontRole(role))

    def chain(self, role: FontRole) -> tuple[ResolvedFont, ...]:
        """Faces tried for a character of ``role``, in order (the role face first)."""
        return self._chains[FontRole(role)]

    def faces(self) -> list[ResolvedFont]:
        """Role faces (in FontRole order), then fallback faces; each file/face once."""
        out: list[ResolvedFont] = []
        seen: set[tuple[Path, int]] = set()
        every = [
            *(self._roles[r] for r in FontRole),
            *(self._substitutes[r] for r in FontRole if r in self._substitutes),
            *self._fallbacks,
        ]
        for f in every:
            k = (f.path, f.subfont_index)
            if k not in seen:
                seen.add(k)
                out.append(f)
        return out

    def has_glyph(self, face: ResolvedFont, ch: str) -> bool:
        """True if the face's cmap maps ``ch`` (one character) to a glyph other than glyph 0."""
        if len(ch) != 1:
            raise ValueError(f"has_glyph wants one character, got {ch!r}")
        return ord(ch) in _metrics(face).cmap

    def char_face(self, role: FontRole, ch: str) -> tuple[ResolvedFont, int, int, int]:
        """How layout sets ``ch`` in ``role``, once per process: ``(face, units, upem,
        status)``: the face that draws it, its advance in that face's units per em, and
        :data:`HAS` (the role face has it), :data:`FALLBACK` (a fallback face, the one
        returned, has it) or :data:`MISSING` (no face has it: the role face draws glyph 0).
        Whitespace is drawn from the role face, unchecked."""
        key = (role, ch)
        hit = self._placed.get(key)
        if hit is None:
            primary = self.face(role)
            found = primary if ch.isspace() else self.face_for(role, ch)
            if found is None:
                face, status = primary, MISSING
            elif found.key != primary.key:
                face, status = found, FALLBACK
            else:
                face, status = primary, HAS
            m = _metrics(face)
            hit = self._placed[key] = (face, m.advance(ord(ch)), m.upem, status)
        return hit

    def face_for(self, role: FontRole, ch: str) -> ResolvedFont | None:
        """The role's face if it has ``ch``, else the first fallback that has it, else None."""
        if len(ch) != 1:
            raise ValueError(f"face_for wants one character, got {ch!r}")
        cp = ord(ch)
        for f in self._chains[FontRole(role)]:
            if cp in _metrics(f).cmap:
                return f
        return None

    def advance(self, face: ResolvedFont, ch: str, size: float) -> float:
        """Advance width of ``ch`` in pt at ``size`` pt, from hmtx.

        A character the face lacks gets the width of glyph 0 (.notdef), which is what a
        renderer would draw; use :meth:`face_for` first to avoid that.
        """
        m = _metrics(face)
        return m.advance(ord(ch)) * size / m.upem

    def missing(self, role: FontRole, text: str) -> list[str]:
        """Characters of ``text`` the role face lacks, each once in first-seen order.

        Whitespace is ignored. A missing character may still be drawn from a fallback face
        (see :meth:`face_for`).
        """
        cmap = _metrics(self.face(role)).cmap
        return [ch for ch in dict.fromkeys(text) if not ch.isspace() and ord(ch) not in cmap]

    def unsupported(self, role: FontRole, text: str) -> list[str]:
        """Characters of ``text`` that no face in the role's chain has (whitespace ignored)."""
        return [
            ch for ch in dict.fromkeys(text) if not ch.isspace() and self.face_for(role, ch) is None
        ]

    def docx_names(self, role: FontRole) -> tuple[str, tuple[str, ...]]:
        """Family name to write into a DOCX, and alternates (for ``w:altName`` etc.).

        Modes auto/official: the installed official family if one was found, else the first
        official name of the manifest (the reader's Word resolves it); alternates are the
        other official names, then the bundled family. Mode open: the bundled family (its
        Windows legacy family name, which needs no bold/italic flags) and its other names.
        """
        return self._docx[FontRole(role)]


# --------------------------------------------------------------------------------------------
# Resolution


def _bundled_face(
    folder: Path, filename: str, role: FontRole | None, key: str, reason: str
) -> tuple[ResolvedFont, _FaceInfo]:
    path = folder / filename
    if not path.is_file():
        raise FontError(
            f"{path}: 缺少自带字体"
            + (f"（{role_label(role)}）" if role else "")
            + f"；请用 python3 {folder / 'build.py'} 重新生成，或设置环境变量 {ENV_BUNDLED}"
        )
    try:
        data = face_data(path, 0)
    except Exception as e:
        raise FontError(f"{path}: 无法读取自带字体：{e}") from e
    info = _info_of(data.names, data.outlines, data.fs_type, path, 0)
    if info.outlines != "glyf":
        raise FontError(f"{path}: 自带字体没有 TrueType 轮廓")
    return ResolvedFont(role, info.primary_family, path, 0, False, reason, key), info


def _official_key(role: FontRole, info: _FaceInfo) -> str:
    digest = hashlib.sha1(f"{info.path}|{info.index}".encode()).hexdigest()[:8]
    return f"gw-{role.value}-{digest}"


def _where(info: _FaceInfo) -> str:
    return f"{info.path}" + (f"（第 {info.index} 个字面）" if info.index else "")


def _find_official(
    role: FontRole, candidates: Sequence[str], installed: dict[str, list[_FaceInfo]]
) -> tuple[ResolvedFont | None, list[str]]:
    notes: list[str] = []
    for name in candidates:
        for info in installed.get(_norm(name), ()):
            if info.outlines != "glyf":
                kind = "CFF 轮廓" if info.outlines == "cff" else "没有轮廓"
                notes.append(f"{name}：{_where(info)} 是{kind}，PDF 需要 TrueType 轮廓，未用")
                continue
            if not info.embeddable:
                notes.append(
                    f"{name}：{_where(info)} 不许嵌入或子集化"
                    f"（OS/2 fsType 0x{info.fs_type:04X}），未用"
                )
                continue
            family = next((f for f in info.families if _norm(f) == _norm(name)), name)
            reason = f"已安装公文字体 {family}"
            if notes:
                reason += "；" + "；".join(notes)
            key = _official_key(role, info)
            return ResolvedFont(role, family, info.path, info.index, True, reason, key), notes
    return None, notes


def _open_docx_names(info: _FaceInfo) -> tuple[str, tuple[str, ...]]:
    primary = info.legacy[0] if info.legacy else info.primary_family
    alts = [f for f in info.legacy if f != primary]
    if info.typographic_regular:
        alts += [f for f in info.families if f not in info.legacy and f != primary]
    return primary, tuple(dict.fromkeys(alts))


def _resolve(mode: FontMode, dirs: tuple[Path, ...], strict: bool) -> FontSet:
    folder = bundled_dir()
    manifest = _load_manifest(folder)
    installed = _scan(dirs) if mode != "open" else {}

    roles: dict[FontRole, ResolvedFont] = {}
    substitutes: dict[FontRole, ResolvedFont] = {}
    docx: dict[FontRole, tuple[str, tuple[str, ...]]] = {}
    errors: list[str] = []
    for role in FontRole:
        cands = manifest.official[role]
        key = f"gw-{role.value}"
        chosen: ResolvedFont | None = None
        if mode == "open":
            reason = "open 模式：自带字体"
        else:
            chosen, notes = _find_official(role, cands, installed)
            if chosen is None:
                short = "、".join(cands[:2]) + (f" 等 {len(cands)} 种" if len(cands) > 2 else "")
                if mode == "official" and strict:
                    extra = ("；" + "；".join(notes)) if notes else ""
                    errors.append(f"{role_label(role)}（找过 {short or '无'}）{extra}")
                reason = f"自带字体；未安装公文字体（找过 {short or '无'}）"
                if notes:
                    reason += "；" + "；".join(notes)
        if chosen is None:
            chosen, info = _bundled_face(folder, manifest.bundled[role], role, key, reason)
        else:
            why = f"自带{role_label(role)}，补 {chosen.family} 缺的字"
            sub, info = _bundled_face(folder, manifest.bundled[role], role, key, why)
            substitutes[role] = sub
        roles[role] = chosen
        bundled_primary, bundled_alts = _open_docx_names(info)
        if mode == "open":
            docx[role] = (bundled_primary, bundled_alts)
        else:
            primary = chosen.family if chosen.official else (cands[0] if cands else bundled_primary)
            alts = [c for c in cands if _norm(c) != _norm(primary)]
            if all(_norm(bundled_primary) != _norm(a) for a in [primary, *alts]):
                alts.append(bundled_primary)
            docx[role] = (primary, tuple(alts))

    if errors:
        raise FontError(
            f"{option('fonts', 'official')} {option('strict', True)}: 缺少可用的公文字体："
            + "；".join(errors)
            + f"。找过的文件夹：{'、'.join(map(str, dirs)) or '（无）'}"
            + f"；可把字体放进其中之一，或用环境变量 {ENV_FONT_DIRS} 指定文件夹"
        )
    fallbacks = [
        _bundled_face(
            folder,
            fn,
            None,
            f"gw-fallback-{i}",
            f"自带备用字体（第 {i + 1} 种），补各角色字体缺的字",
        )[0]
        for i, fn in enumerate(manifest.fallback)
    ]
    return FontSet(mode, roles, substitutes, fallbacks, docx)


def fontconfig_rules() -> str:
    """fontconfig rules (``<alias>`` and ``<match>`` elements, without the ``<fontconfig>``
    wrapper) that make every official family name of ``fonts.toml`` fall back to its role's
    bundled face where that family is not installed, so a DOCX naming 仿宋_GB2312 shows
    FandolFang (and 方正小标宋简体 FandolSong Bold, 黑体 FandolHei …) in LibreOffice or any
    fontconfig program; an installed official font still wins. A bundled face whose
    typographic family is another face's family (FandolSong Bold's “FandolSong”) is seen by
    its own family only, so that asking for one never gives the other."""
    folder = bundled_dir()
    manifest = _load_manifest(folder)
    primary: dict[FontRole, str] = {}
    infos: dict[FontRole, _FaceInfo] = {}
    for role in FontRole:
        faces = _faces_in(folder / manifest.bundled[role])
        if not faces:
            continue
        infos[role] = faces[0]
        primary[role] = _open_docx_names(faces[0])[0]
    lines: list[str] = []
    for role, info in infos.items():
        others = {primary[r] for r in infos if r is not role}
        if others & (set(info.families) - {primary[role]}):
            name = _xml_text(primary[role])
            lines.append(
                f'<match target="scan"><test name="family"><string>{name}</string></test>'
                f'<edit name="family" mode="assign_replace"><string>{name}</string></edit>'
                '<edit name="style" mode="assign_replace"><string>Regular</string></edit>'
                "</match>")
    for role in FontRole:
        if role not in primary:
            continue
        target = _xml_text(primary[role])
        for name in manifest.official[role]:
            lines.append(f'<alias binding="same"><family>{_xml_text(name)}</family>'
                         f"<accept><family>{target}</family></accept></alias>")
    return "\n".join(lines)


def fontconfig_conf(font_dirs: Sequence[Path] = (), cachedir: Path | None = None) -> str:
    """A complete fonts.conf: the system's configuration, ``font_dirs`` (the bundled folder
    when empty), :func:`fontconfig_rules`, and ``cachedir`` if given."""
    dirs = list(font_dirs) or [bundled_dir()]
    body = ['  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    body += [f"  <dir>{_xml_text(str(d))}</dir>" for d in dirs]
    if cachedir is not None:
        body.append(f"  <cachedir>{_xml_text(str(cachedir))}</cachedir>")
    body += ["  " + line for line in fontconfig_rules().splitlines()]
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
            + "\n".join(body) + "\n</fontconfig>\n")


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def role_label(role: FontRole) -> str:
    """The Chinese name of a role, e.g. 仿宋."""
    from gongwen.spec import FONT_ROLE_NAMES

    return FONT_ROLE_NAMES.get(role, role.value)


_FONTSETS: dict[tuple, FontSet] = {}


def load_fontset(
    mode: FontMode = "auto", font_dirs: Sequence[Path] = (), strict: bool = False
) -> FontSet:
    """The FontSet for ``mode``; cached per (mode, dirs, strict) for the process.

    ``font_dirs`` are searched first, then ``$GONGWEN_FONT_DIRS``, then the user and system
    font folders (ignored under mode ``"open"``). ``strict`` matters only under mode
    ``"official"``: then a role without a usable official font raises :class:`FontError`
    naming every such role and the families tried.
    """
    if mode not in FONT_MODES:
        raise FontError(unknown_choice(option("fonts"), mode, FONT_MODES))
    dirs = tuple(search_dirs(font_dirs)) if mode != "open" else ()
    key = (mode, dirs, bool(strict), str(bundled_dir()))
    with _LOCK:
        hit = _FONTSETS.get(key)
    if hit is not None:
        return hit
    fs = _resolve(mode, dirs, bool(strict))
    with _LOCK:
        return _FONTSETS.setdefault(key, fs)


def clear_caches() -> None:
    """Forget scans, loaded metrics and font sets (for tests and long-running processes)."""
    with _LOCK:
        _FILE_CACHE.clear()
        _DIR_CACHE.clear()
        fontdata.clear()
        _FONTSETS.clear()


# --------------------------------------------------------------------------------------------
# reportlab


def tounicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """A ToUnicode CMap for a reportlab subset, with code points beyond U+FFFF written as
    UTF-16 surrogate pairs (reportlab ≤ 5.1 writes ``<201D4>``, which readers misparse)."""

    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
        f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(cp)}>" for i, cp in enumerate(subset)),
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


def patch_reportlab() -> None:
    """Make reportlab write correct ToUnicode entries for CJK Ext B–F characters (fallback
    faces), so that text extraction gives them back. Idempotent; call before drawing."""
    from reportlab.pdfbase import ttfonts

    ttfonts.makeToUnicodeCMap = tounicode_cmap


def fonts_report(fontset: FontSet) -> list[tuple[str, str, str, str]]:
    """Rows (role, family, file, reason) for ``gongwen fonts``: roles, then fallbacks."""
    rows: list[tuple[str, str, str, str]] = []
    for role in FontRole:
        f = fontset.face(role)
        file = str(f.path) + (f" #{f.subfont_index}" if f.subfont_index else "")
        rows.append((role_label(role), f.family, file, f.reason))
    for role in FontRole:
        sub = fontset.substitute(role)
        if sub is not None:
            rows.append((f"{role_label(role)}（补字）", sub.family, str(sub.path), sub.reason))
    for i, f in enumerate(fontset.fallbacks, 1):
        rows.append((f"备用 {i}", f.family, str(f.path), f.reason))
    return rows
