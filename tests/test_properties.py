"""Property-based tests (hypothesis): the engine and the formulas hold for arbitrary inputs.

Deterministic: every test runs with ``derandomize=True`` (the examples are a function of
the test alone) and no example database, with bounded ``max_examples`` so the file runs
in well under a minute.
"""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import initreg

SETTINGS = dict(derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
seeds = st.integers(0, 2**32 - 1)
finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False, width=64)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=5)


# ------------------------------------------------------------------ initializers
#: E[w⁴] / Var(w)² of each family: 3 for a normal, 9/5 for a uniform on [-a, a].
_KURTOSIS = {"normal": 3.0, "xavier": 3.0, "glorot_normal": 3.0, "he_normal": 3.0,
             "uniform": 1.8, "standard": 1.8, "glorot_uniform": 1.8, "he_uniform": 1.8}


@settings(max_examples=60, **SETTINGS)
@given(scheme=st.sampled_from(initreg.INIT_SCHEMES), n_in=st.integers(1, 300), n_out=st.integers(1, 300),
       scale=st.floats(0.01, 10.0), seed=seeds)
def test_init_sample_variance_matches_the_scheme(scheme, n_in, n_out, scale, seed):
    """The mean of w² estimates Var(w) (the mean is 0), with standard error
    Var(w)·sqrt((κ − 1)/N), κ = E[w⁴]/Var(w)²: it must lie within 6 standard errors."""
    needs_scale = scheme in ("constant", "normal", "uniform")
    kw = {"scale": scale} if needs_scale else {}
    W = initreg.init_weights(n_in, n_out, scheme, rng=np.random.default_rng(seed), **kw)
    assert W.shape == (n_out, n_in) and np.all(np.isfinite(W))
    var = initreg.init_variance(n_in, n_out, scheme, **kw)
    if scheme == "zeros":
        assert var == 0 and np.all(W == 0)
        return
    if scheme == "constant":
        assert var == 0 and np.all(W == scale)
        return
    N = W.size
    if scheme == "orthogonal":  # orthonormal rows (n_out ≤ n_in) or columns: the mean of w² is exact
        G = W @ W.T if n_out <= n_in else W.T @ W
        assert np.abs(G - np.eye(min(n_in, n_out))).max() <= 1e-12
        assert abs(float(np.mean(W**2)) - var) <= 1e-12
        return
    se = var * math.sqrt((_KURTOSIS[scheme] - 1.0) / N)
    assert abs(float(np.mean(W**2)) - var) <= 6 * se + 1e-15
    assert abs(float(W.mean())) <= 6 * math.sqrt(var / N)


@settings(max_examples=30, **SETTINGS)
@given(scheme=st.sampled_from([s for s in initreg.INIT_SCHEMES if s not in ("zeros", "constant")]),
       gain=st.floats(0.1, 5.0), seed=seeds)
def test_initializer_gain_scales_the_variance(scheme, gain, seed):
    kw = {"scale": 0.5} if scheme in ("normal", "uniform") else {}
    base = initreg.init_weights(40, 50, scheme, rng=np.random.default_rng(seed), **kw)
    scaled = initreg.initializer(scheme, gain=gain, **kw)(40, 50, np.random.default_rng(seed))
    np.testing.assert_allclose(scaled, gain * base, rtol=1e-12, atol=1e-300)


# ------------------------------------------------------------------ update rules
@st.composite
def update_args(draw):
    shape = draw(shapes)
    w = draw(hnp.arrays(np.float64, shape, elements=finite))
    g = draw(hnp.arrays(np.float64, shape, elements=finite))
    alpha = draw(st.floats(0.0, 10.0))
    lam = draw(st.floats(0.0, 10.0))
    return w, g, alpha, lam


def _close(got, want, *scales):
    tol = 1e-12 * (1.0 + max(float(np.max(np.abs(s))) if np.size(s) else 0.0 for s in scales))
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=tol)


