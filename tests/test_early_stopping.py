"""Early stopping against L2 on least squares (initreg.early_stopping): the iteration
against numpy's eigendecomposition, the matched strengths against regularized_minimizer,
the SymPy expressions against numbers, the bound 2αt·λ(t) ≤ 1, and bad inputs."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar

import initreg


def problem(m=40, p=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, p)) @ np.diag([1.0, 0.6, 0.3][:p])
    return X, X @ rng.normal(size=p) + 0.1 * rng.normal(size=m)


def test_descent_path_is_the_spectral_formula():
    X, y = problem()
    W = initreg.descent_path(X, y, lr=0.3, steps=25)
    G, c = X.T @ X / 40, X.T @ y / 40
    h, U = np.linalg.eigh(G)
    w_star = np.linalg.solve(G, c)
    for t in (0, 1, 7, 25):
        np.testing.assert_allclose(W[t], U @ ((1 - (1 - 0.3 * h) ** t) * (U.T @ w_star)), atol=1e-13)


def test_ridge_at_the_matched_strength_keeps_each_direction_as_t_steps_do():
    X, y = problem()
    r = initreg.early_stopping_vs_ridge(X, y, lr=0.3, steps=30)
    np.testing.assert_allclose(r.formula, r.descent, atol=1e-13)
    for k in (0, 4, 29):
        for i in range(3):
            w = initreg.regularized_minimizer(X, y, "l2", float(r.matched[k, i]))
            assert abs((w - r.descent[k]) @ r.U[:, i]) < 1e-12
    np.testing.assert_allclose(r.ridge[9], initreg.regularized_minimizer(X, y, "l2", 1 / (2 * 0.3 * 10)), atol=1e-14)
    np.testing.assert_allclose(r.ratio, r.matched * 2 * 0.3 * r.t[:, None], rtol=1e-12)


@settings(max_examples=60, deadline=None)
@given(h=st.floats(1e-3, 10.0), a=st.floats(1e-4, 0.99), t=st.integers(1, 5000))
def test_the_matched_strength_never_exceeds_one_over_2_alpha_t(h, a, t):
    lr = a / h
    lam = float(initreg.matched_lambda(h, lr, t))
    assert lam >= 0
    assert lam * 2 * lr * t <= 1 + 1e-12
    assert float(initreg.ridge_filter(h, lam)) == pytest.approx(float(initreg.early_stopping_filter(h, lr, t)),
                                                                rel=1e-9, abs=1e-12)


def test_the_series_matches_the_numbers():
    series = initreg.matched_lambda_series(3).removeO()
    eps, t = sp.Symbol("epsilon", positive=True), sp.Symbol("t", positive=True)
    for e, tt in ((1e-3, 7), (2e-3, 30)):
        exact = float(initreg.matched_lambda(1.0, e, tt)) * 2 * e * tt
        first = 1 - e * (tt + 1) / 2
        assert abs(exact - first) < 0.2 * e * (tt + 1) / 2 * e * tt  # the remainder is second order
        assert abs(exact - float(series.subs({eps: e, t: tt}))) < (e * tt) ** 3
    h, a, tt = sp.symbols("h alpha t", positive=True)
    num = float(initreg.matched_lambda_expr().subs({h: 0.7, a: 0.2, tt: 9}))
    assert num == pytest.approx(float(initreg.matched_lambda(0.7, 0.2, 9)), rel=1e-12)


def test_the_quadratic_band_is_the_minimum_of_the_ratio():
    f = lambda x: (x / (1 + x)) / (1 - np.exp(-x))  # noqa: E731
    best = minimize_scalar(f, bounds=(0.1, 10), method="bounded", options={"xatol": 1e-10})
    lo, hi = initreg.quadratic_displacement_band()
    assert lo == pytest.approx(best.fun, abs=1e-6) and hi == 1.0


def test_the_discrete_band_is_the_minimum_over_the_step():
    for t in (1, 10, 25):
        f = lambda ah: (ah * t / (1 + ah * t)) / (1 - (1 - ah) ** t)  # noqa: E731
        for top in (1.0, 2.0):
            grid = np.linspace(1e-6, top - 1e-6, 200_001)
            lo, hi = initreg.quadratic_displacement_band(t, max_step=top)
            assert lo == pytest.approx(f(grid).min(), abs=1e-4)  # at odd t the infimum is the limit αh → 2
            if top < 2:  # near αh = 2 at even t the ratio grows without bound; the grid decides the max
                assert hi == pytest.approx(f(grid).max(), rel=1e-3)
    assert initreg.quadratic_displacement_band(1)[0] == pytest.approx(0.5, abs=1e-5)  # 1/(1 + αh) at αh → 1
    # odd t with 1 < αh < 2 lowers the band; even t does not
    assert initreg.quadratic_displacement_band(25, max_step=2.0)[0] < initreg.quadratic_displacement_band(25)[0] - 0.2
    assert initreg.quadratic_displacement_band(10, max_step=2.0)[0] == pytest.approx(
        initreg.quadratic_displacement_band(10)[0], abs=1e-9)
    with pytest.raises(ValueError, match="max_step must be in"):
        initreg.quadratic_displacement_band(3, max_step=2.5)


def test_the_first_order_strength():
    np.testing.assert_allclose(initreg.equivalent_lambda(0.1, np.array([1, 10])), [5.0, 0.5])


@pytest.mark.parametrize("call, match", [
    (lambda: initreg.matched_lambda(2.0, 0.6, 3), r"lr·h must lie in \(0, 1\)"),
    (lambda: initreg.early_stopping_filter(1.0, 0.1, 0), "t must hold step counts"),
    (lambda: initreg.early_stopping_filter(1.0, 0.1, 2.5), "t must hold step counts"),
    (lambda: initreg.ridge_filter(1.0, -1.0), "lam must be >= 0"),
    (lambda: initreg.ridge_filter(0.0, 1.0), "h must hold curvatures > 0"),
    (lambda: initreg.descent_path(np.ones((3, 2)), np.ones(2), lr=0.1, steps=3), "same number of rows"),
    (lambda: initreg.descent_path(np.ones((3, 2)), np.ones(3), lr=0.1, steps=0), "steps must be a positive"),
    (lambda: initreg.equivalent_lambda(0.0, 3), "lr must be > 0"),
    (lambda: initreg.early_stopping_vs_ridge(*problem(), lr=5.0, steps=3), r"lr·h must lie in \(0, 1\)"),
    (lambda: initreg.matched_lambda_series(0), "order must be a positive integer"),
])
def test_bad_inputs_are_named(call, match):
    with pytest.raises(ValueError, match=match):
        call()
