#!/usr/bin/env bash
# Make sure Debian's Chromium is at /usr/bin/chromium for the browser test
# (tests/test_browser.py). Playwright's own browser download cannot be used: the test
# drives the system Chromium. On Debian as root this installs it with apt; anywhere
# else it stops with the one command to run. It never lets the browser test be skipped.
#
#   bash tests/ensure_chromium.sh               install now if needed (waits for a background install)
#   bash tests/ensure_chromium.sh --background  start the install in the background if needed, return at once
#
# `make test` starts it in the background first, beside the unit tests; the call without
# --background then waits for it on the apt lock below, and installs it itself if that
# failed. The background install logs to _build/ensure_chromium.log.
set -euo pipefail

cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

can_install() {
    [[ -r /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null
}

if [[ ${1:-} == --background ]]; then
    if [[ ! -x "$CHROMIUM" ]] && can_install; then
        mkdir -p _build
        echo "ensure_chromium: installing Chromium in the background (log: _build/ensure_chromium.log)" >&2
        nohup setsid bash tests/ensure_chromium.sh > _build/ensure_chromium.log 2>&1 < /dev/null &
    fi
    exit 0
fi

if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi

if can_install; then
    echo "ensure_chromium: $CHROMIUM is missing; installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    # one apt at a time: `make test` may be installing TeX Live in the background
    # (tests/ensure_latex.sh takes the same lock)
    exec 9>"${TMPDIR:-/tmp}/initreg-apt.lock"
    flock 9
    [[ -x "$CHROMIUM" ]] && exit 0
    apt-get update -q
    # --force-unsafe-io: no fsync of every unpacked file (see tests/ensure_latex.sh)
    apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-unsafe-io chromium
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
