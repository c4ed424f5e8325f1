"""gongwen's speed, memory and output size, beside Typst and LibreOffice, in one run.

    python benchmarks/run.py [--letters 200] [--sample 40] [--work DIR] [--profile]
                             [--no-typst] [--no-libreoffice]

On the same synthetic letters (``benchmarks/generate.py``, seeded) and the reference letter,
it measures and prints:

* per-letter warm time on one core (median, p95): compose+layout, PDF (compose, layout and
  drawing), DOCX (compose, layout and writing), OFD (compose, layout and the package with its
  font subsets), PDF/A-2b (the PDF and the pikepdf step) — and the reference letter's warm
  PDF, DOCX, OFD and PDF/A;
* a cold ``gongwen render`` of the reference letter, both formats (a new process each time);
* batch throughput (letters/s) of ``render_many`` over all letters, both formats, at -j 1 and
  at all cores;
* peak RSS (largest single process: the batch parent or a worker);
* the reference letter's PDF and OFD sizes;

and the same figures for the peers that are installed, with the ratio gongwen/peer:

* **Typst** (PyPI ``typst``): an equivalent Typst source of each letter (written from the same
  composed document: same text, fonts, sizes, indents, alignment, page and margins, line
  pitch; the bundled fonts via ``font_paths``). Warm = one ``typst.Compiler`` with fonts
  loaded compiling each letter once; batch = a process pool, one compiler per worker.
* **LibreOffice** headless converting gongwen's DOCX to PDF (own profile and fontconfig with
  the bundled fonts, see ``tests/libreoffice.py``): cold = one soffice start for the reference
  letter; batch = all DOCX through one soffice per core.

Each measurement runs in its own subprocess (``--phase``), so that its peak RSS is its own.
Targets are reported, never asserted. All gongwen runs use ``--fonts open`` (the bundled
fonts), the same faces the peers get.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

REFERENCE = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
FONT_MODE = "open"

TARGETS = {  # CPU time, gongwen ÷ Typst measured in the same process (phase "paired")
    "ref_pdf_ratio": ("reference letter, PDF path (YAML → PDF)", "≤ 1.0× Typst",
                      lambda v: v <= 1.0),
    "ref_both_ratio": ("reference letter, both formats", "≤ 1.3× Typst", lambda v: v <= 1.3),
    "one_page_both_ratio": ("1-page letter, both formats", "≤ 1.0× Typst", lambda v: v <= 1.0),
    "batch_vs_typst": ("batch, both formats, all cores, from CPU", "≥ 1.0× Typst's PDF rate",
                       lambda v: v >= 1.0),
    "cold_cpu_s": ("cold render of the reference, CPU s", "≤ 0.5 s", lambda v: v <= 0.5),
    "rss_mb": ("peak RSS, one process", "≤ 200 MB", lambda v: v <= 200),
    "pdf_kb_ratio": ("reference PDF size", "≤ 1.0× Typst's", lambda v: v <= 1.0),
    "layout_ms": ("layout of the reference, CPU ms", "≤ 10 ms", lambda v: v <= 10),
    "load_ms": ("loading the reference, CPU ms", "≤ 2 ms", lambda v: v <= 2),
}


# --------------------------------------------------------------------------------------------
# Helpers


def peak_rss_mb() -> float:
    """Largest resident set of this process or any child it waited for, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024  # ru_maxrss is in KiB on Linux


