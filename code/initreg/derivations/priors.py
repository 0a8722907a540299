"""The penalties as priors, derived with SymPy: L2 is a Gaussian prior, L1 a Laplace prior.

For least squares with Gaussian noise, ``y = Xw + e`` with ``e_i ~ N(0, σ²)`` independent,
and a prior that draws every weight independently, the negative log posterior is

.. math::  -\\log p(w \\mid X, y) = \\frac{m}{\\sigma^2}\\,J(w) - \\sum_j \\log p(w_j) + \\text{const},
           \\qquad J(w) = \\frac{1}{2m}\\lVert Xw - y\\rVert^2,

and dividing by the positive constant m/σ² does not move its minimizer. With
``w_j ~ N(0, τ²)`` it is ``J + λΣw²`` with ``λ = σ²/(2mτ²)``; with the Laplace law
``p(w_j) = exp(−|w_j|/b)/(2b)`` it is ``J + λΣ|w|`` with ``λ = σ²/(m b)``. So the MAP
estimate is :func:`initreg.regularized_minimizer` at that λ, and a strength λ says how
wide a prior it stands for: ``τ² = σ²/(2mλ)``, ``b = σ²/(mλ)`` (variance 2b²).

:func:`map_derivation` does every step with SymPy's own densities (``sympy.stats``) and
sums (``Sum`` over the m examples and the p weights); the chapter prints the steps and
checks the result numerically against a MAP estimate found by maximizing scipy's log
densities. See {ref}`chap-views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import sympy as sp

from .. import _validate as v

__all__ = ["PRIORS", "PRIOR_SYMBOLS", "MapDerivation", "map_derivation"]

#: The priors of :func:`map_derivation`, each with the penalty its MAP estimate minimizes.
PRIORS: dict[str, str] = {"gaussian": "l2", "laplace": "l1"}

_m = sp.Symbol("m", positive=True, integer=True)       # examples
_p = sp.Symbol("p", positive=True, integer=True)       # weights
_sigma = sp.Symbol("sigma", positive=True)             # noise standard deviation
_tau = sp.Symbol("tau", positive=True)                 # Gaussian prior standard deviation
_b = sp.Symbol("b", positive=True)                     # Laplace prior scale
_lam = sp.Symbol("lambda", positive=True)
_J = sp.Symbol("J", nonnegative=True)                  # the data cost ‖Xw − y‖²/(2m)
_S2 = sp.Symbol("S_2", nonnegative=True)               # Σ_j w_j²
_S1 = sp.Symbol("S_1", nonnegative=True)               # Σ_j |w_j|
_i = sp.Symbol("i", positive=True, integer=True)
_j = sp.Symbol("j", positive=True, integer=True)
_r = sp.IndexedBase("r", real=True)                    # residuals r_i = x_i·w − y_i
_w = sp.IndexedBase("w", real=True)

#: The symbols of the derivation: ``m`` examples, ``p`` weights, the noise standard
#: deviation ``sigma``, the priors' ``tau`` (Gaussian standard deviation) and ``b``
#: (Laplace scale), the strength ``lambda``, the data cost ``J`` and the penalty sums
#: ``S_2`` = Σw², ``S_1`` = Σ|w|; ``r[i]`` and ``w[j]`` are a residual and a weight.
PRIOR_SYMBOLS = SimpleNamespace(m=_m, p=_p, sigma=_sigma, tau=_tau, b=_b, lam=_lam, J=_J, S2=_S2, S1=_S1,
                                i=_i, j=_j, r=_r, w=_w)


@dataclass(frozen=True)
class MapDerivation:
    """The steps of the MAP derivation for one prior (every field a SymPy expression).

    ``neg_log_likelihood``: −Σᵢ log N(rᵢ; 0, σ²) written with J; ``neg_log_prior``:
    −Σⱼ log p(wⱼ) written with the penalty sum; ``objective``: their sum divided by m/σ²,
    which is ``J + strength·penalty_sum + constant``; ``strength``: λ in terms of the
    prior's parameter; ``scale``: the prior's parameter (τ or b) in terms of λ;
    ``variance``: the prior's variance in terms of λ; ``constant``: what does not depend
    on w (it does not move the minimizer).
    """

    prior: str
    penalty: str
    neg_log_likelihood: sp.Expr
    neg_log_prior: sp.Expr
    objective: sp.Expr
    strength: sp.Expr
    scale: sp.Expr
    variance: sp.Expr
    constant: sp.Expr

    @property
    def penalty_sum(self) -> sp.Symbol:
        return _S2 if self.penalty == "l2" else _S1


def _summed(term: sp.Expr, index: sp.Symbol, n: sp.Symbol, square: sp.Expr, total: sp.Expr) -> sp.Expr:
    """``Σ_{index=1..n} term``, with ``Σ square`` put as ``total`` (the term is linear in ``square``)."""
    term = sp.expand(sp.expand_log(term, force=True))
    coeff = term.coeff(square)
    rest = sp.simplify(term - coeff * square)
    if rest.has(square) or coeff.has(index) or rest.has(index):
        raise ValueError(f"the term {term} is not linear in {square}")  # pragma: no cover - the two laws are
    # Σ (coeff·square + rest) = coeff·Σ square + Σ rest, and SymPy sums the constant: n·rest
    summed = coeff * sp.Sum(square, (index, 1, n)) + sp.summation(rest, (index, 1, n))
    return sp.expand(summed.subs(sp.Sum(square, (index, 1, n)), total))


def map_derivation(prior: str) -> MapDerivation:
    """Minimizing ``J + λ·P`` is the MAP estimate under ``prior`` ("gaussian" or "laplace").

    Each example's residual has SymPy's density ``Normal(0, σ)``; summed over the m
    examples, −log-likelihood = (m/σ²)·J + m·log(σ√(2π)) since Σᵢ rᵢ² = 2mJ. Each weight
    has the density ``Normal(0, τ)`` or ``Laplace(0, b)``; summed over the p weights,
    −log-prior = Σw²/(2τ²) + const or Σ|w|/b + const. The objective is their sum times
    σ²/m, read off as J + λ·P + const; SymPy solves λ(τ) or λ(b) for the prior's
    parameter. See {ref}`chap-views`.
    """
    from sympy.stats import Laplace, Normal, density

    v.choice(prior, "prior", PRIORS)
    r_i, w_j = _r[_i], _w[_j]
    nll = _summed(-sp.log(density(Normal("e", 0, _sigma))(r_i)), _i, _m, r_i**2, 2 * _m * _J)
    if prior == "gaussian":
        nlp = _summed(-sp.log(density(Normal("w", 0, _tau))(w_j)), _j, _p, w_j**2, _S2)
        scale_symbol, total = _tau, _S2
    else:
        nlp = _summed(-sp.log(density(Laplace("w", 0, _b))(w_j)), _j, _p, sp.Abs(w_j), _S1)
        scale_symbol, total = _b, _S1
    objective = sp.expand((nll + nlp) * _sigma**2 / _m)
    if sp.simplify(objective.coeff(_J) - 1) != 0:  # pragma: no cover - the scaling is the derivation's
        raise AssertionError("the objective's coefficient of J is not 1")
    strength = sp.simplify(objective.coeff(total))
    constant = sp.expand(objective - _J - strength * total)
    (scale,) = sp.solve(sp.Eq(_lam, strength), scale_symbol)
    variance = scale**2 if prior == "gaussian" else 2 * scale**2  # Var Laplace(0, b) = 2b²
    return MapDerivation(prior, PRIORS[prior], nll, nlp, objective, strength, sp.simplify(scale),
                         sp.simplify(variance), constant)
