"""The penalties as priors, numerically: MAP estimates, the prior a λ stands for, Bayes risk.

:mod:`initreg.derivations.priors` derives that minimizing ``J + λΣw²`` (``J + λΣ|w|``) is
the MAP estimate of least squares with noise N(0, σ²) under the prior ``w_j ~ N(0, τ²)``
(``Laplace(0, b)``), with ``τ² = σ²/(2mλ)`` (``b = σ²/(mλ)``). This module checks it
without going through J or λ:

* :func:`log_posterior` is scipy's log densities (``scipy.stats.norm`` and ``laplace``)
  summed, and :func:`map_estimate` maximizes it with scipy's optimizers;
* :func:`bayes_risk` samples weights from the Gaussian prior and data from the model, and
  measures the squared error of the ridge estimate at strengths around λ* = σ²/(2mτ²): the
  posterior mean, which is the MAP here, has the smallest expected squared error of any
  estimate, so the error is smallest at λ*;
* :func:`posterior_grid` evaluates the posterior of two weights on a grid: under the
  Laplace prior its mode has exact zeros, its mean does not.

See {ref}`chap-views`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import _validate as v
from .derivations.priors import PRIOR_SYMBOLS, PRIORS, map_derivation

__all__ = [
    "prior_scale",
    "prior_strength",
    "noise_variance",
    "log_posterior",
    "map_estimate",
    "BayesRisk",
    "bayes_risk",
    "PosteriorGrid",
    "posterior_grid",
]


@functools.lru_cache(maxsize=4)
def _formulas(prior: str) -> tuple:
    """The derivation's scale(λ, m, σ) and strength(scale, m, σ), as NumPy functions."""
    d = map_derivation(prior)
    s = PRIOR_SYMBOLS
    par = s.tau if prior == "gaussian" else s.b
    return (sp.lambdify((s.lam, s.m, s.sigma), d.scale, "math"),
            sp.lambdify((par, s.m, s.sigma), d.strength, "math"))


def _prior_args(prior: str, m: object, sigma: object) -> tuple[str, int, float]:
    return v.choice(prior, "prior", PRIORS), v.positive_int(m, "m"), v.positive(sigma, "sigma")


def prior_scale(prior: str, lam: float, *, m: int, sigma: float) -> float:
    """The prior a strength λ stands for: τ = σ/√(2mλ) ("gaussian", its standard deviation)
    or b = σ²/(mλ) ("laplace", its scale), from :func:`initreg.map_derivation`."""
    prior, m, sigma = _prior_args(prior, m, sigma)
    return float(_formulas(prior)[0](v.positive(lam, "lam"), m, sigma))


def prior_strength(prior: str, scale: float, *, m: int, sigma: float) -> float:
    """The strength λ whose penalized minimizer is the MAP estimate under the prior of
    standard deviation τ ("gaussian": λ = σ²/(2mτ²)) or scale b ("laplace": λ = σ²/(mb))."""
    prior, m, sigma = _prior_args(prior, m, sigma)
    return float(_formulas(prior)[1](v.positive(scale, "scale"), m, sigma))


def noise_variance(X: np.ndarray, y: np.ndarray) -> float:
    """The usual unbiased estimate of σ²: ``‖Xŵ − y‖²/(m − p)`` at the least-squares ŵ."""
    X, y = v.least_squares(X, y)
    m, p = X.shape
    if m <= p:
        raise ValueError(f"X needs more rows than columns to estimate the noise; got shape {X.shape}")
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    r = X @ w - y
    return float(r @ r) / (m - p)


def log_posterior(w: np.ndarray, X: np.ndarray, y: np.ndarray, prior: str, *, scale: float, sigma: float) -> float:
    """``log p(y | X, w) + log p(w)`` from scipy's densities (the evidence left out):
    ``Σᵢ log N(yᵢ; xᵢ·w, σ²)`` plus ``Σⱼ log N(wⱼ; 0, τ²)`` or ``Σⱼ log Laplace(wⱼ; 0, b)``."""
    from scipy import stats

    X, y = v.least_squares(X, y)
    v.choice(prior, "prior", PRIORS)
    w = v.array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have one entry per column of X ({X.shape[1]}); got {w.shape[0]}")
    scale, sigma = v.positive(scale, "scale"), v.positive(sigma, "sigma")
    law = stats.norm if prior == "gaussian" else stats.laplace
    return float(np.sum(stats.norm.logpdf(y, loc=X @ w, scale=sigma)) + np.sum(law.logpdf(w, loc=0.0, scale=scale)))


