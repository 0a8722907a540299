"""Execute the chapters: in place (`make execute`), or into the book's cache (`make book`).

    python tools/notebooks.py [chapters/x.ipynb ...]        # `make execute`: save outputs
    python tools/notebooks.py --cache _build/.jupyter_cache  # `make book`: fill the cache
    python tools/notebooks.py --cache _build/.jupyter_cache --stored  # `make test`, after nbval

In place, each notebook runs top to bottom in a fresh kernel, from its own folder (as
Jupyter Book and Binder run it), one after another, and is saved with its outputs: these
are the outputs nbval checks. Widget state is not stored: the static book shows every
interactive figure through its precomputed frames. Each Markdown cell's prose numbers,
``{eval}`page.name```, are evaluated in the kernel when the run reaches the cell, as
JupyterLab does when it runs the cell, and stored in the cell's ``user_expressions``
metadata: ``jupyterlab-myst`` shows them from there as soon as the chapter is opened,
before any kernel runs (``tests/test_notebooks.py`` checks that they are the glued values).

With ``--cache``, the chapters whose code changed since the last build run side by side,
one kernel per core, and their outputs go into Jupyter Book's execution cache, exactly as
``jupyter-book build`` (``execute_notebooks: cache``) would store them one at a time; the
build then finds every chapter cached and only renders. Every kernel uses one BLAS thread,
in place or for the cache: the outputs are then the same bits whatever the machine's core
count, and two kernels never fight over the same two cores.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.util import ensure_async

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"


#: A prose number in a Markdown cell: ``{eval}`expression```, as MyST writes an inline expression.
EVAL_ROLE = re.compile(r"\{eval\}`([^`]+)`")


def eval_expressions(source: str) -> list[str]:
    """The distinct ``{eval}`` expressions of a Markdown cell, in order."""
    return list(dict.fromkeys(e.strip() for e in EVAL_ROLE.findall(source)))


class ProseClient(NotebookClient):
    """An nbclient that also evaluates each Markdown cell's ``{eval}`` expressions when the
    run reaches the cell and stores the results as ``jupyterlab-myst`` does."""

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "markdown":
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        exprs = eval_expressions(cell.source)
        cell.metadata.pop("user_expressions", None)
        if not exprs:
            return cell
        msg_id = await ensure_async(self.kc.execute(
            "", silent=False, store_history=False, user_expressions={str(i): e for i, e in enumerate(exprs)}))
        reply = await self.async_wait_for_reply(msg_id, cell)
        results = reply["content"]["user_expressions"]
        stored = []
        for i, expr in enumerate(exprs):
            result = results[str(i)]
            if result.get("status") != "ok":
                raise RuntimeError(f"cell {cell_index}: {{eval}}`{expr}` failed: "
                                   f"{result.get('ename')}: {result.get('evalue')}")
            stored.append({"expression": expr, "result": result})
        cell.metadata["user_expressions"] = stored
        return cell


#: Jupyter Book's tag for a cell whose code is folded behind a toggle: the checks and glue.
HIDE_INPUT = "hide-input"


def fold_hidden_inputs(nb) -> bool:
    """Give every ``hide-input`` cell JupyterLab's ``jupyter.source_hidden`` metadata (and
    no other cell), so that JupyterLab and Binder fold the code that the HTML book hides
    behind a toggle. Returns whether anything changed."""
    changed = False
    for cell in nb.cells:
        hidden = cell.cell_type == "code" and HIDE_INPUT in cell.metadata.get("tags", [])
        jupyter = cell.metadata.get("jupyter", {})
        if bool(jupyter.get("source_hidden")) != hidden:
            changed = True
            if hidden:
                cell.metadata["jupyter"] = {**jupyter, "source_hidden": True}
            else:
                jupyter.pop("source_hidden", None)
                if jupyter:
                    cell.metadata["jupyter"] = jupyter
                else:
                    cell.metadata.pop("jupyter", None)
    return changed


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
    ProseClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                store_widget_state=False, record_timing=False,
                resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    fold_hidden_inputs(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - t0


def _book_timeout() -> int:
    """The per-cell timeout of the book's build (`execute.timeout` in _config.yml)."""
    import yaml

    return int(yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"])


def _one_blas_thread() -> None:
    # Inherited by the kernel this worker starts (set before any kernel exists).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"


def _execute_for_cache(path: str, timeout: int) -> tuple[object, float, str | None]:
    """Run one notebook as myst-nb's cache mode does; return (notebook, seconds, traceback)."""
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=False)
    return result.nb, result.time, result.exc_string if result.err else None


