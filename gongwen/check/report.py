"""Findings and their output: a rich table for the terminal, JSON for tools (docs/check.md)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


# The clauses of GB/T 9704-2012 findings cite (number and short name); last, ISO 19005 for
# the PDF/A self-check (each finding's expected value names the part's clause).
class Clause(StrEnum):
    PAPER = "5.1 幅面尺寸"
    TYPE_AREA = "5.2.1 版心"
    FONTS = "5.2.2 字体和字号"
    LINES = "5.2.3 行数和字数"
    COLOUR = "5.2.4 文字的颜色"
    HEADER = "7.2 版头"
    ORGAN_MARK = "7.2.4 发文机关标志"
    DOC_NUMBER = "7.2.5 发文字号"
    HEADER_RULE = "7.2.7 版头中的分隔线"
    TITLE = "7.3.1 标题"
    BODY = "7.3.3 正文"
    SIGNATURE = "7.3.5 署名和成文日期"
    NOTE = "7.3.6 附注"
    RECORD = "7.4 版记"
    PAGE_NUMBER = "7.5 页码"
    PUNCTUATION = "9 标点符号（GB/T 15834）"
    LETTER = "10.1 信函格式"
    PDFA = "ISO 19005 PDF/A"


@dataclass(slots=True)
class Finding:
    """One departure from GB/T 9704 (or, as ``info``, a fact worth knowing)."""

    severity: Severity
    clause: str
    rule: str  # stable id, e.g. "page-number-format"
    message: str
    where: str = "文档"  # "第2页第3行", "第5段", "节 1", "文档"
    measured: str | None = None
    expected: str | None = None
    page: int | None = None
    line: int | None = None
    paragraph: int | None = None  # 1-based paragraph index (DOCX)
    # "pdf", "ofd", "docx", "render" (LibreOffice's rendering of a DOCX) or "pdfa" (the PDF/A
    # self-check of a PDF)
    source: str = "pdf"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["severity"] = str(self.severity)
        d["clause"] = str(self.clause)
        return d


@dataclass(slots=True)
class Report:
    file: str
    kind: str  # "pdf" | "ofd" | "docx"
    findings: list[Finding] = field(default_factory=list)
    measurements: dict[str, Any] = field(default_factory=dict)
    letter_format: bool = False
    rendered: bool = False

    def extend(self, findings: list[Finding]) -> None:
        self.findings.extend(findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def clean(self) -> bool:
        """No errors and no warnings (info findings do not count)."""
        return not any(f.severity in (Severity.ERROR, Severity.WARNING) for f in self.findings)

    @property
    def exit_code(self) -> int:
        return 0 if self.clean else 1

    def rules(self, *severities: Severity) -> set[str]:
        sev = severities or (Severity.ERROR, Severity.WARNING)
        return {f.rule for f in self.findings if f.severity in sev}

    def clauses(self, *severities: Severity) -> set[str]:
        sev = severities or (Severity.ERROR, Severity.WARNING)
        return {str(f.clause) for f in self.findings if f.severity in sev}

    def sorted_findings(self) -> list[Finding]:
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
        return sorted(
            self.findings,
            key=lambda f: (order[f.severity], f.source, f.page or 0, f.paragraph or 0, f.line or 0),
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON report (schema gongwen-check/1: gongwen/schemas/check.schema.json)."""
        from ..schemas import header

        return {
            **header("check"),
            "file": self.file,
            "kind": self.kind,
            "letter_format": self.letter_format,
            "rendered": self.rendered,
            "clean": self.clean,
            "summary": {
                "errors": self.count(Severity.ERROR),
                "warnings": self.count(Severity.WARNING),
                "info": self.count(Severity.INFO),
            },
            "measurements": self.measurements,
            "findings": [f.to_dict() for f in self.sorted_findings()],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def print_report(report: Report, console: Any = None) -> None:
    """The report as a list, one finding a block (level, clause and place, then the problem,
    measured and expected value, each wrapped by display width and indented), then a
    one-line summary. A list, not a table: at 80 columns a six-column table cuts Chinese
    words in two."""
    from rich.console import Console
    from rich.text import Text

    from ..clitext import wrap

    console = console or Console()
    kind = report.kind.upper() + ("（含 LibreOffice 渲染）" if report.rendered else "")
    console.print(Text.assemble((report.file, "bold"), f"  {kind}  GB/T 9704-2012 格式检查"))
    width = max(40, console.width) - 6
    for f in report.sorted_findings():
        where = f.where if f.source != "render" else f"{f.where}（渲染）"
        console.print(Text.assemble(
            "\n", (SEVERITY_LABEL[f.severity], _STYLE[f.severity]), f"  {f.clause}  {where}"
        ))
        lines = [f.message]
        if f.measured:
            lines.append(f"实测：{f.measured}")
        if f.expected:
            lines.append(f"应为：{f.expected}")
        for line in lines:
            for piece in wrap(line, width):
                console.print(Text("      " + piece), soft_wrap=True)
    e, w, i = (report.count(s) for s in Severity)
    verdict = Text("符合", "green") if report.clean else Text("不符合", "red")
    console.print(Text.assemble("\n", verdict, f"：{e} 个错误，{w} 个警告，{i} 个提示"))
