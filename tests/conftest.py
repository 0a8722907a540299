"""What the test files share: where the book is, the pages of its table of contents, and
the data sets more than one file trains on (session-wide, so each is loaded once).

The table-of-contents helpers are plain functions, importable as ``from conftest import
toc_pages`` (tests/ is on the path), because ``pytest.mark.parametrize`` needs the pages
when the tests are collected, before any fixture exists.

INITREG_BOOK selects another book root (the folder with _config.yml and _toc.yml) and
INITREG_HTML another build folder, for the tests that read the built book.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import yaml

import initreg

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(os.environ.get("INITREG_BOOK", ROOT)).resolve()
HTML = Path(os.environ.get("INITREG_HTML", BOOK / "_build" / "html")).resolve()
CONFIG = yaml.safe_load((BOOK / "_config.yml").read_text())


@lru_cache(maxsize=None)
def _toc() -> dict:
    return yaml.safe_load((BOOK / "_toc.yml").read_text())


def toc_pages() -> list[str]:
    """Every page of the table of contents, in order, as its path without suffix (``chapters/x``)."""
    toc = _toc()
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [c["file"] for c in part["chapters"]]
    return pages


def source_of(page: str) -> Path:
    """The file a page of the table of contents is built from (.ipynb or .md)."""
    for ext in (".ipynb", ".md"):
        if (BOOK / (page + ext)).exists():
            return BOOK / (page + ext)
    raise FileNotFoundError(f"{page} in _toc.yml has no .ipynb or .md")


def is_notebook(page: str) -> bool:
    return source_of(page).suffix == ".ipynb"


@pytest.fixture(scope="session")
def digits() -> initreg.DataSplit:
    """The digits data, split with seed 0 (the book's split)."""
    return initreg.load_digits(seed=0)


@pytest.fixture(scope="session")
def circles() -> tuple[np.ndarray, np.ndarray]:
    """200 points of the two-class circles toy set (seed 0)."""
    return initreg.toy_data("circles", 200, rng=np.random.default_rng(0))
