"""The published round trip: a reply as published → import → validate → render → diff.

``round_trip(text, folder)`` imports ``text`` (written to ``folder/NAME.txt``), writes the
YAML the import gives, loads it back (the validation a user's ``gongwen validate`` runs),
renders PDF and DOCX with the bundled fonts, and compares each with the published text by
the readers ``gongwen diff`` uses. The published text is compared as given, or as
``expected`` when the import is allowed to rewrite something (listed by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gongwen.diff import DiffResult, diff_readings
from gongwen.importer import Imported, import_file, to_yaml
from gongwen.loader import load_letter_with_sources
from gongwen.model import Letter, departures
from gongwen.pipeline import departure_warnings, render_letter
from gongwen.read import read_docx_bytes, read_pdf_bytes, read_text


@dataclass
class RoundTrip:
    imported: Imported
    yaml: str
    warnings: list[str]  # what validate reports for the imported letter
    outputs: dict[str, bytes]
    diffs: dict[str, DiffResult]  # "pdf", "docx" → the diff against the published text

    def differences(self) -> dict[str, list[str]]:
        """Each output's differences from the published text, readable (empty: identical)."""
        return {kind: [f"{c.kind}: {c.a_text!r} → {c.b_text!r} ({c.a_roles} → {c.b_roles})"
                       for c in d.changes] for kind, d in self.diffs.items()}


def round_trip(text: str, folder: Path, name: str = "reply", *,
               expected: str | None = None) -> RoundTrip:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    imported = import_file(source)
    yaml_path = folder / f"{name}.yaml"
    yaml = to_yaml(imported, yaml_path)
    yaml_path.write_text(yaml, encoding="utf-8")
    letter, sources = load_letter_with_sources(yaml_path)
    assert letter == imported.letter
    rendered = render_letter(letter, ("pdf", "docx"), fonts="open", base_dir=folder,
                             sources=sources)
    published = read_text(expected if expected is not None else text, str(source))
    diffs = {
        "pdf": diff_readings(read_pdf_bytes(rendered.outputs["pdf"], f"{name}.pdf"), published),
        "docx": diff_readings(read_docx_bytes(rendered.outputs["docx"], f"{name}.docx"),
                              published),
    }
    warnings = [str(w) for w in departure_warnings(letter, sources)]
    return RoundTrip(imported, yaml, warnings, rendered.outputs, diffs)


# the ``gongwen check`` rule that warns of each published form ``validate`` lists
DEPARTURE_RULES = {
    "published.reply_category": "reply-category-form",
    "published.doc_number": "doc-number-format",
    "published.date": "date-format",
    "published.without_signature": "no-signature",
    "published.without_mark": "header-without-mark",
}


def departure_rules(letter: Letter) -> set[str]:
    """The check rules that must warn of the published forms ``letter`` keeps."""
    out = set()
    for where, message in departures(letter):
        if where.startswith("published.notes"):
            out.add("note-place" if "印在标题" in message else "note-form")
        else:
            out.add(DEPARTURE_RULES[where])
    return out


def check_outputs(rt: RoundTrip, folder: Path, name: str) -> dict[str, list]:
    """``gongwen check``'s findings on each output (info aside)."""
    from gongwen.check import Severity, check_file

    out = {}
    for kind in ("pdf", "docx"):
        path = folder / f"{name}.{kind}"
        path.write_bytes(rt.outputs[kind])
        out[kind] = [f for f in check_file(path).findings if f.severity is not Severity.INFO]
    return out
