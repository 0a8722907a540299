"""Notebook hygiene: every chapter is in the table of contents, executed top to bottom
in one run, with no error and no stderr in its stored outputs."""

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part["chapters"]]
    return files


def test_every_chapter_is_in_the_toc_and_exists():
    files = toc_files()
    for nb in NOTEBOOKS:
        assert str(nb.relative_to(ROOT).with_suffix("")) in files, f"{nb.name} is not in _toc.yml"
    for f in files:
        assert any((ROOT / (f + ext)).exists() for ext in (".ipynb", ".md")), f"{f} in _toc.yml does not exist"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_in_order_without_errors_or_stderr(path):
    nb = json.loads(path.read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "a chapter without code"
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), \
        "not executed top to bottom in one run: run `make execute`"
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", f"stored error in cell {c['execution_count']}"
            assert out.get("name") != "stderr", f"stderr in cell {c['execution_count']}: {''.join(out['text'])[:200]}"
    assert "widgets" not in nb["metadata"], "widget state is not stored (the static book uses frames)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_path_hacks(path):
    text = path.read_text()
    assert "sys.path" not in text, "chapters import the installed initreg, never a path hack"
    assert "import code" not in text