@settings(max_examples=80, **SETTINGS)
@given(args=update_args())
def test_l1_update_is_its_formula(args):
    w, g, alpha, lam = args
    got = initreg.l1_update(w, g, alpha, lam)
    assert np.shape(got) == np.shape(w)
    _close(got, w - alpha * lam * np.sign(w) - alpha * g, w, alpha * lam, alpha * g)


@settings(max_examples=80, **SETTINGS)
@given(args=update_args())
def test_l2_update_is_its_formula(args):
    w, g, alpha, lam = args
    got = initreg.l2_update(w, g, alpha, lam)
    assert np.shape(got) == np.shape(w)
    _close(got, w - 2 * alpha * lam * w - alpha * g, w, 2 * alpha * lam * w, alpha * g)
    _close(got, (1 - 2 * alpha * lam) * w - alpha * g, w, 2 * alpha * lam * w, alpha * g)


@settings(max_examples=60, **SETTINGS)
@given(args=update_args())
def test_soft_threshold_is_the_l1_proximal_map(args):
    w, _, alpha, lam = args
    t = alpha * lam
    u = initreg.soft_threshold(w, t)
    np.testing.assert_array_equal(u, np.sign(w) * np.maximum(np.abs(w) - t, 0.0))
    # the minimizer of ½(u − w)² + t|u|, coordinate by coordinate: compare with neighbours
    obj = lambda x: 0.5 * (x - w) ** 2 + t * np.abs(x)  # noqa: E731
    for d in (1e-3, -1e-3):
        assert np.all(obj(u) <= obj(u + d) + 1e-9 * (1 + np.abs(w) ** 2))


# ------------------------------------------------------- regularized minimizer
@st.composite
def lsq_problems(draw):
    m = draw(st.integers(1, 25))
    p = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(seeds))
    X = rng.normal(size=(m, p))
    y = X @ rng.normal(size=p) + 0.3 * rng.normal(size=m)
    penalty = draw(st.sampled_from(initreg.PENALTIES))
    lam = 0.0 if penalty == "none" else draw(st.floats(1e-4, 2.0))
    return X, y, penalty, lam


@settings(max_examples=60, **SETTINGS)
@given(problem=lsq_problems())
def test_regularized_minimizer_satisfies_the_optimality_conditions(problem):
    """w* minimizes ‖Xw − y‖²/(2m) + P: ∇J + 2λw = 0 (L2), ∇J = 0 (none), and the KKT
    conditions of L1: ∇J_j = −λ·sign(w_j) where w_j ≠ 0, |∇J_j| ≤ λ where w_j = 0."""
    X, y, penalty, lam = problem
    m = X.shape[0]
    w = np.asarray(initreg.regularized_minimizer(X, y, penalty, lam), dtype=float)
    assert w.shape == (X.shape[1],) and np.all(np.isfinite(w))
    g = X.T @ (X @ w - y) / m
    scale = 1.0 + float(np.max(np.abs(X.T @ y))) / m + lam
    tol = 1e-7 * scale
    if penalty == "l2":
        np.testing.assert_allclose(g + 2 * lam * w, 0.0, atol=tol)
    elif penalty == "none":
        np.testing.assert_allclose(g, 0.0, atol=tol)
    else:
        nz = w != 0
        np.testing.assert_allclose(g[nz] + lam * np.sign(w[nz]), 0.0, atol=tol)
        assert np.all(np.abs(g[~nz]) <= lam + tol)

    # and no nearby point does better
    def objective(u):
        r = X @ u - y
        pen = {"none": 0.0, "l1": lam * np.abs(u).sum(), "l2": lam * (u @ u)}[penalty]
        return r @ r / (2 * m) + pen
    best = objective(w)
    rng = np.random.default_rng(0)
    for _ in range(10):
        assert objective(w + 1e-4 * rng.normal(size=w.shape)) >= best - 1e-10 * scale


