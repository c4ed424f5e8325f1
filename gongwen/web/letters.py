"""What the web application does with a letter, without HTTP: the public API underneath.

A letter being edited is YAML text (what the YAML tab shows and what is saved) and the plain
data the form edits; :func:`yaml_from_data` writes data as YAML with the project's one YAML
writer (:func:`gongwen.loader.dump_data`), :func:`check_text` reads and validates YAML with
the loader the command line uses, so every message is the one ``gongwen validate`` prints.
Starting a letter (:func:`from_template`, :func:`from_import`, :func:`from_upload`),
exporting, checking and comparing go through ``gongwen.render``, ``gongwen.import_letter``,
``gongwen.check_conformance`` and ``gongwen.compare``; an uploaded file is written to a
private temporary folder and read by the same functions, with the same guards
(:mod:`gongwen.limits`: each kind's size bound, zip and PDF inflation, paragraph counts), as
a file named on the command line.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import gongwen

from .. import limits
from ..errors import GongwenError, LetterError, Problem
from ..loader import MAX_DEPTH, MAX_FILE_BYTES, dump_data, read_text_data
from .form import ordered

DRAFT_NAME = "新信件.yaml"
_SAFE_NAME = re.compile(r"[^\w\u3400-\u9fff\uf900-\ufaff.\-（）()]+")


@dataclass
class Checked:
    """A letter's YAML read and validated: its data (None when the YAML does not parse),
    the problems found (empty when valid) and the loaded letter (None when not valid)."""

    yaml: str
    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    letter: gongwen.LoadedLetter | None = None


def leading_comments(text: str) -> str:
    """The comment lines a YAML text starts with (the ``$schema`` line, a note), kept when
    the text is written again from the form."""
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith("#"):
            out.append(line if line.endswith("\n") else line + "\n")
        else:
            break
    return "".join(out)


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def yaml_from_data(data: Any, previous: str = "") -> str:
    """The form's data as letter YAML, in the model's field order, after the comment lines
    ``previous`` (the YAML before this edit) started with."""
    if not isinstance(data, dict):
        raise GongwenError("信件内容应是字段表")
    if _depth(data) > MAX_DEPTH:
        raise GongwenError(f"嵌套过深（超过 {MAX_DEPTH} 层）")
    text = leading_comments(previous) + (dump_data(ordered(data)) if data else "")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise GongwenError(f"内容太大（上限 {MAX_FILE_BYTES} 字节）")
    return text


def check_text(text: str, name: str, base_dir: Path | None, *, data: bool = True) -> Checked:
    """Read and validate letter YAML as ``gongwen validate`` does (``name`` stands for the
    file in problems; a seal image is looked up in ``base_dir``); ``data``: also the plain
    data, for the form (a form edit already has it)."""
    plain = None
    if data:
        try:
            plain, _ = read_text_data(text, name)
        except LetterError as exc:
            return Checked(text, None, exc.problems)
    try:
        letter = gongwen.loads(text, name=name, base_dir=base_dir)
    except LetterError as exc:
        return Checked(text, plain, exc.problems)
    return Checked(text, plain, [], letter)


def problems_json(problems: list[Problem], level: str = "error") -> list[dict[str, Any]]:
    """Problems for the page: the CLI's line, and its parts to place it at its field."""
    return [{**p.to_json(), "text": str(p), "level": level} for p in problems]


# --------------------------------------------------------------------------------------------
# Uploads


