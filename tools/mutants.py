"""`make mutants`: the book tests its own checks.

Each mutant makes ``initreg`` wrong in one named way, the way people really get it wrong
(a variance off by a factor of 2, a λ/2 convention, a sign taken before the step, the wrong
fan in a Glorot rule), and *consistently*: a sampler together with the variance it states,
a rule together with everything that calls it. The chapters that teach that piece are then
executed against the mutant, and each must stop on an ``AssertionError``, that is, on one
of its checked claims. A chapter that runs to the end, or stops on any other error, lets
the mutant survive, and the target fails naming it.

The mutant is injected without touching a file of the book: its code runs in an IPython
startup file of a temporary ``IPYTHONDIR``, after ``import initreg``, in the kernel that
executes the chapter. :func:`replace` swaps a function (or constant) for its mutant in every
module of ``initreg`` that holds it, so that callers which imported it by name see it too.

    python tools/mutants.py                 # every mutant, one kernel per core
    python tools/mutants.py --list          # the mutants and their chapters
    python tools/mutants.py --only NAME ... # some of them
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"

#: Run in the kernel before the mutant's own code (the startup file is this, then the mutant).
PRELUDE = '''
import sys
import numpy as np
import initreg


def replace(owner, name, new):
    """Put ``new`` in place of ``owner.name`` wherever initreg holds that object.

    ``owner`` is a module or a class of initreg. Every initreg module whose global of any
    name *is* the old object gets the new one, so a function imported by name elsewhere
    (``from .initializers import init_weights``) is replaced there too. Returns the old
    object, so the mutant can call it.
    """
    old = getattr(owner, name)
    hits = 0
    if isinstance(owner, type):
        setattr(owner, name, new)
        hits += 1
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").split(".")[0] != "initreg":
            continue
        for key, val in list(vars(mod).items()):
            if val is old:
                setattr(mod, key, new)
                hits += 1
    if not hits:
        raise RuntimeError(f"mutant: {name} not found")
    return old
'''


@dataclass(frozen=True)
class Mutant:
    """One consistent mistake: its name, what it gets wrong, the chapters that must catch it
    (notebook stems), and the code that makes it (run after :data:`PRELUDE`)."""

    name: str
    mistake: str
    chapters: tuple[str, ...]
    code: str


MUTANTS: list[Mutant] = [
    # ------------------------------------------------------------ introduction
    Mutant("gap-sign-flipped", "the generalization gap as training error minus test error",
           ("introduction",), """
        replace(initreg.CapacityCurve, "gap", property(lambda self: self.train_error - self.test_error))
    """),
    # ------------------------------------------------------- why-initialization
    # -------------------------------------------------------- xavier-derivation
    # ------------------------------------------------------------ deep-networks
    # ------------------------------------------------------------- update-rules
    # ---------------------------------------------------------- trained-weights
    # ---------------------------------------------------------- loss-landscapes
]


def startup_code(mutant: Mutant) -> str:
    return PRELUDE + "\n# --- mutant: " + mutant.name + " ---\n" + textwrap.dedent(mutant.code)


def _kernel_env(ipython_dir: str) -> dict[str, str]:
    env = dict(os.environ)
    env["IPYTHONDIR"] = ipython_dir
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"  # two kernels side by side on two cores
    return env


def _validate(mutant: Mutant) -> str | None:
    """Run the mutant's code in a plain Python process: an error here is the mutant's, not
    a catch (IPython would print a failing startup file and go on unmutated)."""
    proc = subprocess.run([sys.executable, "-c", startup_code(mutant)], capture_output=True, text=True,
                          cwd=str(CHAPTERS), timeout=120)
    return None if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]


def run_one(mutant: Mutant, chapter: str, timeout: int) -> tuple[str, str, str, float]:
    """Execute one chapter against one mutant: ``(mutant, chapter, verdict, seconds)``.

    The verdict is ``caught: <the failed claim>`` or ``SURVIVED: <why>``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="mutant-") as ipy:
        startup = Path(ipy) / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-mutant.py").write_text(startup_code(mutant))
        os.environ.update(_kernel_env(ipy))
        path = CHAPTERS / f"{chapter}.ipynb"
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=False,
                                store_widget_state=False, resources={"metadata": {"path": str(CHAPTERS)}})
        try:
            client.execute()
        except CellExecutionError as exc:
            secs = time.perf_counter() - t0
            if exc.ename == "AssertionError":
                first = (exc.evalue or "").strip().splitlines()
                return mutant.name, chapter, "caught: " + (first[0] if first else "an assertion"), secs
            return mutant.name, chapter, f"SURVIVED: stopped on {exc.ename} ({exc.evalue}), not on a claim", secs
        except Exception as exc:  # a kernel that died, a timeout
            return mutant.name, chapter, f"SURVIVED: {type(exc).__name__}: {exc}", time.perf_counter() - t0
    return mutant.name, chapter, "SURVIVED: the chapter ran to the end", time.perf_counter() - t0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only these mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    names = [m.name for m in MUTANTS]
    if len(set(names)) != len(names):
        print("two mutants share a name", file=sys.stderr)
        return 2
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.only and len(chosen) != len(set(args.only)):
        print(f"unknown mutant(s): {sorted(set(args.only) - set(names))}", file=sys.stderr)
        return 2
    if args.list:
        for m in chosen:
            print(f"{m.name:32} {', '.join(m.chapters):40} {m.mistake}")
        return 0
    failed = []
    for m in chosen:
        bad = [c for c in m.chapters if not (CHAPTERS / f"{c}.ipynb").exists()]
        error = _validate(m)
        if bad or error:
            failed.append(m.name)
            print(f"BROKEN {m.name}: " + (f"no chapter {bad}" if bad else f"its code fails: {error}"), flush=True)
    jobs = [(m, c) for m in chosen if m.name not in failed for c in m.chapters]
    print(f"{len(chosen)} mutants, {len(jobs)} chapter runs, {args.workers} at a time", flush=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max(1, args.workers)) as pool:
        futures = [pool.submit(run_one, m, c, args.timeout) for m, c in jobs]
        for fut in as_completed(futures):
            name, chapter, verdict, secs = fut.result()
            print(f"  {name:32} {chapter:22} {secs:5.1f} s  {verdict}", flush=True)
            if not verdict.startswith("caught"):
                failed.append(name)
    print(f"{len(jobs)} runs in {time.perf_counter() - t0:.0f} s", flush=True)
    if failed:
        print(f"mutants not caught: {', '.join(sorted(set(failed)))}", file=sys.stderr)
        return 1
    print(f"every mutant caught ({len(chosen)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
