"""The mean-field maps of chapter beyond-xavier (initreg.meanfield) against independent computations:
adaptive quadrature (scipy), Monte Carlo sampling, sampled wide networks and hand-made
networks; the SymPy boundaries; the trainability experiment; the figures; and bad inputs."""

import math

import numpy as np
import pytest
import sympy as sp
from scipy import integrate

import initreg
from initreg import meanfield as mf
from initreg.figures import beyond_xavier as figs

PHI = {"tanh": np.tanh, "sigmoid": lambda u: 1 / (1 + np.exp(-u)), "relu": lambda u: np.maximum(u, 0.0),
       "linear": lambda u: u}
DPHI = {"tanh": lambda u: 1 - np.tanh(u) ** 2,
        "sigmoid": lambda u: np.exp(-u) / (1 + np.exp(-u)) ** 2,
        "relu": lambda u: np.asarray(u > 0, dtype=float), "linear": lambda u: np.ones_like(u)}


def gauss_quad(f, q):
    """E[f(√q z)] by scipy's adaptive quadrature (split at 0, where ReLU kinks)."""
    dens = lambda z: f(math.sqrt(q) * z) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    return integrate.quad(dens, -40, 0, epsabs=1e-14, limit=400)[0] + integrate.quad(dens, 0, 40, epsabs=1e-14,
                                                                                       limit=400)[0]


# ------------------------------------------------------------------- the length map
@pytest.mark.parametrize("activation", initreg.ACTIVATIONS)
def test_variance_map_is_the_quadrature_of_its_formula(activation):
    for q in (0.01, 0.3, 1.0, 2.0):
        for w2, b2 in ((1.0, 0.0), (2.5, 0.3)):
            expected = w2 * gauss_quad(lambda u: PHI[activation](u) ** 2, q) + b2
            got = initreg.variance_map(q, sigma_w2=w2, sigma_b2=b2, activation=activation)
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-15), (activation, q)
    qs = np.array([0.5, 1.5])
    np.testing.assert_allclose(initreg.variance_map(qs, sigma_w2=1.3, sigma_b2=0.1, activation=activation),
                               [initreg.variance_map(q, sigma_w2=1.3, sigma_b2=0.1, activation=activation) for q in qs])


def test_gauss_hermite_accuracy_where_the_chapter_uses_it():
    """The docstring's promise: within 1e-9 of adaptive quadrature for q ≤ 2, 1e-6 for q ≤ 6."""
    for q, tol in ((2.0, 1e-9), (6.0, 1e-6)):
        got = initreg.variance_map(q, sigma_w2=1.0, sigma_b2=0.0, activation="tanh")
        assert abs(got - gauss_quad(lambda u: np.tanh(u) ** 2, q)) < tol


@pytest.mark.parametrize("activation", initreg.ACTIVATIONS)
def test_variance_map_against_sampling(activation):
    rng = np.random.default_rng(1)
    q, w2, b2, m = 1.7, 1.8, 0.2, 400_000
    a2 = PHI[activation](math.sqrt(q) * rng.standard_normal(m)) ** 2
    se = w2 * a2.std() / math.sqrt(m)
    assert abs(w2 * a2.mean() + b2 - initreg.variance_map(q, sigma_w2=w2, sigma_b2=b2, activation=activation)) < 4 * se


def test_variance_map_in_a_sampled_wide_layer():
    """One layer of a real network: the mean square of z over units and inputs is the map's value."""
    rng = np.random.default_rng(2)
    n, q0 = 2000, 0.8
    net = initreg.mean_field_network([n, n, 2], sigma_w2=2.2, sigma_b2=0.1, activation="tanh", rng=rng)
    X = rng.standard_normal((8, n)) * math.sqrt(q0)
    z1, = initreg.preactivations(net, X)
    x2 = np.tanh(z1)
    z2 = x2 @ net.weights[1].T + net.biases[1]  # the read-out is a layer of the same law
    q1 = float(np.mean(z1 ** 2))
    predicted = initreg.variance_map(q1, sigma_w2=2.2, sigma_b2=0.1, activation="tanh")
    assert float(np.mean(z2 ** 2)) == pytest.approx(predicted, rel=0.5)  # two units only: a loose check
    assert q1 == pytest.approx(2.2 * np.mean(X ** 2) + 0.1, rel=0.05)


