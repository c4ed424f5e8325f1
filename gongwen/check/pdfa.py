"""PDF/A self-check: each requirement of ISO 19005 a PDF/A file must meet, verified and listed.

:func:`check_pdfa` opens the file with pikepdf and verifies, one by one: the PDF/A
identification in the XMP metadata; the Info dictionary agreeing with the XMP; the PDF/A
output intent and its ICC profile; every font embedded; every font with a ToUnicode map and
every glyph mapped to Unicode (what level U asks, and what copying text out of the file
needs); transparency as the claimed part allows it (none in PDF/A-1); no encryption; no
JavaScript or other actions run on opening; the trailer's file identifier. Last, pikepdf's
validator, built from the veraPDF rule catalogue, checks the whole file against level B of
the claimed part (1, 2 or 3; A and U files are validated at level B).

Each requirement is a rule of the table (``rules_pdfa.py``, route ``pdfa``): its finding is
``info`` when the file meets it and ``error`` when it does not, with the clause of the
claimed part of ISO 19005 as the expected value.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import Report

# Info dictionary key → XMP property it must agree with (ISO 19005-2 6.6.2.3.1, -1 6.7.3)
INFO_XMP = {
    "/Title": "dc:title",
    "/Author": "dc:creator",
    "/Subject": "dc:description",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/Producer": "pdf:Producer",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}
# each requirement: what it asks, in Chinese; its clause in ISO 19005-1 and in ISO 19005-2
# (-3 numbers them as -2). The table's rules (rules_pdfa.py) are made from this list.
REQUIREMENTS = {
    "pdfa-identification": ("XMP 元数据中有 PDF/A 标识（pdfaid:part、pdfaid:conformance）",
                            "6.7.11", "6.6.4"),
    "pdfa-metadata": ("文档信息字典与 XMP 元数据一致", "6.7.3", "6.6.2.3"),
    "pdfa-output-intent": ("有 PDF/A 输出意图（GTS_PDFA1）及其 ICC 特性文件", "6.2.2", "6.2.3"),
    "pdfa-fonts-embedded": ("所有字体嵌入文件", "6.3.4", "6.2.11.4"),
    "pdfa-tounicode": ("每个字体有 ToUnicode 映射", "6.3.8", "6.2.11.7"),
    "pdfa-tounicode-complete": ("每个字形都能映射到 Unicode（可复制文字）", "6.3.8", "6.2.11.7.2"),
    "pdfa-transparency": (
        "透明合乎所声明的部分（PDF/A-1 不许软掩膜和透明组，PDF/A-2、-3 须有输出意图）",
        "6.4", "6.2.10"),
    "pdfa-encryption": ("没有加密", "6.1.3", "6.1.3"),
    "pdfa-actions": ("没有 JavaScript 和自动执行的动作", "6.6.1", "6.6.1"),
    "pdfa-file-id": ("文件尾有文件标识（/ID）", "6.1.3", "6.1.3"),
    "pdfa-validator": ("通过 pikepdf 的 PDF/A 校验（veraPDF 规则，所声明部分的 B 级）",
                       "全部条款", "全部条款"),
}


@dataclass(frozen=True, slots=True)
class Requirement:
    """One PDF/A requirement (an id of :data:`REQUIREMENTS`) and whether the file meets it."""

    rule: str  # stable id, e.g. "pdfa-output-intent"
    passed: bool
    detail: str

    @property
    def name(self) -> str:
        return REQUIREMENTS[self.rule][0]


@dataclass(slots=True)
class PdfaFacts:
    """What the PDF/A rules read: the part checked and each requirement's verdict."""

    part: int
    requirements: dict[str, Requirement] = field(default_factory=dict)
    empty: bool = False  # (the rule runner asks; a PDF/A check always has its facts)

    def clause(self, rule: str) -> str:
        """The requirement's clause in the part checked, e.g. "ISO 19005-2 6.2.3"."""
        _, one, two = REQUIREMENTS[rule]
        return f"ISO 19005-{self.part} {one if self.part == 1 else two}"


def claimed(pdf: Any) -> tuple[int, str] | None:
    """The (part, conformance) the file's XMP declares, or None."""
    try:
        meta = pdf.open_metadata()
        part, level = meta.get("pdfaid:part"), meta.get("pdfaid:conformance")
    except Exception:
        return None
    if not part or not str(part).isdigit():
        return None
    return int(part), str(level or "").upper()


def declares_pdfa(source: str | Path | bytes) -> bool:
    """Whether the PDF's XMP metadata declares a PDF/A conformance."""
    import pikepdf

    try:
        with _open(source) as pdf:
            return claimed(pdf) is not None
    except pikepdf.PdfError:
        return False


