"""Under- and over-fitting, measured (initreg.generalization, the introduction): the capacity
and training-time curves against the networks they stand for, and bad inputs."""

import numpy as np
import pytest

import initreg


@pytest.fixture(scope="module")
def split():
    X, y = initreg.toy_data("circles", 60, rng=np.random.default_rng(0))
    return initreg.DataSplit(X[:40], y[:40], X[40:], y[40:], "circles")


def test_the_capacity_curve_is_the_error_of_each_width_trained_from_the_same_seed(split):
    curve = initreg.capacity_curve(split, [2, 8], epochs=30, lr=0.5, seed=3)
    for i, w in enumerate((2, 8)):
        net = initreg.Network([2, w, 2], "tanh", init="xavier", rng=np.random.default_rng(3))
        initreg.train(net, split.X_train, split.y_train, epochs=30, lr=0.5)
        # the errors counted here from the predictions, not from the training loop's records
        assert curve.train_error[i] == pytest.approx(np.mean(net.predict(split.X_train) != split.y_train))
        assert curve.test_error[i] == pytest.approx(np.mean(net.predict(split.X_test) != split.y_test))
        assert curve.test_loss[i] == pytest.approx(net.evaluate(split.X_test, split.y_test)[0], rel=1e-12)
    assert np.array_equal(curve.gap, curve.test_error - curve.train_error)


def test_the_training_curve_splits_the_test_loss_into_right_and_wrong(split):
    tc = initreg.training_curve(split, 8, epochs=40, lr=0.5, seed=1, record_every=10)
    assert tc.epoch.tolist() == [0, 10, 20, 30, 40]
    n = len(split.y_test)
    # the test loss of the training loop is the weighted mean of the callback's two parts
    parts = ((n - tc.n_wrong) * tc.test_loss_right + tc.n_wrong * tc.test_loss_wrong) / n
    assert np.allclose(parts, tc.series("test_loss"), rtol=1e-12)
    assert np.allclose(tc.n_wrong / n, 1 - tc.series("test_accuracy"))
    assert tc.at_best("test_loss") == tc.series("test_loss").min()
    assert tc.after_best("test_loss")[0] == tc.at_best("test_loss")


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


def test_the_curves_want_a_data_split():
    with pytest.raises(TypeError, match=r"data must be an initreg.DataSplit \(e.g. initreg.load_digits\(\)\); got tuple"):
        initreg.capacity_curve((np.zeros((4, 2)), np.zeros(4)), [2], epochs=1, lr=0.1, seed=0)