def map_estimate(X: np.ndarray, y: np.ndarray, prior: str, *, scale: float, sigma: float,
                 start: np.ndarray | None = None) -> np.ndarray:
    """The w that maximizes :func:`log_posterior`, found by scipy.optimize (from ``start``,
    by default the least-squares solution).

    Gaussian prior: BFGS on the smooth log posterior. Laplace prior, whose density has a
    corner wherever a weight is 0: the weights are split as ``w = u − v`` with ``u, v ≥ 0``
    and L-BFGS-B maximizes ``Σᵢ log N(yᵢ; xᵢ·(u − v), σ²) + Σⱼ log Laplace(uⱼ + vⱼ; 0, b)``,
    which is smooth on that box and equals the log posterior where ``min(u, v) = 0``, as
    it is at the optimum (lowering both by the same amount would raise it). A weight whose
    ``u`` and ``v`` both end on their bound 0 is exactly 0.
    """
    from scipy import stats
    from scipy.optimize import minimize

    X, y = v.least_squares(X, y)
    v.choice(prior, "prior", PRIORS)
    scale, sigma = v.positive(scale, "scale"), v.positive(sigma, "sigma")
    p = X.shape[1]
    w0 = np.linalg.lstsq(X, y, rcond=None)[0] if start is None else v.array(start, "start", ndim=1)
    if w0.shape[0] != p:
        raise ValueError(f"start must have one entry per column of X ({p}); got {w0.shape[0]}")

    if prior == "gaussian":
        def f(w: np.ndarray) -> float:
            return -log_posterior(w, X, y, prior, scale=scale, sigma=sigma)

        res = minimize(f, w0, method="BFGS", options={"gtol": 1e-10, "maxiter": 10_000})
        return np.asarray(res.x, dtype=float)

    def f_split(uv: np.ndarray) -> float:
        w = uv[:p] - uv[p:]
        return -float(np.sum(stats.norm.logpdf(y, loc=X @ w, scale=sigma))
                      + np.sum(stats.laplace.logpdf(uv[:p] + uv[p:], loc=0.0, scale=scale)))

    uv0 = np.r_[np.maximum(w0, 0.0), np.maximum(-w0, 0.0)]
    res = minimize(f_split, uv0, method="L-BFGS-B", bounds=[(0.0, None)] * (2 * p),
                   options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 100_000, "maxfun": 1_000_000})
    uv = np.asarray(res.x, dtype=float)
    return uv[:p] - uv[p:]


# ------------------------------------------------------------------- the Bayes risk
@dataclass(frozen=True)
class BayesRisk:
    """Squared errors ``‖ŵ(λ) − w‖²`` of ridge estimates, for weights drawn from the prior.

    ``errors[k, i]`` is draw k's error at strength ``ratios[i]·lam_star``; all strengths see
    the same draws, so differences between columns are paired.
    """

    ratios: np.ndarray
    lam_star: float
    tau: float
    sigma: float
    errors: np.ndarray

    @property
    def mean(self) -> np.ndarray:
        """The Monte Carlo estimate of the Bayes risk at each strength."""
        return self.errors.mean(axis=0)

    @property
    def best_index(self) -> int:
        return int(np.argmin(self.mean))

    def excess_z(self) -> np.ndarray:
        """For each strength, its mean excess error over λ* in units of the paired standard
        error (0 at λ* itself): how many standard errors λ* is ahead."""
        i0 = int(np.argmin(np.abs(np.log(self.ratios))))
        d = self.errors - self.errors[:, [i0]]
        se = d.std(axis=0, ddof=1) / math.sqrt(d.shape[0])
        return np.where(se > 0, d.mean(axis=0) / np.where(se > 0, se, 1.0), 0.0)

    def __repr__(self) -> str:
        return (f"BayesRisk({self.errors.shape[0]} draws; λ* = {self.lam_star:.4g}; smallest mean error at "
                f"{self.ratios[self.best_index]:g}·λ*)")


