"""Execute the chapters in place, and the checks the hygiene test shares.

    python tests/notebooks.py chapters/*.ipynb     # what `make execute` runs

Each notebook runs top to bottom in a fresh kernel, from its own folder (as Jupyter
Book and Binder run it), and is saved with its outputs. Widget state is not stored:
the static book shows every interactive figure through its precomputed frames.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


def chapter_notebooks() -> list[Path]:
    return sorted(p for p in CHAPTERS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def execute(path: Path, timeout: int = 900) -> float:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                   store_widget_state=False, record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return time.perf_counter() - t0


def main(paths: list[str]) -> None:
    targets = [Path(p) for p in paths] if paths else chapter_notebooks()
    for p in targets:
        print(f"executing {p} ...", flush=True)
        print(f"  done in {execute(p):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