def _open(source: str | Path | bytes) -> Any:
    import pikepdf

    return pikepdf.open(io.BytesIO(source) if isinstance(source, bytes) else source)


def check_pdfa(source: str | Path | bytes) -> tuple[int, list[Requirement]]:
    """The part checked (the claimed one, else 2) and every requirement's verdict."""
    with _open(source) as pdf:
        claim = claimed(pdf)
        part = claim[0] if claim and claim[0] in (1, 2, 3) else 2
        reqs = [
            _identification(claim),
            _metadata(pdf),
            _output_intent(pdf),
            *_fonts(pdf),
            _transparency(pdf, part),
            _encryption(pdf),
            _actions(pdf),
            _file_id(pdf),
        ]
    reqs.insert(5, _unicode(source))  # after the ToUnicode maps
    reqs.append(_validator(source, part))
    return part, reqs


def pdfa_facts(source: str | Path | bytes) -> PdfaFacts:
    """:func:`check_pdfa`'s verdicts as the facts the table's PDF/A rules judge."""
    part, reqs = check_pdfa(source)
    return PdfaFacts(part, {r.rule: r for r in reqs})


def add_pdfa_findings(report: Report, source: str | Path | bytes) -> None:
    """The table's PDF/A rules (route ``pdfa``) over ``source``, into ``report``: one finding
    per requirement; ``measurements.pdfa`` has the part and each verdict."""
    import pikepdf

    from ..read.pdf import PdfReadError
    from . import rules

    try:
        facts = pdfa_facts(source)
    except pikepdf.PdfError as e:  # what pdfminer read and qpdf cannot
        raise PdfReadError(f"{report.file}: 无法按 PDF/A 检查（{e}）") from e
    rules.run(rules.Route.PDFA, facts, report, "pdfa")
    report.measurements["pdfa"] = {
        "part": facts.part,
        "requirements": {r: req.passed for r, req in facts.requirements.items()},
    }


# --- the requirements ----------------------------------------------------------------------


def _identification(claim: tuple[int, str] | None) -> Requirement:
    if claim is None:
        return Requirement("pdfa-identification", False, "未声明 PDF/A")
    part, level = claim
    ok = part in (1, 2, 3) and level in ("A", "B", "U") and not (part == 1 and level == "U")
    return Requirement("pdfa-identification", ok, f"PDF/A-{part}{level.lower()}")


def _metadata(pdf: Any) -> Requirement:
    from pikepdf.models.metadata import DateConverter

    meta = pdf.open_metadata()
    info = pdf.trailer.get("/Info") or {}
    wrong = []
    for key, prop in INFO_XMP.items():
        if key not in info:
            continue
        value = str(info[key])
        xmp = meta.get(prop)
        if isinstance(xmp, list):
            xmp = "; ".join(str(v) for v in xmp)
        if key.endswith("Date") and xmp is not None:
            try:
                same = DateConverter.xmp_from_docinfo(value) == DateConverter.xmp_from_docinfo(
                    DateConverter.docinfo_from_xmp(str(xmp)))
            except (ValueError, IndexError):
                same = False
        else:
            same = xmp is not None and str(xmp) == value
        if not same:
            wrong.append(f"{key[1:]}={value!r} / {prop}={xmp!r}")
    return Requirement("pdfa-metadata", not wrong,
                       "；".join(wrong) or f"{sum(k in info for k in INFO_XMP)} 项一致")


def _output_intent(pdf: Any) -> Requirement:
    intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFA1"]
    if len(intents) != 1:
        detail = f"{len(intents)} 个 GTS_PDFA1 输出意图"
        return Requirement("pdfa-output-intent", False, detail)
    profile = intents[0].get("/DestOutputProfile")
    if profile is None:
        return Requirement("pdfa-output-intent", False, "没有 DestOutputProfile")
    data = profile.read_bytes()
    space = data[16:20].decode("latin-1").strip() if len(data) >= 20 else "?"
    n = int(profile.get("/N", 0))
    ok = data[36:40] == b"acsp" and {"RGB": 3, "GRAY": 1, "CMYK": 4}.get(space) == n
    label = str(intents[0].get("/OutputConditionIdentifier", ""))
    return Requirement("pdfa-output-intent", ok, f"{label}，ICC {space}，N={n}")


def _font_dicts(pdf: Any) -> Iterator[tuple[str, Any]]:
    """(name, font dictionary) of every font the pages and their forms use, once each."""
    seen: set[tuple[int, int]] = set()

    def walk(resources: Any) -> Iterator[tuple[str, Any]]:
        if resources is None:
            return
        for name, font in (resources.get("/Font") or {}).items():
            key = font.objgen
            if key not in seen or key == (0, 0):
                seen.add(key)
                yield name, font
        for xobj in (resources.get("/XObject") or {}).values():
            if xobj.get("/Subtype") == "/Form" and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                yield from walk(xobj.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))


