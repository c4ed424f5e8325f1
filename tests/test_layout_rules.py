"""GB/T 9704 and CLREQ layout rules, measured on gongwen's PDF and on LibreOffice's rendering
of gongwen's DOCX: joint 文件格式 marks (7.2.3), hanging 附件说明 items (7.3.4), 正文 on the
signature page (decision 10), UAX #14 breaks in URLs and number runs, loose lines, the
信函格式 first page's last line (10.1), the seal beneath the text (7.3.5.1), typed heading
numbers and template placeholders.

Every test letter is rendered once (PDF and DOCX) and every DOCX goes through one LibreOffice
run; the measurements come from the PDFs' glyphs and strokes (pdfplumber) and pixels
(pypdfium2), never from the layout's own numbers.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from uniseg.linebreak import line_break_boundaries

from gongwen import spec
from gongwen.check import Severity, check_file
from gongwen.compose import compose
from gongwen.document import Document
from gongwen.loader import dump_data, load_letter_with_sources
from gongwen.pipeline import render_letter
from gongwen.spec import CHAR_PITCH, LINE_PITCH, TYPE_AREA_WIDTH, TYPE_LEFT, Role

from . import pdf_checks as pc
from .libreoffice import convert_to_pdf, require_soffice
from .test_docx import png

ROOT = Path(__file__).resolve().parent.parent
MM = spec.mm(1)
EM_DESCENT = 0.12  # ideographic em box bottom below the baseline, in em
LOOSE = spec.LOOSE_GAP_EM * spec.BODY_SIZE

BODY = (
    "我委高度重视园区建设工作，会同有关部门深入调研，认真研究，逐条落实各项建议，"
    "推动园区基础设施建设和产业集聚发展取得明显成效，园区综合实力进一步增强。"
)
URL = "http://fgw.example.gov.cn/c14953/20220929/i1912345.html"
URL_PARAGRAPH = (
    f"有关政策文件已在网上公开，详细内容请登录网站（{URL}）查询，"
    "也可拨打服务热线咨询，我们将及时答复。"
)
NUMBERS = (
    "今年上半年，全市市场主体已超 412778家，其中新增“四上”企业238家，全省排名第二；"
    "全市新增市场主体 84292户，超额完成全年目标任务，小规模纳税25686 户、一般纳税人1561 户，"
    "分别完成全年目标任务55.6%、86.82%。2021年全市地区生产总值3420.26亿元，同比增长8.2%；"
    "规模以上工业增加值增长10.4%，固定资产投资增长9.6%，社会消费品零售总额1408.7亿元，"
    "增长14.1%；城镇居民人均可支配收入52731元，农村居民人均可支配收入25617元。"
)
ORGANS = ["株洲市发展和改革委员会", "株洲市工业和信息化局", "株洲市财政局"]
LONG_ATTACHMENTS = [
    "株洲市发展和改革委员会关于二〇二二年度重点产业项目建设推进情况和下一步工作安排"
    "及有关政策文件汇编的说明材料清单目录",
    "示例清单",
    "株洲市工业和信息化局关于产业园区标准厂房建设情况和招商引资重点项目签约落地情况"
    "的统计汇总表及有关说明材料目录清单汇编",
]


def letter(fmt: str = "plain", body: list | None = None, **extra) -> dict:
    data = {
        "format": fmt,
        "title": "关于市政协十二届三次会议第0042号提案的答复",
        "addressees": ["欧阳元初委员"],
        "body": body or ["您提出的《关于加快产业发展的建议》收悉。现答复如下：", BODY, BODY],
        "signature": {"organs": [ORGANS[0]], "date": "2022-09-29"},
    }
    if fmt != "plain":
        data["header"] = {"organs": [ORGANS[0]], "doc_number": "株发改函〔2022〕12号"}
    data.update(extra)
    return data


def joint(n: int) -> dict:
    data = letter("document")
    data["header"]["organs"] = ORGANS[:n]
    data["signature"]["organs"] = ORGANS[:n]
    return data


LETTERS: dict[str, dict] = {
    "joint2": joint(2),
    "joint3": joint(3),
    "attachments": letter(attachments=[{"title": t} for t in LONG_ATTACHMENTS]),
    "url": letter(body=[URL_PARAGRAPH, BODY]),
    "numbers": letter(body=[NUMBERS, NUMBERS[:60] + BODY]),
    "letter_full": letter("letter", body=["您提出的建议收悉。现答复如下：", *[BODY] * 8]),
    "seal": letter(signature={"organs": [ORGANS[0]], "date": "2022-09-29",
                              "seal": {"mode": "image", "image": "seal.png"}}),
    "typed": letter(body=[
        "您提出的建议收悉。现答复如下：",
        {"heading": "一、工作情况", "body": [
            {"heading": "（一）突出规划引领。", "text": "聚焦战略定位，" + BODY},
            {"heading": "(二)强化要素保障", "body": ["（请在此写明办理主要做法。）"]},
        ]},
        {"heading": "（一）下一步打算", "body": [BODY]},
    ]),
}


@dataclasses.dataclass
class Case:
    doc: Document
    warnings: list[str]
    pdf: object  # pdfplumber PDF of gongwen's PDF
    pdf_path: Path
    lo: object  # pdfplumber PDF of LibreOffice's rendering of gongwen's DOCX
    lo_path: Path


@pytest.fixture(scope="module")
def cases(tmp_path_factory) -> dict[str, Case]:
    require_soffice()
    tmp = tmp_path_factory.mktemp("rules")
    (tmp / "seal.png").write_bytes(png(64, 64))  # opaque red
    rendered = {}
    docx_paths = []
    for name, data in LETTERS.items():
        path = tmp / f"{name}.yaml"
        path.write_text(dump_data(data), encoding="utf-8")
        letter_, sources = load_letter_with_sources(path)
        r = render_letter(letter_, fonts="open", base_dir=tmp, sources=sources)
        (tmp / f"{name}.pdf").write_bytes(r.outputs["pdf"])
        (tmp / f"{name}.docx").write_bytes(r.outputs["docx"])
        rendered[name] = r
        docx_paths.append(tmp / f"{name}.docx")
    lo_dir = tmp / "lo"
    lo_dir.mkdir()
    lo_pdfs = convert_to_pdf(docx_paths, lo_dir)
    out = {}
    for (name, r), lo in zip(rendered.items(), lo_pdfs, strict=True):
        path = tmp / f"{name}.pdf"
        out[name] = Case(r.document, [str(w) for w in r.warnings], pc.open_pdf(path), path,
                         pc.open_pdf(lo), lo)
    yield out
    for case in out.values():
        case.pdf.close()
        case.lo.close()


def both(case: Case):
    return (("gongwen", case.pdf, 0.3), ("LibreOffice", case.lo, 0.6 * MM))


def red_chars(pdf) -> list[pc.PdfChar]:
    return [c for c in pc.page_chars(pdf.pages[0]) if pc.is_red(c.color) and c.text.strip()]


# --- 1. joint 文件格式 marks (7.2.3, decision 16) -------------------------------------------
@pytest.mark.parametrize("name, n", [("joint2", 2), ("joint3", 3)])
def test_joint_mark_stacks_names_with_one_suffix_centred(cases, name, n):
    case = cases[name]
    for who, pdf, tol in both(case):
        chars = red_chars(pdf)
        text = "".join(c.text for c in chars)
        assert text.count("文件") == 1, (who, text)
        suffix = [c for c in chars if c.text in "文件" and c.x0 > TYPE_LEFT + 100]
        names = [c for c in chars if c not in suffix]
        rows: dict[int, list[pc.PdfChar]] = {}
        for c in names:
            rows.setdefault(round(c.baseline), []).append(c)
        assert len(rows) == n, (who, sorted(rows))
        lefts = [min(c.x0 for c in r) for r in rows.values()]
        rights = [max(c.x1 for c in r) for r in rows.values()]
        assert max(lefts) - min(lefts) < tol and max(rights) - min(rights) < tol, who
        assert min(c.x0 for c in suffix) > max(rights), who  # to the right of the stack
        stack_mid = (min(c.top for c in names) + max(c.bottom for c in names)) / 2
        word_mid = (min(c.top for c in suffix) + max(c.bottom for c in suffix)) / 2
        assert word_mid == pytest.approx(stack_mid, abs=max(tol, 1.0)), who
        centre = (min(lefts) + max(c.x1 for c in suffix)) / 2
        assert centre == pytest.approx(TYPE_LEFT + TYPE_AREA_WIDTH / 2, abs=1 * MM), who


# --- 2. 附件说明 (7.3.4) ----------------------------------------------------------------------
def test_attachment_items_hang_under_the_name(cases):
    case = cases["attachments"]
    for who, pdf, tol in both(case):
        lines = [ln for p in pdf.pages for ln in pc.body_lines(p)]
        start = next(i for i, ln in enumerate(lines) if ln.text.startswith("附件："))
        block = lines[start : start + 7]
        texts = [ln.text for ln in block]
        assert texts[0].startswith("附件：1.株洲市"), (who, texts)  # "1.XXXX", no space
        items = [i for i, t in enumerate(texts) if re.match(r"^(附件：)?\d\.", t)]
        assert [texts[i].split(".")[0][-1] for i in items] == ["1", "2", "3"], (who, texts)
        number_x = []
        for k, i in enumerate(items):
            chars = block[i].chars
            dot = next(j for j, c in enumerate(chars) if c.text == ".")
            number_x.append(chars[dot - 1].x0)
            name_x = chars[dot + 1].x0
            end = items[k + 1] if k + 1 < len(items) else len(block)
            wrapped = block[i + 1 : end]
            if k != 1:  # the long names wrap twice, under the name's first character
                assert len(wrapped) == 2, (who, texts)
            for ln in wrapped:
                assert ln.chars[0].x0 == pytest.approx(name_x, abs=tol), (who, ln.text)
        assert max(number_x) - min(number_x) < tol, who  # "2." and "3." under "1."


# --- 3. 正文 on the signature page (decision 10) -------------------------------------------
def compact(s: str) -> str:
    return re.sub(r"\s+", "", s)


def text_lines_with_signature(pdf, doc: Document) -> tuple[int, int]:
    """(正文 lines above the 署名 on its page, all lines above it) in a rendered letter."""
    body = [compact(b.text) for b in doc.blocks if b.role is Role.BODY or b.run_in]
    other = [compact(b.text) for b in doc.blocks
             if b.role in (Role.ATTACHMENT_NOTE, Role.CONTACT, Role.NOTE)
             or (b.level and not b.run_in)]
    date = compact(next(b.text for b in doc.blocks if b.role is Role.DATE))
    first_sig = compact(next(b.text for b in doc.blocks if b.role is Role.SIGNATURE))
    for page in pdf.pages:
        lines = pc.body_lines(page)
        texts = [compact(ln.text) for ln in lines]
        if date not in texts:
            continue
        sig = texts.index(first_sig) if first_sig in texts else texts.index(date) - 1
        above = [t for t in texts[:sig] if t]
        text = [t for t in above if any(t in b for b in body) and not any(t in o for o in other)]
        return len(text), len(above)
    raise AssertionError("no date line found")


@pytest.fixture(scope="module")
def bench_set(tmp_path_factory):
    """60+ generated bench_set letters rendered by gongwen, the first 24 DOCX also by
    LibreOffice."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.generate import generate

    tmp = tmp_path_factory.mktemp("bench")
    paths = generate(tmp / "letters", 64)
    out = []
    for path in paths:
        letter_, sources = load_letter_with_sources(path)
        r = render_letter(letter_, fonts="open", base_dir=path.parent, sources=sources)
        pdf, docx = tmp / f"{path.stem}.pdf", tmp / f"{path.stem}.docx"
        pdf.write_bytes(r.outputs["pdf"])
        docx.write_bytes(r.outputs["docx"])
        out.append((path, r.document, pdf, docx))
    return tmp, out


