"""The exact minimizers of penalized least squares (:mod:`initreg.minimizers`): the L1
minimizer against its KKT conditions and scikit-learn's Lasso, the L2 minimizer against the
ridge closed form, λ_max, the exact L1 path against LARS, and bad input."""

import numpy as np
import pytest
from sklearn.linear_model import Lasso, Ridge, lars_path

import initreg


def problem(m, p, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, p)) @ np.diag(rng.uniform(0.5, 2.0, p))
    w_true = rng.normal(size=p) * (rng.random(p) < 0.5)
    y = X @ w_true + 0.5 * rng.normal(size=m)
    return X, y


def gradient(X, y, w):
    return X.T @ (X @ w - y) / X.shape[0]


@pytest.mark.parametrize("m,p,seed", [(50, 2, 0), (80, 8, 1), (30, 60, 2), (200, 25, 3)])
@pytest.mark.parametrize("frac", [0.02, 0.2, 0.7])
def test_l1_minimizer_satisfies_kkt(m, p, seed, frac):
    X, y = problem(m, p, seed)
    lam = frac * initreg.lasso_lambda_max(X, y)
    w = initreg.regularized_minimizer(X, y, "l1", lam)
    g = gradient(X, y, w)
    nz = w != 0
    assert np.all(np.abs(g[~nz]) <= lam + 1e-8)
    np.testing.assert_allclose(g[nz], -lam * np.sign(w[nz]), atol=1e-8)
    assert initreg.kkt_violation(X, y, w, "l1", lam) <= 1e-8


@pytest.mark.parametrize("m,p,seed", [(50, 2, 0), (30, 60, 2), (200, 25, 3)])
def test_l2_minimizer_has_zero_gradient(m, p, seed):
    X, y = problem(m, p, seed)
    for lam in (1e-4, 0.1, 10.0):
        w = initreg.regularized_minimizer(X, y, "l2", lam)
        np.testing.assert_allclose(gradient(X, y, w) + 2 * lam * w, 0.0, atol=1e-10)
        assert np.all(w != 0)


@pytest.mark.parametrize("m,p,seed", [(60, 5, 4), (40, 80, 5)])
def test_against_scikit_learn(m, p, seed):
    X, y = problem(m, p, seed)
    lam = 0.1 * initreg.lasso_lambda_max(X, y)
    lasso = Lasso(alpha=lam, fit_intercept=False, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l1", lam), lasso, atol=1e-7)
    ridge = Ridge(alpha=2 * m * lam, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l2", lam), ridge, rtol=1e-9, atol=1e-12)


def test_unpenalized_is_least_squares_and_minimum_norm():
    X, y = problem(40, 4, 6)
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "none", 0.0), np.linalg.solve(X.T @ X, X.T @ y),
                               rtol=1e-10)
    Xd = np.c_[X, X[:, :1]]  # a repeated column: many minimizers
    w = initreg.regularized_minimizer(Xd, y, "none", 0.0)
    np.testing.assert_allclose(w, np.linalg.pinv(Xd) @ y, rtol=1e-8)
    assert initreg.kkt_violation(Xd, y, w, "none", 0.0) < 1e-10
    # penalty "none" ignores λ; λ = 0 with L1 or L2 is least squares too
    np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l1", 0.0), initreg.regularized_minimizer(X, y, "none", 5.0))


def test_lambda_max_zeroes_everything():
    X, y = problem(50, 6, 7)
    lmax = initreg.lasso_lambda_max(X, y)
    assert np.all(initreg.regularized_minimizer(X, y, "l1", lmax) == 0.0)
    assert np.count_nonzero(initreg.regularized_minimizer(X, y, "l1", lmax * (1 - 1e-6))) == 1


def test_objective_is_minimal_at_the_minimizer():
    X, y = problem(40, 5, 8)
    rng = np.random.default_rng(0)
    for pen in ("l1", "l2"):
        w = initreg.regularized_minimizer(X, y, pen, 0.1)
        best = initreg.regularized_objective(X, y, w, pen, 0.1)
        for _ in range(20):
            assert initreg.regularized_objective(X, y, w + 1e-3 * rng.normal(size=5), pen, 0.1) > best


@pytest.mark.parametrize("kwargs,match", [
    (dict(lam=-0.1), "lam must be >= 0"),
    (dict(lam=float("inf")), "lam must be finite"),
    (dict(lam=float("nan")), "lam must be finite"),
    (dict(penalty="lasso"), "penalty must be one of none, l1, l2"),
    (dict(y=np.ones(9)), "same number of rows"),
    (dict(X=np.ones(10)), "X must have 2 dimension"),
    (dict(y=np.ones((10, 1))), "y must have 1 dimension"),
    (dict(X=np.r_[np.full((1, 3), np.nan), np.ones((9, 3))]), "X must contain only finite"),
    (dict(y=np.r_[np.nan, np.ones(9)]), "y must contain only finite"),
    (dict(X=np.ones((10, 0))), "at least one row and one column"),
])
def test_minimizer_bad_input(kwargs, match):
    args = dict(X=np.random.default_rng(0).normal(size=(10, 3)), y=np.ones(10), penalty="l1", lam=0.1)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        initreg.regularized_minimizer(**args)


def test_minimizer_bad_types():
    with pytest.raises(TypeError, match="lam"):
        initreg.regularized_minimizer(np.ones((3, 2)), np.ones(3), "l1", "0.1")
    with pytest.raises(TypeError, match="penalty"):
        initreg.regularized_minimizer(np.ones((3, 2)), np.ones(3), None, 0.1)


# ------------------------------------------------------------------ paths

