"""Two-parameter landscapes: the test functions' known minima, exact gradients, penalized
minimizers that satisfy their optimality conditions, and the interactive figure."""

import numpy as np
import pytest

import initreg
from initreg.explorable import FIGURES

TESTS = initreg.LANDSCAPES[1:]


@pytest.mark.parametrize("name", TESTS)
def test_known_minima(name):
    land = initreg.landscape(name)
    for m in land.minima:
        assert float(land.f(*m)) == pytest.approx(land.min_value, abs=1e-6 * max(1.0, abs(land.min_value)))
        assert np.max(np.abs(land.grad(*m))) < 1e-3
    (a, b), (c, d) = land.domain
    g1, g2, z = initreg.penalized_grid(land, "none", 0.0)
    assert z.min() >= land.min_value - 1e-9  # no grid point beats the known minimum


@pytest.mark.parametrize("name", TESTS)
def test_numerical_minimum_finds_the_known_one(name):
    land = initreg.landscape(name)
    mn = initreg.penalized_minimum(name, "none", 0.0)
    assert mn.objective == pytest.approx(land.min_value, abs=1e-8)
    assert min(np.hypot(*(mn.w - np.asarray(m))) for m in land.minima) < 1e-4


@pytest.mark.parametrize("name", TESTS)
def test_gradient_is_exact(name):
    land = initreg.landscape(name)
    rng = np.random.default_rng(0)
    (a, b), (c, d) = land.domain
    h = 1e-6
    for _ in range(5):
        x, y = rng.uniform(a, b), rng.uniform(c, d)
        num = [(land.f(x + h, y) - land.f(x - h, y)) / (2 * h), (land.f(x, y + h) - land.f(x, y - h)) / (2 * h)]
        np.testing.assert_allclose(land.grad(x, y), num, rtol=1e-5, atol=1e-4)
        f, g = land.value_and_grad(x, y)
        assert f == pytest.approx(float(land.f(x, y)), rel=1e-12)
        np.testing.assert_allclose(g, land.grad(x, y), rtol=1e-12)


def interior(land, w, tol=1e-6):
    (a, b), (c, d) = land.domain
    return a + tol < w[0] < b - tol and c + tol < w[1] < d - tol


@pytest.mark.parametrize("name", TESTS)
@pytest.mark.parametrize("rel", [0.1, 1.0])
def test_penalized_minimizers_satisfy_optimality(name, rel):
    land = initreg.landscape(name)
    lam = rel * land.lam0
    l2 = initreg.penalized_minimum(name, "l2", lam)
    if interior(land, l2.w):
        np.testing.assert_allclose(land.grad(*l2.w) + 2 * lam * l2.w, 0.0, atol=1e-5 * max(1.0, lam))
    l1 = initreg.penalized_minimum(name, "l1", lam)
    g = land.grad(*l1.w)
    if interior(land, l1.w):
        for j in range(2):
            if l1.w[j] == 0.0:
                assert abs(g[j]) <= lam * (1 + 1e-6)
            else:
                assert g[j] + lam * np.sign(l1.w[j]) == pytest.approx(0.0, abs=1e-5 * max(1.0, lam))
    # the penalty never makes the minimizer's penalty larger than at the unpenalized minimum
    free = initreg.penalized_minimum(name, "none", 0.0)
    assert np.abs(l1.w).sum() <= np.abs(free.w).sum() + 1e-9
    assert l2.w @ l2.w <= free.w @ free.w + 1e-9


def test_origin_minima_do_not_move():
    for name in ("matyas", "rastrigin"):
        for pen in ("l1", "l2"):
            assert np.all(np.abs(initreg.penalized_minimum(name, pen, 5.0).w) < 1e-8)