def test_signature_page_holds_two_lines_of_text(bench_set):
    _, letters = bench_set
    short = []
    for path, doc, pdf_path, _ in letters:
        with pc.open_pdf(pdf_path) as pdf:
            text, above = text_lines_with_signature(pdf, doc)
        if text < spec.SIGNATURE_MIN_LINES_BEFORE:
            short.append((path.stem, text, above))
    assert not short


def test_signature_page_holds_two_lines_of_text_in_libreoffice(bench_set):
    require_soffice()
    tmp, letters = bench_set
    chosen = letters[:24]
    lo_dir = tmp / "lo"
    lo_dir.mkdir(exist_ok=True)
    pdfs = convert_to_pdf([docx for *_, docx in chosen], lo_dir)
    short = []
    for (path, doc, *_), lo in zip(chosen, pdfs, strict=True):
        with pc.open_pdf(lo) as pdf:
            text, above = text_lines_with_signature(pdf, doc)
        if text < spec.SIGNATURE_MIN_LINES_BEFORE:
            short.append((path.stem, text, above))
    assert not short


def _errors(path: Path) -> list[str]:
    report = check_file(path)
    return [f"{path.name}: {f.rule} {f.where} {f.measured}" for f in report.findings
            if f.severity is Severity.ERROR]


def test_check_finds_no_error_in_the_benchmark_outputs(bench_set):
    """`gongwen check` on every PDF and DOCX gongwen made of 64 generated letters."""
    _, letters = bench_set
    files = [f for *_, pdf, docx in letters for f in (pdf, docx)]
    with ProcessPoolExecutor(2) as pool:
        errors = [e for found in pool.map(_errors, files) for e in found]
    assert not errors


