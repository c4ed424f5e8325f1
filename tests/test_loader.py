"""Loading letters: every mistake is reported as FILE:LINE:COL: field: message."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from gongwen.errors import LetterError
from gongwen.loader import dump_letter, load_letter

from .conftest import EXAMPLE_LETTER, REFERENCE_YAML, ROOT

SOURCE = REFERENCE_YAML.read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in text")


# (name, edit of the reference YAML, expected field, expected message part, line needle)
BROKEN = [
    ("unknown field", ("format: plain", "format: plain\ntitel: 答复"), "titel",
     "是不是 title", "titel:"),
    ("misspelt nested field", ("  date: 2022-09-29", "  dat: 2022-09-29"), "signature.dat",
     "是不是 date", "dat:"),
    ("impossible date", ("2022-09-29", "2022-02-30"), "signature.date", "日期无效", "date:"),
    ("date not a date", ("2022-09-29", "下个月"), "signature.date", "日期无效", "date:"),
    ("missing signature", ("signature:\n  organs:\n    - 株洲市发展和改革委员会\n  date: 2022-09-29\n",
                            ""), "signature", "缺少必填项", None),
    ("missing date", ("  date: 2022-09-29\n", ""), "signature.date", "缺少必填项", "signature:"),
    ("bad format", ("format: plain", "format: fancy"), "format", "无效", "format:"),
    ("wrong type for list", ("addressees:\n  - 欧阳元初委员", "addressees: {a: b}"),
     "addressees", "应为列表", "addressees:"),
    ("empty body", ("body:\n", "body: []\nold_body:\n"), "body", "至少需要一项", "body: []"),
    ("bad contacts placement", ("contacts_placement: before_signature",
                                "contacts_placement: top"), "contacts_placement", "无效",
     "contacts_placement:"),
    ("header in plain format", ("format: plain", "format: plain\nheader:\n  doc_number: 株发改函〔2022〕1号"),
     "header", "plain 版式没有版头", "header:"),
    ("malformed doc number", ("format: plain", "format: letter\nheader:\n  organs: [株洲市发展和改革委员会]\n"
                              "  doc_number: 株发改函[2022]1号"), "header.doc_number",
     "六角括号", "doc_number:"),
    ("zero-padded serial", ("format: plain", "format: letter\nheader:\n  organs: [株洲市发展和改革委员会]\n"
                            "  doc_number: 株发改函〔2022〕01号"), "header.doc_number", "前导0",
     "doc_number:"),
    ("two-digit year", ("format: plain", "format: letter\nheader:\n  organs: [株洲市发展和改革委员会]\n"
                        "  doc_number: 株发改函〔22〕1号"), "header.doc_number", "四位",
     "doc_number:"),
    ("letter format without organ", ("format: plain", "format: letter"), "header",
     "header.organs", None),
    ("bad reply category", ("format: plain", "format: letter\nheader:\n  organs: [某局]\n"
                            "  reply_category: E"), "header.reply_category", "无效",
     "reply_category:"),
    ("section without heading", ("  - heading: 下一步工作打算", "  - headin: 下一步工作打算"),
     "body[2].headin", "是不是 heading", "headin:"),
    ("five heading levels", ("      - heading: '完善创新体系。'",
                             "      - heading: 三级\n        body:\n          - heading: 四级\n"
                             "            body:\n              - heading: 五级\n"
                             "                body:\n                  - heading: 六级\n"
                             "      - heading: '完善创新体系。'"), "body[1].body[3].body[0].body[0].body[0]",
     "最多四级", "六级"),
    ("seal image without path", ("  date: 2022-09-29", "  date: 2022-09-29\n  seal:\n    mode: image"),
     "signature.seal", "seal.image", "seal:"),
    ("duplicate key", ("format: plain", "format: plain\nformat: letter"), "format", "字段重复",
     "format: letter"),
    ("python tag", ("format: plain", "format: !!python/object:os.system plain"), "format",
     "YAML 标签", "format:"),
    ("alias", ("addressees:\n  - 欧阳元初委员", "addressees: &a\n  - 欧阳元初委员\nnote: *a"),
     "note", "别名", "note:"),
    ("control character", ("  - 欧阳元初委员", "  - \"欧阳\\x07元初委员\""), "addressees[0]",
     "控制字符", '"欧阳'),
]


def _write(tmp_path: Path, text: str, name: str = "letter.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "edit", "field", "message", "needle"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_letter_is_located(tmp_path, name, edit, field, message, needle):
    old, new = edit
    assert old in SOURCE, f"fixture edit for {name} no longer applies"
    text = SOURCE.replace(old, new, 1)
    path = _write(tmp_path, text)
    with pytest.raises(LetterError) as info:
        load_letter(path)
    problems = info.value.problems
    matching = [p for p in problems if p.field == field and message in p.message]
    assert matching, f"{name}: expected {field}: …{message}…, got {problems}"
    problem = matching[0]
    assert problem.file == str(path)
    if needle is not None:
        assert problem.line == _line_of(text, needle), str(problem)
        assert problem.column >= 1
    line = str(problem)
    assert re.match(rf"^{re.escape(str(path))}:\d+:\d+: {re.escape(field)}: ", line), line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "文件是空的"),
        ("# only a comment\n", "文件是空的"),
        ("- a\n- b\n", "顶层应是字段表"),
        ("title: [unclosed\n", "YAML 语法错误"),
        ("title: 'unterminated\n", "YAML 语法错误"),
        ("a:\n\tb: 1\n", "YAML 语法错误"),
    ],
)
def test_unreadable_yaml(tmp_path, text, message):
    with pytest.raises(LetterError) as info:
        load_letter(_write(tmp_path, text))
    assert message in str(info.value)


def test_yaml_syntax_error_has_line_and_column(tmp_path):
    text = SOURCE.replace("format: plain", "format: [plain", 1)
    with pytest.raises(LetterError) as info:
        load_letter(_write(tmp_path, text))
    problem = info.value.problems[0]
    assert problem.line > 1 and problem.column >= 1


def test_gb18030_letter_is_read(tmp_path):
    path = tmp_path / "gbk.yaml"
    text = (ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml").read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    assert load_letter(path) == load_letter(ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml")


def test_neither_utf8_nor_gb18030(tmp_path):
    path = tmp_path / "bytes.yaml"
    path.write_bytes(b"title: \x81\x20\n")
    with pytest.raises(LetterError, match=":1:1: 文件不是 UTF-8 或 GB18030 编码的文字"):
        load_letter(path)


def test_missing_file(tmp_path):
    with pytest.raises(LetterError, match="文件不存在"):
        load_letter(tmp_path / "nope.yaml")


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    with pytest.raises(LetterError, match="别名"):
        load_letter(_write(tmp_path, "\n".join(lines) + "\n"))


def test_deep_nesting_is_refused(tmp_path):
    text = "body: " + "[" * 500 + "]" * 500 + "\n"
    with pytest.raises(LetterError, match="嵌套过深"):
        load_letter(_write(tmp_path, text))


def test_huge_file_is_refused(tmp_path):
    text = SOURCE + "note: '" + "字" * 1_000_000 + "'\n"
    with pytest.raises(LetterError, match="文件太大"):
        load_letter(_write(tmp_path, text))


def test_scalars_keep_their_digits(example_letter):
    letter = load_letter(example_letter)
    assert letter.header.copy_number == "000123"  # written unquoted in the YAML
    reference = load_letter(REFERENCE_YAML)
    assert reference.contacts[2].value == "28686334"


def test_every_problem_is_listed_at_once(tmp_path):
    text = SOURCE.replace("format: plain", "format: fancy\ntitel: x", 1).replace(
        "2022-09-29", "2022-13-01"
    )
    with pytest.raises(LetterError) as info:
        load_letter(_write(tmp_path, text))
    fields = {p.field for p in info.value.problems}
    assert {"format", "titel", "signature.date"} <= fields


@pytest.mark.parametrize("path", [REFERENCE_YAML, EXAMPLE_LETTER])
def test_round_trip(tmp_path, path):
    letter = load_letter(path)
    again = load_letter(_write(tmp_path, dump_letter(letter)))
    assert again == letter


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongwen.cli", *args],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def test_cli_validate_ok():
    result = _run("validate", str(REFERENCE_YAML), str(EXAMPLE_LETTER))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": OK") == 2


@pytest.mark.parametrize("case", BROKEN[:12], ids=[b[0] for b in BROKEN[:12]])
def test_cli_validate_broken_exits_2_without_traceback(tmp_path, case):
    _, (old, new), field, message, _ = case
    path = _write(tmp_path, SOURCE.replace(old, new, 1))
    result = _run("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{path}:" in result.stderr and f"{field}: " in result.stderr
    assert message in result.stderr


def test_cli_render_bad_letter_writes_nothing(tmp_path):
    path = _write(tmp_path, SOURCE.replace("2022-09-29", "2022-02-30"))
    out = tmp_path / "out"
    result = _run("render", str(path), "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_schema_command_matches_committed_schema():
    from .conftest import ROOT

    result = _run("schema")
    assert result.returncode == 0
    committed = (ROOT / "schema" / "letter.schema.json").read_text(encoding="utf-8")
    assert result.stdout == committed, "run `gongwen schema -o schema/letter.schema.json`"


def test_letters_point_editors_at_the_schema():
    from .conftest import ROOT

    for path in (ROOT / "letters").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schema" / "letter.schema.json").resolve(), path


def test_date_as_printed_is_read_as_in_mail_merge(tmp_path):
    """2022年9月29日 in YAML is the date 2022-09-29, as a mail-merge cell is."""
    text = REFERENCE_YAML.read_text(encoding="utf-8")
    path = tmp_path / "printed-date.yaml"
    path.write_text(text.replace("date: 2022-09-29", "date: 2022年9月29日"), encoding="utf-8")
    assert load_letter(path) == load_letter(REFERENCE_YAML)