def test_least_squares_landscape_is_exact():
    X, y = initreg.diabetes_features(("bmi", "bp"))
    np.testing.assert_allclose(X.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(X.std(0), 1.0, rtol=1e-12)
    land = initreg.landscape("least_squares")
    assert land.lam0 == pytest.approx(initreg.lasso_lambda_max(X, y), rel=1e-14)
    w = np.array([0.3, -0.2])
    assert float(land.f(*w)) == pytest.approx(initreg.regularized_objective(X, y, w, "none", 0.0), rel=1e-12)
    for pen in ("l1", "l2"):
        mn = initreg.penalized_minimum("least_squares", pen, 0.2)
        np.testing.assert_allclose(mn.w, initreg.regularized_minimizer(X, y, pen, 0.2), rtol=1e-14)
    lams, W = initreg.landscape_path("least_squares", "l1")
    assert np.all(W[lams >= land.lam0] == 0.0) and np.all(W[lams < land.lam0 * 0.5] != 0.0)
    lams, W = initreg.landscape_path("least_squares", "l2")
    assert np.all(W != 0.0)


def test_landscape_bad_input():
    with pytest.raises(ValueError, match="himmelblau"):
        initreg.landscape("himmelblau2")
    with pytest.raises(ValueError, match="none, l1, l2"):
        initreg.penalized_grid("matyas", "l3", 0.1)
    with pytest.raises(ValueError, match="lam"):
        initreg.penalized_minimum("matyas", "l1", -1.0)
    with pytest.raises(ValueError, match="bmi"):
        initreg.diabetes_features(("bmi", "weight"))
    with pytest.raises(ValueError, match="2 columns"):
        initreg.least_squares_landscape(np.ones((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="l1, l2"):
        initreg.landscape_path("matyas", "none")


def test_custom_least_squares_landscape():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = X @ np.array([1.0, -2.0]) + 0.1 * rng.normal(size=30)
    land = initreg.least_squares_landscape(X, y, name="mine")
    mn = initreg.penalized_minimum(land, "l1", 0.5)
    np.testing.assert_allclose(mn.w, initreg.regularized_minimizer(X, y, "l1", 0.5))
    (a, b), (c, d) = land.domain
    assert a < 0 < b and c < 0 < d and a < land.minima[0][0] < b and c < land.minima[0][1] < d


def test_explorer_is_registered_and_light():
    ex = FIGURES["landscape_explorer"]()
    assert ex.n_frames <= 120
    assert ex.retained


def test_explorer_contours_are_those_of_ax_contour():
    """The live figure's kept contour collection shows exactly the lines ``ax.contour`` draws."""
    from initreg.landscapes import _contour_paths, _levels
    from initreg.figures.style import new_figure

    for name, pen in (("least_squares", "l1"), ("himmelblau", "l2")):
        land = initreg.landscape(name)
        lam = 0.3 * land.lam0
        zmin = initreg.penalized_minimum(name, pen, lam).objective
        g1, g2, z = initreg.penalized_grid(name, pen, lam)
        _, axes = new_figure()
        cs = axes[0, 0].contour(g1[::2, ::2], g2[::2, ::2], z[::2, ::2], levels=_levels(z, zmin, 10))
        ours = _contour_paths(name, pen, lam, zmin, 10, 2)
        assert len(ours) == len(cs.get_paths()) == 10
        for p, q in zip(ours, cs.get_paths()):
            np.testing.assert_array_equal(p.vertices, q.vertices)
            np.testing.assert_array_equal(p.codes, q.codes)


def test_explorer_frame_is_drawn_from_its_values_alone():
    """A frame drawn after others equals the same frame in a new figure (the penalties' colours,
    the function's box and ticks, the autoscaled coordinates, the titles)."""
    ex = FIGURES["landscape_explorer"]()
    cv = ex.canvas()
    frames = [dict(name="himmelblau", penalty="l1", rel_lam=1.0),
              dict(name="matyas", penalty="l2", rel_lam=0.1),  # every coordinate 0: a symmetric w axis
              dict(name="least_squares", penalty="l2", rel_lam=0.1)]
    for vals in frames:
        cv.show(**vals)
        fresh = ex.canvas()
        fresh.show(**vals)
        assert np.array_equal(cv.pixels(), fresh.pixels()), vals
    ax, bx = cv.state["ax"], cv.state["bx"]
    mn = initreg.penalized_minimum("least_squares", "l2", 0.1 * initreg.landscape("least_squares").lam0)
    assert bx.get_title() == f"λ = {mn.lam:.3g}: minimizer w = ({mn.w[0]:.3g}, {mn.w[1]:.3g})"
    assert ax.get_title() == "least squares: f + L2"
    assert ax.get_xlim() == initreg.landscape("least_squares").domain[0]


@pytest.mark.parametrize("name", initreg.LANDSCAPES)
def test_kkt_violation_certifies_the_minimizers(name):
    land = initreg.landscape(name)
    for pen in ("none", "l1", "l2"):
        lam = 0.0 if pen == "none" else 0.3 * land.lam0
        mn = initreg.penalized_minimum(name, pen, lam)
        assert initreg.landscape_kkt_violation(name, pen, lam, mn.w) < 1e-6 * max(1.0, land.lam0)
    # a point that is not a minimizer violates the conditions by a gradient-sized amount
    (a, b), (c, d) = land.domain
    probe = np.array([a + 0.37 * (b - a), c + 0.61 * (d - c)])
    assert initreg.landscape_kkt_violation(name, "l2", 0.3 * land.lam0, probe) > 1e-3
    with pytest.raises(ValueError, match="two coordinates"):
        initreg.landscape_kkt_violation(name, "l1", 1.0, np.zeros(3))


# ------------------------------------------------- exact least-squares minimizers and paths


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


def test_lasso_two_feature_zero_is_the_textbook_closed_form():
    import sympy as sp

    g11, g12, g22, c1, c2, s1, s2 = sp.symbols("G11 G12 G22 c1 c2 s1 s2", real=True)
    assert sp.simplify(initreg.lasso_two_feature_zero(2) - (g11 * c2 - g12 * c1) / (g11 * s2 - g12 * s1)) == 0
    assert sp.simplify(initreg.lasso_two_feature_zero(1) - (g22 * c1 - g12 * c2) / (g22 * s1 - g12 * s2)) == 0
    # and numerically: the knot of the exact path on the two diabetes inputs
    X, y = initreg.diabetes_features(("bmi", "bp"))
    m = X.shape[0]
    G, c = X.T @ X / m, X.T @ y / m
    vals = {sp.Symbol(k, real=True): v for k, v in dict(G11=G[0, 0], G12=G[0, 1], G22=G[1, 1], c1=c[0],
                                                         c2=c[1], s1=1.0, s2=1.0).items()}
    assert float(initreg.lasso_two_feature_zero(2).subs(vals)) == pytest.approx(initreg.lasso_path(X, y).lams[1],
                                                                               rel=1e-12)
    assert initreg.lasso_two_feature_zero(np.int64(2)) == initreg.lasso_two_feature_zero(2)
    for bad in (0, 3, True, 1.0, "2"):
        with pytest.raises(ValueError, match="k must be 1 or 2"):
            initreg.lasso_two_feature_zero(bad)


def _brute_zeros(X, y, j, lo=1e-6, hi=1e4, n=40001):
    """The zeros of w_j(λ) = [(G + 2λI)⁻¹c]_j on [lo, hi], by sign changes on a fine grid and brentq."""
    from scipy.optimize import brentq

    m, p = X.shape
    G, c = X.T @ X / m, X.T @ y / m

    def wj(lam):
        return np.linalg.solve(G + 2 * lam * np.eye(p), c)[j]

    lams = np.geomspace(lo, hi, n)
    vals = np.array([wj(t) for t in lams])
    idx = np.flatnonzero(np.sign(vals[1:]) != np.sign(vals[:-1]))
    return np.array([brentq(wj, lams[i], lams[i + 1], xtol=1e-15, rtol=1e-13) for i in idx])


def test_ridge_zeros_two_inputs_closed_form():
    """Two standardized inputs: w₂ ∝ (1 + 2λ)c₂ − ρc₁ is 0 at λ = (ρc₁/c₂ − 1)/2 when that is positive."""
    rng = np.random.default_rng(5)
    z = rng.normal(size=(200, 2))
    X = np.c_[z[:, 0], 0.8 * z[:, 0] + 0.6 * z[:, 1]]
    y = 2.0 * X[:, 0] - 0.7 * X[:, 1] + 0.3 * rng.normal(size=200)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    m = X.shape[0]
    rho = X[:, 0] @ X[:, 1] / m
    c = X.T @ y / m
    assert c[1] > 0 and rho * c[0] / c[1] > 1  # the OLS weight of input 2 is negative, its correlation positive
    rz = initreg.ridge_zeros(X, y)
    assert rz.counts.tolist() == [0, 1] and rz.total == 1 and rz.degrees == (1, 1)
    assert rz.lams[1][0] == pytest.approx((rho * c[0] / c[1] - 1) / 2, rel=1e-12)
    assert rz.multiplicities == ((), (1,))
    assert "1 zeros" in repr(rz)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ridge_zeros_match_sign_changes_of_the_path(seed):
    rng = np.random.default_rng(seed)
    X, y = _standardized(rng, 30, 6, mix=1.5)
    rz = initreg.ridge_zeros(X, y)
    assert all(d <= X.shape[1] - 1 for d in rz.degrees)
    for j in range(X.shape[1]):
        brute = _brute_zeros(X, y, j)
        np.testing.assert_allclose(rz.lams[j], brute, rtol=1e-9)
        for lam in rz.lams[j]:  # an isolated zero: non-zero with opposite signs on both sides
            w = initreg.regularization_path(X, y, "l2", [lam * (1 - 1e-6), lam * (1 + 1e-6)])[:, j]
            assert w[0] * w[1] < 0


def test_ridge_zeros_of_the_ten_diabetes_inputs():
    names = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
    X, y = initreg.diabetes_features(names)
    rz = initreg.ridge_zeros(X, y)
    assert rz.counts.tolist() == [1, 1, 0, 0, 1, 2, 1, 0, 0, 0]
    for j in range(10):
        np.testing.assert_allclose(rz.lams[j], _brute_zeros(X, y, j, n=20001), rtol=1e-9)


def test_ridge_zeros_bad_input():
    with pytest.raises(ValueError, match="rows"):
        initreg.ridge_zeros(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="every λ"):
        initreg.ridge_zeros(np.eye(3)[:, :2], np.array([0.0, 0.0, 1.0]))
    with pytest.raises(TypeError):
        initreg.ridge_zeros("X", np.ones(3))


def test_orientation_sweep_is_the_rotated_closed_form():
    X, y = initreg.diabetes_features(("bmi", "bp"))
    m = X.shape[0]
    G = X.T @ X / m
    w0 = np.linalg.solve(G, X.T @ y / m)
    lam = 0.2
    angles, W = initreg.orientation_sweep(X, y, "l2", lam, n_angles=12)
    np.testing.assert_allclose(angles, np.pi * np.arange(12) / 12)
    for phi, w in zip(angles, W):
        R = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
        Gp = R @ G @ R.T
        np.testing.assert_allclose(w, np.linalg.solve(Gp + 2 * lam * np.eye(2), Gp @ w0), rtol=1e-10)
    _, W0 = initreg.orientation_sweep(X, y, "none", 0.0, n_angles=6)
    np.testing.assert_allclose(W0, np.tile(w0, (6, 1)), rtol=1e-10)  # the centre does not move
    _, W1 = initreg.orientation_sweep(X, y, "l1", 0.8 * initreg.lasso_lambda_max(X, y), n_angles=30)
    assert np.all((W1 == 0).any(axis=1))
    with pytest.raises(ValueError, match="2 columns"):
        initreg.orientation_sweep(np.ones((4, 3)), np.ones(4), "l1", 0.1)
    with pytest.raises(ValueError, match="n_angles"):
        initreg.orientation_sweep(X, y, "l1", 0.1, n_angles=0)
    with pytest.raises(ValueError, match="none, l1, l2"):
        initreg.orientation_sweep(X, y, "l3", 0.1)


def test_grid_local_minima_counts_known_minima():
    rast = initreg.grid_local_minima("rastrigin", "none", 0.0)
    assert len(rast) == 121  # one near each integer point of [-5, 5]²
    np.testing.assert_allclose(np.sort(np.unique(np.round(rast[:, 0]))), np.arange(-5, 6))
    himm = initreg.grid_local_minima("himmelblau", "none", 0.0)
    known = np.array(initreg.landscape("himmelblau").minima)
    assert len(himm) == 4
    step = 10 / (initreg.LANDSCAPE_GRID - 1)
    assert max(np.min(np.hypot(*(known - p).T)) for p in himm) < 1.5 * step
    assert len(initreg.grid_local_minima("matyas", "none", 0.0)) == 1
    assert len(initreg.grid_local_minima("rastrigin", "l2", 10.0)) < 121  # a strong L2 penalty removes some


def test_local_minimum_stays_in_its_basin():
    known = initreg.landscape("himmelblau").minima
    for m in known:
        mn = initreg.local_minimum("himmelblau", "none", 0.0, np.asarray(m) + 0.2)
        assert np.hypot(*(mn.w - np.asarray(m))) < 1e-5
    gp = initreg.local_minimum("goldstein_price", "none", 0.0, [-0.5, -0.5])
    assert gp.f == pytest.approx(30.0, abs=1e-8)  # a local, not the global, minimum (3 at (0, -1))
    ls = initreg.local_minimum("least_squares", "l1", 0.2, [5.0, 5.0])
    np.testing.assert_allclose(ls.w, initreg.penalized_minimum("least_squares", "l1", 0.2).w)
    with pytest.raises(ValueError, match="two coordinates"):
        initreg.local_minimum("himmelblau", "none", 0.0, [1.0, 2.0, 3.0])


def test_bisect_path_step_tells_a_jump_from_a_steep_stretch():
    lams, W = initreg.landscape_path("goldstein_price", "l2")
    k = int(np.argmax(np.hypot(*np.diff(W, axis=0).T)))
    jump = initreg.bisect_path_step("goldstein_price", "l2", lams[k], lams[k + 1], halvings=20)
    assert jump.gap > 0.5 * jump.step and jump.halvings == 20
    assert jump.lam_hi - jump.lam_lo == pytest.approx((lams[k + 1] - lams[k]) / 2**20, rel=1e-6)
    assert lams[k] <= jump.lam_lo < jump.lam_hi <= lams[k + 1]
    lams, W = initreg.landscape_path("least_squares", "l1")
    k = int(np.argmax(np.hypot(*np.diff(W, axis=0).T)))
    steep = initreg.bisect_path_step("least_squares", "l1", lams[k], lams[k + 1], halvings=20)
    assert steep.gap < 1e-5 * steep.step  # piecewise linear: the move halves with the bracket
    assert "halvings" in repr(steep)
    with pytest.raises(ValueError, match="below"):
        initreg.bisect_path_step("goldstein_price", "l2", 2.0, 1.0)
    with pytest.raises(ValueError, match="l1, l2"):
        initreg.bisect_path_step("goldstein_price", "none", 1.0, 2.0)
    with pytest.raises(ValueError, match="halvings"):
        initreg.bisect_path_step("goldstein_price", "l2", 1.0, 2.0, halvings=-1)