# --- 4. URLs: UAX #14 breaks, never against kinsoku ----------------------------------------
def breaks_inside(pdf, run: str) -> list[int]:
    """Offsets inside ``run`` where a line of ``pdf`` ends (the run may span lines)."""
    text = "\n".join(ln.text for p in pdf.pages for ln in pc.body_lines(p))
    start = text.replace("\n", "").find(run)
    assert start >= 0
    out, pos = [], 0
    for line in text.split("\n"):
        pos += len(line)
        if start < pos < start + len(run):
            out.append(pos - start)
    return out


def test_url_breaks_at_uax14_opportunities_without_kinsoku_violations(cases):
    case = cases["url"]
    allowed = set(line_break_boundaries(URL))
    for who, pdf, _ in both(case):
        assert not pc.kinsoku_violations(pdf), who
        cuts = breaks_inside(pdf, URL)
        assert set(cuts) <= allowed, (who, cuts)
        assert cuts or who == "LibreOffice"  # LibreOffice may set the URL on one line
    # gongwen's lines stay on the grid: no gap grows by more than LOOSE_GAP_EM
    assert max_spread(case.pdf) <= LOOSE + 0.05
    assert not [w for w in case.warnings if "过松" in w]


def max_spread(pdf) -> float:
    """The largest extra space between two full-width characters on a justified line."""
    worst = 0.0
    for p in pdf.pages:
        lines = pc.body_lines(p)
        for ln in lines[:-1]:
            cs = ln.chars
            if not cs or cs[-1].x1 < spec.TYPE_RIGHT - CHAR_PITCH:
                continue  # a paragraph's last line
            for a, b in itertools.pairwise(cs):
                if pc.is_wide(a.text) and pc.is_wide(b.text):
                    worst = max(worst, b.x0 - a.x0 - CHAR_PITCH)
    return worst