# --------------------------------------------------------------------- fixed points
@pytest.mark.parametrize("activation,w2,b2", [("tanh", 1.5, 0.05), ("tanh", 3.0, 0.0), ("tanh", 0.6, 0.4),
                                              ("sigmoid", 4.0, 0.1), ("relu", 1.2, 0.3), ("linear", 0.5, 0.2)])
def test_fixed_point_is_fixed_and_reached_by_iterating(activation, w2, b2):
    q = initreg.fixed_point(sigma_w2=w2, sigma_b2=b2, activation=activation)
    assert initreg.variance_map(q, sigma_w2=w2, sigma_b2=b2, activation=activation) == pytest.approx(q, rel=1e-12)
    for q0 in (0.01, 5.0):
        x = q0
        for _ in range(3000):
            x = initreg.variance_map(x, sigma_w2=w2, sigma_b2=b2, activation=activation)
        assert x == pytest.approx(q, rel=1e-8)


def test_fixed_points_in_closed_form_and_where_there_is_none():
    assert initreg.fixed_point(sigma_w2=1.5, sigma_b2=0.05, activation="relu") == pytest.approx(0.05 / (1 - 0.75))
    assert initreg.fixed_point(sigma_w2=2.0, sigma_b2=0.0, activation="relu", q0=3.0) == 3.0  # every q is fixed
    assert initreg.fixed_point(sigma_w2=0.9, sigma_b2=0.0, activation="tanh") == 0.0  # the signal dies out
    assert initreg.fixed_point(sigma_w2=1.0, sigma_b2=0.0, activation="tanh") == 0.0
    for kw in (dict(sigma_w2=2.5, sigma_b2=0.0, activation="relu"), dict(sigma_w2=2.0, sigma_b2=0.1, activation="relu"),
               dict(sigma_w2=1.1, sigma_b2=0.0, activation="linear")):
        with pytest.raises(ValueError, match="no finite fixed point"):
            initreg.fixed_point(**kw)


# ------------------------------------------------------------------ χ₁ and correlations
@pytest.mark.parametrize("activation,w2,b2", [("tanh", 1.5, 0.05), ("tanh", 3.0, 0.0), ("sigmoid", 4.0, 0.1),
                                              ("relu", 1.2, 0.3)])
def test_chi1_is_the_quadrature_of_the_slope(activation, w2, b2):
    q = initreg.fixed_point(sigma_w2=w2, sigma_b2=b2, activation=activation)
    expected = w2 * gauss_quad(lambda u: DPHI[activation](u) ** 2, q)
    assert initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation=activation) == pytest.approx(expected, rel=1e-8)


def test_slope_moment_ratio():
    assert initreg.slope_moment_ratio(1.0, activation="relu") == 2.0
    assert initreg.slope_moment_ratio(0.0, activation="tanh") == 1.0
    q = 0.4
    m1 = gauss_quad(lambda u: DPHI["tanh"](u) ** 2, q)
    m2 = gauss_quad(lambda u: DPHI["tanh"](u) ** 4, q)
    assert initreg.slope_moment_ratio(q, activation="tanh") == pytest.approx(m2 / m1**2, rel=1e-9)


