"""Bad input gets a clear error: the argument checks that the input audit
(benchmarks/audit_inputs.py) found missing, one test each, so they stay."""

import numpy as np
import pytest

import initreg


@pytest.fixture(scope="module")
def split():
    X, y = initreg.toy_data("circles", 60, rng=np.random.default_rng(0))
    return initreg.DataSplit(X[:40], y[:40], X[40:], y[40:], "circles")


@pytest.mark.parametrize("kw,match", [
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(epochs=2.5), "epochs must be a positive integer"),
    (dict(lr=-0.1), "lr must be > 0"),
    (dict(activation="tanhh"), "activation must be one of tanh, sigmoid, relu, linear"),
])
def test_capacity_and_training_curves_name_the_bad_argument(split, kw, match):
    args = dict(epochs=2, lr=0.1, seed=0, activation="tanh") | kw
    with pytest.raises(ValueError, match=match):
        initreg.capacity_curve(split, [2, 4], **args)
    with pytest.raises(ValueError, match=match):
        initreg.training_curve(split, 4, **args)


def test_a_variance_cannot_be_expected_negative():
    draws = np.random.default_rng(0).normal(size=100)
    with pytest.raises(ValueError, match="expected must be >= 0"):
        initreg.check_variance(draws, -1.0)
    assert initreg.check_mean(draws, -1.0).expected == -1.0  # a mean may be negative


def test_lasso_coordinate_is_1_or_2_not_a_bool():
    with pytest.raises(ValueError, match="k must be 1 or 2"):
        initreg.lasso_two_feature_zero(True)


def test_penalty_names_its_parameter_and_the_choices():
    with pytest.raises(ValueError, match="name must be one of none, l1, l2; got 'l3'"):
        initreg.penalty("l3", 0.1)
    with pytest.raises(ValueError, match="penalty must be one of none, l1, l2"):  # train's own argument
        net = initreg.Network([2, 3, 1], "tanh", "sigmoid", rng=np.random.default_rng(0))
        initreg.train(net, np.zeros((4, 2)), np.zeros(4), epochs=1, lr=0.1, penalty="l3", lam=0.1)


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


def test_a_gain_is_not_negative():
    with pytest.raises(ValueError, match="gain must be >= 0"):
        initreg.initializer("xavier", gain=-1.0)
    w = initreg.initializer("xavier", gain=0.0)(3, 4, np.random.default_rng(0))
    assert np.array_equal(w, np.zeros_like(w)) and not np.signbit(w).any()


def test_landscape_labels_are_strings():
    X = np.random.default_rng(0).normal(size=(10, 2))
    y = X @ np.array([1.0, -1.0])
    with pytest.raises(TypeError, match="name must be a non-empty string"):
        initreg.least_squares_landscape(X, y, name=3)
    with pytest.raises(TypeError, match="title must be a non-empty string"):
        initreg.least_squares_landscape(X, y, title="  ")


def test_a_landscape_argument_names_land_and_the_choices():
    with pytest.raises(ValueError, match="land must be a Landscape or one of least_squares, himmelblau"):
        initreg.landscape_path("bogus", "l1")
    with pytest.raises(TypeError, match="land must be a Landscape or one of"):
        initreg.penalized_minimum(3, "l1", 0.1)