# --- 5. loose lines and numbers ------------------------------------------------------------
def test_number_heavy_paragraph_has_no_loose_line_and_no_split_number(cases):
    case = cases["numbers"]
    numbers = re.findall(r"\d[\d.%]*", NUMBERS)
    for who, pdf, _ in both(case):
        assert not pc.kinsoku_violations(pdf), who
        for n in numbers:
            assert not breaks_inside(pdf, n), (who, n)
    assert max_spread(case.pdf) <= LOOSE + 0.05
    assert not [w for w in case.warnings if "过松" in w]


def test_a_loose_line_is_reported(tmp_path):
    """A line that neither compression nor moving characters can tighten is reported."""
    data = letter(body=["甲" * 20 + "A" * 60 + "乙" * 10])
    path = tmp_path / "loose.yaml"
    path.write_text(dump_data(data), encoding="utf-8")
    letter_, sources = load_letter_with_sources(path)
    r = render_letter(letter_, ["pdf"], fonts="open", sources=sources)
    assert [w for w in r.warnings if w.field.startswith("body[0]") and "过松" in w.message]


# --- 6. 信函格式: page 1's last line 7/8 of a 3号 character above the lower lines (10.1) ----
def test_letter_format_first_page_last_line_above_the_lower_lines(cases):
    case = cases["letter_full"]
    want = spec.LETTER_TEXT_ABOVE_BOTTOM_RULE
    for who, pdf, _ in both(case):
        page = pdf.pages[0]
        red = [s for s in pc.red_segments(page) if s.y > spec.PAGE_HEIGHT / 2]
        thin = min(red, key=lambda s: s.y)
        rule_top = thin.y - thin.width / 2
        lines = pc.body_lines(page, bottom=rule_top)
        last = lines[-1]
        gap = rule_top - (last.chars[0].baseline + EM_DESCENT * last.size)
        if who == "gongwen":
            assert gap == pytest.approx(want, abs=0.2)
            assert len(pdf.pages) > 1  # the page is full
        else:  # Word and LibreOffice snap lines to the document grid: never closer than
            # 7/8, and no room for another line
            assert want - 1 * MM <= gap < want + LINE_PITCH, gap


