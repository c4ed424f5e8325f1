"""Do two checkouts of gongwen write the same PDF and DOCX bytes?

    python benchmarks/same_outputs.py OTHER [--mine DIR] [-n 200] [--seed 2022]
                                      [--work DIR] [--keep] [--formats pdf,docx]

Renders, with each checkout (``OTHER``, e.g. ``/work/main``, and ``--mine``, by default the
checkout this file is in), in a subprocess whose ``PYTHONPATH`` is that checkout:

* every ``letters/**/*.yaml`` of *this* checkout, with ``--fonts open`` and with the default
  fonts (``auto``);
* the letters ``benchmarks/generate.py`` writes (``-n`` of them, ``--seed``), with
  ``--fonts open``;

each in PDF and DOCX (``pipeline.render_file``), and lists the files whose bytes differ
(and the letters either side failed on). Exit status 0 when every file is the same, 1 when
some differ. Each side renders in one process (fonts loaded once); the two sides run at the
same time. ``--keep`` leaves the outputs under ``--work`` to compare by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

# The renderer each side runs: a JSON list of [yaml, fonts, out_dir, formats] in on stdin;
# out, the package it imported and the letters that failed. Only the stable public entry
# point is used, so that any two checkouts can be compared.
DRIVER = r"""
import json, sys
from pathlib import Path
import gongwen
from gongwen.pipeline import render_file
failed = {}
for src, fonts, out, formats in json.load(sys.stdin):
    try:
        render_file(Path(src), Path(out), formats, fonts=fonts)
    except Exception as exc:  # reported, compared with the other side
        failed[f"{out}/{Path(src).stem}"] = f"{type(exc).__name__}: {exc}"[:300]
json.dump({"package": gongwen.__file__, "failed": failed}, sys.stdout)
"""


def jobs(letters: list[Path], generated: list[Path], out: Path, formats: list[str]):
    """(yaml, fonts, output folder, formats) for every rendering one side does."""
    for path in letters:
        for fonts in ("open", "auto"):
            yield str(path), fonts, str(out / f"letters-{fonts}"), formats
    for path in generated:
        yield str(path), "open", str(out / "generated-open"), formats


def start(checkout: Path, todo: list, env_extra: dict[str, str]) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(checkout), **env_extra}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env, cwd=checkout, text=True)
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(todo))
    proc.stdin.close()
    return proc


def compare(a: Path, b: Path) -> tuple[list[str], list[str], int]:
    """Files that differ, files only one side wrote, and the count compared."""
    names_a = {p.relative_to(a) for p in a.rglob("*") if p.is_file()}
    names_b = {p.relative_to(b) for p in b.rglob("*") if p.is_file()}
    differ = [str(n) for n in sorted(names_a & names_b)
              if (a / n).read_bytes() != (b / n).read_bytes()]
    alone = [str(n) for n in sorted(names_a ^ names_b)]
    return differ, alone, len(names_a & names_b)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", type=Path, help="the checkout to compare with (e.g. /work/main)")
    ap.add_argument("--mine", type=Path, default=HERE, help="the checkout under test")
    ap.add_argument("-n", "--count", type=int, default=200, help="generated letters")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--formats", default="pdf,docx")
    ap.add_argument("--work", type=Path, default=None, help="output folder (default: a temp)")
    ap.add_argument("--keep", action="store_true", help="keep the outputs")
    args = ap.parse_args(argv)

    sys.path.insert(0, str(HERE / "benchmarks"))
    from generate import generate

    work = args.work or Path(tempfile.mkdtemp(prefix="same-outputs-"))
    work.mkdir(parents=True, exist_ok=True)
    letters = sorted((HERE / "letters").rglob("*.yaml"))
    generated = generate(work / "in", args.count, args.seed) if args.count else []
    formats = [f for f in args.formats.split(",") if f]
    sides = {"other": args.other.resolve(), "mine": args.mine.resolve()}
    env = {"PYTHONDONTWRITEBYTECODE": "1"}
    procs = {name: start(path, list(jobs(letters, generated, work / name, formats)), env)
             for name, path in sides.items()}
    failed: dict[str, dict[str, str]] = {}
    for name, proc in procs.items():
        assert proc.stdout is not None
        out = proc.stdout.read()
        if proc.wait():
            print(f"{name} ({sides[name]}) exited with {proc.returncode}", file=sys.stderr)
            return 2
        answer = json.loads(out)
        if not Path(answer["package"]).resolve().is_relative_to(sides[name]):
            print(f"{name} imported gongwen from {answer['package']}, not from {sides[name]}",
                  file=sys.stderr)
            return 2
        failed[name] = answer["failed"]
    differ, alone, same = compare(work / "other", work / "mine")
    print(f"{same} files compared ({len(letters)} letters × 2 font modes, "
          f"{len(generated)} generated; {', '.join(formats)}): {len(differ)} differ")
    for n in differ:
        print(f"  differs: {n}")
    for n in alone:
        print(f"  only one side wrote: {n}")
    for name in sides:
        for where, err in sorted(failed[name].items()):
            print(f"  {name} failed: {where}: {err}")
    if failed["other"] != failed["mine"]:
        differ.append("failures")
    if not args.keep and args.work is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    elif args.keep:
        print(f"outputs kept in {work}")
    return 1 if differ or alone else 0


if __name__ == "__main__":
    sys.exit(main())
