"""The book's benchmark: ``make bench`` (a benchmark, not a timed test).

    python benchmarks/run.py                 # engine, toy network, live figures
    python benchmarks/run.py --book          # ... and the book: clean build, nbval, page weights
    python benchmarks/run.py --only engine   # one section (engine, toy, figures, book)
    python benchmarks/run.py --readme        # also rewrite README.md's "## Benchmark" section

It prints a table and writes ``benchmarks/results.json``: the machine (CPU model, cores,
BLAS library, kernel and threads as threadpoolctl reports them, library versions, the
load average before and after) and, for each section, medians over repeated runs with
their min and max. A section that is not run keeps its previous result (with its date).

**Side by side, interleaved.** The machine is shared and noisy, so every comparison runs
in one process: each round times one block of calls of every candidate in turn (the
order rotates), and a ratio is the median of the per-round ratios, so a burst of load
hits both sides of a ratio alike.

1. **Engine step** of [784, 300, 300, 300, 300, 10], tanh, softmax cross-entropy, batch
   100, random data, float32 and float64: one minibatch SGD step exactly as
   ``initreg.train`` takes it (forward, backward, update), against
   (a) the *GEMM bound*: the same 14 matrix products alone, numpy, preallocated ``out=``;
   (b) *PyTorch* on the CPU (optional: skipped with a message without ``torch``), same
   network, dtype, initial weights and thread count (``torch.set_num_threads`` = numpy's
   BLAS threads), ``nn.Sequential`` + ``torch.optim.SGD``, no ``torch.compile``.
   Goals: engine/GEMM <= 1.3, engine/PyTorch <= 1.0.
2. **Toy network** [2, 6, 3, 1] (ReLU, ReLU, sigmoid) on 100 points, full batch: one step,
   and ``initreg.train`` over 1000 epochs (recording every epoch, and every 100) against
   a 1000-step PyTorch loop that reads the loss every step. Goal: several times faster.
3. **Live figures**: for every figure registered in ``initreg.explorable.FIGURES``, the
   cold first update (a fresh process: the cost of displaying it in its chapter), then,
   after a warm-up pass over the grid (the figure is displayed once before anyone moves
   a control), p50 and p95 of compute and of compute + redraw over the grid's
   combinations. Goal: p95 <= 150 ms.
4. **The book** (``--book``; minutes): a clean ``jupyter-book build`` into a temporary
   ``--path-output`` (every chapter executed), the strict nbval run, and the weight of
   every HTML page with the images it embeds or links. Goals: build < 3 min, <= 5 MB/page.

On some machines the environment sets ``OPENBLAS_CORETYPE`` (and ``OPENBLAS_L2_SIZE``) for
older OpenBLAS builds; they slow a current numpy. ``make bench`` unsets both for this
command only; the kernel that runs is recorded (``machine.blas``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
SECTIONS = ("engine", "toy", "figures", "book")
GOALS = {"engine_vs_gemm": 1.3, "engine_vs_torch": 1.0, "toy_speedup_vs_torch": 3.0,
         "figure_p95_s": 0.150, "figure_cold_s": 1.0, "build_s": 180.0, "page_bytes": 5_000_000}
MNIST_SIZES = (784, 300, 300, 300, 300, 10)
TOY_SIZES = (2, 6, 3, 1)


# ------------------------------------------------------------------ the machine
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_details() -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return out
    for line in text.splitlines():
        key, _, val = line.partition(":")
        if key.strip() in ("Vendor ID", "CPU family", "Model", "Hypervisor vendor", "L2 cache", "L3 cache"):
            out[key.strip()] = val.strip()
    flags = re.search(r"^Flags:\s*(.*)$", text, re.M)
    if flags:
        have = set(flags.group(1).split())
        out["SIMD"] = " ".join(f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in have)
    return out


def machine_info() -> dict[str, Any]:
    import threadpoolctl

    import initreg

    versions = {"python": platform.python_version(), "numpy": np.__version__, "initreg": initreg.__version__}
    for mod in ("scipy", "matplotlib", "threadpoolctl", "PIL", "torch", "jupyter_book", "nbval"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - optional
            versions[mod] = None
    blas = [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                    "threading_layer", "prefix")}
            for d in threadpoolctl.threadpool_info() if d.get("user_api") == "blas"]
    from numpy._core._multiarray_umath import __cpu_features__

    simd = [k for k in ("SSE42", "AVX", "FMA3", "AVX2", "AVX512F", "AVX512_SKX") if __cpu_features__.get(k)]
    return {
        "cpu": _cpu_model(),
        "cpu_details": _cpu_details(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "platform": platform.platform(),
        "blas": blas,
        "numpy_simd": simd,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                               "OMP_NUM_THREADS", "MKL_NUM_THREADS")},
        "versions": versions,
    }


def blas_threads() -> int:
    import threadpoolctl

    n = [d["num_threads"] for d in threadpoolctl.threadpool_info() if d.get("user_api") == "blas"]
    return int(n[0]) if n else 1


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# --------------------------------------------------------------------- timing
def _stats(xs: list[float]) -> dict[str, float]:
    a = np.asarray(xs, dtype=float)
    return {"median": float(np.median(a)), "min": float(a.min()), "max": float(a.max()), "n": int(a.size)}


def _calibrate(fn: Callable[[], Any], block_s: float) -> int:
    """Calls per timed block so that a block lasts about ``block_s``."""
    t0 = time.perf_counter()
    fn()  # also the warm-up
    one = max(time.perf_counter() - t0, 1e-7)
    if one >= block_s / 2:
        return 1
    k = max(1, int(block_s / one))
    t0 = time.perf_counter()
    for _ in range(min(k, 50)):
        fn()
    one = max((time.perf_counter() - t0) / min(k, 50), 1e-7)
    return max(1, int(block_s / one))


def interleaved(cands: dict[str, Callable[[], Any]], rounds: int, block_s: float) -> dict[str, list[float]]:
    """Seconds per call of every candidate, ``rounds`` samples each, taken in turn."""
    names = list(cands)
    reps = {n: _calibrate(cands[n], block_s) for n in names}
    samples: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        for n in names[r % len(names):] + names[:r % len(names)]:
            fn, k = cands[n], reps[n]
            t0 = time.perf_counter()
            for _ in range(k):
                fn()
            samples[n].append((time.perf_counter() - t0) / k)
    return samples


def ratio(samples: dict[str, list[float]], a: str, b: str) -> dict[str, float]:
    """Median (min, max) over rounds of the per-round ratio a/b."""
    r = [x / y for x, y in zip(samples[a], samples[b])]
    return _stats(r)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def _key(dtype: Any, threads: int) -> str:
    return f"{np.dtype(dtype).name}, {threads} thread{'s' if threads > 1 else ''}"


_LIMITER: Any = None


def _set_threads(torch: Any, n: int) -> None:
    """numpy's BLAS (threadpoolctl) and PyTorch (intra-op threads) on the same n threads."""
    global _LIMITER
    import threadpoolctl

    if _LIMITER is not None:
        _LIMITER.restore_original_limits()
    _LIMITER = threadpoolctl.threadpool_limits(limits=n, user_api="blas")
    if torch is not None:
        torch.set_num_threads(n)