# ------------------------------------------------------------------ the engine
@st.composite
def networks(draw):
    depth = draw(st.integers(0, 3))  # hidden layers
    widths = [draw(st.integers(1, 5)) for _ in range(depth)]
    acts = [draw(st.sampled_from(initreg.ACTIVATIONS)) for _ in range(depth)]
    output = draw(st.sampled_from(initreg.OUTPUTS))
    k = 1 if output == "sigmoid" else draw(st.integers(2, 4))
    n0 = draw(st.integers(1, 4))
    m = draw(st.integers(1, 6))
    rng = np.random.default_rng(draw(seeds))
    net = initreg.Network([n0, *widths, k], acts, output, init="glorot_normal", rng=rng)
    for b in net.biases:
        b[...] = rng.normal(0, 0.5, b.shape)
    X = rng.normal(size=(m, n0))
    y = rng.integers(0, max(k, 2), m)
    return net, X, y


def _relu_margin(net, X):
    """The smallest |z| that enters a ReLU: finite differences need to stay off the kink."""
    a, margin = X, np.inf
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ w.T + b
        if l < net.L - 1:
            if net.activations[l] == "relu":
                margin = min(margin, float(np.min(np.abs(z))))
            a = {"tanh": np.tanh, "relu": lambda t: np.maximum(t, 0), "linear": lambda t: t,
                 "sigmoid": lambda t: 1 / (1 + np.exp(-t))}[net.activations[l]](z)
    return margin


@settings(max_examples=40, **SETTINGS)
@given(case=networks())
def test_backward_matches_finite_differences(case):
    net, X, y = case
    eps = 1e-6
    assume(_relu_margin(net, X) > 1e-4)
    g = net.backward(X, y)
    assert math.isclose(g.loss, net.evaluate(X, y)[0], rel_tol=1e-12)
    for params, grads in ((net.weights, g.dW), (net.biases, g.db)):
        for p, gp in zip(params, grads):
            num = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + eps
                lp = net.evaluate(X, y)[0]
                p[i] = old - eps
                lm = net.evaluate(X, y)[0]
                p[i] = old
                num[i] = (lp - lm) / (2 * eps)
            np.testing.assert_allclose(gp, num, rtol=1e-5, atol=1e-7)


@settings(max_examples=30, **SETTINGS)
@given(case=networks(), lr=st.floats(1e-3, 1.0), lam=st.floats(0.0, 0.1),
       rule=st.sampled_from(["none", "l1", "l2", "l1-proximal", "l2-proximal"]))