def _fonts(pdf: Any) -> list[Requirement]:
    fonts = list(_font_dicts(pdf))
    bare, no_map = [], []
    for _, font in fonts:
        base = str(font.get("/BaseFont", "?")).lstrip("/")
        if font.get("/Subtype") != "/Type3":
            desc_font = font["/DescendantFonts"][0] if "/DescendantFonts" in font else font
            desc = desc_font.get("/FontDescriptor") or {}
            if not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                bare.append(base)
        if "/ToUnicode" not in font:
            no_map.append(base)
    return [
        Requirement("pdfa-fonts-embedded", not bare,
                    "未嵌入：" + "、".join(bare) if bare else f"{len(fonts)} 个字体均已嵌入"),
        Requirement("pdfa-tounicode", not no_map,
                    "缺少：" + "、".join(no_map) if no_map else f"{len(fonts)} 个字体均有"),
    ]


def _unicode(source: str | Path | bytes) -> Requirement:
    """Every glyph drawn maps to Unicode (pdfminer gives "(cid:N)" for one that does not)."""
    import pdfplumber

    unmapped = 0
    glyphs = 0
    with pdfplumber.open(io.BytesIO(source) if isinstance(source, bytes) else source) as pdf:
        for page in pdf.pages:
            for c in page.chars:
                glyphs += 1
                text = c.get("text", "")
                unmapped += text.startswith("(cid:") or "\ufffd" in text or not text
    detail = f"{glyphs} 个字形，{unmapped} 个无 Unicode"
    return Requirement("pdfa-tounicode-complete", unmapped == 0, detail)


def _transparency(pdf: Any, part: int) -> Requirement:
    import pikepdf

    soft_masks = groups = 0
    for page in pdf.pages:
        group = page.obj.get("/Group")
        groups += group is not None and group.get("/S") == "/Transparency"
        for image in page.get_images().values():
            soft_masks += "/SMask" in image
    for obj in _dictionaries(pdf):
        if obj.get("/Type") == "/ExtGState":
            soft_masks += obj.get("/SMask", pikepdf.Name("/None")) != pikepdf.Name("/None")
    detail = f"{soft_masks} 个软掩膜，{groups} 个页面透明组"
    none = soft_masks == groups == 0
    if part == 1:
        return Requirement("pdfa-transparency", none, detail)
    intent = bool(pdf.Root.get("/OutputIntents"))
    return Requirement("pdfa-transparency", intent or none, detail)


def _encryption(pdf: Any) -> Requirement:
    encrypted = "/Encrypt" in pdf.trailer
    return Requirement("pdfa-encryption", not encrypted,
                       "有 /Encrypt" if encrypted else "")


def _actions(pdf: Any) -> Requirement:
    """No JavaScript anywhere; nothing run on opening or on page events."""
    found = []
    names = pdf.Root.get("/Names") or {}
    if "/JavaScript" in names:
        found.append("文档级 JavaScript")
    if "/AA" in pdf.Root:
        found.append("文档附加动作 /AA")
    for n, page in enumerate(pdf.pages, start=1):
        if "/AA" in page.obj:
            found.append(f"第{n}页附加动作 /AA")
    for obj in _dictionaries(pdf):
        if obj.get("/S") in ("/JavaScript", "/Launch") or "/JS" in obj:
            found.append(f"{obj.get('/S')} 动作")
    return Requirement("pdfa-actions", not found,
                       "、".join(dict.fromkeys(found)))


def _dictionaries(pdf: Any) -> Iterator[Any]:
    """Every dictionary of the file, indirect or held directly inside another object."""
    import pikepdf

    def inside(obj: Any) -> Iterator[Any]:
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        children: Any = ()
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            children = obj.values()
        elif isinstance(obj, pikepdf.Array):
            children = obj
        for value in children:
            if isinstance(value, pikepdf.Dictionary | pikepdf.Array) and not value.is_indirect:
                yield from inside(value)

    for obj in pdf.objects:
        yield from inside(obj)
    yield from inside(pdf.trailer)


def _file_id(pdf: Any) -> Requirement:
    ids = pdf.trailer.get("/ID")
    ok = ids is not None and len(ids) == 2
    return Requirement("pdfa-file-id", ok, "" if ok else "缺少 /ID")


def _validator(source: str | Path | bytes, part: int) -> Requirement:
    """pikepdf's PDF/A validator (veraPDF's rule catalogue) over the whole file."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(source) if isinstance(source, bytes)
                                   else source, f"{part}b")
    detail = "；".join(f"{f.rule}: {f.message}" for f in report.findings[:5])
    return Requirement("pdfa-validator", report.passed, detail or "通过")
