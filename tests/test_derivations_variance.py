"""The SymPy derivations of chapter 2 against their closed forms, and the sampled checks."""

import math

import numpy as np
import pytest
import sympy as sp

import initreg

S = initreg.VARIANCE_SYMBOLS


def same(expr, expected):
    return sp.simplify(sp.expand(expr - expected)) == 0


@pytest.mark.parametrize("method", ["moments", "stats"])
def test_product_rule(method):
    expr = initreg.product_variance(method)
    expected = S.mu_x**2 * S.var_w + S.mu_w**2 * S.var_x + S.var_x * S.var_w
    assert same(expr, expected)
    assert same(expr.subs({S.mu_x: 0, S.mu_w: 0}), S.var_w * S.var_x)


def test_preactivation_variance_under_the_assumptions():
    expr = initreg.preactivation_variance()
    assert same(expr.subs(initreg.XAVIER_ASSUMPTIONS), S.n * S.var_w * S.var_x)


@pytest.mark.parametrize("drop,extra", [
    ("mu_x", S.n * S.mu_x**2 * S.var_w),  # E[x]²·Var(w) per input
    ("mu_w", S.n * S.mu_w**2 * S.var_x),
    ("sigma_b", S.var_b),  # a random bias adds its variance
])
def test_dropping_one_assumption_adds_its_term(drop, extra):
    keep = {k: v for k, v in initreg.XAVIER_ASSUMPTIONS.items() if k.name != drop}
    expr = initreg.preactivation_variance().subs(keep)
    assert same(expr, S.n * S.var_w * S.var_x + extra)


def test_correlation_needs_both_weights_and_inputs():
    expr = initreg.preactivation_variance().subs({S.mu_w: 0, S.mu_x: 0, S.sigma_b: 0})
    assert same(expr.subs(S.rho_w, 0), S.n * S.var_w * S.var_x)
    assert same(expr.subs(S.rho_x, 0), S.n * S.var_w * S.var_x)
    assert same(expr, S.n * S.var_w * S.var_x * (1 + (S.n - 1) * S.rho_w * S.rho_x))


def test_preactivation_variance_matches_a_direct_expansion():
    """Expand z² for n = 4 independent terms monomial by monomial, independently of the formula."""
    n = 4
    w = sp.symbols("w0:4")
    x = sp.symbols("x0:4")
    b = sp.Symbol("b")
    z = sum(wi * xi for wi, xi in zip(w, x)) + b
    def expect(poly_expr):
        total = 0
        for monom, coeff in sp.Poly(sp.expand(poly_expr), *w, *x, b).terms():
            term = coeff
            for power, sym in zip(monom, (*w, *x, b)):
                mu, var = ((S.mu_w, S.var_w) if sym in w else (S.mu_x, S.var_x) if sym in x else (0, S.var_b))
                term *= {0: 1, 1: mu, 2: var + mu**2}[power]
            total += term
        return total

    direct = expect(z**2) - expect(z) ** 2
    formula = initreg.preactivation_variance(n).subs({S.rho_w: 0, S.rho_x: 0})
    assert same(direct, formula)


def test_tanh_series_and_quadrature():
    series = initreg.tanh_variance_series(3)
    assert same(series, S.s**2 - 2 * S.s**4 + sp.Rational(17, 3) * S.s**6)
    for var in (1e-3, 1e-2):
        approx = float(series.subs(S.s, math.sqrt(var)))
        assert initreg.tanh_second_moment(var) == pytest.approx(approx, rel=50 * var**2)
    big = initreg.tanh_second_moment(np.array([1.0, 4.0, 100.0]))
    assert np.all(big < np.array([1.0, 4.0, 100.0])) and np.all(np.diff(big) > 0) and big[-1] < 1


def test_depth_rules():
    assert same(initreg.depth_variance(), S.k**S.L * S.var_x)
    assert same(initreg.forward_rule(), 1 / S.n_in)
    assert same(initreg.backward_rule(), 1 / S.n_out)
    glorot = initreg.glorot_rule()
    assert same(glorot, 2 / (S.n_in + S.n_out))
    # the harmonic mean of the forward and backward rules
    assert same(glorot, 2 / (1 / initreg.forward_rule() + 1 / initreg.backward_rule()))


