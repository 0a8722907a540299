"""Input-validation audit of the public ``initreg`` functions (a review aid, not a test).

    python benchmarks/audit_inputs.py            # every function it knows a valid call for
    python benchmarks/audit_inputs.py --json out.json

For each function, a cheap valid call is taken as the baseline; then one argument at a
time is replaced by bad values of its kind (NaN, ±inf, negative or zero sizes, strings,
None, unknown names, arrays with NaN or the wrong number of dimensions, a non-Generator
rng, ...). The book's contract: a ``ValueError`` or ``TypeError`` whose message names the
parameter (and, for names, lists the choices). Each outcome is classified:

* ``ok``: ValueError/TypeError naming the parameter;
* ``unnamed``: ValueError/TypeError that does not name it;
* ``crash``: any other exception (it failed deep inside numpy, or worse);
* ``nan``: returned a result containing NaN or inf;
* ``warning``: emitted a RuntimeWarning (or another warning);
* ``accepted``: returned normally (a gap, unless listed in :data:`VALID` with the reason
  the value is legitimate, e.g. a seed of 0; those are reported as ``valid``);
* ``slow``: still running after the time limit (no early check).

Public names it has no baseline for are listed, so a new module is noticed.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import signal
import sys
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import initreg

NAN, INF = float("nan"), float("inf")


class _Slow(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Slow


def _bad_values(value: Any) -> list[tuple[str, Any]]:
    """Bad replacements for an argument, by the kind of its valid value."""
    if isinstance(value, bool):
        return [("None", None), ("'yes'", "yes")]
    if isinstance(value, (int, np.integer)):
        return [("-1", -1), ("0", 0), ("2.5", 2.5), ("nan", NAN), ("'3'", "3"), ("None", None), ("True", True)]
    if isinstance(value, float):
        return [("nan", NAN), ("inf", INF), ("-inf", -INF), ("-1.0", -1.0), ("'0.1'", "0.1"), ("None", None)]
    if isinstance(value, str):
        return [("'bogus'", "bogus"), ("''", ""), ("3", 3), ("None", None)]
    if isinstance(value, np.random.Generator):
        return [("0", 0), ("None", None), ("RandomState", np.random.RandomState(0))]
    if isinstance(value, np.ndarray):
        out: list[tuple[str, Any]] = [("'x'", "x"), ("None", None)]
        if value.dtype.kind == "f" and value.size:
            v = value.copy()
            v.flat[0] = NAN
            out.append(("with NaN", v))
            v = value.copy()
            v.flat[-1] = INF
            out.append(("with inf", v))
        out += [("one more dim", value[None]), ("empty", value[:0])]
        if value.ndim >= 1:
            out.append(("0-d", np.float64(1.0)))
        return out
    if isinstance(value, initreg.Network):
        return [("'net'", "net"), ("None", None)]
    if isinstance(value, initreg.DataSplit):
        return [("'digits'", "digits"), ("None", None), ("(X, y) tuple", (value.X_train, value.y_train))]
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, (int, np.integer)) and not isinstance(x, bool)
                                                          for x in value):
        return [("[]", []), ("[0]", [0] * len(value)), ("[-1]", [-1] * len(value)), ("[2.5]", [2.5] * len(value)),
                ("'abc'", "abc"), ("None", None)]
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, float) for x in value):
        return [("[]", []), ("[nan]", [NAN] * len(value)), ("[-1.0]", [-1.0] * len(value)), ("'abc'", "abc"),
                ("None", None)]
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, str) for x in value):
        return [("[]", []), ("['bogus']", ["bogus"]), ("'l1'", "l1"), ("None", None)]
    return []


def _has_nan(x: Any, depth: int = 0) -> bool:
    if depth > 3:
        return False
    if isinstance(x, (float, np.floating)):
        return not math.isfinite(float(x))
    if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
        return bool(x.size) and not bool(np.all(np.isfinite(x)))
    if isinstance(x, (list, tuple)):
        return any(_has_nan(y, depth + 1) for y in x[:50])
    if hasattr(x, "__dataclass_fields__"):
        return any(_has_nan(getattr(x, f), depth + 1) for f in x.__dataclass_fields__)
    return False


def baselines() -> dict[str, tuple[Callable[..., Any], dict[str, Any]]]:
    """A cheap valid call of each public function: name -> (function, keyword arguments)."""
    rng = np.random.default_rng
    split = initreg.load_digits(seed=0).subset(120, rng=rng(0)) if hasattr(initreg.DataSplit, "subset") \
        else initreg.load_digits(seed=0)
    toy = initreg.toy_data("circles", 60, rng=rng(0))
    toy_split = initreg.DataSplit(toy[0][:40], toy[1][:40], toy[0][40:], toy[1][40:], "circles")
    net = initreg.Network([2, 4, 3, 1], "relu", "sigmoid", init="he_normal", rng=rng(0))
    dnet = initreg.Network([64, 8, 10], "tanh", init="xavier", rng=rng(0))
    Xls = rng(1).normal(size=(12, 3))
    yls = Xls @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng(2).normal(size=12)
    W = rng(3).normal(size=(4, 3))
    g = rng(4).normal(size=(4, 3))
    b: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {}

    def add(_fn: str, **kw: Any) -> None:
        if hasattr(initreg, _fn):
            b[_fn] = (getattr(initreg, _fn), kw)

    add("toy_data", name="circles", n=50, rng=rng(0), noise=0.1)
    add("load_digits", test_size=0.25, seed=0, scaling="standard")
    add("train", net=net.copy(), X=toy[0], y=toy[1], epochs=2, lr=0.1, batch_size=16, rng=rng(0),
        penalty="l2", lam=0.01, update="gradient", record_every=1)
    add("init_weights", n_in=3, n_out=4, scheme="normal", rng=rng(0), scale=0.5)
    add("init_variance", n_in=3, n_out=4, scheme="uniform", scale=0.5)
    add("initializer", scheme="normal", scale=0.5, gain=1.0)
    add("capacity_curve", data=toy_split, widths=[2, 4], epochs=2, lr=0.1, seed=0, activation="tanh")
    add("training_curve", data=toy_split, width=4, epochs=4, lr=0.1, seed=0, record_every=2, activation="tanh")
    add("linear_chain", scale=1.0, L=5, x=np.array([1.0, 1.0]))
    add("distinct_units", net=net.copy())
    add("symmetry_gap", net=net.copy())
    add("merge_identical_units", net=net.copy())
    add("toy_initializer", k=1.0)
    add("dead_relu_units", net=net.copy(), X=toy[0])
    add("toy_init_scaling", dataset="circles", n=50, seed=0)
    add("playground_run", dataset="circles", role="appropriate", steps=5, lr=0.1, n=50, seed=0)
    add("symmetry_run", data=toy_split, init="xavier", hidden=[4, 3], activation="tanh", epochs=2, lr=0.1)
    add("penalty", name="l1", lam=0.1)
    add("l1_penalty", weights=W, lam=0.1)
    add("l2_penalty", weights=W, lam=0.1)
    add("l1_update", w=W, grad=g, alpha=0.1, lam=0.1)
    add("l2_update", w=W, grad=g, alpha=0.1, lam=0.1)
    add("l1_prox_update", w=W, grad=g, alpha=0.1, lam=0.1)
    add("playground_l1_update", w=W, grad=g, alpha=0.1, lam=0.1, dead=np.zeros(W.shape, dtype=bool))
    add("soft_threshold", w=W, t=0.1)
    add("convert_l2_strength", lam=0.1, source="article", target="pytorch")
    add("penalty_dynamics", w0=np.array([1.0, -0.5]), alpha=0.1, lam=0.1, steps=5, rule="l1")
    add("regularized_objective", X=Xls, y=yls, w=np.ones(3), penalty="l1", lam=0.1)
    add("kkt_violation", X=Xls, y=yls, w=np.ones(3), penalty="l1", lam=0.1)
    add("regularized_minimizer", X=Xls, y=yls, penalty="l1", lam=0.1)
    add("regularization_path", X=Xls, y=yls, penalty="l1", lams=[0.01, 0.1])
    add("lasso_lambda_max", X=Xls, y=yls)
    add("lasso_path", X=Xls, y=yls)
    add("weight_vector", weights=[W, g])
    add("weight_norm", weights=[W, g])
    add("near_zero_fraction", weights=[W], tol=0.001)
    add("fraction_within", weights=[W], bound=0.5)
    add("exact_zero_fraction", weights=[W])
    add("weight_histogram", weights=[W], bins=11, limit=1.0)
    add("saturated_fraction", a=np.tanh(W), activation="tanh")
    add("layer_stats", net=dnet.copy(), X=split.X_train[:20], y=split.y_train[:20])
    add("signal_propagation", k=1.0, depth=3, activation="tanh", width=16, m=16, rng=rng(0), keep=100)
    add("track_layer_stats", net=dnet.copy(), X=split.X_train[:40], y=split.y_train[:40], epochs=2, lr=0.1,
        snapshots=[0, 2])
    add("holdout_split", data=split, n_train=40, n_val=20, rng=rng(0))
    add("tanh_second_moment", var_z=1.0, nodes=20)
    add("tanh_variance_series", order=3)
    add("sample_preactivations", n=8, m=20, rng=rng(0), var_w=1.0, var_x=1.0)
    add("sample_activations", var_z=1.0, m=20, activation="tanh", rng=rng(0))
    add("check_preactivations", n=8, m=200, rng=rng(0), var_w=1.0, var_x=1.0, z=4.0)
    add("check_variance", samples=rng(0).normal(size=200), expected=1.0, z=4.0)
    add("check_mean", samples=rng(0).normal(size=200), expected=0.0, z=4.0)
    add("xavier_conventions_table", n_in=64, n_out=32)
    add("product_variance", method="moments")
    add("preactivation_variance", n=4)
    add("l2_conversion_factor", source="article", target="pytorch")
    add("lasso_two_feature_zero", k=2)
    add("deep_playground_stats", activation="tanh", scheme="xavier", scale=1.0, depth=3, width=16)
    add("diabetes_features", names=("bmi", "bp"))
    add("least_squares_landscape", X=Xls[:, :2], y=yls, name="audit", title="audit")
    if hasattr(initreg, "least_squares_landscape"):
        land = initreg.least_squares_landscape(Xls[:, :2], yls, name="audit", title="audit")
        add("penalized_grid", land=land, penalty="l1", lam=0.1)
        add("penalized_minimum", land=land, penalty="l1", lam=0.1)
        add("landscape_path", land="least_squares", penalty="l1")  # a named landscape (cached)
        add("landscape_kkt_violation", land=land, penalty="l1", lam=0.1, w=np.zeros(2))
    add("train_penalized", data=split, penalty="l2", lam=0.01, sizes=[64, 8, 10], epochs=1, lr=0.1, batch_size=40,
        seed=0, update="gradient", activation="tanh", init="xavier")
    add("toy_seed_sweep", dataset="circles", seeds=[0], roles=["appropriate"], steps=3, lr=0.1, n=40)
    return b


def audit(timeout: int) -> dict[str, Any]:
    signal.signal(signal.SIGALRM, _alarm)
    report: dict[str, Any] = {"functions": {}, "no_baseline": []}
    base = baselines()
    public_funcs = [n for n in initreg.__all__ if inspect.isfunction(getattr(initreg, n))]
    report["no_baseline"] = sorted(n for n in public_funcs if n not in base and not n.startswith("plot_")
                                   and not n.endswith(("_explorer", "_figure", "_playground")))
    for name, (fn, kw) in sorted(base.items()):
        rows = []
        try:
            signal.alarm(timeout)
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fn(**kw)
            signal.alarm(0)
        except Exception as exc:  # noqa: BLE001
            signal.alarm(0)
            report["functions"][name] = {"baseline_error": f"{type(exc).__name__}: {exc}"}
            continue
        for param, value in kw.items():
            for label, bad in _bad_values(value):
                args = dict(kw)
                if isinstance(value, initreg.Network):
                    args = {k: (v.copy() if isinstance(v, initreg.Network) else v) for k, v in kw.items()}
                args[param] = bad
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        signal.alarm(timeout)
                        result = fn(**args)
                        signal.alarm(0)
                        outcome = "nan" if _has_nan(result) else "accepted"
                        msg = ""
                    except _Slow:
                        outcome, msg = "slow", f"> {timeout} s"
                    except (ValueError, TypeError) as exc:
                        signal.alarm(0)
                        msg = f"{type(exc).__name__}: {exc}"
                        outcome = "ok" if param in str(exc) else "unnamed"
                    except Exception as exc:  # noqa: BLE001
                        signal.alarm(0)
                        outcome, msg = "crash", f"{type(exc).__name__}: {exc}"
                if caught and outcome in ("accepted", "nan", "ok", "unnamed"):
                    msg += "".join(f" [{w.category.__name__}: {w.message}]" for w in caught[:2])
                    if outcome in ("accepted", "nan"):
                        outcome = "warning"
                rows.append({"param": param, "value": label, "outcome": outcome, "message": msg[:300]})
        report["functions"][name] = {"checks": rows}
    return report


#: Values the audit tries that are legitimate for that parameter, reviewed one by one:
#: (function, parameter, value label) -> why it is accepted. They are reported as
#: ``valid`` and not counted as gaps; anything else accepted still is.
VALID: dict[tuple[str, str, str], str] = {
    ("capacity_curve", "seed", "0"): "0 is a seed",
    ("training_curve", "seed", "0"): "0 is a seed",
    ("train_penalized", "seed", "0"): "0 is a seed",
    ("playground_run", "seed", "0"): "0 is a seed",
    ("toy_init_scaling", "seed", "0"): "0 is a seed",
    ("toy_seed_sweep", "seeds", "[0]"): "one seed, 0, is a sweep of one",
    ("track_layer_stats", "snapshots", "[0]"): "epoch 0 is the initialization, a snapshot",
    ("load_digits", "seed", "0"): "0 is a seed",
    ("check_mean", "expected", "-1.0"): "a mean may be negative (a variance may not: check_variance refuses it)",
    ("linear_chain", "scale", "-1.0"): "the weight of a linear chain may be negative (its sign alternates)",
    ("l1_penalty", "weights", "one more dim"): "a penalty sums over weight arrays of any shape",
    ("l1_penalty", "weights", "empty"): "no weights: the penalty is 0",
    ("l2_penalty", "weights", "one more dim"): "a penalty sums over weight arrays of any shape",
    ("l2_penalty", "weights", "empty"): "no weights: the penalty is 0",
    ("soft_threshold", "w", "one more dim"): "elementwise, any shape",
    ("soft_threshold", "w", "empty"): "elementwise, any shape",
    ("soft_threshold", "w", "0-d"): "elementwise, a scalar too",
    ("penalty_dynamics", "w0", "one more dim"): "the iterates of any shape of weights",
    ("penalty_dynamics", "w0", "empty"): "the iterates of any shape of weights",
    ("penalty_dynamics", "w0", "0-d"): "one weight",
    ("penalty_dynamics", "steps", "0"): "zero steps: the starting weights alone",
    ("playground_run", "steps", "0"): "zero steps: the initialization alone",
    ("train", "epochs", "0"): "zero epochs: the record of the initialization",
    ("train", "batch_size", "None"): "None is full batch (documented)",
    ("train_penalized", "sizes", "None"): "None is the default architecture (documented)",
    ("layer_stats", "y", "None"): "y is optional: no gradient statistics without labels",
    ("preactivation_variance", "n", "None"): "None is the symbol n (documented)",
    ("least_squares_landscape", "name", "'bogus'"): "a free-form label, not a choice",
    ("least_squares_landscape", "title", "'bogus'"): "a free-form label, not a choice",
    ("saturated_fraction", "a", "one more dim"): "a fraction over activations of any shape",
    ("saturated_fraction", "a", "0-d"): "a fraction over activations of any shape",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", default=None, help="write the full report here")
    ap.add_argument("--timeout", type=int, default=20, help="seconds per call before it counts as slow")
    ap.add_argument("--all", action="store_true", help="print the ok checks too")
    args = ap.parse_args(argv)
    rep = audit(args.timeout)
    gaps = 0
    for name, r in rep["functions"].items():
        if "baseline_error" in r:
            print(f"{name}: baseline call failed: {r['baseline_error']}")
            continue
        for c in r["checks"]:
            if c["outcome"] == "accepted" and (name, c["param"], c["value"]) in VALID:
                c["outcome"], c["message"] = "valid", VALID[(name, c["param"], c["value"])]
        bad = [c for c in r["checks"] if args.all or c["outcome"] not in ("ok", "valid")]
        gaps += sum(c["outcome"] not in ("ok", "valid") for c in r["checks"])
        for c in bad:
            print(f"{name}({c['param']}={c['value']}): {c['outcome']}  {c['message'][:160]}")
    if rep["no_baseline"]:
        print("\nno baseline (not audited):", ", ".join(rep["no_baseline"]))
    print(f"\n{gaps} checks not ok in {len(rep['functions'])} functions")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rep, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
