"""The web application's endpoints (``gongwen serve``), driven with Starlette's TestClient:
each endpoint's answer, the same messages and bytes as the command line and the API, hostile
uploads, path traversal, symbolic links, the guards (host, token, CSRF, origin, body size)
and concurrent saves of one file."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from starlette.testclient import TestClient

import gongwen
from gongwen.loader import dump_data
from gongwen.web.app import Settings, create_app
from gongwen.web.folder import digest
from gongwen.web.form import ordered

from .conftest import EXAMPLE_LETTER, REFERENCE_TEXT, REFERENCE_YAML

BASE = "http://127.0.0.1:8000"
SMALL = """\
format: plain
addressees: [张示例委员]
body:
  - 您提出的提案收悉。现答复如下：
  - heading: 工作情况
    body: [我们做了大量工作。]
signature: {organs: [示例市某局], date: 2024-02-28}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "letters"
    (root / "sub").mkdir(parents=True)
    shutil.copy(REFERENCE_YAML, root / "reference.yaml")
    shutil.copy(EXAMPLE_LETTER, root / "sub" / "example.yaml")
    (root / "small.yaml").write_text(SMALL, encoding="utf-8")
    return root


def make_client(root: Path, **settings) -> TestClient:
    app = create_app(Settings(root, fonts="open", warm=False, **settings))
    client = TestClient(app, base_url=BASE)
    client.headers["X-Gongwen-CSRF"] = app.state.gongwen.csrf
    return client


@pytest.fixture
def client(folder: Path) -> TestClient:
    return make_client(folder)


def initial_of(page: str) -> dict:
    """The letter an editor page starts with (its JSON island)."""
    head = '<script type="application/json" id="initial">'
    start = page.index(head) + len(head)
    return json.loads(page[start:page.index("</script>", start)])


def sync(client: TestClient, **body) -> dict:
    response = client.post("/api/sync", json=body)
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------------------------
# Pages and guards


