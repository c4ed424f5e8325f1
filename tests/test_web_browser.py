"""The web application in a real browser: ``gongwen serve`` in a subprocess on a free port of
127.0.0.1, the system Chromium driven by Playwright.

The journey: open → new letter from a template → fill the fields → see the preview update →
fix a validation error shown at its field → download the PDF and DOCX (read back with
pdfplumber and python-docx) → import a DOCX → diff against a reference → save → reload and
find the same letter. Then: the body tree's add, move and delete; the form and the YAML tab
showing each other's edits; two tabs saving one file; the preview drawn like the PDF.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import docx
import numpy as np
import pdfplumber
import pypdfium2
import pytest
from PIL import Image

import gongwen

from .conftest import EXAMPLE_LETTER, REFERENCE_TEXT, REFERENCE_YAML
from .docx_paragraphs import paragraphs_in_order
from .web_browser import browser, preview_text, served, wait_preview


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("served")
    shutil.copy(REFERENCE_YAML, root / "reference.yaml")
    shutil.copy(EXAMPLE_LETTER, root / "example.yaml")
    return root


@pytest.fixture(scope="module")
def address(folder: Path) -> Iterator[str]:
    with served(folder) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with browser() as instance:
        yield instance


@pytest.fixture
def page(chromium, tmp_path: Path):
    context = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], errors  # no script error on any page


def flat(page) -> str:
    """The preview's text without its line breaks."""
    return preview_text(page).replace("\n", "")


def field(page, name: str, control: str = "input[data-path], textarea[data-path], select[data-path]"):
    return page.locator(f'[data-field="{name}"]').first.locator(control).first


def message(page, name: str):
    return page.locator(f'[data-field="{name}"] > .msg').first


