"""gongwen's DOCX edited as a clerk would (python-docx here), then laid out by LibreOffice
with only the bundled fonts visible: GB/T 9704's rules still hold on the rendering.

Every edit (a shorter and a longer 署名, a 抄送 of three lines, two more body paragraphs and
a new title, a deleted 一、 section) is made on the reference letter, the 信函格式 example
and a generated 文件格式 letter; each result is checked with ``gongwen check`` on
LibreOffice's rendering and by the 署名 and date glyphs (decision 10). The 署名 block is
the table Word re-fits and, for LibreOffice 7.4 (which keeps a table's column as the file
gives it), a frame it re-fits: an edit of the 署名's length keeps decision 10 in both. The
table alone, edited, is kept as a case that ``gongwen check`` reports on LibreOffice's
rendering (a 署名 left of its place, or wrapped).

One soffice start for every case (module fixture). Fails if soffice is missing, unless
GONGWEN_SKIP_LIBREOFFICE=1.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from gongwen import spec
from gongwen.check.docx import check_docx
from gongwen.check.report import Severity
from gongwen.compose import compose
from gongwen.document import Block, Document, LetterFormat, Seal, SealMode, Span
from gongwen.fonts import load_fontset
from gongwen.loader import load_letter
from gongwen.read.pdf import read_pdf_geometry
from gongwen.spec import FontRole, Role

from . import pdf_checks as pc
from .docx_paragraphs import set_signature
from .libreoffice import convert_to_pdf, require_soffice
from .rendering import render_docx, render_pdf

MM = spec.mm(1)
LONG_CC = Block(Role.RECORD_CC, (Span("抄送："), Span("，".join(
    ["市人民政府办公室", "市政协提案委员会", "市人大代表工作委员会", "市财政局", "市审计局",
     "市自然资源和规划局", "市工业和信息化局", "市住房和城乡建设局", "市生态环境局",
     "市交通运输局"]) + "。")))


def paragraphs_of_style(d: docx.document.Document, style_id: str) -> list:
    return [p for p in d.element.body.iter(qn("w:p"))
            if (s := p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")) is not None
            and s.get(qn("w:val")) == style_id]


MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
MC_FALLBACK = f"{MC}Fallback"
MC_ALTERNATE = f"{MC}AlternateContent"


def in_fallback(p) -> bool:
    """Whether ``p`` lies in an ``mc:Fallback`` (LibreOffice's copy of the 署名 block)."""
    return any(a.tag == MC_FALLBACK for a in p.iterancestors())


def set_text(p, text: str) -> None:
    """Replace a paragraph's text (the first run keeps its properties)."""
    runs = p.findall(qn("w:r"))
    runs[0].find(qn("w:t")).text = text
    for r in runs[1:]:
        p.remove(r)


def edit(src: bytes, dst: Path, change) -> Path:
    """python-docx: open ``src``, apply ``change`` to the document, save to ``dst``."""
    import io

    d = docx.Document(io.BytesIO(src))
    change(d)
    d.save(dst)
    return dst


# --- the edits a clerk makes ------------------------------------------------------------
SHORT_ORGAN = "株洲市发改委"
JOINT_ORGAN = "株洲市人民政府办公室"
LONG_ORGAN = "株洲市发展和改革委员会" + JOINT_ORGAN  # wraps after the reference's 署名
NEW_TITLE = "关于示例新区产业园区建设的答复"
NUMERALS = "一二三四五六七八九十"


def set_signatures(organ: str, d) -> None:
    """Each 署名 replaced, in Word's copy of the block (the table) and LibreOffice's (the
    framed paragraph, where the 署名's text ends at a tab)."""
    for p in paragraphs_of_style(d, "Signature"):
        set_signature(p, organ)


shorter_organ = functools.partial(set_signatures, SHORT_ORGAN)
longer_organ = functools.partial(set_signatures, LONG_ORGAN)
SEALED_ORGANS = {"shorter": SHORT_ORGAN, "longer": "株洲市发展和改革委员会办公室"}


def longer_cc(d) -> None:
    (p,) = paragraphs_of_style(d, "GwRecordCc")
    set_text(p, LONG_CC.text)


def more_text(d) -> None:
    """Two more body paragraphs before the last one, and a new title (if any)."""
    import copy

    body = paragraphs_of_style(d, "BodyText")
    for _ in range(2):
        body[-1].addprevious(copy.deepcopy(body[-2]))
    for title in paragraphs_of_style(d, "Title"):
        set_text(title, NEW_TITLE)


def delete_section(d) -> None:
    """The first 一、 section removed, heading and all (its paragraphs, run-in headings and
    tables up to the next 一、 heading); the later headings renumbered."""
    first, *rest = paragraphs_of_style(d, "Heading1")
    assert rest, "a letter with one section"
    node = first
    while node is not rest[0]:
        following = node.getnext()
        node.getparent().remove(node)
        node = following
    for k, p in enumerate(rest):
        set_text(p, NUMERALS[k] + p.findall(qn("w:r"))[0].find(qn("w:t")).text[1:])


def signature_table_only(d) -> None:
    """The 署名 block's markup-compatibility block replaced by its choice, the table Word
    reads: the file as a program that drops LibreOffice's copy would leave it."""
    for node in list(d.element.body.iter(MC_ALTERNATE)):
        choice = node[0]
        if any(s.get(qn("w:val")) == "Signature" for s in choice.iter(qn("w:pStyle"))):
            for child in list(choice):
                node.addprevious(child)
            node.getparent().remove(node)


EDITS = {"shorter_organ": shorter_organ, "longer_organ": longer_organ,
         "longer_cc": longer_cc, "more_text": more_text, "delete_section": delete_section}
BASES = ("reference", "example", "generated")  # plain, 信函格式, 文件格式
ORGAN_EDITS = ("shorter_organ", "longer_organ")
EDITED = [(base, name) for base in BASES for name in EDITS
          if not (base == "reference" and name == "longer_cc")]  # no 版记 in the reference
GENERATED_LETTER = 5  # benchmarks/generate.py: 文件格式, two sections, 抄送, no seal


def generated_letter(tmp: Path):
    from benchmarks.generate import generate

    path = generate(tmp / "generated", GENERATED_LETTER + 1)[GENERATED_LETTER]
    doc = compose(load_letter(path), path.parent)
    assert doc.fmt is LetterFormat.DOCUMENT and doc.seal.mode is SealMode.NONE
    assert len(doc.by_role(Role.HEADING1)) >= 2 and doc.by_role(Role.RECORD_CC)
    return doc


@dataclasses.dataclass
class Rendered:
    docx: Path
    pdf: object  # pdfplumber PDF of LibreOffice's rendering
    pdf_bytes: bytes


@pytest.fixture(scope="module")
def rendered(reference_yaml: Path, example_letter: Path, tmp_path_factory):
    require_soffice()
    tmp = tmp_path_factory.mktemp("docx-edits")
    auto = load_fontset("auto")
    reference = compose(load_letter(reference_yaml), reference_yaml.parent)
    example = compose(load_letter(example_letter), example_letter.parent)
    letter = load_letter(example_letter)
    as_document = compose(letter.model_copy(update={"format": LetterFormat.DOCUMENT}),
                          example_letter.parent)
    document = dataclasses.replace(as_document, blocks=(
        *as_document.blocks,
        Block(Role.RECORD_PRINT, (Span("示例市发展和改革委员会办公室"),), tail="2024年6月18日印发")))
    first = letter.attachments[0]
    two = compose(letter.model_copy(update={"attachments": [
        first.model_copy(update={"title": "示例新区产业园区重点项目清单及各项目用地、资金、"
                                          "进度和责任单位一览表"}),
        first.model_copy(update={"title": "示例新区产业园区建设情况说明"})]}),
        example_letter.parent)
    generated = generated_letter(tmp)
    sources = {"reference": render_docx(reference, auto), "example": render_docx(example, auto),
               "generated": render_docx(generated, auto), "document": render_docx(document, auto),
               "attachments": render_docx(two, auto)}
    files = {}
    for name, data in sources.items():
        files[name] = tmp / f"{name}.docx"
        files[name].write_bytes(data)
    for base, name in EDITED:
        files[f"{base}-{name}"] = edit(sources[base], tmp / f"{base}-{name}.docx", EDITS[name])
    for base, name in itertools.product(BASES, ORGAN_EDITS):
        files[f"{base}-{name}-table"] = edit(
            sources[base], tmp / f"{base}-{name}-table.docx",
            lambda d, name=name: (signature_table_only(d), EDITS[name](d)))
    short = dataclasses.replace(reference, blocks=tuple(
        dataclasses.replace(b, spans=(Span("株洲市财政局"),)) if b.role is Role.SIGNATURE else b
        for b in reference.blocks))
    files["date_wider"] = tmp / "date_wider.docx"
    files["date_wider"].write_bytes(render_docx(short, auto))
    joint = dataclasses.replace(reference, blocks=tuple(itertools.chain.from_iterable(
        (b, dataclasses.replace(b, spans=(Span(JOINT_ORGAN),))) if b.role is Role.SIGNATURE
        else (b,) for b in reference.blocks)))
    files["joint"] = tmp / "joint.docx"
    files["joint"].write_bytes(render_docx(joint, auto))
    files["sealed"] = tmp / "sealed.docx"
    files["sealed"].write_bytes(render_docx(
        dataclasses.replace(reference, seal=Seal(SealMode.RESERVE)), auto))
    files["long_cc"] = edit(sources["document"], tmp / "long_cc.docx", longer_cc)
    sealed = files["sealed"].read_bytes()
    for name, organ in SEALED_ORGANS.items():
        files[f"sealed-{name}"] = edit(sealed, tmp / f"sealed-{name}.docx",
                                       functools.partial(set_signatures, organ))
    pdfs = convert_to_pdf(list(files.values()), tmp)
    out = {name: Rendered(path, pc.open_pdf(pdf), pdf.read_bytes())
           for (name, path), pdf in zip(files.items(), pdfs, strict=True)}
    out["_docs"] = {"reference": reference, "document": document}  # type: ignore[assignment]
    out["_attachments_pdf"] = pc.open_pdf(render_pdf(two, auto))  # type: ignore[assignment]
    yield out
    for r in out.values():
        if isinstance(r, Rendered):
            r.pdf.close()
    out["_attachments_pdf"].close()


def line_starting(pdf, text: str) -> pc.PdfLine:
    key = pc.normalise_text(text)[:6]
    found = [ln for p in pdf.pages for ln in pc.body_lines(p)
             if pc.normalise_text(ln.text).startswith(key)]
    assert found, key
    return found[-1]


def test_a_date_wider_than_the_signature_stays_on_one_line(rendered) -> None:
    """A short 署名: the date is right-indented two characters and the 署名 starts two
    characters left of it, on one line in LibreOffice too (which widens digits' spacing)."""
    r = rendered["date_wider"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert not report.rules(Severity.ERROR), [f.to_dict() for f in report.findings]
    sig = line_starting(r.pdf, "株洲市财政局")
    date = line_starting(r.pdf, "2022年9月29日")
    assert pc.normalise_text(date.text) == pc.normalise_text("2022年9月29日")
    assert abs(date.x1 - (pc.TYPE_RIGHT - 2 * spec.CHAR_PITCH)) <= 1 * MM
    assert abs(date.x0 - (sig.x0 + 2 * spec.CHAR_PITCH)) <= 1 * MM


def test_sealed_signature_centred_on_the_date(rendered) -> None:
    """With a seal: the date right-indented four characters and the 署名 centred on it, in
    LibreOffice's rendering too (which sets the date wider than Word)."""
    r = rendered["sealed"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert "signature-placement" not in report.rules()
    sig = line_starting(r.pdf, "株洲市发展和改革委员会")
    date = line_starting(r.pdf, "2022年9月29日")
    assert abs((sig.x0 + sig.x1) / 2 - (date.x0 + date.x1) / 2) <= 0.5 * spec.CHAR_PITCH


def signature_and_date(r: Rendered) -> tuple[pc.PdfLine, pc.PdfLine, str]:
    """The 署名 (the longest, for a joint letter) and the date as the edited file has them,
    their lines in the rendering (the 署名's the last line starting with it above the
    date), and the 署名's text."""
    d = docx.Document(r.docx)
    sigs = ["".join(t.text or "" for t in p.iter(qn("w:t")))
            for p in paragraphs_of_style(d, "Signature") if not in_fallback(p)]
    (date_text,) = ["".join(t.text or "" for t in p.iter(qn("w:t")))
                    for p in paragraphs_of_style(d, "Date")]
    organ = max(sigs, key=len)
    lines = [ln for p in r.pdf.pages for ln in pc.body_lines(p)]
    k = max(i for i, ln in enumerate(lines)
            if pc.normalise_text(ln.text).startswith(pc.normalise_text(date_text)[:6]))
    sig = next(ln for ln in reversed(lines[:k])
               if pc.normalise_text(ln.text).startswith(pc.normalise_text(organ)[:6]))
    return sig, lines[k], organ


# the 署名 block is written twice (a markup-compatibility block): the table Word reads and
# re-fits, and for LibreOffice 7.4, which keeps a table's column widths as the file gives
# them, a frame of automatic width that it re-fits to the edited 署名 (docs/docx.md)
@pytest.mark.parametrize(("base", "name"), [
    pytest.param(base, name, id=f"{base}-{name}") for base, name in EDITED])
def test_edit_keeps_the_rules_in_libreoffice(rendered, base: str, name: str) -> None:
    """python-docx edits, then LibreOffice: ``gongwen check`` on its rendering finds no error,
    and the 署名 block follows decision 10: the 署名 on one line, the date's first character
    two characters right of the 署名's, the longer of the two right-indented two characters."""
    r = rendered[f"{base}-{name}"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert not report.rules(Severity.ERROR), report.rules(Severity.ERROR)
    sig, date, organ = signature_and_date(r)
    assert pc.normalise_text(sig.text) == pc.normalise_text(organ)
    assert abs(date.x0 - (sig.x0 + 2 * spec.CHAR_PITCH)) <= 1 * MM
    assert abs(max(sig.x1, date.x1) - (pc.TYPE_RIGHT - 2 * spec.CHAR_PITCH)) <= 1 * MM
    assert date.baseline - sig.baseline == pytest.approx(spec.LINE_PITCH, abs=0.5)


@pytest.mark.parametrize("base", BASES)
@pytest.mark.parametrize(("name", "rule"), [
    ("shorter_organ", "signature-placement"), ("longer_organ", "signature-wrapped")])
def test_check_reports_the_signature_libreoffice_keeps_in_its_column(
        rendered, base: str, name: str, rule: str) -> None:
    """Without its frame (the table alone), LibreOffice keeps the table's column after an
    edit of the 署名's length, and ``gongwen check`` on its rendering says so, as its only
    error: a shorter 署名 stands left of its place (found at the date), a longer one wraps
    (found at its second line, which the file does not write as a joint issue's second
    署名)."""
    r = rendered[f"{base}-{name}-table"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert report.rules(Severity.ERROR) == {rule}, [f.to_dict() for f in report.findings]
    (found,) = [f for f in report.findings if f.rule == rule]
    assert found.source == "render"
    lines = read_pdf_geometry(r.pdf_bytes).pages[found.page - 1].lines
    _, date, _ = signature_and_date(r)
    if rule == "signature-wrapped":
        assert lines[found.line - 1].compact == JOINT_ORGAN and LONG_ORGAN in found.message
    else:
        assert lines[found.line - 1].compact == pc.normalise_text(date.text)


def test_joint_signatures_check_clean_in_libreoffice(rendered) -> None:
    """A joint issue's 署名s stacked in the 署名 table (the lead one longer): LibreOffice
    sets each on its line, aligned on their first characters, and the check finds no
    error (the second 署名 is not a wrapped first one)."""
    r = rendered["joint"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert not report.rules(Severity.ERROR), [f.to_dict() for f in report.findings]
    sig, date, organ = signature_and_date(r)
    assert pc.normalise_text(sig.text) == pc.normalise_text(organ)
    second = line_starting(r.pdf, JOINT_ORGAN)
    assert abs(second.x0 - sig.x0) <= 1 * MM and sig.baseline < second.baseline < date.baseline


@pytest.mark.parametrize(("base", "name"), [
    pytest.param(base, name, id=f"{base}-{name}") for base, name in EDITED])
def test_edit_keeps_the_signature_as_word_lays_it_out(rendered, base: str, name: str) -> None:
    """The same edits, the file read as Word lays it out (the 署名 table fitted to its
    content): the DOCX check finds the 署名 and date where decision 10 puts them."""
    report = check_docx(rendered[f"{base}-{name}"].docx)
    assert "signature-placement" not in report.rules()


def test_shorter_organ_keeps_the_date_two_characters_right_in_libreoffice(rendered) -> None:
    """What LibreOffice keeps after a shorter 署名 even in the table alone: the date's first
    character two characters right of the 署名's (both stand in the table's column)."""
    for base in BASES:
        r = rendered[f"{base}-shorter_organ-table"]
        sig, date, _ = signature_and_date(r)
        assert abs(date.x0 - (sig.x0 + 2 * spec.CHAR_PITCH)) <= 1 * MM, base


@pytest.mark.parametrize("name", SEALED_ORGANS)
def test_sealed_signature_edited_stays_centred_on_the_date(rendered, name: str) -> None:
    """With a seal, the 署名 edited shorter or longer (up to the room right of the date's
    axis): LibreOffice keeps it centred on the date, on one line, the date right-indented
    four characters."""
    r = rendered[f"sealed-{name}"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert not report.rules(Severity.ERROR), [f.to_dict() for f in report.findings]
    sig, date, organ = signature_and_date(r)
    assert pc.normalise_text(sig.text) == pc.normalise_text(organ)
    assert abs((sig.x0 + sig.x1) / 2 - (date.x0 + date.x1) / 2) <= 0.5 * spec.CHAR_PITCH
    assert abs(pc.TYPE_RIGHT - date.x1 - 4 * spec.CHAR_PITCH) <= 1 * MM


def test_edits_show_their_text(rendered) -> None:
    """Each edit is in LibreOffice's rendering: the two new paragraphs and the new title, the
    deleted section gone (its heading and first paragraph), the later headings renumbered."""
    def lines(pdf) -> int:
        return sum(len(pc.body_lines(p)) for p in pdf.pages)

    for base in BASES:
        before = rendered[base].pdf
        more = rendered[f"{base}-more_text"].pdf
        assert lines(more) >= lines(before) + 2, base
        text = pc.normalise_text(pc.extracted_text(more))
        if paragraphs_of_style(docx.Document(rendered[base].docx), "Title"):
            assert NEW_TITLE in text, base
        cut = pc.normalise_text(pc.extracted_text(rendered[f"{base}-delete_section"].pdf))
        original = pc.normalise_text(pc.extracted_text(before))
        heading = next(ln.text for p in before.pages for ln in pc.body_lines(p)
                       if pc.normalise_text(ln.text).startswith("一、"))
        assert pc.normalise_text(heading) not in cut, base
        assert len(cut) < len(original), base
        assert "一、" in cut and "二、" in original, base


def test_more_text_and_a_new_title_still_check_clean(rendered) -> None:
    """信函格式: two more body paragraphs and another title; LibreOffice's rendering still
    passes the checks (the 署名 centred on the date, the 版记 at the foot, …)."""
    r = rendered["example-more_text"]
    report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
    assert report.clean, report.rules()


@pytest.mark.parametrize("name", ["long_cc", "generated-longer_cc"])
def test_longer_cc_grows_the_record_with_its_rules(rendered, name: str) -> None:
    """文件格式, 抄送 lengthened to three lines: all its text is shown, between the first and
    the middle rule, the last rule still on the type area's bottom edge."""
    r = rendered[name]
    last = r.pdf.pages[-1]
    text = pc.normalise_text(pc.extracted_text(r.pdf))
    assert pc.normalise_text(LONG_CC.text) in text
    black = sorted((s for s in pc.segments(last) if not pc.is_red(s.color)), key=lambda s: s.y)
    assert len(black) == 3
    assert abs(black[-1].y - pc.TYPE_BOTTOM) <= 1 * MM
    cc_lines = [ln for ln in pc.body_lines(last) if black[0].y < ln.baseline < black[1].y]
    assert len(cc_lines) >= 3
    assert "".join(ln.text for ln in cc_lines).replace(" ", "") == LONG_CC.text
    printed = [ln for ln in pc.body_lines(last) if black[1].y < ln.baseline < black[2].y]
    assert len(printed) == 1 and "印发" in printed[0].text


def test_longer_cc_in_letter_format_shows_all_its_lines(rendered) -> None:
    """信函格式 (no rules): the 抄送 lengthened to three lines or more is shown whole, in the
    type area of the last page, its lines evenly spaced."""
    r = rendered["example-longer_cc"]
    last = pc.body_lines(r.pdf.pages[-1])
    k = next(i for i, ln in enumerate(last) if ln.text.startswith("抄送"))
    cc = last[k:]  # 信函格式 has no 印发 line: the 抄送 ends the page
    assert len(cc) >= 3
    assert "".join(ln.text for ln in cc).replace(" ", "") == LONG_CC.text
    pitches = [b.baseline - a.baseline for a, b in itertools.pairwise(cc)]
    assert max(pitches) - min(pitches) < 0.5  # one paragraph, no line clipped or pushed


def ps(role: FontRole) -> str:
    face = load_fontset("open").face(role)
    return pc.font_ps_name(face.path, face.subfont_index)


def test_default_fonts_show_each_role_in_its_face(rendered) -> None:
    """``--fonts auto`` on a machine without the official fonts: the DOCX names them, and
    LibreOffice (gongwen's fontconfig rules) shows each role in its bundled face."""
    r = rendered["document"]
    first = r.pdf.pages[0]
    doc: Document = rendered["_docs"]["document"]
    for role, font in ((Role.ORGAN_MARK, FontRole.XIAOBIAOSONG), (Role.TITLE,
                                                                 FontRole.XIAOBIAOSONG)):
        text = doc.by_role(role)[0].text.split("\n")[0]
        ln = next(x for x in pc.text_lines(first)
                  if pc.normalise_text(text)[:6] in pc.normalise_text(x.text))
        assert {c.font for c in ln.ink} == {ps(font)}, role
    heading = next(b for b in doc.blocks if b.role is Role.HEADING1)
    ln = line_starting(r.pdf, heading.text)
    assert {c.font for c in ln.ink} == {ps(FontRole.HEITI)}
    number = pc.page_number(r.pdf.pages[1])
    assert number is not None
    assert {c.font for c in pc.text_lines(r.pdf.pages[1])[-1].ink} == {ps(FontRole.SONGTI)}


def test_default_output_checks_clean_when_rendered(rendered) -> None:
    """``gongwen check --render`` on gongwen's own default DOCX: no errors, no warnings."""
    for name in ("reference", "example", "generated", "document", "long_cc"):
        r = rendered[name]
        report = check_docx(r.docx, rendered_pdf=r.pdf_bytes)
        assert report.clean, (name, report.rules())


def test_document_format_record_on_an_even_page(rendered) -> None:
    """文件格式 (decision 5): the text ends on page 3, so the 版记 starts page 4 (its own
    section, starting on an even page): LibreOffice's page count equals gongwen's PDF."""
    doc = rendered["_docs"]["document"]
    gw = pc.open_pdf(render_pdf(doc, load_fontset("auto")))
    lo = rendered["document"].pdf
    try:
        assert len(gw.pages) == 4
        assert len(lo.pages) == len(gw.pages)
        last = pc.body_lines(lo.pages[-1])
        assert [ln.text[:3] for ln in last] == ["抄送：", "示例市"]
    finally:
        gw.close()


def attachment_lines(pdf) -> list[pc.PdfLine]:
    lines = [ln for p in pdf.pages for ln in pc.body_lines(p)]
    k = next(i for i, ln in enumerate(lines) if ln.text.startswith("附件："))
    return lines[k: k + 3]


def x_of(line: pc.PdfLine, n: int) -> float:
    """The left edge of the ``n``-th inked character of ``line``."""
    return [c for c in line.ink][n].x0


def test_attachment_note_items_and_wrapped_names_align(rendered) -> None:
    """附件说明 (7.3.4): the second item's number under the first's, a wrapped name under
    the name's first character — in gongwen's PDF and in LibreOffice's rendering."""
    for pdf in (rendered["attachments"].pdf, rendered["_attachments_pdf"]):
        first, wrapped, second = attachment_lines(pdf)
        assert first.text.replace(" ", "").startswith("附件：1.")
        assert second.text.replace(" ", "").startswith("2.")
        number = x_of(first, 3)  # “1.” after “附件：”
        name = x_of(first, 5)
        assert abs(second.x0 - number) <= 1 * MM
        assert abs(wrapped.x0 - name) <= 1 * MM