def children_cpu() -> float:
    """CPU seconds (user + system) of the children this process has waited for."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def self_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def stats_ms(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return {"median": round(statistics.median(ms), 1), "p95": round(p95, 1), "n": len(ms)}


def timed(fn, *args, **kwargs) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - t, out


def cpu_timed(fn, *args, **kwargs) -> float:
    """CPU seconds of this process (all threads) spent in ``fn``."""
    t = time.process_time()
    fn(*args, **kwargs)
    return time.process_time() - t


def wait_idle(limit_s: float, below: float = 0.7) -> list[float]:
    """Wait (up to ``limit_s``) until the 1-minute load average drops below ``below``."""
    deadline = time.monotonic() + limit_s
    while os.getloadavg()[0] >= below and time.monotonic() < deadline:
        time.sleep(5)
    return [round(x, 2) for x in os.getloadavg()]


def letters_of(work: Path) -> list[Path]:
    return sorted((work / "letters").glob("*.yaml"))


def sample_of(paths: list[Path], n: int) -> list[Path]:
    step = max(1, len(paths) // max(1, n))
    return paths[::step][:n]


# --------------------------------------------------------------------------------------------
# Typst source of a composed letter


_TYPST_FAMILY = {  # bundled file → (Typst family name, weight)
    "FandolSong-Bold": ("FandolSong", "bold"),
    "FandolSong-Regular": ("FandolSong", "regular"),
    "FandolFang-Regular": ("FandolFang R", "regular"),
    "FandolHei-Regular": ("FandolHei", "regular"),
    "FandolKai-Regular": ("FandolKai", "regular"),
}
_TYPST_FALLBACKS = '"GongwenFallbackA", "HanaMinB"'


def _tstr(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    return f'"{out}"'


def typst_source(doc: Any, fontset: Any) -> str:
    """An equivalent Typst document: the same blocks, fonts, sizes, indents and page."""
    from gongwen import spec
    from gongwen.document import LetterFormat
    from gongwen.spec import Role

    def font(role: Any) -> str:
        family, weight = _TYPST_FAMILY.get(fontset.face(role).path.stem, ("FandolFang R", ""))
        return f'font: ("{family}", {_TYPST_FALLBACKS}), weight: "{weight or "regular"}"'

    pitch = spec.LINE_PITCH
    out = [
        '#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm),',
        "  footer-descent: 7mm, footer: context {",
        "    let n = counter(page).get().first()",
        f"    set text({font(spec.PAGE_NUMBER_FONT)}, size: {spec.PAGE_NUMBER_SIZE}pt)",
        "    if calc.odd(n) { align(right)[— #n —#h(14pt)] } else { align(left)[#h(14pt)— #n —] }",
        "  })",
        f'#set text({font(spec.FontRole.FANGSONG)}, size: 16pt, lang: "zh", region: "cn",',
        "  top-edge: 0.8em, bottom-edge: -0.2em)",
        f"#set par(justify: true, leading: {pitch - 16:.2f}pt, spacing: {pitch - 16:.2f}pt)",
    ]
    # the red rule: under the 发文机关标志 (信函格式) or under the 发文字号 (文件格式)
    under = Role.DOC_NUMBER if doc.fmt is LetterFormat.DOCUMENT else Role.ORGAN_MARK
    marks = [i for i, b in enumerate(doc.blocks) if b.role in (under, Role.ORGAN_MARK)]
    rule_after = marks[-1] if marks and doc.fmt is not LetterFormat.PLAIN else -1
    record_started = False
    for index, block in enumerate(doc.blocks):
        st = block.style
        size = st.size
        if block.role in spec.RECORD_ROLES and not record_started:
            record_started = True
            out.append("#v(1fr)#line(length: 100%, stroke: 0.35mm)")
        if block.page_break_before:
            out.append("#pagebreak(weak: true)")
        spans = "".join(
            f"#text({font(block.font_of(s))}, {_tstr(s.text)})" for s in block.spans if s.text
        )
        if block.tail:
            spans += f"#h(1fr)#text({font(st.font)}, {_tstr(block.tail)})"
        align = {"justify": "left", "left": "left", "center": "center", "right": "right"}[st.align]
        above = (pitch - size) + st.space_before_lines * pitch
        below = st.space_after_lines * pitch
        first = (st.first_line_chars + block.extra_indent_chars) * size
        sticky = st.keep_with_next and not block.run_in  # run-in headings are not kept
        out.append(
            f"#block(width: 100%, above: {above:.2f}pt, below: {below:.2f}pt, "
            f"inset: (left: {st.left_chars * size:.2f}pt, right: {st.right_chars * size:.2f}pt), "
            f"sticky: {'true' if sticky else 'false'})["
            f'#set text(size: {size}pt, fill: rgb("#{st.color}"))\n'
            f"#set par(first-line-indent: (amount: {first:.2f}pt, all: true), "
            f"hanging-indent: {st.hanging_chars * size:.2f}pt, leading: {pitch - size:.2f}pt, "
            f"justify: {'true' if st.align == 'justify' else 'false'})\n"
            f"#set align({align})\n#par[{spans}]]"
        )
        if index == rule_after:
            width = "170mm" if doc.fmt is LetterFormat.LETTER else "100%"
            out.append(f'#align(center, line(length: {width}, stroke: 1.5pt + rgb("#FF0000")))')
    if record_started:
        out.append("#line(length: 100%, stroke: 0.35mm)")
    return "\n".join(out) + "\n"


def write_typst_sources(work: Path) -> None:
    from gongwen.compose import compose
    from gongwen.fonts import load_fontset
    from gongwen.loader import load_letter

    fontset = load_fontset(FONT_MODE)
    folder = work / "typst"
    folder.mkdir(exist_ok=True)
    for path in [REFERENCE, *letters_of(work)]:
        doc = compose(load_letter(path), path.parent)
        name = "reference" if path == REFERENCE else path.stem
        (folder / f"{name}.typ").write_text(typst_source(doc, fontset), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Phases (each in its own process)


def phase_gongwen_warm(work: Path, sample: int, profile: bool) -> dict[str, Any]:
    from gongwen.compose import compose
    from gongwen.fonts import load_fontset
    from gongwen.layout import layout_document
    from gongwen.loader import load_letter
    from gongwen.pipeline import render_document

    fontset = load_fontset(FONT_MODE)
    ref = load_letter(REFERENCE)

    def pdf(letter, base):
        return render_document(compose(letter, base), fontset, ("pdf",)).outputs["pdf"]

    def docx(letter, base):
        return render_document(compose(letter, base), fontset, ("docx",)).outputs["docx"]

    def ofd(letter, base):
        return render_document(compose(letter, base), fontset, ("ofd",)).outputs["ofd"]

    def pdfa(letter, base):
        return render_document(compose(letter, base), fontset, ("pdf",),
                               {"pdf_standard": "PDF/A-2b"}).outputs["pdf"]

    def compose_layout(letter, base):
        return layout_document(compose(letter, base), fontset)

    for _ in range(3):  # warm: imports, font registration and parsing, caches
        pdf(ref, REFERENCE.parent)
        docx(ref, REFERENCE.parent)
        ofd(ref, REFERENCE.parent)
        pdfa(ref, REFERENCE.parent)
    ref_pdf = [timed(pdf, ref, REFERENCE.parent)[0] for _ in range(15)]
    ref_docx = [timed(docx, ref, REFERENCE.parent)[0] for _ in range(15)]
    ref_ofd = [timed(ofd, ref, REFERENCE.parent)[0] for _ in range(15)]
    ref_pdfa = [timed(pdfa, ref, REFERENCE.parent)[0] for _ in range(15)]
    ref_cl = [timed(compose_layout, ref, REFERENCE.parent)[0] for _ in range(15)]
    ref_pdf_cpu = [cpu_timed(pdf, ref, REFERENCE.parent) for _ in range(15)]
    ref_docx_cpu = [cpu_timed(docx, ref, REFERENCE.parent) for _ in range(15)]
    ref_ofd_cpu = [cpu_timed(ofd, ref, REFERENCE.parent) for _ in range(15)]
    ref_pdfa_cpu = [cpu_timed(pdfa, ref, REFERENCE.parent) for _ in range(15)]
    export_only = _export_only(ref, fontset)
    pdf_bytes = pdf(ref, REFERENCE.parent)
    ofd_bytes = ofd(ref, REFERENCE.parent)
    (work / "reference.gongwen.pdf").write_bytes(pdf_bytes)
    cl, pd, dx, od, pa = [], [], [], [], []
    for path in sample_of(letters_of(work), sample):
        letter = load_letter(path)
        try:
            cl.append(timed(compose_layout, letter, path.parent)[0])
            pd.append(timed(pdf, letter, path.parent)[0])
            dx.append(timed(docx, letter, path.parent)[0])
            od.append(timed(ofd, letter, path.parent)[0])
            pa.append(timed(pdfa, letter, path.parent)[0])
        except Exception as exc:  # a pipeline bug: report, go on
            print(f"{path}: {type(exc).__name__}: {exc}", file=sys.stderr)
    result: dict[str, Any] = {
        "ref_compose_layout": stats_ms(ref_cl), "ref_pdf": stats_ms(ref_pdf),
        "ref_docx": stats_ms(ref_docx), "ref_pdf_cpu": stats_ms(ref_pdf_cpu),
        "ref_docx_cpu": stats_ms(ref_docx_cpu), "ref_ofd": stats_ms(ref_ofd),
        "ref_ofd_cpu": stats_ms(ref_ofd_cpu), "ref_pdfa": stats_ms(ref_pdfa),
        "ref_pdfa_cpu": stats_ms(ref_pdfa_cpu), **export_only,
        "compose_layout": stats_ms(cl), "pdf": stats_ms(pd),
        "docx": stats_ms(dx), "ofd": stats_ms(od), "pdfa": stats_ms(pa),
        "ref_pdf_kb": round(len(pdf_bytes) / 1024, 1),
        "ref_ofd_kb": round(len(ofd_bytes) / 1024, 1),
        "rss_mb": round(peak_rss_mb(), 1),
    }
    if profile:
        result["profile_pdf"] = _profile(lambda: pdf(ref, REFERENCE.parent))
        result["profile_docx"] = _profile(lambda: docx(ref, REFERENCE.parent))
        result["profile_ofd"] = _profile(lambda: ofd(ref, REFERENCE.parent))
    return result


def phase_paired(work: Path, rounds: int) -> dict[str, Any]:
    """gongwen and Typst in one process, interleaved round by round, in CPU time: the ratios
    of the targets, robust to a machine other work shares (both sides see the same load).

    For the reference letter and a one-page letter: gongwen's PDF path (YAML text → PDF
    bytes), both formats (YAML text → PDF and DOCX bytes), and Typst compiling an equivalent
    source not compiled before in the process; and gongwen's stages for the reference."""
    from gongwen.compose import compose
    from gongwen.export import ExportContext, export
    from gongwen.fonts import load_fontset
    from gongwen.layout import layout_document
    from gongwen.loader import load_letter_text_with_sources
    from gongwen.pipeline import check_glyphs

    fontset = load_fontset(FONT_MODE)
    ctx = ExportContext(fontset)
    compiler = _typst_compiler()
    # the generated letters aim at 1 + i mod 8 pages: the shortest of the first eight
    one_page = min(letters_of(work)[:8], key=lambda p: (_pages(p, fontset), p.name))
    cases = {"reference": REFERENCE, "one_page": one_page}
    texts = {k: p.read_text(encoding="utf-8") for k, p in cases.items()}
    typ_names = {"reference": "reference", "one_page": one_page.stem}
    typ = {k: (work / "typst" / f"{n}.typ").read_text(encoding="utf-8")
           for k, n in typ_names.items()}

    def gongwen(key: str, formats: tuple[str, ...]) -> dict[str, bytes]:
        letter, sources = load_letter_text_with_sources(texts[key], str(cases[key]))
        doc = compose(letter, cases[key].parent)
        check_glyphs(doc, fontset, sources)
        layout = layout_document(doc, fontset)
        return {f: export(f, layout, doc, ctx) for f in formats}

    counter = iter(range(10**9))

    def typst(key: str) -> bytes:
        src = work / "typst" / f"paired-{key}-{next(counter)}.typ"
        src.write_text(typ[key].replace("— #n —", f"— #n —#hide[{src.stem}]"), "utf-8")
        try:
            return compiler.compile(input=str(src))
        finally:
            src.unlink()

    for key in cases:  # warm: imports, fonts, caches, the compiler's fonts
        gongwen(key, ("pdf", "docx"))
        typst(key)
    times: dict[str, list[float]] = {}
    stages: dict[str, list[float]] = {}
    for _ in range(rounds):
        for key in cases:
            for name, fn in ((f"{key}_pdf", lambda k=key: gongwen(k, ("pdf",))),
                             (f"{key}_both", lambda k=key: gongwen(k, ("pdf", "docx"))),
                             (f"{key}_typst", lambda k=key: typst(k))):
                times.setdefault(name, []).append(cpu_timed(fn))
        _stages(texts["reference"], str(REFERENCE), fontset, ctx, stages)
    result: dict[str, Any] = {k: stats_ms(v) for k, v in times.items()}
    result["stages"] = {k: round(1000 * statistics.median(v), 2) for k, v in stages.items()}
    result["stages_best"] = {k: round(1000 * min(v), 2) for k, v in stages.items()}
    result["one_page_letter"] = f"{one_page.name}, {_pages(one_page, fontset)} page(s)"
    for key in cases:
        typst_ms = result[f"{key}_typst"]["median"]
        for what in ("pdf", "both"):
            result[f"{key}_{what}_ratio"] = round(result[f"{key}_{what}"]["median"] / typst_ms, 2)
    result["rss_mb"] = round(peak_rss_mb(), 1)
    return result


