"""Initializers: every scheme's variance against its formula, by sampling, and every bad input.

The expected variances are written out here from the papers, independently of
``init_variance``, so a wrong formula in the package fails twice: once against the
sample, once against the formula.

Statistical tolerances come from the sample size. For N independent draws with variance
σ² and fourth central moment μ₄, the sample variance s² has standard error
√((μ₄ − σ⁴ (N−3)/(N−1)) / N): √(2/(N−1))·σ² for a normal (μ₄ = 3σ⁴) and
≈ √(0.8/N)·σ² for a uniform (μ₄ = 9σ⁴/5). The sample mean has standard error σ/√N.
Each check allows Z = 5 standard errors (a false alarm about once in 1.7 million checks)
and runs over several seeds.
"""

import math

import numpy as np
import pytest

import initreg

Z = 5.0
SEEDS = (0, 1, 2)
SHAPES = [(40, 300), (300, 40)]  # (n_in, n_out): both orders, so n_in and n_out cannot be swapped

# The papers' formulas: Var(w) as a function of (n_in, n_out, scale), and the family.
EXPECTED = {
    "normal": (lambda i, o, s: s**2, "normal"),
    "uniform": (lambda i, o, s: s**2 / 3, "uniform"),
    "standard": (lambda i, o, s: 1 / (3 * i), "uniform"),  # Glorot & Bengio eq. 1: U[±1/√n_in]
    "xavier": (lambda i, o, s: 1 / i, "normal"),  # the source article: N(0, 1/n[l-1])
    "glorot_normal": (lambda i, o, s: 2 / (i + o), "normal"),
    "glorot_uniform": (lambda i, o, s: 2 / (i + o), "uniform"),  # U[±√(6/(n_in+n_out))]
    "he_normal": (lambda i, o, s: 2 / i, "normal"),
    "he_uniform": (lambda i, o, s: 2 / i, "uniform"),  # U[±√(6/n_in)]
}
BOUNDS = {
    "uniform": lambda i, o, s: s,
    "standard": lambda i, o, s: 1 / math.sqrt(i),
    "glorot_uniform": lambda i, o, s: math.sqrt(6 / (i + o)),
    "he_uniform": lambda i, o, s: math.sqrt(6 / i),
}
SCALE = {"normal": 0.7, "uniform": 0.4, "constant": -0.25}


def draw(scheme, n_in, n_out, seed, **kw):
    if scheme in SCALE and "scale" not in kw:
        kw["scale"] = SCALE[scheme]
    return initreg.init_weights(n_in, n_out, scheme, rng=np.random.default_rng(seed), **kw)


def variance_se(var, n, family):
    """Standard error of the sample variance of n draws."""
    if family == "normal":
        return math.sqrt(2 / (n - 1)) * var
    mu4 = 9 / 5 * var**2  # U[-a, a]: μ₄ = a⁴/5 = (9/5)·(a²/3)²
    return math.sqrt((mu4 - var**2 * (n - 3) / (n - 1)) / n)


def test_every_scheme_is_covered():
    assert set(EXPECTED) | {"zeros", "constant", "orthogonal"} == set(initreg.INIT_SCHEMES)
    assert len(initreg.INIT_SCHEMES) == len(set(initreg.INIT_SCHEMES)) == 11


@pytest.mark.parametrize("n_in,n_out", [(7, 3), (3, 7), (5, 5), (1, 4), (64, 64)])
def test_orthogonal_rows_or_columns_are_orthonormal(n_in, n_out):
    """Rows orthonormal when n_out ≤ n_in, columns otherwise; the mean square is 1/max(n_in, n_out)."""
    W = draw("orthogonal", n_in, n_out, 0)
    assert W.shape == (n_out, n_in)
    G = W @ W.T if n_out <= n_in else W.T @ W
    np.testing.assert_allclose(G, np.eye(min(n_in, n_out)), atol=1e-12)
    assert initreg.init_variance(n_in, n_out, "orthogonal") == 1 / max(n_in, n_out)
    assert abs(np.mean(W**2) - 1 / max(n_in, n_out)) < 1e-12
    g = initreg.initializer("orthogonal", gain=3.0)(n_in, n_out, np.random.default_rng(0))
    np.testing.assert_allclose(g, 3.0 * W, rtol=1e-15)


def test_orthogonal_is_uniform_over_rotations_and_reflections():
    """With R's diagonal signs moved into Q (as torch.nn.init.orthogonal_ does), Q is Haar:
    every entry has mean 0 and mean square 1/n. Householder QR alone makes Q[0, 0] ≤ 0."""
    n, draws = 6, 3000
    rng = np.random.default_rng(1)
    first = np.array([initreg.init_weights(n, n, "orthogonal", rng=rng)[0, 0] for _ in range(draws)])
    assert abs(first.mean()) < 4 * math.sqrt(1 / n / draws)
    assert abs(np.mean(first**2) - 1 / n) < 4 * math.sqrt(2 / n**2 / draws)


