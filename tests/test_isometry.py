"""Jacobian spectra at initialization (initreg.isometry) against hand-made products, finite
differences and free-probability predictions; the sampled χ₁; the interactive figure's runs;
the figures; and bad inputs."""

import math

import numpy as np
import pytest
from scipy import integrate

import initreg
from initreg import isometry as iso
from initreg.explorable import MIN_POSITIONS, Slider
from initreg.figures import beyond_xavier as figs


def test_singular_values_are_those_of_the_product_made_by_hand():
    """J = D[L] W[L] ⋯ D[1] W[1] from the same draws, in numpy."""
    kw = dict(activation="tanh", depth=3, width=7, sigma_w2=1.8, sigma_b2=0.1, init="gaussian")
    s = initreg.jacobian_singular_values(rng=np.random.default_rng(1), **kw)
    rng = np.random.default_rng(1)
    d = initreg.standard_draws([7] * 5, rng=rng)
    q0 = (initreg.fixed_point(sigma_w2=1.8, sigma_b2=0.1, activation="tanh") - 0.1) / 1.8
    x = rng.standard_normal(7)
    x = x * math.sqrt(7 * q0) / np.linalg.norm(x)
    J = np.eye(7)
    a = x
    for l in range(3):
        z = math.sqrt(1.8) * d.weights[l] @ a + math.sqrt(0.1) * d.biases[l]
        a = np.tanh(z)
        J = ((1 - a ** 2)[:, None] * (math.sqrt(1.8) * d.weights[l])) @ J
    np.testing.assert_allclose(s, np.linalg.svd(J, compute_uv=False), rtol=1e-12)
    assert np.all(np.diff(s) <= 0)


def test_the_jacobian_against_finite_differences():
    """The Jacobian jacobian_singular_values takes (input_jacobian of the logits, the read-out set to
    the identity) is the finite-difference Jacobian of x ↦ a[L], the last hidden layer."""
    rng = np.random.default_rng(2)
    width, depth = 6, 4
    d = initreg.standard_draws([width] * (depth + 2), init="orthogonal", rng=rng)
    net = initreg.mean_field_network(sigma_w2=1.3, sigma_b2=0.05, activation="tanh", draws=d)
    net.weights[-1][...] = np.eye(width)
    net.biases[-1][...] = 0.0
    x = rng.standard_normal(width) * 0.7
    h = 1e-6
    cols = [(net.forward((x + h * e)[None, :])[depth][0] - net.forward((x - h * e)[None, :])[depth][0]) / (2 * h)
            for e in np.eye(width)]
    np.testing.assert_allclose(initreg.input_jacobian(net, x, of="logits"), np.array(cols).T, atol=1e-8)


def test_orthogonal_linear_networks_are_exact_isometries():
    for w2 in (1.0, 1.21):
        s = initreg.jacobian_singular_values(activation="linear", depth=10, width=40, sigma_w2=w2, sigma_b2=0.0,
                                             init="orthogonal", rng=np.random.default_rng(3))
        np.testing.assert_allclose(s, w2 ** 5, rtol=1e-12)  # σ_w^L


def test_orthogonal_draws_are_orthogonal_to_1e_12():
    d = initreg.standard_draws([50, 50, 30, 80], init="orthogonal", rng=np.random.default_rng(4))
    W1, W2, W3 = d.weights
    np.testing.assert_allclose(W1 @ W1.T, np.eye(50), atol=1e-12)
    np.testing.assert_allclose(W2 @ W2.T, np.eye(30), atol=1e-12)  # rows, 30 ≤ 50
    np.testing.assert_allclose(W3.T @ W3 * 30 / 80, np.eye(30), atol=1e-12)  # columns, scaled by √(80/30)


def test_predicted_variance_in_closed_form_and_by_quadrature():
    P = initreg.predicted_lambda_variance
    assert P(activation="linear", sigma_w2=1.0, sigma_b2=0.0, depth=7, init="gaussian") == 7.0
    assert P(activation="linear", sigma_w2=1.0, sigma_b2=0.0, depth=7, init="orthogonal") == 0.0
    assert P(activation="relu", sigma_w2=2.0, sigma_b2=0.0, depth=5, init="orthogonal") == 5.0
    assert P(activation="relu", sigma_w2=2.0, sigma_b2=0.0, depth=5, init="gaussian") == 10.0
    w2, b2 = initreg.ISOMETRY_CASES["tanh"][1:]
    q = initreg.fixed_point(sigma_w2=w2, sigma_b2=b2, activation="tanh")

    def moment(k):
        f = lambda z: (1 - np.tanh(math.sqrt(q) * z) ** 2) ** (2 * k) * math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
        return integrate.quad(f, -30, 30, epsabs=1e-15)[0]

    expected = 12 * (moment(2) / moment(1) ** 2 - 1)
    assert P(activation="tanh", sigma_w2=w2, sigma_b2=b2, depth=12, init="orthogonal") == pytest.approx(expected,
                                                                                                    rel=1e-6)


def test_sampled_spread_follows_the_prediction():
    for act, w2, b2 in (("linear", 1.0, 0.0), ("relu", 2.0, 0.0)):
        sp = initreg.jacobian_spectra((4, 8), activation=act, sigma_w2=w2, sigma_b2=b2, init="gaussian", width=160,
                                      n_nets=3, seed=5)
        mean, var = sp.moments()
        np.testing.assert_allclose(var, sp.predicted(), rtol=0.3)
        np.testing.assert_allclose(mean, 1.0, rtol=0.35)  # at the edge of chaos E[λ] = 1
    tanh = initreg.jacobian_spectra((16,), activation="tanh", sigma_w2=initreg.ISOMETRY_CASES["tanh"][1],
                                    sigma_b2=initreg.ISOMETRY_CASES["tanh"][2], init="orthogonal", width=100, seed=6)
    assert tanh.moments()[1][0] == pytest.approx(tanh.predicted()[0], rel=0.3)
    assert tanh.fraction_within(2.0)[0] > 0.98
    assert tanh.at(16).shape == (3, 100)