def test_home_lists_letters_and_templates(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "reference.yaml" in page.text and "sub/example.yaml" in page.text
    for kind in gongwen.templates.list_templates():
        assert f'data-kind="{kind}"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_editor_page_holds_the_letter_and_its_form(client: TestClient) -> None:
    page = client.get("/edit", params={"file": "sub/example.yaml"})
    assert page.status_code == 200
    initial = initial_of(page.text)
    assert initial["yaml"] == EXAMPLE_LETTER.read_text(encoding="utf-8")
    assert initial["base"] == digest(EXAMPLE_LETTER.read_bytes())
    assert set(initial["formats"]) >= {"pdf", "docx", "svg", "ofd"}
    # every field of the letter has its place in the form, named as problems name it
    for field in ("format", "header.doc_number", "signature.date", "body[1].heading",
                  "contacts[0].label", "record.cc", "attachments[0].title"):
        assert f'data-field="{field}"' in page.text, field


def test_a_foreign_host_is_refused(client: TestClient) -> None:
    response = client.get("/", headers={"Host": "attacker.example:8000"})
    assert response.status_code == 400
    assert "不接受的 Host" in response.text


def test_posts_need_the_page_csrf_value_and_no_foreign_origin(client: TestClient) -> None:
    body = {"yaml": SMALL}
    response = client.post("/api/sync", json=body, headers={"X-Gongwen-CSRF": "guess"})
    assert response.status_code == 403 and "校验值" in response.json()["error"]
    response = client.post("/api/sync", json=body, headers={"Origin": "http://attacker.example"})
    assert response.status_code == 403 and "其他网站" in response.json()["error"]
    assert client.post("/api/sync", json=body, headers={"Origin": BASE}).status_code == 200


def test_a_token_is_required_when_given(folder: Path) -> None:
    token = "t0ken-for-the-office-1234"
    client = make_client(folder, token=token)
    assert client.get("/").status_code == 401
    assert client.get("/", params={"token": "wrong-token-wrong-token"}).status_code == 401
    response = client.get("/", params={"token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/").status_code == 200  # the cookie is kept by the client
    bare = make_client(folder, token=token)
    assert bare.get("/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert bare.post("/api/sync", json={"yaml": SMALL}).status_code == 401


def test_bound_beyond_loopback_a_token_is_required() -> None:
    from gongwen.clitext import FLAGS
    from gongwen.errors import options_spelled_as_flags
    from gongwen.web import check_token

    with pytest.raises(gongwen.GongwenError, match="须用 token 给出"):  # the keyword, to the API
        check_token("0.0.0.0", None)
    with options_spelled_as_flags(FLAGS), pytest.raises(gongwen.GongwenError) as caught:
        check_token("0.0.0.0", None)
    with options_spelled_as_flags(FLAGS):  # the command line's flags
        assert str(caught.value).startswith("--host 0.0.0.0: 绑定到本机以外的地址时须用 --token")
    with pytest.raises(gongwen.GongwenError, match="太短"):
        check_token("0.0.0.0", "short")
    check_token("127.0.0.1", None)
    check_token("::1", None)
    check_token("192.168.1.20", "a-long-enough-token-1234")


# --------------------------------------------------------------------------------------------
# Editing: YAML, problems, preview


def test_form_data_is_written_with_the_project_yaml_writer(client: TestClient) -> None:
    data = {"signature": {"date": "2024-02-28", "organs": ["示例市某局"]}, "body": ["收悉。"],
            "addressees": ["张示例委员"], "format": "plain"}
    answer = sync(client, data=data, yaml="# yaml-language-server: $schema=x.json\nold: 1\n")
    assert answer["yaml"] == "# yaml-language-server: $schema=x.json\n" + dump_data(ordered(data))
    assert list(ordered(data)) == ["format", "addressees", "body", "signature"]
    assert answer["problems"] == []
    assert len(answer["preview"]["pages"]) == 1


def test_problems_are_the_command_lines(client: TestClient, folder: Path) -> None:
    bad = SMALL.replace("2024-02-28", "2024-02-30").replace("format: plain", "format: letterr")
    answer = sync(client, yaml=bad, file="small.yaml")
    with pytest.raises(gongwen.LetterError) as caught:
        gongwen.loads(bad, name="small.yaml")
    assert [p["text"] for p in answer["problems"]] == [str(p) for p in caught.value.problems]
    fields = {p["field"]: p["message"] for p in answer["problems"]}
    assert "日期无效" in fields["signature.date"] and "letter" in fields["format"]
    assert "preview" not in answer  # nothing is laid out from an invalid letter
    assert answer["data"]["signature"]["date"] == "2024-02-30"  # the form still shows it


def test_yaml_syntax_error_is_located_and_no_form_is_built(client: TestClient) -> None:
    answer = sync(client, yaml="format: plain\nbody: [a\n", form=True)
    (problem,) = answer["problems"]
    assert problem["line"] >= 2 and problem["message"].startswith("YAML 语法错误")
    assert answer["data"] is None and "form" not in answer


def test_yaml_tags_and_aliases_are_refused(client: TestClient) -> None:
    answer = sync(client, yaml="body: !!python/object:os.system [ls]\n")
    assert "不允许使用 YAML 标签" in answer["problems"][0]["message"]
    answer = sync(client, yaml="a: &x [1]\nb: *x\n")
    assert "锚点和别名" in answer["problems"][0]["message"]


def test_yaml_edits_give_the_form(client: TestClient) -> None:
    answer = sync(client, yaml=SMALL, form=True)
    assert answer["data"]["body"][1]["heading"] == "工作情况"
    assert 'data-field="body[1].heading"' in answer["form"]
    assert 'value="工作情况"' in answer["form"]
    # a shape the form cannot show is shown read-only, not dropped
    odd = SMALL.replace("addressees: [张示例委员]", "addressees: {a: b}")
    answer = sync(client, yaml=odd, form=True)
    assert "在 YAML 页修改" in answer["form"]


def test_preview_pages_are_the_layout_and_outlines_are_sent_once(client: TestClient) -> None:
    letter = gongwen.load(REFERENCE_YAML)
    layout = gongwen.render(letter, [], fonts="open").layout
    first = sync(client, yaml=REFERENCE_YAML.read_text(encoding="utf-8"), view="v1")
    pages = first["preview"]["pages"]
    assert len(pages) == len(layout.pages)
    uses = sum(page["svg"].count("<use ") for page in pages)
    assert uses == sum(not ch.isspace() for page in layout.pages for run in page.runs
                       for ch in run.text)
    used = {gid for page in pages for gid in _ids(page["svg"])}
    assert set(first["preview"]["glyphs"]) <= used and len(first["preview"]["glyphs"]) > 300
    again = sync(client, yaml=REFERENCE_YAML.read_text(encoding="utf-8"), view="v1")
    assert again["preview"]["glyphs"] == {}  # the view has them all
    assert [p["hash"] for p in again["preview"]["pages"]] == [p["hash"] for p in pages]
    other = sync(client, yaml=REFERENCE_YAML.read_text(encoding="utf-8"), view="v2")
    assert other["preview"]["glyphs"] == first["preview"]["glyphs"]
    # the pages the view shows unchanged come without their SVG
    text = REFERENCE_YAML.read_text(encoding="utf-8").replace("最后,再次衷心感谢", "最后,衷心感谢")
    shown = [p["hash"] for p in pages]
    edited = sync(client, yaml=text, view="v1", pages=shown)["preview"]["pages"]
    sent = [i for i, p in enumerate(edited) if p["svg"] is not None]
    assert sent and sent == [i for i, p in enumerate(edited) if p["hash"] != shown[i]]
    assert 0 not in sent  # an edit on the last page leaves the first alone
    # every line of the preview names the field it comes from
    fields = {ln["field"] for page in pages for ln in page["lines"]}
    assert {"addressees", "body[0]", "body[1].heading", "signature.date"} <= fields


def _ids(svg: str) -> set[str]:
    import re

    return set(re.findall(r'href="#([^"]+)"', svg))


def test_render_problems_reach_the_page(client: TestClient) -> None:
    text = SMALL.replace("收悉", "收\U000F0001悉")
    answer = sync(client, yaml=text, file="small.yaml")
    (problem,) = answer["problems"]
    assert problem["field"] == "body[0]" and "没有字体含有这些字符" in problem["message"]
    assert problem["line"] == 4


def test_hostile_json_bodies(client: TestClient) -> None:
    deep: object = "x"
    for _ in range(60):
        deep = [deep]
    response = client.post("/api/sync", json={"data": {"body": deep}})
    assert response.status_code == 400 and "嵌套过深" in response.json()["error"]
    response = client.post("/api/sync", json={"data": ["not", "a", "mapping"]})
    assert response.status_code == 400 and "字段表" in response.json()["error"]
    response = client.post("/api/sync", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and "JSON" in response.json()["error"]
    response = client.post("/api/sync", content=b"[" * 100_000)
    assert response.status_code == 400
    big = {"yaml": "body: [" + "字" * (5 * 1024 * 1024) + "]"}
    response = client.post("/api/sync", json=big)
    assert response.status_code == 413 and "太大" in response.json()["error"]


# --------------------------------------------------------------------------------------------
# Starting a letter


def test_new_letter_from_a_template(client: TestClient) -> None:
    values = {"proposal_title": "关于加快示例新区建设的建议", "addressees": "张示例委员",
              "organ": "示例市发展和改革委员会"}
    response = client.post("/api/new", json={"kind": "proposal", "values": values})
    assert response.status_code == 200, response.text
    page = client.get("/edit", params={"draft": response.json()["draft"]})
    assert page.status_code == 200 and "关于加快示例新区建设的建议" in page.text
    missing = client.post("/api/new", json={"kind": "proposal", "values": {"organ": "某局"}})
    assert missing.status_code == 400 and "请填写" in missing.json()["error"]
    unknown = client.post("/api/new", json={"kind": "proposl", "values": values})
    assert unknown.status_code == 400 and "是不是 proposal" in unknown.json()["error"]
    hostile = dict(values, proposal_title="{{ ''.__class__ }}\nformat: document")
    response = client.post("/api/new", json={"kind": "proposal", "values": hostile})
    draft = client.get("/edit", params={"draft": response.json()["draft"]}).text
    assert "__class__" in draft  # the value comes through literally, never run


def _reference_docx() -> bytes:
    return gongwen.render(gongwen.load(REFERENCE_YAML), ["docx"], fonts="open").outputs["docx"]


def test_import_a_docx_and_a_text(client: TestClient) -> None:
    response = client.post("/api/import", params={"name": "答复.docx"}, content=_reference_docx())
    assert response.status_code == 200, response.text
    page = client.get("/edit", params={"draft": response.json()["draft"]}).text
    assert "株洲市发展和改革委员会" in page and "答复.yaml" in page
    text = REFERENCE_TEXT.read_bytes()
    response = client.post("/api/import", params={"name": "reply.txt"}, content=text)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "content", "message"), [
    ("reply.docx", b"PK\x03\x04 this is no zip at all", "reply.docx"),
    ("scan.pdf", b"%PDF-1.7\n%binary", "PDF"),
    ("notes.txt", b"\x00\x01\x02\x03" * 100, "二进制"),
    ("../../etc/passwd", b"hello", None),
    ("empty.txt", b"", None),
])
def test_hostile_imports_are_refused_in_chinese(client: TestClient, name: str, content: bytes,
                                               message: str | None) -> None:
    response = client.post("/api/import", params={"name": name}, content=content)
    assert response.status_code == 400
    error = response.json()["error"]
    assert "gongwen-web-" not in error and "/tmp" not in error  # the temporary folder is not shown
    if message:
        assert message in error


def test_a_zip_bomb_docx_is_refused(client: TestClient) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * (60 * 1024 * 1024))
    started = time.monotonic()
    response = client.post("/api/import", params={"name": "bomb.docx"}, content=buffer.getvalue())
    assert response.status_code == 400
    assert time.monotonic() - started < 30


def test_oversized_uploads_are_refused_while_read(client: TestClient,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from gongwen import limits

    # the body is cut at the largest input gongwen reads (lowered here to keep the test small)
    monkeypatch.setattr(limits, "MAX_INPUT_BYTES", 1024 * 1024)
    response = client.post("/api/import", params={"name": "big.txt"},
                           content=b"a" * (limits.MAX_INPUT_BYTES + 1))
    assert response.status_code == 413 and "太大" in response.json()["error"]
    response = client.post("/api/upload", params={"name": "big.yaml"},
                           content=b"a: b\n" * (limits.MAX_YAML_BYTES // 5 + 1))
    assert response.status_code == 413


def test_uploads_meet_each_kinds_bound_as_on_the_command_line(client: TestClient,
                                                              tmp_path: Path) -> None:
    from gongwen import limits

    # a text beyond the bound for published replies: refused by the reader the CLI uses
    text = ("第一段。\n" * (limits.MAX_TEXT_BYTES // 13 + 1)).encode("utf-8")
    assert limits.MAX_TEXT_BYTES < len(text) < limits.MAX_INPUT_BYTES
    response = client.post("/api/import", params={"name": "长.txt"}, content=text)
    assert response.status_code == 400
    error = response.json()["error"]
    big = tmp_path / "长.txt"
    big.write_bytes(text)
    cli = subprocess.run([sys.executable, "-m", "gongwen.cli", "import", str(big)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert cli.returncode == 2
    assert error.split(": ", 1)[1] in cli.stderr, (error, cli.stderr)
    # a DOCX of more paragraphs than any letter: counted before a parser sees it
    body = "<w:p/>" * (limits.MAX_DOCX_PARAGRAPHS + 10)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", f"<w:document><w:body>{body}</w:body></w:document>")
    response = client.post("/api/import", params={"name": "多.docx"}, content=buffer.getvalue())
    assert response.status_code == 400 and "段落过多" in response.json()["error"]


def test_upload_a_yaml(client: TestClient) -> None:
    response = client.post("/api/upload", params={"name": "来信.yaml"},
                           content=SMALL.encode("gb18030"))
    assert response.status_code == 200
    page = client.get("/edit", params={"draft": response.json()["draft"]}).text
    assert "示例市某局" in page
    response = client.post("/api/upload", params={"name": "l.yaml"}, content=_reference_docx())
    assert response.status_code == 400
    assert "Word 文档" in response.json()["error"] and "导入" in response.json()["error"]


# --------------------------------------------------------------------------------------------
# Outputs, check, diff


def test_downloads_are_the_api_bytes(client: TestClient) -> None:
    text = REFERENCE_YAML.read_text(encoding="utf-8")
    letter = gongwen.loads(text, name="reference.yaml")
    for fmt in ("pdf", "docx", "ofd"):
        response = client.post(f"/api/export/{fmt}", json={"yaml": text, "file": "reference.yaml"})
        assert response.status_code == 200
        assert response.content == gongwen.render(letter, [fmt], fonts="open").outputs[fmt]
        assert f"reference.{fmt}" in response.headers["content-disposition"]
    svg = client.post("/api/export/svg", json={"yaml": text, "file": "reference.yaml"})
    names = zipfile.ZipFile(io.BytesIO(svg.content)).namelist()
    assert names == [f"reference-{n}.svg" for n in range(1, 7)]
    yaml = client.post("/api/export/yaml", json={"yaml": text, "name": "给我.yaml"})
    assert yaml.content.decode("utf-8") == text
    assert "filename*=UTF-8''%E7%BB%99%E6%88%91.yaml" in yaml.headers["content-disposition"]
    assert client.post("/api/export/odt", json={"yaml": text}).status_code == 404
    bad = client.post("/api/export/pdf", json={"yaml": SMALL.replace("2024-02-28", "x")})
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "signature.date"


def test_check_points_at_pages_and_lines(client: TestClient) -> None:
    text = SMALL.replace("我们做了大量工作。", "——" * 30)  # dashes split over lines
    response = client.post("/api/check", json={"yaml": text, "name": "small.yaml"})
    assert response.status_code == 200
    report = response.json()
    assert report["schema"].startswith("gongwen-check/") and report["file"] == "small.pdf"
    located = [f for f in report["findings"] if f["line"]]
    assert located, report["findings"]
    layout = gongwen.render(gongwen.loads(text), [], fonts="open").layout
    for finding in located:
        box = finding["box"]
        lines = layout.pages[finding["page"] - 1].lines
        # the box is a typeset line of that page, the one the finding names
        (line,) = [ln for ln in lines if abs(ln.y - (box["top"] + 0.88 * ln.size)) < 1.5]
        assert "——" in line.text and line.x0 == pytest.approx(box["x0"], abs=0.5)
    clean = client.post("/api/check", json={"yaml": REFERENCE_YAML.read_text(encoding="utf-8")})
    assert clean.json()["summary"]["errors"] == 0


def test_diff_against_an_uploaded_reference(client: TestClient) -> None:
    text = REFERENCE_YAML.read_text(encoding="utf-8")
    body = {"yaml": text, "file": "reference.yaml", "reference_name": "公布.txt",
            "reference": base64.b64encode(REFERENCE_TEXT.read_bytes()).decode()}
    answer = client.post("/api/diff", json=body).json()
    assert answer["identical"] is True and '<table id="diff">' in answer["html"]
    assert "A：reference.yaml" in answer["html"] and "B：公布.txt" in answer["html"]
    changed = dict(body, yaml=text.replace("2022-09-29", "2022-09-30"))
    answer = client.post("/api/diff", json=changed).json()
    assert answer["identical"] is False
    assert "<del>30</del>" in answer["html"] and "<ins>29</ins>" in answer["html"]
    broken = dict(body, reference="not base64!")
    assert client.post("/api/diff", json=broken).status_code == 400


# --------------------------------------------------------------------------------------------
# Saving: containment, conflicts


def test_save_a_new_letter_and_open_it_again(client: TestClient, folder: Path) -> None:
    response = client.post("/api/save", json={"file": "sub/new.yaml", "yaml": SMALL, "base": None})
    assert response.status_code == 200
    assert (folder / "sub" / "new.yaml").read_text(encoding="utf-8") == SMALL
    assert response.json()["base"] == digest(SMALL.encode())
    again = client.post("/api/save", json={"file": "sub/new.yaml", "yaml": "x: 1\n", "base": None})
    assert again.status_code == 409 and "文件已存在" in again.json()["error"]
    assert (folder / "sub" / "new.yaml").read_text(encoding="utf-8") == SMALL
    assert "sub/new.yaml" in client.get("/").text


def test_the_later_of_two_saves_is_refused_and_nothing_is_lost(client: TestClient,
                                                                folder: Path) -> None:
    path = folder / "small.yaml"
    base = digest(path.read_bytes())
    first = SMALL.replace("工作情况", "甲的修改")
    second = SMALL.replace("工作情况", "乙的修改")
    ok = client.post("/api/save", json={"file": "small.yaml", "yaml": first, "base": base})
    assert ok.status_code == 200
    late = client.post("/api/save", json={"file": "small.yaml", "yaml": second, "base": base})
    assert late.status_code == 409 and late.json()["conflict"] is True
    assert "已被别人修改并保存" in late.json()["error"] and "另存为" in late.json()["error"]
    assert path.read_text(encoding="utf-8") == first
    chained = client.post("/api/save", json={"file": "small.yaml", "yaml": second,
                                             "base": ok.json()["base"]})
    assert chained.status_code == 200 and path.read_text(encoding="utf-8") == second


def test_two_concurrent_saves_one_wins(folder: Path) -> None:
    path = folder / "small.yaml"
    base = digest(path.read_bytes())
    results: list[int] = []
    barrier = threading.Barrier(8)
    app = create_app(Settings(folder, fonts="open", warm=False))

    def save(n: int) -> None:
        client = TestClient(app, base_url=BASE)
        client.headers["X-Gongwen-CSRF"] = app.state.gongwen.csrf
        barrier.wait()
        text = SMALL.replace("工作情况", f"第{n}份修改")
        response = client.post("/api/save", json={"file": "small.yaml", "yaml": text, "base": base})
        results.append(response.status_code)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [409] * 7
    saved = path.read_text(encoding="utf-8")
    assert saved.count("份修改") == 1 and gongwen.loads(saved).letter
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary files


@pytest.mark.parametrize("name", [
    "../outside.yaml", "/tmp/outside.yaml", "sub/../../outside.yaml", "sub/../../../x.yaml",
    ".hidden.yaml", "sub/.hidden/x.yaml", "notes.txt", "x.yaml\x00.txt", "sub\\..\\..\\x.yaml",
    "", "link/out.yaml", "linked.yaml",
])
def test_saves_never_leave_the_folder(client: TestClient, folder: Path, name: str) -> None:
    outside = folder.parent / "outside"
    outside.mkdir(exist_ok=True)
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / "linked.yaml").symlink_to(outside / "target.yaml")
    before = sorted(p for p in folder.parent.rglob("*"))
    response = client.post("/api/save", json={"file": name, "yaml": SMALL, "base": None})
    assert response.status_code in (400, 403)
    assert "error" in response.json()
    assert sorted(p for p in folder.parent.rglob("*")) == before


@pytest.mark.parametrize("url", [
    "/files/../outside/secret.txt", "/files/%2e%2e/outside/secret.txt",
    "/files/link/secret.txt", "/files/.hidden", "/edit?file=../outside/secret.yaml",
    "/edit?file=link/secret.yaml", "/files//etc/passwd",
])
def test_reads_never_leave_the_folder(client: TestClient, folder: Path, url: str) -> None:
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    (outside / "secret.yaml").write_text(SMALL, encoding="utf-8")
    (folder / "link").symlink_to(outside, target_is_directory=True)
    (folder / ".hidden").write_text("hidden", encoding="utf-8")
    response = client.get(url)
    assert response.status_code in (400, 403, 404)
    assert "TOP-SECRET-CONTENT" not in response.text and "示例市某局" not in response.text


def test_a_link_inside_the_folder_is_followed(client: TestClient, folder: Path) -> None:
    (folder / "alias.yaml").symlink_to(folder / "small.yaml")
    base = digest((folder / "small.yaml").read_bytes())
    response = client.post("/api/save", json={"file": "alias.yaml", "yaml": SMALL + "\n", "base": base})
    assert response.status_code == 200
    assert (folder / "alias.yaml").is_symlink()
    assert (folder / "small.yaml").read_text(encoding="utf-8") == SMALL + "\n"


def test_a_pipe_or_an_oversized_letter_is_refused_as_the_loader_refuses_it(
        client: TestClient, folder: Path) -> None:
    from gongwen import limits

    os.mkfifo(folder / "pipe.yaml")  # opening it for reading would wait for a writer
    (folder / "big.yaml").write_bytes(b"# x\n" * (limits.MAX_YAML_BYTES // 4 + 1))
    for name in ("pipe.yaml", "big.yaml"):
        response = client.get("/edit", params={"file": name})
        assert response.status_code in (400, 403), response.text
        assert name in response.text and str(folder) not in response.text
        saved = client.post("/api/save", json={"file": name, "yaml": SMALL, "base": "0" * 64})
        assert saved.status_code == 400 and str(folder) not in saved.json()["error"]
    assert (folder / "big.yaml").stat().st_size > limits.MAX_YAML_BYTES


# --------------------------------------------------------------------------------------------
# Batch


def test_batch_renders_the_folder_with_progress_and_report(client: TestClient,
                                                           folder: Path) -> None:
    (folder / "broken.yaml").write_text(SMALL.replace("2024-02-28", "2024-02-30"),
                                        encoding="utf-8")
    refused = client.post("/api/batch", json={"out": "../elsewhere", "formats": ["pdf"]})
    assert refused.status_code in (400, 403)
    response = client.post("/api/batch", json={"out": "out", "formats": ["pdf"]})
    assert response.status_code == 200, response.text
    deadline = time.monotonic() + 240
    status = response.json()
    while status["state"] in ("starting", "running") and time.monotonic() < deadline:
        time.sleep(0.3)
        status = client.get("/api/batch").json()
    assert status["state"] == "done", status
    report = status["report"]
    assert report["counts"] == {"rendered": 3, "unchanged": 0, "failed": 1, "cancelled": 0}
    assert status["done"] == status["total"] == 4
    failed = [x for x in report["letters"] if x["status"] == "failed"]
    assert failed[0]["problems"][0]["field"] == "signature.date"
    # the page names files as the folder's list does, without the served folder's path
    assert str(folder) not in json.dumps(report, ensure_ascii=False)
    assert failed[0]["source"] == "broken.yaml", failed[0]
    assert (folder / "out" / "sub" / "example.pdf").is_file()
    saved = json.loads((folder / "out" / "batch-report.json").read_text(encoding="utf-8"))
    assert saved["counts"] == report["counts"]
    pdf = client.get("/files/out/reference.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_docx_import_of_a_rendered_letter_keeps_its_text(client: TestClient) -> None:
    data = _reference_docx()
    document = docx.Document(io.BytesIO(data))
    assert any("株洲" in p.text for p in document.paragraphs)
    draft = client.post("/api/import", params={"name": "r.docx"}, content=data).json()["draft"]
    page = client.get("/edit", params={"draft": draft}).text
    initial = initial_of(page)
    imported = gongwen.loads(initial["yaml"], name="r.yaml")
    assert imported.letter.signature.date == gongwen.load(REFERENCE_YAML).letter.signature.date
