"""Where ``-o`` sends output: one rule for every command.

* A command that writes one file (``new``, ``import``, ``schema``, ``diff`` reports, and
  ``render`` when one format is asked) takes ``-o FILE``; ``-o`` naming an existing folder
  puts the file inside it under its usual name.
* A command that writes several files (``render`` with both formats, ``batch``) takes
  ``-o DIR``; the folder is made when missing, and an existing file there is an error.
* ``render -o NAME.pdf`` (or ``.docx``, ``.ofd``: any format's name) without ``--format``
  renders that one format.
* Files the user edits (``new``, ``import``) are never overwritten without ``--force``;
  generated files (PDF, DOCX, reports, schemas) are replaced, each atomically.
"""

from __future__ import annotations

from pathlib import Path

from .errors import GongwenError, option, os_error_text


def output_file(out: Path, usual_name: str, *, force: bool = True) -> Path:
    """The file ``-o out`` names (inside ``out`` when it is an existing folder); with
    ``force=False`` an existing file is an error."""
    target = out / usual_name if out.is_dir() else out
    if not force and target.exists():
        raise GongwenError(f"{target}: 文件已存在；要覆盖请加 {option('force', True)}")
    if target.is_dir():
        raise GongwenError(f"{target}: 是目录；{option('out')} 需要一个文件名")
    return target


def output_folder(out: Path) -> Path:
    """The folder ``-o out`` names, made when missing; an existing file is an error."""
    if out.exists() and not out.is_dir():
        raise GongwenError(f"{out}: 是已有的文件，不是目录；{option('out')} 需要一个目录")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = os_error_text(exc).rsplit(": ", 1)[-1]
        raise GongwenError(f"{out}: 无法创建输出目录（{reason}）") from None
    return out


def render_targets(
    out: Path,
    stem: str,
    formats: tuple[str, ...] | None,
    known: tuple[str, ...],
    default: tuple[str, ...] | None = None,
) -> tuple[tuple[str, ...], dict[str, Path]]:
    """``render``'s formats and output paths for ``-o out``: a folder, or one FILE.<fmt>
    whose suffix is one of the ``known`` formats.

    ``formats`` is None when ``--format`` was not given (then the ``default`` formats are
    rendered, all ``known`` ones without a default, or the one ``out``'s suffix names).
    """
    suffix = out.suffix.lower().lstrip(".")
    if suffix in known and not out.is_dir():
        if formats is None:
            formats = (suffix,)
        if formats != (suffix,):
            asked = ",".join(formats)
            raise GongwenError(
                f"{option('out', out)}: 文件名是 .{suffix}，而 {option('formats')} 是 {asked}；"
                f"一种格式时 {option('out')} 给文件名"
                f"（如 {option('out', out.with_suffix('.' + formats[0]).name)}），"
                f"多种格式时 {option('out')} 给目录"
            )
        if out.parent != Path("") and out.parent.exists() and not out.parent.is_dir():
            raise GongwenError(f"{out.parent}: 是已有的文件，不是目录")
        return formats, {suffix: out}
    formats = formats or default or known
    if out.exists() and not out.is_dir():
        raise GongwenError(
            f"{option('out', out)}: 是已有的文件，不是目录；"
            f"输出 {'、'.join(formats)} 时 {option('out')} 给目录，"
            f"只输出一种时可给 .{formats[0]} 文件名"
        )
    return formats, {fmt: out / f"{stem}.{fmt}" for fmt in formats}
