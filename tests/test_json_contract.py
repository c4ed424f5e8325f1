"""Every JSON output (batch --report, diff --format json, check --format json, check --rules
--format json) carries its kind and version the same way and validates against its JSON
Schema shipped in the package."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from gongwen import schemas
from gongwen.cli import app

from .conftest import EXAMPLE_LETTER, REFERENCE_TEXT, REFERENCE_YAML, ROOT

KINDS = ("batch-report", "diff", "check", "check-rules")


def _validate(kind: str, data: dict) -> None:
    jsonschema.Draft202012Validator(schemas.load(kind)).validate(data)
    assert data["schema"] == schemas.schema_id(kind) == f"gongwen-{kind}/{schemas.VERSIONS[kind]}"
    assert data["gongwen_version"] == schemas.gongwen_version()
    assert list(data)[:2] == ["schema", "gongwen_version"]


@pytest.mark.parametrize("kind", KINDS)
def test_schemas_ship_inside_the_package(kind: str):
    path = Path(schemas.__file__).parent / f"{kind}.schema.json"
    assert path.is_file()
    schema = schemas.load(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema"]["const"] == schemas.schema_id(kind)
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = data["tool"]["setuptools"]["package-data"]
    assert "*.json" in package_data["*"]  # so the wheel carries gongwen/schemas/*.json


def test_problem_is_one_object_everywhere():
    """A problem has the same shape wherever it appears: gongwen.errors.Problem.to_json()."""
    from gongwen.errors import Problem

    shape = schemas.load("batch-report")["$defs"]["problem"]
    assert set(shape["required"]) == set(Problem("f", 1, 2, "x", "m").to_json())


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("json")
    for letter in (REFERENCE_YAML, EXAMPLE_LETTER):
        for fmt in ("pdf", "docx", "ofd"):
            r = CliRunner().invoke(app, ["render", str(letter), "-o", str(d / f"{letter.stem}.{fmt}"),
                                         "--fonts", "open"])
            assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["render", str(REFERENCE_YAML), "-o", str(d / "archival.pdf"),
                                 "--fonts", "open", "--pdfa"])
    assert r.exit_code == 0, r.output
    return {p.name: p for p in d.iterdir()}


def test_batch_report(tmp_path: Path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.yaml").write_text(REFERENCE_YAML.read_text(encoding="utf-8"), encoding="utf-8")
    (src / "bad.yaml").write_text(
        REFERENCE_YAML.read_text(encoding="utf-8").replace("2022-09-29", "2022-02-30"),
        encoding="utf-8")
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "gongwen.cli", "batch", str(src), "-o", str(tmp_path / "out"),
         "-f", "pdf,ofd", "-j", "1", "--fonts", "open", "--report", str(report), "--no-progress"],
        capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(report.read_text(encoding="utf-8"))
    _validate("batch-report", data)
    by = {x["name"]: x for x in data["letters"]}
    assert data["formats"] == ["pdf", "ofd"] and by["good"]["outputs"] == ["good.pdf", "good.ofd"]
    problem = by["bad"]["problems"][0]
    assert problem["file"].endswith("bad.yaml") and problem["field"] == "signature.date"
    assert problem["line"] > 0 and problem["column"] > 0
    assert any(w["message"].startswith("132 处半角标点") for w in by["good"]["warnings"])


@pytest.mark.parametrize("args", [
    [REFERENCE_YAML, REFERENCE_TEXT],
    [REFERENCE_YAML, "EXAMPLE.pdf", "--strict"],
    [REFERENCE_YAML, "zhuzhou-fgw-2022-reply.pdf", "--layout", "--fonts", "open"],
    ["zhuzhou-fgw-2022-reply.docx", REFERENCE_TEXT],
    [REFERENCE_YAML, "zhuzhou-fgw-2022-reply.ofd"],
])
def test_diff_report(args: list, outputs: dict[str, Path]):
    names = {"EXAMPLE.pdf": outputs["letter-format-reply.pdf"]}
    argv = [str(names.get(a) or outputs.get(a) or a) if isinstance(a, str) else str(a)
            for a in args]
    result = CliRunner().invoke(app, ["diff", *argv, "--format", "json"])
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    _validate("diff", data)
    if "--layout" in args:
        assert data["layout"] is not None
    if str(args[-1]).endswith(".ofd"):
        assert data["b"]["kind"] == "ofd", data["b"]


@pytest.mark.parametrize("name", ["zhuzhou-fgw-2022-reply.pdf", "zhuzhou-fgw-2022-reply.docx",
                                  "letter-format-reply.pdf", "zhuzhou-fgw-2022-reply.ofd",
                                  "letter-format-reply.ofd", "archival.pdf"])
def test_check_report(name: str, outputs: dict[str, Path]):
    args = ["check", str(outputs[name]), "--format", "json"]
    if name.startswith("letter-format"):
        args.append("--letter-format")
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    _validate("check", data)
    assert data["file"] == str(outputs[name]) and data["kind"] == name.rsplit(".", 1)[1]
    pdfa = [f for f in data["findings"] if f["source"] == "pdfa"]
    assert len(pdfa) == (11 if name == "archival.pdf" else 0)


def test_check_rules():
    from gongwen.check.rules import table

    result = CliRunner().invoke(app, ["check", "--rules", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    _validate("check-rules", data)
    assert len(data["rules"]) == len(table())
