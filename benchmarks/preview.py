"""The web editor's preview latency (``gongwen serve``), and the page-image approach beside it.

    python benchmarks/preview.py [--runs 15] [--json FILE] [--no-browser]

For the reference letter (6 pages) and a 1-page letter (``gongwen new proposal``), with the
bundled fonts:

* **server**: ``POST /api/sync`` to a real ``gongwen serve`` (a subprocess on 127.0.0.1,
  its background warm-up off), the letter's form data with one character changed each time
  (so nothing is cached): the server's own layout + SVG time and the HTTP round trip, median
  and p95. *cold outlines*: the first preview of the letter in a fresh server, when no glyph
  outline has been read from the fonts yet.
* **browser**: Chromium (Playwright, the system build) typing one character into a paragraph
  of the open editor, from the keystroke to the new pages in the page (debounce included)
  and to the next frame, when they are drawn: the latency the person typing sees.
* **peer, in-process, warm**: the preview as the editor makes it (layout + SVG pages from
  the layout; also as CPU time, which a busy machine disturbs far less) against PDF page
  images (layout + PDF + pypdfium2 drawing every page at 1.5 px/pt and encoding PNG, the
  other way to show exactly what the PDF shows).

Figures are printed (and written as JSON with ``--json``); nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
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

REFERENCE = ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml"
ONE_PAGE_VALUES = {
    "proposal_title": "关于加快示例新区产业园区建设的建议", "addressees": "张示例委员",
    "organ": "示例市发展和改革委员会", "date": "2024-06-18",
}


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def one_page_letter() -> str:
    from gongwen.templates import render_template

    return render_template("proposal", ONE_PAGE_VALUES)[0]


def _server(folder: Path) -> tuple[subprocess.Popen, str]:
    code = (
        "import sys; from pathlib import Path; from gongwen.web import serve; "
        "serve(Path(sys.argv[1]), '127.0.0.1', 0, fonts='open', warm=False)"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE,
                            text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    address = re.search(r"(http://\S+)", line)
    if address is None:
        proc.kill()
        raise RuntimeError(f"gongwen serve did not start: {line}")
    return proc, address.group(1).rstrip("/")


def _edit(data: dict[str, Any], n: int) -> dict[str, Any]:
    """The letter's data with its first paragraph changed by one character (run ``n``)."""
    changed = json.loads(json.dumps(data))
    body = changed["body"]
    first = body[0]
    mark = "一二三四五六七八九十"[n % 10]
    if isinstance(first, str):
        body[0] = first + mark
    return changed


def server_latency(letters: dict[str, str], runs: int) -> dict[str, Any]:
    import httpx2 as httpx

    from gongwen.loader import read_text_data

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
        folder = Path(tmp)
        for name, text in letters.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        proc, address = _server(folder)
        try:
            page = httpx.get(address + "/").text
            csrf = re.search(r'name="gongwen-csrf" content="([^"]+)"', page).group(1)
            client = httpx.Client(base_url=address, headers={"X-Gongwen-CSRF": csrf}, timeout=120)
            for name, text in letters.items():
                data = read_text_data(text, name)[0]
                started = time.perf_counter()
                answer = client.post("/api/sync", json={"view": f"{name}-cold", "data": data,
                                                        "file": f"{name}.yaml"}).json()
                cold = time.perf_counter() - started
                rounds, server = [], []
                for n in range(runs):
                    body = {"view": name, "data": _edit(data, n), "file": f"{name}.yaml",
                            "yaml": text}
                    started = time.perf_counter()
                    answer = client.post("/api/sync", json=body).json()
                    rounds.append(time.perf_counter() - started)
                    server.append(answer["preview"]["seconds"])
                out[name] = {
                    "pages": len(answer["preview"]["pages"]),
                    "cold_outlines_s": cold,
                    "server_s": _stats(server),
                    "round_trip_s": _stats(rounds[1:]),  # the first also sends the outlines
                }
        finally:
            proc.terminate()
            proc.wait(10)
    return out