def test_uniform_and_he():
    assert same(initreg.uniform_variance(), S.a**2 / 3)
    assert same(initreg.uniform_limit(initreg.glorot_rule()), sp.sqrt(6 / (S.n_in + S.n_out)))
    assert same(initreg.uniform_limit(1 / (3 * S.n_in)), 1 / sp.sqrt(S.n_in))
    assert same(initreg.relu_second_moment(), S.s**2 / 2)
    assert same(initreg.relu_mean(), S.s / sp.sqrt(2 * sp.pi))
    assert same(initreg.he_rule(), 2 / S.n_in)


def test_the_rules_agree_with_the_initializers():
    for n_in, n_out in [(64, 32), (100, 100)]:
        sub = {S.n_in: n_in, S.n_out: n_out}
        assert float(initreg.forward_rule().subs(sub)) == pytest.approx(initreg.init_variance(n_in, n_out, "xavier"))
        assert float(initreg.glorot_rule().subs(sub)) == pytest.approx(
            initreg.init_variance(n_in, n_out, "glorot_uniform"))
        assert float(initreg.he_rule().subs(sub)) == pytest.approx(initreg.init_variance(n_in, n_out, "he_normal"))


def test_sampled_preactivations_match_the_formula():
    rng = np.random.default_rng(0)
    cases = [dict(), dict(mean_x=1.0), dict(mean_w=0.2), dict(rho_w=0.5, rho_x=0.5), dict(var_b=0.5),
             dict(rho_x=0.8)]
    n, var_w, var_x = 20, 0.05, 2.0
    for kw in cases:
        z = initreg.sample_preactivations(n, 40_000, rng=rng, var_w=var_w, var_x=var_x, **kw)
        sub = {S.n: n, S.sigma_w: math.sqrt(var_w), S.sigma_x: math.sqrt(var_x),
               S.mu_w: kw.get("mean_w", 0.0), S.mu_x: kw.get("mean_x", 0.0),
               S.rho_w: kw.get("rho_w", 0.0), S.rho_x: kw.get("rho_x", 0.0),
               S.sigma_b: math.sqrt(kw.get("var_b", 0.0))}
        expected = float(initreg.preactivation_variance().subs(sub))
        check = initreg.check_variance(z, expected)
        assert check.ok, (kw, check)


def test_checks_can_fail():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 1, 10_000)
    assert initreg.check_variance(z, 1.0).ok
    assert not initreg.check_variance(z, 1.2).ok
    assert initreg.check_mean(z, 0.0).ok and not initreg.check_mean(z, 0.1).ok
    c = initreg.check_variance(z, 1.0)
    # the standard error of a normal sample variance is about sqrt(2/m)
    assert c.se == pytest.approx(math.sqrt(2 / z.size), rel=0.1)
    assert c.tolerance == pytest.approx(4 * c.se)


def test_sample_activations():
    rng = np.random.default_rng(2)
    z, a = initreg.sample_activations(1.7, 100_000, "relu", rng=rng)
    assert initreg.check_mean(a**2, 1.7 / 2).ok
    assert initreg.check_mean(a, math.sqrt(1.7) / math.sqrt(2 * math.pi)).ok
    z, a = initreg.sample_activations(4.0, 50_000, "tanh", rng=rng)
    assert initreg.check_variance(a, initreg.tanh_second_moment(4.0)).ok
    z, a = initreg.sample_activations(1.0, 10, "sigmoid", rng=rng)
    assert np.all((a > 0) & (a < 1))
    z, a = initreg.sample_activations(1.0, 10, "linear", rng=rng)
    assert np.array_equal(z, a)


