#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser test
# (tests/test_browser.py). Playwright's own browser download cannot be used: the test
# drives the system Chromium. On Debian as root this installs it with apt; anywhere
# else it stops with the one command to run. It never lets the browser test be skipped.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi

if [[ -r /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "ensure_chromium: $CHROMIUM is missing; installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    # one apt at a time: `make test` may be installing TeX Live in the background
    # (tests/ensure_latex.sh takes the same lock)
    exec 9>"${TMPDIR:-/tmp}/initreg-apt.lock"
    flock 9
    [[ -x "$CHROMIUM" ]] && exit 0
    apt-get update -q
    apt-get install -y -q --no-install-recommends chromium
    if [[ -x "$CHROMIUM" ]]; then
        exit 0
    fi
    echo "ensure_chromium: apt installed chromium but $CHROMIUM is still missing" >&2
    exit 1
fi

echo "ensure_chromium: the browser test needs Chromium at $CHROMIUM. Run:" >&2
if [[ -r /etc/debian_version ]]; then
    echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
else
    echo "    install Chromium with your system's package manager so that $CHROMIUM exists (or set CHROMIUM=/path/to/chromium)" >&2
fi
exit 1
