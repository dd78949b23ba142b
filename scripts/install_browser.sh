#!/usr/bin/env bash
# Installs Debian's Chromium, which the report's browser test (tests/see_it.rs) renders the report in.
# Needs root (apt-get). Without Chromium that test checks the HTML file only and says it skipped the browser.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
    echo "install_browser: $(chromium --version 2>/dev/null) already installed"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "install_browser: $(chromium --version 2>/dev/null) installed"
