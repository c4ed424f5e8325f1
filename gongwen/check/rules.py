"""The table of rules: every check ``gongwen check`` makes, written once.

A rule is a small function from one file's facts (:mod:`gongwen.check.facts`) to the places
where the file departs from GB/T 9704 (:class:`Hit`). ``@rule(...)`` registers it with what
all its findings share: a stable id, the clause of the standard, the severity, the message
(a template its hits fill) and the route whose facts it reads — a PDF's page (``pdf``, also
used for LibreOffice's rendering of a DOCX), a DOCX's settings (``docx``) or either
(``both``: facts that mean the same on both routes, such as the written dates or the
署名/日期 placement). :func:`run` turns a file's hits into the report's findings;
:func:`table` lists the rules (``gongwen check --rules``, ``docs/check.md``).

The rules live in modules by clause: ``rules_page`` (5.1–5.2.4 page, type area, grid,
colour), ``rules_fonts`` (5.2.2), ``rules_header`` (7.2 版头, 10.1 信函格式), ``rules_body``
(7.3 title, headings, 署名 and 成文日期), ``rules_record`` (7.4 版记), ``rules_page_number``
(7.5), ``rules_punctuation`` (9); ``rules_pdfa`` holds the PDF/A self-check's requirements
(ISO 19005, route ``pdfa``, facts from ``pdfa.py``). A new rule is one function in its
clause's module::

    @rule("title-size", Clause.TITLE, Severity.ERROR, "标题字号不是 2 号", Route.PDF,
          expected="22 pt（2 号）")
    def title_size(f: PdfFacts) -> Iterator[Hit]:
        for ln in f.titles:
            if abs(ln.size - spec.SIZE_2HAO) > SIZE_TOL:
                yield hit(at_line(ln), measured=f"{ln.size:g} pt")

A measurement the rule needs and the facts lack is added to ``facts_pdf`` or ``facts_docx``
(measured once, whichever rules use it); ``docs/check.md`` lists the table (a test says when
it is out of date).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..read.geometry import TextLine
from .report import SEVERITY_LABEL, Clause, Finding, Report, Severity

RULE_MODULES = (
    "rules_page",
    "rules_fonts",
    "rules_header",
    "rules_body",
    "rules_record",
    "rules_page_number",
    "rules_punctuation",
    "rules_pdfa",
)


class Route(StrEnum):
    """Which facts a rule reads."""

    PDF = "pdf"  # the page as drawn (a PDF, an OFD, or LibreOffice's rendering of a DOCX)
    DOCX = "docx"  # the DOCX's settings as Word applies them
    BOTH = "both"  # facts both routes give alike
    PDFA = "pdfa"  # a PDF/A file's requirements (ISO 19005), not GB/T 9704


@dataclass(frozen=True, slots=True)
class Loc:
    """Where a finding is: ``where`` for people, the numbers for tools."""

    where: str = "文档"
    page: int | None = None
    line: int | None = None
    paragraph: int | None = None


DOCUMENT = Loc()


def at_line(line: TextLine) -> Loc:
    """A PDF line's place: “第N页第M行”."""
    return Loc(line.where(), line.page, line.index)


def at_page(page: int) -> Loc:
    return Loc(f"第{page}页", page)


def at_paragraph(index: int) -> Loc:
    """A DOCX paragraph's place: “第N段” (every ``w:p`` of the main document, from 1)."""
    return Loc(f"第{index}段", paragraph=index)


@dataclass(slots=True)
class Hit:
    """One departure a rule found: where, what was measured, what was expected (when it is
    not the rule's own), the values the rule's message template takes, and the severity when
    a hit is the rule's second one (``Rule.also``)."""

    loc: Loc = DOCUMENT
    measured: str | None = None
    expected: str | None = None
    severity: Severity | None = None
    args: dict[str, Any] = field(default_factory=dict)


def hit(
    loc: Loc = DOCUMENT,
    *,
    measured: str | None = None,
    expected: str | None = None,
    severity: Severity | None = None,
    **args: Any,
) -> Hit:
    """A hit at ``loc``; keyword arguments beyond these fill the message template."""
    return Hit(loc, measured, expected, severity, args)


