"""How closely LibreOffice's rendering of gongwen's DOCX follows gongwen's PDF.

    python benchmarks/docx_parity.py [-n 64] [--seed 2022] [--fonts auto] [--work DIR]
                                     [--letters FILE.yaml …] [--json OUT]

For each letter (the generated set of ``benchmarks/generate.py``, or the given letters) it
renders the PDF and the DOCX, converts the DOCX with LibreOffice (only the bundled fonts
visible, ``gongwen.check.render``) and compares the two PDFs:

* **page count**: equal or not;
* **line breaks**: every line of gongwen's PDF (page numbers left out) agrees when
  LibreOffice's rendering starts a line where it starts and where it ends (the line starts
  are mapped through the characters the two texts share, ``difflib``, so a line that breaks
  elsewhere, and every line after it that it shifts, disagree). Reported over all lines and over
  the lines that hold no digits or Latin letters (decision 17: LibreOffice ignores
  ``w:autoSpaceDE/DN``), and over those of them whose line before agrees (a break moved
  on an earlier line shifts the lines after it);
* **marks lost**: punctuation marks of gongwen's PDF missing from LibreOffice's text (its
  PDF export leaves out a mark it hung in the margin); must stay 0.

Reported here over the whole set; ``tests/test_docx_parity.py`` asserts equal pages and line
breaks on a few of these letters with :func:`render_and_compare`.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongwen.read.pdf import read_pdf_geometry  # noqa: E402
from gongwen.textnorm import normalise  # noqa: E402

PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
HALF_WIDTH = re.compile(r"[0-9A-Za-z]")


@dataclass
class LetterParity:
    name: str
    pages_pdf: int
    pages_docx: int
    lines: int = 0
    lines_agreeing: int = 0
    cjk_lines: int = 0  # lines without digits or Latin letters
    cjk_lines_agreeing: int = 0
    clean_lines: int = 0  # lines without digits or Latin after a line that agrees
    clean_lines_agreeing: int = 0
    first_difference: str = ""
    marks_lost: int = 0  # punctuation of the PDF missing from LibreOffice's text

    @property
    def same_pages(self) -> bool:
        return self.pages_pdf == self.pages_docx


@dataclass
class Summary:
    letters: int = 0
    same_pages: int = 0
    lines: int = 0
    lines_agreeing: int = 0
    cjk_lines: int = 0
    cjk_lines_agreeing: int = 0
    clean_lines: int = 0
    clean_lines_agreeing: int = 0
    marks_lost: int = 0
    letters_losing_marks: int = 0
    per_letter: list[dict] = field(default_factory=list)


def line_texts(pdf: str | Path | bytes) -> tuple[int, list[str]]:
    """(pages, the normalised text of every line but page numbers, in reading order)."""
    geo = read_pdf_geometry(pdf)
    out = []
    for page in geo.pages:
        for ln in page.lines:
            text = normalise(ln.text)
            if text and not PAGE_NUMBER.match(ln.text.strip()):
                out.append(text)
    return len(geo.pages), out


def _breaks(a: str, b: str, b_starts: list[int]) -> set[int]:
    """Offsets in ``a`` where the lines of ``b`` (starting at ``b_starts``) start: each line
    start is mapped through the characters the two texts share (so a character one side
    leaves out, such as punctuation hung in the margin and not drawn, moves no break)."""
    where: dict[int, int] = {}
    for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(m.size):
            where[m.b + k] = m.a + k
    return {where[j] for j in b_starts if j in where}


def _marks(texts: list[str]) -> Counter[str]:
    return Counter(ch for t in texts for ch in t if unicodedata.category(ch).startswith("P"))


def compare(name: str, pdf: str | Path | bytes, lo_pdf: str | Path | bytes) -> LetterParity:
    """Page counts and line-break agreement of gongwen's PDF and LibreOffice's."""
    pages_a, a = line_texts(pdf)
    pages_b, b = line_texts(lo_pdf)
    r = LetterParity(name, pages_a, pages_b)
    r.marks_lost = (_marks(a) - _marks(b)).total()
    starts_b, at = [], 0
    for t in b:
        starts_b.append(at)
        at += len(t)
    text_a = "".join(a)
    theirs = _breaks(text_a, "".join(b), starts_b) | {0, len(text_a)}
    at = 0
    before = True  # whether the line before agrees
    for text in a:
        agree = at in theirs and at + len(text) in theirs
        at += len(text)
        r.lines += 1
        r.lines_agreeing += agree
        if not HALF_WIDTH.search(text):
            r.cjk_lines += 1
            r.cjk_lines_agreeing += agree
            r.clean_lines += before
            r.clean_lines_agreeing += before and agree
            if not agree and not r.first_difference:
                r.first_difference = text
        before = agree
    return r


def summarise(results: list[LetterParity]) -> Summary:
    s = Summary(letters=len(results))
    for r in results:
        s.same_pages += r.same_pages
        s.lines += r.lines
        s.lines_agreeing += r.lines_agreeing
        s.cjk_lines += r.cjk_lines
        s.cjk_lines_agreeing += r.cjk_lines_agreeing
        s.clean_lines += r.clean_lines
        s.clean_lines_agreeing += r.clean_lines_agreeing
        s.marks_lost += r.marks_lost
        s.letters_losing_marks += r.marks_lost > 0
        s.per_letter.append({**asdict(r), "same_pages": r.same_pages})
    return s


def render_and_compare(letters: list[Path], work: Path, fonts: str = "auto"
                       ) -> list[LetterParity]:
    """Render each letter (PDF and DOCX), convert the DOCX with LibreOffice, compare."""
    from gongwen.check.render import render_docx_files
    from gongwen.loader import load_letter_with_sources
    from gongwen.pipeline import render_letter

    docx_paths, pdf_paths = [], []
    for path in letters:
        letter, sources = load_letter_with_sources(path)
        r = render_letter(letter, fonts=fonts, base_dir=path.parent, sources=sources)
        pdf, docx = work / f"{path.stem}.pdf", work / f"{path.stem}.docx"
        pdf.write_bytes(r.outputs["pdf"])
        docx.write_bytes(r.outputs["docx"])
        pdf_paths.append(pdf)
        docx_paths.append(docx)
    lo = work / "libreoffice"
    lo_pdfs = render_docx_files(docx_paths, lo)
    return [compare(p.stem, a, b) for p, a, b in zip(letters, pdf_paths, lo_pdfs, strict=True)]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=64, help="generated letters (default 64)")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--fonts", default="auto", help="gongwen's font mode (default auto)")
    ap.add_argument("--work", type=Path, help="keep the files here")
    ap.add_argument("--letters", type=Path, nargs="*", help="these letters instead")
    ap.add_argument("--json", type=Path, help="write the figures as JSON")
    ap.add_argument("-v", action="store_true", help="one line per letter")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gongwen-parity-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.letters:
            letters = list(args.letters)
        else:
            sys.path.insert(0, str(ROOT / "benchmarks"))
            from generate import generate

            letters = generate(work / "letters", args.n, args.seed)
        results = render_and_compare(letters, work, args.fonts)
    s = summarise(results)
    if args.v:
        for r in results:
            print(f"{r.name}: pages {r.pages_pdf}/{r.pages_docx}, lines "
                  f"{r.lines_agreeing}/{r.lines}, CJK-only {r.cjk_lines_agreeing}/{r.cjk_lines}"
                  + (f"  first: {r.first_difference}" if r.first_difference else ""))
    print(f"letters: {s.letters}; same page count: {s.same_pages}/{s.letters}")
    print(f"line breaks agreeing: all lines {s.lines_agreeing}/{s.lines} "
          f"({s.lines_agreeing / max(s.lines, 1):.1%}); lines without digits or Latin "
          f"{s.cjk_lines_agreeing}/{s.cjk_lines} "
          f"({s.cjk_lines_agreeing / max(s.cjk_lines, 1):.1%}); of these, after a line "
          f"that agrees {s.clean_lines_agreeing}/{s.clean_lines} "
          f"({s.clean_lines_agreeing / max(s.clean_lines, 1):.1%})")
    print(f"marks lost in LibreOffice's PDF: {s.marks_lost} in {s.letters_losing_marks} letters")
    if args.json:
        args.json.write_text(json.dumps(asdict(s), ensure_ascii=False, indent=1),
                             encoding="utf-8")


if __name__ == "__main__":
    main()