# --------------------------------------------------------------------- engine
def _gemm_bound(net: Any, X: np.ndarray) -> Callable[[], None]:
    """The engine's matrix products alone: forward Z = A W^T, backward dW = dZ^T A, dA = dZ W."""
    rng = np.random.default_rng(1)
    m, dt = X.shape[0], X.dtype
    W = [rng.normal(size=w.shape).astype(dt) for w in net.weights]
    A = [rng.normal(size=(m, w.shape[0])).astype(dt) for w in W]
    D = [rng.normal(size=(m, w.shape[0])).astype(dt) for w in W]
    G = [np.empty_like(w) for w in W]
    calls = []
    a = X
    for l, w in enumerate(W):
        calls.append((a, w.T, A[l]))
        a = A[l]
    for l in range(len(W) - 1, -1, -1):
        calls.append((D[l].T, A[l - 1] if l else X, G[l]))
        if l:
            calls.append((D[l], W[l], D[l - 1]))
    dot = np.dot

    def run() -> None:
        for x, y, out in calls:
            dot(x, y, out=out)
    return run


def _torch_net(torch: Any, net: Any, tdtype: Any) -> tuple[Any, list[Any]]:
    layers = []
    acts = {"tanh": torch.nn.Tanh, "relu": torch.nn.ReLU, "sigmoid": torch.nn.Sigmoid}
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        lin = torch.nn.Linear(w.shape[1], w.shape[0], dtype=tdtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(np.array(w)))
            lin.bias.copy_(torch.from_numpy(np.array(b)))
        layers.append(lin)
        if l < net.L - 1:
            layers.append(acts[net.activations[l]]())
    return torch.nn.Sequential(*layers), layers