Check = Callable[[Any], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the table. ``fold`` ("行" or "段"): all hits make one finding, the first
    one's, whose message gets ``{count}`` (how many lines or paragraphs) and ``{first}``
    (where the first is). ``on_empty``: the rule runs only on a file without text (and the
    others only on a file with text)."""

    id: str
    clause: Clause
    severity: Severity
    message: str
    route: Route
    check: Check
    expected: str | None = None
    also: Severity | None = None
    fold: str | None = None
    on_empty: bool = False

    def finding(self, h: Hit, source: str) -> Finding:
        severity = h.severity or self.severity
        if severity not in (self.severity, self.also):
            raise ValueError(f"rule {self.id}: severity {severity} not declared")
        return Finding(
            severity,
            self.clause,
            self.id,
            self.message.format(**h.args) if h.args else self.message,
            where=h.loc.where,
            measured=h.measured,
            expected=h.expected if h.expected is not None else self.expected,
            page=h.loc.page,
            line=h.loc.line,
            paragraph=h.loc.paragraph,
            source=source,
        )

    def hits(self, facts: Any) -> Iterator[Hit]:
        hits = self.check(facts)
        if not self.fold:
            yield from hits
            return
        found = list(hits)
        if found:
            first = found[0]
            count = len({h.loc for h in found})
            yield Hit(first.loc, first.measured, first.expected, first.severity,
                      {**first.args, "count": count, "first": first.loc.where})


_TABLE: list[Rule] = []


def rule(
    id: str,
    clause: Clause,
    severity: Severity,
    message: str,
    route: Route,
    *,
    expected: str | None = None,
    also: Severity | None = None,
    fold: str | None = None,
    on_empty: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated function as a rule (see :class:`Rule`)."""

    def register(check: Check) -> Check:
        add(Rule(id, clause, severity, message, route, check, expected, also, fold, on_empty))
        return check

    return register


def add(r: Rule) -> None:
    """Register ``r``. One id may have several rows (per route, per message: a PDF's page
    and a DOCX's settings show one departure differently), never the same row twice."""
    routes = {r.route} if r.route is not Route.BOTH else {Route.PDF, Route.DOCX}
    for old in _TABLE:
        old_routes = {old.route} if old.route is not Route.BOTH else {Route.PDF, Route.DOCX}
        if (old.id, old.clause, old.message) == (r.id, r.clause, r.message) and routes & old_routes:
            raise ValueError(f"rule {r.id} ({r.clause}: {r.message}) registered twice")
    _TABLE.append(r)


def table() -> list[Rule]:
    """Every rule, in the order the modules register them."""
    for name in RULE_MODULES:
        importlib.import_module(f"{__package__}.{name}")
    return list(_TABLE)


def by_clause() -> list[Rule]:
    """Every rule, by clause of the standard (then as registered): the order they are listed."""
    order = {c: i for i, c in enumerate(Clause)}
    return sorted(table(), key=lambda r: order[r.clause])


def run(route: Route, facts: Any, report: Report, source: str) -> None:
    """Every rule of ``route`` (and, for ``pdf`` and ``docx``, the ``both`` rules) over
    ``facts``, into ``report``; ``source`` labels the findings ("pdf", "ofd", "docx",
    "render" or "pdfa")."""
    empty = bool(facts.empty)
    routes = {route, Route.BOTH} if route in (Route.PDF, Route.DOCX) else {route}
    for r in table():
        if r.route not in routes or r.on_empty != empty:
            continue
        report.extend([r.finding(h, source) for h in r.hits(facts)])


def template_text(message: str) -> str:
    """A message template for people: each ``{field}`` shown as “…”."""
    return re.sub(r"\{[a-z_]+\}", "…", message)


def table_rows() -> list[dict[str, str | None]]:
    """The table as rows, by clause: id, clause, severity (and the second one some findings
    have), route, message template, expected value (schema gongwen-check-rules/1)."""
    return [
        {
            "id": r.id,
            "clause": str(r.clause),
            "severity": str(r.severity),
            "also": str(r.also) if r.also else None,
            "route": str(r.route),
            "message": r.message,
            "expected": r.expected,
        }
        for r in by_clause()
    ]


def print_table(console: Any = None) -> None:
    """The table on the terminal (``gongwen check --rules``): by clause, each rule a short
    block — id, severity and route, then the message wrapped by display width (a table cuts
    Chinese words in two at 80 columns)."""
    from rich.console import Console
    from rich.text import Text

    from ..clitext import wrap

    console = console or Console()
    width = max(40, console.width) - 6
    clause = None
    rules = by_clause()
    for r in rules:
        if r.clause != clause:
            clause = r.clause
            console.print(Text.assemble("\n", (str(clause), "bold")))
        severity = SEVERITY_LABEL[r.severity] + (f"/{SEVERITY_LABEL[r.also]}" if r.also else "")
        console.print(Text(f"  {r.id}  {severity}  {_ROUTE_LABEL[r.route]}"), soft_wrap=True)
        for piece in wrap(template_text(r.message), width):
            console.print(Text("      " + piece), soft_wrap=True)
    console.print(f"\n共 {len(rules)} 条规则")


_ROUTE_LABEL = {"pdf": "PDF、OFD 版面", "docx": "DOCX 设置", "both": "PDF、OFD 版面和 DOCX 设置",
                "pdfa": "PDF/A 要求"}


def markdown_table() -> str:
    """The table as Markdown (``docs/check.md`` holds it between markers)."""
    out = ["| id | clause | severity | route | message |", "|---|---|---|---|---|"]
    for r in by_clause():
        msg = template_text(r.message).replace("|", "\\|")
        severity = str(r.severity) + (f"/{r.also}" if r.also else "")
        out.append(f"| `{r.id}` | {r.clause} | {severity} | {r.route} | {msg} |")
    return "\n".join(out) + "\n"
