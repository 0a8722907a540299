"""Variance propagation, derived with SymPy: Var(z) = n·Var(w)·Var(x), then Xavier, Glorot and He.

Every derivation step of {ref}`chap-derivation` is a function that returns a SymPy
expression in the symbols of :data:`VARIANCE_SYMBOLS`, so a test can compare it with its
closed form (``sympy.simplify(expr - expected) == 0``) and the chapter can print it:

==========================  ==========================================================
:func:`product_variance`    Var(XY) = E[X]²Var(Y) + E[Y]²Var(X) + Var(X)Var(Y), X ⫫ Y
:func:`preactivation_variance`  Var(z) for z = Σᵢ wᵢxᵢ + b, every assumption a symbol
:func:`tanh_variance_series`    E[tanh(z)²] = s² − 2s⁴ + … for z ~ N(0, s²)
:func:`depth_variance`      Var(a[L]) = (n·Var(w))^L · Var(x), solved by ``rsolve``
:func:`forward_rule`        n[l-1]·Var(w) = 1  →  Var(w) = 1/n[l-1] (the source article)
:func:`backward_rule`       n[l]·Var(w) = 1    →  Var(w) = 1/n[l]
:func:`glorot_rule`         the compromise 2/(n[l-1] + n[l])
:func:`uniform_variance`    Var(U[-a, a]) = a²/3, integrated; :func:`uniform_limit` inverts it
:func:`relu_second_moment`  E[ReLU(z)²] = Var(z)/2 for z ~ N(0, s²), integrated
:func:`activation_moment`   E[g(z)^p] for g linear or ReLU, integrated (E[ReLU(z)⁴] = 3s⁴/2)
:func:`square_spread`       sd/mean of g(z)²: √2 (linear, a χ²₁) and √5 (ReLU)
:func:`he_rule`             n[l-1]·Var(w)/2 = 1  →  Var(w) = 2/n[l-1]
:func:`truncated_normal_variance`  Var of N(0, 1) cut to [−c, c] (Keras's truncated normals)
==========================  ==========================================================

The numerical side samples the same quantities: :func:`sample_preactivations` draws
``z`` under any mix of the assumptions, :func:`layer_factors` measures one layer's forward
and backward factors, :func:`tanh_second_moment` and :func:`tanh_derivative_second_moment`
give E[tanh(z)²] and E[tanh′(z)²] by quadrature, and :func:`check_variance` /
:func:`check_mean` compare a sample with a formula within a tolerance derived from the
sample size.
:data:`XAVIER_CONVENTIONS` lists what "Xavier" means in each source.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import sympy as sp

from .. import _validate as v
from ..tables import TextTable as _TextTable

__all__ = [
    "VARIANCE_SYMBOLS",
    "XAVIER_ASSUMPTIONS",
    "product_variance",
    "preactivation_variance",
    "relax_assumptions",
    "tanh_variance_series",
    "tanh_second_moment",
    "tanh_derivative_second_moment",
    "depth_variance",
    "forward_rule",
    "backward_rule",
    "glorot_rule",
    "uniform_variance",
    "uniform_limit",
    "relu_second_moment",
    "relu_mean",
    "activation_moment",
    "square_spread",
    "he_rule",
    "truncated_normal_variance",
    "sample_preactivations",
    "sample_activations",
    "check_preactivations",
    "LayerFactors",
    "layer_factors",
    "SampledCheck",
    "check_variance",
    "check_mean",
    "XAVIER_CONVENTIONS",
    "PYTORCH_GAINS",
    "xavier_conventions_table",
]

# ---------------------------------------------------------------------------- symbols
_n = sp.Symbol("n", positive=True, integer=True)
_n_in = sp.Symbol("n_in", positive=True, integer=True)  # n[l-1]
_n_out = sp.Symbol("n_out", positive=True, integer=True)  # n[l]
_mu_w = sp.Symbol("mu_w", real=True)
_mu_x = sp.Symbol("mu_x", real=True)
_sigma_w = sp.Symbol("sigma_w", positive=True)
_sigma_x = sp.Symbol("sigma_x", positive=True)
_sigma_b = sp.Symbol("sigma_b", nonnegative=True)
_var_w, _var_x, _var_b = _sigma_w**2, _sigma_x**2, _sigma_b**2
_rho_w = sp.Symbol("rho_w", real=True)
_rho_x = sp.Symbol("rho_x", real=True)
_s = sp.Symbol("s", positive=True)  # a standard deviation, s² = Var(z)
_a = sp.Symbol("a", positive=True)  # the half-width of U[-a, a]
_L = sp.Symbol("L", integer=True, nonnegative=True)
_k = sp.Symbol("k", positive=True)  # the per-layer factor n·Var(w)

#: The symbols of every derivation, by name: ``n``; ``n_in`` = n[l-1] and ``n_out`` = n[l];
#: the means ``mu_w``, ``mu_x``; the standard deviations ``sigma_w``, ``sigma_x``, ``sigma_b``
#: and the variances ``var_w`` = σ_w², ``var_x`` = σ_x², ``var_b`` = σ_b²; ``rho_w``, ``rho_x``
#: (the correlation of two weights of a row, of two inputs of an example); ``s`` (the
#: standard deviation of z), ``a`` (the half-width of a uniform law), ``L`` (the depth)
#: and ``k`` = n·Var(w), the factor one layer multiplies the variance by.
VARIANCE_SYMBOLS = SimpleNamespace(
    n=_n, n_in=_n_in, n_out=_n_out, mu_w=_mu_w, mu_x=_mu_x, sigma_w=_sigma_w, sigma_x=_sigma_x,
    sigma_b=_sigma_b, var_w=_var_w, var_x=_var_x, var_b=_var_b, rho_w=_rho_w, rho_x=_rho_x,
    s=_s, a=_a, L=_L, k=_k,
)

#: The source article's assumptions as substitutions: zero means (1), independence (2),
#: zero biases (3). Assumption 4, tanh linear near 0, is :func:`tanh_variance_series`.
XAVIER_ASSUMPTIONS: dict[sp.Symbol, int] = {_mu_w: 0, _mu_x: 0, _rho_w: 0, _rho_x: 0, _sigma_b: 0}


# ------------------------------------------------------------------ symbolic derivations
def product_variance(method: str = "moments") -> sp.Expr:
    """Var(XY) for independent X, Y with means μ_x, μ_w and variances σ_x², σ_w².

    ``"moments"``: Var(XY) = E[X²]E[Y²] − (E[X]E[Y])² with E[X²] = σ² + μ², expanded;
    ``"stats"``: ``sympy.stats.variance`` of the product of two independent normals.
    Both give μ_x²σ_w² + μ_w²σ_x² + σ_x²σ_w², which is σ_w²σ_x² when both means are 0.
    Step 1 of {ref}`chap-derivation`.
    """
    v.choice(method, "method", ("moments", "stats"))
    if method == "moments":
        ex2 = _var_x + _mu_x**2
        ew2 = _var_w + _mu_w**2
        return sp.expand(ex2 * ew2 - (_mu_x * _mu_w) ** 2)
    from sympy import stats

    X = stats.Normal("X", _mu_x, _sigma_x)
    W = stats.Normal("W", _mu_w, _sigma_w)
    return sp.expand(sp.simplify(stats.variance(X * W)))


def preactivation_variance(n: int | sp.Expr | None = None) -> sp.Expr:
    """Var(z) for z = Σᵢ₌₁ⁿ wᵢxᵢ + b, from moments, with every assumption left as a symbol.

    The weights of a row are equicorrelated (corr ρ_w), so are the inputs of an example
    (corr ρ_x), the weights are independent of the inputs, and b has variance σ_b²:

    Var(z) = n(σ_w²+μ_w²)(σ_x²+μ_x²) + n(n−1)(ρ_wσ_w²+μ_w²)(ρ_xσ_x²+μ_x²) − n²μ_w²μ_x² + σ_b².

    Substituting :data:`XAVIER_ASSUMPTIONS` gives **Var(z) = n·Var(w)·Var(x)**; dropping one
    substitution shows what that assumption bought. ``n`` defaults to the symbol n.
    Step 2 of {ref}`chap-derivation`.
    """
    n = _n if n is None else (v.positive_int(n, "n") if not isinstance(n, sp.Basic) else n)
    e_wx2 = (_var_w + _mu_w**2) * (_var_x + _mu_x**2)  # E[(w_i x_i)^2], w independent of x
    e_cross = (_rho_w * _var_w + _mu_w**2) * (_rho_x * _var_x + _mu_x**2)  # E[w_i x_i w_j x_j], i != j
    e_z = n * _mu_w * _mu_x
    e_z2 = n * e_wx2 + n * (n - 1) * e_cross + _var_b  # + E[b²] − E[b]², b independent, E[b] = 0
    return sp.expand(e_z2 - e_z**2)


def relax_assumptions(*names: str) -> sp.Expr:
    """:func:`preactivation_variance` with the named symbols free and every other assumption on.

    ``names`` are among ``mu_w``, ``mu_x`` (assumption 1), ``rho_w``, ``rho_x`` (2) and
    ``sigma_b`` (3). ``relax_assumptions("mu_x")`` is n·σ_w²·σ_x² + n·μ_x²·σ_w²: the term
    that assumption 1 removed. See {ref}`chap-derivation`.
    """
    valid = tuple(k.name for k in XAVIER_ASSUMPTIONS)
    for name in names:
        v.choice(name, "names", valid)
    keep = {k: val for k, val in XAVIER_ASSUMPTIONS.items() if k.name not in names}
    return sp.factor_terms(preactivation_variance().subs(keep))


def tanh_variance_series(order: int = 3) -> sp.Expr:
    """E[tanh(z)²] = Var(tanh z) for z ~ N(0, s²), as a power series in s² to ``order`` terms.

    Expands tanh(z)² in powers of z and replaces z^{2j} by its normal moment
    s^{2j}(2j−1)!!: s² − 2s⁴ + 17s⁶/3 − …, so Var(a) ≈ Var(z) while Var(z) is small
    (the source article's fourth assumption) and falls below it as Var(z) grows. The series
    is asymptotic, good for small s only. Step 3 of {ref}`chap-derivation`.
    """
    order = v.positive_int(order, "order")
    z = sp.Symbol("z", real=True)
    poly = sp.series(sp.tanh(z) ** 2, z, 0, 2 * order + 2).removeO()
    out = sp.Integer(0)
    for j in range(1, order + 1):
        coeff = poly.coeff(z, 2 * j)
        out += coeff * _s ** (2 * j) * sp.factorial2(2 * j - 1)
    return sp.expand(out)


def _normal_expectation(f, var_z: float | np.ndarray, nodes: int) -> np.ndarray | float:
    """E[f(z)] for z ~ N(0, var_z), by Gauss–Hermite quadrature with ``nodes`` nodes."""
    arr = v.array(var_z, "var_z", ndim=(0, 1))
    if np.any(arr < 0):
        raise ValueError("var_z must be >= 0")
    nodes = v.positive_int(nodes, "nodes")
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    out = (f(np.sqrt(arr)[..., None] * x) * (w / w.sum())).sum(axis=-1)
    return float(out) if arr.ndim == 0 else out


def tanh_second_moment(var_z: float | np.ndarray, *, nodes: int = 80) -> np.ndarray | float:
    """E[tanh(z)²] for z ~ N(0, var_z), by Gauss–Hermite quadrature (exact to ~1e-12).

    The numerical counterpart of :func:`tanh_variance_series`, valid for every variance.
    """
    return _normal_expectation(lambda z: np.tanh(z) ** 2, var_z, nodes)


def tanh_derivative_second_moment(var_z: float | np.ndarray, *, nodes: int = 80) -> np.ndarray | float:
    """E[tanh′(z)²] = E[(1 − tanh(z)²)²] for z ~ N(0, var_z), by Gauss–Hermite quadrature.

    Back-propagation multiplies ∂J/∂a[l] by g′(z[l]) to get ∂J/∂z[l], so in a tanh layer
    the gradient's variance is multiplied by E[tanh′(z)²] (for g′ independent of ∂J/∂a).
    It is 1 only in the limit Var(z) → 0: the backward rule's assumption g′(z) ≈ 1.
    Step 5 of {ref}`chap-derivation`.
    """
    return _normal_expectation(lambda z: (1.0 - np.tanh(z) ** 2) ** 2, var_z, nodes)


def depth_variance() -> sp.Expr:
    """Var(a[L]) for L linear layers: the recurrence v[l] = k·v[l−1], v[0] = Var(x), solved.

    ``sympy.rsolve`` gives v[L] = k^L·Var(x) with k = n·Var(w): the signal vanishes
    when k < 1, keeps its variance when k = 1 and explodes when k > 1.
    Step 3 of {ref}`chap-derivation`.
    """
    l = sp.Symbol("l", integer=True, nonnegative=True)
    vfun = sp.Function("v")
    sol = sp.rsolve(vfun(l) - _k * vfun(l - 1), vfun(l), {vfun(0): _var_x})
    return sp.simplify(sol.subs(l, _L))


def forward_rule() -> sp.Expr:
    """Var(w) that keeps the forward variance: ``sympy.solve`` of n[l-1]·Var(w) = 1.

    Gives 1/n[l-1], the source article's W[l] ~ N(0, 1/n[l-1]). Step 4 of {ref}`chap-derivation`.
    """
    (sol,) = sp.solve(sp.Eq(_n_in * _var_w, 1), _var_w)
    return sol


def backward_rule() -> sp.Expr:
    """Var(w) that keeps the back-propagated variance: solve n[l]·Var(w) = 1, giving 1/n[l].

    Backward, ∂J/∂a[l-1] = W[l]ᵀ ∂J/∂z[l] sums n[l] terms, so the same step as
    :func:`preactivation_variance` runs over the layer's outputs. Step 5 of {ref}`chap-derivation`.
    """
    (sol,) = sp.solve(sp.Eq(_n_out * _var_w, 1), _var_w)
    return sol


def glorot_rule() -> sp.Expr:
    """Glorot and Bengio's compromise: solve ((n[l-1] + n[l])/2)·Var(w) = 1 → 2/(n[l-1] + n[l]).

    It is the harmonic mean of the forward and backward rules 1/n[l-1] and 1/n[l].
    Step 5 of {ref}`chap-derivation`.
    """
    (sol,) = sp.solve(sp.Eq((_n_in + _n_out) / 2 * _var_w, 1), _var_w)
    return sol


def uniform_variance() -> sp.Expr:
    """Var(U[-a, a]) = ∫ x² /(2a) dx over [-a, a] = a²/3, integrated by SymPy (the mean is 0)."""
    x = sp.Symbol("x", real=True)
    return sp.integrate(x**2 / (2 * _a), (x, -_a, _a))


def uniform_limit(variance: sp.Expr) -> sp.Expr:
    """The half-width a > 0 of the U[-a, a] with the given variance: solve a²/3 = variance.

    ``uniform_limit(glorot_rule())`` is √6/√(n[l-1]+n[l]), Keras's ``glorot_uniform`` limit.
    """
    if not isinstance(variance, sp.Basic):
        if isinstance(variance, bool) or not isinstance(variance, (numbers.Real, str)):
            raise TypeError(f"variance must be a SymPy expression (or a number); got {type(variance).__name__}")
        try:
            variance = sp.sympify(variance)
        except sp.SympifyError as exc:
            raise ValueError(f"variance must be a SymPy expression; got {variance!r}") from exc
    sols = [s for s in sp.solve(sp.Eq(uniform_variance(), variance), _a) if s.is_positive is not False]
    if len(sols) != 1:
        raise ValueError(f"variance must be a positive expression; got {variance!r}")
    return sp.simplify(sols[0])


def _normal_density(z: sp.Symbol) -> sp.Expr:
    return sp.exp(-(z**2) / (2 * _s**2)) / sp.sqrt(2 * sp.pi * _s**2)


def relu_second_moment() -> sp.Expr:
    """E[ReLU(z)²] = ∫₀^∞ z² φ(z; 0, s²) dz = s²/2 = Var(z)/2 for z ~ N(0, s²).

    Half of the mass of a symmetric z is cut to 0 and the other half keeps its square,
    so ReLU halves the second moment. Step 6 of {ref}`chap-derivation`.
    """
    z = sp.Symbol("z", real=True)
    return sp.integrate(z**2 * _normal_density(z), (z, 0, sp.oo))


def relu_mean() -> sp.Expr:
    """E[ReLU(z)] = s/√(2π) for z ~ N(0, s²): a ReLU layer's output is *not* zero-mean."""
    z = sp.Symbol("z", real=True)
    return sp.simplify(sp.integrate(z * _normal_density(z), (z, 0, sp.oo)))


def activation_moment(activation: str, p: int) -> sp.Expr:
    """E[g(z)^p] for z ~ N(0, s²), integrated against the normal density by SymPy.

    ``"linear"`` (g(z) = z): s^p·(p−1)!! for even p, 0 for odd p; ``"relu"``: the integral
    over z > 0 only, half of the linear moment for even p (E[ReLU(z)²] = s²/2,
    E[ReLU(z)⁴] = 3s⁴/2) and E[ReLU(z)] = s/√(2π). Step 6 of {ref}`chap-derivation`.
    """
    v.choice(activation, "activation", ("linear", "relu"))
    p = v.positive_int(p, "p")
    z = sp.Symbol("z", real=True)
    lower = -sp.oo if activation == "linear" else sp.Integer(0)
    return sp.simplify(sp.integrate(z**p * _normal_density(z), (z, lower, sp.oo)))


def square_spread(activation: str) -> sp.Expr:
    """The relative spread sd/mean of g(z)² for z ~ N(0, s²): √(E[g(z)⁴]/E[g(z)²]² − 1).

    ``"linear"``: √(3s⁴/s⁴ − 1) = √2 (z²/s² is a χ²₁ variable); ``"relu"``:
    Var(ReLU(z)²) = 3s⁴/2 − s⁴/4 = 5s⁴/4 against the mean s²/2, so √5. Given what enters a
    layer, its n units are independent, so the mean of g(z)² over them, which is what the
    layer multiplies the mean square by for one input, has relative spread
    ``square_spread / √n``. Steps 3 and 6 of {ref}`chap-derivation`.
    """
    m2 = activation_moment(activation, 2)
    m4 = activation_moment(activation, 4)
    return sp.sqrt(sp.simplify(m4 / m2**2 - 1))


def he_rule() -> sp.Expr:
    """He et al.'s rule: Var(z[l]) = n[l-1]·Var(w)·E[a[l-1]²] = n[l-1]·Var(w)·Var(z[l-1])/2.

    Solving n[l-1]·Var(w)/2 = 1 gives Var(w) = 2/n[l-1]. Step 6 of {ref}`chap-derivation`.
    """
    half = relu_second_moment() / _s**2  # = 1/2
    (sol,) = sp.solve(sp.Eq(_n_in * _var_w * half, 1), _var_w)
    return sol


def truncated_normal_variance(c: float | sp.Expr = 2) -> sp.Expr:
    """Var(t) for t ~ N(0, 1) cut to [−c, c] (redrawn outside): ∫t²φ / ∫φ over [−c, c].

    It is 1 − 2cφ(c)/(2Φ(c) − 1); at c = 2, sd 0.87962566..., the constant Keras divides its
    truncated normals' standard deviation by, so that ``glorot_normal`` has variance
    2/(n_in + n_out) after the cut. Step 7 of {ref}`chap-derivation`.
    """
    if not isinstance(c, sp.Basic):
        c = sp.nsimplify(v.positive(c, "c"))
    elif not c.is_positive:
        raise ValueError(f"c must be positive; got {c!r}")
    t = sp.Symbol("t", real=True)
    phi = sp.exp(-(t**2) / 2)
    return sp.simplify(sp.integrate(t**2 * phi, (t, -c, c)) / sp.integrate(phi, (t, -c, c)))


# ---------------------------------------------------------------------- sampled checks
def _equicorrelated(rng: np.random.Generator, shape: tuple[int, int], mean: float, var: float,
                    rho: float) -> np.ndarray:
    """Rows of normals with mean, variance and pairwise correlation rho >= 0 within a row."""
    e = rng.standard_normal(shape)
    if rho > 0:
        common = rng.standard_normal((shape[0], 1))
        e = math.sqrt(1.0 - rho) * e + math.sqrt(rho) * common
    return mean + math.sqrt(var) * e


def sample_preactivations(
    n: int,  # terms in the sum, n[l-1]
    m: int,  # independent draws of (w, x, b)
    *,
    rng: np.random.Generator,
    var_w: float = 1.0,
    var_x: float = 1.0,
    mean_w: float = 0.0,
    mean_x: float = 0.0,
    rho_w: float = 0.0,  # correlation between two weights of the row
    rho_x: float = 0.0,  # correlation between two inputs of the example
    var_b: float = 0.0,  # variance of a random bias b ~ N(0, var_b)
) -> np.ndarray:
    """``m`` draws of z = Σᵢ₌₁ⁿ wᵢxᵢ + b, each with fresh normal w, x and b.

    With the defaults every assumption of {ref}`chap-derivation` holds; each keyword
    breaks one, so the sample can be compared with :func:`preactivation_variance`.
    Draws are made in chunks, so memory stays small for any ``m``.
    """
    n = v.positive_int(n, "n")
    m = v.positive_int(m, "m")
    v.generator(rng)
    var_w, var_x = v.positive(var_w, "var_w"), v.positive(var_x, "var_x")
    mean_w, mean_x = v.real(mean_w, "mean_w"), v.real(mean_x, "mean_x")
    rho_w = v.real(rho_w, "rho_w", low=0.0, high=1.0)
    rho_x = v.real(rho_x, "rho_x", low=0.0, high=1.0)
    var_b = v.nonneg(var_b, "var_b")
    out = np.empty(m)
    chunk = max(1, 2_000_000 // n)
    for start in range(0, m, chunk):
        k = min(chunk, m - start)
        w = _equicorrelated(rng, (k, n), mean_w, var_w, rho_w)
        x = _equicorrelated(rng, (k, n), mean_x, var_x, rho_x)
        z = np.einsum("ij,ij->i", w, x)
        if var_b > 0:
            z += rng.normal(0.0, math.sqrt(var_b), k)
        out[start:start + k] = z
    return out


def sample_activations(
    var_z: float,  # Var(z) of the pre-activation z ~ N(0, var_z)
    m: int,  # number of draws
    activation: str,  # tanh, sigmoid, relu or linear
    *,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``(z, a)``: ``m`` draws of z ~ N(0, var_z) and a = g(z), to compare Var(a) with Var(z).

    For tanh, Var(a) ≈ Var(z) only while Var(z) is small (:func:`tanh_variance_series`);
    for ReLU, E[a²] = Var(z)/2 (:func:`relu_second_moment`). See {ref}`chap-derivation`.
    """
    var_z = v.nonneg(var_z, "var_z")
    m = v.positive_int(m, "m")
    v.choice(activation, "activation", ("tanh", "sigmoid", "relu", "linear"))
    v.generator(rng)
    z = rng.normal(0.0, math.sqrt(var_z), m)
    if activation == "tanh":
        a = np.tanh(z)
    elif activation == "sigmoid":
        a = 0.5 * (1.0 + np.tanh(0.5 * z))
    elif activation == "relu":
        a = np.maximum(z, 0.0)
    else:
        a = z.copy()
    return z, a


def check_preactivations(
    n: int,
    m: int,
    *,
    rng: np.random.Generator,
    var_w: float = 1.0,
    var_x: float = 1.0,
    z: float = 4.0,
    **breaks: float,
) -> tuple["SampledCheck", "SampledCheck"]:
    """Sample z = Σ wᵢxᵢ + b with some assumptions broken, and check it two ways.

    ``breaks`` are keywords of :func:`sample_preactivations` (``mean_w``, ``mean_x``,
    ``rho_w``, ``rho_x``, ``var_b``). Returns the check against the full formula of
    :func:`preactivation_variance` evaluated at those values, and the check against the
    assumptions' n·Var(w)·Var(x). A counter-example passes the first and fails the second.
    """
    allowed = ("mean_w", "mean_x", "rho_w", "rho_x", "var_b")
    for key in breaks:
        if key not in allowed:
            raise ValueError(f"breaks must be among {', '.join(allowed)}; got {key!r}")
    sample = sample_preactivations(n, m, rng=rng, var_w=var_w, var_x=var_x, **breaks)
    sub = {_n: n, _sigma_w: math.sqrt(var_w), _sigma_x: math.sqrt(var_x),
           _mu_w: breaks.get("mean_w", 0.0), _mu_x: breaks.get("mean_x", 0.0),
           _rho_w: breaks.get("rho_w", 0.0), _rho_x: breaks.get("rho_x", 0.0),
           _sigma_b: math.sqrt(breaks.get("var_b", 0.0))}
    full = check_variance(sample, float(preactivation_variance().subs(sub)), z=z)
    naive = check_variance(sample, n * var_w * var_x, z=z)
    return full, naive


@dataclass(frozen=True)
class LayerFactors:
    """One layer's measured factors, for W of shape (n_out, n_in): ``forward`` =
    mean((W x)²)/mean(x²) and ``backward`` = mean((Wᵀδ)²)/mean(δ²), which step 2 predicts
    to be n_in·Var(w) and n_out·Var(w); with the relative spread (sd/mean) of each over
    random normal W, given the sampled x and δ (:func:`layer_factors`)."""

    n_in: int
    n_out: int
    forward: float
    backward: float
    forward_spread: float
    backward_spread: float

    def __repr__(self) -> str:
        return (f"LayerFactors(W of shape {self.n_out}×{self.n_in}: forward {self.forward:.4f} "
                f"(spread {self.forward_spread:.2%}), backward {self.backward:.4f} "
                f"(spread {self.backward_spread:.2%}))")


def _factor_spread(x: np.ndarray, n_terms: int) -> float:
    """√(2·tr(C²)/tr(C)²/n_terms) with C = xᵀx: the relative spread of Σᵢ wᵢᵀCwᵢ / tr(C) averaged
    over n_terms independent normal vectors wᵢ (each term has variance 2σ⁴tr(C²)/tr(C)²)."""
    c = x.T @ x if x.shape[1] <= x.shape[0] else x @ x.T  # the same non-zero eigenvalues
    return math.sqrt(2.0 * float(np.sum(c * c)) / float(np.trace(c)) ** 2 / n_terms)


def layer_factors(W: object, m: int, *, rng: np.random.Generator) -> LayerFactors:
    """Measure what one layer W[l] (shape (n_out, n_in)) multiplies the variance by, both ways.

    Forward, z = W x for ``m`` inputs x ~ N(0, I); backward, ∂J/∂a[l-1] = Wᵀ δ for ``m``
    back-propagated gradients δ = ∂J/∂z[l] ~ N(0, I), drawn independently of W and with no
    activation in between (g′ = 1): the two extra assumptions of the backward rule. Step 2
    predicts n_in·Var(w) forward and n_out·Var(w) backward.

    Given the inputs, the n_out rows of a normal W are independent, and the forward factor
    is n_in/n_out times Σᵢ wᵢᵀCwᵢ/tr(C), C = Σ x xᵀ: its relative spread is
    √(2·tr(C²)/tr(C)²/n_out), at most √(2/n_out) (one input) and about
    √(2(1 + n_in/m)/(n_in·n_out)) for m isotropic inputs; backward the same with the n_in
    columns and the δ's. Uniform weights, with a lighter tail, spread less.
    Step 5 of {ref}`chap-derivation`.
    """
    W = v.array(W, "W", ndim=2)
    if W.size < 2:
        raise ValueError("W must have at least 2 entries")
    m = v.positive_int(m, "m")
    v.generator(rng)
    n_out, n_in = W.shape
    x = rng.standard_normal((m, n_in))
    d = rng.standard_normal((m, n_out))
    fwd = float(np.mean((x @ W.T) ** 2) / np.mean(x**2))
    bwd = float(np.mean((d @ W) ** 2) / np.mean(d**2))
    return LayerFactors(n_in, n_out, fwd, bwd, _factor_spread(x, n_out), _factor_spread(d, n_in))


@dataclass(frozen=True)
class SampledCheck:
    """A sample statistic against its formula, with a tolerance from the sample size.

    ``tolerance = z·se``, where ``se`` is the standard error of the statistic estimated
    from the sample itself: sd/√m for a mean, √((μ̂₄ − σ̂⁴)/m) for a variance.
    """

    statistic: str
    estimate: float
    expected: float
    se: float
    z: float
    m: int

    @property
    def tolerance(self) -> float:
        return self.z * self.se

    @property
    def error(self) -> float:
        return self.estimate - self.expected

    @property
    def relative_tolerance(self) -> float:
        return self.tolerance / abs(self.expected) if self.expected else math.inf

    @property
    def ok(self) -> bool:
        return abs(self.error) <= self.tolerance

    def __repr__(self) -> str:
        sign = "≤" if self.ok else ">"
        return (f"{self.statistic} {self.estimate:.5g} vs formula {self.expected:.5g} (m = {self.m:,}): "
                f"|difference| {abs(self.error):.3g} {sign} {self.z:g} SE = {self.tolerance:.3g}")


def _check_sample(samples: object, expected: float, z: float) -> tuple[np.ndarray, float, float]:
    arr = v.array(samples, "samples", ndim=1)
    if arr.size < 2:
        raise ValueError("samples must hold at least 2 draws")
    return arr, v.real(expected, "expected"), v.positive(z, "z")


def check_variance(samples: object, expected: float, *, z: float = 4.0) -> SampledCheck:
    """Compare the sample variance with ``expected`` within ``z`` standard errors.

    The standard error of a sample variance from m draws is √((μ₄ − σ⁴)/m), with the
    fourth central moment μ₄ and σ² estimated from the sample (√(2/m)·σ² for a normal).
    """
    arr, expected, z = _check_sample(samples, expected, z)
    expected = v.nonneg(expected, "expected")  # a variance
    c = arr - arr.mean()
    var = float(np.mean(c**2))
    mu4 = float(np.mean(c**4))
    se = math.sqrt(max(mu4 - var**2, 0.0) / arr.size)
    return SampledCheck("variance", float(arr.var(ddof=1)), expected, se, z, arr.size)


def check_mean(samples: object, expected: float, *, z: float = 4.0) -> SampledCheck:
    """Compare the sample mean with ``expected`` within ``z`` standard errors (sd/√m)."""
    arr, expected, z = _check_sample(samples, expected, z)
    se = float(arr.std(ddof=1)) / math.sqrt(arr.size)
    return SampledCheck("mean", float(arr.mean()), expected, se, z, arr.size)


# --------------------------------------------------------------- what "Xavier" means
#: PyTorch's recommended gains, as listed (without a derivation) by ``torch.nn.init.calculate_gain``.
PYTORCH_GAINS: dict[str, sp.Expr] = {
    "linear": sp.Integer(1),
    "sigmoid": sp.Integer(1),
    "tanh": sp.Rational(5, 3),
    "relu": sp.sqrt(2),
}

#: What "Xavier initialization" means in each source: ``(source, name, distribution,
#: Var(w))`` with n_in = n[l-1] and n_out = n[l], each library function at its default
#: arguments. Library entries are read from the libraries' source, not code this book runs:
#: Keras 3 (``keras/src/initializers/random_initializers.py``: ``glorot_normal`` is a normal
#: cut at ±2 sd whose sd is first divided by 0.87962566103423978, see
#: :func:`truncated_normal_variance`; ``keras/src/layers/core/dense.py``: ``Dense`` defaults to
#: ``glorot_uniform`` kernels and zero biases) and PyTorch (``torch/nn/init.py``: ``xavier_*_``
#: default to gain 1, ``kaiming_normal_`` to ``a=0, mode="fan_in", nonlinearity="leaky_relu"``,
#: whose gain is √(2/(1 + 0²)) = √2; ``torch/nn/modules/linear.py``: ``nn.Linear`` calls
#: ``kaiming_uniform_(weight, a=√5)``, half-width √3·√(2/6)/√n_in = 1/√n_in, and draws its
#: bias from the same interval).
XAVIER_CONVENTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("source article (Chadha 2020)", "Xavier", "N(0, 1/n_in)", "1/n_in"),
    ("AI Notes, footnote", "Xavier", "N(0, 1/√n_in): an sd in the variance slot", "1/n_in (meant)"),
    ("Glorot & Bengio 2010, eq. 1", "standard", "U[-1/√n_in, 1/√n_in]", "1/(3 n_in)"),
    ("Glorot & Bengio 2010, eq. 16", "normalized", "U[±√6/√(n_in+n_out)]", "2/(n_in+n_out)"),
    ("Keras", "glorot_uniform (Dense default)", "U[±√(6/(n_in+n_out))]", "2/(n_in+n_out)"),
    ("Keras", "glorot_normal", "truncated normal", "2/(n_in+n_out)"),
    ("PyTorch", "xavier_uniform_", "U[±gain·√(6/(n_in+n_out))], gain 1", "2/(n_in+n_out)"),
    ("PyTorch", "xavier_normal_", "N(0, gain²·2/(n_in+n_out)), gain 1", "2/(n_in+n_out)"),
    ("PyTorch", "kaiming_normal_", "N(0, gain²/n_in), gain √2", "2/n_in"),
    ("PyTorch", "nn.Linear default", "U[-1/√n_in, 1/√n_in]", "1/(3 n_in)"),
    ("He et al. 2015", "He", "N(0, 2/n_in)", "2/n_in"),
)

_CONVENTION_VARIANCE = {
    "1/n_in": lambda n_in, n_out: 1.0 / n_in,
    "1/n_in (meant)": lambda n_in, n_out: 1.0 / n_in,
    "1/(3 n_in)": lambda n_in, n_out: 1.0 / (3.0 * n_in),
    "2/(n_in+n_out)": lambda n_in, n_out: 2.0 / (n_in + n_out),
    "2/n_in": lambda n_in, n_out: 2.0 / n_in,
}


def xavier_conventions_table(n_in: int = 64, n_out: int = 32) -> _TextTable:
    """:data:`XAVIER_CONVENTIONS` with each variance evaluated for a layer n_in → n_out.

    See {ref}`chap-derivation`, step 7.
    """
    n_in = v.positive_int(n_in, "n_in")
    n_out = v.positive_int(n_out, "n_out")
    rows = []
    for source, name, dist, var in XAVIER_CONVENTIONS:
        value = _CONVENTION_VARIANCE[var](n_in, n_out)
        rows.append((source, name, dist, var, f"{value:.5f}"))
    return _TextTable(("source", "name", "distribution", "Var(w)", f"Var(w) for {n_in} → {n_out}"), rows)
