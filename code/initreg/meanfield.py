"""Signal propagation in wide random networks: the length and correlation maps, the order–chaos
boundary and the depth scale of {ref}`chap-beyond` (Poole et al. 2016; Schoenholz et al. 2017).

A layer computes z[l] = W[l] φ(z[l-1]) + b[l] with W[l]_ij ~ N(0, σ_w²/n[l-1]) and
b[l]_i ~ N(0, σ_b²). For a wide layer, the length q[l] = mean_i z[l]_i² of one input and the
correlation c[l] of two inputs follow deterministic maps, with z ~ N(0, 1):

==========================  ==================================================================
:func:`variance_map`        q[l] = σ_w²·E[φ(√q[l-1]·z)²] + σ_b², the length map
:func:`fixed_point`         q*, where the length map settles
:func:`chi1`                χ₁ = σ_w²·E[φ′(√q*·z)²], the slope of the correlation map at c = 1
:func:`correlation_map`     c[l] = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²)/q[l], u₁, u₂ of correlation c[l-1]
:func:`mean_field`          q*, χ₁, c*, the slope χ_c at c* and the depth scale ξ_c = −1/ln χ_c
:func:`mean_field_trajectory`  q[l] and c[l] layer by layer, from an input's length and correlation
:func:`phase_diagram`       χ₁ over a grid of (σ_w², σ_b²), and the line χ₁ = 1
:func:`critical_sigma_w2`   σ_w² on the line χ₁ = 1 for a given σ_b²
:func:`critical_sigma_b2`   σ_b² on the line χ₁ = 1 for a given σ_w² (its inverse)
:func:`critical_point`      (σ_w², σ_b²) on the line χ₁ = 1 with a given fixed point q*
:func:`mean_field_network`  an :class:`initreg.Network` of these laws (:func:`standard_draws`, scaled)
:func:`sample_trajectory`   q[l] and c[l] measured in sampled networks
:func:`trainability_study`  Schoenholz et al.'s trainability over σ_w² × depth, on real data
==========================  ==================================================================

χ₁ < 1 is the ordered phase (nearby inputs converge: c[l] → 1), χ₁ > 1 the chaotic phase
(they decorrelate, c[l] → c* < 1); the correlations approach their fixed point like
exp(−l/ξ_c). Expectations are Gauss–Hermite quadratures for tanh and the sigmoid (1-D for the
length map and χ₁, a product rule in 2-D for the correlation map) and closed forms for ReLU
(the arc-cosine kernel) and linear units.

The sampled side sends inputs through a real :class:`initreg.Network`
(:func:`mean_field_network`, :func:`sample_trajectory`). The SymPy side derives the two
boundaries at σ_b = 0: ReLU's σ_w² = 2 (:func:`relu_boundary`, He's rule) and tanh's σ_w² = 1
(:func:`tanh_boundary`), with the expansion just above it (:func:`tanh_edge_expansion`).
Nothing here draws: the figures are in :mod:`initreg.figures.beyond_xavier`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import sympy as sp
from scipy import optimize

from . import _threads
from . import _validate as v
from .datasets import DataSplit
from .initializers import init_weights
from .network import ACTIVATIONS, Network
from .tables import TextTable
from .training import train

__all__ = [
    "MEAN_FIELD_INITS",
    "variance_map",
    "fixed_point",
    "chi1",
    "correlation_map",
    "MeanFieldPoint",
    "mean_field",
    "mean_field_table",
    "slope_moment_ratio",
    "MeanFieldTrajectory",
    "mean_field_trajectory",
    "PhaseDiagram",
    "phase_diagram",
    "critical_sigma_w2",
    "critical_sigma_b2",
    "critical_point",
    "StandardDraws",
    "standard_draws",
    "mean_field_network",
    "preactivations",
    "SampledTrajectory",
    "sample_trajectory",
    "TrainabilityStudy",
    "trainability_study",
    "MEAN_FIELD_SYMBOLS",
    "relu_length_map",
    "relu_chi1",
    "relu_boundary",
    "tanh_length_series",
    "tanh_chi1_series",
    "tanh_boundary",
    "tanh_edge_expansion",
]

#: How :func:`mean_field_network` draws W[l]: i.i.d. normal, or a scaled orthogonal matrix
#: (``torch.nn.init.orthogonal_``'s), both of variance σ_w²/n[l-1] per entry.
MEAN_FIELD_INITS: tuple[str, ...] = ("gaussian", "orthogonal")

#: Gauss–Hermite nodes of the 1-D expectations (length map, χ₁) and per axis of the 2-D
#: ones (correlation map). For tanh the 1-D rule is within 1e-9 of adaptive quadrature for
#: q ≤ 2 and 1e-6 for q ≤ 6 (tests/test_meanfield.py).
NODES_1D = 201
NODES_2D = 101


# ------------------------------------------------------------------- the activations
def _phi(activation: str, u: np.ndarray) -> np.ndarray:
    if activation == "tanh":
        return np.tanh(u)
    if activation == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * u))
    if activation == "relu":
        return np.maximum(u, 0.0)
    return u


def _dphi(activation: str, u: np.ndarray) -> np.ndarray:
    if activation == "tanh":
        return 1.0 - np.tanh(u) ** 2
    if activation == "sigmoid":
        s = 0.5 * (1.0 + np.tanh(0.5 * u))
        return s * (1.0 - s)
    if activation == "relu":
        return (u > 0.0).astype(float)
    return np.ones_like(u)


@functools.lru_cache(maxsize=4)
def _hermite(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of E[f(z)], z ~ N(0, 1): probabilists' Gauss–Hermite, weights summing to 1."""
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    return x, w / w.sum()


def _gauss(f, q: np.ndarray) -> np.ndarray:
    """E[f(√q·z)] for each q, z ~ N(0, 1)."""
    x, w = _hermite(NODES_1D)
    return (f(np.sqrt(q)[..., None] * x) * w).sum(axis=-1)