@pytest.mark.parametrize("scheme", sorted(EXPECTED))
@pytest.mark.parametrize("n_in,n_out", SHAPES)
def test_init_variance_is_the_papers_formula(scheme, n_in, n_out):
    formula, _ = EXPECTED[scheme]
    s = SCALE.get(scheme)
    got = initreg.init_variance(n_in, n_out, scheme, **({"scale": s} if s is not None else {}))
    assert got == pytest.approx(formula(n_in, n_out, s), rel=1e-12)


@pytest.mark.parametrize("scheme", sorted(EXPECTED))
@pytest.mark.parametrize("n_in,n_out", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_sample_variance_and_mean_match_the_formula(scheme, n_in, n_out, seed):
    formula, family = EXPECTED[scheme]
    var = formula(n_in, n_out, SCALE.get(scheme))
    w = draw(scheme, n_in, n_out, seed)
    n = w.size
    assert w.shape == (n_out, n_in)
    assert abs(w.mean()) < Z * math.sqrt(var / n), "the weights are centred on 0"
    assert abs(w.var(ddof=1) - var) < Z * variance_se(var, n, family), (
        f"{scheme}: sample variance {w.var(ddof=1):.6g}, formula {var:.6g}")


@pytest.mark.parametrize("scheme", sorted(EXPECTED))
def test_family_by_kurtosis(scheme):
    """Normal schemes have kurtosis 3, uniform ones 9/5: the distribution, not only its variance."""
    _, family = EXPECTED[scheme]
    w = draw(scheme, 200, 300, 0).ravel()
    kurt = np.mean((w - w.mean()) ** 4) / w.var() ** 2
    # the sample kurtosis of 60,000 draws has a standard error below 0.02 for both families
    assert kurt == pytest.approx(3.0 if family == "normal" else 1.8, abs=0.1)


@pytest.mark.parametrize("scheme", sorted(BOUNDS))
@pytest.mark.parametrize("n_in,n_out", SHAPES)
def test_uniform_schemes_stay_within_their_bounds_and_reach_them(scheme, n_in, n_out):
    a = BOUNDS[scheme](n_in, n_out, SCALE.get(scheme))
    w = draw(scheme, n_in, n_out, 3)
    assert np.all(np.abs(w) <= a)
    # 12,000 uniform draws: the largest |w| is within 0.1% of a unless p < (0.999)^12000 ≈ 6e-6
    assert np.abs(w).max() > 0.999 * a
    assert w.min() < 0 < w.max()


def test_zeros_and_constant_are_exact():
    z = draw("zeros", 7, 5, 0)
    assert z.shape == (5, 7) and np.all(z == 0.0) and not np.any(np.signbit(z))
    c = draw("constant", 7, 5, 0, scale=-0.25)
    assert c.shape == (5, 7) and np.all(c == -0.25)
    assert initreg.init_variance(7, 5, "zeros") == 0.0
    assert initreg.init_variance(7, 5, "constant", scale=3.0) == 0.0


def test_constant_schemes_do_not_touch_the_generator():
    rng = np.random.default_rng(5)
    initreg.init_weights(4, 3, "zeros", rng=rng)
    initreg.init_weights(4, 3, "constant", rng=rng, scale=1.0)
    assert rng.normal() == np.random.default_rng(5).normal()


@pytest.mark.parametrize("scheme", initreg.INIT_SCHEMES)
def test_same_seed_same_weights_other_seed_other_weights(scheme):
    a = draw(scheme, 30, 20, 11)
    b = draw(scheme, 30, 20, 11)
    assert np.array_equal(a, b)
    if scheme not in ("zeros", "constant"):
        assert not np.array_equal(a, draw(scheme, 30, 20, 12))


@pytest.mark.parametrize("scheme", initreg.INIT_SCHEMES)
def test_float32(scheme):
    w = draw(scheme, 6, 4, 0, dtype=np.float32)
    assert w.dtype == np.float32 and w.shape == (4, 6)


def test_normal_with_scale_zero_is_all_zeros():
    assert np.all(draw("normal", 5, 5, 0, scale=0.0) == 0.0)


# --------------------------------------------------------------------------- initializer()
@pytest.mark.parametrize("k", [0.01, 1.0, 100.0])
def test_initializer_gain_scales_the_variance(k):
    init = initreg.initializer("xavier", gain=math.sqrt(k))
    n_in, n_out = 50, 400
    w = init(n_in, n_out, np.random.default_rng(0))
    var = k / n_in
    assert w.shape == (n_out, n_in)
    assert abs(w.var(ddof=1) - var) < Z * variance_se(var, w.size, "normal")
    # the same draws as the unscaled scheme, times the gain
    base = initreg.init_weights(n_in, n_out, "xavier", rng=np.random.default_rng(0))
    np.testing.assert_allclose(w, base * math.sqrt(k), rtol=1e-15)


def test_initializer_gain_zero_gives_positive_zeros():
    w = initreg.initializer("xavier", gain=0.0)(8, 9, np.random.default_rng(0))
    assert np.all(w == 0.0) and not np.any(np.signbit(w))


def test_initializer_feeds_the_network():
    net = initreg.Network([3, 4, 2], "tanh", init=initreg.initializer("constant", scale=0.5),
                          rng=np.random.default_rng(0))
    assert all(np.all(w == 0.5) for w in net.weights)
    assert "constant" in net.init_name


# ----------------------------------------------------------------------------- bad inputs
def test_unknown_scheme_lists_every_valid_one():
    for call in (lambda: initreg.init_weights(3, 3, "xavir", rng=np.random.default_rng(0)),
                 lambda: initreg.init_variance(3, 3, "xavir"),
                 lambda: initreg.initializer("xavir")):
        with pytest.raises(ValueError) as err:
            call()
        msg = str(err.value)
        assert "scheme" in msg and "'xavir'" in msg
        assert all(s in msg for s in initreg.INIT_SCHEMES)
    with pytest.raises(TypeError, match="scheme must be a string"):
        initreg.init_weights(3, 3, None, rng=np.random.default_rng(0))


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, False, "3", None, np.float64(3.0)])
@pytest.mark.parametrize("param", ["n_in", "n_out"])
def test_sizes_must_be_positive_integers(param, bad):
    args = {"n_in": 3, "n_out": 4, param: bad}
    with pytest.raises(ValueError, match=f"{param} must be a positive integer"):
        initreg.init_weights(args["n_in"], args["n_out"], "xavier", rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=f"{param} must be a positive integer"):
        initreg.init_variance(args["n_in"], args["n_out"], "xavier")


