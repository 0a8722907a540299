"""The penalties as priors: the SymPy derivation (initreg.derivations.priors), the numerical
MAP estimates, the Bayes risk and the posterior grid (initreg.bayes), the per-example L2
conventions, and the views chapter's figure of the posterior."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import stats

import initreg

S = initreg.PRIOR_SYMBOLS


@pytest.fixture(scope="module")
def diabetes2():
    X, y = initreg.diabetes_features(("bmi", "bp"))
    return X, y, math.sqrt(initreg.noise_variance(X, y))


# ------------------------------------------------------------------------ the derivation
def test_the_derivation_gives_the_closed_forms():
    g, l = initreg.map_derivation("gaussian"), initreg.map_derivation("laplace")
    assert sp.simplify(g.strength - S.sigma**2 / (2 * S.m * S.tau**2)) == 0
    assert sp.simplify(g.scale**2 - S.sigma**2 / (2 * S.m * S.lam)) == 0
    assert sp.simplify(l.strength - S.sigma**2 / (S.m * S.b)) == 0
    assert sp.simplify(l.scale - S.sigma**2 / (S.m * S.lam)) == 0
    assert sp.simplify(l.variance - 2 * l.scale**2) == 0
    for d in (g, l):
        assert sp.simplify(d.objective - (S.J + d.strength * d.penalty_sum + d.constant)) == 0
        assert not any(d.constant.has(s) for s in (S.J, S.S1, S.S2))
    assert (g.penalty, l.penalty) == ("l2", "l1")


def test_the_derivation_terms_are_scipys_log_densities():
    """The SymPy sums, evaluated on random numbers, equal scipy's log densities summed."""
    rng = np.random.default_rng(3)
    r, w = rng.normal(size=31), rng.normal(size=5)
    sigma, tau, b = 1.3, 0.6, 0.25
    subs = {S.m: r.size, S.p: w.size, S.sigma: sigma, S.J: float(r @ r) / (2 * r.size), S.S2: float(w @ w),
            S.S1: float(np.abs(w).sum()), S.tau: tau, S.b: b}
    g, l = initreg.map_derivation("gaussian"), initreg.map_derivation("laplace")
    assert float(g.neg_log_likelihood.subs(subs)) == pytest.approx(-stats.norm.logpdf(r, scale=sigma).sum(), rel=1e-12)
    assert float(g.neg_log_prior.subs(subs)) == pytest.approx(-stats.norm.logpdf(w, scale=tau).sum(), rel=1e-12)
    assert float(l.neg_log_prior.subs(subs)) == pytest.approx(-stats.laplace.logpdf(w, scale=b).sum(), rel=1e-12)


def test_prior_scale_and_strength_are_inverse_and_match_the_formulas():
    for prior in initreg.PRIORS:
        for lam in (1e-3, 0.2, 5.0):
            s = initreg.prior_scale(prior, lam, m=50, sigma=0.7)
            assert initreg.prior_strength(prior, s, m=50, sigma=0.7) == pytest.approx(lam, rel=1e-12)
    assert initreg.prior_scale("gaussian", 0.1, m=50, sigma=0.7) == pytest.approx(0.7 / math.sqrt(2 * 50 * 0.1))
    assert initreg.prior_scale("laplace", 0.1, m=50, sigma=0.7) == pytest.approx(0.49 / (50 * 0.1))


# -------------------------------------------------------------------- the MAP estimates
@pytest.mark.parametrize("lam", [0.01, 0.2, 0.47])
def test_the_map_estimate_is_the_penalized_minimizer(diabetes2, lam):
    X, y, sigma = diabetes2
    for prior, penalty in initreg.PRIORS.items():
        scale = initreg.prior_scale(prior, lam, m=len(y), sigma=sigma)
        w_map = initreg.map_estimate(X, y, prior, scale=scale, sigma=sigma)
        w_pen = initreg.regularized_minimizer(X, y, penalty, lam)
        np.testing.assert_allclose(w_map, w_pen, atol=1e-6)
        np.testing.assert_array_equal(w_map == 0, w_pen == 0)


def test_a_wrong_prior_width_is_not_the_minimizer(diabetes2):
    """The check can fail: the prior of σ²/(2λ) (the m forgotten) gives another estimate."""
    X, y, sigma = diabetes2
    wrong = sigma / math.sqrt(2 * 0.2)
    w_map = initreg.map_estimate(X, y, "gaussian", scale=wrong, sigma=sigma)
    assert np.max(np.abs(w_map - initreg.regularized_minimizer(X, y, "l2", 0.2))) > 0.01


def test_log_posterior_is_the_sum_of_scipys_densities(diabetes2):
    X, y, sigma = diabetes2
    w = np.array([0.3, -0.1])
    expect = stats.norm.logpdf(y, X @ w, sigma).sum() + stats.laplace.logpdf(w, scale=0.2).sum()
    assert initreg.log_posterior(w, X, y, "laplace", scale=0.2, sigma=sigma) == pytest.approx(expect, rel=1e-13)