def _gauss2(f, g, q: float, c: np.ndarray) -> np.ndarray:
    """E[f(u₁)g(u₂)] for u₁ = √q·z₁, u₂ = √q·(c·z₁ + √(1 − c²)·z₂), z₁, z₂ ~ N(0, 1) independent."""
    x, w = _hermite(NODES_2D)
    c = np.asarray(c, dtype=float)
    s = math.sqrt(q)
    u1 = s * x  # along z₁
    fu1 = f(u1)
    out = np.empty(c.shape)
    for idx, ci in np.ndenumerate(c):
        u2 = s * (ci * x[:, None] + math.sqrt(max(0.0, 1.0 - ci * ci)) * x[None, :])  # [z₁, z₂]
        out[idx] = w @ (fu1 * (g(u2) @ w))
    return out


# ------------------------------------------------------------------ argument checks
def _check(sigma_w2: float, sigma_b2: float, activation: str) -> tuple[float, float, str]:
    sigma_w2 = v.positive(sigma_w2, "sigma_w2")
    sigma_b2 = v.nonneg(sigma_b2, "sigma_b2")
    v.choice(activation, "activation", ACTIVATIONS)
    return sigma_w2, sigma_b2, activation


def _lengths(q: object, name: str = "q") -> np.ndarray:
    arr = v.array(q, name, ndim=(0, 1))
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 (a length, the mean square of a layer's pre-activations); "
                         f"got {q!r}")
    return arr


def _out(arr: np.ndarray, like: np.ndarray) -> float | np.ndarray:
    return float(arr) if like.ndim == 0 else arr


# --------------------------------------------------------------------- the length map
def _second_moment(activation: str, q: np.ndarray) -> np.ndarray:
    """E[φ(√q·z)²]: q/2 for ReLU, q for linear units, quadrature otherwise."""
    if activation == "relu":
        return q / 2.0
    if activation == "linear":
        return q.astype(float)
    return _gauss(lambda u: _phi(activation, u) ** 2, q)


def _slope_moment(activation: str, q: np.ndarray) -> np.ndarray:
    """E[φ′(√q·z)²]: 1/2 for ReLU (for q > 0), 1 for linear units, quadrature otherwise."""
    if activation == "relu":
        return np.where(q > 0, 0.5, 0.0)
    if activation == "linear":
        return np.ones_like(q, dtype=float)
    return _gauss(lambda u: _dphi(activation, u) ** 2, q)


def variance_map(
    q: float | np.ndarray,  # q[l-1] > 0, the length of the previous layer's pre-activations
    *,
    sigma_w2: float,  # σ_w² = n·Var(w)
    sigma_b2: float,  # σ_b² = Var(b)
    activation: str,  # φ, one of ACTIVATIONS
) -> float | np.ndarray:
    """The length map q[l] = σ_w²·E[φ(√q[l-1]·z)²] + σ_b², z ~ N(0, 1) ({ref}`chap-beyond`).

    For ReLU it is σ_w²·q/2 + σ_b² (He's halving), for linear units σ_w²·q + σ_b²; for tanh and
    the sigmoid the expectation is a Gauss–Hermite quadrature. ``q`` may be an array.
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    qs = _lengths(q)
    return _out(sigma_w2 * _second_moment(activation, qs) + sigma_b2, qs)


def _bounded_root(f, lo: float, hi: float) -> float:
    return float(optimize.brentq(f, lo, hi, xtol=1e-15, rtol=1e-14, maxiter=500))


def fixed_point(
    *,
    sigma_w2: float,
    sigma_b2: float,
    activation: str,
    q0: float = 1.0,  # the length the map starts from (it matters only where every q is fixed)
) -> float:
    """q*, the length that the length map settles at from q[0] = ``q0``: q* = V(q*).

    * tanh and the sigmoid: φ is bounded, so the map is too and a fixed point always exists.
      Their maps are concave and increasing, so it is unique and reached from every q0 > 0,
      except that for tanh with σ_b = 0 the map fixes q = 0: the signal dies out (q* = 0)
      when σ_w² ≤ 1, and q = 0 repels when σ_w² > 1, in favour of the positive root.
    * ReLU: q* = σ_b²/(1 − σ_w²/2) for σ_w² < 2; at σ_w² = 2 and σ_b = 0 every length is fixed
      (q* = q0); otherwise the length grows without bound and this raises ``ValueError``.
    * linear units: likewise with σ_w² in place of σ_w²/2.

    Found by Brent's method on V(q) − q (to about 1e-14). See {ref}`chap-beyond`.
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    q0 = v.positive(q0, "q0")
    if activation in ("relu", "linear"):
        slope = sigma_w2 / 2.0 if activation == "relu" else sigma_w2
        if slope < 1.0:
            return sigma_b2 / (1.0 - slope)
        if slope == 1.0 and sigma_b2 == 0.0:
            return q0
        raise ValueError(
            f"no finite fixed point: for {activation} the length map is q ↦ {slope:g}·q + {sigma_b2:g}, which "
            f"grows without bound when sigma_w2{'/2' if activation == 'relu' else ''} >= 1 "
            f"(got sigma_w2 = {sigma_w2:g}, sigma_b2 = {sigma_b2:g})")

    def gap(q: float) -> float:
        return sigma_w2 * float(_second_moment(activation, np.asarray(q))) + sigma_b2 - q

    hi = sigma_w2 + sigma_b2 + 1.0  # E[φ²] < 1 for tanh and the sigmoid, so V(hi) < hi
    if activation == "tanh" and sigma_b2 == 0.0:
        if sigma_w2 <= 1.0:
            return 0.0
        lo = 1e-300
        while gap(lo) <= 0.0:  # V(q) − q ≈ (σ_w² − 1)·q > 0 just above 0
            lo *= 1e10
        return _bounded_root(gap, lo, hi)
    return _bounded_root(gap, 0.0, hi)