def test_regularization_path_rows_are_minimizers():
    X, y = problem(60, 6, 9)
    lams = np.geomspace(1e-3, 2.0, 12)
    for pen in ("l1", "l2"):
        W = initreg.regularization_path(X, y, pen, lams)
        for lam, w in zip(lams, W):
            assert initreg.kkt_violation(X, y, w, pen, lam) < 1e-9
    W2 = initreg.regularization_path(X, y, "l2", np.geomspace(1e-3, 1e4, 30))
    assert np.all(W2 != 0)  # L2 shrinks, never zeroes
    with pytest.raises(ValueError, match="lams"):
        initreg.regularization_path(X, y, "l1", [0.1, -0.1])


@pytest.mark.parametrize("m,p,seed", [(442, 10, None), (80, 6, 10), (25, 40, 11)])
def test_lasso_path_matches_lars_and_minimizer(m, p, seed):
    if seed is None:
        X, y = initreg.diabetes_features(("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"))
    else:
        X, y = problem(m, p, seed)
    path = initreg.lasso_path(X, y)
    alphas, _, coefs = lars_path(X, y, method="lasso")
    np.testing.assert_allclose(path.lams, alphas, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(path.coefs, coefs.T, atol=1e-9)
    assert path.lams[0] == pytest.approx(initreg.lasso_lambda_max(X, y), rel=1e-14)
    rng = np.random.default_rng(0)
    for lam in rng.uniform(0.01, 1.2, 6) * path.lams[0]:
        np.testing.assert_allclose(path.at(lam), initreg.regularized_minimizer(X, y, "l1", lam), atol=1e-9)


def test_zero_lambda_is_where_a_coordinate_stays_zero():
    X, y = problem(100, 5, 12)
    path = initreg.lasso_path(X, y)
    for j, lz in enumerate(path.zero_lambda):
        if lz == 0:
            continue
        above = initreg.regularized_minimizer(X, y, "l1", lz * (1 + 1e-9))
        below = initreg.regularized_minimizer(X, y, "l1", lz * (1 - 1e-6))
        assert above[j] == 0.0 and below[j] != 0.0


def test_lasso_path_with_a_repeated_column_is_still_optimal():
    X, y = problem(40, 3, 13)
    Xd = np.c_[X, X[:, 0]]  # the minimizer is not unique; the path must still be one of them
    path = initreg.lasso_path(Xd, y)
    for lam, w in zip(path.lams, path.coefs):
        assert initreg.kkt_violation(Xd, y, w, "l1", lam) < 1e-10


# ------------------------------------------------------------------ closed forms

def _standardized(rng, m, p, mix=0.5):
    X = rng.normal(size=(m, p))
    X[:, 1:] += mix * X[:, :1]  # correlated columns
    X = (X - X.mean(0)) / X.std(0)
    y = X @ rng.normal(size=p) + 0.5 * rng.normal(size=m)
    return X, (y - y.mean()) / y.std()


def _decorrelated(seed=0, m=60):
    """Two exactly uncorrelated standardized columns (G = I)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))
    X -= X.mean(0)
    X[:, 1] -= X[:, 0] * (X[:, 0] @ X[:, 1]) / (X[:, 0] @ X[:, 0])  # Gram–Schmidt: centred, orthogonal
    X /= X.std(0)
    y = X @ np.array([0.8, -0.3]) + 0.2 * rng.normal(size=m)
    return X, y


def test_orthogonal_design_gives_the_closed_forms():
    """With XᵀX/m = I the minimizers are S(c, λ) (L1) and c/(1 + 2λ) (L2): the article's λ, not λ/2."""
    X, y = _decorrelated()
    m = X.shape[0]
    np.testing.assert_allclose(X.T @ X / m, np.eye(2), atol=1e-13)
    c = X.T @ y / m
    for lam in (0.05, 0.2, abs(c[1]) * 1.5):
        np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l1", lam),
                                   np.sign(c) * np.maximum(np.abs(c) - lam, 0.0), atol=1e-12)
        np.testing.assert_allclose(initreg.regularized_minimizer(X, y, "l2", lam), c / (1 + 2 * lam), atol=1e-12)
    np.testing.assert_allclose(initreg.lasso_path(X, y).zero_lambda, np.abs(c), atol=1e-12)


def test_l2_minimizer_is_the_ridge_closed_form_and_kkt_refuses_half_lambda():
    rng = np.random.default_rng(3)
    X, y = _standardized(rng, 50, 4)
    m = X.shape[0]
    lam = 0.3
    w = initreg.regularized_minimizer(X, y, "l2", lam)
    np.testing.assert_allclose(w, np.linalg.solve(X.T @ X + 2 * m * lam * np.eye(4), X.T @ y), rtol=1e-12)
    w_half = np.linalg.solve(X.T @ X / m + lam * np.eye(4), X.T @ y / m)  # the (λ/2)‖w‖² minimizer
    assert initreg.kkt_violation(X, y, w, "l2", lam) < 1e-13
    assert initreg.kkt_violation(X, y, w_half, "l2", lam) > 1e-3
    assert initreg.regularized_objective(X, y, w, "l2", lam) < initreg.regularized_objective(X, y, w_half, "l2", lam)


def test_lasso_lambda_max_is_the_infinity_norm():
    rng = np.random.default_rng(4)
    X, y = _standardized(rng, 40, 5)
    c = X.T @ y / X.shape[0]
    lmax = initreg.lasso_lambda_max(X, y)
    assert lmax == pytest.approx(np.abs(c).max(), rel=1e-14)
    assert lmax < np.linalg.norm(c)  # not the 2-norm
    assert np.all(initreg.regularized_minimizer(X, y, "l1", lmax) == 0.0)
    assert np.count_nonzero(initreg.regularized_minimizer(X, y, "l1", lmax * (1 - 1e-6))) == 1
