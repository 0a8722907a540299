"""Input-validation audit of the public ``initreg`` functions (a review aid, not a test).

    python benchmarks/audit_inputs.py            # every function it knows a valid call for
    python benchmarks/audit_inputs.py --json out.json

For each function, a cheap valid call is taken as the baseline; then one argument at a
time is replaced by bad values of its kind (NaN, ±inf, negative or zero sizes, strings,
None, unknown names, arrays with NaN or the wrong number of dimensions, a non-Generator
rng, ...). The book's contract: a ``ValueError`` or ``TypeError`` whose message names the
parameter (and, for names, lists the choices). Each outcome is classified:

* ``ok``: ValueError/TypeError naming the parameter (as a word: ``y`` in "NoneType" does not count);
* ``unnamed``: ValueError/TypeError that does not name it;
* ``crash``: any other exception (it failed deep inside numpy, or worse);
* ``nan``: returned a result containing NaN or inf;
* ``warning``: emitted a RuntimeWarning (or another warning);
* ``accepted``: returned normally (a gap, unless listed in :data:`VALID` with the reason
  the value is legitimate, e.g. a seed of 0; those are reported as ``valid``);
* ``slow``: still running after the time limit (no early check).

Public names it has no baseline for are listed, so a new module is noticed; the list
should be empty: a public function is audited, or in :data:`EXCLUDED` with the reason, or
(while its chapter is written) in :data:`NEW_CHAPTERS_PENDING`, reported on its own line.
Baselines that take over a second are listed too (a baseline should stay well under one).
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
import signal
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

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
    if isinstance(value, (list, tuple)) and value and all(_is_object(x) for x in value):
        return [("[]", []), ("['x']", ["x"]), ("'abc'", "abc"), ("None", None)]
    if _is_object(value):  # a result object of initreg (a run, a landscape, a holdout), or an Axes
        return [("'x'", "x"), ("None", None), ("3", 3)]
    if isinstance(value, sp.Basic):  # a SymPy expression
        return [("'abc'", "abc"), ("None", None), ("-1", sp.Integer(-1)), ("0", sp.Integer(0))]
    return []


def _is_object(x: Any) -> bool:
    """An argument that is an object of initreg or matplotlib, not a number, name or array."""
    mod = type(x).__module__ or ""
    return mod.split(".")[0] in ("initreg", "matplotlib") and not isinstance(x, (np.ndarray, np.generic))


def _names(message: str, param: str) -> bool:
    """Whether ``message`` names ``param`` as a word (``lams`` in "lams[2] must be ...", but
    not ``y`` in "NoneType" nor ``m`` in "must")."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(param)}(?![A-Za-z0-9_])", message) is not None


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
    add("deep_playground_stats", activation="tanh", k=1.0, depth=3, width=16)
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

    # --- the symbolic derivations (SymPy): most take no argument, a baseline checks they run
    for name in ("abs_subdifferential_at_zero", "l2_decay_coefficients", "l2_proximal_step", "penalty_costs",
                 "penalty_derivatives", "soft_threshold_derivation", "update_rules", "weight_decay_form",
                 "backward_rule", "depth_variance", "forward_rule", "glorot_rule", "he_rule", "relu_mean",
                 "relu_second_moment", "uniform_variance"):
        add(name)
    add("activation_moment", activation="relu", p=2)
    add("square_spread", activation="relu")
    add("tanh_derivative_second_moment", var_z=1.0, nodes=20)
    add("truncated_normal_variance", c=2)
    if hasattr(initreg, "glorot_rule"):
        add("uniform_limit", variance=initreg.glorot_rule())
    if hasattr(initreg, "relax_assumptions"):
        # relax_assumptions(*names) takes its names positionally: the audit passes one
        def relax_assumptions(names: Any) -> Any:
            return initreg.relax_assumptions(names)

        b["relax_assumptions"] = (relax_assumptions, {"names": "mu_x"})
    add("layer_factors", W=W, m=20, rng=rng(0))

    # --- the engine (network.py, optimizers.py)
    add("input_jacobian", net=net.copy(), x=toy[0][0], of="output")
    add("adam_update", w=W, grad=g, m=np.zeros_like(W), v_=np.zeros_like(W), t=1, alpha=0.1, beta1=0.9,
        beta2=0.999, eps=1e-8, lam=0.01, decay=0.01)
    add("penalty_alone", w0=np.array([1.0, -0.5]), alpha_lam=0.1, steps=5, rule="l1")

    # --- the playground (toy sets)
    add("toy_decision_map", dataset="circles", role="appropriate", step=2, pixels=8, steps=5, lr=0.1, n=50, seed=0)
    add("toy_second_moments", dataset="circles", ks=[1.0, 2.0], draws=5, n=50, seed=0)

    # --- deep networks: small versions of the papers' experiments
    small = dict(hidden=[8], epochs=1, lr=0.05, batch_size=256, snapshots=[0, 1], n_stats=20)
    add("ai_notes_study", **small, seed=0)
    add("ai_notes_repeats", seeds=[0], **small)
    add("glorot_bengio_study", data=split, schemes=["standard", "glorot_uniform"], width=8, depth=2,
        activation="tanh", n_examples=20, seed=0)
    add("he_study", data=split, schemes=["xavier", "he_normal"], depth=3, width=8, n_nets=2, n_train=1, epochs=1,
        lr=0.002, batch_size=40, n_stats=20, seed=0)
    add("playground_sweep", activation="tanh", ks=[1.0, 2.0], depth=3, width=16)

    # --- trained weights: the digits runs (DIGITS_SETUP, ~0.4 s each) are cached, so the
    # baselines below share four: no penalty, L1, L2 and proximal L1 at λ = 0.01
    if hasattr(initreg, "digits_run"):
        run = initreg.digits_run("l1", 0.01)
        add("digits_run", penalty="l1", lam=0.01, update="gradient", seed=0)
        add("check_run", run=run, name="run")
        add("pruned_network", run=run, bound=0.01)
        add("run_table", runs=[run])
        add("strength_run", penalty="l1", lam=0.01)
        add("strength_runs", penalty="l1", lams=[0.0, 0.01])
        add("compare_penalties", lams=[0.01], penalties=["l1"], update="gradient")
        add("compare_seeds", lam=0.01, seeds=[0])
    add("magnitude_histogram", weights=[W], bins=11, log_range=(-3.0, 1.0))
    add("magnitude_shares", weights=[W], bound=0.5, bins=4)
    if hasattr(initreg, "holdout_split"):
        hold = initreg.holdout_split(split, 40, 20, rng=rng(0))
        tiny = dict(sizes=[64, 4, 10], epochs=1, lr=0.1, batch_size=40, seed=0, update="gradient")
        add("lambda_sweeps", split=hold, lams=[0.0, 0.01], penalties=["l1", "l2"], **tiny)
        add("lambda_sweep", split=hold, penalty="l1", lams=[0.0, 0.01], **tiny)

    # --- landscapes
    add("as_landscape", land="himmelblau")
    if hasattr(initreg, "least_squares_landscape"):
        add("bisect_path_step", land=land, penalty="l1", lam_lo=0.01, lam_hi=0.1, halvings=2)
        add("grid_local_minima", land=land, penalty="l1", lam=0.1)
    add("local_minimum", land="himmelblau", penalty="l1", lam=0.1, start=np.array([1.0, 1.0]))
    add("orientation_sweep", X=Xls[:, :2], y=yls, penalty="l1", lam=0.1, n_angles=4)
    add("ridge_zeros", X=Xls, y=yls)
    add("lasso_ridge_paths", X=Xls, y=yls, names=("a", "b", "c"), lams=np.array([0.01, 0.1]))

    # --- the views chapter: priors, Adam's decay, the conventions (small versions)
    if hasattr(initreg, "map_estimate"):
        Xd, yd = Xls[:, :2], yls
        add("map_derivation", prior="gaussian")
        add("prior_scale", prior="gaussian", lam=0.1, m=100, sigma=1.0)
        add("prior_strength", prior="laplace", scale=0.1, m=100, sigma=1.0)
        add("noise_variance", X=Xls, y=yls)
        add("log_posterior", w=np.zeros(2), X=Xd, y=yd, prior="laplace", scale=0.1, sigma=1.0)
        add("map_estimate", X=Xd, y=yd, prior="laplace", scale=0.1, sigma=1.0, start=np.zeros(2))
        add("bayes_risk", X=Xls, tau=0.1, sigma=1.0, ratios=[0.5, 1.0, 2.0], draws=10, rng=rng(0))
        add("posterior_grid", X=Xd, y=yd, prior="gaussian", scale=0.1, sigma=1.0, n_grid=21, width=4.0, tol=0.01)
        hold_v = initreg.holdout_split(split, 40, 20, rng=rng(0))
        add("decay_trace", X=hold_v.X_train, y=hold_v.y_train, form="adam_l2", strength=1e-3, alpha=1e-2, steps=3,
            sizes=[64, 4, 10], seed=0)
        add("decay_grid", data=split, form="adamw", lrs=[1e-3, 2e-3, 4e-3], strengths=[0.1, 0.2, 0.4], seeds=[0],
            n_train=20, n_val=10, width=4, epochs=1, batch_size=10)
        add("l2_per_example_coefficients")

    # --- the figures and explorable layers (matplotlib, no display)
    add("decade_label", y=10.0)
    if hasattr(initreg, "add_cursor"):
        from matplotlib.figure import Figure

        ax = Figure().add_subplot()
        add("add_cursor", ax=ax, control="k")
        add("cache_raster", artist=ax.xaxis, size=4)
    return b


