"""Per-layer statistics against direct numpy computations, saturation, bad inputs.
(Signal propagation is tests/test_propagation.py.)"""

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


def test_values_are_the_activations_or_the_gradients(small):
    net, X, y = small
    st = initreg.layer_stats(net, X, y)
    assert st.values() is st.activations and st.values("gradients") is st.gradients
    with pytest.raises(ValueError, match="kind must be one of activations, gradients"):
        st.values("weights")
    with pytest.raises(ValueError, match="pass labels y"):
        initreg.layer_stats(net, X).values("gradients")


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.layer_stats("net", np.zeros((2, 2))), TypeError, "net must be an initreg.Network"),
    (lambda: initreg.layer_stats(initreg.Network([3, 2], rng=np.random.default_rng(0)), np.zeros((2, 3))),
     ValueError, "no hidden layer"),
    (lambda: initreg.layer_stats(initreg.Network([3, 4, 2], rng=np.random.default_rng(0)), np.zeros((2, 4))),
     ValueError, "n\\[0\\] = 3 columns"),
    (lambda: initreg.saturated_fraction([0.1, 0.2], "softplus"), ValueError, "activation must be one of"),
    (lambda: initreg.saturated_fraction([], "tanh"), ValueError, "must not be empty"),
    (lambda: initreg.saturated_fraction([np.nan], "tanh"), ValueError, "NaN"),
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


@pytest.mark.parametrize("a,activation,match", [
    (np.array([0.1, np.inf]), "relu", "a must be finite"),
    (np.array([0.1, np.nan]), "tanh", "a must be finite"),
    (np.array([0.1, 1.5]), "tanh", r"a must be tanh activations, in \[-1, 1\]"),
    (np.array([-0.1, 0.5]), "sigmoid", r"a must be sigmoid activations, in \[0, 1\]"),
    (np.array([-0.1, 0.5]), "relu", r"a must be relu activations, in \[0, inf\]"),
])
def test_saturated_fraction_refuses_values_the_activation_cannot_take(a, activation, match):
    with pytest.raises(ValueError, match=match):
        initreg.saturated_fraction(a, activation)


# ------------------------------------------------ argument checks found by benchmarks/audit_inputs.py
@pytest.mark.parametrize("X,y,match", [
    ("x", np.zeros(4, int), "X must be"),
    (np.full((4, 3), np.nan), np.zeros(4, int), "X must contain only finite"),
    (np.zeros((4, 3)), None, "y must be"),
    (np.zeros((4, 3)), np.zeros(3, int), "y must be"),
])
def test_track_layer_stats_names_X_and_y_when_the_statistics_are_measured_on_them(X, y, match):
    net = initreg.Network([3, 4, 2], rng=np.random.default_rng(0))
    with pytest.raises((ValueError, TypeError), match=match):
        initreg.track_layer_stats(net, X, y, epochs=1, lr=0.1, snapshots=[0])


def test_track_layer_stats_names_X_stats_when_given():
    net = initreg.Network([3, 4, 2], rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="X_stats must have n"):
        initreg.track_layer_stats(net, np.zeros((4, 3)), np.zeros(4, int), epochs=1, lr=0.1, snapshots=[0],
                                  X_stats=np.zeros((2, 5)), y_stats=np.zeros(2, int))