def _pages(path: Path, fontset: Any) -> int:
    from gongwen.compose import compose
    from gongwen.layout import layout_document
    from gongwen.loader import load_letter

    return len(layout_document(compose(load_letter(path), path.parent), fontset).pages)


def _stages(text: str, name: str, fontset: Any, ctx: Any, out: dict[str, list[float]]) -> None:
    """The CPU seconds of each stage of the reference letter, added to ``out``."""
    from gongwen.compose import compose
    from gongwen.export import export
    from gongwen.layout import layout_document
    from gongwen.loader import load_letter_text_with_sources
    from gongwen.pipeline import check_glyphs

    t = time.process_time
    t0 = t()
    letter, sources = load_letter_text_with_sources(text, name)
    t1 = t()
    doc = compose(letter, REFERENCE.parent)
    t2 = t()
    check_glyphs(doc, fontset, sources)
    t3 = t()
    layout = layout_document(doc, fontset)
    t4 = t()
    export("pdf", layout, doc, ctx)
    t5 = t()
    export("docx", layout, doc, ctx)
    t6 = t()
    for stage, a, b in (("load", t0, t1), ("compose", t1, t2), ("glyph check", t2, t3),
                        ("layout", t3, t4), ("PDF drawing", t4, t5), ("DOCX", t5, t6)):
        out.setdefault(stage, []).append(b - a)


