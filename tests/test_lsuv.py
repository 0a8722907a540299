"""LSUV (initreg.lsuv): unit variances on the batch, the scales it finds in wide random
networks against the analytic k = 1/E[g(z)²] (independent quadrature), the study, the
figure, and bad inputs."""

import numpy as np
import pytest

import initreg
from initreg.explorable import Explorable


def _z_variances(net, X):
    """Var(z[l]) by an independent forward pass in numpy."""
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
         "sigmoid": lambda z: 1 / (1 + np.exp(-z))}
    a, out = np.asarray(X, float), []
    for l, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ W.T + b
        out.append(z.var())
        if l < net.L - 1:
            a = g[net.activations[l]](z)
    return np.array(out)


def test_layer_output_variances_are_those_of_an_independent_forward_pass():
    net = initreg.Network([5, 7, 6, 3], "tanh", init="orthogonal", rng=np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((40, 5))
    np.testing.assert_allclose(initreg.layer_output_variances(net, X), _z_variances(net, X), rtol=1e-12)


def test_lsuv_leaves_unit_variances_on_its_batch_in_one_division_per_layer():
    net = initreg.Network([8, 20, 20, 20, 4], "relu", init="orthogonal", rng=np.random.default_rng(2))
    X = 3.0 * np.random.default_rng(3).standard_normal((64, 8))
    before = _z_variances(net, X)
    res = initreg.lsuv_init(net, X)
    after = _z_variances(net, X)
    np.testing.assert_allclose(after, 1.0, atol=1e-12)
    np.testing.assert_allclose(res.after, after, rtol=1e-12)
    assert res.before[0] == pytest.approx(before[0])
    assert (res.iterations == 1).all()
    np.testing.assert_allclose(res.k, [W.shape[1] * np.mean(W ** 2) for W in net.weights], rtol=1e-12)
    assert "Var(z[l]) after" in repr(res.table())


def _k_rule(activation):
    """1/E[g(z)²] for z ~ N(0, 1), by Gauss–Hermite quadrature."""
    nodes, w = np.polynomial.hermite_e.hermegauss(80)
    w = w / w.sum()
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z}[activation]
    return 1.0 / (w @ g(nodes) ** 2)


@pytest.mark.parametrize("activation, expected", [("relu", 2.0), ("tanh", 2.5362), ("linear", 1.0)])
def test_in_a_wide_network_on_gaussian_inputs_lsuv_finds_one_over_e_g_squared(activation, expected):
    assert _k_rule(activation) == pytest.approx(expected, rel=1e-4)
    width = 400
    net = initreg.Network([width] * 5 + [10], activation, init="orthogonal", rng=np.random.default_rng(4))
    X = np.random.default_rng(5).standard_normal((1000, width))
    res = initreg.lsuv_init(net, X)
    # layers 2 and 3 receive g(z) of a unit-variance z that is Gaussian to a good approximation
    # (deeper ReLU layers see ever more correlated inputs, and one batch measures them less well)
    np.testing.assert_allclose(res.k[1:3], _k_rule(activation), rtol=0.03)


def test_a_layer_with_biases_needs_several_divisions_and_a_cap_is_enforced():
    net = initreg.Network([6, 10, 3], "tanh", init="orthogonal", rng=np.random.default_rng(6))
    net.biases[0][...] = np.linspace(-0.5, 0.5, 10)
    X = np.random.default_rng(7).standard_normal((50, 6))
    res = initreg.lsuv_init(net.copy(), X, tol=1e-6, max_iter=50)
    assert res.iterations[0] > 1 and abs(res.after[0] - 1) < 1e-6
    with pytest.raises(ValueError, match="did not reach unit variance within 1 divisions"):
        initreg.lsuv_init(net.copy(), X, tol=1e-6, max_iter=1)


def test_the_study_keeps_what_it_measured():
    d = initreg.load_digits(seed=0)
    st = initreg.lsuv_study("tanh", d, depth=3, width=20, batch=32, seeds=(0, 1))
    assert st.sizes == (64, 20, 20, 20, 10) and st.k.shape == (2, 4) and st.rows.shape == (2, 32)
    np.testing.assert_allclose(st.batch_variance, 1.0, atol=0.01)
    for net, rows, test in zip(st.networks, st.rows, st.test_variance):
        np.testing.assert_allclose(_z_variances(net, d.X_train[rows]), 1.0, atol=0.01)
        np.testing.assert_allclose(_z_variances(net, d.X_test), test, rtol=1e-10)
    assert st.input_mean_square[0] == pytest.approx(np.mean(d.X_train[st.rows[0]] ** 2))
    assert "Var(z[l]) on test" in repr(st.table())


def test_the_figure_draws():
    d = initreg.load_digits(seed=0)
    studies = {a: initreg.lsuv_study(a, d, depth=2, width=16, batch=32, seeds=(0,)) for a in ("tanh", "relu")}
    ex = initreg.plot_lsuv(studies, {"He: 2": 2.0})
    assert isinstance(ex, Explorable) and ex.check() == 1


@pytest.mark.parametrize("call, exc, words", [
    (lambda net, X: initreg.lsuv_init("net", X), TypeError, "net"),
    (lambda net, X: initreg.lsuv_init(net, X[:1]), ValueError, "at least 2 examples"),
    (lambda net, X: initreg.lsuv_init(net, X, tol=0.0), ValueError, "tol"),
    (lambda net, X: initreg.lsuv_init(net, X, max_iter=0), ValueError, "max_iter"),
    (lambda net, X: initreg.lsuv_init(net, X[:, :3]), ValueError, "X"),
    (lambda net, X: initreg.lsuv_init(initreg.Network([4, 5, 2], init="zeros", rng=np.random.default_rng(0)), X),
     ValueError, "variance 0.0"),
    (lambda net, X: initreg.lsuv_study("bogus", initreg.load_digits()), ValueError, "activation must be one of"),
    (lambda net, X: initreg.lsuv_study("tanh", X), TypeError, "data"),
    (lambda net, X: initreg.lsuv_study("tanh", initreg.load_digits(), batch=5000), ValueError, "batch must be at most"),
    (lambda net, X: initreg.plot_lsuv({"tanh": 1}, {}), TypeError, "LSUVStudy"),
])
def test_bad_inputs_are_refused_by_name(call, exc, words):
    net = initreg.Network([4, 5, 2], "tanh", init="orthogonal", rng=np.random.default_rng(0))
    X = np.random.default_rng(1).standard_normal((10, 4))
    with pytest.raises(exc, match=words):
        call(net, X)