def test_the_boundaries_numerically():
    assert initreg.chi1(sigma_w2=2.0, sigma_b2=0.0, activation="relu") == 1.0
    assert initreg.chi1(sigma_w2=1.0, sigma_b2=0.0, activation="linear") == 1.0
    assert initreg.chi1(sigma_w2=0.99, sigma_b2=0.0, activation="tanh") < 1.0 < \
        initreg.chi1(sigma_w2=1.01, sigma_b2=0.0, activation="tanh")
    assert initreg.critical_sigma_w2(0.0) == 1.0
    assert initreg.critical_sigma_w2(0.0, activation="relu") == 2.0
    for b2 in (0.05, 0.3):
        w2 = initreg.critical_sigma_w2(b2)
        assert initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation="tanh") == pytest.approx(1.0, abs=1e-10)
        assert initreg.critical_sigma_b2(w2) == pytest.approx(b2, rel=1e-8)
    with pytest.raises(ValueError, match="ordered"):
        initreg.critical_sigma_b2(0.8)
    with pytest.raises(ValueError, match="only at sigma_b2 = 0"):
        initreg.critical_sigma_w2(0.1, activation="relu")


def _mc_cross(activation, q, c, m=400_000, seed=3):
    rng = np.random.default_rng(seed)
    z1, z2 = rng.standard_normal((2, m))
    u1 = math.sqrt(q) * z1
    u2 = math.sqrt(q) * (c * z1 + math.sqrt(1 - c * c) * z2)
    prod = PHI[activation](u1) * PHI[activation](u2)
    return prod.mean(), prod.std() / math.sqrt(m)


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "linear"])
def test_correlation_map_against_sampled_pairs(activation):
    q, w2, b2 = 0.9, 1.7, 0.1
    for c in (-0.3, 0.2, 0.8):
        mean, se = _mc_cross(activation, q, c)
        q_next = initreg.variance_map(q, sigma_w2=w2, sigma_b2=b2, activation=activation)
        expected = (w2 * mean + b2) / q_next
        got = initreg.correlation_map(c, sigma_w2=w2, sigma_b2=b2, activation=activation, q=q)
        assert abs(got - expected) < 4 * w2 * se / q_next + 1e-6, (activation, c)


@pytest.mark.parametrize("activation,w2,b2", [("tanh", 1.0, 0.05), ("tanh", 4.0, 0.05), ("sigmoid", 4.0, 0.1),
                                              ("relu", 1.5, 0.1)])
def test_correlation_map_fixes_one_with_slope_chi1(activation, w2, b2):
    assert initreg.correlation_map(1.0, sigma_w2=w2, sigma_b2=b2, activation=activation) == pytest.approx(1.0,
                                                                                                          abs=1e-13)
    d = 1e-5
    slope = (1 - initreg.correlation_map(1 - d, sigma_w2=w2, sigma_b2=b2, activation=activation)) / d
    # ReLU's map has a √(1 − c) term (its slope is the arc-cosine kernel's), so its difference quotient converges slowly
    tol = 1e-2 if activation == "relu" else 1e-4
    assert slope == pytest.approx(initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation=activation), rel=tol)


def test_mean_field_point_in_each_phase():
    ordered = initreg.mean_field(sigma_w2=1.0, sigma_b2=0.05, activation="tanh")
    assert ordered.phase == "ordered" and ordered.c_star == 1.0 and ordered.chi_c == ordered.chi1
    assert ordered.xi_c == pytest.approx(-1 / math.log(ordered.chi1))
    chaotic = initreg.mean_field(sigma_w2=4.0, sigma_b2=0.05, activation="tanh")
    assert chaotic.phase == "chaotic" and 0 < chaotic.c_star < 1
    c = chaotic.c_star
    assert initreg.correlation_map(c, sigma_w2=4.0, sigma_b2=0.05, activation="tanh") == pytest.approx(c, abs=1e-12)
    d = 1e-5
    fd = (initreg.correlation_map(c + d, sigma_w2=4.0, sigma_b2=0.05, activation="tanh")
          - initreg.correlation_map(c - d, sigma_w2=4.0, sigma_b2=0.05, activation="tanh")) / (2 * d)
    assert chaotic.chi_c == pytest.approx(fd, rel=1e-6) and chaotic.chi_c < 1
    odd = initreg.mean_field(sigma_w2=25 / 9, sigma_b2=0.0, activation="tanh")
    assert odd.c_star == 0.0 and odd.phase == "chaotic"
    edge = initreg.mean_field(sigma_w2=initreg.critical_sigma_w2(0.05), sigma_b2=0.05, activation="tanh")
    assert math.isinf(edge.xi_c)
    with pytest.raises(ValueError, match="q\\* = 0"):
        initreg.mean_field(sigma_w2=0.7, sigma_b2=0.0, activation="tanh")
    table = repr(initreg.mean_field_table([ordered, chaotic, edge]))
    assert "chaotic" in table and "∞" in table and f"{chaotic.c_star:.3f}" in table