def _export_only(letter: Any, fontset: Any, runs: int = 15) -> dict[str, Any]:
    """CPU time of each exporter alone on the reference letter's layout (made once), and
    of the PDF/A step alone on its PDF: what each format adds to compose and layout."""
    from gongwen.compose import compose
    from gongwen.export import ExportContext, export
    from gongwen.export.pdfmeta import to_pdfa
    from gongwen.layout import layout_document

    doc = compose(letter, REFERENCE.parent)
    layout = layout_document(doc, fontset)
    ctx = ExportContext(fontset)
    pdf_bytes = export("pdf", layout, doc, ctx)
    steps = {fmt: (lambda f=fmt: export(f, layout, doc, ctx)) for fmt in ("pdf", "docx", "ofd")}
    steps["pdfa_step"] = lambda: to_pdfa(pdf_bytes, doc.metadata)
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(runs):  # interleaved, so that a busy machine slows all alike
        for name, step in steps.items():
            times[name].append(cpu_timed(step))
    times["layout"] = [cpu_timed(layout_document, compose(letter, REFERENCE.parent), fontset)
                       for _ in range(runs)]
    return {f"ref_only_{name}_cpu": stats_ms(t) for name, t in times.items()}


def _profile(fn, runs: int = 10, top: int = 14) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(runs):
        fn()
    prof.disable()
    buf = io.StringIO()
    st = pstats.Stats(prof, stream=buf)
    st.sort_stats("tottime").print_stats(top)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    head = [ln for ln in lines[:start] if "function calls" in ln]
    return "\n".join(head + lines[start:]).replace(str(ROOT) + "/", "")


def phase_gongwen_cold(work: Path, runs: int = 5) -> dict[str, Any]:
    import compileall

    # as installed: the modules' bytecode written (this run may have PYTHONDONTWRITEBYTECODE)
    compileall.compile_dir(ROOT / "gongwen", quiet=1)
    times = []
    cpu0 = children_cpu()
    for i in range(runs):
        out = work / f"cold-{i}"
        t, proc = timed(subprocess.run, [
            sys.executable, "-m", "gongwen.cli", "render", str(REFERENCE), "-o", str(out),
            "--fonts", FONT_MODE,
        ], cwd=ROOT, capture_output=True)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr.decode())
        times.append(t)
    return {"cold_s": round(statistics.median(times), 3), "runs": runs,
            "cold_cpu_s": round((children_cpu() - cpu0) / runs, 3),
            "rss_mb": round(peak_rss_mb(), 1)}


