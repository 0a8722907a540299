"""What the frameworks draw (initreg.frameworks): each default and each scheme's call,
reimplemented from the framework's source, against the book's schemes by sampling; the
truncated normal's constant against scipy; the fans of the (n_in, n_out) kernel layout; and
bad inputs."""

import numpy as np
import pytest
from scipy import stats

import initreg

N_IN, N_OUT = 300, 120  # unequal fans, so a wrong fan shows


def _kurtosis(w):
    return float(np.mean(w ** 4) / np.mean(w ** 2) ** 2)


def test_the_truncated_normal_constant_is_scipys_standard_deviation():
    var, kurt = initreg.truncated_normal_moments(2.0)
    tn = stats.truncnorm(-2, 2)
    assert np.sqrt(tn.var()) == pytest.approx(initreg.TRUNCATED_NORMAL_STD, abs=1e-15)
    assert var == pytest.approx(tn.var(), rel=1e-13)
    assert kurt == pytest.approx(tn.stats(moments="k") + 3, rel=1e-12)
    assert initreg.truncated_normal_moments(30.0)[1] == pytest.approx(3.0, rel=1e-9)  # no truncation left


@pytest.mark.parametrize("framework", initreg.FRAMEWORKS)
def test_each_default_has_the_variance_of_its_book_scheme(framework):
    d = initreg.FRAMEWORK_DEFAULTS[framework]
    W, b = initreg.default_draw(framework, N_IN, N_OUT, rng=np.random.default_rng(0))
    assert W.shape == (N_OUT, N_IN) and b.shape == (N_OUT,)
    assert W.var() == pytest.approx(initreg.init_variance(N_IN, N_OUT, d.book_scheme), rel=0.02)
    assert abs(W.mean()) < 0.01 * W.std()
    if framework == "pytorch":
        assert np.abs(W).max() <= 1 / np.sqrt(N_IN) and np.abs(b).max() <= 1 / np.sqrt(N_IN)
        assert d.bias_variance(N_IN) == pytest.approx(1 / (3 * N_IN))
        assert _kurtosis(W) == pytest.approx(1.8, abs=0.05)  # a uniform
    else:
        assert not b.any() and d.bias_variance(N_IN) == 0.0
    if framework == "flax":
        assert np.abs(W).max() < 2 / initreg.TRUNCATED_NORMAL_STD / np.sqrt(N_IN)
        assert _kurtosis(W) == pytest.approx(initreg.truncated_normal_moments()[1], abs=0.05)
    if framework == "keras":
        assert np.abs(W).max() <= np.sqrt(6 / (N_IN + N_OUT))


def test_pytorchs_bias_has_variance_one_over_three_n_in():
    _, b = initreg.default_draw("pytorch", 50, 40000, rng=np.random.default_rng(1))
    assert b.var() == pytest.approx(1 / (3 * 50), rel=0.03)


@pytest.mark.parametrize("framework", initreg.FRAMEWORKS)
@pytest.mark.parametrize("scheme", initreg.INIT_SCHEMES)
def test_every_call_draws_the_law_of_its_scheme(scheme, framework):
    scale = 0.3 if scheme in ("constant", "normal", "uniform") else None
    W = initreg.framework_draw(scheme, framework, N_IN, N_OUT, rng=np.random.default_rng(2), scale=scale)
    book = initreg.init_weights(N_IN, N_OUT, scheme, rng=np.random.default_rng(3), scale=scale)
    assert W.shape == (N_OUT, N_IN)
    if scheme in ("zeros", "constant"):
        np.testing.assert_array_equal(W, book)
    elif scheme == "orthogonal":
        np.testing.assert_allclose(W @ W.T, np.eye(N_OUT), atol=1e-12)  # n_out < n_in: orthonormal rows
        Wt = initreg.framework_draw(scheme, framework, N_OUT, N_IN, rng=np.random.default_rng(2))
        np.testing.assert_allclose(Wt.T @ Wt, np.eye(N_OUT), atol=1e-12)  # and columns the other way round
    else:
        assert W.var() == pytest.approx(initreg.init_variance(N_IN, N_OUT, scheme, scale=scale), rel=0.03)
        assert _kurtosis(W) == pytest.approx(_kurtosis(book), abs=0.15)
        assert W.min() < 0 < W.max()  # symmetric: JAX's own uniform(scale) would not be


def test_keras_and_flax_read_the_fans_from_the_kernel_layout():
    """He's 2/n_in must use the inputs' fan whichever way the framework stores the kernel."""
    for f in initreg.FRAMEWORKS:
        W = initreg.framework_draw("he_uniform", f, 500, 50, rng=np.random.default_rng(4))
        assert W.var() == pytest.approx(2 / 500, rel=0.03), f
        assert np.abs(W).max() <= np.sqrt(6 / 500)


def test_the_tables_have_a_row_per_framework_and_per_scheme():
    t = initreg.defaults_table()
    assert len(t.rows) == 3 and "kaiming_uniform_" in repr(t)
    s = initreg.scheme_calls_table()
    assert [r[0] for r in s.rows] == list(initreg.INIT_SCHEMES)
    assert set(initreg.SCHEME_CALLS) == set(initreg.INIT_SCHEMES)


@pytest.mark.parametrize("call, exc, words", [
    (lambda: initreg.default_draw("mxnet", 3, 2, rng=np.random.default_rng(0)), ValueError,
     "framework must be one of pytorch, keras, flax"),
    (lambda: initreg.default_draw("keras", 0, 2, rng=np.random.default_rng(0)), ValueError, "n_in"),
    (lambda: initreg.default_draw("keras", 3, 2, rng=1), TypeError, "rng"),
    (lambda: initreg.framework_draw("bogus", "keras", 3, 2, rng=np.random.default_rng(0)), ValueError, "scheme"),
    (lambda: initreg.framework_draw("normal", "keras", 3, 2, rng=np.random.default_rng(0)), ValueError,
     "scale is required"),
    (lambda: initreg.framework_draw("xavier", "keras", 3, 2, rng=np.random.default_rng(0), scale=1.0), ValueError,
     "scale is only used"),
    (lambda: initreg.truncated_normal_moments(0.0), ValueError, "bound"),
])
def test_bad_inputs_are_refused_by_name(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


def test_every_call_is_rendered_from_the_arguments_the_draw_uses():
    for scheme, calls in initreg.SCHEME_CALLS.items():
        for f, (call, name, kw) in calls.items():
            if name == "symmetric_uniform":
                assert "-s, s)" in call
                continue
            assert name in call, (scheme, f)
            for k, a in kw.items():
                assert f"{k}={a}" in call, (scheme, f, k)