def test_journey(page, address: str, folder: Path, tmp_path: Path) -> None:
    # open: the start page lists the folder's letters and the templates
    page.goto(address + "/")
    assert page.locator("#letters a").all_text_contents() == ["example.yaml", "reference.yaml"]

    # a new letter from a template
    form = page.locator('form.template[data-kind="proposal"]')
    form.locator('[name="proposal_title"]').fill("关于加快示例新区产业园区建设的建议")
    form.locator('[name="addressees"]').fill("张示例委员")
    form.locator('[name="organ"]').fill("示例市发展和改革委员会")
    form.locator('button[type="submit"]').click()
    page.wait_for_url("**/edit?draft=*")
    stamp = wait_preview(page)
    assert "关于加快示例新区产业园区建设的建议" in flat(page)
    assert page.locator("#doc-state").text_content() == "未保存"

    # fill the fields: the preview follows
    field(page, "header.doc_number").fill("示发改函〔2024〕7号")
    field(page, "title").fill("关于市政协十二届三次会议第0042号提案的答复")
    stamp = wait_preview(page, stamp)
    page.wait_for_function("() => document.querySelector('#pages .page-text')"
                           ".textContent.includes('示发改函〔2024〕7号')")
    assert "关于市政协十二届三次会议第0042号提案的答复" in flat(page)

    # a validation error is shown at its field, in the CLI's words, and fixed there
    field(page, "signature.date", 'input[data-kind="text"]').fill("2024-02-30")
    date_message = message(page, "signature.date")
    date_message.get_by_text("日期无效").wait_for()
    assert "请写作 2022-09-29 或 2022年9月29日" in date_message.text_content()
    assert "signature.date: 日期无效" in page.locator("#problems").text_content()
    assert "stale" in page.locator("#pages").get_attribute("class")
    field(page, "signature.date", "input.picker").fill("2024-02-28")
    page.wait_for_function("() => !document.querySelector('[data-field=\"signature.date\"] > .msg').textContent")
    stamp = wait_preview(page, stamp)
    assert "2024年2月28日" in flat(page)
    assert field(page, "signature.date", 'input[data-kind="text"]').input_value() == "2024-02-28"

    # download the PDF and the DOCX
    with page.expect_download() as pdf_download:
        page.locator('button.download[data-format="pdf"]').click()
    pdf_path = tmp_path / pdf_download.value.suggested_filename
    pdf_download.value.save_as(pdf_path)
    assert pdf_path.name == "proposal.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    for words in ("示例市发展和改革委员会", "示发改函〔2024〕7号", "2024年2月28日", "张示例委员"):
        assert words in text.replace("\n", "")
    with page.expect_download() as docx_download:
        page.locator('button.download[data-format="docx"]').click()
    docx_path = tmp_path / docx_download.value.suggested_filename
    docx_download.value.save_as(docx_path)
    paragraphs = [p.text for p in paragraphs_in_order(docx.Document(str(docx_path)))]
    assert any("第0042号提案的答复" in p for p in paragraphs)
    assert any("2024年2月28日" in p for p in paragraphs)

    # save into the served folder, then reload and find the same letter
    yaml_before = page.evaluate("() => state.yaml")
    page.locator("#save").click()
    page.locator("#save-as-name").fill("示例答复")
    page.locator('#save-as-form button[type="submit"]').click()
    page.wait_for_function("() => document.getElementById('doc-state').textContent.startsWith('已保存')")
    saved = folder / "示例答复.yaml"
    assert saved.read_text(encoding="utf-8") == yaml_before
    assert gongwen.load(saved).letter.header.doc_number == "示发改函〔2024〕7号"
    page.reload()
    wait_preview(page)
    assert page.locator("#doc-name").text_content() == "示例答复.yaml"
    assert field(page, "header.doc_number").input_value() == "示发改函〔2024〕7号"
    assert field(page, "signature.date", 'input[data-kind="text"]').input_value() == "2024-02-28"
    assert page.evaluate("() => state.yaml") == yaml_before
    page.goto(address + "/")
    assert "示例答复.yaml" in page.locator("#letters").text_content()

    # import a DOCX (the reference letter as gongwen writes it)
    reference_docx = tmp_path / "公布的答复.docx"
    reference_docx.write_bytes(
        gongwen.render(gongwen.load(REFERENCE_YAML), ["docx"], fonts="open").outputs["docx"]
    )
    page.locator("#import-file").set_input_files(str(reference_docx))
    page.locator("#import-button").click()
    page.wait_for_url("**/edit?draft=*")
    wait_preview(page)
    assert field(page, "addressees").input_value() == "欧阳元初委员"
    assert page.locator("#doc-name").text_content() == "公布的答复.yaml"

    # diff against the published text: shown as gongwen diff's HTML report
    page.locator('.tab[data-tab="diff"]').click()
    page.locator("#diff-file").set_input_files(str(REFERENCE_TEXT))
    page.locator("#diff-run").click()
    report = page.frame_locator("#diff-report")
    report.locator("#summary").wait_for()
    assert report.locator("table#diff tbody tr").count() >= 15
    assert page.locator("#diff-summary").text_content() in ("相同", "有不同之处（见下表）")
    assert "公布的答复.yaml" in report.locator("p.meta").text_content()


def test_body_tree_add_move_delete(page, address: str) -> None:
    page.goto(address + "/edit?file=example.yaml")
    stamp = wait_preview(page)
    blocks = page.locator('[data-field="body"] > .block')
    count = blocks.count()
    page.locator('[data-field="body"] > .adds button', has_text="小节").click()
    heading = field(page, f"body[{count}].heading")
    heading.wait_for()
    assert heading.evaluate("el => el === document.activeElement")
    message(page, f"body[{count}].heading").get_by_text("不能为空").wait_for()
    heading.fill("新增小节")
    page.wait_for_function(f"() => !document.querySelector('[data-field=\"body[{count}].heading\"] > .msg').textContent")
    stamp = wait_preview(page, stamp)
    assert "新增小节" in flat(page)
    # up one place: it comes before the item that was above it
    page.locator(f'[data-field="body[{count}]"] > .item-head [data-op="up"]').click()
    field(page, f"body[{count - 1}].heading").wait_for()
    page.wait_for_function(f"() => document.querySelector('[data-field=\"body[{count - 1}].heading\"] input').value === '新增小节'")
    yaml = page.evaluate("() => state.yaml")
    assert yaml.index("新增小节") < yaml.index("感谢您对发展改革工作的关心和支持")
    # into the section above it, then out again
    page.locator(f'[data-field="body[{count - 1}]"] > .item-head [data-op="in"]').click()
    page.wait_for_function(f"() => state.data.body.length === {count}")
    inner = page.evaluate(f"() => state.data.body[{count - 2}].body.at(-1).heading")
    assert inner == "新增小节"
    # delete it
    depth = page.evaluate(f"() => state.data.body[{count - 2}].body.length")
    page.locator(f'[data-field="body[{count - 2}].body[{depth - 1}]"] > .item-head [data-op="remove"]').click()
    page.wait_for_function("() => !state.yaml.includes('新增小节')")
    wait_preview(page, stamp)
    assert "新增小节" not in flat(page)


