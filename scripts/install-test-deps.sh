#!/usr/bin/env bash
# Installs what gongwen's test suite needs on a fresh Debian/Ubuntu machine with Python 3.11:
# LibreOffice (DOCX → PDF checks), poppler-utils (pdftoppm), qpdf (PDF validity), chromium
# (headless check of the diff's HTML report; the web application's browser tests, driven by
# Playwright for Python with this system build — `playwright install` is never run), a
# Chinese font for Chromium's page text (fonts-wqy-microhei: the web pages' own words; the
# letters themselves are drawn from gongwen's bundled fonts), and the package itself with its
# test extras.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v qpdf >/dev/null 2>&1 || need+=(qpdf)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ -n "$(fc-list :lang=zh 2>/dev/null || true)" ] || need+=(fonts-wqy-microhei)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
python3 -m pip install -q -e '.[test]'
