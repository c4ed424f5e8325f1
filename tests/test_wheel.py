"""The wheel: built from the checkout, installed into a fresh virtual environment, it renders
the reference letter from a folder outside the repository, with its own fonts, templates and
JSON Schema.

The environment borrows the test machine's installed dependencies through a ``.pth`` file
that lists their folders (no download), so the interpreter's own ``.pth`` files, among them
an editable install of gongwen, are never run there: the only gongwen it can import is the
wheel's. Every gongwen module the run loaded is checked to come from that environment.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from . import pdf_checks as pc
from .conftest import REFERENCE_TEXT, REFERENCE_YAML, ROOT
from .test_templates import COMMON, EXPECTED_TITLE, KIND_VARS

SHIPPED = {"fonts": "_fonts", "templates": "_templates", "schema": "_schema"}
NOT_IN_CHECKOUT = shutil.ignore_patterns(
    ".git", "__pycache__", "*.egg-info", "build", "dist", "out", ".*_cache", ".hypothesis"
)


def _checkout_files() -> list[str] | None:
    """The checkout's files (tracked and new, not ignored), or None outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True, timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [f for f in out.decode().split("\0") if f and (ROOT / f).is_file()]


def _copy_checkout(dest: Path) -> Path:
    """A clean copy of the checkout: no build/ or egg-info left over from an earlier build."""
    files = _checkout_files()
    if files is None:
        shutil.copytree(ROOT, dest, ignore=NOT_IN_CHECKOUT)
        return dest
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def _clean_env() -> dict[str, str]:
    """The environment without anything that points Python or gongwen at the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP") and not k.startswith("GONGWEN_")}
    return env | {"PYTHONDONTWRITEBYTECODE": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _run(args: list[str | Path], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_clean_env(),
        capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _pip(*args: str | Path, cwd: Path) -> None:
    _run([sys.executable, "-m", "pip", *args], cwd)


def _fresh_venv(path: Path, cwd: Path) -> Path:
    """A new virtual environment that finds this machine's installed packages (the
    dependencies) as plain folders on sys.path, without running their ``.pth`` files."""
    _run([sys.executable, "-m", "venv", "--without-pip", path], cwd)
    python = path / "bin" / "python"
    host = [*site.getsitepackages(), site.getusersitepackages()]
    (_purelib(python) / "zz_host_packages.pth").write_text(
        "".join(f"{d}\n" for d in host if Path(d).is_dir()), encoding="utf-8"
    )
    return python


def _purelib(python: Path) -> Path:
    """The environment's site-packages."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(_run([python, "-c", code], Path(sysconfig.get_paths()["stdlib"])).stdout.strip())


def _provenance(python: Path, cwd: Path) -> dict:
    return json.loads(_run([python, "-c", PROVENANCE], cwd).stdout)


# imports every module of the package, then says where it and its shipped folders came from
PROVENANCE = """
import importlib, json, pkgutil, sys
import gongwen
for module in pkgutil.walk_packages(gongwen.__path__, "gongwen."):
    if not module.name.startswith("gongwen._"):
        importlib.import_module(module.name)
from gongwen import bundled, fonts, templates
fontset = fonts.load_fontset("open")
print(json.dumps({
    "fonts": str(fonts.bundled_dir()),
    "templates": str(templates.BUILTIN_DIR),
    "schema": str(bundled.schema_file()),
    "faces": sorted({str(face.path) for face in fontset.faces()}),
    "modules": sorted({m.__file__ for n, m in list(sys.modules.items())
                       if n.split(".")[0] == "gongwen" and getattr(m, "__file__", None)}),
    "path": sys.path,
}))
"""


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("wheel")
    assert not path.resolve().is_relative_to(ROOT)
    return path


@pytest.fixture(scope="module")
def source(work) -> Path:
    return _copy_checkout(work / "src")


@pytest.fixture(scope="module")
def wheel(work, source) -> Path:
    _pip("wheel", "--no-deps", "-q", "-w", work / "dist", source, cwd=work)
    (built,) = (work / "dist").glob("gongwen-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(work, wheel) -> Path:
    """The venv's python, with the wheel installed."""
    python = _fresh_venv(work / "venv", work)
    _pip("--python", python, "install", "-q", "--no-deps", "--ignore-installed", wheel, cwd=work)
    return python


def test_wheel_holds_code_fonts_templates_and_schemas(wheel, source):
    names = set(zipfile.ZipFile(wheel).namelist())
    code = {p.relative_to(source).as_posix() for p in (source / "gongwen").rglob("*")
            if p.suffix in (".py", ".json", ".typed")}
    assert code <= names, sorted(code - names)
    for folder, package in SHIPPED.items():
        shipped = {p.name for p in (source / folder).iterdir()
                   if p.suffix in (".ttf", ".j2", ".json", ".toml") or p.name.startswith("COPYING")}
        assert shipped, folder
        inside = {n.removeprefix(f"gongwen/{package}/") for n in names
                  if n.startswith(f"gongwen/{package}/")}
        assert shipped <= inside, (folder, sorted(shipped - inside))
    metadata = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    ).decode()
    assert "gongwen = gongwen.cli:main" in metadata