#: Public functions the audit does not call, each with the reason (the "no baseline" list
#: must stay empty: a name is either audited, listed here, or in NEW_CHAPTERS_PENDING).
EXCLUDED: dict[str, str] = {}

#: The functions of the chapters being written now (mean-field theory, dynamical isometry,
#: deep linear networks, residual networks, LSUV, frameworks' defaults, and the
#: regularization experiments: small data, early stopping, dropout, decoupled decay, the
#: Bayesian view). Their authors add the baselines when the modules settle; until then they
#: are reported on a line of their own, neither audited nor lost.
NEW_CHAPTERS_PENDING: set[str] = {
    # initreg.meanfield
    "chi1", "correlation_map", "critical_point", "critical_sigma_b2", "critical_sigma_w2", "fixed_point",
    "mean_field", "mean_field_network", "mean_field_table", "mean_field_trajectory", "phase_diagram",
    "preactivations", "relu_boundary", "relu_chi1", "relu_length_map", "sample_trajectory", "tanh_boundary",
    "tanh_chi1_series", "tanh_edge_expansion", "tanh_length_series", "trainability_study", "variance_map",
    # initreg.isometry
    "isometry_study", "jacobian_singular_values", "jacobian_spectra", "lambda_moments",
    "predicted_lambda_variance", "sampled_chi1",
    # initreg.deeplinear
    "deep_linear_gradients", "deep_linear_product", "deep_linear_study", "deep_linear_weights", "linear_task",
    # initreg.residual
    "residual_growth",
    # initreg.lsuv
    "layer_output_variances", "lsuv_init", "lsuv_study",
    # initreg.frameworks
    "default_draw", "defaults_table", "framework_draw", "scheme_calls_table", "truncated_normal_moments",
    # initreg.regularization (small data)
    "small_data_network", "small_data_split", "small_data_study", "strengths_of", "train_regularized",
    "unpenalized_path",
    # initreg.early_stopping
    "centered_l2_run", "descent_path", "early_stopping_filter", "early_stopping_vs_ridge", "equivalent_lambda",
    "matched_lambda", "matched_lambda_expr", "ridge_filter",
    # initreg.dropout
    "dropout_expectation", "dropout_ridge_minimizer", "dropout_ridge_weights", "expected_dropout_gradient",
    "expected_dropout_loss", "sampled_dropout",
}
#: The modules of those chapters: a function of theirs not yet named above is reported as
#: pending too (marked "unlisted"), so that a name added while they are written is not lost.
NEW_CHAPTER_MODULES: tuple[str, ...] = ("meanfield", "isometry", "deeplinear", "residual", "lsuv", "frameworks",
                                        "regularization", "early_stopping", "dropout", "decoupled", "bayes",
                                        "derivations.priors")


