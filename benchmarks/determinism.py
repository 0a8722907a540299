"""Determinism check: every chapter executed twice gives identical text outputs, and strict
nbval passes with ``PYTHONHASHSEED`` unset and set to ``random``.

    python benchmarks/determinism.py                      # every chapter, both checks
    python benchmarks/determinism.py chapters/introduction.ipynb --no-nbval

1. Each chapter runs twice, top to bottom, in a fresh kernel (copies in a temporary
   folder; the chapters themselves are not touched), under two different
   ``PYTHONHASHSEED`` values. Every text output (streams, ``text/plain``, ``text/html``,
   ``text/markdown``, ``text/latex``, errors) of every cell is compared, first raw, then
   after the rules of ``tests/sanitize.cfg``: what differs raw but not sanitized is what
   the rules legitimately cover; what differs after them is a determinism bug.
   PNG images are compared too, but only reported (their last bits may depend on the
   machine's BLAS kernels; nbval does not compare them).
2. ``pytest --nbval`` over the chapters (as ``make nbval``) with ``PYTHONHASHSEED`` unset,
   then with ``PYTHONHASHSEED=random``.

Exit status 0 when every chapter's sanitized text is identical and both nbval runs pass.
Writes ``benchmarks/determinism.json``. It takes as long as executing the book four times.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
TEXT_TYPES = ("text/plain", "text/html", "text/markdown", "text/latex")


def sanitize_rules(path: Path = ROOT / "tests" / "sanitize.cfg") -> list[tuple[re.Pattern[str], str]]:
    cfg = configparser.ConfigParser(comment_prefixes=("#",), interpolation=None)
    cfg.read(path)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def execute_copy(src: Path, workdir: Path, hashseed: str) -> nbformat.NotebookNode:
    """Run a copy of ``src`` from the chapter's folder (as the book does), in a fresh kernel."""
    nb = nbformat.read(src, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    env_before = os.environ.get("PYTHONHASHSEED")
    os.environ["PYTHONHASHSEED"] = hashseed  # the kernel inherits this process's environment
    try:
        NotebookClient(nb, timeout=900, kernel_name="python3", allow_errors=True, store_widget_state=False,
                       record_timing=False, resources={"metadata": {"path": str(src.parent)}}).execute()
    finally:
        if env_before is None:
            os.environ.pop("PYTHONHASHSEED", None)
        else:
            os.environ["PYTHONHASHSEED"] = env_before
    nbformat.write(nb, workdir / f"{src.stem}.{hashseed}.ipynb")
    return nb


def texts(nb: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    """(cell index, kind, text) of every text output, in order."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append((i, f"stream:{o.name}", o.text))
            elif o.output_type == "error":
                out.append((i, "error", f"{o.ename}: {o.evalue}"))
            else:
                for mime in TEXT_TYPES:
                    if mime in o.get("data", {}):
                        val = o.data[mime]
                        out.append((i, mime, "".join(val) if isinstance(val, list) else val))
    return out


def images(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    return [(i, o.data["image/png"]) for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def compare(a: nbformat.NotebookNode, b: nbformat.NotebookNode, rules: list[tuple[re.Pattern[str], str]]) -> dict:
    ta, tb = texts(a), texts(b)

    def clean(s: str) -> str:
        for rx, rep in rules:
            s = rx.sub(rep, s)
        return s

    raw = [(x[0], x[1]) for x, y in zip(ta, tb) if x != y] + ([("count", f"{len(ta)} vs {len(tb)}")]
                                                              if len(ta) != len(tb) else [])
    san = []
    for x, y in zip(ta, tb):
        if x[:2] != y[:2] or clean(x[2]) != clean(y[2]):
            cx, cy = clean(x[2]), clean(y[2])
            k = next((j for j in range(min(len(cx), len(cy))) if cx[j] != cy[j]), min(len(cx), len(cy)))
            san.append({"cell": x[0], "kind": x[1], "first": cx[max(0, k - 80):k + 80],
                        "second": cy[max(0, k - 80):k + 80]})
    if len(ta) != len(tb):
        san.append({"cell": "-", "kind": "count", "first": str(len(ta)), "second": str(len(tb))})
    ia, ib = images(a), images(b)
    errors = [x for x in ta if x[1] == "error"]
    return {"text_outputs": len(ta), "raw_differences": len(raw), "sanitized_differences": san,
            "images": len(ia), "images_differ": sum(x != y for x, y in zip(ia, ib)) + abs(len(ia) - len(ib)),
            "errors": [e[2] for e in errors]}


def nbval(hashseed: str | None) -> dict:
    env = dict(os.environ)
    env.pop("PYTHONHASHSEED", None)
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    cmd = [sys.executable, "-m", "pytest", "--nbval", "chapters", "--nbval-current-env",
           "--nbval-sanitize-with", "tests/sanitize.cfg", "-q"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    failed = [ln for ln in lines if ln.startswith("FAILED")]
    return {"PYTHONHASHSEED": hashseed or "unset", "returncode": proc.returncode,
            "summary": lines[-1] if lines else "", "failed": failed, "seconds": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notebooks", nargs="*", help="chapters to check (default: every chapters/*.ipynb)")
    ap.add_argument("--no-nbval", action="store_true", help="skip the two nbval runs")
    ap.add_argument("--no-execute", action="store_true", help="skip the double execution")
    ap.add_argument("--nbval-seeds", default="unset,random",
                    help="PYTHONHASHSEED values for the nbval runs, 'unset' for none (default: unset,random)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "determinism.json")
    args = ap.parse_args(argv)
    paths = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "chapters").glob("*.ipynb"))
    rules = sanitize_rules()
    report: dict = {"chapters": {}, "nbval": []}
    ok = True
    if not args.no_execute:
        work = Path(tempfile.mkdtemp(prefix="initreg-determinism-"))
        try:
            for p in paths:
                t0 = time.perf_counter()
                first = execute_copy(p, work, "1")
                second = execute_copy(p, work, "2")
                res = compare(first, second, rules)
                res["seconds_both_runs"] = time.perf_counter() - t0
                report["chapters"][p.name] = res
                same = not res["sanitized_differences"] and not res["errors"]
                ok &= same
                print(f"{p.name:32s} {res['text_outputs']:4d} text outputs: "
                      f"{'identical' if same else 'DIFFERENT'} ({res['raw_differences']} raw differences "
                      f"covered by sanitize.cfg; images differing {res['images_differ']}/{res['images']}"
                      f"{'; errors ' + str(res['errors']) if res['errors'] else ''})", flush=True)
                for d in res["sanitized_differences"][:5]:
                    print(f"    cell {d['cell']} {d['kind']}:\n      {d['first']!r}\n      {d['second']!r}")
        finally:
            shutil.rmtree(work, ignore_errors=True)
    if not args.no_nbval:
        for seed in [None if x == "unset" else x for x in args.nbval_seeds.split(",")]:
            res = nbval(seed)
            report["nbval"].append(res)
            ok &= res["returncode"] == 0
            print(f"nbval, PYTHONHASHSEED {res['PYTHONHASHSEED']}: {res['summary']} ({res['seconds']:.0f} s)"
                  + "".join(f"\n    {f}" for f in res["failed"]), flush=True)
    report["ok"] = ok
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    print("deterministic" if ok else "NOT deterministic (see above)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