def test_correlations_decay_like_exp_minus_l_over_xi():
    p = initreg.mean_field(sigma_w2=4.0, sigma_b2=0.05, activation="tanh")
    c = 0.9
    gaps = []
    for _ in range(40):
        c = initreg.correlation_map(c, sigma_w2=4.0, sigma_b2=0.05, activation="tanh")
        gaps.append(c - p.c_star)
    rate = gaps[-1] / gaps[-2]
    assert rate == pytest.approx(math.exp(-1 / p.xi_c), rel=1e-3)


# ----------------------------------------------------------------- trajectories
def test_trajectory_first_layer_and_maps():
    t = initreg.mean_field_trajectory(0.7, 0.3, 5, sigma_w2=1.5, sigma_b2=0.1, activation="tanh")
    assert t.depth == 5 and t.q[0] == 0.7 and t.c[0] == 0.3
    assert t.q[1] == pytest.approx(1.5 * 0.7 + 0.1) and t.c[1] == pytest.approx((1.5 * 0.7 * 0.3 + 0.1) / t.q[1])
    assert t.q[2] == pytest.approx(initreg.variance_map(t.q[1], sigma_w2=1.5, sigma_b2=0.1, activation="tanh"))
    assert t.c[2] == pytest.approx(initreg.correlation_map(t.c[1], sigma_w2=1.5, sigma_b2=0.1, activation="tanh",
                                                           q=t.q[1]))


def test_sampled_networks_follow_the_maps():
    kw = dict(sigma_w2=2.5, sigma_b2=0.05, activation="tanh")
    m = initreg.mean_field_trajectory(1.0, 0.6, 8, **kw)
    s = initreg.sample_trajectory(1.0, 0.6, 8, width=1000, n_nets=3, rng=np.random.default_rng(4), **kw)
    assert s.q.shape == (3, 9) and s.depth == 8
    np.testing.assert_allclose(s.q[:, 0], 1.0)
    np.testing.assert_allclose(s.c[:, 0], 0.6)
    np.testing.assert_allclose(s.q.mean(axis=0), m.q, rtol=0.05)
    np.testing.assert_allclose(s.c.mean(axis=0), m.c, atol=0.04)
    o = initreg.sample_trajectory(1.0, 0.6, 8, width=1000, n_nets=3, init="orthogonal", rng=np.random.default_rng(4),
                                  **kw)
    np.testing.assert_allclose(o.q.mean(axis=0), m.q, rtol=0.05)


def test_sample_trajectory_is_the_direct_computation():
    """Made by hand from the same draws: the network, then the pairs of inputs."""
    kw = dict(sigma_w2=1.7, sigma_b2=0.2, activation="tanh")
    s = initreg.sample_trajectory(1.3, 0.4, 3, width=6, n_pairs=2, n_nets=1, rng=np.random.default_rng(5), **kw)
    rng = np.random.default_rng(5)
    d = initreg.standard_draws([6, 6, 6, 6, 2], rng=rng)
    rows = []
    for _ in range(2):
        e, _r = np.linalg.qr(rng.standard_normal((6, 2)))
        rows += [e[:, 0], 0.4 * e[:, 0] + math.sqrt(1 - 0.16) * e[:, 1]]
    a = np.array(rows) * math.sqrt(6 * 1.3)
    qs = [np.mean(a * a)]
    for l in range(3):
        z = a @ (math.sqrt(1.7) * d.weights[l]).T + math.sqrt(0.2) * d.biases[l]
        qs.append(np.mean(z * z))
        a = np.tanh(z)
    np.testing.assert_allclose(s.q[0], qs, rtol=1e-12)