def test_conventions_table():
    t = initreg.xavier_conventions_table(64, 32)
    text = repr(t)
    assert "glorot_uniform" in text and "kaiming_normal_" in text and "1/√n_in" in text
    rows = {(r[0], r[1]): float(r[-1]) for r in t.rows}
    assert rows[("source article (Chadha 2020)", "Xavier")] == pytest.approx(1 / 64, abs=1e-5)
    assert rows[("Keras", "glorot_uniform (Dense default)")] == pytest.approx(2 / 96, abs=1e-5)
    assert rows[("PyTorch", "kaiming_normal_")] == pytest.approx(2 / 64, abs=1e-5)
    assert "<table>" in t._repr_html_()
    assert initreg.PYTORCH_GAINS["tanh"] == sp.Rational(5, 3)
    assert initreg.PYTORCH_GAINS["relu"] ** 2 == 2


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.product_variance("guess"), ValueError, "method must be one of moments, stats"),
    (lambda: initreg.preactivation_variance(0), ValueError, "n must be a positive integer"),
    (lambda: initreg.tanh_variance_series(0), ValueError, "order"),
    (lambda: initreg.tanh_second_moment(-1.0), ValueError, "var_z"),
    (lambda: initreg.uniform_limit(-1), ValueError, "variance must be a positive"),
    (lambda: initreg.sample_preactivations(0, 10, rng=np.random.default_rng(0)), ValueError, "n must"),
    (lambda: initreg.sample_preactivations(5, 10, rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (lambda: initreg.sample_preactivations(5, 10, rng=np.random.default_rng(0), rho_x=1.5), ValueError, "rho_x"),
    (lambda: initreg.sample_preactivations(5, 10, rng=np.random.default_rng(0), var_w=0), ValueError, "var_w"),
    (lambda: initreg.sample_activations(1.0, 10, "softplus", rng=np.random.default_rng(0)), ValueError,
     "activation must be one of"),
    (lambda: initreg.check_variance([1.0], 1.0), ValueError, "at least 2"),
    (lambda: initreg.check_mean([1.0, 2.0], 1.0, z=0), ValueError, "z must be"),
    (lambda: initreg.xavier_conventions_table(0, 3), ValueError, "n_in"),
])
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_relax_assumptions_and_counter_examples():
    assert same(initreg.relax_assumptions(), S.n * S.var_w * S.var_x)
    assert same(initreg.relax_assumptions("sigma_b"), S.n * S.var_w * S.var_x + S.var_b)
    rng = np.random.default_rng(5)
    full, naive = initreg.check_preactivations(20, 20_000, rng=rng, var_w=0.05, var_x=2.0, mean_x=1.0)
    assert full.ok and not naive.ok
    full, naive = initreg.check_preactivations(20, 20_000, rng=rng, var_w=0.05, var_x=2.0)
    assert full.ok and naive.ok and full.expected == pytest.approx(2.0)
    with pytest.raises(ValueError, match="names must be one of"):
        initreg.relax_assumptions("mu_z")
    with pytest.raises(ValueError, match="breaks must be among"):
        initreg.check_preactivations(5, 10, rng=rng, mean_z=1.0)


# ------------------------------------------------ moments, spreads and one layer's factors
def test_activation_moments_against_the_normal_moments():
    for p, linear in [(1, 0), (2, S.s**2), (3, 0), (4, 3 * S.s**4), (6, 15 * S.s**6)]:
        assert same(initreg.activation_moment("linear", p), linear)
    assert same(initreg.activation_moment("relu", 1), S.s / sp.sqrt(2 * sp.pi))
    # ReLU keeps the half z > 0: half of every even moment
    for p in (2, 4, 6):
        assert same(initreg.activation_moment("relu", p), initreg.activation_moment("linear", p) / 2)
    assert same(initreg.activation_moment("relu", 2), initreg.relu_second_moment())


def test_square_spread_is_sqrt2_and_sqrt5_and_matches_sampling():
    assert same(initreg.square_spread("linear"), sp.sqrt(2))
    assert same(initreg.square_spread("relu"), sp.sqrt(5))
    rng = np.random.default_rng(11)
    z = rng.normal(0.0, 1.3, 400_000)
    for act, a in (("linear", z), ("relu", np.maximum(z, 0.0))):
        sq = a**2
        assert sq.std() / sq.mean() == pytest.approx(float(initreg.square_spread(act)), rel=0.02)


def test_the_spread_constants_of_propagation_are_the_derived_ones():
    from initreg.propagation import _SQUARE_SPREAD

    for act, c in _SQUARE_SPREAD.items():
        assert c == pytest.approx(float(initreg.square_spread(act)), rel=1e-14)


def test_tanh_derivative_second_moment():
    got = initreg.tanh_derivative_second_moment(np.array([0.0, 0.01, 1.0, 4.0]))
    assert got[0] == pytest.approx(1.0) and np.all(np.diff(got) < 0)
    # tanh'(z)^2 = 1 - 2z^2 + 7z^4/3 - ..., so E[tanh'(z)^2] = 1 - 2 Var(z) + 7 Var(z)^2 - ...
    assert got[1] == pytest.approx(1 - 2 * 0.01 + 7 * 0.01**2, abs=1e-4)  # next term O(Var³)
    rng = np.random.default_rng(12)
    z = rng.normal(0.0, 1.0, 200_000)
    assert initreg.check_mean((1 - np.tanh(z) ** 2) ** 2, initreg.tanh_derivative_second_moment(1.0)).ok
    assert isinstance(initreg.tanh_derivative_second_moment(0.5), float)