def _pending(name: str) -> str | None:
    """How a function of a new chapter is listed: its name, "name (unlisted)", or None."""
    if name in NEW_CHAPTERS_PENDING:
        return name
    mod = getattr(getattr(initreg, name, None), "__module__", "") or ""
    if mod.removeprefix("initreg.") in NEW_CHAPTER_MODULES:
        return f"{name} (unlisted)"
    return None


def audit(timeout: int) -> dict[str, Any]:
    signal.signal(signal.SIGALRM, _alarm)
    report: dict[str, Any] = {"functions": {}, "no_baseline": []}
    base = baselines()
    public_funcs = [n for n in initreg.__all__ if inspect.isfunction(getattr(initreg, n))]
    unaudited = sorted(n for n in public_funcs if n not in base and not n.startswith("plot_")
                       and not n.endswith(("_explorer", "_figure", "_playground")) and n not in EXCLUDED)
    report["pending"] = [_pending(n) for n in unaudited if _pending(n)]
    report["no_baseline"] = [n for n in unaudited if not _pending(n)]
    for name, (fn, kw) in sorted(base.items()):
        rows = []
        try:
            signal.alarm(timeout)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fn(**kw)
            seconds = time.perf_counter() - start
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
                        outcome = "ok" if _names(str(exc), param) else "unnamed"
                    except Exception as exc:  # noqa: BLE001
                        signal.alarm(0)
                        outcome, msg = "crash", f"{type(exc).__name__}: {exc}"
                if caught and outcome in ("accepted", "nan", "ok", "unnamed"):
                    msg += "".join(f" [{w.category.__name__}: {w.message}]" for w in caught[:2])
                    if outcome in ("accepted", "nan"):
                        outcome = "warning"
                rows.append({"param": param, "value": label, "outcome": outcome, "message": msg[:300]})
        report["functions"][name] = {"checks": rows, "baseline_seconds": round(seconds, 3)}
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
    ("digits_run", "seed", "0"): "0 is a seed",
    ("digits_run", "seed", "None"): "None is DIGITS_SETUP's seed (documented)",
    ("compare_seeds", "seeds", "[0]"): "one seed, 0, is a comparison over one seed",
    ("ai_notes_study", "seed", "0"): "0 is a seed",
    ("ai_notes_study", "snapshots", "[0]"): "epoch 0 is the initialization, a snapshot",
    ("ai_notes_repeats", "seeds", "[0]"): "one seed, 0, is a repeat of one",
    ("ai_notes_repeats", "snapshots", "[0]"): "epoch 0 is the initialization, a snapshot",
    ("glorot_bengio_study", "seed", "0"): "0 is a seed",
    ("he_study", "seed", "0"): "0 is a seed",
    ("he_study", "n_train", "0"): "measure the networks at initialization, train none",
    ("he_study", "batch_size", "None"): "None is full batch, as in train (documented there; passed through)",
    ("lambda_sweeps", "seed", "0"): "0 is a seed",
    ("lambda_sweeps", "sizes", "None"): "None is the default architecture (documented)",
    ("lambda_sweep", "seed", "0"): "0 is a seed",
    ("lambda_sweep", "sizes", "None"): "None is the default architecture (documented)",
    ("toy_decision_map", "step", "0"): "step 0 is the initialization",
    ("toy_decision_map", "steps", "0"): "zero steps: the initialization alone (as playground_run)",
    ("toy_decision_map", "seed", "0"): "0 is a seed",
    ("toy_second_moments", "seed", "0"): "0 is a seed",
    ("penalty_alone", "w0", "one more dim"): "the iterates of any shape of weights (as penalty_dynamics)",
    ("penalty_alone", "w0", "empty"): "the iterates of any shape of weights (as penalty_dynamics)",
    ("penalty_alone", "w0", "0-d"): "one weight",
    ("penalty_alone", "steps", "0"): "zero steps: the starting weights alone",
    ("bisect_path_step", "halvings", "0"): "no halving: the step itself, bracket [lam_lo, lam_hi]",
    ("truncated_normal_variance", "c", "2.5"): "any cut c > 0 (Keras's is 2)",
    ("check_run", "name", "'bogus'"): "a free-form label (the caller's parameter), not a choice",
    ("add_cursor", "control", "'bogus'"): "any identifier: the figure's controls are not known yet; "
                                         "the panel's cursor picks the line by this name",
    ("input_jacobian", "x", "one more dim"): "one input as a row, shape (1, n[0]) (documented)",
    ("decade_label", "y", "nan"): "a tick formatter: a value a log axis cannot hold gets no label ('')",
    ("decade_label", "y", "inf"): "a tick formatter: a value a log axis cannot hold gets no label ('')",
    ("decade_label", "y", "-inf"): "a tick formatter: a value a log axis cannot hold gets no label ('')",
    ("decade_label", "y", "-1.0"): "a tick formatter: a value a log axis cannot hold gets no label ('')",
    ("map_estimate", "start", "None"): "None starts from the least-squares solution (the default)",
    ("decay_trace", "seed", "0"): "0 is a seed",
    ("decay_grid", "seeds", "[0]"): "one seed, 0, is a grid of one seed",
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
    slow = {n: r["baseline_seconds"] for n, r in rep["functions"].items() if r.get("baseline_seconds", 0) > 1.0}
    if slow:
        print("\nbaselines over 1 s:", ", ".join(f"{n} {t:.2f} s" for n, t in sorted(slow.items())))
    if rep["pending"]:
        print("\nnew chapters, pending (not audited yet):", ", ".join(rep["pending"]))
    if EXCLUDED:
        print("\nexcluded:", "; ".join(f"{n} ({why})" for n, why in sorted(EXCLUDED.items())))
    if rep["no_baseline"]:
        print("\nno baseline (not audited):", ", ".join(rep["no_baseline"]))
    print(f"\n{gaps} checks not ok in {len(rep['functions'])} functions")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rep, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