def test_mean_field_network_draws_the_stated_laws():
    rng = np.random.default_rng(6)
    net = initreg.mean_field_network([400, 300, 500], sigma_w2=2.0, sigma_b2=0.3, activation="tanh", rng=rng)
    assert np.var(net.weights[0]) == pytest.approx(2.0 / 400, rel=0.02)
    assert np.var(net.weights[1]) == pytest.approx(2.0 / 300, rel=0.02)
    b = np.concatenate(net.biases)
    assert np.var(b) == pytest.approx(0.3, rel=4 * math.sqrt(2 / b.size))  # 4 standard errors of a variance
    ortho = initreg.mean_field_network([300, 200, 400], sigma_w2=2.0, sigma_b2=0.0, activation="tanh", init="orthogonal",
                                       rng=rng)
    W1, W2 = ortho.weights
    np.testing.assert_allclose(W1 @ W1.T, 2.0 * 300 / 300 * np.eye(200), atol=1e-12)  # rows orthonormal × σ_w
    np.testing.assert_allclose(W2.T @ W2, 2.0 * 400 / 200 * np.eye(200), atol=1e-12)  # columns, × σ_w·√(400/200)
    assert np.mean(W1 ** 2) == pytest.approx(2.0 / 300) and np.mean(W2 ** 2) == pytest.approx(2.0 / 200)
    assert all(np.all(b == 0) for b in ortho.biases)


def test_the_same_draws_scale_to_every_setting():
    d = initreg.standard_draws([5, 7, 3], rng=np.random.default_rng(7))
    a = initreg.mean_field_network(sigma_w2=1.0, sigma_b2=1.0, activation="relu", draws=d)
    b = initreg.mean_field_network(sigma_w2=4.0, sigma_b2=0.25, activation="tanh", draws=d)
    np.testing.assert_allclose(b.weights[0], 2 * a.weights[0])
    np.testing.assert_allclose(b.biases[1], 0.5 * a.biases[1])
    c = initreg.mean_field_network([5, 7, 3], sigma_w2=1.0, sigma_b2=1.0, activation="relu",
                                   rng=np.random.default_rng(7))
    np.testing.assert_array_equal(c.weights[1], a.weights[1])  # made from the rng: the same draws


# ----------------------------------------------------------------- the phase diagram
def test_phase_diagram_and_its_edge():
    d = initreg.phase_diagram([0.5, 1.0, 2.0, 4.0], [0.0, 0.1, 0.4])
    assert d.chi1.shape == (3, 4) and d.boundary.shape == (3,)
    assert d.chi1[1, 2] == initreg.chi1(sigma_w2=2.0, sigma_b2=0.1, activation="tanh")
    assert d.boundary[0] == 1.0 and np.all(np.diff(d.boundary) > 0)
    for b2, w2 in zip(d.sigma_b2, d.boundary):
        assert initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation="tanh") == pytest.approx(1.0, abs=1e-9)
    assert np.array_equal(d.phase() > 0, d.chi1 > 1)


def test_critical_point_has_the_fixed_point_and_chi1_one():
    for q in (1 / 64, 0.3):
        w2, b2 = initreg.critical_point(q)
        assert initreg.fixed_point(sigma_w2=w2, sigma_b2=b2, activation="tanh") == pytest.approx(q, rel=1e-9)
        assert initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation="tanh") == pytest.approx(1.0, abs=1e-9)
    assert initreg.critical_point(0.5, activation="relu") == (2.0, 0.0)
    with pytest.raises(ValueError, match="no critical point"):
        initreg.critical_point(0.1, activation="sigmoid")


# -------------------------------------------------------------------------- SymPy
def test_sympy_relu_boundary_is_hes_rule():
    S = initreg.MEAN_FIELD_SYMBOLS
    assert sp.simplify(initreg.relu_length_map() - (S.sigma_w2 * S.q / 2 + S.sigma_b2)) == 0
    assert sp.simplify(initreg.relu_chi1() - S.sigma_w2 / 2) == 0
    assert initreg.relu_boundary() == 2