def bench_engine(args: argparse.Namespace) -> dict[str, Any]:
    import initreg

    torch = _torch()
    threads = blas_threads()
    out: dict[str, Any] = {"network": list(MNIST_SIZES), "activation": "tanh", "output": "softmax",
                           "batch": 100, "threads": args.thread_list, "blas_threads": threads, "torch": None, "results": {}}
    if torch is None:
        print("  PyTorch is not importable: the PyTorch comparison is skipped "
              "(.venv/bin/pip install torch==2.13.0 to run it)")
    else:
        torch.set_num_threads(threads)
        out["torch"] = {"version": torch.__version__, "threads": torch.get_num_threads(),
                        "blas": "MKL" if torch.backends.mkl.is_available() else "other",
                        "onednn": torch.backends.mkldnn.is_available()}
    lr, m = 0.01, 100
    for dtype, nt in [(d, n) for n in args.thread_list for d in (np.float32, np.float64)]:
        name = _key(dtype, nt)
        _set_threads(torch, nt)
        rng = np.random.default_rng(0)
        net = initreg.Network(MNIST_SIZES, "tanh", init="xavier", rng=rng, dtype=dtype)
        X = net.check_X(rng.normal(size=(m, MNIST_SIZES[0])))
        y = rng.integers(0, MNIST_SIZES[-1], m)
        t = net._targets(net.check_y(y, m))
        cands: dict[str, Callable[[], Any]] = {
            "engine": lambda net=net, X=X, t=t: net._sgd_step(X, t, lr),
            "gemm": _gemm_bound(net, X),
        }
        if torch is not None:
            tdt = torch.float32 if dtype == np.float32 else torch.float64
            model, _ = _torch_net(torch, net, tdt)
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            lossf = torch.nn.CrossEntropyLoss()
            Xt, yt = torch.from_numpy(X.copy()), torch.from_numpy(y)

            def tstep(model=model, opt=opt, lossf=lossf, Xt=Xt, yt=yt) -> None:
                opt.zero_grad()
                loss = lossf(model(Xt), yt)
                loss.backward()
                opt.step()
            cands["torch"] = tstep
        with np.errstate(all="ignore"):
            s = interleaved(cands, args.rounds, args.block)
        res = {k: _stats(val) for k, val in s.items()}
        res["engine/gemm"] = ratio(s, "engine", "gemm")
        if "torch" in s:
            res["engine/torch"] = ratio(s, "engine", "torch")
        out["results"][name] = res
    return out