def test_sampled_chi1_measures_chi1():
    for act, w2, b2 in (("tanh", 2.0, 0.1), ("tanh", 0.7, 0.3), ("relu", 1.2, 0.1)):
        m = initreg.sampled_chi1(sigma_w2=w2, sigma_b2=b2, activation=act, rng=np.random.default_rng(7), n_nets=6)
        x = initreg.chi1(sigma_w2=w2, sigma_b2=b2, activation=act)
        assert abs(math.log(m.estimate / x)) < max(4 * m.se, 0.01), (act, m, x)
        assert m.per_network.shape == (6,)


def test_isometry_study_table():
    st = initreg.isometry_study(depths=(1, 2), width=16, n_nets=2)
    assert set(st.spectra) == {(c, i) for c in initreg.ISOMETRY_CASES for i in ("gaussian", "orthogonal")}
    table = repr(st.table())
    assert table.count("\n") == 1 + 6 and "L = 2" in table and "relu, gaussian" in table


def test_explorer_runs_share_their_networks():
    """Every setting scales the same draws: for ReLU without biases (homogeneous) the spectra at
    two σ_w² differ by exactly (σ_w/σ_w')^L, and the sampled correlations not at all."""
    a = initreg.explorer_run("relu", 2.0, 0.0)
    b = initreg.explorer_run("relu", 4.0, 0.0)
    L = int(initreg.BEYOND_EXPLORER["spectrum_depth"])
    for init in ("gaussian", "orthogonal"):
        big = a.spectra[init] > 1e-8 * a.spectra[init].max()
        np.testing.assert_allclose(b.spectra[init][big], a.spectra[init][big] * 2 ** (L / 2), rtol=1e-8)
    np.testing.assert_allclose(b.sampled.c, a.sampled.c, rtol=1e-10)
    assert a.chi1 == 1.0 and b.chi1 == 2.0
    t = initreg.explorer_run("tanh", 0.7, 0.0)
    assert t.chi1 == pytest.approx(0.7) and t.trajectory.depth == int(initreg.BEYOND_EXPLORER["depth"])


def test_the_explorer_figure():
    ex = figs.beyond_xavier_explorer()
    assert [p.name for p in ex.panels] == ["phase", "signal", "spectrum"]
    slider = ex.control("sigma_w2")
    assert isinstance(slider, Slider) and len(slider.grid_values) >= MIN_POSITIONS
    assert {1.0, 2.0, float(initreg.PYTORCH_GAINS["tanh"]) ** 2} <= set(slider.grid_values)
    assert ex.panels[0].cursor == "sigma_w2" and ex.n_renders == 2 * 3 + 2 * (2 * 3 * len(slider.grid_values))
    fig = ex.figure(activation="relu", sigma_b2=0.05, sigma_w2=3.1)
    assert len(fig.axes) >= 4


def test_isometry_figure():
    st = initreg.isometry_study(depths=(1, 4), width=16, n_nets=2)
    ex = figs.plot_isometry(st)
    assert [p.name for p in ex.panels] == ["spectra", "spread"] and ex.check() == 2
    with pytest.raises(ValueError, match="depth must be one of"):
        figs.plot_isometry(st, depth=3)
    with pytest.raises(TypeError, match="IsometryStudy"):
        figs.plot_isometry({})


@pytest.mark.parametrize("call,match", [
    (lambda: initreg.jacobian_singular_values(activation="elu", depth=2, width=4, sigma_w2=1.0, sigma_b2=0.0,
                                              init="gaussian", rng=np.random.default_rng(0)), "activation"),
    (lambda: initreg.jacobian_singular_values(activation="tanh", depth=0, width=4, sigma_w2=1.0, sigma_b2=0.0,
                                              init="gaussian", rng=np.random.default_rng(0)), "depth"),
    (lambda: initreg.jacobian_singular_values(activation="tanh", depth=2, width=4, sigma_w2=-1.0, sigma_b2=0.0,
                                              init="gaussian", rng=np.random.default_rng(0)), "sigma_w2"),
    (lambda: initreg.jacobian_singular_values(activation="tanh", depth=2, width=4, sigma_w2=1.0, sigma_b2=0.0,
                                              init="haar", rng=np.random.default_rng(0)), "init must be one of"),
    (lambda: initreg.jacobian_singular_values(activation="tanh", depth=2, width=4, sigma_w2=1.0, sigma_b2=0.0,
                                              init="gaussian", rng=0), "numpy.random.Generator"),
    (lambda: initreg.jacobian_singular_values(activation="tanh", depth=2, width=4, sigma_w2=1.0, sigma_b2=0.0,
                                              init="gaussian", rng=np.random.default_rng(0),
                                              draws=initreg.standard_draws([4, 4, 4], rng=np.random.default_rng(0))),
     "draws must be"),
    (lambda: initreg.lambda_moments(np.zeros(3)), "must not all be 0"),
    (lambda: initreg.sampled_chi1(sigma_w2=1.0, sigma_b2=0.1, activation="tanh", rng=np.random.default_rng(0),
                                  n_nets=1), "n_nets"),
    (lambda: initreg.jacobian_spectra((), activation="tanh", sigma_w2=1.0, sigma_b2=0.1, init="gaussian"), "depths"),
    (lambda: initreg.explorer_run("swish", 1.0, 0.0), "activation"),
])
def test_bad_inputs_name_the_parameter(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