def test_truncated_normal_variance_is_keras_constant():
    sd = math.sqrt(float(initreg.truncated_normal_variance(2)))
    assert abs(sd - 0.87962566103423978) < 1e-15
    # independent: the variance of a standard normal cut to ±c from the closed form
    for c in (0.5, 1.0, 3.0):
        phi = math.exp(-c * c / 2) / math.sqrt(2 * math.pi)
        closed = 1 - 2 * c * phi / math.erf(c / math.sqrt(2))
        assert float(initreg.truncated_normal_variance(c)) == pytest.approx(closed, rel=1e-12)


def test_layer_factors_measure_both_fans_and_their_spread():
    rng = np.random.default_rng(13)
    n_in, n_out = 300, 60
    W = initreg.init_weights(n_in, n_out, "glorot_normal", rng=rng)
    f = initreg.layer_factors(W, 800, rng=rng)
    var = 2 / (n_in + n_out)
    assert f.n_in == n_in and f.n_out == n_out
    assert f.forward == pytest.approx(n_in * var, rel=4 * f.forward_spread)
    assert f.backward == pytest.approx(n_out * var, rel=4 * f.backward_spread)
    # one input: the spread is the largest one, √(2/n_out) forward and √(2/n_in) backward
    one = initreg.layer_factors(W, 1, rng=rng)
    assert one.forward_spread == pytest.approx(math.sqrt(2 / n_out))
    assert one.backward_spread == pytest.approx(math.sqrt(2 / n_in))
    assert f.forward_spread < one.forward_spread and f.backward_spread < one.backward_spread
    # the stated spread against the spread of many independent W, for fixed inputs
    x_rng = np.random.default_rng(14)
    state = x_rng.bit_generator.state
    factors = []
    for _ in range(600):
        x_rng.bit_generator.state = state  # the same x and δ every time
        factors.append(initreg.layer_factors(rng.normal(0, 1 / math.sqrt(n_in), (n_out, n_in)), 50, rng=x_rng))
    fwd = np.array([g.forward for g in factors])
    assert fwd.std(ddof=1) / fwd.mean() == pytest.approx(factors[0].forward_spread, rel=0.15)
    assert "forward" in repr(f)


@pytest.mark.parametrize("call,exc,match", [
    (lambda: initreg.activation_moment("tanh", 2), ValueError, "activation must be one of linear, relu"),
    (lambda: initreg.activation_moment("relu", 0), ValueError, "p must be a positive integer"),
    (lambda: initreg.square_spread("sigmoid"), ValueError, "activation must be one of"),
    (lambda: initreg.tanh_derivative_second_moment(-0.1), ValueError, "var_z"),
    (lambda: initreg.truncated_normal_variance(0), ValueError, "c must be"),
    (lambda: initreg.truncated_normal_variance(-sp.Integer(1)), ValueError, "c must be positive"),
    (lambda: initreg.layer_factors(np.ones(3), 5, rng=np.random.default_rng(0)), ValueError, "W must have 2"),
    (lambda: initreg.layer_factors(np.ones((3, 2)), 0, rng=np.random.default_rng(0)), ValueError, "m must"),
    (lambda: initreg.layer_factors(np.ones((3, 2)), 5, rng=1), TypeError, "rng must be"),
])
def test_bad_inputs_of_the_new_functions(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_a_variance_cannot_be_expected_negative():
    draws = np.random.default_rng(0).normal(size=100)
    with pytest.raises(ValueError, match="expected must be >= 0"):
        initreg.check_variance(draws, -1.0)
    assert initreg.check_mean(draws, -1.0).expected == -1.0  # a mean may be negative


# ------------------------------------------------ argument checks found by benchmarks/audit_inputs.py
@pytest.mark.parametrize("variance,exc", [(None, TypeError), ([1, 2], TypeError), (True, TypeError),
                                          ("1/(", ValueError), (-1, ValueError), (0, ValueError)])
def test_uniform_limit_names_a_bad_variance(variance, exc):
    with pytest.raises(exc, match="variance must be"):
        initreg.uniform_limit(variance)


def test_uniform_limit_still_takes_a_number():
    assert initreg.uniform_limit(sp.Rational(1, 3)) == 1 and initreg.uniform_limit(3) == 3