def chi1(*, sigma_w2: float, sigma_b2: float, activation: str) -> float:
    """χ₁ = σ_w²·E[φ′(√q*·z)²], the slope of the correlation map at c = 1 ({ref}`chap-beyond`).

    χ₁ < 1: ordered (nearby inputs converge), χ₁ > 1: chaotic (they separate); χ₁ = 1 is the
    edge of chaos. For ReLU χ₁ = σ_w²/2 wherever q* exists, for linear units σ_w². Where the
    signal dies out (tanh, σ_b = 0, σ_w² ≤ 1: q* = 0) it is the slope at q = 0, σ_w²·φ′(0)².
    Raises ``ValueError`` where :func:`fixed_point` does.
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    q = fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    if activation in ("relu", "linear"):  # E[φ′²] is 1/2 (ReLU) or 1 at every length, q → 0 included
        return sigma_w2 / 2.0 if activation == "relu" else sigma_w2
    if q == 0.0:
        return sigma_w2 * float(_dphi(activation, np.zeros(()))) ** 2
    return sigma_w2 * float(_slope_moment(activation, np.asarray(q)))


# ---------------------------------------------------------------- the correlation map
def _cross_moment(activation: str, q: float, c: np.ndarray) -> np.ndarray:
    """E[φ(u₁)φ(u₂)] for u₁, u₂ ~ N(0, q) of correlation c."""
    if activation == "linear":
        return q * c
    if activation == "relu":  # the arc-cosine kernel of degree 1 (Cho & Saul)
        theta = np.arccos(np.clip(c, -1.0, 1.0))
        return q / (2.0 * np.pi) * (np.sin(theta) + (np.pi - theta) * np.cos(theta))
    return _gauss2(lambda u: _phi(activation, u), lambda u: _phi(activation, u), q, c)


def _cross_slope(activation: str, q: float, c: np.ndarray) -> np.ndarray:
    """E[φ′(u₁)φ′(u₂)] for u₁, u₂ ~ N(0, q) of correlation c: the slope of the correlation map is σ_w² times it."""
    if activation == "linear":
        return np.ones_like(c)
    if activation == "relu":  # the arc-cosine kernel of degree 0
        return (np.pi - np.arccos(np.clip(c, -1.0, 1.0))) / (2.0 * np.pi)
    return _gauss2(lambda u: _dphi(activation, u), lambda u: _dphi(activation, u), q, c)


def _correlations(c: object, name: str = "c") -> np.ndarray:
    arr = v.array(c, name, ndim=(0, 1))
    if np.any(np.abs(arr) > 1.0):
        raise ValueError(f"{name} must be a correlation, within [-1, 1]; got {c!r}")
    return arr


def correlation_map(
    c: float | np.ndarray,  # c[l-1], the correlation of two inputs' pre-activations
    *,
    sigma_w2: float,
    sigma_b2: float,
    activation: str,
    q: float | None = None,  # q[l-1], both inputs' length; default q*
) -> float | np.ndarray:
    """c[l] = (σ_w²·E[φ(u₁)φ(u₂)] + σ_b²) / q[l] for u₁, u₂ ~ N(0, q[l-1]) of correlation c[l-1],
    where q[l] = :func:`variance_map` (q[l-1]) ({ref}`chap-beyond`).

    Two inputs of the same length ``q`` (default: q*, where the map is the one whose slope at
    c = 1 is :func:`chi1`). ReLU uses the arc-cosine kernel, linear units c[l] = (σ_w² q c + σ_b²)/q[l].
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    cs = _correlations(c)
    if q is None:
        q = fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
        if q == 0.0:
            raise ValueError("q* = 0 here (the signal dies out): give the length q of the two inputs")
    q = float(_lengths(q))
    return _out(np.asarray(_correlation_map(activation, sigma_w2, sigma_b2, q, cs)), cs)


def _correlation_map(activation: str, sigma_w2: float, sigma_b2: float, q: float, c: np.ndarray) -> np.ndarray:
    """The correlation map with its denominator q[l] = σ_w²·E[φ(u₁)φ(u₂)] + σ_b² at c = 1 computed by
    the same rule as the numerator (at c = 1 the 2-D rule is the 1-D rule on its nodes), so that
    c = 1 maps to 1 to rounding."""
    top = sigma_w2 * _cross_moment(activation, q, c) + sigma_b2
    if activation in ("linear", "relu"):
        same = _cross_moment(activation, q, np.ones(()))
    else:
        x, w = _hermite(NODES_2D)
        same = w @ _phi(activation, math.sqrt(q) * x) ** 2
    return top / (sigma_w2 * same + sigma_b2)


def slope_moment_ratio(q: float, *, activation: str) -> float:
    """μ₂/μ₁² with μ_k = E[φ′(√q·z)^(2k)]: how much a layer's φ′² varies over its inputs (1 when it
    does not). 2 for ReLU (φ′² is 0 or 1), 1 for linear units, quadrature for tanh and the sigmoid;
    at q = 0 it is 1. The spread that :func:`initreg.predicted_lambda_variance` adds per layer."""
    v.choice(activation, "activation", ACTIVATIONS)
    q = v.nonneg(q, "q")
    if activation == "relu":
        return 2.0
    if activation == "linear" or q == 0.0:
        return 1.0
    d2 = lambda u: _dphi(activation, u) ** 2  # noqa: E731
    mu1 = float(_gauss(d2, np.asarray(q)))
    mu2 = float(_gauss(lambda u: d2(u) ** 2, np.asarray(q)))
    return mu2 / (mu1 * mu1)