def browser_latency(letters: dict[str, str], runs: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    from web_browser import browser, served  # type: ignore[import-not-found]

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="gongwen-bench-") as tmp:
        folder = Path(tmp)
        for name, text in letters.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        with served(folder) as address, browser() as chromium:
            page = chromium.new_page(viewport={"width": 1440, "height": 900})
            for name in letters:
                page.goto(f"{address}/edit?file={name}.yaml")
                page.wait_for_function("() => document.getElementById('pages').children.length")
                page.evaluate("""() => {
                    window.__marks = [];
                    document.getElementById('letter-form').addEventListener('input',
                        (e) => { window.__typed = e.timeStamp; }, true);
                    document.getElementById('pages').addEventListener('preview-updated', () => {
                        const typed = window.__typed, shown = performance.now() - typed;
                        // the frame after the new pages were put in: drawn on the screen
                        requestAnimationFrame(() => setTimeout(() => window.__marks.push(
                            [shown, performance.now() - typed]), 0));
                    });
                }""")
                box = page.locator('[data-field="body[0]"] textarea').first
                shown, drawn = [], []
                for n in range(runs + 1):
                    before = page.evaluate("() => window.__marks.length")
                    box.press("End")
                    box.type("一二三四五六七八九十"[n % 10])
                    page.wait_for_function(f"() => window.__marks.length > {before}",
                                           timeout=60_000)
                    time.sleep(0.3)  # typing stopped: let the preview settle
                    mark = page.evaluate("() => window.__marks.at(-1)")
                    shown.append(mark[0] / 1000)
                    drawn.append(mark[1] / 1000)
                out[name] = {"in_page": _stats(shown[1:]), "drawn": _stats(drawn[1:])}
    return out


def peer(letters: dict[str, str], runs: int) -> dict[str, Any]:
    import pypdfium2

    import gongwen
    from gongwen.loader import dump_data, read_text_data
    from gongwen.web.preview import draw_pages

    out: dict[str, Any] = {}
    for name, text in letters.items():
        letter = gongwen.loads(text, name=f"{name}.yaml")
        rendered = gongwen.render(letter, [], fonts="open")
        draw_pages(rendered.layout, rendered.document)  # outlines read once (warm)
        data = read_text_data(text, name)[0]
        # each run an edited letter (one character more in the first paragraph), so no page
        # drawing is reused, as after a keystroke there
        edited = [gongwen.loads(dump_data(_edit(data, n)), name=f"{name}.yaml")
                  for n in range(runs)]
        svg_times, svg_cpu, image_times = [], [], []
        for n in range(runs):
            started, cpu = time.perf_counter(), time.process_time()
            rendered = gongwen.render(edited[n], [], fonts="open")
            draw_pages(rendered.layout, rendered.document)
            svg_times.append(time.perf_counter() - started)
            svg_cpu.append(time.process_time() - cpu)
            started = time.perf_counter()
            pdf = gongwen.render(letter, ["pdf"], fonts="open").outputs["pdf"]
            document = pypdfium2.PdfDocument(pdf)
            for page in document:
                buffer = io.BytesIO()
                page.render(scale=1.5).to_pil().save(buffer, "PNG")
            image_times.append(time.perf_counter() - started)
        svg, images = _stats(svg_times), _stats(image_times)
        out[name] = {"svg_s": svg, "svg_cpu_s": _stats(svg_cpu), "pdf_images_s": images,
                     "ratio": images["median"] / svg["median"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    letters = {"reference": REFERENCE.read_text(encoding="utf-8"), "one-page": one_page_letter()}
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": os.getloadavg(),
        "server": server_latency(letters, args.runs),
        "peer": peer(letters, args.runs),
    }
    if not args.no_browser and shutil.which("chromium"):
        results["browser"] = browser_latency(letters, args.runs)
    results["load_after"] = os.getloadavg()
    ms = lambda v: f"{v * 1000:.0f}"  # noqa: E731
    for name in letters:
        s = results["server"][name]
        p = results["peer"][name]
        print(f"{name} ({s['pages']} pages)")
        print(f"  server layout+SVG   {ms(s['server_s']['median'])} / {ms(s['server_s']['p95'])} ms"
              f" (median / p95); round trip {ms(s['round_trip_s']['median'])} /"
              f" {ms(s['round_trip_s']['p95'])} ms; cold outlines {s['cold_outlines_s']:.2f} s")
        if "browser" in results:
            b = results["browser"][name]
            print(f"  keystroke → new pages in the page {ms(b['in_page']['median'])} /"
                  f" {ms(b['in_page']['p95'])} ms, drawn {ms(b['drawn']['median'])} /"
                  f" {ms(b['drawn']['p95'])} ms (browser)")
        print(f"  in-process: SVG {ms(p['svg_s']['median'])} ms"
              f" (CPU {ms(p['svg_cpu_s']['median'])} ms), PDF page images"
              f" {ms(p['pdf_images_s']['median'])} ms ({p['ratio']:.1f}×)")
    print(f"load average {results['load'][0]:.2f} → {results['load_after'][0]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")


if __name__ == "__main__":
    main()
