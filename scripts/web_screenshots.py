"""Screenshots of ``gongwen serve``'s main screens for docs/web.md and the README.

    python3 scripts/web_screenshots.py [OUT_DIR]     # default: docs/

Serves a copy of the project's letters with ``gongwen serve`` on a free port and drives the
system Chromium with Playwright (the helpers of tests/web_browser.py): the start page, the
editor with its preview, a mistake shown at its field, the YAML tab, the check and diff
tabs and the batch page.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from web_browser import browser, served, wait_preview  # noqa: E402

VIEWPORT = {"width": 1360, "height": 820}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gongwen-shots-") as tmp:
        folder = Path(tmp) / "答复函"
        (folder / "2022").mkdir(parents=True)
        shutil.copy(ROOT / "letters" / "zhuzhou-fgw-2022-reply.yaml", folder / "2022")
        example = ROOT / "letters" / "examples" / "letter-format-reply.yaml"
        shutil.copy(example, folder / "示例答复.yaml")
        # a letter whose row of dashes breaks over lines: check points at those lines
        text = example.read_text(encoding="utf-8")
        (folder / "破折号.yaml").write_text(
            text.replace("感谢您对发展改革工作的关心和支持。", "——" * 30), encoding="utf-8")
        with served(folder) as address, browser() as chromium:
            page = chromium.new_page(viewport=VIEWPORT)

            page.goto(address + "/")
            page.screenshot(path=out / "web-start.png")

            page.goto(address + "/edit?file=示例答复.yaml")
            wait_preview(page)
            page.screenshot(path=out / "web-editor.png")

            date = page.locator('[data-field="signature.date"] input[data-kind="text"]')
            date.fill("2024-06-31")
            page.locator('[data-field="signature.date"] > .msg .error').wait_for()
            date.scroll_into_view_if_needed()
            page.screenshot(path=out / "web-mistake.png")
            date.fill("2024-06-18")
            page.wait_for_function(
                "() => !document.querySelector('[data-field=\"signature.date\"] > .msg')"
                ".textContent")

            page.locator('.tab[data-tab="yaml"]').click()
            page.screenshot(path=out / "web-yaml.png")
            page.locator('.tab[data-tab="form"]').click()

            page.goto(address + "/edit?file=破折号.yaml")
            wait_preview(page)
            page.locator('.tab[data-tab="check"]').click()
            page.locator("#check-run").click()
            page.locator("#findings li[data-page]").first.wait_for()
            page.screenshot(path=out / "web-check.png")
            page.locator("#findings li[data-page]").first.click()
            page.locator("#pages .highlight").wait_for()
            time.sleep(0.3)
            page.screenshot(path=out / "web-check-line.png")

            page.goto(address + "/edit?file=2022/zhuzhou-fgw-2022-reply.yaml")
            wait_preview(page)
            page.locator('.tab[data-tab="diff"]').click()
            reference = Path(tmp) / "公布的答复.txt"
            text = (ROOT / "letters" / "reference" / "zhuzhou-fgw-2022-reply.txt").read_text(
                encoding="utf-8")
            reference.write_text(text.replace("2022年9月29日", "2022年9月30日"), encoding="utf-8")
            page.locator("#diff-file").set_input_files(str(reference))
            page.locator("#diff-run").click()
            page.frame_locator("#diff-report").locator("#summary").wait_for()
            time.sleep(0.5)
            page.screenshot(path=out / "web-diff.png")

            page.goto(address + "/batch")
            page.locator("#batch-start").click()
            page.wait_for_function("() => document.getElementById('summary').textContent",
                                   timeout=120_000)
            page.screenshot(path=out / "web-batch.png")
    for name in sorted(out.glob("web-*.png")):
        print(name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs")
