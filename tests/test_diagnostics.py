"""Per-layer statistics against direct numpy computations, saturation, propagation, bad inputs."""

import math

import numpy as np
import pytest

import initreg


@pytest.fixture
def small():
    rng = np.random.default_rng(0)
    net = initreg.Network([5, 7, 6, 3], ["tanh", "sigmoid"], init="xavier", rng=rng)
    X = rng.normal(size=(11, 5))
    y = rng.integers(0, 3, 11)
    return net, X, y


def test_layer_stats_match_direct_computation(small):
    net, X, y = small
    st = initreg.layer_stats(net, X, y)
    W1, W2 = net.weights[0], net.weights[1]
    a1 = np.tanh(X @ W1.T)
    a2 = 1 / (1 + np.exp(-(a1 @ W2.T)))
    np.testing.assert_allclose(st.activations[0], a1, rtol=1e-12)
    np.testing.assert_allclose(st.activations[1], a2, rtol=1e-12)
    np.testing.assert_allclose(st.activation_mean, [a1.mean(), a2.mean()])
    np.testing.assert_allclose(st.activation_std, [a1.std(), a2.std()])
    np.testing.assert_allclose(st.activation_mean_square, [np.mean(a1**2), np.mean(a2**2)])
    # back-propagated gradients per example: dℓ/dz for each row's own loss
    logits = a2 @ net.weights[2].T
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    d3 = p.copy()
    d3[np.arange(len(y)), y] -= 1
    d2 = (d3 @ net.weights[2]) * a2 * (1 - a2)
    d1 = (d2 @ W2) * (1 - a1**2)
    np.testing.assert_allclose(st.gradients[1], d2, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(st.gradients[0], d1, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(st.gradient_std, [d1.std(), d2.std()])
    np.testing.assert_allclose(st.gradient_mean, [d1.mean(), d2.mean()], atol=1e-15)
    dW1 = d1.T @ X / len(y)
    assert st.weight_gradient_std[0] == pytest.approx(dW1.std())
    assert st.input_var == pytest.approx(X.var()) and st.input_mean_square == pytest.approx(np.mean(X**2))
    assert list(st.layers) == [1, 2]
    table = repr(st.table())
    assert "std ∂ℓ/∂z[l]" in table and table.count("\n") == 3
    assert "<table>" in st.table()._repr_html_()


def test_layer_stats_without_labels(small):
    net, X, _ = small
    st = initreg.layer_stats(net, X)
    assert st.gradients is None and st.weight_gradient_std is None
    with pytest.raises(ValueError, match="pass labels y"):
        st.gradient_std
    assert "std ∂ℓ/∂z" not in repr(st.table())


def test_layer_stats_do_not_change_the_network(small):
    net, X, y = small
    before = net.get_params()
    initreg.layer_stats(net, X, y)
    for a, b in zip(before, net.get_params()):
        assert np.array_equal(a, b)


def test_saturated_fraction_definitions():
    a = np.array([-1.0, -0.995, -0.5, 0.0, 0.98, 0.991, 1.0, 0.3])
    assert initreg.saturated_fraction(a, "tanh") == pytest.approx(4 / 8)
    s = np.array([0.0, 0.005, 0.01, 0.5, 0.99, 0.995, 1.0, 0.2])
    assert initreg.saturated_fraction(s, "sigmoid") == pytest.approx(4 / 8)
    r = np.array([0.0, 0.0, 1.0, 2.0])
    assert initreg.saturated_fraction(r, "relu") == 0.5
    assert initreg.saturated_fraction(r, "linear") == 0.0


def test_saturated_units_are_the_entries_saturated_fraction_counts():
    rng = np.random.default_rng(2)
    net = initreg.Network([6, 30, 30, 20, 3], ["tanh", "sigmoid", "relu"], init=initreg.initializer("xavier", gain=5.0),
                          rng=rng)
    st = initreg.layer_stats(net, rng.normal(size=(40, 6)))
    masks = st.saturated_units()
    a1, a2, a3 = st.activations
    np.testing.assert_array_equal(masks[0], np.abs(a1) > 0.99)  # the definition, written out
    np.testing.assert_array_equal(masks[1], (a2 < 0.01) | (a2 > 0.99))
    np.testing.assert_array_equal(masks[2], a3 == 0.0)
    np.testing.assert_allclose([m.mean() for m in masks], st.saturation)
    assert 0 < masks[0].mean() < 1 and 0 < masks[1].mean() < 1  # both kinds present: a real test
    # at every saturated tanh or sigmoid entry the slope is below 0.02
    assert (1 - a1[masks[0]] ** 2).max() < 0.02 and (a2 * (1 - a2))[masks[1]].max() < 0.02


def test_saturation_grows_with_the_weight_scale():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(50, 30))
    sats = []
    for gain in (0.5, 1.0, 4.0, 16.0):
        net = initreg.Network([30, 40, 40, 2], "tanh", init=initreg.initializer("xavier", gain=gain),
                              rng=np.random.default_rng(4))
        st = initreg.layer_stats(net, X)
        sats.append(st.saturation.mean())
        # direct count
        assert st.saturation[1] == pytest.approx(np.mean(np.abs(st.activations[1]) > 0.99))
    assert sats[0] == 0.0 and sats[-1] > 0.8 and np.all(np.diff(sats) >= 0)


def test_track_layer_stats_keeps_the_snapshots():
    d = initreg.load_digits(seed=0).subset(120, rng=np.random.default_rng(0))
    net = initreg.Network([64, 16, 16, 10], "tanh", init="xavier", rng=np.random.default_rng(1))
    start = initreg.layer_stats(net, d.X_train[:40], d.y_train[:40])
    tr = initreg.track_layer_stats(net, d.X_train, d.y_train, epochs=4, lr=0.1, snapshots=[0, 2, 4],
                                   X_stats=d.X_train[:40], y_stats=d.y_train[:40])
    assert tr.epochs == [0, 2, 4] and len(tr.stats) == 3
    np.testing.assert_allclose(tr.at(0).activations[0], start.activations[0])
    assert not np.allclose(tr.at(4).activations[0], start.activations[0])
    assert tr.accuracy_at(4) == tr.history.accuracy[-1]
    end = initreg.layer_stats(net, d.X_train[:40], d.y_train[:40])
    np.testing.assert_allclose(tr.at(4).activations[1], end.activations[1])
    with pytest.raises(ValueError, match="recorded epochs"):
        tr.at(3)
    with pytest.raises(ValueError, match="no test data"):
        tr.accuracy_at(4, test=True)


def test_signal_propagation_follows_k_to_the_l():
    for k in (0.8, 1.0, 1.25):
        run = initreg.signal_propagation(k, 20, "linear", width=256, m=256, rng=np.random.default_rng(5))
        ratio = run.var_a / run.predicted()
        # one layer's factor fluctuates by about √2/n relative; allow 4 sd over 20 layers, doubled
        assert np.all(np.abs(np.log(ratio)) < 8 * math.sqrt(2 * 20) / 256 + 0.05), ratio
    # ReLU at He's k = 2: one unit's relu(g)² has relative sd √5, so one layer's factor at most
    # √(5/n) (one input, or inputs all pointing the same way); allow 4 sd of the sum over L layers
    L, n = 10, 512
    relu = initreg.signal_propagation(2.0, L, "relu", width=n, m=64, rng=np.random.default_rng(6))
    assert np.all(np.abs(np.log(relu.mean_square_a / relu.predicted_he())) < 4 * math.sqrt(5 * L / n))
    tanh = initreg.signal_propagation(4.0, 10, "tanh", rng=np.random.default_rng(7))
    assert np.all(tanh.var_a[1:] < 1.0) and len(tanh.samples) == 11


def test_layer_factors_and_their_geometric_mean():
    run = initreg.signal_propagation(1.0, 30, "linear", width=64, m=32, rng=np.random.default_rng(20))
    f = run.layer_factors()
    assert f.shape == (30,)
    np.testing.assert_allclose(np.prod(f), run.mean_square_a[-1] / run.mean_square_a[0], rtol=1e-10)
    assert run.layer_factor() == pytest.approx(np.prod(f) ** (1 / 30), rel=1e-12)
    assert run.expected_factor() == 1.0
    relu = initreg.signal_propagation(3.0, 4, "relu", width=16, m=8, rng=np.random.default_rng(21))
    assert relu.expected_factor() == 1.5


@pytest.mark.parametrize("activation,c,k", [("linear", 2.0, 1.0), ("relu", 5.0, 2.0)])
def test_factor_spread_is_what_one_input_gives(activation, c, k):
    """With one input every layer's factor is independent of the others: their sample variance
    is the factor_spread()² of one layer (2/n linear, 5/n ReLU, not 5/(4n))."""
    n = 100
    run = initreg.signal_propagation(k, 2_000, activation, width=n, m=1, rng=np.random.default_rng(22), keep=1)
    assert run.factor_spread() == pytest.approx(math.sqrt(c / n))
    f = run.layer_factors() / run.expected_factor()
    check = initreg.check_variance(f, run.factor_spread() ** 2)
    assert check.ok, check
    assert initreg.check_mean(f, 1.0).ok
    assert run.factor_tolerance() == pytest.approx(4 * math.sqrt(c / (n * 2_000)))
    assert run.factor_tolerance(z=2.0) == pytest.approx(run.factor_tolerance() / 2)


def test_many_inputs_spread_less_than_one():
    """Inputs in many directions average the units' χ²₁ terms: far below √(2/n). (Deep in a linear
    network the inputs become nearly parallel and the spread climbs back to √(2/n), so the layers
    here are few.)"""
    def spread(m):
        f = np.concatenate([initreg.signal_propagation(1.0, 8, "linear", width=100, m=m,
                                                       rng=np.random.default_rng(s), keep=1).layer_factors()
                            for s in range(30)])
        return f.std() / f.mean()

    assert spread(1) == pytest.approx(math.sqrt(2 / 100), rel=0.15)
    assert spread(200) < 0.5 * math.sqrt(2 / 100)


def test_signal_propagation_by_scheme_name():
    n = 128
    for scheme, k in [("xavier", 1.0), ("he_normal", 2.0), ("he_uniform", 2.0), ("standard", 1 / 3),
                      ("glorot_normal", 1.0), ("glorot_uniform", 1.0)]:
        run = initreg.signal_propagation(scheme, 12, "linear", width=n, m=64, rng=np.random.default_rng(24))
        assert run.scheme == scheme and run.k == pytest.approx(k)
        assert abs(math.log(run.layer_factor() / k)) <= run.factor_tolerance(), scheme
    # "xavier" by name draws what k = 1 draws: the same generator, the same weights
    a = initreg.signal_propagation("xavier", 5, "tanh", width=32, m=8, rng=np.random.default_rng(25))
    b = initreg.signal_propagation(1.0, 5, "tanh", width=32, m=8, rng=np.random.default_rng(25))
    np.testing.assert_array_equal(a.var_a, b.var_a)
    assert b.scheme == "xavier×√k"


def test_spread_is_refused_for_tanh():
    run = initreg.signal_propagation(1.0, 3, "tanh", width=16, m=8, rng=np.random.default_rng(26))
    for method in (run.factor_spread, run.factor_tolerance, run.expected_factor):
        with pytest.raises(ValueError, match="activation must be one of linear, relu"):
            method()


def test_plots_draw():
    rng = np.random.default_rng(8)
    net = initreg.Network([10, 12, 12, 2], "relu", init="he_normal", rng=rng)
    st = initreg.layer_stats(net, rng.normal(size=(30, 10)), rng.integers(0, 2, 30))
    fig, axes = initreg.new_figure(6, 3, ncols=2)
    initreg.plot_layer_histograms(axes[0, 0], st, "activations")
    initreg.plot_layer_histograms(axes[0, 1], st, "gradients", layers=[2])
    assert len(axes[0, 0].lines) == 2 and len(axes[0, 1].lines) == 1
    with pytest.raises(ValueError, match="layers must lie in 1..2"):
        initreg.plot_layer_histograms(axes[0, 0], st, layers=[3])
    with pytest.raises(ValueError, match="kind must be one of"):
        initreg.plot_layer_histograms(axes[0, 0], st, kind="weights")
    run = initreg.signal_propagation(1.0, 5, "tanh", width=32, m=32, rng=rng)
    fig = initreg.plot_signal_propagation([run])
    assert fig.axes[0].get_yscale() == "log"
    fig = initreg.plot_activation_variance()
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) >= 4


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.layer_stats("net", np.zeros((2, 2))), TypeError, "net must be an initreg.Network"),
    (lambda: initreg.layer_stats(initreg.Network([3, 2], rng=np.random.default_rng(0)), np.zeros((2, 3))),
     ValueError, "no hidden layer"),
    (lambda: initreg.layer_stats(initreg.Network([3, 4, 2], rng=np.random.default_rng(0)), np.zeros((2, 4))),
     ValueError, "n\\[0\\] = 3 columns"),
    (lambda: initreg.saturated_fraction([0.1, 0.2], "softplus"), ValueError, "activation must be one of"),
    (lambda: initreg.saturated_fraction([], "tanh"), ValueError, "must not be empty"),
    (lambda: initreg.saturated_fraction([np.nan], "tanh"), ValueError, "NaN"),
    (lambda: initreg.signal_propagation(0.0, 3, "tanh", rng=np.random.default_rng(0)), ValueError, "k must be"),
    (lambda: initreg.signal_propagation(1.0, 0, "tanh", rng=np.random.default_rng(0)), ValueError, "depth"),
    (lambda: initreg.signal_propagation(1.0, 3, "tanh", rng=None), TypeError, "rng must be"),
    (lambda: initreg.signal_propagation("zeros", 3, "tanh", rng=np.random.default_rng(0)), ValueError,
     "k \\(a scheme name\\) must be one of standard, xavier"),
    (lambda: initreg.track_layer_stats(initreg.Network([3, 4, 2], rng=np.random.default_rng(0)),
                                       np.zeros((4, 3)), np.zeros(4, int), epochs=2, lr=0.1, snapshots=[3]),
     ValueError, "snapshots must lie in 0..epochs"),
    (lambda: initreg.track_layer_stats(initreg.Network([3, 4, 2], rng=np.random.default_rng(0)),
                                       np.zeros((4, 3)), np.zeros(4, int), epochs=2, lr=0.1, snapshots=[]),
     ValueError, "snapshots must be a non-empty"),
    (lambda: initreg.track_layer_stats(initreg.Network([3, 4, 2], rng=np.random.default_rng(0)),
                                       np.zeros((4, 3)), np.zeros(4, int), epochs=2, lr=0.1, snapshots=[1],
                                       X_stats=np.zeros((2, 3))), ValueError, "given together"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_variance_explorer_cuts_shallow_runs_from_one_deep_run():
    """The figure samples one 40-layer network per (activation, k) and shows its first L layers:
    exactly the run of depth L, whose input and weights come first from the same generator."""
    from initreg.diagnostics import _propagation

    for activation, k, depth in [("tanh", 1.25, 10), ("relu", 0.8, 7), ("linear", 2.0, 40)]:
        cut = _propagation(activation, k, depth)
        direct = initreg.signal_propagation(k, depth, activation, width=200, m=200,
                                            rng=np.random.default_rng(12345))
        assert cut.depth == depth and cut.activation == activation and cut.k == k
        for name in ("var_z", "var_a", "mean_square_a"):
            np.testing.assert_array_equal(getattr(cut, name), getattr(direct, name))
        assert len(cut.samples) == depth + 1
        for s, t in zip(cut.samples, direct.samples):
            np.testing.assert_array_equal(s, t)


def test_variance_explorer_is_set_up_once_and_draws_live_values():
    ex = initreg.variance_propagation_explorer()
    assert ex.retained
    cv = ex.canvas()
    cv.show(activation="relu", k=1.7, depth=2)  # a live value: two distinct layers, 1 and 2
    assert [s.get_visible() for s in cv.state["stairs"]] == [True, True, False]
    assert [t.get_text() for t in cv.state["hist_texts"][:2]] == ["a[1]", "a[2]"]
    assert cv.state["ax"].get_ylabel() == "E[a[l]²]" and cv.state["he"].get_visible()
    assert cv.state["ax"].get_title() == "relu, n·Var(w) = 1.7, depth 2"
    cv.show(activation="linear", k=0.5, depth=40)
    assert all(s.get_visible() for s in cv.state["stairs"])
    assert [t.get_text() for t in cv.state["hist_texts"]] == ["a[1]", "a[20]", "a[40]"]
    assert cv.state["ax"].get_ylabel() == "Var(a[l])" and not cv.state["he"].get_visible()
    assert [p.get_visible() for p in cv.state["shown_legend"].values()] == [False, True]