# ------------------------------------------------------------------------ toy
def bench_toy(args: argparse.Namespace) -> dict[str, Any]:
    import initreg

    torch = _torch()
    threads = blas_threads()
    out: dict[str, Any] = {"network": list(TOY_SIZES), "activation": "relu", "output": "sigmoid",
                           "data": "circles, 100 points, full batch", "threads": args.thread_list, "results": {}}
    if torch is None:
        print("  PyTorch is not importable: the PyTorch comparison is skipped")
    else:
        torch.set_num_threads(threads)
    lr = 0.1
    X, y = initreg.toy_data("circles", 100, rng=np.random.default_rng(0))
    for dtype, nt in [(d, n) for n in args.thread_list for d in (np.float64, np.float32)]:
        name = _key(dtype, nt)
        _set_threads(torch, nt)
        base = initreg.Network(TOY_SIZES, "relu", "sigmoid", init="he_normal", rng=np.random.default_rng(0),
                               dtype=dtype)
        net = base.copy()
        Xc = net.check_X(X)
        t = net._targets(net.check_y(y, len(y)))
        plain = base.copy()

        def plain_step(net=plain) -> None:  # the passes as the book writes them, and the update
            g = net.backward(X, y)
            for w, b, dw, db in zip(net.weights, net.biases, g.dW, g.db):
                w -= lr * dw
                b -= lr * db

        cands: dict[str, Callable[[], Any]] = {
            "engine": lambda net=net, Xc=Xc, t=t: net._sgd_step(Xc, t, lr),
            "plain passes": plain_step,
            "gemm": _gemm_bound(net, Xc),
        }
        train_cands: dict[str, Callable[[], Any]] = {
            "engine train, record every epoch": lambda base=base: initreg.train(base.copy(), X, y, epochs=1000, lr=lr),
            "engine train, record every 100": lambda base=base: initreg.train(base.copy(), X, y, epochs=1000, lr=lr,
                                                                                 record_every=100),
        }
        if torch is not None:
            tdt = torch.float32 if dtype == np.float32 else torch.float64
            model, _ = _torch_net(torch, net, tdt)
            opt = torch.optim.SGD(model.parameters(), lr=lr)
            lossf = torch.nn.BCEWithLogitsLoss()
            Xt = torch.from_numpy(Xc.copy())
            yt = torch.from_numpy(np.asarray(y, dtype=Xc.dtype)).reshape(-1, 1)

            def tstep(model=model, opt=opt, lossf=lossf, Xt=Xt, yt=yt) -> Any:
                opt.zero_grad()
                loss = lossf(model(Xt), yt)
                loss.backward()
                opt.step()
                return loss
            cands["torch"] = tstep

            def tloop(tstep=tstep, model=model) -> None:
                losses = [tstep().item() for _ in range(1000)]
                assert len(losses) == 1000
            train_cands["torch loop, loss every step"] = tloop
        with np.errstate(all="ignore"):
            s = interleaved(cands, args.rounds, args.block)
            # the 1000-epoch runs measure per-step overhead, which is single-threaded work:
            # timed once, on one thread (several threads only add OpenMP barriers here)
            s2 = interleaved(train_cands, max(3, args.rounds // 3), args.block) if nt == 1 else {}
        res: dict[str, Any] = {k: _stats(val) for k, val in s.items()}
        res["engine/gemm"] = ratio(s, "engine", "gemm")
        res.update({k: _stats(val) for k, val in s2.items()})
        if "torch" in s:
            res["torch/engine"] = ratio(s, "torch", "engine")
        if "torch loop, loss every step" in s2:
            res["torch loop/engine train"] = ratio(s2, "torch loop, loss every step", "engine train, record every epoch")
        out["results"][name] = res
    return out


# -------------------------------------------------------------------- figures
def _cold_figure(name: str) -> dict[str, float]:
    """In a fresh process: build the figure and time its first update (what displaying costs)."""
    t0 = time.perf_counter()
    import initreg.figures  # noqa: F401  (registers the figures)
    from initreg.explorable import FIGURES

    t1 = time.perf_counter()
    ex = FIGURES[name]()
    t2 = time.perf_counter()
    compute, total = ex.time_update(**ex.defaults)
    return {"import": t1 - t0, "build": t2 - t1, "compute": compute, "total": total}


def _percentiles(xs: list[float]) -> dict[str, float]:
    a = np.asarray(xs, dtype=float)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)), "max": float(a.max()),
            "n": int(a.size)}


def bench_figures(args: argparse.Namespace) -> dict[str, Any]:
    import initreg.figures  # noqa: F401  (registers the figures)
    from initreg.explorable import FIGURES

    out: dict[str, Any] = {"goal_p95_s": GOALS["figure_p95_s"], "figures": {}}
    names = sorted(FIGURES)
    if args.figures:
        names = [n for n in names if n in set(args.figures.split(","))]
    print(f"  {len(names)} registered figures")
    for name in names:
        rec: dict[str, Any] = {}
        try:
            cold = subprocess.run([sys.executable, __file__, "--cold-figure", name], capture_output=True,
                                  text=True, timeout=900, cwd=ROOT)
            if cold.returncode == 0:
                rec["cold"] = json.loads(cold.stdout.strip().splitlines()[-1])
            else:
                rec["cold_error"] = cold.stderr.strip().splitlines()[-1:] 
            ex = FIGURES[name]()
            combos = ex.combinations()
            if len(combos) > args.figure_samples:  # a fixed, evenly spread sample of the grid
                pick = np.linspace(0, len(combos) - 1, args.figure_samples).round().astype(int)
                combos = [combos[i] for i in sorted(set(pick.tolist()))]
            for vals in combos:  # warm-up: the figure is displayed once before a control moves
                ex.time_update(**vals)
            compute, total = [], []
            for vals in combos:
                c, t = ex.time_update(**vals)
                compute.append(c)
                total.append(t)
            rec.update({"frames": ex.n_frames, "timed": len(combos), "compute": _percentiles(compute),
                        "redraw": _percentiles([t - c for c, t in zip(compute, total)]),
                        "total": _percentiles(total)})
            rec["meets_goal"] = (rec["total"]["p95"] <= GOALS["figure_p95_s"]
                                 and rec.get("cold", {}).get("total", np.inf) <= GOALS["figure_cold_s"])
        except Exception as exc:  # noqa: BLE001 - a figure mid-edit must not stop the benchmark
            rec["error"] = f"{type(exc).__name__}: {exc}"
        out["figures"][name] = rec
        _print_figure(name, rec)
    return out


