#!/usr/bin/env bash
# Installs Debian's headless-capable Chromium for the widget's browser tests (tests/bot/test_widget_browser.py).
# Playwright drives this system browser; it never downloads a browser of its own (no `playwright install`).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser.sh: /usr/bin/chromium is missing and apt-get is not available; the browser tests will be skipped." >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-browser.sh: need root (or sudo) to install chromium; the browser tests will be skipped." >&2
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