def test_one_training_step_is_the_update_rule(case, lr, lam, rule):
    """train(epochs=1) in full batch moves every parameter by exactly the article's rule."""
    net, X, y = case
    penalty, _, update = rule.partition("-")
    before = net.copy()
    g = before.backward(X, y)
    h = initreg.train(net, X, y, epochs=1, lr=lr, penalty=penalty, lam=lam, update=update or "gradient")
    assert h.steps_taken == 1 and not h.diverged
    for l in range(net.L):
        w, dw = before.weights[l], g.dW[l]
        if penalty == "none":
            want = w - lr * dw
        elif update == "proximal":
            want = (initreg.soft_threshold(w - lr * dw, lr * lam) if penalty == "l1"
                    else (w - lr * dw) / (1 + 2 * lr * lam))
        else:
            want = (initreg.l1_update if penalty == "l1" else initreg.l2_update)(w, dw, lr, lam)
        np.testing.assert_allclose(net.weights[l], want, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(net.biases[l], before.biases[l] - lr * g.db[l], rtol=1e-10, atol=1e-12)
    assert h.loss[0] == pytest.approx(before.evaluate(X, y)[0], rel=1e-12)
    assert h.loss[1] == pytest.approx(net.evaluate(X, y)[0], rel=1e-12)


@settings(max_examples=25, **SETTINGS)
@given(case=networks(), batch=st.integers(1, 6), seed=seeds)
def test_minibatch_epoch_equals_manual_steps(case, batch, seed):
    """One epoch of minibatches is the sequence of steps on the permuted batches."""
    net, X, y = case
    manual = net.copy()
    initreg.train(net, X, y, epochs=1, lr=0.1, batch_size=batch, rng=np.random.default_rng(seed))
    order = np.random.default_rng(seed).permutation(len(X))
    if batch >= len(X):
        order = np.arange(len(X))
    for s in range(0, len(X), batch):
        rows = order[s:s + batch]
        g = manual.backward(X[rows], y[rows])
        for l in range(manual.L):
            manual.weights[l] -= 0.1 * g.dW[l]
            manual.biases[l] -= 0.1 * g.db[l]
    for a, b in zip(net.get_params(), manual.get_params()):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# ------------------------------------------------------------------ bad inputs
bad_reals = st.sampled_from([float("nan"), float("inf"), -float("inf"), -1.0, "0.1", None, True, [0.1]])
bad_ints = st.sampled_from([0, -3, 2.5, float("nan"), "3", None, True])
bad_names = st.sampled_from(["", "bogus", "L1", 3, None, b"l1"])


def _raises_naming(fn, name, *, allowed=(ValueError, TypeError)):
    with pytest.raises(allowed) as info:
        fn()
    assert name in str(info.value), f"the message must name {name!r}: {info.value}"


@settings(max_examples=60, **SETTINGS)
@given(which=st.sampled_from(["alpha", "lam"]), bad=bad_reals, fn=st.sampled_from(
    [initreg.l1_update, initreg.l2_update, initreg.l1_prox_update]))
def test_update_rules_refuse_bad_strengths(which, bad, fn):
    args = dict(w=np.ones(3), grad=np.ones(3), alpha=0.1, lam=0.1)
    args[which] = bad
    _raises_naming(lambda: fn(**args), which)


@settings(max_examples=60, **SETTINGS)
@given(bad=bad_reals, which=st.sampled_from(["lr", "lam"]))
def test_train_refuses_bad_rates(bad, which):
    net = initreg.Network([2, 3, 2], rng=np.random.default_rng(0))
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    kw = dict(epochs=1, lr=0.1, penalty="l2", lam=0.1)
    kw[which] = bad
    _raises_naming(lambda: initreg.train(net, X, y, **kw), which)


@settings(max_examples=60, **SETTINGS)
@given(bad=bad_ints, which=st.sampled_from(["epochs", "batch_size", "record_every"]))
def test_train_refuses_bad_counts(bad, which):
    if (which == "epochs" and bad == 0) or (which == "batch_size" and bad is None):
        return  # zero epochs (records the initial state) and batch_size=None (full batch) are valid
    net = initreg.Network([2, 3, 2], rng=np.random.default_rng(0))
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    kw = dict(epochs=1, lr=0.1, rng=np.random.default_rng(0))
    kw[which] = bad
    _raises_naming(lambda: initreg.train(net, X, y, **kw), which)


@settings(max_examples=60, **SETTINGS)
@given(bad=bad_names, which=st.sampled_from(["penalty", "update"]))
def test_train_refuses_unknown_names_and_lists_the_choices(bad, which):
    if which == "penalty" and bad is None:
        return  # penalty=None is the default: no penalty
    net = initreg.Network([2, 3, 2], rng=np.random.default_rng(0))
    kw = dict(epochs=1, lr=0.1)
    kw[which] = bad
    choices = initreg.PENALTIES if which == "penalty" else initreg.UPDATES
    with pytest.raises((ValueError, TypeError)) as info:
        initreg.train(net, np.zeros((4, 2)), [0, 1, 0, 1], **kw)
    assert which in str(info.value) and all(c in str(info.value) for c in choices)


@st.composite
def bad_data(draw):
    kind = draw(st.sampled_from(["nan", "inf", "ndim1", "ndim3", "cols", "empty", "string", "ragged", "object"]))
    X = np.random.default_rng(draw(seeds)).normal(size=(5, 3))
    if kind == "nan":
        X[draw(st.integers(0, 4)), draw(st.integers(0, 2))] = np.nan
    elif kind == "inf":
        X[draw(st.integers(0, 4)), draw(st.integers(0, 2))] = -np.inf
    elif kind == "ndim1":
        X = X[:, 0]
    elif kind == "ndim3":
        X = X[None]
    elif kind == "cols":
        X = X[:, :2]
    elif kind == "empty":
        X = X[:0]
    elif kind == "string":
        X = "X"
    elif kind == "ragged":
        X = [[1.0, 2.0, 3.0], [1.0]]
    else:
        X = np.array([[{}, 1, 2]] * 5, dtype=object)
    return X


@settings(max_examples=60, **SETTINGS)
@given(X=bad_data(), method=st.sampled_from(["forward", "predict", "predict_proba", "evaluate", "backward",
                                             "train", "train_test"]))
def test_engine_refuses_bad_data(X, method):
    net = initreg.Network([3, 4, 2], rng=np.random.default_rng(0))
    y = np.zeros(5, dtype=int)
    good = np.zeros((5, 3))
    calls = {
        "forward": lambda: net.forward(X),
        "predict": lambda: net.predict(X),
        "predict_proba": lambda: net.predict_proba(X),
        "evaluate": lambda: net.evaluate(X, y[:len(X)] if hasattr(X, "__len__") else y),
        "backward": lambda: net.backward(X, y[:len(X)] if hasattr(X, "__len__") else y),
        "train": lambda: initreg.train(net, X, y, epochs=1, lr=0.1),
        "train_test": lambda: initreg.train(net, good, y, epochs=1, lr=0.1, X_test=X, y_test=y),
    }
    _raises_naming(calls[method], "X_test" if method == "train_test" else "X")


@settings(max_examples=60, **SETTINGS)
@given(bad=st.sampled_from([[0, 2], [0.5, 1], [np.nan, 0], [-1, 0], "ab", [[0], [1]], [0, 1, 1], [None, 0]]))
def test_engine_refuses_bad_labels(bad):
    net = initreg.Network([3, 4, 2], rng=np.random.default_rng(0))
    _raises_naming(lambda: net.evaluate(np.zeros((2, 3)), bad), "y")


@settings(max_examples=40, **SETTINGS)
@given(bad=st.sampled_from([0, -1, 2.5, "3", None, True]), where=st.integers(0, 2))
def test_network_refuses_bad_sizes(bad, where):
    sizes = [3, 4, 2]
    sizes[where] = bad
    _raises_naming(lambda: initreg.Network(sizes, rng=np.random.default_rng(0)), f"sizes[{where}]")


@settings(max_examples=40, **SETTINGS)
@given(which=st.sampled_from(["n_in", "n_out"]), bad=bad_ints)
def test_init_refuses_bad_sizes(which, bad):
    kw = dict(n_in=3, n_out=4)
    kw[which] = bad
    _raises_naming(lambda: initreg.init_weights(kw["n_in"], kw["n_out"], "xavier", rng=np.random.default_rng(0)),
                   which)


@settings(max_examples=40, **SETTINGS)
@given(scheme=st.sampled_from(["normal", "uniform"]),
       bad=st.sampled_from([float("nan"), float("inf"), -1.0, "1", [1.0]]))
def test_init_refuses_bad_scales(scheme, bad):
    _raises_naming(lambda: initreg.init_weights(3, 4, scheme, rng=np.random.default_rng(0), scale=bad), "scale")
    _raises_naming(lambda: initreg.initializer(scheme, scale=bad), "scale")


@settings(max_examples=30, **SETTINGS)
@given(bad=bad_names)
def test_init_refuses_unknown_schemes_and_lists_them(bad):
    with pytest.raises((ValueError, TypeError)) as info:
        initreg.init_weights(3, 4, bad, rng=np.random.default_rng(0))
    assert "scheme" in str(info.value) and all(s in str(info.value) for s in initreg.INIT_SCHEMES)


@settings(max_examples=30, **SETTINGS)
@given(bad=bad_reals)
def test_penalties_refuse_bad_lambdas(bad):
    for fn in (lambda: initreg.penalty("l1", bad), lambda: initreg.l1_penalty([np.ones(2)], bad),
               lambda: initreg.l2_penalty([np.ones(2)], bad)):
        _raises_naming(fn, "lam")


def test_set_params_refuses_non_finite_values():
    net = initreg.Network([2, 3, 2], rng=np.random.default_rng(0))
    params = net.get_params()
    params[2] = params[2].copy()
    params[2][0, 0] = np.nan
    _raises_naming(lambda: net.set_params(params), "params[2]")
    assert net.params_finite()