# ----------------------------------------------------------------------- book
def _page_weights(html_root: Path) -> dict[str, int]:
    """Bytes of every HTML page plus the local images it links (embedded frames are inline)."""
    weights = {}
    for page in sorted(html_root.rglob("*.html")):
        rel = page.relative_to(html_root)
        if rel.parts[0] in ("_static", "_sources", "_sphinx_design_static") or rel.name in ("genindex.html", "search.html"):
            continue
        text = page.read_text(errors="replace")
        size = page.stat().st_size
        for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
            if src.startswith(("data:", "http:", "https:")):
                continue
            f = (page.parent / src.split("#")[0].split("?")[0]).resolve()
            if f.is_file():
                size += f.stat().st_size
        weights[str(rel)] = size
    return weights


def bench_book(args: argparse.Namespace) -> dict[str, Any]:
    bin_dir = Path(sys.executable).parent
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="initreg-bench-") as tmp:
        # What `make book` runs: execute the chapters side by side into the build's cache,
        # then build (every chapter found in the cache).
        warm = [sys.executable, "tools/notebooks.py", "--cache", str(Path(tmp) / "_build" / ".jupyter_cache")]
        cmd = [str(bin_dir / "jupyter-book"), "build", str(ROOT), "--path-output", tmp, "-W", "-n", "--keep-going"]
        print("  clean build:", " ".join(warm[1:]), "&& jupyter-book", " ".join(cmd[1:3]), "--path-output", tmp,
              flush=True)
        t0 = time.perf_counter()
        pre = subprocess.run(warm, capture_output=True, text=True, cwd=ROOT)
        t_exec = time.perf_counter() - t0
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT) if pre.returncode == 0 else pre
        log = pre.stdout + pre.stderr + (proc.stdout + proc.stderr if proc is not pre else "")
        # tools/notebooks.py prints "  <chapter>.ipynb done in N s"
        per_nb = {m.group(1): float(m.group(2))
                  for m in re.finditer(r"^\s+(\S+)\.ipynb done in ([0-9.]+) s", pre.stdout, re.M)}
        out["build"] = {"seconds": time.perf_counter() - t0, "execute_seconds": t_exec,
                        "returncode": proc.returncode,
                        "warnings": len(re.findall(r"^(?!\[IPKernelApp\]).*WARNING:", log, re.M)),
                        "notebook_seconds": per_nb,
                        "log_tail": log.splitlines()[-15:] if proc.returncode else [],
                        "meets_goal": proc.returncode == 0 and time.perf_counter() - t0 <= GOALS["build_s"]}
        print(f"  clean build: {out['build']['seconds']:.0f} s (exit {proc.returncode})", flush=True)
        html = Path(tmp) / "_build" / "html"
        if html.is_dir():
            w = _page_weights(html)
            out["pages"] = w
            out["heaviest_page"] = max(w.items(), key=lambda kv: kv[1]) if w else None
            out["pages_over_budget"] = {k: s for k, s in w.items() if s > GOALS["page_bytes"]}
    cmd = [sys.executable, "-m", "pytest", "--nbval", "chapters", "--nbval-current-env",
           "--nbval-sanitize-with", "tests/sanitize.cfg", "-q"]
    print("  nbval:", " ".join(cmd[1:]), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    out["nbval"] = {"seconds": time.perf_counter() - t0, "returncode": proc.returncode,
                    "summary": lines[-1] if lines else "",
                    "failed": [ln for ln in lines if ln.startswith(("FAILED", "ERROR"))]}
    print(f"  nbval: {out['nbval']['seconds']:.0f} s, {out['nbval']['summary']}", flush=True)
    return out


# ----------------------------------------------------------------- reporting
def _ms(s: float) -> str:
    if s >= 1.0:
        return f"{s:.3g} s"
    return f"{s * 1e3:.3g} ms" if s >= 1e-3 else f"{s * 1e6:.3g} µs"


def _cell(st: dict[str, float]) -> str:
    return f"{_ms(st['median'])} [{_ms(st['min'])}, {_ms(st['max'])}]"


def _rcell(st: dict[str, float]) -> str:
    return f"{st['median']:.2f} [{st['min']:.2f}, {st['max']:.2f}]"


def _print_figure(name: str, rec: dict[str, Any]) -> None:
    if "error" in rec:
        print(f"  {name:32s} ERROR {rec['error']}")
        return
    cold = rec.get("cold", {})
    print(f"  {name:32s} p50 {_ms(rec['total']['p50']):>9s}  p95 {_ms(rec['total']['p95']):>9s} "
          f"(compute p95 {_ms(rec['compute']['p95'])}, redraw p95 {_ms(rec['redraw']['p95'])}; "
          f"cold first update {_ms(cold['total']) if cold else '?'}, building it {_ms(cold['build']) if cold else '?'}) "
          f"{'ok' if rec['meets_goal'] else 'SLOW'}")


def print_engine(res: dict[str, Any]) -> None:
    print(f"\nEngine step, {res['network']}, tanh, softmax CE, batch {res['batch']}")
    print("  medians [min, max] per step; ratios are medians of per-round ratios")
    for dt, r in res["results"].items():
        line = f"  {dt:18s} engine {_cell(r['engine'])}  GEMM {_cell(r['gemm'])}"
        if "torch" in r:
            line += f"  PyTorch {_cell(r['torch'])}"
        print(line)
        line = f"                     engine/GEMM {_rcell(r['engine/gemm'])} (goal <= {GOALS['engine_vs_gemm']})"
        if "engine/torch" in r:
            line += f"   engine/PyTorch {_rcell(r['engine/torch'])} (goal <= {GOALS['engine_vs_torch']})"
        print(line)


def print_toy(res: dict[str, Any]) -> None:
    print(f"\nToy network {res['network']}, {res['data']}")
    for dt, r in res["results"].items():
        line = f"  {dt:18s} step: engine {_cell(r['engine'])}  plain passes {_cell(r['plain passes'])}  GEMM {_cell(r['gemm'])}"
        if "torch" in r:
            line += f"  PyTorch {_cell(r['torch'])}  PyTorch/engine {_rcell(r['torch/engine'])}"
        print(line)
        for k in ("engine train, record every epoch", "engine train, record every 100", "torch loop, loss every step"):
            if k in r:
                print(f"                     1000 epochs, {k}: {_cell(r[k])}")
        if "torch loop/engine train" in r:
            print(f"                     PyTorch loop / engine train {_rcell(r['torch loop/engine train'])}")


def print_book(res: dict[str, Any]) -> None:
    print("\nThe book")
    if "build" in res:
        print(f"  clean build {res['build']['seconds']:.0f} s (exit {res['build']['returncode']}, "
              f"{res['build']['warnings']} warnings; goal < {GOALS['build_s']:.0f} s), of which executing "
              f"the chapters side by side {res['build'].get('execute_seconds', float('nan')):.0f} s")
        for nb, sec in sorted(res["build"].get("notebook_seconds", {}).items(), key=lambda kv: -kv[1]):
            print(f"    executed {nb}: {sec:.0f} s")
    if "nbval" in res:
        print(f"  nbval {res['nbval']['seconds']:.0f} s: {res['nbval']['summary']}")
    if res.get("pages"):
        name, size = res["heaviest_page"]
        print(f"  {len(res['pages'])} pages; heaviest {name} {size / 1e6:.2f} MB; "
              f"over the 5 MB budget: {', '.join(res['pages_over_budget']) or 'none'}")


def readme_section(results: dict[str, Any]) -> str:
    """The README's "## Benchmark" section, from results.json."""
    mach = results.get("machine", {})
    blas = mach.get("blas", [{}])[0] if mach.get("blas") else {}
    lines = ["## Benchmark", "",
             "`make bench` (`benchmarks/run.py`; `--book` adds the build) times the engine next to the "
             "matrix products alone and next to PyTorch, every live figure, and the book. Latest figures "
             f"({results.get('date', '?')[:10]}) on {mach.get('cpu', '?')}, {mach.get('cores_usable', '?')} cores, "
             f"numpy {mach.get('versions', {}).get('numpy')} with {blas.get('internal_api', '?')} "
             f"{blas.get('version', '')} ({blas.get('architecture', '?')} kernel, {blas.get('num_threads', '?')} "
             f"threads), PyTorch {mach.get('versions', {}).get('torch') or 'not installed'}. A shared machine (load "
             f"average {mach.get('load_average_before', ['?'])[0]} at the start on "
             f"{mach.get('cores_usable', '?')} cores), so: medians of interleaved runs, ratios as the median "
             "[min, max] of per-round ratios (every figure with its min and max in `benchmarks/results.json`):", ""]
    eng = results.get("engine")
    if eng:
        lines += ["| engine step, [784, 300×4, 10], batch 100 | engine | GEMM bound | PyTorch | engine/GEMM (goal ≤ 1.3) "
                  "| engine/PyTorch (goal ≤ 1.0) |", "|---|---|---|---|---|---|"]
        for dt, r in eng["results"].items():
            tp = _ms(r["torch"]["median"]) if "torch" in r else "—"
            et = _rcell(r["engine/torch"]) if "engine/torch" in r else "—"
            lines.append(f"| {dt} | {_ms(r['engine']['median'])} | {_ms(r['gemm']['median'])} | {tp} | "
                         f"{_rcell(r['engine/gemm'])} | {et} |")
        one = {k.split(",")[0]: r["gemm"]["median"] for k, r in eng["results"].items() if k.endswith(" 1 thread")}
        busy = [k for k, r in eng["results"].items() if not k.endswith(" 1 thread")
                and r["gemm"]["median"] > 1.5 * one.get(k.split(",")[0], math.inf)]
        if busy:
            lines += ["", "With several threads the matrix products alone ran slower than on one thread: the "
                      "machine's other jobs held the other core, so those rows measure contention more than the "
                      "engine (every thread of a BLAS call waits for the slowest)."]
        multi = [k for k, r in eng["results"].items() if not k.endswith(" 1 thread")
                 and r["engine/gemm"]["median"] > GOALS["engine_vs_gemm"]]
        if multi:
            lines += ["", "With two threads BLAS splits the matrix products over both cores, but numpy runs the "
                      "elementwise work (bias, activation and its derivative, softmax, the update) on one, so "
                      "the engine/GEMM ratio grows past the goal there; only fused multithreaded elementwise "
                      "kernels (outside numpy) would close it. The book's networks are far smaller and train on "
                      "one BLAS thread (`initreg._threads`), where the goal holds."]
        lines.append("")
    toy = results.get("toy")
    if toy:
        lines += ["| toy network [2, 6, 3, 1], 100 points | engine step (fast path) | plain passes | PyTorch step "
                  "| PyTorch/engine | `train`, 1000 epochs | PyTorch, 1000 steps |", "|---|---|---|---|---|---|---|"]
        for dt, r in toy["results"].items():
            if not dt.endswith(" 1 thread"):
                continue  # per-call overhead is single-threaded work; other counts are in results.json
            tp = _ms(r["torch"]["median"]) if "torch" in r else "—"
            ratio_ = f"{r['torch/engine']['median']:.1f}×" if "torch/engine" in r else "—"
            tl = _ms(r["torch loop, loss every step"]["median"]) if "torch loop, loss every step" in r else "—"
            et = (_ms(r["engine train, record every epoch"]["median"]) if "engine train, record every epoch" in r
                  else "—")
            pp = _ms(r["plain passes"]["median"]) if "plain passes" in r else "—"
            lines.append(f"| {dt} | {_ms(r['engine']['median'])} | {pp} | {tp} | {ratio_} | {et} | {tl} |")
        lines.append("")
    figs = results.get("figures", {}).get("figures")
    if figs:
        ok = [r for r in figs.values() if "total" in r]
        worst = max(ok, key=lambda r: r["total"]["p95"]) if ok else None
        lines += [f"Live figures ({len(figs)} registered): update (compute + redraw) p50 / p95 per figure, "
                  "after a warm-up pass; cold = the first update in a fresh process, after the figure is "
                  "built from the chapter's cached runs (goals: p95 ≤ 150 ms, cold ≤ 1 s).", "",
                  "| figure | p50 | p95 | cold | building the figure |", "|---|---|---|---|---|"]
        for name, r in sorted(figs.items()):
            if "total" not in r:
                lines.append(f"| `{name}` | error | | | |")
                continue
            cold = r.get("cold")
            cs = _ms(cold["total"]) if cold else "?"
            bs = _ms(cold["build"]) if cold else "?"
            lines.append(f"| `{name}` | {_ms(r['total']['p50'])} | {_ms(r['total']['p95'])} | {cs} | {bs} |")
        if worst and worst["total"]["p95"] > GOALS["figure_p95_s"]:
            cmax = max(r["compute"]["p95"] for r in ok)
            lines += ["", f"Compute is cached (p95 at most {_ms(cmax)} after the warm-up); the rest is matplotlib's "
                      "redraw: one Agg render of the kept figure and its PNG encoding."]
        lines.append("")
    book = results.get("book")
    if book and "build" in book:
        heavy = book.get("heaviest_page")
        lines += [f"The book: clean build {book['build']['seconds']:.0f} s (goal < 180 s), nbval "
                  f"{book['nbval']['seconds']:.0f} s ({book['nbval']['summary']}), heaviest page "
                  + (f"`{heavy[0]}` {heavy[1] / 1e6:.2f} MB (budget 5 MB)." if heavy else "?."), ""]
        if book.get("build", {}).get("notebook_seconds"):
            lines[-1:-1] = ["Chapter execution in the build: " + ", ".join(
                f"{k} {v:.0f} s" for k, v in sorted(book["build"]["notebook_seconds"].items(), key=lambda kv: -kv[1]))
                + "."]
    return "\n".join(lines).rstrip() + "\n"


def write_readme(results: dict[str, Any]) -> None:
    path = ROOT / "README.md"
    text = path.read_text()
    section = readme_section(results)
    i = text.find("\n## Benchmark\n")
    if i >= 0:
        j = text.find("\n## ", i + 1)
        text = text[:i + 1] + section + (text[j:] if j >= 0 else "")
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text)


