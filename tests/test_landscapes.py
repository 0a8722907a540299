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
    from initreg.plotting import new_figure

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
