"""Which GB/T 9704 font role a font name (PDF BaseFont or DOCX rFonts) stands for.

Names are matched after normalisation (subset prefix ``ABCDEF+`` dropped, case and spaces,
hyphens and underscores ignored): first against the families of the fontset (bundled Fandol
faces and any installed official font, with their DOCX names), then against the official
names of ``fonts/fonts.toml`` and common PostScript names. A name that is a known Western
face (Calibri, Times New Roman, MS Mincho …) maps to ``None`` and is reported as such.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..read.pdf import base_name
from ..spec import FontRole

if TYPE_CHECKING:  # pragma: no cover
    from ..fonts import FontSet

# Normalised substrings, most specific first: 小标宋 before 宋体, bold Fandol Song before regular.
_KEYWORDS: tuple[tuple[str, FontRole], ...] = (
    ("xiaobiaosong", FontRole.XIAOBIAOSONG),
    ("小标宋", FontRole.XIAOBIAOSONG),
    ("fzxbs", FontRole.XIAOBIAOSONG),
    ("xbsj", FontRole.XIAOBIAOSONG),
    ("zhongsong", FontRole.XIAOBIAOSONG),
    ("中宋", FontRole.XIAOBIAOSONG),
    ("fandolsongbold", FontRole.XIAOBIAOSONG),
    ("fangsong", FontRole.FANGSONG),
    ("仿宋", FontRole.FANGSONG),
    ("fandolfang", FontRole.FANGSONG),
    ("fzfs", FontRole.FANGSONG),
    ("simfang", FontRole.FANGSONG),
    ("kaiti", FontRole.KAITI),
    ("楷体", FontRole.KAITI),
    ("fandolkai", FontRole.KAITI),
    ("simkai", FontRole.KAITI),
    ("fzkai", FontRole.KAITI),
    ("stkai", FontRole.KAITI),
    ("heiti", FontRole.HEITI),
    ("黑体", FontRole.HEITI),
    ("simhei", FontRole.HEITI),
    ("fandolhei", FontRole.HEITI),
    ("fzhei", FontRole.HEITI),
    ("fzht", FontRole.HEITI),
    ("sourcehansans", FontRole.HEITI),
    ("notosanscjk", FontRole.HEITI),
    ("simsun", FontRole.SONGTI),
    ("宋体", FontRole.SONGTI),
    ("songti", FontRole.SONGTI),
    ("stsong", FontRole.SONGTI),
    ("fzss", FontRole.SONGTI),
    ("fzshusong", FontRole.SONGTI),
    ("fandolsong", FontRole.SONGTI),
    ("sourcehanserif", FontRole.SONGTI),
    ("notoserifcjk", FontRole.SONGTI),
)

WESTERN_HINTS = (
    "calibri",
    "cambria",
    "times",
    "arial",
    "helvetica",
    "courier",
    "mincho",
    "明朝",
    "gothic",
    "ゴシック",
    "georgia",
    "verdana",
    "symbol",
    "liberation",
    "dejavu",
    "segoe",
    "aptos",
)


def normalise(name: str) -> str:
    """Lower-case, no subset prefix, no spaces, hyphens, underscores or commas."""
    return re.sub(r"[\s\-_,]+", "", base_name(name)).casefold()


@lru_cache(maxsize=8)
def _fontset_table(fontset: FontSet) -> tuple[tuple[str, FontRole], ...]:
    rows: list[tuple[str, FontRole]] = []
    for role in FontRole:
        names: list[str] = []
        for face in (fontset.face(role), fontset.substitute(role)):
            if face is None:
                continue
            names.append(face.family)
            names.append(face.path.stem)
        primary, alts = fontset.docx_names(role)
        names += [primary, *alts]
        rows += [(normalise(n), role) for n in names if n]
    # longest first: "fandolsongbold" must win over "fandolsong"
    rows.sort(key=lambda r: -len(r[0]))
    return tuple(dict.fromkeys(rows))


@lru_cache(maxsize=1)
def _manifest_table() -> tuple[tuple[str, FontRole], ...]:
    import tomllib

    from ..fonts import MANIFEST, bundled_dir

    try:
        data = tomllib.loads((bundled_dir() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return ()
    rows = []
    for role in FontRole:
        for name in data.get("roles", {}).get(role.value, {}).get("official", ()):
            rows.append((normalise(name), role))
    rows.sort(key=lambda r: -len(r[0]))
    return tuple(rows)


def font_role(name: str, fontset: FontSet | None = None) -> FontRole | None:
    """The role ``name`` stands for, or None (Western or unknown face)."""
    if not name:
        return None
    key = normalise(name)
    if fontset is not None:
        for n, role in _fontset_table(fontset):
            if n and (key == n or key.startswith(n)):
                return role
    for n, role in _manifest_table():
        if key == n or key.startswith(n):
            return role
    for word, role in _KEYWORDS:
        if word in key:
            return role
    return None


def is_western(name: str) -> bool:
    key = normalise(name)
    return any(h in key for h in WESTERN_HINTS)


def role_name(role: FontRole | None) -> str:
    from ..spec import FONT_ROLE_NAMES

    return FONT_ROLE_NAMES[role] if role is not None else "非公文字体"