def test_form_and_yaml_show_each_other(page, address: str) -> None:
    page.goto(address + "/edit?file=example.yaml")
    stamp = wait_preview(page)
    field(page, "note").fill("此件依申请公开")
    page.wait_for_function("() => state.yaml.includes('note: 此件依申请公开')")
    stamp = wait_preview(page, stamp)
    page.locator('.tab[data-tab="yaml"]').click()
    yaml_box = page.locator("#yaml")
    assert "note: 此件依申请公开" in yaml_box.input_value()
    yaml_box.fill(yaml_box.input_value().replace("张示例委员", "李示例代表"))
    stamp = wait_preview(page, stamp)
    assert "李示例代表" in flat(page)
    page.locator('.tab[data-tab="form"]').click()
    assert field(page, "addressees").input_value() == "李示例代表"
    # a YAML mistake is listed with its line; clicking it selects that line
    yaml_box_text = yaml_box.input_value().replace("format: letter", "format: [letter")
    page.locator('.tab[data-tab="yaml"]').click()
    yaml_box.fill(yaml_box_text)
    page.locator("#problems li.error").first.wait_for()
    assert "YAML 语法错误" in page.locator("#problems").text_content()


def test_two_tabs_saving_one_file(chromium, address: str, folder: Path) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.goto(address + "/edit?file=example.yaml")
        wait_preview(tab)
    field(first, "note").fill("甲的修改")
    first.wait_for_function("() => state.yaml.includes('甲的修改')")
    first.locator("#save").click()
    first.wait_for_function("() => document.getElementById('doc-state').textContent.startsWith('已保存')")
    field(second, "note").fill("乙的修改")
    second.wait_for_function("() => state.yaml.includes('乙的修改')")
    second.locator("#save").click()
    banner = second.locator("#banner-text")
    banner.get_by_text("已被别人修改并保存").wait_for()
    assert "这次没有保存" in banner.text_content()
    path = folder / "example.yaml"
    assert "甲的修改" in path.read_text(encoding="utf-8")
    assert "乙的修改" in second.evaluate("() => state.yaml")  # nothing lost
    second.locator("#banner-save-as").click()
    second.locator("#save-as-name").fill("example-乙.yaml")
    second.locator('#save-as-form button[type="submit"]').click()
    second.wait_for_function("() => document.getElementById('doc-state').textContent.startsWith('已保存')")
    assert "乙的修改" in (folder / "example-乙.yaml").read_text(encoding="utf-8")
    assert "甲的修改" in path.read_text(encoding="utf-8")
    context.close()


