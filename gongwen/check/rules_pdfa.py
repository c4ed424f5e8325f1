"""The PDF/A self-check's requirements (ISO 19005) as rules of the table, route ``pdfa``: one
rule per requirement ``pdfa.py`` verifies, whose finding is ``info`` when the file meets it
and ``error`` when it does not, with the clause of the part checked as the expected value."""

from __future__ import annotations

from collections.abc import Iterator

from .pdfa import REQUIREMENTS, PdfaFacts
from .report import Clause
from .report import Severity as S
from .rules import Hit, Route, hit, rule


def _requirement_rule(rule_id: str) -> None:
    name = REQUIREMENTS[rule_id][0]

    @rule(rule_id, Clause.PDFA, S.ERROR, f"PDF/A：{name}（{{verdict}}）", Route.PDFA,
          also=S.INFO)
    def verdict(f: PdfaFacts) -> Iterator[Hit]:
        req = f.requirements.get(rule_id)
        if req is None:
            return
        yield hit(measured=req.detail or None, expected=f.clause(rule_id),
                  severity=S.INFO if req.passed else None,
                  verdict="符合" if req.passed else "不符合")


for _id in REQUIREMENTS:
    _requirement_rule(_id)