def _empty_dir(work: Path, name: str) -> Path:
    path = work / name
    path.mkdir()
    return path


def test_installed_wheel_uses_only_itself(installed, work):
    purelib = _purelib(installed)
    found = _provenance(installed, _empty_dir(work, "provenance"))
    assert not any(Path(p).resolve().is_relative_to(ROOT) for p in found["path"] if p)
    assert found["modules"] and all(Path(m).is_relative_to(purelib) for m in found["modules"])
    gongwen = purelib / "gongwen"
    assert Path(found["fonts"]) == gongwen / "_fonts"
    assert Path(found["templates"]) == gongwen / "_templates"
    assert Path(found["schema"]) == gongwen / "_schema" / "letter.schema.json"
    assert found["faces"] and all(Path(f).parent == gongwen / "_fonts" for f in found["faces"])


def test_installed_wheel_renders_the_reference_letter(installed, work):
    here = _empty_dir(work, "elsewhere")
    shutil.copy(REFERENCE_YAML, here / REFERENCE_YAML.name)
    script = installed.parent / "gongwen"
    formats = ["--format", "pdf,docx,ofd", "--pdfa"]
    _run([script, "render", REFERENCE_YAML.name, "-o", "out", "--fonts", "open", *formats], here)
    pdf_path = here / "out" / f"{REFERENCE_YAML.stem}.pdf"
    docx_path = here / "out" / f"{REFERENCE_YAML.stem}.docx"
    ofd_path = here / "out" / f"{REFERENCE_YAML.stem}.ofd"

    with pc.open_pdf(pdf_path) as pdf:
        assert len(pdf.pages) == 6
        assert pc.text_diff(REFERENCE_TEXT.read_text(encoding="utf-8"), pc.extracted_text(pdf)) is None
        fonts = {pc.base_font(c["fontname"]) for p in pdf.pages for c in p.chars}
    assert {"FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular"} <= fonts

    document = docx.Document(str(docx_path))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    body = document.element.body  # table cells too (the 署名 block is a table)
    text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                     for p in body.iter(qn("w:p")))
    assert "株洲市发展和改革委员会" in text and "2022年9月29日" in text

    # the checkout renders the same letter to the same bytes
    _run([sys.executable, ROOT / "render.py", REFERENCE_YAML, "-o", work / "checkout", "--fonts", "open",
          *formats], work)
    for path in (pdf_path, docx_path, ofd_path):
        assert path.read_bytes() == (work / "checkout" / path.name).read_bytes(), path.name


def test_installed_wheel_writes_a_letter_from_a_template(installed, work):
    here = _empty_dir(work, "drafts")
    sets = [a for k, v in {**KIND_VARS["proposal"], **COMMON}.items() for a in ("--set", f"{k}={v}")]
    script = installed.parent / "gongwen"
    _run([script, "new", "proposal", "-o", "letters/x.yaml", *sets], here)
    _run([script, "validate", "letters/x.yaml"], here)
    letter = (here / "letters" / "x.yaml").read_text(encoding="utf-8")
    assert EXPECTED_TITLE["proposal"] in letter
    # a portable reference: the schema written beside the letter, never into the install folder
    schema = here / "letters" / letter.splitlines()[0].split("$schema=", 1)[1]
    assert schema == here / "letters" / "letter.schema.json"
    assert schema.read_bytes() == (ROOT / "schema" / "letter.schema.json").read_bytes()


def test_editable_install_uses_the_checkouts_folders(work, source):
    python = _fresh_venv(work / "editable", work)
    _pip("--python", python, "install", "-q", "--no-deps", "--ignore-installed", "-e", source, cwd=work)
    found = _provenance(python, _empty_dir(work, "editable-provenance"))
    assert found["modules"] and all(Path(m).is_relative_to(source / "gongwen") for m in found["modules"])
    assert Path(found["fonts"]) == source / "fonts"
    assert Path(found["templates"]) == source / "templates"
    assert Path(found["schema"]) == source / "schema" / "letter.schema.json"
    assert found["faces"] and all(Path(f).parent == source / "fonts" for f in found["faces"])
