"""The batch page's job: every letter of the served folder rendered by :mod:`gongwen.batch`.

One batch at a time runs in a background thread; its worker processes come from the
``forkserver`` start method (forking the threaded web server itself is unsafe). The page
polls :meth:`BatchRunner.status` for the progress and, at the end, the report
(``gongwen-batch-report`` JSON, also written to ``OUT/batch-report.json``).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..batch import LetterResult, render_many
from ..errors import GongwenError

REPORT_NAME = "batch-report.json"


@dataclass
class _Job:
    out: str  # relative to the served folder
    formats: tuple[str, ...]
    state: str = "starting"  # starting | running | done | failed
    total: int = 0
    letters: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    report: dict[str, Any] | None = None
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0


class BatchRunner:
    """Starts batches and reports their progress (a ``gongwen.batch.Progress``)."""

    def __init__(self, root: Path, fonts: str):
        self.root = root
        self.fonts = fonts
        self._job: _Job | None = None
        self._lock = threading.Lock()

    # Progress protocol, called from the batch's thread
    def start(self, total: int) -> None:
        with self._lock:
            assert self._job is not None
            self._job.total, self._job.state = total, "running"

    def advance(self, result: LetterResult) -> None:
        with self._lock:
            assert self._job is not None
            self._job.letters.append(self._relative(result.report()))

    def _relative(self, value: Any) -> Any:
        """A report with the served folder's path left out of file names and messages (the
        page names files as the folder's letters list does)."""
        prefix = str(self.root) + os.sep
        if isinstance(value, str):
            return value.replace(prefix, "")
        if isinstance(value, list):
            return [self._relative(v) for v in value]
        if isinstance(value, dict):
            return {k: self._relative(v) for k, v in value.items()}
        return value

    def stop(self) -> None:
        pass

    def begin(self, out_dir: Path, out: str, formats: tuple[str, ...]) -> None:
        """Start rendering every letter of the folder into ``out_dir`` (inside it)."""
        with self._lock:
            if self._job is not None and self._job.state in ("starting", "running"):
                raise GongwenError("已有一个批量排版正在进行；请等它完成")
            self._job = _Job(out, formats)
            job = self._job
        threading.Thread(target=self._run, args=(job, out_dir), daemon=True,
                         name="gongwen-batch").start()

    def _run(self, job: _Job, out_dir: Path) -> None:
        import json

        try:
            result = render_many(
                [self.root], job.formats, None, out_dir, fonts=self.fonts, progress=self,
                report=out_dir / REPORT_NAME, mp_context="forkserver",
            )
            report = self._relative(result.report())
            report["report_file"] = f"{job.out}/{REPORT_NAME}"
            with self._lock:
                job.report, job.state = json.loads(json.dumps(report)), "done"
        except GongwenError as exc:
            with self._lock:
                job.error, job.state = str(exc), "failed"
        except Exception as exc:  # the page shows it; the server goes on
            with self._lock:
                job.error, job.state = f"批量排版出错：{type(exc).__name__}: {exc}", "failed"
        finally:
            with self._lock:
                job.seconds = time.monotonic() - job.started

    def status(self) -> dict[str, Any]:
        with self._lock:
            job = self._job
            if job is None:
                return {"state": "idle"}
            return {
                "state": job.state, "out": job.out, "formats": list(job.formats),
                "total": job.total, "done": len(job.letters), "letters": list(job.letters),
                "error": job.error, "report": job.report,
                "seconds": round(job.seconds or time.monotonic() - job.started, 1),
            }