def test_numpy_integers_are_sizes():
    w = initreg.init_weights(np.int64(3), np.int32(2), "xavier", rng=np.random.default_rng(0))
    assert w.shape == (2, 3)


@pytest.mark.parametrize("scheme", ["constant", "normal", "uniform"])
def test_scale_is_required_where_it_is_used(scheme):
    with pytest.raises(ValueError, match="scale is required"):
        initreg.init_weights(3, 3, scheme, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="scale is required"):
        initreg.init_variance(3, 3, scheme)
    with pytest.raises(ValueError, match="scale is required"):
        initreg.initializer(scheme)


@pytest.mark.parametrize("scheme", ["zeros", "standard", "xavier", "glorot_normal", "glorot_uniform",
                                    "he_normal", "he_uniform"])
def test_scale_is_refused_where_the_scheme_sets_its_own(scheme):
    with pytest.raises(ValueError, match="scale is only used by"):
        initreg.init_weights(3, 3, scheme, rng=np.random.default_rng(0), scale=1.0)
    with pytest.raises(ValueError, match="scale is only used by"):
        initreg.initializer(scheme, scale=1.0)


@pytest.mark.parametrize("scheme", ["normal", "uniform"])
def test_spread_scales_must_be_non_negative_and_finite(scheme):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="scale must be >= 0"):
        initreg.init_weights(3, 3, scheme, rng=rng, scale=-0.1)
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="scale must be finite"):
            initreg.init_weights(3, 3, scheme, rng=rng, scale=bad)
    for bad in ("1", True, [1.0]):
        with pytest.raises(TypeError, match="scale must be a real number"):
            initreg.init_weights(3, 3, scheme, rng=rng, scale=bad)


def test_constant_may_be_negative_but_finite():
    assert np.all(draw("constant", 2, 2, 0, scale=-3.0) == -3.0)
    for bad in (math.nan, math.inf):
        with pytest.raises(ValueError, match="scale must be finite"):
            draw("constant", 2, 2, 0, scale=bad)


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0), "seed", np.random.default_rng])
def test_rng_must_be_a_generator(bad):
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        initreg.init_weights(3, 3, "xavier", rng=bad)


@pytest.mark.parametrize("bad", [int, "float16", None, "nonsense", np.complex128])
def test_dtype_must_be_a_float(bad):
    with pytest.raises(TypeError, match="dtype must be numpy.float32 or numpy.float64"):
        initreg.init_weights(3, 3, "xavier", rng=np.random.default_rng(0), dtype=bad)


@pytest.mark.parametrize("bad,exc", [(math.nan, ValueError), (math.inf, ValueError), ("2", TypeError),
                                     (True, TypeError), (None, TypeError)])
def test_initializer_gain_must_be_a_finite_number(bad, exc):
    with pytest.raises(exc, match="gain"):
        initreg.initializer("xavier", gain=bad)


def test_a_gain_is_not_negative():
    with pytest.raises(ValueError, match="gain must be >= 0"):
        initreg.initializer("xavier", gain=-1.0)
    w = initreg.initializer("xavier", gain=0.0)(3, 4, np.random.default_rng(0))
    assert np.array_equal(w, np.zeros_like(w)) and not np.signbit(w).any()