def phase_gongwen_batch(work: Path, jobs: int) -> dict[str, Any]:
    from gongwen.batch import render_many

    out = work / f"out-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cpu0 = children_cpu() + self_cpu()
    t, res = timed(render_many, [work / "letters"], "pdf,docx", jobs, out, fonts=FONT_MODE)
    cpu = children_cpu() + self_cpu() - cpu0
    n = res.count("rendered") + res.count("failed")
    return {"jobs": jobs, "letters": res.count("rendered"), "failed": res.count("failed"),
            "seconds": round(t, 2), "rate": round(n / t, 2),
            "cpu_ms_per_letter": round(1000 * cpu / n, 1),
            "idle_rate": round(jobs * n / cpu, 1),
            "pages": sum(r.pages or 0 for r in res.results),
            "rss_mb": round(peak_rss_mb(), 1),
            "worker_start_cpu_ms": _worker_start_ms(),
            "failures": [r.problems[0] for r in res.failed][:5]}


def _worker_start_ms(runs: int = 5) -> float:
    """CPU time (ms, median) a batch worker spends from its fork to taking its first letter
    (the pool's initializer included), forked from this process as ``render_many`` forks
    it: after the batch above, the parent is warm."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from gongwen import batch

    times = []
    for _ in range(runs):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=batch._init_worker,
                                 initargs=(FONT_MODE, False, None)) as pool:
            times.append(1000 * pool.submit(time.process_time).result())
    return round(statistics.median(times), 1)


def _peer_fonts() -> str:
    """The folder of gongwen's bundled fonts: the peer sets the letter in the same fonts."""
    from gongwen.fonts import bundled_dir

    return str(bundled_dir())


def _typst_compiler():
    import typst

    return typst.Compiler(font_paths=[_peer_fonts()], ignore_system_fonts=True,
                          root=str(ROOT.anchor))


def phase_typst_warm(work: Path, sample: int) -> dict[str, Any]:
    compiler = _typst_compiler()
    src = work / "typst"
    compiler.compile(input=str(src / "reference.typ"))  # fonts loaded
    # Typst memoizes: compiling the same source twice costs ~1 ms. Each timing compiles a
    # letter not compiled before in this process (copies of the reference, for its figure).
    ref_times = []
    text = (src / "reference.typ").read_text(encoding="utf-8")
    for i in range(15):
        copy = src / f"reference-{i}.typ"
        copy.write_text(text.replace("— #n —", f"— #n —#hide[{i}]"), encoding="utf-8")
        ref_times.append(timed(compiler.compile, input=str(copy))[0])
    ref_cpu = []
    for i in range(15):
        copy = src / f"reference-cpu-{i}.typ"
        copy.write_text(text.replace("— #n —", f"— #n —#hide[c{i}]"), encoding="utf-8")
        ref_cpu.append(cpu_timed(compiler.compile, input=str(copy)))
    pdf = compiler.compile(input=str(src / "reference.typ"))
    (work / "reference.typst.pdf").write_bytes(pdf)
    times = [
        timed(compiler.compile, input=str(src / f"{p.stem}.typ"))[0]
        for p in sample_of(letters_of(work), sample)
    ]
    return {"ref_pdf": stats_ms(ref_times), "ref_pdf_cpu": stats_ms(ref_cpu),
            "pdf": stats_ms(times),
            "ref_pdf_kb": round(len(pdf) / 1024, 1), "rss_mb": round(peak_rss_mb(), 1)}


def phase_typst_cold(work: Path, runs: int = 5) -> dict[str, Any]:
    code = (
        "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], "
        f"font_paths=[{_peer_fonts()!r}], ignore_system_fonts=True, root='/')"
    )
    times = []
    cpu0 = children_cpu()
    for i in range(runs):
        t, proc = timed(subprocess.run, [
            sys.executable, "-c", code, str(work / "typst" / "reference.typ"),
            str(work / f"typst-cold-{i}.pdf"),
        ], capture_output=True)
        if proc.returncode != 0:
            raise SystemExit(proc.stderr.decode())
        times.append(t)
    return {"cold_s": round(statistics.median(times), 3), "runs": runs,
            "cold_cpu_s": round((children_cpu() - cpu0) / runs, 3),
            "rss_mb": round(peak_rss_mb(), 1)}


_COMPILER: Any = None


def _typst_init() -> None:
    global _COMPILER
    _COMPILER = _typst_compiler()


def _typst_one(args: tuple[str, str]) -> int:
    src, dst = args
    pdf = _COMPILER.compile(input=src)
    Path(dst).write_bytes(pdf)
    return len(pdf)


def phase_typst_batch(work: Path, jobs: int) -> dict[str, Any]:
    import multiprocessing

    out = work / f"typst-out-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    tasks = [(str(work / "typst" / f"{p.stem}.typ"), str(out / f"{p.stem}.pdf"))
             for p in letters_of(work)]
    cpu0 = children_cpu() + self_cpu()
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs, initializer=_typst_init) as pool:
        sizes = list(pool.imap_unordered(_typst_one, tasks))
        pool.close()
        pool.join()
    t = time.perf_counter() - t0
    cpu = children_cpu() + self_cpu() - cpu0
    n = len(sizes)
    return {"jobs": jobs, "letters": n, "seconds": round(t, 2), "rate": round(n / t, 2),
            "cpu_ms_per_letter": round(1000 * cpu / n, 1), "idle_rate": round(jobs * n / cpu, 1),
            "rss_mb": round(peak_rss_mb(), 1)}