def warm_cache(cache_dir: Path, paths: list[Path], workers: int) -> list[Path]:
    """Execute every notebook of ``paths`` missing from the cache, ``workers`` at a time.

    The longest chapters (by their last cached run, else by size) start first, so the
    two queues finish together. Returns the notebooks that failed.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(cache_dir))
    seconds: dict[str, float] = {}
    for record in cache.list_cache_records():
        seconds[Path(record.uri).name] = float(record.data.get("execution_seconds", 0.0))
    todo = []
    for p in paths:
        try:
            cache.match_cache_notebook(nbformat.read(p, as_version=4))
        except KeyError:
            todo.append(p.resolve())
    if not todo:
        print("every chapter is already in the cache", flush=True)
        return []
    todo.sort(key=lambda p: (seconds.get(p.name, 0.0), p.stat().st_size), reverse=True)
    timeout = _book_timeout()
    failed: list[Path] = []
    t0 = time.perf_counter()
    print(f"executing {len(todo)} chapters, {workers} at a time ...", flush=True)
    with ProcessPoolExecutor(workers, initializer=_one_blas_thread) as pool:
        jobs = {pool.submit(_execute_for_cache, str(p), timeout): p for p in todo}
        for job in as_completed(jobs):
            p = jobs[job]
            nb, secs, tb = job.result()
            if tb is not None:
                print(f"  {p.name} FAILED after {secs:.1f} s:\n{tb}", flush=True)
                failed.append(p)
                continue
            record = cache.add_nb_to_project(str(p))
            cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data={"execution_seconds": secs}),
                                        check_validity=False, overwrite=True)
            print(f"  {p.name} done in {secs:.1f} s", flush=True)
    print(f"executed in {time.perf_counter() - t0:.1f} s", flush=True)
    return failed


def store_in_cache(cache_dir: Path, paths: list[Path]) -> None:
    """Put every notebook of ``paths`` missing from the cache into it as stored, outputs and
    all, without executing it. `make test` builds the book this way, after strict nbval has
    executed every chapter and found each stored output to be what the code now gives: the
    build then renders exactly the outputs that nbval checked, without running them twice."""
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_dir))
    for p in paths:
        nb = nbformat.read(p, as_version=4)
        try:
            cache.match_cache_notebook(nb)
            continue
        except KeyError:
            pass
        if any(c.cell_type == "code" and c.source.strip() and c.execution_count is None for c in nb.cells):
            raise SystemExit(f"{p}: a code cell was never executed; run `make execute`")
        record = cache.add_nb_to_project(str(p.resolve()))
        cache.cache_notebook_file(str(p.resolve()), uri=record.uri, check_validity=False, overwrite=True)
        print(f"  {p.name}: its stored outputs cached", flush=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks (default: every chapter)")
    parser.add_argument("--cache", type=Path, help="fill this Jupyter Book execution cache instead")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="kernels side by side with --cache (default: one per core)")
    parser.add_argument("--stored", action="store_true",
                        help="with --cache: cache the stored outputs, executing nothing (after nbval)")
    args = parser.parse_args(argv)
    targets = [Path(p) for p in args.paths] if args.paths else chapter_notebooks()
    # Every kernel, in place or for the cache, computes with one BLAS thread: a threaded
    # product sums in another order, so its last bits would depend on the machine's cores,
    # and strict nbval (`make nbval`, also one thread) compares those bits.
    _one_blas_thread()
    if args.cache is not None and args.stored:
        store_in_cache(args.cache, targets)
        return 0
    if args.cache is not None:
        return 1 if warm_cache(args.cache, targets, max(1, args.workers)) else 0
    for p in targets:
        print(f"executing {p} ...", flush=True)
        print(f"  done in {execute(p):.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
