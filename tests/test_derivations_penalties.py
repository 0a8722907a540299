"""The SymPy derivations of Part II agree with the numerical rules of initreg.penalties."""

import numpy as np
import pytest
import sympy as sp

import initreg

S = initreg.SYMBOLS
w, alpha, lam, g = S["w"], S["alpha"], S["lambda"], S["g"]


def test_penalty_derivatives():
    d = initreg.penalty_derivatives()
    assert sp.simplify(d["l1"] - lam * sp.sign(w)) == 0
    assert sp.simplify(d["l2"] - 2 * lam * w) == 0


def test_subdifferential_of_abs_at_zero():
    assert initreg.abs_subdifferential_at_zero() == sp.Interval(-1, 1)
    u = np.linspace(-3, 3, 601)
    for gval in np.linspace(-1, 1, 21):  # every g in [-1, 1] is a subgradient: |u| >= g*u
        assert np.all(np.abs(u) >= gval * u)
    assert np.any(np.abs(u) < 1.1 * u)  # and 1.1 is not


def test_update_rules_have_the_article_form():
    rules = initreg.update_rules()
    assert sp.simplify(rules["l1"] - (w - alpha * lam * sp.sign(w) - alpha * g)) == 0
    assert sp.simplify(rules["l2"] - (w - 2 * alpha * lam * w - alpha * g)) == 0
    decay = initreg.weight_decay_form()
    assert sp.simplify(decay.coeff(w) - (1 - 2 * alpha * lam)) == 0


@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4)])
@pytest.mark.parametrize("seed", [0, 1])
def test_lambdified_rules_equal_initreg_rules(shape, seed):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=shape)
    W.flat[0] = 0.0
    G = rng.normal(size=shape)
    a, l = rng.uniform(0.01, 1.0), rng.uniform(0.0, 2.0)
    rules = initreg.update_rules()
    for name, fn in (("l1", initreg.l1_update), ("l2", initreg.l2_update)):
        f = sp.lambdify((w, g, alpha, lam), rules[name], "numpy")
        np.testing.assert_allclose(f(W, G, a, l), fn(W, G, a, l), rtol=1e-14, atol=1e-15)


def test_convention_factors_match_the_table():
    coeffs = initreg.l2_decay_coefficients()
    for name, (_, kappa) in initreg.L2_CONVENTIONS.items():
        assert sp.simplify(coeffs[name] - kappa * lam) == 0, name
    assert initreg.l2_conversion_factor("pytorch", "article") == sp.Rational(1, 2)
    assert initreg.l2_conversion_factor("article", "d2l") == 2
    for a in initreg.L2_CONVENTIONS:
        for b in initreg.L2_CONVENTIONS:
            assert float(initreg.l2_conversion_factor(a, b)) == pytest.approx(
                initreg.convert_l2_strength(1.0, source=a, target=b))
    with pytest.raises(ValueError, match="source"):
        initreg.l2_conversion_factor("caffe", "article")


def test_soft_threshold_derivation():
    expr = initreg.soft_threshold_derivation()
    z, t = sorted(expr.free_symbols, key=lambda s: s.name)[::-1]  # z, t
    f = sp.lambdify((z, t), expr, "numpy")
    for zv in np.linspace(-3, 3, 61):
        for tv in (0.0, 0.5, 1.7):
            assert float(f(zv, tv)) == pytest.approx(float(initreg.soft_threshold(np.array(zv), tv)), abs=1e-15)


def test_l2_proximal_step():
    step = initreg.l2_proximal_step()
    assert sp.simplify(step - (w - alpha * g) / (1 + 2 * alpha * lam)) == 0
    # it minimizes ½(v − u)² + αλv² numerically, and is what Penalty.prox does
    rng = np.random.default_rng(0)
    W, G = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    f = sp.lambdify((w, g, alpha, lam), step, "numpy")
    for a_, l_ in [(0.1, 0.5), (1.0, 3.0)]:
        out = f(W, G, a_, l_)
        U = W - a_ * G
        obj = lambda V: 0.5 * (V - U) ** 2 + a_ * l_ * V**2  # noqa: E731
        assert np.all(obj(out) <= obj(out + 1e-4)) and np.all(obj(out) <= obj(out - 1e-4))
        V = U.copy()
        initreg.Penalty("l2", l_).prox(V, a_)
        np.testing.assert_allclose(V, out, rtol=1e-14)
    # it differs from the gradient step at second order in α
    gap = sp.series(step - initreg.update_rules()["l2"], alpha, 0, 3).removeO()
    assert sp.simplify(gap - alpha**2 * (2 * lam * g + 4 * lam**2 * w)) == 0


def test_two_feature_zero_matches_the_path():
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(20):
        X = rng.normal(size=(60, 2)) @ np.array([[1.0, 0.4], [0.0, 1.0]])
        y = X @ rng.normal(size=2) + rng.normal(size=60)
        path = initreg.lasso_path(X, y)
        if len(path.lams) != 3:  # both enter, none leaves: the two-segment case of the formula
            continue
        hits += 1
        G, c = X.T @ X / 60, X.T @ y / 60
        w_ols = np.linalg.solve(G, c)
        second = path.events[1] - 1  # the coordinate that entered second reaches 0 first
        expr = initreg.lasso_two_feature_zero(second + 1)
        vals = {sp.Symbol("G11", real=True): G[0, 0], sp.Symbol("G12", real=True): G[0, 1],
                sp.Symbol("G22", real=True): G[1, 1], sp.Symbol("c1", real=True): c[0], sp.Symbol("c2", real=True): c[1],
                sp.Symbol("s1", real=True): np.sign(w_ols[0]), sp.Symbol("s2", real=True): np.sign(w_ols[1])}
        assert float(expr.subs(vals)) == pytest.approx(path.lams[1], rel=1e-10)
        assert path.zero_lambda[second] == pytest.approx(path.lams[1], rel=1e-12)
    assert hits >= 5
    with pytest.raises(ValueError, match="k must be 1 or 2"):
        initreg.lasso_two_feature_zero(3)


def test_lasso_coordinate_is_1_or_2_not_a_bool():
    with pytest.raises(ValueError, match="k must be 1 or 2"):
        initreg.lasso_two_feature_zero(True)