# ----------------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--book", action="store_true", help="also time a clean build, nbval and page weights (minutes)")
    ap.add_argument("--only", default=None, help=f"comma-separated sections among {', '.join(SECTIONS)}")
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds per comparison (default 15)")
    ap.add_argument("--block", type=float, default=0.05, help="seconds per timed block (default 0.05)")
    ap.add_argument("--figures", default=None, help="comma-separated figure names (default: all registered)")
    ap.add_argument("--figure-samples", type=int, default=40,
                    help="grid combinations timed per figure, evenly spread (default 40)")
    ap.add_argument("--threads", default=None,
                    help="comma-separated thread counts for the engine and toy comparisons "
                         "(default: 1 and numpy's BLAS threads)")
    ap.add_argument("--readme", action="store_true", help="rewrite README.md's '## Benchmark' section")
    ap.add_argument("--readme-only", action="store_true", help="only rewrite the README section from --out")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--cold-figure", default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.readme_only:
        write_readme(json.loads(args.out.read_text()))
        print("rewrote README.md's '## Benchmark' section from", args.out)
        return 0
    if args.cold_figure:
        print(json.dumps(_cold_figure(args.cold_figure)))
        return 0
    args.thread_list = ([int(t) for t in args.threads.split(",")] if args.threads
                        else sorted({1, blas_threads()}))
    todo = [s for s in (args.only.split(",") if args.only else SECTIONS) if s in SECTIONS]
    if not args.only and not args.book:
        todo.remove("book")
    results: dict[str, Any] = {}
    if args.out.exists():
        try:
            results = json.loads(args.out.read_text())
        except json.JSONDecodeError:
            results = {}
    now = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    mach = machine_info()
    mach["load_average_before"] = load_average()
    blas = mach["blas"][0] if mach["blas"] else {}
    print(f"Machine: {mach['cpu']}, {mach['cores_usable']} cores; numpy {np.__version__}, "
          f"{blas.get('internal_api')} {blas.get('version')} kernel {blas.get('architecture')}, "
          f"{blas.get('num_threads')} threads; OPENBLAS_CORETYPE={mach['env']['OPENBLAS_CORETYPE']}; "
          f"load {mach['load_average_before']}")
    runners = {"engine": (bench_engine, print_engine), "toy": (bench_toy, print_toy),
               "figures": (bench_figures, None), "book": (bench_book, print_book)}
    for sec in todo:
        print(f"\n[{sec}]", flush=True)
        t0 = time.perf_counter()
        run, show = runners[sec]
        res = run(args)
        res["date"] = now
        res["seconds"] = time.perf_counter() - t0
        res["load_average_after"] = load_average()
        results[sec] = res
        if show:
            show(res)
    mach["load_average_after"] = load_average()
    results["machine"] = mach
    results["date"] = now
    results["goals"] = GOALS
    args.out.write_text(json.dumps(results, indent=1, default=float) + "\n")
    print(f"\nwrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    if args.readme:
        write_readme(results)
        print("rewrote README.md's '## Benchmark' section")
    return 0


if __name__ == "__main__":
    sys.exit(main())