# --- 7. the seal beneath the text (decision 10, 7.3.5.1) -----------------------------------
def dark_share(path: Path, page_no: int, chars: list[pc.PdfChar]) -> float:
    """Share of the glyph boxes' pixels that are dark (ink, not the red seal)."""
    import pypdfium2

    scale = 4
    doc = pypdfium2.PdfDocument(str(path))
    image = doc[page_no].render(scale=scale).to_pil().convert("RGB")
    doc.close()
    dark = total = 0
    for c in chars:
        for x in range(int(c.x0 * scale), int(c.x1 * scale)):
            for y in range(int(c.top * scale), int(c.bottom * scale)):
                r, g, b = image.getpixel((x, y))
                total += 1
                dark += r < 100 and g < 100 and b < 100
    return dark / total


def test_seal_image_does_not_hide_signature_and_date(cases):
    case = cases["seal"]
    for who, pdf, path in (("gongwen", case.pdf, case.pdf_path),
                           ("LibreOffice", case.lo, case.lo_path)):
        page = pdf.pages[-1]
        (image,) = page.images
        lines = pc.body_lines(page)
        sig = next(ln for ln in lines if compact(ln.text) == ORGANS[0])
        date = next(ln for ln in lines if compact(ln.text) == "2022年9月29日")
        covered = [c for ln in (sig, date) for c in ln.chars
                   if image["x0"] <= c.x0 and c.x1 <= image["x1"]
                   and image["top"] <= c.top and c.bottom <= image["bottom"]]
        assert len(covered) >= 8, who  # the seal lies over 署名 and date
        assert dark_share(path, len(pdf.pages) - 1, covered) > 0.03, who
        # 7.3.5.1: centred on the date; 署名 and date below the seal's centre; its top
        # within one line of the text above
        centre = (image["x0"] + image["x1"]) / 2
        assert centre == pytest.approx((sig.x0 + sig.x1) / 2, abs=1 * MM), who
        if who == "gongwen":  # LibreOffice widens the date's digits (decision 17)
            assert centre == pytest.approx((date.x0 + date.x1) / 2, abs=1 * MM)
        assert sig.chars[0].top > (image["top"] + image["bottom"]) / 2 - 1 * MM, who
        above = [ln for ln in lines if ln.chars[0].bottom < sig.chars[0].top - LINE_PITCH]
        assert image["top"] - above[-1].chars[0].bottom < LINE_PITCH, who


# --- 8. typed heading numbers and placeholders ----------------------------------------------
def test_typed_heading_numbers_are_printed_once(cases):
    case = cases["typed"]
    for who, pdf, _ in both(case):
        text = compact(pc.extracted_text(pdf))
        assert "一、工作情况" in text and "（一）突出规划引领。" in text, who
        assert "（二）强化要素保障" in text and "二、下一步打算" in text, who
        assert not re.search(r"一、一、|一、（一）|二、（一）|（一）（一）|（二）\(二\)", text), who
    warnings = "\n".join(case.warnings)
    for field in ("body[1].heading", "body[1].body[0].heading", "body[1].body[1].heading",
                  "body[2].heading"):
        assert f"{field}: 标题文字自带序号" in warnings
    assert "模板占位文字未替换：“（请在此写明办理主要做法。）”" in warnings


def test_validate_and_batch_report_typed_numbers_and_placeholders(tmp_path):
    path = tmp_path / "typed.yaml"
    path.write_text(dump_data(LETTERS["typed"]), encoding="utf-8")
    env = {"PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "gongwen.cli", "validate", str(path)],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    assert "body[1].heading: 标题文字自带序号“一、”" in run.stderr
    assert re.search(r"typed\.yaml:\d+:\d+: 提示：body\[1\]\.heading: ", run.stderr)  # located
    assert "模板占位文字未替换" in run.stderr
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, "-m", "gongwen.cli", "batch", str(tmp_path), "-o",
                          str(out), "-j", "1", "--format", "pdf"],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads((out / ".gongwen-batch.json").read_text(encoding="utf-8"))
    warnings = "\n".join(w["message"] for entry in report["letters"].values()
                         for w in entry.get("warnings", []))
    assert "标题文字自带序号" in warnings and "模板占位文字未替换" in warnings


def test_an_explicit_number_replaces_a_typed_one(tmp_path):
    data = letter(body=[{"heading": "一、工作情况", "number": "三、", "body": [BODY]},
                        {"heading": "1.5亿元项目进展", "body": [BODY]}])
    path = tmp_path / "n.yaml"
    path.write_text(dump_data(data), encoding="utf-8")
    letter_, _ = load_letter_with_sources(path)
    doc = compose(letter_)
    headings = [b.text for b in doc.blocks if b.role is Role.HEADING1]
    assert headings == ["三、工作情况", "二、1.5亿元项目进展"]  # "1.5" is not a number "1."
    assert [w.where for w in doc.warnings] == ["body[0].heading"]
