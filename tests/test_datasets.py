"""The data sets: the digits as scikit-learn bundles them, split and scaled."""

import numpy as np
import pytest

import initreg
from initreg.datasets import _digits_data


def test_the_digits_are_scikit_learns():
    from sklearn.datasets import load_digits

    X, y = _digits_data()
    bunch = load_digits()
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)
    assert not X.flags.writeable and not y.flags.writeable


def test_the_split_is_stratified_and_scaled_on_the_training_set():
    d = initreg.load_digits(seed=0)
    assert len(d.y_train) + len(d.y_test) == 1797
    counts = np.bincount(d.y_test, minlength=10) / np.bincount(np.r_[d.y_train, d.y_test], minlength=10)
    assert np.all(np.abs(counts - 0.25) < 0.01)
    sd = d.X_train.std(axis=0)
    np.testing.assert_allclose(d.X_train.mean(axis=0), 0, atol=1e-12)
    assert np.all((np.abs(sd - 1) < 1e-12) | (sd == 0))


@pytest.mark.parametrize("kw, match", [(dict(test_size=0.0), "test_size"), (dict(seed=-1), "seed"),
                                       (dict(scaling="minmax"), "scaling must be one of")])
def test_load_digits_names_a_bad_argument(kw, match):
    with pytest.raises(ValueError, match=match):
        initreg.load_digits(**kw)