def _soffice(docx: list[Path], out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.libreoffice import convert_to_pdf

    convert_to_pdf(docx, out, timeout=1800)


def phase_lo_cold(work: Path, runs: int = 2) -> dict[str, Any]:
    docx = work / "out-j1" / "reference.docx"
    if not docx.exists():
        from gongwen.pipeline import render_file

        render_file(REFERENCE, work / "out-j1", ("docx",), fonts=FONT_MODE)
        docx = work / "out-j1" / f"{REFERENCE.stem}.docx"
    times = []
    for i in range(runs):
        t, _ = timed(_soffice, [docx], work / f"lo-cold-{i}")
        times.append(t)
    pdf = work / "lo-cold-0" / f"{docx.stem}.pdf"
    return {"cold_s": round(statistics.median(times), 3), "runs": runs,
            "ref_pdf_kb": round(pdf.stat().st_size / 1024, 1), "rss_mb": round(peak_rss_mb(), 1)}


def phase_lo_batch(work: Path, jobs: int, limit: int) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    docx = sorted((work / "out-j1").glob("letter-*.docx"))[:limit]
    chunks = [docx[i::jobs] for i in range(jobs)]
    out = work / f"lo-out-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cpu0 = children_cpu()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(jobs) as ex:
        list(ex.map(lambda c: _soffice(c, out), [c for c in chunks if c]))
    t = time.perf_counter() - t0
    cpu = children_cpu() - cpu0
    n = len(docx)
    return {"jobs": jobs, "letters": n, "seconds": round(t, 2), "rate": round(n / t, 2),
            "cpu_ms_per_letter": round(1000 * cpu / n, 1), "idle_rate": round(jobs * n / cpu, 1),
            "rss_mb": round(peak_rss_mb(), 1)}


PHASES = {
    "gongwen-warm": lambda a: phase_gongwen_warm(a.work, a.sample, a.profile),
    "gongwen-cold": lambda a: phase_gongwen_cold(a.work),
    "gongwen-batch": lambda a: phase_gongwen_batch(a.work, a.jobs),
    "paired": lambda a: phase_paired(a.work, a.rounds),
    "typst-warm": lambda a: phase_typst_warm(a.work, a.sample),
    "typst-cold": lambda a: phase_typst_cold(a.work),
    "typst-batch": lambda a: phase_typst_batch(a.work, a.jobs),
    "lo-cold": lambda a: phase_lo_cold(a.work),
    "lo-batch": lambda a: phase_lo_batch(a.work, a.jobs, a.lo_letters),
}


def run_phase(args: argparse.Namespace, name: str, jobs: int = 1) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--phase", name, "--work", str(args.work),
           "--sample", str(args.sample), "--jobs", str(jobs), "--lo-letters",
           str(args.lo_letters), "--rounds", str(args.rounds)]
    if args.profile:
        cmd.append("--profile")
    print(f"… {name}" + (f" -j {jobs}" if "batch" in name else ""), file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        print(f"{name} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    if proc.stderr.strip():
        print(proc.stderr.strip()[-2000:], file=sys.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------------
# Report


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "–"
    return f"{a / b:.2f}"


def print_report(r: dict[str, Any], args: argparse.Namespace, cores: int) -> None:
    g, t, lo = r["gongwen"], r.get("typst", {}), r.get("libreoffice", {})
    w, tw = g.get("warm", {}), t.get("warm", {})

    def cell(d: dict | None, key: str) -> str:
        if not d or key not in d:
            return "–"
        v = d[key]
        return f"{v['median']} / {v['p95']}" if isinstance(v, dict) else str(v)

    def rate(d: dict | None) -> float | None:
        return d.get("rate") if d else None

    def cpu_of(d: dict | None) -> float | None:
        return d.get("cpu_ms_per_letter") if d else None

    def idle(d: dict | None) -> float | None:
        return d.get("idle_rate") if d else None

    rows = [
        ("warm, per letter (ms, median / p95, one core)", "", "", "", ""),
        ("  compose + layout", cell(w, "compose_layout"), "–", "", ""),
        ("  PDF (compose + layout + draw)", cell(w, "pdf"), cell(tw, "pdf"),
         ratio(w.get("pdf", {}).get("median"), tw.get("pdf", {}).get("median")), ""),
        ("  DOCX (compose + layout + write)", cell(w, "docx"), "–", "", ""),
        ("  OFD (compose + layout + write)", cell(w, "ofd"), "–", "", ""),
        ("  PDF/A-2b (PDF + pikepdf step)", cell(w, "pdfa"), "–", "", ""),
        ("  reference letter: PDF", cell(w, "ref_pdf"), cell(tw, "ref_pdf"),
         ratio(w.get("ref_pdf", {}).get("median"), tw.get("ref_pdf", {}).get("median")), ""),
        ("  reference letter: DOCX", cell(w, "ref_docx"), "–", "", ""),
        ("  reference letter: OFD", cell(w, "ref_ofd"), "–", "", ""),
        ("  reference letter: PDF/A-2b", cell(w, "ref_pdfa"), "–", "", ""),
        ("  reference letter: PDF, CPU time", cell(w, "ref_pdf_cpu"), cell(tw, "ref_pdf_cpu"),
         ratio(w.get("ref_pdf_cpu", {}).get("median"), tw.get("ref_pdf_cpu", {}).get("median")),
         ""),
        ("  reference letter: DOCX, CPU time", cell(w, "ref_docx_cpu"), "–", "", ""),
        ("  reference letter: OFD, CPU time", cell(w, "ref_ofd_cpu"), "–", "", ""),
        ("  reference letter: PDF/A-2b, CPU time", cell(w, "ref_pdfa_cpu"), "–", "", ""),
        ("  reference letter, CPU time of one stage alone:", "", "", "", ""),
        ("    compose + layout", cell(w, "ref_only_layout_cpu"), "–", "", ""),
        ("    PDF drawing", cell(w, "ref_only_pdf_cpu"), "–", "", ""),
        ("    DOCX writing", cell(w, "ref_only_docx_cpu"), "–", "", ""),
        ("    OFD writing (subsets included)", cell(w, "ref_only_ofd_cpu"), "–", "", ""),
        ("    PDF/A-2b step", cell(w, "ref_only_pdfa_step_cpu"), "–", "", ""),
        ("cold render of the reference (s)", cell(g.get("cold"), "cold_s"),
         cell(t.get("cold"), "cold_s"),
         ratio(g.get("cold", {}).get("cold_s"), t.get("cold", {}).get("cold_s")),
         cell(lo.get("cold"), "cold_s")),
        ("batch -j 1 (letters/s)", rate(g.get("batch1")), rate(t.get("batch1")),
         ratio(rate(t.get("batch1")) and 1 / rate(t.get("batch1")),
               rate(g.get("batch1")) and 1 / rate(g.get("batch1"))),
         rate(lo.get("batch1"))),
        (f"batch -j {cores} (letters/s)", rate(g.get("batchN")), rate(t.get("batchN")),
         ratio(rate(t.get("batchN")) and 1 / rate(t.get("batchN")),
               rate(g.get("batchN")) and 1 / rate(g.get("batchN"))),
         rate(lo.get("batchN"))),
        ("batch CPU per letter, -j 1 (ms)", cpu_of(g.get("batch1")), cpu_of(t.get("batch1")),
         ratio(cpu_of(g.get("batch1")), cpu_of(t.get("batch1"))), cpu_of(lo.get("batch1"))),
        (f"batch -j {cores} on idle cores, from CPU time (letters/s)", idle(g.get("batchN")),
         idle(t.get("batchN")),
         ratio(idle(t.get("batchN")) and 1 / idle(t.get("batchN")),
               idle(g.get("batchN")) and 1 / idle(g.get("batchN"))),
         idle(lo.get("batchN"))),
        ("batch worker's start to its first letter, CPU (ms)",
         (g.get("batchN") or {}).get("worker_start_cpu_ms", "–"), "–", "", ""),
        ("cold render CPU time (s)", cell(g.get("cold"), "cold_cpu_s"),
         cell(t.get("cold"), "cold_cpu_s"),
         ratio(g.get("cold", {}).get("cold_cpu_s"), t.get("cold", {}).get("cold_cpu_s")), ""),
        ("peak RSS, one process (MB)", g.get("rss_mb"), t.get("rss_mb"),
         ratio(g.get("rss_mb"), t.get("rss_mb")), lo.get("rss_mb")),
        ("reference PDF size (KB)", w.get("ref_pdf_kb"), tw.get("ref_pdf_kb"),
         ratio(w.get("ref_pdf_kb"), tw.get("ref_pdf_kb")), cell(lo.get("cold"), "ref_pdf_kb")),
        ("reference OFD size (KB)", w.get("ref_ofd_kb"), "–", "", ""),
    ]
    heads = ("", "gongwen", "Typst", "gongwen/Typst", "LibreOffice")
    widths = [max(len(str(x[i])) for x in [*rows, heads]) for i in range(5)]
    print("\n" + " | ".join(str(h).ljust(widths[i]) for i, h in enumerate(heads)))
    print("-|-".join("-" * w_ for w_ in widths))
    for row in rows:
        print(" | ".join(str("" if c is None else c).ljust(widths[i]) for i, c in enumerate(row)))
    print("\nTimes: gongwen/Typst < 1 means gongwen is faster; batch ratios compare time per "
          "letter. 'From CPU time' = jobs × letters / CPU seconds of the batch (parent and "
          "workers): the rate on otherwise idle cores, robust to a busy machine. "
          "LibreOffice converts gongwen's DOCX (its batch: "
          f"{lo.get('batch1', {}).get('letters', '–')} letters).")
    bN = g.get("batchN") or {}
    print(f"Letters: {bN.get('letters', '–')} rendered, {bN.get('failed', '–')} failed, "
          f"{bN.get('pages', '–')} pages.")
    if bN.get("failures"):
        print("  first failures: " + "; ".join(bN["failures"]))
    pr = r.get("paired") or {}
    tb, gb = idle(t.get("batchN")), idle(g.get("batchN"))
    t_kb = tw.get("ref_pdf_kb")
    values = {
        "ref_pdf_ratio": pr.get("reference_pdf_ratio"),
        "ref_both_ratio": pr.get("reference_both_ratio"),
        "one_page_both_ratio": pr.get("one_page_both_ratio"),
        "batch_vs_typst": round(gb / tb, 2) if gb and tb else None,
        "cold_cpu_s": g.get("cold", {}).get("cold_cpu_s"),
        "rss_mb": g.get("rss_mb"),
        "pdf_kb_ratio": round(w["ref_pdf_kb"] / t_kb, 2) if w.get("ref_pdf_kb") and t_kb
        else None,
        "layout_ms": pr.get("stages", {}).get("layout"),
        "load_ms": pr.get("stages", {}).get("load"),
    }
    if pr:
        print("\nPaired, CPU ms (median / p95 of "
              f"{pr['reference_pdf']['n']} interleaved rounds; one-page letter: "
              f"{pr['one_page_letter']}):")
        for key in ("reference", "one_page"):
            typst_ms = pr[f"{key}_typst"]["median"]
            print(f"  {key:<10} PDF path {cell(pr, f'{key}_pdf')} ({pr[f'{key}_pdf_ratio']}×), "
                  f"both formats {cell(pr, f'{key}_both')} ({pr[f'{key}_both_ratio']}×), "
                  f"Typst {cell(pr, f'{key}_typst')} (= {typst_ms})")
        print("  reference stages (CPU ms, median): " + ", ".join(
            f"{k} {v}" for k, v in pr["stages"].items()))
        if "stages_best" in pr:  # a busy machine inflates the median more than the best
            print("  reference stages (CPU ms, best of the rounds): " + ", ".join(
                f"{k} {v}" for k, v in pr["stages_best"].items()))
    print("\nTargets (reported, not asserted):")
    for key, (label, target, ok) in TARGETS.items():
        v = values.get(key)
        verdict = "–" if v is None else ("met" if ok(v) else "MISSED")
        print(f"  {label:<42} {target:<24} {v!s:<8} {verdict}")
    if args.profile and w.get("profile_pdf"):
        print("\nProfile, warm PDF of the reference letter (10 runs, by own time):")
        print(w["profile_pdf"])
        print("\nProfile, warm DOCX of the reference letter (10 runs, by own time):")
        print(w["profile_docx"])
        print("\nProfile, warm OFD of the reference letter (10 runs, by own time):")
        print(w["profile_ofd"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--letters", type=int, default=200, help="synthetic letters (default 200)")
    ap.add_argument("--sample", type=int, default=40, help="letters timed one by one")
    ap.add_argument("--work", type=Path, help="work folder (default: a temporary one)")
    ap.add_argument("--profile", action="store_true", help="print cProfile top entries")
    ap.add_argument("--no-typst", action="store_true")
    ap.add_argument("--no-libreoffice", action="store_true")
    ap.add_argument("--lo-letters", type=int, default=200, help="letters LibreOffice converts")
    ap.add_argument("--rounds", type=int, default=15,
                    help="interleaved rounds of the paired gongwen/Typst phase")
    ap.add_argument("--only", metavar="PARTS", default="",
                    help="comma-separated subset: paired, warm, cold, batch, libreoffice")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--wait-idle", type=float, default=0, metavar="S",
                    help="first wait up to S seconds for the 1-minute load to drop below 0.7")
    ap.add_argument("--phase", choices=sorted(PHASES), help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.phase:
        print(json.dumps(PHASES[args.phase](args)))
        return

    from generate import generate

    from gongwen.batch import default_jobs

    cores = default_jobs()
    tmp = None
    if args.work is None:
        tmp = tempfile.TemporaryDirectory(prefix="gongwen-bench-")
        args.work = Path(tmp.name)
    args.work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(args.work / "letters", ignore_errors=True)
    generate(args.work / "letters", args.letters)
    typst_ok = not args.no_typst and _has_typst()
    lo_ok = not args.no_libreoffice and shutil.which("soffice") is not None
    if typst_ok:
        write_typst_sources(args.work)

    load_before = wait_idle(args.wait_idle) if args.wait_idle else os.getloadavg()
    only = {p.strip() for p in args.only.split(",") if p.strip()}
    wanted = only or {"paired", "warm", "cold", "batch", "libreoffice"}
    results: dict[str, Any] = {"gongwen": {}, "typst": {}, "libreoffice": {}}
    if typst_ok and "paired" in wanted:
        results["paired"] = run_phase(args, "paired")
    peers = [("gongwen", "gongwen", True, True), ("typst", "typst", typst_ok, True),
             ("libreoffice", "lo", lo_ok and "libreoffice" in wanted, False)]
    for name, prefix, present, has_warm in peers:  # name, phase prefix, present, has warm
        if not present:
            continue
        r = results[name]
        if has_warm and "warm" in wanted:
            r["warm"] = run_phase(args, f"{prefix}-warm")
        if "cold" in wanted:
            r["cold"] = run_phase(args, f"{prefix}-cold")
        if "batch" in wanted:
            r["batch1"] = run_phase(args, f"{prefix}-batch", 1)
            r["batchN"] = run_phase(args, f"{prefix}-batch", cores)
        r["rss_mb"] = max([(v or {}).get("rss_mb", 0) for v in r.values()], default=None)
    load_after = [round(x, 2) for x in os.getloadavg()]
    results["machine"] = {"cores": cores, "python": sys.version.split()[0],
                          "letters": args.letters, "sample": args.sample,
                          "load_before": list(load_before), "load_after": load_after}
    print(f"gongwen benchmarks: {args.letters} letters (seed 2022), {cores} cores, "
          f"Python {results['machine']['python']}, {os.uname().machine}; load average "
          f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
          f"{' '.join(f'{x:.2f}' for x in load_after)} after")
    print_report(results, args, cores)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    if tmp is not None:
        tmp.cleanup()


def _has_typst() -> bool:
    try:
        import typst  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