def test_sympy_tanh_series_and_boundary():
    S = initreg.MEAN_FIELD_SYMBOLS
    s = initreg.VARIANCE_SYMBOLS.s
    from_variance = initreg.tanh_variance_series(3).subs(s, sp.sqrt(S.q))
    assert sp.expand(initreg.tanh_length_series(3) - S.sigma_w2 * from_variance) == 0
    chi = sp.Poly(sp.expand(initreg.tanh_chi1_series(3) / S.sigma_w2), S.q).all_coeffs()[::-1]
    assert chi == [1, -2, 7]
    # the coefficients against the quadrature at small q: 1 − 2q + 7q²
    q = 1e-3
    numeric = initreg.chi1(sigma_w2=1.0, sigma_b2=q - initreg.variance_map(q, sigma_w2=1.0, sigma_b2=0.0,
                                                                           activation="tanh"), activation="tanh")
    assert numeric == pytest.approx(1 - 2 * q + 7 * q * q, abs=1e-7)
    assert initreg.tanh_boundary() == 1
    q_star, chi1 = initreg.tanh_edge_expansion()
    eps = S.epsilon
    assert sp.expand(q_star - (eps / 2 + sp.Rational(5, 24) * eps**2)) == 0
    assert sp.expand(chi1 - (1 + eps**2 / 3)) == 0
    p = initreg.mean_field(sigma_w2=1.02, sigma_b2=0.0, activation="tanh")
    assert p.q_star == pytest.approx(float(q_star.subs(eps, 0.02)), rel=1e-3)


# ------------------------------------------------------------------- trainability
def test_trainability_study_small(digits):
    st = initreg.trainability_study(digits.subset(200, rng=np.random.default_rng(0)), sigma_w2s=[0.5, 2.0],
                                    depths=[2, 6], width=16, epochs=1, seeds=(0,))
    assert st.accuracy.shape == (1, 2, 2) and st.mean_accuracy.shape == (2, 2)
    assert st.xi_c[0] == pytest.approx(initreg.mean_field(sigma_w2=0.5, sigma_b2=0.05, activation="tanh").xi_c)
    np.testing.assert_array_equal(st.beyond(6), np.array([2, 6])[None, :] > 6 * st.xi_c[:, None])
    assert 0 < st.chance < 0.2 and not st.diverged.any()
    again = initreg.trainability_study(digits.subset(200, rng=np.random.default_rng(0)), sigma_w2s=[0.5, 2.0],
                                       depths=[2, 6], width=16, epochs=1, seeds=(0,))
    np.testing.assert_array_equal(st.accuracy, again.accuracy)
    ex = figs.plot_trainability(st)
    assert ex.check() == 1


# ----------------------------------------------------------------------- figures
def test_maps_and_phase_figures_draw():
    pts = [initreg.mean_field(sigma_w2=w, sigma_b2=0.05, activation="tanh") for w in (1.0, 4.0)]
    s = [initreg.sample_trajectory(1.0, 0.5, 6, width=64, n_nets=2, rng=np.random.default_rng(i), sigma_w2=p.sigma_w2,
                                   sigma_b2=0.05, activation="tanh") for i, p in enumerate(pts)]
    ex = figs.plot_maps(pts, s)
    assert [p.name for p in ex.panels] == ["length", "correlation"] and ex.check() == 2
    d = initreg.phase_diagram(np.geomspace(0.5, 4, 6), [0.0, 0.2])
    ex = figs.plot_phase_diagram(d, checks=[(1.0, 0.1, 0.8)], marks=[(1.0, 0.0, "Xavier")])
    assert ex.check() == 1 and "1 dots" in ex.caption
    with pytest.raises(TypeError):
        figs.plot_maps([1.0])
    with pytest.raises(ValueError, match="one initreg.SampledTrajectory per point"):
        figs.plot_maps(pts, s[:1])
    with pytest.raises(TypeError, match="PhaseDiagram"):
        figs.plot_phase_diagram("diagram")