def test_noise_variance_is_the_unbiased_estimate():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(4000, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.normal(0.0, 0.5, size=4000)
    assert initreg.noise_variance(X, y) == pytest.approx(0.25, rel=0.05)


# ------------------------------------------------------------------------ the Bayes risk
def test_the_bayes_risk_is_smallest_at_the_derived_strength(diabetes2):
    X, y, _ = diabetes2
    risk = initreg.bayes_risk(X, tau=0.05, sigma=1.0, ratios=[0.25, 0.5, 1.0, 2.0, 4.0], draws=3000,
                              rng=np.random.default_rng(0))
    assert risk.ratios[risk.best_index] == 1.0
    assert risk.lam_star == pytest.approx(1.0 / (2 * len(y) * 0.05**2))
    z = risk.excess_z()
    assert z[2] == 0 and min(z[1], z[3]) > 3


def test_bayes_risk_errors_match_a_direct_ridge_solve():
    X = np.random.default_rng(2).normal(size=(30, 4))
    risk = initreg.bayes_risk(X, tau=0.3, sigma=0.5, ratios=[1.0, 3.0], draws=5, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)  # the same draws, by hand
    W = rng.normal(0.0, 0.3, size=(5, 4))
    Y = W @ X.T + rng.normal(0.0, 0.5, size=(5, 30))
    for i, ratio in enumerate(risk.ratios):
        for k in range(5):
            w_hat = initreg.regularized_minimizer(X, Y[k], "l2", ratio * risk.lam_star)
            assert risk.errors[k, i] == pytest.approx(float(np.sum((w_hat - W[k]) ** 2)), rel=1e-9)


# --------------------------------------------------------------------- the posterior grid
def test_the_gaussian_posterior_mean_is_the_closed_form(diabetes2):
    X, y, sigma = diabetes2
    tau = 0.05
    g = initreg.posterior_grid(X, y, "gaussian", scale=tau, sigma=sigma, n_grid=301)
    A = X.T @ X / sigma**2 + np.eye(2) / tau**2
    np.testing.assert_allclose(g.mean, np.linalg.solve(A, X.T @ y / sigma**2), atol=1e-7)
    np.testing.assert_allclose(g.density.sum(), 1.0)


def test_the_laplace_posterior_mean_is_not_sparse(diabetes2):
    X, y, sigma = diabetes2
    b = initreg.prior_scale("laplace", 0.47, m=len(y), sigma=sigma)
    g = initreg.posterior_grid(X, y, "laplace", scale=b, sigma=sigma)
    assert g.map[1] == 0.0 and g.mean[1] > 0.005
    # the same mean by adaptive quadrature (scipy's dblquad), each sign quadrant apart so that
    # the integrand is smooth on each piece
    from scipy.integrate import dblquad

    G, c = X.T @ X, X.T @ y
    shift = -(float(y @ y) - 2 * g.map @ c + g.map @ G @ g.map) / (2 * sigma**2) + np.abs(g.map).sum() / b

    def dens(w2, w1):
        w = np.array([w1, w2])
        return math.exp(-(float(y @ y) - 2 * w @ c + w @ G @ w) / (2 * sigma**2) - np.abs(w).sum() / b + shift)

    lo1, hi1, lo2, hi2 = g.w1[0], g.w1[-1], g.w2[0], g.w2[-1]
    cuts1 = [lo1] + [0.0] * int(lo1 < 0 < hi1) + [hi1]
    cuts2 = [lo2] + [0.0] * int(lo2 < 0 < hi2) + [hi2]
    tot = m1 = m2 = 0.0
    for a1, b1 in zip(cuts1[:-1], cuts1[1:]):
        for a2, b2 in zip(cuts2[:-1], cuts2[1:]):
            kw = dict(epsabs=0, epsrel=1e-9)
            tot += dblquad(dens, a1, b1, a2, b2, **kw)[0]
            m1 += dblquad(lambda w2, w1: w1 * dens(w2, w1), a1, b1, a2, b2, **kw)[0]
            m2 += dblquad(lambda w2, w1: w2 * dens(w2, w1), a1, b1, a2, b2, **kw)[0]
    np.testing.assert_allclose(g.mean, [m1 / tot, m2 / tot], rtol=2e-2)


# ------------------------------------------------------------ the per-example conventions
def test_ng_and_summed_conventions_give_the_articles_minimizer():
    from scipy.optimize import minimize

    X, y = initreg.diabetes_features(("age", "bmi", "bp", "s5"))
    m, lam = len(y), 0.03
    target = initreg.regularized_minimizer(X, y, "l2", lam)
    ng = initreg.convert_l2_strength(lam, source="article", target="ng", m=m)
    summed = initreg.convert_l2_strength(lam, source="article", target="summed", m=m)
    assert ng == pytest.approx(2 * m * lam) and summed == pytest.approx(2 * m * lam)
    cost_ng = lambda w: np.sum((X @ w - y) ** 2) / (2 * m) + ng / (2 * m) * np.sum(w**2)  # noqa: E731
    cost_sum = lambda w: 0.5 * np.sum((X @ w - y) ** 2) + 0.5 * summed * np.sum(w**2)  # noqa: E731
    for cost in (cost_ng, cost_sum):
        res = minimize(cost, np.zeros(4), method="BFGS", options={"gtol": 1e-10})
        np.testing.assert_allclose(res.x, target, atol=1e-6)
    assert initreg.convert_l2_strength(ng, source="ng", target="pytorch", m=m) == pytest.approx(2 * lam)


def test_per_example_coefficients_are_lambda_over_m():
    m = sp.Symbol("m", positive=True, integer=True)
    lam = initreg.SYMBOLS["lambda"]
    assert {k: sp.simplify(v - lam / m) for k, v in initreg.l2_per_example_coefficients().items()} == \
        {"ng": 0, "summed": 0}


def test_the_old_conventions_still_convert_without_m():
    assert initreg.convert_l2_strength(1e-3, source="pytorch", target="article") == pytest.approx(5e-4)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("call, word", [
    (lambda: initreg.map_derivation("cauchy"), "prior"),
    (lambda: initreg.prior_scale("gaussian", 0.0, m=10, sigma=1.0), "lam"),
    (lambda: initreg.prior_scale("gaussian", 0.1, m=0, sigma=1.0), "m"),
    (lambda: initreg.prior_scale("gaussian", 0.1, m=10, sigma=-1.0), "sigma"),
    (lambda: initreg.prior_strength("laplace", float("nan"), m=10, sigma=1.0), "scale"),
    (lambda: initreg.noise_variance(np.ones((2, 3)), np.ones(2)), "X"),
    (lambda: initreg.noise_variance(np.ones((4, 2)), np.ones(3)), "rows"),
    (lambda: initreg.log_posterior(np.zeros(3), np.ones((4, 2)), np.ones(4), "gaussian", scale=1, sigma=1), "w"),
    (lambda: initreg.map_estimate(np.ones((4, 2)), np.ones(4), "gaussian", scale=1, sigma=1, start=np.zeros(3)),
     "start"),
    (lambda: initreg.bayes_risk(np.ones((4, 2)), tau=1, sigma=1, ratios=[], draws=2, rng=np.random.default_rng()),
     "ratios"),
    (lambda: initreg.bayes_risk(np.ones((4, 2)), tau=1, sigma=1, ratios=[1], draws=2, rng=1), "rng"),
    (lambda: initreg.bayes_risk(np.ones((0, 2)), tau=1, sigma=1, ratios=[1], draws=2, rng=np.random.default_rng()),
     "X"),
    (lambda: initreg.posterior_grid(np.ones((4, 3)), np.ones(4), "gaussian", scale=1, sigma=1), "columns"),
    (lambda: initreg.posterior_grid(np.eye(4)[:, :2], np.ones(4), "gaussian", scale=1, sigma=1, n_grid=2), "n_grid"),
    (lambda: initreg.convert_l2_strength(0.1, source="ng", target="article"), "m="),
    (lambda: initreg.convert_l2_strength(0.1, source="ng", target="article", m=0), "m"),
    (lambda: initreg.convert_l2_strength(0.1, source="andrew", target="article", m=5), "source"),
    # m is validated whenever it is passed, even between conventions that do not use it
    (lambda: initreg.convert_l2_strength(0.1, source="article", target="pytorch", m=-5), "m"),
    (lambda: initreg.convert_l2_strength(0.1, source="article", target="pytorch", m="abc"), "m"),
    (lambda: initreg.convert_l2_strength(0.1, source="ng", target="article", m=2.5), "m"),
])
def test_bad_input_names_the_parameter(call, word):
    with pytest.raises((ValueError, TypeError), match=word):
        call()


# ------------------------------------------------------------------------------- figure
def test_the_posterior_figure_draws(diabetes2):
    X, y, sigma = diabetes2
    grids = {p: initreg.posterior_grid(X, y, p, scale=initreg.prior_scale(p, 0.47, m=len(y), sigma=sigma),
                                       sigma=sigma, n_grid=101) for p in initreg.PRIORS}
    mins = {p: initreg.regularized_minimizer(X, y, pen, 0.47) for p, pen in initreg.PRIORS.items()}
    fig = initreg.plot_posteriors(grids, mins, names=("bmi", "bp"))
    assert [p.name for p in fig.panels] == ["gaussian", "laplace"] and fig.check() == 2
    with pytest.raises(ValueError, match="gaussian and laplace"):
        initreg.plot_posteriors({"gaussian": grids["gaussian"]}, mins)
