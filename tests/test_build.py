"""The built HTML book (after `make html`): zero warnings, every page of the TOC present."""

import re
from pathlib import Path

import pytest

from conftest import toc_pages

pytestmark = pytest.mark.build
ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
LOG = ROOT / "_build" / "build.log"


def test_build_log_has_no_warnings():
    assert LOG.exists(), "run `make html` first"
    log = LOG.read_text()
    assert "build succeeded" in log.lower() or "finished generating html" in log.lower()
    # Sphinx and docutils report as "file:line: WARNING: ..." or "ERROR/3". The kernel that
    # executes the chapters logs "[IPKernelApp] WARNING | Kernel is running over TCP ..." on
    # its own stderr: a notice about its loopback transport, not a build warning.
    lines = [l for l in log.splitlines() if not l.startswith("[IPKernelApp]")]
    warnings = [l for l in lines if re.search(r"WARNING|ERROR|CRITICAL|SEVERE", l)]
    assert not warnings, "\n".join(warnings[:20])


def test_every_toc_page_is_built():
    for f in toc_pages():
        page = HTML / (f + ".html")
        assert page.exists(), f"{page} missing"
        assert page.stat().st_size > 1000


def test_index_redirects_to_the_root_page():
    assert (HTML / "index.html").exists()