# ---------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize("call,match", [
    (lambda: initreg.variance_map(1.0, sigma_w2=-1.0, sigma_b2=0.0, activation="tanh"), "sigma_w2"),
    (lambda: initreg.variance_map(1.0, sigma_w2=1.0, sigma_b2=-0.1, activation="tanh"), "sigma_b2"),
    (lambda: initreg.variance_map(0.0, sigma_w2=1.0, sigma_b2=0.0, activation="tanh"), "q must be > 0"),
    (lambda: initreg.variance_map(-2.0, sigma_w2=1.0, sigma_b2=0.0, activation="tanh"), "q must be > 0"),
    (lambda: initreg.variance_map(1.0, sigma_w2=1.0, sigma_b2=0.0, activation="elu"), "activation must be one of"),
    (lambda: initreg.fixed_point(sigma_w2=0.0, sigma_b2=0.0, activation="tanh"), "sigma_w2"),
    (lambda: initreg.fixed_point(sigma_w2=1.0, sigma_b2=0.0, activation="tanh", q0=0.0), "q0"),
    (lambda: initreg.chi1(sigma_w2=1.0, sigma_b2=-1.0, activation="relu"), "sigma_b2"),
    (lambda: initreg.chi1(sigma_w2=3.0, sigma_b2=0.0, activation="relu"), "no finite fixed point"),
    (lambda: initreg.correlation_map(1.5, sigma_w2=1.0, sigma_b2=0.1, activation="tanh"), "c must be a correlation"),
    (lambda: initreg.correlation_map(0.5, sigma_w2=0.5, sigma_b2=0.0, activation="tanh"), "give the length"),
    (lambda: initreg.mean_field_trajectory(1.0, 0.5, 0, sigma_w2=1.0, sigma_b2=0.0, activation="tanh"), "depth"),
    (lambda: initreg.mean_field_trajectory(-1.0, 0.5, 3, sigma_w2=1.0, sigma_b2=0.0, activation="tanh"), "q0"),
    (lambda: initreg.phase_diagram([1.0], [0.0]), "sigma_w2s"),
    (lambda: initreg.phase_diagram([0.5, 1.0], [0.0], activation="relu"), "activation"),
    (lambda: initreg.critical_point(0.0), "q_star"),
    (lambda: initreg.mean_field_network([4, 3], sigma_w2=1.0, sigma_b2=0.0, activation="tanh",
                                        rng=np.random.default_rng(0), init="uniform"), "init must be one of"),
    (lambda: initreg.mean_field_network(sigma_w2=1.0, sigma_b2=0.0, activation="tanh"), "give sizes"),
    (lambda: initreg.sample_trajectory(1.0, 0.5, 3, sigma_w2=1.0, sigma_b2=0.0, activation="tanh", n_pairs=0,
                                       rng=np.random.default_rng(0)), "n_pairs"),
    (lambda: initreg.mean_field_table([1.0]), "MeanFieldPoint"),
    (lambda: initreg.slope_moment_ratio(-1.0, activation="tanh"), "q must be >= 0"),
    (lambda: initreg.slope_moment_ratio(1.0, activation="gelu"), "activation"),
])
def test_bad_inputs_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_bad_inputs_of_the_trainability_study(digits):
    with pytest.raises(TypeError, match="DataSplit"):
        initreg.trainability_study("digits", sigma_w2s=[1.0], depths=[2])
    with pytest.raises(ValueError, match="depths"):
        initreg.trainability_study(digits, sigma_w2s=[1.0], depths=[])
    with pytest.raises(ValueError, match="sigma_b2"):
        initreg.trainability_study(digits, sigma_w2s=[1.0], depths=[2], sigma_b2=0.0)
    with pytest.raises(ValueError, match="sigma_w2s"):
        initreg.trainability_study(digits, sigma_w2s=[-1.0], depths=[2])