def bayes_risk(X: np.ndarray, *, tau: float, sigma: float, ratios: Sequence[float], draws: int,
               rng: np.random.Generator) -> BayesRisk:
    """Draw ``w ~ N(0, τ²I)`` and ``y = Xw + σ·e``, ``draws`` times, and measure the error of
    the ridge estimate ``(XᵀX/m + 2λI)⁻¹Xᵀy/m`` at ``λ = ratio·λ*``, ``λ* = σ²/(2mτ²)``.

    The posterior mean minimizes the expected squared error over the prior and the data,
    and it is the ridge estimate at λ*; the errors are computed for all draws and
    strengths at once from one eigendecomposition of ``XᵀX/m``.
    """
    X = v.array(X, "X", ndim=2)
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X must have at least one row and one column; got shape {X.shape}")
    tau, sigma = v.positive(tau, "tau"), v.positive(sigma, "sigma")
    r = v.array(ratios, "ratios", ndim=1)
    if r.size == 0 or np.any(r <= 0):
        raise ValueError("ratios must be a non-empty sequence of positive numbers")
    draws = v.positive_int(draws, "draws")
    v.generator(rng)
    m, p = X.shape
    lam_star = prior_strength("gaussian", tau, m=m, sigma=sigma)
    e, V = np.linalg.eigh(X.T @ X / m)
    W = rng.normal(0.0, tau, size=(draws, p))
    Y = W @ X.T + rng.normal(0.0, sigma, size=(draws, m))
    C = (Y @ X / m) @ V                        # Xᵀy/m in the eigenbasis, one row per draw
    Wt = W @ V
    errors = np.empty((draws, r.size))
    for i, ratio in enumerate(r):
        est = C / (e + 2.0 * ratio * lam_star)
        errors[:, i] = np.sum((est - Wt) ** 2, axis=1)  # V is orthogonal: the same norm
    return BayesRisk(r.copy(), lam_star, tau, sigma, errors)


# ------------------------------------------------------------- the posterior on a grid
@dataclass(frozen=True)
class PosteriorGrid:
    """The posterior of two weights on a grid: ``density[i, k]`` at ``(w1[i], w2[k])``,
    normalized to sum to 1 over the grid; its mode (the MAP estimate the grid was centred
    on), its mean, and the posterior probability that each weight is within ``tol`` of 0."""

    prior: str
    w1: np.ndarray
    w2: np.ndarray
    density: np.ndarray
    map: np.ndarray
    mean: np.ndarray
    near_zero: np.ndarray
    tol: float

    def __repr__(self) -> str:
        return (f"PosteriorGrid({self.prior}: {self.w1.size}×{self.w2.size} points; mode "
                f"({self.map[0]:.4g}, {self.map[1]:.4g}), mean ({self.mean[0]:.4g}, {self.mean[1]:.4g}))")


def posterior_grid(X: np.ndarray, y: np.ndarray, prior: str, *, scale: float, sigma: float, n_grid: int = 801,
                   width: float = 6.0, tol: float = 5e-3) -> PosteriorGrid:
    """The posterior of a two-column least-squares model under ``prior`` (scale τ or b) on an
    ``n_grid × n_grid`` grid reaching ``width`` standard deviations of the likelihood on
    each side of the MAP estimate (:func:`map_estimate`), normalized by summation.

    The log-likelihood is ``−‖y − Xw‖²/(2σ²)`` up to a constant, evaluated on the whole grid
    through ``XᵀX`` and ``Xᵀy``; the prior is scipy's log density of each weight.
    """
    from scipy import stats

    X, y = v.least_squares(X, y)
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 columns; got {X.shape[1]}")
    v.choice(prior, "prior", PRIORS)
    scale, sigma = v.positive(scale, "scale"), v.positive(sigma, "sigma")
    n_grid = v.positive_int(n_grid, "n_grid")
    if n_grid < 3:
        raise ValueError(f"n_grid must be at least 3; got {n_grid}")
    width, tol = v.positive(width, "width"), v.positive(tol, "tol")
    w_map = map_estimate(X, y, prior, scale=scale, sigma=sigma)
    sd = sigma / math.sqrt(float(np.linalg.eigvalsh(X.T @ X).min()))
    g1 = w_map[0] + np.linspace(-width, width, n_grid) * sd
    g2 = w_map[1] + np.linspace(-width, width, n_grid) * sd
    A, B = np.meshgrid(g1, g2, indexing="ij")
    G, c = X.T @ X, X.T @ y
    sq = float(y @ y) - 2 * (A * c[0] + B * c[1]) + G[0, 0] * A**2 + 2 * G[0, 1] * A * B + G[1, 1] * B**2
    law = stats.norm if prior == "gaussian" else stats.laplace
    logp = -sq / (2 * sigma**2) + law.logpdf(A, scale=scale) + law.logpdf(B, scale=scale)
    P = np.exp(logp - logp.max())
    P /= P.sum()
    mean = np.array([float(np.sum(P * A)), float(np.sum(P * B))])
    near = np.array([float(P[np.abs(A) <= tol].sum()), float(P[np.abs(B) <= tol].sum())])
    return PosteriorGrid(prior, g1, g2, P, w_map, mean, near, tol)