@dataclass(frozen=True)
class MeanFieldPoint:
    """Where (σ_w², σ_b²) sits for an activation: the fixed length ``q_star``, χ₁ (``chi1``),
    the phase, the stable correlation ``c_star``, the slope ``chi_c`` of the correlation map
    there and the depth scale ``xi_c`` = −1/ln χ_c (infinite at the edge of chaos)."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    q_star: float
    chi1: float
    c_star: float
    chi_c: float

    @property
    def phase(self) -> str:
        """``"ordered"`` (χ₁ < 1), ``"chaotic"`` (χ₁ > 1) or ``"critical"`` (|χ₁ − 1| < 1e-9)."""
        if abs(self.chi1 - 1.0) < 1e-9:
            return "critical"
        return "ordered" if self.chi1 < 1.0 else "chaotic"

    @property
    def xi_c(self) -> float:
        """ξ_c = −1/ln χ_c: correlations reach their fixed point like exp(−l/ξ_c)."""
        return math.inf if self.chi_c >= 1.0 - 1e-12 else -1.0 / math.log(self.chi_c)


def mean_field(*, sigma_w2: float, sigma_b2: float, activation: str) -> MeanFieldPoint:
    """The mean-field summary of (σ_w², σ_b²) for ``activation`` ({ref}`chap-beyond`).

    In the ordered phase c* = 1 and χ_c = χ₁. In the chaotic phase c = 1 repels and c* < 1
    solves c = :func:`correlation_map` (c) (Brent's method; c* = 0 for odd φ with σ_b = 0),
    and χ_c = σ_w²·E[φ′(u₁)φ′(u₂)] at c*. Schoenholz et al. find that networks train up to a
    depth of about 6 ξ_c. Raises ``ValueError`` where q* is 0 or does not exist (the
    correlation map then does not settle on a fixed length).
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    q = fixed_point(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    if q == 0.0:
        raise ValueError(f"q* = 0 for {activation} at sigma_w2 = {sigma_w2:g}, sigma_b2 = 0: the signal dies out "
                         "and the correlations have no depth scale; give sigma_b2 > 0")
    x1 = chi1(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation)
    if x1 <= 1.0:
        return MeanFieldPoint(activation, sigma_w2, sigma_b2, q, x1, 1.0, x1)

    def gap(c: float) -> float:
        return float(_correlation_map(activation, sigma_w2, sigma_b2, q, np.asarray(c))) - c

    # c = 1 is fixed and repels (slope χ₁ > 1), so just below it the map is below c
    below = next((1.0 - d for d in 10.0 ** -np.arange(2.0, 10.0) if gap(1.0 - d) < 0.0), None)
    if below is None:  # pragma: no cover - χ₁ within rounding of 1
        return MeanFieldPoint(activation, sigma_w2, sigma_b2, q, x1, 1.0, x1)
    c_star = 0.0 if gap(0.0) <= 1e-15 else _bounded_root(gap, 0.0, below)
    chi_c = sigma_w2 * float(_cross_slope(activation, q, np.asarray(c_star)))
    return MeanFieldPoint(activation, sigma_w2, sigma_b2, q, x1, c_star, chi_c)


def mean_field_table(points: list[MeanFieldPoint] | tuple[MeanFieldPoint, ...]) -> TextTable:
    """One row per :class:`MeanFieldPoint`: σ_w², σ_b², q*, χ₁, the phase, c*, χ_c and ξ_c."""
    rows = []
    for p in points:
        v.instance(p, "points[i]", MeanFieldPoint)
        rows.append((p.activation, f"{p.sigma_w2:.3g}", f"{p.sigma_b2:g}", f"{p.q_star:.4f}", f"{p.chi1:.4f}",
                     p.phase, f"{p.c_star:.3f}", f"{p.chi_c:.4f}",
                     "∞" if math.isinf(p.xi_c) else f"{p.xi_c:.1f}"))
    return TextTable(("φ", "σ_w²", "σ_b²", "q*", "χ₁", "phase", "c*", "χ_c", "ξ_c"), rows, align="right")


# -------------------------------------------------------------------- trajectories
@dataclass(frozen=True)
class MeanFieldTrajectory:
    """q[l] and c[l] for l = 0..depth: index 0 is the input (its length ‖x‖²/n[0] and the
    correlation of the two inputs), index l the pre-activations z[l] of layer l."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    q: np.ndarray
    c: np.ndarray

    @property
    def depth(self) -> int:
        return len(self.q) - 1


def mean_field_trajectory(
    q0: float,  # ‖x‖²/n[0], the inputs' length
    c0: float,  # the correlation of the two inputs
    depth: int,  # the number of layers
    *,
    sigma_w2: float,
    sigma_b2: float,
    activation: str,
) -> MeanFieldTrajectory:
    """Two inputs of length q0 and correlation c0 through ``depth`` layers, by the maps.

    Layer 1 sees the inputs themselves: q[1] = σ_w²·q0 + σ_b², c[1] = (σ_w²·q0·c0 + σ_b²)/q[1].
    From layer 2 on, q[l] = :func:`variance_map` (q[l-1]) and c[l] = :func:`correlation_map`
    (c[l-1], q=q[l-1]). See {ref}`chap-beyond`.
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    q0 = float(_lengths(q0, "q0"))
    c0 = float(_correlations(c0, "c0"))
    depth = v.positive_int(depth, "depth")
    q = [q0, sigma_w2 * q0 + sigma_b2]
    c = [c0, (sigma_w2 * q0 * c0 + sigma_b2) / q[1]]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(depth - 1):
            qi = q[-1]
            if not (np.isfinite(qi) and qi > 0):  # a length that overflowed (ReLU far past 2)
                q.append(math.nan)
                c.append(math.nan)
                continue
            c.append(float(correlation_map(min(1.0, max(-1.0, c[-1])), sigma_w2=sigma_w2, sigma_b2=sigma_b2,
                                           activation=activation, q=qi)))
            q.append(sigma_w2 * float(_second_moment(activation, np.asarray(qi))) + sigma_b2)
    return MeanFieldTrajectory(activation, sigma_w2, sigma_b2, np.array(q), np.array(c))


# ------------------------------------------------------------------- the phase diagram
@dataclass(frozen=True)
class PhaseDiagram:
    """χ₁ on a grid: ``chi1[i, j]`` at σ_b² = ``sigma_b2[i]`` and σ_w² = ``sigma_w2[j]``, with
    q* alike, and ``boundary[i]``, the σ_w² at which χ₁ = 1 for σ_b² = ``sigma_b2[i]``."""

    activation: str
    sigma_w2: np.ndarray
    sigma_b2: np.ndarray
    chi1: np.ndarray
    q_star: np.ndarray
    boundary: np.ndarray

    def phase(self) -> np.ndarray:
        """+1 where chaotic (χ₁ > 1), −1 where ordered, on the grid."""
        return np.where(self.chi1 > 1.0, 1, -1)


def critical_sigma_w2(sigma_b2: float, *, activation: str = "tanh") -> float:
    """The σ_w² at which χ₁ = 1 for the given σ_b²: the edge of chaos ({ref}`chap-beyond`).

    1 for tanh at σ_b = 0, rising with σ_b²; 2 for ReLU (at σ_b = 0 only: with σ_b > 0, ReLU's q*
    exists only for σ_w² < 2, where χ₁ = σ_w²/2 < 1); 1 for linear units at σ_b = 0.
    Found by Brent's method on χ₁ − 1 (χ₁ rises with σ_w²).
    """
    sigma_b2 = v.nonneg(sigma_b2, "sigma_b2")
    v.choice(activation, "activation", ("tanh", "sigmoid", "relu", "linear"))
    if activation in ("relu", "linear"):
        if sigma_b2 > 0:
            raise ValueError(f"for {activation} the line χ₁ = 1 exists only at sigma_b2 = 0 (beyond it q* does not "
                             f"exist); got sigma_b2 = {sigma_b2:g}")
        return 2.0 if activation == "relu" else 1.0
    if activation == "tanh" and sigma_b2 == 0.0:
        return 1.0

    def gap(s: float) -> float:
        return chi1(sigma_w2=s, sigma_b2=sigma_b2, activation=activation) - 1.0

    hi = 2.0
    while gap(hi) <= 0.0:
        hi *= 2.0
        if hi > 1e6:
            raise ValueError(f"no σ_w² up to 1e6 makes χ₁ = 1 for {activation} at sigma_b2 = {sigma_b2:g}")
    return _bounded_root(gap, 1e-9, hi)


def critical_sigma_b2(sigma_w2: float, *, activation: str = "tanh") -> float:
    """The σ_b² at which χ₁ = 1 for the given σ_w²: the inverse of :func:`critical_sigma_w2`
    for tanh and the sigmoid ({ref}`chap-beyond`). Larger biases lengthen q* and flatten φ′, so
    χ₁ falls as σ_b² grows; for tanh a σ_w² ≤ 1 is ordered at every σ_b² and raises ``ValueError``.
    """
    sigma_w2 = v.positive(sigma_w2, "sigma_w2")
    v.choice(activation, "activation", ("tanh", "sigmoid"))

    def gap(b: float) -> float:
        return chi1(sigma_w2=sigma_w2, sigma_b2=b, activation=activation) - 1.0

    if gap(0.0) <= 0.0:
        raise ValueError(f"{activation} with sigma_w2 = {sigma_w2:g} is ordered (χ₁ <= 1) at every sigma_b2 >= 0")
    hi = 1.0
    while gap(hi) > 0.0:
        hi *= 2.0
        if hi > 1e6:
            raise ValueError(f"no sigma_b2 up to 1e6 makes χ₁ = 1 for {activation} at sigma_w2 = {sigma_w2:g}")
    return _bounded_root(gap, 0.0, hi)


def phase_diagram(
    sigma_w2s: object,  # the σ_w² of the grid's columns
    sigma_b2s: object,  # the σ_b² of its rows
    *,
    activation: str = "tanh",
) -> PhaseDiagram:
    """χ₁ and q* over the grid σ_b² × σ_w², and the edge of chaos χ₁ = 1 for every σ_b²
    ({ref}`chap-beyond`). For tanh and the sigmoid (whose q* always exists)."""
    v.choice(activation, "activation", ("tanh", "sigmoid"))
    ws = v.array(sigma_w2s, "sigma_w2s", ndim=1)
    bs = v.array(sigma_b2s, "sigma_b2s", ndim=1)
    if ws.size < 2 or bs.size < 1 or np.any(ws <= 0) or np.any(bs < 0):
        raise ValueError("sigma_w2s must hold at least 2 values > 0 and sigma_b2s at least 1 value >= 0")
    q = np.array([[fixed_point(sigma_w2=w, sigma_b2=b, activation=activation) for w in ws] for b in bs])
    x1 = np.array([[chi1(sigma_w2=w, sigma_b2=b, activation=activation) for w in ws] for b in bs])
    edge = np.array([critical_sigma_w2(b, activation=activation) for b in bs])
    return PhaseDiagram(activation, ws, bs, x1, q, edge)


def critical_point(q_star: float, *, activation: str = "tanh") -> tuple[float, float]:
    """(σ_w², σ_b²) on the edge of chaos whose fixed length is ``q_star`` (Pennington et al.'s
    parametrization): σ_w² = 1/E[φ′(√q*·z)²] makes χ₁ = 1, and σ_b² = q* − σ_w²·E[φ(√q*·z)²]
    makes q* the fixed point. Raises ``ValueError`` if that σ_b² is negative (no critical point
    with this q*: the sigmoid's mean of 1/2 needs a large q*). ReLU: (2, 0); linear: (1, 0),
    for every q*. See {ref}`chap-beyond`.
    """
    qs = float(_lengths(q_star, "q_star"))
    v.choice(activation, "activation", ACTIVATIONS)
    if activation == "relu":
        return 2.0, 0.0
    if activation == "linear":
        return 1.0, 0.0
    w2 = 1.0 / float(_slope_moment(activation, np.asarray(qs)))
    b2 = qs - w2 * float(_second_moment(activation, np.asarray(qs)))
    if b2 < 0:
        raise ValueError(f"no critical point of {activation} has q* = {qs:g}: it would need sigma_b2 = {b2:.3g} < 0")
    return w2, max(b2, 0.0)


# ------------------------------------------------------------------- sampled networks
@dataclass(frozen=True)
class StandardDraws:
    """The random part of a :func:`mean_field_network`, drawn once: ``weights[l-1]`` of entries of
    variance 1/n[l-1] (i.i.d. normal, or a scaled orthogonal matrix) and ``biases[l-1]`` ~ N(0, 1).
    The network of any (σ_w², σ_b²) is σ_w·W[l] and σ_b·b[l]: the same draws at every setting."""

    sizes: tuple[int, ...]
    init: str
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]


def standard_draws(sizes: tuple[int, ...] | list[int], *, init: str = "gaussian",
                   rng: np.random.Generator) -> StandardDraws:
    """Draw the weights layer by layer (``"gaussian"``: N(0, 1/n[l-1]); ``"orthogonal"``:
    ``torch.nn.init.orthogonal_``'s matrix times √(max(n[l-1], n[l])/n[l-1]), so that a layer of
    more outputs than inputs, whose columns are orthonormal, keeps lengths too), then the biases
    ~ N(0, 1). See {ref}`chap-beyond`."""
    ns = _int_tuple(sizes, "sizes", v.positive_int)
    if len(ns) < 2:
        raise ValueError(f"sizes must list at least n[0] and n[L]; got {ns!r}")
    v.choice(init, "init", MEAN_FIELD_INITS)
    v.generator(rng)
    weights = []
    for n_in, n_out in zip(ns[:-1], ns[1:]):
        if init == "gaussian":
            weights.append(init_weights(n_in, n_out, "xavier", rng=rng))
        else:
            weights.append(init_weights(n_in, n_out, "orthogonal", rng=rng) * math.sqrt(max(n_in, n_out) / n_in))
    biases = [rng.standard_normal(n) for n in ns[1:]]
    return StandardDraws(ns, init, tuple(weights), tuple(biases))


def mean_field_network(
    sizes: tuple[int, ...] | list[int] | None = None,  # (n[0], n[1], ..., n[L]); or take draws' sizes
    *,
    sigma_w2: float,
    sigma_b2: float,
    activation: str,
    rng: np.random.Generator | None = None,
    init: str = "gaussian",  # one of MEAN_FIELD_INITS
    output: str = "softmax",
    draws: StandardDraws | None = None,  # the random part, if already drawn
) -> Network:
    """An :class:`initreg.Network` drawn as the mean-field theory assumes: every entry of W[l]
    of variance σ_w²/n[l-1], i.i.d. normal (``"gaussian"``) or a scaled orthogonal matrix
    (``"orthogonal"``), and every bias b[l]_i ~ N(0, σ_b²): σ_w and σ_b times
    :func:`standard_draws` (made from ``rng``, or given as ``draws``). See {ref}`chap-beyond`.
    """
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    if draws is None:
        if sizes is None:
            raise ValueError("give sizes (and rng), or draws")
        draws = standard_draws(sizes, init=init, rng=v.generator(rng))
    else:
        v.instance(draws, "draws", StandardDraws, example="initreg.standard_draws(sizes, rng=rng)")
        if sizes is not None and tuple(sizes) != draws.sizes:
            raise ValueError(f"sizes {tuple(sizes)} differ from the draws' {draws.sizes}")
    sw, sb = math.sqrt(sigma_w2), math.sqrt(sigma_b2)
    net = Network(list(draws.sizes), activation, output, init="zeros",
                  rng=np.random.default_rng(0))  # nothing is drawn: the weights come from the draws
    for W, b, w0, b0 in zip(net.weights, net.biases, draws.weights, draws.biases):
        W[...] = sw * w0
        b[...] = sb * b0
    return net


def preactivations(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """z[1], ..., z[L-1] of the hidden layers for the rows of ``X``: W[l] a[l-1] + b[l] from the
    activations :meth:`initreg.Network.forward` returns."""
    A = net.forward(X)
    return [A[l] @ net.weights[l].T + net.biases[l] for l in range(net.L - 1)]


@dataclass(frozen=True)
class SampledTrajectory:
    """q[l] and c[l] measured in sampled networks: row r is network r, column l layer l
    (0: the inputs). Each network's q[l] is the mean square of z[l] over its units and its
    2·``n_pairs`` inputs, its c[l] the mean over the pairs of z·z′/(‖z‖·‖z′‖)."""

    activation: str
    sigma_w2: float
    sigma_b2: float
    width: int
    init: str
    q: np.ndarray
    c: np.ndarray

    @property
    def depth(self) -> int:
        return self.q.shape[1] - 1


def _input_pairs(n_pairs: int, n0: int, q0: float, c0: float, rng: np.random.Generator) -> np.ndarray:
    """2·n_pairs rows: pairs of inputs of length exactly q0 (‖x‖²/n0) and correlation exactly c0."""
    rows = []
    for _ in range(n_pairs):
        e, _ = np.linalg.qr(rng.standard_normal((n0, 2)))
        x = e[:, 0]
        y = c0 * e[:, 0] + math.sqrt(max(0.0, 1.0 - c0 * c0)) * e[:, 1]
        rows += [x, y]
    return np.array(rows) * math.sqrt(n0 * q0)


def sample_trajectory(
    q0: float,
    c0: float,
    depth: int,
    *,
    sigma_w2: float,
    sigma_b2: float,
    activation: str,
    width: int = 256,  # n[l] for every layer, the inputs' n[0] included
    n_pairs: int = 4,  # pairs of inputs per network
    n_nets: int = 4,  # independent networks
    init: str = "gaussian",
    rng: np.random.Generator,
    draws: list[StandardDraws] | tuple[StandardDraws, ...] | None = None,  # the networks' draws, if made
) -> SampledTrajectory:
    """Send pairs of inputs of length q0 and correlation c0 through sampled networks of
    ``depth`` hidden layers of ``width`` units (:func:`mean_field_network`) and measure q[l]
    and c[l] in every layer: the sampled side of :func:`mean_field_trajectory`
    ({ref}`chap-beyond`). Each network draws its weights and biases from ``rng``, then its
    inputs; with ``draws`` (one per network) only the inputs are drawn."""
    sigma_w2, sigma_b2, activation = _check(sigma_w2, sigma_b2, activation)
    q0 = float(_lengths(q0, "q0"))
    c0 = float(_correlations(c0, "c0"))
    depth = v.positive_int(depth, "depth")
    width = v.positive_int(width, "width")
    n_pairs = v.positive_int(n_pairs, "n_pairs")
    n_nets = v.positive_int(n_nets, "n_nets")
    v.choice(init, "init", MEAN_FIELD_INITS)
    v.generator(rng)
    sizes = tuple([width] * (depth + 1) + [2])
    if draws is not None:
        draws = list(draws)
        for i, d in enumerate(draws):
            v.instance(d, f"draws[{i}]", StandardDraws)
        if not draws or draws[0].sizes[:-1] != sizes[:-1]:
            raise ValueError(f"draws must be a non-empty list of draws of {depth} hidden layers of {width} units")
        init = draws[0].init
    qs, cs = [], []
    with _threads.one_thread(), np.errstate(over="ignore", invalid="ignore"):
        for r in range(len(draws) if draws is not None else n_nets):
            d = draws[r] if draws is not None else standard_draws(sizes, init=init, rng=rng)
            net = mean_field_network(sigma_w2=sigma_w2, sigma_b2=sigma_b2, activation=activation, draws=d)
            X = _input_pairs(n_pairs, width, q0, c0, rng)
            layers = [X] + preactivations(net, X)
            q_row, c_row = [], []
            for z in layers:
                q_row.append(float(np.mean(z * z)))
                a, b = z[0::2], z[1::2]
                c_row.append(float(np.mean(np.sum(a * b, axis=1)
                                           / np.sqrt(np.sum(a * a, axis=1) * np.sum(b * b, axis=1)))))
            qs.append(q_row)
            cs.append(c_row)
    return SampledTrajectory(activation, sigma_w2, sigma_b2, width, init, np.array(qs), np.array(cs))


# --------------------------------------------------------------------- trainability
@dataclass(frozen=True)
class TrainabilityStudy:
    """Which deep networks train: ``accuracy[s, i, j]`` is the training accuracy of seed
    ``seeds[s]``'s network with σ_w² = ``sigma_w2[i]`` and ``depths[j]`` hidden layers after the
    training, ``diverged`` alike, and ``xi_c[i]`` the depth scale of σ_w² (:func:`mean_field`)."""

    activation: str
    sigma_b2: float
    width: int
    epochs: int
    lr: float
    batch_size: int
    seeds: tuple[int, ...]
    sigma_w2: np.ndarray
    depths: tuple[int, ...]
    accuracy: np.ndarray
    diverged: np.ndarray
    xi_c: np.ndarray
    chance: float

    @property
    def mean_accuracy(self) -> np.ndarray:
        """The accuracy averaged over the seeds, σ_w² × depth."""
        return self.accuracy.mean(axis=0)

    def beyond(self, multiple: float) -> np.ndarray:
        """True where the depth exceeds ``multiple``·ξ_c (σ_w² × depth)."""
        multiple = v.positive(multiple, "multiple")
        return np.asarray(self.depths)[None, :] > multiple * self.xi_c[:, None]


def _int_tuple(values: object, name: str, check) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") or len(values) == 0:
        raise ValueError(f"{name} must be a non-empty sequence of integers; got {values!r}")
    return tuple(check(x, f"{name}[{i}]") for i, x in enumerate(values))


def trainability_study(
    data: DataSplit,
    *,
    sigma_w2s: object,  # the σ_w² to train at
    depths: object,  # the numbers of hidden layers
    sigma_b2: float = 0.05,
    activation: str = "tanh",
    width: int = 32,
    epochs: int = 3,
    lr: float = 0.05,
    batch_size: int = 64,
    seeds: object = (0, 1),
) -> TrainabilityStudy:
    """Schoenholz et al.'s experiment at a small scale: train a network of every depth at every
    σ_w² (:func:`mean_field_network`, ``width`` units per hidden layer, biases of variance
    σ_b²) on ``data`` by minibatch gradient descent and keep its training accuracy.

    Seed s draws the network from ``default_rng([s, i, j])`` and the minibatch order from
    ``default_rng([s, i, j, 1])`` for σ_w² number i and depth number j. A run that diverges
    keeps the accuracy of its last finite state (:func:`initreg.train`) and is flagged.
    They find that networks train up to a depth of about 6 ξ_c. See {ref}`chap-beyond`.
    """
    v.instance(data, "data", DataSplit, example="initreg.load_digits()")
    ws = v.array(sigma_w2s, "sigma_w2s", ndim=1)
    if ws.size < 1 or np.any(ws <= 0):
        raise ValueError("sigma_w2s must hold at least one σ_w² > 0")
    ds = _int_tuple(depths, "depths", v.positive_int)
    sigma_b2 = v.positive(sigma_b2, "sigma_b2")
    v.choice(activation, "activation", ACTIVATIONS)
    width = v.positive_int(width, "width")
    epochs = v.positive_int(epochs, "epochs")
    lr = v.positive(lr, "lr")
    batch_size = v.positive_int(batch_size, "batch_size")
    sd = _int_tuple(seeds, "seeds", v.nonneg_int)
    xi = np.array([mean_field(sigma_w2=float(w), sigma_b2=sigma_b2, activation=activation).xi_c for w in ws])
    acc = np.zeros((len(sd), ws.size, len(ds)))
    div = np.zeros_like(acc, dtype=bool)
    n_in, n_out = data.n_features, data.n_classes
    for s, seed in enumerate(sd):
        for i, w in enumerate(ws):
            for j, depth in enumerate(ds):
                net = mean_field_network([n_in] + [width] * depth + [n_out], sigma_w2=float(w), sigma_b2=sigma_b2,
                                         activation=activation, rng=np.random.default_rng([seed, i, j]))
                h = train(net, data.X_train, data.y_train, epochs=epochs, lr=lr, batch_size=batch_size,
                          rng=np.random.default_rng([seed, i, j, 1]), record_every=epochs)
                acc[s, i, j] = h.accuracy[-1]
                div[s, i, j] = h.diverged
    chance = float(np.max(np.bincount(data.y_train)) / len(data.y_train))
    return TrainabilityStudy(activation, sigma_b2, width, epochs, lr, batch_size, sd, ws, ds, acc, div, xi, chance)


# ------------------------------------------------------------------ SymPy derivations
_q = sp.Symbol("q", positive=True)
_sw2 = sp.Symbol("sigma_w2", positive=True)
_sb2 = sp.Symbol("sigma_b2", nonnegative=True)
_eps = sp.Symbol("epsilon", positive=True)

#: The symbols of the derivations: ``q`` (a length), ``sigma_w2`` = σ_w², ``sigma_b2`` = σ_b²
#: and ``epsilon`` = σ_w² − 1, the distance above tanh's boundary.
MEAN_FIELD_SYMBOLS = SimpleNamespace(q=_q, sigma_w2=_sw2, sigma_b2=_sb2, epsilon=_eps)


def _normal_density(u: sp.Symbol) -> sp.Expr:
    return sp.exp(-u**2 / (2 * _q)) / sp.sqrt(2 * sp.pi * _q)


def relu_length_map() -> sp.Expr:
    """ReLU's length map, integrated: σ_w²·∫₀^∞ u² N(u; 0, q) du + σ_b² = σ_w²·q/2 + σ_b²."""
    u = sp.Symbol("u", real=True)
    return sp.simplify(_sw2 * sp.integrate(u**2 * _normal_density(u), (u, 0, sp.oo)) + _sb2)


def relu_chi1() -> sp.Expr:
    """ReLU's χ₁ = σ_w²·E[φ′(u)²] = σ_w²·P(u > 0) = σ_w²/2, integrated (φ′ = 1 for u > 0, else 0)."""
    u = sp.Symbol("u", real=True)
    return sp.simplify(_sw2 * sp.integrate(_normal_density(u), (u, 0, sp.oo)))


def relu_boundary() -> sp.Expr:
    """Solve χ₁ = 1 for ReLU: σ_w² = 2, He's rule. (It is also where the length map's slope
    σ_w²/2 reaches 1, beyond which q* does not exist.) See {ref}`chap-beyond`."""
    (sol,) = sp.solve(sp.Eq(relu_chi1(), 1), _sw2)
    return sol


def _gaussian_series(f: sp.Expr, z: sp.Symbol, order: int) -> sp.Expr:
    """E[f(√q·z)] for z ~ N(0, 1) as a power series in q to ``order`` terms: expand f in z and
    replace z^(2j) by its moment (2j − 1)!! (odd moments vanish)."""
    poly = sp.series(f, z, 0, 2 * order + 1).removeO()
    out = poly.subs(z, 0)
    for j in range(1, order + 1):
        out += poly.coeff(z, 2 * j) * _q**j * sp.factorial2(2 * j - 1)
    return sp.expand(out)


def tanh_length_series(order: int = 3) -> sp.Expr:
    """tanh's length map for small q, at σ_b = 0: σ_w²·E[tanh(√q·z)²] = σ_w²·(q − 2q² + 17q³/3 − …)."""
    order = v.positive_int(order, "order")
    z = sp.Symbol("z", real=True)
    return sp.expand(_sw2 * _gaussian_series(sp.tanh(z) ** 2, z, order))


def tanh_chi1_series(order: int = 3) -> sp.Expr:
    """tanh's σ_w²·E[tanh′(√q·z)²] for small q: σ_w²·(1 − 2q + 7q² − …), χ₁ at q = q*."""
    order = v.positive_int(order, "order")
    z = sp.Symbol("z", real=True)
    return sp.expand(_sw2 * _gaussian_series((1 - sp.tanh(z) ** 2) ** 2, z, order - 1))


def tanh_boundary() -> sp.Expr:
    """tanh's edge of chaos at σ_b = 0. The length map fixes q = 0, where χ₁ is
    ``tanh_chi1_series`` at q = 0, σ_w²; solving χ₁ = 1 gives σ_w² = 1. (It is also where q = 0
    stops attracting: the slope of the length map at 0 is σ_w² too.) See {ref}`chap-beyond`."""
    at_zero = tanh_chi1_series(2).subs(_q, 0)
    slope_at_zero = sp.diff(tanh_length_series(2), _q).subs(_q, 0)
    if sp.simplify(at_zero - slope_at_zero) != 0:  # pragma: no cover - a derivation gone wrong
        raise AssertionError("χ₁ at q = 0 and the length map's slope at 0 differ")
    (sol,) = sp.solve(sp.Eq(at_zero, 1), _sw2)
    return sol


def tanh_edge_expansion(order: int = 2) -> tuple[sp.Expr, sp.Expr]:
    """Just above tanh's boundary, σ_w² = 1 + ε at σ_b = 0: the positive fixed point and χ₁
    there, as series in ε: q* = ε/2 + 5ε²/24 + … and χ₁ = 1 + ε²/3 + …, so the chaotic phase
    starts at σ_w² = 1 but χ₁ leaves 1 only at second order. ``order`` terms of q*.
    See {ref}`chap-beyond`."""
    order = v.positive_int(order, "order")
    coeffs = sp.symbols(f"a1:{order + 1}")
    q_star = sum(a * _eps**(i + 1) for i, a in enumerate(coeffs))
    n = order + 1
    # q* ≠ 0 solves V(q)/q = 1, i.e. σ_w²·(1 − 2q + 17q²/3 − …) = 1
    per_q = sp.expand(tanh_length_series(n) / _q)
    eq = sp.series(per_q.subs({_sw2: 1 + _eps, _q: q_star}) - 1, _eps, 0, n + 1).removeO()
    sol = sp.solve([eq.coeff(_eps, k) for k in range(1, n)], coeffs, dict=True)[0]
    q_sol = sp.expand(q_star.subs(sol))
    chi = sp.series(tanh_chi1_series(n).subs({_sw2: 1 + _eps, _q: q_sol}), _eps, 0, order + 1).removeO()
    return q_sol, sp.expand(chi)
