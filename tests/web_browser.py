"""Helpers for the browser tests and the screenshots: a real ``gongwen serve`` in a
subprocess on a free port of 127.0.0.1, and the system Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


def chromium_path() -> str:
    """The system Chromium (``scripts/install-test-deps.sh`` installs Debian's)."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("chromium not found; run scripts/install-test-deps.sh")


@contextlib.contextmanager
def served(folder: Path, *extra: str, timeout: float = 60) -> Iterator[str]:
    """Run ``gongwen serve FOLDER --port 0`` until the block ends; yields its address."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gongwen.cli", "serve", str(folder), "--port", "0",
         "--fonts", "open", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + timeout
        address = None
        assert proc.stdout is not None
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            m = re.search(r"(http://\S+)", line)
            if m:
                address = m.group(1)
                break
        if address is None:
            proc.kill()
            raise RuntimeError(f"gongwen serve did not start: {proc.stderr.read() if proc.stderr else ''}")
        yield address.split("?")[0].rstrip("/")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


@contextlib.contextmanager
def browser() -> Iterator[object]:
    """Playwright's Chromium: the system build, headless, no network of its own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def wait_preview(page, previous: str | None = None, timeout: float = 60_000) -> str:
    """Wait until the preview shows pages (changed since ``previous``); its update stamp."""
    page.wait_for_function(
        "(old) => { const p = document.getElementById('pages');"
        " return p.children.length > 0 && p.dataset.updated && p.dataset.updated !== old; }",
        arg=previous or "", timeout=timeout,
    )
    return page.eval_on_selector("#pages", "p => p.dataset.updated")


def preview_text(page) -> str:
    """The text of every preview page (the page's words kept beside its outlines)."""
    return "\n".join(page.locator("#pages .page-text").all_text_contents())