def _grey(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def test_preview_is_drawn_like_the_pdf(chromium, page, address: str) -> None:
    """The preview's page 1, as the editor holds it (its SVG and the outlines it uses), drawn
    by Chromium at the origin, against pdfium's drawing of the PDF at the same scale."""
    page.goto(address + "/edit?file=reference.yaml")
    wait_preview(page)
    pdf = gongwen.render(gongwen.load(REFERENCE_YAML), ["pdf"], fonts="open").outputs["pdf"]
    document = pypdfium2.PdfDocument(pdf)
    assert page.locator("#pages .page svg").count() == len(document) == 6
    markup = page.evaluate(
        "() => document.getElementById('glyphs').outerHTML"
        " + document.querySelector('#pages .page svg').outerHTML"
    )
    context = chromium.new_context(device_scale_factor=2, viewport={"width": 900, "height": 1200})
    blank = context.new_page()
    width, height = document[0].get_size()
    blank.set_content("<body style='margin:0'>" + markup.replace(
        'width="100%"', f'style="display:block" width="{width}pt" height="{height}pt"') + "</body>")
    shot = _grey(blank.locator("svg[data-page]").screenshot())
    context.close()
    h, w = shot.shape
    rendered = [
        np.asarray(document[i].render(scale=w / document[i].get_width()).to_pil()
                   .convert("L"), dtype=float)[:h, :w]
        for i in (0, 1)
    ]
    assert (shot < 128).sum() > 40_000  # the page has its text
    same = _nearest(shot, rendered[0])
    other = _nearest(shot, rendered[1])
    # the same page differs only by anti-aliasing (two rasterisers, Skia and pdfium, at most
    # one device pixel apart); another page differs wholly
    assert same < 5.0, same
    assert other > 2.5 * same, (same, other)


def _nearest(a: np.ndarray, b: np.ndarray) -> float:
    """The mean grey difference of two drawings at the best shift of at most one pixel."""
    h, w = a.shape
    return min(
        float(np.abs(a[2:h - 2, 2:w - 2] - b[2 + dy:h - 2 + dy, 2 + dx:w - 2 + dx]).mean())
        for dy in (-1, 0, 1) for dx in (-1, 0, 1)
    )


def test_check_points_at_the_line_and_the_batch_page_reports(page, address: str,
                                                             folder: Path) -> None:
    # a row of dashes long enough to break over lines: check points at those lines
    text = EXAMPLE_LETTER.read_text(encoding="utf-8")
    assert "感谢您对发展改革工作的关心和支持。" in text
    (folder / "破折号.yaml").write_text(
        text.replace("感谢您对发展改革工作的关心和支持。", "——" * 30), encoding="utf-8")
    page.goto(address + "/edit?file=破折号.yaml")
    wait_preview(page)
    page.locator('.tab[data-tab="check"]').click()
    page.locator("#check-run").click()
    finding = page.locator("#findings li[data-page]").first
    finding.wait_for()
    number = int(finding.get_attribute("data-page"))
    assert f"第{number}页第" in finding.locator(".finding-head").text_content()
    finding.click()
    mark = page.locator("#pages .highlight")
    mark.wait_for()
    # the mark covers the dashes' line in the page the finding names
    preview_page = page.locator("#pages > *").nth(number - 1)
    assert preview_page.locator(".highlight").count() == 1
    box, frame = mark.bounding_box(), preview_page.bounding_box()
    assert box and frame
    assert frame["y"] < box["y"] < box["y"] + box["height"] < frame["y"] + frame["height"]
    assert frame["x"] < box["x"] < box["x"] + box["width"] < frame["x"] + frame["width"]
    assert box["width"] > frame["width"] / 2  # a full line of dashes

    # the batch page renders every letter of the folder, with progress and a report
    letters = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml"))
    page.goto(address + "/batch")
    page.locator("#batch-out").fill("排版结果")
    page.locator("#batch-start").click()
    page.wait_for_function("() => document.getElementById('summary').textContent",
                           timeout=240_000)
    assert page.locator("#progress-bar").get_attribute("value") == str(len(letters))
    rows = page.locator("#results tbody tr")
    assert sorted(rows.locator("td:first-child").all_text_contents()) == letters
    assert page.locator('#results tbody tr[data-status="rendered"]').count() == len(letters)
    assert (folder / "排版结果" / "破折号.pdf").is_file()
    report = page.locator("#summary a")
    assert report.text_content() == "排版结果/batch-report.json"
    link = rows.locator("a", has_text="破折号.pdf").first.get_attribute("href")
    pdf = page.request.get(address + link)
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