def safe_upload_name(name: str, default: str) -> str:
    """An uploaded file's name without folders and characters file systems refuse."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = _SAFE_NAME.sub("-", base).strip(".-")[:120]
    return base or default


@contextlib.contextmanager
def uploaded(data: bytes, name: str) -> Iterator[Path]:
    """The upload as a file in a private temporary folder, removed afterwards; errors
    raised inside name it by its upload name only (not the temporary folder). The readers
    apply each kind's bound; nothing beyond the largest input gongwen reads is written."""
    if len(data) > limits.MAX_INPUT_BYTES:
        raise limits.InputError(name, f"文件太大（{len(data)} 字节，上限 "
                                      f"{limits.MAX_INPUT_BYTES // limits.MiB} MiB）")
    with tempfile.TemporaryDirectory(prefix="gongwen-web-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        try:
            yield path
        except GongwenError as exc:
            raise _renamed(exc, tmp) from None


def _renamed(exc: GongwenError, tmp: str) -> GongwenError:
    prefix = tmp + os.sep
    if isinstance(exc, LetterError):
        return LetterError([Problem(p.file.replace(prefix, ""), p.line, p.column, p.field,
                                    p.message.replace(prefix, "")) for p in exc.problems])
    return GongwenError(str(exc).replace(prefix, ""))


def from_upload(data: bytes, name: str) -> str:
    """An uploaded letter YAML as text (UTF-8 or GB18030, like a letter file); a file of
    another kind is refused with the loader's words."""
    from ..filetype import ELSEWHERE, decode_text, kind_message, sniff

    if len(data) > MAX_FILE_BYTES:
        raise limits.InputError(name, f"信件文件太大（{len(data)} 字节，上限 "
                                      f"{MAX_FILE_BYTES // limits.MiB} MiB）")
    kind = sniff(Path(name), data)
    if kind not in ("yaml", "text"):
        message = kind_message(kind, "信件应是 YAML 文件（.yaml）", ELSEWHERE.get(kind, ""))
        if kind == "docx":
            message = kind_message(kind, "信件应是 YAML 文件（.yaml）", "从 DOCX 导入请用“导入”")
        raise GongwenError(f"{name}: {message}")
    return decode_text(data, name, "信件应是 YAML 文件（.yaml）")


def from_import(data: bytes, name: str, dest: Path) -> tuple[str, list[str]]:
    """A published reply (text or DOCX) imported as letter YAML, with a comment at every
    guess (``gongwen import``); and the guesses, for the page."""
    from ..importer import to_yaml

    with uploaded(data, name) as path:
        result = gongwen.import_letter(path)
        text = to_yaml(result, dest)
    return text, [g.message for g in result.guesses]


def from_template(kind: str, values: dict[str, str], dest: Path,
                  template_dirs: list[Path]) -> str:
    """A new letter from template ``kind`` (``gongwen new``): its YAML text."""
    from ..templates import find_template, render_template

    info = find_template(kind, template_dirs)
    missing = [v for v in info.variables if v.required and not values.get(v.name, "").strip()]
    if missing:
        names = "、".join(v.label or v.name for v in missing)
        raise GongwenError(f"模板 {kind}: 请填写 {names}")
    given = {k: v for k, v in values.items() if v.strip()}
    unknown = sorted(set(given) - {v.name for v in info.variables})
    if unknown:
        raise GongwenError(f"模板 {kind}: 没有变量 {'、'.join(unknown)}")
    text, _letter = render_template(kind, given, template_dirs, dest=dest)
    return text


# --------------------------------------------------------------------------------------------
# Outputs, check, diff


def export(letter: gongwen.LoadedLetter, fmt: str, fonts: str) -> tuple[str, bytes, str]:
    """The letter in format ``fmt``: (file name, bytes, media type); a format written page
    by page comes as a ZIP of its pages."""
    from ..export import file_names

    rendered = gongwen.render(letter, [fmt], fonts=fonts)
    output = rendered.outputs[fmt]
    files = file_names(letter.name, fmt, output)
    if len(files) == 1 and isinstance(output, bytes):
        name, data = files[0]
        return name, data, MEDIA_TYPES.get(fmt, "application/octet-stream")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, data, zipfile.ZIP_DEFLATED)
    return f"{letter.name}-{fmt}.zip", buffer.getvalue(), "application/zip"


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "svg": "image/svg+xml",
    "ofd": "application/ofd",
    "yaml": "application/yaml; charset=utf-8",
}


def check(letter: gongwen.LoadedLetter, fonts: str) -> dict[str, Any]:
    """``gongwen check`` of the letter's PDF: the report (``gongwen-check`` JSON), each
    finding with the box of the line it points at (page coordinates, points)."""
    from ..read.pdf import read_pdf_geometry

    pdf = gongwen.render(letter, ["pdf"], fonts=fonts).outputs["pdf"]
    assert isinstance(pdf, bytes)
    report = gongwen.check_conformance(pdf, letter_format=letter.letter.format == "letter")
    report.file = letter.name + ".pdf"
    result = report.to_dict()
    geometry = read_pdf_geometry(pdf, report.file)
    for finding in result["findings"]:
        finding["box"] = None
        page, line = finding.get("page"), finding.get("line")
        if page and line and 0 < page <= len(geometry.pages):
            for ln in geometry.pages[page - 1].lines:
                if ln.index == line and ln.glyphs:
                    finding["box"] = {
                        "x0": min(g.x0 for g in ln.glyphs), "x1": max(g.x1 for g in ln.glyphs),
                        "top": min(g.top for g in ln.glyphs),
                        "bottom": max(g.bottom for g in ln.glyphs),
                    }
    return result


def diff_html(yaml_text: str, letter_name: str, reference: bytes, reference_name: str,
              *, layout: bool, fonts: str) -> tuple[str, bool]:
    """The HTML diff report (``gongwen diff -f html``) of the letter against an uploaded
    reference (YAML, DOCX, PDF or text), and whether they are the same."""
    import dataclasses

    from ..diff import render_html

    with uploaded(reference, reference_name) as ref_path:
        folder = ref_path.parent / "letter"
        folder.mkdir()
        letter_path = folder / letter_name
        letter_path.write_text(yaml_text, encoding="utf-8")
        result = gongwen.compare(letter_path, ref_path, layout=layout, fonts=fonts)
        result.a = dataclasses.replace(result.a, path=letter_name)
        result.b = dataclasses.replace(result.b, path=reference_name)
        return render_html(result), result.identical
