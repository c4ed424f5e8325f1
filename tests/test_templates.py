"""Templates: letter skeletons, ``gongwen new``, mail merge and opt-in variables in letter text."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gongwen import templates as tpl
from gongwen.compose import compose
from gongwen.errors import GongwenError, LetterError
from gongwen.loader import load_letter, load_letter_text
from gongwen.model import Letter
from gongwen.spec import Role
from gongwen.textnorm import normalise

from .conftest import REFERENCE_TEXT, ROOT

REFERENCE_VARS = {
    "proposal_title": "关于株洲重振老工业城市雄风的建议",
    "addressees": "欧阳元初委员",
    "organ": "株洲市发展和改革委员会",
    "organ_self": "我委",
    "handling": "经委办公会研究同意",
    "format": "plain",
    "contacts": "承办负责人：刘海宾；承 办 人：杨 洋；联 系 电 话：28686334",
    "date": "2022年9月29日",
}

KIND_VARS = {
    "proposal": {
        "proposal_title": "关于加快示例新区产业园区建设的提案",
        "proposal_number": "0042",
        "session": "市政协十二届三次会议",
        "addressees": "张示例委员",
        "category": "A",
    },
    "suggestion": {
        "suggestion_title": "关于加强城区停车设施建设的建议",
        "suggestion_number": "0128",
        "session": "市十六届人大三次会议",
        "addressees": "王示例代表",
        "category": "B",
    },
    "cohandling": {
        "item_title": "关于加快示例新区产业园区建设的提案",
        "item_number": "0042",
        "session": "市政协十二届三次会议",
        "proposer": "张示例委员",
        "addressees": "市发展和改革委员会",
    },
    "reply": {
        "subject": "征求示例条例修改意见",
        "incoming_title": "关于征求《示例条例（修订草案）》意见的函",
        "incoming_number": "示司函〔2024〕15号",
        "addressees": "市司法局",
        "you": "你局",
    },
}
COMMON = {
    "organ": "示例市自然资源和规划局",
    "doc_number": "示自然资函〔2024〕7号",
    "contacts": "联系人：李示例；联系电话：0000-12345678",
    "date": "2024-06-18",
    "cc": "市人民政府办公室；市政协提案委员会",
}
EXPECTED_TITLE = {
    "proposal": "关于市政协十二届三次会议第0042号提案的答复",
    "suggestion": "关于市十六届人大三次会议第0128号建议的答复",
    "cohandling": "关于市政协十二届三次会议第0042号提案的会办意见",
    "reply": "关于征求示例条例修改意见的复函",
}
EXPECTED_OPENING = {
    "proposal": "您提出的《关于加快示例新区产业园区建设的提案》（第0042号）收悉。经认真研究，现答复如下：",
    "suggestion": "您提出的《关于加强城区停车设施建设的建议》（第0128号）收悉。经认真研究，现答复如下：",
    "cohandling": "张示例委员提出的《关于加快示例新区产业园区建设的提案》（第0042号）收悉。经认真研究，现将我单位会办意见函告如下：",
    "reply": "你局《关于征求《示例条例（修订草案）》意见的函》（示司函〔2024〕15号）收悉。经研究，现函复如下：",
}


def body_texts(letter: Letter) -> list[str]:
    doc = compose(letter)
    return [b.text for b in doc.blocks if b.role is Role.BODY]


# -- the reference letter ---------------------------------------------------------------------


def test_reference_opening_and_closing_come_from_the_proposal_template():
    _text, letter = tpl.render_template("proposal", REFERENCE_VARS)
    lines = [ln for ln in REFERENCE_TEXT.read_text(encoding="utf-8").splitlines() if ln.strip()]
    closing = next(ln for ln in lines if ln.startswith("最后,再次衷心感谢"))
    doc = compose(letter)
    body = [b.text for b in doc.blocks if b.role is Role.BODY]
    assert normalise(body[0]) == normalise(lines[1])
    assert normalise(body[-1]) == normalise(closing)
    # the rest of the frame matches the published letter too
    assert normalise(doc.blocks[0].text) == normalise(lines[0])  # 欧阳元初委员:
    contacts = [normalise(b.text) for b in doc.by_role(Role.CONTACT)]
    assert contacts == [normalise(ln) for ln in lines[-5:-2]]
    assert [b.text for b in doc.blocks[-2:]] == lines[-2:]
    assert doc.fmt.value == "plain" and letter.title is None


def test_handling_clause_has_a_default():
    vars_ = {k: v for k, v in REFERENCE_VARS.items() if k != "handling"}
    _, letter = tpl.render_template("proposal", vars_)
    assert body_texts(letter)[0].endswith("提案收悉。经认真研究，现答复如下：")


# -- each kind --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KIND_VARS))
def test_each_kind_renders_validates_and_composes(kind, tmp_path):
    text, letter = tpl.render_template(kind, {**KIND_VARS[kind], **COMMON},
                                       dest=ROOT / "letters" / "new.yaml")
    assert text.startswith("# yaml-language-server: $schema=../schema/letter.schema.json\n")
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_letter(path) == letter
    doc = compose(letter)
    assert letter.format.value == "letter"
    assert letter.title == EXPECTED_TITLE[kind]
    assert body_texts(letter)[0] == EXPECTED_OPENING[kind]
    assert doc.by_role(Role.ORGAN_MARK)[0].text == "示例市自然资源和规划局"
    assert [b.text for b in doc.by_role(Role.CONTACT)] == ["联系人：李示例", "联系电话：0000-12345678"]
    assert doc.by_role(Role.DATE)[0].text == "2024年6月18日"
    assert letter.record is not None and letter.record.cc == ["市人民政府办公室", "市政协提案委员会"]
    category = KIND_VARS[kind].get("category")
    assert (letter.header.reply_category.value if letter.header.reply_category else None) == category
    headings = doc.by_role(Role.HEADING1)
    if kind == "reply":
        assert not headings and body_texts(letter)[-1] == "特此函复。"
    else:
        assert len(headings) == 2


@pytest.mark.parametrize("kind", sorted(KIND_VARS))
def test_each_kind_documents_its_variables(kind):
    info = tpl.find_template(kind)
    names = {v.name for v in info.variables}
    required = {v.name for v in info.variables if v.required}
    assert {"organ", "addressees", "date", "contacts", "sections", "category"} <= names
    assert "organ" in required and "addressees" in required
    assert set(KIND_VARS[kind]) <= names
    assert kind in info.summary
    described = tpl.describe(info)
    for name in names:
        assert name in described


def test_list_templates_has_the_four_kinds_and_no_base():
    kinds = tpl.list_templates()
    assert {"proposal", "suggestion", "cohandling", "reply"} <= set(kinds)
    assert not any(k.startswith("_") for k in kinds)


def test_sections_and_paragraphs_from_text():
    vars_ = {**KIND_VARS["proposal"], **COMMON,
             "paragraphs": "第一段。\n第二段。",
             "sections": "办理主要做法：我局会同有关部门……\n办理结果"}
    _, letter = tpl.render_template("proposal", vars_)
    body = body_texts(letter)
    assert body[1:3] == ["第一段。", "第二段。"]
    assert body[3] == "我局会同有关部门……"
    assert body[4] == "（请在此写明办理结果。）"


def test_category_letter_is_normalised_and_plain_refuses_it():
    _, letter = tpl.render_template("proposal", {**KIND_VARS["proposal"], **COMMON, "category": "b类"})
    assert letter.header.reply_category.value == "B"
    with pytest.raises(LetterError, match="reply_category"):
        tpl.render_template("proposal", {**REFERENCE_VARS, "category": "A"})


# -- missing variables, escaping, the sandbox -------------------------------------------------


def test_missing_variable_names_it_and_the_template_line():
    vars_ = {k: v for k, v in KIND_VARS["proposal"].items() if k != "proposal_title"}
    with pytest.raises(LetterError) as err:
        tpl.render_template("proposal", {**vars_, **COMMON})
    problem = err.value.problems[0]
    assert problem.field == "proposal_title"
    assert problem.file.endswith("proposal.yaml.j2") and problem.line > 0
    assert "缺少变量 proposal_title" in str(err.value)


def test_number_without_session_names_session():
    vars_ = {k: v for k, v in KIND_VARS["proposal"].items() if k != "session"}
    with pytest.raises(LetterError, match="session"):
        tpl.render_template("proposal", {**vars_, **COMMON})


NASTY = 'a: b # c "d" \'e\' {{ f }} {% g %} \\ h\n- i: [j]'


@pytest.mark.parametrize("field", ["proposal_title", "addressees", "organ", "handling"])
def test_values_come_through_literally(field):
    vars_ = {**KIND_VARS["proposal"], **COMMON, field: NASTY.replace("\n", " ")}
    _, letter = tpl.render_template("proposal", vars_)
    dumped = letter.model_dump_json()
    assert NASTY.replace("\n", " ").replace("\\", "\\\\").replace('"', '\\"') in dumped


def test_value_with_newline_in_a_scalar_field():
    vars_ = {**KIND_VARS["proposal"], **COMMON, "title": NASTY}
    _, letter = tpl.render_template("proposal", vars_)
    assert letter.title == NASTY


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_yaml_str_round_trips(value):
    loaded = YAML(typ="safe", pure=True).load("k: " + tpl.yaml_str(value))
    assert loaded == {"k": value}


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1))
def test_any_printable_value_comes_through_the_template(value):
    vars_ = {**KIND_VARS["proposal"], **COMMON, "title": value, "note": value}
    _, letter = tpl.render_template("proposal", vars_)
    assert letter.title == value.strip()
    assert letter.note == (value.strip() or None) or letter.note == value.strip()


def test_letter_text_with_braces_prints_literally_without_opting_in():
    text = tpl.render_template("proposal", {**KIND_VARS["proposal"], **COMMON})[0]
    text = text.replace("经认真研究", "经{{ organ_short }}研究{% if x %}同意{% endif %}")
    letter = load_letter_text(text, "braces.yaml")
    assert not letter.options.expand_variables
    assert "经{{ organ_short }}研究{% if x %}同意{% endif %}" in body_texts(letter)[0]


def _letter_with(extra: str, body: str) -> Letter:
    return load_letter_text(
        f"{extra}\nbody:\n  - {tpl.yaml_str(body)}\n"
        "signature:\n  organs: [示例局]\n  date: 2024-06-18\n",
        "letter.yaml",
    )


def test_opted_in_letter_expands_its_variables():
    letter = _letter_with(
        "options:\n  expand_variables: true\nvariables:\n  organ_short: 我委\n  v: '{{ x }}'",
        "欢迎对{{ organ_short }}工作多提宝贵意见。{{ v }}",
    )
    assert body_texts(letter)[0] == "欢迎对我委工作多提宝贵意见。{{ x }}"


def test_opted_in_letter_with_undefined_variable_names_field_and_variable():
    letter = _letter_with("options:\n  expand_variables: true", "对{{ organ_short }}工作")
    with pytest.raises(GongwenError, match=r"body\[0\].*organ_short"):
        compose(letter)


def test_sandbox_refuses_escape_in_letter_text():
    letter = _letter_with("options:\n  expand_variables: true", "{{ ''.__class__.__mro__ }}")
    with pytest.raises(GongwenError, match=r"body\[0\].*不安全.*__class__"):
        compose(letter)


@pytest.mark.parametrize(
    "expr",
    [
        "''.__class__.__mro__",
        "''.__class__.__mro__[1].__subclasses__()",
        "cycler.__init__.__globals__",
        "range.__globals__",
        "lipsum.__globals__",
        "joiner.__init__.__globals__.os",
        "self._TemplateReference__context",
        "'{0.__class__.__mro__}'.format('')",
    ],
)
def test_sandbox_refuses_escape_in_templates(expr, tmp_path):
    (tmp_path / "evil.yaml.j2").write_text(f"x: {{{{ ({expr}) | yaml_str }}}}\n", encoding="utf-8")
    with pytest.raises(GongwenError) as err:
        tpl.render_template("evil", {}, [tmp_path])
    assert "不安全的操作已被拒绝" in str(err.value)
    assert "evil.yaml.j2:1" in str(err.value)


def test_bounded_repetition_and_range(tmp_path):
    (tmp_path / "big.yaml.j2").write_text("x: {{ ('x' * 10**9) | yaml_str }}\n", encoding="utf-8")
    (tmp_path / "loop.yaml.j2").write_text(
        "{% for i in range(10**8) %}{% endfor %}x: 1\n", encoding="utf-8"
    )
    for kind in ("big", "loop"):
        with pytest.raises(LetterError, match="不安全"):
            tpl.render_template(kind, {}, [tmp_path])


def test_output_must_go_through_yaml_str(tmp_path):
    (tmp_path / "raw.yaml.j2").write_text("x: 1\ntitle: {{ title }}\n", encoding="utf-8")
    with pytest.raises(LetterError, match="yaml_str") as err:
        tpl.render_template("raw", {"title": "a: b"}, [tmp_path])
    assert err.value.problems[0].line == 2


# -- offices' own templates --------------------------------------------------------------------


def _office_template(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "proposal.yaml.j2").write_text(
        "{#\n本局提案答复（proposal）\n\n变量：\n  organ_phone  必填  值班电话：如 0731-1\n#}\n"
        '{% extends "builtin/proposal.yaml.j2" %}\n'
        "{% block closing %}\n"
        "  - {{ ('特此答复。值班电话：' ~ organ_phone) | yaml_str }}\n"
        "{% endblock %}\n",
        encoding="utf-8",
    )
    return folder


def test_office_template_overrides_builtin_by_name(tmp_path):
    folder = _office_template(tmp_path / "office")
    vars_ = {**KIND_VARS["proposal"], **COMMON, "organ_phone": "0731-1"}
    _, letter = tpl.render_template("proposal", vars_, [folder])
    body = body_texts(letter)
    assert body[-1] == "特此答复。值班电话：0731-1"
    assert body[0] == EXPECTED_OPENING["proposal"]
    info = tpl.find_template("proposal", [folder])
    assert info.path.parent == folder
    assert {"organ_phone", "proposal_title", "organ"} <= {v.name for v in info.variables}


def test_office_template_from_environment(tmp_path, monkeypatch):
    folder = _office_template(tmp_path / "env")
    monkeypatch.setenv(tpl.ENV_VAR, str(folder))
    assert tpl.find_template("proposal").path.parent == folder
    monkeypatch.setenv(tpl.ENV_VAR, str(tmp_path / "missing"))
    with pytest.raises(GongwenError, match="不存在"):
        tpl.list_templates()


def test_unknown_kind_suggests():
    with pytest.raises(GongwenError, match="proposal"):
        tpl.find_template("proposl")


# -- mail merge --------------------------------------------------------------------------------


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


HEADER = ["序号", "proposal_title", "proposal_number", "session", "addressees", "organ", "date",
          "contacts"]


def _row(i: int) -> list[str]:
    return [str(i), f"关于示例事项{i}的提案", f"{i:04d}", "市政协十二届三次会议", f"委员{i}",
            "示例市发展和改革委员会", "2024年6月18日", f"联系人：李示例；联系电话：0000-{i:08d}"]


def test_thirty_rows_make_thirty_letters(tmp_path):
    data = _write_csv(tmp_path / "table.csv", [HEADER] + [_row(i) for i in range(1, 31)])
    results = list(tpl.letters_from_table("proposal", data))
    assert len(results) == 30
    assert [rid for rid, _ in results] == [f"table.csv:row {n}" for n in range(2, 32)]
    for i, (_, letter) in enumerate(results, start=1):
        assert isinstance(letter, Letter)
        assert letter.title == f"关于市政协十二届三次会议第{i:04d}号提案的答复"
        assert letter.addressees == [f"委员{i}"]
        assert letter.signature.date == dt.date(2024, 6, 18)
        compose(letter)


def test_row_with_missing_cell_fails_alone(tmp_path):
    rows = [HEADER] + [_row(i) for i in range(1, 11)]
    rows[6][1] = ""  # table row 7: no proposal_title
    data = _write_csv(tmp_path / "table.csv", rows)
    results = dict(tpl.letters_from_table("proposal", data))
    failed = {rid: v for rid, v in results.items() if isinstance(v, LetterError)}
    assert list(failed) == ["table.csv:row 7"]
    message = str(failed["table.csv:row 7"])
    assert message.startswith("table.csv:row 7: proposal_title: 缺少列 proposal_title")
    assert "proposal.yaml.j2 第" in message
    assert sum(isinstance(v, Letter) for v in results.values()) == 9


def test_table_without_a_column_names_it_in_every_row(tmp_path):
    rows = [[c for c in r if c != "市政协十二届三次会议"] for r in [HEADER, _row(1), _row(2)]]
    rows[0] = [c for c in HEADER if c != "session"]
    data = _write_csv(tmp_path / "t.csv", rows)
    for rid, value in tpl.letters_from_table("proposal", data):
        assert isinstance(value, LetterError)
        assert f"{rid}: session: 缺少列 session" in str(value)


def test_invalid_value_names_row_and_column(tmp_path):
    rows = [HEADER, _row(1), _row(2)]
    rows[2][6] = "2024-13-01"
    data = _write_csv(tmp_path / "t.csv", rows)
    results = dict(tpl.letters_from_table("proposal", data))
    assert isinstance(results["t.csv:row 2"], Letter)
    message = str(results["t.csv:row 3"])
    assert message.startswith("t.csv:row 3: signature.date: 日期无效")
    assert "来自列 date" in message


def test_row_with_extra_cells_and_blank_rows(tmp_path):
    rows = [HEADER, _row(1), [""] * len(HEADER), [*_row(3), "多余"]]
    data = _write_csv(tmp_path / "t.csv", rows)
    results = list(tpl.letters_from_table("proposal", data))
    assert [rid for rid, _ in results] == ["t.csv:row 2", "t.csv:row 4"]
    assert "多出 1 格" in str(results[1][1])


def test_chinese_column_names_and_gb18030(tmp_path):
    header = ["提案名称", "主送", "答复机关", "成文日期"]
    data = _write_csv(
        tmp_path / "中文.csv",
        [header, ["关于示例的提案", "张委员", "示例局", "2024/6/18"]],
        encoding="gb18030",
    )
    [(rid, letter)] = list(tpl.letters_from_table("proposal", data))
    assert rid == "中文.csv:row 2"
    assert isinstance(letter, Letter), letter
    assert letter.addressees == ["张委员"] and letter.signature.date == dt.date(2024, 6, 18)


def test_xlsx_table(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["proposal_title", "proposal_number", "session", "addressees", "organ", "date"])
    ws.append(["关于示例的提案", 42, "市政协十二届三次会议", "张委员", "示例局", dt.datetime(2024, 6, 18)])
    ws.append(["关于示例二的提案", None, None, "李委员", "示例局", None])
    path = tmp_path / "table.xlsx"
    wb.save(path)
    results = list(tpl.letters_from_table("proposal", path))
    assert [rid for rid, _ in results] == ["table.xlsx:row 2", "table.xlsx:row 3"]
    first, second = results[0][1], results[1][1]
    assert isinstance(first, Letter) and isinstance(second, Letter)
    assert first.title == "关于市政协十二届三次会议第42号提案的答复"
    assert first.signature.date == dt.date(2024, 6, 18)
    assert second.title is None


def test_table_level_problems_raise_at_once(tmp_path):
    with pytest.raises(LetterError, match="不存在"):
        tpl.letters_from_table("proposal", tmp_path / "none.csv")
    (tmp_path / "t.txt").write_text("a", encoding="utf-8")
    with pytest.raises(LetterError, match="不支持"):
        tpl.letters_from_table("proposal", tmp_path / "t.txt")
    empty = _write_csv(tmp_path / "e.csv", [])
    with pytest.raises(LetterError, match="空"):
        tpl.letters_from_table("proposal", empty)
    with pytest.raises(GongwenError, match="没有这种模板"):
        tpl.letters_from_table("nope", empty)


# -- the command -------------------------------------------------------------------------------


def gongwen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongwen.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )


def _sets(values: dict[str, str]) -> list[str]:
    return [a for k, v in values.items() for a in ("--set", f"{k}={v}")]


def test_cli_new_writes_a_valid_letter(tmp_path):
    out = tmp_path / "letters" / "x.yaml"
    r = gongwen("new", "proposal", "-o", str(out), *_sets({**KIND_VARS["proposal"], **COMMON}))
    assert r.returncode == 0, r.stderr
    letter = load_letter(out)
    assert letter.title == EXPECTED_TITLE["proposal"]
    first = out.read_text(encoding="utf-8").splitlines()[0]
    # outside this repository the schema is written beside the letter: a portable reference
    assert first == "# yaml-language-server: $schema=letter.schema.json"
    schema = json.loads((out.parent / "letter.schema.json").read_text(encoding="utf-8"))
    assert schema == json.loads(gongwen("schema").stdout)
    inside = ROOT / "letters" / "x.yaml"
    assert tpl.letter_schema_reference(inside) == ("../schema/letter.schema.json", None)
    # an existing file is kept unless --force
    r = gongwen("new", "proposal", "-o", str(out), *_sets({**KIND_VARS["proposal"], **COMMON}))
    assert r.returncode == 2 and "--force" in r.stderr


def test_cli_new_errors_write_nothing(tmp_path):
    out = tmp_path / "x.yaml"
    vars_ = {k: v for k, v in {**KIND_VARS["proposal"], **COMMON}.items() if k != "proposal_title"}
    r = gongwen("new", "proposal", "-o", str(out), *_sets(vars_))
    assert r.returncode == 2
    assert "proposal_title（提案名称）" in r.stderr and "gongwen new proposal: 缺少必填变量" in r.stderr
    assert "Traceback" not in r.stderr
    r = gongwen("new", "proposal", "-o", str(out), *_sets({**vars_, "proposal_titel": "x"}))
    assert r.returncode == 2 and "是不是 proposal_title" in r.stderr
    r = gongwen("new", "proposal", "-o", str(out),
                *_sets({**KIND_VARS["proposal"], **COMMON, "date": "2024-02-30"}))
    assert r.returncode == 2 and "signature.date" in r.stderr and "Traceback" not in r.stderr
    r = gongwen("new", "nokind", "-o", str(out))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_cli_list_vars_and_help():
    r = gongwen("new", "proposal", "--list-vars")
    assert r.returncode == 0
    for name in ("proposal_title", "proposal_number", "session", "addressees", "category",
                 "contacts", "organ", "date", "sections"):
        assert name in r.stdout
    r = gongwen("new", "--help")
    assert r.returncode == 0
    for kind in ("proposal", "suggestion", "cohandling", "reply"):
        assert kind in r.stdout


def test_cli_office_templates(tmp_path):
    folder = _office_template(tmp_path / "office")
    vars_ = {**KIND_VARS["proposal"], **COMMON, "organ_phone": "0731-1"}
    r = gongwen("new", "proposal", "--templates", str(folder), *_sets(vars_))
    assert r.returncode == 0, r.stderr
    assert "特此答复。值班电话：0731-1" in r.stdout
    r = gongwen("new", "proposal", *_sets(vars_), env={tpl.ENV_VAR: str(folder)})
    assert r.returncode == 0 and "值班电话" in r.stdout
